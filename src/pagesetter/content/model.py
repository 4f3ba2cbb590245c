"""The content model: what an editor wrote, independent of where it goes on the page."""

from __future__ import annotations

from dataclasses import field
from pathlib import Path
from typing import Literal

from pagesetter.errors import Loc
from pagesetter.records import record

# Where the photo stands relative to its caption. In Chinese papers the caption's
# marker says it: ▲ points up at the photo above, ▼ down at the photo below.
PhotoSide = Literal["above", "below"]
CAPTION_MARKERS = ("▲", "▼")


@record(frozen=True)
class Span:
    """A run of text in one role. ``lead`` marks a run-in lead sentence (set bold / 黑体)."""

    text: str
    lead: bool = False


# How a paragraph is set (content/reader.py BODY_SYNTAX says which Markdown makes each):
# "body" 正文 (first line indented, justified); "subhead" 小标题 (``## ``); "quote" 编者按 or a
# quotation in the quote style (``> ``); "item" a list item, its bullet or number in its text, no
# indent (``- ``, ``1. ``); "right" a line set flush right, 落款 (``::: right``); "noindent" a
# line without first-line indent (``::: noindent``: as in ``::: right``, each line a paragraph);
# "table" a pipe table (``| … |`` rows), its cells the paragraph's spans (TableShape says how).
ParagraphForm = Literal["body", "subhead", "quote", "item", "right", "noindent", "table"]
# How a table's column stands: as its alignment row says (``:---`` left, ``---:`` right, ``:---:``
# centre), or "auto": figures right, anything else (Han text) left (flow/tables.py).
CellAlign = Literal["auto", "left", "right", "center"]


@record(frozen=True)
class TableShape:
    """How a table paragraph's spans make a table: the caption's span (表：…) first when there is
    one, then the cells row by row (the header row's spans marked ``lead``: set in the lead face),
    then the source line's span (来源：…) when there is one. A cell left empty is an empty span."""

    columns: int
    align: tuple[CellAlign, ...]  # per column
    rows: tuple[int, ...]  # the file line of each row, the header row first (errors point at a row)
    caption: bool = False
    source: bool = False

    def cells(self, spans: tuple["Span", ...]) -> list[tuple["Span", ...]]:
        """The rows' cells, the header row first."""
        first = 1 if self.caption else 0
        body = spans[first:first + self.columns * len(self.rows)]
        return [body[k:k + self.columns] for k in range(0, len(body), self.columns)]


@record(frozen=True)
class Paragraph:
    spans: tuple[Span, ...]
    loc: Loc  # where the paragraph starts in its file
    # (line, column) in the file of each character of ``text`` (markup and escapes skipped); lets
    # a report point at the exact place of a character. Empty for a paragraph made in memory.
    places: tuple[tuple[int, int], ...] = ()
    form: ParagraphForm = "body"
    table: TableShape | None = None  # a table's shape (form "table")

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.spans)

    @property
    def subhead(self) -> bool:
        return self.form == "subhead"

    def char_loc(self, index: int) -> Loc:
        """Line and column in the file of ``text[index]`` (the paragraph's start when unknown)."""
        if not 0 <= index < len(self.places):
            return self.loc
        line, column = self.places[index]
        return Loc(self.loc.path, line, column)


@record(frozen=True)
class Photo:
    file: Path  # resolved absolute path of the image file
    caption: str  # as printed, marker included (▲东丰县融媒体中心…)
    side: PhotoSide  # photo above or below its caption
    credit: str | None
    loc: Loc  # where the photo entry stands in the front matter
    # A photo group (组图): more pictures that share this entry's caption and credit (``files:``).
    more: tuple[Path, ...] = ()
    caption_loc: Loc | None = None  # where its caption stands (a warning on the caption names that line)

    @property
    def files(self) -> tuple[Path, ...]:
        return (self.file, *self.more)


@record(frozen=True)
class Article:
    """One article: headline parts, byline, body and photos.

    ``id`` is the file stem; layout specs refer to articles by it.
    """

    id: str
    source: Path
    kicker: str | None  # 引题
    title: str  # 主题; a space between clauses marks the preferred headline break ("" in 图片新闻: photos only)
    subtitle: str | None  # 副题
    byline: str | None
    paragraphs: tuple[Paragraph, ...]
    photos: tuple[Photo, ...]
    loc: Loc  # the file
    # Where each headline field and caption starts in the file, with its line (content/reader.py
    # value_locs), found as the file was read: normalisation, the missing-glyph check and the
    # source map ask for them, and each read the file and parsed its front matter again (18 times
    # a seed page). None: an article made in memory (value_locs reads the file). Not compared,
    # hashed or shown: the article is its other fields (its repr is part of cache keys).
    locs: dict[str, tuple[Loc, str]] | None = field(default=None, compare=False, repr=False)
    # An advertisement (广告, front matter ``ad: photos/x.jpg``): its one photo is the ad's picture,
    # with no caption (""), and the module prints the picture alone, filling its block
    # (flow/cells.py ad_entry); the 数字报 lists it as no article (epaper/site.py).
    ad: bool = False
    # A headline field as a vertical headline sets it, where that differs from the field: the
    # full-width digits and letters the copy typed, which horizontal text sets half-width
    # (content/normalise.py half_width) and a vertical column upright one per em (compose/vertical.py).
    # (field name, text) pairs; empty for nearly every article.
    vertical_forms: tuple[tuple[str, str], ...] = ()
    # Under ``missing_glyphs: substitute`` (flow/glyphs.py): for each 〓 of the article's text, in
    # the source map's order (proof/sourcemap.py source_units), the character it stands in for, ""
    # for a 〓 the copy typed itself. The proof marks those 缺字 as it marks a hole (trial 17b #11).
    stood_in: tuple[str, ...] = ()

    def headline(self, key: str, vertical: bool) -> str | None:
        """The headline field ``key`` (kicker, title, subtitle, byline) as set horizontally or vertically."""
        if vertical:
            for name, text in self.vertical_forms:
                if name == key:
                    return text
        value: str | None = getattr(self, key)
        return value

    def all_text(self) -> str:
        """Every character the article puts on the page, in reading order."""
        parts = [p for p in (self.kicker, self.title, self.subtitle, self.byline) if p]
        parts += [p.text for p in self.paragraphs]
        for ph in self.photos:
            parts.append(ph.caption)
            if ph.credit:
                parts.append(ph.credit)
        return "".join(parts)


@record(frozen=True)
class Change:
    """One edit the normalisation pass made, reported to the editor."""

    loc: Loc
    before: str
    after: str
    reason: str
