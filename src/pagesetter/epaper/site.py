"""The digital edition (数字报) as a static site, from what the build knows: the page trees' frames
(hot zones), the articles' structured text (never read back from the PDF) and the built PDFs
(the page images).

Layout of the folder::

    index.html, page-N.html     the pages: image, hot zones, 报眉, 版次 navigation (index = page 1)
    a-<article>.html            an article: 引题/主题/副题, byline, photos, body, its zones
    images/page-N.jpg, -zoom    the page at SCREEN_DPI and ZOOM_DPI
    photos/<article>-K.jpg      the article's photos in sRGB for the web
    edition.json                the index (edition.schema.json, shipped beside it)
    style.css, zoom.js, fit.js

Every file is a function of the inputs alone: same inputs, same bytes.
"""

from __future__ import annotations

import io
import json
import re
from html import escape
from importlib import resources
from pathlib import Path
from typing import Mapping, Sequence
from urllib.parse import quote

import pypdfium2 as pdfium
from PIL import Image, ImageCms, ImageOps

from pagesetter import __version__
from pagesetter.compose.chars import URL, url_break_at
from pagesetter.compose.spacing import VERY_LOOSE_LIMIT
from pagesetter.content.model import CAPTION_MARKERS, Article, Paragraph
from pagesetter.errors import InputError, Loc
from pagesetter.epaper.zones import Zone, module_zones, rounded
from pagesetter.flow.forms import STEP_SPACE, paragraph_align, paragraph_indent_em, step_ems
from pagesetter.compose.chars import SUBSTITUTE
from pagesetter.flow.page import format_date
from pagesetter.flow.tables import column_aligns
from pagesetter.flow.verse import TURNOVER_INDENT_EM, is_verse, new_stanza
from pagesetter.pagetree import Page
from pagesetter.paths import read_regular, write_atomically
from pagesetter.records import record
from pagesetter.spec.model import PageSpec

SCHEMA_VERSION = 1
SCREEN_DPI = 100.0  # a broadsheet page about 1,500 px wide: a desktop screen
ZOOM_DPI = 200.0  # twice that: body type (小五, 9 pt) at 25 px per character, readable zoomed in
PAGE_JPEG_QUALITY = 85
PHOTO_JPEG_QUALITY = 85
PHOTO_LONG_SIDE = 1280  # px: photos for the web, whatever their print resolution
# The frames that make a module's zone; "info"/"name" are the masthead's own.
ZONE_KINDS = ("block", "headline", "body", "photo", "caption")
# The names this module writes: the stale ones of an earlier run are removed, nothing else (a
# folder named with -o may hold other files: the desk's notes, another build's PDFs).
STALE = re.compile(r"(page-[0-9]+|a-[^/]+)\.html|images/page-[0-9]+(-zoom)?\.jpg|photos/[^/]+\.jpg|pdf/[^/]+\.pdf")


@record(frozen=True)
class EpaperPage:
    """One built page: its page tree, its spec (the 报眉), its articles as print sets them (〓 for a
    character no face has, under missing_glyphs: substitute), its one-page PDF, and the articles as
    the copy has them (``copy``: the character itself, kept in the 〓's data-char)."""

    page: Page
    spec: PageSpec
    articles: Mapping[str, Article]
    pdf: Path
    copy: Mapping[str, Article] | None = None  # None: the same as ``articles``


@record(frozen=True)
class EditionInfo:
    name: str
    paper: str
    date: str | None
    pdf: Path | None = None  # an edition's combined PDF (all pages), for download


@record(frozen=True)
class PageZone:
    page: int  # 1-based position in the edition
    anchor: str  # the zone's id in page-N.html
    zone: Zone


@record(frozen=True)
class WebPhoto:
    src: str  # relative to the site
    width: int
    height: int
    data: bytes


def info_of(pages: Sequence[EpaperPage], name: str | None = None) -> EditionInfo:
    """The edition's name, paper and date as its first page states them (报眉 or 报头)."""
    spec = pages[0].spec
    paper = spec.folio.paper if spec.folio else (spec.masthead.name.text if spec.masthead else "")
    date = spec.folio.date if spec.folio else (spec.masthead.date if spec.masthead else None)
    return EditionInfo(name or spec.name, paper or (name or spec.name), date)


def write_site(pages: Sequence[EpaperPage], out: Path, info: EditionInfo) -> list[Path]:
    """Write the site into ``out``; returns the files written (stale files of ours removed)."""
    files: dict[str, bytes] = {}
    was_site = (out / "edition.json").is_file()
    zones = _zones(pages)
    order = article_order(pages)
    articles = {a: _article_of(pages, a) for a in order}
    copies = {a: _copy_of(pages, a) for a in order}
    photos = {a: _web_photos(a, articles[a]) for a in order}
    images = [_page_images(p.pdf, n) for n, p in enumerate(pages, 1)]
    for n, p in enumerate(pages, 1):
        html = _page_html(pages, n, info, zones, articles, images[n - 1])
        files[f"page-{n}.html"] = html
        if n == 1:
            files["index.html"] = html
        for name, (data, _w, _h) in images[n - 1].items():
            files[name] = data
        if p.pdf.resolve() != (out / _pdf_name(p)).resolve():  # `build --epaper`: a copy for download
            files[_pdf_name(p)] = read_regular(p.pdf)
    for a in order:
        files[_article_file(a)] = _article_html(articles[a], pages, info, zones[a], photos[a],
                                                _settings(pages, a, articles[a]), _vertical_headline(pages, a),
                                                copies[a])
        for ph in photos[a]:
            files[ph.src] = ph.data
    files["style.css"] = STYLE.encode()
    files["zoom.js"] = ZOOM_JS.encode()
    files["fit.js"] = FIT_JS.encode()
    files["edition.schema.json"] = schema_bytes()
    files["edition.json"] = _index_json(pages, info, order, articles, zones, photos, images)
    kept = [_pdf_name(p) for p in pages if _pdf_name(p) not in files]
    combined = _combined_name(info)
    if info.pdf is not None and combined is not None:
        if info.pdf.resolve() == (out / combined).resolve():
            kept.append(combined)
        else:
            files[combined] = read_regular(info.pdf)
    written = [out / name for name in kept]
    for name, data in sorted(files.items()):
        target = out / name
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(target, data)
        written.append(target)
    if was_site:
        _remove_stale(out, {*files, *kept})
    return written


