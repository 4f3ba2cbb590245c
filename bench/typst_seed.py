"""The seed page set by Typst, as the yardstick for pagesetter's speed (issue 8).

Reads the same inputs as ``pagesetter build`` (layout/seed-page.yaml, its style sheet, the font
manifest, content/*.md and the photos), writes an equivalent .typ into a temp folder and compiles
it with the ``typst`` package from PyPI, fonts taken only from the repo's fonts/ folder.

Deliberately independent of the pagesetter package: importing it would add its start-up cost
to the Typst side of the benchmark. The page is the same work (same text, normalised the same
way, same faces and sizes, page size, grid, photos, captions), not a typographic copy.

An edition (``--edition layout/edition-24.yaml``, as bench/project.py writes one): each of its
pages written so, one after another, a page break between them, in one .typ (bench_edition.py and
bench_scaling.py time Typst compiling it).

Usage: python bench/typst_seed.py [-o OUT.pdf] [--typ-dir DIR] [--spec layout/seed-page.yaml | --edition E.yaml]
"""

from __future__ import annotations

import argparse
import math
import re
import sys
import tempfile
import time
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

import typst
import yaml

ROOT = Path(__file__).resolve().parent.parent
PT_PER_MM = 72 / 25.4
# 号 sizes (GB/T printing usage), as pagesetter's units module knows them.
HAO = {"初号": 42.0, "小初": 36.0, "一号": 26.0, "小一": 24.0, "二号": 22.0, "小二": 18.0, "三号": 16.0,
       "小三": 15.0, "四号": 14.0, "小四": 12.0, "五号": 10.5, "小五": 9.0, "六号": 7.5, "小六": 6.5}
HALF_TO_FULL = {",": "，", ";": "；", ":": "：", "!": "！", "?": "？", "(": "（", ")": "）"}
CHINESE_QUOTES = frozenset("“”‘’")


def length(value: Any, em: float = 9.0) -> float:
    """'390mm', '13.5pt', '小五', '13字' (ems of the body size) -> points."""
    s = str(value).strip()
    if s in HAO:
        return HAO[s]
    m = re.fullmatch(r"(-?[\d.]+)\s*(mm|pt|字|Q)?", s)
    if not m:
        raise ValueError(f"unknown length {s!r}")
    n, unit = float(m.group(1)), m.group(2) or "pt"
    return {"mm": n * PT_PER_MM, "pt": n, "字": n * em, "Q": n * 0.25 * PT_PER_MM}[unit]


# ---- content: the same reading and normalising rules as pagesetter's content/ package ----

def is_cjk(ch: str) -> bool:
    # Han, CJK punctuation, kana, full-width forms: what makes a neighbouring ASCII mark "Chinese".
    o = ord(ch)
    return 0x2E80 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0xFF00 <= o <= 0xFFEF or 0x20000 <= o


def _chinese(ch: str | None) -> bool:
    return ch is not None and (is_cjk(ch) or ch in CHINESE_QUOTES)


def _neighbours(text: str, i: int) -> tuple[str | None, str | None]:
    before = next((text[j] for j in range(i - 1, -1, -1) if not text[j].isspace()), None)
    after = next((text[j] for j in range(i + 1, len(text)) if not text[j].isspace()), None)
    return before, after


def normalise(text: str, drop_spaces: bool) -> list[str]:
    """One output string per input character ('' when dropped), so span boundaries survive."""
    out = list(text)
    for i, ch in enumerate(text):
        full = HALF_TO_FULL.get(ch)
        if full is None:
            continue
        before, after = _neighbours(text, i)
        if ch in ",:" and before and after and before.isdigit() and after.isdigit():
            continue  # 1,000 and 10:30
        if _chinese(before) or _chinese(after):
            out[i] = full
    if drop_spaces:
        joined = "".join(out)
        for i, ch in enumerate(joined):
            if ch in " \t\u3000":
                before, after = _neighbours(joined, i)
                if _chinese(before) and _chinese(after):
                    out[i] = ""
    return out


Run = tuple[str, str]  # (kind, text): kind "body", "lead" (run-in 黑体) or "raw" (Typst code)
NO_INDENT = "#h(-2em)"  # the rest of a paragraph cut by a float continues flush left


@dataclass
class Article:
    title: str
    subtitle: str | None
    paragraphs: list[list[Run]]
    photos: list[dict[str, str]] = field(default_factory=list)


