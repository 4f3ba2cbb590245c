"""PDF/X for newsprint — X-1a:2001 or X-4 — the structure reportlab does not write, added with pikepdf.

ISO 15930-1:2001 (X-1a): PDF 1.3, CMYK/grey/spot only, fonts embedded, no transparency; the Info
dictionary carries GTS_PDFXVersion "PDF/X-1:2001", GTS_PDFXConformance "PDF/X-1a:2001", Trapped,
Title and dates. ISO 15930-7:2010 (X-4): PDF 1.6, GTS_PDFXVersion "PDF/X-4" (no conformance key),
XMP metadata with pdfxid:GTS_PDFXVersion agreeing with Info, and the output profile embedded.
Both: the catalog holds exactly one OutputIntent of subtype GTS_PDFX (../shared/PRINT.md).

The OutputIntent names the characterized condition, CGATS TR 002 (coldset newsprint, registered at
the ICC), and embeds as DestOutputProfile the profile we build from TR 002's data
(profiles/newsprint-tr002.icc, the one photos are separated to): X-4 requires it, X-1a allows it
beside the registry name. Everything here is derived from the input and the paper's date, so the
same page gives the same bytes.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import io
import os
import uuid
from dataclasses import dataclass

import pikepdf

from pagesetter import __version__
from pagesetter.render.photo import NEWSPRINT_PROFILE
from pagesetter.spec.model import PDFX_VERSIONS, PdfxVersion

# The OutputIntent's fields (ISO 15930-1 §6.2.4, ISO 15930-7 §6.2.4.2). "CGATS TR 002" is the
# identifier of the condition in the ICC characterization registry, so RegistryName points there.
CGATS_TR002 = {
    "OutputConditionIdentifier": "CGATS TR 002",
    "OutputCondition": "Coldset offset printing on newsprint (ANSI CGATS/SNAP TR 002-2007; cf. ISO 12647-3)",
    "RegistryName": "http://www.color.org",
    "Info": "pagesetter newsprint (CGATS TR 002, TAC 240%): an output profile built from the CGATS TR 002 "
            "characterization data",
}
# Identification strings, exactly as the standards spell them (PRINT.md: poppler accepts wrong ones).
IDENTIFICATION: dict[str, tuple[str, str | None, str]] = {
    # version: (GTS_PDFXVersion, GTS_PDFXConformance or None, PDF header version)
    "x1a": ("PDF/X-1:2001", "PDF/X-1a:2001", "1.3"),
    "x4": ("PDF/X-4", None, "1.6"),
}
SLUG_NAMES = {"x1a": "PDF/X-1a:2001", "x4": "PDF/X-4"}
# Info keys with an XMP equivalent that pikepdf's load_from_docinfo copies (XMP Part 2 §3.1 mapping).
DOCINFO_KEYS = ("/Title", "/Author", "/Subject", "/Keywords", "/Creator", "/Producer", "/CreationDate", "/ModDate")
# The Adobe PDF/X namespace (pdfx:, used by X-1a/X-3 writers) beside ISO 15930-7's pdfxid:.
NS_PDFX = "http://ns.adobe.com/pdfx/1.3/"


@dataclass(frozen=True)
class PdfxSettings:
    version: PdfxVersion = "x1a"
    trapped: bool = False


def slug_standard(version: str) -> str:
    """The standard and condition as the slug line prints them, e.g. "PDF/X-4 CGATS TR 002"."""
    return f"{SLUG_NAMES[version]} {CGATS_TR002['OutputConditionIdentifier']}"


def pdf_date(when: datetime.datetime) -> str:
    return when.strftime("D:%Y%m%d%H%M%S+00'00'")


def xmp_date(when: datetime.datetime) -> str:
    """The same instant as pdf_date, in XMP's ISO 8601 form (XMP Part 1 §8.2.1.1)."""
    return when.strftime("%Y-%m-%dT%H:%M:%S+00:00")


def build_date(iso_date: str | None) -> datetime.datetime:
    """The document's date: SOURCE_DATE_EPOCH when set (reproducible builds), else the paper's date
    at midnight UTC, so the same job always gives the same bytes."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return datetime.datetime.fromtimestamp(int(epoch), tz=datetime.timezone.utc)
    if iso_date:
        return datetime.datetime.fromisoformat(iso_date).replace(tzinfo=datetime.timezone.utc)
    return datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc)


@functools.lru_cache(maxsize=1)
def output_profile() -> bytes:
    """The newsprint output profile's bytes (read once per process)."""
    return NEWSPRINT_PROFILE.read_bytes()


