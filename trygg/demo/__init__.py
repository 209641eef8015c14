"""trygg.demo"""
