"""One article module: headline on top, photo in its cell, body through the free column slots."""

from __future__ import annotations

import math
from dataclasses import field, replace
from typing import Callable, Iterable, NamedTuple

from pagesetter.compose.chars import PARTED_CODE_KIND, OPENING, PARAGRAPH_END
from pagesetter.compose.display import (
    CONDENSE_LEAST, compose_display, parted_names, split_latin_runs, uncued_breaks, unkept_clause_breaks,
)
from pagesetter.compose.linebreak import SPAN_CONTEXT, UNBROKEN_KINDS, parted_reach, split_kinds
from pagesetter.compose.chars import parted_code, parted_name
from pagesetter.compose.lines import (
    FallbackWord, Line, Run, compose_paragraph, fallback_words, hyphenated_capital, paragraph_key, rebreak_paragraph,
    set_short_cause,
)
from pagesetter.compose.vertical import VColumn, compose_vertical
from pagesetter.content.model import Article, Paragraph, Photo
from pagesetter.errors import InputError, Loc, Warning, quoted, visible
from pagesetter.flow.cells import assign_photos, resolve_cells
from pagesetter.flow.collisions import HEAD_ROLES, Box, ink_box
from pagesetter.flow.forms import (
    FORM_SETTINGS, KEEP_BLOCK, KEEP_WHOLE, STEP_SPACE, paragraph_align, step_ems, text_style,
)
from pagesetter.flow.glyphs import describe, is_ignorable, printable_text
from pagesetter.flow.tables import TableLines, compose_table, natural_width
from pagesetter.flow.verse import (
    STANZA, TURNOVER_INDENT_EM, VERSE, VERSE_ROLES, is_stanza_gap, is_verse, new_stanza, stanza_length,
    stanzas_parted, turned, verse_line_length,
)
from pagesetter.flow.geometry import EM_TOP_ABOVE_BASELINE, PageGeometry
from pagesetter.fonts.face import FaceSet
from pagesetter.incremental import Memo
from pagesetter.pagetree import Frame, Glyph, Image, Overset, Panel, Rule, TextLine
from pagesetter.records import record
from pagesetter.spec.model import BLACK, ArticleSpec, Grid, PageSpec, PhotoSpec, Rect, Rules, Style
from pagesetter.wording import counted


@record(frozen=True)
class Fill:
    """How an article's body met its slots: the numbers a make-up editor balances by."""

    slots: int  # body lines the areas hold (after balancing)
    lines: int  # body lines the text needs
    empty_foot: int  # grid lines at the foot of the block left empty in every column
    shortfall: int  # how many lines the last column ends above the others
    # the last columns end on photos (a photo row under the text): ``empty_foot`` is the white
    # between the text and the photos, not at the block's foot
    above_photos: bool = False
    # the module's columns (1-based, in reading order) left with no text while another holds more
    # than a line (one that could have gone there), and how many columns the module has
    empty_columns: tuple[int, ...] = ()
    n_columns: int = 0

    @property
    def overset(self) -> int:
        return max(0, self.lines - self.slots)


@record
class Placed:
    """What an article puts on the page."""

    lines: list[TextLine] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    panels: list[Panel] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    frames: list[Frame] = field(default_factory=list)
    overset: list[Overset] = field(default_factory=list)
    warnings: list[Warning] = field(default_factory=list)
    leftover: list[Line] = field(default_factory=list)  # body lines for the page the article jumps to
    fill: Fill | None = None
    head_lines: int = 0  # grid lines the headline takes (what fitting adds to or takes from)
    # each photo cell's first picture's width and height, pt, by the cell's index in the entry's
    # photos (fitting weighs their ppi)
    photo_frames: dict[int, tuple[float, float]] = field(default_factory=dict)
    # A trial placement (fitting): the fill and the warnings are measured, but no text line,
    # frame, image or rule is built for the page; the chosen variant is placed again for real.
    dry: bool = False
    # A session's memo (FaceSet.placed): a set line placed where it stood in the last build is the
    # same page line, so what was drawn of it is drawn again from the session's memo.
    keep: Memo | None = None
    # the paragraphs' last lines alone at a column's head (段末孤行: widows), each by its place
    # among the body's printing lines (blank lines not counted): what fitting weighs (flow/fit.py)
    widows: tuple[int, ...] = ()
    # the last grid line each grid column's body prints on (its text's foot, white below it):
    # where a column rule beside it stops (_area_rules)
    text_feet: dict[int, int] = field(default_factory=dict)
    # the body's lines in the overset, never printed (printed_warnings)
    unprinted: tuple[Line, ...] = ()
    # a body fitting set again (paragraphs rebroken, flow/fit.py _place): the lines each of
    # set_body's warnings is of in it (the body's warnings are the same; its lines are others)
    concerns: tuple[tuple[Line, ...], ...] | None = None

    def add_line(self, line: Line, x: float, baseline: float, article: str, role: str) -> None:
        if self.dry:
            return
        keep = self.keep
        self.lines.append(to_text_line(line, x, baseline, article, role) if keep is None else
                          keep(("placed", line, x, baseline, article, role),
                               lambda: to_text_line(line, x, baseline, article, role)))


# Glyph(...) without NamedTuple's __new__, a Python function: a page places ten thousand.
_glyph = tuple.__new__


def to_text_line(line: Line, x: float, baseline: float, article: str, role: str) -> TextLine:
    glyphs = tuple([_glyph(Glyph, (face, size, gid, x + gx, text, color, dy, scale_x, 0))  # rotate 0: upright
                    for face, size, gid, gx, text, color, dy, scale_x in line.glyphs])
    return TextLine(glyphs, baseline, x, line.width, article, role, line.last)


def white(line: Line, width: float) -> float:
    """The white a display line set to ``width`` leaves beside it: none for a line wider than
    ``width`` before it was squeezed (set_line shrinks it to the measure, so its glyphs span
    ``width`` exactly, not ``natural``: centred or set right by ``natural`` it would stand in the
    gutter, its other end short of the edge)."""
    return max(0.0, width - line.natural)


def aligned_x(line: Line, x: float, width: float, align: str) -> float:
    if align == "center":
        return x + white(line, width) / 2
    if align == "right":
        return x + white(line, width)
    return x


def compose_body(spec: ArticleSpec, article: Article, styles: dict[str, Style], measure: float,
                 faces: FaceSet) -> tuple[list[Line], list[Warning]]:
    """The article's body as lines of one column's measure (the same in every column and frame);
    each paragraph set as its form says (flow/forms.py)."""
    set_ = set_body(spec, article, styles, measure, faces)
    assert set_ is not None  # (only a paragraph rebroken may not be set)
    return set_[0], set_[1]


# The warnings of set lines (a line spread, set short, a span or a name parted, a subhead broken
# without a cue): said of printed lines only. Text in the overset is never printed; the overset
# message says how much of it there is, and where the page ends.
OF_SET_LINES = ("very-loose", "split-span", "name-break", "headline-break")


def printed_warnings(warnings: list[Warning], concerns: list[tuple[Line, ...]],
                     unprinted: tuple[Line, ...]) -> list[Warning]:
    """``warnings`` but those of set lines all ``unprinted`` (Placed.unprinted, the very Line
    objects the body placed has: set_body's, or a rebroken body's, Placed.concerns).
    ``concerns``: each warning's lines, as set_body gives them."""
    if not unprinted:
        return warnings
    lost = {id(line) for line in unprinted}
    return [w for w, lines in zip(warnings, concerns)
            if not (w.kind in OF_SET_LINES and lines and all(id(line) in lost for line in lines))]


# A warning of set lines that jump to another page (转第N版), with the lines it is of as their
# places in the lines the jump carries: said by the page that prints them (a line's place, not the
# Line itself, crosses to the next page: an edition's pages are set in other processes).
Jumped = tuple[Warning, tuple[int, ...]]


def jumped_warnings(warnings: list[Warning], concerns: list[tuple[Line, ...]], unprinted: tuple[Line, ...],
                    leftover: list[Line]) -> tuple[list[Warning], tuple[Jumped, ...]]:
    """printed_warnings, and of those the ones of set lines that all jump on with ``leftover``
    (Placed.leftover) taken apart: the page the article continues on prints those lines, or its
    overset keeps them off; each with its lines' places in ``leftover``."""
    if not leftover:
        return printed_warnings(warnings, concerns, unprinted), ()
    lost = {id(line) for line in unprinted}
    place = {id(line): k for k, line in enumerate(leftover)}
    kept: list[Warning] = []
    moved: list[Jumped] = []
    for w, lines in zip(warnings, concerns):
        if w.kind not in OF_SET_LINES or not lines:
            kept.append(w)
        elif all(id(line) in place for line in lines):
            moved.append((w, tuple(place[id(line)] for line in lines)))
        elif not all(id(line) in lost for line in lines):
            kept.append(w)
    return kept, tuple(moved)


def rebreakable(para: Paragraph) -> bool:
    """May the paragraph be set a line shorter or longer (set_body ``rebreak``)? A justified running
    paragraph (body, quote); not a 小标题, a table, an item or line kept whole, nor a 落款."""
    return not para.subhead and para.form in ("body", "quote")


def set_body(spec: ArticleSpec, article: Article, styles: dict[str, Style], measure: float, faces: FaceSet,
             rebreak: dict[int, int] | None = None
             ) -> tuple[list[Line], list[Warning], list[int], list[tuple[Line, ...]]] | None:
    """compose_body, where each paragraph's lines start in them (by paragraph index), and the lines
    each warning is of (none for a paragraph's: printed_warnings). ``rebreak``: paragraphs (by
    index) set that many lines longer or shorter (rebreak_paragraph, fitting's make-up against a
    last line alone at a column's head, flow/fit.py); None when one of them cannot be."""
    lines: list[Line] = []
    warnings: list[Warning] = []
    starts: list[int] = []
    concerns: list[tuple[Line, ...]] = []  # by warning
    paras = article.paragraphs
    spanning = spanning_tables(spec, article, styles, measure, faces)
    tables = _tables(spec, article, styles, measure, faces, spanning)
    verse = [is_verse(para, spec, styles) for para in paras]
    for k, para in enumerate(paras):
        starts.append(len(lines))
        if k in spanning:
            continue  # set across the module's columns at the head of the body (flow_article)
        if new_stanza(paras, k, verse):
            lines.append(BLANK_LINE)  # the white between two stanzas (flow/verse.py)
        if para.subhead:
            said = len(warnings)
            lines += _subhead(para, styles[spec.subhead], measure, faces, article, warnings, bool(lines))
            concerns += [tuple(line for line in lines[starts[-1]:] if line.role != "blank")] * (len(warnings) - said)
            continue
        if para.form == "table":
            # one blank grid line parts a table from what is above and below it; between two tables
            # in a row the first one's is the only one (a subhead brings its own)
            above = bool(lines) and lines[-1].role != "blank" and not paras[k - 1].subhead \
                and (paras[k - 1].form != "table" or k - 1 in spanning)
            lines += _table(para, tables[k], article, warnings, above, k + 1 < len(paras) and not paras[k + 1].subhead)
            continue
        runs, indent, justify = _setting(para, spec, styles)
        inset = _inset(para, spec, styles, measure)
        para_lines, missing = compose_paragraph(runs, measure - 2 * inset, faces, indent=indent, justify=justify)
        hung = False
        if verse[k] and len(para_lines) > 1:
            # a verse line that turns over: again with its turnovers broken to a hanging measure
            # (flow/verse.py turned); one that fits stands as composed
            style = styles[text_style(para, spec, styles)]
            hang = TURNOVER_INDENT_EM * style.size
            if measure - 2 * inset - hang >= (measure - 2 * inset) / 2:
                para_lines, missing = compose_paragraph(runs, measure - 2 * inset - hang, faces, indent=indent - hang,
                                                        justify=justify)
                para_lines, hung = turned(para_lines, measure - 2 * inset, hang), True
        if rebreak and rebreak.get(k):
            if not rebreakable(para):
                return None
            rebroken = rebreak_paragraph(runs, measure - 2 * inset, faces, indent=indent, justify=justify,
                                         more=rebreak[k])
            if rebroken is None:
                return None
            para_lines = list(rebroken)
        if (warning := _missing_warning(missing, para.loc, article.id)) is not None:
            warnings.append(warning)
        warnings += [_fallback_warning(word, para_lines, para.loc, article.id) for word in fallback_words(runs, faces)]
        overfull = next((line for line in para_lines if line.overfull), None)
        if overfull is not None:
            # Every word, URL and code breaks to fit (compose/atoms.py): only a character wider
            # than the column itself is left, and ink over the next column is never printed.
            raise InputError(para.loc, f"{quoted(overfull.text.strip())} is wider than the column ({measure:g} pt) "
                             f"and cannot be broken; set it smaller or widen the column")
        concerns += [()] * (len(warnings) - len(concerns))
        # each warning of a line with the line's place in the paragraph (its lines are replaced below)
        of_lines = ([(k, _very_loose_warning(line, k, para.loc, article.id)) for k, line in enumerate(para_lines)
                     if line.very_loose and not line.last]
                    + [(k, _set_short_warning(line, k, para.loc, article.id)) for k, line in enumerate(para_lines)
                       if line.set_short]
                    + [(k, _name_break_warning(name, line, nxt, k, para.loc, article.id))
                       for k, (line, nxt) in enumerate(zip(para_lines, para_lines[1:]))
                       if (name := parted_name(line.text, nxt.text))]
                    + [(k, _hyphenated_name_warning(name, para_lines[k], para_lines[k + 1], k, para.loc, article.id))
                       for k in range(len(para_lines) - 1)
                       if not any(run.style.hyphenate_capitals for run in runs)
                       and (name := hyphenated_capital(para_lines, k))]
                    + [(k, _split_warning(line, nxt, k, para.loc, article.id, kinds))
                       for k, (line, nxt) in enumerate(zip(para_lines, para_lines[1:]))
                       if (kinds := [kind for kind, hard in split_kinds(line.text.strip(), nxt.text.strip()) if hard]
                           + [PARTED_CODE_KIND] * bool(parted_code(line.text, nxt.text, para.text)))])
        warnings += [w for _, w in of_lines]
        align = paragraph_align(para, spec, styles)
        # a style's lines set flush left, centred or flush right are ragged by design: the layout
        # record marks them, so `check` does not hold them to the measure (a form's 落款 is not)
        ragged = align != "justify" and FORM_SETTINGS[para.form].align == "style"
        if hung:
            pass  # its head centred and its turnovers flush right already (turned)
        elif align in ("right", "center"):
            para_lines = [_aligned(line, measure - 2 * inset, align, ragged) for line in para_lines]
        elif ragged:
            para_lines = [replace(line, ragged=True) for line in para_lines]
        if inset:
            para_lines = [_inset_line(line, inset, measure) for line in para_lines]
        # a brief (简讯): one short paragraph that is all of its subhead's section is an item too
        brief = k > 0 and paras[k - 1].subhead and (k + 1 == len(paras) or paras[k + 1].subhead)
        if verse[k]:
            # a verse line: kept with its stanza, the stanza whole in a column (keep_items)
            opens = k == 0 or not verse[k - 1] or new_stanza(paras, k, verse)
            para_lines = [replace(line, role=STANZA if opens and i == 0 else VERSE)
                          for i, line in enumerate(para_lines)]
        elif (FORM_SETTINGS[para.form].whole or brief) and len(para_lines) <= KEEP_WHOLE:
            para_lines = [replace(line, role="item") for line in para_lines]
        elif para.form == "right" and lines and lines[-1].role in ("body", "item", "sign") and para_lines:
            # a 落款 after a letter: its first line is kept with the letter's last (keep_ends); its
            # next lines (each a paragraph of the ::: right block) with the line before, so the
            # block stands whole in one column
            para_lines = [replace(line, role="sign") for line in para_lines]
        if _label(para) and len(para_lines) == 1 and k + 1 < len(paras) and not paras[k + 1].subhead:
            para_lines = [replace(para_lines[0], keep_next=True)]
        concerns += [(para_lines[k],) for k, _ in of_lines]  # a split span: of its first line
        lines += para_lines
    concerns += [()] * (len(warnings) - len(concerns))
    return lines, warnings, starts, concerns


def spanning_tables(spec: ArticleSpec, article: Article, styles: dict[str, Style], measure: float,
                    faces: FaceSet) -> set[int]:
    """The article's tables (by paragraph index) set across the module's columns: with the entry's
    ``span_tables``, each too wide for the body column's ``measure`` at its style's size (a 财经版's
    行情表 of six columns of figures; trial 16 #3). A table that fits the column stays in it."""
    if not spec.span_tables:
        return set()
    return {k for k, para in enumerate(article.paragraphs)
            if para.form == "table" and not para.subhead
            and natural_width(para, styles[text_style(para, spec, styles)], styles[spec.lead], faces) > measure + 1e-6}


