"""Turning raw bytes into the canonical text every offset refers to."""

from __future__ import annotations

import re
import unicodedata

from corpus.errors import LoadError

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def decode_text(data: bytes, origin: str) -> str:
    """UTF-8 (with or without BOM) or BOM-marked UTF-16; anything else is refused.

    Guessing a legacy code page silently corrupts accents in quotes, so an
    unknown encoding is an error the user fixes by re-saving the file.
    """
    if not data.strip():
        raise LoadError(origin, "the file is empty")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise LoadError(origin, f"broken UTF-16 text ({exc.reason})") from None
    if b"\x00" in data[:8192]:
        raise LoadError(origin, "this is a binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise LoadError(
            origin, "unknown text encoding (not UTF-8); re-save the file as UTF-8"
        ) from None


def looks_binary(text: str) -> bool:
    """Decoded text that is mostly control characters is a binary file in disguise."""
    sample = text[:4096]
    if not sample:
        return False
    bad = len(_CONTROL.findall(sample)) + sample.count("\ufffd")
    return bad / len(sample) > 0.02


def valid_unicode(text: str) -> str:
    """Lone surrogates (a JSON or YAML "\\ud800" escape) become "?": no database, hash or
    terminal accepts them."""
    return text.encode("utf-8", "replace").decode("utf-8")


def clean_text(text: str) -> str:
    """NFC, Unix newlines, no control characters, at most one blank line in a row."""
    text = valid_unicode(text)
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _CONTROL.sub("", text)
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()
