"""The `contested` command as a user runs it: exit codes, output, and no tracebacks.

Most tests call `main` in this process (`cli`), which is what the console script runs;
a few smoke tests start the real command (`run`), each saying why it needs a process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from contested import __version__
from contested.cli import main
from tests.helpers import SOURCES, Cli, Write

BIN = Path(sys.executable).parent


def run(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None
        ) -> subprocess.CompletedProcess[str]:
    """The real console script, in a fresh process."""
    return subprocess.run(
        [str(BIN / "contested"), *args], capture_output=True, text=True, cwd=cwd,
        env={**os.environ, **(env or {})}, timeout=60, check=False,
    )


def test_validate_bundled_catalog_from_any_directory(tmp_path: Path) -> None:
    """A real process: the installed console script, started in a folder that is not
    the project's, finds its bundled timelines (package data, not the working tree)
    and its exit status is main's."""
    done = run("validate", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == (
        "valid: 4 files, 19 sources, 1 document, 7 questions, 15 events, 40 claims "
        "(4 warnings)"
    )
    assert done.stderr == ""


def test_warnings_follow_errors_and_do_not_fail_unless_strict(write: Write, cli: Cli) -> None:
    write("sources.yaml", SOURCES)
    bad = write("bad.yaml", "contested: 1\nclaims:\n  - {id: c1, source: nobody, text: x}\n")
    done = cli("validate", str(bad.parent))
    assert done.returncode == 1
    headlines = [line for line in done.stdout.splitlines() if line.startswith(str(bad.parent))]
    assert headlines[0].startswith(f"{bad}:3:22: unknown source 'nobody'")
    assert all(": warning: " in line for line in headlines[1:])
    assert len(headlines) > 1

    bad.unlink()
    relaxed = cli("validate", str(bad.parent))
    assert relaxed.returncode == 0
    assert relaxed.stdout.splitlines()[-1].endswith("(5 warnings)")
    strict = cli("validate", "--strict", str(bad.parent))
    assert strict.returncode == 1


def test_python_dash_m_runs_the_same_command() -> None:
    """A real process: `python -m contested` runs `__main__`, which only an
    interpreter started that way does."""
    done = subprocess.run([sys.executable, "-m", "contested", "--version"],
                          capture_output=True, text=True, check=False)
    assert (done.returncode, done.stdout) == (0, f"contested {__version__}\n")


def test_invalid_catalog_exits_1_with_located_errors_and_carets(write: Write, cli: Cli
                                                                ) -> None:
    write("sources.yaml", SOURCES)
    bad = write("bad.yaml", "contested: 1\nclaims:\n  - id: c1\n    source: afp\n    txt: x\n")
    done = cli("validate", str(bad.parent))
    assert done.returncode == 1
    assert done.stdout.splitlines()[:4] == [
        f"{bad}:3:5: claim 'c1' has no 'text', which is required [missing-field]",
        "  |",
        "3 |   - id: c1",
        "  |     ^",
    ]
    assert done.stdout.rstrip().endswith(
        "2 errors in 1 file (5 warnings); the catalog was not loaded"
    )
    assert "Traceback" not in done.stdout + done.stderr


def test_json_format_lists_error_objects(write: Write, cli: Cli) -> None:
    bad = write("bad.yaml", "contested: 1\nsources:\n  - {id: a, nme: A}\n")
    done = cli("validate", "--format", "json", str(bad))
    assert done.returncode == 1
    problems = json.loads(done.stdout)
    assert [(p["path"], p["line"], p["column"], p["code"]) for p in problems] == [
        (str(bad), 3, 5, "missing-field"), (str(bad), 3, 13, "unknown-field"),
    ]
    assert set(problems[0]) >= {"path", "line", "column", "code", "message"}


def test_json_format_of_a_valid_catalog_lists_only_warnings(cli: Cli) -> None:
    done = cli("validate", "--format", "json")
    assert done.returncode == 0
    problems = json.loads(done.stdout)
    assert {p["severity"] for p in problems} == {"warning"}
    assert {p["code"] for p in problems} == {"question-with-one-claim"}


@pytest.mark.parametrize(
    "args",
    [["validate", "--bogus"], ["frobnicate"], ["validate", "--format", "xml"], ["-x"]],
)
def test_usage_errors_exit_2(args: list[str], cli: Cli) -> None:
    done = cli(*args)
    assert done.returncode == 2
    assert "usage: contested" in done.stderr


def test_a_usage_error_is_the_commands_exit_status() -> None:
    """A real process: argparse ends a usage error with SystemExit, which main turns
    into a returned 2; only the real command shows that the shell gets that status,
    with the usage on stderr and nothing on stdout."""
    done = run("frobnicate")
    assert done.returncode == 2
    assert "usage: contested" in done.stderr
    assert done.stdout == ""


def test_missing_path_is_a_usage_error(tmp_path: Path, cli: Cli) -> None:
    done = cli("validate", str(tmp_path / "nope.yaml"))
    assert done.returncode == 2
    assert done.stderr == f"contested: {tmp_path / 'nope.yaml'}: no such file or directory " \
                          "[no-such-path]\n"


@pytest.mark.parametrize("command", [[], ["validate"], ["schema"]])
def test_help_for_every_command(command: list[str], cli: Cli) -> None:
    done = cli(*command, "--help")
    assert done.returncode == 0
    assert done.stdout.startswith("usage: contested")


def test_hostile_text_in_messages_is_inert(write: Write, cli: Cli) -> None:
    bad = write("bad.yaml",
                'contested: 1\nsources:\n  - {id: a, name: A, "\\e]52;c;aGk=\\a\\e[2J": 1}\n')
    done = cli("validate", str(bad))
    assert done.returncode == 1
    assert "\x1b" not in done.stdout
    assert "\x07" not in done.stdout
    assert "unknown field '␛]52;c;aGk=␇␛[2J'" in done.stdout


def test_an_unexpected_failure_prints_one_line_and_writes_a_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import contested.catalog.loading

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(contested.catalog.loading, "load_catalog", explode)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert main(["validate"]) == 70
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1
    assert err.startswith("contested: internal error (RuntimeError); the full report is in ")
    report = Path(err.split(" is in ")[1].split(". Please")[0])
    assert report.is_relative_to(tmp_path)
    text = report.read_text()
    assert "Traceback" in text
    assert "RuntimeError: boom" in text


def test_keyboard_interrupt_exits_130(monkeypatch: pytest.MonkeyPatch) -> None:
    import contested.cli

    def interrupted(argv: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(contested.cli, "dispatch", interrupted)
    assert main([]) == 130


def test_contradictions_table_of_the_bundled_catalog(cli: Cli) -> None:
    done = cli("contradictions")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == ("pipeline-operation-outcome: How did the Russian operation through "
                        "the gas pipeline end?")
    assert lines[1].split() == ["RULE", "SOURCE", "[SIDE]", "VALUE", "DATE", "CLAIM"]
    assert lines[2].split() == ["category+disputes", "Russian", "media", "[russia]", "success",
                                "2025-03?", "ru-media-pipeline-success"]
    assert lines[-1] == "9 contradictions"
    assert "across questions (declared by the analyst)" in lines


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--rule", "declared"], {"syrsky-vs-deepstate"}),
        (["--rule", "disputes"], {"category~ru-media-pipeline-success~ua-media-pipeline-losses"}),
        (["--source", "Gadi"], {"category~gady-already-difficult~syrsky-under-control",
                                "category~gady-already-difficult~zombie-rout",
                                "category~gady-front-giving-way~syrsky-under-control",
                                "category~gady-front-giving-way~zombie-rout"}),
        (["--side", "russia", "--question", "ukraine-situation-kursk"],
         {"category~gady-already-difficult~zombie-rout",
          "category~gady-front-giving-way~zombie-rout",
          "category~syrsky-under-control~zombie-rout",
          "category~ua-soldier-situation-serious~zombie-rout"}),
        (["--question", "pipeline-soldiers"], set()),  # known, with nothing against it
        (["--side", "RUSSIA", "--question", "pipeline-soldiers"], set()),
    ],
)
def test_contradictions_filters(args: list[str], expected: set[str], cli: Cli) -> None:
    done = cli("contradictions", "--json", *args)
    assert done.returncode == 0, done.stderr
    assert {item["id"] for item in json.loads(done.stdout)} == expected


