"""What the build and `check` say of a line's text, read back from built pages: a flow warning
carries the copy's text it quotes as fields (errors.Warning.article, .quoted), and the build's
gate tells what the flow has said from those, not from the message's words; messages show the
copy as printed (an ideographic space as itself, an invisible character as ⟨U+200B⟩), and `check`
shows the white between a table's figures; an edition's `build --json` has each page's
past-measure and typography warnings as a one-page build's has them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from pagesetter.build import build_page
from pagesetter.errors import quoted, visible
from pagesetter.proof.report import gate_pdf, unsaid
from pagesetter.proof.typography import Finding, TypographyReport

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT / "tests" / "pages" / "layout"
SPANS = PAGES / "trial-spans.yaml"  # a table's rows parted between lines (standings.md)
ENV = dict(os.environ, PYTHONWARNINGS="ignore", PAGESETTER_CACHE="off")


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pagesetter", *args], capture_output=True, text=True,
                          timeout=600, env=ENV, cwd=ROOT)


@pytest.fixture(scope="module")
def spans(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    return build_page(SPANS, tmp_path_factory.mktemp("spans"))


def _splits(result) -> list:  # type: ignore[no-untyped-def]
    return [w for w in result.warnings if w.kind == "split-span" and w.article == "standings"]


def test_a_split_span_warning_carries_the_article_and_the_text_it_quotes(spans) -> None:  # type: ignore[no-untyped-def]
    """The row 9　长春亚泰　　9-7-10　　34 parted after 9-7-: the article and both sides as fields."""
    assert ("亚泰\u3000\u30009-7-", "10\u3000\u300034") in [w.quoted for w in _splits(spans)], spans.warnings


def test_the_gate_tells_what_the_flow_said_by_fields_not_by_words(spans) -> None:  # type: ignore[no-untyped-def]
    """`check` finds each split the flow warned of; the build says it once (the flow's). Reworded
    (the message is for the reader), the flow's warning still says it: the gate compares the
    article and the quoted text, not the message's words."""
    gate = gate_pdf(spans.pdf_path)
    found = [c for c in gate.check_warnings if c.key == "split_spans"]
    assert len(found) == len(_splits(spans)) == 4, (found, spans.warnings)
    assert [c.warning for c in found] == unsaid(tuple(found), ())  # nothing said: each is said
    assert unsaid(tuple(found), spans.warnings) == []
    reworded = [replace(w, message="拆行：" + w.message.upper()) for w in spans.warnings]
    assert unsaid(tuple(found), reworded) == []
    # another article's warning with the same text has not said it
    moved = [replace(w, article="market") for w in spans.warnings]
    assert len(unsaid(tuple(found), moved)) == 4


def test_warnings_show_the_copy_as_printed(tmp_path: Path) -> None:
    """The split-span warnings quote the row's ideographic spaces as themselves, not as \\u3000."""
    run = _run("build", str(SPANS), "-o", str(tmp_path))
    assert run.returncode == 0, run.stderr
    said = [line for line in run.stderr.splitlines() if ": split-span: article 'standings'" in line]
    assert len(said) == 4, run.stderr
    assert "\\u" not in run.stderr, run.stderr
    assert any("parted between '亚泰\u3000\u30009-7-' and '10\u3000\u300034': " in line for line in said), said
    assert all(line.startswith("warning: tests/pages/content/trial-spans/standings.md:") for line in said), said


@pytest.mark.parametrize("text, shown", [
    ("江城FC\u3000\u30008-6-12", "'江城FC\u3000\u30008-6-12'"),  # a space of any width is the text
    ("零宽\u200b空格", "'零宽⟨U+200B⟩空格'"),  # invisible: named
    ("软\u00ad连字符\ufeff", "'软⟨U+00AD⟩连字符⟨U+FEFF⟩'"),
    ("制表\t符", "'制表⟨U+0009⟩符'"),
    ("分行\u2028符\n", "'分行⟨U+2028⟩符⟨U+000A⟩'"),  # would break the message's one line
    ("D'Angelo和", "\"D'Angelo和\""),  # quoted as it always was
    ("路径C:\\data", "'路径C:\\data'"),  # the text itself: a backslash is not doubled
])
def test_a_quoted_text_is_readable_and_one_line(text: str, shown: str) -> None:
    assert quoted(text) == shown
    assert len(quoted(text).splitlines()) == 1 and visible(text) == shown[1:-1]


def test_check_shows_invisible_characters_and_keeps_each_finding_one_line() -> None:
    report = TypographyReport(pages=1, lone_char=[Finding(1, 100.0, "字\u200b"), Finding(1, 113.5, "行\u2029")],
                              holes=[Finding(1, 127.0, "甲\u3000乙", "1.00 em of white between 甲 and \u2060")])
    lines = report.text().splitlines()
    assert len(lines) == 4, lines
    assert lines[1].endswith("孤字: 字⟨U+200B⟩") and lines[2].endswith("孤字: 行⟨U+2029⟩"), lines
    assert lines[3].endswith(": 甲\u3000乙 1.00 em of white between 甲 and ⟨U+2060⟩"), lines


def test_check_keeps_the_gaps_between_a_rows_figures(spans) -> None:  # type: ignore[no-untyped-def]
    """11　江城FC　　　8-6-12　　30 parted after 8-6-: `check` reads the white between the figures
    back as a space (11 江城FC 8-6- / 12 30), not run together (11江城FC8-6- / 1230). (A very
    loose line's spread is no such gap: tests/test_range_dash.py reads 各区县要每天8:00— whole.)"""
    run = _run("check", str(spans.pdf_path))
    split = [line for line in run.stdout.splitlines() if "split across lines:" in line]
    assert any(line.endswith("split across lines: 11 江城FC 8-6- / 12 30 (numbers joined by hyphens)")
               for line in split), run.stdout
    assert not any("江城FC8" in line or "/ 1230" in line for line in split), split
    found = json.loads(_run("check", "--json", str(spans.pdf_path)).stdout)[str(spans.pdf_path)]
    assert "11 江城FC 8-6- / 12 30" in [f["text"] for f in found["split_spans"]], found["split_spans"]
    assert all(set(f) == {"page", "baseline", "text", "detail", "where"} for f in found["split_spans"])


def _page_warnings(document: dict) -> list[dict]:
    [page] = document["pages"]
    return [w for w in page["warnings"] if w["kind"] in ("past-measure", "typography")]


def test_an_editions_json_has_each_pages_check_warnings(tmp_path: Path) -> None:
    """headline-spaces.yaml built alone and as an edition's page: the same past-measure and
    typography warnings (its paragraph ends alone at a column's head, which only check finds), with
    the same fields, in its page entry of `build --json` as on stderr."""
    one = _run("build", "--json", str(PAGES / "headline-spaces.yaml"), "-o", str(tmp_path / "one"))
    edition = _run("build", "--json", str(PAGES / "check-warnings-edition.yaml"), "-o", str(tmp_path / "edition"))
    assert one.returncode == 0 and edition.returncode == 0, (one.stderr, edition.stderr)
    alone = _page_warnings(json.loads(one.stdout))
    assert len(alone) >= 1 and {w["kind"] for w in alone} == {"typography"}, alone
    assert _page_warnings(json.loads(edition.stdout)) == alone
    said = [line for line in edition.stderr.splitlines() if ": typography: " in line]
    assert said == [f"warning: {w['where']}: {w['kind']}: {w['message']}" for w in alone], said


def test_an_editions_json_puts_each_flow_warning_on_its_page(tmp_path: Path) -> None:
    """Trial 11: an edition's pages' very-loose and table-size warnings (the flow's, located in
    their copy) are in each page's entry of `build --json`, the same as each page built alone, and
    not in the edition's own `warnings`."""
    edition = _run("build", "--json", str(PAGES / "flow-warnings-edition.yaml"), "-o", str(tmp_path / "edition"))
    assert edition.returncode == 0, edition.stderr
    document = json.loads(edition.stdout)
    kinds = ("very-loose", "table-size", "underset")
    assert not [w for w in document["warnings"] if w["kind"] in kinds], document["warnings"]
    for n, name in enumerate(("range-dash", "tables-row")):
        one = _run("build", "--json", str(PAGES / f"{name}.yaml"), "-o", str(tmp_path / name))
        assert one.returncode == 0, one.stderr
        [alone] = json.loads(one.stdout)["pages"]
        flow = [w for w in alone["warnings"] if w["kind"] in kinds]
        assert flow, (name, alone["warnings"])
        page = document["pages"][n]
        assert page["pdf"].endswith(f"{name}.pdf")
        assert [w for w in page["warnings"] if w["kind"] in kinds] == flow


def test_an_editions_typography_warning_names_the_editions_page(tmp_path: Path) -> None:
    """Session 17: a typography warning of an edition's second page (found in that page's own
    one-page PDF, in its worker) said "page 1". Named as the edition's other messages and `check`
    of the combined PDF name it: page 2, where the combined PDF has the warned line at that
    baseline (read back)."""
    import re

    import pdfplumber

    run = _run("build", str(PAGES / "check-warnings-later-edition.yaml"), "-o", str(tmp_path))
    assert run.returncode == 0, run.stderr
    said = [line for line in run.stderr.splitlines() if ": typography: article 'latin'" in line]
    assert len(said) == 1, run.stderr
    found = re.search(r"article 'latin', page (\d+), baseline ([\d.]+) pt: [^:]+: (\S+)", said[0])
    assert found, said
    page, baseline, text = int(found[1]), float(found[2]), found[3]
    assert page == 2, said
    with pdfplumber.open(tmp_path / "check-warnings-later-edition.pdf") as doc:
        sheet = doc.pages[page - 1]
        line = "".join(c["text"] for c in sorted(sheet.chars, key=lambda c: c["x0"])
                       if abs(sheet.height - c["y0"] - baseline) < 1.5 or abs(c["bottom"] - baseline) < 1.5)
    assert text[:6] in line, (line, said)
