"""Advertisements (广告): a picture printed alone, filling its block (a new user's trial 15, FINDINGS §6).

A photo with no caption was refused, so the trial's ad went in with an editorial caption under it,
and the 数字报 listed it among the page's news, titled by that caption. An article whose front
matter is only ``ad: photos/x.jpg`` is an ad: its entry needs only ``article:`` and ``block:``; the
picture is set whole into the block (never cropped), with nothing else printed in it, under the
same PDF/X rules as a photo (CMYK, the ink limit: the gate passes the page), and the e-paper lists
no article for it. Test page: tests/pages/layout/ad.yaml, built and read back."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pdfplumber
import pikepdf
import pytest

from conftest import ROOT, copy_project, with_last_entry_key
from pagesetter.cli import main
from pagesetter.content.reader import read_article
from pagesetter.errors import InputError
from pagesetter.proof.readback import read_chars
from pagesetter.proof.typography import pdf_frames

PAGES = ROOT / "tests" / "pages"
SPEC = PAGES / "layout" / "ad.yaml"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The page through the command line: so read back by the whole gate (exit 0)."""
    out = tmp_path_factory.mktemp("ad")
    assert main(["build", str(SPEC), "-o", str(out), "-q"]) == 0
    return out / "ad.pdf"


def test_the_picture_fills_its_block_and_nothing_else_is_printed_there(built: Path) -> None:
    frames = [f for f in pdf_frames(built)[0] if f["article"] == "ad-jiadian"]
    block = next(f for f in frames if f["kind"] == "block")
    assert sorted(f["kind"] for f in frames) == ["block", "photo"]  # no headline, body or caption
    with pdfplumber.open(built) as pdf:
        page = pdf.pages[0]
        height = page.height
        (image,) = [im for im in page.images if block["x0"] - 0.5 <= im["x0"] and im["x1"] <= block["x1"] + 0.5]
        # the full width of the block's columns; down to the rule line under it, less half the
        # leading at top and foot (a picture's edges stand on the em boxes of text beside it)
        assert image["x0"] == pytest.approx(block["x0"], abs=0.1)
        assert image["x1"] == pytest.approx(block["x1"], abs=0.1)
        top, foot = height - block["y1"], height - block["y0"]
        assert image["top"] - top < 13.5 and foot - image["bottom"] < 13.5 * 1.5
        assert image["bottom"] - image["top"] >= (foot - top) - 13.5 * 1.5
        # nothing printed over or in the block but the picture and its 广告 label: no caption,
        # byline or headline
        inside = [c["text"] for c in page.chars if block["x0"] - 1 <= c["x0"] <= block["x1"] + 1
                  and top - 1 <= c["top"] <= foot + 1]
        assert inside == ["广", "告"]
    with pikepdf.open(built) as pdf:
        images = [pikepdf.PdfImage(x) for x in pdf.pages[0].images.values()]
        assert [im.colorspace for im in images] == ["/DeviceCMYK"]


def test_an_ad_is_the_picture_alone(tmp_path: Path) -> None:
    (tmp_path / "photos").mkdir()
    shutil.copy(PAGES / "content/ad/photos/ad.jpg", tmp_path / "photos" / "ad.jpg")

    def read(name: str, text: str):  # type: ignore[no-untyped-def]
        (tmp_path / f"{name}.md").write_text(text, encoding="utf-8")
        return read_article(tmp_path / f"{name}.md", tmp_path)

    ad = read("ok", "---\nad: photos/ad.jpg\n---\n")
    assert ad.ad and ad.title == "" and ad.paragraphs == () and [p.caption for p in ad.photos] == [""]
    # a headline field, a photo list or text beside 'ad:' is refused at its line, not dropped
    for text, line in (("---\nad: photos/ad.jpg\ntitle: 江城家电城\n---\n", 3),
                       ("---\nad: photos/ad.jpg\nbyline: 本报记者\n---\n", 3),
                       ("---\nad: photos/ad.jpg\n---\n\n冬季焕新季，全场八折。\n", 5)):
        with pytest.raises(InputError) as err:
            read("bad", text)
        assert err.value.loc.line == line, str(err.value)
        assert "advertisement" in str(err.value)
    # an empty caption says where a captionless picture goes
    with pytest.raises(InputError, match="ad: photos/x.jpg"):
        read("cap", "---\ntitle: 题\nphotos:\n  - file: photos/ad.jpg\n    caption: \"\"\n---\n\n正文。\n")


