"""What people read: rows of the lists, details, search, filters and figures,
made from the catalog, the engine's findings and the notes. No Textual here: the
explorer, the exports and the CLI share it.
"""
