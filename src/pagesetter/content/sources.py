"""Copy as it arrives, read into source paragraphs for ``pagesetter import`` (content/importer.py).

Three kinds of copy: Word files (.docx, python-docx), plain text (.txt: one paragraph a line) and
Markdown (.md: paragraphs separated by blank lines; ``#`` headings). Every refusal is an
InputError naming the file: a file too large, not what its name says, binary, or not UTF-8.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from pagesetter.errors import InputError, Loc, display_path
from pagesetter.records import record
from pagesetter.yamlsource import MAX_TEXT_FILE, read_text

# Copy of a whole page is some 20,000 characters (the seed page: 11 kB of UTF-8). A text file past
# the reader's limit for any text file (16 MB) is not copy: one limit, said as copy's (trial 16b #4:
# 16–20 MB was refused as "a spec, style sheet, manifest or article"); a Word file's text and styles
# unpacked past 100 MB is a zip bomb.
MAX_TEXT_BYTES = MAX_TEXT_FILE
MAX_DOCX_BYTES = 50_000_000
MAX_DOCX_UNPACKED = 100_000_000
HEADING_MAX = 40  # characters: a longer '# ' line of text copy is a sentence (headlines stay under 30)
# A heading line of Markdown (CommonMark §4.2: 1–6 '#', a space, the text, optional closing '#'s).
_HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
# Word paragraph styles that say what a paragraph is, whatever its size.
_STYLE_LEVEL = {"title": 1}
_STYLE_HEADING = re.compile(r"^heading (\d)$")


@record(frozen=True)
class Run:
    text: str
    bold: bool = False


@record(frozen=True)
class Picture:
    """A picture inside a Word file: its bytes and the suffix of a format the engine reads."""

    suffix: str  # ".jpg", ".png" …; "" for a format the engine cannot place (EMF, WMF, SVG)
    data: bytes
    kind: str  # the part's content type, for the report


# Picture formats of a Word file the engine places (render/images.py reads these by content).
PICTURE_SUFFIX = {"image/jpeg": ".jpg", "image/png": ".png", "image/tiff": ".tif", "image/gif": ".gif",
                  "image/webp": ".webp"}


@record(frozen=True)
class SourcePara:
    """One paragraph of the copy, with what its source says about it."""

    line: int  # 1-based line of a text file; paragraph number in a Word file
    runs: tuple[Run, ...]
    heading: int = 0  # a Markdown '#' level, or a Word Title (1) / Heading N style
    size: float = 0.0  # Word: the largest type size of its text in pt (0: not said)
    style: str = ""  # Word: the paragraph style's name, lower case
    pictures: tuple["Picture", ...] = ()  # Word: the pictures standing in the paragraph
    # Word: what the paragraph holds that is not imported as text (a footnote, a symbol-font
    # character), each said by the import as a 'to do' note at the paragraph
    not_imported: tuple[str, ...] = ()

    @property
    def picture(self) -> bool:
        return bool(self.pictures)

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)

    @property
    def all_bold(self) -> bool:
        return bool(self.text.strip()) and all(r.bold for r in self.runs if r.text.strip())


@record(frozen=True)
class TableDraft:
    """A table found in text copy: its rows of cells (the first the header), and the 表：… line
    above it and the 来源：… line under it when the copy has them."""

    rows: tuple[tuple[str, ...], ...]
    title: str | None = None
    source: str | None = None

    def text(self) -> str:
        """Its characters as the article reader reads the table back (title, cells, source)."""
        return (self.title or "") + "".join(c for row in self.rows for c in row) + (self.source or "")


@record(frozen=True)
class TablePara(SourcePara):
    """The copy's lines of one table, taken together (importer._find_tables), or a Word table (_with_tables)."""

    table: TableDraft | None = None


def read_source(path: Path) -> list[SourcePara]:
    """The paragraphs of one file of copy, by its suffix."""
    suffix = path.suffix.lower()
    if not path.exists():
        raise InputError(Loc.of_file(path), "file not found")
    if path.is_dir():
        raise InputError(Loc.of_file(path), "expected a file of copy, found a folder")
    if not path.is_file():  # a FIFO or a device: reading it could block or never end
        raise InputError(Loc.of_file(path), "not a regular file (a named pipe or device); refused unread")
    if suffix == ".docx":
        return read_docx(path)
    if suffix in (".txt", ".md", ".markdown", ".text"):
        return read_plain(path, markdown=suffix in (".md", ".markdown"))
    if suffix == ".doc":
        raise InputError(Loc.of_file(path), "an old Word .doc file is not read; save it as .docx (Word: "
                         "File > Save As > Word Document) or as UTF-8 text")
    raise InputError(Loc.of_file(path), f"cannot import {suffix or 'a file without a suffix'}: "
                     "give .docx, .txt or .md copy")


