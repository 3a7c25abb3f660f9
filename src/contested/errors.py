"""Every error a user can cause, as one family, so that each way in (the CLI, the
explorer, an export) catches `ContestedError` once and shows its message: what happened
and, where there is something to do, what to do. Nothing in this family is a bug; a
traceback is kept for everything else.

Imports nothing: every layer may raise these.
"""

from __future__ import annotations


class ContestedError(Exception):
    """Something a user caused or can mend; the message is for them, whole."""


class InputError(ContestedError, ValueError):
    """Text that cannot be read as what it should be: a date, a figure, a filter. Also a
    ValueError, as what it replaces was."""


class FileRefused(ContestedError):
    """A path that is not what may be read or written there (a FIFO, a device, a file too
    large, a folder that cannot be written)."""


class NotesError(ContestedError):
    """The review notes cannot be read or saved as asked."""


class CacheError(ContestedError):
    """The cache cannot give back what it held: the catalog must be read again."""
