"""The body forms of an article (issue 17.6): a 编者按 in '> ' lines, lists, an unindented
paragraph, backslash escapes and a flush-right 落款, built on a page of their own and read back
from the PDF: which face each paragraph is in, where its lines start and end."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from pagesetter.build import build_page, load_inputs
from pagesetter.content.model import Article, Paragraph
from pagesetter.flow.article import compose_body
from pagesetter.flow.glyphs import _fields
from pagesetter.fonts.face import FaceSet
from pagesetter.proof.readback import Char, read_chars
from pagesetter.proof.typography import check_pdf, pdf_frames

PAGE = Path(__file__).resolve().parent / "pages" / "layout" / "body-forms.yaml"
EDGE = 0.5  # pt: a line starts or ends at the column's edge within this
ESCAPED = "转义字符照印：星号*、反斜杠\\、井号#、大于号>、减号-、方括号[注]、下划线_、反引号`、比分3:1，两个星号**。"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    return build_page(PAGE, tmp_path_factory.mktemp("forms"))


@pytest.fixture(scope="module")
def article(built) -> Article:
    return built.articles["notice"]


@pytest.fixture(scope="module")
def columns(built) -> list[tuple[float, float]]:
    """The body frames' left and right edges, in reading order (as the PDF lists them)."""
    return [(f["x0"], f["x1"]) for f in pdf_frames(built.pdf_path)[0] if f["kind"] == "body"]


@pytest.fixture(scope="module")
def body(built, columns) -> list[tuple[Char, int]]:
    """The body's characters in reading order (column by column, line by line), each with its column."""
    size = built.spec.styles["body"].size
    chars = [c for c in read_chars(built.pdf_path)[0].chars if abs(c.size - size) < 0.01 and not c.text.isspace()]
    out: list[tuple[Char, int]] = []
    for k, (x0, x1) in enumerate(columns):
        inside = [c for c in chars if x0 - EDGE <= c.x < x1]
        out += [(c, k) for c in sorted(inside, key=lambda c: (round(c.baseline, 1), c.x))]
    return out


def _find(body: list[tuple[Char, int]], para: Paragraph, article: Article) -> list[tuple[Char, int]]:
    """The characters a paragraph printed: the body's reading-order text holds the paragraphs in turn."""
    joined = "".join(c.text for c, _ in body)
    at = 0
    for p in article.paragraphs:
        text = "".join(ch for ch in p.text if not ch.isspace())
        found = joined.find(text, at)
        assert found >= 0, (text, joined[at:])
        if p is para:
            return body[found:found + len(text)]
        at = found + len(text)
    raise AssertionError(f"{para.text!r} is not a paragraph of {article.id!r}")


def _lines(chars: list[tuple[Char, int]]) -> list[list[tuple[Char, int]]]:
    out: list[list[tuple[Char, int]]] = []
    for c, k in chars:
        if out and out[-1][0][1] == k and abs(out[-1][0][0].baseline - c.baseline) < 0.1:
            out[-1].append((c, k))
        else:
            out.append([(c, k)])
    return out


def _of(article: Article, form: str) -> list[Paragraph]:
    return [p for p in article.paragraphs if p.form == form]


def test_the_article_has_every_form(article: Article) -> None:
    forms = [p.form for p in article.paragraphs]
    assert forms == ["quote", "quote", "body", "item", "item", "item", "body", "item", "item", "item",
                     "noindent", "noindent", "body", "right", "right"]
    assert [p.text for p in _of(article, "item")] == [
        "●遵守交通信号灯，不闯红灯。", "●机动车礼让行人，斑马线前减速慢行，不鸣笛，不抢行，不在人行横道上停车等候。",
        "●文明停车，不占用消防通道。", "1．宣传发动阶段。", "2．集中整治阶段。", "3．12月总结表彰。"]


def test_quotations_are_set_in_kai_their_lead_in_hei(built, article: Article, body) -> None:
    quotes = _of(article, "quote")
    assert quotes[0].spans[0].lead and quotes[0].spans[0].text == "编者按："
    for para in quotes:
        chars = _find(body, para, article)
        n_lead = sum(len(s.text) for s in para.spans if s.lead)
        assert all("Kai" in c.font for c, _ in chars[n_lead:]), {c.font for c, _ in chars[n_lead:]}
        assert all("Sans" in c.font for c, _ in chars[:n_lead]), {c.font for c, _ in chars[:n_lead]}
    plain = _find(body, _of(article, "body")[0], article)
    assert all("Serif" in c.font for c, _ in plain), "a body paragraph stays in the body face (宋体)"


def test_quotation_first_lines_are_indented_two_em(built, article: Article, body, columns) -> None:
    size = built.spec.styles["quote"].size
    for para in _of(article, "quote"):
        first, k = _find(body, para, article)[0]
        inset = built.spec.styles["quote"].inset
        assert first.x == pytest.approx(columns[k][0] + inset + 2 * size, abs=EDGE)


