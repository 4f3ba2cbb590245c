"""An edition's report, page by page (trial 14b, a new user's night desk): the normalisation marks of
a jumped article are said once, on the page that sets its copy (the page it continues on repeated
them), and the table of the pages counts every warning line said of a page (it counted the
preflight's only: 0 beside pages with four warning lines). Built from
tests/pages/layout/jump-marks-edition.yaml and read from the command's own output."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EDITION = ROOT / "tests" / "pages" / "layout" / "jump-marks-edition.yaml"


def test_marks_said_once_and_every_warning_counted(tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, "-m", "pagesetter", "build", "-o", str(tmp_path), str(EDITION)], cwd=ROOT,
                         capture_output=True, text=True, timeout=600, env={**os.environ, "PAGESETTER_CACHE": "off"})
    assert run.returncode == 0, run.stderr
    out = run.stdout.splitlines()
    said = [k for k, line in enumerate(out) if line.startswith("  normalised: 11 marks")]
    first = next(k for k, line in enumerate(out) if line.startswith("wrote ") and "jump-marks-1.pdf" in line)
    second = next(k for k, line in enumerate(out) if line.startswith("wrote ") and "jump-marks-2.pdf" in line)
    assert [k for k in said if first < k < second] and not [k for k in said if k > second], out
    table = {m.group(1): int(m.group(2)) for line in out
             if (m := re.match(r"(jump-marks-\d)\.pdf(?:\s+\d+){5}\s+(\d+)$", line))}
    warned = {name: sum(1 for line in run.stderr.splitlines()
                        if line.startswith("warning: ") and f"{name}.yaml" in line) for name in table}
    assert table == warned and table["jump-marks-2"] >= 1, (table, run.stderr)


def test_a_jump_that_fits_is_said_so_at_the_page_it_would_continue_on(tmp_path: Path) -> None:
    """The jumped lead cut to a paragraph: it fits on page 1, so page 2's continued entry has nothing
    to set. The build stops at that entry saying so (trial 14: "no earlier page of the edition jumps
    here (jump_to)", though page 1 had its jump_to)."""
    import shutil

    pages = tmp_path / "pages"
    shutil.copytree(ROOT / "tests" / "pages" / "layout", pages / "layout",
                    ignore=lambda folder, names: [n for n in names if not n.startswith("jump-marks")])
    lead = (ROOT / "tests" / "pages" / "content" / "jump-marks" / "lead.md").read_text(encoding="utf-8")
    head, _, body = lead.partition("\n---\n")
    (pages / "content" / "jump-marks").mkdir(parents=True)
    (pages / "content" / "jump-marks" / "lead.md").write_text(head + "\n---\n\n" + body.strip().split("\n\n")[0] + "\n",
                                                              encoding="utf-8")
    for spec in (pages / "layout").glob("jump-marks-?.yaml"):  # the shared files from the repository
        text = spec.read_text(encoding="utf-8").replace("../../../", str(ROOT) + "/")
        spec.write_text(text + f"allow_outside: [{ROOT / 'layout'}, {ROOT / 'fonts'}]\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "pagesetter", "build", "-q", "-o", str(tmp_path / "out"),
                          str(pages / "layout" / "jump-marks-edition.yaml")], cwd=tmp_path,
                         capture_output=True, text=True, timeout=600, env={**os.environ, "PAGESETTER_CACHE": "off"})
    assert run.returncode == 1, run.stderr
    assert run.stderr.strip().splitlines() == [
        "pagesetter: error: pages/layout/jump-marks-2.yaml:12:5: 'lead' is continued from page 1, but it "
        "fits whole on page 1: nothing jumps here; take this entry out, or give its block on page 1 fewer lines"], run.stderr
