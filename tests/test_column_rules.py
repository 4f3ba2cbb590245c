"""Column rules (栏线) join as the module rules do (issue 17 follow-up): a column rule runs down on
to the foot rule it meets (┴), and stops where the text does, a standoff short of the photo's
caption above it, not run up to the caption nor short of the foot; in a module left underset
(flight: white under the text of every column) it stops under the deeper text of the two columns
it parts, not on through the white (trial 12). Read back from the PDF's drawn lines and its layout
record, on the fit test page (a 3-column module, a photo across it)."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest

from pagesetter.build import build_page
from pagesetter.proof.typography import pdf_frames

PAGE = Path(__file__).resolve().parent / "pages" / "layout" / "fit-floor.yaml"
EPS = 0.05  # pt


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    return build_page(PAGE, tmp_path_factory.mktemp("column-rules"))


@pytest.mark.parametrize("article", ["flight", "flight-long"])
def test_column_rules_meet_the_foot_rule_and_stop_a_standoff_under_the_caption(built, article: str) -> None:
    frames = [f for f in pdf_frames(built.pdf_path)[0] if f["article"] == article]
    block = next(f for f in frames if f["kind"] == "block")
    caption = next(f for f in frames if f["kind"] == "caption")
    body_top = max(f["y1"] for f in frames if f["kind"] == "body")
    weights = built.spec.rules
    with pdfplumber.open(built.pdf_path) as doc:
        lines = doc.pages[0].lines
    foot = [ln for ln in lines if abs(ln["y0"] - ln["y1"]) < EPS and ln["linewidth"] == pytest.approx(weights.article)
            and ln["x0"] <= block["x0"] + 1 and ln["x1"] >= block["x1"] - 1 and block["y0"] < ln["y0"] < block["y0"] + 14]
    assert len(foot) == 1, foot
    columns = [ln for ln in lines if abs(ln["x0"] - ln["x1"]) < EPS and ln["linewidth"] == pytest.approx(weights.column)
               and block["x0"] + 5 < ln["x0"] < block["x1"] - 5 and block["y0"] <= ln["y0"] <= block["y1"]]
    assert len(columns) == 2, columns  # the two gutters of three columns, under the photo
    underset = any(w.kind == "underset" and f"{article!r}:" in w.message for w in built.warnings)
    assert underset == (article == "flight")
    text_foot = min(f["y0"] for f in frames if f["kind"] == "body")  # the columns' balanced foot
    for ln in columns:
        if underset:  # under the deeper column's last line: where its grid band ends
            assert ln["y0"] == pytest.approx(text_foot, abs=EPS) and ln["y0"] - foot[0]["y0"] > built.spec.grid.pitch
            continue
        assert ln["y0"] == pytest.approx(foot[0]["y0"], abs=EPS)  # down to the foot rule's centre (┴); was half a line short
        assert ln["y1"] == pytest.approx(body_top, abs=EPS)  # up to where the text starts
        assert caption["y0"] - ln["y1"] == pytest.approx(built.spec.grid.pitch, abs=EPS)  # a standoff under the caption
