"""check and diff read a line's word spaces and cell gaps by one rule (proof/readback.py
line_spaces): on the test pages check-quotes and trial16-content, built by the real command and read
back, every line check judges is quoted by check (typography.shown) as diff quotes the same
characters in a change (diff._gaps), and every word space the copy types between two Latin words
of a line, and every gap between two cells of a table row, is quoted as a space by both.

Before, check read pdfium's generated spaces between characters of Latin words (no space after a
comma: "We will,and we must."), diff a line's median Latin tracking plus 0.15 em between letters
and figures only (no space after a full stop: "Dr.James"), and a cell gap at 0.8 em (a 一字空 typed
in 记者　林涛 was run together): the two quoted one line two ways."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from pagesetter.proof import diff, typography
from pagesetter.proof.readback import CELL, WORD, latin_side

ROOT = Path(__file__).resolve().parent.parent
PAGES = {"check-quotes": ROOT / "tests" / "pages" / "content" / "check-quotes",
         "trial16-content": ROOT / "tests" / "pages" / "content" / "trial16"}


@pytest.fixture(scope="module", params=sorted(PAGES))
def page(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    name = request.param
    out = tmp_path_factory.mktemp(name)
    build = subprocess.run([sys.executable, "-m", "pagesetter", "build", "-q", "--no-cache", "-o", str(out),
                            f"tests/pages/layout/{name}.yaml"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert build.returncode == 0, build.stderr
    return name, out / f"{name}.pdf"


def _check_lines(pdf: Path, monkeypatch: pytest.MonkeyPatch) -> list[typography.Line]:
    """The lines check judges on the page: its columns' and its tables' (seen as check hands them
    on, its results untouched)."""
    seen: list[typography.Line] = []
    for name in ("_check_column", "_check_tables"):
        real = getattr(typography, name)

        def watching(lines, *args, real=real, **kwargs):  # type: ignore[no-untyped-def]
            seen.extend(lines)
            return real(lines, *args, **kwargs)

        monkeypatch.setattr(typography, name, watching)
    typography.check_pdf(pdf)
    return seen


def _diff_lines(pdf: Path) -> dict[tuple[int, tuple], str]:
    """Each printed line of each article part as diff quotes it, by (page, its characters)."""
    side = diff.read_side(pdf)
    out: dict[tuple[int, tuple], str] = {}
    for placed in side.articles.values():
        for part in diff.PARTS:
            run = [p for p in placed if p.part == part]
            gaps = diff._gaps([p.char for p in run])
            text = [p.char.text for p in run]
            at = 0
            for line in diff._placed_lines(run):
                out[(line[0].page, tuple(p.char for p in line))] = diff._spaced(text, gaps, at, at + len(line))
                at += len(line)
    return out


def _typed_pairs(copy: Path) -> list[tuple[str, str]]:
    """Two Latin pieces the copy parts by a typed space (Xavier Bellamy, will, and) and two
    neighbouring cells of a table row (贵州茅台 | 1,688.00), as they print."""
    pairs: list[tuple[str, str]] = []
    for md in sorted(copy.glob("*.md")):
        for line in md.read_text(encoding="utf-8").split("\n"):
            if line.startswith("|"):
                cells = [c.strip() for c in line.strip("|").split("|")]
                if not all(set(c) <= set("-: ") for c in cells):
                    pairs += [(a.replace("-", "−"), b.replace("-", "−")) for a, b in zip(cells, cells[1:]) if a and b]
                continue
            words = re.split(r"[ \t]+", line)
            for a, b in zip(words, words[1:]):
                # the Latin end of the piece before, the Latin start of the one after (a straight
                # quote prints curled: left out)
                tail = _latin_run(a.split('"')[-1][::-1])[::-1]
                head = _latin_run(b.split('"')[0])
                if tail and head:
                    pairs.append((tail, head))
    return pairs


def _latin_run(text: str) -> str:
    """The start of ``text`` up to its first character that is no Latin text's (readback.latin_side)."""
    k = 0
    while k < len(text) and latin_side(text[k]):
        k += 1
    return text[:k]


def test_check_and_diff_quote_each_line_alike(page, monkeypatch: pytest.MonkeyPatch) -> None:
    name, pdf = page
    quoted = _diff_lines(pdf)
    lines = _check_lines(pdf, monkeypatch)
    both = [(line, quoted[(line.page, line.chars)]) for line in lines if (line.page, line.chars) in quoted]
    assert len(both) >= 0.8 * len(lines), (len(both), len(lines))  # diff reads the same lines
    differ = [(typography.shown(line), said) for line, said in both
              if typography.shown(line) != said.replace(CELL, WORD)]
    assert differ == []


def test_typed_word_spaces_and_cell_gaps_are_quoted(page, monkeypatch: pytest.MonkeyPatch) -> None:
    name, pdf = page
    pairs = _typed_pairs(PAGES[name])
    quoted = _diff_lines(pdf)
    checked = [typography.shown(line) for line in _check_lines(pdf, monkeypatch)]
    found = 0
    for a, b in pairs:
        for said in checked + [q.replace(CELL, WORD) for q in quoted.values()]:
            if a + b in said.replace(WORD, ""):
                found += 1
                assert f"{a} {b}" in said, (a, b, said)
    assert found >= 8, (found, pairs)
