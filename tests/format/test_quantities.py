"""Quantity values: numbers as written, the forms of a figure, intervals and tolerance."""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from contested.format.quantities import (
    ABOUT_MINIMUM,
    FORMS,
    Form,
    Interval,
    Quantity,
    QuantityError,
    exact,
    format_number,
    parse_number,
    quantity_from_form,
)

INF = math.inf

# --------------------------------------------------------------------------- parse_number


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("500", 500.0),
        ("33.3", 33.3),
        ("-4", -4.0),
        ("+5", 5.0),
        ("1_400", 1400.0),
        ("1e3", 1000.0),
        ("1E-3", 0.001),
        ("0", 0.0),
        ("0.5", 0.5),
        ("-0.25", -0.25),
        (".5", 0.5),
        ("  7 ", 7.0),
        (500, 500.0),
        (33.3, 33.3),
        (-4, -4.0),
    ],
)
def test_parse_number_reads_decimal_numbers(text: str | float, value: float) -> None:
    parsed = parse_number(text)
    assert parsed == value
    assert type(parsed) is float


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0123", "'0123' has a leading zero, which YAML 1.1 reads as octal: write 123"),
        ("-012", "'-012' has a leading zero, which YAML 1.1 reads as octal: write 12"),
        ("00", "'00' has a leading zero, which YAML 1.1 reads as octal: write 0"),
    ],
)
def test_parse_number_refuses_a_leading_zero(text: str, message: str) -> None:
    with pytest.raises(QuantityError) as caught:
        parse_number(text)
    assert str(caught.value) == message
    assert "octal" in str(caught.value)


@pytest.mark.parametrize(
    "text",
    [
        "1:20",  # YAML 1.1 sexagesimal (80)
        "1:20:30",
        ".inf",
        "-.inf",
        ".nan",
        "nan",
        "inf",
        "yes",
        "no",
        "",
        "   ",
        "0x10",
        "0o17",
        "five",
        "1,40,0",
        "1e",
        "500km",
        "fewer than ten",
        "under 10 or over 20",
        "between 10",
        "--1",
    ],
)
def test_parse_number_refuses_what_is_not_a_decimal_number(text: str) -> None:
    with pytest.raises(QuantityError) as caught:
        parse_number(text)
    assert str(caught.value) == f"expected a number, got '{text}'"


@pytest.mark.parametrize(
    ("text", "write"),
    [
        ("1,400", "1400"),
        ("-1,400", "-1400"),
        ("12,345,678.5", "12345678.5"),
        ("1 400", "1400"),
        ("1\u202f400", "1400"),
        ("1'400", "1400"),
        ("1,5", "1.5"),  # a decimal comma
        ("1.5 million", "1500000"),
        ("500 km2", "500"),
        ("33.3%", "33.3"),
        ("fewer than 10", "{less_than: 10}"),
        ("Fewer than 10 people", "{less_than: 10}"),
        ("less than 1,000", "{less_than: 1000}"),
        ("under 10", "{less_than: 10}"),
        ("below -5", "{less_than: -5}"),
        ("more than 33.3 percent", "{more_than: 33.3}"),
        ("over 1,000", "{more_than: 1000}"),
        ("at least 1,000", "{at_least: 1000}"),
        ("no fewer than 3", "{at_least: 3}"),
        ("10 or more", "{at_least: 10}"),
        ("10+", "{at_least: 10}"),
        ("at most 500", "{at_most: 500}"),
        ("up to 500", "{at_most: 500}"),
        ("no more than 5", "{at_most: 5}"),
        ("50 or fewer", "{at_most: 50}"),
        ("about 800", "{about: 800}"),
        ("around 1 400", "{about: 1400}"),
        ("approximately 2 million", "{about: 2000000}"),
        ("roughly 12", "{about: 12}"),
        ("some 300 soldiers", "{about: 300}"),
        ("~800", "{about: 800}"),
        ("c. 800", "{about: 800}"),
        ("between 100 and 999", "{between: [100, 999]}"),
        ("between 999 and 100", "{between: [100, 999]}"),
        ("from 100 to 200", "{between: [100, 200]}"),
        ("100-200", "{between: [100, 200]}"),
        ("100 – 200 km2", "{between: [100, 200]}"),
        ("1,000 to 2,000", "{between: [1000, 2000]}"),
    ],
)
def test_parse_number_says_how_to_write_a_figure_written_as_words(text: str, write: str
                                                                  ) -> None:
    with pytest.raises(QuantityError) as caught:
        parse_number(text)
    assert str(caught.value) == f"expected a number, got '{text}': write {write}"


