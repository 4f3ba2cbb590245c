"""The typography report: what a make-up editor checks, measured from a PDF's glyph positions.

Works on any PDF (ours or another engine's): body text is the commonest type
size; lines are characters on one baseline within one column; columns are the
line starts many lines share; the measure is the right edge most full lines
reach. Rules checked are those of compose/chars.py (clreq §3.1.7 kinsoku, the
inseparable ——/……, 孤字) and the grid.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

from pagesetter.compose.chars import DASH, ELLIPSIS, NOT_AT_LINE_END, NOT_AT_LINE_START, is_cjk
from pagesetter.proof.readback import Char, PageChars, read_chars

# Marks: their advance is set by the punctuation style, so only their ink is judged.
MARKS = frozenset("，。、；：？！“”‘’（）《》〈〉「」『』【】·—…")
TOLERANCE = 0.1  # pt: a justified line ends at its measure within this


@dataclass(frozen=True)
class Line:
    page: int
    chars: tuple[Char, ...]

    @property
    def text(self) -> str:
        return "".join(c.text for c in self.chars)

    @property
    def left(self) -> float:
        return self.chars[0].x

    @property
    def baseline(self) -> float:
        return self.chars[0].baseline

    @property
    def size(self) -> float:
        return self.chars[0].size

    @property
    def right(self) -> float:
        """Where the line ends: the em box of a Han character, the ink of a mark, else the advance."""
        return char_end(self.chars[-1])


def char_end(c: Char) -> float:
    if c.text in MARKS:
        return c.ink_right
    return c.x + c.size if is_cjk(c.text) else c.right


@dataclass
class Finding:
    page: int
    baseline: float
    text: str
    detail: str = ""


@dataclass
class TypographyReport:
    pages: int = 0
    body_size: float = 0.0
    lines: int = 0
    justified_lines: int = 0
    kinsoku: list[Finding] = field(default_factory=list)
    split_marks: list[Finding] = field(default_factory=list)
    off_measure: list[Finding] = field(default_factory=list)
    lone_char: list[Finding] = field(default_factory=list)
    off_grid: list[Finding] = field(default_factory=list)
    gap_em: dict[str, float] = field(default_factory=dict)  # spacing between Han characters

    @property
    def problems(self) -> int:
        return len(self.kinsoku) + len(self.split_marks) + len(self.off_measure) + len(self.lone_char) \
            + len(self.off_grid)

    def to_json(self) -> dict:
        data = asdict(self)
        data["problems"] = self.problems
        return data

    def summary(self) -> str:
        gap = self.gap_em
        spread = (f"Han spacing {gap['min']:+.3f}…{gap['max']:+.3f} em (median {gap['median']:+.3f})"
                  if gap else "no Han spacing measured")
        return (f"typography: {self.lines} body lines ({self.justified_lines} justified), "
                f"{len(self.kinsoku)} kinsoku, {len(self.split_marks)} split ——/……, "
                f"{len(self.off_measure)} off the measure, {len(self.lone_char)} 孤字, "
                f"{len(self.off_grid)} off the grid; {spread}")

    def text(self) -> str:
        out = [self.summary()]
        for title, items in (("kinsoku", self.kinsoku), ("split ——/……", self.split_marks),
                             ("off the measure", self.off_measure), ("孤字", self.lone_char),
                             ("off the grid", self.off_grid)):
            for f in items:
                out.append(f"  page {f.page}, baseline {f.baseline:.2f} pt: {title}: {f.text} {f.detail}".rstrip())
        return "\n".join(out)


def check_pdf(pdf_path: Path) -> TypographyReport:
    return analyse(read_chars(pdf_path))


def analyse(pages: list[PageChars]) -> TypographyReport:
    report = TypographyReport(pages=len(pages))
    sizes = Counter(round(c.size, 2) for p in pages for c in p.chars)
    if not sizes:
        return report
    report.body_size = body = sizes.most_common(1)[0][0]
    gaps: list[float] = []
    for page in pages:
        lines = _lines(page, body)
        columns = _columns(lines, body)
        report.lines += len(lines)
        for col_lines in columns:
            _check_column(col_lines, body, report, gaps)
        _check_grid(lines, body, report)
    if gaps:
        report.gap_em = {"min": min(gaps), "median": statistics.median(gaps), "max": max(gaps)}
    return report


def _lines(page: PageChars, body: float) -> list[Line]:
    """Body-size characters on one baseline, cut where a gap is as wide as a gutter.

    Gaps inside a justified line stay under half an em (clreq §3.8 limits); a gutter is an em.
    A mark's end is its ink: its advance in the PDF is not the width the style gave it.
    """
    chars = sorted((c for c in page.chars if abs(c.size - body) < 0.01 and not c.text.isspace()),
                   key=lambda c: (round(c.baseline, 1), c.x))
    lines: list[Line] = []
    current: list[Char] = []
    for c in chars:
        prev = current[-1] if current else None
        # A gutter puts at least 1.5 em between origins and half an em of white between inks;
        # inside a line neither happens at once (clreq §3.8 limits on spacing).
        gutter = prev is not None and c.x - prev.x > 1.4 * body and c.x - char_end(prev) > 0.6 * body
        if prev and (abs(c.baseline - prev.baseline) > 0.1 or gutter):
            lines.append(Line(page.number, tuple(current)))
            current = []
        current.append(c)
    if current:
        lines.append(Line(page.number, tuple(current)))
    return lines


def _columns(lines: list[Line], body: float) -> list[list[Line]]:
    """Group lines by the column start they share (first lines are indented up to two ems)."""
    starts = Counter(round(line.left, 1) for line in lines)
    common = sorted(x for x, n in starts.items() if n >= 3)
    # an indented first line is not a column start: drop starts up to 2.5 em right of another
    column_lefts = [x for x in common if not any(0 < x - y <= 2.5 * body for y in common)]
    groups: dict[tuple[float, int], list[Line]] = {}
    for line in lines:
        owners = [x for x in column_lefts if x - 0.5 <= line.left <= x + 2.5 * body]
        key = owners[-1] if owners else round(line.left, 1)
        # a line that crosses the next column start (a caption under a two-column photo) has its own measure
        wider = [x for x in column_lefts if key < x < line.chars[-1].x]
        groups.setdefault((key, len(wider)), []).append(line)
    return [sorted(g, key=lambda line: line.baseline) for g in groups.values()]


def _check_column(lines: list[Line], body: float, report: TypographyReport, gaps: list[float]) -> None:
    rights = Counter(round(line.right, 1) for line in lines if line.chars[-1].text not in MARKS)
    if not rights:
        return
    measure_right = max(rights.most_common(3))[0] if len(lines) > 1 else lines[0].right
    steps = Counter(round(b.baseline - a.baseline, 2) for a, b in zip(lines, lines[1:]))
    pitch = steps.most_common(1)[0][0] if steps else body * 1.5
    lines = [line for k, line in enumerate(lines) if not _other_measure(lines, k, measure_right, pitch, body)]
    for i, line in enumerate(lines):
        text = line.text
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        if text[0] in NOT_AT_LINE_START or text[-1] in NOT_AT_LINE_END:
            report.kinsoku.append(Finding(line.page, line.baseline, text))
        for mark in (DASH, ELLIPSIS):
            trailing = len(text) - len(text.rstrip("".join(mark)))
            if trailing % 2 == 1:
                report.split_marks.append(Finding(line.page, line.baseline, text))
        paragraph_end = line.right < measure_right - body * 0.9 or (
            nxt is not None and nxt.left > lines[0].left + body * 1.5 and nxt.left > line.left + body * 1.5)
        if paragraph_end:
            solid = [c for c in text if c not in MARKS]
            if len(solid) <= 1:
                report.lone_char.append(Finding(line.page, line.baseline, text))
            continue
        report.justified_lines += 1
        last = line.chars[-1]
        off = (last.ink_right - measure_right > TOLERANCE) if last.text in MARKS else \
            abs(line.right - measure_right) > TOLERANCE
        if off:
            report.off_measure.append(Finding(line.page, line.baseline, text,
                                              f"ends at {line.right:.2f}, measure at {measure_right:.2f}"))
        for a, b in zip(line.chars, line.chars[1:]):
            if is_cjk(a.text) and is_cjk(b.text) and a.text not in MARKS and b.text not in MARKS:
                gaps.append((b.x - a.x - a.size) / a.size)


def _other_measure(lines: list[Line], k: int, measure_right: float, pitch: float, body: float) -> bool:
    """A line that runs past this column's measure belongs to a wider one: a caption under a
    two-column photo, a one-line note. Overrun only counts when the line continues a paragraph."""
    line = lines[k]
    if line.right > measure_right + 0.5 * body:
        return True
    if line.right <= measure_right + TOLERANCE:
        return False
    nxt = lines[k + 1] if k + 1 < len(lines) else None
    return nxt is None or nxt.baseline - line.baseline > 1.5 * pitch


def _check_grid(lines: list[Line], body: float, report: TypographyReport) -> None:
    """Every body baseline on one grid: the commonest line pitch, the commonest phase."""
    baselines = sorted({round(line.baseline, 2) for line in lines})
    steps = Counter(round(b - a, 2) for a, b in zip(baselines, baselines[1:]) if b - a > body * 0.5)
    if not steps:
        return
    pitch = steps.most_common(1)[0][0]
    phases = Counter(round(b % pitch, 1) for b in baselines)
    phase = phases.most_common(1)[0][0]
    for line in lines:
        residue = (line.baseline - phase) % pitch
        if min(residue, pitch - residue) > 0.05:
            report.off_grid.append(Finding(line.page, line.baseline, line.text, f"grid pitch {pitch} pt"))
