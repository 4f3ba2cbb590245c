"""Hostile input of the issue's classes, in cases the first suite (test_hostile.py) does not have
(issue 16, Acceptance: "an unseen suite ... passes"): paths out of the project, malformed YAML and
front matter, odd photos and fonts, a hostile environment, odd command lines, runaway text, and
derived values out of range.

Every case runs the real command line on a tiny page (100 × 80 mm, one article) in a throwaway
project, and asserts: an exit status it may have, no traceback, on a refusal one line naming the
file, nothing written or changed outside the project, and when the build says 0 a PDF that reads
back with the article's text (and its photo when it has one)."""

from __future__ import annotations

import os
import resource
import shutil
import signal
import struct
import subprocess
import sys
import threading
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest

from conftest import copy_project
from test_hostile import _edit  # one text edit of a copied project's file, as the first suite makes it
from pagesetter.cache import FOLDER

SPEC = "layout/tiny.yaml"
ARTICLE = "content/tiny.md"
PHOTO = "content/photos/tiny.jpg"
MANIFEST = "fonts/manifest.yaml"
SHEET = "layout/styles/city-daily.yaml"
SONG = "fonts/NotoSerifCJKsc-Regular.otf"
BODY_TEXT = "正文一段。东丰县融媒体中心新闻宣传联合党支部。"
TIMEOUT = 60

TINY_SPEC = """\
page:
  name: tiny
  trim: {width: 100mm, height: 80mm}
  bleed: 3mm
  margins: {top: auto, left: auto}
stylesheets: [styles/city-daily.yaml]
content: ../content
fonts: ../fonts/manifest.yaml
grid:
  columns: 2
  column_width: 10字
  gutter: 1字
  body_size: 小五
  pitch: 13.5pt
  lines: 14
rules: {column: 0.25pt, article: 0.5pt}
articles:
  - article: tiny
    block: {col: 1, cols: 2, line: 1, lines: 14}
    photo: {col: 2, cols: 1, line: 6, lines: 5}
"""

TINY_ARTICLE = f"""\
---
title: 小标题
photos:
  - file: photos/tiny.jpg
    caption: 图片说明。
---

{BODY_TEXT}
"""

Setup = Callable[[Path], None]


@dataclass(frozen=True)
class Case:
    id: str
    setup: Setup
    argv: tuple[str, ...] = ("build", SPEC)
    statuses: frozenset[int] = frozenset({1})
    where: tuple[str, ...] = ()  # the refusal's line starts "pagesetter: error: " + one of these
    words: str = ""  # ... and contains this
    env: dict[str, str] = field(default_factory=dict)  # "{tmp}" is the case's tmp folder
    photo: bool = True  # a PDF built holds the photo


# --- making projects and breaking them ---------------------------------------------------------

def _write(rel: str, data: bytes | str | Callable[[Path], bytes]) -> Setup:
    """``rel`` replaced (never written through: the fonts are hard links to the repository's)."""
    def apply(project: Path) -> None:
        path = project / rel
        content = data(project) if callable(data) else data
        if path.is_symlink() or path.is_file():
            path.unlink()
        elif path.is_dir():
            shutil.rmtree(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return apply


def _symlink(rel: str, target: Callable[[Path], Path]) -> Setup:
    def apply(project: Path) -> None:
        path = project / rel
        to = target(project)
        path.unlink()
        path.symlink_to(to)
    return apply


def _outside(name: str, data: bytes | str) -> Callable[[Path], Path]:
    """A file beside the project (outside it), made by the case: its path."""
    def make(project: Path) -> Path:
        path = project.parent / "outside" / name
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        return path
    return make


def _both(*setups: Setup) -> Setup:
    def apply(project: Path) -> None:
        for s in setups:
            s(project)
    return apply


def _image(mode: str, size: tuple[int, int], fmt: str, **save: object) -> Callable[[Path], bytes]:
    def make(project: Path) -> bytes:
        import io

        from PIL import Image

        im = Image.linear_gradient("L").resize(size).convert(mode) if mode != "P" else \
            Image.linear_gradient("L").resize(size).convert("RGB").quantize(16)
        buf = io.BytesIO()
        im.save(buf, fmt, **save)
        return buf.getvalue()
    return make


def _animated_gif(project: Path) -> bytes:
    import io

    from PIL import Image

    frames = [Image.new("RGB", (600, 450), colour) for colour in ((200, 30, 30), (30, 200, 30), (30, 30, 200))]
    buf = io.BytesIO()
    frames[0].save(buf, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    return buf.getvalue()


def _palette_transparent_png(project: Path) -> bytes:
    import io

    from PIL import Image

    im = Image.linear_gradient("L").resize((600, 450)).convert("RGB").quantize(16)
    buf = io.BytesIO()
    im.save(buf, "PNG", transparency=0)
    return buf.getvalue()


def _cmyk_jpeg_bad_adobe(project: Path) -> bytes:
    """A CMYK JPEG whose APP14 Adobe marker is cut to a few bytes (a damaged segment)."""
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("CMYK", (120, 90), (10, 80, 30, 5)).save(buf, "JPEG")
    data = buf.getvalue()
    at = data.find(b"\xff\xee")
    if at < 0:  # Pillow wrote no Adobe marker: put a damaged one after SOI
        return data[:2] + b"\xff\xee\x00\x07Adob" + data[2:]
    length = int.from_bytes(data[at + 2:at + 4], "big")
    return data[:at] + b"\xff\xee\x00\x07Adob" + data[at + 2 + length:]


def _truncated(rel: str, fraction: float) -> Callable[[Path], bytes]:
    def make(project: Path) -> bytes:
        data = (project / rel).read_bytes()
        return data[: int(len(data) * fraction)]
    return make


def _png_raw(width: int, height: int, rows: int, colour_type: int = 0) -> bytes:
    """A PNG whose IHDR says ``width``×``height`` and whose image data holds ``rows`` rows."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    samples = {0: 1, 2: 3}[colour_type]
    data = zlib.compress((b"\0" + b"\xc0" * (width * samples)) * rows)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0))
            + chunk(b"IDAT", data) + chunk(b"IEND", b""))


def _png_broken_second_chunk(project: Path) -> bytes:
    """A PNG whose image data is split over two IDAT chunks, the second's header garbage: Pillow
    raises SyntaxError from load() (an internal error before)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    width, height = 200, 150
    data = zlib.compress(b"".join(b"\0" + bytes(range(width)) for _ in range(height)))
    half = len(data) // 2
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", data[:half]) + struct.pack(">I", len(data) - half) + b"\x12C\x89\x91" + data[half:]
            + b"\0\0\0\0" + chunk(b"IEND", b""))


def _tiff_bytes(project: Path) -> bytes:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.linear_gradient("L").resize((640, 480)).convert("RGB").save(buf, "TIFF", compression="tiff_lzw")
    return buf.getvalue()


def _tiff_cut_short(project: Path) -> bytes:
    data = _tiff_bytes(project)
    return data[: len(data) * 6 // 10]


def _tiff_corrupt_strip(project: Path) -> bytes:
    """An LZW TIFF whose compressed strips are overwritten with garbage: libtiff complains on the
    process's stderr itself, which must come out as our lines only."""
    data = bytearray(_tiff_bytes(project))
    for at in range(200, len(data) // 2, 7):
        data[at] = 0xFF
    return bytes(data)


def _interlaced_png(project: Path) -> bytes:
    """An Adam7-interlaced RGB PNG (Pillow writes none)."""
    from PIL import Image

    im = Image.linear_gradient("L").resize((301, 225)).convert("RGB")
    px = im.load()
    raw = b""
    for x0, y0, dx, dy in ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)):
        for y in range(y0, im.height, dy):
            row = b"".join(bytes(px[x, y]) for x in range(x0, im.width, dx))
            if row:
                raw += b"\0" + row

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", im.width, im.height, 8, 2, 0, 0, 1))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def _png16_rgb(project: Path) -> bytes:
    """A 16-bit-per-sample RGB PNG (colour type 2, depth 16), written by hand (Pillow writes none)."""
    width, height = 600, 450
    row = b"".join(struct.pack(">HHH", 257 * (x % 256), 40000, 65535 - 257 * (x % 256)) for x in range(width))

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 16, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress((b"\0" + row) * height)) + chunk(b"IEND", b""))