@pytest.mark.parametrize("value", [True, False])
def test_parse_number_refuses_booleans(value: bool) -> None:
    with pytest.raises(QuantityError, match=f"expected a number, got {value}"):
        parse_number(value)


@pytest.mark.parametrize("value", ["1e400", "-1e400", INF, -INF, math.nan])
def test_parse_number_refuses_infinite_and_nan(value: str | float) -> None:
    with pytest.raises(QuantityError, match="expected a finite number"):
        parse_number(value)


def test_quantity_error_is_a_value_error() -> None:
    assert issubclass(QuantityError, ValueError)


# --------------------------------------------------------------------------- format_number


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1400.0, "1400"),
        (33.3, "33.3"),
        (-4.0, "-4"),
        (0.0, "0"),
        (1e20, "1e+20"),
        (1e16, "1e+16"),
        (-2.5e-7, "-2.5e-07"),
        (999999999999999.0, "999999999999999"),
        (0.1 + 0.2, "0.30000000000000004"),
        (1049.95, "1049.95"),
        (3, "3"),  # an int is a valid float argument
    ],
)
def test_format_number(value: float, text: str) -> None:
    assert format_number(value) == text


@settings(max_examples=200)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_format_number_reads_back(value: float) -> None:
    assert parse_number(format_number(value)) == value


# --------------------------------------------------------------------------- forms


@pytest.mark.parametrize(
    ("form", "figure", "interval", "text", "plotted"),
    [
        ("exact", 500.0, Interval(500.0, 500.0), "500", 500.0),
        ("about", 800.0, Interval(800.0, 800.0), "about 800", 800.0),
        ("at_least", 2000.0, Interval(2000.0, None, True, False), "at least 2000", 2000.0),
        ("at_most", 500.0, Interval(None, 500.0, False, True), "at most 500", 500.0),
        ("more_than", 33.3, Interval(33.3, None, False, False), "more than 33.3", 33.3),
        ("less_than", 10.0, Interval(None, 10.0, False, False), "less than 10", 10.0),
        ("between", (100.0, 999.0), Interval(100.0, 999.0), "100-999", 549.5),
        ("between", (2.0, 2.0), Interval(2.0, 2.0), "2-2", 2.0),
        ("exact", -4.0, Interval(-4.0, -4.0), "-4", -4.0),
        ("exact", 0.0, Interval(0.0, 0.0), "0", 0.0),
        ("at_most", 0.0, Interval(None, 0.0, False, True), "at most 0", 0.0),
    ],
)
def test_every_form(
    form: Form, figure: float | tuple[float, float], interval: Interval, text: str, plotted: float
) -> None:
    q = quantity_from_form(form, figure)
    assert q.form == form
    assert q.interval == interval
    assert q.best is None
    assert q.text == text
    assert q.plotted == plotted


def test_forms_are_all_covered() -> None:
    assert set(FORMS) == {
        "exact", "about", "at_least", "at_most", "more_than", "less_than", "between",
    }


def test_exact_helper() -> None:
    assert exact(500.0) == quantity_from_form("exact", 500.0)
    assert exact(500.0) == Quantity("exact", Interval(500.0, 500.0))


