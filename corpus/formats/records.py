"""JSON (one object or a list) and JSON Lines records with the article fields plus `text`."""

from __future__ import annotations

import json
from typing import Any

from corpus.errors import LoadError, short_reason
from corpus.fields import build_article
from corpus.models import Article


def _record(obj: Any, origin: str, path_key: str) -> Article | LoadError:
    if not isinstance(obj, dict):
        return LoadError(origin, "a record must be a JSON object")
    text = obj.get("text")
    if text is not None and not isinstance(text, str):
        return LoadError(origin, f"'text' must be a string, not {_json_kind(text)}")
    if not isinstance(text, str) or not text.strip():
        return LoadError(origin, "the record has no 'text'")
    try:
        return build_article(obj, text, origin, path_key=path_key)
    except LoadError as exc:
        return exc


def _json_kind(value: Any) -> str:
    return {bool: "true or false", int: "a number", float: "a number", list: "a list",
            dict: "an object"}.get(type(value), type(value).__name__)


def _parse(text: str, origin: str, where: bool) -> Any:
    """JSON, with every way it can fail (syntax, huge numbers, deep nesting) a LoadError."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        at = f"line {exc.lineno}: " if where else ""
        raise LoadError(origin, f"invalid JSON ({at}{exc.msg})") from None
    except RecursionError:
        raise LoadError(origin, "invalid JSON (nested too deeply)") from None
    except ValueError as exc:  # an integer of thousands of digits
        raise LoadError(origin, f"invalid JSON ({short_reason(exc)})") from None


def load_json(text: str, origin: str, path_key: str) -> list[Article | LoadError]:
    data = _parse(text, origin, where=True)
    items = data if isinstance(data, list) else [data]
    return [_record(obj, f"{origin}[{i}]", f"{path_key}[{i}]") for i, obj in enumerate(items)]


def load_jsonl(text: str, origin: str, path_key: str) -> list[Article | LoadError]:
    out: list[Article | LoadError] = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{origin}:{lineno}"
        try:
            obj = _parse(line, where, where=False)
        except LoadError as exc:
            out.append(exc)
            continue
        out.append(_record(obj, where, f"{path_key}:{lineno}"))
    return out
