"""Fitting: within the bounds the spec allows, change headline and photo depths until the body
fills its block exactly (no overset, columns level), and say what was changed.

A make-up editor fits a module by giving the photo or the headline a line more or less rather
than by touching the text; the engine tries every allowed combination and keeps the best one a
desk would accept: no leg of text beside a photo thinner than LEG_FLOOR_PT, no photo deepened or made
shallower by more than PHOTO_SHARE of its depth, headline lines preferred to photo lines
(CHANGE_COST). A variant that fills only by breaking those is not chosen: the build says what
would fill and leaves the white for the editor to close (a longer text, a shorter block).
"""

from __future__ import annotations

import bisect
import math
from dataclasses import replace
from functools import lru_cache
from typing import Callable
from pathlib import Path

from pagesetter.compose.lines import Line
from pagesetter.compose.spacing import LOOSE_EM
from pagesetter.content.model import Article
from pagesetter.errors import READING, Reading, Warning
from pagesetter.flow.article import (Fill, Placed, area_bottom, flow_article, foot_allowance, is_underset,
                                     rebreakable, set_body)
from pagesetter.flow.cells import assign_photos, resolve_cells
from pagesetter.flow.geometry import PageGeometry
from pagesetter.fonts.face import FaceSet
from pagesetter.records import record
from pagesetter.render.photo import EXIF_ORIENTATION, WARN_PPI
from pagesetter.spec.model import ArticleSpec, PhotoSpec, Rect, Style
from pagesetter.wording import counted, noun_for


@record(frozen=True)
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
        parts = [f"{what} {delta:+d} {noun_for(delta, 'line')}"
                 for what, delta in (("headline", self.headline), (photo, self.photo)) if delta]
        if self.move:
            parts.append(f"{photo} moved {'down' if self.move > 0 else 'up'} {counted(abs(self.move), 'line')}")
        return ", ".join(parts) or "no change"

    @property
    def change(self) -> int:
        return abs(self.headline) + abs(self.photo) + abs(self.move)

    @property
    def cost(self) -> int:
        """How much a desk minds the change (CHANGE_COST): among variants that fill alike, the one
        that moves the text's depth by headline lines before the one that resizes the picture."""
        return (CHANGE_COST["headline"] * abs(self.headline) + CHANGE_COST["photo"] * abs(self.photo)
                + CHANGE_COST["move"] * abs(self.move))


# What one line of each change costs a desk. A headline line more or less changes the body's depth
# and nothing a reader sees as altered; a photo line changes the picture's crop and proportions (a
# landscape 14-line cell at 23 lines is nearly square), and the picture editor chose that crop.
CHANGE_COST: dict[str, int] = {"headline": 1, "move": 1, "photo": 2}
# The share of its depth as written a photo cell may gain or lose in fitting: past a third, the
# picture is another picture (its crop and weight on the page), a change for the picture editor to
# make, not the make-up's (our judgement; the trial's 14-line cell deepened 9 lines was refused).
PHOTO_SHARE = 1 / 3
# The least depth of a leg of text beside or under a photo: one inch (T. Harrower, The Newspaper
# Designer's Handbook: legs of text no shallower than an inch; a shallower one is a strip the eye
# skips). In grid lines of the page's pitch: 6 on the 13.5 pt grid.
LEG_FLOOR_PT = 72.0


NO_CHANGE = Variant(0, 0)


def cell_rows(spec: ArticleSpec) -> list[tuple[int, ...]]:
    """The entry's photo cells in the groups fitting changes together: cells on the same line with
    the same depth (a photo story's pictures side by side) are one row; every other cell its own."""
    rows: dict[tuple[int, int, bool], list[int]] = {}
    for i, ps in enumerate(spec.photos):
        rows.setdefault((ps.cell.top, ps.cell.lines, ps.after_headline), []).append(i)
    return [tuple(r) for r in rows.values()]


