"""Printer's marks outside the bleed: crop marks, registration targets, the slug line.

../shared/PRINT.md: crop marks outside the bleed, 5–10 mm long, hairline 0.25 pt, in registration
colour (100 % of every ink); registration targets centred on each side, with a CMYK control strip;
a slug line outside the trim (file, page, edition, date). The MediaBox grows to hold them; TrimBox and BleedBox stay exact.
Many plants want no marks in delivered files, so each is switchable in the spec.
"""

from __future__ import annotations

from dataclasses import replace

from pagesetter.compose.display import compose_display
from pagesetter.compose.lines import Line
from pagesetter.flow.article import to_text_line
from pagesetter.fonts.face import FaceSet
from pagesetter.incremental import Memo
from pagesetter.pagetree import Page, Panel, Rule, TextLine
from pagesetter.spec.model import CMYK, Marks, Style

MM = 72 / 25.4
REGISTRATION = CMYK(100, 100, 100, 100)  # written as /Separation /All, on every plate (render/pdf.py)
HAIRLINE = 0.25
OFFSET = 2 * MM  # beyond the bleed
LENGTH = 8 * MM
MARGIN = 16 * MM  # media beyond the bleed: marks, targets, slug


def media_origin(bleed: float, marks: Marks) -> float:
    """How far the trim's top-left corner stands inside the MediaBox's: the bleed, and the margin
    the marks take when there are any (add_marks; render/pdf.py draws the page from there)."""
    return bleed + (MARGIN if marks.any else 0.0)


def add_marks(page: Page, marks: Marks, slug_forms: tuple[str, ...], slug_style: Style,
              faces: FaceSet, memo: Memo | None = None) -> tuple[Page, str | None]:
    """The page with the marks ``marks`` asks for; and, when the slug line could not be set whole
    in any of ``slug_forms`` (fullest first, slug_line), the text it printed cut (else None).
    ``memo`` (session.py): the marks kept while what they are made of is unchanged (the spec's
    marks and style, the faces by identity; the page's size and the slug's forms by value), so
    the slug line is the same page line and its text is not drawn again."""
    if not marks.any:
        return page, None
    rules, lines, panels, cut = (
        _marks(page.trim, page.bleed, marks, slug_forms, slug_style, faces) if memo is None else
        memo(("marks", page.trim, page.bleed, marks, slug_forms, slug_style, faces),
             lambda: _marks(page.trim, page.bleed, marks, slug_forms, slug_style, faces)))
    return replace(page, rules=page.rules + rules, lines=page.lines + lines,
                   panels=page.panels + panels, mark_margin=MARGIN), cut