# The site's files of fixed names (write_site), beside those of the STALE pattern.
OWN_FILES = ("index.html", "style.css", "zoom.js", "fit.js", "edition.schema.json", "edition.json")


def older_site(out: Path, name: str, pdfs: Sequence[Path], combined: Path | None) -> bool:
    """Whether ``out`` holds a site pagesetter wrote (its edition.json: our generator, ``name``) of
    the page or edition ``name`` whose PDFs are not the ones a build just wrote (``pdfs``, each
    page's; ``combined``, an edition's): pages other than these, or any of its copies other bytes.
    The build is deterministic, so the same PDFs are the same inputs; other PDFs mean its pages,
    images and articles show an older page. Not through a link, and never a folder that is no
    site of ours (False)."""
    index = out / "edition.json"
    if out.is_symlink() or not out.is_dir() or index.is_symlink():
        return False
    try:
        doc = json.loads(read_regular(index))
        edition, pages = doc["edition"], doc["pages"]
        ours = str(doc["generator"]).startswith("pagesetter ") and edition["name"] == name
        listed = [page["pdf"] for page in pages]
        listed_combined = edition["pdf"]
    except (OSError, ValueError, KeyError, TypeError):  # not a file, not JSON, not our document
        return False
    if not ours:
        return False
    want = [f"pdf/{pdf.name}" for pdf in pdfs]
    if listed != want or listed_combined != (f"pdf/{combined.name}" if combined is not None else None):
        return True
    pairs = [*zip(want, pdfs), *([(listed_combined, combined)] if combined is not None else [])]
    for copy, pdf in pairs:
        try:
            if (out / copy).is_symlink() or read_regular(out / copy) != read_regular(pdf):
                return True
        except OSError:  # a copy gone or unreadable: not the site of these pages
            return True
    return False


def remove_site(out: Path) -> None:
    """The files of a site of ours (OWN_FILES and the STALE pattern) removed, then its folders if
    that leaves them empty; any other file, a link and what it points to stay."""
    for folder in (out / "images", out / "photos", out / "pdf", out):
        if folder.is_symlink() or not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            rel = path.relative_to(out).as_posix()
            if (rel in OWN_FILES or STALE.fullmatch(rel)) and path.is_file() and not path.is_symlink():
                try:
                    path.unlink()
                except OSError:  # a file the system keeps: left, and its folder with it
                    continue
        if folder != out:
            try:
                folder.rmdir()
            except OSError:  # not empty: another's files stay, and the folder with them
                pass
    try:
        out.rmdir()
    except OSError:
        pass


def _combined_name(info: EditionInfo) -> str | None:
    return f"pdf/{info.name}.pdf" if info.pdf is not None else None


def _pdf_name(p: EpaperPage) -> str:
    return f"pdf/{p.spec.name}.pdf"


def schema_bytes() -> bytes:
    return resources.files("pagesetter.epaper").joinpath("edition.schema.json").read_bytes()


def _remove_stale(out: Path, fresh: set[str]) -> None:
    """Files an earlier run wrote here that this one did not (an article since dropped, a page
    fewer): only in a folder that held a site before, only names of our pattern (STALE)."""
    for folder in (out, out / "images", out / "photos", out / "pdf"):
        if not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            name = path.relative_to(out).as_posix()
            if STALE.fullmatch(name) and path.is_file() and not path.is_symlink() and name not in fresh:
                path.unlink()


# --- zones -------------------------------------------------------------------------------------

def _zones(pages: Sequence[EpaperPage]) -> dict[str, list[PageZone]]:
    """Each article's zones, page by page, from its frames; an article on two pages (a jump) has
    zones on both."""
    out: dict[str, list[PageZone]] = {}
    count = 0
    for n, p in enumerate(pages, 1):
        widen = p.spec.grid.gutter / 2
        box = (0.0, 0.0, p.page.trim[0], p.page.trim[1])
        for a in _page_articles(p):
            frames = [(f.x, f.y, f.x + f.width, f.y + f.height) for f in p.page.frames
                      if f.article == a and f.kind in ZONE_KINDS]
            for zone in module_zones(frames, widen, box):
                count += 1
                out.setdefault(a, []).append(PageZone(n, f"zone-{count}", zone))
    return out


def _ad_marks(p: EpaperPage) -> list[str]:
    """Each advertisement's block on the page, unlinked, named 广告 for a screen reader and a
    pointer's tooltip, as the page's image shows the ad's printed label (flow/ads.py; 广告法 §14,
    互联网广告管理办法 §9: an ad on the web is marked 广告 too). None for an ad whose entry says
    ad_label: false: its picture carries the word, which the image shows."""
    out = []
    labelled = {line.article for line in p.page.lines if line.role == "ad-label"}
    for f in p.page.frames:
        article = p.articles.get(f.article)
        if f.kind == "block" and article is not None and article.ad and f.article in labelled:
            path = f"M{rounded(f.x)} {rounded(f.y)}h{rounded(f.width)}v{rounded(f.height)}h{rounded(-f.width)}z"
            out.append(f'<g class="ad" role="img" aria-label="广告">'
                       f'<title>广告</title><path d="{path}"/></g>')
    return out


def _page_articles(p: EpaperPage) -> list[str]:
    """The page's articles in the order their frames come (the spec's order). An advertisement
    (``ad:``) is none: it is seen in the page's image, and is neither listed, linked nor given an
    article page (trial 15: an ad was listed among the news, titled by the caption forced on it)."""
    return list(dict.fromkeys(f.article for f in p.page.frames if f.article in p.articles
                              and not p.articles[f.article].ad))