def score(fill: Fill | None, variant: Variant, lone: int = 0, poor: int = 0,
          widows: int = 0) -> tuple[int, int, int, int, int, int]:
    """Lower is better: overset first (it fails the build), then how poor the make-up is (``poor``:
    lines of legs under leg_floor and of photo change past PHOTO_SHARE, more than the spec as
    written has), then single body lines wedged beside the photo, then white at the foot, then
    paragraphs' last lines alone at a column's head (``widows``: 段末孤行, which `check` counts; of
    two variants that fill alike a desk takes the one without), then the cost of the change
    (Variant.cost)."""
    if fill is None:
        return (0, poor, lone, 0, widows, variant.cost)
    return (fill.overset, poor, lone, fill.empty_foot + fill.shortfall, widows, variant.cost)


def leg_floor(geo: PageGeometry) -> int:
    """The fewest body lines a leg of text beside or under a photo may have (a leg: a column's run of
    body between the photo's standoff and the block's foot, the headline or another cell):
    LEG_FLOOR_PT in the page's grid lines (the trial's photo deepened to leave legs of 5 lines,
    67.5 pt, under it)."""
    return max(2, math.ceil(LEG_FLOOR_PT / geo.spec.grid.pitch - 0.01))


def poorness(spec: ArticleSpec, article: Article, head_lines: int, geo: PageGeometry,
             variant: Variant = NO_CHANGE, written: ArticleSpec | None = None) -> int:
    """How far the module falls short of what a desk accepts, in lines: each leg of text under
    ``leg_floor`` by its shortfall (a leg of none, a photo down to the edge, is fine), and a photo
    changed by more than PHOTO_SHARE of its depth as written (``written``) by the excess."""
    floor = leg_floor(geo)
    out = sum(floor - n for _, _, n in _legs(spec, article, head_lines, geo) if 0 < n < floor)
    if variant.photo and written is not None:
        for i in variant.cells:
            out += max(0, abs(variant.photo) - math.floor(PHOTO_SHARE * written.photos[i].cell.lines))
    return out


def wedged(spec: ArticleSpec, article: Article, head_lines: int, geo: PageGeometry) -> tuple[str, ...]:
    """Where a photo cell leaves a single body line in its columns: "above" (between the headline,
    the block's top or another cell, and the cell's standoff), "below" (between the standoff and
    the block's foot or the next cell). A reader's eye skips one line wedged there (issue 15.8).
    None in a module without a body (图片新闻): its white line holds no text."""
    return tuple(side for _, side in _wedged_cells(spec, article, head_lines, geo))


def _wedged_cells(spec: ArticleSpec, article: Article, head_lines: int,
                  geo: PageGeometry) -> list[tuple[int, str]]:
    """``wedged`` for every photo cell of the entry: (the cell's index, "above" or "below")."""
    return [(i, side) for i, side, n in _legs(spec, article, head_lines, geo) if n == 1]


def _legs(spec: ArticleSpec, article: Article, head_lines: int, geo: PageGeometry) -> list[tuple[int, str, int]]:
    """The legs of body text above and below every photo cell of the entry, in its columns: (the
    cell's index, "above" or "below", the leg's depth in lines). None in a module without a body."""
    if not spec.photos or not article.paragraphs:
        return []
    placed = resolve_cells(spec, head_lines).photos
    block = spec.block
    head_right = block.col + (spec.headline.cols or block.cols)
    out: list[tuple[int, str, int]] = []
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
            out.append((i, side, n))
    return out


def lone_lines(spec: ArticleSpec, article: Article, head_lines: int, geo: PageGeometry) -> int:
    """How many single body lines are wedged beside the photo cells (``wedged``)."""
    return len(_wedged_cells(spec, article, head_lines, geo))


# the spec chosen, its variant, the fill as written, and the search (for the poor-variant warning)
Choice = tuple[ArticleSpec, Variant, "Fill | None", "Found"]


