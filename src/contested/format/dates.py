"""Fuzzy dates: the EDTF subset of the timeline format, resolved to day intervals.

Written forms (see docs/timeline-format.md): `2025`, `2025-03`, `2025-03-10`, each with
an optional trailing qualifier (`~` approximate, `?` uncertain, `%` both); unspecified
digits `2025-03-XX`, `2025-XX`, `202X`; and intervals `start/end` whose ends are any of
these or `..` for an open end. A date keeps the text as written for display.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import IntEnum
from functools import lru_cache

from contested.errors import InputError


class Precision(IntEnum):
    """How finely a date was written; an interval takes its coarser end's."""

    YEAR = 1
    MONTH = 2
    DAY = 3


class DateError(InputError):
    """A date that is not in the format's subset, or names a day that does not exist."""


@dataclass(frozen=True, slots=True)
class FuzzyDate:
    """A written date and the days it may stand for.

    `earliest`/`latest` are inclusive; `None` is an open end of an interval (`..`).
    """

    text: str
    earliest: date | None
    latest: date | None
    precision: Precision
    approximate: bool = False
    uncertain: bool = False
    is_interval: bool = False

    def overlaps(self, other: FuzzyDate) -> bool:
        """True when the two [earliest, latest] ranges share at least one day."""
        if self.latest is not None and other.earliest is not None and self.latest < other.earliest:
            return False
        return not (
            other.latest is not None and self.earliest is not None and other.latest < self.earliest
        )

    @property
    def sort_key(self) -> tuple[date, date]:
        """Order by earliest day, then by latest (open ends sort outermost)."""
        return (self.earliest or date.min, self.latest or date.max)

    @property
    def qualifiers(self) -> str:
        """`~`, `?`, `%` or nothing, as the format writes them."""
        if self.approximate and self.uncertain:
            return "%"
        return "~" if self.approximate else "?" if self.uncertain else ""

    def __str__(self) -> str:
        return self.text


_SINGLE = re.compile(
    r"(?P<year>\d{4}|\d{3}X|\d{2}XX)"
    r"(?:-(?P<month>\d{2}|XX)(?:-(?P<day>\d{2}|XX))?)?"
    r"(?P<qualifier>[~?%])?"
)


def _shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def _clamp(year: int) -> int:
    return min(max(year, 1), 9999)


def _parse_single(text: str, whole: str) -> FuzzyDate:
    match = _SINGLE.fullmatch(text)
    if match is None:
        raise DateError(
            f"'{whole}' is not a date: write YYYY, YYYY-MM or YYYY-MM-DD, optionally "
            "followed by ~ (approximate), ? (uncertain) or % (both), or an interval "
            "START/END ('..' for an open end)"
        )
    year_text, month_text, day_text = match["year"], match["month"], match["day"]
    qualifier = match["qualifier"] or ""
    approximate = qualifier in ("~", "%")
    uncertain = qualifier in ("?", "%")

    if "X" in year_text:
        if month_text not in (None, "XX") or day_text not in (None, "XX"):
            raise DateError(f"'{whole}': an unspecified year cannot have a month or day")
        first = int(year_text.replace("X", "0"))
        last = int(year_text.replace("X", "9"))
        if first == 0:
            raise DateError(f"'{whole}': year 0 does not exist")
        span = last - first + 1
        if approximate:
            first, last = first - span, last + span
        return FuzzyDate(
            text=whole,
            earliest=date(_clamp(first), 1, 1),
            latest=date(_clamp(last), 12, 31),
            precision=Precision.YEAR,
            approximate=approximate,
            uncertain=uncertain,
        )

    year = int(year_text)
    if year == 0:
        raise DateError(f"'{whole}': year 0 does not exist")
    precision = Precision.YEAR
    month: int | None = None
    if month_text is not None and month_text != "XX":
        month = int(month_text)
        if not 1 <= month <= 12:
            raise DateError(f"'{whole}': month {month_text} does not exist (01-12)")
        precision = Precision.MONTH
    elif month_text == "XX" and day_text not in (None, "XX"):
        raise DateError(f"'{whole}': a day needs its month (write the month, not XX)")
    day: int | None = None
    if day_text is not None and day_text != "XX":
        assert month is not None
        day = int(day_text)
        last_day = calendar.monthrange(year, month)[1]
        if not 1 <= day <= last_day:
            month_name = calendar.month_name[month]
            raise DateError(
                f"'{whole}': {month_name} {year} has no day {day_text} (it has {last_day})"
            )
        precision = Precision.DAY

    if precision is Precision.DAY:
        assert month is not None
        assert day is not None
        start = end = date(year, month, day)
        if approximate:
            start = start - timedelta(days=1) if start > date.min else start
            end = end + timedelta(days=1) if end < date.max else end
    elif precision is Precision.MONTH:
        assert month is not None
        first_year, first_month = year, month
        last_year, last_month = year, month
        if approximate:
            first_year, first_month = _shift_month(year, month, -1)
            last_year, last_month = _shift_month(year, month, +1)
        # Clamp the (year, month) pair, not the year alone: 0001-01~ starts in 0001-01,
        # not in 0001-12 (which would put earliest after latest).
        if first_year < 1:
            first_year, first_month = 1, 1
        if last_year > 9999:
            last_year, last_month = 9999, 12
        start = date(first_year, first_month, 1)
        end = date(last_year, last_month, calendar.monthrange(last_year, last_month)[1])
    else:
        delta = 1 if approximate else 0
        start = date(_clamp(year - delta), 1, 1)
        end = date(_clamp(year + delta), 12, 31)
    return FuzzyDate(
        text=whole,
        earliest=start,
        latest=end,
        precision=precision,
        approximate=approximate,
        uncertain=uncertain,
    )


