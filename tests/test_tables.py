"""Tables in the body (| … | rows; flow/tables.py): built on pages of their own and read back from
the PDF. A league table and a stock table (tests/pages/layout/tables.yaml) set one row a grid line,
figures flush right, no glyph over another, the three rules 100 % K, and the gate passes the page;
a table too wide for its column and one deeper than every column stop the build at their line;
a cell set over the next column is found by `check`."""

from __future__ import annotations

import subprocess
import sys
import unicodedata
from dataclasses import replace
from pathlib import Path

import pdfplumber
import pytest

from pagesetter.build import build_page, load_inputs
from pagesetter.cache import DiskCache
from pagesetter.compose.lines import Line
from pagesetter.content.reader import read_article
from pagesetter.errors import InputError
from pagesetter.flow import tables
from pagesetter.fonts.face import FaceSet
from pagesetter.proof.preflight import preflight
from pagesetter.proof.typography import check_pdf, pdf_frames

PAGES = Path(__file__).resolve().parent / "pages" / "layout"
PAGE = PAGES / "tables.yaml"
ROOT = Path(__file__).resolve().parent.parent
K_ONLY = (0.0, 0.0, 0.0, 1.0)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    return build_page(PAGE, tmp_path_factory.mktemp("tables"), cache=DiskCache(None))


@pytest.fixture(scope="module")
def pdf(built):
    with pdfplumber.open(built.pdf_path) as doc:
        yield doc.pages[0]


def _table_rows(built, pdf) -> dict[str, list[list[dict]]]:
    """Each article's table lines as printed: the characters on each grid line the layout record
    marks "table", left to right, by article."""
    height = pdf.height
    out: dict[str, list[list[dict]]] = {}
    for f in pdf_frames(built.pdf_path)[0]:
        if f["kind"] != "table":
            continue
        top, bottom = height - f["y1"], height - f["y0"]
        row = sorted((c for c in pdf.chars if f["x0"] - 0.5 <= c["x0"] < f["x1"] and top <= c["top"] < bottom
                      and not c["text"].isspace()), key=lambda c: c["x0"])
        out.setdefault(f["article"], []).append(row)
    return out


def _text(row: list[dict]) -> str:
    return "".join(c["text"] for c in row)


def test_standings_each_row_one_line(built, pdf) -> None:
    rows = _table_rows(built, pdf)["standings"]
    texts = [_text(r) for r in rows]
    assert texts[0] == "表：中超积分榜（第26轮后）"
    assert texts[1] == "名次球队胜平负净胜球积分"
    assert texts[2] == "1上海海港1853+3059"
    assert texts[6] == "5天津津门虎1268−342"  # the minus sign as typed (U+2212), on the team's own line
    assert texts[-1] == "来源：中国足球协会超级联赛官网"
    assert len(rows) == 1 + 1 + 7 + 1
    # one baseline each, a grid pitch apart
    tops = [r[0]["top"] for r in rows]
    assert all(abs((b - a) - 13.5) < 0.01 for a, b in zip(tops, tops[1:]))
    # the header in the lead's face (黑体), the cells in the body's (宋体)
    assert all("Sans" in c["fontname"] for c in rows[1])
    assert all("Serif" in c["fontname"] for c in rows[2])


def _columns(row: list[dict], gap: float) -> list[list[dict]]:
    """A row's characters cut into cells where white of ``gap`` or more parts them."""
    cells = [[row[0]]]
    for a, b in zip(row, row[1:]):
        if b["x0"] - a["x1"] >= gap:
            cells.append([])
        cells[-1].append(b)
    return cells


def test_figures_flush_right_names_flush_left(built, pdf) -> None:
    rows = _table_rows(built, pdf)["standings"]
    body = [_columns(r, 8.9) for r in rows[1:-1]]  # header and the seven teams; cells 1 em apart or more
    assert all(len(cells) == 7 for cells in body), [len(c) for c in body]
    for j in (0, 2, 3, 4, 5, 6):  # the figure columns (and their heads) end on one x
        rights = [cells[j][-1]["x1"] for cells in body]
        assert max(rights) - min(rights) < 0.1, (j, rights)
    lefts = [cells[1][0]["x0"] for cells in body]  # the team names start on one x
    assert max(lefts) - min(lefts) < 0.1
    # the gaps between columns: at least one em of the table's size
    for cells in body:
        for a, b in zip(cells, cells[1:]):
            assert b[0]["x0"] - a[-1]["x1"] >= 9.0 - 0.01 or b[-1]["x1"] - a[-1]["x1"] > 9.0


