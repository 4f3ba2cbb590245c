"""Fuzzed input never crashes the loaders; builds are byte-identical across processes; writing is
atomic, even when a build is killed or two run at once."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pikepdf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pagesetter.content.reader import read_article
from pagesetter.errors import InputError
from pagesetter.spec.loader import load_spec

ROOT = Path(__file__).resolve().parent.parent
SEED_SPEC = (ROOT / "layout" / "seed-page.yaml").read_text(encoding="utf-8")
SEED_ARTICLE = (ROOT / "content" / "dongliao-police.md").read_text(encoding="utf-8")
EXAMPLES = int(os.environ.get("PAGESETTER_FUZZ", "60"))
NASTY = st.sampled_from(list(":-[]{}&*!|>'\"%@`#,?\t\n ") + ["\x00", "\ufeff", "：", "字", "1e9", "-1", "..", "**", "---"])


@st.composite
def mutated(draw, text: str) -> str:
    """The text with a few random edits: characters in, out, or swapped for YAML's special ones."""
    out = text
    for _ in range(draw(st.integers(1, 6))):
        i = draw(st.integers(0, len(out)))
        op = draw(st.sampled_from(["insert", "delete", "replace"]))
        piece = draw(NASTY)
        if op == "insert":
            out = out[:i] + piece + out[i:]
        elif op == "delete":
            out = out[:i] + out[i + draw(st.integers(1, 20)):]
        else:
            out = out[:i] + piece + out[i + 1:]
    return out


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=mutated(SEED_SPEC))
def test_spec_loader_gives_a_spec_or_a_located_error(tmp_path_factory, text: str) -> None:
    folder = tmp_path_factory.mktemp("fuzz") / "layout"
    folder.mkdir()
    if not (folder / "styles").exists():
        shutil.copytree(ROOT / "layout" / "styles", folder / "styles")  # a copy: a link would lead out
    path = folder / "seed-page.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        load_spec(path)
    except InputError as err:
        assert str(err).startswith(str(err.loc)) if err.loc else str(err)
        assert "\n" not in str(err)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=mutated(SEED_ARTICLE))
def test_article_reader_gives_an_article_or_a_located_error(tmp_path_factory, text: str) -> None:
    root = tmp_path_factory.mktemp("fuzz-article")
    (root / "photos").mkdir()
    (root / "photos" / "dongliao-police.jpg").write_bytes(b"x")
    path = root / "a.md"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        article = read_article(path, root)
    except InputError as err:
        assert err.loc is not None and "\n" not in str(err)
    else:
        assert article.title


def _build(cwd: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pagesetter", "build", "-q", *extra], cwd=cwd, capture_output=True,
                          text=True, timeout=300)


def test_builds_in_two_processes_give_the_same_bytes(project: Path) -> None:
    assert _build(project, "-o", "a").returncode == 0
    assert _build(project, "-o", "b").returncode == 0
    assert (project / "a" / "seed-page.pdf").read_bytes() == (project / "b" / "seed-page.pdf").read_bytes()


def test_source_date_epoch_sets_the_dates(project: Path) -> None:
    env = dict(os.environ, SOURCE_DATE_EPOCH="1656547200")  # 2022-06-30 00:00 UTC
    run = subprocess.run([sys.executable, "-m", "pagesetter", "build", "-q"], cwd=project, env=env,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0
    with pikepdf.open(project / "output" / "seed-page.pdf") as pdf:
        assert str(pdf.docinfo["/CreationDate"]).startswith("D:20220630000000")


def _valid_pdf(path: Path) -> bool:
    try:
        with pikepdf.open(path) as pdf:
            return len(pdf.pages) == 1
    except pikepdf.PdfError:
        return False


def test_a_killed_build_leaves_the_previous_pdf(project: Path) -> None:
    assert _build(project).returncode == 0
    target = project / "output" / "seed-page.pdf"
    before = target.read_bytes()
    cold = dict(os.environ, PAGESETTER_CACHE="off")  # a warm build may end before the kill
    for delay in (0.3, 0.8, 1.2):
        proc = subprocess.Popen([sys.executable, "-m", "pagesetter", "build", "-q"], cwd=project, env=cold,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert _valid_pdf(target)  # never half a file
        assert target.read_bytes() == before  # same job, same bytes: the old file or its identical twin


def test_two_builds_at_once_into_one_folder(project: Path) -> None:
    procs = [subprocess.Popen([sys.executable, "-m", "pagesetter", "build", "-q"], cwd=project,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    for proc in procs:
        assert proc.wait(timeout=300) == 0
    assert _valid_pdf(project / "output" / "seed-page.pdf")
    assert not list((project / "output").glob(".*.tmp"))
