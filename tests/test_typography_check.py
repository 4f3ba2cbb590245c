"""`pagesetter check` finds each kind of fault in a page made to have it, and none on a clean one."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from pagesetter.fonts.face import FaceSet
from pagesetter.fonts.manifest import load_manifest
from pagesetter.pagetree import Frame, Glyph, Page, TextLine
from pagesetter.proof.readback import read_chars
from pagesetter.proof.typography import PROBLEMS, check_pdf
from pagesetter.render.pdf import render_pdf
from pagesetter.spec.model import BLACK

LEFT, MEASURE, PITCH, TOP = 50.0, 117.0, 13.5, 60.0
FULL = "一二三四五六七八九十上中下"  # 13 characters: a full 13-em line


@pytest.fixture(scope="module")
def manifest(root: Path):
    return load_manifest(root / "fonts" / "manifest.yaml")


def _line(faces: FaceSet, text: str, row: int, *, x0: float = 0.0, step: float = 9.0, dy: float = 0.0) -> TextLine:
    face = faces.get("song")
    glyphs = tuple(Glyph("song", 9.0, face.glyph_for(ch), LEFT + x0 + i * step, ch, BLACK) for i, ch in enumerate(text))
    return TextLine(glyphs, TOP + row * PITCH + dy, LEFT, MEASURE, "t", "body")


def _check(tmp_path: Path, manifest, rows: list[TextLine]) -> object:
    page = Page("t", (300.0, 400.0), 0.0, tuple(rows), (), (), ())
    pdf = tmp_path / "t.pdf"
    pdf.write_bytes(render_pdf(page, manifest, "t").pdf)
    return check_pdf(pdf)


def _clean_rows(faces: FaceSet) -> list[TextLine]:
    rows = [_line(faces, FULL, r) for r in range(8)]
    rows.append(_line(faces, "上中下四五。", 8))  # a paragraph's last line
    rows.append(_line(faces, FULL[:11], 9, x0=18.0))  # the next paragraph, indented two ems
    return rows


def test_clean_page_has_no_findings(tmp_path: Path, manifest) -> None:
    report = _check(tmp_path, manifest, _clean_rows(FaceSet(manifest)))
    assert report.problems == 0, report.text()
    assert report.lines == 10 and report.justified_lines >= 8


def test_each_fault_is_found(tmp_path: Path, manifest) -> None:
    faces = FaceSet(manifest)
    rows = _clean_rows(faces)
    rows[1] = _line(faces, "，" + FULL[1:], 1)  # kinsoku: a comma starts a line
    rows[2] = _line(faces, FULL[:12] + "“", 2)  # kinsoku: an opening quote ends a line
    rows[3] = _line(faces, FULL, 3, step=8.9)  # justified line 1.2 pt short of the measure
    rows[4] = _line(faces, FULL[:12] + "—", 4)  # a 破折号 split across lines
    rows[5] = _line(faces, "—" + FULL[1:], 5)
    rows[6] = _line(faces, FULL, 6, dy=3.0)  # off the baseline grid
    rows[8] = _line(faces, "好。", 8)  # 孤字: a paragraph ends on one character
    report = _check(tmp_path, manifest, rows)
    assert [f.text[0] for f in report.kinsoku] == ["，", "一"]
    assert len(report.off_measure) == 1 and report.off_measure[0].text == FULL
    assert len(report.split_marks) == 1
    assert [f.text for f in report.lone_char] == ["好。"]
    assert len(report.off_grid) == 1


def test_check_command_on_the_seed_page(seed_build) -> None:
    """The acceptance figures, from glyph positions read back from the PDF."""
    result = subprocess.run([sys.executable, "-m", "pagesetter", "check", "--json", str(seed_build.pdf_path)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout
    report = next(iter(json.loads(result.stdout).values()))
    assert report["problems"] == 0
    assert report["frames"]  # body lines by the page's own frames: its five captions are not among them
    assert report["lines"] > 400 and report["justified_lines"] > 350
    assert report["han_latin_em"]["max"] <= 0.34 and report["mark_lengths_em"]["max"] <= 2.05
    assert 0.0 <= report["gap_em"]["max"] <= 0.25  # no line spread by more than a quarter em a gap


# --- our PDFs: body lines by their frames; the rules of issue 14 ---------------------------------

ROWS = 10


def _body_frame(rows: int = ROWS, x: float = LEFT, article: str = "t") -> Frame:
    return Frame(article, "body", x, TOP - PITCH + 2.0, MEASURE, rows * PITCH)


def _glyphs(faces: FaceSet, text: str, xs: list[float], face: str = "song", size: float = 9.0,
            texts: list[str] | None = None) -> tuple[Glyph, ...]:
    f = faces.get(face)
    return tuple(Glyph(face, size, f.glyph_for(ch), x, (texts[i] if texts else ch), BLACK)
                 for i, (ch, x) in enumerate(zip(text, xs)))


def _at(faces: FaceSet, text: str, row: int, xs: list[float], face: str = "song", role: str = "body",
        texts: list[str] | None = None) -> TextLine:
    return TextLine(_glyphs(faces, text, xs, face, texts=texts), TOP + row * PITCH, LEFT, MEASURE, "t", role)


def _framed(tmp_path: Path, manifest, rows: list[TextLine], frames: list[Frame], size=(300.0, 400.0)):
    page = Page("t", size, 0.0, tuple(rows), (), (), tuple(frames))
    pdf = tmp_path / "t.pdf"
    pdf.write_bytes(render_pdf(page, manifest, "t").pdf)
    return check_pdf(pdf), pdf


def _names(report) -> set[str]:
    return {key for key, _ in PROBLEMS if getattr(report, key)}


def test_a_clean_framed_page_has_no_findings(tmp_path: Path, manifest) -> None:
    faces = FaceSet(manifest)
    rows = _clean_rows(faces) + [_line(faces, "好。", 10, x0=18.0)]  # a one-line paragraph is no 孤字
    report, _ = _framed(tmp_path, manifest, rows, [_body_frame(11)])
    assert report.frames and report.problems == 0, report.text()
    assert report.lines == 11 and report.justified_lines >= 8


def _vertical(faces: FaceSet, text: str, x: float, top: float, size: float = 22.0, face: str = "hei") -> TextLine:
    """A vertical column as the engine sets one: upright glyphs down from ``top``, one em apart."""
    f = faces.get(face)
    glyphs = tuple(Glyph(face, size, f.glyph_for(ch), x, ch, BLACK, -(k + 0.88) * size) for k, ch in enumerate(text))
    return TextLine(glyphs, top, x, size, "t", "title")


def test_each_new_rule_is_found_and_named(tmp_path: Path, manifest) -> None:
    """A framed page made to break each rule: the report names every one, and `check` exits 4."""
    faces = FaceSet(manifest)
    rows = _clean_rows(faces)
    steps = [LEFT + i * 9.0 for i in range(13)]
    # ——: Noto's ccmp ligature, one glyph one em wide standing for both dashes (issue 14, item 1)
    rows[0] = _at(faces, FULL[:5] + "—" + FULL[6:], 0, steps, texts=list(FULL[:5]) + ["——"] + list(FULL[6:]))
    # Latin past the measure: a product code that does not fit
    code = "ABC-1234567890-XYZ-0099"
    rows[1] = _at(faces, "一二" + code, 1, steps[:2] + [LEFT + 18 + i * 5.5 for i in range(len(code))])
    # a Han–Latin gap of 0.45 em
    rows[2] = _at(faces, "一二三3四五六七八九十上", 2, steps[:3] + [LEFT + 27 + 0.45 * 9] +
                  [LEFT + 27 + 0.45 * 9 + 5 + 0.45 * 9 + i * (117 - 9 - (27 + 0.9 * 9 + 5)) / 7 for i in range(8)])
    # a very loose line: ten Han over thirteen ems (a third of an em between each)
    rows[3] = _at(faces, FULL[:10], 3, [LEFT + i * 12.0 for i in range(10)])
    # a hole: one em of nothing in the middle of a justified line
    rows[4] = _at(faces, FULL[:6] + FULL[7:], 4, steps[:6] + steps[7:])
    # Latin kinsoku (UAX #14): a URL broken before its query string, "?" starting the line
    # (set at its glyphs' advances: one slot a character drew white after a narrow i, 0.24 em, which
    # a reader sees as a word space, and check quotes as one)
    song = faces.get("song")
    url = [LEFT + 9.0 * sum(song.advance(song.glyph_for(ch)) for ch in "?id=88"[:i]) for i in range(6)]
    rows[5] = _at(faces, "?id=88" + FULL[:10], 5, url + [LEFT + 27 + i * 9.0 for i in range(10)])
    # vertical headline: a column of one character, and a column that starts with a comma
    head = Frame("t", "headline", 200.0, 40.0, 90.0, 200.0)
    vertical = [_vertical(faces, "竖排标题测", 260.0, 50.0), _vertical(faces, "试", 232.0, 50.0),
                _vertical(faces, "，标题", 204.0, 50.0)]
    report, pdf = _framed(tmp_path, manifest, rows + vertical, [_body_frame(), head])
    found = _names(report)
    assert {"mark_length", "off_measure", "wide_han_latin", "very_loose", "holes", "one_char_columns",
            "vertical_kinsoku"} <= found, report.text()
    # the code past the measure: one line off it, one finding, not one more for each character's
    # ink past the frame (trial 17c: one defect said twice)
    assert [f.text[:5] for f in report.off_measure if not f.short] == ["一二ABC"], report.off_measure
    assert not report.ink_past, report.ink_past
    assert [f.text[:6] for f in report.kinsoku] == ["?id=88"]
    assert report.mark_length[0].detail.startswith("—— is 0.80 em")  # Noto's one dash glyph, not two ems
    assert report.vertical_columns == 3 and [f.text for f in report.one_char_columns] == ["试"]
    assert report.loose_lines >= 1 and report.spacing_jumps >= 1  # figures, not problems
    assert report.han_latin_em["max"] == pytest.approx(0.45, abs=0.02)
    text = report.text()
    for title in ("——/…… not two ems", "ink past the measure", "Han–Latin gap too wide", "very loose line", "hole",
                  "one-character column", "vertical kinsoku"):
        assert title in text
    run = subprocess.run([sys.executable, "-m", "pagesetter", "check", "--json", str(pdf)], capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 4
    data = next(iter(json.loads(run.stdout).values()))
    assert data["problems"] == report.problems and data["holes"] and data["han_latin_em"]["max"] > 0.34


def test_a_two_em_dash_in_two_glyphs_passes(tmp_path: Path, manifest) -> None:
    faces = FaceSet(manifest)
    rows = _clean_rows(faces)
    rows[0] = _at(faces, FULL[:5] + "——" + FULL[7:], 0, [LEFT + i * 9.0 for i in range(13)], face="kai")
    report, _ = _framed(tmp_path, manifest, rows, [_body_frame()])
    assert report.problems == 0, report.text()
    assert report.mark_lengths_em["min"] == pytest.approx(2.0, abs=0.05)


def test_bylines_captions_and_the_slug_are_not_body(tmp_path: Path, manifest) -> None:
    """小五 (the body size) byline, caption and slug, off the body's grid and short of its measure:
    not body lines, in our PDF (frames) nor in one without frames (inference)."""
    faces = FaceSet(manifest)
    rows = [_line(faces, FULL, r) for r in range(ROWS)]
    rows[ROWS - 1] = _line(faces, "上中下四五。", ROWS - 1)
    byline = TextLine(_glyphs(faces, "本报记者刘洋", [LEFT + 40 + i * 9 for i in range(6)]), TOP - 20.3, LEFT, MEASURE,
                      "t", "byline")
    caption = [TextLine(_glyphs(faces, FULL[:12] + "。", [160 + i * 9.0 for i in range(13)], "kai"), 250.7, 160, MEASURE,
                        "t", "caption"),
               TextLine(_glyphs(faces, "上中下", [160 + i * 9.0 for i in range(3)], "kai"), 264.2, 160, MEASURE,
                        "t", "caption")]
    slug = TextLine(_glyphs(faces, "t.pdf 2022-06-30", [20 + i * 5 for i in range(16)]), 395.0, 20, 200, "", "slug")
    frames = [_body_frame(), Frame("t", "headline", LEFT, TOP - 35, MEASURE, 22.0),
              Frame("t", "caption", 160, 240, MEASURE, 27.0)]
    report, _ = _framed(tmp_path, manifest, rows + [byline, *caption, slug], frames)
    assert report.problems == 0, report.text()
    assert report.lines == ROWS
    report = _check(tmp_path, manifest, rows + [byline, *caption, slug])
    assert report.problems == 0, report.text()
    assert report.lines == ROWS


def test_any_unicode_is_read_and_reported_without_a_crash(tmp_path: Path, manifest) -> None:
    """CJK Extension B, emoji, private use, combining marks and right-to-left text in a line that
    breaks a rule (so its text is printed): one character each from pdfium's UTF-16, no traceback."""
    faces = FaceSet(manifest)
    odd = ["𠮷", "😀", "\ue000", "e\u0301", "שָׁלוֹם", "مرحبا", "\u202e", "\U000E0100", "𝒳"]
    base = "，甲乙丙丁戊己庚辛壬"  # a kinsoku fault first (the line is printed); glyphs no other line uses
    xs = [LEFT + i * 9.0 for i in range(len(base))]
    texts = [base[0]] + odd
    rows = [_line(faces, FULL, r) for r in range(3)] + [_at(faces, base, 3, xs, texts=texts)]
    report, pdf = _framed(tmp_path, manifest, rows, [_body_frame(4)])
    chars = read_chars(pdf)[0].chars
    assert "𠮷" in [c.text for c in chars] and not [c for c in chars if 0xD800 <= ord(c.text) < 0xE000]
    for args in (["check", str(pdf)], ["check", "--json", str(pdf)]):
        run = subprocess.run([sys.executable, "-m", "pagesetter", *args], capture_output=True, text=True,
                             timeout=120, env=dict(os.environ, PYTHONIOENCODING="utf-8"))
        assert run.returncode == 4 and "Traceback" not in run.stderr, run.stderr
        assert "𠮷" in run.stdout


