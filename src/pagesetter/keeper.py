"""``pagesetter keep``: a process the user starts in a project folder, which holds the engine, a
``Session`` per page spec and a primed Ghostscript, and builds the pages that ``pagesetter build``
hands it (handoff.py, the client, which has the protocol). A build there is the command line's
build, run through the same code (cli.run_kept) with its output captured and sent back: the same
report, the same files, the same build record, the same exit status, without the ~0.2 s a fresh
Python spends importing the engine and the time it spends setting what did not change.

Who is served: only processes of this user (SO_PEERCRED), running in this project folder, with
this build cache, of this installed code (all four in the socket's name; the code is looked at
again before each build and every second, and the process ends when it changed). What is served:
``build`` of one page spec with the cache on; anything else is declined and the client builds it
itself. Requests are JSON with fixed keys and size limits; one is built at a time.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import gc
import io
import os
import select
import signal
import socket
import sys
import threading
import time
from collections import OrderedDict
from pathlib import Path

from pagesetter import handoff
from pagesetter.errors import InputError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pagesetter.cache import DiskCache
    from pagesetter.proof.coverage import CoverageServer
    from pagesetter.proof.structure_worker import StructureWorker
    from pagesetter.session import Session

# The environment a build reads, as the client sends it: the process's own must match these
# (Ghostscript is found on PATH and kept running with its settings; temporary folders, the home
# and the locale are the process's), while these others are set for each build as the client had them.
FIXED_ENV = ("HOME", "PATH", "TZ", "TMPDIR", "LANG", "LC_ALL", "LC_CTYPE", "PYTHONUTF8", "GS_LIB", "GS_OPTIONS",
             "GS_FONTPATH")
PER_BUILD_ENV = ("SOURCE_DATE_EPOCH", "PAGESETTER_CACHE", "XDG_CACHE_HOME")
assert set(FIXED_ENV) | set(PER_BUILD_ENV) == set(handoff.ENV_NAMES)
REQUEST_KEYS = frozenset({"v", "argv", "cwd", "env"})
MAX_ARGS = 256
READ_TIMEOUT = 10.0  # a client that connects and says nothing is dropped after this many seconds
TICK = 1.0  # seconds between looks at the idle time and the installed code
MAX_SESSIONS = 4  # page specs kept at once (each some tens of MB); the least recently built goes first


class Stop(BaseException):
    """Ctrl-C or SIGTERM to the kept process itself: it ends, whatever it is doing (not an
    Exception, so no build's safety net takes it for the client's Ctrl-C)."""

    signum = signal.SIGTERM  # sent again if it lands where Python cannot raise (interrupts.py)


class ClientGone(KeyboardInterrupt):
    """The client shut its sending side before its reply (Ctrl-C) or went away: raised in the build as
    Ctrl-C is in a build of its own process, and ended there the same way (cli._run: status 130)."""

    signum = signal.SIGUSR1  # sent again if it lands where Python cannot raise (interrupts.py)


class Captured(io.TextIOBase):
    """sys.stdout or sys.stderr of a kept build: its writes and flushes, in order, for the client
    to do on its own streams."""

    def __init__(self, tag: str, events: list[list[str]]) -> None:
        super().__init__()
        self._tag = tag
        self._events = events

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return "utf-8"

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def write(self, text: str) -> int:  # type: ignore[override]
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        last = self._events[-1] if self._events else None
        if last is not None and len(last) == 2 and last[0] == self._tag:
            last[1] += text
        else:
            self._events.append([self._tag, text])
        return len(text)

    def flush(self) -> None:
        self._events.append([self._tag.upper()])


class Kept:
    """What a kept process holds between builds: a Session per page spec and one Ghostscript,
    given to cli._build_page through ``args.kept``."""

    def __init__(self) -> None:
        self._sessions: OrderedDict[tuple[str, str, str], Session] = OrderedDict()
        self._coverage: CoverageServer | None = None
        self._worker: StructureWorker | None = None
        self._last: tuple[str, str, str] | None = None
        self._parser: argparse.ArgumentParser | None = None

    def parser(self) -> argparse.ArgumentParser:
        """cli's parser, made once (some 3 ms a build): parsing leaves it as it was."""
        if self._parser is None:
            from pagesetter import cli

            self._parser = cli.make_parser()
        return self._parser

    def coverage(self) -> contextlib.AbstractContextManager["CoverageServer"]:
        """The kept Ghostscript, not stopped when the build's ``with`` ends (cli._build_page)."""
        if self._coverage is None:
            from pagesetter.proof.coverage import CoverageServer

            self._coverage = CoverageServer()
        return contextlib.nullcontext(self._coverage)

    def structure_worker(self) -> "StructureWorker":
        """The preflight's second process (proof/structure_worker.py), kept with Ghostscript."""
        if self._worker is None:
            from pagesetter.proof.structure_worker import StructureWorker

            self._worker = StructureWorker()
        return self._worker

    def session(self, spec: Path, cache: DiskCache) -> Session:
        """The spec's session (by the path as given and where it leads, and the cache), made at its
        first build. Its own stamps decide what of it a build may reuse (session.py)."""
        from pagesetter.session import Session

        key = (str(spec), os.path.realpath(spec), str(cache.root))
        kept = self._sessions.pop(key, None)
        if kept is None:
            kept = Session(spec, cache)
        kept.cache = cache
        self._sessions[key] = kept
        while len(self._sessions) > MAX_SESSIONS:
            self._sessions.popitem(last=False)
        self._last = key
        return kept

    def forget_last(self) -> None:
        """After a build cut short (the client's Ctrl-C) or a bug: its session and Ghostscript may be
        half-way through a change, so neither is used again; the next build starts them afresh."""
        if self._last is not None:
            self._sessions.pop(self._last, None)
        self._last = None
        self._stop_helpers()

    def started(self) -> None:
        self._last = None

    def close(self) -> None:
        self._sessions.clear()
        self._stop_helpers()

    def _stop_helpers(self) -> None:
        """Ghostscript and the structure worker stopped; the next build starts them afresh."""
        if self._coverage is not None:
            self._coverage.close()
            self._coverage = None
        if self._worker is not None:
            self._worker.close()
            self._worker = None


