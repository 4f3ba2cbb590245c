"""Trial 16b's small findings (/tmp/trial16b/FINDINGS.md #8, #18, #9, #11, #21, #3), each read back
from a real run: the CLI's stderr and exit status, the files it writes."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from PIL import Image

ENV = dict(os.environ, PYTHONWARNINGS="ignore")


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pagesetter", *args], capture_output=True, text=True,
                          timeout=900, env=ENV, cwd=cwd)


def test_a_truncated_jpeg_is_said_damaged_not_the_wrong_format(project: Path) -> None:
    """#8: a JPEG cut short is a JPEG: the line says it is damaged (truncated) and to export it again,
    not "expected a JPEG, PNG, TIFF, WebP or GIF file"."""
    photo = project / "content" / "photos" / "dongfeng-media.jpg"
    picture = Image.effect_noise((1600, 1200), 60).convert("RGB")  # noise: a JPEG of many bytes
    buf = io.BytesIO()
    picture.save(buf, "JPEG", quality=90)
    data = buf.getvalue()
    photo.write_bytes(data[: len(data) // 3])
    result = run(["build", "layout/seed-page.yaml", "-o", "out"], project)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("pagesetter: error: content/photos/dongfeng-media.jpg: cannot read image: "
                           "the JPEG file is damaged (image file is truncated"), line
    assert line.endswith("export or send it again"), line
    assert "expected a JPEG" not in line


def test_init_next_line_is_a_command_a_shell_runs_as_printed(tmp_path: Path, root: Path) -> None:
    """#18: `init "夜班 项目"` printed `next: cd 夜班 项目 && pagesetter build`, which a shell splits at the
    space (cd: too many arguments). The printed cd, pasted into bash, lands in the new project."""
    for name in ("夜班 项目", "-dash's $folder"):
        made = run(["init", "--fonts", str(root / "fonts"), "--", name], tmp_path)
        assert made.returncode == 0, made.stderr
        [line] = [x for x in made.stdout.splitlines() if x.startswith("next: ")]
        cd, rest = line.removeprefix("next: ").split(" && ")
        assert rest == "pagesetter build"
        landed = subprocess.run(["bash", "-c", f"{cd} && pwd -P"], cwd=tmp_path, capture_output=True, text=True)
        assert landed.returncode == 0, (line, landed.stderr)
        assert Path(landed.stdout.strip()) == (tmp_path / name).resolve(), line


def _edition(project: Path, pages: str, elsewhere: str = "") -> str:
    made = f"  elsewhere: [{elsewhere}]\n" if elsewhere else ""
    (project / "layout" / "day.yaml").write_text(
        f"edition:\n  name: day\n  paper: 城市日报\n  date: 2022-06-30\n{made}  pages: [{pages}]\n", encoding="utf-8")
    return "layout/day.yaml"


def _masthead_pages_line(project: Path) -> int:
    lines = (project / "layout" / "front-page.yaml").read_text(encoding="utf-8").splitlines()
    masthead = lines.index(next(x for x in lines if x.startswith("masthead:")))
    return next(k for k, x in enumerate(lines, 1) if k > masthead and x.startswith("  pages:"))


def test_a_masthead_page_count_other_than_the_editions_is_a_warning(project: Path) -> None:
    """#9: 今日12版 on the front page of a 3-page edition: a warning at the masthead's pages: line,
    exit 0 (the page prints as written: the edition may hold only part of the day's paper). The
    pages it says are made elsewhere (第2–4版: elsewhere:, session 17) count as the day's."""
    import pdfplumber

    edition = _edition(project, "front-page.yaml, tabloid-1.yaml, tabloid-2.yaml", "2, 3, 4")
    result = run(["build", edition, "-o", "out"], project)
    assert result.returncode == 0, result.stderr
    line = _masthead_pages_line(project)
    said = [x for x in result.stderr.splitlines() if "今日12版" in x]
    assert said == [(f"warning: layout/front-page.yaml:{line}:10: edition: the masthead prints 今日12版; the "
                     "edition layout/day.yaml holds 3 pages and says 3 are made elsewhere, 6 in all (correct "
                     "its pages:, or list the day's pages made elsewhere in its elsewhere:)")], result.stderr
    with pdfplumber.open(project / "out" / "day.pdf") as pdf:
        assert "今日12版" in "".join(c["text"] for c in pdf.pages[0].chars)
    spec = project / "layout" / "front-page.yaml"
    text = spec.read_text(encoding="utf-8").splitlines()
    text[line - 1] = "  pages: 6"
    spec.write_text("\n".join(text) + "\n", encoding="utf-8")
    again = run(["build", edition, "-o", "out"], project)
    assert again.returncode == 0 and "今日" not in again.stderr, again.stderr


def test_edition_pages_out_of_the_order_of_their_banci_are_an_error(project: Path) -> None:
    """#11: pages swapped in the edition file gave a combined PDF whose sheet 2 printed 第6版 and
    sheet 3 第5版, exit 0. A plant imposes by sheet order: one line at the edition's pages: item,
    exit 1, nothing written. A section (第5版 after the front page's 第1版) is in order."""
    edition = _edition(project, "front-page.yaml, tabloid-2.yaml, tabloid-1.yaml")
    result = run(["build", edition, "-o", "out"], project)
    assert result.returncode == 1, result.stderr
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("pagesetter: error: layout/day.yaml:5:44: the edition's pages run out of the order "
                           "of their 版次: sheet 3 (layout/tabloid-1.yaml) prints 第5版 (layout/tabloid-1.yaml:"), line
    assert "after sheet 2's 第6版 (layout/tabloid-2.yaml:" in line
    assert not (project / "out").exists() or not any((project / "out").glob("*.pdf"))


def test_diff_pictures_go_to_a_folder_of_their_own_and_a_build_removes_them(project: Path) -> None:
    """#21: `diff OLD output/p1.pdf` wrote output/p1.diff.png and output/p1.overlay.png, and a later
    build left them beside its newer PDF. Now they go to output/diff/ by default, and a build of
    the page removes its diff pictures there and in output/ (`-o output`), saying so."""
    assert run(["build", "layout/seed-page.yaml", "-o", "old"], project).returncode == 0
    story = project / "content" / "dongfeng-media.md"
    text = story.read_text(encoding="utf-8")
    story.write_text(text.replace("。", "，", 1), encoding="utf-8")
    assert run(["build", "layout/seed-page.yaml", "-o", "output"], project).returncode == 0
    first = run(["diff", "old/seed-page.pdf", "output/seed-page.pdf"], project)
    assert first.returncode == 7, first.stderr
    assert "wrote output/diff/seed-page.diff.png" in first.stdout.splitlines(), first.stdout
    assert "wrote output/diff/seed-page.overlay.png" in first.stdout.splitlines()
    assert not (project / "output" / "seed-page.diff.png").exists()
    chosen = run(["diff", "old/seed-page.pdf", "output/seed-page.pdf", "-o", "output"], project)
    assert "wrote output/seed-page.diff.png" in chosen.stdout.splitlines(), chosen.stdout
    (project / "output" / "seed-page-alt.diff.png").write_bytes(b"another page's")  # not this page's
    story.write_text(text, encoding="utf-8")
    again = run(["build", "layout/seed-page.yaml", "-o", "output"], project)
    assert again.returncode == 0, again.stderr
    for name in ("seed-page.diff.png", "seed-page.overlay.png", "diff/seed-page.diff.png",
                 "diff/seed-page.overlay.png"):
        assert not (project / "output" / name).exists(), name
        assert f"removed output/{name} (older than this build)" in again.stdout.splitlines(), again.stdout
    assert (project / "output" / "seed-page-alt.diff.png").exists()


def test_diff_says_a_photo_recropped_to_a_new_cell_not_changed(project: Path) -> None:
    """#3: the same photo file cut to a shallower cell was said `photo changed: FILE, at …`, read as
    the picture replaced or retouched. Now `photo re-cropped`, with the old and new cell in mm."""
    import re

    spec = project / "layout" / "seed-page.yaml"
    text = spec.read_text(encoding="utf-8")
    assert run(["build", "layout/seed-page.yaml", "-o", "old"], project).returncode == 0
    spec.write_text(text.replace("photo: {col: 7, cols: 2, line: 1, lines: 19}", "photo: {col: 7, cols: 2, line: 1, "
                                 "lines: 17}"), encoding="utf-8")
    assert run(["build", "layout/seed-page.yaml", "-o", "new"], project).returncode == 0
    result = run(["diff", "old/seed-page.pdf", "new/seed-page.pdf", "-o", "d"], project)
    assert result.returncode == 7, result.stderr
    said = [line for line in result.stdout.splitlines() if ": photo " in line]
    assert len(said) == 1, result.stdout
    m = re.fullmatch(r"page 1: (\S+): photo re-cropped: content/photos/\1\.jpg \(the same file cut to a cell "
                     r"(\d+)×(\d+) → (\d+)×(\d+) mm, (\d+) mm shallower; fitting or the spec changed the cell\), at "
                     r"[\d,–]+ → [\d,–]+ mm from the trim's top left", said[0])
    assert m, said[0]
    # each size rounded to a mm on its own: the difference within one of theirs
    assert m[2] == m[4] and int(m[6]) > 0 and abs(int(m[3]) - int(m[5]) - int(m[6])) <= 1, said[0]
