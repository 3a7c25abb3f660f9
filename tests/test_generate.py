"""bench/generate.py writes a catalog that contested accepts, with what a benchmark needs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from contested.catalog.loading import load_catalog
from contested.cli import main
from contested.engine.analysis import analyse
from contested.engine.pairs import by_question, claim_table, find_pairs
from tests.helpers import REPO


def test_the_generated_catalog_is_valid_and_has_contradictions_and_series(
        tmp_path: Path) -> None:
    out = tmp_path / "catalog"
    done = subprocess.run([sys.executable, str(REPO / "bench" / "generate.py"), "400",
                           "--out", str(out)], capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert "400 events, 1,200 claims" in done.stdout
    assert main(["validate", "--no-cache", str(out)]) == 0  # the command says it is valid
    result = load_catalog([out])
    assert result.ok, [d.headline() for d in result.diagnostics[:5]]
    counts = result.catalog.counts()
    assert (counts["events"], counts["claims"], counts["files"]) == (400, 1200, 4)
    analysis = analyse(result.catalog)
    assert len(analysis.contradictions) > 0
    table = claim_table(result.catalog)
    share = float(find_pairs(table, by_question(table)).conflict.mean())
    assert 0.05 < share < 0.2, share  # about a tenth of the pairs compared contradict
    assert len(analysis.series) > 0
    dated = {c.when.text for c in result.catalog.claims.values() if c.when is not None}
    assert any("/" in text for text in dated)  # intervals
    assert any(text.endswith(("~", "?", "%")) for text in dated)  # qualifiers
    again = tmp_path / "again"
    subprocess.run([sys.executable, str(REPO / "bench" / "generate.py"), "400", "--out",
                    str(again)], capture_output=True, timeout=120, check=True)
    assert all((out / p.name).read_bytes() == p.read_bytes() for p in again.iterdir())


def table_of(stdout: str) -> list[list[str]]:
    """The rows of the table run.py prints last, as cells."""
    last = stdout.rsplit("\n\n", maxsplit=1)[-1]
    return [line.removeprefix("| ").removesuffix(" |").split(" | ")
            for line in last.splitlines() if line.startswith("| ")]


def test_bench_run_prints_every_figure_beside_its_floor(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, str(REPO / "bench" / "run.py"), "300", "--keys",
                           "5", "--repeat", "1", "--keep", str(tmp_path / "catalog")],
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    rows = table_of(done.stdout)
    names = [cells[0] for cells in rows]
    assert not [name for name in names if "FAILED" in name], done.stderr[-3000:]
    for start in ("bare `yaml.load` (libyaml C loader, GC off)",
                  "explorer: launch to first screen, empty cache",
                  "`contested validate`, empty cache",
                  "second `contested validate`, end to end",
                  "second `contested contradictions`, end to end",
                  "`contested export --format markdown`", "`contested export --format json`",
                  "`contested export --format csv`",
                  "  floor: bare `orjson.dumps` of the records the JSON export wrote",
                  "  floor: bare `orjson.dumps` of the objects of a bare `yaml.load`",
                  "launch to first screen (tmux 80x24): minimal Textual app",
                  "launch to first screen (tmux 80x24): bundled catalog",
                  "launch to first screen (tmux 80x24): the run's catalog, warm cache",
                  "first search `/drone`",
                  "warm reload: `load_catalog` from the cache",
                  *(f"panes {size}, {pane}: per `j`" for size in ("80x24", "160x50")
                    for pane in ("Timeline", "Claims", "Sources", "Contradictions",
                                 "Figures"))):
        assert any(name.startswith(start) for name in names), (start, names)
    for cells in rows:  # a figure compared with the bare read says with which, and the ratio
        if "(bare read" in cells[2]:
            assert cells[3].endswith("×"), cells
    second = next(cells for cells in rows if cells[0].startswith("second `contested validate`"))
    assert "bare reads before and after" in second[2]
    assert "peak RSS" in second[1]


def test_bench_run_reruns_a_section_alone_and_reports_a_failing_one(tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "events.yaml").write_text("contested: 1\nevents:\n  - id: x\n    date: nope\n",
                                        encoding="utf-8")
    done = subprocess.run([sys.executable, str(REPO / "bench" / "run.py"), "--catalog",
                           str(broken), "--only", "second,engine", "--repeat", "1"],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    names = [cells[0] for cells in table_of(done.stdout)]
    assert names[4:] == ["second: FAILED", "engine: FAILED"], names  # nothing else ran
    assert [p.name for p in broken.iterdir()] == ["events.yaml"]  # only read
