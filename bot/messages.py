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
    "cmd_config": {
        "en": "Where newsdesk answers, and who moderates it",
        "fr": "Où newsdesk répond, et qui le modère",
        "de": "Wo newsdesk antwortet und wer es moderiert",
        "es": "Dónde responde newsdesk y quién lo modera",
        "it": "Dove risponde newsdesk e chi lo modera",
        "ja": "newsdesk が回答する場所とモデレーターの設定",
        "ko": "newsdesk가 답하는 곳과 모더레이터 설정", "zh": "newsdesk 在哪里回答，以及由谁管理",
    },
    "cmd_config_channels": {
        "en": "Channels where the bot answers", "fr": "Les salons où le bot répond",
        "de": "Kanäle, in denen der Bot antwortet", "es": "Canales donde responde el bot",
        "it": "Canali in cui il bot risponde", "ja": "ボットが回答するチャンネル",
        "ko": "봇이 답하는 채널", "zh": "机器人回答的频道",
    },
    "cmd_config_channels_add": {
        "en": "Answer in a channel (mentions, or every question)",
        "fr": "Répondre dans un salon (mentions, ou toutes les questions)",
        "de": "In einem Kanal antworten (Erwähnungen oder jede Frage)",
        "es": "Responder en un canal (menciones o todas las preguntas)",
        "it": "Rispondere in un canale (menzioni o ogni domanda)",
        "ja": "チャンネルで回答する（メンションのみ、またはすべての質問）",
        "ko": "채널에서 답하기 (멘션만, 또는 모든 질문)",
        "zh": "在频道中回答（仅提及，或所有问题）",
    },
    "cmd_config_channels_remove": {
        "en": "Stop answering in a channel (/ask still works there)",
        "fr": "Ne plus répondre dans un salon (/ask y marche toujours)",
        "de": "In einem Kanal nicht mehr antworten (/ask geht dort weiter)",
        "es": "Dejar de responder en un canal (/ask sigue funcionando allí)",
        "it": "Smettere di rispondere in un canale (/ask funziona ancora lì)",
        "ja": "チャンネルでの回答をやめる（/ask は引き続き使えます）",
        "ko": "채널에서 답하기를 멈춤 (/ask는 계속 사용 가능)",
        "zh": "停止在频道中回答（/ask 仍可使用）",
    },
    "cmd_config_channels_list": {
        "en": "List the channels where the bot answers, with their mode",
        "fr": "Liste des salons où le bot répond, avec leur mode",
        "de": "Die Kanäle, in denen der Bot antwortet, mit ihrem Modus",
        "es": "Lista de canales donde responde el bot, con su modo",
        "it": "Elenco dei canali in cui il bot risponde, con la modalità",
        "ja": "ボットが回答するチャンネルとそのモードの一覧",
        "ko": "봇이 답하는 채널과 그 모드 목록", "zh": "列出机器人回答的频道及其模式",
    },
    "cmd_channel": {
        "en": "the channel", "fr": "le salon", "de": "der Kanal", "es": "el canal",
        "it": "il canale", "ja": "チャンネル", "ko": "채널", "zh": "频道",
    },
    "cmd_config_mode": {
        "en": "Answer only mentions, or every question",
        "fr": "Répondre seulement aux mentions, ou à toute question",
        "de": "Nur auf Erwähnungen antworten oder auf jede Frage",
        "es": "Responder solo a menciones o a toda pregunta",
        "it": "Rispondere solo alle menzioni o a ogni domanda",
        "ja": "メンションだけに回答するか、すべての質問に回答するか",
        "ko": "멘션에만 답할지, 모든 질문에 답할지", "zh": "只回答提及，还是回答所有问题",
    },
    "cmd_config_mode_mode": {
        "en": "mention: only when mentioned; all: every question",
        "fr": "mention : seulement si mentionné ; all : toute question",
        "de": "mention: nur bei Erwähnung; all: jede Frage",
        "es": "mention: solo si lo mencionan; all: toda pregunta",
        "it": "mention: solo se menzionato; all: ogni domanda",
        "ja": "mention：メンションされたときのみ、all：すべての質問",
        "ko": "mention: 멘션될 때만, all: 모든 질문", "zh": "mention：仅在被提及时；all：所有问题",
    },
    "cmd_config_private": {
        "en": "Make /ask answer only the asker in a channel by default",
        "fr": "Par défaut, /ask ne répond qu’à la personne qui demande dans un salon",
        "de": "/ask antwortet in einem Kanal standardmäßig nur der fragenden Person",
        "es": "Que /ask responda por defecto solo a quien pregunta en un canal",
        "it": "Far rispondere /ask per impostazione solo a chi chiede in un canale",
        "ja": "チャンネルで /ask の回答を既定で質問者だけに表示する",
        "ko": "채널에서 /ask 답변을 기본적으로 질문자에게만 보이기",
        "zh": "让 /ask 在频道中默认仅对提问者显示回答",
    },
    "cmd_config_private_private": {
        "en": "true: answers are private there unless a member asks with private:false",
        "fr": "true : les réponses y sont privées, sauf si on demande avec private:false",
        "de": "true: Antworten sind dort privat, außer jemand fragt mit private:false",
        "es": "true: allí las respuestas son privadas salvo si se pide con private:false",
        "it": "true: lì le risposte sono private, a meno di chiedere con private:false",
        "ja": "true：そのチャンネルの回答は非公開（private:false で質問した場合を除く）",
        "ko": "true: 그곳의 답변은 비공개 (private:false로 질문한 경우 제외)",
        "zh": "true：该频道的回答默认私密，除非以 private:false 提问",
    },
    "cmd_config_moderator_role": {
        "en": "Members with this role may moderate (leave empty to clear)",
        "fr": "Les membres avec ce rôle peuvent modérer (vide pour l’effacer)",
        "de": "Mitglieder mit dieser Rolle dürfen moderieren (leer lassen zum Löschen)",
        "es": "Los miembros con este rol pueden moderar (vacío para quitarlo)",
        "it": "I membri con questo ruolo possono moderare (vuoto per rimuoverlo)",
        "ja": "この役職のメンバーがモデレートできる（空欄で解除）",
        "ko": "이 역할의 멤버가 모더레이트 가능 (비우면 해제)",
        "zh": "拥有此角色的成员可以管理（留空则清除）",
    },
    "cmd_config_moderator_role_role": {
        "en": "the moderators' role; none: Manage Messages only",
        "fr": "le rôle des modérateurs ; aucun : Gérer les messages seulement",
        "de": "die Rolle der Moderatoren; keine: nur Nachrichten verwalten",
        "es": "el rol de los moderadores; ninguno: solo Gestionar mensajes",
        "it": "il ruolo dei moderatori; nessuno: solo Gestisci messaggi",
        "ja": "モデレーターの役職。なし：メッセージの管理権限のみ",
        "ko": "모더레이터 역할. 없음: 메시지 관리 권한만", "zh": "版主角色；不填：仅限管理消息权限",
    },
    "cmd_config_cooldown": {
        "en": "Seconds a member waits between questions",
        "fr": "Secondes qu’un membre attend entre deux questions",
        "de": "Sekunden, die ein Mitglied zwischen Fragen wartet",
        "es": "Segundos que un miembro espera entre preguntas",
        "it": "Secondi che un membro attende tra una domanda e l’altra",
        "ja": "メンバーが質問の間に待つ秒数", "ko": "멤버가 질문 사이에 기다리는 초",
        "zh": "成员两次提问之间需等待的秒数",
    },
    "cmd_config_cooldown_seconds": {
        "en": "0 to 3600; 0: no wait", "fr": "de 0 à 3600 ; 0 : aucune attente",
        "de": "0 bis 3600; 0: keine Wartezeit", "es": "de 0 a 3600; 0: sin espera",
        "it": "da 0 a 3600; 0: nessuna attesa", "ja": "0〜3600。0：待ち時間なし",
        "ko": "0~3600, 0: 대기 없음", "zh": "0 到 3600；0：无需等待",
    },
    "cmd_config_threads": {
        "en": "When an answer opens a thread for follow-ups",
        "fr": "Quand une réponse ouvre un fil pour les questions de suite",
        "de": "Wann eine Antwort einen Thread für Nachfragen öffnet",
        "es": "Cuándo una respuesta abre un hilo para preguntas de seguimiento",
        "it": "Quando una risposta apre un thread per le domande successive",
        "ja": "回答が追加質問用のスレッドを開くタイミング",
        "ko": "답변이 후속 질문용 스레드를 여는 시점", "zh": "回答何时为追问开启子区",
    },
    "cmd_config_threads_mode": {
        "en": "on-follow-up (default): when a member presses Follow up; off: never; always",
        "fr": "on-follow-up (défaut) : quand un membre clique sur Poursuivre ; off : jamais ; "
              "always",
        "de": "on-follow-up (Standard): wenn jemand Nachfragen drückt; off: nie; always: immer",
        "es": "on-follow-up (defecto): al pulsar Seguir preguntando; off: nunca; always: "
              "siempre",
        "it": "on-follow-up (predefinito): quando si preme Continua; off: mai; always: sempre",
        "ja": "on-follow-up（既定）：「追加で質問」を押したとき、off：なし、always：常に",
        "ko": "on-follow-up (기본값): '이어서 질문'을 누를 때, off: 안 함, always: 항상",
        "zh": "on-follow-up（默认）：有人点击“追问”时；off：从不；always：总是",
    },
    "cmd_config_threads_channel": {
        "en": "only this channel (mode default: back to the server's setting)",
        "fr": "seulement ce salon (mode default : revenir au réglage du serveur)",
        "de": "nur dieser Kanal (Modus default: zurück zur Servereinstellung)",
        "es": "solo este canal (modo default: volver al ajuste del servidor)",
        "it": "solo questo canale (modalità default: torna all’impostazione del server)",
        "ja": "このチャンネルのみ（mode default でサーバーの設定に戻す）",
        "ko": "이 채널만 (mode default: 서버 설정으로 되돌림)",
        "zh": "仅此频道（mode 选 default：恢复服务器设置）",
    },
    "cmd_reindex": {
        "en": "Re-read sources and update the index",
        "fr": "Relire les sources et mettre à jour l’index",
        "de": "Quellen neu lesen und den Index aktualisieren",
        "es": "Releer las fuentes y actualizar el índice",
        "it": "Rileggere le fonti e aggiornare l’indice", "ja": "ソースを読み直して索引を更新する",
        "ko": "소스를 다시 읽고 색인을 갱신", "zh": "重新读取来源并更新索引",
    },
    "cmd_reindex_full": {
        "en": "re-embed every article instead of only new and changed ones",
        "fr": "réencoder tous les articles, pas seulement les nouveaux et les modifiés",
        "de": "alle Artikel neu einbetten statt nur neue und geänderte",
        "es": "volver a vectorizar todos los artículos, no solo los nuevos y cambiados",
        "it": "ricalcolare tutti gli articoli, non solo quelli nuovi e modificati",
        "ja": "新規・変更分だけでなく全記事を埋め込み直す",
        "ko": "새 기사와 바뀐 기사만이 아니라 모든 기사를 다시 임베딩",
        "zh": "重新嵌入所有文章，而不只是新增和更改的文章",
    },
    "cmd_sources": {
        "en": "The news sources newsdesk reads", "fr": "Les sources d’actualité que lit newsdesk",
        "de": "Die Nachrichtenquellen, die newsdesk liest",
        "es": "Las fuentes de noticias que lee newsdesk",
        "it": "Le fonti di notizie che newsdesk legge", "ja": "newsdesk が読むニュースソース",
        "ko": "newsdesk가 읽는 뉴스 소스", "zh": "newsdesk 读取的新闻来源",
    },
    "cmd_sources_list": {
        "en": "Every source with its last fetch and status",
        "fr": "Toutes les sources, avec leur dernière récupération et leur état",
        "de": "Alle Quellen mit letztem Abruf und Status",
        "es": "Todas las fuentes con su última descarga y estado",
        "it": "Tutte le fonti con l’ultimo recupero e lo stato",
        "ja": "すべてのソースと最終取得日時・状態", "ko": "모든 소스와 마지막 가져오기 시각, 상태",
        "zh": "所有来源及其最近抓取时间和状态",
    },
    "cmd_sources_add": {
        "en": "Add an RSS/Atom feed, an article URL or a folder",
        "fr": "Ajouter un flux RSS/Atom, l’URL d’un article ou un dossier",
        "de": "Einen RSS/Atom-Feed, eine Artikel-URL oder einen Ordner hinzufügen",
        "es": "Añadir un feed RSS/Atom, la URL de un artículo o una carpeta",
        "it": "Aggiungere un feed RSS/Atom, l’URL di un articolo o una cartella",
        "ja": "RSS/Atom フィード、記事の URL、またはフォルダーを追加",
        "ko": "RSS/Atom 피드, 기사 URL 또는 폴더 추가",
        "zh": "添加 RSS/Atom 订阅源、文章网址或文件夹",
    },
    "cmd_sources_add_location": {
        "en": "a feed or article URL, or a folder inside the sources folder",
        "fr": "l’URL d’un flux ou d’un article, ou un dossier dans le dossier des sources",
        "de": "eine Feed- oder Artikel-URL oder ein Ordner im Quellenordner",
        "es": "la URL de un feed o artículo, o una carpeta dentro de la carpeta de fuentes",
        "it": "l’URL di un feed o di un articolo, o una cartella nella cartella delle fonti",
        "ja": "フィードまたは記事の URL、もしくはソースフォルダー内のフォルダー",
        "ko": "피드 또는 기사 URL, 또는 소스 폴더 안의 폴더",
        "zh": "订阅源或文章网址，或来源文件夹内的文件夹",
    },
    "cmd_sources_fetch": {
        "en": "Fetch every feed and URL now, then reindex",
        "fr": "Récupérer tous les flux et URL maintenant, puis réindexer",
        "de": "Alle Feeds und URLs jetzt abrufen, dann neu indexieren",
        "es": "Descargar ahora todos los feeds y URL y luego reindexar",
        "it": "Recuperare ora tutti i feed e gli URL, poi reindicizzare",
        "ja": "すべてのフィードと URL を今すぐ取得し、索引を更新",
        "ko": "모든 피드와 URL을 지금 가져온 뒤 다시 색인",
        "zh": "立即抓取所有订阅源和网址，然后重建索引",
    },
    "cmd_sources_remove": {
        "en": "Remove a source; its articles leave the index",
        "fr": "Retirer une source ; ses articles quittent l’index",
        "de": "Eine Quelle entfernen; ihre Artikel verlassen den Index",
        "es": "Quitar una fuente; sus artículos salen del índice",
        "it": "Rimuovere una fonte; i suoi articoli escono dall’indice",
        "ja": "ソースを削除（その記事は索引から外れます）",
        "ko": "소스 삭제 (그 기사는 색인에서 빠짐)",
        "zh": "移除来源；其文章将移出索引",
    },
    "cmd_sources_remove_source_id": {
        "en": "the id shown by /sources list, or its location",
        "fr": "l’id affiché par /sources list, ou son emplacement",
        "de": "die ID aus /sources list oder ihr Ort",
        "es": "el id que muestra /sources list, o su ubicación",
        "it": "l’id mostrato da /sources list, o la sua posizione",
        "ja": "/sources list に表示される ID、または場所",
        "ko": "/sources list에 표시된 ID 또는 위치",
        "zh": "/sources list 显示的 ID，或其位置",
    },
    "cmd_audit": {
        "en": "What moderators did, and what members asked in vain",
        "fr": "Ce qu’ont fait les modérateurs, et ce que les membres ont demandé en vain",
        "de": "Was Moderatoren getan und Mitglieder vergeblich gefragt haben",
        "es": "Lo que hicieron los moderadores y lo que los miembros preguntaron en vano",
        "it": "Cosa hanno fatto i moderatori e cosa i membri hanno chiesto invano",
        "ja": "モデレーターの操作と、答えられなかった質問",
        "ko": "모더레이터의 작업과 답을 얻지 못한 질문",
        "zh": "版主的操作，以及成员未得到解答的问题",
    },
    "cmd_audit_actions": {
        "en": "The latest moderator actions", "fr": "Les dernières actions des modérateurs",
        "de": "Die letzten Aktionen der Moderatoren",
        "es": "Las últimas acciones de los moderadores", "it": "Le ultime azioni dei moderatori",
        "ja": "最近のモデレーター操作", "ko": "최근 모더레이터 작업", "zh": "最近的版主操作",
    },
    "cmd_audit_unanswered": {
        "en": "Questions the bot declined or that got 👎, most asked first",
        "fr": "Questions déclinées par le bot ou notées 👎, les plus posées d’abord",
        "de": "Fragen, die der Bot ablehnte oder die 👎 bekamen, häufigste zuerst",
        "es": "Preguntas que el bot rechazó o con 👎, las más hechas primero",
        "it": "Domande rifiutate dal bot o con 👎, le più frequenti per prime",
        "ja": "ボットが答えなかった質問や 👎 の付いた質問（多い順）",
        "ko": "봇이 거절했거나 👎를 받은 질문 (많은 순)",
        "zh": "机器人拒答或被点 👎 的问题，按提问次数排序",
    },
    "cmd_stats": {
        "en": "Articles, index, questions and feedback", "fr": "Articles, index, questions et avis",
        "de": "Artikel, Index, Fragen und Feedback",
        "es": "Artículos, índice, preguntas y opiniones",
        "it": "Articoli, indice, domande e pareri", "ja": "記事、索引、質問、評価の状況",
        "ko": "기사, 색인, 질문, 피드백 현황", "zh": "文章、索引、提问和反馈",
    },
    # the answer's Follow up button (/config threads on-follow-up) and what it replies
    "button_follow_up": {
        "en": "Follow up", "fr": "Poursuivre", "de": "Nachfragen", "es": "Seguir preguntando",
        "it": "Continua", "ja": "追加で質問", "ko": "이어서 질문", "zh": "追问",
    },
    "follow_up_here": {
        "en": "Ask your follow-up in {thread}: the earlier question is kept as context.",
        "fr": "Posez votre question de suite dans {thread} : la question précédente sert de "
              "contexte.",
        "de": "Stell deine Nachfrage in {thread}: die vorige Frage bleibt als Kontext erhalten.",
        "es": "Haz tu pregunta de seguimiento en {thread}: la pregunta anterior se usa como "
              "contexto.",
        "it": "Fai la tua domanda successiva in {thread}: la domanda precedente resta come "
              "contesto.",
        "ja": "{thread} で続けて質問してください。前の質問が文脈として使われます。",
        "ko": "{thread}에서 이어서 질문하세요. 앞의 질문이 맥락으로 쓰입니다.",
        "zh": "请在 {thread} 中追问：之前的问题会作为上下文。",
    },
    "no_thread": {
        "en": "I may not open threads in this channel; ask again with /ask.",
        "fr": "Je ne peux pas ouvrir de fil dans ce salon ; reposez la question avec /ask.",
        "de": "Ich darf in diesem Kanal keine Threads öffnen; frag noch einmal mit /ask.",
        "es": "No puedo abrir hilos en este canal; vuelve a preguntar con /ask.",
        "it": "Non posso aprire thread in questo canale; chiedi di nuovo con /ask.",
        "ja": "このチャンネルではスレッドを開けません。/ask でもう一度質問してください。",
        "ko": "이 채널에서는 스레드를 열 수 없습니다. /ask로 다시 질문하세요.",
        "zh": "我无法在此频道开启子区；请用 /ask 重新提问。",
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


# -- the news desk (bot/discord/cogs/news.py) ---------------------------------------------
CATALOGUE.update({
    "news_also": {
        "en": "also:", "fr": "aussi :", "de": "auch:", "es": "también:", "it": "anche:",
        "ja": "ほかに:", "ko": "다른 보도:", "zh": "另见：",
    },
    "news_ask_button": {
        "en": "Ask about this", "fr": "Poser une question", "de": "Frage dazu stellen",
        "es": "Preguntar sobre esto", "it": "Chiedi su questo", "ja": "これについて質問",
        "ko": "이 소식에 대해 질문",
        "zh": "就此提问",
    },
    "news_ask_title": {
        "en": "Ask about this story", "fr": "Question sur cette actualité",
        "de": "Frage zu dieser Meldung", "es": "Pregunta sobre esta noticia",
        "it": "Domanda su questa notizia", "ja": "このニュースについて質問",
        "ko": "이 소식에 대한 질문",
        "zh": "就这则新闻提问",
    },
    "news_ask_label": {
        "en": "Your question", "fr": "Votre question", "de": "Deine Frage",
        "es": "Tu pregunta", "it": "La tua domanda", "ja": "質問", "ko": "질문",
        "zh": "你的问题",
    },
    "news_digest_daily": {
        "en": "The day's news since {since}", "fr": "L’actualité du jour depuis le {since}",
        "de": "Die Nachrichten des Tages seit {since}", "es": "Las noticias del día desde "
        "el {since}", "it": "Le notizie del giorno dal {since}",
        "ja": "{since} 以降の今日のニュース", "ko": "{since} 이후 오늘의 뉴스",
        "zh": "{since} 以来的今日新闻",
    },
    "news_digest_weekly": {
        "en": "The week's news since {since}", "fr": "L’actualité de la semaine depuis le "
        "{since}", "de": "Die Nachrichten der Woche seit {since}",
        "es": "Las noticias de la semana desde el {since}",
        "it": "Le notizie della settimana dal {since}", "ja": "{since} 以降の今週のニュース",
        "ko": "{since} 이후 이번 주 뉴스",
        "zh": "{since} 以来的本周新闻",
    },
    "news_digest_empty": {
        "en": "No new story in this period.", "fr": "Aucune nouvelle actualité sur cette "
        "période.", "de": "Keine neue Meldung in diesem Zeitraum.",
        "es": "Ninguna noticia nueva en este periodo.",
        "it": "Nessuna nuova notizia in questo periodo.", "ja": "この期間の新しいニュースはあり"
        "ません。", "ko": "이 기간에 새 소식이 없습니다.", "zh": "这段时间没有新的新闻。",
    },
    "news_dm": {
        "en": "A new story on “{topic}”, which you follow (/news unfollow stops this):",
        "fr": "Une nouvelle actualité sur « {topic} », que vous suivez (/news unfollow "
              "l’arrête) :",
        "de": "Eine neue Meldung zu „{topic}“, dem du folgst (/news unfollow beendet das):",
        "es": "Una noticia nueva sobre «{topic}», que sigues (/news unfollow lo detiene):",
        "it": "Una nuova notizia su «{topic}», che segui (/news unfollow la interrompe):",
        "ja": "フォロー中の「{topic}」に新しいニュースがあります（/news unfollow で停止）:",
        "ko": "팔로우 중인 “{topic}”에 새 소식이 있습니다 (/news unfollow로 중지):",
        "zh": "你关注的“{topic}”有新新闻（/news unfollow 可停止）：",
    },
    "news_channel_set": {
        "en": "New stories will be posted in {channel} (at most {count} an hour; the rest go "
              "into the next digest).",
        "fr": "Les nouvelles actualités seront publiées dans {channel} ({count} par heure au "
              "plus ; les autres vont dans le prochain résumé).",
        "de": "Neue Meldungen erscheinen in {channel} (höchstens {count} pro Stunde; der "
              "Rest kommt in die nächste Zusammenfassung).",
        "es": "Las noticias nuevas se publicarán en {channel} (como mucho {count} por hora; "
              "el resto va al próximo resumen).",
        "it": "Le nuove notizie saranno pubblicate in {channel} (al massimo {count} all’ora; "
              "le altre vanno nel prossimo riepilogo).",
        "ja": "新しいニュースを {channel} に投稿します（1 時間に最大 {count} 件、残りは次のダイ"
              "ジェストへ）。",
        "ko": "새 소식을 {channel}에 올립니다 (시간당 최대 {count}건, 나머지는 다음 요약에 "
              "포함).",
        "zh": "新新闻将发布到 {channel}（每小时最多 {count} 条，其余并入下一期摘要）。",
    },
    "news_channel_removed": {
        "en": "No more stories in {channel}.", "fr": "Plus d’actualités dans {channel}.",
        "de": "Keine Meldungen mehr in {channel}.", "es": "No más noticias en {channel}.",
        "it": "Niente più notizie in {channel}.", "ja": "{channel} へのニュース投稿を停止しま"
        "した。", "ko": "{channel}에 더 이상 소식을 올리지 않습니다.",
        "zh": "不再向 {channel} 发布新闻。",
    },
    "news_channel_not_set": {
        "en": "{channel} was not receiving stories.", "fr": "{channel} ne recevait pas "
        "d’actualités.", "de": "{channel} hat keine Meldungen erhalten.",
        "es": "{channel} no recibía noticias.", "it": "{channel} non riceveva notizie.",
        "ja": "{channel} はニュースを受け取っていませんでした。",
        "ko": "{channel}은(는) 소식을 받고 있지 않았습니다.",
        "zh": "{channel} 原本就未接收新闻。",
    },
    "news_no_channel": {
        "en": "No channel receives stories: /news channel set adds one.",
        "fr": "Aucun salon ne reçoit d’actualités : /news channel set en ajoute un.",
        "de": "Kein Kanal erhält Meldungen: /news channel set fügt einen hinzu.",
        "es": "Ningún canal recibe noticias: /news channel set añade uno.",
        "it": "Nessun canale riceve notizie: /news channel set ne aggiunge uno.",
        "ja": "ニュースを受け取るチャンネルはありません。/news channel set で追加できます。",
        "ko": "소식을 받는 채널이 없습니다. /news channel set으로 추가하세요.",
        "zh": "没有频道接收新闻：用 /news channel set 添加。",
    },
    "news_paused": {
        "en": "News posts are paused: new stories go into the next digest until /news resume.",
        "fr": "Les publications sont en pause : les nouvelles actualités vont dans le "
              "prochain résumé jusqu’à /news resume.",
        "de": "Meldungen sind pausiert: Neue Meldungen kommen bis /news resume in die nächste "
              "Zusammenfassung.",
        "es": "Las publicaciones están en pausa: las noticias nuevas van al próximo resumen "
              "hasta /news resume.",
        "it": "Le pubblicazioni sono in pausa: le nuove notizie vanno nel prossimo riepilogo "
              "fino a /news resume.",
        "ja": "ニュース投稿は一時停止中です。/news resume まで新しいニュースは次のダイジェストに"
              "入ります。",
        "ko": "소식 게시가 일시 중지되었습니다. /news resume 전까지 새 소식은 다음 요약에 "
              "들어갑니다.",
        "zh": "新闻发布已暂停：在 /news resume 之前，新新闻并入下一期摘要。",
    },
    "news_resumed": {
        "en": "News posts resumed.", "fr": "Les publications reprennent.",
        "de": "Meldungen werden wieder gepostet.", "es": "Se reanudan las publicaciones.",
        "it": "Le pubblicazioni riprendono.", "ja": "ニュース投稿を再開しました。",
        "ko": "소식 게시를 다시 시작합니다.",
        "zh": "新闻发布已恢复。",
    },
    "news_digest_set_daily": {
        "en": "A digest will be posted in {channel} every day at {at} ({timezone}).",
        "fr": "Un résumé sera publié dans {channel} chaque jour à {at} ({timezone}).",
        "de": "Eine Zusammenfassung erscheint in {channel} täglich um {at} ({timezone}).",
        "es": "Se publicará un resumen en {channel} cada día a las {at} ({timezone}).",
        "it": "Un riepilogo sarà pubblicato in {channel} ogni giorno alle {at} ({timezone}).",
        "ja": "毎日 {at}（{timezone}）に {channel} へダイジェストを投稿します。",
        "ko": "매일 {at}({timezone})에 {channel}에 요약을 올립니다.",
        "zh": "每天 {at}（{timezone}）在 {channel} 发布摘要。",
    },
    "news_digest_set_weekly": {
        "en": "A digest will be posted in {channel} every Monday at {at} ({timezone}).",
        "fr": "Un résumé sera publié dans {channel} chaque lundi à {at} ({timezone}).",
        "de": "Eine Zusammenfassung erscheint in {channel} jeden Montag um {at} ({timezone}).",
        "es": "Se publicará un resumen en {channel} cada lunes a las {at} ({timezone}).",
        "it": "Un riepilogo sarà pubblicato in {channel} ogni lunedì alle {at} ({timezone}).",
        "ja": "毎週月曜 {at}（{timezone}）に {channel} へダイジェストを投稿します。",
        "ko": "매주 월요일 {at}({timezone})에 {channel}에 요약을 올립니다.",
        "zh": "每周一 {at}（{timezone}）在 {channel} 发布摘要。",
    },
    "news_digest_removed": {
        "en": "No more digests.", "fr": "Plus de résumés.", "de": "Keine Zusammenfassungen "
        "mehr.", "es": "No más resúmenes.", "it": "Niente più riepiloghi.",
        "ja": "ダイジェストを停止しました。", "ko": "더 이상 요약을 올리지 않습니다.",
        "zh": "不再发布摘要。",
    },
    "news_digest_none": {
        "en": "No digest was set.", "fr": "Aucun résumé n’était prévu.",
        "de": "Es war keine Zusammenfassung eingerichtet.", "es": "No había ningún resumen "
        "programado.", "it": "Nessun riepilogo era impostato.",
        "ja": "ダイジェストは設定されていませんでした。", "ko": "설정된 요약이 없었습니다.",
        "zh": "原本没有设置摘要。",
    },
    "news_following_now": {
        "en": "You will get a DM when a new story matches “{topic}”.",
        "fr": "Vous recevrez un message privé quand une nouvelle actualité correspondra à "
              "« {topic} ».",
        "de": "Du bekommst eine DM, wenn eine neue Meldung zu „{topic}“ passt.",
        "es": "Recibirás un mensaje directo cuando una noticia nueva trate de «{topic}».",
        "it": "Riceverai un messaggio diretto quando una nuova notizia riguarderà «{topic}».",
        "ja": "「{topic}」に合う新しいニュースがあれば DM でお知らせします。",
        "ko": "“{topic}”에 맞는 새 소식이 있으면 DM을 보냅니다.",
        "zh": "有与“{topic}”相关的新新闻时，你会收到私信。",
    },
    "news_follow_limit": {
        "en": "You already follow {count} topics: /news unfollow one first.",
        "fr": "Vous suivez déjà {count} sujets : arrêtez d’en suivre un avec /news unfollow.",
        "de": "Du folgst bereits {count} Themen: Entfolge zuerst einem mit /news unfollow.",
        "es": "Ya sigues {count} temas: deja de seguir uno con /news unfollow primero.",
        "it": "Segui già {count} argomenti: smetti di seguirne uno con /news unfollow.",
        "ja": "すでに {count} 件のトピックをフォローしています。先に /news unfollow で外してく"
              "ださい。",
        "ko": "이미 주제 {count}개를 팔로우하고 있습니다. 먼저 /news unfollow로 하나를 해제하세요.",
        "zh": "你已关注 {count} 个主题：请先用 /news unfollow 取消一个。",
    },
    "news_unfollowed": {
        "en": "You no longer follow “{topic}”.", "fr": "Vous ne suivez plus « {topic} ».",
        "de": "Du folgst „{topic}“ nicht mehr.", "es": "Ya no sigues «{topic}».",
        "it": "Non segui più «{topic}».", "ja": "「{topic}」のフォローをやめました。",
        "ko": "더 이상 “{topic}”을(를) 팔로우하지 않습니다.",
        "zh": "你已不再关注“{topic}”。",
    },
    "news_not_following": {
        "en": "You were not following “{topic}”.", "fr": "Vous ne suiviez pas « {topic} ».",
        "de": "Du bist „{topic}“ nicht gefolgt.", "es": "No seguías «{topic}».",
        "it": "Non seguivi «{topic}».", "ja": "「{topic}」はフォローしていませんでした。",
        "ko": "“{topic}”을(를) 팔로우하고 있지 않았습니다.",
        "zh": "你原本没有关注“{topic}”。",
    },
    "news_following_none": {
        "en": "You follow no topic: /news follow adds one.",
        "fr": "Vous ne suivez aucun sujet : /news follow en ajoute un.",
        "de": "Du folgst keinem Thema: /news follow fügt eines hinzu.",
        "es": "No sigues ningún tema: /news follow añade uno.",
        "it": "Non segui nessun argomento: /news follow ne aggiunge uno.",
        "ja": "フォロー中のトピックはありません。/news follow で追加できます。",
        "ko": "팔로우 중인 주제가 없습니다. /news follow로 추가하세요.",
        "zh": "你没有关注任何主题：用 /news follow 添加。",
    },
    # command and option descriptions (≤ 100 characters)
    "cmd_news": {
        "en": "AI news in this server: channels, digests, followed topics",
        "fr": "L’actualité de l’IA sur ce serveur : salons, résumés, sujets suivis",
        "de": "KI-Nachrichten auf diesem Server: Kanäle, Zusammenfassungen, Themen",
        "es": "Noticias de IA en este servidor: canales, resúmenes, temas seguidos",
        "it": "Notizie sull’IA in questo server: canali, riepiloghi, argomenti seguiti",
        "ja": "このサーバーの AI ニュース：チャンネル、ダイジェスト、フォロー中のトピック",
        "ko": "이 서버의 AI 뉴스: 채널, 요약, 팔로우 주제",
        "zh": "本服务器的 AI 新闻：频道、摘要、关注的主题",
    },
    "cmd_news_channel": {
        "en": "Channels that receive new stories", "fr": "Salons qui reçoivent les nouvelles "
        "actualités", "de": "Kanäle, die neue Meldungen erhalten",
        "es": "Canales que reciben las noticias nuevas", "it": "Canali che ricevono le nuove "
        "notizie", "ja": "新しいニュースを受け取るチャンネル", "ko": "새 소식을 받는 채널",
        "zh": "接收新新闻的频道",
    },
    "cmd_news_digest": {
        "en": "A digest of the most covered stories on a schedule",
        "fr": "Un résumé programmé des actualités les plus couvertes",
        "de": "Eine geplante Zusammenfassung der meistberichteten Meldungen",
        "es": "Un resumen programado de las noticias más cubiertas",
        "it": "Un riepilogo programmato delle notizie più riprese",
        "ja": "最も報じられたニュースの定期ダイジェスト", "ko": "가장 많이 보도된 소식의 정기 요약",
        "zh": "定时发布报道最多的新闻摘要",
    },
    "cmd_news_channel_set": {
        "en": "Post new stories in a channel", "fr": "Publier les nouvelles actualités dans "
        "un salon", "de": "Neue Meldungen in einem Kanal posten",
        "es": "Publicar las noticias nuevas en un canal", "it": "Pubblica le nuove notizie in "
        "un canale", "ja": "新しいニュースをチャンネルに投稿", "ko": "새 소식을 채널에 게시",
        "zh": "在频道中发布新新闻",
    },
    "cmd_news_channel_remove": {
        "en": "Stop posting stories in a channel", "fr": "Ne plus publier d’actualités dans "
        "un salon", "de": "Keine Meldungen mehr in einem Kanal posten",
        "es": "Dejar de publicar noticias en un canal", "it": "Smetti di pubblicare notizie "
        "in un canale", "ja": "チャンネルへのニュース投稿を停止", "ko": "채널에 소식 게시 중지",
        "zh": "停止在频道中发布新闻",
    },
    "cmd_news_channel_list": {
        "en": "The channels that receive stories", "fr": "Les salons qui reçoivent les "
        "actualités", "de": "Die Kanäle, die Meldungen erhalten",
        "es": "Los canales que reciben noticias", "it": "I canali che ricevono notizie",
        "ja": "ニュースを受け取るチャンネル一覧", "ko": "소식을 받는 채널 목록",
        "zh": "接收新闻的频道列表",
    },
    "cmd_news_opt_channel": {
        "en": "the channel", "fr": "le salon", "de": "der Kanal", "es": "el canal",
        "it": "il canale", "ja": "チャンネル", "ko": "채널", "zh": "频道",
    },
    "cmd_news_opt_per_hour": {
        "en": "at most this many posts an hour (default 6); the rest go into the digest",
        "fr": "au plus ce nombre de publications par heure (6 par défaut) ; le reste va au "
              "résumé",
        "de": "höchstens so viele Beiträge pro Stunde (Standard 6); der Rest in die "
              "Zusammenfassung",
        "es": "como mucho estas publicaciones por hora (6 por defecto); el resto va al resumen",
        "it": "al massimo questi post all’ora (predefinito 6); il resto va nel riepilogo",
        "ja": "1 時間あたりの最大投稿数（既定 6）。残りはダイジェストへ",
        "ko": "시간당 최대 게시 수 (기본 6), 나머지는 요약으로",
        "zh": "每小时最多发布条数（默认 6），其余并入摘要",
    },
    "cmd_news_digest_set": {
        "en": "Post a digest daily or weekly (Mondays) at a time",
        "fr": "Publier un résumé chaque jour ou chaque semaine (le lundi) à une heure donnée",
        "de": "Täglich oder wöchentlich (montags) zu einer Uhrzeit eine Zusammenfassung posten",
        "es": "Publicar un resumen diario o semanal (los lunes) a una hora",
        "it": "Pubblica un riepilogo ogni giorno o ogni settimana (il lunedì) a un’ora",
        "ja": "毎日または毎週（月曜）指定時刻にダイジェストを投稿",
        "ko": "매일 또는 매주(월요일) 정해진 시각에 요약 게시",
        "zh": "每天或每周（周一）在指定时间发布摘要",
    },
    "cmd_news_opt_every": {
        "en": "daily or weekly", "fr": "quotidien (daily) ou hebdomadaire (weekly)",
        "de": "täglich (daily) oder wöchentlich (weekly)", "es": "diario (daily) o semanal "
        "(weekly)", "it": "giornaliero (daily) o settimanale (weekly)",
        "ja": "毎日 (daily) または毎週 (weekly)", "ko": "매일(daily) 또는 매주(weekly)",
        "zh": "每天 (daily) 或每周 (weekly)",
    },
    "cmd_news_opt_at": {
        "en": "the time, HH:MM (24 h)", "fr": "l’heure, HH:MM (24 h)",
        "de": "die Uhrzeit, HH:MM (24 h)", "es": "la hora, HH:MM (24 h)",
        "it": "l’ora, HH:MM (24 h)", "ja": "時刻 HH:MM（24 時間制）", "ko": "시각 HH:MM (24시간제)",
        "zh": "时间，HH:MM（24 小时制）",
    },
    "cmd_news_opt_timezone": {
        "en": "an IANA time zone such as Europe/Paris (default UTC)",
        "fr": "un fuseau IANA comme Europe/Paris (UTC par défaut)",
        "de": "eine IANA-Zeitzone wie Europe/Berlin (Standard UTC)",
        "es": "una zona horaria IANA como Europe/Madrid (UTC por defecto)",
        "it": "un fuso orario IANA come Europe/Rome (predefinito UTC)",
        "ja": "Asia/Tokyo などの IANA タイムゾーン（既定 UTC）",
        "ko": "Asia/Seoul 같은 IANA 시간대 (기본 UTC)",
        "zh": "IANA 时区，如 Asia/Shanghai（默认 UTC）",
    },
    "cmd_news_digest_remove": {
        "en": "Stop the digest", "fr": "Arrêter le résumé", "de": "Die Zusammenfassung "
        "beenden", "es": "Detener el resumen", "it": "Interrompi il riepilogo",
        "ja": "ダイジェストを停止", "ko": "요약 중지", "zh": "停止摘要",
    },
    "cmd_news_pause": {
        "en": "Pause news posts; new stories go into the next digest",
        "fr": "Mettre les publications en pause ; les actualités vont au prochain résumé",
        "de": "Meldungen pausieren; neue Meldungen kommen in die nächste Zusammenfassung",
        "es": "Pausar las publicaciones; las noticias van al próximo resumen",
        "it": "Metti in pausa le pubblicazioni; le notizie vanno nel prossimo riepilogo",
        "ja": "ニュース投稿を一時停止（新しいニュースは次のダイジェストへ）",
        "ko": "소식 게시 일시 중지 (새 소식은 다음 요약으로)",
        "zh": "暂停新闻发布；新新闻并入下一期摘要",
    },
    "cmd_news_resume": {
        "en": "Resume news posts", "fr": "Reprendre les publications",
        "de": "Meldungen wieder posten", "es": "Reanudar las publicaciones",
        "it": "Riprendi le pubblicazioni", "ja": "ニュース投稿を再開", "ko": "소식 게시 재개",
        "zh": "恢复新闻发布",
    },
    "cmd_news_follow": {
        "en": "Get a DM when a new story matches a topic", "fr": "Recevoir un message privé "
        "quand une actualité correspond à un sujet", "de": "Eine DM erhalten, wenn eine neue "
        "Meldung zu einem Thema passt", "es": "Recibir un mensaje directo cuando una noticia "
        "trate de un tema", "it": "Ricevi un messaggio diretto quando una notizia riguarda un "
        "argomento", "ja": "トピックに合う新しいニュースを DM で受け取る",
        "ko": "주제에 맞는 새 소식을 DM으로 받기",
        "zh": "有新新闻符合主题时收到私信",
    },
    "cmd_news_unfollow": {
        "en": "Stop following a topic", "fr": "Ne plus suivre un sujet",
        "de": "Einem Thema nicht mehr folgen", "es": "Dejar de seguir un tema",
        "it": "Smetti di seguire un argomento", "ja": "トピックのフォローをやめる",
        "ko": "주제 팔로우 중지",
        "zh": "取消关注主题",
    },
    "cmd_news_following": {
        "en": "The topics you follow", "fr": "Les sujets que vous suivez",
        "de": "Die Themen, denen du folgst", "es": "Los temas que sigues",
        "it": "Gli argomenti che segui", "ja": "フォロー中のトピック", "ko": "팔로우 중인 주제",
        "zh": "你关注的主题",
    },
    "cmd_news_opt_topic": {
        "en": "a topic, e.g. DeepSeek or EU AI Act", "fr": "un sujet, p. ex. DeepSeek ou AI "
        "Act européen", "de": "ein Thema, z. B. DeepSeek oder AI Act der EU",
        "es": "un tema, p. ej. DeepSeek o la Ley de IA de la UE",
        "it": "un argomento, ad es. DeepSeek o AI Act dell’UE",
        "ja": "トピック（例：DeepSeek、EU AI 法）", "ko": "주제 (예: DeepSeek, EU AI 법)",
        "zh": "主题，例如 DeepSeek 或欧盟《人工智能法》",
    },
})
