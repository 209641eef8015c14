"""trygg.web.public"""
