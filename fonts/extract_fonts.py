"""Regenerate (or check) the font files in this folder from Debian's packages.

    apt-get install fonts-noto-cjk fonts-lxgw-wenkai
    python fonts/extract_fonts.py           # write any file whose glyph data differs
    python fonts/extract_fonts.py --check   # only compare; exit status 1 on a difference

Noto CJK ships as OpenType collections (.ttc) holding the JP, KR, SC, TC and HK
faces (and, for Sans, the Mono ones); we keep the Simplified Chinese (SC) face of
each as a standalone OTF, found by its family name, not by its position. Tables are
copied byte for byte and the source's timestamp is kept, so the output is the same
on every run. A file that differs from its source only in the 'head' table's
timestamp and checksum (as the first extraction does) counts as up to date and is
left alone, to spare the repository another 80 MB of identical glyphs.
LXGW WenKai is copied as it is.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from fontTools.ttLib import TTCollection, TTFont

HERE = Path(__file__).resolve().parent
NOTO = Path("/usr/share/fonts/opentype/noto")
WENKAI = Path("/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf")


@dataclass(frozen=True)
class Extraction:
    collection: str  # file name in NOTO
    family: str  # name ID 1 of the face to keep
    target: str  # file name in this folder


EXTRACTIONS = (
    Extraction("NotoSerifCJK-Regular.ttc", "Noto Serif CJK SC", "NotoSerifCJKsc-Regular.otf"),
    Extraction("NotoSerifCJK-Bold.ttc", "Noto Serif CJK SC", "NotoSerifCJKsc-Bold.otf"),
    Extraction("NotoSansCJK-Regular.ttc", "Noto Sans CJK SC", "NotoSansCJKsc-Regular.otf"),
    Extraction("NotoSansCJK-Bold.ttc", "Noto Sans CJK SC", "NotoSansCJKsc-Bold.otf"),
)

# 'head' bytes that legitimately differ between a face in a collection and the same face saved
# alone: checkSumAdjustment (8-12) and, in files made before this script kept it, modified (28-36).
HEAD_VOLATILE = (slice(8, 12), slice(28, 36))


def find_face(collection: TTCollection, family: str) -> tuple[int, TTFont]:
    matches = [(i, f) for i, f in enumerate(collection.fonts) if f["name"].getDebugName(1) == family]
    if len(matches) != 1:
        raise SystemExit(f"expected one face named {family!r}, found {len(matches)}")
    return matches[0]


def _masked_head(data: bytes) -> bytes:
    out = bytearray(data)
    for part in HEAD_VOLATILE:
        out[part] = bytes(part.stop - part.start)
    return bytes(out)


def same_font(a: TTFont, b: TTFont) -> bool:
    """Same tables with the same bytes, 'head' up to its checksum and timestamp."""
    tags_a, tags_b = sorted(a.reader.keys()), sorted(b.reader.keys())
    if tags_a != tags_b:
        return False
    for tag in tags_a:
        data_a, data_b = a.reader[tag], b.reader[tag]
        if tag == "head":
            data_a, data_b = _masked_head(data_a), _masked_head(data_b)
        if data_a != data_b:
            return False
    return True


def extract(job: Extraction, check: bool) -> bool:
    """Extract (or check) one face; True when the file in this folder is right."""
    collection = TTCollection(str(NOTO / job.collection), lazy=True, recalcBBoxes=False, recalcTimestamp=False)
    index, face = find_face(collection, job.family)
    target = HERE / job.target
    current = TTFont(str(target), lazy=True) if target.is_file() else None
    if current is not None and same_font(face, current):
        print(f"{job.target}: up to date (face {index} of {job.collection}, {describe(target)})")
        return True
    if check:
        print(f"{job.target}: {'differs from' if current else 'missing; it is'} face {index} of {job.collection}")
        return False
    face.save(str(target))  # lazy + no recalculation: every table is copied as read
    print(f"{job.target}: written from face {index} of {job.collection} ({describe(target)})")
    return True


def copy_wenkai(check: bool) -> bool:
    target = HERE / WENKAI.name
    if target.is_file() and target.read_bytes() == WENKAI.read_bytes():
        print(f"{WENKAI.name}: up to date ({describe(target)})")
        return True
    if check:
        print(f"{WENKAI.name}: differs from {WENKAI}")
        return False
    shutil.copyfile(WENKAI, target)
    print(f"{WENKAI.name}: copied from {WENKAI} ({describe(target)})")
    return True


def describe(path: Path) -> str:
    return f"{path.stat().st_size:,} bytes, sha256 {hashlib.sha256(path.read_bytes()).hexdigest()[:16]}…"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare only; write nothing")
    args = parser.parse_args(argv)
    results = [extract(job, args.check) for job in EXTRACTIONS] + [copy_wenkai(args.check)]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
