"""The explorer: a keyboard-driven Textual app over the core (`contested.present.browse`,
`contested.present.details`, `contested.present.search`, `contested.present.figures`)."""
