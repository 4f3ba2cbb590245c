"""The layout record our PDFs carry, read back: one reader for every tool (diff, check, preflight)."""

from __future__ import annotations

import json

import pikepdf


def layout_record(page: pikepdf.Page) -> dict:
    """The layout record our PDFs carry in a page's PieceInfo (render/pdf.py: frames, images,
    overset); {} for other PDFs, or one that cannot be read as ours (any PDF may carry anything
    there)."""
    try:
        piece = page.obj.get("/PieceInfo", {}).get("/pagesetter")
        data = json.loads(piece.Private.read_bytes()) if piece is not None and "/Private" in piece else {}
    except (pikepdf.PdfError, ValueError, AttributeError, TypeError):
        return {}
    return data if isinstance(data, dict) else {}
