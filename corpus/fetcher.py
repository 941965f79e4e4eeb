"""Polite, bounded HTTP fetching for feeds and article pages.

Every request: a clear User-Agent, connect/read timeouts and an overall
deadline on everything from connecting to the last body byte, a size cap on
the decoded body enforced while decoding, redirects followed by hand
(at most `max_redirects`, each hop re-checked by the SSRF guard), one request
at a time per host with a pause between them, robots.txt honoured for
article pages, and conditional GET so an unchanged feed costs one 304.
"""

from __future__ import annotations

import ipaddress
import threading
import time
import urllib.robotparser
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any
from urllib.parse import urlsplit

import httpcore
import httpx
from pydantic import BaseModel

from corpus import inflate
from corpus.errors import NewsdeskError
from corpus.netguard import HostPolicy, join_url, refused_private, split_url

USER_AGENT = "newsdesk/0.1 (+https://example.org/newsdesk; AI-news Q&A bot)"
REDIRECTS = {301, 302, 303, 307, 308}


class FetchError(NewsdeskError):
    """`status`: the HTTP status the server answered with, when it answered with an error."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class FetchSettings(BaseModel):
    user_agent: str = USER_AGENT
    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    deadline: float = 30.0  # a trickling server cannot hold a fetch longer than this
    max_bytes: int = 5_000_000
    max_redirects: int = 5
    host_delay: float = 1.0  # seconds between two requests to one host
    allow_hosts: list[str] = []


class Fetched(BaseModel):
    url: str  # after redirects
    status: int
    content_type: str = ""
    body: bytes = b""
    etag: str | None = None
    last_modified: str | None = None
    location: str | None = None  # where a redirect points

    @property
    def not_modified(self) -> bool:
        return self.status == 304


_deadline: ContextVar[float | None] = ContextVar("fetch_deadline", default=None)


def _left(timeout: float | None) -> float | None:
    """A socket timeout that also ends at the current fetch's deadline."""
    deadline = _deadline.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise httpcore.ReadTimeout("the fetch deadline has passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A socket whose every read and write is cut short at the fetch deadline, so a server
    sending one header byte every few seconds cannot outlast it."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _left(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _left(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname,
                                                     _left(timeout)))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    def __init__(self) -> None:
        self._inner = httpcore.SyncBackend()

    def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                    local_address: str | None = None, socket_options: Any = None
                    ) -> httpcore.NetworkStream:
        return _DeadlineStream(self._inner.connect_tcp(host, port, _left(timeout),
                                                       local_address, socket_options))

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Any = None) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("unix sockets are never fetched")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class _Transport(httpx.HTTPTransport):
    """httpx's own transport over the deadline-bounded sockets (httpx takes no backend)."""

    def __init__(self) -> None:
        super().__init__(trust_env=False)
        self._pool = httpcore.ConnectionPool(network_backend=_DeadlineBackend())


def _reason(exc: Exception) -> str:
    """The exception's class and first line (e.g. an invalid Location header), kept short."""
    detail = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
    return f"{exc.__class__.__name__}: {detail}" if detail else exc.__class__.__name__


@contextmanager
def _until(deadline: float) -> Iterator[None]:
    token = _deadline.set(deadline)
    try:
        yield
    finally:
        _deadline.reset(token)


