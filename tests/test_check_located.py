"""`check` locates a finding by where its line stands, not by its text (session 17): three modules
side by side whose copy is the same short text (tests/pages/layout/same-text.yaml) each set their
paragraph's last line alone at the head of a column, on one baseline. `check` found the three
lines, but named the first module for all three: it looked for the finding's text along the whole
row of characters at that baseline, and the first module's copy of it came first.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pdfplumber
import pytest

from pagesetter.proof.typography import pdf_frames

ROOT = Path(__file__).resolve().parent.parent
SAME_TEXT = ROOT / "tests" / "pages" / "layout" / "same-text.yaml"
ENV = dict(os.environ, PYTHONWARNINGS="ignore", PAGESETTER_CACHE="off")
ARTICLES = ("one", "two", "three")


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pagesetter", *args], capture_output=True, text=True,
                          timeout=600, env=ENV, cwd=ROOT)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    out = tmp_path_factory.mktemp("same-text")
    run = _run("build", str(SAME_TEXT), "-o", str(out))
    assert run.returncode == 0, run.stderr
    return run, out / "same-text.pdf"


def _module_of(pdf: Path, baseline: float, text: str) -> list[str]:
    """The articles with a column (a body frame of the layout record) holding a line at
    ``baseline`` that starts with ``text``: read back from the page, characters grouped by the
    column they stand in."""
    frames = [f for f in pdf_frames(pdf)[0] if f["kind"] == "body"]
    found = []
    with pdfplumber.open(pdf) as doc:
        page = doc.pages[0]
        row = [c for c in page.chars if abs(page.height - c["matrix"][5] - baseline) < 0.1]
        for frame in frames:
            inside = sorted((c for c in row if frame["x0"] <= c["x0"] and c["x1"] <= frame["x1"]),
                            key=lambda c: c["x0"])
            if "".join(c["text"] for c in inside).startswith(text[:6]):
                found.append(frame["article"])
    return found


def test_each_lone_last_line_is_named_on_its_own_module(built: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    _, pdf = built
    run = _run("check", "--json", str(pdf))
    widows = next(iter(json.loads(run.stdout).values()))["widows"]
    assert len(widows) == 3, widows
    (baseline,) = {round(w["baseline"], 2) for w in widows}
    (text,) = {w["text"] for w in widows}
    # the premise, read back: the same line starts at this baseline in each of the three modules
    assert sorted(_module_of(pdf, baseline, text)) == sorted(ARTICLES)
    assert sorted(w["article"] for w in widows) == sorted(ARTICLES), widows
    for w in widows:
        assert w["where"] == f"article {w['article']!r}, tests/pages/content/same-text/{w['article']}.md:5", w


def test_the_build_warns_of_each_on_its_own_articles_file(built: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    run, _ = built
    said = [line for line in run.stderr.splitlines() if ": typography: " in line]
    assert len(said) == 3, run.stderr
    assert sorted(line.split(":", 2)[1].strip() for line in said) == sorted(
        f"tests/pages/content/same-text/{a}.md" for a in ARTICLES), said
