"""Files and folders on disk."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from corpus.errors import LoadError
from corpus.formats import Loaded, load_file, shown_path, supported


def iter_files(paths: Iterable[Path], within: Path | None = None) -> Iterator[Path | LoadError]:
    """Every supported file under `paths`, in a stable order.

    A file named explicitly is always tried (so an unsupported type is
    reported); inside folders, unsupported and hidden files are skipped.
    With `within`, a file whose real path lies outside it (a symbolic link
    leading out of the sources folder) is refused, not read.
    """
    root = within.resolve() if within is not None else None
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                rel = child.relative_to(path)
                if any(part.startswith(".") for part in rel.parts):
                    continue
                if child.is_file() and supported(child):
                    if root is not None and not child.resolve().is_relative_to(root):
                        yield LoadError(shown_path(child), "a link to a file outside the "
                                        "sources folder; not read")
                        continue
                    yield child
        elif path.is_file():
            yield path
        else:
            yield LoadError(shown_path(path), _why_not(path))


def _why_not(path: Path) -> str:
    """What a named path that is neither a file nor a folder is: a FIFO or a device exists,
    and saying it does not sends the user looking for a typo."""
    try:
        path.stat()
    except OSError:
        return "no such file or folder"
    return "not a regular file (a pipe, a device or a socket); not read"


def load_paths(paths: Iterable[Path], max_bytes: int,
               within: Path | None = None) -> Iterator[Loaded]:
    for item in iter_files(paths, within):
        if isinstance(item, LoadError):
            yield item
        else:
            yield from load_file(item, max_bytes)
