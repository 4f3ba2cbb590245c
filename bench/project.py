"""Scratch projects for the benchmarks: a copy of this project's layout and content (fonts linked),
and editions of N pages whose text and photos differ page by page, so no page is a free copy of
another in any cache."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
SENTENCE = re.compile(r"[^。！？]*[。！？]”?|[^。！？]+$")


def compile_package(package: Path | None = None) -> None:
    """Byte-compile pagesetter (``package``: another checkout's, else the one imported) as `pip
    install` does. In an editable checkout run with PYTHONDONTWRITEBYTECODE=1 (this machine's
    environment) every edited module would otherwise be compiled from source again by every timed
    process."""
    import subprocess
    import sys

    if package is None:
        import pagesetter

        package = Path(pagesetter.__file__).parent
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(package)], env=env, check=True)


def run_bench(prefix: str, measure: Callable[[Path], dict], table: Callable[[dict], str], as_json: bool,
              keep: bool = False) -> int:
    """Every bench script's main: the package byte-compiled, ``measure`` run in a scratch folder
    (removed after, unless ``keep``), its result printed as JSON or as ``table``."""
    import json
    import sys
    import tempfile

    compile_package()
    scratch = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        result = measure(scratch)
    finally:
        if keep:
            print(f"scratch kept in {scratch}", file=sys.stderr)
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    print(json.dumps(result, indent=2) if as_json else table(result))
    return 0


def make_project(dest: Path) -> Path:
    """layout/ and content/ copied, fonts hard-linked (20 MB faces, read only), or symlinked and
    allowed (allow_outside) where the scratch folder is on another file system."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copytree(ROOT / "layout", dest / "layout")
    shutil.copytree(ROOT / "content", dest / "content")
    (dest / "fonts").mkdir()
    linked_out = False
    for f in (ROOT / "fonts").iterdir():
        if f.suffix in (".otf", ".ttf", ".ttc"):
            try:
                os.link(f, dest / "fonts" / f.name)
            except OSError:
                (dest / "fonts" / f.name).symlink_to(f)
                linked_out = True
        elif f.is_file():
            shutil.copy(f, dest / "fonts" / f.name)
    if linked_out:
        for spec in (dest / "layout").glob("*.yaml"):
            text = spec.read_text(encoding="utf-8")
            if "\ngrid:" in text:
                spec.write_text(text + f"allow_outside: [{ROOT / 'fonts'}]\n", encoding="utf-8")
    return dest


def rotate_sentences(body: str, k: int) -> str:
    """Each paragraph with its sentences rotated by ``k``: the same characters, set anew."""
    out = []
    for para in body.split("\n\n"):
        sentences = [s for s in SENTENCE.findall(para) if s]
        if len(sentences) > 1 and not para.startswith(("#", "**")):
            k2 = k % len(sentences)
            para = "".join(sentences[k2:] + sentences[:k2])
        out.append(para)
    return "\n\n".join(out)


HAN = re.compile(r"[\u4e00-\u9fff]")


def own_glyphs(body: str, index: int) -> str:
    """Each paragraph with one Han character (its fifth) replaced by one of GB 2312's level-1
    characters chosen by the page and the paragraph: every page then has a glyph set of its own,
    as a real page's text has, so its font subsets are made anew (rotated sentences alone keep the
    same characters). Same length, so the page still fits."""
    out = []
    for n, para in enumerate(body.split("\n\n")):
        hans = [m.start() for m in HAN.finditer(para)]
        if len(hans) > 5 and not para.startswith("#"):
            slot = (index * 37 + n * 11) % 3755  # GB 2312 level 1: rows 16–55, 94 a row, 3755 in all
            char = bytes([0xB0 + slot // 94, 0xA1 + slot % 94]).decode("gb2312")
            para = para[:hans[4]] + char + para[hans[4] + 1:]
        out.append(para)
    return "\n\n".join(out)


def scale_text(body: str, factor: int) -> str:
    """The body ``factor`` times over for the scaling benchmark, each copy after the first with its
    sentences rotated differently and a character of its own in every paragraph: identical
    paragraphs would be set once and reused, and rotation alone repeats a paragraph of few
    sentences (so 4x and 8x used to set less than 2x)."""
    body = body.strip()
    return "\n\n".join(body if j == 0 else own_glyphs(rotate_sentences(body, j), 1000 + j)
                       for j in range(factor)) + "\n"


def page_variant(project: Path, index: int, *, text_factor: int = 1) -> Path:
    """content-pNN/: every article with its sentences rotated by ``index`` and some characters of
    its own (new lines, new font subsets), and photos marked with the page number (new pixels, so
    new prepared images). Returns the folder."""
    from PIL import Image, ImageDraw

    src = project / "content"
    dest = project / f"content-p{index:02d}"
    (dest / "photos").mkdir(parents=True)
    for md in src.glob("*.md"):
        if md.name == "README.md":
            continue
        text = md.read_text(encoding="utf-8")
        head, sep, body = text.partition("\n---\n")
        if sep:
            body = own_glyphs(rotate_sentences(body, index), index)
            if text_factor > 1 and md.stem != "banner":
                body = scale_text(body, text_factor)
        (dest / md.name).write_text(head + sep + body, encoding="utf-8")
    for jpg in (src / "photos").glob("*.jpg"):
        with Image.open(jpg) as im:
            im = im.convert("RGB")
            draw = ImageDraw.Draw(im)
            w, h = im.size
            shade = (37 * index) % 200
            draw.rectangle((w // 20, h // 20, w // 20 + w // 8, h // 20 + h // 16), fill=(shade, 255 - shade, 90))
            im.save(dest / "photos" / jpg.name, quality=90)
    return dest


def edition(project: Path, pages: int, *, text_factor: int = 1, allow_overset: bool = False,
            photo_ppi: int | None = None) -> Path:
    """An edition of ``pages`` broadsheet pages laid out like the seed page, each with its own text
    and photos. Returns the edition file."""
    spec = (project / "layout" / "seed-page.yaml").read_text(encoding="utf-8")
    names = []
    for i in range(1, pages + 1):
        page_variant(project, i, text_factor=text_factor)
        text = (spec.replace("name: seed-page", f"name: page-{i:02d}")
                .replace("content: ../content", f"content: ../content-p{i:02d}")
                .replace("page: 第3版", f"page: 第{i}版"))
        if allow_overset:
            text = text.replace("page:\n", "allow_overset: true\npage:\n", 1)
        if photo_ppi is not None:
            text = text.replace("page:\n", f"photo_ppi: {photo_ppi}\npage:\n", 1)
        (project / "layout" / f"page-{i:02d}.yaml").write_text(text, encoding="utf-8")
        names.append(f"page-{i:02d}.yaml")
    path = project / "layout" / f"edition-{pages}.yaml"
    path.write_text("edition:\n"
                    f"  name: edition-{pages}\n  paper: 城市日报\n  date: 2022-06-30\n"
                    f"  pages: [{', '.join(names)}]\n", encoding="utf-8")
    return path
