"""trygg.web.meetings"""
