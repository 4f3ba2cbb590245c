"""The thin client of ``pagesetter keep`` (keeper.py): a ``pagesetter build`` of one page hands its
command line to the kept process of its project, if one runs, and prints what that process's
build printed, exits as it exited. Standard library only, and only its C parts where it can
(``_socket``, not ``socket``, which imports enum and selectors): this runs before the engine or
even argparse is imported, on every build, and must cost nothing measurable when no one answers.

Protocol (one request per connection, JSON only, each message a 4-byte big-endian length and
that many bytes of UTF-8 JSON):

- request: ``{"v": 1, "argv": [...], "cwd": "...", "env": {NAME: value or null}}`` with exactly
  those keys and the names of ``ENV_NAMES``;
- reply: ``{"decline": "why"}`` (build in this process instead) or
  ``{"events": [["o"|"e", text] or ["O"|"E"] (flush), ...], "exit": status}``;
- Ctrl-C of the client: it shuts its sending side (the request said, nothing more is sent); the
  kept process interrupts the build and replies as ever, with what it printed and status 130.
"""

from __future__ import annotations

import os
import sys

import _signal  # signal's C part (signal imports enum)

# Everything the build reads from the environment (cli.py, cache.py, render/pdfx.py, rebuild.py,
# proof/report.py's gate_tools through shutil.which), and what its libraries, Ghostscript and
# Python's own defaults (the locale's encoding) read: the kept process builds with the client's.
ENV_NAMES = ("SOURCE_DATE_EPOCH", "PAGESETTER_CACHE", "XDG_CACHE_HOME", "HOME", "PATH", "TZ", "TMPDIR",
             "LANG", "LC_ALL", "LC_CTYPE", "PYTHONUTF8", "GS_LIB", "GS_OPTIONS", "GS_FONTPATH")
VERSION = 1
MAX_REQUEST = 64 * 1024  # argv and a few paths: far more than a command line holds
MAX_REPLY = 64 * 1024 * 1024  # a build's report, or build --json's document
HEADER = 4
INTERRUPT_WAIT = 5.0  # seconds an interrupted client waits for what the kept build printed


def package_digest(root: str | None = None) -> str:
    """The installed code's identity, from the stat of every file of the package (not read: this
    runs in every build): a package reinstalled or edited has another digest, so its builds never
    talk to a process running the old code (the name of the socket holds it)."""
    import _sha256  # hashlib would load OpenSSL's bindings and its algorithm table: milliseconds

    lines = sorted(_stats(root or os.path.dirname(os.path.abspath(__file__))))
    return _sha256.sha256("".join(lines).encode("utf-8", "surrogateescape")).hexdigest()


def _stats(root: str) -> list[str]:
    found = []
    stack = [root]
    while stack:
        folder = stack.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name != "__pycache__":
                        stack.append(entry.path)
                    continue
                try:
                    st = entry.stat()
                except OSError:
                    continue
                found.append(f"{entry.path}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ino}\n")
    return found


def cache_folder(env: "dict[str, str] | os._Environ[str]") -> str | None:
    """Where the build cache is (cache.default_cache, without importing it: tests hold the two to
    the same answer), or None when the cache is off."""
    chosen = env.get("PAGESETTER_CACHE", "").strip()
    if chosen.lower() in ("off", "0", "no", "false"):
        return None
    if chosen:
        return os.path.abspath(chosen)
    base = env.get("XDG_CACHE_HOME", "").strip()
    if base and os.path.isabs(base):
        return os.path.join(base, "pagesetter")
    home = os.path.expanduser("~")
    if home == "~" or not os.path.isabs(home):
        return None
    return os.path.join(home, ".cache", "pagesetter")


def socket_name(root: str, cache: str, digest: str, uid: int | None = None) -> bytes:
    """The abstract socket's name (Linux: no file is made, none is left behind) of the kept process
    of this user, project, cache and code."""
    import _sha256

    uid = os.getuid() if uid is None else uid
    key = "\0".join((str(uid), os.path.realpath(root), os.path.realpath(cache), digest))
    return b"\0pagesetter-keep-" + _sha256.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:40].encode()


