"""Every figure of contested on one generated catalog, in one run, as a table.

Run: `python bench/run.py [N] [--keep DIR] [--keys 100]` (N events, 3N claims; default
100,000, the size of issue 7's targets).

Each figure is printed beside its baseline and as a ratio, with the target when there is
one:
- file size; a bare `yaml.load` with the C loader and the garbage collector off (the
  baseline of loading: what any tool reading these files pays);
- `contested validate` in a fresh process, cold (empty cache: files are parsed in worker
  processes) then cached, each with its peak RSS (the largest process);
- `load_catalog` in this process: without cache in one process (the baseline of the
  parallel parse), with an empty cache (2 processes), then warm, from the cache;
- contradictions + series + corroboration (`analyse`, and the first reads that build its
  lazy indexes) on the loaded catalog;
- `export` in each format;
- the explorer's first screen with a warm cache, in a fresh process from its start
  (headless), and for each pane the CPU (median) and wall time (95th percentile) from a
  key to the repaint (bench/explorer.py's measures, at 80x24). The headless CPU figure
  includes Textual's Pilot, which after each key waits on every widget (34 callbacks
  a key); the real command in tmux is also measured, from outside: the CPU all its
  threads used from a key to the settled screen (Linux schedstat), once its background
  work (engine, search index) is done;
- peak RSS of this process (which holds the loaded catalog and the explorer).
The cache is a private one for the run (XDG_CACHE_HOME points into a temporary folder):
the user's is neither used nor touched. It exits 0 whatever the figures (it measures, it
does not gate).
"""

from __future__ import annotations

import argparse
import asyncio
import compileall
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(BENCH))
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

import contested  # noqa: E402
import load  # noqa: E402  (bench/load.py: the bare read, validate in a child)
from analysis import first_reads, generate  # noqa: E402  (bench/analysis.py)
from contested.catalog.cache.store import CatalogCache  # noqa: E402
from contested.catalog.discover import discover  # noqa: E402
from contested.catalog.loading import load_catalog  # noqa: E402
from contested.engine.analysis import analyse  # noqa: E402
from contested.export.render import render  # noqa: E402
from contested.support.collector import collector_paused  # noqa: E402
from explorer import PANES, per_pane, percentile  # noqa: E402  (bench/explorer.py)
from generate import DISSENT  # noqa: E402  (bench/generate.py)
from terminal import Tmux  # noqa: E402  (bench/terminal.py)


def seconds(run: object) -> float:
    start = time.perf_counter()
    run()  # type: ignore[operator]
    return time.perf_counter() - start


def rss_of(runs: load.CommandRuns) -> str:
    return load.mib(runs.peak_rss_bytes) if runs.peak_rss_bytes else "unknown"


def in_a_terminal(folder: Path, keys: int) -> list[str]:
    """The real `contested` on `folder` in tmux (80x24), the cache warm: launch to the
    main screen, twice; then, per pane, the wall time from each key to the repaint; then
    launch to the main screen with an empty cache (which it fills again)."""
    command = f"{BIN}/contested --notes {folder / 'bench-notes.yaml'} {folder}"
    found = []
    launches, filled = [], []
    for _ in range(2):
        with Tmux(command) as terminal:
            launches.append(terminal.wait_for("1 Timeline"))
            filled.append(terminal.wait_for("contradictions", gone="finding contradictions"))
    found.append(row("explorer: launch to first screen, warm cache (tmux 80x24)",
                     f"{min(launches):.2f} s (best of 2)", "", "", "≤ 1.0 s"))
    found.append(row("explorer: launch to the engine's findings filled in, warm cache",
                     f"{min(filled):.2f} s (best of 2)"))
    with Tmux(command) as terminal:
        terminal.wait_for("1 Timeline")
        terminal.settle()
        for key, name in PANES.items():
            if name != "Timeline":  # where it opens
                terminal.send(key)
            if name == "Claims":
                terminal.send("A")  # all the claims, not those of the first event
            terminal.settle()
            terminal.idle()  # the engine and the search index are done
            wall, cpu, missed = [], [], 0
            for _ in range(keys):
                before = terminal.cpu()
                try:
                    wall.append(terminal.key_to_repaint("j"))
                except RuntimeError:
                    missed += 1
                    continue
                after = terminal.cpu()
                if before is not None and after is not None:
                    cpu.append(after - before)
            found.append(row(
                f"explorer 80x24, {name} pane: key to repaint, wall (tmux)",
                f"median {statistics.median(wall) * 1000:.1f} ms, p95 "
                f"{percentile(wall, 0.95) * 1000:.1f} ms, worst {max(wall) * 1000:.1f} ms"
                + (f" ({missed} keys with no repaint seen)" if missed else ""),
                "", "", "≤ 50 ms p95"))
            if cpu:
                found.append(row(
                    f"explorer 80x24, {name} pane: CPU per key, the real process (tmux)",
                    f"median {statistics.median(cpu) * 1000:.1f} ms, p95 "
                    f"{percentile(cpu, 0.95) * 1000:.1f} ms", "", "", "≤ 16 ms median"))
        peak = terminal.peak_rss()
        found.append(row("explorer: peak RSS after all that (catalog, analysis, screens)",
                         load.mib(peak) if peak else "unknown (no /proc)", "", "", "≤ 1 GiB"))
    shutil.rmtree(Path(os.environ["XDG_CACHE_HOME"]) / "contested", ignore_errors=True)
    with Tmux(command) as terminal:  # it parses in worker processes, and fills the cache
        cold = terminal.wait_for("1 Timeline", timeout=600)
    found.append(row("explorer: launch to first screen, empty cache (tmux 80x24)",
                     f"{cold:.2f} s"))
    return found


