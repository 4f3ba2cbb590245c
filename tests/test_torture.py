"""The torture corpus (tests/pages/layout/torture-*.yaml): pages of copy written to break the
composer, built for real and read back with pdfium's own character boxes (not our readback
module), judged by the rules a 校对 marks on sight (issue 14's acceptance):

- every —— and …… is 2.00 ± 0.05 em long (a 破折号 one unbroken rule);
- no glyph's ink runs past its column (the body and caption frames our PDFs carry);
- Han–Latin gaps are at most 0.34 em;
- no horizontal line starts with a closing mark or ends with an opening one (Chinese and Latin);
- vertical headlines: no column of one character, no vertical kinsoku;
- `pagesetter check` passes every page.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from pagesetter.build import build_page
from pagesetter.compose.chars import URL_PATTERN, url_break_at

PAGES = Path(__file__).resolve().parent / "pages" / "layout"
TORTURE = sorted(p.stem for p in PAGES.glob("torture-*.yaml"))

# GB/T 15834-2011 and clreq §3.1.7, written out here on purpose (not imported from compose/chars.py):
# the test holds the engine to the rule, not to its own table.
NOT_AT_START = set("，。、；：？！）］｝〕〉》」』】〗〙”’·%‰℃") | set(".,;:!?)]}")
NOT_AT_END = set("（［｛〔〈《「『【〖〘“‘") | set("([{")
DASHES = set("—―")
DOTS = set("…⋯")
STRIP = (0.5, 3.5)  # pt right of a column: past the measure, short of the column rule


def test_corpus_has_six_pages() -> None:
    assert len(TORTURE) >= 6, TORTURE


@dataclass(frozen=True)
class C:
    """One character as pdfium reads it: PDF user space, y up."""

    text: str
    x: float  # origin
    y: float  # baseline origin
    size: float
    left: float  # ink box
    bottom: float
    right: float
    top: float
    adv_right: float  # loose box right (origin + advance)


def _read(pdf: Path) -> list[C]:
    import ctypes

    import pypdfium2.raw as raw

    doc = pdfium.PdfDocument(str(pdf))
    out: list[C] = []
    try:
        page = doc[0]
        tp = page.get_textpage()
        x, y = ctypes.c_double(), ctypes.c_double()
        pending = ""
        for i in range(tp.count_chars()):
            code = raw.FPDFText_GetUnicode(tp.raw, i)
            if raw.FPDFText_IsGenerated(tp.raw, i) or code in (0, 0xFFFE, 0xFFFF, 10, 13):
                continue
            if 0xD800 <= code < 0xDC00:  # pdfium gives UTF-16 code units: join the pair
                pending = chr(code)
                continue
            text = chr(code) if not pending else (pending + chr(code)).encode("utf-16", "surrogatepass").decode("utf-16")
            pending = ""
            raw.FPDFText_GetCharOrigin(tp.raw, i, ctypes.byref(x), ctypes.byref(y))
            ink = tp.get_charbox(i)
            loose = tp.get_charbox(i, loose=True)
            out.append(C(text, x.value, y.value, raw.FPDFText_GetFontSize(tp.raw, i), *ink, loose[2]))
    finally:
        doc.close()
    return out


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, list[C], list[dict], list[str]]]:
    from pagesetter.proof.diff import frames_of

    out = tmp_path_factory.mktemp("torture")
    pages = {}
    for name in TORTURE:
        result = build_page(PAGES / f"{name}.yaml", out)
        pages[name] = (result.pdf_path, _read(result.pdf_path), frames_of(result.pdf_path)[0],
                       [str(w) for w in result.warnings])
    return pages


def _inside(c: C, f: dict) -> bool:
    cx, cy = c.x + 0.3 * c.size, c.y + 0.3 * c.size
    return f["x0"] - 0.5 <= cx <= f["x1"] + 0.5 and f["y0"] - 0.5 <= cy <= f["y1"] + 0.5


def _horizontal_lines(chars: list[C], frames: list[dict]) -> list[list[C]]:
    """Lines of body and caption text: characters on one baseline inside one frame, left to right."""
    lines: dict[tuple[int, float], list[C]] = {}
    text_frames = [f for f in frames if f["kind"] in ("body", "caption")]
    for c in chars:
        if c.text.isspace():
            continue
        for k, f in enumerate(text_frames):
            if _inside(c, f):
                lines.setdefault((k, round(c.y, 1)), []).append(c)
                break
    # in reading order by the ink's centre: an opening mark's origin stands left of its ink (its
    # blank is on its left), so after a digit it may share the digit's origin
    return [sorted(v, key=lambda c: (c.left + c.right) / 2) for _, v in sorted(lines.items())]


def _runs(line: list[C], members: set[str]) -> list[list[C]]:
    runs: list[list[C]] = []
    for a, c in zip([None, *line], line):
        if c.text in members:
            if a is not None and a.text in members and runs and runs[-1][-1] is a:
                runs[-1].append(c)
            else:
                runs.append([c])
    return runs


@pytest.mark.parametrize("name", TORTURE)
def test_dashes_and_ellipses_are_two_ems(built, name: str) -> None:
    _, chars, frames, _ = built[name]
    bad = []
    for line in _horizontal_lines(chars, frames):
        for members in (DASHES, DOTS):
            for run in _runs(line, members):
                em = run[0].size
                for k in range(0, len(run) - 1, 2):
                    a, b = run[k], run[k + 1]
                    # A 破折号 is one rule: its ink spans the two ems. An ellipsis's dots do not fill
                    # their ems: its set width (origin to advance) does.
                    length = (b.right - a.left if members is DASHES else b.adv_right - a.x) / em
                    if abs(length - 2.0) > 0.05:
                        bad.append(f"{a.text}{b.text} {length:.2f} em at y={a.y:.1f}")
    assert not bad, bad


@pytest.mark.parametrize("name", TORTURE)
def test_no_ink_past_the_column(built, name: str) -> None:
    """Rendered, as the eye sees it: no dark pixel in the strip just right of a body or caption
    column (between its measure and the column rule in the gutter). pdfium's character boxes are
    not ink (they take the font's box), so the pixels judge."""
    pdf, _, frames, _ = built[name]
    scale = 4.0  # 288 dpi
    doc = pdfium.PdfDocument(str(pdf))
    try:
        page = doc[0]
        height = page.get_height()
        image = page.render(scale=scale, grayscale=True).to_pil().convert("L")
    finally:
        doc.close()
    bad = []
    for f in frames:
        if f["kind"] not in ("body", "caption"):
            continue
        box = (round((f["x1"] + STRIP[0]) * scale), round((height - f["y1"]) * scale),
               round((f["x1"] + STRIP[1]) * scale), round((height - f["y0"]) * scale))
        dark = sum(image.crop(box).histogram()[:128])
        if dark:
            bad.append(f"{f['article']} {f['kind']} column ending at x={f['x1']:.1f}: {dark} dark pixels past it")
    assert not bad, bad


@pytest.mark.parametrize("name", TORTURE)
def test_word_spaces_keep_two_thirds_of_themselves(built, name: str) -> None:
    """On a tight line a word space may close up by a third, no more: torture-latin printed
    'Thank you' as 'Thankyou' (0.86 pt left of a 2.3 pt space)."""
    _, chars, frames, _ = built[name]
    bad = []
    # spaces are dropped by _horizontal_lines: read them in text order here
    ordered = sorted((c for c in chars), key=lambda c: (round(c.y, 1), c.x))
    for a, space, b in zip(ordered, ordered[1:], ordered[2:]):
        if space.text == " " and a.text.isascii() and a.text.isalnum() and b.text.isascii() and b.text.isalnum() \
                and abs(a.y - b.y) < 0.1:
            if b.x - a.adv_right < 2 / 3 * (space.adv_right - space.x) - 0.05:
                bad.append(f"{a.text} {b.text}: {b.x - a.adv_right:.2f} pt at y={a.y:.1f}")
    assert not bad, bad


def _is_han(ch: str) -> bool:
    return unicodedata.name(ch, "").startswith("CJK UNIFIED IDEOGRAPH")


def _is_latin(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


@pytest.mark.parametrize("name", TORTURE)
def test_han_latin_gaps_at_most_a_third_of_an_em(built, name: str) -> None:
    _, chars, frames, _ = built[name]
    worst = []
    for line in _horizontal_lines(chars, frames):
        for a, b in zip(line, line[1:]):
            if _is_han(a.text) and _is_latin(b.text):
                gap = (b.x - (a.x + a.size)) / a.size
            elif _is_latin(a.text) and _is_han(b.text):
                gap = (b.x - a.adv_right) / b.size
            else:
                continue
            if gap > 0.34:
                worst.append(f"{a.text}{b.text} {gap:.2f} em at y={a.y:.1f}")
    assert not worst, worst[:10]


@pytest.mark.parametrize("name", TORTURE)
def test_no_kinsoku_breaks(built, name: str) -> None:
    """No line starts with a closing mark or ends with an opening one, but for the mark a URL or an
    e-mail address breaks before (Chicago: .example.org, /news, compose/chars.py url_break_at)."""
    _, chars, frames, _ = built[name]
    lines = _horizontal_lines(chars, frames)  # by frame, then by baseline
    texts = ["".join(c.text for c in line) for line in lines]

    def url_goes_on(k: int) -> bool:
        """Does the line before, in the same frame (a neighbour in the list), end where a URL that
        runs on into this one breaks (Chicago)?"""
        for j in (k - 1, k + 1):
            if not 0 <= j < len(lines) or not _inside(lines[j][0], _frame_of(lines[k][0], frames)):
                continue
            above, text = texts[j], texts[k]
            if any(url_break_at(m.group(), len(above) - m.start()) for m in re.finditer(URL_PATTERN, above + text)
                   if m.start() < len(above) < m.end()):
                return True
        return False

    bad = [texts[k] for k, line in enumerate(lines)
           if (line[0].text in NOT_AT_START and not url_goes_on(k)) or line[-1].text in NOT_AT_END]
    assert not bad, bad


def _frame_of(c: C, frames: list[dict]) -> dict:
    return next(f for f in frames if f["kind"] in ("body", "caption") and _inside(c, f))


def _vertical_columns(chars: list[C], frames: list[dict]) -> list[list[C]]:
    """Characters of headline frames that stack on one centre line, top to bottom: a vertical
    column (clustered by the centre of their ink, within a third of an em)."""
    heads = [f for f in frames if f["kind"] == "headline"]
    out = []
    for f in heads:
        inside = sorted((c for c in chars if not c.text.isspace() and _inside(c, f)),
                        key=lambda c: (c.left + c.right) / 2)
        clusters: list[list[C]] = []
        for c in inside:
            centre = (c.left + c.right) / 2
            if clusters and abs(centre - sum((d.left + d.right) / 2 for d in clusters[-1]) / len(clusters[-1])) \
                    < 0.35 * c.size:
                clusters[-1].append(c)
            else:
                clusters.append([c])
        for col in clusters:
            col.sort(key=lambda c: -c.top)
            if len(col) >= 2 and max(c.top for c in col) - min(c.bottom for c in col) > 1.5 * col[0].size:
                out.append(col)
    return out


def test_vertical_columns(built) -> None:
    _, chars, frames, _ = built["torture-vertical"]
    columns = _vertical_columns(chars, frames)
    assert len(columns) >= 10
    texts = ["".join(c.text for c in col) for col in columns]
    assert not [t for t in texts if len(t) == 1], texts
    assert not [t for t in texts if t[0] in NOT_AT_START or t[-1] in NOT_AT_END], texts
    for col in columns:  # a vertical 破折号: ink taller than wide, two ems down the column
        for a, b in zip(col, col[1:]):
            if a.text in DASHES and b.text in DASHES:
                assert (a.top - b.bottom) / a.size == pytest.approx(2.0, abs=0.1), "".join(c.text for c in col)
                assert (a.right - a.left) < 0.5 * a.size


@pytest.mark.parametrize("name", TORTURE)
def test_no_very_loose_lines(built, name: str) -> None:
    """Hyphenation, the cost of a very loose line, marks' blanks taken first and, in the last
    pass, a kept-together span or a no-break space split at its cost leave no line spread past a
    quarter em between Han (Mr.\u00a0Wang, 第109号 on a line of their own once did)."""
    pdf = built[name][0]
    done = subprocess.run([sys.executable, "-m", "pagesetter.cli", "check", str(pdf), "--json"],
                          capture_output=True, text=True, timeout=120)
    report = json.loads(done.stdout)[str(pdf)]
    assert report["very_loose"] == [], report["very_loose"]
    # and the build warned of none: a line set short rather than its Latin spaced out (lines.set_line)
    # is its own very-loose warning, of no Han spread (torture-latin's broken URLs and codes)
    assert [w for w in built[name][3] if "very-loose" in w and " is set short " not in w] == []


@pytest.mark.parametrize("name", TORTURE)
def test_check_passes(built, name: str) -> None:
    """Nothing fails but the lines the engine set short (its Latin spaced out else), each one the
    build warns of and `check` counts off the measure (trial 18a #5: never weaker than the build)."""
    pdf = built[name][0]
    done = subprocess.run([sys.executable, "-m", "pagesetter.cli", "check", str(pdf), "--json"],
                          capture_output=True, text=True, timeout=120)
    report = json.loads(done.stdout)[str(pdf)]
    short = [f for f in report["off_measure"] if f["detail"].startswith("set short: ")]
    warned = [w for w in built[name][3] if "very-loose" in w and " is set short " in w]
    assert report["problems"] == len(short) == len(warned), done.stdout[-2000:] + done.stderr[-2000:]
    assert done.returncode == (4 if warned else 0), done.stderr[-2000:]
