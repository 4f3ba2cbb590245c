"""A new user's trial (18a) of 财经 pages, rebuilt on pages of our own and read back:
#4 full-width ＋ － ／ typed with full-width figures stayed full-width while the digits went
half-width ("－ 0.0123", an em-wide sign parted from its number; tests/pages/layout/trial18a-signs.yaml);
#5 a justified line set short mid-paragraph (约1/4，, 33 pt of 117) the build warned of and
`check` counted as nothing (trial18a-short.yaml); #3 a table's 来源 line under a table shrunk to
its min_size called a subhead at a column's foot, and #6 Café́ (é and a second U+0301) stopped as
"text set over text" quoting the accent after the f (trial18a-fx.yaml)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pdfplumber
import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYOUT = ROOT / "tests" / "pages" / "layout"
ENV = dict(os.environ, PYTHONWARNINGS="ignore", PAGESETTER_CACHE="off")
MINUS = "\u2212"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pagesetter", *args], capture_output=True, text=True,
                          timeout=600, env=ENV, cwd=ROOT)


def _build(name: str, out: Path) -> tuple[subprocess.CompletedProcess[str], Path]:
    spec = LAYOUT / f"trial18a-{name}.yaml"
    run = _run("build", str(spec), "-o", str(out))
    return run, out / f"{spec.stem}.pdf"


def _check(pdf: Path) -> tuple[int, dict]:
    run = _run("check", "--json", str(pdf))
    return run.returncode, next(iter(json.loads(run.stdout).values()))


def _text(pdf: Path) -> str:
    """The page's text in the order it is set: column by column, line by line."""
    return subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


