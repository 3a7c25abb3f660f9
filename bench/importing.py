"""How long `contested import` takes against the cold `validate` of what it wrote.

Generates N ACLED-like and N UCDP-like rows (deterministic, spread over 24 months, the
outlets drawn from a few hundred names), then, each in its own process with its own
XDG_CACHE_HOME: a floor (`python -c pass` plus a bare libyaml read of the result is
printed by bench/run.py; here the floor is the cold validate itself), `contested import`
into a fresh folder, and `contested validate` of the result with an empty cache.
Runs are interleaved; the ratio import / cold validate is printed per run.

    .venv/bin/python bench/importing.py --rows 10000 --repeat 3
"""

from __future__ import annotations

import argparse
import csv
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


def timed(command: list[str], cache: Path) -> float:
    environment = {"XDG_CACHE_HOME": str(cache), "PATH": "/usr/bin:/bin"}
    start = time.perf_counter()
    done = subprocess.run(command, env=environment, capture_output=True, text=True,
                          check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{command[:3]} failed: {done.stderr[-2000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-importing-"))
    try:
        acled, ucdp = generate(work, args.rows)
        for name, path in (("acled", acled), ("ucdp-ged", ucdp)):
            for run in range(args.repeat):
                out, cache = work / f"out-{name}-{run}", work / f"cache-{name}-{run}"
                cold = work / f"cold-{name}-{run}"
                floor = timed([sys.executable, "-c", "pass"], cache)
                imported = timed([*CONTESTED, "import", name, str(path), "-o", str(out)], cache)
                validated = timed([*CONTESTED, "validate", str(out)], cold)
                print(f"{name} {args.rows:,} rows run {run + 1}: floor (python start) "
                      f"{floor:.2f} s, import {imported:.2f} s, cold validate "
                      f"{validated:.2f} s: import / validate = {imported / validated:.2f}",
                      flush=True)
                shutil.rmtree(out)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
