"""Documents' archived copies: each quote checked against its copy, the copy's hash
checked, a missing copy said once, a hostile copy refused with a located error."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from contested.catalog.archives import ARCHIVE_LIMIT, ArchiveChecks
from contested.catalog.loading import LoadResult, load_catalog
from contested.engine.analysis import analyse
from tests.helpers import SOURCES, main_in_process, no_hang

ARTICLE = """\
The convoy left the city at dawn, officials said.
“We lost contact with them at noon,” the mayor told reporters — adding that
the road had been shelled for days.
A second convoy is expected on Friday.
"""


def _catalog(folder: Path, quote: str = "We lost contact with them at noon,",
             *, archived: str | None = "copy/article.txt", sha256: str | None = "auto",
             article: str = ARTICLE) -> Path:
    """A catalog of one timeline whose claims quote one archived document."""
    if archived is not None and article is not None:
        copy = folder / archived
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_text(article, encoding="utf-8")
    digest = hashlib.sha256(article.encode()).hexdigest() if sha256 == "auto" else sha256
    lines = ["documents:", "  - id: dispatch", "    title: The dispatch",
             "    published: 2025-03~"]
    if archived is not None:
        lines.append(f"    archived: {archived}")
    if digest is not None:
        lines.append(f"    sha256: {digest}")
    (folder / "sources.yaml").write_text(SOURCES + "\n".join(lines) + "\n", encoding="utf-8")
    (folder / "claims.yaml").write_text(f"""\
contested: 1
claims:
  - id: mayor-contact
    source: afp
    event: pipeline
    text: Contact was lost at noon.
    quote: '{quote.replace("'", "''")}'
    document: dispatch
  - id: officials-dawn
    source: afp
    text: The convoy left at dawn.
    quote: The convoy left the city at dawn, officials said.
    document: dispatch
