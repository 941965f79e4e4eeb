"""A follow-up made whole: "and what did Germany do?" after "why did Italy block DeepSeek?"
is asked as "what did Germany do? (DeepSeek)".

Searching with the whole thread glued together found the thread's first article again (Italy's
block), and the reader, given the bare follow-up, had no subject to read for. The thread's
subject is its names that the follow-up does not replace: names that identify a thing
(CamelCase, acronyms, versions: DeepSeek, GPT-5, EU) carry over; the ordinary ones (Italy,
Korea) carry over only when the follow-up names nothing of its own, since a follow-up that
names a place or a person is usually asking the same of another.
"""

from __future__ import annotations

import re

from bot import cues

# words that open a follow-up and mean nothing once it stands alone
_OPENING = re.compile(
    r"^\s*(?:and|also|so|then|et|puis|und|auch|y|e|ed|그리고|또|그럼|那么|那|还有|それで|では)"
    r"\b[\s,]*", re.I)
_CARRIED = ("distinct", "acronym", "version", "quoted")


def _spelled(name: str, text: str) -> str:
    """The name as the earlier question wrote it (cues folds case and accents). Folding keeps
    a Latin text's length but not a Korean one's (Hangul decomposes): there, and for the odd
    "ß", the folded name is used."""
    plain = re.search(re.escape(name), text, re.I)
    if plain:
        return plain.group()
    folded = cues.fold(text)
    at = folded.find(name)
    if at < 0 or len(folded) != len(text):
        return name
    return text[at:at + len(name)]


def resolve(question: str, context: list[str], language: str = "") -> str:
    """The follow-up with the subject it leaves out; unchanged when it has nothing to carry."""
    if not context:
        return question
    own = cues.question_names(question, language)
    own_folded = set(own) | cues.names(question)
    for earlier in reversed(context):  # the latest question that named something
        theirs = cues.question_names(earlier, language)
        if theirs:
            break
    else:
        return question
    carried = [name for name, kind in theirs.items() if name not in own_folded and
               (kind in _CARRIED or not own)]
    spelled = [_spelled(name, earlier) for name in carried]
    # the year that pins the subject ("the 2024 Nobel") unless the follow-up names its own
    if not any(cues.is_year(d) for d in cues.digits(question)):
        spelled += [d for d in cues.digits(earlier) if cues.is_year(d) and
                    not any(d in name for name in spelled)]
    if not spelled:
        return question
    spelled.sort(key=lambda name: (earlier.find(name) % (len(earlier) + 1), name))
    core = _OPENING.sub("", question).strip()
    core = core[:1].upper() + core[1:] if core[:1].islower() else core
    return f"{core} ({', '.join(spelled)})"
