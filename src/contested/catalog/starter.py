"""`contested new`: a starter catalog to edit instead of an empty file.

A new analyst learns the format fastest from a catalog that already works: every kind of
claim and value form, dates as the format writes them, a document whose archived copy its
quotes are checked against, and comments that say what each part is for. It validates as
written (no error, no warning), so whatever `validate` reports after an edit comes from
the edit. The story is invented (Examplestan, Samplia, Fictown), so nobody mistakes the
example for a record of real events.

It never overwrites: if any file it would write is there already, nothing is written.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
from pathlib import Path

from contested.errors import FileRefused
from contested.format.model import json_schema
from contested.support.files import create_new, kind_of

SCHEMA_FILE = "contested.schema.json"
SOURCES_FILE = "sources.yaml"
TIMELINE_FILE = "timeline.yaml"
ARCHIVE_FILE = "archive/gazette-fictown-bridge.txt"
SCHEMA_LINE = f"# yaml-language-server: $schema={SCHEMA_FILE}\n"
"""The first line of each YAML file: editors with yaml-language-server complete and check
the file against the schema written beside it, offline."""

_HASH = "{sha256 of the archived copy}"
"""Where the archived copy's hash goes in `SOURCES`: computed from `ARTICLE` when written,
so the two never drift apart."""

ARTICLE = """\
THE EXAMPLE GAZETTE, 14 May 2024

Fictown bridge destroyed; Examplestan and Samplia trade blame

[An invented article, written for the starter catalog of contested. Examplestan,
Samplia, Fictown, the Sample River and everyone quoted here are made up.]

FICTOWN (Examplestan) - The only road bridge over the Sample River at Fictown
collapsed on Sunday after a series of explosions, leaving the town cut off from
the south bank.

Examplestan's Ministry of Defence and the Fictown town council said the bridge
was destroyed by a Samplian missile strike. The ministry said about 40 people
were wounded; the council put the figure at no more than 50.

The Samplian army denied any strike in the area. In a statement it said the
bridge was blown up by Examplestan's own engineers to slow the Samplian advance,
and that fewer than 10 people were hurt.

"I heard three blasts, one after the other, and then the middle span was in the
river," a Fictown resident told the Gazette. He said more than 20 people had
been taken to hospital from his street alone.

The Gazette counted 38 wounded in the town's hospital on Sunday night.

Samplian troops have advanced towards the Sample River since March. The ferry
stopped running about a month before the bridge fell, and the bridge had been
the last way across.
"""
"""The archived copy of the starter's one document: every quote of the starter is in it."""

SOURCES = SCHEMA_LINE + f"""\
contested: 1                  # the format's version: required in every file
# A starter catalog written by `contested new`. Everything in it is invented:
# Examplestan, Samplia, Fictown, the Example Gazette and every person and figure.
# Edit it, or copy its patterns into files of your own.
#
# A catalog is every *.yaml file of a folder, read together: an id declared in one
# file can be used in any other. This file holds the sources and the documents,
# which every timeline of the catalog shares; timeline.yaml holds the rest.
# Every section is optional. `contested validate .` checks the whole catalog and
# says where each problem is (file:line:column).

sources:                      # who says things
  - id: example-gazette       # letters, digits, - _ . ; unique among sources
    name: The Example Gazette
    aliases: [Gazette, TEG]   # other names: search and the --source filter use them
    kind: media               # state-media | media | news-agency | government | military |
                              # military-blog | analyst | eyewitness | social-media | ngo | other
    side: neutral             # a free label to group by; neutral and unknown are reserved
    reliability: B            # Admiralty grade of the source, A (reliable) to F (cannot be
                              # judged, the default)
    url: https://example.org/gazette   # shown, never fetched
    note: >-
      A daily paper of Fictown (invented). Its reporters count the wounded
      themselves; it relays what the ministries and the army say.

  - id: example-wire
    name: Example Wire
    kind: news-agency
    side: neutral
    reliability: B
    note: A news agency with its own figures, not taken from the Gazette.

  - id: examplestan-mod
    name: Examplestan Ministry of Defence
    aliases: [Examplestan MoD]
    kind: government
    side: examplestan
    reliability: C
    note: A party to the conflict, speaking of an attack on its own territory.

  - id: fictown-council
    name: Fictown town council
    kind: government
    side: examplestan
    reliability: D

  - id: samplian-army
    name: Samplian army
    kind: military
    side: samplia
    reliability: D
    note: A party to the conflict, accused of the strike it denies.

  - id: river-watch
    name: River Watch
    kind: ngo
    side: neutral
    reliability: B
    note: An aid group that counts the wounded in the hospitals of the river towns.

  - id: fictown-resident
    name: A Fictown resident
    kind: eyewitness
    side: unknown
    # reliability left out: F, an eyewitness the analyst cannot judge

documents:                    # what sources published, each with a local copy
  # Keep a plain-text (UTF-8) copy of each document beside the catalog, so that
  # `validate` can check, offline, that every claim's `quote` is in it. To archive one:
  # save its text as a .txt file under archive/, give its path in `archived:`
  # (relative to this file), and write its hash in `sha256:`, as printed by
  #     sha256sum archive/gazette-fictown-bridge.txt
  # If the copy changes, validate reports an error until the new hash is written here.
  - id: gazette-fictown-bridge
    title: Fictown bridge destroyed; Examplestan and Samplia trade blame
    url: https://example.org/gazette/fictown-bridge
    published: 2024-05-14     # a date, written as in timeline.yaml
    archived: {ARCHIVE_FILE}
    sha256: {_HASH}
    note: The Example Gazette's article (invented), read on the day it appeared.
"""
"""The shared file: the sources and the document (its hash filled in when written)."""

