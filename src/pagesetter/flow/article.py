"""One article module: headline on top, photo in its cell, body through the free column slots."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from pagesetter.compose.display import compose_display
from pagesetter.compose.lines import Line, Run, compose_paragraph, paragraph_key
from pagesetter.compose.vertical import VColumn, compose_vertical
from pagesetter.content.model import Article
from pagesetter.errors import InputError, Loc, Warning
from pagesetter.flow.glyphs import describe, is_ignorable
from pagesetter.flow.geometry import EM_TOP_ABOVE_BASELINE, PageGeometry
from pagesetter.fonts.face import FaceSet
from pagesetter.pagetree import Frame, Glyph, Image, Overset, Panel, Rule, TextLine
from pagesetter.spec.model import BLACK, ArticleSpec, Rect, Style


@dataclass(frozen=True)
class Fill:
    """How an article's body met its slots: the numbers a make-up editor balances by."""

    slots: int  # body lines the areas hold (after balancing)
    lines: int  # body lines the text needs
    empty_foot: int  # grid lines at the foot of the block left empty in every column
    shortfall: int  # how many lines the last column ends above the others

    @property
    def overset(self) -> int:
        return max(0, self.lines - self.slots)


@dataclass
class Placed:
    """What an article puts on the page."""

    lines: list[TextLine] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    panels: list[Panel] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    frames: list[Frame] = field(default_factory=list)
    overset: list[Overset] = field(default_factory=list)
    warnings: list[Warning] = field(default_factory=list)
    leftover: list[Line] = field(default_factory=list)  # body lines for the page the article jumps to
    fill: Fill | None = None
    head_lines: int = 0  # grid lines the headline takes (what fitting adds to or takes from)
    photo_frame: tuple[float, float] | None = None  # the picture's width and height, pt (fitting weighs its ppi)
    # A trial placement (fitting): the fill and the warnings are measured, but no text line,
    # frame, image or rule is built for the page; the chosen variant is placed again for real.
    dry: bool = False

    def add_line(self, line: Line, x: float, baseline: float, article: str, role: str) -> None:
        if not self.dry:
            self.lines.append(to_text_line(line, x, baseline, article, role))


# Glyph(...) without NamedTuple's __new__, a Python function: a page places ten thousand.
_glyph = tuple.__new__


def to_text_line(line: Line, x: float, baseline: float, article: str, role: str) -> TextLine:
    glyphs = tuple([_glyph(Glyph, (face, size, gid, x + gx, text, color, dy, scale_x, 0))  # rotate 0: upright
                    for face, size, gid, gx, text, color, dy, scale_x in line.glyphs])
    return TextLine(glyphs, baseline, x, line.width, article, role, line.last)


def aligned_x(line: Line, x: float, width: float, align: str) -> float:
    if align == "center":
        return x + (width - line.natural) / 2
    if align == "right":
        return x + width - line.natural
    return x


def compose_body(spec: ArticleSpec, article: Article, styles: dict[str, Style], measure: float,
                 faces: FaceSet) -> tuple[list[Line], list[Warning]]:
    """The article's body as lines of one column's measure (the same in every column and frame)."""
    body, lead = styles[spec.body], styles[spec.lead]
    lines: list[Line] = []
    warnings: list[Warning] = []
    for para in article.paragraphs:
        if para.subhead:
            lines += _subhead(para, styles[spec.subhead], measure, faces, article, warnings, bool(lines))
            continue
        runs = [Run(s.text, lead if s.lead else body) for s in para.spans]
        para_lines, missing = compose_paragraph(runs, measure, faces, indent=body.indent,
                                                justify=body.align == "justify")
        if (warning := _missing_warning(missing, para.loc, article.id)) is not None:
            warnings.append(warning)
        overfull = next((line for line in para_lines if line.overfull), None)
        if overfull is not None:
            # Every word, URL and code breaks to fit (compose/atoms.py): only a character wider
            # than the column itself is left, and ink over the next column is never printed.
            raise InputError(para.loc, f"{overfull.text.strip()!r} is wider than the column ({measure:g} pt) "
                             f"and cannot be broken; set it smaller or widen the column")
        warnings += [_very_loose_warning(line, k, para.loc, article.id) for k, line in enumerate(para_lines)
                     if line.very_loose and not line.last]
        lines += para_lines
    return lines, warnings


