"""Makes the fit-caption test page's pictures (tests/pages/layout/fit-caption.yaml): a 1:8 strip,
far narrower than its cell, whose caption keeps a minimum measure, and a 2:3 upright picture,
whose caption takes its width. Drawn by photo-fit's generator (gradient, red frame, an X, discs),
the discs down the middle. Deterministic: run it again and the files are the same. Run from this
folder with any Python that has Pillow."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "photo-fit"))
from make_photos import picture  # noqa: E402

picture(120, 960, discs_down=True).save("sliver.jpg", quality=80)  # 1:8
picture(600, 900, discs_down=True).save("upright.jpg", quality=80)  # 2:3
