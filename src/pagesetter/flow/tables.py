"""A table in an article's body (content/reader.py reads the pipe table): each row one line of the
column on the baseline grid, as a make-up man sets a league table or a price list in a column.

- The rows are set in the article's ``table`` style (the body style when the sheets have none),
  the header row in the lead's face (黑体) at the same size; the title (表：…) likewise in the lead's
  face, centred, and the source line (来源：…) flush left in the table style. Title and source may
  wrap; a row never does.
- Each column is as wide as its widest cell; the columns share what the measure leaves between
  them, so the table's rules run the column's full measure and no gap is less than one em of the
  table's size (a figure column never reads into the name beside it).
- A column stands as its alignment row says; by default figures (digits, signs, 18-5-3, 3.5%)
  right, so their units line up, and anything else (Han text, names) left.
- A three-line table (三线表, CY/T 170-2019 学术出版规范 表格 §4): a rule over the header row, a
  thinner one under it, one under the last row; their weights are the spec's ``rules: {table,
  table_head}`` (flow/article.py draws them with the row they belong to).
- A table too wide for the measure is shrunk only as far as its style's ``min_size`` allows (half a
  point at a time, with a warning); wider still is an error saying what each column takes and,
  where a few cells of one column can give up the excess, those cells, each with its line, and by
  how much; else the choices that fit (fewer columns, span_tables, a wider measure). Nothing is
  squeezed silently.
"""

from __future__ import annotations

import math
import re
from functools import cache
from dataclasses import replace

from pagesetter.compose.lines import FallbackWord, Line, Run, compose_paragraph, fallback_words
from pagesetter.content.model import CellAlign, Paragraph, Span, TableShape
from pagesetter.errors import InputError, Loc, Warning
from pagesetter.fonts.face import FaceSet
from pagesetter.records import record
from pagesetter.spec.model import Style

# A cell that is a figure: digits with their signs and separators (+3, −12, 1,234.5, 3.5%, 18-5-3,
# 10:30, 1/2), half- or full-width digits. Its column is set flush right by default.
# An amount with its currency sign before it (¥710.46, US$4.2, HK$428.40, €100, −¥12) is a figure
# too: a column of amounts lines its decimals up only when set flush right.
# Compiled at its first use: only a page with a table asks (issue 21).
@cache
def figure_pattern() -> re.Pattern[str]:
    return re.compile(r"[+\-−±]?(?:[A-Z]{0,3}[$＄]|[¥￥€£])?[+\-−±]?[0-9０-９][0-9０-９.,:/%‰+\-−–]*$")


SHRINK_STEP = 0.5  # pt: how far a table too wide for its measure is made smaller at each trial
WIDE = 100_000.0  # pt: the measure a cell is set to (a cell is one line; the table says its width)


@record(frozen=True)
class TableLines:
    """A table as set: its lines (title, rows, source), the size its rows took, the characters no
    face had, and the warning when it had to be set smaller than its style."""

    lines: list[Line]
    size: float
    missing: list[str]
    warning: Warning | None = None
    fallback: tuple[FallbackWord, ...] = ()  # its Latin words set from a fallback face (flow/article.py warns)


def is_figure(text: str) -> bool:
    return bool(figure_pattern().match(text))


def column_aligns(shape: TableShape, rows: list[tuple[Span, ...]]) -> list[CellAlign]:
    """Each column's alignment: the alignment row's, else right for a column whose body cells are
    all figures (an empty cell, a dash standing for none, is no word against it), left otherwise."""
    out: list[CellAlign] = []
    for j, asked in enumerate(shape.align):
        if asked != "auto":
            out.append(asked)
            continue
        cells = [row[j].text.strip() for row in rows[1:] if row[j].text.strip() not in ("", "-", "—", "–")]
        out.append("right" if cells and all(is_figure(c) for c in cells) else "left")
    return out


def natural_width(para: Paragraph, style: Style, lead: Style, faces: FaceSet) -> float:
    """The narrowest measure the table's rows take at its style's size: each column as wide as its
    widest cell, one em between columns (does it fit a column, or must it span: flow/article.py)."""
    shape = para.table
    assert shape is not None
    head = replace(lead, size=style.size)
    cells = [[_cell(span.text, head if k == 0 else style, faces, []) for span in row]
             for k, row in enumerate(shape.cells(para.spans))]
    widths = [max(cell.natural if cell is not None else 0.0 for cell in column) for column in zip(*cells)]
    return sum(widths) + style.size * (len(widths) - 1)