def _very_loose_warning(line: Line, k: int, loc: Loc, article: str) -> Warning:
    """A line the line breaker could not keep from being spread past a quarter em between Han
    (compose/linebreak.py: no legal set of breaks avoids it); `pagesetter check` fails it."""
    return Warning("very-loose", f"article {article!r}, paragraph line {k + 1}: {line.text.strip()!r} is set "
                   f"{line.han_spread:.2f} em between Han; rewrite or rebreak the copy", loc)


def body_is_set(spec: ArticleSpec, article: Article, styles: dict[str, Style], measure: float,
                faces: FaceSet) -> bool:
    """Are all of the body's paragraphs in the composition memo already?"""
    body, lead = styles[spec.body], styles[spec.lead]
    return all(paragraph_key([Run(s.text, lead if s.lead else body) for s in para.spans], measure, body.indent,
                             body.align == "justify") in faces.memo.entries
               for para in article.paragraphs if not para.subhead)


def _subhead(para, style: Style, measure: float, faces: FaceSet, article: Article, warnings: list[Warning],
             after_text: bool) -> list[Line]:
    """A 小标题: its own lines in the subhead style, centred, after a blank grid line."""
    set_lines, missing = compose_display(para.text, style, measure, faces)
    if (warning := _missing_warning(missing, para.loc, article.id)) is not None:
        warnings.append(warning)
    out = [BLANK_LINE] if after_text else []
    for line in set_lines:
        shift = (measure - line.natural) / 2 if style.align == "center" else 0.0
        out.append(Line(tuple(g._replace(x=g.x + shift) for g in line.glyphs), measure, line.natural,
                        line.text, True, line.size, role="subhead"))
    return out


# An empty line of the grid (the space before a subhead); it prints nothing.
BLANK_LINE = Line((), 0.0, 0.0, "", True, 0.0, role="blank")


def flow_article(spec: ArticleSpec, article: Article, styles: dict[str, Style], geo: PageGeometry,
                 faces: FaceSet, *, body: list[Line] | None = None, carried: list[Line] | None = None,
                 dry: bool = False) -> Placed:
    """Place one article entry. ``body`` are its composed lines (composed here when not given);
    ``carried`` are the lines a jump brings from an earlier page (for a ``continued_from`` entry);
    ``dry``: a trial, measured but without the page's text lines (see Placed)."""
    out = Placed(dry=dry)
    block = spec.block
    usable_bottom = area_bottom(block, geo)
    if not dry:
        for area in spec.areas:
            out.frames.append(Frame(article.id, "block", *geo.rect_box(area)))
    head_cols = spec.headline.cols or block.cols
    head_lines = 0
    if spec.continued_from is None or spec.headline.lines:
        head_lines = _place_headline(spec, article, styles, geo, faces, out, head_cols, usable_bottom)
    out.head_lines = head_lines
    blocked: list[Rect] = [Rect(block.col, head_cols, block.top, head_lines, spec.loc)]
    captions: list[TextLine] = []
    if not dry and spec.continued_from is None and spec.jump_to is None:
        # (a jumped article's photo may stand with its continuation, on the later page)
        _check_photos_placed(spec, article)
    if spec.photo:
        cell, gap = spec.photo.cell, spec.photo.standoff
        # Text keeps ``standoff`` blank lines from the photo and its caption.
        top = max(block.top, cell.top - gap)
        blocked.append(Rect(cell.col, cell.cols, top, min(block.bottom, cell.bottom + gap) - top, cell.loc))
        captions = _place_photo(spec, article, styles, geo, faces, out)
    if spec.continued_from is not None:
        lines = list(carried or [])
    elif body is not None:
        lines = list(body)
    elif article.paragraphs:
        lines, warnings = compose_body(spec, article, styles, geo.span_width(1), faces)
        out.warnings += warnings
    else:
        lines = []
    if lines or spec.continued_from is not None:
        _place_body(spec, article, styles, geo, faces, out, blocked, lines)
    out.lines += captions  # reading order: headline, body, then the caption
    if not dry:
        _rules(spec, geo, out, head_lines)
    return out