def _jpeg_with_corrupt_exif(project: Path) -> bytes:
    import io

    from PIL import Image

    exif = (b"Exif\x00\x00II*\x00\x08\x00\x00\x00\x05\x00\x12\x01\x03\x00\x01\x00\x00\x00\x01\x00\x00\x00"
            b"\x0f\x01\x02\x00\xff\xff\x00\x00\xf0\xff\x00\x00")
    buf = io.BytesIO()
    Image.linear_gradient("L").resize((600, 450)).convert("RGB").save(buf, "JPEG", exif=exif)
    return buf.getvalue()


def _ttc(faces: int, table_dirs: list[bytes]) -> bytes:
    """A font collection header of ``faces`` faces whose offsets point at ``table_dirs``."""
    head = b"ttcf" + struct.pack(">HHI", 1, 0, faces)
    first = len(head) + 4 * faces
    offsets, body = [], b""
    for i in range(faces):
        offsets.append(first + len(body))
        body += table_dirs[min(i, len(table_dirs) - 1)]
    return head + b"".join(struct.pack(">I", o) for o in offsets) + body


def _font_index(value: str) -> Setup:
    return _edit(MANIFEST, "file: NotoSerifCJKsc-Regular.otf", f"file: NotoSerifCJKsc-Regular.otf\n    index: {value}")


def _billion_laughs(project: Path) -> None:
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
    spec = project / SPEC
    spec.write_text("\n".join(lines) + "\n" + spec.read_text(encoding="utf-8"), encoding="utf-8")


def _front_matter_laughs(project: Path) -> None:
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
    (project / ARTICLE).write_text("---\n" + "\n".join(lines) + "\ntitle: 标题\n---\n\n正文。\n", encoding="utf-8")


def _many_paragraphs(project: Path) -> None:
    paras = "\n\n".join(f"{i}" + "段落文字" * 2_000 for i in range(20))  # 20 × 8,000: past the body limit
    (project / ARTICLE).write_text(TINY_ARTICLE.replace(BODY_TEXT, paras), encoding="utf-8")


def _small_pdf(path: Path, box: tuple[float, float, float, float] = (0, 0, 200, 200), content: bytes = b"") -> None:
    import pikepdf

    path.parent.mkdir(exist_ok=True)
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(200, 200))
    pdf.pages[0].MediaBox = pikepdf.Array(list(box))
    if content:
        pdf.pages[0].Contents = pdf.make_stream(content)
    pdf.save(path)


def _font_without_head(project: Path) -> bytes:
    """The font with its 'head' table record renamed (found by mutating the table directory): the
    subsetter's table reader found no head table (an internal error before)."""
    data = bytearray((project / SONG).read_bytes())
    tables = int.from_bytes(data[4:6], "big")
    for i in range(tables):
        at = 12 + 16 * i
        if data[at:at + 4] == b"head":
            data[at:at + 4] = b"he<d"
    return bytes(data)


def _auto_explosion(project: Path) -> None:
    """auto over nine one-column stacks and twelve articles: 9 ** 12 deals of the articles."""
    text = (project / SPEC).read_text(encoding="utf-8").split("articles:")[0]
    text = text.replace("  columns: 2\n  column_width: 10字", "  columns: 9\n  column_width: 2字")
    (project / SPEC).write_text(text + "auto:\n  line: 1\n  min_cols: 1\n  articles: [" + ", ".join(["tiny"] * 12)
                                + "]\n", encoding="utf-8")


