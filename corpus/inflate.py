"""Content-Encoding decoding that never holds more than the size cap in memory.

A few kilobytes of `gzip, gzip` inflate to gigabytes, and a decoder handed
one compressed chunk returns all of it at once. So each layer here decodes
in small bounded steps and counts what it produced; the first layer to pass
the cap stops the fetch. Only codings we can bound this way are accepted
(and advertised in Accept-Encoding).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator

ACCEPTED = "gzip, deflate"
_STEP = 64 * 1024  # the most one decoding step may produce


class TooLarge(Exception):
    """A layer decoded more than the cap; the caller words the error."""


class UnsupportedCoding(Exception):
    def __init__(self, coding: str) -> None:
        super().__init__(coding)
        self.coding = coding


class _Layer:
    """One coding: zlib with a bound on every step's output."""

    def __init__(self, coding: str) -> None:
        self.coding = coding
        self._zlib = zlib.decompressobj(31 if coding == "gzip" else 15)
        self._raw_deflate_tried = coding != "deflate"

    def feed(self, data: bytes) -> Iterator[bytes]:
        while data:
            try:
                out = self._zlib.decompress(data, _STEP)
            except zlib.error:
                if self._raw_deflate_tried:
                    raise
                # some servers send raw deflate without the zlib header
                self._raw_deflate_tried = True
                self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
                continue
            self._raw_deflate_tried = True
            if self._zlib.eof and self.coding == "gzip" and self._zlib.unused_data:
                data = self._zlib.unused_data  # a further gzip member follows
                self._zlib = zlib.decompressobj(31)
            else:
                data = self._zlib.unconsumed_tail
            if out:
                yield out

    def flush(self) -> Iterator[bytes]:
        while not self._zlib.eof and (out := self._zlib.decompress(b"", _STEP)):
            yield out


def codings(header: str) -> list[str]:
    """The codings to undo, outermost first; `identity` needs no undoing."""
    applied = [c.strip().lower() for c in header.split(",") if c.strip()]
    out = [c for c in reversed(applied) if c != "identity"]
    for coding in out:
        if coding not in ("gzip", "deflate", "x-gzip"):
            raise UnsupportedCoding(coding)
    return ["gzip" if c == "x-gzip" else c for c in out]


def decode(chunks: Iterable[bytes], header: str, cap: int) -> Iterator[bytes]:
    """The decoded body, piece by piece; TooLarge once any layer passes `cap` bytes."""
    stream: Iterable[bytes] = chunks
    for coding in codings(header):
        stream = _capped(_through(_Layer(coding), stream), cap)
    return iter(_capped(stream, cap))


def _through(layer: _Layer, chunks: Iterable[bytes]) -> Iterator[bytes]:
    for chunk in chunks:
        yield from layer.feed(chunk)
    yield from layer.flush()


def _capped(chunks: Iterable[bytes], cap: int) -> Iterator[bytes]:
    size = 0
    for chunk in chunks:
        size += len(chunk)
        if size > cap:
            raise TooLarge
        yield chunk
