"""File formats: each module turns one file's text into articles.

A loader returns a list whose items are Articles or LoadErrors, so one bad
record in a JSONL file never costs the good ones around it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from corpus.errors import LoadError
from corpus.formats import html, markdown, plaintext, records
from corpus.models import Article
from corpus.textnorm import decode_text

Loaded = Article | LoadError
Loader = Callable[[str, str, str], list[Loaded]]

LOADERS: dict[str, Loader] = {
    ".md": markdown.load,
    ".markdown": markdown.load,
    ".txt": plaintext.load,
    ".html": html.load,
    ".htm": html.load,
    ".json": records.load_json,
    ".jsonl": records.load_jsonl,
}


def supported(path: Path) -> bool:
    return path.suffix.lower() in LOADERS


def load_file(path: Path, max_bytes: int) -> list[Loaded]:
    """Read, decode and parse one file; every failure names the file."""
    origin = str(path)
    loader = LOADERS.get(path.suffix.lower())
    if loader is None:
        return [LoadError(origin, f"unsupported file type {path.suffix or '(none)'!r}")]
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return [LoadError(origin, f"file too large ({size:,} bytes, limit {max_bytes:,})")]
        data = path.read_bytes()
        text = decode_text(data, origin)
        return loader(text, origin, str(path.resolve()))
    except LoadError as exc:
        return [exc]
    except OSError as exc:
        return [LoadError(origin, f"cannot read the file ({exc.strerror or exc})")]