def _many_entries(project: Path) -> None:
    """Thousands of one-cell modules (every pair is checked for overlap)."""
    text = (project / SPEC).read_text(encoding="utf-8").split("articles:")[0]
    cells = "".join(f"  - article: tiny\n    block: {{col: {c + 1}, cols: 1, line: {n + 1}, lines: 1}}\n"
                    for c in range(2) for n in range(14))
    (project / SPEC).write_text(text + "articles:\n" + cells * 100, encoding="utf-8")


def _edition(name: str, pages: str) -> Setup:
    def apply(project: Path) -> None:
        (project / "layout/ed.yaml").write_text(f"edition:\n  name: {name}\n  paper: 城市日报\n  date: 2022-06-30\n"
                                                f"  pages: {pages}\n", encoding="utf-8")
    return apply


def _outside_dir(project: Path) -> Path:
    folder = project.parent / "outside-out"
    folder.mkdir()
    (folder / "keep.txt").write_text("a user's file\n", encoding="utf-8")
    return folder


def _cache_symlink(project: Path) -> None:
    keep = project.parent / "documents"
    keep.mkdir()
    for i in range(5):
        (keep / f"note{i}.txt").write_text("a user's file\n" * 1000, encoding="utf-8")
    (project.parent / "cache-link").symlink_to(keep)


