"""The contradiction engine on ONE question with many claims: how its cost grows.

Run: `python bench/crowd.py [--sizes 1000,5000,20000,100000] [--shapes alternating,spread,
figures] [--repeat 3] [--src DIR] [--timeout 300] [--memory-gib 3]`

Issue 17 (H1): the engine was quadratic in the claims of one question (2,000 claims that
alternate between two answers: 1,000,000 pairs built; 20,000 failed to allocate). This
script measures `analyse` on one question of N claims, each size in a fresh process so
that its peak RSS is its own, with the first reads the explorer and the CLI make after it
(the number of contradictions, the contradictions per claim, the first page of each
group, one pair looked up by id, one claim's corroboration).

The shapes:
- alternating: N claims at one month, answering x and y in turn (from two sources):
  N²/4 contradictions, the issue's case;
- spread: three answers over two months, most claims on one day, some on a month, some
  with an open start, a few undated (so that claims overlap in chains, not all at once);
- figures: a quantity question, six figures in exact, about, at_least and between forms,
  at one month.

Each figure is printed beside a floor measured in the same process and its ratio: a bare
`numpy.sort` of N float64 (best of --repeat). n log n work keeps the ratio flat as N
grows; quadratic work multiplies it by the growth of N. Peak RSS is the process's
high-water mark over the engine's run, less its size before (reset through
/proc/self/clear_refs; where that is refused, the high-water mark of the whole process).

`--src DIR` runs the same against another checkout's `src` (for a before/after on the
same machine and minutes, e.g. `git archive HEAD src | tar -x -C /tmp/before`); a run
that passes `--timeout` seconds or `--memory-gib` of address space is reported as such.
The script measures, it does not gate: it exits 0 whatever the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
SRC = BENCH.parent / "src"

HEAD = """\
contested: 1
sources:
  - {id: a, name: Agency A, side: north}
  - {id: b, name: Agency B, side: south}
  - {id: c, name: Agency C, side: south}
questions:
  - {id: bridge, text: Who holds the bridge?, kind: category}
  - {id: area, text: Area held, kind: quantity, unit: km2}
claims:
"""


def catalog_text(shape: str, count: int, seed: int = 2025) -> str:
    """One question's claims in the given shape (seeded: the same text every run)."""
    rng = random.Random(seed)
    lines = []
    for n in range(count):
        source = "abc"[n % 3]
        if shape == "alternating":
            about, value, when = "bridge", "xy"[n % 2], "2030-05"
        elif shape == "spread":
            about, value = "bridge", rng.choice("xyz")
            day = rng.randint(0, 59)
            when = rng.choice([f"2030-{5 + day // 30:02}-{day % 30 + 1:02}"] * 6
                              + ["2030-05", f"../2030-05-{day % 30 + 1:02}", ""])
        else:
            about, when = "area", "2030-05"
            figure = rng.choice([100, 120, 300, 500, 900, 1400])
            value = rng.choice([str(figure), f"{{about: {figure}}}", f"{{at_least: {figure}}}",
                                f"{{between: [{figure}, {figure * 2}]}}"])
        dated = f", as_of: {when}" if when else ""
        lines.append(f"  - {{id: c{n}, source: {source}, text: t, about: {about}, "
                     f"value: {value}{dated}}}\n")
    return HEAD + "".join(lines)


# --- in the child process ----------------------------------------------------------------------

