"""Trial 13's proof of a page whose headline is overset (a 62-character title in a 2-column module
given ``headline: {lines: 4}``), read back from tests/pages/layout/trial13-proof-overset.yaml's
proof:

- the red overset box was drawn round the body's last column and its label (溢出 54字 6行) over the
  body's words: the headline's overset is boxed on the headline's area, its label on no text;
- the build, stopped by the overset (exit 3), wrote the proof and its A3 tiles unsaid and, with
  --preview, no proof.png (README: "With --preview the proof is rendered to <page>.proof.png
  too"): each file is named as written, and the PNG rendered.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pdfplumber
import pikepdf
import pytest

from pagesetter.build import build_page
from pagesetter.errors import OversetError
from pagesetter.proof.record import layout_record

SPEC = Path(__file__).resolve().parent / "pages" / "layout" / "trial13-proof-overset.yaml"
RED = (0, 1, 1, 0)  # proof/overlay.py OVERSET


@pytest.fixture(scope="module")
def proof(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("trial13-proof")
    with pytest.raises(OversetError):
        build_page(SPEC, out, proof=True)
    return out / "trial13-proof-overset.proof.pdf"


def _red(colour: object) -> bool:
    return isinstance(colour, (tuple, list)) and len(colour) == 4 and \
        all(abs(float(a) - b) < 0.01 for a, b in zip(colour, RED))


def test_a_headline_overset_is_boxed_on_the_headline_s_area(proof: Path) -> None:
    with pikepdf.open(proof) as doc:
        record = layout_record(doc.pages[0])
        height = float(doc.pages[0].MediaBox[3])
    headline = next(f for f in record["frames"] if f["article"] == "hx-longhead" and f["kind"] == "headline")
    want = (headline["x0"], height - headline["y1"], headline["x1"], height - headline["y0"])
    with pdfplumber.open(proof) as doc:
        page = doc.pages[0]
        red = [o for o in page.lines + page.rects + page.curves
               if _red(o.get("stroking_color")) and abs(float(o.get("linewidth") or 0) - 1.5) < 0.01]
    assert red, "no overset box"
    box = (min(o["x0"] for o in red), min(o["top"] for o in red), max(o["x1"] for o in red),
           max(o["bottom"] for o in red))
    assert all(abs(a - b) <= 1.0 for a, b in zip(box, want)), (box, want)


def test_the_overset_label_covers_no_text(proof: Path) -> None:
    with pdfplumber.open(proof) as doc:
        chars = [c for c in doc.pages[0].chars if c["text"].strip()]
    label = [c for c in chars if _red(c.get("non_stroking_color"))]
    assert "".join(c["text"] for c in label) == "溢出54字6行"
    others = [c for c in chars if not _red(c.get("non_stroking_color"))]
    for a in label:
        for b in others:
            assert not (a["x0"] < b["x1"] and b["x0"] < a["x1"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]), \
                (a["text"], b["text"])


def test_a_stopped_build_names_the_proofs_it_wrote_and_renders_the_proof_preview(tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, "-m", "pagesetter", "build", "--no-cache", "--proof", "--preview",
                          "-o", str(tmp_path), str(SPEC)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 3, run.stderr
    wrote = [line.removeprefix("wrote ") for line in run.stdout.splitlines() if line.startswith("wrote ")]
    names = [Path(p).name for p in wrote]
    assert names == ["trial13-proof-overset.proof.pdf", "trial13-proof-overset.proof-a3.pdf",
                     "trial13-proof-overset.proof.png"], run.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names)  # nothing written unsaid
    errors = run.stderr.strip().splitlines()
    assert len(errors) == 1 and "trial13-proof-overset.yaml:" in errors[0] and "hx-longhead" in errors[0], run.stderr
