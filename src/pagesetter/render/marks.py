"""Printer's marks outside the bleed: crop marks, registration targets, the slug line.

../shared/PRINT.md: crop marks outside the bleed, 5–10 mm long, hairline 0.25 pt, in registration
colour (100 % of every ink); registration targets centred on each side, with a CMYK control strip;
a slug line outside the trim (file, page, edition, date). The MediaBox grows to hold them; TrimBox and BleedBox stay exact.
Many plants want no marks in delivered files, so each is switchable in the spec.
"""

from __future__ import annotations

from dataclasses import replace

from pagesetter.compose.display import compose_display
from pagesetter.flow.article import to_text_line
from pagesetter.fonts.face import FaceSet
from pagesetter.pagetree import Page, Panel, Rule, TextLine
from pagesetter.spec.model import CMYK, Marks, Style

MM = 72 / 25.4
REGISTRATION = CMYK(100, 100, 100, 100)  # written as /Separation /All, on every plate (render/pdf.py)
HAIRLINE = 0.25
OFFSET = 2 * MM  # beyond the bleed
LENGTH = 8 * MM
MARGIN = 16 * MM  # media beyond the bleed: marks, targets, slug


def add_marks(page: Page, marks: Marks, slug_text: str, slug_style: Style, faces: FaceSet) -> Page:
    if not marks.any:
        return page
    rules: list[Rule] = []
    lines: list[TextLine] = []
    w, h = page.trim
    near = page.bleed + OFFSET
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
        mid = near + LENGTH / 2
        for cx, cy in ((w / 2, -mid), (w / 2, h + mid), (-mid, h / 2), (w + mid, h / 2)):
            rules += [Rule(cx - r, cy, cx + r, cy, HAIRLINE, REGISTRATION, "mark"),
                      Rule(cx, cy - r, cx, cy + r, HAIRLINE, REGISTRATION, "mark")]
            s = r * 0.6
            rules += [Rule(cx - s, cy - s, cx + s, cy - s, HAIRLINE, REGISTRATION, "mark"),
                      Rule(cx + s, cy - s, cx + s, cy + s, HAIRLINE, REGISTRATION, "mark"),
                      Rule(cx + s, cy + s, cx - s, cy + s, HAIRLINE, REGISTRATION, "mark"),
                      Rule(cx - s, cy + s, cx - s, cy - s, HAIRLINE, REGISTRATION, "mark")]
    if marks.registration:
        panels = _control_strip(w, h, far)
    else:
        panels = []
    if marks.slug:
        style = replace(slug_style, size=6.0, color=CMYK(0, 0, 0, 100), tracking=0.0)
        line = compose_display(slug_text, style, w, faces)[0][0]
        lines.append(to_text_line(line, 0.0, h + far + 4 * MM, "slug", "slug"))
    return replace(page, rules=page.rules + tuple(rules), lines=page.lines + tuple(lines),
                   panels=page.panels + tuple(panels), mark_margin=MARGIN)


# A CMYK control strip: solids and half tints of each ink, a grey balance patch and a registration
# solid, for the press to read densities and trapping (PRINT.md, "Marks").
STRIP = (CMYK(100, 0, 0, 0), CMYK(0, 100, 0, 0), CMYK(0, 0, 100, 0), CMYK(0, 0, 0, 100),
         CMYK(50, 0, 0, 0), CMYK(0, 50, 0, 0), CMYK(0, 0, 50, 0), CMYK(0, 0, 0, 50),
         CMYK(50, 40, 40, 0), CMYK(100, 100, 0, 0), CMYK(0, 100, 100, 0), CMYK(100, 0, 100, 0))


def _control_strip(w: float, h: float, far: float) -> list[Panel]:
    size = 4 * MM
    x = w - len(STRIP) * size - 20 * MM
    y = h + far - size  # in the foot margin, level with the ends of the crop marks
    return [Panel(x + i * size, y, size, size, colour, 0.0, colour) for i, colour in enumerate(STRIP)]
