"""Visual diff of two builds: render both, find the regions that changed, name the articles.

Both PDFs are rendered at the same resolution; pixels that differ are gathered into cells of a
coarse grid and the cells into rectangles. Our PDFs carry their module frames (PieceInfo, see
render/pdfx.py), so each changed region is named by the articles it touches.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
from PIL import Image, ImageChops, ImageDraw

from pagesetter.build import write_atomically
from pagesetter.errors import InputError, Loc
from pagesetter.proof.preview import render_page
from pagesetter.proof.record import layout_record

CELL = 8  # px: changed pixels are gathered into cells this size
THRESHOLD = 40  # grey levels: smaller differences are anti-aliasing noise


@dataclass(frozen=True)
class Region:
    page: int
    x0: float  # pt, PDF user space of the new file
    y0: float
    x1: float
    y1: float
    articles: tuple[str, ...]


@dataclass
class DiffResult:
    regions: list[Region] = field(default_factory=list)
    images: list[Path] = field(default_factory=list)
    pages_old: int = 0
    pages_new: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.regions) or self.pages_old != self.pages_new

    @property
    def articles(self) -> list[str]:
        return sorted({a for r in self.regions for a in r.articles})

    def summary(self) -> str:
        if not self.changed:
            return "no change"
        head = f"{len(self.regions)} changed region(s)"
        if self.pages_old != self.pages_new:
            head += f"; pages {self.pages_old} → {self.pages_new}"
        return head + (f" in: {', '.join(self.articles)}" if self.articles else "")


def _render(path: Path, dpi: float) -> list[Image.Image]:
    try:
        doc = pdfium.PdfDocument(str(path))
    except (pdfium.PdfiumError, FileNotFoundError, OSError) as exc:
        raise InputError(Loc.of_file(path), f"cannot open PDF: {exc}") from None
    try:
        return [render_page(doc, i, dpi / 72, path).convert("RGB") for i in range(len(doc))]
    finally:
        doc.close()


def frames_of(path: Path) -> list[list[dict]]:
    """The module frames each page of one of our PDFs carries (empty for other PDFs)."""
    with pikepdf.open(path) as pdf:
        return [layout_record(page).get("frames", []) for page in pdf.pages]


def diff_pdfs(old: Path, new: Path, out_dir: Path, dpi: float = 50.0) -> DiffResult:
    old_pages, new_pages = _render(old, dpi), _render(new, dpi)
    frames = frames_of(new)
    result = DiffResult(pages_old=len(old_pages), pages_new=len(new_pages))
    scale = 72 / dpi
    for number, (a, b) in enumerate(zip(old_pages, new_pages), 1):
        if a.size != b.size:
            a = a.resize(b.size)
        mask = ImageChops.difference(a, b).convert("L").point(lambda v: 255 if v > THRESHOLD else 0)
        cells = _cells(mask)
        rects = _merge(cells)
        height_pt = b.height * scale
        page_frames = [f for f in frames[number - 1] if f["kind"] == "block"] if number <= len(frames) else []
        marked = b.copy()
        draw = ImageDraw.Draw(marked, "RGBA")
        for x0, y0, x1, y1 in rects:
            box = (x0 * scale, height_pt - y1 * scale, x1 * scale, height_pt - y0 * scale)
            names = tuple(sorted({f["article"] for f in page_frames
                                  if f["x0"] < box[2] and box[0] < f["x1"] and f["y0"] < box[3] and box[1] < f["y1"]}))
            result.regions.append(Region(number, *box, names))
            draw.rectangle((x0, y0, x1, y1), outline=(230, 0, 0, 255), width=2, fill=(255, 0, 0, 40))
        target = out_dir / f"{new.stem}.diff{'' if len(new_pages) == 1 else f'-{number}'}.png"
        buf = io.BytesIO()
        marked.save(buf, "PNG")
        write_atomically(target, buf.getvalue())
        result.images.append(target)
    return result


def _cells(mask: Image.Image) -> set[tuple[int, int]]:
    """The CELL-square cells holding a changed pixel: each cell averaged to one pixel (a 0/255 mask
    averages above 0 exactly where a cell has one), not cropped one by one (a million crops for
    a large page)."""
    w, h = mask.size
    padded = Image.new("L", (-(-w // CELL) * CELL, -(-h // CELL) * CELL), 0)
    padded.paste(mask, (0, 0))
    small = padded.reduce(CELL)
    data = small.tobytes()
    sw = small.width
    return {(i % sw, i // sw) for i, v in enumerate(data) if v}


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
