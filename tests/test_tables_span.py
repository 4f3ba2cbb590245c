"""A table across the module's columns (the entry's span_tables; trial 16 #3: a 财经版's six-column
fund table could not be set on a broadsheet of 13字 columns). Built on its own test page
(tests/pages/layout/tables-span.yaml) and read back from the PDF: the table stands under the
headline across the four columns, its title above and source below, figures flush right, each row
a grid line; the body flows in the columns under it with no column rule through the table; a table
that fits its column stays in it; `check` and the gate pass the page. Without span_tables the same
table stops the build and names the key; a table wider than the module stops it too."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pdfplumber
import pytest

from pagesetter.build import build_page
from pagesetter.cache import DiskCache
from pagesetter.proof.preflight import preflight
from pagesetter.proof.typography import pdf_frames

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT / "tests" / "pages"
PAGE = PAGES / "layout" / "tables-span.yaml"
PITCH = 13.5
COLUMN = 13 * 9.0  # 13字 of 小五 (9 pt)
GUTTER = 9.0


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    return build_page(PAGE, tmp_path_factory.mktemp("tables-span"), cache=DiskCache(None))


@pytest.fixture(scope="module")
def pdf(built):
    with pdfplumber.open(built.pdf_path) as doc:
        yield doc.pages[0]


def _frames(built, article: str, kind: str) -> list[dict]:
    return [f for f in pdf_frames(built.pdf_path)[0] if f["kind"] == kind and f["article"] == article]


def _rows(built, pdf, article: str) -> list[list[dict]]:
    """The characters on each grid line the layout record marks "table", left to right."""
    out = []
    for f in sorted(_frames(built, article, "table"), key=lambda f: -f["y1"]):
        top, bottom = pdf.height - f["y1"], pdf.height - f["y0"]
        out.append(sorted((c for c in pdf.chars if f["x0"] - 0.5 <= c["x0"] < f["x1"] and top <= c["top"] < bottom
                           and not c["text"].isspace()), key=lambda c: c["x0"]))
    return out


def _cells(row: list[dict]) -> list[list[dict]]:
    """A row cut into cells where an em (9 pt) of white or more parts its characters."""
    cells = [[row[0]]]
    for a, b in zip(row, row[1:]):
        if b["x0"] - a["x1"] >= 8.9:
            cells.append([])
        cells[-1].append(b)
    return cells


def _text(chars: list[dict]) -> str:
    return "".join(c["text"] for c in chars)


def test_table_spans_the_module_under_the_headline(built, pdf) -> None:
    frames = _frames(built, "funds", "table")
    block = 4 * COLUMN + 3 * GUTTER
    assert frames and all(abs((f["x1"] - f["x0"]) - block) < 0.1 for f in frames), [f["x1"] - f["x0"] for f in frames]
    rows = _rows(built, pdf, "funds")
    texts = [_text(r) for r in rows]
    assert texts[0] == "表：部分开放式基金净值（2026年12月1日）"
    assert texts[1] == "基金名称类型单位净值累计净值日涨跌今年以来"
    assert texts[-1] == "来源：各基金公司公告"
    assert len(rows) == 1 + 1 + 8 + 1
    # its cells run across the four columns: the last column of figures ends at the module's right
    # edge, three columns and gutters past the first column's
    left = frames[0]["x0"]
    assert all(len(_cells(r)) == 6 for r in rows[1:-1]), [len(_cells(r)) for r in rows[1:-1]]
    assert max(c["x1"] for c in rows[2]) > left + 3 * (COLUMN + GUTTER) + COLUMN - 9.0
    # each row a grid line, a pitch apart
    tops = [r[0]["top"] for r in rows]
    assert all(abs((b - a) - PITCH) < 0.01 for a, b in zip(tops, tops[1:])), tops
    # under the headline: the title's line is the first under the headline's frame
    head = _frames(built, "funds", "headline")[0]
    assert abs(max(f["y1"] for f in frames) - head["y0"]) < 0.01


def test_figures_flush_right_names_flush_left(built, pdf) -> None:
    body = [_cells(r) for r in _rows(built, pdf, "funds")[1:-1]]  # the header and the eight funds
    for j in (2, 3, 4, 5):
        rights = [cells[j][-1]["x1"] for cells in body]
        assert max(rights) - min(rights) < 0.1, (j, rights)
    for j in (0, 1):
        lefts = [cells[j][0]["x0"] for cells in body]
        assert max(lefts) - min(lefts) < 0.1, (j, lefts)
    assert _text(body[2][4]) == "−0.1032"  # the minus sign as typed


def test_body_flows_in_the_columns_under_the_table(built, pdf) -> None:
    frames = _frames(built, "funds", "table")
    foot = pdf.height - min(f["y0"] for f in frames)  # the table's foot, from the page's top
    left = frames[0]["x0"]
    body = [f for f in _frames(built, "funds", "body")]
    assert len({round(f["x0"]) for f in body}) == 4  # a body frame in each of the module's columns
    # under the table, a blank grid line between (the body's frames start there)
    assert all(abs((pdf.height - f["y1"]) - (foot + PITCH)) < 0.01 for f in body), [pdf.height - f["y1"] for f in body]
    for k in range(4):
        x0 = left + k * (COLUMN + GUTTER)
        under = [c for c in pdf.chars if x0 - 0.5 <= c["x0"] < x0 + COLUMN and c["top"] > foot and c["size"] < 10
                 and not c["text"].isspace()]
        assert len(under) > 50, k
    # every character between the headline and the body is the table's
    table_chars = {id(c) for r in _rows(built, pdf, "funds") for c in r}
    top = pdf.height - max(f["y1"] for f in frames)
    stray = [c for c in pdf.chars if left - 1 <= c["x0"] < left + 4 * COLUMN + 3 * GUTTER and top <= c["top"] < foot
             and id(c) not in table_chars and not c["text"].isspace()]
    assert not stray, _text(stray)


def test_no_column_rule_through_the_table(built, pdf) -> None:
    frames = _frames(built, "funds", "table")
    top, foot = pdf.height - max(f["y1"] for f in frames), pdf.height - min(f["y0"] for f in frames)
    left = frames[0]["x0"]
    gutters = [left + k * (COLUMN + GUTTER) - GUTTER / 2 for k in (1, 2, 3)]
    vertical = [ln for ln in pdf.lines if abs(ln["x0"] - ln["x1"]) < 0.01]
    for x in gutters:
        here = [ln for ln in vertical if abs(ln["x0"] - x) < 0.3]
        assert here, x  # the body's columns are parted by a rule under the table
        assert all(ln["top"] >= foot - 0.01 or ln["bottom"] <= top + 0.01 for ln in here), (x, here)


def test_table_that_fits_its_column_stays_there(built, pdf) -> None:
    frames = _frames(built, "rates", "table")
    assert frames and all(abs((f["x1"] - f["x0"]) - COLUMN) < 0.1 for f in frames)


def test_check_and_preflight_pass(built) -> None:
    done = subprocess.run([sys.executable, "-m", "pagesetter", "check", str(built.pdf_path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "set over" not in done.stdout + done.stderr
    report = preflight(built.pdf_path)
    assert report.errors == 0 and report.warnings == 0, report.findings


def _spec(tmp_path: Path, cols: int, span: bool) -> Path:
    """The test page's spec in ``tmp_path``, the fund table's module ``cols`` columns wide."""
    text = PAGE.read_text(encoding="utf-8")
    text = text.replace("../../../", f"{ROOT}/").replace("../content/", f"{PAGES}/content/")
    text = text.replace("block: {col: 1, cols: 4,", f"block: {{col: 1, cols: {cols},")
    if not span:
        text = text.replace("    span_tables: true\n", "", 1)
    assert ("span_tables: true\n" in text.split("- article: rates")[0]) == span
    return _written(tmp_path, text)


def _written(tmp_path: Path, text: str) -> Path:
    """A spec's text written in ``tmp_path``, the shipped fonts, layout and test content allowed."""
    head, articles = text.split("articles:\n", 1)
    text = f"{head}allow_outside: [{ROOT / 'fonts'}, {ROOT / 'layout'}, {PAGES / 'content'}]\narticles:\n{articles}"
    path = tmp_path / "spec.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _build(spec: Path, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pagesetter", "build", "-q", "--no-cache", "-o", str(out), str(spec)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_without_span_tables_the_error_names_it(tmp_path: Path) -> None:
    done = _build(_spec(tmp_path, 4, span=False), tmp_path / "out")
    assert done.returncode == 1, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr
    assert "tables-span/funds.md:" in lines[0] and "does not fit the column" in lines[0]
    assert "span_tables" in lines[0]


