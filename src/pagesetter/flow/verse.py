"""Verse: a poem typed a verse line to a line of a ``::: noindent`` block in a centred style.

How a 副刊 sets a poem in a newspaper column (README, "Verse"):

- A verse line too long for the measure turns over, and the turnover must read as the rest of the
  same line, not as a new verse line (centred like the others it would). Printers set it on the
  right: "the 'turnovers' should be set on the right, indented so that the first words of the
  turnover is somewhat to the left of the end of the last word of the first part of the line"
  (Edward Mendelson, Auden's editor, in Little Star's poetry style guide, 2011), and where that
  fine-tuning is not to be had, indented "at least twice as far as an indented line"; overrun lines
  of poetry take a reverse (hanging) indention (W. D. Orcutt, The Writer's Desk Book, 1912,
  "Indention and paragraphing" rule 3). Here: the verse line's head stands centred as every verse
  line does; its turnovers are broken to the measure less TURNOVER_INDENT_EM and set flush right,
  so each stands at least two ems in from the left and ends at the measure, where no centred line
  short of the measure ends.
- A stanza (the verse lines between two blank lines of the block, or a block's lines) is kept
  whole in one column where the module has the room; one longer than a column, or one that the
  module cannot keep whole without losing lines, breaks between verse lines and the build warns.
  Stanzas are parted by one blank grid line (the blank line typed between them); none opens a
  column.

A line of the block that opens with a run-in lead (``**【注】**…``) is a note, not verse.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from pagesetter.compose.lines import Line
from pagesetter.content.model import Paragraph
from pagesetter.flow.forms import paragraph_align
from pagesetter.spec.model import ArticleSpec, Style

# em of the verse style: how far a turnover stands in from the left at least (Mendelson: twice an
# indented line; the body's indent is 2字, and a centred poem's lines have none of their own).
TURNOVER_INDENT_EM = 2.0
# The roles of a verse line's grid lines in the body's flow (flow/article.py): a stanza's first
# grid line STANZA, the others VERSE, so a stanza ends where the next starts even with no white
# between them (the white dropped at a column's head, keep_items).
STANZA, VERSE = "stanza", "verse"
VERSE_ROLES = (STANZA, VERSE)


def is_verse(para: Paragraph, spec: ArticleSpec, styles: Mapping[str, Style]) -> bool:
    """Is the paragraph a verse line: a line of a ``::: noindent`` block set centred (the poem style
    README describes), not a note opening with a run-in lead?"""
    return (para.form == "noindent" and not para.subhead and bool(para.spans) and not para.spans[0].lead
            and paragraph_align(para, spec, styles) == "center")


def new_stanza(paras: tuple[Paragraph, ...], k: int, verse: list[bool]) -> bool:
    """Does verse line ``k`` open a stanza after one of the same poem (a blank line typed between
    them in the block, or a new block right after)? Each line of a block is a paragraph starting on
    its own line of the file, so a stanza's lines stand on consecutive lines of the file."""
    return (k > 0 and verse[k] and verse[k - 1] and paras[k].loc.path == paras[k - 1].loc.path
            and paras[k].loc.line != paras[k - 1].loc.line + 1)


def turned(lines: list[Line], measure: float, hang: float) -> list[Line]:
    """A verse line's lines, composed ``hang`` narrower with the first line ``hang`` wider
    (compose_paragraph with indent −hang, its glyphs from −hang): the head centred on ``measure``,
    each turnover flush right on it (so at least ``hang`` in from the left). Marked ragged: `check`
    does not hold them to the measure."""
    out = []
    for i, line in enumerate(lines):
        shift = hang if i == 0 else 0.0
        natural = line.natural + shift  # the head's natural width counted its −hang indent
        white = max(0.0, measure - natural)
        shift += white / 2 if i == 0 else white
        out.append(replace(line, glyphs=tuple(g._replace(x=g.x + shift) for g in line.glyphs), width=measure,
                           natural=min(natural, measure), ragged=True))
    return out


def stanza_length(placed: list[tuple[Line, str]], i: int) -> int:
    """How many grid lines the stanza starting at ``i`` spans (its verse lines, and the blank lines
    keep_items padded between two of them, moving a verse line whole to the next column), 0 when
    none starts there."""
    if placed[i][1] != STANZA:
        return 0
    n = 1
    while True:
        k = i + n
        while k < len(placed) and placed[k][1] == "blank":
            k += 1
        if k >= len(placed) or placed[k][1] != VERSE:
            return n
        n = k - i + 1


def verse_line_length(placed: list[tuple[Line, str]], i: int) -> int:
    """How many grid lines the verse line starting at ``i`` has (its head and turnovers)."""
    n = 0
    while i + n < len(placed) and placed[i + n][1] in VERSE_ROLES and (n == 0 or placed[i + n][1] == VERSE):
        n += 1
        if placed[i + n - 1][0].last:
            break
    return n


def is_stanza_gap(placed: list[tuple[Line, str]], i: int) -> bool:
    """Is the blank line at ``i`` the white between two stanzas?"""
    return (0 < i < len(placed) - 1 and placed[i][1] == "blank" and placed[i - 1][1] in VERSE_ROLES
            and placed[i + 1][1] == STANZA)


def stanzas_parted(placed: list[tuple[Line, str]], slots: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The stanzas (first line index, stanza number from 0) whose lines stand in more than one run
    of a column (turned to the next column, or under a photo)."""
    out = []
    number = 0
    for i in range(min(len(placed), len(slots))):
        n = stanza_length(placed, i)
        if not n:
            continue
        end = min(i + n, len(slots))
        if any(slots[k] != (slots[k - 1][0], slots[k - 1][1] + 1) for k in range(i + 1, end)
               if placed[k][1] != "blank"):
            out.append((i, number))
        number += 1
    return out
