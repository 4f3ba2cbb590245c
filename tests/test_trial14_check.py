"""Trial 14: where `pagesetter check` failed a correct page, and a jumped story's column breaks,
rebuilt on pages of our own (tests/pages/layout/trial14-*.yaml, the trial's copy, photos left out)
and read back from the PDFs:

- two 2-column 小一 headlines side by side (op-col-zhang, op-col-li): li's second line opens with
  “ set half width, its origin half an em left of li's frame, inside zhang's (half a 24 pt em is
  more than the 1字 gutter): `check` judged it by zhang's frame, "ink past the measure" 20.39 pt,
  blamed on op-col-zhang (exit 4, the build warned);
- a vertical byline padded with a space (文／陳 思, 本报记者 王 芳: a two-character name set to
  three, the house style), printed as one column with a gap of word_space (an em): `check` cut
  the column at the gap and failed 思, 王, 芳 as "one-character column";
- ed-jump (4 columns, jump_to: 3) opened columns 2, 3 and 4 each with a paragraph's last line
  alone (段末孤行): the flow kept last lines from a column's head only where the module's text
  fits; a jumped one has lines to spare (they go to the page it jumps to).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from conftest import frame_lines, run_uncached

from pagesetter.proof.readback import read_chars
from pagesetter.proof.typography import check_pdf, pdf_frames

ROOT = Path(__file__).resolve().parent.parent
LAYOUT = ROOT / "tests" / "pages" / "layout"
EDGE = 5.0  # pt: a line-start “ or （ hangs half a 9 pt em left of its column (clreq §3.1.6)


@pytest.fixture(scope="module")
def headlines(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    out = tmp_path_factory.mktemp("headlines")
    run = run_uncached("build", str(LAYOUT / "trial14-headlines.yaml"), "-o", str(out), timeout=900)
    return run, out / "trial14-headlines.pdf"


@pytest.fixture(scope="module")
def edition(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    out = tmp_path_factory.mktemp("edition")
    return run_uncached("build", str(LAYOUT / "trial14-edition.yaml"), "-o", str(out), timeout=900), out


def _frame(pdf: Path, article: str, kind: str) -> dict:
    return next(f for f in pdf_frames(pdf)[0] if f["article"] == article and f["kind"] == kind)


def test_a_neighbours_line_start_quote_is_judged_by_its_own_headline(headlines) -> None:
    """Main: “ of li's headline line 2, its origin in zhang's headline frame, was "ink past the
    measure" of zhang's frame (check exit 4, the build warned past-measure). The mark's origin is
    in zhang's frame and its ink in li's (read back): judged by li's frame, nothing is past."""
    run, pdf = headlines
    assert run.returncode == 0, run.stderr
    page = read_chars(pdf)[0]
    zhang, li = _frame(pdf, "op-col-zhang", "headline"), _frame(pdf, "op-col-li", "headline")
    marks = [c for c in page.chars if c.text == "“" and c.size > 20 and zhang["x0"] <= c.x < zhang["x1"]
             and c.ink_left >= li["x0"]]
    assert marks, "li's line-start “ no longer stands with its origin in zhang's frame: the test tests nothing"
    report = check_pdf(pdf)
    assert not report.ink_past, report.text()
    assert "past-measure" not in run.stderr, run.stderr


def test_a_padded_vertical_byline_is_one_column(headlines) -> None:
    """Main: 文／陳 思 and 本报记者 王 芳, each one column printed with an em of white at the space
    (the engine's word_space), were read as columns 思, 王, 芳 of one character (check exit 4).
    The gap is read back, an em, and `check` reads one column."""
    run, pdf = headlines
    page = read_chars(pdf)[0]
    for name, text in (("tw-vert", "陳思"), ("vt-latin", "王芳")):
        a, b = (next(c for c in page.chars if c.text == ch and abs(c.size - 14) < 0.1) for ch in text)
        assert abs(a.x - b.x) < 0.5, (name, a, b)  # one column
        assert abs((b.baseline - a.baseline) - 2 * a.size) < 0.5, (name, a, b)  # an em of white between
    report = check_pdf(pdf)
    assert not report.one_char_columns, report.text()
    assert report.verdict() == "PASS", report.text()
    assert "one-character column" not in run.stderr, run.stderr
    assert run_uncached("check", str(pdf), timeout=900).returncode == 0


