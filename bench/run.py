"""Every figure of issue 20's targets beside its floor, measured in one run, as a table.

Run: `python bench/run.py [N] [--catalog DIR] [--keep DIR] [--keys 100] [--repeat 3]
[--only SECTION[,SECTION...]]`

The catalog: N events and 3N claims generated as bench/analysis.py does (default 100,000,
the size of the targets), or an existing one with `--catalog DIR` (only read). On a shared
machine seconds drift from one minute to the next, so every figure is printed beside a
floor measured in the same run, with the ratio and the target. The floor of loading is
the bare C `yaml.load` (GC off) of the same files, what any tool reading them pays; it is
measured first, `--repeat` times, whenever a section's figures are ratios of it (they use
the median); the validate, second and export sections also read the files bare just
before and just after their own measures and use the mean of those two, since the load
of a shared machine drifts from one minute to the next. Startup, panes and search have
floors or targets of their own.

Sections, in this order (`--only` runs some of them again alone):
- read: the bare read beside the fastest other parsers installed (the `bench` extra),
  interleaved with it, each named with its version (one not installed is said missing):
  yaml-rs builds Python objects (typing scalars as YAML 1.2 does), rapidyaml only its own
  tree (no Python object: the floor of parsing alone).
- validate: the explorer's launch to its first screen with an empty cache (tmux 80x24);
  then `contested validate` with an empty cache, a fresh process, and its peak RSS (the
  largest process: the command or one of its workers), which leaves the cache warm.
- second: `contested validate` and `contested contradictions` again on the unchanged
  catalog, end to end in fresh processes, after an untimed first run of each.
- export: `contested export --format markdown|json|csv` (and `json --compact` when the
  command has it) to a file in a temporary folder, warm cache, fresh process: seconds,
  peak RSS and bytes written. The floors of JSON, timed in this process: `orjson.dumps` of
  the objects the last bare read built (the catalog as read), and of the records the JSON
  export wrote (read back with orjson), compact and indented.
- startup: launch to the first screen in tmux 80x24, interleaved: a minimal Textual app
  (bench/startup.py's, one Static), the bundled catalog, the run's catalog (warm cache).
- panes: in each pane of the real explorer in tmux, at 80x24 then 160x50 (where the
  preview shows), the CPU all its threads use per `j` (Linux schedstat, once its
  background work is done) and the wall time from the key to the repaint
  (bench/explorer.py's `panes_in_tmux`).
- search: the explorer on the run's catalog; as soon as its first screen shows, `/` and a
  query; the time from sending enter to the first result shown ("match 1 of"); then once
  more after the explorer's background work is done; then the explorer's peak RSS.
- engine: in this process, `load_catalog` from the warm cache, `analyse` and the first
  reads of its lazy indexes, and the warnings (last: it makes this process big).
A section that fails prints why, and the rest goes on. The cache and the user's data
folder (notes of the bundled catalog) are the run's own (XDG_CACHE_HOME and XDG_DATA_HOME
point into a temporary folder). It exits 0 whatever the figures: it measures, it does
not gate.
"""

from __future__ import annotations

import argparse
import compileall
import functools
import gc
import importlib
import importlib.metadata
import os
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(BENCH))
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

import contested  # noqa: E402
import load  # noqa: E402  (bench/load.py: the bare read, commands in a child)
from contested.catalog.discover import discover  # noqa: E402
from terminal import Tmux  # noqa: E402  (bench/terminal.py)

SECTIONS = ("read", "validate", "second", "export", "startup", "panes", "search", "engine")
FLOORED = frozenset(("read", "validate", "second", "export", "engine"))
"""The sections whose figures are ratios of the bare read (the others have their own
floor, or a target in milliseconds)."""
BRACKETED = frozenset(("validate", "second", "export"))
"""The sections measured between two bare reads of their own (the read section is
interleaved with it; the engine's figures are small beside it)."""
SIZES = ((80, 24), (160, 50))
"""The panes are measured at both: from 120 columns the preview pane shows."""
MAIN_SCREEN = "1 Timeline"
"""On the explorer's first screen (its tabs), not on the loading screen."""
BUNDLED_SCREEN = "Ukraine launches"
"""The first event of the bundled catalog, as bench/startup.py waits for it."""
MINIMAL_SCREEN = "hello, first screen"
"""What bench/startup.py's minimal app shows."""
QUERIES = ("drone", "pipeline")
"""Words of the generated catalogs' titles and texts: the first search, then a later one."""