def fit_article(spec: ArticleSpec, article: Article, styles: dict[str, Style], geo: PageGeometry,
                faces: FaceSet, body: list[Line], carried: list[Line] | None = None,
                choose: Callable[[Callable[[], Choice]], Choice] | None = None) -> Placed:
    """``choose``: a session's (flow/page.py), that keeps the variant chosen while what the trials
    measure is unchanged (the module's spec and page, the article's headline and photos, the body's
    count and kinds of lines): an edit that keeps the body's lines skips the trials."""
    if spec.fit.photo_lines == (0, 0) and spec.fit.headline_lines == (0, 0):
        placed = _place(spec, article, styles, geo, faces, body, carried)
        _warn_wedged(placed, spec, article, geo)
        return placed

    def trials() -> Choice:
        return _choose(spec, article, styles, geo, faces, body, carried)

    best_spec, best_variant, base_fill, found = trials() if choose is None else choose(trials)
    placed = _place(best_spec, article, styles, geo, faces, body, carried)
    _warn_wedged(placed, best_spec, article, geo)
    _warn_poor(placed, found, spec, article, geo)
    if best_variant != NO_CHANGE:
        fill = placed.fill
        result = counted(fill.empty_foot + fill.shortfall, "empty line") if fill else "filled"
        placed.warnings.append(Warning("fitted", f"{article.id!r}: {best_variant.describe()} ({result})", spec.loc, article.id))
    elif base_fill and (base_fill.overset or base_fill.empty_foot + base_fill.shortfall > 1):
        placed.warnings.append(Warning("fitted", f"{article.id!r}: no change within the fit bounds helps "
                                       f"(headline {spec.fit.headline_lines}, photo {spec.fit.photo_lines})", spec.loc,
                                       article.id))
    return placed


def _place(spec: ArticleSpec, article: Article, styles: dict[str, Style], geo: PageGeometry, faces: FaceSet,
           body: list[Line], carried: list[Line] | None) -> Placed:
    """The module placed for real, as ``spec`` says; where that leaves a paragraph's last line alone
    at a column's head, with the paragraphs rebroken that keep it from there (_rebroken), if any."""
    placed = flow_article(spec, article, styles, geo, faces, body=body, carried=carried)
    if not placed.widows:
        return placed
    found = _rebroken(spec, article, styles, geo, faces, body, placed)
    if found is None:
        return placed
    lines, rebreak, concerns = found
    placed = flow_article(spec, article, styles, geo, faces, body=lines, carried=carried)
    placed.concerns = concerns  # the body's warnings are of these lines now (flow/page.py)
    locs = [article.paragraphs[k].loc for k, _ in rebreak]
    said = ", ".join(f"paragraph {k + 1} ({loc.path}:{loc.line}) a line {'longer' if more > 0 else 'shorter'}"
                     for (k, more), loc in zip(rebreak, locs))
    placed.warnings.append(Warning("fitted", f"{article.id!r}: {said} (spaced within the style's limits), so no "
                                   "paragraph's last line stands alone at a column's head", spec.loc, article.id))
    return placed


# The widest a rebreak reaches: the paragraph with the widow and one other, each a line longer or
# shorter. A make-up editor asks no more of the copy's setting than that; past it, the desk cuts
# or adds a line.
Rebreak = tuple[tuple[int, int], ...]


