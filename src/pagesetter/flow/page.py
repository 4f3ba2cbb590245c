"""The whole page: 报眉, then every article module in reading order."""

from __future__ import annotations

import datetime
import functools
from pathlib import Path
from dataclasses import field, replace

from pagesetter.compose.chars import IDEOGRAPHIC_SPACE
from pagesetter.compose.display import compose_display
from pagesetter.compose.lines import Line
from pagesetter.content.model import Article
from pagesetter.errors import InputError, Warning, quoted
from pagesetter.flow.ads import ad_label
from pagesetter.flow.cells import ad_entry, check_ad_keys, check_photo_news
from pagesetter.flow.collisions import check_collisions
from pagesetter.flow.article import (Jumped, Placed, aligned_x, jumped_warnings, rule_line,
                                     rules_beside_white, set_body, shows_end, side_rules_beside, to_text_line)
from pagesetter.flow.fit import fit_article
from pagesetter.flow.glyphs import printable_text
from pagesetter.flow.geometry import EM_TOP_ABOVE_BASELINE, PageGeometry, module_geometry
from pagesetter.flow.junctions import joined_rules
from pagesetter.flow.masthead import place_masthead, without_ear_foot_rules
from pagesetter.fonts.face import FaceSet
from pagesetter.incremental import Memo, by_value
from pagesetter.pagetree import Frame, Image, Overset, Page, Panel, Rule, TextLine, Vector
from pagesetter.records import record
from pagesetter.spec.coverage import coverage_warnings
from pagesetter.spec.model import BLACK, ArticleSpec, Folio, PageSpec, Rect, Style

WEEKDAYS = "一二三四五六日"


@record(frozen=True)
class FlowResult:
    page: Page
    warnings: tuple[Warning, ...]
    # body lines of articles that jump to a later page (转第N版), by article id
    leftovers: dict[str, tuple[Line, ...]] = field(default_factory=dict)
    # the warnings of those lines, said by the page that prints them (flow/article.py Jumped)
    leftover_warnings: dict[str, tuple[Jumped, ...]] = field(default_factory=dict)


@record(frozen=True)
class ModuleFlow:
    """What one article module puts on the page (flow_module), frozen so a session can keep it."""

    lines: tuple[TextLine, ...]
    rules: tuple[Rule, ...]
    panels: tuple[Panel, ...]
    images: tuple[Image, ...]
    frames: tuple[Frame, ...]
    overset: tuple[Overset, ...]
    warnings: tuple[Warning, ...]
    leftover: tuple[Line, ...]
    leftover_warnings: tuple[Jumped, ...] = ()


def flow_context(spec: PageSpec) -> object:
    """What a module's flow reads of the page spec besides its own entry (flow_module, through
    PageGeometry and flow/article.py): as a value, so that a session keeps every module a change
    of the spec leaves alone (a module dragged on the desk is set again, not its neighbours)."""
    return by_value((spec.margin_top, spec.margin_left, spec.grid, spec.rules, spec.masthead,
                     tuple(spec.styles.items())))


