"""Display lines: headlines (引题/主题/副题), captions' short lines, the 报眉.

A two-clause headline written with a space (媒体战士在“疫”线 危难时刻见初心) is set
on one line with the space widened to the style's ``word_space`` (about one em)
when it fits, else on two lines broken at the space (../shared/TYPOGRAPHY.md,
"Headlines and article anatomy"); a headline with no usable space is wrapped
and balanced so its lines are of even length. Only a clause break (an ASCII space
between Chinese) widens: Latin word spaces, U+3000 and NBSP keep their width, and a space
between Han and Latin is the Han–Latin gap, as in the body.
"""

from __future__ import annotations

from pagesetter.compose.atoms import clause_breaks, han_latin_spaces, split_wide
from pagesetter.compose.lines import Line, Run, atoms_for, break_lines, set_line
from pagesetter.compose.memo import style_key
from pagesetter.fonts.face import FaceSet
from pagesetter.spec.model import Style


def compose_display(text: str, style: Style, width: float, faces: FaceSet) -> tuple[list[Line], list[str]]:
    lines, missing = faces.memo.get(("display", text, style_key(style), width),
                                    lambda: _compose_display(text, style, width, faces))
    return list(lines), list(missing)


def _compose_display(text: str, style: Style, width: float, faces: FaceSet) -> tuple[tuple[Line, ...], tuple[str, ...]]:
    lines, missing = _set_display(text, style, width, faces)
    return tuple(lines), tuple(missing)


def _set_display(text: str, style: Style, width: float, faces: FaceSet) -> tuple[list[Line], list[str]]:
    # A URL in a headline breaks too; a space between Han and Latin is the Han–Latin gap, as in the body.
    atoms = split_wide(han_latin_spaces(atoms_for([Run(text, style)], faces)), width)
    missing = [ch for a in atoms for ch in a.missing]
    breaks = clause_breaks(atoms)
    for i in breaks:
        atoms[i].width = style.word_space * style.size
    whole = set_line(atoms, 0, len(atoms), width, 0.0, False, True)
    if whole.natural <= width + 0.01:
        return [whole], missing
    clauses = _split_at(atoms, breaks)
    if len(clauses) > 1:
        lines = [set_line(atoms, s, e, width, 0.0, False, True) for s, e in clauses]
        if all(line.natural <= width + 0.01 for line in lines):
            return lines, missing
    # Wrapped: the clause breaks go; word spaces stay, and the lines may break at them.
    solid = [a for i, a in enumerate(atoms) if i not in breaks]
    return _balanced(solid, width), missing


def _split_at(atoms: list, breaks: frozenset[int]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    start = 0
    for i, a in enumerate(atoms):
        if i in breaks:
            if i > start:
                out.append((start, i))
            start = i + 1
    if start < len(atoms):
        out.append((start, len(atoms)))
    return out


def _balanced(atoms: list, width: float) -> list[Line]:
    """Wrap, then narrow the measure as far as the line count allows, so lines come out even."""
    breaks = break_lines(atoms, width, 0.0)
    target = len(breaks)
    lo, hi = width / 2, width
    for _ in range(20):
        mid = (lo + hi) / 2
        if len(break_lines(atoms, mid, 0.0)) <= target:
            hi = mid
        else:
            lo = mid
    breaks = break_lines(atoms, hi, 0.0)
    return [set_line(atoms, s, e, width, 0.0, False, True) for s, e in breaks]
