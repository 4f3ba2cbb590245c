"""核红: what changed between two builds, character by character (a figure or a Latin word as one),
named by its source line.

The text is read back from both PDFs (proof/readback.py). Our PDFs carry their module frames and
each article's source file and lines (PieceInfo, proof/sourcemap.py), so each character read back
is given to the article whose frame holds it, each article's text is compared as a sequence
(insertions, deletions, replacements) and every change is named by its file and line:
``content/dongfeng-media.md:9: dongfeng-media: ，→、``. Modules moved or resized (their frames)
and reflowed (their lines broken elsewhere) are reported too. Text outside the modules (folio,
slug) and every page of a PDF that is not ours is compared line by line: page and line.

The pictures are compared too (rendered at ``dpi``): each changed page gets a side-by-side PNG
(old | new, changed regions boxed) and a red/green overlay (red only in OLD, green only in NEW,
black in both). Each photo is compared by what the content stream draws (its image's bytes and
its box) and named by the layout record's file and article: a photo replaced or changed is said
in one line whatever else changed in its module (trial 14b: a swapped photo went unsaid beside
its corrected caption). A picture change nothing else explains (a rule, a tint) is reported by
its region, one line per article and page. Places are in mm from the trim's top left, as
preflight gives them.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import field
from difflib import SequenceMatcher
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
from PIL import Image, ImageChops, ImageDraw

from pagesetter.build import write_atomically
from pagesetter.errors import InputError, Loc
from pagesetter.proof.readback import Char, read_chars
from pagesetter.proof.preview import render_page
from pagesetter.proof.record import blocks as block_frames, layout_record, owner
from pagesetter.proof.sourcemap import line_at
from pagesetter.records import record

DEFAULT_DPI = 150.0  # a punctuation mark is some 12 px across: readable, and its change visible
CELL = 8  # px: changed pixels are gathered into cells this size
THRESHOLD = 40  # grey levels: smaller differences are anti-aliasing noise
MOVE_TOLERANCE = 0.05  # pt: frames are recorded to 0.01 pt
SHOWN = 30  # characters of a change shown on its line
CONTEXT = 6  # characters of context either side


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
    left, top = trim
    return (f"at {(box[0] - left) / MM:.0f},{(top - box[3]) / MM:.0f}–{(box[2] - left) / MM:.0f},"
            f"{(top - box[1]) / MM:.0f} mm from the trim's top left")


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
    what: str  # "replaced", "changed", "added", "removed"
    old: str  # the old file ("" when added or unnamed)
    new: str
    place: str

    def line(self) -> str:
        head = f"page {self.page}: {self.article}: " if self.article else f"page {self.page}: "
        if self.what == "replaced":
            files = f"{self.old or 'an image'} → {self.new or 'an image'}"
        elif self.what == "removed":
            files = self.old
        else:
            files = self.new
        return f"{head}photo {self.what}: {files}".rstrip(": ") + f", {self.place}"


@record(frozen=True)
class TextChange:
    """One insertion, deletion or replacement, where the proofreader finds it."""

    where: str  # "content/a.md:9" (ours), "page 2 line 14" (any PDF, or text outside the modules)
    article: str | None
    old: str
    new: str
    context: str  # the new text around it (the old for a deletion)

    def line(self) -> str:
        if not self.old:
            what = f"+{_cut(self.new)}"
        elif not self.new:
            what = f"-{_cut(self.old)}"
        else:
            what = f"{_cut(self.old)}→{_cut(self.new)}"
        head = f"{self.where}: {self.article}: " if self.article else f"{self.where}: "
        return f"{head}{what}  …{self.context}…"


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
        parts = [f"{len(self.text)} text change(s)"] if self.text or not self.photos else []
        if self.photos:
            parts.append(f"{len(self.photos)} photo change(s)")
        if self.modules:
            parts.append(f"{len(self.modules)} module change(s)")
        if self.regions:
            parts.append(f"{len(self.regions)} other picture change(s)")
        if self.pages_old != self.pages_new:
            parts.append(f"pages {self.pages_old} → {self.pages_new}")
        head = ", ".join(parts)
        return head + (f" in: {', '.join(self.articles)}" if self.articles else "")


def _cut(text: str) -> str:
    return text if len(text) <= SHOWN else text[:SHOWN] + f"…(+{len(text) - SHOWN})"


# --- reading a PDF back: per article (ours) and per page line (any) ---------------------------


@record(frozen=True)
class _Placed:
    """One character read back, with where it belongs."""

    char: Char
    page: int
    where: str  # source "file:line", or "" when the record has none


@record
class _Side:
    """One PDF as the diff sees it."""

    articles: dict[str, list[_Placed]]  # in reading order, pages in order
    loose: list[list[list[Char]]]  # per page, its lines of characters outside any module
    frames: dict[str, list[tuple[int, tuple[float, float, float, float]]]]  # article -> (page, block box)
    pages: int


def frames_of(path: Path) -> list[list[dict]]:
    """The module frames each page of one of our PDFs carries (empty for other PDFs)."""
    with pikepdf.open(path) as pdf:
        return [layout_record(page).get("frames", []) for page in pdf.pages]


def _records(path: Path) -> list[dict]:
    with pikepdf.open(path) as pdf:
        return [layout_record(page) for page in pdf.pages]


def read_side(path: Path) -> _Side:
    pages = read_chars(path)
    records = _records(path)
    side = _Side({}, [], {}, len(pages))
    for page in pages:
        record = records[page.number - 1] if page.number <= len(records) else {}
        blocks = block_frames(record)
        sources = record.get("sources") if isinstance(record.get("sources"), dict) else {}
        for name, box in blocks:
            side.frames.setdefault(name, []).append((page.number, box))
        counts: dict[str, int] = {}
        loose: list[Char] = []
        for c in page.chars:
            if c.text.isspace():
                continue
            name = owner(c, page.height, blocks)
            if name is None:
                loose.append(c)
                continue
            offset = counts.get(name, 0)
            counts[name] = offset + 1
            side.articles.setdefault(name, []).append(_Placed(c, page.number, _where(sources.get(name), offset)))
        side.loose.append(_lines(loose))
    return side


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
    lines: list[list[Char]] = []
    for c in chars:
        last = lines[-1][-1] if lines else None
        if last is None or abs(c.baseline - last.baseline) > 0.3 * max(c.size, last.size, 1.0) \
                or c.x < last.x - 0.5 * max(c.size, 1.0):
            lines.append([c])
        else:
            lines[-1].append(c)
    return lines


# --- comparing -------------------------------------------------------------------------------


def diff_text(old: _Side, new: _Side) -> list[TextChange]:
    changes: list[TextChange] = []
    for name in _ordered(old.articles, new.articles):
        a, b = old.articles.get(name, []), new.articles.get(name, [])
        changes += _article_changes(name, a, b, paged=max(old.pages, new.pages) > 1)
    for number in range(1, max(len(old.loose), len(new.loose)) + 1):
        a = old.loose[number - 1] if number <= len(old.loose) else []
        b = new.loose[number - 1] if number <= len(new.loose) else []
        changes += _page_changes(number, a, b)
    return changes


def _ordered(a: dict[str, list], b: dict[str, list]) -> list[str]:
    return list(b) + [name for name in a if name not in b]


def _article_changes(name: str, a: list[_Placed], b: list[_Placed], paged: bool = False) -> list[TextChange]:
    """``paged``: the PDFs hold several pages (an edition): each change says its page too, as a
    jumped article's text stands on two (trial 14: a change was named by its source line only)."""
    old = "".join(p.char.text for p in a)
    new = "".join(p.char.text for p in b)
    if old == new:
        return []
    out = []
    for tag, i1, i2, j1, j2 in _opcodes(old, new):
        if tag == "equal":
            continue
        if b:
            at = b[min(j1, len(b) - 1)]
            where = _placed_at(at, paged)
        else:
            at = a[min(i1, len(a) - 1)]
            where = _placed_at(at, paged) + " (old)"
        context = _context(new, j1, j2) if j2 > j1 or not old else _context(old, i1, i2)
        out.append(TextChange(where, name, old[i1:i2], new[j1:j2], context))
    return out


