"""trygg.analysis"""
