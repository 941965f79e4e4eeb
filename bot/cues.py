"""Lexical cues, in the corpus's languages, that the embedding model does not see.

A bi-encoder scores the sentence that *sets the scene* ("Korea tries to turn
worry into strategy") above the one that *answers* ("on 17 February the
government suspended downloads"). What the question asks for — a person, a
date, an amount, a reason — and what a sentence holds are cheap to read off
the text, in every language we serve, and they are what tells the two apart.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher
from enum import StrEnum
from functools import lru_cache


class Want(StrEnum):
    """What kind of fact a question asks for."""

    WHO = "who"
    WHEN = "when"
    HOW_MANY = "how_many"
    HOW_MUCH = "how_much"
    WHERE = "where"
    WHY = "why"
    ACTION = "action"  # "what did X do about Y"
    OTHER = "other"


_I = re.I | re.U

# Order matters: "how much" before "how", "since when" before "when".
_WANTS: list[tuple[Want, re.Pattern[str]]] = [
    (Want.HOW_MUCH, re.compile(
        r"\b(how much|what (?:price|valuation|fine|amount|sum|penalty)|at what price|"
        r"how (?:large|big|high)|combien (?:co[uû]te|vaut|a|de milliards|d'argent|d’argent)|"
        r"quel(?:le)? (?:montant|somme|prix|valorisation|amende)|à combien|"
        r"wie viel(?:e)? (?:geld|kostet|euro|dollar)|wie hoch|welche (?:summe|bewertung|strafe)|"
        r"cu[aá]nto (?:cuesta|dinero|vale)|cu[aá]nto|qu[eé] (?:multa|valoraci[oó]n|precio)|"
        r"quanto (?:costa|vale)|quanto|quale (?:multa|somma|cifra))\b|얼마|いくら|多少钱|金额|"
        r"罰金|罚款|估值", _I)),
    (Want.HOW_MANY, re.compile(
        r"\b(how many|what (?:number|percentage|share|proportion)|by what percentage|"
        r"how (?:long|old|often)|combien(?: de)?|quel(?:le)? (?:nombre|pourcentage|part)|"
        r"wie viele?|wie lange|wie alt|welcher anteil|cu[aá]nt[oa]s|qu[eé] porcentaje|"
        r"quant[ie]|quante|quale percentuale)\b|몇|いくつ|何人|何台|何個|多少|几|幾", _I)),
    (Want.WHEN, re.compile(
        r"\b(when|what (?:date|day|year|month|time)|which (?:date|day|year|month)|since when|"
        r"until when|quand|depuis quand|(?:en )?quelle (?:année|date)|quel jour|à partir de quand|"
        r"wann|seit wann|bis wann|in welchem jahr|an welchem tag|cu[aá]ndo|desde cu[aá]ndo|"
        r"en qu[eé] (?:año|fecha)|quando|da quando|in che anno)\b|언제|いつ|何時|何年|什么时候|"
        r"何时|哪一年|哪天|几月", _I)),
    (Want.WHERE, re.compile(
        r"\b(where|in which (?:city|country|town|region|state)|what (?:city|country)|où|"
        r"dans quelle (?:ville|région)|dans quel pays|wo|wohin|woher|in welche[rm]? (?:stadt|land)|"
        r"d[oó]nde|en qu[eé] (?:ciudad|pa[ií]s)|dove|in quale (?:città|paese))\b|어디|どこ|哪里|"
        r"哪儿|何処", _I)),
    (Want.WHY, re.compile(
        r"\b(why|for what reason|what (?:reason|grounds)|pourquoi|pour quelle raison|warum|"
        r"weshalb|wieso|aus welchem grund|por qu[eé]|por qu[eé] raz[oó]n|perch[eé]|per quale "
        r"motivo)\b|왜|なぜ|どうして|为什么|为何|為何", _I)),
    (Want.WHO, re.compile(
        r"\b(who|whom|whose|qui|wer|wem|wen|qui[eé]n(?:es)?|chi|"
        r"(?:which|what|quel(?:le)?s?|welche[rsmn]?|qu[eé]|cu[aá]l(?:es)?|quale|quali)\s+"
        r"(?:\w+\s+)?(?:company|companies|firm|investors?|person|people|scientists?|countries|"
        r"country|agency|ministry|ministries|minister|branch|organi[sz]ation|authority|"
        r"regulators?|officials?|executive|ceo|founders?|leaders?|president|group|body|"
        r"court|judge|bank|entreprises?|soci[ée]t[ée]s?|agence|branche|personnes?|pays|"
        r"investisseurs?|minist[èe]res?|ministre|autorit[ée]|r[ée]gulateur|dirigeants?|"
        r"fondateurs?|firma|unternehmen|investoren|l[äa]nder|beh[öo]rde|minister|ministerium|"
        r"gr[üu]nder|empresas?|pa[ií]s(?:es)?|agencia|ministerio|ministro|autoridad|"
        r"fundador(?:es)?|azienda|societ[àa]|paesi|autorit[àa]|ministero|fondatore))\b|"
        r"누가|누구|어느 (?:기업|회사|나라|부처)|부처는|誰|谁|哪位|哪家|哪个", _I)),
    (Want.ACTION, re.compile(
        r"\b(what (?:did|has|have|does|will)\b.*\b(?:do|done|doing|decide|decided|announce|"
        r"announced)|what happened|qu['’](?:a|ont) fait|qu['’]a décidé|que s['’]est-il passé|"
        r"was (?:hat|haben)\b.*\b(?:getan|gemacht|beschlossen|angekündigt)|was ist passiert|"
        r"qu[eé] (?:hizo|ha hecho|han hecho|decidi[oó])|cosa ha (?:fatto|deciso))", _I)),
]


def want(question: str) -> Want:
    """The kind asked for by the earliest cue: "Who was named CEO when the board fired
    Altman?" asks who, not when."""
    found = [(m.start(), i, kind) for i, (kind, pattern) in enumerate(_WANTS)
             if (m := pattern.search(question))]
    return min(found)[2] if found else Want.OTHER