# What a 校对 reads as one: a figure (186, 3.2, 1,234,567, 9:30) or a Latin word, else one character.
# Compared character by character, 186→213 came out as +2 and 86→3 (the shared 1 kept): two
# corrections nobody made (trial 14).
_TOKEN = re.compile(r"[0-9A-Za-z\u00C0-\u024F\u1E00-\u1EFF]+(?:[.,:][0-9]+)*|.", re.S)


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


def _context(text: str, start: int, end: int) -> str:
    return text[max(0, start - CONTEXT):start] + text[start:end][:SHOWN] + text[end:end + CONTEXT]


def _page_changes(number: int, a: list[list[Char]], b: list[list[Char]]) -> list[TextChange]:
    """Whole-page text compared character by character (so that a reflow is no change), each
    change named by the page and the line it stands on (lines counted in drawing order)."""
    old, old_line = _joined(a)
    new, new_line = _joined(b)
    out = []
    for tag, i1, i2, j1, j2 in _opcodes(old, new):
        if tag == "equal":
            continue
        if new:
            where = f"page {number} line {new_line[min(j1, len(new) - 1)]}"
        else:
            where = f"page {number} (old line {old_line[min(i1, len(old) - 1)]})"
        context = _context(new, j1, j2) if j2 > j1 or not old else _context(old, i1, i2)
        out.append(TextChange(where, None, old[i1:i2], new[j1:j2], context))
    return out


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
            out.append(ModuleChange(name, "reshaped", f"{len(a)} → {len(b)} blocks"))
            continue
        for (pa, ba), (pb, bb) in zip(a, b):
            if pa == pb and all(abs(u - v) <= MOVE_TOLERANCE for u, v in zip(ba, bb)):
                continue
            size_a, size_b = (ba[2] - ba[0], ba[3] - ba[1]), (bb[2] - bb[0], bb[3] - bb[1])
            resized = any(abs(u - v) > MOVE_TOLERANCE for u, v in zip(size_a, size_b))
            out.append(ModuleChange(name, "resized" if resized else "moved",
                                    f"page {pa} {_box(ba)} → page {pb} {_box(bb)}"))
    for name in new.articles:
        if name in old.articles:
            change = _reflow(name, old.articles[name], new.articles[name])
            if change is not None:
                out.append(change)
    return out


