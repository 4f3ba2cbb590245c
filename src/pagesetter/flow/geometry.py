"""Where grid cells and baselines fall on the page (points from the trim's top-left)."""

from __future__ import annotations

from dataclasses import replace

from pagesetter.records import record
from pagesetter.spec.model import ArticleSpec, PageSpec, Rect

# Ideographic em box: its top stands 0.88 em above the Latin baseline and its
# bottom 0.12 em below (the OS/2 typo metrics of Noto CJK and Source Han: 880/−120).
EM_TOP_ABOVE_BASELINE = 0.88


@record(frozen=True)
class PageGeometry:
    spec: PageSpec

    @property
    def left(self) -> float:
        return self.spec.margin_left

    @property
    def top(self) -> float:
        return self.spec.margin_top

    def col_left(self, col: int) -> float:
        return self.left + self.spec.grid.col_x(col)

    def span_width(self, cols: int) -> float:
        return self.spec.grid.span_width(cols)

    def line_top(self, line: int) -> float:
        return self.top + self.spec.grid.line_top(line)

    def grid_baseline(self, line: int, size: float) -> float:
        """Baseline of type of ``size`` on grid line ``line``: its em box centred in the line's band."""
        pitch = self.spec.grid.pitch
        return self.line_top(line) + (pitch - size) / 2 + EM_TOP_ABOVE_BASELINE * size

    def rect_box(self, rect: Rect) -> tuple[float, float, float, float]:
        """x, y, width, height of a grid rect."""
        return (self.col_left(rect.col), self.line_top(rect.top), self.span_width(rect.cols),
                rect.lines * self.spec.grid.pitch)


def module_geometry(geo: PageGeometry, aspec: ArticleSpec) -> PageGeometry:
    """Where a module's content stands. A boxed module's frame (花边框) stands where the rules it
    replaces would: on the centre of the gutter beside it, where a neighbour's side rule runs on
    into its side and a neighbour's foot rule meets it (a frame on the column's text edge stood
    half a gutter off both: a step and a gap at its corners, trial 15); at the type area's edge, on
    that edge, in line with the rules of the modules above and below (half a gutter outside would
    stand past the type area). Its headline, photos and text are set half a gutter inside the
    frame, as text stands half a gutter from any rule: on columns narrowed alike (the gutters
    between them kept) by the half gutters at the type area's edges. A boxed ear (报眼) stands in
    the masthead, which has no rules to meet: its frame on its columns' outer edges, its content
    half a gutter inside on both sides. Any other module: the page's own geometry."""
    if aspec.box is None:
        return geo
    grid = geo.spec.grid
    first = min(a.col for a in aspec.areas)
    last = max(a.right for a in aspec.areas)
    n = last - first
    half = grid.gutter / 2
    masthead = geo.spec.masthead
    ear = masthead is not None and aspec.article in masthead.ears
    inset_left = half if ear or first == 0 else 0.0
    inset_right = half if ear or last >= grid.columns else 0.0
    if inset_left == inset_right == 0.0:
        return geo
    narrow = grid.column_width - (inset_left + inset_right) / n
    left = geo.col_left(first) + inset_left - first * (narrow + grid.gutter)
    return PageGeometry(replace(geo.spec, grid=replace(grid, column_width=narrow), margin_left=left))
