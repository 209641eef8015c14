"""trygg.web.api"""