def article_order(pages: Sequence[EpaperPage]) -> list[str]:
    """The edition's articles, page by page in each page's reading order; an ad is none."""
    return list(dict.fromkeys(a for p in pages for a in _page_articles(p)))


def _article_of(pages: Sequence[EpaperPage], article: str) -> Article:
    return next(p.articles[article] for p in pages if article in p.articles)


def _copy_of(pages: Sequence[EpaperPage], article: str) -> Article:
    """The article as the copy has it (before 〓 stood in for what no face has)."""
    return next((p.copy or p.articles)[article] for p in pages if article in p.articles)


def _article_file(article: str) -> str:
    return f"a-{article}.html"


def _href(name: str) -> str:
    return quote(name, safe="/.-_~")


# --- images ------------------------------------------------------------------------------------

def _page_images(pdf: Path, n: int) -> dict[str, tuple[bytes, int, int]]:
    """The page's trim box as JPEG at the screen and the zoom resolution (pypdfium2, as previews)."""
    try:
        doc = pdfium.PdfDocument(str(pdf))
    except (pdfium.PdfiumError, FileNotFoundError) as exc:
        raise InputError(Loc.of_file(pdf), f"cannot open PDF: {exc}") from None
    try:
        page = doc[0]
        ml, mb, mr, mt = page.get_mediabox()
        tl, tb, tr, tt = page.get_trimbox()
        crop = (tl - ml, tb - mb, mr - tr, mt - tt)
        out = {}
        for name, dpi in ((f"images/page-{n}.jpg", SCREEN_DPI), (f"images/page-{n}-zoom.jpg", ZOOM_DPI)):
            image = page.render(scale=dpi / 72, crop=crop).to_pil().convert("RGB")
            out[name] = (_jpeg(image, PAGE_JPEG_QUALITY), image.width, image.height)
        return out
    finally:
        doc.close()


def _jpeg(image: Image.Image, quality: int) -> bytes:
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=quality, optimize=True, subsampling=0)
    return buf.getvalue()


def _web_photos(article_id: str, article: Article) -> list[WebPhoto]:
    out = []
    for photo in article.photos:
        for file in photo.files:
            image = web_image(file)
            src = f"photos/{article_id}-{len(out) + 1}.jpg"
            out.append(WebPhoto(src, image.width, image.height, _jpeg(image, PHOTO_JPEG_QUALITY)))
    return out


def web_image(path: Path) -> Image.Image:
    """The photo as the web shows it: sRGB (from its own profile, or newsprint's for untagged CMYK),
    upright, at most PHOTO_LONG_SIDE px on its long side."""
    from pagesetter.render.images import NEWSPRINT_PROFILE, _open

    im = ImageOps.exif_transpose(_open(path))
    embedded = im.info.get("icc_profile")
    srgb = ImageCms.createProfile("sRGB")
    if im.mode in ("RGB", "CMYK") and (embedded or im.mode == "CMYK"):
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(embedded)) if embedded \
                else ImageCms.ImageCmsProfile(str(NEWSPRINT_PROFILE))
            im = ImageCms.profileToProfile(im, source, srgb, outputMode="RGB",
                                           renderingIntent=ImageCms.Intent.PERCEPTUAL) or im
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a broken profile: the pixels as they are
    if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
        rgba = im.convert("RGBA")
        im = Image.new("RGB", rgba.size, (255, 255, 255))
        im.paste(rgba, mask=rgba.getchannel("A"))
    im = im.convert("RGB")
    scale = PHOTO_LONG_SIDE / max(im.size)
    if scale < 1:
        im = im.resize((max(1, round(im.width * scale)), max(1, round(im.height * scale))), Image.Resampling.LANCZOS)
    return im


# --- HTML --------------------------------------------------------------------------------------

def _e(text: str) -> str:
    return escape(text, quote=True)


def page_label(p: EpaperPage, n: int) -> tuple[str, str]:
    """版次 and 版名: the 报眉's, or 第N版 by position for a page without one (a front page)."""
    if p.spec.folio is not None:
        return p.spec.folio.page, p.spec.folio.section
    return f"第{n}版", ""


def _head(title: str) -> str:
    return ('<!DOCTYPE html>\n<html lang="zh-Hans">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<title>{_e(title)}</title>\n<link rel="stylesheet" href="style.css">\n</head>\n')


def _baomei(info: EditionInfo, label: str = "", section: str = "") -> str:
    date = format_date(info.date) if info.date else ""
    parts = [f'<span class="paper">{_e(info.paper)}</span>']
    if date:
        parts.append(f'<span class="date">{_e(date)}</span>')
    if label:
        parts.append(f'<span class="banci">{_e(" ".join(x for x in (label, section) if x))}</span>')
    return '<header class="baomei">' + " ".join(parts) + "</header>\n"


def _nav(pages: Sequence[EpaperPage], current: int | None) -> str:
    items = []
    for n, p in enumerate(pages, 1):
        label, section = page_label(p, n)
        text = _e(" ".join(x for x in (label, section) if x))
        mark = ' aria-current="page"' if n == current else ""
        items.append(f'<li><a href="page-{n}.html"{mark}>{text}</a></li>')
    return '<nav class="banci-nav" aria-label="版次"><ol>' + "".join(items) + "</ol></nav>\n"


# Where a caption's first sentence ends (a photo story is named by it, headline_text).
SENTENCE_ENDS = ("。", "！", "？")


def headline_text(article: Article) -> str:
    """What names the article in lists and zones: its 主题, or its first caption's first sentence
    (图片新闻), without the marker that points at the photo on the printed page (▲): in a list of
    articles it points nowhere, and a whole caption is a paragraph, not a title."""
    if article.title:
        return article.title
    if article.photos:
        caption = article.photos[0].caption
        text = caption.lstrip("".join(CAPTION_MARKERS) + " \u3000")
        ends = [i for i in (text.find(mark) for mark in SENTENCE_ENDS) if i > 0]
        return text[:min(ends)] if ends else (text or caption)
    return article.id


