"""Values signed with CONSOLE_SECRET (HMAC-SHA256): `<value>.<signature>`, for cookies."""
import hashlib
import hmac
from typing import Optional


def sign(secret: bytes, value: str) -> str:
    return f"{value}.{hmac.new(secret, value.encode('utf-8'), hashlib.sha256).hexdigest()}"


def unsign(secret: bytes, token: Optional[str]) -> Optional[str]:
    """The value of a token this secret signed; None for anything else."""
    if not token or "." not in token:
        return None
    value, _, signature = token.rpartition(".")
    return value if hmac.compare_digest(sign(secret, value), f"{value}.{signature}") else None
