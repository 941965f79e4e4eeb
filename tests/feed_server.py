"""A small HTTP server for the web-ingestion tests: news pages, feeds and hostile servers.

`FeedServer` listens on 127.0.0.1 (a free port) in a daemon thread. Tests put
`Resource`s (or hostile behaviours: plain functions of the request handler)
into `routes` and change them between fetches; every request is logged with
the headers that matter, so a test can tell what newsdesk asked for and what
it was answered. A path without a route is a 404 — so robots.txt is absent
(everything allowed) unless a test serves one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import format_datetime
from html import escape
from http.server import BaseHTTPRequestHandler
from typing import Any

from loopback import HOST, LoopbackServer


@dataclass
class Resource:
    """A plain answer: a body, its type, and an ETag honoured with 304 (unless etag=False)."""

    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    etag: bool = True

    @property
    def tag(self) -> str:
        return '"' + hashlib.sha1(self.body).hexdigest()[:16] + '"'


Behaviour = Callable[["Handler"], None]  # a hostile server: does what it likes with the socket


@dataclass
class Request:
    path: str
    host: str  # the Host header: tells 127.0.0.1 from localhost
    user_agent: str
    if_none_match: str | None
    status: int | None = None  # what we answered (None: a behaviour, not a Resource)


class Handler(BaseHTTPRequestHandler):
    server: Any  # its `owner` is the FeedServer

    def do_GET(self) -> None:
        owner = self.server.owner
        request = Request(path=self.path, host=self.headers.get("Host", ""),
                          user_agent=self.headers.get("User-Agent", ""),
                          if_none_match=self.headers.get("If-None-Match"))
        with owner.lock:
            owner.requests.append(request)
            route = owner.routes.get(self.path.split("?")[0])
        try:
            if route is None:
                request.status = 404
                self._send(404, b"not found", "text/plain")
            elif isinstance(route, Resource):
                self._resource(route, request)
            else:
                route(self)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client hung up: exactly what a size cap or a timeout does

    def _resource(self, resource: Resource, request: Request) -> None:
        if resource.etag and resource.status == 200 and request.if_none_match == resource.tag:
            request.status = 304
            self.send_response(304)
            self.send_header("ETag", resource.tag)
            self.end_headers()
            return
        request.status = resource.status
        headers = dict(resource.headers)
        if resource.etag and resource.status == 200:
            headers["ETag"] = resource.tag
        self._send(resource.status, resource.body, resource.content_type, headers)

    def _send(self, status: int, body: bytes, content_type: str,
              headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass  # the request log is in FeedServer.requests


class FeedServer(LoopbackServer):
    def __init__(self) -> None:
        self.routes: dict[str, Resource | Behaviour] = {}
        self.requests: list[Request] = []
        super().__init__(Handler)

    def url(self, path: str, host: str = HOST) -> str:
        return f"http://{host}:{self.port}{path}"

    def serve(self, path: str, resource: Resource | Behaviour) -> str:
        with self.lock:
            self.routes[path] = resource
        return self.url(path)

    def requested(self, path: str) -> list[Request]:
        with self.lock:
            return [r for r in self.requests if r.path == path]

    def forget(self) -> None:
        with self.lock:
            self.requests.clear()


# -- hostile behaviours ---------------------------------------------------------------------

def endless(declared_length: int | None = None) -> Behaviour:
    """A body that never ends (64 KiB at a time until the client hangs up), claiming
    `declared_length` bytes when given — e.g. 1 GiB; nothing near that is ever sent."""

    def behaviour(handler: Handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/rss+xml")
        if declared_length is not None:
            handler.send_header("Content-Length", str(declared_length))
        handler.end_headers()
        chunk = b"<rss><channel><item>" + b"x" * 65_000
        sent = 0
        while sent < 1_073_741_824 and not handler.server.owner.stopping.is_set():
            handler.wfile.write(chunk)
            sent += len(chunk)

    return behaviour


def never_answers(handler: Handler) -> None:
    """Accepts the connection, reads the request, then says nothing at all."""
    handler.server.owner.stopping.wait(30)


def slow_headers(every: float, count: int) -> Behaviour:
    """The status line at once, then one byte of a header every `every` s, `count` times:
    each read succeeds well within a read timeout, so only an overall deadline stops it."""

    def behaviour(handler: Handler) -> None:
        handler.wfile.write(b"HTTP/1.1 200 OK\r\n")
        handler.wfile.flush()
        for _ in range(count):
            if handler.server.owner.stopping.wait(every):
                return
            handler.wfile.write(b"X")
            handler.wfile.flush()

    return behaviour


def trickle(handler: Handler) -> None:
    """Headers at once, then one byte of body every 0.1 s: never too slow for a read
    timeout, only an overall deadline stops it."""
    handler.send_response(200)
    handler.send_header("Content-Type", "application/rss+xml")
    handler.end_headers()
    while not handler.server.owner.stopping.wait(0.1):
        handler.wfile.write(b" ")
        handler.wfile.flush()


def redirect(location: str, status: int = 302) -> Resource:
    return Resource(b"", "text/plain", status=status, headers={"Location": location}, etag=False)


# -- news pages and feeds ---------------------------------------------------------------------

@dataclass
class Story:
    """One article as a news site publishes it: a page, and an item in its feed."""

    path: str
    lang: str
    title: str
    byline: str
    published: datetime
    paragraphs: list[str]
    summary: str = ""
    site: str = "Test Wire"

    def page(self, canonical: str | None = None) -> Resource:
        return Resource(page_html(self, canonical).encode("utf-8"))


def page_html(story: Story, canonical: str | None = None) -> str:
    paragraphs = "\n".join(f"      <p>{escape(p)}</p>" for p in story.paragraphs)
    link = f'  <link rel="canonical" href="{escape(canonical)}">\n' if canonical else ""
    return f"""<!DOCTYPE html>
