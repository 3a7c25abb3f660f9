"""One test per kind of error: the exact `path:line:col: message [code]` a user sees."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from contested.catalog.loading import LoadResult
from tests.helpers import SOURCES, Write

Load = Callable[[], LoadResult]


def headlines(result: LoadResult) -> list[str]:
    return [d.headline() for d in result.diagnostics]


def only(result: LoadResult) -> str:
    lines = headlines(result)
    assert len(lines) == 1, lines
    return lines[0]


def claim_file(write: Write, body: str) -> Path:
    write("sources.yaml", SOURCES)
    return write("claims.yaml", "contested: 1\nclaims:\n" + body)


def test_valid_catalog_loads_with_counts(write: Write, load: Load) -> None:
    claim_file(write, """\
  - id: c1
    source: afp
    text: Held 500.
    about: area
    value: 500
""")
    result = load()
    assert result.ok, headlines(result)
    assert result.catalog.counts() == {
        "files": 2, "sources": 2, "questions": 2, "events": 1, "claims": 1,
    }
    claim = result.catalog.claims["c1"]
    assert claim.quantity is not None
    assert claim.quantity.interval.low == 500


def test_unknown_field_names_the_nearest_known_field(write: Write, load: Load) -> None:
    path = claim_file(write, """\
  - id: c1
    source: afp
    txt: Held 500.
""")
    assert headlines(load()) == [
        f"{path}:3:5: claim 'c1' has no 'text', which is required [missing-field]",
        f"{path}:5:5: unknown field 'txt' in claim 'c1' (did you mean 'text'?) [unknown-field]",
    ]


def test_unknown_id_names_the_nearest_id_of_that_kind(write: Write, load: Load) -> None:
    path = claim_file(write, """\
  - id: c1
    source: [afp, ru-medai]
    text: x
    event: pipelin
""")
    assert headlines(load()) == [
        f"{path}:4:19: unknown source 'ru-medai' (did you mean 'ru-media'?) [unknown-id]",
        f"{path}:6:12: unknown event 'pipelin' (did you mean 'pipeline'?) [unknown-id]",
    ]


def test_unknown_id_without_a_near_one(write: Write, load: Load) -> None:
    path = claim_file(write, """\
  - id: c1
    source: zzzzzz
    text: x
""")
    assert only(load()) == f"{path}:4:13: unknown source 'zzzzzz' [unknown-id]"


def test_duplicate_id_across_files_names_both_places(write: Write, load: Load) -> None:
    write("sources.yaml", SOURCES)
    second = write("z-more.yaml", """\
        contested: 1
        sources:
          - id: afp
            name: Agence France-Presse
        """)
    first = second.parent / "sources.yaml"
    assert only(load()) == (
        f"{second}:3:9: duplicate source id 'afp': already used at {first}:3:9 [duplicate-id]"
    )


def test_duplicate_id_within_one_file(write: Write, load: Load) -> None:
    path = claim_file(write, """\
  - {id: c1, source: afp, text: x}
  - {id: c1, source: afp, text: y}
""")
    assert only(load()) == (
        f"{path}:4:10: duplicate claim id 'c1': already used at {path}:3:10 [duplicate-id]"
    )


def test_same_id_in_different_kinds_is_fine(write: Write, load: Load) -> None:
    claim_file(write, "  - {id: afp, source: afp, text: x}\n")
    assert load().ok


def test_wrong_type(write: Write, load: Load) -> None:
    path = claim_file(write, """\
  - id: c1
    source: afp
    text: [not, text]
""")
    assert only(load()) == (
        f"{path}:5:11: 'text' in claim 'c1' should be text, not a list [wrong-type]"
    )


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("2025-02-30", "'2025-02-30': February 2025 has no day 30 (it has 28)"),
        ("2025-13", "'2025-13': month 13 does not exist (01-12)"),
        ("March 2025", "'March 2025' is not a date"),
    ],
)
def test_bad_date(write: Write, load: Load, written: str, message: str) -> None:
    path = claim_file(write, f"""\
  - id: c1
    source: afp
    text: x
    said: {written}