def _tables(spec: ArticleSpec, article: Article, styles: dict[str, Style], measure: float,
            faces: FaceSet, spanning: set[int] | frozenset[int] = frozenset()) -> dict[int, TableLines]:
    """The article's tables as set (flow/tables.py), by paragraph index. When one must be set
    smaller than its style to fit the column, every table of the article is set at the smallest
    size one needs: the article's tables read as one series, not 8.5 pt beside 7 pt in a column.
    ``spanning``: tables set across the module (_span_tables), not in a column: not here."""
    out = {k: compose_table(para, styles[text_style(para, spec, styles)], styles[spec.lead], measure, faces,
                            article.id, module=spec.block.cols)
           for k, para in enumerate(article.paragraphs)
           if para.form == "table" and not para.subhead and k not in spanning}
    size = min((t.size for t in out.values()), default=0.0)
    for k, table in out.items():
        if table.size > size:
            para = article.paragraphs[k]
            out[k] = compose_table(para, styles[text_style(para, spec, styles)], styles[spec.lead], measure, faces,
                                   article.id, largest=size, module=spec.block.cols)
    return out


def _table(para: Paragraph, table: TableLines, article: Article, warnings: list[Warning], white_above: bool,
           white_below: bool) -> list[Line]:
    """A table's lines (flow/tables.py), a blank grid line between it and the text above and below
    (a subhead brings its own); keep_tables drops one that would open a column."""
    if (warning := _missing_warning(table.missing, para.loc, article.id)) is not None:
        warnings.append(warning)
    warnings += [_fallback_warning(word, [], para.loc, article.id, "table") for word in table.fallback]
    if table.warning is not None:
        warnings.append(table.warning)
    return [BLANK_LINE] * white_above + table.lines + [BLANK_LINE] * white_below


def _setting(para: Paragraph, spec: ArticleSpec, styles: dict[str, Style]) -> tuple[list[Run], float, bool]:
    """A body paragraph's runs, first-line indent and justification (compose_body and body_is_set)."""
    form = FORM_SETTINGS[para.form]
    style, lead = styles[text_style(para, spec, styles)], styles[spec.lead]
    runs = [Run(s.text, lead if s.lead else style) for s in para.spans]
    justify = paragraph_align(para, spec, styles) == "justify"
    step = step_ems(para)
    if step:
        # a stepped ::: noindent line (flow/forms.py step_ems): its U+3000s set as its indent
        runs = _unstepped(runs, step)
        return runs, step * style.size, justify
    return runs, style.indent if form.indent else 0.0, justify


def _label(para: Paragraph) -> bool:
    """Is the paragraph a heading-like line: one run-in lead and nothing else (**【注释】** over a
    poem's notes, **【链接】**), which heads what follows it as a 小标题 does (trial 17b #2: 【注释】
    stood alone at the foot of a column, its list in the next)?"""
    return para.form in ("body", "noindent") and bool(para.spans) and all(s.lead for s in para.spans)


def _unstepped(runs: list[Run], step: int) -> list[Run]:
    """``runs`` without the ``step`` U+3000s at their head (an empty run dropped)."""
    out: list[Run] = []
    for run in runs:
        if step:
            text = run.text.lstrip(STEP_SPACE)
            step -= len(run.text) - len(text)
            run = Run(text, run.style)
        if run.text:
            out.append(run)
    return out


def _inset(para: Paragraph, spec: ArticleSpec, styles: dict[str, Style], measure: float) -> float:
    """The style's inset (编者按 set in from both edges), none when it would leave the paragraph
    less than half the column: a narrow column keeps its measure rather than set a word a line."""
    inset = 0.0 if para.subhead else styles[text_style(para, spec, styles)].inset
    return inset if measure - 2 * inset >= measure / 2 else 0.0


def _inset_line(line: Line, inset: float, measure: float) -> Line:
    """A line set ``inset`` narrower, moved in from the column's left edge by ``inset``."""
    return replace(line, glyphs=tuple(g._replace(x=g.x + inset) for g in line.glyphs), width=measure,
                   natural=line.natural + inset, inset=inset)


def _aligned(line: Line, measure: float, align: str, ragged: bool) -> Line:
    """A line of a flush-right (落款) or centred (a poem) paragraph: its last glyph ends at the
    measure's right edge, or the line stands in the middle of the measure. A line the breaker
    filled by shrinking its gaps (``natural`` past the measure, not overfull) is set to the measure
    exactly: it takes no shift, or its first glyph would stand in the gutter. A line of a style so
    aligned is ``ragged``: the layout record marks it, so `check` does not hold it to the measure."""
    shift = white(line, measure) * (0.5 if align == "center" else 1.0)
    return replace(line, glyphs=tuple(g._replace(x=g.x + shift) for g in line.glyphs),
                   natural=min(line.natural, measure), ragged=ragged)


def _very_loose_warning(line: Line, k: int, loc: Loc, article: str) -> Warning:
    """A line the line breaker could not keep from being spread past a quarter em between Han
    (compose/linebreak.py: no legal set of breaks avoids it); `pagesetter check` fails it."""
    text = line.text.strip()
    return Warning("very-loose", f"article {article!r}, paragraph line {k + 1}: {quoted(text)} is set "
                   f"{line.han_spread:.2f} em between Han; rewrite or rebreak the copy", loc, article, (text,))


def _loose_caption_warning(line: Line, k: int, loc: Loc, article: str) -> Warning:
    """A caption line spread past a quarter em between Han: in a narrow cell (a caption fitted to a
    tall picture) the line breaker may have no other set of lines."""
    text = line.text.strip()
    return Warning("very-loose", f"article {article!r}, caption line {k + 1}: {quoted(text)} is set "
                   f"{line.han_spread:.2f} em between Han; rewrite the caption or widen its cell", loc, article,
                   (text,))


def _set_short_warning(line: Line, k: int, loc: Loc, article: str) -> Warning:
    """A line set short of the measure, flush left, because its only stretch was between a
    word's letters, beside Latin words or before a closing mark (compose/lines.py set_line:
    justified, its letters would be spaced past spacing.LETTER_SPACING_LIMIT, C o r p o r a t i o n,
    a Han–Latin gap past its third of an em, or white before Health Organization's ，), said by
    its cause (SET_SHORT_CAUSES); `pagesetter check` counts it off the measure by the layout record's
    "short" grid line (_set_body), and the build says it here, once (proof/report.py unsaid)."""
    text = line.text.strip()
    return Warning("very-loose", f"article {article!r}, paragraph line {k + 1}: {quoted(text)} is set short "
                   f"of the measure: justified, {set_short_cause(line.set_short)}; rewrite or rebreak the copy",
                   loc, article, (text,))


def _fallback_warning(word: FallbackWord, lines: list[Line], loc: Loc, article: str, role: str = "") -> Warning:
    """A Latin word set whole from a fallback face (compose/lines.py by_coverage: Đoković, whose ć
    Noto Serif CJK lacks, in LXGW WenKai): its letters are another design beside the words round it,
    which a 校对 sees. A warning, not an error: nothing is lost and nothing is set over other text;
    the editor may respell the word or give the style a face that has the letters. Said with the
    body paragraph's line it is on, or with its ``role`` (title, caption, table …: _fallback_role_warnings)."""
    k = next((k for k, line in enumerate(lines) if word.word in line.text), None)
    where = f", {role}" if role else f", paragraph line {k + 1}" if k is not None else ""
    return Warning("fallback-face", f"article {article!r}{where}: {quoted(word.word)} is set from the fallback face "
                   f"{word.fallback.key!r} ({word.fallback.info.name}): the style's face {word.face.key!r} "
                   f"({word.face.info.name}) has no {', '.join(word.lacking)}; respell it or give the style a face "
                   f"that has it", loc, article, (word.word,))


def _fallback_role_warnings(runs: list[Run], faces: FaceSet, loc: Loc, article: str, role: str) -> list[Warning]:
    """The fallback-face warning of every Latin word of ``runs`` set from a fallback face, in a role
    other than a body paragraph (a headline's kicker, title, subtitle or byline, a subhead or a
    brief's head, a caption, a credit, a table): each word once a role, named with it."""
    return [_fallback_warning(word, [], loc, article, role) for word in fallback_words(runs, faces)]


def _name_break_warning(name: str, line: Line, nxt: Line, k: int, loc: Loc, article: str) -> Warning:
    """A name the line breaker parted at its own hyphen (Jean- / Pascal, Müller- / Lüdenscheidt:
    compose/chars.py EXPLICIT_HYPHENS, taken only where every other set of lines has one `pagesetter
    check` fails or far more loose lines); `check` names it too, a note. Said with the name whole,
    whatever else the line's own warning says (a line set short)."""
    tail, head = line.text.strip()[-8:].lstrip(), nxt.text.strip()[:8].rstrip()
    return Warning("name-break", f"article {article!r}, paragraph line {k + 1}: the name {quoted(name)} is parted at "
                   f"its own hyphen, between {quoted(tail)} and {quoted(head)}: the line breaker found no better set "
                   f"of lines; rewrite or rebreak the copy", loc, article, (tail, head))


def _hyphenated_name_warning(name: str, line: Line, nxt: Line, k: int, loc: Loc, article: str) -> Warning:
    """A capitalised word (a name) the composer hyphenated though its style does not ask for it
    (hyphenate_capitals): only one wider than the line it must go on is (atoms._whole_names), at
    its dictionary points first (chars.FORCED_AT_HYPHENATION_PENALTY). Said with the name whole."""
    tail, head = line.text.strip()[-8:].lstrip() + "-", nxt.text.strip()[:8].rstrip()
    return Warning("name-break", f"article {article!r}, paragraph line {k + 1}: the name {quoted(name)} is "
                   f"hyphenated, between {quoted(tail)} and {quoted(head)}: it is wider than the line; "
                   f"rewrite the copy or widen the column", loc, article, (tail, head))


QUOTED_SPLIT = 8  # characters a split-span warning quotes either side of the break, at least


def _split_warning(line: Line, nxt: Line, k: int, loc: Loc, article: str, kinds: list[str],
                   where: str = "paragraph") -> Warning:
    """A date, range or number and its unit the line breaker had to part (its last resort: every
    other set of breaks had a line `pagesetter check` fails); `check` fails this split too.
    Quoted eight characters either side of the break, or as far as the span reaches, and never
    ending inside a number: 027-8888- and 1234，0431, not 27-8888- and 1234，043 (within the
    SPAN_CONTEXT characters `check` quotes, proof/report.py _says)."""
    text, following = line.text.strip(), nxt.text.strip()
    back, on = (max(QUOTED_SPLIT, reach) for reach in parted_reach(text, following))
    while back < min(len(text), SPAN_CONTEXT) and text[-back - 1].isdecimal() and text[-back].isdecimal():
        back += 1
    while on < min(len(following), SPAN_CONTEXT) and following[on - 1].isdecimal() and following[on].isdecimal():
        on += 1
    tail, head = text[-back:], following[:on]
    # a score the line breaker never parts (UNBROKEN_KINDS): first fit did, no set of lines keeping it whole
    # a number or code is cut by force only where it is wider than the line (atoms._whole_names)
    why = ("no set of lines keeps it whole: it and what may not part from it are wider than the line"
           if set(kinds) & UNBROKEN_KINDS else "it is wider than the line" if PARTED_CODE_KIND in kinds
           else "no other set of lines fits without one spread past a quarter em")
    return Warning("split-span", f"article {article!r}, {where} line {k + 1}: {' or '.join(kinds)} parted "
                   f"between {quoted(tail)} and {quoted(head)}: {why}; rewrite or rebreak the copy", loc, article,
                   (tail, head))


def body_is_set(spec: ArticleSpec, article: Article, styles: dict[str, Style], measure: float,
                faces: FaceSet) -> bool:
    """Are all of the body's paragraphs in the composition memo already?"""
    def key(para: Paragraph) -> tuple:
        runs, indent, justify = _setting(para, spec, styles)
        return paragraph_key(runs, measure - 2 * _inset(para, spec, styles, measure), indent, justify)
    # (a table's cells are set one by one: flow/tables.py)
    return all(key(para) in faces.memo.entries for para in article.paragraphs
               if not para.subhead and para.form != "table")


def _subhead(para, style: Style, measure: float, faces: FaceSet, article: Article, warnings: list[Warning],
             after_text: bool) -> list[Line]:
    """A 小标题: its own lines in the subhead style, centred, flush right or flush left as the
    style's ``align`` says (justify: flush left), after a blank grid line. Set as a headline is
    (compose_display: wrapped between phrases where it must wrap), and warned of as one where it
    breaks with no cue in the copy (_uncued_warnings)."""
    set_lines, missing = compose_display(para.text, style, measure, faces, CONDENSE_LEAST)
    if (warning := _missing_warning(missing, para.loc, article.id)) is not None:
        warnings.append(warning)
    warnings += _fallback_role_warnings([Run(para.text, style)], faces, para.loc, article.id, "subhead")
    warnings += _uncued_warnings(article, "subhead", para.text, set_lines, para.loc)
    out = [BLANK_LINE] if after_text else []
    for line in set_lines:
        shift = (white(line, measure) / 2 if style.align == "center"
                 else white(line, measure) if style.align == "right" else 0.0)
        out.append(Line(tuple(g._replace(x=g.x + shift) for g in line.glyphs), measure, line.natural,
                        line.text, True, line.size, role="subhead"))
    return out


# An empty line of the grid (the space before a subhead); it prints nothing.
BLANK_LINE = Line((), 0.0, 0.0, "", True, 0.0, role="blank")


def flow_article(spec: ArticleSpec, article: Article, styles: dict[str, Style], geo: PageGeometry,
                 faces: FaceSet, *, body: list[Line] | None = None, carried: list[Line] | None = None,
                 dry: bool = False) -> Placed:
    """Place one article entry. ``body`` are its composed lines (composed here when not given);
    ``carried`` are the lines a jump brings from an earlier page (for a ``continued_from`` entry);
    ``dry``: a trial, measured but without the page's text lines (see Placed)."""
    out = Placed(dry=dry, keep=faces.placed)
    block = spec.block
    if not dry:
        for area in spec.areas:
            out.frames.append(Frame(article.id, "block", *geo.rect_box(area)))
    head_cols = spec.headline.cols or block.cols
    head_lines = _headline(spec, article, styles, geo, faces, out)
    out.head_lines = head_lines
    blocked: list[Rect] = [Rect(block.col, head_cols, block.top, head_lines, spec.loc)]
    spans = 0  # grid lines the tables across the module take, with the white under them
    if spec.continued_from is None and spec.span_tables and article.paragraphs:
        spans = _span_tables(spec, article, styles, geo, faces, out, block.top + head_lines, area_bottom(block, geo))
    if spans:
        # the tables stand across every column of the module under the headline: the body flows
        # in the columns below them (beside a headline narrower than the module: white)
        blocked.append(Rect(block.col, block.cols, block.top, head_lines + spans, spec.loc))
    spec = resolve_cells(spec, head_lines, spans)
    if spans:
        _check_cells_clear(spec, block.top + head_lines, block.top + head_lines + spans, out)
    captions: list[TextLine] = []
    pairs, unplaced = assign_photos(spec, article)
    if unplaced and not dry and spec.continued_from is None and spec.jump_to is None:
        # (a jumped article's photo may stand with its continuation, on the later page)
        _check_photos_placed(spec, article, unplaced)
    for index, (ps, photo) in enumerate(pairs):
        if photo is None and not dry:
            raise InputError(ps.cell.loc, _no_photo(spec, article))
        try:
            _check_cell(spec, ps, geo)
        except InputError as exc:
            if not dry:
                raise
            # a trial of fitting that would put the cell there: refused like a headline that overflows
            out.warnings.append(Warning("overset", str(exc), ps.cell.loc, spec.article))
        cell, gap = ps.cell, ps.standoff
        # Text keeps ``standoff`` blank lines from the photo and its caption, in the block and in
        # a frame the body turns into under it (the turn of an L).
        top = max(min(a.top for a in spec.areas if a.col <= cell.col < a.right), cell.top - gap)
        blocked.append(Rect(cell.col, cell.cols, top, cell.bottom + gap - top, cell.loc))
        captions += _place_photo(spec, ps, photo, styles, geo, faces, out, index=index)
    if spec.continued_from is not None:
        lines = list(carried or [])
    elif body is not None:
        lines = list(body)
    elif article.paragraphs:
        lines, warnings = compose_body(spec, article, styles, geo.span_width(1), faces)
        out.warnings += warnings
    else:
        lines = []
    if not article.paragraphs and article.byline and not article.photos and not article.ad and not dry \
            and spec.continued_from is None:
        # A headline-only entry (the banner, a 导读 item) has no byline: a 本报记者 line over no
        # text is a story whose body is missing (trial 16 #10), printed as the banner would be
        # (centred in its block), and said.
        out.warnings.append(Warning("empty-body", f"{article.id!r} has a title and a byline ({article.byline}) "
                                    "but no body: it is printed as a headline alone; write its text under the "
                                    "front matter, or take the byline out if the headline stands alone",
                                    _role_loc(article, "byline"), article.id))
    if lines or spec.continued_from is not None:
        _place_body(spec, article, styles, geo, faces, out, blocked, lines)
    out.lines += captions  # reading order: headline, body, then the caption
    if not dry:
        _rules(spec, geo, out, head_lines, bool(lines) or spec.continued_from is not None, spans)
    return out


