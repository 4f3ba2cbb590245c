"""A space the copy typed between a number and the full-width symbol ending it (降至 3 ℃, 96 ㎡, 3 ‰)
goes, as one before % does (GB/T 15835-2011 writes 40℃ solid). Trial 14: it stayed, a word space
of up to half an em, ℃ then set solid against the Han after it (12 ℃左右), and a line could end
between 96 and ㎡; `check` saw neither the white nor the split. Read back from the test page
(tests/pages/layout/unit-space.yaml: each figure typed spaced and solid), and `check` run on a PDF
main built before the fix (tests/pages/trial14-unit-space.pdf)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pagesetter.build import build_page
from pagesetter.proof.readback import read_chars

PAGES = Path(__file__).resolve().parent / "pages"
PAGE = PAGES / "layout" / "unit-space.yaml"
OLD = PAGES / "trial14-unit-space.pdf"  # main's build of the page before the fix
SYMBOLS = "℃‰㎡"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    return build_page(PAGE, tmp_path_factory.mktemp("unit-space"))


def _check(pdf: Path) -> dict:
    checked = subprocess.run([sys.executable, "-m", "pagesetter.cli", "check", "--json", str(pdf)],
                             capture_output=True, text=True, timeout=120)
    return next(iter(json.loads(checked.stdout).values()))


def _pairs(pdf: Path) -> list[tuple[str, str, float, float]]:
    """Each figure and the symbol after it as printed: (digit, symbol, white between them in em,
    the median white between the line's Han in em)."""
    out = []
    chars = [c for c in read_chars(pdf)[0].chars if abs(c.size - 9.0) < 0.01]
    rows: dict[float, list] = {}
    for c in chars:
        rows.setdefault(round(c.baseline, 1), []).append(c)
    for row in [line for row in rows.values() for line in _columns(row)]:
        han = sorted((b.x - a.x - a.size) / a.size for a, b in zip(row, row[1:])
                     if "\u4e00" <= a.text <= "\u9fff" and "\u4e00" <= b.text <= "\u9fff")
        usual = han[len(han) // 2] if han else 0.0
        for a, b in zip(row, row[1:]):
            if b.text in SYMBOLS and a.text[-1:].isdigit():
                out.append((a.text, b.text, (b.x - a.right) / b.size, usual))
    return out


def test_a_typed_space_before_a_unit_symbol_goes(built) -> None:
    pairs = _pairs(built.pdf_path)
    # every figure of the copy: typed spaced or solid, each is printed beside its symbol
    assert len(pairs) == 18, pairs
    assert all(white <= usual + 0.02 for _, _, white, usual in pairs), pairs


def test_no_number_is_parted_from_its_unit(built) -> None:
    rows = [line for line in _lines(built.pdf_path)]
    assert not [r for r in rows if r[:1] in SYMBOLS], rows  # no line starts with ㎡ ℃ ‰
    report = _check(built.pdf_path)
    assert report["problems"] == 0, report
    assert report["split_spans"] == [] and report["parted_units"] == []


def _columns(row: list) -> list[list]:
    """A baseline's characters cut into its columns' lines (at white wider than a gutter's em)."""
    row = sorted(row, key=lambda c: c.x)
    out = [[row[0]]]
    for a, b in zip(row, row[1:]):
        if b.x - a.right > 0.9 * a.size:
            out.append([])
        out[-1].append(b)
    return out


def _lines(pdf: Path) -> list[str]:
    rows: dict[float, list] = {}
    for c in read_chars(pdf)[0].chars:
        if abs(c.size - 9.0) < 0.01:
            rows.setdefault(round(c.baseline, 1), []).append(c)
    return ["".join(c.text for c in line) for _, row in sorted(rows.items()) for line in _columns(row)]


def test_check_finds_the_white_and_the_split_in_the_old_pdf() -> None:
    report = _check(OLD)
    parted = [f["detail"] for f in report["parted_units"]]
    assert parted and all(" and ℃" in d or " and ‰" in d or " and ㎡" in d for d in parted), parted
    splits = [f["text"] for f in report["split_spans"]]
    assert any(t.endswith("㎡，另一套建筑面积96㎡，") or "96 / ㎡" in t for t in splits), splits
