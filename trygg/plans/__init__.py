"""trygg.plans"""
