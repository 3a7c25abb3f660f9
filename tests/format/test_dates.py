"""Fuzzy dates: every written form of the format's table, its errors, properties, and a
differential test against python-edtf (the reference EDTF implementation)."""

from __future__ import annotations

import calendar
import contextlib
import io
import itertools
import time
from datetime import date, timedelta

import edtf
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from contested.format.dates import DateError, FuzzyDate, Precision, _parse_date, parse_date

D = date

# --------------------------------------------------------------------------- written forms


@pytest.mark.parametrize(
    ("text", "earliest", "latest", "precision"),
    [
        ("2025", D(2025, 1, 1), D(2025, 12, 31), Precision.YEAR),
        ("2025-03", D(2025, 3, 1), D(2025, 3, 31), Precision.MONTH),
        ("2025-02", D(2025, 2, 1), D(2025, 2, 28), Precision.MONTH),
        ("2024-02", D(2024, 2, 1), D(2024, 2, 29), Precision.MONTH),
        ("1900-02", D(1900, 2, 1), D(1900, 2, 28), Precision.MONTH),
        ("2000-02", D(2000, 2, 1), D(2000, 2, 29), Precision.MONTH),
        ("2025-04", D(2025, 4, 1), D(2025, 4, 30), Precision.MONTH),
        ("2025-03-10", D(2025, 3, 10), D(2025, 3, 10), Precision.DAY),
        ("2024-02-29", D(2024, 2, 29), D(2024, 2, 29), Precision.DAY),
        ("0001", D(1, 1, 1), D(1, 12, 31), Precision.YEAR),
        ("9999-12-31", D(9999, 12, 31), D(9999, 12, 31), Precision.DAY),
    ],
)
def test_plain_forms(text: str, earliest: date, latest: date, precision: Precision) -> None:
    d = parse_date(text)
    assert (d.earliest, d.latest, d.precision) == (earliest, latest, precision)
    assert (d.approximate, d.uncertain, d.is_interval) == (False, False, False)
    assert d.qualifiers == ""
    assert d.text == text
    assert str(d) == text


@pytest.mark.parametrize(
    ("text", "earliest", "latest", "precision"),
    [
        # one unit of the written precision on each side
        ("2025-03~", D(2025, 2, 1), D(2025, 4, 30), Precision.MONTH),
        ("2025~", D(2024, 1, 1), D(2026, 12, 31), Precision.YEAR),
        ("2025-03-10~", D(2025, 3, 9), D(2025, 3, 11), Precision.DAY),
        # across a year boundary, and the neighbour month's own length
        ("2025-01~", D(2024, 12, 1), D(2025, 2, 28), Precision.MONTH),
        ("2025-12~", D(2025, 11, 1), D(2026, 1, 31), Precision.MONTH),
        ("2024-01~", D(2023, 12, 1), D(2024, 2, 29), Precision.MONTH),
        ("2025-01-01~", D(2024, 12, 31), D(2025, 1, 2), Precision.DAY),
        ("2024-02-28~", D(2024, 2, 27), D(2024, 2, 29), Precision.DAY),
        ("2025-02-28~", D(2025, 2, 27), D(2025, 3, 1), Precision.DAY),
        ("2024-02-29~", D(2024, 2, 28), D(2024, 3, 1), Precision.DAY),
        # the calendar's edges: widened only as far as a date can go
        ("0001~", D(1, 1, 1), D(2, 12, 31), Precision.YEAR),
        ("9999~", D(9998, 1, 1), D(9999, 12, 31), Precision.YEAR),
        ("0001-01~", D(1, 1, 1), D(1, 2, 28), Precision.MONTH),
        ("9999-12~", D(9999, 11, 1), D(9999, 12, 31), Precision.MONTH),
        ("0001-01-01~", D(1, 1, 1), D(1, 1, 2), Precision.DAY),
        ("9999-12-31~", D(9999, 12, 30), D(9999, 12, 31), Precision.DAY),
    ],
)
def test_approximate_widens_by_one_unit(
    text: str, earliest: date, latest: date, precision: Precision
) -> None:
    d = parse_date(text)
    assert (d.earliest, d.latest, d.precision) == (earliest, latest, precision)
    assert d.approximate
    assert not d.uncertain
    assert d.qualifiers == "~"
    assert d.text == text


@pytest.mark.parametrize("text", ["2025", "2025-03", "2025-03-10", "2024-02-29", "2025-01"])
def test_uncertain_keeps_bounds_and_flags(text: str) -> None:
    plain = parse_date(text)
    d = parse_date(text + "?")
    assert (d.earliest, d.latest, d.precision) == (plain.earliest, plain.latest, plain.precision)
    assert d.uncertain
    assert not d.approximate
    assert d.qualifiers == "?"
    assert d.text == text + "?"


