"""Ctrl-C (KeyboardInterrupt) and a kept build's client gone (keeper.ClientGone) land between any
two steps of Python code. Wherever one lands, a build says "pagesetter: interrupted" and exits 130:
never an input error made of a clean-up's failure (a file read once said "fonts/manifest.yaml:
cannot read file: Bad file descriptor"), never a traceback. The interrupt is raised here by a trace
function at a chosen instruction, each in turn: a real interrupt, at a moment chosen, not a mock."""

from __future__ import annotations

import json
import os
import signal
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
from tests.test_rebuild import age

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


# `pagesetter ARGS…` as the console script runs it, with a real Ctrl-C (SIGINT) raised in the
# process's last moments: its exit handlers, which run after the command has returned.
LAST_MOMENT_DRIVER = """
import atexit, signal, sys

def last_moment():
    signal.raise_signal(signal.SIGINT)
    print("ended", file=sys.stderr)

atexit.register(last_moment)
sys.argv = ["pagesetter", *sys.argv[1:]]
from pagesetter.__main__ import run
sys.exit(run())
"""


def _replaying_project(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A project whose seed page was built once: built again, it is replayed from the cache."""
    project = copy_project(tmp_path / "project")
    env = {**os.environ, "PAGESETTER_CACHE": str(tmp_path / "cache"), "SOURCE_DATE_EPOCH": "1700000000"}
    age(project)  # recorded by the first build, so that the next ones replay it
    first = subprocess.run([sys.executable, "-m", "pagesetter", "build", "layout/seed-page.yaml"], cwd=project,
                           env=env, capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    return project, env


def test_ctrl_c_once_the_command_has_returned_is_ignored(tmp_path: Path) -> None:
    """The build done (files written, report printed), Ctrl-C changes nothing: status 0, no
    traceback, the process ends as it would have."""
    project, env = _replaying_project(tmp_path)
    for args in (("build", "layout/seed-page.yaml"), ("build", "--no-cache", "-q", "layout/seed-page.yaml")):
        run = subprocess.run([sys.executable, "-c", LAST_MOMENT_DRIVER, *args], cwd=project, env=env,
                             capture_output=True, text=True, timeout=300)
        assert (run.returncode, run.stderr) == (0, "ended\n"), (args, run.returncode, run.stderr)


def test_ctrl_c_as_the_report_is_printed_never_kills_the_process(tmp_path: Path) -> None:
    """Ctrl-C as the build's report reaches the terminal: the command has finished (its files written
    and said), and the process ends with its status (0), or says it was interrupted (130) if the
    Ctrl-C landed before its last step; never killed by the signal (-2, no line, no status) because
    the interpreter, ending, had put back the signal's default action. Several replayed builds, each
    sent SIGINT as the report comes out of its pipe."""
    project, env = _replaying_project(tmp_path)
    for _ in range(6):
        client = subprocess.Popen([sys.executable, "-m", "pagesetter", "build", "layout/seed-page.yaml"],
                                  cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert client.stdout is not None
        head = os.read(client.stdout.fileno(), 1 << 16)  # blocks until the report is flushed
        client.send_signal(signal.SIGINT)
        rest, err = client.communicate(timeout=120)
        out, said = (head + rest).decode(), err.decode()
        assert out.startswith("wrote output/seed-page.pdf (unchanged since the last build"), out
        assert (client.returncode, said) in ((0, ""), (130, "pagesetter: interrupted\n")), (client.returncode, said)


LOST_DRIVER = """
import sys, time, weakref
if sys.argv[1] == "hooked":
    from pagesetter.interrupts import resend_lost_signals
    resend_lost_signals()
class Thing:
    pass
def callback(ref):
    raise {error}
thing = Thing()
ref = weakref.ref(thing, callback)
try:
    del thing  # the callback runs here, where Python cannot raise: "Exception ignored in ..."
    time.sleep(30)
    print("lost")
except {caught}:
    print("raised")
"""


@pytest.mark.parametrize("error,caught", [("KeyboardInterrupt", "KeyboardInterrupt"),
                                         ("ClientGone", "ClientGone")])
def test_an_interrupt_landing_in_a_weakref_callback_is_raised_again(tmp_path: Path, error: str, caught: str) -> None:
    """Ctrl-C (or a kept build's client gone) landing in a weakref callback, where Python only prints
    "Exception ignored": the signal is sent again and raised in the code that was running (CI,
    session 16: a build sent Ctrl-C in its gate took it in a WeakSet's callback and exited 0).
    Unhooked, the same script runs on: the test sees the loss it guards against."""
    driver = LOST_DRIVER.format(error=error, caught=caught)
    if error == "ClientGone":
        driver = "import signal\nfrom pagesetter.keeper import ClientGone\n" \
                 "signal.signal(signal.SIGUSR1, lambda *a: (_ for _ in ()).throw(ClientGone()))\n" + driver
    unhooked = subprocess.run([sys.executable, "-c", driver, "plain"], capture_output=True, text=True,
                              timeout=120, cwd=tmp_path)
    assert unhooked.stdout.strip() == "lost" and "Exception ignored" in unhooked.stderr, unhooked
    hooked = subprocess.run([sys.executable, "-c", driver, "hooked"], capture_output=True, text=True,
                            timeout=120, cwd=tmp_path)
    assert (hooked.stdout.strip(), hooked.stderr) == ("raised", ""), hooked


LOST_IN_BUILD_DRIVER = """
import sys, weakref
import pagesetter.handoff
def handoff(argv):  # the build's start: Ctrl-C lands in a weakref callback, as in CI's gate
    class Thing:
        pass
    def callback(ref):
        raise KeyboardInterrupt
    thing = Thing()
    ref = weakref.ref(thing, callback)
    del thing
    return None
pagesetter.handoff.handoff = handoff
sys.argv = ["pagesetter", *sys.argv[1:]]
from pagesetter.__main__ import run
sys.exit(run())
"""


def test_ctrl_c_lost_in_a_weakref_callback_still_interrupts_the_build(tmp_path: Path) -> None:
    """`pagesetter build` whose Ctrl-C landed in a weakref callback: one line, status 130 (it ran to
    its end and exited 0, the interrupt printed as "Exception ignored")."""
    project = copy_project(tmp_path)
    run = subprocess.run([sys.executable, "-c", LOST_IN_BUILD_DRIVER, "build", "--no-cache", "-q",
                          "layout/seed-page.yaml"], cwd=project, capture_output=True, text=True, timeout=300,
                         env={**os.environ, "PAGESETTER_CACHE": "off"})
    assert (run.returncode, run.stderr) == (130, "pagesetter: interrupted\n"), run
