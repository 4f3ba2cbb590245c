"""Justification and spacing quality, pagesetter against Typst on the same text (issue 14).

Two texts: the body of the seed page's articles (layout/seed-page.yaml, content/*.md, subheads
left out) and a news text full of digits, Latin, percentages, dates, quotes, —— and ……
(bench/texts/torture-news.md). Each is set by both engines in one column with the same faces
(fonts/, Typst sees only that folder), measure (13 × 9 pt = 117 pt), size (9 pt), pitch (13.5 pt),
justified with a first-line indent of two ems; run-in lead sentences in 黑体. Both PDFs are read
back with pagesetter.proof.readback.read_chars and judged by the same functions below, which take
plain lists of lines of ``Char`` so that ``pagesetter check`` can reuse them.

Measured per engine (em of the body size):
- loose: justified lines whose mean extra space between adjacent Han characters is > 0.08 em;
- extra: share of justified lines with any extra Han space (mean > 0.005 em); tight: lines whose
  Han gaps were squeezed (mean < -0.005 em);
- jumps: neighbouring justified lines whose mean Han spacing differs by more than 0.05 em;
- Han–Latin gap: from a Han character's em box to the advance box (origin, origin + advance) of
  the Latin letter or digit beside it, median, max and the share ≥ 0.4 em;
- dash/ellipsis length: a ——'s or ……'s ink from its first character's left to its last's right;
- kinsoku: a line (not the first) starting with a mark of NOT_AT_LINE_START, a line ending with
  one of NOT_AT_LINE_END, or a ——/…… split at a line end;
- splits: a range, a number and its unit (2022 / 年, 2 / 版) parted between a line and the next of
  its paragraph (what `pagesetter check` fails: the hard spans of compose/linebreak.py split_kinds).

Usage: python bench/typography.py [--json] [--keep DIR] [--pages]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Iterable, Sequence

from pagesetter.compose.chars import NOT_AT_LINE_END, NOT_AT_LINE_START, URL_PATTERN, CharClass, char_class, url_break_at
from pagesetter.proof.readback import Char, read_chars

ROOT = Path(__file__).resolve().parent.parent
SEED_SPEC = ROOT / "layout" / "seed-page.yaml"
TORTURE = ROOT / "bench" / "texts" / "torture-news.md"
# The copy of the torture pages (tests/pages/layout/torture-*.yaml), one text per page: its
# articles' files are named after the page (latin-urls.md is on torture-latin).
TORTURE_PAGES = ROOT / "tests" / "pages" / "content" / "torture"
FONTS = ROOT / "fonts"

SIZE = 9.0  # pt, 小五
MEASURE = 13 * SIZE  # 117 pt
PITCH = 13.5
INDENT = 2 * SIZE
MARGIN = 10.0  # pt of page around the column

LOOSE = 0.08  # em of mean extra space between Han: a loose line (issue 14)
EXTRA = 0.005  # em: any extra space at all (rounding of PDF coordinates stays below this)
JUMP = 0.05  # em: a visible change of Han spacing from one line to the next
WIDE_GAP = 0.4  # em: a Han–Latin gap a reader sees as a hole


# ---- the measures: pure functions over lines of Char ----

Line = Sequence[Char]


def is_han(ch: str) -> bool:
    """A character on the grid that is not a mark: Han, kana, full-width symbols."""
    return char_class(ch) == CharClass.HAN


def is_latin(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def lines_of(chars: Iterable[Char]) -> list[list[Char]]:
    """One column's characters as lines, top to bottom, each in reading order; spaces inside a
    line are kept (two Han a space the copy typed stands between are no pair: 记者 张明), those
    at its ends dropped."""
    rows: dict[float, list[Char]] = {}
    for c in chars:
        rows.setdefault(round(c.baseline, 1), []).append(c)
    lines = []
    for b in sorted(rows):
        line = sorted(rows[b], key=lambda c: c.x)
        solid = [k for k, c in enumerate(line) if not c.text.isspace()]
        if solid:
            lines.append(line[solid[0]:solid[-1] + 1])
    return lines


def _solid(line: Line) -> list[Char]:
    return [c for c in line if not c.text.isspace()]


def justified(lines: Sequence[Line], em: float) -> list[bool]:
    """Which lines are justified: all but a paragraph's last. A paragraph starts with an indented
    line (first-line indent, two ems), so a line is a paragraph's last when the next is indented."""
    if not lines:
        return []
    left = statistics.median_low([line[0].x for line in lines])
    out = []
    for i in range(len(lines)):
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        out.append(nxt is not None and nxt[0].x < left + em)
    return out


