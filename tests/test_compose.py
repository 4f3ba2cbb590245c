"""Line composition checked on the real seed page and on small paragraphs set with the real fonts."""

from __future__ import annotations

from pathlib import Path

import pytest

from pagesetter.compose.chars import NOT_AT_LINE_END, NOT_AT_LINE_START
from pagesetter.compose.display import compose_display
from pagesetter.compose.lines import Run, compose_paragraph
from pagesetter.fonts.face import FaceSet
from pagesetter.fonts.manifest import load_manifest
from pagesetter.spec.loader import load_spec


@pytest.fixture(scope="module")
def spec(root: Path):
    return load_spec(root / "layout" / "seed-page.yaml")


@pytest.fixture(scope="module")
def faces(spec) -> FaceSet:
    return FaceSet(load_manifest(spec.fonts_manifest))


def test_no_seed_line_breaks_a_kinsoku_rule(seed_build) -> None:
    lines = [l for l in seed_build.page.lines if l.role in ("body", "caption")]
    starts = [l.text for l in lines if l.text[:1] in NOT_AT_LINE_START]
    ends = [l.text for l in lines if l.text[-1:] in NOT_AT_LINE_END]
    assert starts == [] and ends == []


def test_latin_words_and_numbers_are_never_split(seed_build) -> None:
    body = [l.text for l in seed_build.page.lines if l.role == "body"]
    for a, b in zip(body, body[1:]):
        assert not (a[-1:].isascii() and a[-1:].isalnum() and b[:1].isascii() and b[:1].isalnum()), (a, b)
    assert any("12123" in t for t in body) and any("APP" in t for t in body)


def test_no_paragraph_ends_on_a_lone_character(seed_build) -> None:
    for line in seed_build.page.lines:
        if line.role == "body" and line.paragraph_end:
            solid = [c for c in line.text if c not in "，。、；：？！”’）》…—"]
            assert len(solid) >= 2, line.text


def test_first_line_indent_is_two_ems(spec, faces) -> None:
    body = spec.styles["body"]
    lines, missing = compose_paragraph([Run("在疫情防控工作中，东丰县融媒体中心新闻宣传联合党支部的新闻宣传工作者夜以继日地战斗在疫情防控一线。", body)],
                                       117.0, faces, indent=body.indent)
    assert missing == []
    assert lines[0].glyphs[0].x == pytest.approx(18.0)
    assert lines[1].glyphs[0].x == pytest.approx(0.0)


def test_kaiming_sets_commas_half_width_and_stops_full(spec, faces) -> None:
    body = spec.styles["body"]
    lines, _ = compose_paragraph([Run("甲，乙。丙", body)], 500.0, faces, justify=False)
    xs = [g.x for g in lines[0].glyphs]
    assert xs[2] - xs[1] == pytest.approx(4.5)  # ， half an em
    assert xs[4] - xs[3] == pytest.approx(9.0)  # 。 full em


def test_han_latin_gap_is_a_quarter_em(spec, faces) -> None:
    body = spec.styles["body"]
    lines, _ = compose_paragraph([Run("交管12123APP等", body)], 500.0, faces, justify=False)
    g = lines[0].glyphs
    assert g[2].x - (g[1].x + 9.0) == pytest.approx(0.25 * 9.0)


def test_a_comma_that_would_start_a_line_is_pushed_in_first(spec, faces) -> None:
    """13 characters and a comma in a 13-em measure (开明: the comma is already half width, so it
    cannot be squeezed itself): 先挤后推 — the Han close up by 1/16 em, no more, and the comma ends
    the line, rather than a character going down and the line spreading by an em."""
    body = spec.styles["body"]
    lines, _ = compose_paragraph([Run("一二三四五六七八九十一二三，四五六", body)], 117.0, faces)
    assert lines[0].text == "一二三四五六七八九十一二三，"
    assert not lines[1].text.startswith("，")
    xs = [g.x for g in lines[0].glyphs]
    steps = [b - a - 9.0 for a, b in zip(xs, xs[1:13])]
    assert all(-9.0 / 16 - 1e-6 <= step <= 0.0 for step in steps), steps


