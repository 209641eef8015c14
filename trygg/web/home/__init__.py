"""trygg.web.home"""
