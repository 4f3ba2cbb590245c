"""A Latin word with a letter its face lacks (Đoković: Noto Serif CJK has no ć) is set whole from
the first fallback face that has every letter, never from two faces with a gap between its
letters (trial 11 read 'Đokovi ć', the serif's letters and the kai's ć 2 pt apart, exit 0).
Built from tests/pages/layout/latin-fallback.yaml and read back with pdfplumber."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest

from pagesetter.build import build_page

PAGES = Path(__file__).resolve().parent / "pages"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    return build_page(PAGES / "layout" / "latin-fallback.yaml", tmp_path_factory.mktemp("fallback"),
                      allow_overset=False)


@pytest.fixture(scope="module")
def chars(built) -> list[dict]:
    with pdfplumber.open(built.pdf_path) as pdf:
        return list(pdf.pages[0].chars)


@pytest.mark.parametrize("word", ["Đoković", "Ćorić", "Nguyễn", "Tiến"])
def test_a_word_is_set_from_one_face_without_a_gap_inside(chars: list[dict], word: str) -> None:
    text = "".join(c["text"] for c in chars)
    at = text.find(word)
    assert at >= 0, text
    letters = chars[at:at + len(word)]
    assert len({c["fontname"].split("+")[-1] for c in letters}) == 1, [(c["text"], c["fontname"]) for c in letters]
    gaps = [b["x0"] - a["x1"] for a, b in zip(letters, letters[1:])]
    assert max(gaps) < 0.05 * letters[0]["size"], (word, gaps)  # kerning, not a space


def test_the_build_warns_of_a_word_set_from_a_fallback_face(built, chars: list[dict]) -> None:
    """Only `pagesetter fonts` told that Đoković was set from the kai: the build now warns, once a
    word, at the paragraph's place in the copy and its line, naming the face that lacks the letter
    and the face that sets the word; a warning, the page is built (nothing is lost)."""
    fonts = {c["text"]: c["fontname"].split("+")[-1] for c in chars}
    assert "WenKai" in fonts["ć"] and "Serif" in fonts["Z"], fonts  # the page as the warning says it
    warned = [str(w) for w in built.warnings if w.kind == "fallback-face"]
    assert len(warned) == 2, warned
    for word, letters in (("Đoković", "ć"), ("Ćorić", "Ć, ć")):
        line = next(w for w in warned if f"'{word}'" in w)
        assert "names.md:5" in line and "article 'names', paragraph line " in line, line
        assert "'kai' (LXGW WenKai Regular)" in line and "'song' (Noto Serif CJK SC Regular)" in line, line
        assert f"has no {letters};" in line, line


@pytest.fixture(scope="module")
def greek(tmp_path_factory: pytest.TempPathFactory):
    """Greek and Cyrillic words the serif covers but for an accented letter (trial 14: Ελλάδα set
    Ε λ λ δ α from the serif and ά from the kai, with no warning)."""
    built = build_page(PAGES / "layout" / "greek-fallback.yaml", tmp_path_factory.mktemp("greek"))
    with pdfplumber.open(built.pdf_path) as pdf:
        return built, list(pdf.pages[0].chars)


@pytest.mark.parametrize("word", ["Ελλάδα", "Αθήνα", "Україна", "Ζάππειο", "Київ", "Москва"])
def test_a_greek_or_cyrillic_word_is_set_from_one_face(greek, word: str) -> None:
    _, chars = greek
    text = "".join(c["text"] for c in chars)
    at = text.find(word)
    assert at >= 0, text
    letters = chars[at:at + len(word)]
    assert len({c["fontname"].split("+")[-1] for c in letters}) == 1, [(c["text"], c["fontname"]) for c in letters]


def test_the_build_warns_of_each_greek_or_cyrillic_word_from_a_fallback_face(greek) -> None:
    built, _ = greek
    warned = [str(w) for w in built.warnings if w.kind == "fallback-face"]
    named = sorted(w.split("'")[3] for w in warned)  # article 'places', … 'Ελλάδα' is set …
    assert named == sorted(["Ελλάδα", "Αθήνα", "Україна", "Ζάππειο", "Київ"]), warned  # Москва: the serif has it
