"""The README's examples, built as written (a new user's trial 15, FINDINGS §5 and §14).

The "Tables" section's league table did not fit the seed page's 13字 column it was read beside, and
"Verse" told a writer to put a poem's `## ` title where the reader refuses it (inside the
`::: noindent` block). Each Markdown example of those sections is here the body of a test page's
article word for word, and the pages build; the seven-column table needs the 22字 column the README
says, no less."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pdfplumber
import pytest

from conftest import ROOT, copy_project
from pagesetter.cli import main

PAGES = ROOT / "tests" / "pages"
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _section(start: str, end: str) -> str:
    at = README.index(start)
    return README[at:README.index(end, at)]


def _examples(section: str) -> list[str]:
    return re.findall(r"```markdown\n(.*?)```", section, re.S)


TABLES = _examples(_section("**Tables**", "Half-width punctuation"))
VERSE = _examples(_section("**Verse** (a 副刊", "**Tables**"))


def _body(path: Path) -> str:
    """An article file's body: what follows its front matter's closing '---' line."""
    text = path.read_text(encoding="utf-8")
    return text.split("\n---\n", 1)[1].lstrip("\n")


def test_each_example_is_a_test_page_s_article_word_for_word() -> None:
    assert len(TABLES) == 2 and len(VERSE) == 1
    assert _body(PAGES / "content/readme-wide/standings.md") == TABLES[0]
    assert _body(PAGES / "content/readme-narrow/standings.md") == TABLES[1]
    assert _body(PAGES / "content/readme-narrow/poem.md") == VERSE[0]
    # the poem is set in the README's own poem style, on the seed page's grid
    style = re.search(r"`(poem: \{[^`]*\})`", _section("**Verse** (a 副刊", "**Tables**"), re.S)
    assert style is not None
    assert "  " + re.sub(r"\s+", " ", style.group(1)) in (PAGES / "layout/readme-narrow.yaml").read_text(encoding="utf-8")
    seed = (ROOT / "layout/seed-page.yaml").read_text(encoding="utf-8")
    narrow = (PAGES / "layout/readme-narrow.yaml").read_text(encoding="utf-8")
    for key in ("column_width: 13字", "body_size: 小五"):
        assert key in seed and key in narrow


@pytest.mark.parametrize("name", ["readme-narrow", "readme-wide"])
def test_the_examples_build_and_print_their_text(name: str, tmp_path: Path) -> None:
    """Built through the command line, so read back by the gate (typography check, preflight): exit 0."""
    assert main(["build", str(PAGES / "layout" / f"{name}.yaml"), "-o", str(tmp_path), "-q"]) == 0
    with pdfplumber.open(tmp_path / f"{name}.pdf") as pdf:
        printed = "".join(c["text"] for c in pdf.pages[0].chars)
    for cell in ("上海海港", "天津津门虎", "59", "42"):
        assert cell in printed
    if name == "readme-narrow":
        for verse in ("我是一条河，", "从山里来，到海里去；", "我不问来路，", "也不问归期——"):
            assert verse in printed


@pytest.mark.parametrize("width, refused", [(22, False), (21, True), (13, True)])
def test_the_seven_column_table_needs_the_22_column_the_readme_says(
        width: int, refused: bool, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = copy_project(tmp_path / "p")
    shutil.copytree(PAGES, project / "tests" / "pages")
    (project / "pyproject.toml").write_text("", encoding="utf-8")
    spec = project / "tests/pages/layout/readme-wide.yaml"
    spec.write_text(spec.read_text(encoding="utf-8").replace("column_width: 22字", f"column_width: {width}字"),
                    encoding="utf-8")
    status = main(["build", str(spec), "-o", str(tmp_path / "out"), "-q"])
    err = capsys.readouterr().err
    assert status == (1 if refused else 0), err
    if width == 13:  # the message the README quotes
        assert "needs 189.3 pt" in err and "the column is 117 pt" in err
