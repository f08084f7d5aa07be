"""server/patches.py: the one table of Rasa internals the server replaces, checked against the pinned Rasa."""
import logging
import subprocess
import sys

import pytest
import rasa

from server import patches
from server.patches import (
    COPIES,
    PATCHES,
    PINNED,
    Copy,
    Patch,
    PatchRefused,
    changed_internals,
    current,
    install,
    install_all,
    owner_and_attribute,
    parameters,
    source_sha256,
    wrong_versions,
)
from tests.conftest import ROOT


def rasa_owners():
    """Every loaded Rasa module, and every class defined in one: where a patch could change something."""
    modules = [module for name, module in list(sys.modules.items())
               if module is not None and (name == "rasa" or name.startswith("rasa."))]
    classes = [value for module in modules for value in vars(module).values()
               if isinstance(value, type) and getattr(value, "__module__", "") == module.__name__]
    return [*modules, *classes]


def attributes_of_every_owner(owners):
    """Every attribute (but Python's own __dunders__) of these modules and classes, by (owner, name)."""
    return {(owner, name): value for owner in owners for name, value in list(vars(owner).items())
            if not (name.startswith("__") and name.endswith("__"))}


@pytest.fixture
def undo():
    """Whatever a test's patches replace in Rasa is put back afterwards."""
    for patch in PATCHES:  # import every module a patch touches before the snapshot
        for target in patch.targets:
            current(target)
    owners = rasa_owners()
    before = attributes_of_every_owner(owners)
    yield
    for (owner, name), value in attributes_of_every_owner(owners).items():
        if (owner, name) not in before:
            delattr(owner, name)
        elif before[(owner, name)] is not value:
            setattr(owner, name, before[(owner, name)])


def test_the_table_is_written_for_the_pinned_rasa():
    lock = (ROOT / "requirements.lock").read_text().splitlines()
    assert f"rasa=={patches.RASA_VERSION}" in lock
    assert rasa.__version__ == patches.RASA_VERSION


def test_every_target_exists_in_the_pinned_rasa():
    for patch in PATCHES:
        for target in patch.targets:
            assert target.startswith("rasa.") and current(target) is not None, target


@pytest.mark.parametrize("patch", PATCHES, ids=lambda patch: patch.name)
def test_a_patch_replaces_exactly_the_attributes_it_declares(patch, undo):
    owners = rasa_owners()
    before = attributes_of_every_owner(owners)
    install(patch)
    after = attributes_of_every_owner(owners)
    changed = {key for key in before.keys() | after.keys() if before.get(key) is not after.get(key)}
    declared = {owner_and_attribute(target) for target in patch.targets}
    assert changed == declared
    assert patches.is_installed(patch)


@pytest.mark.parametrize("patch", PATCHES, ids=lambda patch: patch.name)
def test_installing_a_patch_twice_changes_nothing_more(patch, undo):
    install(patch)
    installed = [current(target) for target in patch.targets]
    install(patch)
    assert [current(target) for target in patch.targets] == installed


def test_another_rasa_version_installs_nothing(undo):
    owners = rasa_owners()
    before = attributes_of_every_owner(owners)
    with pytest.raises(PatchRefused, match="3.6.21, not 3.7.0"):
        install_all("3.7.0")
    assert attributes_of_every_owner(owners) == before


def test_install_all_installs_every_patch(undo):
    calls = []
    recording = [Patch(p.name, p.targets, p.why, lambda p=p: (calls.append(p.name), p.install())) for p in PATCHES]
    install_all(patches=recording)
    assert calls == [p.name for p in PATCHES]
    assert all(patches.is_installed(p) for p in PATCHES)


def test_every_patch_says_why():
    assert len({p.name for p in PATCHES}) == len(PATCHES)
    assert all(len(p.why) > 30 for p in PATCHES)


def test_the_server_does_not_start_on_another_rasa(tmp_path):
    """A Rasa that says it is another version: the server refuses before `rasa run` starts."""
    code = ("import sys, rasa; rasa.__version__ = '3.7.0'; from server.start import main; "
            "sys.exit(main(['--port', '1']))")
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 2
    assert "written for Rasa 3.6.21, not 3.7.0" in result.stderr


@pytest.mark.parametrize("patch", PATCHES, ids=lambda patch: patch.name)
def test_each_target_takes_the_parameters_its_patch_expects(patch, undo):
    expected = {target: parameters(current(target)) for target in patch.targets}
    assert expected == dict(patch.targets)
    install(patch)
    assert {target: parameters(current(target)) for target in patch.targets} == dict(patch.targets)


@pytest.mark.parametrize("patch", PATCHES, ids=lambda patch: patch.name)
def test_each_replacement_is_wrapped_around_what_it_replaces(patch, undo):
    originals = {target: current(target) for target in patch.targets}
    install(patch)
    for target, original in originals.items():
        replacement = current(target)
        assert replacement is not original and replacement.__wrapped__ is original, target
        assert replacement.__name__ == original.__name__ and replacement.__qualname__ == original.__qualname__


@pytest.mark.parametrize("copy", COPIES, ids=lambda copy: copy.target)
def test_each_copy_is_of_the_pinned_source(copy):
    assert source_sha256(copy.target) == copy.source_sha256, f"check {copy.where} against the new {copy.target}"
    assert (ROOT / copy.where).is_file() and len(copy.why) > 30


def test_the_checks_see_other_parameters_other_source_and_a_missing_attribute():
    patch = Patch("p", {"rasa.core.agent:Agent.handle_message": "self, message, extra",
                        "rasa.core.agent:Agent.no_such_method": "self"}, "why", lambda: None)
    copy = Copy("rasa.core.tracker_store:SQLTrackerStore.save", "0" * 64, "privacy/tracker_store.py", "why")
    assert changed_internals([patch], [copy]) == (
        "rasa.core.agent:Agent.handle_message takes (self, message), not (self, message, extra) (patch p)",
        "rasa.core.agent:Agent.no_such_method is gone (patch p)",
        "rasa.core.tracker_store:SQLTrackerStore.save is not the source privacy/tracker_store.py copies",
    )


def test_nothing_has_changed_in_the_pinned_versions():
    assert changed_internals() == ()
    assert wrong_versions() == {}


def test_the_pins_are_the_locks():
    lock = (ROOT / "requirements.lock").read_text().splitlines()
    assert [f"{name}=={version}" for name, version in PINNED.items() if f"{name}=={version}" not in lock] == []


def test_another_library_version_installs_nothing(undo):
    owners = rasa_owners()
    before = attributes_of_every_owner(owners)
    with pytest.raises(PatchRefused, match="python-socketio 5.9.0, not 5.10.0"):
        install_all(libraries={"python-socketio": "5.10.0"})
    assert attributes_of_every_owner(owners) == before


def test_a_changed_internal_installs_nothing(undo):
    owners = rasa_owners()
    before = attributes_of_every_owner(owners)
    stale = Patch("stale", {"rasa.core.agent:Agent.handle_message": "self, message, extra"}, "why", lambda: None)
    with pytest.raises(PatchRefused, match=r"Agent.handle_message takes \(self, message\)"):
        install_all(patches=[*PATCHES, stale])
    assert attributes_of_every_owner(owners) == before


def test_each_patch_is_logged_once_when_installed(undo, caplog):
    caplog.set_level(logging.INFO, logger="server.patches")
    install_all()
    install_all()
    logged = [record.getMessage() for record in caplog.records if record.name == "server.patches"]
    assert len(logged) == len(PATCHES)
    assert all(any(patch.why in line for line in logged) for patch in PATCHES)
