"""Fetch web pages as evidence, only when asked, without becoming a tool against the operator's network.

The URLs come from the campaign (links pasted into chats), so a fetch is an
attacker-chosen request made from the investigator's machine. Rules:

- only ``http`` and ``https``;
- every hop (the first request and each redirect) is resolved with DNS first,
  and refused if *any* address it resolves to is not a public unicast address
  (private, loopback, link-local, multicast, reserved, shared, unspecified;
  IPv4-mapped IPv6 judged as the IPv4 it carries), unless the operator allows
  private addresses or names networks to allow;
- the request then goes to the address that was checked (the URL's host is
  sent as ``Host`` and as the TLS server name), so a second DNS answer cannot
  swap in an internal address between check and connect;
- redirects are followed by hand, at most :attr:`FetchLimits.max_redirects`;
  the body is read in chunks and dropped beyond :attr:`FetchLimits.max_bytes`;
  the whole fetch has a deadline; proxies from the environment are ignored;
- the body is stored, never rendered: no script runs, a meta refresh is
  recorded and not followed.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import httpx
from sqlalchemy import Engine, func, select

from fakewatch import GENERATOR
from fakewatch.sources import web
from fakewatch.store.tables.core import inputs

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
HTML_TYPES = ("text/html", "application/xhtml+xml")


class FetchError(Exception):
    """A URL that was not fetched, and why."""

    def __init__(self, url: str, reason: str) -> None:
        self.url, self.reason = url, reason
        super().__init__(f"{url}: {reason}")


class RefusedAddress(FetchError):
    """The URL's host resolves to an address fetching may not reach."""


@dataclass(frozen=True)
class FetchLimits:
    max_bytes: int = 5 * 1024**2
    timeout: float = 20.0  # seconds for the whole fetch, redirects included
    max_redirects: int = 5
    allow_private: bool = False
    allow_networks: tuple[IPNetwork, ...] = ()  # e.g. an intranet mirror the operator vouches for


def refusal(ip: IPAddress) -> str | None:
    """Why `ip` may not be fetched from, or None when it is a public unicast address."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    for reason, flag in (("loopback", ip.is_loopback), ("link-local", ip.is_link_local),
                         ("multicast", ip.is_multicast), ("unspecified", ip.is_unspecified),
                         ("reserved", ip.is_reserved), ("private", ip.is_private),
                         ("not globally routable", not ip.is_global)):
        if flag:
            return reason
    return None


def resolve(url: str, host: str, port: int, limits: FetchLimits) -> IPAddress:
    """The address to connect to for `host`, after checking every address DNS gives for it."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError) as exc:
        raise FetchError(url, f"cannot resolve {host!r}: {exc}") from None
    addresses = [ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos]
    if not addresses:
        raise FetchError(url, f"{host!r} has no address")
    for ip in addresses if not limits.allow_private else ():
        if any(ip in net for net in limits.allow_networks):
            continue
        reason = refusal(ip)
        if reason:
            raise RefusedAddress(url, f"{host!r} resolves to {ip}, a {reason} address (use --allow-private to "
                                      "fetch from it anyway)")
    return addresses[0]


@dataclass
class Fetched:
    url: str  # the final URL, after redirects
    status: int
    data: bytes
    content_type: str | None
    charset: str | None
    chain: list[dict[str, Any]] = field(default_factory=list)  # every hop: url, status, address


def _read_body(url: str, response: httpx.Response, limits: FetchLimits, deadline: float) -> bytes:
    declared = response.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limits.max_bytes:
        raise FetchError(url, f"body of {int(declared):,} bytes is over the {limits.max_bytes:,} byte limit")
    body = bytearray()
    # Decoded size is what is capped; one compressed network chunk inflates to at most ~1000x its size.
    for chunk in response.iter_bytes(64 * 1024):
        body += chunk
        if len(body) > limits.max_bytes:
            raise FetchError(url, f"body is over the {limits.max_bytes:,} byte limit")
        if time.monotonic() > deadline:
            raise FetchError(url, f"no complete answer within {limits.timeout:g} s")
    return bytes(body)


