"""The store fixtures of tests/privacy/helpers.py, for the purge script's tests."""
from tests.privacy.helpers import store, store_domain  # noqa: F401 (fixtures: pytest finds them by name)
