"""The proof copy: the page with its make-up drawn over it, for the desk, never for the plate.

Baseline grid and column grid in light process colours, every module's frame with its name,
overset marked in red with the amount, characters no face has and photos under 200 ppi marked in
red, and the trim, bleed and safety lines. It is a page tree
like any other (more rules and text), so the same renderer draws it.
"""

from __future__ import annotations

from dataclasses import replace
from itertools import groupby
from typing import TYPE_CHECKING

from pagesetter.compose.display import compose_display
from pagesetter.flow.article import to_text_line
from pagesetter.flow.geometry import EM_TOP_ABOVE_BASELINE, PageGeometry
from pagesetter.fonts.face import FaceSet
from pagesetter.pagetree import Frame, Overset, Page, Rule, TextLine
from pagesetter.spec.model import CMYK, PageSpec

if TYPE_CHECKING:
    from pagesetter.content.model import Article

GRID = CMYK(40, 0, 0, 0)  # baseline grid: light cyan
COLUMNS = CMYK(0, 40, 0, 0)  # column grid: light magenta
FRAME = CMYK(100, 50, 0, 0)  # module frames and names: blue
OVERSET = CMYK(0, 100, 100, 0)  # red
SAFETY = CMYK(60, 0, 100, 0)  # green
SAFETY_MARGIN = 5 * 72 / 25.4  # PRINT.md: keep text 3–5 mm inside the trim
LOW_PPI = 200  # PRINT.md: warn under 200 ppi effective
HAIR = 0.2


def proof_page(page: Page, spec: PageSpec, faces: FaceSet, articles: "dict[str, Article] | None" = None) -> Page:
    """The page with its make-up drawn over it. ``articles``: as set, their 〓 for characters no
    face has (``missing_glyphs: substitute``) marked 缺字 as a hole is (trial 17b #11: only the
    holes of a page that could not be printed anyway were marked)."""
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
    taken = [box for line in page.lines for box in _glyph_boxes(line)] + \
        [box for line in lines for box in _glyph_boxes(line)]  # the page's text and the frames' names
    for o in page.overset:
        target = _overset_frame(page, o)
        rules += _box(target.x, target.y, target.width, target.height, 1.5, OVERSET)
        label = _clear_label(f"溢出 {o.chars}字 {o.lines}行", target, geo, spec, faces, taken)
        lines.append(label)
        taken += _glyph_boxes(label)
    stood_in = _stood_in_glyphs(page, articles or {}) | _furniture_stood_in(page, spec, faces)
    for n, line in enumerate(page.lines):  # characters no face has: marked where they stand
        for k, g in enumerate(line.glyphs):
            missing = g.text if g.gid == 0 and g.text.strip() else stood_in.get((n, k), "")
            if missing:
                rules += _box(g.x, line.baseline - g.size * 0.88, g.size, g.size, 1.0, OVERSET)
                lines.append(_label(f"缺字 U+{ord(missing[0]):04X}", g.x, line.baseline - g.size, OVERSET, spec,
                                    faces, 60.0))
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


def _stood_in_glyphs(page: Page, articles: "dict[str, Article]") -> dict[tuple[int, int], str]:
    """Each 〓 glyph the build put in place of a character no face has, by (line, glyph) of
    ``page.lines``, with that character. The printed text is aligned with the article's as the
    source map aligns it (proof/sourcemap.py line_per_char), each character carrying which 〓 of
    the text it is, so a 〓 the copy typed itself is not marked."""
    from pagesetter.flow.glyphs import SUBSTITUTE
    from pagesetter.proof.sourcemap import line_per_char, printed_text, source_units

    out: dict[tuple[int, int], str] = {}
    numbered = list(enumerate(page.lines))
    by_article: dict[str, list[tuple[int, TextLine]]] = {}
    for name, run in groupby(numbered, key=lambda item: item[1].article):  # a module's lines come together
        by_article.setdefault(name, []).extend(run)
    for name, placed in by_article.items():
        article = articles.get(name)
        if article is None or not article.stood_in:
            continue
        units: list[tuple[str, tuple[int, ...]]] = []
        seen = 0
        for text, _ in source_units(article):
            tags = []
            for ch in text:  # which 〓 of the text (from 1), 0 for any other character
                seen += ch == SUBSTITUTE
                tags.append(seen if ch == SUBSTITUTE else 0)
            units.append((text, tuple(tags)))
        printed = printed_text([line for _, line in placed])
        tags = line_per_char(printed, units) if printed else []
        offset = 0
        for n, line in placed:  # as printed_text reads the lines: drawn glyphs, blanks left out
            for k, g in enumerate(line.glyphs):
                if g.gid == 0:
                    continue
                count = sum(1 for ch in g.text if not ch.isspace())
                tag = tags[offset] if count and offset < len(tags) else 0
                if g.text == SUBSTITUTE and 0 < tag <= len(article.stood_in) and article.stood_in[tag - 1]:
                    out[(n, k)] = article.stood_in[tag - 1]
                offset += count
    return out


