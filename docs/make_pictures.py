"""Pictures for the README of what a member sees, made from real answers.

A real `/ask` on the bundled corpus goes through the real bot (discord.py against simcord's
simulated Discord); simcord's preview serves the channel as a member sees it, and Debian's
headless Chromium photographs it. Rerun with `scripts/pictures` after changing the face.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import tempfile
from pathlib import Path

import discord
import simcord

from bot.desk import Desk
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
            async with env.preview(channel, viewers=[member], layout="channel",
                                   display="fixed", width=size[0], height=size[1]) as preview:
                await _photograph(preview.url, out_dir / name, size, chromium)
            _keep_channel_pane(out_dir / name)
            made.append(out_dir / name)
    finally:
        await env.shutdown()
        if not keep:
            shutil.rmtree(home, ignore_errors=True)
    return made


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE)
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    parser.add_argument("--home", type=Path, help="a data home to reuse between runs")
    parser.add_argument("--size", default="900x900", help="width x height in pixels")
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.split("x"))
    discord.utils.setup_logging(level=30)
    for path in asyncio.run(make(args.out, args.chromium, (width, height), args.home)):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
