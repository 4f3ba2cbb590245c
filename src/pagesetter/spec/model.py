"""The page model: frozen dataclasses, all lengths in points, all positions in grid units."""

from __future__ import annotations

from pathlib import Path
from typing import Literal, NamedTuple

from pagesetter.errors import Loc
from pagesetter.records import record

Align = Literal["justify", "left", "center", "right"]
# Punctuation width styles, as ctex/xeCJK name them (see compose/punctuation.py).
PunctStyle = Literal["quanjiao", "kaiming", "banjiao"]
# PDF/X-1a:2001 (ISO 15930-1) or PDF/X-4 (ISO 15930-7), render/pdfx.py.
PdfxVersion = Literal["x1a", "x4"]
PDFX_VERSIONS: tuple[PdfxVersion, ...] = ("x1a", "x4")
# A character no face of the fallback chain has: the build stops (error), or prints 〓 in its place
# and warns (substitute; U+3013 GETA MARK, the typesetter's mark for a missing character).
MissingGlyphs = Literal["error", "substitute"]
MISSING_GLYPHS: tuple[MissingGlyphs, ...] = ("error", "substitute")
# photo_ppi: photos are resampled to this many pixels per inch at their placed size, twice the
# screen ruling (PRINT.md: newsprint is screened at 85–100 lpi, where 170–200 ppi is enough, and
# preflight warns under 200). More prints no finer there and costs bytes, RIP time and build time.
# A plant that screens finer sets it: 240 for 120 lpi, 300 for 150 lpi.
DEFAULT_PHOTO_PPI = 200
PHOTO_PPI_RANGE = (150, 600)  # under 150 preflight flags the photo (PRINT.md); over 600 is line art's


class Range(NamedTuple):
    """The values a numeric field may take (inclusive), in ``unit``: pt for lengths, em (of the
    style's size) for spacing, % for ink. NaN and infinity are never inside."""

    low: float
    high: float
    unit: str


# Ranges of the numeric fields of a spec or style sheet. Outside them a value is a slip (0.001 pt
# type, −3字 tracking that sets characters over each other), not a design. Sources: the 号 table
# runs 八号 5 pt to 初号 42 pt (TYPOGRAPHY.md) and a banner may go several times that; clreq §3.2.2
# puts the Han–Latin gap at a quarter em; a headline's widened word space is one or two em.
RANGES: dict[str, Range] = {
    "size": Range(4, 200, "pt"),
    "body_size": Range(4, 200, "pt"),
    "leading": Range(1, 600, "pt"),
    "pitch": Range(2, 600, "pt"),
    "tracking": Range(-0.5, 2, "em"),
    "indent": Range(0, 10, "em"),
    "inset": Range(0, 4, "em"),  # a quotation set in by more than four characters a side is a box, not a 编者按
    "latin_space": Range(0, 1, "em"),
    "word_space": Range(0, 4, "em"),
    "ink": Range(0, 100, "%"),
    "trim": Range(20 * 72 / 25.4, 2000 * 72 / 25.4, "pt"),  # 20 mm – 2 m: a label to a web press's width
    "bleed": Range(0, 20 * 72 / 25.4, "pt"),
    "rule": Range(0, 20, "pt"),
}
# Style inheritance (base:) deeper than this is a slip or an attack (1,100 chained styles), not a
# style sheet: a newspaper's run body → lead → a variant or two.
MAX_BASE_DEPTH = 32
# Any length at all, before its field's range is known (the unit may be relative): its number.
MAX_QUANTITY = 100_000
# Page and edition names become OUT/<name>.pdf: a plain file name of at most this many characters.
MAX_NAME = 120


@record(frozen=True)
class CMYK:
    """A process colour in percent of each ink (0–100)."""

    c: float
    m: float
    y: float
    k: float

    def fractions(self) -> tuple[float, float, float, float]:
        return (self.c / 100, self.m / 100, self.y / 100, self.k / 100)


BLACK = CMYK(0, 0, 0, 100)
WEEKDAYS = "一二三四五六日"  # 星期一 … 星期日, Monday first as datetime counts


@record(frozen=True)
class Style:
    name: str
    font: str  # face key in fonts/manifest.yaml
    size: float  # pt
    leading: float  # pt, baseline to baseline for multi-line settings
    tracking: float  # pt added after every character (letter-spacing)
    color: CMYK
    align: Align
    indent: float  # first-line indent, pt
    punctuation: PunctStyle
    latin_space: float  # Han–Latin/digit gap in em (clreq 3.2.2: a quarter em)
    word_space: float  # widened space inside a two-clause headline, in em
    loc: Loc
    # pt each side of a body paragraph in this style is set in from the column's edges: a 编者按 or
    # quotation set on a narrower measure, as papers set them apart (flow/article.py compose_body)
    inset: float = 0.0
    # pt: the smallest size a table set in this style may shrink to, to fit its column (with a
    # warning; flow/tables.py); 0: a table never shrinks, one too wide is an error
    min_size: float = 0.0
    # Latin words with a capital first letter may be hyphenated (InDesign's "Hyphenate Capitalized
    # Words", TeX's \uchyph): off by default, as Chinese desks never break a foreign name (Bar-rot)
    hyphenate_capitals: bool = False


