"""The two coverage renders of preflight must count the same ink (session 17, ink17).

A build's gate renders the coverage check in a kept Ghostscript (proof/coverage.py's
CoverageServer, primed on a page in the colorant /All); `pagesetter preflight` renders in a
Ghostscript of its own. Ghostscript 10's device-colour render (-dUseFastColor) ignored overprint
until a Separation colour space had been set in its process: the primed server overprinted the
box's 100 % K rule on its tint (250 % here), the render of its own knocked it out (100 %), so the
build refused the page and preflight passed it. The figure that holds is Ghostscript's tiffsep
separations (a tool we did not write), summed plate by plate at the rule.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pdfplumber
import pytest
from PIL import Image

from pagesetter.proof.coverage import COVERAGE_DPI, CoverageServer
from pagesetter.proof.preflight import _ink_total, coverage_render

LAYOUT = Path(__file__).resolve().parent / "pages" / "layout"
INK_RULE = LAYOUT / "ink-rule.yaml"  # only the box's rules over its 150 % tint are over 240 %
INK_OVER = LAYOUT / "ink-over.yaml"  # the trial's page: black text and the rule over a 160 % tint
PLATES = ("Cyan", "Magenta", "Yellow", "Black")

pytestmark = pytest.mark.skipif(not shutil.which("gs"), reason="Ghostscript not installed")


def _built(spec: Path, out: Path) -> tuple[Path, list[str]]:
    """The PDF a build writes, and its gate's coverage findings (the kept Ghostscript's render).
    --no-cache: a cached build would replay an earlier verdict instead of running the gate."""
    run = subprocess.run([sys.executable, "-m", "pagesetter", "build", "-q", "--no-cache", "--json", "-o", str(out),
                          str(spec)],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode in (0, 5, 6), run.stdout + run.stderr
    findings = json.loads(run.stdout)["pages"][0]["preflight"]["findings"]
    return out / f"{spec.stem}.pdf", [f["message"] for f in findings if f["kind"] == "coverage"]


def _preflighted(pdf: Path) -> tuple[int, list[str]]:
    """`pagesetter preflight PDF`'s exit status and coverage findings (a Ghostscript of its own)."""
    run = subprocess.run([sys.executable, "-m", "pagesetter", "preflight", "--json", str(pdf)],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode in (0, 5, 6) and "Traceback" not in run.stderr, run.stdout + run.stderr
    report = json.loads(run.stdout)[0]
    return run.returncode, [f["message"] for f in report["findings"] if f["check"] == "coverage"]


def _tiffsep_total(pdf: Path, folder: Path) -> np.ndarray:
    """C+M+Y+K in % at each pixel of page 1, from Ghostscript's tiffsep plates (overprint as a
    separating device does it natively; each plate 255 = no ink) at the coverage check's dpi."""
    subprocess.run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=tiffsep", f"-r{COVERAGE_DPI}",
                    f"-sOutputFile={folder / 'p%d.tif'}", str(pdf)], check=True, capture_output=True, timeout=300)
    total = None
    for plate in PLATES:
        with Image.open(folder / f"p1({plate}).tif") as im:
            ink = 255 - np.asarray(im.convert("L"), dtype=np.int32)
        total = ink if total is None else total + ink
    assert total is not None
    return total * 100.0 / 255


def _column_rule(pdf: Path) -> tuple[float, float]:
    """The middle of the vertical rule between the box's two columns (over its tint), in PDF
    points from the media's top left, as pdfplumber reads the page's stroked lines."""
    with pdfplumber.open(pdf) as doc:
        page = doc.pages[0]
        tint = max((r for r in page.rects if r["fill"] and not r["stroke"]), key=lambda r: r["width"] * r["height"])
        inside = [ln for ln in page.lines if ln["x0"] == ln["x1"] and tint["x0"] < ln["x0"] < tint["x1"]
                  and tint["top"] <= ln["top"] < ln["bottom"] <= tint["bottom"]]
        assert len(inside) == 1, inside
        return inside[0]["x0"], (inside[0]["top"] + inside[0]["bottom"]) / 2


def _percent(message: str) -> float:
    found = re.match(r"total area coverage (\d+) % over", message)
    assert found, message
    return float(found.group(1))


def test_the_gate_and_preflight_count_the_same_ink_where_a_rule_overprints_a_tint(tmp_path: Path) -> None:
    pdf, gate = _built(INK_RULE, tmp_path)
    status, alone = _preflighted(pdf)
    sep = _tiffsep_total(pdf, tmp_path)
    x, y = _column_rule(pdf)
    scale = COVERAGE_DPI / 72
    col, row = int(x * scale), int(y * scale)
    at_rule = float(sep[row - 1:row + 2, col - 1:col + 2].max())  # the 0.25 pt rule's pixel, next to its point
    # tiffsep: the rule's black over the tint's 150 %, nothing knocked out
    assert 248 <= at_rule <= 252, at_rule
    # the build's gate and preflight of the same file say the same thing, and the figure is tiffsep's
    assert alone == gate, (gate, alone)
    assert status == 6
    assert len(gate) == 1 and abs(_percent(gate[0]) - at_rule) <= 1, (gate, at_rule)


def _page_totals(pdf: Path, server: CoverageServer | None) -> np.ndarray:
    """Each pixel's C+M+Y+K of page 1 as the coverage check reads it: a render of its own
    (``server`` None, as `pagesetter preflight` does) or the kept Ghostscript's."""
    with coverage_render(pdf, server=server) as render:
        if render.pending is not None:
            tiffs = render.pending()
            assert tiffs, "the kept Ghostscript did not render the file"
            tiff = tiffs[0]
        else:
            assert render.process is not None and render.process.wait() == 0
            tiff = render.folder / "p001.tif"
        return np.asarray(_ink_total(tiff), dtype=np.int32)


def test_every_coverage_render_gives_the_same_ink_at_every_pixel(tmp_path: Path) -> None:
    """ink-over.pdf (the trial's page) through each way preflight renders it: its own Ghostscript,
    a kept one primed on the /All page (a build's), a kept one not primed, and a kept one that
    rendered another file first. Every pixel the same, and the rule over the tint as tiffsep says."""
    pdf, _ = _built(INK_OVER, tmp_path)
    own = _page_totals(pdf, None)
    with CoverageServer() as primed:
        primed.prime()
        kept = _page_totals(pdf, primed)
    with CoverageServer() as cold:
        unprimed = _page_totals(pdf, cold)
        again = _page_totals(pdf, cold)
    for name, other in (("primed", kept), ("unprimed", unprimed), ("second file", again)):
        differ = np.argwhere(other != own)
        assert len(differ) == 0, f"{name}: {len(differ)} pixels differ from the render of its own, first at " \
                                 f"{differ[0].tolist()}: {other[tuple(differ[0])]} against {own[tuple(differ[0])]}"
    sep = _tiffsep_total(pdf, tmp_path)
    assert np.abs(own * 100.0 / 255 - sep).max() <= 1, np.abs(own * 100.0 / 255 - sep).max()