@dataclass
class Parser:
    """A parser to time beside the bare read: `parse` reads every file."""

    label: str
    parse: Callable[[list[str]], object]
    objects: bool
    """Whether it builds Python objects (as the bare read does), or only its own tree."""
    seconds: list[float] = field(default_factory=list)
    error: str = ""


@dataclass
class Versus:
    """A figure to show as a ratio of the bare read, once the floor it is compared with
    is known (a section's floor is measured before and after it)."""

    name: str
    value: str
    seconds: float
    target: str = ""


@dataclass
class Run:
    """The catalog, the private folders and the figures so far."""

    folder: Path
    paths: list[str]
    scratch: Path
    cache: Path
    keys: int
    repeat: int
    bare: list[float] = field(default_factory=list)
    parsers: list[Parser] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    json_floor: list[tuple[str, float, int]] = field(default_factory=list)
    rows: list[str] = field(default_factory=list)
    warm: bool = False
    alongside: list[float] | None = None
    """The bare reads just before and after the section being measured, if it is."""
    waiting: list[str | Versus] = field(default_factory=list)
    """The section's rows, until its floor is known."""

    @property
    def floor(self) -> float:
        return statistics.median(self.bare)

    def floor_text(self) -> str:
        return f"{self.floor:.2f} s (bare read)"

    def add(self, name: str, value: str, baseline: str = "", ratio: str = "",
            target: str = "") -> None:
        self.show(row(name, value, baseline, ratio, target))

    def versus(self, name: str, value: str, seconds: float, target: str = "") -> None:
        """A row whose floor is the bare read: beside it, its ratio."""
        self.show(Versus(name, value, seconds, target))

    def show(self, line: str | Versus) -> None:
        if self.alongside is not None:
            self.waiting.append(line)
            return
        if isinstance(line, Versus):
            line = row(line.name, line.value, self.floor_text(),
                       ratio(line.seconds, self.floor), line.target)
        self.rows.append(line)
        print(line, flush=True)

    def bare_read(self) -> float:
        """One more bare read, timed; added to the run's."""
        took = gc_off_seconds(lambda: load.bare_read(self.paths))
        self.bare.append(took)
        return took

    @contextmanager
    def bracketed(self) -> Iterator[None]:
        """A bare read just before and just after what the block measures; its rows'
        ratios use their mean, as the load of a shared machine drifts between sections."""
        self.alongside = [self.bare_read()]
        try:
            yield
        finally:
            try:
                self.alongside.append(self.bare_read())
                floor = statistics.fmean(self.alongside)
                shown = (f"{floor:.2f} s (bare reads before and after: "
                         f"{self.alongside[0]:.2f}, {self.alongside[1]:.2f} s)")
            finally:
                self.alongside, waiting, self.waiting = None, self.waiting, []
            for item in waiting:
                self.show(row(item.name, item.value, shown, ratio(item.seconds, floor),
                              item.target) if isinstance(item, Versus) else item)

    def child(self, name: str, *args: str) -> load.ChildRun:
        """`contested ARGS` in a fresh process, its output into the scratch folder."""
        return load.run_child([str(BIN / "contested"), *args], self.scratch / f"{name}.out")

    def explorer(self) -> str:
        """The shell command that opens the explorer on the run's catalog."""
        return (f"{shlex.quote(str(BIN / 'contested'))} --notes "
                f"{shlex.quote(str(self.scratch / 'notes.yaml'))} "
                f"{shlex.quote(str(self.folder))}")

    def empty_cache(self) -> None:
        shutil.rmtree(self.cache, ignore_errors=True)
        self.cache.mkdir()
        self.warm = False

    def warm_up(self) -> None:
        """Fill the cache, once, for the sections that measure with it warm."""
        if not self.warm:
            done = self.child("warm-up", "validate", str(self.folder))
            if done.status != 0:
                raise RuntimeError(f"`contested validate` exited {done.status}: "
                                   f"{done.stderr_tail.strip()[-300:]}")
            self.warm = True