_MONTHS = (
    r"january|february|march|april|may|june|july|august|september|october|november|december|"
    r"jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec|"
    r"janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|"
    r"novembre|décembre|decembre|januar|jänner|februar|märz|juni|juli|oktober|dezember|"
    r"enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|"
    r"noviembre|diciembre|gennaio|febbraio|aprile|maggio|giugno|luglio|settembre|ottobre|"
    r"dicembre"
)
_WEEKDAYS = (
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today|"
    r"lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|hier|aujourd['’]hui|"
    r"montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|gestern|heute|"
    r"lunes|martes|miércoles|jueves|viernes|sábado|domingo|ayer|hoy|"
    r"lunedì|martedì|mercoledì|giovedì|venerdì|sabato|domenica|ieri|oggi"
)
DATE = re.compile(
    rf"\b(?:(?:{_MONTHS})\b|(?:{_WEEKDAYS})\b|(?:1[6-9]|20)\d\d\b"
    r"|\d{1,2}[./]\d{1,2}[./]\d{2,4}|\d{1,2}(?:er|e|\.|st|nd|rd|th)?\s+(?:de\s+)?(?=[a-zà-ü]))"
    r"|\d+\s*(?:年|月|日|월|일|연도)"
    r"|(?:지난해|올해|작년|어제|오늘|去年|今年|昨日|昨天|今日|本月)", _I)
NUMBER = re.compile(
    r"\d|[一二三四五六七八九十百千万億亿兆]+(?:[万億亿兆]|人|个|台|名)|[만억조]", _I)
_CALENDAR = re.compile(rf"^(?:{_MONTHS}|{_WEEKDAYS})$", _I)
AMOUNT = re.compile(
    r"[€$£¥₩]|\b(?:euros?|dollars?|dólares|dollaro|dollari|dollar|yen|yuan|won|usd|eur|"
    r"millions?|milliards?|billions?|trillions?|millionen|milliarden|mio\.?|mrd\.?|millones|"
    r"mil millones|milioni|miliardi|bn)\b|ドル|円|元|유로|달러|원\b|억|조|万|億|亿", _I)
PERCENT = re.compile(r"%|\b(?:percent|per cent|pour ?cent|prozent|por ciento|per cento)\b|"
                     r"퍼센트|百分之", _I)
