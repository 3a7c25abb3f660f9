"""Quantity values: the forms a claim's figure takes, resolved to numeric intervals.

`500` exact; `{about: 800}`; `{at_least: 2000}`; `{at_most: 500}`; `{more_than: 33.3}`;
`{less_than: 10}`; `{between: [100, 999]}`; a range may add `best`. Each resolves to an
interval whose ends are open or closed; `about` is widened at comparison time by
max(tolerance, 10%) because the question's tolerance is not known here.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Literal

from contested.errors import InputError

ABOUT_MINIMUM = 0.10
"""`about` means at least ±10%, whatever the question's tolerance."""

Form = Literal["exact", "about", "at_least", "at_most", "more_than", "less_than", "between"]
FORMS: tuple[Form, ...] = (
    "exact", "about", "at_least", "at_most", "more_than", "less_than", "between",
)

_DIGITS = r"\d+(?:_\d+)*"  # `_` only between digits: 1_400
_NUMBER = re.compile(rf"[-+]?(?:{_DIGITS}(?:\.(?:{_DIGITS})?)?|\.{_DIGITS})(?:[eE][-+]?\d+)?")
_LEADING_ZERO = re.compile(r"[-+]?0\d")


class QuantityError(InputError):
    """A figure that is not a number, or a form that does not make sense."""


def parse_number(text: str | int | float) -> float:
    """Read a number as written: decimal only, no YAML 1.1 octal, sexagesimal or `.inf`."""
    if isinstance(text, bool):
        raise QuantityError(f"expected a number, got {text!r}")
    if isinstance(text, int | float):
        value = float(text)
    else:
        written = text.strip() if isinstance(text, str) else text
        if not isinstance(written, str) or not _NUMBER.fullmatch(written):
            hint = figure_as_written(written) if isinstance(written, str) else None
            raise QuantityError(f"expected a number, got '{text}'"
                                + (f": write {hint}" if hint else ""))
        written = written.replace("_", "")
        if _LEADING_ZERO.match(written):
            raise QuantityError(
                f"'{text}' has a leading zero, which YAML 1.1 reads as octal: "
                f"write {written.lstrip('+-').lstrip('0') or '0'}"
            )
        value = float(written)
    if not math.isfinite(value):
        raise QuantityError(f"expected a finite number, got '{text}'")
    return value


# --- figures as people write them, for the hint of an error ----------------------------------

_SEPARATORS = ",'\u00a0\u202f "
_WRITTEN = rf"[-+]?\d[\d{_SEPARATORS}.]*(?<=\d)(?:\s*(?:thousand|million|billion)\b)?"
"""A number with separators, maybe a scale word; `_written_number` decides."""
_THOUSANDS = re.compile(r"[-+]?\d{1,3}(?P<sep>[,'\u00a0\u202f ])\d{3}(?:(?P=sep)\d{3})*"
                        r"(?:\.\d+)?")
_DECIMAL_COMMA = re.compile(r"[-+]?\d+,\d{1,2}")
_SCALES = {"thousand": 3, "million": 6, "billion": 9}
_REST = r"(?P<rest>\s*%)?(?:\s+[^\W\d_]\S*)*"
"""What may follow a figure and is left out of the hint: a percent sign, then words
(`km2`, `people`), each starting with a letter (`under 10 or over 20` is no figure)."""

_WORDS: dict[str, tuple[str, ...]] = {
    "less_than": ("fewer than", "less than", "under", "below", "<"),
    "more_than": ("more than", "over", "above", "greater than", "in excess of", ">"),
    "at_least": ("at least", "no fewer than", "no less than", "not less than", "a minimum of",
                 "minimum", ">=", "≥"),
    "at_most": ("at most", "up to", "no more than", "not more than", "a maximum of",
                "maximum", "<=", "≤"),
    "about": ("about", "around", "approximately", "approx.", "approx", "roughly", "some",
              "nearly", "almost", "circa", "ca.", "c.", "an estimated", "estimated", "~"),
}
_AFTER: dict[str, tuple[str, ...]] = {
    "at_least": ("or more", "or over", "or above", "+"),
    "at_most": ("or fewer", "or less", "or under", "or below"),
}


def _alternatives(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+")
                    for w in sorted(words, key=len, reverse=True))


