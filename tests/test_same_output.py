"""Specs built by one command must not write one PDF: trial 14 built the 法治版 and its 核红 copy
(page.name still t14-law) with one command, both said 'wrote …/t14-law.pdf', the folder held the
second page only, exit 0. Refused before anything is built, at the later spec's page.name, as an
edition refuses two pages of one name."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def _build(project: Path, *specs: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pagesetter.cli", "build", *specs, "-o", "out"], cwd=project,
                          capture_output=True, text=True, timeout=300)


def test_two_pages_of_one_name_are_refused(project: Path) -> None:
    (project / "layout" / "seed-copy.yaml").write_text((project / "layout" / "seed-page.yaml").read_text("utf-8"),
                                                       encoding="utf-8")
    done = _build(project, "layout/seed-page.yaml", "layout/seed-copy.yaml")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("pagesetter: error: layout/seed-copy.yaml:7:9: layout/seed-copy.yaml writes "
                               "seed-page.pdf, as layout/seed-page.yaml does"), lines[0]
    assert not (project / "out").exists() or not list((project / "out").glob("*.pdf"))


def test_a_page_named_as_an_editions_page_is_refused(project: Path) -> None:
    (project / "layout" / "tabloid-copy.yaml").write_text(
        (project / "layout" / "tabloid-1.yaml").read_text("utf-8"), encoding="utf-8")
    done = _build(project, "layout/tabloid-edition.yaml", "layout/tabloid-copy.yaml")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "layout/tabloid-copy.yaml writes tabloid-1.pdf, as layout/tabloid-1.yaml does" in done.stderr
    assert not (project / "out").exists() or not list((project / "out").glob("*.pdf"))
