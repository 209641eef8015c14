"""trygg.web.plans"""
