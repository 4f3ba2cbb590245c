"""``pagesetter fonts``: the faces of a page's manifest, the styles that use them, their licences,
and the characters of the page's content each face lacks (and which face of its fallback chain
prints them instead, or that none does)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from pagesetter.errors import display_path
from pagesetter.flow.glyphs import SUBSTITUTE, describe, is_ignorable, style_texts
from pagesetter.records import record
from pagesetter.wording import counted

if TYPE_CHECKING:
    from pagesetter.content.model import Article
    from pagesetter.fonts.face import FaceSet
    from pagesetter.fonts.manifest import FaceInfo
    from pagesetter.spec.model import PageSpec


@record(frozen=True)
class Lack:
    char: str
    count: int  # occurrences in the content set in this face's styles
    by: str | None  # the fallback face that prints it; None: no face of the chain has it


@record(frozen=True)
class FaceReport:
    key: str
    name: str
    file: Path
    index: int
    role: str
    licence: str
    licence_file: str | None
    styles: tuple[str, ...]  # styles of the spec set in this face
    chars: int  # characters of the content set in those styles
    lacks: tuple[Lack, ...]
    # what the build does with a character no face of this face's chain has, as the spec's
    # missing_glyphs says (flow/glyphs.py missing_glyphs): stops, or prints 〓 and warns
    unprinted: str = "the build stops on it"
    postscript: str = ""  # the face's PostScript name: which cut of a collection it is (trial 17c #4)
    refused: str = ""  # why no page can use the face, at its manifest line (no style here sets it)

    def lines(self) -> list[str]:
        # the face's number and PostScript name always: a collection's cuts share one file name
        where = display_path(self.file) + (f" (face {self.index}: {self.postscript or 'no PostScript name'})"
                                            if not self.refused else "")
        licence = self.licence + (f", {self.licence_file}" if self.licence_file else "")
        out = [f"{self.key}: {self.name} — {self.role or 'no role given'} — {where} — licence {licence}",
               f"  styles: {', '.join(self.styles) or 'none of this page'}"]
        if self.refused:  # no style sets it (else the manifest's loader stopped on it): said, not fatal
            out.append(f"  cannot be used: {self.refused}")
            return out
        if not self.styles:
            return out
        if not self.lacks:
            out.append(f"  content: {counted(self.chars, 'character')}, none lacking")
            return out
        out.append(f"  content: {counted(self.chars, 'character')}; lacks {len(self.lacks)}:")
        for lack in self.lacks:
            then = f"printed from {lack.by}" if lack.by else f"NO FACE HAS IT: {self.unprinted}"
            out.append(f"    {describe(lack.char)} ×{lack.count}: {then}")
        return out


def font_report(spec_path: Path) -> tuple[FaceReport, ...]:
    """The faces of a page spec's manifest, or of an edition file's pages (trial 14b #12: fonts of
    the project's edition, which pagesetter.toml names, stopped on the key 'edition'): each face
    once, its styles those of every page set in it, its content the edition's articles (a jumped
    article counted once) and each page's masthead."""
    from pagesetter.build import load_inputs
    from pagesetter.yamlsource import load_yaml

    root = load_yaml(spec_path)
    if root.is_map and "edition" in root.value:
        from pagesetter.edition import load_edition

        edition = load_edition(spec_path)
        pages = [load_inputs(page, edition.data)[:3] for page in edition.pages]
    else:
        pages = [load_inputs(spec_path)[:3]]
    by_manifest: dict[Path, list[tuple[PageSpec, dict[str, FaceInfo], dict[str, Article]]]] = {}
    for spec, manifest, articles in pages:  # pages of one manifest report its faces once
        by_manifest.setdefault(spec.fonts_manifest.resolve(), []).append((spec, manifest, articles))
    return tuple(face for group in by_manifest.values() for face in _manifest_report(group))


def _manifest_report(pages: "list[tuple[PageSpec, dict[str, FaceInfo], dict[str, Article]]]") -> list[FaceReport]:
    """The faces of one manifest against the pages that use it."""
    from pagesetter.fonts.face import FaceSet
    from pagesetter.yamlsource import load_yaml

    manifest = pages[0][1]
    faces = FaceSet(manifest)
    counts: dict[str, dict[str, int]] = {}
    styles: dict[str, set[str]] = {}
    seen: set[str] = set()  # articles counted: a jumped one is on two pages, its text once
    specs = []
    for spec, _manifest, articles in pages:
        if spec.auto is not None:  # the articles the engine places are set in the styles it gives them
            from pagesetter.flow.auto import arrange

            spec, _why = arrange(spec, articles, faces)
        specs.append(spec)
        for style in spec.styles.values():
            styles.setdefault(style.font, set()).add(style.name)
        fresh = {name: article for name, article in articles.items() if name not in seen}
        seen.update(articles)
        for style, text in style_texts(spec, fresh):
            per = counts.setdefault(spec.styles[style].font, {})
            for ch in text:
                if not ch.isspace() and not is_ignorable(ch):
                    per[ch] = per.get(ch, 0) + 1
    first = specs[0]
    raw = load_yaml(first.fonts_manifest).value["faces"].value
    out = []
    for key, info in manifest.items():
        node = raw[key].value
        chars = counts.get(key, {})
        lacks = []
        licence = str(node["license"].value) if "license" in node else "not given"
        licence_file = display_path(first.fonts_manifest.parent / str(node["license_file"].value)) \
            if "license_file" in node else None
        if info.refusal:  # never opened: no style of these pages sets it or asks it (check_usable)
            out.append(FaceReport(key, info.name, info.path, info.index, info.role, licence, licence_file, (), 0, (),
                                  refused=f"{info.refused_at}: {info.refusal}" if info.refused_at else info.refusal))
            continue
        if not styles.get(key):  # set by no style: nothing to count, and its fallbacks need not open
            out.append(FaceReport(key, info.name, info.path, info.index, info.role, licence, licence_file, (), 0, (),
                                  postscript=info.postscript))
            continue
        face = faces.get(key)
        for ch, n in sorted(chars.items(), key=lambda item: ord(item[0])):
            if face.glyph_for(ch):
                continue
            by = next((f.key for f in faces.chain(key)[1:] if f.glyph_for(ch)), None)
            lacks.append(Lack(ch, n, by))
        unprinted = sorted({_unprinted(spec.missing_glyphs, key, faces) for spec in specs})
        out.append(FaceReport(
            key, info.name, info.path, info.index, info.role, licence, licence_file,
            tuple(sorted(styles.get(key, ()))),
            sum(chars.values()), tuple(lacks),
            unprinted[0] if len(unprinted) == 1 else "as each page says (missing_glyphs): " + "; ".join(unprinted),
            info.postscript))
    return out


def _unprinted(policy: str, key: str, faces: "FaceSet") -> str:
    """What the build does with a character no face of ``key``'s chain has, as the build decides
    it (flow/glyphs.py missing_glyphs): 〓 only where a face of the chain has 〓 itself."""
    if policy != "substitute":
        return "the build stops on it"
    if any(face.glyph_for(SUBSTITUTE) for face in faces.chain(key)):
        return f"the build prints {SUBSTITUTE} in its place and warns (missing_glyphs: substitute)"
    return f"the build stops on it (missing_glyphs: substitute, but no face of the chain has {SUBSTITUTE} either)"
