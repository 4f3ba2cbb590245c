"""Overprint where it belongs (issue 15): only 100 % K text and rules overprint; white type,
colour type, tints and photos knock out. Judged on Ghostscript's separations (tiffsep simulates
overprint on its CMYK plates), not on our own reading of the PDF."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest
from PIL import Image, ImageChops

from pagesetter.build import build_page
from pagesetter.proof.diff import frames_of

PAGE = Path(__file__).resolve().parent / "pages" / "layout" / "colour.yaml"
DPI = 150
INKED = 128  # tiffsep plates: 0 is full ink, 255 none

needs_gs = pytest.mark.skipif(shutil.which("gs") is None, reason="Ghostscript (gs) is not installed")


@pytest.fixture(scope="module")
def plates(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Image.Image], list[dict], float]:
    out = tmp_path_factory.mktemp("colour")
    pdf = build_page(PAGE, out).pdf_path
    subprocess.run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=tiffsep", f"-r{DPI}",
                    f"-sOutputFile={out / 'sep.tif'}", str(pdf)], check=True, capture_output=True, timeout=300)
    with pikepdf.open(pdf) as doc:
        height = float(doc.pages[0].MediaBox[3])
    seps = {ink: Image.open(out / f"sep({ink}).tif").convert("L") for ink in ("Cyan", "Magenta", "Yellow", "Black")}
    return seps, frames_of(pdf)[0], height


def _box(frame: dict, height: float) -> tuple[int, int, int, int]:
    s = DPI / 72
    return (round(frame["x0"] * s) + 2, round((height - frame["y1"]) * s) + 2,
            round(frame["x1"] * s) - 2, round((height - frame["y0"]) * s) - 2)


def _frame(frames: list[dict], article: str, kind: str) -> dict:
    return next(f for f in frames if f["article"] == article and f["kind"] == kind)


def _count(mask: Image.Image) -> int:
    return mask.histogram()[255]


def _inked(plate: Image.Image) -> Image.Image:
    return plate.point(lambda v: 255 if v < INKED else 0)


def _clear(plate: Image.Image) -> Image.Image:
    return plate.point(lambda v: 255 if v == 255 else 0)


@needs_gs
def test_white_type_on_a_dark_tint_stays_white(plates) -> None:
    seps, frames, height = plates
    box = _box(_frame(frames, "reverse", "headline"), height)
    white = _count(ImageChops.multiply(_clear(seps["Black"].crop(box)), _clear(seps["Cyan"].crop(box))))
    assert white > 500, "the white headline vanished: every pixel of its band carries black ink"


@needs_gs
def test_colour_type_knocks_out_the_tint_under_it(plates) -> None:
    seps, frames, height = plates
    box = _box(_frame(frames, "cyan", "headline"), height)
    cyan = _inked(seps["Cyan"].crop(box))
    assert _count(cyan) > 500
    green = _count(ImageChops.multiply(cyan, _inked(seps["Yellow"].crop(box))))
    assert green == 0, f"{green} pixels of cyan type print over yellow (green)"


@needs_gs
def test_black_text_overprints_the_tint(plates) -> None:
    seps, frames, height = plates
    body = next(f for f in frames if f["article"] == "cyan" and f["kind"] == "body")
    box = _box(body, height)
    black = _inked(seps["Black"].crop(box))
    assert _count(black) > 500
    kept = _count(ImageChops.multiply(black, _inked(seps["Yellow"].crop(box))))
    assert kept >= 0.95 * _count(black), "black text knocked out the tint under it"


@needs_gs
def test_colour_body_text_knocks_out_the_tint(plates) -> None:
    seps, frames, height = plates
    body = next(f for f in frames if f["article"] == "red" and f["kind"] == "body")
    box = _box(body, height)
    yellow = _inked(seps["Yellow"].crop(box))  # the red text (M+Y); the tint is cyan and magenta
    assert _count(yellow) > 200
    tint_cyan = _count(_clear(seps["Cyan"].crop(box)).point(lambda v: 255 - v))
    assert tint_cyan > 1000  # the tint is there around the text
    under = _count(ImageChops.multiply(yellow, seps["Cyan"].crop(box).point(lambda v: 255 if v < 255 else 0)))
    assert under == 0, f"{under} pixels of red text print over the tint's cyan"


def _everything_overprints(pdf: Path, out: Path) -> Path:
    """Our page with every knock-out state switched to overprint: the old fault, made on purpose."""
    with pikepdf.open(pdf) as doc:
        page = doc.pages[0]
        data = page.Contents.read_bytes() if not isinstance(page.Contents, pikepdf.Array) else \
            b"\n".join(c.read_bytes() for c in page.Contents)
        assert b"/GSko gs" in data
        page.Contents = doc.make_stream(data.replace(b"/GSko gs", b"/GSop gs"))
        doc.save(out)
    return out


def test_preflight_finds_white_and_colour_set_to_overprint(tmp_path: Path) -> None:
    from pagesetter.proof.preflight import preflight

    pdf = build_page(PAGE, tmp_path).pdf_path
    clean = preflight(pdf)
    assert not [f for f in clean.findings if f.check == "overprint"], clean.text()
    bad = preflight(_everything_overprints(pdf, tmp_path / "bad.pdf"))
    messages = [f.message for f in bad.findings if f.check == "overprint" and f.severity == "error"]
    assert any(m.startswith("white set to overprint") for m in messages), bad.text()
    assert any(m.startswith("colour (100, 0, 0, 0) set to overprint") for m in messages), bad.text()


@needs_gs
def test_a_transparent_picture_on_a_tint_leaves_no_white_patch(plates) -> None:
    """Issue 15.9: an RGBA PNG in a tinted box was flattened onto white: a white rectangle on the
    tint. Its clear pixels now show the tint; only the logo's own white square is paper."""
    seps, frames, height = plates
    box = _box(_frame(frames, "cyan", "photo"), height)
    clear = [_clear(seps[ink].crop(box)) for ink in ("Cyan", "Magenta", "Yellow", "Black")]
    white = clear[0]
    for plate in clear[1:]:
        white = ImageChops.multiply(white, plate)
    area = (box[2] - box[0]) * (box[3] - box[1])
    assert _count(white) < 0.05 * area, f"{_count(white)} of {area} pixels are bare paper"


def test_preflight_warns_of_small_text_in_several_inks(tmp_path: Path) -> None:
    """PRINT.md: small text in more than one ink goes fuzzy with misregistration (the independent
    plant check warned of the red 9 pt body; ours did not)."""
    from pagesetter.proof.preflight import preflight

    report = preflight(build_page(PAGE, tmp_path).pdf_path)
    found = [f.message for f in report.findings if f.check == "registration"]
    assert any(m.startswith("9 pt text in 2 inks (0, 100, 100, 0)") for m in found), report.text()
