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
from pathlib import Path

import pdfplumber
import pikepdf
import pytest

from conftest import ROOT, copy_project
from pagesetter.cli import main
from pagesetter.content.reader import read_article
from pagesetter.errors import InputError
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
        # nothing printed over or in the block but the picture: no caption, byline, 广告 or headline
        inside = [c["text"] for c in page.chars if block["x0"] - 1 <= c["x0"] <= block["x1"] + 1
                  and top - 1 <= c["top"] <= foot + 1]
        assert inside == []
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
