"""Competing hypotheses of one question: the leader, the ranking and the sensitivity line
above the matrix (hypotheses across, evidence down, most diagnostic first). The cursor
moves over the cells; a key rates the cell, saved at once in the review notes as the
claim's rating of that hypothesis (`contested.present.hypotheses.RATING_KEYS`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from contested.engine.hypotheses import Matrix, Weights, default_weights_path, load_weights
from contested.present.hypotheses import (
    cut,
    evidence_label,
    header_lines,
    matrix_of,
    speaker_names,
    unit_label,
)
from contested.review.notes import with_rating
from contested.support.text import printable
from contested.tui.safe import notify, plain_lines

if TYPE_CHECKING:
    from contested.engine.analysis import Analysis
    from contested.review.store import NotesStore

KEYS_LINE = ("Rate the cell: + CC  = C  0 N  - I  _ II  del default (kept in the notes; "
             "* marks yours)")

FIXED_COLUMNS = 3
"""Evidence, weight, diagnosticity: the columns before the hypotheses."""


def _text(value: str) -> Text:
    """Data as a table cell: literal (a DataTable reads a `str` as markup)."""
    return Text(printable(value), no_wrap=True)


class HypothesesScreen(Screen[None], inherit_bindings=False):
    """The matrix of one question; esc goes back."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,backspace", "back", "Back", id="back"),
        Binding("h", "cursor('left')", "Cell to the left", show=False,
                id="hypotheses.left"),
        Binding("l", "cursor('right')", "Cell to the right", show=False,
                id="hypotheses.right"),
        Binding("j", "cursor('down')", "Cell below", show=False, id="hypotheses.down"),
        Binding("k", "cursor('up')", "Cell above", show=False, id="hypotheses.up"),
        Binding("plus", "rate('CC')", "Rate the cell CC (very consistent)",
                id="hypotheses.rate-cc", key_display="+", show=False),
        Binding("equals_sign", "rate('C')", "Rate the cell C (consistent)",
                id="hypotheses.rate-c", key_display="=", show=False),
        Binding("0", "rate('N')", "Rate the cell N (not applicable)",
                id="hypotheses.rate-n", show=False),
        Binding("minus", "rate('I')", "Rate the cell I (inconsistent)",
                id="hypotheses.rate-i", key_display="-", show=False),
        Binding("underscore", "rate('II')", "Rate the cell II (very inconsistent)",
                id="hypotheses.rate-ii", key_display="_", show=False),
        Binding("delete", "rate('')", "The cell's rating back to the default",
                id="hypotheses.rate-default", key_display="del", show=False),
    ]

    def __init__(self, analysis: Analysis, question_id: str, notes: NotesStore | None,
                 weights: Weights | None = None) -> None:
        super().__init__()
        self.analysis = analysis
        self.question_id = question_id
        self.store = notes
        self.weights = weights
        self.matrix = self._matrix()

    def _matrix(self) -> Matrix:
        notes = self.store.notes if self.store is not None else None
        return matrix_of(self.analysis, self.question_id, notes, self.weights)

    def compose(self) -> ComposeResult:
        yield Static(id="hypotheses-header")
        yield DataTable(id="hypotheses-matrix", cursor_type="cell", zebra_stripes=False)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#hypotheses-matrix", DataTable)
        self._draw()
        table.focus()
        if self.matrix.hypotheses:
            table.move_cursor(row=0, column=FIXED_COLUMNS)

    def _draw(self) -> None:
        matrix = self.matrix
        self.query_one("#hypotheses-header", Static).update(
            plain_lines("\n".join([*header_lines(matrix, self.analysis), KEYS_LINE])))
        table: DataTable[Any] = self.query_one("#hypotheses-matrix", DataTable)
        where = table.cursor_coordinate
        table.clear(columns=True)
        names = speaker_names(self.analysis)
        table.add_column(_text("EVIDENCE"), key="evidence")
        table.add_column(_text("WEIGHT"), key="weight")
        table.add_column(_text("D"), key="diagnosticity")
        for n, hypothesis in enumerate(matrix.hypotheses):
            table.add_column(_text(cut(unit_label(matrix, hypothesis.label), 14)),
                             key=f"h{n}")
        for evidence in matrix.evidence:
            cells = [_text(cut(evidence_label(evidence.claim, evidence.speakers, names), 32)),
                     _text(f"{evidence.weight:.2f}"), _text(str(evidence.diagnosticity))]
            cells += [_text(rating + ("*" if given else ""))
                      for rating, given in zip(evidence.ratings, evidence.overridden,
                                               strict=True)]
            table.add_row(*cells, key=evidence.claim)
        table.add_row(_text("SCORE"), _text(""), _text(""),
                      *[_text(f"{s:.2f}") for s in matrix.scores], key="score")
        if table.row_count:
            table.move_cursor(row=min(where.row, table.row_count - 1),
                              column=min(where.column, len(table.columns) - 1))

    def action_cursor(self, direction: str) -> None:
        table = self.query_one("#hypotheses-matrix", DataTable)
        getattr(table, f"action_cursor_{direction}")()

    def current_cell(self) -> tuple[str, str] | None:
        """(claim id, hypothesis label) under the cursor, if it is a rating."""
        table = self.query_one("#hypotheses-matrix", DataTable)
        row, column = table.cursor_coordinate
        hypothesis = column - FIXED_COLUMNS
        if not 0 <= row < len(self.matrix.evidence) or not (
                0 <= hypothesis < len(self.matrix.hypotheses)):
            return None
        return self.matrix.evidence[row].claim, self.matrix.hypotheses[hypothesis].label

    def action_rate(self, rating: str) -> None:
        cell = self.current_cell()
        if cell is None:
            notify(self, "put the cursor on a rating (a claim's row, a hypothesis's "
                   "column) to rate it", severity="warning")
            return
        claim, hypothesis = cell
        change = getattr(self.app, "change_note", None)
        if change is None or self.store is None:
            notify(self, "the notes are not open: ratings cannot be kept",
                   severity="warning")
            return
        change(("claim", claim), with_rating(hypothesis, rating or None))

    def notes_changed(self, _detail: object = None) -> None:
        """A note was saved (by this screen or another explorer's reload): score again."""
        self.matrix = self._matrix()
        self._draw()

    def action_back(self) -> None:
        self.app.pop_screen()


