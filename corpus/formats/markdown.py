"""Markdown with optional YAML front matter (id, title, outlet, url, published, language)."""

from __future__ import annotations

import re
from typing import Any

import yaml

from corpus.errors import LoadError, short_reason
from corpus.fields import build_article
from corpus.models import Article

_FRONT = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*(?:\n|\Z)", re.S)
_HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$", re.M)
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")


class _FrontMatterLoader(yaml.SafeLoader):
    """Safe YAML whose dates stay text: `build_article` judges them as it judges every other
    format's (PyYAML would raise a bare ValueError on 2025-02-30)."""


_FrontMatterLoader.add_constructor("tag:yaml.org,2002:timestamp",
                                   _FrontMatterLoader.construct_yaml_str)


def split_front_matter(text: str, origin: str) -> tuple[dict[str, Any], str]:
    if not text.startswith("---"):
        return {}, text
    match = _FRONT.match(text)
    if match is None:
        raise LoadError(origin, "front matter starts with '---' but is never closed")
    try:
        fields = yaml.load(match.group(1), Loader=_FrontMatterLoader) or {}  # a SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark is not None else ""
        raise LoadError(origin, f"broken YAML front matter{where}") from None
    except RecursionError:
        raise LoadError(origin, "YAML front matter nested too deeply") from None
    except ValueError as exc:  # e.g. an integer of thousands of digits
        raise LoadError(origin, f"unreadable YAML front matter ({short_reason(exc)})") from None
    if not isinstance(fields, dict):
        raise LoadError(origin, "front matter must be key: value pairs")
    return fields, text[match.end():]


def strip_markdown(body: str) -> str:
    """Keep the words, drop the markup, so quotes read as prose."""
    body = _HEADING.sub(r"\1", body)
    body = _IMAGE.sub(r"\1", body)
    body = _LINK.sub(r"\1", body)
    return _EMPHASIS.sub(r"\2", body)


def load(text: str, origin: str, path_key: str) -> list[Article | LoadError]:
    fields, body = split_front_matter(text, origin)
    heading = _HEADING.search(body)
    default_title = heading.group(1).strip() if heading else ""
    return [
        build_article(fields, strip_markdown(body), origin, path_key=path_key,
                      default_title=default_title)
    ]
