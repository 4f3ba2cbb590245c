"""What a build imports, by what it has to do (issue 21): an unchanged page's replay loads none of
the libraries that set, draw or read PDFs back; an edited page whose photos are all in the cache
loads no colour management (littleCMS) and forks no helper; a photo's header is read with only the
Pillow plugins its format needs. Counted in fresh processes through the real command line: the
modules present after the command, not how long it took."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from tests.test_rebuild import UNCHANGED, age

# The regular expressions compiled at their first use (issue 21), which the seed page (no vertical
# text, no table, every Latin word in its style's face) never asks for: (module, function).
LAZY = (("pagesetter.compose.vertical", "segment_pattern"), ("pagesetter.flow.tables", "figure_pattern"),
        ("pagesetter.compose.lines", "word_pattern"))
# Prints the modules loaded once `pagesetter ARGS…` has run, and which of LAZY it compiled, as
# JSON on the last line of stderr.
DRIVER = ("import json, sys\n"
          "from pagesetter.cli import main\n"
          "code = main(sys.argv[1:])\n"
          f"compiled = [f'{{m}}.{{f}}' for m, f in {LAZY!r}\n"
          "            if m in sys.modules and getattr(sys.modules[m], f).cache_info().currsize]\n"
          "print(json.dumps({'exit': code, 'modules': sorted(sys.modules), 'compiled': compiled}), file=sys.stderr)\n")
# The engine's libraries: a replayed page writes recorded bytes and prints a recorded report.
HEAVY = ("reportlab", "fontTools", "PIL", "pikepdf", "pypdfium2", "yaml", "uharfbuzz", "multiprocessing",
         "pagesetter.build", "pagesetter.compose", "pagesetter.proof.preflight",
         # and what the modules it does load import for type hints or libraries' logs only
         "typing", "logging")
EDIT_FILE = "content/dongfeng-media.md"
EDIT = ("没有披上白色战袍", "未曾披上白色战袍")


def build(project: Path, env: dict[str, str], *extra: str) -> tuple[str, set[str]]:
    """``pagesetter build`` in ``project``: its stdout and the modules it had loaded at the end."""
    age(project)
    run = subprocess.run([sys.executable, "-c", DRIVER, "build", *extra], cwd=project, capture_output=True, text=True,
                         timeout=300, env=env)
    status = json.loads(run.stderr.strip().splitlines()[-1])
    assert run.returncode == 0 and status["exit"] == 0, run.stderr
    return run.stdout, set(status["modules"])


def _compiled(project: Path, env: dict[str, str]) -> list[str]:
    """The LAZY expressions a cold build of ``project``'s page compiled (its cache emptied first)."""
    import shutil

    shutil.rmtree(env["PAGESETTER_CACHE"], ignore_errors=True)
    age(project)
    run = subprocess.run([sys.executable, "-c", DRIVER, "build", "-q"], cwd=project, capture_output=True, text=True,
                         timeout=300, env=env)
    status = json.loads(run.stderr.strip().splitlines()[-1])
    assert run.returncode == 0 and status["exit"] == 0, run.stderr
    return status["compiled"]


def loaded(modules: set[str], package: str) -> bool:
    return any(name == package or name.startswith(package + ".") for name in modules)


@pytest.fixture()
def cached_env(tmp_path: Path) -> dict[str, str]:
    return dict(os.environ, PAGESETTER_CACHE=str(tmp_path / "cache"))


@pytest.mark.parametrize("extra", [(), ("--proof",)])
def test_an_unchanged_page_is_replayed_without_the_engine(extra: tuple[str, ...], project: Path,
                                                          cached_env: dict[str, str]) -> None:
    # as this repository is, with no pagesetter.toml (copy_project writes one): reading one loads
    # tomllib, which imports typing (the closing note of session 13 names this cost)
    (project / "pagesetter.toml").unlink()
    first, modules = build(project, cached_env, *extra)
    assert UNCHANGED not in first and loaded(modules, "pikepdf")  # the real build: the gate ran
    # a cold page forks its precompose child with os.fork and a pipe (15-30 ms less to import)
    assert not loaded(modules, "multiprocessing")
    if not extra:
        assert _compiled(project, cached_env) == []
    again, modules = build(project, cached_env, *extra)
    assert UNCHANGED in again
    if extra:  # the proofs are replayed too
        assert "seed-page.proof.pdf" in again and "seed-page.proof-a3.pdf" in again
    assert [name for name in HEAVY if loaded(modules, name)] == []