def read_article(path: Path) -> Article:
    lines = path.read_text(encoding="utf-8").split("\n")
    end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    front = yaml.safe_load("\n".join(lines[1:end])) or {}
    paragraphs: list[list[Run]] = []
    for block in re.split(r"\n\s*\n", "\n".join(lines[end + 1:])):
        raw = "".join(line.strip() for line in block.split("\n"))  # Chinese lines join without a space
        if not raw:
            continue
        pieces = re.split(r"\*\*(.+?)\*\*", raw)  # odd indexes are lead sentences
        kinds = [("lead" if k % 2 else "body", t) for k, t in enumerate(pieces) if t]
        # Normalise across span boundaries, as pagesetter does, then cut the spans again.
        chars = normalise("".join(t for _, t in kinds), drop_spaces=True)
        runs: list[Run] = []
        pos = 0
        for kind, text in kinds:
            runs.append((kind, "".join(chars[pos:pos + len(text)])))
            pos += len(text)
        paragraphs.append(runs)
    photos = []
    for p in front.get("photos") or []:
        photos.append({"file": str((path.parent / p["file"]).resolve()),
                       "caption": "".join(normalise(p["caption"], drop_spaces=True))})
    subtitle = front.get("subtitle")
    return Article(title="".join(normalise(front["title"], drop_spaces=False)),
                   subtitle="".join(normalise(subtitle, drop_spaces=False)) if subtitle else None,
                   paragraphs=paragraphs, photos=photos)


# ---- Typst source ----

def tstr(s: str) -> str:
    """A Typst string literal: shown as text in markup, so no markup escaping is needed."""
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass(frozen=True)
class Grid:
    x0: float
    y0: float
    col: float     # column width
    gutter: float
    pitch: float   # line pitch

    def x(self, col: int) -> float:
        return self.x0 + (col - 1) * (self.col + self.gutter)

    def width(self, cols: int) -> float:
        return cols * (self.col + self.gutter) - self.gutter

    def y(self, line: int) -> float:
        return self.y0 + (line - 1) * self.pitch


@dataclass(frozen=True)
class Face:
    family: str
    weight: int


def faces(manifest_path: Path) -> dict[str, Face]:
    """Manifest keys -> Typst family/weight ('Noto Sans CJK SC Bold' -> family, 700)."""
    data = yaml.safe_load(manifest_path.read_text(encoding="utf-8"))["faces"]
    out = {}
    for key, face in data.items():
        name: str = face["name"]
        weight = 700 if name.endswith(" Bold") else 400
        out[key] = Face(re.sub(r" (Bold|Regular)$", "", name), weight)
    return out


def style_fn(name: str, st: dict[str, Any], face: Face) -> str:
    """A Typst function `s-NAME(body)` setting one style of the style sheet (without leading/
    tracking being exact: the line boxes are 1 em, so leading = pitch - size keeps the grid)."""
    size = length(st["size"])
    lead = length(st.get("leading", size * 1.5), em=size) - size
    track = length(st.get("tracking", 0), em=size)
    align = {"center": "center", "left": "left", "right": "right", "justify": "left"}[st.get("align", "left")]
    just = "true" if st.get("align") == "justify" else "false"
    return (f"#let s-{name}(body) = {{ set text(font: {tstr(face.family)}, weight: {face.weight}, "
            f"size: {size}pt, tracking: {track}pt); set par(leading: {lead}pt, spacing: {lead}pt, "
            f"justify: {just}, first-line-indent: 0pt); align({align}, body) }}\n")


def merged_styles(sheet: dict[str, Any]) -> dict[str, dict[str, Any]]:
    styles: dict[str, dict[str, Any]] = sheet["styles"]
    out = {}
    for name, st in styles.items():
        base = dict(styles[st["base"]]) if "base" in st else {}
        base.update({k: v for k, v in st.items() if k != "base"})
        out[name] = base
    return out


def runs_markup(runs: list[Run]) -> str:
    parts = []
    for kind, text in runs:
        if kind == "raw":
            parts.append(text)
        elif text:
            parts.append(("#s-lead-run(" + tstr(text) + ")") if kind == "lead" else "#" + tstr(text))
    return "".join(parts)


def units(text: str) -> float:
    # Width in ems at the body size: CJK is one em, Latin letters and digits about half.
    return sum(1.0 if (is_cjk(c) or c in CHINESE_QUOTES) else 0.5 for c in text)


def para_lines(runs: list[Run], chars_per_line: int) -> int:
    # Estimated lines of one paragraph: 2-em indent, ragged last line (within a few lines of
    # what Typst sets for the seed articles).
    return math.ceil((2 + sum(units(t) for k, t in runs if k != "raw")) / chars_per_line)


