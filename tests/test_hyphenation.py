"""Latin words hyphenated by dictionary (pyphen, compose/hyphenate.py) and lines kept from
spreading their Han past a quarter em (linebreak.VERY_LOOSE_DEMERITS): copy from the torture
corpus, composed with the real fonts at the torture pages' 13字 measure, the Han spacing read
from the glyph positions set_line gives the PDF."""

from __future__ import annotations

import statistics
from dataclasses import replace
from pathlib import Path

import pytest

from pagesetter.compose.hyphenate import hyphen_points
from pagesetter.compose.lines import Line, Run, compose_paragraph
from pagesetter.fonts.face import FaceSet
from pagesetter.fonts.manifest import load_manifest
from pagesetter.spec.loader import load_spec

ROOT = Path(__file__).resolve().parent.parent
SPEC = load_spec(ROOT / "tests" / "pages" / "layout" / "torture-latin.yaml")
FACES = FaceSet(load_manifest(SPEC.fonts_manifest))
MEASURE = 117.0  # 13字 of 小五 (9 pt)
VERY_LOOSE = 0.25  # em between Han: what `pagesetter check` reports as a problem


def _compose(text: str, style: str = "body", capitals: bool = False) -> list[Line]:
    body = replace(SPEC.styles[style], hyphenate_capitals=capitals)
    lines, missing = compose_paragraph([Run(text, body)], MEASURE, FACES, indent=body.indent)
    assert missing == []
    return lines


def _han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _han_spacing(line: Line) -> float | None:
    """Mean space between two Han glyphs beyond the em, in ems (None: no two Han side by side)."""
    g = line.glyphs
    extras = [(b.x - a.x - a.size) / a.size for a, b in zip(g, g[1:]) if _han(a.text) and _han(b.text)]
    return statistics.fmean(extras) if extras else None


def _very_loose(lines: list[Line]) -> list[tuple[str, float]]:
    return [(line.text, s) for line in lines[:-1]
            if (s := _han_spacing(line)) is not None and s > VERY_LOOSE + 1e-3]


STUTTGART = ("下一届年会将于2023年10月在德国斯图加特（Stuttgart）举行，报名网址为"
             "https://events.sae-example.org/2023/stuttgart/registration?lang=zh-CN&ref=chengshiribao。")
QR = ("“请扫描二维码或访问www.xiaochengxu-example.com/mini/health-code/apply。”工作人员说。"
      "Please visit our website. Thank you! 问题咨询请拨打0431-88886666转8001。")
PATH = ("哈希值：e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855，为空文件的SHA-256值。"
        "文件路径为/home/user/documents/2022/reports/final_version_v3_revised.docx。")


# STUTTGART: only Stutt-gart spares a very loose line, so its style asks for capitalised words
# to be hyphenated (Style.hyphenate_capitals; off by default: test below).
@pytest.mark.parametrize("text, style, capitals", [(STUTTGART, "body", True), (QR, "body", False),
                                                   (PATH, "body-banjiao", False)])
def test_no_very_loose_line_where_a_break_avoids_it(text: str, style: str, capitals: bool) -> None:
    lines = _compose(text, style, capitals)
    assert "".join(line.text for line in lines).replace(" ", "") == text.replace(" ", "")  # a line-end space goes
    assert _very_loose(lines) == []
    assert not any(line.overfull for line in lines)


def test_a_capitalised_word_is_not_hyphenated_unless_the_style_asks() -> None:
    """A name (Stuttgart, Barrot) is never hyphenated by default: InDesign's Hyphenate Capitalized
    Words off, TeX's \\uchyph=0; Chinese desks do not break a foreign name. The line is loose instead."""
    lines = _compose(STUTTGART)
    assert not any(line.text.endswith("Stutt") for line in lines), [line.text for line in lines]
    assert any("Stuttgart" in line.text for line in lines)


def test_a_word_is_hyphenated_at_a_dictionary_point_with_a_hyphen_printed() -> None:
    lines = _compose(STUTTGART, capitals=True)
    ends = [line for line in lines if line.text.endswith("Stutt")]
    assert ends, [line.text for line in lines]
    assert ends[0].glyphs[-1].text == "-"  # the hyphen is set at the line end, not in the text
    assert any(line.text.startswith("gart") for line in lines)


def test_hyphen_points_keep_words_codes_and_names_apart() -> None:
    assert hyphen_points("Stuttgart") == (5,)  # Stutt-gart (en_US patterns)
    assert 0 < len(hyphen_points("registration"))
    assert all(2 <= p <= len("registration") - 3 for p in hyphen_points("registration"))
    # too short, an acronym, a product name: never
    assert hyphen_points("Wang") == hyphen_points("ADAS") == hyphen_points("iPhone") == ()
    assert hyphen_points("CarPlay") == ()


