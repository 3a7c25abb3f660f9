"""How long the contradiction engine (`contested.analysis`) takes on a large catalog.

Run: `python bench/analysis.py [--events 100000] [--claims 300000] [--questions 10000]
[--sources 1000] [--files 20] [--repeat 3] [--keep DIR] [--seed N] [--hot-question N]
[--profile] [--prototype]`

What is measured, and why. Loading is measured by bench/load.py; this script measures
what comes after it, the analysis the explorer and `contested contradictions` / `export`
run on every catalog: pairs of claims at overlapping dates, the contradictions among
them, series, corroboration by independent origin, and the sanity warnings. Its cost
grows with the number of claims per question and with how many of them overlap in time,
so the catalog is shaped like an analyst's, not like load.py's (whose claims answer a
question only half the time and fix the number of questions):

- `--questions` questions, half category (three values, or free words) and half
  quantity (units, tolerances 0-20%), with about `--claims / --questions` claims each;
- each question is followed over a window of half a year to three years, at 4-12
  moments; a claim reports on one moment (a few days of jitter) with a fuzzy `as_of`
  in every written form of the format (day, month, year, `~ ? %`, `-XX`, intervals,
  open ends), else the date of its event, else `said`. So claims about one moment
  overlap (they contradict or agree) and claims about different moments do not (they
  form a series), and a few wide or open-ended dates overlap much of their question;
- values follow a trend per question (category: a true answer per moment given by most
  claims; quantity: a figure that moves between moments, reported with noise in every
  quantity form, with `best`), so both contradictions and agreements occur;
- `--sources` sources (bench/load.py's generator: realistic kinds, relays), one or two
  per claim, `via` chains through the big agencies and media (so that some agreement is
  not independent), `disputes` and `supports` links, declared contradictions, and
  Admiralty credibility (1 and 5 trigger warnings); `--events` events, most claims
  linked to one at their moment.

`--hot-question N` adds one quantity question (tolerance 0) with N claims whose dates
all share a day and whose exact figures all differ: N(N-1)/2 contradictions. It shows
that the cost follows the number of pairs reported, not the size of the catalog.

The catalog is written to YAML files (seeded: the same bytes on every run), loaded with
`load_catalog` (timed, and checked to be valid with the intended counts), then each
stage is timed, best of `--repeat` (min and median), each run under
`contested.collector.collector_paused` as `analyse` runs its stages (the collector is
emptied before each run): `find_pairs`; `find_contradictions` given the pairs;
`corroborate` given contradictions and pairs (an index: each claim's Corroboration is
worked out when first read); `find_series`; `sanity_warnings` given a fresh
corroborate() (it reads the claims of credibility 1 and 5); `analyse` whole; and, for
context, reading every claim's corroboration from a fresh corroborate(), as `export
--format json` does.

Target: contradictions, series and corroboration together at most 0.5 s, that is
find_pairs + find_contradictions + corroborate + find_series (the sum of the parts;
`analyse` minus `sanity_warnings` is printed too). The script prints the counts found,
both figures and whether the target is met; it exits 0 either way (it measures, it
does not gate). `--profile` adds a cProfile of one `analyse` run (top 25 by cumulative
and by own time).

`--prototype` also times a drop-in variant of the four stages defined in this file
(same signatures; same pairs in the same order, same contradictions and texts,
corroboration, series and warnings, checked), to size the gain before touching src/
(what it changes is listed above its code), and the floor of the current design: one
pass over the claims and the sweep, keeping pairs as indexes, with no object per pair.
"""

from __future__ import annotations

import argparse
import bisect
import cProfile
import functools
import gc
import heapq
import io
import os
import pstats
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from operator import attrgetter
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from contested import analysis as analysis_module
from contested.analysis import (
    RULES,
    Analysis,
    Contradiction,
    Corroboration,
    CorroborationIndex,
    Pairs,
    Series,
    SeriesStep,
    _key,
    analyse,
    corroborate,
    find_contradictions,
    find_pairs,
    find_series,
    sanity_warnings,
)
from contested.collector import collector_paused
from contested.loading import discover, load_catalog
from contested.model import Catalog, Claim, Question
from contested.quantities import ABOUT_MINIMUM

# Reuse bench/load.py's vocabulary, sources and fuzzy dates (the script's own folder is on
# sys.path when it is run as a script; this also covers `import analysis` from elsewhere).
BENCH = Path(__file__).resolve().parent
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

import load  # noqa: E402  (bench/load.py)

TARGET_SECONDS = 0.5
"""find_pairs + find_contradictions + corroborate + find_series should take at most this."""

P = ParamSpec("P")
T = TypeVar("T")

# --- generation ------------------------------------------------------------------------------


@dataclass
class GenQuestion:
    id: str
    kind: str
    values: tuple[str, ...] | None = None
    unit: str | None = None
    tolerance: float = 0.05
    moments: list[date] = field(default_factory=list)
    truths: list[Any] = field(default_factory=list)
    claim_ids: list[str] = field(default_factory=list)


@dataclass
class GenClaim:
    id: str
    question: GenQuestion
    source: str
    moment: int
    day: date
    file: int
    event: str | None = None


@dataclass
class Generated:
    """What was generated, as YAML text per file name, with the intended counts."""

    files: dict[str, str]
    counts: dict[str, int]


FREE_ANSWERS = ("russia", "ukraine", "unknown", "a drone", "a missile", "a glide bomb",
                "artillery", "sabotage")


