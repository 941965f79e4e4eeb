"""Numbers, dates and amounts a written sentence states, checked against the passages it cites.

A sentence close in meaning to a passage can still get the one thing a member
acts on wrong: "17 March" for "17 février", "$600 million" for "600 millions
d'euros", "6 billion" for "600 millions". Embeddings barely see those
differences, so they are read off the text and compared after normalising
what languages write differently: digit grouping (`bot.cues.digits`), month
and weekday names, scale words ("millions", "Milliarden", "억") and currencies.
A fact that cannot be found is a reason to drop the sentence, never to fix it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot import cues

_I = re.I | re.U

_MONTH_NAMES: dict[int, tuple[str, ...]] = {
    1: ("january", "jan", "janvier", "januar", "jänner", "enero", "gennaio"),
    2: ("february", "feb", "février", "fevrier", "februar", "febrero", "febbraio"),
    3: ("march", "mars", "märz", "marzo"),
    4: ("april", "apr", "avril", "abril", "aprile"),
    5: ("may", "mai", "mayo", "maggio"),
    6: ("june", "jun", "juin", "juni", "junio", "giugno"),
    7: ("july", "jul", "juillet", "juli", "julio", "luglio"),
    8: ("august", "aug", "août", "aout", "agosto"),
    9: ("september", "sept", "sep", "septembre", "septiembre", "setiembre", "settembre"),
    10: ("october", "oct", "octobre", "oktober", "octubre", "ottobre"),
    11: ("november", "nov", "novembre", "noviembre"),
    12: ("december", "dec", "décembre", "decembre", "dezember", "diciembre", "dicembre"),
}
_WEEKDAY_NAMES: dict[int, tuple[str, ...]] = {
    1: ("monday", "lundi", "montag", "lunes", "lunedì", "lunedi"),
    2: ("tuesday", "mardi", "dienstag", "martes", "martedì", "martedi"),
    3: ("wednesday", "mercredi", "mittwoch", "miércoles", "miercoles", "mercoledì", "mercoledi"),
    4: ("thursday", "jeudi", "donnerstag", "jueves", "giovedì", "giovedi"),
    5: ("friday", "vendredi", "freitag", "viernes", "venerdì", "venerdi"),
    6: ("saturday", "samedi", "samstag", "sábado", "sabado", "sabato"),
    7: ("sunday", "dimanche", "sonntag", "domingo", "domenica"),
}
_MONTH = {name: n for n, names in _MONTH_NAMES.items() for name in names}
_WEEKDAY = {name: n for n, names in _WEEKDAY_NAMES.items() for name in names}
_CJK_WEEKDAY = {c: i for i, c in enumerate("月火水木金土日", 1)} | \
    {c: i for i, c in enumerate("월화수목금토일", 1)} | \
    {c: i for i, c in enumerate("一二三四五六日", 1)} | {"天": 7}


def _alternation(words: object) -> str:
    return "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))


_MONTHS = _alternation(_MONTH)
# alone, these are as often not a month: "may widen", "a mission to Mars", "sept ans", "Jan"
_AMBIGUOUS = {"may", "march", "mars", "sept", "august"} | {w for w in _MONTH if len(w) == 3}
_DAY = r"(?P<d>[0-3]?\d)"
_DATES = [
    re.compile(rf"\b{_DAY}(?:er|e|\.|st|nd|rd|th)?\s+(?:de\s+)?(?P<mon>{_MONTHS})\b\.?"
               rf"(?:\s+(?:de\s+)?(?P<y>(?:19|20)\d\d)\b)?", _I),
    re.compile(rf"\b(?P<mon>{_MONTHS})\b\.?\s+{_DAY}(?:st|nd|rd|th)?\b(?!\d)"
               rf"(?:,?\s+(?P<y>(?:19|20)\d\d)\b)?", _I),
    re.compile(r"(?:(?P<y>\d{4})\s*[年년]\s*)?(?P<m>[01]?\d)\s*[月월](?!\s*[요曜])"
               r"(?:\s*(?P<d>[0-3]?\d)\s*[日일])?"),
    re.compile(r"\b(?P<y>(?:19|20)\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)\b"),
    re.compile(r"\b(?P<d>[0-3]?\d)[./](?P<m>[01]?\d)[./](?P<y>(?:19|20)?\d\d)\b"),
    re.compile(r"(?<!\d)(?P<d>[0-3]?\d)\s*[日일](?!\s*[요曜本])"),
    re.compile(rf"\b(?P<mon>{_alternation(set(_MONTH) - _AMBIGUOUS)})\b", _I),
]
_WEEKDAYS = re.compile(rf"\b(?P<w>{_alternation(_WEEKDAY)})\b|(?P<cjk>[月火水木金土日])曜|"
                       r"(?P<ko>[월화수목금토일])요일|(?:星期|周|週|礼拜)(?P<zh>[一二三四五六日天])",
                       _I)

_SCALE_WORDS = {
    "thousand": 1e3, "thousands": 1e3, "tausend": 1e3, "mille": 1e3, "mila": 1e3, "mil": 1e3,
    "million": 1e6, "millions": 1e6, "millionen": 1e6, "millón": 1e6, "millon": 1e6,
    "millones": 1e6, "milione": 1e6, "milioni": 1e6, "mio": 1e6, "mn": 1e6, "m": 1e6,
    "milliard": 1e9, "milliards": 1e9, "milliarde": 1e9, "milliarden": 1e9, "miliardo": 1e9,
    "miliardi": 1e9, "mil millones": 1e9, "mrd": 1e9, "md": 1e9, "bn": 1e9, "b": 1e9,
    "billion": 1e9, "billions": 1e9, "billón": 1e12, "billon": 1e12, "billones": 1e12,
    "trillion": 1e12, "trillions": 1e12, "billionen": 1e12, "billiarde": 1e15,
    "billiarden": 1e15,
}
_LONG_SCALE = {"fr", "de", "es", "it", "nl", "pt", "pl"}  # "billion" = 10^12 there
_CJK_UNITS = {"万": 1e4, "萬": 1e4, "만": 1e4, "億": 1e8, "亿": 1e8, "억": 1e8, "兆": 1e12,
              "조": 1e12, "万亿": 1e12, "萬億": 1e12}
_CJK_FACTORS = {"十": 10, "百": 100, "千": 1e3, "십": 10, "백": 100, "천": 1e3}
_NUMBER = r"\d+(?:[.,\u00a0\u202f ]\d+)*"
_QUANTITY = re.compile(
    rf"(?P<num>{_NUMBER})\s*(?:(?P<word>{_alternation(_SCALE_WORDS)})\b\.?|"
    rf"(?P<factor>[十百千십백천])?(?P<unit>{_alternation(_CJK_UNITS)})|(?P<bare>[千천]))", _I)
# "3조 3400억", "1億5000万": one amount written in several units, largest first
_CJK_GROUP = rf"{_NUMBER}\s*[十百千십백천]?(?:{_alternation(_CJK_UNITS)})"
_CJK_COMPOUND = re.compile(rf"{_CJK_GROUP}(?:\s*{_CJK_GROUP})+")

_CURRENCIES: list[tuple[str, re.Pattern[str]]] = [
    # Korean and Japanese names count only after a number: "이유로" is "for the reason"
    ("EUR", re.compile(r"€|\beur(?:o|os)?\b|[\d만억조천万億]\s*(?:유로|ユーロ)|欧元|歐元", _I)),
    ("USD", re.compile(r"\$|\bus[d$]\b|\bdollars?\b|\bdólar(?:es)?\b|\bdollar[io]\b|"
                       r"[\d만억조천万億]\s*(?:달러|ドル)|美元", _I)),
    ("GBP", re.compile(r"£|\bgbp\b|\bpounds? sterling\b|\blivres? sterling\b|\bsterlina\b",
                       _I)),
    ("JPY", re.compile(r"\byen\b|[\d万億兆千]\s*円|[\d만억조천]\s*엔|日元", _I)),
    ("CNY", re.compile(r"\byuan\b|\brmb\b|人民币|[\d万億亿兆千百]\s*元", _I)),
    ("¥", re.compile(r"¥")),  # yen or yuan: a passage in either currency offers it
    ("KRW", re.compile(r"₩|\bkrw\b|(?:\d|\bmillions?|\bbillions?|\btrillions?)\s*won\b|"
                       r"(?<=[\d만억조천])\s*원", _I)),
]


@dataclass
class Facts:
    """What a text states that must match exactly: dates, amounts, other numbers."""

    dates: set[tuple[int | str, ...]] = field(default_factory=set)
    amounts: set[float] = field(default_factory=set)
    numbers: set[str] = field(default_factory=set)
    currencies: set[str] = field(default_factory=set)


def _blank(text: str, start: int, end: int) -> str:
    return text[:start] + " " * (end - start) + text[end:]


def _date_facts(match: re.Match[str]) -> tuple[set[tuple[int | str, ...]], str | None]:
    """Every fact a date mention holds (a passage offers them all), and its year."""
    groups = match.groupdict()
    month = _MONTH.get(groups["mon"].casefold()) if groups.get("mon") else \
        int(groups["m"]) if groups.get("m") else None
    day = int(groups["d"]) if groups.get("d") else None
    if not 1 <= (month or 1) <= 12 or not 1 <= (day or 1) <= 31:
        return set(), None
    facts: set[tuple[int | str, ...]] = set()
    if month and day:
        facts.add(("day of month", month, day))
    if month:
        facts.add(("month", month))
    if day:
        facts.add(("day", day))
    return facts, groups.get("y")


def _most_specific(facts: set[tuple[int | str, ...]]) -> set[tuple[int | str, ...]]:
    """What a sentence's date mention claims: "17 February" claims the day of the month."""
    for kind in ("day of month", "month", "day"):
        found = {f for f in facts if f[0] == kind}
        if found:
            return found
    return set()