OUT = ("pagesetter: error: ",)
CASES: list[Case] = [
    # --- paths out of the project ---
    Case("article-symlink-out", _symlink(ARTICLE, _outside("secret.md", "---\ntitle: 秘密\n---\n\nhunter2\n")),
         where=(SPEC,), words="outside the project"),
    Case("photo-dotdot", _edit(ARTICLE, "file: photos/tiny.jpg", "file: ../../outside/x.jpg"), where=(ARTICLE,),
         words="outside the project"),
    Case("photo-absolute", _edit(ARTICLE, "file: photos/tiny.jpg", "file: /etc/hostname"), where=(ARTICLE,),
         words="absolute path"),
    Case("photo-symlink-out", _symlink(PHOTO, lambda p: _outside("x.jpg", (p / PHOTO).read_bytes())(p)),
         where=(ARTICLE,), words="outside the project"),
    Case("sheet-dotdot", _both(lambda p: _outside("s.yaml", "styles: {}\n")(p),
                               _edit(SPEC, "stylesheets: [styles/city-daily.yaml]", "stylesheets: [../../outside/s.yaml]")),
         where=(SPEC,), words="outside the project"),
    Case("sheet-symlink-etc-passwd", _symlink(SHEET, lambda p: Path("/etc/passwd")), where=(SPEC, SHEET),
         words="outside the project"),
    Case("fonts-absolute", _edit(SPEC, "fonts: ../fonts/manifest.yaml", "fonts: /etc/passwd"), where=(SPEC,),
         words="outside the project"),
    Case("font-file-dotdot", _both(lambda p: _outside("f.otf", b"OTTO")(p),
                                   _edit(MANIFEST, "file: NotoSerifCJKsc-Regular.otf", "file: ../../outside/f.otf")),
         where=(MANIFEST,), words="outside the project"),
    Case("content-root", _edit(SPEC, "content: ../content", "content: /"), where=(SPEC,), words="outside the project"),
    Case("article-name-dotdot", _edit(SPEC, "article: tiny", "article: ../../outside/secret"), where=(SPEC,)),
    Case("page-name-rtl-override", _edit(SPEC, "name: tiny", 'name: "\\u202Efdp.exe"'), where=(SPEC,),
         words="name"),
    Case("page-name-newline", _edit(SPEC, "name: tiny", 'name: "ti\\nny"'), where=(SPEC,), words="control character"),
    Case("article-chinese-name", _both(lambda p: (p / ARTICLE).rename(p / "content/东丰.md"),
                                       _edit(SPEC, "article: tiny", "article: 东丰")),
         statuses=frozenset({0})),
    # --- malformed YAML ---
    Case("spec-billion-laughs", _billion_laughs, where=(SPEC,), words="aliases"),
    Case("columns-huge-int", _edit(SPEC, "columns: 2", "columns: " + "9" * 30), where=(SPEC,), words="columns"),
    Case("lines-float", _edit(SPEC, "lines: 14", "lines: 14.5"), where=(SPEC,), words="lines"),
    Case("grid-is-a-list", _edit(SPEC, "grid:\n  columns: 2", "grid: [2]\nxgrid:\n  columns: 2"), where=(SPEC,)),
    Case("trim-is-text", _edit(SPEC, "trim: {width: 100mm, height: 80mm}", "trim: big"), where=(SPEC,), words="trim"),
    Case("duplicate-key", _edit(SPEC, "  bleed: 3mm\n", "  bleed: 3mm\n  bleed: 5mm\n"), where=(SPEC,),
         words="duplicate key"),
    Case("articles-mapping", _edit(SPEC, "articles:\n  - article: tiny", "articles:\n  article: tiny"), where=(SPEC,)),
    Case("style-size-is-list", _edit(SHEET, "    size: 小五\n    leading: 13.5pt\n    indent",
                                     "    size: [9, pt]\n    leading: 13.5pt\n    indent"), where=(SHEET,)),
    Case("spec-invalid-utf8", _write(SPEC, b"page:\n  name: \xff\xfe\xfa\n"), where=(SPEC,)),
    Case("spec-empty", _write(SPEC, b""), where=(SPEC,)),
    # --- malformed front matter ---
    Case("front-matter-laughs", _front_matter_laughs, where=(ARTICLE,), words="aliases"),
    Case("front-matter-list", _write(ARTICLE, "---\n- a\n- b\n---\n\n正文。\n"), where=(ARTICLE,), words="mapping"),
    Case("title-is-mapping", _edit(ARTICLE, "title: 小标题", "title: {a: b}"), where=(ARTICLE,), words="title"),
    Case("photos-mapping", _edit(ARTICLE, "photos:\n  - file: photos/tiny.jpg", "photos:\n    file: photos/tiny.jpg"),
         where=(ARTICLE,), words="photos"),
    Case("front-matter-unclosed", _write(ARTICLE, "---\ntitle: 标题\n\n正文。\n"), where=(ARTICLE,), words="never closed"),
    Case("article-nul-in-body", _edit(ARTICLE, "正文一段。", "正文\0一段。"), where=(ARTICLE,)),
    Case("article-crlf", lambda p: (p / ARTICLE).write_bytes((p / ARTICLE).read_bytes().replace(b"\n", b"\r\n")),
         statuses=frozenset({0})),
    Case("article-invalid-utf8", _write(ARTICLE, b"---\ntitle: \xff\xfe\n---\n\nx\n"), where=(ARTICLE,)),
    # --- photos ---
    Case("photo-truncated-jpeg", _write(PHOTO, _truncated(PHOTO, 0.5)), where=(PHOTO,), words="truncated"),
    Case("photo-cmyk-bad-adobe", _write(PHOTO, _cmyk_jpeg_bad_adobe), statuses=frozenset({0, 1, 6}), where=(PHOTO,)),
    Case("photo-16-bit-png", _write(PHOTO, _image("I;16", (600, 450), "PNG")), statuses=frozenset({0})),
    Case("photo-16-bit-rgb-png", _write(PHOTO, _png16_rgb), statuses=frozenset({0})),
    Case("photo-palette-transparency", _write(PHOTO, _palette_transparent_png), statuses=frozenset({0})),
    Case("photo-animated-gif", _write(PHOTO, _animated_gif), statuses=frozenset({0})),
    Case("photo-zero-bytes", _write(PHOTO, b""), where=(ARTICLE,), words="cannot read image"),
    Case("photo-is-directory", lambda p: ((p / PHOTO).unlink(), (p / PHOTO).mkdir()), where=(ARTICLE,),
         words="folder"),
    Case("photo-png-data-cut-short", _write(PHOTO, _png_raw(400, 300, 10)), where=(PHOTO,), words="ends early"),
    Case("photo-png-bomb-header", _write(PHOTO, _png_raw(40000, 40000, 1)), where=(PHOTO,), words="megapixels"),
    Case("photo-png-broken-chunk", _write(PHOTO, _png_broken_second_chunk), where=(PHOTO,), words="cannot read image"),
    Case("photo-tiff-cut-short", _write(PHOTO, _tiff_cut_short), where=(ARTICLE,), words="damaged or cut short"),
    Case("photo-tiff-corrupt-strip", _write(PHOTO, _tiff_corrupt_strip), statuses=frozenset({0, 1}), where=(PHOTO,)),
    Case("photo-tiff-tmpdir-gone", _write(PHOTO, _tiff_bytes), env={"TMPDIR": "{tmp}/no-such-folder"},
         statuses=frozenset({0})),
    Case("photo-png-interlaced", _write(PHOTO, _interlaced_png), statuses=frozenset({0})),
    Case("photo-strip-in-wide-cell", _both(_write(PHOTO, _image("RGB", (1, 20000), "JPEG")),
                                           _edit(SPEC, "photo: {col: 2, cols: 1, line: 6, lines: 5}",
                                                 "photo: {col: 1, cols: 2, line: 6, lines: 3}")),
         where=(PHOTO,), words="less than 2 pixels"),
    Case("photo-strip-in-tall-cell", _both(_write(PHOTO, _image("RGB", (20000, 1), "JPEG")),
                                           _edit(SPEC, "photo: {col: 2, cols: 1, line: 6, lines: 5}",
                                                 "photo: {col: 2, cols: 1, line: 4, lines: 11}")),
         where=(PHOTO,), words="less than 2 pixels"),
    Case("photo-corrupt-exif-quiet", _write(PHOTO, _jpeg_with_corrupt_exif), argv=("build", "-q", "--no-cache", SPEC),
         statuses=frozenset({0})),
    # --- fonts ---
    Case("font-truncated", _write(SONG, _truncated(SONG, 0.3)), where=(SONG, MANIFEST)),
    Case("font-ttc-missing-tables", _write(SONG, _ttc(1, [b"OTTO" + b"\0" * 8])), where=(SONG, MANIFEST)),
    Case("font-ttc-index-past-end", _both(_write(SONG, _ttc(2, [b"OTTO" + b"\0" * 8])), _font_index("5")),
         where=(MANIFEST,), words="index 5"),
    Case("font-index-huge", _font_index("999999"), where=(MANIFEST,), words="index"),
    Case("font-index-negative", _font_index("-1"), where=(MANIFEST,), words="index"),
    Case("font-head-table-renamed", _write(SONG, _font_without_head), where=(SONG,), words="usable font"),
    Case("font-zero-bytes", _write(SONG, b""), where=(SONG, MANIFEST)),
    # --- runaway text and derived values ---
    Case("article-file-huge", lambda p: (p / ARTICLE).write_bytes((p / ARTICLE).read_bytes() + b"\n" * 17_000_000),
         where=(ARTICLE,), words="MB"),
    Case("headline-5mb", _edit(ARTICLE, "title: 小标题", "title: " + "标题文字" * 1_300_000), where=(ARTICLE,),
         words="characters long"),
    Case("paragraph-5mb-no-breaks", _edit(ARTICLE, "正文一段。", "a" * 5_000_000), where=(ARTICLE,),
         words="characters long"),
    Case("body-many-paragraphs", _many_paragraphs, where=(ARTICLE,), words="characters"),
    Case("body-thousands-of-subheads", _edit(ARTICLE, BODY_TEXT, "".join(f"## 小标题{i}\n\n正文{i}。\n\n" for i in range(5000))),
         where=(ARTICLE,), words="paragraphs and subheads"),
    Case("folio-paper-huge", _edit(SPEC, "rules:", "folio: {paper: " + "报" * 50_000 + ", date: 2022-06-30, page: 第3版}\nrules:"),
         where=(SPEC,), words="characters long"),
    Case("headline-only-module-long-title", _both(_edit(ARTICLE, "title: 小标题", "title: " + "标题文字" * 249),
                                                  _edit(ARTICLE, BODY_TEXT, ""),
                                                  _edit(SPEC, "    photo: {col: 2, cols: 1, line: 6, lines: 5}\n", ""),
                                                  _edit(ARTICLE, "photos:\n  - file: photos/tiny.jpg\n    caption: 图片说明。\n", "")),
         statuses=frozenset({3}), words="overset"),
    Case("leading-near-zero", _edit(SHEET, "    size: 小五\n    leading: 13.5pt\n    indent",
                                    "    size: 小五\n    leading: 0.0001字\n    indent"), where=(SHEET,), words="leading"),
    Case("auto-search-explodes", _auto_explosion, where=(SPEC,), words="arrangements"),
    Case("thousands-of-entries", _many_entries, where=(SPEC,), words="article entries"),
    Case("fit-bounds-huge", _edit(SPEC, "    photo: {col: 2, cols: 1, line: 6, lines: 5}\n",
                                  "    photo: {col: 2, cols: 1, line: 6, lines: 5}\n"
                                  "    fit: {photo_lines: [-2000, 2000], headline_lines: [-2000, 2000]}\n"),
         where=(SPEC,), words="combinations"),
    Case("pitch-under-body-size", _edit(SPEC, "pitch: 13.5pt", "pitch: 6pt"), where=(SHEET, SPEC)),
    Case("body-style-over-pitch", _edit(SHEET, "    size: 小五\n    leading: 13.5pt\n    indent",
                                        "    size: 20pt\n    leading: 13.5pt\n    indent"), where=(SHEET,),
         words="pitch"),
    Case("type-area-wider-than-trim", _edit(SPEC, "columns: 2", "columns: 9"), where=(SPEC,), words="trim"),
    Case("margin-pushes-area-off", _edit(SPEC, "margins: {top: auto, left: auto}", "margins: {top: 70mm, left: 5mm}"),
         where=(SPEC,), words="trim"),
    # --- editions ---
    Case("edition-same-page-twice", _edition("ed", "[tiny.yaml, tiny.yaml]"), argv=("build", "layout/ed.yaml"),
         where=("layout/ed.yaml",), words="output/tiny.pdf"),
    Case("edition-named-as-its-page", _edition("tiny", "[tiny.yaml]"), argv=("build", "layout/ed.yaml"),
         where=("layout/ed.yaml",), words="output/tiny.pdf"),
    Case("edition-of-one-page", _edition("ed", "[tiny.yaml]"), argv=("build", "layout/ed.yaml"),
         statuses=frozenset({0})),
    # --- environment ---
    Case("cache-is-a-file", lambda p: (p.parent / "cache-file").write_text("user data\n", encoding="utf-8"),
         env={"PAGESETTER_CACHE": "{tmp}/cache-file"}, statuses=frozenset({0})),
    # "/" itself where a user cannot write there; as root (a container) a folder no one can write to
    Case("cache-is-root", lambda p: None, env={"PAGESETTER_CACHE": "/" if os.geteuid() else "/proc"},
         statuses=frozenset({0})),
    Case("cache-symlink-to-documents", _cache_symlink, env={"PAGESETTER_CACHE": "{tmp}/cache-link"},
         statuses=frozenset({0})),
    # --- odd command lines ---
    Case("output-is-dev-full", lambda p: None, argv=("build", SPEC, "-o", "/dev/full"), where=("/dev/full",)),
    Case("contact-onto-fifo", lambda p: (_small_pdf(p / "output/in.pdf"), os.mkfifo(p / "sheet.png")),
         argv=("preview", "--contact", "sheet.png", "output/in.pdf"), where=("sheet.png",), words="named pipe"),
    Case("preview-huge-mediabox", lambda p: _small_pdf(p / "output/in.pdf", box=(0, 0, 1e9, 1e9)),
         argv=("preview", "output/in.pdf"), where=("output/in.pdf",), words="megapixels"),
    Case("diff-huge-mediabox", lambda p: (_small_pdf(p / "output/in.pdf", box=(0, 0, 14400, 1e8)),
                                          _small_pdf(p / "output/b.pdf")),
         argv=("diff", "output/b.pdf", "output/in.pdf"), where=("output/in.pdf",), words="megapixels"),
    Case("preflight-huge-mediabox", lambda p: _small_pdf(p / "output/in.pdf", box=(0, 0, 14400, 1e8)),
         argv=("preflight", "output/in.pdf"), statuses=frozenset({1, 6}), where=("output/in.pdf",)),
    Case("check-huge-mediabox", lambda p: _small_pdf(p / "output/in.pdf", box=(0, 0, 1e9, 1e9)),
         argv=("check", "output/in.pdf"), statuses=frozenset({0, 1}), where=("output/in.pdf",)),
    # an operator inside an array (found by mutating a built page): pikepdf raises TypeError
    Case("preflight-operator-in-array", lambda p: _small_pdf(p / "output/in.pdf", content=b"BT [q] TJ ET"),
         argv=("preflight", "output/in.pdf"), where=("output/in.pdf",), words="malformed"),
    Case("check-operator-in-array", lambda p: _small_pdf(p / "output/in.pdf", content=b"BT [q] TJ ET"),
         argv=("check", "output/in.pdf"), statuses=frozenset({0, 1, 4}), where=("output/in.pdf",)),
    Case("preview-operator-in-array", lambda p: _small_pdf(p / "output/in.pdf", content=b"BT [q] TJ ET"),
         argv=("preview", "output/in.pdf"), statuses=frozenset({0, 1}), where=("output/in.pdf",)),
    Case("spec-is-directory", lambda p: None, argv=("build", "layout"), where=("layout",)),
    Case("spec-dash-name", lambda p: None, argv=("build", "--", "-x.yaml"), where=("-x.yaml",), words="not found"),
    Case("jobs-zero", lambda p: None, argv=("build", "--jobs", "0"), statuses=frozenset({2})),
    Case("source-date-epoch-text", lambda p: None, env={"SOURCE_DATE_EPOCH": "yesterday"}, statuses=frozenset({2})),
    Case("source-date-epoch-huge", lambda p: None, env={"SOURCE_DATE_EPOCH": "9" * 30}, statuses=frozenset({2})),
    Case("source-date-epoch-float", lambda p: None, env={"SOURCE_DATE_EPOCH": "1e10"}, statuses=frozenset({2})),
    Case("stdout-ascii-only", lambda p: None, env={"PYTHONIOENCODING": "ascii"}, statuses=frozenset({0})),
    Case("preview-zero-byte-pdf", _write("output/in.pdf", b""), argv=("preview", "output/in.pdf"),
         where=("output/in.pdf",)),
    # a project without a pagesetter.toml: the default output folder is refused as a link out
    Case("output-symlink-out", lambda p: ((p / "pagesetter.toml").unlink(), (p / "output").symlink_to(_outside_dir(p))),
         argv=("build", SPEC), where=("output",), words="outside"),
    # one whose pagesetter.toml names it: refused at the file that names it
    Case("output-symlink-out-toml", lambda p: (p / "output").symlink_to(_outside_dir(p)), argv=("build", SPEC),
         where=("pagesetter.toml",), words="leads out of the project"),
    Case("output-is-a-file", _write("out", b"a file\n"), argv=("build", SPEC, "-o", "out"), where=("out",)),
]