def flow_module(spec: PageSpec, aspec: ArticleSpec, article: Article, geo: PageGeometry, faces: FaceSet,
                came: tuple[Line, ...] | None, context: object = None, memo: Memo | None = None,
                came_warnings: tuple[Jumped, ...] = ()) -> ModuleFlow:
    """One article module: its body composed to the column measure, then fitted and placed.
    ``memo`` (session.py), with ``context`` (what the flow reads of the spec, as a token): the
    variant fitting chose kept while the trials would measure the same (fit_choice_key).
    ``came_warnings``: the warnings of the lines ``came`` (a jump's), by their places in it."""
    check_photo_news(aspec, article)
    check_ad_keys(aspec, article)
    if article.ad:
        aspec = ad_entry(aspec, article, any(rule_line(aspec, aspec.block, c, geo)
                                             for c in range(aspec.block.col, aspec.block.right)))
    mgeo = module_geometry(geo, aspec)
    set_ = set_body(aspec, article, spec.styles, mgeo.span_width(1), faces) \
        if article.paragraphs and aspec.continued_from is None else None
    body, warnings, concerns = (set_[0], set_[1], set_[3]) if set_ is not None else ([], [], [])
    if came is not None and came_warnings:
        warnings = [w for w, _ in came_warnings]
        concerns = [tuple(came[k] for k in places) for _, places in came_warnings]
    choose = None
    if memo is not None:
        key = fit_choice_key(context, article, body, came)
        choose = functools.partial(memo, key)
    part = fit_article(aspec, article, spec.styles, mgeo, faces, body, list(came) if came is not None else None,
                       choose)
    # what compose warned of the body's lines, of those printed here: not those the overset kept
    # off, nor those a jump takes to the page it continues on (that page says them, or keeps
    # them off in its overset); of the lines placed, a rebroken body's (Placed.concerns)
    if part.concerns is not None:
        concerns = list(part.concerns)
    warnings, jumped = jumped_warnings(warnings, concerns, part.unprinted, part.leftover)
    label_lines, label_rules = ad_label(aspec, tuple(part.images), spec.styles, faces, spec.photo_ppi) if article.ad else ((), ())
    return ModuleFlow((*part.lines, *label_lines), (*part.rules, *label_rules), tuple(part.panels), tuple(part.images),
                      tuple(part.frames), tuple(part.overset), (*warnings, *part.warnings), tuple(part.leftover),
                      jumped)


def fit_choice_key(context: object, article: Article, body: list[Line], came: tuple[Line, ...] | None) -> tuple:
    """What fitting's trials measure (flow/fit.py, dry placements): the module's spec and page
    (``context``), the article but for its paragraphs (headline, photos: by value), its photos'
    files as they are now (their pixels decide a photo's resolution), and the body's and carried
    lines by count and kind only (a trial places no text): a line's role, whether it ends its
    paragraph and whether it shows that end (fitting weighs a last line alone at a column's head,
    flow/article.py widows)."""
    photos = tuple(_file_stat(f) for photo in article.photos for f in photo.files)
    shape = (replace(article, paragraphs=()), photos)
    return ("fit", context, shape, tuple(_kind(line) for line in body),
            None if came is None else tuple(_kind(line) for line in came))


def _kind(line: Line) -> tuple[str, bool, bool]:
    return (line.role, line.last, line.last and shows_end(line))


def _file_stat(path: Path) -> tuple[object, ...]:
    try:
        st = path.stat()
    except OSError:
        return (str(path), None)
    return (str(path), st.st_ino, st.st_size, st.st_mtime_ns)


def format_date(iso: str, weekday: bool = True) -> str:
    """2022-06-30 -> 2022年6月30日 星期四, as a 报眉 prints it (without ``weekday``: 2022年6月30日)."""
    d = datetime.date.fromisoformat(iso)
    day = f"{d.year}年{d.month}月{d.day}日"
    return f"{day} 星期{WEEKDAYS[d.weekday()]}" if weekday else day


