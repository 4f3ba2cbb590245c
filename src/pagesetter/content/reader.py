"""Read an article file: YAML front matter between ``---`` lines, then a Markdown body.

The format is described for editors in content/README.md. Body paragraphs are separated
by blank lines; the lines of one paragraph join without a space (Chinese puts none
between lines). ``**…**`` marks a run-in lead sentence; the other forms (subheads,
quotations, list items, ``:::`` blocks, escapes) are the tables BLOCK_SYNTAX, FENCES and
INLINE_UNSUPPORTED below. Every error names file, line and column and says what was expected.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath, PureWindowsPath

from pagesetter.content.model import (Article, CellAlign, Paragraph, ParagraphForm, Photo, PhotoSide, Span,
                                      TableShape)
from pagesetter.paths import inside
from pagesetter.content.invisible import REFUSED, refusal
from pagesetter.errors import InputError, Loc, display_folder, display_path
from pagesetter.incremental import Memo
from pagesetter.records import record
from pagesetter.spec import validate as v
from pagesetter.yamlsource import Node, load_yaml, read_text
from pagesetter.wording import counted

FRONT_KEYS = ("kicker", "title", "subtitle", "byline", "photos", "ad")
TEXT_KEYS = ("kicker", "title", "subtitle", "byline")
PHOTO_KEYS = ("file", "files", "caption", "credit", "side")
PHOTO_REQUIRED = ("caption",)  # and file or files
MAX_GROUP = 12  # pictures one photo group (组图) entry may hold
SIDES: tuple[PhotoSide, ...] = ("above", "below")
# Caption markers of Chinese papers: ▲ points up at the photo above the caption,
# ▼ down at the photo below it.
MARKER_SIDE: dict[str, PhotoSide] = {"▲": "above", "▼": "below"}
# A caption without a marker: the photo stands above it, the caption under the picture as
# papers print it unless told otherwise (``side:``). The layout specs and test_build rely on this.
DEFAULT_SIDE: PhotoSide = "above"
LEAD = "**"
_FENCE = re.compile(r"^---[ \t]*\r?$")
# The longest texts an article may hold, in characters: far past anything a page prints, so that a
# runaway file (a 5 MB paragraph) is refused at once, not set for minutes before it is found
# overset. For scale: a 对开 broadsheet holds about 11,400 characters of 小五 body (111 字 × 103
# lines, the seed page), and a headline part runs to a few dozen.
MAX_HEADLINE_CHARS = 1_000  # kicker, title, subtitle, byline: each
MAX_CAPTION_CHARS = 2_000  # a caption or credit
MAX_PARAGRAPH_CHARS = 20_000  # nearly two full broadsheet pages in one paragraph
MAX_BODY_CHARS = 120_000  # ten full broadsheet pages: an article jumped across a whole edition
MAX_PARAGRAPHS = 2_000  # paragraphs and subheads: each is set on its own (5,000 subheads took 7 s)


@record(frozen=True)
class FrontMatter:
    """The front matter's positioned YAML and where the body starts (0-based index of its first line)."""

    node: Node
    body_start: int


def read_articles(paths: list[Path], root: Path) -> dict[str, Article]:
    """Articles by id (file stem); two files with one stem would be ambiguous in a layout spec."""
    out: dict[str, Article] = {}
    for path in paths:
        article = read_article(path, root)
        if article.id in out:
            raise InputError(Loc.of_file(path), f"two articles are named {article.id!r} (the other is "
                             f"{display_path(out[article.id].source)}); layout specs name articles by file name")
        out[article.id] = article
    return out


def read_article(path: Path, root: Path, allowed: tuple[Path, ...] = (), memo: Memo | None = None) -> Article:
    """``memo``: a session's, that keeps the scans of unchanged lines and paragraphs (_paragraphs)."""
    shown = display_path(path)
    text = read_text(path)
    _refuse_hidden(text, shown)
    lines = text.split("\n")
    front = read_front_matter(path, lines)
    paragraphs = _paragraphs(lines, front.body_start, shown, memo)
    ad = front.node.get("ad")
    if ad is not None:
        return _ad(front.node, ad, paragraphs, path, root, allowed)
    texts = {key: _opt_text(front.node, key) for key in TEXT_KEYS}
    photos = _photos(front.node.get("photos"), path, root, allowed)
    if texts["title"] is None and not (photos and not paragraphs):
        # 图片新闻 (a photo news item: photos and captions, no headline, no body) needs no title.
        if not paragraphs:
            raise InputError(Loc(shown, 1, 1), "empty article: it has neither a title nor a body; "
                             "write 'title: …' in the front matter and the text below it")
        where = front.node.key_loc("title") if "title" in front.node.value else front.node.loc
        raise InputError(where, "the front matter needs a title (主题): a line 'title: …'")
    return Article(
        id=path.stem,
        source=path,
        kicker=texts["kicker"],
        title=texts["title"] or "",
        subtitle=texts["subtitle"],
        byline=texts["byline"],
        paragraphs=paragraphs,
        photos=photos,
        loc=Loc(shown),
        locs=_value_locs(front.node, lines),
    )


