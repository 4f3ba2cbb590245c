"""A vector logotype from a PDF file: its first page's paths, placed as a form XObject.

A masthead's name plate (报名) is line art: a plant wants it as paths, sharp at any size, not as a
picture resampled to the photo resolution. We read the page's content stream with pikepdf and keep
it only when it is plain line art that needs nothing from outside the stream: paths, clipping,
the graphics state, and grey or CMYK colour (PDF/X-1a allows no RGB). Anything else is refused
with a line that says what to do in the drawing program: live type (fonts), RGB, images,
shadings, transparency or overprint settings (ExtGState), other colour spaces. Marked content and
text objects that show no text (reportlab writes one on every page) are dropped, as they print
nothing.
"""

from __future__ import annotations

from pathlib import Path

from pagesetter.spec.model import VectorArt

# Operators kept as they are (ISO 32000-1 tables 51, 57, 59, 60, 74): general graphics state but
# ExtGState, path construction and painting, clipping, grey and CMYK colour.
KEPT = frozenset({
    "q", "Q", "cm", "w", "J", "j", "M", "d", "ri", "i",
    "m", "l", "c", "v", "y", "h", "re",
    "S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "n", "W", "W*",
    "g", "G", "k", "K", "sc", "SC", "scn", "SCN",
})
# Operators that print nothing: marked content, and the text state of an empty text object.
DROPPED = frozenset({"BMC", "BDC", "EMC", "MP", "DP", "BX", "EX", "Tf", "TL", "Tc", "Tw", "Tz", "Ts", "Tr",
                     "Td", "TD", "Tm", "T*"})
# What a refused operator means, and what the artist does about it.
REFUSED = {
    "rg": "RGB colour; a plate takes CMYK or grey: export the logotype in CMYK",
    "RG": "RGB colour; a plate takes CMYK or grey: export the logotype in CMYK",
    "Tj": "live type (a font); convert the type to outlines",
    "TJ": "live type (a font); convert the type to outlines",
    "'": "live type (a font); convert the type to outlines",
    '"': "live type (a font); convert the type to outlines",
    "Do": "an embedded image or form; give a logotype of paths only",
    "BI": "an inline image; give a logotype of paths only",
    "sh": "a shading (gradient); give a logotype of flat colour",
    "gs": "a graphics state (transparency or overprint); flatten it in the drawing program",
    "d0": "a Type 3 glyph operator", "d1": "a Type 3 glyph operator",
}
DEVICE_SPACES = ("/DeviceGray", "/DeviceCMYK")
MAX_OPERATORS = 500_000  # a name plate is a few thousand path segments; more is not a logotype


class LogoError(ValueError):
    """The file is no usable vector logotype; the message says why."""


def read_pdf_logo(path: Path) -> VectorArt:
    import pikepdf  # only pages with a PDF logotype pay for it

    try:
        with pikepdf.open(path) as pdf:
            if not pdf.pages:
                raise LogoError("the PDF has no page")
            page = pdf.pages[0]
            box = [float(v) for v in (page.obj.get("/CropBox") or page.mediabox)]
            x0, y0, x1, y1 = min(box[0], box[2]), min(box[1], box[3]), max(box[0], box[2]), max(box[1], box[3])
            if x1 - x0 < 1 or y1 - y0 < 1:
                raise LogoError("the PDF page is empty (its box has no area)")
            ops = pikepdf.parse_content_stream(page)
            if len(ops) > MAX_OPERATORS:
                raise LogoError(f"the drawing has {len(ops)} operators, over {MAX_OPERATORS}; simplify it")
            kept = _kept(ops)
            content = pikepdf.unparse_content_stream(kept)
    except LogoError:
        raise
    except pikepdf.PasswordError:
        raise LogoError("the PDF is encrypted") from None
    except (pikepdf.PdfError, OSError, ValueError, TypeError, KeyError) as exc:
        raise LogoError(f"cannot read the PDF ({str(exc).splitlines()[0] if str(exc) else type(exc).__name__})") from None
    if not any(op in (b"f", b"F", b"f*", b"S", b"s", b"B", b"B*", b"b", b"b*") for op in _names(kept)):
        raise LogoError("the PDF page paints nothing")
    return VectorArt(bytes(content), (x0, y0, x1, y1))


def _names(ops: list) -> list[bytes]:  # type: ignore[type-arg]
    return [bytes(str(op.operator), "latin-1") for op in ops]


def _kept(ops: list) -> list:  # type: ignore[type-arg]
    """The operators that draw, checked; raises LogoError for anything a plate cannot take as it is."""
    out = []
    in_text = False
    for item in ops:
        if isinstance(item, Exception) or not hasattr(item, "operator"):
            raise LogoError("its content stream is damaged")
        op = str(item.operator)
        if op in REFUSED:
            raise LogoError(f"the logotype uses {REFUSED[op]}")
        if op == "BT":
            in_text = True
            continue
        if op == "ET":
            in_text = False
            continue
        if op in DROPPED:
            if not in_text and op.startswith("T"):
                raise LogoError(f"its content stream has the text operator {op} outside a text object")
            continue
        if op in ("cs", "CS"):
            name = str(item.operands[0]) if item.operands else ""
            if name not in DEVICE_SPACES:
                raise LogoError(f"the logotype uses the colour space {name or '(none)'}; export it in CMYK or grey")
        elif op in ("sc", "SC", "scn", "SCN"):
            if any(not _is_number(v) for v in item.operands):
                raise LogoError("the logotype uses a pattern or spot colour; export it in CMYK or grey")
        elif op not in KEPT:
            raise LogoError(f"its content stream has the operator {op}, which a logotype of paths does not need")
        if in_text:
            raise LogoError("the logotype draws inside a text object; convert the type to outlines")
        out.append(item)
    return out


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) or type(value).__name__ == "Decimal"