CAUSE = re.compile(
    r"\b(?:because|due to|owing to|citing|over (?:\w+ )?concerns?|concerns?|risks?|reasons?|"
    r"after|so that|in order to|car|parce que|en raison|à cause|faute de|inquiétudes?|"
    r"craintes?|risques?|raisons?|afin de|pour (?:des|de) raisons|weil|wegen|aufgrund|"
    r"bedenken|sorgen|gründen?|da|porque|debido|por (?:motivos|razones)|preocupaciones?|"
    r"riesgos?|perché|poiché|a causa|per motivi|preoccupazioni|rischi)\b|때문|우려|이유|위해|"
    r"因为|由于|担心|担忧|出于|ため|懸念|理由", _I)

_LATIN = "A-Za-zÀ-ÖØ-öø-ÿ0-9"
_NAME = re.compile(  # Latin script only: a Korean particle may stick to "GPU를"
    rf"(?<![{_LATIN}-])[A-ZÀ-ÖØ-Þ](?:[{_LATIN}'’.-]*[{_LATIN}])?(?![{_LATIN}-])", re.U)
_DIGITS = re.compile(r"\d+(?:[.,\u00a0\u202f ]\d{3}(?!\d))*(?:[.,]\d+)?", re.U)
_WORD = re.compile(r"\w{4,}", re.U)
_STOP = {
    "what", "which", "when", "where", "does", "have", "with", "that", "this", "from", "about",
    "their", "they", "them", "there", "were", "been", "into", "after", "before", "will",
    "would", "could", "should", "than", "then", "also", "most", "more", "many", "much",
    "quel", "quelle", "quels", "quelles", "pour", "dans", "avec", "sont", "cette", "elle",
    "leur", "leurs", "était", "avait", "après", "avant", "comment", "pourquoi", "combien",
    "welche", "welcher", "welches", "nach", "über", "sich", "dass", "wurde", "wurden", "haben",
    "eine", "einen", "einer", "für", "cuál", "cuáles", "cómo", "para", "sobre", "entre",
    "desde", "según", "quale", "quali", "sono", "della", "delle", "degli", "nella",
}
_SENTENCE_START_WORDS = {
    "what", "which", "who", "whom", "whose", "when", "where", "why", "how", "did", "does", "do",
    "is", "are", "was", "were", "can", "has", "have", "will", "the", "a", "an", "in", "on",
    "qui", "que", "quel", "quelle", "quels", "quelles", "quand", "où", "pourquoi", "comment",
    "combien", "le", "la", "les", "un", "une", "en", "est-ce", "wer", "wann", "wo",
    "warum", "wie", "welche", "welcher", "welches", "der", "die", "das", "hat", "ist", "qué",
    "quién", "cuándo", "dónde", "por", "cómo", "cuál", "cuánto", "cuántos", "el", "los",
    "las", "chi", "cosa", "quando", "dove", "perché", "come", "quale", "il", "lo",
    # a time word before a year ("Après 1969", "Since 2020") starts a phrase, not a name
    "after", "before", "since", "until", "from", "during", "around", "between", "apres",
    "après", "avant", "depuis", "vers", "pendant", "durant", "jusqu'en", "entre", "nach", "vor",
    "seit", "bis", "ab", "während", "wahrend", "zwischen", "desde", "antes", "despues",
    "después", "hasta", "durante", "dopo", "prima", "dal", "fino", "tra", "fra",
}


