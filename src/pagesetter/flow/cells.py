"""Photo cells and the photos they take: ``line: after`` cells placed under the headline, and each
cell matched to a photo of the article (the one its ``file:`` names, else the next in order)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import PurePosixPath

from pagesetter.content.model import Article, Photo
from pagesetter.errors import InputError
from pagesetter.spec.model import ArticleSpec, PhotoSpec


def resolve_cells(spec: ArticleSpec, head_lines: int) -> ArticleSpec:
    """The entry with its ``line: after`` photo cells placed: counted from the first line under the
    headline (when the cell stands under the headline's columns), so a deeper headline moves them."""
    if not any(ps.after_headline for ps in spec.photos):
        return spec
    head_right = spec.block.col + (spec.headline.cols or spec.block.cols)
    cells = []
    for ps in spec.photos:
        if ps.after_headline:
            shift = head_lines if ps.cell.col < head_right else 0
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