def area_bottom(area: Rect, geo: PageGeometry) -> int:
    """An area that does not reach the page foot keeps its last line for the rule under it."""
    return area.bottom if area.bottom >= geo.spec.grid.lines else area.bottom - 1


def headline_depth(height: float, pitch: float) -> int:
    """Grid lines a headline of ``height`` points takes: half a line clear above and below."""
    return math.ceil((height + pitch) / pitch) if height else 0


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
    need = hs.lines or min(available, headline_depth(height, pitch))
    if not article.paragraphs and not hs.lines:
        need = available  # a headline-only block (the banner) fills its block
    if height > need * pitch + 0.01:
        # A headline longer than its area is overset like text: the lines that do not fit are counted.
        spill = [line for line, style, _ in _spilled(parts, need * pitch)]
        out.overset.append(Overset(article.id, sum(len(l.text) for l in spill), len(spill), "(headline)"))
        out.warnings.append(Warning("overset", f"headline of {article.id!r} needs {height / pitch:.1f} lines, "
                                    f"its area has {need}", spec.loc))
    y = geo.line_top(spec.block.top) + (need * pitch - height) / 2
    for line, style, role in parts:
        baseline = y + (style.leading - style.size) / 2 + EM_TOP_ABOVE_BASELINE * style.size
        out.add_line(line, aligned_x(line, x, width, hs.align), baseline, article.id, role)
        y += style.leading
    if not out.dry:
        out.frames.append(Frame(article.id, "headline", x, geo.line_top(spec.block.top), width, need * pitch))
    return need


def _spilled(parts: list, room: float) -> list:
    """The headline lines past ``room`` points of depth."""
    used = 0.0
    out = []
    for part in parts:
        used += part[1].leading
        if used > room + 0.01:
            out.append(part)
    return out


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
        # Only a two-clause title written with a space starts a new column at it; a space in
        # a subtitle or byline (本报记者 刘洋) is a gap inside the column.
        columns, missing = compose_vertical(text, style, height - drop, faces, break_at_spaces=role == "title")
        _report_missing(out, missing, article.loc, article.id)
        placed += [(col, style, role, drop) for col in columns]
    total = sum(style.leading for _, style, _, _ in placed)
    if total > width + 0.01 or any(col.height + drop > height + 0.01 for col, _, _, drop in placed):
        # Lost like overset text (it would print over the body or past the block): counted, so the
        # build stops unless overset is allowed.
        out.overset.append(Overset(article.id, sum(len(col.text) for col, _, _, _ in placed), len(placed),
                                   "(vertical headline)"))
        out.warnings.append(Warning("overset", f"vertical headline of {article.id!r} does not fit its "
                                    f"{cols} column(s) × {lines} lines", spec.loc))
    if out.dry:
        return lines
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


