"""Putting Trygg into service for a municipality: `init`, district import, survey import.

Services over `trygg.storage` used by the command line, the settings pages and the demo builder alike.
"""
