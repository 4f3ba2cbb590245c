"""A range between numbers (8:00—11:30, 3～5) at every offset of a 13字 column: the 连接号 never
starts a line (GB/T 15834-2011 §4.13; JIS X 4051 cl-03), read back from the built PDF."""

from __future__ import annotations

from pathlib import Path

import pytest

from pagesetter.build import build_page
from pagesetter.proof.readback import read_chars

PAGE = Path(__file__).resolve().parent / "pages" / "layout" / "range-dash.yaml"
RANGE = set("—―～–")  # written out here, not imported: the test holds the engine to the rule
BODY = 9.0  # pt, 小五


@pytest.fixture(scope="module")
def lines(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    built = build_page(PAGE, tmp_path_factory.mktemp("range-dash"))
    page = read_chars(built.pdf_path)[0]
    off = (page.width - built.page.trim[0]) / 2  # bleed and marks: the PDF's x from the trim's
    lefts = sorted({round(l.x, 1) for l in built.page.lines if l.role == "body"})  # the columns
    rows: dict[tuple[float, float], list] = {}
    for c in page.chars:
        if abs(c.size - BODY) < 0.01 and not c.text.isspace():
            column = max([x for x in lefts if x <= c.x - off + 0.5], default=0.0)
            rows.setdefault((column, round(c.baseline, 1)), []).append(c)
    return ["".join(c.text for c in sorted(row, key=lambda c: c.x)) for _, row in sorted(rows.items())]


def test_every_offset_is_set(lines) -> None:
    assert sum(line.count("8:00") for line in lines) == 13


def test_no_range_mark_starts_a_line_after_a_number(lines) -> None:
    pairs = list(zip(lines, lines[1:]))
    bad = [(a, b) for a, b in pairs if a[-1:].isdigit() and b[:1] in RANGE]
    assert not bad, bad


def test_a_very_loose_line_is_warned_of_and_failed_by_check(tmp_path: Path) -> None:
    """Where the copy leaves no other set of breaks (各区县要每天8:00—11:30…: digits do not stretch,
    the range may not break before its dash, and the line with 11:30 is too wide even closed up),
    the build prints the very loose line with a one-line warning naming the article, the
    paragraph's line in the copy and the line, and `pagesetter check` fails the same line."""
    import json
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "pagesetter.cli", "build", "-q", "-o", str(tmp_path), str(PAGE)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    warned = [line for line in done.stderr.splitlines() if "very-loose" in line]
    assert len(warned) == 1, done.stderr
    assert "range-dash.md:" in warned[0] and "article 'range-dash'" in warned[0], warned
    assert "'各区县要每天8:00—'" in warned[0], warned
    checked = subprocess.run([sys.executable, "-m", "pagesetter.cli", "check", str(tmp_path / "range-dash.pdf"),
                              "--json"], capture_output=True, text=True, timeout=120)
    assert checked.returncode != 0
    found = json.loads(checked.stdout)[str(tmp_path / "range-dash.pdf")]["very_loose"]
    assert [f["text"] for f in found] == ["各区县要每天8:00—"], found