def test_stock_table_long_latin_name(built, pdf) -> None:
    rows = _table_rows(built, pdf)["stocks"]
    texts = [_text(r) for r in rows]
    assert "ContemporaryAmperexCATL21.35+1.87%" in texts
    body = [_columns(r, 8.9) for r in rows[1:-1]]
    assert [len(cells) for cells in body] == [4] * 5
    for j in (2, 3):
        rights = [cells[j][-1]["x1"] for cells in body]
        assert max(rights) - min(rights) < 0.1, (j, rights)
    # the table keeps to its column: nothing past the frame of the column it stands in
    frame = next(f for f in pdf_frames(built.pdf_path)[0] if f["kind"] == "table" and f["article"] == "stocks")
    assert all(frame["x0"] - 0.1 <= c["x0"] and c["x1"] <= frame["x1"] + 0.1 for r in rows for c in r)


def test_no_glyph_over_another(built, pdf) -> None:
    """Each character's advance clear of the next's (a Latin pair's kerning, AT or mp, up to a tenth
    of an em, and a compressed mark's half em aside), and the table's lines clear of each other."""
    for article, rows in _table_rows(built, pdf).items():
        for row in rows[1:-1]:  # the rows (the title's and source's marks are set half an em: kaiming)
            for a, b in zip(row, row[1:]):
                kerned = a["text"].isascii() and b["text"].isascii() and a["text"].isalpha() and b["text"].isalpha()
                # a Chinese mark's blank half is taken off beside another character (kaiming): its
                # advance overlaps, its ink does not
                mark = any(not ch.isascii() and unicodedata.category(ch).startswith("P") for ch in (a["text"], b["text"]))
                allowed = 0.5 * a["size"] if mark else 0.1 * a["size"] if kerned else 0.01
                assert b["x0"] >= a["x1"] - allowed, (article, a["text"], b["text"], a["x1"], b["x0"])
        for upper, lower in zip(rows, rows[1:]):
            assert max(c["bottom"] for c in upper) <= min(c["top"] for c in lower) + 0.01


def test_rules_three_k_only_across_the_measure(built, pdf) -> None:
    frames = [f for f in pdf_frames(built.pdf_path)[0] if f["kind"] == "table"]
    for article in ("standings", "stocks"):
        marked = [f for f in frames if f["article"] == article]
        x0, x1 = marked[0]["x0"], marked[0]["x1"]
        rules = [ln for ln in pdf.lines if abs(ln["x0"] - x0) < 0.01 and abs(ln["x1"] - x1) < 0.01
                 and abs(ln["top"] - ln["bottom"]) < 0.01]
        assert [ln["linewidth"] for ln in sorted(rules, key=lambda ln: ln["top"])] == [0.5, 0.25, 0.5]
        assert all(tuple(ln["stroking_color"]) == K_ONLY for ln in rules)


def test_gate_passes_the_page(built) -> None:
    report = check_pdf(built.pdf_path)
    assert report.problems == 0, report.text()
    assert preflight(built.pdf_path).errors == 0
    assert not [w for w in built.warnings if w.kind in ("overset", "table-size", "missing-glyph")]


def _bad_row(shift_cells: float = 0.0, shift_all: float = 0.0):
    """A _row that sets the table wrong on purpose: each cell after the first ``shift_cells`` ems
    to the left (into the cell before it), or the whole row ``shift_all`` ems to the right."""
    real = tables._row

    def row(cells, widths, gap, aligns, measure, size, k, count):
        line = real(cells, widths, gap - shift_cells * size, aligns, measure, size, k, count)
        moved = tuple(g._replace(x=g.x + shift_all * size) for g in line.glyphs)
        return replace(line, glyphs=moved)
    return row