def test_a_line_end_stop_gives_up_its_blank_to_fit(spec, faces) -> None:
    """12 characters and 。 (full width in 开明) overrun 13 ems only by the 。's blank half: pushed in."""
    body = spec.styles["body"]
    lines, _ = compose_paragraph([Run("一二三四五六七八九十一二三。四五", body)], 121.5, faces)
    assert lines[0].text == "一二三四五六七八九十一二三。"


def test_two_clause_headline_breaks_at_the_space(spec, faces) -> None:
    title = spec.styles["title"]
    one, _ = compose_display("媒体战士在“疫”线 危难时刻见初心", title, 600.0, faces)
    assert len(one) == 1
    two, _ = compose_display("媒体战士在“疫”线 危难时刻见初心", title, 300.0, faces)
    assert [l.text for l in two] == ["媒体战士在“疫”线", "危难时刻见初心"]


MARKS = set("，。、；：？！“”‘’（）《》·—…")


def test_no_two_glyphs_overlap_and_ink_stays_in_the_measure(seed_build, spec, faces) -> None:
    """Marks are placed by the composer (compressed, shifted, scaled): their ink never touches a
    neighbour and never leaves the column. (Han glyphs keep their em boxes; some overhang by design,
    员 in Noto Serif by 0.06 em, so their ink is not the test.)"""
    for line in seed_build.page.lines:
        if line.role not in ("body", "caption"):
            continue
        boxes = []
        for g in line.glyphs:
            face = faces.get(g.face)
            if g.text in MARKS:
                left, right = face.ink_extent(g.gid)
                boxes.append((g.x + left * g.size * g.scale_x, g.x + right * g.size * g.scale_x, g.text))
            elif g.text:
                boxes.append((g.x, g.x + face.advance(g.gid) * g.size, g.text))
        for (l1, r1, t1), (l2, r2, t2) in zip(boxes, boxes[1:]):
            if MARKS & {t1, t2}:  # (Latin pairs may kern into each other)
                assert r1 <= l2 + 0.05, (line.text, t1, t2, r1, l2)
        assert boxes[0][0] >= line.x - 0.05 and boxes[-1][1] <= line.x + line.width + 0.05, line.text


def test_proportional_quotes_are_set_on_the_grid(spec, faces) -> None:
    """LXGW WenKai's “” are 350 units wide; in Chinese text they take the grid width of the style."""
    caption = spec.styles["caption"]  # 楷体
    lines, _ = compose_paragraph([Run("筑牢“疫”堡垒", caption)], 500.0, faces, justify=False)
    g = lines[0].glyphs
    assert g[3].x - g[1].x == pytest.approx(9.0 + 4.5, abs=0.01)  # 牢 + “ at half an em (开明)
    assert g[5].x - g[3].x == pytest.approx(9.0 + 4.5, abs=0.01)  # 疫 + ” at half an em
    left, right = faces.get(g[2].face).ink_extent(g[2].gid)
    assert 18.0 <= g[2].x + left * 9 and g[2].x + right * 9 <= 22.5  # the quote's ink inside its half em


def test_a_dash_is_one_unbroken_two_em_rule(spec, faces) -> None:
    body = spec.styles["subtitle"]
    lines, _ = compose_paragraph([Run("——记东丰县", body)], 500.0, faces, justify=False)
    d1, d2 = lines[0].glyphs[:2]
    face = faces.get(d1.face)
    l1, r1 = face.ink_extent(d1.gid)
    l2, r2 = face.ink_extent(d2.gid)
    start = d1.x + l1 * d1.size * d1.scale_x
    end1 = d1.x + r1 * d1.size * d1.scale_x
    start2 = d2.x + l2 * d2.size * d2.scale_x
    end2 = d2.x + r2 * d2.size * d2.scale_x
    assert start == pytest.approx(0.0, abs=0.05)
    assert start2 - end1 <= 0.05  # no gap between the halves
    assert end2 == pytest.approx(2 * d1.size, abs=0.05)  # two ems


