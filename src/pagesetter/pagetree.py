"""The page tree: plain positioned items, what tests assert on and every backend draws.

Coordinates are PostScript points from the top-left corner of the trim box,
y growing downwards. No reportlab objects here.
"""

from __future__ import annotations

from dataclasses import field
from pathlib import Path
from typing import NamedTuple

from pagesetter.records import record
from pagesetter.spec.model import CMYK
from pagesetter.wording import counted


class Glyph(NamedTuple):
    """A NamedTuple, not a dataclass: a page holds ten thousand of them and a tuple is made
    several times faster than a frozen dataclass."""

    face: str
    size: float
    gid: int
    x: float  # absolute origin
    text: str  # characters this glyph stands for in reading order ("" for extra glyphs)
    color: CMYK
    dy: float = 0.0  # pt, upwards
    scale_x: float = 1.0  # horizontal scale of the glyph
    rotate: int = 0  # 90: turned clockwise (Latin in a vertical headline)


@record(frozen=True)
class TextLine:
    glyphs: tuple[Glyph, ...]
    baseline: float  # y of the baseline
    x: float  # left edge of the line's measure
    width: float  # measure
    article: str
    role: str  # "body", "title", "subtitle", "caption", "folio", …
    paragraph_end: bool = True  # False for lines a justified paragraph continues after

    @property
    def text(self) -> str:
        return "".join(g.text for g in self.glyphs)

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        # An edition page goes from its worker to the main process and into the replay record.
        # Pickle writes a NamedTuple through a Python call per glyph (__getnewargs__); plain
        # tuples go about four times faster, both ways.
        return _text_line, (tuple([tuple(g) for g in self.glyphs]), self.baseline, self.x, self.width,
                            self.article, self.role, self.paragraph_end)


def _text_line(glyphs: tuple[tuple[object, ...], ...], *rest: object) -> TextLine:
    """TextLine.__reduce__'s way back: Glyph made again without NamedTuple's Python constructor."""
    new = tuple.__new__
    return TextLine(tuple([new(Glyph, g) for g in glyphs]), *rest)  # type: ignore[arg-type]


@record(frozen=True)
class Rule:
    x1: float
    y1: float
    x2: float
    y2: float
    width: float  # pt
    color: CMYK
    role: str  # "column", "article", "folio"


@record(frozen=True)
class Panel:
    """A boxed article's frame and tint (花边框, 底纹), drawn under the text."""

    x: float
    y: float
    width: float
    height: float
    fill: CMYK | None
    stroke: float  # pt; 0 for none
    color: CMYK
    inner: float = 0.0  # pt: a second, thin rule this far inside (双线框); 0 for none


INNER_RULE = 0.3  # pt: the weight of a 双线框's inner rule (render/pdf.py _draw_panel)


@record(frozen=True)
class Image:
    path: Path
    x: float  # the frame on the page
    y: float
    width: float
    height: float
    fit: str  # "fill" (crop to the frame) or "fit" (whole image inside)
    article: str
    focus: tuple[float, float] = (0.5, 0.5)  # the point of the picture a crop keeps, 0–1 from top-left
    background: CMYK | None = None  # what lies under it (a box's tint): transparent pixels show it
    # The file as the project names it (posix, relative to its root: "content/photos/a.jpg"), recorded
    # in the PDF so that preflight names it as the build's other messages do; "": the file's name.
    shown: str = ""
    # fit only: where the picture, scaled whole into its frame, stands down it when it is wider than
    # the frame's shape: 0 at the top, 0.5 centred, 1 on the foot (the white is left on the far side
    # from its caption, so that the caption stands against the picture, not across white)
    stand: float = 0.5


def placed_box(image: Image, width_px: int, height_px: int) -> tuple[float, float, float, float]:
    """Where the prepared picture's pixels go (x, y from the top left, width, height, pt). A fill
    crop has its frame's shape and covers it; a fit picture keeps its own shape, scaled uniformly to
    the largest size inside its frame, centred across and standing down it where ``image.stand``
    says (trial 12: it was stretched to the frame, a 4:1 panorama printed 1.35:1). The shape is the
    prepared pixels' (the source's within a pixel's rounding), so x and y print at one resolution.
    Here, beside Image, for the render and for what stands on the picture (an ad's label, flow/ads.py)."""
    if image.fit != "fit" or width_px <= 0 or height_px <= 0:
        return image.x, image.y, image.width, image.height
    scale = min(image.width / width_px, image.height / height_px)
    w, h = width_px * scale, height_px * scale
    return image.x + (image.width - w) / 2, image.y + (image.height - h) * image.stand, w, h


@record(frozen=True)
class Vector:
    """Line art from a PDF (a masthead's logotype, render/vector.py), scaled into its frame."""

    content: bytes  # the checked content stream: paths in grey or CMYK
    bbox: tuple[float, float, float, float]  # the drawing's box in its own units (x0, y0, x1, y1), y up
    x: float  # the frame on the page
    y: float
    width: float
    height: float
    article: str


@record(frozen=True)
class Frame:
    """An area of the page that belongs to an article, for reports and proof overlays."""

    article: str
    kind: str  # "block", "headline", "photo", "caption", "body"
    x: float
    y: float
    width: float
    height: float


@record(frozen=True)
class Overset:
    article: str
    chars: int
    lines: int
    last_fitting: str  # the last words that fit, so the editor can find the cut; "(part)" names a part

    def amount(self) -> str:
        """How much did not fit: "8 characters in 1 line"."""
        return f"{counted(self.chars, 'character')} in {counted(self.lines, 'line')}"

    def cut(self) -> str:
        """Where the text stops, for the editor: after the last words that fit, in a named part, or
        from the start."""
        if self.last_fitting.startswith("("):
            return f"of the {self.last_fitting[1:-1]}"
        return f"after “…{self.last_fitting}”" if self.last_fitting else "from its first line (none of it fits)"


@record(frozen=True)
class ArticleSource:
    """Where an article's printed characters come from (proof/sourcemap.py), for ``diff``."""

    article: str
    file: str  # relative to the project root (posix)
    runs: tuple[tuple[int, int], ...]  # (printed offset, source line), offsets ascending


@record(frozen=True)
class Page:
    name: str
    trim: tuple[float, float]
    bleed: float
    lines: tuple[TextLine, ...]  # in reading order
    rules: tuple[Rule, ...]
    images: tuple[Image, ...]
    frames: tuple[Frame, ...]
    overset: tuple[Overset, ...] = field(default=())
    panels: tuple[Panel, ...] = field(default=())
    mark_margin: float = 0.0  # pt of media beyond the bleed on every side, for printer's marks
    vectors: tuple[Vector, ...] = field(default=())  # line art (a masthead's PDF logotype)
    sources: tuple[ArticleSource, ...] = field(default=())  # the articles' source lines, for diff

    def text(self) -> str:
        return "".join(line.text for line in self.lines)