def fold(text: str) -> str:
    """Case, accents and spacing folded, so "Corée" ~ "coree" and "10 000" ~ "10000"."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return text.casefold()


def names(text: str) -> set[str]:
    """Capitalised words and acronyms ("DeepSeek", "GPT-5", "NYT"), folded; the first word of
    a sentence only when it is not an ordinary question or article word."""
    out = set()
    for match in _NAME.finditer(text):
        word = re.sub(r"['’]s$", "", match.group()).rstrip(".'’")
        if len(word) < 2:
            continue
        if fold(word) in _SENTENCE_START_WORDS or _CALENDAR.match(word):
            continue
        before = text[:match.start()].rstrip(" \"'«“(¿¡-—")
        opening = not before or before.endswith((".", "!", "?", "…", ":", "\n"))
        if opening and word[1:].islower():
            continue  # "Nouvelle démonstration…": capitalised because it opens the sentence
        out.add(fold(word))
    return out


def digits(text: str) -> set[str]:
    """Numbers with their separators removed: "10 000", "10,000" and "10000" are one;
    "5,8" and "5.8" too."""
    out = set()
    for match in _DIGITS.finditer(text):
        raw = match.group()
        for sep in (" ", "\u00a0", "\u202f"):
            raw = raw.replace(sep, "")
        # "1,000" and "1.000" group thousands; "5,8" and "3.5" are decimals: keep those
        if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", raw):
            raw = re.sub(r"[.,]", "", raw)
        out.add(raw.replace(",", "."))
    return out


_MONTH_NUMBER = {
    name: i for i, names in enumerate((
        "january jan janvier januar jänner enero gennaio",
        "february feb février fevrier februar febrero febbraio",
        "march mar mars märz marzo",
        "april apr avril abril aprile",
        "may mai mayo maggio",
        "june jun juin juni junio giugno",
        "july jul juillet juli julio luglio",
        "august aug août aout agosto",
        "september sept sep septembre septiembre setiembre settembre",
        "october oct octobre oktober octubre ottobre",
        "november nov novembre noviembre",
        "december dec décembre decembre dezember diciembre dicembre"), 1)
    for name in names.split()}
_MONTH_YEAR = re.compile(
    rf"\b({'|'.join(sorted(_MONTH_NUMBER, key=len, reverse=True))})\.?(?:\s+de)?\s+"
    r"((?:19|20)\d\d)\b|((?:19|20)\d\d)\s*(?:년|年)\s*(1[0-2]|[1-9])\s*(?:월|月)", _I)


def month_years(text: str) -> dict[str, int]:
    """The months a text names with their year: {"2024": 3} for "in March 2024" or
    "2024년 3월" — a month pins a fact down closer than its year."""
    out: dict[str, int] = {}
    for m in _MONTH_YEAR.finditer(text):
        if m.group(1):
            out[m.group(2)] = _MONTH_NUMBER[m.group(1).casefold()]
        else:
            out[m.group(3)] = int(m.group(4))
    return out


def is_year(number: str) -> bool:
    return bool(re.fullmatch(r"(?:19|20)\d\d", number))


def is_specific(number: str) -> bool:
    """"600" or "10000" pins a fact down; "3" or "27" is too common to check."""
    return len(number.split(".")[0]) >= 3


def words(text: str) -> set[str]:
    return {w for w in (fold(m.group()) for m in _WORD.finditer(text)) if w not in _STOP}


_PERSON = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-ZÀ-Þ][a-zà-ÿ]+(?:[ -][A-ZÀ-Þ][a-zà-ÿ]+)+\b")
_PLACE = re.compile(
    r"\b(?:in|at|from|à|au|aux|en|dans|in|im|nach|aus|en|desde|a|di|da)\s+[A-ZÀ-Þ][\w-]+", re.U)


def has_person(sentence: str, question_names: set[str]) -> bool:
    """Two capitalised words in a row that the question does not hold: "Mira Murati"."""
    return any(not (names(m.group()) & question_names) for m in _PERSON.finditer(sentence))


def has_place(sentence: str, question_names: set[str]) -> bool:
    return any(not (names(m.group()) & question_names) for m in _PLACE.finditer(sentence))


def has_new_number(sentence: str, question_digits: set[str]) -> bool:
    return any(not is_year(d) and d not in question_digits for d in digits(sentence))


def has_new_name(sentence: str, question_names: set[str]) -> bool:
    """A name the question does not already hold: the answer to "who" usually is one."""
    return bool(names(sentence) - question_names)


def overlap(needles: set[str], haystack: set[str]) -> float:
    if not needles:
        return 0.0
    hits = sum(1 for n in needles if any(h.startswith(n) or n.startswith(h) for h in haystack
                                         if min(len(h), len(n)) >= 3))
    return hits / len(needles)


# Names that change between the Latin-script languages we serve; anything else
# ("DeepSeek", "Clearview", "Texas") is written the same way in all of them.
_ALIASES: list[set[str]] = [
    {"korea", "korean", "coree", "coreen", "coreenne", "sud-coreen", "sud-coreenne", "corea",
     "coreano", "coreana", "koreanisch", "koreanische", "sudkorea", "südkorea"},
    {"us", "usa", "u.s", "america", "american", "americans", "united", "states", "etats-unis",
     "americain", "americaine", "vereinigte", "staaten", "amerikanisch", "amerikanische",
     "estados", "unidos", "estadounidense", "stati", "uniti", "statunitense", "americano"},
    {"uk", "britain", "british", "kingdom", "royaume-uni", "britannique", "grossbritannien",
     "großbritannien", "britisch", "britische", "reino", "unido", "britanico", "britanica",
     "regno", "unito", "britannico"},
    {"germany", "german", "allemagne", "allemand", "allemande", "deutschland", "deutsch",
     "deutsche", "deutschen", "alemania", "aleman", "alemana", "germania", "tedesco", "tedesca"},
    {"spain", "spanish", "espagne", "espagnol", "espagnole", "spanien", "spanisch", "spanische",
     "espana", "espanol", "espanola", "spagna", "spagnolo", "spagnola"},
    {"italy", "italian", "italie", "italien", "italienne", "italia", "italiano", "italiana",
     "italienisch", "italienische"},
    {"france", "french", "francais", "francaise", "frankreich", "franzosisch", "französisch",
     "francia", "frances", "francesa", "francese"},
    {"china", "chinese", "chine", "chinois", "chinoise", "chinesisch", "chinesische", "chino",
     "cina", "cinese"},
    {"japan", "japanese", "japon", "japonais", "japonaise", "japanisch", "japanische",
     "japones", "japonesa", "giappone", "giapponese"},
    {"europe", "european", "eu", "ue", "europeen", "europeenne", "europa", "europaisch",
     "europäisch", "europaische", "europeo", "europea"},
    {"australia", "australian", "australie", "australien", "australienne", "australiano"},
    {"india", "indian", "inde", "indien", "indienne", "indiano", "indisch"},
    {"netherlands", "dutch", "pays-bas", "neerlandais", "niederlande", "niederlandisch",
     "paises", "bajos", "olanda", "olandese"},
    {"switzerland", "swiss", "suisse", "schweiz", "schweizer", "suiza", "suizo", "svizzera",
     "svizzero"},
]
_ALIAS_OF = {word: group for group in _ALIASES for word in group}
_TOKEN = re.compile(r"[^\W_]+(?:[-.'’][^\W_]+)*", re.U)
_LATIN_LETTER = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ]")
NEAR_NAME = 0.75  # how alike two spellings of a name must be (difflib ratio)


def _shared_stem(a: str, b: str) -> bool:
    """"taiwan" ~ "taiwanese", "korea" ~ "koreans": a common start of all but a short ending."""
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    if any(c.isdigit() for c in a + b):
        return False  # "gpt-4" is not "gpt-5"
    return n >= max(5, min(len(a), len(b)) - 2)


def tokens(text: str) -> set[str]:
    return {m.group() for m in _TOKEN.finditer(fold(text))}


@dataclass(frozen=True)
class Text:
    """An article's text read once for name look-ups: folded, its words, their stems."""

    folded: str
    words: frozenset[str]
    stems: dict[str, frozenset[str]]  # first five letters → the words that start so
    initials: dict[str, frozenset[str]]  # first letter → the longer words that start so
    digits: frozenset[str]
    latin: bool