@pytest.mark.parametrize(
    ("form", "figure", "value", "inside"),
    [
        ("at_least", 10.0, 10.0, True),  # closed low
        ("at_least", 10.0, 9.999, False),
        ("at_least", 10.0, 1e300, True),  # unbounded high
        ("more_than", 10.0, 10.0, False),  # open low
        ("more_than", 10.0, 10.001, True),
        ("at_most", 10.0, 10.0, True),
        ("at_most", 10.0, -1e300, True),
        ("at_most", 10.0, 10.001, False),
        ("less_than", 10.0, 10.0, False),  # open high
        ("less_than", 10.0, 9.999, True),
        ("between", (100.0, 999.0), 100.0, True),  # closed both ends
        ("between", (100.0, 999.0), 999.0, True),
        ("between", (100.0, 999.0), 99.9, False),
        ("between", (100.0, 999.0), 999.1, False),
        ("exact", 5.0, 5.0, True),
        ("exact", 5.0, 5.000001, False),
    ],
)
def test_form_ends_open_or_closed(
    form: Form, figure: float | tuple[float, float], value: float, inside: bool
) -> None:
    assert quantity_from_form(form, figure).interval.contains(value) is inside


@pytest.mark.parametrize(
    ("form", "figure", "best", "text"),
    [
        ("between", (100.0, 999.0), 300.0, "100-999 (best 300)"),
        ("between", (100.0, 999.0), 100.0, "100-999 (best 100)"),
        ("at_least", 2000.0, 2500.0, "at least 2000 (best 2500)"),
        ("at_least", 10.0, 10.0, "at least 10 (best 10)"),
        ("at_most", 500.0, 450.0, "at most 500 (best 450)"),
        ("more_than", 33.3, 40.0, "more than 33.3 (best 40)"),
        ("less_than", 10.0, 9.5, "less than 10 (best 9.5)"),
        ("about", 800.0, 870.0, "about 800 (best 870)"),
        # `about` reaches ±10%, so best may lie at its edges
        ("about", 800.0, 880.0, "about 800 (best 880)"),
        ("about", 800.0, 720.0, "about 800 (best 720)"),
    ],
)
def test_best(form: Form, figure: float | tuple[float, float], best: float, text: str) -> None:
    q = quantity_from_form(form, figure, best)
    assert q.best == best
    assert q.plotted == best
    assert q.text == text


@pytest.mark.parametrize(
    ("form", "figure", "best", "message"),
    [
        ("between", (1.0, 2.0), 3.0, "best 3 lies outside [1, 2]"),
        ("between", (1.0, 2.0), 0.5, "best 0.5 lies outside [1, 2]"),
        ("at_least", 10.0, 5.0, "best 5 lies outside [10, inf)"),
        ("more_than", 10.0, 10.0, "best 10 lies outside (10, inf)"),
        ("less_than", 10.0, 10.0, "best 10 lies outside (-inf, 10)"),
        ("at_most", 10.0, 11.0, "best 11 lies outside (-inf, 10]"),
        ("about", 800.0, 881.0, "best 881 lies outside [720, 880]"),
        ("about", 800.0, 719.0, "best 719 lies outside [720, 880]"),
        ("exact", 5.0, 5.0, "best goes with a range, not with an exact figure"),
        ("between", (3.0, 2.0), None, "between [3, 2]: the first number is the lower bound"),
        ("between", 5.0, None, "between takes two numbers: {between: [LOW, HIGH]}"),
        ("exact", (1.0, 2.0), None, "exact takes one number"),
        ("about", (1.0, 2.0), None, "about takes one number"),
    ],
)
def test_form_errors(
    form: Form, figure: float | tuple[float, float], best: float | None, message: str
) -> None:
    with pytest.raises(QuantityError) as caught:
        quantity_from_form(form, figure, best)
    assert str(caught.value) == message