def question_of(analysis: Analysis, item: tuple[str, str] | None) -> str | None:
    """The question an item is about: a question itself, a contradiction's, a claim's."""
    if item is None:
        return None
    kind, item_id = item
    if kind == "question":
        return item_id if item_id in analysis.catalog.questions else None
    if kind == "contradiction":
        found = analysis.contradictions.get(item_id)
        return found.question if found is not None else None
    if kind == "group":  # `group:QUESTION:N`
        question = item_id.removeprefix("group:").rpartition(":")[0]
        return question if question in analysis.catalog.questions else None
    if kind == "claim" and item_id in analysis.catalog.claims:
        return analysis.catalog.claims[item_id].about
    return None


def open_hypotheses(app: Any, analysis: Analysis | None, item: tuple[str, str] | None,
                    notes: NotesStore | None) -> None:
    """Push the Hypotheses view of the question under the cursor, or say why not."""
    if analysis is None:
        return
    if isinstance(app.screen, HypothesesScreen):
        return
    question = question_of(analysis, item)
    if question is None:
        notify(app, "Hypotheses: put the cursor on a question (5 Figures), a "
               "contradiction or a claim that answers one", severity="warning")
        return
    weights, problem = load_weights(default_weights_path())
    if problem:
        notify(app, problem, severity="warning", timeout=8)
    app.push_screen(HypothesesScreen(analysis, question, notes, weights))
