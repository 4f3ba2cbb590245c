"""A photo cell no photo takes (trial 18b #2): a killed story's replacement kept the old entry's
``photo:`` cell, and its article has no photo. The build warned once and printed the page with exit
0: the headline, a white hole the cell's depth, then the text set under it. The engine cannot tell
a cell left over from a photo left out of the copy (filling the cell with text would print a page
missing its picture, unsaid), so the build stops at the cell's line, saying what to do either way.
tests/pages/layout/stale-photo-cell.yaml."""

from __future__ import annotations

from pathlib import Path

from conftest import run_uncached


def test_a_photo_cell_with_no_photo_stops_the_build_at_the_cell(tmp_path: Path) -> None:
    done = run_uncached("build", "-o", str(tmp_path), "tests/pages/layout/stale-photo-cell.yaml")
    assert done.returncode == 1, (done.returncode, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    said = lines[0]
    # the cell's own place in the spec (the photo: value), the article's file, and both ways out
    assert said.startswith("pagesetter: error: tests/pages/layout/stale-photo-cell.yaml:17:12: 'mod-men' has a "
                           "photo cell here but tests/pages/content/mod-men.md has no photo"), said
    assert "take the cell (photo:) out of the entry" in said and "add the photo" in said, said
    assert not list(tmp_path.glob("*.pdf"))  # no page with the hole for the desk to send