def row(name: str, value: str, baseline: str = "", ratio: str = "", target: str = "") -> str:
    return f"| {name} | {value} | {baseline} | {ratio} | {target} |"


def ratio(value: float, floor: float) -> str:
    share = value / floor
    return f"{share:.3f}×" if share < 0.1 else f"{share:.2f}×"


def mb(size: float) -> str:
    """Bytes in decimal megabytes, as the targets (1 GB) are written."""
    return f"{size / 1e6:,.0f} MB"


def spread(samples: list[float], unit: float = 1.0, digits: int = 2, name: str = "s") -> str:
    """The median of `samples`, with their range when there are several."""
    median = f"{statistics.median(samples) * unit:.{digits}f} {name}"
    if len(samples) < 2:
        return median
    return (f"median {median} ({min(samples) * unit:.{digits}f}–"
            f"{max(samples) * unit:.{digits}f}, {len(samples)} runs)")


def last_line(path: Path) -> str:
    """The last line a command printed (the summary of `validate`)."""
    with open(path, "rb") as out:
        out.seek(max(0, path.stat().st_size - 4096))
        lines = out.read().decode("utf-8", "replace").strip().splitlines()
    return lines[-1] if lines else ""


def gc_off_seconds(work: Callable[[], object]) -> float:
    """Seconds `work` takes with the cyclic collector off; its result is freed after the
    clock stops, and the collector emptied before, so no run pays for another's."""
    gc.collect()
    with load.collector_disabled():
        start = time.perf_counter()
        result = work()
        took = time.perf_counter() - start
        del result
    gc.collect()
    return took


# --- the floor and the parsers ---------------------------------------------------------------


def fast_parsers() -> tuple[list[Parser], list[str]]:
    """The other parsers installed (the `bench` extra), and those missing."""
    found, missing = [], []
    try:
        yaml_rs = importlib.import_module("yaml_rs")
        version = importlib.metadata.version("yaml-rs")
        found.append(Parser(
            f"yaml-rs {version} `loads` (to Python objects; scalars typed, no locations)",
            lambda paths: [yaml_rs.loads(Path(p).read_text(encoding="utf-8"))
                           for p in paths], objects=True))
    except ImportError:
        missing.append("yaml-rs")
    try:
        ryml = importlib.import_module("ryml")
        version = importlib.metadata.version("rapidyaml")
        found.append(Parser(
            f"rapidyaml {version} `parse_in_arena` (to its tree only; no Python objects)",
            lambda paths: [ryml.parse_in_arena(Path(p).read_bytes()) for p in paths],
            objects=False))
    except ImportError:
        missing.append("rapidyaml")
    return found, missing


def measure_floor(run: Run, sections: set[str]) -> None:
    """The bare read `--repeat` times, each round followed by the other parsers (when
    the read section runs); with the export section, the floors of JSON are timed on the
    objects of the last bare read."""
    for path in run.paths:  # into the page cache before the first run
        Path(path).read_bytes()
    if "read" in sections:
        run.parsers, run.missing = fast_parsers()
    for round_ in range(run.repeat):
        keep = "export" in sections and round_ == run.repeat - 1
        if keep:
            gc.collect()
            with load.collector_disabled():
                start = time.perf_counter()
                objects = load.bare_read(run.paths)
                run.bare.append(time.perf_counter() - start)
                json_floor(run, objects)
                del objects
            gc.collect()
        else:
            run.bare_read()
        for parser in run.parsers:
            if parser.error:
                continue
            try:
                parser.seconds.append(gc_off_seconds(functools.partial(parser.parse, run.paths)))
            except Exception as error:  # a parser that fails is reported
                parser.error = f"{type(error).__name__}: {error}"[:200]


def orjson_seconds(objects: object, indented: bool, runs: int = 3) -> tuple[float, int]:
    """The best of `runs` encodings of `objects` by orjson, and the bytes it made."""
    orjson = importlib.import_module("orjson")
    options = orjson.OPT_NON_STR_KEYS | (orjson.OPT_INDENT_2 if indented else 0)
    best, written = float("inf"), 0
    for _ in range(runs):
        start = time.perf_counter()
        written = len(orjson.dumps(objects, option=options))
        best = min(best, time.perf_counter() - start)
    return best, written


