"""How long `contested import` takes against the cold `validate` of what it wrote.

Generates N rows of each format (ACLED-like, UCDP-like, a TimelineJS sheet, an analyst's
sheet with its mapping; deterministic, spread over 24 months, the outlets drawn from a
few hundred names), then, each command in its own process with its own empty
XDG_CACHE_HOME: `contested import` into a fresh folder, and `contested validate` of the
result, the floor. Runs are interleaved; the ratio import / cold validate is printed per
run, with each process's peak memory. `--before SRC` (a `src` folder of another tree,
e.g. a `git worktree` of HEAD) times that tree's import too, in the same runs, against
the same floor.

    .venv/bin/python bench/importing.py --rows 10000 --repeat 3 [--before /tmp/before/src]
        [--formats acled,ucdp-ged,timelinejs,csv]
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ACLED_HEADER = [
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2",
    "admin3", "location", "latitude", "longitude", "geo_precision", "source", "source_scale",
    "notes", "fatalities", "tags", "timestamp",
]
UCDP_HEADER = [
    "id", "relid", "year", "active_year", "code_status", "type_of_violence",
    "conflict_dset_id", "conflict_new_id", "conflict_name", "dyad_dset_id", "dyad_new_id",
    "dyad_name", "side_a_dset_id", "side_a_new_id", "side_a", "side_b_dset_id",
    "side_b_new_id", "side_b", "number_of_sources", "source_article", "source_office",
    "source_date", "source_headline", "source_original", "where_prec", "where_coordinates",
    "where_description", "adm_1", "adm_2", "latitude", "longitude", "geom_wkt", "priogrid_gid",
    "country", "country_id", "region", "event_clarity", "date_prec", "date_start", "date_end",
    "deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown", "best", "high", "low",
    "gwnoa", "gwnob",
]
CONTESTED = [str(Path(sys.executable).parent / "contested")]


def generate(folder: Path, rows: int, seed: int = 22) -> tuple[Path, Path]:
    pick = random.Random(seed)
    outlets = [f"Outlet {n} News" for n in range(300)]
    places = [(f"Place {n}", 44 + pick.random() * 8, 30 + pick.random() * 10)
              for n in range(2000)]
    first = date(2023, 1, 1)
    acled, ucdp = folder / "acled.csv", folder / "ucdp.csv"
    with acled.open("w", newline="", encoding="utf-8") as a, \
            ucdp.open("w", newline="", encoding="utf-8") as u:
        aw, uw = csv.writer(a), csv.writer(u)
        aw.writerow(ACLED_HEADER)
        uw.writerow(UCDP_HEADER)
        for n in range(rows):
            day = first + timedelta(days=pick.randrange(730))
            place, lat, lon = pick.choice(places)
            sources = "; ".join(pick.sample(outlets, pick.randint(1, 3)))
            killed = pick.randint(0, 30)
            aw.writerow({
                "event_id_cnty": f"UKR{n}", "event_date": day.isoformat(),
                "year": day.year, "time_precision": pick.choice("1112"),
                "disorder_type": "Political violence", "event_type": "Battles",
                "sub_event_type": "Armed clash", "actor1": "Military Forces of A",
                "actor2": "Military Forces of B", "country": "Ukraine",
                "admin1": "Region", "location": place, "latitude": f"{lat:.4f}",
                "longitude": f"{lon:.4f}", "geo_precision": "1", "source": sources,
                "source_scale": "National", "notes": f"On {day}, a clash near {place}; "
                f"{killed} killed according to the sources.", "fatalities": killed,
            }.get(name, "") for name in ACLED_HEADER)
            low = pick.randint(0, 30)
            high = low + pick.randint(0, 10)
            uw.writerow({
                "id": 400000 + n, "type_of_violence": pick.choice("123"),
                "dyad_name": "Government of A - Government of B",
                "source_article": f"{pick.choice(outlets)},{day}",
                "source_office": pick.choice(outlets), "source_headline": f"Clash at {place}",
                "source_original": pick.choice(outlets), "where_prec": "1",
                "where_coordinates": place, "where_description": place, "adm_1": "Region",
                "latitude": f"{lat:.4f}", "longitude": f"{lon:.4f}", "country": "Ukraine",
                "date_prec": pick.choice("112"), "date_start": f"{day} 00:00:00.000",
                "date_end": f"{day} 00:00:00.000", "best": pick.randint(low, high),
                "high": high, "low": low,
            }.get(name, "") for name in UCDP_HEADER)
    return acled, ucdp


TIMELINEJS_HEADER = [
    "Year", "Month", "Day", "Time", "End Year", "End Month", "End Day", "End Time",
    "Display Date", "Headline", "Text", "Media", "Media Credit", "Media Caption",
    "Media Thumbnail", "Type", "Group", "Background",
]
SHEET_HEADER = ["Ref", "When", "What happened", "Where", "Lat", "Lon", "Said by", "Figure"]
MAPPING = """dataset: desk
title: The desk's sheet
row: Ref
event: {date: When, title: What happened, place: Where, latitude: Lat, longitude: Lon}
claim: {source: Said by, question: killed, value: Figure}
questions:
  - {id: killed, text: How many were killed?, kind: quantity, unit: killed, per_event: true}