def flow_page(spec: PageSpec, articles: dict[str, Article], faces: FaceSet,
              carried: dict[str, tuple[Line, ...]] | None = None, memo: Memo | None = None,
              carried_warnings: dict[str, tuple[Jumped, ...]] | None = None) -> FlowResult:
    """Lay out one page. ``carried`` holds the lines earlier pages of an edition sent here by a jump
    (none for an article that jumps but fitted whole on its page), ``carried_warnings`` the warnings of those lines (FlowResult.leftover_warnings), said here where
    the lines print. ``memo`` (session.py): each module's flow kept by the identity of its inputs,
    so that a session redoes only the modules whose article or spec changed; a module's flow
    depends on nothing else."""
    geo = PageGeometry(spec)
    placed = Placed()
    leftovers: dict[str, tuple[Line, ...]] = {}
    leftover_warnings: dict[str, tuple[Jumped, ...]] = {}
    carried = carried or {}
    carried_warnings = carried_warnings or {}
    vectors: list[Vector] = []
    if spec.folio:
        if memo is None:
            _folio(spec, spec.folio, geo, faces, placed)
        else:  # the same lines while the spec and faces are: the page's subsets found unchanged by them
            folio_lines, folio_rules = memo(("folio", spec, faces), lambda: _folio_placed(spec, geo, faces))
            placed.lines += folio_lines
            placed.rules += folio_rules
    if spec.masthead:
        place_masthead(spec, spec.masthead, geo, faces, placed, vectors)
    for aspec in spec.articles:
        article = articles.get(aspec.article)
        if article is None:
            raise InputError(aspec.loc, f"no article {aspec.article!r} in {spec.content_dir.name}/ "
                             f"(expected {aspec.article}.md)")
        if aspec.continued_from is not None and aspec.article not in carried:
            raise InputError(aspec.loc, f"{aspec.article!r} is continued from page {aspec.continued_from}, but no "
                             "earlier page of the edition jumps here (jump_to)")
        if aspec.continued_from is not None and not carried[aspec.article]:
            # the page it jumps from set it whole (trial 14: said as if no page had a jump_to)
            raise InputError(aspec.loc, f"{aspec.article!r} is continued from page {aspec.continued_from}, but it "
                             f"fits whole on page {aspec.continued_from}: nothing jumps here; take this entry out, "
                             f"or give its block on page {aspec.continued_from} fewer lines")
        came = carried.get(aspec.article) if aspec.continued_from is not None else None
        came_warnings = carried_warnings.get(aspec.article, ()) if came is not None else ()
        # what the module's flow reads of the spec, as a token shared by equal specs read again
        context = memo(("module-context", spec, aspec),
                       lambda: memo.token((flow_context(spec), by_value(aspec)))) if memo is not None else None
        part = memo(("module", context, article, came, came_warnings),
                    lambda: flow_module(spec, aspec, article, geo, faces, came, context, memo, came_warnings)) \
            if memo is not None else flow_module(spec, aspec, article, geo, faces, came, came_warnings=came_warnings)
        if part.leftover:
            leftovers[aspec.article] = part.leftover
        if part.leftover_warnings:
            leftover_warnings[aspec.article] = part.leftover_warnings
        placed.lines += part.lines
        placed.rules += part.rules
        placed.panels += part.panels
        placed.images += part.images
        placed.frames += part.frames
        placed.overset += part.overset
        placed.warnings += part.warnings
    # an area no module covers prints white (trial 18b #3): said here, refused by the build's gate
    placed.warnings += coverage_warnings(spec)
    placed.rules += rules_beside_white(spec, geo)
    placed.rules = side_rules_beside(placed.rules, spec, geo)
    if spec.masthead and spec.masthead.ears:
        placed.rules = without_ear_foot_rules(placed.rules, spec, spec.masthead)
    placed.panels = boxes_on_rule_lines(placed.panels, spec, geo)
    placed.rules = without_rules_along_boxes(placed.rules, placed.panels, spec.grid.gutter, spec.grid.pitch)
    # after the boxes have taken their neighbours' rules: a rule clipped at a box meets nothing there
    placed.rules = joined_rules(placed.rules, spec.grid.gutter, spec.grid.pitch, tuple(placed.panels))
    page = Page(spec.name, spec.trim, spec.bleed, tuple(placed.lines), tuple(placed.rules),
                tuple(placed.images), tuple(placed.frames), tuple(placed.overset), tuple(placed.panels),
                vectors=tuple(vectors))
    check_collisions(page, spec, memo)
    return FlowResult(page, tuple(placed.warnings), leftovers, leftover_warnings)


FOLIO_GAP = 2.0  # em of the folio style between the 报眉's parts: paper name, date, and the right part
# How the 报眉's parts may stand, most wanted first: rows from the top, each the parts set from the
# left and whether the right part (版次 · 版名 · 责任编辑) is set flush right on it; the last row is
# the line over the rule. All on one line; the right part on a line of its own, over or under the
# paper name and date; the paper name alone over the date; each on its own line.
FOLIO_FORMS: tuple[tuple[tuple[tuple[str, ...], bool], ...], ...] = (
    ((("paper", "date"), True),),
    (((), True), (("paper", "date"), False)),
    ((("paper", "date"), False), ((), True)),
    ((("paper",), False), (("date",), True)),
    ((("paper",), False), (("date",), False), ((), True)),
)


