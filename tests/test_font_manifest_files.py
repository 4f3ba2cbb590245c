"""What a font manifest may name, said at its line by `fonts` and `build` alike (trial 17c #4 #5 #6 #9),
and a character a style's faces lack said of that style (trial 17c #3 #7).

Before:
- a .ttc named without `index:` was its face 0, Noto CJK's Japanese cut, silently, for a Chinese
  role; `fonts` named the file's stem, never the face;
- `fonts` passed a name-keyed CFF face (Nimbus Sans .otf) that `build` refused, and `build` named
  the font file, not the manifest line;
- a text file named as a font: "not a usable font (face 0 has no glyphs)", no manifest line;
- the same file under two keys was embedded twice (two subsets of one font program);
- "no face has U+65B0 (新)" of a 报眉 whose style's face lacks it, while five faces of the manifest
  have it, and 责/任/： blamed on the editor's field, though the engine sets 责任编辑： itself;
- a vertical headline in a face without Han was advised to add a fallback face (which a vertical
  headline never asks) or to print 〓.

System fonts (Debian fonts-noto-cjk, fonts-urw-base35, fonts-dejavu-core) are linked into a copy
of the project; a test whose font is not on this machine is skipped."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from conftest import run_cli

NOTO_SERIF_TTC = Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc")
NIMBUS_BOLD = Path("/usr/share/fonts/opentype/urw-base35/NimbusSans-Bold.otf")
DEJAVU_BOLD = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")


def _bring(project: Path, font: Path) -> str:
    """``font`` made a file of the project's fonts/ (hard-linked, else copied); its name there."""
    if not font.is_file():
        pytest.skip(f"{font} is not on this machine")
    dest = project / "fonts" / font.name
    try:
        os.link(font, dest)
    except OSError:
        shutil.copyfile(font, dest)
    return font.name


def _add_face(project: Path, entry: str) -> int:
    """``entry`` (YAML lines of one face, indented two spaces) appended to the manifest; the line
    of its ``file:``."""
    manifest = project / "fonts" / "manifest.yaml"
    text = manifest.read_text(encoding="utf-8").rstrip("\n") + "\n"
    manifest.write_text(text + entry, encoding="utf-8")
    lines = (text + entry).splitlines()
    return next(i + 1 for i in range(len(text.splitlines()), len(lines)) if lines[i].lstrip().startswith("file:"))


def _restyle(project: Path, style: str, font: str) -> None:
    """The style sheet's ``style`` set in face ``font``."""
    sheet = project / "layout" / "styles" / "city-daily.yaml"
    text = sheet.read_text(encoding="utf-8")
    text, n = re.subn(rf"(\n  {re.escape(style)}:[^\n]*\n    font: )\S+", rf"\g<1>{font}", text, count=1)
    assert n == 1, style
    sheet.write_text(text, encoding="utf-8")


def _errors(run) -> list[str]:  # type: ignore[no-untyped-def]
    return [line for line in run.stderr.splitlines() if line.startswith("pagesetter: error: ")]


def test_a_collection_without_index_is_refused_naming_its_faces(project: Path) -> None:
    name = _bring(project, NOTO_SERIF_TTC)
    line = _add_face(project, f"  song-ttc:\n    file: {name}\n    role: 宋体\n")
    # set by no style, it stops no page; fonts says why it cannot be used, at its line
    unused = run_cli(project, "fonts", "layout/seed-page.yaml")
    assert unused.returncode == 0, unused.stderr
    said = unused.stdout.split("song-ttc: ", 1)[1].splitlines()
    assert said[2].startswith(f"  cannot be used: fonts/manifest.yaml:{line}:"), said
    _restyle(project, "folio", "song-ttc")
    for command in (["fonts", "layout/seed-page.yaml"], ["build", "-o", "out", "layout/seed-page.yaml"]):
        run = run_cli(project, *command)
        assert run.returncode == 1, (command, run.stdout, run.stderr)
        errors = _errors(run)
        assert len(errors) == 1, run.stderr
        error = errors[0]
        assert error.startswith(f"pagesetter: error: fonts/manifest.yaml:{line}:"), error
        assert "Traceback" not in run.stderr
        # the faces it holds, by PostScript name, the Simplified Chinese one pointed out
        assert "NotoSerifCJKjp-Regular" in error and "NotoSerifCJKsc-Regular" in error, error
        assert re.search(r"index: 2\b[^;]*Simplified Chinese", error), error


def test_fonts_says_each_keys_face_number_and_postscript_name(project: Path) -> None:
    name = _bring(project, NOTO_SERIF_TTC)
    _add_face(project, f"  song-ttc:\n    file: {name}\n    index: 2\n    role: 宋体\n")
    _restyle(project, "folio", "song-ttc")
    run = run_cli(project, "fonts", "layout/seed-page.yaml")
    assert run.returncode == 0, run.stderr
    heads = {line.split(":")[0]: line for line in run.stdout.splitlines() if line and not line.startswith(" ")}
    assert "(face 2: NotoSerifCJKsc-Regular)" in heads["song-ttc"], heads["song-ttc"]
    assert "(face 0: NotoSerifCJKsc-Regular)" in heads["song"], heads["song"]
    assert "(face 0: LXGWWenKai-Regular)" in heads["kai"], heads["kai"]
    # and the build prints the face the manifest names (the SC cut, not face 0's JP one)
    import pikepdf

    built = run_cli(project, "build", "-o", "out", "layout/seed-page.yaml")
    assert built.returncode == 0, built.stderr
    with pikepdf.open(project / "out" / "seed-page.pdf") as pdf:
        fonts = {str(f.BaseFont).split("+")[-1] for f in pdf.pages[0].Resources.Font.values()}
    assert "NotoSerifCJKsc-Regular" in fonts and not any("jp" in f for f in fonts), fonts


