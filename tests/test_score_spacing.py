"""A score (0∶2: figures, the ratio sign, figures) takes no justification space inside it
(compose/spacing.py GapKind.SCORE). body17 found a loose justified line spreading a score as
0 ∶ 2. Read back from the built PDF of tests/pages/layout/score-spacing.yaml: every ∶ between two
figures stands solid against them, in lines whose Han are spread loose around it."""

from __future__ import annotations

import os
import subprocess
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

import pdfplumber
import pytest

ROOT = Path(__file__).resolve().parent.parent
ENV = dict(os.environ, PYTHONWARNINGS="ignore", PAGESETTER_CACHE="off")
BODY_PT = 9.0  # 小五: the body size of the test page
SOLID_EM = 0.02  # glyph positions round to a hundredth of a point; the body style has no tracking
LOOSE_EM = 0.08  # what `pagesetter check` counts a loose line (spacing.LOOSE_EM)
COLUMN_STEP_EM = 10  # the page's grid: column_width 9字 and gutter 1字


def _han(ch: str) -> bool:
    return unicodedata.name(ch, "").startswith("CJK UNIFIED IDEOGRAPH")


# score-fullwidth: the same copy with every figure typed full-width (０∶２, ６８∶３２), as wire copy
# from a Chinese input method's full-width mode comes: the normaliser sets the figures half-width
# before they are composed (content/normalise.py half_width), so the score rule holds for them too.
@pytest.mark.parametrize("page", ["score-spacing", "score-fullwidth"])
def test_a_score_is_not_spread_in_a_loose_line(tmp_path: Path, page: str) -> None:
    run = subprocess.run([sys.executable, "-m", "pagesetter", "build", f"tests/pages/layout/{page}.yaml",
                          "-o", str(tmp_path)], capture_output=True, text=True, timeout=600, env=ENV, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    with pdfplumber.open(tmp_path / f"{page}.pdf") as pdf:
        chars = [c for c in pdf.pages[0].chars if abs(c["size"] - BODY_PT) < 0.1]
    left = min(c["x0"] for c in chars)
    lines: dict[tuple[int, float], list[dict]] = defaultdict(list)
    for c in chars:  # one printed line: its column (by the grid's column step) and its baseline
        lines[(int((c["x0"] - left + 1) // (COLUMN_STEP_EM * BODY_PT)), round(c["y1"], 1))].append(c)
    scores = 0
    loose = 0
    for line in lines.values():
        line.sort(key=lambda c: c["x0"])
        text = "".join(c["text"] for c in line)
        for k in range(1, len(line) - 1):
            prev, sign, nxt = line[k - 1], line[k], line[k + 1]
            if sign["text"] != "∶" or not (prev["text"].isdigit() and nxt["text"].isdigit()):
                continue
            scores += 1
            before = (sign["x0"] - prev["x1"]) / BODY_PT
            after = (nxt["x0"] - sign["x1"]) / BODY_PT
            assert abs(before) < SOLID_EM and abs(after) < SOLID_EM, \
                f"{text}: the score is spread {before:+.2f} em before ∶, {after:+.2f} em after it"
            han = [(b["x0"] - a["x1"]) / BODY_PT for a, b in zip(line, line[1:]) if _han(a["text"]) and _han(b["text"])]
            loose += bool(han) and max(han) > LOOSE_EM
    assert scores >= 5, scores  # the page's scores all read back whole on a line
    assert loose >= 1, "no loose line around a score: the page does not test the rule"