def _dates(text: str, claimed: bool) -> tuple[set[tuple[int | str, ...]], str]:
    """Date facts of `text`, and the text with each date blanked but its year kept."""
    out: set[tuple[int | str, ...]] = set()
    for pattern in _DATES:
        for match in list(pattern.finditer(text)):
            if not match.group().strip():
                continue  # already blanked by a fuller pattern
            facts, year = _date_facts(match)
            if not facts:
                continue
            out |= _most_specific(facts) if claimed else facts
            kept = f" {year} " if year else ""
            text = _blank(text, match.start(), match.end())
            text = text[:match.start()] + kept + text[match.start() + len(kept):]
    for match in _WEEKDAYS.finditer(text):
        name = match.group("w")
        day = _WEEKDAY.get(name.casefold()) if name else \
            _CJK_WEEKDAY[match.group("cjk") or match.group("ko") or match.group("zh")]
        out.add(("weekday", day))
    return out, text


def _number(raw: str) -> float | None:
    found = cues.digits(raw)
    if len(found) != 1:
        return None
    try:
        return float(next(iter(found)))
    except ValueError:
        return None


def _scale(match: re.Match[str], language: str) -> float:
    word = match.group("word")
    if word:
        word = word.casefold().rstrip(".")
        if word in {"billion", "billions"} and language in _LONG_SCALE:
            return 1e12
        return _SCALE_WORDS[word]
    if match.group("bare"):
        return 1e3
    factor = _CJK_FACTORS.get(match.group("factor") or "", 1)
    return factor * _CJK_UNITS[match.group("unit")]


