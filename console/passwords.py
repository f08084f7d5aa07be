"""Staff passwords: salted scrypt hashes (hashlib, stdlib), written as one string for CONSOLE_USERS.

    scrypt:<n>:<r>:<p>:<salt, hex>:<key, hex>
"""
import hashlib
import hmac
import secrets
from dataclasses import dataclass

N, R, P = 2 ** 14, 8, 1
SALT_BYTES, KEY_BYTES = 16, 32
MIN_LENGTH = 12
PREFIX = "scrypt"


class BadHash(ValueError):
    """A stored hash that is not one `python -m console hash-password` prints."""


class WeakPassword(ValueError):
    """A new password too short to hash."""


@dataclass(frozen=True)
class Hashed:
    n: int
    r: int
    p: int
    salt: bytes
    key: bytes

    def __str__(self) -> str:
        return f"{PREFIX}:{self.n}:{self.r}:{self.p}:{self.salt.hex()}:{self.key.hex()}"


def _derive(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=KEY_BYTES,
                          maxmem=256 * 1024 * 1024)


def hash_password(password: str) -> str:
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"a password needs at least {MIN_LENGTH} characters")
    salt = secrets.token_bytes(SALT_BYTES)
    return str(Hashed(N, R, P, salt, _derive(password, salt, N, R, P)))


def parse(text: str) -> Hashed:
    parts = text.strip().split(":")
    if len(parts) != 6 or parts[0] != PREFIX:
        raise BadHash("not a console password hash (expected scrypt:n:r:p:salt:key, "
                      "as `python -m console hash-password` prints)")
    try:
        n, r, p = (int(part) for part in parts[1:4])
        salt, key = bytes.fromhex(parts[4]), bytes.fromhex(parts[5])
    except ValueError:
        raise BadHash("a console password hash has numbers and hex digits only after `scrypt:`") from None
    if n < 2 ** 14 or n & (n - 1) or r < 1 or p < 1 or len(salt) < SALT_BYTES or len(key) != KEY_BYTES:
        raise BadHash("a console password hash with too weak or malformed scrypt parameters")
    return Hashed(n, r, p, salt, key)


def verify(password: str, hashed: Hashed) -> bool:
    return hmac.compare_digest(_derive(password, hashed.salt, hashed.n, hashed.r, hashed.p), hashed.key)


# checked when the name is unknown, so a wrong name takes as long as a wrong password
DUMMY = parse(str(Hashed(N, R, P, b"\0" * SALT_BYTES, b"\0" * KEY_BYTES)))
