"""A Latin word whose letter its style's face lacks is set whole from the fallback face in every
role, and the build says so for every role, not for body text alone (the fallback-face warning,
with the article and the role). Built from tests/pages/layout/fallback-roles.yaml and read back with
pdfplumber: which face each word was printed in, and which face the text beside it."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest

from pagesetter.build import build_page

PAGE = Path(__file__).resolve().parent / "pages" / "layout" / "fallback-roles.yaml"
# (article, role as the warning says it, word, its letters the role's face lacks, a Han neighbour
# in the role's own face, the face that is: its PostScript name's part)
ROLES = [
    ("match", "kicker", "Ćorić", "Ć, ć", "晋", "NotoSerifCJKsc-Regular"),
    ("match", "title", "Đoković", "ć", "夺", "NotoSansCJKsc-Bold"),
    ("match", "subtitle", "Erdoğan", "ğ", "观", "NotoSerifCJKsc-Regular"),
    ("match", "byline", "Łukasz", "Ł", "记", "NotoSansCJKsc-Regular"),
    ("match", "subhead", "Şahin", "Ş", "访", "NotoSansCJKsc-Regular"),
    ("match", "caption", "Kovačević", "ć, č", "颁", "NotoSerifCJKsc-Regular"),
    ("match", "credit", "Ljubičić", "ć, č", "摄", "NotoSansCJKsc-Regular"),
    ("briefs", "subhead", "Žižek", "Ž, ž", "哲", "NotoSansCJKsc-Bold"),
    ("table", "table", "Wałbrzych", "ł", "统", "NotoSansCJKsc-Regular"),
    ("table", "table", "Szőke", "ő", "费", "NotoSerifCJKsc-Regular"),
]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    return build_page(PAGE, tmp_path_factory.mktemp("fallback-roles"))


@pytest.fixture(scope="module")
def chars(built) -> list[dict]:
    with pdfplumber.open(built.pdf_path) as pdf:
        return list(pdf.pages[0].chars)


def _face(c: dict) -> str:
    return c["fontname"].split("+")[-1]


def _word(chars: list[dict], word: str) -> list[dict]:
    text = "".join(c["text"] for c in chars)
    at = text.find(word)
    assert at >= 0 and text.count(word) == 1, (word, text)
    return chars[at:at + len(word)]


@pytest.mark.parametrize(("article", "role", "word", "lacking", "beside", "face"), ROLES)
def test_each_role_sets_the_word_from_the_fallback_and_says_so(built, chars: list[dict], article: str, role: str,
                                                              word: str, lacking: str, beside: str,
                                                              face: str) -> None:
    letters = _word(chars, word)
    assert {_face(c) for c in letters} == {"LXGWWenKai-Regular"}, [(c["text"], _face(c)) for c in letters]
    near = [c for c in chars if c["text"] == beside and abs(c["top"] - letters[0]["top"]) < letters[0]["size"]]
    assert near and {_face(c) for c in near} == {face}, [(c["text"], _face(c)) for c in near]
    said = [w for w in built.warnings if w.kind == "fallback-face" and f"{word!r}" in w.message]
    assert len(said) == 1, [str(w) for w in built.warnings if w.kind == "fallback-face"]
    w = said[0]
    assert w.message.startswith(f"article {article!r}, {role}: {word!r} is set from the fallback face 'kai' "), w.message
    assert f"has no {lacking};" in w.message, w.message
    assert w.article == article
    assert w.loc is not None and w.loc.path.endswith(f"content/fallback-roles/{article}.md"), w.loc


def test_the_body_still_says_its_line_and_nothing_is_said_twice(built) -> None:
    said = [w.message for w in built.warnings if w.kind == "fallback-face"]
    body = [m for m in said if "'Dvořák'" in m]
    assert len(body) == 1 and body[0].startswith("article 'match', paragraph line "), body
    assert len(said) == len(ROLES) + 1 == len(set(said)), said
    assert [w.kind for w in built.warnings if w.kind != "fallback-face"] == []  # the page is otherwise clean
