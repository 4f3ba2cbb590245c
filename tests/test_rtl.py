"""Right-to-left text in print (trial 18a #1): Arabic and Hebrew quoted in Chinese copy printed
reversed and unjoined, exit 0. Print refuses each right-to-left run at its place (file:line:col);
the runs are found by Unicode's bidirectional types (compose/bidi.py)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pagesetter.compose.bidi import rtl_runs

PAGES = Path(__file__).parent / "pages"
FACES = [Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
         Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"),
         Path("/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf")]


def test_rtl_runs_follow_unicode_bidi_types() -> None:
    text = "提到“عدالة مناخية”和“שלום”，数字٣٤ and 2026"
    runs = list(rtl_runs(text))
    assert [text[r.start:r.end] for r in runs] == ["عدالة مناخية", "שלום"]
    assert [r.script for r in runs] == ["Arabic", "Hebrew"]
    # Arabic-Indic digits (type AN) alone, Latin, Han: nothing right-to-left
    assert list(rtl_runs("数字٣٤ and 2026，中文")) == []


@pytest.mark.skipif(not all(f.exists() for f in FACES), reason="DejaVu Sans / Noto Serif CJK / LXGW WenKai not installed")
def test_print_refuses_rtl_text_where_it_stands(tmp_path: Path) -> None:
    # DejaVu Sans, the song's last fallback, has both scripts: before, the page printed them
    # left to right in stored order (reversed, Arabic unjoined) and exited 0
    proj = tmp_path / "proj"
    shutil.copytree(PAGES / "rtl", proj)
    run = subprocess.run([sys.executable, "-m", "pagesetter", "build"], cwd=proj, capture_output=True, text=True)
    assert run.returncode != 0, run.stderr[-2000:]
    assert "Traceback" not in run.stderr
    assert not (proj / "output" / "page.pdf").exists()
    lines = (proj / "content" / "rtl.md").read_text(encoding="utf-8").splitlines()
    expected = []
    for n, line in enumerate(lines, 1):
        for r in rtl_runs(line):
            expected.append(f"content/rtl.md:{n}:{r.start + 1}: article 'rtl', paragraph "
                            f"{1 if n == 5 else 2}: right-to-left text is not supported in print: "
                            f"{r.script} “{line[r.start:r.end]}”")
    assert len(expected) == 5
    errors = [ln for ln in run.stderr.splitlines() if "right-to-left" in ln]
    assert len(errors) == len(expected), run.stderr
    for want, got in zip(expected, errors):
        assert want in got, (want, got)
    assert all(re.match(r"pagesetter: error: content/rtl\.md:\d+:\d+: ", ln) for ln in errors)