def test_check_finds_a_cell_over_the_next(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tables, "_row", _bad_row(shift_cells=2.5))
    result = build_page(PAGE, tmp_path, cache=DiskCache(None))
    report = check_pdf(result.pdf_path)
    assert report.overlap, report.text()
    assert any("上海海港" in f.text for f in report.overlap)


def test_check_finds_a_row_past_the_measure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tables, "_row", _bad_row(shift_all=1.0))
    result = build_page(PAGE, tmp_path, cache=DiskCache(None))
    report = check_pdf(result.pdf_path)
    assert report.off_measure or report.ink_past, report.text()


def _build(spec: Path, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pagesetter", "build", "-q", "--no-cache", "-o", str(out), str(spec)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_table_too_wide_is_a_located_error(tmp_path: Path) -> None:
    done = _build(PAGES / "tables-wide.yaml", tmp_path)
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr
    assert "tests/pages/content/tables-wide/rates.md:13:3:" in lines[0]  # the cell 新西兰元（New Zealand Dollar）
    assert "新西兰元（New Zealand Dollar）" in lines[0]
    assert not (tmp_path / "tables-wide.pdf").exists()


def test_table_taller_than_a_column_is_a_located_error(tmp_path: Path) -> None:
    done = _build(PAGES / "tables-tall.yaml", tmp_path)
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr
    assert "tests/pages/content/tables-tall/weather.md:7:1:" in lines[0]  # the table's title line
    assert "not split across columns" in lines[0]


def test_shrinks_to_min_size_with_a_warning() -> None:
    """A table a little too wide at its size is set smaller, as far as its style's min_size
    (7.5 pt on the test page), with a warning; narrower still, a located error."""
    spec, manifest, articles, _ = load_inputs(PAGE)
    faces = FaceSet(manifest)
    para = articles["standings"].paragraphs[1]
    style, lead = spec.styles["table"], spec.styles["lead"]
    assert style.min_size == 7.5
    need = _needed(para, style, lead, faces)
    fits = tables.compose_table(para, style, lead, need, faces, "standings")
    assert fits.size == 9.0 and fits.warning is None
    smaller = tables.compose_table(para, style, lead, need - 1.0, faces, "standings")
    assert smaller.size == 8.5 and smaller.warning is not None and "min_size" in smaller.warning.message
    assert all(line.size == 8.5 for line in smaller.lines if line.rules != ("", ""))
    with pytest.raises(InputError, match="does not fit the column") as err:
        tables.compose_table(para, style, lead, need * 7.5 / 9 - 2.0, faces, "standings")
    assert para.table is not None and err.value.loc.line in para.table.rows


def _needed(para, style, lead, faces) -> float:
    """The narrowest measure the table fits at its style's size: its columns, each as wide as its
    widest cell, and a one-em gap between each two."""
    assert para.table is not None
    widths = [0.0] * para.table.columns
    for k, row in enumerate(para.table.cells(para.spans)):
        for j, span in enumerate(row):
            cell = tables._cell(span.text, replace(lead, size=style.size) if k == 0 else style, faces, [])
            widths[j] = max(widths[j], cell.natural if cell is not None else 0.0)
    return sum(widths) + style.size * (len(widths) - 1)


def test_reader_errors_are_located(tmp_path: Path) -> None:
    def read(body: str):
        path = tmp_path / "a.md"
        path.write_text("---\ntitle: 表\n---\n\n" + body, encoding="utf-8")
        return read_article(path, tmp_path)

    with pytest.raises(InputError, match="alignment row") as err:
        read("| 甲 | 乙 |\n| 1 | 2 |\n")
    assert err.value.loc.line == 6
    with pytest.raises(InputError, match="has 3 cells") as err:
        read("| 甲 | 乙 |\n|---|---|\n| 1 | 2 | 3 |\n")
    assert err.value.loc.line == 7
    with pytest.raises(InputError, match="right after a table"):
        read("| 甲 | 乙 |\n|---|---|\n| 1 | 2 |\n正文紧跟。\n")
    with pytest.raises(InputError, match="inside the '::: noindent' block"):
        read("::: noindent\n| 甲 | 乙 |\n:::\n")
    with pytest.raises(InputError, match="'\\*\\*' in a table cell"):
        read("| 甲 | 乙 |\n|---|---|\n| **1** | 2 |\n")
    para = read("表：标题\n| 甲 | 乙 |\n|:---:|---:|\n| a\\|b |  |\n来源：某处\n").paragraphs[0]
    assert para.form == "table" and para.table is not None
    assert para.table.align == ("center", "right") and para.table.caption and para.table.source
    assert [s.text for s in para.spans] == ["表：标题", "甲", "乙", "a|b", "", "来源：某处"]
    assert para.loc.line == 5 and para.table.rows == (6, 8)


def test_a_table_that_would_turn_a_column_starts_the_next_whole(built) -> None:
    """'rates': its table would start at the foot of the first column and run into the second; it
    stands whole at the top of the second, the blank line before it left as white in the first."""
    frames = pdf_frames(built.pdf_path)[0]
    marked = [f for f in frames if f["kind"] == "table" and f["article"] == "rates"]
    assert len(marked) == 1 + 1 + 5 + 1  # title, header, five rows, source
    assert len({round(f["x0"], 2) for f in marked}) == 1  # one column
    body = [f for f in frames if f["kind"] == "body" and f["article"] == "rates"]
    second = next(f for f in body if abs(f["x0"] - marked[0]["x0"]) < 0.01)
    assert body.index(second) == 1
    assert abs(max(f["y1"] for f in marked) - second["y1"]) < 0.01  # its title on the column's first line


def _line(role: str, last: bool = False) -> Line:
    return Line((), 100.0, 100.0, role, last, 9.0, role=role)


def test_keep_tables_and_a_subhead_before_one() -> None:
    """The make-up rules on lines alone: a table moves past a column run too short for it (one cut
    by a photo) to one that holds it; a subhead right before a table goes with it; the blank line
    beside a table is dropped at a column's top."""
    from pagesetter.flow.article import BLANK_LINE, keep_subheads, keep_tables

    table = [(_line("table"), "table")] * 3 + [(_line("table", last=True), "table")]
    body = [(_line("body"), "body")]
    # column 0: lines 0-4; column 1: lines 0-1 (a photo under it), then 5-9
    slots = [(0, k) for k in range(5)] + [(1, 0), (1, 1)] + [(1, k) for k in range(5, 10)]
    placed = body * 3 + [(BLANK_LINE, "blank")] + table + [(BLANK_LINE, "blank")] + body
    out = keep_tables(placed, slots)
    at = next(k for k, (_, role) in enumerate(out) if role == "table")
    assert slots[at] == (1, 5)  # past the foot of column 0 and the two lines above the photo
    assert [role for _, role in out[at:at + 4]] == ["table"] * 4
    # the subhead before the table moves with it: not left alone at the foot of column 0
    sub = [(_line("subhead"), "subhead")]
    placed = body * 3 + sub + table
    out = keep_tables(keep_subheads(placed, slots), slots)
    k = next(k for k, (_, role) in enumerate(out) if role == "subhead")
    assert slots[k][0] == 1 and out[k + 1][1] == "table"
    # the blank after a table that ends a column does not open the next
    placed = body + table + [(BLANK_LINE, "blank")] + body
    out = keep_tables(placed, slots)
    assert out[5][1] == "body" and slots[5] == (1, 0)


def _frames_of(pdf_path: Path, kind: str, article: str) -> list[dict]:
    return [f for f in pdf_frames(pdf_path)[0] if f["kind"] == kind and f["article"] == article]


def test_a_short_article_balances_around_its_table(tmp_path: Path) -> None:
    """A 9-line table in a short article of a 3-column, 36-line module, balanced (the default):
    the copy alone balances 5 lines deep, but the columns balance around the table, as deep as it,
    and the build passes (it stopped: 'deeper than the deepest column run (5 lines)')."""
    done = _build(PAGES / "tables-balance.yaml", tmp_path)
    assert done.returncode == 0, done.stderr
    pdf_path = tmp_path / "tables-balance.pdf"
    marked = _frames_of(pdf_path, "table", "wx")
    assert len(marked) == 1 + 1 + 6 + 1  # title, header, six rows, source: whole
    assert len({round(f["x0"], 2) for f in marked}) == 1  # in one column
    body = _frames_of(pdf_path, "body", "wx")
    top = max(f["y1"] for f in body)
    table_top, table_foot = max(f["y1"] for f in marked), min(f["y0"] for f in marked)
    assert abs(table_top - top) < 0.01  # at the column's top
    # the balanced foot is the table's: no column runs deeper (the shallowest foot that holds it)
    with pdfplumber.open(pdf_path) as doc:
        page = doc.pages[0]
        lowest = max(c["bottom"] for c in page.chars if c["text"].strip() and any(
            f["x0"] - 0.5 <= c["x0"] < f["x1"] and page.height - f["y1"] <= c["top"] < page.height - f["y0"]
            for f in body))
    assert lowest <= page.height - table_foot + 0.01


@pytest.fixture(scope="module")
def row_built(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    out = tmp_path_factory.mktemp("tables-row")
    return _build(PAGES / "tables-row.yaml", out), out / "tables-row.pdf"


def _row_tables(pdf_path: Path) -> tuple[list[dict], list[dict]]:
    """The two tables' grid lines (title, header, rows, source), top down, on tables-row.yaml."""
    marked = sorted(_frames_of(pdf_path, "table", "markets"), key=lambda f: (f["x0"], -f["y1"]))
    assert len({round(f["x0"], 2) for f in marked}) == 1
    first, second = marked[:1 + 1 + 3 + 1], marked[1 + 1 + 3 + 1:]
    assert len(second) == 1 + 1 + 2 + 1
    return first, second


def test_two_tables_in_a_row_one_blank_line(row_built) -> None:
    """Two tables one after the other: one blank grid line between them, as between a table and
    text (there were two: the first's below it and the second's above it)."""
    done, pdf_path = row_built
    assert done.returncode == 0, done.stderr
    first, second = _row_tables(pdf_path)
    pitch = 13.5
    assert abs((first[-1]["y1"] - second[0]["y1"]) - 2 * pitch) < 0.01


def test_an_articles_tables_share_one_size(row_built) -> None:
    """The second table fits the column at 9 pt; the first must shrink to 7 pt: both are set at
    7 pt (it stood at 9 pt beside a 7 pt table), each with a table-size warning."""
    done, pdf_path = row_built
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("table-size") == 2
    assert "an article's tables are set at one size" in done.stderr
    first, second = _row_tables(pdf_path)
    with pdfplumber.open(pdf_path) as doc:
        page = doc.pages[0]
        sizes = []
        for f in first[1:-1] + second[1:-1]:  # the header rows and rows of both tables
            top, bottom = page.height - f["y1"], page.height - f["y0"]
            sizes.append({round(c["size"], 2) for c in page.chars if c["text"].strip()
                          and f["x0"] - 0.5 <= c["x0"] < f["x1"] and top <= c["top"] < bottom})
    assert sizes == [{7.0}] * len(sizes)


def test_currency_amounts_are_figures_flush_right(tmp_path: Path) -> None:
    """Trial 11: a column of ¥710.46, ¥4.7285 (and one of US$100.0) is amounts, set flush right like
    any figures (their right edges on one x, read back from the PDF); the 币种 names stay flush left."""
    built = build_page(PAGES / "tables-currency.yaml", tmp_path, cache=DiskCache(None))
    with pdfplumber.open(built.pdf_path) as doc:
        rows = _table_rows(built, doc.pages[0])["fx"]
    body = [_columns(r, 8.9) for r in rows[1:-1]]  # the head and the four currencies
    assert all(len(cells) == 4 for cells in body), [[_text(c) for c in cells] for cells in body]
    for j in (1, 2):
        rights = [cells[j][-1]["x1"] for cells in body]
        assert max(rights) - min(rights) < 0.1, (j, [_text(cells[j]) for cells in body], rights)
    lefts = [cells[0][0]["x0"] for cells in body]
    assert max(lefts) - min(lefts) < 0.1
    assert all(tables.is_figure(t) for t in ("¥710.46", "US$4.2", "HK$428.40", "€100", "−¥12.5", "￥1,688.00"))
    assert not any(tables.is_figure(t) for t in ("¥100（日元）", "US$", "USD", "$", "−213基点"))