def _check_cells_clear(spec: ArticleSpec, top: int, bottom: int, out: Placed) -> None:
    """No photo cell over the tables across the module (grid lines ``top`` to ``bottom``): a located
    error at the cell (in a trial of fitting, refused as overset)."""
    for ps in spec.photos:
        cell = ps.cell
        if cell.col < spec.block.right and spec.block.col < cell.right and cell.top < bottom and top < cell.bottom:
            message = (f"photo cell of {spec.article!r} stands over its table across the module (grid lines "
                       f"{top}–{bottom - 1}): put it at 'line: after' or below line {bottom - 1}")
            if not out.dry:
                raise InputError(cell.loc, message)
            out.warnings.append(Warning("overset", message, cell.loc, spec.article))


def _span_tables(spec: ArticleSpec, article: Article, styles: dict[str, Style], geo: PageGeometry,
                 faces: FaceSet, out: Placed, top: int, bottom: int) -> int:
    """The article's tables too wide for a column (spanning_tables), set across the module's
    columns from grid line ``top`` down, one under another in the copy's order, a blank grid line
    between two and one under the last (the body starts below it); each row on a grid line as in a
    column (_set_table_line). Their title above and source below are theirs, as in a column. Set at
    the style's size, smaller only as its min_size allows to fit the module's width; wider still,
    or deeper than the module under its headline, the build stops at the table's line. Returns
    the grid lines taken, white included (0: none)."""
    measure = geo.span_width(1)
    spanning = sorted(spanning_tables(spec, article, styles, measure, faces))
    if not spanning:
        return 0
    cols = spec.block.cols
    width = geo.span_width(cols)
    weights = spec.rules or geo.spec.rules
    line_at = top
    for n, k in enumerate(spanning):
        para = article.paragraphs[k]
        table = compose_table(para, styles[text_style(para, spec, styles)], styles[spec.lead], width, faces,
                              article.id, across=cols)
        warnings: list[Warning] = []
        _table(para, table, article, warnings, False, False)
        if not out.dry:
            out.warnings += warnings
        if line_at + len(table.lines) > bottom:
            message = (f"this table of {article.id!r} across the module's {cols} columns takes "
                       f"{counted(len(table.lines), 'grid line')}, and the module has "
                       f"{counted(max(0, bottom - line_at), 'line')} left under its headline"
                       f"{' and the tables above it' if n else ''}: cut rows, or give the module more lines")
            if not out.dry:
                raise InputError(para.loc, message)
            out.warnings.append(Warning("overset", message, para.loc, article.id))
            return bottom - top
        if not out.dry:
            for i, line in enumerate(table.lines):
                _set_table_line(spec, article, geo, out, line, spec.block.col, line_at + i, weights, cols)
        line_at += len(table.lines) + 1  # a blank grid line under it: between two tables, above the body
    return min(line_at, bottom) - top


def area_bottom(area: Rect, geo: PageGeometry) -> int:
    """An area that does not reach the page foot keeps its last line for the rule under it."""
    return area.bottom if area.bottom >= geo.spec.grid.lines else area.bottom - 1


def headline_depth(height: float, pitch: float) -> int:
    """Grid lines a headline of ``height`` points takes: half a line clear above and below."""
    return math.ceil((height + pitch) / pitch) if height else 0


def _headline(spec: ArticleSpec, article: Article, styles: dict[str, Style], geo: PageGeometry, faces: FaceSet,
              out: Placed) -> int:
    """The headline placed into ``out``; the grid lines it takes (none on a continuation page, unless
    its entry gives the headline lines of its own)."""
    if spec.continued_from is not None and not spec.headline.lines:
        return 0
    return _place_headline(spec, article, styles, geo, faces, out, spec.headline.cols or spec.block.cols,
                           area_bottom(spec.block, geo))


def check_photo_cells(spec: ArticleSpec, article: Article, styles: dict[str, Style], geo: PageGeometry,
                      faces: FaceSet) -> None:
    """The build's refusal of a photo cell (_check_cell: past its block or frame, or on the rule line
    under it), with the headline set as flow_article sets it, so a 'line: after' cell stands where
    the build puts it. The make-up desk asks this before it writes an edit (trial 16b #13: a swap
    the spec loader passed, written, then refused by the next build: the page stale)."""
    trial = Placed(dry=True, keep=faces.placed)
    head_lines = _headline(spec, article, styles, geo, faces, trial)
    spans = 0  # and under the tables across the module, as flow_article puts it
    if spec.continued_from is None and spec.span_tables and article.paragraphs:
        spans = _span_tables(spec, article, styles, geo, faces, trial, spec.block.top + head_lines,
                             area_bottom(spec.block, geo))
    placed = resolve_cells(spec, head_lines, spans)
    for ps in placed.photos:
        _check_cell(placed, ps, geo)


def _place_headline(spec: ArticleSpec, article: Article, styles: dict[str, Style], geo: PageGeometry,
                    faces: FaceSet, out: Placed, cols: int, usable_bottom: int) -> int:
    hs = spec.headline
    if hs.vertical:
        return _place_vertical_headline(spec, article, styles, geo, faces, out, cols, usable_bottom)
    width = geo.span_width(cols)
    x = geo.col_left(spec.block.col)
    parts: list[tuple[Line, Style, str]] = []
    # the roles whose breaks are said once the cut is known, each where among the warnings it was
    # said before (the order the build prints them in)
    broken: list[tuple[int, str, str, list[Line]]] = []
    for role, text in (("kicker", article.kicker), ("title", article.title),
                       ("subtitle", article.subtitle), ("byline", article.byline)):
        if not text:
            continue
        style = styles[getattr(hs, role)]
        lines, missing = compose_display(text, style, width, faces)
        _report_missing(out, missing, article.loc, article.id)
        if role != "byline" and not style.hyphenate_capitals and len(lines) > 1:
            _name_too_wide(spec, article, role, text, lines, style, width, faces, out)
        if role != "byline":
            broken.append((len(out.warnings), role, text, lines))
        if not out.dry:
            out.warnings += _fallback_role_warnings([Run(text, style)], faces, _role_loc(article, role), article.id,
                                                    role)
        parts += [(line, style, role) for line in lines]
    if not parts:
        return 0
    pitch = geo.spec.grid.pitch
    height = sum(style.leading for _, style, _ in parts)
    available = usable_bottom - spec.block.top
    need = hs.lines or min(available, headline_depth(height, pitch))
    if not article.paragraphs and not hs.lines and not article.photos:
        # A headline-only block (the banner) fills its block; one with photos (a map box: title,
        # picture, caption) takes its own depth, and its photo cells the rest ('line: after').
        need = available
    if height > need * pitch + 0.01:
        # A headline longer than its area is overset like text: cut at the area's foot, the lines
        # that do not fit counted (the build stops; --allow-overset shows the cut), never set past
        # the area over the body or above it over the folio (centred, all of it stood out of both).
        spill = _spilled(parts, need * pitch)
        parts = parts[:len(parts) - len(spill)]
        out.overset.append(Overset(article.id, sum(len(line.text) for line, _, _ in spill), len(spill), "(headline)"))
        out.warnings.append(Warning("overset", f"headline of {article.id!r} needs {height / pitch:.1f} lines, "
                                    f"its area has {need}: {_cut_said(spill)}", spec.loc, article.id))
        height = sum(style.leading for _, style, _ in parts)
    if not out.dry:
        printed = {id(line) for line, _, _ in parts}
        for at, role, text, lines in reversed(broken):
            out.warnings[at:at] = _printed_break_warnings(article, role, text, lines, printed)
    # Centred in its area; lines fitting added stay under it (the white a desk pads with), so the
    # headline stands where its area as set would put it, not a hole of white over it.
    own = need - hs.fitted if 0 < hs.fitted < need and (need - hs.fitted) * pitch >= height - 0.01 else need
    y = geo.line_top(spec.block.top) + (own * pitch - height) / 2
    for line, style, role in parts:
        baseline = y + (style.leading - style.size) / 2 + EM_TOP_ABOVE_BASELINE * style.size
        out.add_line(line, aligned_x(line, x, width, hs.align), baseline, article.id, role)
        y += style.leading
    if not out.dry:
        out.frames.append(Frame(article.id, "headline", x, geo.line_top(spec.block.top), width, need * pitch))
    return need


def _name_too_wide(spec: ArticleSpec, article: Article, role: str, text: str, lines: list[Line], style: Style,
                   width: float, faces: FaceSet, out: Placed) -> None:
    """A name (a capitalised Latin word) a headline part must break inside, being wider than the
    headline's measure at its style's size: overset, as text that does not fit (exit 3), never a
    silent hyphen in the largest type on the page (trial 17 #1: Antetok- / ounmpo). A desk widens
    the headline or sets it smaller; a paper does not print a name parted in a headline.
    --allow-overset prints it broken where it must be, for the proof desk."""
    for word in parted_names(text, lines):
        wide = sum(line.natural for line in compose_display(word, style, 1e6, faces)[0])
        out.overset.append(Overset(article.id, len(word), 1,
                                   f"({role}: the name {visible(word)}, {wide:.0f} pt wide, is wider than the headline's "
                                   f"{width:.0f} pt and no name is hyphenated in a headline; give the headline more "
                                   f"cols or a smaller {role} style)"))
        out.warnings.append(Warning("overset", f"the {role} of {article.id!r}: the name {visible(word)} is "
                                    f"{wide:.0f} pt wide at {style.size:g} pt, the headline's measure {width:.0f} pt, "
                                    f"and a name is not hyphenated in a headline: give the headline more cols, "
                                    f"a smaller {role} style, or shorten the {role} (README: Headlines)",
                                    _role_loc(article, role), article.id))


def _vertical_break_warnings(article: Article, texts: dict[str, str],
                             placed: list[tuple[VColumn, Style, str, float]]) -> list[Warning]:
    """A vertical headline's printed columns that end between two Han with no cue, said as a
    horizontal headline's lines are (_uncued_warnings): the columns end at a cue where one is
    within reach (compose/vertical.py _balanced), but a title with none, or none near enough to
    even columns, may be parted inside a word (马拉松比赛 / 期间部分道 / 路交通管制): the desk
    writes a space where a column should start."""
    out = []
    for role, text in texts.items():
        columns = [col for col, _, r, _ in placed if r == role]
        found = uncued_breaks(" ".join(text.split()), columns) if len(columns) > 1 else []
        if found:
            where = visible(", ".join(f"{a} and {b}" for a, b in found))
            shown = visible(" / ".join(col.text.strip() for col in columns))
            out.append(Warning("headline-break", f"article {article.id!r}: the vertical {role} breaks between "
                               f"{where} ({shown}), where the copy gives no cue; if that cuts a word, write a "
                               f"space where the column should break (README: Headlines)",
                               _role_loc(article, role), article.id))
    return out


def _printed_break_warnings(article: Article, role: str, text: str, lines: list[Line],
                            printed: set[int]) -> list[Warning]:
    """The headline-break warnings of a part's lines printed (README: warnings of set lines are said
    of printed lines only): a part the overset cut wholly says none, one cut partly only of the
    breaks between its printed lines (trial 16 #9: a subtitle not set was quoted as breaking badly)."""
    kept = [line for line in lines if id(line) in printed]
    return _uncued_warnings(article, role, text, kept, whole=len(kept) == len(lines)) if kept else []


def _role_loc(article: Article, role: str) -> Loc:
    """Where the article's front matter gives ``role`` (title: …), else the article's place."""
    from pagesetter.content.reader import value_locs

    return value_locs(article).get(role, (article.loc, ""))[0]


def _uncued_warnings(article: Article, role: str, text: str, lines: list[Line], loc: Loc | None = None, *,
                     whole: bool = True) -> list[Warning]:
    """A headline, or a 小标题 (``role`` "subhead", at ``loc``), wrapped between two Han with no cue
    where (compose/display.py): it may cut a word (马拉松比赛期间部 / 分道路交通管制), which the
    engine cannot see; the desk writes a space there. ``lines``: the text's first lines, all of
    them unless not ``whole`` (the rest overset, not printed: a clause break there is not said)."""
    found = uncued_breaks(text, lines)
    unkept = unkept_clause_breaks(text, lines) if len(lines) > 1 and whole else []
    names = split_latin_runs(text, lines)
    if not (found or unkept or names):
        return []
    if loc is None:
        from pagesetter.content.reader import value_locs

        loc = value_locs(article).get(role, (article.loc, ""))[0]
    shown = visible(" / ".join(line.text.strip() for line in lines))
    out = []
    if found:
        where = visible(", ".join(f"{a} and {b}" for a, b in found))
        out.append(Warning("headline-break", f"article {article.id!r}: the {role} breaks between {where} ({shown}), "
                           f"where the copy gives no cue; if that cuts a word, write a space where the line "
                           f"should break (README: Headlines)", loc, article.id))
    for before, after in unkept:
        # The typed space asks for the break; a half wider than the measure cannot take it.
        out.append(Warning("headline-break", f"article {article.id!r}: the {role} does not break at the space "
                           f"typed between {quoted(before)} and {quoted(after)} ({shown}): a half is too long for the "
                           f"measure, so it is wrapped; shorten that half or move the space (README: Headlines)",
                           loc, article.id))
    for before, after in names:
        out.append(Warning("headline-break", f"article {article.id!r}: the {role} breaks inside the Latin "
                           f"run {visible(before)} / {visible(after)} ({shown}): nothing fits with the break before or after it; "
                           f"shorten the {role} or write the break where it belongs (README: Headlines)", loc,
                           article.id))
    return out


def _cut_said(spill: list) -> str:
    """Where a headline too long for its area is cut, for the editor: the first line not set and
    the parts (title, subtitle, byline) it and the lines after it belong to."""
    first = visible(spill[0][0].text.strip())[:12]
    return (f"set to its area's foot, cut before “{first}…”; not set: {_lines(len(spill))} of its "
            f"{_parts_said(part[2] for part in spill)}")


def _parts_said(roles: Iterable[str]) -> str:
    """The headline's parts, each once, in order: "title, subtitle and byline"."""
    names = list(dict.fromkeys(roles))
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _spilled(parts: list, room: float) -> list:
    """The headline lines past ``room`` points of depth."""
    used = 0.0
    out = []
    for part in parts:
        used += part[1].leading
        if used > room + 0.01:
            out.append(part)
    return out


def _place_vertical_headline(spec: ArticleSpec, article: Article, styles: dict[str, Style], geo: PageGeometry,
                             faces: FaceSet, out: Placed, cols: int, usable_bottom: int) -> int:
    """竖排: title columns from the right, the subtitle's to their left, set lower by two title ems."""
    hs = spec.headline
    pitch = geo.spec.grid.pitch
    lines = hs.lines or (usable_bottom - spec.block.top)
    x, top, width = geo.col_left(spec.block.col), geo.line_top(spec.block.top), geo.span_width(cols)
    height = lines * pitch - pitch  # half a line clear above and below
    placed: list[tuple[VColumn, Style, str, float]] = []
    texts: dict[str, str] = {}
    title_size = styles[hs.title].size
    for role in ("kicker", "title", "subtitle", "byline"):
        text = article.headline(role, vertical=True)  # full-width figures as typed: upright (Article.vertical_forms)
        if not text:
            continue
        style = styles[getattr(hs, role)]
        drop = 0.0 if role in ("kicker", "title") else 2 * title_size
        # Only a two-clause title written with a space starts a new column at it; a space in
        # a subtitle or byline (本报记者 刘洋) is a gap inside the column.
        columns, missing = compose_vertical(text, style, height - drop, faces, break_at_spaces=role == "title")
        _report_missing(out, missing, article.loc, article.id)
        placed += [(col, style, role, drop) for col in columns]
        texts[role] = text
    total = sum(style.leading for _, style, _, _ in placed)
    too_wide = total > width + 0.01
    fits = _vertical_fit(placed, width, height)
    if fits < len(placed):
        # Lost like overset text (it would print over the body or past the block): cut at the
        # area, the columns from the first that does not fit counted, so the build stops unless
        # overset is allowed; the columns that fit are set (--allow-overset shows the cut), never
        # one past the area over the body or a neighbour. Said why: each column is its style's
        # leading wide.
        why = (f": its {counted(len(placed), 'column')}, each its style's leading wide, take {total:.0f} pt, "
               f"its {counted(cols, 'column')} {width:.0f} pt; give it more cols or a smaller size or leading") \
            if too_wide else f": a column is deeper than the block's {counted(lines, 'line')}"
        spill = placed[fits:]
        out.overset.append(Overset(article.id, sum(len(col.text) for col, _, _, _ in spill), len(spill),
                                   f"(vertical headline{why})"))
        first = visible(spill[0][0].text.strip())[:12]
        roles = _parts_said(role for _, _, role, _ in spill)
        out.warnings.append(Warning("overset", f"vertical headline of {article.id!r} does not fit its "
                                    f"{counted(cols, 'column')} × {counted(lines, 'line')}: cut before “{first}…”; "
                                    f"not set: {counted(len(spill), 'column')} of its {roles}",
                                    spec.loc, article.id))
        placed = placed[:fits]
        total = sum(style.leading for _, style, _, _ in placed)
    if out.dry:
        return lines
    out.warnings += _vertical_break_warnings(article, texts, placed)
    right = x + (width + total) / 2
    for col, style, role, drop in placed:
        centre = right - style.leading / 2
        column_top = top + pitch / 2 + drop
        glyphs = tuple(Glyph(g.face, g.size, g.gid, centre + g.dx, g.text, g.color, -g.down, g.scale_x, g.rotate)
                       for g in col.glyphs)
        out.lines.append(TextLine(glyphs, column_top, centre - style.size / 2, style.size, article.id, role))
        right -= style.leading
    out.frames.append(Frame(article.id, "headline", x, top, width, lines * pitch))
    # its columns hold text down to the grid line its deepest column ends on: a column rule beside
    # it runs that far (_area_rules), as beside a column of body text
    ink = max((top + pitch / 2 + drop + col.height for col, _, _, drop in placed), default=top)
    foot = spec.block.top
    while geo.line_top(foot + 1) < ink - 0.01:
        foot += 1
    for c in range(spec.block.col, spec.block.col + cols):
        out.text_feet[c] = max(foot, out.text_feet.get(c, foot))
    return lines