def keep(root: Path, idle_minutes: float) -> int:
    """Serve the builds of ``root`` until Ctrl-C, SIGTERM, ``idle_minutes`` without a build or a
    change to the installed code. Returns the exit status."""
    if sys.platform != "linux":
        raise InputError(None, "pagesetter keep needs Linux (an abstract Unix socket)")
    folder = os.path.realpath(root)
    cache = handoff.cache_folder(os.environ)
    if cache is None:
        raise InputError(None, "the build cache is off (PAGESETTER_CACHE=off, or no home folder): builds then "
                         "never hand over, so there is nothing to keep")
    digest = handoff.package_digest()
    listener = _listen(handoff.socket_name(folder, cache, digest), folder)
    previous = {sig: signal.signal(sig, _stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    previous[signal.SIGUSR1] = signal.signal(signal.SIGUSR1, _client_gone)
    kept = Kept()
    try:
        from pagesetter.proof.coverage import remove_stale_workspaces

        remove_stale_workspaces()  # a kept process killed (SIGKILL) left its Ghostscript's folder
        _warm()
        from pagesetter import cli

        cli._warnings_as_lines()  # as main() sets them up for a build of its own
        cli._library_logs_dropped()
        gc.set_threshold(*cli.GC_THRESHOLD)
        gc.freeze()  # the engine's modules, loaded once: kept out of every collection
        kept.coverage().__enter__().prime()
        print(f"pagesetter keep: keeping the engine for {folder} (cache {cache}; pid {os.getpid()}): "
              f"'pagesetter build' of one page here hands over to it; Ctrl-C stops it, as do "
              f"{idle_minutes:g} minutes without a build", flush=True)
        return _loop(listener, kept, folder, cache, digest, idle_minutes * 60)
    except Stop:
        return 0
    finally:
        listener.close()
        kept.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _say(line: str) -> None:
    """A line on the kept process's terminal; a terminal closed meanwhile does not stop it."""
    try:
        print(f"pagesetter keep: {line}", flush=True)
    except OSError:
        pass


def _stop(signum: int, frame: object) -> None:
    raise Stop()


# Set while a build runs in the main thread (keeper._build): the client-gone signal is its build's
# Ctrl-C, and is nothing once that build is over. It can come late: one that first landed where
# Python cannot raise (a weakref callback) is sent again from a thread after a moment
# (interrupts.py), which on a loaded machine may be after the build's end; raised then, in the
# idle loop or the reply, it ended the kept process itself (status 130).
_BUILD_RUNNING = threading.Event()


def _client_gone(signum: int, frame: object) -> None:
    if not _BUILD_RUNNING.is_set():
        return
    # An exception raised wherever the build is, not a flag it looks at between stages: the
    # client's own build gets Ctrl-C so (the terminal's SIGINT), and the two must stop at the same
    # moment and say the same files (tests/test_keep.py); a flag would let a stage run on (the
    # gate's Ghostscript, a page's composition) after the desk gave up. So the build's code is
    # made safe for an interrupt between any two steps instead (paths.open_regular,
    # paths._written_beside, cli.by_interrupt; tests/test_interrupts.py).
    raise ClientGone()


def _listen(name: bytes, folder: str) -> socket.socket:
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM | socket.SOCK_CLOEXEC)
    try:
        listener.bind(name)
    except OSError as exc:
        listener.close()
        if exc.errno == errno.EADDRINUSE:
            raise InputError(None, f"a pagesetter keep already runs for {folder}{_holder(name)}; "
                             "stop that one first (Ctrl-C where it runs)") from None
        raise
    listener.listen(16)
    return listener


def _holder(name: bytes) -> str:
    """Who holds the socket's name, for the message: its pid, or that it is another user's."""
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM | socket.SOCK_CLOEXEC)
    try:
        probe.connect(name)
        raw = probe.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12)
    except OSError:
        return ""
    finally:
        probe.close()
    pid, uid = int.from_bytes(raw[0:4], sys.byteorder), int.from_bytes(raw[4:8], sys.byteorder)
    return f" (pid {pid})" if uid == os.getuid() else f" (a process of another user, uid {uid}, holds its name)"


