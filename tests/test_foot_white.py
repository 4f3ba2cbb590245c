"""One grid line left white at a module's foot (issue 17): at the page foot it is an underset
warning, above a module's rule it is not. tests/pages/layout/foot-white.yaml stacks two one-column
modules whose copy leaves exactly one empty line each; read back from the PDF to be sure it does."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from pagesetter.build import build_page
from pagesetter.proof.readback import read_chars
from pagesetter.proof.typography import pdf_frames

PAGE = Path(__file__).resolve().parent / "pages" / "layout" / "foot-white.yaml"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    return build_page(PAGE, tmp_path_factory.mktemp("foot-white"))


def _lines_under_text(built, article: str) -> int:
    """Whole grid lines between the article's last body line and its block's foot."""
    page = read_chars(built.pdf_path)[0]
    frames = pdf_frames(built.pdf_path)[0]
    block = next(f for f in frames if f["kind"] == "block" and f["article"] == article)
    body = [f for f in frames if f["kind"] == "body" and f["article"] == article]
    size = built.spec.styles["body"].size
    baselines = [c.baseline for c in page.chars for f in body
                 if abs(c.size - size) < 0.01 and f["x0"] - 0.5 <= c.x < f["x1"]
                 and page.height - f["y1"] <= c.baseline <= page.height - f["y0"] + 0.5]
    foot = page.height - block["y0"]
    return math.floor((foot - max(baselines)) / built.spec.grid.pitch)


def test_each_module_leaves_one_line_white(built) -> None:
    assert _lines_under_text(built, "upper") == 2  # the white line, then the rule's line
    assert _lines_under_text(built, "lower") == 1  # the white line at the page foot


def test_the_white_line_at_the_page_foot_is_underset(built) -> None:
    underset = {w.message.split("'")[1]: w.message for w in built.warnings if w.kind == "underset"}
    assert list(underset) == ["lower"], underset
    assert "white for 1 line in every column" in underset["lower"]
