"""Secrets kept out of every log line, whoever logs it and however it got there.

A model server may echo the API key inside a reply, and the writer logs what it drops at
DEBUG; an error may carry a URL with its password. Care at each call site misses the next
one, so a `logging.Filter` rewrites every record that reaches newsdesk's handlers, with
each secret replaced by `***`. The secrets are registered where they are known (the
writer's settings); the filter sits on the handlers where logging is configured, and on
whatever handlers the root and `newsdesk` loggers hold when a secret is registered (a test's
capture, an embedding application's own).
"""

from __future__ import annotations

import logging
import threading

MASK = "***"
_lock = threading.Lock()
_secrets: set[str] = set()


class Scrub(logging.Filter):
    """Replaces every registered secret in a record's message and traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        secrets = sorted(_secrets, key=len, reverse=True)  # a copy: may grow meanwhile
        if not secrets:
            return True
        message = record.getMessage()
        if record.exc_info:
            message += "\n" + logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
            record.exc_text = None
        if record.stack_info:
            message += "\n" + record.stack_info
            record.stack_info = None
        for secret in secrets:
            message = message.replace(secret, MASK)
        record.msg, record.args = message, None
        return True


SCRUB = Scrub()


def install(handler: logging.Handler) -> logging.Handler:
    """`handler` with the scrubbing filter (once)."""
    if SCRUB not in handler.filters:
        handler.addFilter(SCRUB)
    return handler


def protect(*secrets: str) -> None:
    """Never log these (empty and very short strings are ignored: masking "a" would mangle
    every line)."""
    with _lock:
        _secrets.update(s for s in secrets if s and len(s) >= 4)
    for name in ("", "newsdesk"):
        for handler in logging.getLogger(name).handlers:
            install(handler)
