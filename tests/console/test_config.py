"""console/config.py: the console refuses to start without its secret and accounts, and says why."""
import pytest

from console.config import ConfigError, from_environment, parse_users
from console.passwords import hash_password

HASH = hash_password("correct horse battery")
GOOD = {"CONSOLE_SECRET": "x" * 40, "CONSOLE_USERS": f"alice:{HASH}"}


def test_the_defaults_listen_on_loopback_and_read_the_sqlite_store():
    config = from_environment(GOOD)
    assert (config.host, config.port, config.session_seconds) == ("127.0.0.1", 8010, 1800)
    assert config.store.dialect == "sqlite" and config.store.db == "var/conversations.db"
    assert str(config.console_db) == "var/console.db" and not config.https


@pytest.mark.parametrize("environ, message", [
    ({"CONSOLE_USERS": f"alice:{HASH}"}, "CONSOLE_SECRET is not set"),
    ({**GOOD, "CONSOLE_SECRET": "short"}, "CONSOLE_SECRET is too short"),
    ({"CONSOLE_SECRET": "x" * 40}, "CONSOLE_USERS is not set"),
    ({**GOOD, "CONSOLE_USERS": "alice:plain-password"}, "the hash of 'alice' is not a console password hash"),
    ({**GOOD, "CONSOLE_USERS": f"al ice:{HASH}"}, "'al ice' is not a user name"),
    ({**GOOD, "CONSOLE_USERS": f"alice:{HASH},alice:{HASH}"}, "given twice"),
    ({**GOOD, "CONSOLE_SESSION_MINUTES": "soon"}, "CONSOLE_SESSION_MINUTES must be a number"),
    ({**GOOD, "CONSOLE_SESSION_MINUTES": "-1"}, "must be more than 0"),
    ({**GOOD, "CONSOLE_PORT": "80a"}, "CONSOLE_PORT must be a number"),
    ({**GOOD, "TRACKER_DB_DIALECT": "postgresql"}, "CONSOLE_STORE_USER is not set"),
    ({**GOOD, "TRACKER_DB_DIALECT": "oracle"}, "sqlite or postgresql"),
])
def test_a_missing_or_bad_setting_is_refused_with_its_name(environ, message):
    with pytest.raises(ConfigError, match=message):
        from_environment(environ)


def test_several_accounts():
    users = parse_users(f"alice:{HASH}, bob.smith:{hash_password('another good one')}")
    assert sorted(users) == ["alice", "bob.smith"]


def test_postgresql_is_read_as_the_consoles_own_login():
    config = from_environment({**GOOD, "TRACKER_DB_DIALECT": "postgresql", "TRACKER_DB": "assistant",
                               "TRACKER_DB_USER": "rasa", "TRACKER_DB_PASSWORD": "rasa-secret",
                               "CONSOLE_STORE_USER": "console_reader", "CONSOLE_STORE_PASSWORD": "ro"})
    assert (config.store.user, config.store.password, config.store.db) == ("console_reader", "ro", "assistant")
