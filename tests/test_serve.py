"""`pagesetter serve`: change a content file and the live page, seen in headless Chromium, shows
the new build."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _status(port: int) -> dict:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/status", timeout=10) as response:
        return json.loads(response.read())


@pytest.fixture()
def server(project: Path):
    proc = subprocess.Popen([sys.executable, "-m", "pagesetter", "serve", "--port", "0"], cwd=project,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
    assert match, (line, proc.stderr.read() if proc.poll() is not None else "")
    yield int(match.group(1))
    proc.terminate()
    proc.wait(timeout=30)


def test_status_and_preview_are_served(server: int) -> None:
    status = _status(server)
    assert status["build"] == 1 and status["ok"] and status["overset"] == []
    with urllib.request.urlopen(f"http://127.0.0.1:{server}/preview.png", timeout=10) as response:
        assert response.read(8) == b"\x89PNG\r\n\x1a\n"


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")
def test_the_live_page_shows_the_new_build(server: int, project: Path) -> None:
    """The desk is pushed the new build (Server-Sent Events, issue 18): no reload, no polling. (Was
    a --dump-dom of the page; an open event stream never lets --virtual-time-budget end.)"""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{server}/")
            page.wait_for_function("window.desk.shown.build === 1", timeout=60_000)
            instance = _status(server)["instance"]  # this serve's: a restarted one's pictures are others
            assert page.get_attribute("#preview", "src") == f"/page/1.jpg?s={instance}&build=1"
            assert page.inner_text("#overset") == "无"
            page.evaluate("window.notReloaded = true")
            article = project / "content" / "xian-education.md"
            article.write_text(article.read_text(encoding="utf-8") + "\n补记一句话，看页面是否更新。\n", encoding="utf-8")
            page.wait_for_function("window.desk.shown.build === 2", timeout=120_000)
            assert page.get_attribute("#preview", "src") == f"/page/1.jpg?s={instance}&build=2"
            assert page.evaluate("window.notReloaded") is True
        finally:
            browser.close()


def test_serve_never_writes_the_builds_output(server: int, project: Path) -> None:
    """Issue 15.4: serve's pages may be overset; they never stand in output/, where the night desk
    takes the PDF it sends. The preflight verdict is shown."""
    status = _status(server)
    assert status["build"] == 1 and status["preflight"].startswith("preflight: PASS")
    assert not (project / "output" / "seed-page.pdf").exists()
    refused = subprocess.run([sys.executable, "-m", "pagesetter", "serve", "--port", "0", "-o", "output"],
                             cwd=project, capture_output=True, text=True, timeout=60)
    assert refused.returncode == 1 and "build's output folder" in refused.stderr
    assert "Traceback" not in refused.stderr


def test_serve_does_not_watch_what_it_writes(project: Path) -> None:
    """Started from layout/ with its output inside a watched folder, it builds once, not forever."""
    proc = subprocess.Popen([sys.executable, "-m", "pagesetter", "serve", "seed-page.yaml", "--port", "0",
                             "-o", "live"], cwd=project / "layout", stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", proc.stdout.readline())
        assert match, proc.stderr.read() if proc.poll() is not None else ""
        port = int(match.group(1))
        assert (project / "layout" / "live" / "seed-page.pdf").is_file()
        time.sleep(3.0)  # several watch intervals
        assert _status(port)["build"] == 1
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_serve_answers_only_its_own_host(server: int) -> None:
    """Issue 16.6: a DNS-rebinding page (Host: evil.example) must not read the unpublished page."""
    import http.client

    for host, expected in ((f"127.0.0.1:{server}", 200), (f"localhost:{server}", 200),
                           (f"evil.example:{server}", 421), ("127.0.0.1:1", 421)):
        conn = http.client.HTTPConnection("127.0.0.1", server, timeout=10)
        conn.request("GET", "/status", headers={"Host": host})
        assert conn.getresponse().status == expected, host
        conn.close()


def test_the_watcher_ignores_scratch_files(tmp_path: Path) -> None:
    """A build started on an editor's or our own temporary file (.seed-page.yaml.x.tmp, written
    and fsynced before the rename) would read the old spec, and the desk would show it as new."""
    from pagesetter.serve import snapshot

    (tmp_path / "seed-page.yaml").write_text("a", encoding="utf-8")
    before = snapshot([tmp_path])
    for scratch in (".seed-page.yaml.k2j3.tmp", ".seed-page.yaml.swp", "seed-page.yaml~"):
        (tmp_path / scratch).write_text("b", encoding="utf-8")
    assert snapshot([tmp_path]) == before == {str(tmp_path / "seed-page.yaml"): before[str(tmp_path / "seed-page.yaml")]}


def test_every_warning_kind_and_preflight_check_has_a_chinese_label() -> None:
    """The desk's tables (desk_labels.py) cover what the engine can say: every kind a Warning is
    made with and every check preflight adds, read from the source that makes them."""
    from pagesetter.desk_labels import PREFLIGHT_CHECKS, WARNING_KINDS

    src = Path(__file__).resolve().parent.parent / "src" / "pagesetter"
    kinds = {k for f in src.rglob("*.py") for k in re.findall(r'\bWarning\(\s*"([a-z-]+)"', f.read_text(encoding="utf-8"))}
    assert kinds >= {"overset", "fitted", "missing-glyph"} and kinds <= set(WARNING_KINDS), kinds - set(WARNING_KINDS)
    # a literal severity, or a rule table's (LEGIBILITY_RULES: rule.severity)
    checks = set(re.findall(r'\.add\((?:"(?:error|warning)"|rule\.severity),\s*"([^"]+)"',
                            (src / "proof" / "preflight.py").read_text(encoding="utf-8")))
    assert "legibility" in checks
    assert len(checks) > 10 and checks <= set(PREFLIGHT_CHECKS), checks - set(PREFLIGHT_CHECKS)


def test_every_typography_measure_has_a_chinese_label(seed_build) -> None:
    """Each clause of the typography verdict the desk shows (read from a real PDF) is named by one
    phrase of the table, the longest it contains (the desk's rule)."""
    from pagesetter.desk_labels import TYPOGRAPHY
    from pagesetter.serve import verdicts_of

    preflight, typography = verdicts_of([str(seed_build.pdf_path)])
    assert preflight[0].startswith("preflight: PASS")
    clauses = re.split(r"[;,] ", typography[0].removeprefix("typography: "))
    assert len(clauses) >= 18
    named = {}
    for clause in clauses:
        hits = sorted((en for en, _ in TYPOGRAPHY if en in clause), key=len)
        assert hits, clause
        named[hits[-1]] = clause
    assert named["vertical kinsoku"].endswith("vertical kinsoku") and named["kinsoku"].endswith(" kinsoku")
    assert len(named) == len(clauses)  # no two clauses under one label


def test_an_editions_warnings_go_to_their_own_page(root: Path) -> None:
    """A warning located in a page's spec or article is that page's only, even when it names an
    article both pages carry (a jump); one located nowhere goes where the articles it names are,
    else to the first page."""
    from pagesetter.build import load_inputs
    from pagesetter.errors import Loc, Warning, display_path
    from pagesetter.serve import _warnings_of

    one, two = (load_inputs(root / "layout" / f"tabloid-{n}.yaml")[0] for n in (1, 2))
    assert {"xianglu-street"} <= {a.article for a in one.articles} & {a.article for a in two.articles}
    on_two = Warning("fitted", "'xianglu-street': photo +1 line", Loc(display_path(two.path), 30, 5))
    on_one = Warning("fitted", "'banner': headline +1 line", Loc(display_path(one.path), 20, 5))
    article_two = Warning("overset", "'baimei-property' x", Loc(display_path(two.content_dir / "baimei-property.md"), 3))
    nowhere = Warning("low-resolution", "photo.jpg prints at 150 ppi", Loc("content/photos/photo.jpg"))
    named = Warning("very-loose", "article 'baimei-property', paragraph line 3", None, "baimei-property")
    every = (on_two, on_one, article_two, nowhere, named)
    assert _warnings_of(one, every, True) == (on_one, nowhere)
    assert _warnings_of(two, every, False) == (on_two, article_two, named)


def test_a_warnings_page_and_module_are_its_articles_not_the_names_its_message_quotes(root: Path) -> None:
    """Warning.article says whose a warning is: a line of copy the message quotes may hold another
    article's name in quotes ('banner', on page one), which searching the message took for it."""
    from pagesetter.build import load_inputs
    from pagesetter.errors import Loc, Warning
    from pagesetter.serve import _belongs, _warnings_of

    one, two = (load_inputs(root / "layout" / f"tabloid-{n}.yaml")[0] for n in (1, 2))
    on_one = {a.article for a in one.articles}
    assert "banner" in on_one and "baimei-property" not in on_one
    assert "baimei-property" in {a.article for a in two.articles}
    quoting = Warning("typography", "article 'baimei-property', page 1, baseline 100.00 pt: 孤字: 见'banner'",
                      None, "baimei-property")
    photo = Warning("low-resolution", "'banner'.jpg prints at 150 ppi", Loc("content/photos/x.jpg"), "baimei-property")
    mine = Warning("typography", "article 'banner', page 1: 'baimei-property' 孤字", None, "banner")
    every = (quoting, photo, mine)
    assert _warnings_of(one, every, True) == (mine,)
    assert _warnings_of(two, every, False) == (quoting, photo)
    banner, baimei = (next(a for a in s.articles if a.article == n) for s, n in ((one, "banner"), (two, "baimei-property")))
    assert [_belongs(w, banner, one) for w in every] == [False, False, True]
    assert [_belongs(w, baimei, two) for w in every] == [True, True, False]


def test_every_warning_that_names_an_article_carries_it(root: Path, tmp_path: Path) -> None:
    """The build's warnings say whose they are (Warning.article), the flow's and the check's alike
    (headline-spaces: underset, and paragraphs' last lines alone at a column's head): what serve
    sorts them by, onto their page and module."""
    from pagesetter.build import build_page

    from pagesetter.proof.report import typography_warnings
    from pagesetter.proof.typography import check_pdf

    result = build_page(root / "tests" / "pages" / "layout" / "headline-spaces.yaml", tmp_path)
    checked = [c.warning for c in typography_warnings(check_pdf(result.pdf_path))]
    named = [w for w in (*result.warnings, *checked) if re.match(r"(article )?'[^']+'", w.message)]
    assert {w.kind for w in named} >= {"underset", "typography"}, [str(w) for w in result.warnings]
    for w in named:
        assert w.article == re.match(r"(article )?'([^']+)'", w.message)[2], str(w)


def test_a_photos_warnings_carry_its_article(root: Path) -> None:
    """A photo's warnings are located at its file (no page's spec or article): its article says
    which page and module it is on."""
    from pagesetter.pagetree import Image, Page
    from pagesetter.render.pdf import _Coords, _draw_image
    from pagesetter.render.photo import PreparedImage

    photo = root / "content" / "photos" / "dongliao-police.jpg"
    page = Page("p", (300.0, 300.0), 3.0, (), (), (), (), (), ())
    image = Image(photo, 10.0, 10.0, 100.0, 80.0, "fill", "dongliao-police")
    prepared = PreparedImage(b"", 10, 8, 150.0, notes=("corrupt EXIF data",))
    found = _draw_image([], _Coords(page), image, 0, prepared)
    assert [w.kind for w in found] == ["photo", "low-resolution"]
    assert all(w.article == "dongliao-police" for w in found), found


def test_the_desk_shows_each_typography_problem_where_check_does() -> None:
    """A page `check` fails: the desk's typography verdict is check's report whole, the summary and
    then each problem at its article's source line (trial 14: 不通过, 1 problem, and nothing to say
    which); every clause of the summary, those said only when there is one too, has its label."""
    from pagesetter.desk_labels import TYPOGRAPHY
    from pagesetter.proof.typography import check_pdf
    from pagesetter.serve import verdicts_of

    pdf = Path(__file__).resolve().parent / "pages" / "trial14-unit-space.pdf"  # main's, before the fix
    _, typography = verdicts_of([str(pdf)])
    assert typography[0] == check_pdf(pdf).text()
    lines = typography[0].split("\n")
    assert lines[0].startswith("typography: FAIL") and len(lines) > 2
    assert any("weather.md:11" in line and "96 / ㎡" in line for line in lines[1:]), lines
    measures = re.sub(r"^typography: (PASS|FAIL)(?:, ([^:]*))?: ", "", lines[0])  # the verdict, as the desk takes it off
    for clause in re.split(r"[;,] ", measures):
        assert any(en in clause for en, _ in TYPOGRAPHY), clause


def test_an_editions_proof_overlay_is_each_pages_own_proof(project: Path, tmp_path: Path) -> None:
    """Trial 14b: on an edition, 校样叠加 on page 2 showed page 1's A3 tile sheet: the edition's
    proofs list holds each page's proof and its A3 sheet, and the desk took the i-th file of it.
    Each page's overlay is its own proof copy, drawn as the desk draws it."""
    from pagesetter.serve import LiveState, _render

    state = LiveState(project / "layout" / "tabloid-edition.yaml", tmp_path / "live", 30.0)
    state.want_proof = True
    assert state.rebuild(wait_for_verdicts=True) and state.ok, state.error
    assert [v.proof.name for v in state.pages] == ["tabloid-1.proof.pdf", "tabloid-2.proof.pdf"]
    for index, view in enumerate(state.pages):
        own = _render(view.proof, state.dpi, "JPEG", onto=(view.info["media"], view.info["origin"]))
        assert state.picture(index, "proof") == own


def test_a_client_gone_mid_answer_prints_no_traceback(project: Path, tmp_path: Path) -> None:
    """Trial 14b: the browser cancelling a picture request while serve made it left BrokenPipeError
    tracebacks on serve's terminal. A client gone is nothing to say; serve keeps serving."""
    import socket
    import struct

    proc = subprocess.Popen([sys.executable, "-m", "pagesetter", "serve", "--port", "0", "-o", str(tmp_path / "live")],
                            cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        port = int(re.search(r"http://127\.0\.0\.1:(\d+)/", proc.stdout.readline())[1])
        for k in range(4):  # pictures made on demand (twice the resolution): the client is gone before they are
            with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
                sock.sendall(f"GET /page/1.jpg?fine=1&n={k} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # closed with a reset
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # the last of them answered (into a closed socket) before we stop it
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/page/1.jpg?fine=1&n=3", timeout=60) as response:
                if response.status == 200:
                    break
        assert _status(port)["ok"]
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=30)
    assert "Traceback" not in err and "Traceback" not in out, err


def test_the_pictures_and_checks_after_a_build_end_quietly_when_serve_stops(project: Path, tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Trial 14b: at SIGTERM, serve's folder was removed under the thread making the full-size
    pictures after a build: an 'Exception in thread' traceback (FileNotFoundError: …/p2.pdf)."""
    import threading

    from pagesetter.serve import LiveState

    state = LiveState(project / "layout" / "tabloid-edition.yaml", tmp_path / "live", 30.0)
    state.screen = 20.0  # the desk shows the pages smaller than the full pictures: those are made after
    assert state.rebuild(wait_for_verdicts=True) and state.ok, state.error
    said: list[str] = []
    state.log = said.append
    raised: list[BaseException] = []
    monkeypatch.setattr(threading, "excepthook", lambda args: raised.append(args.exc_value))
    for view in state.pages:
        view.pdf.unlink()  # as serve's temporary folder is removed when it stops
    state.pictures.clear()
    before = set(threading.enumerate())
    state._check_aside([str(v.pdf) for v in state.pages], state.build, len(state.pages))
    for thread in set(threading.enumerate()) - before:
        thread.join(timeout=120)
    assert raised == [] and said == []


def test_an_editions_page_left_unchanged_is_neither_set_nor_drawn_again(project: Path, tmp_path: Path) -> None:
    """Trial 14b: a drag on the desk's edition took 1.7 s: every save set and gated again the page
    that continues a jump, read every page's articles again for the modules' titles, and drew every
    page's picture again. An edit on page 1 outside the jump now leaves page 2 as it was: replayed
    (the lines sent to it unchanged), its picture the one already drawn, its modules' titles and
    sources those the page's articles give."""
    from conftest import age_inputs

    from pagesetter.build import load_inputs
    from pagesetter.errors import display_path
    from pagesetter.serve import LiveState

    state = LiveState(project / "layout" / "tabloid-edition.yaml", tmp_path / "live", 30.0)
    age_inputs(project)
    assert state.rebuild(wait_for_verdicts=True) and state.ok, state.error
    before = state.pages
    article = project / "content" / "dongfeng-media.md"
    article.write_text(article.read_text(encoding="utf-8").rstrip() + "又讯。\n", encoding="utf-8")
    age_inputs(project)
    assert state.rebuild(wait_for_verdicts=True) and state.ok, state.error
    after = state.pages
    assert after[1].image is before[1].image  # not drawn again
    assert after[0].image != before[0].image  # page 1 was: the new sentence prints
    for view in after:
        spec, _, articles, _ = load_inputs(view.spec)
        for module in view.info["modules"]:
            art = articles[module["article"]]
            assert module["title"] == art.title
            assert module["source"] == (str(art.paragraphs[0].loc) if art.paragraphs else
                                        display_path(spec.content_dir / f"{module['article']}.md"))


def test_serve_ending_while_a_picture_is_drawn_exits_cleanly(project: Path, tmp_path: Path) -> None:
    """serve's end (Ctrl-C, SIGTERM) while the thread after a build still drew the full-size
    pictures: the interpreter shut down under it, pdfium with it, and serve died with 'Fatal Python
    error: Segmentation fault' (exit 139; 1 of 2 runs here). LiveState.close lets the picture
    being drawn finish and starts no other."""
    script = (
        "import sys\nfrom pathlib import Path\nfrom pagesetter.serve import LiveState\n"
        f"state = LiveState(Path({str(project / 'layout' / 'tabloid-edition.yaml')!r}), Path(sys.argv[1]), 150.0)\n"
        "state.screen = 40.0\n"  # the build draws the screen size: the full pictures follow in a thread
        "for _ in range(2):\n    assert state.rebuild() and state.ok, state.error\n"
        "state.close()\n")
    for n in range(3):
        run = subprocess.run([sys.executable, "-c", script, str(tmp_path / f"live{n}")], cwd=project,
                             capture_output=True, text=True, timeout=600)
        assert run.returncode == 0 and "Fatal" not in run.stderr, (run.returncode, run.stderr[-2000:])


def test_a_port_already_taken_is_said_before_any_build(server: int, project: Path, tmp_path: Path) -> None:
    """Trial 16b #16: a second serve on a desk's port built the whole edition (9.5 s, two cores)
    and only then said the port was taken. Now it says so first: one line, exit 1, nothing built
    into its folder."""
    out = tmp_path / "second"
    second = subprocess.run([sys.executable, "-m", "pagesetter", "serve", "layout/tabloid-edition.yaml", "--port",
                             str(server), "-o", str(out)], cwd=project, capture_output=True, text=True, timeout=120)
    assert second.returncode == 1, second.stderr
    assert f"cannot listen on 127.0.0.1:{server}" in second.stderr and "Traceback" not in second.stderr
    assert not out.exists() or not list(out.glob("*.pdf")), list(out.iterdir())
    assert second.stdout == ""  # no build line, no address


def test_a_file_put_back_with_its_old_time_is_timed_from_its_save(server: int, project: Path) -> None:
    """Trial 16b #6: an article moved away and back (mv keeps its modification time, as cp -p,
    rsync -t and tar do) was timed from that old time: 'seen 225005 ms' for a change seen within
    one look. The change is timed from the last look before it, never earlier."""
    article = project / "content" / "xian-education.md"
    aside = project / "xian-education.md.aside"
    hour_ago = time.time() - 3600
    os.utime(article, (hour_ago, hour_ago))
    time.sleep(0.5)  # the watcher has seen it (its old time: an unchanged article's build)
    build = _wait_build(server, 1)
    article.rename(aside)
    build = _wait_build(server, build)  # a failed build: the article is missing
    aside.rename(article)
    _wait_build(server, build)
    status = _status(server)
    assert status["ok"], status["error"]
    timing = status["timing"]
    assert 0 <= timing["seen"] - timing["change"] < 60_000, timing  # (was an hour)


def _wait_build(port: int, after: int) -> int:
    """The build number once a build after ``after`` has been published."""
    for _ in range(600):
        build = _status(port)["build"]
        if build > after:
            return build
        time.sleep(0.1)
    raise AssertionError(f"no build after {after}")


def test_a_save_while_the_first_build_runs_is_built(project: Path, tmp_path: Path) -> None:
    """An article saved while serve's first build runs, after the build has read it: the watcher
    took its first look only after that build (and after the address was printed), so the save was
    already in what it took for the files as built, and the desk showed the page without it until
    the next save. (It also made test_a_file_put_back_with_its_old_time_is_timed_from_its_save
    flaky: its first change, made as soon as the address was read, could come before that look.)
    Here the save lands once the first build's PDF is written: its inputs read, its verdicts still
    to come, the address not yet printed."""
    live = tmp_path / "live"
    proc = subprocess.Popen([sys.executable, "-m", "pagesetter", "serve", "--port", "0", "-o", str(live)],
                            cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 300
        while not (live / "seed-page.pdf").is_file():  # written by the first build, after it read every input
            assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read()
            time.sleep(0.002)
        article = project / "content" / "xian-education.md"
        article.write_text(article.read_text(encoding="utf-8") + "\n补记一句话，看页面是否更新。\n", encoding="utf-8")
        port = int(re.search(r"http://127\.0\.0\.1:(\d+)/", proc.stdout.readline())[1])
        _wait_build(port, 1)  # the save's build (it never came: the watcher had taken the save for the first build's)
        assert _status(port)["ok"]
    finally:
        proc.terminate()
        proc.wait(timeout=30)
