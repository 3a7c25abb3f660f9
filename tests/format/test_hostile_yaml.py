"""Hostile and surprising YAML: refused at its place, quickly, with bounded memory.

Each input here breaks a naive `yaml.safe_load` + pydantic pipeline: expansion past
gigabytes, a RecursionError, a ValueError that is not a YAMLError, or YAML 1.1 values
silently turned into booleans, dates and numbers.
"""

from __future__ import annotations

import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest

from contested.catalog.loading import LoadResult, load_catalog
from contested.catalog.parse import parse_timeline
from contested.format.diagnostics import DiagnosticError
from contested.format.guarded_yaml import Limits, YamlMap, read_yaml
from tests.helpers import no_hang

MEGABYTE = 1024 * 1024


@pytest.fixture(autouse=True)
def hang_guard() -> Iterator[None]:
    """A hang fails the test instead of stalling CI (a guard, not a speed assertion)."""
    with no_hang("the loader hung on hostile input"):
        yield


def load_bounded(path: Path, budget_mb: int = 64) -> LoadResult:
    """Load with tracemalloc on, and check the peak stayed within `budget_mb`."""
    tracemalloc.start()
    try:
        result = load_catalog([path])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < budget_mb * MEGABYTE, f"peak {peak / MEGABYTE:.1f} MB"
    return result


def single(result: LoadResult) -> tuple[int, int, str, str]:
    assert len(result.diagnostics) == 1, [d.headline() for d in result.diagnostics]
    d = result.diagnostics[0]
    return d.location.line, d.location.column, d.code, d.message


