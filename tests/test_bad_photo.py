"""A photo file that is no picture is said first, at the article's line (build.py check_photos).
Trial 15: a text file named x.jpg on a page that was overset too was hidden behind the overset
error, and said at the file alone. Built from tests/pages/layout/bad-photo.yaml (overset, its one
photo a text file): one error line, at the `- file:` line of content/bad-photo/story.md."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENV = dict(os.environ, PYTHONWARNINGS="ignore", PAGESETTER_CACHE="off")


def test_a_file_that_is_no_picture_is_said_at_its_line_before_overset(tmp_path: Path) -> None:
    source = ROOT / "tests" / "pages" / "content" / "bad-photo" / "story.md"
    line = next(k for k, text in enumerate(source.read_text(encoding="utf-8").splitlines(), 1)
                if text.strip() == "- file: photos/x.jpg")
    run = subprocess.run([sys.executable, "-m", "pagesetter", "build", "tests/pages/layout/bad-photo.yaml",
                          "-o", str(tmp_path)], capture_output=True, text=True, timeout=600, env=ENV, cwd=ROOT)
    lines = run.stderr.strip().splitlines()
    assert run.returncode == 1 and len(lines) == 1, run.stderr
    assert re.match(rf"pagesetter: error: tests/pages/content/bad-photo/story\.md:{line}:\d+: photo \S*photos/x\.jpg: "
                    r"cannot read image", lines[0]), lines[0]
    assert "Traceback" not in run.stderr and not (tmp_path / "bad-photo.pdf").exists()
