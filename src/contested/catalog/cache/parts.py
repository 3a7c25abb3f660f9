"""How a cache entry is laid out on disk and read back: values written as JSON with their
bytes and numbers set apart (`Later`), blocks of rows each with its digest, and the
entries kept open while their rows may still be read.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import weakref
from array import array
from dataclasses import dataclass
from typing import Any

import orjson

from contested.errors import CacheError


class CacheDamaged(CacheError, RuntimeError):
    """A block of an entry was damaged after the entry was read, and its file could not
    be parsed again as it was (it changed since, or is gone)."""


PACKING = "I"  # unsigned 32-bit: lines and columns
OFFSETS = "q"  # signed 64-bit: -1 for an entity with no spots


BLOCK = 256
"""Rows decoded together: reaching one entity costs a block, not its whole file."""
class Later(bytes):
    """Bytes of a payload read only when asked (`Part`): the rows of the entities."""

    __slots__ = ()


def parts_out(value: Any) -> tuple[bytes, bytes]:
    """`value` as (a head, the parts read later). The head is one line of JSON (its
    table of contents), then the bytes of its arrays and byte strings, which the JSON
    names by place: {"$array": typecode, "$at": [offset, length]} and {"$bytes":
    [offset, length]} (no id starts with $). `Later` bytes are in the second part,
    named {"$later": [offset, length]}. Arrays are read back by copying their bytes (no
    parsing), byte strings only when asked (`parts_back`)."""
    blob, later = bytearray(), bytearray()
    table = utf8(json_dumped(_out(value, blob, later)))
    return table + b"\n" + blob, bytes(later)


def _out(item: Any, blob: bytearray, later: bytearray) -> Any:
    """`item` as JSON, its bytes moved to `blob` or `later`. (A module function, not a
    recursive closure: that would be a reference cycle, and a load freezes what it
    makes for the collector, so the cycle and all it holds would never be freed.)"""
    if isinstance(item, array):
        at = [len(blob), item.itemsize * len(item)]
        blob.extend(item.tobytes())
        return {"$array": item.typecode, "$at": at}
    if isinstance(item, Later):
        at = [len(later), len(item)]
        later.extend(item)
        return {"$later": at}
    if isinstance(item, bytes):
        at = [len(blob), len(item)]
        blob.extend(item)
        return {"$bytes": at}
    if isinstance(item, dict):
        return {k: _out(v, blob, later) for k, v in item.items()}
    if isinstance(item, list):
        return [_out(v, blob, later) for v in item]
    return item


_ARRAY_CODES = frozenset("bIdq")


class _OpenEntries:
    """The entries held open to read their rows later, at most `limit` (beyond, an
    entry's rows are read at once: a catalog of thousands of files stays under the
    limit of open files)."""

    def __init__(self, limit: int) -> None:
        self.limit, self.count = limit, 0
        self._lock = threading.Lock()

    def keep(self, descriptor: int) -> int | None:
        """A copy of `descriptor`, kept open until `release`d; None if too many are."""
        with self._lock:
            if self.count >= self.limit:
                return None
            self.count += 1
        try:
            return os.dup(descriptor)
        except OSError:
            self.release(None)
            return None

    def release(self, descriptor: int | None) -> None:
        if descriptor is not None:
            os.close(descriptor)
        with self._lock:
            self.count -= 1


OPEN_ENTRIES = _OpenEntries(256)


@dataclass
class Stored:
    """Where the parts of an entry read later are: `size` bytes from `start`, in the
    entry held open (`keep_open`: a copy of its descriptor, so that the entry written
    anew by a reload, or removed, does not change what is read), or `held` in memory."""

    start: int
    size: int
    held: bytes | None = None
    descriptor: int = -1

    def keep_open(self, descriptor: int) -> bool:
        """Keep the entry open (closed when this is let go), unless too many are."""
        kept = OPEN_ENTRIES.keep(descriptor)
        if kept is None:
            return False
        self.descriptor = kept
        weakref.finalize(self, OPEN_ENTRIES.release, kept)
        return True


class Part:
    """Bytes of an entry read when asked (`read`), from the entry as it is then: what
    is read is checked by the caller (a block's digest)."""

    __slots__ = ("length", "offset", "stored")

    def __init__(self, stored: Stored, offset: int, length: int) -> None:
        self.stored, self.offset, self.length = stored, offset, length

    def read(self, start: int, end: int) -> bytes | None:
        """Bytes `start:end` of the part, or None if they cannot be read."""
        if not 0 <= start <= end <= self.length:
            return None
        stored = self.stored
        if stored.held is not None:
            return stored.held[self.offset + start:self.offset + end]
        try:
            return os.pread(stored.descriptor, end - start,
                            stored.start + self.offset + start)
        except OSError:
            return None


def parts_back(head: bytes, stored: Stored | None = None) -> Any:
    """The value `parts_out` wrote, with its arrays; each byte string is a view of
    the head (nothing copied until it is decoded), each `Later` part a `Part`."""
    end = head.index(b"\n")
    return _back(json.loads(head[:end]), memoryview(head)[end + 1:], stored)


def _back(item: Any, blob: memoryview, stored: Stored | None) -> Any:
    """`item` with its parts (a module function: see `_out`)."""
    if isinstance(item, dict):
        if "$array" in item and item.keys() == {"$array", "$at"}:
            if item["$array"] not in _ARRAY_CODES:
                raise ValueError("unexpected array type")
            offset, length = _place(item["$at"], len(blob))
            numbers = array(item["$array"])
            numbers.frombytes(blob[offset:offset + length])
            return numbers
        if "$bytes" in item and item.keys() == {"$bytes"}:
            offset, length = _place(item["$bytes"], len(blob))
            return blob[offset:offset + length]
        if "$later" in item and item.keys() == {"$later"}:
            if stored is None:
                raise ValueError("no parts to read later")
            return Part(stored, *_place(item["$later"], stored.size))
        return {k: _back(v, blob, stored) for k, v in item.items()}
    if isinstance(item, list) and item and isinstance(item[0], dict | list):
        return [_back(v, blob, stored) for v in item]
    return item


def _place(at: Any, size: int) -> tuple[int, int]:
    offset, length = at
    if not (type(offset) is int and type(length) is int
            and offset >= 0 and length >= 0 and offset + length <= size):
        raise ValueError("a part outside the payload")
    return offset, length


def json_dumped(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def json_bytes(value: Any) -> bytes:
    """`value` as compact UTF-8 JSON, encoded in C (orjson): an entry's rows are most of
    what a cold load writes. What orjson refuses (an integer beyond 64 bits, a lone
    surrogate) is written by the standard encoder, which `json_read` reads back."""
    try:
        return orjson.dumps(value)
    except (TypeError, orjson.JSONEncodeError):
        return utf8(json_dumped(value))


def json_read(data: bytes | memoryview) -> Any:
    """What `json_bytes` wrote (ValueError if it is not JSON)."""
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return json.loads(str(data, "utf-8", "surrogatepass"))


def utf8(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


DIGEST = hashlib.sha256().digest_size


@dataclass(frozen=True)
class Rows:
    """A section's rows in an entry: block n is `part[ends[n]:ends[n + 1]]`, one JSON
    row a line (JSON escapes line breaks in strings), and has the SHA-256
    `digests[DIGEST * n:DIGEST * (n + 1)]`."""

    part: Part
    ends: array[int]
    digests: bytes

    def block(self, number: int) -> list[bytes | None] | None:
        """The lines of a block, each a row still to decode (a first screen wants one or
        two rows of a block: decoding 256 cost a millisecond), or None if the block
        cannot be read as it was written."""
        data = self.part.read(self.ends[number], self.ends[number + 1])
        if data is None or (hashlib.sha256(data).digest()
                            != self.digests[DIGEST * number:DIGEST * (number + 1)]):
            return None
        lines: list[bytes | None] = list(data.split(b"\n"))
        return lines
