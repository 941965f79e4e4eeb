"""Stable article ids: the same article always lands on the same row."""

from __future__ import annotations

import hashlib
import re

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def clean_id(raw: object) -> str:
    """A user-given id made safe for file names, URLs and Discord text."""
    value = _UNSAFE.sub("-", str(raw).strip()).strip("-.")
    return value[:120]


def id_from_url(url: str) -> str:
    return "u-" + hashlib.sha1(url.strip().encode("utf-8")).hexdigest()[:16]


def id_from_path(path: str) -> str:
    return "f-" + hashlib.sha1(path.encode("utf-8")).hexdigest()[:16]
