"""报头: the masthead of a front page, in the grid lines the spec gives it.

Its block is cut into the ears (报眼, article entries flowed like any module, at the sides) and
the name plate's columns between them. There, from the top: the paper's name (a logotype scaled
whole into the space, or the name set in its style, centred), then one grid line for each info
line (the date line with weekday and 农历, the numbers, CN and 邮发代号, the publisher), centred
under the name; the block's last line holds the rule under the masthead, heavier than the rules
between articles, with a thin second rule under it (双线) unless ``double: false``.

Within an info line, words are a quarter em apart (clreq §3.2.2's Han–Latin gap, which a space
between 代号 and 37-1 stands for) and its parts one em (a 全角 space); nothing is widened.
"""

from __future__ import annotations


from pagesetter.compose.display import compose_display
from pagesetter.compose.lines import Line
from pagesetter.errors import InputError, quoted
from pagesetter.flow.article import Placed, to_text_line
from pagesetter.flow.geometry import EM_TOP_ABOVE_BASELINE, PageGeometry
from pagesetter.compose.chars import SUBSTITUTE
from pagesetter.flow.glyphs import masthead_printable
from pagesetter.fonts.face import FaceSet
from pagesetter.pagetree import Frame, Image, Rule, TextLine, Vector
from pagesetter.records import record
from pagesetter.spec.model import BLACK, Masthead, PageSpec, Style

ARTICLE = "masthead"  # the frames' and lines' article name (an article may not take it: spec/masthead.py)
WORD_GAP = 0.25  # em between the words of an info part
PART_GAP = 1.0  # em between the parts of an info line
THIN_RULE = 0.5  # pt: the thin rule of the 双线 under the masthead
RULE_GAP = 1.5  # pt of white between the heavy rule and the thin one


@record(frozen=True)
class Region:
    """The masthead's columns between its ears: where the name plate and the info lines stand."""

    col: int
    cols: int


def rule_y(spec: PageSpec, masthead: Masthead) -> float:
    """Where the heavy rule runs: the middle of the masthead's last line, where an article's rule would."""
    geo = PageGeometry(spec)
    return geo.line_top(masthead.block.bottom - 1) + spec.grid.pitch / 2


def place_masthead(spec: PageSpec, masthead: Masthead, geo: PageGeometry, faces: FaceSet, out: Placed,
                   vectors: list[Vector]) -> None:
    grid = spec.grid
    block = masthead.block
    region = _region(spec, masthead)
    rx, rw = geo.col_left(region.col), geo.span_width(region.cols)
    out.frames.append(Frame(ARTICLE, "block", rx, geo.line_top(block.top), rw, block.lines * grid.pitch))
    plate = masthead.name
    px, pw = geo.col_left(plate.col), geo.span_width(plate.cols)
    info = masthead.info_lines()
    first_info = block.bottom - 1 - len(info)
    style = spec.styles[masthead.style]
    for i, (where, parts) in enumerate(info):
        line_no = first_info + i
        lines = _info_line(spec, masthead, where, parts, style, pw, faces, px, geo.grid_baseline(line_no, style.size))
        out.lines += lines
    if info:
        out.frames.append(Frame(ARTICLE, "info", px, geo.line_top(first_info), pw, len(info) * grid.pitch))
    # the name: half a line clear below the masthead's top and above the first info line
    top = geo.line_top(block.top) + grid.pitch / 2
    height = geo.line_top(first_info) - grid.pitch / 2 - top
    if plate.text:
        _set_name(spec, masthead, faces, out, px, top, pw, height)
    else:
        _place_logo(masthead, out, vectors, px, top, pw, height)
    _rules(spec, masthead, geo, out)


def _region(spec: PageSpec, masthead: Masthead) -> Region:
    block = masthead.block
    left, right = block.col, block.right
    for ear in spec.articles:
        if ear.article in masthead.ears:
            if ear.block.col == block.col:
                left = ear.block.right
            else:
                right = ear.block.col
    return Region(left, right - left)


def _printable(spec: PageSpec, text: str, style: Style, faces: FaceSet) -> str:
    """``text`` with 〓 for each character no face has (the build has stopped already unless the
    spec says ``missing_glyphs: substitute``; flow/glyphs.py)."""
    return "".join(ch if masthead_printable(ch, style, faces) else SUBSTITUTE for ch in text)


def _info_line(spec: PageSpec, masthead: Masthead, where: str, parts: tuple[str, ...], style: Style, width: float,
               faces: FaceSet, x: float, baseline: float) -> list[TextLine]:
    words: list[tuple[Line, float]] = []  # each word and the gap before it
    for p, part in enumerate(parts):
        for w, word in enumerate(part.split()):
            set_lines, _ = compose_display(_printable(spec, word, style, faces), style, width, faces)
            gap = 0.0 if not words else (WORD_GAP if w else PART_GAP) * style.size
            words += [(set_lines[0], gap)] if len(set_lines) == 1 else [(line, gap) for line in set_lines]
    total = sum(line.natural + gap for line, gap in words)
    if total > width + 0.01:
        locs = dict(masthead.info_locs)
        raise InputError(locs.get(where, masthead.loc), f"the masthead's {where} {quoted('  '.join(parts))} is "
                         f"{total:.1f} pt wide, the name plate's columns {width:.1f} pt; widen the name plate "
                         "(name: cols) or set the masthead style smaller")
    cursor = x + (width - total) / 2
    out = []
    for line, gap in words:
        cursor += gap
        out.append(to_text_line(line, cursor, baseline, ARTICLE, "masthead"))
        cursor += line.natural
    return out