def test_a_grid_whose_phase_ends_in_five_hundredths_is_the_grid(tmp_path: Path, manifest) -> None:
    """Baselines at 60.55 + n × 13.5 pt (the vertical test page's grid): the phase is 6.55 pt, not
    6.5 or 6.6 (which put every line 0.05 pt off its own grid)."""
    faces = FaceSet(manifest)
    rows = [_line(faces, FULL, r, dy=0.55) for r in range(8)] + [_line(faces, "上中下四五。", 8, dy=0.55)]
    report = _check(tmp_path, manifest, rows)
    assert report.off_grid == [], report.text()


def test_a_space_kept_in_chinese_text_is_no_hole(tmp_path: Path, manifest) -> None:
    """记者 张明: a space glyph drawn in the gap (pdfium may report it as a space it generated)
    is a space the copy asked for; the same em of white with nothing drawn is a hole."""
    faces = FaceSet(manifest)
    rows = _clean_rows(faces)
    xs = [LEFT + i * 9.0 for i in range(13)]
    # the space glyph inside the em where 七 was, as the engine sets one (after a gap: pdfium then
    # reports it as a space it generated, at the glyph's own origin)
    rows[4] = _at(faces, FULL[:6] + " " + FULL[7:], 4, xs[:6] + [xs[6] + 2.3] + xs[7:])
    report, _ = _framed(tmp_path, manifest, rows, [_body_frame()])
    assert report.holes == [] and report.problems == 0, report.text()
    rows[4] = _at(faces, FULL[:6] + FULL[7:], 4, xs[:6] + xs[7:])
    report, _ = _framed(tmp_path, manifest, rows, [_body_frame()])
    assert len(report.holes) == 1, report.text()