def test_no_hyphen_inside_a_domain_or_a_code() -> None:
    """www.sae-example.org may break after its marks, never as exam-ple."""
    text = "“We are very pleased. Please visit www.sae-example.org for details.”发布会上，学会主席John O'Brien-Smith说。"
    for measure_text in (text,):
        lines = _compose(measure_text)
        for line in lines:
            if line.glyphs[-1].text == "-":  # a printed hyphen: only after a plain word's syllable
                assert not line.text.endswith(("exam", "ex", "sae")), line.text


def test_soft_hyphens_in_a_word_replace_its_dictionary_points() -> None:
    text = "一二三四五六七八九十一二extra\u00adordinarily一二三四五六七八九十一二三四五六七八九十"
    for line in _compose(text)[:-1]:
        if line.glyphs[-1].text == "-":
            assert line.text.endswith("extra"), line.text


def _latin_words() -> list[str]:
    """Every Latin word of the shipped content and the torture corpus, and a few long ones."""
    import re

    words = {"hyphenation", "internationalization", "Stuttgart", "administration", "photosynthesis",
             "incomprehensibilities", "table", "present", "project", "record"}
    for path in [*(ROOT / "content").rglob("*.md"), *(ROOT / "tests" / "pages" / "content").rglob("*.md")]:
        words.update(re.findall(r"[A-Za-z]{2,}", path.read_text(encoding="utf-8")))
    return sorted(words)


def test_shipped_patterns_are_the_installed_dictionarys_and_give_pyphens_points() -> None:
    """The pattern table shipped beside compose/hyphenate.py (read instead of importing pyphen and
    parsing its .dic, 60-140 ms a process) is the one pyphen parses from the installed file, and
    hyphen_points gives pyphen's own points with the same minima."""
    import pyphen

    from pagesetter.compose import hyphenate
    from pagesetter.compose.chars import HYPHEN_MIN_LEFT, HYPHEN_MIN_RIGHT, HYPHEN_MIN_WORD

    source = hyphenate._dictionary_file("en_US")
    assert source is not None
    shipped, parsed = hyphenate._shipped("en_US", source), hyphenate._from_pyphen("en_US")
    assert shipped is not None and parsed is not None and shipped == parsed
    assert hyphenate._dictionary("Latn") == parsed
    reference = pyphen.Pyphen(lang="en_US", left=HYPHEN_MIN_LEFT, right=HYPHEN_MIN_RIGHT)
    words = _latin_words()
    assert len(words) > 200
    checked = 0
    for word in words:
        if len(word) < HYPHEN_MIN_WORD or not word[1:].islower():
            assert hyphen_points(word) == ()
            continue
        assert hyphen_points(word) == tuple(reference.positions(word)), word
        checked += bool(hyphen_points(word))
    assert checked > 50
    # a word with an apostrophe: pyphen's points within each letter run
    assert hyphen_points("administration's") == tuple(reference.positions("administration"))
    assert hyphen_points("O'Connor") == ()


def test_a_table_from_another_dictionary_is_not_used(tmp_path: Path) -> None:
    """A shipped table whose digest is not the installed .dic's is ignored (pyphen parses the file)."""
    from pagesetter.compose import hyphenate

    source = hyphenate._dictionary_file("en_US")
    assert source is not None
    stale = tmp_path / "hyph_en_US.dic"
    stale.write_bytes(source.read_bytes() + b"\nzz1zz\n")
    assert hyphenate._shipped("en_US", stale) is None
    assert hyphenate._shipped("en_US", source) is not None


def test_a_long_name_broken_by_force_breaks_at_its_dictionary_points_first() -> None:
    """A capitalised word is never hyphenated, but one longer than FORCED_SPLIT_EM may be broken
    by force: only at its dictionary points (Supercalifragilisticex-pialidocious, Organiza-tion,
    never Organizat-ion), a little cheaper than any other forced break."""
    from pagesetter.compose.atoms import make_atoms
    from pagesetter.compose.chars import FORCED_AT_HYPHENATION_PENALTY, FORCED_PENALTY

    body = SPEC.styles["body"]
    word = "Supercalifragilisticexpialidocious"
    atoms = make_atoms(word, body, FACES.get(body.font))
    starts = [0]
    for a in atoms[:-1]:
        starts.append(starts[-1] + len(a.text))
    at = dict(zip(starts, atoms))
    points = set(hyphen_points(word.lower()))
    assert points and set(at) - {0} == points, (sorted(at), sorted(points))
    assert {at[p].penalty for p in points} == {FORCED_AT_HYPHENATION_PENALTY} and \
        FORCED_AT_HYPHENATION_PENALTY < FORCED_PENALTY
    assert all(at[max(k for k in at if k < p)].hyphen is not None for p in points)  # a hyphen printed