def make_pdfx(pdf: bytes, title: str, settings: PdfxSettings = PdfxSettings(), date: str | None = None,
              layout: str | None = None) -> bytes:
    """``layout``: JSON of the page's module frames, kept in the page's PieceInfo (ISO 32000-1 §14.5)
    so that proofing tools (``pagesetter diff``) can name the articles on any of our PDFs."""
    if settings.version not in IDENTIFICATION:
        raise ValueError(f"unknown PDF/X version {settings.version!r}; expected one of {', '.join(PDFX_VERSIONS)}")
    gts_version, conformance, header = IDENTIFICATION[settings.version]
    when = build_date(date)
    stamp = pdf_date(when)
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        info = doc.docinfo
        for key in ("/Subject", "/Keywords"):
            if key in info and not str(info[key]).strip("unspecified "):
                del info[key]
        info["/Title"] = title
        info["/Producer"] = f"pagesetter {__version__} (ReportLab, pikepdf)"
        info["/CreationDate"] = stamp
        info["/ModDate"] = stamp
        info["/GTS_PDFXVersion"] = gts_version
        if conformance is not None:
            info["/GTS_PDFXConformance"] = conformance
        elif "/GTS_PDFXConformance" in info:
            del info["/GTS_PDFXConformance"]  # X-4 has no conformance levels in Info
        info["/Trapped"] = pikepdf.Name("/True") if settings.trapped else pikepdf.Name("/False")
        doc.Root.OutputIntents = pikepdf.Array([doc.make_indirect(_output_intent(doc))])
        if layout is not None:
            stamp_obj = pikepdf.String(stamp)
            doc.pages[0].obj.PieceInfo = pikepdf.Dictionary({"/pagesetter": pikepdf.Dictionary(
                LastModified=stamp_obj, Private=doc.make_stream(layout.encode("utf-8")))})
            doc.pages[0].obj.LastModified = stamp_obj
        _write_xmp(doc, title, when, settings, _content_id(pdf, settings, title, stamp, layout))
        out = io.BytesIO()
        # The header version the standard names (X-1a:2001 1.3, X-4 1.6); a stable /ID so the same
        # job gives the same bytes.
        doc.save(out, force_version=header, deterministic_id=True, compress_streams=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.disable)
        return out.getvalue()


def _output_intent(doc: pikepdf.Pdf) -> pikepdf.Dictionary:
    """The one GTS_PDFX OutputIntent, with the newsprint profile embedded as an ICC stream of four
    components (ISO 32000-1 §14.11.5, §8.6.5.5: /N must match the profile's colour space)."""
    profile = doc.make_stream(output_profile())
    profile.N = 4
    profile.Alternate = pikepdf.Name.DeviceCMYK
    return pikepdf.Dictionary(
        Type=pikepdf.Name.OutputIntent,
        S=pikepdf.Name.GTS_PDFX,
        DestOutputProfile=doc.make_indirect(profile),
        **{k: pikepdf.String(v) for k, v in CGATS_TR002.items()},
    )


def _content_id(pdf: bytes, settings: PdfxSettings, title: str, stamp: str, layout: str | None) -> str:
    """A document ID derived from what went into the file, never random (XMP Media Management's
    IDs need only be unique per document; same input, same ID, same bytes)."""
    h = hashlib.sha256()
    for part in (pdf, repr(settings).encode(), title.encode(), stamp.encode(), (layout or "").encode()):
        h.update(hashlib.sha256(part).digest())
    return f"uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'pagesetter:' + h.hexdigest())}"


def _write_xmp(doc: pikepdf.Pdf, title: str, when: datetime.datetime, settings: PdfxSettings, doc_id: str) -> None:
    """XMP metadata that says what Info says (PRINT.md: XMP and Info must agree; ISO 15930-7 §6.7.7
    for X-4). load_from_docinfo first, or Info's Author/Creator are lost; pikepdf is kept from
    stamping itself and the current time in (set_pikepdf_as_editor), and from rewriting Info
    (update_docinfo): Info is written above, in PDF's own date form."""
    gts_version, conformance, _ = IDENTIFICATION[settings.version]
    info = doc.docinfo
    with doc.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
        # Only the keys XMP has an equivalent for; the PDF/X keys and Trapped are written below
        # (passing them would only warn that they were dropped).
        meta.load_from_docinfo({key: info[key] for key in DOCINFO_KEYS if key in info})
        meta["dc:title"] = title
        meta["dc:format"] = "application/pdf"
        meta["pdf:Producer"] = str(info["/Producer"])
        meta["pdf:Trapped"] = "True" if settings.trapped else "False"
        meta["xmp:CreateDate"] = xmp_date(when)
        meta["xmp:ModifyDate"] = xmp_date(when)
        meta["xmp:MetadataDate"] = xmp_date(when)
        meta["pdfxid:GTS_PDFXVersion"] = gts_version
        if conformance is not None:  # as Acrobat writes X-1a: the Adobe pdfx: keys too
            meta[f"{{{NS_PDFX}}}GTS_PDFXVersion"] = gts_version
            meta[f"{{{NS_PDFX}}}GTS_PDFXConformance"] = conformance
        meta["xmpMM:DocumentID"] = doc_id
        meta["xmpMM:InstanceID"] = doc_id
        meta["xmpMM:VersionID"] = "1"
        meta["xmpMM:RenditionClass"] = "default"
