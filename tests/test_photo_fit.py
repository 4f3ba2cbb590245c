"""`photo: {fit: fit}` (trial 12): the whole picture scaled uniformly to the largest size its cell
holds, never stretched to the cell; and preflight catching a stretched picture in any PDF (its
resolution on each axis, the lower counting, and its placed shape against its pixels').

The test page (tests/pages/layout/photo-fit.yaml) holds pictures of odd shapes, made by
tests/pages/content/photo-fit/make_photos.py; everything is read back from the built PDF."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pdfplumber
import pikepdf
import pytest

from pagesetter.proof.diff import frames_of
from pagesetter.proof.preflight import preflight

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "tests" / "pages" / "layout" / "photo-fit.yaml"
ENV = dict(os.environ, PYTHONWARNINGS="ignore", PAGESETTER_CACHE="off")
# file -> the picture's own width / height (make_photos.py)
SHAPES = {"fit-pano": 800 / 200, "fit-tall": 270 / 810, "fit-alpha": 700 / 560, "fit-normal": 720 / 480}
EDGE = 0.05  # pt: the PDF's numbers are rounded to hundredths


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pagesetter", *args], capture_output=True, text=True,
                          timeout=600, env=ENV, cwd=ROOT)


@pytest.fixture(scope="module")
def build_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("photo-fit")
    run = _run("build", str(SPEC), "-o", str(out))
    assert run.returncode == 0, run.stderr
    return out / "photo-fit.pdf", run.stderr


@pytest.fixture(scope="module")
def built(build_run: tuple[Path, str]) -> Path:
    return build_run[0]


def _placed(pdf: Path) -> dict[str, dict]:
    """Each article's picture as pdfplumber reads it (its box on the page and its pixels), by the
    photo frame of the layout record it lies in."""
    frames = [f for f in frames_of(pdf)[0] if f["kind"] == "photo"]
    out = {}
    with pdfplumber.open(pdf) as doc:
        for im in doc.pages[0].images:
            cx, cy = (im["x0"] + im["x1"]) / 2, (im["y0"] + im["y1"]) / 2
            frame = next(f for f in frames if f["x0"] <= cx <= f["x1"] and f["y0"] <= cy <= f["y1"])
            out[frame["article"]] = dict(im, frame=frame)
    return out


def test_a_fit_picture_keeps_its_shape_at_the_largest_size_its_cell_holds(built: Path) -> None:
    """The trial's 4:1 panorama printed 1.35:1 and its 1:3 picture twice too wide: each picture's
    placed shape is its pixels' (and its file's), it lies inside its cell, fills the cell on one
    axis and is centred on the other across; the white left over down the cell is above it, so
    that its caption (under the cell) stands right under the picture."""
    placed = _placed(built)
    assert set(placed) == set(SHAPES)
    for article, im in placed.items():
        w, h = im["x1"] - im["x0"], im["y1"] - im["y0"]
        pw, ph = im["srcsize"]
        assert w / h == pytest.approx(pw / ph, rel=0.005), article
        assert w / h == pytest.approx(SHAPES[article], rel=0.01), article
        f = im["frame"]
        assert f["x0"] - EDGE <= im["x0"] and im["x1"] <= f["x1"] + EDGE, article
        assert f["y0"] - EDGE <= im["y0"] and im["y1"] <= f["y1"] + EDGE, article
        fw, fh = f["x1"] - f["x0"], f["y1"] - f["y0"]
        assert w == pytest.approx(fw, abs=0.1) or h == pytest.approx(fh, abs=0.1), article
        assert im["x0"] - f["x0"] == pytest.approx(f["x1"] - im["x1"], abs=0.1), article  # centred across
        assert im["y0"] == pytest.approx(f["y0"], abs=0.1), article  # on the cell's foot, over the caption


def test_the_wide_and_the_tall_picture_leave_white_on_the_axis_they_do_not_fill(built: Path) -> None:
    placed = _placed(built)
    pano, tall = placed["fit-pano"], placed["fit-tall"]
    assert pano["x1"] - pano["x0"] == pytest.approx(pano["frame"]["x1"] - pano["frame"]["x0"], abs=0.1)
    assert (pano["y1"] - pano["y0"]) < 0.5 * (pano["frame"]["y1"] - pano["frame"]["y0"])
    assert tall["y1"] - tall["y0"] == pytest.approx(tall["frame"]["y1"] - tall["frame"]["y0"], abs=0.1)
    assert (tall["x1"] - tall["x0"]) < 0.5 * (tall["frame"]["x1"] - tall["frame"]["x0"])


def test_the_desk_is_told_of_the_white_each_picture_leaves_in_its_cell(build_run: tuple[Path, str]) -> None:
    """Trial 12: a fit picture much smaller than its cell left a hole the build did not mention.
    Each of the four leaves more than a line and a half of white (the preview shows it): one
    warning each, naming the file and the side, its share and millimetres those of the read-back
    picture in its record's cell."""
    pdf, stderr = build_run
    placed = _placed(pdf)
    files = {"fit-pano": "panorama.jpg", "fit-tall": "tall.jpg", "fit-alpha": "alpha.png", "fit-normal": "normal.jpg"}
    for article, name in files.items():
        lines = [line for line in stderr.splitlines() if "photo-white:" in line and f"{name} is set whole" in line]
        assert len(lines) == 1, stderr
        im, f = placed[article], placed[article]["frame"]
        w, h, fw, fh = im["x1"] - im["x0"], im["y1"] - im["y0"], f["x1"] - f["x0"], f["y1"] - f["y0"]
        share, mm, side = re.search(r"fills (\d+)% of its cell's (depth|width): (\d+) mm", lines[0]).group(1, 3, 2)
        placed_share, white = (h / fh, fh - h) if side == "depth" else (w / fw, fw - w)
        assert int(share) == round(100 * placed_share), lines[0]
        assert int(mm) == round(white * 25.4 / 72), lines[0]
        assert ("above it" in lines[0]) == (side == "depth"), lines[0]  # the picture stands on its caption
    assert "width" in next(line for line in stderr.splitlines() if "tall.jpg is set whole" in line)