@record(frozen=True)
class Grid:
    """The column grid and baseline grid of the type area (版心)."""

    columns: int
    column_width: float  # pt
    gutter: float  # pt
    lines: int  # baseline-grid lines in the type area
    pitch: float  # pt between baselines
    body_size: float  # pt: the 字 of the grid

    @property
    def width(self) -> float:
        return self.columns * self.column_width + (self.columns - 1) * self.gutter

    @property
    def height(self) -> float:
        return self.lines * self.pitch

    def col_x(self, col: int) -> float:
        """Left edge of 0-based column ``col``, from the type area's left."""
        return col * (self.column_width + self.gutter)

    def span_width(self, cols: int) -> float:
        return cols * self.column_width + (cols - 1) * self.gutter

    def line_top(self, line: int) -> float:
        """Top of 0-based grid line ``line``'s band, from the type area's top."""
        return line * self.pitch


@record(frozen=True)
class Rect:
    """A grid cell: 0-based first column and line, span in columns and lines."""

    col: int
    cols: int
    top: int
    lines: int
    loc: Loc

    @property
    def bottom(self) -> int:
        return self.top + self.lines

    @property
    def right(self) -> int:
        return self.col + self.cols

    def overlaps(self, other: "Rect") -> bool:
        return (self.col < other.right and other.col < self.right
                and self.top < other.bottom and other.top < self.bottom)


@record(frozen=True)
class HeadlineSpec:
    lines: int | None  # depth in grid lines; None: as deep as the headline needs
    cols: int | None  # span from the block's first column; None: whole block
    kicker: str  # style names
    title: str
    subtitle: str
    byline: str
    align: Align
    vertical: bool  # 竖排: columns top to bottom, right to left, in the headline's columns
    # Lines fitting added to the area (flow/fit.py ``headline_lines``): white under the headline, as
    # a desk pads a headline area (white above a headline reads as a hole); not a spec key.
    fitted: int = 0


# How the pictures of a photo group (one front-matter entry with several files) share their cell.
Arrange = Literal["row", "column"]
ARRANGES: tuple[Arrange, ...] = ("row", "column")
FlowOrder = Literal["columns", "areas"]
FLOW_ORDERS: tuple[FlowOrder, ...] = ("columns", "areas")
# The corner of an advertisement's picture its 广告 label stands on (flow/ads.py): top right as most
# papers print it, another where the picture's own text or logo is there.
AdLabelCorner = Literal["top-right", "top-left", "bottom-right", "bottom-left"]
AD_LABEL_CORNERS: tuple[AdLabelCorner, ...] = ("top-right", "top-left", "bottom-right", "bottom-left")


@record(frozen=True)
class PhotoSpec:
    cell: Rect  # absolute in the page grid: includes the caption lines (see after_headline)
    caption: str  # style name
    credit: str  # style name
    fit: Literal["fill", "fit"]
    standoff: int  # blank grid lines between the cell and body text above or below it
    focus: tuple[float, float] = (0.5, 0.5)  # the point of the picture a crop keeps (0–1 from top-left)
    file: str | None = None  # the front-matter photo this cell takes (by file); None: the next one in order
    # line: after: the cell's top is counted from the first line under the headline, so a headline
    # that wraps deeper moves the photo down with it; cell.top then holds block top + that offset.
    after_headline: bool = False
    arrange: Arrange = "row"  # a photo group's pictures side by side, or stacked


@record(frozen=True)
class Box:
    """A boxed article (花边框) or tinted panel: a rule around the block, a tint behind it."""

    rule: float  # pt; 0 for a panel with no frame
    tint: CMYK | None
    double: bool  # 双线 (a second, thinner rule inside)
    color: CMYK = BLACK  # the frame's (both rules of a double one); 100 % K overprints, a colour knocks out
    color_loc: Loc | None = None  # where ``color:`` was written (a registration warning names it)


@record(frozen=True)
class FitSpec:
    """What the engine may change to make an article fill its block exactly (in grid lines)."""

    photo_lines: tuple[int, int]  # the photo cell may grow or shrink by this many lines
    headline_lines: tuple[int, int]  # the headline area likewise


NO_FIT = FitSpec((0, 0), (0, 0))


