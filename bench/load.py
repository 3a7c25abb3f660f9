"""How long `contested validate` takes on a large catalog, next to a bare YAML read.

Run: `python bench/load.py [--events 10000] [--claims 30000] [--sources 200] [--files 8]
[--repeat 3] [--keep DIR] [--seed N] [--profile]`

The script generates, from a seeded random generator (the same bytes on every run), a
valid catalog in the timeline format of docs/timeline-format.md: `sources.yaml`,
`questions.yaml`, and the events and claims split over `--files` timeline files. Every
feature of the format is used: fuzzy dates (`~ ? %`, `-XX`, intervals, open ends),
category and quantity questions (values, units, tolerance), every quantity form with
`best`, claims with one or several sources, `via` chains, `disputes`, `supports`,
`as_of`, credibility, quotes, notes and texts of realistic length, events with place,
tags and summary, and declared contradictions. It checks with `load_catalog` that the
catalog is valid (and stops loudly if not), then measures, each best of `--repeat`:

a. bare read, GC off: `yaml.load(data, Loader=yaml.CSafeLoader)` over every file, the
   cyclic garbage collector disabled around it. The fastest plain read of the same bytes
   (libyaml's C parser and C constructor): no locations, no limits, no validation. This
   is the yardstick.
b. bare read, GC on: the same with the collector enabled, for context: what a naive
   loader pays for the collector scanning the millions of objects it creates.
c. validate, in process: `contested.catalog.loading.load_catalog([dir])`: guarded YAML (a line
   and column for every key, value and item; size, depth and alias limits; duplicate
   keys), pydantic validation of every entity, and the linking of all files into one
   catalog (duplicate and unknown ids, units, category values). It pauses the collector
   itself, so the collector is left enabled around it, as in real use.
d. validate, end to end: `python -m contested validate DIR` in a subprocess, which adds
   interpreter start-up and imports; with the peak RSS of that process.

Both reads include reading the files from disk (the page cache, after the first run).

Why the bare read is the yardstick: validate reads the event stream of the same C parser,
but builds plain text and containers (no YAML 1.1 type guessing) and then checks them, so
the figure to watch is validate (in process) / bare read (GC off); the target is a ratio
of at most 1.0x. The script prints the ratio and whether the target is met, and exits 0
either way: it measures, it does not gate. `--profile` adds a cProfile of one
`load_catalog` run (top functions by cumulative and by own time).
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import os
import platform
import pstats
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

import contested
from contested.catalog.discover import discover
from contested.catalog.loading import LoadResult, load_catalog
from contested.format.guarded_yaml import HAVE_LIBYAML

TARGET_RATIO = 1.0
"""validate (in process) should take at most this many times the bare read (GC off)."""

# --- vocabulary ------------------------------------------------------------------------------

PLACES = (
    "Sudzha", "Kursk region", "Pokrovsk", "Chasiv Yar", "Toretsk", "Kupiansk", "Vuhledar",
    "Robotyne", "Krynky", "Avdiivka", "Bakhmut", "Kherson", "Zaporizhzhia", "Kharkiv",
    "Belgorod", "Lyman", "Siversk", "Velyka Novosilka", "Kurakhove", "Huliaipole", "Orikhiv",
    "Kostiantynivka", "Vovchansk", "Selydove", "Myrnohrad", "Hlushkovo", "Korenevo",
    "Sverdlikovo", "Mala Loknia", "Nikopol", "Enerhodar", "Dnipro", "Odesa", "Kramatorsk",
)
REGIONS = (
    "Kursk region, Russia", "Donetsk region", "Kharkiv region", "Zaporizhzhia region",
    "Kherson region", "Belgorod region, Russia", "Luhansk region", "Dnipropetrovsk region",
)
UNITS_OF_TROOPS = (
    "Russian forces", "Ukrainian troops", "The 47th Mechanised Brigade", "Assault groups",
    "Airborne units", "Drone operators", "North Korean soldiers", "Marines", "Reservists",
    "Territorial defence units", "Border guards", "Special forces", "Artillery crews",
)
ACTIONS = (
    "advanced towards", "withdrew from", "struck positions near", "encircled",
    "shelled", "captured", "held", "repelled an attack on", "blew up a bridge near",
    "cut the road to", "entered", "cleared the outskirts of", "lost positions near",
    "reinforced", "evacuated civilians from", "moved through a disused pipeline towards",
)
CIRCUMSTANCES = (
    "after three days of fighting", "under cover of thick fog", "with heavy losses",
    "according to local officials", "despite constant drone attacks", "during the night",
    "in several waves", "with armoured vehicles", "as supplies ran short", "before dawn",
    "while the bridges were still standing", "on foot, in small groups",
    "after the last supply route came under fire", "with fibre-optic drones overhead",
)
HEDGES = (
    "The report could not be verified independently.",
    "No date is given in the article; the month is inferred from the context.",
    "Both sides have an interest in the figure.",
    "The translation may differ from the original wording.",
    "The source gives no names of units or villages.",
    "The video was geolocated by volunteers; the day of filming is unknown.",
    "Said on television; the transcript was published a day later.",
    "The figure is rounded in the source.",
)
SPOKEN = ("This is a rout", "The situation is under control", "We had no choice",
          "Everything is burning")
TAGS = (
    "advance", "withdrawal", "logistics", "drones", "artillery", "territory", "figures",
    "casualties", "civilians", "infrastructure", "command", "surrender", "pipeline",
    "bridges", "supply", "reinforcements", "air-defence", "energy", "prisoners", "evacuation",
)
FIRST_NAMES = (
    "Oleksandr", "Olena", "Mykola", "Iryna", "Andriy", "Dmitry", "Sergei", "Anna", "Pavel",
    "Yulia", "Franz-Stefan", "Michael", "Rob", "Jack", "Mark", "Emma", "Kateryna", "Ivan",
)
LAST_NAMES = (
    "Syrsky", "Kovalenko", "Shevchenko", "Petrov", "Gady", "Kofman", "Lee", "Watling",
    "Galeotti", "Bondarenko", "Melnyk", "Ivanova", "Sokolov", "Hunter", "Tkachenko", "Orlova",
)
SOURCE_NAMES: dict[str, tuple[str, ...]] = {
    "news-agency": (
        "AFP", "Reuters", "Associated Press", "BTA", "Ukrinform", "TASS", "RIA Novosti",
        "Interfax", "Interfax-Ukraine", "DPA", "ANSA", "EFE", "Yonhap", "Anadolu", "PAP",
        "Kyodo", "Xinhua", "UNIAN",
    ),
    "media": (
        "Kyiv Independent", "Meduza", "Novaya Gazeta Europe", "BBC", "The Guardian",
        "Le Monde", "RBC", "Kommersant", "Ukrainska Pravda", "Hromadske", "Suspilne",
        "Deutsche Welle", "Radio Liberty", "Mediazona", "Der Spiegel", "The Economist",
    ),
    "state-media": ("Channel One", "Rossiya 24", "Zvezda", "RT", "Izvestia", "Belta"),
    "government": (
        "Ukraine (government, Kiev)", "Russia (government, Moscow)", "UK Ministry of Defence",
        "US Department of Defense", "South Korea (government, Seoul)",
        "Kursk regional administration", "Belgorod governor", "Kharkiv regional administration",
    ),
    "military": (
        "General Staff of the Armed Forces of Ukraine", "Russian Ministry of Defence",
        "Ukrainian Air Force", "Russian Northern Group of Forces",
    ),
    "military-blog": (
        "DeepState", "Rybar", "Two Majors", "WarGonzo", "Militarnyi", "Oryx", "GeoConfirmed",
        "Black Bird Group", "Readovka",
    ),
    "analyst": ("ISW", "RUSI", "CSIS", "Many analysts (unnamed)"),
    "eyewitness": ("Ukrainian soldier interviewed by AFP (unnamed)",),
    "social-media": ("Videos on social networks", "Telegram channels (unnamed)"),
    "ngo": (
        "Human Rights Watch", "Amnesty International", "UN monitoring mission", "ICRC",
        "Memorial",
    ),
    "other": ("The West", "Observers (unnamed)", "Diplomatic sources"),
}
SOURCE_KIND_WEIGHTS = {
    "news-agency": 8, "media": 18, "state-media": 6, "government": 12, "military": 14,
    "military-blog": 10, "analyst": 10, "eyewitness": 10, "social-media": 6, "ngo": 3,
    "other": 3,
}
SIDES = ("russia", "ukraine", "neutral", "unknown", "west", "united-kingdom",
         "united-states", "south-korea", "north-korea", "belarus")
RUSSIAN_NAMES = frozenset(["TASS", "RIA Novosti", "Interfax", "Channel One", "Rossiya 24",
                           "Zvezda", "RT", "Izvestia", "RBC", "Kommersant", "Rybar",
                           "Two Majors", "WarGonzo", "Readovka", "Russian Ministry of Defence"])
CATEGORY_QUESTIONS = (
    ("How did the operation near {place} end?", ("success", "failure", "mixed")),
    ("Who controls {place}?", ("russia", "ukraine", "contested")),
    ("State of the Ukrainian forces near {place}", ("under-control", "serious", "rout")),
    ("Was the bridge at {place} destroyed?", ("yes", "no", "unclear")),
    ("Is the road to {place} open?", ("on", "off", "partly")),  # YAML 1.1 booleans, as text
    ("Who struck the power station near {place}?", None),
)
QUANTITY_QUESTIONS = (
    ("Area of {region} held by Ukrainian forces", "km2", 50, 5000),
    ("Number of soldiers who took part in the assault on {place}", "soldiers", 50, 20000),
    ("Share of the area near {place} lost in under two days", "percent", 1, 100),
    ("Number of drones launched at {place} in one night", "drones", 5, 300),
    ("Civilians killed in {place}", "civilians", 1, 500),
    ("Tanks lost near {place}", "tanks", 1, 200),
    ("Distance of the front line from {place}", "km", 1, 60),
)
OPENING = date(2022, 2, 24)
CLOSING = date(2025, 12, 31)


# --- generation ------------------------------------------------------------------------------

def slug(text: str) -> str:
    """An id-safe lowercase slug of `text`."""
    kept = "".join(c.lower() if c.isascii() and c.isalnum() else "-" for c in text)
    return "-".join(part for part in kept.split("-") if part) or "x"


def scalar(text: str) -> str:
    """`text` as a YAML block-context scalar: plain when safe, else single-quoted."""
    unsafe = (
        not text
        or text[0] in "-?:,[]{}#&*!|>'\"%@`~ "
        or text[-1] in ": "
        or ": " in text
        or " #" in text
        or text in ("null", "Null", "NULL")
    )
    return "'" + text.replace("'", "''") + "'" if unsafe else text


def flow(items: list[str]) -> str:
    """A flow list `[a, b]`, quoting the items that flow context would misread."""
    def one(item: str) -> str:
        if any(c in item for c in ",[]{}:#'\"") or item != item.strip():
            return "'" + item.replace("'", "''") + "'"
        return item
    return "[" + ", ".join(one(i) for i in items) + "]"


def field_line(indent: int, name: str, text: str, width: int = 88) -> list[str]:
    """`name: text`, folded (`>-`, wrapped) when the line would be long, as analysts write."""
    pad = " " * indent
    if len(pad) + len(name) + 2 + len(text) <= width:
        return [f"{pad}{name}: {scalar(text)}"]
    body = textwrap.wrap(text, width=width - indent - 2, break_on_hyphens=False)
    return [f"{pad}{name}: >-", *(f"{pad}  {line}" for line in body)]


class Writer:
    """Random prose and dates, all from one seeded generator."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def sentence(self) -> str:
        r = self.rng
        text = f"{r.choice(UNITS_OF_TROOPS)} {r.choice(ACTIONS)} {r.choice(PLACES)}"
        if r.random() < 0.7:
            text += f" {r.choice(CIRCUMSTANCES)}"
        return text + "."

    def prose(self, low: int, high: int, hedge: float = 0.3) -> str:
        parts = [self.sentence() for _ in range(self.rng.randint(low, high))]
        if self.rng.random() < hedge:
            parts.append(self.rng.choice(HEDGES))
        return " ".join(parts)

    def quote(self) -> str:
        r = self.rng
        words = self.sentence().rstrip(".").split()
        words[0] = words[0].lower() if words[0] not in ("Russian", "Ukrainian") else words[0]
        text = " ".join(words)
        if r.random() < 0.3:
            text = f'"{r.choice(SPOKEN)}," {text}'
        return text

    def day(self) -> date:
        return OPENING + timedelta(days=self.rng.randint(0, (CLOSING - OPENING).days - 70))

    def fuzzy(self, day: date) -> str:
        """A written date around `day`, in one of the format's many forms."""
        r = self.rng
        roll = r.random()
        if roll < 0.35:
            return day.isoformat()
        if roll < 0.45:
            return day.isoformat() + r.choice("~?%")
        if roll < 0.55:
            return f"{day:%Y-%m}"
        if roll < 0.68:
            return f"{day:%Y-%m}" + r.choice("~?%")
        if roll < 0.72:
            return f"{day:%Y-%m}-XX"
        if roll < 0.74:
            return f"{day:%Y}" + r.choice(("", "~", "?"))
        end = day + timedelta(days=r.randint(1, 60))
        roll = r.random()
        if roll < 0.4:
            return f"{day.isoformat()}/{end.isoformat()}"
        if roll < 0.7:
            return f"{day:%Y-%m}?/{end:%Y-%m}?"
        if roll < 0.85:
            return f"{day.isoformat()}~/{end:%Y-%m}"
        if roll < 0.95:
            return f"{day.isoformat()}/.."
        return f"../{day.isoformat()}"