def parse_date(text: str) -> FuzzyDate:
    """Parse a written date or interval; raise `DateError` with a message for a person."""
    if not isinstance(text, str):
        raise DateError(f"a date is text such as 2025-03-10, not {type(text).__name__}")
    return _parse_date(text)


@lru_cache(maxsize=65536)
def _parse_date(text: str) -> FuzzyDate:
    """`parse_date` for text.

    Cached: a catalog repeats the same few hundred dates across thousands of claims.
    """
    written = text.strip()
    if not written:
        raise DateError("the date is empty")
    try:
        return _parse_written(written)
    except DateError:
        hint = iso_hint(written)
        if hint is None:
            raise
        raise DateError(f"'{written}' is not a date: {hint}") from None


def _parse_written(written: str) -> FuzzyDate:
    if "/" not in written:
        return _parse_single(written, written)
    if written.count("/") > 1:
        raise DateError(f"'{written}': an interval has exactly one '/'")
    start_text, end_text = (part.strip() for part in written.split("/"))
    if start_text == ".." and end_text == "..":
        raise DateError(f"'{written}': an interval needs at least one known end")
    if not start_text or not end_text:
        raise DateError(f"'{written}': write '..' for an open end of an interval")
    start = None if start_text == ".." else _parse_single(start_text, written)
    end = None if end_text == ".." else _parse_single(end_text, written)
    if start is not None and end is not None:
        assert start.earliest is not None
        assert end.latest is not None
        if end.latest < start.earliest:
            raise DateError(f"'{written}': the interval ends before it starts")
    ends = [e for e in (start, end) if e is not None]
    return FuzzyDate(
        text=written,
        earliest=start.earliest if start else None,
        latest=end.latest if end else None,
        precision=min(e.precision for e in ends),
        approximate=any(e.approximate for e in ends),
        uncertain=any(e.uncertain for e in ends),
        is_interval=True,
    )


# --- dates written another way, for the hint of an error -------------------------------------

_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december")
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4})")
_YEAR_MONTH_DAY = re.compile(r"(\d{4})([/.-])(\d{1,2})\2(\d{1,2})")
_MONTH_YEAR = re.compile(r"(\d{1,2})[/.-](\d{4})")
_YEAR_MONTH = re.compile(r"(\d{4})[/-](\d{1,2})")
_IN_WORDS = re.compile(
    r"(?:(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+)?(?P<month>[^\W\d_]+)\.?"
    r"(?:\s+(?P<day_after>\d{1,2})(?:st|nd|rd|th)?,?)?\s+(?P<year>\d{4})",
    re.IGNORECASE,
)


