"""PNG previews of a PDF with pypdfium2 (no system tools needed)."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium

from pagesetter.build import write_atomically
from pagesetter.errors import InputError, Loc


def render_png(pdf_path: Path, out_dir: Path, dpi: float = 50.0) -> list[Path]:
    """One PNG per page, named <pdf stem>[-<n>].png; returns the paths written."""
    try:
        doc = pdfium.PdfDocument(str(pdf_path))
    except (pdfium.PdfiumError, FileNotFoundError) as exc:
        raise InputError(Loc.of_file(pdf_path), f"cannot open PDF: {exc}") from None
    written: list[Path] = []
    try:
        for i in range(len(doc)):
            bitmap = doc[i].render(scale=dpi / 72)
            image = bitmap.to_pil()
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
                page = doc[i]
                scale = thumb_height / page.get_size()[1]
                thumbs.append((f"{pdf.stem} p{i + 1}", page.render(scale=scale).to_pil().convert("RGB")))
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