def _check_photos_placed(spec: ArticleSpec, article: Article) -> None:
    """A photo the article lists must print: one the spec gives no cell would be lost without a
    word (the entry has no ``photo:`` cell, or the article lists more photos than the one cell)."""
    placed = 1 if spec.photo else 0
    for photo in article.photos[placed:]:
        where = "has no photo cell" if not placed else "places only the first photo"
        raise InputError(photo.loc, f"photo {photo.file.name} of {article.id!r} is not placed: its entry "
                         f"({spec.loc}) {where}; give the entry a photo cell (photo: {{col, cols, line, lines}}) "
                         "or take the photo out of the article")


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
    out.photo_frame = (w, img_lines * grid.pitch - 2 * inset)
    if out.dry:
        return []
    if photo.side == "above":
        img_top, cap_top = cell.top, cell.top + img_lines
    else:
        cap_top, img_top = cell.top, cell.top + n_cap
    iy = geo.line_top(img_top) + inset
    ih = img_lines * grid.pitch - 2 * inset
    tint = spec.box.tint if spec.box is not None else None
    out.images.append(Image(photo.file, x, iy, w, ih, ps.fit, article.id, ps.focus, tint))
    out.frames.append(Frame(article.id, "photo", x, iy, w, ih))
    out.frames.append(Frame(article.id, "caption", x, geo.line_top(cap_top), w, n_cap * grid.pitch))
    return [to_text_line(line, x, geo.grid_baseline(cap_top + i, cap_style.size), article.id, "caption")
            for i, line in enumerate(cap_lines)]


def _columns(spec: ArticleSpec, blocked: list[Rect], geo: PageGeometry) -> list[tuple[int, int, list[tuple[int, int]]]]:
    """Every body column of every area in reading order: (area index, grid column, free line ranges)."""
    out = []
    areas = spec.areas
    # Rect's edges are properties: read once here, not per column (fitting asks this per trial).
    obstacles = [(r.col, r.right, r.top, r.bottom) for r in blocked if r.lines > 0]
    for index, area in enumerate(areas):
        # no rule line where the article itself continues below (the turn of an L)
        continues = [(a.col, a.right) for a in areas if a.top == area.bottom]
        foot = area_bottom(area, geo)
        for col in range(area.col, area.right):
            bottom = area.bottom if any(left <= col < right for left, right in continues) else foot
            taken = sorted((top, end) for left, right, top, end in obstacles if left <= col < right)
            segs: list[tuple[int, int]] = []
            start = area.top
            for top, end in taken:
                if top >= bottom or end <= area.top:
                    continue
                if top > start:
                    segs.append((start, min(top, bottom)))
                start = max(start, end)
            if start < bottom:
                segs.append((start, bottom))
            out.append((index, col, [seg for seg in segs if seg[1] > seg[0]]))
    return out


def _cap(columns: list[tuple[int, int, list[tuple[int, int]]]], area: int, limit: int,
         bottom: int) -> list[tuple[int, int, list[tuple[int, int]]]]:
    """Shorten the open foot of the last area's columns to ``limit`` (balancing); segments that end
    on an obstacle stay."""
    out = []
    for index, col, segs in columns:
        if index == area and segs and segs[-1][1] == bottom:
            segs = segs[:-1] + [(segs[-1][0], max(segs[-1][0], min(bottom, limit)))]
        out.append((index, col, segs))
    return out


def _capacity(columns: list[tuple[int, int, list[tuple[int, int]]]]) -> int:
    return sum(e - s for _, _, segs in columns for s, e in segs)


def _balanced_foot(columns: list[tuple[int, int, list[tuple[int, int]]]], area: int, top: int, bottom: int,
                   n_lines: int) -> int:
    """The shallowest foot of ``area``'s columns (from ``top`` to ``bottom``) that still takes
    ``n_lines``: what ``_capacity(_cap(columns, area, foot, bottom))`` says, found by bisection,
    with only the open feet (the segments _cap shortens) summed again at each trial."""
    fixed = 0
    open_starts: list[int] = []
    for index, _, segs in columns:
        if index == area and segs and segs[-1][1] == bottom:
            open_starts.append(segs[-1][0])
            segs = segs[:-1]
        fixed += sum(e - s for s, e in segs)
    lo, hi = top, bottom
    while lo < hi:
        mid = (lo + hi) // 2  # below ``bottom``: an open foot ending here holds ``mid - start`` lines
        if fixed + sum(max(0, mid - start) for start in open_starts) >= n_lines:
            hi = mid
        else:
            lo = mid + 1
    return lo


