"""An advertisement's 广告 label.

广告法 (2015, 2021 修正) 第十四条: 广告应当具有可识别性，能够使消费者辨明其为广告。大众传播媒介
不得以新闻报道形式变相发布广告。通过大众传播媒介发布的广告应当显著标明“广告”，与其他非广告信息相
区别，不得使消费者产生误解。 A paper prints 广告 small in a corner of the ad's space, most often
the top right; an advertiser's picture that carries the word already is delivered so, and the entry
says ``ad_label: false``. The label stands on a white ground over a corner of the picture as drawn
(the ad is sold to its size: the picture is not made smaller for it), the top right unless the
entry's ``ad_label_corner`` names another, in the spec's ``ad-label`` style (the entry's
``ad_label_style``), else in the folio style. The picture's corner, not the block's: a picture set
whole (fit) into a block of another shape leaves white beside it, and a label at the block's corner
stood in that white, away from the ad it marks (session 17).
"""

from __future__ import annotations

from dataclasses import replace

from pagesetter.compose.display import compose_display
from pagesetter.flow.article import to_text_line
from pagesetter.flow.geometry import EM_TOP_ABOVE_BASELINE
from pagesetter.flow.glyphs import printable_text
from pagesetter.fonts.face import FaceSet
from pagesetter.pagetree import Image, Rule, TextLine, placed_box
from pagesetter.render.photo import fit_pixels
from pagesetter.spec.model import CMYK, ArticleSpec, Style

AD_LABEL = "广告"  # 广告法 §14: the word itself, not 推广 or 专版
WHITE = CMYK(0, 0, 0, 0)
PAD = 0.25  # ems of the label's size: the white ground beyond the characters on each side


def label_style(entry: ArticleSpec, styles: dict[str, Style]) -> Style:
    """The style the entry names (the loader has checked a named one is in the sheets); the default
    ad-label when the sheets have it, else the folio style (every page has one)."""
    return styles.get(entry.ad_label_style) or styles["folio"]


def picture_box(frame: Image, ppi: int) -> tuple[float, float, float, float]:
    """Where the ad's picture is drawn in its frame (x, y from the top left, width, height, pt), as
    the render places it (pagetree.placed_box) by the shape of its pixels as prepared at the page's
    ``ppi`` (a source's shape could put the label's edge a fraction of a point off the picture's,
    a hairline of picture showing past the white); the frame itself when the picture cannot be
    read (the render then names the file)."""
    from pagesetter.flow.fit import pixel_size  # reads the picture's header: only an ad's page needs it

    try:
        stat = frame.path.stat()
    except OSError:
        return frame.x, frame.y, frame.width, frame.height
    size = pixel_size(frame.path, stat.st_mtime_ns, stat.st_size)
    if size is None or min(size) <= 0:
        return frame.x, frame.y, frame.width, frame.height
    if frame.fit == "fit":
        size = fit_pixels(*size, frame.width, frame.height, ppi)
    return placed_box(frame, *size)


def ad_label(entry: ArticleSpec, images: tuple[Image, ...], styles: dict[str, Style],
             faces: FaceSet, ppi: int) -> tuple[tuple[TextLine, ...], tuple[Rule, ...]]:
    """The label's line and its white ground (a rule as deep as the ground: drawn over the picture,
    as rules are, and under the text), in the entry's corner of the ad's picture as drawn; none
    when the entry turns it off or nothing was placed."""
    if not entry.ad_label or not images:
        return (), ()
    x, y, w, h = picture_box(images[0], ppi)
    style = label_style(entry, styles)
    line = compose_display(printable_text(AD_LABEL, style, faces), style, w, faces)[0][0]
    pad = PAD * style.size
    width, depth = line.natural + 2 * pad, style.size + 2 * pad
    left = x if entry.ad_label_corner.endswith("left") else x + w - width
    top = y if entry.ad_label_corner.startswith("top") else y + h - depth
    ground = Rule(left, top + depth / 2, left + width, top + depth / 2, depth, WHITE, "ad-label")
    baseline = top + pad + EM_TOP_ABOVE_BASELINE * style.size
    text = to_text_line(replace(line, width=line.natural), left + pad, baseline, entry.article, "ad-label")
    return (text,), (ground,)
