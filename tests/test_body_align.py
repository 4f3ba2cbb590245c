"""A body style's ``align`` (a new user's trial): a classical poem in a style with ``align: center``
printed flush left, with no warning. Built on a page of its own (tests/pages/layout/body-align.yaml)
and read back from the PDF: each line of the poem stands in the middle of its column, a body in
``align: right`` ends at the column's right edge, an ad's address and hotline typed a line each in
``::: noindent`` stay a line each, and `pagesetter check` does not take a centred line for a
justified line short of its measure."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from pagesetter.build import build_page
from pagesetter.errors import InputError
from pagesetter.proof.readback import Char, read_chars
from pagesetter.proof.typography import analyse, check_pdf, pdf_frames
from pagesetter.spec.loader import load_spec

PAGE = Path(__file__).resolve().parent / "pages" / "layout" / "body-align.yaml"
EDGE = 0.05  # pt: white either side of a centred line is equal within this
# line-end marks set half an em (开明, the default punctuation): 。？！ keep their full em
HALF_AT_END = "，、；："


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    return build_page(PAGE, tmp_path_factory.mktemp("align"))


def _column(built, article: str) -> tuple[float, float]:
    """The left and right edges of the article's one body column, from the PDF's layout record."""
    (frame,) = [f for f in pdf_frames(built.pdf_path)[0] if f["kind"] == "body" and f["article"] == article]
    return frame["x0"], frame["x1"]


def _rows(built, article: str) -> list[list[Char]]:
    """The article's body lines as printed (body size, in its column), top to bottom."""
    x0, x1 = _column(built, article)
    size = built.spec.styles["body"].size
    rows: dict[float, list[Char]] = {}
    for c in read_chars(built.pdf_path)[0].chars:
        if x0 - size / 2 <= c.x < x1 and abs(c.size - size) < 0.01 and not c.text.isspace():
            rows.setdefault(round(c.baseline, 1), []).append(c)
    return [sorted(cs, key=lambda c: c.x) for _, cs in sorted(rows.items())]


def _text(row: list[Char]) -> str:
    return "".join(c.text for c in row)


def _end(c: Char) -> float:
    """Where a line's last character's em box ends: a 开明 line-end ，、；： is set in half an em."""
    return c.x + c.size * (0.5 if c.text in HALF_AT_END else 1.0)


def test_each_line_of_the_poem_is_centred_on_the_measure(built) -> None:
    x0, x1 = _column(built, "poem")
    rows = [r for r in _rows(built, "poem") if _text(r) != "陈砚"]  # the byline is the headline's
    assert [_text(r) for r in rows] == ["高楼百尺倚秋空，", "万里江流入望中。", "江水把夜色一寸一寸地折叠",
                                        "十年书剑成何事？一夜乡心寄", "远鸿。", "莫道霜华侵鬓早，", "犹将诗酒对西风。"]
    size = built.spec.styles["body"].size
    for row in rows:
        left, right = row[0].x - x0, x1 - _end(row[-1])
        assert left == pytest.approx(right, abs=EDGE), (_text(row), left, right)
    # flush left (the defect) would put every line at the column's edge: these stand well in
    assert rows[0][0].x - x0 > 2 * size and rows[4][0].x - x0 > 4 * size
    # the line that nearly fills the measure (12 of 13 ems) stands half an em in from each edge,
    # the line too long for it fills its first line and centres what runs over
    assert rows[2][0].x - x0 == pytest.approx(size / 2, abs=EDGE)
    assert rows[3][0].x - x0 == pytest.approx(0, abs=EDGE) and _end(rows[3][-1]) == pytest.approx(x1, abs=EDGE)


def test_a_body_set_flush_right_ends_every_line_at_the_right_edge(built) -> None:
    x0, x1 = _column(built, "thanks")
    rows = _rows(built, "thanks")
    assert [_text(r) for r in rows] == ["谨向所有支持本届读书节的单", "位和读者致以谢意。", "江城日报社", "江城书店",
                                        "2026年9月18日"]
    for row in rows:
        assert row[-1].right == pytest.approx(x1, abs=0.5), _text(row)
    assert rows[2][0].x > x0 + 5 * built.spec.styles["body"].size, "ragged on the left"