def test_table_wider_than_the_module_is_a_located_error(tmp_path: Path) -> None:
    done = _build(_spec(tmp_path, 2, span=True), tmp_path / "out")
    assert done.returncode == 1, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr
    assert "tables-span/funds.md:" in lines[0] and "does not fit the module's 2 columns" in lines[0], lines[0]
    assert "span_tables" not in lines[0]


def _with_photo(tmp_path: Path, line: str) -> Path:
    """The test page with a photo cell at ``line`` in the fund table's module (a copy of its copy
    with a photo, in ``tmp_path``)."""
    content = tmp_path / "content"
    (content / "photos").mkdir(parents=True)
    (content / "photos" / "run.jpg").write_bytes((PAGES / "content" / "capover" / "photos" / "run.jpg").read_bytes())
    (content / "rates.md").write_text((PAGES / "content" / "tables-span" / "rates.md").read_text(encoding="utf-8"),
                                      encoding="utf-8")
    funds = (PAGES / "content" / "tables-span" / "funds.md").read_text(encoding="utf-8")
    funds = funds.replace("byline: 本报记者 陈晓东\n", "byline: 本报记者 陈晓东\nphotos:\n  - file: photos/run.jpg\n"
                          "    caption: ▲资料图片。\n", 1)
    (content / "funds.md").write_text(funds, encoding="utf-8")
    spec = _spec(tmp_path, 4, span=True)
    text = spec.read_text(encoding="utf-8").replace(f"{PAGES}/content/tables-span", str(content))
    text = text.replace("cols: 4, line: 1, lines: 28}", "cols: 4, line: 1, lines: 36}", 1)  # room for it
    text = text.replace("    span_tables: true\n", f"    span_tables: true\n    photo: {{col: 3, cols: 2, line: {line}, "
                        "lines: 8}\n", 1)
    spec.write_text(text, encoding="utf-8")
    return spec


