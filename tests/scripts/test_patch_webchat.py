"""scripts/patch_webchat.py: rasa-webchat 1.0.1's isInitialized fixed once, and only in the bundle it was written for."""
import subprocess
import sys

from tests.conftest import ROOT

SCRIPT = ROOT / "scripts" / "patch_webchat.py"
# the Socket wrapper of rasa-webchat 1.0.1's lib/index.js, as npm installs it
BUNDLE_EXCERPT = ('this.marker=Math.random()}var t,n,r;return t=e,(n=[{key:"isInitialized",value:function(){return '
                  'null!==this.socket&&this.socket.connected}},{key:"on",value:function(e,t){this.socket?this.socket.on(e,t)')
FIXED_EXCERPT = BUNDLE_EXCERPT.replace("null!==this.socket&&this.socket.connected", "null!==this.socket")


def patch(path):
    return subprocess.run([sys.executable, str(SCRIPT), str(path)], capture_output=True, text=True, timeout=60)


def test_the_socket_counts_as_made_once_it_exists_connected_or_not(tmp_path):
    bundle = tmp_path / "index.js"
    bundle.write_text(BUNDLE_EXCERPT)
    result = patch(bundle)
    assert result.returncode == 0, result.stderr
    assert bundle.read_text() == FIXED_EXCERPT


def test_patching_twice_changes_nothing_more(tmp_path):
    bundle = tmp_path / "index.js"
    bundle.write_text(FIXED_EXCERPT)
    result = patch(bundle)
    assert result.returncode == 0 and result.stdout == ""
    assert bundle.read_text() == FIXED_EXCERPT


def test_another_bundle_is_refused_and_left_as_it_is(tmp_path):
    for text in ("var x = 1;", BUNDLE_EXCERPT + BUNDLE_EXCERPT, BUNDLE_EXCERPT + FIXED_EXCERPT):
        bundle = tmp_path / "index.js"
        bundle.write_text(text)
        result = patch(bundle)
        assert result.returncode == 1 and "not rasa-webchat 1.0.1" in result.stderr
        assert bundle.read_text() == text
