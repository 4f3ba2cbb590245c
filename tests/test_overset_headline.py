"""A headline cut by its area (tests/pages/layout/overset-headline.yaml, --allow-overset; trial 16
#9): its subtitle is not set, and no headline-break warning quotes it (before, one said the subtitle
broke between 长 and 很 while the same build said 3 lines of its subtitle were not set). The
title's printed lines are still said. Read back: the subtitle is not in the PDF."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from pagesetter.build import build_page

PAGE = Path(__file__).resolve().parent / "pages" / "layout" / "overset-headline.yaml"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    return build_page(PAGE, tmp_path_factory.mktemp("overset-headline"), allow_overset=True)


def test_no_warning_quotes_a_part_not_set(built) -> None:
    text = subprocess.run(["pdftotext", str(built.pdf_path), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "副题" not in text  # cut: the overset says so
    overset = [w.message for w in built.warnings if w.kind == "overset"]
    assert any("not set" in m and "subtitle" in m for m in overset), overset
    breaks = [w.message for w in built.warnings if w.kind == "headline-break"]
    assert not [m for m in breaks if "subtitle" in m or "副题" in m], breaks
    # the title is printed (its first lines): its breaks are still said, of its printed lines only
    title = [m for m in breaks if "the title" in m]
    assert title, breaks
    assert all(line in text.replace("\n", "") for m in title
               for line in m.split("(", 1)[1].split(")", 1)[0].split(" / ")), (title, text)


def test_a_count_of_one_is_said_singular(tmp_path: Path) -> None:
    """trial 16 #11: "8 characters in 1 lines from its first line"; the body's one line now "1 line"
    (pagesetter/wording.py counted, every message's counts)."""
    run = subprocess.run([sys.executable, "-m", "pagesetter", "build", "--no-cache", "-o", str(tmp_path), str(PAGE)],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 3, run.stderr
    assert "longhead: 8 characters in 1 line from its first line" in run.stderr, run.stderr
    assert not re.search(r"\b1 (lines|characters|columns|photos|empty lines)\b", run.stdout + run.stderr), run.stderr
