"""podman for the image tests: the image under test, commands, and containers removed whatever happens."""
import contextlib
import os
import subprocess
import uuid
from typing import Iterator, List

import pytest

# what `make test-image` built (Makefile IMAGE)
IMAGE = os.environ.get("IMAGE", "localhost/thrombectomy-assistant:latest")


def podman(*args: str, check: bool = True, timeout: float = 120, stdin: str = "") -> subprocess.CompletedProcess:
    """podman with the settings CONTAINERS_CONF names (Makefile PODMAN_CONF: runc, ulimits)."""
    result = subprocess.run(["podman", *args], capture_output=True, text=True, timeout=timeout, input=stdin)
    if check and result.returncode != 0:
        raise AssertionError(f"podman {' '.join(args)} exited {result.returncode}:\n{result.stderr}")
    return result


def container_log(name: str, lines: int, limit: int) -> str:
    """The last lines of a container's log: what it wrote to stdout (nginx's access log), then stderr,
    each cut to its last limit characters."""
    logs = podman("logs", "--tail", str(lines), name, check=False)
    return f"{logs.stdout[-limit:]}{logs.stderr[-limit:]}"


def image_under_test() -> str:
    """The image; a missing one is an error, never a skip."""
    if podman("image", "exists", IMAGE, check=False).returncode != 0:
        pytest.fail(f"{IMAGE} is missing: run `make image` (make test-image does it for you)")
    return IMAGE


def unique_name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


@contextlib.contextmanager
def removed_afterwards(names: List[str]) -> Iterator[List[str]]:
    """Yields the list; every container named in it is removed at the end (the last started first: it may
    use an earlier one's network), its log printed for pytest. A container left behind is an error."""
    try:
        yield names
    finally:
        for name in reversed(names):
            print(f"--- {name}\n{container_log(name, 60, 6000)}")
            podman("rm", "--force", "--volumes", "--time", "5", name, check=False)
        left = [name for name in names if podman("container", "exists", name, check=False).returncode == 0]
        assert not left, f"containers left behind: {left}"
