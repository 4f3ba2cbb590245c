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


def _dom(port: int, profile: Path) -> str:
    run = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                          "--disable-background-networking", "--disable-component-update", "--disable-sync",
                          f"--user-data-dir={profile}", "--virtual-time-budget=3000", "--dump-dom",
                          f"http://127.0.0.1:{port}/"], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    return run.stdout


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
def test_the_live_page_shows_the_new_build(server: int, project: Path, tmp_path: Path) -> None:
    first = _dom(server, tmp_path / "profile1")
    assert 'src="/preview.png?build=1"' in first and "none" in first  # no overset
    article = project / "content" / "xian-education.md"
    article.write_text(article.read_text(encoding="utf-8") + "\n补记一句话，看页面是否更新。\n", encoding="utf-8")
    deadline = time.time() + 120
    while _status(server)["build"] < 2:
        assert time.time() < deadline, "no rebuild after the change"
        time.sleep(0.3)
    second = _dom(server, tmp_path / "profile2")
    assert 'src="/preview.png?build=2"' in second


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
