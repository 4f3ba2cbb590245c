"""Characters no face can print: found before anything is set, located in the article's file.

A character that no face of its style's fallback chain (fonts/manifest.yaml) has would print as a
blank em. By default the build stops and names each one (file:line:column, the article and
field, U+XXXX and its Unicode name); a page spec with ``missing_glyphs: substitute`` prints 〓
(U+3013 GETA MARK, the Chinese typesetter's mark for a character the case lacks) in its place and
warns. Default-ignorable characters (variation selectors, ZWJ, ZWSP …) print nothing by design and
are never missing.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import replace
from typing import Callable, Iterator

from pagesetter.compose.chars import SUBSTITUTE
from pagesetter.content.model import Article, ParagraphForm, Photo, Span
from pagesetter.content.reader import char_loc, value_locs
from pagesetter.errors import InputError, InputErrors, Loc, Warning
from pagesetter.flow.cells import assign_photos
from pagesetter.fonts.face import FaceSet
from pagesetter.flow.forms import QUOTE_STYLE, text_style
from pagesetter.incremental import Memo
from pagesetter.records import record
from pagesetter.spec.model import ArticleSpec, PageSpec, PhotoSpec, Style

MASTHEAD = "masthead"  # Missing.article of the masthead's texts (flow/masthead.py)
FURNITURE = "furniture"  # Missing.article of the 报眉, slug and jump lines (furniture_texts)
MOST_REPORTED = 100  # lines of one error at most; the rest are counted
EDITOR_LABEL = "责任编辑："  # what the 报眉 sets before the editor's name (flow/page.py _folio)

# Default_Ignorable_Code_Point (Unicode 15.0 DerivedCoreProperties.txt): no glyph is drawn for these
# (UAX #44; a renderer "should not show" them), so a face's lack of one is no fault.
DEFAULT_IGNORABLE = (
    (0x00AD, 0x00AD), (0x034F, 0x034F), (0x061C, 0x061C), (0x115F, 0x1160), (0x17B4, 0x17B5),
    (0x180B, 0x180F), (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x206F), (0x3164, 0x3164),
    (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF), (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A), (0xE0000, 0xE0FFF),
)


def is_ignorable(ch: str) -> bool:
    cp = ord(ch)
    return any(lo <= cp <= hi for lo, hi in DEFAULT_IGNORABLE)


def describe(ch: str) -> str:
    """U+1F600 GRINNING FACE (😀); a character with no name says what it is instead."""
    name = unicodedata.name(ch, "")
    if not name:
        category = unicodedata.category(ch)
        # "Cn" is unassigned only in this Python's table (Python 3.11: Unicode 14.0): a newer
        # character (U+1FAE8 SHAKING FACE, Unicode 15.0) is one too, so it is named for what is known.
        unassigned = f"<not in Unicode {unicodedata.unidata_version}, this Python's character table>"
        name = {"Co": "<private use>", "Cn": unassigned, "Cc": "<control>", "Cs": "<surrogate>"}.get(
            category, f"<{category}>")
    shown = f" ({ch})" if ch.isprintable() else ""
    return f"U+{ord(ch):04X} {name}{shown}"


# What a report calls a paragraph of each form (content/model.py ParagraphForm).
FORM_NAMES: dict[ParagraphForm, str] = {"body": "paragraph", "subhead": "subhead", "quote": "quotation",
                                        "item": "list item", "right": "flush-right line", "noindent": "paragraph",
                                        "table": "table"}


@record(frozen=True)
class Missing:
    """One character no face of its style's chain has, where it stands."""

    loc: Loc
    article: str
    where: str  # "title", "byline", "paragraph 3", "caption" …
    char: str
    style: str = ""  # the style that sets it
    chain: tuple[str, ...] = ()  # the face keys asked for it: the style's face, then its fallbacks

    @property
    def vertical(self) -> bool:
        return self.where.startswith("vertical")

    @property
    def message(self) -> str:
        if self.article == MASTHEAD:
            prefix = f"masthead, {self.where}"
        elif self.article == FURNITURE:  # where says which: "folio, editor", "slug, page name" …
            prefix = self.where
        else:
            prefix = f"article {self.article!r}, {self.where}"
        if self.vertical:  # set in its style's face alone (compose/vertical.py)
            face = f"face {self.chain[0]} of style {self.style!r}" if self.chain else "its face"
            return f"{prefix}: {face} has no {describe(self.char)} (a vertical headline takes no fallback face)"
        # the style's faces, not every face of the manifest: others may well have it (trial 17c #7)
        return f"{prefix}: no face of {self._faces} has {describe(self.char)}"

    @property
    def _faces(self) -> str:
        """"style 'folio' (dejavu-bold, no fallback)", "style 'body' (song, then its fallback kai, hei)"."""
        if not self.chain:
            return f"style {self.style!r}" if self.style else "its style"
        rest = f", then its fallback {', '.join(self.chain[1:])}" if self.chain[1:] else ", no fallback"
        return f"style {self.style!r} ({self.chain[0]}{rest})"


