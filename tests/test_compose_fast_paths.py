"""The composer's fast paths (issue 21) against the plain code they stand for: the same atoms, the
same breakpoints and penalties, on random copy full of what each path must tell apart."""

from __future__ import annotations

import re
from itertools import accumulate
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pagesetter.compose.atoms import _cut_atoms, _format_hints, _unkern_run, make_atoms, shape_marks_alone
from pagesetter.compose.chars import (
    INSEPARABLE_CLASSES, KEEP_TOGETHER_PATTERNS, NO_BREAK, NO_BREAK_SPACE_PENALTY, NO_BREAK_SPACES,
    NOT_AT_LINE_END, NOT_AT_LINE_START, CharClass, char_class,
)
from pagesetter.compose.linebreak import break_penalties, split_kinds, SPLIT_SPANS
from pagesetter.compose.lines import Run, atoms_for, han_latin_spaces, split_wide
from pagesetter.fonts.face import FaceSet
from pagesetter.fonts.manifest import load_manifest
from pagesetter.spec.loader import load_spec

ROOT = Path(__file__).resolve().parent.parent
SPEC = load_spec(ROOT / "layout" / "seed-page.yaml")
FACES = FaceSet(load_manifest(SPEC.fonts_manifest))
BODY = SPEC.styles["body"]

# Han, every kinsoku mark, dashes and ellipses, enumerators, spaces of each kind, digits, units,
# Latin letters and URL marks, format characters, characters the body face lacks (𠀀 🙂): what
# break_penalties and make_atoms look at.
ALPHABET = ("在防疫一线发挥第年月日时米℃％𠀀🙂" "，。、；：？！（）《》“”‘’·—…～–"
            "①②⑴㈠" " \u3000\u00a0\u202f" "0123456789０１２" "AbcXyz" "./-@_?" "\u200b\u00ad\u2060")
copy = st.text(alphabet=ALPHABET, min_size=0, max_size=60)


def _reference_break_penalties(atoms, splits):  # type: ignore[no-untyped-def]
    """break_penalties as it was written before its break table (a test oracle): one test per atom."""
    last_resort = splits == "last_pass"
    classes = [a.cls for a in atoms]
    firsts = [a.text[:1] for a in atoms]
    lasts = [a.text[-1:] for a in atoms]
    space, dash = CharClass.SPACE, CharClass.DASH
    n = len(atoms)
    breaks = [j for j in range(1, n)
              if firsts[j] not in NOT_AT_LINE_START and lasts[j - 1] not in NOT_AT_LINE_END
              and not (classes[j] == classes[j - 1] and classes[j] in INSEPARABLE_CLASSES)
              and not (classes[j] is dash and (j + 1 == n or classes[j + 1] is not dash))
              and classes[j] != space]
    text = "".join([a.text for a in atoms])
    inside: dict[int, float] = {}
    for rule in KEEP_TOGETHER_PATTERNS:
        cost = rule.cost
        if splits == "none" or (splits == "every_pass" and not rule.every_pass):
            cost = NO_BREAK
        for match in re.finditer(rule.pattern, text):
            for k in range(match.start() + 1, match.end()):
                inside[k] = max(inside.get(k, 0.0), cost)
    starts = accumulate([len(a.text) for a in atoms[:-1]])
    kept = {j: inside[offset] for j, offset in enumerate(starts, 1) if offset in inside} if inside else {}
    for j in breaks:
        if lasts[j - 1] in NO_BREAK_SPACES:
            kept[j] = max(kept.get(j, 0.0), NO_BREAK_SPACE_PENALTY if last_resort else NO_BREAK)
    if kept:
        breaks = [j for j in breaks if kept.get(j) != NO_BREAK]
    penalties = [atoms[j].penalty + kept.get(j, 0.0) for j in breaks]
    if NO_BREAK in penalties or True in [a.joined for a in atoms]:
        legal = [(j, p) for j, p in zip(breaks, penalties) if p != NO_BREAK and not atoms[j].joined]
        legal += [(j, a.penalty + kept.get(j, 0.0)) for j, a in enumerate(atoms)
                  if a.joined and a.penalty != NO_BREAK and kept.get(j) != NO_BREAK]
        legal.sort()
        breaks, penalties = [j for j, _ in legal], [p for _, p in legal]
    return breaks, penalties


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=copy, measure_em=st.sampled_from([3, 6, 13]))
def test_break_table_gives_the_plain_breakpoints_and_penalties(text: str, measure_em: int) -> None:
    atoms = split_wide(han_latin_spaces(atoms_for([Run(text, BODY)], FACES)), measure_em * 9.0)
    for splits in ("none", "every_pass", "last_pass"):
        assert break_penalties(atoms, splits) == _reference_break_penalties(atoms, splits)  # type: ignore[arg-type]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=copy)