def _vertical_fit(placed: list[tuple[VColumn, Style, str, float]], width: float, height: float) -> int:
    """How many of a vertical headline's columns, from the right, fit its area: each no deeper
    than the area (less its drop) and all of them together no wider than it."""
    used = 0.0
    for k, (col, style, _, drop) in enumerate(placed):
        used += style.leading
        if used > width + 0.01 or col.height + drop > height + 0.01:
            return k
    return len(placed)


def _check_photos_placed(spec: ArticleSpec, article: Article, unplaced: list[Photo]) -> None:
    """A photo the article lists must print: one the spec gives no cell would be lost without a
    word (the entry has no photo cell, or fewer cells than the article has photos)."""
    for photo in unplaced:
        where = "has no photo cell" if not spec.photos else \
            f"has {counted(len(spec.photos), 'photo cell')} for {counted(len(article.photos), 'photo')}"
        raise InputError(photo.loc, f"photo {photo.file.name} of {article.id!r} is not placed: its entry "
                         f"({spec.loc}) {where}; give it a cell (photo: {{col, cols, line, lines}}, or a list "
                         "under photos:) or take the photo out of the article")


def rule_line(spec: ArticleSpec, area: Rect, col: int, geo: PageGeometry) -> bool:
    """Is ``area``'s last grid line the rule line under it in column ``col``? (Not at the page
    foot, nor where the article's body turns into another of its areas below in column order;
    read by areas, each area is a unit of its own, with a rule under it.)"""
    if area.bottom >= geo.spec.grid.lines:
        return False
    return spec.order == "areas" or not any(a.top == area.bottom and a.col <= col < a.right for a in spec.areas)


def _check_cell(spec: ArticleSpec, ps: PhotoSpec, geo: PageGeometry) -> None:
    """A photo cell stays inside its block and off the rule line under it: a caption there would
    print on the rule (at the turn of an L, against the rule's end)."""
    cell = ps.cell
    # the area the cell was counted in: the block, or the frame ('frame: N') whose columns hold it
    block = next((a for a in spec.frames if a.col <= cell.col and cell.right <= a.right
                  and a.top <= cell.top < a.bottom), spec.block)
    what = "block" if block is spec.block else "frame"
    if cell.bottom > block.bottom:
        raise InputError(cell.loc, f"the photo cell of {spec.article!r} runs past its {what}: it ends on line "
                         f"{cell.bottom} of the page, the {what} on line {block.bottom} (a 'line: after' cell "
                         "moves down with the headline); shorten the cell or move it up")
    if cell.bottom == block.bottom and any(rule_line(spec, block, c, geo) for c in range(cell.col, cell.right)):
        raise InputError(cell.loc, f"the photo cell of {spec.article!r} takes the {what}'s last line (line "
                         f"{block.bottom} of the page), which holds the rule under the {what}; end the cell a "
                         "line higher")


# U+2060 WORD JOINER between two characters forbids a line break there (compose/atoms.py) and
# prints nothing: a photo credit (摄影 本报记者 王强) is one phrase, never broken inside.
WORD_JOINER = "\u2060"


def caption_lines(caption: str, credit: str | None, cap_style: Style, credit_style: Style, width: float,
                  faces: FaceSet) -> tuple[list[Line], list[str]]:
    """The caption, with its credit whole after it on the caption's last line when it fits there;
    else the credit on a line of its own, flush right (never broken mid-phrase, nor leaving the
    caption's last line spread to the measure)."""
    lines, missing = compose_paragraph([Run(caption, cap_style)], width, faces, justify=True)
    if not credit:
        return lines, missing
    own, more = _credit_lines(credit, credit_style, width, faces)
    gap = cap_style.size / 2  # an ASCII space between Chinese characters is set half an em (compose/chars.py)
    if len(own) == 1 and lines and lines[-1].natural + gap + own[0].natural <= width:
        runs = [Run(caption, cap_style), Run(" " + WORD_JOINER.join(credit), credit_style)]
        together, found = compose_paragraph(runs, width, faces, justify=True)
        if len(together) == len(lines):
            return together, missing + found
    flush = [Line(tuple(g._replace(x=g.x + white(line, width)) for g in line.glyphs), width, width, line.text,
                  True, line.size) for line in own]
    return lines + flush, missing + more


def _credit_phrases(credit: str) -> list[tuple[str, str]]:
    """A credit's phrases, each with what joins it to the one before (" " or ""): parted at its
    spaces, but for a word space between two Latin words (a photographer's name, Fabrice Coffrini,
    is one phrase), before an opening bracket (新华社发 / （Fabrice Coffrini摄）), and after a
    slash between two names (the photographer's and the agency's: （Clive Brunskill/ / Getty
    Images摄）, never inside Getty Images): a line of a credit that must take two ends only where
    a phrase does, never inside a name."""
    words = [p for p in credit.split(" ") if p]
    merged: list[str] = []
    for word in words:
        if merged and merged[-1][-1:].isascii() and merged[-1][-1:].isalnum() and word[:1].isascii() \
                and word[:1].isalnum():
            merged[-1] += " " + word
        else:
            merged.append(word)
    out: list[tuple[str, str]] = []
    for phrase in merged:
        cuts = sorted({0, len(phrase)} | {k for k in range(1, len(phrase)) if phrase[k] in OPENING}
                      | {k for k in range(1, len(phrase) - 1) if phrase[k - 1] == "/" and phrase[k - 2:k - 1].isalpha()
                         and phrase[k].isalpha()})
        out += [(" " if n == 0 else "", phrase[a:b]) for n, (a, b) in enumerate(zip(cuts, cuts[1:]))]
    return out


def _credit_lines(credit: str, style: Style, width: float, faces: FaceSet) -> tuple[list[Line], list[str]]:
    """A credit set on its own: one line when it fits (a credit that fits a line is never broken
    inside); else its phrases (_credit_phrases) packed into lines, a phrase wider than the cell
    alone broken where it must. Set as running text, not as a headline: a space between its words
    stays a half em (半字空), as after its caption."""
    def set_(text: str) -> tuple[list[Line], list[str]]:
        return compose_paragraph([Run(text, style)], width, faces, justify=False)

    whole, missing = set_(credit)
    if len(whole) <= 1:
        return whole, missing
    out: list[Line] = []
    found: list[str] = []
    pending = ""
    for joint, phrase in _credit_phrases(credit):
        trial = f"{pending}{joint}{phrase}" if pending else phrase
        lines, _ = set_(trial)
        if len(lines) == 1 or not pending:
            pending = trial
            continue
        done, miss = set_(pending)
        out, found, pending = out + done, found + miss, phrase
    if pending:
        done, miss = set_(pending)
        out, found = out + done, found + miss
    return out, found


@record(frozen=True)
class CaptionShare:
    """How much of a photo cell a caption may take before the build warns (the floor, two lines of
    picture, is an overset: README, photo)."""

    most: float  # of the cell's lines
    why: str


# A photo cell is the picture's: its caption names and dates it in a line or three (a 13字 cell of
# 10–20 lines: a tenth to a quarter). Once the caption takes more lines than the picture it is the
# larger thing in the cell, and a desk cuts it or deepens the cell (trial 16 #12: 8 lines of an 11-
# line cell, the picture a 3-line sliver, said nothing). Half is where the picture stops being the
# cell's main element; below that it is the desk's choice and not warned.
CAPTION_SHARE = CaptionShare(0.5, "more than half the cell, so the picture is the smaller part of its own cell")


def _no_photo(spec: ArticleSpec, article: Article) -> str:
    """A photo cell no photo of the article takes (trial 18b #2: an entry kept the cell of the story
    it replaced, and the page printed the headline, a white hole, then the text, with exit 0 and a
    warning). Refused, not filled with text: the engine cannot tell a cell left over from a photo
    left out of the copy, and filled, a picture the page should carry would be missing unsaid."""
    cells, photos = len(spec.photos), len(article.photos)
    has = "no photo" if not photos else f"{photos} photo{'s' if photos > 1 else ''} for {cells} cells"
    return (f"{spec.article!r} has a photo cell here but {article.loc} has {has}: the cell would print white "
            f"under the headline; take the cell (photo:) out of the entry (a story with no picture, as one "
            f"that replaced a story with one), or add the photo to the article's front matter (photos:)")


def _place_photo(spec: ArticleSpec, ps: PhotoSpec, photo: Photo | None, styles: dict[str, Style],
                 geo: PageGeometry, faces: FaceSet, out: Placed, index: int) -> list[TextLine]:
    """The picture (or a group's pictures) and the caption in one photo cell; returns the caption
    lines. A cell no photo takes is refused by flow_article (_no_photo); in a trial of fitting it
    places nothing."""
    cell = ps.cell
    if photo is None:
        return []
    x, _, w, _ = geo.rect_box(cell)
    cap_style = styles[ps.caption]
    count = len(photo.files)
    measure = w
    cap_lines, missing = caption_lines(photo.caption, photo.credit, cap_style, styles[ps.credit], w, faces)
    if ps.fit == "fit" and count == 1 and photo.caption:
        def line_count(at: float) -> int:
            return len(caption_lines(photo.caption, photo.credit, cap_style, styles[ps.credit], at, faces)[0])

        measure = _fit_caption_measure(photo, ps, cap_style, w, line_count, geo)
        if measure < w:
            cap_lines, missing = caption_lines(photo.caption, photo.credit, cap_style, styles[ps.credit], measure,
                                               faces)
    cap_x = x + (w - measure) / 2  # under the picture, which stands centred across its cell
    _report_missing(out, missing, photo.loc, spec.article)
    if not out.dry:  # as a body line so spread is said (_very_loose_warning): a 校对 marks either
        out.warnings += [_loose_caption_warning(line, k, photo.caption_loc or photo.loc, spec.article)
                         for k, line in enumerate(cap_lines) if line.very_loose and not line.last]
        # and a code wider than the caption's line, cut there (a body line's split-span)
        copy = photo.caption + (photo.credit or "")
        out.warnings += [_split_warning(line, nxt, k, photo.caption_loc or photo.loc, spec.article, [PARTED_CODE_KIND],
                                        "caption")
                         for k, (line, nxt) in enumerate(zip(cap_lines, cap_lines[1:]))
                         if parted_code(line.text, nxt.text, copy)]
    if not out.dry:
        for role, text, style in (("caption", photo.caption, cap_style), ("credit", photo.credit, styles[ps.credit])):
            if text:
                out.warnings += _fallback_role_warnings([Run(text, style)], faces, photo.loc, spec.article, role)
    n_cap = len(cap_lines)
    img_lines = cell.lines - n_cap
    least = 2 * (count if ps.arrange == "column" else 1)
    if img_lines < least:
        out.warnings.append(Warning("overset", f"photo cell of {spec.article!r} is {counted(cell.lines, 'line')}; its "
                                    f"caption takes {n_cap}, its {counted(count, 'picture')} need {least}", cell.loc,
                                    spec.article))
        # The caption is cut to the lines the cell has left beside its pictures, the rest overset
        # like body text (the build stops; --allow-overset shows the cut): never set past the cell
        # over the body, nor a picture squeezed to a sliver.
        img_lines = min(least, cell.lines)
        lost = cap_lines[cell.lines - img_lines:]
        cap_lines = cap_lines[:cell.lines - img_lines]
        n_cap = len(cap_lines)
        out.overset.append(Overset(spec.article, sum(len(line.text) for line in lost), len(lost), "(caption)"))
    elif not out.dry and n_cap > CAPTION_SHARE.most * cell.lines:
        out.warnings.append(Warning("caption-share", f"the caption of {spec.article!r} takes {n_cap} of its photo "
                                    f"cell's {cell.lines} lines, the picture {img_lines}: {CAPTION_SHARE.why}; "
                                    "shorten the caption or deepen the cell", photo.caption_loc or photo.loc,
                                    spec.article))
    grid = geo.spec.grid
    inset = (grid.pitch - grid.body_size) / 2  # align the picture with the em boxes of the text beside it
    img_top, cap_top = (cell.top, cell.top + img_lines) if photo.side == "above" else \
        (cell.top + n_cap, cell.top)
    boxes = _picture_boxes(x, geo.line_top(img_top), w, img_lines, count, ps.arrange, grid, inset)
    out.photo_frames[index] = (boxes[0][2], boxes[0][3])
    if out.dry:
        return []
    tint = spec.box.tint if spec.box is not None else None
    # a fit picture shallower than its cell stands against its caption (under it or over it)
    stand = 0.5 if not n_cap else 1.0 if photo.side == "above" else 0.0
    for file, (ix, iy, iw, ih) in zip(photo.files, boxes):
        out.images.append(Image(file, ix, iy, iw, ih, ps.fit, spec.article, ps.focus, tint, stand=stand))
        out.frames.append(Frame(spec.article, "photo", ix, iy, iw, ih))
    if photo.caption:  # (an advertisement's picture has none: README, Content format)
        out.frames.append(Frame(spec.article, "caption", cap_x, geo.line_top(cap_top), measure, n_cap * grid.pitch))
    return [to_text_line(line, cap_x, geo.grid_baseline(cap_top + i, cap_style.size), spec.article, "caption")
            for i, line in enumerate(cap_lines)]


# A fit picture's caption is set to the picture's width, but never narrower than this many
# characters of the caption's type: at fewer a caption breaks every few words (a narrow
# picture's caption stands wider than the picture, centred under it).
FIT_CAPTION_MIN_EMS = 8


def _fit_caption_measure(photo: Photo, ps: PhotoSpec, cap_style: Style, width: float,
                         line_count: Callable[[float], int], geo: PageGeometry) -> float:
    """The measure of a fit picture's caption: the width the picture is placed at (the whole
    picture scaled uniformly into what its cell leaves above or below the caption, centred across,
    render/pdf.py placed_box), when that leaves white beside it of a caption character or more;
    not under FIT_CAPTION_MIN_EMS characters, nor over the cell's ``width``. The caption set that
    narrow takes more lines (``line_count``: its lines at a measure), so the picture less depth and
    width: the picture is measured again with those lines until the two agree (each round
    narrower, so it ends). A measure at which the caption would leave the picture under its two
    lines is not taken (the last that leaves them is), nor is one for a picture whose size cannot
    be read (the render names the file): the cell's width."""
    from pagesetter.flow.fit import pixel_size  # flow/fit.py imports this module

    try:
        stat = photo.file.stat()
    except OSError:
        return width
    size = pixel_size(photo.file, stat.st_mtime_ns, stat.st_size)
    if size is None or size[1] <= 0:
        return width
    aspect = size[0] / size[1]
    grid = geo.spec.grid
    inset = (grid.pitch - grid.body_size) / 2  # as _picture_boxes places the picture in its lines
    floor = min(width, FIT_CAPTION_MIN_EMS * cap_style.size)
    measure, kept = width, width
    lines = line_count(width)
    for _ in range(8):
        img_lines = ps.cell.lines - lines
        if img_lines < 2:
            break  # this measure leaves the picture too few lines: the last that did not is kept
        kept = measure
        placed = min(width, (img_lines * grid.pitch - 2 * inset) * aspect)
        target = max(placed, floor)
        if measure - target < (cap_style.size if measure == width else 0.01):
            break
        measure = target
        lines = line_count(measure)
    else:
        kept = measure if ps.cell.lines - lines >= 2 else kept
    return kept


def _picture_boxes(x: float, top: float, width: float, lines: int, count: int, arrange: str, grid: Grid,
                   inset: float) -> list[tuple[float, float, float, float]]:
    """x, y, width, height of each picture of a cell: side by side with a gutter between them
    (on the columns when their number divides the cell's), or stacked on whole grid lines."""
    if arrange == "row" or count == 1:
        each = (width - (count - 1) * grid.gutter) / count
        return [(x + i * (each + grid.gutter), top + inset, each, lines * grid.pitch - 2 * inset)
                for i in range(count)]
    out, y = [], top
    for i in range(count):
        share = lines // count + (1 if i < lines % count else 0)
        out.append((x, y + inset, width, share * grid.pitch - 2 * inset))
        y += share * grid.pitch
    return out


class ColumnSlots(NamedTuple):
    """One grid column of a module: its free line ranges, top to bottom through every area of the
    module it crosses, and the line its lowest area ends at (the foot balancing may raise)."""

    col: int
    segs: list[tuple[int, int]]
    foot: int