# The lines that set the spec's own texts, not an article's (flow/page.py _folio,
# flow/masthead.py): their 〓 are found by the spec's texts, not by an article's source map.
FURNITURE_LINES = ("folio", "masthead")


def _furniture_stood_in(page: Page, spec: PageSpec, faces: FaceSet) -> dict[tuple[int, int], str]:
    """Each 〓 glyph the 报眉 or the 报头 printed in place of a character no face has (session 18:
    only an article's were marked), by (line, glyph) of ``page.lines``, with that character. Each
    text the spec gives them is set as printable_text sets it; where that printed form stands in
    a furniture line, its 〓 that stand for a character are marked, so a 〓 the spec typed is not."""
    from pagesetter.flow.glyphs import SUBSTITUTE, furniture_texts, printable_text

    texts = [(t.text, t.style) for t in furniture_texts(spec) if t.where != "jump line"]
    if spec.masthead is not None:
        texts += [(t.text, t.style) for t in spec.masthead.texts()]
    wanted: dict[str, str] = {}  # a printed piece with a 〓 put in -> the piece as the spec writes it
    for text, style_name in texts:
        style = spec.styles.get(style_name)
        for piece in text.split() if style is not None else ():  # the masthead sets word by word
            printed = printable_text(piece, style, faces)
            if printed != piece:
                wanted[printed] = piece
    out: dict[tuple[int, int], str] = {}
    if not wanted:
        return out
    for n, line in enumerate(page.lines):
        if line.article not in FURNITURE_LINES:
            continue
        chars = [(ch, k) for k, g in enumerate(line.glyphs) for ch in g.text if not ch.isspace()]
        drawn = "".join(ch for ch, _ in chars)
        for printed, piece in wanted.items():
            start = drawn.find(printed)
            while start >= 0:
                for i, (p, was) in enumerate(zip(printed, piece)):
                    if p == SUBSTITUTE and was != SUBSTITUTE:
                        out[(n, chars[start + i][1])] = was
                start = drawn.find(printed, start + 1)
    return out


def _overset_frame(page: Page, o: Overset) -> Frame:
    """Where an overset is marked: the part it is of (a headline cut at its area: the headline's
    frame, trial 13; a caption: its cell's caption frame when the article has one), else the
    body's last column, where the text ran out; a module with neither, its block."""
    part = o.last_fitting[1:-1].split(":")[0] if o.last_fitting.startswith("(") else "body"
    own = [f for f in page.frames if f.article == o.article]
    of_part = [f for f in own if f.kind == part]
    if part in ("headline", "caption") and len(of_part) == 1:
        return of_part[0]
    body = [f for f in own if f.kind == "body"]
    return body[-1] if body else next(f for f in own if f.kind == "block")


Box = tuple[float, float, float, float]  # left, top, right, bottom, in pt from the trim's top-left


def _glyph_boxes(line: TextLine) -> list[Box]:
    """The em boxes of a line's glyphs (upright: its size across from its origin)."""
    return [(g.x, line.baseline - g.dy - EM_TOP_ABOVE_BASELINE * g.size, g.x + g.size,
             line.baseline - g.dy + (1 - EM_TOP_ABOVE_BASELINE) * g.size) for g in line.glyphs if g.text.strip()]


def _clear_label(text: str, target: Frame, geo: PageGeometry, spec: PageSpec, faces: FaceSet,
                 taken: list[Box]) -> TextLine:
    """An overset's label where it covers no text (trial 13: over the body's last line it hid the
    words it stood on): in its frame's foot, as it was, or its head; under the frame or over it;
    else in the margin beside the type area, level with the frame."""
    size = LABEL_SIZE
    probe = _label(text, 0.0, 0.0, OVERSET, spec, faces, target.width)
    width = max((g.x + g.size for g in probe.glyphs), default=0.0)
    above, below = EM_TOP_ABOVE_BASELINE * size, (1 - EM_TOP_ABOVE_BASELINE) * size
    right = geo.left + spec.grid.width
    places = [(target.x + 2, target.y + target.height - 4), (target.x + 2, target.y + above + 2),
              (target.x + 2, target.y + target.height + above + 1), (target.x + 2, target.y - below - 1),
              (right + 4, target.y + above + 2), (geo.left - 4 - width, target.y + above + 2)]
    for x, baseline in places:
        box = (x, baseline - above, x + width, baseline + below)
        if not any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in taken):
            break
    return _label(text, x, baseline, OVERSET, spec, faces, target.width)


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


LABEL_SIZE = 6.0  # pt: the proof's labels


def _label(text: str, x: float, baseline: float, color: CMYK, spec: PageSpec, faces: FaceSet,
           width: float) -> TextLine:
    style = replace(spec.styles["folio"], font="hei", size=LABEL_SIZE, color=color, tracking=0.0)
    line = compose_display(text, style, max(width, 60.0), faces)[0][0]
    return to_text_line(line, x, baseline, "proof", "proof")
