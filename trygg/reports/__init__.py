"""trygg.reports"""