@record(frozen=True)
class FolioPart:
    """One part of the 报眉 as a form places it: its line, left edge, baseline and type size."""

    line: Line
    x: float
    baseline: float
    size: float

    def box(self) -> tuple[float, float, float, float]:
        """Its em boxes' extent: left, top, right, bottom."""
        top = self.baseline - EM_TOP_ABOVE_BASELINE * self.size
        return self.x, top, self.x + self.line.natural, top + self.size


# Between the 报眉's items (版次, 版名, 责任编辑, extras): two ems, as two U+3000, an em each
# whatever stands beside them (compose/atoms.py space_widths). Two ASCII spaces were an em each
# between Chinese (a display line's clause break) but the face's word space beside a Latin letter:
# after 美编：Zoë Müller the next item stood half an em off (trial 16 #5).
FOLIO_ITEM_GAP = IDEOGRAPHIC_SPACE * 2


def _folio(spec: PageSpec, folio: Folio, geo: PageGeometry, faces: FaceSet, out: Placed) -> None:
    """Paper name and date on the left, 版次 · 版名 · 责任编辑 on the right, over a thick-thin rule.
    The first form (FOLIO_FORMS) that fits the type area in the 报眉's lines is set, with the full
    date and then without its weekday (2022年6月30日). When none fits, the build stops, naming the
    spec's folio (as a masthead wider than its plate does): no part is cut or set over another
    (trial 13: on a 20 mm column the paper name was cut and 第9版 printed over the date)."""
    width = spec.grid.width
    x = geo.left
    line_no = max(0, folio.lines - 2)
    style = spec.styles[folio.style]
    paper_style = spec.styles[folio.paper_style]
    right = FOLIO_ITEM_GAP.join(p for p in (folio.page, folio.section,
                                            f"责任编辑：{folio.editor}" if folio.editor else "", *folio.extra) if p)
    # 〓 for a character no face has (the build has stopped on it unless the spec substitutes)
    right = printable_text(right, style, faces)
    right_line = _one_line(right, style, width, faces) if right else None
    paper_line = _one_line(printable_text(folio.paper, paper_style, faces), paper_style, width, faces)
    whole = paper_line is not None and (not right or right_line is not None)  # else no form holds them
    for date in (format_date(folio.date), format_date(folio.date, weekday=False)) if whole else ():
        date_line = _one_line(date, style, width, faces)
        if date_line is None:
            continue
        parts = {"paper": (paper_line, paper_style.size), "date": (date_line, style.size)}
        placed = next((p for p in (_folio_form(form, parts, right_line, geo, line_no, style)
                                   for form in FOLIO_FORMS if len(form) <= line_no + 1) if p is not None), None)
        if placed is not None:
            out.lines += [to_text_line(p.line, p.x, p.baseline, "folio", "folio") for p in placed]
            break
    else:
        raise _folio_too_wide(folio, right, style, paper_style, width, line_no + 1, faces)
    # 粗细线: a heavy rule over a hairline, the usual 报眉 rule of Chinese dailies.
    y = geo.line_top(folio.lines - 1) + spec.grid.pitch / 2 - folio.rule
    out.rules.append(Rule(x, y, x + width, y, folio.rule, folio.rule_color, "folio"))
    y2 = y + folio.rule / 2 + 1.2
    out.rules.append(Rule(x, y2, x + width, y2, 0.3, BLACK, "folio"))


def _folio_placed(spec: PageSpec, geo: PageGeometry, faces: FaceSet) -> tuple[tuple[TextLine, ...], tuple[Rule, ...]]:
    """The 报眉's lines and rules (_folio), on their own: what a session keeps."""
    assert spec.folio is not None
    out = Placed()
    _folio(spec, spec.folio, geo, faces, out)
    return tuple(out.lines), tuple(out.rules)