_BEFORE_FIGURE = [(form, re.compile(rf"(?:{_alternatives(words)})\s*(?P<a>{_WRITTEN}){_REST}",
                                    re.IGNORECASE)) for form, words in _WORDS.items()]
_AFTER_FIGURE = [(form, re.compile(rf"(?P<a>{_WRITTEN})\s*(?:{_alternatives(words)}){_REST}",
                                   re.IGNORECASE)) for form, words in _AFTER.items()]
_RANGE = re.compile(rf"(?:between\s+|from\s+)?(?P<a>{_WRITTEN})\s*(?:-|–|—|to|and)\s*"
                    rf"(?P<b>{_WRITTEN}){_REST}", re.IGNORECASE)
_ALONE = re.compile(rf"(?P<a>{_WRITTEN}){_REST}", re.IGNORECASE)


def _written_number(text: str) -> str | None:
    """`text` as the format writes a number (`1,400` -> `1400`, `1,5` -> `1.5`, `2 million`
    -> `2000000`), or None when it is not a number a person would write."""
    from decimal import Decimal, InvalidOperation

    words = text.split()
    scale = _SCALES.get(words[-1].casefold(), 0) if len(words) > 1 else 0
    number = " ".join(words[:-1] if scale else words)
    if _THOUSANDS.fullmatch(number):
        plain = re.sub(f"[{_SEPARATORS}]", "", number)
    elif _DECIMAL_COMMA.fullmatch(number):
        plain = number.replace(",", ".")
    elif _NUMBER.fullmatch(number):
        plain = number.replace("_", "")
    else:
        return None
    try:
        value = Decimal(plain).scaleb(scale)
    except InvalidOperation:
        return None
    figure = float(value)
    return format_number(figure) if math.isfinite(figure) else None


def figure_as_written(text: str) -> str | None:
    """What to write for a figure written as a person says it: `fewer than 10` ->
    `{less_than: 10}`, `1,400` -> `1400`, `between 100 and 200` -> `{between: [100,
    200]}`. None when it is not recognised (a hint is given only when it is sure)."""
    written = " ".join(text.split())
    if len(written) > 80:  # no one writes a figure this long; the patterns stay cheap
        return None
    for form, pattern in (*_BEFORE_FIGURE, *_AFTER_FIGURE):
        match = pattern.fullmatch(written)
        if match:
            figure = _written_number(match["a"])
            return None if figure is None else f"{{{form}: {figure}}}"
    match = _RANGE.fullmatch(written)
    if match:
        low, high = _written_number(match["a"]), _written_number(match["b"])
        if low is None or high is None:
            return None
        low, high = sorted((low, high), key=float)
        return f"{{between: [{low}, {high}]}}"
    match = _ALONE.fullmatch(written)
    if match:
        return _written_number(match["a"])
    return None


def format_number(value: float) -> str:
    """`1400`, `33.3`, `1e+20`: the shortest text that reads back as `value`."""
    value = float(value)  # an int is a valid float argument, but has no is_integer() in 3.11
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def shown_number(value: float) -> str:
    """A computed figure as a reader wants it: ten significant digits at most, so that a
    widened 1,400,000 reads `1470000`, not `1470000.0000000002`."""
    return format_number(float(f"{value:.10g}"))


def signed_number(value: float) -> str:
    """A change: `+2`, `-900`, `0`."""
    return ("+" if value > 0 else "") + shown_number(value)