def test_a_fit_picture_that_fills_its_cell_is_not_warned(tmp_path: Path) -> None:
    """The colour test page's round logo nearly fills its cell (fit: fit): no photo-white."""
    run = _run("build", str(ROOT / "tests" / "pages" / "layout" / "colour.yaml"), "-o", str(tmp_path))
    assert run.returncode == 0, run.stderr
    assert "photo-white" not in run.stderr and "fit: fit" in (ROOT / "tests/pages/layout/colour.yaml").read_text()


def test_the_build_passes_preflight_with_each_axis_at_its_resolution(built: Path) -> None:
    report = preflight(built)
    assert report.errors == 0, report.text()
    assert not [f for f in report.findings if f.check in ("distortion", "resolution")], report.text()
    assert report.measured["lowest image ppi"] >= 200


def _stretch(source: Path, target: Path, article: str) -> None:
    """The built page with one picture's placing matrix made to fill its whole cell, as main's
    fit did (a PDF from anywhere may be so): its own pixels and the record naming it kept."""
    frame = next(f for f in frames_of(source)[0] if f["kind"] == "photo" and f["article"] == article)
    with pikepdf.open(source) as pdf:
        page = pdf.pages[0]
        names = [im["name"] for im in layout_images(page)]
        index = [im["article"] for im in layout_images(page)].index(article)
        ops = pikepdf.parse_content_stream(page)
        out = []
        for k, (operands, op) in enumerate(ops):
            nxt = ops[k + 1] if k + 1 < len(ops) else None
            if str(op) == "cm" and nxt is not None and str(nxt[1]) == "Do" \
                    and str(nxt[0][0]).endswith(names[index]):
                operands = [frame["x1"] - frame["x0"], 0, 0, frame["y1"] - frame["y0"], frame["x0"], frame["y0"]]
            out.append((operands, op))
        page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(out))
        pdf.save(target)


def layout_images(page: pikepdf.Page) -> list[dict]:
    from pagesetter.proof.record import layout_record

    return layout_record(page)["images"]


def test_preflight_calls_a_stretched_picture_an_error_on_each_count(built: Path, tmp_path: Path) -> None:
    """Main's output: the 4:1 panorama stretched over its 2-column, 20-line cell (x 200 ppi, y about
    50). Preflight said PASS with "lowest image ppi 200" (the width only). Now: the lower axis is the
    resolution (an error under 150), and the placed shape against the pixels' an error of its own,
    naming the photo and its article (the build's record) and where it stands on the page."""
    stretched = tmp_path / "stretched.pdf"
    _stretch(built, stretched, "fit-pano")
    report = preflight(stretched)
    text = report.text()
    resolution = [f for f in report.findings if f.check == "resolution"]
    assert [f.severity for f in resolution] == ["error"], text
    assert "panorama.jpg (fit-pano)" in resolution[0].message, text
    ppi = int(re.search(r"at (\d+) ppi", resolution[0].message).group(1))
    assert 30 < ppi < 80, text
    assert report.measured["lowest image ppi"] < 80
    distorted = [f for f in report.findings if f.check == "distortion"]
    assert [f.severity for f in distorted] == ["error"], text
    message = distorted[0].message
    assert "panorama.jpg (fit-pano)" in message and "taller than its pixels" in message, text
    percent = int(re.search(r"(\d+) % taller", message).group(1))
    # the cell's shape over the picture's: 243 pt wide, 20 lines less the picture's inset deep
    assert 250 < percent < 350, text
    assert re.search(r"\d+ mm from the left, \d+ mm from the top", message), text
    assert distorted[0].page == 1


def test_preflight_calls_a_squeezed_picture_wider_than_its_pixels(built: Path, tmp_path: Path) -> None:
    stretched = tmp_path / "squeezed.pdf"
    _stretch(built, stretched, "fit-tall")
    report = preflight(stretched)
    distorted = [f for f in report.findings if f.check == "distortion"]
    assert len(distorted) == 1 and "tall.jpg (fit-tall)" in distorted[0].message, report.text()
    assert "wider than its pixels" in distorted[0].message, report.text()


def test_pagesetter_preflight_exits_6_on_a_distortion_with_one_located_line(built: Path, tmp_path: Path) -> None:
    """`pagesetter preflight` on such a file: exit 6 and the line naming the photo and its article
    (from the build's record, as the build's own gate, the same preflight, names it)."""
    stretched = tmp_path / "stretched.pdf"
    _stretch(built, stretched, "fit-normal")
    run = _run("preflight", str(stretched))
    said = run.stdout + run.stderr
    assert run.returncode == 6, said
    assert re.search(r"error: distortion: .*normal\.jpg \(fit-normal\).* % taller than its pixels", said), said
    assert "Traceback" not in said
