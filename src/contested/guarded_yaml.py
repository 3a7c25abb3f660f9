"""Guarded YAML: untrusted bytes to plain located data, with every limit checked first.

PyYAML's own loaders trust their input: an alias bomb of 700 bytes expands past 10 GB,
deep nesting exhausts the recursion limit, and YAML 1.1 turns `no`, `1:20` and
`2024-02-30` into booleans, numbers and dates (or a ValueError). Here we read the event
stream of the C parser (libyaml) and build the tree ourselves, so that:

- size, nesting depth, alias count and alias expansion are bounded before the objects
  that would breach them exist, and a breach is a `DiagnosticError` at its place;
- scalars stay the text as written (only a plain empty value, `~` or `null` is None);
  the models decide what a field's text means;
- duplicate keys are errors, and every mapping and list remembers the line and column of
  each of its keys and values, so that later errors can point at them.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from typing import Any

import yaml
import yaml.reader
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)

from contested.diagnostics import Diagnostic, DiagnosticError, Location

try:
    from yaml._yaml import CParser as _CParser

    HAVE_LIBYAML = True
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    HAVE_LIBYAML = False

LIBYAML_MISSING = (
    "PyYAML was built without libyaml: loading uses the pure-Python parser, about ten "
    "times slower (reinstall PyYAML with libyaml to fix)"
)


@dataclass(frozen=True, slots=True)
class Limits:
    """What one file may cost before any object is built from it."""

    max_bytes: int = 64 * 1024 * 1024
    max_depth: int = 64
    max_aliases: int = 100
    max_alias_nodes: int = 10_000


DEFAULT_LIMITS = Limits()

_NULLS = frozenset(["", "~", "null", "Null", "NULL"])
# `!!str` forces text; `!` is the non-specific tag of a quoted-like plain scalar.
_TEXT_TAGS = frozenset(["tag:yaml.org,2002:str", "!"])
_CONTAINER_TAGS = frozenset(
    ["tag:yaml.org,2002:map", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:omap", "!"]
)

Spot = tuple[int, int]
"""A 1-based (line, column)."""


class YamlMap(dict[str, Any]):
    """A YAML mapping that knows where it, each key and each value were written."""

    __slots__ = ("column", "key_spots", "line", "value_spots")

    def __init__(self, line: int, column: int) -> None:
        super().__init__()
        self.line = line
        self.column = column
        self.key_spots: dict[str, Spot] = {}
        self.value_spots: dict[str, Spot] = {}


class YamlList(list[Any]):
    """A YAML sequence that knows where it and each item were written."""

    __slots__ = ("column", "item_spots", "line")

    def __init__(self, line: int, column: int) -> None:
        super().__init__()
        self.line = line
        self.column = column
        self.item_spots: list[Spot] = []


def spot_of(node: Any) -> Spot | None:
    """Where a container was written, if it is one of ours."""
    if isinstance(node, YamlMap | YamlList):
        return (node.line, node.column)
    return None


_NO_KEY = object()


class _Frame:
    __slots__ = ("anchor", "container", "key", "key_spot", "nodes")

    def __init__(self, container: YamlMap | YamlList, anchor: str | None) -> None:
        self.container = container
        self.anchor = anchor
        self.key: Any = _NO_KEY
        self.key_spot: Spot = (0, 0)
        self.nodes = 1


def check_encoding(data: bytes, path: str) -> bytes:
    """Return the UTF-8 body of `data` without its BOM, or fail at the first bad byte."""
    if data.startswith(
        (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
    ):
        raise DiagnosticError(
            Diagnostic(
                Location(path, 1, 1),
                "encoding",
                "the file is UTF-16 or UTF-32; timelines are UTF-8 (re-save the file as UTF-8)",
            )
        )
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = _spot_of_offset(data, error.start)
        raise DiagnosticError(
            Diagnostic(
                Location(path, line, column),
                "encoding",
                f"byte 0x{data[error.start]:02X} is not valid UTF-8 "
                "(timelines are UTF-8; re-save the file as UTF-8)",
            )
        ) from None
    return data


def _events(data: bytes) -> Any:
    if HAVE_LIBYAML:
        parser = _CParser(data)
        get_event = parser.get_event
        while True:
            event = get_event()
            if event is None:
                return
            yield event
    else:  # pragma: no cover - exercised only without libyaml
        yield from yaml.parse(data, Loader=yaml.SafeLoader)


def _fail(path: str, spot: Spot, code: str, message: str) -> DiagnosticError:
    return DiagnosticError(Diagnostic(Location(path, spot[0], spot[1]), code, message))


def read_yaml(data: bytes, path: str, limits: Limits = DEFAULT_LIMITS) -> Any:
    """Parse one YAML document from `data` into YamlMap / YamlList / str / None.

    Raises `DiagnosticError` for the first limit breached, syntax error, duplicate key,
    unsupported tag or bad byte: the file is then refused as a whole.
    """
    if len(data) > limits.max_bytes:
        raise _fail(
            path, (1, 1), "file-too-large",
            f"the file has {len(data):,} bytes, over the limit of {limits.max_bytes:,}",
        )
    body = check_encoding(data, path)
    try:
        return _build(body, path, limits)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        spot = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = error.problem or "invalid YAML"
        if "maximum nesting depth" in problem:  # libyaml's own bound, reached first
            raise _fail(path, spot, "nesting-too-deep",
                        f"nesting deeper than {limits.max_depth} levels") from None
        context = f" ({error.context})" if error.context else ""
        raise _fail(path, spot, "yaml-syntax", f"YAML syntax: {problem}{context}") from None
    except yaml.reader.ReaderError as error:
        spot = _spot_of_offset(body, error.position)
        raise _fail(
            path, spot, "yaml-syntax",
            f"character U+{error.character:04X} is not allowed in YAML "
            "(remove it, or write it as an escape in a double-quoted string)",
        ) from None
    except yaml.YAMLError as error:
        raise _fail(path, (1, 1), "yaml-syntax", f"YAML syntax: {error}") from None


def _spot_of_offset(data: bytes, offset: int) -> Spot:
    """Line and column (in characters) of a byte offset."""
    before = data[:offset]
    line_start = before.rfind(b"\n") + 1
    column = len(before[line_start:].decode("utf-8", errors="replace")) + 1
    return before.count(b"\n") + 1, column


def _build(data: bytes, path: str, limits: Limits) -> Any:
    root = _Frame(YamlList(1, 1), None)
    stack = [root]
    anchors: dict[str, tuple[Any, int]] = {}
    aliases = 0
    alias_nodes = 0
    documents = 0
    max_depth = limits.max_depth

    def attach(value: Any, spot: Spot, nodes: int, anchor: str | None) -> None:
        frame = stack[-1]
        container = frame.container
        if anchor is not None:
            anchors[anchor] = (value, nodes)
        frame.nodes += nodes
        if isinstance(container, YamlList):
            container.append(value)
            container.item_spots.append(spot)
        elif frame.key is _NO_KEY:
            if value.__class__ is not str:
                what = "a mapping" if isinstance(value, dict) else "a list"
                raise _fail(path, spot, "complex-key",
                            f"a key must be text, not {what}")
            if value in container:
                first = container.key_spots[value]
                raise _fail(
                    path, spot, "duplicate-key",
                    f"duplicate key '{value}' (first at line {first[0]}, column {first[1]})",
                )
            frame.key = value
            frame.key_spot = spot
        else:
            key = frame.key
            container[key] = value
            container.key_spots[key] = frame.key_spot
            container.value_spots[key] = spot
            frame.key = _NO_KEY

    for event in _events(data):
        cls = event.__class__
        if cls is ScalarEvent:
            mark = event.start_mark
            spot = (mark.line + 1, mark.column + 1)
            value = event.value
            tag = event.tag
            if tag is not None:
                if tag not in _TEXT_TAGS:
                    raise _fail(path, spot, "yaml-tag",
                                f"YAML tag '{tag}' is not allowed: values are plain text")
            elif not event.style and value in _NULLS:
                frame = stack[-1]
                if frame.key is not _NO_KEY or frame.container.__class__ is YamlList:
                    value = None  # a null value; a key stays the text as written
            attach(value, spot, 1, event.anchor)
        elif cls is MappingStartEvent or cls is SequenceStartEvent:
            mark = event.start_mark
            spot = (mark.line + 1, mark.column + 1)
            if len(stack) > max_depth:
                raise _fail(path, spot, "nesting-too-deep",
                            f"nesting deeper than {max_depth} levels")
            if event.tag is not None and event.tag not in _CONTAINER_TAGS:
                raise _fail(path, spot, "yaml-tag",
                            f"YAML tag '{event.tag}' is not allowed: values are plain data")
            container = YamlMap(*spot) if cls is MappingStartEvent else YamlList(*spot)
            stack.append(_Frame(container, event.anchor))
        elif cls is MappingEndEvent or cls is SequenceEndEvent:
            frame = stack.pop()
            container = frame.container
            attach(container, (container.line, container.column), frame.nodes, frame.anchor)
        elif cls is AliasEvent:
            mark = event.start_mark
            spot = (mark.line + 1, mark.column + 1)
            aliases += 1
            if aliases > limits.max_aliases:
                raise _fail(path, spot, "too-many-aliases",
                            f"more than {limits.max_aliases} aliases in one file")
            target = anchors.get(event.anchor)
            if target is None:
                raise _fail(path, spot, "yaml-syntax",
                            f"alias '*{event.anchor}' names no finished anchor before it")
            value, nodes = target
            alias_nodes += nodes
            if alias_nodes > limits.max_alias_nodes:
                raise _fail(
                    path, spot, "alias-expansion",
                    f"aliases expand to more than {limits.max_alias_nodes:,} nodes "
                    "(an alias bomb?)",
                )
            attach(value, spot, nodes, None)
        elif cls is DocumentStartEvent:
            documents += 1
            if documents > 1:
                mark = event.start_mark
                raise _fail(path, (mark.line + 1, mark.column + 1), "multiple-documents",
                            "a timeline file holds one YAML document, this is a second")
    items = root.container
    return items[0] if isinstance(items, YamlList) and items else None
