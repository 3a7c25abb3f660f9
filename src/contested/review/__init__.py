"""The analyst's review notes (stars, tags, comments, statuses, preferences, saved
views) and the store that keeps them, never in the timelines.
"""
