"""Which URLs a crawl may request at all: web addresses only, and, when asked, no private networks.

The publish hook crawls URLs that arrive over HTTP; without this guard anyone who can call
the hook could make the server fetch its own admin pages or a cloud metadata address.

The check resolves the host itself, just before each request (and each redirect hop);
`requests` resolves again when it connects. A DNS server that answers differently within
that moment (DNS rebinding) is not caught: pinning the checked address into the connection
would take a custom transport adapter.
"""
from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

WEB_SCHEMES = ("http", "https")


def scheme_refusal(url: str) -> str | None:
    """Why a URL is no web address (Dutch), or None when it is http(s) with a host."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in WEB_SCHEMES:
        return f"geen http(s)-adres ({parts.scheme or 'zonder schema'})"
    if not parts.hostname:
        return "adres zonder host"
    return None


def is_public(address: str) -> bool:
    """True for an address on the public internet; loopback, private, link-local, reserved,
    multicast and unspecified addresses are not (nor IPv4 hidden in an IPv6 address)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])      # drop an IPv6 zone id
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    # is_global also rules out shared address space (100.64.0.0/10), which is_private does not.
    return ip.is_global and not (ip.is_loopback or ip.is_private or ip.is_link_local or ip.is_reserved
                                 or ip.is_multicast or ip.is_unspecified)


def resolve(host: str, port: int) -> list[str]:
    """Every address a host name resolves to (an IP literal resolves to itself)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return sorted({info[4][0] for info in infos})


def private_network_refusal(url: str) -> str | None:
    """Why a URL points into a private network (Dutch), or None when every address it resolves
    to is public. A name that does not resolve is refused too: it cannot be checked."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    try:
        addresses = resolve(parts.hostname, port)
    except (OSError, UnicodeError):
        return f"host {parts.hostname} is niet te vinden"
    # One private address is enough: the connection may use any of them.
    for address in addresses:
        if not is_public(address):
            return f"host {parts.hostname} wijst naar een intern netwerkadres ({address}); dat is geblokkeerd"
    return None


def url_refusal(url: str, block_private_networks: bool) -> str | None:
    """Why a crawl must not request this URL (Dutch), or None when it may."""
    return scheme_refusal(url) or (private_network_refusal(url) if block_private_networks else None)
