"""Characters no face has in the page's furniture (报眉, slug): the build stops with one located
line each at the spec's field, or (missing_glyphs: substitute) prints 〓 and warns, as the
masthead and every article role do.

Before (trial 15): main's build of furniture-glyphs.yaml (editor 王𰀀, section 要闻<U+E000>,
paper 城市日报😀, missing_glyphs: error) exited 0 with nothing said, the 报眉 printing 责任编辑：王
and 要闻 and the slug 城市日报; under substitute no 〓 was printed and nothing warned.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from pagesetter.proof.readback import read_chars

LAYOUT = Path(__file__).resolve().parent / "pages" / "layout"


def _build(spec: Path, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pagesetter", "build", "-q", "--no-cache", "-o", str(out), str(spec)],
                          capture_output=True, text=True, timeout=300)


def test_a_folio_character_no_face_has_stops_the_build_at_its_field(tmp_path: Path) -> None:
    spec = LAYOUT / "furniture-glyphs.yaml"
    run = _build(spec, tmp_path)
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr
    errors = [line for line in run.stderr.splitlines() if line.startswith("pagesetter: error:")]
    # one line a character, at the field's value in the spec (lines 20, 23, 24), said once though
    # the slug repeats the paper and the section
    assert [e.split(": no face of style")[0].split("furniture-glyphs.yaml:")[1] for e in errors] == [
        "20:10: folio, paper", "23:12: folio, section", "24:11: folio, editor"], run.stderr
    assert "U+1F600" in errors[0] and "U+E000" in errors[1] and "U+30000" in errors[2]
    assert not (tmp_path / "furniture-glyphs.pdf").exists()


def test_under_substitute_the_folio_and_slug_print_geta_and_warn(tmp_path: Path) -> None:
    spec = LAYOUT / "furniture-glyphs-sub.yaml"
    run = _build(spec, tmp_path)
    assert run.returncode == 0, run.stderr
    warned = [line for line in run.stderr.splitlines() if "missing-glyph" in line]
    assert len(warned) == 3 and all("printed 〓 in its place" in w for w in warned), run.stderr
    text = "".join(c.text for c in read_chars(tmp_path / "furniture-glyphs-sub.pdf")[0].chars)
    assert "责任编辑：王〓" in text and "要闻〓" in text and "城市日报〓" in text
    # the slug too: its paper and section (on main the 😀 and U+E000 were dropped there as well)
    slug = text[text.index("furniture-glyphs-sub.pdf"):]
    assert "城市日报〓" in slug and "要闻〓" in slug
    assert text.count("〓") == 5
