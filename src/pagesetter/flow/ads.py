"""An advertisement's 广告 label.

广告法 (2015, 2021 修正) 第十四条: 广告应当具有可识别性，能够使消费者辨明其为广告。大众传播媒介
不得以新闻报道形式变相发布广告。通过大众传播媒介发布的广告应当显著标明“广告”，与其他非广告信息相
区别，不得使消费者产生误解。 A paper prints 广告 small in a corner of the ad's space, most often
the top right; an advertiser's picture that carries the word already is delivered so, and the entry
says ``ad_label: false``. The label stands on a white ground over the picture's corner (the ad is
sold to its size: the picture is not made smaller for it), in the spec's ``ad-label`` style (the
entry's ``ad_label_style``), else in the folio style.
"""

from __future__ import annotations

from dataclasses import replace

from pagesetter.compose.display import compose_display
from pagesetter.flow.article import to_text_line
from pagesetter.flow.geometry import EM_TOP_ABOVE_BASELINE
from pagesetter.flow.glyphs import printable_text
from pagesetter.fonts.face import FaceSet
from pagesetter.pagetree import Image, Rule, TextLine
from pagesetter.spec.model import CMYK, ArticleSpec, Style

AD_LABEL = "广告"  # 广告法 §14: the word itself, not 推广 or 专版
WHITE = CMYK(0, 0, 0, 0)
PAD = 0.25  # ems of the label's size: the white ground beyond the characters on each side


def label_style(entry: ArticleSpec, styles: dict[str, Style]) -> Style:
    """The style the entry names (the loader has checked a named one is in the sheets); the default
    ad-label when the sheets have it, else the folio style (every page has one)."""
    return styles.get(entry.ad_label_style) or styles["folio"]


def ad_label(entry: ArticleSpec, images: tuple[Image, ...], styles: dict[str, Style],
             faces: FaceSet) -> tuple[tuple[TextLine, ...], tuple[Rule, ...]]:
    """The label's line and its white ground (a rule as deep as the ground: drawn over the picture,
    as rules are, and under the text), at the top right corner of the ad's picture frame; none when
    the entry turns it off or nothing was placed."""
    if not entry.ad_label or not images:
        return (), ()
    frame = images[0]
    style = label_style(entry, styles)
    line = compose_display(printable_text(AD_LABEL, style, faces), style, frame.width, faces)[0][0]
    pad = PAD * style.size
    width, depth = line.natural + 2 * pad, style.size + 2 * pad
    right, top = frame.x + frame.width, frame.y
    ground = Rule(right - width, top + depth / 2, right, top + depth / 2, depth, WHITE, "ad-label")
    baseline = top + pad + EM_TOP_ABOVE_BASELINE * style.size
    text = to_text_line(replace(line, width=line.natural), right - pad - line.natural, baseline,
                        entry.article, "ad-label")
    return (text,), (ground,)
