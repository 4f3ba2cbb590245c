"""PDF/X-1a:2001 for newsprint: the structure reportlab does not write, added with pikepdf.

ISO 15930-1:2001 (X-1a): PDF 1.3, CMYK/grey/spot only, fonts embedded, no transparency; the Info
dictionary carries GTS_PDFXVersion "PDF/X-1:2001", GTS_PDFXConformance "PDF/X-1a:2001", Trapped,
Title and dates; the catalog one OutputIntent of subtype GTS_PDFX. For a characterized condition
registered at the ICC, RegistryName http://www.color.org with the condition's identifier may stand
in for an embedded profile ("Destination profile must be embedded or Registry Name must be filled
out", ../shared/PRINT.md). Coldset newsprint is IFRA26 (ISO 12647-3), so no profile ships and none
has to be licensed.
"""

from __future__ import annotations

import datetime
import io
import os
from dataclasses import dataclass

import pikepdf

from pagesetter import __version__

IFRA26 = {
    "OutputConditionIdentifier": "IFRA26",
    "OutputCondition": "Coldset offset on newsprint (ISO 12647-3:2013), 26 % tone value increase",
    "RegistryName": "http://www.color.org",
    "Info": "IFRA26: ISO 12647-3 newsprint characterization",
}


@dataclass(frozen=True)
class PdfxSettings:
    version: str = "x1a"  # only X-1a:2001 for now
    trapped: bool = False


def pdf_date(when: datetime.datetime) -> str:
    return when.strftime("D:%Y%m%d%H%M%S+00'00'")


def build_date(iso_date: str | None) -> datetime.datetime:
    """The document's date: SOURCE_DATE_EPOCH when set (reproducible builds), else the paper's date
    at midnight UTC, so the same job always gives the same bytes."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return datetime.datetime.fromtimestamp(int(epoch), tz=datetime.timezone.utc)
    if iso_date:
        return datetime.datetime.fromisoformat(iso_date).replace(tzinfo=datetime.timezone.utc)
    return datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc)


def make_pdfx(pdf: bytes, title: str, settings: PdfxSettings = PdfxSettings(), date: str | None = None,
              layout: str | None = None) -> bytes:
    """``layout``: JSON of the page's module frames, kept in the page's PieceInfo (ISO 32000-1 §14.5)
    so that proofing tools (``pagesetter diff``) can name the articles on any of our PDFs."""
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        info = doc.docinfo
        stamp = pdf_date(build_date(date))
        for key in ("/Subject", "/Keywords"):
            if key in info and not str(info[key]).strip("unspecified "):
                del info[key]
        info["/Title"] = title
        info["/Producer"] = f"pagesetter {__version__} (ReportLab, pikepdf)"
        info["/CreationDate"] = stamp
        info["/ModDate"] = stamp
        info["/GTS_PDFXVersion"] = "PDF/X-1:2001"
        info["/GTS_PDFXConformance"] = "PDF/X-1a:2001"
        info["/Trapped"] = pikepdf.Name("/True") if settings.trapped else pikepdf.Name("/False")
        intent = pikepdf.Dictionary(
            Type=pikepdf.Name.OutputIntent,
            S=pikepdf.Name.GTS_PDFX,
            **{k: pikepdf.String(v) for k, v in IFRA26.items()},
        )
        doc.Root.OutputIntents = pikepdf.Array([doc.make_indirect(intent)])
        if layout is not None:
            stamp_obj = pikepdf.String(stamp)
            doc.pages[0].obj.PieceInfo = pikepdf.Dictionary({"/pagesetter": pikepdf.Dictionary(
                LastModified=stamp_obj, Private=doc.make_stream(layout.encode("utf-8")))})
            doc.pages[0].obj.LastModified = stamp_obj
        out = io.BytesIO()
        # PDF 1.3 for X-1a:2001; a stable /ID so the same job gives the same bytes.
        doc.save(out, force_version="1.3", deterministic_id=True, compress_streams=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.disable)
        return out.getvalue()
