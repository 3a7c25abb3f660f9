"""Where contested keeps its files: the platform's config and cache directories."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import platformdirs

from contested.vocabulary import NOTES_FILE_NAME

APP_NAME = "contested"


def cache_dir() -> Path:
    """Crash reports and caches; safe to delete."""
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    """The keymap and settings a user writes by hand."""
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def data_dir() -> Path:
    """What contested writes for a user: the notes on the bundled timelines."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_notes_path(paths: Sequence[str | Path]) -> Path:
    """`contested-notes.yaml` in the first directory loaded (a file's own directory);
    for the bundled timelines, which may sit in a read-only install, the user's data
    directory."""
    if not paths:
        return data_dir() / NOTES_FILE_NAME
    first = Path(paths[0])
    return (first if first.is_dir() else first.parent) / NOTES_FILE_NAME