def row(name: str, value: str, baseline: str = "", ratio: str = "", target: str = "") -> str:
    return f"| {name} | {value} | {baseline} | {ratio} | {target} |"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else "")
    parser.add_argument("events", type=int, nargs="?", default=100_000, metavar="N")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="write the catalog here and keep it (default: a temporary folder)")
    parser.add_argument("--keys", type=int, default=100, help="keys per pane in the explorer")
    args = parser.parse_args(argv)
    n = args.events
    for line in load.machine():
        print(line)
    # Byte-compiled as `pip install` leaves it (an editable install under
    # PYTHONDONTWRITEBYTECODE would compile every module at each launch measured).
    compileall.compile_dir(Path(contested.__file__).parent, quiet=1)
    folder = args.keep or Path(tempfile.mkdtemp(prefix="contested-run-"))
    cache_home = tempfile.mkdtemp(prefix="contested-run-cache-")
    os.environ["XDG_CACHE_HOME"] = cache_home  # read by platformdirs here and in children
    rows = [row("figure", "measured", "baseline", "ratio", "target"),
            row("---", "---", "---", "---", "---")]
    try:
        folder.mkdir(parents=True, exist_ok=True)
        generated = generate(events=n, claims=3 * n, questions_count=max(2, n // 10),
                             sources=max(20, n // 100), files=max(2, n // 5000), seed=2025,
                             dissent=DISSENT)
        for name, text in generated.files.items():
            (folder / name).write_text(text, encoding="utf-8")
        paths, _ = discover([folder])
        size = sum(os.path.getsize(p) for p in paths)
        print(f"catalog: {folder}: " + ", ".join(
            f"{v:,} {k}" for k, v in generated.counts.items()))
        rows.append(row("files", f"{len(paths)} files, {load.mib(size)}"))

        bare = seconds(lambda: load.bare_read_gc_off(paths))
        rows.append(row("bare `yaml.load` (C loader, GC off)", f"{bare:.2f} s", "", "1.00"))

        cold = load.validate_command(folder, 1)  # the cache (private to this run) is empty
        rows.append(row("`contested validate`, cold (empty cache)",
                        f"{cold.times[0]:.2f} s, peak RSS {rss_of(cold)}", f"{bare:.2f} s",
                        f"{cold.times[0] / bare:.2f}", "≤ 1.0×, ≤ 1.5 GiB"))
        cached = load.validate_command(folder, 1)
        rows.append(row("`contested validate`, cached", f"{cached.times[0]:.2f} s, peak RSS "
                        f"{rss_of(cached)}", f"{bare:.2f} s", f"{cached.times[0] / bare:.3f}",
                        "≤ 1.0 s, ≤ 0.05×, ≤ 1 GiB"))

        # The real explorer, while this process is still small (its forks to poll tmux
        # would otherwise copy gigabytes of page tables); the rows go at the end.
        terminal_rows = in_a_terminal(folder, args.keys)

        start = time.perf_counter()
        serial = load_catalog([folder], workers=1)
        one = time.perf_counter() - start
        del serial
        rows.append(row("`load_catalog`, no cache, one process", f"{one:.2f} s",
                        f"{bare:.2f} s", f"{one / bare:.2f}"))
        start = time.perf_counter()
        scratch = CatalogCache(Path(cache_home) / "scratch")
        both = load_catalog([folder], cache=scratch)
        two = time.perf_counter() - start
        del both
        rows.append(row("`load_catalog`, empty cache, 2 processes", f"{two:.2f} s",
                        f"{one:.2f} s (one process)", f"{two / one:.2f}"))
        start = time.perf_counter()
        result = load_catalog([folder], cache=CatalogCache())
        loaded = time.perf_counter() - start
        if not result.ok:
            sys.exit("bench: the generated catalog is not valid")
        rows.append(row("warm reload: `load_catalog` from the cache, in this process",
                        f"{loaded:.2f} s", f"{bare:.2f} s", f"{loaded / bare:.3f}",
                        "≤ 1.0 s, ≤ 0.05×"))

        with collector_paused():
            start = time.perf_counter()
            analysis = analyse(result.catalog)
            first_reads(analysis.contradictions, analysis.corroboration,  # type: ignore[arg-type]
                        analysis.series)
            engine = time.perf_counter() - start
            start = time.perf_counter()
            warned = len(analysis.warnings)
            warnings = time.perf_counter() - start
        rows.append(row("contradictions + series + corroboration (`analyse`, first reads)",
                        f"{engine:.2f} s", "", "", "≤ 0.5 s"))
        rows.append(row(f"warnings ({warned:,}; worked out when first read)",
                        f"{warnings:.2f} s"))
        for fmt in ("markdown", "json", "csv"):
            took = seconds(lambda fmt=fmt: render(analysis, fmt))
            rows.append(row(f"`export --format {fmt}` (rendering)", f"{took:.2f} s"))

        for name, cpu in asyncio.run(per_pane(analysis, args.keys, (80, 24))):
            rows.append(row(f"explorer 80x24, {name} pane: CPU per key (j, k; headless)",
                            f"median {statistics.median(cpu) * 1000:.1f} ms, worst "
                            f"{max(cpu) * 1000:.1f} ms", "", "", "≤ 16 ms median"))
        rows.extend(terminal_rows)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        rows.append(row("peak RSS of this bench process (it holds several catalogs at once)",
                        load.mib(peak)))
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(cache_home, ignore_errors=True)
    print()
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
