"""What `contested validate` costs in memory: on each pathological file alone, and on
whole catalogs of growing size (MB of RSS per MB of YAML).

Run: `python bench/memory.py [--sizes 2500,5000,10000,20000] [--skip-pathological]
[--skip-catalogs] [--keep DIR]`

1. Pathological inputs, each generated here and validated alone in a fresh process
   (`contested validate --no-cache FILE`, the cache neither read nor written), then
   opened in the explorer (headless, in a fresh process: loaded, every pane shown, a
   search made; `--skip-explorer` leaves it out): an alias
   bomb, 100,000 nested `[`, 15 MB of `{}`, a 60 MB list of one-letter items, a 60 MB
   value, a realistic 60 MB timeline, two million `{}` claims (just within the node
   limit: every one is checked), the most claims a file may hold (valid; small, then with
   texts up to 64 MB), a 2 MB key, a 5,000-digit figure, a sparse file of 4 GiB. For
   each: its size, the peak RSS of `validate`, its exit status, time and first message,
   and the explorer's peak RSS. The bound to hold is 1.5 GB (and 2 GiB of address
   space, which bench/ does not set: tests/test_reliability.py runs them under it).
2. Catalogs of bench/generate.py (N events, 3N claims, one file per 5,000 events),
   validated cold without cache: peak RSS against the size of the YAML, the ratio, and
   the slope from one size to the next (what each further MB of YAML costs): memory
   grows linearly when the slope stays flat. The peak is the largest process's: past
   16 MiB of YAML, files are parsed in worker processes and the parent holds the
   catalog.

Each figure is printed beside its baseline (the RSS of validating the bundled catalog:
the interpreter, pydantic and contested themselves). It measures, it does not gate.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import load  # noqa: E402  (bench/load.py: the machine, the RSS wrapper)
from analysis import generate  # noqa: E402  (bench/analysis.py)

MIB = 1 << 20


def validate(path: Path, cache_home: Path) -> dict[str, object]:
    """`contested validate --no-cache PATH` in a fresh process: status, seconds, peak RSS
    (bytes) and the first line it said."""
    environment = dict(os.environ, XDG_CACHE_HOME=str(cache_home), NO_COLOR="1")
    wrapper = subprocess.run(
        [sys.executable, "-c", load.RSS_WRAPPER, sys.executable, "-m", "contested",
         "validate", "--no-cache", str(path)],
        capture_output=True, text=True, env=environment, check=True)
    report = json.loads(wrapper.stdout.strip().splitlines()[-1])
    said = (report["stdout"] + report["stderr"]).strip().splitlines()  # (their ends)
    located = [line for line in said if line.startswith(str(path))]
    peak = report["maxrss"] * (1 if sys.platform == "darwin" else 1024)
    return {"rc": report["rc"], "wall": report["wall"], "rss": peak,
            "said": located[0] if located else said[-1] if said else ""}


# The explorer, headless (Textual's Pilot), in a fresh process: loaded, the engine done,
# every pane shown and a search made (which builds the search index); then its peak RSS.
EXPLORER = """
import asyncio, sys
from pathlib import Path
from contested.tui.app import ContestedApp
from contested.tui.screens.errors import ErrorsScreen
from contested.tui.screens.main import MainScreen

def ready(app):
    screen = app.screen
    return isinstance(screen, ErrorsScreen) or (
        isinstance(screen, MainScreen) and screen.analysis.complete)

async def main():
    app = ContestedApp([sys.argv[1]], notes_path=Path(sys.argv[2]), cache=False,
                       keymap_path=Path("/nonexistent"))
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(6000):
            await pilot.pause(0.05)
            if ready(app):
                break
        shown = type(app.screen).__name__
        await pilot.press("1", "2", "3", "4", "5", "1", "slash", *"sudzha", "enter")
        await pilot.pause(1)
    print(shown)