def json_floor(run: Run, objects: object) -> None:
    for indented in (False, True):
        took, written = orjson_seconds(objects, indented)
        run.json_floor.append(
            ("bare `orjson.dumps` of the objects of a bare `yaml.load` of the catalog"
             + (" (indented)" if indented else " (compact)"), took, written))


# --- sections --------------------------------------------------------------------------------


def fastest(run: Run) -> Parser | None:
    """The fastest parser that builds Python objects, as the bare read does."""
    timed = [p for p in run.parsers if p.objects and p.seconds and not p.error]
    return min(timed, key=lambda p: statistics.median(p.seconds)) if timed else None


def read_section(run: Run) -> None:
    for parser in run.parsers:
        if parser.error:
            run.add(parser.label, f"FAILED: {parser.error}")
            continue
        took = statistics.median(parser.seconds)
        run.versus(parser.label, spread(parser.seconds), took)
    for name in run.missing:
        run.add(f"{name}: not installed (`pip install -e '.[bench]'`)", "skipped")
    best = fastest(run)
    print("fastest parser to Python objects: "
          + (best.label.split(" `")[0] if best else "none besides libyaml"))


def validate_section(run: Run) -> None:
    run.empty_cache()
    with Tmux(run.explorer()) as terminal:  # parses in worker processes, fills the cache
        launched = terminal.wait_for(MAIN_SCREEN, timeout=1200)
    run.empty_cache()  # what the explorer wrote; then validate fills it for what follows
    cold = run.child("validate-cold", "validate", str(run.folder))
    said = last_line(run.scratch / "validate-cold.out")
    run.warm = cold.status == 0
    if not run.warm:
        print(cold.stderr_tail, file=sys.stderr)
    run.versus(f"`contested validate`, empty cache (exit {cold.status}; {said})",
               f"{cold.seconds:.2f} s, peak RSS {mb(cold.peak_rss_bytes)}", cold.seconds,
               "≤ 1.0× at 10k, ≤ 0.7× at 100k, goal ≤ 0.5×; ≤ 1 GB")
    best = fastest(run)
    if best is not None:
        seconds = statistics.median(best.seconds)
        run.add("  the same beside the fastest parser to Python objects",
                f"{cold.seconds:.2f} s", f"{seconds:.2f} s ({best.label.split(' `')[0]})",
                ratio(cold.seconds, seconds))
    run.versus("explorer: launch to first screen, empty cache (tmux 80x24)",
               f"{launched:.2f} s", launched)


def second_section(run: Run) -> None:
    run.warm_up()
    commands = {"validate": ("validate", str(run.folder)),
                "contradictions": ("contradictions", str(run.folder))}
    for name, args in commands.items():  # each one's first run, untimed
        run.child(f"{name}-first", *args)
    seconds: dict[str, list[float]] = {name: [] for name in commands}
    peaks: dict[str, int] = dict.fromkeys(commands, 0)
    output: dict[str, int] = dict.fromkeys(commands, 0)
    for _ in range(run.repeat):
        for name, args in commands.items():
            done = run.child(name, *args)
            if done.status != 0:
                raise RuntimeError(f"`contested {name}` exited {done.status}: "
                                   f"{done.stderr_tail.strip()[-300:]}")
            seconds[name].append(done.seconds)
            peaks[name] = max(peaks[name], done.peak_rss_bytes)
            output[name] = done.stdout_bytes
    for name, samples in seconds.items():
        run.versus(f"second `contested {name}`, end to end ({output[name]:,} bytes "
                   "printed)", f"{spread(samples)}, peak RSS {mb(peaks[name])}",
                   statistics.median(samples), "≤ 0.03×")


