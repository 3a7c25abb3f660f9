"""Documents in the explorer: the sentence around a claim's quote in its detail, the
paragraph on `d`, and the Documents view (`D`) with each copy's state and its quotes."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from textual.pilot import Pilot

from contested.catalog.loading import load_catalog
from contested.engine.analysis import analyse
from contested.present.browse import Browser
from contested.present.details import Details
from contested.tui.app import ContestedApp
from contested.tui.screens.detail import DetailScreen, WholeScreen
from contested.tui.screens.documents import DocumentsScreen
from contested.tui.screens.main import MainScreen
from contested.tui.widgets.rows import VirtualTable
from contested.tui.widgets.text_view import ReadingView
from tests.tui.helpers import explorer, focused_table, screen_lines, screen_text

ARTICLE = """\
The first paragraph sets the scene. It says little of the bridge.

Officials said on Monday that the bridge was destroyed. "We will rebuild it,"
the mayor added. Nobody else spoke.

A third paragraph closes the text.
"""
VERIFIED = "the bridge was destroyed"
EDITED = "the bridge was damaged"
TITLE = "Statement on the bridge"


def q(text: str) -> str:
    """A YAML double-quoted scalar (JSON's escapes are YAML's)."""
    return json.dumps(text)


def write_catalog(folder: Path, *, quotes: tuple[str, ...] = (VERIFIED,),
                  archived: bool = True, article: str = ARTICLE, title: str = TITLE,
                  documents: bool = True) -> Path:
    """A timeline whose claims c1, c2… quote `quotes` from the document `doc`, archived
    beside it (unless not `archived`), and a claim `plain` that names no document."""
    folder.mkdir(parents=True, exist_ok=True)
    copy = folder / "archive" / "statement.txt"
    copy.parent.mkdir(exist_ok=True)
    copy.write_text(article, encoding="utf-8")
    digest = hashlib.sha256(copy.read_bytes()).hexdigest()
    if not archived:
        copy.unlink()
    claims = "".join(
        f"  - {{id: c{n}, source: mayor, text: {q(f'Claim {n} about the bridge')}, "
        f"quote: {q(quote)}" + (", document: doc" if documents else "") + "}\n"
        for n, quote in enumerate(quotes, 1))
    section = (f"documents:\n  - {{id: doc, title: {q(title)}, published: 2025-03, "
               f"url: {q('https://example.org/' + title)}, note: {q(title)}, "
               f"archived: archive/statement.txt, sha256: {digest}}}\n") if documents else ""
    (folder / "bridge.yaml").write_text(f"""\
contested: 1
timeline: {{id: bridge, title: The bridge}}
sources:
  - {{id: mayor, name: The mayor}}
{section}claims:
{claims}  - {{id: plain, source: mayor, text: A claim without a document, quote: "nothing"}}
""", encoding="utf-8")
    return folder


async def open_claim(app: ContestedApp, pilot: Pilot[int], claim_id: str) -> DetailScreen:
    """The claim's detail, opened as a user does: the Claims pane, its row, enter."""
    await pilot.press("2")
    table = focused_table(app)
    index = table.index_of(claim_id)
    assert index is not None, claim_id
    table.move_to(index)
    await pilot.press("enter")
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, DetailScreen)
    assert (screen.detail.kind, screen.detail.id) == ("claim", claim_id)
    return screen


async def test_the_sentence_around_a_quote_shows_in_the_claim_detail_at_80x24(
        tmp_path: Path) -> None:
    folder = write_catalog(tmp_path / "cat")
    async with explorer(paths=[folder], notes=tmp_path / "notes.yaml") as (app, pilot):
        screen = await open_claim(app, pilot, "c1")
        fields = dict(screen.detail.fields)
        sentence = "Officials said on Monday that «the bridge was destroyed»."
        assert fields["in context"] == sentence
        assert fields["document"] == f"{TITLE} (doc)"
        assert fields["archive"] == "quote verified in the archived copy"
        body = screen.query_one("#detail-body", ReadingView)
        assert sentence in body.plain_text()
        shown = screen_lines(app)  # on the screen itself, without scrolling
        assert any(sentence in line for line in shown), "\n".join(shown)
        assert any("quote verified in the archived copy" in line for line in shown)


async def test_d_shows_the_paragraph_around_the_quote(tmp_path: Path) -> None:
    folder = write_catalog(tmp_path / "cat")
    async with explorer(paths=[folder], notes=tmp_path / "notes.yaml") as (app, pilot):
        detail = await open_claim(app, pilot, "c1")
        await pilot.press("d")
        await pilot.pause()
        whole = app.screen
        assert isinstance(whole, WholeScreen)
        view = whole.query_one("#whole", ReadingView)
        text = view.plain_text()
        assert ('Officials said on Monday that «the bridge was destroyed». "We will rebuild '
                'it," the mayor added. Nobody else spoke.') in text
        assert "first paragraph" not in text
        assert "third paragraph" not in text
        assert str(view.border_title) == f"document: {TITLE} (doc)"
        await pilot.press("escape")
        assert app.screen is detail


