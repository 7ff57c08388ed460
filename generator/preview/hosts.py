"""Which requests the preview answers: its own Host names, and no foreign Origin.

DNS rebinding: a page on ``evil.example`` can make its own name resolve to
127.0.0.1 and then read ``http://evil.example:8000/`` from this machine's
preview as a same-origin page, including ``/data/*.json``, drafts and the
live-reload stream. The browser still sends ``Host: evil.example:8000``,
so the preview answers only the names it is reached by:

- the address it is bound to (or the name given to ``--host``), with its port;
- bound to loopback, also ``localhost``, ``127.0.0.1`` and ``[::1]``;
- bound to every address (``--host 0.0.0.0`` or ``::``), any IP address
  written as such, ``localhost`` and this machine's host name (and its
  ``.local`` mDNS form). Rebinding needs a name the attacker's DNS answers
  for; a request whose Host is an IP literal was sent by a browser to that
  address itself, so the page asking is on that origin. Listing this
  machine's own addresses instead would take a platform-specific interface
  query and would go stale when the network changes. Any other name (a
  DNS alias of the machine, a tunnel) must be given with ``--host NAME``.

A request with an ``Origin`` header (fetches, EventSource and module
scripts from other sites send one) is refused unless the origin is this
preview's own: a page elsewhere must not drive the server. No CORS header
is ever sent, so no other origin may read a response either.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
DEFAULT_HTTP_PORT = 80


@dataclass(frozen=True)
class HostPolicy:
    port: int
    names: tuple[str, ...]  # lower case, IPv6 addresses without brackets; the first is the preview's own
    any_ip: bool = False  # bound to every address: any IP literal is accepted (see above)

    @classmethod
    def for_binding(cls, host: str, address: str, port: int) -> "HostPolicy":
        """``host``: as given to ``--host``; ``address``: the numeric address bound to."""
        bound = ip_address(address)
        wildcard = bool(bound and bound.is_unspecified)
        names = [name for name in (host.lower().strip("[]"), address.lower()) if name and name not in ("0.0.0.0", "::")]
        if wildcard or (bound and bound.is_loopback):
            names += sorted(LOOPBACK_NAMES)
        if wildcard:
            names += machine_names()
        return cls(port, tuple(dict.fromkeys(names)), wildcard)

    def accepts_host(self, authority: str | None) -> bool:
        """True for a ``Host`` header naming this preview (with its port)."""
        parsed = split_authority(authority or "")
        if parsed is None or parsed[1] != self.port:
            return False
        name = parsed[0]
        return name in self.names or (self.any_ip and ip_address(name) is not None)

    def accepts_origin(self, origin: str | None) -> bool:
        """True without an ``Origin`` header, or for one of this preview's own origins."""
        if origin is None:
            return True
        scheme, separator, authority = origin.strip().partition("://")
        return bool(separator) and scheme.lower() == "http" and "/" not in authority and self.accepts_host(authority)

    def expected(self) -> str:
        """The Host forms accepted, for the refusal message."""
        forms = [authority(name, self.port) for name in self.names]
        if self.any_ip:
            forms.append(f"any IP address of this machine with port {self.port}")
        return ", ".join(forms)


def split_authority(value: str) -> tuple[str, int] | None:
    """``"Name:8000"`` → ("name", 8000); ``"[::1]:8000"`` → ("::1", 8000); no port means 80."""
    value = value.strip().lower()
    if value.startswith("["):
        name, bracket, rest = value[1:].partition("]")
        if not bracket or (rest and not rest.startswith(":")):
            return None
        port = rest[1:] if rest else ""
    else:
        name, _, port = value.partition(":")
        if ":" in port:
            return None  # an IPv6 address without brackets
    if not name:
        return None
    if not port:
        return name, DEFAULT_HTTP_PORT
    # At most 5 digits: int() refuses a numeral of thousands of digits (ValueError),
    # and no port has more.
    return (name, int(port)) if port.isascii() and port.isdigit() and len(port) <= 5 else None


def authority(name: str, port: int) -> str:
    return f"[{name}]:{port}" if ":" in name else f"{name}:{port}"


def ip_address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def machine_names() -> list[str]:
    """This machine's host name, and its mDNS form (``name.local``).

    Not ``socket.getfqdn()``: it asks DNS, which can take seconds where DNS
    is misconfigured, on every start.
    """
    name = socket.gethostname().lower().rstrip(".")
    if not name:
        return []
    return [name] if name.endswith(".local") else [name, f"{name}.local"]
