"""trygg.storage"""
