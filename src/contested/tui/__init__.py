"""The explorer: a keyboard-driven Textual app over the core (`contested.browse`,
`contested.details`, `contested.search`, `contested.figures`)."""
