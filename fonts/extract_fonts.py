"""Regenerate the font files in this folder from Debian's packages.

    apt-get install fonts-noto-cjk fonts-lxgw-wenkai
    python fonts/extract_fonts.py

Noto CJK ships as OpenType collections (.ttc) holding the JP, KR, SC, TC and HK
faces; we keep the Simplified Chinese (SC) face of each as a standalone OTF.
LXGW WenKai is copied as it is.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from fontTools.ttLib import TTCollection

HERE = Path(__file__).resolve().parent
NOTO = Path("/usr/share/fonts/opentype/noto")
WENKAI = Path("/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf")

COLLECTIONS = {
    "NotoSerifCJK-Regular.ttc": ("Noto Serif CJK SC", "NotoSerifCJKsc-Regular.otf"),
    "NotoSerifCJK-Bold.ttc": ("Noto Serif CJK SC", "NotoSerifCJKsc-Bold.otf"),
    "NotoSansCJK-Regular.ttc": ("Noto Sans CJK SC", "NotoSansCJKsc-Regular.otf"),
    "NotoSansCJK-Bold.ttc": ("Noto Sans CJK SC", "NotoSansCJKsc-Bold.otf"),
}


def extract_sc(ttc: Path, family: str, target: Path) -> int:
    """Save the face of ``family`` from the collection; returns its index in the collection."""
    collection = TTCollection(str(ttc))
    for index, font in enumerate(collection.fonts):
        if font["name"].getDebugName(1) == family:
            font.save(str(target))
            return index
    raise SystemExit(f"{ttc}: no face named {family!r}")


def main() -> None:
    for name, (family, out) in COLLECTIONS.items():
        index = extract_sc(NOTO / name, family, HERE / out)
        print(f"{out}: face {index} of {name}")
    shutil.copyfile(WENKAI, HERE / WENKAI.name)
    print(f"{WENKAI.name}: copied")


if __name__ == "__main__":
    sys.exit(main())
