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
    "summary_only": {
        "en": "feed summary", "fr": "résumé du flux", "de": "Feed-Zusammenfassung",
        "es": "resumen del feed", "it": "riassunto del feed", "ja": "フィードの要約",
        "ko": "피드 요약", "zh": "订阅源摘要",
    },
    "more_sources": {
        "en": "(+{count} more under Sources)", "fr": "(+{count} autres sous Sources)",
        "de": "(+{count} weitere unter Quellen)", "es": "(+{count} más en Fuentes)",
        "it": "(+{count} altre in Fonti)", "ja": "（ほか {count} 件は「出典」に）",
        "ko": "(출처에 {count}개 더)", "zh": "（另有 {count} 条见“来源”）",
    },
    "button_sources": {
        "en": "Sources", "fr": "Sources", "de": "Quellen", "es": "Fuentes", "it": "Fonti",
        "ja": "出典", "ko": "출처", "zh": "来源",
    },
    "button_more": {
        "en": "More like this", "fr": "Plus d’articles similaires", "de": "Mehr dazu",
        "es": "Más como esto", "it": "Altri simili", "ja": "関連記事", "ko": "비슷한 기사",
        "zh": "更多相关",
    },
    "more_none": {
        "en": "No other article on this story.", "fr": "Aucun autre article sur ce sujet.",
        "de": "Kein weiterer Artikel zu diesem Thema.",
        "es": "No hay otros artículos sobre este tema.",
        "it": "Nessun altro articolo su questa notizia.",
        "ja": "この話題の記事はほかにありません。",
        "ko": "이 소식에 관한 다른 기사가 없습니다.", "zh": "没有关于此事的其他文章。",
    },
    "queued": {
        "en": "You are asking quickly — I will answer this in {seconds} s.",
        "fr": "Vous posez vos questions vite — je répondrai à celle-ci dans {seconds} s.",
        "de": "Du fragst sehr schnell — ich beantworte das in {seconds} s.",
        "es": "Estás preguntando muy rápido: responderé a esto en {seconds} s.",
        "it": "Stai chiedendo molto in fretta: risponderò tra {seconds} s.",
        "ja": "質問が続いています。{seconds} 秒後にお答えします。",
        "ko": "질문이 너무 빠릅니다. {seconds}초 후에 답하겠습니다.",
        "zh": "提问太快了，我将在 {seconds} 秒后回答。",
    },
    "thanks": {
        "en": "Thanks — your feedback is recorded.", "fr": "Merci — votre avis est enregistré.",
        "de": "Danke — dein Feedback ist gespeichert.",
        "es": "Gracias: tu opinión ha quedado registrada.",
        "it": "Grazie: il tuo parere è stato registrato.",
        "ja": "ありがとうございます。評価を記録しました。",
        "ko": "감사합니다. 의견이 기록되었습니다.", "zh": "谢谢，您的反馈已记录。",
    },
    "gone": {
        "en": "That answer is no longer on record.", "fr": "Cette réponse n’est plus enregistrée.",
        "de": "Diese Antwort ist nicht mehr gespeichert.",
        "es": "Esa respuesta ya no está registrada.", "it": "Quella risposta non è più registrata.",
        "ja": "その回答の記録はもうありません。", "ko": "그 답변은 더 이상 기록에 없습니다.",
        "zh": "该回答已不再保存。",
    },
    "only_admins": {
        "en": "Only admins (Manage Server or Administrator) can change the configuration.",
        "fr": "Seuls les admins (Gérer le serveur ou Administrateur) peuvent modifier la "
              "configuration.",
        "de": "Nur Admins (Server verwalten oder Administrator) können die Konfiguration "
              "ändern.",
        "es": "Solo los admins (Gestionar servidor o Administrador) pueden cambiar la "
              "configuración.",
        "it": "Solo gli admin (Gestisci server o Amministratore) possono cambiare la "
              "configurazione.",
        "ja": "設定を変更できるのは管理者（サーバー管理または管理者権限）だけです。",
        "ko": "관리자(서버 관리 또는 관리자 권한)만 설정을 바꿀 수 있습니다.",
        "zh": "只有管理员（管理服务器或管理员权限）可以更改配置。",
    },
    "only_moderators": {
        "en": "Only moderators (Manage Messages, or the moderator role) can do that.",
        "fr": "Seuls les modérateurs (Gérer les messages, ou le rôle de modérateur) peuvent "
              "faire cela.",
        "de": "Nur Moderatoren (Nachrichten verwalten oder die Moderatorrolle) können das.",
        "es": "Solo los moderadores (Gestionar mensajes o el rol de moderador) pueden "
              "hacerlo.",
        "it": "Solo i moderatori (Gestisci messaggi o il ruolo di moderatore) possono farlo.",
        "ja": "これを行えるのはモデレーター（メッセージの管理またはモデレーター役職）だけです。",
        "ko": "모더레이터(메시지 관리 또는 모더레이터 역할)만 할 수 있습니다.",
        "zh": "只有版主（管理消息权限或版主角色）可以执行此操作。",
    },
    "failed": {
        "en": "Something went wrong; the moderators can find the details in the bot's log.",
        "fr": "Un problème est survenu ; les modérateurs en trouveront le détail dans le "
              "journal du bot.",
        "de": "Etwas ist schiefgegangen; die Moderatoren finden Details im Log des Bots.",
        "es": "Algo salió mal; los moderadores encontrarán los detalles en el registro del "
              "bot.",
        "it": "Qualcosa è andato storto; i moderatori trovano i dettagli nel log del bot.",
        "ja": "問題が発生しました。詳細はモデレーターがボットのログで確認できます。",
        "ko": "문제가 발생했습니다. 모더레이터가 봇 로그에서 자세한 내용을 볼 수 있습니다.",
        "zh": "出错了；版主可以在机器人的日志中查看详情。",
    },
    # command descriptions (Discord shows them in the member's client language; ≤ 100 chars)
    "cmd_ask": {
        "en": "Ask about AI news; the answer cites its sources",
        "fr": "Posez une question sur l’actualité de l’IA ; la réponse cite ses sources",
        "de": "Frag nach KI-Nachrichten; die Antwort nennt ihre Quellen",
        "es": "Pregunta sobre noticias de IA; la respuesta cita sus fuentes",
        "it": "Chiedi delle notizie sull’IA; la risposta cita le sue fonti",
        "ja": "AI ニュースについて質問します。回答は出典を引用します",
        "ko": "AI 뉴스에 대해 질문하세요. 답변은 출처를 인용합니다",
        "zh": "询问 AI 新闻；回答会引用其来源",
    },
    "cmd_ask_question": {
        "en": "your question, in any language", "fr": "votre question, dans n’importe quelle "
        "langue", "de": "deine Frage, in jeder Sprache", "es": "tu pregunta, en cualquier idioma",
        "it": "la tua domanda, in qualsiasi lingua", "ja": "質問（どの言語でも）",
        "ko": "질문 (어떤 언어든)", "zh": "你的问题，任何语言均可",
    },
    "cmd_ask_private": {
        "en": "only you see the answer (default: the channel's setting)",
        "fr": "vous seul voyez la réponse (par défaut : réglage du salon)",
        "de": "nur du siehst die Antwort (Standard: Einstellung des Kanals)",
        "es": "solo tú ves la respuesta (por defecto: ajuste del canal)",
        "it": "solo tu vedi la risposta (predefinito: impostazione del canale)",
        "ja": "回答を自分だけに表示（既定：チャンネルの設定）",
        "ko": "나만 답변을 봄 (기본값: 채널 설정)", "zh": "仅你可见回答（默认：频道设置）",
    },
    "cmd_ask_since": {
        "en": "only news since then: 7d, 2w, 3m, 2025-01 or 2025-01-15",
        "fr": "seulement l’actualité depuis : 7d, 2w, 3m, 2025-01 ou 2025-01-15",
        "de": "nur Nachrichten seit: 7d, 2w, 3m, 2025-01 oder 2025-01-15",
        "es": "solo noticias desde: 7d, 2w, 3m, 2025-01 o 2025-01-15",
        "it": "solo notizie da: 7d, 2w, 3m, 2025-01 o 2025-01-15",
        "ja": "この時点以降のニュースのみ：7d、2w、3m、2025-01、2025-01-15",
        "ko": "이후 뉴스만: 7d, 2w, 3m, 2025-01 또는 2025-01-15",
        "zh": "仅此后的新闻：7d、2w、3m、2025-01 或 2025-01-15",
    },
    "cmd_ask_outlet": {
        "en": "only this outlet's articles", "fr": "seulement les articles de ce média",
        "de": "nur Artikel dieses Mediums", "es": "solo artículos de este medio",
        "it": "solo articoli di questa testata", "ja": "この媒体の記事のみ",
        "ko": "이 매체의 기사만", "zh": "仅此媒体的文章",
    },
    "cmd_ask_language": {
        "en": "only articles in this language (en, fr, de, …)",
        "fr": "seulement les articles dans cette langue (en, fr, de, …)",
        "de": "nur Artikel in dieser Sprache (en, fr, de, …)",
        "es": "solo artículos en este idioma (en, fr, de, …)",
        "it": "solo articoli in questa lingua (en, fr, de, …)",
        "ja": "この言語の記事のみ（en、fr、de など）", "ko": "이 언어의 기사만 (en, fr, de 등)",
        "zh": "仅此语言的文章（en、fr、de 等）",
    },
}


