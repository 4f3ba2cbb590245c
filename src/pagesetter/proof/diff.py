"""核红: what changed between two builds, character by character (a figure or a Latin word as one),
named by its source line.

The text is read back from both PDFs (proof/readback.py). Our PDFs carry their module frames and
each article's source file and lines (PieceInfo, proof/sourcemap.py), so each character read back
is given to the article whose frame holds it, each article's text is compared as a sequence
(insertions, deletions, replacements) and every change is named by its file and line:
``content/dongfeng-media.md:9: dongfeng-media: ，→、``. Changes a few characters apart are one,
said as whole clauses with the clauses around them, and a passage moved is one line. Modules moved
or resized (their frames) and reflowed (the lines whose text is unchanged but which are set
otherwise: broken elsewhere, or standing elsewhere in the module) are reported too. Text outside
the modules (folio, slug) and every page of a PDF that is not ours is compared line by line: page
and line. A proof (校样) is compared only with a proof of its kind (like_with_like).

The pictures are compared too (rendered at ``dpi``): each changed page gets a side-by-side PNG
(old | new, changed regions boxed) and a red/green overlay (red only in OLD, green only in NEW,
black in both). Each photo is compared by what the content stream draws (its image's bytes and
its box) and named by the layout record's file and article: a photo replaced, changed, added or
removed is said in one line whatever else changed in its module, the module itself added or
removed too (trial 14b: a swapped photo went unsaid beside its corrected caption; trial 18b: a
pulled ad's picture). A picture change nothing else explains (a rule, a tint) is reported by
its region, one line per article and page. Places are in mm from the trim's top left, as
preflight gives them.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import field
from difflib import SequenceMatcher
from itertools import groupby
from operator import attrgetter
from pathlib import Path
from typing import Callable, TypeVar

import pikepdf
import pypdfium2 as pdfium
from PIL import Image, ImageChops, ImageDraw

from pagesetter.compose.bidi import is_rtl
from pagesetter.build import write_atomically
from pagesetter.errors import InputError, Loc, display_path
from pagesetter.proof.readback import CELL as GAP, WORD as SPACE, Char, line_spaces, read_chars
from pagesetter.proof.preview import render_page
from pagesetter.proof.record import blocks as block_frames, layout_record, owner, parts as part_frames
from pagesetter.proof.sourcemap import line_at
from pagesetter.proof.tiles import SHEETS_TITLE
from pagesetter.proof.typography import is_han, is_latin
from pagesetter.records import record
from pagesetter.wording import counted

DEFAULT_DPI = 150.0  # a punctuation mark is some 12 px across: readable, and its change visible
CELL = 8  # px: changed pixels are gathered into cells this size
THRESHOLD = 40  # grey levels: smaller differences are anti-aliasing noise
# pt a module reaches into the gutter and the space between modules when a changed cell of the
# picture outside every module is named: a rule there is its neighbours' (half a 1字 gutter of
# 小五, 9 pt)
GUTTER_REACH = 4.5
MOVE_TOLERANCE = 0.05  # pt: frames are recorded to 0.01 pt
PLACE_TOLERANCE = 0.5  # pt: a line's place in its module read back (a glyph's origin, to pdfium's rounding)
SHOWN = 30  # characters of a change shown on its line
CONTEXT = 8  # characters of context either side when no clause mark is near
CONTEXT_MAX = 24  # characters a context may reach to end on a clause mark (most clauses are shorter)
NEAR = 3  # characters: changes this close are one change (trial 14b: 的 and 之 of one kicker, two lines)
MOVED = 8  # characters: text this long deleted in one place and inserted in another was moved
# where a context may begin or end: after a clause mark (and the closing quotes that follow it)
CLAUSE_MARKS = frozenset("。！？；，、：…!?;")
CLOSERS = frozenset("”’」』）》】)\"'")


MM = 72 / 25.4


@record(frozen=True)
class Region:
    page: int
    x0: float  # pt, PDF user space of the new file
    y0: float
    x1: float
    y1: float
    articles: tuple[str, ...]
    trim: tuple[float, float] = (0.0, 0.0)  # the trim's top left corner, PDF user space (the media's)

    def place(self) -> str:
        return _place((self.x0, self.y0, self.x1, self.y1), self.trim)


def _place(box: tuple[float, float, float, float], trim: tuple[float, float]) -> str:
    """A box of PDF user space (y up) as the proofreader measures it: mm from the trim's top left."""
    return f"at {_mm(box, trim)} mm from the trim's top left"


def _mm(box: tuple[float, float, float, float], trim: tuple[float, float]) -> str:
    left, top = trim
    return (f"{(box[0] - left) / MM:.0f},{(top - box[3]) / MM:.0f}–{(box[2] - left) / MM:.0f},"
            f"{(top - box[1]) / MM:.0f}")


@record(frozen=True)
class Photo:
    """One image a page draws: its box (PDF user space), a digest of its image's bytes, and what
    the layout record names it by (the photo's file and article; empty in a PDF not ours)."""

    page: int
    box: tuple[float, float, float, float]
    digest: str
    file: str = ""
    article: str = ""


@record(frozen=True)
class PhotoChange:
    page: int
    article: str
    what: str  # "replaced", "changed" (its pixels), "re-cropped" (its cell resized), "moved", "added", "removed"
    old: str  # the old file ("" when added or unnamed)
    new: str
    place: str
    why: str = ""  # what changed about the same file: its pixels, its cell (trial 16b #3)

    def line(self) -> str:
        head = f"page {self.page}: {self.article}: " if self.article else f"page {self.page}: "
        if self.what == "replaced":
            files = f"{self.old or 'an image'} → {self.new or 'an image'}"
        elif self.what == "removed":
            files = self.old
        else:
            files = self.new
        why = f" ({self.why})" if self.why else ""
        return f"{head}photo {self.what}: {files}".rstrip(": ") + f"{why}, {self.place}"


@record(frozen=True)
class TextChange:
    """One insertion, deletion or replacement, where the proofreader finds it."""

    where: str  # "content/a.md:9" (ours), "page 2 line 14" (any PDF, or text outside the modules)
    article: str | None
    old: str
    new: str
    context: str  # the new text around it (the old for a deletion)
    # text moved: what it follows in OLD ("" when it was first); ``context`` is what it follows in
    # NEW; ``moved`` says "paragraph" (a source paragraph moved whole) or "text"
    moved: str = ""
    was_after: str = ""
    # where the change stands on the pages, for the side-by-side picture: (side, page, box) with
    # side "old" or "new" and the box in pt from the page's top left (x0, top, x1, bottom)
    marks: tuple[tuple[str, int, tuple[float, float, float, float]], ...] = ()

    def line(self) -> str:
        head = f"{self.where}: {self.article}: " if self.article else f"{self.where}: "
        if self.moved:
            now = f"now after “…{self.context}”" if self.context else "now first"
            was = f"was after “…{self.was_after}”" if self.was_after else "was first"
            return f"{head}{self.moved} moved: {_cut(self.new)}  {now}, {was}"
        if not self.old:
            what = f"+{_cut(self.new)}"
        elif not self.new:
            what = f"-{_cut(self.old)}"
        else:
            what = f"{_cut(self.old)}→{_cut(self.new)}"
        tail = "" if self.context.endswith("…") else "…"  # a long change's context ends on its own …
        return f"{head}{what}  …{self.context}{tail}"


@record(frozen=True)
class ModuleChange:
    article: str
    what: str  # "moved", "resized", "reflowed", "added", "removed"
    detail: str
    where: str = ""

    def line(self) -> str:
        head = f"{self.where}: " if self.where else ""
        return f"{head}{self.article}: {self.what} {self.detail}".rstrip()