def test_contradictions_filter_as_the_explorer_does(cli: Cli) -> None:
    """The options are the explorer's filter (present/filters.py): a source's id means
    that source alone ("afp" is AFP, not also the soldier "interviewed by AFP", who is
    found by a part of the name); `--source` and `--side` each say what a contradiction
    holds, so together they are that source against that side."""
    def found(*args: str) -> set[str]:
        done = cli("contradictions", "--json", *args)
        assert done.returncode == 0, done.stderr
        return {item["id"] for item in json.loads(done.stdout)}

    assert found("--source", "afp") == set()  # AFP itself contradicts no one
    assert found("--source", "interviewed") == {
        "category~syrsky-under-control~ua-soldier-situation-serious",
        "category~ua-soldier-situation-serious~zombie-rout"}
    assert found("--source", "gady", "--side", "russia") == {
        "category~gady-already-difficult~zombie-rout",
        "category~gady-front-giving-way~zombie-rout"}


CROWD = """\
contested: 1
sources:
  - {id: a, name: Agency A, side: north}
  - {id: b, name: Agency B, side: south}
  - {id: c, name: Agency C, side: south}
questions:
  - {id: bridge, text: Who holds the bridge?, kind: category}
claims:
"""


def test_contradictions_of_a_grouped_question_filtered(write: Write, cli: Cli) -> None:
    """35 claims of A against 18 of B and 17 of C: 1,225 contradictions, shown as a
    group. A filter keeps the group whole; with `--all`, its pairs that pass."""
    lines = [f"  - {{id: c{n}, source: {'a' if n % 2 == 0 else 'bc'[n % 4 == 3]}, text: t, "
             f"about: bridge, value: {'xy'[n % 2]}, as_of: 2030-05}}\n" for n in range(70)]
    folder = write("crowd.yaml", CROWD + "".join(lines)).parent

    def listed(*args: str) -> list[dict[str, object]]:
        done = cli("contradictions", "--json", *args, str(folder))
        assert done.returncode == 0, done.stderr
        items: list[dict[str, object]] = json.loads(done.stdout)
        return items

    (group,) = listed("--source", "c")
    assert (group["kind"], group["pairs"]) == ("group", 1225)
    pairs = listed("--source", "c", "--all")
    assert len(pairs) == 35 * 17
    for item in pairs:
        sources = item["sources"]
        assert isinstance(sources, list)
        assert ["c"] in sources
    assert len(listed("--source", "c", "--side", "north", "--all")) == 35 * 17
    assert len(listed("--side", "north", "--all")) == 1225
    words = cli("contradictions", "--all", "--source", "c", str(folder)).stdout.split()
    assert "c3" in words
    assert "c1" not in words  # B's: its pairs with A are not listed


