"""Trial 16b's import findings (#4, #5, #14, #15, #20): copy files from the trial
(tests/import/trial16b/) or Word files made here with python-docx, imported by the real command and
read back by the article reader; the Word table is built on a page whose PDF is read back."""

from __future__ import annotations

import shutil
from pathlib import Path

import pdfplumber
import pytest

from pagesetter.proof.typography import pdf_frames
from test_import import build_imported, read, run

ROOT = Path(__file__).resolve().parent.parent
COPY = ROOT / "tests" / "import" / "trial16b"
TITLE = "城区供水管网改造全面启动"

def _import(tmp_path: Path, name: str) -> tuple[str, list[Path]]:
    result = run(["import", name], tmp_path)
    assert result.returncode == 0, result.stderr
    return result.stdout + result.stderr, sorted((tmp_path / "content").glob("*.md"))


def _water_docx(path: Path, table_title: bool = True) -> None:
    """As the trial's d.docx: a title in 22 pt bold, 副题 14 pt, byline, dateline, a 3×3 table of
    plain cells (here with its 表： and 来源： paragraphs), a paragraph, and the title repeated last."""
    import docx
    from docx.shared import Pt

    document = docx.Document()
    for text, size in ((TITLE, 22), ("年内完成一百二十公里", 14)):
        run_ = document.add_paragraph().add_run(text)
        run_.font.size, run_.bold = Pt(size), True
    document.add_paragraph("本报记者 李强")
    document.add_paragraph("本报讯（记者 李强）市水务集团昨日宣布，城区供水管网改造工程全面启动，惠及居民八万户。")
    if table_title:
        document.add_paragraph("表：各区改造计划")
    table = document.add_table(rows=3, cols=3)
    for r, row in enumerate((("区域", "公里", "户数"), ("江北", "60", "4万"), ("江南", "60", "4万"))):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    if table_title:
        document.add_paragraph("来源：市水务集团")
    document.add_paragraph("改造期间，部分区域将临时停水，具体时间另行通知。")
    document.add_paragraph(TITLE)
    document.save(str(path))


def test_docx_table_is_a_pipe_table_with_title_and_source(tmp_path: Path) -> None:
    """#14: the table was dropped (exit 0), only 'the Word file has tables: they were not imported'."""
    pytest.importorskip("docx")
    _water_docx(tmp_path / "water.docx")
    said, files = _import(tmp_path, "water.docx")
    got = read(files[0])
    assert [form for form, _ in got["body"]] == ["body", "table", "body"], got["body"]
    assert got["body"][1][1] == "表：各区改造计划区域公里户数江北604万江南604万来源：市水务集团"
    text = files[0].read_text(encoding="utf-8")
    assert "| 区域 | 公里 | 户数 |" in text and "| 江南 | 60 | 4万 |" in text
    assert "not imported" not in said
    assert "water.docx:5: guessed: a table of 2 rows and 3 columns (a Word table)" in said
    # built: the table prints as one (header, two rows, its title and source)
    build_imported(tmp_path, ["water"])
    frames = pdf_frames(tmp_path / "out" / "imported.pdf")[0]
    assert len([f for f in frames if f["kind"] == "table"]) == 5
    with pdfplumber.open(tmp_path / "out" / "imported.pdf") as doc:
        chars = "".join(c["text"] for c in doc.pages[0].chars)
    assert chars.count(TITLE) == 1  # #15: the headline, not a trailing subhead too
    assert "区域公里户数" in chars and "江南604万" in chars


def test_docx_table_with_merged_cells_is_marked_and_said(tmp_path: Path) -> None:
    """#14: a table that is no grid of plain cells cannot be a pipe table: a marker at its place, a
    'to do' line, not silence."""
    docx = pytest.importorskip("docx")
    _water_docx(tmp_path / "water.docx", table_title=False)
    document = docx.Document(str(tmp_path / "water.docx"))
    document.tables[0].cell(0, 0).merge(document.tables[0].cell(0, 1))
    document.save(str(tmp_path / "water.docx"))
    said, files = _import(tmp_path, "water.docx")
    got = read(files[0])
    assert [text for _, text in got["body"]][1].startswith("【此处有表格未导入")
    assert "water.docx:5: to do: a Word table with merged cells was not imported" in said
    assert said.strip().endswith("1 Word table not imported: write it at 【此处有表格未导入，见原稿】 in the article "
                                 "(see 'to do' above)")