@record
class DiffResult:
    text: list[TextChange] = field(default_factory=list)
    modules: list[ModuleChange] = field(default_factory=list)
    photos: list[PhotoChange] = field(default_factory=list)  # always said, whatever else changed
    regions: list[Region] = field(default_factory=list)  # picture changes no text/module/photo change explains
    images: list[Path] = field(default_factory=list)
    pages_old: int = 0
    pages_new: int = 0
    pictures_changed: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.text or self.modules or self.photos or self.regions or self.pictures_changed) \
            or self.pages_old != self.pages_new

    @property
    def articles(self) -> list[str]:
        names = {c.article for c in self.text if c.article} | {m.article for m in self.modules}
        return sorted(names | {a for r in self.regions for a in r.articles} | {p.article for p in self.photos if p.article})

    def lines(self) -> list[str]:
        out = [c.line() for c in self.text] + [m.line() for m in self.modules] + [p.line() for p in self.photos]
        for r in self.regions:
            names = ", ".join(r.articles) or "outside the modules"
            out.append(f"page {r.page}: picture changed {r.place()} (no text change): {names}")
        return out

    def summary(self) -> str:
        if not self.changed:
            return "no change"
        parts = [counted(len(self.text), "text change")] if self.text or not self.photos else []
        if self.photos:
            parts.append(counted(len(self.photos), "photo change"))
        if self.modules:
            parts.append(counted(len(self.modules), "module change"))
        if self.regions:
            parts.append(counted(len(self.regions), "other picture change"))
        if self.pages_old != self.pages_new:
            parts.append(f"pages {self.pages_old} → {self.pages_new}")
        head = ", ".join(parts)
        return head + (f" in: {', '.join(self.articles)}" if self.articles else "")


def _cut(text: str) -> str:
    """At most SHOWN characters of a change, cut after a clause mark when one is in its second
    half (never inside a figure or a Latin word), and how many more it has."""
    if len(text) <= SHOWN:
        return text
    end = _head_end(text, SHOWN)
    return text[:end] + f"…(+{len(text) - end})"