def _columns(spec: ArticleSpec, blocked: list[Rect], geo: PageGeometry) -> list[ColumnSlots]:
    """The body's columns in reading order. Chinese horizontal text reads its columns left to
    right and each column top to bottom, so by default (``order: columns``) the body runs down
    each grid column of the module through every area it crosses (a leg under the block continues
    the column above it), from the leftmost column to the rightmost: one order for L, 倒L, 冂 and
    凹 with the leg on either side, whatever order the spec lists the frames in. ``order: areas``
    reads the block's columns, then each frame's, in the order listed (a 凸 whose foot is wider
    than its block reads its block first, then the foot as a band)."""
    areas = spec.areas
    # Rect's edges are properties: read once here, not per column (fitting asks this per trial).
    obstacles = [(r.col, r.right, r.top, r.bottom) for r in blocked if r.lines > 0]

    def extent(area: Rect, col: int) -> tuple[int, int]:
        # the area's rule line stays empty, except where the article continues below (an L's turn)
        return (area.top, area_bottom(area, geo) if rule_line(spec, area, col, geo) else area.bottom)

    if spec.order == "areas":
        stacks = [(col, [extent(a, col)]) for a in areas for col in range(a.col, a.right)]
    else:
        stacks = [(col, sorted(extent(a, col) for a in areas if a.col <= col < a.right))
                  for col in sorted({c for a in areas for c in range(a.col, a.right)})]
    out = []
    for col, ranges in stacks:
        taken = sorted((top, end) for left, right, top, end in obstacles if left <= col < right)
        segs: list[tuple[int, int]] = []
        for area_top, bottom in ranges:
            start = area_top
            for top, end in taken:
                if top >= bottom or end <= area_top:
                    continue
                if top > start:
                    segs.append((start, min(top, bottom)))
                start = max(start, end)
            if start < bottom:
                segs.append((start, bottom))
        merged: list[tuple[int, int]] = []
        for s, e in segs:
            if e <= s:
                continue
            if merged and merged[-1][1] == s:  # one run down the turn from the block into a frame
                merged[-1] = (merged[-1][0], e)
            else:
                merged.append((s, e))
        out.append(ColumnSlots(col, merged, ranges[-1][1]))
    return out


def _last_columns(columns: list[ColumnSlots]) -> set[int]:
    """The columns the body ends in (indices in reading order): the last one and those before it
    that end on the same line (they end level when balanced)."""
    group: set[int] = set()
    for i in range(len(columns) - 1, -1, -1):
        if columns[i].foot != columns[-1].foot:
            break
        group.add(i)
    return group


def _cap(columns: list[ColumnSlots], group: set[int], limit: int, bottom: int) -> list[ColumnSlots]:
    """Shorten the open foot of the last columns to ``limit`` (balancing); segments that end on an
    obstacle stay."""
    out = []
    for i, c in enumerate(columns):
        segs = c.segs
        if i in group and segs and segs[-1][1] == bottom:
            segs = segs[:-1] + [(segs[-1][0], max(segs[-1][0], min(bottom, limit)))]
        out.append(c._replace(segs=segs))
    return out


def _capacity(columns: list[ColumnSlots]) -> int:
    return sum(e - s for c in columns for s, e in c.segs)


def _open_starts(columns: list[ColumnSlots], group: set[int], bottom: int) -> list[int]:
    return [c.segs[-1][0] for i, c in enumerate(columns) if i in group and c.segs and c.segs[-1][1] == bottom]


def _balanced_foot(columns: list[ColumnSlots], group: set[int], bottom: int, n_lines: int) -> int:
    """The shallowest foot of the last columns (down to ``bottom``) that still takes ``n_lines``:
    what ``_capacity(_cap(columns, group, foot, bottom))`` says, found by bisection, with only
    the open feet (the segments _cap shortens) summed again at each trial."""
    fixed = 0
    for i, c in enumerate(columns):
        segs = c.segs[:-1] if i in group and c.segs and c.segs[-1][1] == bottom else c.segs
        fixed += sum(e - s for s, e in segs)
    open_starts = _open_starts(columns, group, bottom)
    lo, hi = min(open_starts, default=bottom), bottom
    while lo < hi:
        mid = (lo + hi) // 2  # below ``bottom``: an open foot ending here holds ``mid - start`` lines
        if fixed + sum(max(0, mid - start) for start in open_starts) >= n_lines:
            hi = mid
        else:
            lo = mid + 1
    return lo


def plan_columns(spec: ArticleSpec, blocked: list[Rect], geo: PageGeometry, n_lines: int,
                 kept: Callable[[list[ColumnSlots]], int] | None = None,
                 foot_at: int | None = None) -> tuple[list[ColumnSlots], Fill]:
    """The body's slots, balanced so the last columns end level, and how well they fill.
    ``kept``: how many lines the body takes in given columns once what stands whole is kept whole
    (a table, padded to the next column; _keep_together): balancing then ends the columns on the
    shallowest foot at which that many lines fit, never one too shallow for a table (the columns
    balance around it), and ``n_lines`` is that count. ``foot_at``: the last columns end on that
    grid line instead, deeper than balanced (_spare_breaks)."""
    columns = _columns(spec, blocked, geo)
    group = _last_columns(columns)
    bottom = columns[-1].foot
    open_starts = _open_starts(columns, group, bottom)
    foot = bottom
    # ``n_lines`` of a jumped article counts its （转第N版） line. One whose text fits its columns
    # jumps nowhere: it is balanced as any other, for its text alone (not every line in the first
    # column and the others left empty); one that does not fit fills every column to the foot.
    jump = int(spec.jump_to is not None)
    balance = spec.balance and (not jump or n_lines - jump <= _capacity(columns))
    if balance and foot_at is not None:
        foot = min(bottom, foot_at)
        columns = _cap(columns, group, foot, bottom)
    elif balance:
        foot = _balanced_foot(columns, group, bottom, n_lines - jump)
        if kept is not None and open_starts:
            # deeper, a line at a time, until the kept lines fit (a table no longer turns a column
            # past the last): the first such foot is the shallowest (no bisection: padding makes
            # the count rise and fall with the foot)
            while foot < bottom and kept(capped := _cap(columns, group, foot, bottom)) - jump > _capacity(capped):
                foot += 1
        columns = _cap(columns, group, foot, bottom)
    if kept is not None and open_starts:
        n_lines = kept(columns)
    if not open_starts:  # every last column ends on a photo (a photo row at the foot of a photo story)
        return _balance_above(columns, balance, n_lines, jump)
    slots = _capacity(columns)
    # the last column with text ends ``slots - n_lines`` lines above the foot (the jump line, when
    # the text fits, is not set)
    text = n_lines - jump if n_lines - jump <= slots else n_lines
    shortfall = min(max(0, slots - text), foot - min(open_starts))
    return columns, Fill(slots, n_lines, bottom - foot, shortfall)


def _balance_above(columns: list[ColumnSlots], balance: bool, n_lines: int,
                   jump: int = 0) -> tuple[list[ColumnSlots], Fill]:
    """The last columns end on photos (a row of pictures under the text): their text runs are
    evened as a desk evens them, the columns differing by one line at most and the longer ones
    first (25 lines in four: 7/6/6/6), the white standing between the text and the photos. Not a
    column left empty beside three full ones. The group: the last column with text and those before
    it whose last run ends on the same line. ``Fill.shortfall`` is then how far the last column
    ends above the first (0 or 1), ``empty_foot`` the white left above the photos."""
    slots = _capacity(columns)
    with_text = [i for i, c in enumerate(columns) if c.segs]
    need = n_lines - jump  # a jumped article balanced here fits: its jump line is not set
    if not balance or not with_text or slots <= need:
        return columns, Fill(slots, n_lines, 0, max(0, slots - n_lines))
    end = columns[with_text[-1]].segs[-1][1]
    group: set[int] = set()
    for i in reversed(with_text):
        if columns[i].segs[-1][1] != end:
            break
        group.add(i)
    foot = _balanced_foot(columns, group, end, need)
    short = _cap(columns, group, foot - 1, end)
    extra = need - _capacity(short)  # the first ``extra`` runs take the line at ``foot - 1``
    limits = {}
    for i in sorted(group):
        start = columns[i].segs[-1][0]
        takes = extra > 0 and start < foot
        limits[i] = foot if takes else foot - 1
        extra -= takes
    out = [c if i not in limits else _cap([c], {0}, limits[i], end)[0] for i, c in enumerate(columns)]
    ends = [c.segs[-1][1] for i, c in enumerate(out) if i in group and c.segs and c.segs[-1][1] > c.segs[-1][0]]
    slots = _capacity(out)
    return out, Fill(slots, n_lines, end - foot, max(0, max(ends, default=foot) - min(ends, default=foot)),
                     above_photos=True)


def _place_body(spec: ArticleSpec, article: Article, styles: dict[str, Style], geo: PageGeometry,
                faces: FaceSet, out: Placed, blocked: list[Rect], lines: list[Line]) -> None:
    placed: list[tuple[Line, str]] = [(line, line.role) for line in lines]
    if spec.continued_from is not None:
        placed.insert(0, (_jump_line(f"（上接第{spec.continued_from}版）", styles[spec.jump_style], geo, faces, "left"),
                          "jump"))
    jump = spec.jump_to is not None
    if any(role == "table" for _, role in placed):
        # a table is never split (this version): one deeper than the module's column cannot be set;
        # any other is balanced around, the columns as deep as it needs (_keep_together)
        _tables_fit(spec, article, _columns(spec, blocked, geo), placed, out)
    base = placed
    columns, fill, placed = _keep_together(spec, blocked, geo, base, jump)
    columns, fill, placed = _keep_ends(spec, blocked, geo, columns, fill, placed)
    columns, fill, placed = _spare_breaks(spec, blocked, geo, base, jump, (columns, fill, placed))
    if not out.dry:
        _warn_signs(spec, article, out, columns, placed, fill.empty_foot > foot_allowance(spec, geo))
        if any(role == STANZA for _, role in placed):
            _warn_stanzas(spec, article, styles, out, columns, placed, max(_runs(_slots(_columns(spec, blocked, geo)))))
    n_slots = fill.slots  # the grid lines the columns hold
    out.widows = widows(placed, _slots(columns))
    if spec.jump_to is not None and len(placed) > n_slots:
        keep = max(0, n_slots - 1)
        rest = placed[keep:]
        while rest and rest[0][1] == "blank":  # no white (a subhead's padding) opens the continuation
            rest = rest[1:]
        out.leftover = [line for line, _ in rest]
        placed = placed[:keep] + [(_jump_line(f"（转第{spec.jump_to}版）", styles[spec.jump_style], geo, faces,
                                              "right"), "jump")]
    if not out.dry:
        _set_body(spec, article, styles[spec.body], geo, out, columns, placed)
    fill = replace(fill, empty_columns=_empty_columns(columns, placed), n_columns=len(columns))
    out.fill = fill
    if len(placed) > n_slots:
        rest = placed[n_slots:]
        out.unprinted = tuple(line for line, role in rest if role != "blank")
        fitted = placed[n_slots - 1][0].text if n_slots else ""
        out.overset.append(Overset(article.id, sum(len(l.text) for l, _ in rest), len(rest), fitted[-12:]))
    elif is_underset(fill, foot_allowance(spec, geo)) or fill.empty_columns:
        out.warnings.append(Warning("underset", f"{article.id!r}: {_underset(fill)}", spec.loc, article.id))


def _keep_together(spec: ArticleSpec, blocked: list[Rect], geo: PageGeometry, base: list[tuple[Line, str]],
                   jump: bool, foot_at: int | None = None) -> tuple[list[ColumnSlots], Fill, list[tuple[Line, str]]]:
    """The columns planned for the body with what stands together kept together: a subhead with
    its first line of text (keep_subheads), a short item whole (keep_items), a table whole
    (keep_tables). Keeping pads columns, which changes balancing, which moves the column ends:
    the first plan balances on the shallowest foot at which the kept lines fit (plan_columns
    ``kept``), and when the last columns end on photos (_balance_above evens runs, not a foot) it
    is planned again for the lines a round needed, never fewer, until the rounds settle. (A last
    line kept with the line before it, keep_ends, is not planned so: it takes padding only where
    the columns as planned have the line to spare, _keep_ends; planned here, a balanced module
    would be made a line deeper for it, a ragged foot.)"""
    if not any(role in ("subhead", "item", "table", *VERSE_ROLES) for _, role in base):
        columns, fill = plan_columns(spec, blocked, geo, len(base) + jump, foot_at=foot_at)
        return columns, fill, base  # nothing to keep together

    def kept(columns: list[ColumnSlots], stanzas: bool = True) -> list[tuple[Line, str]]:
        slots = _slots(columns)
        subheads = keep_subheads(base, slots) if stanzas else keep_subheads(base, slots, stanzas=False)
        return keep_tables(keep_items(subheads, slots, stanzas), slots)

    def planned(stanzas: bool) -> tuple[list[ColumnSlots], Fill, list[tuple[Line, str]]]:
        columns, fill = plan_columns(spec, blocked, geo, len(base) + jump, lambda c: len(kept(c, stanzas)) + jump,
                                     foot_at)
        placed = kept(columns, stanzas)
        for _ in range(12):
            if len(placed) + jump <= fill.lines:
                break
            columns, fill = plan_columns(spec, blocked, geo, len(placed) + jump, foot_at=foot_at)
            placed = kept(columns, stanzas)
        return columns, fill, placed

    columns, fill, placed = planned(True)
    if len(placed) + jump > fill.slots and any(role in (STANZA, "item") for _, role in base):
        # stanzas (or short lists, KEEP_BLOCK) kept whole leave lines over that the module holds
        # with them broken: broken (between verse lines, _warn_stanzas says which; between items)
        again = planned(False)
        if len(again[2]) + jump <= again[1].slots:
            columns, fill, placed = again
    spread = spread_items(base, placed, _slots(columns))
    if spread is not None:
        # the same columns, the items evened over them: the last column ends where its last item
        # does, at most a column's depth above the foot (as plan_columns says it)
        short = min(max(0, fill.slots - len(spread)), max(_runs(_slots(columns))))
        placed, fill = spread, replace(fill, lines=len(spread) + jump, shortfall=short)
    return columns, fill, placed


def _runs(slots: list[tuple[int, int]]) -> list[int]:
    """The lengths of the unbroken runs of slots down a column, in reading order."""
    runs = []
    k = 0
    while k < len(slots):
        runs.append(_run_left(slots, k))
        k += runs[-1]
    return runs


def spread_items(base: list[tuple[Line, str]], placed: list[tuple[Line, str]],
                 slots: list[tuple[int, int]]) -> list[tuple[Line, str]] | None:
    """A 简讯 (a body of short items kept whole, with their subheads, if any) evened over its
    columns as a desk evens it: kept whole, items filled greedily at the balanced foot can leave a
    column empty while another runs to the foot (four two-line items in three columns: ①② | ③④ |
    nothing). The items are laid out again so the white left at the columns' feet is least (the
    sum of its squares: one column empty weighs more than two a little short), the longer columns
    first where that ties (4/2/2, not 2/2/4). None when the greedy layout (``placed``) is as even
    already, or the body is more than items: its lines stand as kept."""
    if len(placed) > len(slots):
        return None
    evened = _evened(base, slots)
    if evened is None or evened[0] >= _white_cost(placed, _runs(slots)):
        return None
    return evened[1]


def _evened(base: list[tuple[Line, str]], slots: list[tuple[int, int]]) -> tuple[int, list[tuple[Line, str]]] | None:
    """The body's items (or briefs, is_briefs) laid out over the slots' column runs with the least
    squared white at their feet (_even_layout), and that cost; None when the body is more than
    items or briefs, or they do not fit."""
    briefs = is_briefs(base)
    if not briefs and any(role not in ("item", "subhead", "blank", *VERSE_ROLES) for _, role in base):
        return None
    units = _brief_units(base) if briefs else _item_units(base)
    runs = _runs(slots)
    if len(units) < 2 or len(runs) < 2:
        return None
    # a brief's white before the next subhead may fall past a column's foot (none opens the next)
    best = _even_layout([n for n, _ in units], [n - white for n, white in units], runs, white_past_foot=briefs)
    if best is None:
        return None
    out: list[tuple[Line, str]] = []
    u = 0
    for run, count in zip(runs, best[1]):
        start = len(out)
        for _ in range(count):
            n = units[u][0]
            first = sum(m for m, _ in units[:u])
            out += base[first:first + n]
            u += 1
        if len(out) - start > run:  # white past the foot (white_past_foot): dropped
            del out[start + run:]
        elif u < len(units):
            out += [(BLANK_LINE, "blank")] * (run - (len(out) - start))
    return best[0], out


def is_briefs(base: list[tuple[Line, str]]) -> bool:
    """Is the body a 简讯 of two briefs or more, one at least longer than an item: each a subhead
    and one paragraph under it (the kind flow/article.py _body marks an item when it is short),
    with its 落款 if it has one (a 读者来信 box's letters: ::: right under the letter), white (a
    subhead's blank above) between them, nothing else?"""
    i, briefs, long = 0, 0, False
    while i < len(base):
        while i < len(base) and base[i][1] == "blank":
            i += 1
        if i == len(base):
            break
        if base[i][1] != "subhead":
            return False
        while i < len(base) and base[i][1] == "subhead":
            i += 1
        start = i
        while i < len(base) and base[i][1] in ("body", "item") and not base[i][0].last:
            i += 1
        if i == len(base) or base[i][1] not in ("body", "item"):
            return False  # a subhead with no paragraph, or its paragraph not ended
        i += 1
        while i < len(base) and base[i][1] == "sign":
            i += 1
        briefs += 1
        long = long or any(role == "body" for _, role in base[start:i])
    return briefs >= 2 and long


