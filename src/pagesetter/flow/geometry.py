"""Where grid cells and baselines fall on the page (points from the trim's top-left)."""

from __future__ import annotations

from dataclasses import dataclass

from pagesetter.spec.model import PageSpec, Rect

# Ideographic em box: its top stands 0.88 em above the Latin baseline and its
# bottom 0.12 em below (the OS/2 typo metrics of Noto CJK and Source Han: 880/−120).
EM_TOP_ABOVE_BASELINE = 0.88


@dataclass(frozen=True)
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
