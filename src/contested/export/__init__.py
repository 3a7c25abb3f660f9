"""Exports: the markdown report, JSON, CSV, and the CLI's table of contradictions.
"""
