"""trygg.web.admin"""
