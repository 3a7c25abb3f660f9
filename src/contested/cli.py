"""The `contested` command: thin subcommands over the core.

Exit status: 0 success, 1 invalid input (located errors printed), 2 usage error,
70 internal error (a one-line message and a report file, never a traceback).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from contested import __version__

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    """argparse, with messages made safe for the terminal (arguments are user input)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        from contested.text import printable

        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {printable(message)}\n")


def _paths_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths", nargs="*", metavar="PATH",
        help="timeline files or directories (default: the bundled Kursk timelines)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="contested",
        description="Review conflict timelines where sources disagree.",
        epilog="Run `contested COMMAND --help` for a command's options.",
    )
    parser.add_argument("--version", action="version", version=f"contested {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    validate = commands.add_parser(
        "validate", help="check timelines and report every problem with its place",
        description="Check timeline files and report every problem as path:line:col. "
                    "Exit 0 when valid, 1 when not, 2 on a usage error.",
    )
    _paths_argument(validate)
    validate.add_argument("--format", choices=("text", "json"), default="text",
                          help="text for people (default), json for tools")

    commands.add_parser(
        "schema", help="print the JSON Schema of a timeline file",
        description="Print the JSON Schema (draft 2020-12) of a timeline file, for editors "
                    "with yaml-language-server and for JSON Schema validators.",
    )
    return parser


def _use_colour(stream: TextIO) -> bool:
    return stream.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


def run_validate(paths: Sequence[str], output_format: str, out: TextIO) -> int:
    from contested.diagnostics import SourceLines, render
    from contested.guarded_yaml import HAVE_LIBYAML, LIBYAML_MISSING
    from contested.loading import bundled_catalog, load_catalog
    from contested.text import printable

    if not HAVE_LIBYAML:
        print(f"contested: warning: {LIBYAML_MISSING}", file=sys.stderr)
    result = load_catalog(list(paths) or [bundled_catalog()])
    missing = [d for d in result.diagnostics if d.code == "no-such-path"]
    if missing:
        for problem in missing:
            print(f"contested: {printable(problem.headline())}", file=sys.stderr)
        return EXIT_USAGE
    if output_format == "json":
        json.dump([d.as_dict() for d in result.diagnostics], out, indent=2)
        out.write("\n")
        return EXIT_OK if result.ok else EXIT_INVALID
    if result.ok:
        counts = result.catalog.counts()
        summary = ", ".join(f"{n} {name}" for name, n in counts.items())
        print(f"valid: {summary}", file=out)
        return EXIT_OK
    lines = SourceLines()
    colour = _use_colour(out)
    for problem in result.diagnostics:
        text = render(problem, lines)
        if colour:
            head, _, rest = text.partition("\n")
            text = f"\x1b[1m{head}\x1b[0m" + (f"\n{rest}" if rest else "")
        print(text + "\n", file=out)
    files = len({d.location.path for d in result.diagnostics})
    count = len(result.diagnostics)
    print(f"{count} error{'s' * (count != 1)} in {files} file{'s' * (files != 1)}; "
          "the catalog was not loaded", file=out)
    return EXIT_INVALID


def run_schema(out: TextIO) -> int:
    from contested.model import json_schema

    json.dump(json_schema(), out, indent=2, ensure_ascii=False)
    out.write("\n")
    return EXIT_OK


def dispatch(argv: Sequence[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(list(argv))
    if args.command == "validate":
        return run_validate(args.paths, args.format, sys.stdout)
    if args.command == "schema":
        return run_schema(sys.stdout)
    parser.print_help(sys.stderr)
    return EXIT_USAGE


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: every failure ends in a message and an exit status, never a traceback."""
    arguments = list(sys.argv[1:] if argv is None else argv)
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
    except Exception as error:
        from contested.crash import report_crash

        return report_crash(error, [str(Path(sys.argv[0]).name), *arguments])
