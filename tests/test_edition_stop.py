"""An edition stopped by a page's error does not build the pages after it for nobody (issue 21).

Before session 20 the pool's exit waited for every page already submitted: an edition of 24 pages
whose first page named an article that does not exist said so in one line after building the other
23 (7.6 s of wall and 13.7 s of CPU on the bench's edition, against some 0.6 s for a page)."""

from __future__ import annotations

from pathlib import Path

import pytest

PAGES = 8


def _edition(project: Path) -> Path:
    """PAGES copies of the seed page, each a name and 版次 of its own; the first names an article there is not."""
    seed = (project / "layout" / "seed-page.yaml").read_text(encoding="utf-8")
    names = []
    for i in range(1, PAGES + 1):
        text = seed.replace("name: seed-page", f"name: stop-{i}").replace("page: 第3版", f"page: 第{i}版")
        if i == 1:
            text = text.replace("article: dongfeng-media", "article: no-such-article", 1)
            assert "no-such-article" in text
        (project / "layout" / f"stop-{i}.yaml").write_text(text, encoding="utf-8")
        names.append(f"stop-{i}.yaml")
    edition = project / "layout" / "stop-edition.yaml"
    edition.write_text("edition:\n  name: stop-edition\n  paper: 城市日报\n  date: 2022-06-30\n"
                       f"  pages: [{', '.join(names)}]\n", encoding="utf-8")
    return edition


def test_a_page_error_stops_the_pages_not_begun(monkeypatch: pytest.MonkeyPatch, project: Path,
                                                tmp_path: Path) -> None:
    """Each page a worker sets is logged (the forked workers inherit the wrapper; the pages are
    built for real). The first page's error comes back as one located error; of the other seven
    only those a worker had begun by then are built (two workers: the one on page 2, and the one
    that took page 3 when page 1 failed; the call queue's pages are skipped), never the last."""
    from pagesetter import edition
    from pagesetter.cache import DiskCache
    from pagesetter.errors import InputError

    spec = _edition(project)
    log = tmp_path / "built.log"
    real = edition._build_page

    def logged(job, *args, **kwargs):  # type: ignore[no-untyped-def]
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(job.path.stem + "\n")
        return real(job, *args, **kwargs)

    monkeypatch.setattr(edition, "_build_page", logged)
    with pytest.raises(InputError) as err:
        edition.build_edition(spec, project / "out", jobs=2, cache=DiskCache(None))
    assert "no-such-article" in str(err.value) and "stop-1.yaml" in str(err.value)
    built = log.read_text(encoding="utf-8").split()
    assert built[0] in ("stop-1", "stop-2")
    assert len(built) <= 4, built
    assert f"stop-{PAGES}" not in built
    assert not (project / "out").exists() or not any((project / "out").iterdir())


def test_a_combined_file_the_disk_refuses_is_one_line_naming_it(project: Path) -> None:
    """The combined PDF is saved by qpdf straight into its staged file (edition._Combined.finish,
    paths.StagedWrites.write_with): a write refused there (here a file-size limit between the
    pages' size and the edition's) is one line naming the combined file, not the temporary pikepdf
    saw, and nothing is left in the output folder."""
    import os
    import resource
    import subprocess
    import sys

    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (600_000, 600_000))  # pages ~0.47 MB, edition ~0.75 MB

    env = {k: v for k, v in os.environ.items() if k != "PYTHONWARNINGS"}
    result = subprocess.run([sys.executable, "-m", "pagesetter", "build", "-q", "--no-cache",
                             "layout/tabloid-edition.yaml"], cwd=project, capture_output=True, text=True,
                            env=env, preexec_fn=limited, timeout=300)
    assert result.returncode == 1, result.stderr
    assert result.stderr.splitlines() == ["pagesetter: error: output/tabloid-edition.pdf: File too large"]
    assert not (project / "output").exists() or not any((project / "output").iterdir())