def _month_named(word: str) -> int | None:
    """January..December, or their first three letters (and `sept`), any case."""
    word = word.casefold()
    for number, name in enumerate(_MONTHS, start=1):
        if word in (name, name[:3]) or (number == 9 and word == "sept"):
            return number
    return None


def _day_of(year: int, month: int, day: int) -> date | str:
    """The day, or why there is none."""
    if not 1 <= month <= 12:
        return f"month {month} does not exist"
    if not 1 <= year <= 9999:
        return f"year {year} is out of range"
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        return f"{_MONTHS[month - 1].capitalize()} {year} has no day {day}"
    return date(year, month, day)


def iso_hint(written: str) -> str | None:
    """What to write for a date written another way (`30/11/2003`, `11/30/2003`,
    `2003/11/30`, `March 10, 2025`), kept to the days that reading allows: a day/month
    and a month/day reading that differ are both offered, never guessed between. None
    when `written` is not recognised as such a date."""
    qualifier = written[-1] if written[-1] in "~?%" else ""
    body = written.removesuffix(qualifier).strip() if qualifier else written
    if len(body) > 40:
        return None
    for hint in (_day_first_hint, _year_first_hint, _month_and_year_hint, _in_words_hint):
        found = hint(body, qualifier)
        if found is not None:
            return found
    return None


def _day_first_hint(body: str, qualifier: str) -> str | None:
    match = _DAY_MONTH_YEAR.fullmatch(body)
    if match is None:
        return None
    first, second, year = int(match[1]), int(match[3]), int(match[4])
    readings = {order: day for order, day in (
        ("day/month/year", _day_of(year, second, first)),
        ("month/day/year", _day_of(year, first, second))) if isinstance(day, date)}
    if not readings:
        return ("write YYYY-MM-DD: neither day/month/year nor month/day/year is a day "
                "that exists")
    if len(set(readings.values())) == 1:
        ((order, day), *others) = readings.items()
        return f"write {day.isoformat()}{qualifier}" + ("" if others else f" (read as {order})")
    return (f"write {readings['day/month/year'].isoformat()}{qualifier} if it is "
            f"day/month/year, {readings['month/day/year'].isoformat()}{qualifier} if "
            "month/day/year")


def _year_first_hint(body: str, qualifier: str) -> str | None:
    match = _YEAR_MONTH_DAY.fullmatch(body)
    if match is None or (match[2] == "-" and len(match[3]) == len(match[4]) == 2):
        return None  # the format's own form: its own message says what is wrong
    day = _day_of(int(match[1]), int(match[3]), int(match[4]))
    if isinstance(day, str):
        return f"write YYYY-MM-DD: {day}"
    return f"write {day.isoformat()}{qualifier} (read as year/month/day)"


def _month_and_year_hint(body: str, qualifier: str) -> str | None:
    match = _MONTH_YEAR.fullmatch(body) or _YEAR_MONTH.fullmatch(body)
    if match is None:
        return None
    first, second = int(match[1]), int(match[2])
    year, month = (second, first) if len(match[1]) <= 2 else (first, second)
    if 1 <= month <= 12 and 1 <= year <= 9999:
        return f"write {year:04d}-{month:02d}{qualifier}"
    return None


def _in_words_hint(body: str, qualifier: str) -> str | None:
    match = _IN_WORDS.fullmatch(body)
    month = _month_named(match["month"]) if match else None
    if match is None or month is None or (match["day"] and match["day_after"]):
        return None
    year = int(match["year"])
    written_day = match["day"] or match["day_after"]
    if written_day is None:
        return f"write {year:04d}-{month:02d}{qualifier}" if 1 <= year <= 9999 else None
    day = _day_of(year, month, int(written_day))
    if isinstance(day, str):
        return f"write YYYY-MM-DD: {day}"
    return f"write {day.isoformat()}{qualifier}"
