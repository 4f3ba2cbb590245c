"""The layout record our PDFs carry, read back: one reader for every tool (diff, check, preflight)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pikepdf

    from pagesetter.proof.readback import Char

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in pt from the page's top-left

NEAR = 1.0  # em: a character this close outside a block (a hanging mark) still belongs to it


def layout_record(page: "pikepdf.Page") -> dict:
    """The layout record our PDFs carry in a page's PieceInfo (render/pdf.py: frames, furniture, images,
    overset); {} for other PDFs, or one that cannot be read as ours (any PDF may carry anything
    there)."""
    import pikepdf  # only where a record is read: check's start-up does not pay for it

    try:
        piece = page.obj.get("/PieceInfo", {}).get("/pagesetter")
        data = json.loads(piece.Private.read_bytes()) if piece is not None and "/Private" in piece else {}
    except (pikepdf.PdfError, ValueError, AttributeError, TypeError):
        return {}
    return data if isinstance(data, dict) else {}


def blocks(record: dict) -> list[tuple[str, Box]]:
    """The article blocks of a record, skipping any entry that is not one (any PDF may carry
    anything under PieceInfo)."""
    out = []
    for f in record.get("frames", []) if isinstance(record.get("frames"), list) else []:
        try:
            if f["kind"] == "block":
                out.append((str(f["article"]), (float(f["x0"]), float(f["y0"]), float(f["x1"]), float(f["y1"]))))
        except (KeyError, TypeError, ValueError):
            continue
    return out


def parts(record: dict, kinds: frozenset[str]) -> list[tuple[str, str, Box]]:
    """The frames of the given kinds (caption, headline) as (article, kind, box), skipping any
    entry that is not one."""
    out = []
    for f in record.get("frames", []) if isinstance(record.get("frames"), list) else []:
        try:
            if f["kind"] in kinds:
                out.append((str(f["article"]), str(f["kind"]),
                            (float(f["x0"]), float(f["y0"]), float(f["x1"]), float(f["y1"]))))
        except (KeyError, TypeError, ValueError):
            continue
    return out


def owner(c: "Char", height: float, blocks: list[tuple[str, Box]]) -> str | None:
    """The article whose block holds the character's origin, or the nearest within NEAR em."""
    y = height - c.baseline
    x = c.x
    for name, (x0, y0, x1, y1) in blocks:  # the first block holding it (distance 0), found cheaply
        if x0 <= x <= x1 and y0 <= y <= y1:
            return name
    best, distance = None, NEAR * max(c.size, 1.0)
    for name, (x0, y0, x1, y1) in blocks:
        d = max(x0 - c.x, c.x - x1, 0.0) + max(y0 - y, y - y1, 0.0)  # > 0: no block holds it
        if d <= distance:
            best, distance = name, d
    return best
