"""pagesetter init: a new project that builds clean at once, and pagesetter.toml naming what build builds."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "src" / "pagesetter" / "project" / "template"


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pagesetter", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300)


def _clean_build(project: Path) -> None:
    build = run(["build"], project)  # no argument: the project's own page, not the seed page
    assert build.returncode == 0, build.stderr
    assert build.stderr == ""  # no underset, no warning of any kind
    assert "wrote output/page.pdf" in build.stdout and "seed-page" not in build.stdout
    # the example fills its block: its headline is not padded with white to make up for short copy
    # (trial 15: +5 lines, some 24 mm of white under the byline on the first page a user builds)
    padded = re.search(r"headline \+(\d+) lines", build.stdout)
    assert padded is None or int(padded[1]) <= 2, build.stdout
    pdf = project / "output" / "page.pdf"
    assert run(["check", str(pdf)], project).returncode == 0
    preflight = run(["preflight", str(pdf)], project)
    assert preflight.returncode == 0, preflight.stdout


def test_init_with_the_repository_fonts_builds_clean(tmp_path: Path) -> None:
    made = run(["init", "paper", "--fonts", str(ROOT / "fonts")], tmp_path)
    assert made.returncode == 0, made.stderr
    project = tmp_path / "paper"
    for path in ("pagesetter.toml", "layout/page.yaml", "layout/styles/paper.yaml", "content/example.md",
                 "fonts/manifest.yaml", "fonts/NotoSerifCJKsc-Regular.otf", "fonts/OFL-NotoCJK.txt",
                 "layout/pagesetter.schema.json"):
        assert (project / path).is_file(), path
    _clean_build(project)


def test_init_from_the_system_fonts_builds_clean(tmp_path: Path) -> None:
    from pagesetter.project import FONT_DIRS

    if not any(d.is_dir() and any(d.rglob("NotoSerifCJK-Regular.ttc")) for d in FONT_DIRS):
        pytest.skip("no Noto Serif CJK among the system's fonts (Debian: fonts-noto-cjk)")
    made = run(["init", "paper"], tmp_path)  # no fonts/ here: as after a pip install
    assert made.returncode == 0, made.stderr
    manifest = (tmp_path / "paper" / "fonts" / "manifest.yaml").read_text(encoding="utf-8")
    assert "index: 2" in manifest  # the SC face of Noto's collections
    _clean_build(tmp_path / "paper")


def test_the_template_style_sheet_is_the_shipped_one() -> None:
    # One style sheet with every role the engine sets: the template is a copy, kept equal.
    assert (TEMPLATE / "layout" / "styles" / "paper.yaml").read_bytes() == \
        (ROOT / "layout" / "styles" / "city-daily.yaml").read_bytes()


def test_init_refuses_a_folder_in_use(tmp_path: Path) -> None:
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "notes.txt").write_text("x", encoding="utf-8")
    result = run(["init", "used", "--fonts", str(ROOT / "fonts")], tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip() == ("pagesetter: error: used: exists and is not an empty folder; init makes a "
                                     "new project (choose a new folder name)")
    assert sorted(p.name for p in (tmp_path / "used").iterdir()) == ["notes.txt"]


def test_init_without_fonts_is_one_line(tmp_path: Path) -> None:
    result = run(["init", "paper", "--fonts", "nowhere"], tmp_path)
    assert result.returncode == 1 and len(result.stderr.strip().splitlines()) == 1
    assert "no font manifest here" in result.stderr
    assert not (tmp_path / "paper").exists()


@pytest.mark.parametrize("toml, said", [
    ('[build]\nspec = "../elsewhere.yaml"\n', "spec = '../elsewhere.yaml' leads out of the project"),
    ('[build]\nspecs = "layout/page.yaml"\n', "unknown key 'specs' in [build]"),
    ('[build\n', "not valid TOML"),
    ('[build]\noutput = 3\n', "output must be a path in quotes"),
])
def test_a_bad_project_file_is_one_line(tmp_path: Path, toml: str, said: str) -> None:
    (tmp_path / "pagesetter.toml").write_text(toml, encoding="utf-8")
    result = run(["build"], tmp_path)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("pagesetter: error: pagesetter.toml: ") and said in lines[0]


def test_the_project_file_names_spec_and_output(tmp_path: Path) -> None:
    assert run(["init", "paper", "--fonts", str(ROOT / "fonts")], tmp_path).returncode == 0
    project = tmp_path / "paper"
    (project / "layout" / "page.yaml").rename(project / "layout" / "front.yaml")
    (project / "pagesetter.toml").write_text('[build]\nspec = "layout/front.yaml"\noutput = "pdf"\n',
                                             encoding="utf-8")
    build = run(["build", "-q"], project)
    assert build.returncode == 0, build.stderr
    assert (project / "pdf" / "page.pdf").is_file() and not (project / "output").exists()


def test_fonts_lists_faces_styles_licences_and_what_the_content_lacks(tmp_path: Path) -> None:
    assert run(["init", "paper", "--fonts", str(ROOT / "fonts")], tmp_path).returncode == 0
    project = tmp_path / "paper"
    article = project / "content" / "example.md"
    # 𠀎 (U+2000E): LXGW WenKai has it, Noto CJK SC has not; 😀: no face of the manifest has it.
    article.write_text(article.read_text(encoding="utf-8").replace("这是新项目里", "这是𠀎😀新项目里", 1),
                       encoding="utf-8")
    result = run(["fonts"], project)  # no argument: pagesetter.toml's spec
    assert result.returncode == 0, result.stderr
    out = result.stdout.splitlines()
    song = out.index("song: Noto Serif CJK SC Regular — 宋体 — fonts/NotoSerifCJKsc-Regular.otf (face 0: "
                     "NotoSerifCJKsc-Regular) — licence "
                     "OFL-1.1, fonts/OFL-NotoCJK.txt")
    assert out[song + 1] == "  styles: body, folio, masthead"
    assert out[song + 2].startswith("  content: ") and out[song + 2].endswith("; lacks 2:")
    assert out[song + 3] == "    U+1F600 GRINNING FACE (😀) ×1: NO FACE HAS IT: the build stops on it"
    assert out[song + 4] == "    U+2000E CJK UNIFIED IDEOGRAPH-2000E (𠀎) ×1: printed from kai"
    kai = next(i for i, line in enumerate(out) if line.startswith("kai: LXGW WenKai Regular — 楷体"))
    assert "caption" in out[kai + 1] and "subtitle" in out[kai + 1]
    assert out[kai + 2].endswith("none lacking")
    # A spec with missing_glyphs: substitute: the build prints 〓 and warns, and fonts says so
    # (a new user's trial: it said "the build stops on it" of a page that built).
    spec = project / "layout" / "page.yaml"
    spec.write_text(spec.read_text(encoding="utf-8") + "missing_glyphs: substitute\n", encoding="utf-8")
    out = run(["fonts"], project).stdout.splitlines()
    assert out[song + 3] == ("    U+1F600 GRINNING FACE (😀) ×1: NO FACE HAS IT: the build prints 〓 in its place "
                             "and warns (missing_glyphs: substitute)")
    build = run(["build"], project)
    assert build.returncode == 0 and "printed 〓 in its place" in build.stderr, build.stderr
