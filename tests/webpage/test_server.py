"""webpage/server.py: the demo page served compressed and cached, over real HTTP on loopback."""
import gzip
import os
import subprocess
import sys
import time

import pytest
import requests

from tests.conftest import ROOT
from webpage.server import accepts_gzip, make_server, not_modified, serving

SCRIPT = "console.log('the chat');\n" * 200  # 5 KB of JavaScript


@pytest.fixture
def site(tmp_path):
    (tmp_path / "index.html").write_text("<!DOCTYPE html><title>x</title>" + "<p>text</p>" * 200)
    (tmp_path / "chat.js").write_text(SCRIPT)
    (tmp_path / "tiny.css").write_text("a{}")
    (tmp_path / ".gitignore").write_text("config.js\n")
    (tmp_path / "node_modules" / "widget").mkdir(parents=True)
    (tmp_path / "node_modules" / "widget" / "index.js").write_text(SCRIPT)
    (tmp_path.parent / "secret.txt").write_text("outside")
    return tmp_path


def get(url, **headers):
    # requests decodes gzip itself; raw=stream to see the bytes as sent
    return requests.get(url, headers={"Accept-Encoding": "identity", **headers}, timeout=10, stream=True)


def test_text_is_gzipped_for_browsers_that_accept_it(site):
    with serving(site) as base:
        response = get(base + "/chat.js", **{"Accept-Encoding": "gzip, deflate, br"})
        body = response.raw.read()
        assert response.status_code == 200 and response.headers["Content-Encoding"] == "gzip"
        assert response.headers["Content-Type"] == "text/javascript; charset=utf-8"
        assert response.headers["Vary"] == "Accept-Encoding"
        assert int(response.headers["Content-Length"]) == len(body) < len(SCRIPT) / 10
        assert gzip.decompress(body).decode() == SCRIPT

        plain = get(base + "/chat.js")
        assert "Content-Encoding" not in plain.headers and plain.raw.read().decode() == SCRIPT
        assert plain.headers["ETag"] != response.headers["ETag"]  # two representations, two validators
        refused = get(base + "/chat.js", **{"Accept-Encoding": "gzip;q=0"})
        assert "Content-Encoding" not in refused.headers


def test_small_files_are_sent_as_they_are(site):
    with serving(site) as base:
        response = get(base + "/tiny.css", **{"Accept-Encoding": "gzip"})
        assert "Content-Encoding" not in response.headers and response.raw.read() == b"a{}"


def test_a_browser_that_has_the_file_gets_304_without_a_body(site):
    with serving(site) as base:
        first = get(base + "/", **{"Accept-Encoding": "gzip"})
        assert first.status_code == 200 and first.headers["Content-Type"].startswith("text/html")
        assert first.headers["Cache-Control"] == "no-cache" and first.headers["Last-Modified"].endswith("GMT")
        again = get(base + "/", **{"Accept-Encoding": "gzip", "If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304 and again.raw.read() == b"" and again.headers["ETag"] == first.headers["ETag"]
        by_date = get(base + "/", **{"If-Modified-Since": first.headers["Last-Modified"]})
        assert by_date.status_code == 304
        # If-None-Match decides when present: an old tag gets the file even with a current date
        stale = get(base + "/", **{"If-None-Match": '"old"', "If-Modified-Since": first.headers["Last-Modified"]})
        assert stale.status_code == 200


def test_a_changed_file_gets_a_new_validator(site):
    with serving(site) as base:
        before = get(base + "/chat.js").headers["ETag"]
        (site / "chat.js").write_text(SCRIPT + "// changed\n")
        later = time.time() + 5
        os.utime(site / "chat.js", (later, later))
        response = get(base + "/chat.js", **{"If-None-Match": before})
        assert response.status_code == 200 and response.headers["ETag"] != before
        assert response.raw.read().decode().endswith("// changed\n")


def test_the_pinned_widget_is_cached_for_a_day(site):
    with serving(site) as base:
        assert get(base + "/node_modules/widget/index.js").headers["Cache-Control"] == "public, max-age=86400"


def test_only_files_under_the_directory_are_served(site):
    with serving(site) as base:
        for path in ("/../secret.txt", "/%2e%2e/secret.txt", "/.gitignore", "/missing.js", "/node_modules/",
                     "/node_modules/widget/%2e%2e/%2e%2e/..%2fsecret.txt"):
            assert get(base + path).status_code == 404, path
        assert requests.post(base + "/chat.js", data="x", timeout=10).status_code == 405
        head = requests.head(base + "/chat.js", headers={"Accept-Encoding": "identity"}, timeout=10)
        assert head.status_code == 200 and head.content == b"" and int(head.headers["Content-Length"]) == len(SCRIPT)


def test_an_override_is_served_instead_of_a_file(site):
    with serving(site, overrides={"/config.js": b"window.X = 1;\n"}) as base:
        response = get(base + "/config.js?v=1")
        assert response.raw.read() == b"window.X = 1;\n" and response.headers["Cache-Control"] == "no-cache"


def test_it_listens_on_loopback_unless_told_otherwise(site):
    server = make_server(site)
    try:
        assert server.server_address[0] == "127.0.0.1"
    finally:
        server.server_close()


def test_the_command_serves_a_directory(site):
    from cluster.processes import free_port
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "webpage", "--port", str(port), "--dir", str(site)], cwd=ROOT,
                               stderr=subprocess.PIPE, text=True)
    try:
        assert f"on http://127.0.0.1:{port}/" in process.stderr.readline()
        assert get(f"http://127.0.0.1:{port}/chat.js").raw.read().decode() == SCRIPT
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.parametrize("header, accepted", [
    ("gzip", True), ("deflate, gzip;q=1.0", True), ("*", True), ("gzip;q=0", False), ("br", False), ("", False),
])
def test_accept_encoding(header, accepted):
    assert accepts_gzip(header) is accepted


def test_if_none_match_takes_weak_and_several_tags():
    assert not_modified({"If-None-Match": 'W/"a", "b"'}, ('"a"',), 0)
    assert not_modified({"If-None-Match": "*"}, ('"a"',), 0)
    assert not not_modified({"If-Modified-Since": "not a date"}, ('"a"',), 0)