def _refuse_hidden(text: str, shown: str) -> None:
    """A control or bidi character in the file (content/invisible.py REFUSED), at its line and column:
    one search in C over the file, which nearly never finds one."""
    found = REFUSED.search(text)
    if found is not None:
        at = found.start()
        line = text.count("\n", 0, at) + 1
        raise InputError(Loc(shown, line, at - (text.rfind("\n", 0, at) + 1) + 1), refusal(text[at]))


def _refuse_hidden_value(node: Node, value: str) -> None:
    """The same in a front-matter value, which a YAML escape ("\\u202e") can give one."""
    found = REFUSED.search(value)
    if found is not None:
        raise InputError(node.loc, refusal(found.group()))


def _ad(front: Node, ad: Node, paragraphs: tuple[Paragraph, ...], path: Path, root: Path,
        allowed: tuple[Path, ...]) -> Article:
    """An advertisement (广告): ``ad: photos/x.jpg``, the picture as the advertiser delivered it and
    nothing else. A paper prints an ad as supplied, with no caption, byline or headline of the
    newsroom's, so any of those beside ``ad:`` (or a body under it) is refused where it stands,
    not printed or dropped."""
    for key in (*TEXT_KEYS, "photos"):
        if key in front.value:
            raise InputError(front.key_loc(key), f"'{key}:' has no place in an advertisement ('ad:' is the "
                             "whole module: the picture as delivered, printed alone); remove it, or make this a "
                             "news article with 'photos:' and a caption")
    if paragraphs:
        raise InputError(paragraphs[0].loc, "an advertisement ('ad:') has no text; its copy is in its picture. "
                         "Remove the text, or make this a news article")
    if ad.value is None or not isinstance(ad.value, str) or not ad.value.strip():
        raise InputError(ad.loc, f"ad must name the ad's picture file, e.g. 'ad: photos/ad.jpg'; got {_kind(ad)}")
    file = _photo_file(ad, path, root, allowed)
    shown = display_path(path)
    return Article(id=path.stem, source=path, kicker=None, title="", subtitle=None, byline=None, paragraphs=(),
                   photos=(Photo(file, "", DEFAULT_SIDE, None, ad.loc),), loc=Loc(shown), locs={}, ad=True)


def read_front_matter(path: Path, lines: list[str]) -> FrontMatter:
    """The YAML between the first two ``---`` lines, as a checked mapping."""
    shown = display_path(path)
    if not any(line.strip() for line in lines):  # an empty file has no line to quote (trial 14)
        raise InputError(Loc(shown, 1, 1), "the article file is empty; an article starts with a '---' line, then "
                         "its front matter (title: …), then another '---' line and its text")
    if not _FENCE.match(lines[0]):
        raise InputError(Loc(shown, 1, 1), "an article starts with a '---' line, then its front matter "
                         "(title: …), then another '---' line; found " + _quote_line(lines[0]))
    end = next((i for i in range(1, len(lines)) if _FENCE.match(lines[i])), None)
    if end is None:
        raise InputError(Loc(shown, 1, 1), "the front matter opened on line 1 is never closed with a "
                         "'---' line before the body")
    text = "\n".join(lines[1:end])
    if not text.strip():
        raise InputError(Loc(shown, 2, 1), "empty front matter; expected at least 'title: …' between the '---' lines")
    node = load_yaml(path, text + "\n", first_line=2)
    if not node.is_map:
        raise InputError(node.loc, "the front matter must be a mapping of 'key: value' lines "
                         f"(title: …, subtitle: …), got {_kind(node)}")
    v.check_keys(node, FRONT_KEYS, "the front matter")
    return FrontMatter(node, end + 1)


def _quote_line(line: str) -> str:
    line = line.rstrip("\r")
    return "an empty line" if not line.strip() else repr(line[:40])


def _kind(node: Node) -> str:
    """What the editor wrote, in words, for 'expected X, got Y'."""
    value = node.value
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{str(value).lower()} (true/false)"
    if isinstance(value, str):
        return f"the text {value[:40]!r}"
    return f"the number {value}"


def _opt_text(front: Node, key: str) -> str | None:
    node = front.get(key)
    if node is None or node.value is None:
        return None
    if not isinstance(node.value, (str, int, float)) or isinstance(node.value, bool):
        raise InputError(node.loc, f"{key} must be text on one line, got {_kind(node)}")
    value = node.written.strip()  # a number as typed: title: 1.50 prints 1.50, not 1.5
    _refuse_hidden_value(node, value)
    _within(node.loc, key, value, MAX_HEADLINE_CHARS)
    return value or None


def _within(loc: Loc, what: str, text: str, limit: int) -> None:
    if len(text) > limit:
        raise InputError(loc, f"{what} is {len(text):,} characters long, more than the {limit:,} a page can take; "
                         "cut it (or split it)")


# --- photos -----------------------------------------------------------------------------------

def _photos(node: Node | None, article: Path, root: Path, allowed: tuple[Path, ...]) -> tuple[Photo, ...]:
    if node is None or node.value is None:
        return ()
    if not node.is_list:
        raise InputError(node.loc, "photos must be a list of mappings, each line starting with "
                         f"'- file: …' and a 'caption: …' under it; got {_kind(node)}")
    return tuple(_photo(item, article, root, allowed) for item in node.value)


