"""Session 15's trial, read back from the built PDF (tests/pages/layout/typo15.yaml):

1. a ZERO WIDTH JOINER between two Han reached the line breaker and the PDF's text (今天‍白天);
2. full-width digits and letters (２０２６年, ＧＤＰ, ５．２％) printed full-width in body, subtitle and
   caption (GB/T 15835-2011 sets figures half-width); a vertical headline keeps them upright;
3. a hyphen-minus before a figure (气温-2～7℃) printed as a hyphen, not the minus sign;
4. an eight-character caption parted a number from its unit (拍摄于11 / 月29日);
5. a credit's LRM and RLM reached the PDF (captions were normalised, credits not);
6. a date and time typed plain in a YAML title printed in ISO form (2026-12-02T14:30:00).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pagesetter.build import build_page
from pagesetter.content.normalise import normalise_text
from pagesetter.proof.readback import read_chars
from pagesetter.proof.report import normalised_line

PAGE = Path(__file__).resolve().parent / "pages" / "layout" / "typo15.yaml"
CONTENT = PAGE.parent.parent / "content" / "typo15"
FULL_WIDTH_ALNUM = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")  # written out: the test holds the rule
MINUS = "\u2212"
# Unit characters a figure is never parted from at a line's end (元, a counted unit, parts to spare
# two loose lines: compose/chars.py QUANTITY_UNITS).
UNITS = "月日年时分秒%℃万亿"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    return build_page(PAGE, tmp_path_factory.mktemp("typo15"))


@pytest.fixture(scope="module")
def read(built) -> dict[str, list[tuple[object, list]]]:
    """Each line of the page tree, by its role, with the PDF's characters printed on it: on its
    baseline within its measure, left to right; a vertical column's, glyph by glyph, where each
    glyph stands (its origin moved up by ``dy``)."""
    page = read_chars(built.pdf_path)[0]
    dx, dy = (page.width - built.page.trim[0]) / 2, (page.height - built.page.trim[1]) / 2
    out: dict[str, list[tuple[object, list]]] = {}
    for line in built.page.lines:
        if any(g.dy for g in line.glyphs):  # a vertical column
            chars = [c for g in line.glyphs for c in page.chars if abs(c.x - g.x - dx) < g.size / 2
                     and abs(c.baseline - (line.baseline - g.dy) - dy) < g.size / 2]
        else:
            chars = sorted((c for c in page.chars if abs(c.baseline - line.baseline - dy) < 0.5
                            and line.x - 1 <= c.x - dx <= line.x + line.width + 1), key=lambda c: c.x)
        out.setdefault(line.role, []).append((line, [c for c in chars if not c.text.isspace()]))
    return out


@pytest.fixture(scope="module")
def printed(read) -> dict[str, list[str]]:
    """The PDF's text of each line, by the line's role."""
    # (pdfium reads a hyphen ending a line as U+0002, its mark of a hyphen at a line's end)
    return {role: ["".join(c.text for c in chars).replace("\x02", "-") for _, chars in lines]
            for role, lines in read.items()}


def _all(printed: dict[str, list[str]]) -> str:
    return "".join(t for lines in printed.values() for t in lines)


def test_a_joiner_between_han_is_removed_and_listed(built, printed) -> None:
    """今天‍白天: the joiner joins nothing between Han; it reached the PDF and the line breaker."""
    body = "".join(printed["body"])
    assert "\u200d" not in _all(printed) and "今天白天晴" in body and "明天多云" in body, printed["body"]
    line = normalised_line(built.changes)
    assert "text.md:6:7 ⟨U+200D⟩" in line and "text.md:6:22 ⟨U+200D⟩" in line, line


@pytest.mark.parametrize("text, kept", [
    ("今天\u200d白天", "今天白天"),
    ("\u200d开头", "开头"),
    ("中\u200c文", "中文"),
    ("一家👨\u200d👩\u200d👧合影", "一家👨\u200d👩\u200d👧合影"),  # an emoji sequence's joiners: kept
    ("क्\u200dष", "क्\u200dष"),  # a joining script's: kept
])
def test_a_joiner_is_kept_only_where_it_joins(text: str, kept: str) -> None:
    assert normalise_text(text, drop_spaces=True)[0] == kept


def test_full_width_letters_and_digits_print_half_width(built, printed) -> None:
    horizontal = printed["body"] + printed["subtitle"] + printed["caption"]
    assert not any(FULL_WIDTH_ALNUM.search(t) for t in horizontal), horizontal
    body = "".join(printed["body"])
    assert "2026年全市GDP增长5.2%" in body and "人均GDP首次突破10万元" in body, body
    assert "".join(printed["subtitle"]) == "2026年GDP增长5%", printed["subtitle"]
    assert "图中GDP大楼" in "".join(printed["caption"]), printed["caption"]
    line = normalised_line(built.changes)
    assert "× full-width letter or digit→half-width" in line and "2× ％→%" in line and "1× ．→." in line, line


@pytest.mark.parametrize("text, expected", [
    ("２０２６年ＧＤＰ增长５．２％。", "2026年GDP增长5.2%。"),
    ("３．１２月总结表彰。", "3．12月总结表彰。"),  # an enumerator's point (序次语 3．) before 12月: kept
    ("活动结束。３．１２月总结", "活动结束。3．12月总结"),
    ("3．12月总结表彰，增长5％", "3．12月总结表彰，增长5％"),  # beside half-width figures: the copy's choice
    ("百分号％，ｉＰｈｏｎｅ", "百分号％，iPhone"),
])
def test_which_full_width_characters_go_half_width(text: str, expected: str) -> None:
    assert normalise_text(text, drop_spaces=True)[0] == expected


def test_a_vertical_headline_keeps_full_width_figures_upright(printed) -> None:
    """２０２６年冬运会开幕 set vertically: the figures as typed, one upright per em (not 2026 turned)."""
    title = "".join(printed["title"])
    assert "２０２６年" in title and "冬运会开幕" in title, printed["title"]


def test_a_hyphen_minus_before_a_figure_prints_as_a_minus(printed) -> None:
    body = "".join(printed["body"])
    for signed in ("气温−2～7℃", "气温−5～−1℃", "（−3℃）", "与−8℃"):
        assert signed in body, (signed, body)
    for code in ("G20-A", "3-5号线", "www.a-b.cn", "XK-2026-1"):  # a code's or a range's hyphen stays
        assert code in body, (code, body)
    assert body.count(MINUS) == 5, body


@pytest.mark.parametrize("text, expected", [
    ("气温-2～7℃", "气温−2～7℃"),
    ("零下 -5℃", "零下 −5℃"),
    ("-5～-1℃", "−5～−1℃"),
    ("2026年-2027年", "2026年-2027年"),  # a range typed with a hyphen: a unit after a figure before it
    ("1月-3月、5%-8%、3-5号线", "1月-3月、5%-8%、3-5号线"),
    ("G20-A、XK-2026-1、www.a-b.cn", "G20-A、XK-2026-1、www.a-b.cn"),
    ("http://a.cn/x?id=-1", "http://a.cn/x?id=-1"),
])
def test_which_hyphens_are_signs(text: str, expected: str) -> None:
    assert normalise_text(text, drop_spaces=True)[0] == expected


def test_a_narrow_caption_never_parts_a_figure_from_its_unit(built, read, printed) -> None:
    """The eight-character caption (a fit picture's): main printed 拍摄于11 / 月29日."""
    lines = printed["caption"]
    assert len(lines) >= 6 and "拍摄于11月29日" in "".join(lines), lines
    for a, b in zip(lines, lines[1:]):
        assert not (a[-1:].isdigit() and b[:1] in UNITS), (a, b, lines)
    page = read_chars(built.pdf_path)[0]
    dx = (page.width - built.page.trim[0]) / 2
    for line, chars in read["caption"]:
        assert line.width <= 8.5 * chars[0].size  # narrow: eight caption characters
        assert max(c.right for c in chars) - dx <= line.x + line.width + 0.05, line.text  # never over the measure


def test_a_number_wider_than_the_measure_still_parts(tmp_path: Path) -> None:
    """The fallback: a cost, not a ban; a column two characters wide parts 2026年11月 rather than set a
    line over its measure."""
    from pagesetter.build import load_page_spec
    from pagesetter.compose.lines import Run, compose_paragraph
    from pagesetter.fonts.face import FaceSet

    spec, manifest = load_page_spec(PAGE)
    style = spec.styles["caption"]
    for ems in (2, 3):
        lines, _ = compose_paragraph([Run("摄于2026年11月29日。", style)], ems * style.size, FaceSet(manifest))
        assert not any(line.overfull for line in lines), [(ln.text, ln.natural) for ln in lines]
        if ems == 2:  # 11月 is wider than two characters: parted, not set over
            assert [ln.text for ln in lines][-4:] == ["11", "月", "29", "日。"], [ln.text for ln in lines]


def test_a_credit_is_normalised_as_a_caption_is(built, printed) -> None:
    """本报记者\u200e 王强\u200f 摄: the bidi marks reached the PDF; now removed and listed with their places."""
    credit = [t for t in printed["caption"] if "王强" in t]
    assert credit and not re.search("[\u200e\u200f]", _all(printed)), printed["caption"]
    line = normalised_line(built.changes)
    assert "sliver.md:5:17 ⟨U+200E⟩" in line and "sliver.md:5:21 ⟨U+200F⟩" in line, line


def test_a_date_typed_in_a_title_prints_as_typed(printed) -> None:
    """title: 2026-12-02 14:30:00 (plain YAML, a timestamp): main printed 2026-12-02T14:30:00."""
    assert printed["title"][0] == "2026-12-0214:30:00", printed["title"]  # (the space read back left out)


def test_a_caption_line_spread_past_the_limit_is_warned(tmp_path: Path) -> None:
    """The sliver's caption, fitted to the picture's eight characters, sets `的 雪 景 。 摄 于`
    spread half an em between Han: a 校对 marks it, and the build said nothing of it (its body
    lines so spread are warned, `very-loose`; a caption's were not). Each caption line but the last
    spread past the limit is warned at the caption's line, with what it is set; no other."""
    from pagesetter.compose.spacing import VERY_LOOSE_LIMIT

    result = build_page(PAGE, tmp_path)
    said = [w for w in result.warnings if w.kind == "very-loose" and "caption line" in w.message]
    assert said, [w.message for w in result.warnings]
    for w in said:
        spread = float(re.search(r"is set (\d+\.\d+) em between Han", w.message)[1])
        assert spread > VERY_LOOSE_LIMIT, w.message
        assert w.loc.line == 4 and w.loc.path.endswith("sliver.md"), w