@record(frozen=True)
class _Field:
    """A piece of an article's text set in one style."""

    key: tuple  # what to replace: ("title",), ("para", i, span), ("caption", i), ("credit", i)
    where: str
    text: str
    style: str
    locate: Callable[[int], Loc]  # index in ``text`` -> place in the file
    alone: bool = False  # set in the style's own face, no fallback (a vertical headline: compose/vertical.py)


def missing_glyphs(spec: PageSpec, articles: dict[str, Article], faces: FaceSet, memo: Memo | None = None
                   ) -> tuple[dict[str, Article], tuple[Warning, ...]]:
    """The articles ready to set. A character no face has: InputErrors, one per occurrence; or,
    when the spec says ``missing_glyphs: substitute``, 〓 in its place and a warning for each.
    ``memo`` (session.py) keeps each article's answer by the identity of the spec and article."""
    found: list[Missing] = []
    typed: tuple[Warning, ...] = ()
    out = dict(articles)
    for name, article in articles.items():
        context = memo(("glyphs-context", spec, name), lambda: memo.token(_glyphs_context(spec, name))) \
            if memo is not None else None
        ready, lacking, marks = memo(("glyphs", context, article),
                                     lambda: _article_glyphs(spec, name, article, faces, memo)) \
            if memo is not None else _article_glyphs(spec, name, article, faces)
        out[name] = ready
        found += lacking
        typed += marks
    if spec.masthead is not None:  # its texts are the spec's; flow/masthead.py puts 〓 in their place
        for text in spec.masthead.texts():
            style = spec.styles[text.style]
            found += [Missing(text.loc, MASTHEAD, text.where, ch, text.style, _chain_keys(style.font, faces))
                      for ch in dict.fromkeys(text.text) if not masthead_printable(ch, style, faces)]
    # The page's furniture: its texts are the spec's too; drawn with 〓 in their place
    # (printable_text) under substitute (trial 15: 责任编辑：王𰀀 printed 王, exit 0)
    furniture_styles: dict[str, str] = {}  # the furniture Missing's where -> its style
    said: set[tuple[Loc, str]] = set()  # the slug repeats the 报眉's fields: each said once
    for text in furniture_texts(spec):
        style = spec.styles.get(text.style)
        if style is None:
            continue
        for ch in dict.fromkeys(text.text):
            if (text.loc, ch) not in said and not masthead_printable(ch, style, faces):
                said.add((text.loc, ch))
                found.append(Missing(text.loc, FURNITURE, text.where, ch, text.style, _chain_keys(style.font, faces)))
                furniture_styles[text.where] = text.style
    if not found:
        return out, typed
    if spec.missing_glyphs == "substitute":
        unprintable = [m for m in found if m.article != FURNITURE and not all(_printable(SUBSTITUTE, faces.chain(spec.styles[s].font))
                                                   for s in _styles_of(spec, m.article))]
        unprintable += [m for m in found if m.article == FURNITURE and not masthead_printable(
            SUBSTITUTE, spec.styles[furniture_styles[m.where]], faces)]
        if spec.masthead is not None:
            unprintable += [m for m in found if m.article == MASTHEAD and not masthead_printable(
                SUBSTITUTE, spec.styles[next(t.style for t in spec.masthead.texts() if t.where == m.where)], faces)]
        if not unprintable:
            # the article named for proof/report.py unsaid (the masthead's texts are no article's)
            return out, typed + tuple(Warning("missing-glyph", f"{m.message}; printed {SUBSTITUTE} in its place",
                                              m.loc, "" if m.article in (MASTHEAD, FURNITURE) else m.article)
                                      for m in found)
        found = unprintable
    raise InputErrors(_errors(found, spec.missing_glyphs))