def _photo(node: Node, article: Path, root: Path, allowed: tuple[Path, ...]) -> Photo:
    if not node.is_map:
        raise InputError(node.loc, f"each photo must be a mapping (file: …, caption: …), got {_kind(node)}")
    v.check_keys(node, PHOTO_KEYS, "a photo", required=PHOTO_REQUIRED)
    caption_node = node.get("caption")
    assert caption_node is not None  # check_keys made sure
    targets = _photo_files(node, article, root, allowed)
    if caption_node.value is not None and isinstance(caption_node.value, str) and not caption_node.value.strip():
        # a picture printed with no caption is an advertisement, not a news photo (trial 15)
        raise InputError(caption_node.loc, "caption is empty; write it as printed (a picture printed with no "
                         "caption, an advertisement, is an article of its own: front matter 'ad: photos/x.jpg')")
    caption = _required_text(caption_node, "caption")
    credit_node = node.get("credit")
    credit = _required_text(credit_node, "credit") if credit_node is not None and credit_node.value is not None \
        else None
    return Photo(targets[0], caption, _side(caption, node.get("side")), credit, node.loc, targets[1:], caption_node.loc)


def _photo_files(node: Node, article: Path, root: Path, allowed: tuple[Path, ...]) -> tuple[Path, ...]:
    """``file:`` one picture, or ``files:`` a photo group (组图) that shares one caption and credit."""
    one, many = node.get("file"), node.get("files")
    if (one is None) == (many is None):
        raise InputError(node.loc, "a photo needs either 'file: …' (one picture) or 'files: [… , …]' "
                         "(a photo group sharing the caption), not " + ("both" if one is not None else "neither"))
    if one is not None:
        return (_photo_file(one, article, root, allowed),)
    assert many is not None
    if not many.is_list or not many.value:
        raise InputError(many.loc, f"files must be a list of picture files, e.g. [photos/a.jpg, photos/b.jpg]; "
                         f"got {_kind(many)}")
    if len(many.value) > MAX_GROUP:
        raise InputError(many.loc, f"a photo group holds at most {MAX_GROUP} pictures, got {len(many.value)}")
    return tuple(_photo_file(item, article, root, allowed) for item in many.value)


def _required_text(node: Node, what: str) -> str:
    if node.value is None or isinstance(node.value, bool) or not isinstance(node.value, (str, int, float)):
        raise InputError(node.loc, f"{what} must be text, got {_kind(node)}")
    value = node.written.strip()  # a number as typed (caption: 007)
    _refuse_hidden_value(node, value)
    if not value:
        raise InputError(node.loc, f"{what} is empty; write it as printed")
    _within(node.loc, what, value, MAX_CAPTION_CHARS)
    return value


def _photo_file(node: Node, article: Path, root: Path, allowed: tuple[Path, ...] = ()) -> Path:
    """The image file, which must lie inside the project or a folder the spec allows (paths.py)."""
    if node.value is None or (isinstance(node.value, str) and not node.value.strip()):
        # pagesetter import leaves 'file:' empty when the copy names a photo but brings no picture
        raise InputError(node.loc, "this photo has no picture yet: put the image into content/photos/ and "
                         "write its path after 'file:' (e.g. file: photos/name.jpg), or remove the photo")
    raw = _required_text(node, "file")
    absolute = PurePosixPath(raw).is_absolute() or PureWindowsPath(raw).is_absolute() or PureWindowsPath(raw).drive
    target = (article.parent / raw).resolve()  # resolve() follows symlinks, so a link out is caught too
    if absolute and not (allowed and PurePosixPath(raw).is_absolute() and inside(target, root, allowed)):
        raise InputError(node.loc, f"photo file {raw!r} is an absolute path; write it relative to the "
                         f"article file, e.g. photos/{PurePosixPath(raw).name} (or list its folder under "
                         "allow_outside: in the page spec)")
    if not inside(target, root, allowed):
        raise InputError(node.loc, f"photo file {raw!r} is outside the project folder {display_folder(root)}; "
                         f"copy the picture into {display_path(article.parent / 'photos')}/, or list its folder under allow_outside: "
                         "in the page spec")
    if not target.exists():
        raise InputError(node.loc, f"photo file {raw!r} not found (looked for {display_path(target)})")
    if target.is_dir():
        raise InputError(node.loc, f"photo file {raw!r} is a folder, not an image file")
    if not target.is_file():  # a FIFO or a device: reading it could block or never end
        raise InputError(node.loc, f"photo file {raw!r} is not a regular file (a named pipe or device); refused unread")
    return target


def _side(caption: str, node: Node | None) -> PhotoSide:
    marker = MARKER_SIDE.get(caption[:1])
    if node is None or node.value is None:
        return marker or DEFAULT_SIDE
    asked = v.choice(node, "side", SIDES)
    if marker is not None and asked != marker:
        raise InputError(node.loc, f"side: {asked} contradicts the caption's marker {caption[0]} (which puts "
                         f"the photo {marker} the caption); remove 'side:' or the marker")
    return "above" if asked == "above" else "below"


