"""Language detection for articles that do not say their language."""

from __future__ import annotations

import re

_CODE = re.compile(r"^[a-z]{2,3}$")


def normalise_language(value: object) -> str:
    """'FR', 'fr-FR', 'fr_CA' → 'fr'; anything unusable → ''."""
    if not isinstance(value, str):
        return ""
    code = value.strip().lower().replace("_", "-").split("-")[0]
    return code if _CODE.match(code) else ""


def detect_language(text: str) -> str:
    """Best-guess ISO 639-1 code of `text`, '' when there is too little to tell."""
    sample = text[:3000].strip()
    if len(sample) < 20:
        return ""
    import py3langid  # deferred: loading its model costs ~0.3 s

    code, _score = py3langid.classify(sample)
    return normalise_language(code)
