"""One article module: headline on top, photo in its cell, body through the free column slots."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from pagesetter.compose.display import compose_display
from pagesetter.compose.lines import Line, Run, compose_paragraph
from pagesetter.compose.vertical import VColumn, compose_vertical
from pagesetter.content.model import Article
from pagesetter.errors import Loc, Warning
from pagesetter.flow.geometry import EM_TOP_ABOVE_BASELINE, PageGeometry
from pagesetter.fonts.face import FaceSet
from pagesetter.pagetree import Frame, Glyph, Image, Overset, Rule, TextLine
from pagesetter.spec.model import BLACK, ArticleSpec, Rect, Style


@dataclass
class Placed:
    """What an article puts on the page."""

    lines: list[TextLine] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    frames: list[Frame] = field(default_factory=list)
    overset: list[Overset] = field(default_factory=list)
    warnings: list[Warning] = field(default_factory=list)


def to_text_line(line: Line, x: float, baseline: float, article: str, role: str) -> TextLine:
    glyphs = tuple(Glyph(g.face, g.size, g.gid, x + g.x, g.text, g.color, g.dy, g.scale_x) for g in line.glyphs)
    return TextLine(glyphs, baseline, x, line.width, article, role, line.last)


def aligned_x(line: Line, x: float, width: float, align: str) -> float:
    if align == "center":
        return x + (width - line.natural) / 2
    if align == "right":
        return x + width - line.natural
    return x


def flow_article(spec: ArticleSpec, article: Article, styles: dict[str, Style], geo: PageGeometry,
                 faces: FaceSet) -> Placed:
    out = Placed()
    grid = geo.spec.grid
    block = spec.block
    at_page_foot = block.bottom >= grid.lines
    usable_bottom = block.bottom if at_page_foot else block.bottom - 1  # last line holds the rule
    bx, by, bw, bh = geo.rect_box(block)
    out.frames.append(Frame(article.id, "block", bx, by, bw, bh))

    head_cols = spec.headline.cols or block.cols
    head_lines = _place_headline(spec, article, styles, geo, faces, out, head_cols, usable_bottom)
    blocked: list[Rect] = [Rect(block.col, head_cols, block.top, head_lines, spec.loc)]
    captions: list[TextLine] = []
    if spec.photo:
        cell, gap = spec.photo.cell, spec.photo.standoff
        # Text keeps ``standoff`` blank lines from the photo and its caption.
        top = max(block.top, cell.top - gap)
        blocked.append(Rect(cell.col, cell.cols, top, min(block.bottom, cell.bottom + gap) - top, cell.loc))
        captions = _place_photo(spec, article, styles, geo, faces, out)
    if article.paragraphs:
        _place_body(spec, article, styles, geo, faces, out, blocked, usable_bottom)
    out.lines += captions  # reading order: headline, body, then the caption
    _rules(spec, geo, out, head_lines, at_page_foot)
    return out


def _place_headline(spec: ArticleSpec, article: Article, styles: dict[str, Style], geo: PageGeometry,
                    faces: FaceSet, out: Placed, cols: int, usable_bottom: int) -> int:
    hs = spec.headline
    if hs.vertical:
        return _place_vertical_headline(spec, article, styles, geo, faces, out, cols, usable_bottom)
    width = geo.span_width(cols)
    x = geo.col_left(spec.block.col)
    parts: list[tuple[Line, Style, str]] = []
    for role, text in (("kicker", article.kicker), ("title", article.title),
                       ("subtitle", article.subtitle), ("byline", article.byline)):
        if not text:
            continue
        style = styles[getattr(hs, role)]
        lines, missing = compose_display(text, style, width, faces)
        _report_missing(out, missing, article.loc, article.id)
        parts += [(line, style, role) for line in lines]
    if not parts:
        return 0
    pitch = geo.spec.grid.pitch
    height = sum(style.leading for _, style, _ in parts)
    available = usable_bottom - spec.block.top
    need = hs.lines or min(available, math.ceil((height + pitch) / pitch))
    if not article.paragraphs and not hs.lines:
        need = available  # a headline-only block (the banner) fills its block
    if height > need * pitch + 0.01:
        out.warnings.append(Warning("overset", f"headline of {article.id!r} needs {height / pitch:.1f} lines, "
                                    f"its area has {need}", spec.loc))
    y = geo.line_top(spec.block.top) + (need * pitch - height) / 2
    for line, style, role in parts:
        baseline = y + (style.leading - style.size) / 2 + EM_TOP_ABOVE_BASELINE * style.size
        out.lines.append(to_text_line(line, aligned_x(line, x, width, hs.align), baseline, article.id, role))
        y += style.leading
    out.frames.append(Frame(article.id, "headline", x, geo.line_top(spec.block.top), width, need * pitch))
    return need


def _place_vertical_headline(spec: ArticleSpec, article: Article, styles: dict[str, Style], geo: PageGeometry,
                             faces: FaceSet, out: Placed, cols: int, usable_bottom: int) -> int:
    """竖排: title columns from the right, the subtitle's to their left, set lower by two title ems."""
    hs = spec.headline
    pitch = geo.spec.grid.pitch
    lines = hs.lines or (usable_bottom - spec.block.top)
    x, top, width = geo.col_left(spec.block.col), geo.line_top(spec.block.top), geo.span_width(cols)
    height = lines * pitch - pitch  # half a line clear above and below
    placed: list[tuple[VColumn, Style, str, float]] = []
    title_size = styles[hs.title].size
    for role, text in (("kicker", article.kicker), ("title", article.title), ("subtitle", article.subtitle),
                       ("byline", article.byline)):
        if not text:
            continue
        style = styles[getattr(hs, role)]
        drop = 0.0 if role in ("kicker", "title") else 2 * title_size
        columns, missing = compose_vertical(text, style, height - drop, faces)
        _report_missing(out, missing, article.loc, article.id)
        placed += [(col, style, role, drop) for col in columns]
    total = sum(style.leading for _, style, _, _ in placed)
    if total > width + 0.01 or any(col.height + drop > height + 0.01 for col, _, _, drop in placed):
        out.warnings.append(Warning("overset", f"vertical headline of {article.id!r} does not fit its "
                                    f"{cols} column(s) × {lines} lines", spec.loc))
    right = x + (width + total) / 2
    for col, style, role, drop in placed:
        centre = right - style.leading / 2
        column_top = top + pitch / 2 + drop
        glyphs = tuple(Glyph(g.face, g.size, g.gid, centre + g.dx, g.text, g.color, -g.down, g.scale_x, g.rotate)
                       for g in col.glyphs)
        out.lines.append(TextLine(glyphs, column_top, centre - style.size / 2, style.size, article.id, role))
        right -= style.leading
    out.frames.append(Frame(article.id, "headline", x, top, width, lines * pitch))
    return lines


