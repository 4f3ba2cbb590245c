"""Trial 17a #13: a module that is a table alone, set across all its columns (`span_tables`), has
no body frame in its layout record, and `check` judged its rows by columns it guessed from the
glyphs: rows 2 and 3 `off the measure … measure at 220.50` (column 1's right edge), exit 4 for a
correct page. `check` now reads the table's measure from the record's table lines, as it reads a
module's columns from its body frames, and still fails a row that runs past it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "tests" / "pages" / "layout" / "span-table-alone.yaml"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pagesetter", *args], capture_output=True, text=True, timeout=600,
                          cwd=ROOT)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    out = tmp_path_factory.mktemp("span-table-alone")
    return run("build", str(PAGE), "-o", str(out)), out / "span-table-alone.pdf"


def _check(pdf: Path) -> tuple[int, dict]:
    result = run("check", "--json", str(pdf))
    return result.returncode, next(iter(json.loads(result.stdout).values()))


def _record(pdf: pikepdf.Pdf) -> dict:
    return json.loads(pdf.pages[0].obj["/PieceInfo"]["/pagesetter"]["/Private"].read_bytes())


def test_a_correct_spanning_table_passes_check_and_the_build(built) -> None:
    result, pdf = built
    assert result.returncode == 0, result.stderr
    assert "off the measure" not in result.stderr and "ink past the measure" not in result.stderr, result.stderr
    with pikepdf.open(pdf) as doc:
        frames = _record(doc)["frames"]
    # the record as the trial's: the table's lines across the module, no body frame
    block = next(f for f in frames if f["kind"] == "block")
    tables = [f for f in frames if f["kind"] == "table"]
    assert len(tables) >= 5 and not [f for f in frames if f["kind"] == "body"]
    assert all((f["x0"], f["x1"]) == (block["x0"], block["x1"]) for f in tables)
    status, found = _check(pdf)
    assert status == 0, found
    assert found["frames"] and found["off_measure"] == [] and found["ink_past"] == [], found["off_measure"]


def test_a_row_past_the_tables_measure_still_fails(built, tmp_path: Path) -> None:
    """The same page, its record saying the module (so the table's measure) ends 60 pt short of
    where the rows are set: each row then runs past its measure, and check fails it (exit 4)."""
    _, pdf = built
    narrowed = tmp_path / "narrowed.pdf"
    with pikepdf.open(pdf) as doc:
        record = _record(doc)
        for f in record["frames"]:
            if f["kind"] in ("table", "block"):
                f["x1"] = round(f["x1"] - 60, 2)
        doc.pages[0].obj["/PieceInfo"]["/pagesetter"]["/Private"].write(json.dumps(record).encode())
        doc.save(narrowed)
    status, found = _check(narrowed)
    assert status == 4, found
    past = [f for f in found["off_measure"] if "table line" in f["detail"]]
    assert past, found["off_measure"]
    assert any("Antetokounmpo" in f["text"] or "阿德托昆博" in f["text"] for f in past), past