@pytest.mark.parametrize("text", ["2025", "2025-03", "2025-03-10", "2025-01", "2024-02-29"])
def test_approximate_and_uncertain_is_both(text: str) -> None:
    approx = parse_date(text + "~")
    d = parse_date(text + "%")
    assert (d.earliest, d.latest, d.precision) == (approx.earliest, approx.latest, approx.precision)
    assert d.approximate
    assert d.uncertain
    assert d.qualifiers == "%"
    assert d.text == text + "%"


def test_month_approximate_example_from_the_format() -> None:
    d = parse_date("2025-03~")
    assert d.earliest == D(2025, 2, 1)
    assert d.latest == D(2025, 4, 30)


def test_leap_day() -> None:
    assert parse_date("2024-02-29").earliest == D(2024, 2, 29)
    assert parse_date("2000-02-29").earliest == D(2000, 2, 29)
    for text in ("2025-02-29", "1900-02-29", "2100-02-29"):
        with pytest.raises(DateError, match=text):
            parse_date(text)


@pytest.mark.parametrize(
    ("text", "earliest", "latest", "precision", "qualifiers"),
    [
        ("2025-03-XX", D(2025, 3, 1), D(2025, 3, 31), Precision.MONTH, ""),
        ("2024-02-XX", D(2024, 2, 1), D(2024, 2, 29), Precision.MONTH, ""),
        ("2025-XX", D(2025, 1, 1), D(2025, 12, 31), Precision.YEAR, ""),
        ("2025-XX-XX", D(2025, 1, 1), D(2025, 12, 31), Precision.YEAR, ""),
        ("202X", D(2020, 1, 1), D(2029, 12, 31), Precision.YEAR, ""),
        ("202X-XX", D(2020, 1, 1), D(2029, 12, 31), Precision.YEAR, ""),
        ("19XX", D(1900, 1, 1), D(1999, 12, 31), Precision.YEAR, ""),
        ("999X", D(9990, 1, 1), D(9999, 12, 31), Precision.YEAR, ""),
        ("2025-03-XX?", D(2025, 3, 1), D(2025, 3, 31), Precision.MONTH, "?"),
        ("2025-03-XX~", D(2025, 2, 1), D(2025, 4, 30), Precision.MONTH, "~"),
        ("2025-XX~", D(2024, 1, 1), D(2026, 12, 31), Precision.YEAR, "~"),
        # An unspecified decade is widened by its own span (a decade), as python-edtf's fuzzy
        # padding does, not by a single year.
        ("202X~", D(2010, 1, 1), D(2039, 12, 31), Precision.YEAR, "~"),
        ("202X%", D(2010, 1, 1), D(2039, 12, 31), Precision.YEAR, "%"),
        ("202X?", D(2020, 1, 1), D(2029, 12, 31), Precision.YEAR, "?"),
    ],
)
def test_unspecified_digits(
    text: str, earliest: date, latest: date, precision: Precision, qualifiers: str
) -> None:
    d = parse_date(text)
    assert (d.earliest, d.latest, d.precision) == (earliest, latest, precision)
    assert d.qualifiers == qualifiers
    assert d.text == text
    assert not d.is_interval


def test_unspecified_day_means_the_whole_month() -> None:
    assert parse_date("2025-03-XX").earliest == parse_date("2025-03").earliest
    assert parse_date("2025-03-XX").latest == parse_date("2025-03").latest


def test_interval_of_days() -> None:
    d = parse_date("2024-08-06/2025-03-12")
    assert (d.earliest, d.latest) == (D(2024, 8, 6), D(2025, 3, 12))
    assert d.is_interval
    assert d.precision is Precision.DAY
    assert d.qualifiers == ""
    assert d.text == "2024-08-06/2025-03-12"


def test_interval_takes_its_coarser_ends_precision() -> None:
    assert parse_date("2025/2025-03-10").precision is Precision.YEAR
    assert parse_date("2025-03-01/2025-04").precision is Precision.MONTH
    assert parse_date("2025-03-01/2025-04-02").precision is Precision.DAY


def test_interval_with_fuzzy_ends() -> None:
    d = parse_date("2025-02?/2025-03~")
    # the start is uncertain (same bounds), the end approximate (widened to April)
    assert (d.earliest, d.latest) == (D(2025, 2, 1), D(2025, 4, 30))
    assert d.is_interval
    assert d.uncertain
    assert d.approximate
    assert d.qualifiers == "%"
    assert d.precision is Precision.MONTH
    assert d.text == "2025-02?/2025-03~"


def test_interval_approximate_start_widens_backwards() -> None:
    d = parse_date("2025-03~/2025-03-20")
    assert (d.earliest, d.latest) == (D(2025, 2, 1), D(2025, 3, 20))
    assert d.qualifiers == "~"


def test_interval_of_one_day_is_allowed() -> None:
    d = parse_date("2025-03-10/2025-03-10")
    assert d.earliest == d.latest == D(2025, 3, 10)


