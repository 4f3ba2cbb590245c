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
# The benchmarks' edit: one character of one phrase of one article, a character not used there
# before in the run at every edit. Toggling between two wordings (as until session 15) let a build
# replay the record of an earlier identical state (rebuild.py) and a session find the earlier
# wording's lines in its memo: edits as fast as warm replays. Two kinds: the new character is one
# the article's body sets already (the page's font subsets unchanged), or one no page text uses
# (the body face is subset again; until session 20 every code after it in that subset was renumbered,
# and every line in the face written again: fonts/subset.py).
EDIT_FILE = "content/dongfeng-media.md"
EDIT_PHRASE = "没有披上白色战袍"
EDIT_SLOT = EDIT_PHRASE.index("白")
EDITED_PHRASE = re.compile(f"{EDIT_PHRASE[:EDIT_SLOT]}[\u4e00-\u9fff]{EDIT_PHRASE[EDIT_SLOT + 1:]}")  # any edit of it
# Common characters, for the edits that bring a new glyph: those the project's text has are left out.
COMMON = ("的一是了我不人在他有这个上们来到时大地为子中你说生国年着就那和要她出也得里后自以会家可下而过天去能对小"
          "多然于心学么之都好看起发当没成只如事把还用第样道想作种开美总从无情己面最女但现前些所同日手又行意动"
          "方期它头经长儿回位分爱老因很给名法间斯知世什两次使身者被高已亲其进此话常与活正感见明问力理尔点文几"
          "定本公特做外孩相西果走将月十实向声车全信重三机工物气每并别真打太新比才便夫再书部水像眼等体却加电主"
          "界门利海受听表德少克代员许先口由死安写性马光白或住难望教命花结乐色更拉东神记处让母父应直字场平报友"
          "鹅鸭蝶蜓啄鸟鼠狐狸猩猴熊猫驼袋斑犀鳄鲸鲨螃蟹虾贝壳珊瑚葡萄橘柚梨桃李杏樱莓芒菠萝椰榴莲柠檬瓜茄萄"
          "琴瑟笛箫鼓锣钹筝琵琶棋谜诗词赋曲戏剧舞蹈歌咏吟唱奏韵律笔墨砚纸扇伞灯烛镜梳钗簪裙袍袜靴帽巾")
EDIT_KINDS = ("page-glyph", "new-glyph")


def _project_text(article: Path) -> str:
    root = article.parent.parent
    return "".join(f.read_text(encoding="utf-8") for d in ("content", "layout") for f in sorted((root / d).rglob("*"))
                   if f.suffix in (".md", ".yaml", ".yml") and f.is_file())


def edit_characters(article: Path, kind: str) -> list[str]:
    """The characters the edits put in the phrase's slot, in order."""
    text = article.read_text(encoding="utf-8")
    if kind == "page-glyph":
        body = text.split("---", 2)[-1]  # the body's face: the phrase's own
        return sorted({c for c in body if "\u4e00" <= c <= "\u9fff"} - set(EDIT_PHRASE))
    if kind == "new-glyph":
        return [c for c in dict.fromkeys(COMMON) if c not in _project_text(article)]
    raise ValueError(f"unknown edit kind {kind!r}")


class Editor:
    """Saves a file with the phrase's slot holding the next unused character at each ``edit()``.
    The file may be another engine's copy of the text (the .typ of typst_seed.py): the characters
    are chosen from ``source``, the project's article."""

    def __init__(self, path: Path, kind: str = "new-glyph", source: Path | None = None) -> None:
        self.path = path
        self.characters = edit_characters(source or path, kind)
        if not EDITED_PHRASE.search(path.read_text(encoding="utf-8")):
            raise SystemExit(f"bench: {path} lacks the phrase to edit ({EDIT_PHRASE!r})")

    def edit(self) -> None:
        if not self.characters:
            raise SystemExit(f"bench: no character left for another edit of {self.path}")
        text = self.path.read_text(encoding="utf-8")
        found = EDITED_PHRASE.search(text)
        assert found is not None, self.path
        new = found[0][:EDIT_SLOT] + self.characters.pop(0) + found[0][EDIT_SLOT + 1:]
        self.path.write_text(text[:found.start()] + new + text[found.end():], encoding="utf-8")


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
