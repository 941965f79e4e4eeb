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


async def existing_thread(message: discord.Message) -> discord.Thread | None:
    """The thread already started from `message`, if any: Discord gives it the message's id,
    so it is found even when archived (and out of discord.py's cache)."""
    if message.thread is not None:
        return message.thread
    if message.guild is None:
        return None
    try:
        channel = await message.guild.fetch_channel(message.id)
    except discord.HTTPException:  # none (404), or not ours to see
        return None
    return channel if isinstance(channel, discord.Thread) else None


async def start_thread(message: discord.Message, question: str,
                       storage: Storage) -> discord.Thread | None:
    """A new thread on the answer `message`, named after its question and holding it as the
    context of follow-ups; None where the bot may not open one (the answer stands alone)."""
    name = clip(discord.utils.escape_mentions(question), 100) or "…"  # a name can't ping
    try:
        thread = await message.create_thread(name=name, auto_archive_duration=ARCHIVE_MINUTES)
    except discord.HTTPException:
        return None
    await storage.add_thread_question(thread.id, question)
    return thread


async def follow_up_thread(message: discord.Message, question: str,
                           storage: Storage) -> discord.Thread | None:
    """The answer's thread, opened now unless a member opened it before; None where the
    bot may not open threads."""
    thread = await existing_thread(message)
    if thread is None:
        thread = await start_thread(message, question, storage)
    # Discord refuses a second thread on one message: another click got there first
    return thread or await existing_thread(message)


async def invite(thread: discord.Thread, member: discord.abc.Snowflake) -> None:
    """The member who asked for the thread finds it in their thread list; a thread the
    bot cannot add them to is still there for them to open."""
    with contextlib.suppress(discord.HTTPException):
        await thread.add_user(member)
