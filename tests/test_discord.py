"""The Discord face, driven through real discord.py against simcord's simulated Discord.

Most tests here are about plumbing (who may do what, where the bot speaks, limits, buttons,
storage) and run on the fake embedder (tests/fakes.py); those whose point is what the
answer says across languages are marked `real_model`."""

from __future__ import annotations

import asyncio
import logging
import re
import threading

import discord
import pytest
import simcord
from conftest import make_bot
from discord_fixtures import ARTICLES, write_articles

from bot.desk import Desk
from bot.discord.client import NewsdeskBot
from bot.discord.limits import AnswerSlots
from bot.discord.views import answer_view
from bot.messages import CATALOGUE, LANGUAGES, say
from corpus.language import normalise_language
from corpus.models import Article

QUOTE = re.compile(r"“(.*?)”", re.S)
REF_LINE = re.compile(r"^• \[(.+?)\]\(\S+?\) — ", re.M)  # an article pointed to
SOURCE_LINE = re.compile(r"^\[(\d+)\] \[(.+?)\]\((\S+?)\) — (.*)$", re.M)


def quotes_of(embed: discord.Embed) -> list[str]:
    out = []
    texts = [embed.description or ""] + [f.value for f in embed.fields]
    for text in texts:
        for raw in QUOTE.findall(text):
            text = raw.replace("**", "").replace("\n> ", "\n")
            out.append(re.sub(r"\\(.)", r"\1", text))  # markdown escapes are not text
    return out


def cited(embed: discord.Embed) -> list[str]:
    """The titles of the cited articles, in [n] order, from the compact answer's lines."""
    return [re.sub(r"\\(.)", r"\1", m[1]) for m in SOURCE_LINE.findall(embed.description or "")]


def assert_verbatim(desk: Desk, embed: discord.Embed) -> None:
    texts = [a.text for a in desk.catalogue.articles()]
    quotes = quotes_of(embed)
    assert quotes, embed.to_dict()
    for q in quotes:
        assert any(q in t for t in texts), q


def setup_guild(env: simcord.Env, name: str = "AI news"):
    guild = env.create_guild(name=name)
    channel = guild.create_text_channel("news")
    quiet = guild.create_text_channel("off-topic")
    alice = guild.add_member(env.create_user("alice"))
    admin_role = guild.create_role("admins", permissions=discord.Permissions(manage_guild=True))
    admin = guild.add_member(env.create_user("ada"), roles=[admin_role])
    return guild, channel, quiet, alice, admin


def add_moderator(env: simcord.Env, guild):
    """A member whose role grants Manage Messages: a moderator without any configuration."""
    return guild.add_member(env.create_user("mo"), roles=[guild.create_role(
        "mods", permissions=discord.Permissions(manage_messages=True))])


def bot_answers(env: simcord.Env, channel) -> list[discord.Message]:
    """The bot's answer messages (not the "thread started" notices), oldest first."""
    return [m for m in channel.history() if m.author.id == env.bot.user.id and m.embeds]


def edit_article(desk: Desk, aid: str, text: str) -> None:
    """Change an article where it lives: its file in the folder source."""
    lang, title, date, _ = ARTICLES[aid]
    write_articles(desk.settings.sources_root / "news", {aid: (lang, title, date, text)})


def last_reply(result: simcord.InteractionResult) -> discord.Message:
    """After a defer, the first follow-up replaces the "thinking…" response."""
    message = result.followups[-1] if result.followups else result.response
    assert message is not None
    return message


def last_answer(result: simcord.InteractionResult) -> discord.Embed:
    message = result.followups[-1] if result.followups else result.response
    assert message is not None and message.embeds
    return message.embeds[0]


@pytest.mark.real_model
async def test_slash_ask_answers_with_verbatim_citations_and_a_follow_up_button(
    env: simcord.Env, face_desk: Desk
) -> None:
    _guild, channel, _, alice, _ = setup_guild(env)
    result = await alice.slash(channel, "ask", question="what did Korea do about DeepSeek")
    callbacks = [r.json for r in env.http_requests if r.path.endswith("/callback")]
    assert callbacks[0]["type"] == 5  # deferred at once: "thinking…"
    embed = last_answer(result)
    assert embed.title is None  # the question is not repeated as a title
    rest = embed.description or ""
    if not rest.startswith("[1] "):  # the reader's short answer, when it has one, leads
        short, _, rest = rest.partition("\n\n")
        assert short.startswith("**") and short.endswith("[1]")
    # the answering sentence is read once: bold in its quote, not again as a statement
    assert rest.count("suspendu") == 1 and "suspendu" in rest.split("**")[1]
    line = rest.splitlines()[0]  # [n] [Title](url) — Outlet · date · language
    assert line == ("[1] [La Corée du Sud suspend DeepSeek](https://example.org/kr-deepseek) "
                    "— Test Wire · 2025-02-17 · fr")
    assert rest.splitlines()[1].startswith("> ") and "**" in rest  # the answering one bold
    assert len(QUOTE.findall(rest)) == 1 and not embed.fields
    assert_verbatim(face_desk, embed)
    message = result.followups[-1] if result.followups else result.response
    buttons = [c for row in message.components for c in row.get("components", [])]
    assert [b["custom_id"].split(":")[1] for b in buttons] == ["fb", "fb", "src", "more",
                                                               "follow"]
    assert not channel.threads, "a thread opens only when a member follows up"


