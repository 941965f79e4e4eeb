"""Terminal progress bars and logs on stderr, so stdout carries only answers and JSON.

When stderr is not a terminal (a log file, a service manager, a pipe) nothing is
wrapped at 80 columns and no bar is drawn: one message stays one line, and no
spinner frame ends up in the log.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.logging import RichHandler
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from index.builder import BuildProgress, ProgressFn

stderr = Console(stderr=True, soft_wrap=True)
log = logging.getLogger("newsdesk." + __name__)
LOG_EVERY = 10.0  # seconds between progress lines when stderr is not a terminal


def log_handler() -> logging.Handler:
    if stderr.is_terminal:
        return RichHandler(console=stderr, show_path=False, show_time=False)
    plain = logging.StreamHandler(sys.stderr)
    plain.setFormatter(logging.Formatter("%(levelname)-8s %(message)s"))
    return plain


def _bar() -> Progress:
    return Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                    MofNCompleteColumn(), TimeElapsedColumn(), console=stderr, transient=False,
                    disable=not stderr.is_terminal)


def _rate_bar() -> Progress:
    """Counts with a rate and the time left: embedding a back-fill can take an hour."""
    return Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                    MofNCompleteColumn(), TextColumn("{task.fields[rate]}"),
                    TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
                    console=stderr, transient=False, disable=not stderr.is_terminal)


def _rate(done: int, total: int, since: float | None, start_done: int) -> tuple[str, str]:
    """(items/s, time left) measured from the first item this run computed or looked up."""
    if since is None or done <= start_done:
        return "", ""
    seconds = time.monotonic() - since
    per_second = (done - start_done) / seconds if seconds > 0 else 0.0
    left = (total - done) / per_second if per_second > 0 else 0.0
    return f"{per_second:.1f}/s", f"{int(left) // 60}m{int(left) % 60:02d}s"


@contextmanager
def build_bar() -> Iterator[ProgressFn]:
    """Passages, then sentences, each with its rate and ETA; plain log lines when stderr
    is not a terminal (a service's log gets one line every LOG_EVERY seconds)."""
    with _rate_bar() as bar:
        scan = bar.add_task("scanning articles", total=None, rate="")
        tasks: dict[str, int] = {}
        started: dict[str, tuple[float, int]] = {}
        last_line = [0.0]
        finished: set[str] = set()

        def phase(name: str, done: int, total: int) -> None:
            if not total:
                return
            if name not in tasks:
                tasks[name] = bar.add_task(f"embedding {name}", total=total, rate="")
            if done and name not in started:  # after the jump of what the cache held
                started[name] = (time.monotonic(), done)
            rate, left = _rate(done, total, *started.get(name, (None, 0)))
            bar.update(tasks[name], completed=done, rate=rate)
            now = time.monotonic()
            if stderr.is_terminal or name in finished:
                return
            if now - last_line[0] >= LOG_EVERY or done == total:
                last_line[0] = now
                if done == total:
                    finished.add(name)
                log.info("embedding %s: %d/%d%s", name, done, total,
                         f" ({rate}, ETA {left})" if rate and done < total else "")

        def update(p: BuildProgress) -> None:
            bar.update(scan, completed=p.articles_scanned, total=p.articles_total or None)
            if p.phase in ("embed", "publish", "done"):
                phase("passages", p.passages_embedded, p.passages_to_embed)
                if p.passages_embedded >= p.passages_to_embed:
                    phase("sentences", p.sentences_embedded, p.sentences_to_embed)

        yield update


@contextmanager
def count_bar(description: str) -> Iterator[callable]:
    with _bar() as bar:
        task = bar.add_task(description, total=None)
        yield lambda _item: bar.advance(task)
