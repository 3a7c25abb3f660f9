"""What reading a catalog's YAML costs, reader by reader, as ratios to the bare libyaml
read of the same files: where contested's cold load stands, and a measured prototype of
what a load under half the bare read would take.

Run: `python bench/readers.py DIR [--repeat 3]` (DIR: a folder of timeline files, such
as one written by `bench/run.py --keep DIR`). Times are CPU seconds of this process,
best of `--repeat`, with the garbage collector off for every reader alike.

Rows:
- the floor: `yaml.load(..., Loader=yaml.CSafeLoader)`;
- libyaml's events alone (`CParser.get_event` until the end, nothing built): the least
  any reader built on PyYAML's C parser can cost, contested's included;
- contested's guarded reader (`read_yaml`: every limit, every place, scalars as text);
- contested's whole parse of a file (`parse_timeline`: the reader and the models);
- the prototype, when rapidyaml is installed (`pip install -e '.[bench]'`): rapidyaml's
  parse, its JSON emitter, bare numbers quoted back to text as written, and orjson's
  decoder: plain data in C end to end. It has no places, leaves aliases as `*name`,
  and does not see duplicate keys: a fast path built on it would have to find places
  on demand (only for the entities a message is about) and check the rest, falling
  back to the guarded reader for any file it cannot vouch for;
- yaml_rs's `loads`, when installed: typed scalars (`0123` is 123), no places.
"""

from __future__ import annotations

import argparse
import gc
import json
import re
import resource
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from yaml._yaml import CParser

from contested.catalog.parse import parse_timeline
from contested.format.guarded_yaml import read_yaml

_BARE_VALUE = re.compile(rb": (-?[0-9][0-9.eE+-]*)(?=[,\n\]}])")
_BARE_ITEM = re.compile(rb"([\[,])(-?[0-9][0-9.eE+-]*)(?=[,\]])")
"""A number rapidyaml's JSON leaves bare (`1.10`) is quoted back, so that it stays the
text it was written as. (A prototype's shortcut: text such as `a: 5,` inside a string
would be quoted too; a real reader would have the emitter quote every scalar. The run
checks that the prototype's data equals the guarded reader's.)"""


def cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_SELF)
    return used.ru_utime + used.ru_stime


def best(run: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = cpu()
        run()
        times.append(cpu() - start)
    return min(times)


def events_only(datas: list[bytes]) -> None:
    for data in datas:
        next_event = CParser(data).get_event
        while next_event() is not None:
            pass


def prototype(datas: list[bytes]) -> list[Any]:
    """rapidyaml → JSON → orjson, numbers kept as written (see the module's docstring
    for what it does not do)."""
    import orjson
    import ryml  # type: ignore[import-not-found, import-untyped, unused-ignore]

    found = []
    for data in datas:
        tree = ryml.parse_in_arena(data)
        emitted = ryml.emit_json_malloc(tree, tree.root_id()).encode("utf-8")
        emitted = _BARE_ITEM.sub(rb'\1"\2"', _BARE_VALUE.sub(rb': "\1"', emitted))
        found.append(orjson.loads(emitted))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else "")
    parser.add_argument("folder", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    paths = sorted(p for p in args.folder.iterdir() if p.suffix in (".yaml", ".yml"))
    datas = [p.read_bytes() for p in paths]
    print(f"{len(paths)} files, {sum(map(len, datas)) / 2**20:.1f} MiB in {args.folder}")
    gc.disable()
    floor = best(lambda: [yaml.load(d, Loader=yaml.CSafeLoader) for d in datas], args.repeat)
    rows: list[tuple[str, float | None]] = [
        ("bare yaml.load, CSafeLoader (the floor)", floor),
        ("libyaml's events alone (CParser.get_event)", best(lambda: events_only(datas),
                                                            args.repeat)),
        ("contested's guarded reader (read_yaml)",
         best(lambda: [read_yaml(d, str(p)) for d, p in zip(datas, paths, strict=True)],
              args.repeat)),
        ("contested's parse of a file (reader + models)",
         best(lambda: [parse_timeline(d, str(p)) for d, p in zip(datas, paths, strict=True)],
              args.repeat)),
    ]
    try:
        same = prototype(datas) == [json.loads(json.dumps(read_yaml(d, str(p))))
                                    for d, p in zip(datas, paths, strict=True)]
        rows.append((f"prototype: rapidyaml + its JSON + orjson (no places; "
                     f"{'same data' if same else 'NOT the same data'})",
                     best(lambda: prototype(datas), args.repeat)))
    except ImportError:
        rows.append(("prototype: rapidyaml not installed (pip install -e '.[bench]')", None))
    try:
        import yaml_rs  # type: ignore[import-not-found, import-untyped, unused-ignore]

        texts = [d.decode("utf-8") for d in datas]
        rows.append(("yaml_rs.loads (typed scalars, no places)",
                     best(lambda: [yaml_rs.loads(t) for t in texts], args.repeat)))
    except ImportError:
        rows.append(("yaml_rs not installed", None))
    width = max(len(name) for name, _ in rows)
    for name, seconds in rows:
        shown = "" if seconds is None else f"{seconds:7.3f} s  {seconds / floor:5.3f}x"
        print(f"{name:<{width}}  {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
