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


# -- what an "I don't know" searched (bot/answer.py nothing_found) -----------------------
CATALOGUE["searched"] = {
    "en": "nothing in {articles} articles from {outlets} sources answers that",
    "fr": "rien dans {articles} articles de {outlets} sources ne répond à cela",
    "de": "nichts in {articles} Artikeln aus {outlets} Quellen beantwortet das",
    "es": "nada en {articles} artículos de {outlets} fuentes responde a eso",
    "it": "nulla in {articles} articoli di {outlets} fonti risponde a questo",
    "ja": "{outlets} 件の情報源の記事 {articles} 本に、その答えはありません",
    "ko": "{outlets}개 출처의 기사 {articles}건 중 그 답이 되는 내용이 없습니다",
    "zh": "{outlets} 个来源的 {articles} 篇文章中没有能回答这个问题的内容",
}
CATALOGUE["searched_since"] = {
    "en": "nothing in {articles} articles from {outlets} sources since {since} answers that",
    "fr": "rien dans {articles} articles de {outlets} sources depuis le {since} ne répond à "
          "cela",
    "de": "nichts in {articles} Artikeln aus {outlets} Quellen seit dem {since} beantwortet "
          "das",
    "es": "nada en {articles} artículos de {outlets} fuentes desde el {since} responde a eso",
    "it": "nulla in {articles} articoli di {outlets} fonti dal {since} risponde a questo",
    "ja": "{since} 以降の {outlets} 件の情報源の記事 {articles} 本に、その答えはありません",
    "ko": "{since} 이후 {outlets}개 출처의 기사 {articles}건 중 그 답이 되는 내용이 없습니다",
    "zh": "{since} 以来 {outlets} 个来源的 {articles} 篇文章中没有能回答这个问题的内容",
}
CATALOGUE["closest"] = {
    "en": "closest articles:",
    "fr": "articles les plus proches :",
    "de": "am nächsten liegende Artikel:",
    "es": "artículos más cercanos:",
    "it": "articoli più vicini:",
    "ja": "近い記事:",
    "ko": "가장 가까운 기사:",
    "zh": "最接近的文章：",
}
_THOUSANDS = {"fr": "\u202f", "de": ".", "es": ".", "it": "."}


def grouped(value: int, language: str = "en") -> str:
    """1234 as its readers write it: 1,234 · 1 234 · 1.234."""
    return f"{value:,}".replace(",", _THOUSANDS.get(normalise_language(language), ","))
