"""What live reload watches: `stamps` once, then `unchanged` ten times a second."""

from __future__ import annotations

import os
from pathlib import Path

from contested.catalog.discover import stamps, unchanged


def catalog(tmp_path: Path) -> Path:
    folder = tmp_path / "catalog"
    (folder / "front").mkdir(parents=True)
    (folder / "a.yaml").write_text("contested: 1\n", encoding="utf-8")
    (folder / "front" / "b.yaml").write_text("contested: 1\n", encoding="utf-8")
    return folder


def test_nothing_touched_is_unchanged(tmp_path: Path) -> None:
    folder = catalog(tmp_path)
    known = stamps([folder])
    assert set(known) == {str(folder), str(folder / "front"), str(folder / "a.yaml"),
                          str(folder / "front" / "b.yaml")}
    assert unchanged(known)


def test_an_edit_a_removal_and_a_new_file_in_a_subfolder_are_seen(tmp_path: Path) -> None:
    folder = catalog(tmp_path)
    known = stamps([folder])
    (folder / "a.yaml").write_text("contested: 1\nsources: []\n", encoding="utf-8")
    assert not unchanged(known)

    known = stamps([folder])
    (folder / "front" / "c.yaml").write_text("contested: 1\n", encoding="utf-8")
    assert not unchanged(known)

    known = stamps([folder])
    os.unlink(folder / "front" / "b.yaml")
    assert not unchanged(known)


def test_a_hidden_folder_is_not_watched(tmp_path: Path) -> None:
    folder = catalog(tmp_path)
    (folder / ".git").mkdir()
    known = stamps([folder])
    (folder / ".git" / "index").write_text("x", encoding="utf-8")
    assert str(folder / ".git") not in known
    assert unchanged(known)
