"""数字报: a poem's stanzas stay parted as print parts them (a new user's trial 15, FINDINGS §7).

Print sets one white grid line between two stanzas of a `::: noindent` verse block (flow/verse.py);
the e-paper set every verse line a paragraph .6em under the last, so 「一只白鹭掠过桥。」 ran straight
into 「夏天在梧桐叶下午睡，」 with nothing to show a stanza had ended. Read in headless Chromium
(Debian's /usr/bin/chromium through Playwright) at a desktop's width and a phone's."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import ROOT, copy_project
from pagesetter.cli import main

CHROMIUM = Path("/usr/bin/chromium")
WIDTHS = (1280, 390)

# Each verse paragraph's box and its source line in the file; the line height of the first.
_VERSE = """() => {
  const ps = [...document.querySelectorAll('article .text .para')];
  return ps.map(p => { const r = p.getBoundingClientRect();
    return [p.textContent, p.classList.contains('verse'), r.top, r.bottom,
            parseFloat(getComputedStyle(p).lineHeight) || parseFloat(getComputedStyle(p).fontSize) * 1.2]; });
}"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("verse"))
    shutil.copytree(ROOT / "tests" / "pages", project / "tests" / "pages")
    (project / "pyproject.toml").write_text("", encoding="utf-8")
    folder = project / "output" / "epaper" / "verse"
    assert main(["epaper", str(project / "tests/pages/layout/verse.yaml"), "-o", str(folder), "-q"]) == 0
    return folder


def _first_lines(site: Path, article: str) -> list[str]:
    """The first verse line of each stanza after the first, from the source: a verse line whose
    line in the file follows a blank line inside its block."""
    lines = (site.parents[2] / "tests/pages/content/verse" / f"{article}.md").read_text(encoding="utf-8").split("\n")
    inside, out = False, []
    for k, line in enumerate(lines):
        if line.startswith(":::"):
            inside = line.strip() != ":::"
            continue
        if inside and line.strip() and not lines[k - 1].strip():
            out.append(line.strip())
    return out


@pytest.mark.parametrize("width", WIDTHS)
def test_stanzas_are_parted_by_a_blank_line_and_verse_lines_are_not(site: Path, width: int) -> None:
    playwright = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip("no /usr/bin/chromium")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM))
        try:
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.goto((site / "a-stanzas.html").as_uri())
            page.evaluate("document.fonts.ready.then(() => new Promise(r => requestAnimationFrame(() => r())))")
            paras = page.evaluate(_VERSE)
        finally:
            browser.close()
    opening = _first_lines(site, "stanzas")
    assert len(opening) == 3  # four stanzas
    verse = [para for para in paras if para[1]]
    assert len(verse) == 12
    parted = []
    for (_, _, _, bottom, _), (text, _, top, _, height) in zip(verse, verse[1:]):
        gap = top - bottom
        if text in opening:
            parted.append(text)
            # one blank line, as print's white grid line (a browser's line, not a paragraph's margin)
            assert gap >= 0.9 * height, (width, text, gap, height)
        else:
            # a stanza's lines stand line under line, as a poem is printed
            assert gap <= 0.1 * height, (width, text, gap, height)
    assert parted == opening
