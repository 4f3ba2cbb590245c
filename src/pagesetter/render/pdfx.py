"""PDF/X for newsprint — X-1a:2001 or X-4: the document structure, written with the page by
render/pdf.py (its objects written here by reportlab's object layer, the file assembled by
render/writer.py) and with pikepdf for an edition combined from finished pages (``finish_pdfx``).
Both write the same Info, XMP and OutputIntent, made here as data.

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

A page build never loads pikepdf: its import and a second pass over the file cost about 0.15 s of
every build (issue 8).
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import io
import os
import uuid
import zlib
from typing import TYPE_CHECKING, BinaryIO, Iterable

from reportlab.pdfbase.pdfdoc import PDFName, PDFString

from pagesetter import __version__
from pagesetter.records import record
from pagesetter.render.photo import NEWSPRINT_PROFILE, NEWSPRINT_PROFILE_FLATED
from pagesetter.render.writer import dictionary, inflates_to, ref, stream
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
# Who wrote the file: Info's Author and Creator, XMP's dc:creator and xmp:CreatorTool.
AUTHOR = "pagesetter"
PRODUCER = f"pagesetter {__version__}"
# The Adobe PDF/X namespace (pdfx:, used by X-1a/X-3 writers) beside ISO 15930-7's pdfxid:.
NS_PDFX = "http://ns.adobe.com/pdfx/1.3/"
# XMP namespaces (XMP Part 1 §8.4; Part 2 §8 for pdf:, ISO 15930-7 §6.7.7 for pdfxid:).
XMP_NAMESPACES = {
    "dc": "http://purl.org/dc/elements/1.1/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "xmpMM": "http://ns.adobe.com/xap/1.0/mm/",
    "pdfxid": "http://www.npes.org/pdfx/ns/id/",
    "pdfx": NS_PDFX,
}


if TYPE_CHECKING:
    import pikepdf


@record(frozen=True)
class PdfxSettings:
    version: PdfxVersion = "x1a"
    trapped: bool = False


@record(frozen=True)
class DocumentId:
    """What names one document: its title, the PDF/X version, its date and an ID derived from
    its content (XMP Media Management's IDs need only be unique per document; never random, so
    the same job gives the same bytes)."""
    title: str
    settings: PdfxSettings
    when: datetime.datetime
    digest: bytes  # sha256 of what went into the file

    @property
    def uuid(self) -> str:
        return f"uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'pagesetter:' + self.digest.hex())}"

    @property
    def stamp(self) -> str:
        return pdf_date(self.when)


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
    if epoch and epoch.strip().isascii() and epoch.strip().isdigit() and int(epoch) <= 253_402_300_799:
        return datetime.datetime.fromtimestamp(int(epoch), tz=datetime.timezone.utc)
    if iso_date:
        return datetime.datetime.fromisoformat(iso_date).replace(tzinfo=datetime.timezone.utc)
    return datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc)


@functools.lru_cache(maxsize=1)
def output_profile() -> bytes:
    """The newsprint output profile's bytes (read once per process)."""
    return NEWSPRINT_PROFILE.read_bytes()


@functools.lru_cache(maxsize=1)
def output_profile_flated() -> bytes:
    """The profile Flate-compressed for its stream, once per process (228 KB in, 175 KB out): the
    stream shipped beside it when it is the profile's (inflating it costs a twentieth of compressing
    it), else compressed here (a profile rebuilt and the stream not yet written again)."""
    profile = output_profile()
    try:
        shipped = NEWSPRINT_PROFILE_FLATED.read_bytes()
    except OSError:
        shipped = b""
    return shipped if inflates_to(shipped, profile) else zlib.compress(profile)


def write_flated_profile() -> None:
    """Write the profile's stream beside it, as zlib.compress writes it (run after the profile is
    rebuilt; profiles/README.md)."""
    NEWSPRINT_PROFILE_FLATED.write_bytes(zlib.compress(NEWSPRINT_PROFILE.read_bytes()))


def document_id(title: str, settings: PdfxSettings, date: str | None, parts: Iterable[bytes]) -> DocumentId:
    """``parts``: what went into the file (content streams, images, fonts, the layout record)."""
    return document_id_of_digests(title, settings, date, (part_digest(part) for part in parts))


def part_digest(part: bytes) -> bytes:
    """What a part adds to the document ID: an edition takes each page's as the page arrives."""
    return hashlib.sha256(part).digest()


