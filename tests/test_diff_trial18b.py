"""核红 (`pagesetter diff`) after a new user's night-desk trial 18b.

#1: a correction in a jumped story moved lines on both its pages, but the reflowed line named page
1 only (`content/lead.md:13 (page 1): lead: reflowed lines 18–62, 65–79, 95–108 of 108`): in an
edition each change names its page(s), a jumped article stands on two (README, diff).
#4: a story killed for another and an ad pulled: the ad's own picture was "picture changed …
outside the modules", neither removed photo was named (README: a photo replaced or changed is
always one line), and the new story's two-line title and its byline ran together in one insertion
(`+城南一仓库深夜起火无人员伤亡本报记者　何静`). Test pages: tests/pages/layout/diff-killed-old.yaml and
diff-killed-new.yaml."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pdfplumber

from conftest import ROOT, copy_project
from pagesetter.proof.diff import diff_pdfs

PAGES = ROOT / "tests" / "pages"


def _pagesetter(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pagesetter", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=600)


def _page_lines(pdf: Path, number: int, left: float = 1.0) -> list[str]:
    """The page's lines as pdfplumber reads them (of its ``left`` part only), without any white."""
    with pdfplumber.open(pdf) as doc:
        page = doc.pages[number - 1]
        text = page.crop((0, 0, page.width * left, page.height)).extract_text() or ""
    return [re.sub(r"\s", "", line) for line in text.splitlines()]


def test_a_jumped_articles_reflow_names_both_its_pages(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    build = ["build", "-q", "layout/tabloid-edition.yaml", "-o"]
    assert _pagesetter([*build, "old"], project).returncode == 0
    article = project / "content" / "xianglu-street.md"
    text = article.read_text(encoding="utf-8")
    first = "东丰县祥鹿街道党工委深入贯彻落实"
    assert first in text
    # a sentence added early on page 1: every later line of the article moves
    article.write_text(text.replace(first, "街道党工委连夜部署工作。" + first, 1), encoding="utf-8")
    assert _pagesetter([*build, "new"], project).returncode == 0
    old, new = project / "old" / "tabloid-edition.pdf", project / "new" / "tabloid-edition.pdf"
    # the continuation on page 2 is set otherwise, read back from the PDFs themselves
    assert _page_lines(old, 2) != _page_lines(new, 2)
    result = diff_pdfs(old, new, tmp_path / "d")
    [reflow] = [m for m in result.modules if m.article == "xianglu-street" and m.what == "reflowed"]
    said = reflow.line()
    assert reflow.where.endswith("(pages 1, 2)"), said
    runs = re.match(r"lines? (.*) of \d+", reflow.detail)
    assert runs, said
    assert runs.group(1).endswith("(page 2)") and "(page 1)" in runs.group(1), said


def test_a_killed_story_and_a_pulled_ad_name_their_photos_and_the_titles_lines(tmp_path: Path) -> None:
    for side in ("old", "new"):
        built = _pagesetter(["build", "-q", str(PAGES / "layout" / f"diff-killed-{side}.yaml"), "-o",
                             str(tmp_path / side)], ROOT)
        assert built.returncode == 0, built.stderr
    old, new = tmp_path / "old" / "diff-killed.pdf", tmp_path / "new" / "diff-killed.pdf"
    result = _pagesetter(["diff", str(old), str(new), "-o", str(tmp_path / "d")], ROOT)
    assert result.returncode == 7, result.stderr
    lines = result.stdout.splitlines()
    # each removed photo is one line, named by its article and file
    for article, photo in (("street", "street.jpg"), ("ad-jiadian", "ad.jpg")):
        assert any(re.match(rf"page 1: {article}: photo removed: \S*/{photo}, at ", line) for line in lines), \
            result.stdout
    # the ad's picture is the ad's change: nothing is said to have changed outside the modules
    assert not [line for line in lines if "outside the modules" in line], result.stdout
    # the new title's two lines and the byline, as printed, are said apart
    printed = _page_lines(new, 1, left=0.5)  # the story's columns, not the news beside it
    assert "城南一仓库深夜起火" in printed and "无人员伤亡" in printed
    [added] = [line for line in lines if line.startswith("tests/pages/content/diff-killed/fire.md:2")]
    assert "+城南一仓库深夜起火／无人员伤亡／本报记者　何静  " in added, added


def test_a_vertical_headlines_columns_are_its_lines() -> None:
    """The ／ said between a headline's lines goes between a vertical headline's columns, never
    between the characters of one column (each its own "line" by its baseline)."""
    from pagesetter.proof.diff import LINE_END, _gaps, read_side

    side = read_side(PAGES / "trial11-vertical-headline-over-body.pdf")
    heads = [[p.char for p in placed if p.part == "headline"] for placed in side.articles.values()]
    [head] = [h for h in heads if h and len({round(c.x) for c in h}) > 1 and len(h) > 6]
    gaps = _gaps(head, apart=True)
    columns = 0
    for before, after, gap in zip(head, head[1:], gaps[1:]):
        same_column = abs(after.x - before.x) < 0.5 * after.size
        assert (gap != LINE_END) == same_column, (before.text, after.text, gap)
        columns += not same_column
    assert columns >= 2