def compose_table(para: Paragraph, style: Style, lead: Style, measure: float, faces: FaceSet,
                  article: str, largest: float | None = None, across: int = 0, module: int = 1) -> TableLines:
    """The table's lines at the column's ``measure``. ``style``: the table style; ``lead``: the
    face of the header row and title; ``largest``: no size above it (the size another table of the
    article had to be set at, flow/article.py _tables); ``across``: the module's columns when the
    table spans them (``measure`` is then their width), 0 for a table in one column; ``module``:
    the module's columns (what the error offers a table too wide for one: span_tables). Raises a
    located InputError when no size the style allows fits the measure."""
    shape = para.table
    assert shape is not None
    rows = shape.cells(para.spans)
    aligns = column_aligns(shape, rows)
    missing: list[str] = []
    for size in [s for s in _sizes(style) if largest is None or s <= largest + 1e-9]:
        body = style if size == style.size else replace(style, size=size)
        head = replace(lead, size=size)
        cells = [[_cell(span.text, head if k == 0 else body, faces, missing) for span in row]
                 for k, row in enumerate(rows)]
        widths = [max(cell.natural if cell is not None else 0.0 for cell in column) for column in zip(*cells)]
        need = sum(widths) + size * (len(widths) - 1)
        if need > measure + 1e-6:
            continue
        gap = (measure - sum(widths)) / (len(widths) - 1) if len(widths) > 1 else 0.0
        lines = _title(para, shape, lead, style, measure, faces, missing)
        set_rows = [_row(row, widths, gap, aligns, measure, size, k, len(cells)) for k, row in enumerate(cells)]
        lines += set_rows
        lines += _source(para, shape, style, measure, faces, missing)
        lines[-1] = replace(lines[-1], last=True)  # the table's last line: where it ends (keep_tables)
        warning = None
        if size < style.size and largest is not None:
            warning = Warning("table-size", f"article {article!r}: the table is set at {size:g} pt, not its "
                              f"style's {style.size:g} pt, as another table of the article that needs {size:g} pt "
                              "to fit the column (an article's tables are set at one size)", para.loc, article)
        elif size < style.size:
            warning = Warning("table-size", f"article {article!r}: the table is set at {size:g} pt, not its "
                              f"style's {style.size:g} pt, to fit {_room_said(across, measure)} (its style's "
                              f"min_size allows {style.min_size:g} pt)", para.loc, article)
        # the faces its words come from are the styles' whatever the size: the title and the header
        # row in the lead's, the rows and the source in the table style's
        runs = [Run(span.text, lead if k == 0 else style) for k, row in enumerate(rows) for span in row]
        if shape.caption:
            runs.append(Run(para.spans[0].text, lead))
        if shape.source:
            runs.append(Run(para.spans[-1].text, style))
        return TableLines(lines, size, missing, warning, tuple(fallback_words(runs, faces)))
    raise _too_wide(para, shape, rows, style, lead, measure, faces, across, module)


def _room_said(across: int, measure: float) -> str:
    """The width a table was made smaller to fit, said."""
    return f"the module's {across} columns' {measure:g} pt" if across else f"the column's {measure:g} pt"


def _measure_said(across: int) -> str:
    """What a table is set to: its column, or the module's columns it spans."""
    return f"the module's {across} columns" if across else "the column"


def _sizes(style: Style) -> list[float]:
    """The table's size, then smaller by SHRINK_STEP down to the style's ``min_size`` (if any)."""
    out = [style.size]
    while style.min_size and out[-1] - SHRINK_STEP >= style.min_size - 1e-9:
        out.append(round(out[-1] - SHRINK_STEP, 4))
    return out


def _cell(text: str, style: Style, faces: FaceSet, missing: list[str]) -> Line | None:
    """A cell as one line at its natural width; None for an empty cell."""
    if not text:
        return None
    lines, lost = compose_paragraph([Run(text, style)], WIDE, faces, justify=False)
    missing += lost
    return lines[0]


def _row(cells: list[Line | None], widths: list[float], gap: float, aligns: list[CellAlign], measure: float,
         size: float, k: int, count: int) -> Line:
    """Row ``k`` of ``count`` as one line: each cell in its column, as its column aligns."""
    glyphs = []
    x = 0.0
    for cell, width, align in zip(cells, widths, aligns):
        if cell is not None:
            shift = x + (width - cell.natural if align == "right" else
                         (width - cell.natural) / 2 if align == "center" else 0.0)
            glyphs += [g._replace(x=g.x + shift) for g in cell.glyphs]
        x += width + gap
    text = " ".join(cell.text.strip() if cell is not None else "" for cell in cells)
    # three lines: over the header row, under it, under the last row
    rules = ("table" if k == 0 else "", "table_head" if k == 0 else "table" if k == count - 1 else "")
    natural = min(measure, x - gap)
    return Line(tuple(glyphs), measure, natural, text, False, size, role="table", rules=rules)


