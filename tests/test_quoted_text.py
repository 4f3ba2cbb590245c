"""The collision check's and the masthead's errors quote the copy as every other message does
(errors.quoted): an invisible character (a zero-width space, a tab) as ⟨U+200B⟩, ⟨U+0009⟩, so the
error stays one readable line and says what is in the copy. Built for real from a project copy."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pagesetter.build import build_page
from pagesetter.errors import InputError
from tests.conftest import copy_project
from tests.test_masthead import LOGO_PAGE, PAGES


def _one_visible_line(message: str) -> None:
    assert "\t" not in message and "\u200b" not in message and "\n" not in message, repr(message)


def test_a_headline_over_its_photo_is_quoted_visibly(project: Path) -> None:
    spec = project / "layout" / "seed-page.yaml"
    text = spec.read_text(encoding="utf-8")
    old = "photo: {col: 3, cols: 2, line: 6, lines: 13}      # ▲ photo above its caption"
    assert old in text
    spec.write_text(text.replace(old, "photo: {col: 3, cols: 2, line: 2, lines: 13}", 1), encoding="utf-8")
    article = project / "content" / "dongfeng-media.md"
    copy = article.read_text(encoding="utf-8")
    title = "title: 媒体战士在“疫”线 危难时刻见初心\n"
    assert title in copy
    article.write_text(copy.replace(title, 'title: "媒体\\u200b战士\\t在“疫”线 危难时刻见初心"\n', 1), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        build_page(spec, project / "output")
    message = str(caught.value)
    assert "'dongfeng-media': its title '媒体战士⟨U+0009⟩在“疫”线 危难时刻见初心' prints over its photo" in message, message
    _one_visible_line(message)


@pytest.fixture()
def masthead_project(tmp_path: Path) -> Path:
    project = copy_project(tmp_path)
    shutil.copytree(PAGES / "content" / "front", project / "content" / "front")
    text = LOGO_PAGE.read_text(encoding="utf-8")
    (project / "layout" / "front.yaml").write_text(
        text.replace("../../../layout/styles/", "styles/").replace("../../../fonts/", "../fonts/"), encoding="utf-8")
    return project


def _build_with(project: Path, old: str, new: str) -> str:
    spec = project / "layout" / "front.yaml"
    text = spec.read_text(encoding="utf-8")
    assert old in text
    spec.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        build_page(spec, project / "output")
    return str(caught.value)


def test_a_paper_name_too_wide_is_quoted_visibly(masthead_project: Path) -> None:
    message = _build_with(masthead_project, "name: {logo: ../content/front/logo.pdf}",
                          'name: {text: "江城都市\\t晚报\\u200b新闻周刊"}')
    assert "the paper's name '江城都市⟨U+0009⟩晚报⟨U+200B⟩新闻周刊' in 'masthead-name'" in message, message
    _one_visible_line(message)


def test_a_masthead_info_line_too_wide_is_quoted_visibly(masthead_project: Path) -> None:
    message = _build_with(masthead_project, "publisher: 江城日报社出版",
                          'publisher: "江城日报社出版\\u200b江城日报社出版\\t' + "江城日报社出版" * 6 + '"')
    assert "the masthead's " in message and "⟨U+200B⟩" in message and "⟨U+0009⟩" in message, message
    _one_visible_line(message)