def _rebroken(spec: ArticleSpec, article: Article, styles: dict[str, Style], geo: PageGeometry, faces: FaceSet,
              body: list[Line], placed: Placed) -> tuple[list[Line], Rebreak, tuple[tuple[Line, ...], ...]] | None:
    """The body with the paragraph whose last line opens a column set a line shorter (its last line
    goes back to the column before) or longer (the line before it goes over with it), and, when
    that leaves a line short or over, another paragraph a line longer or shorter to fill the
    module as before (compose/lines.py rebreak_paragraph: every line within the style's spacing
    limits). The best by overset, white, widows left and paragraphs changed (the nearer the
    better); only one that fills as well as the body as set, with fewer widows and no warning
    more; of those, the one with the fewest loose lines (LOOSE_EM), then the fewest paragraphs
    changed, the nearest first; with the lines each of the body's warnings is of (set_body's
    concerns: the warnings are the same, the lines others). None for a continued or jumping module
    (its lines are another page's too)."""
    if spec.continued_from is not None or spec.jump_to is not None or not article.paragraphs:
        return None
    measure = geo.span_width(1)
    as_set = set_body(spec, article, styles, measure, faces)
    if as_set is None or as_set[0] != body:
        return None  # (a body set otherwise than the article's paragraphs say)
    _, warnings, starts, _ = as_set
    printing = [i for i, line in enumerate(body) if line.role != "blank"]
    widow = bisect.bisect_right(starts, printing[placed.widows[0]]) - 1
    paras = article.paragraphs
    if not rebreakable(paras[widow]):
        return None
    others = sorted((q for q in range(len(paras)) if q != widow and rebreakable(paras[q])),
                    key=lambda q: (abs(q - widow), q))
    tries: list[Rebreak] = [((widow, -1),), ((widow, 1),)]
    tries += [tuple(sorted(((widow, more), (q, -more)))) for more in (-1, 1) for q in others]
    ref = flow_article(spec, article, styles, geo, faces, body=body, dry=True)

    def measured(trial: Placed) -> tuple[int, int]:
        fill = trial.fill
        return (fill.overset, fill.empty_foot + fill.shortfall) if fill is not None else (0, 0)

    limit = measured(ref)
    best: tuple[tuple[int, ...], list[Line], Rebreak, tuple[tuple[Line, ...], ...]] | None = None
    for n, rebreak in enumerate(tries):
        set_ = set_body(spec, article, styles, measure, faces, dict(rebreak))
        if set_ is None or set_[1] != warnings:
            continue  # a paragraph that cannot be so set, or a line the build would warn of
        trial = flow_article(spec, article, styles, geo, faces, body=set_[0], dry=True)
        if measured(trial) > limit or len(trial.widows) >= len(ref.widows) or len(trial.warnings) > len(ref.warnings):
            continue
        # of two that fill alike, the one with fewer lines spread as a reader sees (LOOSE_EM)
        loose = sum(line.han_spread > LOOSE_EM for line in set_[0])
        key = (*measured(trial), len(trial.widows), loose, len(rebreak), n)
        if best is None or key < best[0]:
            best = (key, set_[0], rebreak, tuple(set_[3]))
    return None if best is None else (best[1], best[2], best[3])


def _choose(spec: ArticleSpec, article: Article, styles: dict[str, Style], geo: PageGeometry, faces: FaceSet,
            body: list[Line], carried: list[Line] | None) -> Choice:
    """The variant within the fit bounds that fills best. The spec as written is a trial too: only
    the variant chosen is placed for real (its lines built)."""
    base = flow_article(spec, article, styles, geo, faces, body=body, carried=carried, dry=True)
    found = _search(spec, article, styles, geo, faces, body, carried, base, Found((base, spec, NO_CHANGE)), (0,))
    if lone_lines(found.best[1], article, found.best[0].head_lines, geo) and spec.fit.photo_lines != (0, 0):
        # Only then try moving the cell a line (three times the trials): the sizes alone leave a
        # single line above or below the photo.
        found = _search(spec, article, styles, geo, faces, body, carried, base, found, (-1, 1))
    return found.best[1], found.best[2], base.fill, found


def _warn_wedged(placed: Placed, spec: ArticleSpec, article: Article, geo: PageGeometry) -> None:
    hint = {"above": "start the cell a line higher or lower", "below": "end the cell a line higher or lower"}
    found = _wedged_cells(spec, article, placed.head_lines, geo)
    for i in dict.fromkeys(i for i, _ in found):
        sides = [side for j, side in found if j == i]
        placed.warnings.append(Warning("layout", f"{article.id!r}: a single body line is wedged "
                                       f"{' and '.join(sides)} its photo; " + "; ".join(hint[s] for s in sides),
                                       spec.photos[i].cell.loc, article.id))


Trial = tuple[Placed, ArticleSpec, Variant]