# --- body -------------------------------------------------------------------------------------
#
# The body's Markdown, as tables. What is supported follows CommonMark 0.31.2 (§2.4 backslash
# escapes, §4.2 ATX headings, §5.1 block quotes, §5.2 list items) and pandoc's fenced divs
# (pandoc manual, "Divs and Spans"; markdown-it-container), restricted to the forms a paper
# uses. Whatever else a Markdown writer may type is an error naming file:line:column and the
# fix: nothing is printed literally by surprise. Underscores are text (URLs, snake_case).


@record(frozen=True)
class BlockSyntax:
    """A form a body line may start with (after its indentation)."""

    name: str
    pattern: re.Pattern[str]  # matched at the line's first non-blank character; its end is where the text starts
    form: ParagraphForm | None  # None: not supported, an error
    fix: str  # for an unsupported form: what to write instead


BLOCK_SYNTAX: tuple[BlockSyntax, ...] = (
    BlockSyntax("a code block", re.compile(r"```|~~~"), None,
                "code is not set; write the text as a paragraph ('\\`' prints a backtick)"),
    BlockSyntax("a horizontal rule", re.compile(r"(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$"), None,
                "the page's rules come from the layout spec; remove the line"),
    BlockSyntax("a heading underline", re.compile(r"=+[ \t]*$"), None,
                "write a subhead (小标题) as '## ' and its text on one line"),
    BlockSyntax("a subhead", re.compile(r"##(?:[ \t]+|$)"), "subhead", ""),
    BlockSyntax("a heading", re.compile(r"#{1,6}(?:[ \t]+|$)"), None,
                "only '## ' subheads (小标题) are set in the body; the headline goes in the front matter "
                "(title:, kicker:, subtitle:); write '\\#' for a literal '#'"),
    BlockSyntax("a quotation", re.compile(r">[ \t]?"), "quote", ""),
    BlockSyntax("a list item", re.compile(r"[-*+](?:[ \t]+|$)"), "item", ""),
    BlockSyntax("a numbered item", re.compile(r"[0-9]{1,9}[.)](?:[ \t]+|$)"), "item", ""),
    BlockSyntax("a table", re.compile(r"\|"), "table", ""),
)
# The bullet printed before an item of an unnumbered list (``- ``, ``* ``, ``+ ``): Chinese papers
# mark such items with a solid full-width sign (●, ■, ◆; 人民日报's lists of measures use ●), set
# on the character grid like a Han character. A numbered item keeps its number as typed, its ASCII
# mark (``1.``, ``1)``) set full-width (NUMBER_MARKS), as Chinese papers print 1． and 1）: the
# Markdown space after the mark is not printed between Han characters, and a half-width point
# would run the number into a following digit ("1. 12月6日" read as the decimal 1.12).
BULLETS: dict[str, str] = {"-": "●", "*": "●", "+": "●"}
# The full-width forms of a numbered item's mark (GB/T 15834-2011 §4.1's 序次语 1． and （1）'s
# closing bracket); a full-width mark takes its own em on the character grid, the point's ink
# at its left, so the number stands apart from the text.
NUMBER_MARKS: dict[str, str] = {".": "．", ")": "）"}
# Fenced blocks (pandoc fenced divs): ``::: name`` … ``:::``; every line between is set in the
# form, each line a paragraph of its own (blank lines between them change nothing): unlike the
# body's paragraphs, whose lines join, a block's lines are the lines the editor means.
FENCES: dict[str, ParagraphForm] = {
    "right": "right",  # flush right: 落款, a signature and its date
    "noindent": "noindent",  # without first-line indent: 导读 items, an address and a hotline
}
_FENCE_OPEN = re.compile(r":{3,}[ \t]*([A-Za-z][\w-]*)[ \t]*:*[ \t]*$")
_FENCE_CLOSE = re.compile(r":{3,}[ \t]*$")
# CommonMark §2.4: a backslash before any ASCII punctuation character prints that character.
ESCAPABLE = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


@record(frozen=True)
class InlineSyntax:
    name: str
    pattern: re.Pattern[str]
    fix: str


# Inline Markdown not set here (besides a single '*', handled with the '**' leads). Only the
# unambiguous: '<5%' and '[1]' are text; '<b>' and '[文字](url)' are markup.
INLINE_UNSUPPORTED: tuple[InlineSyntax, ...] = (
    InlineSyntax("an image", re.compile(r"!\[[^\]]*\]\("),
                 "photos go in the front matter (photos: - file: …); write '\\[' for a literal bracket"),
    # A footnote ('[^1]' and its '[^1]: …' definition) before a link: a paper prints no
    # footnotes at the foot of a column; its notes (注释) close the article as text.
    InlineSyntax("a footnote", re.compile(r"\[\^[^\]\s]+\]"),
                 "a paper sets no footnotes: mark the place with ① (or 〔1〕) and write the note as the "
                 "article's last paragraph ('**注释：**① …'); write '\\[' for a literal bracket"),
    InlineSyntax("a link", re.compile(r"\[[^\]]*\]\("),
                 "a paper prints no links: write the address as text, and '\\[' for a literal bracket"),
    InlineSyntax("an HTML tag", re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:[ \t/][^<>]*)?>|<!--"),
                 "HTML is not set; remove it, or write '\\<' for a literal '<'"),
    InlineSyntax("an autolink", re.compile(r"<[A-Za-z][A-Za-z0-9+.-]*:[^<>\s]*>"),
                 "write the address without the angle brackets"),
    InlineSyntax("an HTML entity", re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});"),
                 "type the character itself, or write '\\&' for a literal '&'"),
    InlineSyntax("inline code", re.compile(r"`"), "code is not set; write '\\`' for a backtick"),
    InlineSyntax("strikethrough", re.compile(r"~~"), "write '\\~\\~' for two tildes"),
)
_INLINE_START = frozenset("!<&`~[")


