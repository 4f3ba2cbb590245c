"""A Markdown footnote stops the build with file:line:column and the fix, as every other Markdown the
page does not set (README). Trial 14: '1949年[^1]' and the '[^1]: …' definition printed literally,
exit 0. The fix's advice (a ① and the note as the article's last paragraph) then builds."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pagesetter.content.reader import read_article
from pagesetter.errors import InputError

PAGES = Path(__file__).resolve().parent / "pages"
PAGE = PAGES / "layout" / "footnote.yaml"


def test_a_footnote_stops_the_build_located(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "pagesetter.cli", "build", str(PAGE), "-o", str(tmp_path)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, (done.returncode, done.stderr)
    assert "Traceback" not in done.stderr
    # the reference of line 5: '北约（NATO）成立于1949年' is 16 characters, the '[' the 17th
    assert "footnote/nato.md:5:17: a footnote is not supported" in done.stderr, done.stderr
    assert "①" in done.stderr
    assert not list(tmp_path.glob("*.pdf"))


def _article(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "note.md"
    path.write_text(f"---\ntitle: 注释\n---\n\n{body}\n", encoding="utf-8")
    return path


def test_a_footnote_definition_alone_is_refused(tmp_path: Path) -> None:
    path = _article(tmp_path, "正文。\n\n[^note]: 《北大西洋公约》于1949年4月4日签署。")
    with pytest.raises(InputError) as caught:
        read_article(path, tmp_path)
    assert (caught.value.loc.line, caught.value.loc.column) == (7, 1)
    assert "a footnote" in str(caught.value)


def test_the_advice_builds_and_brackets_stay_text(tmp_path: Path) -> None:
    path = _article(tmp_path, "成立于1949年①，另见[1]与[^]。\n\n**注释：**①《北大西洋公约》于1949年4月4日签署。")
    article = read_article(path, tmp_path)
    text = "".join(span.text for p in article.paragraphs for span in p.spans)
    assert "[1]" in text and "[^]" in text and "①" in text
