"""The demo page's web server: web/ compressed and cached, on loopback (standard library only).

What a clinic's own web server should do with these files too (docs/channels.md):

- gzip text files (HTML, CSS, JavaScript, JSON, SVG) for browsers that accept it (the widget's
  715 KB bundle travels as about 200 KB), with ``Vary: Accept-Encoding``;
- send a validator with every file (``ETag``, a hash of the bytes sent, and ``Last-Modified``)
  and answer a request that names the current one (``If-None-Match``, else
  ``If-Modified-Since``) with ``304 Not Modified`` and no body;
- ``Cache-Control``: ``no-cache`` (keep, but ask each time) for the page and its own scripts and
  styles, which change when they are edited; a day (``max-age=86400``) for ``node_modules/``, the
  pinned widget.

Only GET and HEAD; only files under the directory (no dot-files, no ``..``); nothing is listed.
``overrides`` serve given bytes at a path instead of a file (the tests' config.js).
"""
import email.utils
import gzip
import hashlib
import mimetypes
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Dict, Iterator, Mapping, Optional, Tuple
from urllib.parse import unquote, urlsplit

COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml")
MIN_COMPRESSED_BYTES = 1024
REVALIDATE = "no-cache"
PINNED = "public, max-age=86400"
TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
         ".html": "text/html; charset=utf-8", ".json": "application/json", ".svg": "image/svg+xml"}


@dataclass(frozen=True)
class Representation:
    body: bytes
    etag: str
    encoding: Optional[str]


@dataclass(frozen=True)
class Resource:
    content_type: str
    modified: float
    cache_control: str
    plain: Representation
    gzipped: Optional[Representation]


def _etag(body: bytes, suffix: str = "") -> str:
    return f'"{hashlib.sha256(body).hexdigest()[:32]}{suffix}"'