def test_an_opening_quote_that_starts_a_line_drops_its_left_blank(spec, faces) -> None:
    """全角 style: “ is a full em mid-line, but at a line start it is set half width (clreq §3.1.6)."""
    from dataclasses import replace

    quanjiao = replace(spec.styles["body"], punctuation="quanjiao")
    lines, _ = compose_paragraph([Run("一二三四五六七八九十一二三“四五”六七", quanjiao)], 117.0, faces)
    assert lines[1].text.startswith("“")
    quote, nxt = lines[1].glyphs[:2]
    left, right = faces.get(quote.face).ink_extent(quote.gid)
    assert 0.0 <= quote.x + left * 9 < 1.0  # ink at the column edge, no blank before it
    assert nxt.x == pytest.approx(4.5, abs=0.6)  # the quote took half an em


def test_a_url_in_a_headline_breaks_to_fit(spec, faces) -> None:
    """Display lines (headlines) break a URL too, even where a piece between its marks is wider
    than the width (example. at 小一 in 70 pt): none is wider than its width."""
    title = spec.styles["title"]
    for width in (200.0, 70.0):
        lines, _ = compose_display("访问https://www.example.com/news/2022/06/30/notice.html查看", title, width, faces)
        assert len(lines) >= 3
        # as set: a line may fit by its shrink (its natural width a little over), never past it
        ends = [max(g.x + faces.get(g.face).advance(g.gid) * g.size * g.scale_x for g in line.glyphs)
                for line in lines]
        assert not any(line.overfull for line in lines) and max(ends) <= width + 0.01, \
            [(l.text, l.natural, end) for l, end in zip(lines, ends)]


# tests/pages/content/torture/numbers-kaiming.md: three lines of it were spread past LOOSE_EM while
# 3,200元 stayed whole; Typst breaks 3,200 / 元 and prints none.
QUANTITIES = ("2021年全市地区生产总值（GDP）达7,103.1亿元，同比增长6.2%；人均可支配收入4.6万元，"
              "比上年增加3,200元。全年接待游客8,600万人次，实现旅游收入1,350亿元，恢复到2019年同期的92.3%。")
# tests/pages/content/torture/numbers-lists.md: the dates stay whole though a line is loose for it.
DATES = "附则：本办法自2022年7月1日起施行，有效期至2023年6月30日。第Ⅰ部分、第Ⅱ部分、第Ⅲ部分分别由市卫健委负责解释。"


def _breaks(lines) -> list[tuple[str, str]]:
    return [(a.text, b.text) for a, b in zip(lines, lines[1:])]


def test_a_counted_quantity_splits_rather_than_leave_loose_lines(spec, faces) -> None:
    from pagesetter.compose.spacing import LOOSE_EM

    body = spec.styles["body"]
    lines, missing = compose_paragraph([Run(QUANTITIES, body)], 117.0, faces, indent=body.indent)
    assert missing == []
    assert [l.text for l in lines if not l.last and l.han_spread > LOOSE_EM] == []
    # a number and its magnitude (万, 亿), an approximation (余), a year and a percentage stay whole
    for end, start in _breaks(lines):
        assert not (end[-1:].isdigit() and start[:1] in "万亿余多年%％"), (end, start)


def test_dates_stay_whole_even_at_the_price_of_a_loose_line(spec, faces) -> None:
    body = spec.styles["body"]
    lines, _ = compose_paragraph([Run(DATES, body)], 117.0, faces, indent=body.indent)
    for end, start in _breaks(lines):
        assert not (end[-1:].isdigit() and start[:1] in "年月日"), (end, start)
