"""Thousands of tiny timeline files: the cache against no cache, and the bare read.

Run: `python bench/small_files.py [--files 3000] [--repeat 3]`

A catalog split into many small files (a source, an event and a claim each) is where a
cache's fixed cost per file shows: opening an entry, reading its head, making its
sections. The target is that a warm load is no slower, and holds little more memory,
than parsing every file again (`--no-cache`). Printed, each best of `--repeat`, in
separate processes (so each has its own peak RSS):

- bare read: `yaml.load(..., CSafeLoader)` of every file, the floor;
- no cache: `load_catalog` parsing every file;
- warm cache: `load_catalog` from the cache (written by a first, cold, run);

as seconds, as ratios to the bare read, and warm / no cache. It measures, it does not
gate.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MEASURE = r"""
import json, resource, sys, time
from pathlib import Path
mode, folder = sys.argv[1], sys.argv[2]
start = time.perf_counter()
if mode == "bare":
    import yaml
    for path in sorted(Path(folder).glob("*.yaml")):
        yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
else:
    from contested.catalog.cache.store import CatalogCache
    from contested.catalog.loading import load_catalog
    result = load_catalog([folder], cache=None if mode == "none" else CatalogCache())
    assert result.ok, result.diagnostics[:3]
seconds = time.perf_counter() - start
print(json.dumps([seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024]))
"""


def write_catalog(folder: Path, files: int) -> None:
    for n in range(files):
        (folder / f"f{n:05d}.yaml").write_text(
            f"contested: 1\nsources:\n  - {{id: s{n}, name: Source {n}}}\n"
            f"events:\n  - {{id: e{n}, date: 2025-03, title: Event {n}}}\n"
            f"claims:\n  - {{id: c{n}, source: s{n}, event: e{n}, text: Claim {n}.}}\n")


def measure(mode: str, folder: Path, env: dict[str, str], repeat: int) -> tuple[float, float]:
    """(best seconds, peak RSS in MiB of that run)."""
    runs = []
    for _ in range(repeat):
        done = subprocess.run([sys.executable, "-c", MEASURE, mode, str(folder)], env=env,
                              capture_output=True, text=True, check=True)
        runs.append(tuple(json.loads(done.stdout.splitlines()[-1])))
    best = min(runs)
    return best[0], best[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="contested-small-") as scratch:
        folder = Path(scratch) / "catalog"
        folder.mkdir()
        write_catalog(folder, args.files)
        time.sleep(2.5)  # as files are: settled, so the cache trusts their stat (git's rule)
        env = dict(os.environ, XDG_CACHE_HOME=str(Path(scratch) / "cache"))
        measure("warm", folder, env, 1)  # cold: writes the cache
        bare = measure("bare", folder, env, args.repeat)
        none = measure("none", folder, env, args.repeat)
        warm = measure("warm", folder, env, args.repeat)
    print(f"{args.files} tiny files; {platform.python_implementation()} "
          f"{platform.python_version()}, {os.cpu_count()} CPUs, {platform.machine()}")
    print(f"{'':12} {'seconds':>8} {'x bare':>7} {'MiB':>6}")
    for name, (seconds, rss) in (("bare read", bare), ("no cache", none), ("warm cache", warm)):
        print(f"{name:12} {seconds:8.3f} {seconds / bare[0]:7.2f} {rss:6.0f}")
    print(f"warm / no cache: {warm[0] / none[0]:.2f}x time, {warm[1] / none[1]:.2f}x memory "
          "(target: time at most 1.0x)")


if __name__ == "__main__":
    main()