def _page_html(pages: Sequence[EpaperPage], n: int, info: EditionInfo, zones: dict[str, list[PageZone]],
               articles: dict[str, Article], images: dict[str, tuple[bytes, int, int]]) -> bytes:
    p = pages[n - 1]
    label, section = page_label(p, n)
    w, h = p.page.trim
    (screen, (_, sw, sh)), (zoom, _) = images.items()
    here = [(a, z) for a in _page_articles(p) for z in zones.get(a, []) if z.page == n]
    links = []
    for a, z in here:
        name = _e(headline_text(articles[a]))
        links.append(f'<a href="{_href(_article_file(a))}" id="{z.anchor}" class="zone" data-article="{_e(a)}" '
                     f'aria-label="{name}"><title>{name}</title>'
                     f'<path d="{z.zone.svg_path()}" fill-rule="evenodd"/></a>')
    links += _ad_marks(p)
    listed = "".join(f'<li><a href="{_href(_article_file(a))}">{_e(headline_text(articles[a]))}</a></li>'
                     for a in _page_articles(p))
    # a page of ads alone lists nothing: no heading over an empty list (trial 17b #7)
    aside = f'<aside class="contents"><h2>本版文章</h2><ol>{listed}</ol></aside>\n' if listed else ""
    prev = f'<a href="page-{n - 1}.html" rel="prev">上一版</a>' if n > 1 else ""
    nxt = f'<a href="page-{n + 1}.html" rel="next">下一版</a>' if n < len(pages) else ""
    pdf = f'<a href="{_href(_pdf_name(p))}" class="pdf">本版PDF</a>'
    if (combined := _combined_name(info)) is not None:
        pdf += f' <a href="{_href(combined)}" class="pdf">全部版面PDF</a>'
    title = " ".join(x for x in (info.paper, label, section) if x)
    body = (f'<body class="page">\n{_baomei(info, label, section)}{_nav(pages, n)}'
            f'<main class="layout">\n<h1 class="sr-only">{_e(title)}</h1>\n<div class="viewer">\n'
            '<p class="tools"><button type="button" id="zoom" hidden>放大</button></p>\n'
            f'<div class="sheet" id="sheet" style="aspect-ratio: {rounded(w)} / {rounded(h)}">\n'
            f'<img src="{screen}" data-zoom="{zoom}" width="{sw}" height="{sh}" alt="{_e(title)} 版面">\n'
            f'<svg class="zones" viewBox="0 0 {rounded(w)} {rounded(h)}" preserveAspectRatio="none" '
            f'role="group" aria-label="热区">\n' + "\n".join(links) + '\n</svg>\n</div>\n</div>\n'
            f'{aside}</main>\n'
            f'<nav class="pager">{prev} {pdf} {nxt}</nav>\n<script src="zoom.js"></script>\n</body>\n</html>\n')
    return (_head(title) + body).encode()


# A paragraph's setting as print has it (flow/forms.py), to CSS: its alignment and first-line indent.
CSS_ALIGN = {"justify": "justify", "left": "left", "center": "center", "right": "right"}


@record(frozen=True)
class Setting:
    """How print sets a paragraph: its lines' alignment, its first-line indent in ems, whether
    it is a verse line (flow/verse.py: its turnovers flush right, TURNOVER_INDENT_EM in), and
    whether it opens a stanza after one of the same poem (print parts them by a white grid line)."""

    align: str
    indent_em: float
    verse: bool = False
    stanza: bool = False

    def css(self) -> str:
        css = f"text-align: {CSS_ALIGN[self.align]}; text-indent: {round(self.indent_em, 3):g}em"
        # a stepped verse line (flow/forms.py step_ems) keeps its step when it turns over (style.css
        # .verse.turned), as print composes its head with the step less the turnover's hang
        return css + f"; --step: {round(self.indent_em, 3):g}em" if self.verse and self.indent_em else css


def _settings(pages: Sequence[EpaperPage], article_id: str, article: Article) -> list[Setting]:
    """Each paragraph's setting, from the styles of the first page the article stands on (a poem
    in a style set ``align: center`` centred, a ::: right line flush right), so the e-paper sets
    the text as the print does."""
    p = next(p for p in pages if article_id in p.articles)
    spec = next(a for a in p.spec.articles if a.article == article_id)
    verse = [is_verse(para, spec, p.spec.styles) for para in article.paragraphs]
    return [Setting(paragraph_align(para, spec, p.spec.styles), paragraph_indent_em(para, spec, p.spec.styles),
                    verse[k], new_stanza(article.paragraphs, k, verse))
            for k, para in enumerate(article.paragraphs)]


def _vertical_headline(pages: Sequence[EpaperPage], article_id: str) -> bool:
    """Is the article's headline set vertical (竖排) on the first page it stands on?"""
    p = next(p for p in pages if article_id in p.articles)
    return next(a for a in p.spec.articles if a.article == article_id).headline.vertical



def _marked(text: str, copy: str | None) -> str:
    """``text`` as HTML, each 〓 print set for a character of the copy no face has (where ``copy``,
    the same length, has another character) in a span that keeps the character (data-char) and names
    it (title, 缺字 U+XXXX): the 数字报 shows what print shows, where a 校对 compares the two, and not
    the character a phone cannot draw either (tofu); a search or a script still finds the copy's."""
    if copy is None or len(copy) != len(text) or SUBSTITUTE not in text:
        return _e(text)
    out = []
    for ch, was in zip(text, copy):
        if ch == SUBSTITUTE and was != SUBSTITUTE:
            out.append(f'<span class="missing-glyph" data-char="{_e(was)}" title="缺字 U+{ord(was):04X}">{SUBSTITUTE}</span>')
        else:
            out.append(_e(ch))
    return "".join(out)


