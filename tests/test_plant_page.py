"""Issue 15, acceptance: one colour page with everything a plant checks — white type on a dark tint,
colour type on a tint, a transparent PNG on a tint, a photo supplied at 400 % CMYK and a photo of
18 ppi. The build refuses it with one line naming the low-resolution photo; with that photo
replaced it exits 0, and Ghostscript's separations (not our reading of the PDF) show no pixel over
the 240 % limit anywhere on the page, the supplied 400 % photo included."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pikepdf
import pytest
from PIL import Image

from conftest import copy_project
from pagesetter.proof.diff import frames_of

HERE = Path(__file__).resolve().parent
PAGES = HERE / "pages"
DPI = 100
TAC_LIMIT = 240.0
# tiffsep renders at DPI with anti-aliased edges off; a rendered plate pixel maps several JPEG pixels
# through Ghostscript's resampling, so allow what rounding of four 8-bit plates adds.
TOLERANCE = 4 * 100 / 255

needs_gs = pytest.mark.skipif(shutil.which("gs") is None, reason="Ghostscript (gs) is not installed")

SPEC = """\
page:
  name: plant
  trim: {width: 210mm, height: 200mm}
  bleed: 3mm
  margins: {top: auto, left: auto}
stylesheets: [styles/city-daily.yaml]
content: ../content/plant
fonts: ../fonts/manifest.yaml
grid: {columns: 4, column_width: 13字, gutter: 1字, body_size: 小五, pitch: 13.5pt, lines: 30}
styles:
  white-title: {base: title, size: 小一, color: [0, 0, 0, 0]}
  white-body: {base: body, font: hei, color: [0, 0, 0, 0]}
  white-lead: {base: body, font: hei-bold, color: [0, 0, 0, 0]}
  cyan-title: {base: title, size: 小一, color: [100, 0, 0, 0]}
articles:
  - article: reverse
    block: {col: 1, cols: 2, line: 1, lines: 16}
    headline: {title: white-title}
    body: white-body
    lead: white-lead
    box: {rule: 0.75pt, tint: [0, 0, 0, 85]}
  - article: cyan
    block: {col: 3, cols: 2, line: 1, lines: 16}
    headline: {title: cyan-title}
    photo: {col: 2, cols: 1, line: 4, lines: 9, fit: fit}
    box: {rule: 0.75pt, tint: [0, 0, 60, 0]}
  - article: heavy
    block: {col: 1, cols: 2, line: 17, lines: 14}
    headline: {title: title}
    photo: {col: 1, cols: 1, line: 4, lines: 8}
  - article: small
    block: {col: 3, cols: 2, line: 17, lines: 14}
    headline: {title: title}
    photo: {col: 1, cols: 1, line: 4, lines: 8}
"""

HEAVY = """\
---
title: 四色叠满的照片
photos:
  - file: heavy.jpg
    caption: 供稿照片四色叠满，总墨量百分之四百，付印前须压到二百四十以内。
---

这张照片每个像素都是青、品红、黄、黑四色满版，总墨量百分之四百。新闻纸承受不了这么多油墨，印出来会糊版、粘脏。
"""

SMALL = """\
---
title: 分辨率过低的照片
photos:
  - file: small.jpg
    caption: 这张照片只有几十个像素宽，放到两栏宽印出来是马赛克。
---

