"""A new user's trial (session 11): `build` printed `preflight: PASS` last, and no verdict on the
typography, for a page whose `check` exits 4 (very loose lines, a split dateline); a night editor
reads the verdicts, not the measures. The build's typography line now opens with the verdict
`check` gives the same PDF: PASS, or FAIL and the count of problems. Through the command line."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VERDICT = re.compile(r"^typography: (PASS|FAIL, (\d+) problems? \(`pagesetter check` exits 4\)): \d+ body lines", re.M)


def _run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pagesetter", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300)


def test_the_builds_typography_line_says_checks_verdict(tmp_path: Path) -> None:
    # (check-trial passes; torture-latin, the passing page before, fails since trial 18a #5: its
    # lines set short are counted off the measure)
    for name, failing in (("latin-hostile-narrow", True), ("check-trial", False)):
        out = tmp_path / name
        built = _run("build", "--no-cache", "-o", str(out), f"tests/pages/layout/{name}.yaml")
        assert built.returncode == 0, built.stderr  # a typography problem is no reason to stop the plate
        verdict = VERDICT.search(built.stdout)
        assert verdict, built.stdout
        pdf = out / f"{name}.pdf"
        checked = _run("check", "--json", str(pdf))
        problems = json.loads(checked.stdout)[str(pdf)]["problems"]
        assert checked.returncode == (4 if failing else 0) and (problems > 0) == failing, checked.stdout[-500:]
        assert verdict.group(1) == "PASS" if not failing else int(verdict.group(2)) == problems
        said = _run("check", str(pdf)).stdout  # check's own report opens with the same verdict
        assert said.splitlines()[0].startswith(f"{pdf}: typography: {verdict.group(1)}: "), said[:300]
