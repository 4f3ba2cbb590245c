"""Ctrl-C (KeyboardInterrupt) and a kept build's client gone (keeper.ClientGone) land between any
two steps of Python code. Wherever one lands, a build says "pagesetter: interrupted" and exits 130:
never an input error made of a clean-up's failure (a file read once said "fonts/manifest.yaml:
cannot read file: Bad file descriptor"), never a traceback. The interrupt is raised here by a trace
function at a chosen instruction, each in turn: a real interrupt, at a moment chosen, not a mock."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import CodeType, FrameType

import pytest

from pagesetter import cli, paths, yamlsource
from pagesetter.keeper import ClientGone
from tests.conftest import ROOT, copy_project

MANIFEST = ROOT / "fonts" / "manifest.yaml"


class Interrupter:
    """A trace function raising ``error`` at the ``at``-th instruction run inside a call of ``code``
    (and what it calls) for which ``chosen(frame)`` holds; ``count``: the instructions run there."""

    def __init__(self, code: CodeType, at: int, error: type[BaseException],
                 chosen: Callable[[FrameType], bool] = lambda frame: True) -> None:
        self.code, self.at, self.error, self.chosen = code, at, error, chosen
        self.count, self.depth, self.raised = 0, 0, False

    def __call__(self, frame: FrameType, event: str, arg: object):  # type: ignore[no-untyped-def]
        if event == "call":
            if self.depth == 0 and not (frame.f_code is self.code and self.chosen(frame)):
                return None
            self.depth += 1
            frame.f_trace_opcodes = True
            return self._local
        return None

    def _local(self, frame: FrameType, event: str, arg: object):  # type: ignore[no-untyped-def]
        if event == "return":
            self.depth -= 1
        elif event == "opcode" and not self.raised:
            self.count += 1
            if self.count == self.at:
                self.raised = True
                raise self.error()
        return self._local


@contextmanager
def interrupting(interrupter: Interrupter) -> Iterator[Interrupter]:
    sys.settrace(interrupter)
    try:
        yield interrupter
    finally:
        sys.settrace(None)


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="counts descriptors in /proc")
@pytest.mark.parametrize("reader", [paths.read_regular, yamlsource.read_text])
def test_an_interrupt_at_any_instruction_of_a_read_is_the_interrupt(reader) -> None:  # type: ignore[no-untyped-def]
    """Every instruction of a read interrupted in turn: the interrupt comes out, or the read ends
    whole; never an OSError or an input error (a descriptor closed twice said "Bad file
    descriptor"). At most one descriptor is lost, at the one step no Python code can close: the
    system has given its number and nothing holds it yet (paths._nonblocking)."""
    reader(MANIFEST)  # what it imports, imported
    leaked, at = 0, 0
    while True:
        at += 1
        before = _open_fds()
        with interrupting(Interrupter(reader.__code__, at, KeyboardInterrupt)) as interrupter:
            try:
                reader(MANIFEST)
            except KeyboardInterrupt:
                pass
        leaked += _open_fds() - before
        if not interrupter.raised:
            break  # the read ran to its end: every instruction of it has been interrupted once
    assert at > 50 and leaked <= 1, (at, leaked)


def _build_in(project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
              interrupter: Interrupter, *args: str) -> tuple[int, str, str]:
    monkeypatch.chdir(project)
    with interrupting(interrupter):
        code = cli.main(["build", *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("error", [KeyboardInterrupt, ClientGone])
def test_an_interrupt_in_the_manifests_read_says_interrupted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str], error) -> None:  # type: ignore[no-untyped-def]
    """The build of a page, interrupted at each instruction of the opening of its font manifest
    (where CI once said "fonts/manifest.yaml: cannot read file: Bad file descriptor"): status 130
    and the one line, as the kept build (ClientGone) and the client's own (Ctrl-C) say it."""
    project = copy_project(tmp_path / "p")
    monkeypatch.setenv("PAGESETTER_CACHE", "off")
    at = 0
    while True:
        at += 1
        interrupter = Interrupter(paths.open_regular.__code__, at, error,
                                  lambda frame: str(frame.f_locals.get("path", "")).endswith("manifest.yaml"))
        got = _build_in(project, monkeypatch, capsys, interrupter)
        if not interrupter.raised:
            break
        assert got == (130, "", "pagesetter: interrupted\n"), (at, got)
    assert at > 20


def test_an_interrupted_build_json_prints_its_document(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """build --json cut short in its gate (the print PDF written): the document still comes, saying
    interrupted, with status 130 and the file written; stderr the one line."""
    from pagesetter.proof import report

    project = copy_project(tmp_path / "p")
    monkeypatch.setenv("PAGESETTER_CACHE", "off")
    code, out, err = _build_in(project, monkeypatch, capsys, Interrupter(report.page_report.__code__, 1,
                                                                         KeyboardInterrupt), "--json")
    document = json.loads(out)
    assert (code, err) == (130, "pagesetter: interrupted\n")
    assert (document["exit"], document["ok"], document["errors"], document["pages"]) == (130, False, ["interrupted"], [])
    assert document["files"] == ["output/seed-page.pdf"] and (project / "output" / "seed-page.pdf").is_file()


STARTUP_DRIVER = """
import signal, sys

chosen = sys.argv[1]

class Interrupt:  # Ctrl-C as the command line's module is being loaded
    def find_spec(self, name, path=None, target=None):
        if name == chosen:
            signal.raise_signal(signal.SIGINT)
        return None

sys.meta_path.insert(0, Interrupt())
sys.argv = ["pagesetter", *sys.argv[2:]]
from pagesetter.__main__ import run  # as the console script `pagesetter` does
sys.exit(run())
"""


@pytest.mark.parametrize("module", ["pagesetter.handoff", "pagesetter.cli", "argparse"])
def test_ctrl_c_as_the_command_line_loads_says_interrupted(tmp_path: Path, module: str) -> None:
    """Ctrl-C while `pagesetter build` starts (its modules loading): one line, status 130, never
    Python's traceback."""
    run = subprocess.run([sys.executable, "-c", STARTUP_DRIVER, module, "build"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=120,
                         env={**os.environ, "PAGESETTER_CACHE": str(tmp_path / "cache")})
    assert (run.returncode, run.stdout, run.stderr) == (130, "", "pagesetter: interrupted\n")


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="counts descriptors in /proc")
def test_an_interrupt_at_any_instruction_of_a_write_leaves_the_old_file_or_the_new(tmp_path: Path) -> None:
    """paths.write_atomically interrupted at each instruction in turn: the target holds the old
    bytes or the new, whole; no temporary file is left beside it and no descriptor open; never an
    OSError in the interrupt's place."""
    target = tmp_path / "page.pdf"
    target.write_bytes(b"old")
    paths.write_atomically(target, b"new", durable=False)  # what it imports, imported
    at = 0
    while True:
        at += 1
        target.write_bytes(b"old")
        before = _open_fds()
        with interrupting(Interrupter(paths.write_atomically.__code__, at, KeyboardInterrupt)) as interrupter:
            try:
                paths.write_atomically(target, b"new")
            except KeyboardInterrupt:
                pass
        assert sorted(p.name for p in tmp_path.iterdir()) == ["page.pdf"], at
        assert target.read_bytes() in (b"old", b"new") and _open_fds() == before, at
        if not interrupter.raised:
            break
    assert at > 50 and target.read_bytes() == b"new"