@dataclass(frozen=True, slots=True)
class Interval:
    """A numeric interval; `None` is an unbounded end (always open)."""

    low: float | None
    high: float | None
    low_closed: bool = True
    high_closed: bool = True

    def intersects(self, other: Interval) -> bool:
        """True when some number lies in both intervals, open and closed ends respected."""
        return _below_or_touching(self, other) and _below_or_touching(other, self)

    def contains(self, value: float) -> bool:
        return self.intersects(Interval(value, value))

    def widened(self, relative: float) -> Interval:
        """Each finite end moved outward by `relative` of its own magnitude."""
        low = None if self.low is None else self.low - abs(self.low) * relative
        high = None if self.high is None else self.high + abs(self.high) * relative
        return Interval(low, high, self.low_closed, self.high_closed)

    def words(self) -> str:
        """The interval as a reader says it: `below 10.5`, `190 or more`, `95 to 105`
        (never `-inf`: a count of people has no such end)."""
        low = None if self.low is None else shown_number(self.low)
        high = None if self.high is None else shown_number(self.high)
        if low is None and high is None:
            return "any figure"
        if low is None:
            return f"below {high}" if not self.high_closed else f"{high} or less"
        if high is None:
            return f"above {low}" if not self.low_closed else f"{low} or more"
        return low if low == high else f"{low} to {high}"

    def __str__(self) -> str:
        left = "[" if self.low_closed and self.low is not None else "("
        right = "]" if self.high_closed and self.high is not None else ")"
        low = "-inf" if self.low is None else format_number(self.low)
        high = "inf" if self.high is None else format_number(self.high)
        return f"{left}{low}, {high}{right}"


def _below_or_touching(a: Interval, b: Interval) -> bool:
    """a's low end does not lie above b's high end."""
    if a.low is None or b.high is None:
        return True
    if a.low < b.high:
        return True
    return a.low == b.high and a.low_closed and b.high_closed


@dataclass(frozen=True, slots=True)
class Quantity:
    """A claimed figure: its form, the interval it resolves to, and what to plot."""

    form: Form
    interval: Interval
    best: float | None = None

    @property
    def plotted(self) -> float | None:
        """The one figure to draw: `best`, else the exact/about figure, else a finite end."""
        if self.best is not None:
            return self.best
        low, high = self.interval.low, self.interval.high
        if low is not None and high is not None:
            return (low + high) / 2
        return low if low is not None else high

    def compared(self, tolerance: float) -> Interval:
        """The interval used by the contradiction rule: widened by the question's tolerance.

        `about` is widened by max(tolerance, 10%) instead, never by both.
        """
        if self.form == "about":
            return self.interval.widened(max(tolerance, ABOUT_MINIMUM))
        return self.interval.widened(tolerance)

    @property
    def text(self) -> str:
        """The figure as a person writes it: `500`, `about 800`, `more than 33.3`."""
        low, high = self.interval.low, self.interval.high
        words = {
            "exact": lambda: format_number(low or 0.0),
            "about": lambda: f"about {format_number(low or 0.0)}",
            "at_least": lambda: f"at least {format_number(low or 0.0)}",
            "more_than": lambda: f"more than {format_number(low or 0.0)}",
            "at_most": lambda: f"at most {format_number(high or 0.0)}",
            "less_than": lambda: f"less than {format_number(high or 0.0)}",
            "between": lambda: f"{format_number(low or 0.0)}-{format_number(high or 0.0)}",
        }
        written = words[self.form]()
        if self.best is not None and self.form != "exact":
            written += f" (best {format_number(self.best)})"
        return written


def exact(value: float) -> Quantity:
    return Quantity("exact", Interval(value, value))


def quantity_from_form(form: Form, figure: float | tuple[float, float],
                       best: float | None = None) -> Quantity:
    """Build the interval for one written form; `figure` is a pair only for `between`."""
    if form == "between":
        if not isinstance(figure, tuple):
            raise QuantityError("between takes two numbers: {between: [LOW, HIGH]}")
        low, high = figure
        if low > high:
            raise QuantityError(
                f"between [{format_number(low)}, {format_number(high)}]: "
                "the first number is the lower bound"
            )
        interval = Interval(low, high)
    else:
        if isinstance(figure, tuple):
            raise QuantityError(f"{form} takes one number")
        if form in ("exact", "about"):
            interval = Interval(figure, figure)
        elif form == "at_least":
            interval = Interval(figure, None, True, False)
        elif form == "more_than":
            interval = Interval(figure, None, False, False)
        elif form == "at_most":
            interval = Interval(None, figure, False, True)
        elif form == "less_than":
            interval = Interval(None, figure, False, False)
        else:
            raise QuantityError(f"unknown form {form!r}")
    if best is not None:
        if form == "exact":
            raise QuantityError("best goes with a range, not with an exact figure")
        reach = interval.widened(ABOUT_MINIMUM) if form == "about" else interval
        if not reach.contains(best):
            raise QuantityError(f"best {format_number(best)} lies outside {reach}")
    return Quantity(form, interval, best)
