"""console/passwords.py: salted scrypt hashes, and the hashes CONSOLE_USERS takes."""
import pytest

from console.passwords import BadHash, WeakPassword, hash_password, parse, verify


def test_a_hash_verifies_its_password_only():
    hashed = hash_password("correct horse battery")
    assert verify("correct horse battery", parse(hashed))
    assert not verify("correct horse batterY", parse(hashed))


def test_each_hash_has_its_own_salt():
    assert hash_password("correct horse battery") != hash_password("correct horse battery")
    assert hash_password("correct horse battery").startswith("scrypt:16384:8:1:")


def test_a_short_password_is_refused():
    with pytest.raises(WeakPassword, match="at least 12 characters"):
        hash_password("short")


@pytest.mark.parametrize("text", ["", "plain", "md5:abc", "scrypt:16384:8:1:zz:00",
                                  "scrypt:1024:8:1:" + "00" * 16 + ":" + "00" * 32,
                                  "scrypt:16384:8:1:" + "00" * 16 + ":" + "00" * 8])
def test_a_malformed_or_weak_hash_is_refused(text):
    with pytest.raises(BadHash):
        parse(text)
