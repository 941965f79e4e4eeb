"""One URL per story: tracking parameters, fragments and AMP variants removed."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_TRACKING = re.compile(
    r"^(utm_.*|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|igshid|yclid|_hsenc|_hsmi|ref|ref_src|"
    r"cmpid|ocid|smid|sr_share|at_medium|at_campaign|guccounter|amp|outputtype)$", re.I)
_CANONICAL = re.compile(
    r"<link\b[^>]*\brel=[\"']?canonical[\"']?[^>]*>", re.I)
_HREF = re.compile(r"\bhref=[\"']([^\"']+)[\"']", re.I)


def canonical_url(url: str) -> str:
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if host.startswith("amp."):
        host = host[4:]
    if parts.port and not ((parts.scheme == "http" and parts.port == 80)
                           or (parts.scheme == "https" and parts.port == 443)):
        host = f"{host}:{parts.port}"
    path = parts.path or "/"
    path = re.sub(r"/amp/?$", "/", path)
    path = re.sub(r"\.amp(\.html?)?$", r"\1", path)
    path = re.sub(r"/amp/", "/", path)
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    query = urlencode(sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                             if not _TRACKING.match(k)))
    return urlunsplit((parts.scheme.lower(), host, path, query, ""))


def declared_canonical(html: str, base_url: str) -> str | None:
    """The page's own <link rel=canonical>, when it is an absolute http(s) URL."""
    from urllib.parse import urljoin

    for tag in _CANONICAL.findall(html[:200_000]):
        href = _HREF.search(tag)
        if href:
            url = urljoin(base_url, href.group(1).strip())
            if url.startswith(("http://", "https://")):
                return url
    return None