def test_contradictions_json_fields(cli: Cli) -> None:
    done = cli("contradictions", "--json", "--rule", "declared")
    (item,) = json.loads(done.stdout)
    assert set(item) >= {"id", "rules", "rule", "question", "claims", "sources", "values",
                         "dates", "explanation"}
    assert item["claims"] == ["syrsky-under-control", "deepstate-third-lost"]
    assert item["sources"] == [["syrsky"], ["deepstate"]]
    assert item["values"] == ["under-control", "more than 33.3 percent"]
    assert item["dates"] == ["2025-03?", "2025-03?"]
    assert item["explanation"] == ("Oleksandr Syrsky: under-control (2025-03?) vs "
                                   "DeepState: more than 33.3 percent (2025-03?)")


def test_a_large_question_is_summarised_in_the_table(write: Write, cli: Cli) -> None:
    claims = "".join(
        f"  - {{id: c{i}, source: afp, text: x, about: area, value: {100 * (i + 1)}, "
        "as_of: 2025-03}\n"
        for i in range(30)
    )
    write("sources.yaml", SOURCES)
    folder = write("claims.yaml", "contested: 1\nclaims:\n" + claims).parent
    done = cli("contradictions", str(folder))
    assert done.returncode == 0, done.stderr
    assert "  … and 385 more: use --all to list them" in done.stdout
    assert done.stdout.splitlines()[-1] == "405 contradictions"
    everything = cli("contradictions", "--all", str(folder))
    assert "more: use --all" not in everything.stdout


def test_contradictions_of_a_broken_catalog_exit_1(write: Write) -> None:
    """A real process: exit status 1 and the located error on the stderr of the
    command itself, and nothing at all on its stdout (nothing left in a buffer to be
    flushed at exit)."""
    bad = write("bad.yaml", "contested: 1\nsources:\n  - {id: a}\n")
    done = run("contradictions", str(bad))
    assert done.returncode == 1
    assert done.stdout == ""
    assert f"{bad}:3:5: source 'a' has no 'name', which is required" in done.stderr


def test_the_cli_offers_the_engines_rules() -> None:
    """`--rule` offers the one list of rules (vocabulary.py), and that list is the
    engine's: "declared" and the rules it finds in pairs."""
    import argparse

    import contested.engine.contradictions
    import contested.vocabulary
    from contested.cli import build_parser

    commands = next(action for action in build_parser()._actions
                    if isinstance(action, argparse._SubParsersAction))
    (rule,) = [action for action in commands.choices["contradictions"]._actions
               if action.dest == "rule"]
    assert rule.choices is contested.vocabulary.RULES
    found = {name for _, name in contested.engine.contradictions.PAIR_RULES}
    assert {"declared", *found} == set(contested.vocabulary.RULES)


