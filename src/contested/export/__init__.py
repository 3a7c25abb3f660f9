"""Exports: what the engine found, as text for people and files for other tools.

- `markdown`: the report an analyst can send (`to_markdown`);
- `records`: the JSON export (`to_json`: the normalized catalog and the analysis, with a
  format version), its records, which `contested contradictions --json` prints too, and
  the writer of both, which encodes record by record (orjson) and writes a long list
  as it reads it (`json_parts`; on one line with `compact`);
- `csv_export`: one row per claim, for a spreadsheet or pandas (`to_csv`, `csv_parts`);
- `table`: the CLI's table of contradictions, one row per side (`table_parts`);
- `render`: an export in the format asked for, whole or a piece at a time: what
  `contested export` writes as it makes it, never holding the whole text;
- `common`: what the exports share (dates as ISO text, the claims a claim contradicts,
  the pass over every claim that keeps none of them).

A grouped question (docs/timeline-format.md, "Groups") is given as its groups, with
their counts; asked for every pair (`every_pair`, the CLI's `--all`), each format lists
them, written piece by piece so that millions of pairs are never held. Everything from a
timeline file is data: in Markdown it is escaped (a hostile quote cannot become a link or
an image that fetches a URL), and control characters become visible stand-ins in every
format but JSON (where they are escaped).
"""