def _set_name(spec: PageSpec, masthead: Masthead, faces: FaceSet, out: Placed, x: float, top: float,
              width: float, height: float) -> None:
    plate = masthead.name
    style = spec.styles[plate.style]
    lines, _ = compose_display(_printable(spec, plate.text, style, faces), style, width, faces)
    natural = sum(line.natural for line in lines)
    if len(lines) > 1 or natural > width + 0.01:
        raise InputError(plate.loc, f"the paper's name {quoted(plate.text)} in {style.name!r} ({style.size:g} pt) is "
                         f"{natural:.0f} pt wide, the name plate {width:.0f} pt; set it smaller or give the "
                         "name plate more columns (name: cols)")
    if style.size > height + 0.01:
        raise InputError(plate.loc, f"the paper's name in {style.name!r} is {style.size:g} pt tall, the name plate "
                         f"{height:.0f} pt deep; set it smaller or give the masthead more lines")
    line = lines[0]
    baseline = top + (height - style.size) / 2 + EM_TOP_ABOVE_BASELINE * style.size
    out.lines.append(to_text_line(line, x + (width - line.natural) / 2, baseline, ARTICLE, "masthead-name"))
    out.frames.append(Frame(ARTICLE, "name", x + (width - line.natural) / 2, top + (height - style.size) / 2,
                            line.natural, style.size))


def _place_logo(masthead: Masthead, out: Placed, vectors: list[Vector], x: float, top: float, width: float,
                height: float) -> None:
    """The logotype whole, as large as the space allows, centred."""
    plate = masthead.name
    assert plate.logo is not None
    if plate.vector is not None:
        x0, y0, x1, y1 = plate.vector.bbox
        aspect = (x1 - x0) / (y1 - y0)
    else:
        aspect = _picture_aspect(plate)
    w, h = (width, width / aspect) if width / aspect <= height else (height * aspect, height)
    lx, ly = x + (width - w) / 2, top + (height - h) / 2
    if plate.vector is not None:
        vectors.append(Vector(plate.vector.content, plate.vector.bbox, lx, ly, w, h, ARTICLE))
    else:
        # the frame has the picture's own proportions: "fill" crops nothing
        out.images.append(Image(plate.logo, lx, ly, w, h, "fill", ARTICLE))
    out.frames.append(Frame(ARTICLE, "name", lx, ly, w, h))


def _picture_aspect(plate) -> float:  # type: ignore[no-untyped-def]  # NamePlate
    from pagesetter.render.images import _open

    try:
        picture = _open(plate.logo)
    except InputError as exc:
        raise InputError(plate.loc, f"logo: {exc.message}") from None
    return picture.width / picture.height


def _rules(spec: PageSpec, masthead: Masthead, geo: PageGeometry, out: Placed) -> None:
    block = masthead.block
    grid = spec.grid
    x1 = geo.col_left(block.col)
    x2 = x1 + geo.span_width(block.cols)
    y = rule_y(spec, masthead)
    out.rules.append(Rule(x1, y, x2, y, masthead.rule, BLACK, "masthead"))
    if masthead.double:
        y2 = y + masthead.rule / 2 + RULE_GAP + THIN_RULE / 2
        out.rules.append(Rule(x1, y2, x2, y2, THIN_RULE, BLACK, "masthead"))
    # An ear's own rule stands at its right (flow/article.py); the right ear gets one at its left.
    for ear in spec.articles:
        if ear.article in masthead.ears and ear.block.col > block.col and ear.box is None \
                and spec.rules.article > 0:
            x = geo.col_left(ear.block.col) - grid.gutter / 2
            out.rules.append(Rule(x, geo.line_top(block.top), x, y, spec.rules.article, spec.rules.color, "article"))


def without_ear_foot_rules(rules: list[Rule], spec: PageSpec, masthead: Masthead) -> list[Rule]:
    """The ears' article rules along the masthead's foot lie under its own heavy rule: dropped."""
    geo = PageGeometry(spec)
    y = rule_y(spec, masthead)
    x1 = geo.col_left(masthead.block.col)
    x2 = x1 + geo.span_width(masthead.block.cols)
    return [r for r in rules if not (r.role == "article" and abs(r.y1 - y) < 0.01 and abs(r.y2 - y) < 0.01
                                     and r.x1 >= x1 - 0.01 and r.x2 <= x2 + 0.01)]
