"""Read an article file: YAML front matter between ``---`` lines, then a Markdown-ish body.

The format is described for editors in content/README.md. Body paragraphs are separated
by blank lines; the lines of one paragraph join without a space (Chinese puts none
between lines). ``**…**`` marks a run-in lead sentence; a line starting with ``## `` is
a subhead (小标题). Every error names file, line and column and says what was expected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

from pagesetter.content.model import Article, Paragraph, Photo, PhotoSide, Span
from pagesetter.paths import inside
from pagesetter.errors import InputError, Loc, display_path
from pagesetter.spec import validate as v
from pagesetter.yamlsource import Node, load_yaml, read_text

FRONT_KEYS = ("kicker", "title", "subtitle", "byline", "photos")
TEXT_KEYS = ("kicker", "title", "subtitle", "byline")
PHOTO_KEYS = ("file", "caption", "credit", "side")
SIDES: tuple[PhotoSide, ...] = ("above", "below")
# Caption markers of Chinese papers: ▲ points up at the photo above the caption,
# ▼ down at the photo below it.
MARKER_SIDE: dict[str, PhotoSide] = {"▲": "above", "▼": "below"}
# A caption without a marker: the photo stands above it, the caption under the picture as
# papers print it unless told otherwise (``side:``). The layout specs and test_build rely on this.
DEFAULT_SIDE: PhotoSide = "above"
LEAD = "**"
SUBHEAD = "## "
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


@dataclass(frozen=True)
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


def read_article(path: Path, root: Path, allowed: tuple[Path, ...] = ()) -> Article:
    shown = display_path(path)
    lines = read_text(path).split("\n")
    front = read_front_matter(path, lines)
    paragraphs = _paragraphs(lines, front.body_start, shown)
    texts = {key: _opt_text(front.node, key) for key in TEXT_KEYS}
    if texts["title"] is None:
        if not paragraphs:
            raise InputError(Loc(shown, 1, 1), "empty article: it has neither a title nor a body; "
                             "write 'title: …' in the front matter and the text below it")
        where = front.node.key_loc("title") if "title" in front.node.value else front.node.loc
        raise InputError(where, "the front matter needs a title (主题): a line 'title: …'")
    return Article(
        id=path.stem,
        source=path,
        kicker=texts["kicker"],
        title=texts["title"],
        subtitle=texts["subtitle"],
        byline=texts["byline"],
        paragraphs=paragraphs,
        photos=_photos(front.node.get("photos"), path, root, allowed),
        loc=Loc(shown),
    )


def read_front_matter(path: Path, lines: list[str]) -> FrontMatter:
    """The YAML between the first two ``---`` lines, as a checked mapping."""
    shown = display_path(path)
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
    value = str(node.value).strip()
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
    v.check_keys(node, PHOTO_KEYS, "a photo", required=("file", "caption"))
    file_node, caption_node = node.get("file"), node.get("caption")
    assert file_node is not None and caption_node is not None  # check_keys made sure
    target = _photo_file(file_node, article, root, allowed)
    caption = _required_text(caption_node, "caption")
    credit_node = node.get("credit")
    credit = _required_text(credit_node, "credit") if credit_node is not None and credit_node.value is not None \
        else None
    return Photo(target, caption, _side(caption, node.get("side")), credit, node.loc)


def _required_text(node: Node, what: str) -> str:
    if node.value is None or isinstance(node.value, bool) or not isinstance(node.value, (str, int, float)):
        raise InputError(node.loc, f"{what} must be text, got {_kind(node)}")
    value = str(node.value).strip()
    if not value:
        raise InputError(node.loc, f"{what} is empty; write it as printed")
    _within(node.loc, what, value, MAX_CAPTION_CHARS)
    return value


def _photo_file(node: Node, article: Path, root: Path, allowed: tuple[Path, ...] = ()) -> Path:
    """The image file, which must lie inside the project or a folder the spec allows (paths.py)."""
    raw = _required_text(node, "file")
    absolute = PurePosixPath(raw).is_absolute() or PureWindowsPath(raw).is_absolute() or PureWindowsPath(raw).drive
    target = (article.parent / raw).resolve()  # resolve() follows symlinks, so a link out is caught too
    if absolute and not (allowed and PurePosixPath(raw).is_absolute() and inside(target, root, allowed)):
        raise InputError(node.loc, f"photo file {raw!r} is an absolute path; write it relative to the "
                         f"article file, e.g. photos/{PurePosixPath(raw).name} (or list its folder under "
                         "allow_outside: in the page spec)")
    if not inside(target, root, allowed):
        raise InputError(node.loc, f"photo file {raw!r} is outside the project folder {display_path(root)}; "
                         f"copy the picture into content/photos/, or list its folder under allow_outside: "
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

def _paragraphs(lines: list[str], first: int, shown: str) -> tuple[Paragraph, ...]:
    """Blank lines separate paragraphs; a ``## `` line is a subhead paragraph of its own."""
    out: list[Paragraph] = []
    block: list[tuple[int, str]] = []  # (1-based line number, line without trailing whitespace)
    for index in range(first, len(lines)):
        line = lines[index].rstrip()
        number = index + 1
        if line.startswith(SUBHEAD) or line == SUBHEAD.strip():
            out += _flush(block, shown)
            block = []
            out.append(_subhead(line[len(SUBHEAD):], number, shown))
        elif line.strip():
            block.append((number, line))
        else:
            out += _flush(block, shown)
            block = []
    out += _flush(block, shown)
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