TIMELINE = SCHEMA_LINE + """\
contested: 1
# One timeline of the starter catalog (the sources and the document are in
# sources.yaml). Everything in it is invented: Examplestan, Samplia, Fictown.
#
# Dates are written as the sources allow, never more precise than they are:
#   2024 / 2024-05 / 2024-05-12   a year, a month, a day
#   2024-04~                      about: widened by one unit on each side (Mar..May)
#   2024-05-12?                   uncertain (inferred): the same days, flagged
#   2024-05-12%                   about and uncertain
#   2024-05-XX                    a day not given: the whole month
#   2024-03/2024-05-12            from .. to; either end may be fuzzy, `..` leaves one open
# An inferred date says in `note` how it was placed.

timeline:                     # the header: at most one per file, optional
  id: fictown-bridge
  title: The Fictown bridge collapse (an invented example)
  period: 2024-03/2024-05-14
  summary: >-
    The only road bridge of Fictown collapses after explosions. Examplestan
    blames a Samplian missile strike; Samplia says Examplestan's engineers blew
    it up, and the figures of the wounded run from fewer than 10 to about 40.
  tags: [fictown, bridge, example]
  note: >-
    From the Samplian advance "since March" to the Gazette's article of
    14 May 2024.

questions:                    # what claims answer; contradictions are found per question
  - id: bridge-cause
    text: What destroyed the Fictown bridge?
    kind: category            # answered by a word...
    values: [missile-strike, demolition]   # ...one of these, if the list is given

  - id: bridge-wounded
    text: Number of people wounded when the Fictown bridge collapsed
    kind: quantity            # answered by a figure or a range
    unit: people
    tolerance: 0.1            # figures within 10% of each other agree (default 0.05)

events:                       # what happened, when and where
  - id: bridge-collapse
    date: 2024-05-12?
    title: The road bridge over the Sample River at Fictown collapses
    place: Fictown, Examplestan
    tags: [bridge]
    note: >-
      The article, dated Tuesday 14 May 2024, says "on Sunday": 12 May,
      inferred, hence the `?`.

  - id: ferry-stops
    date: 2024-04~
    title: The Fictown ferry stops running
    place: Fictown, Examplestan
    note: >-
      "About a month before the bridge fell": April 2024, approximately,
      hence the `~` (March to May).

  - id: samplian-advance
    date: 2024-03/2024-05-12?
    title: Samplian troops advance towards the Sample River
    place: south of Fictown
    note: >-
      "Since March", until the collapse (12 May, inferred from "on Sunday").

claims:                       # who said what, about which question, when
  # A category answer, from two sources at once and relayed by the Gazette.
  - id: mod-missile-strike
    source: [examplestan-mod, fictown-council]   # one id, or several who said it together
    via: [example-gazette]    # who relayed it to us, nearest first
    event: bridge-collapse
    said: 2024-05-12?/2024-05-14
    text: A Samplian missile strike destroyed the bridge.   # the analyst's paraphrase
    document: gazette-fictown-bridge   # the document the quote is from
    quote: the bridge was destroyed by a Samplian missile strike   # verbatim from it
    about: bridge-cause       # the question it answers...
    value: missile-strike     # ...and its answer
    credibility: 3            # Admiralty grade of the information, 1 (confirmed by
                              # independent sources) to 6 (cannot be judged, the default)
    note: >-
      Said between the collapse and the article, which does not say when:
      an interval.

  - id: samplian-army-demolition
    source: samplian-army
    via: [example-gazette]
    event: bridge-collapse
    said: 2024-05-12?/2024-05-14
    text: Examplestan's own engineers blew up the bridge to slow the Samplian advance.
    document: gazette-fictown-bridge
    quote: >-
      bridge was blown up by Examplestan's own engineers to slow the Samplian advance
    about: bridge-cause
    value: demolition         # against missile-strike at the same date: a contradiction
    credibility: 4
    disputes: [mod-missile-strike]   # claims this one rejects
    note: Said between the collapse and the article, which does not say when.

  - id: samplian-army-no-strike
    source: samplian-army
    via: [example-gazette]
    event: bridge-collapse
    said: 2024-05-12?/2024-05-14
    text: The Samplian army carried out no strike in the Fictown area.
    document: gazette-fictown-bridge
    quote: The Samplian army denied any strike in the area
    note: Answers no question, so only a declared contradiction can oppose it (below).

  - id: resident-three-blasts
    source: fictown-resident
    via: [example-gazette]
    event: bridge-collapse
    said: 2024-05-12?/2024-05-14
    text: A resident heard three blasts before the middle span fell into the river.
    document: gazette-fictown-bridge
    quote: >-
      I heard three blasts, one after the other, and then the middle span was in
      the river
    note: When he spoke to the Gazette is not given.

  # Figures: each value form once. As the claims below share the event's date,
  # those whose figures cannot both hold contradict each other.
  - id: gazette-wounded-38
    source: example-gazette
    event: bridge-collapse
    said: 2024-05-14
    text: The Gazette counted 38 wounded in the town's hospital on Sunday night.
    document: gazette-fictown-bridge
    quote: The Gazette counted 38 wounded in the town's hospital on Sunday night
    about: bridge-wounded
    value: 38                 # an exact figure
    unit: people              # optional; if given, the question's unit
    as_of: 2024-05-12?        # when the figure holds (default: the event's date, else said)
    credibility: 2
    supports: [mod-wounded-about-40]   # claims this one bears out
    note: >-
      "On Sunday night", in the article of Tuesday 14 May: 12 May, inferred.

  - id: mod-wounded-about-40
    source: examplestan-mod
    via: [example-gazette]
    event: bridge-collapse
    said: 2024-05-12?/2024-05-14
    text: The ministry said about 40 people were wounded.
    document: gazette-fictown-bridge
    quote: The ministry said about 40 people were wounded
    about: bridge-wounded
    value: {about: 40}        # 40 give or take 10% (or the tolerance, if larger)
    credibility: 3
    note: Said between the collapse and the article, which does not say when.

  - id: council-at-most-50
    source: fictown-council
    via: [example-gazette]
    event: bridge-collapse
    said: 2024-05-12?/2024-05-14
    text: The town council put the number of wounded at no more than 50.
    document: gazette-fictown-bridge
    quote: the council put the figure at no more than 50
    about: bridge-wounded
    value: {at_most: 50}      # 50 or fewer
    credibility: 3
    note: Said between the collapse and the article, which does not say when.

  - id: resident-more-than-20
    source: fictown-resident
    via: [example-gazette]
    event: bridge-collapse
    said: 2024-05-12?/2024-05-14
    text: More than 20 people were taken to hospital from the resident's street alone.
    document: gazette-fictown-bridge
    quote: more than 20 people had been taken to hospital from his street alone
    about: bridge-wounded
    value: {more_than: 20}    # over 20, not 20 itself
    credibility: 4
    note: >-
      His street alone, so more than 20 wounded in all. When he spoke is not
      given.

  - id: samplian-army-fewer-than-10
    source: samplian-army
    via: [example-gazette]
    event: bridge-collapse
    said: 2024-05-12?/2024-05-14
    text: The Samplian army said fewer than 10 people were hurt.
    document: gazette-fictown-bridge
    quote: fewer than 10 people were hurt
    about: bridge-wounded
    value: {less_than: 10}    # under 10, not 10 itself
    credibility: 5            # improbable: the hospital count says otherwise
    note: Said between the collapse and the article, which does not say when.

  - id: river-watch-at-least-12
    source: river-watch       # the aid group's own bulletin: no relay, no quote
    event: bridge-collapse
    said: 2024-05-XX
    text: River Watch counted at least 12 wounded in the hospital on Sunday evening.
    about: bridge-wounded
    value: {at_least: 12}     # 12 or more ("dozens" is often written so)
    credibility: 1            # confirmed: the Gazette counted 38, independently
    note: The bulletin gives the month but not the day, hence XX.

  - id: wire-wounded-30-to-60
    source: example-wire
    event: bridge-collapse
    said: 2024-05-13
    text: Example Wire estimated between 30 and 60 wounded, most likely 45.
    about: bridge-wounded
    value: {between: [30, 60], best: 45}   # a range; best is the figure to plot
    credibility: 3

  # Claims that answer no question: what the Gazette reports of the background.
  - id: gazette-samplian-advance
    source: example-gazette
    event: samplian-advance
    said: 2024-05-14
    text: Samplian troops have advanced towards the Sample River since March.
    document: gazette-fictown-bridge
    quote: Samplian troops have advanced towards the Sample River since March
    credibility: 3

  - id: gazette-ferry-stopped
    source: example-gazette
    event: ferry-stops
    said: 2024-05-14
    text: The ferry stopped running about a month before the bridge fell.
    document: gazette-fictown-bridge
    quote: The ferry stopped running about a month before the bridge fell
    credibility: 3

contradictions:               # declared by the analyst, for what no rule can see
  - id: no-strike-vs-missile-strike
    claims: [samplian-army-no-strike, mod-missile-strike]
    note: >-
      A denial of any strike in the area cannot stand with a missile strike on
      the bridge; the denial answers no question, so no rule compares the two.
"""
"""The timeline: questions, events, claims of every kind and value form, and a declared
contradiction."""


