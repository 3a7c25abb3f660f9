"""Launch to first screen of two versions of contested, interleaved: a fair comparison on a
noisy machine.

Run: `python bench/launches.py CATALOG [--against REV] [--runs 6]`

The real `contested` of this checkout and of git revision REV (default: HEAD, checked
out in a temporary worktree) are started in tmux (80x24) in turn, `--runs` times each,
on the same catalog; each version has its own warm cache (filled before timing), since
the cache format may differ between them. Prints the median and every launch of each.
"""

from __future__ import annotations

import argparse
import shlex
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))

from terminal import Tmux  # noqa: E402  (bench/terminal.py)


def command(source: Path, cache: Path, catalog: Path, notes: Path) -> str:
    """The explorer of the checkout at `source`, with its own cache."""
    run = "import sys; from contested.cli import main; sys.exit(main())"
    return (f"env XDG_CACHE_HOME={shlex.quote(str(cache))} "
            f"PYTHONPATH={shlex.quote(str(source / 'src'))} {shlex.quote(sys.executable)} "
            f"-c {shlex.quote(run)} --notes {shlex.quote(str(notes))} "
            f"{shlex.quote(str(catalog))}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else "")
    parser.add_argument("catalog", type=Path)
    parser.add_argument("--against", default="HEAD", metavar="REV")
    parser.add_argument("--runs", type=int, default=6)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="contested-launches-") as scratch:
        other = Path(scratch) / "other"
        subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", "-q",
                        str(other), args.against], check=True)
        try:
            versions = {"this checkout": REPO, args.against: other}
            commands = {name: command(source, Path(scratch) / f"cache-{n}", args.catalog,
                                      Path(scratch) / "notes.yaml")
                        for n, (name, source) in enumerate(versions.items())}
            for line in commands.values():  # fill each cache, untimed
                with Tmux(line) as terminal:
                    terminal.wait_for("1 Timeline", timeout=900)
            found: dict[str, list[float]] = {name: [] for name in commands}
            for _ in range(args.runs):
                for name, line in commands.items():
                    with Tmux(line) as terminal:
                        found[name].append(terminal.wait_for("1 Timeline"))
        finally:
            subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force",
                            str(other)], check=False)
    for name, seconds in found.items():
        print(f"{name}: median {statistics.median(seconds):.2f} s; "
              + ", ".join(f"{s:.2f}" for s in seconds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