def _warm() -> None:
    """The engine loaded now, not in the first build: what cli._build_page and its gate import."""
    import pagesetter.proof.preflight  # noqa: F401
    import pagesetter.proof.readback  # noqa: F401
    import pagesetter.proof.report  # noqa: F401
    import pagesetter.proof.typography  # noqa: F401
    import pagesetter.rebuild  # noqa: F401
    import pagesetter.session  # noqa: F401


def _loop(listener: socket.socket, kept: Kept, folder: str, cache: str, digest: str, idle: float) -> int:
    listener.settimeout(TICK)
    last = time.monotonic()
    while True:
        try:
            conn, _ = listener.accept()
        except TimeoutError:
            if time.monotonic() - last >= idle:
                _say(f"stopped after {idle / 60:g} minutes without a build")
                return 0
            if handoff.package_digest() != digest:
                _say("stopped: the installed pagesetter changed")
                return 0
            continue
        with conn:
            go_on = _serve(conn, kept, folder, cache, digest)
        last = time.monotonic()
        if not go_on:
            _say("stopped: the installed pagesetter changed")
            return 0


def _serve(conn: socket.socket, kept: Kept, folder: str, cache: str, digest: str) -> bool:
    """One connection: a build, or a refusal. False when the process must end (its code changed)."""
    raw = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12)
    if int.from_bytes(raw[4:8], sys.byteorder) != os.getuid():
        return True  # another user's process: closed unanswered
    conn.settimeout(READ_TIMEOUT)
    try:
        request = handoff.receive(conn, handoff.MAX_REQUEST)
    except (OSError, ValueError, UnicodeError):
        return True  # cut short, too long or not JSON: closed unanswered
    conn.settimeout(None)
    problem = _refused(request)
    if problem is not None:
        _reply(conn, {"decline": f"refused: {problem}"})
        return True
    if handoff.package_digest() != digest:  # an old process must not build with the code it loaded
        _reply(conn, {"decline": "the installed pagesetter changed"})
        return False
    assert isinstance(request, dict)
    why = _not_kept(request, folder, cache)
    if why is not None:
        _reply(conn, {"decline": why})
        return True
    reply, interrupted, forget = _build(conn, request, kept)
    if interrupted:
        _say("a build interrupted by its client (Ctrl-C); its page starts afresh next time")
    _reply(conn, reply)  # interrupted too: what the build printed up to then, files it wrote said
    if forget:
        # After the answer, not before: stopping the helpers waits for the structure worker to end
        # its check (up to 5 s on a loaded machine), as long as an interrupted client waits for the
        # answer (handoff.INTERRUPT_WAIT), which then said none of the files written. The next
        # connection is taken only once this is done, so no build uses the helpers meanwhile.
        kept.forget_last()
    return True


def _refused(request: object) -> str | None:
    """What is wrong with a request's form, or None: exactly the protocol's keys and types."""
    if not isinstance(request, dict) or set(request) != REQUEST_KEYS:
        return "not a request"
    if request["v"] != handoff.VERSION:
        return "another version"
    argv, cwd, env = request["argv"], request["cwd"], request["env"]
    if not (isinstance(argv, list) and len(argv) <= MAX_ARGS and all(isinstance(a, str) and "\0" not in a for a in argv)):
        return "argv"
    if not isinstance(cwd, str) or "\0" in cwd or not os.path.isabs(cwd):
        return "cwd"
    if not isinstance(env, dict) or set(env) != set(handoff.ENV_NAMES):
        return "env"
    if not all(v is None or (isinstance(v, str) and "\0" not in v) for v in env.values()):
        return "env"
    return None


def _not_kept(request: dict, folder: str, cache: str) -> str | None:  # type: ignore[type-arg]
    """Why this well-formed request is one the client builds itself, or None."""
    env = request["env"]
    if os.path.realpath(request["cwd"]) != folder:
        return "another folder"
    if any(env[name] != os.environ.get(name) for name in FIXED_ENV):
        return "another environment"
    if handoff.cache_folder({k: v for k, v in env.items() if v is not None}) != cache:
        return "another cache"
    return None