def insert_in_column(paras: list[list[Run]], lo: float, hi: float, chars_per_line: int, item: str) -> None:
    """Insert raw Typst `item` where the text should be within lines [lo, hi) of the column flow.

    Typst puts a top (bottom) float at the top (bottom) of the column it meets it in, so the float
    (or empty spacer) for column k goes into the text somewhere in column k. A place() splits the
    paragraph it stands in (typst/typst#3951), so a paragraph boundary well inside the column is
    preferred; failing one, the paragraph is cut at the column's middle and the rest carries on
    without an indent. Line counts are estimates, hence the margins.
    """
    margin = min(3.0, (hi - lo) / 4)
    mid = (lo + hi) / 2
    line, best = 0, None
    for i, runs in enumerate(paras):
        if i and lo + margin <= line <= hi - margin and (best is None or abs(line - mid) < abs(best[1] - mid)):
            best = (i, line)
        line += para_lines(runs, chars_per_line)
    if best is not None:
        paras[best[0]].insert(0, ("raw", item + " "))
        return
    line = 0
    for runs in paras:
        n = para_lines(runs, chars_per_line)
        if line + n <= mid:
            line += n
            continue
        budget = (mid - line) * chars_per_line - 2  # ems into this paragraph
        for i, (kind, text) in enumerate(runs):
            if kind == "raw":
                continue
            w = units(text)
            if budget < w:
                acc, cut = 0.0, len(text)
                for j, c in enumerate(text):
                    acc += units(c)
                    if acc > budget:
                        cut = j
                        break
                runs[i:i + 1] = [(kind, text[:cut]), ("raw", item + NO_INDENT), (kind, text[cut:])]
                return
            budget -= w
        break
    paras[-1].append(("raw", item))


def photo_box(photo: dict[str, str], width: float, height: float, pitch: float, caption_first: bool) -> str:
    """Photo and one-line caption in a box `height` high: caption line 1 em, a leading gap, image."""
    img_h = height - 9.0 - (pitch - 9.0)
    img = f'image({tstr(photo["file"])}, width: {width}pt, height: {img_h}pt, fit: "cover")'
    cap = f'block(width: {width}pt, s-caption({tstr(photo["caption"])}))'
    inner = f"{cap}, v({pitch - 9.0}pt), {img}" if caption_first else f"{img}, v({pitch - 9.0}pt), {cap}"
    return f"box(width: {width}pt, height: {height}pt, fill: white, stack({inner}))"


def headline_markup(art: Article, title_style: str, sub_style: str, width: float, size: float) -> str:
    # A space in a title marks the break of a two-line title; on one line it becomes an em.
    one_line = units(art.title) * size + size <= width
    title = art.title.replace(" ", "\u3000") if one_line else art.title.replace(" ", "\n")
    lines = " \\ ".join("#" + tstr(t) for t in title.split("\n"))  # Typst's \ is a line break
    parts = [f"s-{title_style}([{lines}])"]
    if art.subtitle:
        parts.append(f"v(8pt), s-{sub_style}({tstr(art.subtitle)})")
    return ", ".join(parts)


