"""数字报 findings of a new user's trial 17b (FINDINGS #6, #7, #8, #10), each read back from the real
files: the site's HTML and edition.json, the print PDFs beside it (pdfplumber), the spec the desk
wrote. Test pages: tests/pages/layout/epaper-order.yaml (two articles one above the other, two
characters no face has) and epaper-ad-page.yaml (an advertisement alone on its page)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pdfplumber
import pytest

from conftest import ROOT, copy_project

ORDER = "tests/pages/layout/epaper-order.yaml"
AD_PAGE = "tests/pages/layout/epaper-ad-page.yaml"
RARE = ("\U0002A6A5", "\U00031350")  # 𪚥, and a character of Unicode 15 no face has
GETA = "〓"


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    """A project of its own with the test pages in it (as tests/test_epaper.py makes one)."""
    project = copy_project(tmp_path / "p")
    shutil.copytree(ROOT / "tests" / "pages", project / "tests" / "pages")
    (project / "pyproject.toml").write_text("", encoding="utf-8")
    return project


def _run(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pagesetter", *args], cwd=project, capture_output=True,
                          text=True, timeout=300)


def _pdf_text(pdf: Path) -> str:
    with pdfplumber.open(pdf) as doc:
        return "".join(page.extract_text() or "" for page in doc.pages)


class _Text(HTMLParser):
    """The text a reader sees in an element of the given class (its descendants' text), and the
    attributes of every element, for the marks of a character print could not set."""

    def __init__(self, cls: str) -> None:
        super().__init__()
        self.cls, self.depth, self.text, self.elements = cls, 0, [], []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        if self.depth or self.cls in (dict(attrs).get("class") or "").split():
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.text.append(data)


def _read(html: Path, cls: str) -> _Text:
    parser = _Text(cls)
    parser.feed(html.read_text(encoding="utf-8"))
    return parser


def _listed(page_html: Path) -> list[str]:
    """The titles of the page's article list (本版文章), in order."""
    aside = re.search(r'<aside class="contents">(.*?)</aside>', page_html.read_text(encoding="utf-8"), re.S)
    return re.findall(r"<li><a [^>]*>([^<]*)</a></li>", aside.group(1)) if aside else []


# --- #6: a 数字报 newer than the print PDFs beside it ---------------------------------------------

def test_epaper_says_when_the_print_beside_it_is_an_older_text(project: Path) -> None:
    """build, a correction (黎→李), then `epaper`: the site shows 李, output/epaper-order.pdf still 黎.
    The night desk sends the output folder as it stands: `epaper` names the print PDF that is not
    the page it published and exits 1; `build --epaper` writes both again, and then all is quiet."""
    assert _run(project, "build", ORDER, "-q").returncode == 0
    article = project / "tests" / "pages" / "content" / "epaper17" / "shanju.md"
    article.write_text(article.read_text(encoding="utf-8").replace("船长姓黎", "船长姓李"), encoding="utf-8")
    run = _run(project, "epaper", ORDER, "-q")
    printed, site = project / "output" / "epaper-order.pdf", project / "output" / "epaper" / "epaper-order"
    assert "船长姓黎" in _pdf_text(printed) and "船长姓李" in _pdf_text(site / "pdf" / "epaper-order.pdf")
    assert "船长姓李" in (site / "a-shanju.html").read_text(encoding="utf-8")
    assert run.returncode == 1, run.stderr
    last = run.stderr.splitlines()[-1]
    assert last.startswith("pagesetter: error: output/epaper-order.pdf: "), last
    assert "output/epaper/epaper-order/" in last and f"pagesetter build --epaper {ORDER}" in last, last
    both = _run(project, "build", ORDER, "--epaper", "-q")
    assert both.returncode == 0, both.stderr
    assert printed.read_bytes() == (site / "pdf" / "epaper-order.pdf").read_bytes()
    again = _run(project, "epaper", ORDER, "-q")
    assert again.returncode == 0 and "pagesetter: error" not in again.stderr, again.stderr


def test_epaper_of_an_edition_names_its_older_combined_pdf_and_page_pdf(project: Path) -> None:
    """Session 17: the same for an edition (epaper-order-edition.yaml: epaper-order and the ad
    page). `build --epaper`, a correction (黎→李) to one article, then `epaper` of the edition: the
    combined PDF and the corrected page's PDF beside the site are an earlier build's (read back:
    黎 there, 李 in the site's), each named on a line of its own, and `epaper` exits 1; the ad
    page's PDF, the same bytes as the site's, is not named."""
    edition = ORDER.replace("epaper-order.yaml", "epaper-order-edition.yaml")
    built = _run(project, "build", edition, "--epaper", "-q")
    assert built.returncode == 0, built.stderr
    out, site = project / "output", project / "output" / "epaper" / "epaper-order-edition"
    article = project / "tests" / "pages" / "content" / "epaper17" / "shanju.md"
    article.write_text(article.read_text(encoding="utf-8").replace("船长姓黎", "船长姓李"), encoding="utf-8")
    run = _run(project, "epaper", edition, "-q")
    for name in ("epaper-order-edition.pdf", "epaper-order.pdf"):
        assert "船长姓黎" in _pdf_text(out / name) and "船长姓李" in _pdf_text(site / "pdf" / name), name
    assert (out / "epaper-ad-page.pdf").read_bytes() == (site / "pdf" / "epaper-ad-page.pdf").read_bytes()
    assert run.returncode == 1, run.stderr
    said = [line for line in run.stderr.splitlines() if line.startswith("pagesetter: error: ")]
    named = sorted(line.removeprefix("pagesetter: error: ").split(": ", 1)[0] for line in said)
    assert named == ["output/epaper-order-edition.pdf", "output/epaper-order.pdf"], run.stderr
    assert all("output/epaper/epaper-order-edition/" in line and f"pagesetter build --epaper {edition}" in line
               for line in said), said
    assert _run(project, "build", edition, "--epaper", "-q").returncode == 0
    again = _run(project, "epaper", edition, "-q")
    assert again.returncode == 0 and "pagesetter: error" not in again.stderr, again.stderr


def test_epaper_elsewhere_or_without_a_print_beside_it_says_nothing(project: Path) -> None:
    """No print PDF beside the site (nothing built yet): nothing to compare, exit 0."""
    run = _run(project, "epaper", ORDER, "-q")
    assert run.returncode == 0 and "pagesetter: error" not in run.stderr, run.stderr


# --- #7: an ad page in the 数字报 ---------------------------------------------------------------------

def test_an_ad_page_has_no_empty_article_list_and_counts_no_article(project: Path) -> None:
    run = _run(project, "epaper", AD_PAGE)
    assert run.returncode == 0, run.stderr
    site = project / "output" / "epaper" / "epaper-ad-page"
    index = json.loads((site / "edition.json").read_text(encoding="utf-8"))
    assert index["articles"] == [] and index["pages"][0]["articles"] == []
    said = [line for line in run.stdout.splitlines() if "(数字报:" in line]
    assert said and "1 page, 0 articles," in said[0], run.stdout
    html = (site / "index.html").read_text(encoding="utf-8")
    assert "本版文章" not in html and "<ol></ol>" not in html
    assert 'aria-label="广告"' in html  # the ad's block is still named for a screen reader


# --- #8: 〓 online where print prints 〓 -------------------------------------------------------------

def test_the_e_paper_shows_geta_where_print_does_and_keeps_the_character(project: Path) -> None:
    run = _run(project, "epaper", ORDER, "-q")
    assert run.returncode == 0, run.stderr
    site = project / "output" / "epaper" / "epaper-order"
    printed = _pdf_text(site / "pdf" / "epaper-order.pdf")
    assert printed.count(GETA) == 2 and not any(ch in printed for ch in RARE)
    read = _read(site / "a-hanzi.html", "text")
    online = "".join(read.text)
    assert online.count(GETA) == 2 and not any(ch in online for ch in RARE), online
    # the copy's character is kept for whoever needs it (a 校对, a search), not shown as tofu
    marks = [attrs for tag, attrs in read.elements if "missing-glyph" in (attrs.get("class") or "").split()]
    assert [m["data-char"] for m in marks] == list(RARE)
    assert [m["title"] for m in marks] == ["缺字 U+2A6A5", "缺字 U+31350"]
    # the print's line, character for character, in the online paragraph (word spaces aside)
    line = next(x for x in printed.splitlines() if x.startswith("四个"))
    assert line.replace(" ", "") in online.replace(" ", "")


# --- #10: the reading order after a desk swap ---------------------------------------------------------

def test_a_desk_swap_swaps_the_entries_and_the_e_paper_lists_them_as_they_stand(project: Path) -> None:
    """The desk's swap (desk_edit.swap_blocks through apply_change, as serve applies it): the two
    entries trade places in `articles:` (README: in reading order) with their blocks, so the
    数字报's list reads top to bottom as the page does."""
    from pagesetter.desk_edit import apply_change, swap_blocks

    spec = project / ORDER
    assert _run(project, "epaper", ORDER, "-q").returncode == 0
    page = project / "output" / "epaper" / "epaper-order" / "index.html"
    assert _listed(page) == ["山居秋暝", "族谱里的罕用字"]
    before = spec.read_text(encoding="utf-8")
    apply_change(spec, lambda text: swap_blocks(text, spec, "shanju", "hanzi"), ["shanju", "hanzi"])
    after = spec.read_text(encoding="utf-8")
    assert after == before.replace(
        "  - article: shanju\n    block: {col: 1, cols: 1, line: 4, lines: 9}\n"
        "  - article: hanzi\n    block: {col: 1, cols: 1, line: 13, lines: 9}\n",
        "  - article: hanzi\n    block: {col: 1, cols: 1, line: 4, lines: 9}\n"
        "  - article: shanju\n    block: {col: 1, cols: 1, line: 13, lines: 9}\n")
    assert _run(project, "epaper", ORDER, "-q").returncode == 0
    assert _listed(page) == ["族谱里的罕用字", "山居秋暝"]
    index = json.loads((page.parent / "edition.json").read_text(encoding="utf-8"))
    assert [a["id"] for a in index["articles"]] == ["hanzi", "shanju"]
    tops = {a["id"]: min(y for x, y in a["zones"][0]["outline"]) for a in index["articles"]}
    assert tops["hanzi"] < tops["shanju"]  # listed first, and first on the page


def test_a_module_dragged_elsewhere_takes_its_place_in_the_reading_order(project: Path) -> None:
    """Session 18: a module dragged to a new place (not swapped) kept its old place in
    `articles:`, so the 数字报 listed it where it no longer stood. Two columns: the first module
    dragged from the top left to beside the second one's foot reads after it now (side by side,
    left first), and both lists follow; a drag that passes no module keeps the list as it was."""
    from pagesetter.desk_edit import Cell, Edit, apply_edit

    spec = project / ORDER
    text = spec.read_text(encoding="utf-8")
    assert "trim: {width: 130mm" in text and "grid: {columns: 1," in text
    spec.write_text(text.replace("trim: {width: 130mm", "trim: {width: 240mm")
                    .replace("grid: {columns: 1,", "grid: {columns: 2,")
                    # the drags leave areas white on this test page, meant (README: Page spec, white)
                    + "white:\n  - {col: 1, cols: 2, line: 4, lines: 19}\n", encoding="utf-8")
    assert _run(project, "epaper", ORDER, "-q").returncode == 0
    page = project / "output" / "epaper" / "epaper-order" / "index.html"
    assert _listed(page) == ["山居秋暝", "族谱里的罕用字"]
    before = spec.read_text(encoding="utf-8")
    apply_edit(spec, Edit("shanju", "block", Cell(2, 1, 13, 9)))  # beside hanzi, to its right
    after = spec.read_text(encoding="utf-8")
    assert after == before.replace(
        "  - article: shanju\n    block: {col: 1, cols: 1, line: 4, lines: 9}\n"
        "  - article: hanzi\n    block: {col: 1, cols: 1, line: 13, lines: 9}\n",
        "  - article: hanzi\n    block: {col: 1, cols: 1, line: 13, lines: 9}\n"
        "  - article: shanju\n    block: {col: 2, cols: 1, line: 13, lines: 9}\n")
    built = _run(project, "epaper", ORDER, "-q")
    assert built.returncode == 0, built.stderr
    assert _listed(page) == ["族谱里的罕用字", "山居秋暝"]
    index = json.loads((page.parent / "edition.json").read_text(encoding="utf-8"))
    assert [a["id"] for a in index["articles"]] == ["hanzi", "shanju"]
    lefts = {a["id"]: min(x for x, y in a["zones"][0]["outline"]) for a in index["articles"]}
    assert lefts["hanzi"] < lefts["shanju"]  # listed first, and left of it on the page
    # up the second column, still right of hanzi's lines: read after it, the list unchanged
    apply_edit(spec, Edit("shanju", "block", Cell(2, 1, 10, 9)))
    assert spec.read_text(encoding="utf-8") == after.replace("{col: 2, cols: 1, line: 13, lines: 9}",
                                                             "{col: 2, cols: 1, line: 10, lines: 9}")


def test_a_swap_moves_each_entry_whole_with_its_comments_and_keys() -> None:
    """Entries of different lengths and a comment inside one: each goes whole to the other's place,
    the comments between entries stay where they stand (they belong to the place in the list)."""
    from pagesetter.desk_edit import swap_blocks

    text = ("articles:\n"
            "  # the lead\n"
            "  - article: a\n"
            "    block: {col: 1, cols: 2, line: 1, lines: 5}\n"
            "    # a note on a\n"
            "    headline: {lines: 3}\n"
            "\n"
            "  - article: b\n"
            "    block: {col: 1, cols: 2, line: 6, lines: 5}\n"
            "  - article: c\n"
            "    block: {col: 3, cols: 1, line: 1, lines: 10}\n")
    out = swap_blocks(text, Path("page.yaml"), "a", "b")
    assert out == ("articles:\n"
                   "  # the lead\n"
                   "  - article: b\n"
                   "    block: {col: 1, cols: 2, line: 1, lines: 5}\n"
                   "\n"
                   "  - article: a\n"
                   "    block: {col: 1, cols: 2, line: 6, lines: 5}\n"
                   "    # a note on a\n"
                   "    headline: {lines: 3}\n"
                   "  - article: c\n"
                   "    block: {col: 3, cols: 1, line: 1, lines: 10}\n")
