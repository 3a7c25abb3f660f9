"""The loader never raises: any text or bytes give a catalog or located errors."""

from __future__ import annotations

from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contested.catalog.link import link
from contested.catalog.parse import ParsedFile, parse_timeline
from contested.format.diagnostics import Diagnostic

FIELDS = [
    "contested", "timeline", "sources", "questions", "events", "claims", "contradictions",
    "id", "name", "kind", "side", "reliability", "aliases", "text", "values", "unit",
    "tolerance", "date", "title", "source", "via", "event", "said", "quote", "about",
    "value", "as_of", "credibility", "disputes", "supports", "claims", "about", "between",
    "at_least", "best", "period",
]
SCALARS = st.one_of(
    st.sampled_from(["1", "2025-03~", "2025-02-30", "no", "on", "1:20", "0123", "~", "",
                     "[/]", "\x1b[2J", "a", "b", "quantity", "category", "km2", "x y"]),
    st.text(max_size=12),
    st.integers(), st.floats(allow_nan=True), st.booleans(), st.none(),
)
TREES = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.sampled_from(FIELDS), children, max_size=6),
    ),
    max_leaves=40,
)
DOCUMENTS = st.dictionaries(st.sampled_from(FIELDS), TREES, max_size=7).map(
    lambda d: {"contested": 1, **d}
)


def check(parsed: ParsedFile) -> None:
    if parsed.document is None:
        assert parsed.diagnostics, "a refused file must say why"
    for problem in parsed.diagnostics:
        assert isinstance(problem, Diagnostic)
        assert problem.location.path == "fuzz.yaml"
        assert problem.message
        assert problem.location.line >= 1
    documents = [(parsed.path, d) for d in (parsed.document, parsed.salvaged) if d]
    _, more = link(documents, parsed.broken_ids)
    assert all(isinstance(p, Diagnostic) for p in more)


fuzz = settings(max_examples=300, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])


@fuzz
@given(st.binary(max_size=400))
def test_arbitrary_bytes(data: bytes) -> None:
    check(parse_timeline(data, "fuzz.yaml"))


@fuzz
@given(st.text(max_size=400))
def test_arbitrary_text(text: str) -> None:
    check(parse_timeline(text.encode("utf-8", errors="surrogatepass"), "fuzz.yaml"))


@fuzz
@given(st.text(alphabet="-:[]{}&*!|>'\"%@`#, ?\n\tabc01~", max_size=200))
def test_yaml_punctuation(text: str) -> None:
    check(parse_timeline(text.encode(), "fuzz.yaml"))


@fuzz
@given(DOCUMENTS)
def test_timeline_shaped_documents(document: dict[str, Any]) -> None:
    text = yaml.safe_dump(document, allow_unicode=True)
    check(parse_timeline(text.encode("utf-8", errors="surrogatepass"), "fuzz.yaml"))
