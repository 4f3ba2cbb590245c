"""A seeded fuzzer of hostile input through the real command line (the README's "Bad input"
contract). Each mutant is a throwaway copy of the project with one file changed field by field —
a shipped or test page spec, a style sheet, an article (front matter or copy) or a photo — built by
``python -m pagesetter build`` in a subprocess with a timeout, and held to the contract:

- it ends (a timeout is a hang), with no traceback, with a status the README documents for
  `build` (0, 1, 2, 3 or 6; 70, an internal error, is a bug of ours);
- a failure says where: a line on stderr naming a file (and its line and column where it has them);
- nothing the user had is deleted or changed, nothing outside the project is written, no code in
  the data is run, and a path leaving the project is refused (exit 1);
- what a terminal shows holds no raw control or bidi character (they are quoted as ⟨U+…⟩);
- a page that exits 0 is a PDF that `pagesetter check` and `pagesetter preflight` accept, with the
  verdicts the build printed.

The default run is a small fixed sample (well under a minute). ``PAGESETTER_FUZZ=N`` runs N mutants
instead (``PAGESETTER_FUZZ_SEED`` picks another sequence, ``PAGESETTER_FUZZ_ONLY=i,j`` runs those
mutants of it alone). ``python tests/test_fuzz_hostile.py N [SEED] [JOBS]`` runs N mutants in
JOBS processes and prints each failure with the way to replay it.
"""

from __future__ import annotations

import io
import json
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from conftest import ROOT, copy_project  # noqa: E402

QUICK = 8           # mutants in the default run (each a real build: ~0.3–3 s)
TIMEOUT = 120       # a build still running after this is a hang (the largest shipped page sets in ~3 s)
PWNED = "PWNED-fuzz13"
SECRET = "OUTSIDE-SECRET-fuzz13"
# Pages that set quickly: the default run draws its specs from these.
QUICK_SPECS = ("layout/seed-page.yaml", "layout/tabloid-1.yaml", "tests/pages/layout/modules-photos.yaml",
               "tests/pages/layout/tables.yaml", "tests/pages/layout/latin.yaml", "tests/pages/layout/briefs.yaml")
BUILD_EXITS = {0, 1, 2, 3, 6}
# A file named, with its line and column where it has them, then ": " (`content/x.md:12:5: …`,
# `content/photos/a.jpg: cannot read image …`, `layout/p.yaml: …`).
LOCATED = re.compile(r"(?:^|[\s'\"(])[^\s:'\"]*\.(?:ya?ml|md|markdown|txt|jpe?g|png|tiff?|webp|gif|eps|pdf|toml"
                     r"|otf|ttf|ttc|json)(?::\d+(?::\d+)?)?(?::|,|\s\()", re.IGNORECASE)
UNSHOWABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069\u200e\u200f\ud800-\udfff]")
PATH_KEYS = {"file", "files", "content", "fonts", "stylesheets", "article", "pages", "spec", "logo"}


# ---------------------------------------------------------------------------------- mutants

@dataclass
class Mutant:
    index: int
    spec: str                   # the spec built, relative to the project
    target: str                 # the file changed
    what: str                   # what was done to it
    apply: Callable[[Path, Path], None]   # (project, outside) -> None
    must_fail: bool = False     # a path leaving the project: must be refused


@dataclass
class Outcome:
    mutant: Mutant
    problems: list[str] = field(default_factory=list)
    exit: int | None = None
    seconds: float = 0.0
    said: str = ""             # the first line on stderr


class Raw:
    """A YAML text put in place of a value as it is (tags, escapes, .nan, aliases)."""

    def __init__(self, text: str) -> None:
        self.text = text


def _write(path: Path, data: bytes) -> None:
    """Replace ``path``, never write through it: the base project's files are hard links."""
    if path.is_symlink() or path.exists():
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _dump(data: Any) -> bytes:
    raws: list[str] = []

    def swap(v: Any) -> Any:
        if isinstance(v, Raw):
            raws.append(v.text)
            return f"RAWSLOT{len(raws) - 1}Z"
        if isinstance(v, dict):
            return {swap(k): swap(x) for k, x in v.items()}
        if isinstance(v, list):
            return [swap(x) for x in v]
        return v

    text = yaml.safe_dump(swap(data), allow_unicode=True, sort_keys=False, width=10**9, default_flow_style=False)
    for i, raw in enumerate(raws):
        text = text.replace(f"RAWSLOT{i}Z", raw)
    return text.encode("utf-8", "surrogatepass")


def _paths(data: Any, here: tuple = ()) -> list[tuple]:
    out = [here]
    if isinstance(data, dict):
        for k, v in data.items():
            out += _paths(v, here + (k,))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out += _paths(v, here + (i,))
    return out


def _get(data: Any, path: tuple) -> Any:
    for p in path:
        data = data[p]
    return data


def _set(data: Any, path: tuple, value: Any) -> Any:
    if not path:
        return value
    _get(data, path[:-1])[path[-1]] = value
    return data


def _key_of(path: tuple) -> str:
    for p in reversed(path):
        if isinstance(p, str):
            return p
    return ""


ESCAPES = ["../../../../../../etc/passwd", "/etc/passwd", "/dev/zero", "/proc/self/environ",
           "../../outside/secret", "{outside}/secret.md", "{outside}/secret.jpg", "{outside}",
           "escape-link", "escape-link/secret.md", "content/../../outside/secret.md"]


