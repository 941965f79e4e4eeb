"""Hostile inputs for the fault campaign: files, questions and HTTP servers.

Everything is generated from a seed, so a failing run can be repeated exactly.
"""

from __future__ import annotations

import json
import os
import random
import zlib
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from feed_server import (
    FeedServer,
    Resource,
    Story,
    endless,
    entry,
    never_answers,
    redirect,
    rss2,
    slow_headers,
    trickle,
)

BODY = ("Samsung unveiled its generative model Gauss in November, the company said, and "
        "plans to ship it on phones next year.")


# -- files --------------------------------------------------------------------------------------

def good_file(i: int) -> tuple[str, str, str]:
    """(file name, id, text) of a healthy article, to sit between the hostile ones."""
    aid = f"good-{i:03d}"
    return f"{i:03d}-good.md", aid, f"---\nid: {aid}\ntitle: Good {i}\n---\n{BODY} ({i})\n"


def hostile_files(seed: int) -> dict[bytes, bytes]:
    """File name (bytes: some are not UTF-8) → content; each one hostile in its own way."""
    rnd = random.Random(seed)
    deep = "[" * 100_000 + "]" * 100_000
    files: dict[str, bytes | str] = {
        "bad-month.md": f"---\npublished: 2025-13-45\n---\n{BODY}",
        "feb-30.md": f"---\npublished: 2025-02-30\n---\n{BODY}",
        "bigint.md": f"---\nid: {'9' * 5000}\n---\n{BODY}",
        "deep-yaml.md": f"---\ntitle: {'[' * 30_000}{']' * 30_000}\n---\n{BODY}",
        "yaml-alias-bomb.md": "---\na: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
            f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n"
            for i in range(8)) + f"title: *i\n---\n{BODY}",
        "bigint.json": f'{{"id": {"9" * 5000}, "text": "{BODY}"}}',
        "deep.json": deep,
        "deep-lines.jsonl": "\n".join([json.dumps({"id": "line-ok-1", "text": BODY}), deep,
                                       json.dumps({"id": "line-ok-3", "text": BODY})]),
        "surrogates.json": '{"id": "sur\\ud800", "title": "\\udc00", "text": "' + BODY +
                           ' \\ud83d"}',
        "nul-bytes.txt": b"\x00" * 5000,
        "binary.html": bytes(rnd.randrange(256) for _ in range(50_000)),
        "latin1.txt": ("Le gouvernement a décidé très tôt d'interdire l'application. " * 3
                       ).encode("latin-1"),
        "empty.md": "",
        "unclosed.md": f"---\ntitle: x\n{BODY}",
        "one-line-2mb.txt": ("Nvidia said the H20 needs an export licence. " * 45_000)[:2_000_000],
        "controls.md": "---\ntitle: \x1b[31mred\x07\n---\n" + BODY + "\x0b\x0c\x1f",
        "html-deep.html": "<div>" * 50_000 + BODY + "</div>" * 50_000,
        "list.json": json.dumps([{"id": f"list-{i}", "text": BODY} for i in range(3)] + [5, None]),
        "[red]markup[bold].md": f"---\nid: markup-name\n---\n{BODY}",
    }
    out = {name.encode(): data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass")
           for name, data in files.items()}
    out[b"caf\xe9-latin1-name.md"] = f"---\nid: latin1-name\n---\n{BODY}".encode()
    return out


# ids the hostile files hold that must be stored despite their neighbours
SALVAGEABLE = {"line-ok-1", "line-ok-3", "latin1-name", "list-0", "list-1", "list-2",
               "markup-name"}


def write_folder(folder: Path, seed: int, good: int = 12) -> set[str]:
    """Hostile files with healthy ones between them; the ids that must be stored."""
    folder.mkdir(parents=True, exist_ok=True)
    expected = set(SALVAGEABLE)
    for i in range(good):
        name, aid, text = good_file(i)
        (folder / name).write_text(text, "utf-8")
        expected.add(aid)
    for name, data in hostile_files(seed).items():
        with open(os.path.join(os.fsencode(folder), name), "wb") as f:
            f.write(data)
    return expected


# -- questions ----------------------------------------------------------------------------------

SEEDS = ["what did Korea do about DeepSeek", "who founded DeepSeek?",
         "Wie viel investiert Nordlicht?", "Qu'a fait l'Italie contre ChatGPT ?",
         "딥시크 다운로드 중단", "DeepSeek 发布了什么模型？"]
ODD = ["", " ", "\t\t", "?", "@everyone <@&1> <@1>", "**bold** `code` ~~x~~ ||spoiler||",
       "%s %d {0} {__class__}", "'; DROP TABLE articles; --", "\u202etxet desrever",
       "\u200b\u200c\u200d\ufeff", "🤖" * 200, "a" * 5000, "é" * 499, "\\" * 300, "<script>",
       "\x7f\x1b[2J", "../../etc/passwd", "null", "NaN", "0" * 600]


def fuzz_questions(count: int, seed: int) -> list[bytes]:
    """`count` question lines (no line break inside any): mutated real questions, odd text,
    random Unicode and random bytes that are not UTF-8."""
    rnd = random.Random(seed)
    makers: list[Callable[[], bytes]] = [
        lambda: rnd.choice(SEEDS).encode(),
        lambda: rnd.choice(ODD).encode(),
        lambda: _mutated(rnd, rnd.choice(SEEDS)).encode("utf-8"),
        lambda: "".join(chr(rnd.choice([rnd.randrange(32, 0x2000), rnd.randrange(0x3000, 0xD7FF),
                                        rnd.randrange(0xE000, 0x10FFFF)]))
                        for _ in range(rnd.randrange(1, 120))).encode("utf-8"),
        lambda: bytes(rnd.randrange(256) for _ in range(rnd.randrange(1, 200))),
        lambda: rnd.choice(SEEDS).encode() + bytes([rnd.randrange(0x80, 0x100)]),
    ]
    lines = []
    for _ in range(count):
        raw = rnd.choice(makers)().replace(b"\n", b" ")
        lines.append(raw)
    return lines


