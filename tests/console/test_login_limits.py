"""console/login_limits.py: failed logins per client."""
from console.login_limits import LoginLimits


class Clock:
    now = 0.0

    def __call__(self):
        return self.now


def test_a_client_is_blocked_after_five_failures_until_the_window_passes():
    clock = Clock()
    limits = LoginLimits(max_failures=5, window=900, clock=clock)
    for _ in range(4):
        limits.failed("10.0.0.1")
    assert not limits.blocked("10.0.0.1")
    limits.failed("10.0.0.1")
    assert limits.blocked("10.0.0.1") and not limits.blocked("10.0.0.2")
    assert 0 < limits.retry_after("10.0.0.1") <= 901
    clock.now = 900
    assert not limits.blocked("10.0.0.1")


def test_a_successful_login_clears_the_failures():
    limits = LoginLimits(max_failures=2)
    limits.failed("a")
    limits.succeeded("a")
    limits.failed("a")
    assert not limits.blocked("a")
