"""Trial 16's content findings, built on tests/pages/layout/trial16-content.yaml and read back from
the PDF and the build's own lines: a 表： title parted from its table by a blank line is the table's
title (#2); ASCII ... and -- in Chinese copy are set …… and —— and what cannot be decided is
located (#13); a title and byline with no body is warned (#10); a caption that takes most of its
photo cell is warned (#12)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pdfplumber
import pytest

from pagesetter.proof.typography import pdf_frames

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "tests" / "pages" / "layout" / "trial16-content.yaml"
CONTENT = "tests/pages/content/trial16"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    out = tmp_path_factory.mktemp("trial16")
    done = subprocess.run([sys.executable, "-m", "pagesetter", "build", "--no-cache", "-o", str(out), str(PAGE)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    return done, out / "trial16-content.pdf"


def _frame_text(pdf_path: Path, kind: str, article: str) -> list[str]:
    """The text of each frame of ``kind`` of ``article`` on the page, top down."""
    frames = sorted((f for f in pdf_frames(pdf_path)[0] if f["kind"] == kind and f["article"] == article),
                    key=lambda f: (f["x0"], -f["y1"]))
    with pdfplumber.open(pdf_path) as doc:
        page = doc.pages[0]
        out = []
        for f in frames:
            top, bottom = page.height - f["y1"], page.height - f["y0"]
            out.append("".join(c["text"] for c in sorted(
                (c for c in page.chars if f["x0"] - 0.5 <= c["x0"] < f["x1"] and top <= c["top"] < bottom),
                key=lambda c: (round(c["top"]), c["x0"]))))
    return out


def test_the_build_passes(built) -> None:
    done, pdf_path = built
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and pdf_path.exists()


def test_a_table_title_across_a_blank_line_is_the_tables(built) -> None:
    """#2: 表：… then a blank line then the rows (and a blank line then 来源：…) is one table: title,
    header, ten rows and source on the table's grid lines in one column; no body paragraph 表：…."""
    _, pdf_path = built
    rows = _frame_text(pdf_path, "table", "stocks")
    assert len(rows) == 1 + 1 + 10 + 1, rows
    assert rows[0].startswith("表") and "沪市成交额前十" in rows[0]
    assert rows[-1].startswith("来源")
    frames = [f for f in pdf_frames(pdf_path)[0] if f["kind"] == "table" and f["article"] == "stocks"]
    assert len({round(f["x0"], 1) for f in frames}) == 1
    # the title centred over the table (a body paragraph is indented, set flush with the column)
    frame = max(frames, key=lambda f: f["y1"])
    with pdfplumber.open(pdf_path) as doc:
        page = doc.pages[0]
        ink = [c for c in page.chars if frame["x0"] - 0.5 <= c["x0"] < frame["x1"]
               and page.height - frame["y1"] <= c["top"] < page.height - frame["y0"]]
    left, right = min(c["x0"] for c in ink) - frame["x0"], frame["x1"] - max(c["x1"] for c in ink)
    assert abs(left - right) < 5.0, (left, right)  # the closing bracket's half em of white aside


def test_ellipsis_and_dash_in_chinese_copy(built) -> None:
    """#13: ... 。。。 … and ...... beside Chinese are set ……; -- after or between Chinese ——; a
    hyphen between Chinese and four points are left, each located; -3% is typo15's (untouched here)."""
    done, pdf_path = built
    with pdfplumber.open(pdf_path) as doc:
        text = "".join(c["text"] for c in doc.pages[0].chars)
    for want in ("结束……’", "不是——大家", "继续……大家", "等待……结果", "打出了……六个点", "一句——"):
        assert want in text, want
    assert "..." not in text.replace("....", "") and "--" not in text
    line = next(x for x in done.stderr.splitlines() + done.stdout.splitlines() if x.startswith("normalised:"))
    assert "...→……" in line and "--→——" in line
    # left as typed and located: the hyphen of 北京-上海 (line 13, column 7), the four points
    assert f"{CONTENT}/marks.md:13:7" in line
    m = re.search(re.escape(CONTENT) + r"/marks\.md:13:(\d+)", line.split(f"{CONTENT}/marks.md:13:7", 1)[1])
    assert m is not None and int(m.group(1)) == 1 + "京沪高铁北京-上海段运行正常,他说\"好吧".__len__()
    # a lone … alone in quotation marks names the mark (两个“…”合成一个字形): left, located
    assert f"{CONTENT}/marks.md:17:10 …" in line and "两个“…”合成" in text


def test_a_byline_without_body_is_warned(built) -> None:
    """#10: title and 本报记者 byline, no body, no photos: printed as the banner is, but warned at the
    byline's line with the article."""
    done, _ = built
    said = [x for x in done.stderr.splitlines() if f"{CONTENT}/pending.md:3" in x]
    assert len(said) == 1 and "'pending'" in said[0] and "no body" in said[0], done.stderr


def test_a_caption_taking_most_of_its_cell_is_warned(built) -> None:
    """#12: the caption takes 8 lines of an 11-line cell (the picture 3, above the 2-line floor):
    warned at the caption's line, exit 0."""
    done, _ = built
    said = [x for x in done.stderr.splitlines() if f"{CONTENT}/longcap.md:4" in x]
    assert len(said) == 1 and "'longcap'" in said[0] and "11" in said[0], done.stderr


def test_every_tab_is_treated_and_reported_alike(built) -> None:
    """#4 (the build's half): 上证指数<tab>3386.42 kept its tab, printed as white and unreported, while
    指数<tab>收盘 lost its tab, reported. Now a tab beside a figure is a space, one beside a space
    removed, one between Chinese removed: all five of line 15 reported."""
    done, pdf_path = built
    line = next(x for x in done.stderr.splitlines() + done.stdout.splitlines() if x.startswith("normalised:"))
    assert "2× ⟨U+0009⟩→⟨space⟩" in line and "3× ⟨U+0009⟩ removed" in line, line
    with pdfplumber.open(pdf_path) as doc:
        text = "".join(c["text"] for c in doc.pages[0].chars)
    assert "\t" not in text and "深证成指" in text