def _brief_units(base: list[tuple[Line, str]]) -> list[tuple[int, int]]:
    """The pieces a 简讯 of briefs (is_briefs) stands in, as _item_units: a brief longer than an
    item breaks between columns where a desk breaks a paragraph, never leaving its first line
    alone at a column's foot nor its last alone at a column's head (TYPOGRAPHY.md: Paragraph;
    break_faults), its subhead with its first lines; a short brief (an item) whole; a letter's 落款
    with the letter's last piece, two lines of it at least over the 落款 (keep_ends' rule). A
    blank line (a subhead's white above) goes with the piece before it, as _item_units has it."""
    units: list[tuple[int, int]] = []
    i = 0
    while i < len(base):
        if base[i][1] == "blank":
            units[-1] = (units[-1][0] + 1, units[-1][1] + 1) if units else (1, 1)
            i += 1
            continue
        head = i
        while base[i][1] == "subhead":
            i += 1
        start = i
        while not base[i][0].last:
            i += 1
        n = i + 1 - start  # the paragraph's lines
        i += 1
        signs = 0
        while i < len(base) and base[i][1] == "sign":
            signs += 1
            i += 1
        whole = base[start][1] == "item"
        cuts = [] if whole else [j for j in range(2, n - 1)]  # two lines at least each side of a break
        bounds = [0, *cuts, n]
        units.append((start - head + bounds[1], 0))
        units += [(b - a, 0) for a, b in zip(bounds[1:], bounds[2:])]
        units[-1] = (units[-1][0] + signs, 0)
    return units


def _item_units(base: list[tuple[Line, str]]) -> list[tuple[int, int]]:
    """The pieces a 简讯 stands in, in order, as (lines, blank lines at its end): each item whole,
    with the subhead over it; a blank line (a subhead's white above) goes with the piece before
    it, white at a column's foot when the column turns there."""
    units: list[tuple[int, int]] = []
    i = 0
    while i < len(base):
        if base[i][1] == "blank":
            if units:
                units[-1] = (units[-1][0] + 1, units[-1][1] + 1)
            else:
                units.append((1, 1))
            i += 1
            continue
        end = i
        while end < len(base) and base[end][1] == "subhead":
            end += 1
        end += max(1, _item_length(base, end)) if end < len(base) else 0
        units.append((end - i, 0))
        i = end
    return units


def _even_layout(sizes: list[int], printing: list[int], runs: list[int],
                 white_past_foot: bool = False) -> tuple[int, tuple[int, ...]] | None:
    """The pieces (``sizes`` lines, the first ``printing`` of them printing) in order into the
    column runs, each run a whole number of pieces: the least sum of squared white under each
    run's last printing line, then the longer runs first; (cost, pieces per run), or None when
    the pieces do not all fit. ``white_past_foot``: a run's last piece may end in white past the
    run's foot (the caller drops it); otherwise a piece's white too must fit."""
    from functools import lru_cache

    @lru_cache(maxsize=None)
    def best(u: int, r: int) -> tuple[int, tuple[int, ...], tuple[int, ...]] | None:
        # (cost, minus the lines used per run: smaller is fuller first, pieces per run)
        if r == len(runs):
            return (0, (), ()) if u == len(sizes) else None
        out = None
        used = 0
        shown = 0
        for take in range(0, len(sizes) - u + 1):
            if take:
                shown = used + printing[u + take - 1]
                used += sizes[u + take - 1]
                if (shown if white_past_foot else used) > runs[r]:  # (else a piece's white too: none is
                    break  # left to open the next run)
            rest = best(u + take, r + 1)
            if rest is None:
                continue
            white = runs[r] - shown  # a run left empty is white its whole depth
            option = (white * white + rest[0], (-shown,) + rest[1], (take,) + rest[2])
            if out is None or option[:2] < out[:2]:
                out = option
        return out

    found = best(0, 0)
    return None if found is None else (found[0], found[2])


def _white_cost(placed: list[tuple[Line, str]], runs: list[int]) -> int:
    """_even_layout's cost of the lines as placed in the column runs."""
    cost = 0
    k = 0
    for run in runs:
        shown = max((j + 1 for j in range(run) if k + j < len(placed) and placed[k + j][1] != "blank"), default=0)
        cost += (run - shown) ** 2
        k += run
    return cost


def _table_units(placed: list[tuple[Line, str]]) -> list[tuple[int, int]]:
    """Where each table starts in ``placed`` and how many lines it has (its lines are "table", the
    last one marked ``last``)."""
    out: list[tuple[int, int]] = []
    i = 0
    while i < len(placed):
        if placed[i][1] != "table":
            i += 1
            continue
        n = _table_length(placed, i)
        out.append((i, n))
        i += n
    return out


def _tables_fit(spec: ArticleSpec, article: Article, columns: list[ColumnSlots], placed: list[tuple[Line, str]],
                out: Placed) -> None:
    """A table is never split across columns (this version): one deeper than every column run of
    the module (``columns`` unbalanced: balancing deepens the columns for a table) cannot be set. A located error, at the table's first line in the file; in a trial of
    fitting, an overset warning (the trial is refused, as an overflowing headline's)."""
    deepest = max((e - s for c in columns for s, e in c.segs), default=0)
    tables = [p for p in article.paragraphs if p.form == "table"]
    units = _table_units(placed)
    for j, (_, n) in enumerate(units):
        if n <= deepest:
            continue
        # the j-th table of these lines; a continuation carries the article's last tables
        para = tables[j - len(units)] if len(tables) >= len(units) else None
        loc = para.loc if para is not None else spec.loc
        message = (f"this table of {article.id!r} takes {counted(n, 'grid line')}, deeper than the deepest "
                   f"column of its module ({counted(deepest, 'line')}): a table is not split across columns; cut rows, split it "
                   "in two tables, or give the module more lines")
        if out.dry:
            out.warnings.append(Warning("overset", message, loc, article.id))
        else:
            raise InputError(loc, message)


def keep_tables(placed: list[tuple[Line, str]], slots: list[tuple[int, int]]) -> list[tuple[Line, str]]:
    """A table that would turn a column moves whole to the top of the next (the lines it leaves are
    white at the column's foot, as keep_items pads); the blank grid line set between a table and
    the text beside it is dropped where it would open a column."""
    out: list[tuple[Line, str]] = []
    i = 0
    while i < len(placed):
        line, role = placed[i]
        if role == "blank" and _beside_table(placed, i) and _column_top(slots, len(out)):
            i += 1
            continue
        if role != "table":
            out.append(placed[i])
            i += 1
            continue
        n = _table_length(placed, i)
        # past every run of the columns too short for it (a column cut by a photo), to one that holds it
        while 0 < (run := _run_left(slots, len(out))) < n and len(out) + run < len(slots):
            out += [(BLANK_LINE, "blank")] * run
        out += placed[i:i + n]
        i += n
    return out


def _beside_table(placed: list[tuple[Line, str]], i: int) -> bool:
    return (i + 1 < len(placed) and placed[i + 1][1] == "table") or (i > 0 and placed[i - 1][1] == "table")


def _column_top(slots: list[tuple[int, int]], k: int) -> bool:
    """Does slot ``k`` start a run of a column (its top, or the first line under a photo)?"""
    return k < len(slots) and (k == 0 or slots[k - 1] != (slots[k][0], slots[k][1] - 1))


def is_underset(fill: Fill, allowance: int) -> bool:
    """Does the build warn of the module as underset (more white at its foot than ``allowance``,
    foot_allowance, or its last column more than a line short)?"""
    return fill.empty_foot > allowance or fill.shortfall > 1


def foot_allowance(spec: ArticleSpec, geo: PageGeometry) -> int:
    """Empty foot lines an underset module may leave unremarked: one above the rule under a
    module (it reads as the rule's standoff), none at the page foot, where a white grid line
    across the module stands out beside column rules that run to the foot."""
    return 0 if any(a.bottom >= geo.spec.grid.lines for a in spec.areas) else 1


def _slots(columns: list[ColumnSlots]) -> list[tuple[int, int]]:
    """The body's grid slots in reading order, as (column, grid line)."""
    return [(c.col, line) for c in columns for s, e in c.segs for line in range(s, e)]


def keep_subheads(placed: list[tuple[Line, str]], slots: list[tuple[int, int]],
                  stanzas: bool = True) -> list[tuple[Line, str]]:
    """A subhead is kept with its first line of text: one that would end a column (or a run of a
    column broken by a photo) moves to the top of the next, and the blank before it stays behind
    as white at the column's foot. Padding is blank lines, which print nothing. A poem's title is
    kept with its first stanza where both fit the next column (``stanzas``: keep_items), else with
    its first verse line."""
    out: list[tuple[Line, str]] = []
    i = 0
    while i < len(placed):
        if placed[i][1] == "blank" and i + 1 < len(placed) and placed[i + 1][1] == "subhead" \
                and _opens_run(slots, len(out)):
            i += 1  # the subhead's white above would open the column: the column's head parts it
            continue
        if placed[i][1] != "subhead":
            out.append(placed[i])
            i += 1
            continue
        end = i
        while end < len(placed) and placed[end][1] == "subhead":
            end += 1
        start = len(out)
        # the subhead's lines and the first line after it; a short item after it (a 简讯's text)
        # whole with it
        # (a table after it, whole with it: keep_tables moves a table whole)
        item = _item_length(placed, end)
        run = _run_left(slots, start)
        if item and placed[end][1] == STANZA and (not stanzas or end - i + item > _run_left(slots, start + run)):
            item = verse_line_length(placed, end)
        elif item and placed[end][1] == "item" and stanzas:
            # a short list under it (KEEP_BLOCK) that keep_items would move whole to the next
            # column: the subhead goes with all of it where both fit the next column's run, else
            # with its first item only (keep_items then breaks the list under it between items;
            # trial 17a: the subhead was left alone at a column's foot, its list in the next)
            block = _list_length(placed, end)
            if item < block <= KEEP_BLOCK and end - i + block <= _run_left(slots, start + run):
                item = block
        need = end - i + max(end < len(placed), item, _table_length(placed, end))
        if 0 < run < need and start + run < len(slots):
            out += [(BLANK_LINE, "blank")] * run
            # with a table: on past every run too short for both (keep_tables moves it so)
            while _table_length(placed, end) and 0 < (run := _run_left(slots, len(out))) < need \
                    and len(out) + run < len(slots):
                out += [(BLANK_LINE, "blank")] * run
        out += placed[i:end]
        i = end
    return out


def _keeps_with_previous(before: list[tuple[Line, str]], line: Line, role: str) -> int:
    """How many lines before ``line`` must stand with it when it opens a column: the line before a
    paragraph's last line (no 段末孤行: a last line alone at a column's head, the rest of its
    paragraph in the column before; TYPOGRAPHY.md: Paragraph), or a letter's last line before its
    落款 (a ::: right block signs the text above it), and the one before that too when the letter's
    last line would then stand alone at the column's head. 0: ``line`` may open a column."""
    if not before:
        return 0
    prev, prev_role = before[-1]
    if role == "sign" and prev_role == "sign":
        # a 落款's later line: the lines of the 落款 above it go over with it, and what its first takes
        signs = 1
        while signs < len(before) and before[-signs - 1][1] == "sign":
            signs += 1
        return signs + _keeps_with_previous(before[:-signs], before[-signs][0], "sign")
    if role == "sign":
        if prev_role not in ("body", "item"):
            return 0
        # the letter's last line goes over with its 落款; and the line before that, when the letter
        # has one in this column, so the last line does not open the column alone
        return 2 if len(before) > 1 and before[-2][1] in ("body", "item") and not before[-2][0].last else 1
    if line.last and role == "body" and prev_role == "body" and not prev.last:
        return 1
    return 0


def keep_ends(placed: list[tuple[Line, str]], slots: list[tuple[int, int]]) -> list[tuple[Line, str]]:
    """A paragraph's last line or a 落款 that would open a column takes the line (lines) it keeps
    with over to the next column (_keeps_with_previous); the column before ends that many lines
    short, white at its foot (blank lines, as keep_subheads pads). One pass in reading order, so
    each line is judged where the padding before it has put it."""
    out: list[tuple[Line, str]] = []
    for line, role in placed:
        k = len(out)
        if 0 < k < len(slots) and slots[k][0] != slots[k - 1][0]:  # ``line`` would open a column
            n = _keeps_with_previous(out, line, role)
            if n and _opens(out, k - n - 1):
                n += 1  # nor the paragraph's first line left alone at the column's foot: it goes too
            # the column keeps two lines of its own above what moves (one would stand alone in it,
            # none would only move the fault back a column), and no padding is moved
            if (n and k - n - 2 >= 0 and slots[k - n - 2][0] == slots[k - 1][0]
                    and all(r != "blank" for _, r in out[k - n:])):
                out[k - n:] = [(BLANK_LINE, "blank")] * n + out[k - n:]
        out.append((line, role))
    return out


def shows_end(line: Line) -> bool:
    """Does a paragraph's last line show the paragraph's end by itself, short of the measure? (One
    that fills it shows it only by the next paragraph's indent: `check` reads it so.)"""
    return line.natural < line.width - 0.01


def widows(placed: list[tuple[Line, str]], slots: list[tuple[int, int]]) -> tuple[int, ...]:
    """The paragraphs' last lines that open a column, the line before them of the same paragraph
    ending the column before (what `check` counts: proof/typography.py widows), each by its place
    among the printing lines of ``placed`` (blank lines not counted). A last line that fills the
    measure and ends the body shows no paragraph's end: `check` sees none, nor does a reader."""
    out: list[int] = []
    printing = 0
    for k, (line, role) in enumerate(placed[:len(slots)]):
        if role == "blank":
            continue
        if (k > 0 and slots[k][0] != slots[k - 1][0] and line.last and role in ("body", "item")
                and placed[k - 1][1] in ("body", "item") and not placed[k - 1][0].last
                and (shows_end(line) or k + 1 < len(placed))):
            out.append(printing)
        printing += 1
    return tuple(out)


def _opens(out: list[tuple[Line, str]], i: int) -> bool:
    """Is ``out[i]`` the first line of a body paragraph that goes on after it?"""
    if i < 0 or out[i][1] != "body" or out[i][0].last:
        return False
    return i == 0 or out[i - 1][0].last or out[i - 1][1] not in ("body", "sign")


def _keep_ends(spec: ArticleSpec, blocked: list[Rect], geo: PageGeometry, columns: list[ColumnSlots], fill: Fill,
               placed: list[tuple[Line, str]],
               foot_at: int | None = None) -> tuple[list[ColumnSlots], Fill, list[tuple[Line, str]]]:
    """keep_ends, where the module has the lines to spare: the padding is taken only when the body
    still fits the columns as planned (balanced to the same foot: the last column ends higher by
    what it was short, no column deeper), and keeps every subhead and item as kept. Otherwise the
    lines stand as they were: `check` counts a last line alone at a column's head, and a 落款
    parted from its letter is said (_warn_signs). A module that jumps (jump_to, its text past its
    columns) always has the lines to spare: what the padding pushes on goes to the page it jumps to
    (trial 14: three 段末孤行 in a row on the page a story jumped from)."""
    jump = spec.jump_to is not None
    slots = _slots(columns)
    ended = keep_ends(placed, slots)
    if len(ended) != len(placed):
        # a subhead or item the padding moves to a column's foot is kept again, and what that
        # moves must leave no last line or 落款 alone at a column's head in turn
        ended = keep_items(keep_subheads(ended, slots), slots)
    jumps = jump and len(placed) + jump > fill.slots  # a text that fits is not made to jump by padding
    if (len(ended) != len(placed) and (len(ended) + jump <= fill.slots or jumps)
            and keep_ends(ended, slots) == ended):
        again, refill = plan_columns(spec, blocked, geo, len(ended) + jump, foot_at=foot_at)
        if again == columns:
            columns, fill, placed = again, refill, ended
    return columns, fill, placed


def _warn_stanzas(spec: ArticleSpec, article: Article, styles: dict[str, Style], out: Placed,
                  columns: list[ColumnSlots], placed: list[tuple[Line, str]], longest: int) -> None:
    """Say where a stanza of a poem breaks across columns (flow/verse.py: kept whole where the
    module allows), at the stanza's first line in the copy. ``longest``: the deepest column the
    block has, unbalanced."""
    slots = _slots(columns)
    paras = article.paragraphs
    verse = [is_verse(para, spec, styles) for para in paras]
    heads = [para for k, para in enumerate(paras) if verse[k] and (k == 0 or not verse[k - 1]
                                                                   or new_stanza(paras, k, verse))]
    for i, number in stanzas_parted(placed, slots):
        n = stanza_length(placed, i)
        loc = heads[number].loc if number < len(heads) else spec.loc
        why = (f"it is longer ({_lines(n)}) than a column of the block ({_lines(longest)}): part it with a blank "
               f"line where a break may fall, or deepen the block" if n > longest else
               f"no foot of the columns keeps its {_lines(n)} whole in one column without leaving a column "
               f"empty or lines over: set the module in fewer columns, deepen it, or part the stanza with a "
               f"blank line where a break may fall")
        out.warnings.append(Warning("layout", f"{article.id!r}: the stanza {quoted(placed[i][0].text.strip())} "
                                    f"breaks across columns: {why}", loc, article.id))


