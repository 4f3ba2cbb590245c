"""`pagesetter serve`: a live proof page for the desk.

Watches the project's layout/, content/ and fonts/ folders, rebuilds the page on every save (overset
allowed, so the page always shows), and serves on localhost a page with the preview, the overset,
typography and preflight reports and any build error. It writes into a folder of its own (a
temporary one unless -o names another), never the build's output/: an overset page made for the
screen must never stand where the night desk takes the PDF it sends; and it never watches what it
writes, so it cannot rebuild forever. The page polls /status and reloads its picture when a
new build is ready. Standard library only: http.server and a polling watcher.
"""

from __future__ import annotations

import html
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from pagesetter.errors import InputError, PagesetterError


@dataclass
class LiveState:
    spec: Path
    out_dir: Path
    dpi: float
    build: int = 0
    ok: bool = False
    error: str = ""
    overset: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    typography: str = ""
    preflight: str = ""
    preview: bytes = b""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def rebuild(self) -> None:
        from pagesetter.build import build_page
        from pagesetter.proof.preview import render_png
        from pagesetter.proof.preflight import preflight
        from pagesetter.proof.report import preflight_summary
        from pagesetter.proof.typography import check_pdf

        try:
            result = build_page(self.spec, self.out_dir, allow_overset=True)
            png = render_png(result.pdf_path, self.out_dir, self.dpi)[0].read_bytes()
            checked = preflight(result.pdf_path)
            verdict = "\n".join([preflight_summary(checked)] + [
                f"{f.severity}: {f.check}: {f.message}" for f in checked.findings])
            update = dict(ok=True, error="", preview=png, typography=check_pdf(result.pdf_path).summary(),
                          preflight=verdict,
                          overset=[f"{o.article}: {o.chars} characters in {o.lines} lines" for o in result.page.overset],
                          warnings=[str(w) for w in result.warnings])
        except PagesetterError as exc:
            update = dict(ok=False, error=str(exc))
        with self.lock:
            for key, value in update.items():
                setattr(self, key, value)
            self.build += 1

    def status(self) -> dict:
        with self.lock:
            return {"build": self.build, "ok": self.ok, "error": self.error, "overset": self.overset,
                    "warnings": self.warnings, "typography": self.typography, "preflight": self.preflight}


def snapshot(folders: list[Path], ignore: Path | None = None) -> dict[str, float]:
    """Modification times of every file under the watched folders, but for those under ``ignore``
    (serve's own output: watching it would rebuild forever)."""
    out: dict[str, float] = {}
    skip = ignore.resolve() if ignore is not None else None
    for folder in folders:
        if folder.is_dir():
            for path in folder.rglob("*"):
                if skip is not None and path.resolve().is_relative_to(skip):
                    continue
                if path.is_file():
                    try:
                        out[str(path)] = path.stat().st_mtime_ns
                    except OSError:
                        pass
    return out


def watch(state: LiveState, folders: list[Path], stop: threading.Event, interval: float = 0.4) -> None:
    last = snapshot(folders, state.out_dir)
    while not stop.wait(interval):
        now = snapshot(folders, state.out_dir)
        if now != last:
            time.sleep(0.2)  # let an editor finish writing
            last = snapshot(folders, state.out_dir)
            state.rebuild()


PAGE = """<!doctype html>
<html lang="zh-Hans"><head><meta charset="utf-8"><title>pagesetter · {name}</title>
<style>
body {{ font-family: sans-serif; margin: 0; display: flex; background: #ddd; }}
#page {{ flex: 0 0 auto; padding: 12px; }} #page img {{ height: calc(100vh - 24px); box-shadow: 0 0 8px #888; }}
#side {{ padding: 12px; max-width: 40em; }} .error {{ color: #b00; white-space: pre-wrap; }}
li.overset {{ color: #b00; }}
</style></head>
<body><div id="page"><img id="preview" alt="preview" src="/preview.png?build={build}"></div>
<div id="side"><h1>{name}</h1><p>build <span id="build">{build}</span> · <span id="state">{state}</span></p>
<p id="error" class="error">{error}</p><h2>Overset</h2><ul id="overset">{overset}</ul>
<h2>Typography</h2><p id="typography">{typography}</p>
<h2>Preflight</h2><p id="preflight" style="white-space: pre-wrap">{preflight}</p><h2>Warnings</h2><ul id="warnings">{warnings}</ul></div>
<script>
let shown = {build};
async function poll() {{
  try {{
    const s = await (await fetch('/status', {{cache: 'no-store'}})).json();
    if (s.build !== shown) {{ location.reload(); return; }}
  }} catch (e) {{}}
  setTimeout(poll, 700);
}}
setTimeout(poll, 700);
</script></body></html>"""


def render_page(state: LiveState) -> str:
    s = state.status()
    items = lambda xs, cls="": "".join(f'<li class="{cls}">{html.escape(x)}</li>' for x in xs)  # noqa: E731
    return PAGE.format(name=html.escape(state.spec.stem), build=s["build"], state="ok" if s["ok"] else "error",
                       error=html.escape(s["error"]), overset=items(s["overset"], "overset") or "<li>none</li>",
                       typography=html.escape(s["typography"]), preflight=html.escape(s["preflight"]), warnings=items(s["warnings"]) or "<li>none</li>")


def make_handler(state: LiveState) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            path = self.path.split("?", 1)[0]
            if path == "/":
                self._send(200, "text/html; charset=utf-8", render_page(state).encode("utf-8"))
            elif path == "/status":
                self._send(200, "application/json", json.dumps(state.status(), ensure_ascii=False).encode("utf-8"))
            elif path == "/preview.png" and state.preview:
                self._send(200, "image/png", state.preview)
            else:
                self._send(404, "text/plain", b"not found")

        def _send(self, code: int, kind: str, body: bytes) -> None:
            self.send_response(code)
            self.send_header("Content-Type", kind)
            self.send_header("Cache-Control", "no-store")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass  # quiet: the terminal shows builds, not requests

    return Handler


def serve(spec: Path, host: str, port: int, out_dir: Path | None, dpi: float, quiet: bool) -> None:
    """``out_dir``: where serve writes its PDFs and previews; None: a temporary folder of its own."""
    import tempfile

    from pagesetter.spec.loader import project_root

    root = project_root(spec)
    if out_dir is None:
        with tempfile.TemporaryDirectory(prefix="pagesetter-serve-") as own:
            return serve(spec, host, port, Path(own), dpi, quiet)
    if out_dir.resolve() == (root / "output").resolve():
        raise InputError(None, f"serve does not write into {out_dir}, the build's output folder: its pages may be "
                         "overset; name another folder with -o, or leave -o out for a temporary one")
    state = LiveState(spec, out_dir, dpi)
    state.rebuild()
    try:
        server = ThreadingHTTPServer((host, port), make_handler(state))
    except OSError as exc:
        raise InputError(None, f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    stop = threading.Event()
    folders = [root / "layout", root / "content", root / "fonts", spec.resolve().parent]
    watcher = threading.Thread(target=watch, args=(state, folders, stop), daemon=True)
    watcher.start()
    if not quiet:
        print(f"serving {spec} on http://{host}:{server.server_address[1]}/ (Ctrl-C to stop)", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        stop.set()
        server.server_close()
