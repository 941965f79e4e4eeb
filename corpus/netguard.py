"""Which URLs newsdesk may fetch: public http(s) hosts only (an SSRF guard).

A feed or page URL comes from a moderator, and every redirect comes from a
remote server, so each hop is checked: scheme, no credentials, and every
address the host resolves to must be public — unless `allow_hosts` names
the host, the address or a CIDR range containing it (tests allow 127.0.0.1).
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from urllib.parse import SplitResult, urljoin, urlsplit

from corpus.errors import NewsdeskError

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


ALLOW_SETTING = "NEWSDESK_ALLOW_HOSTS"  # CorpusSettings.allow_hosts, as the environment names it


class UnsafeURL(NewsdeskError):
    pass


def refused_private(host: str, address: str) -> UnsafeURL:
    """The refusal names the setting that lifts it, so whoever runs newsdesk on a private
    network (or tests it on 127.0.0.1) knows what to set, and on which host."""
    return UnsafeURL(f"{host} points to a private or local address ({address}); refused. "
                     f"To fetch it anyway, add {host} to {ALLOW_SETTING} (host names, addresses "
                     "or CIDR ranges, comma-separated)")


def split_url(url: str) -> SplitResult:
    """The parts of a link, its port checked; UnsafeURL when it is malformed (a bad port,
    a broken IPv6 literal), which urllib reports as a bare ValueError."""
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - parsed lazily: this is where a bad port raises
    except ValueError as exc:
        raise UnsafeURL(f"the link {_shown(url)} is malformed ({exc})") from None
    return parts


def join_url(base: str, location: str) -> str:
    """Where a redirect points, resolved against the URL that sent it."""
    try:
        return urljoin(base, location)
    except ValueError as exc:
        raise UnsafeURL(f"{_shown(base)} redirects to a malformed link ({exc})") from None


def _shown(url: str) -> str:
    return repr(url if len(url) <= 200 else url[:200] + "…")


class HostPolicy:
    def __init__(self, allow: Iterable[str] = ()) -> None:
        self.names: set[str] = set()
        self.networks: list[Network] = []
        for raw in allow:
            item = raw.strip().lower()
            if not item:
                continue
            try:
                self.networks.append(ipaddress.ip_network(item, strict=False))
            except ValueError:
                self.names.add(item.rstrip("."))

    def allows_address(self, address: Address) -> bool:
        return any(address in network for network in self.networks)

    def check(self, url: str) -> str:
        """The URL if it may be fetched; UnsafeURL with the reason otherwise."""
        parts = split_url(url)
        if parts.scheme not in ("http", "https"):
            raise UnsafeURL(f"only http and https links can be fetched, not {parts.scheme or '?'}:")
        if parts.username or parts.password:
            raise UnsafeURL("links with a user name or password are refused")
        host = (parts.hostname or "").rstrip(".").lower()
        if not host:
            raise UnsafeURL("the link has no host")
        if host in self.names:
            return url
        try:
            infos = socket.getaddrinfo(host, parts.port or (443 if parts.scheme == "https" else 80),
                                       type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError):
            raise UnsafeURL(f"the host {host} cannot be resolved") from None
        for info in infos:
            address = ipaddress.ip_address(info[4][0].split("%")[0])
            if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
                address = address.ipv4_mapped
            if not address.is_global and not self.allows_address(address):
                raise refused_private(host, str(address))
        return url
