"""`pagesetter serve`: change a content file and the live page, seen in headless Chromium, shows
the new build."""

from __future__ import annotations

import json
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
            assert page.get_attribute("#preview", "src") == "/page/1.jpg?build=1"
            assert page.inner_text("#overset") == "无"
            page.evaluate("window.notReloaded = true")
            article = project / "content" / "xian-education.md"
            article.write_text(article.read_text(encoding="utf-8") + "\n补记一句话，看页面是否更新。\n", encoding="utf-8")
            page.wait_for_function("window.desk.shown.build === 2", timeout=120_000)
            assert page.get_attribute("#preview", "src") == "/page/1.jpg?build=2"
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