def _text_html(text: str, copy: str | None = None) -> str:
    """Copy as HTML, each URL and e-mail address in a span of its own with a break opportunity
    (<wbr>) wherever print may break it (compose/chars.py url_break_at, Chicago 6.80): a browser
    has none inside one, and a long address ran off a phone's screen, the line before it spread
    letter by letter to the measure (trial 13)."""
    out, at = [], 0
    for m in URL.finditer(text):
        url = m.group()
        cuts = [p for p in range(1, len(url)) if url_break_at(url, p)]
        pieces = [url[a:b] for a, b in zip([0, *cuts], [*cuts, len(url)])]
        out += [_marked(text[at:m.start()], copy[at:m.start()] if copy is not None else None),
                '<span class="url">', "<wbr>".join(_e(x) for x in pieces), "</span>"]
        at = m.end()
    out.append(_marked(text[at:], copy[at:] if copy is not None else None))
    return "".join(out)


def _paragraph_html(para: Paragraph, setting: Setting, copy: Paragraph | None = None) -> str:
    if para.table is not None:
        return _table_html(para)
    copies = [c.text for c in copy.spans] if copy is not None and len(copy.spans) == len(para.spans) \
        else [None] * len(para.spans)
    step = step_ems(para)  # a stepped ::: noindent line: its U+3000s are its text-indent (Setting)
    spans: list[tuple[str, str | None, bool]] = []
    for s, c in zip(para.spans, copies):
        text = s.text.lstrip(STEP_SPACE) if step else s.text
        cut = len(s.text) - len(text)
        step = max(0, step - cut)
        spans.append((text, c[cut:] if c is not None else None, s.lead))
    inner = "".join(f'<strong class="lead">{_text_html(t, c)}</strong>' if lead else _text_html(t, c)
                    for t, c, lead in spans)
    style = f'style="{setting.css()}"'
    if para.form == "subhead":
        return f'<h2 class="para subhead" data-form="subhead" {style}>{inner}</h2>'
    if para.form == "quote":
        return f'<blockquote class="para quote" data-form="quote" {style}>{inner}</blockquote>'
    verse = (" verse" if setting.verse else "") + (" stanza" if setting.stanza else "")
    return f'<p class="para {para.form}{verse}" data-form="{para.form}" {style}>{inner}</p>'


def _table_html(para: Paragraph) -> str:
    """A table (flow/tables.py sets it on the page) as an HTML table: its title the caption, the
    header row's cells ``th``, each column aligned as on the page, its source line after it; the
    whole one paragraph (``.para``), the table in a box of its own that scrolls sideways when it is
    wider than a phone's screen, so its figures are never broken to fit (style.css)."""
    shape = para.table
    assert shape is not None
    rows = shape.cells(para.spans)
    aligns = column_aligns(shape, rows)

    def cell(tag: str, text: str, align: str) -> str:
        return f'<{tag} class="{align}">{_e(text)}</{tag}>'

    head = "<tr>" + "".join(cell("th", s.text, a) for s, a in zip(rows[0], aligns)) + "</tr>"
    body = "\n".join("<tr>" + "".join(cell("td", s.text, a) for s, a in zip(row, aligns)) + "</tr>"
                     for row in rows[1:])
    caption = f"<caption>{_e(para.spans[0].text)}</caption>\n" if shape.caption else ""
    source = f'\n<p class="source">{_e(para.spans[-1].text)}</p>' if shape.source else ""
    return (f'<div class="para table" data-form="table">\n<div class="table-box"><table>\n{caption}'
            f"<thead>{head}</thead>\n<tbody>\n{body}\n</tbody>\n</table></div>{source}</div>")


# Where a headline's parts meet: the space typed between them (为党旗添光彩 让党徽更闪亮).
HEADLINE_SPACE = re.compile(r"[ \u3000]+")


# Where a clause of a headline ends: its mark (，、；：！？。) and any closing quote or bracket after it.
# Print turns a two-clause headline there (邻居装监控对着我家门， / 违法吗？); a phone's browser may
# break between any two Han, and broke inside a word (违 / 法吗？, trial 14 #17).
CLAUSE_END = re.compile(r"[，、；：！？。]+[”’）》」』】〕]*")


def _clauses_html(part: str) -> str:
    """One part of a headline (between its spaces), each clause in a span of its own (style.css
    .clause): a clause kept whole on a line where it fits, so a part too long for the screen turns
    after a clause mark before it turns inside a word."""
    cuts = [m.end() for m in CLAUSE_END.finditer(part) if m.end() < len(part)]
    if not cuts:
        return _e(part)
    pieces = [part[a:b] for a, b in zip([0, *cuts], [*cuts, len(part)])]
    return "".join(f'<span class="clause">{_e(x)}</span>' for x in pieces)


def _headline_html(text: str) -> str:
    """A 引题, 主题 or 副题 as HTML: each part between its spaces kept whole on a line where it fits
    (style.css .part), so a headline turned on a phone turns at its space, as a desk turns one,
    not inside a word (让党徽更闪 / 亮); inside a part, after a clause mark (_clauses_html)."""
    if not HEADLINE_SPACE.search(text.strip()):
        return _clauses_html(text)
    out, at = [], 0
    for m in HEADLINE_SPACE.finditer(text):
        if m.start() > at:
            out.append(f'<span class="part">{_clauses_html(text[at:m.start()])}</span>')
        out.append(_e(m.group()))
        at = m.end()
    if at < len(text):
        out.append(f'<span class="part">{_clauses_html(text[at:])}</span>')
    return "".join(out)


# What follows a photographer's or an artist's name in a credit (本报记者 陈光 摄, 新华社记者 李明 摄影,
# 王芳 制图): kept with the name, as print never parts them.
CREDIT_VERBS = frozenset({"摄", "摄影", "制图", "绘", "绘图", "供图", "图", "发"})