def build_typ(spec_path: Path) -> str:
    spec = yaml.safe_load(spec_path.read_text(encoding="utf-8"))
    base = spec_path.parent
    sheet: dict[str, Any] = {"styles": {}}
    for s in spec["stylesheets"]:
        sheet["styles"].update(yaml.safe_load((base / s).read_text(encoding="utf-8"))["styles"])
    styles = merged_styles(sheet)
    face = faces(base / spec["fonts"])
    content = (base / spec["content"]).resolve()

    g = spec["grid"]
    em = length(g["body_size"])
    cpl = round(length(g["column_width"], em) / em)  # characters per column line
    width = g["columns"] * length(g["column_width"], em) + (g["columns"] - 1) * length(g["gutter"], em)
    pitch = length(g["pitch"])
    depth = g["lines"] * pitch
    pw, ph = length(spec["page"]["trim"]["width"]), length(spec["page"]["trim"]["height"])
    grid = Grid((pw - width) / 2, (ph - depth) / 2, length(g["column_width"], em), length(g["gutter"], em), pitch)
    rules = spec.get("rules", {})
    col_rule, art_rule = length(rules.get("column", 0.25)), length(rules.get("article", 0.5))

    body = styles["body"]
    out = [
        f"#set page(width: {pw}pt, height: {ph}pt, margin: 0pt)\n",
        # Line boxes exactly 1 em (0.88 above the baseline) so leading = pitch - size keeps the grid.
        f"#set text(lang: \"zh\", region: \"cn\", font: {tstr(face[body['font']].family)}, "
        f"weight: {face[body['font']].weight}, size: {em}pt, top-edge: 0.88em, bottom-edge: -0.12em)\n",
        f"#set par(justify: true, leading: {pitch - em}pt, spacing: {pitch - em}pt, "
        f"first-line-indent: (amount: {length(body.get('indent', '2字'), em)}pt, all: true))\n",
        "#set block(spacing: 0pt)\n",
    ]
    out += [style_fn(name, st, face[st["font"]]) for name, st in styles.items()]
    lead = face[styles["lead"]["font"]]
    out.append(f"#let s-lead-run(s) = text(font: {tstr(lead.family)}, weight: {lead.weight}, s)\n")
    out.append("#let at(x, y, w, h, body) = place(top + left, dx: x * 1pt, dy: y * 1pt, "
               "block(width: w * 1pt, height: h * 1pt, body))\n")
    out.append("#let vrule(x, y, h, t) = place(top + left, dx: x * 1pt, dy: y * 1pt, "
               "line(start: (0pt, 0pt), end: (0pt, h * 1pt), stroke: t * 1pt))\n")
    out.append("#let hrule(x, y, w, t) = place(top + left, dx: x * 1pt, dy: y * 1pt, "
               "line(length: w * 1pt, stroke: t * 1pt))\n")

    # Folio (报眉): paper name, date, page, section, people; a rule under it.
    f = spec.get("folio") or {}
    if f:
        fl = f.get("lines", 3)
        right = "　".join([str(f.get("page", "")), str(f.get("section", "")), f"责任编辑：{f.get('editor', '')}",
                          *map(str, f.get("extra", []))])
        out.append(f"#at({grid.x(1)}, {grid.y(1)}, {width}, {fl * pitch}, align(horizon, grid(columns: (auto, 1fr, auto), "
                   f"column-gutter: 18pt, s-folio-paper({tstr(str(f.get('paper', '')))}), "
                   f"s-folio({tstr(str(f.get('date', '')))}), s-folio({tstr(right)}))))\n")
        out.append(f"#hrule({grid.x(1)}, {grid.y(fl + 1) - (pitch - em) / 2}, {width}, {art_rule})\n")

    for a in spec["articles"]:
        art = read_article(content / f"{a['article']}.md")
        blk, hl = a["block"], a.get("headline") or {}
        x, y, w, h = grid.x(blk["col"]), grid.y(blk["line"]), grid.width(blk["cols"]), blk["lines"] * pitch
        t_style, s_style = hl.get("title", "title"), hl.get("subtitle", "subtitle")
        size = length(styles[t_style]["size"])
        if blk["line"] > 1 + (f.get("lines", 0) if f else 0):
            out.append(f"#hrule({x}, {y - (pitch - em) / 2}, {w}, {art_rule})\n")  # article rule above
        if blk["col"] > 1:
            out.append(f"#vrule({x - grid.gutter / 2}, {y - pitch / 2}, {h + pitch / 2}, {art_rule})\n")
        if not art.paragraphs:  # the banner: headline only
            out.append(f"#at({x}, {y}, {w}, {h}, align(center + horizon, stack("
                       f"{headline_markup(art, t_style, s_style, w, size)})))\n")
            continue
        cols = blk["cols"]
        photo = a.get("photo")
        paras = [list(p) for p in art.paragraphs]
        pics: list[str] = []
        # A photo standing the block's full depth in its last columns: set beside the body.
        if photo and art.photos and photo["lines"] >= blk["lines"] and photo["col"] + photo["cols"] - 1 == cols:
            cols -= photo["cols"]
            below = art.photos[0]["caption"].startswith("▼")
            pics.append(f"#at({grid.x(blk['col'] + cols)}, {y}, {grid.width(photo['cols'])}, {h}, "
                        f"{photo_box(art.photos[0], grid.width(photo['cols']), h, pitch, below)})\n")
            photo = None
        bw = grid.width(cols)
        h_cols, h_lines = hl.get("cols", cols), hl.get("lines", 5)
        cap = [blk["lines"] - (h_lines if c < h_cols else 0) for c in range(cols)] if h_cols < cols \
            else [blk["lines"] - h_lines] * cols
        floats: list[tuple[int, str]] = []  # (column index, Typst float)
        if h_cols < cols:
            # Headline over the first h_cols columns only: a float in column 1 drawn across them,
            # and empty spacers of the same depth in the others.
            hh = h_lines * pitch - (pitch - em)
            floats.append((0, f"#place(top, float: true, clearance: {pitch - em}pt, block(width: {grid.width(h_cols)}pt, "
                              f"height: {hh}pt, fill: white, align(center + horizon, stack({headline_markup(art, t_style, s_style, grid.width(h_cols), size)}))))"))
            floats += [(c, f"#place(top, float: true, clearance: {pitch - em}pt, box(width: 0pt, height: {hh}pt))")
                       for c in range(1, h_cols)]
        if photo and art.photos:
            pc, pn, pl = photo["col"] - 1, photo["cols"], photo["lines"]
            below = art.photos[0]["caption"].startswith("▼")
            where = "bottom" if below else "top"
            ph_ = pl * pitch - (pitch - em)
            floats.append((pc, f"#place({where}, float: true, clearance: {pitch - em}pt, "
                               f"{photo_box(art.photos[0], grid.width(pn), ph_, pitch, below)})"))
            floats += [(c, f"#place({where}, float: true, clearance: {pitch - em}pt, box(width: 0pt, height: {ph_}pt))")
                       for c in range(pc + 1, pc + pn)]
            for c in range(pc, pc + pn):
                cap[c] -= pl
        # Each float goes into the text where the flow should be in its column (see
        # insert_in_column); the first column's at the very start. From the back, so the line
        # estimates of earlier columns still hold.
        total = sum(para_lines(p, cpl) for p in paras)
        for c, item in sorted(floats, key=lambda ci: -ci[0]):
            lo, hi = sum(cap[:c]), min(sum(cap[:c + 1]), total)
            if c == 0:
                paras[0].insert(0, ("raw", item + " "))
            elif hi - lo >= 4:
                insert_in_column(paras, lo, hi, cpl, item)
            else:  # the text should end in or just before this column: put the float at its end
                paras[-1].append(("raw", item))
        body_md = "\n\n".join(runs_markup(p) for p in paras)
        head = ""
        if h_cols >= cols:
            head = (f"#block(width: 100%, height: {h_lines * pitch}pt, align(center + horizon, "
                    f"stack({headline_markup(art, t_style, s_style, bw, size)})))\n")
        body_top = y + (0 if h_cols < cols else h_lines * pitch)
        for c in range(1, cols):  # column rules, under the floats (those have a white ground)
            out.append(f"#vrule({grid.x(blk['col'] + c) - grid.gutter / 2}, {body_top}, {y + h - body_top}, {col_rule})\n")
        # Headline and columns in one flow (not a stack) so the columns get only the depth left.
        out.append(f"#at({x}, {y}, {bw}, {h}, [{head}#columns({cols}, gutter: {grid.gutter}pt)[\n{body_md}\n]])\n")
        out += pics
    return "".join(out)