def project_name(env: "dict[str, str] | os._Environ[str]" = os.environ, cwd: str | None = None) -> bytes | None:
    """This folder's socket name, or None when the cache is off (a kept process is for cached builds)."""
    cache = cache_folder(env)
    if cache is None:
        return None
    return socket_name(cwd or os.getcwd(), cache, package_digest())


def _peer_uid(sock) -> int:  # type: ignore[no-untyped-def]
    """The uid of the process at the other end (SO_PEERCRED: pid, uid, gid as three C ints)."""
    import _socket

    raw = sock.getsockopt(_socket.SOL_SOCKET, _socket.SO_PEERCRED, 12)
    return int.from_bytes(raw[4:8], sys.byteorder)


def connect(name: bytes):  # type: ignore[no-untyped-def]
    """A connected socket to ``name`` served by a process of this user, or None."""
    import _socket

    sock = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM | _socket.SOCK_CLOEXEC)
    try:
        sock.connect(name)
        if _peer_uid(sock) != os.getuid():  # someone else holds the name: tell them nothing
            sock.close()
            return None
    except OSError:
        sock.close()
        return None
    return sock


def send(sock, message: object) -> None:  # type: ignore[no-untyped-def]
    data = dumps(message).encode("utf-8", "surrogateescape")
    sock.sendall(len(data).to_bytes(HEADER, "big") + data)


def receive(sock, limit: int) -> object:  # type: ignore[no-untyped-def]
    """One message, or ValueError (too long, cut short, not JSON)."""
    size = int.from_bytes(_exactly(sock, HEADER), "big")
    if size > limit:
        raise ValueError(f"message of {size} bytes, over {limit}")
    return loads(_exactly(sock, size).decode("utf-8", "surrogateescape"))


# JSON through the json package's own C parts (_json), not the package: importing json imports
# re (and enum, functools), some 7 ms of the client's ~25 ms on every handed-over build. The same
# text both ways as json.dumps(ensure_ascii=False) and json.loads (tests/test_keep.py holds them to it).
_WHITE = " \t\n\r"  # JSON's whitespace (json.decoder.WHITESPACE)


class _Decoding:
    """What _json's scanner reads from json.JSONDecoder(): its defaults."""

    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = float
    parse_int = int
    parse_constant = staticmethod({"-Infinity": float("-inf"), "Infinity": float("inf"), "NaN": float("nan")}.__getitem__)


def dumps(message: object) -> str:
    """json.dumps(message, ensure_ascii=False)."""
    import _json

    def unserialisable(o: object) -> object:  # json.JSONEncoder.default
        raise TypeError(f"Object of type {o.__class__.__name__} is not JSON serializable")

    if isinstance(message, str):  # as JSONEncoder.encode: a bare string is not given to the C encoder
        return _json.encode_basestring(message)
    encode = _json.make_encoder({}, unserialisable, _json.encode_basestring, None, ": ", ", ", False, False, True)
    return "".join(encode(message, 0))


def loads(text: str) -> object:
    """json.loads(text) of a str; ValueError (json.JSONDecodeError where json says one) if it is not JSON."""
    import _json

    start = len(text) - len(text.lstrip(_WHITE))
    try:
        value, end = _json.make_scanner(_Decoding)(text, start)
    except StopIteration:
        raise ValueError(f"Expecting value: char {start}") from None
    if text[end:].strip(_WHITE):
        raise ValueError(f"Extra data: char {end}")
    return value


def _exactly(sock, size: int) -> bytes:  # type: ignore[no-untyped-def]
    parts = []
    while size:
        part = sock.recv(min(size, 1 << 20))
        if not part:
            raise ValueError("the other end closed the connection")
        parts.append(part)
        size -= len(part)
    return b"".join(parts)