# --- running a case ------------------------------------------------------------------------------

def _tree(folder: Path, skip: Path) -> dict[str, tuple[int, int]]:
    seen = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = [d for d in dirnames if Path(dirpath, d) != skip]
        for name in filenames:
            st = Path(dirpath, name).lstat()
            seen[str(Path(dirpath, name))] = (st.st_size, st.st_mtime_ns)
    return seen


def _root_listing() -> set[str]:
    return set(os.listdir("/"))


def tiny_project(dest: Path) -> Path:
    project = copy_project(dest)
    (project / SPEC).write_text(TINY_SPEC, encoding="utf-8")
    (project / ARTICLE).write_text(TINY_ARTICLE, encoding="utf-8")
    shutil.copy(project / "content/photos/dongfeng-media.jpg", project / PHOTO)
    return project


def run_cli(project: Path, argv: tuple[str, ...], env: dict[str, str] | None = None,
            limit_file_size: int | None = None) -> subprocess.CompletedProcess[str]:
    full = dict(os.environ)
    full.pop("PYTHONWARNINGS", None)  # a warning must be ours, one line, even when Python would show it
    (project.parent / "tmp").mkdir(exist_ok=True)
    full["TMPDIR"] = str(project.parent / "tmp")  # an internal-error log lands here, not in /tmp
    full.update(env or {})

    def limits() -> None:
        if limit_file_size is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit_file_size, limit_file_size))

    return subprocess.run([sys.executable, "-m", "pagesetter", *argv], cwd=project, capture_output=True, text=True,
                          timeout=TIMEOUT, env=full, preexec_fn=limits)