def refuse_rtl(spec: PageSpec, articles: dict[str, Article]) -> None:
    """Right-to-left text (compose/bidi.py) in a vertical headline: InputErrors, one per run, at
    its first letter. A vertical column is set top to bottom, one character under another
    (compose/vertical.py): a right-to-left word has no order there that its readers would read,
    and its letters would stand unjoined. Horizontal text sets such runs right to left
    (compose/lines.py _mirror_rtl)."""
    from pagesetter.compose.bidi import rtl_runs

    errors: list[InputError] = []
    for name, article in articles.items():
        entries = [a for a in spec.articles if a.article == name]
        for f in _fields(article, entries, spec.styles) if entries else ():
            if not f.alone:
                continue
            for run in rtl_runs(f.text):
                errors.append(InputError(f.locate(run.start), (
                    f"article {name!r}, {f.where}: right-to-left text is not supported in a vertical headline: "
                    f"{run.script} “{f.text[run.start:run.end]}” would stand one letter under another"
                    + (", unjoined" if run.script == "Arabic" else "") +
                    "; set the headline horizontally, or give it in transliteration or translation")))
    if errors:
        raise InputErrors(tuple(errors[:MOST_REPORTED]))


def _glyphs_context(spec: PageSpec, name: str) -> object:
    """What _article_glyphs reads of the spec: the article's entries, the styles and the policy (as
    a value when it can be hashed, else the spec itself, compared by identity)."""
    context = (tuple(a for a in spec.articles if a.article == name), tuple(spec.styles.items()), spec.missing_glyphs)
    try:
        hash(context)
    except TypeError:
        return spec
    return context


def _article_glyphs(spec: PageSpec, name: str, article: Article, faces: FaceSet, memo: Memo | None = None
                    ) -> tuple[Article, tuple[Missing, ...], tuple[Warning, ...]]:
    """One article: the characters none of its styles' faces has, the article to set (〓 put in
    their place when the spec asks to substitute), and a warning for each 〓 typed in the copy.
    ``memo``: each text's answer kept by the text and its faces (an edit changes one paragraph)."""
    entries = [a for a in spec.articles if a.article == name]
    if not entries:
        return article, (), ()
    found: list[Missing] = []
    fields = list(_fields(article, entries, spec.styles))
    typed = tuple(_typed_mark(name, f, i) for f in fields if SUBSTITUTE in f.text
                  for i, ch in enumerate(f.text) if ch == SUBSTITUTE)
    lacking: dict[tuple, list[int]] = {}
    for f in fields:
        font = spec.styles[f.style].font
        chain = [faces.get(font)] if f.alone else faces.chain(font)
        holes = _holes(f.text, chain) if memo is None else \
            memo(("holes", f.text, len(chain), *chain), functools.partial(_holes, f.text, chain))
        for i in holes:
            lacking.setdefault(f.key, []).append(i)
            found.append(Missing(f.locate(i), name, f.where, f.text[i], f.style, tuple(face.key for face in chain)))
    if lacking and spec.missing_glyphs == "substitute":
        substituted = _substituted(article, fields, lacking)
        return replace(substituted, stood_in=_stood_in(article, substituted)), tuple(found), typed
    return article, tuple(found), typed


