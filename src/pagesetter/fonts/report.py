"""``pagesetter fonts``: the faces of a page's manifest, the styles that use them, their licences,
and the characters of the page's content each face lacks (and which face of its fallback chain
prints them instead, or that none does)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from pagesetter.errors import display_path
from pagesetter.flow.glyphs import SUBSTITUTE, describe, is_ignorable, style_texts
from pagesetter.records import record

if TYPE_CHECKING:
    from pagesetter.fonts.face import FaceSet


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

    def lines(self) -> list[str]:
        where = display_path(self.file) + (f" (face {self.index})" if self.index else "")
        licence = self.licence + (f", {self.licence_file}" if self.licence_file else "")
        out = [f"{self.key}: {self.name} — {self.role or 'no role given'} — {where} — licence {licence}",
               f"  styles: {', '.join(self.styles) or 'none of this page'}"]
        if not self.styles:
            return out
        if not self.lacks:
            out.append(f"  content: {self.chars} characters, none lacking")
            return out
        out.append(f"  content: {self.chars} characters; lacks {len(self.lacks)}:")
        for lack in self.lacks:
            then = f"printed from {lack.by}" if lack.by else f"NO FACE HAS IT: {self.unprinted}"
            out.append(f"    {describe(lack.char)} ×{lack.count}: {then}")
        return out


def font_report(spec_path: Path) -> tuple[FaceReport, ...]:
    from pagesetter.build import load_inputs
    from pagesetter.fonts.face import FaceSet
    from pagesetter.yamlsource import load_yaml

    spec, manifest, articles, _changes = load_inputs(spec_path)
    faces = FaceSet(manifest)
    if spec.auto is not None:  # the articles the engine places are set in the styles it gives them
        from pagesetter.flow.auto import arrange

        spec, _why = arrange(spec, articles, faces)
    raw = load_yaml(spec.fonts_manifest).value["faces"].value
    counts: dict[str, dict[str, int]] = {}
    for style, text in style_texts(spec, articles):
        per = counts.setdefault(spec.styles[style].font, {})
        for ch in text:
            if not ch.isspace() and not is_ignorable(ch):
                per[ch] = per.get(ch, 0) + 1
    used = {style.font for style in spec.styles.values()}
    out = []
    for key, info in manifest.items():
        node = raw[key].value
        chars = counts.get(key, {})
        lacks = []
        face = faces.get(key)
        for ch, n in sorted(chars.items(), key=lambda item: ord(item[0])):
            if face.glyph_for(ch):
                continue
            by = next((f.key for f in faces.chain(key)[1:] if f.glyph_for(ch)), None)
            lacks.append(Lack(ch, n, by))
        out.append(FaceReport(
            key, info.name, info.path, info.index, info.role,
            str(node["license"].value) if "license" in node else "not given",
            display_path(spec.fonts_manifest.parent / str(node["license_file"].value))
            if "license_file" in node else None,
            tuple(sorted(s.name for s in spec.styles.values() if s.font == key)) if key in used else (),
            sum(chars.values()), tuple(lacks), _unprinted(spec.missing_glyphs, key, faces)))
    return tuple(out)


def _unprinted(policy: str, key: str, faces: "FaceSet") -> str:
    """What the build does with a character no face of ``key``'s chain has, as the build decides
    it (flow/glyphs.py missing_glyphs): 〓 only where a face of the chain has 〓 itself."""
    if policy != "substitute":
        return "the build stops on it"
    if any(face.glyph_for(SUBSTITUTE) for face in faces.chain(key)):
        return f"the build prints {SUBSTITUTE} in its place and warns (missing_glyphs: substitute)"
    return f"the build stops on it (missing_glyphs: substitute, but no face of the chain has {SUBSTITUTE} either)"
