"""Text set over text by less than half its height is still text over text (session 13's note:
two lines crossing by a third of their height passed `check`, as only boxes crossing by half of
the smaller one's ink both ways were counted). The PDFs here are written by reportlab, not by
pagesetter: `check` reads any PDF, and a page from elsewhere gets no layout record to lean on."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from pagesetter.proof.typography import check_pdf

FONT = Path(__file__).resolve().parent.parent / "fonts" / "LXGWWenKai-Regular.ttf"
SIZE = 12.0
LINES = ("本报讯今日全市天气晴朗气温回升", "明天多云转阴局部地区有小雨")


def _two_lines(path: Path, pitch_em: float, shift_em: float = 0.0) -> Path:
    """Two lines of Han, the second ``pitch_em`` below the first and ``shift_em`` to its right."""
    pdfmetrics.registerFont(TTFont("WenKai", str(FONT)))
    c = canvas.Canvas(str(path), pagesize=(300, 200))
    c.setFont("WenKai", SIZE)
    c.drawString(20, 120, LINES[0])
    c.drawString(20 + shift_em * SIZE, 120 - pitch_em * SIZE, LINES[1])
    c.save()
    return path


@pytest.mark.parametrize("pitch_em", [0.6, 0.7, 0.75])
def test_lines_crossing_by_a_fraction_of_their_height_are_found(tmp_path: Path, pitch_em: float) -> None:
    """Main found neither: the second line's ink over the first by about 15-30 % of its height."""
    pdf = _two_lines(tmp_path / "over.pdf", pitch_em)
    found = check_pdf(pdf).overlap
    assert found and all("text set over other text" in f.detail for f in found), found
    run = subprocess.run([sys.executable, "-m", "pagesetter", "check", str(pdf)], capture_output=True, text=True)
    assert run.returncode == 4 and "text set over other text" in run.stdout + run.stderr, run.stdout + run.stderr


def test_a_line_over_the_next_by_a_third_of_an_em_across_is_found(tmp_path: Path) -> None:
    """Lines on one baseline pitch apart down (0.5 em) and a third of a character across."""
    pdf = _two_lines(tmp_path / "across.pdf", 0.5, shift_em=1 / 3)
    assert check_pdf(pdf).overlap


@pytest.mark.parametrize("pitch_em", [1.0, 1.2, 1.5])
def test_lines_set_solid_or_looser_are_not(tmp_path: Path, pitch_em: float) -> None:
    """Solid (a pitch of one em) is the tightest a page sets Han: the inks do not meet."""
    pdf = _two_lines(tmp_path / "apart.pdf", pitch_em)
    assert not check_pdf(pdf).overlap
