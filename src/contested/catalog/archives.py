"""Documents' archived copies: each read once, its hash checked, and every quote of the
claims that cite it looked up in its text.

A quote is only as good as the document it came from. An analyst keeps a plain-text copy
of what a source published beside the timeline (`archived:` on a document, relative to
the file that declares it, with the copy's `sha256`), and `validate` then checks, offline,
that each claim's `quote` occurs in it. What it finds for a catalog is worked out once and
kept beside the catalog (`ArchiveChecks.of`), for the warnings, the explorer's Documents
view and a claim's detail, which shows the sentence around its quote.

Problems are placed in the timeline files, never in the copies: a copy whose hash changed
is an error at the document's `sha256`; a copy that cannot be read (a folder, a FIFO, too
large, not UTF-8) an error at its `archived`; a copy that is not there, one warning for
the document ("not archived here"), not one per quote; a quote not found, a warning at
the claim's `quote` with the closest passage of the copy.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from weakref import WeakKeyDictionary

from contested.catalog.catalog import Catalog
from contested.format.diagnostics import Diagnostic, Location, Severity, shown_path
from contested.format.model import Claim, Document
from contested.support.files import Refused, read_with_stat
from contested.support.passages import ArchivedText, Span

ARCHIVE_LIMIT = 16 << 20
"""The largest archived copy read: a document is an article or a report as text, and
its text is kept with a map of offsets while its quotes are looked up."""
_KEPT_TEXTS = 4
"""Archived texts kept read for the explorer (a claim's detail, the Documents view)."""

CopyState = Literal["checked", "absent", "changed", "unreadable", "none"]
"""What became of a document's archived copy: read and its hash as written (or none
written); not at its path; read, with another hash than its `sha256`; not readable as
a text copy; no `archived` given."""

QuoteState = Literal["verified", "not-found", "unchecked"]


@dataclass
class Copy:
    """A document's archived copy, as the check found it."""

    document: Document
    path: str | None
    """The copy's path as the catalog names it (relative to the current directory where
    the declaring file was given so), None without `archived`."""
    state: CopyState
    sha256: str | None = None
    """The copy's hash as read (None unless read)."""
    reason: str = ""
    stamp: list[object] | None = None
    """The copy's stat as read, for the kept outputs of commands (`catalog.cache.derived`):
    [path, size, mtime, inode, device, ctime, when read], or [path] when nothing was
    there."""
    claims: list[str] = field(default_factory=list)
    """The claims that cite this document and have a quote, in catalog order."""
    verified: int = 0


@dataclass(frozen=True)
class QuoteCheck:
    """What became of one claim's quote."""

    state: QuoteState
    span: Span | None = None
    """Where the quote is in the copy's text (verified)."""
    closest: Span | None = None
    """The passage most like it (not found), if any shares a word with it."""


class ArchiveChecks:
    """Every document's copy and every cited quote of one catalog, checked."""

    def __init__(self, catalog: Catalog) -> None:
        self.copies: dict[str, Copy] = {}
        self.quotes: dict[str, QuoteCheck] = {}
        self.problems: list[Diagnostic] = []
        self._texts: OrderedDict[str, ArchivedText] = OrderedDict()
        self._check(catalog)

    @classmethod
    def of(cls, catalog: Catalog) -> ArchiveChecks:
        """The checks of this catalog, worked out when first asked."""
        checks = _CHECKS.get(catalog)
        if checks is None:
            checks = _CHECKS[catalog] = cls(catalog)
        return checks

    @property
    def errors(self) -> list[Diagnostic]:
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [p for p in self.problems if p.severity is Severity.WARNING]

    def stamps(self) -> list[list[object]]:
        """The stat of every copy looked for, as read: what else the output of a command
        on this catalog depends on."""
        return [copy.stamp for copy in self.copies.values() if copy.stamp is not None]

    def text(self, document_id: str) -> ArchivedText | None:
        """The text of a document's copy, if it was checked and reads as it did (its
        hash is compared again: the copy may have changed since the check)."""
        copy = self.copies.get(document_id)
        if copy is None or copy.state != "checked" or copy.path is None:
            return None
        text = self._texts.get(document_id)
        if text is not None:
            self._texts.move_to_end(document_id)
            return text
        read = _read_copy(copy.path)
        if isinstance(read, Refused | str) or read[1] != copy.sha256:
            return None
        text = self._texts[document_id] = ArchivedText(read[0])
        while len(self._texts) > _KEPT_TEXTS:
            self._texts.popitem(last=False)
        return text

    def _check(self, catalog: Catalog) -> None:
        documents = catalog.documents
        if not documents:
            return
        for document in documents.values():
            self.copies[document.id] = self._copy(document)
        quoted: dict[str, list[tuple[Claim, str]]] = {}
        for claim in _citing(catalog):
            copy = self.copies.get(claim.document or "")
            if copy is not None and claim.quote is not None:
                copy.claims.append(claim.id)
                quoted.setdefault(copy.document.id, []).append((claim, claim.quote))
        for document_id, claims in quoted.items():
            copy = self.copies[document_id]
            text = self.text(document_id) if copy.state == "checked" else None
            for claim, quote in claims:
                self.quotes[claim.id] = self._look_up(claim, quote, copy, text)

    def _copy(self, document: Document) -> Copy:
        if document.archived is None:
            return Copy(document, None, "none")
        origin = document.origin
        path = os.path.normpath(os.path.join(os.path.dirname(origin.path), document.archived))
        where = shown_path(path)
        read = _read_copy(path)
        if isinstance(read, Refused):
            if read.missing:
                self._warn(origin.at("archived"), "document-not-archived",
                           f"document '{document.id}' is not archived here (no file "
                           f"{where}): its quotes were not checked")
                return Copy(document, path, "absent", stamp=[os.path.abspath(path)])
            self._error(origin.at("archived"), "archive-unreadable",
                        f"the archived copy of document '{document.id}' cannot be read: "
                        f"{where} is {read.reason}")
            return Copy(document, path, "unreadable", reason=read.reason)
        if isinstance(read, str):
            self._error(origin.at("archived"), "archive-unreadable",
                        f"the archived copy of document '{document.id}' is not plain text: "
                        f"{where}: {read}")
            return Copy(document, path, "unreadable", reason=read)
        _, digest, info, read_at = read
        stamp: list[object] = [os.path.abspath(path), info.st_size, info.st_mtime_ns,
                               info.st_ino, info.st_dev, info.st_ctime_ns, read_at]
        if document.sha256 is None:
            self._warn(origin.at("archived"), "archive-without-hash",
                       f"document '{document.id}' gives no sha256 of its archived copy, so "
                       f"a change to it would go unnoticed: add `sha256: {digest}`")
        elif digest != document.sha256:
            self._error(origin.at("sha256"), "archive-changed",
                        f"the archived copy of document '{document.id}' ({where}) has "
                        f"changed: its SHA-256 is now {digest}; if the change is meant, "
                        "write that hash here, and check its quotes again")
            return Copy(document, path, "changed", digest, stamp=stamp)
        return Copy(document, path, "checked", digest, stamp=stamp)

    def _look_up(self, claim: Claim, quote: str, copy: Copy,
                 text: ArchivedText | None) -> QuoteCheck:
        if text is None:
            return QuoteCheck("unchecked")
        span = text.find(quote)
        if span is not None:
            copy.verified += 1
            return QuoteCheck("verified", span)
        found = text.closest(quote)
        closest = found[0] if found is not None else None
        passage = (f'; the closest passage is "{_passage(text.text, closest)}"'
                   if closest is not None else "; no passage of it comes close")
        self._warn(claim.origin.at("quote"), "quote-not-found",
                   f"the quote of claim '{claim.id}' is not in document "
                   f"'{copy.document.id}'{passage}")
        return QuoteCheck("not-found", closest=closest)

    def _warn(self, where: Location, code: str, message: str) -> None:
        self.problems.append(Diagnostic(where, code, message, Severity.WARNING))

    def _error(self, where: Location, code: str, message: str) -> None:
        self.problems.append(Diagnostic(where, code, message))


_PASSAGE_SHOWN = 300
"""The most of a closest passage a message quotes."""


def _passage(text: str, span: Span) -> str:
    """A passage as a message quotes it: on one line, cut when long."""
    passage = " ".join(text[span.start:span.end].split())
    return passage if len(passage) <= _PASSAGE_SHOWN else passage[:_PASSAGE_SHOWN] + "…"


def _citing(catalog: Catalog) -> Iterator[Claim]:
    """The claims that name a document (each made for this pass only)."""
    for claim in catalog.claims.each():
        if claim.document is not None:
            yield claim


def _read_copy(path: str | Path) -> tuple[str, str, os.stat_result, int] | Refused | str:
    """A copy's text, its SHA-256, its stat as opened and when (ns); `Refused` for what
    is not a readable regular file of at most `ARCHIVE_LIMIT`; a reason for bytes that
    are not UTF-8 text."""
    read_at = time.time_ns()
    try:
        data, info = read_with_stat(path, ARCHIVE_LIMIT)
    except Refused as refused:
        return refused
    digest = hashlib.sha256(data).hexdigest()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return f"byte {error.start + 1} is not UTF-8 (archive documents as UTF-8 text)"
    if "\0" in text:
        return f"it holds a NUL character at character {text.index(chr(0)) + 1} " \
               "(binary data, not text)"
    return text, digest, info, read_at


_CHECKS: WeakKeyDictionary[Catalog, ArchiveChecks] = WeakKeyDictionary()