"""


def generate_more(folder: Path, rows: int, seed: int = 22) -> tuple[Path, Path, Path]:
    """A TimelineJS sheet and an analyst's sheet (with its mapping) of `rows` rows."""
    pick = random.Random(seed)
    outlets = [f"Outlet {n} News" for n in range(300)]
    first = date(2023, 1, 1)
    sheet, mapped, mapping = folder / "timelinejs.csv", folder / "sheet.csv", folder / "map.yaml"
    mapping.write_text(MAPPING, encoding="utf-8")
    with sheet.open("w", newline="", encoding="utf-8") as t, \
            mapped.open("w", newline="", encoding="utf-8") as m:
        tw, mw = csv.writer(t), csv.writer(m)
        tw.writerow(TIMELINEJS_HEADER)
        mw.writerow(SHEET_HEADER)
        for n in range(rows):
            day = first + timedelta(days=pick.randrange(730))
            place = f"Place {pick.randrange(2000)}"
            tw.writerow({
                "Year": day.year, "Month": day.month, "Day": day.day,
                "Headline": f"Clash near {place}, report {n}",
                "Text": f"<p>Fighting near <b>{place}</b> &amp; shelling.</p>",
                "Group": pick.choice(["Ground", "Air", "Sea"]),
            }.get(name, "") for name in TIMELINEJS_HEADER)
            mw.writerow([f"D{n}", day.isoformat(), f"Clash near {place}", place,
                         f"{44 + pick.random() * 8:.4f}", f"{30 + pick.random() * 10:.4f}",
                         "; ".join(pick.sample(outlets, pick.randint(1, 2))),
                         pick.choice(["12", "about 30", "at least 5", "10-20"])])
    return sheet, mapped, mapping


def timed(command: list[str], cache: Path, source: str | None = None) -> tuple[float, int]:
    """Seconds, and peak memory (MiB) of the process."""
    environment = {"XDG_CACHE_HOME": str(cache), "PATH": "/usr/bin:/bin"}
    if source is not None:
        environment["PYTHONPATH"] = source
    start = time.perf_counter()
    process = subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    error = process.stderr.read().decode() if process.stderr else ""
    if process.returncode != 0:
        raise SystemExit(f"{command[:3]} failed: {error[-2000:]}")
    return elapsed, usage.ru_maxrss // 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--formats", default="acled,ucdp-ged,timelinejs,csv")
    parser.add_argument("--before", help="the src folder of a tree to time as well")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-importing-"))
    try:
        acled, ucdp = generate(work, args.rows)
        sheet, mapped, mapping = generate_more(work, args.rows)
        inputs = {"acled": [str(acled)], "ucdp-ged": [str(ucdp)],
                  "timelinejs": [str(sheet)],
                  "csv": [str(mapped), "--mapping", str(mapping)]}
        trees = [("after", None)] + ([("before", args.before)] if args.before else [])
        for name in args.formats.split(","):
            for run in range(args.repeat):
                figures = {}
                for label, source in (trees if run % 2 == 0 else trees[::-1]):
                    cache = work / f"cache-{name}-{run}-{label}"
                    figures[label] = timed([*CONTESTED, "import", name, *inputs[name], "-o",
                                            str(work / f"out-{label}")], cache, source)
                out = work / "out-after"
                cold = work / f"cold-{name}-{run}"
                validated, validate_mib = timed([*CONTESTED, "validate", str(out)], cold)
                shown = ", ".join(
                    f"{label} import {seconds:.2f} s ({mib} MiB) = {seconds / validated:.2f}"
                    for label, (seconds, mib) in figures.items())
                print(f"{name} {args.rows:,} rows run {run + 1}: floor (cold validate) "
                      f"{validated:.2f} s ({validate_mib} MiB); {shown}", flush=True)
                shutil.rmtree(out)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