def _typed_mark(name: str, f: _Field, i: int) -> Warning:
    """A 〓 typed in the copy (a reporter's, or the Word import's for a symbol-font character: the
    mark for a character still to set) prints as the one printed for a character no face has, and
    a proofreader reads it so: warned at its place as a substituted one is (the build said nothing
    of it, `check` listed it)."""
    return Warning("missing-glyph", f"article {name!r}, {f.where}: {SUBSTITUTE} (U+3013) in the copy, the mark for "
                   "a character still to set: type the character in its place", f.locate(i), name)


def _holes(text: str, chain: list) -> tuple[int, ...]:  # type: ignore[type-arg]
    """Where in ``text`` stands a character no face of ``chain`` has."""
    cache: dict[str, bool] = {}
    out: list[int] = []
    for i, ch in enumerate(text):
        has = cache.get(ch)
        if has is None:
            has = cache[ch] = _printable(ch, chain)
        if not has:
            out.append(i)
    return tuple(out)


@record(frozen=True)
class FurnitureText:
    """A text of the page's furniture (报眉, slug, jump line) that the spec writes, the style that
    sets it and where the spec writes it."""

    where: str  # "folio, editor", "slug, paper" …
    text: str
    style: str
    loc: Loc


def furniture_texts(spec: PageSpec) -> Iterator[FurnitureText]:
    """Every text the page's furniture sets from the spec: the 报眉's fields (flow/page.py _folio),
    the slug's parts (build.py with_marks, in the folio style) and the jump lines
    (flow/article.py _jump_line). The date is printed from digits and 年月日星期, so not listed."""
    folio = spec.folio
    whole = Loc.of_file(spec.path) if spec.path is not None else None
    if folio is not None:
        locs = dict(folio.locs)
        here = folio.loc or whole
        yield FurnitureText("folio, paper", folio.paper, folio.paper_style, locs.get("paper", here))
        for key in ("page", "section", "editor"):
            yield FurnitureText(f"folio, {key}", getattr(folio, key), folio.style, locs.get(key, here))
        # the label the engine sets before the editor's name: its characters are no fault of the field
        yield FurnitureText(f"folio, the label {EDITOR_LABEL} set before the editor", EDITOR_LABEL, folio.style,
                            locs.get("editor", here))
        for part in folio.extra:
            yield FurnitureText("folio, extra", part, folio.style, locs.get("extra", here))
    if spec.marks.slug and whole is not None:
        yield FurnitureText("slug, page name", spec.name, "folio", whole)
        if spec.edition:
            yield FurnitureText("slug, edition", spec.edition, "folio", whole)
        if folio is not None:
            locs = dict(folio.locs)
            for key in ("paper", "page", "section"):  # the slug sets them in the folio style
                yield FurnitureText(f"slug, {key}", getattr(folio, key), "folio", locs.get(key, folio.loc or whole))
    for entry in spec.articles:
        if entry.jump_to is not None:
            yield FurnitureText("jump line", f"（转第{entry.jump_to}版）", entry.jump_style, entry.loc)
        if entry.continued_from is not None:
            yield FurnitureText("jump line", f"（上接第{entry.continued_from}版）", entry.jump_style, entry.loc)


def printable_text(text: str, style: Style, faces: FaceSet) -> str:
    """``text`` with 〓 for each character no face of ``style``'s chain has: what the furniture
    draws (the build has stopped already on such a character unless the spec says
    ``missing_glyphs: substitute``)."""
    chain = faces.chain(style.font)
    if all(_printable(ch, chain) for ch in text):
        return text
    return "".join(ch if _printable(ch, chain) else SUBSTITUTE for ch in text)


def masthead_printable(ch: str, style, faces: FaceSet) -> bool:  # type: ignore[no-untyped-def]  # Style
    """Has a face of ``style``'s fallback chain this character of a masthead text?"""
    return _printable(ch, faces.chain(style.font))


def _printable(ch: str, chain: list) -> bool:  # type: ignore[type-arg]
    # the faces first: nearly every character has a glyph, and a face answers from a dict
    return any(face.glyph_for(ch) for face in chain) or ch.isspace() or is_ignorable(ch)


