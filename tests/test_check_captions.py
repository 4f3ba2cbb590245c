"""`pagesetter check` no weaker than the build's own warnings and the eye (session 17), read back
from built PDFs:

1. a caption line spread past a quarter em between Han (typo15's ``的 雪 景 。 摄 于``, which the
   build warns of as `very-loose`) passed `check`: only body lines were measured;
2. a full-width digit or letter (２, Ｇ) printed in horizontal text (the 报眉's items are printed
   as typed; another program's PDF; text the normalisation pass never saw) passed `check`, where
   the build sets them half-width everywhere else (GB/T 15835-2011 §5.1.8.1). A vertical
   headline's stand upright by design (typo15's ２０２６年冬运会开幕).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pikepdf
import pytest

from pagesetter.cli import EXIT_TYPOGRAPHY
from pagesetter.proof.readback import read_chars
from tests.test_check_trial import _build, _run  # the same check-and-build runner

ROOT = Path(__file__).resolve().parent.parent
TYPO15 = ROOT / "tests" / "pages" / "layout" / "typo15.yaml"
CHECKCAP = ROOT / "tests" / "pages" / "layout" / "checkcap.yaml"
# U+FF10–FF19, FF21–FF3A, FF41–FF5A, written out: the test holds the rule (GB/T 15835-2011 §5.1.8.1)
FULL_WIDTH = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
QUARTER_EM = 0.25  # clreq §3.8: what `check` calls a very loose line, and the build warns of


def _check(pdf: Path) -> tuple[subprocess.CompletedProcess[str], dict]:
    run = _run("check", "--json", str(pdf))
    return run, next(iter(json.loads(run.stdout).values()))


@pytest.fixture(scope="module")
def typo15(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    return _build(TYPO15, tmp_path_factory.mktemp("typo15"))


@pytest.fixture(scope="module")
def checkcap(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    return _build(CHECKCAP, tmp_path_factory.mktemp("checkcap"))


def _caption_rows(pdf: Path) -> list[tuple[str, float, float]]:
    """The caption frame's lines as printed: text, baseline, and the mean white between two Han
    side by side beyond their em (measured here from pdfium's glyph origins, not by `check`)."""
    page = read_chars(pdf)[0]
    with pikepdf.open(pdf) as doc:
        from pagesetter.proof.record import layout_record
        frames = layout_record(doc.pages[0])["frames"]
    cap = next(f for f in frames if f["kind"] == "caption")
    top, bottom = page.height - cap["y1"], page.height - cap["y0"]
    rows: dict[float, list] = {}
    for c in page.chars:
        if not c.text.isspace() and cap["x0"] - 0.1 <= c.x < cap["x1"] and top <= c.baseline <= bottom + 0.1:
            rows.setdefault(round(c.baseline, 1), []).append(c)
    out = []
    for baseline, row in sorted(rows.items()):
        row.sort(key=lambda c: c.x)
        han = [(a, b) for a, b in zip(row, row[1:]) if "\u4e00" <= a.text <= "\u9fff" and "\u4e00" <= b.text <= "\u9fff"]
        spread = sum((b.x - a.x - a.size) / a.size for a, b in han) / len(han) if han else 0.0
        out.append(("".join(c.text for c in row), baseline, spread))
    return out


def test_the_page_has_a_caption_line_spread_past_a_quarter_em(typo15) -> None:
    """The premise, by the PDF's glyphs: the build's warning is of a line the eye sees gappy."""
    run, pdf = typo15
    loose = [r for r in _caption_rows(pdf) if r[2] > QUARTER_EM + 0.01]
    assert [r[0] for r in loose] == ["的雪景。摄于"], _caption_rows(pdf)
    assert "very-loose: article 'sliver', caption line 2: '的雪景。摄于'" in run.stderr, run.stderr


def test_check_fails_a_very_loose_caption_line_and_names_its_place(typo15) -> None:
    """As a very loose body line: a problem (exit 4), on its page and baseline, with its article
    and the caption's source line; the build says it once, as its own `very-loose` warning."""
    run, pdf = typo15
    checked, report = _check(pdf)
    assert checked.returncode == EXIT_TYPOGRAPHY, checked.stdout + checked.stderr
    found = [f for f in report["very_loose"] if "".join(f["text"].split()) == "的雪景。摄于"]
    assert len(found) == 1, report["very_loose"]
    f = found[0]
    baseline = next(r[1] for r in _caption_rows(pdf) if r[0] == "的雪景。摄于")
    assert f["page"] == 1 and abs(f["baseline"] - baseline) < 0.1, f
    assert f["where"] == "article 'sliver', tests/pages/content/typo15/sliver.md:4" or (
        f["where"].startswith("article 'sliver', ") and f["where"].endswith("sliver.md:4")), f
    assert "caption" in f["detail"] and float(f["detail"].split()[0]) > QUARTER_EM, f
    text = _run("check", str(pdf)).stdout
    assert re.search(r"page 1 \(article 'sliver', \S*sliver\.md:4\), baseline [0-9.]+ pt: very loose line: "
                     r"的 ?雪 ?景 ?。 ?摄 ?于 [0-9.]+ em between Han \(caption\)", text), text
    # the gate of the build counts it, and does not say it twice
    assert "(1 very loose)" in run.stdout, run.stdout
    said = [line for line in run.stderr.splitlines() if "的雪景" in "".join(line.split())]
    assert len(said) == 1 and "very-loose:" in said[0], run.stderr


def test_a_caption_at_its_natural_spacing_passes(checkcap) -> None:
    """A caption set solid (checkcap's, one line and its credit) is no finding."""
    _, pdf = checkcap
    _, report = _check(pdf)
    assert not report["very_loose"], report["very_loose"]


def test_the_build_sets_full_width_half_width_but_in_the_folio(checkcap) -> None:
    """The premise, read back: every horizontal text the copy gives (引题, title, subtitle, body,
    table cells, caption, credit) prints half-width; the 报眉's items print as the spec typed them."""
    _, pdf = checkcap
    page = read_chars(pdf)[0]
    trim = page.trim
    assert trim is not None
    rows: dict[float, list] = {}
    for c in page.chars:
        if trim[1] <= c.baseline <= trim[3]:  # the slug, outside the trim, repeats the 报眉
            rows.setdefault(round(c.baseline, 1), []).append(c)
    text = {k: "".join(c.text for c in sorted(row, key=lambda c: c.x)) for k, row in rows.items()}
    wide = [t for t in text.values() if FULL_WIDTH.search(t)]
    assert len(wide) == 1 and "第Ａ３版" in wide[0] and "ＣＢＤ新闻" in wide[0], text
    joined = "".join("".join(t.split()) for t in text.values())
    for half in ("第12届CBD论坛开幕", "2026年GDP增长5%", "AI产业贡献率达30%", "A区123135", "来源：市统计局GDP公报",
                 "▲2026年12月1日，CBD商圈夜景。", "王AB摄"):
        assert half in joined, (half, text)


def test_check_warns_of_full_width_letters_and_digits_in_horizontal_text(checkcap) -> None:
    """Each line holding them (each of the 报眉's items, two ems apart, is a line of its own), with
    its runs: a warning (exit 0), as an ASCII full stop in Chinese text is: the copy's own
    characters, which the build's normalisation sets half-width. Not the slug's copy of the 报眉,
    outside the bleed."""
    run, pdf = checkcap
    checked, report = _check(pdf)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    found = report["full_width"]
    typed = ("第Ａ３版", "ＣＢＤ新闻", "责任编辑：王ＡＢ", "美编：李Ｘ", "校对：张华２")
    assert [f["text"] for f in found] == list(typed), found
    assert all(f["where"] == "the folio (报眉)" and f["page"] == 1 for f in found), found
    for f, runs in zip(found, ("Ａ３", "ＣＢＤ", "ＡＢ", "Ｘ", "２")):
        assert f["detail"].startswith(f"({runs}: half-width"), f
    text = _run("check", str(pdf)).stdout
    assert "; 5 lines with full-width letters or digits" in text.splitlines()[0], text
    assert re.search(r"page 1 \(the folio \(报眉\)\), baseline [0-9.]+ pt: warning: full-width letters or digits "
                     r"in horizontal text: 第Ａ３版 \(Ａ３: half-width", text), text
    # the build's gate says each at the spec's folio: entry, and prints the page (exit 0)
    said = [line for line in run.stderr.splitlines() if "full-width letters or digits" in line]
    assert len(said) == 5 and all("checkcap.yaml:15:" in line and "the folio (报眉)" in line for line in said), \
        run.stderr


def test_a_vertical_headline_keeps_full_width_figures_upright_unwarned(typo15) -> None:
    """typo15's vertical title ２０２６年冬运会开幕 is printed as typed, upright: no finding; its
    horizontal text holds none."""
    _, pdf = typo15
    page = read_chars(pdf)[0]
    assert sum(bool(FULL_WIDTH.match(c.text)) for c in page.chars) == 4  # ２０２６, stacked
    _, report = _check(pdf)
    assert report["full_width"] == [], report["full_width"]


CHROMIUM = Path("/usr/bin/chromium")
OTHER_HTML = """<html><head><meta charset="utf-8"><style>
@font-face {{ font-family: kai; src: url("{font}"); }}
body {{ font-family: kai; font-size: 12pt; width: 20em; }}
.v {{ writing-mode: vertical-rl; height: 8em; }}
</style></head><body>
<p>今年全市ＧＤＰ增长５．２％，比上年提高０．３个百分点。</p>
<p>人均收入首次突破１０万元，居全省第一。</p>
<div class="v">２０２６年冬运会</div>
</body></html>"""


def test_another_programs_pdf_is_read_for_full_width_the_same_way(tmp_path: Path) -> None:
    """A PDF Chromium printed (no layout record: lines inferred): each horizontal line with
    full-width letters or digits is warned of; the vertical column's ２０２６, read back one
    character a line, stands upright by design and is not."""
    if not CHROMIUM.exists():
        pytest.skip("no /usr/bin/chromium")
    html = tmp_path / "other.html"
    html.write_text(OTHER_HTML.format(font=(ROOT / "fonts" / "LXGWWenKai-Regular.ttf").as_uri()), encoding="utf-8")
    pdf = tmp_path / "other.pdf"
    subprocess.run([str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                    f"--print-to-pdf={pdf}", html.as_uri()], capture_output=True, timeout=120,
                   env=dict(os.environ, HOME=str(tmp_path)))
    assert pdf.exists()
    printed = "".join(c.text for c in read_chars(pdf)[0].chars)
    assert "ＧＤＰ" in printed and "２" in printed, printed  # the premise: printed as typed
    _, report = _check(pdf)
    found = [("".join(f["text"].split()), f["detail"]) for f in report["full_width"]]
    assert [text for text, _ in found] == ["今年全市ＧＤＰ增长５．２％，比上年提高", "０．３个百分点。",
                                           "人均收入首次突破１０万元，居全省第一。"], found
    assert found[0][1].startswith("(ＧＤＰ, ５, ２: half-width"), found
