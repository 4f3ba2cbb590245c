"""PNG previews of a PDF with pypdfium2 (no system tools needed)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING

import pypdfium2 as pdfium

from pagesetter.build import write_atomically
from pagesetter.errors import InputError, Loc

if TYPE_CHECKING:
    from PIL import Image

# Pixels one page may be rendered to. A 对开 broadsheet at 1,200 dpi (the highest --dpi) is 474
# megapixels; a page whose MediaBox claims a square kilometre would ask for petabytes.
MAX_RENDER_PIXELS = 500_000_000


def render_page(doc: "pdfium.PdfDocument", index: int, scale: float, pdf_path: Path) -> "Image.Image":
    """Page ``index`` of ``doc`` as a PIL image at ``scale`` pixels per point, refused in one located
    line when its MediaBox is degenerate or would need more than MAX_RENDER_PIXELS."""
    page = doc[index]
    try:
        width, height = page.get_size()
        pixels = width * scale * height * scale
        if not (math.isfinite(pixels) and width > 0 and height > 0):
            raise InputError(Loc.of_file(pdf_path), f"page {index + 1} has no usable size ({width:g}×{height:g} pt)")
        if pixels > MAX_RENDER_PIXELS:
            raise InputError(Loc.of_file(pdf_path), f"page {index + 1} is {width:.6g}×{height:.6g} pt: at "
                             f"{scale * 72:g} dpi that is {pixels / 1e6:,.0f} megapixels, over the limit of "
                             f"{MAX_RENDER_PIXELS // 1_000_000}; give a lower --dpi")
        try:
            return page.render(scale=scale).to_pil()
        except MemoryError:
            raise InputError(Loc.of_file(pdf_path), f"not enough memory to render page {index + 1} at "
                             f"{scale * 72:g} dpi; give a lower --dpi") from None
    finally:
        page.close()


def render_png(pdf_path: Path, out_dir: Path, dpi: float = 50.0) -> list[Path]:
    """One PNG per page, named <pdf stem>[-<n>].png; returns the paths written."""
    try:
        doc = pdfium.PdfDocument(str(pdf_path))
    except (pdfium.PdfiumError, FileNotFoundError) as exc:
        raise InputError(Loc.of_file(pdf_path), f"cannot open PDF: {exc}") from None
    written: list[Path] = []
    try:
        for i in range(len(doc)):
            image = render_page(doc, i, dpi / 72, pdf_path)
            name = f"{pdf_path.stem}.png" if len(doc) == 1 else f"{pdf_path.stem}-{i + 1}.png"
            target = out_dir / name
            import io

            buf = io.BytesIO()
            image.save(buf, "PNG")
            write_atomically(target, buf.getvalue())
            written.append(target)
    finally:
        doc.close()
    return written


def contact_sheet(pdfs: list[Path], target: Path, thumb_height: int = 400, columns: int = 6) -> Path:
    """All pages of the PDFs as thumbnails in one PNG, in order, each under its file and page number."""
    from PIL import Image, ImageDraw

    thumbs: list[tuple[str, "Image.Image"]] = []
    for pdf in pdfs:
        try:
            doc = pdfium.PdfDocument(str(pdf))
        except (pdfium.PdfiumError, FileNotFoundError) as exc:
            raise InputError(Loc.of_file(pdf), f"cannot open PDF: {exc}") from None
        try:
            for i in range(len(doc)):
                height = doc[i].get_size()[1]
                scale = thumb_height / height if height > 0 else 1.0  # render_page refuses a flat page
                thumbs.append((f"{pdf.stem} p{i + 1}", render_page(doc, i, scale, pdf).convert("RGB")))
        finally:
            doc.close()
    if not thumbs:
        raise InputError(None, "no pages to put on a contact sheet")
    cell_w = max(t.width for _, t in thumbs) + 20
    cell_h = thumb_height + 40
    cols = min(columns, len(thumbs))
    rows = (len(thumbs) + cols - 1) // cols
    sheet = Image.new("RGB", (cols * cell_w, rows * cell_h), (230, 230, 230))
    draw = ImageDraw.Draw(sheet)
    for n, (label, thumb) in enumerate(thumbs):
        x, y = (n % cols) * cell_w + 10, (n // cols) * cell_h + 10
        sheet.paste(thumb, (x, y))
        draw.text((x, y + thumb_height + 6), label, fill=(0, 0, 0))
    import io

    buf = io.BytesIO()
    sheet.save(buf, "PNG")
    write_atomically(target, buf.getvalue())
    return target