def _credit_html(credit: str) -> str:
    """A photo's credit as HTML: each word between its spaces (a name: 陈光) in a span of its own
    (style.css .credit .name), whole on a line where it fits; a browser broke 陈 / 光 on a phone
    (trial 14b #18). The verb after the last name (摄) stays with it."""
    pieces = re.split(f"({HEADLINE_SPACE.pattern})", credit)  # word, space, word, …: the text exactly
    groups: list[str] = []
    for k in range(0, len(pieces), 2):
        word = pieces[k]
        if word in CREDIT_VERBS and len(groups) >= 2:
            space = groups.pop()
            groups[-1] += space + word  # the space before it and the verb, with the name
        else:
            groups.append(word)
        if k + 1 < len(pieces):
            groups.append(pieces[k + 1])
    return "".join(f'<span class="name">{_e(g)}</span>' if g and not HEADLINE_SPACE.fullmatch(g) else _e(g)
                   for g in groups)


def _article_html(article: Article, pages: Sequence[EpaperPage], info: EditionInfo, zones: list[PageZone],
                  photos: list[WebPhoto], settings: list[Setting], vertical: bool = False,
                  copy: Article | None = None) -> bytes:
    head = []
    if article.kicker:
        head.append(f'<p class="kicker">{_headline_html(article.kicker)}</p>')
    if article.title:
        head.append(f'<h1 class="title">{_headline_html(article.title)}</h1>')
    else:
        # a photo story has no 主题: the page still has its one h1 (a screen reader's outline
        # starts there), named as the lists name it, seen only by assistive technology
        head.append(f'<h1 class="sr-only">{_e(headline_text(article))}</h1>')
    if article.subtitle:
        head.append(f'<p class="subtitle">{_headline_html(article.subtitle)}</p>')
    if article.byline:
        head.append(f'<p class="byline">{_e(article.byline)}</p>')
    # 竖排 in print: set vertical where the screen is wide enough to read it so (style.css), the
    # body beside it as on the page; on a phone, horizontal over the body
    parts = [f'<header class="head{" vertical" if vertical else ""}">' + "\n".join(head) + "</header>"]
    k = 0
    for photo in article.photos:
        imgs = []
        for _ in photo.files:
            ph = photos[k]
            k += 1
            imgs.append(f'<img src="{_href(ph.src)}" width="{ph.width}" height="{ph.height}" '
                        f'alt="{_e(photo.caption)}" loading="lazy">')
        credit = f' <span class="credit">{_credit_html(photo.credit)}</span>' if photo.credit else ""
        caption = f'<figcaption><span class="caption">{_e(photo.caption)}</span>{credit}</figcaption>'
        # as printed: the caption's ▲ points up at the photo above it, ▼ down at the one below
        inner = caption + "".join(imgs) if photo.side == "below" else "".join(imgs) + caption
        parts.append(f'<figure class="photo">{inner}</figure>')
    copies = copy.paragraphs if copy is not None and len(copy.paragraphs) == len(article.paragraphs) \
        else (None,) * len(article.paragraphs)
    parts.append('<div class="text">\n' + "\n".join(_paragraph_html(p, s, c) for p, s, c
                                                   in zip(article.paragraphs, settings, copies)) + "\n</div>")
    seen = []
    for z in zones:
        label, section = page_label(pages[z.page - 1], z.page)
        if z.page not in [s for s, _ in seen]:
            seen.append((z.page, f'<a href="page-{z.page}.html#{z.anchor}" class="seen">{_e(label)}</a>'))
    parts.append('<nav class="on-pages">见报：' + " ".join(link for _, link in seen) + "</nav>")
    title = " ".join(x for x in (headline_text(article), info.paper) if x)
    first = zones[0].page if zones else 1
    label, section = page_label(pages[first - 1], first)
    body = (f'<body class="article">\n{_baomei(info, label, section)}{_nav(pages, None)}'
            f'<main><article id="{_e(article.id)}">\n' + "\n".join(parts) + "\n</article></main>\n"
            '<script src="fit.js"></script>\n</body>\n</html>\n')
    return (_head(title) + body).encode()


# --- edition.json ------------------------------------------------------------------------------

def _index_json(pages: Sequence[EpaperPage], info: EditionInfo, order: list[str], articles: dict[str, Article],
                zones: dict[str, list[PageZone]], photos: dict[str, list[WebPhoto]],
                images: list[dict[str, tuple[bytes, int, int]]]) -> bytes:
    page_list = []
    for n, p in enumerate(pages, 1):
        label, section = page_label(p, n)
        (screen, (_, sw, sh)), (zoom, (_, zw, zh)) = images[n - 1].items()
        page_list.append({
            "number": n, "name": p.spec.name, "label": label, "section": section,
            "html": f"page-{n}.html", "pdf": _pdf_name(p), "width_pt": rounded(p.page.trim[0]), "height_pt": rounded(p.page.trim[1]),
            "images": {"screen": {"src": screen, "width": sw, "height": sh, "dpi": SCREEN_DPI},
                       "zoom": {"src": zoom, "width": zw, "height": zh, "dpi": ZOOM_DPI}},
            "articles": _page_articles(p),
        })
    entries = []
    for a in order:
        art = articles[a]
        k = 0
        photo_list = []
        for photo in art.photos:
            srcs = []
            for _ in photo.files:
                srcs.append({"src": photos[a][k].src, "width": photos[a][k].width, "height": photos[a][k].height})
                k += 1
            photo_list.append({"images": srcs, "caption": photo.caption, "credit": photo.credit})
        entries.append({
            "id": a, "html": _article_file(a),
            "pages": list(dict.fromkeys(z.page for z in zones.get(a, []))),
            "zones": [{"page": z.page, "anchor": z.anchor,
                       "outline": [[rounded(x), rounded(y)] for x, y in z.zone.outline],
                       "holes": [[[rounded(x), rounded(y)] for x, y in ring] for ring in z.zone.holes]}
                      for z in zones.get(a, [])],
            "kicker": art.kicker, "title": art.title, "subtitle": art.subtitle, "byline": art.byline,
            "characters": sum(len(p.text) for p in art.paragraphs),
            "paragraphs": len(art.paragraphs),
            "photos": photo_list,
        })
    doc = {"$schema": "edition.schema.json", "version": SCHEMA_VERSION, "generator": f"pagesetter {__version__}",
           "edition": {"name": info.name, "paper": info.paper, "date": info.date, "pdf": _combined_name(info)},
           "pages": page_list, "articles": entries}
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode()


