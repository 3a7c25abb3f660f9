"""The CLI's table of contradictions (`contested contradictions`): grouped by question,
one row per side of each contradiction, cut to the terminal's width.

A grouped question (docs/timeline-format.md, "Groups") is given as its groups, with
their counts; asked for every pair (`every_pair`, the CLI's `--all`), their pairs are
written as they are read (`table_parts`), so that millions of pairs are never held.
Everything from a timeline file is data: control characters become visible stand-ins.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence

from contested.catalog.catalog import Catalog
from contested.engine.analysis import Analysis
from contested.engine.contradictions import Contradiction, ContradictionGroup, Listed
from contested.engine.rules import LISTED_PER_QUESTION
from contested.format.model import Claim
from contested.present.browse import group_text
from contested.present.filters import pairs_in
from contested.present.wording import date_text, value_text
from contested.support.text import fit, pad, printable
from contested.support.text import width as cell_width


def side_label(catalog: Catalog, claim: Claim) -> str:
    """`Zombie [russia]`: names and sides of a claim's sources, so that the side is
    readable without colour."""
    labels = []
    for source_id in claim.source:
        source = catalog.sources.get(source_id)
        labels.append(f"{source.name} [{source.side}]" if source else source_id)
    return ", ".join(labels)


def contradictions_table(analysis: Analysis, found: Iterable[Listed],
                         width: int | None = None, per_question: int | None = 20,
                         every_pair: bool = False) -> str:
    """A table grouped by question, one row per side of each contradiction. With
    `width`, cells are cut to fit; questions with more than `per_question`
    contradictions are summarised after that many. A group is one line (what it sets
    against what, and how many pairs), followed by its pairs with `every_pair`."""
    return "".join(table_parts(analysis, found, width, per_question, every_pair))


def table_parts(analysis: Analysis, found: Iterable[Listed], width: int | None = None,
                per_question: int | None = 20, every_pair: bool = False, *,
                keep: Callable[[Contradiction], bool] | None = None) -> Iterator[str]:
    """`contradictions_table`, a line at a time (a group's pairs are read as written,
    those `keep` keeps; the columns' widths come from the pairs listed and each group's
    first page)."""
    catalog = analysis.catalog
    header = ("RULE", "SOURCE [SIDE]", "VALUE", "DATE", "CLAIM")
    groups: dict[str | None, list[Listed]] = {}
    for item in found:
        groups.setdefault(item.question, []).append(item)
    if not groups:
        yield "no contradictions\n"
        return

    def rows_of(item: Contradiction) -> list[tuple[str, ...]]:
        rows: list[tuple[str, ...]] = []
        for position, claim_id in enumerate(item.claims):
            claim = catalog.claims.get(claim_id)
            if claim is None:
                continue
            rows.append(("+".join(item.rules) if position == 0 else "",
                         side_label(catalog, claim), value_text(catalog, claim),
                         date_text(claim.when), claim.id))
        return rows

    blocks: list[tuple[str, list[Listed], int]] = []
    every_row: list[tuple[str, ...]] = [header]
    for question_id, items in groups.items():
        question = catalog.questions.get(question_id or "")
        title = (f"{question_id}: {question.text}" if question
                 else "across questions (declared by the analyst)")
        held = [item for item in items if isinstance(item, Contradiction)]
        hidden = 0 if per_question is None else max(len(held) - per_question, 0)
        shown = set(map(id, held if per_question is None else held[:per_question]))
        entries = [item for item in items
                   if isinstance(item, ContradictionGroup) or id(item) in shown]
        for item in entries:
            sample = item.page(0) if isinstance(item, ContradictionGroup) and every_pair \
                else [item] if isinstance(item, Contradiction) else []
            for pair in sample:
                every_row += rows_of(pair)
        blocks.append((title, entries, hidden))
    every_row = [tuple(printable(cell) for cell in row) for row in every_row]
    widths = [max(cell_width(row[i]) for row in every_row) for i in range(len(header))]
    columns = len(header)
    if width is not None:
        # Too wide: cut claim ids, sources and values down to a floor each; if that is
        # not enough, drop the claim ids and cut again.
        for _ in range(2):
            spare = width - 2 - sum(widths[:columns]) - 2 * (columns - 1)
            for column, floor in ((4, 16), (1, 24), (2, 14), (1, 12)):
                if column < columns:
                    cut = max(min(-spare, widths[column] - floor), 0)
                    widths[column] -= cut
                    spare += cut
            if spare >= 0:
                break
            columns -= 1
            widths = [max(cell_width(row[i]) for row in every_row)
                      for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        text = "  ".join(pad(fit(printable(c), widths[i]), widths[i])
                         for i, c in enumerate(cells[:columns]))
        return ("  " + text).rstrip()

    def free(text: str) -> str:
        return fit(text, width) if width is not None else text

    grouped = [item for items in groups.values() for item in items
               if isinstance(item, ContradictionGroup)]
    for title, entries, hidden in blocks:
        heading = printable(title)
        yield (fit(heading, width) if width is not None else heading) + "\n"
        if every_pair or any(isinstance(item, Contradiction) for item in entries):
            yield line(header) + "\n"
        first = True
        for item in entries:
            pairs: Iterable[Contradiction] = [item] if isinstance(item, Contradiction) else []
            if isinstance(item, ContradictionGroup):
                yield ("" if first else "\n") + free(printable(
                    f"  {item.rule} group: {group_text(catalog, item)}")) + "\n"
                first = False
                pairs = item.pairs if every_pair else []
            for pair in pairs:
                if keep is not None and isinstance(item, ContradictionGroup) \
                        and not keep(pair):
                    continue
                if not first:
                    yield "\n"
                first = False
                yield "".join(line(row) + "\n" for row in rows_of(pair))
        if hidden:
            yield f"  … and {hidden} more: use --all to list them\n"
        if not every_pair and any(isinstance(item, ContradictionGroup) for item in entries):
            yield free(f"  (more than {LISTED_PER_QUESTION:,} contradictions: shown in "
                       "groups; --all lists their pairs)") + "\n"
        yield "\n"
    total = pairs_in(item for items in groups.values() for item in items)
    in_groups = pairs_in(grouped)
    yield f"{total:,} contradiction{'s' * (total != 1)}" + (
        f" ({in_groups:,} in {len(grouped)} group{'s' * (len(grouped) != 1)})"
        if grouped else "") + "\n"