def _place_photo(spec: ArticleSpec, article: Article, styles: dict[str, Style], geo: PageGeometry,
                 faces: FaceSet, out: Placed) -> list[TextLine]:
    """The image and its caption in the photo cell; returns the caption lines."""
    ps = spec.photo
    assert ps is not None
    cell = ps.cell
    if not article.photos:
        out.warnings.append(Warning("layout", f"{article.id!r} has a photo cell but no photo", ps.cell.loc))
        return []
    photo = article.photos[0]
    if len(article.photos) > 1:
        out.warnings.append(Warning("layout", f"{article.id!r} has {len(article.photos)} photos; "
                                    "the spec places the first only", ps.cell.loc))
    x, y, w, h = geo.rect_box(cell)
    cap_style = styles[ps.caption]
    runs = [Run(photo.caption, cap_style)]
    if photo.credit:
        runs.append(Run(" " + photo.credit, styles[ps.credit]))
    cap_lines, missing = compose_paragraph(runs, w, faces, justify=True)
    _report_missing(out, missing, photo.loc, article.id)
    n_cap = len(cap_lines)
    img_lines = cell.lines - n_cap
    if img_lines < 2:
        out.warnings.append(Warning("overset", f"photo cell of {article.id!r} is {cell.lines} lines; its caption "
                                    f"takes {n_cap}", ps.cell.loc))
        img_lines = max(img_lines, 1)
    grid = geo.spec.grid
    inset = (grid.pitch - grid.body_size) / 2  # align the picture with the em boxes of the text beside it
    if photo.side == "above":
        img_top, cap_top = cell.top, cell.top + img_lines
    else:
        cap_top, img_top = cell.top, cell.top + n_cap
    iy = geo.line_top(img_top) + inset
    ih = img_lines * grid.pitch - 2 * inset
    out.images.append(Image(photo.file, x, iy, w, ih, ps.fit, article.id))
    out.frames.append(Frame(article.id, "photo", x, iy, w, ih))
    out.frames.append(Frame(article.id, "caption", x, geo.line_top(cap_top), w, n_cap * grid.pitch))
    return [to_text_line(line, x, geo.grid_baseline(cap_top + i, cap_style.size), article.id, "caption")
            for i, line in enumerate(cap_lines)]


def _segments(spec: ArticleSpec, blocked: list[Rect], usable_bottom: int) -> list[list[tuple[int, int]]]:
    """Free line ranges of each column of the block, top to bottom."""
    block = spec.block
    columns: list[list[tuple[int, int]]] = []
    for col in range(block.col, block.right):
        taken = sorted((r.top, r.bottom) for r in blocked if r.col <= col < r.right and r.lines > 0)
        segs: list[tuple[int, int]] = []
        start = block.top
        for top, bottom in taken:
            if top > start:
                segs.append((start, min(top, usable_bottom)))
            start = max(start, bottom)
        if start < usable_bottom:
            segs.append((start, usable_bottom))
        columns.append([s for s in segs if s[1] > s[0]])
    return columns


