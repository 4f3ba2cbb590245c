"""What earlier builds left in the output folder, and the clean-up that keeps it from showing an
older page beside a new one (the night desk sends the output folder as it stands, trial 14b #8):

- the files a build wrote, told apart from those it found (output_identities, replaced_outputs:
  a file paths.write_atomically writes is a new inode);
- previews and proofs this build did not write again, and diff pictures of its pages (remove_stale);
- the PDFs, previews and proofs of a build that stopped (remove_stopped);
- the pages an edition no longer has, known by its earlier combined PDF (held_combined,
  earlier_pages, remove_dropped);
- a 数字报 of other pages where `build --epaper` writes it (remove_older_site), and any of the
  page or edition of a build that stopped (remove_stopped_site).

Only files pagesetter wrote go (a PDF's Info names it as Creator), never through a link; what
cannot be removed is said on stderr and left. cli.py calls these; the build itself never does."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

from pagesetter.errors import PagesetterError, display_path

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing (an unchanged page's replay never needs it)
if TYPE_CHECKING:
    import io


def output_identities(out: Path) -> dict[str, tuple[int, int]]:
    """The PDFs and PNGs in the output folder, by name: (inode, mtime). A file paths.write_atomically
    writes is a new file renamed over the old one, so a new inode: this tells which a build replaced."""
    try:
        with os.scandir(out) as entries:
            return {e.name: (e.inode(), e.stat(follow_symlinks=False).st_mtime_ns)
                    for e in entries if e.name.endswith((".pdf", ".png"))}
    except OSError:
        return {}


def replaced_outputs(out: Path, before: dict[str, tuple[int, int]], said: set[str]) -> list[Path]:
    """The files written in ``out`` since ``before`` and not yet said, in the order a whole build says
    them: the PDF, its proofs, the previews (not by time: files written within a clock tick share it)."""
    after = output_identities(out)
    fresh = [name for name, found in after.items() if before.get(name) != found and name not in said]
    return [out / name for name in sorted(fresh, key=lambda name: (_said_rank(name), name))]


def _said_rank(name: str) -> int:
    """Where a page's output comes in its report: the PDF, the proof, its A3 tiles, the previews."""
    for rank, suffix in ((4, ".proof.png"), (2, ".proof-a3.pdf"), (1, ".proof.pdf"), (3, ".png")):
        if name.endswith(suffix):
            return rank
    return 0


# What a build may leave beside <page>.pdf; what this build did not write again shows an older page.
STALE_SUFFIXES = (".png", ".proof.pdf", ".proof-a3.pdf", ".proof.png")


def remove_stale(out: Path, stems: list[str], written: list[Path], quiet: bool, contact: str = "",
                 edition: str = "") -> None:
    """Previews and proofs of these pages that this build did not write are removed, and every diff
    picture of them (and of ``edition``'s combined PDF): a PNG or proof beside a new PDF must never
    show an older page."""
    fresh = {p.name for p in written}
    names = [stem + suffix for stem in stems for suffix in STALE_SUFFIXES] + ([contact] if contact else [])
    paths = [out / name for name in names if name not in fresh] + diff_pictures(out, [*stems, *([edition] if edition else [])])
    for path in paths:
        if path.is_file() and not path.is_symlink():
            path.unlink()
            if not quiet:
                print(f"removed {display_path(path)} (older than this build)")


# Where `pagesetter diff` writes its pictures by default: a folder beside NEW (cli.py _diff).
DIFF_FOLDER = "diff"
# Its pictures of a page (or edition) <stem>: <stem>.diff.png, <stem>.overlay-3.png (proof/diff.py).
_DIFF_KINDS = ("diff", "overlay")


def diff_pictures(out: Path, stems: list[str]) -> list[Path]:
    """The diff pictures of these pages (or editions) in ``out`` and ``out``/diff: each compares a
    build of the page with an earlier one, so once the page is built again it shows an older page
    (trial 16b #21). Known by name only: a file named so is diff's by its own rule."""
    found: list[Path] = []
    for folder in (out, out / DIFF_FOLDER):
        try:
            with os.scandir(folder) as entries:
                names = [e.name for e in entries]
        except OSError:
            continue
        for name in sorted(names):
            if any(_is_diff_picture(name, stem) for stem in stems):
                found.append(folder / name)
    return found


def _is_diff_picture(name: str, stem: str) -> bool:
    for kind in _DIFF_KINDS:
        head = f"{stem}.{kind}"
        if name == head + ".png":
            return True
        number = name.removeprefix(head + "-").removesuffix(".png")
        if name.startswith(head + "-") and name.endswith(".png") and number.isdigit():
            return True
    return False


