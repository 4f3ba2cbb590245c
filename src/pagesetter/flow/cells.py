"""Photo cells and the photos they take: ``line: after`` cells placed under the headline, and each
cell matched to a photo of the article (the one its ``file:`` names, else the next in order)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import PurePosixPath

from pagesetter.content.model import Article, Photo
from pagesetter.errors import InputError
from pagesetter.spec.model import ArticleSpec, PhotoSpec, Rect

# The entry keys that act only on a headline or a body: a 图片新闻 (photos and captions, no title,
# no body) has neither, so each of them on its entry is a mistake (meant for another entry, or the
# article lost its text), reported where it stands rather than ignored.
PHOTO_NEWS_IGNORES: dict[str, str] = {
    "headline": "it has no title to set",
    "subhead": "it has no body", "body": "it has no body", "lead": "it has no body", "table": "it has no body",
    "span_tables": "it has no body",
    "column_rules": "it has no body columns", "balance": "it has no body columns",
    "order": "it has no body to read", "jump_to": "it has no body to jump",
    "continued_from": "it has no body to continue", "jump_style": "it has no body to jump",
}


def photo_news(article: Article) -> bool:
    """A 图片新闻: photos with their captions, no title and no body."""
    return bool(article.photos) and not article.title and not article.paragraphs


def check_photo_news(spec: ArticleSpec, article: Article) -> None:
    """A 图片新闻's entry gives no key that acts only on a headline or a body."""
    if not photo_news(article):
        return
    for key, loc in spec.given:
        if key in PHOTO_NEWS_IGNORES:
            raise InputError(loc, f"'{key}:' has no effect on {article.id!r}, a 图片新闻 (photos and captions "
                             f"only, no title, no body): {PHOTO_NEWS_IGNORES[key]}; remove the key, or give "
                             f"{article.id}.md a title and text")


AD_KEYS = ("ad_label", "ad_label_style", "ad_label_corner")  # an advertisement's only: its 广告 label (flow/ads.py)


def check_ad_keys(spec: ArticleSpec, article: Article) -> None:
    """The 广告 label's keys on the entry of an article that is no advertisement are a mistake
    (meant for the ad's entry), said where they stand rather than ignored."""
    if article.ad:
        return
    for key, loc in spec.given:
        if key in AD_KEYS:
            raise InputError(loc, f"'{key}:' has no effect on {article.id!r}, which is no advertisement (only an "
                             "article whose front matter is 'ad: photos/x.jpg' has a 广告 label); remove the key")


def ad_entry(spec: ArticleSpec, article: Article, rule_under: bool) -> ArticleSpec:
    """An advertisement's entry (front matter ``ad:``) with its one cell: the whole block, the
    picture scaled whole into it (``fit``: an ad is never cropped; it is delivered to the size it
    is sold at) and no caption, standing off nothing; ``rule_under``: the block's last line holds
    the rule under it, which the picture stays off (flow/article.py _check_cell). An entry that
    gives its own cell (``photo:``) keeps it."""
    if not article.ad or spec.photos:
        return spec
    block = spec.block
    cell = Rect(block.col, block.cols, block.top, block.lines - (1 if rule_under else 0), spec.loc)
    return replace(spec, photos=(PhotoSpec(cell, "caption", "credit", "fit", 0),))


def resolve_cells(spec: ArticleSpec, head_lines: int, spans: int = 0) -> ArticleSpec:
    """The entry with its ``line: after`` photo cells placed: counted from the first line under the
    headline (when the cell stands under the headline's columns), so a deeper headline moves them;
    under the tables across the module (``spans`` grid lines under the headline, flow/article.py
    _span_tables) in every column."""
    if not any(ps.after_headline for ps in spec.photos):
        return spec
    head_right = spec.block.col + (spec.headline.cols or spec.block.cols)
    cells = []
    for ps in spec.photos:
        if ps.after_headline:
            shift = head_lines + spans if spans else head_lines if ps.cell.col < head_right else 0
            ps = replace(ps, cell=replace(ps.cell, top=ps.cell.top + shift), after_headline=False)
        cells.append(ps)
    return replace(spec, photos=tuple(cells))


def _takes(photo: Photo, name: str) -> bool:
    """Does the cell's ``file:`` name this photo (its file name, or the end of its path)?"""
    want = PurePosixPath(name.replace("\\", "/"))
    tail = want.as_posix().lstrip("./")
    return any(f.name == want.name and f.as_posix().endswith(tail) for f in photo.files)


def assign_photos(spec: ArticleSpec, article: Article) -> tuple[list[tuple[PhotoSpec, Photo | None]], list[Photo]]:
    """Each photo cell and the photo it takes: the one its ``file:`` names, else the next not yet
    taken, in the article's order; and the photos no cell takes."""
    taken: set[int] = set()
    named: dict[int, int] = {}
    for n, ps in enumerate(spec.photos):
        if ps.file is None:
            continue
        index = next((i for i, ph in enumerate(article.photos) if _takes(ph, ps.file)), None)
        if index is None:
            listed = ", ".join(f.name for ph in article.photos for f in ph.files) or "none"
            raise InputError(ps.cell.loc, f"photo cell takes {ps.file!r}, which {article.id!r} does not list "
                             f"(its photos: {listed})")
        named[n] = index
        taken.add(index)
    pairs: list[tuple[PhotoSpec, Photo | None]] = []
    for n, ps in enumerate(spec.photos):
        index = named.get(n)
        if index is None:
            index = next((i for i in range(len(article.photos)) if i not in taken), None)
            if index is not None:
                taken.add(index)
        pairs.append((ps, article.photos[index] if index is not None else None))
    return pairs, [ph for i, ph in enumerate(article.photos) if i not in taken]