# --------------------------------------------------------------------------- intervals


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (Interval(0, 1), Interval(1, 2), True),  # [0,1] and [1,2] share 1
        (Interval(0, 1, True, False), Interval(1, 2), False),  # [0,1) and [1,2]
        (Interval(0, 1), Interval(1, 2, False, True), False),  # [0,1] and (1,2]
        # (1,inf) and (-inf,1]
        (Interval(1, None, False, False), Interval(None, 1, False, True), False),
        # [1,inf) and (-inf,1]
        (Interval(1, None, True, False), Interval(None, 1, False, True), True),
        (Interval(0, 1), Interval(2, 3), False),
        (Interval(0, 3), Interval(1, 2), True),  # containment
        (Interval(None, None, False, False), Interval(5, 5), True),  # unbounded both ways
        (Interval(None, 0, False, False), Interval(None, -1e9, False, True), True),
        (Interval(5, None, True, False), Interval(1e9, None, False, False), True),
        (Interval(-2, -1), Interval(-1, 0), True),
        (Interval(-2, -1, True, False), Interval(-1, 0), False),
        (Interval(0.5, 0.5), Interval(0.5, 0.5), True),
        (Interval(0.5, 0.5), Interval(0, 1, False, False), True),
    ],
)
def test_intersects(a: Interval, b: Interval, expected: bool) -> None:
    assert a.intersects(b) is expected
    assert b.intersects(a) is expected


def test_contains() -> None:
    assert Interval(0, 1).contains(0)
    assert Interval(0, 1).contains(1)
    assert not Interval(0, 1, False, True).contains(0)
    assert not Interval(0, 1, True, False).contains(1)
    assert Interval(None, None, False, False).contains(-1e308)


@pytest.mark.parametrize(
    ("interval", "relative", "widened"),
    [
        (Interval(100, 200), 0.1, Interval(90, 220)),  # relative to each end's own magnitude
        (Interval(-100, -50), 0.1, Interval(-110, -45)),  # negative ends move outward too
        (Interval(-100, 50, False, False), 0.5, Interval(-150, 75, False, False)),  # stay open
        (Interval(10, None, False, False), 0.5, Interval(5, None, False, False)),
        (Interval(None, 10, False, True), 0.5, Interval(None, 15, False, True)),
        (Interval(None, None, False, False), 0.5, Interval(None, None, False, False)),
        (Interval(0, 0), 0.5, Interval(0, 0)),  # zero has no magnitude to widen by
        (Interval(300, 500), 0.0, Interval(300, 500)),
    ],
)
def test_widened(interval: Interval, relative: float, widened: Interval) -> None:
    assert interval.widened(relative) == widened


@pytest.mark.parametrize(
    ("interval", "text"),
    [
        (Interval(1, 2), "[1, 2]"),
        (Interval(1, 2, False, False), "(1, 2)"),
        (Interval(33.3, None, False, False), "(33.3, inf)"),
        (Interval(None, 10, False, True), "(-inf, 10]"),
        (Interval(None, None, True, True), "(-inf, inf)"),  # an unbounded end is never closed
    ],
)
def test_interval_text(interval: Interval, text: str) -> None:
    assert str(interval) == text


# --------------------------------------------------------------------------- tolerance


def test_about_is_widened_by_ten_percent_when_the_tolerance_is_smaller() -> None:
    assert quantity_from_form("about", 800.0).compared(0.05) == Interval(720, 880)
    assert quantity_from_form("about", 800.0).compared(0.0) == Interval(720, 880)


def test_about_is_widened_by_the_tolerance_when_larger_not_both() -> None:
    # 20% of 800 is 160: [640, 960], not [560, 1040] (tolerance added on top of 10%)
    assert quantity_from_form("about", 800.0).compared(0.2) == Interval(640, 960)


def test_about_minimum_is_ten_percent() -> None:
    assert ABOUT_MINIMUM == 0.10


def test_exact_is_widened_by_the_tolerance() -> None:
    assert exact(500.0).compared(0.05) == Interval(475, 525)
    assert exact(500.0).compared(0.0) == Interval(500, 500)


def test_other_forms_are_widened_by_the_tolerance_only() -> None:
    assert quantity_from_form("between", (100.0, 1000.0)).compared(0.05) == Interval(95, 1050)
    assert quantity_from_form("at_least", 2000.0).compared(0.05) == Interval(
        1900, None, True, False
    )
    assert quantity_from_form("more_than", 2000.0).compared(0.05) == Interval(
        1900, None, False, False
    )
    assert quantity_from_form("less_than", 10.0).compared(0.5) == Interval(None, 15, False, False)


