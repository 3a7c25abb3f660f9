"""The `contested` command: thin subcommands over the core.

Exit status: 0 success, 1 invalid input (located errors printed), 2 usage error,
70 internal error (a one-line message and a report file, never a traceback).

Longer than the other modules (about 620 lines) because most of it is each command's
options and help text, which read best in one place; what a command does is a call into
the layers below.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, cast

from contested import __version__
from contested.errors import ContestedError
from contested.support.progress import ProgressLine
from contested.vocabulary import NOTES_FILE_NAME, RULES

if TYPE_CHECKING:
    from contested.catalog.catalog import Catalog
    from contested.catalog.loading import LoadResult
    from contested.catalog.same_events import SameEventRule
    from contested.engine.analysis import Analysis
    from contested.engine.changes import Baseline
    from contested.engine.contradictions import Contradiction, Listed
    from contested.format.diagnostics import Diagnostic
    from contested.present.filters import Filter

EXPORT_FORMATS = ("markdown", "json", "csv")
FORMAT_OF_SUFFIX = {".md": "markdown", ".markdown": "markdown", ".json": "json", ".csv": "csv"}
"""`export -o FILE`: the format a file's extension names."""

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2

COMMANDS = {
    "validate": "check timelines and report every problem with its place",
    "contradictions": "list the claims that cannot all be true",
    "export": "write a report (markdown) or data (json, csv)",
    "schema": "print the JSON Schema of a timeline file",
    "new": "write a starter catalog to edit: every kind of claim, commented",
    "import": "write a dataset (ACLED, UCDP GED, TimelineJS, a CSV) as timeline files",
    "hypotheses": "rank each disputed question's answers by weighted inconsistency (ACH)",
    "diff": "what changed between two versions of a catalog (folders or git revisions)",
    "serve": "the explorer in a browser, for colleagues without a terminal",
    "merge-notes": "merge two branches' notes files, as git's merge driver: no edit lost",
}
"""Each command and its line in `contested --help`."""

USAGE = ("contested [--no-mouse] [--no-cache] [--notes PATH] [--view NAME] [PATH ...]\n"
         "       contested COMMAND [OPTIONS] [PATH ...]")


class _HelpFormatter(argparse.HelpFormatter):
    """argparse's wrapping, except for a paragraph of indented lines (the commands),
    which stays as written."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        fill = super()._fill_text
        return "\n\n".join(
            "\n".join(indent + line for line in paragraph.splitlines())
            if "\n  " in paragraph else fill(paragraph, width, indent)
            for paragraph in text.split("\n\n"))


def _one_of(kind: str, options: Sequence[str]) -> Callable[[str], str]:
    """An argparse `type` that refuses an unknown value with the nearest known one
    (argparse's own `choices` only lists them)."""

    def check(value: str) -> str:
        if value in options:
            return value
        from contested.format.diagnostics import did_you_mean

        raise argparse.ArgumentTypeError(
            f"unknown {kind} '{value}'{did_you_mean(value, options)}; the {kind}s are "
            + ", ".join(options))

    return check


class _Parser(argparse.ArgumentParser):
    """argparse, with messages made safe for the terminal (arguments are user input)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        from contested.support.text import printable

        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {printable(message)}\n")


def _non_negative(kind: Callable[[str], float]) -> Callable[[str], float]:
    """An argparse `type`: a number of `kind`, zero or more."""

    def check(value: str) -> float:
        try:
            number = kind(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{value}' is not a number") from None
        if not number >= 0 or number == float("inf"):
            raise argparse.ArgumentTypeError(f"'{value}' is not a number of 0 or more")
        return number

    return check


def _same_events(args: argparse.Namespace) -> SameEventRule:
    """The same-event rule the options ask for (`catalog.same_events`)."""
    from contested.catalog.same_events import DEFAULT_RULE, SameEventRule

    return SameEventRule(
        DEFAULT_RULE.within_km if args.same_event_km is None else args.same_event_km,
        DEFAULT_RULE.days_apart if args.same_event_days is None else int(args.same_event_days))


def _paths_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths", nargs="*", metavar="PATH",
        help="timeline files or directories (default: the bundled Kursk timelines)",
    )
    parser.add_argument(
        "--same-event-km", type=_non_negative(float), metavar="KM", default=None,
        help="events of different datasets at most KM apart (and of overlapping dates "
             "and agreeing kinds) are one event, whose figures are compared (default: 10)")
    parser.add_argument(
        "--same-event-days", type=_non_negative(int), metavar="DAYS", default=None,
        help="... and their dates may miss each other by at most DAYS days (default: 0)")
    parser.add_argument(
        "--no-cache", dest="cache", action="store_false",
        help="parse every file again, neither reading nor writing the cache of validated "
             "files and of what validate and contradictions printed (kept in the user's "
             "cache directory; safe to delete)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The commands' parser. `contested --help` and everything that is not a command go
    to `explorer_parser`, whose help lists the commands too."""
    parser = _Parser(prog="contested", usage=USAGE, add_help=False)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser,
                                     required=True)

    validate = commands.add_parser(
        "validate", prog="contested validate", help=COMMANDS["validate"],
        description="Check timeline files and report every problem as path:line:col, "
                    "then the warnings. Exit 0 when valid (warnings alone do not fail), "
                    "1 when not, 2 on a usage error.",
    )
    _paths_argument(validate)
    validate.add_argument("--format", choices=("text", "json"), default="text",
                          type=_one_of("format", ("text", "json")),
                          help="text for people (default), json for tools")
    validate.add_argument("--strict", action="store_true",
                          help="fail (exit 1) on warnings too")

    contradictions = commands.add_parser(
        "contradictions", prog="contested contradictions", help=COMMANDS["contradictions"],
        description="List every contradiction: declared ones, disputes links, and claims "
                    "on one question whose values or figures cannot both hold at "
                    "overlapping dates. Filters combine.",
    )
    _paths_argument(contradictions)
    contradictions.add_argument("--rule", action="append", default=[], choices=RULES,
                                type=_one_of("rule", RULES),
                                help="only contradictions found by this rule (repeatable)")
    contradictions.add_argument("--question", metavar="ID", help="only this question")
    contradictions.add_argument("--source", metavar="NAME",
                                help="only those with this source: its id (that source "
                                     "alone), or part of a name or alias")
    contradictions.add_argument("--side", metavar="SIDE",
                                help="only those with a source of this side (with "
                                     "--source: that source against this side)")
    contradictions.add_argument("--json", action="store_true",
                                help="print a JSON list of objects instead of a table")
    contradictions.add_argument("--all", action="store_true",
                                help="list every contradiction of a large question (the "
                                     "table shows 20 per question) and every pair of a "
                                     "group (a question with more than 1,000 shows groups)")

    export = commands.add_parser(
        "export", prog="contested export", help=COMMANDS["export"],
        description="Export the catalog and what the engine found: markdown for a report "
                    "to send, json for the normalized catalog and analysis, csv for one "
                    "row per claim. -o FILE replaces a file atomically (the real file behind "
                    "a link); a FIFO, a device or - is written through in place.",
    )
    _paths_argument(export)
    export.add_argument("--format", choices=EXPORT_FORMATS,
                        type=_one_of("format", EXPORT_FORMATS),
                        help="markdown, json or csv (default: the one -o FILE's extension "
                             "names, .md, .json or .csv; else markdown)")
    export.add_argument("-o", "--output", metavar="FILE",
                        help="write to FILE instead of standard output: a file is replaced "
                             "atomically, a FIFO or device is written through")
    export.add_argument("--all", action="store_true",
                        help="every pair of a grouped question (a question with more than "
                             "1,000 contradictions gives its groups and their counts)")
    export.add_argument("--compact", action="store_true",
                        help="json on one line, without indentation (the same data)")
    export.add_argument("--notes", metavar="FILE", type=Path,
                        help="include the review notes of FILE: stars, statuses, preferred "
                             "claims with their reasons, tags and comments (markdown, json)")
    export.add_argument("--history", action="store_true",
                        help="with --notes: include the history of note changes kept "
                             "beside FILE, who changed what and when, newest first "
                             "(markdown, json)")
    export.add_argument("--analyst", metavar="NAME",
                        help="with --history: only the changes NAME made")

    commands.add_parser(
        "schema", prog="contested schema", help=COMMANDS["schema"],
        description="Print the JSON Schema (draft 2020-12) of a timeline file, for editors "
                    "with yaml-language-server and for JSON Schema validators.",
    )

    new = commands.add_parser(
        "new", prog="contested new", help=COMMANDS["new"],
        description="Write a starter catalog in DIR: sources.yaml, timeline.yaml, an "
                    "archived document and the JSON Schema, commented, with one example of "
                    "each kind of claim and value form. It validates as written. Nothing is "
                    "written if any of these files exists already (exit 1).",
    )
    new.add_argument("folder", nargs="?", default=".", metavar="DIR",
                     help="the folder to write in, made if missing (default: the current "
                          "folder)")
    _import_parser(commands)
    _hypotheses_parser(commands)
    _diff_parser(commands)
    _serve_parser(commands)
    _merge_notes_parser(commands)
    return parser


