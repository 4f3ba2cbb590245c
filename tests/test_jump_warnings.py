"""The warnings of set lines concern lines that print, and are said by the page that prints them
(tests/pages/layout/jump-warnings-edition.yaml, through `build --json`, the PDFs read back).

Two articles jump from page 1 to page 2 (转第2版), each ending in a paragraph whose dateline's date
and 电 are parted (split-span). The flow said both on page 1, where the copy was set, though
neither line prints there: one prints on page 2 (its warning belongs to page 2's entry), the other
is overset on page 2, never printed (no page says it; the overset does). flow/article.py
jumped_warnings, carried with the lines by the edition (FlowResult.leftover_warnings).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pagesetter.proof.readback import read_chars

ROOT = Path(__file__).resolve().parents[1]
EDITION = ROOT / "tests" / "pages" / "layout" / "jump-warnings-edition.yaml"
DATE_LINE = "新华社雅加达11月30日"  # the line the split-span is of: the date parted from its 电


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict:
    out = tmp_path_factory.mktemp("jump-warnings")
    run = subprocess.run([sys.executable, "-m", "pagesetter", "build", "--json", "--allow-overset", "-o", str(out),
                          str(EDITION)], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert run.returncode == 3, run.stderr  # the second article's rest is overset on page 2, as planned
    return json.loads(run.stdout)


def _printed(pdf: str) -> str:
    return "".join(c.text for c in read_chars(Path(pdf))[0].chars if not c.text.isspace())


def _splits(page: dict) -> list[str]:
    return [w["where"] for w in page["warnings"] if w["kind"] == "split-span"]


def test_a_jumped_lines_warning_is_said_where_the_line_prints(built: dict) -> None:
    first, second = built["pages"]
    # the lines themselves: page 2 prints the first article's dateline, page 1 neither
    assert DATE_LINE not in _printed(first["pdf"]) and _printed(second["pdf"]).count(DATE_LINE) == 1
    assert _splits(first) == [], first["warnings"]
    assert _splits(second) == ["tests/pages/content/jump-warnings/bridge.md:23:1"], second["warnings"]
    # the second article's dateline is overset on page 2 (never printed): said by no page
    assert [o["article"] for o in second["overset"]] == ["levee"]
    assert not [w for p in built["pages"] for w in p["warnings"] if "levee.md" in w["where"]
                and w["kind"] == "split-span"]
    assert not [w for w in built["warnings"] if w["kind"] == "split-span"]