""")
    line = only(load())
    assert line.startswith(f"{path}:6:11: bad date in 'said': {message}")
    assert line.endswith("[bad-date]")


def test_unit_not_the_questions(write: Write, load: Load) -> None:
    path = claim_file(write, """\
  - id: c1
    source: afp
    text: x
    about: area
    value: 500
    unit: km
""")
    assert only(load()) == (
        f"{path}:8:11: unit 'km' does not match question 'area', which has 'km2'; "
        "convert the figure (units are never converted for you) [unit-mismatch]"
    )


def test_category_value_not_in_values(write: Write, load: Load) -> None:
    path = claim_file(write, """\
  - id: c1
    source: afp
    text: x
    about: outcome
    value: sucess
""")
    assert only(load()) == (
        f"{path}:7:12: 'sucess' is not a value of question 'outcome' "
        "(success, heavy-losses) (did you mean 'success'?) [not-in-values]"
    )


def test_quantity_value_must_be_a_number(write: Write, load: Load) -> None:
    path = claim_file(write, """\
  - id: c1
    source: afp
    text: x
    about: area
    value: 1:20
""")
    assert only(load()) == (
        f"{path}:7:12: question 'area' is a quantity question: "
        "expected a number, got '1:20' [bad-value]"
    )


def test_figure_with_two_forms(write: Write, load: Load) -> None:
    path = claim_file(write, """\
  - id: c1
    source: afp
    text: x
    about: area
    value: {about: 5, at_least: 3}