@record(frozen=True)
class _Char:
    ch: str
    line: int
    column: int


@record(frozen=True)
class _Lead:
    """A ``**`` marker: opens or closes a run-in lead."""

    line: int
    column: int


_Token = _Char | _Lead


@record
class _Block:
    """A paragraph being read: its form, the tokens of its lines so far (a list per line), where it
    starts."""

    form: ParagraphForm
    start: int  # 1-based line
    parts: list[list[_Token]]

    @property
    def tokens(self) -> list[_Token]:
        return [t for part in self.parts for t in part]


def _paragraphs(lines: list[str], first: int, shown: str, memo: Memo | None = None) -> tuple[Paragraph, ...]:
    """Blank lines separate paragraphs; the forms of BLOCK_SYNTAX and FENCES start their own.
    ``memo``: a session's (session.py): each line's scan kept by its text and place, and each
    paragraph by its lines' scans, so an edited article read again scans only the lines that
    changed, and its unchanged paragraphs stay the same objects (what later memos key on)."""
    out: list[Paragraph] = []
    block: _Block | None = None
    fence: tuple[ParagraphForm, str, int, int] | None = None  # form, name, line, paragraphs before it

    flushed: _Block | None = None  # the block flushed last (a 表： title a blank line above its table)

    def flush() -> None:
        nonlocal block, flushed
        if block is not None:
            made = flushed = block
            out.append(_paragraph(made, shown) if memo is None else
                       memo(("read-paragraph", made.form, made.start, shown, *made.parts), lambda: _paragraph(made, shown)))
            block = None

    def _scan(text: str, number: int, column: int, shown: str) -> list[_Token]:
        if memo is None:
            return _scan_line(text, number, column, shown)
        return memo(("read-line", text, number, column, shown), lambda: _scan_line(text, number, column, shown))

    skip = first  # the lines a table took (read whole by _table)
    for index in range(first, len(lines)):
        if index < skip:
            continue
        number = index + 1
        line = lines[index].rstrip()
        _within(Loc(shown, number, 1), "the line", line, MAX_PARAGRAPH_CHARS)  # before it is scanned
        text = line.lstrip(" \t")
        column = len(line) - len(text) + 1
        if not line.strip():  # a line of spaces, U+3000 included, is blank
            flush()
            continue
        if text.startswith(":::"):
            flush()
            fence = _fence(text, fence, len(out), number, column, shown)
            continue
        found = _block_syntax(text)
        if fence is not None:
            form = fence[0]
            if found is not None:
                syntax, _ = found
                raise InputError(Loc(shown, number, column), f"{syntax.name} inside the '::: {fence[1]}' block of "
                                 f"line {fence[2]}: a ::: block holds plain paragraphs; close it with ':::' first")
            # every line of a ::: block is a paragraph of its own: a 落款's name and date, an
            # ad's address and hotline, a results list are typed a line each, and are set so
            flush()
            block = _Block(form, number, [_scan(text, number, column, shown)])
            continue
        if found is None:
            if block is not None and block.form == "quote":
                raise InputError(Loc(shown, number, column), "a line right after a '>' quotation line: start it "
                                 "with '> ' to go on with the quotation, or leave a blank line before it")
            if block is not None and block.form == "item":
                if column == 1:
                    raise InputError(Loc(shown, number, 1), "a line right after a list item: indent it to go on "
                                     "with the item, or leave a blank line before a new paragraph")
                block.parts.append(_scan(text, number, column, shown))
                continue
            if block is None:
                block = _Block("body", number, [])
            block.parts.append(_scan(line, number, 1, shown))  # leading spaces: normalise reports them
            continue
        syntax, rest = found
        at = column + len(text) - len(rest)  # where the text after the marker starts
        if syntax.form == "table":
            caption: list[_Token] | None = None
            if block is not None and block.form == "body" and len(block.parts) == 1 \
                    and lines[block.start - 1].strip().startswith(TABLE_CAPTION):
                caption, block = block.parts[0], None  # the 表：… line right above the rows: the table's title
            elif block is None and _title_above(lines, flushed, index) and out and out[-1].loc.line == flushed.start:
                # a 表：… line, blank lines, then the rows: copy is typed so (trial 16 #2); still the
                # table's title, not a body paragraph parted from its table
                assert flushed is not None
                caption = flushed.parts[0]
                out.pop()
            flush()
            table, skip = _table(lines, index, caption, shown)
            out.append(table)
            continue
        if syntax.form is None:
            raise InputError(Loc(shown, number, column), f"{syntax.name} is not supported in an article's body; "
                             f"{syntax.fix}")
        if syntax.form == "subhead":
            flush()
            if not rest.strip():
                raise InputError(Loc(shown, number, column), "empty subhead: write the 小标题 after '## '")
            block = _Block("subhead", number, [_scan(rest, number, at, shown)])
            flush()
        elif syntax.form == "quote":
            if block is not None and block.form != "quote":
                flush()
            if not rest.strip():  # a blank '>' line: the quotation's next paragraph starts
                flush()
                continue
            _not_nested(rest, number, at, shown, "a '>' quotation")
            if block is None:
                block = _Block("quote", number, [])
            block.parts.append(_scan(rest, number, at, shown))
        else:
            if block is not None and block.form == "item" and column > 1:
                raise InputError(Loc(shown, number, column), "nested lists are not supported; write the item "
                                 "at the start of the line")
            flush()
            if not rest.strip():
                raise InputError(Loc(shown, number, column), f"empty list item: write its text after "
                                 f"'{text[:len(text) - len(rest)].strip()} '")
            _not_nested(rest, number, at, shown, "a list item")
            marker = text[:len(text) - len(rest)].strip()
            block = _Block("item", number, [_marker(marker, number, column) if memo is None else
                                            memo(("read-marker", marker, number, column),
                                                 lambda: _marker(marker, number, column)),
                                            _scan(rest, number, at, shown)])
    flush()
    if fence is not None:
        raise InputError(Loc(shown, fence[2], 1), f"the '::: {fence[1]}' block opened here is never closed; "
                         "expected a ':::' line after its last line")
    if len(out) > MAX_PARAGRAPHS:
        raise InputError(out[MAX_PARAGRAPHS].loc, f"the body has {len(out):,} paragraphs and subheads, more than "
                         f"the {MAX_PARAGRAPHS:,} an edition can print; cut it or split the article")
    total = 0
    for para in out:
        total += len(para.text)
        if total > MAX_BODY_CHARS:
            raise InputError(para.loc, f"the body runs past {MAX_BODY_CHARS:,} characters by this paragraph "
                             f"({sum(len(p.text) for p in out):,} in all), more than an edition can print; "
                             "cut it or split the article")
    return tuple(out)


