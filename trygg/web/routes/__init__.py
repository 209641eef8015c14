"""trygg.web.routes"""
