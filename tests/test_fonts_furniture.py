"""`pagesetter fonts` counts every text the page prints from its spec: the 报眉's fields (paper,
date, 版次, 版名, 责任编辑, extra), the slug's and the jump lines' (flow/glyphs.py furniture_texts),
besides the articles and the masthead.

Before: a rare character in the 报眉's editor name (𠀎, U+2000E: LXGW WenKai has it, Noto Serif
CJK SC, the folio style's face, has not) was printed from the fallback face by the build, but
`fonts` said of the folio's face 'none lacking' beyond the articles' own: the 报眉 was not read."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def _fonts(project: Path, spec: str) -> list[str]:
    run = subprocess.run([sys.executable, "-m", "pagesetter", "fonts", spec], cwd=project, capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    return run.stdout.splitlines()


def _face(out: list[str], key: str) -> list[str]:
    start = next(i for i, line in enumerate(out) if line.startswith(f"{key}: "))
    end = next((i for i in range(start + 1, len(out)) if not out[i].startswith(" ")), len(out))
    return out[start:end]


def _content(lines: list[str]) -> int:
    line = next(line for line in lines if line.startswith("  content: "))
    return int(line.split()[1])


def test_the_folios_characters_are_counted_and_a_lacking_one_is_said(project: Path) -> None:
    spec = project / "layout" / "seed-page.yaml"
    before = _face(_fonts(project, "layout/seed-page.yaml"), "song")
    assert "folio" in before[1]  # the folio style is set in song (city-daily.yaml)
    spec.write_text(spec.read_text(encoding="utf-8").replace("editor: 王岩", "editor: 王𠀎"), encoding="utf-8")
    after = _face(_fonts(project, "layout/seed-page.yaml"), "song")
    assert "    U+2000E CJK UNIFIED IDEOGRAPH-2000E (𠀎) ×1: printed from kai" in after, after
    # and the 报眉 is counted whole: taking it out of the spec takes its characters out of the count
    text = spec.read_text(encoding="utf-8")
    start = text.index("folio:\n")
    end = text.index("articles:")
    spec.write_text(text[:start] + text[end:], encoding="utf-8")
    without = _face(_fonts(project, "layout/seed-page.yaml"), "song")
    folio_chars = len("城市日报" "2022年6月30日星期四" "第3版" "专版" "责任编辑：王𠀎" "美编：李丹" "校对：张华")
    assert _content(after) - _content(without) >= folio_chars, (after, without)