def _merge_notes_parser(commands: Any) -> None:
    command = commands.add_parser(
        "merge-notes", prog="contested merge-notes", help=COMMANDS["merge-notes"],
        description="Merge two versions of a notes file that come from BASE, writing the "
                    "result to OURS: git's merge driver for the notes file (in "
                    ".gitattributes `contested-notes.yaml merge=contested`, then `git config "
                    "merge.contested.driver \"contested merge-notes %O %A %B\"`). "
                    "Comments, tags and stars of both sides are kept; a status, preference "
                    "or rating set differently on both sides is kept as a conflict on the "
                    "note, each side with who set it. Exit 0 when merged, 1 when conflicts "
                    "were kept (the file is written), 2 when a file is not a notes file "
                    "(OURS is left as it is).")
    command.add_argument("base", metavar="BASE", type=Path, help="the common ancestor (%%O)")
    command.add_argument("ours", metavar="OURS", type=Path,
                         help="this branch's version, replaced by the result (%%A)")
    command.add_argument("theirs", metavar="THEIRS", type=Path,
                         help="the other branch's version (%%B)")


def _port(value: str) -> int:
    """An argparse `type`: a TCP port, 0 (any free one) to 65535."""
    if not value.isdigit() or int(value) > 65535:
        raise argparse.ArgumentTypeError(f"'{value}' is not a port (0 to 65535)")
    return int(value)


def _serve_parser(commands: Any) -> None:
    from contested.tui.serve import ANALYST_VARIABLE, DEFAULT_HOST, DEFAULT_PORT

    command = commands.add_parser(
        "serve", prog="contested serve", help=COMMANDS["serve"],
        description="Serve the explorer to a browser (textual-serve): each browser tab runs "
                    "its own explorer on this machine. The page requests nothing from "
                    "elsewhere (it works offline). The URL printed at start carries a "
                    "random token; a request without it is refused. Notes are read-only "
                    "unless --allow-notes; then each session's notes are signed with the "
                    "name the colleague gives (the page asks, or ?analyst=NAME in the "
                    "URL), else --analyst's, and all share one notes file. ctrl+c stops "
                    "it and every explorer it started.")
    _paths_argument(command)
    command.add_argument("--host", default=DEFAULT_HOST,
                         help=f"the address to listen on (default: {DEFAULT_HOST}, this "
                              "machine only; 0.0.0.0 for every network it is on)")
    command.add_argument("--port", type=_port, default=DEFAULT_PORT,
                         help=f"the port to listen on (default: {DEFAULT_PORT}; 0: any "
                              "free port)")
    command.add_argument("--allow-notes", action="store_true",
                         help="let colleagues keep notes (default: read-only)")
    command.add_argument("--analyst", metavar="NAME",
                         help="with --allow-notes: the name notes are signed with when a "
                              f"colleague gives none (passed as ${ANALYST_VARIABLE})")
    command.add_argument("--notes", type=Path, metavar="PATH",
                         help=f"the review notes file (default: {NOTES_FILE_NAME} in the "
                              "first directory served, as for the explorer)")


