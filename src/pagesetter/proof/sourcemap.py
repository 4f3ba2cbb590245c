"""Where each printed character came from: the article's file and line, kept in the PDF for 核红.

``pagesetter diff`` compares the text read back from two PDFs and names each change by its source
line (``content/dongfeng-media.md:9 ，→、``). The PDF carries, per article, the source file (relative
to the project) and a short run list ``[[offset, line], ...]``: from the ``offset``-th printed
character on (counted over the article's drawn, non-blank characters on that page, in drawing
order, which is how the diff reads them back), the text comes from ``line``. One run per source line
the page shows: a few dozen numbers an article.

The runs are found by aligning the printed text (lines after hyphenation, normalisation, jumps)
with the article's own text, unit by unit, each unit knowing its lines (headline fields and
captions from the front matter, paragraphs character by character).
"""

from __future__ import annotations

import functools
from itertools import chain, groupby
from operator import attrgetter
from pathlib import Path

from pagesetter.content.model import Article, Paragraph
from pagesetter.content.reader import value_locs
from pagesetter.incremental import Memo
from pagesetter.pagetree import ArticleSource, Page, TextLine


def printed_text(lines: list[TextLine], memo: Memo | None = None) -> str:
    """The characters a reader gets back from these lines: every drawn glyph's text (a missing
    glyph, gid 0, is not drawn), blanks left out (a reader may or may not report a space).
    ``memo`` (session.py): each line's kept by the line (an edit sets one paragraph's lines again;
    the module's other lines are the same objects)."""
    if memo is None:
        return "".join(_printed_line(line) for line in lines)
    return "".join([memo(("printed", line), functools.partial(_printed_line, line)) for line in lines])


def _printed_line(line: TextLine) -> str:
    return "".join(ch for g in line.glyphs if g.gid != 0 for ch in g.text if not ch.isspace())


def source_units(article: Article, memo: Memo | None = None) -> list[tuple[str, tuple[int, ...]]]:
    """The article's text as units (headline fields, paragraphs, captions, credits), each with
    the source line of every non-blank character. ``memo`` (session.py): each paragraph's unit
    kept by the paragraph (an edited article's unchanged paragraphs are the same objects,
    content/normalise.py; a paragraph carries its source lines, so one moved is another)."""
    locs = value_locs(article)
    units: list[tuple[str, tuple[int, ...]]] = []

    def field(text: str | None, key: str, fallback: int) -> None:
        if text:
            line = locs[key][0].line if key in locs else fallback
            kept = "".join(ch for ch in text if not ch.isspace())
            units.append((kept, (line,) * len(kept)))

    for key in ("kicker", "title", "subtitle", "byline"):
        field(getattr(article, key), key, 1)
    for para in article.paragraphs:
        units.append(_paragraph_unit(para) if memo is None else
                     memo(("source-unit", para), functools.partial(_paragraph_unit, para)))
    for n, photo in enumerate(article.photos):
        field(photo.caption, f"caption.{n}", photo.loc.line)
        field(photo.credit, f"credit.{n}", photo.loc.line)
    return units


def _paragraph_unit(para: Paragraph) -> tuple[str, tuple[int, ...]]:
    text = para.text
    lines = tuple(para.places[k][0] if k < len(para.places) else para.loc.line
                  for k, ch in enumerate(text) if not ch.isspace())
    return "".join(ch for ch in text if not ch.isspace()), lines


def line_per_char(printed: str, units: list[tuple[str, tuple[int, ...]]]) -> list[int]:
    """The source line of each printed character: matched against the whole text first, then
    what is left against each unit (a caption set before the body is out of the text's order);
    a character matched nowhere (a hyphen, a changed mark) takes its neighbour's line."""
    whole = "".join([text for text, _ in units])
    lines = list(chain.from_iterable([per for _, per in units]))
    if printed == whole:  # the usual case, which SequenceMatcher would match whole, as one block
        return lines
    from difflib import SequenceMatcher  # here: only a page whose print differs from its text needs it

    found: list[int | None] = [None] * len(printed)
    for a, b, size in SequenceMatcher(None, printed, whole, autojunk=False).get_matching_blocks():
        for k in range(size):
            found[a + k] = lines[b + k]
    start = 0
    while start < len(printed):  # runs still unmatched: tried against each unit on its own
        if found[start] is not None:
            start += 1
            continue
        end = start
        while end < len(printed) and found[end] is None:
            end += 1
        if end - start > 1:
            gap = printed[start:end]
            for text, per in units:
                for a, b, size in SequenceMatcher(None, gap, text, autojunk=False).get_matching_blocks():
                    for k in range(size):
                        if found[start + a + k] is None:
                            found[start + a + k] = per[b + k]
        start = end
    out: list[int] = []
    last = next((v for v in found if v is not None), 0)
    for v in found:
        last = v if v is not None else last
        out.append(last)
    return out


def runs_of(lines: list[int]) -> tuple[tuple[int, int], ...]:
    runs: list[tuple[int, int]] = []
    last: int | None = None  # no line is None: the first character starts a run
    for offset, line in enumerate(lines):
        if line != last:
            runs.append((offset, line))
            last = line
    return tuple(runs)


def article_sources(page: Page, articles: dict[str, Article], root: Path, memo: Memo | None = None
                    ) -> tuple[ArticleSource, ...]:
    """The source map of every article on the page, in the order it first appears. ``memo``
    (session.py) keeps each article's map by the identity of the article and of its lines."""
    by_article: dict[str, list[TextLine]] = {}
    for name, run in groupby(page.lines, key=attrgetter("article")):  # a module's lines come together
        if name in articles:
            by_article.setdefault(name, []).extend(run)
    out = []
    for name, lines in by_article.items():
        article = articles[name]
        make = functools.partial(_article_source, name, article, lines, root, memo)
        out.append(memo(("source", article, root.as_posix(), *lines), make) if memo is not None else make())
    return tuple(out)


def _article_source(name: str, article: Article, lines: list[TextLine], root: Path,
                    memo: Memo | None = None) -> ArticleSource:
    printed = printed_text(lines, memo)
    runs = runs_of(line_per_char(printed, source_units(article, memo))) if printed else ()
    return ArticleSource(name, project_path(article.source, root), runs)


def project_path(path: Path, root: Path) -> str:
    """``path`` relative to the project ``root`` (posix), as the build's messages name files."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except (ValueError, OSError, RuntimeError):
        return path.name  # outside the project (an allowed folder): its name is what the desk knows


def line_at(runs: list[list[int]] | tuple[tuple[int, int], ...], offset: int) -> int:
    """The source line of printed character ``offset`` (0 when the record has none)."""
    line = 0
    for start, value in runs:
        if start > offset:
            break
        line = value
    return line
