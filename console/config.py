"""The console's settings, from the environment (declared in settings/table.yml, `console` table).

A missing or malformed required setting is a ConfigError naming the variable and what to do,
so the console refuses to start rather than run open or half-configured.
"""
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Mapping, Optional

import settings
from console import passwords, proxy_users
from console.store import StoreConfig

MIN_SECRET_LENGTH = 32
USER_NAME = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
CONSOLE_SECRET = "CONSOLE_SECRET"
USERS_VARIABLE = "CONSOLE_USERS"


class ConfigError(ValueError):
    """A console setting that is missing or malformed: the console does not start."""


@dataclass(frozen=True)
class Config:
    host: str
    port: int
    secret: bytes
    users: Dict[str, passwords.Hashed]
    session_seconds: float
    https: bool
    console_db: Path
    access_log: Path
    store: StoreConfig
    sync_seconds: float = 30.0
    trusted: Optional[proxy_users.Trusted] = None  # the clinic's SSO proxy names the user; no password login


def _secret(environ: Mapping[str, str]) -> bytes:
    secret = settings.value(CONSOLE_SECRET, environ)
    if len(secret) < MIN_SECRET_LENGTH:
        state = "is not set" if not secret else f"is too short ({len(secret)} characters)"
        raise ConfigError(f"{CONSOLE_SECRET} {state}: it signs the console's cookies. Set it to a long random "
                          f"secret (at least {MIN_SECRET_LENGTH} characters), e.g. "
                          "python -c 'import secrets; print(secrets.token_urlsafe(48))'")
    return secret.encode("utf-8")


def parse_users(text: str) -> Dict[str, passwords.Hashed]:
    """`name:hash,name:hash` -> {name: hash}; ConfigError naming the bad entry."""
    users: Dict[str, passwords.Hashed] = {}
    for entry in (part.strip() for part in text.split(",")):
        if not entry:
            continue
        name, _, hashed = entry.partition(":")
        if not USER_NAME.match(name):
            raise ConfigError(f"{USERS_VARIABLE}: {name[:64]!r} is not a user name "
                              "(1 to 64 letters, digits, '.', '_' or '-', then ':' and the hash)")
        if name in users:
            raise ConfigError(f"{USERS_VARIABLE}: the user {name!r} is given twice")
        try:
            users[name] = passwords.parse(hashed)
        except passwords.BadHash as error:
            raise ConfigError(f"{USERS_VARIABLE}: the hash of {name!r} is {error}") from None
    if not users:
        raise ConfigError(f"{USERS_VARIABLE} is not set: give at least one staff account as name:hash "
                          "(comma-separated), each hash printed by `python -m console hash-password`")
    return users


def _number(name: str, text: str, kind=float, low: float = 0) -> float:
    try:
        number = kind(text)
    except ValueError:
        raise ConfigError(f"{name} must be a number, not {text!r}") from None
    if number <= low:
        raise ConfigError(f"{name} must be more than {low:g}, not {text!r}")
    return number


def store_config(environ: Mapping[str, str]) -> StoreConfig:
    """The conversation store the Rasa servers write (TRACKER_DB_*), reached as the console's read-only login."""
    dialect = settings.value("TRACKER_DB_DIALECT", environ)
    if dialect not in ("sqlite", "postgresql"):
        raise ConfigError(f"TRACKER_DB_DIALECT must be sqlite or postgresql, not {dialect!r}")
    user = settings.value("CONSOLE_STORE_USER", environ)
    if dialect == "postgresql" and not user:
        raise ConfigError("CONSOLE_STORE_USER is not set: with PostgreSQL the console logs in as its own "
                          "read-only role (docs/console.md), never as the Rasa servers' login")
    return StoreConfig(dialect=dialect, db=settings.value("TRACKER_DB", environ),
                       host=settings.value("TRACKER_DB_HOST", environ) or None,
                       port=settings.value("TRACKER_DB_PORT", environ) or None,
                       user=user or None, password=settings.value("CONSOLE_STORE_PASSWORD", environ) or None)


def trusted_proxy(environ: Mapping[str, str]) -> Optional[proxy_users.Trusted]:
    """The single sign-on proxy mode (CONSOLE_TRUSTED_USER_HEADER set), or None (the default)."""
    header = settings.value("CONSOLE_TRUSTED_USER_HEADER", environ)
    if not header:
        return None
    if not re.match(r"^[A-Za-z0-9-]{1,64}$", header):
        raise ConfigError(f"CONSOLE_TRUSTED_USER_HEADER must be a header name such as X-Remote-User, not {header[:64]!r}")
    try:
        proxies = proxy_users.networks(settings.value("CONSOLE_TRUSTED_PROXIES", environ))
    except proxy_users.BadProxySetting as error:
        raise ConfigError(str(error)) from None
    secret = settings.value("CONSOLE_TRUSTED_PROXY_SECRET", environ)
    if secret and len(secret) < MIN_SECRET_LENGTH:
        raise ConfigError(f"CONSOLE_TRUSTED_PROXY_SECRET is too short ({len(secret)} characters): at least "
                          f"{MIN_SECRET_LENGTH}, or leave it unset")
    return proxy_users.Trusted(header=header, proxies=proxies, secret=secret or None)


def from_environment(environ: Optional[Mapping[str, str]] = None) -> Config:
    environ = os.environ if environ is None else environ
    trusted = trusted_proxy(environ)
    return Config(
        host=settings.value("CONSOLE_HOST", environ),
        port=int(_number("CONSOLE_PORT", settings.value("CONSOLE_PORT", environ), int)),
        secret=_secret(environ),
        users={} if trusted else parse_users(settings.value("CONSOLE_USERS", environ)),
        session_seconds=_number("CONSOLE_SESSION_MINUTES", settings.value("CONSOLE_SESSION_MINUTES", environ)) * 60,
        https=settings.value("CONSOLE_HTTPS", environ) == "1",
        console_db=Path(settings.value("CONSOLE_DB", environ)),
        access_log=Path(settings.value("CONSOLE_ACCESS_LOG", environ)),
        store=store_config(environ),
        sync_seconds=_number("CONSOLE_SYNC_SECONDS", settings.value("CONSOLE_SYNC_SECONDS", environ)),
        trusted=trusted,
    )
