"""A fit picture's caption is set to the picture's width, centred under it, never narrower than
eight caption characters (README, ``photo.fit``; flow/article.py _fit_caption_measure). It kept
its cell's width: a narrow picture stood over a caption twice its width.

Read back from the built PDFs of tests/pages/layout/fit-caption.yaml (a 1:8 strip whose caption
keeps the minimum measure, a 2:3 picture with a credit) and photo-fit.yaml (a 1:3 picture narrowed;
three pictures that fill their cell's width keep a caption of the cell's width)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pdfplumber
import pytest

from pagesetter.proof.diff import frames_of

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT / "tests" / "pages" / "layout"
ENV = dict(os.environ, PYTHONWARNINGS="ignore", PAGESETTER_CACHE="off")
CAPTION = 9.0  # city-daily's caption style: 小五
EDGE = 0.3  # pt: a justified line's last glyph ends on the measure, within rounding


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("fit-caption")
    pdfs = {}
    for page in ("fit-caption", "photo-fit"):
        run = subprocess.run([sys.executable, "-m", "pagesetter", "build", str(PAGES / f"{page}.yaml"), "-o", str(out)],
                             capture_output=True, text=True, timeout=600, env=ENV, cwd=ROOT)
        assert run.returncode == 0, run.stderr
        pdfs[page] = out / f"{page}.pdf"
    return pdfs


def _pictures_and_captions(pdf: Path) -> dict[str, tuple[dict, dict, list[dict]]]:
    """Each article's picture (pdfplumber's image), its photo cell (the layout record's frame) and
    the characters of its caption and credit: those under the picture, inside its cell's columns."""
    frames = [f for f in frames_of(pdf)[0] if f["kind"] == "photo"]
    out = {}
    with pdfplumber.open(pdf) as doc:
        page = doc.pages[0]
        for im in page.images:
            cx, cy = (im["x0"] + im["x1"]) / 2, (im["y0"] + im["y1"]) / 2
            frame = next(f for f in frames if f["x0"] <= cx <= f["x1"] and f["y0"] <= cy <= f["y1"])
            chars = [c for c in page.chars if frame["x0"] - 1 <= c["x0"] and c["x1"] <= frame["x1"] + 1
                     and im["bottom"] <= c["top"] <= im["bottom"] + 10 * 13.5 and c["text"].strip()]
            out[frame["article"]] = (im, frame, chars)
    return out


def test_a_fit_picture_s_caption_is_set_to_the_picture_s_width(built: dict[str, Path]) -> None:
    found = _pictures_and_captions(built["fit-caption"])
    im, frame, chars = found["fit-credit"]
    assert chars, "no caption under the picture"
    assert im["x1"] - im["x0"] < 0.8 * (frame["x1"] - frame["x0"])  # a picture narrower than its cell
    left, right = min(c["x0"] for c in chars), max(c["x1"] for c in chars)
    assert im["x0"] - EDGE <= left and right <= im["x1"] + EDGE, (left, right, im["x0"], im["x1"])
    # justified to the picture's edges: its first line starts on the picture's left edge, the
    # credit (本报记者 王强 摄, flush right on a line of its own) ends on its right
    assert left == pytest.approx(im["x0"], abs=EDGE) and right == pytest.approx(im["x1"], abs=EDGE)
    assert "".join(c["text"] for c in chars).endswith("本报记者王强摄")


def test_a_very_narrow_picture_s_caption_keeps_eight_characters_centred_under_it(built: dict[str, Path]) -> None:
    im, frame, chars = _pictures_and_captions(built["fit-caption"])["fit-sliver"]
    assert chars, "no caption under the picture"
    width = im["x1"] - im["x0"]
    assert width < 8 * CAPTION  # the picture is narrower than the minimum measure
    left, right = min(c["x0"] for c in chars), max(c["x1"] for c in chars)
    # its lines start half the measure left of the picture's middle (centred under it) and end on
    # the measure, or half an em past it where a line's last mark hangs (kaiming punctuation)
    assert left == pytest.approx((im["x0"] + im["x1"]) / 2 - 4 * CAPTION, abs=EDGE)
    assert left + 8 * CAPTION - EDGE <= right <= left + 8.5 * CAPTION + EDGE
    assert frame["x0"] - EDGE <= left and right <= frame["x1"] + EDGE


def test_photo_fit_narrow_picture_narrowed_and_pictures_filling_their_width_keep_the_cell(
        built: dict[str, Path]) -> None:
    found = _pictures_and_captions(built["photo-fit"])
    im, frame, chars = found["fit-tall"]
    left, right = min(c["x0"] for c in chars), max(c["x1"] for c in chars)
    assert im["x0"] - EDGE <= left and right <= im["x1"] + EDGE, (left, right, im["x0"], im["x1"])
    for article in ("fit-pano", "fit-alpha", "fit-normal"):  # as wide as the cell: the cell's measure
        im, frame, chars = found[article]
        assert im["x1"] - im["x0"] == pytest.approx(frame["x1"] - frame["x0"], abs=0.1), article
        assert min(c["x0"] for c in chars) == pytest.approx(frame["x0"], abs=EDGE), article
