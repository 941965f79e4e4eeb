"""`newsdesk run` end to end: the real command, over real sockets, against a tiny Discord.

The other Discord tests drive the bot in-process (simcord); these start the
installed `newsdesk run` as a subprocess and point its REST base and gateway
(NEWSDESK_DISCORD_API / NEWSDESK_DISCORD_GATEWAY) at `FakeDiscord`, an
aiohttp server on 127.0.0.1 in the test's event loop. It speaks just enough
of Discord to log a bot in, hand it one guild and one mention over the
gateway, and record every REST call the bot makes, so the tests assert on
what actually crossed the sockets: the token, the reply, its mentions policy.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import discord
import pytest
from aiohttp import web
from conftest import make_settings
from discord_fixtures import ARTICLES, write_articles

from bot.desk import Desk
from bot.discord.storage import Storage
from index.embedder import Embedder

NEWSDESK = str(Path(sys.executable).parent / "newsdesk")
TOKEN = "MTIz.fake-token-for-tests"
BOT_ID, APP_ID, OWNER_ID, USER_ID = 1001, 1001, 2002, 3003
GUILD_ID, CHANNEL_ID, MESSAGE_ID = 4004, 5005, 6006
QUESTION = "what did Taiwan do about DeepSeek?"
NOW = "2025-03-01T12:00:00.000000+00:00"
MESSAGES = f"/channels/{CHANNEL_ID}/messages"  # REST paths below /api/v10 (regexes)
THREADS = rf"/channels/{CHANNEL_ID}/messages/\d+/threads"
# What a plain server grants @everyone: enough to read, reply with embeds and open threads.
EVERYONE = discord.Permissions(view_channel=True, send_messages=True, embed_links=True,
                               read_message_history=True, create_public_threads=True,
                               send_messages_in_threads=True)


def user(uid: int, name: str, bot: bool = False) -> dict[str, Any]:
    return {"id": str(uid), "username": name, "discriminator": "0", "global_name": None,
            "avatar": None, "bot": bot, "flags": 0}


def member(u: dict[str, Any]) -> dict[str, Any]:
    return {"user": u, "roles": [], "joined_at": NOW, "deaf": False, "mute": False, "flags": 0}


BOT = user(BOT_ID, "newsdesk", bot=True)
ALICE = user(USER_ID, "alice")


@dataclass
class Call:
    method: str
    path: str  # below /api/v10
    authorization: str
    body: Any


class FakeDiscord:
    """Discord's REST API under /api/v10 and its gateway at /, for one bot and one guild."""

    def __init__(self, reject_token: bool = False) -> None:
        self.reject_token = reject_token
        self.calls: list[Call] = []
        self.unknown: list[str] = []  # routes we do not know: answered 404, kept for messages
        self.identify: dict[str, Any] | None = None
        self._next_id = 9000
        self._sockets: list[web.WebSocketResponse] = []
        app = web.Application()
        app.router.add_get("/", self.gateway)
        app.router.add_route("*", "/api/v10/{tail:.*}", self.rest)
        # shutdown_timeout: a socket the bot left open must not hold the test for a minute
        self._runner = web.AppRunner(app, shutdown_timeout=2)

    async def start(self) -> None:
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)  # port 0: any free port
        await site.start()
        port = self._runner.addresses[0][1]
        self.api = f"http://127.0.0.1:{port}/api/v10"
        self.gateway_url = f"ws://127.0.0.1:{port}/"

    async def close(self) -> None:
        for ws in self._sockets:
            await ws.close()
        await self._runner.cleanup()

    def env(self, token: str | None = TOKEN) -> dict[str, str]:
        env = {**os.environ, "NEWSDESK_DISCORD_API": self.api,
               "NEWSDESK_DISCORD_GATEWAY": self.gateway_url}
        if token:
            env["DISCORD_TOKEN"] = token
        return env

    # -- REST ------------------------------------------------------------------
    @staticmethod
    def json(data: Any, status: int = 200) -> web.Response:
        # discord.py decodes a body only when Content-Type is exactly application/json
        # (aiohttp's json_response would add "; charset=utf-8")
        return web.Response(status=status, body=json.dumps(data).encode(),
                            headers={"Content-Type": "application/json"})

    async def rest(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        text = await request.text()
        call = Call(request.method, path, request.headers.get("Authorization", ""),
                    json.loads(text) if text else None)
        self.calls.append(call)
        route = (request.method, path)
        if route == ("GET", "/users/@me"):
            if self.reject_token:
                return self.json({"message": "401: Unauthorized", "code": 0}, 401)
            return self.json(BOT)
        if route == ("GET", "/oauth2/applications/@me"):
            return self.json({"id": str(APP_ID), "name": "newsdesk", "description": "",
                              "icon": None, "bot_public": True, "bot_require_code_grant": False,
                              "owner": user(OWNER_ID, "owner"), "verify_key": "0" * 64,
                              "flags": 0})
        if route == ("GET", "/gateway/bot"):  # AutoShardedBot asks how many shards to run
            return self.json({"url": self.gateway_url, "shards": 1,
                              "session_start_limit": {"total": 1000, "remaining": 1000,
                                                      "reset_after": 0, "max_concurrency": 1}})
        if route == ("POST", f"/channels/{CHANNEL_ID}/typing"):
            return web.Response(status=204)
        if route == ("POST", MESSAGES):
            return self.json(self.message(call.body))
        if request.method == "POST" and re.fullmatch(THREADS, path):
            # a server where the bot may not open threads: the answer must stand alone
            return self.json({"message": "Missing Permissions", "code": 50013}, 403)
        self.unknown.append(f"{request.method} {path}")
        return self.json({"message": "404: Not Found", "code": 0}, 404)

    def message(self, body: dict[str, Any]) -> dict[str, Any]:
        """The message Discord stores for a POST: the bot turns it back into a Message."""
        self._next_id += 1
        return {"id": str(self._next_id), "channel_id": str(CHANNEL_ID), "author": BOT,
                "content": body.get("content") or "", "embeds": body.get("embeds") or [],
                "timestamp": NOW, "edited_timestamp": None, "tts": False,
                "mention_everyone": False, "mentions": [], "mention_roles": [],
                "attachments": [], "pinned": False, "flags": 0,
                "type": 19 if body.get("message_reference") else 0,
                "message_reference": body.get("message_reference")}

    async def wait_for(self, method: str, pattern: str, proc: asyncio.subprocess.Process,
                       timeout: float) -> Call:
        """The first call matching `pattern`; fails early if the bot exits meanwhile."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            for call in self.calls:
                if call.method == method and re.fullmatch(pattern, call.path):
                    return call
            assert proc.returncode is None, f"newsdesk exited ({proc.returncode}) first"
            assert asyncio.get_running_loop().time() < deadline, (
                f"no {method} {pattern} within {timeout} s; calls: "
                f"{[(c.method, c.path) for c in self.calls]}")
            await asyncio.sleep(0.1)

    # -- gateway ---------------------------------------------------------------
    async def gateway(self, request: web.Request) -> web.WebSocketResponse:
        """HELLO, then READY + GUILD_CREATE + one mention after IDENTIFY; ACK heartbeats.

        Frames are plain JSON text: discord.py asks for zlib-stream but accepts text.
        """
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._sockets.append(ws)
        seq = 0

        async def send(op: int, d: Any, t: str | None = None) -> None:
            nonlocal seq
            frame: dict[str, Any] = {"op": op, "d": d, "t": t, "s": None}
            if op == 0:
                seq += 1
                frame["s"] = seq
            await ws.send_str(json.dumps(frame))

        await send(10, {"heartbeat_interval": 41250})
        async for msg in ws:
            if msg.type is not aiohttp.WSMsgType.TEXT:
                break
            frame = json.loads(msg.data)
            if frame["op"] == 1:  # heartbeat
                await send(11, None)
            elif frame["op"] == 2:  # identify
                self.identify = frame["d"]
                await send(0, self.ready(frame["d"].get("shard", [0, 1])), "READY")
                await send(0, self.guild(), "GUILD_CREATE")
                await send(0, self.mention(), "MESSAGE_CREATE")
        return ws

    def ready(self, shard: list[int]) -> dict[str, Any]:
        return {"v": 10, "user": {**BOT, "verified": True, "mfa_enabled": False},
                "guilds": [{"id": str(GUILD_ID), "unavailable": True}],
                "session_id": "session-1", "resume_gateway_url": self.gateway_url,
                "shard": shard, "application": {"id": str(APP_ID), "flags": 0}}

    @staticmethod
    def guild() -> dict[str, Any]:
        return {"id": str(GUILD_ID), "name": "Newsroom", "owner_id": str(OWNER_ID),
                "unavailable": False, "large": False, "member_count": 2, "joined_at": NOW,
                "features": [], "emojis": [], "stickers": [], "threads": [],
                "voice_states": [], "presences": [], "stage_instances": [],
                "guild_scheduled_events": [], "soundboard_sounds": [],
                "roles": [{"id": str(GUILD_ID), "name": "@everyone",  # @everyone's id = guild's
                           "permissions": str(EVERYONE.value), "position": 0}],
                "channels": [{"id": str(CHANNEL_ID), "type": 0, "name": "news",
                              "position": 0, "permission_overwrites": []}],
                "members": [member(BOT), member(ALICE)]}

    @staticmethod
    def mention() -> dict[str, Any]:
        return {"id": str(MESSAGE_ID), "channel_id": str(CHANNEL_ID),
                "guild_id": str(GUILD_ID), "author": ALICE,
                "member": {k: v for k, v in member(ALICE).items() if k != "user"},
                "content": f"<@{BOT_ID}> {QUESTION}", "timestamp": NOW,
                "edited_timestamp": None, "tts": False, "mention_everyone": False,
                "mentions": [BOT], "mention_roles": [], "attachments": [], "embeds": [],
                "pinned": False, "type": 0, "flags": 0, "components": []}


# -- helpers ---------------------------------------------------------------------
@pytest.fixture
def home(tmp_path: Path, embedder: Embedder) -> Path:
    """A data home with three small articles, catalogued and indexed.

    Built here with the session's model, so the bot finds an index at startup
    instead of loading and embedding the bundled sample corpus.
    """
    home = tmp_path / "home"
    desk = Desk(make_settings(home), embedder=embedder)
    folder = tmp_path / "articles"
    write_articles(folder, {k: ARTICLES[k] for k in ("tw-deepseek", "kr-deepseek", "eu-aiact")})
    report = desk.ingest([folder])
    assert report.added == 3, report.errors
    desk.reindex()
    return home


def _as_from_a_terminal() -> None:
    """Ctrl-C reaches a bot started at a terminal; a background job of a script (as CI may
    start the suite: `.ci/run &`) ignores SIGINT, and its children inherit that."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


async def newsdesk_run(env: dict[str, str], cwd: Path, **streams: Any
                       ) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(NEWSDESK, "run", env=env, cwd=cwd,
                                                stdin=asyncio.subprocess.DEVNULL,
                                                preexec_fn=_as_from_a_terminal, **streams)


async def stop(proc: asyncio.subprocess.Process) -> None:
    """Ctrl-C, as an operator would; kill only if it does not stop in time."""
    if proc.returncode is None:
        proc.send_signal(signal.SIGINT)
        try:
            await asyncio.wait_for(proc.wait(), 20)
        except TimeoutError:
            proc.kill()
            await proc.wait()


# -- tests -----------------------------------------------------------------------
async def test_run_answers_a_mention_over_real_sockets(tmp_path: Path, home: Path) -> None:
    storage = Storage(home / "bot.sqlite3")
    await storage.setup()
    await storage.enable_channel(GUILD_ID, CHANNEL_ID, "mention")
    # every answer opens its thread at once (by default only Follow up does): the refused
    # thread below is then part of answering the mention
    await storage.set_threads(GUILD_ID, None, "always")
    server = FakeDiscord()
    await server.start()
    log = tmp_path / "newsdesk.log"  # a file, not a pipe: a chatty bot can never block on it
    try:
        with log.open("wb") as out:
            proc = await newsdesk_run({**server.env(), "NEWSDESK_HOME": str(home)}, tmp_path,
                                      stdout=out, stderr=out)
        try:
            reply = await server.wait_for("POST", MESSAGES, proc, 90)
            # the answer is followed by an attempt to open a thread on it, refused with 403
            thread = await server.wait_for("POST", THREADS, proc, 15)
            await asyncio.sleep(0.5)  # let an error from the refused thread reach the log
            assert proc.returncode is None, "a refused thread must not stop the bot"
        finally:
            await stop(proc)
            # shown by pytest only when the test fails
            print(f"unknown routes: {server.unknown}\n--- newsdesk output ---")
            print(log.read_text("utf-8", "replace"))
    finally:
        await server.close()
    output = log.read_text("utf-8", "replace")

    assert proc.returncode == 130, "Ctrl-C stops the bot cleanly"
    assert "Traceback" not in output and "Ignoring exception" not in output
    assert server.identify is not None and server.identify["token"] == TOKEN
    assert not server.identify["intents"] & discord.Intents(message_content=True).value, \
        "a plain `run` must not ask for the privileged Message Content intent"
    assert {c.authorization for c in server.calls} == {f"Bot {TOKEN}"}

    body = reply.body
    [embed] = body["embeds"]
    assert "title" not in embed  # the compact answer does not repeat the question
    # a source line opens a line (the first one, when no statement stands above the quotes)
    assert "\n[1] [Taiwan bars government agencies from DeepSeek](https://example.org/" \
        "tw-deepseek) — " in "\n" + embed["description"], embed
    assert "Ministry of Digital Affairs" in embed["description"]
    assert body["allowed_mentions"]["parse"] == [], body["allowed_mentions"]
    assert body["allowed_mentions"].get("replied_user") is False
    assert int(body["message_reference"]["message_id"]) == MESSAGE_ID
    assert body["components"], "the answer carries feedback buttons"
    assert thread.body["name"] == QUESTION


async def test_run_rejected_token_is_one_clear_line(tmp_path: Path, home: Path) -> None:
    server = FakeDiscord(reject_token=True)
    await server.start()
    try:
        proc = await newsdesk_run({**server.env(), "NEWSDESK_HOME": str(home)}, tmp_path,
                                  stdout=asyncio.subprocess.PIPE,
                                  stderr=asyncio.subprocess.PIPE)
        try:
            _, err = await asyncio.wait_for(proc.communicate(), 60)
        finally:
            await stop(proc)
    finally:
        await server.close()
    stderr = err.decode("utf-8", "replace")

    assert proc.returncode == 2, stderr
    assert "error: Discord rejected the token" in stderr
    assert "Traceback" not in stderr, stderr
    assert [(c.method, c.path, c.authorization) for c in server.calls] == [
        ("GET", "/users/@me", f"Bot {TOKEN}")]
    assert server.identify is None  # it never reached the gateway


async def test_run_without_token_exits_2(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISCORD_TOKEN", "NEWSDESK_DISCORD_TOKEN")}
    assert not (tmp_path / ".env").exists()  # cwd=tmp_path: no developer .env is read
    proc = await newsdesk_run(env, tmp_path, stdout=asyncio.subprocess.PIPE,
                              stderr=asyncio.subprocess.PIPE)
    try:
        out, err = await asyncio.wait_for(proc.communicate(), 60)
    finally:
        await stop(proc)
    lines = err.decode("utf-8", "replace").strip().splitlines()

    assert proc.returncode == 2, lines
    assert len(lines) == 1 and "DISCORD_TOKEN" in lines[0], lines
    assert lines[0].startswith("error:")
    assert not out