def test_interval_with_unspecified_ends() -> None:
    d = parse_date("202X/2025-XX")
    assert (d.earliest, d.latest) == (D(2020, 1, 1), D(2025, 12, 31))


def test_open_start() -> None:
    d = parse_date("../2025")
    assert d.earliest is None
    assert d.latest == D(2025, 12, 31)
    assert d.is_interval
    assert d.precision is Precision.YEAR
    assert d.text == "../2025"


def test_open_end() -> None:
    d = parse_date("2025/..")
    assert d.earliest == D(2025, 1, 1)
    assert d.latest is None
    assert d.is_interval
    assert d.precision is Precision.YEAR
    assert d.text == "2025/.."


def test_open_end_keeps_the_known_ends_qualifier() -> None:
    d = parse_date("2025-03~/..")
    assert d.earliest == D(2025, 2, 1)
    assert d.latest is None
    assert d.qualifiers == "~"
    assert d.precision is Precision.MONTH


@pytest.mark.parametrize(
    ("text", "qualifiers", "approximate", "uncertain"),
    [
        ("2025", "", False, False),
        ("2025~", "~", True, False),
        ("2025?", "?", False, True),
        ("2025%", "%", True, True),
        ("2025?/2026", "?", False, True),
        ("2025/2026~", "~", True, False),
        ("2025%/2026", "%", True, True),
        ("2025~/2026?", "%", True, True),
    ],
)
def test_qualifiers(text: str, qualifiers: str, approximate: bool, uncertain: bool) -> None:
    d = parse_date(text)
    assert d.qualifiers == qualifiers
    assert (d.approximate, d.uncertain) == (approximate, uncertain)


def test_text_is_kept_as_written_but_stripped() -> None:
    assert parse_date("2025-03~").text == "2025-03~"
    assert parse_date("  2025-03-10\n").text == "2025-03-10"
    assert parse_date(" 2025 / 2026 ").text == "2025 / 2026"
    assert (parse_date(" 2025 / 2026 ").earliest, parse_date(" 2025 / 2026 ").latest) == (
        D(2025, 1, 1),
        D(2026, 12, 31),
    )


def test_fuzzy_date_is_a_frozen_value() -> None:
    d = parse_date("2025-03")
    with pytest.raises(AttributeError):
        d.text = "2026"  # type: ignore[misc]
    assert d == FuzzyDate("2025-03", D(2025, 3, 1), D(2025, 3, 31), Precision.MONTH)


# --------------------------------------------------------------------------- overlaps / order


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("2025-03", "2025-03-31", True),
        ("2025-03", "2025-04-01", False),  # adjacent days, no shared day
        ("2025-03-10", "2025-03-11", False),
        ("2025-03-10", "2025-03-10", True),
        ("2025-03-01/2025-03-10", "2025-03-10/2025-03-20", True),  # touch on the shared day
        ("2025-03-01/2025-03-10", "2025-03-11/2025-03-20", False),
        ("2025-03~", "2025-04-30", True),  # widened to the end of April
        ("2025-03~", "2025-05-01", False),
        ("2025-03?", "2025-04-01", False),  # uncertain is not widened
        ("2025", "2025-07-14", True),
        ("2024", "2025", False),
        ("2024~", "2025", True),
        ("../2025-03-10", "2025-03-10", True),
        ("../2025-03-10", "2025-03-11", False),
        ("2025-03-10/..", "2025-03-09", False),
        ("2025-03-10/..", "9999", True),
        ("../2025", "2025/..", True),
        ("../2024", "2025/..", False),
        ("../2025", "../1000", True),
        ("2025/..", "3000/..", True),
    ],
)
def test_overlaps(a: str, b: str, expected: bool) -> None:
    assert parse_date(a).overlaps(parse_date(b)) is expected
    assert parse_date(b).overlaps(parse_date(a)) is expected


def test_sort_key_orders_by_earliest_then_latest() -> None:
    texts = ["2025-03-10", "2025", "2025-03", "../2025-01", "2025-03-10/..", "2024~", "2025-03-01"]
    ordered = sorted((parse_date(t) for t in texts), key=lambda d: d.sort_key)
    assert [d.text for d in ordered] == [
        "../2025-01",  # an open start sorts first
        "2024~",  # from 2023-01-01
        "2025",
        "2025-03-01",  # same earliest as 2025-03, but ends earlier
        "2025-03",
        "2025-03-10",
        "2025-03-10/..",  # an open end sorts last among equal starts
    ]


