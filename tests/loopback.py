"""A threaded HTTP server on 127.0.0.1 for tests: the lifecycle the feed and LLM servers share."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Self

HOST = "127.0.0.1"


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    owner: object

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # hostile behaviours end with the client hanging up; that is not an error


class LoopbackServer:
    """Serves `handler` on a free port; the handler reaches this object as `server.owner`."""

    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self.lock = threading.Lock()
        self.stopping = threading.Event()  # wakes the behaviours that stall
        self._server = _Server((HOST, 0), handler)
        self._server.owner = self
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        daemon=True)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()