def test_noindent_keeps_each_line_of_the_copy_a_line(built) -> None:
    """An ad's address, hotline and hours, typed a line each in a ``::: noindent`` block, print a
    line each (as ``::: right`` always did), each at the column's left edge."""
    paras = built.articles["ad"].paragraphs
    assert [(p.form, p.text) for p in paras[1:]] == [
        ("noindent", "地址：江城市解放路88号"), ("noindent", "热线：027-12345678"),
        ("noindent", "营业时间：每日9:00—21:00"), ("right", "江城书店"), ("right", "2026年9月18日")]
    x0, x1 = _column(built, "ad")
    rows = _rows(built, "ad")
    at = [_text(r) for r in rows].index("地址：江城市解放路88号")
    assert [_text(r) for r in rows[at:at + 3]] == ["地址：江城市解放路88号", "热线：027-12345678", "营业时间：每日9:00—21:00"]
    for row in rows[at:at + 3]:
        assert row[0].x == pytest.approx(x0, abs=0.5), _text(row)


def test_the_page_passes_check_and_the_record_marks_the_ragged_lines(built) -> None:
    assert [w for w in built.warnings if w.kind not in ("normalised", "underset")] == []
    report = check_pdf(built.pdf_path)
    assert report.problems == 0, report.text()
    done = subprocess.run([sys.executable, "-m", "pagesetter", "check", str(built.pdf_path)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    # Without the record's marks the ragged lines are judged as justified ones: the centred line
    # half an em short of each edge was a justified line off the column's measure; since check
    # reads a block set in from both edges (a quotation) off the page, it is held to that measure
    # instead, the poem's shorter lines its paragraph ends, so no problem either way, but the marks
    # are what keep a ragged line out of the justified lines' count.
    frames = pdf_frames(built.pdf_path)
    # the poem's seven lines, and the five of the body set flush right (ragged on the left; the
    # ::: right lines of the ad, a form's 落款 in a justified style, are not marked)
    marked = [f["article"] for f in frames[0] if f["kind"] == "ragged"]
    assert marked == ["poem"] * 7 + ["thanks"] * 5
    unmarked = analyse(read_chars(built.pdf_path), [[f for f in fs if f["kind"] != "ragged"] for fs in frames])
    assert unmarked.off_measure == [] and unmarked.problems == 0, unmarked.text()
    assert unmarked.justified_lines > report.justified_lines


def test_a_centred_body_style_with_a_first_line_indent_is_a_located_error() -> None:
    """A centred line has no first-line indent: a poem style based on the body (indent 2字) and
    not given ``indent: 0字`` stops the build at the style, not set off centre without a word."""
    text = PAGE.read_text(encoding="utf-8").replace("poem: {base: body, font: kai, align: center, indent: 0字}",
                                                    "poem: {base: body, font: kai, align: center}")
    assert text != PAGE.read_text(encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_spec(PAGE, text)
    assert caught.value.loc is not None and caught.value.loc.line == 23, caught.value
    assert "style 'poem', the body of article 'poem', is set align: center with a first-line indent of 2字" \
        in str(caught.value)
    assert "indent: 0字" in str(caught.value)


def test_a_centred_style_with_an_inset_centres_on_the_same_middle() -> None:
    """A centred line of a style with an ``inset`` is centred on the inset measure: a line that fits
    both measures stands where it stands without the inset."""
    from pagesetter.build import load_inputs
    from pagesetter.flow.article import compose_body
    from pagesetter.fonts.face import FaceSet

    spec, manifest, articles, _ = load_inputs(PAGE)
    faces = FaceSet(manifest)
    entry = next(a for a in spec.articles if a.article == "poem")
    measure = spec.grid.column_width
    inset = replace(spec.styles["poem"], inset=spec.styles["poem"].size)
    plain, _ = compose_body(entry, articles["poem"], spec.styles, measure, faces)
    set_in, _ = compose_body(entry, articles["poem"], dict(spec.styles, poem=inset), measure, faces)
    same = {line.text: line for line in plain}
    shared = [line for line in set_in if line.text in same]
    assert len(shared) == 4
    for line in shared:
        assert [g.x for g in line.glyphs] == pytest.approx([g.x for g in same[line.text].glyphs]), line.text
        assert line.ragged
    wrapped = [line for line in set_in if line.text not in same]
    assert wrapped and all(line.glyphs[0].x >= inset.inset - 0.01 for line in wrapped)