def test_sort_key_values() -> None:
    assert parse_date("2025-03").sort_key == (D(2025, 3, 1), D(2025, 3, 31))
    assert parse_date("../2025").sort_key == (date.min, D(2025, 12, 31))
    assert parse_date("2025/..").sort_key == (D(2025, 1, 1), date.max)


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2025-02-30", "'2025-02-30': February 2025 has no day 30 (it has 28)"),
        ("2025-02-29", "'2025-02-29': February 2025 has no day 29 (it has 28)"),
        ("2025-04-31", "'2025-04-31': April 2025 has no day 31 (it has 30)"),
        ("2025-03-00", "'2025-03-00': March 2025 has no day 00 (it has 31)"),
        ("2025-13", "'2025-13': month 13 does not exist (01-12)"),
        ("2025-00", "'2025-00': month 00 does not exist (01-12)"),
        ("2025-13-01", "'2025-13-01': month 13 does not exist (01-12)"),
        ("0000", "'0000': year 0 does not exist"),
        ("0000-03~", "'0000-03~': year 0 does not exist"),
        (
            "25-03",
            "'25-03' is not a date: write YYYY, YYYY-MM or YYYY-MM-DD, optionally followed by "
            "~ (approximate), ? (uncertain) or % (both), or an interval START/END "
            "('..' for an open end)",
        ),
        ("2025/03/01", "'2025/03/01' is not a date: write 2025-03-01 (read as year/month/day)"),
        ("2025/03/01/2025", "'2025/03/01/2025': an interval has exactly one '/'"),
        ("2025-03-10/2025-03-01", "'2025-03-10/2025-03-01': the interval ends before it starts"),
        ("2025/2024", "'2025/2024': the interval ends before it starts"),
        ("../..", "'../..': an interval needs at least one known end"),
        ("2025/", "'2025/': write '..' for an open end of an interval"),
        ("/2025", "'/2025': write '..' for an open end of an interval"),
        ("", "the date is empty"),
        ("   ", "the date is empty"),
        ("2025-XX-10", "'2025-XX-10': a day needs its month (write the month, not XX)"),
        ("202X-03", "'202X-03': an unspecified year cannot have a month or day"),
        ("2025-02/2025-02-30", "'2025-02/2025-02-30': February 2025 has no day 30 (it has 28)"),
    ],
)
def test_errors_have_exact_messages(text: str, message: str) -> None:
    with pytest.raises(DateError) as caught:
        parse_date(text)
    assert str(caught.value) == message
    assert text.strip() in str(caught.value)


@pytest.mark.parametrize(
    "text",
    [
        "2025-3", "20250", "2025-03-1", "2025-03-10T00:00", "2025~~", "2025~?", "~2025",
        "XXXX", "2025-03-10 ~", "march 2025", "2025.03.10", "10/03/2025", "2025-W10",
        "-2025", "2025-03-10/2025-03-11/2025-03-12", "..", "../", "2025-1X",
    ],
)
def test_other_malformed_text_is_refused_with_the_text_in_the_message(text: str) -> None:
    with pytest.raises(DateError) as caught:
        parse_date(text)
    assert f"'{text}'" in str(caught.value)


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("30/11/2003", "write 2003-11-30 (read as day/month/year)"),
        ("30.11.2003", "write 2003-11-30 (read as day/month/year)"),
        ("30-11-2003", "write 2003-11-30 (read as day/month/year)"),
        ("1/12/2003", "write 2003-12-01 if it is day/month/year, 2003-01-12 if month/day/year"),
        ("11/30/2003", "write 2003-11-30 (read as month/day/year)"),
        ("5/5/2003", "write 2003-05-05"),
        ("2003/11/30", "write 2003-11-30 (read as year/month/day)"),
        ("2025-3-1", "write 2025-03-01 (read as year/month/day)"),
        ("30/11/2003?", "write 2003-11-30? (read as day/month/year)"),
        ("03/2025", "write 2025-03"),
        ("March 2025", "write 2025-03"),
        ("march 2025~", "write 2025-03~"),
        ("10 March 2025", "write 2025-03-10"),
        ("10th Mar. 2025", "write 2025-03-10"),
        ("March 10, 2025", "write 2025-03-10"),
        ("Sept 3 2024", "write 2024-09-03"),
        ("31/02/2003", "write YYYY-MM-DD: neither day/month/year nor month/day/year is a day "
                       "that exists"),
        ("30 February 2024", "write YYYY-MM-DD: February 2024 has no day 30"),
    ],
)
def test_a_date_written_another_way_is_recognised_and_the_iso_form_given(
        text: str, hint: str) -> None:
    with pytest.raises(DateError) as caught:
        parse_date(text)
    assert str(caught.value) == f"'{text}' is not a date: {hint}"


def test_date_error_is_a_value_error() -> None:
    assert issubclass(DateError, ValueError)
    with pytest.raises(ValueError, match="2025-13"):
        parse_date("2025-13")


@pytest.mark.parametrize("value", [None, 2025, 2025.0, True])
def test_non_text_is_refused(value: object) -> None:
    with pytest.raises(DateError, match=f"not {type(value).__name__}"):
        parse_date(value)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- properties

