"""What the bot says in its own words, in the languages its members ask in.

One catalogue for every face: a key, a text per language, English when a
language has no text. Quotes are never translated; only the bot's own words.
"""

from __future__ import annotations

from corpus.language import normalise_language

LANGUAGES = ("en", "fr", "de", "es", "it", "ja", "ko", "zh")

CATALOGUE: dict[str, dict[str, str]] = {
    "dont_know": {
        "en": "I don't know: nothing in the news I have indexed answers that closely enough.",
        "fr": "Je ne sais pas : rien dans l’actualité que j’ai indexée n’y répond d’assez "
              "près.",
        "de": "Das weiß ich nicht: Nichts in den Nachrichten, die ich erfasst habe, "
              "beantwortet das genau genug.",
        "es": "No lo sé: nada en las noticias que tengo indexadas responde a eso con "
              "suficiente precisión.",
        "it": "Non lo so: nulla nelle notizie che ho indicizzato risponde abbastanza da "
              "vicino.",
        "ja": "わかりません。索引にあるニュースには、十分に近い答えが見つかりませんでした。",
        "ko": "모르겠습니다. 색인된 뉴스 중 그 질문에 충분히 가깝게 답하는 내용이 없습니다.",
        "zh": "我不知道：我索引的新闻中没有足够贴切的答案。",
    },
    "cooldown": {
        "en": "You are asking quickly — try again in {seconds} s.",
        "fr": "Vous posez vos questions vite — réessayez dans {seconds} s.",
        "de": "Du fragst sehr schnell — versuch es in {seconds} s noch einmal.",
        "es": "Estás preguntando muy rápido: vuelve a intentarlo en {seconds} s.",
        "it": "Stai chiedendo molto in fretta: riprova tra {seconds} s.",
        "ja": "質問が続いています。{seconds} 秒後にもう一度お試しください。",
        "ko": "질문이 너무 빠릅니다. {seconds}초 후에 다시 시도하세요.",
        "zh": "提问太快了，请在 {seconds} 秒后重试。",
    },
    "footer": {
        "en": "Sources are quoted verbatim · rate this answer below",
        "fr": "Les sources sont citées mot pour mot · notez cette réponse ci-dessous",
        "de": "Quellen werden wörtlich zitiert · bewerte diese Antwort unten",
        "es": "Las fuentes se citan textualmente · valora esta respuesta abajo",
        "it": "Le fonti sono citate alla lettera · valuta questa risposta qui sotto",
        "ja": "出典は原文のまま引用しています · 下でこの回答を評価してください",
        "ko": "출처는 원문 그대로 인용됩니다 · 아래에서 이 답변을 평가하세요",
        "zh": "来源均为原文引用 · 请在下方为此回答评分",
    },
}


def say(key: str, language: str = "en", **values: object) -> str:
    """The text for `key` in `language` (a code or a locale such as "pt-BR"), else English."""
    texts = CATALOGUE[key]
    text = texts.get(normalise_language(language)) or texts["en"]
    return text.format(**values) if values else text
