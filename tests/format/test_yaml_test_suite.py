"""The official YAML test suite through the guarded reader.

The reader is the boundary untrusted files cross, and the suite (data/yaml-test-suite/,
see its README) is the widest catalogue of YAML's corners. Every case must end in one of
three ways: read exactly as the suite reads it (scalars as written, aliases resolved);
refused, at a real place, for one of the reader's own reasons, the one the suite's event
tree shows first (a tag, a second document, a complex or duplicate key); or listed
below as a known libyaml deviation, with why. Invalid YAML must be refused, except
where libyaml accepts it (listed, with why). Both lists are exact: a listed case that
stops deviating fails too, so that they cannot rot.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from contested.format.diagnostics import DiagnosticError
from contested.format.guarded_yaml import YamlList, YamlMap, read_yaml
from tests.helpers import no_hang

SUITE = Path(__file__).parent / "data" / "yaml-test-suite" / "cases.json"
CASES: list[dict[str, Any]] = json.loads(SUITE.read_text(encoding="utf-8"))

_NO_SPACE_BEFORE_COMMENT = "a `#` comment with no space before it, taken as a comment"
_LOOSE_FLOW_INDENT = "lines of a flow collection indented less than its parent, not checked"
_LOOSE_QUOTED_INDENT = "lines of a quoted scalar indented less than its key, not checked"

ACCEPTED_INVALID: dict[str, str] = {
    "9C9N": _LOOSE_FLOW_INDENT,
    "9JBA": _NO_SPACE_BEFORE_COMMENT + " (after a flow sequence)",
    "CVW2": _NO_SPACE_BEFORE_COMMENT + " (after a comma in a flow sequence)",
    "DK95-01": "a tab indenting a quoted scalar's next line, taken as white space",
    "G5U8": "a lone `-` in a flow sequence, taken as a plain scalar",
    "MUS6-00": _NO_SPACE_BEFORE_COMMENT + " (after the version of a %YAML directive)",
    "QB6E": _LOOSE_QUOTED_INDENT,
    "S98Z": "leading empty lines of a block scalar longer than its first content line",
    "SU5Z": _NO_SPACE_BEFORE_COMMENT + " (after a double-quoted scalar)",
    "X4QW": _NO_SPACE_BEFORE_COMMENT + " (after a block scalar's indicator)",
    "Y79Y-03": "a tab indenting a line of a flow sequence, taken as white space",
    "YJV2": "a lone `-` in a flow sequence, taken as a plain scalar",
}
"""Cases the suite marks invalid that libyaml (a YAML 1.1 parser, not fully 1.2
compliant) parses without an error, so that the reader accepts them too: id -> what
libyaml lets through."""

_EMPTY_KEY = "an empty implicit key (`: value`), which libyaml does not support"
_COLON_IN_FLOW = "a plain scalar starting with `:` in a flow collection, refused"
_COLON_BEFORE_COMMA = "a `:` right before `,` in a flow mapping (an empty value), refused"
_KEY_OVER_LINES = "a flow mapping's implicit key over several lines, or `:` on the next line"
_ANCHOR_NAME = "an anchor name with other than letters, digits, `-` and `_`, refused"
_TAB = "a tab as separating white space where YAML 1.2 allows it, refused"
_RESERVED_DIRECTIVE = "a reserved directive, which YAML 1.2 ignores (with a warning), refused"
_END_MARKER = "`...` with no document before it, refused"
_BARE_AFTER_END = "a bare document after `...`, refused (it wants `---`)"
_ZERO_INDENT_BLOCK = "a top-level block scalar whose lines are not indented, refused"
_NO_FINAL_BREAK = ("a block scalar ending the stream without a line break: its last line "
                   "read without the break YAML 1.2 gives it")

REFUSED_BY_LIBYAML: dict[str, str] = {
    "2JQS": _EMPTY_KEY, "6M2F": _EMPTY_KEY, "M2N8-00": _EMPTY_KEY, "NHX8": _EMPTY_KEY,
    "NKF9": _EMPTY_KEY, "S3PD": _EMPTY_KEY, "SM9W-01": _EMPTY_KEY, "UKK6-00": _EMPTY_KEY,
    "CFD4": _EMPTY_KEY + " (in a flow sequence)",
    "58MP": _COLON_IN_FLOW, "5T43": _COLON_IN_FLOW, "DBG4": _COLON_IN_FLOW,
    "HM87-00": _COLON_IN_FLOW,
    "4ABK": _COLON_BEFORE_COMMA, "FRK4": _COLON_BEFORE_COMMA,
    "4MUZ-00": _KEY_OVER_LINES, "4MUZ-01": _KEY_OVER_LINES, "4MUZ-02": _KEY_OVER_LINES,
    "5MUD": _KEY_OVER_LINES, "9SA2": _KEY_OVER_LINES, "K3WX": _KEY_OVER_LINES,
    "NJ66": _KEY_OVER_LINES, "UT92": _KEY_OVER_LINES, "VJP3-01": _KEY_OVER_LINES,
    "2SXE": _ANCHOR_NAME, "8XYN": _ANCHOR_NAME, "W5VH": _ANCHOR_NAME,
    "6BCT": _TAB, "6CA3": _TAB, "96NN-00": _TAB, "96NN-01": _TAB, "A2M4": _TAB,
    "DK95-00": _TAB, "DK95-03": _TAB, "DK95-04": _TAB, "Q5MG": _TAB, "R4YG": _TAB,
    "Y79Y-01": _TAB, "Y79Y-10": _TAB,
    "2LFX": _RESERVED_DIRECTIVE, "6LVF": _RESERVED_DIRECTIVE, "MUS6-05": _RESERVED_DIRECTIVE,
    "MUS6-06": _RESERVED_DIRECTIVE,
    "BEC7": "a %YAML 1.3 directive, which YAML 1.2 processes with a warning, refused",
    "HWV9": _END_MARKER, "QT73": _END_MARKER,
    "7Z25": _BARE_AFTER_END, "M7A3": _BARE_AFTER_END,
    "DK3J": _ZERO_INDENT_BLOCK, "FP8R": _ZERO_INDENT_BLOCK,
    "W4TN": "a `%` line inside a block scalar, taken for a directive",
}
"""Valid cases libyaml refuses (so the reader, with a `yaml-syntax` diagnostic), where the
suite reads a value or refuses for one of the reader's own reasons: id -> why."""

