"""What tests share besides fixtures: the repository's paths, a small valid catalog, and
the type of the `write` fixture. (conftest.py holds the fixtures; pytest imports it
itself, so tests do not.)"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TIMELINES = REPO / "timelines"
SEED_ARTICLE = REPO / "tests" / "data" / "seed-article.txt"
"""A copy of the AFP/BTA article in ../shared/seed/, so that a clone alone can test quotes."""
SHARED_SEED = REPO.parent / "shared" / "seed"

SOURCES = """\
contested: 1
sources:
  - id: afp
    name: AFP
    kind: news-agency
  - id: ru-media
    name: Russian media
    kind: media
    side: russia
questions:
  - id: area
    text: Area held
    kind: quantity
    unit: km2
  - id: outcome
    text: How did it end?
    kind: category
    values: [success, heavy-losses]
events:
  - id: pipeline
    date: 2025-03~
    title: The pipeline operation
"""

Write = Callable[[str, str], Path]
