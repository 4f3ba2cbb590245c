"""Trial 14 #10: an ASCII full stop ending a Chinese sentence and straight double quotes in Chinese
text were printed as typed (全市上下紧急行动. / 说："没想到…！") while the typography check passed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pdfplumber
import pytest

from pagesetter.content.normalise import normalise_text


@pytest.mark.parametrize("text, expected", [
    ("全市上下紧急行动.", "全市上下紧急行动。"),
    ("紧急行动.下一句", "紧急行动。下一句"),
    ("“好”.", "“好”。"),
    ('说:"没想到来得这么快!"', "说：“没想到来得这么快！”"),
    ('称为"大白"的志愿者', "称为“大白”的志愿者"),
    ('"外防输入","内防反弹"', "“外防输入”，“内防反弹”"),
    # a point in a number, a URL, an abbreviation, Latin, an ellipsis typed as points: as typed
    ("总投资1.2亿元", "总投资1.2亿元"),
    ("登录www.gov.cn查询", "登录www.gov.cn查询"),
    ("U.S.政府", "U.S.政府"),
    ("１.５亿", "1.5亿"),  # (full-width figures set half-width since session 15: tests/test_typo15.py)
    ("中文.NET平台", "中文.NET平台"),
    ("等等...", "等等……"),  # the 省略号 (trial 16 #13; it stayed as typed before)
    ('He said "hi" to me', 'He said "hi" to me'),
])
def test_full_stop_and_straight_quotes_in_chinese_text(text: str, expected: str) -> None:
    assert normalise_text(text, drop_spaces=True)[0] == expected


def test_an_unpaired_straight_quote_is_left_and_reported() -> None:
    new, edits = normalise_text('他说"好的。下一句 话', drop_spaces=True)
    assert new == '他说"好的。下一句 话'  # nothing changed: not even the space after the quote's place
    assert [(e.offset, e.before, e.after) for e in edits] == [(2, '"', '"')]
    assert edits[0].reason.startswith("straight quote without a partner in its paragraph")


def _build(tmp_path: Path, body: str) -> subprocess.CompletedProcess[str]:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "pagesetter", *args], cwd=tmp_path, capture_output=True,
                              text=True, timeout=300)

    assert run("init", "p").returncode == 0
    article = tmp_path / "p" / "content" / "example.md"
    text = article.read_text(encoding="utf-8")
    head, _ = text.split("\n---\n", 1)
    article.write_text(head + "\n---\n\n" + body, encoding="utf-8")
    return subprocess.run([sys.executable, "-m", "pagesetter", "build", "--no-cache"], cwd=tmp_path / "p",
                          capture_output=True, text=True, timeout=300)


def test_the_page_prints_full_stops_and_curly_quotes(tmp_path: Path) -> None:
    result = _build(tmp_path, '本报讯 全市上下紧急行动.市民王女士说:"没想到来得这么快!"家住1.2公里外的老李说，'
                              '登录www.gov.cn就能查到。\n')
    assert result.returncode == 0, result.stderr
    out = result.stdout + result.stderr
    assert '2× "→“”' not in out and '1× .→。' in out and '1× "→“' in out and '1× "→”' in out, out
    with pdfplumber.open(tmp_path / "p" / "output" / "page.pdf") as pdf:
        printed = "".join((page.extract_text() or "") for page in pdf.pages).replace("\n", "")
    # (pdfplumber reads the columns' lines interleaved: pieces within a line)
    assert "动。市民" in printed and "说：“没想到来" in printed and "快！”家住" in printed, printed
    assert "1.2公里" in printed and "www.gov.cn" in printed and '"' not in printed


def test_an_unpaired_quote_is_said_with_its_place(tmp_path: Path) -> None:
    result = _build(tmp_path, '本报讯 市民王女士说:"没想到来得这么快。\n')
    assert result.returncode == 0, result.stderr
    out = result.stdout + result.stderr
    assert "1 straight quote without a partner in the paragraph, left as typed: content/example.md:8:12" in out, out


def test_check_warns_of_an_ascii_quote_left_in_chinese_text(tmp_path: Path) -> None:
    """The quote normalisation leaves (no partner) is printed as typed: `check` says where, as a
    warning (exit 0), and the build says it with the article's place."""
    result = _build(tmp_path, '本报讯 市民王女士说:"没想到来得这么快。\n')
    assert result.returncode == 0, result.stderr
    assert "1 ASCII . or \" in Chinese text" in result.stdout, result.stdout
    assert "an ASCII full stop or straight quote in Chinese text" in result.stdout + result.stderr
    check = subprocess.run([sys.executable, "-m", "pagesetter", "check", "output/page.pdf"], cwd=tmp_path / "p",
                           capture_output=True, text=True, timeout=300)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "warning: an ASCII full stop or straight quote in Chinese text: " in check.stdout, check.stdout
