"""Threads under answers, where follow-ups are asked with the earlier questions as context.

A thread opens on an answer either at once (setting `always`) or when a member presses
the answer's Follow up button (`on-follow-up`, the default), so a busy channel is not
filled with a "started a thread" line per answer. Either way the thread starts with the
answered question on record (Storage.add_thread_question), which is what makes a later
"and what did Germany do?" in it a follow-up.
"""

from __future__ import annotations

import contextlib

import discord

from bot.discord.render import clip
from bot.discord.storage import Storage

ARCHIVE_MINUTES = 1440


async def existing_thread(channel: discord.TextChannel,
                          message: discord.abc.Snowflake) -> discord.Thread | None:
    """The thread already started from `message`, if any: Discord gives it the message's id,
    so it is found even when archived (and out of discord.py's cache)."""
    thread = channel.guild.get_thread(message.id)
    if thread is not None:
        return thread
    try:
        found = await channel.guild.fetch_channel(message.id)
    except discord.HTTPException:  # none (404), or not ours to see
        return None
    return found if isinstance(found, discord.Thread) else None


async def start_thread(channel: discord.TextChannel, message: discord.abc.Snowflake,
                       question: str, storage: Storage) -> discord.Thread | None:
    """A new thread on the answer `message`, named after its question and holding it as the
    context of follow-ups; None where the bot may not open one (the answer stands alone).
    Through the channel: a message an interaction's webhook sent carries no guild."""
    name = clip(discord.utils.escape_mentions(question), 100) or "…"  # a name can't ping
    try:
        thread = await channel.create_thread(name=name, message=message,
                                             auto_archive_duration=ARCHIVE_MINUTES)
    except discord.HTTPException:
        return None
    await storage.add_thread_question(thread.id, question)
    return thread


async def follow_up_thread(channel: discord.TextChannel, message: discord.abc.Snowflake,
                           question: str, storage: Storage) -> discord.Thread | None:
    """The answer's thread, opened now unless a member opened it before; None where the
    bot may not open threads."""
    thread = await existing_thread(channel, message)
    if thread is None:
        thread = await start_thread(channel, message, question, storage)
    # Discord refuses a second thread on one message: another click got there first
    return thread or await existing_thread(channel, message)


async def invite(thread: discord.Thread, member: discord.abc.Snowflake) -> None:
    """The member who asked for the thread finds it in their thread list; a thread the
    bot cannot add them to is still there for them to open."""
    with contextlib.suppress(discord.HTTPException):
        await thread.add_user(member)