REVIEWED = """\
contested-notes: 1
notes:
  contradictions:
    "category~syrsky-under-control~zombie-rout": {star: true, tags: ["follow-up"], \
comments: [{at: "2025-03-12T10:04:00Z", text: "Syrsky spoke on Monday"}], status: explained, \
preferred: "syrsky-under-control", reason: "withdrawals, not a rout"}
  claims:
    "deepstate-third-lost": {star: true}
    "gone-claim": {tags: ["kept"]}
  events: {}
  sources: {}
views:
  "ukrainian": {filter: "side:ukraine"}
"""


def test_export_with_notes_shows_the_review(tmp_path: Path, cli: Cli) -> None:
    notes = tmp_path / "notes.yaml"
    notes.write_text(REVIEWED)
    done = cli("export", "--notes", str(notes))
    assert done.returncode == 0, done.stderr
    report = done.stdout
    review = report.index("**Review:** ★ starred · status: explained · tags: follow-up")
    assert report.index("category~syrsky-under-control~zombie-rout") < review
    assert "Preferred: `syrsky-under-control`, because withdrawals, not a rout" in report
    assert "- 2025-03-12T10:04:00Z: Syrsky spoke on Monday" in report
    assert "### claim `deepstate-third-lost`" in report
    assert "no longer in the catalog (kept in the notes file): claim `gone-claim`" in report
    exported = json.loads(cli("export", "--format", "json", "--notes", str(notes)).stdout)
    assert exported["notes"]["contradictions"][
        "category~syrsky-under-control~zombie-rout"]["status"] == "explained"
    assert exported["views"] == {"ukrainian": {"filter": "side:ukraine"}}
    assert "notes" not in json.loads(cli("export", "--format", "json").stdout)


def test_export_with_a_missing_or_broken_notes_file_fails_clearly(tmp_path: Path, cli: Cli
                                                                  ) -> None:
    done = cli("export", "--notes", str(tmp_path / "none.yaml"))
    assert done.returncode == 2
    assert "none.yaml: no such file" in done.stderr
    broken = tmp_path / "broken.yaml"
    broken.write_text("contested-notes: 1\nnotes:\n  claims:\n    a: {stars: true}\n")
    done = cli("export", "--notes", str(broken))
    assert done.returncode == 1
    assert "broken.yaml:4:9: unknown field 'stars'" in done.stderr
    assert done.stdout == ""
    assert "Traceback" not in done.stderr


def test_explorer_notes_must_be_a_file(tmp_path: Path, cli: Cli) -> None:
    done = cli("--notes", str(tmp_path))
    assert done.returncode == 2
    assert "a folder, not a file" in done.stderr


# --- help -------------------------------------------------------------------------------------

