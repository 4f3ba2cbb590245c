"""Process-wide settings of the libraries pagesetter uses are made by its command line, for its own
process, never on import: a program that embeds pagesetter (session.Session, cli.main(argv)) keeps
Pillow's memory pool and Python's warning filters as it had them. Checked in fresh processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

# Pillow's memory pool and the warning filters, as JSON, before and after importing the engine.
IMPORTS = ("import json, warnings\n"
           "from PIL import Image\n"
           "def state():\n"
           "    return [Image.core.get_blocks_max(), [repr(f) for f in warnings.filters]]\n"
           "before = state()\n"
           "import pagesetter.session, pagesetter.build, pagesetter.render.images, pagesetter.render.pdf\n"
           "import pagesetter.proof.preflight, pagesetter.proof.coverage, pagesetter.edition, pagesetter.epaper.site\n"
           "print(json.dumps([before, state()]))\n")
# `pagesetter ARGS…` as its own command line (main() with no argv), then Pillow's memory pool.
COMMAND = ("import sys\n"
           "from pagesetter.cli import main\n"
           "code = main()\n"
           "from PIL import Image\n"
           "print(code, Image.core.get_blocks_max())\n")


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PILLOW_BLOCKS_MAX"}
    env["PYTHONPATH"] = str(ROOT / "src")
    return env


def test_importing_pagesetter_changes_no_library_setting() -> None:
    run = subprocess.run([sys.executable, "-c", IMPORTS], capture_output=True, text=True, timeout=120, env=_env())
    assert run.returncode == 0, run.stderr
    before, after = json.loads(run.stdout.strip().splitlines()[-1])
    assert before[0] == 0  # Pillow's default: no pool
    assert after == before


def test_the_command_line_gives_its_process_pillows_pool(tmp_path: Path) -> None:
    """The speed the pool buys (cli.PILLOW_BLOCKS) is kept for a build from the command line, and a
    user's own PILLOW_BLOCKS_MAX wins."""
    from pagesetter.cli import PILLOW_BLOCKS

    pdf = ROOT / "tests" / "pages" / "trial12-main.pdf"
    argv = ["pagesetter", "preview", str(pdf), "-o", str(tmp_path), "--dpi", "20"]
    for extra, expected in (({}, PILLOW_BLOCKS), ({"PILLOW_BLOCKS_MAX": "3"}, 3)):
        run = subprocess.run([sys.executable, "-c", COMMAND, *argv[1:]], capture_output=True, text=True,
                             timeout=120, env={**_env(), **extra})
        assert run.returncode == 0, run.stderr
        assert run.stdout.split()[-2:] == ["0", str(expected)]
