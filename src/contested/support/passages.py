"""Quotes found in a document's archived text: where a quote occurs, the passage most
like it when it does not, and the sentence and paragraph around it.

A quote is checked against what its source published, but the two rarely agree byte for
byte: the archived copy keeps the page's line breaks, typographic quotes and dashes,
non-breaking spaces and soft hyphens, while the analyst typed straight quotes into YAML
(or the reverse). Both are compared after one normalisation (`normalised`), case kept,
since a quote is verbatim. Every offset handed back is in the archived text as given, so
that what is shown is what the source wrote.

Pure text: no file is read here and nothing is made safe for a terminal (a passage is
data, shown through `contested.support.text` like any other).
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from difflib import SequenceMatcher

__all__ = ["ArchivedText", "Span", "normalised"]

_WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680"
    "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)
"""Every character `str.isspace()` calls a space (and so does the `\\s` of `re`)."""
_SINGLE_QUOTES = "\u2018\u2019\u201a\u201b\u2032\u2035\u2039\u203a\u02bc\uff07"
_DOUBLE_QUOTES = "\u201c\u201d\u201e\u201f\u2033\u2036\u00ab\u00bb\u301d\u301e\u301f\uff02"
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2e3a\u2e3b\ufe58\ufe63\uff0d"
_TRANSLATION = str.maketrans(
    {
        **dict.fromkeys(_WHITESPACE, " "),
        **dict.fromkeys(_SINGLE_QUOTES, "'"),
        **dict.fromkeys(_DOUBLE_QUOTES, '"'),
        **dict.fromkeys(_DASHES, "-"),
    }
)
"""The one-for-one replacements: they move no offset, so they need no map."""

_DROPPED = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]+")
"""Soft hyphens and zero-width characters: a page's invisible marks, never typed in a quote."""
_COLLAPSED = re.compile("\\s{2,}|\u2026")
"""What changes length: a run of spaces becomes one, an ellipsis character three dots."""
_ELISION = re.compile(r"\[ ?\.\.\. ?\]")
"""`[...]`, `[…]`, `[ … ]` once normalised: where the analyst left words out."""
_WORD = re.compile(r"\w+")
_LINE = re.compile(r"[^\n]+")
_NON_SPACE = re.compile(r"\S+")

_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_BREAK = f"(?>\r\n|[{_BREAKS}])"
_INLINE_SPACE = f"[^\\S{_BREAKS}]"
_LINE_BREAKS = re.compile(f"{_BREAK}(?:{_INLINE_SPACE}*{_BREAK})*{_INLINE_SPACE}*")
_BLANK_LINES = re.compile(f"{_BREAK}(?:{_INLINE_SPACE}*{_BREAK})+{_INLINE_SPACE}*")

_SENTENCE_END = re.compile("([.!?]+)([\"')\\]}\u2019\u201d\u00bb\u203a]*)(\\s+|\\Z)")
_OPENERS = "\"'([{\u2018\u201c\u00ab\u2039"
_ABBREVIATIONS = frozenset(
    (
        "Mr", "Mrs", "Ms", "Dr", "St", "Prof", "Gen", "Col", "Lt", "Sgt", "Capt", "Maj",
        "Adm", "Cpl", "Jr", "Sr", "Rev", "Hon", "Sen", "Rep", "Gov", "No", "Nos", "Vol",
        "Fig", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov",
        "Dec", "vs", "cf", "al", "approx", "ca",
    )
)
"""Words that end with a full stop inside a sentence (a title, a month, a number sign)."""

_SENTENCE_LIMIT = 600
_PARAGRAPH_LIMIT = 4000
_SENTENCE_REACH = 2 * _SENTENCE_LIMIT
"""How far a sentence's ends are looked for: past it, the sentence is clipped anyway."""