def check_pdf(pdf: Path, photo: bool) -> None:
    """The PDF reads back: one page, the article's text, and its photo."""
    import pdfplumber

    with pdfplumber.open(pdf) as doc:
        assert len(doc.pages) == 1
        text = "".join(ch["text"] for ch in doc.pages[0].chars)
        images = doc.pages[0].images
    assert "正文一段" in text and "融媒体中心" in text, text[:200]
    assert bool(images) == photo, images


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_unseen_hostile_case(tmp_path: Path, case: Case) -> None:
    project = tiny_project(tmp_path / "proj")
    (tmp_path / "tmp").mkdir(exist_ok=True)
    case.setup(project)
    env = {k: v.replace("{tmp}", str(tmp_path)) for k, v in case.env.items()}
    env.setdefault("TMPDIR", str(tmp_path / "tmp"))  # an internal-error log would land here
    outside_before = _tree(tmp_path, project)
    root_before = _root_listing()
    started = _children_cpu()
    run = run_cli(project, case.argv, env)
    cpu = _children_cpu() - started
    err = run.stderr.strip()
    print(f"{case.id}: exit {run.returncode} ({cpu:.1f} s CPU): {err[-400:]}")  # shown with -s, or when the case fails
    assert run.returncode in case.statuses, (run.returncode, err[-1500:], run.stdout[-300:])
    assert "Traceback" not in run.stderr + run.stdout, err[-1500:]
    assert "Node(" not in err and " object at 0x" not in err, err  # no record of ours, no Python repr
    # The work it took, not the wall time: a shared two-core machine running other suites as well
    # stretches the wall time of the same work tenfold (a hang is run_cli's timeout).
    assert cpu < 30, f"bounded: a hostile input is refused or built within seconds of CPU ({cpu:.1f} s)"
    if run.returncode == 1:
        assert len(err.splitlines()) == 1, err
        assert any(err.startswith(f"pagesetter: error: {w}") for w in case.where), err
        assert case.words in err, err
        assert "hunter2" not in err and "root:" not in err, err
    elif run.returncode == 3:  # overset: one line saying so, and no PDF
        assert len(err.splitlines()) == 1 and err.startswith("pagesetter: error: overset"), err
        assert not (project / "output/tiny.pdf").exists()
    elif run.returncode == 2:
        assert sum("error" in line for line in err.splitlines()) == 1, err
    elif run.returncode == 0 and case.argv[0] == "build":
        check_pdf(project / "output/tiny.pdf", case.photo)
    if "-q" in case.argv:  # quiet: a library's warning is one of ours, not Python's two-line text
        assert all(line.startswith(("warning: ", "pagesetter: error: ")) for line in err.splitlines()), err
    after = _tree(tmp_path, project)
    changed = [k for k, v in outside_before.items() if after.get(k) != v]
    # new files outside the project: only the cache's own folder inside one a case chose for it
    new = [k for k in after if k not in outside_before and not k.startswith(str(tmp_path / "documents" / FOLDER))]
    assert not changed and not new, ("written outside the project", changed, new)
    assert _root_listing() == root_before
    assert Path("/dev/full").is_char_device()


