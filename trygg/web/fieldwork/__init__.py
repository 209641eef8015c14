"""trygg.web.fieldwork"""
