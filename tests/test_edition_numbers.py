"""An edition's numbers against each other (session 17): the 版次 its pages print, the pages its
jumps send the reader to (转第N版) and those its continuations name (上接第N版).

A plant imposes the combined PDF by sheet order: pages 第1、2、4版 leave 第3版's plate with page 4 on
it, and every later plate one page off; a page the edition does not hold is missing unless the
edition says it is made elsewhere (``elsewhere:``). A jump whose number is not the 版次 of the page
its rest is on sends the reader to the wrong page. Each is an error before any page is set: exit 1,
one line naming the file and line, nothing written. The edition
tests/pages/layout/jump-numbers-edition.yaml (第1版's lead jumps over 第2版 to 第3版) is built as
it stands and, in a copy, with one number or page changed at a time; stderr and the PDFs read back.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pdfplumber
import pytest

from conftest import ROOT, copy_project

PAGES = ROOT / "tests" / "pages"
LAYOUT = "tests/pages/layout"
EDITION = f"{LAYOUT}/jump-numbers-edition.yaml"


def _project(tmp_path: Path) -> Path:
    """A project of its own holding the edition's pages (layout and their two content folders)."""
    project = copy_project(tmp_path / "p")
    shutil.copytree(PAGES / "layout", project / LAYOUT)
    for content in ("jump-marks", "ad"):
        shutil.copytree(PAGES / "content" / content, project / "tests" / "pages" / "content" / content)
    return project


