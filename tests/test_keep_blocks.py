"""A short list stands whole in one column (flow/forms.py KEEP_BLOCK, flow/article.py keep_items).
A new user's trial found a 限行尾号 list of five lines parted between two columns (three lines at
one column's foot, two at the next one's head). Read back from the built PDF of
tests/pages/layout/keep-blocks.yaml: the five 星期 lines stand in one column, one under another."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pdfplumber

ROOT = Path(__file__).resolve().parent.parent
ENV = dict(os.environ, PYTHONWARNINGS="ignore", PAGESETTER_CACHE="off")
PITCH = 13.5


def test_a_five_line_list_is_not_parted_between_columns(tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, "-m", "pagesetter", "build", "tests/pages/layout/keep-blocks.yaml",
                          "-o", str(tmp_path)], capture_output=True, text=True, timeout=600, env=ENV, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    with pdfplumber.open(tmp_path / "keep-blocks.pdf") as pdf:
        words = pdf.pages[0].extract_words(keep_blank_chars=False)
    items = [w for w in words if "星期" in w["text"]]
    assert len(items) == 5, [w["text"] for w in items]
    xs = {round(w["x0"]) for w in items}
    assert max(xs) - min(xs) < 2, f"the list is parted between columns: {sorted(xs)}"
    tops = sorted(w["top"] for w in items)
    assert all(abs(b - a - PITCH) < 0.5 for a, b in zip(tops, tops[1:])), tops  # one under another


def test_a_list_the_module_has_not_the_lines_to_keep_is_parted_not_overset(tmp_path: Path) -> None:
    """Falling back: two lines shallower, the module cannot hold the list whole and its text; the
    list is parted between items, as before, rather than the story set over."""
    import shutil

    from conftest import copy_project

    project = copy_project(tmp_path / "p")  # layout/ (the style sheets) and fonts/ where the spec looks
    pages = project / "tests" / "pages"
    shutil.copytree(ROOT / "tests" / "pages" / "content" / "keep-blocks", pages / "content" / "keep-blocks")
    text = (ROOT / "tests" / "pages" / "layout" / "keep-blocks.yaml").read_text(encoding="utf-8")
    (pages / "layout").mkdir()
    spec = pages / "layout" / "keep-blocks.yaml"
    spec.write_text(text.replace("line: 1, lines: 21}", "line: 1, lines: 19}", 1), encoding="utf-8")
    assert "lines: 19}" in spec.read_text(encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "pagesetter", "build", str(spec), "-o", str(tmp_path / "out")],
                         capture_output=True, text=True, timeout=600, env=ENV, cwd=project)
    assert run.returncode == 0, run.stderr
    with pdfplumber.open(tmp_path / "out" / "keep-blocks.pdf") as pdf:
        words = pdf.pages[0].extract_words()
    assert len([w for w in words if "星期" in w["text"]]) == 5


def test_a_subhead_goes_with_the_short_list_under_it(tmp_path: Path) -> None:
    """Trial 17a #14: a `## ` subhead is kept with its first line of text, and when that text is a
    short list kept whole (KEEP_BLOCK), with the list: the subhead's last line and the list's first
    item stand in one column, the item right under it, and `check` finds no subhead at a foot."""
    run = subprocess.run([sys.executable, "-m", "pagesetter", "build", "tests/pages/layout/subhead-list.yaml",
                          "-o", str(tmp_path)], capture_output=True, text=True, timeout=600, env=ENV, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    with pdfplumber.open(tmp_path / "subhead-list.pdf") as pdf:
        words = pdf.pages[0].extract_words(extra_attrs=["fontname", "size"])
    body = [w for w in words if "Serif" in w["fontname"] and abs(w["size"] - 9) < 0.1 and w["top"] > 200
            and w["top"] < 700]
    lefts = sorted({round(w["x0"]) for w in body if w["text"][0] in "●人13"})
    assert len(lefts) == 2, lefts  # the two columns' left edges, read from the text set flush left
    step = lefts[1] - lefts[0]

    def column(w: dict) -> int:
        return int(((w["x0"] + w["x1"]) / 2 - lefts[0]) // step)

    subhead = [w for w in words if "Sans" in w["fontname"] and w["text"] == "Mateta"]
    first = [w for w in body if w["text"].startswith("●Jean")]
    assert len(subhead) == 1 and len(first) == 1, (subhead, first)
    assert column(subhead[0]) == column(first[0]), \
        f"the subhead ends column {column(subhead[0]) + 1}, its list opens column {column(first[0]) + 1}"
    gap = first[0]["top"] - subhead[0]["bottom"]
    assert 0 < gap < 2 * PITCH, gap  # the list's first item right under the subhead
    assert "subhead at a column's foot" not in run.stderr, run.stderr
