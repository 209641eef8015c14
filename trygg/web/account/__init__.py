"""trygg.web.account"""
