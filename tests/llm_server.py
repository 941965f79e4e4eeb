"""A chat-completions server on 127.0.0.1 for the writer tests, with scripted replies.

It speaks the protocol the `openai` client and Ollama, llama.cpp's server,
vLLM and LM Studio share: POST /v1/chat/completions answers one JSON
`chat.completion`, or, when the request says `"stream": true`, Server-Sent
Events of `chat.completion.chunk`s ending with `data: [DONE]`. Tests set
`reply` to what the model "writes" (or to a hostile behaviour) and read
`requests` to see what newsdesk sent.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

from loopback import HOST, LoopbackServer


@dataclass
class Reply:
    """What the model writes; streamed in `pieces` of a few characters when asked to."""

    content: str
    pieces: int = 8  # characters per streamed chunk
    pause: float = 0.0  # seconds between streamed chunks


@dataclass
class Failure:
    """An HTTP error, as servers send them: an OpenAI-style error object."""

    status: int
    message: str = "failure"
    headers: dict[str, str] = field(default_factory=dict)


Behaviour = Callable[["Handler"], None]


@dataclass
class Request:
    body: dict[str, Any]
    authorization: str


class Handler(BaseHTTPRequestHandler):
    server: Any  # its `owner` is the LLMServer
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        owner = self.server.owner
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = json.loads(raw or b"{}")
        with owner.lock:
            owner.requests.append(Request(body, self.headers.get("Authorization", "")))
            reply = owner.reply
        try:
            if not self.path.rstrip("/").endswith("/chat/completions"):
                self._json(404, {"error": {"message": "no such endpoint"}})
            elif isinstance(reply, Failure):
                self._json(reply.status, {"error": {"message": reply.message,
                                                    "type": "server_error"}}, reply.headers)
            elif isinstance(reply, Reply):
                (self._stream if body.get("stream") else self._plain)(reply, body)
            else:
                reply(self)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client hung up: what a deadline does

    def _json(self, status: int, payload: object, headers: dict[str, str] | None = None
              ) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _plain(self, reply: Reply, body: dict[str, Any]) -> None:
        self._json(200, {
            "id": "chatcmpl-test", "object": "chat.completion", "created": int(time.time()),
            "model": body.get("model", ""),
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": reply.content}}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        })

    def _stream(self, reply: Reply, body: dict[str, Any]) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Connection", "close")
        self.end_headers()
        pieces = [reply.content[i:i + reply.pieces]
                  for i in range(0, len(reply.content), reply.pieces)]
        deltas = [{"role": "assistant", "content": ""}] + [{"content": p} for p in pieces]
        for i, delta in enumerate([*deltas, {}]):
            if i and reply.pause and self.server.owner.stopping.wait(reply.pause):
                return
            chunk = {"id": "chatcmpl-test", "object": "chat.completion.chunk",
                     "created": int(time.time()), "model": body.get("model", ""),
                     "choices": [{"index": 0, "delta": delta,
                                  "finish_reason": None if delta else "stop"}]}
            self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
            self.wfile.flush()
        self.wfile.write(b"data: [DONE]\n\n")
        self.wfile.flush()
        self.close_connection = True

    def log_message(self, format: str, *args: object) -> None:
        pass


class LLMServer(LoopbackServer):
    def __init__(self) -> None:
        self.reply: Reply | Failure | Behaviour = Reply(NO_ANSWER_TEXT)
        self.requests: list[Request] = []
        super().__init__(Handler)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}/v1"

    def script(self, reply: Reply | Failure | Behaviour) -> None:
        with self.lock:
            self.reply = reply
            self.requests.clear()


NO_ANSWER_TEXT = "NO_ANSWER"


# -- hostile behaviours ---------------------------------------------------------------------

def stall(handler: Handler) -> None:
    """Reads the request, then says nothing until the test ends."""
    handler.server.owner.stopping.wait(60)


def trickle(handler: Handler) -> None:
    """A 200 and an event-stream header at once, then one byte every 0.1 s that never
    completes an event: no read timeout fires, only an overall deadline stops it."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/event-stream")
    handler.end_headers()
    handler.wfile.write(b"data: {\"id\": \"x\", ")
    while not handler.server.owner.stopping.wait(0.1):
        handler.wfile.write(b" ")
        handler.wfile.flush()


def malformed(handler: Handler) -> None:
    """A 200 that claims JSON and is not."""
    data = b'{"id": "chatcmpl-test", "choices": [{"message": {"content": "Korea'
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    handler.wfile.write(data)


def malformed_stream(handler: Handler) -> None:
    """An event stream whose events are not JSON."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/event-stream")
    handler.send_header("Connection", "close")
    handler.end_headers()
    handler.wfile.write(b"data: this is not json\n\ndata: [DONE]\n\n")
    handler.wfile.flush()
    handler.close_connection = True


ENDLESS_CAP = 300 << 20  # what an "endless" body sends at most before it stalls: enough to
# show an unbounded reader (hundreds of MB), never enough to take a test machine down


def _endless(handler: Handler, content_type: str, opening: bytes) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Connection", "close")
    handler.end_headers()
    handler.wfile.write(opening)
    block = b"A" * (64 << 10)
    sent = 0
    stopping = handler.server.owner.stopping
    while sent < ENDLESS_CAP and not stopping.is_set():
        handler.wfile.write(block)
        sent += len(block)
    stopping.wait(60)  # never ends the body: only the client's deadline or cap does
    handler.close_connection = True


def endless_body(handler: Handler) -> None:
    """A plain completion whose content string never closes."""
    _endless(handler, "application/json",
             b'{"id": "x", "choices": [{"message": {"role": "assistant", "content": "')


def endless_line(handler: Handler) -> None:
    """An event stream whose first `data:` line never ends."""
    _endless(handler, "text/event-stream", b'data: {"choices": [{"delta": {"content": "')


def plain_whatever_asked(reply: Reply) -> Behaviour:
    """Answers with one JSON completion even to a request for a stream."""
    return lambda handler: handler._plain(reply, {})


def streamed_whatever_asked(reply: Reply) -> Behaviour:
    """Answers with an event stream even to a request for one JSON completion."""
    return lambda handler: handler._stream(reply, {})


def echo_key(handler: Handler) -> None:
    """A reply whose sentences carry the bearer token the request came with."""
    token = handler.headers.get("Authorization", "").removeprefix("Bearer ")
    handler._plain(Reply(f"The key is {token} [1]. Also {token} without a citation."), {})
