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


def test_bench_run_prints_every_figure(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, str(REPO / "bench" / "run.py"), "300", "--keys", "5",
                           "--keep", str(tmp_path / "catalog")], capture_output=True,
                          text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    table = [line for line in done.stdout.splitlines() if line.startswith("| ")]
    names = [line.split(" | ")[0].removeprefix("| ") for line in table]
    for expected in ("bare `yaml.load` (C loader, GC off)",
                     "`contested validate`, cold (empty cache)", "`contested validate`, cached",
                     "`load_catalog`, no cache, one process",
                     "`load_catalog`, empty cache, 2 processes",
                     "warm reload: `load_catalog` from the cache, in this process",
                     "`export --format json` (rendering)",
                     "explorer: launch to first screen, warm cache (tmux 80x24)",
                     "explorer: launch to first screen, empty cache (tmux 80x24)",
                     "explorer: peak RSS after all that (catalog, analysis, screens)"):
        assert expected in names, names
    for pane in ("Timeline", "Claims", "Sources", "Contradictions", "Figures"):
        assert f"explorer 80x24, {pane} pane: CPU per key (j, k; headless)" in names
        assert f"explorer 80x24, {pane} pane: key to repaint, wall (tmux)" in names
    cached = table[names.index("`contested validate`, cached")]
    assert "peak RSS" in cached
    assert "not built" not in done.stdout