def _parted_signs(placed: list[tuple[Line, str]], slots: list[tuple[int, int]]) -> list[int]:
    """Where a 落款's line opens a column, parted from the text it signs (or from the 落款's line
    before it) at the foot of the column before."""
    return [k for k, (_, role) in enumerate(placed[:len(slots)])
            if role == "sign" and 0 < k and slots[k][0] != slots[k - 1][0] and placed[k - 1][1] != "blank"]


def _warn_signs(spec: ArticleSpec, article: Article, out: Placed, columns: list[ColumnSlots],
                placed: list[tuple[Line, str]], underset: bool) -> None:
    """Say where a 落款 stands parted at a column's head (the flow could not keep it: _keep_ends,
    _spare_breaks), at the entry."""
    slots = _slots(columns)
    for k in _parted_signs(placed, slots):
        line = placed[k][0]
        col = next(i for i, c in enumerate(columns) if c.col == slots[k][0]) + 1
        away = "the line of the 落款 before it" if placed[k - 1][1] == "sign" else "the text it signs"
        # an underset module had its deeper feet tried (_spare_breaks); any other has no line to spare
        why = ("no foot of the columns keeps the 落款 whole with the text's last lines without leaving a column "
               "empty; add or cut a line or two of copy, or set the module in fewer columns" if underset else
               "the columns as planned have no line to spare to take the text's last line over with it; add or "
               "cut a line or two of copy")
        out.warnings.append(Warning("layout", f"{article.id!r}: the flush-right line '{line.text.strip()}' "
                                    f"opens column {col} of the module, away from {away} at the foot of the "
                                    f"column before: {why}", spec.loc, article.id, (line.text.strip(),)))


def break_faults(placed: list[tuple[Line, str]], slots: list[tuple[int, int]]) -> int:
    """How many column breaks of ``placed`` a desk would not pass where it has lines to spare: a
    paragraph's last line alone at a column's head (widows), a 落款 parted at one (from its letter
    at the foot before, or from its own line before), a paragraph's first line alone at a column's
    foot (under a subhead: the subhead with one line of its text), and a number, date or counted
    unit torn from one column into the next (worse than across lines)."""
    faults = len(widows(placed, slots)) + len(_parted_signs(placed, slots))
    if any(role == STANZA for _, role in placed):
        faults += len(stanzas_parted(placed, slots))  # a stanza broken where the columns could keep it whole
    for k in range(1, min(len(placed), len(slots))):
        if slots[k][0] == slots[k - 1][0]:
            continue
        foot, head = placed[k - 1], placed[k]
        if foot[1] == "blank" or head[1] == "blank":
            continue
        if _opens(placed, k - 1) or (foot[1] in ("body", "item") and not foot[0].last and any(
                hard for _, hard in split_kinds(foot[0].text.strip(), head[0].text.strip()))):
            faults += 1
    return faults


def _printed_lines(placed: list[tuple[Line, str]], slots: list[tuple[int, int]]) -> dict[int, int]:
    """How many lines each column prints of ``placed``: grid column → count, every column with a
    slot, in reading order."""
    printed: dict[int, int] = {}
    for k, (col, _) in enumerate(slots):
        printed[col] = printed.get(col, 0) + (k < len(placed) and placed[k][1] != "blank")
    return printed


def _column_depths(placed: list[tuple[Line, str]], slots: list[tuple[int, int]]) -> list[int]:
    """How many lines each column prints of ``placed`` (columns with none left out)."""
    return [n for n in _printed_lines(placed, slots).values() if n]


def _spare_breaks(spec: ArticleSpec, blocked: list[Rect], geo: PageGeometry, base: list[tuple[Line, str]],
                  jump: bool, planned: tuple[list[ColumnSlots], Fill, list[tuple[Line, str]]]
                  ) -> tuple[list[ColumnSlots], Fill, list[tuple[Line, str]]]:
    """Where the balanced columns leave a break a desk would not pass (break_faults) and the
    module is underset, white at its foot (lines to spare: more than the line a module may keep
    above its rule, foot_allowance; a module filled but for that line keeps its balanced columns
    and keep_ends' make-up), the columns end a line deeper at a time, down to the foot. Of the
    feet that leave no such break, the one whose last column ends nearest the others (the
    shallowest of those) is taken (the last column may end higher by what it is short, as
    keep_ends leaves it), when every column the text filled still has text: one is left empty only
    where the text is too short for two lines in every column it filled, and then every column
    printing keeps two or more. Failing that, the balanced columns stand (`check` counts what is
    left; the build says it)."""
    columns, fill, placed = planned
    allowance = foot_allowance(spec, geo)
    depths = _column_depths(placed, _slots(columns))
    short = sum(depths) < 2 * len(depths)  # too little text for two lines in every column
    # a short body dealt a line to a column (under photos or a span table the columns may hold only
    # two or three lines: 5 lines 1/1/1/1/1 across 8) is looked at even with no more white at its
    # foot than a module may keep: the white it keeps is what deeper feet fill (trial 18a)
    lone = short and bool(depths) and min(depths) < 2
    if (fill.above_photos or (fill.empty_foot <= allowance and not lone) or fill.overset
            or not break_faults(placed, _slots(columns))):
        return planned
    bottom = columns[-1].foot
    best: tuple[tuple[int, int, int], tuple[list[ColumnSlots], Fill, list[tuple[Line, str]]]] | None = None
    # failing a foot with no such break: of a short body, the foot with the fewest columns of one
    # line (columns two lines deep cannot keep 5 lines two or more each: 2/2/1 rather than
    # 1/1/1/1/1), then the fewest breaks, then the shallowest; taken only if it has fewer than the
    # balanced columns (README "balance")
    fewest: tuple[tuple[int, int, int], tuple[list[ColumnSlots], Fill, list[tuple[Line, str]]]] | None = None
    for foot_at in range(bottom - fill.empty_foot + 1, bottom + 1):
        together = _keep_together(spec, blocked, geo, base, jump, foot_at)
        again, refill, kept = _keep_ends(spec, blocked, geo, *together, foot_at=foot_at)
        slots = _slots(again)
        now = _column_depths(kept, slots)
        if refill.overset or (len(now) < len(depths) and not short):
            break  # deeper still leaves more columns empty
        faults = break_faults(kept, slots)
        if short:
            thin = (sum(1 for d in now if d < 2), faults, foot_at)
            if fewest is None or thin < fewest[0]:
                fewest = (thin, (again, refill, kept))
        if len(now) < len(depths) and min(now) < 2:
            # a column of one line (3 lines in 3 columns at 2/1, after 1/1/1): deeper still may
            # keep two or more in each (3/0/0), so go on (trial 17: this stopped at 2/1, 1/1/1 stood)
            continue
        if faults:
            continue
        key = (len(depths) - len(now), refill.shortfall, foot_at)
        if best is None or key < best[0]:
            best = (key, (again, refill, kept))
    if best is not None:
        return best[1]
    if fewest is not None and fewest[0][0] < sum(1 for d in depths if d < 2):
        return fewest[1]
    return planned


def _item_length(placed: list[tuple[Line, str]], i: int) -> int:
    """How many lines the item starting at ``i`` has (its paragraph's, to the one marked last; a
    stanza's, flow/verse.py), 0 when no item kept whole starts there."""
    if i < len(placed) and placed[i][1] in VERSE_ROLES:
        return stanza_length(placed, i)
    n = 0
    while i + n < len(placed) and placed[i + n][1] == "item":
        n += 1
        if placed[i + n - 1][0].last:
            return n
    return 0


def _list_length(placed: list[tuple[Line, str]], i: int) -> int:
    """How many lines the run of items starting at ``i`` has (a list: item lines one after another)."""
    n = 0
    while i + n < len(placed) and placed[i + n][1] == "item":
        n += 1
    return n


def _table_length(placed: list[tuple[Line, str]], i: int) -> int:
    """How many lines the table starting at ``i`` has (to its line marked last), 0 when none starts there."""
    n = 0
    while i + n < len(placed) and placed[i + n][1] == "table":
        n += 1
        if placed[i + n - 1][0].last:
            return n
    return n


def keep_items(placed: list[tuple[Line, str]], slots: list[tuple[int, int]],
               stanzas: bool = True) -> list[tuple[Line, str]]:
    """A short item (forms.py KEEP_WHOLE) that would turn a column moves whole to the top of the
    next; the lines it leaves are white at the column's foot (blank lines, as keep_subheads pads).
    So does a stanza (flow/verse.py) that fits the next column, unless ``stanzas`` is False (the
    module has not the lines to keep them: _keep_together); a verse line is kept whole anyway."""
    out: list[tuple[Line, str]] = []
    i = 0
    while i < len(placed):
        if is_stanza_gap(placed, i) and _column_top(slots, len(out)):
            i += 1  # the white between two stanzas does not open a column
            continue
        if placed[i][0].keep_next and i + 1 < len(placed):
            # a heading-like line (_label) goes with what it heads: to the next column's head when
            # it would end this one, or when the short item or list after it moves there whole
            after = _item_length(placed, i + 1)
            block = _list_length(placed, i + 1) if after and stanzas else 0
            need = 1 + max(1, after, block if block <= KEEP_BLOCK else 0)
            run = _run_left(slots, len(out))
            if 0 < run < need and len(out) + run < len(slots) and need <= _run_left(slots, len(out) + run):
                out += [(BLANK_LINE, "blank")] * run
            elif run == 1 and len(out) + 1 < len(slots):
                out.append((BLANK_LINE, "blank"))
            out.append(placed[i])
            i += 1
            continue
        if placed[i][1] in VERSE_ROLES:
            n = stanza_length(placed, i)
            if n and stanzas and not (out and out[-1][1] == "subhead"):
                run = _run_left(slots, len(out))
                # a stanza that would turn a column stands whole at the head of the next, when it
                # fits there; a longer one breaks, a verse line kept whole (below); so does one
                # under its poem's title (keep_subheads moved the title with it where both fit:
                # a title is not left alone at a column's foot)
                if 0 < run < n and len(out) + run < len(slots) and n <= _run_left(slots, len(out) + run):
                    out += [(BLANK_LINE, "blank")] * run
                    out += [x for x in placed[i:i + n] if x[1] != "blank"]  # whole: no padding inside
                    i += n
                    continue
            n = verse_line_length(placed, i)
        else:
            n = _item_length(placed, i) if placed[i][1] == "item" and (i == 0 or placed[i - 1][0].last
                                                                       or placed[i - 1][1] != "item") else 0
            # a short list (a run of items, KEEP_BLOCK lines at most) that would turn a column stands
            # whole at the head of the next when it fits there; else its items are kept one by one
            # (not when the module has not the lines to keep it: ``stanzas`` False, _keep_together)
            # nor a list under a subhead: keep_subheads moved the subhead with it where both fit (a
            # subhead is not left alone at a column's foot)
            block = _list_length(placed, i) if (n and stanzas and (i == 0 or placed[i - 1][1] != "item")
                                                and not (out and out[-1][1] == "subhead")) else 0
            if n < block <= KEEP_BLOCK:
                run = _run_left(slots, len(out))
                if 0 < run < block and len(out) + run < len(slots) and block <= _run_left(slots, len(out) + run):
                    out += [(BLANK_LINE, "blank")] * run
                    out += placed[i:i + block]
                    i += block
                    continue
        if n == 0:
            out.append(placed[i])
            i += 1
            continue
        run = _run_left(slots, len(out))
        if 0 < run < n and len(out) + run < len(slots):
            out += [(BLANK_LINE, "blank")] * run
        out += placed[i:i + n]
        i += n
    return out


def _opens_run(slots: list[tuple[int, int]], k: int) -> bool:
    """Does slot ``k`` open a column (or a run of one under a photo), after the body's first?"""
    return 0 < k < len(slots) and slots[k] != (slots[k - 1][0], slots[k - 1][1] + 1)


def _run_left(slots: list[tuple[int, int]], k: int) -> int:
    """How many slots from ``k`` on run unbroken down the same column."""
    n = 0
    while k + n < len(slots) and (n == 0 or slots[k + n] == (slots[k][0], slots[k][1] + n)):
        n += 1
    return n


def _lines(n: int) -> str:
    return counted(n, "line")


def _empty_columns(columns: list[ColumnSlots], placed: list[tuple[Line, str]]) -> tuple[int, ...]:
    """The module's columns (1-based, reading order) with room for text and none set in them,
    while another column holds more than one line: a line of it could have stood there (a body
    of one line in two columns leaves the second empty, and nothing could fill it)."""
    printed = _printed_lines(placed, _slots(columns))
    if max(printed.values(), default=0) < 2:
        return ()
    return tuple(i + 1 for i, c in enumerate(columns) if _capacity([c]) and not printed.get(c.col))


def _underset(fill: Fill) -> str:
    """What the editor sees white, in the order they fill it: the grid lines left empty across the
    block's foot (balancing evens the columns, so each is white in every column), then how far the
    last column ends above the others."""
    parts = []
    if fill.empty_foot and fill.above_photos:
        parts.append(f"the text ends {_lines(fill.empty_foot)} above the photos under it")
    elif fill.empty_foot:
        parts.append(f"the foot of the block is white for {_lines(fill.empty_foot)} in every column")
    if fill.empty_columns:
        # said plainly: an empty column is not a short one (the text ended, or kept whole, before it)
        empty = fill.empty_columns
        named = ", ".join(str(c) for c in empty[:-1]) + (" and " if len(empty) > 1 else "") + str(empty[-1])
        parts.append(f"column{'s' if len(empty) > 1 else ''} {named} of its {fill.n_columns} "
                     f"{'are' if len(empty) > 1 else 'is'} empty, no text set in "
                     f"{'them' if len(empty) > 1 else 'it'}")
        return "; ".join(parts) + ": add copy, or make the block narrower or shallower"
    if fill.shortfall:
        parts.append(f"the last column ends {_lines(fill.shortfall)} above the others")
    return "; ".join(parts) + ": add copy, or make the block shallower"


def _set_body(spec: ArticleSpec, article: Article, body: Style, geo: PageGeometry, out: Placed,
              columns: list[ColumnSlots], placed: list[tuple[Line, str]]) -> None:
    """The body's lines into the columns' grid lines, in reading order, and the columns' frames."""
    grid_size = geo.spec.grid.body_size
    weights = spec.rules or geo.spec.rules
    for (line, role), (col, grid_line) in zip(placed, _slots(columns)):
        if role == "blank":
            continue
        out.text_feet[col] = max(grid_line, out.text_feet.get(col, grid_line))
        if role == "table":
            _set_table_line(spec, article, geo, out, line, col, grid_line, weights)
            continue
        size = line.size if role == "subhead" else body.size
        # A body line stands on the page's baseline grid, the baseline of grid.body_size type
        # (TYPOGRAPHY.md: one baseline grid across the page, so neighbouring columns' baselines
        # align) whatever its own size: a 五号 poem in a 小五 frame on the 小五 line's baseline,
        # not its em box centred in the band (0.57 pt lower). A 小标题 is display type, centred
        # in its band as a headline is.
        baseline = geo.grid_baseline(grid_line, line.size if role == "subhead" else grid_size)
        out.add_line(line, geo.col_left(col), baseline, article.id, "body" if role in ("item", "sign", *VERSE_ROLES) else role)
        if role == "subhead":
            # its grid line, in the layout record: `check` knows a 小标题 by it even when it is set
            # at the body's size (proof/typography.py _subheads_at_foot)
            out.frames.append(Frame(article.id, "subhead", *geo.rect_box(Rect(col, 1, grid_line, 1, spec.loc))))
        elif line.ragged:
            # likewise a line of a style set flush left, centred or flush right (a listing's, a
            # poem's): `check` does not hold it to the measure as a justified line
            # (proof/typography.py _check_column)
            out.frames.append(Frame(article.id, "ragged", *geo.rect_box(Rect(col, 1, grid_line, 1, spec.loc))))
            if line.set_short:
                # and a justified line set short because justifying it opened white (the build's
                # very-loose "set short"): `check` counts it off its measure, as the build warns it
                # (trial 18a #5: 约1/4， set 33 pt of 117 mid-paragraph, "0 off the measure")
                out.frames.append(Frame(article.id, "short", *geo.rect_box(Rect(col, 1, grid_line, 1, spec.loc))))
        elif line.last and 0.0 < line.width - line.inset - line.natural < PARAGRAPH_END.marked_below * size:
            # a paragraph's last line ending too near the measure for the page to show its end (a
            # line of a ::: noindent block, the next right under it; a quotation's against its own
            # measure, set in from both edges): `check` takes it for one
            # (proof/typography.py _check_column) rather than a justified line off its measure
            out.frames.append(Frame(article.id, "end", *geo.rect_box(Rect(col, 1, grid_line, 1, spec.loc))))
    for c in columns:
        for s, e in c.segs:
            out.frames.append(Frame(article.id, "body", *geo.rect_box(Rect(c.col, 1, s, e - s, spec.loc))))


