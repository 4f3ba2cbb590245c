"""A full-width － between two figures (７－３, １１－９, ７－３＝４) prints as the minus sign −
(U+2212), whole on one line with its figures; a range (１－３日), a telephone number and a range of
years keep the hyphen (content/normalise.py FIGURE_MINUS, compose/chars.py DIFFERENCE_SPAN). Read
back from the built PDF of tests/pages/layout/figure-minus.yaml."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pdfplumber

ROOT = Path(__file__).resolve().parent.parent
ENV = dict(os.environ, PYTHONWARNINGS="ignore", PAGESETTER_CACHE="off")
BODY_PT = 9.0  # 小五
COLUMN_STEP_EM = 10  # column_width 9字 and gutter 1字
# what the copy types, and how it must print (whole on one printed line)
MINUS = ("4−1", "7−3", "11−9", "12−5")
HYPHEN = ("1-3日", "2026年-2027年")


def test_a_full_width_minus_between_figures_prints_as_the_minus_sign(tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, "-m", "pagesetter", "build", "tests/pages/layout/figure-minus.yaml",
                          "-o", str(tmp_path)], capture_output=True, text=True, timeout=600, env=ENV, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    with pdfplumber.open(tmp_path / "figure-minus.pdf") as pdf:
        chars = [c for c in pdf.pages[0].chars if abs(c["size"] - BODY_PT) < 0.1]
    left = min(c["x0"] for c in chars)
    lines: dict[tuple[int, float], list[dict]] = defaultdict(list)
    for c in chars:
        lines[(int((c["x0"] - left + 1) // (COLUMN_STEP_EM * BODY_PT)), round(c["y1"], 1))].append(c)
    printed = ["".join(c["text"] for c in sorted(line, key=lambda c: c["x0"])) for line in lines.values()]
    for want in MINUS + HYPHEN:
        assert sum(p.count(want) for p in printed) >= 1, (want, printed)
    # no hyphen-minus between two figures but a range's or a telephone number's
    whole = "".join(printed)
    assert whole.count("-") == 3, printed  # 1-3日, 2026年-2027年, 0431-8888 6666
    assert "7−3＝4" in whole and "12−5＝7" in whole, printed


def test_a_hyphen_between_two_dates_is_no_sign(tmp_path: Path) -> None:
    """2026年-2027年: the copy's hyphen joins two dates (the normaliser keeps it, not a minus: a Han
    after a figure), yet the composer set it as the sign of -2027, a Han–Latin gap before it and
    none after (printed 2026年 -2027年, a negative year). It stands solid between 年 and 2027, as a
    range's mark does, and check passes it so."""
    run = subprocess.run([sys.executable, "-m", "pagesetter", "build", "tests/pages/layout/figure-minus.yaml",
                          "-o", str(tmp_path)], capture_output=True, text=True, timeout=600, env=ENV, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    with pdfplumber.open(tmp_path / "figure-minus.pdf") as pdf:
        chars = sorted((c for c in pdf.pages[0].chars if abs(c["size"] - BODY_PT) < 0.1),
                       key=lambda c: (round(c["y1"], 1), c["x0"]))
    texts = "".join(c["text"] for c in chars)
    k = texts.index("年-2027")
    nian, hyphen, two = chars[k], chars[k + 1], chars[k + 2]
    before, after = hyphen["x0"] - nian["x1"], two["x0"] - hyphen["x1"]
    assert abs(before - after) < 0.05 * BODY_PT and before < 0.1 * BODY_PT, (before, after)
