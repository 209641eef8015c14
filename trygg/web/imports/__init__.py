"""trygg.web.imports"""
