"""A big file's rows prepared in worker processes: the same files, the same problems in
the same order, as when this process prepares them."""

from __future__ import annotations

import contextlib
import csv
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from contested.importers import parallel
from contested.importers.acled import AcledImporter
from contested.importers.csv_mapping import CsvMappingImporter, read_mapping
from contested.importers.parallel import RowByRow
from contested.importers.records import PreparedRow
from contested.importers.ucdp import UcdpImporter
from contested.importers.writer import ImportRefused, MalformedRows, write_import
from tests.helpers import no_hang
from tests.importers import DATA, assert_valid, files_of

Make = Callable[[int], RowByRow]
IMPORTERS: dict[str, tuple[Make, str, str, tuple[str, str]]] = {
    # what makes the importer with N workers; its rows, malformed rows; the id column and
    # a text column
    "acled": (lambda n: AcledImporter(workers=n), "acled-ukraine.csv", "acled-malformed.csv",
              ("event_id_cnty", "notes")),
    "ucdp-ged": (lambda n: UcdpImporter(workers=n), "ucdp-ukraine.csv", "ucdp-malformed.csv",
                 ("id", "source_headline")),
    "csv": (lambda n: CsvMappingImporter(read_mapping(DATA / "sheet-casualties.mapping.yaml"),
                                         workers=n), "sheet-casualties.csv",
            "sheet-malformed.csv", ("Ref", "What happened")),
}


def many_rows(folder: Path, good: str, bad: str, columns: tuple[str, str],
              copies: int) -> Path:
    """`good`'s rows `copies` times under new ids, the malformed rows of `bad` among them,
    and a row again (the same, then changed)."""
    id_column, text_column = columns
    with (DATA / good).open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        header, rows = list(reader.fieldnames or []), list(reader)
    with (DATA / bad).open(newline="", encoding="utf-8") as handle:
        malformed = list(csv.reader(handle))[1:]
    path = folder / f"many-{good}"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for copy in range(copies):
            for row in rows:
                writer.writerow({**row, id_column: f"{row[id_column]}c{copy}"}.values())
            if copy % 7 == 3:
                writer.writerows(malformed)
        again = {**rows[0], id_column: f"{rows[0][id_column]}c0"}
        writer.writerow(again.values())  # the same row in two exports: fine
        writer.writerow({**again, text_column: f"{again[text_column]} changed"}.values())
    return path


def outcome(make: Make, workers: int, path: Path, folder: Path,
            skip: bool) -> tuple[list[str], dict[str, bytes]]:
    """The problems an import lists, and the files it writes."""
    importer = make(workers)
    try:
        report = write_import(folder, importer.dataset, importer.rows(path),
                              skip_malformed=skip)
    except MalformedRows as malformed:
        return [str(p) for p in malformed.problems], {}
    return [str(p) for p in report.skipped], files_of(folder)


@pytest.mark.parametrize("name", sorted(IMPORTERS))
def test_workers_write_the_same_bytes_and_list_the_same_problems(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
        name: str) -> None:
    monkeypatch.setattr(parallel, "BATCH_ROWS", 7)  # many batches, few rows each
    make, good, bad, columns = IMPORTERS[name]
    path = many_rows(tmp_path, good, bad, columns, copies=40)
    assert any(isinstance(r, PreparedRow) for r in make(2).rows(path))  # workers ran
    for skip in (False, True):
        one = outcome(make, 1, path, tmp_path / f"one-{skip}", skip)
        two = outcome(make, 2, path, tmp_path / f"two-{skip}", skip)
        assert one[0], "the file has malformed rows"
        assert "as the row at" in "\n".join(one[0])  # the row id given twice
        assert two == one
    assert_valid(capsys, tmp_path / "two-True")


def test_a_file_too_small_for_workers_is_read_here(tmp_path: Path) -> None:
    path = many_rows(tmp_path, "acled-ukraine.csv", "acled-malformed.csv",
                     ("event_id_cnty", "notes"), 2)
    assert parallel.worker_count(None, path) == 1
    assert not any(isinstance(r, PreparedRow) for r in AcledImporter().rows(path))


def test_bytes_that_are_not_utf8_late_in_a_big_file_stop_the_import_as_in_one_process(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(parallel, "BATCH_ROWS", 7)
    path = many_rows(tmp_path, "acled-ukraine.csv", "acled-malformed.csv",
                     ("event_id_cnty", "notes"), 40)
    data = path.read_bytes()
    late = data.rindex(b"Berdychi")
    path.write_bytes(data[:late] + b"Berdych\xef" + data[late + len(b"Berdychi"):])
    messages = []
    for workers in (1, 2):
        importer = AcledImporter(workers=workers)
        with pytest.raises(ImportRefused) as refused:
            write_import(tmp_path / "out", importer.dataset, importer.rows(path))
        messages.append(str(refused.value))
        assert not (tmp_path / "out").exists()
    assert "the file is not UTF-8 (byte 0xEF" in messages[0]
    assert messages[1] == messages[0]


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads /proc for children")
def test_ctrl_c_stops_the_workers_quietly_and_writes_nothing(tmp_path: Path) -> None:
    path = many_rows(tmp_path, "acled-ukraine.csv", "acled-malformed.csv",
                     ("event_id_cnty", "notes"), 3000)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "contested", "import", "acled", str(path), "-o", str(out),
               "--skip-malformed"]
    environment = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, start_new_session=True, env=environment)
    try:
        with no_hang("the import's workers never started"):
            while not _children(process.pid) and process.poll() is None:
                time.sleep(0.005)
        os.killpg(process.pid, signal.SIGINT)  # as Ctrl-C: the whole process group
        with no_hang("the import did not stop on Ctrl-C"):
            _, err = process.communicate()
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # whatever is left, if the test failed
        process.wait()
    assert process.returncode == 130, err
    assert err == ""  # no worker's traceback
    assert not out.exists()


def _children(pid: int) -> list[str]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        with contextlib.suppress(OSError):
            found += task.read_text().split()
    return found