@pytest.mark.parametrize("command", ["validate", "contradictions", "export", "schema"])
def test_each_commands_usage_line_names_it(command: str, capsys: pytest.CaptureFixture[str]
                                           ) -> None:
    assert main([command, "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: contested {command} [-h]")
    assert "(the explorer)" not in out
    assert "COMMAND" not in out


def test_a_commands_usage_error_shows_its_own_usage(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--format", "xml"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: contested validate [-h]")
    assert "contested validate: error: argument --format" in err


@pytest.mark.parametrize("args", [["--help"], ["-h"], ["--no-mouse", "--help"]])
def test_top_level_help_shows_every_explorer_option_and_every_command(
        args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(args) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: contested [--no-mouse] [--no-cache] [--notes PATH] "
                          "[--view NAME] [PATH ...]\n       contested COMMAND")
    for option in ("--no-mouse", "--no-cache", "--notes PATH", "--view NAME", "--version"):
        assert f"\n  {option}" in out, option
    for command in ("validate", "contradictions", "export", "schema"):
        assert f"\n  {command} " in out, command


# --- contradictions: names that match nothing -------------------------------------------------

@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--question", "nope"], "unknown question 'nope'"),
        (["--question", "ukraine-situation-kursq"],
         "unknown question 'ukraine-situation-kursq' (did you mean 'ukraine-situation-kursk'?)"),
        (["--question", "Pipeline-Soldiers"],
         "unknown question 'Pipeline-Soldiers' (did you mean 'pipeline-soldiers'?)"),
        (["--source", "nobody"], "no source is 'nobody' or has it in a name"),
        (["--source", "syrksy"],
         "no source is 'syrksy' or has it in a name (did you mean 'syrsky'?)"),
        (["--source", "stefna"],
         "no source is 'stefna' or has it in a name (did you mean 'Stefan'?)"),
        (["--side", "x"], "unknown side 'x'; the sides are neutral, russia, south-korea, "
                          "ukraine, united-kingdom, unknown, west"),
        (["--side", "rusia"], "unknown side 'rusia' (did you mean 'russia'?); the sides are "),
        (["--rule", "quantiy"], "unknown rule 'quantiy' (did you mean 'quantity'?); the rules "
                                "are declared, category, quantity, disputes"),
    ],
)
def test_contradictions_with_an_unknown_name_say_so_and_exit_2(
        args: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["contradictions", *args]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert message in captured.err
    assert "no contradictions" not in captured.err


def test_an_unknown_question_lists_the_first_ten_known_ones(
        write: Write, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["contradictions", "--question", "nope"]) == 2
    assert capsys.readouterr().err == (
        "contested: unknown question 'nope'; the questions are north-korean-soldiers-kursk, "
        "pipeline-operation-outcome, pipeline-soldiers, russia-controlled-share-ukraine, "
        "ukraine-held-area-kursk, ukraine-held-area-lost-share, ukraine-situation-kursk\n")
    questions = "".join(f"  - {{id: q{n:02d}, text: x, kind: quantity}}\n" for n in range(12))
    folder = write("q.yaml", "contested: 1\nquestions:\n" + questions).parent
    assert main(["contradictions", "--question", "q1", str(folder)]) == 2
    assert capsys.readouterr().err == (
        "contested: unknown question 'q1'; the questions are q00, q01, q02, q03, q04, q05, "
        "q06, q07, q08, q09 and 2 more\n")


# --- export: the format of -o FILE ------------------------------------------------------------

@pytest.mark.parametrize(
    ("name", "starts"),
    [("x.csv", "id,"), ("X.CSV", "id,"), ("x.json", "{"), ("x.md", "# Contested claims"),
     ("x.markdown", "# Contested claims"), ("x.txt", "# Contested claims"),
     ("report", "# Contested claims")],
)
def test_export_takes_the_format_from_the_files_extension(
        tmp_path: Path, name: str, starts: str, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / name
    assert main(["export", "-o", str(target)]) == 0
    assert target.read_text().startswith(starts)
    if starts == "{":
        assert json.loads(target.read_text())["format"] == "contested-export"


@pytest.mark.parametrize(
    ("fmt", "name", "message"),
    [("markdown", "x.csv", "--format markdown does not match {}, a csv file's name"),
     ("csv", "x.json", "--format csv does not match {}, a json file's name"),
     ("json", "x.md", "--format json does not match {}, a markdown file's name")],
)
def test_export_refuses_a_format_that_contradicts_the_extension(
        tmp_path: Path, fmt: str, name: str, message: str,
        capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / name
    assert main(["export", "--format", fmt, "-o", str(target)]) == 2
    err = capsys.readouterr().err
    assert message.format(target) in err
    assert not target.exists()


def test_export_format_agreeing_with_the_extension_or_to_stdout(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "x.csv"
    assert main(["export", "--format", "csv", "-o", str(target)]) == 0
    assert target.read_text().startswith("id,")
    assert main(["export", "-o", "-"]) == 0
    assert capsys.readouterr().out.startswith("# Contested claims")
    assert main(["export", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["format"] == "contested-export"


# --- notes in a folder that does not exist ----------------------------------------------------

def test_explorer_notes_in_a_missing_folder_is_a_usage_error(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "nonexistent-dir"
    assert main(["--notes", str(folder / "notes.yaml")]) == 2
    err = capsys.readouterr().err
    assert f"--notes {folder / 'notes.yaml'}: the folder {folder} does not exist" in err
    assert not folder.exists()


def test_explorer_notes_under_a_file_is_a_usage_error(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x\n")
    assert main(["--notes", str(blocker / "notes.yaml")]) == 2
    assert f"{blocker} is not a folder" in capsys.readouterr().err


def test_export_notes_in_a_missing_folder_says_which_folder(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "nonexistent-dir"
    assert main(["export", "--notes", str(folder / "notes.yaml")]) == 2
    assert f"the folder {folder} does not exist" in capsys.readouterr().err
    assert not folder.exists()
