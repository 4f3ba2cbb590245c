"""A character no face of the fallback chain has (😀, private use, unassigned code points) stops the
build with one located line per character, or, when the page spec says `missing_glyphs:
substitute`, prints 〓 (U+3013 GETA MARK) and warns; characters that print nothing by design
(variation selectors, ZWJ, …) are never missing and leave no hole."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

from pagesetter.proof.diff import frames_of
from pagesetter.proof.readback import read_chars
from pagesetter.proof.typography import analyse

ARTICLE = Path("content") / "dongliao-police.md"
SPEC = Path("layout") / "seed-page.yaml"


# What a code point this Python's table does not name is called (flow/glyphs.describe)
UNNAMED = f"<not in Unicode {unicodedata.unidata_version}, this Python's character table>"


def _build(project: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    return subprocess.run([sys.executable, "-m", "pagesetter", "build"], cwd=project, capture_output=True, text=True,
                          timeout=300, env=env)


def _plant(project: Path) -> list[str]:
    """😀 in the title, a private-use character in the byline, 😀 (with its emoji variation
    selector), a private-use character and an unassigned code point in the first paragraph; a ZWJ
    and a variation selector that must not count. Returns the source lines."""
    path = project / ARTICLE
    text = path.read_text(encoding="utf-8")
    text = text.replace("title: 让鲜红的党旗", "title: 让😀鲜红的党旗", 1)
    # the byline in place of the subtitle: the headline keeps clear of the photo beside it
    text = text.replace("subtitle: ——记东辽县交警大队党支部", "byline: 本报记者 刘\ue000洋", 1)
    text = text.replace("面对严峻复杂的疫情形势", "面对严峻😀\ufe0f复杂的疫情\ue001形势\u0378\U0001FAE8，党\u200d员\U000E0100", 1)
    path.write_text(text, encoding="utf-8")
    return text.split("\n")


def _where(lines: list[str], ch: str, nth: int = 0) -> str:
    """file:line:column of the nth occurrence of ``ch`` (columns count characters, from 1)."""
    seen = 0
    for number, line in enumerate(lines, 1):
        for column, c in enumerate(line, 1):
            if c == ch:
                if seen == nth:
                    return f"{ARTICLE.as_posix()}:{number}:{column}"
                seen += 1
    raise AssertionError(ch)


def test_a_character_no_face_has_is_a_located_error_per_character(project: Path) -> None:
    lines = _plant(project)
    run = _build(project)
    assert run.returncode == 1, (run.returncode, run.stderr, run.stdout[-500:])
    assert "Traceback" not in run.stderr
    errors = run.stderr.strip().splitlines()
    expected = [
        (_where(lines, "😀", 0), "title", "U+1F600 GRINNING FACE (😀)"),
        (_where(lines, "\ue000"), "byline", "U+E000 <private use>"),
        (_where(lines, "😀", 1), "paragraph 1", "U+1F600 GRINNING FACE (😀)"),
        (_where(lines, "\ue001"), "paragraph 1", "U+E001 <private use>"),
        (_where(lines, "\u0378"), "paragraph 1", f"U+0378 {UNNAMED}"),
        # Unicode 15.0's SHAKING FACE, past Python 3.11's table: never called unassigned
        (_where(lines, "\U0001FAE8"), "paragraph 1",
         "U+1FAE8 SHAKING FACE (\U0001FAE8)" if sys.version_info >= (3, 12) else
         f"U+1FAE8 {UNNAMED}"),
    ]
    assert len(errors) == len(expected), errors
    for line, (where, field, char) in zip(errors, expected):
        # the faces of the character's style, not every face of the manifest (trial 17c #7)
        assert line.startswith(f"pagesetter: error: {where}: article 'dongliao-police', {field}: no face of style '"), \
            (line, where)
        assert re.search(r": no face of style '[^']+' \([^)]+\) has " + re.escape(char), line), line
    assert not re.search(r"FE0F|200D|E0100|\\U|\\u", run.stderr)  # invisible characters are never missing
    assert not (project / "output" / "seed-page.pdf").exists()


def test_substitute_prints_a_geta_mark_and_warns(project: Path) -> None:
    lines = _plant(project)
    spec = project / SPEC
    spec.write_text(spec.read_text(encoding="utf-8").replace("\nrules:", "\nmissing_glyphs: substitute\nrules:", 1),
                    encoding="utf-8")
    run = _build(project)
    assert run.returncode == 0, run.stderr
    warnings = [w for w in run.stderr.splitlines() if "missing-glyph" in w]  # problems go to stderr
    assert len(warnings) == 6, warnings
    assert warnings[0].startswith(f"warning: {_where(lines, '😀')}: missing-glyph: article 'dongliao-police', title: "
                                  "no face of style "), warnings[0]
    assert warnings[0].endswith(") has U+1F600 GRINNING FACE (😀); printed 〓 in its place"), warnings[0]
    pdf = project / "output" / "seed-page.pdf"
    pages = read_chars(pdf)
    text = "".join(c.text for c in pages[0].chars)
    assert text.count("〓") == 6 and "😀" not in text and "\ue000" not in text
    assert "刘〓洋" in text and "让〓鲜红" in text
    # the variation selector and the ZWJ leave no hole: the check sees none on the page
    report = analyse(pages, frames_of(pdf))
    assert report.holes == [], report.text()


def test_the_option_is_checked(project: Path) -> None:
    spec = project / SPEC
    spec.write_text(spec.read_text(encoding="utf-8").replace("\nrules:", "\nmissing_glyphs: replace\nrules:", 1),
                    encoding="utf-8")
    run = _build(project)
    assert run.returncode == 1 and "missing_glyphs must be one of error, substitute" in run.stderr, run.stderr


def test_a_vertical_headline_takes_no_fallback_face(tmp_path: Path) -> None:
    """𠀎 (U+2000E) is in LXGW WenKai, the fallback of 黑体, but a vertical headline is set in its
    style's face alone (compose/vertical.py): in a 黑体 vertical title it would be a hole, so it is
    an error naming the vertical title; in the body beside it, the fallback prints it."""
    import shutil

    pages = Path(__file__).resolve().parent / "pages"
    shutil.copytree(pages / "layout", tmp_path / "layout")
    shutil.copytree(pages / "content", tmp_path / "content")
    spec = tmp_path / "layout" / "punctuation.yaml"
    root = Path(__file__).resolve().parent.parent
    spec.write_text(spec.read_text(encoding="utf-8").replace("../../../", f"{root.as_posix()}/")
                    .replace("\nallow_overset:", f"\nallow_outside: [{root.as_posix()}]\nallow_overset:", 1),
                    encoding="utf-8")
    article = tmp_path / "content" / "vertical.md"
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("title: 竖排", "title: 竖\U0002000E排", 1).replace("竖排标题自上而下", "竖排标题\U0002000E自上而下", 1),
                       encoding="utf-8")
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    run = subprocess.run([sys.executable, "-m", "pagesetter", "build", "layout/punctuation.yaml"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=300, env=env)
    assert run.returncode == 1, (run.stderr, run.stdout[-300:])
    errors = run.stderr.strip().splitlines()
    assert len(errors) == 1, errors  # the body's 𠀎 comes from the fallback face
    assert errors[0].startswith("pagesetter: error: content/vertical.md:2:9: article 'vertical', vertical title: "
                                "face "), errors[0]
    assert " has no U+2000E CJK UNIFIED IDEOGRAPH-2000E (\U0002000E) (a vertical headline takes no fallback face)" \
        in errors[0], errors[0]


def test_a_credits_missing_character_is_located_at_the_credit_line(project: Path) -> None:
    """Trial 15: a credit's character no face has was said at the photo entry's `- file:` line;
    it is said at the credit's own line and column, as a caption's is."""
    path = project / ARTICLE
    text = path.read_text(encoding="utf-8").replace("    caption: ▲东辽县交警大队党员服务队。\n",
                                                    "    caption: ▲东辽县交警大队党员服务队。\n    credit: 本报记者 刘\ue002洋 摄\n", 1)
    path.write_text(text, encoding="utf-8")
    run = _build(project)
    errors = run.stderr.strip().splitlines()
    assert run.returncode == 1 and len(errors) == 1, run.stderr
    assert errors[0].startswith(f"pagesetter: error: {_where(text.split(chr(10)), chr(0xE002))}: "
                                "article 'dongliao-police', credit: no face of style 'credit' ("), errors[0]
    assert ") has U+E002" in errors[0], errors[0]


def test_check_warns_of_each_geta_mark_with_its_place(project: Path) -> None:
    """Trial 15: `missing_glyphs: substitute` printed 〓 with exit 0 and `check` passed the page.
    check warns of each 〓 it reads on a page (exit 0 still: the build allowed it), at its page and
    baseline with its article's file and line; the build does not say them twice."""
    _plant(project)
    spec = project / SPEC
    spec.write_text(spec.read_text(encoding="utf-8").replace("\nrules:", "\nmissing_glyphs: substitute\nrules:", 1),
                    encoding="utf-8")
    run = _build(project)
    assert run.returncode == 0, run.stderr
    assert "〓 (U+3013)" not in run.stderr  # said once, as missing-glyph warnings
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    check = subprocess.run([sys.executable, "-m", "pagesetter", "check", "output/seed-page.pdf"], cwd=project,
                           capture_output=True, text=True, timeout=300, env=env)
    assert check.returncode == 0, check.stdout + check.stderr
    said = [ln for ln in check.stdout.splitlines() if "warning: 〓 (U+3013)" in ln]
    assert len(said) == 6, check.stdout
    assert any(re.match(r"\s*page 1 \(article 'dongliao-police', content/dongliao-police\.md:\d+\), baseline [\d.]+ pt: "
                        r"warning: 〓 \(U\+3013\) printed for a character no face has: .*让〓鲜红", ln) for ln in said), said