def plan_columns(spec: ArticleSpec, blocked: list[Rect], geo: PageGeometry,
                 n_lines: int) -> tuple[list[tuple[int, int, list[tuple[int, int]]]], Fill]:
    """The body's slots, balanced so the last area's columns end level, and how well they fill."""
    columns = _columns(spec, blocked, geo)
    last = len(spec.areas) - 1
    area = spec.areas[last]
    bottom = area_bottom(area, geo)
    foot = bottom
    if spec.balance and spec.jump_to is None:
        foot = _balanced_foot(columns, last, area.top, bottom, n_lines)
        columns = _cap(columns, last, foot, bottom)
    slots = _capacity(columns)
    open_ends = [segs[-1][1] for index, _, segs in columns if index == last and segs and segs[-1][1] == foot]
    if not open_ends:  # every column ends on a photo: nothing to balance, the white is the shortfall
        return columns, Fill(slots, n_lines, 0, max(0, slots - n_lines))
    # the last column with text ends ``slots - n_lines`` lines above the foot
    shortfall = min(max(0, slots - n_lines), foot - area.top)
    return columns, Fill(slots, n_lines, bottom - foot, shortfall)


def _place_body(spec: ArticleSpec, article: Article, styles: dict[str, Style], geo: PageGeometry,
                faces: FaceSet, out: Placed, blocked: list[Rect], lines: list[Line]) -> None:
    columns, fill = plan_columns(spec, blocked, geo, len(lines) + (spec.jump_to is not None)
                                 + (spec.continued_from is not None))
    n_slots = fill.slots  # the grid lines the columns hold
    placed: list[tuple[Line, str]] = [(line, line.role) for line in lines]
    if spec.continued_from is not None:
        placed.insert(0, (_jump_line(f"（上接第{spec.continued_from}版）", styles[spec.jump_style], geo, faces, "left"),
                          "jump"))
    if spec.jump_to is not None and len(placed) > n_slots:
        keep = max(0, n_slots - 1)
        out.leftover = [line for line, _ in placed[keep:]]
        placed = placed[:keep] + [(_jump_line(f"（转第{spec.jump_to}版）", styles[spec.jump_style], geo, faces,
                                              "right"), "jump")]
    if not out.dry:
        _set_body(spec, article, styles[spec.body], geo, out, columns, placed)
    out.fill = fill
    if len(placed) > n_slots:
        rest = placed[n_slots:]
        fitted = placed[n_slots - 1][0].text if n_slots else ""
        out.overset.append(Overset(article.id, sum(len(l.text) for l, _ in rest), len(rest), fitted[-12:]))
    elif fill.empty_foot > 1 or fill.shortfall > 1:
        out.warnings.append(Warning("underset", f"{article.id!r}: {fill.slots - fill.lines} body lines empty "
                                    f"({fill.empty_foot} at the foot of the block, the last column "
                                    f"{fill.shortfall} short)", spec.loc))


def _set_body(spec: ArticleSpec, article: Article, body: Style, geo: PageGeometry, out: Placed,
              columns: list[tuple[int, int, list[tuple[int, int]]]], placed: list[tuple[Line, str]]) -> None:
    """The body's lines into the columns' grid lines, in reading order, and the columns' frames."""
    slots = [(col, line) for _, col, segs in columns for s, e in segs for line in range(s, e)]
    for (line, role), (col, grid_line) in zip(placed, slots):
        if role == "blank":
            continue
        size = line.size if role == "subhead" else body.size
        out.add_line(line, geo.col_left(col), geo.grid_baseline(grid_line, size), article.id, role)
    for _, col, segs in columns:
        for s, e in segs:
            out.frames.append(Frame(article.id, "body", *geo.rect_box(Rect(col, 1, s, e - s, spec.loc))))


