"""Where contested keeps its files: the platform's config and cache directories."""

from __future__ import annotations

from pathlib import Path

import platformdirs

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