def _marks(trim: tuple[float, float], bleed: float, marks: Marks, slug_forms: tuple[str, ...], slug_style: Style,
           faces: FaceSet) -> tuple[tuple[Rule, ...], tuple[TextLine, ...], tuple[Panel, ...], str | None]:
    """add_marks's rules, lines and panels, and the slug line's cut text (None: it is whole)."""
    rules: list[Rule] = []
    lines: list[TextLine] = []
    w, h = trim
    near = bleed + OFFSET
    far = near + LENGTH
    if marks.crop:
        for x in (0.0, w):
            for y in (0.0, h):
                sx = -1 if x == 0 else 1
                sy = -1 if y == 0 else 1
                rules.append(Rule(x + sx * near, y, x + sx * far, y, HAIRLINE, REGISTRATION, "mark"))
                rules.append(Rule(x, y + sy * near, x, y + sy * far, HAIRLINE, REGISTRATION, "mark"))
    if marks.registration:
        r = 3 * MM
        for cx, cy in _target_centres(w, h, near):
            rules += [Rule(cx - r, cy, cx + r, cy, HAIRLINE, REGISTRATION, "mark"),
                      Rule(cx, cy - r, cx, cy + r, HAIRLINE, REGISTRATION, "mark")]
            s = r * 0.6
            rules += [Rule(cx - s, cy - s, cx + s, cy - s, HAIRLINE, REGISTRATION, "mark"),
                      Rule(cx + s, cy - s, cx + s, cy + s, HAIRLINE, REGISTRATION, "mark"),
                      Rule(cx + s, cy + s, cx - s, cy + s, HAIRLINE, REGISTRATION, "mark"),
                      Rule(cx - s, cy + s, cx - s, cy - s, HAIRLINE, REGISTRATION, "mark")]
    if marks.registration:
        crops = [(min(r.x1, r.x2), min(r.y1, r.y2), max(r.x1, r.x2), max(r.y1, r.y2)) for r in rules[:8]] \
            if marks.crop else []
        targets = [(cx - 3 * MM, cy - 3 * MM, cx + 3 * MM, cy + 3 * MM) for cx, cy in _target_centres(w, h, near)]
        panels = control_strip(w, h, near, far, crops + targets)
    else:
        panels = []
    cut = None
    if marks.slug:
        style = replace(slug_style, size=6.0, color=CMYK(0, 0, 0, 100), tracking=0.0)
        line, x, whole = slug_line(slug_forms, style, w, bleed, faces)
        lines.append(to_text_line(line, x, h + far + 4 * MM, "slug", "slug"))
        cut = None if whole else line.text
    return tuple(rules), tuple(lines), tuple(panels), cut


# The NOT FOR PRINT mark of a refused or overset page whose spec asks for no slug line (marks:
# {slug: false}, or marks: false): such a plant imposes the pages itself by their TrimBox, so
# nothing outside the trim reaches its proofs or plates. The mark is set inside the trim instead,
# across the page in the wider of the margins above and below the type area (版心), where no
# text of the page stands: in black, this size, centred on the trim's width.
INSIDE_MARK_SIZE = 7.0


def mark_inside_trim(text: str, style: Style, trim: tuple[float, float], type_top: float, type_bottom: float,
                     faces: FaceSet) -> TextLine:
    """The refused page's mark (``text``) as a line inside the trim, outside the type area (the
    head or foot margin, whichever is deeper, its baseline a third of the size below the margin's
    middle), centred; a mark wider than the trim is set in its first width (the mark's own words
    first: what is cut is the file's name and date)."""
    w, h = trim
    style = replace(style, size=INSIDE_MARK_SIZE, color=CMYK(0, 0, 0, 100), tracking=0.0)
    line = compose_display(text, style, 10 * w, faces)[0][0]
    x = max(0.0, (w - line.natural) / 2)
    head, foot = type_top, h - type_bottom
    middle = type_bottom + foot / 2 if foot >= head else head / 2
    return to_text_line(line, x, middle + INSIDE_MARK_SIZE / 3, "slug", "slug")


SLUG_CLEAR = 2 * MM  # between the slug line and the MediaBox's edge, when it runs past the trim's width


def slug_line(forms: tuple[str, ...], style: Style, w: float, bleed: float, faces: FaceSet) -> tuple[Line, float, bool]:
    """The slug line, its left edge (from the trim's) and whether it is whole. It stands under the
    trim from its left edge; one too long for the trim's width (a narrow page: trial 13's 60 mm
    printed half of it, cut without a word) runs across the foot margin's whole width instead, the
    MediaBox's less SLUG_CLEAR each side (nothing else stands on its line there: the crop marks,
    the foot's target and the control strip end above it), in the first of ``forms`` (the whole
    line, then shorter ones) that fits. Else the shortest form, cut at that width (not whole: the
    build warns)."""
    first = compose_display(forms[0], style, w, faces)[0]
    if _one_line(first, w):
        return first[0], 0.0, True  # as it always stood
    edge = bleed + MARGIN - SLUG_CLEAR
    lines = first
    for text in forms:
        lines = compose_display(text, style, w + 2 * edge, faces)[0]
        if _one_line(lines, w + 2 * edge):
            return lines[0], -edge, True
    return lines[0], -edge, False