def _jump_line(text: str, style: Style, geo: PageGeometry, faces: FaceSet, align: str) -> Line:
    """转第N版 / 上接第N版: one line of the column, set right or left."""
    lines, _ = compose_display(text, style, geo.span_width(1), faces)
    line = lines[0]
    shift = geo.span_width(1) - line.natural if align == "right" else 0.0
    glyphs = tuple(g._replace(x=g.x + shift) for g in line.glyphs)
    return Line(glyphs, geo.span_width(1), geo.span_width(1), line.text, True, line.size)


def _rules(spec: ArticleSpec, geo: PageGeometry, out: Placed, head_lines: int) -> None:
    if spec.box is not None:
        _box(spec, geo, out)
    for area in spec.areas:
        _area_rules(spec, area, geo, out, head_lines if area is spec.block else 0)


def _box(spec: ArticleSpec, geo: PageGeometry, out: Placed) -> None:
    """花边: the frame runs in the gutters beside the block and through its rule line below."""
    grid = geo.spec.grid
    box = spec.box
    assert box is not None
    for area in spec.areas:
        x1 = geo.col_left(area.col) - grid.gutter / 2
        x2 = geo.col_left(area.col) + geo.span_width(area.cols) + grid.gutter / 2
        y1 = geo.line_top(area.top)
        y2 = geo.line_top(area.bottom) - (grid.pitch / 2 if area.bottom < grid.lines else 0.0)
        out.panels.append(Panel(x1, y1, x2 - x1, y2 - y1, box.tint, box.rule, BLACK, 1.5 if box.double else 0.0))


def _area_rules(spec: ArticleSpec, block: Rect, geo: PageGeometry, out: Placed, head_lines: int) -> None:
    page = geo.spec
    grid = page.grid
    at_page_foot = block.bottom >= grid.lines
    color = BLACK
    bx, by, bw, bh = geo.rect_box(block)
    boxed = spec.box is not None  # the box's frame stands where the article rules would
    if not at_page_foot and page.rules.article > 0 and not boxed:
        y = geo.line_top(block.bottom - 1) + grid.pitch / 2
        # no rule between two areas of one article (the turn of an L-shaped module)
        below = [a for a in spec.areas if a.top == block.bottom and a.col < block.right and block.col < a.right]
        x1 = bx
        for a in sorted(below, key=lambda a: a.col):
            ax, _, aw, _ = geo.rect_box(a)
            if ax > x1:
                out.rules.append(Rule(x1, y, ax, y, page.rules.article, color, "article"))
            x1 = max(x1, ax + aw)
        if x1 < bx + bw:
            out.rules.append(Rule(x1, y, bx + bw, y, page.rules.article, color, "article"))
    beside = any(a.col == block.right and a.top < block.bottom and block.top < a.bottom for a in spec.areas)
    if block.right < grid.columns and page.rules.article > 0 and not beside and not boxed:
        x = geo.col_left(block.right) - grid.gutter / 2
        bottom = by + bh - (0 if at_page_foot else grid.pitch / 2)
        out.rules.append(Rule(x, by, x, bottom, page.rules.article, color, "article"))
    head_right = block.col + (spec.headline.cols or block.cols) if head_lines else block.col
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
    warning = _missing_warning(missing, loc, article)
    if warning is not None:
        out.warnings.append(warning)


def _missing_warning(missing: list[str], loc: Loc, article: str) -> Warning | None:
    """What the composer still found no glyph for in the face it set (flow/glyphs.py has stopped
    the build for, or put 〓 in place of, anything no face of the chain has): each character once,
    as U+XXXX and its name; characters that print nothing by design are not missing."""
    chars = sorted({ch for ch in missing if not is_ignorable(ch)})
    if not chars:
        return None
    return Warning("missing-glyph", f"article {article!r}: the face set has no "
                   + ", ".join(describe(ch) for ch in chars), loc)
