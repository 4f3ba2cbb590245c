"""Session 20's hostile photo page (tests/pages/layout/s20-odd-photos.yaml), built once by the
command line and read back from its PDF: what reaches the plates from pictures no plant takes as
they come (an Adobe CMYK JPEG, grey and palette PNGs with transparency, a phone picture turned by
EXIF, a 13:1 panorama under 200 ppi), and what the build says of the copy around them (a line
ending in a hyphenation's hyphen, which pdfium reads back as U+0002)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

from conftest import run_uncached

ROOT = Path(__file__).resolve().parent.parent
SPEC = "tests/pages/layout/s20-odd-photos.yaml"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    out = tmp_path_factory.mktemp("s20-odd-photos")
    run = run_uncached("build", SPEC, "-q", "-o", str(out))
    return run, out / "s20-odd-photos.pdf"


def _images(pdf: Path) -> list[tuple[dict, Image.Image]]:
    """Every image XObject the page draws (its dictionary's keys and values), with its pixels as
    the PDF holds them (an Adobe CMYK JPEG's /Decode applied)."""
    with pikepdf.open(pdf) as doc:
        return [(dict(x.items()), pikepdf.PdfImage(x).as_pil_image()) for x in doc.pages[0].get_images().values()]


def _ink(im: Image.Image, xy: tuple[int, int]) -> int:
    """The ink at a pixel, 0-255 summed over the plates (a grey picture prints on K alone)."""
    v = im.getpixel(xy)
    return 255 - v if im.mode == "L" else sum(v)


def test_the_page_builds_with_its_findings_said_and_no_traceback(built) -> None:
    run, pdf = built
    assert run.returncode == 0, run.stderr
    assert pdf.is_file() and "Traceback" not in run.stderr
    # the panorama is said once, at its file and article, as printing under 200 ppi
    assert re.search(r"preflight warning: resolution: tests/pages/content/s20-odd-photos/photos/pano\.jpg "
                     r"\(odd-a\) at 16\d ppi", run.stderr), run.stderr


def test_a_line_end_hyphen_is_quoted_as_the_hyphen_it_prints(built) -> None:
    """pdfium reads a hyphen ending a line as U+0002: a warning quoted ⟨U+0002⟩ where the page
    prints '-', and said the very loose line 'Pneu-' twice (once as the flow's very-loose, once as
    the check's typography warning, whose quote did not match)."""
    run, _ = built
    assert "U+0002" not in run.stderr, run.stderr
    pneu = [line for line in run.stderr.splitlines() if "Pneu" in line and "very" in line]
    assert len(pneu) == 1, pneu


def test_cmyk_patches_reach_the_plates_unchanged(built) -> None:
    """The Adobe CMYK JPEG's three patches (100 % K, 30/30/30/30, 100 % C), as the PDF holds them:
    no conversion, no rich black made of the K."""
    _, pdf = built
    found = [im for _, im in _images(pdf) if im.mode == "CMYK" and im.getpixel((2, 2)) == (0, 0, 0, 255)]
    assert len(found) == 1, [(im.mode, im.size) for _, im in _images(pdf)]
    im = found[0]
    y = im.height // 2
    left, middle, right = (im.getpixel((int(im.width * f), y)) for f in (1 / 6, 1 / 2, 5 / 6))
    assert left == (0, 0, 0, 255)
    assert all(abs(v - 77) <= 1 for v in middle), middle
    assert right == (255, 0, 0, 0)


def test_no_picture_keeps_transparency_and_transparent_parts_print_as_paper(built) -> None:
    """PDF/X-1a has no transparency: the grey PNG with alpha (left half transparent) and the
    palette PNG with a transparent colour (white, framing its red square) are flattened on the
    paper: no soft mask or mask, no transparency group, and no ink where they were transparent."""
    _, pdf = built
    images = _images(pdf)
    assert len(images) == 5 and not any("/SMask" in d or "/Mask" in d for d, _ in images)
    with pikepdf.open(pdf) as doc:
        assert "/Group" not in doc.pages[0].obj
    # the grey picture: its left third is paper (transparent), its right edge grey ink
    grey = [im for _, im in images if im.mode == "L" and _ink(im, (3, 3)) < 30]  # the chimney's head is black
    assert len(grey) == 1, [(im.mode, im.size) for _, im in images]
    im = grey[0]
    assert all(_ink(im, (x, y)) == 0 for x in range(0, im.width // 3, 7) for y in range(0, im.height, 7))
    assert _ink(im, (im.width - 3, 3)) > 60
    # the palette picture: paper round the red square (cropped to its cell, so at the cell's foot
    # and head the red runs to the edge; its left and right edges are the transparent white)
    palette = [im for _, im in images if im.mode == "CMYK" and im.getpixel((im.width // 2, im.height // 2))[0] > 150]
    assert len(palette) == 1
    im = palette[0]
    assert all(_ink(im, (x, y)) == 0 for x in (0, 1, im.width - 1) for y in range(0, im.height, 5))


def test_the_phone_picture_stands_as_its_exif_turns_it(built) -> None:
    """Orientation 6 (turned a quarter clockwise to view): the file's pixels (1500 x 300, left half
    black) stand on the page as a 1:5 chimney whose top half is black; the fill crop keeps its
    middle band, black above, paper below. Not turned, it would be black left, paper right."""
    _, pdf = built
    for _, im in _images(pdf):
        if im.mode != "L" or _ink(im, (3, 3)) < 200:
            continue  # the grey PNG: paper at its top left
        w, h = im.size
        assert all(_ink(im, (x, 2)) > 200 for x in range(0, w, 5)), "the head is not black: not turned"
        assert all(_ink(im, (x, h - 3)) < 30 for x in range(0, w, 5)), "the foot is not paper: not turned"
        return
    pytest.fail("the phone picture is not on the page")


def test_a_vertical_headlines_upright_form_is_composed_again_after_a_doubled_accent(tmp_path: Path) -> None:
    """A title with a doubled accent (Nguyê̂̃n: the second U+0302 removed) and no full-width figure:
    its field is composed again to ễ (U+1EC5); the form a vertical headline sets was not (ê +
    U+0303), so it differed from the field and was kept as a variant of its own, printed from
    decomposed marks where the horizontal headline prints the one glyph."""
    from pagesetter.content.normalise import normalise_article
    from pagesetter.content.reader import read_article

    source = tmp_path / "nguyen.md"
    source.write_text("---\ntitle: 越南球员Nguye\u0302\u0302\u0303n加盟\n---\n\n正文。\n", encoding="utf-8")
    article, _changes = normalise_article(read_article(source, tmp_path))
    assert article.title == "越南球员Nguy\u1ec5n加盟"
    assert article.vertical_forms == (), article.vertical_forms


def test_a_tall_picture_stands_whole_on_a_phone_screen(tmp_path: Path) -> None:
    """The 数字报 on a phone (390 x 844 CSS px, headless Chromium): the 1:5 chimney was set at the
    screen's width, 1950 px tall, more than two screens (a reader scrolled past it never seeing it
    whole). It stands whole within the screen's height now, its shape kept, centred; a wide
    picture still takes the screen's width."""
    import shutil

    from conftest import copy_project
    from test_epaper import CHROMIUM, _browser

    project = copy_project(tmp_path / "project")
    shutil.copytree(ROOT / "tests" / "pages", project / "tests" / "pages")
    (project / "pyproject.toml").write_text("", encoding="utf-8")  # the project's root, tests/pages in it
    folder = project / "output" / "epaper" / "s20-odd-photos"
    run = run_uncached("epaper", SPEC, "-o", str(folder), "-q", cwd=project)
    assert run.returncode == 0, run.stderr
    with _browser() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM))
        try:
            phone = browser.new_page(viewport={"width": 390, "height": 844})
            boxes = {}
            for name in ("a-odd-a.html", "a-odd-b.html"):
                phone.goto((folder / name).as_uri())
                boxes[name] = phone.evaluate("""() => [...document.querySelectorAll('figure.photo img')].map(im => {
                    im.scrollIntoView(); const r = im.getBoundingClientRect();
                    return {w: r.width, h: r.height, left: r.left, nw: +im.getAttribute('width'), nh: +im.getAttribute('height')};
                })""")
        finally:
            browser.close()
    chimney = [b for b in boxes["a-odd-b.html"] if b["nh"] > 4 * b["nw"]]
    assert len(chimney) == 1, boxes
    box = chimney[0]
    assert box["h"] <= 844 * 0.8 + 0.5, box  # whole on the screen, with its caption's start under it
    assert abs(box["w"] / box["h"] - box["nw"] / box["nh"]) < 0.01, box  # its shape kept
    assert abs(box["left"] + box["w"] / 2 - 390 / 2) < 20, box  # centred in the column of text
    panorama = max(boxes["a-odd-a.html"], key=lambda b: b["nw"] / b["nh"])
    assert panorama["w"] > 300, boxes  # a wide picture still takes the screen's width