def _set_table_line(spec: ArticleSpec, article: Article, geo: PageGeometry, out: Placed, line: Line, col: int,
                    grid_line: int, weights: Rules, cols: int = 1) -> None:
    """A table's line on its grid line, in its own size; its rules along the top and the foot of the
    grid line, 100 % K, across the column's measure (``cols`` columns' for a table across the
    module); its grid line marked "table" in the layout record, so `check` holds it to the table's
    tests (proof/typography.py), not a justified line's."""
    x = geo.col_left(col)
    # on the page's baseline grid whatever the table's size, as every body line (_set_body)
    out.add_line(line, x, geo.grid_baseline(grid_line, geo.spec.grid.body_size), article.id, "body")
    out.frames.append(Frame(article.id, "table", *geo.rect_box(Rect(col, cols, grid_line, 1, spec.loc))))
    for kind, y in zip(line.rules, (geo.line_top(grid_line), geo.line_top(grid_line + 1))):
        weight = getattr(weights, kind) if kind else 0.0
        if weight > 0:
            out.rules.append(Rule(x, y, x + line.width, y, weight, BLACK, "table"))


def _jump_line(text: str, style: Style, geo: PageGeometry, faces: FaceSet, align: str) -> Line:
    """转第N版 / 上接第N版: one line of the column, set right or left."""
    lines, _ = compose_display(printable_text(text, style, faces), style, geo.span_width(1), faces)
    line = lines[0]
    shift = white(line, geo.span_width(1)) if align == "right" else 0.0
    glyphs = tuple(g._replace(x=g.x + shift) for g in line.glyphs)
    return Line(glyphs, geo.span_width(1), geo.span_width(1), line.text, True, line.size)


def _rules(spec: ArticleSpec, geo: PageGeometry, out: Placed, head_lines: int, has_body: bool,
           span_lines: int = 0) -> None:
    """``span_lines``: grid lines under the headline the tables across the module take (_span_tables):
    no column rule runs through them."""
    if spec.box is not None:
        _box(spec, geo, out)
    own: list[Rule] = []
    for area in spec.areas:
        part = Placed()
        _area_rules(spec, area, geo, part, head_lines if area is spec.block else 0, has_body, out.text_feet,
                    span_lines if area is spec.block else 0)
        own += part.rules
    # where these rules meet each other's and the neighbours' is settled for the page (flow/junctions.py)
    spans: list[_Span] = []  # the module's lines as the column rules weigh them, made for the first
    for rule in own:
        if rule.role == "column" and not spans:
            spans = _spans(out.lines)
        if rule.role != "column" or _parts_text(rule, out.lines, geo, spans):
            out.rules.append(rule)


# A line that may part columns: its glyphs' leftmost and rightmost origin, the line, and the ink
# box of a headline's line (None for others).
_Span = tuple[float, float, TextLine, "Box | None"]


def _spans(lines: list[TextLine]) -> list[_Span]:
    """The lines a column rule may stand beside, in order, with what _parts_text weighs of them:
    each line's glyphs are looked at once for all of a module's rules, not once a rule and side."""
    out: list[_Span] = []
    for line in lines:
        if line.role == "caption" or not line.glyphs:
            continue  # a caption parts no columns; a line without glyphs holds no text
        xs = [g.x for g in line.glyphs]
        out.append((min(xs), max(xs), line, ink_box(line) if line.role in HEAD_ROLES else None))
    return out


def _parts_text(rule: Rule, lines: list[TextLine], geo: PageGeometry, spans: list[_Span] | None = None) -> bool:
    """Does a column rule (栏线, vertical) stand between text on both sides somewhere along it? A
    column left empty (text too short for the block) has no rule beside it: a rule parts two
    columns of text, and one beside white reads as the module's edge drawn in the wrong place.
    Text is the body's lines along the rule, or a headline set vertically in the column beside it.
    ``spans``: _spans(lines), when the caller has made them."""
    if abs(rule.x1 - rule.x2) > 0.01:
        return True  # a thin rule parting an area from a frame under it (``order: areas``)
    grid = geo.spec.grid
    width = geo.span_width(1)
    spans = _spans(lines) if spans is None else spans

    def holds(lo: float, hi: float, line: TextLine, box: Box | None, x0: float, x1: float) -> bool:
        if box is not None:
            # a headline beside the rule (set vertically, or narrower than its block with the rule
            # running up beside it), not one over the rule's top: a headline across two columns
            # is no text along the rule under it when the column under it stays empty
            if min(box.y1, rule.y2) - max(box.y0, rule.y1) <= 0.5:
                return False
        elif line.role in ("body", "subhead") and not rule.y1 - grid.pitch <= line.baseline <= rule.y2 + grid.pitch:
            return False
        if x0 <= lo and hi < x1:
            return True  # every glyph's origin within [x0, x1)
        return any(x0 <= g.x < x1 for g in line.glyphs)

    def side(x0: float, x1: float) -> bool:
        # only lines with a glyph's origin possibly within [x0, x1) are weighed further
        return any(holds(lo, hi, line, box, x0, x1) for lo, hi, line, box in spans if hi >= x0 and lo < x1)

    left = rule.x1 - grid.gutter / 2 - width - 0.01
    right = rule.x1 + grid.gutter / 2 - 0.01
    return side(left, rule.x1) and side(right, right + width + 0.02)


EAR_BOX_CLEAR = 2.0  # pt of white between a boxed ear's foot and the rule under the masthead


def _box(spec: ArticleSpec, geo: PageGeometry, out: Placed) -> None:
    """花边: the frame runs in the gutters beside the block and through its rule line below."""
    grid = geo.spec.grid
    box = spec.box
    assert box is not None
    masthead = geo.spec.masthead
    for area in spec.areas:
        x1 = geo.col_left(area.col) - grid.gutter / 2
        x2 = geo.col_left(area.col) + geo.span_width(area.cols) + grid.gutter / 2
        y1 = geo.line_top(area.top)
        y2 = geo.line_top(area.bottom) - (grid.pitch / 2 if area.bottom < grid.lines else 0.0)
        if masthead is not None and spec.article in masthead.ears and area.bottom == masthead.block.bottom:
            # A boxed ear's foot would lie on the masthead's heavy rule (it runs where a module's
            # foot rule would) and vanish into it: the box ends above it, EAR_BOX_CLEAR of white between.
            y2 -= masthead.rule / 2 + EAR_BOX_CLEAR + box.rule / 2
        out.panels.append(Panel(x1, y1, x2 - x1, y2 - y1, box.tint, box.rule, box.color, 1.5 if box.double else 0.0))


def _area_rules(spec: ArticleSpec, block: Rect, geo: PageGeometry, out: Placed, head_lines: int,
                has_body: bool, text_feet: dict[int, int], spans: int = 0) -> None:
    page = geo.spec
    grid = page.grid
    rules = spec.rules or page.rules  # the module's own weights, else the page's
    at_page_foot = block.bottom >= grid.lines
    color = rules.color
    bx, by, bw, bh = geo.rect_box(block)
    boxed = spec.box is not None  # the box's frame stands where the article rules would
    if not at_page_foot and rules.article > 0 and not boxed:
        y = geo.line_top(block.bottom - 1) + grid.pitch / 2
        # No rule between two areas of one article (the turn of an L-shaped module); the rule
        # under the other columns ends at their text edge, as every article rule does. Read by
        # areas, a column rule's weight parts the area from the frame under it.
        below = [a for a in spec.areas if a.top == block.bottom and a.col < block.right and block.col < a.right]
        if spec.order == "areas":
            for a in below:
                ax, _, aw, _ = geo.rect_box(a)
                x2, x3 = max(bx, ax), min(bx + bw, ax + aw)
                if rules.column > 0:
                    out.rules.append(Rule(x2, y, x3, y, rules.column, color, "column"))
        x1 = bx
        for a in sorted(below, key=lambda a: a.col):
            ax, _, aw, _ = geo.rect_box(a)
            if ax - grid.gutter > x1:
                out.rules.append(Rule(x1, y, ax - grid.gutter, y, rules.article, color, "article"))
            x1 = max(x1, ax + aw + grid.gutter)
        if x1 < bx + bw:
            out.rules.append(Rule(x1, y, bx + bw, y, rules.article, color, "article"))
    beside = any(a.col == block.right and a.top < block.bottom and block.top < a.bottom for a in spec.areas)
    if block.right < grid.columns and rules.article > 0 and not beside and not boxed:
        x = geo.col_left(block.right) - grid.gutter / 2
        bottom = by + bh - (0 if at_page_foot else grid.pitch / 2)
        if at_page_foot:
            bottom = min(bottom, _side_rule_foot(spec, block, geo, head_lines, text_feet))
        out.rules.append(Rule(x, by, x, bottom, rules.article, color, "article"))
    head_right = block.col + (spec.headline.cols or block.cols) if head_lines else block.col
    body_lines = (block.lines - (0 if at_page_foot else 1)) - head_lines
    # not a headline-only block (the banner), nor a 图片新闻 (photo and caption only)
    has_body_columns = has_body and (body_lines > 0 or head_right < block.right)
    if spec.column_rules and rules.column > 0 and block.cols > 1 and has_body_columns:
        for col in range(block.col + 1, block.right):
            x = geo.col_left(col) - grid.gutter / 2
            # Rules between columns under the headline start below it; beside it, at the block top.
            top = geo.line_top(block.top + head_lines) if col < head_right else geo.line_top(block.top)
            # down to the rule line, or on into the area below where both columns turn into it
            turns = not (rule_line(spec, block, col - 1, geo) or rule_line(spec, block, col, geo))
            bottom = by + bh - (0 if at_page_foot or turns else grid.pitch)
            # No rule through a photo: stop above each cell that spans the gutter, resume below.
            # Nor beside one: a column rule parts two columns of text, and a photo (a row of
            # photos, a caption) on either side of the gutter has its own edge there. It stops
            # where the text does, the cell's standoff short of the photo and of its caption, as
            # the text beside it (a rule run up to a caption reads as underlining it); at the
            # foot it runs on to the foot rule (flow/junctions.py).
            cuts = sorted((geo.line_top(ps.cell.top - ps.standoff), geo.line_top(ps.cell.bottom + ps.standoff))
                          for ps in spec.photos if ps.cell.col <= col <= ps.cell.right)
            if spans:
                # nor through a table across the module (the block's top to its white's foot: beside
                # a narrower headline, the white there too); it starts at the body's first line
                cuts = sorted([*cuts, (geo.line_top(block.top), geo.line_top(block.top + head_lines + spans))])
            # ... and where the text stops above the foot (an underset module: more white under
            # both columns than the module may keep, foot_allowance), the rule stops with the
            # deeper of the two, not on through the white to the foot rule
            deeper = max((text_feet[c] for c in (col - 1, col) if c in text_feet), default=None)
            stops = deeper is not None and area_bottom(block, geo) - (deeper + 1) > foot_allowance(spec, geo)
            if stops:
                bottom = min(bottom, geo.line_top(deeper + 1))
            for y1, y2 in _between(top, bottom, cuts):
                # (a rule beside one line of text each side is drawn: it parts them)
                if y2 - y1 > grid.pitch or (stops and y2 == bottom and y2 - y1 > grid.pitch - 0.01):
                    out.rules.append(Rule(x, y1, x, y2, rules.column, color, "column"))


def _side_rule_foot(spec: ArticleSpec, block: Rect, geo: PageGeometry, head_lines: int,
                    text_feet: dict[int, int]) -> float:
    """Where the side rule of a block that reaches the page foot ends, as far as the module itself
    says. A side rule parts the module from the modules beside it; a module at the page foot has no
    foot rule to close it, so when it is underset (more white at its foot than foot_allowance) the
    rule would run on to the page foot beside its own white: it ends under the module's deepest
    content (text, a vertical headline, the headline area, a photo and its caption). The page runs
    it on down beside the modules across the gutter (side_rules_beside: the module's flow does not
    read its neighbours). Boxes are their blocks (README, ``box``): a module's own foot rule and the
    side rule meeting it stay."""
    grid = geo.spec.grid
    page_foot = geo.line_top(grid.lines)
    photos = [min(ps.cell.bottom, block.bottom) - 1 for ps in spec.photos
              if ps.cell.col < block.right and block.col < ps.cell.right
              and ps.cell.top < block.bottom and block.top < ps.cell.bottom]
    contents = [text_feet[c] for c in range(block.col, block.right) if c in text_feet] + photos
    if head_lines:
        contents.append(block.top + head_lines - 1)
    if not contents:
        return page_foot
    deepest = max(contents)
    if area_bottom(block, geo) - (deepest + 1) <= foot_allowance(spec, geo):
        return page_foot
    return geo.line_top(deepest + 1)


def rules_beside_white(spec: PageSpec, geo: PageGeometry) -> list[Rule]:
    """A module's left side where no module stands across the gutter (an empty column, or the
    module beside it ends higher or starts lower) gets a rule of its own. Between two modules side
    by side the rule is the left one's (_area_rules draws every module's right side but at the
    type area's edge); a module had none on its left, so one right of white stood open there while
    its right side was ruled. A newspaper parts a module from the rest of the type area on every
    side but the type area's outer edge: the rule stands where the left neighbour's would, meets
    the rules of neighbours that border it above or below (their side rules, then joined as every
    rule is, junctions.py), and is the module's own article rule. Not at the type area's left
    edge, nor for a boxed module (its frame parts it), nor beside the masthead or another area of
    the same module (the turn of an L)."""
    grid = spec.grid
    taken = [a for other in spec.articles for a in other.areas]
    if spec.masthead is not None:
        taken.append(spec.masthead.block)
    out: list[Rule] = []
    for aspec in spec.articles:
        rules = aspec.rules or spec.rules
        if aspec.box is not None or rules.article <= 0:
            continue
        for area in aspec.areas:
            if area.col == 0:
                continue
            beside = sorted((max(a.top, area.top), min(a.bottom, area.bottom)) for a in taken
                            if a.right == area.col and a.top < area.bottom and area.top < a.bottom)
            at_page_foot = area.bottom >= grid.lines
            x = geo.col_left(area.col) - grid.gutter / 2
            line = area.top
            for top, bottom in [*beside, (area.bottom, area.bottom)]:
                if top > line:  # lines line..top have white beside them
                    # from the foot rule line of the module above it across the gutter (where its
                    # side rule ends), else the area's top; down to where the module below it
                    # starts, else the area's own foot rule line (or the page foot)
                    y1 = geo.line_top(line) - (grid.pitch / 2 if line > area.top else 0.0)
                    y2 = geo.line_top(top) if top < area.bottom else \
                        geo.line_top(area.bottom) - (0.0 if at_page_foot else grid.pitch / 2)
                    out.append(Rule(x, y1, x, y2, rules.article, rules.color, "article"))
                line = max(line, bottom)
    return out


def side_rules_beside(rules: list[Rule], spec: PageSpec, geo: PageGeometry) -> list[Rule]:
    """The side rule of a module at the page foot that its flow ended under its content
    (_side_rule_foot) runs on down beside the modules across the gutter: to the foot rule of the
    deepest of them, or to the page foot where one reaches it; beside an empty part of the page it
    stays where its own content ends. Settled for the page, as the rules' joins are (junctions.py)."""
    grid = spec.grid
    page_foot = geo.line_top(grid.lines)
    areas = [a for other in spec.articles for a in other.areas]
    out: list[Rule] = []
    for r in rules:
        if r.role == "article" and abs(r.x1 - r.x2) < 0.01 and r.y1 < r.y2 < page_foot - 0.01:
            own = [a for a in areas if a.bottom >= grid.lines and a.right <= grid.columns
                   and abs(geo.col_left(a.right) - grid.gutter / 2 - r.x1) < 0.01 and abs(geo.line_top(a.top) - r.y1) < 0.01]
            if own:
                block = own[0]
                foot = r.y2
                for area in areas:  # across the gutter, level with the block
                    if area.col <= block.right < area.right and area.top < block.bottom and block.top < area.bottom:
                        foot = max(foot, page_foot if area.bottom >= grid.lines
                                   else geo.line_top(area.bottom - 1) + grid.pitch / 2)  # its foot rule's line
                r = replace(r, y2=min(foot, page_foot))
        out.append(r)
    return out


def _between(top: float, bottom: float, cuts: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """The stretches of ``top``–``bottom`` that no cut covers."""
    out, y = [], top
    for c1, c2 in cuts:
        if c1 > y:
            out.append((y, min(c1, bottom)))
        y = max(y, c2)
    if y < bottom:
        out.append((y, bottom))
    return [(a, b) for a, b in out if b > a]


def _report_missing(out: Placed, missing: list[str], loc: Loc, article: str) -> None:
    warning = _missing_warning(missing, loc, article)
    if warning is not None:
        out.warnings.append(warning)


def _missing_warning(missing: list[str], loc: Loc, article: str) -> Warning | None:
    """What the composer still found no glyph for in the face it set (flow/glyphs.py has stopped
    the build for, or put 〓 in place of, anything no face of the chain has): each character once,
    as U+XXXX and its name; characters that print nothing by design are not missing."""
    chars = sorted({ch for ch in missing if not is_ignorable(ch)})
    if not chars:
        return None
    return Warning("missing-glyph", f"article {article!r}: the face set has no "
                   + ", ".join(describe(ch) for ch in chars), loc, article)