def _errors(found: list[Missing], policy: str) -> tuple[InputError, ...]:
    """One error a character; the advice after the last of the horizontal ones and after the last
    of each vertical headline style's (a vertical headline takes no fallback and no 〓: trial 17c
    #3 was advised both)."""
    hint = ("; add a face that has it to the style's fallback chain (fonts/manifest.yaml), or write "
            "'missing_glyphs: substitute' in the page spec to print 〓 in its place"
            if policy == "error" else f"; not even {SUBSTITUTE} can stand in for it in this style's faces")
    shown = found[:MOST_REPORTED]
    last: dict[str, int] = {}  # advice -> the last error it follows
    for i, m in enumerate(shown):
        last[_vertical_hint(m) if m.vertical else hint] = i
    after = {i: advice for advice, i in last.items()}
    errors = [InputError(m.loc, m.message + after.get(i, "")) for i, m in enumerate(shown)]
    if len(found) > MOST_REPORTED:
        errors.append(InputError(None, f"… and {len(found) - MOST_REPORTED} more characters their styles' faces lack"))
    return tuple(errors)


def _vertical_hint(m: Missing) -> str:
    """What to do about a character a vertical headline's face lacks: another face for the style,
    for it asks no fallback face, and 〓 in a headline is no answer either."""
    face = f" in place of {m.chain[0]}" if m.chain else ""
    return (f"; give style {m.style!r} a face that has these characters{face} (for Han, a CJK face): a "
            "vertical headline is set in its style's face alone")


def _chain_keys(font: str, faces: FaceSet) -> tuple[str, ...]:
    return tuple(face.key for face in faces.chain(font))


def _styles_of(spec: PageSpec, article: str) -> set[str]:
    out: set[str] = set()
    for a in spec.articles:
        if a.article == article:
            hs = a.headline
            out |= {hs.kicker, hs.title, hs.subtitle, hs.byline, a.body, a.lead, a.subhead, QUOTE_STYLE}
            for ps in a.photos:
                out |= {ps.caption, ps.credit}
    return {s for s in out if s in spec.styles}


def _fields(article: Article, entries: list[ArticleSpec], styles: dict[str, Style]) -> Iterator[_Field]:
    """Every piece of the article's text with the style each entry of the spec sets it in."""
    locs = value_locs(article)
    seen: set[tuple] = set()
    for entry in entries:
        hs = entry.headline
        for key in ("kicker", "title", "subtitle", "byline"):
            text = article.headline(key, hs.vertical)
            if text and (key,) not in seen:
                seen.add((key,))
                yield _Field((key,), f"vertical {key}" if hs.vertical else key, text, getattr(hs, key),
                             _front_locator(article, locs.get(key), text), alone=hs.vertical)
        for n, para in enumerate(article.paragraphs):
            if ("para", n) in seen:
                continue
            seen.add(("para", n))
            where = f"{FORM_NAMES[para.form]} {n + 1}"
            text_style_name = text_style(para, entry, styles)
            start = 0
            for s, span in enumerate(para.spans):
                # a subhead is set whole in its style (flow/article.py _subhead), lead or not
                style = entry.lead if span.lead and not para.subhead else text_style_name
                offset = start
                yield _Field(("para", n, s), where, span.text, style, lambda i, o=offset, p=para: p.char_loc(o + i))
                start += len(span.text)
        for ps, photo in _placed_photos(entry, article):
            n = article.photos.index(photo)
            if ("caption", n) in seen:
                continue
            seen.add(("caption", n))
            yield _Field(("caption", n), "caption", photo.caption, ps.caption,
                         _front_locator(article, locs.get(f"caption.{n}"), photo.caption, photo.loc))
            if photo.credit:
                # at the credit's own line (trial 15: said at the entry's ``- file:`` line)
                yield _Field(("credit", n), "credit", photo.credit, ps.credit,
                             _front_locator(article, locs.get(f"credit.{n}"), photo.credit, photo.loc))