""", encoding="utf-8")
    return folder


def _load(folder: Path) -> LoadResult:
    return load_catalog([folder])


def _codes(result: LoadResult) -> list[str]:
    return [d.code for d in [*result.diagnostics,
                             *ArchiveChecks.of(result.whole or result.catalog).warnings]]


def test_every_quote_found_is_verified_across_typographic_quotes_and_line_breaks(
        tmp_path: Path) -> None:
    # The copy has curly quotes, a line break and an em dash; the quote has none.
    folder = _catalog(tmp_path, quote='"We lost contact with them at noon," the mayor told '
                                      "reporters - adding that the road")
    result = _load(folder)
    assert result.ok, result.diagnostics
    checks = ArchiveChecks.of(result.catalog)
    assert checks.copies["dispatch"].state == "checked"
    assert checks.copies["dispatch"].verified == 2
    assert {c: q.state for c, q in checks.quotes.items()} == {
        "mayor-contact": "verified", "officials-dawn": "verified"}
    span = checks.quotes["mayor-contact"].span
    assert span is not None
    assert ARTICLE[span.start:span.end].startswith("“We lost contact")
    assert not checks.warnings


def test_an_edited_quote_is_a_warning_at_its_place_with_the_closest_passage(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = _catalog(tmp_path, quote="We lost touch with them at noon,")
    result = _load(folder)
    assert result.ok  # a warning, never refused
    (warning,) = ArchiveChecks.of(result.catalog).warnings
    assert warning.code == "quote-not-found"
    text = (folder / "claims.yaml").read_text().splitlines()
    line = next(n for n, t in enumerate(text, 1) if "quote: 'We lost touch" in t)
    assert (warning.location.path, warning.location.line) == (str(folder / "claims.yaml"),
                                                              line)
    assert warning.location.column == text[line - 1].index("'") + 1
    assert "claim 'mayor-contact'" in warning.message
    assert "We lost contact with them at noon" in warning.message  # the closest passage
    status, out, _ = main_in_process(capsys, "validate", str(folder))
    assert status == 0
    assert f"claims.yaml:{line}:" in out
    assert "[quote-not-found]" in out
    assert "valid: 2 files, 2 sources, 1 document, 2 questions" in out


def test_a_changed_copy_is_an_error_at_its_hash_and_its_quotes_are_not_checked(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = _catalog(tmp_path)
    (folder / "copy" / "article.txt").write_text(ARTICLE.replace("noon", "night"))
    result = _load(folder)
    assert not result.ok
    (error,) = result.diagnostics
    assert error.code == "archive-changed"
    sources = (folder / "sources.yaml").read_text().splitlines()
    assert error.location.line == next(n for n, t in enumerate(sources, 1) if "sha256:" in t)
    new = hashlib.sha256(ARTICLE.replace("noon", "night").encode()).hexdigest()
    assert new in error.message
    assert ArchiveChecks.of(result.whole or result.catalog).quotes["mayor-contact"].state == (
        "unchecked")
    status, out, _ = main_in_process(capsys, "validate", str(folder))
    assert status == 1
    assert "[archive-changed]" in out
    assert "quote-not-found" not in out


def test_a_missing_copy_is_one_warning_not_one_per_quote(tmp_path: Path) -> None:
    folder = _catalog(tmp_path)
    (folder / "copy" / "article.txt").unlink()
    result = _load(folder)
    assert result.ok
    warnings = analyse(result.catalog).warnings
    assert [w.code for w in warnings if w.code in ("document-not-archived",
                                                    "quote-not-found")] == [
        "document-not-archived"]
    (warning,) = [w for w in warnings if w.code == "document-not-archived"]
    assert "not archived here" in warning.message
    assert "its quotes were not checked" in warning.message
    assert warning.location.path == str(folder / "sources.yaml")
    assert {q.state for q in ArchiveChecks.of(result.catalog).quotes.values()} == {
        "unchecked"}


def test_a_copy_without_a_hash_is_checked_and_the_hash_to_add_is_given(tmp_path: Path) -> None:
    folder = _catalog(tmp_path, sha256=None)
    result = _load(folder)
    checks = ArchiveChecks.of(result.catalog)
    (warning,) = checks.warnings
    assert warning.code == "archive-without-hash"
    assert hashlib.sha256(ARTICLE.encode()).hexdigest() in warning.message
    assert checks.copies["dispatch"].verified == 2


def test_a_document_without_a_copy_is_neither_checked_nor_warned_about(tmp_path: Path) -> None:
    folder = _catalog(tmp_path, archived=None, sha256=None)
    result = _load(folder)
    assert result.ok
    checks = ArchiveChecks.of(result.catalog)
    assert checks.copies["dispatch"].state == "none"
    assert not checks.warnings


@pytest.mark.parametrize(("field", "value", "expected"), [
    ("archived", "/etc/passwd", "is absolute"),
    ("archived", "''", "cannot be empty"),
    ("sha256", "abc", "64 hexadecimal digits"),
])
def test_bad_document_fields_are_located_errors(tmp_path: Path, field: str, value: str,
                                                 expected: str) -> None:
    (tmp_path / "doc.yaml").write_text(
        f"contested: 1\ndocuments:\n  - id: d\n    title: D\n    archived: a.txt\n"
        f"    {field}: {value}\n".replace("    archived: a.txt\n    archived:", "    archived:"),
        encoding="utf-8")
    result = load_catalog([tmp_path])
    (error,) = result.diagnostics
    assert expected in error.message
    assert error.location.line == (5 if field == "archived" else 6)


def test_a_hash_without_a_copy_is_refused(tmp_path: Path) -> None:
    (tmp_path / "doc.yaml").write_text(
        "contested: 1\ndocuments:\n  - id: d\n    title: D\n    sha256: " + "a" * 64 + "\n",
        encoding="utf-8")
    (error,) = load_catalog([tmp_path]).diagnostics
    assert "add `archived`" in error.message


def test_an_unknown_document_is_an_error_with_the_nearest_id(tmp_path: Path) -> None:
    folder = _catalog(tmp_path)
    claims = folder / "claims.yaml"
    claims.write_text(claims.read_text().replace("document: dispatch\n  - id: officials",
                                                 "document: dispatc\n  - id: officials"))
    (error,) = _load(folder).diagnostics
    assert error.code == "unknown-id"
    assert "unknown document 'dispatc'" in error.message
    assert "dispatch" in error.message


@pytest.mark.parametrize("kind", ["folder", "fifo", "device", "huge", "latin1", "nul",
                                  "link-to-device"])
def test_a_copy_that_is_not_a_text_file_is_a_located_error_never_a_hang(
        tmp_path: Path, kind: str) -> None:
    folder = _catalog(tmp_path, sha256=None)
    copy = folder / "copy" / "article.txt"
    copy.unlink()
    if kind == "folder":
        copy.mkdir()
    elif kind == "fifo":
        os.mkfifo(copy)
    elif kind == "device":
        (folder / "sources.yaml").write_text((folder / "sources.yaml").read_text().replace(
            "archived: copy/article.txt", "archived: " + "../" * 30 + "dev/zero"))
    elif kind == "huge":
        with copy.open("wb") as handle:
            handle.truncate(ARCHIVE_LIMIT + 1)  # sparse: no disk used
    elif kind == "latin1":
        copy.write_bytes("Café at noon".encode("latin-1"))
    elif kind == "nul":
        copy.write_bytes(b"We lost contact\0 with them")
    else:
        copy.symlink_to("/dev/zero")
    with no_hang(f"a copy that is a {kind} hung the loader"):
        result = _load(folder)
    (error,) = result.diagnostics
    assert error.code == "archive-unreadable"
    assert error.location.path == str(folder / "sources.yaml")
    sources = (folder / "sources.yaml").read_text().splitlines()
    assert error.location.line == next(n for n, t in enumerate(sources, 1)
                                       if "archived:" in t)


def test_a_hostile_copy_reaches_the_terminal_only_as_visible_stand_ins(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    article = "Officials said \x1b]52;c;ZXZpbA==\x07 that the \u202eroad was open\x1b[2J.\n"
    folder = _catalog(tmp_path, quote="that the road was closed", article=article)
    _, out, err = main_in_process(capsys, "validate", str(folder))
    assert "quote-not-found" in out
    assert "\x1b" not in out + err
    assert "\x07" not in out
    assert "\u202e" not in out


def test_a_second_validate_replays_only_while_the_copy_is_unchanged(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    import contested.catalog.archives
    import contested.catalog.cache.store

    # Every stat vouches for its file (else only files settled for seconds are kept).
    monkeypatch.setattr(contested.catalog.cache.store, "SETTLED_NS", -3600 * 10**9)
    folder = _catalog(tmp_path, sha256=None)
    copy = folder / "copy" / "article.txt"
    first = main_in_process(capsys, "validate", str(folder))
    assert "archive-without-hash" in first[1]

    def no_check(self: object, catalog: object) -> None:
        raise AssertionError("the catalog was loaded and checked again")

    with monkeypatch.context() as patched:
        patched.setattr(contested.catalog.archives.ArchiveChecks, "_check", no_check)
        assert main_in_process(capsys, "validate", str(folder)) == first  # replayed
    # The copy edited: its new hash shows, and the quote no longer in it is reported.
    copy.write_text(ARTICLE.replace("dawn", "dusk"), encoding="utf-8")
    second = main_in_process(capsys, "validate", str(folder))
    assert hashlib.sha256(ARTICLE.replace("dawn", "dusk").encode()).hexdigest() in second[1]
    assert "officials-dawn" in second[1]
    copy.unlink()
    third = main_in_process(capsys, "validate", str(folder))
    assert "document-not-archived" in third[1]
    # Absent, and still absent: replayed; put back: read again.
    with monkeypatch.context() as patched:
        patched.setattr(contested.catalog.archives.ArchiveChecks, "_check", no_check)
        assert main_in_process(capsys, "validate", str(folder)) == third
    copy.write_text(ARTICLE, encoding="utf-8")
    assert main_in_process(capsys, "validate", str(folder)) == first
