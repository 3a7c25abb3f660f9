"""What one file may cost is bounded: the nodes read, the errors kept, the messages
listed; and a file that does not load explains the references into it instead of
drowning its own message in a cascade."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Container
from pathlib import Path

import pytest

from contested import cli
from contested.catalog import parallel, parse
from contested.catalog.loading import load_catalog
from contested.catalog.parse import PART_NODES, parse_timeline
from contested.format.guarded_yaml import DEFAULT_LIMITS, Limits, YamlList, YamlMap, read_yaml
from tests.helpers import SOURCES, TIMELINES


def codes(path: Path) -> list[str]:
    return [d.code for d in load_catalog([path], cache=None).diagnostics]


# --- nodes ------------------------------------------------------------------------------

def test_a_flow_list_of_empty_mappings_is_refused_at_the_node_limit() -> None:
    count = 2_000
    data = ("contested: 1\nx: [" + "{}, " * count + "]\n").encode()
    limits = Limits(max_nodes=1_000)
    result = parse_timeline(data, "t.yaml", limits)
    assert len(result.diagnostics) == 1
    problem = result.diagnostics[0]
    # The top mapping, `contested`, `1`, `x` and the list are the first five nodes: the
    # 1,001st is the 996th `{}`, at 4 characters each after `x: [`.
    assert (problem.location.line, problem.location.column) == (2, 5 + 4 * 995)
    assert problem.code == "too-many-nodes"
    assert problem.message.startswith("more than 1,000 YAML nodes")


def test_the_default_limit_refuses_fifteen_megabytes_of_empty_mappings() -> None:
    count = 15_000_000 // 4
    data = ("contested: 1\nx: [" + "{}, " * count + "]\n").encode()
    assert len(data) < DEFAULT_LIMITS.max_bytes
    result = parse_timeline(data, "t.yaml")
    assert [d.code for d in result.diagnostics] == ["too-many-nodes"]
    assert result.diagnostics[0].location.column == 5 + 4 * (DEFAULT_LIMITS.max_nodes - 5)


@pytest.mark.parametrize("text", [
    "a: &x [1, 2, 3]\nb: [*x, *x]\n",
    "a: {b: [c, {d: e}], f: g}\n",
])
def test_each_container_counts_its_nodes_aliases_expanded(text: str) -> None:
    tree = read_yaml(text.encode(), "t.yaml")

    def nodes(value: object) -> int:
        if isinstance(value, YamlMap):
            return 1 + sum(1 + nodes(item) for item in value.values())
        if isinstance(value, YamlList):
            return 1 + sum(nodes(item) for item in value)
        return 1

    assert isinstance(tree, YamlMap)
    assert tree.nodes == nodes(tree)
    for value in tree.values():
        assert value.nodes == nodes(value)


def test_places_are_kept_for_keys_values_and_items() -> None:
    tree = read_yaml(b"a: 1\nlonger: [x,  y]\n", "t.yaml")
    assert isinstance(tree, YamlMap)
    assert (tree.key_spot("a"), tree.value_spot("a")) == ((1, 1), (1, 4))
    assert (tree.key_spot("longer"), tree.value_spot("longer")) == ((2, 1), (2, 9))
    items = tree["longer"]
    assert (items.item_spot(0), items.item_spot(1)) == ((2, 10), (2, 14))
    assert tree.without({"a"}).value_spot("longer") == (2, 9)
    with pytest.raises(KeyError):
        tree.key_spot("b")


def test_a_big_mapping_finds_its_places() -> None:
    text = "".join(f"k{n}: {n}\n" for n in range(500))
    tree = read_yaml(text.encode(), "t.yaml")
    assert isinstance(tree, YamlMap)
    assert [tree.value_spot(f"k{n}") for n in (0, 250, 499)] == [(1, 5), (251, 7), (500, 7)]


# --- validated part by part, problems bounded -------------------------------------------

@pytest.fixture
def small_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parse, "PART_NODES", 40)
    monkeypatch.setattr(parse, "MAX_PROBLEMS", 25)


def claims(count: int, bad: Container[int] = frozenset()) -> str:
    return SOURCES + "claims:\n" + "".join(
        f"  - {{id: c{n}, source: afp, text: t{n}"
        f"{', credibility: 9' if n in bad else ''}}}\n" for n in range(count))


@pytest.mark.usefixtures("small_parts")
def test_a_file_checked_in_parts_is_the_file_checked_whole(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(claims(300))
    result = load_catalog([path], cache=None)
    assert result.ok
    catalog = result.catalog
    assert [c.id for c in catalog.claims.values()] == [f"c{n}" for n in range(300)]
    first_line = SOURCES.count("\n") + 2
    for n in (0, 150, 299):
        assert catalog.claims[f"c{n}"].origin.at("text").line == first_line + n


@pytest.mark.usefixtures("small_parts")
def test_problems_in_later_parts_are_placed_and_their_neighbours_kept(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(claims(300, bad={7, 250}))
    result = load_catalog([path], cache=None)
    first_line = SOURCES.count("\n") + 2
    assert [(d.location.line, d.code) for d in result.diagnostics] == [
        (first_line + 7, "out-of-range"), (first_line + 250, "out-of-range")]
    assert "claim 'c250'" in result.diagnostics[1].message
    assert result.whole is not None
    assert len(result.whole.claims) == 300  # salvaged


@pytest.mark.usefixtures("small_parts")
def test_past_the_problems_listed_one_message_counts_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text("contested: 1\nclaims: [" + "{}, " * 400 + "]\n")
    result = load_catalog([path], cache=None)
    listed = [d for d in result.diagnostics if d.code != "too-many-problems"]
    assert len(listed) == 25
    [summary] = [d for d in result.diagnostics if d.code == "too-many-problems"]
    assert summary.message.startswith(f"{3 * 400 - 25:,} more problems in this file")
    assert summary.location.line == 2


@pytest.mark.usefixtures("small_parts")
def test_unknown_keys_at_the_top_are_bounded_too(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text("contested: 1\n" + "".join(f"k{n}: 1\n" for n in range(100)))
    result = load_catalog([path], cache=None)
    assert [d.code for d in result.diagnostics] == ["unknown-field"] * 25 + [
        "too-many-problems"]
    assert result.diagnostics[-1].message.startswith("75 more problems")


@pytest.mark.usefixtures("small_parts")
def test_unknown_ids_are_bounded_and_not_all_looked_up(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(SOURCES + "claims:\n" + "".join(
        f"  - {{id: c{n}, source: nobody{n}, text: t}}\n" for n in range(100)))
    result = load_catalog([path], cache=None)
    assert [d.code for d in result.diagnostics].count("unknown-id") == 25
    assert result.diagnostics[-1].message.startswith("75 more problems")


def test_an_entity_over_the_limit_is_refused_unchecked(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(SOURCES + "claims:\n  - id: huge\n    text: t\n    source: ["
                    + "{}, " * (PART_NODES + 10) + "]\n"
                    "  - {id: fine, source: afp, text: t, disputes: huge}\n")
    result = load_catalog([path], cache=None)
    assert [d.code for d in result.diagnostics] == ["entity-too-large"]
    problem = result.diagnostics[0]
    assert problem.location.line == SOURCES.count("\n") + 2
    assert problem.message.startswith(f"claim 'huge' holds {PART_NODES + 10 + 7:,} YAML nodes")


# --- a file that does not load explains the references into it ----------------------------

def sparse(path: Path) -> None:
    with path.open("wb") as out:
        out.truncate(3 << 30)


@pytest.mark.parametrize("breakage", ["byte", "syntax", "sparse", "fifo", "list"])
def test_a_broken_sources_file_is_the_one_problem_reported(
        tmp_path: Path, breakage: str, capsys: pytest.CaptureFixture[str]) -> None:
    catalog = tmp_path / "catalog"
    shutil.copytree(TIMELINES, catalog)
    sources = catalog / "sources.yaml"
    good = load_catalog([catalog], cache=None)
    references = sum(len(c.source) + len(c.via) + (c.document is not None)
                     for c in good.catalog.claims.values())  # sources.yaml holds the document
    sources.unlink()
    if breakage == "byte":
        sources.write_bytes(b"contested: 1\nsources:\n  - {id: afp, name: \xff}\n")
    elif breakage == "syntax":
        sources.write_text("contested: 1\nsources:\n  - {id: afp, name: [}\n")
    elif breakage == "sparse":
        sparse(sources)
    elif breakage == "fifo":
        os.mkfifo(sources)
    else:
        sources.write_text("- not\n- a mapping\n")
    result = load_catalog([catalog], cache=None)
    assert [d.location.path for d in result.diagnostics] == [str(sources)]
    assert result.excused == references
    assert result.unchecked == [str(sources)]

    assert cli.main(["validate", "--no-cache", str(catalog)]) == 1
    out = capsys.readouterr().out
    assert out.startswith(f"{sources}")  # the cause first
    assert "unknown source" not in out
    assert out.rstrip().endswith(
        f"{references} references to unknown ids were not reported: what they name may be in "
        f"{sources}, which could not be checked")


def test_a_typo_is_still_reported_when_every_file_loads(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog"
    shutil.copytree(TIMELINES, catalog)
    claims_file = next(p for p in catalog.glob("kursk-*.yaml") if "source: afp" in p.read_text())
    claims_file.write_text(claims_file.read_text().replace("source: afp", "source: afpp", 1))
    result = load_catalog([catalog], cache=None)
    assert [d.code for d in result.diagnostics] == ["unknown-id"]
    assert result.excused == 0


# --- memory running out is said as such --------------------------------------------------

def test_memory_running_out_on_a_file_refuses_that_file_at_its_place(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(SOURCES)

    def exhausted(*args: object) -> None:
        raise MemoryError

    monkeypatch.setattr(parallel, "parse_timeline", exhausted)
    result = load_catalog([path], cache=None)
    assert [(d.location.line, d.code) for d in result.diagnostics] == [(1, "out-of-memory")]


def test_memory_running_out_anywhere_is_a_message_not_an_internal_error(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        private_cache: Path) -> None:
    def exhausted(arguments: list[str]) -> int:
        raise MemoryError

    monkeypatch.setattr(cli, "dispatch", exhausted)
    assert cli.main(["validate"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("contested: out of memory:")
    assert "internal error" not in err
    assert not (private_cache.parent / "crashes").exists()  # no report: not a bug


def test_a_notes_file_over_the_limit_is_a_located_message(tmp_path: Path) -> None:
    notes = tmp_path / "notes.yaml"
    sparse(notes)
    done = subprocess.run([sys.executable, "-m", "contested", "export", "--no-cache",
                           "--notes", str(notes), str(TIMELINES)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 1
    assert f"{notes}:1:1: the file has 3,221,225,472 bytes" in done.stderr
    assert "[file-too-large]" in done.stderr