def _placed_photos(entry: ArticleSpec, article: Article) -> list[tuple[PhotoSpec, Photo]]:
    """The photos the entry's cells take, with the cell (its caption and credit styles). A cell
    naming a photo the article lacks is reported by the flow, with its place."""
    try:
        pairs, _ = assign_photos(entry, article)
    except InputError:
        return []
    return [(ps, photo) for ps, photo in pairs if photo is not None]


def _front_locator(article: Article, where: tuple[Loc, str] | None, value: str,
                   fallback: Loc | None = None) -> Callable[[int], Loc]:
    if where is None:
        return lambda i: fallback or article.loc
    return lambda i: char_loc(where[0], where[1], value, i)


def _stood_in(original: Article, substituted: Article) -> tuple[str, ...]:
    """For each 〓 of ``substituted``'s text (source_units' order), the character of ``original`` it
    stands in for, "" where the copy has 〓 itself: a substitution is one character for one, so
    the two texts stand side by side."""
    from pagesetter.proof.sourcemap import source_units

    before = "".join(text for text, _ in source_units(original))
    after = "".join(text for text, _ in source_units(substituted))
    if len(before) != len(after):
        return ()
    return tuple("" if b == SUBSTITUTE else b for a, b in zip(after, before) if a == SUBSTITUTE)


def _substituted(article: Article, fields: list[_Field], lacking: dict[tuple, list[int]]) -> Article:
    """The article with 〓 for each character no face has."""
    texts = {f.key: f.text for f in fields}

    def subst(key: tuple) -> str:
        text = texts[key]
        gone = set(lacking.get(key, ()))
        return "".join(SUBSTITUTE if i in gone else ch for i, ch in enumerate(text))

    heads = {key[0]: subst(key) for key in lacking if key[0] in ("kicker", "title", "subtitle", "byline")}
    paragraphs = list(article.paragraphs)
    for n, para in enumerate(paragraphs):
        if any(k[:2] == ("para", n) for k in lacking):
            spans = tuple(Span(subst(("para", n, s)) if ("para", n, s) in lacking else span.text, span.lead)
                          for s, span in enumerate(para.spans))
            paragraphs[n] = replace(para, spans=spans)
    photos = list(article.photos)
    for n, photo in enumerate(photos):
        if ("caption", n) in lacking or ("credit", n) in lacking:
            photos[n] = replace(photo, caption=subst(("caption", n)) if ("caption", n) in lacking else photo.caption,
                                credit=subst(("credit", n)) if ("credit", n) in lacking else photo.credit)
    return replace(article, paragraphs=tuple(paragraphs), photos=tuple(photos), **heads)


def style_texts(spec: PageSpec, articles: dict[str, Article]) -> Iterator[tuple[str, str]]:
    """(style, text) of every piece of the page's articles, masthead and furniture (furniture_texts),
    in the style that sets it: what ``pagesetter fonts`` checks each face against."""
    for name, article in articles.items():
        entries = [a for a in spec.articles if a.article == name]
        if entries:
            for f in _fields(article, entries, spec.styles):
                yield f.style, f.text
        if article.ad:  # its 广告 label (flow/ads.py), in the style that sets it
            from pagesetter.flow.ads import AD_LABEL, label_style

            for entry in entries:
                if entry.ad_label:
                    yield label_style(entry, spec.styles).name, AD_LABEL
    if spec.masthead is not None:
        for text in spec.masthead.texts():
            yield text.style, text.text
    # the furniture the spec writes (报眉, slug, jump lines), and the 报眉's date as it prints it
    # (before: fonts read none of it, and said 'none lacking' of a 报眉 the build set from a fallback)
    for furniture in furniture_texts(spec):
        if furniture.style in spec.styles:
            yield furniture.style, furniture.text
    if spec.folio is not None and spec.folio.date:
        from pagesetter.flow.page import format_date  # flow.page reads this module

        yield spec.folio.style, format_date(spec.folio.date)