def document_id_of_digests(title: str, settings: PdfxSettings, date: str | None,
                           digests: Iterable[bytes]) -> DocumentId:
    """``document_id`` from the parts' ``part_digest``s."""
    h = hashlib.sha256()
    for digest in (part_digest(repr(settings).encode()), part_digest(title.encode()), *digests):
        h.update(digest)
    return DocumentId(title, settings, build_date(date), h.digest())


def info_entries(ident: DocumentId) -> dict[str, str]:
    """The Info dictionary (ISO 15930-1 §6.2.2, ISO 15930-7 §6.7.5); values are text strings except
    Trapped, a name (without its slash)."""
    gts_version, conformance, _ = IDENTIFICATION[ident.settings.version]
    info = {"Title": ident.title, "Author": AUTHOR, "Creator": AUTHOR, "Producer": PRODUCER,
            "CreationDate": ident.stamp, "ModDate": ident.stamp, "GTS_PDFXVersion": gts_version}
    if conformance is not None:  # X-4 has no conformance levels in Info
        info["GTS_PDFXConformance"] = conformance
    info["Trapped"] = _trapped(ident.settings)
    return info


def _trapped(settings: PdfxSettings) -> str:
    """Info's Trapped name and XMP's pdf:Trapped: the same word."""
    return "True" if settings.trapped else "False"


def xmp_packet(ident: DocumentId) -> bytes:
    """XMP metadata that says what Info says (PRINT.md: XMP and Info must agree; ISO 15930-7 §6.7.7
    for X-4; XMP Part 2 §3.1 for the Info–XMP mapping), as Acrobat writes X-1a: the Adobe pdfx:
    keys beside pdfxid:. Uncompressed, so that tools which scan for the packet find it."""
    gts_version, conformance, _ = IDENTIFICATION[ident.settings.version]
    when = xmp_date(ident.when)
    simple = [("pdf:Producer", PRODUCER), ("pdf:Trapped", _trapped(ident.settings)),
              ("xmp:CreatorTool", AUTHOR), ("xmp:CreateDate", when), ("xmp:ModifyDate", when),
              ("xmp:MetadataDate", when), ("dc:format", "application/pdf"),
              ("xmpMM:DocumentID", ident.uuid), ("xmpMM:InstanceID", ident.uuid), ("xmpMM:VersionID", "1"),
              ("xmpMM:RenditionClass", "default"), ("pdfxid:GTS_PDFXVersion", gts_version)]
    if conformance is not None:
        simple += [("pdfx:GTS_PDFXVersion", gts_version), ("pdfx:GTS_PDFXConformance", conformance)]
    namespaces = "".join(f'\n    xmlns:{prefix}="{uri}"' for prefix, uri in XMP_NAMESPACES.items())
    properties = "".join(f"\n   <{name}>{escape(value)}</{name}>" for name, value in simple)
    return ('<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
            '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
            ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
            f'  <rdf:Description rdf:about=""{namespaces}>\n'
            f'   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(ident.title)}</rdf:li></rdf:Alt></dc:title>\n'
            f'   <dc:creator><rdf:Seq><rdf:li>{AUTHOR}</rdf:li></rdf:Seq></dc:creator>{properties}\n'
            '  </rdf:Description>\n'
            ' </rdf:RDF>\n'
            '</x:xmpmeta>\n'
            '<?xpacket end="r"?>').encode("utf-8")


def escape(text: str) -> str:
    """Text as XML character data. Not xml.sax.saxutils.escape: importing it loads urllib, http
    and ssl (60 ms of every build)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def trailer_id(ident: DocumentId) -> bytes:
    """The trailer's /ID (ISO 32000-1 §14.4): both halves from the content digest."""
    half = ident.digest[:16].hex().upper()
    return f"[<{half}><{half}>]".encode("ascii")


def pdf_header(version: PdfxVersion) -> tuple[int, int]:
    """The header version the standard names: X-1a:2001 1.3, X-4 1.6."""
    major, minor = IDENTIFICATION[version][2].split(".")
    return int(major), int(minor)


def info_dictionary(ident: DocumentId) -> bytes:
    """The Info dictionary written (``info_entries``)."""
    return dictionary({k: PDFName(v) if k == "Trapped" else PDFString(v) for k, v in info_entries(ident).items()})


def metadata_stream(ident: DocumentId) -> bytes:
    """The XMP packet as the catalog's /Metadata stream, uncompressed (``xmp_packet``)."""
    return stream({"Type": PDFName("Metadata"), "Subtype": PDFName("XML")}, xmp_packet(ident))


