"""Trial 14's import findings: copy files from the trial (tests/import/trial14/), imported by the
real command and read back by the article reader."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from test_import import read, run

COPY = Path(__file__).resolve().parent / "import" / "trial14"


def _import(tmp_path: Path, name: str) -> tuple[str, list[Path]]:
    shutil.copy(COPY / name, tmp_path / name)
    result = run(["import", name], tmp_path)
    assert result.returncode == 0, result.stderr
    return result.stdout + result.stderr, sorted((tmp_path / "content").glob("*.md"))


def test_docx_kicker_in_heading_2_above_the_title_is_the_kicker(tmp_path: Path) -> None:
    """#4: 守护一江碧水 (Heading 2) above the Title was dropped, exit 0 and no word of it."""
    pytest.importorskip("docx")
    said, files = _import(tmp_path, "river.docx")
    assert [f.name for f in files] == ["river.md"]
    got = read(files[0])
    assert (got["kicker"], got["title"]) == ("守护一江碧水", "江城河道治理三年见成效")
    assert "river.docx:1: guessed: 引题" in said


def test_docx_kicker_in_subtitle_style_above_heading_1_is_one_article(tmp_path: Path) -> None:
    """#4: the Subtitle-style 引题 made an article of its own with no title."""
    pytest.importorskip("docx")
    said, files = _import(tmp_path, "river3.docx")
    assert [f.name for f in files] == ["river3.md"]
    got = read(files[0])
    assert (got["kicker"], got["title"], got["subtitle"]) == ("守护一江碧水", "江城河道治理三年见成效", None)
    assert got["body"] == [("body", "市河长办组织沿线街道开展专项整治，拆除违法建筑3.2万平方米。")]
    assert "not recognised" not in said


@pytest.mark.parametrize("name, end", [("excl.txt", '太好了!"'), ("q.txt", '什么时候?"')])
def test_straight_quote_after_a_sentence_end_ends_the_paragraph(tmp_path: Path, name: str, end: str) -> None:
    """#6: a paragraph ending in !" or ?" was joined with the next as cut at a column break."""
    said, files = _import(tmp_path, name)
    body = read(files[0])["body"]
    assert len(body) == 3 and body[0][1].endswith(end), body
    assert "joined" not in said


def test_docx_leads_only_from_bold_runs(tmp_path: Path) -> None:
    """#7: the Word file has no bold, yet 据了解，…。 and 据介绍，…。 were made bold leads."""
    pytest.importorskip("docx")
    said, files = _import(tmp_path, "leads.docx")
    got = read(files[0])
    assert got["leads"] == []
    assert any(text == "据了解，项目总投资1.2亿元。" for _, text in got["body"])
    assert "lead sentence" not in said


def test_pasted_web_page_markup_and_boilerplate_are_no_headlines(tmp_path: Path) -> None:
    """#9: <script>alert(1)</script> became the 主题; 分享到…, 责任编辑… became 小标题."""
    said, files = _import(tmp_path, "webpaste.txt")
    got = read(files[0])
    assert got["title"] == "滨江社区养老驿站投用" and got["kicker"] is None
    assert [form for form, _ in got["body"]] == ["body", "body"]
    text = files[0].read_text(encoding="utf-8")
    assert "script" not in text and "分享到" not in text and "责任编辑" not in text
    # dropped, but each said with its line
    assert "webpaste.txt:3: not recognised: a line of web markup (HTML), dropped: '<script>alert(1)</script>'" in said
    assert "webpaste.txt:6: not recognised: a web page's own line" in said
    assert "webpaste.txt:7: not recognised: a web page's own line" in said


def test_markdown_briefs_are_one_article_with_subheads(tmp_path: Path) -> None:
    """#16: '# 简讯' with five '## item' heads imported as 6 articles."""
    said, files = _import(tmp_path, "briefs.md")
    assert [f.name for f in files] == ["briefs.md"]
    got = read(files[0])
    assert got["title"] == "简讯" and got["subtitle"] is None
    forms = [form for form, _ in got["body"]]
    assert forms == ["subhead", "body"] * 5
    assert got["body"][0] == ("subhead", "市图书馆延长开放时间")
    assert "briefs.md:1: guessed: one article" in said
