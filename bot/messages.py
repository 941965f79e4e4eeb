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