def _hostile_values(rng: random.Random, key: str, old: Any) -> list[tuple[str, Any]]:
    """Candidate replacements for one value, each with a short name."""
    vals: list[tuple[str, Any]] = [
        ("empty list", []), ("empty map", {}), ("null", None), ("true", True), ("zero", 0), ("-1", -1),
        ("huge int", 10**30), ("1e308", 1e308), ("-1e308", -1e308), ("NaN str", "NaN"), ("inf str", "inf"),
        (".nan", Raw(".nan")), (".inf", Raw(".inf")), ("-.inf", Raw("-.inf")), ("0.001", 0.001), ("1e-9", 1e-9),
        ("empty str", ""), ("space", " "), ("long han", "字" * 100_000), ("long latin", "a" * 100_000),
        ("RLO", "\u202e" + str(old)), ("NUL escape", Raw('"a\\0b"')), ("lone surrogate", Raw('"x\\ud800y"')),
        ("BEL escape", Raw('"\\a\\e[31m"')), ("python tag", Raw('!!python/object/apply:os.system ["touch {pwned}"]')),
        ("undefined alias", Raw("*nowhere")), ("self alias", Raw("&a [*a]")),
        ("nested", Raw("[" * 150 + "]" * 150)), ("date", Raw("2022-02-30")), ("bytes", Raw("!!binary aGVsbG8=")),
        ("set tag", Raw("!!set {a, b}")), ("unknown tag", Raw("!foo bar")), ("hex", Raw("0x7fffffffffffffff")),
        ("sexagesimal", Raw("1:20")), ("ZWSP", "\u200b"), ("BOM", "\ufeff" + str(old)),
        ("emoji", "😀"), ("PUA", "\ue000"),
    ]
    if isinstance(old, bool):
        vals += [("bool as str", "yes"), ("bool as int", 2)]
    elif isinstance(old, (int, float)):
        vals += [("negated", -old), ("x1000", old * 1000), ("x1e6", old * 10**6), ("+0.5", old + 0.5),
                 ("as str", str(old)), ("-0.0", -0.0), ("1", 1), ("100", 100), ("10000", 10000)]
    elif isinstance(old, str):
        m = re.fullmatch(r"(-?[\d.]+)\s*([^\d\s.]*)", old)
        if m:
            n, unit = m.groups()
            vals += [(f"{v}{unit}", f"{v}{unit}") for v in ("0", "-" + n.lstrip("-"), "0.001", "1e9", "1e400",
                                                             "nan", "inf", "-inf", "99999", n + n)]
            vals += [("other unit", n + "furlong"), ("no number", unit or "pt"), ("unit only", "mm"), ("2 units", n + "mm" + unit)]
        vals += [("char x30000", old * 30000 if old else "x" * 30000), ("controls", old + "\x01\x1b[2J"),
                 ("punct only", "，。、；：？！…—“”《》" * 30), ("latin no spaces", "Pneumonoultramicroscopic" * 400),
                 ("typo", old[:-1] + "x" if old else "x"), ("trailing space", old + " "), ("upper", old.upper())]
    if key in PATH_KEYS or (isinstance(old, str) and (old.endswith((".yaml", ".md", ".jpg", ".png")) or "/" in old)):
        vals += [("escape " + e, e) for e in ESCAPES]
        vals += [("escape " + e, e) for e in ESCAPES]  # weighted: the contract's sharpest edge
        vals += [("missing file", "nope/missing.md"), ("a folder", "."), ("dot dot", ".."),
                 ("dir slash", "photos/"), ("backslash", "..\\..\\x"), ("url", "http://example.com/x.jpg"),
                 ("file url", "file:///etc/passwd"), ("tilde", "~/x.md"), ("env", "$HOME/x")]
    if isinstance(old, list):
        vals += [("list x50", (old * 50)[:2000]), ("list reversed", old[::-1]), ("list dup first", old[:1] + old)]
        if old and isinstance(old[0], str):
            vals += [("list of numbers", [1, 2]), ("list of lists", [old])]
    if isinstance(old, dict):
        vals += [("unknown key", {**old, "colour_of_sky": "blue"}), ("typo key", {k + "s": v for k, v in old.items()}),
                 ("map as list", list(old.values())), ("map as str", "x")]
        for k in list(old)[:8]:
            vals.append((f"drop {k}", {kk: vv for kk, vv in old.items() if kk != k}))
    return vals


def _is_escape(name: str) -> bool:
    return name.startswith("escape ")


def _spec_ops(rng: random.Random, data: Any) -> tuple[str, Any, bool]:
    """Page-level mutations the contract names: duplicate ids, overlapping modules, extreme grids."""
    arts = data.get("articles") if isinstance(data, dict) else None
    grid = data.get("grid") if isinstance(data, dict) else None
    ops: list[str] = []
    if isinstance(arts, list) and len(arts) >= 2:
        ops += ["duplicate id", "overlap", "same block", "dup entry"]
    if isinstance(grid, dict):
        ops += ["columns 0", "columns 100", "pitch 0.001", "lines 0", "lines 100000", "column_width 0", "gutter -1字"]
    if not ops:
        return "", data, False
    op = rng.choice(ops)
    if op == "duplicate id":
        i, j = rng.sample(range(len(arts)), 2)
        if isinstance(arts[i], dict) and isinstance(arts[j], dict) and "article" in arts[j]:
            arts[i]["article"] = arts[j]["article"]
    elif op in ("overlap", "same block"):
        i, j = rng.sample(range(len(arts)), 2)
        if isinstance(arts[i], dict) and isinstance(arts[j], dict) and isinstance(arts[j].get("block"), dict):
            b = dict(arts[j]["block"])
            if op == "overlap":
                b = {k: (v + 1 if isinstance(v, int) and k in ("col", "line") else v) for k, v in b.items()}
            arts[i]["block"] = b
    elif op == "dup entry":
        arts.append(dict(rng.choice(arts)) if isinstance(arts[0], dict) else arts[0])
    else:
        k, v = op.split(" ", 1)
        grid[k] = float(v) if re.fullmatch(r"[\d.]+", v) else v
    return op, data, False


