"""build --json: one JSON document on stdout, whatever happened (built, overset, bad input), with
the fields the README documents."""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE_KEYS = {"spec", "pdf", "cached", "characters", "photos", "normalised", "typography_problems", "overset",
             "warnings", "notes", "preflight"}
TOP_KEYS = {"format", "version", "exit", "ok", "pages", "files", "warnings", "errors", "overset",
            "preflight_errors"}


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pagesetter", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=600)


def status(result: subprocess.CompletedProcess[str]) -> dict:
    document = json.loads(result.stdout)  # the whole of stdout is the document
    assert set(document) == TOP_KEYS
    assert document["format"] == "pagesetter-build-status" and document["version"] == 1
    assert document["exit"] == result.returncode and document["ok"] == (result.returncode == 0)
    for page in document["pages"]:
        assert set(page) == PAGE_KEYS
    return document


def _paper(tmp_path: Path) -> Path:
    assert run(["init", "paper", "--fonts", str(ROOT / "fonts")], tmp_path).returncode == 0
    return tmp_path / "paper"


def test_a_clean_build_then_the_same_from_the_record(tmp_path: Path) -> None:
    project = _paper(tmp_path)
    for path in project.rglob("*"):  # saved a minute ago: a build records only inputs that settled
        os.utime(path, (time.time() - 60, time.time() - 60))
    first = status(run(["build", "--json", "--preview"], project))
    assert first["exit"] == 0 and first["errors"] == [] and first["overset"] == []
    [page] = first["pages"]
    assert (page["spec"], page["pdf"], page["cached"]) == ("layout/page.yaml", "output/page.pdf", False)
    assert page["characters"] > 700 and page["photos"] == 0 and page["normalised"] == 3
    assert page["preflight"] == {"errors": 0, "warnings": 0, "findings": []}
    assert page["typography_problems"] == 0 and page["warnings"] == []
    assert [n["kind"] for n in page["notes"]] == ["fitted"] and page["notes"][0]["where"] == "layout/page.yaml:30:5"
    assert first["files"] == ["output/page.pdf", "output/page.png"]
    for name in first["files"]:
        assert (project / name).stat().st_size > 1000
    again = status(run(["build", "--json"], project))
    assert again["pages"][0]["cached"] is True
    assert {**again["pages"][0], "cached": False} == page


def test_overset_stops_the_build_and_says_so_in_json(tmp_path: Path) -> None:
    project = _paper(tmp_path)
    spec = project / "layout" / "page.yaml"
    spec.write_text(spec.read_text(encoding="utf-8").replace("line: 4, lines: 34", "line: 4, lines: 20"),
                    encoding="utf-8")
    stopped = run(["build", "--json"], project)
    assert stopped.returncode == 3
    document = status(stopped)
    assert document["pages"] == [] and document["files"] == []
    [error] = document["errors"]
    # the article's entry in the layout, then the article (every error names a file and a place)
    assert re.match(r"overset \(text that does not fit\): layout/page\.yaml:\d+:\d+: example: ", error), error
    [over] = document["overset"]
    assert over["article"] == "example" and over["characters"] > 100 and over["lines"] > 5 and over["pdf"] == ""
    assert over["message"] in error
    allowed = run(["build", "--json", "--allow-overset"], project)
    document = status(allowed)
    [page] = document["pages"]
    assert page["overset"] == [{k: v for k, v in over.items() if k != "pdf"}]
    assert document["overset"] == [{**over, "pdf": "output/page.pdf"}]
    # written and marked, and exit 3 as a stopped build (text lost); the mark is not a preflight error here
    assert (allowed.returncode, document["ok"], page["preflight"]["errors"]) == (3, False, 0)
    assert [f["kind"] for f in page["preflight"]["findings"]] == ["overset"]


def test_an_overset_item_names_its_place_as_the_text_report_does(tmp_path: Path) -> None:
    """Session 18: the text report named each overset's place (the article's entry in the layout)
    and build --json's overset items had no ``where``, as its warnings and findings have."""
    project = _paper(tmp_path)
    spec = project / "layout" / "page.yaml"
    spec.write_text(spec.read_text(encoding="utf-8").replace("line: 4, lines: 34", "line: 4, lines: 20"),
                    encoding="utf-8")
    said = run(["build", "--allow-overset"], project)
    assert said.returncode == 3
    place = re.search(r"overset \(text that does not fit\): (layout/page\.yaml:\d+:\d+): example: ", said.stderr)
    assert place, said.stderr
    for args in (["build", "--json", "--allow-overset"], ["build", "--json"]):  # written as allowed, and stopped
        document = status(run(args, project))
        [over] = document["overset"]
        assert over["where"] == place.group(1), (args, over)
        for page in document["pages"]:
            assert [o["where"] for o in page["overset"]] == [place.group(1)]


def test_bad_input_is_a_json_document_too(tmp_path: Path) -> None:
    project = _paper(tmp_path)
    (project / "content" / "example.md").write_text("no front matter\n", encoding="utf-8")
    result = run(["build", "--json"], project)
    assert result.returncode == 1
    document = status(result)
    assert document["errors"] == ["content/example.md:1:1: an article starts with a '---' line, then its front "
                                  "matter (title: …), then another '---' line; found 'no front matter'"]
    assert result.stderr.startswith("pagesetter: error: content/example.md:1:1:")


def test_an_edition(project: Path) -> None:
    result = run(["build", "--json", "layout/tabloid-edition.yaml"], project)
    assert result.returncode == 0, result.stderr
    document = status(result)
    assert [p["pdf"] for p in document["pages"]] == ["output/tabloid-1.pdf", "output/tabloid-2.pdf"]
    assert document["files"][-1] == "output/tabloid-edition.pdf"
    assert all(p["spec"] == "layout/tabloid-edition.yaml" and p["characters"] > 1000 for p in document["pages"])
