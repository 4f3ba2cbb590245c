"""Trial 17b #5: a page built with --allow-overset exits 3, and its last line said `preflight found
errors (above)` while build --json counted 0 preflight errors (README: the overset mark of an
--allow-overset page is a finding but not counted in `errors`); the overset line had no place.
Now the last line names the overset at its entry in the layout, the text and the JSON count the
same, and an edition's last line names the page."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest

ROOT = Path(__file__).resolve().parent.parent
EDITION = "edition:\n  name: ed\n  paper: 新报\n  date: 2026-01-01\n  pages: [page.yaml]\n"


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pagesetter", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=600)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`pagesetter init paper`, its article's block made too shallow: the text oversets."""
    root = tmp_path_factory.mktemp("overset-said")
    assert run(["init", "paper", "--fonts", str(ROOT / "fonts")], root).returncode == 0
    spec = root / "paper" / "layout" / "page.yaml"
    text = spec.read_text(encoding="utf-8")
    assert "line: 4, lines: 34" in text
    spec.write_text(text.replace("line: 4, lines: 34", "line: 4, lines: 20"), encoding="utf-8")
    (spec.parent / "ed.yaml").write_text(EDITION, encoding="utf-8")
    return root / "paper"


def _entry(project: Path) -> str:
    """The article's entry in the layout, as the overset that stops the build names it."""
    stopped = run(["build", "--no-cache", "-o", "stopped"], project)
    assert stopped.returncode == 3, stopped.stderr
    found = re.search(r"(layout/page\.yaml:\d+:\d+): example: ", stopped.stderr)
    assert found, stopped.stderr
    return found.group(1)


def test_an_allowed_overset_is_the_last_line_at_its_place_and_counted_as_the_json_counts(project: Path) -> None:
    entry = _entry(project)
    text = run(["build", "--no-cache", "--allow-overset"], project)
    assert text.returncode == 3, text.stderr
    lines = text.stderr.splitlines()
    last = lines[-1]
    assert last.startswith(f"pagesetter: error: overset (text that does not fit): {entry}: example: "), last
    assert "NOT FOR PRINT" in last and "preflight found errors" not in text.stderr, text.stderr
    # the overset's own line at its place, as README's overset is
    assert [l for l in lines if l.startswith(f"overset: {entry}: example: ")], lines
    # the PDF is written, and carries the mark the preflight reads back
    with pikepdf.open(project / "output" / "page.pdf") as pdf:
        assert "/PieceInfo" in pdf.pages[0].obj
    checked = run(["preflight", "output/page.pdf"], project)
    assert checked.returncode == 6 and "overset: built with overset allowed" in checked.stdout
    summary = next(l for l in text.stdout.splitlines() if l.startswith("preflight: "))
    document = json.loads(run(["build", "--no-cache", "--allow-overset", "--json"], project).stdout)
    [page] = document["pages"]
    # the text counts what the JSON counts: errors, warnings, and the mark apart
    assert summary.startswith(f"preflight: FAIL: {page['preflight']['errors']} errors, "
                              f"{page['preflight']['warnings']} warnings, 1 overset mark"), summary
    assert document["preflight_errors"] == page["preflight"]["errors"] == 0
    assert [f["kind"] for f in page["preflight"]["findings"]] == ["overset"]
    # the JSON's error is the last line's
    assert document["errors"] == [last.removeprefix("pagesetter: error: ")], document["errors"]
    [over] = document["overset"]
    assert over["message"] in last


def test_an_editions_allowed_overset_names_its_page_and_place(project: Path) -> None:
    entry = _entry(project)
    built = run(["build", "--no-cache", "--allow-overset", "layout/ed.yaml"], project)
    assert built.returncode == 3, built.stderr
    lines = built.stderr.splitlines()
    assert lines[-1].startswith("pagesetter: error: overset (text that does not fit): "
                                f"output/page.pdf: {entry}: example: "), lines[-1]
    assert "preflight found errors" not in built.stderr
    assert [l for l in lines if l.startswith(f"overset: output/page.pdf: {entry}: example: ")], lines
    # the combined file's preflight line and the table count the mark apart from the errors
    summary = next(l for l in built.stdout.splitlines() if l.startswith("preflight (ed.pdf): "))
    assert "FAIL: 0 errors, 0 warnings, 1 overset mark" in summary, summary
    row = next(l for l in built.stdout.splitlines() if l.startswith("page.pdf "))
    assert row.split()[5] == "0", row  # errors column