def read_plain(path: Path, markdown: bool) -> list[SourcePara]:
    """Text copy: every line a paragraph (.txt), or blocks between blank lines (.md); ``#`` lines
    are headings in both (raw copy exported from a web page or CMS often carries them)."""
    loc = Loc.of_file(path)
    if path.is_file() and path.stat().st_size > MAX_TEXT_BYTES:
        raise InputError(loc, f"{path.stat().st_size // 1_000_000} MB is not copy (limit "
                         f"{MAX_TEXT_BYTES // 1_000_000} MB); import the articles one file each")
    text = read_text(path)  # UTF-8 or a located error (GBK: the iconv command that converts it)
    nul = text.find("\x00")
    if nul >= 0 or _binary(text):
        where = text.count("\n", 0, max(nul, 0)) + 1 if nul >= 0 else 1
        raise InputError(Loc(display_path(path), where), "a binary file, not text copy (it holds control "
                         "characters); give the article as .txt, .md or .docx")
    if markdown and text.lstrip("\ufeff").split("\n", 1)[0].rstrip() == "---":
        raise InputError(Loc(display_path(path), 1, 1), "this file has front matter already (an article in our "
                         "format?): copy it into content/ as it is, or remove the '---' block to import its text")
    out: list[SourcePara] = []
    block: list[str] = []
    start = 0

    def flush() -> None:
        nonlocal block
        if block:
            out.append(SourcePara(start, _bold_runs(_unitalic("".join(block)), markdown)))
            block = []

    for number, raw in enumerate(text.split("\n"), 1):
        line = raw.strip().strip("\u3000")
        if not line:
            flush()
            continue
        heading = _HEADING.match(line)
        if heading and not markdown and (len(heading.group(2)) > HEADING_MAX or heading.group(2)[-1:] in "。；，"):
            heading = None  # text copy: a '#' before a sentence is the copy's own character, not a heading
        if heading:
            flush()
            out.append(SourcePara(number, (Run(heading.group(2).strip()),), heading=len(heading.group(1))))
            continue
        if not markdown or line[:1] in "▲▼":
            flush()
            out.append(SourcePara(number, _bold_runs(_unitalic(line) if markdown else line, markdown)))
            continue
        if not block:
            start = number
        block.append(line)
    flush()
    return out


# A Markdown paragraph set in italics whole (CommonMark §6.2: *…* or _…_): a sign-off
# (*本报记者 陈光*) or a note. Our format has no italics; the marks are the writer's, not the copy's
# text (trial 16b #5: the sign-off became a 小标题 printed with its asterisks).
_WHOLE_ITALIC = re.compile(r"^([*_])(?![*_\s])(.+?)(?<![*_\s\\])\1$")


def _unitalic(text: str) -> str:
    m = _WHOLE_ITALIC.match(text)
    return m.group(2) if m and m.group(1) not in m.group(2) else text


def _binary(text: str) -> bool:
    """Control characters other than tab, CR, LF and form feed: a binary file read as text."""
    sample = text[:65536]
    bad = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n\f")
    return bad > 0


def _bold_runs(text: str, markdown: bool) -> tuple[Run, ...]:
    """``**…**`` in Markdown copy is bold (our own format's leads); plain text has no bold."""
    if not markdown or "**" not in text:
        return (Run(text),)
    runs: list[Run] = []
    at = 0
    for m in _BOLD.finditer(text):
        if m.start() > at:
            runs.append(Run(text[at:m.start()]))
        runs.append(Run(m.group(1), True))
        at = m.end()
    if at < len(text):
        runs.append(Run(text[at:]))
    return tuple(runs)


