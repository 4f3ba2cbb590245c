"""Trial 16 #4: `pagesetter import` of text copy with a table and an 编者按 (tests/import/trial16/),
imported by the real command, read back by the article reader and built on a page whose PDF is
read back: tab-separated and space-aligned rows are a pipe table (each row was a 小标题, its tabs
printed two ways), an 编者按 opening the copy is a quotation and the 主题 stays the 主题."""

from __future__ import annotations

import shutil
from pathlib import Path

import pdfplumber
import pytest

from pagesetter.proof.typography import pdf_frames
from test_import import build_imported, read, run

ROOT = Path(__file__).resolve().parent.parent
COPY = ROOT / "tests" / "import" / "trial16"

@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    project = tmp_path_factory.mktemp("imp16")
    for name in ("fin.txt", "rates.txt"):
        shutil.copy(COPY / name, project / name)
    result = run(["import", "fin.txt", "rates.txt"], project)
    assert result.returncode == 0, result.stderr
    return project, result.stdout + result.stderr


def test_tab_separated_rows_are_a_table(imported) -> None:
    project, said = imported
    got = read(project / "content" / "fin.md")
    assert got["title"] == "股市收盘" and got["byline"] == "本报记者 陈晓东"
    forms = [form for form, _ in got["body"]]
    assert forms == ["quote", "body", "table", "body"], got["body"]
    assert got["body"][0][1] == "编者按：本报今起推出财经观察栏目。"
    assert got["body"][2][1] == "指数收盘涨跌幅上证指数3386.42+0.67%深证成指10935.18-1.24%"
    assert "\t" not in (project / "content" / "fin.md").read_text(encoding="utf-8")
    assert "fin.txt:5: guessed: a table of 2 rows and 3 columns (cells parted by tabs)" in said


def test_space_aligned_rows_are_a_table_with_title_and_source(imported) -> None:
    project, said = imported
    got = read(project / "content" / "rates.md")
    assert got["title"] == "今日外汇牌价"
    assert [form for form, _ in got["body"]] == ["body", "table", "body"], got["body"]
    table = got["body"][1][1]
    assert table.startswith("表：人民币汇率中间价（12月1日）币种中间价涨跌美元") and table.endswith("来源：中国外汇交易中心")
    assert "rates.txt:5: guessed: a table of 3 rows and 3 columns (cells aligned by runs of spaces)" in said


def test_the_imported_tables_print_as_tables(imported) -> None:
    project, _ = imported
    done = build_imported(project, ["fin", "rates"])
    assert "U+0009" not in done.stdout + done.stderr  # no tab reached the page
    pdf_path = project / "out" / "imported.pdf"
    frames = pdf_frames(pdf_path)[0]
    assert len([f for f in frames if f["kind"] == "table" and f["article"] == "fin"]) == 3  # header, 2 rows
    assert len([f for f in frames if f["kind"] == "table" and f["article"] == "rates"]) == 6  # title … source
    assert not [f for f in frames if f["kind"] == "subhead"]
    with pdfplumber.open(pdf_path) as doc:
        text = "".join(c["text"] for c in doc.pages[0].chars)
    assert "−1.24%" in text and "−0.0021" in text  # a figure cell's minus (tables)