def han_extra(line: Line, em: float) -> float | None:
    """Mean space between adjacent Han characters beyond their em boxes, in em (None: no pair)."""
    gaps = [(b.x - a.x - em) / em for a, b in zip(line, line[1:]) if is_han(a.text) and is_han(b.text)]
    return sum(gaps) / len(gaps) if gaps else None


def han_latin_gaps(line: Line, em: float) -> list[float]:
    """Every gap between a Han character's em box and a Latin letter's or digit's advance box, em."""
    out = []
    line = _solid(line)  # an ASCII space between Han and a digit is part of the gap (管辖 348 个)
    for a, b in zip(line, line[1:]):
        if is_han(a.text) and is_latin(b.text):
            out.append((b.x - (a.x + em)) / em)
        elif is_latin(a.text) and is_han(b.text):
            out.append((b.x - a.right) / em)
    return out


def mark_lengths(lines: Sequence[Line], mark: str, em: float) -> list[float]:
    """The ink length of every pair of ``mark`` (—— or ……) set on one line, in em."""
    out = []
    for line in lines:
        i = 0
        while i < len(line):
            if line[i].text == mark:
                j = i
                while j + 1 < len(line) and line[j + 1].text == mark:
                    j += 1
                run = line[i:j + 1]
                out.append((max(c.ink_right for c in run) - min(c.ink_left for c in run)) / em)
                i = j + 1
            else:
                i += 1
    return out


def splits(lines: Sequence[Line], flags: Sequence[bool]) -> list[str]:
    """A kept-together span (2022年5月, 0～7℃, 2版) across a line end inside a paragraph."""
    from pagesetter.compose.linebreak import split_kinds

    out = []
    for line, nxt, flag in zip(lines, lines[1:], flags):
        tail, head = "".join(c.text for c in _solid(line)), "".join(c.text for c in _solid(nxt))
        if flag and any(hard for _, hard in split_kinds(tail, head)):
            out.append(f"{tail} / {head}")
    return out


def kinsoku(lines: Sequence[Line]) -> list[str]:
    """Lines that break a kinsoku rule (clreq §3.1.7) or split a ——/…… at their end. A line that
    starts with the mark a URL or e-mail address breaks before (.example.org: Chicago, compose/chars.py
    url_break_at) goes on with the address, no kinsoku."""
    bad = []
    texts = ["".join(c.text for c in _solid(line)) for line in lines]
    for i, text in enumerate(texts):
        split = any((len(text) - len(text.rstrip(m))) % 2 == 1 for m in "—…") and i + 1 < len(lines) \
            and lines[i + 1][0].text in "—…"
        if (i and text[0] in NOT_AT_LINE_START and not _url_goes_on(texts[i - 1], text)) \
                or text[-1] in NOT_AT_LINE_END or split:
            bad.append(text)
    return bad


def _url_goes_on(before: str, text: str) -> bool:
    """Does an address that ``before`` ends run on into ``text``, parted where Chicago breaks it?"""
    cut = len(before)
    return any(url_break_at(m.group(), cut - m.start()) for m in re.finditer(URL_PATTERN, before + text)
               if m.start() < cut < m.end())


@dataclass(frozen=True)
class Quality:
    lines: int
    justified: int
    loose: int  # justified lines with mean Han extra > LOOSE
    extra_share: float  # share of justified lines with mean Han extra > EXTRA
    tight: int  # justified lines with mean Han extra < -EXTRA
    jumps: int  # neighbouring justified lines whose Han spacing differs by > JUMP
    han_latin_median: float
    han_latin_max: float
    han_latin_wide_share: float  # share of Han–Latin gaps >= WIDE_GAP
    han_latin_count: int
    dashes: tuple[float, ...]
    ellipses: tuple[float, ...]
    kinsoku: tuple[str, ...]
    splits: tuple[str, ...] = ()


