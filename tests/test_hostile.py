"""Hostile input, through the real command line (issue 16): paths that escape the project, special
files, numbers that are not numbers, inputs that recurse or loop, PDFs that are locked or loop.
Each case is refused as one line naming the file, with no traceback, no hang, no new or changed
PDF, and nothing written outside the project. The project is a throwaway copy under tmp/proj, so
everything else under tmp is "outside"."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Callable

import pytest

from conftest import copy_project

SPEC = "layout/seed-page.yaml"
SHEET = "layout/styles/city-daily.yaml"
EDITION = "layout/tabloid-edition.yaml"
ARTICLE = "content/dongfeng-media.md"
PHOTO = "content/photos/dongfeng-media.jpg"
MANIFEST = "fonts/manifest.yaml"
BODY = "  body:            # 正文: 小五 宋体 on the 13.5 pt grid, two-character indent, 开明 punctuation\n"
TIMEOUT = 120  # a case that blocks (a FIFO read) fails here rather than hanging the suite

Breaker = Callable[[Path], None]


def _edit(rel: str, old: str, new: str | Callable[[Path], str]) -> Breaker:
    def apply(project: Path) -> None:
        path = project / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, f"case setup: {old!r} not in {rel}"
        path.write_text(text.replace(old, new(project) if callable(new) else new, 1), encoding="utf-8")
    return apply


def _style(lines: str) -> Breaker:
    """``lines`` added to the body style of the shared style sheet."""
    return _edit(SHEET, BODY, BODY + lines)


def _replace_with(rel: str, make: Callable[[Path], None]) -> Breaker:
    def apply(project: Path) -> None:
        path = project / rel
        path.unlink()
        make(path)
    return apply


def _fifo(rel: str) -> Breaker:
    return _replace_with(rel, lambda p: os.mkfifo(p))


def _loop(rel: str) -> Breaker:
    """The file replaced by a symlink to itself (ELOOP on open)."""
    return _replace_with(rel, lambda p: p.symlink_to(p.name))


def _both(*breakers: Breaker) -> Breaker:
    def apply(project: Path) -> None:
        for b in breakers:
            b(project)
    return apply


def _outside_file(name: str, data: str) -> Breaker:
    def apply(project: Path) -> None:
        (project.parent / name).write_text(data, encoding="utf-8")
    return apply


def _deep_yaml(project: Path) -> None:
    (project / SPEC).write_text("page: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")


def _style_chain(n: int) -> Breaker:
    def apply(project: Path) -> None:
        chain = "".join(f"  chain{i}:\n    base: {'chain' + str(i + 1) if i < n - 1 else 'body'}\n" for i in range(n))
        text = (project / SHEET).read_text(encoding="utf-8")
        (project / SHEET).write_text(text.replace("styles:\n", "styles:\n" + chain, 1), encoding="utf-8")
    return apply


def _style_chain_upward(n: int) -> Breaker:
    """Each style based on the one before it: every base is made before the style that needs it."""
    def apply(project: Path) -> None:
        chain = "".join(f"  up{i}:\n    base: {'up' + str(i - 1) if i else 'body'}\n" for i in range(n))
        text = (project / SHEET).read_text(encoding="utf-8")
        (project / SHEET).write_text(text.rstrip("\n") + "\n" + chain, encoding="utf-8")
    return apply


EPS = (b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 100 100\n{ } loop\nshowpage\n%%EOF\n")


def _pdf(objects: list[bytes]) -> bytes:
    """A PDF of these objects (1-based numbers) with a correct cross-reference table."""
    out = b"%PDF-1.4\n"
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


LOOPING_PDF = _pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                    b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
                    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"])


def _encrypted_pdf(path: Path) -> None:
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(200, 200))
    pdf.save(path, encryption=pikepdf.Encryption(owner="o", user="secret", R=6))


def _pdf_file(kind: str) -> Breaker:
    def apply(project: Path) -> None:
        target = project / "output" / "in.pdf"
        target.parent.mkdir(exist_ok=True)
        if kind == "encrypted":
            _encrypted_pdf(target)
        else:
            target.write_bytes(LOOPING_PDF)
        (project / "output" / "other.pdf").write_bytes(target.read_bytes())
    return apply


# (id, break, command line, file the error line names (prefix), words it must contain, exit status)
Case = tuple[str, Breaker, list[str], str, str, int]
NOTHING: Breaker = lambda project: None  # noqa: E731

CASES: list[Case] = [
    # --- paths (items 4, 5) ---
    ("name-dotdot", _edit(SPEC, "name: seed-page", "name: ../../escaped"), ["build"], SPEC, "plain file name", 1),
    ("name-absolute", _edit(SPEC, "name: seed-page", lambda p: f"name: {p.parent}/absolute"), ["build"], SPEC,
     "plain file name", 1),
    ("name-empty", _edit(SPEC, "name: seed-page", 'name: ""'), ["build"], SPEC, "empty", 1),
    ("name-hidden", _edit(SPEC, "name: seed-page", "name: .hidden"), ["build"], SPEC, "'.'", 1),
    ("name-slash", _edit(SPEC, "name: seed-page", "name: a/b"), ["build"], SPEC, "plain file name", 1),
    ("name-backslash", _edit(SPEC, "name: seed-page", r"name: a\b"), ["build"], SPEC, "plain file name", 1),
    ("name-nul", _edit(SPEC, "name: seed-page", r'name: "seed\0page"'), ["build"], SPEC, "control character", 1),
    ("name-control", _edit(SPEC, "name: seed-page", r'name: "seed\x1bpage"'), ["build"], SPEC,
     "control character", 1),
    ("name-long", _edit(SPEC, "name: seed-page", "name: " + "x" * 300), ["build"], SPEC, "characters long", 1),
    ("name-number", _edit(SPEC, "name: seed-page", "name: [a, b]"), ["build"], SPEC, "must be text", 1),
    ("edition-name-dotdot", _edit(EDITION, "name: tabloid-edition", "name: ../../escaped"), ["build", EDITION],
     EDITION, "plain file name", 1),
    ("edition-name-absolute", _edit(EDITION, "name: tabloid-edition", lambda p: f"name: {p.parent}/absolute"),
     ["build", EDITION], EDITION, "plain file name", 1),
    ("edition-name-empty", _edit(EDITION, "name: tabloid-edition", 'name: ""'), ["build", EDITION], EDITION,
     "empty", 1),
    ("edition-page-name-dotdot", _edit("layout/tabloid-2.yaml", "name: tabloid-2", "name: ../../escaped"),
     ["build", EDITION], "layout/tabloid-2.yaml", "plain file name", 1),
    ("edition-pages-etc-passwd", _edit(EDITION, "pages: [tabloid-1.yaml, tabloid-2.yaml]", "pages: [/etc/passwd]"),
     ["build", EDITION], EDITION, "outside the project", 1),
    ("edition-pages-dotdot", _both(_outside_file("secret.yaml", "secret: hunter2\n"),
                                   _edit(EDITION, "pages: [tabloid-1.yaml, tabloid-2.yaml]",
                                         "pages: [../../secret.yaml]")),
     ["build", EDITION], EDITION, "outside the project", 1),
    ("edition-pages-nul", _edit(EDITION, "pages: [tabloid-1.yaml, tabloid-2.yaml]", r'pages: ["tabloid-1\0.yaml"]'),
     ["build", EDITION], EDITION, "control character", 1),
    ("spec-fifo", _fifo(SPEC), ["build"], SPEC, "not a regular file", 1),
    ("spec-device", NOTHING, ["build", "/dev/zero"], "/dev/zero", "not a regular file", 1),
    ("sheet-fifo", _fifo(SHEET), ["build"], SHEET, "not a regular file", 1),
    ("manifest-fifo", _fifo(MANIFEST), ["build"], MANIFEST, "not a regular file", 1),
    ("article-fifo", _fifo(ARTICLE), ["build"], SPEC, "not a regular file", 1),
    ("photo-fifo", _fifo(PHOTO), ["build"], ARTICLE, "not a regular file", 1),
    ("font-fifo", _fifo("fonts/NotoSansCJKsc-Regular.otf"), ["build"], MANIFEST, "not a regular file", 1),
    ("edition-fifo", _fifo(EDITION), ["build", EDITION], EDITION, "not a regular file", 1),
    ("edition-page-fifo", _fifo("layout/tabloid-2.yaml"), ["build", EDITION], EDITION, "not a regular file", 1),
    # --- numbers (item 7) ---
    ("colour-nan", _style("    color: [.nan, 0, 0, 100]\n"), ["build"], SHEET, "finite", 1),
    ("colour-inf", _style("    color: [0, 0, 0, .inf]\n"), ["build"], SHEET, "finite", 1),
    ("colour-negative", _style("    color: [0, -5, 0, 100]\n"), ["build"], SHEET, "0–100", 1),
    ("latin-space-inf", _edit(SHEET, "latin_space: 0.25", "latin_space: .inf"), ["build"], SHEET, "finite", 1),
    ("latin-space-nan", _edit(SHEET, "latin_space: 0.25", "latin_space: .nan"), ["build"], SHEET, "finite", 1),
    ("latin-space-huge", _edit(SHEET, "latin_space: 0.25", "latin_space: 5"), ["build"], SHEET, "0–1", 1),
    ("word-space-nan", _edit(SHEET, "word_space: 1.0", "word_space: .nan"), ["build"], SHEET, "finite", 1),
    ("word-space-huge", _edit(SHEET, "word_space: 1.0", "word_space: 40"), ["build"], SHEET, "0–4", 1),
    ("tracking-minus-3zi", _style("    tracking: -3字\n"), ["build"], SHEET, "tracking", 1),
    ("tracking-huge", _style("    tracking: 5字\n"), ["build"], SHEET, "tracking", 1),
    ("size-tiny", _edit(SHEET, "    size: 小五\n    leading: 13.5pt\n    indent", "    size: 0.001pt\n    leading: 13.5pt\n    indent"),
     ["build"], SHEET, "4–200 pt", 1),
    ("size-huge", _edit(SHEET, "    size: 小五\n    leading: 13.5pt\n    indent", "    size: 900pt\n    leading: 13.5pt\n    indent"),
     ["build"], SHEET, "4–200 pt", 1),
    ("length-400-digits", _edit(SPEC, "bleed: 3mm", "bleed: " + "9" * 400 + "mm"), ["build"], SPEC, "bleed", 1),
    ("trim-400-digits", _edit(SPEC, "width: 390mm", "width: " + "9" * 400 + "mm"), ["build"], SPEC, "trim width", 1),
    ("body-size-400-digits", _edit(SPEC, "body_size: 小五", "body_size: " + "9" * 400 + "pt"), ["build"], SPEC,
     "body_size", 1),
    ("pitch-tiny", _edit(SPEC, "pitch: 13.5pt", "pitch: 0.0000001pt"), ["build"], SPEC, "pitch", 1),
    ("focus-nan", _edit(SPEC, "photo: {col: 3, cols: 2, line: 6, lines: 13}",
                        "photo: {col: 3, cols: 2, line: 6, lines: 13, focus: [.nan, 0.5]}"), ["build"], SPEC,
     "focus", 1),
    ("fit-huge", _edit(SPEC, "fit: {headline_lines: [0, 2]}", "fit: {headline_lines: [0, " + "9" * 400 + "]}"),
     ["build"], SPEC, "at most 2000", 1),
    ("photo-ppi-inf", _edit(SPEC, "rules: {", "photo_ppi: .inf\nrules: {"), ["build"], SPEC, "whole number", 1),
    ("dpi-zero", NOTHING, ["build", "--dpi", "0"], "", "--dpi", 2),
    ("dpi-negative", NOTHING, ["build", "--dpi", "-1"], "", "--dpi", 2),
    ("dpi-nan", NOTHING, ["build", "--dpi", "nan"], "", "--dpi", 2),
    ("dpi-inf", NOTHING, ["build", "--dpi", "inf"], "", "--dpi", 2),
    ("dpi-huge", NOTHING, ["build", "--dpi", "1e6"], "", "--dpi", 2),
    ("preview-dpi-nan", NOTHING, ["preview", "--dpi", "nan", "x.pdf"], "", "--dpi", 2),
    ("diff-dpi-zero", NOTHING, ["diff", "--dpi", "0", "a.pdf", "b.pdf"], "", "--dpi", 2),
    ("serve-port-huge", NOTHING, ["serve", "--port", "99999999"], "", "--port", 2),
    ("serve-dpi-nan", NOTHING, ["serve", "--dpi", "nan"], "", "--dpi", 2),
    ("tac-nan", NOTHING, ["preflight", "--tac", "nan", "x.pdf"], "", "--tac", 2),
    ("tac-inf", NOTHING, ["preflight", "--tac", "inf", "x.pdf"], "", "--tac", 2),
    ("tac-low", NOTHING, ["preflight", "--tac", "5", "x.pdf"], "", "--tac", 2),
    # --- tracebacks (item 9) ---
    ("yaml-5000-deep", _deep_yaml, ["build"], SPEC, "nested", 1),
    ("base-chain-1100", _style_chain(1100), ["build"], SHEET, "based on", 1),
    ("base-chain-upward", _style_chain_upward(1100), ["build"], SHEET, "chain of more than 32", 1),
    ("base-cycle-named", _both(_style("    base: lead\n")), ["build"], SHEET, "body → lead → body", 1),
    ("sheet-path-nul", _edit(SPEC, "stylesheets: [styles/city-daily.yaml]", r'stylesheets: ["styles/city\0.yaml"]'),
     ["build"], SPEC, "control character", 1),
    ("content-path-nul", _edit(SPEC, "content: ../content", r'content: "../con\0tent"'), ["build"], SPEC,
     "control character", 1),
    ("article-name-nul", _edit(SPEC, "article: dongliao-police", r'article: "dongliao\0police"'), ["build"], SPEC,
     "control character", 1),
    ("sheet-symlink-loop", _loop(SHEET), ["build"], SHEET, "loops", 1),
    ("photo-symlink-loop", _loop(PHOTO), ["build"], PHOTO, "loops", 1),
    ("font-symlink-loop", _loop("fonts/NotoSansCJKsc-Regular.otf"), ["build"], "fonts/NotoSansCJKsc-Regular.otf", "loops", 1),
    ("preflight-encrypted", _pdf_file("encrypted"), ["preflight", "output/in.pdf"], "output/in.pdf", "encrypted", 1),
    ("check-encrypted", _pdf_file("encrypted"), ["check", "output/in.pdf"], "output/in.pdf", "encrypted", 1),
    ("preview-encrypted", _pdf_file("encrypted"), ["preview", "output/in.pdf"], "output/in.pdf", "encrypted", 1),
    ("diff-encrypted", _pdf_file("encrypted"), ["diff", "output/in.pdf", "output/other.pdf"], "output/in.pdf",
     "encrypted", 1),
    ("preflight-looping", _pdf_file("looping"), ["preflight", "output/in.pdf"], "output/in.pdf", "", 1),
    ("check-looping", _pdf_file("looping"), ["check", "output/in.pdf"], "output/in.pdf", "", 1),
    ("preview-looping", _pdf_file("looping"), ["preview", "output/in.pdf"], "output/in.pdf", "", 1),
    ("diff-looping", _pdf_file("looping"), ["diff", "output/in.pdf", "output/other.pdf"], "output/in.pdf", "", 1),
    # --- decoders (item 3) ---
    # no picture at all: said at the article's `- file:` line, before any other gate (layout15)
    ("photo-eps-as-jpeg", _replace_with(PHOTO, lambda p: p.write_bytes(EPS)), ["build"], ARTICLE,
     "JPEG, PNG, TIFF, WebP or GIF", 1),
]


def _tree(folder: Path, skip: Path) -> dict[str, tuple[int, int]]:
    """Every file under ``folder`` but ``skip``: size and modification time, to see any change."""
    seen = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        if Path(dirpath) == skip.parent:
            dirnames[:] = [d for d in dirnames if Path(dirpath, d) != skip]
        for name in filenames:
            p = Path(dirpath, name)
            st = p.lstat()
            seen[str(p)] = (st.st_size, st.st_mtime_ns)
    return seen


def _pdfs(project: Path) -> dict[str, bytes]:
    out = project / "output"
    return {p.name: p.read_bytes() for p in out.glob("*.pdf")} if out.is_dir() else {}


def run_cli(project: Path, argv: list[str]) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    return subprocess.run([sys.executable, "-m", "pagesetter", *argv], cwd=project, capture_output=True, text=True,
                          timeout=TIMEOUT, env=env)


@pytest.fixture()
def hostile_project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "proj")


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_hostile_input_is_refused_cleanly(hostile_project: Path, case: Case) -> None:
    _, breaker, argv, where, words, status = case
    project = hostile_project
    breaker(project)
    outside_before = _tree(project.parent, project)
    pdfs_before = _pdfs(project)
    run = run_cli(project, argv)
    err = run.stderr.strip()
    assert run.returncode == status, (run.returncode, err[-2000:], run.stdout[-500:])
    assert "Traceback" not in run.stderr, err
    error_lines = [line for line in err.splitlines() if "error" in line]
    assert len(error_lines) == 1, err
    if status == 2:  # argparse: usage, then one line naming the option
        assert words in error_lines[0], err
    else:
        assert len(err.splitlines()) == 1, err
        assert err.startswith("pagesetter: error: " + where + ":"), err
        assert words in err, err
    assert "root:" not in err and "hunter2" not in err  # no outside file's contents in a message
    assert _pdfs(project) == pdfs_before
    assert _tree(project.parent, project) == outside_before


# --- the safety net (Deliver): a bug of ours is one line, a log and status 70, and no output replaced ---

# A fault planted inside the real engine, run through the real command line: the PDF's bytes are half
# made (a partial file, as a crash mid-write would leave) when an error nobody expected is raised.
_PLANTED = """
import sys
import pagesetter.build as build
import pagesetter.paths as paths
from pagesetter.cli import main