def _compounds(text: str, language: str) -> tuple[set[float], str]:
    """"3조 3400억" as one value (3.34 × 10¹²), when its units fall from left to right."""
    out: set[float] = set()
    for compound in list(_CJK_COMPOUND.finditer(text)):
        parts = [(_number(m.group("num")), _scale(m, language))
                 for m in _QUANTITY.finditer(compound.group())]
        scales = [scale for _, scale in parts]
        if any(v is None for v, _ in parts) or scales != sorted(scales, reverse=True) or \
                len(set(scales)) != len(scales):
            continue
        out.add(round(sum(v * scale for v, scale in parts), 3))
        text = _blank(text, compound.start(), compound.end())
    return out, text


def _amounts(text: str, language: str) -> tuple[set[float], str]:
    """Scaled numbers ("600 millions", "6억") as plain values, and the text without them."""
    out, text = _compounds(text, language)
    for match in list(_QUANTITY.finditer(text)):
        word = (match.group("word") or "").casefold()
        if word in {"m", "b", "md"} and not re.search(r"[€$£¥]\s*$", text[:match.start()]):
            continue  # "5 m" is five metres unless it follows a currency sign
        value = _number(match.group("num"))
        if value is None:
            continue
        out.add(round(value * _scale(match, language), 3))
        text = _blank(text, match.start(), match.end())
    return out, text


def read(text: str, language: str = "", claimed: bool = False) -> Facts:
    """The facts of a text. `claimed`: a written sentence, which claims the most specific
    form of each date; a passage offers every coarser one too."""
    dates, rest = _dates(text, claimed)
    amounts, rest = _amounts(rest, language)
    numbers = cues.digits(rest)
    currencies = {code for code, pattern in _CURRENCIES if pattern.search(text)}
    return Facts(dates=dates, amounts=amounts, numbers=numbers, currencies=currencies)


def _plain_values(numbers: set[str]) -> set[float]:
    out = set()
    for n in numbers:
        try:
            out.add(round(float(n), 3))
        except ValueError:
            continue
    return out


def unsupported(sentence: str, language: str, passages: list[tuple[str, str]]) -> list[str]:
    """What `sentence` states that none of `passages` ((text, language) pairs) does; empty
    when every number, date, amount and currency in it is found there."""
    claim = read(sentence, language, claimed=True)
    offered = Facts()
    for text, passage_language in passages:
        facts = read(text, passage_language)
        offered.dates |= facts.dates
        offered.amounts |= facts.amounts
        offered.numbers |= cues.digits(text)  # "600" is in "600 millions" too
        offered.currencies |= facts.currencies
    if offered.currencies & {"JPY", "CNY"}:
        offered.currencies.add("¥")
    values = offered.amounts | _plain_values(offered.numbers)
    missing = [f"date {' '.join(map(str, d))}" for d in sorted(claim.dates - offered.dates,
                                                               key=str)]
    missing += [f"amount {v:g}" for v in sorted(claim.amounts) if v not in values]
    missing += [f"number {n}" for n in sorted(claim.numbers - offered.numbers)]
    missing += [f"currency {c}" for c in sorted(claim.currencies - offered.currencies)]
    return missing
