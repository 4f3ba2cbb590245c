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