@pytest.mark.parametrize(("claim", "options", "said"), [
    ("plain", {}, "this claim names no document"),
    ("c2", {"quotes": (VERIFIED, EDITED)}, "no verified quote to show in its document: "
                                            "quote NOT found in the archived copy"),
    ("c1", {"archived": False}, "no verified quote to show in its document: not archived "
                                "here: not checked"),
], ids=["no document", "quote not found", "not archived"])
async def test_d_says_why_there_is_no_paragraph(tmp_path: Path, claim: str,
                                                options: dict[str, object], said: str) -> None:
    folder = write_catalog(tmp_path / "cat", **options)  # type: ignore[arg-type]
    async with explorer(paths=[folder], notes=tmp_path / "notes.yaml",
                        notifications=True) as (app, pilot):
        detail = await open_claim(app, pilot, claim)
        await pilot.press("d")
        await pilot.pause()
        assert app.screen is detail
        assert any(n.message.startswith(said) for n in app._notifications), \
            [n.message for n in app._notifications]


async def test_an_edited_quote_shows_the_closest_passage(tmp_path: Path) -> None:
    folder = write_catalog(tmp_path / "cat", quotes=(VERIFIED, EDITED))
    async with explorer(paths=[folder], notes=tmp_path / "notes.yaml") as (app, pilot):
        screen = await open_claim(app, pilot, "c2")
        fields = dict(screen.detail.fields)
        assert "in context" not in fields
        state = fields["archive"]
        assert state.startswith("quote NOT found in the archived copy (closest passage: “")
        assert "the bridge was destroyed" in state


@pytest.mark.parametrize(("options", "state", "counted", "marks"), [
    ({}, "checked", "1 of 1 quote verified", ["✓ verified"]),
    ({"archived": False}, "not archived here", "0 of 1 quote verified", ["– unchecked"]),
    ({"quotes": (VERIFIED, EDITED)}, "checked", "1 of 2 quotes verified",
     ["✓ verified", "✗ not found"]),
], ids=["verified", "not archived", "edited quote"])
async def test_the_documents_view_lists_each_copy_and_its_quotes(
        tmp_path: Path, options: dict[str, object], state: str, counted: str,
        marks: list[str]) -> None:
    folder = write_catalog(tmp_path / "cat", **options)  # type: ignore[arg-type]
    async with explorer(paths=[folder], notes=tmp_path / "notes.yaml") as (app, pilot):
        await pilot.press("D")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DocumentsScreen)
        table = focused_table(app)
        assert len(table.rows) == 1
        listed = counted.replace(" quotes", "").replace(" quote", "")  # (under QUOTES)
        assert table.rows[0].cells == ("doc", TITLE, "2025-03", state, listed)
        text = screen_text(app)
        assert state in text
        assert listed in text
        await pilot.press("D")  # (already there: not a second one)
        assert app.screen is screen
        await pilot.press("enter")  # the document's detail
        await pilot.pause()
        detail = app.screen
        assert isinstance(detail, DetailScreen)
        assert (detail.detail.kind, detail.detail.id) == ("document", "doc")
        fields = dict(detail.detail.fields)
        assert fields["quotes"] == counted
        assert fields["published"] == "2025-03"
        assert fields["archived"] == "archive/statement.txt"
        assert fields["copy"].startswith(state)
        labels = [link.label for link in detail.detail.links]
        assert [label.split(":")[0] for label in labels] == marks
        assert [link.id for link in detail.detail.links] == [
            f"c{n}" for n in range(1, len(marks) + 1)]
        await pilot.press("enter")  # the first claim quoting it
        await pilot.pause()
        claim = app.screen
        assert isinstance(claim, DetailScreen)
        assert (claim.detail.kind, claim.detail.id) == ("claim", "c1")
        await pilot.press("escape", "escape")
        assert app.screen is screen
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


async def test_a_claim_links_to_its_document(tmp_path: Path) -> None:
    folder = write_catalog(tmp_path / "cat")
    async with explorer(paths=[folder], notes=tmp_path / "notes.yaml",
                        notifications=True) as (app, pilot):
        screen = await open_claim(app, pilot, "c1")
        links = screen.query_one("#links", VirtualTable)
        index = links.index_of("document:doc")
        assert index is not None
        links.move_to(index)
        await pilot.press("enter")
        await pilot.pause()
        document = app.screen
        assert isinstance(document, DetailScreen)
        assert (document.detail.kind, document.detail.id) == ("document", "doc")
        assert document.detail.title == TITLE
        await pilot.press("d")  # (a paragraph is a claim's)
        await pilot.pause()
        assert app.screen is document
        said = [n.message for n in app._notifications]
        assert "d shows the paragraph around a claim's quote; this is a document" in said