def test_a_jumped_story_keeps_last_lines_from_a_columns_head(edition) -> None:
    """Main: columns 2, 3 and 4 of ed-jump opened with 涉及居民约38.5万户。, 专项债券15亿元。,
    史建筑三批共186处。, each its paragraph's last line alone (three `typography` warnings, PASS).
    Each now opens with two lines or more of its paragraph; the text pushed on goes to 第3版,
    nothing lost."""
    run, out = edition
    assert run.returncode == 0, run.stderr
    page1 = out / "trial14-breaks.pdf"
    columns = [["".join(c.text for c in line) for line in col] for col in frame_lines(page1, "ed-jump", EDGE)]
    assert len(columns) == 4 and all(columns), columns
    report = check_pdf(page1)
    assert not [f for f in report.widows if "'ed-jump'" in f.where], report.text()
    assert "last line alone" not in run.stderr, run.stderr
    for line in ("涉及居民约38.5万户。", "专项债券15亿元。"):
        assert line not in [col[0] for col in columns[1:]], columns
    # nothing lost: page 1's lines and 第3版's, after its jump line, are the copy's text in order
    jumped = ["".join(c.text for c in line) for col in frame_lines(out / "trial14-jumped.pdf", "ed-jump", EDGE)
              for line in col]
    assert columns[-1][-1] == "（转第3版）" and jumped[0] == "（上接第2版）", (columns, jumped)
    printed = "".join(line for col in columns for line in col if line != "（转第3版）") + "".join(jumped[1:])
    copy = (ROOT / "tests" / "pages" / "content" / "trial14" / "ed-jump.md").read_text(encoding="utf-8")
    body = copy.split("---", 2)[2].replace("**", "")
    assert "".join(printed.split()) == "".join(body.split()), printed


def _spread(detail: str) -> float:
    """The white a very loose line's finding gives, in em ('1.125 em between Han')."""
    return float(re.search(r"\d+\.\d+", detail).group())


def test_a_telephone_paragraph_sets_short_lines_not_han_an_em_apart(edition) -> None:
    """Main: 联系电话：0431-8888 6666、138 0013 8000，传真010-6512 3456。 in an 11字 column set
    联系电话： alone, 1.12 em between its Han, to keep 0431-8888 6666 whole, and still parted
    138 / 0013 8000 and 010- / 6512 3456 (a hyphen at a line's end reads as a dash) with a line
    at 0.29 em: four bad lines of four. The line breaker counted a line it sets short (only
    white before 、 or ， to stretch) as 2e12 of spacing it never prints; counted as a short line,
    the paragraph sets 联系电话：0431- / 8888 6666、 / 138 0013 8000， / 传真010-6512 3456。 (the
    trial's own first choice): one number parted where its area code ends, no line past 0.31 em."""
    run, out = edition
    pdf = out / "trial14-breaks.pdf"
    lines = ["".join(c.text for c in line) for col in frame_lines(pdf, "url-test", EDGE) for line in col]
    start = next(k for k, line in enumerate(lines) if line.startswith("联系电话"))
    para = lines[start:start + 4]
    assert "".join(para) == "联系电话：0431-88886666、13800138000，传真010-65123456。", lines  # whole, spaces read as gaps
    report = check_pdf(pdf)
    loose = [f for f in report.very_loose if "'url-test'" in f.where]
    assert all(_spread(f.detail) < 0.31 for f in loose), report.text()  # main: 1.125 (联系电话：) and 0.286
    parted = [f for f in report.split_spans if "'url-test'" in f.where]
    assert len(parted) <= 1, report.text()  # main: 138 / 0013 8000 and 010- / 6512 3456
    assert not any(line.endswith("010-") for line in para), para