async def test_mentions_answered_only_in_enabled_channels(env: simcord.Env) -> None:
    _guild, channel, quiet, alice, admin = setup_guild(env)
    bot_id = env.bot.user.id
    await alice.send(quiet, f"<@{bot_id}> what did Taiwan do about DeepSeek?")
    assert quiet.last_message.author.id == alice.id  # default: mentions ignored everywhere

    result = await admin.slash(channel, "config channels add", channel=channel)
    assert "Answering in" in result.response.content
    sent = await alice.send(channel, f"<@{bot_id}> what did Taiwan do about DeepSeek?")
    [reply] = bot_answers(env, channel)
    assert reply.author.id == bot_id and reply.reference.message_id == sent.id
    assert cited(reply.embeds[0])[0].startswith("Taiwan bars")
    await alice.send(quiet, f"<@{bot_id}> what did Taiwan do about DeepSeek?")
    assert quiet.last_message.author.id == alice.id  # still not enabled there


async def test_mode_all_answers_questions_without_a_mention(env: simcord.Env) -> None:
    _guild, channel, _, alice, admin = setup_guild(env)
    await admin.slash(channel, "config channels add", channel=channel, mode="all")
    await alice.send(channel, "hello everyone, nice weather")
    assert channel.last_message.author.id == alice.id  # not a question: ignored
    await alice.send(channel, "When did the AI Act enter into force?")
    [reply] = bot_answers(env, channel)
    assert reply.author.id == env.bot.user.id
    assert cited(reply.embeds[0])[0].startswith("Der AI Act")


async def test_admins_switch_mode_and_remove_channels(env: simcord.Env) -> None:
    _guild, channel, _, alice, admin = setup_guild(env)
    await admin.slash(channel, "config cooldown", seconds=0)
    await admin.slash(channel, "config channels add", channel=channel)  # mode mention
    await alice.send(channel, "When did the AI Act enter into force?")
    assert not bot_answers(env, channel)  # no mention, mode mention: left alone
    await admin.slash(channel, "config mode", channel=channel, mode="all")
    await alice.send(channel, "When did the AI Act enter into force?")
    assert len(bot_answers(env, channel)) == 1
    listed = await admin.slash(channel, "config channels list")
    assert f"<#{channel.id}> — all" in listed.response.content
    await admin.slash(channel, "config channels remove", channel=channel)
    await alice.send(channel, f"<@{env.bot.user.id}> When did the AI Act enter into force?")
    assert len(bot_answers(env, channel)) == 1  # disabled: even a mention is ignored
    listed = await admin.slash(channel, "config channels list")
    assert "only answers `/ask`" in listed.response.content


async def test_moderators_manage_sources_and_read_stats(env: simcord.Env,
                                                        face_desk: Desk) -> None:
    guild, channel, _, alice, _admin = setup_guild(env)
    mod = add_moderator(env, guild)
    listed = (await mod.slash(channel, "sources list")).response.content
    assert "folder" in listed and "news" in listed

    write_articles(face_desk.settings.sources_root / "extra", {"jp-sakana": (
        "en", "Sakana AI raises funds led by Nvidia", "2024-09-04",
        "Tokyo start-up Sakana AI said on Wednesday it had raised about 30 billion yen in a "
        "funding round led by Nvidia and three large Japanese banks.")})
    before = face_desk.store.current_name()
    added = await mod.slash(channel, "sources add", location="extra")
    assert "Added folder source" in last_reply(added).content
    assert "1 articles read" in last_reply(added).content
    for _ in range(600):  # the bot reindexes in the background
        if face_desk.store.current_name() != before and not env.bot.reindexer.running:
            break
        await asyncio.sleep(0.1)
    answer = await alice.slash(channel, "ask", question="Who led Sakana AI's funding round?")
    assert "Sakana" in cited(last_answer(answer))[0]

    outside = await mod.slash(channel, "sources add", location="/etc")
    assert last_reply(outside).ephemeral
    assert len(face_desk.registry.all()) == 2  # refused, nothing registered

    stats = (await mod.slash(channel, "stats")).response.content
    articles = len(list(face_desk.catalogue.articles()))
    assert f"Articles: {articles}" in stats and "Questions today: 1" in stats

    [extra] = [s for s in face_desk.registry.all() if s.location.endswith("extra")]
    removed = await mod.slash(channel, "sources remove", source_id=extra.id)
    assert "Removed" in removed.response.content and "1 articles" in removed.response.content
    fetched = await mod.slash(channel, "sources fetch")
    assert last_reply(fetched).content.startswith("Fetched")
    audit = (await mod.slash(channel, "audit actions")).response.content
    assert "sources add" in audit and "sources remove" in audit and "sources fetch" in audit


async def test_plain_members_cannot_reindex_or_configure(env: simcord.Env) -> None:
    _guild, channel, _, alice, _ = setup_guild(env)
    visible = alice.available_commands(channel)
    assert "ask" in visible
    assert not {"reindex", "config", "sources", "audit", "stats"} & set(visible)
    with pytest.raises(simcord.SetupError):
        await alice.slash(channel, "reindex")
    with pytest.raises(simcord.SetupError):
        await alice.slash(channel, "config cooldown", seconds=0)


async def test_moderator_role_named_by_an_admin_may_reindex(
    env: simcord.Env, face_desk: Desk, caplog: pytest.LogCaptureFixture
) -> None:
    guild, channel, _, _alice, admin = setup_guild(env)
    mods = guild.create_role("mods")
    bob = guild.add_member(env.create_user("bob"), roles=[mods])
    commands = {c.name: c for c in await env.bot.tree.fetch_commands()}
    guild.set_command_permissions(commands["reindex"], {mods: True})
    refused = await bob.slash(channel, "reindex")  # Discord shows it; our check still refuses
    assert refused.ephemeral and "Only moderators" in refused.response.content
    assert refused.followups == []  # one reply, declared once in the cog, and no crash logged
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text

    await admin.slash(channel, "config moderator-role", role=mods)
    edit_article(face_desk, "tw-deepseek", ARTICLES["tw-deepseek"][3] + " Schools too.")
    before = face_desk.store.current_name()
    done = await bob.slash(channel, "reindex")
    assert "Reindex done" in done.response.content and before not in done.response.content
    guild.set_command_permissions(commands["audit"], {mods: True})
    audit = await bob.slash(channel, "audit actions")
    assert "reindex" in audit.response.content and "bob" in audit.response.content