def _folio_form(form: tuple[tuple[tuple[str, ...], bool], ...], parts: dict[str, tuple[Line, float]],
                right: Line | None, geo: PageGeometry, line_no: int, style: Style) -> list[FolioPart] | None:
    """The 报眉's parts as ``form`` places them, its last row on grid line ``line_no``; None if a
    row is wider than the type area, or (a form of more rows) a part stands over the 报眉's first
    line or meets a part of another row (a paper name larger than its row's band reaches up)."""
    width, x = geo.spec.grid.width, geo.left
    gap = FOLIO_GAP * style.size
    first = line_no + 1 - len(form)
    out: list[FolioPart] = []
    for row, (keys, has_right) in enumerate(form):
        baseline = geo.grid_baseline(first + row, style.size)
        cursor = x
        for key in keys:
            line, size = parts[key]
            out.append(FolioPart(line, cursor, baseline, size))
            cursor += line.natural + gap
        if has_right and right is not None:
            left_end = cursor - gap if keys else x - gap
            if left_end + gap + right.natural > x + width + 0.01:
                return None
            out.append(FolioPart(right, aligned_x(right, x, width, "right"), baseline, style.size))
        elif cursor - gap > x + width + 0.01:
            return None
    if len(form) > 1:
        top = geo.line_top(0)
        boxes = [p.box() for p in out]
        if any(b[1] < top - 0.01 for b in boxes):
            return None
        rows = [p.baseline for p in out]
        for i, a in enumerate(boxes):
            for j in range(i):
                b = boxes[j]
                if rows[i] != rows[j] and a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]:
                    return None
    return out


def _one_line(text: str, style: Style, width: float, faces: FaceSet) -> Line | None:
    """``text`` set as one line no wider than ``width``, or None (it would break or stand out)."""
    lines, _ = compose_display(text, style, width, faces)
    return lines[0] if len(lines) == 1 and lines[0].natural <= width + 0.01 else None


def _natural(text: str, style: Style, faces: FaceSet) -> float:
    """How wide ``text`` is set on one line, however wide that is."""
    return sum(line.natural for line in compose_display(text, style, 1e6, faces)[0])


def _folio_too_wide(folio: Folio, right: str, style: Style, paper_style: Style, width: float, rows: int,
                    faces: FaceSet) -> InputError:
    """The error of a 报眉 no form fits: at the field that alone is wider than the type area (the
    paper name, the date without its weekday, the 版次 with what follows it), else at ``folio:``."""
    locs = dict(folio.locs)
    short_date = format_date(folio.date, weekday=False)
    fixes = "shorten it, set the folio's style smaller (folio: style, paper_style) or widen the type area"
    for key, text, st in (("paper", folio.paper, paper_style), ("date", short_date, style), ("page", right, style)):
        wide = _natural(text, st, faces) if text else 0.0
        if wide > width + 0.01:
            what = "page, section and editor" if key == "page" and text != folio.page else key
            return InputError(locs.get(key, folio.loc), f"the folio's (报眉) {what} {quoted(text)} is {wide:.1f} pt "
                              f"wide, the type area {width:.1f} pt; {fixes}")
    shown = "  ".join(p for p in (folio.paper, short_date, right) if p)
    return InputError(folio.loc, f"the folio (报眉) {quoted(shown)} does not fit a type area {width:.1f} pt wide "
                      f"in {rows} line{'s' if rows != 1 else ''} over its rule; give it more lines (folio: lines), "
                      f"{fixes}")