@pytest.fixture(scope="module")
def signs(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    return _build("signs", tmp_path_factory.mktemp("signs"))


@pytest.fixture(scope="module")
def fx(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    return _build("fx", tmp_path_factory.mktemp("fx"))


# --- #4: the signs of full-width figures ---------------------------------------------------

@pytest.mark.parametrize("printed", [f"下跌{MINUS}0.0123", f"增长{MINUS}1.2%", "约1/4", "上涨+0.5%",
                                     "0431-88886666", f"3{MINUS}1", "XK-2026", "2026年-2027年", "记者－李明", "加号＋"])
def test_a_full_width_sign_is_set_as_its_figures_are(signs, printed: str) -> None:
    """The page's text, read back without its layout spaces: each sign or slash before a figure is
    the figure's own (− + /); a － between two small whole numbers is a score's or a difference's
    minus (比分３－１ → 3−1, normalise.FIGURE_MINUS); after a longer figure, a letter or 2026年 it is a
    code's or a range's hyphen (-, as typed half-width it is kept); a ＋ or － before no figure is as typed."""
    run, pdf = signs
    assert run.returncode == 0, run.stderr
    flat = "".join(_text(pdf).split())
    assert printed in flat, flat


def test_no_full_width_sign_stands_before_a_figure(signs) -> None:
    _, pdf = signs
    flat = "".join(_text(pdf).split())
    assert not [flat[k:k + 2] for k in range(len(flat) - 1) if flat[k] in "＋－／" and flat[k + 1].isdigit()], flat


def test_a_tables_signed_figures_stand_in_line(signs) -> None:
    """The 涨跌 column's three figures, −0.0123 and +0.0210 typed full-width and −0.0100 typed with
    the hyphen-minus: each sign half an em or less wide and touching its first digit, and the three
    cells' left edges in line (the same characters of the same widths, right-aligned)."""
    _, pdf = signs
    with pdfplumber.open(pdf) as doc:
        chars = doc.pages[0].chars
    lefts = []
    for cell in (f"{MINUS}0.0123", "+0.0210", f"{MINUS}0.0100"):
        text = "".join(c["text"] for c in chars)
        at = text.find(cell)
        assert at >= 0, text
        sign, digit = chars[at], chars[at + 1]
        assert sign["x1"] - sign["x0"] <= 0.6 * sign["size"] and digit["x0"] - sign["x1"] < 0.5, (sign, digit)
        lefts.append(sign["x0"])
    assert max(lefts[0], lefts[2]) - min(lefts[0], lefts[2]) < 0.1, lefts


def test_the_sign_changes_are_said_in_the_normalised_line(signs) -> None:
    run, _ = signs
    line = next(line for line in run.stdout.splitlines() if line.startswith("normalised:"))
    for said in (f"－→{MINUS}", "＋→+", "／→/", "－→-"):
        assert said in line, line


def test_a_hyphen_joining_two_dates_is_no_sign_at_a_line_start(signs) -> None:
    """2026 / 年-2027年: the line opens with 年, its figure on the line before. The hyphen joins
    the dates (set solid, chars.JOINING_SIGNS); the check, which reads the line alone, asked the
    Han–Latin gap of a sign before it (0.00 em between 年 and -)."""
    run, _ = signs
    assert not [line for line in run.stderr.splitlines() if "Han–Latin gap" in line and "年 and -" in line], run.stderr


# --- #5: a justified line set short mid-paragraph -------------------------------------------

def test_check_counts_and_locates_a_line_set_short(tmp_path: Path) -> None:
    """The build warns 约1/4， set short (very-loose); `check` counts it off the measure at the
    article's file and line (never weaker than the build), and the build says it once."""
    run, pdf = _build("short", tmp_path)
    assert run.returncode == 0, run.stderr
    assert any(": very-loose: " in line and "'约1/4，' is set short" in line for line in run.stderr.splitlines())
    code, report = _check(pdf)
    short = [f for f in report["off_measure"] if "约1/4" in f["text"]]
    assert code == 4 and len(short) == 1 and short[0]["short"], report["off_measure"]
    assert short[0]["where"].endswith("tests/pages/content/trial18a/short.md:5"), short[0]
    assert "1 off the measure" in run.stdout, run.stdout
    assert not [line for line in run.stderr.splitlines() if ": typography: " in line and "约1/4" in line], run.stderr


# --- #3 and #6: a shrunk table's 来源 line; a duplicate accent -------------------------------

def test_a_tables_source_line_is_no_subhead(fx) -> None:
    run, pdf = fx
    assert run.returncode == 0, run.stderr
    code, report = _check(pdf)
    assert not report["subhead_foot"] and "subhead at a column" not in run.stderr, report["subhead_foot"]
    assert code == 0 and report["problems"] == 0, report


def test_a_duplicate_accent_is_removed_and_said_at_its_place(fx) -> None:
    """Café́ prints as Café with one accent, nothing set over anything, and the build's normalised
    line names the removed U+0301 at its file:line:col."""
    run, pdf = fx
    assert run.returncode == 0, run.stderr
    assert "set over" not in run.stderr, run.stderr
    with pdfplumber.open(pdf) as doc:
        shown = "".join(c["text"] for c in doc.pages[0].chars)
    assert "Café Crème" in unicodedata.normalize("NFC", shown.replace(" ", "")).replace("CaféCrème", "Café Crème")
    assert "\u0301\u0301" not in unicodedata.normalize("NFD", shown), shown
    assert unicodedata.normalize("NFD", shown).count("e\u0301") == 1, shown
    line = next(line for line in run.stdout.splitlines() if line.startswith("normalised:"))
    assert "1 duplicate accent removed" in line and "tests/pages/content/trial18a/fx.md:12:7 ⟨U+0301⟩" in line, line


def test_a_different_second_mark_is_kept() -> None:
    """A letter's second mark that differs from its own (ọ̀: dot below and grave) is the copy's."""
    from pagesetter.content.normalise import duplicate_marks

    assert duplicate_marks("Adébáyọ̀") == [] and duplicate_marks("e\u0301\u0300") == []
    assert [e.offset for e in duplicate_marks("Cafe\u0301\u0301 é\u0301")] == [5, 8]