@lru_cache(maxsize=512)
def read(text: str) -> Text:
    """Cached: the same articles lead answer after answer."""
    folded = fold(text)
    words = frozenset(m.group() for m in _TOKEN.finditer(folded))
    stems: dict[str, set[str]] = {}
    initials: dict[str, set[str]] = {}
    for word in words:
        if len(word) >= 5 and not any(c.isdigit() for c in word):
            stems.setdefault(word[:5], set()).add(word)
            initials.setdefault(word[0], set()).add(word)
    return Text(folded, words, {k: frozenset(v) for k, v in stems.items()},
                {k: frozenset(v) for k, v in initials.items()},
                frozenset(digits(text)), is_latin(text))


def is_latin(text: str) -> bool:
    """Mostly Latin letters: names can be looked up literally in it."""
    sample = text[:2000]
    letters = sum(1 for c in sample if c.isalpha())
    return bool(letters) and len(_LATIN_LETTER.findall(sample)) / letters > 0.6


def _near(name: str, text: Text) -> bool:
    """A misspelt or transliterated name: "Mitterand" for "Mitterrand", "Tokyo" for "Tokio",
    "Warsaw" for "Warschau" — long words that start alike and differ little."""
    if len(name) < 5 or any(c.isdigit() for c in name):
        return False
    for word in text.initials.get(name[0], ()):
        if abs(len(word) - len(name)) <= 3 and \
                SequenceMatcher(None, name, word).ratio() >= NEAR_NAME:
            return True
    return False


