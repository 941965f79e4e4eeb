"""The news desk in Discord (issue 20): stories posted to a channel, edited as they grow, a
digest on schedule, back-fill and floods held back, restarts that post nothing twice.

Real discord.py against simcord, feeds served on 127.0.0.1, real SQLite and FAISS. Plumbing
runs on the fake embedder; a story told in two languages needs the real model's vectors to
be grouped (bot/stories.py), so those tests are marked `real_model`."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import discord
import pytest
import simcord
from conftest import FAKE_THRESHOLDS, make_bot, make_settings
from discord_fixtures import ARTICLES, write_articles
from fakes import FakeEmbedder
from feed_server import FeedServer, Story, entry, rss2
from test_discord import setup_guild

from bot.desk import SAMPLE_DIR, Desk
from bot.discord.news_storage import NewsStorage
from bot.messages import CATALOGUE, LANGUAGES, say
from corpus.language import normalise_language
from index.filters import Filters

WEB = {"allow_hosts": "127.0.0.1", "host_delay": 0.0, "fetch_timeout": 2.0,
       "fetch_deadline": 5.0}
TODAY = datetime.now(UTC).replace(hour=6, minute=0, second=0, microsecond=0)


def _story(path: str, title: str, paragraphs: list[str], site: str = "Test Wire",
           lang: str = "en") -> Story:
    return Story(path, lang, title, "By the desk", TODAY, paragraphs, summary=paragraphs[0],
                 site=site)


BRUME = _story("/brume.html", "Paris start-up Brume raises 45 million euros", [
    "Brume, a Paris start-up founded in 2022, said on Thursday it had raised 45 million euros "
    "in a round led by the Lyon fund Alto Capital.",
    "The company makes an assistant that writes up a doctor's consultation notes from the "
    "recording of the conversation; about thirty French hospitals already use it."])
BRUME_COPY = replace(BRUME, path="/partner/brume.html", site="Courrier Tech",
                     title="Brume's medical assistant wins over investors")
NORDLICHT = _story("/nordlicht.html", "Nordlicht builds a data centre in Leipzig", [
    "Munich AI company Nordlicht said on Monday it would build a data centre in Leipzig to "
    "train large language models.",
    "The plant is to open in 2027 and heat a neighbouring district with its waste heat."])
ALBA = _story("/alba.html", "Alba Robotica tests AI-guided arms in Zaragoza warehouses", [
    "Aragonese firm Alba Robotica has begun testing robot arms guided by a vision model in "
    "three logistics warehouses in Zaragoza.",
    "The robots sort 1,800 parcels an hour, the company said."])
OLD = _story("/old.html", "Sakana AI opens an office in Kyoto", [
    "Tokyo start-up Sakana AI opened a research office in Kyoto, the company said.",
    "It plans to hire twenty researchers there this year."])


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as s:
        yield s


@pytest.fixture
def face_desk(request: pytest.FixtureRequest, tmp_path: Path, fake_models: Path) -> Desk:
    """The Discord tests' news corpus (a folder source), on a desk that may fetch feeds from
    127.0.0.1 and fetches them at every poll."""
    home = tmp_path / "home"
    if request.node.get_closest_marker("real_model"):
        desk = Desk(make_settings(home, **WEB), embedder=request.getfixturevalue("embedder"))
    else:
        settings = make_settings(home, **WEB, **FAKE_THRESHOLDS).model_copy(
            update={"model_cache": fake_models})
        desk = Desk(settings, embedder=FakeEmbedder())
    write_articles(desk.settings.sources_root / "news", ARTICLES)
    desk.add_folder("news", "test", within=desk.settings.sources_root)
    desk.refresh_folders()
    desk.reindex()
    return desk


# -- helpers ------------------------------------------------------------------------------
def posts(env: simcord.Env, channel) -> list[discord.Message]:
    """The bot's story posts in the channel (those with an "Ask about this" button)."""
    return [m for m in channel.history() if m.author.id == env.bot.user.id and m.embeds
            and story_button(m)]


def story_button(message: discord.Message) -> str | None:
    return next((c.custom_id for row in message.components
                 for c in getattr(row, "children", [])
                 if (getattr(c, "custom_id", None) or "").startswith("newsdesk:story:")), None)