def _mutated(rnd: random.Random, text: str) -> str:
    chars = list(text)
    for _ in range(rnd.randrange(1, 6)):
        i = rnd.randrange(len(chars) + 1)
        chars.insert(i, chr(rnd.randrange(0, 0x110000)) if rnd.random() < 0.5 else
                     rnd.choice(["\r", "\t", "\x00", "\u2028", "?", "…"]))
    return "".join(c for c in chars if not 0xD800 <= ord(c) <= 0xDFFF)


# -- HTTP ---------------------------------------------------------------------------------------

def bomb(size: int, codings: list[str]) -> bytes:
    """`size` zero bytes under each content coding in turn (gzip or deflate)."""
    wbits = {"gzip": 31, "deflate": 15}
    block = b"\0" * 1_000_000
    encoder = zlib.compressobj(9, zlib.DEFLATED, wbits[codings[0]])
    body = b"".join(encoder.compress(block) for _ in range(size // len(block)))
    body += encoder.flush()
    for coding in codings[1:]:
        encoder = zlib.compressobj(9, zlib.DEFLATED, wbits[coding])
        body = encoder.compress(body) + encoder.flush()
    return body


def huge_feed(server: FeedServer, items: int) -> Resource:
    """A feed listing `items` stories, as tersely as RSS allows so that 50,000 of them fit
    under the 5 MB cap (their pages are 404s and they have no summary: each is an error)."""
    body = "".join(f"<item><link>{server.url(f'/s/{i}')}</link></item>" for i in range(items))
    xml = (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Huge</title>'
           f"<link>{server.url('/')}</link>{body}</channel></rss>")
    return Resource(xml.encode(), "application/rss+xml")


LAUGHS = ('<?xml version="1.0"?>\n<!DOCTYPE rss [\n  <!ENTITY lol0 "lol">\n' + "".join(
    f'  <!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">\n' for i in range(1, 10))
    + ']>\n<rss version="2.0"><channel><title>&lol9;</title></channel></rss>\n').encode()

STORY = Story("/good/story.html", "en", "Meridian Labs opens a Lisbon research centre",
              "By Hannah Cole", datetime(2025, 3, 4, 9, 30, tzinfo=UTC), [
                  "Meridian Labs, the Dublin-based AI start-up, has opened a research centre "
                  "in Lisbon that will employ 140 engineers by the end of next year.",
                  "The new centre will focus on small language models that run on laptops "
                  "and phones without a cloud connection."],
              summary="Dublin start-up Meridian Labs opens a Lisbon research centre for small "
                      "language models that run on laptops and phones.")


def http_cases(server: FeedServer, bomb_size: int, feed_items: int
               ) -> dict[str, tuple[str, bool]]:
    """Case name → (URL to add as a source, whether adding it should succeed)."""
    def serve(path: str, route: object) -> str:
        return server.serve(path, route)  # type: ignore[arg-type]

    server.serve(STORY.path, STORY.page())
    bad = [("/bad/port", "http://127.0.0.1:99999/"), ("/bad/ipv6", "http://[::1/"),
           ("/bad/metadata", "http://169.254.169.254/latest/meta-data/"),
           ("/bad/file", "file:///etc/passwd"), ("/bad/loop", "/bad/loop")]
    for path, target in bad:
        serve(path, redirect(target))
    mixed = [entry(server, STORY)] + [
        entry(server, Story(path, "en", f"Bad {path}", "", STORY.published, [],
                            summary=STORY.summary + f" ({path})")) for path, _ in bad]
    return {
        "gzip bomb": (serve("/bomb/gz", Resource(bomb(bomb_size, ["gzip"]), "text/html",
                                                 headers={"Content-Encoding": "gzip"})), False),
        "gzip,gzip bomb": (serve("/bomb/gzgz", Resource(
            bomb(bomb_size, ["gzip", "gzip"]), "text/html",
            headers={"Content-Encoding": "gzip, gzip"})), False),
        "deflate bomb": (serve("/bomb/deflate", Resource(
            bomb(bomb_size, ["deflate"]), "application/rss+xml",
            headers={"Content-Encoding": "deflate"})), False),
        "brotli": (serve("/br", Resource(b"\x1b\x03\x00\xf8\xa5", "text/html",
                                         headers={"Content-Encoding": "br"})), False),
        "endless body": (serve("/endless", endless()), False),
        "1 GB declared": (serve("/declared", endless(1 << 30)), False),
        "trickle body": (serve("/trickle", trickle), False),
        "slow headers": (serve("/slow-headers", slow_headers(every=0.5, count=240)), False),
        "never answers": (serve("/silent", never_answers), False),
        "redirect loop": (server.url("/bad/loop"), False),
        "redirect bad port": (server.url("/bad/port"), False),
        "redirect broken ipv6": (server.url("/bad/ipv6"), False),
        "redirect to metadata": (server.url("/bad/metadata"), False),
        "redirect to file:": (server.url("/bad/file"), False),
        "binary page": (serve("/binary", Resource(bytes(random.Random(3).randrange(256)
                                                          for _ in range(200_000)),
                                                    "text/html")), False),
        "entity bomb": (serve("/lol", Resource(LAUGHS, "application/rss+xml")), False),
        f"{feed_items:,}-item feed": (serve("/huge.xml", huge_feed(server, feed_items)), True),
        "feed with bad redirects": (serve("/mixed.xml", rss2("Mixed", server.url("/"), mixed)),
                                    True),
    }