@record(frozen=True)
class Found:
    best: Trial  # the variant chosen so far
    poor: Trial | None = None  # the best-filling variant set aside as one a desk would not accept


def _white(placed: Placed) -> int:
    fill = placed.fill
    return fill.empty_foot + fill.shortfall if fill is not None else 0


def _warn_poor(placed: Placed, found: Found, spec: ArticleSpec, article: Article, geo: PageGeometry) -> None:
    """Say so when only a variant a desk would not accept fills the module: which, and why it was
    not taken, so the editor closes the white another way (more text, a shorter block)."""
    if found.poor is None or _white(placed) <= 1 or _white(found.poor[0]) >= _white(placed):
        return
    trial, changed, variant = found.poor
    floor = leg_floor(geo)
    legs = [n for _, _, n in _legs(changed, article, trial.head_lines, geo) if 0 < n < floor]
    why = [f"legs of {counted(min(legs), 'body line')} beside the photo (a leg "
           f"should be at least {counted(floor, 'line')}, an inch deep)"] if legs else []
    if variant.photo and any(abs(variant.photo) > math.floor(PHOTO_SHARE * spec.photos[i].cell.lines)
                             for i in variant.cells):
        why.append("the photo changed by more than a third of its depth")
    placed.warnings.append(Warning(
        "layout", f"{article.id!r}: only {variant.describe()} would fill the module "
        f"({counted(_white(trial), 'empty line')}), not taken: it leaves {' and '.join(why) or 'a poorer page'}; "
        f"{counted(_white(placed), 'empty line')} left: lengthen the text, shorten the block or narrow it", spec.loc, article.id))


def _search(spec: ArticleSpec, article: Article, styles: dict[str, Style], geo: PageGeometry, faces: FaceSet,
            body: list[Line], carried: list[Line] | None, base: Placed, found: Found, moves: tuple[int, ...]) -> Found:
    """The best of ``found`` and every variant within the fit bounds with one of ``moves``, and the
    best-filling of those set aside as poor (``poorness`` more than the spec as written)."""
    head_lines = base.head_lines
    written = poorness(spec, article, head_lines, geo)

    def poor(trial: Trial) -> int:
        placed, changed, variant = trial
        return max(0, poorness(changed, article, placed.head_lines, geo, variant, spec) - written)

    def rank(trial: Trial) -> tuple[int, int, int, int, int, int]:
        placed, changed, variant = trial
        return score(placed.fill, variant, lone_lines(changed, article, placed.head_lines, geo), poor(trial),
                     len(placed.widows))

    def filling(trial: Trial) -> tuple[int, int, int]:
        return (trial[0].fill.overset if trial[0].fill else 0, _white(trial[0]), trial[2].cost)

    best, set_aside = found.best, found.poor

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
                    if variant.headline > 0 and trial.fill is not None and \
                            is_underset(trial.fill, foot_allowance(changed, geo)):
                        continue  # a deeper headline over a module still underset only moves the white under it
                    if (variant.photo or variant.move) and _thinner_photo(article, spec, base, trial, row):
                        continue  # the photo would print under the resolution print needs
                    candidate = (trial, changed, variant)
                    if poor(candidate) and (set_aside is None or filling(candidate) < filling(set_aside)):
                        set_aside = candidate
                    if rank(candidate) < rank(best):
                        best = candidate
    return Found(best, set_aside)


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
    headline = (replace(spec.headline, lines=new_head, fitted=spec.headline.fitted + v.headline) if v.headline
                else spec.headline)
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
    from pagesetter.render.photo import photo_formats

    reading = READING.set(Reading(path))  # a warning about its EXIF is held and dropped: the render gives it
    try:
        with open_regular(path) as fh, Image.open(fh, formats=photo_formats(fh)) as im:
            w, h = im.size
            if im.getexif().get(EXIF_ORIENTATION, 1) in (5, 6, 7, 8):
                w, h = h, w
            return w, h
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return None  # the render names the file and says why
    finally:
        READING.reset(reading)
