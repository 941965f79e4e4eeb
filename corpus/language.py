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


# Languages a question is told apart among: a short question leaves the full
# 97-language model guessing Latin-script neighbours ("Chi ha fondato…" → "ms").
QUESTION_LANGUAGES = (
    "ar", "cs", "da", "de", "el", "en", "es", "fa", "fi", "fr", "he", "hi", "id", "it", "ja",
    "ko", "nl", "no", "pl", "pt", "ro", "ru", "sv", "th", "tr", "uk", "vi", "zh",
)
_identifier = None


def question_language(text: str, hint: str = "") -> str:
    """The language a question is written in; `hint` (e.g. Discord's locale) breaks near-ties
    and answers when the text alone cannot tell (a bare name, digits)."""
    global _identifier
    hint = normalise_language(hint)
    letters = [c for c in text if c.isalpha()]
    if len(letters) < 3:
        return hint or "en"
    if _identifier is None:
        from py3langid import langid

        ident = langid.LanguageIdentifier.from_model_file(langid.MODEL_FILE, norm_probs=True)
        ident.set_languages(list(QUESTION_LANGUAGES))
        _identifier = ident
    ranked = _identifier.rank(text)
    best, p_best = ranked[0]
    if hint and hint != best and any(code == hint and p > 0.2 * p_best for code, p in ranked):
        return hint
    return normalise_language(best) or hint or "en"
