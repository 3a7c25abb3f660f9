"""`contested serve`: the explorer in a browser, for colleagues without a terminal.

The web server is `contested.tui.serve.server` (textual-serve, wrapped). This module holds
only what the explorer itself must know of being served, so that reading it costs the
explorer nothing: each browser session is a `contested` process of its own, told through
its environment whether it may save notes and whose they are.
"""

from __future__ import annotations

import os

DEFAULT_HOST = "127.0.0.1"
"""This machine only: serving to others is asked for (`--host`)."""
DEFAULT_PORT = 8566

READ_ONLY_VARIABLE = "CONTESTED_SERVED_READ_ONLY"
"""Set to 1 by `contested serve` (without --allow-notes) for each explorer it starts."""

ANALYST_VARIABLE = "CONTESTED_ANALYST"
"""Whose notes a served explorer saves: the environment, never the command line, carries
the name a colleague typed (it is data, and no shell ever reads it)."""

SERVED_READ_ONLY = ("served read-only: notes are shown and not saved (whoever serves the "
                    "explorer can allow them with `contested serve --allow-notes`)")


def served_read_only() -> str | None:
    """Why this explorer's notes are read-only when it is served without --allow-notes."""
    return SERVED_READ_ONLY if os.environ.get(READ_ONLY_VARIABLE) == "1" else None