def boxes_on_rule_lines(panels: list[Panel], spec: PageSpec, geo: PageGeometry) -> list[Panel]:
    """A box's top edge under another module stands on that module's rule line (the centre of its
    last line, where its foot rule would be), as its foot edge stands on its own: the rules of the
    modules beside it on that line run on into the box's edge (trial 15: a box on its first line's
    top stood half a line, 2.4 mm, under its neighbour's rule: a step). Under the masthead, or at
    the type area's top, it stays on its first line's top (the masthead's heavy rule is there).
    Settled for the page: a module's flow does not read its neighbours."""
    grid = spec.grid
    ears = spec.masthead.ears if spec.masthead is not None else ()

    def across(p: Panel, a: Rect) -> bool:  # do the area's columns run under the panel's?
        return geo.col_left(a.col) < p.x + p.width - 0.01 and p.x + 0.01 < geo.col_left(a.col) + geo.span_width(a.cols)

    out: list[Panel] = []
    for p in panels:
        line = round((p.y - geo.top) / grid.pitch)
        if p.stroke > 0 and line > 0 and abs(geo.line_top(line) - p.y) < 0.01:
            own = {o.article for o in spec.articles if o.box is not None
                   and any(a.top == line and across(p, a) for a in o.areas)}
            if any(a.bottom == line and across(p, a) for o in spec.articles
                   if o.article not in own and o.article not in ears for a in o.areas):
                p = replace(p, y=p.y - grid.pitch / 2, height=p.height + grid.pitch / 2)
        out.append(p)
    return out


def without_rules_along_boxes(rules: list[Rule], panels: list[Panel], gutter: float, pitch: float) -> list[Rule]:
    """A box (花边框) replaces the rules of its neighbours along its sides: a neighbour's article rule
    in the gutter beside a box's side, or on the rule line over or under it, would stand a millimetre
    from the frame as a third line. Clipped where it runs along the box; kept elsewhere. A rule on
    the line of a box's edge (a foot rule on the rule line the box's top stands on, a side rule on
    the gutter centre its side stands on) is cut at the box's corner exactly: the rest runs on as
    the edge's continuation, with no step and no gap."""
    out = list(rules)
    for p in panels:
        if p.stroke <= 0:
            continue
        kept: list[Rule] = []
        for r in out:
            if r.role != "article":
                kept.append(r)
            elif r.x1 == r.x2 and min(abs(r.x1 - p.x), abs(r.x1 - p.x - p.width)) < 0.01:
                kept += [replace(r, y1=a, y2=b) for a, b in _outside(r.y1, r.y2, p.y, p.y + p.height, 0.0)]
            elif r.y1 == r.y2 and min(abs(r.y1 - p.y), abs(r.y1 - p.y - p.height)) < 0.01:
                kept += [replace(r, x1=a, x2=b) for a, b in _outside(r.x1, r.x2, p.x, p.x + p.width, 0.0)]
            elif r.x1 == r.x2 and min(abs(r.x1 - p.x), abs(r.x1 - p.x - p.width)) <= gutter * 0.75 \
                    and _overlap(r.y1, r.y2, p.y, p.y + p.height) > pitch:
                kept += [replace(r, y1=a, y2=b) for a, b in _outside(r.y1, r.y2, p.y, p.y + p.height, pitch)]
            elif r.y1 == r.y2 and min(abs(r.y1 - p.y), abs(r.y1 - p.y - p.height)) <= pitch * 0.75 \
                    and _overlap(r.x1, r.x2, p.x, p.x + p.width) > gutter:
                kept += [replace(r, x1=a, x2=b) for a, b in _outside(r.x1, r.x2, p.x, p.x + p.width, gutter)]
            else:
                kept.append(r)
        out = kept
    return out


def _overlap(a: float, b: float, c: float, d: float) -> float:
    return min(max(a, b), d) - max(min(a, b), c)


def _outside(a: float, b: float, c: float, d: float, space: float) -> list[tuple[float, float]]:
    """The parts of ``a``–``b`` outside ``c``–``d`` (a box's side) and the ``space`` (gutter or line)
    at either end of it: no stub of a rule is left over the box's corner."""
    if space > 0:
        c, d = c - space / 2 - 1.0, d + space / 2 + 1.0
    lo, hi = min(a, b), max(a, b)
    parts = [(lo, min(hi, c)), (max(lo, d), hi)]
    return [(x, y) for x, y in parts if y - x > max(space, 0.01)]
