"""Guarded YAML: untrusted bytes to plain located data, with every limit checked first.

PyYAML's own loaders trust their input: an alias bomb of 700 bytes expands past 10 GB,
deep nesting exhausts the recursion limit, and YAML 1.1 turns `no`, `1:20` and
`2024-02-30` into booleans, numbers and dates (or a ValueError). Here we read the event
stream of the C parser (libyaml) and build the tree ourselves, so that:

- size, nodes, nesting depth, alias count and alias expansion are bounded before the
  objects that would breach them exist, and a breach is a `DiagnosticError` at its place
  (even where libyaml's own nesting bound stopped it first);
- each node is cheap: places are packed numbers in arrays, not tuples in dicts, and
  each short text (a key, `media`, a date) is kept once;
- lines are counted as YAML 1.2 and editors count them: NEL, LS and PS, line breaks to
  libyaml, are characters of their value;
- scalars stay the text as written (only a plain empty value, `~` or `null` is None);
  the models decide what a field's text means;
- duplicate keys are errors, and every mapping and list remembers the line and column of
  each of its keys and values, so that later errors can point at them.

One module, though longer than most: the event loop and the limits it checks are one
state machine, whose invariants (every limit checked before the object that would
breach it is built) are easier to keep when read in one place.
"""

from __future__ import annotations

import codecs
from array import array
from collections.abc import Callable, Container
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

from contested.format.diagnostics import Diagnostic, DiagnosticError, Location, shown

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
    max_nodes: int = 2_000_000
    """Keys, values, lists and mappings, counted as they are read: what bounds the
    memory of a file whose bytes are within `max_bytes` but are nearly all nodes (a
    list of `{}`: each an object, where its text is two bytes)."""


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
    """A YAML mapping that knows where it, each key and each value were written.

    The places are packed (line, column) numbers in two arrays, one for the keys and
    one for the values, in the keys' order, made with the first key: a mapping costs
    its dict and a few bytes a key, not two more dicts of tuples. `nodes` counts the
    nodes written in it, itself and aliases' expansions included."""

    __slots__ = ("_index", "_keys_at", "_values_at", "column", "line", "nodes")

    def __init__(self, line: int, column: int) -> None:
        super().__init__()
        self.line = line
        self.column = column
        self.nodes = 1
        self._keys_at: array[int] | None = None
        self._values_at: array[int] | None = None
        self._index: dict[str, int] | None = None

    def put(self, key: str, key_spot: Spot, value: Any, value_spot: Spot) -> None:
        """Add `key: value` with where each was written."""
        if self._keys_at is None:
            self._keys_at, self._values_at = array("I"), array("I")
        assert self._values_at is not None
        self[key] = value
        self._keys_at.extend(key_spot)
        self._values_at.extend(value_spot)
        self._index = None

    def _position(self, key: str) -> int:
        if key not in self:
            raise KeyError(key)
        if len(self) <= 16:
            for position, name in enumerate(self):
                if name == key:
                    return position
        if self._index is None:  # a big mapping: indexed once, when first asked
            self._index = {name: position for position, name in enumerate(self)}
        return self._index[key]

    def key_spot(self, key: str) -> Spot:
        """Where `key` was written; KeyError if it is not here."""
        at = 2 * self._position(key)
        assert self._keys_at is not None
        return self._keys_at[at], self._keys_at[at + 1]

    def value_spot(self, key: str) -> Spot:
        """Where the value of `key` was written; KeyError if it is not here."""
        at = 2 * self._position(key)
        assert self._values_at is not None
        return self._values_at[at], self._values_at[at + 1]

    def value_spots(self) -> array[int]:
        """Every value's (line, column), packed in the keys' order (not a copy)."""
        return self._values_at if self._values_at is not None else array("I")

    def without(self, names: Container[object]) -> YamlMap:
        """A copy without the keys `names`, each kept key with its places."""
        kept = YamlMap(self.line, self.column)
        kept.nodes = self.nodes
        for key, value in self.items():
            if key not in names:
                kept.put(key, self.key_spot(key), value, self.value_spot(key))
        return kept


