"""Terminal progress bars on stderr, so stdout carries only answers and JSON."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from index.builder import BuildProgress, ProgressFn

stderr = Console(stderr=True)


def _bar() -> Progress:
    return Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                    MofNCompleteColumn(), TimeElapsedColumn(), console=stderr, transient=False)


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