class StarterRefused(FileRefused):
    """A starter catalog that was not written, and nothing of it: `existing` names what
    was in the way (empty when the folder itself could not be made or written)."""

    def __init__(self, message: str, existing: list[Path] | None = None) -> None:
        super().__init__(message)
        self.existing = existing or []


def schema_text() -> str:
    """The JSON Schema as `contested schema` prints it."""
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


def starter_files() -> dict[str, bytes]:
    """Each file of the starter, by its path in the folder (`/`-separated), as written."""
    article = ARTICLE.encode("utf-8")
    sources = SOURCES.replace(_HASH, hashlib.sha256(article).hexdigest())
    return {
        SOURCES_FILE: sources.encode("utf-8"),
        TIMELINE_FILE: TIMELINE.encode("utf-8"),
        ARCHIVE_FILE: article,
        SCHEMA_FILE: schema_text().encode("utf-8"),
    }


def write_starter(folder: Path) -> list[Path]:
    """Write the starter catalog in `folder` (made, with its parents, if missing) and
    return the files written. Raises `StarterRefused`, having written nothing, if any of
    them is there already or `folder` is not a folder; OSError, having written nothing,
    if the folder cannot be made or written."""
    files = starter_files()
    _check_folder(folder)
    existing = _in_the_way(folder, files)
    if existing:
        raise _exists(folder, existing)
    made: list[Path] = []  # the folders made, outermost first
    written: list[Path] = []
    try:
        for name, data in files.items():
            target = folder / name
            _make_folders(target.parent, made)
            create_new(target, data)  # exclusive: a file made meanwhile is never replaced
            written.append(target)
    except BaseException as error:
        for path in reversed(written):
            with contextlib.suppress(OSError):
                path.unlink()
        for parent in reversed(made):
            with contextlib.suppress(OSError):
                parent.rmdir()  # only if left empty
        if isinstance(error, FileExistsError):  # made by someone else meanwhile
            raise _exists(folder, _in_the_way(folder, files)) from None
        raise
    return written