def assert_no_mentions(env: simcord.Env) -> None:
    """Every message the bot sent or edited disabled every mention."""
    sends = [r for r in env.http_requests if r.method in ("POST", "PATCH")
             and isinstance(r.json, dict) and ("embeds" in r.json or "content" in r.json
                                               or "data" in r.json)]
    assert sends
    for r in sends:
        payload = r.json.get("data", r.json) if r.json.get("type") != 5 else {}
        if isinstance(payload, dict) and ("embeds" in payload or "content" in payload):
            allowed = payload.get("allowed_mentions")
            assert allowed and allowed["parse"] == [] and not allowed.get("users") and \
                not allowed.get("roles"), (r.path, payload)


def serve_feed(server: FeedServer, stories: list[Story]) -> str:
    for s in stories:
        server.serve(s.path, s.page())
    return server.serve("/feed.xml", rss2("Test Wire AI", server.url("/"),
                                          [entry(server, s) for s in stories]))


async def add_feed(env: simcord.Env, desk: Desk, server: FeedServer,
                   stories: list[Story]) -> None:
    """A moderator adds a feed: it is back-filled at once and reindexed (as /sources add)."""
    import asyncio

    url = serve_feed(server, stories)
    await asyncio.to_thread(desk.add_source, url, "test")
    task = env.bot.reindexer.start("sources add", read_folders=False)
    assert task is not None
    await task


def story_label(message: discord.Message) -> str | None:
    return next((c.label for row in message.components for c in getattr(row, "children", [])
                 if (getattr(c, "custom_id", None) or "").startswith("newsdesk:story:")), None)


async def poll(env: simcord.Env) -> None:
    """The poller's next round, as its loop runs it when the feeds are due again."""
    import sqlite3

    with sqlite3.connect(env.bot.desk.registry.path) as db:
        db.execute("UPDATE sources SET last_fetch = NULL")
    await env.bot.poller()


# -- posting --------------------------------------------------------------------------------
async def test_a_polled_feeds_new_item_is_posted_once_and_its_back_fill_never(
    env: simcord.Env, face_desk: Desk, server: FeedServer
) -> None:
    _guild, channel, _, _alice, admin = setup_guild(env)
    done = await admin.slash(channel, "news channel set", channel=channel)
    assert done.ephemeral and f"<#{channel.id}>" in done.response.content
    await add_feed(env, face_desk, server, [OLD])  # published today, but the feed's back-fill
    assert posts(env, channel) == []

    serve_feed(server, [OLD, NORDLICHT])
    await poll(env)  # one scheduled round: fetch, reindex, post
    [post] = posts(env, channel)
    embed = post.embeds[0]
    assert embed.title == NORDLICHT.title and embed.url == server.url(NORDLICHT.path)
    lines = (embed.description or "").splitlines()
    assert lines[0] == f"Test Wire · {TODAY.date().isoformat()} · en"
    quote = re.sub(r"\\(.)", r"\1", lines[1].removeprefix("> “").removesuffix("”"))
    texts = [a.text for a in face_desk.catalogue.articles()]
    assert NORDLICHT.paragraphs[0] in quote and any(quote in t for t in texts)  # verbatim
    await poll(env)  # nothing new: nothing posted again
    assert len(posts(env, channel)) == 1
    assert_no_mentions(env)