@dataclass
class Question:
    id: str
    kind: str
    values: tuple[str, ...] | None = None
    unit: str | None = None
    low: float = 0
    high: float = 0
    claim_ids: list[str] = field(default_factory=list)


@dataclass
class Catalog:
    """What was generated, as YAML text per file name, with the intended counts."""

    files: dict[str, str]
    counts: dict[str, int]


def gen_sources(w: Writer, count: int) -> tuple[list[str], list[str], list[str]]:
    """The sources.yaml body lines, every source id, and the relays (agencies, media)."""
    r = w.rng
    kinds = list(SOURCE_KIND_WEIGHTS)
    weights = list(SOURCE_KIND_WEIGHTS.values())
    used: dict[str, int] = {}
    lines = ["sources:"]
    ids: list[str] = []
    relays: list[str] = []
    for n in range(count):
        # The first sources are agencies and media, so that `via` always has relays.
        kind = ("news-agency", "media")[n % 2] if n < 6 else r.choices(kinds, weights)[0]
        taken = used.get(kind, 0)
        used[kind] = taken + 1
        names = SOURCE_NAMES[kind]
        if taken < len(names):
            name = names[taken]
        elif kind in ("military", "analyst", "eyewitness"):
            name = f"{r.choice(FIRST_NAMES)} {r.choice(LAST_NAMES)}"
        else:
            name = f"{r.choice(PLACES)} {kind.replace('-', ' ')} {taken}"
        source_id = slug(name)
        if source_id in ids:
            source_id = f"{source_id}-{n}"
        ids.append(source_id)
        if kind in ("news-agency", "media"):
            relays.append(source_id)
        side = "russia" if name in RUSSIAN_NAMES else r.choice(SIDES)
        if kind == "news-agency" and side != "russia":
            side = "neutral"
        reliability = r.choices("ABCDEF", (1, 4, 6, 3, 1, 10))[0]
        if kind == "social-media":
            reliability = r.choice("DEF")
        if n and n % 40 == 0:
            lines.append(f"  # --- sources {n + 1} to {min(n + 40, count)} " + "-" * 40)
        lines.append(f"  - id: {source_id}")
        lines.append(f"    name: {scalar(name)}")
        if r.random() < 0.25:
            aliases = [name.upper(), f"{name.split()[0]} ({side})"]
            if r.random() < 0.3:
                aliases.append("Сирський" if "Syrsky" in name else "Джерело " + str(n))
            lines.append(f"    aliases: {flow(aliases)}")
        lines.append(f"    kind: {kind}")
        lines.append(f"    side: {side}")
        lines.append(f"    reliability: {reliability}")
        if r.random() < 0.5:
            lines.append(f"    url: https://example.org/{source_id}")
        if r.random() < 0.7:
            lines += field_line(4, "note", w.prose(1, 3, hedge=0.6))
        lines.append("")
    return lines, ids, relays


