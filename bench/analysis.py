"""How long the contradiction engine (`contested.engine.analysis`) takes on a large catalog.

Run: `python bench/analysis.py [--events 100000] [--claims 300000] [--questions 10000]
[--sources 1000] [--files 20] [--repeat 3] [--keep DIR] [--seed N] [--hot-question N]
[--profile]`

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
`load_catalog` (timed, and checked to be valid with the intended counts; linking notes
the numbers the engine reads per claim, `contested.catalog.columns`), then each stage is timed,
best of `--repeat` (min and median), each run under `contested.support.collector.collector_paused`
as `analyse` runs its stages (the collector is emptied before each run): `claim_table`
(the noted columns as numpy arrays); `by_question` (claims sorted by question and
dates); `find_pairs`; `find_contradictions` given the pairs; `corroborate`; `find_series`;
the first reads of the results (one contradiction and its explanation, the contradictions
of a claim, one corroboration, one series: the indexes made on first use are made then);
`sanity_warnings` given a fresh corroborate(); `analyse` whole. For context, and not in
the target: reading every contradiction with its explanation (what `export` does), every
claim's corroboration, every series, and the columns read in a pass of their own over
the claims (what linking saves by noting them while it visits each claim).

Target: contradictions, series and corroboration together at most 0.5 s, counted here as
the sum of the first seven stages (from the columns to results ready to read). The
script prints the counts found, the figures and whether the target is met; it exits 0
either way (it measures, it does not gate). `--profile` adds a cProfile of one `analyse`
run (top 25 by cumulative and by own time).
"""

from __future__ import annotations

import argparse
import bisect
import cProfile
import gc
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
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from contested.catalog.catalog import Catalog
from contested.catalog.columns import ClaimColumns
from contested.catalog.discover import discover
from contested.catalog.loading import load_catalog
from contested.engine import analysis as analysis_module
from contested.engine.analysis import Analysis, analyse, sanity_warnings
from contested.engine.contradictions import Contradictions
from contested.engine.corroboration import CorroborationIndex, corroborate
from contested.engine.pairs import Pairs, by_question, claim_table, find_pairs
from contested.engine.rules import find_contradictions
from contested.engine.series import Series, find_series
from contested.present.wording import explanation
from contested.support.collector import collector_paused

# Reuse bench/load.py's vocabulary, sources and fuzzy dates (the script's own folder is on
# sys.path when it is run as a script; this also covers `import analysis` from elsewhere).
BENCH = Path(__file__).resolve().parent
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

import load  # noqa: E402  (bench/load.py)

TARGET_SECONDS = 0.5
"""find_pairs + find_contradictions + corroborate + find_series should take at most this."""

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


def gen_questions(w: load.Writer, count: int, dissent: float | None = None,
                  ) -> tuple[list[str], list[GenQuestion]]:
    """Half category, half quantity questions, each with its moments and their truths
    (which change less from one moment to the next when `dissent` is given)."""
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
                if r.random() < (0.3 if dissent is None else 0.06):
                    truth = r.choice(pool)
                question.truths.append(truth)
        else:
            figure = r.uniform(low, high * 0.7)
            steps = (0.6, 0.8, 1.0, 1.25, 1.6) if dissent is None else (1.0, 1.0, 1.0, 0.6, 1.6)
            for _ in question.moments:
                figure = min(high, max(low, figure * r.choice(steps)))
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