async def test_a_restart_between_poll_and_post_posts_nothing_twice(
    env: simcord.Env, face_desk: Desk, server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    _guild, channel, _, _alice, admin = setup_guild(env)
    await admin.slash(channel, "news channel set", channel=channel)
    await add_feed(env, face_desk, server, [OLD])
    serve_feed(server, [OLD, NORDLICHT])
    env.bot.reindexer.listeners.clear()  # the process dies after the reindex, before posting
    await poll(env)
    assert posts(env, channel) == []

    await env.restart_bot(make_bot(face_desk))  # a start places what the last one did not
    await env.settle()
    assert [p.embeds[0].title for p in posts(env, channel)] == [NORDLICHT.title]

    # the next dies between sending and writing down that it sent: the post carries its
    # id, so the restart finds it in the channel instead of sending it again
    def died(self, post_id: int, message_id: int):
        raise RuntimeError("killed")

    monkeypatch.setattr(NewsStorage, "sent", died)
    serve_feed(server, [OLD, NORDLICHT, ALBA])
    await poll(env)
    assert [p.embeds[0].title for p in posts(env, channel)][-1] == ALBA.title
    monkeypatch.undo()
    assert [p.state for p in await NewsStorage(env.bot.storage).sending()] == ["sending"]
    await env.restart_bot(make_bot(face_desk))
    await env.settle()
    assert sorted(p.embeds[0].title for p in posts(env, channel)) == \
        sorted([NORDLICHT.title, ALBA.title])
    assert await NewsStorage(env.bot.storage).sending() == []
    await poll(env)
    assert len(posts(env, channel)) == 2
    assert_no_mentions(env)


async def test_the_hourly_cap_folds_stories_into_the_digest_most_covered_first(
    env: simcord.Env, face_desk: Desk, server: FeedServer
) -> None:
    _guild, channel, _, _alice, admin = setup_guild(env)
    await admin.slash(channel, "news channel set", channel=channel, per_hour=1)
    at = (env.now() + timedelta(minutes=3)).strftime("%H:%M")
    done = await admin.slash(channel, "news digest set", channel=channel, every="daily", at=at)
    assert f"every day at {at} (UTC)" in done.response.content
    await add_feed(env, face_desk, server, [OLD])

    # Brume's story told by two outlets (a near copy), and two stories told by one
    serve_feed(server, [OLD, NORDLICHT, ALBA, BRUME, BRUME_COPY])
    await poll(env)
    [post] = posts(env, channel)  # one an hour: the most covered goes out
    told = {BRUME.title: "Courrier Tech", BRUME_COPY.title: "Test Wire"}
    assert f"also: {told[post.embeds[0].title]} (en)" in post.embeds[0].description
    assert not [m for m in channel.history() if m.author.id == env.bot.user.id
                and m.embeds and "news since" in (m.embeds[0].title or "")]

    await env.advance_time(240)  # the digest's time
    digests = [m for m in channel.history() if m.author.id == env.bot.user.id and m.embeds
               and "news since" in (m.embeds[0].title or "")]
    assert len(digests) == 1
    lines = digests[0].embeds[0].description.splitlines()
    titles = [re.sub(r"\\(.)", r"\1", re.match(r"• \[(.+?)\]", line)[1]) for line in lines]
    assert titles[0] in told and "Courrier Tech, Test Wire" in lines[0]  # two outlets: first
    assert {NORDLICHT.title, ALBA.title} <= set(titles)  # the folded stories are in it
    await env.advance_time(3600)  # once a day, not once a minute
    assert len([m for m in channel.history() if m.embeds
                and "news since" in (m.embeds[0].title or "")]) == 1
    assert_no_mentions(env)


async def test_a_channel_the_bot_may_not_post_in_folds_its_stories_and_spares_the_others(
    env: simcord.Env, face_desk: Desk, server: FeedServer
) -> None:
    guild, channel, _, _alice, admin = setup_guild(env)
    closed = guild.create_text_channel("closed", overwrites={
        env.bot.user: discord.PermissionOverwrite(send_messages=False)})
    await admin.slash(channel, "news channel set", channel=closed)
    await admin.slash(channel, "news channel set", channel=channel)
    await add_feed(env, face_desk, server, [OLD])
    serve_feed(server, [OLD, NORDLICHT])
    await poll(env)
    assert [p.embeds[0].title for p in posts(env, channel)] == [NORDLICHT.title]
    assert posts(env, closed) == []
    storage = NewsStorage(env.bot.storage)
    assert [p.channel_id for p in await storage.folded(guild.id)] == [closed.id]
    assert await storage.sending() == []  # no round tries it again
    await poll(env)
    assert len(posts(env, channel)) == 1


async def test_pause_folds_new_stories_and_resume_posts_again(
    env: simcord.Env, face_desk: Desk, server: FeedServer
) -> None:
    guild, channel, _, alice, admin = setup_guild(env)
    await admin.slash(channel, "news channel set", channel=channel)
    refused = await alice.slash(channel, "news pause")  # /news is for members too (follow)
    assert refused.ephemeral and refused.response.content.startswith("Only moderators")
    mod = guild.add_member(env.create_user("mo"), roles=[guild.create_role(
        "mods", permissions=discord.Permissions(manage_messages=True))])
    refused = await mod.slash(channel, "news channel set", channel=channel)
    assert refused.ephemeral and refused.response.content.startswith("Only admins")
    await add_feed(env, face_desk, server, [OLD])
    paused = await mod.slash(channel, "news pause")
    assert "paused" in paused.response.content
    serve_feed(server, [OLD, NORDLICHT])
    await poll(env)
    assert posts(env, channel) == []
    folded = await NewsStorage(env.bot.storage).folded(guild.id)
    assert [p.story.headline for p in folded] == [NORDLICHT.title]
    await mod.slash(channel, "news resume")
    serve_feed(server, [OLD, NORDLICHT, ALBA])
    await poll(env)
    assert [p.embeds[0].title for p in posts(env, channel)] == [ALBA.title]


async def test_ask_about_this_answers_from_the_storys_articles_only(
    env: simcord.Env, face_desk: Desk, server: FeedServer
) -> None:
    _guild, channel, _, alice, admin = setup_guild(env)
    await admin.slash(channel, "news channel set", channel=channel)
    await admin.slash(channel, "config cooldown", seconds=0)
    await add_feed(env, face_desk, server, [OLD])
    serve_feed(server, [OLD, NORDLICHT])
    await poll(env)
    [post] = posts(env, channel)

    await env.restart_bot(make_bot(face_desk))  # the button outlives the process
    await env.settle()
    shown = await alice.click(post, custom_id=story_button(post))
    assert shown.modal is not None
    asked = await alice.submit_modal(shown, {
        shown.modal["components"][0]["components"][0]["custom_id"]:
            "What did Taiwan do about DeepSeek?"})
    embed = (asked.followups[-1] if asked.followups else asked.response).embeds[0]
    assert "Taiwan bars" not in (embed.description or "")  # not the story's: never cited
    shown = await alice.click(post, custom_id=story_button(post))
    asked = await alice.submit_modal(shown, {
        shown.modal["components"][0]["components"][0]["custom_id"]:
            "Where will Nordlicht build its data centre?"})
    reply = asked.followups[-1] if asked.followups else asked.response
    assert reply.ephemeral and NORDLICHT.title in reply.embeds[0].description
    kinds = {c["custom_id"].split(":")[1] for row in reply.components
             for c in row["components"]}
    assert kinds == {"fb", "src", "more"}  # an answer like /ask's, recorded for feedback


async def test_digest_due_while_the_bot_was_down_is_posted_once_on_start(
    env: simcord.Env, face_desk: Desk
) -> None:
    _guild, channel, _, _alice, admin = setup_guild(env)
    at = (env.now().astimezone(ZoneInfo("Europe/Paris")) + timedelta(minutes=30)
          ).strftime("%H:%M")
    await admin.slash(channel, "news digest set", channel=channel, every="daily", at=at,
                      timezone="Europe/Paris")
    cog = env.bot.get_cog("News")  # the extension's own class (discord.py loads it anew)
    assert cog is not None
    cog.digests.cancel()  # type: ignore[attr-defined]  # the bot is down…
    await env.advance_time(3600)  # …through the digest's time
    assert not [m for m in channel.history() if m.author.id == env.bot.user.id]
    await env.restart_bot(make_bot(face_desk))
    await env.settle()
    digests = [m for m in channel.history() if m.author.id == env.bot.user.id]
    assert len(digests) == 1 and "news since" in digests[0].embeds[0].title
    await env.restart_bot(make_bot(face_desk))  # once: a second start posts no other
    await env.settle()
    assert len([m for m in channel.history() if m.author.id == env.bot.user.id]) == 1


async def test_bad_digest_times_and_zones_get_one_line(env: simcord.Env) -> None:
    _guild, channel, _, _alice, admin = setup_guild(env)
    bad = await admin.slash(channel, "news digest set", channel=channel, every="daily",
                            at="25:00")
    assert bad.ephemeral and "cannot read the time '25:00'" in bad.response.content
    bad = await admin.slash(channel, "news digest set", channel=channel, every="weekly",
                            at="08:00", timezone="Mars/Olympus")
    assert bad.ephemeral and "unknown time zone 'Mars/Olympus'" in bad.response.content
    assert await NewsStorage(env.bot.storage).digests() == []


# -- stories that grow (the real model groups them) ---------------------------------------------
def sample_today(aid: str, day: date) -> tuple[str, str, str, str, str]:
    """A bundled article (corpus/sample), published `day`: (language, title, date, text,
    outlet)."""
    text = (SAMPLE_DIR / f"{aid}.md").read_text("utf-8")
    head, body = text.split("\n---\n", 1)
    meta = dict(line.split(": ", 1) for line in head.splitlines()[1:])
    return (meta["language"], meta["title"].strip('"'), day.isoformat(), body.strip(),
            meta["outlet"].strip('"'))


def write_sample(desk: Desk, aid: str, day: date) -> None:
    lang, title, published, text, outlet = sample_today(aid, day)
    folder = desk.settings.sources_root / "news"
    (folder / f"{aid}.md").write_text(
        f"---\nid: {aid}\ntitle: \"{title}\"\noutlet: \"{outlet}\"\nurl: https://example.org/"
        f"{aid}\npublished: {published}\nlanguage: {lang}\n---\n{text}\n", "utf-8")


@pytest.mark.real_model
async def test_a_second_language_report_edits_the_post_instead_of_adding_one(
    env: simcord.Env, face_desk: Desk
) -> None:
    _guild, channel, _, _alice, admin = setup_guild(env)
    await admin.slash(channel, "news channel set", channel=channel)
    french = env.create_guild(name="IA", preferred_locale="fr")  # its words and headlines
    salon = french.create_text_channel("actu")
    chef = french.add_member(env.create_user("chef"), roles=[french.create_role(
        "admins", permissions=discord.Permissions(manage_guild=True))])
    await chef.slash(salon, "news channel set", channel=salon)
    today = date.today()
    write_sample(face_desk, "en-google-gemini-2", today)
    await poll(env)
    [post] = posts(env, channel)
    assert post.embeds[0].title.startswith("Google makes Gemini 2.0 Flash")
    assert "also:" not in post.embeds[0].description

    write_sample(face_desk, "es-google-gemini-2", today + timedelta(days=1))
    write_sample(face_desk, "en-australia-deepseek-ban", today)  # another event: its own post
    await poll(env)
    gemini = [p for p in posts(env, channel) if p.id == post.id]
    assert gemini and gemini[0].embeds[0].description.endswith(
        "also: El Mirador Tecnológico (es)")
    titles = sorted(p.embeds[0].title for p in posts(env, channel))
    assert len(titles) == 2 and any("Australia" in t for t in titles), titles
    edits = [r for r in env.http_requests if r.method == "PATCH"
             and r.path.endswith(f"/messages/{post.id}")]
    assert len(edits) == 1

    # a French report dated the day before: the story's key (its earliest article) changes,
    # and each post is found by the articles it shares
    [premier] = [p for p in posts(env, salon) if p.embeds[0].title.startswith("Google makes")]
    write_sample(face_desk, "fr-google-gemini-2", today - timedelta(days=1))
    await poll(env)
    gemini = [p for p in posts(env, channel) if p.id == post.id]
    assert len(posts(env, channel)) == 2 and gemini
    assert gemini[0].embeds[0].title.startswith("Google makes Gemini 2.0 Flash")  # stays
    assert gemini[0].embeds[0].description.endswith(
        "also: Le Fil Tech (fr), El Mirador Tecnológico (es)")
    assert len([r for r in env.http_requests if r.method == "PATCH"
                and r.path.endswith(f"/messages/{post.id}")]) == 2
    [edited] = [p for p in posts(env, salon) if p.id == premier.id]
    assert len(posts(env, salon)) == 2
    assert edited.embeds[0].title.startswith("Google ouvre Gemini 2.0 Flash")  # in French now
    text = edited.embeds[0].description
    assert text.startswith("Le Fil Tech · ") and text.endswith(
        "aussi : Northbridge Tech Review (en), El Mirador Tecnológico (es)")
    assert story_label(edited) == "Poser une question"
    assert_no_mentions(env)


@pytest.mark.real_model
async def test_a_follower_gets_a_dm_for_a_matching_story_only(
    env: simcord.Env, face_desk: Desk
) -> None:
    _guild, channel, _, alice, admin = setup_guild(env)
    await admin.slash(channel, "news channel set", channel=channel)
    followed = await alice.slash(channel, "news follow", topic="DeepSeek")
    assert followed.ephemeral and "DeepSeek" in followed.response.content
    listed = await alice.slash(channel, "news following")
    assert listed.response.content == "• DeepSeek"
    today = date.today()
    write_sample(face_desk, "fr-mistral-le-chat-mobile", today)  # not about DeepSeek
    await poll(env)
    dms = [m for m in alice.user.dm_channel.history() if m.author.id == env.bot.user.id]
    assert dms == []
    write_sample(face_desk, "en-australia-deepseek-ban", today)
    await poll(env)
    dms = [m for m in alice.user.dm_channel.history() if m.author.id == env.bot.user.id]
    assert len(dms) == 1 and "Australia" in dms[0].embeds[0].title
    assert "DeepSeek" in dms[0].content
    await alice.slash(channel, "news unfollow", topic="deepseek")
    assert (await alice.slash(channel, "news following")).response.content.startswith(
        "You follow no topic")
    assert_no_mentions(env)


async def test_topics_are_followed_once_and_at_most_twenty(env: simcord.Env) -> None:
    _guild, channel, _, alice, _admin = setup_guild(env)
    await alice.slash(channel, "news follow", topic="EU  AI Act")
    again = await alice.slash(channel, "news follow", topic="eu ai act")
    assert again.ephemeral
    assert (await alice.slash(channel, "news following")).response.content == "• EU AI Act"
    for n in range(19):
        await alice.slash(channel, "news follow", topic=f"topic {n}")
    refused = await alice.slash(channel, "news follow", topic="one too many")
    assert refused.response.content.startswith("You already follow 20 topics")
    gone = await alice.slash(channel, "news unfollow", topic="@everyone")
    assert gone.response.content == "You were not following “@\u200beveryone”."


# -- words ------------------------------------------------------------------------------------
@pytest.mark.parametrize("language", LANGUAGES)
async def test_every_news_description_is_translated(env: simcord.Env, language: str) -> None:
    """/news and each of its groups, commands and options, in every catalogue language."""
    [news] = [c for c in await env.bot.tree.fetch_commands() if c.name == "news"]
    texts = {v[language] for k, v in CATALOGUE.items() if k.startswith("cmd_news")}

    def described(item) -> list[tuple[str, dict]]:
        found = [(item.description, item.description_localizations)]
        for option in getattr(item, "options", []):
            found += described(option)
        return found

    seen = described(news)
    assert len(seen) >= 20
    for english, localized in seen:
        shown = english if language == "en" else {
            normalise_language(str(k)): v for k, v in localized.items()}.get(language)
        assert shown in texts and len(shown) <= 100, (english, language, shown)
    assert say("news_ask_button", language) == CATALOGUE["news_ask_button"][language]


# -- filters ----------------------------------------------------------------------------------
def test_an_article_restriction_searches_only_those_articles(face_desk: Desk) -> None:
    question = "what did Taiwan do about DeepSeek?"
    assert face_desk.ask(question).citations[0].article_id == "tw-deepseek"
    only = Filters(articles=frozenset({"kr-deepseek", "eu-aiact"}))
    answer = face_desk.ask(question, filters=only)
    assert {c.article_id for c in answer.citations} <= {"kr-deepseek", "eu-aiact"}
    assert not face_desk.ask(question, filters=Filters(articles=frozenset())).citations
    assert only.active and Filters(articles=frozenset()).active
