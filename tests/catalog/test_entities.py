"""Catalog sections: a mapping of id to entity in order, whose cached entities are made
only when first asked, once each, with what linking found set on them."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from contested.catalog.entities import Chunk, Entities
from contested.format.model import Origin


@dataclass
class Thing:
    id: str
    origin: Origin
    linked: int = 0


def chunk(ids: list[str], made: list[str], path: str = "f.yaml") -> Chunk[Thing]:
    """A chunk whose entities record in `made` when they are made."""

    def make(position: int) -> Thing:
        made.append(ids[position])
        return Thing(ids[position], Origin(path, None))

    return Chunk(ids, make, lambda position: Origin(f"{path}#{position}", None))


def test_a_chunk_is_made_only_as_far_as_it_is_read() -> None:
    made: list[str] = []
    things: Entities[Thing] = Entities()
    things.add("a", Thing("a", Origin("x", None)))
    assert things.add_chunk(chunk(["b", "c", "d"], made)) == []
    assert (len(things), list(things), "c" in things, "z" in things) == (
        4, ["a", "b", "c", "d"], True, False)
    assert made == []
    assert things.made == 1
    assert things["c"].id == "c"
    assert things.values()[3].id == "d"
    assert made == ["c", "d"]
    assert things["c"] is things.values()[2]  # one object per entity
    assert made == ["c", "d"]
    assert [t.id for t in things.values()] == ["a", "b", "c", "d"]
    assert made == ["c", "d", "b"]
    assert things.made == 4
    assert things.get("z") is None
    assert things.row("d") == 3
    assert [k for k, _ in things.items()] == ["a", "b", "c", "d"]


def test_a_place_is_read_without_making_the_entity() -> None:
    made: list[str] = []
    things: Entities[Thing] = Entities()
    things.add_chunk(chunk(["a", "b"], made))
    assert things.origin(1).path == "f.yaml#1"
    assert made == []
    assert things["a"].origin.path == "f.yaml"
    assert things.origin(0) is things["a"].origin  # once made, the entity's own


def test_first_come_is_kept_and_the_later_ones_are_returned() -> None:
    made: list[str] = []
    things: Entities[Thing] = Entities()
    things.add_chunk(chunk(["a", "b"], made, "one.yaml"))
    first = things.add("c", Thing("c", Origin("two.yaml", None)))
    assert first is None
    assert things.add("a", Thing("a", Origin("two.yaml", None))) is things["a"]
    assert things["a"].origin.path == "one.yaml"
    # Taken across chunks, and twice within one chunk: their positions in the chunk.
    assert things.add_chunk(chunk(["d", "b", "e", "d"], made, "three.yaml")) == [1, 3]
    assert list(things) == ["a", "b", "c", "d", "e"]
    assert [things[k].origin.path for k in things] == [
        "one.yaml", "one.yaml", "two.yaml", "three.yaml", "three.yaml"]
    assert things.index == {"a": 0, "b": 1, "c": 2, "d": 3, "e": 4}


def test_prepare_runs_once_on_each_entity_made_before_or_after() -> None:
    made: list[str] = []
    things: Entities[Thing] = Entities()
    things.add_chunk(chunk(["a", "b", "c"], made))
    early = things["a"]

    def link(row: int, thing: Thing) -> None:
        thing.linked += row + 1

    things.prepare(link)
    assert early.linked == 1
    assert [t.linked for t in things.values()] == [1, 2, 3]
    assert [t.linked for t in things.values()] == [1, 2, 3]  # not twice


def test_a_section_reads_like_a_dict() -> None:
    plain = {"a": Thing("a", Origin("x", None)), "b": Thing("b", Origin("x", None))}
    things = Entities(plain)
    assert things == plain
    assert dict(things) == plain
    assert list(things.values()) == list(plain.values())
    assert things.values()[-1] is plain["b"]
    assert things.values()[0:1] == [plain["a"]]
    with pytest.raises(KeyError):
        things["z"]


def test_unique_chunks_are_indexed_when_an_id_is_first_looked_up() -> None:
    made: list[str] = []
    things: Entities[Thing] = Entities()
    things.add_chunk(chunk(["a", "b"], made), unique=True)
    things.add_chunk(chunk(["c"], made, "g.yaml"), unique=True)
    assert things.values()[2].id == "c"  # by row: no index needed
    assert things._indexed == 0
    assert (things.row("c"), things["c"].id, "c" in things) == (2, "c", True)  # made: known
    assert things._indexed == 0
    assert (things.row("c"), "b" in things, things["a"].id) == (2, True, "a")
    assert things._indexed == 3
    assert things.add("d", Thing("d", Origin("x", None))) is None
    assert things.add("b", Thing("b", Origin("y", None))) is things["b"]  # still taken
    assert (things.index, list(things)) == ({"a": 0, "b": 1, "c": 2, "d": 3},
                                            ["a", "b", "c", "d"])
    assert things.add_chunk(chunk(["e", "a"], made, "h.yaml")) == [1]  # checked
    assert things.row("e") == 4


def test_one_pass_over_every_entity_keeps_none_it_made() -> None:
    made: list[str] = []
    things: Entities[Thing] = Entities()
    things.add_chunk(chunk(["a", "b", "c"], made))
    things.prepare(lambda row, thing: setattr(thing, "linked", row + 10))
    b = things["b"]
    passed = list(things.each())
    assert [t.id for t in passed] == ["a", "b", "c"]
    assert passed[1] is b  # one made before is the one read
    assert [t.linked for t in passed] == [10, 11, 12]  # what linking found, on each
    assert things.made == 1  # the others were made for the pass only
    assert things["a"] is not passed[0]
    assert things.made == 2
