"""A table too wide for its column names the cells that set the width of the column to cut, each
with its line, and by how much; doing as it says makes the table fit. Trial 14: the error named
'网络购物', the widest cell of the first row too wide on its own; shortened to '网购', the table
was exactly as wide (column 1's width is set by '预付式消费' and '商品房买卖' too), and the error
moved to the next row. Test page: tests/pages/layout/table-wide.yaml (trial 14's table)."""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from pagesetter.build import load_inputs
from pagesetter.content.model import Paragraph, Span
from pagesetter.errors import InputError
from pagesetter.flow import tables
from pagesetter.fonts.face import FaceSet

PAGE = Path(__file__).resolve().parent / "pages" / "layout" / "table-wide.yaml"
MEASURE = 99.0  # 11字 of 小五 (9 pt): the page's column


def test_the_error_names_the_cells_that_set_the_width(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "pagesetter.cli", "build", str(PAGE), "-o", str(tmp_path)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    # at the first of them: '网络购物', line 8, the cell's text from column 3 ('| 网络购物 |')
    assert "tests/pages/content/table-wide/cases.md:8:3: this table does not fit the column" in lines[0]
    named = re.findall(r"'([^']+)' \(line (\d+)\)", lines[0])
    assert named == [("网络购物", "8"), ("预付式消费", "9"), ("商品房买卖", "10"), ("教育培训", "11"),
                     ("医疗美容", "12")], lines[0]
    assert "16.7 pt too wide" in lines[0] and "shorten all 5 by 3 characters" in lines[0]


@pytest.fixture(scope="module")
def table():
    spec, manifest, articles, _ = load_inputs(PAGE)
    para = next(p for p in articles["cases"].paragraphs if p.table is not None)
    return para, spec.styles["table"], spec.styles["lead"], FaceSet(manifest)


def _cut(para: Paragraph, cells: dict[str, str]) -> Paragraph:
    """The table with cells retyped; in memory, so no file places (an error then stands at the row's line)."""
    return replace(para, spans=tuple(Span(cells.get(s.text, s.text), s.lead) for s in para.spans), places=())


def test_doing_as_the_error_says_makes_the_table_fit(table) -> None:
    para, style, lead, faces = table
    with pytest.raises(InputError) as err:
        tables.compose_table(para, style, lead, MEASURE, faces, "cases")
    named = re.findall(r"'([^']+)' \(line \d+\)", err.value.message)
    by = int(re.search(r"by (\d+) characters?", err.value.message).group(1))
    # trial 14's advice: the one cell '网络购物' shortened; the table is exactly as wide
    with pytest.raises(InputError) as again:
        tables.compose_table(_cut(para, {"网络购物": "网购"}), style, lead, MEASURE, faces, "cases")
    assert "it needs 115.7 pt" in again.value.message and "网络购物" not in again.value.message
    # this one's: every named cell shortened by the characters it says
    fits = tables.compose_table(_cut(para, {text: text[:-by] for text in named}), style, lead, MEASURE, faces,
                                "cases")
    assert fits.size >= style.min_size


def test_one_cell_that_sets_the_width_alone_is_named_alone(table) -> None:
    para, style, lead, faces = table
    short = {"网络购物": "网购", "预付式消费": "预付式消费纠纷", "商品房买卖": "购房", "教育培训": "培训",
             "医疗美容": "医美"}
    with pytest.raises(InputError) as err:
        tables.compose_table(_cut(para, short), style, lead, MEASURE, faces, "cases")
    assert re.findall(r"'([^']+)' \(line (\d+)\)", err.value.message) == [("预付式消费纠纷", "9")]
    assert err.value.loc.line == 9
    by = int(re.search(r"shorten it by (\d+) characters?", err.value.message).group(1))
    tables.compose_table(_cut(para, {**short, "预付式消费": "预付式消费纠纷"[:-by]}), style, lead, MEASURE, faces, "cases")
