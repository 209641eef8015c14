"""trygg.web.meta"""