def test_an_edited_page_with_cached_photos_loads_no_colour_management(project: Path,
                                                                       cached_env: dict[str, str]) -> None:
    build(project, cached_env)
    article = project / EDIT_FILE
    text = article.read_text(encoding="utf-8")
    assert EDIT[0] in text
    article.write_text(text.replace(EDIT[0], EDIT[1], 1), encoding="utf-8")
    out, modules = build(project, cached_env)
    assert UNCHANGED not in out and "photos" in out  # set again, its photos placed
    assert loaded(modules, "pikepdf") and loaded(modules, "PIL")  # the gate ran; photo headers were read
    # photos from the cache: nothing prepared; one article set again: no helper process forked
    assert not {"PIL.ImageCms", "pagesetter.render.images", "multiprocessing"} & modules


# Each photo format as Pillow writes it, and what Image.open must call it.
SAMPLES = {"JPEG": "JPEG", "PNG": "PNG", "TIFF": "TIFF", "WEBP": "WEBP", "GIF": "GIF"}
# In a fresh Pillow: the format found with photo_formats(), and the plugins then loaded.
SNIFF = ("import json, sys\n"
         "from pathlib import Path\n"
         "from PIL import Image\n"
         "from pagesetter.render.photo import photo_formats\n"
         "path = Path(sys.argv[1])\n"
         "def opened(source):\n"
         "    try:\n"
         "        with Image.open(source, formats=photo_formats(source)) as im:\n"
         "            return im.format\n"
         "    except Exception as exc:\n"
         "        return type(exc).__name__\n"
         "with open(path, 'rb') as fh:\n"
         "    found = opened(fh)\n"
         "modules = sorted(m for m in sys.modules if m.startswith('PIL.'))\n"
         "print(json.dumps({'format': found, 'by_path': opened(path), 'modules': modules}))\n")


def sniff(path: Path) -> tuple[str, set[str]]:
    run = subprocess.run([sys.executable, "-c", SNIFF, str(path)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert result["by_path"] == result["format"]  # a file object or a path: the same answer
    return result["format"], set(result["modules"])


@pytest.mark.parametrize("kind", list(SAMPLES))
def test_a_photo_header_is_read_with_its_own_plugin(kind: str, tmp_path: Path) -> None:
    path = tmp_path / "photo.bin"  # no telling name: the format is found from the content
    buf = io.BytesIO()
    Image.new("RGB", (8, 6), (200, 100, 50)).save(buf, kind)
    path.write_bytes(buf.getvalue())
    found, modules = sniff(path)
    assert found == SAMPLES[kind]
    if kind == "JPEG":  # the first format tried: no later one is loaded (Pillow's preinit aside)
        assert "PIL.WebPImagePlugin" not in modules and "PIL.TiffImagePlugin" not in modules


def test_a_file_of_no_photo_format_is_still_refused(tmp_path: Path) -> None:
    path = tmp_path / "photo.jpg"
    buf = io.BytesIO()
    Image.new("RGB", (8, 6)).save(buf, "BMP")  # a picture, but not of a format we take
    path.write_bytes(buf.getvalue())
    found, _ = sniff(path)
    assert found == "UnidentifiedImageError"


def _imported(cmd: list[str], project: Path, env: dict[str, str]) -> set[str]:
    """The modules ``cmd`` (a Python command line) imported, from -X importtime's report."""
    run = subprocess.run([sys.executable, "-X", "importtime", *cmd], cwd=project, capture_output=True, text=True,
                         timeout=300, env=env)
    assert run.returncode == 0, run.stderr
    return {line.rsplit("|", 1)[1].strip() for line in run.stderr.splitlines() if line.startswith("import time:")}


def test_a_build_handed_to_pagesetter_keep_imports_no_engine(project: Path, cached_env: dict[str, str]) -> None:
    """The thin client (handoff.py) reaches the kept process before anything heavy is imported:
    not the engine's libraries, not even argparse or cli.py, from `python -m pagesetter` and from
    the console script alike; with no kept process the same command builds in its own process."""
    import shutil
    import signal

    script = shutil.which("pagesetter", path=str(Path(sys.executable).parent))
    assert script is not None
    age(project)
    alone = _imported(["-m", "pagesetter", "build", "-q"], project, cached_env)
    assert "pagesetter.cli" in alone  # built here: nothing kept yet
    keep = subprocess.Popen([sys.executable, "-m", "pagesetter", "keep"], cwd=project, env=cached_env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert keep.stdout is not None and keep.stdout.readline().startswith("pagesetter keep: keeping")
        for cmd in (["-m", "pagesetter", "build", "-q"], [script, "build", "-q"]):
            modules = _imported(cmd, project, cached_env)
            assert "pagesetter.handoff" in modules
            # nor json (it imports re, enum, functools: handoff.dumps/loads use its C parts)
            assert [m for m in (*HEAVY, "argparse", "pagesetter.cli", "socket", "hashlib", "dataclasses", "json")
                    if loaded(modules, m)] == [], cmd
    finally:
        keep.send_signal(signal.SIGINT)
        keep.communicate(timeout=60)
    assert keep.returncode == 0