STYLE = """\
/* pagesetter 数字报: one sheet, no external resources; a phone shows the page, then the list. */
:root { color-scheme: light; --ink: #1a1a1a; --red: #b3121d; --rule: #d6d0c4; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.8 system-ui, "Noto Sans CJK SC", "Source Han Sans SC", sans-serif;
       color: var(--ink); background: #f4f1ea; }
.baomei { display: flex; flex-wrap: wrap; gap: .3em 1.2em; align-items: baseline; padding: .6em 1em;
          border-bottom: 3px double var(--red); background: #fff; }
.baomei .paper { font-size: 1.4em; font-weight: bold; color: var(--red); }
.banci-nav ol { display: flex; flex-wrap: wrap; gap: .4em; list-style: none; margin: 0; padding: .5em 1em; }
.banci-nav a { display: block; padding: .1em .7em; border: 1px solid var(--rule); border-radius: 3px;
               background: #fff; color: inherit; text-decoration: none; }
.banci-nav a[aria-current] { background: var(--red); border-color: var(--red); color: #fff; }
.layout { display: flex; flex-wrap: wrap; gap: 1em; padding: 0 1em 1em; align-items: flex-start; }
.viewer { flex: 3 1 480px; min-width: 0; overflow: auto; }
.contents { flex: 1 1 240px; background: #fff; padding: .5em 1em; }
.contents h2 { font-size: 1em; margin: .3em 0; }
.tools { margin: 0 0 .4em; }
.sheet { position: relative; width: 100%; max-width: 1100px; background: #fff; box-shadow: 0 1px 4px #0003; }
.sheet.zoomed { width: 200%; max-width: none; }
.sheet img { display: block; width: 100%; height: auto; }
.sheet svg { position: absolute; inset: 0; width: 100%; height: 100%; }
.zone path { fill: rgba(179, 18, 29, 0); stroke: none; cursor: pointer; }
.ad path { fill: rgba(0, 0, 0, 0); stroke: none; }
.zone:hover path, .zone:focus path, .zone:target path { fill: rgba(179, 18, 29, .12);
       stroke: var(--red); stroke-width: 1.5; vector-effect: non-scaling-stroke; }
.pager { display: flex; justify-content: space-between; padding: 0 1em 2em; }
body.article main { max-width: 40em; margin: 0 auto; padding: 1em; background: #fff; }
.kicker, .subtitle { margin: 0; text-align: center; }
.title { margin: .2em 0; font-size: 1.7em; line-height: 1.35; text-align: center; }
/* a headline too long for the screen turns in lines of a length, as a desk sets one in two lines,
   never a full line over a word or two (启动 alone under 全市小学暑期托管服务下周) */
.kicker, .title, .subtitle { text-wrap: balance; }
.part { display: inline-block; }
/* and inside a part too long for the screen, a clause whole where it fits: it turns after its
   ，or ？ as print does (邻居装监控对着我家门， / 违法吗？), not inside a word (违 / 法吗？) */
.clause { display: inline-block; }
/* a photographer's name is never parted (本报记者 陈光 摄, not 陈 / 光 摄) */
.credit .name { display: inline-block; }
.byline { color: #555; text-align: center; }
.photo { margin: 1em 0; }
/* a picture takes the column's width, and never more than most of the screen's height: a tall
   one (a 1:5 chimney, 1950 px at a phone's 390) stands whole, its shape kept, centred, with its
   caption's start under it on the same screen */
.photo img { display: block; width: auto; max-width: 100%; height: auto; max-height: 80vh;
             margin: 0 auto .3em; }
.photo figcaption { font-size: .9em; color: #444; }
/* a paragraph's alignment and first-line indent are print's, in its own style attribute (Setting) */
/* pretty: the browser avoids a paragraph's last line of one character (孤字), as print does */
.text .para { margin: 0 0 .6em; text-wrap: pretty; }
/* whatever cannot break where print breaks it still never runs off the screen */
.text { overflow-wrap: anywhere; }
.text .subhead { font-size: 1.05em; margin: 1em 0 .4em; }
.text .quote { margin: .6em 0; padding: .3em 1em; border-left: 3px solid var(--rule); font-family: serif; }
.text table { border-collapse: collapse; border-top: 1px solid; border-bottom: 1px solid; margin: .6em 0 .2em; }
/* a figure or a column head is never broken to fit a phone (3007 / 50, 收盘 / 价): a table wider
   than the screen scrolls sideways in its own box, the page does not */
.text .table-box { overflow-x: auto; }
.text th, .text td { overflow-wrap: normal; }
.text th, .text td.right { white-space: nowrap; }
.text caption { font-weight: bold; }
.text th { border-bottom: 1px solid; font-weight: bold; }
.text th, .text td { padding: .1em .6em; }
.text .right { text-align: right; } .text .left { text-align: left; } .text .center { text-align: center; }
.text .source { font-size: .9em; }
.lead { font-weight: bold; }
.on-pages { clear: both; margin-top: 1.5em; border-top: 1px solid var(--rule); padding-top: .5em; }
@media (max-width: 600px) { body { font-size: 17px; } .layout { padding: 0 .5em .5em; }
                            .text table { font-size: .94em; } .text th, .text td { padding: .1em .3em; } }
/* named for assistive technology only (a page's or a photo story's h1) */
.sr-only { position: absolute; width: 1px; height: 1px; margin: -1px; overflow: hidden; clip-path: inset(50%);
           white-space: nowrap; }
/* a verse line that turns over (fit.js marks it): its head centred on the measure, each turnover
   flush right and at least TURNOVER em in from the left, as print sets it (flow/verse.py) */
/* a poem's verse lines stand line under line, and a stanza after another of the poem one blank line
   below it, as print parts them by a white grid line (trial 15: the stanzas ran together) */
.text .verse:has(+ .verse) { margin-bottom: 0; }
.text .verse.stanza { margin-top: 1lh; }
.text .verse.turned { padding-left: TURNOVERem; text-indent: calc(var(--step, 0em) - TURNOVERem) !important; text-align-last: right; }
/* 竖排 in print: vertical where there is room, the body beside it as on the page (the title on
   the right, 副题 and byline to its left); on a phone it reads across, over the body */
@media (min-width: 601px) {
  /* a Chinese face first: its vertical forms (vert) turn “” into corners and join ——, as print
     does (chars.VERTICAL_QUOTES); a Latin system face's quotes and dashes stood on their side */
  .head.vertical { float: left; writing-mode: vertical-rl; max-height: 24rem; margin: 0 1.5em 1em 0;
                   font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif; }
  .head.vertical > * { margin: 0 0 0 .4em; text-align: start; }
  .head.vertical ~ .photo { display: flow-root; }
}
""".replace("TURNOVER", f"{TURNOVER_INDENT_EM:g}")

