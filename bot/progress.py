"""Terminal progress bars and logs on stderr, so stdout carries only answers and JSON.

When stderr is not a terminal (a log file, a service manager, a pipe) nothing is
wrapped at 80 columns and no bar is drawn: one message stays one line, and no
spinner frame ends up in the log.
"""

from __future__ import annotations

import logging
import sys
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
)

from index.builder import BuildProgress, ProgressFn

stderr = Console(stderr=True, soft_wrap=True)


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


@contextmanager
def build_bar() -> Iterator[ProgressFn]:
    with _bar() as bar:
        scan = bar.add_task("scanning articles", total=None)
        embed = None

        def update(p: BuildProgress) -> None:
            nonlocal embed
            bar.update(scan, completed=p.articles_scanned, total=p.articles_total or None)
            if p.phase in ("embed", "publish", "done") and p.passages_to_embed:
                if embed is None:
                    embed = bar.add_task("embedding passages", total=p.passages_to_embed)
                bar.update(embed, completed=p.passages_embedded)

        yield update


@contextmanager
def count_bar(description: str) -> Iterator[callable]:
    with _bar() as bar:
        task = bar.add_task(description, total=None)
        yield lambda _item: bar.advance(task)