READ_OTHERWISE_BY_LIBYAML: dict[str, str] = {
    "652Z": "`?` starting a plain scalar in a flow mapping, taken as the key indicator",
    "HM87-01": "`?` starting a plain scalar in a flow sequence, taken as the key indicator",
    "Y2GN": "an anchor name ending at `:` (`&an:chor value` is the anchor `an`)",
    "JEF9-02": _NO_FINAL_BREAK,
    "L24T-01": _NO_FINAL_BREAK,
}
"""Valid cases libyaml reads, but otherwise than the suite: id -> why."""

DEVIATIONS = REFUSED_BY_LIBYAML | READ_OTHERWISE_BY_LIBYAML
"""The known libyaml deviations on valid cases."""

_TEXT_TAGS = frozenset(["tag:yaml.org,2002:str", "!"])
_CONTAINER_TAGS = frozenset(
    ["tag:yaml.org,2002:map", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:omap", "!"]
)
_NULLS = frozenset(["", "~", "null", "Null", "NULL"])

_SCALAR = re.compile(r"=VAL (?:&(\S+) )?(?:<([^>]*)> )?([:'\"|>])(.*)")
_CONTAINER = re.compile(r"\+(MAP|SEQ)(?: \{\}| \[\])?(?: &(\S+))?(?: <([^>]*)>)?")
_ESCAPES = {"\\": "\\", "0": "\0", "b": "\b", "n": "\n", "r": "\r", "t": "\t"}


@dataclass(frozen=True)
class Mapping:
    """A mapping as compared here: its pairs in the order written."""

    pairs: tuple[tuple[str, object], ...]


@dataclass(frozen=True)
class Refusal:
    """What the reader must refuse a valid case for: its diagnostic code, and why."""

    code: str
    why: str


class Unsettled(Exception):
    """The tree asks for a refusal: carries it out of the walk."""

    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.why)
        self.refusal = refusal


