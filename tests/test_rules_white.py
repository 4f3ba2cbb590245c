"""A module beside white on its left is ruled there (README, ``rules``; flow/article.py
rules_beside_white). A module's right side is ruled (the rule between it and the module to its
right); its left was left to the module there, so one right of an empty column stood open on its
left while ruled on its right. Two modules side by side keep one rule between them, and none
stands at the type area's outer edges.

Read back from the built PDF of tests/pages/layout/rules-white.yaml: 'mod-tu' (columns 2-4, right
of the empty column 1), 'mod-ao' and 'mod-daol' side by side under it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pdfplumber
import pytest

from pagesetter.proof.diff import frames_of

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "tests" / "pages" / "layout" / "rules-white.yaml"
ENV = dict(os.environ, PYTHONWARNINGS="ignore", PAGESETTER_CACHE="off")
ARTICLE, COLUMN = 0.5, 0.25  # the page's rules: {column: 0.25pt, article: 0.5pt}
PITCH = 13.5


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("rules-white")
    run = subprocess.run([sys.executable, "-m", "pagesetter", "build", str(SPEC), "-o", str(out)],
                         capture_output=True, text=True, timeout=600, env=ENV, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    return out / "rules-white.pdf"


def _verticals(pdf: Path) -> list[tuple[float, float, float, float]]:
    """The vertical rules of the type area: x, top, bottom (from the page's top) and weight."""
    with pdfplumber.open(pdf) as doc:
        page = doc.pages[0]
        return [(float(o["x0"]), float(o["top"]), float(o["bottom"]), float(o["linewidth"]))
                for o in page.lines + page.rects
                if abs(o["x0"] - o["x1"]) < 0.01 and o["bottom"] - o["top"] > PITCH and 60 < o["top"] < page.height - 60]


def _geometry(pdf: Path) -> tuple[float, dict[str, dict]]:
    """The page's height and each module's block frame (x0, x1 and top, bottom from the page's top)."""
    with pdfplumber.open(pdf) as doc:
        height = float(doc.pages[0].height)
    blocks = {f["article"]: dict(x0=f["x0"], x1=f["x1"], top=height - f["y1"], bottom=height - f["y0"])
              for f in frames_of(pdf)[0] if f["kind"] == "block"}
    return height, blocks


def test_a_module_right_of_an_empty_column_is_ruled_on_its_left(built: Path) -> None:
    _, blocks = _geometry(built)
    tu = blocks["mod-tu"]
    gutter = blocks["mod-daol"]["x0"] - blocks["mod-ao"]["x1"]
    x = tu["x0"] - gutter / 2
    left = [r for r in _verticals(built) if abs(r[0] - x) < 0.05 and r[3] == pytest.approx(ARTICLE)]
    assert len(left) == 1, left
    # from the module's top down to its foot rule's line (half a line over the block's foot), on to
    # the foot rule's outer edge (a corner, junctions.py: half its weight further)
    assert left[0][1] == pytest.approx(tu["top"], abs=0.05)
    assert left[0][2] == pytest.approx(tu["bottom"] - PITCH / 2 + ARTICLE / 2, abs=0.05)


def test_modules_side_by_side_keep_one_rule_and_the_type_area_s_edges_none(built: Path) -> None:
    _, blocks = _geometry(built)
    gutter = blocks["mod-daol"]["x0"] - blocks["mod-ao"]["x1"]
    between = blocks["mod-ao"]["x1"] + gutter / 2
    rules = _verticals(built)
    beside = [r for r in rules if abs(r[0] - between) < 0.05 and r[3] == pytest.approx(ARTICLE)
              and r[2] > blocks["mod-ao"]["top"] + PITCH]
    assert len(beside) == 1, beside  # mod-ao's right side: mod-daol adds none on its left
    edges = (blocks["mod-ao"]["x0"] - gutter / 2, blocks["mod-tu"]["x1"] + gutter / 2)
    assert not [r for r in rules if min(abs(r[0] - e) for e in edges) < 1.0], rules
    # the article rules of the page: the new one left of mod-tu and the one between the two below
    assert len([r for r in rules if r[3] == pytest.approx(ARTICLE)]) == 2, rules