def test_the_e_paper_lists_no_article_for_the_ad(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    shutil.copytree(PAGES, project / "tests" / "pages")
    (project / "pyproject.toml").write_text("", encoding="utf-8")
    site = project / "output" / "epaper" / "ad"
    assert main(["epaper", str(project / "tests/pages/layout/ad.yaml"), "-o", str(site), "-q"]) == 0
    index = json.loads((site / "edition.json").read_text(encoding="utf-8"))
    assert [a["id"] for a in index["articles"]] == ["news"]
    assert index["pages"][0]["articles"] == ["news"]
    assert not (site / "a-ad-jiadian.html").exists()
    page = (site / "page-1.html").read_text(encoding="utf-8")
    assert "a-news.html" in page and "ad-jiadian" not in page


def _label(pdf: Path) -> list[dict]:  # type: ignore[type-arg]
    """The characters printed in the ad's block (pdfplumber), top to bottom, left to right."""
    block = next(f for f in pdf_frames(pdf)[0] if f["article"] == "ad-jiadian" and f["kind"] == "block")
    with pdfplumber.open(pdf) as doc:
        page = doc.pages[0]
        top, foot = page.height - block["y1"], page.height - block["y0"]
        return [dict(c, block=(block["x0"], top, block["x1"], foot)) for c in page.chars
                if block["x0"] - 1 <= c["x0"] <= block["x1"] + 1 and top - 1 <= c["top"] <= foot + 1]


def test_an_ad_carries_its_guanggao_label_in_the_top_right_corner(built: Path) -> None:
    """广告法 §14: an ad in the mass media is marked 广告 clearly. Before: an ad printed the picture
    alone. Now 广告 stands in the top right corner of the picture, in the spec's ad-label style
    (city-daily.yaml: 黑体 六号) on a white ground, and the text reads back."""
    text = subprocess.run(["pdftotext", str(built), "-"], capture_output=True, text=True, check=True).stdout
    assert "广告" in text
    chars = _label(built)
    assert "".join(c["text"] for c in chars) == "广告"
    x0, top, x1, _foot = chars[0]["block"]
    assert chars[-1]["x1"] == pytest.approx(x1, abs=3)  # at the right edge, in from it by its white ground
    assert chars[0]["top"] - top < 13.5 / 2 + 1  # at the top of the picture (half the leading in: test above)
    assert all(c["size"] == pytest.approx(7.5, abs=0.01) and "NotoSansCJK" in c["fontname"] for c in chars)


def test_ad_label_false_prints_no_label(tmp_path: Path) -> None:
    """An ad delivered with 广告 in its picture: the entry's ad_label: false prints none."""
    assert main(["build", str(PAGES / "layout" / "ad-own-label.yaml"), "-o", str(tmp_path), "-q"]) == 0
    pdf = tmp_path / "ad-own-label.pdf"
    assert _label(pdf) == []
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "广告" not in text


def test_the_e_paper_shows_and_names_the_label(tmp_path: Path) -> None:
    """The 数字报: the page's image is drawn from the labelled PDF (its PDF copy reads 广告 back),
    and the page names the ad's block 广告 for a screen reader (互联网广告管理办法 §9), unlinked;
    with ad_label: false, neither."""
    project = copy_project(tmp_path / "p")
    shutil.copytree(PAGES, project / "tests" / "pages")
    (project / "pyproject.toml").write_text("", encoding="utf-8")
    for name, labelled in (("ad", True), ("ad-own-label", False)):
        site = project / "output" / "epaper" / name
        assert main(["epaper", str(project / f"tests/pages/layout/{name}.yaml"), "-o", str(site), "-q"]) == 0
        page = (site / "page-1.html").read_text(encoding="utf-8")
        assert ('aria-label="广告"' in page) == labelled
        (pdf,) = (site / "pdf").glob("*.pdf")
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert ("广告" in text) == labelled


def test_an_ad_label_key_on_a_news_entry_is_refused_at_its_line(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    shutil.copytree(PAGES, project / "tests" / "pages")
    spec = project / "tests/pages/layout/ad.yaml"
    spec.write_text(spec.read_text(encoding="utf-8").replace(
        "  - article: news\n    block: {col: 1, cols: 2, line: 1, lines: 12}\n",
        "  - article: news\n    block: {col: 1, cols: 2, line: 1, lines: 12}\n    ad_label: false\n"), encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "pagesetter", "build", "-q", "-o", str(tmp_path / "out"), str(spec)],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 1, run.stderr  # bad input (README, exit status)
    assert "ad.yaml:25:5: 'ad_label:' has no effect on 'news'" in run.stderr, run.stderr


def test_an_ad_builds_under_auto_layout_whole_and_labelled(tmp_path: Path) -> None:
    """Before: auto gave an ad the photo cell it gives a news photo (fit: fill, auto.photo's depth),
    and made it the foot module of its stack, as deep as the page's rest: the picture was cropped
    at its sides and stretched to 23 lines. Now an ad's module is as deep as its picture set whole
    across it, with no cell of auto's: the picture keeps its shape and its label."""
    assert main(["build", str(PAGES / "layout" / "ad-auto.yaml"), "-o", str(tmp_path), "-q"]) == 0
    pdf = tmp_path / "ad-auto.pdf"
    frames = [f for f in pdf_frames(pdf)[0] if f["article"] == "ad-jiadian"]
    assert sorted(f["kind"] for f in frames) == ["block", "photo"]
    block = next(f for f in frames if f["kind"] == "block")
    with pdfplumber.open(pdf) as doc:
        page = doc.pages[0]
        (image,) = page.images
        # drawn at its own shape (ad.jpg is 1013 × 600 pixels): nothing cropped
        assert image["srcsize"][0] / image["srcsize"][1] == pytest.approx(1013 / 600, rel=0.01)
        shown = (image["x1"] - image["x0"]) / (image["bottom"] - image["top"])
        assert shown == pytest.approx(1013 / 600, rel=0.01)
        assert image["x0"] == pytest.approx(block["x0"], abs=0.1) and image["x1"] == pytest.approx(block["x1"], abs=0.1)
        foot = page.height - block["y0"]
        assert foot - image["bottom"] < 13.5 * 1.5  # the block is the picture's depth, not the page's rest
    assert "广告" in "".join(c.text for c in read_chars(pdf)[0].chars)


def test_the_desk_shows_the_ad_module(tmp_path: Path) -> None:
    """`serve`: the ad is a module of the desk's page, titled 广告 (before: a module with no title),
    its block and picture frames there, also on an auto page (written out on a drag)."""
    from pagesetter.serve import LiveState

    for name in ("ad", "ad-auto"):
        state = LiveState(PAGES / "layout" / f"{name}.yaml", tmp_path / name, 30.0)
        assert state.rebuild(wait_for_verdicts=True) and state.ok, state.error
        (page,) = state.status()["pages"]
        (ad,) = [m for m in page["modules"] if m["article"] == "ad-jiadian"]
        assert ad["title"] == "广告"
        assert sorted(f[0] for f in ad["frames"]) == ["block", "photo"]
        assert state.status()["refused"] == [""]
        assert state.picture(0, "jpg")
    assert [a.article for a in state.pages[0].placed_auto] == ["news", "ad-jiadian"]


def test_diff_says_which_ad_picture_changed(tmp_path: Path) -> None:
    """Two builds of the ad page where only the ad's picture changed (the advertiser sent another):
    `diff` says so in one line naming the module and the file, exit 7."""
    from PIL import Image, ImageOps

    project = copy_project(tmp_path / "p")
    shutil.copytree(PAGES, project / "tests" / "pages")
    spec = project / "tests/pages/layout/ad.yaml"
    assert main(["build", str(spec), "-o", str(tmp_path / "old"), "-q"]) == 0
    picture = project / "tests/pages/content/ad/photos/ad.jpg"
    with Image.open(picture) as im:
        ImageOps.invert(im.convert("RGB")).convert("CMYK").save(picture, quality=90)
    assert main(["build", str(spec), "-o", str(tmp_path / "new"), "-q"]) == 0
    run = subprocess.run([sys.executable, "-m", "pagesetter", "diff", str(tmp_path / "old/ad.pdf"),
                          str(tmp_path / "new/ad.pdf"), "-o", str(tmp_path / "diff")],
                         capture_output=True, text=True, timeout=300, cwd=project)
    assert run.returncode == 7, run.stdout + run.stderr
    lines = run.stdout.splitlines()
    assert any(line.startswith("page 1: ad-jiadian: photo changed: ") and "photos/ad.jpg" in line
               for line in lines), run.stdout
    assert lines[-1] == "1 photo change in: ad-jiadian", run.stdout
    assert "news" not in run.stdout


def _picture_and_label(pdf: Path) -> tuple[dict, list[dict]]:  # type: ignore[type-arg]
    """The ad's picture as drawn (pdfplumber's image box, top-down) and the label's characters,
    after checking that the label's white ground meets the picture's edges at its corner to a
    hundredth of a point (a ground a rounding off the edge left a hairline of picture showing)."""
    with pdfplumber.open(pdf) as doc:
        page = doc.pages[0]
        (image,) = page.images
        (ground,) = [g for g in page.lines if g["linewidth"] > 5]  # the ground: a rule as deep as it
    half = ground["linewidth"] / 2
    assert any(abs(ground[k] - image[k]) < 0.01 for k in ("x0", "x1")), (ground, image)
    assert abs(ground["top"] - half - image["top"]) < 0.01 or abs(ground["top"] + half - image["bottom"]) < 0.01
    return image, _label(pdf)


def test_the_label_stands_on_the_pictures_own_corner_beside_white(tmp_path: Path) -> None:
    """Session 17: a picture narrower than its module (fit: set whole, white either side) had its
    广告 at the block's top right corner, in the white some 44 pt from the ad. Now on the picture's
    own top right corner: inside the picture, in from its edges by the white ground's quarter em."""
    assert main(["build", str(PAGES / "layout" / "ad-narrow.yaml"), "-o", str(tmp_path), "-q"]) == 0
    image, chars = _picture_and_label(tmp_path / "ad-narrow.pdf")
    assert "".join(c["text"] for c in chars) == "广告"
    block_x1 = chars[0]["block"][2]
    assert block_x1 - image["x1"] > 20  # the test's premise: white beside the picture
    pad = 0.25 * 7.5
    assert chars[-1]["x1"] == pytest.approx(image["x1"] - pad, abs=0.5)
    assert image["top"] <= chars[0]["top"] <= image["top"] + pad + 1.5


def test_the_spec_chooses_the_labels_corner(tmp_path: Path) -> None:
    """``ad_label_corner: bottom-left`` on the ad's entry: the label on the picture's bottom left
    corner; a corner that is none of the four stops the build at its line, naming them."""
    project = copy_project(tmp_path / "p")
    shutil.copytree(PAGES / "layout", project / "tests" / "pages" / "layout")
    shutil.copytree(PAGES / "content" / "ad", project / "tests" / "pages" / "content" / "ad")
    spec = project / "tests/pages/layout/ad-narrow.yaml"
    plain = spec.read_text(encoding="utf-8")
    spec.write_text(with_last_entry_key(plain, "    ad_label_corner: bottom-left\n"), encoding="utf-8")
    assert main(["build", str(spec), "-o", str(tmp_path / "out"), "-q"]) == 0
    image, chars = _picture_and_label(tmp_path / "out" / "ad-narrow.pdf")
    assert "".join(c["text"] for c in chars) == "广告"
    pad = 0.25 * 7.5
    assert chars[0]["x0"] == pytest.approx(image["x0"] + pad, abs=0.5)
    assert image["bottom"] - pad - 1.5 <= chars[0]["bottom"] <= image["bottom"]
    spec.write_text(with_last_entry_key(plain, "    ad_label_corner: middle\n"), encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "pagesetter", "build", "-q", "-o", str(tmp_path / "out2"), str(spec)],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 1, run.stderr
    [line] = run.stderr.strip().splitlines()
    assert line.startswith("pagesetter: error: ") and "ad-narrow.yaml:26:22: " in line, line
    assert "top-right" in line and "bottom-left" in line, line


def test_a_fit_picture_capped_by_its_cells_depth_at_the_pages_ppi_is_no_warning(tmp_path: Path) -> None:
    """Session 17: ad-narrow's picture is set whole in a cell too shallow for its width, so the
    depth sets its size. It is prepared at the page's photo_ppi (200) exactly, but preflight warned
    "at 200 ppi": the pixels over the placed width read back from the matrix (written to seven
    figures) came to 199.99999999999997. Read back here: the placed size and the pixel count give
    200 ppi both ways, and the build says nothing of its resolution."""
    run = subprocess.run([sys.executable, "-m", "pagesetter", "build", str(PAGES / "layout" / "ad-narrow.yaml"),
                          "-o", str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    pdf = tmp_path / "ad-narrow.pdf"
    with pikepdf.open(pdf) as doc:
        (xobj,) = [x for x in doc.pages[0].Resources.XObject.values() if x.get("/Subtype") == "/Image"]
        width_px, height_px = int(xobj.Width), int(xobj.Height)
    with pdfplumber.open(pdf) as doc:
        (image,) = doc.pages[0].images
    across, down = image["x1"] - image["x0"], image["bottom"] - image["top"]
    (cell,) = [f for f in pdf_frames(pdf)[0] if f["article"] == "ad-jiadian" and f["kind"] == "photo"]
    assert down == pytest.approx(cell["y1"] - cell["y0"], abs=0.01)  # the premise: the depth caps it
    assert across < cell["x1"] - cell["x0"] - 20
    assert width_px / (across / 72) == pytest.approx(200, abs=0.01), (width_px, across)
    assert height_px / (down / 72) == pytest.approx(200, abs=0.01), (height_px, down)
    assert "resolution" not in run.stderr and "ppi" not in run.stderr, run.stderr
    assert "preflight: PASS: 0 errors, 0 warnings" in run.stdout, run.stdout