def _cap(columns: list[list[tuple[int, int]]], limit: int, usable_bottom: int) -> list[list[tuple[int, int]]]:
    """Shorten the open foot of every column to ``limit`` (balancing); segments that end on an obstacle stay."""
    out = []
    for segs in columns:
        if segs and segs[-1][1] == usable_bottom:
            last = (segs[-1][0], max(segs[-1][0], min(usable_bottom, limit)))
            segs = segs[:-1] + [last]
        out.append(segs)
    return out


def _capacity(columns: list[list[tuple[int, int]]]) -> int:
    return sum(e - s for segs in columns for s, e in segs)


def _place_body(spec: ArticleSpec, article: Article, styles: dict[str, Style], geo: PageGeometry,
                faces: FaceSet, out: Placed, blocked: list[Rect], usable_bottom: int) -> None:
    body, lead = styles[spec.body], styles[spec.lead]
    measure = geo.span_width(1)
    lines: list[tuple[Line, str]] = []
    for para in article.paragraphs:
        runs = [Run(s.text, lead if s.lead else body) for s in para.spans]
        para_lines, missing = compose_paragraph(runs, measure, faces, indent=body.indent,
                                                justify=body.align == "justify")
        _report_missing(out, missing, para.loc, article.id)
        lines += [(line, "body") for line in para_lines]
        if any(line.overfull for line in para_lines):
            out.warnings.append(Warning("overfull", "a word is wider than the column", para.loc))
    columns = _segments(spec, blocked, usable_bottom)
    if spec.balance:
        lo, hi = spec.block.top, usable_bottom
        while lo < hi:  # the shallowest foot that still takes every line
            mid = (lo + hi) // 2
            if _capacity(_cap(columns, mid, usable_bottom)) >= len(lines):
                hi = mid
            else:
                lo = mid + 1
        columns = _cap(columns, lo, usable_bottom)
    slots = [(ci, line) for ci, segs in enumerate(columns) for s, e in segs for line in range(s, e)]
    for (line, role), (ci, grid_line) in zip(lines, slots):
        col = spec.block.col + ci
        out.lines.append(to_text_line(line, geo.col_left(col), geo.grid_baseline(grid_line, body.size),
                                      article.id, role))
    for ci, segs in enumerate(columns):
        for s, e in segs:
            x, y, w, h = geo.rect_box(Rect(spec.block.col + ci, 1, s, e - s, spec.loc))
            out.frames.append(Frame(article.id, "body", x, y, w, h))
    if len(lines) > len(slots):
        rest = lines[len(slots):]
        fitted = lines[len(slots) - 1][0].text if slots else ""
        out.overset.append(Overset(article.id, sum(len(l.text) for l, _ in rest), len(rest), fitted[-12:]))
    elif len(slots) - len(lines) > len(columns):
        out.warnings.append(Warning("underset", f"{article.id!r} leaves {len(slots) - len(lines)} empty lines "
                                    f"in its block", spec.loc))


def _rules(spec: ArticleSpec, geo: PageGeometry, out: Placed, head_lines: int, at_page_foot: bool) -> None:
    page = geo.spec
    block = spec.block
    grid = page.grid
    color = BLACK
    bx, by, bw, bh = geo.rect_box(block)
    if not at_page_foot and page.rules.article > 0:
        y = geo.line_top(block.bottom - 1) + grid.pitch / 2
        out.rules.append(Rule(bx, y, bx + bw, y, page.rules.article, color, "article"))
    if block.right < grid.columns and page.rules.article > 0:
        x = geo.col_left(block.right) - grid.gutter / 2
        bottom = by + bh - (0 if at_page_foot else grid.pitch / 2)
        out.rules.append(Rule(x, by, x, bottom, page.rules.article, color, "article"))
    head_right = block.col + (spec.headline.cols or block.cols)
    body_lines = (block.lines - (0 if at_page_foot else 1)) - head_lines
    has_body_columns = body_lines > 0 or head_right < block.right  # not a headline-only block (the banner)
    if spec.column_rules and page.rules.column > 0 and block.cols > 1 and has_body_columns:
        bottom = by + bh - (0 if at_page_foot else grid.pitch)
        for col in range(block.col + 1, block.right):
            x = geo.col_left(col) - grid.gutter / 2
            # Rules between columns under the headline start below it; beside it, at the block top.
            top = geo.line_top(block.top + head_lines) if col < head_right else geo.line_top(block.top)
            photo = spec.photo.cell if spec.photo else None
            if photo and photo.col < col < photo.right:
                # No rule through a photo: stop above it and resume below.
                pt, pb = geo.line_top(photo.top), geo.line_top(photo.bottom)
                for y1, y2 in ((top, pt), (pb, bottom)):
                    if y2 - y1 > grid.pitch:
                        out.rules.append(Rule(x, y1, x, y2, page.rules.column, color, "column"))
                continue
            out.rules.append(Rule(x, top, x, bottom, page.rules.column, color, "column"))


def _report_missing(out: Placed, missing: list[str], loc: Loc, article: str) -> None:
    if missing:
        chars = "".join(sorted(set(missing)))
        out.warnings.append(Warning("missing-glyph", f"{article!r}: no glyph for {chars!r} "
                                    f"({len(missing)} times)", loc))
