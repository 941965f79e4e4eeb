"""Command descriptions in the member's client language, from the one message catalogue.

A string marked `locale_str(english, key=...)` (made by `described`) is looked up under
its key in bot.messages; English, and any language the catalogue lacks, keep the text
given in the code.
"""

from __future__ import annotations

import discord
from discord import app_commands

from bot.messages import CATALOGUE, say
from corpus.language import normalise_language


def described(key: str) -> app_commands.locale_str:
    """A command text from the catalogue: English in the code, the others through the
    translator, so a description is written once for every language."""
    return app_commands.locale_str(say(key), key=key)


class CatalogueTranslator(app_commands.Translator):
    async def translate(self, string: app_commands.locale_str, locale: discord.Locale,
                        context: app_commands.TranslationContextTypes) -> str | None:
        texts = CATALOGUE.get(string.extras.get("key", ""))
        language = normalise_language(locale.value)
        if texts is None or language == "en":
            return None
        return texts.get(language)
