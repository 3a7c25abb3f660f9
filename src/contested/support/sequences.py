"""A sequence whose items are made when read: the lazy lists of the engine and of what
the explorer shows (contradictions, a detail's links, the Timeline's entries, the hits
of a search), so that a list of 300,000 costs the items read, not the items held."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar, overload

Item = TypeVar("Item")


class MadeWhenRead(Sequence[Item]):
    """Items made by `_at(index)` when read; slices, negative indices and bounds are
    handled once here. A subclass gives `__len__` and `_at`."""

    def _at(self, index: int) -> Item:
        raise NotImplementedError

    def __len__(self) -> int:
        raise NotImplementedError

    @overload
    def __getitem__(self, index: int) -> Item: ...

    @overload
    def __getitem__(self, index: slice) -> list[Item]: ...

    def __getitem__(self, index: int | slice) -> Item | list[Item]:
        if isinstance(index, slice):
            return [self._at(n) for n in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        return self._at(index)