def test_the_formats_example_500_and_300_contradict() -> None:
    # 1,400 km² in August, 500 in February, 300 in March: 500 and 300 do not meet at 5%
    feb, march = exact(500.0).compared(0.05), exact(300.0).compared(0.05)
    assert feb == Interval(475, 525)
    assert march == Interval(285, 315)
    assert not feb.intersects(march)
    assert not march.intersects(feb)


def test_figures_within_tolerance_do_not_contradict() -> None:
    # 100 reaches 105, 110 reaches down to 104.5: they overlap
    low, high = exact(100.0).compared(0.05), exact(110.0).compared(0.05)
    assert low.high == pytest.approx(105.0)
    assert high.low == pytest.approx(104.5)
    assert low.intersects(high)
    # 111 reaches down only to 105.45: no longer
    assert not low.intersects(exact(111.0).compared(0.05))


def test_closed_ends_touching_at_the_tolerance_boundary_intersect() -> None:
    # 380 * 1.05 and 420 * 0.95 are both exactly 399.0 in floating point
    low, high = exact(380.0).compared(0.05), exact(420.0).compared(0.05)
    assert low.high == 399.0
    assert high.low == 399.0
    assert low.intersects(high)
    # the same touch with binary-exact numbers: 300 * 1.25 == 500 * 0.75 == 375
    assert exact(300.0).compared(0.25).intersects(exact(500.0).compared(0.25))


def test_an_open_end_touching_at_the_tolerance_boundary_does_not_intersect() -> None:
    at_most = quantity_from_form("at_most", 380.0).compared(0.05)  # (-inf, 399]
    more_than = quantity_from_form("more_than", 420.0).compared(0.05)  # (399, inf)
    assert at_most.high == more_than.low == 399.0
    assert not at_most.intersects(more_than)
    at_least = quantity_from_form("at_least", 420.0).compared(0.05)  # [399, inf)
    assert at_most.intersects(at_least)


def test_about_and_a_range() -> None:
    # about 800 at 5% reaches [720, 880]; "at least 900" widened by 5% starts at 855
    about = quantity_from_form("about", 800.0).compared(0.05)
    assert about.intersects(quantity_from_form("at_least", 900.0).compared(0.05))
    assert not about.intersects(quantity_from_form("at_least", 1000.0).compared(0.05))


# --------------------------------------------------------------------------- plotted


def test_plotted() -> None:
    assert quantity_from_form("between", (100.0, 999.0)).plotted == 549.5
    assert quantity_from_form("between", (100.0, 999.0), 300.0).plotted == 300.0
    assert quantity_from_form("at_least", 2000.0).plotted == 2000.0
    assert quantity_from_form("less_than", 10.0).plotted == 10.0
    assert quantity_from_form("about", 800.0).plotted == 800.0
    assert Quantity("at_least", Interval(None, None, False, False)).plotted is None


# --------------------------------------------------------------------------- properties

numbers = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False)
tolerances = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)


@st.composite
def intervals(draw: st.DrawFn) -> Interval:
    """Any interval, well formed or not (an empty one such as (1, 1) included)."""
    low = draw(st.none() | numbers)
    high = draw(st.none() | numbers)
    return Interval(
        low,
        high,
        low is not None and draw(st.booleans()),
        high is not None and draw(st.booleans()),
    )


@st.composite
def well_formed_intervals(draw: st.DrawFn) -> Interval:
    """Non-empty intervals, as the forms produce them."""
    interval = draw(intervals())
    if interval.low is not None and interval.high is not None:
        low, high = sorted([interval.low, interval.high])
        if low == high:
            return Interval(low, high)
        return Interval(low, high, interval.low_closed, interval.high_closed)
    return interval


def _is_empty(i: Interval) -> bool:
    if i.low is None or i.high is None:
        return False
    return i.low > i.high or (i.low == i.high and not (i.low_closed and i.high_closed))