class YamlList(list[Any]):
    """A YAML sequence that knows where it and each item were written (packed, as in
    `YamlMap`)."""

    __slots__ = ("_items_at", "column", "line", "nodes")

    def __init__(self, line: int, column: int) -> None:
        super().__init__()
        self.line = line
        self.column = column
        self.nodes = 1
        self._items_at: array[int] | None = None

    def add(self, value: Any, spot: Spot) -> None:
        """Append `value`, written at `spot`."""
        if self._items_at is None:
            self._items_at = array("I")
        self.append(value)
        self._items_at.extend(spot)

    def item_spot(self, index: int) -> Spot:
        """Where item `index` was written; IndexError if there is none."""
        if not 0 <= index < len(self) or self._items_at is None:
            raise IndexError(index)
        return self._items_at[2 * index], self._items_at[2 * index + 1]

    def item_spots(self) -> array[int]:
        """Every item's (line, column), packed in order (not a copy)."""
        return self._items_at if self._items_at is not None else array("I")


def spot_of(node: Any) -> Spot | None:
    """Where a container was written, if it is one of ours."""
    if isinstance(node, YamlMap | YamlList):
        return (node.line, node.column)
    return None


_NO_KEY = object()


def _never(value: Any) -> None:  # pragma: no cover - a mapping's frame never adds items
    raise AssertionError(value)


class _Frame:
    """A container being read, with the arrays its places go to (shared with it)."""

    __slots__ = ("add", "anchor", "container", "expanded", "is_list", "key", "keys_at",
                 "start", "values_at")

    def __init__(self, container: YamlMap | YamlList, anchor: str | None, start: int) -> None:
        self.container = container
        self.anchor = anchor
        self.start = start
        """The file's node count before this container."""
        self.expanded = 0
        """Nodes its aliases stand for, beyond the alias itself."""
        self.key: Any = _NO_KEY
        self.values_at = array("I")
        if isinstance(container, YamlList):
            self.is_list = True
            self.add = container.append
            self.keys_at = self.values_at
            container._items_at = self.values_at
        else:
            self.is_list = False
            self.add = _never
            self.keys_at = array("I")
            container._keys_at, container._values_at = self.keys_at, self.values_at

    def close(self, nodes: int) -> YamlMap | YamlList:
        """The container, finished when the file has `nodes`: its node count set (what
        its aliases stand for included), empty arrays dropped."""
        container = self.container
        container.nodes = nodes - self.start + self.expanded
        if not self.values_at:
            if isinstance(container, YamlList):
                container._items_at = None
            else:
                container._keys_at = container._values_at = None
        return container


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


def _event_source(data: bytes) -> Callable[[], Any]:
    """`next_event()`: the parser's next event, None after the last. The C parser's own
    method where there is one: a generator around it would add a frame to every node."""
    if HAVE_LIBYAML:
        return _CParser(data).get_event
    events = yaml.parse(data, Loader=yaml.SafeLoader)  # pragma: no cover - no libyaml
    return lambda: next(events, None)  # pragma: no cover


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
    body, stand_ins = _without_old_breaks(check_encoding(data, path))
    try:
        return _build(body, path, limits, stand_ins)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        spot = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = error.problem or "invalid YAML"
        if "maximum nesting depth" in problem:  # libyaml's own bound, reached first
            if mark is not None:
                _first_problem_before(body, mark.index, path, limits, stand_ins)
            raise _fail(path, spot, "nesting-too-deep",
                        f"nesting deeper than {limits.max_depth} levels") from None
        tab = _tab_in_indentation(body, spot[0]) if mark else None
        if tab is not None:
            raise _fail(path, tab, "yaml-syntax",
                        "a tab in the indentation: YAML indents with spaces only "
                        "(replace the tab with spaces)") from None
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


def _tab_in_indentation(data: bytes, line: int) -> Spot | None:
    """Where a tab stands in the indentation of `line`: what a syntax error there
    comes from, though libyaml calls it "found character that cannot start any token"."""
    start = 0
    for _ in range(line - 1):
        start = data.find(b"\n", start) + 1
        if start == 0:
            return None
    end = data.find(b"\n", start)
    text = data[start : end if end >= 0 else len(data)]
    indentation = text[: len(text) - len(text.lstrip(b" \t-"))]  # `-` of a list item too
    tab = indentation.find(b"\t")
    return None if tab < 0 else (line, tab + 1)


