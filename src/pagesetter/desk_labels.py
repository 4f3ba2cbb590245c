"""The desk's Chinese for what the engine says in English: warning kinds, preflight checks and the
typography summary's measures. The desk shows the Chinese label first and keeps the engine's
English line beside it (the message names files, articles and numbers a label cannot carry), so
a 拼版编辑 reads what is wrong and can still quote the exact line.

Sources: the warning kinds are those errors.Warning carries (flow/article.py, flow/fit.py,
flow/glyphs.py, render/pdf.py, build.py); the checks those proof/preflight.py adds; the measures
those proof/typography.py's summary() prints. The Chinese is the make-up desk's and the print
shop's usual wording (溢出, 缺字, 禁则, 叠印, 总墨量, 输出意图). tests/test_serve.py checks every
kind and check the engine can emit has a label here.
"""

from __future__ import annotations

from typing import Any

WARNING_KINDS: dict[str, str] = {
    "overset": "溢出（排不下）",
    "underset": "稿件不足（留空）",
    "past-measure": "墨迹出栏",
    "typography": "排版检查问题",  # proof/report.py: a problem `pagesetter check` found (孤字, 偏离网格…)
    "fitted": "适配调整",
    "layout": "版式问题",
    "missing-glyph": "缺字",
    "fallback-face": "外文词用备用字体排",  # flow/article.py: a Latin word set from a fallback face
    "low-resolution": "图片精度不足",
    "photo": "图片",
    "photo-white": "图片未填满图框（留白）",  # render/pdf.py: a fit: fit picture leaving its cell white
    "very-loose": "行过松",
    "auto": "自动排版",
    "split-span": "日期、数字或单位被拆行",  # flow/article.py _split_warning
    "name-break": "外文人名在连字符处断行",  # flow/article.py _name_break_warning
    "headline-break": "标题断行处无依据",  # flow/article.py: a headline line break the copy gives no cue for
    "table-size": "表格缩小字号排入",  # flow/tables.py: a table set smaller than its style to fit its column
    "empty-body": "有署名无正文",  # flow/article.py: a title and byline with no body (trial 16 #10)
    "caption-share": "图片说明占图框过半",  # flow/article.py: a caption taking most of its photo cell (trial 16 #12)
    "edition": "版数与报头不符",  # edition.py: the masthead's 今日N版 against the edition's pages (trial 16b #9)
    "slug": "版边信息行被截断",  # build.py with_marks: the slug line cut on a page too narrow for it
    "registration": "细线多色套准难",  # build.py: a thin rule or frame in two or more inks (REGISTRATION_RULES)
}

PREFLIGHT_CHECKS: dict[str, str] = {
    "boxes": "页面框",
    "colour": "颜色",
    "coverage": "总墨量",
    "distortion": "图片变形",
    "fonts": "字体",
    "legibility": "字与底色深浅太近",  # preflight LEGIBILITY_RULES: its severity is the rule's, not a literal
    "metadata": "元数据",
    "output intent": "输出意图",
    "overprint": "叠印",
    "overset": "溢出",
    "pdfx": "PDF/X 规范",
    "registration": "套准色",
    "resolution": "图片精度",
    "rich black": "四色黑",
    "rule weight": "线宽",
    "safety": "安全边距",
    "text size": "字号过小",
    "transparency": "透明",
    "version": "PDF 版本",
}

SEVERITIES: dict[str, str] = {"error": "错误", "warning": "警告", "PASS": "通过", "FAIL": "不通过"}

# The typography summary's clauses, each found by the English words after its number: the longest
# phrase a clause contains names it ("vertical kinsoku" before "kinsoku").
TYPOGRAPHY: tuple[tuple[str, str], ...] = (
    ("body lines", "正文行数（两端对齐）"),
    ("kinsoku", "禁则违例"),
    ("split ——/……", "——/…… 被拆开"),
    ("off the measure", "超出栏宽"),
    ("孤字", "孤字"),
    ("off the grid", "偏离网格"),
    ("Han spacing", "汉字间距"),
    ("not two ems", "——/…… 不足两字宽"),
    ("——/……", "——/…… 长度"),
    ("ink past the measure", "墨迹出栏"),
    ("Han–Latin gap", "中西文间距（最小–最大）"),
    ("under an eighth", "中西文间距不足八分之一字"),
    ("loose lines", "松散行（很松）"),
    ("spacing jumps", "字距跳变"),
    ("vertical kinsoku", "竖排禁则违例"),
    ("vertical columns", "竖排栏"),
    ("one-character", "单字栏"),
    ("holes", "空洞"),
    ("subheads at a column's foot", "小标题落栏脚"),
    ("paragraph ends alone at a column's head", "段末孤行落栏首"),  # proof/typography.py widows
    ("split across lines", "数字或范围被拆行"),  # proof/typography.py: a date, range or quantity parted
    ("URLs broken badly", "网址断行不当"),  # proof/typography.py: a URL broken after its . or - (Chicago)
    # said in the summary only where there is one
    ("落款 parted at a column's head", "落款与正文分栏"),
    ("——/…… broken by white", "——/…… 中间有空"),
    ("numbers set apart from their symbol", "数字与单位符号分开"),
    ("lines off the trim", "文字出裁切线"),
    ("lines over the page's furniture", "文字压报眉报头线"),
    ("in Chinese text", "中文里的西文句点或直引号"),
)


def labels() -> dict[str, Any]:
    """The tables as the desk's page takes them (JSON)."""
    return {"warning": WARNING_KINDS, "check": PREFLIGHT_CHECKS, "severity": SEVERITIES,
            "typography": [list(p) for p in TYPOGRAPHY]}
