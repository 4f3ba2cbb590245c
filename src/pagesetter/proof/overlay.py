"""The proof copy: the page with its make-up drawn over it, for the desk, never for the plate.

Baseline grid and column grid in light process colours, every module's frame with its name,
overset marked in red with the amount, characters no face has and photos under 200 ppi marked in
red, and the trim, bleed and safety lines. It is a page tree
like any other (more rules and text), so the same renderer draws it.
"""

from __future__ import annotations

from dataclasses import replace

from pagesetter.compose.display import compose_display
from pagesetter.flow.article import to_text_line
from pagesetter.flow.geometry import PageGeometry
from pagesetter.fonts.face import FaceSet
from pagesetter.pagetree import Page, Rule, TextLine
from pagesetter.spec.model import CMYK, PageSpec

GRID = CMYK(40, 0, 0, 0)  # baseline grid: light cyan
COLUMNS = CMYK(0, 40, 0, 0)  # column grid: light magenta
FRAME = CMYK(100, 50, 0, 0)  # module frames and names: blue
OVERSET = CMYK(0, 100, 100, 0)  # red
SAFETY = CMYK(60, 0, 100, 0)  # green
SAFETY_MARGIN = 5 * 72 / 25.4  # PRINT.md: keep text 3–5 mm inside the trim
LOW_PPI = 200  # PRINT.md: warn under 200 ppi effective
HAIR = 0.2


def proof_page(page: Page, spec: PageSpec, faces: FaceSet) -> Page:
    geo = PageGeometry(spec)
    rules: list[Rule] = []
    lines: list[TextLine] = []
    grid = spec.grid
    left, top, width, height = geo.left, geo.top, grid.width, grid.height
    for i in range(grid.lines):
        y = geo.grid_baseline(i, grid.body_size)
        rules.append(Rule(left, y, left + width, y, 0.1, GRID, "proof"))
    for c in range(grid.columns):
        for x in (geo.col_left(c), geo.col_left(c) + grid.column_width):
            rules.append(Rule(x, top, x, top + height, 0.1, COLUMNS, "proof"))
    blocks = [f for f in page.frames if f.kind == "block"]
    named: set[str] = set()
    for f in blocks:
        rules += _box(f.x, f.y, f.width, f.height, 0.5, FRAME)
        if f.article not in named:
            named.add(f.article)
            lines.append(_label(f.article, f.x + 2, f.y + 8, FRAME, spec, faces, f.width))
    for o in page.overset:
        body = [f for f in page.frames if f.article == o.article and f.kind == "body"]
        target = body[-1] if body else next(f for f in blocks if f.article == o.article)
        rules += _box(target.x, target.y, target.width, target.height, 1.5, OVERSET)
        lines.append(_label(f"溢出 {o.chars}字 {o.lines}行", target.x + 2, target.y + target.height - 4, OVERSET,
                            spec, faces, target.width))
    for line in page.lines:  # characters no face has: marked where they would stand
        for g in line.glyphs:
            if g.gid == 0 and g.text.strip():
                rules += _box(g.x, line.baseline - g.size * 0.88, g.size, g.size, 1.0, OVERSET)
                lines.append(_label(f"缺字 U+{ord(g.text[0]):04X}", g.x, line.baseline - g.size, OVERSET, spec, faces,
                                    60.0))
    for image in page.images:
        ppi = _effective_ppi(image)
        if ppi is not None and ppi < LOW_PPI:
            rules += _box(image.x, image.y, image.width, image.height, 1.5, OVERSET)
            lines.append(_label(f"低分辨率 {ppi:.0f} ppi", image.x + 2, image.y + 10, OVERSET, spec, faces,
                                image.width))
    tw, th = spec.trim
    rules += _box(0, 0, tw, th, 0.25, CMYK(0, 0, 0, 100))
    b = spec.bleed
    rules += _box(-b, -b, tw + 2 * b, th + 2 * b, HAIR, OVERSET)
    m = SAFETY_MARGIN
    rules += _box(m, m, tw - 2 * m, th - 2 * m, HAIR, SAFETY)
    return replace(page, rules=page.rules + tuple(rules), lines=page.lines + tuple(lines))


def _effective_ppi(image) -> float | None:
    """Source pixels per inch on the page: a fill crop is scaled to cover the frame (the smaller
    ratio counts), a fit to sit inside it (the larger)."""
    from PIL import Image as PILImage

    try:
        from pagesetter.render.photo import photo_formats

        with PILImage.open(image.path, formats=photo_formats(image.path)) as im:
            w, h = im.size
    except OSError:
        return None
    across, down = w / (image.width / 72), h / (image.height / 72)
    return min(across, down) if image.fit == "fill" else max(across, down)


def _box(x: float, y: float, w: float, h: float, weight: float, color: CMYK) -> list[Rule]:
    return [Rule(x, y, x + w, y, weight, color, "proof"), Rule(x + w, y, x + w, y + h, weight, color, "proof"),
            Rule(x, y + h, x + w, y + h, weight, color, "proof"), Rule(x, y, x, y + h, weight, color, "proof")]


def _label(text: str, x: float, baseline: float, color: CMYK, spec: PageSpec, faces: FaceSet,
           width: float) -> TextLine:
    style = replace(spec.styles["folio"], font="hei", size=6.0, color=color, tracking=0.0)
    line = compose_display(text, style, max(width, 60.0), faces)[0][0]
    return to_text_line(line, x, baseline, "proof", "proof")
