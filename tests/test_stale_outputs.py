"""Nothing older than a build is left beside it in output/ (trial 14b #8, #12, #15).

The night desk sends whatever is in output/. A page taken out of an edition left its PDF there
(exit 0, nothing said); a build without --epaper left the 数字报 of older pages beside the new
PDFs. Commands given no spec took pagesetter.toml's edition differently (fonts refused it, epaper
asked for one); a page of an edition built alone did not say which edition to build. Every test
builds for real and reads the folder and the PDFs back."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest
from conftest import build_to_out, overset, run_cli, user_pdf

from pagesetter.proof.readback import read_chars

THREE = ("edition:\n  name: night\n  paper: 城市日报\n  date: 2022-06-30\n"
         "  pages: [tabloid-1.yaml, tabloid-2.yaml, seed-page-alt.yaml]\n")
TWO = THREE.replace(", seed-page-alt.yaml", "")


def _edition(project: Path, text: str) -> None:
    (project / "layout" / "night.yaml").write_text(text, encoding="utf-8")
    # the third sheet after 第5版 and 第6版 prints 第7版: an edition's pages run in their 版次's order
    alt = project / "layout" / "seed-page-alt.yaml"
    alt.write_text(alt.read_text(encoding="utf-8").replace("page: 第3版", "page: 第7版"), encoding="utf-8")


def _pages_of(pdf: Path) -> int:
    with pikepdf.open(pdf) as doc:
        return len(doc.pages)


def test_a_page_taken_out_of_an_edition_leaves_no_pdf_and_nothing_else_is_touched(project: Path) -> None:
    out = project / "out"
    _edition(project, THREE)
    first = build_to_out(project, "layout/night.yaml", "--preview")
    assert first.returncode == 0, first.stderr
    assert (out / "seed-page-alt.pdf").is_file() and (out / "seed-page-alt.png").is_file()
    user_pdf(out / "notes.pdf")  # the user's own file, and a page of another build
    assert build_to_out(project, "layout/seed-page.yaml").returncode == 0
    seed = (out / "seed-page.pdf").read_bytes()
    _edition(project, TWO)
    second = build_to_out(project, "layout/night.yaml")
    assert second.returncode == 0, second.stderr
    assert sorted(p.name for p in out.iterdir()) == ["night.pdf", "notes.pdf", "seed-page.pdf", "tabloid-1.pdf",
                                                     "tabloid-2.pdf"]
    for name in ("seed-page-alt.pdf", "seed-page-alt.png"):
        assert f"removed out/{name} (of page seed-page-alt, no longer in the edition night)" in second.stdout
    assert (out / "seed-page.pdf").read_bytes() == seed
    assert _pages_of(out / "night.pdf") == 2
    # built again as it is: nothing more to remove, nothing said
    third = build_to_out(project, "layout/night.yaml")
    assert third.returncode == 0 and "removed" not in third.stdout


def test_a_dropped_page_that_is_a_link_or_a_users_pdf_stays(project: Path,
                                                            tmp_path_factory: pytest.TempPathFactory) -> None:
    out = project / "out"
    elsewhere = tmp_path_factory.mktemp("elsewhere")  # out of the project (the project is tmp_path)
    _edition(project, THREE)
    assert build_to_out(project, "layout/night.yaml").returncode == 0
    # the page's PDF moved out of the project and linked back: never removed through the link
    (out / "seed-page-alt.pdf").rename(elsewhere / "seed-page-alt.pdf")
    (out / "seed-page-alt.pdf").symlink_to(elsewhere / "seed-page-alt.pdf")
    kept = (elsewhere / "seed-page-alt.pdf").read_bytes()
    _edition(project, TWO)
    linked = build_to_out(project, "layout/night.yaml")
    assert linked.returncode == 0, linked.stderr
    assert (out / "seed-page-alt.pdf").is_symlink() and (elsewhere / "seed-page-alt.pdf").read_bytes() == kept
    assert "removed" not in linked.stdout
    # a PDF of the page's name another program made, where the last build of the edition had the page
    (out / "seed-page-alt.pdf").unlink()
    _edition(project, THREE)
    assert build_to_out(project, "layout/night.yaml").returncode == 0
    user_pdf(out / "seed-page-alt.pdf")
    mine = (out / "seed-page-alt.pdf").read_bytes()
    _edition(project, TWO)
    user = build_to_out(project, "layout/night.yaml")
    assert user.returncode == 0, user.stderr
    assert (out / "seed-page-alt.pdf").read_bytes() == mine
    assert "removed" not in user.stdout


def test_a_dropped_page_named_with_an_ideographic_space_goes_as_any_other(project: Path) -> None:
    """A page name the build takes (spec/validate.py file_name) is one the clean-up knows: 要闻　三版
    (U+3000 IDEOGRAPHIC SPACE, as a desk types it) taken out of the edition left its PDF, the
    clean-up's own rule for names (str.isprintable) refusing a name the build had written."""
    name = "要闻\u3000三版"
    spec = project / "layout" / "seed-page-alt.yaml"
    spec.write_text(spec.read_text(encoding="utf-8").replace("name: seed-page-alt", f"name: {name}", 1),
                    encoding="utf-8")
    out = project / "out"
    _edition(project, THREE)
    first = build_to_out(project, "layout/night.yaml")
    assert first.returncode == 0, first.stderr
    assert (out / f"{name}.pdf").is_file()
    _edition(project, TWO)
    second = build_to_out(project, "layout/night.yaml")
    assert second.returncode == 0, second.stderr
    assert sorted(p.name for p in out.iterdir()) == ["night.pdf", "tabloid-1.pdf", "tabloid-2.pdf"]
    assert f"removed out/{name}.pdf (of page {name}, no longer in the edition night)" in second.stdout