def test_a_line_short_of_the_measure_is_a_paragraphs_end_only_where_its_source_says(tmp_path: Path, manifest) -> None:
    """A line half an em short of the measure, the next starting at the same left (a `::: noindent`
    block): off the measure while the source map puts both in one paragraph, or one source line
    apart (a paragraph written over two lines); a paragraph's last line, set flush left, when a
    blank line stands between their source lines (content/reader.py: one ends a paragraph)."""
    from pagesetter.pagetree import ArticleSource

    faces = FaceSet(manifest)
    rows = [_line(faces, FULL, r) for r in range(6)]
    rows[2] = _line(faces, FULL, 2, step=8.6)  # 13 characters ending 4.8 pt (0.53 em) short
    block = Frame("t", "block", LEFT - 1, TOP - PITCH, MEASURE + 2, 7 * PITCH)

    def judged(runs: tuple[tuple[int, int], ...]):
        page = Page("t", (300.0, 400.0), 0.0, tuple(rows), (), (), (_body_frame(6), block),
                    sources=(ArticleSource("t", "content/t.md", runs),))
        pdf = tmp_path / "t.pdf"
        pdf.write_bytes(render_pdf(page, manifest, "t").pdf)
        return check_pdf(pdf)

    after = 3 * len(FULL)  # the first character of the line after the short one
    for runs in (((0, 5),), ((0, 5), (after, 6))):
        report = judged(runs)
        assert [f.text for f in report.off_measure] == [FULL], (runs, report.text())
        assert report.off_measure[0].where == "article 't', content/t.md:5"
    report = judged(((0, 5), (after, 7)))
    assert report.off_measure == [] and report.problems == 0, report.text()
    assert report.justified_lines == 5  # all but the short line, a last line