def _one_line(lines: list[Line], width: float) -> bool:
    """Is the text set whole on one line within ``width`` (a word no break fits runs past it)?"""
    return len(lines) == 1 and lines[0].natural <= width + 0.01


# A CMYK control strip: solids and half tints of each ink, a grey balance patch and a registration
# solid, for the press to read densities and trapping (PRINT.md, "Marks").
STRIP = (CMYK(100, 0, 0, 0), CMYK(0, 100, 0, 0), CMYK(0, 0, 100, 0), CMYK(0, 0, 0, 100),
         CMYK(50, 0, 0, 0), CMYK(0, 50, 0, 0), CMYK(0, 0, 50, 0), CMYK(0, 0, 0, 50),
         CMYK(50, 40, 40, 0), CMYK(100, 100, 0, 0), CMYK(0, 100, 100, 0), CMYK(100, 0, 100, 0))


def _target_centres(w: float, h: float, near: float) -> tuple[tuple[float, float], ...]:
    """The registration targets' centres: centred on each side, level with the crop marks' middles."""
    mid = near + LENGTH / 2
    return ((w / 2, -mid), (w / 2, h + mid), (-mid, h / 2), (w + mid, h / 2))


PATCH = 4 * MM  # a control strip patch's side
CLEAR = 1 * MM  # white between the control strip and another mark


def control_strip(w: float, h: float, near: float, far: float,
                  marks: list[tuple[float, float, float, float]]) -> list[Panel]:
    """The control strip where it meets no other mark (``marks``: the crop marks' and targets'
    boxes, x0, y0, x1, y1 from the trim's corner): in the foot margin level with the ends of the
    crop marks, 20 mm in from the right as on any page wide enough; else at the foot between the
    target and a crop mark; else up a side margin, beside the lower or upper half; else in two
    rows at the foot. Trial 13: on a 60 mm trim it lay over the foot's target and a crop mark.
    Raises MarksError when the page has no margin it fits in."""
    n = len(STRIP)
    long, short = n * PATCH, PATCH
    edge = near - OFFSET + MARGIN  # the MediaBox's edge beyond the trim
    foot = h + far - short
    inset = 2 * CLEAR  # from the trim's edge: its crop marks stand there, CLEAR clear of the box
    places: list[tuple[float, float, int]] = [  # left, top, patches in a row
        (w - long - 20 * MM, foot, n),
        (w - inset - long, foot, n),
        (inset, foot, n),
        (w + far - short, h - inset - long, 1),
        (-far, h - inset - long, 1),
        (w + far - short, inset, 1),
        (-far, inset, 1),
        (w - inset - long / 2, h + near, n // 2),
        (inset, h + near, n // 2),
    ]
    for x, y, across in places:
        cells = [(x + (i % across) * PATCH, y + (i // across) * PATCH) for i in range(n)]
        right = max(cx for cx, _ in cells) + PATCH
        bottom = max(cy for _, cy in cells) + PATCH
        box = (x - CLEAR, y - CLEAR, right + CLEAR, bottom + CLEAR)
        outside = right <= -near + 0.01 or x >= w + near - 0.01 or bottom <= -near + 0.01 or y >= h + near - 0.01
        on_media = x >= -edge and y >= -edge and right <= w + edge and bottom <= h + edge
        if outside and on_media and not any(_meet(box, m) for m in marks):
            return [Panel(cx, cy, PATCH, PATCH, colour, 0.0, colour) for (cx, cy), colour in zip(cells, STRIP)]
    raise MarksError(f"the page ({w / MM:.0f} × {h / MM:.0f} mm) has no margin the control strip "
                     f"({long / MM:.0f} × {short / MM:.0f} mm) fits in beside the crop marks and targets")


def _meet(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    """Two boxes share some area or line (a hairline mark's box has no width)."""
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


class MarksError(ValueError):
    """The marks the spec asks for do not fit the page's margins without meeting (build.py
    with_marks says it at the spec)."""
