"""requirements.lock (what runs in production) and requirements-dev.lock (what only the tests need):
apart, each pinned, and the runtime lock complete by itself, read from the installed packages' metadata."""
import re
from importlib import metadata
from typing import Dict, Set

from packaging.markers import default_environment
from packaging.requirements import Requirement

from tests.conftest import ROOT

RUNTIME, DEV = ROOT / "requirements.lock", ROOT / "requirements-dev.lock"
TEST_TOOLS = {"pytest", "pytest-asyncio", "playwright", "hypothesis", "pexpect", "textstat", "ruff", "podman-compose"}
# pinned by the first pip line of `make install`, before the locks
BOOTSTRAP = {"pip": "24.0", "setuptools": "70.3.0", "wheel": "0.45.1"}


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(lock) -> Dict[str, str]:
    lines = [line.strip() for line in lock.read_text().splitlines()]
    entries = [line for line in lines if line and not line.startswith("#")]
    assert all(re.fullmatch(r"[A-Za-z0-9._-]+==[A-Za-z0-9.+!-]+", line) for line in entries), lock.name
    return {canonical(line.split("==")[0]): line.split("==")[1] for line in entries}


def requirements_of(name: str) -> Set[str]:
    """What the installed package needs on this machine (markers evaluated, no extras)."""
    needed = set()
    for text in metadata.distribution(name).requires or []:
        requirement = Requirement(text)
        if requirement.marker is None or requirement.marker.evaluate({**default_environment(), "extra": ""}):
            needed.add(canonical(requirement.name))
    return needed


def test_the_locks_are_apart_and_the_test_tools_are_not_in_production():
    runtime, dev = pins(RUNTIME), pins(DEV)
    assert not set(runtime) & set(dev)
    assert TEST_TOOLS <= set(dev)
    assert not TEST_TOOLS & set(runtime)


def test_the_installed_versions_are_the_locked_ones():
    for name, version in {**pins(RUNTIME), **pins(DEV)}.items():
        assert metadata.version(name) == version, name


def test_the_bootstrap_packages_are_pinned_by_make_install():
    makefile = (ROOT / "Makefile").read_text()
    assert "pip install -qq --disable-pip-version-check " + " ".join(
        f"{name}=={version}" for name, version in BOOTSTRAP.items()) in makefile
    for name, version in BOOTSTRAP.items():
        assert metadata.version(name) == version


def test_the_runtime_lock_needs_nothing_from_the_dev_lock():
    runtime = {**pins(RUNTIME), **BOOTSTRAP}
    missing = {name: sorted(requirements_of(name) - set(runtime)) for name in pins(RUNTIME)}
    assert {name: needs for name, needs in missing.items() if needs} == {}


def test_the_dev_lock_holds_only_what_the_tests_need():
    """Each dev package is a test tool or needed by one; nothing the runtime already has."""
    dev = pins(DEV)
    needed_by_tools, todo = set(), list(TEST_TOOLS)
    while todo:
        name = todo.pop()
        if name not in needed_by_tools:
            needed_by_tools.add(name)
            todo += [need for need in requirements_of(name) if need in dev]
    assert set(dev) == needed_by_tools
