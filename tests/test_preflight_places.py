"""Small text in several inks (PRINT.md: under 12 pt, 100 % K only): preflight says each cause once
a place, naming the article and the part of its module it stands in (the layout record's frames)
and how many text runs, read back from the built PDF of tests/pages/layout/rich-black.yaml.
Trial 9 (r-colour) got ten identical "rich black: 9 pt text in rich black" lines naming only the
page. A PDF from elsewhere (no layout record) is said once a cause, with its count."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from reportlab.lib.colors import CMYKColor
from reportlab.pdfgen.canvas import Canvas

from pagesetter.build import build_page
from pagesetter.proof.preflight import preflight

PAGE = Path(__file__).resolve().parent / "pages" / "layout" / "rich-black.yaml"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    return build_page(PAGE, tmp_path_factory.mktemp("rich-black"))


def _lines(built, article: str, role: str) -> int:
    return sum(1 for line in built.page.lines if line.article == article and line.role == role)


def test_rich_black_is_said_once_a_place_with_its_article_part_and_count(built) -> None:
    found = [f.message for f in preflight(built.pdf_path).findings if f.check == "rich black"]
    body, subhead = _lines(built, "rich", "body"), _lines(built, "rich", "subhead")
    assert body > 8 and subhead == 1
    assert sorted(found) == sorted([
        f"9 pt text in rich black (60, 40, 40, 100); {body} text runs in article 'rich' "
        "(body, tests/pages/content/rich-black/rich.md)",
        "10.5 pt text in rich black (60, 40, 40, 100); 1 text run in article 'rich' "
        "(subhead, tests/pages/content/rich-black/rich.md)"]), found


def test_text_in_three_inks_is_said_once_with_its_article_and_count(built) -> None:
    found = [f.message for f in preflight(built.pdf_path).findings if f.check == "registration"]
    body = _lines(built, "blue", "body")
    assert found == [f"9 pt text in 3 inks (100, 60, 0, 20): misregistration makes it fuzzy; {body} text runs "
                     "in article 'blue' (body, tests/pages/content/rich-black/blue.md)"], found


def test_the_build_says_each_cause_on_one_line(tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, "-m", "pagesetter", "build", "-q", "-o", str(tmp_path), str(PAGE)],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    said = [line for line in run.stderr.splitlines() if "preflight warning" in line]
    assert len(said) == 3, run.stderr
    assert all(": page 1: preflight warning: " in line and "in article '" in line for line in said), said


def _foreign(path: Path, runs: int) -> None:
    """A PDF from elsewhere (reportlab, no layout record): ``runs`` lines of 5 pt rich black text
    and as many in two inks."""
    canvas = Canvas(str(path), pagesize=(300, 300))
    canvas.setFont("Helvetica", 5)
    for k in range(runs):
        canvas.setFillColor(CMYKColor(0.6, 0.4, 0.4, 1.0))
        canvas.drawString(20, 20 + 8 * k, "rich black at 5 pt")
        canvas.setFillColor(CMYKColor(0.0, 1.0, 1.0, 0.0))
        canvas.drawString(150, 20 + 8 * k, "red at 5 pt")
    canvas.showPage()
    canvas.save()


def test_a_foreign_pdf_is_said_once_a_cause(tmp_path: Path) -> None:
    pdf = tmp_path / "foreign.pdf"
    _foreign(pdf, 10)
    found = [(f.check, f.message) for f in preflight(pdf).findings if f.check in ("rich black", "registration")]
    assert found == [("rich black", "5 pt text in rich black (60, 40, 40, 100); 10 text runs"),
                     ("registration", "5 pt text in 2 inks (0, 100, 100, 0): misregistration makes it fuzzy; "
                                      "10 text runs")], found
    run = subprocess.run([sys.executable, "-m", "pagesetter", "preflight", str(pdf)], capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 6, run.stdout + run.stderr  # not PDF/X: errors, and no traceback
    assert run.stdout.count("warning: rich black:") == 1 and "Traceback" not in run.stderr, run.stdout


# Trial 17a (#2, #5, #9): white type reversed out of several inks, one warning per colour style
# and article, and the total-ink error named by its place (tests/pages/layout/ink-places.yaml and
# ink-over.yaml), or refused at the spec's line when the spec's own tint is over the limit.
INK_PLACES = PAGE.parent / "ink-places.yaml"
INK_OVER = PAGE.parent / "ink-over.yaml"


@pytest.fixture(scope="module")
def inked(tmp_path_factory: pytest.TempPathFactory):
    return build_page(INK_PLACES, tmp_path_factory.mktemp("ink-places"))


def _runs(built, article: str, roles: tuple[str, ...] = ("body",)) -> int:
    return sum(1 for line in built.page.lines if line.article == article and line.role in roles)


def test_white_type_reversed_out_of_four_inks_is_warned_as_colour_text_is(inked) -> None:
    found = [f.message for f in preflight(inked.pdf_path).findings
             if f.check == "registration" and "'shows'" not in f.message]
    body = _runs(inked, "panel")
    assert body >= 5, body
    # the 9 pt body on the four-ink panel; not its 小一 title (over 12 pt), nor white on one ink
    assert found == [f"9 pt white text reversed out of 4 inks (60, 40, 40, 60): misregistration fills it in; "
                     f"{body} text runs in article 'panel' (body, tests/pages/content/ink-places/panel.md)"], found


def test_one_colour_style_is_one_warning_for_its_article(inked) -> None:
    found = [f.message for f in preflight(inked.pdf_path).findings if "'shows'" in f.message]
    lines = _runs(inked, "shows")
    assert lines == 12, lines  # six items, two lines each
    # trial 17a: three warnings, "(body, …)", "(end, …)" and "(content/shows.md)", for one style
    assert found == [f"9 pt text in 2 inks (100, 60, 0, 0): misregistration makes it fuzzy; {lines} text runs in "
                     "article 'shows' (body, tests/pages/content/ink-places/shows.md)"], found


def test_the_coverage_error_names_the_articles_over_the_limit(tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, "-m", "pagesetter", "build", "-q", "--json", "-o", str(tmp_path),
                          str(INK_OVER)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 6, run.stdout + run.stderr
    # by the finding's check, not the word: the test's own folder (test_the_coverage_error_…) is in every line
    said = [line for line in run.stderr.splitlines() if ": preflight error: coverage: " in line]
    assert said == [f"{tmp_path / 'ink-over.pdf'}: page 1: preflight error: coverage: total area coverage 270 % over "
                    "240 % in article 'dark' (body, headline, tests/pages/content/ink-over/dark.md), article 'hot' "
                    "(headline, tests/pages/content/ink-over/hot.md)"], run.stderr
    import json

    findings = json.loads(run.stdout)["pages"][0]["preflight"]["findings"]
    assert [f["message"] for f in findings if f["kind"] == "coverage"] == [said[0].split("coverage: ", 1)[1]]
    # and preflight of the file alone says the same
    assert [f.message for f in preflight(tmp_path / "ink-over.pdf").findings if f.check == "coverage"] == \
        [said[0].split("coverage: ", 1)[1]]


def test_a_foreign_pdf_coverage_error_names_its_place_on_the_trim(tmp_path: Path) -> None:
    """No layout record: the over-limit area by its extent from the top left of the page."""
    pdf = tmp_path / "dark.pdf"
    canvas = Canvas(str(pdf), pagesize=(300, 300))
    canvas.setFillColor(CMYKColor(1.0, 1.0, 1.0, 1.0))
    canvas.rect(50, 100, 100, 60, stroke=0, fill=1)  # 17.6 mm from the left, 49.4 mm from the top
    canvas.showPage()
    canvas.save()
    found = [f.message for f in preflight(pdf).findings if f.check == "coverage"]
    assert len(found) == 1, found
    import re

    m = re.fullmatch(r"total area coverage 400 % over 240 % at (\d+) mm from the left, (\d+) mm from the top of "
                     r"the trim \((\d+) × (\d+) mm\)", found[0])
    assert m, found
    assert [int(v) for v in m.groups()] == pytest.approx([17.6, 49.4, 35.3, 21.2], abs=1), found


def test_a_box_tint_over_the_limit_is_refused_at_its_line(project: Path) -> None:
    """The spec's own tint of 400 % (trial 17a): refused before anything is set, at its line,
    as a desk's project says it (not a preflight error naming only the PDF's page)."""
    import shutil

    shutil.copytree(INK_PLACES.parent.parent / "content" / "ink-places", project / "content" / "ink-places")
    text = INK_PLACES.read_text(encoding="utf-8").replace("../../../layout/styles/", "styles/") \
        .replace("content: ../content/", "content: ../content/").replace("../../../fonts/", "../fonts/")
    text = text.replace("tint: [60, 40, 40, 60]", "tint: [100, 100, 100, 100]")
    (project / "layout" / "ink-places.yaml").write_text(text, encoding="utf-8")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "100, 100, 100, 100" in row)
    run = subprocess.run([sys.executable, "-m", "pagesetter", "build", "-o", "out", "layout/ink-places.yaml"],
                         cwd=project, capture_output=True, text=True, timeout=300)
    assert run.returncode == 1, run.stderr
    said = run.stderr.strip().splitlines()
    assert len(said) == 1 and said[0].startswith(f"pagesetter: error: layout/ink-places.yaml:{line}:"), run.stderr
    assert "box tint of entry 'panel' totals 400 %, over the 240 % limit" in said[0], run.stderr
    assert not (project / "out" / "ink-places.pdf").exists()


def test_a_replayed_build_names_the_pdf_it_wrote_this_time(tmp_path: Path) -> None:
    """A page built again, unchanged, into another output folder is replayed from the build
    cache: its preflight lines and --json findings name the PDF this build wrote, not the one the
    recorded build wrote (ink17: the second of `-o ca`, `-o cb` said ca/ink-over.pdf)."""
    import json
    import os

    from tests.conftest import ROOT

    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    env.pop("PAGESETTER_CACHE", None)
    runs = []
    for out in ("ca", "cb"):
        run = subprocess.run([sys.executable, "-m", "pagesetter", "build", "-q", "--json", "-o", str(tmp_path / out),
                              "tests/pages/layout/ink-over.yaml"], cwd=ROOT, env=env, capture_output=True,
                             text=True, timeout=600)
        runs.append(run)
    first, second = runs
    assert first.returncode == second.returncode == 6, (first.stderr, second.stderr)
    document = json.loads(second.stdout)
    assert document["pages"][0]["cached"] is True, document["pages"][0]
    coverage = [line for line in second.stderr.splitlines() if "preflight error: coverage" in line]
    assert coverage and all(line.startswith(f"{tmp_path / 'cb' / 'ink-over.pdf'}:") for line in coverage), coverage
    assert str(tmp_path / "ca") not in second.stderr + second.stdout
    wheres = [f["where"] for f in document["pages"][0]["preflight"]["findings"]]
    assert wheres and all(w.startswith(str(tmp_path / "cb" / "ink-over.pdf")) for w in wheres), wheres