# --- cases that need more than one run ---------------------------------------------------------


def test_a_full_disk_names_the_file_and_keeps_the_last_pdf(tmp_path: Path) -> None:
    """A write the system refuses part-way (here: the file size limit, as a full disk would) is one
    line naming the output file; the PDF of the last build stays as it was."""
    project = tiny_project(tmp_path / "proj")
    first = run_cli(project, ("build", "-q", "--no-cache", SPEC))
    assert first.returncode == 0, first.stderr
    good = (project / "output/tiny.pdf").read_bytes()
    (project / ARTICLE).write_text(TINY_ARTICLE.replace("正文一段。", "正文两段。"), encoding="utf-8")
    run = run_cli(project, ("build", "-q", "--no-cache", SPEC), limit_file_size=20_000)
    err = run.stderr.strip()
    assert run.returncode == 1 and "Traceback" not in err and len(err.splitlines()) == 1, err
    assert err.startswith("pagesetter: error: output/tiny.pdf: File too large"), err
    assert (project / "output/tiny.pdf").read_bytes() == good
    assert sorted(p.name for p in (project / "output").iterdir()) == ["tiny.pdf"]  # no temporary left


def test_a_python_warning_is_one_located_line(tmp_path: Path) -> None:
    """A photo with corrupt EXIF: Pillow's warnings come out as our one-line warnings naming the
    photo (not as Python's two-line warning text), and the page builds."""
    project = tiny_project(tmp_path / "proj")
    _write(PHOTO, _jpeg_with_corrupt_exif)(project)
    run = run_cli(project, ("build", "--no-cache", SPEC))  # a cached photo is not decoded again
    assert run.returncode == 0, run.stderr
    pillow = [line for line in run.stderr.splitlines() if "EXIF" in line or "Tag data" in line]
    assert pillow and all(line.startswith(f"warning: {PHOTO}: photo: UserWarning: ") for line in pillow), run.stderr
    assert len(pillow) == len(set(pillow)), run.stderr  # each once
    assert "warnings.warn" not in run.stderr and "site-packages" not in run.stderr, run.stderr
    check_pdf(project / "output/tiny.pdf", photo=True)


def _latin_project(dest: Path) -> Path:
    """The seed page with four long, distinct Latin bodies: the precompose child sets for seconds."""
    project = copy_project(dest)
    for name in ("dongfeng-media", "dongliao-police", "xianglu-street", "xian-education"):
        path = project / "content" / f"{name}.md"
        head = path.read_text(encoding="utf-8").split("---\n", 2)[1]
        body = "\n\n".join("a" * 19_000 + f"{i}{name}" for i in range(5))
        path.write_text(f"---\n{head}---\n\n{body}\n", encoding="utf-8")
    return project


def _children(pid: int) -> list[int]:
    return _children_of_thread(pid, pid)