async def test_a_catalog_without_documents_says_how_to_add_them(tmp_path: Path) -> None:
    folder = write_catalog(tmp_path / "cat", documents=False)
    async with explorer(paths=[folder], notes=tmp_path / "notes.yaml") as (app, pilot):
        await pilot.press("D")
        await pilot.pause()
        assert isinstance(app.screen, DocumentsScreen)
        assert "no documents: add a `documents:` section" in screen_text(app)


def test_a_changed_copy_is_said_in_the_claim_and_the_document(tmp_path: Path) -> None:
    """A copy changed after its hash was written fails the load; the catalog linked
    anyway (what `c` on the errors screen goes on with, file by file) still words it."""
    folder = write_catalog(tmp_path / "cat")
    (folder / "archive" / "statement.txt").write_text(ARTICLE + "An added line.\n",
                                                       encoding="utf-8")
    result = load_catalog([folder])
    assert [d.code for d in result.diagnostics] == ["archive-changed"]
    assert result.whole is not None
    details = Details(Browser(analyse(result.whole), None))
    claim = details.of("claim", "c1")
    assert dict(claim.fields)["archive"] == "archived copy changed: not checked"
    assert claim.passage is None
    document = details.of("document", "doc")
    assert dict(document.fields)["copy"].startswith("changed: its SHA-256 is now ")
    assert [link.label.split(":")[0] for link in document.links] == ["– unchecked"]
    assert details.exists("document", "doc")
    assert not details.exists("document", "nope")


CLICK = "[@click=app.quit]x[/]"
HOSTILE = f"{CLICK} \x1b[2J \x07 \u202eevil x[/]"
SHOWN = ["[@click=app.quit]x[/]", "␛[2J", "<U+202E>evil", "x[/]"]


async def test_hostile_titles_and_archived_text_are_shown_as_text(tmp_path: Path) -> None:
    article = (f"Intro {HOSTILE}.\n\nOfficials {HOSTILE} said that the bridge was "
               f"destroyed {HOSTILE} today.\n")
    folder = write_catalog(tmp_path / "cat", article=article, title=f"Doc {HOSTILE}")
    async with explorer((100, 30), paths=[folder],
                        notes=tmp_path / "notes.yaml") as (app, pilot):

        def check() -> str:
            assert app.is_running, "hostile data stopped the app"
            svg = app.export_screenshot()
            for unsafe in ("\x1b", "\x07", "\u202e"):
                assert unsafe not in svg
            return screen_text(app)

        screen = await open_claim(app, pilot, "c1")
        assert "«the bridge was destroyed»" in dict(screen.detail.fields)["in context"]
        shown = check()
        assert all(s in shown for s in SHOWN[:3]), shown
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, WholeScreen)
        shown = check()
        assert "«the bridge was destroyed»" in shown
        assert all(s in shown for s in SHOWN), shown
        await pilot.press("escape", "escape", "D")
        await pilot.pause()
        assert isinstance(app.screen, DocumentsScreen)
        shown = check()
        assert "Doc [@click=app.quit]x[/]" in shown
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DetailScreen)
        shown = check()
        assert "https://example.org/Doc [@click=app.quit]x[/]" in shown
        assert all(s in shown for s in SHOWN), shown


def test_every_bundled_quote_shows_in_its_sentence() -> None:
    """The bundled timelines quote their archived article: each claim's detail shows the
    sentence around its quote, and the paragraph is there on demand."""
    from tests.helpers import TIMELINES

    result = load_catalog([TIMELINES])
    assert result.ok, [str(d) for d in result.diagnostics]
    details = Details(Browser(analyse(result.catalog), None))
    quoted = [c for c in result.catalog.claims.values() if c.quote]
    assert quoted
    for claim in quoted:
        detail = details.of("claim", claim.id)
        fields = dict(detail.fields)
        assert fields["archive"] == "quote verified in the archived copy", claim.id
        assert detail.passage is not None
        sentence = fields["in context"]
        assert sentence.count("«") == 1
        assert sentence.count("»") == 1
        assert sentence in detail.passage.paragraph()


async def test_the_palette_opens_the_documents(tmp_path: Path) -> None:
    from tests.tui.helpers import choose

    folder = write_catalog(tmp_path / "cat")
    async with explorer(paths=[folder], notes=tmp_path / "notes.yaml") as (app, pilot):
        await choose(pilot, "Documents: each")
        assert isinstance(app.screen, DocumentsScreen)
