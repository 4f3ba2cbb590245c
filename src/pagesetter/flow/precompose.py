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
import pickle
import select
import signal
import sys
import threading
import time
from typing import Hashable, NoReturn

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
    # A bare os.fork and a pipe, not multiprocessing: importing it (and its connection module) cost
    # a cold build 15-30 ms on its critical path, for one child that sends one message.
    if (not hasattr(os, "fork")  # no fork on this platform (Windows)
            or threading.active_count() > 1  # forking beside other threads (serve) could inherit a held lock
            or sum(_size(article) for _, article, _ in jobs) < MIN_CHARACTERS):
        return
    mine, theirs = _halves(jobs)
    receive, send = os.pipe()  # both ends close-on-exec: no later subprocess (Ghostscript) holds one
    _flush_std_streams()  # else text buffered here is copied into the child, and could come out twice
    parent = os.getpid()
    try:
        pid = os.fork()
    except OSError:  # no process to be had: the flow sets everything here
        os.close(receive)
        os.close(send)
        return
    if pid == 0:
        try:
            _child(theirs, spec, faces, send, receive, parent)
        finally:  # _child ends in os._exit; nothing may return into the parent's build from here
            os._exit(1)
    entries = None  # if the child died, hangs or sent garbage, the flow sets its articles itself
    try:
        os.close(send)  # the child's end: held here too, the read below would never see its end
        for aspec, article, measure in mine:
            compose_body(aspec, article, spec.styles, measure, faces)
        entries = _receive(receive, time.monotonic() + CHILD_TIMEOUT)
    finally:  # also when this half failed (bad input, Ctrl-C): no child is left setting for nobody
        os.close(receive)
        if entries is None:
            _kill(pid)
        os.waitpid(pid, 0)  # reaped: no zombie (it has sent all, or was killed, so this is quick)
    if entries:
        faces.memo.load(entries)


def _receive(fd: int, deadline: float) -> dict[Hashable, object] | None:
    """The child's entries: everything it wrote until it closed the pipe, unpickled by the loader
    every pickle the engine reads goes through (cache.unpickle: record types only); None if it sent
    nothing, garbage, or had not finished by ``deadline``."""
    from pagesetter.cache import unpickle

    chunks = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            return None
        try:
            chunk = os.read(fd, 1 << 20)
        except OSError:
            return None
        if not chunk:
            break
        chunks.append(chunk)
    found = unpickle(b"".join(chunks)) if chunks else None
    return found if isinstance(found, dict) else None


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:  # not reaped yet, so still ours: only a race with its own exit
        pass


def _flush_std_streams() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (AttributeError, ValueError, OSError):  # closed or replaced: nothing to flush
            pass


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


def _child(jobs: list[tuple[ArticleSpec, Article, float]], spec: PageSpec, faces: FaceSet,
           send: int, receive: int, parent: int) -> NoReturn:
    """In the forked child: set the articles, write back only the entries it made, exit."""
    try:
        # Ctrl-C reaches the whole process group: the parent answers it (kills and reaps this one)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        die_with_parent(parent)
        # The fork copied the parent's reading end too: held here, a write to a parent that died
        # would wait for ever for a reader (this process itself).
        os.close(receive)
        before: set[Hashable] = set(faces.memo.entries)
        for aspec, article, measure in jobs:
            compose_body(aspec, article, spec.styles, measure, faces)
        payload = pickle.dumps({k: v for k, v in faces.memo.entries.items() if k not in before},
                               protocol=pickle.HIGHEST_PROTOCOL)
        with open(send, "wb", closefd=False) as pipe:  # writes it all, however large
            pipe.write(payload)
    except BaseException:  # anything at all (Ctrl-C too): nothing sent, the parent sets these itself
        pass
    finally:
        _flush_std_streams()  # what the child printed, as multiprocessing's child did
        os._exit(0)  # no atexit handlers or buffers of the parent's run twice
