"""Session 18: a 〓 that ``missing_glyphs: substitute`` printed in the 报眉 (folio) or the 报头
(masthead) had no red mark on the proof, while one in body text had (trial 17b #11,
test_proof_substituted_glyphs.py). README `--proof`: every character no face has is marked where
it is printed; a 〓 the spec typed itself is not. (The slug is outside the trim, and the proof
draws no slug.)"""

from __future__ import annotations

import re
from pathlib import Path

from tests.test_proof_substituted_glyphs import RARE, ROOT, _drawn, _marks, run


def _boxed(c: dict, red: list[dict]) -> bool:
    """Red upright rules either side of the glyph, as deep as it (overlay.py's box)."""
    sides = [r for r in red if abs(r["x0"] - r["x1"]) < 0.5 and r["top"] <= c["top"] + 2 and r["bottom"] >= c["bottom"] - 2]
    return any(abs(r["x0"] - c["x0"]) < 2 for r in sides) and any(abs(r["x0"] - c["x1"]) < 2 for r in sides)


def _labelled(c: dict, labels: list[dict]) -> bool:
    """A 缺字 label at the glyph's left edge, just over it."""
    return any(abs(label["x0"] - c["x0"]) < 1.5 and c["top"] - 12 < label["bottom"] <= c["top"] + 2 for label in labels)


def test_a_substituted_character_in_the_folio_is_marked(tmp_path: Path) -> None:
    assert run(["init", "paper", "--fonts", str(ROOT / "fonts")], tmp_path).returncode == 0
    project = tmp_path / "paper"
    spec = project / "layout" / "page.yaml"
    text = spec.read_text(encoding="utf-8")
    assert "  section: 要闻\n" in text and "  editor: 编辑\n" in text
    # the section with a character no face has; the editor with a 〓 typed and one substituted
    text = text.replace("  section: 要闻\n", f"  section: 要{RARE}\n").replace("  editor: 编辑\n", f"  editor: 〓{RARE}\n")
    spec.write_text(text.replace("articles:\n", "missing_glyphs: substitute\narticles:\n"), encoding="utf-8")
    built = run(["build", "--proof"], project)
    assert built.returncode == 0, built.stderr
    # fonts18's wording names the style's chain: "no face of style 'folio' (song, then …) has"
    assert re.search(r"folio, editor: no face (of style 'folio' .*)?has U\+2A6A5", built.stderr), built.stderr
    geta, labels, red = _marks(project / "output" / "page.proof.pdf")
    in_folio = sorted((c for c in geta if c["top"] < 120), key=lambda c: c["x0"])
    assert len(in_folio) == 3, geta  # 要〓, then the editor's typed 〓 and its substituted one
    section, typed, editor = in_folio
    assert _boxed(section, red) and _boxed(editor, red) and not _boxed(typed, red), red
    assert _labelled(section, labels) and _labelled(editor, labels) and not _labelled(typed, labels)
    assert _drawn(project / "output" / "page.proof.pdf").count(f"缺字U+{ord(RARE):04X}") == 2


def test_a_substituted_character_in_the_masthead_is_marked(tmp_path: Path) -> None:
    spec = (ROOT / "tests" / "pages" / "layout" / "masthead.yaml").read_text(encoding="utf-8")
    spec = spec.replace("../content/", f"{ROOT}/tests/pages/content/").replace("../../../", f"{ROOT}/")
    assert "  name: {logo: " in spec and "  publisher: 江城日报社出版\n" in spec
    spec = spec.replace("  name: {logo: ", f"  name: {{text: 江{RARE}日报}}\n  x_logo: {{logo: ")
    spec = "\n".join(line for line in spec.splitlines() if not line.startswith("  x_logo:")) + "\n"
    spec = spec.replace("  publisher: 江城日报社出版\n", f"  publisher: 〓江城{RARE}报社出版\n")
    spec = spec.replace("articles:\n", f"missing_glyphs: substitute\nallow_outside: [{ROOT}]\narticles:\n")
    page = tmp_path / "masthead-geta.yaml"
    page.write_text(spec, encoding="utf-8")
    built = run(["build", str(page), "--proof", "-o", str(tmp_path / "out")], tmp_path)
    assert built.returncode == 0, built.stderr
    proof = tmp_path / "out" / "masthead.proof.pdf"
    geta, labels, red = _marks(proof)
    assert len(geta) == 3, geta  # the name's, the publisher's typed one and its substituted one
    name = max(geta, key=lambda c: c["size"])
    typed, publisher = sorted((c for c in geta if c is not name), key=lambda c: c["x0"])
    assert _boxed(publisher, red) and not _boxed(typed, red), red
    assert _labelled(publisher, labels) and not _labelled(typed, labels)
    # the name plate's 〓 is large: its box is the glyph's em
    assert _boxed(name, red), (name, red)
    assert _drawn(proof).count(f"缺字U+{ord(RARE):04X}") == 2
