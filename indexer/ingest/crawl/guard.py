"""Which URLs a crawl may request at all: web addresses only, and, when asked, no private networks.

The publish hook crawls URLs that arrive over HTTP; without this guard anyone who can call
the hook could make the server fetch its own admin pages or a cloud metadata address.

Two checks. Before each request (and each redirect hop) the URL's host is resolved and every
address must be public (``private_network_refusal``): that gives the Dutch reason without a
connection. But `requests` resolves again when it connects, and a DNS server may answer a
public address to the first lookup and 127.0.0.1 to the second (DNS rebinding). So a crawl
that blocks private networks also connects through ``PublicAddressesOnly``, a transport
adapter whose connections resolve the host once, refuse (``AddressRefused``, no connection
made) when any answer is not public, and connect to exactly the addresses they checked; the
Host header, TLS SNI and the certificate check keep the host name. The address a request goes
to is therefore always one that was checked.

Behind an outgoing proxy (``HTTP(S)_PROXY``) the proxy resolves the names, so only the first
check applies; such a proxy should refuse internal addresses itself.
"""
from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError

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
    return private_address_refusal(parts.hostname, addresses)


def private_address_refusal(host: str, addresses: list[str]) -> str | None:
    """Why a host with these addresses is refused (Dutch), or None when all of them are public.
    One private address is enough: a connection may use any of them."""
    for address in addresses:
        if not is_public(address):
            return f"host {host} wijst naar een intern netwerkadres ({address}); dat is geblokkeerd"
    return None


def url_refusal(url: str, block_private_networks: bool) -> str | None:
    """Why a crawl must not request this URL (Dutch), or None when it may."""
    return scheme_refusal(url) or (private_network_refusal(url) if block_private_networks else None)


# ---------------------------------------------------------------- the check where the connection is made

class AddressRefused(Exception):
    """A connection not made: its host resolved, when connecting, to an address that is not public
    (or did not resolve). The message is the reason (Dutch). Deliberately no OSError: urllib3 and
    requests pass it on unchanged instead of wrapping it into a connection error."""


class PinnedConnectionMixin:
    """Resolve the host once, refuse unless every address is public, connect to exactly those addresses."""

    def _new_conn(self):
        name = self._dns_host
        try:
            addresses = resolve(name, self.port)
        except (OSError, UnicodeError):
            raise AddressRefused(f"host {self.host} is niet te vinden") from None
        refusal = private_address_refusal(self.host, addresses)
        if refusal:
            raise AddressRefused(refusal)
        error: Exception | None = None
        for address in addresses:
            # urllib3 connects to _dns_host; the Host header, SNI and certificate check use
            # ``host``, which is read again only after this method returns the socket.
            self._dns_host = address
            try:
                return super()._new_conn()
            except ConnectTimeoutError as exc:          # NewConnectionError too: try the next address
                error = exc
            finally:
                self._dns_host = name
        raise error


class PinnedHTTPConnection(PinnedConnectionMixin, HTTPConnection):
    pass


class PinnedHTTPSConnection(PinnedConnectionMixin, HTTPSConnection):
    pass


class PinnedHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = PinnedHTTPConnection


class PinnedHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = PinnedHTTPSConnection


class PublicAddressesOnly(HTTPAdapter):
    """A requests transport adapter whose connections go to checked public addresses only."""

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": PinnedHTTPConnectionPool,
                                                   "https": PinnedHTTPSConnectionPool}
