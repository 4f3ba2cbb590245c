"""Knuth–Plass line breaking over atoms and gaps (a whole-paragraph optimum, not first fit).

Breakpoints are the gaps where kinsoku allows a break (compose/chars.py); every
line is scored by how far its gaps must stretch or shrink (compose/spacing.py),
and the paragraph takes the sequence of breaks with the least total demerits
(Knuth & Plass, "Breaking paragraphs into lines", 1981). Chinese costs: a line
that must push a character out (后推出) stretches its grid gaps; a line-end mark
that gives up its blank (先挤进) shrinks; the last line may not hold a lone
character (孤字).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import accumulate

from pagesetter.compose.atoms import Atom
from pagesetter.compose.chars import NOT_AT_LINE_END, NOT_AT_LINE_START, CharClass, INSEPARABLE_CLASSES
from pagesetter.compose.spacing import Gap, gap_between

LINE_PENALTY = 10  # TeX's \linepenalty: fewer lines are better
ADJ_DEMERITS = 3000  # a very loose line next to a tight one
LONE_LAST_LINE = 10 ** 7  # a last line of one character or only punctuation (孤字)
# Tolerances tried in turn (max stretch ratio): a fine paragraph first, any legal one last.
TOLERANCES = (1.0, 2.5, 8.0, float("inf"))


def can_break_before(atoms: list[Atom], j: int) -> bool:
    """May a line end between atoms[j-1] and atoms[j]? (clreq §3.1.7 禁则)"""
    if j <= 0 or j >= len(atoms):
        return True
    prev, nxt = atoms[j - 1], atoms[j]
    if nxt.text[:1] in NOT_AT_LINE_START or prev.text[-1:] in NOT_AT_LINE_END:
        return False
    if prev.cls == nxt.cls and prev.cls in INSEPARABLE_CLASSES:
        return False
    if nxt.cls == CharClass.SPACE:
        return False  # break after a space, so the space ends the line and is dropped
    return True


@dataclass(frozen=True)
class Metrics:
    """Prefix sums, so any line's width, stretch and shrink cost O(1)."""

    width: list[float]  # width[i]: atoms 0..i-1
    gap: list[float]  # gap[k]: gaps 1..k (gap k stands before atom k)
    stretch: list[float]
    shrink: list[float]  # gap shrink plus the atoms' own mid-line shrink
    atom_shrink: list[float]

    @classmethod
    def of(cls, atoms: list[Atom], gaps: list[Gap]) -> "Metrics":
        zero = [0.0]
        return cls(
            width=zero + list(accumulate(a.width for a in atoms)),
            gap=zero + list(accumulate(g.natural for g in gaps)),
            stretch=zero + list(accumulate(g.stretch for g in gaps)),
            shrink=zero + list(accumulate(g.shrink for g in gaps)),
            atom_shrink=zero + list(accumulate(a.shrink for a in atoms)),
        )


def gaps_of(atoms: list[Atom]) -> list[Gap]:
    """gaps[k-1] stands between atoms[k-1] and atoms[k]."""
    return [gap_between(a, b) for a, b in zip(atoms, atoms[1:])]


def line_span(atoms: list[Atom], start: int, end: int) -> tuple[int, int]:
    """The atoms a line from ``start`` to ``end`` really sets: no spaces at either end."""
    while start < end and atoms[start].cls == CharClass.SPACE:
        start += 1
    while end > start and atoms[end - 1].cls == CharClass.SPACE:
        end -= 1
    return start, end


def measure_line(atoms: list[Atom], m: Metrics, start: int, end: int) -> tuple[float, float, float]:
    """Natural width, stretch and shrink of atoms[start:end] set as one line."""
    if end <= start:
        return 0.0, 0.0, 0.0
    width = m.width[end] - m.width[start] + m.gap[end - 1] - m.gap[start] - atoms[start].start_squeeze
    stretch = m.stretch[end - 1] - m.stretch[start]
    last = atoms[end - 1]
    shrink = (m.shrink[end - 1] - m.shrink[start] + m.atom_shrink[end - 1] - m.atom_shrink[start]
              + max(last.squeeze, last.shrink))
    return width, stretch, shrink


def _solid(atom: Atom) -> bool:
    return atom.cls != CharClass.SPACE and not atom.is_punct


@dataclass(slots=True)
class _Node:
    end: int  # break before this atom
    line: int  # lines set so far
    fitness: int
    demerits: float
    prev: "_Node | None"


