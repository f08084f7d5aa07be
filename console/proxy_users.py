"""The clinic's single sign-on proxy (optional, off by default): the staff member a request is from,
named by a header the clinic's authenticating reverse proxy sets (CONSOLE_TRUSTED_USER_HEADER).

The header is trusted only when the request comes straight from an allowed proxy address
(CONSOLE_TRUSTED_PROXIES: addresses or networks, loopback by default; the connection's own peer
address, never an X-Forwarded-For header) and, when CONSOLE_TRUSTED_PROXY_SECRET is set, carries that
secret in the ``X-Console-Proxy-Secret`` header (so another program on the proxy's machine cannot name a
user). Anything else is refused: ``Trusted.user_of`` says why.
"""
import hmac
import ipaddress
import re
from dataclasses import dataclass
from typing import Optional, Sequence, Tuple, Union

Network = Union[ipaddress.IPv4Network, ipaddress.IPv6Network]
SECRET_HEADER = "X-Console-Proxy-Secret"
USER_NAME = re.compile(r"^[A-Za-z0-9._@+-]{1,128}$")


class BadProxySetting(ValueError):
    """CONSOLE_TRUSTED_PROXIES holds something that is not an address or a network."""


def networks(text: str) -> Tuple[Network, ...]:
    found = []
    for part in (part.strip() for part in text.split(",")):
        if part:
            try:
                found.append(ipaddress.ip_network(part, strict=False))
            except ValueError:
                raise BadProxySetting(f"CONSOLE_TRUSTED_PROXIES: {part[:60]!r} is not an address or a network "
                                      "(e.g. 127.0.0.1, ::1, 10.0.0.0/24)") from None
    if not found:
        raise BadProxySetting("CONSOLE_TRUSTED_PROXIES is empty: name the proxy's address (loopback by default)")
    return tuple(found)


@dataclass(frozen=True)
class Trusted:
    header: str  # the header naming the user, e.g. X-Remote-User
    proxies: Sequence[Network]
    secret: Optional[str] = None

    def from_proxy(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        if getattr(ip, "ipv4_mapped", None):  # ::ffff:127.0.0.1 is 127.0.0.1
            ip = ip.ipv4_mapped
        return any(ip in network for network in self.proxies)

    def user_of(self, address: str, headers) -> Tuple[Optional[str], str]:
        """(the user named by the proxy, "") or (None, why the request is refused)."""
        if not self.from_proxy(address):
            return None, "not-from-trusted-proxy"
        if self.secret is not None and not hmac.compare_digest(
                (headers.get(SECRET_HEADER) or "").encode("utf-8"), self.secret.encode("utf-8")):
            return None, "wrong-proxy-secret"
        user = (headers.get(self.header) or "").strip()
        if not user:
            return None, "no-user-header"
        if not USER_NAME.match(user):
            return None, "bad-user-header"
        return user, ""
