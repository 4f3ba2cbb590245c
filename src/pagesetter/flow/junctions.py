"""Where rules meet: the make-up man's joins.

Each module draws its own article rules, ending at its text edge (a foot rule) or at the line
centre of its rule line (a side rule). Where two modules' rules meet — a side rule coming down
onto a foot rule (┬, ┴), two foot rules meeting over a side rule, a corner of an L — they stopped
half a gutter or half a line short of each other. A make-up man cuts rule to meet: the rule that
ends runs on to the line of the one it meets; at a corner both run past the other's line by half
its width, so the corner is square and closed. This pass does it once for the whole page, over
every module's rules (and the masthead's, which side rules may meet but which are never cut).
A column rule (栏线, between two columns of a module's text) runs down on to the foot rule or box
edge it stops half a line short of (┴), as a side rule does; its top, under a headline or a photo's
standoff, is left where the text starts (a column rule run up to the rule above would join two
modules into one).
"""

from __future__ import annotations

from dataclasses import replace

from pagesetter.pagetree import Panel, Rule

# How far a rule's end may stand from the line it is taken to meet, in gutters (horizontal ends)
# and grid lines (vertical ends): a foot rule ends half a gutter from the side rule's line, a side
# rule half a line from the foot rule's. Farther than this, the two rules do not meet.
REACH = 0.75
JOINED_ROLES = ("article",)  # rules this pass may lengthen or shorten
FOOT_JOINED_ROLES = ("column",)  # rules whose foot (not their top) this pass may run on to a rule below
MET_ROLES = ("article", "masthead", "box")  # rules an article rule may run on to ("box": a frame's edge)
EPS = 0.01


def _horizontal(r: Rule) -> bool:
    return abs(r.y1 - r.y2) < EPS and abs(r.x1 - r.x2) >= EPS


def _vertical(r: Rule) -> bool:
    return abs(r.x1 - r.x2) < EPS and abs(r.y1 - r.y2) >= EPS


def joined_rules(rules: list[Rule], gutter: float, pitch: float, panels: tuple[Panel, ...] = ()) -> list[Rule]:
    """``rules`` with every article rule that ends near another's line run on to meet it. A side
    rule coming down onto a box (花边框) meets its frame's top or foot edge too, and a foot rule that
    ends half a gutter short of a box's side (the side stands on the gutter's centre: flow/geometry.py
    module_geometry) runs on to it, as to a side rule (trial 15: a 3 mm gap at a boxed 讣告's corner)."""
    sides = [Rule(x, p.y, x, p.y + p.height, p.stroke, p.color, "box") for p in panels if p.stroke > 0
             for x in (p.x, p.x + p.width)]
    out = [_join_horizontal(r, rules + sides, gutter, pitch) if r.role in JOINED_ROLES and _horizontal(r) else r
           for r in rules]
    edges = [Rule(p.x, y, p.x + p.width, y, p.stroke, p.color, "box") for p in panels if p.stroke > 0
             for y in (p.y, p.y + p.height)]
    joined = [_join_vertical(r, out + edges, pitch, foot_only=r.role in FOOT_JOINED_ROLES)
              if r.role in JOINED_ROLES + FOOT_JOINED_ROLES and _vertical(r) else r for r in out]
    return _onto_box_corners(joined, panels, gutter, pitch)


def _onto_box_corners(rules: list[Rule], panels: tuple[Panel, ...], gutter: float, pitch: float) -> list[Rule]:
    """A side rule in the gutter beside a box's corner (the box stands on the column's text edge,
    the rule on the gutter's centre: flow/page.py has cut the rule along the box's side) ends half
    a line and a gutter short of the box: a break a reader sees. As a make-up man cuts it, the side
    rule runs on to the level of the box's edge and that edge runs on out to the rule (┐ under a
    box, ┘ over one): one line from the box's foot down the gutter. A short piece of the box's
    weight closes the corner."""
    out: list[Rule] = []
    for v in rules:
        if v.role not in JOINED_ROLES or not _vertical(v):
            out.append(v)
            continue
        x = v.x1
        top, foot = sorted((v.y1, v.y2))
        for p in panels:
            if p.stroke <= 0:
                continue
            left, right = p.x, p.x + p.width
            side = left if x < left else right if x > right else None
            if side is None or abs(side - x) > gutter * REACH:
                continue
            edge_foot, edge_top = p.y + p.height, p.y
            # an end that stops on a rule already (a boxed ear over the masthead's rule) stays
            if 0 < top - edge_foot <= pitch * REACH + 1.0 + gutter and not _meets_rule(x, top, rules):
                top = edge_foot - p.stroke / 2
                out.append(Rule(min(x - v.width / 2, side), edge_foot, max(x + v.width / 2, side), edge_foot,
                                p.stroke, v.color, "article"))
            elif 0 < edge_top - foot <= pitch * REACH + 1.0 + gutter and not _meets_rule(x, foot, rules):
                foot = edge_top + p.stroke / 2
                out.append(Rule(min(x - v.width / 2, side), edge_top, max(x + v.width / 2, side), edge_top,
                                p.stroke, v.color, "article"))
        out.append(replace(v, y1=top, y2=foot) if v.y1 <= v.y2 else replace(v, y1=foot, y2=top))
    return out


