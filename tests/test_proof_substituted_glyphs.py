"""Trial 17b #11: with ``missing_glyphs: substitute`` the proof showed the black 〓 only; with
``error`` the same copy got red boxes labelled 缺字 U+…. README `--proof`: characters no face has
are marked in red, so they are marked whenever they are printed, and a 〓 the copy typed itself
(the typesetter's own placeholder) is not."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pdfplumber
import pytest

ROOT = Path(__file__).resolve().parent.parent
RARE = "\U0002A6A5"  # 𪚥: no face of the project's fonts has it


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pagesetter", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=600)


def _project(root: Path, policy: str) -> Path:
    assert run(["init", "paper", "--fonts", str(ROOT / "fonts")], root).returncode == 0
    project = root / "paper"
    spec = project / "layout" / "page.yaml"
    spec.write_text(spec.read_text(encoding="utf-8").replace("articles:\n", f"missing_glyphs: {policy}\narticles:\n"),
                    encoding="utf-8")
    article = project / "content" / "example.md"
    text = article.read_text(encoding="utf-8")
    assert "这是新项目里的示例稿件。" in text
    # a 〓 typed by the copy (a placeholder the desk knows), then a character no face has
    article.write_text(text.replace("这是新项目里的示例稿件。", f"这是〓项目里的示例稿{RARE}。"), encoding="utf-8")
    return project


def _drawn(pdf: Path) -> str:
    """The characters in drawing order (a label is drawn whole, the space a move of the pen)."""
    with pdfplumber.open(pdf) as doc:
        return "".join(c["text"] for c in doc.pages[0].chars)


def _marks(proof: Path) -> tuple[list[dict], list[dict], list[dict]]:
    """The proof's 〓 characters, its 缺字 labels (the label's first character) and its red boxes."""
    with pdfplumber.open(proof) as pdf:
        page = pdf.pages[0]
        chars = page.chars
        geta = [c for c in chars if c["text"] == "〓"]
        labels = [c for k, c in enumerate(chars) if c["text"] == "缺" and k + 1 < len(chars)
                  and chars[k + 1]["text"] == "字"]
        red = [r for r in page.lines  # the proof's boxes are four rules each
               if r.get("stroking_color") is not None and tuple(round(v, 2) for v in r["stroking_color"]) == (0, 1, 1, 0)]
        return geta, labels, red


@pytest.mark.parametrize("policy", ["substitute"])
def test_a_substituted_character_is_marked_on_the_proof_and_a_typed_geta_is_not(tmp_path: Path, policy: str) -> None:
    project = _project(tmp_path, policy)
    built = run(["build", "--proof"], project)
    assert built.returncode == 0, built.stderr
    assert "printed 〓 in its place" in built.stderr
    geta, labels, red = _marks(project / "output" / "page.proof.pdf")
    assert len(geta) == 2, geta  # the typed one and the one printed for 𪚥
    typed, stood_in = sorted(geta, key=lambda c: c["x0"])  # the typed one first on the same line
    assert abs(typed["top"] - stood_in["top"]) < 1
    [label] = labels  # one 缺字 label: the substitution's, not the typed 〓's
    assert abs(label["x0"] - stood_in["x0"]) < 1.5 and label["bottom"] <= stood_in["top"] + 2, (label, stood_in)
    assert f"缺字U+{ord(RARE):04X}" in _drawn(project / "output" / "page.proof.pdf")
    # a red box round the substituted 〓, none round the typed one
    def boxed(c: dict) -> bool:  # red upright rules either side of the glyph, as deep as it
        sides = [r for r in red if abs(r["x0"] - r["x1"]) < 0.5 and r["top"] <= c["top"] + 2 and r["bottom"] >= c["bottom"] - 2]
        return any(abs(r["x0"] - c["x0"]) < 2 for r in sides) and any(abs(r["x0"] - c["x1"]) < 2 for r in sides)
    assert boxed(stood_in) and not boxed(typed), red


def test_the_error_policy_marks_the_same_place(tmp_path: Path) -> None:
    """The build stops (exit 1) and still writes the proof: its mark stands where the substitute
    build's does, labelled alike."""
    project = _project(tmp_path, "error")
    built = run(["build", "--proof"], project)
    assert built.returncode == 1, built.stderr
    _, labels, _ = _marks(project / "output" / "page.proof.pdf")
    assert f"缺字U+{ord(RARE):04X}" in _drawn(project / "output" / "page.proof.pdf")
    assert len(labels) == 1