def resource(body: bytes, name: str, modified: float, cache_control: str) -> Resource:
    """A file's bytes as the server sends them: plain, and gzipped when that is worth it."""
    suffix = Path(name).suffix.lower()
    content_type = TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"
    plain = Representation(body, _etag(body), None)
    gzipped = None
    if content_type.startswith(COMPRESSIBLE) and len(body) >= MIN_COMPRESSED_BYTES:
        packed = gzip.compress(body, compresslevel=9, mtime=0)
        gzipped = Representation(packed, _etag(body, "-gzip"), "gzip")
    return Resource(content_type, modified, cache_control, plain, gzipped)


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether an Accept-Encoding header accepts gzip (not with q=0)."""
    for item in accept_encoding.split(","):
        coding, _, params = item.strip().partition(";")
        if coding.strip().lower() in ("gzip", "x-gzip", "*"):
            quality = params.strip().lower()
            return not (quality.startswith("q=") and float(quality[2:] or 0) == 0)
    return False


def not_modified(headers: Mapping[str, str], etags: Tuple[str, ...], modified: float) -> bool:
    """RFC 9110: If-None-Match decides when present; otherwise If-Modified-Since."""
    if_none_match = headers.get("If-None-Match")
    if if_none_match is not None:
        wanted = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in wanted or bool(wanted.intersection(etags))
    if_modified_since = headers.get("If-Modified-Since")
    if if_modified_since:
        try:
            since = email.utils.parsedate_to_datetime(if_modified_since).timestamp()
        except (TypeError, ValueError, IndexError):
            return False
        return int(modified) <= since
    return False


class Site:
    """The files under root (read once each, kept while unchanged), and any overrides."""

    def __init__(self, root: Path, overrides: Optional[Mapping[str, bytes]] = None):
        self.root = Path(root).resolve()
        started = time.time()
        self.overrides = {path: resource(body, path, started, REVALIDATE) for path, body in (overrides or {}).items()}
        self._cache: Dict[Path, Tuple[Tuple[float, int], Resource]] = {}
        self._lock = threading.Lock()

    def file_for(self, url_path: str) -> Optional[Path]:
        path = unquote(urlsplit(url_path).path)
        parts = [part for part in path.split("/") if part]
        if any(part.startswith(".") or "\\" in part or "\0" in part for part in parts):
            return None
        candidate = self.root.joinpath(*parts) if parts else self.root
        if candidate.is_dir():
            candidate = candidate / "index.html"
        try:
            candidate = candidate.resolve(strict=True)
        except (FileNotFoundError, RuntimeError, OSError):
            return None
        if self.root not in candidate.parents or not candidate.is_file():
            return None
        return candidate

    def get(self, url_path: str) -> Optional[Resource]:
        path = urlsplit(url_path).path
        if path in self.overrides:
            return self.overrides[path]
        file = self.file_for(url_path)
        if file is None:
            return None
        stat = file.stat()
        key = (stat.st_mtime, stat.st_size)
        with self._lock:
            cached = self._cache.get(file)
            if cached is None or cached[0] != key:
                relative = file.relative_to(self.root)
                cache_control = PINNED if relative.parts[0] == "node_modules" else REVALIDATE
                cached = (key, resource(file.read_bytes(), file.name, stat.st_mtime, cache_control))
                self._cache[file] = cached
        return cached[1]


class Handler(BaseHTTPRequestHandler):
    server_version = "thrombectomy-demo-page"
    sys_version = ""

    def __init__(self, *args, site: Site, quiet: bool = True, **kwargs):
        self.site, self.quiet = site, quiet
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        self._respond(send_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._respond(send_body=False)

    def _refuse(self, status: HTTPStatus, extra: Optional[Dict[str, str]] = None) -> None:
        body = f"{status.value} {status.phrase}\n".encode()
        self.send_response(status)
        for name, value in {"Content-Type": "text/plain; charset=utf-8", "Content-Length": str(len(body)),
                            **(extra or {})}.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _not_allowed(self) -> None:
        self._refuse(HTTPStatus.METHOD_NOT_ALLOWED, {"Allow": "GET, HEAD"})

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _not_allowed  # noqa: N815

    def _respond(self, send_body: bool) -> None:
        found = self.site.get(self.path)
        if found is None:
            self._refuse(HTTPStatus.NOT_FOUND)
            return
        use_gzip = found.gzipped is not None and accepts_gzip(self.headers.get("Accept-Encoding", ""))
        chosen = found.gzipped if use_gzip else found.plain
        etags = tuple(r.etag for r in (found.plain, found.gzipped) if r is not None)
        status = HTTPStatus.NOT_MODIFIED if not_modified(self.headers, etags, found.modified) else HTTPStatus.OK
        self.send_response(status)
        self.send_header("ETag", chosen.etag)
        self.send_header("Last-Modified", email.utils.formatdate(found.modified, usegmt=True))
        self.send_header("Cache-Control", found.cache_control)
        if found.gzipped is not None:
            self.send_header("Vary", "Accept-Encoding")
        if status == HTTPStatus.OK:
            self.send_header("Content-Type", found.content_type)
            self.send_header("Content-Length", str(len(chosen.body)))
            self.send_header("X-Content-Type-Options", "nosniff")
            if chosen.encoding:
                self.send_header("Content-Encoding", chosen.encoding)
        self.end_headers()
        if send_body and status == HTTPStatus.OK:
            self.wfile.write(chosen.body)

    def log_message(self, format: str, *args) -> None:
        if not self.quiet:
            super().log_message(format, *args)


def make_server(directory: Path, port: int = 0, host: str = "127.0.0.1",
                overrides: Optional[Mapping[str, bytes]] = None, quiet: bool = True) -> ThreadingHTTPServer:
    """A server for directory on host:port (port 0: a free one); call serve_forever() to run it."""
    server = ThreadingHTTPServer((host, port), partial(Handler, site=Site(directory, overrides), quiet=quiet))
    server.daemon_threads = True
    return server


@contextmanager
def serving(directory: Path, port: int = 0, overrides: Optional[Mapping[str, bytes]] = None) -> Iterator[str]:
    """Serve directory on 127.0.0.1:port (0: a free one) in a thread; yield the base URL, then stop."""
    server = make_server(directory, port, overrides=overrides)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