def _box(b: tuple[float, float, float, float]) -> str:
    return f"{b[0]:.1f},{b[1]:.1f}–{b[2]:.1f},{b[3]:.1f} pt"


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


def _reflow(name: str, a: list[_Placed], b: list[_Placed]) -> ModuleChange | None:
    """Lines broken elsewhere in NEW than in OLD (the text of the old line starts mapped into the new)."""
    old_text, new_text = "".join(p.char.text for p in a), "".join(p.char.text for p in b)
    mapping: dict[int, int] = {}
    for i, j, size in SequenceMatcher(None, old_text, new_text, autojunk=False).get_matching_blocks():
        for k in range(size):
            mapping[i + k] = j + k
    old_starts = _line_starts(a)
    new_starts = _line_starts(b)
    moved = sorted({mapping[s] for s in old_starts if s in mapping} ^ set(new_starts))
    # a line start that lands on changed text has no counterpart; count only those on kept text
    kept = set(mapping.values())
    moved = [s for s in moved if s in kept]
    if not moved:
        return None
    first = b[moved[0]]
    return ModuleChange(name, "reflowed", f"{len(moved)} line break(s) moved, {len(old_starts)} → "
                        f"{len(new_starts)} lines", first.where or f"page {first.page}")


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


def side_by_side(a: Image.Image, b: Image.Image, boxes: list[tuple[int, int, int, int]]) -> Image.Image:
    gap = 20
    sheet = Image.new("RGB", (a.width + b.width + gap, max(a.height, b.height)), (160, 160, 160))
    sheet.paste(a, (0, 0))
    sheet.paste(b, (a.width + gap, 0))
    draw = ImageDraw.Draw(sheet, "RGBA")
    for x0, y0, x1, y1 in boxes:
        for dx in (0, a.width + gap):
            draw.rectangle((x0 + dx, y0, x1 + dx, y1), outline=(230, 0, 0, 255), width=3, fill=(255, 0, 0, 30))
    return sheet


