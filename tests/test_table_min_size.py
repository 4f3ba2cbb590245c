"""A table too wide for its column even at its style's min_size says what a desk can act on (trial
17 #4): a 20-row 积分榜 of eight columns, 六号 with min_size 6 pt, in a 1-column module. The error
named all 21 cells of the team column, the header 球队 (two characters) among them, each to lose 13
characters; the cause (the seven other columns and their gaps leave the team column about one em)
was not said. It says now what each column takes (its widest cell), how far too wide the table is,
what the rest leave the widest column, and the choices: fewer columns, a module of more columns with
span_tables, a wider column; naming at most a few cells. Doing as it says makes the table fit.
Test page: tests/pages/layout/table-min-size.yaml (the trial's repro)."""

from __future__ import annotations

import re
import subprocess
from dataclasses import replace
from pathlib import Path

from pagesetter.build import load_inputs
from pagesetter.flow import tables
from pagesetter.fonts.face import FaceSet
from pagesetter.proof.readback import read_chars
from conftest import with_last_entry_key
from tests.test_tables_span import _build, _written  # one spec writer and build for table pages

ROOT = Path(__file__).resolve().parents[1]
PAGES = ROOT / "tests" / "pages"
PAGE = PAGES / "layout" / "table-min-size.yaml"
MEASURE = 117.0  # 13字 of 小五 (9 pt): the page's column
NAMED = 3  # "a few": cells the error may name


def _spec(tmp_path: Path, cols: int, span: bool) -> Path:
    """The test page's spec in ``tmp_path``, the module ``cols`` columns wide, span_tables as asked."""
    text = PAGE.read_text(encoding="utf-8")
    text = text.replace("../../../", f"{ROOT}/").replace("../content/", f"{PAGES}/content/")
    text = text.replace("block: {col: 1, cols: 1,", f"block: {{col: 1, cols: {cols},")
    if span:
        text = with_last_entry_key(text, "    span_tables: true\n")
    return _written(tmp_path, text)


def _error(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 1, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    return lines[0]


def _columns() -> tuple[list[str], list[float]]:
    """The table's headers and each column's width at 6 pt (its widest cell, the header in the lead's
    face), measured here from the fonts, not taken from the message."""
    spec, manifest, articles, _ = load_inputs(PAGE)
    para = next(p for p in articles["standings"].paragraphs if p.table is not None)
    style, lead = spec.styles["table"], spec.styles["lead"]
    faces = FaceSet(manifest)
    rows = para.table.cells(para.spans)
    widths = [0.0] * para.table.columns
    for k, row in enumerate(rows):
        for j, span in enumerate(row):
            cell = tables._cell(span.text, replace(lead if k == 0 else style, size=6.0), faces, [])
            widths[j] = max(widths[j], cell.natural if cell is not None else 0.0)
    return [span.text.strip() for span in rows[0]], widths


def test_the_error_says_what_takes_the_width_and_names_few_cells(tmp_path: Path) -> None:
    line = _error(_build(PAGE, tmp_path))
    assert "tests/pages/content/table-min-size/standings.md:" in line and "does not fit the column" in line, line
    headers, widths = _columns()
    need = sum(widths) + 6.0 * (len(widths) - 1)
    assert f"it needs {need:.1f} pt" in line and "min_size 6 pt" in line, line
    assert f"{need - MEASURE:.1f} pt too wide" in line, line
    # each column with what it takes, and the gaps
    for header, width in zip(headers, widths):
        assert re.search(rf"(?<![^\s(,:]){re.escape(header)} {width:.1f}", line), (header, width, line)
    assert f"{len(widths) - 1} gaps of one em ({6.0 * (len(widths) - 1):.1f} pt)" in line, line
    # the cause: what the other columns and the gaps leave the widest one
    wide = max(range(len(widths)), key=lambda j: widths[j])
    assert headers[wide] == "球队"
    left = MEASURE - (need - widths[wide])
    assert f"leave {headers[wide]} (column {wide + 1}) {left:.1f} pt" in line, line
    # few cells named, and none told to lose what it cannot (the header '球队' by 13 characters)
    named = re.findall(r"'([^']+)' \(line (\d+)\)", line)
    assert 1 <= len(named) <= NAMED, named
    assert "shorten" not in line and "'球队' (line" not in line, line
    # the choices: fewer columns, a module of more columns with span_tables, a wider column
    assert "fewer columns" in line and "span_tables: true" in line and "a wider column" in line, line
    assert "in a module of 2 or more columns" in line, line


def test_a_module_of_more_columns_is_told_to_span_them(tmp_path: Path) -> None:
    line = _error(_build(_spec(tmp_path, 3, span=False), tmp_path / "out"))
    assert "across the module's 3 columns (span_tables: true on the entry)" in line, line
    assert "in a module of 2 or more columns" not in line, line


def test_doing_as_it_says_makes_the_table_fit(tmp_path: Path) -> None:
    """A module of two columns with span_tables: the table is set across them, every team printed."""
    done = _build(_spec(tmp_path, 2, span=True), tmp_path / "out")
    assert done.returncode == 0, done.stderr
    text = "".join(c.text for c in read_chars(tmp_path / "out" / "table-min-size.pdf")[0].chars)
    for team in ("Nottingham Forest", "诺丁汉森林", "Wolves", "狼队", "Arsenal"):
        assert team.replace(" ", "") in text.replace(" ", ""), team
