"""Automatic make-up: choose the modules (column spans and depths) for articles in priority order.

The page below ``auto.line`` is cut into vertical stacks of whole columns; each stack holds
articles one under another, each module as wide as its stack. Every way of cutting the columns
(stacks at least ``min_cols`` wide) and of dealing the articles to the stacks (priority order kept
within a stack) is scored by the white it leaves; the lead article must stand at the top of the
first stack. The module at the foot of each stack takes the stack's last lines, and fitting
(photo and headline depth, within ``auto.fit``) closes what remains.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import replace
from functools import lru_cache

from pagesetter.compose.display import compose_display
from pagesetter.content.model import Article
from pagesetter.errors import InputError
from pagesetter.flow.article import compose_body, headline_depth
from pagesetter.flow.geometry import PageGeometry
from pagesetter.fonts.face import FaceSet
from pagesetter.records import record
from pagesetter.spec.model import ArticleSpec, AutoSpec, HeadlineSpec, PageSpec, PhotoSpec, Rect
from pagesetter.wording import counted


# A module's body fills every column it spans with at least this many lines: a short item spread
# over empty ruled columns is a make-up error (issue 15.6), and one line a column reads as a list.
MIN_COLUMN_LINES = 2


@record(frozen=True)
class Module:
    article: str
    cols: int
    head_lines: int
    depth: int  # grid lines, the rule line included
    ruled: bool = True  # reckoned with the rule line under it (a module not at the foot of the page)


@record(frozen=True)
class Arrangement:
    stacks: tuple[tuple[int, tuple[Module, ...]], ...]  # (first column, modules top to bottom)
    white: int  # empty column-lines before fitting
    tried: int
    band: Module | None = None  # a module across the whole foot (通栏)

    def explain(self) -> str:
        parts = []
        for col, modules in self.stacks:
            cols = modules[0].cols
            names = ", ".join(f"{m.article} ({counted(m.depth, 'line')})" for m in modules)
            parts.append(f"columns {col + 1}–{col + cols}: {names}")
        if self.band:
            parts.append(f"across the foot: {self.band.article} ({counted(self.band.depth, 'line')})")
        return (f"{'; '.join(parts)}. Chosen from {counted(self.tried, 'arrangement')} as the one leaving the "
                f"least white ({counted(self.white, 'column-line')} before fitting) with the lead at the top left.")


def compositions(total: int, least: int) -> list[tuple[int, ...]]:
    """Every way to write ``total`` as an ordered sum of parts of at least ``least``."""
    out: list[tuple[int, ...]] = []
    for k in range(1, total // least + 1):
        for cuts in itertools.combinations(range(1, total), k - 1):
            parts = tuple(b - a for a, b in zip((0, *cuts), (*cuts, total)))
            if all(p >= least for p in parts):
                out.append(parts)
    return out


# Arrangements auto may walk through: every cut of the columns times every deal of the articles to
# the stacks grows as stacks ** articles; the seed page's five articles on eight columns walk some
# 4,000 (a second). Past this a page would be searched for minutes or for ever (40 columns of
# min_cols 1 cut 2 ** 39 ways), so it is refused before the search starts.
MAX_ARRANGEMENTS = 1_000_000


def search_size(columns: int, least: int, articles: int) -> int:
    """How many (cut, deal) pairs arrange() walks: for k stacks, the cuts of ``columns`` into k
    parts of at least ``least`` (C(columns - k(least - 1) - 1, k - 1)) times k ** articles, with
    and without the last article across the foot."""
    total = 0
    for n in ((articles, articles - 1) if articles > 1 else (articles,)):
        for k in range(1, columns // least + 1):
            total += math.comb(columns - k * (least - 1) - 1, k - 1) * k ** n
            if total > MAX_ARRANGEMENTS:
                return total
    return total


def arrange(spec: PageSpec, articles: dict[str, Article], faces: FaceSet) -> tuple[PageSpec, str]:
    auto = spec.auto
    assert auto is not None
    geo = PageGeometry(spec)
    grid = spec.grid
    for name in auto.articles:
        if name not in articles:
            raise InputError(auto.loc, f"auto lists {name!r}, which is not in {spec.content_dir.name}/")
        if len(articles[name].photos) > 1:  # auto gives each article one photo cell
            raise InputError(auto.loc, f"auto places one photo per article, and {name!r} has "
                             f"{len(articles[name].photos)}; place it by hand under articles: with photos:")
    if search_size(grid.columns, auto.min_cols, len(auto.articles)) > MAX_ARRANGEMENTS:
        raise InputError(auto.loc, f"auto: {counted(len(auto.articles), 'article')} over {counted(grid.columns, 'column')} "
                         f"(min_cols {auto.min_cols}) are more than {MAX_ARRANGEMENTS:,} arrangements to try; "
                         "list fewer articles, raise min_cols or place some by hand")
    avail = grid.lines - auto.top
    template = ArticleSpec(article="", block=Rect(0, 1, 0, 1, auto.loc), headline=HeadlineSpec(
        None, None, "kicker", "title", "subtitle", "byline", "center", False), photos=(), body="body",
        lead="lead", column_rules=True, balance=True, loc=auto.loc)
    body_lines = {n: len(compose_body(template, articles[n], spec.styles, geo.span_width(1), faces)[0])
                  for n in auto.articles}

    # Photos are reckoned at their least depth; fitting grows them back into any white left.
    photo_lines = max(3, auto.photo_lines + auto.fit.photo_lines[0])

    def _photo_cols(name: str, cols: int) -> int:
        if articles[name].ad:
            return cols  # the picture is the module: no body to fill its columns
        return min(auto.photo_cols, cols) if articles[name].photos else 0

    @lru_cache(maxsize=None)
    def module(name: str, cols: int, at_foot: bool) -> Module | None:
        if articles[name].ad:  # as deep as its picture set whole across the module (flow/cells.py ad_entry)
            lines = _ad_lines(articles[name], geo.span_width(cols), spec) or photo_lines
            return Module(name, cols, 0, lines + (0 if at_foot else 1), not at_foot)
        if body_lines[name] < MIN_COLUMN_LINES * (cols - _photo_cols(name, cols)):
            return None  # a short item over empty ruled columns
        head = _headline_lines(articles[name], cols, spec, geo, faces)
        photo = 0
        if articles[name].photos:
            pc = _photo_cols(name, cols)
            photo = pc * (photo_lines + 1)  # the cell and its standoff line
        area = head * cols + photo + body_lines[name]
        depth = math.ceil(area / cols)
        if photo:  # never shallower than its headline and photo cell one over the other
            depth = max(depth, head + photo_lines)
        return Module(name, cols, head, depth + (0 if at_foot else 1))

    best: Arrangement | None = None
    tried = 0
    names = auto.articles
    # The last article may run across the whole foot of the page (通栏), under the stacks.
    for band in ((), (names[-1],)) if len(names) > 1 else ((),):
        band_mod = module(band[0], grid.columns, True) if band else None
        if band and band_mod is None:
            continue
        stack_names = names[:-1] if band else names
        stack_avail = avail - (band_mod.depth if band_mod else 0)
        for parts in compositions(grid.columns, auto.min_cols):
            for deal in itertools.product(range(len(parts)), repeat=len(stack_names)):
                if deal[0] != 0:
                    continue  # the lead opens the first stack
                tried += 1
                found = _deal(parts, deal, stack_names, stack_avail, module, foot=not band)
                if found is None:
                    continue
                stacks, white = found
                key = (white, -parts[0])  # least white, then the widest lead
                if best is None or key < (best.white, -best.stacks[0][1][0].cols):
                    best = Arrangement(tuple(stacks), white, 0, band_mod)
    if best is None:
        short = [n for n in names if body_lines[n] < MIN_COLUMN_LINES * (auto.min_cols - _photo_cols(n, auto.min_cols))]
        if short:
            raise InputError(auto.loc, f"auto: {', '.join(short)} too short for a module of min_cols "
                             f"{auto.min_cols} (at least {MIN_COLUMN_LINES} body lines in each column not under a photo); lower "
                             "min_cols or place it by hand")
        raise InputError(auto.loc, f"auto: no arrangement of {counted(len(names), 'article')} fits lines "
                         f"{auto.top + 1}–{grid.lines}: the text is too long for the page")
    best = replace(best, tried=tried)
    return replace(spec, articles=spec.articles + _entries(best, auto, articles, grid.lines)), best.explain()


def _deal(parts: tuple[int, ...], deal: tuple[int, ...], names: tuple[str, ...], avail: int, module,
          foot: bool) -> tuple[list[tuple[int, tuple[Module, ...]]], int] | None:
    """Stack the dealt articles; None when a stack is empty or too deep."""
    stacks = []
    white = 0
    col = 0
    for s, cols in enumerate(parts):
        members = [n for n, d in zip(names, deal) if d == s]
        if not members:
            return None
        found = tuple(module(n, cols, foot and i == len(members) - 1) for i, n in enumerate(members))
        if None in found:
            return None
        mods = tuple(m for m in found if m is not None)
        used = sum(m.depth for m in mods)
        if used > avail:
            return None
        white += (avail - used) * cols
        stacks.append((col, mods))
        col += cols
    return stacks, white


def _ad_lines(article: Article, width: float, spec: PageSpec) -> int | None:
    """The grid lines an advertisement's picture takes set whole (never cropped) at ``width``: its
    height by its pixels' shape, and half the leading at its top and foot (a picture's edges stand
    on the em boxes of the text beside it: flow/cells.py ad_entry); None when the picture cannot
    be read here (the render names it)."""
    from pagesetter.flow.fit import pixel_size

    path = article.photos[0].file
    try:
        stat = path.stat()
    except OSError:
        return None
    size = pixel_size(path, stat.st_mtime_ns, stat.st_size)
    if size is None:
        return None
    grid = spec.grid
    height = width * size[1] / size[0]
    return max(1, math.ceil((height + grid.pitch - grid.body_size - 0.01) / grid.pitch))


def _headline_lines(article: Article, cols: int, spec: PageSpec, geo: PageGeometry, faces: FaceSet) -> int:
    height = 0.0
    for text, style in ((article.kicker, "kicker"), (article.title, "title"), (article.subtitle, "subtitle"),
                        (article.byline, "byline")):
        if text:
            lines, _ = compose_display(text, spec.styles[style], geo.span_width(cols), faces)
            height += len(lines) * spec.styles[style].leading
    return headline_depth(height, spec.grid.pitch)


def _entries(best: Arrangement, auto: AutoSpec, articles: dict[str, Article], page_lines: int) -> tuple[ArticleSpec, ...]:
    out = []
    loc = auto.loc
    stacks_bottom = page_lines - (best.band.depth if best.band else 0)
    placements = []
    for col, mods in best.stacks:
        top = auto.top
        # An advertisement is sold to its size: its block is never made deeper than its picture.
        # At the foot of a stack under other modules it stands on the stack's foot, the module
        # over it taking the rest (ads go to the foot of a page); alone in its stack it stands at
        # the top, the white under it.
        ad_foot = len(mods) > 1 and articles[mods[-1].article].ad
        for i, m in enumerate(mods):
            last = i == len(mods) - 1
            if ad_foot and i == len(mods) - 2:
                depth = stacks_bottom - mods[-1].depth - top
            elif last and not articles[m.article].ad:
                depth = stacks_bottom - top  # the foot module takes the rest
            elif last and not m.ruled and top + m.depth < stacks_bottom:
                depth = m.depth + 1  # an ad alone in its stack, off the foot: the rule line under it too
            else:
                depth = m.depth
            placements.append((m, col, top, depth))
            top += depth
    if best.band:
        placements.append((best.band, 0, stacks_bottom, best.band.depth))
    for m, col, top, depth in placements:
        block = Rect(col, m.cols, top, depth, loc)
        if articles[m.article].ad:  # its one cell is the block, its picture whole in it (ad_entry): no fitting
            out.append(ArticleSpec(m.article, block, HeadlineSpec(0, None, "kicker", "title", "subtitle", "byline",
                                                                  "center", False), (), "body", "lead", True, True,
                                   loc))
            continue
        photo = None
        if articles[m.article].photos:
            pc = min(auto.photo_cols, m.cols)
            # The cell stays inside its block (above the rule line of a module that does not reach
            # the foot): a cell deeper than the block printed below the type area.
            room = depth - m.head_lines - (0 if top + depth >= page_lines else 1)
            cell = Rect(col + m.cols - pc, pc, top + m.head_lines, max(3, min(auto.photo_lines, room)), loc)
            photo = PhotoSpec(cell, "caption", "credit", "fill", 1)
        headline = HeadlineSpec(m.head_lines, None, "kicker", "title", "subtitle", "byline", "center", False)
        out.append(ArticleSpec(m.article, block, headline, (photo,) if photo else (), "body", "lead", True, True, loc,
                               fit=auto.fit))
    # reading order: the stacks left to right, top to bottom, then the band
    return tuple(out)