def knuth_plass(atoms: list[Atom], measure: float, first_indent: float) -> list[tuple[int, int]] | None:
    """Optimal breaks as (start, end) atom ranges, or None if no legal set of lines fits."""
    n = len(atoms)
    if n == 0:
        return []
    m = Metrics.of(atoms, gaps_of(atoms))
    total_solid = sum(1 for a in atoms if _solid(a))
    for tolerance in TOLERANCES:
        best = _run(atoms, m, measure, first_indent, tolerance, total_solid)
        if best is not None:
            breaks: list[int] = []
            node: _Node | None = best
            while node is not None and node.prev is not None:
                breaks.append(node.end)
                node = node.prev
            ends = breaks[::-1]
            return [line_span(atoms, s, e) for s, e in zip([0] + ends[:-1], ends)]
    return None


def _run(atoms: list[Atom], m: Metrics, measure: float, first_indent: float, tolerance: float,
         total_solid: int) -> _Node | None:
    """One Knuth–Plass pass. The inner loop is measure_line, line_span, TeX's adjustment ratio
    (>0 stretch, <0 shrink, -inf when the line cannot be shrunk to fit) and the fitness class
    written out over precomputed arrays: it runs some 50 000 times a page."""
    n = len(atoms)
    solid_prefix = [0] + list(accumulate(1 if _solid(a) else 0 for a in atoms))
    # line_span as lookups: the first non-space atom at or after i, the end after the last
    # non-space atom at or before e.
    first_solid = [n] * (n + 1)
    for i in range(n - 1, -1, -1):
        first_solid[i] = i if atoms[i].cls != CharClass.SPACE else first_solid[i + 1]
    end_solid = [0] * (n + 1)
    for e in range(1, n + 1):
        end_solid[e] = e if atoms[e - 1].cls != CharClass.SPACE else end_solid[e - 1]
    start_squeeze = [a.start_squeeze for a in atoms]
    end_shrink = [max(a.squeeze, a.shrink) for a in atoms]
    width, gap, stretch_sum, shrink_sum, atom_shrink = m.width, m.gap, m.stretch, m.shrink, m.atom_shrink
    inf = float("inf")
    active: list[_Node] = [_Node(0, 0, 1, 0.0, None)]
    for b in range(1, n + 1):
        if b < n and not can_break_before(atoms, b):
            continue
        last_line = b == n
        candidates: list[_Node] = []
        still: list[_Node] = []
        for node in active:
            s = first_solid[node.end]
            if s > b:
                s = b
            e = end_solid[b]
            if e < s:
                e = s
            avail = measure - first_indent if node.line == 0 else measure
            if e <= s:
                natural = stretch = shrink = 0.0
            else:
                natural = width[e] - width[s] + gap[e - 1] - gap[s] - start_squeeze[s]
                stretch = stretch_sum[e - 1] - stretch_sum[s]
                shrink = shrink_sum[e - 1] - shrink_sum[s] + atom_shrink[e - 1] - atom_shrink[s] + end_shrink[e - 1]
            diff = avail - natural
            if (last_line and diff >= -1e-6) or -1e-6 < diff < 1e-6:
                r = 0.0
            elif diff > 0:
                r = diff / stretch if stretch > 0 else 1e4
            else:
                r = diff / shrink if shrink > 0 and -diff <= shrink + 1e-6 else -inf
            if r == -inf:
                if e - s == 1 and tolerance == inf:
                    r = -1.0  # a single unit wider than the measure: overfull, reported by the caller
                else:
                    continue  # this node can reach no further breaks
            still.append(node)
            if r > tolerance:
                continue
            a = r if r >= 0 else -r
            demerits = (LINE_PENALTY + 100 * a * a * a) ** 2
            fitness = 1 if last_line else (0 if r < -0.5 else 1 if r <= 0.5 else 2 if r <= 1 else 3)
            if abs(fitness - node.fitness) > 1 and node.prev is not None:
                demerits += ADJ_DEMERITS
            if last_line and node.prev is not None and total_solid >= 2:
                if solid_prefix[e] - solid_prefix[s] < 2:
                    if tolerance != inf:
                        continue  # 孤字: rather a looser paragraph (the next tolerance) than a lone character
                    demerits += LONE_LAST_LINE
            candidates.append(_Node(b, node.line + 1, fitness, node.demerits + demerits, node))
        active = still
        if candidates:
            # Keep the best candidate per (first line or not, fitness): widths differ only on line 1.
            best: dict[tuple[bool, int], _Node] = {}
            for c in candidates:
                key = (c.line == 1, c.fitness)
                if key not in best or c.demerits < best[key].demerits:
                    best[key] = c
            active.extend(best.values())
        if not active:
            return None
    finals = [node for node in active if node.end == n]
    return min(finals, key=lambda node: node.demerits) if finals else None
