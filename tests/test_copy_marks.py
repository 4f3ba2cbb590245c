"""Marks new users typed into copy (trial 14's leftovers), on tests/pages/layout/copy-marks.yaml built
through the CLI and read back from its PDF, and on the content reader for the pure text cases:

- a Latin apostrophe in a Chinese body: Macy’s (typed ’) was set as a compressed Chinese closing
  quote, half an em wide inside the word (Macy’ s); it is the word's, in its face's proportional
  form, no break and no gap (compose/atoms.py _word_apostrophes);
- straight single quotes in Chinese text ('双减'以后) are paired into ‘ ’ as the straight double
  quotes are; an odd one is left, said with its place, and `check` warns of it (content/normalise.py);
- a front-matter value YAML reads as a number (title: 1.50, kicker: 007) printed as typed, not 1.5
  and 7 (yamlsource.Node.written);
- invisible and bidi controls in copy (content/invisible.py): a bidi override or isolate, a control
  character refused with file:line:column; a zero-width space between Han, a BOM inside the text,
  an LRM dropped and said with their places; a zero-width space inside a Latin word kept.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pdfplumber
import pytest

from conftest import copy_project
from pagesetter.content.invisible import ANY_HIDDEN, HIDDEN, REFUSED
from pagesetter.content.normalise import normalise_text
from pagesetter.content.reader import read_article
from pagesetter.errors import InputError
from pagesetter.spec import validate as v
from pagesetter.yamlsource import load_yaml

ROOT = Path(__file__).resolve().parent.parent
PAGE = Path("tests/pages/layout/copy-marks.yaml")
BODY = 9.0  # 小五


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    out = tmp_path_factory.mktemp("copy-marks")
    run = subprocess.run([sys.executable, "-m", "pagesetter", "build", "--no-cache", "-o", str(out), str(PAGE)],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    return run, out / "copy-marks.pdf"


@pytest.fixture(scope="module")
def chars(built) -> list[dict]:
    run, pdf = built
    assert run.returncode == 0, run.stderr
    with pdfplumber.open(pdf) as doc:
        return list(doc.pages[0].chars)


def _body(chars: list[dict]) -> list[dict]:
    return [c for c in chars if abs(c["size"] - BODY) < 0.01]


def _printed(chars: list[dict]) -> str:
    return "".join(c["text"] for c in chars)


def _word(chars: list[dict], word: str) -> list[dict]:
    """The characters of the first place ``word`` is printed (in reading order)."""
    text = _printed(chars)
    at = text.index(word)
    return chars[at:at + len(word)]


@pytest.mark.parametrize("word", ["Macy’s", "O’Neill", "rock’n’roll"])
def test_an_apostrophe_typed_as_right_quote_is_the_words(chars, word: str) -> None:
    """Main set the ’ as a closing quote: its blank half an em inside the word (Macy’ s), a face's
    full-width glyph; now the letters and the apostrophe stand solid, in one face, on one line."""
    body = _body(chars)
    letters = _word(body, word)
    assert len({round(c["top"], 1) for c in letters}) == 1, letters  # one line: no break inside the word
    assert len({c["fontname"] for c in letters}) == 1, {c["text"]: c["fontname"] for c in letters}
    for a, b in zip(letters, letters[1:]):
        assert abs(b["x0"] - a["x1"]) < 0.05 * BODY, (a["text"], b["text"], b["x0"] - a["x1"])
    apostrophe = next(c for c in letters if c["text"] == "’")
    assert apostrophe["width"] < 0.4 * BODY  # proportional (pwid), not the full-width quote's em or half em


def test_a_straight_apostrophe_stays_in_its_word(chars) -> None:
    text = _printed(_body(chars))
    assert "Macy's" in text and "D'Angelo" in text and "It's" in text


def test_straight_single_quotes_in_chinese_are_paired(chars) -> None:
    text = _printed(_body(chars))
    assert "‘双减’以后" in text and "‘大游" in text and "他说‘好’" in text, text
    assert "'双减" not in text and "'好'" not in text


def test_an_odd_straight_single_quote_is_left_said_and_warned(built) -> None:
    run, _ = built
    # the build's normalised line names its place; check (run by the build) warns of it printed
    assert "1 straight quote without a partner in the paragraph, left as typed: " \
           "tests/pages/content/copy-marks/macys.md:11:4" in run.stdout, run.stdout
    assert "1 straight ' in Chinese text" in run.stdout
    assert "macys.md:11: typography:" in run.stderr and "记者问'能否" in run.stderr


@pytest.mark.parametrize("text, expected", [
    ("学生们说，'双减'以后", "学生们说，‘双减’以后"),
    ("他说'好'，然后走了", "他说‘好’，然后走了"),
    ("Macy's百货的'感恩节'游行", "Macy's百货的‘感恩节’游行"),  # the apostrophe is no quote: one pair left
    ("It's a 'rock' night", "It's a 'rock' night"),  # Latin: as typed
    ("80's的'老歌'", "80's的‘老歌’"),
])
def test_straight_single_quotes(text: str, expected: str) -> None:
    assert normalise_text(text, drop_spaces=True)[0] == expected


def test_an_unpaired_single_quote_is_reported_not_changed() -> None:
    new, edits = normalise_text("记者问'能否再办", drop_spaces=True)
    assert new == "记者问'能否再办"
    assert [(e.offset, e.before, e.after) for e in edits] == [(3, "'", "'")]


def test_numbers_in_front_matter_print_as_typed(chars) -> None:
    """title: 1.50 printed 1.5, kicker: 007 printed 7 (YAML's numbers, str()'d)."""
    left = next(c["x0"] for c in chars if c["text"] == "油")  # the right-hand article's column
    numbers = [c for c in chars if c["x0"] >= left - 0.5]
    by_size = {size: _printed([c for c in numbers if c["size"] == size]) for size in {c["size"] for c in numbers}}
    assert by_size[24.0] == "1.50", by_size  # the title
    assert by_size[14.0] == "0073.10", by_size  # the kicker over the subtitle


@pytest.mark.parametrize("typed", ["1.50", "007", "1e3", "0x1F", "1_000", "3.10", ".5", "-0"])
def test_a_spec_text_field_keeps_a_number_as_typed(tmp_path: Path, typed: str) -> None:
    spec = tmp_path / "s.yaml"
    spec.write_text(f"name: {typed}\n", encoding="utf-8")
    assert v.text(load_yaml(spec).value["name"], "name") == typed


# --- invisible and bidi controls -------------------------------------------------------------------

def _article(tmp_path: Path, body: str, front: str = "title: 标题\n") -> Path:
    path = tmp_path / "a.md"
    path.write_text(f"---\n{front}---\n\n{body}\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("ch", ["\u202e", "\u202d", "\u202a", "\u2066", "\u2067", "\u2068", "\u2069", "\x1b",
                                "\x07", "\x85", "\ufff9"])
def test_a_bidi_control_or_control_character_is_refused_where_it_is(tmp_path: Path, ch: str) -> None:
    """Main accepted U+202E in the body silently: what a PDF viewer showed was not the plate."""
    path = _article(tmp_path, "第一段。\n\n第二段里有" + ch + "一个字。")
    with pytest.raises(InputError) as err:
        read_article(path, tmp_path)
    assert (err.value.loc.line, err.value.loc.column) == (7, 6)
    assert f"U+{ord(ch):04X}" in err.value.message and "remove it" in err.value.message


def test_a_bidi_control_escaped_in_the_title_is_refused(tmp_path: Path) -> None:
    path = _article(tmp_path, "正文。", front='title: "标题\\u202e反转"\n')
    with pytest.raises(InputError) as err:
        read_article(path, tmp_path)
    assert err.value.loc.line == 2 and "U+202E RIGHT-TO-LEFT OVERRIDE" in err.value.message


def test_the_build_refuses_a_bidi_override_with_its_place(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    shutil.copytree(ROOT / "tests" / "pages" / "content" / "copy-marks", project / "content" / "copy-marks")
    (project / "layout" / "copy-marks.yaml").write_text(
        (ROOT / PAGE).read_text(encoding="utf-8").replace("../../../layout/styles/", "styles/")
        .replace("../../../fonts/", "../fonts/"), encoding="utf-8")
    article = project / "content" / "copy-marks" / "numbers.md"
    article.write_text(article.read_text(encoding="utf-8").replace("这是", "这\u202e是"), encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "pagesetter", "build", "--no-cache", "layout/copy-marks.yaml"],
                         cwd=project, capture_output=True, text=True, timeout=300)
    assert run.returncode != 0 and "Traceback" not in run.stderr
    assert "content/copy-marks/numbers.md:8:14: U+202E RIGHT-TO-LEFT OVERRIDE in the copy" in run.stderr, run.stderr
    assert not list(project.rglob("*.pdf"))


def test_invisible_characters_are_dropped_and_located(tmp_path: Path) -> None:
    from pagesetter.content.normalise import normalise_article
    from pagesetter.proof.report import normalised_line

    body = "甲\u200b乙丙\ufeff丁\u200e戊，登录ex\u200bample.com查询，extra\u00adordinary。"
    article, changes = normalise_article(read_article(_article(tmp_path, body), tmp_path))
    # the zero-width space and the soft hyphen inside Latin words stay: the line breaker's hints
    assert article.paragraphs[0].text == "甲乙丙丁戊，登录ex\u200bample.com查询，extra\u00adordinary。"
    line = normalised_line(changes)
    assert "3 invisible characters removed: " in line, line
    places = [str(c.loc).rsplit(":", 2)[-2:] for c in changes if not c.after]
    assert places == [["5", "2"], ["5", "5"], ["5", "7"]], places
    assert "⟨U+200B⟩" in line and "⟨U+FEFF⟩" in line and "⟨U+200E⟩" in line


def test_the_table_covers_every_format_and_control_character_or_says_why_not() -> None:
    """Every Cc and Cf character of this Python's Unicode is in the table (or printed: the Arabic
    number signs and other visible Cf), and the regular expressions agree with the table."""
    import unicodedata

    visible_cf = {0x0600, 0x0601, 0x0602, 0x0603, 0x0604, 0x0605, 0x06DD, 0x070F, 0x0890, 0x0891, 0x08E2,
                  0x110BD, 0x110CD}
    allowed = {0x09, 0x0A, 0x0D}
    for cp in range(0x110000):
        ch = chr(cp)
        cat = unicodedata.category(ch)
        if cat in ("Cc", "Cf") and cp not in allowed and cp not in visible_cf:
            if ANY_HIDDEN.match(ch) is None and not 0x13430 <= cp <= 0x1343F and not 0x1BCA0 <= cp <= 0x1BCA3 \
                    and not 0x1D173 <= cp <= 0x1D17A:  # Egyptian, shorthand, musical format: their scripts'
                pytest.fail(f"U+{cp:04X} {unicodedata.name(ch, '')} ({cat}) is in no row of content/invisible.py")
    for row in HIDDEN:
        assert all((REFUSED.match(chr(cp)) is not None) == (row.action == "refuse")
                   for cp in range(row.first, row.last + 1))
