"""trygg.web.reports"""