def run_serve(args: argparse.Namespace, out: TextIO) -> int:
    from contested.support.dirs import default_notes_path
    from contested.support.text import is_printable, printable

    missing = [p for p in args.paths if not Path(p).exists()]
    notes = args.notes or default_notes_path(args.paths)
    problems = [f"{printable(path)}: no such file or directory" for path in missing]
    if notes.is_dir() or (args.notes is not None and _missing_folder(notes)):
        problem = "a folder, not a file" if notes.is_dir() else _missing_folder(notes)
        problems.append(f"--notes {printable(str(notes))}: {printable(problem or '')}")
    if args.analyst is not None and not args.allow_notes:
        problems.append("--analyst is for --allow-notes (served read-only, no notes are "
                        "signed)")
    elif args.analyst is not None and not (args.analyst.strip()
                                           and is_printable(args.analyst)):
        problems.append("--analyst: a name to read, without control or invisible "
                        "characters")
    if problems:
        for problem in problems:
            print(f"contested serve: {problem}", file=sys.stderr)
        return EXIT_USAGE
    options = [] if args.cache else ["--no-cache"]
    if args.same_event_km is not None:
        options += ["--same-event-km", str(args.same_event_km)]
    if args.same_event_days is not None:
        options += ["--same-event-days", str(int(args.same_event_days))]
    from contested.tui.serve.server import Served, Unservable, serve

    served = Served([os.path.abspath(p) for p in args.paths], Path(os.path.abspath(notes)),
                    allow_notes=args.allow_notes,
                    analyst=args.analyst.strip() if args.analyst else None, options=options)
    try:
        serve(served, host=args.host, port=args.port, out=out)
    except Unservable as refused:
        print(f"contested serve: {printable(str(refused))}", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_OK


def _diff_parser(commands: Any) -> None:
    command = commands.add_parser(
        "diff", prog="contested diff", help=COMMANDS["diff"],
        description="What changed from OLD to NEW: claims added, removed and changed "
                    "(value, dates, source...), figures revised up or down, contradictions "
                    "opened and closed (by their ids), series whose trend changed. Each of "
                    "OLD and NEW is an existing file or folder, else a git revision of the "
                    "catalog at PATH (default: the current folder), read from the "
                    "repository as it was then (`contested diff HEAD~1 HEAD timelines`).")
    command.add_argument("old", metavar="OLD", help="a file or folder, else a git revision")
    command.add_argument("new", metavar="NEW", help="a file or folder, else a git revision")
    _paths_argument(command)
    command.add_argument("--json", action="store_true", help="print JSON for tools")


def _hypotheses_parser(commands: Any) -> None:
    command = commands.add_parser(
        "hypotheses", prog="contested hypotheses", help=COMMANDS["hypotheses"],
        description="Competing hypotheses (Heuer's ACH) per question with contradictions, "
                    "or the one asked: each answer is a hypothesis, each claim evidence, "
                    "consistent (C) with what its value allows and inconsistent (I) with "
                    "the rest, unless the notes rate it otherwise (CC C N I II). A "
                    "hypothesis scores I 1, II 2, times the weight (reliability A 1.0 B 0.8 "
                    "C 0.6 D 0.4 E 0.2 F 0.5 times credibility 1 1.0 2 0.8 3 0.6 4 0.4 "
                    "5 0.2 6 0.5; a speaker counts once, at its heaviest); the least "
                    "inconsistent leads. Claims at other dates than the contradictions' "
                    "are left out (or --as-of).")
    _paths_argument(command)
    command.add_argument("--question", metavar="ID", help="only this question (any kind)")
    command.add_argument("--as-of", metavar="DATE",
                         help="the claims whose dates overlap DATE (2025-03, 2025-03-10, "
                              "2025-03/2025-04); default: where the contradictions are")
    command.add_argument("--weights", metavar="FILE", type=Path,
                         help="the weights table (TOML, [reliability] A-F and "
                              "[credibility] 1-6; default: weights.toml in the config "
                              "folder, if there)")
    command.add_argument("--notes", metavar="FILE", type=Path,
                         help="the review notes holding the analyst's ratings (default: "
                              f"{NOTES_FILE_NAME} beside the first path)")
    command.add_argument("--json", action="store_true", help="print JSON for tools")


def run_hypotheses(args: argparse.Namespace, out: TextIO) -> int:
    from contested.engine.hypotheses import default_weights_path, load_weights
    from contested.format.dates import DateError, parse_date
    from contested.present.hypotheses import (
        header_lines,
        matrix_lines,
        matrix_of,
        matrix_record,
        questions_with_contradictions,
    )
    from contested.review.store import NotesStore
    from contested.support.dirs import default_notes_path
    from contested.support.text import printable

    try:
        as_of = parse_date(args.as_of) if args.as_of is not None else None
    except DateError as error:
        print(f"contested: --as-of: {printable(str(error))}", file=sys.stderr)
        return EXIT_USAGE
    weights, problem = load_weights(args.weights or default_weights_path(),
                                    named=args.weights is not None)
    if problem:
        print(f"contested: warning: {printable(problem)}", file=sys.stderr)
    analysis = _analysed(args.paths, args.cache, same_events=_same_events(args))
    if isinstance(analysis, int):
        return analysis
    unknown = _unknown_name(analysis.catalog, args.question, None, None)
    if unknown:
        print(f"contested: {printable(unknown)}", file=sys.stderr)
        return EXIT_USAGE
    store = NotesStore(args.notes or default_notes_path(args.paths))
    if store.read_only and store.problem is not None:
        print(f"contested: warning: {printable(store.read_only)}", file=sys.stderr)
    questions = ([args.question] if args.question
                 else questions_with_contradictions(analysis))
    matrices = [matrix_of(analysis, q, store.notes, weights, as_of) for q in questions]
    if args.json:
        out.write(json.dumps([matrix_record(m, analysis) for m in matrices],
                             ensure_ascii=False, indent=2) + "\n")
        return EXIT_OK
    width = shutil.get_terminal_size().columns if out.isatty() else None
    if not matrices:
        print("No question has contradictions (--question ID shows any).", file=out)
    for n, matrix in enumerate(matrices):
        if n:
            print(file=out)
        for line in [*header_lines(matrix, analysis), ""]:
            print(printable(line), file=out)
        for line in matrix_lines(matrix, analysis, width):
            print(line, file=out)
    return EXIT_OK


def _import_parser(commands: Any) -> None:
    from contested.importers import IMPORTERS

    formats = tuple(IMPORTERS)
    command = commands.add_parser(
        "import", prog="contested import", help=COMMANDS["import"],
        description="Write the rows of a dataset as timeline files in DIR: one file per "
                    "month of events and claims, and sources-FORMAT.yaml for the sources "
                    "and questions. Importing into a folder again adds to it: a row "
                    "imported again replaces its own entries, the same input gives the "
                    "same bytes, and files written by hand are never touched (a "
                    "hand-written file at a name the import writes stops it). A malformed "
                    "row stops the import before anything is written (exit 1, every "
                    "problem listed as path:line). See docs/importing.md.",
    )
    command.add_argument("format", metavar="FORMAT", type=_one_of("format", formats),
                         help="the dataset's layout: " + ", ".join(formats))
    command.add_argument("files", nargs="+", metavar="FILE", help="the dataset's files")
    command.add_argument("-o", "--output", metavar="DIR", required=True,
                         help="the folder to write in (made if missing)")
    command.add_argument("--skip-malformed", action="store_true",
                         help="write the rows that can be imported, list the others and "
                              "leave them out")
    command.add_argument("--mapping", metavar="FILE", type=Path,
                         help="csv: the file saying which column holds which field")


def _use_colour(stream: TextIO) -> bool:
    return stream.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


def _targets(paths: Sequence[str]) -> list[str]:
    """What a command loads: the paths given, else the bundled timelines."""
    from contested.catalog.discover import bundled_catalog

    return list(paths) or [str(bundled_catalog())]


OnLoad = Callable[["LoadResult"], None]
"""Told the catalog a command loaded: what its kept output is keyed on."""


def _load(paths: Sequence[str], cache: bool = True,
          progress: ProgressLine | None = None, loaded: OnLoad | None = None,
          same_events: SameEventRule | None = None) -> LoadResult:
    from contested.catalog.cache.store import CatalogCache
    from contested.catalog.loading import load_catalog
    from contested.format.guarded_yaml import HAVE_LIBYAML, LIBYAML_MISSING

    if not HAVE_LIBYAML:
        print(f"contested: warning: {LIBYAML_MISSING}", file=sys.stderr)
    with (progress or ProgressLine(sys.stderr)).phase("reading timelines") as count:
        result = load_catalog(_targets(paths), cache=CatalogCache() if cache else None,
                              progress=count, same_events=same_events)
    if loaded is not None:
        loaded(result)
    return result


def _environment(out: TextIO) -> dict[str, object] | None:
    """What the commands' output reads besides their options and files: the directory
    paths are shown relative to, and for each stream whether it is a terminal, in
    colour, its encoding; the table's width. None if the directory is gone."""
    try:
        folder = os.getcwd()
    except OSError:
        return None
    streams = {"out": out, "err": sys.stderr}
    return {"cwd": folder, **{
        name: [stream.isatty(), _use_colour(stream), getattr(stream, "encoding", None),
               getattr(stream, "errors", None)] for name, stream in streams.items()},
        "width": shutil.get_terminal_size().columns if out.isatty() else None}


def _replayed_or_run(command: Sequence[object], paths: Sequence[str], out: TextIO,
                     cache: bool, run: Callable[[TextIO, OnLoad], int]) -> int:
    """`run(out, loaded)`, which calls `loaded` with the catalog it loads; or, when the
    same command ran on the same unchanged files, what it printed then, to the same
    streams, and its exit status (`catalog.cache.derived`): a second run loads,
    analyses and renders nothing. `--no-cache` neither reads nor keeps it."""
    environment = _environment(out) if cache else None
    if environment is None:
        return run(out, lambda _: None)
    from contested.catalog.cache.derived import DerivedCache, Invocation

    derived = DerivedCache()
    invocation = Invocation(command, _targets(paths), environment)
    status = derived.replay(invocation, out, sys.stderr)
    if status is not None:
        return status
    recording = derived.recording(out, sys.stderr)
    results: list[LoadResult] = []
    with contextlib.redirect_stderr(cast(TextIO, recording.err)):
        status = run(cast(TextIO, recording.out), results.append)
    if results:
        derived.put(invocation, recording, status, results[-1])
    return status


def _print_problems(problems: Sequence[Diagnostic], out: TextIO) -> None:
    from contested.format.diagnostics import SourceLines, render

    lines = SourceLines()
    colour = _use_colour(out)
    for problem in problems:
        text = render(problem, lines)
        if colour:
            head, _, rest = text.partition("\n")
            text = f"\x1b[1m{head}\x1b[0m" + (f"\n{rest}" if rest else "")
        print(text + "\n", file=out)


def _usage_problems(result: LoadResult) -> bool:
    from contested.support.text import printable

    missing = [d for d in result.diagnostics if d.code == "no-such-path"]
    for problem in missing:
        print(f"contested: {printable(problem.headline())}", file=sys.stderr)
    return bool(missing)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' * (count != 1)}"


def _analysed(paths: Sequence[str], cache: bool = True,
              progress: ProgressLine | None = None,
              loaded: OnLoad | None = None,
              same_events: SameEventRule | None = None) -> Analysis | int:
    """The analysis of a valid catalog, or the exit status after reporting its errors."""
    from contested.engine.analysis import analyse

    progress = progress or ProgressLine(sys.stderr)
    result = _load(paths, cache, progress, loaded, same_events)
    if _usage_problems(result):
        return EXIT_USAGE
    if not result.ok:
        _print_problems(result.diagnostics, sys.stderr)
        print(f"{_plural(len(result.diagnostics), 'error')}; the catalog was not loaded "
              "(`contested validate` shows the same)", file=sys.stderr)
        excused = result.excused_note()
        if excused:
            print(excused, file=sys.stderr)
        return EXIT_INVALID
    with progress.phase("finding contradictions"):
        return analyse(result.catalog)


def run_validate(paths: Sequence[str], output_format: str, strict: bool, out: TextIO,
                 cache: bool = True, *, same_events: SameEventRule | None = None) -> int:
    progress = ProgressLine(sys.stderr)  # the real stream: progress is never kept

    def run(out: TextIO, loaded: OnLoad) -> int:
        return _validate(paths, output_format, strict, out, cache=cache, progress=progress,
                         loaded=loaded, same_events=same_events)

    command = ["validate", output_format, strict, _rule_words(same_events)]
    return _replayed_or_run(command, paths, out, cache, run)


def _rule_words(same_events: SameEventRule | None) -> list[float] | None:
    """The rule as a kept output's key names it."""
    return None if same_events is None else [same_events.within_km, same_events.days_apart]


def _validate(paths: Sequence[str], output_format: str, strict: bool, out: TextIO,
              *, cache: bool, progress: ProgressLine, loaded: OnLoad,
              same_events: SameEventRule | None = None) -> int:
    from contested.engine.analysis import analyse

    result = _load(paths, cache, progress, loaded, same_events)
    if _usage_problems(result):
        return EXIT_USAGE
    with progress.phase("checking"):
        warnings = analyse(result.whole or result.catalog).warnings
    failed = not result.ok or (strict and bool(warnings))
    status = EXIT_INVALID if failed else EXIT_OK
    if output_format == "json":
        from contested.export.records import json_text

        out.write(json_text([d.as_dict() for d in [*result.diagnostics, *warnings]]))
        return status
    _print_problems(result.diagnostics, out)
    _print_problems(warnings, out)
    noted = f" ({_plural(len(warnings), 'warning')})" if warnings else ""
    if result.ok:
        counts = result.catalog.counts()
        summary = ", ".join(_plural(n, name.removesuffix("s")) for name, n in counts.items())
        print(f"valid: {summary}{noted}", file=out)
    else:
        files = len({d.location.path for d in result.diagnostics})
        print(f"{_plural(len(result.diagnostics), 'error')} in {_plural(files, 'file')}"
              f"{noted}; the catalog was not loaded", file=out)
        excused = result.excused_note()
        if excused:
            print(excused, file=out)
    return status


def _unknown_name(catalog: Catalog, question: str | None, source: str | None,
                  side: str | None) -> str | None:
    """What a filter names that is nowhere in the catalog, with the nearest name: a
    filter that can match nothing is a typo to report, not an empty answer."""
    from contested.format.diagnostics import did_you_mean

    if question is not None and question not in catalog.questions:
        known = sorted(catalog.questions)
        listed = ", ".join(known[:10]) + (f" and {len(known) - 10:,} more"
                                          if len(known) > 10 else "")
        return (f"unknown question '{question}'{did_you_mean(question, known)}; "
                + (f"the questions are {listed}" if known else "there are no questions"))
    sources = list(catalog.sources.values())
    if source is not None and not any(s.answers_to(source.casefold()) for s in sources):
        names = [s.id for s in sources] + [n for s in sources for n in s.names]
        words = [w for n in names for w in re.findall(r"[^\W_]{3,}", n)]
        return (f"no source is '{source}' or has it in a name"
                f"{did_you_mean(source, [*names, *words])}")
    sides = sorted({s.side for s in sources})
    if side is not None and side.casefold() not in {s.casefold() for s in sides}:
        return f"unknown side '{side}'{did_you_mean(side, sides)}; the sides are " + (
            ", ".join(sides) or "none: the catalog has no sources")
    return None


def _filters(args: argparse.Namespace) -> list[Filter]:
    """The explorer's filters (present/filters.py) that `contradictions`' options stand
    for: `--rule`s are any of them (`rule:a,b`), `--source` and `--side` as `source:`
    and `side:`. Each of these two says what a contradiction holds, not what one source
    is: given both, each is a filter of its own and a contradiction is kept when both
    keep it (`--source gady --side russia` is Gady against the Russian side, where the
    one filter `source:gady side:russia` would ask for a source that is both)."""
    from contested.present.filters import Filter, filter_word

    def made(words: dict[str, str | None], **named: Any) -> Filter:
        text = " ".join(filter_word(key, value) for key, value in words.items() if value)
        return Filter(text=text, rules=tuple(args.rule), question=args.question, **named)

    shared = {"rule": ",".join(args.rule), "question": args.question}
    source = {"source": args.source.casefold()} if args.source else {}
    side = {"sides": (args.side.casefold(),)} if args.side else {}
    if source and side:
        return [made({**shared, "source": args.source}, **source),
                made({**shared, "side": args.side}, **side)]
    return [made({**shared, "source": args.source, "side": args.side}, **source, **side)]


def run_contradictions(args: argparse.Namespace, out: TextIO) -> int:
    progress = ProgressLine(sys.stderr)  # the real stream: progress is never kept

    def run(out: TextIO, loaded: OnLoad) -> int:
        return _contradictions(args, out, progress, loaded)

    command = ["contradictions", args.rule, args.question, args.source, args.side,
               args.json, args.all, _rule_words(_same_events(args))]
    return _replayed_or_run(command, args.paths, out, args.cache, run)


def _contradictions(args: argparse.Namespace, out: TextIO, progress: ProgressLine,
                    loaded: OnLoad) -> int:
    from contested.export.records import Stream, json_parts, listed_records
    from contested.export.table import table_parts
    from contested.present.filters import apply, contradiction_test

    analysis = _analysed(args.paths, args.cache, progress, loaded, _same_events(args))
    if isinstance(analysis, int):
        return analysis
    unknown = _unknown_name(analysis.catalog, args.question, args.source, args.side)
    if unknown:
        from contested.support.text import printable

        print(f"contested: {printable(unknown)}", file=sys.stderr)
        return EXIT_USAGE
    filters = _filters(args)
    found: Iterable[Listed] = analysis.contradictions.listing()
    keep: Callable[[Contradiction], bool] | None = None
    if filters[0].active:  # as the explorer keeps them: a group whole, or not at all
        first, *more = [apply(analysis, chosen, None).contradictions or []
                        for chosen in filters]
        also = [{item.id for item in kept} for kept in more]
        found = [item for item in first if all(item.id in ids for ids in also)]
        tests = [contradiction_test(analysis, chosen) for chosen in filters]

        def keeps(pair: Contradiction) -> bool:  # a pair of a group kept whole (--all)
            return all(test(pair) for test in tests)

        keep = keeps
    if args.json:  # written as read: --all may list millions of pairs
        for piece in json_parts(Stream(listed_records(analysis, found, every_pair=args.all,
                                                      keep=keep))):
            out.write(piece)
        return EXIT_OK
    width = shutil.get_terminal_size().columns if out.isatty() else None
    for piece in table_parts(analysis, found, width=width,
                             per_question=None if args.all else 20, every_pair=args.all,
                             keep=keep):
        out.write(piece)
    return EXIT_OK


def _export_format(given: str | None, output: str | None) -> tuple[str, str | None]:
    """The format to export in: `--format`, else the one `-o FILE`'s extension names
    (`x.csv` is csv), else markdown; and the usage error when the two disagree."""
    named = None
    if output and output != "-":
        named = FORMAT_OF_SUFFIX.get(Path(output).suffix.casefold())
    if given is not None and named is not None and given != named:
        return given, (f"--format {given} does not match {output}, a {named} file's name: "
                       f"drop --format, or name the file for {given}")
    return given or named or "markdown", None


def run_export(args: argparse.Namespace, out: TextIO) -> int:
    from contested.export.render import render_parts
    from contested.support.files import Refused, through_descriptor, write_output
    from contested.support.text import printable

    args.format, mismatch = _export_format(args.format, args.output)
    if mismatch:
        print(f"contested: {printable(mismatch)}", file=sys.stderr)
        return EXIT_USAGE
    if args.compact and args.format != "json":
        print(f"contested: --compact is for json, not {args.format}", file=sys.stderr)
        return EXIT_USAGE
    notes = None
    history = None
    if args.notes is not None:
        from contested.review.store import NotesStore

        if not args.notes.is_file():
            why = _missing_folder(args.notes) or "no such file"
            print(f"contested: --notes {printable(str(args.notes))}: {printable(why)}",
                  file=sys.stderr)
            return EXIT_USAGE
        store = NotesStore(args.notes)
        if store.read_only:
            if store.problem is not None:  # located, as a timeline's problems are
                _print_problems([store.problem], sys.stderr)
                print("contested: the notes could not be read: nothing was exported",
                      file=sys.stderr)
            else:
                print(f"contested: {printable(store.read_only)}", file=sys.stderr)
            return EXIT_INVALID
        notes = store.notes
        if args.history:
            history = store.history.entries()
            if args.analyst is not None:
                history = [entry for entry in history if entry.by == args.analyst]
    elif args.history or args.analyst is not None:
        print("contested: --history and --analyst need --notes FILE (the history is kept "
              "beside the notes)", file=sys.stderr)
        return EXIT_USAGE
    if args.analyst is not None and not args.history:
        print("contested: --analyst is for --history (only that analyst's changes)",
              file=sys.stderr)
        return EXIT_USAGE
    if args.history and args.format == "csv":
        print("contested: --history is for markdown and json, not csv", file=sys.stderr)
        return EXIT_USAGE
    progress = ProgressLine(sys.stderr)
    analysis = _analysed(args.paths, args.cache, progress, same_events=_same_events(args))
    if isinstance(analysis, int):
        return analysis
    # Written as made, never held whole: a big catalog's export outgrows the memory.
    pieces = render_parts(analysis, args.format, notes, every_pair=args.all,
                          compact=args.compact, history=history)
    if not args.output or args.output == "-":
        try:
            for piece in pieces:
                out.write(piece)
            out.flush()
        except BrokenPipeError:
            raise  # the reader went away: not ours to report
        except BaseException as error:
            print("contested: the export stopped part-way: what standard output received "
                  "is incomplete", file=sys.stderr)
            if isinstance(error, OSError):
                print(f"contested: cannot write standard output: {error.strerror or error}",
                      file=sys.stderr)
                return EXIT_INVALID
            raise
        return EXIT_OK
    try:
        with progress.phase(f"writing {args.format}"):
            written = write_output(args.output, pieces)
    except (Refused, OSError) as error:
        reason = error.reason if isinstance(error, Refused) else error.strerror or error
        print(f"contested: cannot write {printable(args.output)}: {reason}",
              file=sys.stderr)
        return EXIT_INVALID
    except BaseException:
        if not os.path.exists(args.output):
            said = "was not written"
        elif os.path.isfile(args.output) and not through_descriptor(args.output):
            said = "was left as it was"
        else:  # a FIFO, a device: written in place
            said = "received an incomplete export"
        print(f"contested: the export stopped part-way: {printable(args.output)} {said}",
              file=sys.stderr)
        raise
    print(f"wrote {printable(written.path)} ({args.format})", file=sys.stderr)
    return EXIT_OK


def run_schema(out: TextIO) -> int:
    from contested.format.model import json_schema

    json.dump(json_schema(), out, indent=2, ensure_ascii=False)
    out.write("\n")
    return EXIT_OK


def run_new(folder: str) -> int:
    import shlex

    from contested.catalog.starter import StarterRefused, write_starter
    from contested.support.text import printable

    try:
        written = write_starter(Path(folder))
    except StarterRefused as refused:
        if not refused.existing:
            print(f"contested: {printable(str(refused))}", file=sys.stderr)
        else:
            print(f"contested: no starter catalog was written in {printable(folder)}: "
                  "these are there already:", file=sys.stderr)
            for path in refused.existing:
                print(f"  {printable(str(path))}", file=sys.stderr)
            print("contested: choose a new or empty folder, or move them", file=sys.stderr)
        return EXIT_INVALID
    except OSError as error:
        where = f" ({printable(error.filename)})" if isinstance(error.filename, str) else ""
        print(f"contested: no starter catalog was written in {printable(folder)}: "
              f"{printable(error.strerror or str(error))}{where}", file=sys.stderr)
        return EXIT_INVALID
    print(f"wrote a starter catalog in {printable(folder)}:")
    for path in written:
        print(f"  {printable(str(path))}")
    named = folder if folder not in COMMANDS and not folder.startswith("-") else f"./{folder}"
    shown = printable(shlex.quote(named))
    steps = {f"contested validate {shown}": "check it (valid as written)",
             f"contested {shown}": "explore it"}
    width = max(map(len, steps)) + 3
    print("next:")
    for command, what in steps.items():
        print(f"  {command.ljust(width)}{what}")
    return EXIT_OK


def run_import(args: argparse.Namespace, out: TextIO) -> int:
    import itertools

    from contested.importers import IMPORTERS
    from contested.importers.csv_mapping import MappingError
    from contested.importers.writer import MAX_LISTED, MalformedRows, write_import
    from contested.support.text import printable

    folder = Path(args.output)
    try:
        importer = IMPORTERS[args.format](args.mapping)
        rows = itertools.chain.from_iterable(importer.rows(Path(name)) for name in args.files)
        report = write_import(folder, importer.dataset, rows,
                              skip_malformed=args.skip_malformed)
    except MappingError as mistakes:  # every mistake of the mapping, one a line
        _print_row_problems(mistakes.problems, MAX_LISTED)
        print(f"contested: {printable(mistakes.headline)}", file=sys.stderr)
        return EXIT_INVALID
    except MalformedRows as malformed:
        _print_row_problems(malformed.problems, MAX_LISTED)
        print(f"contested: {_plural(len(malformed.problems), 'malformed row')}: nothing was "
              f"written in {printable(str(folder))}; mend them and import again, or "
              "--skip-malformed to write the rest", file=sys.stderr)
        return EXIT_INVALID
    rows_read = report.new + report.replaced + report.unchanged
    print(f"imported {_plural(rows_read, 'row')} of {args.format} into "
          f"{printable(str(folder))}: {report.new:,} new, {report.replaced:,} replaced, "
          f"{report.unchanged:,} unchanged", file=out)
    print(f"{_plural(report.events, 'event')}, {_plural(report.claims, 'claim')}, "
          f"{_plural(report.sources, 'source')} in sources-{importer.dataset.name}.yaml"
          + (f" ({', '.join(map(printable, report.reused))} declared elsewhere in the "
             "folder, cited as they are)" if report.reused else ""), file=out)
    unchanged = f" ({len(report.unchanged_files):,} unchanged)" if report.unchanged_files else ""
    print(f"wrote {_plural(len(report.files), 'file')}{unchanged}"
          + (":" if report.files else ""), file=out)
    for path in report.files:
        print(f"  {printable(str(path))}", file=out)
    for path in report.removed_files:
        print(f"  removed {printable(str(path))} (its rows moved to another month)", file=out)
    if report.skipped:
        _print_row_problems(report.skipped, MAX_LISTED)
        print(f"contested: warning: {_plural(len(report.skipped), 'malformed row')} "
              "left out (listed above)", file=sys.stderr)
    return EXIT_OK


def _print_row_problems(problems: Sequence[object], limit: int) -> None:
    from contested.support.text import printable

    for problem in problems[:limit]:
        print(printable(str(problem)), file=sys.stderr)
    if len(problems) > limit:
        print(f"... and {len(problems) - limit:,} more", file=sys.stderr)


def _side(spec: str, paths: Sequence[str], cache: bool,
          same_events: SameEventRule) -> tuple[Analysis, str] | int:
    """One side of a comparison and its name: an existing file or folder, loaded as any
    catalog is; else a git revision of the catalog at `paths`, read as it was then (its
    problems located as `REV:path`). An exit status when it cannot be had."""
    import io

    from contested.catalog.loading import load_catalog
    from contested.catalog.revisions import RevisionError, read_revision
    from contested.engine.analysis import analyse
    from contested.support.text import printable

    if Path(spec).exists():
        analysis = _analysed([spec], cache, same_events=same_events)
        return analysis if isinstance(analysis, int) else (analysis, spec)
    try:
        revision = read_revision(spec, paths)
    except RevisionError as error:
        print(f"contested: {printable(str(error))}", file=sys.stderr)
        return EXIT_USAGE
    with revision:  # (the files are read again to show the lines of their problems)
        result = load_catalog(revision.paths, same_events=same_events)
        if not result.ok:
            shown = io.StringIO()
            _print_problems(result.diagnostics, shown)
            sys.stderr.write(revision.shown(shown.getvalue()))
            print(f"{_plural(len(result.diagnostics), 'error')} in the catalog at "
                  f"{printable(spec)}; it was not loaded", file=sys.stderr)
            return EXIT_INVALID
        return analyse(result.catalog), f"{spec} ({revision.commit[:12]})"


def run_diff(args: argparse.Namespace, out: TextIO) -> int:
    from contested.engine.changes import compare
    from contested.export.records import json_text
    from contested.present.changes import changes_record, report_lines
    from contested.support.text import printable

    paths = list(args.paths) or ["."]
    same_events = _same_events(args)
    old = _side(args.old, paths, args.cache, same_events)
    if isinstance(old, int):
        return old
    new = _side(args.new, paths, args.cache, same_events)
    if isinstance(new, int):
        return new
    changes = compare(old[0], new[0])
    if args.json:
        out.write(json_text(changes_record(changes, old[1], new[1])))
        return EXIT_OK
    for line in report_lines(changes, old[1], new[1]):
        print(printable(line), file=out)
    return EXIT_OK


def run_merge_notes(base: Path, ours: Path, theirs: Path) -> int:
    from contested.review.merge import merge_note_files
    from contested.support.text import printable

    result = merge_note_files(base, ours, theirs)
    for message in result.messages:
        print(f"contested merge-notes: {printable(message)}", file=sys.stderr)
    return result.status


def _baseline(spec: str, paths: Sequence[str], cache: bool,
              same_events: SameEventRule) -> Baseline | int:
    """What `--since` compares the catalog shown with, or the exit status after saying
    why it cannot be had."""
    from contested.engine.changes import Baseline

    side = _side(spec, paths, cache, same_events)
    return side if isinstance(side, int) else Baseline(spec, side[0])


def explorer_parser() -> argparse.ArgumentParser:
    """The explorer's options; its help is `contested --help`, commands included."""
    width = max(map(len, COMMANDS)) + 2
    parser = _Parser(
        prog="contested",
        usage=USAGE,
        description="Review conflict timelines where sources disagree. With no command, "
                    "open the explorer on timeline files or directories (default: the "
                    "bundled Kursk timelines).",
        epilog="commands (`contested COMMAND --help` for each):\n" + "\n".join(
            f"  {name.ljust(width)}{line}" for name, line in COMMANDS.items()),
        formatter_class=_HelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"contested {__version__}")
    parser.add_argument("--no-mouse", action="store_true",
                        help="do not capture the mouse (keyboard only; the terminal's own "
                             "selection keeps working)")
    parser.add_argument("--notes", type=Path, metavar="PATH",
                        help=f"the review notes file (default: {NOTES_FILE_NAME} in the "
                             "first directory loaded; for the bundled timelines, in the "
                             "user's data directory)")
    parser.add_argument("--view", metavar="NAME",
                        help="open with a view saved in the notes file (its filter)")
    parser.add_argument("--analyst", metavar="NAME",
                        help="who is reviewing: every note change is recorded under NAME "
                             "(default: $CONTESTED_ANALYST, else git's user.name, else the "
                             "login name)")
    parser.add_argument("--since", metavar="REV",
                        help="mark what changed since REV, a git revision of the catalog "
                             "(or another copy of it, a file or folder): + new, ~ changed; "
                             "the filter `changed` shows only them")
    _paths_argument(parser)
    return parser


def _missing_folder(path: Path) -> str | None:
    """Why the folder of a file the user named cannot hold it, if it cannot: contested
    never creates a folder it was given (a typo would make one), only its own data folder."""
    from contested.support.files import real_path

    folder = real_path(path).parent
    if folder.is_dir():
        return None
    if folder.exists():
        return f"{folder} is not a folder"
    return f"the folder {folder} does not exist (create it, or choose another notes file)"


def run_explorer(args: argparse.Namespace) -> int:
    from contested.support.text import printable

    missing = [p for p in args.paths if not Path(p).exists()]
    if missing:
        explorer_parser().print_usage(sys.stderr)
        for path in missing:
            print(f"contested: {printable(path)}: no such file or directory", file=sys.stderr)
        return EXIT_USAGE
    from contested.support.dirs import default_notes_path

    notes = args.notes or default_notes_path(args.paths)
    problem = "a folder, not a file" if notes.is_dir() else (
        _missing_folder(notes) if args.notes is not None else None)
    if problem:
        explorer_parser().print_usage(sys.stderr)
        print(f"contested: --notes {printable(str(notes))}: {printable(problem)}",
              file=sys.stderr)
        return EXIT_USAGE
    from contested.catalog.preload import Preload

    # The catalog loads while the rest (Textual, pydantic) is imported and the app starts.
    same_events = _same_events(args)
    preload = Preload(args.paths, cache=args.cache, same_events=same_events).start()
    since: Baseline | None = None
    if args.since is not None:  # (read while the catalog loads)
        baseline = _baseline(args.since, _targets(args.paths), args.cache, same_events)
        if isinstance(baseline, int):
            return baseline
        since = baseline
    from contested.tui.app import run_explorer as run

    return run(args.paths, mouse=not args.no_mouse, notes=notes, view=args.view,
               cache=args.cache, preload=preload, same_events=same_events, since=since,
               analyst=args.analyst)


def dispatch(argv: Sequence[str]) -> int:
    arguments = list(argv)
    first = arguments[0] if arguments else ""
    if first in COMMANDS:
        args = build_parser().parse_args(arguments)
    else:
        return run_explorer(explorer_parser().parse_args(arguments))
    if args.command == "validate":
        return run_validate(args.paths, args.format, args.strict, sys.stdout, args.cache,
                            same_events=_same_events(args))
    if args.command == "contradictions":
        return run_contradictions(args, sys.stdout)
    if args.command == "export":
        return run_export(args, sys.stdout)
    if args.command == "schema":
        return run_schema(sys.stdout)
    if args.command == "new":
        return run_new(args.folder)
    if args.command == "import":
        return run_import(args, sys.stdout)
    if args.command == "hypotheses":
        return run_hypotheses(args, sys.stdout)
    if args.command == "diff":
        return run_diff(args, sys.stdout)
    if args.command == "serve":
        return run_serve(args, sys.stdout)
    if args.command == "merge-notes":
        return run_merge_notes(args.base, args.ours, args.theirs)
    raise AssertionError(f"unhandled command {args.command!r}")  # pragma: no cover


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: every failure ends in a message and an exit status, never a traceback."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    # contested uses no pydantic plugin; looking for them costs a tenth of start-up.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    try:
        return dispatch(arguments)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`contested schema | head`): not an error of ours.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else EXIT_USAGE
    except ContestedError as error:  # the user's to mend: the message says what happened
        from contested.support.text import printable

        print(f"contested: {printable(str(error))}", file=sys.stderr)
        return EXIT_INVALID
    except Exception as error:
        from contested.support.crash import report_crash

        return report_crash(error, [str(Path(sys.argv[0]).name), *arguments])
