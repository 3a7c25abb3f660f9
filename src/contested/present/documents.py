"""Documents as the explorer shows them: the state of each archived copy and of each
quote in words, the rows of the Documents view, and the passage around a verified quote.

What the check found (`contested.catalog.archives`) is worked out once per catalog; this
module only words it. A passage comes from a file the analyst archived, so it is data:
the quote is marked with « and » (plain characters, which show without colour and are
never markup), and the widgets show it through the safe path like any other text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from contested.catalog.archives import ArchiveChecks, Copy, CopyState, QuoteCheck, QuoteState
from contested.catalog.catalog import Catalog
from contested.format.diagnostics import shown_path
from contested.format.model import Claim, Document
from contested.present.rows import Row
from contested.present.wording import QUOTE_CHECK_WORDS, date_text
from contested.support.passages import ArchivedText, Span

OPEN_QUOTE = "«"
CLOSE_QUOTE = "»"
"""The marks around a quote in its sentence or paragraph: plain characters, so the quote
shows on a terminal without colour, in a copy to the clipboard and in a snapshot."""

COPY_WORDS: dict[CopyState, str] = {
    "checked": "checked",
    "absent": "not archived here",
    "changed": "changed",
    "unreadable": "unreadable",
    "none": "no copy",
}
"""A copy's state as the Documents view lists it."""

QUOTE_MARKS: dict[QuoteState, str] = {
    "verified": "✓ verified",
    "not-found": "✗ not found",
    "unchecked": "– unchecked",
}
"""A quote's state at the start of a link to its claim (a sign and a word: the sign
alone would need a legend, the word alone would not line up)."""

CLOSEST_SHOWN = 300
"""The most of a closest passage a claim's detail quotes (the whole is in the copy)."""

EMPTY_MESSAGE = "no documents: add a `documents:` section (docs/timeline-format.md)"
"""The Documents view of a catalog without any (on one line at 80 columns)."""


def flat(text: str) -> str:
    """`text` on one line: each run of whitespace (the line breaks of a copy wrapped by
    hand among them) one space."""
    return re.sub(r"\s+", " ", text)


def marked(text: str, around: Span, quote: Span) -> str:
    """The passage `around` of `text`, on one line, with the `quote` in it between « and »."""
    start, end = min(around.start, quote.start), max(around.end, quote.end)
    return (flat(text[start:quote.start]) + OPEN_QUOTE + flat(text[quote.start:quote.end])
            + CLOSE_QUOTE + flat(text[quote.end:end])).strip()


@dataclass(frozen=True, slots=True)
class Passage:
    """Where a claim's quote is in its document's archived copy: the sentence around it
    (in the claim's detail) and its paragraph (on demand), each made when asked."""

    document: Document
    text: ArchivedText
    span: Span

    def sentence(self) -> str:
        return marked(self.text.text, self.text.sentence(self.span), self.span)

    def paragraph(self) -> str:
        return marked(self.text.text, self.text.paragraph(self.span), self.span)


def document_label(document: Document) -> str:
    """`Title (id)`."""
    return f"{document.title} ({document.id})"


def copy_text(copy: Copy) -> str:
    """A copy's state in a sentence, for the document's detail."""
    document = copy.document
    if copy.state == "checked":
        return ("checked: its SHA-256 is as written" if document.sha256 is not None
                else "read, but no sha256 is written: a change would go unnoticed")
    if copy.state == "absent":
        where = shown_path(copy.path) if copy.path is not None else "at that path"
        return f"not archived here: no file {where}, so its quotes were not checked"
    if copy.state == "changed":
        return (f"changed: its SHA-256 is now {copy.sha256}, not the one written, so its "
                "quotes were not checked")
    if copy.state == "unreadable":
        return f"unreadable ({copy.reason}): its quotes were not checked"
    return "no archived copy (`archived` is not given): its quotes cannot be checked"


def quote_text(copy: Copy | None, check: QuoteCheck | None,
               text: ArchivedText | None) -> str:
    """What became of a claim's quote, in words, for the claim's detail."""
    if check is None:
        return "no quote to check" if copy is not None else "not in this catalog's documents"
    if check.state == "verified":
        return QUOTE_CHECK_WORDS["verified"]
    if check.state == "not-found":
        said = QUOTE_CHECK_WORDS["not-found"]
        if check.closest is None or text is None:
            return f"{said} (no passage of it comes close)"
        passage = flat(text.text[check.closest.start:check.closest.end]).strip()
        if len(passage) > CLOSEST_SHOWN:
            passage = passage[:CLOSEST_SHOWN] + "…"
        return f"{said} (closest passage: “{passage}”)"
    state = copy.state if copy is not None else "none"
    return {"absent": "not archived here: not checked",
            "changed": "archived copy changed: not checked",
            "unreadable": "archived copy unreadable: not checked",
            }.get(state, "no archived copy")


@dataclass(frozen=True, slots=True)
class QuoteInDocument:
    """A claim's document and its quote's state, for the claim's detail."""

    document: Document
    state: str
    """`quote_text`."""
    passage: Passage | None
    """Where the quote is, when it was verified and the copy still reads as checked."""


def quote_in_document(catalog: Catalog, claim: Claim) -> QuoteInDocument | None:
    """The document a claim names, what became of its quote, and the passage (None when
    it names none, or one this catalog does not hold)."""
    document = catalog.documents.get(claim.document or "")
    if document is None:
        return None
    checks = ArchiveChecks.of(catalog)
    copy = checks.copies.get(document.id)
    check = checks.quotes.get(claim.id)
    wanted = check is not None and (check.state == "verified" or check.closest is not None)
    text = checks.text(document.id) if wanted else None
    passage = None
    if check is not None and check.span is not None and text is not None:
        passage = Passage(document, text, check.span)
    state = quote_text(copy, check, text)
    if check is not None and check.state == "verified" and text is None:
        state += " (the copy has changed since: the passage cannot be shown)"
    return QuoteInDocument(document, state, passage)


def verified_text(copy: Copy) -> str:
    """`3 of 4 quotes verified`."""
    return f"{copy.verified} of {len(copy.claims)} quote{'s' * (len(copy.claims) != 1)} verified"


def document_rows(catalog: Catalog) -> list[Row]:
    """A row per document, in catalog order: id, title, published, its copy's state and
    how many of the quotes citing it were verified (`3 of 4 verified`, under QUOTES)."""
    checks = ArchiveChecks.of(catalog)
    rows = []
    for document in catalog.documents.values():
        copy = checks.copies.get(document.id)
        state = COPY_WORDS[copy.state] if copy is not None else "not checked"
        counted = f"{copy.verified} of {len(copy.claims)} verified" if copy is not None else ""
        rows.append(Row(document.id, (document.id, document.title,
                                      date_text(document.published), state, counted),
                        item=("document", document.id)))
    return rows