def remove_older_site(out: Path, spec: Path, name: str, pdfs: list[Path], combined: Path | None,
                      quiet: bool, default_out: Path) -> None:
    """A build without --epaper that finds the 数字报 of this page or edition where `build --epaper`
    writes it (OUT/epaper/<name>/), written by pagesetter from other pages than those it just
    wrote, removes it, as it removes previews and proofs it did not write: the site's page images,
    article pages and PDF copies would show the older pages beside the new PDFs, and the night desk
    sends the output folder as it stands (trial 14b #8). The line says the command that writes it
    again (with ``-o OUT`` unless ``out`` is the project's ``default_out``). Only the site's own files
    (epaper/site.py remove_site); a site of these very PDFs stays."""
    site = out / "epaper" / name
    if not (site / "edition.json").is_file():  # the common case, one stat: no site here
        return
    if site.parent.is_symlink() or site.is_symlink():  # never through a link, out of the project or not
        return
    from pagesetter.epaper.site import older_site, remove_site

    if not older_site(site, name, pdfs, combined):
        return
    remove_site(site)
    if not quiet:
        option = "" if out == default_out else f" -o {display_path(out)}"
        print(f"removed {display_path(site)}/ (数字报 of an earlier build, older than these pages; "
              f"pagesetter build --epaper{option} {display_path(spec)} writes it again)")


def remove_stopped_site(out: Path, name: str) -> bool | None:
    """A build of the page or edition ``name`` that stopped removes the 数字报 pagesetter wrote for
    it in OUT/epaper/<name>/, as it removes the page PDFs an earlier build wrote (remove_stopped):
    the site holds copies of those PDFs and shows their pages, and the night desk sends the output
    folder as it stands (trial 16b #12). Only the site's own files (epaper/site.py remove_site),
    never through a link. True: removed; False: some of its files could not be (its edition.json
    stands); None: no site of ours here."""
    site = out / "epaper" / name
    if not (site / "edition.json").is_file() or site.parent.is_symlink() or site.is_symlink():
        return None
    from pagesetter.epaper.site import older_site, remove_site

    # of no PDF this build wrote (it wrote none): any site of ours named so is older
    if not older_site(site, name, [], None):
        return None
    remove_site(site)
    return not (site / "edition.json").exists()


def remove_stopped(out: Path, stems: list[str], before: dict[str, tuple[int, int]], quiet: bool,
                   edition: str = "") -> None:
    """A build that stopped (overset, a character no face has, bad input) leaves no page a desk
    could take for this build's: each named page's PDF (and ``edition``'s combined PDF and contact
    sheet) that an earlier build wrote is removed, with the previews and proofs beside it, which
    remove_stale removes after a build that goes on. Only files the folder held before this build
    (``before``: what it wrote, such as the proof it writes before it stops, stays); and a page's
    or an edition's PDF only when it is a regular file whose Info names pagesetter as its creator
    (_written_by_us): a PDF of that name another program made, or a link, is the user's. Previews
    and proofs go by their names, as remove_stale's. A file that cannot be removed is said on
    stderr and left; the build's own error follows."""
    pdfs = {stem + ".pdf" for stem in stems} | ({edition + ".pdf"} if edition else set())
    names = [stem + suffix for stem in stems for suffix in (".pdf", *STALE_SUFFIXES)]
    if edition:
        names += [edition + ".pdf", edition + ".contact.png"]
    for name in names:
        path = out / name
        if before.get(name) is None or before.get(name) != _identity(path):
            continue  # not there before this build, or written by it since (the proof it stopped after)
        if path.is_symlink() or not path.is_file():
            continue
        if name in pdfs and not _written_by_us(path):
            continue
        _removed(path, "an earlier build's", "an earlier build's: this build stopped", quiet)
    for path in diff_pictures(out, [*stems, *([edition] if edition else [])]):  # never written by a build
        if path.is_file() and not path.is_symlink():
            _removed(path, "an earlier build's", "an earlier build's: this build stopped", quiet)


def held_combined(out: Path, spec: Path, before: dict[str, tuple[int, int]]) -> "io.BufferedReader | None":
    """The combined PDF an earlier build of the edition ``spec`` left in ``out``, opened as the build
    begins, or None (none there, a link, not a regular file, an edition file that names none). The
    build writes its own over it (a new file renamed into place: paths.write_atomically), and this
    one, held open, still holds the pages that edition had (remove_dropped). An open file and no
    read: a build whose pages are all still in the edition costs nothing more."""
    name = _edition_name(spec)
    if name is None or f"{name}.pdf" not in before:
        return None
    try:
        # not through a link (O_NOFOLLOW), and without waiting on a FIFO (O_NONBLOCK)
        fh = open(out / f"{name}.pdf", "rb", opener=lambda path, flags: os.open(  # noqa: SIM115 - closed by the caller
            path, flags | os.O_NOFOLLOW | os.O_NONBLOCK))
    except OSError:
        return None
    try:
        if stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
            return fh
    except OSError:
        pass
    fh.close()
    return None


def _edition_name(spec: Path) -> str | None:
    """The ``edition: name:`` an edition file gives its combined PDF, read from the file alone (the
    build reads and checks it again), or None when it names no plain file name."""
    from pagesetter.spec.validate import plain_file_name
    from pagesetter.yamlsource import load_yaml

    try:
        root = load_yaml(spec)
        edition = root.get("edition") if root.is_map else None
        node = edition.get("name") if edition is not None and edition.is_map else None
    except (PagesetterError, OSError):
        return None
    return node.value if node is not None and plain_file_name(node.value) else None


