"""Write a realistic catalog of N events and 3N claims, for benchmarks and trials.

Run: `python bench/generate.py N [--out DIR] [--seed S] [--files F]`

The catalog is bench/analysis.py's (seeded, the same bytes for the same arguments): a
shared sources file (news agencies, media, officials, bloggers, with relays through the
big agencies), a questions file (half category, half quantity, with units and
tolerances), and F timeline files of events and claims dated in every written form of
the format (days, months, years, `~ ? %`, `-XX`, intervals, open ends), with `disputes`
links, relays and declared contradictions. Claims about one moment of a question
overlap (they agree or contradict) and claims about different moments form series;
about 14% of the pairs compared contradict (`--dissent`).
Defaults: N/10 questions, N/100 sources (at least 20), one file per 5,000 events (at
least 2). It prints the counts and the size written; `contested validate DIR` accepts it.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from analysis import generate  # bench/analysis.py

DISSENT = 0.02
"""With it, about 14% of the pairs of claims that are compared contradict: a few claims
depart from their moment's truth, and more reach a neighbouring moment through a fuzzy
date (an interval, an open end, a year). bench/analysis.py's own catalog is harsher
(about 40%), to load the engine."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else "")
    parser.add_argument("events", type=int, metavar="N", help="events (claims: 3N)")
    parser.add_argument("--out", type=Path, default=Path("generated-catalog"),
                        help="the folder to write (default: ./generated-catalog)")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--files", type=int, default=0,
                        help="timeline files (default: one per 5,000 events, at least 2)")
    parser.add_argument("--dissent", type=float, default=DISSENT,
                        help="share of claims departing from their moment's truth (default "
                             f"{DISSENT}: about 14%% of pairs contradict)")
    args = parser.parse_args(argv)
    if args.events < 10:
        parser.error("N is at least 10")
    events = args.events
    files = args.files or max(2, events // 5000)
    start = time.perf_counter()
    generated = generate(events=events, claims=3 * events, questions_count=max(2, events // 10),
                         sources=max(20, events // 100), files=files, seed=args.seed,
                         dissent=args.dissent)
    args.out.mkdir(parents=True, exist_ok=True)
    size = 0
    for name, text in generated.files.items():
        (args.out / name).write_text(text, encoding="utf-8")
        size += os.path.getsize(args.out / name)
    counts = ", ".join(f"{n:,} {k}" for k, n in generated.counts.items())
    print(f"wrote {args.out}: {len(generated.files)} files, {size:,} bytes ({counts}) "
          f"in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