def _spot_of_offset(data: bytes, offset: int) -> Spot:
    """Line and column (in characters) of a byte offset; lines end at `\\n`, `\\r\\n`
    or `\\r`, as YAML and libyaml count them."""
    before = data[:offset]
    line_start = max(before.rfind(b"\n"), before.rfind(b"\r")) + 1
    column = len(before[line_start:].decode("utf-8", errors="replace")) + 1
    breaks = before.count(b"\n") + before.count(b"\r") - before.count(b"\r\n")
    return breaks + 1, column


_OLD_BREAKS = ("\u0085", "\u2028", "\u2029")
"""NEL, LS and PS: line breaks to YAML 1.1 and libyaml, characters like any other to YAML
1.2, to editors, and to our messages' lines."""


def _without_old_breaks(body: bytes) -> tuple[bytes, dict[int, str] | None]:
    """`body` with each NEL, LS and PS swapped for a noncharacter it does not hold, and
    the table that swaps them back in the text read: libyaml then counts lines as
    editors do (a raw LS in a value would move every later line by one) and the text is
    what was written. None when there is nothing to swap (or nothing to swap with)."""
    found = [char for char in _OLD_BREAKS if char.encode() in body]
    if not found:
        return body, None
    spare = (chr(code) for code in range(0xFDD0, 0xFDF0) if chr(code).encode() not in body)
    swaps = [(char, next(spare, None)) for char in found]
    if any(stand_in is None for _, stand_in in swaps):
        return body, None
    table: dict[int, str] = {}
    for char, stand_in in swaps:
        assert stand_in is not None
        body = body.replace(char.encode(), stand_in.encode())
        table[ord(stand_in)] = char
    return body, table


def _first_problem_before(body: bytes, index: int, path: str, limits: Limits,
                          stand_ins: dict[int, str] | None) -> None:
    """libyaml stopped at its own nesting bound (1,000), found while it looked ahead,
    before it gave the events where ours was crossed: read what comes before its stop
    again, and raise the first problem found there (where our limit was crossed)."""
    text = body.decode("utf-8", errors="replace")
    prefix = text[:index].encode("utf-8")
    del text
    try:
        _build(prefix, path, limits, stand_ins)
    except DiagnosticError as error:
        raise error from None
    except yaml.YAMLError:  # the cut end, not a problem of the file
        return


_KEPT_TEXTS = 4096
"""Distinct short texts (keys, `kind: media`, dates) each kept once while a file is
read: a hundred thousand claims share one `source` key and one `media`."""


