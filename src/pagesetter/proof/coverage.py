"""The coverage check's kept Ghostscript (``CoverageServer``): stdlib only, so a build can start
it before it imports the engine, and the rest of the preflight (pikepdf, PIL) is loaded only
when a page is checked."""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import tempfile
from pathlib import Path
from typing import Callable

COVERAGE_DPI = 50

# Ghostscript 10.0's CMYK render in device colour (tiff32nc, -dUseFastColor) ignores overprint
# (/OP, /op, /OPM 1) until something has been painted in a Separation colour space in its process:
# a 100 % K rule over a tint knocked it out (100 %) where print and Ghostscript's own separations
# (tiffsep) add the inks (the tint's plus 100 %). Our pages paint their registration marks in
# /All, so overprint held after the marks and not before them (the box rules, drawn first), and
# the kept Ghostscript, primed on an /All page, overprinted everything while a render of its own
# did not: the build and `pagesetter preflight` counted different ink (session 17, ink17). Every
# coverage render runs this first, before each file: a stroke in /All outside the page (clipped,
# nothing drawn), so overprint holds from the file's first object whatever ran before it.
OVERPRINT_PRELUDE = ("gsave [/Separation /All /DeviceCMYK {dup dup dup}] setcolorspace 1 setcolor "
                     "newpath -8 -8 moveto -4 -8 lineto stroke grestore")


def gs_arguments(device_colour: bool) -> list[str]:
    """Ghostscript's options for a coverage render, kept (CoverageServer) or of its own
    (preflight._start_render): one list, so both count the same ink. ``device_colour``: the
    file's DeviceCMYK and DeviceGray values passed through as they are (-dUseFastColor), valid
    only for a file that names no other colour space (preflight checks that first)."""
    return ["-q", "-dNOPAUSE", "-dSAFER", "-sDEVICE=tiff32nc", f"-r{COVERAGE_DPI}",
            *(["-dUseFastColor"] if device_colour else [])]