def _parsed(argv: list[str], kept: Kept):  # type: ignore[no-untyped-def]
    """The command line as cli parses it, or None when it is not one page's cached build (or not a
    valid command line: the client's own parser says what is wrong)."""
    sink: list[list[str]] = []
    try:
        with contextlib.redirect_stdout(Captured("o", sink)), contextlib.redirect_stderr(Captured("e", sink)):
            args = kept.parser().parse_args(argv)
    except SystemExit:
        return None
    if args.command != "build" or args.epaper or args.no_cache or len(args.specs) > 1:
        return None
    return args


def _build(conn: socket.socket, request: dict, kept: Kept) -> tuple[dict, bool, bool]:  # type: ignore[type-arg]
    """The request's build, as cli.main would run it in the client, with the client's folder and
    environment: its writes and flushes and exit status, or a decline; whether the client's Ctrl-C
    (its sending side shut, or it went away) interrupted it, as one of its own would be; and whether
    its session and helpers must be forgotten (Kept.forget_last, once the client has its answer)."""
    from pagesetter import cli

    argv: list[str] = request["argv"]
    args = _parsed(argv, kept)
    if args is None:
        return {"decline": "not one page's cached build"}, False, False
    args.whole_process = False
    args.kept = kept
    events: list[list[str]] = []
    saved = {name: os.environ.get(name) for name in PER_BUILD_ENV}
    done, gone, lock = threading.Event(), threading.Event(), threading.Lock()
    # written when the build is done, so the watcher ends then, not at its next poll's timeout (the
    # answer waits for it: up to 50 ms a build, a third of a kept edit's, when it polled alone)
    wake_read, wake_write = os.pipe()
    watcher = threading.Thread(target=_watch, args=(conn, done, gone, lock, wake_read), daemon=True)
    code: int | None = None
    kept.started()
    try:
        try:
            _set_env({name: request["env"][name] for name in PER_BUILD_ENV})
            os.chdir(request["cwd"])
            _BUILD_RUNNING.set()
            watcher.start()
            with contextlib.redirect_stdout(Captured("o", events)), contextlib.redirect_stderr(Captured("e", events)):
                code = cli.run_kept(args, argv)
        except cli.HandBack:
            return {"decline": "an edition"}, False, False
        finally:
            with lock:
                done.set()
            os.write(wake_write, b"d")
            if gone.is_set():
                time.sleep(0.05)  # the signal sent to the build, if it has not landed yet, lands here
            _BUILD_RUNNING.clear()  # within the try: one landing before this is caught below
    except ClientGone:
        pass
    finally:
        _BUILD_RUNNING.clear()  # (the one above skipped by the signal it waited for)
        _set_env(saved)
        watcher.join()
        os.close(wake_read)
        os.close(wake_write)
    forget = gone.is_set() or code in (130, cli.EXIT_INTERNAL)
    if code is None:  # the interrupt landed outside cli._run (as it starts or ends): said as _run says it
        if args.json and not any(event[0] == "o" for event in events):  # and its document, as _build's
            with contextlib.redirect_stdout(Captured("o", events)):
                cli._Status().emit(130, ["interrupted"])
        events.append(["e", "pagesetter: interrupted\n"])
        code = 130
    return {"events": events, "exit": code}, gone.is_set(), forget


def _watch(conn: socket.socket, done: threading.Event, gone: threading.Event, lock: threading.Lock,
           wake: int) -> None:
    """While the build runs: the client's sending side shut or closed (it says nothing more after
    its request) is its Ctrl-C, passed to the build as a signal, as the terminal passes Ctrl-C to a
    build of its own; the build's reply is still sent (the client reads it, unless it is gone).
    ``wake``: a pipe's end written when the build is done."""
    poller = select.poll()
    poller.register(conn.fileno(), select.POLLIN | select.POLLHUP | select.POLLRDHUP)
    poller.register(wake, select.POLLIN)
    while not done.is_set():
        ready = {fd for fd, _ in poller.poll(1000)}
        if wake in ready:
            return
        if ready:
            with lock:
                if not done.is_set():
                    gone.set()
                    signal.pthread_kill(threading.main_thread().ident, signal.SIGUSR1)  # type: ignore[arg-type]
            return


def _set_env(values: dict[str, str | None]) -> None:
    for name, value in values.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


def _reply(conn: socket.socket, message: dict) -> None:  # type: ignore[type-arg]
    try:
        handoff.send(conn, message)
    except OSError:
        pass  # the client went away after its build: nothing to tell it