QUALIFIERS = ("", "~", "?", "%")
# the calendar's edges and leap days are drawn often, not left to chance
EDGE_DAYS = (
    date.min, D(1, 1, 31), D(1, 12, 31), D(9999, 1, 1), D(9999, 12, 1), date.max,
    D(2024, 2, 29), D(2025, 2, 28), D(2025, 12, 31), D(2025, 1, 1), D(1900, 2, 28),
)
any_day = st.one_of(
    st.sampled_from(EDGE_DAYS), st.dates(min_value=D(1, 1, 1), max_value=D(9999, 12, 31))
)
precisions = st.sampled_from(list(Precision))
qualifiers = st.sampled_from(QUALIFIERS)


def written(day: date, precision: Precision) -> str:
    if precision is Precision.YEAR:
        return f"{day.year:04d}"
    if precision is Precision.MONTH:
        return f"{day.year:04d}-{day.month:02d}"
    return day.isoformat()


def plain_bounds(day: date, precision: Precision) -> tuple[date, date]:
    """An independent oracle for the unqualified bounds."""
    if precision is Precision.YEAR:
        return D(day.year, 1, 1), D(day.year, 12, 31)
    if precision is Precision.MONTH:
        last = calendar.monthrange(day.year, day.month)[1]
        return D(day.year, day.month, 1), D(day.year, day.month, last)
    return day, day


def approximate_bounds(day: date, precision: Precision) -> tuple[date, date]:
    """The unqualified bounds moved out by one unit, computed by stepping over the edge."""
    first, last = plain_bounds(day, precision)
    if first > date.min:
        before = first - timedelta(days=1)  # the last day of the unit before
        first = plain_bounds(before, precision)[0]
    if last < date.max:
        after = last + timedelta(days=1)  # the first day of the unit after
        last = plain_bounds(after, precision)[1]
    return first, last


@st.composite
def single_texts(draw: st.DrawFn, days: st.SearchStrategy[date] = any_day) -> str:
    return written(draw(days), draw(precisions)) + draw(qualifiers)


@st.composite
def date_or_interval_texts(draw: st.DrawFn) -> str:
    """Any valid text: a single date or an interval of two ordered days, maybe open."""
    kind = draw(st.sampled_from(["single", "interval", "open-start", "open-end"]))
    if kind == "single":
        return draw(single_texts())
    a, b = sorted([draw(any_day), draw(any_day)])
    start = written(a, draw(precisions)) + draw(qualifiers)
    end = written(b, draw(precisions)) + draw(qualifiers)
    if kind == "open-start":
        return f"../{end}"
    if kind == "open-end":
        return f"{start}/.."
    return f"{start}/{end}"


@settings(max_examples=200)
@given(day=any_day, precision=precisions, qualifier=qualifiers)
def test_every_written_day_parses(day: date, precision: Precision, qualifier: str) -> None:
    text = written(day, precision) + qualifier
    d = parse_date(text)
    assert d.earliest is not None
    assert d.latest is not None
    assert d.earliest <= day <= d.latest
    assert d.earliest <= d.latest
    assert d.precision is precision
    assert d.qualifiers == qualifier
    assert d.text == text
    assert not d.is_interval
    if qualifier in ("", "?"):
        assert (d.earliest, d.latest) == plain_bounds(day, precision)
    else:
        assert (d.earliest, d.latest) == approximate_bounds(day, precision)


@settings(max_examples=200)
@given(day=any_day, precision=precisions)
def test_qualified_forms_relate_to_the_unqualified(day: date, precision: Precision) -> None:
    text = written(day, precision)
    plain, approx = parse_date(text), parse_date(text + "~")
    uncertain, both = parse_date(text + "?"), parse_date(text + "%")
    assert plain.earliest is not None
    assert plain.latest is not None
    assert approx.earliest is not None
    assert approx.latest is not None
    # the unqualified range is contained in the approximate one
    assert approx.earliest <= plain.earliest <= plain.latest <= approx.latest
    # strictly wider wherever the calendar leaves room
    if plain.earliest > date.min:
        assert approx.earliest < plain.earliest
    if plain.latest < date.max:
        assert approx.latest > plain.latest
    assert (uncertain.earliest, uncertain.latest) == (plain.earliest, plain.latest)
    assert (both.earliest, both.latest) == (approx.earliest, approx.latest)


def _unit_index(day: date, precision: Precision) -> int:
    if precision is Precision.YEAR:
        return day.year
    if precision is Precision.MONTH:
        return day.year * 12 + day.month - 1
    return day.toordinal()