def build_edition_typ(edition_path: Path) -> str:
    """Every page of the edition file (its ``pages:``, paths beside it) as build_typ writes it,
    one after another with a page break between: one document of the edition's pages."""
    edition = yaml.safe_load(edition_path.read_text(encoding="utf-8"))["edition"]
    return "\n#pagebreak()\n".join(build_typ((edition_path.parent / page).resolve()) for page in edition["pages"])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--spec", type=Path, default=ROOT / "layout" / "seed-page.yaml")
    ap.add_argument("--edition", type=Path, default=None, help="an edition file: all its pages in one .typ")
    ap.add_argument("-o", "--output", type=Path, default=None, help="PDF to write (default: in the temp folder)")
    ap.add_argument("--typ-dir", type=Path, default=None, help="folder for the .typ (default: a new temp folder)")
    ap.add_argument("--fonts", type=Path, default=ROOT / "fonts")
    ap.add_argument("-q", "--quiet", action="store_true")
    args = ap.parse_args(argv)
    started = time.perf_counter()
    typ_dir = args.typ_dir or Path(tempfile.mkdtemp(prefix="typst-seed-"))
    typ_dir.mkdir(parents=True, exist_ok=True)
    if args.edition is not None:
        typ = typ_dir / f"{args.edition.stem}.typ"
        typ.write_text(build_edition_typ(args.edition.resolve()), encoding="utf-8")
    else:
        typ = typ_dir / "seed-page.typ"
        typ.write_text(build_typ(args.spec.resolve()), encoding="utf-8")
    pdf = args.output or typ.with_suffix(".pdf")
    # root "/" so the photos' absolute paths resolve; only the repo's fonts (plus Typst's embedded
    # fallback faces, which this page does not use) are visible.
    typst.compile(str(typ), output=str(pdf), root="/", font_paths=[str(args.fonts)], ignore_system_fonts=True)
    if not args.quiet:
        print(f"wrote {pdf} from {typ} (typst {version('typst')}, {time.perf_counter() - started:.2f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
