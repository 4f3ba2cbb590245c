"""A project made inside a clone of the repository (the README's Quick start runs `pagesetter init`
wherever the user stands) or inside another project is its own project everywhere: its files are
named from its folder and `serve` watches its own content/ (trial 14: serve watched the clone's
content/, so a saved article was not seen, and diff named night/content/lead.md)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pikepdf
import pytest

from conftest import copy_project
from pagesetter.proof.record import layout_record
from pagesetter.spec.loader import project_root


@pytest.fixture()
def nested(tmp_path: Path) -> Path:
    """A clone-like outer folder (pyproject.toml, .git, its own content/) with a project made
    inside it, as `pagesetter init night` run in a clone leaves it: a pagesetter.toml at its top."""
    outer = tmp_path / "clone"
    outer.mkdir()
    (outer / "pyproject.toml").write_text("[project]\nname = 'outer'\n", encoding="utf-8")
    (outer / ".git").mkdir()
    night = copy_project(outer / "night")
    (outer / "content").mkdir()
    (night / "pagesetter.toml").write_text('[build]\nspec = "layout/seed-page.yaml"\noutput = "output"\n',
                                           encoding="utf-8")
    return night


def test_the_nearest_project_file_makes_the_root(nested: Path) -> None:
    assert project_root(nested / "layout" / "seed-page.yaml") == nested.resolve()
    assert project_root(nested / "layout" / "tabloid-edition.yaml") == nested.resolve()
    # without a project file of its own, the enclosing clone is the project, as before
    (nested / "pagesetter.toml").unlink()
    assert project_root(nested / "layout" / "seed-page.yaml") == nested.parent.resolve()


def test_a_nested_projects_pdf_and_diff_name_its_own_files(nested: Path) -> None:
    run = [sys.executable, "-m", "pagesetter"]
    first = subprocess.run([*run, "build", "-q", "-o", "proof"], cwd=nested, capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    article = nested / "content" / "xian-education.md"
    text = article.read_text(encoding="utf-8")
    assert "。" in text
    article.write_text(text.replace("。", "；", 1), encoding="utf-8")
    second = subprocess.run([*run, "build", "-q"], cwd=nested, capture_output=True, text=True, timeout=300)
    assert second.returncode == 0, second.stderr
    with pikepdf.open(nested / "output" / "seed-page.pdf") as pdf:
        files = {s["file"] for s in layout_record(pdf.pages[0])["sources"].values()}
    assert files and all(f.startswith("content/") for f in files), files
    diff = subprocess.run([*run, "diff", "proof/seed-page.pdf", "output/seed-page.pdf", "-o", "diffs"], cwd=nested,
                          capture_output=True, text=True, timeout=300)
    assert diff.returncode == 7, diff.stderr
    changed = [line for line in diff.stdout.splitlines() if "。→；" in line]
    assert changed and changed[0].startswith("content/xian-education.md:"), diff.stdout


def _status(port: int) -> dict:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/status", timeout=10) as response:
        return json.loads(response.read())


def test_serve_in_a_nested_project_sees_a_saved_article(nested: Path, tmp_path: Path) -> None:
    proc = subprocess.Popen([sys.executable, "-m", "pagesetter", "serve", "--port", "0", "-o", str(tmp_path / "live")],
                            cwd=nested, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", proc.stdout.readline())
        assert match, proc.stderr.read() if proc.poll() is not None else ""
        port = int(match.group(1))
        assert _status(port)["build"] == 1
        article = nested / "content" / "xian-education.md"
        article.write_text(article.read_text(encoding="utf-8").replace("。", "；", 1), encoding="utf-8")
        deadline = time.monotonic() + 60  # the watcher looks every 25 ms; a build takes a second or so
        while _status(port)["build"] < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _status(port)["build"] >= 2, "the saved article was not seen"
    finally:
        proc.terminate()
        proc.communicate(timeout=30)
