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