def _children_cpu() -> float:
    """CPU seconds (user and system) of this process's ended children, and theirs: a command's
    own and its Ghostscript's, its workers'."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _children_of_thread(pid: int, thread: int) -> list[int]:
    """The processes ``thread`` of ``pid`` forked that are not reaped yet (Linux /proc)."""
    try:
        with open(f"/proc/{pid}/task/{thread}/children", encoding="ascii") as fh:
            return [int(x) for x in fh.read().split()]
    except OSError:
        return []


@pytest.mark.skipif(not Path("/proc/self/task").is_dir() or (os.cpu_count() or 1) < 2,
                    reason="needs Linux /proc and two cores (no precompose child otherwise)")
def test_killing_the_build_leaves_no_precompose_worker(tmp_path: Path) -> None:
    """The parent killed while its forked child sets half the page: the child goes too (before, it
    set on, then blocked for ever writing to the pipe whose reading end it held itself)."""
    project = _latin_project(tmp_path / "proj")
    build = subprocess.Popen([sys.executable, "-m", "pagesetter", "build", "-q", "--no-cache", "--allow-overset"],
                             cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    children: list[int] = []
    try:
        deadline = time.monotonic() + 30
        while not children and time.monotonic() < deadline and build.poll() is None:
            time.sleep(0.05)
            children = _children(build.pid)
        assert children, "the build forked no precompose child"
        build.send_signal(signal.SIGKILL)
        build.wait()
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and any(Path(f"/proc/{c}").exists() and
                                                   "Z" not in Path(f"/proc/{c}/stat").read_text().split()[2]
                                                   for c in children):
            time.sleep(0.05)
        alive = [c for c in children if Path(f"/proc/{c}").exists()
                 and Path(f"/proc/{c}/stat").read_text().split()[2] != "Z"]
        assert not alive, f"precompose child {alive} outlived its parent"
    finally:
        if build.poll() is None:
            build.kill()
            build.wait()
        for c in children:  # a test that failed leaves nothing running either
            try:
                os.kill(c, signal.SIGKILL)
            except ProcessLookupError:
                pass


def _alive(pids: list[int]) -> list[int]:
    """Those of ``pids`` still running (a zombie waiting for its dead parent's reaper is not)."""
    out = []
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            out.append(pid)
    return out


@pytest.mark.skipif(not Path("/proc/self/task").is_dir() or (os.cpu_count() or 1) < 2,
                    reason="needs Linux /proc and two cores (pages are built in this process otherwise)")
def test_killing_an_edition_build_leaves_no_page_worker(tmp_path: Path) -> None:
    """An edition's page workers, the parent killed while they set a page: they go too (before, a
    worker finished its page and then waited for ever on a queue no one would write to again)."""
    project = _latin_project(tmp_path / "proj")
    build = subprocess.Popen([sys.executable, "-m", "pagesetter", "build", "-q", "--no-cache", "--allow-overset",
                              "-j", "2", "layout/tabloid-edition.yaml"],
                             cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: list[int] = []
    try:
        deadline = time.monotonic() + 30
        while not workers and time.monotonic() < deadline and build.poll() is None:
            time.sleep(0.05)
            workers = _children(build.pid)
        assert workers, "the edition started no page worker"
        time.sleep(0.3)  # the worker is setting its page now
        workers = _children(build.pid) or workers
        build.send_signal(signal.SIGKILL)
        build.wait()
        deadline = time.monotonic() + 5
        while _alive(workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(workers), f"page workers {_alive(workers)} outlived their parent"
    finally:
        if build.poll() is None:
            build.kill()
            build.wait()
        for pid in _alive(workers):
            os.kill(pid, signal.SIGKILL)


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: no precompose child")
def test_a_failed_half_kills_the_precompose_child(tmp_path: Path) -> None:
    """This process's half of a page fails (a 13 pt lead character in 9 pt columns) while the child
    sets the other half: the error comes back at once and no child is left running."""
    import threading

    from pagesetter.build import load_inputs
    from pagesetter.errors import InputError
    from pagesetter.flow.precompose import precompose
    from pagesetter.fonts.face import FaceSet

    if threading.active_count() > 1:
        pytest.skip("threads running: precompose does not fork beside them")
    project = _latin_project(tmp_path / "proj")
    spec_path = project / "layout" / "seed-page.yaml"
    text = spec_path.read_text(encoding="utf-8").replace("column_width: 13字", "column_width: 1字", 1)
    spec_path.write_text(text + "styles:\n  lead: {base: body, font: hei, size: 13pt}\n", encoding="utf-8")
    largest = project / "content" / "xian-education.md"  # set by this process (the larger half first)
    head, body = largest.read_text(encoding="utf-8").split("---\n", 2)[1:]
    largest.write_text(f"---\n{head}---\n\n**导语**\n\n{body.strip()}\n\n" + "b" * 2_000 + "\n", encoding="utf-8")
    spec, manifest, articles, _ = load_inputs(spec_path)
    before = _own_children()
    with pytest.raises(InputError, match="wider than the column"):
        precompose(spec, articles, FaceSet(manifest))
    # the child forked is neither running nor a zombie: killed and reaped
    assert _own_children() == before


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: no precompose child")
@pytest.mark.parametrize("sent", ["nothing", "broken", "code"])
def test_a_child_that_sends_nothing_or_garbage_leaves_the_page_to_the_parent(
        sent: str, root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The precompose child dies at once, or writes a broken pickle, or one naming a callable that
    is no record type: the parent sets those bodies itself (the same page), and reaps the child."""
    from pagesetter.build import load_inputs
    from pagesetter.flow import precompose as module
    from pagesetter.flow.page import flow_page
    from pagesetter.fonts.face import FaceSet

    if threading.active_count() > 1:
        pytest.skip("threads running: precompose does not fork beside them")

    ran = tmp_path / "ran"
    payload = {"nothing": b"", "broken": b"\x80\x05garbage",  # a pickle that calls os.system when loaded
               "code": f"cos\nsystem\n(S'touch {ran}'\ntR.".encode()}[sent]

    def child(jobs: object, spec: object, faces: object, send: int, receive: int, parent: int) -> None:
        os.write(send, payload)
        os._exit(0)

    spec, manifest, articles, _ = load_inputs(root / "layout" / "seed-page.yaml")
    serial = flow_page(spec, articles, FaceSet(manifest))
    monkeypatch.setattr(module, "_child", child)
    faces = FaceSet(manifest)
    before = _own_children()
    module.precompose(spec, articles, faces)
    assert _own_children() == before and not ran.exists()
    parallel = flow_page(spec, articles, faces)
    assert parallel.page == serial.page and parallel.warnings == serial.warnings


def _own_children() -> set[int]:
    """This process's children, running or zombie (not yet reaped): from /proc on Linux, else
    only whether there is any (os.waitpid answers ChildProcessError when there is none)."""
    if Path(f"/proc/self/task/{threading.get_native_id()}/children").exists():
        return set(_children_of_thread(os.getpid(), threading.get_native_id()))
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return set()
    return {-1}  # some child: one left over fails the comparison only if there was none before


def test_a_relative_or_empty_cache_home_puts_no_cache_in_the_project(tmp_path: Path) -> None:
    """XDG_CACHE_HOME=rel (invalid by the XDG spec: relative) and HOME= (empty): before, the cache
    went to ./rel or ./.cache of wherever the build ran; now the build runs with the cache off."""
    project = tiny_project(tmp_path / "proj")
    before = sorted(p.name for p in project.iterdir())
    env = {"PAGESETTER_CACHE": "", "XDG_CACHE_HOME": "rel", "HOME": ""}
    run = run_cli(project, ("build", "-q", SPEC), env)
    assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in project.iterdir()) == sorted(before + ["output"])
    check_pdf(project / "output/tiny.pdf", photo=True)