def _status(field: str) -> int | None:
    """A field of /proc/self/status, in bytes (None: not Linux)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def _reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as refs:
            refs.write("5")
    except OSError:
        return False
    return True


def measure(shape: str, count: int, repeat: int) -> dict[str, object]:
    """Build the catalog (not timed), then time the engine and its first reads."""
    import numpy as np

    from contested.catalog.link import link
    from contested.catalog.parse import parse_timeline
    from contested.engine.analysis import analyse

    parsed = parse_timeline(catalog_text(shape, count).encode(), f"{shape}.yaml")
    assert parsed.document is not None, [d.headline() for d in parsed.diagnostics[:5]]
    catalog, problems = link([(f"{shape}.yaml", parsed.document)])
    assert not problems, [d.headline() for d in problems[:5]]
    numbers = np.random.default_rng(1).random(count)
    floor = min(_timed(lambda: np.sort(numbers)) for _ in range(max(repeat, 5)))
    reset = _reset_peak()
    before = _status("VmRSS") or 0
    start = time.perf_counter()
    analysis = analyse(catalog)
    found = analysis.contradictions
    total = len(found)
    per_row = found.per_row()
    groups = getattr(found, "groups", [])
    for group in groups:
        group.page(0)
    first = next(iter(catalog.claims.values()))
    looked_up = found.get(found[total // 2].id) if total else None
    analysis.corroboration.get(first.id)
    engine = time.perf_counter() - start
    peak = _status("VmHWM")
    if peak is None:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return {"shape": shape, "claims": count, "contradictions": total,
            "groups": len(groups), "most_per_claim": int(per_row.max()) if total else 0,
            "looked_up": looked_up is not None, "engine": engine, "floor": floor,
            "peak": peak - (before if reset else 0), "whole_process": not reset}


def _timed(run: object) -> float:
    start = time.perf_counter()
    run()  # type: ignore[operator]
    return time.perf_counter() - start


# --- the parent ---------------------------------------------------------------------------------

def run_child(shape: str, count: int, repeat: int, *, src: Path, timeout: float,
              memory_gib: float) -> dict[str, object]:
    """One measure in a fresh process, under an address-space limit."""
    limit = int(memory_gib * 2**30)

    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    env = {**os.environ, "PYTHONPATH": str(src), "PYDANTIC_DISABLE_PLUGINS": "__all__"}
    command = [sys.executable, __file__, "--child", shape, str(count), str(repeat)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, env=env,
                              timeout=timeout, preexec_fn=limited, check=False)
    except subprocess.TimeoutExpired:
        return {"shape": shape, "claims": count, "failed": f"over {timeout:.0f} s"}
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["?"])[-1]
        reason = ("out of memory" if "MemoryError" in done.stderr or "alloc" in last
                  else last[:60])
        return {"shape": shape, "claims": count,
                "failed": f"{reason} (limit {memory_gib:g} GiB)"}
    found: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def row(*cells: str) -> str:
    return "| " + " | ".join(cells) + " |"


def report(found: dict[str, object]) -> str:
    if "failed" in found:
        return row(str(found["shape"]), f"{found['claims']:,}", "", "", str(found["failed"]),
                   "", "", "")
    engine, floor = float(found["engine"]), float(found["floor"])  # type: ignore[arg-type]
    peak = int(found["peak"]) / 2**20  # type: ignore[call-overload]
    whole = " (whole process)" if found["whole_process"] else ""
    return row(str(found["shape"]), f"{found['claims']:,}",
               f"{found['contradictions']:,}", f"{found['groups']}",
               f"{engine:.3f} s", f"{floor * 1e6:.0f} µs", f"{engine / floor:,.0f}×",
               f"{peak:.1f} MiB{whole}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else "")
    parser.add_argument("--sizes", default="1000,5000,20000,100000",
                        help="claims on the question, comma-separated")
    parser.add_argument("--shapes", default="alternating,spread,figures")
    parser.add_argument("--repeat", type=int, default=3, help="runs of the floor")
    parser.add_argument("--src", type=Path, default=SRC,
                        help="the `src` folder to measure (default: this checkout's)")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per run")
    parser.add_argument("--memory-gib", type=float, default=3.0,
                        help="address space allowed to each run")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        shape, count, repeat = args.child
        print(json.dumps(measure(shape, int(count), int(repeat))))
        return 0
    sys.path.insert(0, str(BENCH))
    import load  # bench/load.py: the machine's description

    for line in load.machine():
        print(line)
    print(f"measuring: {args.src}")
    print()
    print(row("shape", "claims", "contradictions", "groups", "engine + first reads",
              "floor: numpy sort of N", "ratio", "peak RSS of the engine"))
    print(row(*["---"] * 8))
    for shape in args.shapes.split(","):
        for size in args.sizes.split(","):
            print(report(run_child(shape, int(size), args.repeat, src=args.src,
                                   timeout=args.timeout, memory_gib=args.memory_gib)),
                  flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