@settings(max_examples=200)
@given(day=any_day, precision=precisions)
def test_approximate_spans_three_whole_units(day: date, precision: Precision) -> None:
    approx = parse_date(written(day, precision) + "~")
    assert approx.earliest is not None
    assert approx.latest is not None
    # whole units: it starts on a unit's first day and ends on a unit's last day
    assert plain_bounds(approx.earliest, precision)[0] == approx.earliest
    assert plain_bounds(approx.latest, precision)[1] == approx.latest
    # one unit before and one after the written one, fewer only at the calendar's edges
    below = _unit_index(day, precision) - _unit_index(approx.earliest, precision)
    above = _unit_index(approx.latest, precision) - _unit_index(day, precision)
    at_min = _unit_index(day, precision) == _unit_index(date.min, precision)
    at_max = _unit_index(day, precision) == _unit_index(date.max, precision)
    assert below == (0 if at_min else 1)
    assert above == (0 if at_max else 1)


@settings(max_examples=200)
@given(a=any_day, b=any_day, pa=precisions, pb=precisions, qa=qualifiers, qb=qualifiers)
def test_every_ordered_interval_parses(  # noqa: PLR0917
    a: date, b: date, pa: Precision, pb: Precision, qa: str, qb: str
) -> None:
    a, b = sorted([a, b])
    start_text, end_text = written(a, pa) + qa, written(b, pb) + qb
    start, end = parse_date(start_text), parse_date(end_text)
    d = parse_date(f"{start_text}/{end_text}")
    assert d.earliest == start.earliest
    assert d.latest == end.latest
    assert d.is_interval
    assert d.precision == min(pa, pb)
    assert d.approximate == (start.approximate or end.approximate)
    assert d.uncertain == (start.uncertain or end.uncertain)
    assert d.text == f"{start_text}/{end_text}"
    assert parse_date(f"../{end_text}").latest == end.latest
    assert parse_date(f"{start_text}/..").earliest == start.earliest


@settings(max_examples=200)
@given(a=single_texts(), b=single_texts())
def test_an_interval_that_ends_before_it_starts_is_refused(a: str, b: str) -> None:
    start, end = parse_date(a), parse_date(b)
    assert start.earliest is not None
    assert end.latest is not None
    text = f"{a}/{b}"
    if end.latest < start.earliest:
        with pytest.raises(DateError, match="the interval ends before it starts"):
            parse_date(text)
    else:
        assert (parse_date(text).earliest, parse_date(text).latest) == (
            start.earliest,
            end.latest,
        )


def _shares_a_day(x: FuzzyDate, y: FuzzyDate) -> bool:
    """Independent oracle: the later start is not after the earlier end."""
    start = max(x.earliest or date.min, y.earliest or date.min)
    end = min(x.latest or date.max, y.latest or date.max)
    return start <= end


@settings(max_examples=200)
@given(a=date_or_interval_texts(), b=date_or_interval_texts())
def test_overlaps_is_symmetric_and_reflexive(a: str, b: str) -> None:
    x, y = parse_date(a), parse_date(b)
    assert x.overlaps(y) == y.overlaps(x)
    assert x.overlaps(y) == _shares_a_day(x, y)
    assert x.overlaps(x)
    assert y.overlaps(y)


@settings(max_examples=200)
@given(text=date_or_interval_texts())
def test_parse_is_deterministic_and_round_trips(text: str) -> None:
    d = parse_date(text)
    uncached = _parse_date.__wrapped__(text)
    assert uncached == d
    assert uncached is not d
    assert d.text == text
    assert parse_date(str(d)) == d
    assert parse_date(f"  {text} ") == d
    assert d.earliest is None or d.latest is None or d.earliest <= d.latest


@settings(max_examples=200)
@given(texts=st.lists(date_or_interval_texts(), min_size=2, max_size=6))
def test_sort_key_is_consistent_with_the_bounds(texts: list[str]) -> None:
    ordered = sorted((parse_date(t) for t in texts), key=lambda d: d.sort_key)
    for before, after in itertools.pairwise(ordered):
        assert (before.earliest or date.min) <= (after.earliest or date.min)
        if (before.earliest or date.min) == (after.earliest or date.min):
            assert (before.latest or date.max) <= (after.latest or date.max)