def handoff(argv: list[str]) -> int | None:
    """Exit status of ``pagesetter ARGV`` built by the kept process, after printing its output; None
    when no kept process answers or it declines (the caller builds in this process, as if this had
    never run). Only ``build`` is asked: nothing else is kept."""
    if not argv or argv[0] != "build" or sys.platform != "linux":
        return None
    try:
        name = project_name()
    except OSError:
        return None
    if name is None:
        return None
    sock = connect(name)
    if sock is None:
        return None
    try:
        return _ask(sock, argv)
    finally:
        sock.close()


def _ask(sock, argv: list[str]) -> int | None:  # type: ignore[no-untyped-def]
    env = {key: os.environ.get(key) for key in ENV_NAMES}
    try:
        send(sock, {"v": VERSION, "argv": argv, "cwd": os.getcwd(), "env": env})
    except KeyboardInterrupt:  # a request cut short is closed unanswered; one sent whole, interrupted
        return _interrupted(sock)
    except (OSError, ValueError):
        return None
    reply: object = None
    try:
        reply = receive(sock, MAX_REPLY)
        if isinstance(reply, dict) and "events" in reply:
            # The build is over, its files written: what it printed is shown whole (each file said)
            # and its status stands; a Ctrl-C from now on is ignored (__main__.run ignores it too
            # once this returns), not one that cut its report short.
            _signal.signal(_signal.SIGINT, _signal.SIG_IGN)
    except KeyboardInterrupt:
        if reply is None:
            return _interrupted(sock)
        _signal.signal(_signal.SIGINT, _signal.SIG_IGN)  # raised by the call above: the reply is whole
    except (OSError, ValueError):
        # The kept process ended before answering (killed, or its code changed): this process
        # builds the page instead, with nothing printed yet (README, "pagesetter keep").
        return None
    if not isinstance(reply, dict) or "decline" in reply:
        return None
    return _replay(reply)


def _interrupted(sock) -> int:  # type: ignore[no-untyped-def]
    """Ctrl-C while the kept process builds: this end's sending side shut (the kept process takes
    that as Ctrl-C and raises KeyboardInterrupt in its build, where a build of this process would
    have seen it), then its reply read and shown: what the build printed up to the interrupt (each
    file it wrote said) and status 130. A second Ctrl-C, or no reply within INTERRUPT_WAIT seconds,
    ends this at once, as cli._run ends an interrupted build."""
    import _socket

    try:
        sock.shutdown(_socket.SHUT_WR)
        sock.settimeout(INTERRUPT_WAIT)
        reply = receive(sock, MAX_REPLY)
    except (KeyboardInterrupt, OSError, ValueError):
        reply = None
    status = _replay(reply) if isinstance(reply, dict) and "events" in reply else None
    if status != 130:  # no reply, or the build had ended before the interrupt reached it
        print("pagesetter: interrupted", file=sys.stderr)
    return 130


def _replay(reply: dict) -> int | None:  # type: ignore[type-arg]
    """The kept build's writes and flushes on this process's stdout and stderr, in their order (so
    a terminal or one pipe for both shows what the build in this process would have shown)."""
    events, status = reply.get("events"), reply.get("exit")
    if not isinstance(events, list) or not isinstance(status, int) or isinstance(status, bool):
        return None
    for stream in (sys.stdout, sys.stderr):  # as cli._never_unencodable
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    # a reader gone early (the report piped into head) drops the rest: stdio.ReaderMayGo, status kept
    for event in events:
        if not isinstance(event, list) or not event or event[0] not in ("o", "e", "O", "E"):
            continue
        stream = sys.stdout if event[0] in ("o", "O") else sys.stderr
        if event[0] in ("O", "E"):
            stream.flush()
        elif len(event) == 2 and isinstance(event[1], str):
            stream.write(event[1])
    sys.stdout.flush()
    return status