def found(name: str, text: Text) -> bool:
    """A question's name in an article: the word itself, a longer form ("Korea" →
    "Korean"), a hyphen or space variant ("GPT-5" = "GPT 5"), or a translation."""
    if " " not in name and any(_shared_stem(name, w) for w in text.stems.get(name[:5], ())):
        return True
    if " " not in name and _near(name, text):
        return True
    variants = {name, name.replace("-", " "), name.replace("-", ""), name.replace(" ", "-")}
    # Latin-only edges: "DeepSeek-V3模型" holds "deepseek-v3"
    if any(re.search(rf"(?<![a-z0-9]){re.escape(v)}(?![a-z0-9])", text.folded)
           for v in variants):
        return True
    group = _ALIAS_OF.get(name)
    return bool(group and group & text.words)


_VERSION = re.compile(rf"\b(?!(?:{_MONTHS})\b)[A-Z][\w.-]*?[ -]?\d+(?:\.\d+)?[a-z]?\b", re.I)
# CamelCase or dotted: DeepSeek, OpenAI, TikTok, Character.AI
_DISTINCT = re.compile(r"\b(?:[A-Z][a-z]+[A-Z]\w*|\w+\.[A-Za-z]{2,})\b")
_DOMAIN = {"ai", "ia", "ki", "artificial", "intelligence", "intelligenza", "inteligencia"}
_ACRONYM = re.compile(r"\b[A-Z]{2,}s?\b")
_QUOTED = re.compile(r"[“\"«„]\s*([^”\"»“]{3,80}?)\s*[”\"»“]")


def quoted(question: str) -> list[str]:
    """Titles a question quotes: “Operation AI Comply”. A single lower-case word in quotes is
    only stressed ("victime"), not a title."""
    return [fold(m.group(1)) for m in _QUOTED.finditer(question)
            if " " in m.group(1).strip() or any(c.isupper() for c in m.group(1))]


def question_names(question: str, language: str = "") -> dict[str, str]:
    """Each name of a question with its kind: version ("GPT-5", "Llama 5": must be there),
    distinct (CamelCase: spelled alike in every Latin-script language), acronym (kept in
    Latin letters even in Korean or Chinese news, but translatable: "CEO" is "PDG") or
    plain (a translation may change it). A German question's capitalised nouns are not
    names, unless they are names we know in other languages ("Schweiz")."""
    out: dict[str, str] = {title: "quoted" for title in quoted(question)}
    for match in _VERSION.finditer(question):
        head = re.split(r"[ \d-]", fold(match.group()))[0]
        if match.group()[0].isupper() and len(head) > 2 and head not in _SENTENCE_START_WORDS:
            # "WWDC 2019" names one edition; "En 2005", "Au 20", "Après 1969" name none
            out[fold(match.group())] = "version"
    parts = {p for v in out for p in re.split(r"[ -]", v)}
    distinct = {fold(m.group()) for m in _DISTINCT.finditer(question)}
    # a lower-case s is a plural ("GPUs"); a capital one is part of the acronym ("SAOS", "PS")
    acronyms = {fold(m.group().removesuffix("s")) for m in _ACRONYM.finditer(question)}
    folded = fold(question)
    # in the order the question says them, so what is reported first does not depend on hashing
    for name in sorted(names(question), key=lambda n: (folded.find(n), n)):
        if name.isdigit() or name in parts or any(name.startswith(v) for v in out):
            continue
        if name in _DOMAIN:
            continue  # every article of an AI-news corpus says it
        if name in distinct:
            out[name] = "distinct"
        elif name in acronyms:
            out[name] = "acronym"
        elif name.removesuffix("s") in acronyms:
            out[name.removesuffix("s")] = "acronym"
        elif language != "de" or name in _ALIAS_OF:
            out[name] = "plain"
    return out