def gen_questions(w: Writer, count: int) -> tuple[list[str], list[Question]]:
    r = w.rng
    lines = ["questions:"]
    questions: list[Question] = []
    for n in range(count):
        place = r.choice(PLACES)
        if n % 2 == 0:
            template, values = CATEGORY_QUESTIONS[(n // 2) % len(CATEGORY_QUESTIONS)]
            question = Question(f"{slug(template.format(place=place))[:40].rstrip('-')}-q{n:04d}",
                                "category", values)
            text = template.format(place=place)
        else:
            template, unit, low, high = QUANTITY_QUESTIONS[(n // 2) % len(QUANTITY_QUESTIONS)]
            text = template.format(place=place, region=r.choice(REGIONS))
            question = Question(f"{slug(text)[:40].rstrip('-')}-q{n:04d}", "quantity", None, unit,
                                low, high)
        questions.append(question)
        lines.append(f"  - id: {question.id}")
        lines += field_line(4, "text", text)
        lines.append(f"    kind: {question.kind}")
        if question.values is not None:
            lines.append(f"    values: {flow(list(question.values))}")
        if question.unit is not None:
            lines.append(f"    unit: {question.unit}")
            if r.random() < 0.4:
                lines.append(f"    tolerance: {r.choice(('0', '0.02', '0.05', '0.1', '0.2'))}")
        if r.random() < 0.3:
            lines += field_line(4, "note", w.prose(1, 2, hedge=0.5))
        lines.append("")
    return lines, questions


def number(value: float, unit: str | None) -> str:
    return f"{value:.1f}" if unit == "percent" else str(round(value))


def gen_value(w: Writer, question: Question) -> list[str]:
    """The `value:` (and `unit:`) lines of a claim answering `question`."""
    r = w.rng
    if question.kind == "category":
        value = r.choice(question.values) if question.values else r.choice(
            ("russia", "ukraine", "unknown", "a drone", "a missile"))
        return [f"    value: {scalar(value)}"]
    unit = question.unit
    low = r.uniform(question.low, question.high * 0.8)
    high = min(question.high, low * r.uniform(1.1, 2.5))
    figure = number(low, unit)
    form = r.choices(
        ("exact", "about", "at_least", "at_most", "more_than", "less_than", "between"),
        (25, 20, 15, 8, 10, 7, 15),
    )[0]
    best = None
    if form == "exact":
        lines = [f"    value: {figure}"]
    elif form == "between":
        bounds = [number(low, unit), number(high, unit)]
        if float(bounds[1]) < float(bounds[0]):
            bounds.reverse()
        if r.random() < 0.6:
            best = number((float(bounds[0]) + float(bounds[1])) / 2, unit)
        lines = [f"    value: {{between: [{bounds[0]}, {bounds[1]}]"
                 + (f", best: {best}}}" if best else "}")]
    else:
        if form in ("at_least", "more_than") and r.random() < 0.4:
            best = number(float(figure) * 1.5 + 1, unit)
        if best is not None and r.random() < 0.5:  # the block form, as some analysts write
            lines = ["    value:", f"      {form}: {figure}", f"      best: {best}"]
        else:
            lines = [f"    value: {{{form}: {figure}" + (f", best: {best}}}" if best else "}")]
    if r.random() < 0.7:
        lines.append(f"    unit: {unit}")
    return lines


@dataclass
class ClaimPlan:
    id: str
    source: str
    event: int | None
    question: Question | None
    day: date
    file: int


def plan_claims(w: Writer, count: int, *, event_days: list[date], event_files: list[int],
                questions: list[Question], source_ids: list[str], files: int) -> list[ClaimPlan]:
    r = w.rng
    plans: list[ClaimPlan] = []
    for n in range(count):
        event = r.randrange(len(event_days)) if r.random() < 0.9 else None
        day = event_days[event] if event is not None else w.day()
        question = r.choice(questions) if r.random() < 0.55 else None
        home = event_files[event] if event is not None and r.random() < 0.95 \
            else r.randrange(files)
        source = r.choice(source_ids)
        action = slug(r.choice(ACTIONS))[:20].rstrip("-")
        claim_id = f"{source[:24].rstrip('-')}-{action}-c{n:05d}"
        plan = ClaimPlan(claim_id, source, event, question, day, home)
        if question is not None:
            question.claim_ids.append(claim_id)
        plans.append(plan)
    return plans


def gen_claim(w: Writer, plan: ClaimPlan, *, event_ids: list[str], source_ids: list[str],
              relays: list[str], all_ids: list[str]) -> list[str]:
    r = w.rng
    lines = [f"  - id: {plan.id}"]
    if r.random() < 0.8:
        lines.append(f"    source: {plan.source}")
    else:
        others = [s for s in r.sample(source_ids, 3) if s != plan.source][:r.randint(1, 2)]
        lines.append(f"    source: {flow([plan.source, *others])}")
    if r.random() < 0.6:
        lines.append(f"    via: {flow(r.sample(relays, min(len(relays), r.randint(1, 3))))}")
    if plan.event is not None:
        lines.append(f"    event: {event_ids[plan.event]}")
    if r.random() < 0.95:
        lines.append(f"    said: {w.fuzzy(plan.day + timedelta(days=r.randint(0, 3)))}")
    lines += field_line(4, "text", w.prose(1, 2, hedge=0.1))
    if r.random() < 0.6:
        lines += field_line(4, "quote", w.quote())
    question = plan.question
    if question is not None:
        lines.append(f"    about: {question.id}")
        if r.random() < 0.95:
            lines += gen_value(w, question)
    if r.random() < 0.4:
        lines.append(f"    as_of: {w.fuzzy(plan.day)}")
    if r.random() < 0.85:
        lines.append(f"    credibility: {r.choices('123456', (2, 10, 20, 15, 5, 48))[0]}")
    for name, share in (("disputes", 0.05), ("supports", 0.05)):
        if r.random() < share:
            pool = question.claim_ids if question and len(question.claim_ids) > 2 else all_ids
            picked = [c for c in r.sample(pool, min(len(pool), 2)) if c != plan.id]
            if picked:
                lines.append(f"    {name}: {flow(picked)}")
    if r.random() < 0.25:
        lines += field_line(4, "note", w.prose(1, 3, hedge=0.7))
    lines.append("")
    return lines


def generate(events: int, claims: int, sources: int, files: int, seed: int) -> Catalog:
    """The whole catalog as YAML text, deterministically from `seed`."""
    w = Writer(seed)
    r = w.rng
    header = ["contested: 1", f"# Generated by bench/load.py (seed {seed}); not real events.",
              ""]
    source_lines, source_ids, relays = gen_sources(w, sources)
    out = {"sources.yaml": "\n".join(header + source_lines) + "\n"}
    questions_count = max(4, claims // 60)
    question_lines, questions = gen_questions(w, questions_count)
    out["questions.yaml"] = "\n".join(header + question_lines) + "\n"

    event_days = sorted(w.day() for _ in range(events))
    event_files = [n * files // events for n in range(events)]
    event_ids = [f"{slug(r.choice(PLACES))}-{slug(r.choice(TAGS))}-e{n:05d}"
                 for n in range(events)]
    plans = plan_claims(w, claims, event_days=event_days, event_files=event_files,
                        questions=questions, source_ids=source_ids, files=files)
    all_claim_ids = [p.id for p in plans]
    by_file: list[list[ClaimPlan]] = [[] for _ in range(files)]
    for plan in plans:
        by_file[plan.file].append(plan)
    contradictions = 0
    for f in range(files):
        mine = [n for n in range(events) if event_files[n] == f]
        first = event_days[mine[0]] if mine else OPENING
        last = event_days[mine[-1]] if mine else CLOSING
        name = f"front-{f + 1:02d}"
        lines = [*header[:1], f"# Timeline {f + 1} of {files}, generated (seed {seed}).",
                 "", "timeline:", f"  id: {name}",
                 f"  title: {scalar(f'The front, part {f + 1}: {first:%B %Y} to {last:%B %Y}')}",
                 f"  period: {first:%Y-%m}/{last:%Y-%m}~"]
        lines += field_line(2, "summary", w.prose(3, 5))
        lines += [f"  tags: {flow(r.sample(TAGS, 3))}"]
        lines += field_line(2, "note", w.prose(1, 2, hedge=1.0))
        lines += ["", "events:"]
        for n in mine:
            if n % 100 == 0:
                lines.append(f"  # --- {event_days[n]:%B %Y} " + "-" * 60)
            lines += [f"  - id: {event_ids[n]}", f"    date: {w.fuzzy(event_days[n])}"]
            lines += field_line(4, "title", w.sentence().rstrip("."))
            if r.random() < 0.85:
                lines.append(f"    place: {scalar(r.choice(PLACES) + ', ' + r.choice(REGIONS))}")
            if r.random() < 0.8:
                lines.append(f"    tags: {flow(r.sample(TAGS, r.randint(1, 4)))}")
            if r.random() < 0.85:
                lines += field_line(4, "summary", w.prose(2, 4))
            if r.random() < 0.3:
                lines += field_line(4, "note", w.prose(1, 2, hedge=1.0))
            lines.append("")
        lines.append("claims:")
        for plan in sorted(by_file[f], key=lambda p: -1 if p.event is None else p.event):
            lines += gen_claim(w, plan, event_ids=event_ids, source_ids=source_ids,
                               relays=relays, all_ids=all_claim_ids)
        own = [p.id for p in by_file[f]]
        declared = max(1, claims // 300 // files) if len(own) >= 3 else 0
        if declared:
            lines.append("contradictions:")
        for n in range(declared):
            contradictions += 1
            lines += [f"  - id: {name}-declared-{n + 1:03d}",
                      f"    claims: {flow(r.sample(own, r.choice((2, 2, 3))))}"]
            lines += field_line(4, "note", w.prose(1, 3, hedge=0.5))
        out[f"{name}.yaml"] = "\n".join(lines) + "\n"
    counts = {"files": files + 2, "sources": sources, "questions": questions_count,
              "events": events, "claims": claims, "contradictions": contradictions}
    return Catalog(out, counts)


# --- measuring -------------------------------------------------------------------------------

@contextmanager
def collector_disabled() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def timed(run: Callable[[], Any], repeat: int) -> list[float]:
    """Wall times of `repeat` runs; the result is freed after the clock stops, and the
    collector is emptied before each run so that no run pays for the previous one."""
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
        del result
    gc.collect()
    return times


def bare_read(paths: list[str]) -> list[Any]:
    return [yaml.load(Path(p).read_bytes(), Loader=yaml.CSafeLoader) for p in paths]


def bare_read_gc_off(paths: list[str]) -> list[Any]:
    with collector_disabled():
        return bare_read(paths)


# Runs the command given in argv as a child, then reports its wall time and peak RSS (the
# maximum resident set of the waited-for children) as one JSON line.
RSS_WRAPPER = """
import json, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
wall = time.perf_counter() - start
try:
    import resource
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
except ImportError:
    peak = None
print(json.dumps({"rc": done.returncode, "wall": wall, "maxrss": peak,
                  "stdout": done.stdout[-4000:], "stderr": done.stderr[-4000:]}))
"""


@dataclass
class CommandRuns:
    times: list[float]
    peak_rss_bytes: int | None
    last_output: str


@dataclass
class ChildRun:
    """One run of a command in a fresh child process, as `run_child` saw it."""

    status: int
    seconds: float
    peak_rss_bytes: int
    """The largest resident set among the command and the processes it waited for (its
    workers), not their sum."""
    stdout_bytes: int
    stderr_tail: str


# Runs the command of argv[2:] with its standard output into the file argv[1], then
# reports its wall time and peak RSS as one JSON line. A process exec'd from a big one
# inherits the big one's high-water mark in ru_maxrss (Linux keeps it across exec, and a
# fork or vfork starts from the parent's pages), so the command is started from this
# small interpreter, never from the bench process itself.
CHILD_WRAPPER = """
import json, os, subprocess, sys, time
with open(sys.argv[1], "wb") as out:
    start = time.perf_counter()
    child = subprocess.Popen(sys.argv[2:], stdin=subprocess.DEVNULL, stdout=out)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
print(json.dumps({"rc": os.waitstatus_to_exitcode(status), "wall": wall,
                  "maxrss": usage.ru_maxrss}))
"""


def run_child(argv: list[str], stdout: Path) -> ChildRun:
    """Run `argv` with its standard output written to the file `stdout` (as a user's
    redirection would: no pipe to drain), timed from a small wrapper process, with the
    peak RSS of the command and its descendants alone (`wait4`)."""
    wrapper = subprocess.run([sys.executable, "-c", CHILD_WRAPPER, str(stdout), *argv],
                             stdin=subprocess.DEVNULL, capture_output=True, check=False)
    lines = wrapper.stdout.decode("utf-8", "replace").strip().splitlines()
    tail = wrapper.stderr[-4000:].decode("utf-8", "replace")
    if wrapper.returncode != 0 or not lines:
        raise RuntimeError(f"bench: the wrapper of {argv[:3]} failed: {tail.strip()[-500:]}")
    report = json.loads(lines[-1])
    # ru_maxrss is in KiB on Linux, in bytes on macOS.
    peak = report["maxrss"] * (1 if sys.platform == "darwin" else 1024)
    return ChildRun(report["rc"], report["wall"], peak, stdout.stat().st_size, tail)


def validate_command(directory: Path, repeat: int) -> CommandRuns:
    """`python -m contested validate DIR`, timed from outside, each run in a fresh child."""
    times: list[float] = []
    peaks: list[int] = []
    output = ""
    for _ in range(repeat):
        wrapper = subprocess.run(
            [sys.executable, "-c", RSS_WRAPPER,
             sys.executable, "-m", "contested", "validate", str(directory)],
            capture_output=True, text=True, check=True,
        )
        report = json.loads(wrapper.stdout.strip().splitlines()[-1])
        output = (report["stdout"] + report["stderr"]).strip()
        if report["rc"] != 0:
            sys.exit(f"bench: `contested validate` exited {report['rc']}:\n{output}")
        times.append(report["wall"])
        if report["maxrss"] is not None:
            # ru_maxrss is in KiB on Linux, in bytes on macOS.
            peaks.append(report["maxrss"] * (1 if sys.platform == "darwin" else 1024))
    return CommandRuns(times, max(peaks) if peaks else None, output)


# --- reporting -------------------------------------------------------------------------------

def machine() -> list[str]:
    return [
        f"machine:  {platform.platform()} ({platform.machine()}), {os.cpu_count()} CPUs",
        f"python:   {platform.python_implementation()} {platform.python_version()}",
        f"PyYAML:   {yaml.__version__}, libyaml {'yes' if yaml.__with_libyaml__ else 'NO'}"
        f" (contested uses the C parser: {'yes' if HAVE_LIBYAML else 'NO'})",
        f"contested {contested.__version__}",
    ]


def mib(size: float) -> str:
    return f"{size / 2**20:.1f} MiB"


def check_valid(directory: Path, intended: dict[str, int]) -> LoadResult:
    result = load_catalog([directory])
    if not result.ok:
        shown = "\n".join(d.headline() for d in result.diagnostics[:20])
        sys.exit(f"bench: the generated catalog is NOT valid "
                 f"({len(result.diagnostics)} problems):\n{shown}")
    counts = result.catalog.counts()
    counts["contradictions"] = len(result.catalog.contradictions)
    if counts != intended:
        sys.exit(f"bench: loaded {counts}, generated {intended}")
    return result


def profile(directory: Path, top: int = 25) -> str:
    profiler = cProfile.Profile()
    gc.collect()
    profiler.enable()
    result = load_catalog([directory])
    profiler.disable()
    del result
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else "")
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--claims", type=int, default=30_000)
    parser.add_argument("--sources", type=int, default=200)
    parser.add_argument("--files", type=int, default=8, help="timeline files (besides "
                        "sources.yaml and questions.yaml)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="write the catalog here and keep it (default: a temporary "
                        "directory, deleted at the end)")
    parser.add_argument("--profile", action="store_true",
                        help="also print a cProfile of one load_catalog run")
    args = parser.parse_args(argv)
    if min(args.events, args.claims, args.files, args.repeat) < 1 or args.sources < 2:
        parser.error("need at least 1 event, claim, file and repeat, and 2 sources")

    for line in machine():
        print(line)
    directory = args.keep or Path(tempfile.mkdtemp(prefix="contested-bench-"))
    try:
        directory.mkdir(parents=True, exist_ok=True)
        start = time.perf_counter()
        catalog = generate(args.events, args.claims, args.sources, args.files, args.seed)
        for name, text in catalog.files.items():
            (directory / name).write_text(text, encoding="utf-8")
        paths, _ = discover([directory])
        size = sum(os.path.getsize(p) for p in paths)
        lines = sum(text.count("\n") for text in catalog.files.values())
        print(f"catalog:  {directory}: {len(paths)} files, {size:,} bytes ({mib(size)}), "
              f"{lines:,} lines; generated in {time.perf_counter() - start:.1f} s "
              f"(seed {args.seed})")

        check_valid(directory, catalog.counts)  # also warms up caches and lazy imports
        print("valid:    " + ", ".join(f"{n:,} {k}" for k, n in catalog.counts.items()))
        runs = "1 run" if args.repeat == 1 else f"{args.repeat} runs each"
        print(f"\nwall times, {runs} (seconds):")

        rows = [
            ("a. bare read, GC off (yaml.load, CSafeLoader)",
             timed(lambda: bare_read_gc_off(paths), args.repeat)),
            ("b. bare read, GC on", timed(lambda: bare_read(paths), args.repeat)),
            ("c. validate in process (load_catalog)",
             timed(lambda: load_catalog([directory]), args.repeat)),
        ]
        command = validate_command(directory, args.repeat)
        rows.append(("d. validate end to end (python -m contested validate)",
                     command.times))

        yardstick = min(rows[0][1])
        print(f"  {'':56} {'min':>8} {'median':>8} {'min/a':>7}")
        for label, times in rows:
            print(f"  {label:56} {min(times):8.3f} {statistics.median(times):8.3f} "
                  f"{min(times) / yardstick:6.2f}x")
        if command.peak_rss_bytes is not None:
            print(f"  peak RSS of `contested validate`: {mib(command.peak_rss_bytes)}")
        print(f"  `contested validate` said: {command.last_output.splitlines()[-1]}")

        ratio = min(rows[2][1]) / yardstick
        verdict = "met" if ratio <= TARGET_RATIO else "NOT met"
        print(f"\nvalidate (in process) / bare read (GC off) = {ratio:.2f}x; "
              f"target: at most {TARGET_RATIO:.1f}x -> {verdict}")
        if args.profile:
            print("\ncProfile of one load_catalog run:\n" + profile(directory))
    finally:
        if args.keep is None:
            shutil.rmtree(directory, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
