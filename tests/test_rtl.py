"""Right-to-left text in print (trial 18a #1): Arabic and Hebrew quoted in Chinese copy printed
in stored order, left to right (reversed, Arabic unjoined), exit 0, and `check` reported false
kinsoku. Each right-to-left word is now shaped right to left and set in visual order; a phrase's
words and a number in it are ordered by UAX #9 (compose/bidi.py); the read-back gives the copy's
order. Read back with pdfplumber (raw glyph positions, no reordering) and with check's reader."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pagesetter.compose.bidi import rtl_runs, rtl_words

PAGES = Path(__file__).parent / "pages"
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
BODY_PT = 9.0  # 小五, the test page's body size
FACES = [DEJAVU, Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"),
         Path("/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf")]
needs_faces = pytest.mark.skipif(not all(f.exists() for f in FACES),
                                 reason="DejaVu Sans / Noto Serif CJK / LXGW WenKai not installed")


def test_rtl_runs_follow_unicode_bidi_types() -> None:
    text = "提到“عدالة مناخية”和“שלום”，数字٣٤ and 2026"
    runs = list(rtl_runs(text))
    assert [text[r.start:r.end] for r in runs] == ["عدالة مناخية", "שלום"]
    assert [r.script for r in runs] == ["Arabic", "Hebrew"]
    assert [text[s:e] for s, e in rtl_words(text)] == ["عدالة", "مناخية", "שלום"]
    # Arabic-Indic digits (type AN) alone, Latin, Han: nothing right-to-left
    assert list(rtl_runs("数字٣٤ and 2026，中文")) == []


def _built(tmp_path: Path, name: str = "proj") -> Path:
    proj = tmp_path / name
    shutil.copytree(PAGES / "rtl", proj)
    return proj


def _build(proj: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pagesetter", "build", *args], cwd=proj, capture_output=True,
                          text=True)


def _words_on_page(pdf: Path) -> list[list[dict]]:
    """The page's right-to-left words as pdfplumber reads the glyphs (content order, no bidi):
    DejaVu's characters by line, cut where white wider than a fifth of an em parts them."""
    import pdfplumber

    with pdfplumber.open(pdf) as doc:
        chars = [c for c in doc.pages[0].chars if "DejaVu" in c["fontname"]]
    rows: dict[int, list[dict]] = {}
    for c in chars:
        rows.setdefault(round(c["top"]), []).append(c)
    words: list[list[dict]] = []
    for row in rows.values():
        row.sort(key=lambda c: c["x0"])
        for c in row:
            if words and words[-1][-1]["top"] == c["top"] and c["x0"] - words[-1][-1]["x1"] < c["size"] / 5:
                words[-1].append(c)
            else:
                words.append([c])
    return words


def _outlines(font, names: list[str]) -> list[tuple]:  # type: ignore[no-untyped-def]
    glyf = font["glyf"]
    return [tuple(glyf[n].getCoordinates(glyf)[0]) for n in names]


