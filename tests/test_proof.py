"""Proofing: the visual diff of two builds marks only the article that changed; previews."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from pagesetter.proof.diff import diff_pdfs, frames_of


def _build(project: Path, out: str) -> Path:
    run = subprocess.run([sys.executable, "-m", "pagesetter", "build", "-q", "-o", out], cwd=project,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    return project / out / "seed-page.pdf"


def test_changing_one_sentence_marks_only_that_article(project: Path) -> None:
    old = _build(project, "old")
    article = project / "content" / "xian-education.md"
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("一场疫情就是一次大考。", "一场疫情就是一次严峻的大考。"), encoding="utf-8")
    new = _build(project, "new")
    result = diff_pdfs(old, new, project / "diff")
    assert result.changed and result.regions
    assert result.articles == ["xian-education"], result.regions
    assert all(r.articles == ("xian-education",) for r in result.regions)
    image = Image.open(result.images[0])
    assert image.size[0] > 500
    run = subprocess.run([sys.executable, "-m", "pagesetter", "diff", str(old), str(new), "-o", str(project / "d")],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 7 and "xian-education" in run.stdout


def test_identical_builds_show_no_change(project: Path) -> None:
    a, b = _build(project, "a"), _build(project, "b")
    result = diff_pdfs(a, b, project / "diff")
    assert not result.changed and result.summary() == "no change"


def test_our_pdfs_carry_their_module_frames(seed_build) -> None:
    frames = frames_of(seed_build.pdf_path)[0]
    names = {f["article"] for f in frames if f["kind"] == "block"}
    assert names == {a.article for a in seed_build.spec.articles}


def test_preview_has_the_page_size_at_the_resolution(seed_build, tmp_path: Path) -> None:
    from pagesetter.proof.preview import render_png

    png = render_png(seed_build.pdf_path, tmp_path, dpi=30)[0]
    import pikepdf

    with pikepdf.open(seed_build.pdf_path) as pdf:
        media = [float(v) for v in pdf.pages[0].obj["/MediaBox"]]
    size = Image.open(png).size
    assert abs(size[0] - (media[2] - media[0]) * 30 / 72) <= 1 and abs(size[1] - (media[3] - media[1]) * 30 / 72) <= 1


def test_edition_progress_and_contact_sheet(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parent.parent
    run = subprocess.run([sys.executable, "-m", "pagesetter", "build", "layout/tabloid-edition.yaml", "--preview",
                          "-o", str(tmp_path)], cwd=root, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "rendering 2 pages" in run.stdout and "page 1/2: tabloid-1" in run.stdout
    assert "preflight (tabloid-edition.pdf): PASS" in run.stdout
    sheet = Image.open(tmp_path / "tabloid-edition.contact.png")
    assert sheet.width > sheet.height  # two thumbnails side by side
    quiet = subprocess.run([sys.executable, "-m", "pagesetter", "build", "layout/tabloid-edition.yaml", "-q",
                            "-o", str(tmp_path / "q")], cwd=root, capture_output=True, text=True, timeout=300)
    assert quiet.returncode == 0 and quiet.stdout == ""


def test_preflight_without_ghostscript_says_coverage_was_not_checked(seed_build, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """No `gs` on the PATH: not a silent PASS with 'tac checked 0', a warning that says why (issue 15.5)."""
    from pagesetter.proof.preflight import preflight

    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: no Ghostscript to find
    report = preflight(seed_build.pdf_path)
    assert report.measured.get("tac checked") == 0
    assert any(f.check == "coverage" and "not installed" in f.message for f in report.findings), report.text()
