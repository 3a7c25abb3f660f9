"""Importers: the datasets analysts already hold (ACLED, UCDP GED, TimelineJS, their own
spreadsheets) written as timeline files, format 1, that `contested` then loads like any.
"""
