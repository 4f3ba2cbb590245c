"""The kept process's preflight worker (proof/structure_worker.py): what it reads of a PDF is what
preflight_structure reads in the caller's process, for the file as it is when named; an answer
never read is never taken for the next file's; a file it cannot read, or a worker gone, is left
to the caller (None), and the next request is served again. Real PDFs built by the engine."""

from __future__ import annotations

import shutil
import signal
from pathlib import Path

import pytest

from pagesetter.build import build_page
from pagesetter.proof.preflight import Limits, preflight_structure
from pagesetter.proof.structure_worker import StructureWorker

ROOT = Path(__file__).resolve().parent.parent
LOW_RES = ROOT / "tests" / "pages" / "layout" / "low-resolution.yaml"  # a preflight error: 58 ppi
RICH = ROOT / "tests" / "pages" / "layout" / "rich-black.yaml"  # preflight warnings: rich black, registration


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    out = tmp_path_factory.mktemp("structure-worker")
    return build_page(LOW_RES, out / "a").pdf_path, build_page(RICH, out / "b").pdf_path


@pytest.fixture()
def worker():  # type: ignore[no-untyped-def]
    w = StructureWorker()
    try:
        yield w
    finally:
        w.close()


def _here(pdf: Path):  # type: ignore[no-untyped-def]
    return preflight_structure(pdf, Limits(), True)


def test_the_workers_structure_is_the_callers(pdfs: tuple[Path, Path], worker: StructureWorker) -> None:
    for pdf in pdfs:
        assert worker.submit(pdf, True)
        got, want = worker.structure(), _here(pdf)
        assert got is not None and got == want
        assert any(f.severity in ("error", "warning") for f in got.report.findings)
    low, _ = pdfs
    assert any(f.check == "resolution" and f.severity == "error" for f in _here(low).report.findings)


def test_the_file_as_it_is_when_named(pdfs: tuple[Path, Path], worker: StructureWorker, tmp_path: Path) -> None:
    """One path, its file replaced between requests (a kept page built again): each answer is the
    file's own then, and an answer never read is dropped, not taken for the next request's."""
    low, rich = pdfs
    page = tmp_path / "page.pdf"
    shutil.copy(low, page)
    assert worker.submit(page, True)
    got = worker.structure()
    assert got is not None and got.report.findings == _here(low).report.findings
    shutil.copy(rich, page)
    assert worker.submit(page, True)  # never read: the caller's read-back failed, say
    shutil.copy(low, page)
    assert worker.submit(page, True)
    got = worker.structure()
    assert got is not None and got.report.findings == _here(low).report.findings
    assert got.report.findings != _here(rich).report.findings


def test_what_the_worker_cannot_read_is_the_callers(pdfs: tuple[Path, Path], worker: StructureWorker,
                                                     tmp_path: Path) -> None:
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.6\nnot a PDF at all\n")
    assert worker.submit(bad, True)
    assert worker.structure() is None  # the caller reads it, and raises what the build raises
    low, _ = pdfs
    assert worker.submit(low, True)
    assert worker.structure() == _here(low)
    # the worker gone mid-request: None (the caller reads the file); then a new worker serves
    assert worker._process is not None
    worker._process.send_signal(signal.SIGSTOP)  # so it cannot answer before it is killed
    assert worker.submit(low, True)
    worker._process.kill()
    worker._process.wait()
    assert worker.structure() is None
    assert worker.submit(low, True)
    assert worker.structure() == _here(low)