@record(frozen=True)
class ArticleSpec:
    article: str  # content id (file stem in the content folder)
    block: Rect  # absolute, in the page grid
    headline: HeadlineSpec
    photos: tuple[PhotoSpec, ...]  # the photo cells, matched to the article's photos in order or by file
    body: str  # style names
    lead: str
    column_rules: bool
    balance: bool  # end the body columns level
    loc: Loc
    frames: tuple[Rect, ...] = ()  # more frames the body continues into (an L-shaped module)
    fit: FitSpec = NO_FIT
    jump_to: int | None = None  # the body continues on this page (转第N版)
    continued_from: int | None = None  # this entry continues the article from that page (上接第N版)
    jump_style: str = "jump"
    box: "Box | None" = None  # 花边: a frame around the module, maybe tinted
    subhead: str = "subhead"
    # the style a table is set in (the header row in the lead's face at its size); the body style
    # when the style sheets have none by this name
    table: str = "table"
    # a table too wide for one body column at its style's size is set across all the module's
    # columns, at the head of the body under the headline (flow/article.py _span_tables); without
    # it, such a table is shrunk to its style's min_size or stops the build (trial 16 #3)
    span_tables: bool = False
    rules: "Rules | None" = None  # this module's own rule weights (None: the page's)
    # The body's reading order (flow/article.py _columns): grid columns left to right, each down
    # through every area; or the block's columns, then each frame's, as listed.
    order: "FlowOrder" = "columns"
    # An advertisement's 广告 label (flow/ads.py): printed unless the entry says ad_label: false (the
    # delivered picture carries it), in this style
    ad_label: bool = True
    ad_label_style: str = "ad-label"
    ad_label_corner: "AdLabelCorner" = "top-right"  # of the picture as drawn, not of the block
    # the keys the entry gave, each with where it stands: a key that has no effect on the article
    # it names (flow/cells.py check_photo_news) is an error at its place, not silently ignored
    given: tuple[tuple[str, Loc], ...] = ()

    @property
    def areas(self) -> tuple[Rect, ...]:
        return (self.block, *self.frames)

    @property
    def photo(self) -> PhotoSpec | None:
        """The first photo cell (fitting may deepen or shorten any: flow/fit.py cell_rows)."""
        return self.photos[0] if self.photos else None


@record(frozen=True)
class Folio:
    """报眉: the running head over a rule at the top of the type area."""

    paper: str
    date: str  # ISO date; printed as 2022年6月30日 星期四
    page: str  # 版次, e.g. 第3版
    section: str  # 版名
    editor: str  # 责任编辑
    extra: tuple[str, ...]  # 美编, 校对 …
    lines: int  # depth in grid lines, rule included
    style: str
    paper_style: str
    rule: float  # pt
    loc: Loc | None = None  # where the spec wrote ``folio:``
    rule_color: CMYK = BLACK  # ``color:``, the folio rule's (the thin rule under it stays 100 % K)
    rule_color_loc: Loc | None = None
    locs: tuple[tuple[str, Loc], ...] = ()  # where each of its fields was written (paper, date, page …)


@record(frozen=True)
class VectorArt:
    """A vector logotype read from a PDF page (render/vector.py): its content stream, cleared of
    everything but paths in grey or CMYK, and the page's box in its own units (x0, y0, x1, y1)."""

    content: bytes
    bbox: tuple[float, float, float, float]


@record(frozen=True)
class NamePlate:
    """报名: the paper's name, a logotype file or set type, in columns ``col``..``col + cols``."""

    col: int  # 0-based grid column
    cols: int
    text: str  # the name as set type ("" with a logotype)
    style: str
    logo: Path | None  # a PDF (vector), PNG or JPEG file
    vector: VectorArt | None  # the PDF logotype's paths
    loc: Loc  # the name's text or logo value


@record(frozen=True)
class MastheadText:
    """One text of the masthead, where it stands in the spec (for a character no face has)."""

    where: str  # "name", "date line", "numbers", "publisher"
    text: str
    style: str
    loc: Loc


