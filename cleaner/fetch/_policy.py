"""``deny_private``: refuse loopback, private, link-local and other non-public targets.

The host is resolved and every address checked before each request (every redirect hop is a
request); after connecting, the address actually connected to is checked again, which closes
most of the window a DNS answer that changes between the two lookups would open.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable

import httpx

from .._errors import FetchError

Resolver = Callable[[str, int], Awaitable[list[str]]]
"""``(host, port) -> IP addresses``; the default asks the system resolver."""

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


async def system_resolver(host: str, port: int) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def non_public(ip: IPAddress) -> str | None:
    """Why this address is refused (``"a loopback address"``, ...), or None when it is public."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_link_local:
        return "a link-local address"
    if ip.is_private:
        return "a private address"
    if ip.is_multicast or ip.is_unspecified or ip.is_reserved or not ip.is_global:
        return "not a public address"
    return None


async def check_target(url: httpx.URL, resolver: Resolver) -> None:
    """Raise ``FetchError(stage="connect")`` when ``url``'s host is or resolves to a non-public
    address."""
    host = url.host
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        addresses = [ipaddress.ip_address(host)]
    except ValueError:
        try:
            found = await resolver(host, port)
            addresses = [ipaddress.ip_address(a.split("%", 1)[0]) for a in found]
        except (OSError, ValueError) as exc:
            raise FetchError(str(url), "connect", f"cannot resolve {host}: {exc}") from exc
    if not addresses:
        raise FetchError(str(url), "connect", f"cannot resolve {host}: no addresses")
    for ip in addresses:
        why = non_public(ip)
        if why:
            raise FetchError(str(url), "connect",
                             f"refused by deny_private: {host} is {why} ({ip})")


def check_peer(url: httpx.URL, response: httpx.Response) -> None:
    """After connecting: refuse when the socket's peer is non-public (no-op without a socket, as
    under ``httpx.MockTransport``)."""
    stream = response.extensions.get("network_stream")
    if stream is None:
        return
    peer = stream.get_extra_info("server_addr")
    if not peer:
        return
    try:
        ip = ipaddress.ip_address(str(peer[0]).split("%", 1)[0])
    except ValueError:
        return
    why = non_public(ip)
    if why:
        raise FetchError(str(url), "connect",
                         f"refused by deny_private: connected to {ip}, {why}")
