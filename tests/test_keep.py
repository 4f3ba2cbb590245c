"""``pagesetter keep`` (keeper.py) and the client in ``pagesetter build`` (handoff.py): a page built
by the kept process prints, writes and exits exactly as one built in the client's own process.
Every test runs real processes on a real project copy: a kept process in project A, the same
commands in project B (its twin, with no kept process) for reference, each with its own cache."""

from __future__ import annotations

import json
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pagesetter import handoff
from pagesetter.cache import default_cache
from tests.conftest import copy_project
from tests.test_rebuild import UNCHANGED, age

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="abstract Unix sockets are Linux's")

EDIT_FILE = "content/dongfeng-media.md"
EDITS = ("没有披上白色战袍", "未曾披上白色战袍")
OVERSET = ("block: {col: 1, cols: 4, line: 12, lines: 39}", "block: {col: 1, cols: 4, line: 12, lines: 22}")
# a tint at the limit (240 %) that its black text and rules, overprinting it, take to 340 %
INK = ("tint: [0, 0, 0, 6], double: true", "tint: [100, 100, 40, 0], double: true")
SECONDS = re.compile(r"\d+\.\d s\)")
# What a build printed, with the one thing two builds never share: how long it took.


def env_for(cache: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("XDG_CACHE_HOME", "PAGESETTER_CACHE")}
    env.update({"PAGESETTER_CACHE": str(cache), "SOURCE_DATE_EPOCH": "1700000000", **extra})
    return env


