"""console/proxy_users.py: the user header of the clinic's sign-on proxy, trusted only from its address and
with its secret; console/config.py: the mode is off by default and its settings are checked."""
import pytest

from console.config import ConfigError, from_environment
from console.proxy_users import SECRET_HEADER, Trusted, networks
from tests.console.test_config import GOOD

PROXY = Trusted(header="X-Remote-User", proxies=networks("127.0.0.1,::1,10.1.0.0/24"))


@pytest.mark.parametrize("address, trusted", [
    ("127.0.0.1", True), ("::1", True), ("10.1.0.7", True), ("::ffff:127.0.0.1", True),
    ("127.0.0.2", False), ("10.1.1.7", False), ("192.0.2.1", False), ("", False), ("unknown", False),
])
def test_the_header_is_trusted_only_from_an_allowed_address(address, trusted):
    user, refused = PROXY.user_of(address, {"X-Remote-User": "alice"})
    assert (user, refused) == (("alice", "") if trusted else (None, "not-from-trusted-proxy"))


@pytest.mark.parametrize("headers, refused", [
    ({}, "no-user-header"), ({"X-Remote-User": "  "}, "no-user-header"),
    ({"X-Remote-User": "alice smith"}, "bad-user-header"), ({"X-Remote-User": "<script>"}, "bad-user-header"),
])
def test_a_missing_or_malformed_user_is_refused(headers, refused):
    assert PROXY.user_of("127.0.0.1", headers) == (None, refused)


def test_with_a_secret_the_proxy_must_send_it():
    proxy = Trusted(header="X-Remote-User", proxies=networks("127.0.0.1"), secret="s" * 40)
    assert proxy.user_of("127.0.0.1", {"X-Remote-User": "alice"}) == (None, "wrong-proxy-secret")
    assert proxy.user_of("127.0.0.1", {"X-Remote-User": "alice", SECRET_HEADER: "s" * 39}) == (None, "wrong-proxy-secret")
    assert proxy.user_of("127.0.0.1", {"X-Remote-User": "alice.b@clinic.example", SECRET_HEADER: "s" * 40}) == (
        "alice.b@clinic.example", "")


def test_off_by_default_and_then_no_password_accounts_are_needed():
    assert from_environment(GOOD).trusted is None
    config = from_environment({"CONSOLE_SECRET": "x" * 40, "CONSOLE_TRUSTED_USER_HEADER": "X-Remote-User"})
    assert config.users == {} and config.trusted.header == "X-Remote-User" and config.trusted.secret is None
    assert [str(network) for network in config.trusted.proxies] == ["127.0.0.1/32", "::1/128"]


@pytest.mark.parametrize("environ, message", [
    ({"CONSOLE_TRUSTED_USER_HEADER": "X Remote User"}, "must be a header name"),
    ({"CONSOLE_TRUSTED_USER_HEADER": "X-Remote-User", "CONSOLE_TRUSTED_PROXIES": "the proxy"}, "'the proxy' is not an address"),
    ({"CONSOLE_TRUSTED_USER_HEADER": "X-Remote-User", "CONSOLE_TRUSTED_PROXIES": " , "}, "CONSOLE_TRUSTED_PROXIES is empty"),
    ({"CONSOLE_TRUSTED_USER_HEADER": "X-Remote-User", "CONSOLE_TRUSTED_PROXY_SECRET": "short"}, "too short"),
    ({"CONSOLE_SYNC_SECONDS": "0"}, "CONSOLE_SYNC_SECONDS must be more than 0"),
])
def test_bad_settings_are_refused_with_their_name(environ, message):
    with pytest.raises(ConfigError, match=message):
        from_environment({"CONSOLE_SECRET": "x" * 40, "CONSOLE_USERS": GOOD["CONSOLE_USERS"], **environ})