# --------------------------------------------------------------------------- vs python-edtf
#
# python-edtf (5.0.2 at the time of writing) is the reference implementation of EDTF. What
# we checked, and where the two differ:
#
# * Every single date of our subset (YYYY, YYYY-MM, YYYY-MM-DD, YYYY-XX, YYYY-MM-XX,
#   YYYY-XX-XX, YYYX, YYXX, each with ~ ? % or nothing) is accepted by edtf, and edtf's
#   strict bounds (lower_strict/upper_strict) equal ours for the text without ~/%.
# * Intervals of such dates without XX, including open ends `..`, are accepted and agree.
#   For an open end edtf's lower_strict()/upper_strict() raise TypeError, so we compare the
#   known end's bounds (`interval.lower` / `interval.upper`).
# * Intervals with an XX end are EDTF level 2; edtf accepts them only unqualified and with
#   both ends closed, and crashes (AttributeError) on `YYYY-XX` as an interval end. We
#   accept all of them (tested below), so the acceptance direction holds only for the
#   subset generated here.
# * `~` and `%`: edtf keeps the strict bounds and pads only its "fuzzy" bounds (by a
#   different amount); our contract widens earliest/latest by one unit, so we compare edtf's
#   strict bounds with ours for the same text without the qualifier.
# * edtf accepts texts we refuse, by design or because edtf does not check them:
#   `0000` (EDTF has a year zero; the format's dates start at 0001), `2025-02-29` in a
#   non-leap year (edtf allows day 29 in every February), reversed intervals
#   `2025-03-10/2025-03-01`, `2025-XX-10` (level 2 partial unspecified), and `2025/`,
#   `/2025` (an unknown end in EDTF; the format asks for `..`), and the EDTF seasons and
#   quarters `YYYY-21` .. `YYYY-41` (not in the format's subset). So for invalid text only
#   the direction "edtf refuses => we refuse" is tested, on strings both refuse.


def _edtf(text: str) -> object:
    with contextlib.redirect_stdout(io.StringIO()):  # edtf prints its parse attempts
        return edtf.parse_edtf(text)


def _day(struct: time.struct_time) -> date:  # edtf's lower_strict() and upper_strict()
    return D(*tuple(struct)[:3])


def _edtf_strict(text: str) -> tuple[date | None, date | None]:
    parsed = _edtf(text)
    start_text, _, end_text = text.partition("/")
    if "/" in text and ".." in (start_text, end_text):
        low = None if start_text == ".." else _day(parsed.lower.lower_strict())  # type: ignore[attr-defined]
        high = None if end_text == ".." else _day(parsed.upper.upper_strict())  # type: ignore[attr-defined]
        return low, high
    return _day(parsed.lower_strict()), _day(parsed.upper_strict())  # type: ignore[attr-defined]


def _unqualified(text: str) -> str:
    return text.replace("~", "").replace("?", "").replace("%", "")


def _closed(d: FuzzyDate) -> tuple[date, date]:
    """The first and last day of a date written without an open end (`..`)."""
    assert d.earliest is not None
    assert d.latest is not None
    return d.earliest, d.latest


@st.composite
def unspecified_texts(draw: st.DrawFn) -> str:
    day = draw(any_day)
    shape = draw(st.sampled_from(["YYYY-MM-XX", "YYYY-XX", "YYYY-XX-XX", "YYYX", "YYXX"]))
    year = f"{day.year:04d}"
    text = {
        "YYYY-MM-XX": f"{year}-{day.month:02d}-XX",
        "YYYY-XX": f"{year}-XX",
        "YYYY-XX-XX": f"{year}-XX-XX",
        "YYYX": year[:3] + "X",
        "YYXX": year[:2] + "XX",
    }[shape]
    assume(not text.startswith(("000", "00X")))  # year 0 is refused by us
    return text


@st.composite
def edtf_subset_texts(draw: st.DrawFn) -> str:
    kind = draw(
        st.sampled_from(["single", "unspecified", "interval", "open", "unspecified-interval"])
    )
    if kind == "single":
        return draw(single_texts())
    if kind == "unspecified":
        return draw(unspecified_texts()) + draw(qualifiers)
    if kind == "unspecified-interval":
        # edtf takes XX ends in closed, unqualified intervals, except YYYY-XX (edtf crashes)
        def one_end() -> str:
            if draw(st.booleans()):
                text = draw(unspecified_texts())
                assume(not text.endswith("-XX") or text.count("-") != 1)
                return text
            return written(draw(any_day), draw(precisions))

        text = f"{one_end()}/{one_end()}"
        start, _, finish = text.partition("/")
        assume(_closed(parse_date(finish))[1] >= _closed(parse_date(start))[0])
        return text
    a, b = sorted([draw(any_day), draw(any_day)])
    start = written(a, draw(precisions)) + draw(qualifiers)
    end = written(b, draw(precisions)) + draw(qualifiers)
    if kind == "open":
        return draw(st.sampled_from([f"../{end}", f"{start}/.."]))
    return f"{start}/{end}"


@settings(max_examples=200, deadline=None)
@given(text=edtf_subset_texts())
def test_edtf_accepts_what_we_accept_with_the_same_strict_bounds(text: str) -> None:
    ours = parse_date(text)  # every generated text is valid for us
    theirs = _edtf_strict(text)  # and edtf parses it (raises otherwise)
    plain = parse_date(_unqualified(text))
    assert theirs == (plain.earliest, plain.latest)
    if not any(q in text for q in "~%"):
        # unqualified and `?` texts: our own bounds are edtf's strict bounds
        assert theirs == (ours.earliest, ours.latest)


