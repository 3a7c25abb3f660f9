"""Quotes found in archived text: as typed against as published, with elisions, the
closest passage when a word changed, and the sentence and paragraph around a quote."""

from __future__ import annotations

import random
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contested.support.passages import ArchivedText, Span, normalised
from tests.helpers import REPO

ARTICLE = (REPO / "archive" / "afp-bta-kursk-advance-2025-03.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def article() -> ArchivedText:
    return ArchivedText(ARTICLE)


def at(text: ArchivedText, span: Span | None) -> str:
    assert span is not None
    return text.text[span.start : span.end]


def contains(outer: Span, inner: Span) -> bool:
    return outer.start <= inner.start and inner.end <= outer.end


# Normalisation


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("\u201cit\u2019s\u201d \u2014 over", '"it\'s" - over'),
        ("\u00abnon\u00bb \u2039oui\u203a \u201elos\u201c", '"non" \'oui\' "los"'),
        (
            "5\u2032 10\u2033, \u2212 3, a\u2010b\u2011c\u2012d\u2013e\u2015f",
            "5' 10\", - 3, a-b-c-d-e-f",
        ),
        ("wait\u2026 what", "wait... what"),
        ("inter\u00adna\u200btion\u200d\u2060al\ufeff", "international"),
        ("  a \t\n b\u00a0\u2028c\u2029\r\nd  ", "a b c d"),
        ("Cafe\u0301", "Caf\u00e9"),
        ("The Enemy", "The Enemy"),
    ],
)
def test_normalised_form(raw: str, expected: str) -> None:
    assert normalised(raw) == expected


def test_every_space_character_is_a_space() -> None:
    spaces = [chr(code) for code in range(0x110000) if chr(code).isspace()]
    assert spaces
    for space in spaces:
        assert normalised(f"a{space}b") == "a b", hex(ord(space))


# Found as written


def test_a_quote_found_verbatim_maps_to_the_original(article: ArchivedText) -> None:
    quote = "it allowed about 800 Russian soldiers to pass through the pipe"
    span = article.find(quote)
    assert at(article, span) == quote
    assert span is not None
    assert span.start == ARTICLE.index(quote)


def test_case_is_kept(article: ArchivedText) -> None:
    assert article.find("The Enemy is retreating") is None
    assert article.find("The enemy is retreating") is not None


def test_spaces_around_a_quote_are_ignored(article: ArchivedText) -> None:
    assert at(article, article.find("  \n the only supply routes\t ")) == "the only supply routes"


def test_an_empty_quote_is_not_found(article: ArchivedText) -> None:
    assert article.find("") is None
    assert article.find(" \u200b ") is None


@pytest.mark.parametrize(
    "gap", ["\n", "\r\n", " \n  ", "\u00a0", "\t", "\u2028", "\n\n", " \u200b "]
)
def test_found_across_a_line_break_or_odd_spaces(gap: str) -> None:
    text = ArchivedText(f"Intro.\nThe convoy{gap}was hit near Sudzha.")
    assert at(text, text.find("convoy was hit")) == f"convoy{gap}was hit"


def test_typographic_document_ascii_quote() -> None:
    passage = "said \u201cit\u2019s over\u201d \u2014 and left\u2026"
    text = ArchivedText(f"He {passage} Then nothing.")
    assert at(text, text.find('said "it\'s over" - and left...')) == passage


def test_ascii_document_typographic_quote() -> None:
    passage = 'said "it\'s over" - and left...'
    text = ArchivedText(f"He {passage} Then nothing.")
    assert at(text, text.find("said \u201cit\u2019s over\u201d \u2013 and left\u2026")) == passage


def test_invisible_marks_in_the_document_are_kept_in_the_span() -> None:
    text = ArchivedText("the inter\u00adnational com\u200bmunity agreed")
    assert at(text, text.find("international community")) == "inter\u00adnational com\u200bmunity"