def fetch_url(url: str, limits: FetchLimits = FetchLimits()) -> Fetched:
    """GET `url` under the rules above; raises :class:`FetchError` (or :class:`RefusedAddress`)."""
    deadline = time.monotonic() + limits.timeout
    chain: list[dict[str, Any]] = []
    current = url
    # No keep-alive: connections are keyed by address, and a pooled TLS connection made for one host name
    # must not carry a request for another name on the same address (its certificate was never checked).
    with httpx.Client(trust_env=False, follow_redirects=False, verify=True,
                      limits=httpx.Limits(max_keepalive_connections=0, max_connections=1),
                      timeout=httpx.Timeout(min(limits.timeout, 10.0)),
                      headers={"User-Agent": f"{GENERATOR.replace(' ', '/')} (evidence collection)",
                               "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
                               "Accept-Encoding": "identity"}) as client:
        for _hop in range(limits.max_redirects + 1):
            try:
                target = httpx.URL(current)
            except (httpx.InvalidURL, TypeError) as exc:
                raise FetchError(current, f"not a URL: {exc}") from None
            if target.scheme not in ("http", "https") or not target.host:
                raise FetchError(current, f"only http and https URLs are fetched, not {target.scheme or '?'}:")
            port = target.port or (443 if target.scheme == "https" else 80)
            ip = resolve(current, target.host, port, limits)
            named = target.scheme == "https" and target.host != str(ip)
            extensions = {"sni_hostname": target.host} if named else {}
            headers = {"Host": target.netloc.decode("ascii")}
            try:
                with client.stream("GET", target.copy_with(host=str(ip)), headers=headers,
                                   extensions=extensions) as response:
                    chain.append({"url": current, "status": response.status_code, "address": str(ip)})
                    if response.is_redirect:
                        location = response.headers.get("location", "")
                        current = str(target.join(location))
                        continue
                    if time.monotonic() > deadline:
                        raise FetchError(current, f"no complete answer within {limits.timeout:g} s")
                    ctype = response.headers.get("content-type", "").split(";")[0].strip().lower() or None
                    if ctype is not None and ctype not in HTML_TYPES:
                        raise FetchError(current, f"not an HTML page ({ctype})")
                    data = _read_body(current, response, limits, deadline)
                    return Fetched(url=current, status=response.status_code, data=data, content_type=ctype,
                                   charset=response.charset_encoding, chain=chain)
            except httpx.TimeoutException:
                raise FetchError(current, f"timed out (limit {limits.timeout:g} s)") from None
            except httpx.HTTPError as exc:
                raise FetchError(current, f"{type(exc).__name__}: {exc}") from None
    raise FetchError(url, f"more than {limits.max_redirects} redirects")


def fetch(url: str, limits: FetchLimits = FetchLimits()) -> web.Page:
    """One URL as a :class:`~fakewatch.sources.web.Page` (not yet stored)."""
    got = fetch_url(url, limits)
    return web.page_from_bytes(got.data, got.url, fetched_at=datetime.now(timezone.utc), declared_charset=got.charset,
                               meta={"status": got.status, "content_type": got.content_type, "chain": got.chain,
                                     "requested": url})


@dataclass
class FetchReport:
    stored: list[str] = field(default_factory=list)  # final URLs of pages new to the store
    unchanged: list[str] = field(default_factory=list)  # fetched, and the same bytes were already held
    failed: list[FetchError] = field(default_factory=list)


Progress = Callable[[str, int, int | None], None]


def fetch_and_store(engine: Engine, urls: Iterable[str], *, limits: FetchLimits = FetchLimits(),
                    progress: Progress | None = None) -> FetchReport:
    """Fetch each URL and keep the page as evidence: an ``inputs`` row (the URL, the body's SHA-256) and a page."""
    report = FetchReport()
    urls = list(dict.fromkeys(urls))
    for n, url in enumerate(urls, 1):
        try:
            page = fetch(url, limits)
        except FetchError as exc:
            report.failed.append(exc)
            continue
        finally:
            if progress:
                progress(url, n, len(urls))
        with engine.begin() as conn:
            held = conn.execute(select(inputs.c.id).where(inputs.c.path == page.url, inputs.c.sha256 == page.sha256)
                                ).first()
            if held:
                report.unchanged.append(page.url or url)
                continue
            input_id = conn.execute(inputs.insert().values(
                path=page.url, sha256=page.sha256, format=web.NAME, messages=0, added=1, chats=0, accounts=0,
                notes=[f"fetched from {url}"], ingested_at=datetime.now(timezone.utc).replace(tzinfo=None),
            )).inserted_primary_key[0]
            web.store(conn, [page], input_id)
        report.stored.append(page.url or url)
    return report


def link_targets(engine: Engine, *, limit: int = 50) -> list[str]:
    """The URLs from chats worth fetching: one per host, look-alike candidates first, then short links, then
    the hosts most linked. Telegram links are skipped (they are accounts, not pages)."""
    from fakewatch.detect.impersonation import OutletIndex, match_domain
    from fakewatch.outlets import load_outlets
    from fakewatch.store.tables.enrich import links

    index = OutletIndex(load_outlets(engine))
    with engine.connect() as conn:
        rows = conn.execute(
            select(links.c.host, func.min(links.c.url), func.count(), func.max(links.c.shortener))
            .where(links.c.tg_handle.is_(None)).group_by(links.c.host)
        ).all()
    ranked = sorted(rows, key=lambda r: (match_domain(r[0], index) is None, not r[3], -r[2], r[0]))
    return [r[1] for r in ranked[:limit]]


def fetch_links(engine: Engine, *, limit: int = 50, limits: FetchLimits = FetchLimits(),
                progress: Progress | None = None) -> FetchReport:
    """`investigate --fetch-links`: fetch the pages behind the chats' links (see :func:`link_targets`)."""
    return fetch_and_store(engine, link_targets(engine, limit=limit), limits=limits, progress=progress)
