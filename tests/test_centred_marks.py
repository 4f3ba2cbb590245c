"""Faces whose full-width marks stand centred in their em (Droid Sans Fallback, Noto Sans CJK TC):
`check` names each compressed mark set against the next character (trial 17c #1), and the composer
trims a mark's white from where the face's glyph has it (compose/atoms.py blank_side, chars.py
ink_blank_side)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pagesetter.proof.typography import check_pdf

PAGES = Path(__file__).parent / "pages"
DROID = Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf")
TC = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc")


def test_check_names_marks_set_against_the_next_character() -> None:
    # main's build of trial 17c's page in Droid Sans Fallback: ，；： compressed from the right
    report = check_pdf(PAGES / "trial17c-centred-marks-main.pdf")
    found = {f.text: f for f in report.crowded_marks}
    assert any("之间，正文" in text for text in found), sorted(found)
    assert len(report.crowded_marks) >= 10
    # located: the article's source line, or the folio's line (its 编辑：编 set in Droid too)
    assert all(f.where.startswith("article 'example', content/example.md:") or f.where == "the folio (报眉)"
               for f in report.crowded_marks)
    assert "mark set against its neighbour" in report.text()


def test_check_finds_no_crowded_mark_on_a_mainland_page() -> None:
    assert check_pdf(PAGES / "trial12-main.pdf").crowded_marks == []


@pytest.mark.skipif(not (DROID.exists() and TC.exists()), reason="Droid Sans Fallback / Noto Sans CJK TC not installed")
def test_centred_marks_are_trimmed_from_both_sides(tmp_path: Path) -> None:
    # the trial's page, its faces from the system: every compressed ，；： keeps white on both sides
    proj = tmp_path / "proj"
    shutil.copytree(PAGES / "centred-marks", proj)
    run = subprocess.run([sys.executable, "-m", "pagesetter", "build"], cwd=proj, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-2000:]
    report = check_pdf(proj / "output" / "page.pdf")
    assert report.crowded_marks == [], [f.text for f in report.crowded_marks]
    assert report.ink_past == []
