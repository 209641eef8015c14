"""trygg.ingest"""