def export_section(run: Run) -> None:
    run.warm_up()
    described = subprocess.run([str(BIN / "contested"), "export", "--help"],
                               capture_output=True, text=True, check=False).stdout
    variants: list[tuple[str, tuple[str, ...]]] = [("markdown", ()), ("json", ())]
    if "--compact" in described:
        variants.append(("json", ("--compact",)))
    variants.append(("csv", ()))
    for fmt, extra in variants:
        written = run.scratch / "exports" / f"export.{fmt}"
        written.parent.mkdir(exist_ok=True)
        name = " ".join((fmt, *extra))
        done = run.child(f"export-{fmt}", "export", "--format", fmt, *extra, "-o",
                         str(written), str(run.folder))
        if done.status != 0:
            run.add(f"`contested export --format {name}`",
                    f"FAILED, exit {done.status}: {done.stderr_tail.strip()[-200:]}")
            continue
        size = written.stat().st_size
        run.versus(f"`contested export --format {name}` to a file, warm cache",
                   f"{done.seconds:.2f} s, peak RSS {mb(done.peak_rss_bytes)}, {size:,} "
                   "bytes written", done.seconds, "≤ 0.15×, ≤ 1 GB")
        if fmt == "json" and not extra:
            records = importlib.import_module("orjson").loads(written.read_bytes())
            for indented in (False, True):
                took, length = orjson_seconds(records, indented)
                run.add("  floor: bare `orjson.dumps` of the records the JSON export wrote"
                        + (" (indented)" if indented else " (compact)"),
                        f"{took:.2f} s, {length:,} bytes", "", ratio(done.seconds, took)
                        + " (export / this)")
            del records
        written.unlink(missing_ok=True)
    for name, took, length in run.json_floor:
        run.versus(f"  floor: {name}", f"{took:.2f} s, {length:,} bytes", took)