def test_photo_at_line_after_stands_under_the_table(tmp_path: Path) -> None:
    done = _build(_with_photo(tmp_path, "after"), tmp_path / "out")
    assert done.returncode == 0, done.stderr
    pdf_path = tmp_path / "out" / "tables-span.pdf"
    frames = [f for f in pdf_frames(pdf_path)[0] if f["kind"] == "table" and f["article"] == "funds"]
    with pdfplumber.open(pdf_path) as doc:
        page = doc.pages[0]
        foot = page.height - min(f["y0"] for f in frames)
        assert len(page.images) == 1
        assert page.images[0]["top"] >= foot + PITCH - 0.5, (page.images[0]["top"], foot)


def test_photo_over_the_table_is_a_located_error(tmp_path: Path) -> None:
    done = _build(_with_photo(tmp_path, "3"), tmp_path / "out")
    assert done.returncode == 1, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr
    assert "spec.yaml:" in lines[0] and "stands over its table across the module" in lines[0], lines[0]


def test_table_across_a_narrower_module_is_set_smaller_as_min_size_allows(tmp_path: Path) -> None:
    """Two columns (243 pt) hold the fund table (267 pt at 9 pt) only smaller: set so with a
    table-size warning naming the module's width, as a table in a column is."""
    spec = _spec(tmp_path, 2, span=True)
    text = spec.read_text(encoding="utf-8").replace(
        "  small-title: {base: title, size: 三号, leading: 22pt}\n",
        "  small-title: {base: title, size: 三号, leading: 22pt}\n  table: {base: body, min_size: 7pt}\n", 1)
    spec.write_text(text, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "pagesetter", "build", "--no-cache", "--allow-overset", "-o",
                           str(tmp_path / "out"), str(spec)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert "Traceback" not in done.stderr and done.returncode == 3, done.stderr  # its copy is overset in 2 columns
    said = [line for line in done.stderr.splitlines() if "table-size" in line]
    assert len(said) == 1 and "funds.md:8:1:" in said[0], said
    assert "to fit the module's 2 columns' 243 pt" in said[0], said
    frames = [f for f in pdf_frames(tmp_path / "out" / "tables-span.pdf")[0]
              if f["kind"] == "table" and f["article"] == "funds"]
    assert frames and all(abs((f["x1"] - f["x0"]) - (2 * COLUMN + GUTTER)) < 0.1 for f in frames)