""")
    assert only(load()) == (
        f"{path}:7:12: bad figure in claim 'c1': a figure takes one form, "
        "not about and at_least [bad-value]"
    )


def test_missing_version(write: Write, load: Load) -> None:
    path = write("t.yaml", "sources: []\n")
    assert only(load()) == (
        f"{path}:1:1: missing `contested: 1` (the format version) at the top of the file "
        "[missing-version]"
    )


def test_wrong_version(write: Write, load: Load) -> None:
    path = write("t.yaml", "contested: 2\n")
    assert only(load()) == (
        f"{path}:1:12: this file says format version 2; contested reads version 1 "
        "[format-version]"
    )


def test_a_list_at_the_top(write: Write, load: Load) -> None:
    path = write("t.yaml", "- contested: 1\n")
    assert only(load()) == (
        f"{path}:1:1: the top of a timeline file is a mapping (`contested: 1`, then "
        "sections), not a list [not-a-mapping]"
    )


@pytest.mark.parametrize("text", ["", "# only a comment\n", "---\n...\n"])
def test_nothing_at_the_top(write: Write, load: Load, text: str) -> None:
    path = write("t.yaml", text)
    assert only(load()) == (
        f"{path}:1:1: the file is empty: a timeline starts with `contested: 1` [empty-file]"
    )


def test_yaml_syntax_error(write: Write, load: Load) -> None:
    path = write("t.yaml", "contested: 1\nsources:\n  - id: a\n   name: b\n")
    line = only(load())
    assert line.startswith(f"{path}:4:4: YAML syntax: did not find expected '-' indicator")
    assert line.endswith("[yaml-syntax]")


def test_bad_id(write: Write, load: Load) -> None:
    path = claim_file(write, "  - {id: 'c 1', source: afp, text: x}\n")
    assert only(load()) == (
        f"{path}:3:10: 'c 1' is not a valid id: an id starts with a letter or digit, "
        "then letters, digits, '_', '.' or '-' [bad-id]"
    )


def test_credibility_out_of_range(write: Write, load: Load) -> None:
    path = claim_file(write, "  - {id: c1, source: afp, text: x, credibility: 7}\n")
    assert only(load()) == (
        f"{path}:3:49: 'credibility' in claim 'c1' is '7'; it must be at most 6 [out-of-range]"
    )


def test_literal_with_did_you_mean(write: Write, load: Load) -> None:
    path = write("s.yaml", """\
        contested: 1
        sources:
          - {id: a, name: A, kind: military_blog}
        """)
    assert only(load()) == (
        f"{path}:3:28: 'kind' is 'military_blog', expected 'state-media', 'media', "
        "'news-agency', 'government', 'military', 'military-blog', 'analyst', 'eyewitness', "
        "'social-media', 'ngo', 'dataset' or 'other' (did you mean 'military-blog'?) [not-allowed]"
    )


def test_value_without_question(write: Write, load: Load) -> None:
    path = claim_file(write, "  - {id: c1, source: afp, text: x, value: success}\n")
    assert only(load()) == (
        f"{path}:3:43: claim 'c1' has a value but no question: add 'about' "
        "[value-without-question]"
    )


def test_claim_cannot_dispute_itself(write: Write, load: Load) -> None:
    path = claim_file(write, "  - {id: c1, source: afp, text: x, disputes: [c1]}\n")
    assert only(load()) == f"{path}:3:47: claim 'c1' disputes itself [self-reference]"


def test_every_problem_in_one_run_sorted_by_file_and_line(write: Write, load: Load) -> None:
    write("sources.yaml", SOURCES)
    b = write("b.yaml", "contested: 1\nclaims:\n  - {id: c2, source: nobody, text: x}\n")
    a = write("a.yaml", """\
        contested: 1
        events:
          - {id: e1, date: 2025-02-30, title: t}
        claims:
          - {id: c1, source: afp, text: x, event: e1, evnt: e1}
        """)
    lines = headlines(load())
    assert [line.split(": ")[0] for line in lines] == [
        f"{a}:3:20", f"{a}:5:47", f"{b}:3:22",
    ]
    # A reference to an entity that failed validation is not reported a second time.
    assert not any("unknown event 'e1'" in line for line in lines)


def test_partial_catalog_keeps_the_clean_files(write: Write, load: Load) -> None:
    write("sources.yaml", SOURCES)
    broken = write("broken.yaml", "contested: 1\nclaims:\n  - {id: c1, source: afp}\n")
    write("fine.yaml", "contested: 1\nclaims:\n  - {id: c2, source: afp, text: x}\n")
    result = load()
    assert result.failed_paths == [str(broken)]
    assert set(result.catalog.claims) == {"c2"}
    assert "sources.yaml" in " ".join(result.catalog.paths)


def test_partial_catalog_drops_files_that_lean_on_a_broken_one(
    write: Write, load: Load
) -> None:
    write("a-sources.yaml", "contested: 1\nsources:\n  - {id: s1, name: S, kind: nope}\n")
    leaning = write("b.yaml", "contested: 1\nclaims:\n  - {id: c1, source: s1, text: x}\n")
    result = load()
    assert set(result.catalog.claims) == set()
    assert str(leaning) not in result.catalog.paths


def test_missing_path_is_reported(tmp_path: Path) -> None:
    from contested.catalog.loading import load_catalog

    result = load_catalog([tmp_path / "nope.yaml"])
    assert [d.code for d in result.diagnostics] == ["no-such-path"]


def test_directory_order_is_sorted_and_notes_file_is_skipped(write: Write, load: Load) -> None:
    write("b.yaml", "contested: 1\n")
    write("a.yml", "contested: 1\n")
    write("contested-notes.yaml", "contested-notes: 1\n")
    result = load()
    assert result.ok
    assert [Path(p).name for p in result.paths] == ["a.yml", "b.yaml"]


# --- hints a newcomer needed ------------------------------------------------------------------

def test_unknown_question_names_the_nearest_question(write: Write, load: Load) -> None:
    path = claim_file(write, """\
  - {id: c1, source: afp, text: x, about: outcom, value: success}
  - {id: c2, source: afp, text: x, about: areas-held, value: 5}