def billion_laughs(levels: int = 9) -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    names = "abcdefghijklmnop"
    for i in range(1, levels):
        prev, cur = names[i - 1], names[i]
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_alias_bomb_is_refused_at_the_alias(tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(billion_laughs())
    assert len(path.read_bytes()) < 800  # the 700-byte bomb of the brief: 9**9 nodes
    line, column, code, message = single(load_bounded(path))
    assert (line, column, code) == (5, 8, "alias-expansion")
    assert message == "aliases expand to more than 10,000 nodes (an alias bomb?)"


def test_too_many_aliases(tmp_path: Path) -> None:
    path = tmp_path / "aliases.yaml"
    path.write_text("contested: 1\nx: &x a\ny: [" + ", ".join(["*x"] * 150) + "]\n")
    line, column, code, message = single(load_bounded(path))
    assert (line, code) == (3, "too-many-aliases")
    assert column == 5 + 4 * 100  # the 101st alias
    assert message == "more than 100 aliases in one file"


def test_an_alias_to_an_unfinished_anchor_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "loop.yaml"
    path.write_text("contested: 1\nx: &x [a, *x]\n")
    _, _, code, message = single(load_bounded(path))
    assert code == "yaml-syntax"
    assert "names no finished anchor" in message


@pytest.mark.parametrize("opener", ["[", "{a: "])
def test_100k_nested_flow_collections(tmp_path: Path, opener: str) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("contested: 1\nx: " + opener * 100_000 + "\n")
    line, _, code, message = single(load_bounded(path))
    assert (line, code) == (2, "nesting-too-deep")
    assert message == "nesting deeper than 64 levels"


def test_deep_block_nesting_stops_at_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    text = "contested: 1\n" + "".join(f"{' ' * i}k{i}:\n" for i in range(200))
    path.write_text(text)
    line, column, code, _ = single(load_bounded(path))
    assert code == "nesting-too-deep"
    assert (line, column) == (2 + 64, 65)  # the 65th mapping from the top


def test_depth_limit_is_configurable() -> None:
    data = b"a: [[[1]]]\n"
    assert read_yaml(data, "x", Limits(max_depth=4)) == {"a": [[["1"]]]}
    with pytest.raises(Exception, match="nesting deeper than 3 levels"):
        read_yaml(data, "x", Limits(max_depth=3))


def test_file_over_the_size_limit_is_refused_before_reading() -> None:
    result = parse_timeline(b"contested: 1\n" + b"#" * 100, "big.yaml", Limits(max_bytes=50))
    assert [d.code for d in result.diagnostics] == ["file-too-large"]
    assert result.diagnostics[0].message == "the file has 113 bytes, over the limit of 50"


def test_invalid_utf8_names_its_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("contested: 1\nsources:\n  - {id: a, name: Caf\xe9}\n".encode("latin-1"))
    line, column, code, message = single(load_bounded(path))
    assert (line, column, code) == (3, 22, "encoding")
    assert message.startswith("byte 0xE9 is not valid UTF-8")


def test_utf8_bom_is_fine(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbfcontested: 1\n")
    assert load_bounded(path).ok


def test_utf16_is_refused_with_advice(tmp_path: Path) -> None:
    path = tmp_path / "utf16.yaml"
    path.write_bytes("contested: 1\n".encode("utf-16"))
    _, _, code, message = single(load_bounded(path))
    assert code == "encoding"
    assert "UTF-16" in message


def test_duplicate_keys_are_errors(tmp_path: Path) -> None:
    path = tmp_path / "dup.yaml"
    path.write_text("contested: 1\nsources:\n  - id: a\n    name: A\n    name: B\n")
    assert single(load_bounded(path)) == (
        5, 5, "duplicate-key", "duplicate key 'name' (first at line 4, column 5)",
    )


def test_python_tags_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "tag.yaml"
    path.write_text("contested: 1\nx: !!python/object/apply:os.system ['true']\n")
    line, column, code, _ = single(load_bounded(path))
    assert (line, column, code) == (2, 4, "yaml-tag")


def test_yaml_11_scalars_stay_as_written() -> None:
    tree = read_yaml(
        b"a: no\nb: on\nc: 2024-02-30\nd: 1:20\ne: 0123\nf: 0x1F\ng: .inf\nh: ~\ni:\n"
        b"j: 'null'\nk: Yes\n",
        "x",
    )
    assert isinstance(tree, YamlMap)
    assert tree == {
        "a": "no", "b": "on", "c": "2024-02-30", "d": "1:20", "e": "0123", "f": "0x1F",
        "g": ".inf", "h": None, "i": None, "j": "null", "k": "Yes",
    }


def test_yaml_11_values_in_a_timeline(tmp_path: Path) -> None:
    """`no` stays text where text is expected; numbers are refused where ambiguous."""
    path = tmp_path / "t.yaml"
    path.write_text(
        "contested: 1\n"
        "sources:\n"
        "  - {id: no, name: on, side: off}\n"
        "questions:\n"
        "  - {id: q, text: n, kind: quantity}\n"
        "claims:\n"
        "  - {id: c1, source: no, text: yes, about: q, value: 0123, said: 2024-02-30}\n"
        "  - {id: c2, source: no, text: x, credibility: 0o3}\n"
    )
    result = load_bounded(path)
    assert [(d.location.line, d.code) for d in result.diagnostics] == [
        (7, "bad-value"), (7, "bad-date"), (8, "invalid"),
    ]
    messages = [d.message for d in result.diagnostics]
    assert "leading zero" in messages[0]
    assert "'0o3'" in messages[2]


def test_yaml_11_text_survives_into_the_catalog(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text("contested: 1\nsources:\n  - {id: no, name: on, aliases: [yes, 1:20]}\n")
    result = load_bounded(path)
    assert result.ok
    source = result.catalog.sources["no"]
    assert (source.name, source.aliases) == ("on", ["yes", "1:20"])


def test_complex_keys_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "k.yaml"
    path.write_text("contested: 1\n? [a, b]\n: 1\n")
    assert single(load_bounded(path))[2] == "complex-key"


@pytest.mark.parametrize(("text", "what"), [
    ("? [a, b]\n: 1\n", "a list"),
    ("? {a: 1}\n: 1\n", "a mapping"),
    ("a: &n ~\n*n : x\n", "null"),  # an alias to a null value, as a key
])
def test_a_key_that_is_not_text_is_named_for_what_it_is(text: str, what: str) -> None:
    with pytest.raises(DiagnosticError) as refused:
        read_yaml(text.encode(), "k.yaml")
    problem = refused.value.diagnostic
    assert (problem.code, problem.message) == ("complex-key", f"a key must be text, not {what}")


def test_two_documents_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "two.yaml"
    path.write_text("contested: 1\n---\ncontested: 1\n")
    assert single(load_bounded(path))[:3] == (2, 1, "multiple-documents")


def test_control_characters_are_a_located_error(tmp_path: Path) -> None:
    path = tmp_path / "ctl.yaml"
    path.write_bytes(b"contested: 1\nsources:\n  - {id: a, name: \"x\x1b[2Jy\"}\n")
    result = load_bounded(path)
    assert [d.code for d in result.diagnostics] == ["yaml-syntax"]
    assert (result.diagnostics[0].location.line, result.diagnostics[0].location.column) == (3, 21)
    assert result.diagnostics[0].message.startswith("character U+001B is not allowed")