# A table (GitHub Flavored Markdown 0.29 §4.10, "Tables (extension)"): a header row, the
# alignment row (``---``, ``:---`` left, ``---:`` right, ``:---:`` centre), then its rows, each a
# line starting with ``|``. A line ``表：…`` right above the rows is its title, a line ``来源：…``
# right under them its source (how Chinese papers name a table and its data).
TABLE_CAPTION = ("表：", "表:")
TABLE_SOURCE = ("来源：", "来源:", "数据来源：", "数据来源:")
_ALIGN_CELL = re.compile(r"(:?)-+(:?)$")
_ALIGNS: dict[tuple[bool, bool], CellAlign] = {(False, False): "auto", (True, False): "left",
                                               (False, True): "right", (True, True): "center"}
_TABLE_FIX = "write each row as '| cell | cell |', the second row '| --- | ---: |'"


def _title_above(lines: list[str], flushed: _Block | None, index: int) -> bool:
    """Is ``flushed`` a one-line ``表：…`` paragraph with only blank lines between it and the table
    row at ``index`` (0-based)?"""
    return flushed is not None and flushed.form == "body" and len(flushed.parts) == 1 \
        and lines[flushed.start - 1].strip().startswith(TABLE_CAPTION) \
        and all(not line.strip() for line in lines[flushed.start:index])


def _source_below(lines: list[str], end: int) -> int | None:
    """The index of a one-line ``来源：…`` paragraph after the blank lines at ``end`` (0-based), the
    table's source parted from it by a blank line (trial 16 #2), or None."""
    at = end
    while at < len(lines) and not lines[at].strip():
        at += 1
    if at == end or at >= len(lines) or not lines[at].lstrip(" \t").startswith(TABLE_SOURCE):
        return None
    return at if at + 1 >= len(lines) or not lines[at + 1].strip() else None