def _head_end(text: str, limit: int) -> int:
    """Where to cut ``text`` to at most ``limit`` characters so that it reads: after the last
    clause mark (and its closing quotes) past half the limit, else on a token's end."""
    for k in range(min(limit, len(text)) - 1, limit // 2 - 1, -1):
        if text[k] in CLAUSE_MARKS:
            k += 1
            while k < len(text) and k < limit and text[k] in CLOSERS:
                k += 1
            return k
    end = min(limit, len(text))
    while 0 < end < len(text) and _joined_token(text, end):
        end -= 1
    return end or min(limit, len(text))


def _joined_token(text: str, k: int) -> bool:
    """Whether a cut between text[k - 1] and text[k] falls inside a figure or a Latin word."""
    return text[k - 1].isascii() and text[k - 1].isalnum() and text[k].isascii() and text[k].isalnum()


# --- reading a PDF back: per article (ours) and per page line (any) ---------------------------


@record(frozen=True)
class _Placed:
    """One character read back, with where it belongs."""

    char: Char
    page: int
    where: str  # source "file:line", or "" when the record has none
    part: str = "body"  # the part of the article it stands in: "headline", "body" or "caption" (PARTS)


@record
class _Side:
    """One PDF as the diff sees it."""

    articles: dict[str, list[_Placed]]  # in reading order, pages in order
    loose: list[list[list[Char]]]  # per page, its lines of characters outside any module
    frames: dict[str, list[tuple[int, tuple[float, float, float, float]]]]  # article -> (page, block box)
    pages: int
    heights: list[float] = field(default_factory=list)  # each page's height, pt
    trims: list[tuple[float, float]] = field(default_factory=list)  # each page's trim top left, PDF space


def frames_of(path: Path) -> list[list[dict]]:
    """The module frames each page of one of our PDFs carries (empty for other PDFs)."""
    with pikepdf.open(path) as pdf:
        return [layout_record(page).get("frames", []) for page in pdf.pages]


def _records(path: Path) -> tuple[list[dict], list[tuple[float, float]]]:
    """Each page's layout record and its trim's top left."""
    with pikepdf.open(path) as pdf:
        return [layout_record(page) for page in pdf.pages], [_trim_corner(page) for page in pdf.pages]


# An article's text is compared part by part, each in reading order: a jumped article's lines
# that run on to its next page pass its photo's caption and the jump lines in drawing order, and
# were said as moved text (trial 16b). The jump lines themselves (flow/article.py sets them) are
# no copy: left out.
PARTS = ("headline", "body", "caption")
JUMP_LINE = re.compile(r"（(?:转|上接)第\d+版）")


def read_side(path: Path) -> _Side:
    pages = read_chars(path)
    records, trims = _records(path)
    side = _Side({}, [], {}, len(pages), trims=trims)
    for page in pages:
        record = records[page.number - 1] if page.number <= len(records) else {}
        blocks = block_frames(record)
        inner = part_frames(record, frozenset(PARTS[::2]))
        sources = record.get("sources") if isinstance(record.get("sources"), dict) else {}
        for name, box in blocks:
            side.frames.setdefault(name, []).append((page.number, box))
        counts: dict[str, int] = {}
        loose: list[Char] = []
        for c in page.chars:
            if c.text.isspace():
                continue
            # by its ink: an opening quote set half-width at a line's start has its origin in
            # the gutter, nearer the column to its left (trial 14b: river's “ went to lead, and
            # every river character after it was named by the line before its own)
            name = owner(c._replace(x=(c.ink_left + c.ink_right) / 2) if c.ink_right > c.ink_left else c,
                         page.height, blocks)
            if name is None:
                loose.append(c)
                continue
            offset = counts.get(name, 0)
            counts[name] = offset + 1
            part = _part_of(c, page.height, [(kind, box) for article, kind, box in inner if article == name])
            side.articles.setdefault(name, []).append(
                _Placed(c, page.number, _where(sources.get(name), offset), part))
        side.loose.append(_lines(loose))
    for name, placed in side.articles.items():
        side.articles[name] = _without_jump_lines(placed)
        side.heights.append(page.height)
    return side


# What stands between two characters read one after the other: on a line, readback.line_spaces
# (check quotes a line by the same rule: a word space between Latin words, a cell gap between a
# table's cells or where a space was typed in Chinese copy); across a line's end, a word space
# where two Latin words meet without a hyphen. Word spaces are not compared (a reflow moves them
# to line ends); they are printed in what is quoted, and no two changes are one across a cell gap.


# A headline's lines (引题, 主题 and 副题 broken where the copy breaks them) and its byline are
# each read as a line of its own: what is quoted across their ends says so (trial 18b #4: an added
# story's `+城南一仓库深夜起火无人员伤亡本报记者　何静`, title and byline run together).
LINE_END = "／"
APART = frozenset({"headline"})  # the parts whose printed lines are read apart


def _gaps(chars: list[Char], apart: bool = False) -> list[str]:
    """For each character, what stands before it ("", SPACE or GAP; LINE_END across a line's end
    when ``apart``: a headline's lines)."""
    # right-to-left letters, read back in the copy's order, stand right to left on their line
    same = [False] + [abs(c.baseline - p.baseline) <= 0.3 * max(p.size, c.size, 1.0)
                      and (c.x >= p.x or (is_rtl(c.text[:1]) and is_rtl(p.text[:1])))
                      for p, c in zip(chars, chars[1:])]
    out = [""]
    start = 0
    for k in range(1, len(chars) + 1):
        if k == len(chars) or not same[k]:
            line = chars[start:k]
            out += line_spaces(line, [is_han(c.text) for c in line])
            if k < len(chars):  # across the line's end
                out.append(LINE_END if apart and not _stacked(chars[k - 1], chars[k]) else
                           SPACE if is_latin(chars[k - 1].text[-1:]) and is_latin(chars[k].text[:1]) else "")
            start = k
    return out


def _stacked(before: Char, after: Char) -> bool:
    """Whether ``after`` stands under ``before`` in one vertical column (a vertical headline's line
    goes down: each character a "line" of its own by the baseline, none of them a line's end; a
    vertical 破折号's glyphs stand up to two ems above the next character)."""
    size = max(before.size, after.size, 1.0)
    return abs(after.x - before.x) <= 0.5 * size and 0 < after.baseline - before.baseline <= 2 * size


def _spaced(text: str, gaps: list[str], start: int, end: int, lead: bool = False) -> str:
    """text[start:end] as printed: with the spaces and gaps that stand between its characters (and
    before its first when ``lead``), a line-end hyphen pdfium reads as U+0002 as the hyphen it
    prints (as `check` quotes it: typography.shown)."""
    printed = "".join((gaps[k] if gaps and (k > start or lead) else "") + text[k] for k in range(start, end))
    return printed.replace("\x02", "-")


def _part_of(c: Char, height: float, frames: list[tuple[str, tuple[float, float, float, float]]]) -> str:
    """The kind of the frame (headline, caption) that holds the character's baseline and the middle
    of its ink (a mark hanging past a caption's measure by less than half an em too); "body" when
    none does. Not the nearest within an em, as a block is found: the body's first line stands
    that close under a caption."""
    y = height - c.baseline
    x = (c.ink_left + c.ink_right) / 2 if c.ink_right > c.ink_left else c.x
    slack = 0.5 * max(c.size, 1.0)
    for kind, (x0, y0, x1, y1) in frames:
        if x0 - slack <= x <= x1 + slack and y0 <= y <= y1:
            return kind
    return "body"


def _placed_lines(placed: list[_Placed]) -> list[list[_Placed]]:
    """An article's characters cut into printed lines (a new page starts one: _cut_lines reads
    a move back up the page as one)."""
    return [line for _, run in groupby(placed, key=attrgetter("page")) for line in _cut_lines(list(run), attrgetter("char"))]


def _without_jump_lines(placed: list[_Placed]) -> list[_Placed]:
    """The article's characters less those of its jump lines (a body line that is all 转第N版 or
    上接第N版)."""
    out: list[_Placed] = []
    for line in _placed_lines(placed):
        if not (line[0].part == "body" and JUMP_LINE.fullmatch("".join(p.char.text for p in line))):
            out += line
    return out


def _where(source: object, offset: int) -> str:
    if not isinstance(source, dict) or not isinstance(source.get("file"), str):
        return ""
    runs = source.get("runs")
    try:
        line = line_at(runs, offset) if isinstance(runs, list) else 0
    except (TypeError, ValueError):
        line = 0
    return f"{source['file']}:{line}" if line else source["file"]


def _lines(chars: list[Char]) -> list[list[Char]]:
    """Characters in drawing order cut into lines: a new line where the baseline moves or the
    text goes back to the left."""
    return _cut_lines(chars, lambda c: c)


T = TypeVar("T")


def _cut_lines(items: list[T], char_of: Callable[[T], Char]) -> list[list[T]]:
    """``items`` in drawing order cut into lines by their characters (_lines)."""
    lines: list[list[T]] = []
    last: Char | None = None
    for item in items:
        c = char_of(item)
        if last is None or abs(c.baseline - last.baseline) > 0.3 * max(c.size, last.size, 1.0) \
                or c.x < last.x - 0.5 * max(c.size, 1.0):
            lines.append([item])
        else:
            lines[-1].append(item)
        last = c
    return lines


# --- comparing -------------------------------------------------------------------------------


def diff_text(old: _Side, new: _Side) -> list[TextChange]:
    changes: list[TextChange] = []
    for name in _ordered(old.articles, new.articles):
        a, b = old.articles.get(name, []), new.articles.get(name, [])
        for part in PARTS:
            changes += _article_changes(name, [p for p in a if p.part == part], [p for p in b if p.part == part],
                                        paged=max(old.pages, new.pages) > 1)
    for number in range(1, max(len(old.loose), len(new.loose)) + 1):
        a = old.loose[number - 1] if number <= len(old.loose) else []
        b = new.loose[number - 1] if number <= len(new.loose) else []
        changes += _page_changes(number, a, b)
    return changes


def _ordered(a: dict[str, list], b: dict[str, list]) -> list[str]:
    return list(b) + [name for name in a if name not in b]


def _article_changes(name: str, a: list[_Placed], b: list[_Placed], paged: bool = False) -> list[TextChange]:
    """``paged``: the PDFs hold several pages (an edition): each change says its page too, as a
    jumped article's text stands on two (trial 14: a change was named by its source line only).
    Changes a few characters apart are one (NEAR), an insertion or deletion stands where it reads
    as whole clauses, and a passage deleted in one place and inserted in another is one move
    (trial 14b: a kicker's edit was two lines, a moved paragraph a + and a − cut mid-word)."""
    old = "".join(p.char.text for p in a)
    new = "".join(p.char.text for p in b)
    if old == new:
        return []
    apart = (a or b)[0].part in APART
    old_gaps, new_gaps = _gaps([p.char for p in a], apart), _gaps([p.char for p in b], apart)
    changes = _merged(_slid(_opcodes(old, new), old, new), old_gaps, new_gaps)
    moves = _moves(changes, old, new)
    halves = set(moves.values())
    old_at, new_at = [(p.page, p.char) for p in a], [(p.page, p.char) for p in b]
    out = []
    for n, (i1, i2, j1, j2) in enumerate(changes):
        if n in halves:
            continue  # the deletion half of a move: said with its insertion
        if n in moves:
            d1, d2 = changes[moves[n]][:2]
            whole = _whole_unit(b, j1, j2)
            now, was = _before(new, j1, 0), _before(old, d1, 0)
            out.append(TextChange(_placed_at(b[j1], paged), name, "", _spaced(new, new_gaps, j1, j2),
                                  _spaced(new, new_gaps, j1 - len(now), j1), "paragraph" if whole else "text",
                                  _spaced(old, old_gaps, d1 - len(was), d1),
                                  _marks("old", old_at, d1, d2) + _marks("new", new_at, j1, j2)))
            continue
        if b:
            # a deletion is named by the line it was cut from: the character before it, unless it
            # began its unit (a paragraph cut from its start: the next paragraph's line is no help)
            cut_inside = j1 == j2 and 0 < i1 and 0 < j1 and a[i1 - 1].where == a[min(i1, len(a) - 1)].where
            where = _placed_at(b[j1 - 1] if cut_inside else b[min(j1, len(b) - 1)], paged)
        else:
            where = _placed_at(a[min(i1, len(a) - 1)], paged) + " (old)"
        if j2 > j1 or not old:
            lo, hi = _unit(b, j1, j2)
            context = _context(new, j1, j2, lo, hi, new_gaps)
        else:
            lo, hi = _unit(a, i1, i2)
            context = _context(old, i1, i2, lo, hi, old_gaps)
        out.append(TextChange(where, name, _spaced(old, old_gaps, i1, i2), _spaced(new, new_gaps, j1, j2), context,
                              marks=_marks("old", old_at, i1, i2) + _marks("new", new_at, j1, j2)))
    return out


Mark = tuple[str, int, tuple[float, float, float, float]]


def _marks(side: str, chars: list[tuple[int, Char]], start: int, end: int) -> tuple[Mark, ...]:
    """Boxes round chars[start:end] (page, character), one a printed line; where nothing stands
    (the side without the inserted or deleted text), a caret: a narrow box at the edge of the
    character before."""
    if start == end:
        if not chars:
            return ()
        page, c = chars[start - 1] if start else chars[0]
        x = c.right if start else c.x
        return ((side, page, (x - 1.0, c.baseline - c.size, x + 1.0, c.baseline + 0.2 * c.size)),)
    out: list[Mark] = []
    for page, c in chars[start:end]:
        box = (c.x, c.baseline - 0.9 * c.size, c.right, c.baseline + 0.2 * c.size)
        last = out[-1] if out else None
        if last is not None and last[1] == page and abs(last[2][3] - box[3]) < 0.3 * c.size and box[0] >= last[2][0] - 0.5 * c.size:
            b = last[2]
            out[-1] = (side, page, (min(b[0], box[0]), min(b[1], box[1]), max(b[2], box[2]), max(b[3], box[3])))
        else:
            out.append((side, page, box))
    return tuple(out)


def _slid(ops: list[tuple[str, int, int, int, int]], old: str, new: str) -> list[tuple[str, int, int, int, int]]:
    """Each pure insertion or deletion moved, within the equal text either side of it, to where it
    begins after a clause mark (or ends on one): the same change, said as a reader would cut it.
    Two paragraphs ending in 。 gave a moved paragraph as ``+。市卫健委…投`` (trial 14b)."""
    out = list(ops)
    for n, (tag, i1, i2, j1, j2) in enumerate(out):
        if tag not in ("insert", "delete"):
            continue
        text, s, e = (new, j1, j2) if tag == "insert" else (old, i1, i2)
        left = out[n - 1][2] - out[n - 1][1] if n and out[n - 1][0] == "equal" else 0
        right = out[n + 1][2] - out[n + 1][1] if n + 1 < len(out) and out[n + 1][0] == "equal" else 0
        lo = 0
        while lo < left and text[s - lo - 1] == text[e - lo - 1]:
            lo += 1
        hi = 0
        while hi < right and e + hi < len(text) and text[s + hi] == text[e + hi]:
            hi += 1
        if not lo and not hi:
            continue
        # never to where it would cut a figure or a Latin word (compared whole: _TOKEN)
        whole = [k for k in range(-lo, hi + 1) if k == 0 or not (
            0 < s + k < len(text) and _joined_token(text, s + k) or 0 < e + k < len(text) and _joined_token(text, e + k))]
        best = max(whole, key=lambda k: (_reads(text, s + k, e + k), -abs(k)))
        if best:
            out[n] = (tag, i1 + best, i2 + best, j1 + best, j2 + best)
            if n:
                t, a1, a2, b1, b2 = out[n - 1]
                out[n - 1] = (t, a1, a2 + best, b1, b2 + best)
            if n + 1 < len(out):
                t, a1, a2, b1, b2 = out[n + 1]
                out[n + 1] = (t, a1 + best, a2, b1 + best, b2)
    return out


def _reads(text: str, start: int, end: int) -> int:
    """How well text[start:end] stands alone: it begins after a clause mark (or at the start), and
    it ends on one."""
    begins = start == 0 or text[start - 1] in CLAUSE_MARKS or text[start - 1] in CLOSERS
    ends = text[end - 1] in CLAUSE_MARKS or text[end - 1] in CLOSERS
    return int(begins) + int(ends)


def _merged(ops: list[tuple[str, int, int, int, int]], old_gaps: list[str] | None = None,
            new_gaps: list[str] | None = None) -> list[tuple[int, int, int, int]]:
    """The changes (old start, end, new start, end), those NEAR characters apart or closer made
    one, unless a table's cell gap stands between them on either side (trial 16: two cells of a
    row corrected read as one expression, 5.6789−0.1023)."""
    out: list[tuple[int, int, int, int]] = []
    for tag, i1, i2, j1, j2 in ops:
        if tag == "equal" or (i1 == i2 and j1 == j2):
            continue
        if out and i1 - out[-1][1] <= NEAR and j1 - out[-1][3] <= NEAR \
                and not _gap_between(old_gaps, out[-1][1], i1) and not _gap_between(new_gaps, out[-1][3], j1):
            out[-1] = (out[-1][0], i2, out[-1][2], j2)
        else:
            out.append((i1, i2, j1, j2))
    return out


def _gap_between(gaps: list[str] | None, end: int, start: int) -> bool:
    """Whether a cell gap stands anywhere from before ``end`` to before ``start``."""
    return bool(gaps) and any(gaps[k] == GAP for k in range(max(end, 1), min(start, len(gaps) - 1) + 1))


def _moves(changes: list[tuple[int, int, int, int]], old: str, new: str) -> dict[int, int]:
    """Insertions that are a deleted passage, MOVED characters or more: the insertion's index to
    its deletion's."""
    deleted: dict[str, list[int]] = {}
    for n, (i1, i2, j1, j2) in enumerate(changes):
        if j1 == j2 and i2 - i1 >= MOVED:
            deleted.setdefault(old[i1:i2], []).append(n)
    out: dict[int, int] = {}
    for n, (i1, i2, j1, j2) in enumerate(changes):
        if i1 == i2 and deleted.get(new[j1:j2]):
            out[n] = deleted[new[j1:j2]].pop(0)
    return out


def _whole_unit(placed: list[_Placed], start: int, end: int) -> bool:
    """Whether placed[start:end] is one source line's text, all of it (a paragraph)."""
    if not placed[start].where or any(p.where != placed[start].where for p in placed[start:end]):
        return False
    return (start == 0 or placed[start - 1].where != placed[start].where) \
        and (end == len(placed) or placed[end].where != placed[start].where)


def _unit(placed: list[_Placed], start: int, end: int) -> tuple[int, int]:
    """The extent of the source lines the change touches (its paragraph, a kicker): a context
    stays inside it, as the kicker's does not run on into the title. The whole text when the PDF
    names no lines."""
    if not placed or not placed[min(start, len(placed) - 1)].where:
        return 0, len(placed)
    first = placed[max(0, min(start, len(placed) - 1))].where
    last = placed[max(0, min(end, len(placed)) - 1)].where if end > start else first
    lo, hi = start, max(end, start)
    while lo > 0 and placed[lo - 1].where == first:
        lo -= 1
    while hi < len(placed) and placed[hi].where == last:
        hi += 1
    return lo, hi


# What a 校对 reads as one: a figure (186, 3.2, 1,234,567, 9:30, 12/2) or a Latin word, else one character.
# Compared character by character, 186→213 came out as +2 and 86→3 (the shared 1 kept): two
# corrections nobody made (trial 14).
_TOKEN = re.compile(r"[0-9A-Za-z\u00C0-\u024F\u1E00-\u1EFF]+(?:[.,:/][0-9]+)*|.", re.S)


def _opcodes(old: str, new: str) -> list[tuple[str, int, int, int, int]]:
    """SequenceMatcher's opcodes of ``old`` and ``new`` compared token by token (_TOKEN), as
    character offsets."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    at, bt = _starts(a), _starts(b)
    return [(tag, at[i1], at[i2], bt[j1], bt[j2])
            for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes()]


def _starts(tokens: list[str]) -> list[int]:
    """Each token's offset in the text, and the text's length last."""
    out = [0]
    for token in tokens:
        out.append(out[-1] + len(token))
    return out


def _placed_at(at: _Placed, paged: bool) -> str:
    """Where a change stands: its source file:line, and its page when there are several."""
    if not at.where:
        return f"page {at.page}"
    return f"{at.where} (page {at.page})" if paged else at.where


def _context(text: str, start: int, end: int, lo: int = 0, hi: int | None = None,
             gaps: list[str] | None = None) -> str:
    """The change with the text either side of it that reads: back to the clause mark before and
    on to the one after, within text[lo:hi] (its paragraph) and CONTEXT_MAX characters; a long
    change shown by its head (trial 14b: ``…继续加大投。市教育局…``, cut mid-word and run on);
    with the word spaces and cell gaps ``gaps`` says stand between its characters (_gaps)."""
    hi = len(text) if hi is None else hi
    gaps = gaps or []
    begin = start - len(_before(text, start, lo))
    stop = end + len(_after(text, end, hi))
    shown_end = start + _head_end(text[start:end], SHOWN) if end - start > SHOWN else end
    change = _spaced(text, gaps, start, shown_end, lead=begin < start) + ("……" if shown_end < end else "")
    return _spaced(text, gaps, begin, start) + change + _spaced(text, gaps, end, stop, lead=shown_end == end)


def _before(text: str, start: int, lo: int) -> str:
    """The text before ``start`` from the clause mark before it (one more back when the mark is
    right there), at most CONTEXT_MAX characters, never from before ``lo``."""
    floor = max(lo, start - CONTEXT_MAX)
    for k in range(start - 2, floor - 1, -1):
        if text[k] in CLAUSE_MARKS:
            k += 1
            while k < start and text[k] in CLOSERS:
                k += 1
            if k < start:
                return text[k:start]
    begin = max(lo, start - CONTEXT) if floor > lo else lo
    while lo < begin < start and _joined_token(text, begin):
        begin += 1  # not from the middle of a figure or a word
    while lo < begin < start and text[begin] in ".,;:!?)'\"":
        begin += 1  # nor from the mark that ends one (Jr.)
    return text[begin:start]


def _after(text: str, end: int, hi: int) -> str:
    """The text after ``end`` up to and with the next clause mark (and its closing quotes), at most
    CONTEXT_MAX characters, never past ``hi``."""
    ceiling = min(hi, end + CONTEXT_MAX)
    for k in range(end, ceiling):
        if text[k] in CLAUSE_MARKS:
            k += 1
            while k < hi and text[k] in CLOSERS:
                k += 1
            return text[end:k]
    stop = min(hi, end + CONTEXT) if ceiling < hi else hi
    while end < stop < hi and _joined_token(text, stop):
        stop -= 1
    return text[end:stop]


def _page_changes(number: int, a: list[list[Char]], b: list[list[Char]]) -> list[TextChange]:
    """Whole-page text compared character by character (so that a reflow is no change), each
    change named by the page and the line it stands on (lines counted in drawing order)."""
    old, old_line = _joined(a)
    new, new_line = _joined(b)
    old_at, new_at = [(number, c) for line in a for c in line], [(number, c) for line in b for c in line]
    old_gaps, new_gaps = _gaps([c for _, c in old_at]), _gaps([c for _, c in new_at])
    out = []
    for i1, i2, j1, j2 in _merged(_slid(_opcodes(old, new), old, new), old_gaps, new_gaps):
        if new:
            where = f"page {number} line {new_line[min(j1, len(new) - 1)]}"
        else:
            where = f"page {number} (old line {old_line[min(i1, len(old) - 1)]})"
        # the context within the change's own lines (its field: the folio's line, the slug's),
        # never run on into the next piece of furniture (trial 17b #9: a folio's change quoted
        # the slug's `page.pdf` after it)
        context = (_context(new, j1, j2, *_line_bounds(new_line, j1, j2), gaps=new_gaps) if j2 > j1 or not old
                   else _context(old, i1, i2, *_line_bounds(old_line, i1, i2), gaps=old_gaps))
        marks = _marks("old", old_at, i1, i2) + _marks("new", new_at, j1, j2)
        out.append(TextChange(where, None, _spaced(old, old_gaps, i1, i2), _spaced(new, new_gaps, j1, j2), context,
                              marks=marks))
    return out


def _line_bounds(line_of: list[int], start: int, end: int) -> tuple[int, int]:
    """The offsets (lo, hi) of the whole lines the characters start..end stand on (``line_of``:
    each character's line, _joined); an insertion's (start == end) those of the line it is set in."""
    if not line_of:
        return 0, 0
    first = line_of[min(start, len(line_of) - 1)]
    last = line_of[min(max(end - 1, start), len(line_of) - 1)]
    lo = line_of.index(first)
    hi = len(line_of) - line_of[::-1].index(last)
    return lo, hi


def _joined(lines: list[list[Char]]) -> tuple[str, list[int]]:
    """The page's text and the line number (from 1) of each character."""
    text = "".join(c.text for line in lines for c in line)
    return text, [n for n, line in enumerate(lines, 1) for _ in line]


def diff_modules(old: _Side, new: _Side) -> list[ModuleChange]:
    """Frames moved or resized, articles added or removed, and text broken into lines elsewhere."""
    out: list[ModuleChange] = []
    for name in _ordered(old.frames, new.frames):
        a, b = old.frames.get(name), new.frames.get(name)
        if a is None:
            out.append(ModuleChange(name, "added", f"on page {b[0][0]}" if b else ""))
            continue
        if b is None:
            out.append(ModuleChange(name, "removed", f"from page {a[0][0]}"))
            continue
        if len(a) != len(b):
            out.append(ModuleChange(name, "reshaped", f"{len(a)} → {counted(len(b), 'block')}"))
            continue
        for (pa, ba), (pb, bb) in zip(a, b):
            if pa == pb and all(abs(u - v) <= MOVE_TOLERANCE for u, v in zip(ba, bb)):
                continue
            size_a, size_b = (ba[2] - ba[0], ba[3] - ba[1]), (bb[2] - bb[0], bb[3] - bb[1])
            resized = any(abs(u - v) > MOVE_TOLERANCE for u, v in zip(size_a, size_b))
            out.append(ModuleChange(name, "resized" if resized else "moved",
                                    f"page {pa} at {_mm(ba, _trim(old, pa))} → page {pb} at {_mm(bb, _trim(new, pb))} "
                                    "mm from the trim's top left"))
    for name in new.articles:
        if name in old.articles:
            change = _reflow(name, old, new)
            if change is not None:
                out.append(change)
    return out


def _trim(side: _Side, page: int) -> tuple[float, float]:
    return side.trims[page - 1] if 0 < page <= len(side.trims) else (0.0, side.heights[page - 1] if
                                                                     0 < page <= len(side.heights) else 0.0)


def _line_starts(placed: list[_Placed]) -> list[int]:
    """Offsets (in the article's text) where a printed line starts."""
    starts = []
    for k, p in enumerate(placed):
        prev = placed[k - 1] if k else None
        size = max(p.char.size, 1.0)
        if prev is None or prev.page != p.page or abs(p.char.baseline - prev.char.baseline) > 0.3 * size \
                or p.char.x < prev.char.x - 0.5 * size:
            starts.append(k)
    return starts


def _line_spans(placed: list[_Placed]) -> list[tuple[int, int]]:
    """Each printed line of an article as (start, end) offsets in its text."""
    starts = _line_starts(placed)
    return list(zip(starts, starts[1:] + [len(placed)]))


def _reflow(name: str, old: _Side, new: _Side) -> ModuleChange | None:
    """The article's lines in NEW whose text is unchanged but which are set otherwise than in OLD:
    broken elsewhere, or standing elsewhere in the module (another column, another line of it).
    A proofreader re-reads those. Trial 14b: a sentence deleted at a paragraph's end moved every
    following line of `river` up and across columns, every break where it was: nothing said so.
    Said as runs of the article's lines (counted from 1 in reading order, headline and captions
    too), each run with the lines that hold the changes among them."""
    a, b = old.articles[name], new.articles[name]
    old_text, new_text = "".join(p.char.text for p in a), "".join(p.char.text for p in b)
    back: list[int | None] = [None] * len(b)  # each new character's old offset, when kept
    for tag, i1, i2, j1, j2 in _slid(_opcodes(old_text, new_text), old_text, new_text):
        if tag == "equal":  # aligned as the text changes are, so a line is "changed" where they are
            back[j1:j2] = range(i1, i2)
    old_lines, new_lines = _line_spans(a), _line_spans(b)
    old_line_of = [n for n, (s, e) in enumerate(old_lines) for _ in range(s, e)]
    touched: list[int] = []  # new lines (from 0) with changed text or set otherwise
    moved = 0
    for n, (s, e) in enumerate(new_lines):
        if not _kept(back, s, e):
            touched.append(n)
            continue
        first = back[s]
        assert first is not None
        os_, oe = old_lines[old_line_of[first]]
        same = first == os_ and oe - os_ == e - s and _same_place(_local(old, name, a[os_]), _local(new, name, b[s]))
        if not same:
            touched.append(n)
            moved += 1
    if not moved:
        return None
    runs: list[list[int]] = []
    for n in touched:
        if runs and runs[-1][-1] == n - 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    # a run of changed lines only is the change's own line(s), said by the text change already
    runs = [run for run in runs if any(_kept(back, *new_lines[n]) for n in run)]
    # a jumped article's runs stand on two pages: each run cut where its page turns, and the
    # runs said page by page (trial 18b #1: `(page 1)` only, of lines on page 2 too)
    page_of = [b[s].page for s, _ in new_lines]
    runs = [list(part) for run in runs for _, part in groupby(run, key=lambda n: page_of[n])]
    pages = list(dict.fromkeys(page_of[run[0]] for run in runs))
    by_page = [(page, ", ".join(_span(run) for run in runs if page_of[run[0]] == page)) for page in pages]
    spans = by_page[0][1] if len(pages) == 1 else ", ".join(f"{text} (page {page})" for page, text in by_page)
    start = new_lines[runs[0][0]][0]
    first = b[start]
    count = f"{len(new_lines)} ({len(old_lines)} before)" if len(old_lines) != len(new_lines) else f"{len(new_lines)}"
    opening = new_text[start:start + _head_end(new_text[start:new_lines[runs[0][0]][1]], 10)]
    word = "lines" if len(runs) > 1 or len(runs[0]) > 1 else "line"
    where = _placed_at(first, max(old.pages, new.pages) > 1)
    if len(pages) > 1:
        where = where.replace(f"(page {first.page})", f"(pages {', '.join(map(str, pages))})")
    return ModuleChange(name, "reflowed", f"{word} {spans} of {count}, from “{opening}”", where)


def _span(run: list[int]) -> str:
    """A run of line indexes (from 0) as the proofreader counts them: 18–62, or 7."""
    return f"{run[0] + 1}–{run[-1] + 1}" if len(run) > 1 else f"{run[0] + 1}"


def _kept(back: list[int | None], start: int, end: int) -> bool:
    """Whether NEW's text[start:end] is OLD's, unchanged: every character kept, none cut out between."""
    first, last = back[start], back[end - 1]
    return first is not None and last is not None and last - first == end - start - 1 and None not in back[start:end]


Local = tuple[int, int, float, float]  # page, block (its order among the article's), pt from its left, from its top


def _local(side: _Side, name: str, placed: _Placed) -> Local:
    """Where a character stands in its article's module: which block, and where in it; a module
    moved whole moves no line in it (that is a "moved" line of its own)."""
    x, y = placed.char.x, placed.char.baseline
    height = side.heights[placed.page - 1] if placed.page <= len(side.heights) else 0.0
    best: tuple[float, int, tuple[float, float, float, float]] | None = None
    for k, (page, box) in enumerate(side.frames.get(name, [])):
        if page != placed.page:
            continue
        up = height - y  # the record's boxes are in PDF user space, y up
        d = max(box[0] - x, x - box[2], 0.0) + max(box[1] - up, up - box[3], 0.0)
        if best is None or d < best[0]:
            best = (d, k, box)
    if best is None:
        return placed.page, -1, x, y
    _, k, box = best
    return placed.page, k, x - box[0], y - (height - box[3])


def _same_place(a: Local, b: Local) -> bool:
    return a[1] == b[1] and abs(a[2] - b[2]) <= PLACE_TOLERANCE and abs(a[3] - b[3]) <= PLACE_TOLERANCE \
        and (a[1] >= 0 or a[0] == b[0])


# --- pictures ---------------------------------------------------------------------------------


def _render(path: Path, dpi: float) -> list[Image.Image]:
    try:
        doc = pdfium.PdfDocument(str(path))
    except (pdfium.PdfiumError, FileNotFoundError, OSError) as exc:
        raise InputError(Loc.of_file(path), f"cannot open PDF: {exc}") from None
    try:
        return [render_page(doc, i, dpi / 72, path).convert("RGB") for i in range(len(doc))]
    finally:
        doc.close()


def overlay(a: Image.Image, b: Image.Image) -> Image.Image:
    """Red where only OLD has ink, green where only NEW has, dark where both do."""
    old, new = a.convert("L"), b.convert("L")
    return Image.merge("RGB", (new, old, ImageChops.darker(old, new)))


CORRECTION = (0, 80, 230, 255)  # the text changes themselves: blue, apart from the red of what moved


def side_by_side(a: Image.Image, b: Image.Image, boxes: list[tuple[int, int, int, int]],
                 marks: list[tuple[str, tuple[int, int, int, int]]] | None = None) -> Image.Image:
    """OLD | NEW, each region that changed boxed in red on both, and each text change (``marks``:
    side and box in px) boxed in blue where it stands on its side: among the lines a correction
    moved, the correction itself is seen."""
    gap = 20
    sheet = Image.new("RGB", (a.width + b.width + gap, max(a.height, b.height)), (160, 160, 160))
    sheet.paste(a, (0, 0))
    sheet.paste(b, (a.width + gap, 0))
    draw = ImageDraw.Draw(sheet, "RGBA")
    for x0, y0, x1, y1 in boxes:
        for dx in (0, a.width + gap):
            draw.rectangle((x0 + dx, y0, x1 + dx, y1), outline=(230, 0, 0, 255), width=3, fill=(255, 0, 0, 30))
    for side, (x0, y0, x1, y1) in marks or []:
        dx = 0 if side == "old" else a.width + gap
        draw.rectangle((x0 + dx - 3, y0 - 3, x1 + dx + 3, y1 + 3), outline=CORRECTION, width=3)
    return sheet


def changed_boxes(a: Image.Image, b: Image.Image) -> list[tuple[int, int, int, int]]:
    """The regions that changed, touching cells as one rectangle (px)."""
    return _merge(_cells(a, b))


def _cells(a: Image.Image, b: Image.Image) -> set[tuple[int, int]]:
    """The CELL×CELL cells (column, row) where the pictures differ."""
    if a.size != b.size:
        a = a.resize(b.size)
    mask = ImageChops.difference(a, b).convert("L").point(lambda v: 255 if v > THRESHOLD else 0)
    if mask.getbbox() is None:
        return set()
    # a cell is changed when any of its pixels is: the mean of its CELL×CELL block is above 0
    small = mask.reduce(CELL)
    width = small.width
    return {(k % width, k // width) for k, v in enumerate(small.tobytes()) if v}


def photos_of(path: Path) -> tuple[list[list[Photo]], list[tuple[float, float]]]:
    """Each page's images as its content stream draws them (the matrix in force at each Do, the
    unit square's box), named by the layout record (render/pdf.py draws photo N as
    /FormXob.ImN, the record's images[N]), and each page's trim top left (PDF user space)."""
    pages: list[list[Photo]] = []
    trims: list[tuple[float, float]] = []
    with pikepdf.open(path) as pdf:
        for number, page in enumerate(pdf.pages, 1):
            named = {}
            for image in layout_record(page).get("images", []) or []:
                if isinstance(image, dict) and isinstance(image.get("name"), str):
                    named[image["name"]] = (str(image.get("file") or ""), str(image.get("article") or ""))
            pages.append(_drawn_images(page, number, named))
            trims.append(_trim_corner(page))
    return pages, trims


def _trim_corner(page: pikepdf.Page) -> tuple[float, float]:
    for key in ("/TrimBox", "/MediaBox"):
        try:
            box = [float(v) for v in page.obj[key]]
        except (KeyError, TypeError, ValueError, pikepdf.PdfError):
            continue
        if len(box) == 4:
            return min(box[0], box[2]), max(box[1], box[3])
    return 0.0, 0.0


def _drawn_images(page: pikepdf.Page, number: int, named: dict[str, tuple[str, str]]) -> list[Photo]:
    resources = page.obj.get("/Resources") or pikepdf.Dictionary()
    xobjects = resources.get("/XObject") or pikepdf.Dictionary()
    ctm: tuple[float, ...] = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    stack: list[tuple[float, ...]] = []
    out: list[Photo] = []
    try:
        instructions = pikepdf.parse_content_stream(page, "q Q cm Do")
    except pikepdf.PdfError:
        return out
    for instruction in instructions:
        operands, op = instruction.operands, str(instruction.operator)
        if op == "q":
            stack.append(ctm)
        elif op == "Q" and stack:
            ctm = stack.pop()
        elif op == "cm" and len(operands) == 6:
            a = tuple(float(v) for v in operands)
            ctm = (a[0] * ctm[0] + a[1] * ctm[2], a[0] * ctm[1] + a[1] * ctm[3], a[2] * ctm[0] + a[3] * ctm[2],
                   a[2] * ctm[1] + a[3] * ctm[3], a[4] * ctm[0] + a[5] * ctm[2] + ctm[4],
                   a[4] * ctm[1] + a[5] * ctm[3] + ctm[5])
        elif op == "Do" and operands:
            xobj = xobjects.get(str(operands[0]))
            if xobj is None or xobj.get("/Subtype") != "/Image":
                continue
            xs = [ctm[4] + ctm[0] * u + ctm[2] * v for u, v in ((0, 0), (1, 0), (0, 1), (1, 1))]
            ys = [ctm[5] + ctm[1] * u + ctm[3] * v for u, v in ((0, 0), (1, 0), (0, 1), (1, 1))]
            try:
                digest = hashlib.sha256(xobj.read_raw_bytes()).hexdigest()
            except pikepdf.PdfError:
                digest = ""
            file, article = named.get(str(operands[0]).lstrip("/").removeprefix("FormXob."), ("", ""))
            out.append(Photo(number, (min(xs), min(ys), max(xs), max(ys)), digest, file, article))
    return out


def diff_photos(old: list[list[Photo]], new: list[list[Photo]], trims: list[tuple[float, float]],
                resized: set[str]) -> list[PhotoChange]:
    """Each page's photos paired by article, in drawing order: one replaced (another file), changed
    (the same file drawn otherwise: new pixels, or moved, unless its module was moved or resized,
    which says so), added or removed. ``resized``: the articles whose module moved, was resized,
    added or removed."""
    out: list[PhotoChange] = []
    # a photo whose module went to another page stands on both sides: its module's line says so
    old_files = {(p.article, p.file) for page in old for p in page if p.file}
    new_files = {(p.article, p.file) for page in new for p in page if p.file}
    for number in range(1, max(len(old), len(new)) + 1):
        a = old[number - 1] if number <= len(old) else []
        b = new[number - 1] if number <= len(new) else []
        trim = trims[number - 1] if number <= len(trims) else (0.0, 0.0)
        for article in dict.fromkeys([p.article for p in b] + [p.article for p in a]):
            mine_a = [p for p in a if p.article == article]
            mine_b = [p for p in b if p.article == article]
            for k in range(max(len(mine_a), len(mine_b))):
                pa = mine_a[k] if k < len(mine_a) else None
                pb = mine_b[k] if k < len(mine_b) else None
                elsewhere = (pa is not None and (article, pa.file) in new_files) or \
                    (pb is not None and (article, pb.file) in old_files)
                change = _photo_change(pa, pb, trim, article in resized, elsewhere)
                if change is not None:
                    out.append(change)
    return out


def _photo_change(a: Photo | None, b: Photo | None, trim: tuple[float, float], resized: bool,
                  elsewhere: bool = False) -> PhotoChange | None:
    """``elsewhere``: the photo alone on one side here stands on another page of the other side
    (its module moved there)."""
    if a is not None and b is not None:
        if a.file != b.file:
            return PhotoChange(b.page, b.article, "replaced", a.file, b.file, _place(b.box, trim))
        moved = any(abs(u - v) > MOVE_TOLERANCE for u, v in zip(a.box, b.box))
        if a.digest == b.digest and not moved or resized:
            return None
        return _same_file_change(a, b, trim, moved)
    if resized and elsewhere:  # its module moved to another page: that line says so
        return None
    # a photo added or removed is said with its file even when its module was (trial 18b #4: a
    # pulled ad's picture and a killed story's photo went unnamed, as if nothing but text had gone)
    if b is not None:
        return PhotoChange(b.page, b.article, "added", "", b.file or "an image", _place(b.box, trim))
    assert a is not None
    return PhotoChange(a.page, a.article, "removed", a.file or "an image", "", _place(a.box, trim))


def _same_file_change(a: Photo, b: Photo, trim: tuple[float, float], moved: bool) -> PhotoChange:
    """The same file drawn otherwise, said by what changed (trial 16b #3: fitting took a photo's
    cell a line shallower, and "photo changed" sent the 校对 to find who had touched the picture):
    a cell of another size is the picture re-cropped, its old and new cell in mm; the same size
    elsewhere is moved; the same box with other pixels is the file itself changed."""
    file = b.file or "an image"
    if not moved:
        return PhotoChange(b.page, b.article, "changed", a.file, file, _place(b.box, trim),
                           "the same box; the picture's pixels differ: the file was edited or saved again")
    place = f"at {_mm(a.box, trim)} → {_mm(b.box, trim)} mm from the trim's top left"
    (aw, ah), (bw, bh) = _size_mm(a.box), _size_mm(b.box)
    if abs(aw - bw) * MM <= MOVE_TOLERANCE and abs(ah - bh) * MM <= MOVE_TOLERANCE:
        pixels = "" if a.digest == b.digest else "; its pixels differ too"
        return PhotoChange(b.page, b.article, "moved", a.file, file, place, f"the same cell size{pixels}")
    sizes = [f"{abs(bh - ah):.0f} mm {'deeper' if bh > ah else 'shallower'}" if abs(ah - bh) * MM > MOVE_TOLERANCE
             else "", f"{abs(bw - aw):.0f} mm {'wider' if bw > aw else 'narrower'}"
             if abs(aw - bw) * MM > MOVE_TOLERANCE else ""]
    return PhotoChange(b.page, b.article, "re-cropped", a.file, file, place,
                       f"the same file cut to a cell {aw:.0f}×{ah:.0f} → {bw:.0f}×{bh:.0f} mm, "
                       f"{', '.join(x for x in sizes if x)}; fitting or the spec changed the cell")


def _size_mm(box: tuple[float, float, float, float]) -> tuple[float, float]:
    return (box[2] - box[0]) / MM, (box[3] - box[1]) / MM


def diff_pictures(old: Path, new: Path, out_dir: Path, dpi: float, result: DiffResult,
                  explained: set[str], photos: list[list[Photo]] | None = None,
                  trims: list[tuple[float, float]] | None = None) -> None:
    """``photos``: the photos of either file whose change result.photos says, by page (their
    regions are said there); ``trims``: each page's trim top left."""
    old_pages, new_pages = _render(old, dpi), _render(new, dpi)
    records, _ = _records(new)
    old_records, _ = _records(old)
    scale = 72 / dpi
    many = len(new_pages) > 1
    for number, (a, b) in enumerate(zip(old_pages, new_pages), 1):
        cells = _cells(a, b)
        boxes = _merge(cells)
        if not boxes:
            continue
        result.pictures_changed = True
        height_pt = b.height * scale
        # the modules of both sides: what changed where a module was removed (a pulled ad's
        # picture, trial 18b #4) is that module's change, not "outside the modules"
        blocks = (block_frames(records[number - 1]) if number <= len(records) else []) + \
            (block_frames(old_records[number - 1]) if number <= len(old_records) else [])
        said = [p.box for p in photos[number - 1]] if photos and number <= len(photos) else []
        trim = trims[number - 1] if trims and number <= len(trims) else (0.0, 0.0)
        merged: dict[tuple[str, ...], tuple[float, float, float, float]] = {}
        # cell by cell, not by the boxes drawn: a box round an L of changed cells takes in
        # modules none of its cells is in
        for x0, y0, x1, y1 in ((x * CELL, y * CELL, (x + 1) * CELL, (y + 1) * CELL) for x, y in sorted(cells)):
            box = (x0 * scale, height_pt - y1 * scale, x1 * scale, height_pt - y0 * scale)
            if any(_overlap(box, p) for p in said):
                continue  # a photo's change, said by its file
            names = tuple(sorted({n for n, frame in blocks if _overlap(box, frame)}))
            if names and set(names) <= explained:
                continue
            if not names:
                # in a gutter or between modules: a rule there changes with either neighbour (a
                # column rule shortened beside a story killed for a shorter one)
                names = tuple(sorted({n for n, frame in blocks if _overlap(box, _grown(frame, GUTTER_REACH))}))
                if set(names) & explained:
                    continue
            if not names and "" in explained:  # text outside the modules changed (folio, slug)
                continue
            # one line per article (or outside the modules) and page: the whole of what changed
            # there, not the fragments a picture's difference falls into (trial 14b: 95 lines)
            kept = merged.get(names)
            merged[names] = box if kept is None else (min(kept[0], box[0]), min(kept[1], box[1]),
                                                      max(kept[2], box[2]), max(kept[3], box[3]))
        result.regions += [Region(number, *box, names, trim) for names, box in merged.items()]
        suffix = f"-{number}" if many else ""
        # OLD's marks stretched as its picture is, when the pages differ in size
        sx, sy = b.width / a.width, b.height / a.height
        if a.size != b.size:
            a = a.resize(b.size)
        marks = [(side, (round(x0 / scale * (sx if side == "old" else 1)), round(top / scale * (sy if side == "old" else 1)),
                         round(x1 / scale * (sx if side == "old" else 1)), round(bottom / scale * (sy if side == "old" else 1))))
                 for change in result.text for side, page, (x0, top, x1, bottom) in change.marks if page == number]
        for kind, image in (("diff", side_by_side(a, b, boxes, marks)), ("overlay", overlay(a, b))):
            target = out_dir / f"{new.stem}.{kind}{suffix}.png"
            buf = io.BytesIO()
            image.save(buf, "PNG")
            write_atomically(target, buf.getvalue())
            result.images.append(target)


def _grown(box: tuple[float, float, float, float], by: float) -> tuple[float, float, float, float]:
    return box[0] - by, box[1] - by, box[2] + by, box[3] + by


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def diff_pdfs(old: Path, new: Path, out_dir: Path, dpi: float = DEFAULT_DPI) -> DiffResult:
    like_with_like(old, new)
    a, b = read_side(old), read_side(new)
    result = DiffResult(pages_old=a.pages, pages_new=b.pages)
    result.text = diff_text(a, b)
    result.modules = diff_modules(a, b)
    explained = {c.article or "" for c in result.text} | {m.article for m in result.modules}
    old_photos, _ = photos_of(old)
    new_photos, trims = photos_of(new)
    resized = {m.article for m in result.modules if m.what != "reflowed"}
    result.photos = diff_photos(old_photos, new_photos, trims, resized)
    changed = {(c.page, c.article) for c in result.photos}
    # the boxes, old and new, of each photo said changed: the picture's change there is said
    said = [[p.box for p in (*(old_photos[n] if n < len(old_photos) else []), *(new_photos[n] if n < len(new_photos) else []))
             if (n + 1, p.article) in changed]
            for n in range(max(len(old_photos), len(new_photos)))]
    diff_pictures(old, new, out_dir, dpi, result, explained, [[Photo(n + 1, box, "") for box in boxes]
                                                              for n, boxes in enumerate(said)], trims)
    return result


# --- like with like: a proof is not the print ---------------------------------------------------

PROOF = "a proof copy (校样: grid, module frames and their names drawn over the page, without the print's marks and slug)"
SHEETS = "proof sheets (校样 tiled at 100 % on A3, each sheet a window of the page)"
_SHEET_LABEL = re.compile(r"proof at 100 %\s+sheet \d+ of \d+")


def proof_kind(path: Path) -> str | None:
    """PROOF or SHEETS when ``path`` is one of the proofs a build writes with --proof
    (<page>.proof.pdf, <page>.proof-a3.pdf), None for any other PDF. A proof copy is known by what
    build.proof_pdf writes: its title ends " (proof)", and it carries no source map (the print PDF
    does); the A3 sheets by their title (tiles.SHEETS_TITLE) or, written before they had one, by
    the label tiles.py sets at the top of each."""
    try:
        with pikepdf.open(path) as pdf:
            info = pdf.docinfo
            title, creator = str(info.get("/Title", "")), str(info.get("/Creator", ""))
            if creator == "pagesetter" and title.endswith(" (proof)") \
                    and not any(layout_record(page).get("sources") for page in pdf.pages):
                return PROOF
            if creator == "pagesetter" and title.endswith(SHEETS_TITLE):
                return SHEETS
            if "/Title" in info or not len(pdf.pages):
                return None  # sheets written before tiles.py gave them Info are known by their label
    except (pikepdf.PdfError, ValueError, AttributeError, TypeError):
        return None  # any PDF may carry anything in its Info: not one of our proofs
    try:
        doc = pdfium.PdfDocument(str(path))
    except (pdfium.PdfiumError, OSError):
        return None
    try:
        page = doc[0]
        text = page.get_textpage()
        try:
            return SHEETS if _SHEET_LABEL.search(text.get_text_range()) else None
        finally:
            text.close()
            page.close()
    finally:
        doc.close()


def like_with_like(old: Path, new: Path) -> None:
    """A proof compared with a print PDF (or with the other kind of proof) is refused, located at
    the proof: its furniture reads as text changes and its page, without the print's bleed and
    marks, as every module moved (trial 14b: the `briefs` label, the slug, "moved" by 45 pt).
    Two proofs of one kind are compared as they are."""
    kinds = proof_kind(old), proof_kind(new)
    if kinds[0] == kinds[1]:
        return
    proof, other = (old, new) if kinds[0] is not None else (new, old)
    kind = kinds[0] if kinds[0] is not None else kinds[1]
    other_kind = kinds[1] if proof == old else kinds[0]
    printed = proof.with_name(proof.name.removesuffix(".proof.pdf").removesuffix(".proof-a3.pdf") + ".pdf")
    if other_kind is None:
        then = f"{display_path(other)} is a print PDF"
        if printed != proof and printed.is_file() and printed.resolve() == other.resolve():
            instead = "it is that print PDF's own proof: the same build, with nothing to compare"
        elif printed != proof and printed.is_file():
            instead = f"compare {display_path(printed)} (the print PDF built with it) with {display_path(other)}"
        else:
            instead = "compare the two print PDFs"
    else:
        then = f"{display_path(other)} is {other_kind}"
        instead = "compare the two print PDFs, or two proofs of one kind"
    raise InputError(Loc.of_file(proof), f"{kind}, and {then}: their text and places differ by the proof's "
                                         f"furniture, not by any correction; {instead}")


def _merge(cells: set[tuple[int, int]]) -> list[tuple[int, int, int, int]]:
    """Touching cells (8-neighbours, one cell of slack) become one rectangle, in pixels."""
    rects = []
    seen: set[tuple[int, int]] = set()
    for start in sorted(cells):
        if start in seen:
            continue
        stack, group = [start], []
        seen.add(start)
        while stack:
            cx, cy = stack.pop()
            group.append((cx, cy))
            for dx in (-2, -1, 0, 1, 2):
                for dy in (-2, -1, 0, 1, 2):
                    n = (cx + dx, cy + dy)
                    if n in cells and n not in seen:
                        seen.add(n)
                        stack.append(n)
        xs, ys = [c[0] for c in group], [c[1] for c in group]
        rects.append((min(xs) * CELL, min(ys) * CELL, (max(xs) + 1) * CELL, (max(ys) + 1) * CELL))
    return rects