def read_docx(path: Path) -> list[SourcePara]:
    """A Word file's body paragraphs with their bold runs, sizes and styles (python-docx)."""
    loc = Loc.of_file(path)
    size = path.stat().st_size
    if size > MAX_DOCX_BYTES:
        raise InputError(loc, f"{size // 1_000_000} MB is too large for a Word file of copy (limit "
                         f"{MAX_DOCX_BYTES // 1_000_000} MB); save the text alone, without pictures")
    _check_zip(path, loc)
    import docx  # python-docx; imported here so a build never loads it
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise InputError(loc, f"not a readable Word file ({' '.join(str(exc).split())[:120]}); "
                         "save it again as .docx") from None
    except Exception as exc:  # noqa: BLE001 - lxml and python-docx raise many kinds on broken XML
        raise InputError(loc, f"not a readable Word file ({type(exc).__name__}); save it again as .docx") from None
    body_size = _style_size(document.styles["Normal"]) if _has_style(document, "Normal") else 0.0
    out: list[SourcePara | tuple[int, _WordTable]] = []
    for number, para in _blocks(document):
        if isinstance(para, _WordTable):
            out.append((number, para))
            continue
        style = (para.style.name if para.style is not None else "") or ""
        style_bold = bool(para.style is not None and para.style.font.bold)
        word_runs = _text_runs(para)
        read = [_run_text(r._r) for r in word_runs]  # type: ignore[attr-defined]
        runs = tuple(Run(text, bool(r.bold) if r.bold is not None else style_bold)
                     for r, (text, _) in zip(word_runs, read) if text)
        not_imported = tuple(_not_imported(read))
        sizes = [r.font.size.pt for r, (text, _) in zip(word_runs, read) if text.strip() and r.font.size is not None]
        size_pt = max(sizes) if sizes else (_style_size(para.style) if para.style is not None else 0.0)
        pictures = _pictures(para)
        text = "".join(r.text for r in runs)
        if not text.strip() and not pictures:
            if not_imported:  # a paragraph of a footnote's mark alone: said at a paragraph of text
                at = next((k for k in range(len(out) - 1, -1, -1) if isinstance(out[k], SourcePara)), None)
                if at is not None:
                    last = out[at]
                    assert isinstance(last, SourcePara)
                    out[at] = replace(last, not_imported=last.not_imported + not_imported)
            continue
        name = style.lower()
        level = _STYLE_LEVEL.get(name, 0)
        m = _STYLE_HEADING.match(name)
        if m:
            level = int(m.group(1))
        for k, line in enumerate(_lines(runs)):  # a soft line return (Shift+Enter) ends a line as in a text file
            if k and not "".join(r.text for r in line).strip():
                continue
            out.append(SourcePara(number, _strip_runs(line), heading=level, size=size_pt or body_size,
                                  style=name, pictures=pictures if k == 0 else (),
                                  not_imported=not_imported if k == 0 else ()))
    return _with_tables(out)


# Word's markup that holds a paragraph's runs (python-docx's ``paragraph.runs`` gives only the
# paragraph's own w:r children: text in a hyperlink, a tracked insertion, a field, a content
# control or a smart tag was dropped, exit 0), and what holds runs that are not its text: a tracked
# deletion or move's old place, and a text box's own paragraphs (ECMA-376 Part 1, §17.13.5, §17.3.3.35).
_NOT_TEXT = ("del", "moveFrom", "txbxContent")
_RUNS = ".//*[local-name()='r' and namespace-uri()='{w}'" + "".join(
    f" and not(ancestor::*[local-name()='{tag}'])" for tag in _NOT_TEXT) + "]"


def _text_runs(para: object) -> list[object]:
    """Every run of the paragraph's text, in order, whatever markup holds it (_RUNS)."""
    from docx.text.run import Run as WordRun

    p = para._p  # type: ignore[attr-defined]
    return [WordRun(r, para) for r in p.xpath(_RUNS.format(w=p.nsmap.get("w", W_NS)))]  # type: ignore[arg-type]


W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
# A run's children that are text (ECMA-376 Part 1, §17.3.3): each as the character it stands for
# (a soft hyphen is a break opportunity, not a character the page prints)
_RUN_CHARS = {"tab": "\t", "ptab": "\t", "cr": "\n", "noBreakHyphen": "-", "softHyphen": ""}
@record(frozen=True)
class _Lost:
    """Something a run holds that is not imported as text, and the run's text before it."""

    kind: str  # "sym", "footnoteReference" or "endnoteReference"
    before: str
    detail: str = ""  # a symbol's font and code