@record(frozen=True)
class Masthead:
    """报头: the name plate, the date line (weekday, 农历), issue numbers, CN and 邮发代号, the
    publisher, its ears (报眼: article entries of ``PageSpec.articles``) and the rules under it."""

    block: Rect  # the masthead's grid area; its last line holds the rule
    name: NamePlate
    date: str  # ISO date
    lunar: bool  # print the 农历 date
    issue: int | None  # 第N期
    total: int | None  # 总第N期
    pages: int | None  # 今日N版
    cn: str  # 国内统一连续出版物号, "CN 22-0031"
    post_code: str  # 邮发代号
    publisher: str  # 城市日报社出版
    style: str  # the date line, numbers and publisher
    rule: float  # pt: the heavy rule under the masthead
    double: bool  # 双线: a thin rule under the heavy one
    ears: tuple[str, ...]  # article ids of the ears
    loc: Loc
    info_locs: tuple[tuple[str, Loc], ...] = ()  # where each info field was written
    pages_loc: Loc | None = None  # where ``pages:`` (今日N版) was written: an edition checks it (edition.py)

    def info_lines(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """The info lines under the name plate, each named and a tuple of parts set an em apart:
        the date line, the numbers, CN and 邮发代号, the publisher (a line with nothing to say is
        left out)."""
        import datetime

        from pagesetter.lunar import to_lunar

        day = datetime.date.fromisoformat(self.date)
        date = [f"{day.year}年{day.month}月{day.day}日", f"星期{WEEKDAYS[day.weekday()]}"]
        if self.lunar:
            date.append(str(to_lunar(day)))
        numbers = [part for part in (f"第{self.issue}期" if self.issue is not None else "",
                                     f"总第{self.total}期" if self.total is not None else "",
                                     f"今日{self.pages}版" if self.pages is not None else "") if part]
        codes = [part for part in (f"国内统一连续出版物号 {self.cn}" if self.cn else "",
                                   f"邮发代号 {self.post_code}" if self.post_code else "") if part]
        lines = (("date line", tuple(date)), ("numbers", tuple(numbers)), ("codes", tuple(codes)),
                 ("publisher", (self.publisher,) if self.publisher else ()))
        return tuple((name, parts) for name, parts in lines if parts)

    def texts(self) -> tuple[MastheadText, ...]:
        """Every text the masthead sets, with its style and place in the spec."""
        locs = dict(self.info_locs)
        out = [MastheadText("name", self.name.text, self.name.style, self.name.loc)] if self.name.text else []
        for where, parts in self.info_lines():
            out += [MastheadText(where, part, self.style, locs.get(where, self.loc)) for part in parts]
        return tuple(out)


@record(frozen=True)
class Rules:
    column: float  # pt; 0 = none
    article: float  # pt
    # a table's rules (flow/tables.py), a three-line table (三线表, CY/T 170-2019 学术出版规范 表格):
    # the top and bottom rules, and the thinner rule under the header row. Typical weights.
    table: float = 0.5
    table_head: float = 0.25
    # the column and article rules' colour (a table's rules stay 100 % K, as its type): only 100 %
    # K overprints (render/pdf.py overprints), so a coloured rule knocks out (PRINT.md)
    color: CMYK = BLACK
    color_loc: Loc | None = None  # where ``color:`` was written (a registration warning names it)


@record(frozen=True)
class Marks:
    """Printer's marks outside the bleed (render/marks.py); each may be switched off."""

    crop: bool = True
    registration: bool = True
    slug: bool = True

    @property
    def any(self) -> bool:
        return self.crop or self.registration or self.slug


@record(frozen=True)
class AutoSpec:
    """auto: the engine chooses the modules for these articles (in priority order) below ``top``."""

    top: int  # first grid line of the area (0-based)
    articles: tuple[str, ...]
    photo_cols: int
    photo_lines: int
    fit: FitSpec
    min_cols: int  # narrowest module
    loc: Loc


@record(frozen=True)
class PageSpec:
    name: str  # output stem
    path: Path  # the spec file
    trim: tuple[float, float]  # pt
    bleed: float  # pt
    margin_top: float  # pt, trim edge to type area
    margin_left: float  # pt
    grid: Grid
    styles: dict[str, Style]
    folio: Folio | None
    articles: tuple[ArticleSpec, ...]  # in reading order; the banner first
    rules: Rules
    content_dir: Path
    fonts_manifest: Path
    root: Path  # project root: inputs must stay inside it
    allow_overset: bool
    auto: AutoSpec | None = None
    marks: Marks = Marks()
    pdfx: PdfxVersion = "x1a"  # PDF/X version of the print PDF (render/pdfx.py)
    photo_ppi: int = DEFAULT_PHOTO_PPI  # photos resampled to this resolution, never up (render/images.py)
    allowed: tuple[Path, ...] = ()  # folders outside ``root`` inputs may come from (allow_outside)
    sources: tuple[Path, ...] = ()  # the files this spec was read from: itself and its style sheets
    edition: str = ""  # the edition the page is built in (the slug line names it)
    missing_glyphs: MissingGlyphs = "error"  # what a character no face has does (flow/glyphs.py)
    masthead: Masthead | None = None  # 报头 (flow/masthead.py); its ears are entries of ``articles``
    # areas of the type area meant to stay white (``white:``): no module need cover them (spec/coverage.py)
    white: tuple[Rect, ...] = ()
    articles_loc: Loc | None = None  # where the spec wrote ``articles:`` (an area no module covers is said there)