def test_chinese_runs_cut_directly_are_the_atoms_segments_make(text: str) -> None:
    face = FACES.get(BODY.font)
    clean, hints = _format_hints(text)
    expected: list = []
    if clean:
        classes = list(map(char_class, clean))
        _cut_atoms(expected, clean, hints, shape_marks_alone(clean, face), classes, face.lacking(clean), BODY, face)
        _unkern_run(expected, face, BODY.size)
    assert make_atoms(text, BODY, face) == expected


@given(before=copy, after=copy)
def test_split_kinds_finds_what_each_kind_alone_finds(before: str, after: str) -> None:
    tail, head = before[-16:], after[:16]
    joined, cut = tail + head, len(tail)
    assert split_kinds(before, after) == [(kind, hard) for kind, hard, pattern in SPLIT_SPANS
                                          if any(m.start() < cut < m.end() for m in pattern.finditer(joined))]


def _consumes(items: list, chars: frozenset[int]) -> bool:  # type: ignore[type-arg]
    """Whether every match of this parsed sequence (re._parser's) consumes a character of
    ``chars``: one of its items must, a group or a repeat of at least once by its own contents, an
    alternation in each branch; a class only when every character it matches is one of them."""
    from re import _constants as c

    def item(op, av) -> bool:  # type: ignore[no-untyped-def]
        if op is c.LITERAL:
            return av in chars
        if op is c.IN:
            return all(o is c.LITERAL and v in chars or o is c.RANGE and all(k in chars for k in range(v[0], v[1] + 1))
                       for o, v in av)  # NEGATE, CATEGORY (\d, \w): not only these
        if op is c.SUBPATTERN:
            return _consumes(list(av[3]), chars)
        if op is c.BRANCH:
            return all(_consumes(list(branch), chars) for branch in av[1])
        if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            return av[0] >= 1 and _consumes(list(av[2]), chars)
        return False  # a look-around, an anchor, any character: nothing it must consume

    return any(item(op, av) for op, av in items)


def test_every_split_span_holds_a_digit() -> None:
    """split_kinds answers a line end with no digit in reach (chars.DIGITS) at once: no span
    SPLIT_SPANS names can be there. Proved of each pattern by reading it: every match consumes a
    digit. A kind of span that may hold none must come with a change to split_kinds."""
    from re import _parser

    digits = frozenset(ord(ch) for ch in "0123456789０１２３４５６７８９")
    for kind, _, pattern in SPLIT_SPANS:
        assert _consumes(list(_parser.parse(pattern.pattern, pattern.flags)), digits), kind
    # the reading itself tells a pattern that needs no digit from one that does
    assert not _consumes(list(_parser.parse("[0-9]*年|年[0-9]")), digits)
    assert not _consumes(list(_parser.parse(r"(?=[0-9])\w")), digits)
    assert _consumes(list(_parser.parse("(?:第[0-9]|[０-９]{2,})")), digits)


# The line from a node that the node before it in the active list measured already (another
# fitness class of the same break) is taken from that measurement (linebreak._run). The oracle
# measures every line afresh: _run's own source with that shortcut taken out.
_SHORTCUT = "if s == same_s and line and avail == same_avail:"


def _run_measuring_every_line():  # type: ignore[no-untyped-def]
    import inspect
    import textwrap

    from pagesetter.compose import linebreak

    source = textwrap.dedent(inspect.getsource(linebreak._run))
    assert source.count(_SHORTCUT) == 1  # the shortcut is where this oracle takes it out
    namespace = dict(vars(linebreak))
    exec(source.replace(_SHORTCUT, "if False:"), namespace)  # noqa: S102 - the test's oracle
    return namespace["_run"]


_PLAIN_RUN = _run_measuring_every_line()
# Han with marks of every kind and some Latin: lines that stretch, shrink and close up, so that
# several fitness classes of one break stay active.
PROSE = st.text(alphabet="在防疫一线发挥第年月日时米，。、；：？！（）《》“”—…AbcXyz0123 ", min_size=0, max_size=160)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=PROSE, measure_em=st.sampled_from([3, 5, 8, 13]), indent_em=st.sampled_from([0, 2]))
def test_knuth_plass_nodes_are_those_of_every_line_measured(text: str, measure_em: int, indent_em: int) -> None:
    from pagesetter.compose.linebreak import TOLERANCES, _Paragraph, _run, gaps_of

    measure, indent = measure_em * BODY.size, indent_em * BODY.size
    atoms = split_wide(han_latin_spaces(atoms_for([Run(text, BODY)], FACES)), measure, measure - indent)
    para = _Paragraph.of(atoms, gaps_of(atoms), measure)
    for tolerance in TOLERANCES:
        # the best node, and with it every node of its chain: breaks, fitness, demerits, spacing
        assert _run(para, measure, indent, tolerance) == _PLAIN_RUN(para, measure, indent, tolerance)