def quality(lines: Sequence[Line], em: float) -> Quality:
    flags = justified(lines, em)
    extras = [han_extra(line, em) if j else None for line, j in zip(lines, flags)]
    measured = [x for x, j in zip(extras, flags) if j and x is not None]
    jumps = sum(1 for (a, ja), (b, jb) in zip(zip(extras, flags), zip(extras[1:], flags[1:]))
                if ja and jb and a is not None and b is not None and abs(a - b) > JUMP)
    hl = [g for line in lines for g in han_latin_gaps(line, em)]
    n_just = sum(flags)
    return Quality(
        lines=len(lines), justified=n_just,
        loose=sum(1 for x in measured if x > LOOSE),
        extra_share=sum(1 for x in measured if x > EXTRA) / n_just if n_just else 0.0,
        tight=sum(1 for x in measured if x < -EXTRA),
        jumps=jumps,
        han_latin_median=statistics.median(hl) if hl else 0.0,
        han_latin_max=max(hl, default=0.0),
        han_latin_wide_share=sum(1 for g in hl if g >= WIDE_GAP - 1e-9) / len(hl) if hl else 0.0,
        han_latin_count=len(hl),
        dashes=tuple(mark_lengths(lines, "—", em)),
        ellipses=tuple(mark_lengths(lines, "…", em)),
        kinsoku=tuple(kinsoku(lines)),
        splits=tuple(splits(lines, flags)),
    )


# ---- the texts ----

Paragraph = list[tuple[str, bool]]  # (text, lead sentence)


def _article_paragraphs(path: Path) -> list[Paragraph]:
    from pagesetter.content.normalise import normalise_article
    from pagesetter.content.reader import read_article

    article, _ = normalise_article(read_article(path, ROOT))  # the project: photos may be in content/
    return [[(s.text, s.lead) for s in p.spans] for p in article.paragraphs if not p.subhead and p.text]


def seed_text() -> list[Paragraph]:
    from pagesetter.spec.loader import load_spec

    spec = load_spec(SEED_SPEC)
    paras: list[Paragraph] = []
    for entry in spec.articles:
        paras += _article_paragraphs(spec.content_dir / f"{entry.article}.md")
    return paras


def torture_text() -> list[Paragraph]:
    return _article_paragraphs(TORTURE)


def torture_page_texts() -> dict[str, list[Paragraph]]:
    """Each torture page's copy (horizontal body paragraphs), by page: set here in the seed's
    styles and measure, so both engines meet the same text (the pages' own styles vary)."""
    pages: dict[str, list[Paragraph]] = {}
    for path in sorted(TORTURE_PAGES.glob("*.md")):
        pages.setdefault(path.stem.split("-")[0], []).extend(_article_paragraphs(path))
    return pages


# ---- the two engines ----

def ours(paras: list[Paragraph], pdf: Path, punctuation: str | None = None) -> Path:
    """The paragraphs set by pagesetter in the seed page's body and lead styles (``punctuation``:
    another style's, e.g. "quanjiao"), one line under the other, rendered to ``pdf``."""
    from pagesetter.compose.lines import Run, compose_paragraph
    from pagesetter.flow.article import to_text_line
    from pagesetter.fonts.face import FaceSet
    from pagesetter.fonts.manifest import load_manifest
    from pagesetter.pagetree import Page
    from pagesetter.render.pdf import render_pdf
    from pagesetter.spec.loader import load_spec

    spec = load_spec(SEED_SPEC)
    manifest = load_manifest(spec.fonts_manifest)
    faces = FaceSet(manifest)
    body, lead = spec.styles["body"], spec.styles["lead"]
    if punctuation is not None:
        body, lead = replace(body, punctuation=punctuation), replace(lead, punctuation=punctuation)
    lines = []
    for para in paras:
        runs = [Run(text, lead if is_lead else body) for text, is_lead in para]
        lines += compose_paragraph(runs, MEASURE, faces, indent=INDENT, justify=True)[0]
    first = MARGIN + 0.88 * SIZE
    text_lines = tuple(to_text_line(line, MARGIN, first + i * PITCH, "bench", "body") for i, line in enumerate(lines))
    page = Page("typography", (MEASURE + 2 * MARGIN, 2 * MARGIN + len(lines) * PITCH), 0.0, text_lines, (), (), ())
    pdf.write_bytes(render_pdf(page, manifest, "typography bench").pdf)
    return pdf