def changed_boxes(a: Image.Image, b: Image.Image) -> list[tuple[int, int, int, int]]:
    if a.size != b.size:
        a = a.resize(b.size)
    mask = ImageChops.difference(a, b).convert("L").point(lambda v: 255 if v > THRESHOLD else 0)
    if mask.getbbox() is None:
        return []
    # a cell is changed when any of its pixels is: the mean of its CELL×CELL block is above 0
    small = mask.reduce(CELL)
    width = small.width
    cells = {(k % width, k // width) for k, v in enumerate(small.tobytes()) if v}
    return _merge(cells)


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
                change = _photo_change(pa, pb, trim, article in resized)
                if change is not None:
                    out.append(change)
    return out


def _photo_change(a: Photo | None, b: Photo | None, trim: tuple[float, float], resized: bool) -> PhotoChange | None:
    if a is not None and b is not None:
        if a.file != b.file:
            return PhotoChange(b.page, b.article, "replaced", a.file, b.file, _place(b.box, trim))
        moved = any(abs(u - v) > MOVE_TOLERANCE for u, v in zip(a.box, b.box))
        if a.digest == b.digest and not moved or resized:
            return None
        return PhotoChange(b.page, b.article, "changed", a.file, b.file or "an image", _place(b.box, trim))
    if resized:  # its module added or removed: that line says so
        return None
    if b is not None:
        return PhotoChange(b.page, b.article, "added", "", b.file or "an image", _place(b.box, trim))
    assert a is not None
    return PhotoChange(a.page, a.article, "removed", a.file or "an image", "", _place(a.box, trim))


def diff_pictures(old: Path, new: Path, out_dir: Path, dpi: float, result: DiffResult,
                  explained: set[str], photos: list[list[Photo]] | None = None,
                  trims: list[tuple[float, float]] | None = None) -> None:
    """``photos``: the photos of either file whose change result.photos says, by page (their
    regions are said there); ``trims``: each page's trim top left."""
    old_pages, new_pages = _render(old, dpi), _render(new, dpi)
    records = _records(new)
    scale = 72 / dpi
    many = len(new_pages) > 1
    for number, (a, b) in enumerate(zip(old_pages, new_pages), 1):
        boxes = changed_boxes(a, b)
        if not boxes:
            continue
        result.pictures_changed = True
        height_pt = b.height * scale
        blocks = block_frames(records[number - 1]) if number <= len(records) else []
        said = [p.box for p in photos[number - 1]] if photos and number <= len(photos) else []
        trim = trims[number - 1] if trims and number <= len(trims) else (0.0, 0.0)
        merged: dict[tuple[str, ...], tuple[float, float, float, float]] = {}
        for x0, y0, x1, y1 in boxes:
            box = (x0 * scale, height_pt - y1 * scale, x1 * scale, height_pt - y0 * scale)
            if any(_overlap(box, p) for p in said):
                continue  # a photo's change, said by its file
            names = tuple(sorted({n for n, frame in blocks if _overlap(box, frame)}))
            if names and set(names) <= explained:
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
        if a.size != b.size:
            a = a.resize(b.size)
        for kind, image in (("diff", side_by_side(a, b, boxes)), ("overlay", overlay(a, b))):
            target = out_dir / f"{new.stem}.{kind}{suffix}.png"
            buf = io.BytesIO()
            image.save(buf, "PNG")
            write_atomically(target, buf.getvalue())
            result.images.append(target)


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def diff_pdfs(old: Path, new: Path, out_dir: Path, dpi: float = DEFAULT_DPI) -> DiffResult:
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
