"""One defect, one warning: a body line whose line-end mark's ink stands past the measure is said
once (trial 17c #8). The new project's example page, its body set in Droid Sans Fallback (whose
，；'s ink runs 0.7 pt past the half em 开明 sets them in), had every such line warned twice, as
"off the measure" and as "ink past the measure", and counted twice in `check`'s summary. Read
back from the built PDF by `pagesetter check --json` and from the build's own warnings: each
line past its measure is one finding, one warning."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import _font_on_this_disk

ROOT = Path(__file__).resolve().parent.parent
ENV = dict(os.environ, PYTHONWARNINGS="ignore", PAGESETTER_CACHE="off")
DROID = Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf")  # Debian fonts-droid-fallback
TEMPLATE = ROOT / "src" / "pagesetter" / "project" / "template"


def _droid_project(dest: Path) -> Path:
    """The `init` template (layout/, content/), the repo's fonts and Droid, the body in Droid."""
    shutil.copytree(TEMPLATE, dest)
    (dest / "pagesetter.toml").write_text('[build]\nspec = "layout/page.yaml"\noutput = "output"\n', encoding="utf-8")
    fonts = dest / "fonts"
    fonts.mkdir()
    for f in (ROOT / "fonts").iterdir():
        if f.suffix in (".otf", ".ttf"):
            os.link(_font_on_this_disk(f, dest), fonts / f.name)
        elif f.is_file():
            shutil.copy(f, fonts / f.name)
    shutil.copy(DROID, fonts / DROID.name)
    manifest = fonts / "manifest.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8") + (
        f"  droid:\n    file: {DROID.name}\n    role: 黑体 (Droid)\n    license: Apache-2.0\n    fallback: [hei]\n"),
        encoding="utf-8")
    sheet = dest / "layout" / "styles" / "paper.yaml"
    text = sheet.read_text(encoding="utf-8")
    body = re.search(r"\n  body:[^\n]*\n    font: \w+", text)
    assert body is not None
    sheet.write_text(text[:body.start()] + re.sub(r"font: \w+$", "font: droid", body.group()) + text[body.end():],
                     encoding="utf-8")
    return dest


@pytest.mark.skipif(not DROID.exists(), reason="Droid Sans Fallback is not installed")
def test_a_line_past_its_measure_is_one_finding(tmp_path: Path) -> None:
    project = _droid_project(tmp_path / "p")
    run = subprocess.run([sys.executable, "-m", "pagesetter", "build"], capture_output=True, text=True,
                         timeout=600, env=ENV, cwd=project)
    assert run.returncode == 0, run.stderr
    said = [line for line in run.stderr.splitlines() if ": past-measure: " in line]
    assert said, "the page no longer sets a mark past its measure: it tests nothing"
    check = subprocess.run([sys.executable, "-m", "pagesetter", "check", "--json", "output/page.pdf"],
                           capture_output=True, text=True, timeout=600, env=ENV, cwd=project)
    report = json.loads(check.stdout)["output/page.pdf"]
    off = [f for f in report["off_measure"] if not f["short"]]
    ink = report["ink_past"]
    assert len(off) + len(ink) == len(said), (len(off), len(ink), said)  # the build says what check finds
    # no line found by both checks: a line off its measure (quoted whole) whose last mark is also
    # found as ink past the measure on the same baseline
    ends = {(f["page"], round(f["baseline"], 2), f["text"].rstrip()[-1:]) for f in off}
    twice = [f for f in ink if (f["page"], round(f["baseline"], 2), f["text"]) in ends]
    assert not twice, f"{len(twice)} lines off the measure found again as ink past it: {twice[:2]}"
