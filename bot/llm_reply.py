"""Reading a chat-completions reply off the wire, in bounded memory.

A model server is trusted with nothing: its body may never end, one Server-Sent Events
line may never end, a server asked to stream may answer with one JSON object and one asked
for JSON may stream. So the reply is read a block at a time, every byte counted against a
cap (what is read, not only what parses), events are split into lines no longer than a cap,
the caller's `stop` is asked between blocks (its deadline), and the body's own shape (SSE or
JSON) decides how it is parsed, whatever was asked for or claimed in its headers.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

MAX_REPLY_BYTES = 1 << 20  # 1 MiB: a 4,000-character reply streamed a token at a time is ~0.5
MAX_LINE_BYTES = 64 << 10  # one SSE line: a chunk of a few tokens is a few hundred bytes
_SSE_FIELDS = (b"data:", b"event:", b"id:", b"retry:", b":")


class ReplyTooLong(ValueError):
    pass


def read_reply(blocks: Iterable[bytes], content_type: str, stop: Callable[[], bool], *,
               max_chars: int, max_bytes: int = MAX_REPLY_BYTES,
               max_line: int = MAX_LINE_BYTES) -> str:
    """The model's text from a body arriving in `blocks`; ValueError (or ReplyTooLong)
    when it is not a usable completion, TimeoutError once `stop()` says so."""
    counted = _counted(blocks, stop, max_bytes)
    head, counted = _sniff(counted)
    if _is_sse(head, content_type):
        return _sse_text(_lines(counted, max_line), max_chars)
    body = b"".join(counted)
    return _json_text(body, max_chars)


def _counted(blocks: Iterable[bytes], stop: Callable[[], bool],
             max_bytes: int) -> Iterator[bytes]:
    size = 0
    for block in blocks:
        if stop():
            raise TimeoutError("past the deadline")
        size += len(block)
        if size > max_bytes:
            raise ReplyTooLong(f"the reply passed {max_bytes} bytes, far more than the "
                               "sentences asked for")
        if block:
            yield block


def _sniff(blocks: Iterator[bytes]) -> tuple[bytes, Iterator[bytes]]:
    """The first bytes that are not white space, and the blocks with nothing consumed."""
    seen: list[bytes] = []
    head = b""
    for block in blocks:
        seen.append(block)
        head = b"".join(seen).lstrip()
        if head:
            break

    def replay() -> Iterator[bytes]:
        yield from seen
        yield from blocks

    return head[:16], replay()


def _is_sse(head: bytes, content_type: str) -> bool:
    if head.startswith(b"{") or head.startswith(b"["):
        return False
    return head.startswith(_SSE_FIELDS) or "event-stream" in content_type.lower()


def _lines(blocks: Iterable[bytes], max_line: int) -> Iterator[bytes]:
    """Lines ended by LF, CRLF or CR (as SSE allows), none longer than `max_line`."""
    pending = bytearray()
    for block in blocks:
        pending += block.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        *done, rest = pending.split(b"\n")
        for line in done:
            if len(line) > max_line:
                raise ReplyTooLong(f"an event line passed {max_line} bytes")
            yield bytes(line)
        if len(rest) > max_line:
            raise ReplyTooLong(f"an event line passed {max_line} bytes")
        pending = bytearray(rest)
    if pending:
        yield bytes(pending)


def _sse_text(lines: Iterable[bytes], max_chars: int) -> str:
    """The content of every event's deltas (or messages), up to `data: [DONE]`."""
    parts: list[str] = []
    size = 0
    data: list[bytes] = []
    for line in _ended(lines):
        if line.startswith(b"data:"):
            data.append(line[5:].lstrip(b" "))
            continue
        if line or not data:
            continue  # another field, a comment, or a blank line with no event yet
        payload, data = b"\n".join(data), []
        if payload.strip() == b"[DONE]":
            break
        for piece in _chunk_pieces(_loads(payload)):
            parts.append(piece)
            size += len(piece)
        if size > max_chars:
            raise ReplyTooLong("the reply is far longer than the sentences asked for")
    return "".join(parts)


def _ended(lines: Iterable[bytes]) -> Iterator[bytes]:
    """The lines and a blank one: a last event sent without its blank line still counts."""
    yield from lines
    yield b""


def _loads(payload: bytes) -> Any:
    try:
        return json.loads(payload)
    except ValueError:
        raise ValueError(f"an event is not JSON: {payload[:60]!r}") from None


def _chunk_pieces(chunk: Any) -> list[str]:
    if not isinstance(chunk, dict):
        raise ValueError("an event is not a JSON object")
    if "error" in chunk:
        raise ValueError(f"the server reported an error: {str(chunk['error'])[:120]}")
    pieces = []
    for choice in chunk.get("choices") or []:
        if not isinstance(choice, dict):
            raise ValueError("a choice is not a JSON object")
        for key in ("delta", "message"):
            part = choice.get(key)
            content = part.get("content") if isinstance(part, dict) else None
            if isinstance(content, str) and content:
                pieces.append(content)
    return pieces


def _json_text(body: bytes, max_chars: int) -> str:
    """The message of a plain `chat.completion` (a whole streamed chunk object too)."""
    completion = _loads(body)
    if isinstance(completion, dict) and "error" in completion:
        raise ValueError(f"the server reported an error: {str(completion['error'])[:120]}")
    choices = completion.get("choices") if isinstance(completion, dict) else None
    if not choices or not isinstance(choices, list) or not isinstance(choices[0], dict):
        raise ValueError("no choices")
    message = choices[0].get("message") or choices[0].get("delta")
    content = message.get("content") if isinstance(message, dict) else None
    if not isinstance(content, str):
        raise ValueError("no message content")
    if len(content) > max_chars:
        raise ReplyTooLong("the reply is far longer than the sentences asked for")
    return content
