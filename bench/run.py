"""Every figure of contested on one generated catalog, in one run, as a table.

Run: `python bench/run.py [N] [--keep DIR] [--keys 100]` (N events, 3N claims; default
100,000, the size of issue 7's targets).

Each figure is printed beside its baseline and as a ratio, with the target when there is
one:
- file size; a bare `yaml.load` with the C loader and the garbage collector off (the
  baseline of loading: what any tool reading these files pays);
- `contested validate` cold, in a fresh process, with its peak RSS;
- contradictions + series + corroboration (`analyse`, and the first reads that build its
  lazy indexes) on the loaded catalog;
- `export` in each format;
- the explorer's first screen (headless) and CPU per key in the Timeline and Claims
  panes (bench/explorer.py's measure, at 80x24);
- peak RSS of this process (which holds the loaded catalog and the explorer).
Not measured yet: the cached reload (issue 7's cache does not exist yet): its row says so.
It exits 0 whatever the figures (it measures, it does not gate).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

import load  # noqa: E402  (bench/load.py: the bare read, validate in a child)
from analysis import first_reads, generate  # noqa: E402  (bench/analysis.py)
from contested.analysis import analyse  # noqa: E402
from contested.collector import collector_paused  # noqa: E402
from contested.export import render  # noqa: E402
from contested.loading import discover, load_catalog  # noqa: E402
from explorer import drive  # noqa: E402  (bench/explorer.py)


def seconds(run: object) -> float:
    start = time.perf_counter()
    run()  # type: ignore[operator]
    return time.perf_counter() - start


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
    folder = args.keep or Path(tempfile.mkdtemp(prefix="contested-run-"))
    rows = [row("figure", "measured", "baseline", "ratio", "target"),
            row("---", "---", "---", "---", "---")]
    try:
        folder.mkdir(parents=True, exist_ok=True)
        generated = generate(events=n, claims=3 * n, questions_count=max(2, n // 10),
                             sources=max(20, n // 100), files=max(2, n // 5000), seed=2025)
        for name, text in generated.files.items():
            (folder / name).write_text(text, encoding="utf-8")
        paths, _ = discover([folder])
        size = sum(os.path.getsize(p) for p in paths)
        print(f"catalog: {folder}: " + ", ".join(
            f"{v:,} {k}" for k, v in generated.counts.items()))
        rows.append(row("files", f"{len(paths)} files, {load.mib(size)}"))

        bare = seconds(lambda: load.bare_read_gc_off(paths))
        rows.append(row("bare `yaml.load` (C loader, GC off)", f"{bare:.2f} s", "", "1.00"))

        cold = load.validate_command(folder, 1)
        rss = f", peak RSS {load.mib(cold.peak_rss_bytes)}" if cold.peak_rss_bytes else ""
        rows.append(row("`contested validate`, cold", f"{cold.times[0]:.2f} s{rss}",
                        f"{bare:.2f} s", f"{cold.times[0] / bare:.2f}",
                        "≤ 1.0×, ≤ 1.5 GiB"))
        rows.append(row("`contested validate`, cached", "not built yet (issue 7)", "", "",
                        "≤ 1.0 s, ≤ 0.05×, ≤ 1 GiB"))

        start = time.perf_counter()
        result = load_catalog([folder])
        loaded = time.perf_counter() - start
        if not result.ok:
            sys.exit("bench: the generated catalog is not valid")
        rows.append(row("`load_catalog` in this process", f"{loaded:.2f} s", f"{bare:.2f} s",
                        f"{loaded / bare:.2f}"))

        with collector_paused():
            start = time.perf_counter()
            analysis = analyse(result.catalog)
            first_reads(analysis.contradictions, analysis.corroboration,  # type: ignore[arg-type]
                        analysis.series)
            engine = time.perf_counter() - start
        rows.append(row("contradictions + series + corroboration + warnings (`analyse`, "
                        "first reads)", f"{engine:.2f} s", "", "", "≤ 0.5 s (without warnings)"))
        for fmt in ("markdown", "json", "csv"):
            took = seconds(lambda fmt=fmt: render(analysis, fmt))
            rows.append(row(f"`export --format {fmt}` (rendering)", f"{took:.2f} s"))

        lines = asyncio.run(drive(analysis, args.keys, (80, 24)))
        for line in lines:
            text = line.strip()
            if text.startswith("main screen built"):
                rows.append(row("explorer: main screen (catalog loaded)",
                                text.removeprefix("main screen built and painted in "), "",
                                "", "≤ 1.0 s with a warm cache"))
            elif "median" in text and ("Timeline j" in text or "Claims (all" in text):
                name = text.split("  ")[0]
                rows.append(row(f"explorer: CPU per key, {name}",
                                " ".join(text.split()[len(name.split()):]), "", "",
                                "≤ 16 ms median, ≤ 50 ms"))
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        rows.append(row("peak RSS of this process (catalog, analysis, explorer)",
                        load.mib(peak)))
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    print()
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