def _title(para: Paragraph, shape: TableShape, lead: Style, style: Style, measure: float, faces: FaceSet,
           missing: list[str]) -> list[Line]:
    """The title (表：…) in the lead's face at the table style's size, each line centred."""
    if not shape.caption:
        return []
    lines, lost = compose_paragraph([Run(para.spans[0].text, replace(lead, size=style.size))], measure, faces,
                                    justify=False)
    missing += lost
    return [_on_measure(line, measure, (measure - line.natural) / 2) for line in lines]


def _source(para: Paragraph, shape: TableShape, style: Style, measure: float, faces: FaceSet,
            missing: list[str]) -> list[Line]:
    """The source line (来源：…) flush left in the table style."""
    if not shape.source:
        return []
    lines, lost = compose_paragraph([Run(para.spans[-1].text, style)], measure, faces, justify=False)
    missing += lost
    return [_on_measure(line, measure, 0.0) for line in lines]


def _on_measure(line: Line, measure: float, shift: float) -> Line:
    """A title or source line as a line of the table: moved by ``shift``, never past the measure."""
    shift = max(0.0, shift)
    return Line(tuple(g._replace(x=g.x + shift) for g in line.glyphs), measure, min(measure, line.natural + shift),
                line.text, False, line.size, role="table")


# A cut the error offers (shorten the cells that set a column's width) only where a desk can make
# it: a few cells (trial 14's five), each left at least two characters wide (a two-character header,
# 球队, cannot lose 13: trial 17 #4). Otherwise the table has too many columns for the measure, and
# the error says what each column takes and the choices that fit.
CUT_CELLS_MAX = 5
CUT_FLOOR_EMS = 2.0


def _too_wide(para: Paragraph, shape: TableShape, rows: list[tuple[Span, ...]], style: Style, lead: Style,
              measure: float, faces: FaceSet, across: int = 0, module: int = 1) -> InputError:
    """The error for a table no allowed size fits: what each column takes (its widest cell), the
    gaps, how far too wide, then what to do. Where a few cells of one column, cut, make it fit (each
    column is as wide as its widest cell, so only cutting those narrows the table), they are named,
    each with its line, and by how much (the column that fits by the fewest cells cut; trial 14: it
    named the widest cell of one row, and shortening that changed nothing). Otherwise (trial 17 #4:
    all 21 cells of the team column named, its header told to lose 13 characters) it says what the
    other columns and the gaps leave the widest one, names its widest cell, and gives the choices:
    fewer columns, the module's columns (span_tables, ``module`` its columns) or a module of more,
    a wider column. The error stands at the first cell named."""
    size = style.min_size or style.size
    body, head = replace(style, size=size), replace(lead, size=size)
    cells = [[_cell(span.text, head if k == 0 else body, faces, []) for span in row] for k, row in enumerate(rows)]
    natural = [[c.natural if c is not None else 0.0 for c in row] for row in cells]
    widths = [max(column) for column in zip(*natural)]
    gaps = size * (len(widths) - 1)
    need = sum(widths) + gaps
    excess = need - measure
    shrink = (f"even at its style's min_size {style.min_size:g} pt" if style.min_size
              else f"at {size:g} pt (a 'table' style with a min_size lets a table shrink)")
    names = [_column_name(rows, j) for j in range(len(widths))]
    takes = ", ".join(f"{name} {width:.1f}" for name, width in zip(names, widths))
    said = _measure_said(across)
    head_said = (f"this table does not fit {said}: it needs {need:.1f} pt (each column as wide as its "
                 f"widest cell, one em between columns) {shrink}, {said} {'are' if across else 'is'} "
                 f"{measure:g} pt, {excess:.1f} pt too wide; its columns take {takes} pt and "
                 f"{_gaps_said(len(widths) - 1, gaps)}")
    cut = _column_to_cut(natural, widths, excess, CUT_FLOOR_EMS * size)
    if cut is not None:
        j, over = cut
        named = [(rows[k][j].text.strip(), _cell_place(para, rows, k, j)) for k in over]
        each = [f"{text!r} (line {at[0]})" for text, at in named]
        where = each[0] if len(each) == 1 else ", ".join(each[:-1]) + " and " + each[-1]
        them = "it" if len(named) == 1 else ("both" if len(named) == 2 else f"all {len(named)}")
        ems = max(1, math.ceil(excess / size - 1e-6))
        line, column = named[0][1]
        return InputError(Loc(para.loc.path, line, column),
                          f"{head_said}; column {j + 1}'s width is set by {where}: shorten {them} by {ems} "
                          f"character{'s' if ems > 1 else ''} ({excess:.1f} pt) or more (an abbreviation), "
                          f"or set the table {_wider_said(across, module, need, measure)}")
    j = max(range(len(widths)), key=lambda c: widths[c])
    k = max(range(len(rows)), key=lambda r: natural[r][j])
    line, column = _cell_place(para, rows, k, j)
    left = widths[j] - excess
    rest = need - widths[j]
    room = (f"the others and the gaps leave {names[j]} (column {j + 1}) {left:.1f} pt" if left > 0 else
            f"the others and the gaps alone take {rest:.1f} pt, more than {said}")
    choices = [c for c in (_fewer_columns(widths, j, size, excess), _wider_said(across, module, need, measure)) if c]
    return InputError(Loc(para.loc.path, line, column),
                      f"{head_said}: {room}, and {names[j]}'s widest cell {rows[k][j].text.strip()!r} (line {line}) "
                      f"takes {widths[j]:.1f} pt: too many columns for {said}, no cut of a few cells fits it; set "
                      f"the table {', '.join(choices)}")