class CoverageServer:
    """One Ghostscript, kept running, rendering PDF after PDF for the coverage check, with the
    same device and options as a render of its own (device colour). Ghostscript's start and
    its set-up for the /All separation of the registration marks cost about 0.1 s of CPU a
    process, twice what rendering a broadsheet page costs: an edition's page worker pays them
    once for all its pages. Fed on stdin (``(file) run``), each file followed by a marker it
    prints when done; page TIFFs are numbered on across files. It reads only its own folder
    (``workspace``, SAFER). Any failure (Ghostscript stops on a PDF error) ends that process:
    the file is rendered by a process of its own, and the next file starts a new server."""

    def __init__(self) -> None:
        self._folder: tempfile.TemporaryDirectory[str] | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._pages = 0  # TIFFs this process has written
        self._files = 0
        self._uncollected: Callable[[], tuple[Path, ...] | None] | None = None

    def __enter__(self) -> "CoverageServer":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def prime(self) -> None:
        """Start Ghostscript now, on a tiny page in the colorant /All (``PRIMER``), unless it is
        running: its start and its /All set-up (about 0.1 s of CPU) then happen on another core
        while the caller composes the page it will render. The primer's TIFF is never counted:
        the next ``start`` collects and deletes it, and a primer Ghostscript failed on is ended
        there, the page then rendered as without one. No Ghostscript: nothing happens."""
        if shutil.which("gs") is None or (self._process is not None and self._process.poll() is None):
            return
        primer = self.workspace() / "primer.pdf"
        if not primer.is_file():
            primer.write_bytes(PRIMER)
        self.start(primer)

    def render(self, path: Path) -> "Callable[[], tuple[Path, ...] | None] | None":
        """``start`` for a file in the workspace, else ``start_copy``: ``path`` queued wherever it is."""
        inside = path.resolve().parent == self.workspace().resolve()
        return self.start(path) if inside else self.start_copy(path)

    def start_copy(self, path: Path) -> "Callable[[], tuple[Path, ...] | None] | None":
        """``start`` for a file outside the workspace (a build's written PDF): linked (else copied)
        into it, for Ghostscript may read nothing else; the link is removed once collected."""
        if shutil.which("gs") is None or not path.is_file():
            return None
        self._files += 1  # a name no earlier file of this server took
        staged = self.workspace() / f"staged-{self._files}.pdf"
        try:
            staged.unlink(missing_ok=True)
            try:
                os.link(path, staged)
            except OSError:  # another file system, or links not allowed: a copy reads the same
                shutil.copyfile(path, staged)
        except OSError:
            staged.unlink(missing_ok=True)
            return None
        collect = self.start(staged)
        if collect is None:
            staged.unlink(missing_ok=True)
            return None

        def collected() -> tuple[Path, ...] | None:
            try:
                return collect()
            finally:
                staged.unlink(missing_ok=True)

        self._uncollected = collected
        return collected

    def workspace(self) -> Path:
        """The folder the PDFs to render go in (the only one Ghostscript may read)."""
        if self._folder is None:
            self._folder = tempfile.TemporaryDirectory(prefix=f"{WORKSPACE_PREFIX}{_owner() or ''}-")
        return Path(self._folder.name)

    def start(self, path: Path) -> "Callable[[], tuple[Path, ...] | None] | None":
        """Queue ``path`` (in ``workspace``); returns what collects its pages' TIFFs, or None
        when this server cannot take it (no Ghostscript, a file elsewhere)."""
        gs = shutil.which("gs")
        folder = self.workspace()
        if gs is None or not path.is_file() or path.resolve().parent != folder.resolve():
            return None
        if self._uncollected is not None:  # a render nobody collected: its TIFFs counted, then dropped
            for tiff in self._uncollected() or ():
                tiff.unlink(missing_ok=True)
        if self._process is None or self._process.poll() is not None:
            self._halt()
            for tiff in folder.glob("p*.tif"):
                tiff.unlink()
            self._process = subprocess.Popen(
                [gs, *gs_arguments(True), f"--permit-file-read={folder.resolve()}/",
                 f"-sOutputFile={folder / 'p%06d.tif'}", "-dNOPROMPT"],  # its executive, line by line
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            self._pages = 0
        self._files += 1
        done, failed = f"pagesetter-coverage-done-{self._files}", f"pagesetter-coverage-failed-{self._files}"
        process, first = self._process, self._pages
        try:
            assert process.stdin is not None
            # stopped: a PostScript error in the file is caught and said, not left to wait for input
            # the prelude before each file: its overprint then never rests on what this process ran before
            process.stdin.write(f"{{{OVERPRINT_PRELUDE} ({_ps_string(str(path.resolve()))}) run}} stopped "
                                f"{{({failed}\\n)}} "
                                f"{{({done}\\n)}} ifelse print flush\n".encode())
            process.stdin.flush()
        except OSError:
            self._halt()
            return None

        def collect() -> tuple[Path, ...] | None:
            self._uncollected = None
            if not _read_until(process, done.encode(), failed.encode()):
                self._halt()  # the file is rendered again by a process of its own, which judges it
                return None
            made = []
            while (tiff := folder / f"p{first + len(made) + 1:06d}.tif").exists():
                made.append(tiff)
            self._pages = first + len(made)
            return tuple(made)

        self._uncollected = collect
        return collect

    def _halt(self) -> None:
        self._uncollected = None
        if self._process is not None:
            if self._process.poll() is None:
                self._process.kill()
            self._process.wait()
            for pipe in (self._process.stdin, self._process.stdout):
                if pipe is not None:
                    pipe.close()
            self._process = None

    def close(self) -> None:
        self._halt()
        if self._folder is not None:
            self._folder.cleanup()
            self._folder = None


def _primer_pdf() -> bytes:
    """A PDF of one 8 pt page with one rule in the colorant /All, as our registration marks are
    written (render/pdf.py: /Separation /All /DeviceCMYK and the same tint transform), and a
    correct cross-reference table (Ghostscript says nothing while it reads it: a clean render)."""
    function = b"{dup 1.0 mul exch dup 1.0 mul exch dup 1.0 mul exch 1.0 mul}"
    content = b"/All CS 1 SCN 1 w 0 4 m 8 4 l S"
    bodies = (b"<< /Type /Catalog /Pages 2 0 R >>",
              b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
              b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 8 8] /Resources << /ColorSpace << /All 5 0 R >> >> "
              b"/Contents 4 0 R >>",
              b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
              b"[/Separation /All /DeviceCMYK 6 0 R]",
              b"<< /FunctionType 4 /Domain [0 1] /Range [0 1 0 1 0 1 0 1] /Length %d >>\nstream\n%s\nendstream"
              % (len(function), function))
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(bodies, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(bodies) + 1, xref)
    return bytes(out)


