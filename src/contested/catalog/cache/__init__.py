"""The per-file cache of validated timelines (`store`), the layout of its entries
(`parts`) and the entities kept in them as rows (`rows`).
"""