def test_a_line_the_record_marks_a_paragraphs_end_is_not_held_to_the_measure(tmp_path: Path, manifest) -> None:
    """A line half an em short of the measure, the next at the same left (a `::: noindent` block
    typed without blank lines): a justified line off its measure, unless the layout record marks
    its grid line a paragraph's ``end`` (flow/article.py _set_body). A marked line past the
    measure, or a short line the record does not mark, is still off it."""
    faces = FaceSet(manifest)
    rows = [_line(faces, FULL, r) for r in range(6)]
    rows[2] = _line(faces, FULL, 2, step=8.6)  # 13 characters ending 4.8 pt (0.53 em) short
    end = Frame("t", "end", LEFT, TOP + 2 * PITCH - PITCH + 2.0, MEASURE, PITCH)
    report, _ = _framed(tmp_path, manifest, rows, [_body_frame(6)])
    assert [f.text for f in report.off_measure] == [FULL], report.text()
    report, _ = _framed(tmp_path, manifest, rows, [_body_frame(6), end])
    assert report.off_measure == [] and report.problems == 0, report.text()
    assert report.justified_lines == 5
    rows[2] = _line(faces, FULL, 2, step=9.2)  # 2.6 pt past the measure: marked, still off it
    report, _ = _framed(tmp_path, manifest, rows, [_body_frame(6), end])
    assert [f.text for f in report.off_measure] == [FULL], report.text()
    rows[2] = _line(faces, FULL, 2, step=8.6)
    rows[3] = _line(faces, FULL, 3, step=8.6)  # the next line short too: the mark is the line above's
    report, _ = _framed(tmp_path, manifest, rows, [_body_frame(6), end])
    assert [f.baseline for f in report.off_measure] == [pytest.approx(rows[3].baseline, abs=1.0)], report.text()