def test_an_edition_stopped_after_a_page_was_taken_out_leaves_that_page_neither(project: Path) -> None:
    out = project / "out"
    _edition(project, THREE)
    assert build_to_out(project, "layout/night.yaml").returncode == 0
    _edition(project, TWO)
    overset(project, "xian-education")  # on tabloid-2: overset stops the edition
    stopped = build_to_out(project, "layout/night.yaml")
    assert stopped.returncode == 3, stopped.stderr
    assert sorted(p.name for p in out.iterdir()) == []
    assert "removed out/seed-page-alt.pdf (of page seed-page-alt, no longer in the edition night)" in stopped.stdout


def test_a_build_without_epaper_removes_the_older_digital_edition_and_keeps_a_current_one(
        project: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    out = project / "out"
    site = out / "epaper" / "tabloid-edition"
    first = build_to_out(project, "layout/tabloid-edition.yaml", "--epaper")
    assert first.returncode == 0, first.stderr
    assert (site / "edition.json").is_file() and (site / "a-dongfeng-media.html").is_file()
    (site / "notes.txt").write_text("the desk's notes\n", encoding="utf-8")  # not the site's: stays
    # the same inputs: the site is of these very pages, kept
    same = build_to_out(project, "layout/tabloid-edition.yaml")
    assert same.returncode == 0, same.stderr
    assert "removed" not in same.stdout
    assert (site / "pdf" / "tabloid-1.pdf").read_bytes() == (out / "tabloid-1.pdf").read_bytes()
    # a headline changed: the site's copies, page images and article pages show the older page
    article = project / "content" / "dongfeng-media.md"
    text = article.read_text(encoding="utf-8")
    assert "title: " in text
    article.write_text(text.replace("title: ", "title: 今起", 1), encoding="utf-8")
    changed = build_to_out(project, "layout/tabloid-edition.yaml")
    assert changed.returncode == 0, changed.stderr
    assert ("removed out/epaper/tabloid-edition/ (数字报 of an earlier build, older than these pages; "
            "pagesetter build --epaper -o out layout/tabloid-edition.yaml writes it again)") in changed.stdout
    assert sorted(p.relative_to(site).as_posix() for p in site.rglob("*")) == ["notes.txt"]
    page_text = "".join(c.text for p in read_chars(out / "tabloid-1.pdf") for c in p.chars)
    assert "今起" in page_text
    # a page's own site, as `pagesetter epaper` writes it, likewise
    assert run_cli(project, "epaper", "layout/seed-page.yaml", "-q").returncode == 0
    own = project / "output" / "epaper" / "seed-page"
    assert (own / "edition.json").is_file()
    assert "removed" not in run_cli(project, "build", "layout/seed-page.yaml").stdout
    assert (own / "index.html").is_file()
    article = project / "content" / "xian-education.md"
    article.write_text(article.read_text(encoding="utf-8").replace("title: ", "title: 今起", 1), encoding="utf-8")
    again = run_cli(project, "build", "layout/seed-page.yaml")
    assert again.returncode == 0, again.stderr
    assert "removed output/epaper/seed-page/ (数字报 of an earlier build" in again.stdout
    assert not own.exists()
    # never through a link: output/epaper a link out of the project, its site of older pages stays
    assert run_cli(project, "epaper", "layout/seed-page.yaml", "-q").returncode == 0
    elsewhere = tmp_path_factory.mktemp("elsewhere") / "epaper"  # out of the project
    (project / "output" / "epaper").rename(elsewhere)
    (project / "output" / "epaper").symlink_to(elsewhere)
    article.write_text(article.read_text(encoding="utf-8").replace("title: 今起", "title: 明起", 1), encoding="utf-8")
    linked = run_cli(project, "build", "layout/seed-page.yaml")
    assert linked.returncode == 0, linked.stderr
    assert "removed" not in linked.stdout
    assert (elsewhere / "seed-page" / "index.html").is_file() and (elsewhere / "seed-page" / "edition.json").is_file()


def test_every_command_that_takes_a_spec_takes_the_projects_edition(project: Path) -> None:
    (project / "pagesetter.toml").write_text('[build]\nspec = "layout/tabloid-edition.yaml"\noutput = "output"\n',
                                             encoding="utf-8")
    fonts = run_cli(project, "fonts")
    assert fonts.returncode == 0, fonts.stderr
    assert fonts.stdout == run_cli(project, "fonts", "layout/tabloid-edition.yaml").stdout
    # the edition's faces: the styles of both pages, the banner of page 1 and page 2's own
    assert "banner-title-tabloid" in fonts.stdout and "styles: body, folio, masthead" in fonts.stdout
    epaper = run_cli(project, "epaper", "-q")
    assert epaper.returncode == 0, epaper.stderr
    site = project / "output" / "epaper" / "tabloid-edition"
    assert sorted(p.name for p in (site / "pdf").iterdir()) == ["tabloid-1.pdf", "tabloid-2.pdf",
                                                                "tabloid-edition.pdf"]
    assert _pages_of(site / "pdf" / "tabloid-edition.pdf") == 2


def test_a_page_of_a_jumped_edition_built_alone_names_its_edition_and_the_command(project: Path) -> None:
    out = project / "out"
    edition = build_to_out(project, "layout/tabloid-edition.yaml")
    assert edition.returncode == 0, edition.stderr
    assert _pages_of(out / "tabloid-edition.pdf") == 2
    pages = {name: (out / name).read_bytes() for name in ("tabloid-1.pdf", "tabloid-2.pdf")}
    jumps_away = build_to_out(project, "layout/tabloid-1.yaml")
    assert jumps_away.returncode == 3, jumps_away.stderr
    assert "of the jump to a page not built." in jumps_away.stderr
    assert ("layout/tabloid-1.yaml is page 1 of layout/tabloid-edition.yaml; build the edition: "
            "pagesetter build layout/tabloid-edition.yaml") in jumps_away.stderr
    assert "Enlarge the blocks" not in jumps_away.stderr  # the jump is the edition's to carry
    continued = build_to_out(project, "layout/tabloid-2.yaml")
    assert continued.returncode == 1, continued.stderr
    [line] = continued.stderr.splitlines()
    assert line.startswith("pagesetter: error: layout/tabloid-2.yaml:35:5: 'xianglu-street' is continued from page 5")
    assert line.endswith("layout/tabloid-2.yaml is page 2 of layout/tabloid-edition.yaml; build the edition: "
                         "pagesetter build layout/tabloid-edition.yaml")
    # the wrong command, not a page that stopped: the edition's PDFs of both pages stay as they were
    assert "removed" not in jumps_away.stdout + continued.stdout
    assert {name: (out / name).read_bytes() for name in pages} == pages
    # a page no edition holds: the line says what a jump needs
    lone = project / "layout" / "lone.yaml"
    lone.write_text((project / "layout" / "tabloid-2.yaml").read_text(encoding="utf-8")
                    .replace("name: tabloid-2", "name: lone"), encoding="utf-8")
    alone = build_to_out(project, "layout/lone.yaml")
    assert alone.returncode == 1, alone.stderr
    assert alone.stderr.rstrip().endswith("a jump (continued_from) is carried only by an edition that holds this "
                                          "page and the page it jumps to or from: build that edition file "
                                          "(pagesetter build EDITION.yaml; README, Editions).")


def test_a_stopped_build_leaves_no_older_digital_edition_beside_the_removed_pdfs(project: Path) -> None:
    """Trial 16b #12: `build --epaper` stopped by overset removed every print PDF and left the
    earlier 数字报 (with copies of those PDFs) in out/epaper/, saying nothing. The site goes as the
    PDFs do (its own files only), and one line on stderr says no e-paper was written and why."""
    out = project / "out"
    site = out / "epaper" / "tabloid-edition"
    first = build_to_out(project, "layout/tabloid-edition.yaml", "--epaper")
    assert first.returncode == 0, first.stderr
    assert (site / "edition.json").is_file() and (site / "pdf" / "tabloid-1.pdf").is_file()
    (site / "notes.txt").write_text("the desk's notes\n", encoding="utf-8")  # not the site's: stays
    article = project / "content" / "xian-education.md"
    copy = article.read_text(encoding="utf-8")
    overset(project, "xian-education")  # on tabloid-2 only
    stopped = build_to_out(project, "layout/tabloid-edition.yaml", "--epaper")
    assert stopped.returncode == 3, stopped.stderr
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == [
        "epaper/tabloid-edition/notes.txt"]
    lines = [line for line in stopped.stderr.splitlines() if "e-paper" in line]
    assert lines == ["pagesetter: no e-paper written: the build stopped (below); removed "
                     "out/epaper/tabloid-edition/ (数字报 of an earlier build: this build stopped)"], stopped.stderr
    assert "Traceback" not in stopped.stderr
    # no earlier site: the line still says none was written
    again = build_to_out(project, "layout/tabloid-edition.yaml", "--epaper")
    assert again.returncode == 3, again.stderr
    assert "pagesetter: no e-paper written: the build stopped (below)\n" in again.stderr
    # a page built alone, and a build without --epaper: its site of the removed PDF goes too, said
    article.write_text(copy, encoding="utf-8")
    assert build_to_out(project, "layout/seed-page.yaml", "--epaper").returncode == 0
    assert (out / "epaper" / "seed-page" / "edition.json").is_file()
    overset(project, "xian-education")
    page = build_to_out(project, "layout/seed-page.yaml")
    assert page.returncode == 3, page.stderr
    assert "removed out/seed-page.pdf (an earlier build's: this build stopped)" in page.stdout
    assert "removed out/epaper/seed-page/ (数字报 of an earlier build: this build stopped)" in page.stdout
    assert not (out / "epaper" / "seed-page").exists()
