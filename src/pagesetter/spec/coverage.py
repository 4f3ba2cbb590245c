"""Areas of the type area that no module covers (trial 18b #3).

An ad pulled from a page spec left a quarter of 第6版 (columns 1–3, lines 34–73) with nothing in
it, and the build said nothing: underset is said of modules, and white no module stands in belongs
to none. A layout editor leaves white between modules on purpose only as a gutter (not a grid
column here: modules cover whole columns) or a line or two across a column; an area deeper than
that in any column is a hole a reader takes for a misprint. So the page stops at its spec, naming
the area, unless the spec lists it under ``white:`` (areas meant to stay white), or overset is
allowed (``--allow-overset``, and the desk): then the page is written and the area said as a warning."""

from __future__ import annotations

from pagesetter.errors import InputError, Loc, Warning
from pagesetter.records import record
from pagesetter.spec.model import PageSpec, Rect

# The most grid lines of one column that may stand white with no module over them: a line or two
# between modules is spacing a desk leaves on purpose (a white line above a module's rule); three
# or more in a column (40 pt on a 13.5 pt grid) is a hole. The number is ours: what the trial's
# night desk would pass, stated in the README (Page spec, white).
HOLE_LINES = 3
# Areas named in the one error line; more are counted.
NAMED_AREAS = 3


@record(frozen=True)
class Hole:
    """An uncovered area: 0-based column and line, in grid columns and lines."""

    col: int
    cols: int
    top: int
    lines: int

    def said(self) -> str:
        cols = f"column {self.col + 1}" if self.cols == 1 else f"columns {self.col + 1}–{self.col + self.cols}"
        lines = f"line {self.top + 1}" if self.lines == 1 else f"lines {self.top + 1}–{self.top + self.lines}"
        return f"{cols}, {lines}"

    def entry(self) -> str:
        """The ``white:`` entry that says the area is meant to stay white."""
        return f"{{col: {self.col + 1}, cols: {self.cols}, line: {self.top + 1}, lines: {self.lines}}}"


def _covering(spec: PageSpec) -> list[Rect | tuple[int, int, int, int]]:
    """What stands in the type area: the 报眉's lines, the masthead, every module's areas (ears
    and ads are entries too), the automatic make-up's area (its modules are the engine's: their
    white is said as underset), and the areas the spec says are meant to stay white."""
    g = spec.grid
    out: list[Rect | tuple[int, int, int, int]] = []
    if spec.folio is not None:
        out.append((0, g.columns, 0, spec.folio.lines))
    if spec.masthead is not None:
        out.append(spec.masthead.block)
    for a in spec.articles:
        out += a.areas
    if spec.auto is not None:
        out.append((0, g.columns, spec.auto.top, g.lines - spec.auto.top))
    out += spec.white
    return out


def holes(spec: PageSpec) -> list[Hole]:
    """The areas of the type area no module covers, HOLE_LINES or more deep in a column, as
    rectangles in reading order: each from its top-left cell as wide along its first line and then
    as deep as the hole goes (a quarter page pulled is one area, not a column each)."""
    g = spec.grid
    covered = [[False] * g.columns for _ in range(g.lines)]
    for r in _covering(spec):
        col, cols, top, lines = (r.col, r.cols, r.top, r.lines) if isinstance(r, Rect) else r
        for line in range(max(0, top), min(g.lines, top + lines)):
            for c in range(max(0, col), min(g.columns, col + cols)):
                covered[line][c] = True
    hole = [[False] * g.columns for _ in range(g.lines)]
    for c in range(g.columns):
        run = 0
        for line in range(g.lines + 1):
            if line < g.lines and not covered[line][c]:
                run += 1
                continue
            if run >= HOLE_LINES:
                for k in range(line - run, line):
                    hole[k][c] = True
            run = 0
    out: list[Hole] = []
    for line in range(g.lines):
        for c in range(g.columns):
            if not hole[line][c]:
                continue
            right = c
            while right + 1 < g.columns and hole[line][right + 1]:
                right += 1
            foot = line
            while foot + 1 < g.lines and all(hole[foot + 1][k] for k in range(c, right + 1)):
                foot += 1
            for k in range(line, foot + 1):
                for j in range(c, right + 1):
                    hole[k][j] = False
            out.append(Hole(c, right - c + 1, line, foot - line + 1))
    return out


UNCOVERED = "uncovered"  # the warning's kind: flow_page says it, the build's gate refuses the page on it


def coverage_warnings(spec: PageSpec) -> tuple[Warning, ...]:
    """Where an area of the type area has no module (holes): one warning at the spec's
    ``articles:`` (the list a module was taken out of), naming the areas and what to do. The build
    refuses the page on it (refuse_uncovered) unless overset is allowed: the desk (serve builds so)
    shows a page in the making, a module dragged away and not yet put back."""
    found = holes(spec)
    if not found:
        return ()
    page = spec.folio.page if spec.folio is not None and spec.folio.page else spec.name
    named = "; ".join(h.said() for h in found[:NAMED_AREAS])
    more = f" (and {len(found) - NAMED_AREAS} more)" if len(found) > NAMED_AREAS else ""
    entries = " ".join(f"- {h.entry()}" for h in found[:NAMED_AREAS])  # every named area's, ready to paste
    what = "an area" if len(found) == 1 else f"{len(found)} areas"
    loc = spec.articles_loc or Loc.of_file(spec.path)
    return (Warning(UNCOVERED, f"{page} has {what} no module covers: {named}{more}; it would print white: place a "
                    f"module there or widen or deepen one beside it, or, if it is meant to stay white, list it "
                    f"under the page's white: ({entries})", loc),)


def refuse_uncovered(warnings: tuple[Warning, ...] | list[Warning]) -> None:
    """The gate: a page with an area no module covers is not written (its first such warning, as
    one located error line)."""
    for w in warnings:
        if w.kind == UNCOVERED:
            raise InputError(w.loc, w.message)