def _oracle_intersects(a: Interval, b: Interval) -> bool:
    """The intersection's own ends, then whether anything lies between them."""

    def low_end(i: Interval) -> tuple[float, bool]:
        return (-INF, False) if i.low is None else (i.low, i.low_closed)

    def high_end(i: Interval) -> tuple[float, bool]:
        return (INF, False) if i.high is None else (i.high, i.high_closed)

    (la, ca), (lb, cb) = low_end(a), low_end(b)
    low, low_closed = (la, ca) if la > lb else (lb, cb) if lb > la else (la, ca and cb)
    (ha, da), (hb, db) = high_end(a), high_end(b)
    high, high_closed = (ha, da) if ha < hb else (hb, db) if hb < ha else (ha, da and db)
    return low < high or (low == high and low_closed and high_closed)


@settings(max_examples=200)
@given(a=intervals(), b=intervals())
def test_intersects_is_symmetric(a: Interval, b: Interval) -> None:
    assert a.intersects(b) == b.intersects(a)


@settings(max_examples=200)
@given(a=well_formed_intervals(), b=well_formed_intervals())
def test_intersects_agrees_with_an_oracle(a: Interval, b: Interval) -> None:
    assert a.intersects(b) == _oracle_intersects(a, b)


@settings(max_examples=200)
@given(i=intervals())
def test_an_interval_intersects_itself_when_not_empty(i: Interval) -> None:
    assert i.intersects(i) == (not _is_empty(i))


@settings(max_examples=200)
@given(i=well_formed_intervals(), relative=tolerances, other=well_formed_intervals())
def test_widening_never_shrinks(i: Interval, relative: float, other: Interval) -> None:
    w = i.widened(relative)
    assert (w.low_closed, w.high_closed) == (i.low_closed, i.high_closed)
    assert (w.low is None) == (i.low is None)
    assert (w.high is None) == (i.high is None)
    if i.low is not None:
        assert w.low is not None
        assert w.low <= i.low
    if i.high is not None:
        assert w.high is not None
        assert w.high >= i.high
    # whatever met the original still meets the widened interval
    if i.intersects(other):
        assert w.intersects(other)


@settings(max_examples=200)
@given(i=well_formed_intervals(), value=numbers, relative=tolerances)
def test_widening_keeps_every_member(i: Interval, value: float, relative: float) -> None:
    if i.contains(value):
        assert i.widened(relative).contains(value)


@st.composite
def quantities(draw: st.DrawFn) -> Quantity:
    form = draw(st.sampled_from(FORMS))
    if form == "between":
        low, high = sorted([draw(numbers), draw(numbers)])
        return quantity_from_form(form, (low, high))
    return quantity_from_form(form, draw(numbers))


@settings(max_examples=200)
@given(q=quantities(), tolerance=tolerances, value=numbers)
def test_compared_contains_the_unwidened_interval(
    q: Quantity, tolerance: float, value: float
) -> None:
    compared = q.compared(tolerance)
    plain = q.interval
    assert compared.intersects(plain)
    assert compared == plain.widened(
        max(tolerance, ABOUT_MINIMUM) if q.form == "about" else tolerance
    )
    if plain.low is not None:
        assert compared.low is not None
        assert compared.low <= plain.low
    if plain.high is not None:
        assert compared.high is not None
        assert compared.high >= plain.high
    if plain.contains(value):
        assert compared.contains(value)


@settings(max_examples=200)
@given(figure=numbers, tolerance=tolerances)
def test_about_is_never_narrower_than_exact(figure: float, tolerance: float) -> None:
    about = quantity_from_form("about", figure).compared(tolerance)
    plain = exact(figure).compared(tolerance)
    assert about.low is not None
    assert about.high is not None
    assert plain.low is not None
    assert plain.high is not None
    assert about.low <= plain.low
    assert about.high >= plain.high
    if tolerance >= ABOUT_MINIMUM:
        assert about == plain  # the tolerance is not added twice


@settings(max_examples=200)
@given(low=numbers, high=numbers, best=numbers)
def test_between_best_is_accepted_exactly_inside(low: float, high: float, best: float) -> None:
    low, high = sorted([low, high])
    assume(low != best != high)
    if low < best < high:
        assert quantity_from_form("between", (low, high), best).plotted == best
    else:
        with pytest.raises(QuantityError, match="lies outside"):
            quantity_from_form("between", (low, high), best)