def _table(lines: list[str], index: int, caption: list[_Token] | None, shown: str) -> tuple[Paragraph, int]:
    """The table whose first row is line ``index`` (0-based) and the index of the first line after
    it (and after its source line). Every row has the header's number of cells."""
    rows: list[tuple[int, list[tuple[str, int]]]] = []  # file line, cells (raw text, column)
    end = index
    while end < len(lines) and lines[end].lstrip(" \t").startswith("|"):
        rows.append((end + 1, _row_cells(lines[end].rstrip())))
        end += 1
    head_line, head = rows[0]
    if len(rows) < 2 or not all(_ALIGN_CELL.match(text) for text, _ in rows[1][1]):
        where = rows[1] if len(rows) > 1 else rows[0]
        raise InputError(Loc(shown, where[0], 1), "a table's second row is its alignment row "
                         f"('| --- | ---: |', one per column); {_TABLE_FIX}")
    columns = len(head)
    for number, cells in rows[1:]:
        if len(cells) != columns:
            raise InputError(Loc(shown, number, 1), f"this table row has {counted(len(cells), 'cell')}, its header "
                             f"(line {head_line}) {columns}; every row has one cell per column (an empty "
                             "cell is '|  |')")
    if len(rows) < 3:
        raise InputError(Loc(shown, head_line, 1), "a table with no rows under its header; write its rows, "
                         "or the text as a paragraph")
    align = tuple(_ALIGNS[(bool((m := _ALIGN_CELL.match(text)) and m.group(1)), bool(m and m.group(2)))]
                  for text, _ in rows[1][1])
    spans: list[Span] = []
    places: list[tuple[int, int]] = []

    def add(tokens: list[_Token], lead: bool, what: str) -> None:
        for t in tokens:
            if isinstance(t, _Lead):
                raise InputError(Loc(shown, t.line, t.column), f"'**' in {what} is not set: a table's header "
                                 "row is set in the lead face (黑体) already; write '\\*' for an asterisk")
        chars = [t for t in tokens if isinstance(t, _Char)]
        spans.append(Span("".join(c.ch for c in chars), lead))
        places.extend((c.line, c.column) for c in chars)

    if caption is not None:
        add(caption, True, "a table's title")
    for k, (number, cells) in enumerate(rows):
        if k == 1:
            continue  # the alignment row prints nothing
        for text, column in cells:
            add(_scan_line(text, number, column, shown) if text else [], k == 0, "a table cell")
    source = False
    if (below := _source_below(lines, end)) is not None:
        end = below  # 来源：… a blank line under the rows: still the table's source, read as if right under them
    if end < len(lines) and lines[end].strip():
        text = lines[end].rstrip()
        start = text.lstrip(" \t")
        if not start.startswith(TABLE_SOURCE):
            raise InputError(Loc(shown, end + 1, 1), "a line right after a table: leave a blank line before "
                             "it, or start it with '来源：' for the table's source")
        add(_scan_line(start, end + 1, len(text) - len(start) + 1, shown), False, "a table's source")
        source, end = True, end + 1
        if end < len(lines) and lines[end].strip():
            raise InputError(Loc(shown, end + 1, 1), "a line right after a table's source line: leave a "
                             "blank line before it")
    first = index if not caption else caption[0].line - 1  # the title's line, a blank line above the rows or not
    shape = TableShape(columns, align, tuple(number for k, (number, _) in enumerate(rows) if k != 1),
                       caption is not None, source)
    return Paragraph(tuple(spans), Loc(shown, first + 1, 1), tuple(places), "table", shape), end


def _row_cells(line: str) -> list[tuple[str, int]]:
    """A table row's cells, each stripped, with the 1-based column its text starts at. ``|`` parts
    cells; ``\\|`` (an escaped bar) stays in its cell and prints a bar. The bar at the row's start
    opens its first cell; one at its end closes the last (without it, GFM's too, the last cell
    runs to the line's end)."""
    def cell(begin: int, end: int) -> tuple[str, int]:
        raw = line[begin:end]
        return raw.strip(" \t"), begin + len(raw) - len(raw.lstrip(" \t")) + 1

    i = begin = len(line) - len(line.lstrip(" \t")) + 1
    cells: list[tuple[str, int]] = []
    closed = False
    while i < len(line):
        if line[i] == "|":
            cells.append(cell(begin, i))
            begin, closed = i + 1, i == len(line) - 1
        elif line[i] == "\\":
            i += 1  # the escaped character stays in the cell (the scan prints it)
        i += 1
    if not closed:
        cells.append(cell(begin, len(line)))
    return cells


def _block_syntax(text: str) -> tuple[BlockSyntax, str] | None:
    """The form a line starts with and the text after its marker; None for a plain line."""
    for syntax in BLOCK_SYNTAX:
        m = syntax.pattern.match(text)
        if m:
            return syntax, text[m.end():]
    return None


def _not_nested(rest: str, number: int, column: int, shown: str, what: str) -> None:
    inner = rest.lstrip(" \t")
    found = _block_syntax(inner)
    if found is not None:
        raise InputError(Loc(shown, number, column + len(rest) - len(inner)),
                         f"{found[0].name} inside {what} is not supported; write '\\{inner[0]}' for a literal "
                         f"'{inner[0]}'")


def _marker(marker: str, number: int, column: int) -> list[_Token]:
    """What an item prints before its text: the bullet (BULLETS), or the number as typed with its
    mark full-width (NUMBER_MARKS)."""
    if marker in BULLETS:
        return [_Char(BULLETS[marker], number, column)]
    return [_Char(NUMBER_MARKS.get(ch, ch), number, column + i) for i, ch in enumerate(marker)]


def _fence(text: str, fence: tuple[ParagraphForm, str, int, int] | None, count: int, number: int, column: int,
           shown: str) -> tuple[ParagraphForm, str, int, int] | None:
    """A ``:::`` line: opens a block (the new fence) or closes the open one (None)."""
    known = ", ".join(f"'::: {name}'" for name in FENCES)
    if _FENCE_CLOSE.match(text):
        if fence is None:
            raise InputError(Loc(shown, number, column), f"':::' closes no block; a block opens with {known}")
        if count == fence[3]:
            raise InputError(Loc(shown, fence[2], 1), f"empty '::: {fence[1]}' block: write its lines between "
                             f"'::: {fence[1]}' and ':::'")
        return None
    m = _FENCE_OPEN.match(text)
    if m is None:
        raise InputError(Loc(shown, number, column), f"expected {known} or ':::' to close a block, "
                         f"found {text[:40]!r}")
    if fence is not None:
        raise InputError(Loc(shown, number, column), f"::: blocks do not nest; close the '::: {fence[1]}' block "
                         f"of line {fence[2]} with ':::' first")
    name = m.group(1)
    if name not in FENCES:
        raise InputError(Loc(shown, number, column + m.start(1)), f"unknown block '::: {name}'; "
                         f"the blocks are {known}")
    return FENCES[name], name, number, count


