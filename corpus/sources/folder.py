"""Files and folders on disk."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from corpus.errors import LoadError
from corpus.formats import Loaded, load_file, shown_path, supported


def iter_files(paths: Iterable[Path]) -> Iterator[Path | LoadError]:
    """Every supported file under `paths`, in a stable order.

    A file named explicitly is always tried (so an unsupported type is
    reported); inside folders, unsupported and hidden files are skipped.
    """
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                rel = child.relative_to(path)
                if any(part.startswith(".") for part in rel.parts):
                    continue
                if child.is_file() and supported(child):
                    yield child
        elif path.is_file():
            yield path
        else:
            yield LoadError(shown_path(path), "no such file or folder")


def load_paths(paths: Iterable[Path], max_bytes: int) -> Iterator[Loaded]:
    for item in iter_files(paths):
        if isinstance(item, LoadError):
            yield item
        else:
            yield from load_file(item, max_bytes)