def _edit(project: Path, name: str, old: str, new: str) -> None:
    path = project / LAYOUT / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, (name, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


def _build(project: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pagesetter", "build", EDITION, "-o", "out", "-q"],
                          capture_output=True, text=True, timeout=600, cwd=project)


def _stopped(project: Path) -> str:
    """The one error line of a build that stopped before any page was set, nothing written."""
    result = _build(project)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    [line] = result.stderr.strip().splitlines()
    assert not (project / "out").exists() or not any((project / "out").glob("*.pdf"))
    return line


def _text(pdf: Path) -> list[str]:
    with pdfplumber.open(pdf) as doc:
        return ["".join(c["text"] for c in page.chars) for page in doc.pages]


def test_a_jump_over_a_page_builds_with_its_numbers(tmp_path: Path) -> None:
    """The edition as shipped: 转第3版 on sheet 1, 上接第1版 on sheet 3, sheet 2 between (exit 0)."""
    result = subprocess.run([sys.executable, "-m", "pagesetter", "build", str(ROOT / EDITION), "-o",
                             str(tmp_path), "-q"], capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    sheets = _text(tmp_path / "jump-numbers-edition.pdf")
    assert len(sheets) == 3
    assert "转第3版" in sheets[0] and "上接第1版" in sheets[2]
    assert [("第1版" in s, "第2版" in s, "第3版" in s) for s in sheets] == [
        (True, False, True), (False, True, False), (True, False, True)]  # each sheet's 报眉, and its jump line


def test_a_gap_in_the_banci_is_a_missing_page(tmp_path: Path) -> None:
    """Pages 第1版 and 第3版 with no 第2版: the plant would put page 3 on plate 2. Exit 1 at the
    later page's item of pages:, naming the missing 版次 and the key that says it is made elsewhere."""
    project = _project(tmp_path)
    _edit(project, "jump-numbers-edition.yaml", "jump-numbers-2.yaml, ", "")
    line = _stopped(project)
    assert line.startswith(f"pagesetter: error: {EDITION}:9:32: the edition has no 第2版: sheet 2 "
                           f"({LAYOUT}/jump-numbers-3.yaml) prints 第3版 ({LAYOUT}/jump-numbers-3.yaml:12:"), line
    assert f"after sheet 1's 第1版 ({LAYOUT}/jump-numbers-1.yaml:12:" in line, line
    assert line.endswith("add the page to pages:, or, when it is made elsewhere, say so: elsewhere: [2]"), line


def test_a_page_said_to_be_made_elsewhere_closes_the_gap(tmp_path: Path) -> None:
    """The same edition saying 第2版 is made elsewhere builds (exit 0): two sheets, the jump carried."""
    project = _project(tmp_path)
    _edit(project, "jump-numbers-edition.yaml", "jump-numbers-2.yaml, ", "")
    _edit(project, "jump-numbers-edition.yaml", "  pages:", "  elsewhere: [2]\n  pages:")
    result = _build(project)
    assert result.returncode == 0, result.stderr
    sheets = _text(project / "out" / "jump-numbers-edition.pdf")
    assert len(sheets) == 2 and "转第3版" in sheets[0] and "上接第1版" in sheets[1]


def test_a_page_made_elsewhere_that_the_edition_holds_is_an_error(tmp_path: Path) -> None:
    project = _project(tmp_path)
    _edit(project, "jump-numbers-edition.yaml", "  pages:", "  elsewhere: [2]\n  pages:")
    line = _stopped(project)
    assert line.startswith(f"pagesetter: error: {EDITION}:9:15: 第2版 is said to be made elsewhere, but sheet 2 "
                           f"({LAYOUT}/jump-numbers-2.yaml) prints it"), line


def test_a_duplicated_banci_is_an_error(tmp_path: Path) -> None:
    """Two pages printing 第2版: one plate, two pages. Said as such, not as pages out of order."""
    project = _project(tmp_path)
    _edit(project, "jump-numbers-3.yaml", "page: 第3版", "page: 第2版")
    line = _stopped(project)
    assert line.startswith(f"pagesetter: error: {EDITION}:9:53: two pages of the edition print 第2版: sheet 3 "
                           f"({LAYOUT}/jump-numbers-3.yaml:12:"), line
    assert f"and sheet 2 ({LAYOUT}/jump-numbers-2.yaml:12:" in line, line


def test_a_jump_to_a_page_its_rest_is_not_on_is_an_error(tmp_path: Path) -> None:
    """转第2版 while the rest prints on 第3版: the reader turns to page 2 and finds no lead."""
    project = _project(tmp_path)
    _edit(project, "jump-numbers-1.yaml", "jump_to: 3", "jump_to: 2")
    line = _stopped(project)
    assert line == (f"pagesetter: error: {LAYOUT}/jump-numbers-1.yaml:16:5: 'lead' jumps to 第2版 (转第2版), "
                    f"but its rest prints on 第3版 ({LAYOUT}/jump-numbers-3.yaml:15:5, continued_from); a reader "
                    "would turn to the wrong page: write jump_to: 3"), line


def test_a_jump_to_a_page_the_edition_does_not_have_is_an_error(tmp_path: Path) -> None:
    """转第3版 in an edition of 第1版 and 第2版 (before: its lines overset on the last page, or, when
    the body fitted, a jump line promising a page nobody prints)."""
    project = _project(tmp_path)
    _edit(project, "jump-numbers-edition.yaml", ", jump-numbers-3.yaml", "")
    line = _stopped(project)
    assert line == (f"pagesetter: error: {LAYOUT}/jump-numbers-1.yaml:16:5: 'lead' jumps to 第3版 (转第3版), "
                    f"which is no page of the edition {EDITION} (it prints 第1–2版): add the page that continues "
                    "it (continued_from), or correct jump_to"), line


def test_a_jump_to_a_page_made_elsewhere_is_an_error(tmp_path: Path) -> None:
    project = _project(tmp_path)
    _edit(project, "jump-numbers-edition.yaml", ", jump-numbers-3.yaml", "")
    _edit(project, "jump-numbers-edition.yaml", "  pages:", "  elsewhere: [3]\n  pages:")
    line = _stopped(project)
    assert line == (f"pagesetter: error: {LAYOUT}/jump-numbers-1.yaml:16:5: 'lead' jumps to 第3版 (转第3版), "
                    f"which is made elsewhere ({EDITION}:9:15): its lines cannot go there; jump to a page of the "
                    "edition"), line


def test_a_jump_to_a_page_that_does_not_continue_it_is_an_error(tmp_path: Path) -> None:
    """转第2版 where 第2版 is a page of the edition with no entry continuing the article."""
    project = _project(tmp_path)
    _edit(project, "jump-numbers-edition.yaml", ", jump-numbers-3.yaml", "")
    _edit(project, "jump-numbers-1.yaml", "jump_to: 3", "jump_to: 2")
    line = _stopped(project)
    assert line == (f"pagesetter: error: {LAYOUT}/jump-numbers-1.yaml:16:5: 'lead' jumps to 第2版 (转第2版), "
                    f"but no entry of {LAYOUT}/jump-numbers-2.yaml continues it: give it an entry with "
                    "continued_from: 1, or correct jump_to"), line


def test_a_continuation_naming_the_wrong_page_is_an_error(tmp_path: Path) -> None:
    """上接第2版 on 第3版 while the lead jumps from 第1版: the reader turns back to the wrong page."""
    project = _project(tmp_path)
    _edit(project, "jump-numbers-3.yaml", "continued_from: 1", "continued_from: 2")
    line = _stopped(project)
    assert line == (f"pagesetter: error: {LAYOUT}/jump-numbers-3.yaml:15:5: 'lead' continues from 第2版 "
                    f"(上接第2版), but it jumps here from 第1版 ({LAYOUT}/jump-numbers-1.yaml:16:5, jump_to); a "
                    "reader would turn back to the wrong page: write continued_from: 1"), line


def test_a_jump_back_to_an_earlier_page_is_an_error(tmp_path: Path) -> None:
    """转第1版 on 第3版: the edition carries a jump's lines to later pages only."""
    project = _project(tmp_path)
    _edit(project, "jump-numbers-3.yaml", "    continued_from: 1\n", "    jump_to: 1\n")
    _edit(project, "jump-numbers-1.yaml", "    jump_to: 3\n", "")
    line = _stopped(project)
    assert line == (f"pagesetter: error: {LAYOUT}/jump-numbers-3.yaml:15:5: 'lead' jumps to 第1版 (转第1版), "
                    f"which comes before this page in the edition ({LAYOUT}/jump-numbers-1.yaml, sheet 1 of 3): "
                    "jump to a later page"), line


def test_the_checks_read_each_page_spec_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The 版次 and jump checks read each page spec's YAML once between them (they read it three
    times: the order check, then the jump check's 版次 and its jumps), counted on the real reader;
    a jump number corrected wrong stops the edition at the last check, before any page is set."""
    from pagesetter import edition as edition_module
    from pagesetter.errors import InputError

    project = _project(tmp_path)
    _edit(project, "jump-numbers-3.yaml", "continued_from: 1", "continued_from: 2")
    read: list[Path] = []
    real = edition_module.load_yaml

    def counted(path):  # type: ignore[no-untyped-def]
        read.append(Path(path))
        return real(path)

    monkeypatch.setattr(edition_module, "load_yaml", counted)
    with pytest.raises(InputError, match="continues from 第2版"):
        edition_module.build_edition(project / EDITION, tmp_path / "out")
    pages = [p for p in read if p.name.startswith("jump-numbers-") and p.name != "jump-numbers-edition.yaml"]
    assert sorted(p.name for p in pages) == ["jump-numbers-1.yaml", "jump-numbers-2.yaml", "jump-numbers-3.yaml"]