def say(key: str, language: str = "en", **values: object) -> str:
    """The text for `key` in `language` (a code or a locale such as "pt-BR"), else English."""
    texts = CATALOGUE[key]
    text = texts.get(normalise_language(language)) or texts["en"]
    return text.format(**values) if values else text


# -- what an "I don't know" searched (bot/answer.py nothing_found) -----------------------
CATALOGUE["searched"] = {
    "en": "I don't know: nothing in {articles} articles from {outlets} outlets answers that.",
    "fr": "Je ne sais pas : rien dans {articles} articles de {outlets} médias n’y répond.",
    "de": "Das weiß ich nicht: Nichts in {articles} Artikeln aus {outlets} Medien "
          "beantwortet das.",
    "es": "No lo sé: nada en {articles} artículos de {outlets} medios responde a eso.",
    "it": "Non lo so: nulla in {articles} articoli di {outlets} testate risponde a questo.",
    "ja": "わかりません。{outlets} 媒体の記事 {articles} 本に、その答えはありません。",
    "ko": "모르겠습니다. {outlets}개 매체의 기사 {articles}건 중 그 답이 되는 내용이 "
          "없습니다.",
    "zh": "我不知道：{outlets} 家媒体的 {articles} 篇文章中没有能回答这个问题的内容。",
}
CATALOGUE["searched_since"] = {
    "en": "I don't know: nothing in {articles} articles from {outlets} outlets since {since} "
          "answers that.",
    "fr": "Je ne sais pas : rien dans {articles} articles de {outlets} médias depuis le "
          "{since} n’y répond.",
    "de": "Das weiß ich nicht: Nichts in {articles} Artikeln aus {outlets} Medien seit dem "
          "{since} beantwortet das.",
    "es": "No lo sé: nada en {articles} artículos de {outlets} medios desde el {since} "
          "responde a eso.",
    "it": "Non lo so: nulla in {articles} articoli di {outlets} testate dal {since} risponde "
          "a questo.",
    "ja": "わかりません。{since} 以降の {outlets} 媒体の記事 {articles} 本に、その答えはありま"
          "せん。",
    "ko": "모르겠습니다. {since} 이후 {outlets}개 매체의 기사 {articles}건 중 그 답이 되는 "
          "내용이 없습니다.",
    "zh": "我不知道：{since} 以来 {outlets} 家媒体的 {articles} 篇文章中没有能回答这个问题的"
          "内容。",
}
CATALOGUE["closest"] = {
    "en": "Closest articles (not an answer):",
    "fr": "Articles les plus proches (ce n’est pas une réponse) :",
    "de": "Am nächsten liegende Artikel (keine Antwort):",
    "es": "Artículos más cercanos (no son una respuesta):",
    "it": "Articoli più vicini (non sono una risposta):",
    "ja": "近い記事（答えではありません）:",
    "ko": "가장 가까운 기사 (답이 아닙니다):",
    "zh": "最接近的文章（并非答案）：",
}
_THOUSANDS = {"fr": "\u202f", "de": ".", "es": ".", "it": "."}


def grouped(value: int, language: str = "en") -> str:
    """1234 as its readers write it: 1,234 · 1 234 · 1.234."""
    return f"{value:,}".replace(",", _THOUSANDS.get(normalise_language(language), ","))
