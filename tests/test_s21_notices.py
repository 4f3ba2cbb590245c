"""Session 21's hostile page (tests/pages/layout/s21-notices.yaml): a 分类广告 page of boxed notices
in 8-character columns, built once by the command line and read back with pdfplumber. What it
attacks: numbers and codes a notice is made of (18-character 身份证号 and 统一社会信用代码, amounts
with thousands commas, account numbers in groups), which TYPOGRAPHY.md says are not broken inside,
in measures where some of them cannot stand whole."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pdfplumber
import pytest

from conftest import run_uncached

ROOT = Path(__file__).resolve().parent.parent
SPEC = "tests/pages/layout/s21-notices.yaml"
CONTENT = ROOT / "tests/pages/content/s21-notices"
BODY_PT = 9.0  # 小五: the body, captions and 落款; headlines are larger


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    out = tmp_path_factory.mktemp("s21-notices")
    run = run_uncached("build", SPEC, "-q", "-o", str(out))
    return run, out / "s21-notices.pdf"


@pytest.fixture(scope="module")
def lines(built) -> list[str]:
    """The body-size lines of the page as printed, each grid column's apart: characters of body
    size grouped by the column their centre stands in (the type area centred in the trim box, 8
    columns of 8字 a 1字 gutter apart, as the spec has it) and by baseline, left to right."""
    _, pdf = built
    with pdfplumber.open(pdf) as doc:
        page = doc.pages[0]
        x0, _, x1, _ = page.trimbox
        chars = [c for c in page.chars if abs(c["size"] - BODY_PT) < 0.2 and c["text"].strip()]
    pitch = 9 * BODY_PT  # a column and its gutter
    left = x0 + (x1 - x0 - (8 * pitch - BODY_PT)) / 2
    rows: dict[tuple[int, int], list[dict]] = {}
    for c in chars:
        col = int(((c["x0"] + c["x1"]) / 2 - left + BODY_PT / 2) // pitch)
        rows.setdefault((col, round(c["bottom"])), []).append(c)
    return ["".join(c["text"] for c in sorted(row, key=lambda c: c["x0"])) for _, row in sorted(rows.items())]


def _copy() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(CONTENT.glob("*.md")))


def test_the_page_builds_with_no_traceback(built) -> None:
    run, pdf = built
    assert run.returncode == 0, run.stderr
    assert pdf.is_file() and "Traceback" not in run.stderr


# The amounts of the copy, each narrower than the 8-character line (6.5 em at most): a number is
# never broken inside (TYPOGRAPHY.md, Han and Latin), least of all an amount, where 45,000,00 /
# 0.00 reads as two sums.
AMOUNTS = ("50,000,000.00", "5,000,000.00", "45,000,000.00", "120,000,000", "30,000,000", "150,000,000")


def test_a_number_that_fits_a_line_is_not_parted(lines) -> None:
    for amount in AMOUNTS:
        assert amount in _copy()
        assert any(amount in line for line in lines), (amount, [line for line in lines if amount[:4] in line])


# The codes of the copy, as typed: none is narrower than the line, so each is parted somewhere.
CODES = ("11010119900307123X", "91310115MA1K4XYZ8Q", "914403003194567890", "91330100MA2H0ABC1D",
         "91330100143210987K", "913301007042123450")


def test_a_code_parted_gains_no_hyphen(lines) -> None:
    """A code broken where it must be is broken bare: a hyphen at the break would read as a
    character of the 统一社会信用代码 (91310115MA1K4X- / YZ8Q)."""
    for code in CODES:
        assert code in _copy()
        heads = [line for line in lines for k in range(2, len(code)) if line.endswith(code[:k] + "-")]
        assert not heads, (code, heads)


def test_a_number_parted_because_it_is_wider_than_the_line_is_said(built) -> None:
    """The 身份证号 (9 em) in a boxed 7.75字 column cannot stand whole: the build says where it is
    parted and why, at the paragraph's line, as it says a date parted."""
    run, _ = built
    said = [line for line in run.stderr.splitlines() if "lost-id.md:5:" in line and "split-span" in line]
    assert said and "wider than the line" in said[0], run.stderr


def test_check_names_digits_run_across_a_line_end(built) -> None:
    """What the eye sees in the PDF alone: digits running on across a line end, whether the build
    cut a code there (11010 / 119900307123X) or the copy typed a space (6666 / 13800138000: in print
    the two read as one number). `check` names each in a note, not as a problem."""
    _, pdf = built
    run = run_uncached("check", str(pdf))
    out = run.stdout + run.stderr
    notes = [line for line in out.splitlines() if "note: split across lines" in line and "(number or code)" in line]
    assert any("11010 / 119900307123X" in line for line in notes), out
    assert any("6666 / 13800138000" in line for line in notes), out
    assert not any("(number or code)" in line and "note:" not in line for line in out.splitlines()), out


def test_a_code_parted_in_a_caption_is_said_at_the_caption(built) -> None:
    """The 统一社会信用代码 in the 招聘 logo's caption, in a one-column cell, is wider than the
    caption's line: said at the caption's line in the copy, as a body paragraph's is."""
    run, _ = built
    said = [line for line in run.stderr.splitlines() if "hiring.md:5:" in line and "caption line" in line
            and "number or code parted" in line]
    assert said and all("wider than the line" in line for line in said), run.stderr