def _build(data: bytes, path: str, limits: Limits,
           stand_ins: dict[int, str] | None = None) -> Any:
    root = _Frame(YamlList(1, 1), None, 0)
    stack = [root]
    anchors: dict[str, tuple[Any, int]] = {}
    texts: dict[str, str] = {}
    aliases = 0
    alias_nodes = 0
    documents = 0
    nodes = 0
    max_depth = limits.max_depth
    max_nodes = limits.max_nodes

    def key(frame: _Frame, value: Any, line: int, column: int) -> None:
        container = frame.container
        if value.__class__ is not str:
            what = ("a mapping" if isinstance(value, dict) else "a list"
                    if isinstance(value, list) else "null")  # (an alias to `~`)
            raise _fail(path, (line, column), "complex-key", f"a key must be text, not {what}")
        if value in container:
            assert isinstance(container, YamlMap)
            first = container.key_spot(value)
            raise _fail(path, (line, column), "duplicate-key",
                        f"duplicate key {shown(value)} (first at line {first[0]}, "
                        f"column {first[1]})")
        frame.key = value
        keys_at = frame.keys_at
        keys_at.append(line)
        keys_at.append(column)

    def attach(value: Any, line: int, column: int, count: int, anchor: str | None) -> None:
        """(The scalars' own path, below, is this written out: most nodes are scalars.)"""
        frame = stack[-1]
        if anchor is not None:
            anchors[anchor] = (value, count)
        if frame.is_list:
            frame.add(value)
        elif frame.key is _NO_KEY:
            key(frame, value, line, column)
            return
        else:
            frame.container[frame.key] = value
            frame.key = _NO_KEY
        values_at = frame.values_at
        values_at.append(line)
        values_at.append(column)

    def too_many(line: int, column: int) -> DiagnosticError:
        return _fail(path, (line, column), "too-many-nodes",
                     f"more than {max_nodes:,} YAML nodes (keys, values, lists and "
                     "mappings) in one file: split it into several files")

    next_event = _event_source(data)
    while (event := next_event()) is not None:
        cls = event.__class__
        if cls is ScalarEvent:
            mark = event.start_mark
            line = mark.line + 1
            column = mark.column + 1
            nodes += 1
            if nodes > max_nodes:
                raise too_many(line, column)
            value = event.value
            if stand_ins is not None:
                value = value.translate(stand_ins)
            frame = stack[-1]
            tag = event.tag
            if tag is not None:
                if tag not in _TEXT_TAGS:
                    raise _fail(path, (line, column), "yaml-tag",
                                f"YAML tag {shown(tag)} is not allowed: values are plain text")
            elif not event.style and value in _NULLS and (
                    frame.key is not _NO_KEY or frame.is_list):
                value = None  # a null value; a key stays the text as written
            if value is not None:
                kept = texts.get(value)
                if kept is not None:
                    value = kept
                elif len(texts) < _KEPT_TEXTS and len(value) <= 32:
                    texts[value] = value
            anchor = event.anchor
            if anchor is not None:
                anchors[anchor] = (value, 1)
            if frame.is_list:
                frame.add(value)
            elif frame.key is _NO_KEY:
                key(frame, value, line, column)
                continue
            else:
                frame.container[frame.key] = value
                frame.key = _NO_KEY
            values_at = frame.values_at
            values_at.append(line)
            values_at.append(column)
        elif cls is MappingStartEvent or cls is SequenceStartEvent:
            mark = event.start_mark
            line = mark.line + 1
            column = mark.column + 1
            nodes += 1
            if nodes > max_nodes:
                raise too_many(line, column)
            if len(stack) > max_depth:
                raise _fail(path, (line, column), "nesting-too-deep",
                            f"nesting deeper than {max_depth} levels")
            if event.tag is not None and event.tag not in _CONTAINER_TAGS:
                raise _fail(path, (line, column), "yaml-tag",
                            f"YAML tag {shown(event.tag)} is not allowed: values are "
                            "plain data")
            container = (YamlMap(line, column) if cls is MappingStartEvent
                         else YamlList(line, column))
            stack.append(_Frame(container, event.anchor, nodes - 1))
        elif cls is MappingEndEvent or cls is SequenceEndEvent:
            frame = stack.pop()
            container = frame.close(nodes)
            stack[-1].expanded += frame.expanded
            attach(container, container.line, container.column, container.nodes,
                   frame.anchor)
        elif cls is AliasEvent:
            mark = event.start_mark
            line = mark.line + 1
            column = mark.column + 1
            nodes += 1
            if nodes > max_nodes:
                raise too_many(line, column)
            aliases += 1
            if aliases > limits.max_aliases:
                raise _fail(path, (line, column), "too-many-aliases",
                            f"more than {limits.max_aliases} aliases in one file")
            target = anchors.get(event.anchor)
            if target is None:
                raise _fail(path, (line, column), "yaml-syntax",
                            f"alias {shown('*' + event.anchor)} names no finished anchor "
                            "before it")
            value, count = target
            stack[-1].expanded += count - 1
            alias_nodes += count
            if alias_nodes > limits.max_alias_nodes:
                raise _fail(
                    path, (line, column), "alias-expansion",
                    f"aliases expand to more than {limits.max_alias_nodes:,} nodes "
                    "(an alias bomb?)",
                )
            attach(value, line, column, count, None)
        elif cls is DocumentStartEvent:
            documents += 1
            if documents > 1:
                mark = event.start_mark
                raise _fail(path, (mark.line + 1, mark.column + 1), "multiple-documents",
                            "a timeline file holds one YAML document, this is a second")
    items = root.close(nodes)
    return items[0] if isinstance(items, YamlList) and items else None
