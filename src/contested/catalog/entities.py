"""A section of the catalog (its claims, its events...): entities by id, in catalog order,
made only when first asked.

A warm load reads 400,000 entities back from the cache. Making a pydantic model of each
costs over a second, and the first screen shows a few dozen of them: so an entity read
back from the cache stays a row of its file's entry (`Chunk`) until something asks for
it by id or by position. Entities that were parsed are held as they are. Either way the
section behaves as a read-only mapping of id to entity, in the order the files gave.
"""

from __future__ import annotations

import threading
from bisect import bisect_right
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

if TYPE_CHECKING:
    from contested.format.model import Origin

E = TypeVar("E")

_AT_ONCE = 256
"""Entities `make_all` makes under one hold of the lock."""
MAKING = threading.RLock()
"""Held while an entity is made: the explorer's search index makes them in a worker
thread while the screen makes those it shows, and each must be made once (making one
takes its row from its block)."""


class Chunk(Generic[E]):
    """The entities of one section of one cached file: their ids now, each entity when
    first asked (`make(position)` builds it), then kept, so that there is one object per
    entity however it is reached. (Reached by position; `Entities` is what is read.)"""

    __slots__ = ("_made", "_make", "_peek", "ids", "locate")

    def __init__(self, ids: list[str], make: Callable[[int], E],
                 locate: Callable[[int], Origin],
                 peek: Callable[[int], E] | None = None) -> None:
        self.ids = ids
        self._make = make
        self._peek = peek or make
        """`peek(position)`: an entity made for one look, which leaves what it was made
        from as it was (`make` may let that go)."""
        self._made: list[E | None] = [None] * len(ids)
        self.locate = locate
        """`locate(position)`: where that entity was written, without making it."""

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, position: int) -> E:
        made = self._made[position]
        if made is None:
            with MAKING:
                made = self._made[position]
                if made is None:
                    made = self._made[position] = self._make(position)
        return made

    def __iter__(self) -> Iterator[E]:
        for position in range(len(self.ids)):
            yield self[position]

    def peek(self, position: int) -> E:
        """The entity at `position` if it was made; else one made for this look only,
        not kept (call with `MAKING` held)."""
        made = self._made[position]
        return made if made is not None else self._peek(position)

    def make_all(self) -> list[E]:
        """Every entity, made in order at once (for a pass over all of them: linking,
        the search index), without the cost of asking for each."""
        made, make = self._made, self._make
        for start in range(0, len(made), _AT_ONCE):
            with MAKING:  # let go between runs: another thread may be waiting to make one
                for position in range(start, min(start + _AT_ONCE, len(made))):
                    if made[position] is None:
                        made[position] = make(position)
        return made  # type: ignore[return-value]  # no None is left


