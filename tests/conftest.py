"""Shared fixtures: the project root, and one real build of the seed page per test session."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED_SPEC = ROOT / "layout" / "seed-page.yaml"


@pytest.fixture(scope="session", autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory):
    """Every build of the test session (in-process or a CLI subprocess) uses a cache folder of its
    own, empty at the start: tests never read or fill the user's cache."""
    before = os.environ.get("PAGESETTER_CACHE")
    os.environ["PAGESETTER_CACHE"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if before is None:
        os.environ.pop("PAGESETTER_CACHE", None)
    else:
        os.environ["PAGESETTER_CACHE"] = before


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory: pytest.TempPathFactory):
    """The seed page built once, for real, into a temporary folder."""
    from pagesetter.build import build_page

    out = tmp_path_factory.mktemp("seed-build")
    return build_page(SEED_SPEC, out)


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    """A throwaway copy of the project's inputs (layout, content; fonts linked), to break on purpose."""
    shutil.copytree(ROOT / "layout", tmp_path / "layout")
    shutil.copytree(ROOT / "content", tmp_path / "content")
    (tmp_path / "fonts").mkdir()
    for f in (ROOT / "fonts").iterdir():
        if f.suffix in (".otf", ".ttf", ".ttc"):
            (tmp_path / "fonts" / f.name).symlink_to(f)  # big and read-only: link
        elif f.is_file():
            shutil.copy(f, tmp_path / "fonts" / f.name)
    return tmp_path


def which(tool: str) -> str | None:
    return shutil.which(tool)