asyncio.run(main())
"""


def explorer(path: Path, folder: Path, cache_home: Path) -> tuple[str, int]:
    """(the first screen shown, the peak RSS in bytes) of the explorer on `path`,
    started by a small process of its own (a child forked from this big one would
    inherit its peak)."""
    environment = dict(os.environ, XDG_CACHE_HOME=str(cache_home))
    wrapper = subprocess.run([sys.executable, "-c", load.RSS_WRAPPER, sys.executable, "-c",
                              EXPLORER, str(path), str(folder / "notes.yaml")],
                             capture_output=True, text=True, env=environment, check=True)
    report = json.loads(wrapper.stdout.strip().splitlines()[-1])
    words = report["stdout"].split()
    if report["rc"] != 0 or len(words) != 1:
        return f"failed ({report['rc']})", 0
    return words[0], report["maxrss"] * (1 if sys.platform == "darwin" else 1024)


# --- pathological inputs -----------------------------------------------------------------

def _bomb(path: Path) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, 9):
        previous, name = "abcdefghi"[level - 1], "abcdefghi"[level]
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    path.write_text("\n".join(lines) + "\n")


_CLAIM = textwrap.dedent("""\
      - id: claim-{n:07d}
        source: [afp, ru-media]
        via: [afp]
        said: 2025-03-1{d}
        as_of: 2025-03~
        text: {text}
        quote: '"The situation is under control," the commander said on television.'
        credibility: 3
    """)
_TEXT = ("Russian forces advanced towards Sudzha after three days of fighting, according "
         "to local officials.")
_PLAIN = _TEXT.replace(",", "")  # (in a flow mapping, a comma would end the text)
_SOURCES = ("contested: 1\nsources:\n  - {id: afp, name: AFP}\n"
            "  - {id: ru-media, name: Russian media}\n")


def _sparse(path: Path) -> None:
    with path.open("wb") as out:
        out.truncate(4 << 30)


PATHOLOGICAL: dict[str, Callable[[Path], None]] = {
    "alias bomb (9 levels of 9)": _bomb,
    "100,000 nested [": lambda p: p.write_text("contested: 1\nx: " + "[" * 100_000 + "\n"),
    "15 MB flow list of {}": lambda p: p.write_text(
        "contested: 1\nx: [" + "{}, " * (15_000_000 // 4) + "]\n"),
    "60 MB flow list of one letter": lambda p: p.write_text(
        "contested: 1\nx: [" + "a, " * 20_000_000 + "]\n"),
    "60 MB block list of one letter": lambda p: p.write_text(
        "contested: 1\nx:\n" + "- a\n" * 15_000_000),
    "60 MB value": lambda p: p.write_text("contested: 1\nnote: " + "a" * 60_000_000 + "\n"),
    "60 MB realistic timeline": lambda p: p.write_text(
        _SOURCES + "claims:\n" + "".join(_CLAIM.format(n=n, d=n % 10, text=_TEXT)
                                         for n in range(200_000))),
    "2,000,000 {} claims (all checked)": lambda p: p.write_text(
        "contested: 1\nclaims: [" + "{}, " * 1_999_990 + "]\n"),
    "285,700 minimal claims (valid)": lambda p: p.write_text(
        "contested: 1\nsources:\n  - {id: s, name: S}\nclaims:\n" + "".join(
            f"  - {{id: c{n}, source: s, text: t}}\n" for n in range(285_700))),
    "285,700 claims, 64 MB (valid)": lambda p: p.write_text(
        "contested: 1\nsources:\n  - {id: s, name: S}\nclaims:\n" + "".join(
            f"  - {{id: c{n}, source: s, text: {_PLAIN} {_PLAIN[:70]} {n}}}\n"
            for n in range(285_700))),
    "2 MB key": lambda p: p.write_text("contested: 1\n" + "k" * 2_000_000 + ": 1\n"),
    "5,000-digit figure": lambda p: p.write_text(
        _SOURCES + "questions:\n  - {id: q, text: Q, kind: quantity}\nclaims:\n"
        f"  - {{id: c, source: afp, text: t, about: q, value: {'9' * 5000}}}\n"),
    "sparse file of 4 GiB": _sparse,
}


def pathological(folder: Path, cache_home: Path, with_explorer: bool, only: str) -> None:
    print(f"\n{'input':36} {'size':>10} {'validate':>9} {'rc':>3} {'seconds':>8} "
          f"{'explorer':>9}  said")
    for name, write in PATHOLOGICAL.items():
        if only not in name:
            continue
        path = folder / "input.yaml"
        write(path)
        size = path.stat().st_size
        found = validate(path, cache_home)
        screen, peak = explorer(path, folder, cache_home) if with_explorer else ("", 0)
        path.unlink()
        said = str(found["said"]).replace(str(path), "FILE")
        rss = int(found["rss"]) / MIB  # type: ignore[call-overload]
        shown = f"{peak / MIB:6.0f} MB" if peak else f"{screen:>9}"
        print(f"{name:36} {size / MIB:8.1f} MB {rss:6.0f} MB {found['rc']:>3} "
              f"{found['wall']:8.1f} {shown}  {said[:100]}", flush=True)


# --- catalogs -----------------------------------------------------------------------------

def catalogs(folder: Path, cache_home: Path, sizes: list[int], baseline: int) -> None:
    print(f"\n{'events':>8} {'claims':>8} {'files':>5} {'YAML':>9} {'peak RSS':>10} "
          f"{'RSS-base':>9} {'ratio':>7} {'slope':>7} {'seconds':>8}")
    previous: tuple[float, float] | None = None
    for events in sizes:
        target = folder / f"catalog-{events}"
        generated = generate(events=events, claims=3 * events,
                             questions_count=max(2, events // 10),
                             sources=max(20, events // 100), files=max(2, events // 5000),
                             seed=2025, dissent=0.02)
        target.mkdir()
        for name, text in generated.files.items():
            (target / name).write_text(text, encoding="utf-8")
        size = sum(p.stat().st_size for p in target.iterdir()) / MIB
        found = validate(target, cache_home)
        rss = int(found["rss"]) / MIB  # type: ignore[call-overload]
        above = rss - baseline / MIB
        slope = "" if previous is None else f"{(rss - previous[1]) / (size - previous[0]):.2f}"
        print(f"{events:8,} {3 * events:8,} {len(generated.files):5} {size:6.1f} MB "
              f"{rss:7.0f} MB {above:6.0f} MB {above / size:6.2f}x {slope:>7} "
              f"{found['wall']:8.1f}", flush=True)
        previous = (size, rss)
        shutil.rmtree(target)
    print("\nratio: MB of RSS above the baseline per MB of YAML; slope: MB of RSS per MB of "
          "YAML added since the size before (flat: linear growth)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else "")
    parser.add_argument("--sizes", default="2500,5000,10000,20000,40000",
                        help="events of each catalog (claims: 3 times as many)")
    parser.add_argument("--skip-pathological", action="store_true")
    parser.add_argument("--skip-catalogs", action="store_true")
    parser.add_argument("--skip-explorer", action="store_true",
                        help="pathological inputs: validate only, not the explorer")
    parser.add_argument("--only", default="", metavar="TEXT",
                        help="only the pathological inputs whose name holds TEXT")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="work in DIR and keep it (default: a temporary folder)")
    args = parser.parse_args(argv)
    for line in load.machine():
        print(line)
    folder = args.keep or Path(tempfile.mkdtemp(prefix="contested-memory-"))
    folder.mkdir(parents=True, exist_ok=True)
    cache_home = folder / "cache"
    cache_home.mkdir(exist_ok=True)
    start = time.perf_counter()
    try:
        bundled = validate(Path(__file__).resolve().parents[1] / "timelines", cache_home)
        baseline = int(bundled["rss"])  # type: ignore[call-overload]
        print(f"baseline: `contested validate` of the bundled catalog: peak RSS "
              f"{baseline / MIB:.0f} MB")
        if not args.skip_pathological:
            pathological(folder, cache_home, not args.skip_explorer, args.only)
        if not args.skip_catalogs:
            catalogs(folder, cache_home, [int(n) for n in args.sizes.split(",")], baseline)
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    print(f"\n(all in {time.perf_counter() - start:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