async def test_a_long_reindex_edits_its_status_past_the_token_lifetime(
    env: simcord.Env, face_desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Interaction tokens expire after 15 minutes; a long reindex edits through the channel."""
    from bot.discord.cogs import moderation

    guild, channel, _, _alice, _admin = setup_guild(env)
    mod = add_moderator(env, guild)
    monkeypatch.setattr(moderation, "TOKEN_LIFETIME", 0.0)
    edit_article(face_desk, "tw-deepseek", ARTICLES["tw-deepseek"][3] + " Hospitals too.")
    done = await mod.slash(channel, "reindex")
    status = [m for m in channel.history() if m.id == done.response.id]
    assert status and "Reindex done" in status[0].content


async def test_answers_beyond_the_cap_wait_their_turn(env: simcord.Env,
                                                     face_desk: Desk) -> None:
    bot: NewsdeskBot = env.bot
    bot.slots = AnswerSlots(1)
    entered, release = threading.Event(), threading.Event()
    real = face_desk.embedder.queries
    computing: list[str] = []

    def gated(texts):
        computing.append(texts[0])
        entered.set()
        assert release.wait(60)
        return real(texts)

    face_desk.embedder.queries = gated
    try:
        first = asyncio.create_task(bot.answer("what did Taiwan do about DeepSeek?"))
        assert await asyncio.to_thread(entered.wait, 30)
        second = asyncio.create_task(bot.answer("what did Korea do about DeepSeek"))
        await asyncio.sleep(0.3)
        assert bot.slots.waiting == 1 and len(computing) == 1  # queued, not computing
        release.set()
        a, b = await asyncio.gather(first, second)
    finally:
        face_desk.embedder.queries = real
    assert len(computing) == 2 and bot.slots.waiting == 0
    assert a.citations and b.citations


async def test_guild_settings_are_isolated(env: simcord.Env) -> None:
    _g1, c1, _, alice1, admin1 = setup_guild(env, "one")
    _g2, c2, _, alice2, admin2 = setup_guild(env, "two")
    await admin1.slash(c1, "config channels add", channel=c1)
    await admin1.slash(c1, "config cooldown", seconds=600)
    await admin2.slash(c2, "config cooldown", seconds=0)
    listed = await admin2.slash(c2, "config channels list")
    assert "No channel enabled" in listed.response.content
    bot_id = env.bot.user.id
    await alice2.send(c2, f"<@{bot_id}> what did Taiwan do about DeepSeek?")
    assert c2.last_message.author.id == alice2.id  # guild one's channel list is not guild two's
    for _ in range(2):  # guild two: no cooldown
        assert not (await alice2.slash(c2, "ask", question="what did Taiwan do?")).ephemeral
    assert not (await alice1.slash(c1, "ask", question="what did Taiwan do?")).ephemeral
    refused = await alice1.slash(c1, "ask", question="what did Korea do?")
    assert refused.ephemeral and re.search(r"try again in \d+ s", refused.response.content)


async def test_cooldown_tells_the_member_when_to_try_again(env: simcord.Env) -> None:
    _guild, channel, _, alice, admin = setup_guild(env)
    await admin.slash(channel, "config cooldown", seconds=120)
    first = await alice.slash(channel, "ask", question="what did Taiwan do?")
    assert not first.ephemeral
    second = await alice.slash(channel, "ask", question="and Korea?")
    assert second.ephemeral
    wait = int(re.search(r"try again in (\d+) s", second.response.content).group(1))
    assert 100 <= wait <= 120


async def test_nothing_mentions_anyone(env: simcord.Env, face_desk: Desk) -> None:
    guild, channel, _, alice, admin = setup_guild(env)
    role = guild.create_role("everybody-role")
    await admin.slash(channel, "config channels add", channel=channel, mode="all")
    question = f"@everyone <@&{role.id}> <@{alice.id}> what prank post pinged @everyone?"
    await alice.send(channel, question)
    result = await alice.slash(channel, "ask", question=question)
    messages = [m for m in channel.history() if m.author.id == env.bot.user.id]
    assert messages and any("@everyone" in (e.description or "") for m in messages
                            for e in m.embeds)
    for m in messages:
        assert not m.mention_everyone and not m.role_mentions and not m.mentions
    assert_sent_without_mentions(env)
    assert result.response is not None


def assert_sent_without_mentions(env: simcord.Env) -> None:
    """Every message the bot sent or edited so far went out with mentions disabled."""
    sends = [r for r in env.http_requests
             if r.method in ("POST", "PATCH") and isinstance(r.json, dict)
             and ("embeds" in r.json or "content" in r.json or "data" in r.json)]
    assert sends
    for r in sends:
        payload = r.json.get("data", r.json) if r.json.get("type") != 5 else {}
        if "embeds" in payload or "content" in payload:
            allowed = payload.get("allowed_mentions")
            assert allowed and allowed["parse"] == [] and not allowed.get("replied_user"), \
                (r.path, payload)
            assert not allowed.get("users") and not allowed.get("roles")


async def test_feedback_buttons_survive_a_restart(env: simcord.Env, face_desk: Desk) -> None:
    guild, channel, _, alice, admin = setup_guild(env)
    result = await alice.slash(channel, "ask", question="what did Taiwan do about DeepSeek?")
    message = result.followups[-1] if result.followups else result.response
    up = next(c["custom_id"] for row in message.components for c in row["components"]
              if ":up:" in c["custom_id"])
    down = up.replace(":up:", ":down:")
    thanks = await admin.click(message.message, custom_id=up)
    assert thanks.ephemeral and "recorded" in thanks.response.content

    await env.restart_bot(make_bot(face_desk))  # a new process: no views in memory
    again = await alice.click(message.message, custom_id=down)
    assert again.ephemeral and "recorded" in again.response.content
    feedback = await env.bot.storage.feedback(guild.id)
    assert (feedback.up, feedback.down) == (1, 1)
    row = await env.bot.storage.answer_row(int(up.rsplit(":", 1)[1]))
    assert row is not None and row[1] == "what did Taiwan do about DeepSeek?"
    assert "tw-deepseek" in row[2]


@pytest.mark.real_model
async def test_a_follow_up_in_the_thread_uses_the_earlier_question(env: simcord.Env) -> None:
    _guild, channel, _, alice, admin = setup_guild(env)
    await admin.slash(channel, "config cooldown", seconds=0)
    asked = last_reply(await alice.slash(channel, "ask",
                                         question="what did Korea do about DeepSeek"))
    await alice.click(asked.message, custom_id=buttons_of(asked)["follow"])
    [thread] = channel.threads
    await alice.send(thread, f"<@{env.bot.user.id}> and did Taiwan do the same?")
    reply = bot_answers(env, thread)[-1]
    names = cited(reply.embeds[0])
    assert any("Taiwan" in n for n in names), names


async def test_reindex_runs_off_the_loop_while_answers_keep_coming(
    env: simcord.Env, face_desk: Desk
) -> None:
    guild, channel, _, alice, admin = setup_guild(env)
    await admin.slash(channel, "config cooldown", seconds=0)
    mod = add_moderator(env, guild)
    old = face_desk.store.current_name()
    edit_article(face_desk, "tw-deepseek", "Taiwan's Ministry of Digital Affairs now also bars "
                 "public schools from using DeepSeek on their networks.")

    entered, release = threading.Event(), threading.Event()
    real = face_desk.embedder.passages

    def gated(texts, progress=None):
        entered.set()
        assert release.wait(60)
        return real(texts, progress)

    bot: NewsdeskBot = env.bot
    face_desk.embedder.passages = gated  # the reindex pauses inside the embedder
    try:
        reindex = bot.reindexer.start("test")
        assert reindex is not None and bot.reindexer.start("again") is None  # one at a time
        assert await asyncio.to_thread(entered.wait, 30)
        busy = await mod.slash(channel, "reindex")
        assert busy.ephemeral and "already running" in busy.response.content
        for question in ("what did Korea do about DeepSeek?",
                         "when did the AI Act enter into force?"):
            answer = await alice.slash(channel, "ask", question=question)
            assert cited(last_answer(answer))  # answered while the reindex waits
            assert_verbatim(face_desk, last_answer(answer))
        # the edited article's old text is still indexed, but the catalogue (what a member
        # opens) has moved on: it is not quoted until the reindex publishes the new text
        answer = await alice.slash(channel, "ask", question="what did Taiwan do about DeepSeek?")
        assert ARTICLES["tw-deepseek"][1] not in cited(last_answer(answer))
        assert face_desk.retriever().version.name == old
        assert "schools" not in face_desk.retriever().version.texts(["tw-deepseek"])[
            "tw-deepseek"].text
    finally:
        release.set()
        face_desk.embedder.passages = real
    stats = await reindex
    assert stats.changed and face_desk.retriever().version.name == stats.version != old
    after = await alice.slash(channel, "ask", question="Did Taiwan bar schools from DeepSeek?")
    assert "schools" in last_answer(after).description


async def test_a_failed_reindex_reports_and_the_old_index_keeps_serving(
    env: simcord.Env, face_desk: Desk
) -> None:
    guild, channel, _, alice, _admin = setup_guild(env)
    mod = add_moderator(env, guild)
    old = face_desk.store.current_name()
    edit_article(face_desk, "eu-aiact", "Der AI Act gilt seit August 2024 in der ganzen Union.")
    real = face_desk.embedder.passages

    def broken(texts, progress=None):
        raise MemoryError("out of memory while embedding")

    face_desk.embedder.passages = broken
    try:
        result = await mod.slash(channel, "reindex")
    finally:
        face_desk.embedder.passages = real
    assert "Reindex failed: MemoryError" in result.response.content
    assert face_desk.store.current_name() == old
    answer = await alice.slash(channel, "ask", question="what did Taiwan do about DeepSeek?")
    assert cited(last_answer(answer))


@pytest.mark.real_model
async def test_a_huge_article_still_fits_discords_limits(env: simcord.Env,
                                                         face_desk: Desk) -> None:
    _guild, channel, _, alice, _admin = setup_guild(env)
    giant = ("Samsung Gauss, *the* company's generative model, " + "handles text and code, "
             * 150 + "and was unveiled in November 2023.")
    write_articles(face_desk.settings.sources_root / "news",
                   {"gauss": ("en", "Samsung unveils Gauss " + "— a very long headline " * 20,
                              "2023-11-08", giant + "\n\n" + giant)})
    face_desk.refresh_folders()
    face_desk.reindex()
    question = "What is Samsung Gauss? " + "Please explain in detail. " * 15
    result = await alice.slash(channel, "ask", question=question.strip())
    embed = last_answer(result)  # simcord rejects anything over Discord's limits (50035)
    assert len(embed) <= 6000 and len(embed.description) <= 4096
    assert cited(embed)[0].startswith("Samsung unveils Gauss")
    assert_verbatim(face_desk, embed)


async def test_refusals_say_why_once_and_are_not_logged_as_crashes(
    env: simcord.Env, caplog: pytest.LogCaptureFixture
) -> None:
    """Point 9: odd locations get their reason, not "Something went wrong"; a member shown
    /config by a permission override gets one "Only admins" reply and no crash is logged."""
    guild, channel, _, _alice, _admin = setup_guild(env)
    mod = add_moderator(env, guild)
    odd = {"http://127.0.0.1:99999/": "port", "http://[::1/": "malformed",
           "news\x00evil": "NUL", "deep/" * 1000: "not a usable folder path"}
    for location, reason in odd.items():
        result = await mod.slash(channel, "sources add", location=location)
        reply = last_reply(result)
        assert reply.ephemeral and re.search(reason, reply.content, re.I), reply.content
        assert "Something went wrong" not in reply.content
    assert len(env.bot.desk.registry.all()) == 1  # only the news folder of the fixture

    helpers = guild.create_role("helpers")
    hal = guild.add_member(env.create_user("hal"), roles=[helpers])
    commands = {c.name: c for c in await env.bot.tree.fetch_commands()}
    guild.set_command_permissions(commands["config"], {helpers: True})
    assert "config cooldown" in hal.available_commands(channel)
    refused = await hal.slash(channel, "config cooldown", seconds=0)
    assert refused.ephemeral and refused.response.content.startswith("Only admins")
    assert refused.followups == []
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text


async def test_the_poller_reads_folders_once_and_reindexes_once(
    env: simcord.Env, face_desk: Desk
) -> None:
    edit_article(face_desk, "eu-aiact", ARTICLES["eu-aiact"][3] + " Die Kommission wacht.")
    before = face_desk.store.current_name()
    real = face_desk.refresh_folders
    reads: list[str | None] = []

    def counted(only: str | None = None):
        reads.append(only)
        return real(only)

    face_desk.refresh_folders = counted
    try:
        await env.bot.poller()  # one scheduled round, as the loop runs it
    finally:
        face_desk.refresh_folders = real
    assert reads == [None]  # the fetch read the folders; the reindex did not read them again
    assert not env.bot.reindexer.running and face_desk.store.current_name() != before


async def test_guild_settings_are_cached_until_a_setter_changes_them(tmp_path) -> None:
    import sqlite3

    from bot.discord.storage import DEFAULT_COOLDOWN, Storage

    storage = Storage(tmp_path / "bot.sqlite3")
    await storage.setup()
    assert (await storage.guild(1)).cooldown == DEFAULT_COOLDOWN
    assert (await storage.guild(None)).cooldown == DEFAULT_COOLDOWN  # outside a guild too
    await storage.set_cooldown(1, 5)
    assert (await storage.guild(1)).cooldown == 5
    with sqlite3.connect(storage.path) as db:  # behind the storage's back: not read again
        db.execute("UPDATE guilds SET cooldown = 99 WHERE guild_id = 1")
    assert (await storage.guild(1)).cooldown == 5
    await storage.enable_channel(1, 10, "all")  # any setter drops the guild's copy
    config = await storage.guild(1)
    assert config.cooldown == 99 and config.channels == {10: "all"}
    await storage.set_private(1, 10, True)
    assert (await storage.guild(1)).private_channels == {10}
    assert (await storage.guild(2)).private_channels == frozenset()  # guilds stay apart


def buttons_of(message) -> dict[str, str]:
    """custom_id kind ("fb", "src", "more") → custom_id; votes as "up"/"down"."""
    out = {}
    for row in message.components:
        for c in row.get("components", []):
            parts = c["custom_id"].split(":")
            out[parts[2] if parts[1] == "fb" else parts[1]] = c["custom_id"]
    return out


def labels_of(message) -> list[str]:
    return [c.get("label", "") for row in message.components for c in row.get("components", [])]


@pytest.mark.real_model
async def test_sources_button_shows_the_longer_verbatim_context_to_the_asker_only(
    env: simcord.Env, face_desk: Desk
) -> None:
    _guild, channel, _, alice, _admin = setup_guild(env)
    edit_article(face_desk, "kr-deepseek", ARTICLES["kr-deepseek"][3] + " L’application "
                 "restait utilisable par ceux qui l’avaient déjà installée. DeepSeek a promis "
                 "de coopérer avec la commission de protection des données.")
    face_desk.refresh_folders()
    face_desk.reindex()
    result = await alice.slash(channel, "ask", question="what did Korea do about DeepSeek")
    message = last_reply(result)
    compact = quotes_of(message.embeds[0])
    shown = await alice.click(message.message, custom_id=buttons_of(message)["src"])
    assert shown.ephemeral
    [embed] = shown.response.embeds
    assert embed.fields[0].name.startswith("[1] La Corée du Sud suspend DeepSeek")
    assert "https://example.org/kr-deepseek" in embed.fields[0].value
    assert_verbatim(face_desk, embed)
    longer = quotes_of(embed)
    assert len(longer[0]) > len(compact[0]) and compact[0] in longer[0]  # more context

    await env.restart_bot(make_bot(face_desk))  # the button works from an old message
    again = await alice.click(message.message, custom_id=buttons_of(message)["src"])
    assert again.ephemeral and quotes_of(again.response.embeds[0]) == longer


@pytest.mark.real_model
async def test_more_like_this_lists_the_next_articles_not_the_cited_one(
    env: simcord.Env, face_desk: Desk
) -> None:
    _guild, channel, _, alice, _admin = setup_guild(env)
    result = await alice.slash(channel, "ask", question="what did Taiwan do about DeepSeek?")
    message = last_reply(result)
    first = cited(message.embeds[0])
    assert first[0].startswith("Taiwan bars")
    more = await alice.click(message.message, custom_id=buttons_of(message)["more"])
    assert more.ephemeral
    embed = last_answer(more)
    titles = [re.sub(r"\\(.)", r"\1", t) for t in REF_LINE.findall(embed.description)]
    assert titles and not set(titles) & set(first)
    assert any("Corée" in t for t in titles), titles  # the same story, elsewhere


async def test_feed_summaries_are_marked_as_summaries(env: simcord.Env, face_desk: Desk) -> None:
    face_desk.catalogue.upsert(Article(
        id="feed-mistral", title="Mistral releases Codestral", outlet="Feed Wire",
        url="https://example.org/feed-mistral", language="en", summary_only=True,
        text="Mistral AI released Codestral, its first code model, trained on more than 80 "
             "programming languages."))
    face_desk.reindex()
    _guild, channel, _, alice, _admin = setup_guild(env)
    result = await alice.slash(channel, "ask", question="Which code model did Mistral AI release?")
    line = SOURCE_LINE.search(last_answer(result).description)
    assert line and line[2] == "Mistral releases Codestral" and line[4].endswith("feed summary")


async def test_private_answers_and_the_channel_default(env: simcord.Env) -> None:
    _guild, channel, _, alice, admin = setup_guild(env)
    await admin.slash(channel, "config cooldown", seconds=0)
    private = await alice.slash(channel, "ask", question="what did Taiwan do about DeepSeek?",
                                private=True)
    assert private.ephemeral and cited(last_answer(private)) and not channel.threads
    assert "follow" not in buttons_of(last_reply(private))  # no thread under a private answer
    assert not bot_answers(env, channel)  # nothing in the channel

    done = await admin.slash(channel, "config private", channel=channel, private=True)
    assert "privately" in done.response.content
    by_default = await alice.slash(channel, "ask", question="what did Korea do about DeepSeek")
    assert by_default.ephemeral and cited(last_answer(by_default))
    public = await alice.slash(channel, "ask", question="what did Korea do about DeepSeek",
                               private=False)
    assert not public.ephemeral and len(bot_answers(env, channel)) == 1
    assert "follow" in buttons_of(last_reply(public))


async def test_i_dont_know_opens_no_thread_and_offers_no_sources(env: simcord.Env) -> None:
    _guild, channel, _, alice, _admin = setup_guild(env)
    result = await alice.slash(channel, "ask",
                               question="How long should I boil an egg for a soft yolk?")
    message = last_reply(result)
    text = message.embeds[0].description
    assert not result.ephemeral and text.startswith("I don't know")
    assert "nothing in 4 articles from 1 outlet answers that" in text  # what was searched
    assert "/sources" not in text  # nothing only moderators can do
    if "Closest articles" in text:  # pointed to, never quoted as an answer
        assert REF_LINE.findall(text) and not QUOTE.findall(text)
    assert set(buttons_of(message)) == {"up", "down"}
    assert not channel.threads


async def test_a_follow_up_during_the_cooldown_is_queued_and_answered(
    env: simcord.Env
) -> None:
    """An hour's cooldown: longer than simcord's settle deadline, so the queued question
    waits on the virtual clock until the test moves it."""
    _guild, channel, _, alice, admin = setup_guild(env)
    await admin.slash(channel, "config cooldown", seconds=3600)
    asked = last_reply(await alice.slash(channel, "ask",
                                         question="what did Korea do about DeepSeek"))
    await alice.click(asked.message, custom_id=buttons_of(asked)["follow"])  # no cooldown
    [thread] = channel.threads
    bot_id = env.bot.user.id
    await alice.send(thread, f"<@{bot_id}> and did Taiwan bar DeepSeek too?")
    [notice] = [m for m in thread.history() if m.author.id == bot_id]
    assert notice.content == "You are asking quickly — I will answer this in 3600 s."
    await alice.send(thread, f"<@{bot_id}> and when did the AI Act enter into force?")
    assert [m.id for m in thread.history() if m.author.id == bot_id] == [notice.id]  # once
    assert not bot_answers(env, thread)

    await env.advance_time(3600)  # the cooldown ends: the first follow-up is answered
    [answer] = bot_answers(env, thread)
    assert any("Taiwan" in t for t in cited(answer.embeds[0]))
    assert notice.id not in [m.id for m in thread.history()]  # the notice went away
    await env.advance_time(3600)  # the second waited its own turn, not dropped
    later = bot_answers(env, thread)
    assert len(later) == 2
    asked = await env.bot.storage.thread_questions(thread.id)
    assert asked[-2:] == ["and did Taiwan bar DeepSeek too?",
                          "and when did the AI Act enter into force?"]  # in the order sent


async def test_audit_unanswered_lists_declined_and_disliked_questions(
    env: simcord.Env, face_desk: Desk, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot import cli

    guild, channel, _, alice, admin = setup_guild(env)
    mod = add_moderator(env, guild)
    await admin.slash(channel, "config cooldown", seconds=0)
    for _ in range(2):
        await alice.slash(channel, "ask", question="How long should I boil an egg for a soft "
                                                   "yolk?")
    liked = await alice.slash(channel, "ask", question="what did Taiwan do about DeepSeek?")
    await alice.click(last_reply(liked).message, custom_id=buttons_of(last_reply(liked))["down"])
    await alice.slash(channel, "ask", question="what did Korea do about DeepSeek")  # no vote
    listed = (await mod.slash(channel, "audit unanswered")).response.content.splitlines()
    assert listed[0].startswith("2× How long should I boil an egg for a soft yolk?")
    assert listed[1].startswith("1× what did Taiwan do about DeepSeek?")
    assert len(listed) == 2  # an answer nobody disliked is not "unanswered"

    assert await asyncio.to_thread(cli.main, ["audit", "--unanswered"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "How long should I boil an egg for a soft yolk?" in lines[0]
    assert lines[0].strip().startswith("2×") and len(lines) == 2


async def test_sources_remove_autocompletes_by_id_or_location(env: simcord.Env,
                                                             face_desk: Desk) -> None:
    guild, channel, _, _alice, _admin = setup_guild(env)
    mod = add_moderator(env, guild)
    [source] = face_desk.sources()
    by_location = await mod.autocomplete(channel, "sources remove", "source_id", "news")
    assert [c["value"] for c in by_location] == [source.id]
    by_id = await mod.autocomplete(channel, "sources remove", "source_id", source.id[:3])
    assert [c["value"] for c in by_id] == [source.id]
    assert await mod.autocomplete(channel, "sources remove", "source_id", "nothing-like") == []
    removed = await mod.slash(channel, "sources remove", source_id="news")  # by its location
    assert removed.response.content.startswith(f"Removed `{source.id}`")
    assert face_desk.sources() == []


async def test_stats_count_waiting_articles_and_fetch_indexes_them(
    env: simcord.Env, face_desk: Desk
) -> None:
    guild, channel, _, _alice, _admin = setup_guild(env)
    mod = add_moderator(env, guild)
    write_articles(face_desk.settings.sources_root / "news", {"jp-sakana": (
        "en", "Sakana AI raises funds", "2024-09-04", "Sakana AI raised 30 billion yen.")})
    face_desk.refresh_folders()  # in the catalogue, not yet in the index
    stats = (await mod.slash(channel, "stats")).response.content
    assert "(1 waiting to be indexed)" in stats
    fetched = last_reply(await mod.slash(channel, "sources fetch")).content
    assert "0 new" in fetched and "Reindexing in the background" in fetched
    for _ in range(600):
        if not env.bot.reindexer.running:
            break
        await asyncio.sleep(0.1)
    assert "jp-sakana" in face_desk.retriever().version.articles
    assert "(0 waiting to be indexed)" in (await mod.slash(channel, "stats")).response.content


@pytest.mark.parametrize("language", LANGUAGES)
async def test_the_bot_speaks_the_askers_language(env: simcord.Env, language: str) -> None:
    """/ask's descriptions through discord.py's Translator; words and labels from the catalogue."""
    [ask] = [c for c in await env.bot.tree.fetch_commands() if c.name == "ask"]
    locales = {str(k): v for k, v in ask.description_localizations.items()}
    expected = CATALOGUE["cmd_ask"][language]
    if language == "en":
        assert ask.description == expected
    else:
        assert expected in locales.values() and len(expected) <= 100
    options = {o.name: o for o in ask.options}
    assert set(options) == {"question", "private", "since", "outlet", "language"}
    for name, option in options.items():
        text = CATALOGUE[f"cmd_ask_{name}"][language]
        shown = option.description if language == "en" else \
            [v for k, v in option.description_localizations.items()
             if normalise_language(str(k)) == language]
        assert text == shown or [text] == shown[:1], (name, shown)
        assert len(text) <= 100
    for key in ("button_sources", "button_more", "thanks", "queued", "only_admins", "failed"):
        assert say(key, language) == CATALOGUE[key][language]
    view = answer_view(1, language, answered=True, follow_up=True)
    labels = [getattr(item, "item", item).label for item in view.children]
    assert labels[2:] == [say("button_sources", language), say("button_more", language),
                          say("button_follow_up", language)]
    assert say("follow_up_here", language, thread="<#1>").count("<#1>") == 1


@pytest.mark.real_model
async def test_a_french_question_gets_french_words_around_verbatim_quotes(
    env: simcord.Env, face_desk: Desk
) -> None:
    _guild, channel, _, alice, _admin = setup_guild(env)
    result = await alice.slash(channel, "ask",
                               question="Qu'a fait la Corée du Sud à propos de DeepSeek ?")
    message = last_reply(result)
    assert labels_of(message)[2:] == ["Sources", "Plus d’articles similaires", "Poursuivre"]
    assert message.embeds[0].footer.text == say("footer", "fr")
    assert_verbatim(face_desk, message.embeds[0])


def test_the_fake_embedder_is_deterministic_and_shaped_like_the_model() -> None:
    import numpy as np
    from fakes import FakeEmbedder

    fake, other = FakeEmbedder(), FakeEmbedder()
    texts = ["Taiwan bars DeepSeek", "La Corée du Sud suspend DeepSeek", ""]
    ticks: list[int] = []
    vectors = fake.passages(texts, progress=ticks.append)
    assert vectors.shape == (3, fake.dim) and vectors.dtype == np.float32 and ticks == [3]
    assert np.allclose(np.linalg.norm(vectors[:2], axis=1), 1.0) and not vectors[2].any()
    assert np.array_equal(vectors, other.passages(texts))  # same words, same vectors
    query = fake.queries(["did Taiwan bar DeepSeek?"])[0]
    assert query @ vectors[0] > query @ vectors[1] > 0  # shared words bring texts close
    assert fake.id != "" and fake.name


async def test_ask_filters_since_outlet_and_language(env: simcord.Env) -> None:
    _guild, channel, _, alice, admin = setup_guild(env)
    await admin.slash(channel, "config cooldown", seconds=0)
    question = "what did Taiwan do about DeepSeek?"
    plain = await alice.slash(channel, "ask", question=question, language="en",
                              outlet="test wire")
    assert cited(last_answer(plain))[0].startswith("Taiwan bars")
    later = await alice.slash(channel, "ask", question=question, since="2025-02-10")
    embed = last_answer(later)  # the Taiwan story (3 February) is left out
    assert not any(t.startswith("Taiwan bars") for t in cited(embed))
    if not cited(embed):
        assert "since 2025-02-10 answers that" in embed.description
    bad = await alice.slash(channel, "ask", question=question, since="the other day")
    assert bad.ephemeral and "cannot read the date 'the other day'" in bad.response.content
    assert not bad.followups  # one line, nothing else
    offered = await alice.autocomplete(channel, "ask", "outlet", "wire")
    assert [c["value"] for c in offered] == ["Test Wire"]


# -- a calm channel: threads only when a member follows up (issue 19) ---------------------
def thread_notices(channel) -> list[discord.Message]:
    """The "… started a thread" lines a thread opened on a message leaves in the channel."""
    return [m for m in channel.history() if m.type == discord.MessageType.thread_created]


async def test_by_default_answers_open_no_thread_until_a_member_follows_up(
    env: simcord.Env, face_desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    _guild, channel, _, alice, admin = setup_guild(env)
    await admin.slash(channel, "config cooldown", seconds=0)
    await admin.slash(channel, "config channels add", channel=channel)
    questions = ["what did Korea do about DeepSeek", "what did Taiwan do about DeepSeek?",
                 "When did the AI Act enter into force?"]
    answers = [last_reply(await alice.slash(channel, "ask", question=q)) for q in questions]
    await alice.send(channel, f"<@{env.bot.user.id}> what did Taiwan do about DeepSeek?")
    assert len(bot_answers(env, channel)) == 4  # three /ask and a mention, all answered
    assert not channel.threads and not thread_notices(channel)  # the channel stays calm
    for message in answers:
        assert cited(message.embeds[0]) and "follow" in buttons_of(message)
    mentioned = bot_answers(env, channel)[-1]  # the mention's answer: a discord.Message
    assert any(":follow:" in (c.custom_id or "") for row in mentioned.components
               for c in row.children)

    first = answers[0]
    opened = await alice.click(first.message, custom_id=buttons_of(first)["follow"])
    [thread] = channel.threads
    assert opened.ephemeral and thread.mention in opened.response.content
    assert thread.id == first.id and len(thread_notices(channel)) == 1  # on that answer
    assert await env.bot.storage.thread_questions(thread.id) == [questions[0]]
    again = await admin.click(first.message, custom_id=buttons_of(first)["follow"])
    assert thread.mention in again.response.content and len(channel.threads) == 1

    asked: list[tuple[str, list[str] | None]] = []
    real = face_desk.ask

    def spy(question, k=8, context=None, *args, **kwargs):
        asked.append((question, context))
        return real(question, k, context, *args, **kwargs)

    monkeypatch.setattr(face_desk, "ask", spy)
    await alice.send(thread, f"<@{env.bot.user.id}> and did Taiwan do the same?")
    assert asked == [("and did Taiwan do the same?", [questions[0]])]  # the earlier question
    assert bot_answers(env, thread)
    assert await env.bot.storage.thread_questions(thread.id) == [
        questions[0], "and did Taiwan do the same?"]

    await env.restart_bot(make_bot(face_desk))  # the button works from an old answer
    second = answers[1]
    reopened = await alice.click(second.message, custom_id=buttons_of(second)["follow"])
    assert reopened.ephemeral and len(channel.threads) == 2
    assert await env.bot.storage.thread_questions(second.id) == [questions[1]]
    assert_sent_without_mentions(env)


async def test_config_threads_always_restores_a_thread_per_answer_and_channels_override(
    env: simcord.Env
) -> None:
    _guild, channel, quiet, alice, admin = setup_guild(env)
    await admin.slash(channel, "config cooldown", seconds=0)
    done = await admin.slash(channel, "config threads", mode="always")
    assert done.ephemeral and done.response.content.startswith("Threads in this server: always")
    result = last_reply(await alice.slash(channel, "ask",
                                          question="what did Korea do about DeepSeek"))
    [thread] = channel.threads  # opened at once, as before the setting existed
    assert thread.id == result.id and len(thread_notices(channel)) == 1
    assert "follow" not in buttons_of(result)
    assert await env.bot.storage.thread_questions(thread.id) == [
        "what did Korea do about DeepSeek"]

    await admin.slash(channel, "config threads", mode="off", channel=channel)
    off = last_reply(await alice.slash(channel, "ask", question="what did Taiwan do?"))
    assert len(channel.threads) == 1 and "follow" not in buttons_of(off)  # this channel: off
    await alice.slash(quiet, "ask", question="what did Taiwan do?")
    assert len(quiet.threads) == 1  # the rest of the server: always

    back = await admin.slash(channel, "config threads", mode="default", channel=channel)
    assert f"Threads in {channel.mention}: always" in back.response.content
    await alice.slash(channel, "ask", question="When did the AI Act enter into force?")
    assert len(channel.threads) == 2
    await admin.slash(channel, "config threads", mode="default")
    calm = last_reply(await alice.slash(channel, "ask", question="what did Taiwan do?"))
    assert len(channel.threads) == 2 and "follow" in buttons_of(calm)  # the calm default
    await admin.slash(channel, "config threads", mode="off", channel=channel)
    refused = await alice.click(calm.message, custom_id=buttons_of(calm)["follow"])
    assert refused.ephemeral and refused.response.content == say("no_thread")
    assert len(channel.threads) == 2  # an older answer's button obeys the setting now
    actions = [e.action for e in await env.bot.storage.audit_entries(_guild.id)]
    assert actions.count("config threads") == 5
    assert_sent_without_mentions(env)


# -- every description in every language the catalogue covers (issue 19) ------------------
TRANSLATED_LOCALES = [locale for locale in discord.Locale
                      if normalise_language(locale.value) in set(LANGUAGES) - {"en"}]


def described_nodes(commands) -> list:
    """Every command, group and option of the registered tree: whatever has a description."""
    out = []
    for node in commands:
        out.append(node)
        out.extend(described_nodes(getattr(node, "options", [])))
    return out


@pytest.mark.parametrize("locale", TRANSLATED_LOCALES, ids=str)
async def test_every_command_description_is_translated(env: simcord.Env,
                                                       locale: discord.Locale) -> None:
    """Walks the synced command tree: a command or option added without a catalogue
    description fails here, for each Discord locale of each catalogue language."""
    nodes = described_nodes(await env.bot.tree.fetch_commands())
    names = {n.name for n in nodes}
    assert {"ask", "config", "channels", "add", "sources", "remove", "audit", "stats"} <= names
    language = normalise_language(locale.value)
    english = {texts["en"]: texts for texts in CATALOGUE.values()}
    for node in nodes:
        assert node.description in english, (node.name, node.description)  # from the catalogue
        shown = node.description_localizations.get(locale)
        assert shown == english[node.description][language], (node.name, locale, shown)
        assert len(shown) <= 100
