"""Nothing set over anything else: a laid-out page checked for collisions before it is printed.

The flow keeps body text out of headline areas and photo cells by construction, but the spec can
still ask for the impossible: a photo cell over a headline that wrapped deeper than the editor
counted (the byline printed on the picture), a cell below the type area, a headline deeper than
its block. A plant would print it; a reader would see it. Each is a located error.
"""

from __future__ import annotations

import functools

from pagesetter.errors import InputError, Loc, quoted
from pagesetter.incremental import Memo
from pagesetter.pagetree import Frame, Page, TextLine
from pagesetter.records import record
from pagesetter.spec.model import PageSpec

# Overlaps thinner than this (pt) are shared edges, not collisions.
EDGE = 0.5

# The headline's lines (their em boxes, as printed) must stay clear of the article's photo and
# caption; the advice says what an editor does about it.
HEAD_ROLES = frozenset({"kicker", "title", "subtitle", "byline"})
CLEAR_OF_HEADLINE = ("photo", "caption")
HEAD_ADVICE = "move the photo cell below the headline, or narrow the headline (headline.cols)"
EM_TOP, EM_BOTTOM = 0.88, 0.12  # the ideographic em box about the baseline (flow/geometry.py)


@record(frozen=True)
class Box:
    x0: float
    y0: float
    x1: float
    y1: float

    @classmethod
    def of(cls, f: Frame) -> "Box":
        return cls(f.x, f.y, f.x + f.width, f.y + f.height)

    def overlaps(self, other: "Box") -> bool:
        return min(self.x1, other.x1) - max(self.x0, other.x0) > EDGE and \
            min(self.y1, other.y1) - max(self.y0, other.y0) > EDGE

    def inside(self, other: "Box") -> bool:
        return self.x0 >= other.x0 - EDGE and self.y0 >= other.y0 - EDGE and \
            self.x1 <= other.x1 + EDGE and self.y1 <= other.y1 + EDGE


def check_collisions(page: Page, spec: PageSpec, memo: Memo | None = None) -> None:
    """Raise a located InputError for the first collision on the page."""
    found = collisions(page, spec, memo)
    if found:
        loc, message = found[0]
        raise InputError(loc, message)


def collisions(page: Page, spec: PageSpec, memo: Memo | None = None) -> list[tuple[Loc, str]]:
    """``memo`` (session.py): each article's findings kept while its frames and headline lines
    are the same objects (an unchanged module's) and the blocks of the others the same boxes."""
    locs = {a.article: a.loc for a in spec.articles}
    if spec.masthead is not None:  # its name plate and info lines are checked like a module's parts
        locs["masthead"] = spec.masthead.loc
    by_article: dict[str, list[Frame]] = {}
    for f in page.frames:
        by_article.setdefault(f.article, []).append(f)
    type_area = Box(spec.margin_left, spec.margin_top, spec.margin_left + spec.grid.width,
                    spec.margin_top + spec.grid.lines * spec.grid.pitch)
    out: list[tuple[Loc, str]] = []
    head_lines: dict[str, list[TextLine]] = {}  # one pass over the page's lines, not one per article
    for line in page.lines:
        if line.role in HEAD_ROLES and line.glyphs:
            head_lines.setdefault(line.article, []).append(line)
    block_boxes = {article: [Box.of(g) for g in frames if g.kind == "block"] for article, frames in by_article.items()}
    # every block as plain numbers: in a memo's key, compared by value
    blocks_key = tuple((article, tuple((b.x0, b.y0, b.x1, b.y1) for b in boxes))
                       for article, boxes in block_boxes.items())
    area_key = (type_area.x0, type_area.y0, type_area.x1, type_area.y1)
    for article, frames in by_article.items():
        loc = locs.get(article)
        if loc is None:
            continue
        heads = head_lines.get(article, [])
        find = functools.partial(_article_collisions, article, loc, frames, heads, block_boxes, type_area)
        out += find() if memo is None else \
            memo(("collisions", article, loc, area_key, blocks_key, len(frames), *frames, *heads), find)
    return out


def _article_collisions(article: str, loc: Loc, frames: list[Frame], head_lines: list[TextLine],
                        block_boxes: dict[str, list[Box]], type_area: Box) -> tuple[tuple[Loc, str], ...]:
    """What collides of one article's frames and headline (collisions)."""
    out: list[tuple[Loc, str]] = []
    blocks = block_boxes[article]
    boxes = {id(f): Box.of(f) for f in frames}  # each frame's box made once, not per pair
    heads = [(line.role, line.text, ink_box(line)) for line in head_lines]
    for f in frames:
        if f.kind not in CLEAR_OF_HEADLINE:
            continue
        for role, text, box in heads:
            if box.overlaps(boxes[id(f)]):
                out.append((loc, f"{article!r}: its {role} {quoted(text)} prints over its {f.kind} "
                                 f"({_depth(box, boxes[id(f)]):.0f} pt deep); {HEAD_ADVICE}"))
    for f in frames:
        if f.kind == "block":
            continue
        box = boxes[id(f)]
        if not box.inside(type_area):
            out.append((loc, f"{article!r}: its {f.kind} runs outside the type area (版心); "
                             "move or shrink it"))
        elif blocks and not any(box.inside(b) for b in blocks) and f.kind != "body":
            out.append((loc, f"{article!r}: its {f.kind} runs outside its block; move or shrink it"))
        for other, other_blocks in block_boxes.items():
            if other == article:
                continue
            for g in other_blocks:
                if box.overlaps(g):
                    out.append((loc, f"{article!r}: its {f.kind} is set over {other!r}'s block"))
    return tuple(out)


def ink_box(line) -> Box:  # type: ignore[no-untyped-def]  # pagetree.TextLine
    """The em boxes of a line's glyphs, as placed (horizontal or vertical)."""
    tops = [line.baseline - g.dy - EM_TOP * g.size for g in line.glyphs]
    bottoms = [line.baseline - g.dy + EM_BOTTOM * g.size for g in line.glyphs]
    lefts = [g.x for g in line.glyphs]
    rights = [g.x + g.size * g.scale_x for g in line.glyphs]
    return Box(min(lefts), min(tops), max(rights), max(bottoms))


def _depth(a: Box, b: Box) -> float:
    return min(a.y1, b.y1) - max(a.y0, b.y0)
