"""The Latin test page (tests/pages/layout/latin.yaml): URLs, e-mail addresses, codes and long
words in 13字 columns, ZWSP, soft hyphens, word joiners and NBSP, read back from the PDF."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from pagesetter.build import build_page
from pagesetter.compose.chars import URL_PATTERN, url_break_at
from pagesetter.proof.readback import Char, read_chars

PAGE = Path(__file__).resolve().parent / "pages" / "layout" / "latin.yaml"
# Latin marks a 校对 would not let start or end a line (UAX #14 classes CL CP IS EX PO / OP).
LATIN_NOT_AT_LINE_START = set(".,;:!?)]}%")
LATIN_NOT_AT_LINE_END = set("([{")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    return build_page(PAGE, tmp_path_factory.mktemp("latin-page"))


@pytest.fixture(scope="module")
def chars(built) -> list[Char]:
    """The PDF's characters, moved from the media box's corner to the trim's (the page's frame)."""
    page = read_chars(built.pdf_path)[0]
    off = (page.width - built.page.trim[0]) / 2  # bleed and the printer's marks, on every side
    return [c._replace(x=c.x - off, baseline=c.baseline - off, right=c.right - off, ink_left=c.ink_left - off,
                    ink_right=c.ink_right - off) for c in page.chars]


def _body(built, article: str = "latin-strings"):
    return [l for l in built.page.lines if l.article == article and l.role == "body"]


def _on_line(chars: list[Char], line) -> list[Char]:
    """The PDF's characters of one body line: on its baseline, at the origins of its glyphs
    (wherever they are, past the column too), in order."""
    origins = [g.x for g in line.glyphs]
    return sorted((c for c in chars if abs(c.baseline - line.baseline) < 0.5
                   and any(abs(c.x - x) < 0.02 for x in origins)), key=lambda c: c.x)


def test_no_ink_past_the_column(built, chars) -> None:
    """Every URL, address, code and long word is broken to fit: nothing reaches the next column."""
    lines = _body(built)
    assert lines
    worst = 0.0
    for line in lines:
        for c in _on_line(chars, line):
            if c.text.isascii() and not c.text.isspace():  # Latin; a Han glyph may overhang by design
                worst = max(worst, c.ink_right - (line.x + line.width))
    assert worst <= 0.1, worst


def test_the_hostile_strings_are_all_printed(built) -> None:
    text = "".join(l.text for l in _body(built)).replace("-", "")
    for s in ("https://www.example.com/news/2022/06/30/epidemicpreventionnotice.html?id=88&lang=zh",
              "epidemic.prevention.office@citydailyexample.com.cn", "ABC1234567890XYZ",
              "supercalifragilisticexpialidocious"):
        assert s in text, s


def test_latin_punctuation_obeys_kinsoku(built) -> None:
    """No line starts with . , ; : ! ? ) ] } % and none ends with ( [ { (the 禁则 of their Chinese
    counterparts; UAX #14 classes CL CP IS EX PO / OP)."""
    lines = _body(built)
    for a, b in zip(lines, lines[1:]):
        if not a.paragraph_end:
            # but the mark a URL or e-mail address breaks before (Chicago: .example.com, /news)
            cut = len(a.text)
            goes_on = any(url_break_at(m.group(), cut - m.start()) for m in re.finditer(URL_PATTERN, a.text + b.text)
                          if m.start() < cut < m.end())
            assert b.text[:1] not in LATIN_NOT_AT_LINE_START or goes_on, (a.text, b.text)
            assert a.text[-1:] not in LATIN_NOT_AT_LINE_END, (a.text, b.text)


def test_urls_break_as_chicago_says_without_a_hyphen(built) -> None:
    """Inside the URL lines end after : or //, before / . - ? and beside & = (Chicago Manual of
    Style 6.80, 14.18: the mark that opens a line says the address goes on), never after a period
    or a hyphen, and never gain a hyphen of their own."""
    lines = _body(built)
    first = next(k for k, l in enumerate(lines) if "https" in l.text)
    last = next(k for k, l in enumerate(lines) if "lang=zh" in l.text)
    url = lines[first:last + 1]
    assert len(url) >= 3
    whole = "https://www.example.com/news/2022/06/30/epidemic-prevention-notice.html?id=88&lang=zh"
    joined = "".join(l.text for l in url)
    assert whole in joined
    start = joined.index(whole)
    cut = 0
    for line in url[:-1]:
        cut += len(line.text)
        assert not line.text.endswith((".", "-")), line.text
        assert url_break_at(whole, cut - start), (line.text, whole[cut - start:])


def test_zero_width_space_breaks_without_a_gap(built, chars) -> None:
    """U+200B is a break opportunity of no width: no glyph, and where the line runs on past it the
    letters stand as HarfBuzz set them (plus the even letter spacing of a justified line)."""
    from pagesetter.fonts.face import FaceSet
    from pagesetter.fonts.manifest import load_manifest

    assert not any(c.text == "\u200b" for c in chars)
    line = next(l for l in _body(built) if "abcdefghij" in l.text)
    run = [c for c in _on_line(chars, line) if c.text.isascii() and c.text.isalpha()]
    text = "".join(c.text for c in run)
    assert "jk" in text  # the ZWSP after j did not end the line
    face = FaceSet(load_manifest(built.spec.fonts_manifest)).get(built.spec.styles["body"].font)
    advances = [g.advance * 9.0 for g in face.shape(text)]
    extra = [b.x - a.x - adv for a, b, adv in zip(run, run[1:], advances)]
    assert max(extra) - min(extra) < 0.05, extra


def test_soft_hyphen_prints_a_hyphen_only_at_a_line_end(built, chars) -> None:
    assert not any(c.text == "\u00ad" for c in chars)
    lines = [l for l in _body(built) if any(w in l.text for w in ("inter", "national", "ization", "framework"))]
    assert len(lines) >= 2
    for line in lines:
        # pdfium reports a hyphen that ends a line as U+0002 (its "soft hyphen" mark)
        got = [c for c in _on_line(chars, line) if c.text in ("-", "\x02")]
        if line.text.endswith("-"):
            assert len(got) == 1 and got[0].ink_right <= line.x + line.width + 0.1
        else:
            assert got == [], line.text
    assert sum(l.text.endswith("-") for l in lines) >= 1
    # no space or gap where a soft hyphen did not break: the word's letters set as one word
    whole = "".join(l.text[:-1] if l.text.endswith("-") else l.text for l in lines)
    assert "internationalizationandlocalizationframework" in whole


def test_word_joiner_and_nbsp_hold_together(built) -> None:
    lines = [l.text for l in _body(built)]
    assert any("甲乙丙丁" in t for t in lines)
    assert any("New\u00a0York" in t for t in lines) and any("Hong\u00a0Kong" in t for t in lines)
    assert not any("\u2060" in t for t in lines)


def test_the_page_builds_clean_from_the_command_line(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "pagesetter", "build", str(PAGE), "-o", str(tmp_path)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "overfull" not in done.stderr and "missing-glyph" not in done.stderr


def test_a_glyph_wider_than_the_column_fails_the_build(tmp_path: Path) -> None:
    """The one thing no break can fix: a character wider than the measure. Exit 1, one line
    naming the paragraph, never ink over the next column with exit 0."""
    from conftest import copy_project

    project = copy_project(tmp_path)
    spec = project / "layout" / "seed-page.yaml"
    # A 13 pt lead (within the 13.5 pt grid pitch, as every grid-set style must be) in columns one
    # 小五 character (9 pt) wide.
    text = spec.read_text(encoding="utf-8").replace("column_width: 13字", "column_width: 1字", 1)
    spec.write_text(text.replace("styles:", "styles:\n  lead: {base: body, font: hei, size: 13pt}", 1)
                    if "\nstyles:" in text else text + "styles:\n  lead: {base: body, font: hei, size: 13pt}\n",
                    encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "pagesetter", "build", "-o", str(tmp_path / "out")],
                          cwd=project, capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, (done.returncode, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "wider than the column" in lines[0] and ".md:" in lines[0], done.stderr
    assert "Traceback" not in done.stderr


def _blank_between(chars: list[Char], line, a: str, b: str) -> float:
    """Ems of blank between the em box of ``a`` and the origin of the ``b`` after it, on a line."""
    got = _on_line(chars, line)
    k = next(i for i, c in enumerate(got) if c.text == a and i + 1 < len(got)
             and next((d.text for d in got[i + 1:] if d.text.strip()), "") == b)
    after = next(d for d in got[k + 1:] if d.text.strip())
    return (after.x - got[k].x - got[k].size) / got[k].size


def test_spaces_in_chinese_copy_are_kept_with_their_widths(built, chars) -> None:
    """本报讯（记者 张明 通讯员 李华）: an ASCII space between Chinese characters stays, half an em
    (compose/chars.py); U+3000 is one em; the space after a run-in lead stays."""
    lines = _body(built, "latin-spaces")
    byline = next(l for l in lines if "记者" in l.text)
    assert "记者 张明" in byline.text
    assert 0.4 <= _blank_between(chars, byline, "者", "张") <= 0.9
    han = _blank_between(chars, byline, "本", "报")
    assert han < 0.2  # between Han: no more than the line's even stretch
    wide = next(l for l in lines if "署名" in l.text)
    assert "署名\u3000一字空" in wide.text
    assert 0.85 <= _blank_between(chars, wide, "名", "一") <= 1.3
    lead = next(l for l in lines if "会议要求" in l.text)
    assert "。 各" in lead.text
    assert _blank_between(chars, lead, "。", "各") >= 0.4


def test_the_normalisation_report_counts_only_removed_spaces(built) -> None:
    removed = [c for c in built.changes if not c.after]
    assert removed == []  # the test page's spaces are all meaningful: none removed, none reported


UNITS = ("月", "日", "版", "个", "小时")  # the units the test page's numbers take
ENUMERATOR_ENDS = ("①", "2.", "3、")


def test_numbers_stay_with_their_units_and_enumerators_with_their_items(built) -> None:
    """3月14日起在全市执行（第2版）12个①检查；2.组织24小时值守；3、落实。 at thirteen offsets in
    a 13字 column: no line ends between a number and its unit or after 第, none ends on an
    enumerator (①, 2., 3、)."""
    lines = _body(built, "latin-spaces")
    pairs = [(a.text, b.text) for a, b in zip(lines, lines[1:]) if not a.paragraph_end]
    assert len(pairs) >= 26
    for end, start in pairs:
        assert not (end[-1:].isdigit() and start.startswith(UNITS)), (end, start)
        assert not (end.endswith("第") and start[:1].isdigit()), (end, start)
        assert not end.endswith(ENUMERATOR_ENDS), (end, start)