class Keep:
    """A running ``pagesetter keep`` in ``project``."""

    def __init__(self, project: Path, env: dict[str, str], *extra: str) -> None:
        self.project, self.env = project, env
        self.process = subprocess.Popen([sys.executable, "-m", "pagesetter", "keep", *extra], cwd=project, env=env,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert self.process.stdout is not None
        self.first_line = self.process.stdout.readline()
        assert self.first_line.startswith("pagesetter keep: keeping"), self.process.stderr.read()  # type: ignore[union-attr]
        self.killed = False
        self.stopped: tuple[int, str, str] | None = None
        self.name = handoff.socket_name(str(project), handoff.cache_folder(env) or "", handoff.package_digest())

    def stop(self) -> tuple[int, str, str]:
        if self.stopped is None:
            if self.process.poll() is None:
                self.process.send_signal(signal.SIGINT)
            out, err = self.process.communicate(timeout=60)
            self.stopped = (self.process.returncode, out, err)
        return self.stopped


@pytest.fixture()
def twins(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Project A with a kept process, project B without: (A, B, A's env, B's env, the Keep)."""
    a, b = copy_project(tmp_path / "a"), copy_project(tmp_path / "b")
    env_a, env_b = env_for(tmp_path / "cache-a"), env_for(tmp_path / "cache-b")
    keep = Keep(a, env_a)
    try:
        yield a, b, env_a, env_b, keep
    finally:
        code, _, err = keep.stop()
        assert code in ((0, -signal.SIGKILL) if keep.killed else (0,)) and "Traceback" not in err, err


def build(project: Path, env: dict[str, str], *args: str, timeout: float = 300) -> tuple[int, str, str]:
    age(project)
    run = subprocess.run([sys.executable, "-m", "pagesetter", "build", *args], cwd=project, env=env,
                         capture_output=True, text=True, timeout=timeout)
    return run.returncode, SECONDS.sub("N s)", run.stdout), run.stderr


def files(project: Path) -> dict[str, bytes]:
    out = project / "output"
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())} if out.is_dir() else {}


def same(a: Path, b: Path, env_a: dict[str, str], env_b: dict[str, str], *args: str) -> tuple[int, str, str]:
    """The command in both projects: the same status, report, warnings and files, byte for byte."""
    got, want = build(a, env_a, *args), build(b, env_b, *args)
    assert got == want, (got, want)
    assert files(a) == files(b)
    return got


def edit(projects: tuple[Path, ...], file: str, old: str, new: str) -> None:
    for project in projects:
        path = project / file
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")


def served(project: Path, env: dict[str, str], *args: str) -> bool:
    """Whether the kept process built the command: the client then never loaded even the command line's
    own module (cli.py), let alone the engine."""
    driver = ("import runpy, sys, json\n"
              "sys.argv = ['pagesetter', *sys.argv[1:]]\n"
              "try:\n    runpy.run_module('pagesetter', run_name='__main__')\n"
              "except SystemExit:\n    pass\n"
              "print(json.dumps(sorted(sys.modules)), file=sys.stderr)\n")
    run = subprocess.run([sys.executable, "-c", driver, "build", *args], cwd=project, env=env, capture_output=True,
                         text=True, timeout=300)
    modules = set(json.loads(run.stderr.strip().splitlines()[-1]))
    return "pagesetter.cli" not in modules


def test_a_kept_build_is_the_build_of_the_client_itself(twins) -> None:  # type: ignore[no-untyped-def]
    """The seed page cold, replayed, edited back and forth, with --proof and --json: status, stdout,
    stderr and every file the same; then, the kept process stopped, the client's own build replays
    the record the kept one wrote."""
    a, b, env_a, env_b, keep = twins
    assert same(a, b, env_a, env_b)[0] == 0
    code, out, _ = same(a, b, env_a, env_b)
    assert code == 0 and UNCHANGED in out
    assert served(a, env_a)
    for old, new in (EDITS, EDITS[::-1], EDITS):
        edit((a, b), EDIT_FILE, old, new)
        code, out, _ = same(a, b, env_a, env_b)
        assert code == 0 and UNCHANGED not in out
    same(a, b, env_a, env_b, "--proof")
    edit((a, b), EDIT_FILE, *EDITS[::-1])
    same(a, b, env_a, env_b, "--proof", "-q")
    same(a, b, env_a, env_b, "--json")
    assert keep.stop()[0] == 0
    code, out, _ = same(a, b, env_a, env_b, "--json")
    assert code == 0 and '"cached": true' in out  # the kept build's record, replayed by the client


def test_an_overset_page_and_a_page_preflight_refuses(twins) -> None:  # type: ignore[no-untyped-def]
    a, b, env_a, env_b, _ = twins
    same(a, b, env_a, env_b)
    edit((a, b), "layout/seed-page.yaml", *OVERSET)
    code, _, err = same(a, b, env_a, env_b)
    assert code == 3 and "overset" in err
    assert served(a, env_a)
    code, _, err = same(a, b, env_a, env_b, "--allow-overset", "--proof")
    assert code == 3
    edit((a, b), "layout/seed-page.yaml", *OVERSET[::-1])
    assert same(a, b, env_a, env_b)[0] == 0
    edit((a, b), "layout/seed-page-alt.yaml", *INK)
    code, _, err = same(a, b, env_a, env_b, "layout/seed-page-alt.yaml")
    assert code == 6 and "preflight error: coverage: total area coverage 340 % over 240 %" in err
    edit((a, b), "layout/seed-page-alt.yaml", *INK[::-1])
    assert same(a, b, env_a, env_b, "layout/seed-page-alt.yaml")[0] == 0
    # a bad input and a bad command line: one line each, as the client's own build says them
    edit((a, b), "layout/seed-page.yaml", "dongfeng-media", "no-such-article")
    assert same(a, b, env_a, env_b)[0] == 1
    assert same(a, b, env_a, env_b, "--dpi", "5")[0] == 2


# A page the gate finds fault with twice over (proof/report.py gate_pdf): a 58 ppi photo (a preflight
# error, exit 6) and names whose Han–Latin gaps the typography check finds too wide (`typography`
# warnings). Both are edited between kept builds, each way, so a gate that reused a finding of the
# build before (a memo, a result read before the new file was written) would say the old one.
PROBLEMS_PAGE = """page: {name: gate-problems, trim: {width: 210mm, height: 297mm}, bleed: 3mm, margins: {top: auto, left: auto}}
stylesheets: [styles/city-daily.yaml]
content: ../content
fonts: ../fonts/manifest.yaml
grid: {columns: 4, column_width: 13字, gutter: 1字, body_size: 小五, pitch: 13.5pt, lines: 56}
articles:
  - article: names-hyphen
    block: {col: 1, cols: 2, line: 1, lines: 56}
    headline: {title: title, lines: 4}
  - article: lowres
    block: {col: 3, cols: 2, line: 1, lines: 56}
    photo: {col: 1, cols: 2, line: after, lines: 14}
"""
PHOTO_LINES = ("photo: {col: 1, cols: 2, line: after, lines: 14}", "photo: {col: 1, cols: 1, line: after, lines: 5}")
NAMES = ("据合作者Sean O'Connor和Maria D'Angelo表示", "据合作者表示")


def test_a_pages_gate_findings_edited_between_kept_builds(twins) -> None:  # type: ignore[no-untyped-def]
    """The gate's findings of a page with a preflight error and typography problems, as they change
    with the page: the kept build's stderr the client's own, byte for byte, every time."""
    a, b, env_a, env_b, _ = twins
    pages = Path(__file__).resolve().parent / "pages" / "content"
    for project in (a, b):
        (project / "layout" / "gate-problems.yaml").write_text(PROBLEMS_PAGE, encoding="utf-8")
        shutil.copy(pages / "names-hyphen.md", project / "content" / "names-hyphen.md")
        shutil.copy(pages / "evening" / "lowres.md", project / "content" / "lowres.md")
        shutil.copy(pages / "evening" / "photos" / "lowres.jpg", project / "content" / "photos" / "lowres.jpg")
    spec = "layout/gate-problems.yaml"
    said = []
    for change in (None, (spec, *PHOTO_LINES), ("content/names-hyphen.md", *NAMES), (spec, *PHOTO_LINES[::-1]),
                   ("content/names-hyphen.md", *NAMES[::-1])):
        if change is not None:
            edit((a, b), *change)
        code, _, err = same(a, b, env_a, env_b, spec)
        assert served(a, env_a, spec)  # the kept process has the page (its record replayed, as built)
        said.append((code, err))
    first, small_photo, fewer_gaps, big_photo, back = said
    # (the names' lines are set short since a Han–Latin gap past its cap no longer spreads them:
    # the flow says so, and the edit takes one of the two away; counted by that cause, since trial
    # 17a sets the page's lines whose Han would stand a hole apart short too)
    resolution, gaps = "preflight error: resolution: ", "the white between its Han and Latin would pass"
    assert first[0] == 6 and resolution in first[1] and first[1].count(gaps) == 2, first
    assert small_photo[0] == 0 and resolution not in small_photo[1] and small_photo[1].count(gaps) == 2, small_photo
    assert fewer_gaps[0] == 0 and fewer_gaps[1].count(gaps) == 1, fewer_gaps
    assert big_photo[0] == 6 and resolution in big_photo[1] and big_photo[1].count(gaps) == 1, big_photo
    assert back == first


def test_what_is_not_one_cached_page_is_built_by_the_client(twins) -> None:  # type: ignore[no-untyped-def]
    a, b, env_a, env_b, _ = twins
    assert not served(a, env_a, "--no-cache")
    assert not served(a, env_a, "--no-c")  # argparse's abbreviation: the kept process parses as the client would
    assert not served(a, dict(env_a, PAGESETTER_CACHE="off"))
    assert not served(a, dict(env_a, PAGESETTER_CACHE=str(a.parent / "other-cache")))
    assert not served(a / "layout", env_a, "seed-page.yaml")  # another folder
    assert not served(a, dict(env_a, TZ="Asia/Shanghai"))  # an environment the process does not have
    assert served(a, env_a)
    same(a, b, env_a, env_b, "--no-cache")


def test_the_code_changed_means_the_client_builds(twins) -> None:  # type: ignore[no-untyped-def]
    """A package file touched: its digest, so the socket's name, changes; the client finds no kept
    process and builds itself, and the old process sees its code changed and ends."""
    a, b, env_a, env_b, keep = twins
    same(a, b, env_a, env_b)
    assert served(a, env_a)  # a replay, as B's next build will be
    marker = Path(handoff.__file__).parent / "py.typed"
    st = marker.stat()
    try:
        os.utime(marker, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
        assert not served(a, env_a)
        same(a, b, env_a, env_b)
        code, out, _ = keep.stop() if keep.process.wait(timeout=30) is not None else (None, "", "")
        assert code == 0 and "the installed pagesetter changed" in out
    finally:
        os.utime(marker, ns=(st.st_atime_ns, st.st_mtime_ns))


def test_the_clients_ctrl_c_interrupts_the_kept_build_and_the_process_goes_on(twins) -> None:  # type: ignore[no-untyped-def]
    """Ctrl-C while the kept process builds: the client says so and exits 130 as its own build
    would; no temporary or partial file is left; the next build is the client's own build's."""
    a, b, env_a, env_b, keep = twins
    said: list[str] = []  # the kept process's line for the build its client cut short
    for delay in (0.05, 0.15, 0.3, 0.5):  # the first build of a session takes ~0.5 s; land inside it
        age(a)
        client = subprocess.Popen([sys.executable, "-m", "pagesetter", "build", "--proof"], cwd=a, env=env_a,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        while client.poll() is None and not _building(keep.process.pid):  # its build handed over
            time.sleep(0.002)
        time.sleep(delay)
        client.send_signal(signal.SIGINT)
        out, err = client.communicate(timeout=300)
        if client.returncode == 130:
            # what it printed: only the files it wrote before the interrupt (the next test holds them to the disk)
            assert err == "pagesetter: interrupted\n" and all(line.startswith("wrote ") for line in out.splitlines())
            # The kept process says it before it replies, so (unless the client gave up waiting for
            # the reply) before the client ends. No line: the kept build was over (its reply sent)
            # before the client's Ctrl-C reached it, and the client, interrupted while it read that
            # reply, still exits 130 (handoff._interrupted): no build cut short; a later moment is
            # tried. (The select: a missing line must not hang the test.)
            if select.select([keep.process.stdout], [], [], 10)[0]:
                said.append(keep.process.stdout.readline())  # type: ignore[union-attr]
                break
        edit((a,), EDIT_FILE, *EDITS) if EDITS[0] in (a / EDIT_FILE).read_text(encoding="utf-8") \
            else edit((a,), EDIT_FILE, *EDITS[::-1])
    assert said == ["pagesetter keep: a build interrupted by its client (Ctrl-C); its page starts afresh next time\n"]
    assert keep.process.poll() is None
    # no temporary file left, and the PDF written whole or not at all, as by an interrupted build of its own
    assert not [p.name for p in (a / "output").glob(".*")] if (a / "output").exists() else True
    if (a / "output" / "seed-page.pdf").exists():
        assert (a / "output" / "seed-page.pdf").read_bytes().rstrip().endswith(b"%%EOF")
    if EDITS[1] in (a / EDIT_FILE).read_text(encoding="utf-8"):
        edit((b,), EDIT_FILE, *EDITS)
    same(a, b, env_a, env_b, "--proof")
    edit((a, b), EDIT_FILE, *((EDITS) if EDITS[0] in (a / EDIT_FILE).read_text(encoding="utf-8") else EDITS[::-1]))
    same(a, b, env_a, env_b, "--proof")
    code, out, _ = keep.stop()
    assert code == 0 and "a build interrupted by its client" not in out  # the one cut short said above


def _identities(project: Path) -> dict[str, tuple[int, int]]:
    """The output folder's files by inode and time; not a write's temporary file (.NAME.*.tmp),
    which may be renamed between the listing and its stat."""
    out = project / "output"
    found = {}
    for p in (out.iterdir() if out.is_dir() else ()):
        if p.name.startswith("."):
            continue
        try:
            st = p.stat()
        except FileNotFoundError:
            continue
        found[p.name] = (st.st_ino, st.st_mtime_ns)
    return found


def _building(kept: int) -> bool:
    """Whether the kept process (pid) is building: its build's watcher thread runs beside its main
    thread (keeper._build), so the client's request has been read whole. A Ctrl-C before that (the
    client connecting, or sending) reaches the client alone, which ends (130) with no build cut short."""
    try:
        return len(os.listdir(f"/proc/{kept}/task")) > 1
    except OSError:
        return False


def interrupted(project: Path, env: dict[str, str], when: str, *args: str,
                kept: int | None = None, held: bool = False) -> tuple[int, str, str, list[str]]:
    """``build ARGS`` in ``project``, sent SIGINT (as Ctrl-C) at ``when``: "connected" (the kept
    process, pid ``kept``, has started its build), "gate" (the print PDF was written: the gate runs)
    or "preview" (the page's PNG was written). Its status, stdout, stderr and the files it wrote.
    ``held``: the build's stdout is a full pipe, unbuffered, so that the build, in this process,
    stops at the first line it prints (the print PDF's, as the gate starts; a replay's, once its
    files are written) until the signal has been sent: it cannot have ended before the signal
    lands (a replay otherwise ends within milliseconds of its PDF)."""
    age(project)
    before = _identities(project)
    pdf, png = project / "output" / "seed-page.pdf", project / "output" / "seed-page.png"
    read_end, write_end = os.pipe()
    filler = 0
    if held:
        os.set_blocking(write_end, False)
        try:
            while True:
                filler += os.write(write_end, b"." * 4096)
        except BlockingIOError:
            pass
        os.set_blocking(write_end, True)
    client = subprocess.Popen([sys.executable, "-m", "pagesetter", "build", *args], cwd=project,
                              env={**env, "PYTHONUNBUFFERED": "1"} if held else env,
                              stdout=write_end, stderr=subprocess.PIPE)
    os.close(write_end)

    def reached() -> bool:
        now = _identities(project)
        if when == "connected":
            assert kept is not None
            return _building(kept)
        name = pdf.name if when == "gate" else png.name
        return name in now and now[name] != before.get(name)

    deadline = time.monotonic() + 300
    while client.poll() is None and not reached():
        assert time.monotonic() < deadline, f"the build never reached {when}"
        time.sleep(0.002)
    client.send_signal(signal.SIGINT)
    with os.fdopen(read_end, "rb") as pipe:
        out = pipe.read()  # the build goes on (held: from its first line) and ends, closing the pipe
    err = client.communicate(timeout=300)[1].decode()
    assert out[:filler] == b"." * filler
    after = _identities(project)
    written = sorted(name for name, found in after.items() if before.get(name) != found)
    return client.returncode, SECONDS.sub("N s)", out[filler:].decode()), err, written


def announced(out: str) -> list[str]:
    return sorted(line.split()[1].removeprefix("output/") for line in out.splitlines() if line.startswith("wrote "))


def test_ctrl_c_says_every_file_the_kept_build_wrote_as_the_clients_own_build_does(twins) -> None:  # type: ignore[no-untyped-def]
    """Ctrl-C of the client at three moments of a page's build, in the kept process (A) and in the
    client's own process (B) at the same moment: every file on disk afterwards was said ("wrote …"),
    status 130 and "pagesetter: interrupted"; in the gate the two say and write the same; and the
    kept process goes on to build the next page as the client would."""
    a, b, env_a, env_b, keep = twins
    same(a, b, env_a, env_b, "--proof")  # the session made: a build with an edit takes the time a desk's does
    cuts, finished, text = 0, 0, EDITS[0]
    for when, args, wording in (("connected", ("--proof",), "从未披上白色战袍"), ("gate", ("--proof",), "不曾披上白色战袍"),
                                ("preview", ("--proof", "--preview"), "并未披上白色战袍"),
                                ("gate", ("--proof",), EDITS[0])):  # the last: the first build's, replayed
        edit((a, b), EDIT_FILE, text, wording)
        text = wording
        kept = interrupted(a, env_a, when, *args, kept=keep.process.pid)
        code, out, err, written = kept
        assert announced(out) == written, (when, kept)  # each file on disk said, and only those
        for name in written:  # whole: paths.write_atomically
            assert (a / "output" / name).stat().st_size > 0 and not name.startswith(".")
        if code == 0 and wording == EDITS[0]:
            # The kept replay (milliseconds from its PDF to its reply) can be over before the Ctrl-C
            # reaches the client, whose report is then printed whole and its status kept (handoff._ask):
            # finished, every file said, nothing on stderr, the kept process not interrupted.
            assert (err, written) == ("", ["seed-page.pdf", "seed-page.proof-a3.pdf", "seed-page.proof.pdf"]), kept
            finished += 1
        else:
            assert code == 130 and err.endswith("pagesetter: interrupted\n") and "Traceback" not in err, (when, kept)
        cuts += 1
        if when == "connected":
            continue  # the client's own build is then still importing the engine: no like moment
        own = interrupted(b, env_b, when, *args, held=when == "gate")
        assert own[0] == 130 and announced(own[1]) == own[3], (when, own)
        if when == "gate" and wording != EDITS[0]:  # the proofs are written before the print PDF
            # the same files, said, and the same ending; the print PDF's line is the report's, or a plain
            # "wrote" when the interrupt lands between its writing and its line (either build, by timing)
            assert (kept[0], announced(kept[1]), kept[2], kept[3]) == (own[0], announced(own[1]), own[2], own[3])
            assert written == ["seed-page.pdf", "seed-page.proof-a3.pdf", "seed-page.proof.pdf"]
        if wording == EDITS[0]:  # a replay: the PDF, then its proofs, written before any is said
            assert own[2] == "pagesetter: interrupted\n" and own[3] == written
    assert keep.process.poll() is None
    same(a, b, env_a, env_b, "--proof", "--preview")
    code, out, _ = keep.stop()
    # every cut interrupted the kept build but perhaps the replay's, which may have been over first
    # (certainly so when its client finished)
    assert code == 0 and cuts - 1 <= out.count("a build interrupted by its client") <= cuts - finished


@pytest.mark.parametrize("answer", [True, False])
def test_an_interrupted_client_waits_for_the_reply_and_a_second_ctrl_c_ends_it(tmp_path: Path, answer: bool) -> None:
    """The client's Ctrl-C, against a stand-in for the kept process (this test, on the socket's name):
    the client shuts its sending side and stays, reading; the reply it then gets is what it prints
    and how it exits; with no reply, a second Ctrl-C ends it at once as an interrupted build ends."""
    env = env_for(tmp_path / "cache")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(handoff.socket_name(str(tmp_path), handoff.cache_folder(env) or "", handoff.package_digest()))
    listener.listen(1)
    listener.settimeout(60)
    client = subprocess.Popen([sys.executable, "-m", "pagesetter", "build"], cwd=tmp_path, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        conn, _ = listener.accept()
        conn.settimeout(60)
        assert handoff.receive(conn, handoff.MAX_REQUEST)["argv"] == ["build"]  # type: ignore[index]
        client.send_signal(signal.SIGINT)
        assert conn.recv(1) == b""  # its sending side shut: the kept build's Ctrl-C
        assert client.poll() is None  # and it waits for the reply
        if answer:
            handoff.send(conn, {"events": [["o", "wrote output/x.pdf\n"], ["e", "pagesetter: interrupted\n"]],
                                "exit": 130})
        else:
            client.send_signal(signal.SIGINT)
        out, err = client.communicate(timeout=60)
        conn.close()
    finally:
        listener.close()
        if client.poll() is None:
            client.kill()
    assert (client.returncode, out, err) == (130, "wrote output/x.pdf\n" if answer else "", "pagesetter: interrupted\n")


def test_a_kept_process_killed_mid_build_leaves_the_build_to_the_client(twins) -> None:  # type: ignore[no-untyped-def]
    a, b, env_a, env_b, keep = twins
    client = subprocess.Popen([sys.executable, "-m", "pagesetter", "build"], cwd=a, env=env_a,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # mid-build: the request read and the build started (a fixed 0.2 s could end before the client,
    # still starting on a loaded machine, had even connected: a kill before any build)
    deadline = time.monotonic() + 300
    while client.poll() is None and not _building(keep.process.pid):
        assert time.monotonic() < deadline, "the kept process never started the build"
        time.sleep(0.002)
    keep.process.kill()
    keep.killed = True
    out, err = client.communicate(timeout=300)
    want = build(b, env_b)
    assert (client.returncode, SECONDS.sub("N s)", out), err) == want
    assert files(a) == files(b)


def _peer(name: bytes) -> socket.socket:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(name)
    sock.settimeout(30)
    return sock


def _answer(sock: socket.socket) -> object:
    try:
        return handoff.receive(sock, handoff.MAX_REPLY)
    except (ValueError, ConnectionResetError):
        return None  # closed unanswered (reset: closed with the request unread)


def _as_nobody(name: bytes, request: dict) -> bytes:  # type: ignore[type-arg]
    """``request`` sent by a forked child that became uid 65534 (nobody): what it got back."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        try:
            os.close(read)
            os.setgid(65534)
            os.setuid(65534)
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.connect(name)
            sock.settimeout(30)
            try:
                handoff.send(sock, request)
                answer = _answer(sock)
            except (BrokenPipeError, ConnectionResetError):  # closed before the request was sent
                answer = None
            os.write(write, b"closed" if answer is None else json.dumps(answer).encode())
        except BaseException as exc:
            os.write(write, repr(exc).encode())
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as fh:
        got = fh.read()
    os.waitpid(pid, 0)
    return got


def test_refused_requests(twins, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Unknown keys, wrong types, an oversized or non-JSON message and another user's process get
    nothing built; the process goes on serving."""
    a, b, env_a, env_b, keep = twins
    good = {"v": 1, "argv": ["build"], "cwd": str(a), "env": {k: env_a.get(k) for k in handoff.ENV_NAMES}}
    for bad in ({**good, "code": "import os"}, {**good, "argv": "build"}, {**good, "v": 2}, [1, 2],
                {**good, "env": {**good["env"], "LD_PRELOAD": "/x.so"}}, {**good, "argv": [["build"]]}):
        with _peer(keep.name) as sock:
            handoff.send(sock, bad)
            answer = _answer(sock)
            assert isinstance(answer, dict) and answer["decline"].startswith("refused"), (bad, answer)
    with _peer(keep.name) as sock:  # over the size limit: closed unread
        sock.sendall((handoff.MAX_REQUEST + 1).to_bytes(4, "big") + b"{" * 1000)
        assert _answer(sock) is None
    with _peer(keep.name) as sock:
        sock.sendall((7).to_bytes(4, "big") + b"pickle\x80")
        assert _answer(sock) is None
    # another uid: closed unanswered (the abstract name is reachable by every user of the machine)
    if os.getuid() == 0:
        assert _as_nobody(keep.name, good) == b"closed"
    assert handoff.connect(keep.name) is not None  # while this user's client is answered
    assert same(a, b, env_a, env_b)[0] == 0 and served(a, env_a)


def test_idle_exit_a_second_keep_and_no_socket_file(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    env = env_for(tmp_path / "cache")
    before = sorted(p.name for p in project.iterdir())
    # The second keep is refused by one that stays: against the idle one below, it had to start and
    # reach its socket within the 3 s idle (under a second alone; not so on a loaded machine, where
    # it then became the kept process itself and ran until run's timeout).
    first = Keep(project, env)
    hex_name = first.name[1:].decode()
    try:
        assert hex_name in Path("/proc/net/unix").read_text()  # abstract: in the kernel's table, no file
        second = subprocess.run([sys.executable, "-m", "pagesetter", "keep"], cwd=project, env=env,
                                capture_output=True, text=True, timeout=120)
    finally:
        assert first.stop()[0] == 0
    assert second.returncode == 1 and "already runs" in second.stderr and str(first.process.pid) in second.stderr
    assert second.stderr.count("\n") == 1
    keep = Keep(project, env, "--idle", "0.05")
    code, out, err = keep.process.wait(timeout=60), *keep.process.communicate(timeout=10)
    assert code == 0 and "stopped after 0.05 minutes without a build" in out, err
    assert hex_name not in Path("/proc/net/unix").read_text()
    assert sorted(p.name for p in project.iterdir()) == before


def test_the_clients_cache_folder_is_the_builds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """handoff.cache_folder (the client, without cache.py) and cache.default_cache agree."""
    cases = [{}, {"PAGESETTER_CACHE": "off"}, {"PAGESETTER_CACHE": " 0 "}, {"PAGESETTER_CACHE": str(tmp_path)},
             {"XDG_CACHE_HOME": str(tmp_path)}, {"XDG_CACHE_HOME": "relative"}, {"HOME": ""}, {"HOME": "rel"},
             {"HOME": str(tmp_path), "XDG_CACHE_HOME": ""}, {"PAGESETTER_CACHE": "rel/cache"}]
    for case in cases:
        for name in ("PAGESETTER_CACHE", "XDG_CACHE_HOME"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("HOME", str(tmp_path / "home"))
        for name, value in case.items():
            monkeypatch.setenv(name, value)
        folder = default_cache().root
        assert handoff.cache_folder(os.environ) == (os.path.abspath(folder) if folder is not None else None), case


def test_a_keep_without_a_cache_refuses(tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, "-m", "pagesetter", "keep"], cwd=tmp_path, capture_output=True, text=True,
                         env=env_for(tmp_path, PAGESETTER_CACHE="off"), timeout=60)
    assert run.returncode == 1 and run.stderr.startswith("pagesetter: error: the build cache is off")


def test_a_killed_kept_process_s_ghostscript_folder_goes_at_the_next_start(tmp_path: Path) -> None:
    """SIGKILL runs no clean-up: the kept process's Ghostscript folder stays in the temporary
    folder; the next `pagesetter keep` removes it, and only what is provably ours: not a folder of
    a running process, not one named the old way, not a link, not a file."""
    from pagesetter.proof.coverage import WORKSPACE_PREFIX, _owner

    temp = tmp_path / "tmp"
    temp.mkdir()
    project = copy_project(tmp_path / "p")
    env = env_for(tmp_path / "cache", TMPDIR=str(temp))
    first = Keep(project, env)
    [folder] = [p for p in temp.iterdir() if p.name.startswith(WORKSPACE_PREFIX)]
    first.process.kill()
    first.process.communicate(timeout=60)
    assert folder.is_dir()
    alive = temp / f"{WORKSPACE_PREFIX}{_owner()}-alive123"  # this test's own process: running
    untagged = temp / f"{WORKSPACE_PREFIX}abcd1234"
    for kept in (alive, untagged):
        kept.mkdir()
        (kept / "x").write_bytes(b"x")
    dead = folder.name.split("-")[2]  # the killed process's tag
    (temp / f"{WORKSPACE_PREFIX}{dead}-alink").symlink_to(alive)
    (temp / f"{WORKSPACE_PREFIX}{dead}-afile").write_bytes(b"x")
    second = Keep(project, env)
    try:
        left = sorted(p.name for p in temp.iterdir() if p.name.startswith(WORKSPACE_PREFIX))
        assert folder.name not in left
        assert {alive.name, untagged.name, f"{WORKSPACE_PREFIX}{dead}-alink", f"{WORKSPACE_PREFIX}{dead}-afile"} <= set(left)
        assert (alive / "x").is_file() and (untagged / "x").is_file()
    finally:
        code, _, err = second.stop()
    assert code == 0 and "Traceback" not in err, err


def test_an_interrupted_kept_build_json_prints_its_document(twins) -> None:  # type: ignore[no-untyped-def]
    """build --json cut short in the gate, kept (A) and the client's own (B): each prints its
    document saying interrupted, status 130, and its files are those written."""
    a, b, env_a, env_b, keep = twins
    same(a, b, env_a, env_b)
    edit((a, b), EDIT_FILE, *EDITS)
    for project, env in ((a, env_a), (b, env_b)):
        code, out, err, written = interrupted(project, env, "gate", "--json")
        document = json.loads(out)
        assert (code, err) == (130, "pagesetter: interrupted\n"), (project, code, out, err)
        assert (document["exit"], document["errors"]) == (130, ["interrupted"])
        assert sorted(Path(f).name for f in document["files"]) == written


def _child(pid: int, module: str) -> int | None:
    """The pid of the child process of ``pid`` running ``python -m MODULE``, or None."""
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            try:
                argv = Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if module.encode() in argv:
                return int(child)
    return None


def test_an_interrupted_kept_build_answers_before_its_helpers_stop(twins) -> None:  # type: ignore[no-untyped-def]
    """The client's Ctrl-C in the gate: the kept process answers (what the build printed, each file
    it wrote said) before it stops its Ghostscript and structure worker for the next build to start
    afresh. Stopping them first waited for the worker to end its check, up to 5 s (StructureWorker.close)
    on a loaded machine, which is as long as the client waits for the answer (handoff.INTERRUPT_WAIT):
    it then said only "interrupted", the files on disk unsaid (a --json document never printed).
    The worker is held stopped (SIGSTOP) here, as the slowest machine would hold it."""
    a, b, env_a, env_b, keep = twins
    same(a, b, env_a, env_b, "--proof")  # the kept process's structure worker started by its gate
    worker = _child(keep.process.pid, "pagesetter.proof.structure_worker")
    assert worker is not None
    edit((a, b), EDIT_FILE, *EDITS)
    os.kill(worker, signal.SIGSTOP)
    try:
        code, out, err, written = interrupted(a, env_a, "gate", "--proof", kept=keep.process.pid)
    finally:
        try:
            os.kill(worker, signal.SIGCONT)
        except ProcessLookupError:  # stopped for good by the kept process (killed: it never ended)
            pass
    assert (code, err) == (130, "pagesetter: interrupted\n"), (code, out, err)
    assert written and announced(out) == written, (out, written)
    assert same(a, b, env_a, env_b, "--proof")[0] == 0  # and the next build is the client's own build's


def test_a_client_gone_signal_after_its_build_is_nothing(twins) -> None:  # type: ignore[no-untyped-def]
    """The kept build's "client gone" signal (SIGUSR1) landing once no build runs: nothing. It is
    sent again from a thread of its own when it first landed where Python cannot raise (a weakref
    callback, interrupts.py), so on a loaded machine it can arrive after its build has ended: the
    kept process, idle or answering, then ended itself (status 130), its builds left to the clients."""
    a, b, env_a, env_b, keep = twins
    assert same(a, b, env_a, env_b)[0] == 0
    keep.process.send_signal(signal.SIGUSR1)  # as a late one would land: between builds
    assert same(a, b, env_a, env_b)[0] == 0 and served(a, env_a)
    assert keep.process.poll() is None


def test_the_protocols_json_is_the_json_packages() -> None:
    """handoff.dumps and handoff.loads (the json package's C parts, without importing it in the
    client) write and read what json.dumps(ensure_ascii=False) and json.loads do, and refuse what
    json refuses, as a ValueError."""
    messages = [{"v": 1, "argv": ["build", "-q", "-o", "出 版 é\udcff"], "cwd": '/a"b\\c', "env": {"A": None, "B": "x\n\t\x00"}},
                {"events": [["o", "第一版\n"], ["E"], ["e", "warning: …\r\n\u2028"]], "exit": 130},
                [1, -2.5, 1e300, True, False, None, 12345678901234567890], "bare", 7, None, {}, []]
    for message in messages:
        text = json.dumps(message, ensure_ascii=False)
        assert handoff.dumps(message) == text
        assert handoff.loads(text) == json.loads(text) == message
        assert handoff.loads(f" \r\n\t{text}\n ") == message
    for bad in ("", "  ", "{", "pickle\x80", "[1] x", '{"a": 1}{', "{'a': 1}", "[1,]", "NaNx", "\ufeff{}", '"\x01"',
                '{"a" 1}', "[1, 2"):
        with pytest.raises(ValueError):
            json.loads(bad)
        with pytest.raises(ValueError):
            handoff.loads(bad)
    with pytest.raises(TypeError):
        handoff.dumps({"a": object()})
