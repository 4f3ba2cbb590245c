"""A build that stops leaves no older page PDF beside it (README, "A build that stops").

The night desk sends whatever PDF is in output/: a page's earlier PDF left there when the next
build of it stops (overset, exit 3) reads as this build's page. A stopped build removes the page
PDF (and previews, proofs) an earlier build wrote, of its own pages only: never a file it did not
write (a user's PDF of the same name, another PDF of the folder), nor what it wrote itself (the
proof it writes before it stops)."""

from __future__ import annotations

from pathlib import Path

from conftest import build_to_out, overset, user_pdf

from pagesetter.proof.readback import read_chars


def test_a_page_stopped_by_overset_leaves_no_older_pdf_and_no_user_file_is_touched(project: Path) -> None:
    out = project / "out"
    first = build_to_out(project, "layout/seed-page.yaml", "--preview", "--proof")
    assert first.returncode == 0, first.stderr
    assert sorted(p.name for p in out.iterdir()) == ["seed-page.pdf", "seed-page.png", "seed-page.proof-a3.pdf",
                                                     "seed-page.proof.pdf", "seed-page.proof.png"]
    user_pdf(out / "notes.pdf")  # the user's own file in the output folder
    overset(project, "xian-education")
    stopped = build_to_out(project, "layout/seed-page.yaml")
    assert stopped.returncode == 3, stopped.stderr
    assert "overset" in stopped.stderr and "Traceback" not in stopped.stderr
    assert sorted(p.name for p in out.iterdir()) == ["notes.pdf"]
    assert "removed out/seed-page.pdf (an earlier build's: this build stopped)" in stopped.stdout
    for name in ("seed-page.png", "seed-page.proof.pdf", "seed-page.proof-a3.pdf", "seed-page.proof.png"):
        assert f"removed out/{name} (an earlier build's: this build stopped)" in stopped.stdout


def test_a_user_pdf_named_as_the_page_is_not_removed(project: Path) -> None:
    """A PDF of the page's name that pagesetter did not write is the user's: left as it is."""
    out = project / "out"
    out.mkdir()
    user_pdf(out / "seed-page.pdf")
    before = (out / "seed-page.pdf").read_bytes()
    overset(project, "xian-education")
    stopped = build_to_out(project, "layout/seed-page.yaml")
    assert stopped.returncode == 3, stopped.stderr
    assert (out / "seed-page.pdf").read_bytes() == before
    assert "removed" not in stopped.stdout


def test_a_stopped_build_keeps_the_proof_it_wrote_and_allow_overset_writes_a_marked_page(project: Path) -> None:
    out = project / "out"
    assert build_to_out(project, "layout/seed-page.yaml").returncode == 0
    old = (out / "seed-page.pdf").read_bytes()
    overset(project, "xian-education")
    stopped = build_to_out(project, "layout/seed-page.yaml", "--proof")
    assert stopped.returncode == 3, stopped.stderr
    assert sorted(p.name for p in out.iterdir()) == ["seed-page.proof-a3.pdf", "seed-page.proof.pdf"]
    # --allow-overset writes this build's page (exit 3 still), marked NOT FOR PRINT in its slug
    allowed = build_to_out(project, "layout/seed-page.yaml", "--allow-overset")
    assert allowed.returncode == 3, allowed.stderr
    new = out / "seed-page.pdf"
    assert new.read_bytes() != old
    text = "".join(c.text for p in read_chars(new) for c in p.chars)
    assert "OVERSET: NOT FOR PRINT" in text


def test_an_edition_stopped_by_overset_leaves_none_of_its_older_pdfs(project: Path) -> None:
    out = project / "out"
    first = build_to_out(project, "layout/tabloid-edition.yaml")
    assert first.returncode == 0, first.stderr
    names = ["tabloid-1.pdf", "tabloid-2.pdf", "tabloid-edition.pdf"]
    assert sorted(p.name for p in out.iterdir()) == names
    user_pdf(out / "ad-page.pdf")
    overset(project, "xian-education")  # on tabloid-2 only: tabloid-1's older PDF goes too
    stopped = build_to_out(project, "layout/tabloid-edition.yaml")
    assert stopped.returncode == 3, stopped.stderr
    assert sorted(p.name for p in out.iterdir()) == ["ad-page.pdf"]
    for name in names:
        assert f"removed out/{name} (an earlier build's: this build stopped)" in stopped.stdout


def _proof_text(pdf: Path) -> str:
    return "".join(c.text for p in read_chars(pdf) for c in p.chars)


