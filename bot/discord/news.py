"""What the news desk shows and when: a story's post, a digest, the schedule, back-fill.

Pure pieces the news cog (bot/discord/cogs/news.py) puts together, kept apart from Discord's
calls so each is read (and tested) on its own. Article text is quoted verbatim in its own
language; only the bot's own words ("also:", the button) follow the guild's locale.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import discord

from bot.discord.news_storage import Digest, Every
from bot.discord.render import _BRACKET, COLOUR, _link, clip, escape
from bot.messages import say
from bot.stories import Story, StoryArticle
from corpus.errors import NewsdeskError
from corpus.registry import Source

_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
DIGEST_LINES = 10
PERIOD = {"daily": timedelta(days=1), "weekly": timedelta(days=7)}
WEEKLY_DAY = 0  # a weekly digest goes out on Mondays


class NewsError(NewsdeskError):
    pass


# -- a story's post -----------------------------------------------------------------------
def lead_article(story: Story) -> StoryArticle:
    """The article the headline is the title of (the earliest when none is)."""
    return next((a for a in story.articles if a.title == story.headline), story.articles[0])


def also_line(story: Story, lead: StoryArticle) -> str:
    """Every other outlet with its languages, in the order they reported: `Heise (de)`."""
    seen: dict[str, list[str]] = {}
    for a in story.articles:
        if a.article_id == lead.article_id:
            continue
        languages = seen.setdefault(a.outlet or "?", [])
        if a.language and a.language not in languages:
            languages.append(a.language)
    shown = [(outlet, langs) for outlet, langs in seen.items()
             if not (outlet == lead.outlet and set(langs) <= {lead.language})]
    return ", ".join(f"{escape(clip(o, 60))} ({', '.join(ls)})" if ls else escape(clip(o, 60))
                     for o, ls in shown)


def story_embed(story: Story, language: str) -> discord.Embed:
    """Headline linked to its article, outlet · date · language, the verbatim sentence, and
    the other outlets that reported it."""
    lead = lead_article(story)
    embed = discord.Embed(title=clip(story.headline or lead.article_id, 256),
                          url=_link(lead.url), colour=COLOUR)
    meta = " · ".join(x for x in (clip(escape(lead.outlet), 60), str(lead.published or ""),
                                  lead.language) if x)
    lines = [meta]
    if story.sentence is not None:
        lines.append("> “" + escape(story.sentence.text).replace("\n", "\n> ") + "”")
    also = also_line(story, lead)
    if also:
        lines.append(f"{say('news_also', language)} {also}")
    embed.description = clip("\n".join(lines), 4000)
    return embed


# -- digests ------------------------------------------------------------------------------
def read_time(text: str) -> str:
    """"9:05" → "09:05"; NewsError for anything else."""
    match = _HHMM.match(text.strip())
    if not match:
        raise NewsError(f"cannot read the time {text.strip()[:20]!r}: give it as HH:MM, "
                        "e.g. 09:00 or 18:30")
    return f"{int(match[1]):02d}:{match[2]}"


def zone(name: str) -> tzinfo:
    """A time zone by its IANA name (Europe/Paris); NewsError names an example if unknown."""
    if name.strip().upper() in ("UTC", "Z", ""):
        return UTC
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise NewsError(f"unknown time zone {name.strip()[:40]!r}: give an IANA name like "
                        "Europe/Paris, Asia/Seoul or UTC") from None


def last_due(every: Every, at: str, timezone: str, now: datetime) -> datetime:
    """The latest scheduled time at or before `now`: today's (or the last Monday's) HH:MM in
    the digest's time zone, which a DST change moves with the wall clock."""
    local = now.astimezone(zone(timezone))
    hour, minute = (int(x) for x in at.split(":"))
    due = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if due > local:
        due -= timedelta(days=1)
    if every == "weekly":
        due -= timedelta(days=(due.weekday() - WEEKLY_DAY) % 7)
    return due


def is_due(digest: Digest, now: datetime) -> datetime | None:
    """The scheduled time to post now, if any: the latest one, once. A digest whose time
    passed while the bot was down is still due while its period lasts; an older one is
    not (its period is over, the next digest covers its stories)."""
    due = last_due(digest.every, digest.at, digest.timezone, now)
    if digest.last_due is not None and due.timestamp() <= digest.last_due + 0.5:
        return None
    return due


def period_start(every: Every, due: datetime) -> date:
    return (due - PERIOD[every]).date()


def story_line(story: Story) -> str:
    lead = lead_article(story)
    title = _BRACKET.sub(r"\\\1", escape(clip(story.headline or lead.article_id, 120)))
    url = _link(lead.url)
    head = f"[{title}]({url})" if url else f"**{title}**"
    outlets = ", ".join(clip(escape(o), 40) for o in story.outlets[:4])
    more = f" +{len(story.outlets) - 4}" if len(story.outlets) > 4 else ""
    return f"• {head} — {outlets}{more} · {'/'.join(story.languages)}"


def digest_stories(stories: Iterable[Story], folded: Iterable[Story]) -> list[Story]:
    """The period's stories and those the cap folded in, each once (a folded story shares
    an article with its grown self), most covered first."""
    out: list[Story] = []
    covered: set[str] = set()
    for story in [*stories, *folded]:
        ids = {a.article_id for a in story.articles}
        if ids & covered:
            continue
        covered |= ids
        out.append(story)
    return sorted(out, key=lambda s: (-len(s.outlets), -len(s.articles),
                                      -(s.newest or date.min).toordinal(), s.key))


def digest_embed(stories: list[Story], every: Every, since: date, language: str
                 ) -> discord.Embed:
    title = say(f"news_digest_{every}", language, since=since.isoformat())
    lines = [story_line(s) for s in stories[:DIGEST_LINES]]
    text = "\n".join(lines) or say("news_digest_empty", language)
    return discord.Embed(title=title, description=clip(text, 4000), colour=COLOUR)


# -- back-fill ----------------------------------------------------------------------------
def backfill(published: date | None, listing: set[str], sources: dict[str, Source],
             new_sources: set[str]) -> bool:
    """An article a source held when it was added, which nobody wants posted as news: every
    source listing it is new to the news desk this round (its first fetch, the back-fill),
    or it was published before the day each listing source was added (a feed revealing an
    old item later). Articles ingested by hand (no source) are never back-fill."""
    listed = [sources[s] for s in listing if s in sources]
    if not listed:
        return False
    if all(s.id in new_sources for s in listed):
        return True
    if published is None:
        return False
    return all(published < datetime.fromtimestamp(s.added_at, UTC).date() for s in listed)