def _flush(block: list[tuple[int, str]], shown: str) -> list[Paragraph]:
    return [_paragraph(block, shown)] if block else []


def _subhead(text: str, number: int, shown: str) -> Paragraph:
    if not text.strip():
        raise InputError(Loc(shown, number, 1), "empty subhead: write the 小标题 after '## '")
    para = _paragraph([(number, text)], shown)
    return Paragraph(para.spans, para.loc, para.line_starts, subhead=True)


def _paragraph(block: list[tuple[int, str]], shown: str) -> Paragraph:
    """One paragraph from its lines, joined without a space; ``**…**`` become lead spans."""
    raw = "".join(text for _, text in block)
    _within(Loc(shown, block[0][0], 1), "the paragraph", raw, MAX_PARAGRAPH_CHARS)
    starts: list[int] = []
    offset = 0
    for _, text in block[:-1]:
        offset += len(text)
        starts.append(offset)
    located = Paragraph((), Loc(shown, block[0][0], 1), tuple(starts))
    return Paragraph(_spans(raw, located), located.loc, located.line_starts)


def _spans(raw: str, para: Paragraph) -> tuple[Span, ...]:
    parts = raw.split(LEAD)
    if len(parts) % 2 == 0:  # an odd number of ** markers: the last one opens a lead that never closes
        raise InputError(para.source_loc(raw.rfind(LEAD)), "'**' opens a lead sentence that is never closed; "
                         "expected a second '**' after the lead, in the same paragraph")
    spans: list[Span] = []
    pos = 0  # offset in raw of the current part
    for k, part in enumerate(parts):
        lead = k % 2 == 1
        if lead and not part.strip():
            raise InputError(para.source_loc(pos - len(LEAD)), f"empty lead sentence {LEAD}{part}{LEAD}; "
                             "expected the lead's text between the '**' markers")
        if part:
            spans.append(Span(part, lead))
        pos += len(part) + len(LEAD)
    return tuple(spans)


# --- positions of front-matter values, for reports ----------------------------------------------

def value_locs(article: Article) -> dict[str, tuple[Loc, str]]:
    """Where each headline field and caption value starts in the file, with its source line.

    Keys: ``kicker``, ``title``, ``subtitle``, ``byline``, ``caption.0``, ``caption.1`` … Empty
    when the file cannot be read again (an article made in memory, or edited since).
    """
    try:
        lines = read_text(article.source).split("\n")
        front = read_front_matter(article.source, lines).node
    except (InputError, OSError):
        return {}
    found: list[tuple[str, Node]] = [(k, n) for k in TEXT_KEYS if (n := front.get(k)) is not None]
    photos = front.get("photos")
    if photos is not None and photos.is_list:
        found += [(f"caption.{i}", c) for i, p in enumerate(photos.value)
                  if p.is_map and (c := p.get("caption")) is not None]
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