def test_an_edition_stopped_by_overset_writes_each_page_s_proof_with_the_overset_marked(project: Path) -> None:
    """README (--proof): the proof "is written even when overset ... stops the build, so the desk can
    see where the text ran out" -- for an edition as for a page built alone (trial 16b #1: none
    written, and the proofs an earlier build wrote removed)."""
    out = project / "out"
    first = build_to_out(project, "layout/tabloid-edition.yaml", "--proof")
    assert first.returncode == 0, first.stderr
    older = {p.name: p.read_bytes() for p in out.glob("*.proof*.pdf")}
    proofs = ["tabloid-1.proof-a3.pdf", "tabloid-1.proof.pdf", "tabloid-2.proof-a3.pdf", "tabloid-2.proof.pdf"]
    assert sorted(older) == proofs
    overset(project, "xian-education")  # on tabloid-2 only
    stopped = build_to_out(project, "layout/tabloid-edition.yaml", "--proof", "--preview")
    assert stopped.returncode == 3, stopped.stderr
    assert "overset" in stopped.stderr and "Traceback" not in stopped.stderr
    # this build's proofs (and their previews), no print PDF, no page preview
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [*proofs, "tabloid-1.proof.png", "tabloid-2.proof.png"])
    said = [line for line in stopped.stdout.splitlines() if line.startswith("wrote ")]
    assert said == ["wrote out/tabloid-1.proof.pdf", "wrote out/tabloid-1.proof-a3.pdf",
                    "wrote out/tabloid-2.proof.pdf", "wrote out/tabloid-2.proof-a3.pdf",
                    "wrote out/tabloid-1.proof.png", "wrote out/tabloid-2.proof.png"], stopped.stdout
    assert "proof" not in "".join(line for line in stopped.stdout.splitlines() if line.startswith("removed"))
    for name in ("tabloid-1.pdf", "tabloid-2.pdf", "tabloid-edition.pdf"):
        assert f"removed out/{name} (an earlier build's: this build stopped)" in stopped.stdout
    # the overset page's proof is this build's and marks where its text ran out; page 1's marks none
    assert (out / "tabloid-2.proof.pdf").read_bytes() != older["tabloid-2.proof.pdf"]
    assert "溢出" in _proof_text(out / "tabloid-2.proof.pdf")
    assert "溢出" in _proof_text(out / "tabloid-2.proof-a3.pdf")
    assert "溢出" not in _proof_text(out / "tabloid-1.proof.pdf")


RARE = "\U0002A6A5"  # 𪚥: no face of the project's fonts has it


def test_an_edition_stopped_by_a_missing_glyph_writes_each_page_s_proof_with_the_hole_marked(project: Path) -> None:
    """README (--proof): the proof "is written even when overset or a character no face has stops
    the build, so the desk can see ... where the hole would be" -- for an edition as for a page built
    alone: each page's proof and A3 sheets, the stopping page's with its 缺字 box, and no page PDF
    (before: an edition stopped by a character no face has wrote no proof at all)."""
    out = project / "out"
    copy = project / "content" / "xian-education.md"  # on tabloid-2 only
    copy.write_text(copy.read_text(encoding="utf-8").rstrip("\n") + f"王{RARE}说。\n", encoding="utf-8")
    stopped = build_to_out(project, "layout/tabloid-edition.yaml", "--proof")
    assert stopped.returncode != 0 and "U+2A6A5" in stopped.stderr and "Traceback" not in stopped.stderr, \
        stopped.stderr
    proofs = ["tabloid-1.proof-a3.pdf", "tabloid-1.proof.pdf", "tabloid-2.proof-a3.pdf", "tabloid-2.proof.pdf"]
    assert sorted(p.name for p in out.iterdir()) == proofs, stopped.stdout + stopped.stderr
    said = [line for line in stopped.stdout.splitlines() if line.startswith("wrote ")]
    assert said == [f"wrote out/{name}" for name in ("tabloid-1.proof.pdf", "tabloid-1.proof-a3.pdf",
                                                     "tabloid-2.proof.pdf", "tabloid-2.proof-a3.pdf")], stopped.stdout
    assert "缺字U+2A6A5" in _proof_text(out / "tabloid-2.proof.pdf")  # the label read back without its space
    assert "缺字" not in _proof_text(out / "tabloid-1.proof.pdf")
    # without --proof the edition stops as before, writing nothing
    plain = build_to_out(project, "layout/tabloid-edition.yaml")
    assert plain.returncode == stopped.returncode and "U+2A6A5" in plain.stderr, plain.stderr
    assert sorted(p.name for p in out.iterdir()) == [], plain.stdout
