"""A box's frame (花边框) meets its neighbours' rules (README, ``box``; flow/geometry.py
module_geometry, flow/page.py boxes_on_rule_lines, flow/junctions.py). A new user's trial found a
2.4 mm step between a boxed module's top edge and the foot rule of the module over it, and a 3 mm
gap where a neighbour's foot rule stopped short of a boxed 讣告's side. Read back from the PDFs'
paths (pdfplumber's lines and rects): every rule that ends near a box ends on its frame, and a rule
on the line of a box's edge runs on from it with no step."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pdfplumber
import pytest

ROOT = Path(__file__).resolve().parent.parent
ENV = dict(os.environ, PYTHONWARNINGS="ignore", PAGESETTER_CACHE="off")
GUTTER, PITCH = 9.0, 13.5  # the test page's grid: gutter 1字 of 小五 (9 pt), pitch 13.5 pt


def _build(tmp: Path, spec: str) -> Path:
    run = subprocess.run([sys.executable, "-m", "pagesetter", "build", spec, "-o", str(tmp)],
                         capture_output=True, text=True, timeout=600, env=ENV, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    return tmp / (Path(spec).stem + ".pdf")


def open_box_ends(pdf: Path, reach: float) -> list[str]:
    """Rule ends near a box's frame but off it: within ``reach`` of the frame's outline and more
    than the two strokes' half widths from it (an open corner, a gap, a step). A rule's end inside
    the box is the box's own business (its column rules end half a line above its foot). A double
    frame's inner rule is not a frame; a boxed ear stands clear of the masthead's rules under it
    by design (flow/article.py EAR_BOX_CLEAR), so a box over a rule across the type area is skipped."""
    out: list[str] = []
    with pdfplumber.open(pdf) as doc:
        page = doc.pages[0]
        frames = [r for r in page.rects if r["stroke"] and r["width"] > 50 and r["height"] > 50]
        rules = [ln for ln in page.lines if (ln.get("linewidth") or 0) >= 0.4]
    widest = max((ln["x1"] - ln["x0"] for ln in rules), default=0.0)
    across = [ln["top"] for ln in rules if ln["x1"] - ln["x0"] > widest - 1 and widest > 500]
    boxes = [b for b in frames
             if not any(o is not b and o["x0"] < b["x0"] and b["x1"] < o["x1"] and o["top"] < b["top"] for o in frames)
             and not any(0 < y - b["bottom"] < 10 for y in across)]
    for b in boxes:
        bw = b.get("linewidth") or 0.0
        for ln in rules:
            lw = ln.get("linewidth") or 0.0
            vertical = abs(ln["x0"] - ln["x1"]) < 0.01
            ends = [(ln["x0"], ln["top"]), (ln["x0"], ln["bottom"])] if vertical else \
                [(ln["x0"], ln["top"]), (ln["x1"], ln["top"])]
            for x, y in ends:
                inside = b["x0"] + bw < x < b["x1"] - bw and b["top"] + bw < y < b["bottom"] - bw
                dx = max(b["x0"] - x, 0.0, x - b["x1"])
                dy = max(b["top"] - y, 0.0, y - b["bottom"])
                on_side = min(abs(x - b["x0"]), abs(x - b["x1"])) if b["top"] <= y <= b["bottom"] else 1e9
                on_edge = min(abs(y - b["top"]), abs(y - b["bottom"])) if b["x0"] <= x <= b["x1"] else 1e9
                off = min(on_side, on_edge, max(dx, dy) if dx and dy else 1e9)
                if not inside and off > (bw + lw) / 2 + 0.05 and max(dx, dy) <= reach:
                    out.append(f"rule end ({x:.2f}, {y:.2f}) stands {off:.2f} pt off the box "
                               f"({b['x0']:.2f}, {b['top']:.2f})–({b['x1']:.2f}, {b['bottom']:.2f})")
    return out


@pytest.fixture(scope="module")
def joins(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(tmp_path_factory.mktemp("box-joins"), "tests/pages/layout/box-joins.yaml")


def test_every_rule_near_a_box_ends_on_its_frame(joins: Path) -> None:
    assert open_box_ends(joins, GUTTER + PITCH) == []


def test_a_box_under_a_module_stands_on_its_rule_line(joins: Path) -> None:
    """The boxed module under the module across the page: its top edge on that module's foot rule's
    line, the rest of the rule (over the module beside the box) running on from its corner; the
    boxed 讣告 at the right edge the same under the module over it, its left side on the gutter's
    centre where the 简讯's foot... (none: it reaches the page foot) side rule would stand."""
    with pdfplumber.open(joins) as doc:
        page = doc.pages[0]
        boxes = sorted((r for r in page.rects if r["stroke"] and r["width"] > 50), key=lambda r: r["top"])
        feet = [ln for ln in page.lines if abs(ln["top"] - ln["bottom"]) < 0.01 and (ln.get("linewidth") or 0) == 0.5
                and ln["x1"] - ln["x0"] > 50]
    boxed, obit = boxes
    rule = next(ln for ln in feet if ln["x0"] < boxed["x1"] + GUTTER and ln["x1"] > boxed["x1"] + 50)
    assert abs(rule["top"] - boxed["top"]) < 0.01, (rule["top"], boxed["top"])  # no step
    assert rule["x0"] <= boxed["x1"] + 0.01  # no gap at the corner
    assert abs(obit["x0"] - boxed["x1"]) < 0.01  # both sides on the one gutter centre
    assert abs(obit["top"] - boxed["bottom"]) < 0.01  # the 讣告's top on the rule line under the box


@pytest.mark.parametrize("spec", ["layout/front-page.yaml", "layout/seed-page-alt.yaml"])
def test_shipped_boxes_meet_their_neighbours_rules(tmp_path: Path, spec: str) -> None:
    assert open_box_ends(_build(tmp_path, spec), GUTTER + PITCH) == []