@dataclass
class _Building:
    """A mapping or sequence of the tree being walked."""

    is_map: bool
    anchor: str | None
    items: list[object] = field(default_factory=list)
    key: str | None = None
    has_key: bool = False

    def add(self, value: object) -> None:
        if not self.is_map:
            self.items.append(value)
        elif not self.has_key:
            if not isinstance(value, str):
                raise Unsettled(Refusal("complex-key", "a key that is not text"))
            if any(key == value for key, _ in self.pairs()):
                raise Unsettled(Refusal("duplicate-key", f"the key {value!r} twice"))
            self.key, self.has_key = value, True
        else:
            self.items.append((self.key, value))
            self.has_key = False

    def pairs(self) -> list[tuple[str, object]]:
        """(A mapping's items are its pairs.)"""
        return [item for item in self.items if isinstance(item, tuple)]

    def finish(self) -> object:
        return Mapping(tuple(self.pairs())) if self.is_map else list(self.items)

    @property
    def wants_key(self) -> bool:
        return self.is_map and not self.has_key


def unescape(text: str) -> str:
    """A scalar of the suite's notation as written: `\\n`, `\\t`, `\\\\`... undone."""

    def one(match: re.Match[str]) -> str:
        return _ESCAPES[match.group(1)]

    return re.sub(r"\\(.)", one, text)


def expected_from(tree: str) -> object:
    """What the reader must give for a valid case's event tree: the value, with
    anchors and aliases resolved and a plain empty, `~` or `null` value as None, or the
    `Refusal` of the first event that the reader refuses by design."""
    try:
        return _walk(tree)
    except Unsettled as unsettled:
        return unsettled.refusal


def _walk(tree: str) -> object:
    stack = [_Building(is_map=False, anchor=None)]
    anchors: dict[str, object] = {}
    documents = 0
    for line in tree.split("\n"):  # not splitlines(): a scalar may hold LS, NEL or FF
        event = line.lstrip()  # the indentation only: a scalar may end in spaces
        if not event:
            continue
        if event.startswith("+DOC"):
            documents += 1
            if documents > 1:
                raise Unsettled(Refusal("multiple-documents", "a second document"))
        elif scalar := _SCALAR.fullmatch(event):
            anchor, tag, style, text = scalar.groups()
            if tag is not None and tag not in _TEXT_TAGS:
                raise Unsettled(Refusal("yaml-tag", f"a scalar tagged {tag}"))
            value: object = unescape(text)
            if tag is None and style == ":" and value in _NULLS and not stack[-1].wants_key:
                value = None
            if anchor is not None:
                anchors[anchor] = value
            stack[-1].add(value)
        elif container := _CONTAINER.fullmatch(event):
            kind, anchor, tag = container.groups()
            if tag is not None and tag not in _CONTAINER_TAGS:
                raise Unsettled(Refusal("yaml-tag", f"a container tagged {tag}"))
            stack.append(_Building(is_map=kind == "MAP", anchor=anchor))
        elif event in ("-MAP", "-SEQ"):
            done = stack.pop()
            value = done.finish()
            if done.anchor is not None:
                anchors[done.anchor] = value
            stack[-1].add(value)
        elif event.startswith("=ALI *"):
            name = event.removeprefix("=ALI *")
            if name not in anchors:
                raise Unsettled(Refusal("yaml-syntax", f"an alias of no finished anchor {name}"))
            stack[-1].add(anchors[name])
        else:
            assert event in ("+STR", "-STR") or event.startswith("-DOC"), event
    (root,) = stack
    return root.items[0] if root.items else None


def plain(node: object) -> object:
    """The reader's result in the shape `expected_from` gives."""
    if isinstance(node, YamlMap):
        return Mapping(tuple((key, plain(value)) for key, value in node.items()))
    if isinstance(node, YamlList):
        return [plain(item) for item in node]
    assert node is None or isinstance(node, str), type(node)
    return node


@pytest.fixture(autouse=True)
def hang_guard() -> Iterator[None]:
    """A hang fails the case instead of stalling the run (a guard, not a speed test)."""
    with no_hang("the reader hung on a case of the YAML test suite"):
        yield