def _meets_rule(x: float, y: float, rules: list[Rule]) -> bool:
    """Does a rule across ``x`` touch a vertical rule's end at ``y`` (within its own weight)?"""
    return any(_horizontal(h) and min(h.x1, h.x2) - EPS <= x <= max(h.x1, h.x2) + EPS
               and abs(h.y1 - y) <= h.width / 2 + EPS for h in rules)


def _join_horizontal(h: Rule, rules: list[Rule], gutter: float, pitch: float) -> Rule:
    """A foot rule's end near a side rule's line runs to that line: to its centre where the side
    rule runs on past (┤), past it by half its width where the side rule ends there (a corner, or
    ┴ where another foot rule comes from the other side and does the same)."""
    y = h.y1
    ends = sorted((h.x1, h.x2))
    for k in (0, 1):
        xe = ends[k]
        best: tuple[float, float] | None = None
        for v in rules:
            if v.role not in JOINED_ROLES + ("box",) or not _vertical(v):
                continue
            x = v.x1
            if abs(x - xe) > gutter * REACH:
                continue
            # the side rule's line must point into the foot rule's span only at this end
            if k == 0 and x > ends[1] - gutter or k == 1 and x < ends[0] + gutter:
                continue
            vy1, vy2 = sorted((v.y1, v.y2))
            if not (vy1 - pitch * REACH <= y <= vy2 + pitch * REACH):
                continue
            through = vy1 < y - pitch * REACH and vy2 > y + pitch * REACH
            outward = -1.0 if k == 0 else 1.0
            to = x if through else x + outward * v.width / 2
            if best is None or abs(x - xe) < abs(best[0] - xe):
                best = (x, to)
        if best is not None:
            ends[k] = best[1]
    x1, x2 = (ends[0], ends[1]) if h.x1 <= h.x2 else (ends[1], ends[0])
    return replace(h, x1=x1, x2=x2)


def _join_vertical(v: Rule, rules: list[Rule], pitch: float, foot_only: bool = False) -> Rule:
    """A side rule's end near a foot rule's line runs to it: to its centre where rule lies on
    both sides of it (┬, ┴), past it by half its width where the foot rule ends there (a corner).
    ``foot_only``: only its lower end (a column rule)."""
    x = v.x1
    ends = sorted((v.y1, v.y2))
    for k in ((1,) if foot_only else (0, 1)):
        ye = ends[k]
        near = [h for h in rules if h.role in MET_ROLES and _horizontal(h) and abs(h.y1 - ye) <= pitch * REACH
                and min(h.x1, h.x2) - EPS <= x <= max(h.x1, h.x2) + EPS
                and (k == 0 and h.y1 < ends[1] - pitch or k == 1 and h.y1 > ends[0] + pitch)]
        if not near:
            continue
        y = min((h.y1 for h in near), key=lambda hy: abs(hy - ye))
        at = [h for h in near if abs(h.y1 - y) < EPS]
        left = any(min(h.x1, h.x2) < x - v.width / 2 - EPS for h in at)
        right = any(max(h.x1, h.x2) > x + v.width / 2 + EPS for h in at)
        outward = -1.0 if k == 0 else 1.0
        ends[k] = y if left and right else y + outward * max(h.width for h in at) / 2
    y1, y2 = (ends[0], ends[1]) if v.y1 <= v.y2 else (ends[1], ends[0])
    return replace(v, y1=y1, y2=y2)
