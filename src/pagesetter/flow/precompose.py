"""The bodies of a page's articles set on two cores before the page is flowed.

Setting the body text is most of a cold build's layout time, and each article's body depends on
nothing but its text, its styles, the column measure and the faces. So a forked child sets half of
the articles while this process sets the rest; the child's lines come back into the composition
memo (compose/memo.py), where flowing the page then finds every paragraph already set. Same lines
either way: this only decides which core sets them. Where there is one core, no fork, or little to
set, nothing happens here and the flow sets everything as before.
"""

from __future__ import annotations

import os
import threading
from typing import Hashable

from pagesetter.content.model import Article
from pagesetter.flow.article import body_is_set, compose_body
from pagesetter.flow.geometry import PageGeometry, module_geometry
from pagesetter.fonts.face import FaceSet
from pagesetter.spec.model import ArticleSpec, PageSpec
from pagesetter.workers import die_with_parent

# Below this many characters still to set, a second process costs more than it saves.
MIN_CHARACTERS = 2000
# A child that has not answered by then is given up (the page is set here instead), seconds.
CHILD_TIMEOUT = 60


def precompose(spec: PageSpec, articles: dict[str, Article], faces: FaceSet) -> None:
    geo = PageGeometry(spec)
    jobs = [(a, article, module_geometry(geo, a).span_width(1)) for a, article in _jobs(spec, articles)]
    jobs = [job for job in jobs if not body_is_set(job[0], job[1], spec.styles, job[2], faces)]
    if len(jobs) < 2 or (os.cpu_count() or 1) < 2:
        return
    import multiprocessing  # here: an edited page's rebuild, one article to set again, never forks

    if ("fork" not in multiprocessing.get_all_start_methods()
            or threading.active_count() > 1  # forking beside other threads (serve) could inherit a held lock
            or sum(_size(article) for _, article, _ in jobs) < MIN_CHARACTERS):
        return
    mine, theirs = _halves(jobs)
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(theirs, spec, faces, send, receive, os.getpid()),
                            daemon=True)
    child.start()
    send.close()
    entries = None  # if the child died or hangs, the flow sets its articles itself
    try:
        for aspec, article, measure in mine:
            compose_body(aspec, article, spec.styles, measure, faces)
        try:
            if receive.poll(CHILD_TIMEOUT):
                entries = receive.recv()
        except (EOFError, OSError):
            pass
    finally:  # also when this half failed (bad input, Ctrl-C): no child is left setting for nobody
        if entries is None and child.is_alive():
            child.kill()
        child.join()
        receive.close()
    if entries:
        faces.memo.load(entries)


def _jobs(spec: PageSpec, articles: dict[str, Article]) -> list[tuple[ArticleSpec, Article]]:
    """The entries whose body this page sets (not continued ones: their lines come from a jump)."""
    jobs = []
    seen = set()
    for aspec in spec.articles:
        article = articles.get(aspec.article)
        if article is None or not article.paragraphs or aspec.continued_from is not None:
            continue
        if (aspec.article, aspec.body, aspec.lead, aspec.subhead) in seen:
            continue
        seen.add((aspec.article, aspec.body, aspec.lead, aspec.subhead))
        jobs.append((aspec, article))
    return jobs


def _size(article: Article) -> int:
    return sum(len(p.text) for p in article.paragraphs)


def _halves(jobs: list[tuple[ArticleSpec, Article, float]]) -> tuple[list, list]:
    """Two groups of about the same amount of text, largest first (greedy)."""
    mine: list = []
    theirs: list = []
    load = [0, 0]
    for job in sorted(jobs, key=lambda j: -_size(j[1])):
        side = 0 if load[0] <= load[1] else 1
        (mine if side == 0 else theirs).append(job)
        load[side] += _size(job[1])
    return mine, theirs


def _child(jobs: list[tuple[ArticleSpec, Article, float]], spec: PageSpec, faces: FaceSet,  # type: ignore[no-untyped-def]
           send, receive, parent: int) -> None:
    """In the forked child: set the articles, send back only the entries it made."""
    die_with_parent(parent)
    # The fork copied the parent's reading end too: held here, a send to a parent that died would
    # wait for ever for a reader (this process itself).
    receive.close()
    try:
        before: set[Hashable] = set(faces.memo.entries)
        for aspec, article, measure in jobs:
            compose_body(aspec, article, spec.styles, measure, faces)
        send.send({k: v for k, v in faces.memo.entries.items() if k not in before})
    except BaseException:  # anything at all: the parent sets these articles itself
        send.send(None)
    finally:
        send.close()
        os._exit(0)  # no atexit handlers or buffers of the parent's run twice
