"""Errors a user can act on; every face turns them into one-line replies."""

from __future__ import annotations


class NewsdeskError(Exception):
    """Base class: the message is written for the user, not the developer."""


def short_reason(exc: BaseException) -> str:
    """An exception's message cut before any advice meant for programmers (Python's
    "use sys.set_int_max_str_digits() …"), on one line."""
    text = " ".join(str(exc).split()) or exc.__class__.__name__
    return text.split(";")[0][:200]


class LoadError(NewsdeskError):
    """One input could not become an article; the rest of the batch goes on."""

    def __init__(self, origin: str, reason: str, field: str | None = None) -> None:
        super().__init__(f"{origin}: {reason}")
        self.origin = origin
        self.reason = reason
        self.field = field  # the article field at fault (e.g. "published"), if one is


class CatalogueError(NewsdeskError):
    """The catalogue file is unusable (corrupt, locked, wrong schema)."""