@pytest.mark.parametrize(
    ("document", "quote"),
    [
        ("Le caf\u00e9 ferm\u00e9 hier", "caf\u0065\u0301 ferme\u0301"),
        ("Le cafe\u0301 ferme\u0301 hier", "caf\u00e9 ferm\u00e9"),
    ],
)
def test_composed_and_decomposed_accents_match(document: str, quote: str) -> None:
    text = ArchivedText(document)
    found = at(text, text.find(quote))
    assert normalised(found) == normalised(quote)
    assert found == document[3:-5]


def test_a_match_never_cuts_one_character_of_the_document() -> None:
    text = ArchivedText("and then\u2026 silence")
    assert at(text, text.find("then...")) == "then\u2026"
    assert text.find("then..") is None


def test_control_and_bidi_characters_keep_offsets_right() -> None:
    raw = "Start \x1b[2J\x07 ok.\nA \u202eevil\u202c name\x00 here. Then \x1b]52;c;x\x07 end."
    text = ArchivedText(raw)
    for quote in ("\u202eevil\u202c name\x00 here", "\x1b[2J\x07 ok", "\x1b]52;c;x\x07 end"):
        span = text.find(quote)
        assert at(text, span) == quote
        assert span is not None
        assert contains(text.sentence(span), span)
        assert contains(text.paragraph(span), span)
    span = text.find("name\x00 here")
    assert span is not None
    assert at(text, text.sentence(span)) == "A \u202eevil\u202c name\x00 here."


# Elisions


def test_elided_quote_runs_from_first_piece_to_last(article: ArchivedText) -> None:
    span = article.find("Photos distributed by Russian state media [...] a stopped gas pipeline")
    assert at(article, span) == ARTICLE[: ARTICLE.index("pipeline") + len("pipeline")]


@pytest.mark.parametrize("marker", ["[...]", "[\u2026]", "[ \u2026 ]", "[ ... ]"])
def test_every_elision_marker(article: ArchivedText, marker: str) -> None:
    span = article.find(f"Syrsky assured {marker} reinforcements to be sent")
    assert at(article, span) == (
        'Syrsky assured that the situation was "under control" and ordered reinforcements '
        "to be sent"
    )


def test_elided_pieces_must_be_in_order_and_in_one_paragraph(article: ArchivedText) -> None:
    assert article.find("a stopped gas pipeline [...] Photos distributed") is None
    # Both pieces occur, but on two lines (each line of this article is a paragraph).
    assert article.find("Photos distributed by Russian state media [...] surprise") is None


def test_elided_pieces_found_in_a_later_paragraph() -> None:
    text = ArchivedText("The army said little.\n\nThe army said [...] it held the town, later.")
    quote = "The army said [...] the town"
    assert at(text, text.find(quote)) == "The army said [...] it held the town"
    span = text.find("The army [...] held the town")
    assert at(text, span) == "The army said [...] it held the town"
    assert span is not None
    assert span.start > 20


def test_an_elision_marker_in_the_document_is_matched_as_written() -> None:
    text = ArchivedText("He said: we [...] held it. And we then held it.")
    assert at(text, text.find("we [...] held it")) == "we [...] held it"
    assert at(text, text.find("And we [\u2026] held")) == "And we then held"


def test_empty_pieces_are_ignored(article: ArchivedText) -> None:
    span = article.find("[...] the only supply routes [...]")
    assert at(article, span) == "the only supply routes"
    assert article.find("[...] [...]") is None


def test_the_articles_own_ellipsis_is_found_literally(article: ArchivedText) -> None:
    quote = "that was the end (...) We started to get out of there"
    assert at(article, article.find(quote)) == quote


# The closest passage


def test_a_changed_word_is_not_found_and_the_closest_passage_is_the_original(
    article: ArchivedText,
) -> None:
    quote = "ended with great success according to Russian media"
    assert article.find(quote) is None
    found = article.closest(quote)
    assert found is not None
    span, score = found
    assert at(article, span) == "ended with brilliant success according to Russian media"
    assert 0.8 < score < 1


