"""The content model: what an editor wrote, independent of where it goes on the page."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pagesetter.errors import Loc

# Where the photo stands relative to its caption. In Chinese papers the caption's
# marker says it: ▲ points up at the photo above, ▼ down at the photo below.
PhotoSide = Literal["above", "below"]


@dataclass(frozen=True)
class Span:
    """A run of text in one role. ``lead`` marks a run-in lead sentence (set bold / 黑体)."""

    text: str
    lead: bool = False


@dataclass(frozen=True)
class Paragraph:
    spans: tuple[Span, ...]
    loc: Loc  # where the paragraph starts in its file
    # Offsets into the paragraph's source text (markup included) where each later source
    # line begins; lets a report point at the exact line and column of a character.
    line_starts: tuple[int, ...] = ()
    subhead: bool = False  # a 小标题 (``## …`` in the file), set in the subhead style

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.spans)

    def source_loc(self, raw_offset: int) -> Loc:
        """Line and column in the file of the character at ``raw_offset`` of the source text."""
        line, start = self.loc.line, 0
        for i, s in enumerate(self.line_starts):
            if raw_offset >= s:
                line, start = self.loc.line + i + 1, s
        return Loc(self.loc.path, line, raw_offset - start + 1 + (3 if self.subhead and line == self.loc.line else 0))


@dataclass(frozen=True)
class Photo:
    file: Path  # resolved absolute path of the image file
    caption: str  # as printed, marker included (▲东丰县融媒体中心…)
    side: PhotoSide  # photo above or below its caption
    credit: str | None
    loc: Loc  # where the photo entry stands in the front matter
    # A photo group (组图): more pictures that share this entry's caption and credit (``files:``).
    more: tuple[Path, ...] = ()

    @property
    def files(self) -> tuple[Path, ...]:
        return (self.file, *self.more)


@dataclass(frozen=True)
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

    def all_text(self) -> str:
        """Every character the article puts on the page, in reading order."""
        parts = [p for p in (self.kicker, self.title, self.subtitle, self.byline) if p]
        parts += [p.text for p in self.paragraphs]
        for ph in self.photos:
            parts.append(ph.caption)
            if ph.credit:
                parts.append(ph.credit)
        return "".join(parts)


@dataclass(frozen=True)
class Change:
    """One edit the normalisation pass made, reported to the editor."""

    loc: Loc
    before: str
    after: str
    reason: str