def _text_ops(rng: random.Random, text: bytes) -> tuple[str, bytes]:
    lines = text.split(b"\n")
    op = rng.choice(["dup line", "tab indent", "truncate", "crlf", "cr only", "invalid utf8", "nul byte", "bom",
                     "gbk", "deep flow", "alias bomb", "empty", "only comment", "drop line", "indent line",
                     "16MB+", "utf16"])
    i = rng.randrange(len(lines)) if lines else 0
    if op == "dup line" and lines:
        lines.insert(i, lines[i])
    elif op == "tab indent":
        lines[i] = b"\t" + lines[i]
    elif op == "truncate":
        return op, text[: rng.randrange(max(len(text), 1))]
    elif op == "crlf":
        return op, text.replace(b"\n", b"\r\n")
    elif op == "cr only":
        return op, text.replace(b"\n", b"\r")
    elif op == "invalid utf8":
        lines[i] += b"\xed\xa0\x80\xff"
    elif op == "nul byte":
        lines[i] += b"\x00"
    elif op == "bom":
        return op, b"\xef\xbb\xbf" + text
    elif op == "gbk":
        return op, text.decode("utf-8", "replace").encode("gb18030", "replace")
    elif op == "deep flow":
        lines.append(b"x_deep: " + b"[" * 5000 + b"]" * 5000)
    elif op == "alias bomb":
        bomb = [b"a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
        for n in range(1, 9):
            bomb.append(b"a%d: &a%d [" % (n, n) + b", ".join([b"*a%d" % (n - 1)] * 10) + b"]")
        lines += bomb
    elif op == "empty":
        return op, b""
    elif op == "only comment":
        return op, b"# nothing here\n"
    elif op == "drop line" and lines:
        del lines[i]
    elif op == "indent line":
        lines[i] = b"   " + lines[i]
    elif op == "16MB+":
        return op, text + b"\n#" + b"x" * (16 * 2**20 + 10) + b"\n"
    elif op == "utf16":
        return op, text.decode("utf-8", "replace").encode("utf-16")
    return op, b"\n".join(lines)


def _yaml_mutant(rng: random.Random, text: bytes, *, allow_spec_ops: bool) -> tuple[str, bytes, bool]:
    """(what, new bytes, must_fail) for one YAML document."""
    roll = rng.random()
    if roll < 0.15:
        what, new = _text_ops(rng, text)
        return "text: " + what, new, False
    data = yaml.safe_load(text.decode("utf-8"))
    if allow_spec_ops and roll < 0.3:
        what, data, _ = _spec_ops(rng, data)
        if what:
            return "spec: " + what, _dump(data), False
    path = rng.choice(_paths(data))
    old = _get(data, path)
    name, value = rng.choice(_hostile_values(rng, _key_of(path), old))
    data = _set(data, path, value)
    where = ".".join(str(p) for p in path) or "(root)"
    must = _is_escape(name) and _key_of(path) in PATH_KEYS
    return f"{where} = {name}", _dump(data), must


MD_BODIES: list[tuple[str, Callable[[str], str]]] = [
    ("deep quote", lambda b: "> " * 2000 + "深\n"),
    ("deep list", lambda b: "".join("  " * i + "- 项\n" for i in range(400))),
    ("deep emphasis", lambda b: "*" * 5000 + "强" + "*" * 5000 + "\n"),
    ("deep brackets", lambda b: "[" * 5000 + "括" + "](x)" * 2000 + "\n"),
    ("1e5 han line", lambda b: "字" * 100_000 + "\n"),
    ("1e5 latin no spaces", lambda b: "a" * 100_000 + "\n"),
    ("latin no spaces", lambda b: "Pneumonoultramicroscopicsilicovolcanoconiosis" * 40 + "\n\n" + b),
    ("punct only", lambda b: "，。、；：？！……——“”《》（）【】" * 200 + "\n"),
    ("punct only short", lambda b: "。\n\n，\n\n——\n\n……\n"),
    ("empty body", lambda b: ""),
    ("whitespace body", lambda b: "\n\n   \n\u3000\u3000\n"),
    ("RLO", lambda b: "\u202e" + b),
    ("NUL", lambda b: b.replace("。", "。\x00", 3)),
    ("controls", lambda b: b.replace("，", "\x1b[31m，\x07", 5)),
    ("ZW chars", lambda b: "\u200b\u200d\ufeff\u2060" * 500 + b),
    ("combining", lambda b: "字" + "\u0301" * 5000 + "\n\n" + b),
    ("emoji", lambda b: "😀" + b),
    ("many paragraphs", lambda b: "段。\n\n" * 3000),
    ("10^4 headings", lambda b: "## 小标\n\n" * 5000),
    ("html", lambda b: "<script>alert(1)</script><img src=/etc/passwd>\n\n" + b),
    ("table junk", lambda b: "|" * 3000 + "\n|---|\n" + "|a" * 3000 + "\n\n" + b),
    ("image link out", lambda b: "![x](/etc/passwd)\n\n![y](../../outside/secret.jpg)\n\n" + b),
    ("link", lambda b: "[链接](javascript:alert(1)) " + b),
    ("crlf", lambda b: b.replace("\n", "\r\n")),
    ("cr only", lambda b: b.replace("\n", "\r")),
    ("long url", lambda b: "http://" + "a" * 20000 + ".com\n\n" + b),
    ("digits", lambda b: "1" * 30000 + "\n\n" + b),
    ("ideographic spaces", lambda b: "\u3000" * 5000 + "字\n\n" + b),
    ("vertical marks", lambda b: "︵︶︽︾" * 500 + "\n\n" + b),
    ("ext-B", lambda b: "\U00020000\U0002a6d6" * 500 + "\n\n" + b),
    ("tabs", lambda b: "\t" * 100 + b),
    ("fence", lambda b: "```\n" + b),
    ("front matter again", lambda b: "---\ntitle: x\n---\n" + b),
]


def _md_mutant(rng: random.Random, text: bytes) -> tuple[str, bytes, bool]:
    s = text.decode("utf-8")
    m = re.match(r"---\n(.*?\n)---\n(.*)", s, re.S)
    roll = rng.random()
    if roll < 0.1:
        what, new = _text_ops(rng, text)
        return "text: " + what, new, False
    if m and roll < 0.5:
        what, fm, must = _yaml_mutant(rng, m.group(1).encode(), allow_spec_ops=False)
        return "front matter: " + what, b"---\n" + fm + b"---\n" + m.group(2).encode(), must
    name, f = rng.choice(MD_BODIES)
    head = s[: m.start(2)] if m else ""
    body = m.group(2) if m else s
    if rng.random() < 0.5 and "\n\n" in body:  # into one paragraph, or the whole body
        paras = body.split("\n\n")
        k = rng.randrange(len(paras))
        paras[k] = f(paras[k]).rstrip("\n")
        new = "\n\n".join(paras)
        name += " (one paragraph)"
    else:
        new = f(body)
    return "copy: " + name, (head + new).encode("utf-8", "surrogatepass"), False


def _png(width: int, height: int, data: bytes | None = None, colour: int = 2) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xffffffff)
    idat = zlib.compress(data if data is not None else b"\x00" * 64)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, colour, 0, 0, 0))
            + chunk(b"IDAT", idat) + chunk(b"IEND", b""))


