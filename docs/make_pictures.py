"""Pictures for the README of what a member sees, made from real answers and real posts.

A real `/ask` on the bundled corpus goes through the real bot (discord.py against simcord's
simulated Discord); simcord's preview serves the channel as a member sees it, and Debian's
headless Chromium photographs it. The news desk's pictures come the same way: bundled articles
arrive as news on a desk holding the rest of the corpus, and the bot's own news cog posts,
edits and digests them. Rerun with `scripts/pictures` after changing the face.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

import discord
import simcord

from bot.desk import SAMPLE_DIR, Desk
from bot.settings import BotSettings

HERE = Path(__file__).parent
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--hide-scrollbars"]
SIDEBAR, TOOLBAR = 256, 76  # simcord preview chrome, in pixels
SHOTS = {
    "answer.png": "what did Korea do about DeepSeek",
    "dont-know.png": "When will GPT-5 be released?",
}
# The news desk's pictures: bundled articles that arrive after the bot started, in three
# batches. One story's first report is posted; the same story in two more outlets and
# languages edits that post ("also: …"); more stories then exceed the hourly cap of one post,
# so they are folded into the digest, which the virtual clock then brings.
NEWS_FIRST = ["en-google-gemini-2"]
NEWS_GROWN = ["es-google-gemini-2", "fr-google-gemini-2"]
NEWS_FOLDED = ["en-meta-llama-4", "de-meta-llama-4", "en-alibaba-qwen-max",
               "zh-alibaba-qwen-max", "fr-mistral-le-chat-mobile", "en-australia-deepseek-ban"]


def _bot_class() -> type:
    try:  # the Discord face's own package, once it has one
        from bot.discord.client import NewsdeskBot
    except ImportError:
        from bot.discord_bot import NewsdeskBot
    return NewsdeskBot


async def _photograph(url: str, out: Path, size: tuple[int, int], chromium: str) -> None:
    with tempfile.TemporaryDirectory() as profile:
        proc = await asyncio.create_subprocess_exec(
            chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
            f"--window-size={size[0]},{size[1]}", "--virtual-time-budget=8000",
            f"--screenshot={out}", url,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
        _, err = await proc.communicate()
    if proc.returncode != 0 or not out.exists():
        raise RuntimeError(f"chromium failed ({proc.returncode}): {err.decode()[-500:]}")


def _keep_channel_pane(path: Path) -> None:
    """Crop the preview's own toolbar and sidebar: the picture is what a member sees."""
    from PIL import Image, ImageChops

    with Image.open(path) as image:
        pane = image.convert("RGB").crop((SIDEBAR, TOOLBAR, image.width, image.height))
    background = Image.new("RGB", pane.size, pane.getpixel((pane.width - 1, pane.height - 1)))
    box = ImageChops.difference(pane, background).getbbox()  # where anything is drawn
    if box:
        pane = pane.crop((0, 0, pane.width, min(pane.height, box[3] + 16)))
    pane.save(path, optimize=True)


async def _shoot(env: simcord.Env, channel: simcord.ChannelHandle, viewer: simcord.MemberActor,
                 out: Path, size: tuple[int, int], chromium: str) -> Path:
    async with env.preview(channel, viewers=[viewer], layout="channel",
                           display="fixed", width=size[0], height=size[1]) as preview:
        await _photograph(preview.url, out, size, chromium)
    _keep_channel_pane(out)
    return out


async def make(out_dir: Path, chromium: str, size: tuple[int, int],
               home: Path | None) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    keep = home is not None
    home = home or Path(tempfile.mkdtemp(prefix="newsdesk-pictures-"))
    desk = Desk(BotSettings(home=home, _env_file=None))
    if desk.needs_sample():
        desk.load_sample()
    bot = _bot_class()(desk, message_content=True, shard_count=1)
    env = simcord.Env(bot, settle_timeout=300)
    await env.start()
    await bot.tree.sync()
    made = []
    try:
        guild = env.create_guild(name="AI news")
        for name, question in SHOTS.items():
            member = guild.add_member(env.create_user(f"member-{name[0]}"))  # no cooldown
            channel = guild.create_text_channel(name.removesuffix(".png"))
            await member.slash(channel, "ask", question=question)
            made.append(await _shoot(env, channel, member, out_dir / name, size, chromium))
    finally:
        await env.shutdown()
        if not keep:
            shutil.rmtree(home, ignore_errors=True)
    return made + await make_news(out_dir, chromium, size)