def _tstr(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def typst_source(paras: list[Paragraph]) -> str:
    head = (f"#set page(width: {MEASURE + 2 * MARGIN}pt, height: auto, margin: {MARGIN}pt)\n"
            f'#set text(lang: "zh", region: "cn", font: "Noto Serif CJK SC", size: {SIZE}pt, '
            "top-edge: 0.88em, bottom-edge: -0.12em)\n"
            f"#set par(justify: true, leading: {PITCH - SIZE}pt, spacing: {PITCH - SIZE}pt, "
            f"first-line-indent: (amount: {INDENT}pt, all: true))\n"
            '#let lead(s) = text(font: "Noto Sans CJK SC", s)\n\n')
    body = "\n\n".join("".join(("#lead(" + _tstr(t) + ")") if is_lead else "#" + _tstr(t) for t, is_lead in para)
                       for para in paras)
    return head + body + "\n"


def typst_pdf(paras: list[Paragraph], pdf: Path) -> Path:
    import typst

    typ = pdf.with_suffix(".typ")
    typ.write_text(typst_source(paras), encoding="utf-8")
    typst.compile(str(typ), output=str(pdf), format="pdf", font_paths=[str(FONTS)], ignore_system_fonts=True)
    return pdf


def measure(pdf: Path) -> Quality:
    return quality(lines_of(body_chars(pdf)), SIZE)


def body_chars(pdf: Path) -> list[Char]:
    """The body-size characters of ``pdf``, with the spaces drawn between them (a space the copy
    kept in Chinese text), which pdfium reports apart (as `pagesetter check` reads them)."""
    from pagesetter.proof.typography import _drawn_spaces

    chars: list[Char] = []
    for page in read_chars(pdf):
        chars += [c for c in page.chars if abs(c.size - SIZE) < 0.01]
        chars += [Char(" ", x, baseline, SIZE, x, x, x, "") for baseline, xs in _drawn_spaces(page).items()
                  for x in xs]
    return chars


def run(out: Path, pages: bool = False) -> dict[str, dict[str, dict]]:
    result: dict[str, dict[str, dict]] = {}
    texts = [("seed", seed_text()), ("torture", torture_text())]
    if pages:
        texts += list(torture_page_texts().items())
    for name, paras in texts:
        result[name] = {
            "pagesetter": asdict(measure(ours(paras, out / f"{name}-pagesetter.pdf"))),
            "typst": asdict(measure(typst_pdf(paras, out / f"{name}-typst.pdf"))),
        }
    return result


def table(result: dict[str, dict[str, dict]]) -> str:
    head = (f"{'text':8} {'engine':10} {'lines':>5} {'just':>4} {'loose':>5} {'extra':>6} {'tight':>5} "
            f"{'jumps':>5} {'HL med':>6} {'HL max':>6} {'HL≥.4':>6} {'dashes (em)':>14} {'…… (em)':>12} {'kinsoku':>7} {'splits':>6}")
    out = [head]
    for name, engines in result.items():
        for engine, q in engines.items():
            dashes = f"{min(q['dashes']):.2f}–{max(q['dashes']):.2f}" if q["dashes"] else "-"
            dots = f"{min(q['ellipses']):.2f}–{max(q['ellipses']):.2f}" if q["ellipses"] else "-"
            out.append(f"{name:8} {engine:10} {q['lines']:5d} {q['justified']:4d} {q['loose']:5d} "
                       f"{q['extra_share']:6.0%} {q['tight']:5d} {q['jumps']:5d} {q['han_latin_median']:6.2f} "
                       f"{q['han_latin_max']:6.2f} {q['han_latin_wide_share']:6.0%} {dashes:>14} {dots:>12} "
                       f"{len(q['kinsoku']):7d} {len(q['splits']):6d}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--keep", type=Path, default=None, help="write the PDFs (and the .typ) into this folder")
    ap.add_argument("--pages", action="store_true", help="also each torture page's copy (tests/pages/content/torture)")
    args = ap.parse_args(argv)
    out = args.keep or Path(tempfile.mkdtemp(prefix="typography-"))
    out.mkdir(parents=True, exist_ok=True)
    result = run(out, args.pages)
    print(json.dumps(result, indent=2, ensure_ascii=False) if args.json else table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