""")
    assert headlines(load()) == [
        f"{path}:3:43: unknown question 'outcom' (did you mean 'outcome'?) [unknown-id]",
        f"{path}:4:43: unknown question 'areas-held' [unknown-id]",  # `area` is not a typo
    ]


def test_no_did_you_mean_for_a_name_of_the_same_shape(write: Write, load: Load) -> None:
    write("sources.yaml", SOURCES.replace("id: area", "id: samarra-hospital"))
    path = write("claims.yaml", "contested: 1\nclaims:\n"
                 "  - {id: c1, source: afp, text: x, about: samarra-residents, value: 5}\n")
    assert only(load()) == f"{path}:3:43: unknown question 'samarra-residents' [unknown-id]"


@pytest.mark.parametrize(
    ("value", "hint"),
    [
        ("fewer than 10", "{less_than: 10}"),
        ("more than 33.3 percent", "{more_than: 33.3}"),
        ("at least 1,000", "{at_least: 1000}"),
        ("about 800", "{about: 800}"),
        ("up to 500", "{at_most: 500}"),
        ("between 100 and 999", "{between: [100, 999]}"),
        ('"1,400"', "1400"),
    ],
)
def test_a_figure_in_words_is_answered_with_its_form(write: Write, load: Load, value: str,
                                                     hint: str) -> None:
    path = claim_file(write, f"""\
  - id: c1
    source: afp
    text: x
    about: area
    value: {value}
""")
    shown = value.strip('"')
    assert only(load()) == (
        f"{path}:7:12: question 'area' is a quantity question: expected a number, "
        f"got '{shown}': write {hint} [bad-value]"
    )


def test_a_number_with_a_thousands_separator_inside_a_form(write: Write, load: Load) -> None:
    path = claim_file(write, """\
  - id: c1
    source: afp
    text: x
    about: area
    value: {about: "1,400"}
""")
    line = only(load())
    assert line.startswith(f"{path}:7:20: bad figure in claim 'c1': ")
    assert line.endswith("expected a number, got '1,400': write 1400 [bad-value]")


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("contested: 1\nclaims:\n  - id: c1\n\tsource: afp\n", 4, 1),
        ("contested: 1\nclaims:\n\t- id: c1\n", 3, 1),
        ("contested: 1\nclaims:\n  - id: c1\n  \t  source: afp\n", 4, 3),
        ("contested: 1\nclaims:\n  -\tid: c1\n", 3, 4),
    ],
)
def test_a_tab_in_the_indentation_is_named_as_such(write: Write, load: Load, text: str,
                                                   line: int, column: int) -> None:
    path = write("t.yaml", text)
    assert only(load()) == (
        f"{path}:{line}:{column}: a tab in the indentation: YAML indents with spaces only "
        "(replace the tab with spaces) [yaml-syntax]"
    )


@pytest.mark.parametrize(
    ("written", "hint"),
    [
        ("30/11/2003", "write 2003-11-30 (read as day/month/year)"),
        ("11/30/2003", "write 2003-11-30 (read as month/day/year)"),
        ("05/03/2003", "write 2003-03-05 if it is day/month/year, 2003-05-03 if month/day/year"),
    ],
)
def test_a_date_written_day_first_is_recognised(write: Write, load: Load, written: str,
                                                hint: str) -> None:
    path = claim_file(write, f"""\
  - id: c1
    source: afp
    text: x
    as_of: {written}
""")
    assert only(load()) == (
        f"{path}:6:12: bad date in 'as_of': '{written}' is not a date: {hint} [bad-date]"
    )


@pytest.mark.parametrize(
    ("line", "column", "written", "number"),
    [
        ("  - {id: c1, source: afp, text: x, about: area, value: 1,400}\n", 58, "1,400",
         "1400"),
        ("  - {id: c1, source: afp, text: x, about: area, value: {about: 12,500}}\n", 67,
         "12,500", "12500"),
    ],
)
def test_a_thousands_comma_inside_braces_is_explained(
        write: Write, load: Load, line: str, column: int, *, written: str, number: str
) -> None:
    path = claim_file(write, line)
    problem = only(load())
    assert problem.startswith(f"{path}:3:{column}: unknown field '{written.split(',')[1]}' ")
    assert problem.endswith(
        f"(inside {{…}} a comma starts a new field: '{written}' was split; "
        f"write {number}) [unknown-field]")