def test_ink_left_of_a_frame_is_ink_past_the_measure(tmp_path: Path, manifest) -> None:
    """A line that starts left of its frame, in no frame (trial 9: a 小标题 squeezed to the measure
    but centred by its unsqueezed width, its first character 3.6 pt into the gutter; a caption set
    likewise) is ink past the measure as ink past the right edge is, and the build says it as a
    located `past-measure` warning. Only the line's characters left of the frame are."""
    from pagesetter.proof.report import measure_warnings

    faces = FaceSet(manifest)
    rows = _clean_rows(faces)
    size = 10.5  # 五号: eleven of them over 13 ems of 小五, set from 3.6 pt left of the column
    head = faces.get("hei")
    rows[3] = TextLine(tuple(Glyph("hei", size, head.glyph_for(ch), LEFT - 3.6 + i * size, ch, BLACK)
                             for i, ch in enumerate("印度尼西亚发生级地震了")), TOP + 3 * PITCH, LEFT, MEASURE, "t", "subhead")
    caption = TextLine(_glyphs(faces, FULL, [160 - 2.0 + i * 9.0 for i in range(13)], "kai"), 250.7, 160, MEASURE,
                       "t", "caption")
    # its grid line marked a subhead in the layout record, as the renderer marks one (a 五号 row of a
    # body frame is otherwise a body line, held to the measure)
    subhead = Frame("t", "subhead", LEFT, TOP + 3 * PITCH - PITCH + 2.0, MEASURE, PITCH)
    frames = [_body_frame(), subhead, Frame("t", "caption", 160, 240, MEASURE, 14.0)]
    report, _ = _framed(tmp_path, manifest, rows + [caption], frames)
    assert [(f.text, f.detail) for f in report.ink_past] == [
        ("印", "3.60 pt left of the body frame of 't'"), ("一", "2.00 pt left of the caption frame of 't'")], report.text()
    assert report.problems == 2, report.text()
    assert [w.kind for w in measure_warnings(report)] == ["past-measure"] * 2
    # set inside its frame, nothing is found
    rows[3] = TextLine(tuple(g._replace(x=g.x + 3.6) for g in rows[3].glyphs), rows[3].baseline, LEFT, MEASURE, "t",
                       "subhead")
    report, _ = _framed(tmp_path, manifest, rows, [_body_frame(), subhead])
    assert report.problems == 0, report.text()