照片放大到两栏宽，每英寸只有十几个像素，印出来满是方块。拼版时必须换图。
"""


def _project(tmp_path: Path, small_px: int) -> Path:
    root = copy_project(tmp_path)
    content = root / "content" / "plant"
    shutil.copytree(PAGES / "content" / "colour", content)
    (content / "heavy.md").write_text(HEAVY, encoding="utf-8")
    (content / "small.md").write_text(SMALL, encoding="utf-8")
    Image.new("CMYK", (900, 600), (255, 255, 255, 255)).save(content / "heavy.jpg", quality=95)
    Image.new("RGB", (small_px, small_px * 2 // 3), (90, 120, 60)).save(content / "small.jpg")
    (root / "layout" / "plant.yaml").write_text(SPEC, encoding="utf-8")
    return root


def _build(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pagesetter", "build", "-q", "--no-cache", "layout/plant.yaml",
                           "-o", "out"], cwd=root, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict:
    tmp = tmp_path_factory.mktemp("plant")
    refused = _build(_project(tmp / "bad", 40))
    good_root = _project(tmp / "good", 1200)
    good = _build(good_root)
    return {"refused": refused, "good": good, "pdf": good_root / "out" / "plant.pdf"}


def test_an_18_ppi_photo_fails_the_build_with_one_line_naming_it(built) -> None:
    run = built["refused"]
    assert run.returncode != 0, run.stderr
    assert "Traceback" not in run.stderr + run.stdout
    assert run.stdout == "", "-q prints nothing on stdout"
    naming = [line for line in run.stderr.splitlines() if "small.jpg" in line]
    assert len(naming) == 1, run.stderr
    assert "ppi" in naming[0], naming[0]
    # named by its path in the project, as the build's other messages name files
    assert "resolution: content/plant/small.jpg (small) at " in naming[0], naming[0]


def test_with_the_photo_replaced_the_page_builds(built) -> None:
    run = built["good"]
    assert run.returncode == 0, run.stderr
    assert "small.jpg" not in run.stderr


@needs_gs
def test_no_pixel_over_the_ink_limit_in_the_separations(built, tmp_path: Path) -> None:
    pdf = built["pdf"]
    subprocess.run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=tiffsep", f"-r{DPI}",
                    "-dGraphicsAlphaBits=1", "-dTextAlphaBits=1",
                    f"-sOutputFile={tmp_path / 'sep.tif'}", str(pdf)], check=True, capture_output=True, timeout=300)
    plates = [np.asarray(Image.open(tmp_path / f"sep({ink}).tif").convert("L"), dtype=np.float64)
              for ink in ("Cyan", "Magenta", "Yellow", "Black")]
    total = sum((255 - p) for p in plates) * 100 / 255
    with pikepdf.open(pdf) as doc:
        height = float(doc.pages[0].MediaBox[3])
        bleed = [float(v) for v in doc.pages[0].BleedBox]
    s = DPI / 72
    # Registration marks outside the bleed are 400 % by design (every plate); the page is what prints.
    page = total[round((height - bleed[3]) * s):round((height - bleed[1]) * s), round(bleed[0] * s):round(bleed[2] * s)]
    assert page.max() <= TAC_LIMIT + TOLERANCE, f"max {page.max():.1f} %"
    # The supplied 400 % photo is on the page, and dark: held near the limit, not washed out.
    photo = next(f for f in frames_of(pdf)[0] if f["article"] == "heavy" and f["kind"] == "photo")
    y0, y1 = round((height - photo["y1"]) * s) + 3, round((height - photo["y0"]) * s) - 3
    x0, x1 = round(photo["x0"] * s) + 3, round(photo["x1"] * s) - 3
    inside = total[y0:y1, x0:x1]
    assert inside.size and inside.mean() > 200, f"photo area mean {inside.mean():.0f} %"


def test_a_pass_with_a_warning_says_so_as_its_exit_status_does(tmp_path: Path) -> None:
    """A photo at some 180 ppi (290 px wide): a preflight warning, not an error. `preflight` exits 5 and its
    verdict says "PASS with 1 warning" (not "PASS: 0 errors, 1 warnings"); the build (exit 0)
    prints the same verdict, and the finding names the photo by its path in the project."""
    root = _project(tmp_path, 290)
    build = subprocess.run([sys.executable, "-m", "pagesetter", "build", "--no-cache", "layout/plant.yaml", "-o", "out"],
                           cwd=root, capture_output=True, text=True, timeout=600)
    assert build.returncode == 0, build.stderr
    assert any(line.startswith("preflight: PASS with 1 warning (") for line in build.stdout.splitlines()), build.stdout
    assert "resolution: content/plant/small.jpg (small) at 1" in build.stderr, build.stderr
    run = subprocess.run([sys.executable, "-m", "pagesetter", "preflight", "out/plant.pdf"],
                         cwd=root, capture_output=True, text=True, timeout=600)
    assert run.returncode == 5, run.stdout + run.stderr
    lines = run.stdout.splitlines()
    assert lines[0].startswith("out/plant.pdf: PASS with 1 warning ("), lines
    assert lines[1].startswith("  warning: resolution: content/plant/small.jpg (small) at "), lines


def test_the_verdict_counts_in_the_singular_and_plural() -> None:
    from pagesetter.proof.preflight import PreflightReport

    def verdict(errors: int, warnings: int) -> str:
        report = PreflightReport("p.pdf")
        for _ in range(errors):
            report.add("error", "colour", "x")
        for _ in range(warnings):
            report.add("warning", "safety", "x")
        return report.verdict()

    assert [verdict(0, 0), verdict(0, 1), verdict(0, 2), verdict(1, 0), verdict(2, 1)] == [
        "PASS: 0 errors, 0 warnings", "PASS with 1 warning", "PASS with 2 warnings",
        "FAIL: 1 error, 0 warnings", "FAIL: 2 errors, 1 warning"]
