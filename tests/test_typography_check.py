"""`pagesetter check` finds each kind of fault in a page made to have it, and none on a clean one."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pagesetter.fonts.face import FaceSet
from pagesetter.fonts.manifest import load_manifest
from pagesetter.pagetree import Glyph, Page, TextLine
from pagesetter.proof.typography import check_pdf
from pagesetter.render.pdf import render_pdf
from pagesetter.spec.model import BLACK

LEFT, MEASURE, PITCH, TOP = 50.0, 117.0, 13.5, 60.0
FULL = "一二三四五六七八九十上中下"  # 13 characters: a full 13-em line


@pytest.fixture(scope="module")
def manifest(root: Path):
    return load_manifest(root / "fonts" / "manifest.yaml")


def _line(faces: FaceSet, text: str, row: int, *, x0: float = 0.0, step: float = 9.0, dy: float = 0.0) -> TextLine:
    face = faces.get("song")
    glyphs = tuple(Glyph("song", 9.0, face.glyph_for(ch), LEFT + x0 + i * step, ch, BLACK) for i, ch in enumerate(text))
    return TextLine(glyphs, TOP + row * PITCH + dy, LEFT, MEASURE, "t", "body")


def _check(tmp_path: Path, manifest, rows: list[TextLine]) -> object:
    page = Page("t", (300.0, 400.0), 0.0, tuple(rows), (), (), ())
    pdf = tmp_path / "t.pdf"
    pdf.write_bytes(render_pdf(page, manifest, "t").pdf)
    return check_pdf(pdf)


def _clean_rows(faces: FaceSet) -> list[TextLine]:
    rows = [_line(faces, FULL, r) for r in range(8)]
    rows.append(_line(faces, "上中下四五。", 8))  # a paragraph's last line
    rows.append(_line(faces, FULL[:11], 9, x0=18.0))  # the next paragraph, indented two ems
    return rows


def test_clean_page_has_no_findings(tmp_path: Path, manifest) -> None:
    report = _check(tmp_path, manifest, _clean_rows(FaceSet(manifest)))
    assert report.problems == 0, report.text()
    assert report.lines == 10 and report.justified_lines >= 8


def test_each_fault_is_found(tmp_path: Path, manifest) -> None:
    faces = FaceSet(manifest)
    rows = _clean_rows(faces)
    rows[1] = _line(faces, "，" + FULL[1:], 1)  # kinsoku: a comma starts a line
    rows[2] = _line(faces, FULL[:12] + "“", 2)  # kinsoku: an opening quote ends a line
    rows[3] = _line(faces, FULL, 3, step=8.9)  # justified line 1.2 pt short of the measure
    rows[4] = _line(faces, FULL[:12] + "—", 4)  # a 破折号 split across lines
    rows[5] = _line(faces, "—" + FULL[1:], 5)
    rows[6] = _line(faces, FULL, 6, dy=3.0)  # off the baseline grid
    rows[8] = _line(faces, "好。", 8)  # 孤字: a paragraph ends on one character
    report = _check(tmp_path, manifest, rows)
    assert [f.text[0] for f in report.kinsoku] == ["，", "一"]
    assert len(report.off_measure) == 1 and report.off_measure[0].text == FULL
    assert len(report.split_marks) == 1
    assert [f.text for f in report.lone_char] == ["好。"]
    assert len(report.off_grid) == 1


def test_check_command_on_the_seed_page(seed_build) -> None:
    """The acceptance figures, from glyph positions read back from the PDF."""
    result = subprocess.run([sys.executable, "-m", "pagesetter", "check", "--json", str(seed_build.pdf_path)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout
    report = next(iter(json.loads(result.stdout).values()))
    assert report["problems"] == 0
    assert report["lines"] > 400 and report["justified_lines"] > 350
    assert 0.0 <= report["gap_em"]["max"] <= 0.25  # no line spread by more than a quarter em a gap
