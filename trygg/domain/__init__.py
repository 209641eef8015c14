"""trygg.domain"""
