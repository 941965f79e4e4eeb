"""One reindex at a time, whoever asks: a moderator, a new source, or the poller.

The runner owns the background task and its state. `start` checks and claims
in one step with no await in between, so two requests arriving together can
never both start a build.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bot.desk import Desk
from index.builder import BuildProgress, BuildStats

log = logging.getLogger("newsdesk." + __name__)


@dataclass
class ReindexState:
    """What the status message shows; written by the worker thread, read by the loop."""

    by: str
    started: float = field(default_factory=time.monotonic)
    progress: BuildProgress | None = None


class Reindexer:
    def __init__(self, desk: Desk) -> None:
        self.desk = desk
        self.state: ReindexState | None = None
        self.task: asyncio.Task[BuildStats] | None = None
        # called with `changed` after each build, before whoever awaits the task hears of
        # it: the news desk posts what a fetch brought before the poller's round ends
        self.listeners: list[Callable[[bool], Awaitable[None]]] = []

    @property
    def running(self) -> bool:
        return self.state is not None

    def start(self, by: str, *, full: bool = False,
              read_folders: bool = True) -> asyncio.Task[BuildStats] | None:
        """The new build's task, or None while one runs (the caller says so). `read_folders`:
        False when the caller has just read them (a fetch does), so they are read once."""
        if self.state is not None:
            return None
        state = self.state = ReindexState(by=by)
        self.task = asyncio.create_task(self._run(state, full, read_folders))
        self.task.add_done_callback(self._finished)
        return self.task

    async def _run(self, state: ReindexState, full: bool, read_folders: bool) -> BuildStats:
        """Off the loop; the old index keeps answering until the new one is published."""
        def progress(p: BuildProgress) -> None:
            state.progress = p.model_copy()

        try:
            if read_folders:
                await asyncio.to_thread(self.desk.refresh_folders)
            stats = await asyncio.to_thread(self.desk.reindex, full, progress)
        finally:
            self.state = None
        for listener in list(self.listeners):
            try:
                await listener(stats.changed)
            except Exception:  # a listener's failure is its own; the build stands
                log.exception("after the reindex: %r failed", listener)
        return stats

    @staticmethod
    def _finished(task: asyncio.Task[BuildStats]) -> None:
        """A failure nobody awaits still reaches the log; whoever awaits also reports it."""
        if not task.cancelled() and task.exception() is not None:
            log.error("reindex failed: %r", task.exception())