def test_a_quotation_is_set_in_from_both_edges_of_the_column(built, article: Article, body, columns) -> None:
    """Issue 17: a 编者按 was set apart from the text around it only by its face (楷体), on the
    column's full measure. The quote style's ``inset`` (1字 in city-daily.yaml) sets it in from both
    edges: read from the PDF, every line of a quotation starts one character in from the column's
    left edge (its first line after the indent too), and every full line ends one character short
    of the right edge; the body paragraph after it runs edge to edge."""
    inset = built.spec.styles["quote"].inset
    assert inset == pytest.approx(built.spec.styles["quote"].size)
    quotes = _of(article, "quote")
    assert quotes
    for para in quotes:
        lines = _lines(_find(body, para, article))
        for line in lines[1:]:
            c, k = line[0]
            assert c.x == pytest.approx(columns[k][0] + inset, abs=EDGE), (para.text, c.text)
        for line in lines[:-1]:
            c, k = line[-1]
            # its ink: a mark at the line's end is set half width, its loose box past the ink
            assert columns[k][1] - inset - c.size - EDGE <= c.ink_right <= columns[k][1] - inset + EDGE, \
                (para.text, c.text)
    plain = _lines(_find(body, _of(article, "body")[0], article))
    c, k = plain[0][-1]
    assert columns[k][1] - inset + EDGE < c.ink_right <= columns[k][1] + EDGE


def test_items_start_at_the_left_edge_with_their_bullet_or_number(article: Article, body, columns) -> None:
    items = _of(article, "item")
    for para in items:
        lines = _lines(_find(body, para, article))
        assert lines[0][0][0].text == para.text[0]
        for line in lines:  # no indent, and no hanging indent either (README: a wrapped item's lines start flush)
            c, k = line[0]
            assert c.x == pytest.approx(columns[k][0], abs=EDGE), (para.text, c.text)
    assert len(_lines(_find(body, items[1], article))) >= 2, "the long item wraps"
    assert [p.text[0] for p in items[:3]] == ["●"] * 3


def test_a_numbered_item_sets_its_number_apart(built, article: Article, body) -> None:
    """"3. 12月" must not print as "3.12月" (read as the decimal 3.12): the mark is the full-width
    point (．) set in half an em, its ink at the left, so a word space's white or more parts it from
    the digit after it, where a decimal point has a tenth of an em (issue 17 follow-up)."""
    size = built.spec.styles["body"].size
    for para in _of(article, "item")[3:]:
        chars = [c for c, _ in _find(body, para, article)]
        assert chars[1].text == "．", para.text
        assert chars[2].x - chars[1].x >= 0.45 * size, para.text  # the point's own half em
        white = chars[2].x - chars[1].ink_right  # from the point's ink to the next character
        assert white >= 0.2 * size, (para.text, white, size)
    assert "".join(c.text for c, _ in _find(body, _of(article, "item")[5], article)).startswith("3．12月")


def test_a_noindent_paragraph_starts_at_the_edge_a_body_paragraph_does_not(built, article: Article, body,
                                                                           columns) -> None:
    for para in _of(article, "noindent"):
        c, k = _find(body, para, article)[0]
        assert c.x == pytest.approx(columns[k][0], abs=EDGE)
    c, k = _find(body, _of(article, "body")[0], article)[0]
    assert c.x == pytest.approx(columns[k][0] + 2 * built.spec.styles["body"].size, abs=EDGE)


def test_right_lines_end_at_the_column_right_edge(built, article: Article, body, columns) -> None:
    rights = _of(article, "right")
    assert [p.text for p in rights] == ["江城日报社", "2022年6月30日"]
    for para in rights:
        lines = _lines(_find(body, para, article))
        assert len(lines) == 1
        first, k = lines[0][0]
        last, _ = lines[0][-1]
        assert last.right == pytest.approx(columns[k][1], abs=EDGE)
        assert first.x > columns[k][0] + 3 * built.spec.styles["body"].size, "ragged on the left"


def test_escapes_print_their_characters(article: Article, body) -> None:
    para = _of(article, "body")[-1]
    assert para.text == ESCAPED
    assert "".join(c.text for c, _ in _find(body, para, article)) == ESCAPED.replace(" ", "")


def test_the_page_passes_check(built) -> None:
    assert [w for w in built.warnings if w.kind != "normalised"] == [], "the module is full, nothing lost"
    report = check_pdf(built.pdf_path)
    assert report.problems == 0, report.text()
    done = subprocess.run([sys.executable, "-m", "pagesetter", "check", str(built.pdf_path)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr


def test_without_a_quote_style_a_quotation_is_set_in_the_body_style() -> None:
    spec, manifest, articles, _ = load_inputs(PAGE)
    faces = FaceSet(manifest)
    entry = spec.articles[0]
    article = replace(articles["notice"], paragraphs=_of(articles["notice"], "quote")[1:])
    measure = spec.grid.column_width
    with_quote, _ = compose_body(entry, article, spec.styles, measure, faces)
    styles = {k: v for k, v in spec.styles.items() if k != "quote"}
    without, _ = compose_body(entry, article, styles, measure, faces)
    assert {g.face for line in with_quote for g in line.glyphs} == {spec.styles["quote"].font}
    assert {g.face for line in without for g in line.glyphs} == {spec.styles["body"].font}


def test_missing_glyphs_are_looked_for_in_the_style_of_each_form(built, article: Article) -> None:
    fields = list(_fields(article, list(built.spec.articles), built.spec.styles))
    by_para = {f.key[1]: set() for f in fields if f.key[0] == "para"}
    for f in fields:
        if f.key[0] == "para":
            by_para[f.key[1]].add(f.style)
    forms = [p.form for p in article.paragraphs]
    assert by_para[forms.index("quote")] == {"lead", "quote"}
    assert by_para[forms.index("right")] == {"body"}
    assert by_para[forms.index("item")] == {"body"}
    quote_field = next(f for f in fields if f.key[:2] == ("para", forms.index("quote")) and f.style == "quote")
    loc = quote_field.locate(0)  # 城, after "> **编者按：**" on line 6
    assert (loc.line, loc.column) == (6, 11)