def _run_text(r: object) -> tuple[str, tuple[_Lost, ...]]:
    """A run's text, with ``\\n`` at a line return, and what it holds that is not text: a
    symbol-font character (written as the 〓 a substituted glyph prints, flow/glyphs.py) and a
    footnote or endnote mark."""
    from pagesetter.compose.chars import SUBSTITUTE

    out: list[str] = []
    lost: list[_Lost] = []
    for child in r.iterchildren():  # type: ignore[attr-defined]
        tag = child.tag.rsplit("}", 1)[-1] if isinstance(child.tag, str) else ""
        if tag == "t":
            out.append(child.text or "")
        elif tag == "br":
            out.append("\n")  # a line, page or column break: each ends a line of the copy
        elif tag in _RUN_CHARS:
            out.append(_RUN_CHARS[tag])
        elif tag == "sym":
            attrs = {k.rsplit("}", 1)[-1]: v for k, v in child.attrib.items()}
            lost.append(_Lost("sym", "".join(out), f"{attrs.get('font', '?')} {attrs.get('char', '?')}"))
            out.append(SUBSTITUTE)
        elif tag in ("footnoteReference", "endnoteReference"):
            lost.append(_Lost(tag, "".join(out)))
    return "".join(out), tuple(lost)


def _not_imported(read: list[tuple[str, tuple[_Lost, ...]]]) -> list[str]:
    """The notes for what a paragraph's runs hold that is not imported as text, in order."""
    from pagesetter.compose.chars import SUBSTITUTE

    notes = []
    before = ""
    for text, lost in read:
        for item in lost:
            if item.kind == "sym":
                notes.append(f"a Word symbol ({item.detail}) is not a character: written {SUBSTITUTE}; type the "
                             "character it stands for in its place")
            else:
                what = "a footnote" if item.kind == "footnoteReference" else "an endnote"
                notes.append(f"{what} (its mark after {(before + item.before)[-8:]!r}) is not imported: add its "
                             "text to the copy where it belongs")
        before += text
    return notes


def _lines(runs: tuple[Run, ...]) -> list[tuple[Run, ...]]:
    """The runs parted at each line return (``\\n``) into the lines of the paragraph."""
    lines: list[list[Run]] = [[]]
    for run in runs:
        parts = run.text.split("\n")
        for k, part in enumerate(parts):
            if k:
                lines.append([])
            if part:
                lines[-1].append(Run(part, run.bold))
    return [tuple(line) for line in lines]


# --- Word tables (trial 16b #14: dropped, exit 0, though the article format has tables) ----------

# Put in the body where a Word table could not be made a pipe table, and named in the 'to do' line.
TABLE_MARKER = "【此处有表格未导入，见原稿】"


@record(frozen=True)
class _WordTable:
    """A table of the Word file: the text of each cell by row, or why it is no grid of plain cells."""

    rows: tuple[tuple[str, ...], ...]
    refused: str = ""  # "with merged cells" …: not made a pipe table