def as_of_text(w: load.Writer, day: date) -> str:
    """A written `as_of` (or event date) around `day`: every form of the format, weighted
    the way analysts date a state (mostly a day or a month; wide or open dates are rare,
    since one of them joins every moment of its question into one step)."""
    r = w.rng
    roll = r.random()
    if roll < 0.40:
        return day.isoformat()
    if roll < 0.50:
        return day.isoformat() + r.choice("~?%")
    if roll < 0.68:
        return f"{day:%Y-%m}"
    if roll < 0.80:
        return f"{day:%Y-%m}" + r.choice("~?%")
    if roll < 0.84:
        return f"{day:%Y-%m}-XX"
    if roll < 0.96:
        return f"{day.isoformat()}/{day + timedelta(days=r.randint(1, 20))}"
    if roll < 0.98:
        return f"{day:%Y-%m}?/{day + timedelta(days=r.randint(20, 60)):%Y-%m}?"
    if roll < 0.99:
        return f"{day:%Y}" + r.choice(("", "", "~", "?"))
    return f"{day.isoformat()}/.." if r.random() < 0.7 else f"../{day.isoformat()}"


def gen_questions(w: load.Writer, count: int) -> tuple[list[str], list[GenQuestion]]:
    """Half category, half quantity questions, each with its moments and their truths."""
    r = w.rng
    lines = ["questions:"]
    questions: list[GenQuestion] = []
    span = (load.CLOSING - load.OPENING).days
    for n in range(count):
        place = r.choice(load.PLACES)
        if n % 2 == 0:
            template, values = load.CATEGORY_QUESTIONS[(n // 2) % len(load.CATEGORY_QUESTIONS)]
            text = template.format(place=place)
            question = GenQuestion(f"{load.slug(text)[:36].rstrip('-')}-q{n:05d}", "category",
                                   values)
        else:
            template, unit, low, high = load.QUANTITY_QUESTIONS[
                (n // 2) % len(load.QUANTITY_QUESTIONS)]
            text = template.format(place=place, region=r.choice(load.REGIONS))
            tolerance = r.choice((0.0, 0.02, 0.05, 0.05, 0.05, 0.1, 0.2))
            question = GenQuestion(f"{load.slug(text)[:36].rstrip('-')}-q{n:05d}", "quantity",
                                   None, unit, tolerance)
        window = r.randint(180, 1095)
        start = load.OPENING + timedelta(days=r.randint(0, span - window - 70))
        question.moments = sorted(start + timedelta(days=r.randint(0, window))
                                  for _ in range(r.randint(4, 12)))
        if question.kind == "category":
            pool = question.values or FREE_ANSWERS
            truth = r.choice(pool)
            for _ in question.moments:
                if r.random() < 0.3:
                    truth = r.choice(pool)
                question.truths.append(truth)
        else:
            figure = r.uniform(low, high * 0.7)
            for _ in question.moments:
                figure = min(high, max(low, figure * r.choice((0.6, 0.8, 1.0, 1.25, 1.6))))
                question.truths.append(figure)
        questions.append(question)
        lines.append(f"  - id: {question.id}")
        lines += load.field_line(4, "text", text)
        lines.append(f"    kind: {question.kind}")
        if question.values is not None:
            lines.append(f"    values: {load.flow(list(question.values))}")
        if question.unit is not None:
            lines.append(f"    unit: {question.unit}")
            if question.tolerance != 0.05:
                lines.append(f"    tolerance: {question.tolerance}")
        lines.append("")
    return lines, questions


def gen_value(w: load.Writer, question: GenQuestion, truth: Any) -> list[str]:
    """The `value:` (and `unit:`) lines of a claim about one moment of `question`."""
    r = w.rng
    if question.kind == "category":
        pool = question.values or FREE_ANSWERS
        value = truth if r.random() < 0.65 else r.choice(pool)
        return [f"    value: {load.scalar(value)}"]
    unit = question.unit

    def text(value: float) -> str:
        return load.number(max(1.0, value), unit)

    figure = truth * r.choice((1.0, 1.0, 1.0, 1.02, 0.97, 1.1, 0.9, 1.3, 0.7))
    form = r.choices(
        ("exact", "about", "at_least", "at_most", "more_than", "less_than", "between"),
        (30, 25, 12, 5, 8, 5, 15),
    )[0]
    if form == "exact":
        lines = [f"    value: {text(figure)}"]
    elif form == "between":
        low, high, best = text(figure * 0.85), text(figure * 1.2 + 1), text(figure)
        if r.random() < 0.5 and float(low) <= float(best) <= float(high):
            lines = [f"    value: {{between: [{low}, {high}], best: {best}}}"]
        else:
            lines = [f"    value: {{between: [{low}, {high}]}}"]
    elif form in ("at_least", "more_than"):
        written = text(figure * 0.8)
        best = f", best: {text(figure * 1.2 + 2)}" if r.random() < 0.3 else ""
        lines = [f"    value: {{{form}: {written}{best}}}"]
    else:
        lines = [f"    value: {{{form}: {text(figure * 1.25 + 1)}}}"]
    if r.random() < 0.5:
        lines.append(f"    unit: {unit}")
    return lines


def plan_claims(w: load.Writer, count: int, questions: list[GenQuestion], source_ids: list[str],
                files: int) -> list[GenClaim]:
    """Which question and moment each claim is about; claims spread evenly over questions."""
    r = w.rng
    span = (load.CLOSING - load.OPENING).days + 1
    plans: list[GenClaim] = []
    for n in range(count):
        question = questions[n % len(questions)] if n < len(questions) * 2 else r.choice(questions)
        moment = r.randrange(len(question.moments))
        day = question.moments[moment] + timedelta(days=r.randint(-4, 4))
        source = r.choice(source_ids)
        claim_id = f"{source[:20].rstrip('-')}-c{n:06d}"
        home = min(files - 1, (day - load.OPENING).days * files // span)
        plans.append(GenClaim(claim_id, question, source, moment, day, max(0, home)))
        question.claim_ids.append(claim_id)
    return plans


def gen_claim(w: load.Writer, plan: GenClaim, *, source_ids: list[str],
              big_relays: list[str]) -> list[str]:
    r = w.rng
    lines = [f"  - id: {plan.id}"]
    other = r.choice(source_ids)
    if r.random() < 0.9 or other == plan.source:
        lines.append(f"    source: {plan.source}")
    else:
        lines.append(f"    source: {load.flow([plan.source, other])}")
    if r.random() < 0.55:
        lines.append(f"    via: {load.flow(r.sample(big_relays, r.choice((1, 1, 2))))}")
    if plan.event is not None:
        lines.append(f"    event: {plan.event}")
    if r.random() < 0.95:
        lines.append(f"    said: {w.fuzzy(plan.day + timedelta(days=r.randint(0, 3)))}")
    lines.append(f"    text: {load.scalar(w.sentence())}")
    question = plan.question
    lines.append(f"    about: {question.id}")
    lines += gen_value(w, question, question.truths[plan.moment])
    if r.random() < 0.7:
        lines.append(f"    as_of: {as_of_text(w, plan.day)}")
    if r.random() < 0.85:
        lines.append(f"    credibility: {r.choices('123456', (3, 15, 25, 15, 4, 38))[0]}")
    for name, share in (("disputes", 0.03), ("supports", 0.03)):
        if r.random() < share and len(question.claim_ids) >= 2:
            picked = [c for c in r.sample(question.claim_ids, 2) if c != plan.id][:1]
            if picked:
                lines.append(f"    {name}: {load.flow(picked)}")
    lines.append("")
    return lines


def generate(*, events: int, claims: int, questions_count: int, sources: int, files: int,
             seed: int, hot: int = 0) -> Generated:
    """The whole catalog as YAML text, deterministically from `seed`."""
    w = load.Writer(seed)
    r = w.rng
    header = ["contested: 1",
              f"# Generated by bench/analysis.py (seed {seed}); not real events.", ""]
    source_lines, source_ids, relays = load.gen_sources(w, sources)
    big_relays = relays[:40]
    out = {"sources.yaml": "\n".join(header + source_lines) + "\n"}
    question_lines, questions = gen_questions(w, questions_count)
    plans = plan_claims(w, claims, questions, source_ids, files)

    # Events: most on the days claims report on, the rest anywhere; each claim links to an
    # event of its day (when there is one) four times out of five.
    span = (load.CLOSING - load.OPENING).days - 70
    event_days = sorted(
        (r.choice(plans).day if plans and r.random() < 0.7
         else load.OPENING + timedelta(days=r.randint(0, span)))
        for _ in range(events)
    )
    event_ids = [f"{load.slug(r.choice(load.PLACES))}-e{n:06d}" for n in range(events)]
    for plan in plans:
        if r.random() < 0.8:
            low = bisect.bisect_left(event_days, plan.day)
            high = bisect.bisect_right(event_days, plan.day)
            if low < high:
                plan.event = event_ids[r.randrange(low, high)]
    total = (load.CLOSING - load.OPENING).days + 1
    event_file = [min(files - 1, (d - load.OPENING).days * files // total) for d in event_days]

    hot_lines: list[str] = []
    if hot:
        question_lines += ["  - id: hot-question",
                           "    text: Soldiers in the assault, as every source counts them",
                           "    kind: quantity", "    unit: soldiers", "    tolerance: 0", ""]
        hot_lines = ["claims:"]
        hr = random.Random(seed + 1)  # its own stream: the rest of the catalog is unchanged
        forms = ("2024-06", "2024-06-15", "2024-06-15~", "2024-06-XX", "2024-06?",
                 "2024-05-20/2024-07-01", "2024-06-10/..", "2024")
        for n in range(hot):
            hot_lines += [f"  - id: hot-c{n:05d}", f"    source: {hr.choice(source_ids)}"]
            if hr.random() < 0.55:
                hot_lines.append(f"    via: {load.flow(hr.sample(big_relays, hr.choice((1, 2))))}")
            hot_lines += ["    text: A count of the soldiers in the assault.",
                          "    about: hot-question", f"    value: {1000 + n}",
                          f"    as_of: {hr.choice(forms)}", ""]
    out["questions.yaml"] = "\n".join(header + question_lines) + "\n"

    by_file: list[list[GenClaim]] = [[] for _ in range(files)]
    for plan in plans:
        by_file[plan.file].append(plan)
    declared = 0
    for f in range(files):
        name = f"front-{f + 1:02d}"
        lines = [header[0], f"# Timeline {f + 1} of {files}, generated (seed {seed}).", "",
                 "timeline:", f"  id: {name}", f"  title: The front, part {f + 1}", "",
                 "events:"]
        for n in (n for n in range(events) if event_file[n] == f):
            lines += [f"  - id: {event_ids[n]}", f"    date: {as_of_text(w, event_days[n])}",
                      f"    title: {load.scalar(w.sentence().rstrip('.'))}"]
            if r.random() < 0.5:
                lines.append(f"    place: {load.scalar(r.choice(load.PLACES))}")
            lines.append("")
        lines.append("claims:")
        mine = sorted(by_file[f], key=lambda p: p.day)
        for plan in mine:
            lines += gen_claim(w, plan, source_ids=source_ids, big_relays=big_relays)
        count = len(mine) // 1000
        if count:
            lines.append("contradictions:")
        for n in range(count):
            question = r.choice(mine).question
            if len(question.claim_ids) < 2:
                continue
            declared += 1
            lines += [f"  - id: {name}-declared-{n + 1:03d}",
                      f"    claims: {load.flow(r.sample(question.claim_ids, 2))}",
                      "    note: The analyst knows these cannot both hold.", ""]
        out[f"{name}.yaml"] = "\n".join(lines) + "\n"
    if hot:
        out["hot.yaml"] = "\n".join([*header, *hot_lines]) + "\n"
    counts = {"files": len(out), "sources": sources,
              "questions": questions_count + (1 if hot else 0), "events": events,
              "claims": claims + hot, "contradictions": declared}
    return Generated(out, counts)


# --- measuring -------------------------------------------------------------------------------


@dataclass
class Row:
    label: str
    times: list[float]

    @property
    def best(self) -> float:
        return min(self.times)

    @property
    def median(self) -> float:
        return statistics.median(self.times)


def timed(label: str, run: Callable[[], Any], repeat: int) -> tuple[Row, Any]:
    """`repeat` wall times of `run` and the result of the last run (kept: the next stage
    is given it). The collector is emptied before each run, and each run is made under
    contested.collector.collector_paused, as `analyse` runs its stages."""
    return timed_with(label, lambda _: run(), lambda: None, repeat)


def timed_with(label: str, run: Callable[[Any], Any], setup: Callable[[], Any],
               repeat: int) -> tuple[Row, Any]:
    """`timed`, giving each run a fresh `setup()` made before its clock starts (for a lazy
    result that caches what it works out: each run must start from nothing)."""
    times: list[float] = []
    result: Any = None
    for _ in range(repeat):
        result = None
        given = setup()
        gc.collect()
        start = time.perf_counter()
        with collector_paused():
            result = run(given)
        times.append(time.perf_counter() - start)
        del given
    return Row(label, times), result


def check_valid(directory: Path, intended: dict[str, int]) -> tuple[Catalog, float]:
    """Load the catalog once (timed), stop loudly unless it is valid with the intended counts."""
    gc.collect()
    start = time.perf_counter()
    result = load_catalog([directory])
    elapsed = time.perf_counter() - start
    if not result.ok:
        shown = "\n".join(d.headline() for d in result.diagnostics[:20])
        sys.exit(f"bench: the generated catalog is NOT valid "
                 f"({len(result.diagnostics)} problems):\n{shown}")
    counts = result.catalog.counts()
    counts["contradictions"] = len(result.catalog.contradictions)
    if counts != intended:
        sys.exit(f"bench: loaded {counts}, generated {intended}")
    return result.catalog, elapsed


@dataclass(frozen=True)
class Engine:
    """The stages to time: the engine's functions, or the prototype's."""

    find_pairs: Callable[[Catalog], Pairs]
    find_contradictions: Callable[[Catalog, Pairs], list[Contradiction]]
    corroborate: Callable[[Catalog, list[Contradiction], Pairs], Mapping[str, Corroboration]]
    find_series: Callable[[Catalog], dict[str, Series]]
    analyse: Callable[[Catalog], Analysis]


ENGINE = Engine(find_pairs, find_contradictions, corroborate, find_series, analyse)


@dataclass
class Measured:
    """The timings of every stage, and what the last run of each found."""

    rows: list[Row]
    pairs: Pairs
    contradictions: list[Contradiction]
    corroboration: Mapping[str, Corroboration]
    series: dict[str, Series]
    analysis: Analysis

    @property
    def parts(self) -> float:
        """find_pairs + find_contradictions + corroborate + find_series, best runs."""
        return sum(row.best for row in self.rows[:4])


def measure(engine: Engine, catalog: Catalog, repeat: int) -> Measured:
    pairs_row, pairs = timed("find_pairs", lambda: engine.find_pairs(catalog), repeat)
    found_row, found = timed("find_contradictions (given the pairs)",
                             lambda: engine.find_contradictions(catalog, pairs), repeat)
    corr_row, corroboration = timed(
        "corroborate (given contradictions, pairs)",
        lambda: engine.corroborate(catalog, found, pairs), repeat)
    series_row, series = timed("find_series", lambda: engine.find_series(catalog), repeat)

    def fresh() -> Mapping[str, Corroboration]:
        with collector_paused():
            return engine.corroborate(catalog, found, pairs)

    warn_row, _ = timed_with("sanity_warnings (given a fresh corroborate())",
                             lambda index: sanity_warnings(catalog, index), fresh, repeat)
    analyse_row, analysis = timed("analyse (all of the above)",
                                  lambda: engine.analyse(catalog), repeat)
    every_row, _ = timed_with("every claim's corroboration (what to_json reads)",
                              lambda index: sum(1 for _ in index.values()), fresh, repeat)
    return Measured([pairs_row, found_row, corr_row, series_row, warn_row, analyse_row,
                     every_row], pairs, found, corroboration, series, analysis)


def summary(found: Measured) -> list[str]:
    """The counts found, to read the timings against."""
    pairs = found.pairs
    by_rule = Counter(c.rule for c in found.contradictions)
    with_rule = Counter(r for c in found.contradictions for r in c.rules)
    kinds = Counter(rule for _, _, rule in pairs.conflicts)
    warnings = Counter(d.code for d in found.analysis.warnings)
    series = found.series
    steps = sum(len(s.steps) for s in series.values())
    trends = Counter(s.trend for s in series.values())
    corroboration = found.corroboration
    independent = sum(1 for c in corroboration.values() if c.agreeing_origins > 0)
    return [
        f"pairs at overlapping dates: {len(pairs.conflicts) + len(pairs.agreements):,} "
        f"({len(pairs.conflicts):,} conflicting: "
        + ", ".join(f"{n:,} {k}" for k, n in sorted(kinds.items()))
        + f"; {len(pairs.agreements):,} agreeing)",
        f"contradictions: {len(found.contradictions):,} (by first rule: "
        + ", ".join(f"{by_rule[r]:,} {r}" for r in sorted(by_rule))
        + "; naming each rule: "
        + ", ".join(f"{with_rule[r]:,} {r}" for r in sorted(with_rule)) + ")",
        f"series: {len(series):,} questions, {steps:,} steps ("
        + ", ".join(f"{n:,} {t}" for t, n in sorted(trends.items())) + ")",
        f"corroboration: {len(corroboration):,} claims with agreeing or contradicting "
        f"claims, {independent:,} agreed with by another independent origin",
        f"warnings: {len(found.analysis.warnings):,} ("
        + ", ".join(f"{n:,} {c}" for c, n in sorted(warnings.items())) + ")",
    ]


def profile(catalog: Catalog, run: Callable[[Catalog], Any] = analyse, top: int = 25) -> str:
    profiler = cProfile.Profile()
    gc.collect()
    profiler.enable()
    result = run(catalog)
    profiler.disable()
    del result
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    return out.getvalue()


def print_rows(rows: list[Row]) -> None:
    """min and median of each stage."""
    print(f"  {'':52} {'min':>8} {'median':>8}")
    for row in rows:
        print(f"  {row.label:52} {row.best:8.3f} {row.median:8.3f}")


def verdict(label: str, found: Measured) -> None:
    analyse_row, warn_row = found.rows[5], found.rows[4]
    print(f"\n{label}:")
    print(f"  analyse, whole (min)                                  {analyse_row.best:7.3f} s")
    print(f"  analyse - sanity_warnings (min)                       "
          f"{analyse_row.best - warn_row.best:7.3f} s")
    print(f"  pairs + contradictions + corroboration + series (min) {found.parts:7.3f} s")
    met = "met" if found.parts <= TARGET_SECONDS else "NOT met"
    print(f"  target: contradictions, series and corroboration together at most "
          f"{TARGET_SECONDS} s -> {met} ({found.parts / TARGET_SECONDS:.1f}x the budget)")


# --- prototype -------------------------------------------------------------------------------
#
# A drop-in variant of the four timed stages (same results, checked by same_results), to size
# what src/contested/analysis.py could gain without changing its API. What it changes:
#
# 1. Claim.when / Claim.quantity are read from the claim's __dict__ once per claim (where
#    the loader keeps them since commit 17324e2; before it, the properties went through
#    pydantic's __getattr__ for private attributes, about 1.6 us per read, 4.5 million
#    reads per analyse on the default catalog).
# 2. Per question, each claim's day span and (quantity) compared interval are computed once,
#    as plain ints and a (low, high, low_closed, high_closed) tuple with +-inf for open ends,
#    instead of _span() and Quantity.compared() (two new Interval objects) for every pair.
#    The sweep is the engine's (same order of pairs), over indexes instead of claims.
# 3. find_contradictions: each conflicting pair keeps its rule and question from the sweep
#    (no second lookup of both claims per pair); ids come from the already sorted key;
#    rules are shared tuples; Contradiction is built positionally; the final order is
#    reached by sorting per question by id, not one sort over a (question, id) key.
#    Explanations and reasons stay lazy, as in the engine.
# 4. corroborate: a two-claim contradiction is indexed by its ids, without looking its
#    claims' ids up again nor a generator per member; when a claim's Corroboration is
#    asked for (lazily, as in the engine), independence is tested on the claims' short
#    lists, and origins() is a union-find over tokens (a source, a relay that is a
#    member's source, a via chain), linear in the group, with the answers for groups of
#    0, 1 and 2 inline.
# 5. analyse: the grouping of claims by question is done once for pairs and series; it
#    runs under collector_paused, as the engine's does.

_INF = float("inf")
_RULE_TUPLES: dict[tuple[str, bool], tuple[str, ...]] = {
    (kind, disputed): tuple(r for r in RULES if r == kind or (disputed and r == "disputes"))
    for kind in ("category", "quantity", "") for disputed in (False, True)
}


def paused_collector(run: Callable[P, T]) -> Callable[P, T]:
    """`run` under collector_paused: the cyclic collector disabled, then what was
    built frozen out of it. Every pair tuple and result object refers to claims; each
    collection of the young generation visits those referents (random reads across the
    whole loaded catalog), each full one revisits every result built so far, and the
    first collection after re-enabling would scan them all once more unless frozen.
    load_catalog pauses the collector for the same reason."""
    @functools.wraps(run)
    def paused_run(*args: P.args, **kwargs: P.kwargs) -> T:
        with collector_paused():
            return run(*args, **kwargs)
    return paused_run


@dataclass
class Group:
    """The claims answering one question, with their spans and what the rule compares."""

    question: Question
    claims: list[Claim]
    lows: list[int]
    highs: list[int]
    compared: list[Any]
    """Category: the value; quantity: (low, high, low_closed, high_closed), +-inf for open."""


def grouped(catalog: Catalog) -> list[Group]:
    """`_answers`, with each claim's span and compared value computed once, without the
    Interval objects of Quantity.compared() and with one span per distinct date object
    (dates are shared: parse_date is cached)."""
    groups: dict[str, Group] = {}
    questions = catalog.questions
    never, always = analysis_module._NEVER, analysis_module._ALWAYS
    spans: dict[int, tuple[int, int]] = {}
    for claim in catalog.claims.values():
        about = claim.about
        if about is None or claim.value is None:
            continue
        question = questions.get(about)
        if question is None:
            continue
        resolved = claim.__dict__
        if question.kind == "quantity":
            quantity = resolved.get("_quantity")
            if quantity is None:
                continue
            # Interval.widened(), inline: the same arithmetic, no objects.
            tolerance = question.tolerance
            relative = max(tolerance, ABOUT_MINIMUM) if quantity.form == "about" else tolerance
            interval = quantity.interval
            low, high = interval.low, interval.high
            compared: Any = (-_INF if low is None else low - abs(low) * relative,
                             _INF if high is None else high + abs(high) * relative,
                             interval.low_closed, interval.high_closed)
        else:
            compared = claim.value
        group = groups.get(about)
        if group is None:
            group = groups[about] = Group(question, [], [], [], [])
        group.compared.append(compared)
        when = resolved.get("_when")
        span = spans.get(id(when))
        if span is None:
            if when is None:
                span = (never, always)
            else:
                earliest, latest = when.earliest, when.latest
                span = (never if earliest is None else earliest.toordinal(),
                        always if latest is None else latest.toordinal())
            spans[id(when)] = span
        group.lows.append(span[0])
        group.highs.append(span[1])
        group.claims.append(claim)
    return list(groups.values())


def fast_find_pairs(catalog: Catalog, groups: list[Group] | None = None) -> Pairs:
    pairs = Pairs()
    conflicts, agreements = pairs.conflicts, pairs.agreements
    add_conflict, add_agreement = conflicts.append, agreements.append
    heappush, heappop = heapq.heappush, heapq.heappop
    for group in grouped(catalog) if groups is None else groups:
        claims, lows, highs, compared = group.claims, group.lows, group.highs, group.compared
        kind = group.question.kind
        category = kind == "category"
        active: list[tuple[int, int]] = []
        for index in sorted(range(len(claims)), key=lambda i: (lows[i], i)):
            low = lows[index]
            while active and active[0][0] < low:
                heappop(active)
            if active:
                claim = claims[index]
                mine = compared[index]
                if category:
                    for _, other in active:
                        if compared[other] != mine:
                            add_conflict((claims[other], claim, kind))
                        else:
                            add_agreement((claims[other], claim))
                else:
                    b_low, b_high, b_low_closed, b_high_closed = mine
                    for _, other in active:
                        a_low, a_high, a_low_closed, a_high_closed = compared[other]
                        if (a_low < b_high or (a_low == b_high and a_low_closed and b_high_closed)
                                ) and (b_low < a_high or (b_low == a_high and b_low_closed
                                                          and a_high_closed)):
                            add_agreement((claims[other], claim))
                        else:
                            add_conflict((claims[other], claim, kind))
            heappush(active, (highs[index], index))
    return pairs


def fast_find_contradictions(catalog: Catalog, pairs: Pairs) -> list[Contradiction]:
    claims = catalog.claims
    found_pairs: dict[tuple[str, str], tuple[str, str | None]] = {}
    for a, b, rule in pairs.conflicts:  # a pair of the sweep: both answer a's question
        first, second = a.id, b.id
        found_pairs[(first, second) if first < second else (second, first)] = (rule, a.about)
    disputed: set[tuple[str, str]] = set()
    for claim in claims.values():
        if claim.disputes:
            for other in claim.disputes:
                if other != claim.id and other in claims:
                    disputed.add(_key(claim.id, other))
    for key in disputed:
        if key not in found_pairs:
            about = claims[key[0]].about
            found_pairs[key] = ("", about if about == claims[key[1]].about else None)
    by_question: dict[str | None, list[Contradiction]] = defaultdict(list)
    for declared in catalog.contradictions.values():
        members = [claims[c] for c in declared.claims if c in claims]
        rules = {"declared"}
        if len(members) == 2:
            key = _key(members[0].id, members[1].id)
            kind, _ = found_pairs.pop(key, ("", None))
            if kind:
                rules.add(kind)
            if key in disputed:
                rules.add("disputes")
        ordered = tuple(r for r in RULES if r in rules)
        abouts = {c.about for c in members}
        question = abouts.pop() if len(abouts) == 1 else None
        by_question[question].append(Contradiction(
            declared.id, ordered, tuple(declared.claims), question, declared.note, catalog,
        ))
    for key, (kind, question) in found_pairs.items():
        ordered = _RULE_TUPLES[kind, key in disputed]
        by_question[question].append(Contradiction(
            f"{ordered[0]}~{key[0]}~{key[1]}", ordered, key, question, None, catalog,
        ))
    found: list[Contradiction] = []
    by_id = attrgetter("id")
    for question in sorted(q for q in by_question if q is not None):
        found += sorted(by_question[question], key=by_id)
    found += sorted(by_question.get(None, ()), key=by_id)
    return found


def dependent(a_sources: list[str], a_via: list[str], b_sources: list[str],
              b_via: list[str]) -> bool:
    """`not independent()` of the engine, on the claims' own lists (one to three items
    each: `in` on a short list beats building sets)."""
    for source in a_sources:
        if source in b_sources or source in b_via:
            return True
    for source in b_sources:
        if source in a_via:
            return True
    return bool(a_via) and a_via == b_via


def _root(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def fast_origins(members: Sequence[Claim]) -> int:
    """origins() of the engine: for two claims one test, else a union-find over shared
    tokens (a source; a relay that is a member's source; a via chain), linear in the group."""
    count = len(members)
    if count <= 1:
        return count
    if count == 2:
        a, b = members
        return 1 if dependent(a.source, a.via, b.source, b.via) else 2
    parent = list(range(count))
    by_source: dict[str, int] = {}
    vias: list[list[str]] = []
    for index, claim in enumerate(members):
        for source in claim.source:
            first = by_source.setdefault(source, index)
            if first != index:
                parent[_root(parent, index)] = _root(parent, first)
        vias.append(claim.via)
    by_chain: dict[tuple[str, ...], int] = {}
    for index, via in enumerate(vias):
        if via:
            for relay in via:
                first = by_source.get(relay, index)
                if first != index:
                    parent[_root(parent, index)] = _root(parent, first)
            first = by_chain.setdefault(tuple(via), index)
            if first != index:
                parent[_root(parent, index)] = _root(parent, first)
    return sum(1 for index in range(count) if _root(parent, index) == index)


class FastCorroboration(CorroborationIndex):
    """The engine's CorroborationIndex, working a claim out with `dependent` and
    `fast_origins`."""

    def __getitem__(self, claim_id: str) -> Corroboration:
        made = self._made.get(claim_id)
        if made is not None:
            return made
        if claim_id not in self.agree and claim_id not in self.against:
            raise KeyError(claim_id)
        claim = self.catalog.claims[claim_id]
        sources, via = claim.source, claim.via
        nothing: list[Claim] = []
        agreeing = self.agree.get(claim_id, nothing)
        free = [c for c in agreeing if not dependent(sources, via, c.source, c.via)]
        contradicting = self.against.get(claim_id, nothing)
        if len(contradicting) > 1:
            contradicting = list({c.id: c for c in contradicting}.values())
        free_against = [c for c in contradicting if not dependent(sources, via, c.source, c.via)]
        made = self._made[claim_id] = Corroboration(
            claim_id,
            tuple([c.id for c in agreeing]),
            tuple([c.id for c in free]),
            len(free) if len(free) < 2 else fast_origins(free),
            tuple([c.id for c in contradicting]),
            len(free_against) if len(free_against) < 2 else fast_origins(free_against),
        )
        return made


def fast_corroborate(catalog: Catalog, contradictions: Sequence[Contradiction],
                     pairs: Pairs) -> FastCorroboration:
    """`corroborate()` of the engine: the index of agreeing and contradicting claims;
    each claim's Corroboration worked out when asked for."""
    claims = catalog.claims
    agree: dict[str, list[Claim]] = defaultdict(list)
    for a, b in pairs.agreements:
        agree[a.id].append(b)
        agree[b.id].append(a)
    against: dict[str, list[Claim]] = defaultdict(list)
    for found in contradictions:
        pair = found.claims
        if len(pair) == 2:  # a pair of the rules, or a declared pair: no generator per member
            first, second = pair
            if first != second and first in claims and second in claims:
                a, b = claims[first], claims[second]
                against[first].append(b)
                against[second].append(a)
                continue
        members = [claims[c] for c in pair if c in claims]
        for claim in members:
            against[claim.id].extend(m for m in members if m is not claim)
    return FastCorroboration(catalog, dict(agree), dict(against))


def fast_find_series(catalog: Catalog, groups: list[Group] | None = None) -> dict[str, Series]:
    series: dict[str, Series] = {}
    never, always = analysis_module._NEVER, analysis_module._ALWAYS
    fromordinal = date.fromordinal
    for group in grouped(catalog) if groups is None else groups:
        claims, lows, highs = group.claims, group.lows, group.highs
        order = sorted(range(len(claims)), key=lambda i: (lows[i], highs[i]))
        steps_at: list[list[int]] = []
        reach = never - 1
        for index in order:
            if steps_at and lows[index] <= reach:
                steps_at[-1].append(index)
                reach = max(reach, highs[index])
            else:
                steps_at.append([index])
                reach = highs[index]
        if len(steps_at) < 2:
            continue
        steps: list[SeriesStep] = []
        previous: float | None = None
        for at in steps_at:
            members = [claims[i] for i in at]
            low = min(lows[i] for i in at)
            high = max(highs[i] for i in at)
            figure = fast_representative(members) if group.question.kind == "quantity" \
                else None
            change = None if figure is None or previous is None else figure - previous
            steps.append(SeriesStep(
                None if low == never else fromordinal(low),
                None if high == always else fromordinal(high),
                tuple([c.id for c in members]),
                figure,
                tuple(sorted({c.value for c in members if isinstance(c.value, str)}))
                if figure is None else (),
                change,
            ))
            previous = figure if figure is not None else previous
        series[group.question.id] = Series(group.question.id, tuple(steps))
    return series


def fast_representative(group: Sequence[Claim]) -> float | None:
    """`_representative` of the engine, reading each quantity once."""
    quantities = [q for q in (c.__dict__.get("_quantity") for c in group) if q is not None]
    points = [q.plotted for q in quantities if q.form in ("exact", "about", "between")]
    figures = [p for p in points if p is not None] or [
        q.plotted for q in quantities if q.plotted is not None
    ]
    return float(statistics.median(figures)) if figures else None


@paused_collector
def prototype_analyse(catalog: Catalog) -> Analysis:
    groups = grouped(catalog)
    pairs = fast_find_pairs(catalog, groups)
    contradictions = fast_find_contradictions(catalog, pairs)
    corroboration = fast_corroborate(catalog, contradictions, pairs)
    return Analysis(
        catalog=catalog,
        contradictions=contradictions,
        series=fast_find_series(catalog, groups),
        corroboration=corroboration,
        warnings=sanity_warnings(catalog, corroboration),
    )


@paused_collector
def floor(catalog: Catalog) -> tuple[list[int], list[int], list[list[int]]]:
    """What any engine of this design pays up front, whatever it builds later: one pass
    over the claims (grouped) and the sweep, each pair kept as two indexes (conflicting
    or agreeing) and each series step as the index of its first claim; no object per pair
    or per claim. A lazy engine (reasons, explanations and corroboration built when a
    screen or an export asks for them) would cost about this."""
    conflicts: list[int] = []
    agreements: list[int] = []
    starts: list[list[int]] = []
    heappush, heappop = heapq.heappush, heapq.heappop
    for group in grouped(catalog):
        lows, highs, compared = group.lows, group.highs, group.compared
        category = group.question.kind == "category"
        active: list[tuple[int, int]] = []
        first: list[int] = []
        reach = analysis_module._NEVER - 1
        for index in sorted(range(len(lows)), key=lambda i: (lows[i], i)):
            low = lows[index]
            if low > reach:
                first.append(index)
            reach = max(reach, highs[index])
            while active and active[0][0] < low:
                heappop(active)
            mine = compared[index]
            for _, other in active:
                if category:
                    meets = compared[other] == mine
                else:
                    a_low, a_high, a_low_closed, a_high_closed = compared[other]
                    b_low, b_high, b_low_closed, b_high_closed = mine
                    meets = (a_low < b_high or (a_low == b_high and a_low_closed
                                                and b_high_closed)) and (
                        b_low < a_high or (b_low == a_high and b_low_closed and a_high_closed))
                (agreements if meets else conflicts).extend((other, index))
            heappush(active, (highs[index], index))
        starts.append(first)
    return conflicts, agreements, starts


PROTOTYPE = Engine(fast_find_pairs, fast_find_contradictions, fast_corroborate,
                   fast_find_series, prototype_analyse)


def same_results(engine: Measured, fast: Measured) -> None:
    """Stop loudly unless the prototype found exactly what the engine found."""
    def ids(pairs: Pairs) -> tuple[list[tuple[str, str, str]], list[tuple[str, str]]]:
        return ([(a.id, b.id, rule) for a, b, rule in pairs.conflicts],
                [(a.id, b.id) for a, b in pairs.agreements])

    def texts(found: list[Contradiction]) -> list[tuple[str, str]]:
        return [(c.explanation, c.reason) for c in [*found[:500], *found[-500:]]]

    checks = {
        "pairs": ids(engine.pairs) == ids(fast.pairs),
        "explanations and reasons (first and last 500)":
            texts(engine.contradictions) == texts(fast.contradictions),
        "contradictions": engine.contradictions == fast.contradictions,
        "corroboration": engine.corroboration == fast.corroboration,
        "series": engine.series == fast.series,
        "analyse": (engine.analysis.contradictions == fast.analysis.contradictions
                    and engine.analysis.series == fast.analysis.series
                    and engine.analysis.corroboration == fast.analysis.corroboration
                    and engine.analysis.warnings == fast.analysis.warnings),
    }
    wrong = [name for name, same in checks.items() if not same]
    if wrong:
        sys.exit(f"bench: the prototype differs from the engine in: {', '.join(wrong)}")
    print("  same results as the engine: pairs (same order), contradictions (same order, "
          "same texts), corroboration, series, analyse")


def engine_version() -> str:
    """The commit of the engine measured, and whether src/ differs from it (read-only git:
    other people edit the engine while benchmarks run)."""
    root = BENCH.parent
    environment = {**os.environ, "GIT_OPTIONAL_LOCKS": "0"}
    try:
        commit = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
                                capture_output=True, text=True, check=True,
                                env=environment).stdout.strip()
        changed = subprocess.run(["git", "-C", str(root), "diff", "--quiet", "HEAD", "--",
                                  "src"], capture_output=True, check=False,
                                 env=environment).returncode
    except (OSError, subprocess.CalledProcessError):
        return f"{analysis_module.__file__} (not a git checkout)"
    return f"{analysis_module.__file__} at git {commit}" + (
        ", with uncommitted changes in src/" if changed else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else "")
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--claims", type=int, default=300_000)
    parser.add_argument("--questions", type=int, default=10_000)
    parser.add_argument("--sources", type=int, default=1_000)
    parser.add_argument("--files", type=int, default=20, help="timeline files (besides "
                        "sources.yaml and questions.yaml); each must stay under 64 MiB")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="write the catalog here and keep it (default: a temporary "
                        "directory, deleted at the end)")
    parser.add_argument("--hot-question", type=int, default=0, metavar="N",
                        help="add one question with N mutually contradicting claims")
    parser.add_argument("--profile", action="store_true",
                        help="also print a cProfile of one analyse run")
    parser.add_argument("--prototype", action="store_true",
                        help="also time the optimized prototype defined in this file")
    args = parser.parse_args(argv)
    if min(args.events, args.questions, args.files, args.repeat) < 1 or args.sources < 2 \
            or args.claims < 2 * args.questions or args.hot_question < 0:
        parser.error("need at least 1 event, question, file and repeat, 2 sources, and "
                     "2 claims per question")

    for line in load.machine():
        print(line)
    print(f"engine:   {engine_version()}")
    directory = args.keep or Path(tempfile.mkdtemp(prefix="contested-bench-analysis-"))
    try:
        directory.mkdir(parents=True, exist_ok=True)
        start = time.perf_counter()
        generated = generate(events=args.events, claims=args.claims,
                             questions_count=args.questions, sources=args.sources,
                             files=args.files, seed=args.seed, hot=args.hot_question)
        for name, text in generated.files.items():
            (directory / name).write_text(text, encoding="utf-8")
        paths, _ = discover([directory])
        size = sum(os.path.getsize(p) for p in paths)
        print(f"catalog:  {directory}: {len(paths)} files, {size:,} bytes "
              f"({load.mib(size)}); generated in {time.perf_counter() - start:.1f} s "
              f"(seed {args.seed})")
        catalog, load_time = check_valid(directory, generated.counts)
        print(f"loaded:   load_catalog in {load_time:.1f} s, valid: "
              + ", ".join(f"{n:,} {k}" for k, n in generated.counts.items()))
        analyse(catalog)  # warm-up: lazy imports, caches
        runs = "1 run" if args.repeat == 1 else f"{args.repeat} runs each"
        print(f"\nwall times, {runs}, each under collector_paused as in analyse (seconds):")
        engine = measure(ENGINE, catalog, args.repeat)
        print_rows(engine.rows)
        print()
        for line in summary(engine):
            print(line)
        verdict("engine (src/contested/analysis.py)", engine)
        if args.prototype:
            fast = measure(PROTOTYPE, catalog, args.repeat)
            print(f"\nprototype (bench/analysis.py, --prototype), {runs}:")
            floor_row, (conflicts, agreements, _) = timed(
                "floor: grouping + sweep, pairs as indexes only", lambda: floor(catalog),
                args.repeat)
            print_rows([*fast.rows, floor_row])
            if (len(conflicts) // 2, len(agreements) // 2) != (
                    len(engine.pairs.conflicts), len(engine.pairs.agreements)):
                sys.exit("bench: the floor found other pairs than the engine")
            same_results(engine, fast)
            verdict("prototype", fast)
        del engine
        if args.profile:
            print("\ncProfile of one analyse run:\n" + profile(catalog))
            if args.prototype:
                print("\ncProfile of one prototype analyse run:\n"
                      + profile(catalog, prototype_analyse))
    finally:
        if args.keep is None:
            shutil.rmtree(directory, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