def test_docx_last_paragraph_repeating_the_title_is_dropped(tmp_path: Path) -> None:
    """#15: the title repeated as the last paragraph became a trailing 小标题."""
    pytest.importorskip("docx")
    _water_docx(tmp_path / "water.docx")
    said, files = _import(tmp_path, "water.docx")
    got = read(files[0])
    assert got["title"] == TITLE
    assert all(text != TITLE for _, text in got["body"])
    assert f"water.docx:9: guessed: dropped: it repeats the title {TITLE!r}" in said


def test_markdown_italic_signoff_is_the_byline_not_a_subhead(tmp_path: Path) -> None:
    """#5: '*本报记者 陈光*' last became '## \\*本报记者 陈光\\*' (printed with its asterisks)."""
    shutil.copy(COPY / "b.md", tmp_path / "b.md")
    said, files = _import(tmp_path, "b.md")
    got = read(files[0])
    assert got["byline"] == "本报记者 陈光"
    assert [form for form, _ in got["body"]] == ["body", "subhead", "body"], got["body"]
    assert "*" not in files[0].read_text(encoding="utf-8").split("---")[-1].replace("**", "")
    assert "b.md:11: guessed: dropped: the byline again at the end (署名 '本报记者 陈光')" in said


def test_text_signoff_without_byline_becomes_the_byline(tmp_path: Path) -> None:
    """#5: a sign-off at the end and no byline under the headline: it is the byline."""
    (tmp_path / "s.txt").write_text("江城开通夜间公交\n本报讯 江城首批夜间公交线路昨晚开通，共有六条线路。\n"
                                    "线路覆盖主要商圈和医院。\n（本报记者 陈光）\n", encoding="utf-8")
    said, files = _import(tmp_path, "s.txt")
    got = read(files[0])
    assert got["byline"] == "本报记者 陈光"
    assert len(got["body"]) == 2
    assert "s.txt:4: guessed: 署名 (byline), at the article's end" in said


def test_two_stories_in_one_text_file_are_two_articles_and_the_credit_line_is_a_credit(tmp_path: Path) -> None:
    """#20: one article whose 小标题 was the second headline; the credit line under the caption a
    body paragraph."""
    shutil.copy(COPY / "two.txt", tmp_path / "two.txt")
    said, files = _import(tmp_path, "two.txt")
    assert [f.name for f in files] == ["two-1.md", "two-2.md"]
    first, second = read(files[0]), read(files[1])
    assert first["title"] == "本市举行防汛演练" and second["title"] == "城东新建三座口袋公园"
    assert [form for form, _ in first["body"] + second["body"]] == ["body"] * 4
    assert second["body"][0][1].startswith("本报讯 城东区")
    assert first["captions"] == ["图为演练现场。"] and first["credits"] == ["本报记者 孙明 摄"]
    assert all("孙明" not in text for _, text in first["body"])
    assert "two.txt:5: guessed: the credit of the caption of line 4" in said
    assert "two.txt:7: guessed: a new article: '城东新建三座口袋公园' after a blank line, then a dateline" in said


@pytest.mark.parametrize("credit", ["王强 供图", "图/王强", "摄影：王强"])
def test_credit_forms_on_the_line_under_a_caption(tmp_path: Path, credit: str) -> None:
    (tmp_path / "c.txt").write_text(f"江城开通夜间公交\n本报讯 江城首批夜间公交线路昨晚开通。\n▲乘客在站台候车。\n{credit}\n"
                                    "线路覆盖主要商圈和医院。\n", encoding="utf-8")
    _, files = _import(tmp_path, "c.txt")
    got = read(files[0])
    assert got["credits"] == [credit] and len(got["body"]) == 2


def test_text_over_16_mb_is_refused_as_copy_with_the_readme_limit(tmp_path: Path) -> None:
    """#4: a 17 MB .txt was refused as 'a spec, style sheet, manifest or article is at most 16 MB'
    while the README and the message for 22 MB said 20 MB: one limit (the reader's), one message."""
    (tmp_path / "big17.txt").write_bytes(("正文。" * 10 + "\n").encode("utf-8") * 187_000)
    assert 16_000_000 < (tmp_path / "big17.txt").stat().st_size < 20_000_000
    result = run(["import", "big17.txt"], tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "pagesetter: error: big17.txt: 17 MB is not copy (limit 16 MB); import the articles one file each"]
    assert not (tmp_path / "content").exists()