@pytest.mark.parametrize(
    ("text", "earliest", "latest"),
    [
        ("2025", D(2025, 1, 1), D(2025, 12, 31)),
        ("2025-03", D(2025, 3, 1), D(2025, 3, 31)),
        ("2024-02", D(2024, 2, 1), D(2024, 2, 29)),
        ("2025-03-10", D(2025, 3, 10), D(2025, 3, 10)),
        ("2025-03?", D(2025, 3, 1), D(2025, 3, 31)),
        ("2025-03-XX", D(2025, 3, 1), D(2025, 3, 31)),
        ("2025-XX", D(2025, 1, 1), D(2025, 12, 31)),
        ("202X", D(2020, 1, 1), D(2029, 12, 31)),
        ("2024-08-06/2025-03-12", D(2024, 8, 6), D(2025, 3, 12)),
        ("2025-02?/2025-03", D(2025, 2, 1), D(2025, 3, 31)),
        ("../2025", None, D(2025, 12, 31)),
        ("2025/..", D(2025, 1, 1), None),
    ],
)
def test_edtf_agrees_on_the_formats_table(
    text: str, earliest: date | None, latest: date | None
) -> None:
    assert _edtf_strict(text) == (earliest, latest)
    d = parse_date(text)
    assert (d.earliest, d.latest) == (earliest, latest)


@pytest.mark.parametrize("text", ["2025-03~", "2025-03%", "2025-03-10~", "2025~", "202X~"])
def test_edtf_keeps_strict_bounds_for_approximate_dates_where_we_widen(text: str) -> None:
    ours, plain = parse_date(text), parse_date(_unqualified(text))
    assert _edtf_strict(text) == (plain.earliest, plain.latest)
    (our_first, our_last), (first, last) = _closed(ours), _closed(plain)
    assert our_first < first
    assert our_last > last


@pytest.mark.parametrize(
    "text",
    [
        "2025-XX/2026", "2025-03-XX~/2025-04", "202X?/2025", "../202X", "2025-03-XX/..",
        "2025?/2026-XX-XX", "2025-XX%/..",
    ],
)
def test_we_accept_unspecified_interval_ends_that_edtf_does_not(text: str) -> None:
    # Documented divergence: edtf refuses these or crashes on them (see the comment above).
    d = parse_date(text)
    assert d.is_interval
    assert d.earliest is not None or d.latest is not None


@st.composite
def impossible_days(draw: st.DrawFn) -> str:
    year = draw(st.integers(1, 9999))
    kind = draw(st.sampled_from(["day", "month", "month-day", "day-zero"]))
    if kind == "month":
        # 21-41 are EDTF seasons and quarters (2025-21 is spring 2025), which edtf accepts
        month = draw(st.sampled_from([0, *range(13, 21), *range(42, 100)]))
        return f"{year:04d}-{month:02d}"
    if kind == "month-day":
        month = draw(st.sampled_from([0, *range(13, 100)]))
        return f"{year:04d}-{month:02d}-{draw(st.integers(1, 28)):02d}"
    month = draw(st.integers(1, 12))
    if kind == "day-zero":
        return f"{year:04d}-{month:02d}-00"
    # past the month's end; edtf allows 29 February in any year, so start after day 29
    last = max(calendar.monthrange(year, month)[1], 29)
    return f"{year:04d}-{month:02d}-{draw(st.integers(last + 1, 99)):02d}"


@settings(max_examples=200, deadline=None)
@given(text=impossible_days(), qualifier=qualifiers)
def test_both_refuse_days_and_months_that_do_not_exist(text: str, qualifier: str) -> None:
    written_text = text + qualifier
    with pytest.raises(DateError) as caught:
        parse_date(written_text)
    assert written_text in str(caught.value)
    with pytest.raises(Exception):  # noqa: B017, PT011  edtf raises EDTFParseException
        _edtf(written_text)
    with pytest.raises(DateError):
        parse_date(f"{written_text}/..")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2025-21", "'2025-21': month 21 does not exist (01-12)"),  # EDTF: spring 2025
        ("2025-41", "'2025-41': month 41 does not exist (01-12)"),  # EDTF: 2nd semester
    ],
)
def test_we_refuse_edtf_seasons(text: str, message: str) -> None:
    with pytest.raises(DateError) as caught:
        parse_date(text)
    assert str(caught.value) == message


@settings(max_examples=100)
@given(year=st.integers(1, 9999).filter(lambda y: not calendar.isleap(y)))
def test_we_refuse_29_february_in_a_common_year(year: int) -> None:
    # edtf accepts these (it does not check leap years): only our side is asserted.
    text = f"{year:04d}-02-29"
    with pytest.raises(DateError, match=f"February {year} has no day 29"):
        parse_date(text)
    assert parse_date(f"{year:04d}-02-28").latest == D(year, 2, 28)