def _exists(folder: Path, existing: list[Path]) -> StarterRefused:
    listed = ", ".join(str(path) for path in existing) or "a file made meanwhile"
    return StarterRefused(f"no starter catalog was written in {folder}: {listed} "
                          "exist already", existing)


def _make_folders(folder: Path, made: list[Path]) -> None:
    """Make `folder` and its missing parents, noting in `made` each one made."""
    for parent in reversed([folder, *folder.parents]):
        if parent.is_dir():
            continue
        try:
            parent.mkdir()
        except FileExistsError:
            if not parent.is_dir():
                raise
            continue
        made.append(parent)


def _check_folder(folder: Path) -> None:
    """Refuse a `folder` that is there but is not a folder (a file, a FIFO, a device)."""
    if not os.path.lexists(folder):
        return
    try:
        info = folder.stat()
    except OSError as error:  # a dangling link, a loop
        raise StarterRefused(f"{folder} cannot be used as a folder: "
                             f"{error.strerror or error}") from None
    if not stat.S_ISDIR(info.st_mode):
        raise StarterRefused(f"{folder} is {kind_of(info.st_mode)}, not a folder")


def _in_the_way(folder: Path, files: dict[str, bytes]) -> list[Path]:
    """What is already where the starter would write: its files, and anything but a
    folder where one of its folders goes."""
    found: list[Path] = []
    for name in files:
        target = folder / name
        for parent in reversed(Path(name).parents[:-1]):  # archive/ for archive/x.txt
            place = folder / parent
            if os.path.lexists(place) and not place.is_dir() and place not in found:
                found.append(place)
        if os.path.lexists(target):
            found.append(target)
    return found