def gen_value(w: load.Writer, question: GenQuestion, truth: Any,
              dissent: float | None = None) -> list[str]:
    """The `value:` (and `unit:`) lines of a claim about one moment of `question`.

    `dissent` is the share of claims that depart from the moment's truth (a word other
    than the truth, a figure 10-30% off); None keeps this script's own, harsher catalog
    (about 40% of pairs contradicting), on which its figures were taken."""
    r = w.rng
    if question.kind == "category":
        pool = question.values or FREE_ANSWERS
        value = truth if r.random() < (0.65 if dissent is None else 1 - dissent) else (
            r.choice(pool))
        return [f"    value: {load.scalar(value)}"]
    unit = question.unit

    def text(value: float) -> str:
        return load.number(max(1.0, value), unit)

    if dissent is None:
        figure = truth * r.choice((1.0, 1.0, 1.0, 1.02, 0.97, 1.1, 0.9, 1.3, 0.7))
    elif r.random() < dissent:
        figure = truth * r.choice((1.1, 0.9, 1.3, 0.7))
    else:
        figure = truth
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
              big_relays: list[str], dissent: float | None = None) -> list[str]:
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
    lines += gen_value(w, question, question.truths[plan.moment], dissent)
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
             seed: int, hot: int = 0, dissent: float | None = None) -> Generated:
    """The whole catalog as YAML text, deterministically from `seed`."""
    w = load.Writer(seed)
    r = w.rng
    header = ["contested: 1",
              f"# Generated by bench/analysis.py (seed {seed}); not real events.", ""]
    source_lines, source_ids, relays = load.gen_sources(w, sources)
    big_relays = relays[:40]
    out = {"sources.yaml": "\n".join(header + source_lines) + "\n"}
    question_lines, questions = gen_questions(w, questions_count, dissent)
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
            lines += gen_claim(w, plan, source_ids=source_ids, big_relays=big_relays,
                               dissent=dissent)
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
    contested.support.collector.collector_paused, as `analyse` runs its stages."""
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


@dataclass
class Measured:
    """The timings of every stage, and what the last run of each found."""

    rows: list[Row]
    pairs: Pairs
    contradictions: Contradictions
    corroboration: CorroborationIndex
    series: Mapping[str, Series]
    analysis: Analysis

    @property
    def parts(self) -> float:
        """The stages up to results ready to read (the first seven rows), best runs."""
        return sum(row.best for row in self.rows[:7])


def first_reads(found: Contradictions, corroboration: CorroborationIndex,
                series: Mapping[str, Series]) -> int:
    """Read one of each result, so the indexes made on first use are made: the middle
    contradiction and its explanation, the contradictions of one of its claims, that
    claim's corroboration, the first series."""
    if not len(found):
        return 0
    item = found[len(found) // 2]
    read = len(explanation(found.catalog, item)) + len(found.of(item.claims[0]))
    read += len(corroboration[item.claims[0]].agreeing)
    read += len(corroboration)
    first = next(iter(series), None)
    return read + (len(series[first].steps) if first else 0)


def measure(catalog: Catalog, repeat: int) -> Measured:
    table_row, table = timed("claim_table (arrays of the columns linking noted)",
                             lambda: claim_table(catalog), repeat)
    order_row, ordered = timed("by_question (claims sorted by question, dates)",
                               lambda: by_question(table), repeat)
    pairs_row, pairs = timed("find_pairs", lambda: find_pairs(table, ordered), repeat)
    found_row, found = timed("find_contradictions (given the pairs)",
                             lambda: find_contradictions(catalog, pairs), repeat)
    corr_row, corroboration = timed(
        "corroborate (given contradictions, pairs)",
        lambda: corroborate(catalog, found, pairs), repeat)
    series_row, series = timed("find_series (given the sorted claims)",
                               lambda: find_series(catalog, table, ordered), repeat)

    def fresh() -> tuple[Contradictions, CorroborationIndex, Mapping[str, Series]]:
        with collector_paused():
            contradictions = find_contradictions(catalog, pairs)
            return (contradictions, corroborate(catalog, contradictions, pairs),
                    find_series(catalog, table, ordered))

    reads_row, _ = timed_with("first reads (lazy indexes made: see first_reads)",
                              lambda made: first_reads(*made), fresh, repeat)
    warn_row, _ = timed_with("sanity_warnings (given a fresh corroborate())",
                             lambda made: sanity_warnings(catalog, made[1]), fresh, repeat)
    analyse_row, analysis = timed("analyse (all of the above but the first reads)",
                                  lambda: analyse(catalog), repeat)
    rows = [table_row, order_row, pairs_row, found_row, corr_row, series_row, reads_row,
            warn_row, analyse_row]
    # Reading everything: what `export` and `contradictions --all` do, cost per item read.
    every = [
        timed_with("every contradiction with its explanation",
                   lambda made: sum(len(explanation(catalog, c)) for c in made[0]), fresh,
                   repeat)[0],
        timed_with("every claim's corroboration (what to_json reads)",
                   lambda made: sum(1 for _ in made[1].values()), fresh, repeat)[0],
        timed_with("every series",
                   lambda made: sum(len(s.steps) for s in made[2].values()), fresh, repeat)[0],
        timed("ClaimColumns.of: the columns read in a pass of their own (what linking "
              "saves by noting them)",
              lambda: columns_read_anew(catalog), repeat)[0],
    ]
    return Measured(rows + every, pairs, found, corroboration, series, analysis)


def columns_read_anew(catalog: Catalog) -> ClaimColumns:
    """The claims' columns read in a pass of their own, as `ClaimColumns.of` does for a
    catalog that was not linked here (linking notes them while it visits each claim)."""
    columns = ClaimColumns.for_catalog(catalog.questions, catalog.sources, catalog.events)
    for claim in catalog.claims.values():
        columns.add(claim)
    columns.finish(catalog.claims)
    return columns


def summary(found: Measured) -> list[str]:
    """The counts found, to read the timings against."""
    pairs = found.pairs
    by_rule = Counter(c.rule for c in found.contradictions)
    with_rule = Counter(r for c in found.contradictions for r in c.rules)
    quantity = int(pairs.table.quantity[pairs.first[pairs.conflict]].sum())
    kinds = {"category": int(pairs.conflict.sum()) - quantity, "quantity": quantity}
    agreeing = int((~pairs.conflict).sum())
    warnings = Counter(d.code for d in found.analysis.warnings)
    series = found.series
    steps = sum(len(s.steps) for s in series.values())
    trends = Counter(s.trend for s in series.values())
    corroboration = found.corroboration
    independent = sum(1 for c in corroboration.values() if c.agreeing_origins > 0)
    return [
        f"pairs at overlapping dates: {len(pairs.first):,} "
        f"({int(pairs.conflict.sum()):,} conflicting: "
        + ", ".join(f"{n:,} {k}" for k, n in sorted(kinds.items()))
        + f"; {agreeing:,} agreeing)",
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


def verdict(label: str, found: Measured, load_time: float) -> None:
    analyse_row, warn_row = found.rows[8], found.rows[7]
    print(f"\n{label}:")
    print(f"  load_catalog (once, for context)                      {load_time:7.3f} s")
    print(f"  analyse, whole (min)                                  {analyse_row.best:7.3f} s")
    print(f"  analyse - sanity_warnings (min)                       "
          f"{analyse_row.best - warn_row.best:7.3f} s")
    print(f"  table + pairs + contradictions + corroboration + series + first reads "
          f"(min) {found.parts:7.3f} s")
    met = "met" if found.parts <= TARGET_SECONDS else "NOT met"
    print(f"  target: contradictions, series and corroboration together at most "
          f"{TARGET_SECONDS} s -> {met} ({found.parts / TARGET_SECONDS:.1f}x the budget)")


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
        engine = measure(catalog, args.repeat)
        print_rows(engine.rows[:9])
        print("\nreading everything, for context (not in the target):")
        print_rows(engine.rows[9:])
        print()
        for line in summary(engine):
            print(line)
        verdict("engine (src/contested/engine/analysis.py)", engine, load_time)
        del engine
        if args.profile:
            print("\ncProfile of one analyse run:\n" + profile(catalog))
    finally:
        if args.keep is None:
            shutil.rmtree(directory, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
