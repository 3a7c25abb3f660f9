"""`contested new`: the starter catalog validates as written, teaches every form of the
format, and never overwrites anything."""

from __future__ import annotations

import errno
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from contested.catalog.archives import ArchiveChecks
from contested.catalog.loading import load_catalog
from contested.catalog.starter import SCHEMA_LINE, starter_files
from contested.support.files import create_new
from contested.support.text import printable
from tests.format.test_schema import Core12Loader
from tests.helpers import Cli

STARTER = sorted(starter_files())
"""The starter's files, by their paths in its folder."""
HOSTILE = "cat\x1b[2J\x07\u202e"


@pytest.fixture
def starter(tmp_path: Path, cli: Cli) -> Path:
    """A starter catalog written by `contested new`."""
    folder = tmp_path / "catalog"
    done = cli("new", str(folder))
    assert done.returncode == 0, done.stderr
    return folder


def contents(folder: Path) -> dict[str, bytes]:
    """Every file under `folder`, by its path in it."""
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def yaml_files(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.yaml"))


def walk(node: Any) -> Iterator[Any]:
    """Every mapping and list in a parsed YAML document, depth first."""
    yield node
    children = node.values() if isinstance(node, dict) else node if isinstance(
        node, list) else []
    for child in children:
        yield from walk(child)


# --- it validates as written -----------------------------------------------------------------

def test_new_writes_the_files_and_says_what_to_do_next(tmp_path: Path, cli: Cli) -> None:
    folder = tmp_path / "a" / "b" / "catalog"  # made with its parents
    done = cli("new", str(folder))
    assert done.returncode == 0, done.stderr
    assert sorted(contents(folder)) == STARTER
    for name in STARTER:
        assert f"  {folder / name}\n" in done.stdout
    assert f"contested validate {folder} " in done.stdout
    assert f"  contested {folder} " in done.stdout


def test_the_starter_validates_strictly_with_no_warning(starter: Path, cli: Cli) -> None:
    done = cli("validate", "--strict", str(starter))
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("valid: 2 files, 7 sources, 1 document, 2 questions, "
                                  "3 events, 13 claims")
    assert "warning" not in done.stdout + done.stderr


def test_without_a_folder_it_writes_in_the_current_one(
        tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    done = cli("new")
    assert done.returncode == 0, done.stderr
    assert sorted(contents(tmp_path)) == STARTER
    assert "contested validate . " in done.stdout
    assert cli("validate", "--strict", ".").returncode == 0


def test_every_yaml_file_names_the_schema_written_beside_it(starter: Path, cli: Cli) -> None:
    files = yaml_files(starter)
    assert len(files) == 2
    for path in files:
        assert path.read_text(encoding="utf-8").startswith(SCHEMA_LINE)
        assert SCHEMA_LINE == "# yaml-language-server: $schema=contested.schema.json\n"
        assert (path.parent / "contested.schema.json").is_file()
    schema = cli("schema")
    assert schema.returncode == 0
    assert (starter / "contested.schema.json").read_text(encoding="utf-8") == schema.stdout


@pytest.mark.parametrize("name", ["sources.yaml", "timeline.yaml"])
def test_each_yaml_file_validates_against_its_schema(starter: Path, name: str) -> None:
    schema = json.loads((starter / "contested.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    # As an editor reads it: YAML 1.2, where a date stays text (PyYAML's YAML 1.1 would
    # make it a date object, which no JSON Schema type matches).
    document = yaml.load((starter / name).read_text(encoding="utf-8"), Loader=Core12Loader)
    assert [error.message for error in validator.iter_errors(document)] == []


def test_every_quote_of_the_starter_is_verified(starter: Path) -> None:
    result = load_catalog([starter])
    assert result.ok, result.diagnostics
    checks = ArchiveChecks.of(result.catalog)
    quoted = [claim.id for claim in result.catalog.claims.each() if claim.quote is not None]
    assert len(quoted) >= 10
    assert {claim: check.state for claim, check in checks.quotes.items()} == dict.fromkeys(
        quoted, "verified")
    (copy,) = checks.copies.values()
    assert copy.state == "checked"
    assert copy.verified == len(quoted)
    assert checks.problems == []


def test_the_hash_is_the_archived_copys_so_an_edit_to_it_is_an_error(
        starter: Path, cli: Cli) -> None:
    archived = next((starter / "archive").iterdir())
    archived.write_text(archived.read_text(encoding="utf-8").replace("38", "83"),
                        encoding="utf-8")
    done = cli("validate", str(starter))
    assert done.returncode == 1
    assert "[archive-changed]" in done.stdout


# --- it shows every form ---------------------------------------------------------------------

def test_the_starter_shows_every_kind_of_claim_and_value_form(starter: Path) -> None:
    sources, timeline = (yaml.load((starter / name).read_text(encoding="utf-8"),
                                   Loader=yaml.BaseLoader)
                         for name in ("sources.yaml", "timeline.yaml"))
    kinds = {q["id"]: q["kind"] for q in timeline["questions"]}
    assert sorted(kinds.values()) == ["category", "quantity"]
    assert any("values" in q for q in timeline["questions"] if q["kind"] == "category")
    assert any({"unit", "tolerance"} <= set(q) for q in timeline["questions"]
               if q["kind"] == "quantity")
    claims = timeline["claims"]
    values = [(kinds[c["about"]], c["value"]) for c in claims if "value" in c]
    assert any(kind == "category" for kind, _ in values)
    assert any(kind == "quantity" and isinstance(value, str) for kind, value in values)
    forms = {key for _, value in values if isinstance(value, dict) for key in value}
    assert forms == {"about", "at_least", "at_most", "more_than", "less_than", "between",
                     "best"}
    for field in ("via", "disputes", "supports", "as_of", "credibility", "document",
                  "quote", "note", "event", "said"):
        assert any(field in claim for claim in claims), field
    assert any(isinstance(claim["source"], list) and len(claim["source"]) == 2
               for claim in claims)
    assert {c["credibility"] for c in claims if "credibility" in c} >= {"1", "5"}
    assert timeline["contradictions"]
    # Sources of several kinds, sides and grades, one with aliases; one archived document.
    assert len({s["kind"] for s in sources["sources"]}) >= 5
    assert len({s.get("side") for s in sources["sources"]}) >= 3
    assert len({s.get("reliability") for s in sources["sources"]}) >= 3
    assert any(s.get("aliases") for s in sources["sources"])
    (document,) = sources["documents"]
    assert document["archived"].startswith("archive/")
    assert len(document["sha256"]) == 64


def test_each_kind_of_fuzzy_date_is_shown_and_explained(starter: Path) -> None:
    timeline = yaml.load((starter / "timeline.yaml").read_text(encoding="utf-8"),
                         Loader=yaml.BaseLoader)
    dated = [node for node in walk(timeline) if isinstance(node, dict)
             and {"date", "said", "as_of", "period"} & set(node)]
    for mark in ("~", "?", "/", "XX"):
        having = [node for node in dated
                  if any(mark in node.get(f, "") for f in ("date", "said", "as_of", "period"))]
        assert having, mark
        assert all("note" in node for node in having), mark


# --- it never overwrites ---------------------------------------------------------------------

def test_a_second_new_refuses_and_leaves_every_file_as_it_was(starter: Path, cli: Cli
                                                              ) -> None:
    before = contents(starter)
    stamps = {path: path.stat().st_mtime_ns for path in starter.rglob("*")}
    done = cli("new", str(starter))
    assert done.returncode == 1
    assert done.stdout == ""
    assert f"no starter catalog was written in {starter}" in done.stderr
    for name in STARTER:
        assert f"  {starter / name}\n" in done.stderr
    assert "Traceback" not in done.stderr
    assert contents(starter) == before
    assert {path: path.stat().st_mtime_ns for path in starter.rglob("*")} == stamps


@pytest.mark.parametrize("name", STARTER)
def test_one_file_in_the_way_refuses_and_writes_none_of_the_others(
        tmp_path: Path, cli: Cli, name: str) -> None:
    (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / name).write_text("mine\n", encoding="utf-8")
    done = cli("new", str(tmp_path))
    assert done.returncode == 1
    assert f"  {tmp_path / name}\n" in done.stderr
    assert contents(tmp_path) == {name: b"mine\n"}


def test_a_file_where_its_archive_folder_goes_refuses(tmp_path: Path, cli: Cli) -> None:
    (tmp_path / "archive").write_text("mine\n", encoding="utf-8")
    done = cli("new", str(tmp_path))
    assert done.returncode == 1
    assert f"  {tmp_path / 'archive'}\n" in done.stderr
    assert contents(tmp_path) == {"archive": b"mine\n"}


def test_a_file_made_while_it_writes_is_kept_and_the_rest_undone(
        tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """Someone else writes timeline.yaml between the check and the write: theirs stays,
    and what the starter had written already is removed."""
    import contested.catalog.starter as module

    def racing(path: str | Path, data: bytes) -> None:
        if Path(path).name == "timeline.yaml":
            Path(path).write_text("theirs\n", encoding="utf-8")
        create_new(path, data)

    monkeypatch.setattr(module, "create_new", racing)
    folder = tmp_path / "new"
    done = cli("new", str(folder))
    assert done.returncode == 1
    assert f"  {folder / 'timeline.yaml'}\n" in done.stderr
    assert contents(folder) == {"timeline.yaml": b"theirs\n"}
    assert sorted(p.name for p in folder.iterdir()) == ["timeline.yaml"]  # no temporary


def test_create_new_never_replaces_a_file_or_a_link(tmp_path: Path) -> None:
    mine = tmp_path / "mine.yaml"
    mine.write_text("mine\n", encoding="utf-8")
    link = tmp_path / "link.yaml"
    link.symlink_to(tmp_path / "nowhere.yaml")
    for path in (mine, link):
        with pytest.raises(FileExistsError):
            create_new(path, b"new\n")
    assert mine.read_text(encoding="utf-8") == "mine\n"
    assert not (tmp_path / "nowhere.yaml").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.yaml", "mine.yaml"]
    create_new(tmp_path / "fresh.yaml", b"new\n")
    assert (tmp_path / "fresh.yaml").read_bytes() == b"new\n"


def test_create_new_without_hard_links_still_never_replaces(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On a file system without hard links (FAT, some shares) the name is created
    exclusively instead."""

    def no_links(source: object, target: object) -> None:
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    create_new(tmp_path / "fresh.yaml", b"new\n")
    assert (tmp_path / "fresh.yaml").read_bytes() == b"new\n"
    with pytest.raises(FileExistsError):
        create_new(tmp_path / "fresh.yaml", b"other\n")
    assert (tmp_path / "fresh.yaml").read_bytes() == b"new\n"
    assert [p.name for p in tmp_path.iterdir()] == ["fresh.yaml"]  # no temporary left


@pytest.mark.parametrize("kind", ["file", "fifo"])
def test_a_dir_that_is_not_a_folder_is_refused_without_a_traceback(
        tmp_path: Path, cli: Cli, kind: str) -> None:
    path = tmp_path / "catalog"
    if kind == "file":
        path.write_text("mine\n", encoding="utf-8")
    else:
        os.mkfifo(path)
    done = cli("new", str(path))
    assert done.returncode == 1
    said = "a regular file" if kind == "file" else "a FIFO (named pipe)"
    assert done.stderr == f"contested: {path} is {said}, not a folder\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["catalog"]


def test_a_folder_under_a_file_is_refused_without_a_traceback(tmp_path: Path, cli: Cli
                                                              ) -> None:
    (tmp_path / "file").write_text("mine\n", encoding="utf-8")
    done = cli("new", str(tmp_path / "file" / "catalog"))
    assert done.returncode == 1
    assert done.stderr.startswith(f"contested: no starter catalog was written in "
                                  f"{tmp_path / 'file' / 'catalog'}: ")
    assert "Traceback" not in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def test_a_dir_holding_escape_sequences_is_shown_with_stand_ins(tmp_path: Path, cli: Cli
                                                                ) -> None:
    folder = tmp_path / HOSTILE
    written = cli("new", str(folder))
    refused = cli("new", str(folder))
    assert (written.returncode, refused.returncode) == (0, 1)
    for said in (written.stdout, refused.stderr):
        assert printable(str(folder)) in said
        assert not any(char in said for char in "\x1b\x07\u202e")
    assert sorted(contents(folder)) == STARTER


def test_a_dir_named_like_a_command_is_shown_as_a_path(
        tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    done = cli("new", "validate")
    assert done.returncode == 0, done.stderr
    assert "  contested ./validate " in done.stdout  # `contested validate` is a command


def test_new_has_its_own_help(cli: Cli) -> None:
    done = cli("new", "--help")
    assert done.returncode == 0
    assert done.stdout.startswith("usage: contested new [-h] [DIR]")
    assert "\n  new " in cli("--help").stdout
