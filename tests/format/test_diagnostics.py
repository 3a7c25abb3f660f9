"""The one did-you-mean every message uses: a suggestion only when it is a likely typo."""

from __future__ import annotations

import pytest

from contested.format.diagnostics import did_you_mean, nearest


@pytest.mark.parametrize(
    ("name", "candidates", "expected"),
    [
        ("txt", ["text", "source", "id"], "text"),  # one edit in three letters
        ("ru-medai", ["ru-media", "ua-media"], "ru-media"),  # two letters swapped: one edit
        ("syrksy", ["syrsky", "gady"], "syrsky"),
        ("AFP", ["afp", "bta"], "afp"),  # case is not an edit
        ("x", ["X", "y"], "X"),
        ("ukraine-situation-kursq", ["ukraine-situation-kursk", "ukraine-held-area-kursk"],
         "ukraine-situation-kursk"),
        ("military_blog", ["military", "military-blog", "media"], "military-blog"),
        # Same shape, other meaning: seven edits in seventeen letters.
        ("samarra-residents", ["samarra-hospital", "samarra"], None),
        ("x", ["y", "xy"], None),  # a one-letter name has no typo to fix but its case
        ("nope", ["area", "outcome"], None),
        ("anything", [], None),
    ],
)
def test_nearest_is_a_likely_typo_or_nothing(name: str, candidates: list[str],
                                              expected: str | None) -> None:
    assert nearest(name, candidates) == expected


def test_nearest_takes_at_most_a_third_of_the_names_length_in_edits() -> None:
    name = "abcdefghi"  # nine letters: three edits at most
    assert nearest(name, ["abcdefXYZ"]) == "abcdefXYZ"
    assert nearest(name, ["abcdeWXYZ"]) is None
    assert nearest(name, ["abcdefghi123"]) == "abcdefghi123"
    assert nearest(name, ["abcdefghi1234"]) is None


def test_the_closest_wins_then_the_first_given() -> None:
    assert nearest("area", ["areas", "aera", "arena"]) == "areas"
    assert nearest("area", ["arena", "areas"]) == "arena"
    assert nearest("sorce", ["score", "source"]) == "source"  # one gap against two edits


def test_did_you_mean_is_the_suggestion_as_messages_write_it() -> None:
    assert did_you_mean("sorce", ["source"]) == " (did you mean 'source'?)"
    assert did_you_mean("samarra-residents", ["samarra-hospital"]) == ""


def test_nearest_among_ten_thousand_names_of_one_shape() -> None:
    pool = [f"question-{n:05d}" for n in range(10_000)]
    assert nearest("question-0042", pool) is not None
    assert nearest("zzzzzzzzzzzzz", pool) is None