def _scan_line(text: str, number: int, column: int, shown: str) -> list[_Token]:
    """One line's text (starting at ``column`` of line ``number``) as characters and ``**`` markers.

    Left to right: a backslash escape first (``\\*`` is an asterisk, so ``\\**`` is an asterisk and
    then a lone ``*``), then ``**``; a lone ``*`` and INLINE_UNSUPPORTED are errors.
    """
    out: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        where = column + i
        if ch == "\\":
            if i + 1 < n and text[i + 1] in ESCAPABLE:
                out.append(_Char(text[i + 1], number, where + 1))
                i += 2
                continue
            if i + 1 == n:
                raise InputError(Loc(shown, number, where), "'\\' at the end of a line (a Markdown line break) "
                                 "is not supported: a paragraph's lines are joined; write '\\\\' for a backslash")
        elif ch == "*":
            if text.startswith(LEAD, i):
                out.append(_Lead(number, where))
                i += 2
                continue
            raise InputError(Loc(shown, number, where), "a single '*' (Markdown emphasis) is not supported; "
                             "write '\\*' for an asterisk, or '**…**' around a run-in lead sentence")
        elif ch in _INLINE_START:
            for syntax in INLINE_UNSUPPORTED:
                if syntax.pattern.match(text, i):
                    raise InputError(Loc(shown, number, where), f"{syntax.name} is not supported in an article's "
                                     f"body; {syntax.fix}")
        out.append(_Char(ch, number, where))
        i += 1
    return out


def _paragraph(block: _Block, shown: str) -> Paragraph:
    """The block's characters, cut into spans at the ``**`` markers (run-in leads)."""
    if len(block.tokens) > MAX_PARAGRAPH_CHARS:
        raise InputError(Loc(shown, block.start, 1), f"the paragraph is {len(block.tokens):,} characters long, more "
                         f"than the {MAX_PARAGRAPH_CHARS:,} a page can take; cut it (or split it)")
    leads = [t for t in block.tokens if isinstance(t, _Lead)]
    if len(leads) % 2:  # an odd number of ** markers: the last one opens a lead that never closes
        last = leads[-1]
        raise InputError(Loc(shown, last.line, last.column), "'**' opens a lead sentence that is never closed; "
                         "expected a second '**' after the lead, in the same paragraph")
    spans: list[Span] = []
    places: list[tuple[int, int]] = []
    run: list[str] = []
    lead = False
    opener: _Lead | None = None
    for t in block.tokens:
        if isinstance(t, _Char):
            run.append(t.ch)
            places.append((t.line, t.column))
            continue
        text = "".join(run)
        if lead and not text.strip():
            assert opener is not None
            raise InputError(Loc(shown, opener.line, opener.column), f"empty lead sentence {LEAD}{text}{LEAD}; "
                             "expected the lead's text between the '**' markers")
        if text:
            spans.append(Span(text, lead))
        run, lead, opener = [], not lead, t
    if run:
        spans.append(Span("".join(run), lead))
    return Paragraph(tuple(spans), Loc(shown, block.start, 1), tuple(places), block.form)


# --- positions of front-matter values, for reports ----------------------------------------------

def value_locs(article: Article) -> dict[str, tuple[Loc, str]]:
    """Where each headline field and caption value starts in the file, with its source line.

    Keys: ``kicker``, ``title``, ``subtitle``, ``byline``, ``caption.0``, ``credit.0``, ``caption.1`` …
    (a photo's credit: its missing glyphs are located at its own line). Kept in
    the article when it was read from its file (``Article.locs``); else the file is read again:
    empty when it cannot be (an article made in memory).
    """
    if article.locs is not None:
        return article.locs
    try:
        lines = read_text(article.source).split("\n")
        front = read_front_matter(article.source, lines).node
    except (InputError, OSError):
        return {}
    return _value_locs(front, lines)


def _value_locs(front: Node, lines: list[str]) -> dict[str, tuple[Loc, str]]:
    """value_locs of a file's front matter and lines."""
    found: list[tuple[str, Node]] = [(k, n) for k in TEXT_KEYS if (n := front.get(k)) is not None]
    photos = front.get("photos")
    if photos is not None and photos.is_list:
        found += [(f"{key}.{i}", c) for i, p in enumerate(photos.value) for key in ("caption", "credit")
                  if p.is_map and (c := p.get(key)) is not None]
    return {key: (node.loc, lines[node.loc.line - 1] if 0 < node.loc.line <= len(lines) else "")
            for key, node in found}


def char_loc(start: Loc, line: str, value: str, index: int) -> Loc:
    """The position of ``value[index]`` for a one-line YAML scalar that starts at ``start`` on ``line``.

    Plain and quoted scalars are mapped exactly; anything else (folded, escaped) gets the value's start.
    """
    at = start.column - 1
    for quote in (0, 1):  # 1: the scalar opens with a quote
        if line[at + quote:].startswith(value):
            return Loc(start.path, start.line, start.column + quote + index)
    return start
