"""Support: reading and writing files safely, folders, crash reports, the
garbage collector's pauses, text made safe for a terminal or a spreadsheet, the
clipboard, progress on stderr. Knows nothing of timelines.
"""
