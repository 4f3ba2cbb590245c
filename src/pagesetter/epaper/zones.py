"""Hot zones (热区): the outline of a module's rectangles, as polygons.

A module's frames (its block areas, headline, body columns, photos and captions; page tree
coordinates: pt from the trim's top-left, y down) are widened by half a gutter each side, so the
parts of an L-shaped module that stand in neighbouring columns meet across their gutter, then
joined: the outline of their union is one polygon (with holes, should a module ring another).
Two modules side by side share their gutter's middle line and never overlap.
"""

from __future__ import annotations

from typing import Iterable

from pagesetter.records import record

Point = tuple[float, float]
Box = tuple[float, float, float, float]  # x0, y0, x1, y1

# Coordinates nearer than this (pt) are one: frames computed from the same grid line differ by
# floating-point noise only.
SNAP = 0.01


@record(frozen=True)
class Zone:
    """One connected piece of a module on a page: its outline (clockwise on the page, y down) and
    the outlines of any holes in it."""

    outline: tuple[Point, ...]
    holes: tuple[tuple[Point, ...], ...] = ()

    def svg_path(self) -> str:
        return " ".join(_ring_path(r) for r in (self.outline, *self.holes))


def _ring_path(ring: tuple[Point, ...]) -> str:
    head, *rest = ring
    return f"M{_num(head[0])} {_num(head[1])}" + "".join(f"L{_num(x)} {_num(y)}" for x, y in rest) + "Z"


def _num(value: float) -> str:
    """A coordinate as written in SVG and JSON: two decimals, no trailing zeros, never "-0"."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def rounded(value: float) -> float:
    return float(_num(value))


def module_zones(boxes: Iterable[Box], widen: float, page: Box) -> tuple[Zone, ...]:
    """The zones of one module: ``boxes`` widened by ``widen`` pt left and right, clipped to
    ``page``, joined; one zone per connected piece, largest first."""
    grown = [(max(page[0], x0 - widen), max(page[1], y0), min(page[2], x1 + widen), min(page[3], y1))
             for x0, y0, x1, y1 in boxes]
    return union_outline([b for b in grown if b[2] - b[0] > SNAP and b[3] - b[1] > SNAP])


def union_outline(boxes: list[Box]) -> tuple[Zone, ...]:
    """The outline of the union of axis-aligned boxes: the plane cut into cells at every box edge,
    the covered cells grouped into 4-connected pieces, each piece's boundary edges linked into rings."""
    if not boxes:
        return ()
    xs = _snapped(v for b in boxes for v in (b[0], b[2]))
    ys = _snapped(v for b in boxes for v in (b[1], b[3]))
    covered = {(i, j) for i in range(len(xs) - 1) for j in range(len(ys) - 1)
               if any(_covers(b, (xs[i] + xs[i + 1]) / 2, (ys[j] + ys[j + 1]) / 2) for b in boxes)}
    zones = [_piece_zone(piece, xs, ys) for piece in _pieces(covered)]
    return tuple(sorted(zones, key=lambda z: (-abs(_area(z.outline)), z.outline)))


def _snapped(values: Iterable[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > SNAP:
            out.append(v)
    return out


def _covers(box: Box, x: float, y: float) -> bool:
    return box[0] - SNAP < x < box[2] + SNAP and box[1] - SNAP < y < box[3] + SNAP


def _pieces(cells: set[tuple[int, int]]) -> list[set[tuple[int, int]]]:
    left = set(cells)
    out = []
    while left:
        start = min(left)
        piece, todo = {start}, [start]
        left.discard(start)
        while todo:
            i, j = todo.pop()
            for n in ((i + 1, j), (i - 1, j), (i, j + 1), (i, j - 1)):
                if n in left:
                    left.discard(n)
                    piece.add(n)
                    todo.append(n)
        out.append(piece)
    return sorted(out, key=min)


def _piece_zone(piece: set[tuple[int, int]], xs: list[float], ys: list[float]) -> Zone:
    # Directed boundary edges in grid indices, the covered side on the right (clockwise with y down).
    edges: dict[tuple[int, int], list[tuple[int, int]]] = {}

    def add(a: tuple[int, int], b: tuple[int, int]) -> None:
        edges.setdefault(a, []).append(b)

    for i, j in sorted(piece):
        if (i, j - 1) not in piece:
            add((i, j), (i + 1, j))  # top, left to right
        if (i + 1, j) not in piece:
            add((i + 1, j), (i + 1, j + 1))  # right, downwards
        if (i, j + 1) not in piece:
            add((i + 1, j + 1), (i, j + 1))  # bottom, right to left
        if (i - 1, j) not in piece:
            add((i, j + 1), (i, j))  # left, upwards
    rings = []
    while edges:
        start = min(edges)
        ring = [start]
        prev, here = start, _take(edges, start, None)
        while here != start:
            ring.append(here)
            nxt = _take(edges, here, (here[0] - prev[0], here[1] - prev[1]))
            prev, here = here, nxt
        rings.append(_simplified(ring))
    points = [tuple((xs[i], ys[j]) for i, j in ring) for ring in rings]
    points.sort(key=lambda r: -abs(_area(r)))
    return Zone(points[0], tuple(points[1:]))


def _take(edges: dict[tuple[int, int], list[tuple[int, int]]], at: tuple[int, int],
          heading: tuple[int, int] | None) -> tuple[int, int]:
    """The next boundary point from ``at``. Where two pieces of boundary touch at a corner, the
    right turn is taken, so each ring stays simple."""
    options = edges[at]
    if heading is not None and len(options) > 1:
        def turn(b: tuple[int, int]) -> int:
            dx, dy = b[0] - at[0], b[1] - at[1]
            return heading[0] * dy - heading[1] * dx  # > 0: a right turn (y down)
        options.sort(key=turn, reverse=True)
    nxt = options.pop(0)
    if not options:
        del edges[at]
    return nxt


def _simplified(ring: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Points on a straight run dropped: only the corners stay."""
    out = []
    n = len(ring)
    for k, p in enumerate(ring):
        a, b = ring[k - 1], ring[(k + 1) % n]
        if not ((a[0] == p[0] == b[0]) or (a[1] == p[1] == b[1])):
            out.append(p)
    return out


def _area(ring: tuple[Point, ...]) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1])) / 2