class Fetcher:
    def __init__(self, settings: FetchSettings | None = None) -> None:
        self.settings = settings or FetchSettings()
        self.policy = HostPolicy(self.settings.allow_hosts)
        s = self.settings
        self.client = httpx.Client(
            follow_redirects=False, transport=_Transport(),
            headers={"User-Agent": s.user_agent, "Accept-Encoding": inflate.ACCEPTED},
            timeout=httpx.Timeout(s.read_timeout, connect=s.connect_timeout),
            trust_env=False,  # no proxies from the environment: we check the real peer
        )
        self._guard = threading.Lock()
        self._host_locks: dict[str, threading.Lock] = {}
        self._last_request: dict[str, float] = {}
        self._robots: dict[str, urllib.robotparser.RobotFileParser | None] = {}

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _host_lock(self, host: str) -> threading.Lock:
        with self._guard:
            return self._host_locks.setdefault(host, threading.Lock())

    def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None,
            robots: bool = False) -> Fetched:
        """GET with every safeguard; raises FetchError (or UnsafeURL) with a readable reason.

        One deadline covers the whole fetch: every redirect, robots.txt, every byte."""
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        with _until(_deadline.get() or time.monotonic() + self.settings.deadline):
            for _hop in range(self.settings.max_redirects + 1):
                self.policy.check(url)
                if robots and not self.allowed_by_robots(url):
                    raise FetchError(f"robots.txt of {urlsplit(url).netloc} disallows {url}")
                response = self._once(url, headers)
                if response.status not in REDIRECTS:
                    return response
                if not response.location:
                    raise FetchError(f"{url} redirects without a Location")
                url = join_url(url, response.location)
        raise FetchError(f"too many redirects (more than {self.settings.max_redirects})")

    def _once(self, url: str, headers: dict[str, str]) -> Fetched:
        host = (urlsplit(url).hostname or "").lower()
        s = self.settings
        with self._host_lock(host):
            wait = self._last_request.get(host, 0.0) + s.host_delay - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            deadline = _deadline.get() or time.monotonic() + s.deadline
            try:
                with _until(deadline):
                    return self._stream(url, headers)
            except httpx.TimeoutException:
                if time.monotonic() >= deadline - 0.05:
                    raise FetchError(f"{url} is too slow (over {s.deadline:.0f} s)") from None
                raise FetchError(f"{host} did not answer in time") from None
            except httpx.HTTPError as exc:
                raise FetchError(f"cannot fetch {url} ({_reason(exc)})") from None
            finally:
                self._last_request[host] = time.monotonic()

    def _stream(self, url: str, headers: dict[str, str]) -> Fetched:
        s = self.settings
        with self.client.stream("GET", url, headers=headers) as r:
            self._check_peer(r, url)
            if r.status_code in REDIRECTS:
                return Fetched(url=url, status=r.status_code, location=r.headers.get("location"))
            if r.status_code == 304:
                return Fetched(url=url, status=304, etag=r.headers.get("etag"),
                               last_modified=r.headers.get("last-modified"))
            if r.status_code >= 400:
                raise FetchError(f"{url} answered HTTP {r.status_code}", status=r.status_code)
            declared = r.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > s.max_bytes:
                raise FetchError(f"{url} is too large ({int(declared):,} bytes; the limit is "
                                 f"{s.max_bytes:,})")
            return Fetched(url=url, status=r.status_code, body=self._body(r, url),
                           content_type=r.headers.get("content-type", ""),
                           etag=r.headers.get("etag"),
                           last_modified=r.headers.get("last-modified"))

    def _body(self, response: httpx.Response, url: str) -> bytes:
        """The decoded body; no layer of decoding may hold more than the cap."""
        cap = self.settings.max_bytes
        try:
            return b"".join(inflate.decode(response.iter_raw(), response.headers.get(
                "content-encoding", ""), cap))
        except inflate.TooLarge:
            raise FetchError(f"{url} is too large (over {cap:,} bytes)") from None
        except inflate.UnsupportedCoding as exc:
            raise FetchError(f"{url} uses the content encoding {exc.coding}, which newsdesk "
                             "does not accept") from None
        except zlib.error:
            raise FetchError(f"{url} sent a body its content encoding cannot decode") from None

    def _check_peer(self, response: httpx.Response, url: str) -> None:
        """The address we actually connected to must pass too (DNS can change under us)."""
        stream = response.extensions.get("network_stream")
        peer = stream.get_extra_info("server_addr") if stream is not None else None
        if not peer:
            return
        address = ipaddress.ip_address(peer[0])
        host = (urlsplit(url).hostname or "").lower()
        if not address.is_global and not self.policy.allows_address(address) and \
                host not in self.policy.names:
            raise refused_private(host, str(address))

    def allowed_by_robots(self, url: str) -> bool:
        parts = split_url(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        self.policy.check(origin + "/robots.txt")
        if origin not in self._robots:
            parser: urllib.robotparser.RobotFileParser | None = None
            try:
                fetched = self._once(origin + "/robots.txt", {})
                if fetched.status < 300:
                    parser = urllib.robotparser.RobotFileParser()
                    parser.parse(fetched.body.decode("utf-8", "replace").splitlines())
            except FetchError as exc:
                if exc.status is not None and exc.status >= 500:  # broken: stay away for now
                    parser = urllib.robotparser.RobotFileParser()
                    parser.disallow_all = True
            self._robots[origin] = parser
        parser = self._robots[origin]
        return parser is None or parser.can_fetch(self.settings.user_agent, url)