@needs_faces
def test_rtl_words_print_right_to_left_joined_and_read_back_in_order(tmp_path: Path) -> None:
    import pikepdf
    import uharfbuzz as hb
    from fontTools.ttLib import TTFont

    from pagesetter.proof.readback import read_chars

    proj = _built(tmp_path)
    run = _build(proj)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "typography: PASS" in run.stdout + run.stderr, run.stdout + run.stderr  # no false kinsoku
    pdf = proj / "output" / "page.pdf"
    copy = (proj / "content" / "rtl.md").read_text(encoding="utf-8")
    expected = [copy[s:e] for s, e in rtl_words(copy)]
    assert len(expected) == 7

    # each word's glyphs run right to left: its first letter rightmost (pdfplumber: raw positions)
    words = _words_on_page(pdf)
    read = ["".join(c["text"] for c in sorted(w, key=lambda c: -c["x0"])) for w in words]
    assert sorted(read) == sorted(expected), (read, expected)
    # a phrase's first word stands right of its second on the line
    at = {r: w for r, w in zip(read, words)}
    for first, second in (("عدالة", "مناخية"), ("צדק", "אקלימי")):
        if round(at[first][0]["top"]) == round(at[second][0]["top"]):
            assert at[first][0]["x0"] > at[second][-1]["x1"], (first, second)

    # Arabic joined: the glyphs printed, left to right, are those HarfBuzz gives the word shaped
    # right to left (its initial, medial and final forms), outline for outline
    original = TTFont(DEJAVU)
    face = hb.Face(hb.Blob.from_file_path(str(DEJAVU)))
    font = hb.Font(face)
    with pikepdf.open(pdf) as doc:
        fonts = doc.pages[0].Resources.Font
        key = next(k for k, f in fonts.items() if "DejaVu" in str(f.BaseFont))
        cid_font = fonts[key].DescendantFonts[0]
        subset = TTFont(io.BytesIO(cid_font.FontDescriptor.FontFile2.read_bytes()))
        gid_map = cid_font.CIDToGIDMap.read_bytes()  # a code (the face's glyph id) -> the subset's glyph id
        codes: list[int] = []
        current = None
        for operands, operator in pikepdf.parse_content_stream(doc.pages[0]):
            if str(operator) == "Tf":
                current = str(operands[0])
            elif str(operator) == "TJ" and current == key:
                for item in operands[0]:
                    if isinstance(item, pikepdf.String):
                        raw = bytes(item)
                        codes += [int.from_bytes(gid_map[2 * c:2 * c + 2], "big")
                                  for c in (int.from_bytes(raw[i:i + 2], "big") for i in range(0, len(raw), 2))]
    order = subset.getGlyphOrder()
    import pdfplumber

    with pdfplumber.open(pdf) as doc:
        drawn = [c for c in doc.pages[0].chars if "DejaVu" in c["fontname"]]
    assert len(drawn) == len(codes)
    name_at = {(round(c["top"]), round(c["x0"], 2)): order[code] for c, code in zip(drawn, codes)}
    for word, chars in zip(read, words):
        if word not in ("عدالة", "مناخية", "سلام"):
            continue
        buf = hb.Buffer()
        buf.add_str(word)
        buf.guess_segment_properties()
        buf.direction = "rtl"
        hb.shape(font, buf, {})
        want = [original.getGlyphOrder()[g.codepoint] for g in buf.glyph_infos]
        got = [name_at[(round(c["top"]), round(c["x0"], 2))] for c in sorted(chars, key=lambda c: c["x0"])]
        assert _outlines(subset, got) == _outlines(original, want), (word, got, want)
        assert len(want) < len(word) or any(n != original.getBestCmap()[ord(ch)] for n, ch in zip(want, word[::-1]))

    # the read-back `check` and `diff` use: the copy's order, quotation marks where they stand
    text = "".join(c.text for c in read_chars(pdf)[0].chars)
    for quoted in ("“عدالة مناخية”", "“צדק אקלימי”", "“سلام”", "“שלום”"):
        assert quoted.replace(" ", "") in text.replace(" ", ""), (quoted, text)
    check = subprocess.run([sys.executable, "-m", "pagesetter", "check", "output/page.pdf"], cwd=proj,
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


@needs_faces
def test_rtl_in_a_vertical_headline_stops_where_it_stands(tmp_path: Path) -> None:
    proj = _built(tmp_path)
    spec = proj / "layout" / "page.yaml"
    spec.write_text(spec.read_text(encoding="utf-8").replace(
        "    block: {col: 1, cols: 3, line: 4, lines: 14}",
        "    block: {col: 1, cols: 3, line: 4, lines: 14}\n    headline: {vertical: true, cols: 1}"), encoding="utf-8")
    article = proj / "content" / "rtl.md"
    article.write_text(article.read_text(encoding="utf-8").replace("title: 气候正义", "title: 和平שלום"),
                       encoding="utf-8")
    run = _build(proj)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "Traceback" not in run.stderr
    lines = [ln for ln in run.stderr.splitlines() if "right-to-left" in ln]
    assert len(lines) == 1, run.stderr
    assert re.match(r"pagesetter: error: content/rtl\.md:2:10: article 'rtl', vertical title: right-to-left text "
                    r"is not supported in a vertical headline: Hebrew “שלום”", lines[0]), lines[0]


@needs_faces
def test_a_phrase_breaks_at_its_spaces_each_line_in_visual_order() -> None:
    from pagesetter.compose.lines import Run, compose_paragraph
    from pagesetter.fonts.face import FaceSet
    from pagesetter.fonts.manifest import load_manifest
    from pagesetter.spec.loader import load_spec

    spec = load_spec(PAGES / "rtl" / "layout" / "page.yaml")
    faces = FaceSet(load_manifest(spec.fonts_manifest, allowed=tuple(spec.allowed)))
    text = "他说“عدالة مناخية عالمية”。"
    words = ["عدالة", "مناخية", "عالمية"]

    dejavu = faces.get("dejavu")

    def placed(line) -> list[str]:  # type: ignore[no-untyped-def]
        """The line's Arabic words as printed, read right to left (a word: glyphs with no white between)."""
        runs: list[list] = []  # type: ignore[type-arg]
        right = None
        for g in sorted([g for g in line.glyphs if g.face == "dejavu"], key=lambda g: g.x):
            if runs and right is not None and g.x - right < 0.1 * g.size:
                runs[-1].append(g)
            else:
                runs.append([g])
            right = g.x + dejavu.advance(g.gid) * g.size
        return ["".join(g.text for g in reversed(run)) for run in reversed(runs)]

    lines, _ = compose_paragraph([Run(text, spec.styles["body"])], 400.0, faces)
    assert len(lines) == 1 and placed(lines[0]) == words  # one line: the first word rightmost
    lines, _ = compose_paragraph([Run(text, spec.styles["body"])], 100.0, faces)
    assert len(lines) == 2, [line.text for line in lines]
    # broken at a space, never inside a word; each line's part right to left
    assert [placed(line) for line in lines] == [words[:2], words[2:]]
    assert "".join(line.text for line in lines).replace(" ", "") == text.replace(" ", "")


@needs_faces
def test_diff_names_a_changed_rtl_word_in_the_copys_order(tmp_path: Path) -> None:
    proj = _built(tmp_path)
    assert _build(proj).returncode == 0
    old = tmp_path / "old.pdf"
    shutil.copy(proj / "output" / "page.pdf", old)
    article = proj / "content" / "rtl.md"
    article.write_text(article.read_text(encoding="utf-8").replace("צדק אקלימי", "צדק סביבתי"), encoding="utf-8")
    assert _build(proj).returncode == 0
    run = subprocess.run([sys.executable, "-m", "pagesetter", "diff", "-o", str(tmp_path / "d"), str(old),
                          "output/page.pdf"], cwd=proj, capture_output=True, text=True)
    assert run.returncode == 7, run.stdout + run.stderr
    changes = [ln for ln in run.stdout.splitlines() if ln.startswith("content/")]
    assert len(changes) == 1, run.stdout
    assert changes[0].startswith("content/rtl.md:5: rtl: ") and "“צדק סביבתי”回应" in changes[0], changes[0]


def _bulge(png: Path, box: tuple[float, float, float, float], dpi: int) -> float:
    """How far (px) the ink of a bracket's glyph in ``box`` (pt, pdfplumber's x0, top, x1, bottom)
    stands left at its middle row of what it does at its ends: positive for a ( drawn, negative for a )."""
    from PIL import Image

    k = dpi / 72
    with Image.open(png) as img:
        grey = img.convert("L").crop(tuple(round(v * k) for v in box))
    rows = [[x for x in range(grey.width) if grey.getpixel((x, y)) < 128] for y in range(grey.height)]
    inked = [(y, sum(r) / len(r)) for y, r in enumerate(rows) if r]
    ends = inked[:2] + inked[-2:]
    middle = min(inked, key=lambda yr: abs(yr[0] - (inked[0][0] + inked[-1][0]) / 2))
    return sum(x for _, x in ends) / len(ends) - middle[1]


@needs_faces
def test_brackets_in_a_right_to_left_run_are_mirrored(tmp_path: Path) -> None:
    """UAX #9 N0 and L4, read back from the printed page (tests/pages/rtl/content/brackets.md):
    “سلام (عالم) جميل” — a pair holding Arabic after an Arabic word resolves right to left: (عالم)
    stands in the run's visual order, its opening bracket right of عالم drawn as ), its closing one
    left of it drawn as (; the read-back (the copy's order) reads them as typed. (مرحبا) after Han
    resolves left to right: its brackets stay where and as typed (the normaliser sets them （）)."""
    import pdfplumber

    proj = _built(tmp_path)
    spec = proj / "layout" / "page.yaml"
    spec.write_text(spec.read_text(encoding="utf-8").replace("  - article: rtl\n", "  - article: brackets\n"),
                    encoding="utf-8")
    run = _build(proj)
    assert run.returncode == 0, run.stdout + run.stderr
    pdf = proj / "output" / "page.pdf"
    dpi = 600
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-singlefile", str(pdf), str(tmp_path / "page")], check=True)
    png = tmp_path / "page.png"
    with pdfplumber.open(pdf) as doc:
        chars = [c for c in doc.pages[0].chars if c["size"] < 10]
    brackets = [c for c in chars if c["text"] in "()（）"]
    assert [c["text"] for c in brackets] == ["（", "）", "(", ")"], [c["text"] for c in brackets]
    by_text = {"".join(c["text"] for c in sorted(w, key=lambda c: -c["x0"])): w for w in _words_on_page(pdf)}
    word = by_text["عالم"]
    left, right = min(c["x0"] for c in word), max(c["x1"] for c in word)
    opening, closing = brackets[2], brackets[3]
    assert opening["x0"] >= right - 0.1 and closing["x1"] <= left + 0.1, (opening, closing, left, right)
    box = lambda c: (c["x0"], c["top"], c["x1"], c["bottom"])  # noqa: E731
    assert _bulge(png, box(opening), dpi) < 0 < _bulge(png, box(closing), dpi)  # drawn ) and (
    # left to right after Han: （ before مرحبا, ） after it, each drawn as typed
    hello = by_text["مرحبا"]
    assert brackets[0]["x1"] <= min(c["x0"] for c in hello) + 0.1 <= max(c["x1"] for c in hello) <= brackets[1]["x0"] + 0.2
    # a full-width bracket's ink is in the half of its em away from its blank, which 开明 sets
    # under the Han beside it: only that half is read
    half = BODY_PT / 2
    opened, closed = box(brackets[0]), box(brackets[1])
    assert _bulge(png, (opened[0] + half, *opened[1:]), dpi) > 0 > _bulge(png, (*closed[:2], closed[2] - half, closed[3]), dpi)