# The browser breaks the lines; this fits them after it does, and again when the width changes.
FIT_JS = """\
// 数字报: lines fitted after the browser breaks them, and again at each new width.
// - A justified line spread past LIMIT em between two characters (the line before a code the
//   browser will not break, 600519.SH) ends in a forced break instead, so it stands flush left:
//   print's line breaker avoids such a line, the browser has none (LIMIT: what print's check
//   calls very loose, compose/spacing.py's limit).
// - A verse line that turns over is marked "turned" (style.css: its head centred, its turnovers
//   flush right), and each turnover but the last ends in a forced break, which text-align-last sets
//   flush right too (flow/verse.py).
(function () {
  "use strict";
  var LIMIT = VERY_LOOSE, HAN = /\\p{Script=Han}/u;
  // Each line of the paragraph: where it starts (text node, offset), its top, and the widest
  // spread of one of its Han (its box less an em, in ems; the browser widens a character's box by
  // the white justification adds after it).
  function lines(p) {
    var out = [], walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT), range = document.createRange(), node;
    while ((node = walker.nextNode())) {
      var size = parseFloat(getComputedStyle(node.parentNode).fontSize), data = node.data;
      for (var i = 0; i < data.length;) {
        var cp = data.codePointAt(i), n = cp > 0xffff ? 2 : 1;
        range.setStart(node, i);
        range.setEnd(node, i + n);
        var rects = range.getClientRects(), last = out[out.length - 1];
        if (rects.length && rects[0].width > 0) {
          if (!last || rects[0].top > last.top + size / 2) {
            last = {node: node, offset: i, top: rects[0].top, spread: 0};
            out.push(last);
          }
          if (HAN.test(String.fromCodePoint(cp))) {
            last.spread = Math.max(last.spread, (rects[0].width - size) / size);
          }
        }
        i += n;
      }
    }
    return out;
  }
  // A forced break before each of these line starts, the last first (an earlier one's offset in
  // the same text node stays good).
  function breakBefore(starts) {
    starts.slice().reverse().forEach(function (at) {
      var node = at.offset > 0 ? at.node.splitText(at.offset) : at.node, br = document.createElement("br");
      br.className = "fit";
      node.parentNode.insertBefore(br, node);
    });
  }
  function fit() {
    Array.prototype.forEach.call(document.querySelectorAll("br.fit"), function (br) {
      var parent = br.parentNode;
      parent.removeChild(br);
      parent.normalize();
    });
    Array.prototype.forEach.call(document.querySelectorAll(".text .para"), function (p) {
      p.classList.remove("turned");
      if (p.classList.contains("verse")) {
        if (lines(p).length > 1) {
          p.classList.add("turned");
          breakBefore(lines(p).slice(2));
        }
        return;
      }
      // a break moves no line after it, but text-wrap: pretty may set the lines before it again
      for (var pass = 0; pass < 4 && getComputedStyle(p).textAlign === "justify"; pass++) {
        var ls = lines(p), wide = [];
        for (var k = 0; k + 1 < ls.length; k++) {
          if (ls[k].spread > LIMIT) { wide.push(ls[k + 1]); }
        }
        if (!wide.length) { break; }
        breakBefore(wide);
      }
    });
    document.documentElement.setAttribute("data-fitted", String(window.innerWidth));
  }
  var pending = false;
  window.addEventListener("resize", function () {
    if (!pending) {
      pending = true;
      requestAnimationFrame(function () { pending = false; fit(); });
    }
  });
  fit();
  if (document.fonts) { document.fonts.ready.then(fit); }
})();
""".replace("VERY_LOOSE", f"{VERY_LOOSE_LIMIT:g}")

ZOOM_JS = """\
// 放大/缩小: the zoom image (twice the resolution) in a sheet twice as wide, scrolled in its frame.
(function () {
  var sheet = document.getElementById("sheet"), button = document.getElementById("zoom");
  if (!sheet || !button) { return; }
  var img = sheet.querySelector("img"), screen = img.getAttribute("src");
  button.hidden = false;
  button.addEventListener("click", function () {
    var zoomed = sheet.classList.toggle("zoomed");
    img.src = zoomed ? img.getAttribute("data-zoom") : screen;
    button.textContent = zoomed ? "缩小" : "放大";
  });
})();
"""
