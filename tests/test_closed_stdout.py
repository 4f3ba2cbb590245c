"""A report read by a reader that goes early (``| head -1``, ``| grep -q PASS``, a pager quit) changes
nothing of what the command does: its exit status and its stderr lines are those it has with a
reader to the end (trial 14: a page with a preflight error built into ``| true`` exited 0 and said
nothing, so a script would send it to the plant)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LOW_RES = ROOT / "tests" / "pages" / "layout" / "low-resolution.yaml"  # a preflight error: exit 6


def _closed_reader(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[int, str]:
    """The command with its stdout a pipe whose reading end is closed before it starts (as ``| true``
    leaves it, deterministically): its exit status and stderr."""
    read, write = os.pipe()
    os.close(read)
    try:
        done = subprocess.run([sys.executable, "-m", "pagesetter", *args], cwd=cwd, stdout=write,
                              stderr=subprocess.PIPE, text=True, timeout=300, env=env)
    finally:
        os.close(write)
    return done.returncode, done.stderr


def _with_reader(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[int, str]:
    done = subprocess.run([sys.executable, "-m", "pagesetter", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300, env=env)
    return done.returncode, done.stderr


@pytest.fixture(scope="module")
def uncached() -> dict[str, str]:
    return {**os.environ, "PAGESETTER_CACHE": "off"}


def test_a_failing_build_fails_with_its_reader_gone(tmp_path: Path, uncached: dict[str, str]) -> None:
    status, err = _closed_reader(["build", "-o", str(tmp_path / "a"), str(LOW_RES)], ROOT, uncached)
    expected, expected_err = _with_reader(["build", "-o", str(tmp_path / "b"), str(LOW_RES)], ROOT, uncached)
    assert expected == 6
    assert status == expected, err
    assert "not fit to print" in err and "preflight error" in err
    assert "Traceback" not in err and "BrokenPipe" not in err and "Exception ignored" not in err
    # the same problem lines, output folder aside
    assert err.replace(str(tmp_path / "a"), "OUT") == expected_err.replace(str(tmp_path / "b"), "OUT")
    assert (tmp_path / "a" / "low-resolution.pdf").exists()  # the work went on to the end


def test_preflight_and_check_keep_their_status(tmp_path: Path, uncached: dict[str, str]) -> None:
    built = tmp_path / "out"
    _with_reader(["build", "-q", "-o", str(built), str(LOW_RES)], ROOT, uncached)
    pdf = str(built / "low-resolution.pdf")
    for command in (["preflight", pdf], ["check", pdf], ["preflight", "--json", pdf]):
        expected, expected_err = _with_reader(command, ROOT)
        status, err = _closed_reader(command, ROOT)
        assert status == expected and err == expected_err, command
    assert _with_reader(["preflight", pdf], ROOT)[0] == 6


def test_a_passing_build_still_exits_0(tmp_path: Path, uncached: dict[str, str]) -> None:
    status, err = _closed_reader(["build", "-o", str(tmp_path), "layout/seed-page.yaml"], ROOT, uncached)
    assert status == 0, err
    assert "Traceback" not in err and "Exception ignored" not in err


def test_a_kept_build_keeps_its_status_with_its_reader_gone(tmp_path: Path) -> None:
    """The client of ``pagesetter keep`` replays the kept build's lines: its reader gone, the
    status is the build's (it was 0) and the stderr lines are said."""
    from tests.conftest import copy_project
    from tests.test_keep import INK, Keep, edit, env_for

    project = copy_project(tmp_path / "p")
    env = env_for(tmp_path / "cache")
    edit((project,), "layout/seed-page-alt.yaml", *INK)  # 400 % ink: a preflight error
    keep = Keep(project, env)
    try:
        args = ["build", "layout/seed-page-alt.yaml"]
        expected, expected_err = _with_reader(args, project, env)
        assert expected == 6
        status, err = _closed_reader(args, project, env)  # replayed by the kept process this time
        assert status == 6 and err == expected_err, err
    finally:
        keep.stop()