PRIMER = _primer_pdf()  # what CoverageServer.prime renders first (a few hundred bytes)


WORKSPACE_PREFIX = "pagesetter-coverage-"
# A workspace's name: the prefix, its process's owner tag (_owner), tempfile's random part.
_TAGGED = re.compile(rf"{WORKSPACE_PREFIX}(\d+)\.(\d+)\.(\d+)-[a-z0-9_]+")


def _owner(pid: int | str = "self") -> str | None:
    """Who made a workspace, as its name says it: pid, the process's start time (clock ticks since
    boot, /proc/PID/stat field 22) and its pid namespace, so a folder is judged by its own
    process, not another that took the pid since, nor one of another container sharing /tmp;
    None without /proc (the name then says nothing, and the folder is never removed by another)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            fields = fh.read().rsplit(b")", 1)[1].split()  # after the command's name, which may hold spaces
        namespace = os.stat(f"/proc/{pid}/ns/pid").st_ino
        real_pid = os.getpid() if pid == "self" else int(pid)
        return f"{real_pid}.{int(fields[19])}.{namespace}"
    except (OSError, IndexError, ValueError):
        return None


def remove_stale_workspaces() -> int:
    """Workspaces a process of this user left in the temporary folder when it was killed (SIGKILL
    runs no clean-up), removed; returns how many. Only folders provably ours: named by an owner
    tag (_owner), of this user, real folders (not links), from this pid namespace, whose process
    is gone (no process has that pid with that start time). Anything else is left alone."""
    mine = _owner()
    if mine is None:
        return 0
    namespace = mine.rsplit(".", 1)[1]
    removed = 0
    try:
        entries = list(os.scandir(tempfile.gettempdir()))
    except OSError:
        return 0
    for entry in entries:
        found = _TAGGED.fullmatch(entry.name)
        if found is None or found.group(3) != namespace:
            continue
        try:
            st = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid():
            continue
        if _owner(found.group(1)) == f"{found.group(1)}.{found.group(2)}.{namespace}":
            continue  # its process runs
        shutil.rmtree(entry.path, ignore_errors=True)  # rmtree never follows a link out of it
        removed += 1
    return removed


def _ps_string(text: str) -> str:
    """``text`` inside a PostScript string's parentheses (PLRM 3.2.2): backslash, parentheses escaped."""
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _read_until(process: subprocess.Popen[bytes], done: bytes, failed: bytes, timeout: float = 300.0) -> bool:
    """Whether Ghostscript rendered the file cleanly: its output (stdout and stderr) read up to
    the file's marker, and nothing else said on the way (with -q a clean render says nothing; a
    PDF it had to repair or an error would be said, and the file is then judged by a render of
    its own, exactly as without a server). False too if it ended or overran ``timeout``."""
    import threading

    timer = threading.Timer(timeout, process.kill)
    timer.daemon = True
    timer.start()
    try:
        assert process.stdout is not None
        for line in process.stdout:
            if line.strip() == done:
                return True
            return False  # the failure marker, or anything else Ghostscript said
        return False
    finally:
        timer.cancel()