def _jpeg_resized_header(jpeg: bytes, width: int, height: int) -> bytes:
    """A real JPEG whose frame header claims another size (its data is then too short)."""
    i = 2
    while i + 9 < len(jpeg):
        marker, length = jpeg[i + 1], struct.unpack(">H", jpeg[i + 2:i + 4])[0]
        if marker in (0xC0, 0xC1, 0xC2):
            return jpeg[:i + 5] + struct.pack(">HH", height, width) + jpeg[i + 9:]
        i += 2 + length
    return jpeg


def _pil(mode: str, size: tuple[int, int], fmt: str, **kw: Any) -> bytes:
    from PIL import Image
    buf = io.BytesIO()
    Image.new(mode, size, 128 if mode in ("L", "P") else None).save(buf, fmt, **kw)
    return buf.getvalue()


PHOTO_OPS: list[tuple[str, Callable[[bytes], bytes | str]]] = [
    ("not an image", lambda b: b"this is not a picture\n"),
    ("zero bytes", lambda b: b""),
    ("truncated half", lambda b: b[: len(b) // 2]),
    ("truncated 100", lambda b: b[:100]),
    ("truncated 2", lambda b: b[:2]),
    ("garbage tail", lambda b: b + b"\x00" * 10000),
    ("1x1 jpeg", lambda b: _pil("RGB", (1, 1), "JPEG")),
    ("1x1 png", lambda b: _pil("RGB", (1, 1), "PNG")),
    ("20000x20000 png header", lambda b: _png(20000, 20000)),
    ("20000x20000 jpeg header", lambda b: _jpeg_resized_header(b, 20000, 20000)),
    ("65535x65535 jpeg header", lambda b: _jpeg_resized_header(b, 65535, 65535)),
    ("0x0 jpeg header", lambda b: _jpeg_resized_header(b, 0, 0)),
    ("12000x9000 png header", lambda b: _png(12000, 9000)),
    ("20000x1 strip", lambda b: _pil("L", (20000, 1), "PNG")),
    ("1x20000 strip", lambda b: _pil("L", (1, 20000), "PNG")),
    ("png ends early", lambda b: _png(400, 300, b"\x00" * 100)),
    ("cmyk jpeg", lambda b: _pil("CMYK", (600, 400), "JPEG")),
    ("grey png", lambda b: _pil("L", (600, 400), "PNG")),
    ("palette alpha png", lambda b: _pil("P", (600, 400), "PNG", transparency=0)),
    ("rgba png", lambda b: _pil("RGBA", (600, 400), "PNG")),
    ("16-bit png", lambda b: _pil("I;16", (600, 400), "PNG")),
    ("1-bit png", lambda b: _pil("1", (600, 400), "PNG")),
    ("gif", lambda b: _pil("P", (600, 400), "GIF")),
    ("tiff lzw", lambda b: _pil("RGB", (600, 400), "TIFF", compression="tiff_lzw")),
    ("webp", lambda b: _pil("RGB", (600, 400), "WEBP")),
    ("bmp", lambda b: _pil("RGB", (600, 400), "BMP")),
    ("eps", lambda b: b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n(x) print quit\n"),
    ("svg", lambda b: b'<svg xmlns="http://www.w3.org/2000/svg"><image href="file:///etc/passwd"/></svg>'),
    ("pdf", lambda b: b"%PDF-1.4\n%%EOF\n"),
    ("tiff header only", lambda b: b"II*\x00\x08\x00\x00\x00"),
    ("symlink out", lambda b: "link:{outside}/secret.jpg"),
    ("symlink /dev/zero", lambda b: "link:/dev/zero"),
    ("symlink loop", lambda b: "link:SELF"),
    ("dangling symlink", lambda b: "link:nowhere.jpg"),
    ("a folder", lambda b: "dir"),
]


def _photo_mutant(rng: random.Random, data: bytes) -> tuple[str, Callable[[Path], None], bool]:
    name, f = rng.choice(PHOTO_OPS)

    def apply(path: Path, outside: Path) -> None:
        made = f(data)
        if isinstance(made, bytes):
            _write(path, made)
            return
        path.unlink()
        if made == "dir":
            path.mkdir()
        else:
            dest = made[5:].replace("{outside}", str(outside))
            path.symlink_to(path.name if dest == "SELF" else dest)
    return "photo: " + name, apply, name in ("symlink out",)


# ----------------------------------------------------------------------------- the project

def _uses(project: Path, spec: str) -> tuple[list[str], list[str], list[str]]:
    """(style sheets, articles, photos) a spec uses, relative to the project."""
    path = project / spec
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except Exception:
        return [], [], []
    sheets = [str((path.parent / s).resolve().relative_to(project)) for s in data.get("stylesheets", [])
              if isinstance(s, str) and (path.parent / s).is_file()]
    content = (path.parent / str(data.get("content", "."))).resolve()
    arts, photos = [], []
    for entry in data.get("articles") or []:
        name = entry.get("article") if isinstance(entry, dict) else None
        md = content / f"{name}.md" if isinstance(name, str) else None
        if md is not None and md.is_file():
            arts.append(str(md.relative_to(project)))
            for m in re.finditer(r"file:\s*['\"]?([^\s'\"]+\.(?:jpe?g|png|tiff?|webp|gif))", md.read_text(encoding="utf-8")):
                p = (content / m.group(1)).resolve()
                if p.is_file() and p.is_relative_to(project):
                    photos.append(str(p.relative_to(project)))
    return sheets, sorted(set(arts)), sorted(set(photos))


def all_specs(project: Path) -> list[str]:
    out = []
    for d in ("layout", "tests/pages/layout"):
        for p in sorted((project / d).glob("*.yaml")):
            out.append(str(p.relative_to(project)))
    return out


def make_mutant(rng: random.Random, index: int, project: Path, specs: list[str]) -> Mutant:
    spec = rng.choice(specs)
    sheets, arts, photos = _uses(project, spec)
    kinds = ["spec"] * 4 + ["sheet"] * bool(sheets) + ["article"] * 3 * bool(arts) + ["photo"] * 2 * bool(photos)
    kind = rng.choice(kinds)
    if kind == "photo":
        target = rng.choice(photos)
        what, put, must = _photo_mutant(rng, (project / target).read_bytes())
        return Mutant(index, spec, target, what, lambda proj, out: put(proj / target, out), must)
    target = {"spec": spec, "sheet": rng.choice(sheets) if sheets else spec,
              "article": rng.choice(arts) if arts else spec}[kind]
    if kind != "spec" and rng.random() < 0.08:
        # the file itself a link out of the project (to a copy that would parse): refused
        secret = "secret.md" if target.endswith(".md") else "secret.yaml"

        def link_out(proj: Path, outside: Path) -> None:
            (proj / target).unlink()
            (proj / target).symlink_to(outside / secret)
        return Mutant(index, spec, target, "symlink out of the project", link_out, True)
    old = (project / target).read_bytes()
    if target.endswith(".md"):
        what, new, must = _md_mutant(rng, old)
    else:
        what, new, must = _yaml_mutant(rng, old, allow_spec_ops=kind == "spec")

    def apply(proj: Path, outside: Path) -> None:
        _write(proj / target, new.replace(b"{outside}", str(outside).encode())
               .replace(b"{pwned}", str(outside.parent / PWNED).encode()))
    return Mutant(index, spec, target, what, apply, must)


def mutants(project: Path, seed: int, count: int, specs: list[str]) -> list[Mutant]:
    rng = random.Random(seed)
    return [make_mutant(rng, i, project, specs) for i in range(count)]


def make_base(where: Path) -> Path:
    """The project (layout, content, fonts, the test pages) and, beside it, what lies outside."""
    base = copy_project(where / "base")
    shutil.copytree(ROOT / "tests" / "pages" / "layout", base / "tests" / "pages" / "layout")
    shutil.copytree(ROOT / "tests" / "pages" / "content", base / "tests" / "pages" / "content")
    shutil.copy(ROOT / "pyproject.toml", base / "pyproject.toml")  # marks the project folder for every spec
    outside = where / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text(f"---\ntitle: {SECRET}\n---\n\n{SECRET}。\n", encoding="utf-8")
    shutil.copy(base / "content" / "photos" / "dongfeng-media.jpg", outside / "secret.jpg")
    shutil.copy(base / "layout" / "styles" / "city-daily.yaml", outside / "secret.yaml")
    (base / "escape-link").symlink_to(outside)
    return base


# ------------------------------------------------------------------------------- the oracle

def _snapshot(folder: Path, skip: tuple[str, ...] = ()) -> dict[str, tuple]:
    out = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        rel = os.path.relpath(dirpath, folder)
        dirnames[:] = [d for d in dirnames if os.path.normpath(os.path.join(rel, d)) not in skip]
        for n in filenames + [d for d in dirnames]:
            p = os.path.join(dirpath, n)
            st = os.lstat(p)
            # A font is a hard link shared with the repository's (conftest.copy_project), whose
            # times other tests set (aging a project's inputs): its inode and size say it is the same.
            when = st.st_ino if n.endswith((".otf", ".ttf", ".ttc")) else st.st_mtime_ns
            out[os.path.normpath(os.path.join(rel, n))] = (st.st_size, when, st.st_mode)
    return out


def _cli(args: list[str], cwd: Path, env: dict[str, str], timeout: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pagesetter", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, errors="surrogateescape", timeout=timeout)


def _stream_problems(label: str, text: str) -> list[str]:
    out = []
    if "Traceback (most recent call last)" in text:
        out.append(f"{label}: a traceback: " + text[text.index("Traceback"):][-600:])
    for line in text.splitlines():
        m = UNSHOWABLE.search(line)
        if m:
            out.append(f"{label}: raw U+{ord(m.group()):04X} shown: {line[:200]!r}")
            break
    return out


def run_mutant(m: Mutant, base: Path, work: Path, timeout: float = TIMEOUT) -> Outcome:
    """Build one mutant in a copy of ``base`` under ``work`` and hold it to the contract."""
    import time
    out = Outcome(m)
    home = work / f"m{m.index}"
    if home.exists():
        shutil.rmtree(home)
    proj = home / "proj"
    shutil.copytree(base, proj, copy_function=os.link, symlinks=True)
    outside = home / "outside"
    shutil.copytree(base.parent / "outside", outside)
    (proj / "escape-link").unlink()
    (proj / "escape-link").symlink_to(outside)
    for sub in ("tmp", "home", "cache"):
        (home / sub).mkdir()
    m.apply(proj, outside)
    env = {**os.environ, "TMPDIR": str(home / "tmp"), "HOME": str(home / "home"),
           "PAGESETTER_CACHE": str(home / "cache"), "SOURCE_DATE_EPOCH": "1700000000"}
    env.pop("PAGESETTER_KEEP", None)
    before_proj = _snapshot(proj)
    before_out = _snapshot(outside)
    t0 = time.monotonic()
    try:
        r = _cli(["build", "-o", "fuzz-out", m.spec], proj, env, timeout)
    except subprocess.TimeoutExpired:
        out.problems.append(f"hang: no exit after {timeout} s")
        return out
    out.seconds = time.monotonic() - t0
    out.exit = r.returncode
    out.said = (r.stderr.strip().splitlines() or [""])[0][:160]
    out.problems += _stream_problems("stderr", r.stderr) + _stream_problems("stdout", r.stdout)
    if r.returncode not in BUILD_EXITS:
        out.problems.append(f"exit {r.returncode}, not one build documents: {r.stderr.strip()[-400:]}")
    if r.returncode != 0 and not any(LOCATED.search(line) for line in r.stderr.splitlines()):
        out.problems.append(f"exit {r.returncode} with no located line: {r.stderr.strip()[:400]!r}")
    if m.must_fail and r.returncode == 0:
        out.problems.append("a path out of the project was accepted (exit 0)")
    after = _snapshot(proj, skip=("fuzz-out",))
    for rel, st in before_proj.items():
        if rel not in after:
            out.problems.append(f"the user's {rel} was deleted")
        elif after[rel] != st and not rel.startswith("fuzz-out"):
            out.problems.append(f"the user's {rel} was changed")
    new = sorted(set(after) - set(before_proj))
    if new:
        out.problems.append(f"written in the project outside the output folder: {new[:5]}")
    if _snapshot(outside) != before_out:
        out.problems.append("a file outside the project was written")
    if (home / PWNED).exists():
        out.problems.append("code from the data was run")
    leftovers = os.listdir(home / "tmp")
    if leftovers:
        out.problems.append(f"left in the temporary folder: {leftovers[:5]}")
    if r.returncode == 0:
        pdfs = sorted((proj / "fuzz-out").glob("*.pdf"))
        if not pdfs:
            out.problems.append("exit 0 and no PDF")
        typo_fail = "typography: FAIL" in r.stdout
        for pdf in pdfs:
            for cmd, ok in (("check", {0} if not typo_fail else {0, 4}), ("preflight", {0, 5})):
                try:
                    c = _cli([cmd, str(pdf.relative_to(proj))], proj, env, timeout)
                except subprocess.TimeoutExpired:
                    out.problems.append(f"{cmd} {pdf.name}: hang")
                    continue
                out.problems += _stream_problems(f"{cmd} stderr", c.stderr)
                if c.returncode not in ok:
                    out.problems.append(f"{cmd} {pdf.name} exit {c.returncode} after a build that exited 0: "
                                        f"{(c.stderr or c.stdout).strip()[-300:]}")
    if not out.problems:
        shutil.rmtree(home, ignore_errors=True)
    return out


def describe(o: Outcome, seed: int) -> str:
    m = o.mutant
    return (f"mutant {m.index} (seed {seed}): build {m.spec}, {m.target}: {m.what!r} -> exit {o.exit}\n  "
            + "\n  ".join(o.problems)
            + f"\n  replay: PAGESETTER_FUZZ_SEED={seed} PAGESETTER_FUZZ={m.index + 1} PAGESETTER_FUZZ_ONLY={m.index}"
              " pytest tests/test_fuzz_hostile.py")


# ------------------------------------------------------------------------------------ tests

def _plan() -> tuple[int, int, list[int] | None, bool]:
    count = int(os.environ.get("PAGESETTER_FUZZ", "0") or 0)
    seed = int(os.environ.get("PAGESETTER_FUZZ_SEED", "13"))
    only = os.environ.get("PAGESETTER_FUZZ_ONLY")
    return (count or QUICK), seed, ([int(x) for x in only.split(",")] if only else None), count == 0


@pytest.fixture(scope="module")
def fuzz_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_base(tmp_path_factory.mktemp("fuzz"))


def test_fuzz_hostile(fuzz_base: Path, tmp_path: Path) -> None:
    count, seed, only, quick = _plan()
    specs = list(QUICK_SPECS) if quick else all_specs(fuzz_base)
    failures = []
    for m in mutants(fuzz_base, seed, count, specs):
        if only is not None and m.index not in only:
            continue
        o = run_mutant(m, fuzz_base, tmp_path)
        if o.problems:
            failures.append(describe(o, seed))
    assert not failures, f"{len(failures)} mutants broke the contract:\n" + "\n".join(failures)


def test_fuzz_sample_is_hostile(fuzz_base: Path) -> None:
    """The default sample is deterministic and reaches every kind of file: a fuzzer that drew the
    same harmless mutant each time, or never touched a photo, would pass while testing nothing."""
    a = [(m.spec, m.target, m.what) for m in mutants(fuzz_base, 13, 40, list(QUICK_SPECS))]
    b = [(m.spec, m.target, m.what) for m in mutants(fuzz_base, 13, 40, list(QUICK_SPECS))]
    assert a == b
    assert len(set(a)) > 35
    kinds = {t.rsplit(".", 1)[-1] for _, t, _ in a}
    assert {"yaml", "md", "jpg"} <= kinds
    assert any(w.startswith("photo: ") for _, _, w in a) and any("escape" in w for _, _, w in a)


# ------------------------------------------------------------- what the fuzzer found (kept)

def test_a_combining_mark_is_never_a_breakpoint() -> None:
    """Found by the fuzzer ('copy: combining'): a paragraph of one Han character and 5,000 U+0301
    built for minutes (a hang): every accent was an atom of its own, a zero-width breakpoint, and
    Knuth–Plass tried each against every other. An accent or a variation selector belongs to the
    character before it: no line may end before it (nor any gap open there)."""
    from pagesetter.compose.lines import Run, atoms_for
    from pagesetter.compose.linebreak import Breakable
    from pagesetter.fonts.face import FaceSet
    from pagesetter.fonts.manifest import load_manifest
    from pagesetter.spec.loader import load_spec

    spec = load_spec(ROOT / "layout" / "seed-page.yaml")
    faces = FaceSet(load_manifest(spec.fonts_manifest))
    text = "东丰字" + "\u0301" * 40 + "葛\U000E0100县融媒体Mbappe\u0301中心"
    atoms = atoms_for([Run(text, spec.styles["body"])], faces)
    starts = [0]
    for a in atoms:
        starts.append(starts[-1] + len(a.text))
    marks = {i for i, ch in enumerate(text) if ch in "\u0301\U000E0100"}
    at_mark = {k for k, start in enumerate(starts[:-1]) if start in marks}
    # the test reaches them: each an atom of its own, or its first character; Mbappé's accent is a
    # letter of the word, inside its atom (trial 17 #6), where no line can end
    assert len(at_mark) == 41
    word = next(a for a in atoms if a.text.startswith("Mbapp"))
    assert word.text == "Mbappe\u0301", word.text
    breaks = set(Breakable.of(atoms).breaks) | set(Breakable.of(atoms).last_breaks)
    assert not breaks & at_mark, sorted(breaks & at_mark)


def test_a_paragraph_of_accents_builds(fuzz_base: Path, tmp_path: Path) -> None:
    """The same, through the command line: 20,000 accents (the longest paragraph a page takes) on
    one character end in a build (exit 0 and a PDF check and preflight accept), not a hang."""
    rel = "tests/pages/content/copy/weather.md"
    text = (fuzz_base / rel).read_text(encoding="utf-8").replace("**今天**", "字" + "\u0301" * 19_000 + "**今天**", 1)

    def apply(project: Path, outside: Path) -> None:
        _write(project / rel, text.encode("utf-8"))
    o = run_mutant(Mutant(0, "tests/pages/layout/copy-weather.yaml", rel, "19,000 accents", apply), fuzz_base, tmp_path)
    assert o.problems == [] and o.exit == 0, describe(o, 0)


def test_the_mark_prefilter_passes_every_mark() -> None:
    """atoms.MAYBE_MARK skips the blocks of Chinese copy without a look at each character: none of
    the characters it skips may be a combining mark (or the hang above comes back for it)."""
    import unicodedata

    from pagesetter.compose.atoms import MAYBE_MARK, _marks_at

    skipped = [chr(c) for c in range(0x3_0000) if not MAYBE_MARK.match(chr(c))]
    assert len(skipped) > 25_000  # it does skip the CJK blocks (some 30,000 characters)
    assert [c for c in skipped if unicodedata.category(c)[0] == "M"] == []
    assert _marks_at("字\u0301葛\U000E0100\u3099a\u20dd") == [1, 3, 4, 6]


@pytest.mark.parametrize("written, meant", [("1:20", "1:20"), ("0b101", "0b101"), ("1_000", "1_000"),
                                            ("010", 10), ("12", 12), ("0x1F", 31), ("-3", -3), ("1.5", 1.5),
                                            ("'1:20'", "1:20")])
def test_yaml_numbers_are_read_as_yaml_1_2_reads_them(written: str, meant: object) -> None:
    """Found by the fuzzer ('title = sexagesimal'): PyYAML reads YAML 1.1, where 1:20 is the base-60
    number 80 — a title '1:20' printed as 80, exit 0. YAML 1.2 (the editors' YAML servers, the
    JSON Schema) reads it as text, and 010 as ten, not octal eight."""
    from pagesetter.yamlsource import load_yaml

    node = load_yaml(Path("x.yaml"), f"value: {written}\n")
    value = node.get("value")
    assert value is not None and value.value == meant and type(value.value) is type(meant)


def test_a_title_of_1_20_is_printed_as_written(fuzz_base: Path, tmp_path: Path) -> None:
    """The sexagesimal title end to end: the PDF says 1:20, not 80."""
    import pypdfium2

    rel = "tests/pages/content/copy/weather.md"
    text = (fuzz_base / rel).read_text(encoding="utf-8").replace("title: 澄州天气", "title: 1:20", 1)

    def apply(project: Path, outside: Path) -> None:
        _write(project / rel, text.encode("utf-8"))
    project = tmp_path / "proj"
    shutil.copytree(fuzz_base, project, copy_function=os.link, symlinks=True)
    apply(project, tmp_path)
    r = _cli(["build", "-q", "-o", "out", "tests/pages/layout/copy-weather.yaml"], project, dict(os.environ), TIMEOUT)
    assert r.returncode == 0 and not _stream_problems("stderr", r.stderr), r.stderr
    pdf = pypdfium2.PdfDocument(str(project / "out" / "copy-weather.pdf"))
    printed = pdf[0].get_textpage().get_text_range()
    assert "1:20" in printed and "80" not in printed.split("\n")[0], printed[:80]


@pytest.mark.parametrize("key, value", [("stylesheets", "['.']"), ("fonts", "../content"), ("content", "../layout/seed-page.yaml")])
def test_a_folder_for_a_file_is_said_at_the_spec(fuzz_base: Path, tmp_path: Path, key: str, value: str) -> None:
    """Found by the fuzzer ('stylesheets.0 = a folder'): a style sheet given as a folder stopped
    the build with 'layout: expected a file, found a directory', naming neither the spec nor its
    line. The spec's line is named, and what was expected."""
    spec = "layout/seed-page.yaml"
    text = (fuzz_base / spec).read_text(encoding="utf-8")
    line = next(l for l in text.splitlines() if l.startswith(f"{key}:"))

    def apply(project: Path, outside: Path) -> None:
        _write(project / spec, text.replace(line, f"{key}: {value}", 1).encode("utf-8"))
    o = run_mutant(Mutant(0, spec, spec, f"{key}: {value}", apply), fuzz_base, tmp_path)
    assert o.problems == [] and o.exit == 1, describe(o, 0)
    assert re.match(rf"pagesetter: error: {spec}:\d+:\d+: .*expected a (file|folder)", o.said), o.said


def test_body_overset_is_said_at_the_articles_entry(fuzz_base: Path, tmp_path: Path) -> None:
    """Found by the fuzzer ('copy: punct only', 'copy: ideographic spaces', …: nine of the first 687
    mutants): body text that did not fit stopped the build (exit 3) with a line naming the article
    and its last words but no file. It is said at the article's entry in the layout, as a
    headline cut at its area is."""
    rel = "tests/pages/content/copy/weather.md"
    text = (fuzz_base / rel).read_text(encoding="utf-8") + "\n这是一段放不下的文字，用来测试溢出稿的位置。\n" * 60

    def apply(project: Path, outside: Path) -> None:
        _write(project / rel, text.encode("utf-8"))
    o = run_mutant(Mutant(0, "tests/pages/layout/copy-weather.yaml", rel, "60 paragraphs more", apply),
                   fuzz_base, tmp_path)
    assert o.problems == [] and o.exit == 3, describe(o, 0)
    assert re.match(r"pagesetter: error: overset \(text that does not fit\): "
                    r"tests/pages/layout/copy-weather\.yaml:\d+:\d+: weather: \d+ characters", o.said), o.said


def test_an_article_placed_twice_is_refused(fuzz_base: Path, tmp_path: Path) -> None:
    """Found among the fuzzer's exit-0 mutants ('spec: duplicate id'): two entries naming one
    article printed it twice, headline and all, and the build exited 0. Refused, at the second."""
    spec = "tests/pages/layout/trial-spans.yaml"
    text = (fuzz_base / spec).read_text(encoding="utf-8")
    assert "  - article: sports\n" in text

    def apply(project: Path, outside: Path) -> None:
        _write(project / spec, text.replace("  - article: sports\n", "  - article: market\n", 1).encode("utf-8"))
    o = run_mutant(Mutant(0, spec, spec, "market placed twice", apply), fuzz_base, tmp_path)
    assert o.problems == [] and o.exit == 1, describe(o, 0)
    assert re.match(rf"pagesetter: error: {spec}:23:5: article 'market' has a second entry", o.said), o.said


def main() -> None:
    """python tests/test_fuzz_hostile.py N [SEED] [JOBS]: a long run, failures printed as found."""
    import tempfile
    from concurrent.futures import ThreadPoolExecutor
    count = int(sys.argv[1])
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 13
    jobs = int(sys.argv[3]) if len(sys.argv) > 3 else 2
    work = Path(tempfile.mkdtemp(prefix="fuzz-"))
    base = make_base(work)
    ms = mutants(base, seed, count, all_specs(base))
    exits: dict[int | None, int] = {}
    bad = 0
    with ThreadPoolExecutor(jobs) as pool:  # each thread waits on its build subprocess
        for o in pool.map(run_mutant, ms, [base] * len(ms), [work / "runs"] * len(ms)):
            exits[o.exit] = exits.get(o.exit, 0) + 1
            if o.problems:
                bad += 1
                print(describe(o, seed), flush=True)
            else:
                print(f"ok {o.mutant.index} exit {o.exit} {o.seconds:.1f}s {o.mutant.target}: {o.mutant.what[:80]!r} | {o.said}",
                      flush=True)
    print(json.dumps({"mutants": count, "seed": seed, "failing": bad, "exits": {str(k): v for k, v in exits.items()}}))
    if not bad:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
