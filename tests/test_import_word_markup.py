"""pagesetter import of Word copy as reporters' files hold it (session 20's hostile .docx): text
inside a hyperlink, a tracked insertion, a simple field, a content control or a smart tag is the
paragraph's text (python-docx's ``paragraph.runs`` sees only the paragraph's own runs: all of them
were dropped, exit 0); a tracked deletion is not; a soft line return (Shift+Enter) parts lines as
a text file's line end does (it stopped the import with an internal error, exit 70); a symbol-font
character (w:sym), a footnote and a block-level content control's paragraphs are never lost
without a word."""

from __future__ import annotations

from pathlib import Path

import pytest

from test_import import _docx_with, read, run

W = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
     'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"')
HEAD = '<w:p><w:pPr><w:pStyle w:val="Title"/></w:pPr><w:r><w:t>城市更新进入新阶段</w:t></w:r></w:p>' \
       '<w:p><w:r><w:t>本报记者 林青</w:t></w:r></w:p>'
LAST = '<w:p><w:r><w:t>最后一段正文，写得足够长，句号结尾。</w:t></w:r></w:p>'


def _r(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'


def _imported(tmp_path: Path, *paragraphs: str) -> tuple[dict[str, object], str]:
    """The article imported from a Word file of the headline, ``paragraphs`` (XML) and a last
    paragraph; and the import's notes (stdout)."""
    pytest.importorskip("docx")
    xml = f'<?xml version="1.0" encoding="UTF-8"?><w:document {W}><w:body>{HEAD}{"".join(paragraphs)}{LAST}</w:body></w:document>'
    _docx_with(xml.encode())(tmp_path / "copy.docx")
    result = run(["import", "copy.docx"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    return read(tmp_path / "content" / "copy.md"), result.stdout


def _body(article: dict[str, object]) -> list[str]:
    return [text for _form, text in article["body"]]  # type: ignore[union-attr]


@pytest.mark.parametrize("inner, text", [
    ('<w:hyperlink r:id="rId99">' + _r("市住建局网站") + "</w:hyperlink>", "市住建局网站"),
    ('<w:ins w:id="1" w:author="x" w:date="2026-12-01T00:00:00Z">' + _r("新增的文字") + "</w:ins>", "新增的文字"),
    ('<w:fldSimple w:instr=" PAGE ">' + _r("12345") + "</w:fldSimple>", "12345"),
    ("<w:sdt><w:sdtContent>" + _r("控件里的文字") + "</w:sdtContent></w:sdt>", "控件里的文字"),
    ('<w:smartTag w:uri="x" w:element="place">' + _r("北京") + "</w:smartTag>", "北京"),
])
def test_text_inside_word_markup_is_the_paragraphs(tmp_path: Path, inner: str, text: str) -> None:
    article, _ = _imported(tmp_path, f"<w:p>{_r('详情见')}{inner}{_r('，电话查询。')}</w:p>")
    assert _body(article)[0] == f"详情见{text}，电话查询。", article["body"]


def test_a_tracked_deletion_is_not_imported(tmp_path: Path) -> None:
    deleted = ('<w:del w:id="2" w:author="x" w:date="2026-12-01T00:00:00Z"><w:r><w:delText>删除的文字</w:delText>'
               '</w:r></w:del>')
    moved = ('<w:moveFrom w:id="3" w:author="x" w:date="2026-12-01T00:00:00Z"><w:r><w:delText>移走的文字</w:delText>'
             '</w:r></w:moveFrom>')
    article, _ = _imported(tmp_path, f"<w:p>{_r('今年以来，')}{deleted}{moved}{_r('全市推进老旧小区改造。')}</w:p>")
    assert _body(article)[0] == "今年以来，全市推进老旧小区改造。", article["body"]


def test_a_soft_line_return_parts_lines_as_a_text_files_line_end(tmp_path: Path) -> None:
    """Shift+Enter (w:br) inside a paragraph: an internal error (exit 70) before. Its lines are
    taken as a text file's lines are: a line ending a sentence ends its paragraph."""
    article, _ = _imported(tmp_path, f"<w:p>{_r('第一段写完了。')}<w:r><w:br/></w:r>{_r('软回车后的第二段。')}</w:p>")
    assert _body(article)[:2] == ["第一段写完了。", "软回车后的第二段。"], article["body"]


def test_a_symbol_font_character_is_marked_and_said(tmp_path: Path) -> None:
    """A Wingdings tick (w:sym) has no character of its own: it was dropped without a word. It
    stands as 〓 where it was, and the import says so at its paragraph, to do."""
    article, notes = _imported(tmp_path, f"<w:p>{_r('已核实')}<w:r><w:sym w:font=\"Wingdings\" w:char=\"F0FC\"/></w:r>"
                                         f"{_r('的数据。')}</w:p>")
    assert _body(article)[0] == "已核实〓的数据。", article["body"]
    assert "copy.docx:3: to do: a Word symbol (Wingdings F0FC) is not a character: written 〓" in notes, notes


def test_a_footnote_is_said(tmp_path: Path) -> None:
    """A footnote's text stands apart from the body (word/footnotes.xml): it is not imported, and
    the import says where its mark was, to do."""
    article, notes = _imported(tmp_path, f"<w:p>{_r('数据来自统计局')}<w:r><w:footnoteReference w:id=\"1\"/></w:r>"
                                         f"{_r('的公报。')}</w:p>")
    assert _body(article)[0] == "数据来自统计局的公报。", article["body"]
    assert "copy.docx:3: to do: a footnote (its mark after '数据来自统计局') is not imported" in notes, notes


def test_a_block_content_controls_paragraphs_are_imported(tmp_path: Path) -> None:
    """Paragraphs inside a block-level content control (a template's 正文 box) were skipped whole."""
    block = f"<w:sdt><w:sdtContent><w:p>{_r('控件里的一整段正文，句号结尾。')}</w:p></w:sdtContent></w:sdt>"
    article, _ = _imported(tmp_path, block)
    assert "控件里的一整段正文，句号结尾。" in _body(article), article["body"]


def test_a_geta_mark_typed_in_the_copy_is_warned_at_its_place(tmp_path: Path) -> None:
    """〓 in the copy (the import writes one for a symbol-font character; reporters type it for a
    character to set) prints as the 〓 of a character no face has: `check` listed it, the build
    said nothing (exit 0, no warning). Warned now at its file, line and column."""
    from conftest import copy_project, run_cli

    project = copy_project(tmp_path / "project")
    article = project / "content" / "dongfeng-media.md"
    lines = article.read_text(encoding="utf-8").split("\n")
    at = next(k for k, line in enumerate(lines) if line.startswith("没有披上"))
    lines[at] = "没有〓披上" + lines[at][len("没有披上"):]
    article.write_text("\n".join(lines), encoding="utf-8")
    result = run_cli(project, "build", "-q", "-o", "out")
    assert result.returncode == 0, result.stderr
    assert f"warning: content/dongfeng-media.md:{at + 1}:3: missing-glyph: article 'dongfeng-media', " \
           "paragraph 1: 〓 (U+3013) in the copy" in result.stderr, result.stderr