def until(terminal: Tmux, seen: Callable[[str], bool], timeout: float = 60.0) -> str:
    """Poll the screen until `seen` says yes; the screen then."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        screen = terminal.screen()
        if seen(screen):
            return screen
        time.sleep(0.003)
    raise RuntimeError(f"not seen within {timeout} s:\n{terminal.screen()}")


def startup_section(run: Run) -> None:
    from startup import MINIMAL_APP  # bench/startup.py: the floor of every Textual app

    if MINIMAL_SCREEN not in MINIMAL_APP:
        raise RuntimeError(f"bench/startup.py's minimal app no longer shows {MINIMAL_SCREEN!r}")
    minimal = run.scratch / "minimal.py"
    minimal.write_text(MINIMAL_APP, encoding="utf-8")
    run.warm_up()
    launches = {
        "minimal Textual app (one Static)": (
            f"{shlex.quote(sys.executable)} {shlex.quote(str(minimal))}", MINIMAL_SCREEN),
        "bundled catalog": (shlex.quote(str(BIN / "contested")), BUNDLED_SCREEN),
        "the run's catalog, warm cache": (run.explorer(), MAIN_SCREEN),
    }
    for command, needle in launches.values():  # untimed: caches, the page cache
        with Tmux(command) as terminal:
            terminal.wait_for(needle, timeout=300)
    seconds: dict[str, list[float]] = {name: [] for name in launches}
    for _ in range(run.repeat):
        for name, (command, needle) in launches.items():
            with Tmux(command) as terminal:
                seconds[name].append(terminal.wait_for(needle, timeout=120))
    floor = statistics.median(seconds["minimal Textual app (one Static)"])
    targets = {"bundled catalog": "≤ 1.3×", "the run's catalog, warm cache": "≤ 2.5×"}
    for name, samples in seconds.items():
        target = targets.get(name, "")
        run.add(f"launch to first screen (tmux 80x24): {name}", spread(samples),
                f"{floor:.2f} s (minimal app)" if target else "",
                ratio(statistics.median(samples), floor) if target else "", target)


def panes_section(run: Run) -> None:
    # bench/explorer.py's measure, shared with its --tmux mode: per pane, settled and
    # idle, then `j` pressed again and again (terminal.per_key).
    from explorer import panes_in_tmux, percentile

    run.warm_up()
    for size in SIZES:
        at = f"{size[0]}x{size[1]}"
        for name, (wall, cpu) in panes_in_tmux(run.explorer(), size, run.keys).items():
            missed = run.keys - len(wall)
            if not wall:
                run.add(f"panes {at}, {name}", f"no repaint seen after {missed} keys")
                continue
            measured = (f"CPU median {statistics.median(cpu) * 1000:.1f} ms, p95 "
                        f"{percentile(cpu, 0.95) * 1000:.1f} ms; " if cpu else
                        "CPU unknown (no /proc); ")
            run.add(f"panes {at}, {name}: per `j`, the real process (tmux)",
                    measured + f"key to repaint median {statistics.median(wall) * 1000:.0f}"
                    f" ms, p95 {percentile(wall, 0.95) * 1000:.0f} ms"
                    + (f" ({missed} keys with no repaint seen)" if missed else ""),
                    "", "", "CPU ≤ 12 ms median")


def search_section(run: Run) -> None:
    run.warm_up()
    with Tmux(run.explorer()) as terminal:
        first = terminal.wait_for(MAIN_SCREEN, timeout=300)
        for n, query in enumerate(QUERIES):
            if n:
                terminal.send("Escape")  # clears the search: its "match 1 of" goes
                until(terminal, lambda screen: "match 1 of" not in screen)
                terminal.settle()
                terminal.idle()  # the background work is done
            asked = time.perf_counter()
            terminal.send("/")
            until(terminal, lambda screen: "Search every field" in screen, timeout=300)
            prompted = time.perf_counter() - asked
            terminal.send(query)
            until(terminal, functools.partial(typed, query=query))
            start = time.perf_counter()
            terminal.send("Enter")
            screen = until(terminal, functools.partial(answered, query=query), timeout=300)
            took = time.perf_counter() - start
            if "match 1 of" not in screen:
                raise RuntimeError(f"the search for {query!r} found nothing:\n{screen}")
            if n == 0:
                run.add(f"first search `/{query}`, `/` sent {asked - terminal.started:.2f} s "
                        f"after launch (first screen at {first:.2f} s; prompt shown "
                        f"{prompted:.2f} s later): enter to the first result",
                        f"{took:.2f} s", "", "", "≤ 0.5 s at 300k claims")
            else:
                run.add(f"a later search `/{query}`, background work done: enter to the "
                        "first result", f"{took:.2f} s")
        peak = terminal.peak_rss()
        run.add("explorer's peak RSS, its background work done and two searches made",
                mb(peak) if peak else "unknown (no /proc)", "", "", "≤ 1 GB")


def answered(screen: str, query: str) -> bool:
    """Whether the search for `query` has shown its first result, or said why not (the
    prompt closed)."""
    return "Search every field" not in screen and (
        "match 1 of" in screen or f"/{query}: no match" in screen
        or f"/{query}: not searched" in screen)


def typed(screen: str, query: str) -> bool:
    """Whether the search prompt on `screen` shows `query` typed in."""
    lines = screen.splitlines()
    for n, line in enumerate(lines):
        if "Search every field" in line:
            return any(f" {query} " in later for later in lines[n + 1:n + 4])
    return False


def engine_section(run: Run) -> None:
    from analysis import first_reads  # bench/analysis.py
    from contested.catalog.cache.store import CatalogCache
    from contested.catalog.loading import load_catalog
    from contested.engine.analysis import analyse
    from contested.support.collector import collector_paused

    run.warm_up()
    start = time.perf_counter()
    result = load_catalog([run.folder], cache=CatalogCache())
    loaded = time.perf_counter() - start
    if not result.ok:
        raise RuntimeError("the catalog is not valid")
    run.versus("warm reload: `load_catalog` from the cache, in this process",
               f"{loaded:.2f} s", loaded)
    with collector_paused():
        start = time.perf_counter()
        analysis = analyse(result.catalog)
        first_reads(analysis.contradictions, analysis.corroboration,  # type: ignore[arg-type]
                    analysis.series)
        engine = time.perf_counter() - start
        start = time.perf_counter()
        warned = len(analysis.warnings)
        warnings = time.perf_counter() - start
    run.add("contradictions + series + corroboration (`analyse`, first reads)",
            f"{engine:.2f} s", "", "", "≤ 0.5 s")
    run.add(f"warnings ({warned:,}; worked out when first read)", f"{warnings:.2f} s")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    run.add("peak RSS of this bench process (the floors' objects, then the catalog)",
            mb(peak))


SECTION_RUNS: dict[str, Callable[[Run], None]] = {
    "read": read_section, "validate": validate_section, "second": second_section,
    "export": export_section, "startup": startup_section, "panes": panes_section,
    "search": search_section, "engine": engine_section,
}


def chosen(text: str) -> set[str]:
    names = {name.strip() for name in text.split(",") if name.strip()}
    unknown = names - set(SECTIONS)
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown section(s) {', '.join(sorted(unknown)) or '(none)'}; "
            f"choose among {', '.join(SECTIONS)}")
    return names


def generated(folder: Path, events: int) -> None:
    from analysis import generate  # bench/analysis.py
    from generate import DISSENT  # bench/generate.py

    made = generate(events=events, claims=3 * events, questions_count=max(2, events // 10),
                    sources=max(20, events // 100), files=max(2, events // 5000), seed=2025,
                    dissent=DISSENT)
    for name, text in made.files.items():
        (folder / name).write_text(text, encoding="utf-8")
    print(f"catalog:  generated in {folder}: " + ", ".join(
        f"{v:,} {k}" for k, v in made.counts.items()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else "")
    parser.add_argument("events", type=int, nargs="?", default=100_000, metavar="N",
                        help="events to generate, with 3N claims (default: 100,000)")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--catalog", type=Path, metavar="DIR",
                       help="measure this existing catalog (only read) instead of generating one")
    where.add_argument("--keep", type=Path, metavar="DIR",
                       help="write the generated catalog here and keep it (default: a "
                       "temporary folder)")
    parser.add_argument("--keys", type=int, default=100, help="keys per pane in the explorer")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of the floor, of the second runs and of each launch")
    parser.add_argument("--only", type=chosen, metavar="SECTION[,SECTION]",
                        default=set(SECTIONS), help="run only these sections: "
                        + ", ".join(SECTIONS))
    args = parser.parse_args(argv)
    if args.keys < 1 or args.repeat < 1:
        parser.error("--keys and --repeat must be at least 1")
    sections: set[str] = args.only
    for line in load.machine():
        print(line)
    # Byte-compiled as `pip install` leaves it (an editable install under
    # PYTHONDONTWRITEBYTECODE would compile every module at each launch measured).
    compileall.compile_dir(Path(contested.__file__).parent, quiet=1)
    scratch = Path(tempfile.mkdtemp(prefix="contested-run-"))
    cache = scratch / "cache"
    os.environ["XDG_CACHE_HOME"] = str(cache)  # read here and by every child
    os.environ["XDG_DATA_HOME"] = str(scratch / "data")  # the bundled catalog's notes
    folder: Path = args.catalog or args.keep or scratch / "catalog"
    try:
        if args.catalog is None:
            folder.mkdir(parents=True, exist_ok=True)
            generated(folder, args.events)
        paths, _ = discover([folder])
        if not paths:
            sys.exit(f"bench: no timeline files in {folder}")
        size = sum(os.path.getsize(p) for p in paths)
        print(f"catalog:  {folder}: {len(paths)} files, {mb(size)}")
        run = Run(folder, paths, scratch, cache, args.keys, args.repeat)
        run.empty_cache()
        run.add("figure", "measured", "floor", "ratio", "target")
        run.add("---", "---", "---", "---", "---")
        run.add("files", f"{len(paths)} files, {mb(size)}")
        if sections & FLOORED:
            measure_floor(run, sections)
            run.add("bare `yaml.load` (libyaml C loader, GC off): the floor of loading",
                    spread(run.bare), "", "1.00×")
        for name in SECTIONS:
            if name not in sections:
                continue
            start = time.perf_counter()
            try:
                if name in BRACKETED:
                    with run.bracketed():
                        SECTION_RUNS[name](run)
                else:
                    SECTION_RUNS[name](run)
            except Exception as error:  # one section's failure is reported
                traceback.print_exc()
                run.add(f"{name}: FAILED", f"{type(error).__name__}: "
                        + " ".join(str(error).split())[:300])
            print(f"({name}: {time.perf_counter() - start:.0f} s)", flush=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print()
    print("\n".join(run.rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
