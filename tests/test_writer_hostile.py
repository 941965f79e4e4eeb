"""Issue 21, points 2 and 3 (and issue 18's mixed-up replies): a hostile chat-completions
server on 127.0.0.1 cannot grow the bot's memory, hold a member past the deadline or get
the API key into a log; a reply in the other shape than asked for is read all the same."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from llm_server import (
    LLMServer,
    Reply,
    echo_key,
    endless_body,
    endless_line,
    plain_whatever_asked,
    streamed_whatever_asked,
)
from test_writer import DEADLINE, KEY, KOREA, SUSPENDED, ask, assert_quotes_only, writer_desk

from bot.desk import Desk
from index.embedder import Embedder

NEWSDESK = str(Path(sys.executable).parent / "newsdesk")
MAX_GROWTH = 100 << 20  # bytes of resident memory a hostile reply may add
_PAGE = os.sysconf("SC_PAGE_SIZE")


def _rss() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * _PAGE


class PeakRSS:
    """This process's resident memory, sampled every 5 ms while the block runs."""

    def __init__(self) -> None:
        self.before = self.peak = 0
        self._done = threading.Event()

    def __enter__(self) -> PeakRSS:
        self.before = self.peak = _rss()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._done.wait(0.005):
            self.peak = max(self.peak, _rss())

    def __exit__(self, *exc: object) -> None:
        time.sleep(0.5)  # a reader the deadline abandoned may still be growing
        self._done.set()
        self._thread.join()
        self.peak = max(self.peak, _rss())

    @property
    def growth(self) -> int:
        return self.peak - self.before


@pytest.fixture(scope="module")
def llm() -> Iterator[LLMServer]:
    with LLMServer() as server:
        yield server


@pytest.fixture(scope="module", params=[True, False], ids=["streamed", "plain"])
def wdesk(request: pytest.FixtureRequest, sample_desk: Desk, embedder: Embedder,
          llm: LLMServer) -> Desk:
    return writer_desk(sample_desk.settings.home, embedder, llm.url, stream=request.param)


@pytest.mark.parametrize("behaviour", [endless_body, endless_line], ids=["body", "line"])
def test_an_endless_reply_neither_grows_memory_nor_holds_the_member(
        wdesk: Desk, llm: LLMServer, sample_desk: Desk,
        behaviour: Callable[..., None]) -> None:
    assert_quotes_only(sample_desk.ask(KOREA), sample_desk)  # warm: retrieval is not measured
    started = time.monotonic()
    with PeakRSS() as memory:
        answer = ask(wdesk, llm, behaviour)
    elapsed = time.monotonic() - started - 0.5
    assert_quotes_only(answer, sample_desk)
    assert elapsed < DEADLINE + 2.0
    assert memory.growth < MAX_GROWTH, f"grew {memory.growth / 1e6:.0f} MB"
    assert "not a usable chat completion" in (wdesk.writer.health().last_error or "")


@pytest.mark.parametrize("shape", [plain_whatever_asked, streamed_whatever_asked],
                         ids=["json-reply", "sse-reply"])
def test_a_reply_in_the_other_shape_is_read(wdesk: Desk, llm: LLMServer,
                                            shape: Callable[[Reply], object]) -> None:
    answer = ask(wdesk, llm, shape(Reply(f"{SUSPENDED} [1].")))
    assert answer.mode == "generated", wdesk.writer.health().last_error
    assert [(s.text, s.citations) for s in answer.statements] == [(f"{SUSPENDED}.", [1])]


def test_the_key_a_server_echoes_never_reaches_the_debug_log(llm: LLMServer,
                                                              sample_desk: Desk) -> None:
    """`ask -v` (DEBUG) against a server that writes the bearer token into its sentences:
    they are dropped, and logged as dropped, with the key scrubbed."""
    env = {**os.environ, "NEWSDESK_HOME": str(sample_desk.settings.home),
           "NEWSDESK_LLM_URL": llm.url, "NEWSDESK_LLM_MODEL": "test-model",
           "NEWSDESK_LLM_API_KEY": KEY, "NEWSDESK_LLM_STREAM": "false"}
    llm.script(echo_key)
    done = subprocess.run([NEWSDESK, "-v", "ask", KOREA], capture_output=True, text=True,
                          timeout=600, env=env)
    assert done.returncode == 0, done.stderr
    assert llm.requests and llm.requests[0].authorization == f"Bearer {KEY}"
    assert "dropped a written sentence" in done.stderr  # the echo was logged, scrubbed
    assert KEY not in done.stderr and KEY not in done.stdout