def test_the_closest_passage_with_changed_ends_and_case(article: ArchivedText) -> None:
    found = article.closest("THE KURSK OFFENCE GAVE UKRAINE an opportunity to move the fighting")
    assert found is not None
    span, score = found
    assert at(article, span).startswith("The Kursk offensive gave Ukraine the opportunity")
    assert 0 < score < 1


def test_no_closest_passage_without_a_word_in_common(article: ArchivedText) -> None:
    assert article.closest("zzyzx qwertz") is None
    assert article.closest("") is None
    assert ArchivedText("").closest("anything") is None


def test_closest_on_a_large_document_finds_the_edited_passage() -> None:
    rng = random.Random(21)
    vocabulary = [
        "".join(rng.choices("abcdefghijklmnopqrstuvwxyz", k=rng.randint(2, 9))) for _ in range(3000)
    ]
    paragraphs = []
    size = 0
    while size < 3_000_000:
        paragraph = " ".join(rng.choices(vocabulary, k=rng.randint(20, 120))) + "."
        paragraphs.append(paragraph)
        size += len(paragraph) + 2
    raw = "\n\n".join(paragraphs)
    start = raw.index(" ", len(raw) // 2) + 1
    passage = raw[start : start + 500].rsplit(" ", 1)[0]
    words = passage.split(" ")
    words[3::12] = ["edited"] * len(words[3::12])
    text = ArchivedText(raw)
    found = text.closest(" ".join(words))
    assert found is not None
    span, _ = found
    assert span.start < start + len(passage)
    assert start < span.end
    assert abs((span.end - span.start) - len(passage)) < 100


# Sentence and paragraph


def test_sentence_around_the_zombie_quote(article: ArchivedText) -> None:
    span = article.find('a soldier nicknamed "Zombie,"')
    assert span is not None
    assert at(article, article.sentence(span)) == (
        '"This is a rout," a soldier nicknamed "Zombie," the commander who led the daring '
        "operation to cross the gas pipeline, told Russian television."
    )
    assert at(article, article.paragraph(span)) == (
        '"The enemy is retreating in panic and disorder. "This is a rout," a soldier nicknamed '
        '"Zombie," the commander who led the daring operation to cross the gas pipeline, told '
        "Russian television."
    )


def test_sentence_around_the_elided_line(article: ArchivedText) -> None:
    span = article.find("that was the end (...) We started to get out of there")
    assert span is not None
    line = (
        '"In the last few days, that was the end (...) We started to get out of there, because '
        "if we hadn't, we would have been surrounded\", he added."
    )
    assert at(article, article.sentence(span)) == line
    assert at(article, article.paragraph(span)) == line


def test_abbreviations_do_not_end_a_sentence(article: ArchivedText) -> None:
    span = article.find("compared to 1,400 sq. km at the beginning of its operation")
    assert span is not None
    assert at(article, article.sentence(span)) == (
        "In mid-February, Ukraine still claimed to control 500 sq. km of the Kursk region, "
        "compared to 1,400 sq. km at the beginning of its operation."
    )
    raw = (
        "It rained. Mr. Smith met Dr. J. Jones in St. Petersburg, e.g. at No. 5, "
        "where prices rose 3.5 percent. Then they left."
    )
    text = ArchivedText(raw)
    span = text.find("in St. Petersburg")
    assert span is not None
    assert at(text, text.sentence(span)) == raw[len("It rained. ") : -len(" Then they left.")]


def test_a_sentence_ends_after_its_closing_quote() -> None:
    text = ArchivedText('He asked "why?" Then he left! Nobody knew.')
    span = text.find("asked")
    assert span is not None
    assert at(text, text.sentence(span)) == 'He asked "why?"'
    span = text.find("Then he")
    assert span is not None
    assert at(text, text.sentence(span)) == "Then he left!"


def test_a_quote_ending_a_sentence_keeps_that_sentence_only(article: ArchivedText) -> None:
    span = article.find("Now the Russians are pressing hard.")
    assert span is not None
    assert at(article, article.sentence(span)) == '"Now the Russians are pressing hard.'


def test_a_sentence_never_crosses_a_paragraph() -> None:
    raw = "A heading without a stop\n\nthe body starts here and goes on. Second sentence."
    text = ArchivedText(raw)
    span = text.find("the body")
    assert span is not None
    assert at(text, text.sentence(span)) == "the body starts here and goes on."
    span = text.find("heading")
    assert span is not None
    assert at(text, text.sentence(span)) == "A heading without a stop"


def test_paragraphs_are_parted_by_blank_lines_when_there_are_any() -> None:
    raw = "First line\nof the first paragraph.\n \t\nSecond\nparagraph."
    text = ArchivedText(raw)
    span = text.find("of the first")
    assert span is not None
    assert at(text, text.paragraph(span)) == "First line\nof the first paragraph."
    span = text.find("paragraph.\n \t\nSecond")  # a quote across two paragraphs: both
    assert span is not None
    assert at(text, text.paragraph(span)) == raw
    lines = ArchivedText("One line.\r\nAnother line.\r\nA third.")
    span = lines.find("Another")
    assert span is not None
    assert at(lines, lines.paragraph(span)) == "Another line."


def test_long_sentences_and_paragraphs_are_clipped_around_the_quote() -> None:
    words = [f"word{n}" for n in range(2000)]
    raw = " ".join(words) + "."
    text = ArchivedText(raw)
    span = text.find("word1000 word1001")
    assert span is not None
    for around, limit in ((text.sentence(span), 600), (text.paragraph(span), 4000)):
        assert contains(around, span)
        assert around.end - around.start <= limit
        assert around.end - around.start > limit * 0.9
        passage = at(text, around)
        assert passage.split(" ")[0] in words
        assert passage.split(" ")[-1] in words
    whole = ArchivedText(raw[:500])
    span = whole.find("word10")
    assert span is not None
    assert at(whole, whole.paragraph(span)) == raw[:500]


# Properties

ALPHABET = st.sampled_from(
    list("abcXYZ019.,;!?()[]'\"-_")
    + list(" \n\t\u00a0\u2028\r")
    + list("\u2018\u2019\u201c\u201d\u00ab\u00bb\u2013\u2014\u2212\u2026\u00ad\u200b\u2060\ufeff")
    + ["\x1b", "\x00", "\u202e", "\u00e9", "\u4e2d", "\U0001f600"]
)


@settings(max_examples=300, deadline=None)
@given(st.text(ALPHABET, min_size=1, max_size=80), st.data())
def test_any_substring_is_found_where_it_normalises_the_same(raw: str, data: st.DataObject) -> None:
    text = ArchivedText(raw)
    start = data.draw(st.integers(0, len(raw) - 1))
    end = data.draw(st.integers(start + 1, len(raw)))
    quote = raw[start:end]
    if quote[0].isspace() or quote[-1].isspace() or not normalised(quote):
        return
    span = text.find(quote)
    assert span is not None
    assert normalised(raw[span.start : span.end]) == normalised(quote)
    sentence, paragraph = text.sentence(span), text.paragraph(span)
    assert contains(sentence, span)
    assert contains(paragraph, span)
    assert contains(paragraph, sentence)


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(codec="utf-8"), min_size=1, max_size=60))
def test_the_whole_text_is_found_in_itself(raw: str) -> None:
    """Whatever the text (accents to compose, Hangul, controls), the document's
    normalisation, done piece by piece to keep offsets, agrees with the quote's."""
    quote = normalised(raw)
    if not quote:
        return
    text = ArchivedText(raw)
    span = text.find(raw)
    assert span is not None
    assert normalised(raw[span.start : span.end]) == quote


@pytest.mark.parametrize(
    "raw", ["\u1100\u1161\u11a8 \u1100\u1161", "a\u0301\u0327 A\u030a\u0323", "\u0b47\u0b3e x"]
)
def test_composition_across_characters(raw: str) -> None:
    text = ArchivedText(f"before {raw} after")
    quote = unicodedata.normalize("NFC", raw)
    assert at(text, text.find(quote)) == raw