def _blocks(document: object) -> list[tuple[int, object]]:
    """The paragraphs and tables of the body in their order, numbered together (a table counts as
    one, as a reader counts the blocks of the page)."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    body = document.element.body  # type: ignore[attr-defined]
    parent = document._body  # type: ignore[attr-defined]
    out: list[tuple[int, object]] = []
    for element in _block_elements(body):
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            out.append((len(out) + 1, Paragraph(element, parent)))
        elif tag == "tbl":
            out.append((len(out) + 1, _word_table(Table(element, parent))))
    return out


def _block_elements(parent: object) -> Iterator[object]:
    """The body's paragraphs and tables in order, those inside a block-level content control
    (w:sdt's w:sdtContent: a template's 正文 box) or custom XML element included (they were skipped
    whole)."""
    for element in parent.iterchildren():  # type: ignore[attr-defined]
        tag = element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""
        if tag == "sdt":
            for content in element.iterchildren():
                if isinstance(content.tag, str) and content.tag.endswith("}sdtContent"):
                    yield from _block_elements(content)
        elif tag == "customXml":
            yield from _block_elements(element)
        else:
            yield element


def _word_table(table: object) -> _WordTable:
    tbl = table._tbl  # type: ignore[attr-defined]
    if tbl.xpath(".//*[local-name()='gridSpan' or local-name()='vMerge' or local-name()='hMerge']"):
        return _WordTable((), "with merged cells")
    if tbl.xpath(".//*[local-name()='tc']//*[local-name()='tbl']"):
        return _WordTable((), "with a table inside a cell")
    if tbl.xpath(".//*[local-name()='blip']"):
        return _WordTable((), "with a picture in a cell")
    rows: list[tuple[str, ...]] = []
    for row in tbl.xpath("./*[local-name()='tr']"):
        cells = row.xpath("./*[local-name()='tc']")
        # a cell's paragraphs joined as one line (a pipe table's cell is one line)
        rows.append(tuple("".join("".join(t.text or "" for t in p.xpath(".//*[local-name()='t']")).strip()
                                  for p in tc.xpath("./*[local-name()='p']")) for tc in cells))
    if len(rows) < 2:
        return _WordTable((), "of one row (no rows under its header)")
    if len({len(r) for r in rows}) > 1:
        return _WordTable((), "whose rows have different numbers of cells")
    if len(rows[0]) < 2:
        return _WordTable((), "of one column (a box of text?)")
    if all(not c for row in rows for c in row):
        return _WordTable((), "with no text in it")
    return _WordTable(tuple(rows))


def _with_tables(items: list[SourcePara | tuple[int, _WordTable]]) -> list[SourcePara]:
    """Each table as the importer's table paragraph, the 表：… paragraph right above it its title and
    the 来源：… one right under it its source; a table that is no grid of plain cells as its marker
    and the paragraph that says why (style "#tables", reported as 'to do')."""
    from pagesetter.content.reader import TABLE_CAPTION, TABLE_SOURCE

    def plain(item: object, number: int, start: tuple[str, ...]) -> bool:
        return isinstance(item, SourcePara) and item.line == number and not item.heading and not item.pictures \
            and item.text.strip().startswith(start)

    out: list[SourcePara] = []
    skip = -1
    for k, item in enumerate(items):
        if k == skip:
            continue
        if isinstance(item, SourcePara):
            out.append(item)
            continue
        number, table = item
        if table.refused:
            out += [SourcePara(number, (Run(TABLE_MARKER),)), SourcePara(number, (Run(table.refused),), style="#tables")]
            continue
        title = out.pop().text.strip() if out and plain(out[-1], number - 1, TABLE_CAPTION) else None
        after = items[k + 1] if k + 1 < len(items) else None
        source = None
        if plain(after, number + 1, TABLE_SOURCE):
            assert isinstance(after, SourcePara)
            source, skip = after.text.strip(), k + 1
        draft = TableDraft(table.rows, title, source)
        out.append(TablePara(number if title is None else number - 1, (Run(draft.text()),), table=draft))
    return out


def _pictures(para: object) -> tuple[Picture, ...]:
    """The pictures of a Word paragraph (each ``a:blip`` names its image part by relationship id)."""
    out = []
    p = para._p  # type: ignore[attr-defined]
    for blip in p.xpath(".//*[local-name()='blip']"):
        rid = next((v for k, v in blip.attrib.items() if k.endswith("}embed")), None)
        part = para.part.related_parts.get(rid) if rid else None  # type: ignore[attr-defined]
        if part is None:
            continue  # a linked (not embedded) picture: nothing in the file to take
        kind = getattr(part, "content_type", "")
        out.append(Picture(PICTURE_SUFFIX.get(kind, ""), part.blob, kind))
    return tuple(out)


def _check_zip(path: Path, loc: Loc) -> None:
    """A .docx is a zip of XML: refuse a file that is not one, or one that unpacks past the limit,
    before any XML parser sees it."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            unpacked = sum(max(info.file_size, 0) for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise InputError(loc, "not a Word .docx file (it is not a zip package); if it is an old .doc "
                         "or another format, save it as .docx or UTF-8 text") from None
    if "word/document.xml" not in names:
        raise InputError(loc, "a zip file, but not a Word document (no word/document.xml); save the copy as .docx")
    if unpacked > MAX_DOCX_UNPACKED:
        raise InputError(loc, f"the Word file unpacks to {unpacked // 1_000_000} MB (limit "
                         f"{MAX_DOCX_UNPACKED // 1_000_000} MB): refused unread (a zip bomb, or pictures to "
                         "send separately)")


def _has_style(document: object, name: str) -> bool:
    try:
        document.styles[name]  # type: ignore[attr-defined]
        return True
    except KeyError:
        return False


def _style_size(style: object) -> float:
    """The type size a style sets, following its base styles."""
    seen = 0
    while style is not None and seen < 20:
        size = style.font.size  # type: ignore[attr-defined]
        if size is not None:
            return float(size.pt)
        style = getattr(style, "base_style", None)
        seen += 1
    return 0.0


def _strip_runs(runs: tuple[Run, ...]) -> tuple[Run, ...]:
    """Leading and trailing blanks (spaces, 一字空 U+3000 typed as an indent) off the paragraph."""
    items = list(runs)
    while items and not items[0].text.strip().strip("\u3000"):
        items.pop(0)
    while items and not items[-1].text.strip().strip("\u3000"):
        items.pop()
    if items:
        items[0] = Run(items[0].text.lstrip().lstrip("\u3000").lstrip(), items[0].bold)
        items[-1] = Run(items[-1].text.rstrip(), items[-1].bold)
    return tuple(items)
