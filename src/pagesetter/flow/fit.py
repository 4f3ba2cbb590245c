"""Fitting: within the bounds the spec allows, change headline and photo depths until the body
fills its block exactly (no overset, columns level), and say what was changed.

A make-up editor fits a module by giving the photo or the headline a line more or less rather
than by touching the text; the engine tries every allowed combination and keeps the best.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Callable
from pathlib import Path

from pagesetter.compose.lines import Line
from pagesetter.content.model import Article
from pagesetter.errors import READING, Reading, Warning
from pagesetter.flow.article import Fill, Placed, area_bottom, flow_article
from pagesetter.flow.cells import assign_photos, resolve_cells
from pagesetter.flow.geometry import PageGeometry
from pagesetter.fonts.face import FaceSet
from pagesetter.render.photo import EXIF_ORIENTATION, WARN_PPI
from pagesetter.spec.model import ArticleSpec, PhotoSpec, Rect, Style


@dataclass(frozen=True)
class Variant:
    headline: int  # lines added to the headline area
    photo: int  # lines added to the photo cells ``cells``
    move: int = 0  # lines those cells are moved down (up if negative), to leave no line wedged
    # the photo cells changed, by index in the entry's photos: one cell, or a row of cells side by
    # side (same line, same depth), which change together so the row stays level
    cells: tuple[int, ...] = (0,)
    many: bool = False  # the entry has more than one row of cells: name the ones changed

    def describe(self) -> str:
        photo = f"photo {', '.join(str(c + 1) for c in self.cells)}" if self.many else "photo"
        parts = [f"{what} {delta:+d} line{'s' if abs(delta) != 1 else ''}"
                 for what, delta in (("headline", self.headline), (photo, self.photo)) if delta]
        if self.move:
            parts.append(f"{photo} moved {'down' if self.move > 0 else 'up'} {abs(self.move)} line"
                         f"{'s' if abs(self.move) != 1 else ''}")
        return ", ".join(parts) or "no change"

    @property
    def change(self) -> int:
        return abs(self.headline) + abs(self.photo) + abs(self.move)


NO_CHANGE = Variant(0, 0)


def cell_rows(spec: ArticleSpec) -> list[tuple[int, ...]]:
    """The entry's photo cells in the groups fitting changes together: cells on the same line with
    the same depth (a photo story's pictures side by side) are one row; every other cell its own."""
    rows: dict[tuple[int, int, bool], list[int]] = {}
    for i, ps in enumerate(spec.photos):
        rows.setdefault((ps.cell.top, ps.cell.lines, ps.after_headline), []).append(i)
    return [tuple(r) for r in rows.values()]


def score(fill: Fill | None, variant: Variant, lone: int = 0) -> tuple[int, int, int, int]:
    """Lower is better: overset first, then single body lines wedged beside the photo, then white at
    the foot, then how much was changed."""
    if fill is None:
        return (0, lone, 0, variant.change)
    return (fill.overset, lone, fill.empty_foot + fill.shortfall, variant.change)


def wedged(spec: ArticleSpec, article: Article, head_lines: int, geo: PageGeometry) -> tuple[str, ...]:
    """Where a photo cell leaves a single body line in its columns: "above" (between the headline,
    the block's top or another cell, and the cell's standoff), "below" (between the standoff and
    the block's foot or the next cell). A reader's eye skips one line wedged there (issue 15.8).
    None in a module without a body (图片新闻): its white line holds no text."""
    return tuple(side for _, side in _wedged_cells(spec, article, head_lines, geo))


def _wedged_cells(spec: ArticleSpec, article: Article, head_lines: int,
                  geo: PageGeometry) -> list[tuple[int, str]]:
    """``wedged`` for every photo cell of the entry: (the cell's index, "above" or "below")."""
    if not spec.photos or not article.paragraphs:
        return []
    placed = resolve_cells(spec, head_lines).photos
    block = spec.block
    head_right = block.col + (spec.headline.cols or block.cols)
    out: list[tuple[int, str]] = []
    for i, photo in enumerate(placed):
        cell, gap = photo.cell, photo.standoff
        area = next((a for a in spec.areas if a.col <= cell.col and cell.right <= a.right
                     and a.top <= cell.top < a.bottom), block)
        top = area.top + (head_lines if area is block and cell.col < head_right else 0)
        bottom = area_bottom(area, geo)
        for other in placed:  # another cell in the same columns bounds the text run above or below
            o = other.cell
            if other is photo or o.right <= cell.col or cell.right <= o.col:
                continue
            if o.bottom <= cell.top:
                top = max(top, o.bottom + other.standoff)
            elif o.top >= cell.bottom:
                bottom = min(bottom, o.top - other.standoff)
        for side, n in (("above", cell.top - gap - top), ("below", bottom - (cell.bottom + gap))):
            if n == 1:
                out.append((i, side))
    return out


def lone_lines(spec: ArticleSpec, article: Article, head_lines: int, geo: PageGeometry) -> int:
    """How many single body lines are wedged beside the photo cells (``wedged``)."""
    return len(_wedged_cells(spec, article, head_lines, geo))


Choice = tuple[ArticleSpec, Variant, "Fill | None"]  # the spec chosen, its variant, the fill as written


def fit_article(spec: ArticleSpec, article: Article, styles: dict[str, Style], geo: PageGeometry,
                faces: FaceSet, body: list[Line], carried: list[Line] | None = None,
                choose: Callable[[Callable[[], Choice]], Choice] | None = None) -> Placed:
    """``choose``: a session's (flow/page.py), that keeps the variant chosen while what the trials
    measure is unchanged (the module's spec and page, the article's headline and photos, the body's
    count and kinds of lines): an edit that keeps the body's lines skips the trials."""
    if spec.fit.photo_lines == (0, 0) and spec.fit.headline_lines == (0, 0):
        placed = flow_article(spec, article, styles, geo, faces, body=body, carried=carried)
        _warn_wedged(placed, spec, article, geo)
        return placed

    def trials() -> Choice:
        return _choose(spec, article, styles, geo, faces, body, carried)

    best_spec, best_variant, base_fill = trials() if choose is None else choose(trials)
    placed = flow_article(best_spec, article, styles, geo, faces, body=body, carried=carried)
    _warn_wedged(placed, best_spec, article, geo)
    if best_variant != NO_CHANGE:
        fill = placed.fill
        result = f"{fill.empty_foot + fill.shortfall} empty lines" if fill else "filled"
        placed.warnings.append(Warning("fitted", f"{article.id!r}: {best_variant.describe()} ({result})", spec.loc))
    elif base_fill and (base_fill.overset or base_fill.empty_foot + base_fill.shortfall > 1):
        placed.warnings.append(Warning("fitted", f"{article.id!r}: no change within the fit bounds helps "
                                       f"(headline {spec.fit.headline_lines}, photo {spec.fit.photo_lines})", spec.loc))
    return placed


def _choose(spec: ArticleSpec, article: Article, styles: dict[str, Style], geo: PageGeometry, faces: FaceSet,
            body: list[Line], carried: list[Line] | None) -> Choice:
    """The variant within the fit bounds that fills best. The spec as written is a trial too: only
    the variant chosen is placed for real (its lines built)."""
    base = flow_article(spec, article, styles, geo, faces, body=body, carried=carried, dry=True)
    best = (base, spec, NO_CHANGE)
    best = _search(spec, article, styles, geo, faces, body, carried, base, best, (0,))
    if lone_lines(best[1], article, best[0].head_lines, geo) and spec.fit.photo_lines != (0, 0):
        # Only then try moving the cell a line (three times the trials): the sizes alone leave a
        # single line above or below the photo.
        best = _search(spec, article, styles, geo, faces, body, carried, base, best, (-1, 1))
    return best[1], best[2], base.fill


def _warn_wedged(placed: Placed, spec: ArticleSpec, article: Article, geo: PageGeometry) -> None:
    hint = {"above": "start the cell a line higher or lower", "below": "end the cell a line higher or lower"}
    found = _wedged_cells(spec, article, placed.head_lines, geo)
    for i in dict.fromkeys(i for i, _ in found):
        sides = [side for j, side in found if j == i]
        placed.warnings.append(Warning("layout", f"{article.id!r}: a single body line is wedged "
                                       f"{' and '.join(sides)} its photo; " + "; ".join(hint[s] for s in sides),
                                       spec.photos[i].cell.loc))


Trial = tuple[Placed, ArticleSpec, Variant]


def _search(spec: ArticleSpec, article: Article, styles: dict[str, Style], geo: PageGeometry, faces: FaceSet,
            body: list[Line], carried: list[Line] | None, base: Placed, best: Trial, moves: tuple[int, ...]) -> Trial:
    """The best of ``best`` and every variant within the fit bounds with one of ``moves``."""
    head_lines = base.head_lines

    def rank(trial: Trial) -> tuple[int, int, int, int]:
        placed, changed, variant = trial
        return score(placed.fill, variant, lone_lines(changed, article, placed.head_lines, geo))

    rows = cell_rows(spec) or [(0,)]
    many = len(rows) > 1
    for dh in range(spec.fit.headline_lines[0], spec.fit.headline_lines[1] + 1):
        for dp in range(spec.fit.photo_lines[0], spec.fit.photo_lines[1] + 1):
            for move in moves:
                for row in rows if dp or move else rows[:1]:  # every row of cells in turn (issue 17)
                    variant = Variant(dh, dp, move, row, many)
                    if variant.change == 0:
                        continue
                    changed = _apply(spec, variant, head_lines, geo)
                    if changed is None:
                        continue
                    trial = flow_article(changed, article, styles, geo, faces, body=body, carried=carried, dry=True)
                    if any(w.kind == "overset" for w in trial.warnings):
                        continue  # a headline or caption that no longer fits its area
                    if (variant.photo or variant.move) and _thinner_photo(article, spec, base, trial, row):
                        continue  # the photo would print under the resolution print needs
                    if rank((trial, changed, variant)) < rank(best):
                        best = (trial, changed, variant)
    return best


def _apply(spec: ArticleSpec, v: Variant, head_lines: int, geo: PageGeometry) -> ArticleSpec | None:
    new_head = head_lines + v.headline
    if new_head < 1 and head_lines > 0:
        return None
    photos = list(spec.photos)
    if photos:
        for i in v.cells:
            changed = _apply_cell(spec, photos[i], v, head_lines, new_head, geo)
            if changed is None:
                return None
            photos[i] = changed
        if v.photo or v.move:
            shown = resolve_cells(replace(spec, photos=tuple(photos)), new_head).photos
            if any(a.cell.overlaps(b.cell) for k, a in enumerate(shown) for b in shown[:k]):
                return None  # a deeper or moved cell would run into another
    elif v.photo or v.move:
        return None
    headline = replace(spec.headline, lines=new_head) if v.headline else spec.headline
    return replace(spec, headline=headline, photos=tuple(photos))


def _apply_cell(spec: ArticleSpec, photo: PhotoSpec, v: Variant, head_lines: int, new_head: int,
                geo: PageGeometry) -> PhotoSpec | None:
    """One cell of the variant's row, deepened or moved; None if it would leave its area."""
    cell = photo.cell
    block = next((a for a in spec.areas if a.col <= cell.col and cell.right <= a.right
                  and a.top <= cell.top < a.bottom), spec.block)
    lines = cell.lines + v.photo
    if lines < 3:
        return None
    bottom = area_bottom(block, geo)
    under_head = block is spec.block and cell.col < block.col + (spec.headline.cols or block.cols)
    # a 'line: after' cell is placed under the headline by the flow: judge it where it will stand
    placed_top = cell.top + (new_head if photo.after_headline and under_head else 0)
    top = cell.top
    if placed_top + cell.lines >= bottom:
        top -= v.photo  # a photo at the foot of its block stays there
    if not photo.after_headline and cell.top <= block.top + head_lines and under_head:
        top += v.headline  # a photo under the headline moves with it
    top += v.move
    shown = top + (new_head if photo.after_headline and under_head else 0)
    if shown < block.top or shown + lines > bottom:
        return None
    return replace(photo, cell=Rect(cell.col, cell.cols, top, lines, cell.loc))


def _thinner_photo(article: Article, spec: ArticleSpec, base: Placed, trial: Placed,
                   cells: tuple[int, ...] = (0,)) -> bool:
    """Does the trial take a changed cell's photo under the resolution print warns at (PRINT.md:
    200 ppi), or, when the spec as written already is under it, lower still? A deeper cell spreads
    the same pixels wider (or, filled, crops a landscape picture narrower)."""
    if not article.photos or not spec.photos:
        return False
    pairs = assign_photos(spec, article)[0]
    for i in cells:
        was, now = base.photo_frames.get(i), trial.photo_frames.get(i)
        photo = pairs[i][1] if i < len(pairs) else None
        if was is None or now is None or photo is None:
            continue
        fit = spec.photos[i].fit
        floor = min(float(WARN_PPI), effective_ppi(photo.file, *was, fit))
        if effective_ppi(photo.file, *now, fit) < floor - 0.5:
            return True
    return False


def effective_ppi(path: Path, width: float, height: float, fit: str) -> float:
    """Pixels per inch of the picture's source pixels in a frame of ``width`` × ``height`` pt, as
    render/images.py will place it (fill: cropped to the frame's shape; fit: whole)."""
    try:
        stat = path.stat()
    except OSError:
        return float("inf")  # unreadable here: the render reports it
    size = pixel_size(path, stat.st_mtime_ns, stat.st_size)
    if size is None or width <= 0 or height <= 0:
        return float("inf")  # unreadable here: the render reports it
    w, h = size
    if fit == "fill":
        return min(w, h * width / height) / (width / 72)
    return w / (w * min(width / w, height / h) / 72)


@lru_cache(maxsize=256)
def pixel_size(path: Path, mtime_ns: int, size: int) -> tuple[int, int] | None:
    """The picture's pixel size as it will be placed (EXIF quarter turns applied); None if unreadable.
    Remembered by the file's path, time and size: a long-lived process (serve) sees a new picture."""
    from PIL import Image  # only a page whose fitting tries photo depths reads a header

    from pagesetter.paths import open_regular
    from pagesetter.render.images import PHOTO_FORMATS

    reading = READING.set(Reading(path))  # a warning about its EXIF is held and dropped: the render gives it
    try:
        with open_regular(path) as fh, Image.open(fh, formats=PHOTO_FORMATS) as im:
            w, h = im.size
            if im.getexif().get(EXIF_ORIENTATION, 1) in (5, 6, 7, 8):
                w, h = h, w
            return w, h
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return None  # the render names the file and says why
    finally:
        READING.reset(reading)
