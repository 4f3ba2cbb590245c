"""Latin names typed decomposed (NFD: a letter and a combining accent, as copy from macOS or a CMS
arrives) print as the precomposed names do (trial 17 #6: Hakan Çal- / hanoğlu hyphenated, white
after each accent, Nguyễ n, marks set from another face than their letters, glyphs with no
ToUnicode, exit 0). Built from tests/pages/layout/latin-decomposed.yaml and read back."""

from __future__ import annotations

import subprocess
import unicodedata
from pathlib import Path

import pdfplumber
import pytest

from pagesetter.build import build_page
from pagesetter.content.normalise import compose_marks
from pagesetter.proof.readback import read_chars
from pagesetter.proof.typography import analyse

PAGES = Path(__file__).resolve().parent / "pages"
NAMES = ["Mbappé", "Ødegaard", "Çalhanoğlu", "Nguyễn", "Hải", "Fabiański", "Đorđe", "Petrović", "Þórir"]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    return build_page(PAGES / "layout" / "latin-decomposed.yaml", tmp_path_factory.mktemp("nfd"), allow_overset=False)


@pytest.fixture(scope="module")
def chars(built) -> list[dict]:
    with pdfplumber.open(built.pdf_path) as pdf:
        return list(pdf.pages[0].chars)


@pytest.fixture(scope="module")
def text(built) -> str:
    return subprocess.run(["pdftotext", "-layout", str(built.pdf_path), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_the_copy_is_decomposed() -> None:
    copy = (PAGES / "content" / "latin-decomposed" / "names.md").read_text(encoding="utf-8")
    assert "c\u0327" in copy.lower() and "e\u0302\u0303" in copy and "\uf900" in copy


@pytest.mark.parametrize("name", NAMES)
def test_each_name_prints_whole_without_a_hyphen(text: str, name: str) -> None:
    """pdftotext reads each name composed, on one line (no hyphen, no gap after an accent)."""
    flat = unicodedata.normalize("NFC", text)
    assert name in flat, flat
    assert "(cid:" not in text, text


@pytest.mark.parametrize("word", NAMES + ["Adébáyọ̀", "Ag̃ui"])
def test_each_word_is_set_from_one_face_without_a_gap(chars: list[dict], word: str) -> None:
    shown = "".join(c["text"] for c in chars)
    at = unicodedata.normalize("NFC", shown).find(word)
    assert at >= 0 and shown.find(word) == at, shown  # the PDF's text, mark by mark
    letters = chars[at:at + len(word)]
    assert len({c["fontname"].split("+")[-1] for c in letters}) == 1, [(c["text"], c["fontname"]) for c in letters]
    assert len({round(c["top"]) for c in letters if not unicodedata.combining(c["text"])}) == 1, letters  # one line
    spacing = [c for c in letters if not unicodedata.combining(c["text"])]
    gaps = [b["x0"] - a["x1"] for a, b in zip(spacing, spacing[1:])]
    assert max(gaps) < 0.05 * letters[0]["size"], (word, gaps)  # kerning, not a space


@pytest.mark.parametrize("word, mark", [("Adébáyọ̀", "\u0300"), ("Ag̃ui", "\u0303"), ("Ọ̀ṣun", "\u0300")])
def test_a_mark_with_no_precomposed_letter_stands_on_its_letter(built, chars: list[dict], word: str, mark: str) -> None:
    """Adébáyọ̀'s grave and Ag̃ui's tilde are kept (no letter has them), from their letter's face,
    their ink centred over its ink (Noto Serif CJK's grave, placed by no GPOS, stood after the ọ)
    and above it (over the capital Ọ too)."""
    shown = "".join(c["text"] for c in chars)
    at = shown.find(word) + word.index(mark)
    assert chars[at]["text"] == mark and chars[at]["fontname"] == chars[at - 1]["fontname"], chars[at - 1:at + 1]
    inked = [c for c in read_chars(built.pdf_path)[0].chars]
    ink = "".join(c.text for c in inked)
    k = ink.find(word) + word.index(mark)
    base, accent = inked[k - 1], inked[k]
    assert accent.text == mark
    centre = (accent.ink_left + accent.ink_right) / 2 - (base.ink_left + base.ink_right) / 2
    assert abs(centre) < 0.08 * base.size, (word, centre)
    assert accent.ink_bottom <= base.ink_top + 0.01, (word, accent, base)  # above the letter's ink (y down)


def test_a_compatibility_ideograph_is_not_mapped_to_its_unified_twin(text: str) -> None:
    assert "\uf900" in text and "容汉字\u8c48" not in text


def test_the_page_passes_check(built) -> None:
    report = analyse(read_chars(built.pdf_path))
    assert not report.no_unicode and not report.off_grid, report.text()


def test_composition_keeps_each_characters_place() -> None:
    typed = "Nguye\u0302\u0303n \uf900 x\u0302"
    composed, offsets = compose_marks(typed)
    assert composed == "Nguyễn \uf900 x\u0302" and offsets == (0, 1, 2, 3, 4, 7, 8, 9, 10, 11, 12)


def test_check_fails_a_glyph_with_no_unicode() -> None:
    """The trial's PDF (built before the fix): two glyphs with no ToUnicode; check passed it."""
    report = analyse(read_chars(PAGES / "trial17-nfd-unmapped.pdf"))
    assert len(report.no_unicode) == 2 and report.problems >= 2, report.text()
    assert "Nguyễ⟨?⟩" in unicodedata.normalize("NFC", report.no_unicode[0].text), report.no_unicode


def test_a_change_after_a_composed_letter_is_said_at_its_column_in_the_file() -> None:
    """The kicker's ASCII comma after the decomposed Çalhanoğlu, set full-width: said at the comma's
    column in the file as typed (the marks counted), not the composed text's."""
    from pagesetter.build import load_inputs

    *_, changes = load_inputs(PAGES / "layout" / "latin-decomposed.yaml")
    line = (PAGES / "content" / "latin-decomposed" / "names.md").read_text(encoding="utf-8").splitlines()[1]
    comma = next(c for c in changes if c.after == "，" and "kicker" in c.reason)
    assert (comma.loc.line, comma.loc.column) == (2, line.index(",") + 1), (comma, line)