def half_written(path, data):
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(data[: len(data) // 2])
    raise KeyError("planted fault")

build.write_atomically = half_written
sys.exit(main(["build", "-q"]))
"""


def test_an_unexpected_exception_is_one_line_a_log_and_status_70(hostile_project: Path) -> None:
    project = hostile_project
    good = project / "output" / "seed-page.pdf"
    good.parent.mkdir()
    good.write_bytes(b"%PDF-1.4 the good PDF of the last build\n")
    before = good.read_bytes()
    env = dict(os.environ, PYTHONWARNINGS="ignore", PAGESETTER_CACHE="off", TMPDIR=str(project.parent / "tmp"))
    (project.parent / "tmp").mkdir()
    run = subprocess.run([sys.executable, "-c", _PLANTED], cwd=project, capture_output=True, text=True,
                         timeout=TIMEOUT, env=env)
    err = run.stderr.strip()
    assert run.returncode == 70, (run.returncode, err)
    assert "Traceback" not in err and len(err.splitlines()) == 1, err
    assert err.startswith("pagesetter: internal error: KeyError: 'planted fault'; details in "), err
    assert err.endswith("; please report"), err
    log = Path(err.split("details in ", 1)[1].split(";", 1)[0])
    assert log.parent == project.parent / "tmp" and log.is_file()
    assert "Traceback" in log.read_text(encoding="utf-8") and "planted fault" in log.read_text(encoding="utf-8")
    assert good.read_bytes() == before  # the last good PDF is still there, unchanged
    assert sorted(p.name for p in good.parent.iterdir() if p.suffix == ".pdf") == ["seed-page.pdf"]


def test_a_float_tiff_of_mid_grey_prints_mid_grey(tmp_path: Path) -> None:
    """A 32-bit float TIFF (mode F, samples 0.0–1.0) of 0.5 grey is placed as mid grey, as a
    greyscale image of about 50 % K; before, its samples were divided by 256 and it printed black."""
    from PIL import Image

    from pagesetter.render.images import prepare_image

    path = tmp_path / "grey.tif"
    Image.new("F", (400, 300), 0.5).save(path)
    prepared = prepare_image(path, 144, 108, "fill")
    with Image.open(io.BytesIO(prepared.jpeg)) as placed:
        ink = placed.convert("L").getpixel((placed.width // 2, placed.height // 2))
    # DeviceGray JPEG: 255 is white. Mid grey after the newsprint dot-gain curve: well inside 25–75 %.
    assert prepared.colorspace == "DeviceGray", prepared.colorspace
    assert 64 <= ink <= 192, ink


@pytest.mark.parametrize("rel, where", [(ARTICLE, SPEC), (SHEET, SHEET), (PHOTO, ARTICLE)],
                         ids=["article", "style-sheet", "photo"])
def test_an_input_replaced_by_a_fifo_after_a_build_does_not_hang_the_next(hostile_project: Path, tmp_path: Path,
                                                                          rel: str, where: str) -> None:
    """The build cache checks the inputs a page was made from before replaying it: that check must
    not open an input since replaced by a named pipe (it would block for ever)."""
    project = hostile_project
    env = dict(os.environ, PYTHONWARNINGS="ignore", PAGESETTER_CACHE=str(tmp_path / "cache"))
    first = subprocess.run([sys.executable, "-m", "pagesetter", "build", "-q"], cwd=project, capture_output=True,
                           text=True, timeout=TIMEOUT, env=env)
    assert first.returncode == 0, first.stderr
    built = _pdfs(project)
    _fifo(rel)(project)
    run = subprocess.run([sys.executable, "-m", "pagesetter", "build", "-q"], cwd=project, capture_output=True,
                         text=True, timeout=TIMEOUT, env=env)
    err = run.stderr.strip()
    assert run.returncode == 1 and "Traceback" not in err and len(err.splitlines()) == 1, err
    assert err.startswith(f"pagesetter: error: {where}:") and "not a regular file" in err, err
    # the build stopped for its input: the page's PDF of the first build, older than the inputs now,
    # is not left for a desk to send (README, "A build that stops")
    assert built and _pdfs(project) == {}
