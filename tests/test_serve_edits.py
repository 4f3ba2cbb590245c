"""The desk's edits over real HTTP (`pagesetter serve` on a project copy), the spec read back.

Trial 18b (#5–#9): two desks editing at once (the second, made from an older view, silently undid
the first), a non-numeric Content-Length left unanswered, wrong JSON types coerced into the spec, a
swap of a module with itself blamed on the user's YAML, and one photo warning listed twice."""

from __future__ import annotations

import http.client
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

SEED = Path("layout") / "seed-page.yaml"


class Serve:
    """A running `pagesetter serve` in a project copy, writing into a folder outside it."""

    def __init__(self, project: Path, out: Path) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "pagesetter", "serve", "--port", "0", "-o", str(out)],
                                     cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert match, (line, self.proc.stderr.read() if self.proc.poll() is not None else "")
        self.port = int(match.group(1))
        self.origin = f"http://127.0.0.1:{self.port}"
        self.token = re.search(r'const TOKEN = "([^"]+)"', self.get("/")[1]).group(1)

    def get(self, path: str) -> tuple[int, str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        conn.request("GET", path)
        response = conn.getresponse()
        out = response.status, response.read().decode("utf-8")
        conn.close()
        return out

    def status(self) -> dict:
        return json.loads(self.get("/status")[1])

    def post(self, body: dict | str, path: str = "/edit") -> tuple[int, str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        data = body if isinstance(body, str) else json.dumps(body)
        conn.request("POST", path, body=data.encode("utf-8"), headers={
            "Content-Type": "application/json", "Origin": self.origin, "X-Desk-Token": self.token})
        response = conn.getresponse()
        out = response.status, response.read().decode("utf-8")
        conn.close()
        return out

    def stop(self) -> str:
        self.proc.terminate()
        out, err = self.proc.communicate(timeout=30)
        return out + err


@pytest.fixture()
def serve(project: Path, tmp_path: Path):
    s = Serve(project, tmp_path / "live")
    yield s
    terminal = s.stop()
    assert "Traceback" not in terminal, terminal


def _block(spec: Path, article: str) -> str:
    text = spec.read_text(encoding="utf-8")
    return re.search(rf"- article: {article}\n(?:.*\n)*?\s+block: (\{{[^}}]*\}})", text).group(1)


def test_an_edit_made_from_an_older_view_is_refused_not_written_over_the_first(serve: Serve, project: Path) -> None:
    """Two desks show build 1; desk A moves a module, desk B (still showing build 1) resizes the
    same one: B's edit names the view it was made from, which the spec no longer is: refused
    (409, one line saying so), and A's move stands in the file."""
    spec = project / SEED
    first = serve.status()
    base = first["pages"][0].get("version")
    moved = {"page": 0, "article": "banner", "part": "block", "col": 1, "cols": 8, "line": 4, "lines": 7}
    code, answer = serve.post(dict(moved, base=base))
    assert code == 200, answer
    assert _block(spec, "banner") == "{col: 1, cols: 8, line: 4, lines: 7}"
    written = spec.read_bytes()
    code, answer = serve.post(dict(moved, cols=6, lines=8, base=base))  # desk B, from build 1: would undo A's
    assert code == 409, answer
    message = json.loads(answer)["message"]
    assert "\n" not in message and "layout/seed-page.yaml" in message and "changed since this view" in message
    assert spec.read_bytes() == written  # A's move kept, nothing written
    # an edit that names no view at all is refused too (it could undo anything), and the file kept
    code, answer = serve.post(dict(moved, cols=6, lines=8))
    assert code == 400 and "'base'" in json.loads(answer)["message"], answer
    assert spec.read_bytes() == written


def _raw(port: int, data: bytes) -> bytes:
    import socket

    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)
        out = b""
        while chunk := s.recv(65536):
            out += chunk
    return out


def test_a_content_length_that_is_no_number_is_answered_400(serve: Serve) -> None:
    """Trial 18b #8: `Content-Length: abc` closed the connection unanswered, a ValueError on serve's
    terminal. (-5 and huge lengths were answered 400 already.)"""
    head = (f"POST /edit HTTP/1.1\r\nHost: 127.0.0.1:{serve.port}\r\nOrigin: {serve.origin}\r\n"
            f"X-Desk-Token: {serve.token}\r\nContent-Type: application/json\r\n")
    for length in ("abc", "-5", "1e3", ""):
        answer = _raw(serve.port, f"{head}Content-Length: {length}\r\n\r\n{{}}".encode())
        assert answer.startswith(b"HTTP/1.1 400 "), (length, answer[:200])
    assert serve.status()["ok"]  # still serving


def test_an_edit_of_the_wrong_json_types_is_refused_naming_the_field(serve: Serve, project: Path) -> None:
    """Trial 18b #6: `"lines": true` was written as `lines: 1` (the page then overset), `"col": 4.5`
    as 4, `"col": "4"` taken: each is refused (400) naming the field and the value sent, nothing
    written. A photo line `"after+99"` is refused in the words sent, not as "got 100"."""
    spec = project / SEED
    original = spec.read_bytes()
    base = serve.status()["pages"][0]["version"]
    good = {"page": 0, "article": "xianglu-street", "part": "block", "col": 5, "cols": 4, "line": 46, "lines": 39,
            "base": base}
    for field, value, said in (("lines", True, "true"), ("col", 4.5, "4.5"), ("col", "5", '"5"'),
                               ("page", "0", '"0"'), ("index", None, "null"), ("article", 7, "7")):
        code, answer = serve.post(dict(good, **{field: value}))
        message = json.loads(answer)["message"]
        assert code == 400 and f"'{field}'" in message and said in message, (field, value, code, message)
        assert spec.read_bytes() == original
    photo = {"page": 0, "article": "xian-education", "part": "photo", "index": 0, "col": 3, "cols": 2,
             "line": "after+99", "lines": 13, "base": base}
    code, answer = serve.post(photo)
    message = json.loads(answer)["message"]
    assert code in (400, 409) and "after+99" in message and "got 100" not in message, message
    for line, said in ((6.0, "6.0"), ("6", '"6"'), ("below", '"below"')):
        code, answer = serve.post(dict(photo, line=line))
        message = json.loads(answer)["message"]
        assert code == 400 and "'line'" in message and said in message, (line, code, message)
    assert spec.read_bytes() == original


def test_a_swap_of_a_module_with_itself_is_refused_as_such(serve: Serve, project: Path) -> None:
    """Trial 18b #7: answered `invalid YAML: expected <block end>` about the user's valid spec (the
    YAML the desk itself had made by swapping an entry with itself)."""
    spec = project / SEED
    original = spec.read_bytes()
    base = serve.status()["pages"][0]["version"]
    code, answer = serve.post({"page": 0, "article": "banner", "part": "swap", "other": "banner", "base": base})
    message = json.loads(answer)["message"]
    assert code == 409 and "itself" in message and "YAML" not in message, (code, message)
    assert spec.read_bytes() == original


def test_a_jumped_articles_low_resolution_photo_is_listed_once(project: Path, tmp_path: Path) -> None:
    """Trial 18b #9: /status listed a photo's low-resolution warning twice in an edition, once for
    each page its jumped article stands on (each page lists it: a photo's warning goes to the pages
    carrying its article); `build` says it once, and so does the desk's list of the edition's."""
    from PIL import Image

    from pagesetter.serve import LiveState

    photo = project / "content" / "photos" / "xianglu-street.jpg"  # 祥鹿街道 jumps 第1版 → 第2版
    with Image.open(photo) as image:
        image.convert("RGB").resize((560, 420)).save(photo, quality=90)
    state = LiveState(project / "layout" / "tabloid-edition.yaml", tmp_path / "live", 30.0)
    assert state.rebuild(wait_for_verdicts=True) and state.ok, state.error  # (no checking thread left behind)
    status = state.status()
    low = [w for w in status["warnings"] if "low-resolution" in w]
    assert len(low) == 1 and "xianglu-street.jpg" in low[0], status["warnings"]
    assert [len([w for w in p["warnings"] if "low-resolution" in w]) for p in status["pages"]] == [1, 1]


def _shown_after(serve: Serve, build: int) -> dict:
    """/status once a build later than ``build`` is shown with its page's version (the watcher's)."""
    import time

    for _ in range(600):
        status = serve.status()
        if status["build"] > build and status["pages"][0]["version"]:
            return status
        time.sleep(0.1)
    raise AssertionError(f"no build after {build}: {serve.status()['error']}")


def test_an_undo_names_its_view_and_never_writes_over_a_later_change(serve: Serve, project: Path) -> None:
    """An undo carries the version of each page its desk shows, as an edit does: one that names
    none is refused (400), one from a view older than the spec (another desk's edit since) is
    refused (409, one line), nothing written and the step kept in the list; a spec saved from an
    editor since the desk's last edit (the desk shown it) is not overwritten by the text the undo
    would put back whole: refused, and that step leaves the list."""
    spec = project / SEED
    original = spec.read_bytes()
    first = serve.status()
    moved = {"page": 0, "article": "banner", "part": "block", "col": 1, "cols": 8, "line": 4, "lines": 7}
    assert serve.post(dict(moved, base=first["pages"][0]["version"]))[0] == 200
    written = spec.read_bytes()
    shown = _shown_after(serve, first["build"])  # (the edit's build, before the editor's save below)
    for body, code, said in (({}, 400, "'base'"), ({"base": "x"}, 400, "'base'"), ({"base": [7]}, 400, "'base'"),
                             ({"base": [first["pages"][0]["version"]]}, 409, "changed since this view")):
        got, answer = serve.post(body, "/undo")
        message = json.loads(answer)["message"]
        assert got == code and said in message and "\n" not in message, (body, got, message)
        assert spec.read_bytes() == written and serve.status()["undo"] == 1
    # saved from an editor: the desk is shown it, and its undo would put back the text before its edit
    spec.write_bytes(written.replace(b"# ", b"#  ", 1))
    now = _shown_after(serve, shown["build"])["pages"][0]["version"]
    got, answer = serve.post({"base": [now]}, "/undo")
    message = json.loads(answer)["message"]
    assert got == 409 and "changed since the desk's last edit" in message, (got, message)
    assert spec.read_bytes() == written.replace(b"# ", b"#  ", 1) != original
    assert serve.status()["undo"] == 0
