"""How each paragraph form of the body (content/model.py ParagraphForm) is set, as a table.

A quotation or 编者按 is set in the page's ``quote`` style (楷体 in city-daily.yaml, the face
Chinese papers use for 编者按 and quoted documents) when its style sheets have one, else in the
article's body style. List items, flush-right lines (落款) and ``noindent`` paragraphs take no
first-line indent; a flush-right line is not justified but set against the column's right edge.
Every other form stands as its style's ``align`` says (justified; flush left; centred, a poem;
flush right: flow/article.py compose_body).
List items and ``noindent`` paragraphs (the items of a 导读) of up to KEEP_WHOLE lines are kept
whole in one column.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from pagesetter.content.model import Paragraph, ParagraphForm
from pagesetter.records import record
from pagesetter.spec.model import ArticleSpec, Style

QUOTE_STYLE = "quote"
# The longest item kept whole in one column, in lines: a 导读 or 简讯 item (two to four lines in a
# column of 11–13 characters) is read at a glance and must not turn a column; a longer one is
# running text and breaks as any paragraph does (a column's foot left white would be too deep).
KEEP_WHOLE = 4
# The longest run of items (a list: a 限行尾号 table of five 星期 lines, a 导读's entries) kept whole
# in one column, in lines. The make-up desk's rule for a short block is the widow-and-orphan rule
# for a paragraph (two lines at least on each side of a turn) raised to the block: a list read as
# one table is not turned unless each side holds a run a reader takes as a list of its own, three
# items; so a run of up to six lines is moved whole to the next column's head, the white it leaves
# at the column's foot (five lines at most) no deeper than a subhead kept with its text leaves. A
# longer list breaks between items as before (each item whole); one that does not fit the next
# column's run breaks too (trial 15).
KEEP_BLOCK = 6


@record(frozen=True)
class FormSetting:
    style: str | None  # a style of its own (used when the page has it); None: the article's body style
    indent: bool  # the style's first-line indent
    align: Literal["style", "right"]  # "style": as the style's align says; "right": flush right, ragged left
    # An item (导读's 版名 lines, a list's entries) is read as a unit: a short one is never split
    # across two columns (flow/article.py keep_items), as a make-up man moves it whole.
    whole: bool = False


FORM_SETTINGS: dict[ParagraphForm, FormSetting] = {
    "body": FormSetting(None, True, "style"),
    "quote": FormSetting(QUOTE_STYLE, True, "style"),
    "item": FormSetting(None, False, "style", whole=True),
    "noindent": FormSetting(None, False, "style", whole=True),
    "right": FormSetting(None, False, "right"),
    # "table" is set by flow/tables.py in the article's table style (text_style), kept whole
    "table": FormSetting(None, False, "style", whole=True),
    # "subhead" is set by flow/article.py _subhead in the article's subhead style
}


def text_style(para: Paragraph, spec: ArticleSpec, styles: Mapping[str, Style]) -> str:
    """The name of the style a body paragraph's text (its non-lead spans) is set in."""
    if para.subhead:
        return spec.subhead
    if para.form == "table":
        return spec.table if spec.table in styles else spec.body
    own = FORM_SETTINGS[para.form].style
    return own if own is not None and own in styles else spec.body


def paragraph_align(para: Paragraph, spec: ArticleSpec, styles: Mapping[str, Style]) -> str:
    """How a paragraph's lines stand in the measure, as print sets them: a 小标题 as its style's
    ``align`` says, a body paragraph as its form's (a 落款 flush right), else as its text style's
    (justify, left, center, right). One answer for the page (flow/article.py) and the e-paper
    (epaper/site.py), so the digital edition sets a poem centred where print does."""
    if para.subhead:
        return styles[spec.subhead].align
    form = FORM_SETTINGS[para.form]
    align = form.align if form.align != "style" else styles[text_style(para, spec, styles)].align
    if para.form in NOTE_FORMS and align in NOT_FOR_NOTES:
        return "justify"
    return align


# A list (1. … 4., - …) under a poem is its 注释 or a reader's notes: prose, read item by item, set
# as a 副刊 sets notes (justified, the last line flush left), not as the verse above it. Centred
# line by line, an item's turnover stood centred under it and read as a new line; flush right, as
# a 落款 (trial 17b #2: items 1–2 centred, 3–4 full lines, one failed by `check`). A flush-left
# style keeps its flush-left lists.
NOTE_FORMS = frozenset({"item"})
NOT_FOR_NOTES = frozenset({"center", "right"})


# A line of a ``::: noindent`` block typed with U+3000 at its head (　　我不问来路，): a poet's step
# (阶梯式 verse, lines stepped in under the one above), each U+3000 an em of the line's text style,
# set as the line's first-line indent (trial 17b #1: they were removed as a body paragraph's are,
# and the stepped lines stood as the others). content/normalise.py keeps them in the text; the
# page and the 数字报 set them as indent, not as characters.
STEP_FORMS = frozenset({"noindent"})
STEP_SPACE = "\u3000"


def step_ems(para: Paragraph) -> int:
    """How many ems a ``::: noindent`` line is stepped in: the U+3000s typed at its head."""
    if para.form not in STEP_FORMS:
        return 0
    text = para.text
    return len(text) - len(text.lstrip(STEP_SPACE))


def paragraph_indent_em(para: Paragraph, spec: ArticleSpec, styles: Mapping[str, Style]) -> float:
    """A paragraph's first-line indent in ems of its text style (2字 in city-daily.yaml's body;
    none for a 小标题, a list item, a ::: right line, a style set ``indent: 0字``; a ::: noindent
    line's its step, step_ems)."""
    if para.form in STEP_FORMS:
        return float(step_ems(para))
    if para.subhead or not FORM_SETTINGS[para.form].indent:
        return 0.0
    style = styles[text_style(para, spec, styles)]
    return style.indent / style.size
