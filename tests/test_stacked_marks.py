"""Two or three different combining marks stacked on one letter (Vietnamese ế ộ, pinyin ǚ ǘ ǖ,
é + U+0300, Lithuanian į̇̃), typed NFC, NFD and out of canonical order, in a headline, caption,
body and table: check called the marks of a table's é̀ and į̇̃ 'set over another character' (each
mark over its letter and the other mark) and exited 4 on legitimate copy. A letter and the marks
on it are one glyph cluster read back (proof/readback.py clustered_xs, typography.py _clusters);
a mark moved beside its letter, over the next one, is still caught. Built from
tests/pages/layout/stacked-marks.yaml and read back."""

from __future__ import annotations

import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from pagesetter.proof.readback import PageChars, read_chars
from pagesetter.proof.typography import _records, analyse

PAGES = Path(__file__).resolve().parent / "pages"
CLUSTERS = ["é\u0300", "ộ\u0301", "į\u0307\u0303", "ǖ", "Nguyễn", "Lǘ", "lǚ"]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess]:
    out = tmp_path_factory.mktemp("stacked")
    run = subprocess.run([sys.executable, "-m", "pagesetter", "build", str(PAGES / "layout" / "stacked-marks.yaml"),
                          "-o", str(out)], capture_output=True, text=True)
    return out / "stacked-marks.pdf", run


def test_the_copy_stacks_marks_typed_every_way() -> None:
    copy = (PAGES / "content" / "stacked-marks" / "vietnam.md").read_text(encoding="utf-8")
    for typed in ["e\u0301\u0300", "o\u0323\u0302\u0301", "i\u0328\u0307\u0303", "u\u0308\u0304", "u\u0308\u030c",
                  "e\u0302\u0323", "ế", "e\u0302\u0303", "Cafe\u0301\u0301"]:
        assert typed in copy, typed


def test_stacked_marks_are_not_set_over(built) -> None:
    pdf, run = built
    assert run.returncode != 4 and "set over" not in run.stderr and "over each other" not in run.stderr, run.stderr
    report = analyse(read_chars(pdf), records=_records(pdf))
    assert report.overlap == [], report.overlap
    check = subprocess.run([sys.executable, "-m", "pagesetter", "check", str(pdf)], capture_output=True, text=True)
    assert "set over" not in check.stdout + check.stderr and "Traceback" not in check.stderr, check.stderr


@pytest.mark.parametrize("cluster", CLUSTERS)
def test_each_cluster_reads_back_letter_then_its_marks(built, cluster: str) -> None:
    """Read back letter first, its marks after it in the copy's order, on every line that sets it
    (the table's too): never '̇̃į' (a kai tilde's ink middle left of the narrow į's)."""
    chars = read_chars(built[0])[0].chars
    lines: dict[float, str] = {}
    for c in chars:
        lines[round(c.baseline, 1)] = lines.get(round(c.baseline, 1), "") + c.text
    text = unicodedata.normalize("NFC", "\n".join(lines.values()))
    assert text.count(unicodedata.normalize("NFC", cluster)) >= 2, text
    for mark in "\u0300\u0301\u0307\u0303":
        assert f"\n{mark}" not in text and f"{mark}\u0131" not in text


def _moved(page: PageChars, text: str, by_em: float) -> PageChars:
    """The page as read back, with each ``text`` moved ``by_em`` of its size right."""
    chars = list(page.chars)
    for k, c in enumerate(chars):
        if c.text == text:
            shift = by_em * c.size
            chars[k] = c._replace(x=c.x + shift, right=c.right + shift, ink_left=c.ink_left + shift,
                                  ink_right=c.ink_right + shift)
    return PageChars(page.number, page.width, page.height, tuple(chars), page.spaces, page.trim, page.bleed,
                     page.unmapped)


def test_a_letter_over_a_stacked_cluster_is_still_set_over(built) -> None:
    """The table's ộ́ moved a letter's width left, onto é̀ before it: the two clusters' ink over each
    other is found, as two letters' is. (A mark moved wholly onto the next letter reads as that
    letter's: by ink alone the two cannot be told apart.)"""
    pdf = built[0]
    page = read_chars(pdf)[0]
    records = _records(pdf)
    assert analyse([page], records=records).overlap == []
    moved = analyse([_moved(page, "ộ", -0.7)], records=records)
    assert any("ộ" in f.detail for f in moved.overlap), moved.overlap


def test_a_doubled_accent_removed_leaves_the_letter_composed(built) -> None:
    """Nguyê̂̃n (e + U+0302 + U+0302 + U+0303): the second circumflex is removed and said at its
    column, and what is left, ê + U+0303, is ễ (U+1EC5) set from the body face that has it, not the
    whole word from the fallback face with a fallback-face warning."""
    pdf, run = built
    assert "vietnam.md:30:27 ⟨U+0302⟩" in run.stdout + run.stderr, run.stdout + run.stderr
    assert not any("fallback-face" in line and "vietnam.md:30:" in line and "Nguy" in line
                   for line in run.stderr.splitlines()), run.stderr
    chars = read_chars(pdf)[0].chars
    text = "".join(c.text for c in chars)
    at = text.rfind("Nguy", 0, text.find("▲"))  # the doubled-accent paragraph, the body's last
    word = chars[at:at + 6]
    assert unicodedata.normalize("NFC", "".join(c.text for c in word)) == "Nguy\u1ec5n", word
    body = {c.font for c in chars[at - 3:at]}  # 与 and the body text before it
    assert len(body) == 1 and "Serif" in next(iter(body)), body
    assert {c.font for c in word} == body, [(c.text, c.font) for c in word]