@functools.lru_cache(maxsize=8)
def output_intent(profile: int) -> bytes:
    """The OutputIntent written, its DestOutputProfile object ``profile`` (the same bytes for every
    page: kept per process)."""
    return dictionary({"Type": PDFName("OutputIntent"), "S": PDFName("GTS_PDFX"), "DestOutputProfile": ref(profile),
                       **{k: PDFString(v) for k, v in CGATS_TR002.items()}})


@functools.lru_cache(maxsize=1)
def profile_stream() -> bytes:
    """The newsprint profile as an ICC stream of four components (ISO 32000-1 §14.11.5, §8.6.5.5:
    /N must match the profile's colour space), written once per process."""
    return stream({"Alternate": PDFName("DeviceCMYK"), "Filter": PDFName("FlateDecode"), "N": 4},
                  output_profile_flated())


def finish_pdfx(doc: "pikepdf.Pdf", ident: DocumentId, out: "BinaryIO") -> None:
    """A PDF assembled with pikepdf (an edition combined from finished pages) made PDF/X and
    saved into ``out`` (a file open for reading and writing, or a BytesIO): the same Info, XMP and
    OutputIntent as a page's, the standard's header version and a stable /ID. An edition's
    combined file (22 MB for the bench's 24 pages) is saved straight into its file: made in a
    BytesIO and then written, it was copied twice more, 25-60 ms of CPU at the edition's end
    while the other core idled."""
    import pikepdf

    if ident.settings.version not in IDENTIFICATION:
        raise ValueError(f"unknown PDF/X version {ident.settings.version!r}; expected one of {', '.join(PDFX_VERSIONS)}")
    info = pikepdf.Dictionary({f"/{k}": pikepdf.Name(f"/{v}") if k == "Trapped" else pikepdf.String(v)
                               for k, v in info_entries(ident).items()})
    doc.trailer.Info = doc.make_indirect(info)
    doc.Root.OutputIntents = pikepdf.Array([doc.make_indirect(_output_intent(doc))])
    metadata = doc.make_stream(xmp_packet(ident))
    metadata.Type = pikepdf.Name.Metadata
    metadata.Subtype = pikepdf.Name.XML
    doc.Root.Metadata = doc.make_indirect(metadata)
    # The pages' streams come compressed already: asking qpdf to compress streams would decode and
    # encode every one of them again (0.6 s against 0.13 s for 24 broadsheet pages). The /ID is
    # ours, from the content digest as a page's is: qpdf's deterministic one hashes the whole file
    # in a second pass (0.08 s of 24 pages), so qpdf writes its fixed placeholder and we replace it.
    doc.save(out, force_version=IDENTIFICATION[ident.settings.version][2], static_id=True,
             compress_streams=False, object_stream_mode=pikepdf.ObjectStreamMode.disable)
    _replace_trailer_id(out, trailer_id(ident))


# What qpdf writes for /ID when asked for a static one (QPDFWriter, static_id).
QPDF_STATIC_ID = b"[<31415926535897932384626433832795><31415926535897932384626433832795>]"


def _replace_trailer_id(out: "BinaryIO", new: bytes) -> None:
    """Put ``new`` where qpdf's static /ID stands in the file's last trailer (same length, so no
    offset moves); ``out`` is left at its end."""
    end = out.seek(0, io.SEEK_END)
    tail = end - min(end, 4096)  # the trailer follows the xref table at the very end
    out.seek(tail)
    data = out.read()
    at = data.rfind(b"trailer")
    found = data.find(QPDF_STATIC_ID, max(at, 0))
    if at < 0 or found < 0 or len(new) != len(QPDF_STATIC_ID):
        raise RuntimeError("qpdf wrote no static /ID in its trailer to replace")
    out.seek(tail + found)
    out.write(new)
    out.seek(0, io.SEEK_END)


def _output_intent(doc: "pikepdf.Pdf") -> "pikepdf.Dictionary":
    import pikepdf

    profile = pikepdf.Stream(doc, b"")
    profile.write(output_profile_flated(), filter=pikepdf.Name.FlateDecode)
    profile.N = 4
    profile.Alternate = pikepdf.Name.DeviceCMYK
    return pikepdf.Dictionary(
        Type=pikepdf.Name.OutputIntent,
        S=pikepdf.Name.GTS_PDFX,
        DestOutputProfile=doc.make_indirect(profile),
        **{k: pikepdf.String(v) for k, v in CGATS_TR002.items()},
    )