def test_a_ragged_line_may_end_short_of_the_measure_not_past_it(tmp_path: Path, manifest) -> None:
    """A line the layout record marks ``ragged`` (a style set flush left, centred or flush right:
    flow/article.py) is not held to the measure: half an em short it is no finding; 2.6 pt past
    it, it is off it still. Unmarked, the short line is off its measure, and the build says it as
    a `typography` warning: it has no ink past the measure (trial 9: it was filed `past-measure`)."""
    from pagesetter.proof.report import measure_warnings, typography_warnings

    faces = FaceSet(manifest)
    rows = [_line(faces, FULL, r) for r in range(6)]
    rows[2] = _line(faces, FULL, 2, step=8.6)  # ends 4.8 pt (0.53 em) short
    ragged = Frame("t", "ragged", LEFT, TOP + 2 * PITCH - PITCH + 2.0, MEASURE, PITCH)
    report, _ = _framed(tmp_path, manifest, rows, [_body_frame(6), ragged])
    assert report.problems == 0 and report.justified_lines == 5, report.text()
    report, _ = _framed(tmp_path, manifest, rows, [_body_frame(6)])
    assert [(f.text, f.short) for f in report.off_measure] == [(FULL, True)], report.text()
    assert measure_warnings(report) == ()
    said = typography_warnings(report)
    assert [(c.key, c.warning.kind) for c in said] == [("off_measure", "typography")]
    assert f": off the measure: {FULL} ends at" in said[0].warning.message
    rows[2] = _line(faces, FULL, 2, step=9.2)  # 2.6 pt past the measure
    report, _ = _framed(tmp_path, manifest, rows, [_body_frame(6), ragged])
    assert [(f.text, f.short) for f in report.off_measure] == [(FULL, False)], report.text()
    assert "past-measure" in [w.kind for w in measure_warnings(report)]


def test_a_mark_past_the_measure_is_one_finding(tmp_path: Path, manifest) -> None:
    """Trial 17c #8: a justified line whose line-end ， stands with its ink past the measure is one
    defect: found once, off the measure (the line quoted, how far the ink went named in it), not a
    second time as that ，'s ink past the frame (the build's past-measure warnings are made from these
    findings, proof/report.py measure_warnings: one warning)."""
    faces = FaceSet(manifest)
    rows = _clean_rows(faces)
    rows[2] = _at(faces, FULL[:12] + "，", 2, [LEFT + i * 9.7 for i in range(12)] + [LEFT + MEASURE - 0.3])
    report, _ = _framed(tmp_path, manifest, rows, [_body_frame()])
    off = [f for f in report.off_measure if not f.short]
    assert [f.text for f in off] == [FULL[:12] + "，"], report.text()
    assert not report.ink_past, report.text()
    assert report.problems == 1, report.text()
    assert re.search(r"; ink \d+\.\d\d pt past the frame \(，\)$", off[0].detail), off[0].detail