class Entities(Mapping[str, E], Generic[E]):
    """Entities by id, in the order they were added; those added as a `Chunk` are made
    when first read. `values()` is a sequence: `values()[row]` is the entity of a row."""

    __slots__ = ("_chunks", "_ids", "_index", "_indexed", "_known", "_made", "_prepare",
                 "_starts")

    def __init__(self, entities: Mapping[str, E] | None = None) -> None:
        self._index: dict[str, int] = {}
        self._indexed = 0
        """Rows whose ids are in `_index`: chunks known to be unique are indexed when an
        id is first looked up (400,000 ids take a fifth of a second)."""
        self._known: dict[str, int] = {}
        """Until then, the rows of the entities made one by one: what is on screen, or
        in a contradiction being explained, is found without indexing every id."""
        self._ids: list[str] = []
        self._made: list[E | None] = []
        self._chunks: list[Chunk[E]] = []
        self._starts: list[int] = []
        self._prepare: Callable[[int, E], None] | None = None
        for key, entity in (entities or {}).items():
            self.add(key, entity)

    # --- filling ---------------------------------------------------------------------

    def add(self, key: str, entity: E) -> E | None:
        """Add `entity` under `key`, unless the key is taken: then the entity already
        there is returned (first come, first kept) and nothing changes."""
        index = self.index
        row = index.get(key)
        if row is not None:
            return self.at(row)
        index[key] = len(self._ids)
        self._indexed += 1
        self._ids.append(key)
        self._made.append(entity)
        return None

    def add_chunk(self, chunk: Chunk[E], *, unique: bool = False) -> list[int]:
        """Add a chunk's entities, unmade; return the positions in the chunk of those
        whose id was taken (they are not added: first come, first kept). `unique`: the
        caller knows no id is taken (these very files were linked without a duplicate
        before), and the ids are indexed when first looked up."""
        start, ids = len(self._ids), chunk.ids
        if unique:
            self._extend(chunk, start)
            return []
        index = self.index
        index.update(zip(ids, range(start, start + len(ids)), strict=True))
        if len(index) == start + len(ids):  # every id was free
            self._indexed = len(index)
            self._extend(chunk, start)
            return []
        # Rare (an error to report): undo, then add one by one.
        self._index = dict(zip(self._ids, range(start), strict=True))
        return [position for position, key in enumerate(ids)
                if self.add(key, chunk[position]) is not None]

    def _extend(self, chunk: Chunk[E], start: int) -> None:
        self._ids.extend(chunk.ids)
        self._made.extend([None] * len(chunk.ids))
        self._chunks.append(chunk)
        self._starts.append(start)

    def make_all(self) -> None:
        """Make every entity now, chunk by chunk (a pass over all of them costs the
        making, not the asking)."""
        for chunk, start in zip(self._chunks, self._starts, strict=True):
            entities = chunk.make_all()
            with MAKING:
                for row, entity in enumerate(entities, start):
                    if self._made[row] is None:
                        self._keep(row, entity)

    def each(self) -> Iterator[E]:
        """Every entity in order, for one pass that keeps none of them (the search
        index): those not made yet are made for the pass, with what linking found, and
        let go after it: kept, they would hold the whole catalog in memory for a pass that
        needs each one once (bench/RESULTS.md)."""
        made, peek = self._made, self.peek
        for row in range(len(made)):
            entity = made[row]
            yield entity if entity is not None else peek(row)

    def peek(self, row: int) -> E:
        """The entity of a row for one look, as `each` gives it: the one kept if it was
        made, else one made for the look and let go after it (an export reads most
        claims once, and keeps only those it will read again)."""
        entity = self._made[row]
        if entity is None:
            with MAKING:
                chunk, position = self._chunk_of(row)
                entity = chunk.peek(position)
                if self._prepare is not None:
                    self._prepare(row, entity)
        return entity

    def prepare(self, step: Callable[[int, E], None]) -> None:
        """Run `step(row, entity)` on each entity once it is made (now, on those made
        already): what linking found is set as entities are made."""
        self._prepare = step
        if self.made:  # (a warm load has made none)
            for row, made in enumerate(self._made):
                if made is not None:
                    step(row, made)

    # --- reading ---------------------------------------------------------------------

    def at(self, row: int) -> E:
        """The entity of a row (its position in the catalog's order)."""
        made = self._made[row]
        if made is None:
            with MAKING:
                made = self._made[row]
                if made is None:
                    chunk, position = self._chunk_of(row)
                    made = chunk[position]
                    self._keep(row, made)
                    if self._indexed < len(self._ids):
                        self._known[self._ids[row]] = row
        return made

    def _keep(self, row: int, made: E) -> None:
        """Keep a chunk's entity just made as the row's, with what linking found."""
        if self._prepare is not None:
            self._prepare(row, made)
        self._made[row] = made

    def origin(self, row: int) -> Origin:
        """Where the entity of a row was written, without making it (messages about
        thousands of entities need their places, not the entities)."""
        made = self._made[row]
        if made is not None:
            origin: Origin = getattr(made, "origin")  # noqa: B009 (E is any entity)
            return origin
        chunk, position = self._chunk_of(row)
        return chunk.locate(position)

    def _chunk_of(self, row: int) -> tuple[Chunk[E], int]:
        """The chunk a row not made by `add` belongs to, and its position there."""
        number = bisect_right(self._starts, row) - 1
        return self._chunks[number], row - self._starts[number]

    def row(self, key: str) -> int | None:
        known = self._known.get(key)  # (empty once every id is indexed)
        return known if known is not None else self.index.get(key)

    @property
    def index(self) -> dict[str, int]:
        """Id → row (the section's own dict: do not change it)."""
        if self._indexed < len(self._ids):
            with MAKING:  # two threads may ask first; one indexes
                start = self._indexed
                self._index.update(zip(self._ids[start:], range(start, len(self._ids)),
                                       strict=True))
                self._indexed = len(self._ids)
                self._known = {}
        return self._index

    @property
    def ids(self) -> list[str]:
        """The ids in order (the section's own list: do not change it)."""
        return self._ids

    def __getitem__(self, key: str) -> E:
        row = self.row(key)
        if row is None:
            raise KeyError(key)
        return self.at(row)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.row(key) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def get(self, key: str, default: Any = None) -> Any:
        row = self.row(key)
        return default if row is None else self.at(row)

    def values(self) -> Picked[E]:  # type: ignore[override]
        """Every entity in order, as a sequence: `values()[row]`."""
        return Picked(self, range(len(self._ids)))

    def items(self) -> Iterator[tuple[str, E]]:  # type: ignore[override]
        return zip(self._ids, self.values(), strict=True)

    @property
    def chunked(self) -> int:
        """How many entities were added as chunks (read back from a cache)."""
        return sum(len(chunk) for chunk in self._chunks)

    @property
    def made(self) -> int:
        """How many entities were made so far."""
        return len(self._made) - self._made.count(None)

    def __repr__(self) -> str:
        return f"<Entities: {len(self._ids)}, {self.made} made>"


class Picked(Sequence[E]):
    """Rows of a section, in the order given, each entity made as it is reached: all
    of them (`Entities.values`), the claims of one event, or those a filter kept."""

    __slots__ = ("_entities", "_positions", "rows")

    def __init__(self, entities: Entities[E], rows: Sequence[int]) -> None:
        self._entities = entities
        self.rows = rows
        self._positions: dict[int, int] | None = None

    def __len__(self) -> int:
        return len(self.rows)

    @overload
    def __getitem__(self, position: int) -> E: ...
    @overload
    def __getitem__(self, position: slice) -> list[E]: ...
    def __getitem__(self, position: int | slice) -> E | list[E]:
        if isinstance(position, slice):
            return [self._entities.at(row) for row in self.rows[position]]
        return self._entities.at(self.rows[position])

    def __iter__(self) -> Iterator[E]:
        entities = self._entities
        made = entities._made  # the fast path: most rows are made after a first pass
        for row in self.rows:
            entity = made[row]
            yield entity if entity is not None else entities.at(row)

    def index_of(self, key: str) -> int | None:
        """The position of the entity with this id, if it is among these rows (no pass
        over the entities)."""
        row = self._entities.row(key)
        if row is None:
            return None
        if isinstance(self.rows, range):
            return self.rows.index(row) if row in self.rows else None
        if self._positions is None:
            self._positions = {r: n for n, r in enumerate(self.rows)}
        return self._positions.get(row)
