"""File formats: each module turns one file's text into articles.

A loader returns a list whose items are Articles or LoadErrors, so one bad
record in a JSONL file never costs the good ones around it.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path

from corpus.errors import LoadError, short_reason
from corpus.formats import html, markdown, plaintext, records
from corpus.models import Article
from corpus.textnorm import decode_text

log = logging.getLogger("newsdesk." + __name__)
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


def shown_path(path: Path) -> str:
    """A path as text that can be stored and printed: bytes of a file name that are not
    UTF-8 become U+FFFD instead of surrogates that no database or terminal accepts."""
    return os.fsencode(path).decode("utf-8", "replace")


def load_file(path: Path, max_bytes: int) -> list[Loaded]:
    """Read, decode and parse one file; every failure names the file and is only its own."""
    origin = shown_path(path)
    loader = LOADERS.get(path.suffix.lower())
    if loader is None:
        suffix = shown_path(Path(path.suffix)) if path.suffix else "(none)"
        return [LoadError(origin, f"unsupported file type {suffix!r}")]
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return [LoadError(origin, f"file too large ({size:,} bytes, limit {max_bytes:,})")]
        data = path.read_bytes()
        text = decode_text(data, origin)
        return loader(text, origin, shown_path(path.resolve()))
    except LoadError as exc:
        return [exc]
    except OSError as exc:
        return [LoadError(origin, f"cannot read the file ({exc.strerror or exc})")]
    except Exception as exc:  # a parser's surprise is this file's error, never the batch's
        log.debug("%s: unexpected %s", origin, exc.__class__.__name__, exc_info=True)
        return [LoadError(origin, f"cannot be read ({exc.__class__.__name__}: "
                                  f"{short_reason(exc)})")]