def _page_records(pdf: "Path | io.BufferedReader", title: str | None) -> dict[str, bytes]:
    """The pages of a PDF pagesetter wrote (Info: Creator pagesetter; Title ``title`` when given:
    the edition's name on its combined PDF, while a page's PDF is titled with its first headline),
    each page's name and its layout record (the PieceInfo every page of ours carries, whose
    ``page`` is the page's name); empty for any other PDF, or one we cannot read."""
    import json

    import pikepdf

    from pagesetter.render.pdfx import AUTHOR

    found: dict[str, bytes] = {}
    try:
        with pikepdf.open(pdf) as doc:
            info = doc.docinfo
            if str(info.get("/Creator", "")) != AUTHOR or (title is not None and str(info.get("/Title", "")) != title):
                return {}
            for page in doc.pages:
                layout = page.obj["/PieceInfo"]["/pagesetter"]["/Private"].read_bytes()
                name = json.loads(layout).get("page")
                if not isinstance(name, str):
                    return {}
                found[name] = layout
    except Exception:  # pikepdf's errors, a page without our record, JSON that is not ours: not ours
        return {}
    return found


def earlier_pages(held: "io.BufferedReader | None", edition: str, pages: list[str],
                  before: dict[str, tuple[int, int]]) -> dict[str, bytes]:
    """The pages of the edition's earlier combined PDF (held_combined), by name, with their layout
    records (_page_records), read now and the file closed. Empty when there was none, and unread
    when the folder held no page PDF but the edition's ``pages`` (nothing could have been dropped)."""
    if held is None:
        return {}
    try:
        mine = {f"{name}.pdf" for name in (*pages, edition)}
        others = any(name.endswith(".pdf") and name not in mine and _said_rank(name) == 0 for name in before)
        return _page_records(held, edition) if edition and others else {}
    finally:
        held.close()


def remove_dropped(out: Path, earlier: dict[str, bytes], edition: str, pages: list[str],
                   before: dict[str, tuple[int, int]], quiet: bool) -> None:
    """A page taken out of an edition (or renamed in it) leaves the PDF its last build wrote: the
    night desk sends whatever is in the output folder (trial 14b #8). Each page of the edition's
    earlier combined PDF (``earlier``: earlier_pages) that is not among ``pages`` now goes, with
    its previews and proofs: only its ``<page>.pdf`` that was there before this build, a regular
    file (no link), written by pagesetter (Info) as that page, its layout record the one that page
    has in the earlier combined PDF, so the same build wrote both. Anything else of that
    name (a user's PDF, the page built alone since from other inputs) stays."""
    from pagesetter.spec.validate import plain_file_name

    for name, layout in earlier.items():
        if name in pages or name == edition or not plain_file_name(name):
            continue
        pdf = out / f"{name}.pdf"
        if before.get(pdf.name) is None or before.get(pdf.name) != _identity(pdf):
            continue
        if pdf.is_symlink() or not pdf.is_file() or _page_records(pdf, None) != {name: layout}:
            continue
        for path in (pdf, *(out / f"{name}{suffix}" for suffix in STALE_SUFFIXES)):
            if path is not pdf and (path.is_symlink() or not path.is_file()):
                continue
            _removed(path, "of a page no longer in the edition", f"of page {name}, no longer in the edition "
                     f"{edition}", quiet)


def _removed(path: Path, whose: str, why: str, quiet: bool) -> None:
    """``path`` removed and said on stdout (``why``), or, when it cannot be, a warning on stderr
    naming it as ``whose`` and left."""
    try:
        path.unlink()
    except OSError as exc:
        print(f"pagesetter: warning: {display_path(path)}: {whose}, not removed: {exc.strerror or exc}",
              file=sys.stderr)
        return
    if not quiet:
        print(f"removed {display_path(path)} ({why})")


def _identity(path: Path) -> tuple[int, int] | None:
    """``path``'s (inode, mtime), as output_identities reads them; None when it is not there."""
    try:
        st = os.lstat(path)
    except OSError:
        return None
    return st.st_ino, st.st_mtime_ns


def _written_by_us(pdf: Path) -> bool:
    """Is ``pdf`` a PDF pagesetter wrote (a page's, a proof, an edition's)? Its Info dictionary says
    so: Creator ``pagesetter`` (render/pdfx.py AUTHOR), as every PDF a build writes carries. A file
    pikepdf cannot read is nobody's we know: not ours to remove."""
    import pikepdf

    from pagesetter.render.pdfx import AUTHOR

    try:
        with pikepdf.open(pdf) as doc:
            return str(doc.docinfo.get("/Creator", "")) == AUTHOR
    except Exception:  # pikepdf's own errors and OSError alike: a file we cannot read is not ours
        return False