_COUNTED_WORDS = 12
"""Words of a quote whose occurrences are counted to find its rarest ones: the longest,
which tend to be the rarest; more only when none of these occurs."""
_MOST_COUNTED_WORDS = 36
_WINDOWS = 200
"""Candidate passages compared word by word: bounds `closest` on a long document."""
_FINALISTS = 5
"""The best of them compared character by character, for the score reported."""


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of the archived text: `text[start:end]` of the original."""

    start: int
    end: int


def normalised(text: str) -> str:
    """The form in which a quote and a document are compared: NFC, every run of spaces
    one space, typographic quotes and dashes plain, `…` three dots, invisible marks gone,
    case kept; without the spaces at either end."""
    return _normal_form(text).strip()


def _normal_form(text: str) -> str:
    text = _DROPPED.sub("", text)
    text = unicodedata.normalize("NFC", text)
    text = _COLLAPSED.sub(_collapsed, text)
    return text.translate(_TRANSLATION)


def _collapsed(match: re.Match[str]) -> str:
    return "..." if match.group() == "\u2026" else " "


class _Edits:
    """One normalising step's changes of length: where each changed run lies in the text
    before the step and after it. Between two runs both texts are the same, shifted, so
    the map costs the changes, not an offset per character of a document of megabytes."""

    __slots__ = ("after_end", "after_start", "before_end", "before_start")

    def __init__(self) -> None:
        self.before_start = array("q")
        self.before_end = array("q")
        self.after_start = array("q")
        self.after_end = array("q")

    def add(self, before: tuple[int, int], after: tuple[int, int]) -> None:
        self.before_start.append(before[0])
        self.before_end.append(before[1])
        self.after_start.append(after[0])
        self.after_end.append(after[1])

    def __len__(self) -> int:
        return len(self.before_start)

    def splits(self, at: int) -> bool:
        """Whether `at` falls inside what one character became (`…` as `...`): a match
        that starts or ends there does not match whole characters of the document."""
        run = bisect_right(self.after_start, at) - 1
        return run >= 0 and self.after_start[run] < at < self.after_end[run]

    def start_before(self, at: int) -> int:
        """Where the character at `at` came from (its start)."""
        run = bisect_right(self.after_start, at) - 1
        if run < 0:
            return at
        if at < self.after_end[run]:
            return self.before_start[run]
        return self.before_end[run] + at - self.after_end[run]

    def end_before(self, at: int) -> int:
        """Where the character before `at` came from (its end)."""
        run = bisect_right(self.after_start, at - 1) - 1
        if run < 0:
            return at
        if at - 1 < self.after_end[run]:
            return self.before_end[run]
        return self.before_end[run] + at - self.after_end[run]

    def after(self, at: int) -> int:
        """Where the text before the step at `at` went (a boundary inside a changed run
        goes to that run's end)."""
        run = bisect_right(self.before_start, at) - 1
        if run < 0:
            return at
        if at < self.before_end[run]:
            return self.after_start[run] if at == self.before_start[run] else self.after_end[run]
        return self.after_end[run] + at - self.before_end[run]


def _rewritten(text: str, runs: Iterable[tuple[int, int, str]]) -> tuple[str, _Edits | None]:
    """`text` with each run (start, end, replacement) replaced, and the map of it."""
    parts: list[str] = []
    edits = _Edits()
    done = 0
    written = 0
    for start, end, replacement in runs:
        parts.append(text[done:start])
        written += start - done
        edits.add((start, end), (written, written + len(replacement)))
        parts.append(replacement)
        written += len(replacement)
        done = end
    if not edits:
        return text, None
    parts.append(text[done:])
    return "".join(parts), edits


def _composed_runs(text: str) -> Iterator[tuple[int, int, str]]:
    """The clusters (a character and what combines with it) that NFC changes. Lines and
    words are whole clusters, so only those not already NFC are looked into."""
    nfc = unicodedata.normalize
    for line in _LINE.finditer(text):
        if unicodedata.is_normalized("NFC", line.group()):
            continue
        for word in _NON_SPACE.finditer(text, line.start(), line.end()):
            chars = word.group()
            if unicodedata.is_normalized("NFC", chars):
                continue
            first = 0
            while first < len(chars):
                last = first + 1
                while last < len(chars) and (
                    unicodedata.combining(chars[last])
                    or nfc("NFC", chars[first : last + 1])
                    != nfc("NFC", chars[first:last]) + nfc("NFC", chars[last])
                ):
                    last += 1
                cluster = chars[first:last]
                composed = nfc("NFC", cluster)
                if composed != cluster:
                    yield word.start() + first, word.start() + last, composed
                first = last


def _normal_steps(text: str) -> tuple[str, tuple[_Edits, ...]]:
    """`_normal_form` step by step, keeping the map of each step that changed lengths."""
    steps: list[_Edits] = []
    text, edits = _rewritten(text, ((m.start(), m.end(), "") for m in _DROPPED.finditer(text)))
    if edits is not None:
        steps.append(edits)
    if not unicodedata.is_normalized("NFC", text):
        text, edits = _rewritten(text, _composed_runs(text))
        if edits is not None:
            steps.append(edits)
    text, edits = _rewritten(
        text, ((m.start(), m.end(), _collapsed(m)) for m in _COLLAPSED.finditer(text))
    )
    if edits is not None:
        steps.append(edits)
    return text.translate(_TRANSLATION), tuple(steps)


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


class ArchivedText:
    """A document's text, normalised once so that many quotes are looked up in it."""

    __slots__ = ("_breaks", "_folded", "_normal", "_steps", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._normal, self._steps = _normal_steps(text)
        self._folded: str | None = None
        self._breaks: tuple[array[int], array[int]] | None = None

    # Quotes

    def find(self, quote: str) -> Span | None:
        """Where the quote occurs, whole characters of the document; with elisions
        (`[...]`) its pieces in order within one paragraph, when it does not occur as
        written (a document may hold `[...]` itself)."""
        wanted = normalised(quote)
        if not wanted:
            return None
        at = self._find(wanted, 0, len(self._normal))
        if at >= 0:
            return self._original(at, at + len(wanted))
        if _ELISION.search(wanted) is None:
            return None
        pieces = [piece for piece in (p.strip() for p in _ELISION.split(wanted)) if piece]
        if not pieces or self._in_order(pieces, 0, len(self._normal)) < 0:
            return None
        at = self._find(pieces[0], 0, len(self._normal))
        while at >= 0:
            start = self._original(at, at + len(pieces[0])).start
            _, paragraph_end = self._paragraph_at(start)
            limit = max(self._normal_at(paragraph_end), at + len(pieces[0]))
            end = self._in_order(pieces[1:], at + len(pieces[0]), limit)
            if end >= 0:
                return Span(start, self._original(at, end).end)
            # A later start in the same paragraph cannot do better: try the next one.
            at = self._find(pieces[0], limit, len(self._normal))
        return None

    def closest(self, quote: str) -> tuple[Span, float] | None:
        """The passage most like a quote that does not occur, and how alike (0 to 1):
        candidates anchored on the quote's rarest words, compared word by word, the best
        few character by character, case aside (a quote in capitals still finds its
        passage). None when no word of the quote is in the document."""
        wanted = " ".join(_ELISION.sub(" ", normalised(quote)).split())
        if not wanted or not self._normal:
            return None
        document = self._casefree()
        lowered = wanted.lower()
        query = lowered if document is not self._normal and len(lowered) == len(wanted) else wanted
        starts = self._anchors(query, document)
        if not starts:
            return None
        query_words = _WORD.findall(query)
        by_words = SequenceMatcher(None, autojunk=False)
        by_words.set_seq2(query_words)
        slack = len(query) // 4 + 16
        candidates: dict[tuple[int, int], float] = {}
        for anchor in starts:
            lo = max(0, anchor - slack)
            hi = min(len(document), anchor + len(query) + slack)
            passage = self._aligned(by_words, list(_WORD.finditer(document, lo, hi)), query_words)
            if passage is not None and passage not in candidates:
                by_words.set_seq1(_WORD.findall(document, *passage))
                candidates[passage] = by_words.ratio()
        finalists = sorted(candidates, key=lambda p: (-candidates[p], p))[:_FINALISTS]
        by_chars = SequenceMatcher(None, autojunk=False)
        by_chars.set_seq2(query)
        best: tuple[float, tuple[int, int]] | None = None
        for start, end in finalists:
            by_chars.set_seq1(document[start:end])
            score = by_chars.ratio()
            if best is None or score > best[0]:
                best = (score, (start, end))
        if best is None:
            return None
        score, (start, end) = best
        return self._original(start, end), score

    # Context

    def sentence(self, span: Span) -> Span:
        """The sentence (or sentences) holding the span, within its paragraph, clipped
        around the span to a few lines when the sentence runs on."""
        text = self.text
        lowest, _ = self._paragraph_at(span.start)
        _, highest = self._paragraph_at(max(span.start, span.end - 1))
        lowest, highest = min(lowest, span.start), max(highest, span.end)
        start = max(lowest, span.start - _SENTENCE_REACH)
        for end_mark in _SENTENCE_END.finditer(text, start, span.start):
            if end_mark.group(3) and self._ends_sentence(end_mark, lowest, highest):
                start = end_mark.end()
        reach = min(highest, span.end + _SENTENCE_REACH)
        end = reach
        for end_mark in _SENTENCE_END.finditer(text, max(lowest, span.start, span.end - 8), reach):
            if end_mark.end(2) < span.end:
                continue
            if not end_mark.group(3) and end_mark.end() != highest:
                continue  # the end of the window looked at, not of the paragraph
            if self._ends_sentence(end_mark, lowest, highest):
                end = end_mark.end(2)
                break
        return self._clipped(start, end, span, _SENTENCE_LIMIT)

    def paragraph(self, span: Span) -> Span:
        """The paragraph (or paragraphs) holding the span: blank lines part paragraphs
        when the text has any, else every line is one; clipped around the span when long."""
        start, _ = self._paragraph_at(span.start)
        _, end = self._paragraph_at(max(span.start, span.end - 1))
        return self._clipped(min(start, span.start), max(end, span.end), span, _PARAGRAPH_LIMIT)

    # Matching in the normalised text

    def _find(self, wanted: str, start: int, end: int) -> int:
        """The first match of whole characters of the document, or -1."""
        normal = self._normal
        at = normal.find(wanted, start, end)
        while at >= 0 and not self._whole(at, at + len(wanted)):
            at = normal.find(wanted, at + 1, end)
        return at

    def _in_order(self, pieces: list[str], start: int, end: int) -> int:
        """Where the last of the pieces ends when each is found after the one before,
        all between start and end, or -1."""
        for piece in pieces:
            at = self._find(piece, start, end)
            if at < 0:
                return -1
            start = at + len(piece)
        return start

    def _whole(self, start: int, end: int) -> bool:
        for edits in reversed(self._steps):
            if edits.splits(start) or edits.splits(end):
                return False
            start, end = edits.start_before(start), edits.end_before(end)
        return True

    def _original(self, start: int, end: int) -> Span:
        """The span of the original text that normalised to `normal[start:end]`."""
        for edits in reversed(self._steps):
            start, end = edits.start_before(start), edits.end_before(end)
        return Span(start, end)

    def _normal_at(self, at: int) -> int:
        for edits in self._steps:
            at = edits.after(at)
        return at

    def _casefree(self) -> str:
        """The normalised text in lower case, where that keeps every offset (else as is)."""
        if self._folded is None:
            lowered = self._normal.lower()
            self._folded = lowered if len(lowered) == len(self._normal) else self._normal
        return self._folded

    @staticmethod
    def _anchors(query: str, document: str) -> list[int]:
        """Where the passage would start for each whole-word occurrence of the query's
        rarest words, at most `_WINDOWS` of them."""
        first: dict[str, int] = {}
        for found in _WORD.finditer(query):
            first.setdefault(found.group(), found.start())
        longest_first = sorted(first, key=len, reverse=True)
        counted: list[tuple[int, int, int, str]] = []
        for rank, word in enumerate(longest_first[:_MOST_COUNTED_WORDS]):
            if rank >= _COUNTED_WORDS and counted:
                break
            count = document.count(word)
            if count:
                counted.append((count, -len(word), rank, word))
        counted.sort()
        starts: dict[int, None] = {}
        for _, _, _, word in counted:
            looked = 0
            at = document.find(word)
            while at >= 0 and looked < 4 * _WINDOWS and len(starts) < _WINDOWS:
                looked += 1
                end = at + len(word)
                if (at == 0 or not _is_word_char(document[at - 1])) and (
                    end == len(document) or not _is_word_char(document[end])
                ):
                    starts.setdefault(max(0, at - first[word]))
                at = document.find(word, at + 1)
            if len(starts) >= _WINDOWS:
                break
        return list(starts)

    @staticmethod
    def _aligned(
        by_words: SequenceMatcher[str], window: list[re.Match[str]], query_words: list[str]
    ) -> tuple[int, int] | None:
        """The part of a window that lines up with the quote, word by word: from its first
        run of matching words to its last, widened by the quote's words left unmatched
        at either end (a changed first or last word)."""
        if not window:
            return None
        by_words.set_seq1([word.group() for word in window])
        blocks = [block for block in by_words.get_matching_blocks() if block.size]
        if not blocks:
            return None
        runs = [block for block in blocks if block.size >= 2] or blocks
        first, last = runs[0], runs[-1]
        before = max(0, first.a - first.b)
        after = min(len(window) - 1, last.a + last.size - 1 + len(query_words) - last.b - last.size)
        return window[before].start(), window[after].end()

    # Paragraphs and sentences in the original text

    def _paragraph_breaks(self) -> tuple[array[int], array[int]]:
        """Where the spaces between paragraphs start and end."""
        if self._breaks is None:
            text = self.text
            pattern = _BLANK_LINES if _BLANK_LINES.search(text) else _LINE_BREAKS
            starts, ends = array("q"), array("q")
            for found in pattern.finditer(text):
                start = found.start()
                while start > 0 and text[start - 1].isspace():
                    start -= 1
                starts.append(start)
                ends.append(found.end())
            self._breaks = (starts, ends)
        return self._breaks

    def _paragraph_at(self, at: int) -> tuple[int, int]:
        """The paragraph at an offset (the next one when the offset is between two),
        without the spaces around it."""
        starts, ends = self._paragraph_breaks()
        text = self.text
        before = bisect_right(starts, at) - 1
        start = ends[before] if before >= 0 else 0
        end = starts[before + 1] if before + 1 < len(starts) else len(text)
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        return start, end

    def _ends_sentence(self, end_mark: re.Match[str], lowest: int, highest: int) -> bool:
        """Whether a full stop ends a sentence rather than an abbreviation ("Dr.", "J.",
        "e.g.", "sq. km"): a lower-case word after it, or a known short word before it."""
        if end_mark.group(1) != ".":
            return True
        text = self.text
        after = end_mark.end()
        if after < highest and text[after].islower():
            return False
        stop = end_mark.start()
        start = stop
        while start > max(lowest, stop - 16) and not text[start - 1].isspace():
            start -= 1
        word = text[start:stop].lstrip(_OPENERS)
        if len(word) == 1 and word.isupper():
            return False
        if "." in word and word.replace(".", "").isalpha():
            return False
        return word not in _ABBREVIATIONS

    def _clipped(self, start: int, end: int, span: Span, limit: int) -> Span:
        """[start, end) without the spaces at its ends and, when longer than `limit`, cut
        to about `limit` around the span at word boundaries; always holding the span."""
        text = self.text
        if end - start > limit:
            room = max(0, limit - (span.end - span.start))
            left = min(span.start - start, room // 2)
            right = min(end - span.end, room - left)
            left = min(span.start - start, room - right)
            if span.start - left > start:
                start = span.start - left
                while start < span.start and not text[start - 1].isspace():
                    start += 1
            if span.end + right < end:
                end = span.end + right
                while end > span.end and not text[end].isspace():
                    end -= 1
        while start < span.start and text[start].isspace():
            start += 1
        while end > span.end and text[end - 1].isspace():
            end -= 1
        return Span(min(start, span.start), max(end, span.end))
