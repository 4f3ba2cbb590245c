"""The 数字报 on a phone (390 px), in headless Chromium, tests/pages/layout/epaper-breaks.yaml made
into an e-paper through the CLI:

- a photo's credit wrapped inside the photographer's name (本报记者 陈 / 光 摄, trial 14b #18): each
  name is whole on a line now, the 摄 after it with it (epaper/site.py _credit_html);
- a two-clause headline turned inside a word (邻居装监控对着我 / 家门，违法吗？, trial 14 #17; main's
  balanced lines broke wherever two Han meet): it turns after its ，as print does (_clauses_html).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import copy_project
from pagesetter.cli import main
from test_epaper import CHROMIUM, _browser, _lines_of

ROOT = Path(__file__).resolve().parent.parent
SPEC = "tests/pages/layout/epaper-breaks.yaml"
CLAUSE_MARKS = "，、；：！？。"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("epaper-breaks"))
    shutil.copytree(ROOT / "tests" / "pages", project / "tests" / "pages")
    (project / "pyproject.toml").write_text("", encoding="utf-8")  # the project's root, tests/pages in it
    folder = project / "output" / "epaper" / "epaper-breaks"
    assert main(["epaper", str(project / SPEC), "-o", str(folder), "-q"]) == 0
    return folder


@pytest.fixture(scope="module")
def phone_lines(site: Path) -> dict[str, dict[str, list[list[str]]]]:
    """Per article page, the lines of its title and of each photo credit at 390 px."""
    out: dict[str, dict[str, list[list[str]]]] = {}
    with _browser() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM))
        try:
            phone = browser.new_page(viewport={"width": 390, "height": 844})
            for html in sorted(site.glob("a-*.html")):
                phone.goto(html.as_uri())
                assert phone.evaluate("document.scrollingElement.scrollWidth") <= 390, html.name
                out[html.stem] = {sel: [[line[0] for line in para] for para in _lines_of(phone, f"article {sel}")]
                                  for sel in ("h1.title", "figcaption .credit")}
        finally:
            browser.close()
    return out


def test_a_credit_keeps_the_photographer_s_name_whole(phone_lines) -> None:
    credits = phone_lines["a-night"]["figcaption .credit"]
    assert credits, phone_lines
    lines = credits[0]
    assert len(lines) == 2, lines  # the credit does turn on this screen (main: 本报记者 陈 / 光 摄)
    assert [re.sub(r"\s", "", x) for x in lines] == ["本报记者", "陈光摄"], lines


@pytest.mark.parametrize("article, first", [("a-law-qa", "邻居装监控对着我家门，"), ("a-lift", "老旧小区加装电梯，")])
def test_a_two_clause_headline_turns_after_its_clause_mark(phone_lines, article: str, first: str) -> None:
    title = phone_lines[article]["h1.title"][0]
    assert len(title) == 2, title  # too long for one line at 390 px
    assert title[0] == first and title[0][-1] in CLAUSE_MARKS, title


def test_the_site_still_holds_the_copy_exactly(site: Path) -> None:
    """The spans added are markup only: the credit's and the title's text as the copy has them."""
    html = (site / "a-night.html").read_text(encoding="utf-8")
    assert re.sub(r"<[^>]+>", "", re.search(r'<span class="credit">(.*?)</span></figcaption>', html).group(1)) \
        == "本报记者 陈光 摄"
    law = (site / "a-law-qa.html").read_text(encoding="utf-8")
    assert re.sub(r"<[^>]+>", "", re.search(r'<h1 class="title">(.*?)</h1>', law).group(1)) == "邻居装监控对着我家门，违法吗？"