async def _arrive(env: simcord.Env, desk: Desk, ids: list[str]) -> None:
    """Articles ingested by hand, then the bot's own reindex, whose listener (the news cog)
    places their stories, as after `newsdesk ingest` and `/reindex`."""
    await asyncio.to_thread(desk.ingest, [SAMPLE_DIR / f"{aid}.md" for aid in ids])
    task = env.bot.reindexer.start("pictures", read_folders=False)
    if task is None:
        raise RuntimeError("a reindex was already running")
    await task
    await env.settle()


def _expect(channel: simcord.ChannelHandle, text: str, what: str) -> None:
    """Stop rather than photograph a channel without what its picture is meant to show."""
    if not any(text in (e.description or "") for m in channel.history() for e in m.embeds):
        raise RuntimeError(f"#{channel.name} holds no {what}: nothing photographed")


async def make_news(out_dir: Path, chromium: str, size: tuple[int, int]) -> list[Path]:
    """docs/news-post.png and docs/digest.png. Always on a fresh desk (no --home): the bot's
    news state (its baseline, what it posted where) belongs to one simulated Discord."""
    home = Path(tempfile.mkdtemp(prefix="newsdesk-pictures-news-"))
    try:
        desk = Desk(BotSettings(home=home, _env_file=None))
        archive = home / "archive"  # the corpus the desk held before the news came in
        archive.mkdir()
        arriving = {*NEWS_FIRST, *NEWS_GROWN, *NEWS_FOLDED}
        for article in SAMPLE_DIR.glob("*.md"):
            if article.stem not in arriving:
                shutil.copy(article, archive)
        desk.ingest([archive])
        desk.reindex()
        bot = _bot_class()(desk, message_content=True, shard_count=1)
        env = simcord.Env(bot, settle_timeout=300)
        await env.start()
        await bot.tree.sync()
        try:
            guild = env.create_guild(name="AI news")
            news = guild.create_text_channel("ai-news")
            digest = guild.create_text_channel("digest")
            mods = guild.create_text_channel("mods")  # where the admin's commands go
            admin = guild.add_member(env.create_user("ada"), roles=[guild.create_role(
                "admins", permissions=discord.Permissions(manage_guild=True))])
            member = guild.add_member(env.create_user("member"))
            await env.settle()  # the news cog's first round: the archive is no news
            await admin.slash(mods, "news channel set", channel=news, per_hour=1)
            at = env.now() + timedelta(minutes=3)
            await admin.slash(mods, "news digest set", channel=digest, every="daily",
                              at=at.strftime("%H:%M"))
            await _arrive(env, desk, NEWS_FIRST)  # posted
            await _arrive(env, desk, NEWS_GROWN)  # the same post, edited: "also: …"
            await _arrive(env, desk, NEWS_FOLDED)  # over the cap: into the digest
            _expect(news, "also:", "the story's post, edited with its other outlets")
            made = [await _shoot(env, news, member, out_dir / "news-post.png", size,
                                 chromium)]
            await env.advance_time(240)  # the digest's time
            _expect(digest, "•", "the digest")
            made.append(await _shoot(env, digest, member, out_dir / "digest.png", size,
                                     chromium))
        finally:
            await env.shutdown()
    finally:
        shutil.rmtree(home, ignore_errors=True)
    return made


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE)
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    parser.add_argument("--home", type=Path,
                        help="a data home to reuse between runs (the /ask pictures')")
    parser.add_argument("--size", default="900x900", help="width x height in pixels")
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.split("x"))
    discord.utils.setup_logging(level=30)
    for path in asyncio.run(make(args.out, args.chromium, (width, height), args.home)):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
