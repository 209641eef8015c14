"""trygg.web.inbox"""