def _column_name(rows: list[tuple[Span, ...]], j: int) -> str:
    """A column said by its header (the first row), else by its number."""
    header = rows[0][j].text.strip() if rows else ""
    return header if header else f"column {j + 1}"


def _gaps_said(count: int, width: float) -> str:
    return f"{count} gap{'s' if count != 1 else ''} of one em ({width:.1f} pt)"


def _fewer_columns(widths: list[float], keep: int, size: float, excess: float) -> str:
    """Fewer columns, said with how many of the others (the widest first, each with its gap) must
    go for the table to fit; '' when leaving out every other column would not do."""
    gone = 0.0
    for count, width in enumerate(sorted((w for j, w in enumerate(widths) if j != keep), reverse=True), 1):
        gone += width + size
        if gone >= excess - 1e-6:
            return (f"with fewer columns (without at least {count} of the other {len(widths) - 1}: "
                    f"{excess:.1f} pt of columns and their gaps)")
    return ""


def _wider_said(across: int, module: int, need: float, measure: float) -> str:
    """The wider measure to set the table in: a wider module (one across its module's columns
    already); for one in a column, across its module's columns (span_tables) when they hold it,
    else a module of as many columns as surely do (columns of this measure hold that much with
    the gutters left out), or a wider column."""
    if across:
        return "in a wider module"
    holds = max(2, math.ceil(need / measure - 1e-9))
    if module >= holds:
        return f"across the module's {module} columns (span_tables: true on the entry), or in a wider column"
    this = f" (this one has {module})" if module > 1 else ""
    return (f"in a module of {holds} or more columns with span_tables: true on the entry{this}, or in a wider "
            f"column")


def _column_to_cut(natural: list[list[float]], widths: list[float], excess: float,
                   floor_min: float) -> tuple[int, list[int]] | None:
    """The column whose widest cells, the fewest of any column, cut to its width less ``excess``,
    make the table fit (the widest such column on a tie), and those cells' rows; only a cut a desk
    can make: no more than CUT_CELLS_MAX cells, each left at least ``floor_min`` wide. None: no
    column can give up the excess so."""
    best: tuple[int, float, int, list[int]] | None = None
    for j, width in enumerate(widths):
        floor = width - excess
        if floor < floor_min - 1e-6:
            continue
        over = [k for k, row in enumerate(natural) if row[j] > floor + 1e-6]
        key = (len(over), -width, j, over)
        if len(over) <= CUT_CELLS_MAX and (best is None or key[:3] < best[:3]):
            best = key
    return None if best is None else (best[2], best[3])


def _cell_place(para: Paragraph, rows: list[tuple[Span, ...]], k: int, j: int) -> tuple[int, int]:
    """(line, column) of cell ``j`` of row ``k`` in the file: its first character's place, else its
    row's line (an empty cell, a table made in memory)."""
    assert para.table is not None
    before = sum(len(span.text) for span in para.spans[:1 if para.table.caption else 0])
    before += sum(len(span.text) for row in rows[:k] for span in row) + sum(len(span.text) for span in rows[k][:j])
    if rows[k][j].text and before < len(para.places):
        return para.places[before]
    return para.table.rows[k], 1
