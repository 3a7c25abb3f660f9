"""A catalog: the files of a folder found, read, parsed (in worker processes when
there are many), linked into one `Catalog`, held as entities and column arrays, and
kept in a cache between runs.
"""