def read(data: bytes) -> object | DiagnosticError:
    """The reader's value, or its refusal, checked to point at a real place in `data`.
    Any other exception propagates and fails the case."""
    try:
        return plain(read_yaml(data, "case.yaml"))
    except DiagnosticError as error:
        location = error.diagnostic.location
        lines = data.splitlines()  # \n, \r\n and \r, as the reader counts lines
        assert 1 <= location.line <= len(lines) + 1, (location, len(lines))
        line = lines[location.line - 1] if location.line <= len(lines) else b""
        assert 1 <= location.column <= len(line.decode("utf-8")) + 1, (location, line)
        return error


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_case(case: dict[str, Any]) -> None:
    outcome = read(case["yaml"].encode("utf-8"))
    refused = outcome.diagnostic if isinstance(outcome, DiagnosticError) else None
    if case["fail"]:
        assert case["id"] not in DEVIATIONS
        if case["id"] in ACCEPTED_INVALID:
            assert refused is None, f"now refused, drop it from ACCEPTED_INVALID: {refused}"
        else:
            assert refused is not None, f"invalid YAML read as {outcome!r}"
        return
    assert case["id"] not in ACCEPTED_INVALID
    expected = expected_from(case["tree"])
    if isinstance(expected, Refusal) and refused is not None and refused.code == expected.code:
        assert case["id"] not in DEVIATIONS, "refused as designed: drop it from DEVIATIONS"
        return
    if case["id"] in REFUSED_BY_LIBYAML:
        assert refused is not None, f"now read as {outcome!r}: drop it from REFUSED_BY_LIBYAML"
        assert refused.code == "yaml-syntax", refused.headline()
        return
    if case["id"] in READ_OTHERWISE_BY_LIBYAML:
        assert refused is None, refused.headline()
        assert outcome != expected, "read as the suite reads it: drop it from the list"
        return
    if isinstance(expected, Refusal):
        assert refused is not None, f"{expected.why}: not refused, read as {outcome!r}"
        assert refused.code == expected.code, (expected.why, refused.headline())
    else:
        assert refused is None, refused.headline()
        assert outcome == expected


def test_the_suite_is_all_here() -> None:
    """The vendored file holds every case of the package, with a tree for each valid one."""
    assert len(CASES) == 402
    assert len({case["id"] for case in CASES}) == len(CASES)
    assert sum(case["fail"] for case in CASES) == 94
    assert all(case["tree"] for case in CASES if not case["fail"])


def test_the_tree_notation_is_read_as_the_suite_writes_it() -> None:
    """The converter itself, on the notation's corners: escapes, nulls in key and
    value position, anchors, aliases and tags."""
    tree = "\n".join([
        "+STR", " +DOC ---", "  +MAP {} &m <tag:yaml.org,2002:map>",
        "   =VAL :", "   =VAL :",
        "   =VAL &k <tag:yaml.org,2002:str> :null", "   =VAL 'a\\\\b\\tc\\n",
        "   =VAL :seq", "   +SEQ []", "    =ALI *k", "    =VAL :~", "    =VAL \"~ ", "   -SEQ",
        "  -MAP", " -DOC", "-STR",
    ])
    assert expected_from(tree) == Mapping(
        (("", None), ("null", "a\\b\tc\n"), ("seq", ["null", None, "~ "]))
    )
    assert expected_from("+STR\n+DOC\n=VAL <tag:yaml.org,2002:int> :1\n") == Refusal(
        "yaml-tag", "a scalar tagged tag:yaml.org,2002:int"
    )
    assert expected_from("+STR\n-STR\n") is None
    two = "+STR\n+DOC\n=VAL :a\n-DOC\n+DOC\n=VAL :b\n-DOC\n-STR\n"
    assert expected_from(two) == Refusal("multiple-documents", "a second document")
    twice = "+STR\n+DOC\n+MAP\n=VAL :a\n=VAL :1\n=VAL \"a\n=VAL :2\n-MAP\n-DOC\n-STR\n"
    assert expected_from(twice) == Refusal("duplicate-key", "the key 'a' twice")
    complex_key = "+STR\n+DOC\n+MAP\n+SEQ []\n-SEQ\n=VAL :v\n-MAP\n-DOC\n-STR\n"
    assert expected_from(complex_key) == Refusal("complex-key", "a key that is not text")
