"""Trial 17b #9: 核红 (`pagesetter diff`) of a change in the folio (报眉) quoted its context run on
into the slug under the trim (`林青→许白  …版　副刊　责任编辑：许白page.pdf…`). README: the context
stays inside the change's field; for the page's furniture, the line the change stands on."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pdfplumber

ROOT = Path(__file__).resolve().parent.parent


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pagesetter", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=600)


def _lines(pdf: Path) -> list[str]:
    """The PDF's lines as pdfplumber reads them, without any white (the context quotes a gap as
    an ideographic space)."""
    with pdfplumber.open(pdf) as doc:
        text = doc.pages[0].extract_text() or ""
    return [re.sub(r"\s", "", line) for line in text.splitlines()]


def test_a_folio_changes_context_stays_on_the_folio_line(tmp_path: Path) -> None:
    assert run(["init", "paper", "--fonts", str(ROOT / "fonts")], tmp_path).returncode == 0
    project = tmp_path / "paper"
    spec = project / "layout" / "page.yaml"
    text = spec.read_text(encoding="utf-8")
    assert "editor: 编辑" in text
    spec.write_text(text.replace("editor: 编辑", "editor: 林青"), encoding="utf-8")
    assert run(["build", "-q", "-o", "old"], project).returncode == 0
    spec.write_text(text.replace("editor: 编辑", "editor: 许白"), encoding="utf-8")
    assert run(["build", "-q", "-o", "new"], project).returncode == 0
    result = run(["diff", "old/page.pdf", "new/page.pdf"], project)
    assert result.returncode == 7, result.stderr
    [line] = [l for l in result.stdout.splitlines() if "林青→许白" in l]
    context = line.split("  ", 1)[1]
    assert ".pdf" not in context and "pagesetter" not in context, line  # nothing of the slug
    shown = re.sub(r"\s", "", context.strip("…"))
    assert shown.endswith("许白"), line  # the folio line ends there
    # what is quoted is printed so on the new page (the folio's paper name may stand a little
    # higher than its line, pdfplumber's line of its own)
    assert shown in "".join(_lines(project / "new" / "page.pdf")), line