def test_a_name_keyed_cff_face_is_refused_by_fonts_as_by_build(project: Path) -> None:
    name = _bring(project, NIMBUS_BOLD)
    line = _add_face(project, f"  nimbus-bold:\n    file: {name}\n    fallback: [hei-bold]\n")
    _restyle(project, "byline", "nimbus-bold")
    for command in (["fonts", "layout/seed-page.yaml"], ["build", "-o", "out", "layout/seed-page.yaml"]):
        run = run_cli(project, *command)
        assert run.returncode == 1, (command, run.stdout, run.stderr)
        errors = _errors(run)
        assert len(errors) == 1, run.stderr
        assert errors[0].startswith(f"pagesetter: error: fonts/manifest.yaml:{line}:"), errors[0]
        assert "name-keyed CFF" in errors[0], errors[0]


def test_a_text_file_named_as_a_font_is_said_to_be_no_font(project: Path) -> None:
    (project / "fonts" / "Fake.ttf").write_text("this is not a font, only a line of text\n", encoding="utf-8")
    line = _add_face(project, "  fake:\n    file: Fake.ttf\n")
    _restyle(project, "byline", "fake")
    for command in (["fonts", "layout/seed-page.yaml"], ["build", "-o", "out", "layout/seed-page.yaml"]):
        run = run_cli(project, *command)
        assert run.returncode == 1, (command, run.stdout, run.stderr)
        errors = _errors(run)
        assert len(errors) == 1, run.stderr
        assert errors[0].startswith(f"pagesetter: error: fonts/manifest.yaml:{line}:"), errors[0]
        assert "not a font file" in errors[0] and "glyphs" not in errors[0], errors[0]


def _font_programs(pdf_path: Path) -> dict[str, int]:
    """Embedded font programs by PostScript name (subset tag left off): how many of each."""
    import pikepdf

    out: dict[str, int] = {}
    seen: set[tuple[int, int]] = set()
    with pikepdf.open(pdf_path) as pdf:
        for page in pdf.pages:
            for font in page.Resources.Font.values():
                descriptor = font.DescendantFonts[0].FontDescriptor
                program = descriptor.get("/FontFile2") or descriptor.get("/FontFile3")
                if program.objgen in seen:
                    continue
                seen.add(program.objgen)
                name = str(font.BaseFont).split("+")[-1]
                out[name] = out.get(name, 0) + 1
    return out


def test_one_file_under_two_keys_is_embedded_once(project: Path) -> None:
    _add_face(project, "  kai2:\n    file: LXGWWenKai-Regular.ttf\n    fallback: [song]\n")
    _restyle(project, "caption", "kai2")  # the kicker and subtitle stay in kai
    run = run_cli(project, "build", "-o", "out", "layout/seed-page.yaml")
    assert run.returncode == 0, run.stderr
    programs = _font_programs(project / "out" / "seed-page.pdf")
    assert programs.get("LXGWWenKai-Regular") == 1, programs
    # both keys' text is there, from the one subset
    text = run_cli(project, "build", "-o", "out2", "layout/seed-page.yaml")  # cached: the same bytes
    assert text.returncode == 0
    assert (project / "out" / "seed-page.pdf").read_bytes() == (project / "out2" / "seed-page.pdf").read_bytes()


def test_a_folio_face_without_han_is_said_of_the_style_not_of_every_face(project: Path) -> None:
    name = _bring(project, DEJAVU_BOLD)
    _add_face(project, f"  dejavu-bold:\n    file: {name}\n")
    _restyle(project, "folio", "dejavu-bold")
    run = run_cli(project, "build", "-o", "out", "layout/seed-page.yaml")
    assert run.returncode == 1, run.stderr
    errors = _errors(run)
    assert errors and not any("no face has" in e for e in errors), run.stderr
    section = next(e for e in errors if "folio, section" in e and "(专)" in e)
    assert "style 'folio'" in section and "dejavu-bold" in section, section
    # 责任编辑： is set by the engine before the editor's name: not the editor field's characters
    assert not any("folio, editor:" in e and ("(责)" in e or "(任)" in e) for e in errors), run.stderr
    assert any("(责)" in e and "责任编辑" in e.split("(责)")[0] for e in errors), run.stderr
    assert any("folio, editor:" in e and "(王)" in e for e in errors), run.stderr


def test_a_vertical_headline_without_han_is_told_to_take_a_face_with_han(project: Path) -> None:
    name = _bring(project, DEJAVU_BOLD)
    _add_face(project, f"  dejavu-bold:\n    file: {name}\n    fallback: [hei-bold]\n")
    spec = project / "layout" / "front-page.yaml"
    text = spec.read_text(encoding="utf-8")
    head = "  vertical-title:            # the feature's vertical 主题 (leading: the pitch of its columns)\n"
    assert head + "    font: song-bold\n" in text
    spec.write_text(text.replace(head + "    font: song-bold\n", head + "    font: dejavu-bold\n", 1), encoding="utf-8")
    run = run_cli(project, "build", "-o", "out", "layout/front-page.yaml")
    assert run.returncode == 1, run.stderr
    errors = _errors(run)
    assert errors and all("vertical" in e for e in errors), run.stderr
    advice = errors[-1]
    assert "'vertical-title'" in advice and "dejavu-bold" in advice and "Han" in advice, advice
    assert "fallback chain (fonts" not in advice and "substitute" not in advice, advice