<html lang="{story.lang}">
<head>
  <meta charset="utf-8">
  <title>{escape(story.title)} | {escape(story.site)}</title>
  <meta property="og:site_name" content="{escape(story.site)}">
  <meta property="article:published_time" content="{story.published.isoformat()}">
{link}</head>
<body>
  <nav><a href="/">Home</a> · <a href="/ai">AI</a> · <a href="/chips">Chips</a> ·
    <a href="/policy">Policy</a> · <a href="/newsletter">Newsletter</a></nav>
  <main>
    <article>
      <h1>{escape(story.title)}</h1>
      <p class="byline">{escape(story.byline)}</p>
{paragraphs}
    </article>
  </main>
  <footer><p>© {escape(story.site)}. All rights reserved.</p>
    <p><a href="/privacy">Privacy</a> · <a href="/contact">Contact</a></p></footer>
</body>
</html>
"""


@dataclass
class Entry:
    """A feed item; `updated` is what a publisher bumps when it edits the story."""

    url: str
    title: str
    summary: str
    updated: datetime


def entry(server: FeedServer, story: Story, host: str = HOST,
          updated: datetime | None = None) -> Entry:
    return Entry(server.url(story.path, host), story.title, story.summary,
                 updated or story.published)


def rss2(title: str, link: str, entries: list[Entry]) -> Resource:
    items = "".join(f"""
    <item>
      <title>{escape(e.title)}</title>
      <link>{escape(e.url)}</link>
      <guid isPermaLink="true">{escape(e.url)}</guid>
      <pubDate>{format_datetime(e.updated)}</pubDate>
      <description>{escape(e.summary)}</description>
    </item>""" for e in entries)
    xml = f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0">
  <channel>
    <title>{escape(title)}</title>
    <link>{escape(link)}</link>
    <description>AI news for the newsdesk tests</description>{items}
  </channel>
</rss>
"""
    return Resource(xml.encode("utf-8"), "application/rss+xml; charset=utf-8")


def atom(title: str, link: str, entries: list[Entry]) -> Resource:
    newest = max((e.updated for e in entries), default=datetime(2025, 1, 1))
    items = "".join(f"""
  <entry>
    <title>{escape(e.title)}</title>
    <link href="{escape(e.url)}"/>
    <id>{escape(e.url)}</id>
    <updated>{e.updated.isoformat()}</updated>
    <summary>{escape(e.summary)}</summary>
  </entry>""" for e in entries)
    xml = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>{escape(title)}</title>
  <link href="{escape(link)}"/>
  <id>{escape(link)}</id>
  <updated>{newest.isoformat()}</updated>{items}
</feed>
"""
    # served as plain XML, as many sites do: newsdesk must recognise it by its content
    return Resource(xml.encode("utf-8"), "text/xml; charset=utf-8")


def rdf(title: str, link: str, entries: list[Entry]) -> Resource:
    """RSS 1.0."""
    seq = "".join(f'\n          <rdf:li rdf:resource="{escape(e.url)}"/>' for e in entries)
    items = "".join(f"""
  <item rdf:about="{escape(e.url)}">
    <title>{escape(e.title)}</title>
    <link>{escape(e.url)}</link>
    <description>{escape(e.summary)}</description>
    <dc:date>{e.updated.isoformat()}</dc:date>
  </item>""" for e in entries)
    xml = f"""<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="{escape(link)}">
    <title>{escape(title)}</title>
    <link>{escape(link)}</link>
    <description>AI news for the newsdesk tests</description>
    <items>
      <rdf:Seq>{seq}
      </rdf:Seq>
    </items>
  </channel>{items}
</rdf:RDF>
"""
    return Resource(xml.encode("utf-8"), "application/rdf+xml")

