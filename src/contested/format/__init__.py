"""The timeline format (docs/timeline-format.md): the pydantic models and their JSON
Schema, fuzzy dates, quantities, the guarded YAML reader and located diagnostics.
The source of truth for what a file may say; depends only on `support`.
"""
