"""The console's web application (Sanic): login, the pages, marks and exports.

Every route but the login page (and its stylesheet) needs a session; every POST needs the
session's CSRF token (the login form its own signed one); each view, mark and export is written
to the access log. The conversation store is only read.

With the single sign-on proxy (CONSOLE_TRUSTED_USER_HEADER, console.proxy_users), there is no password
login: every request must come from the trusted proxy, which names the user; the console starts a
session for that user (its CSRF token, its lifetime) and refuses anything else with 403.

The console's own table of messages is kept up to date in the background (console.sync); each page says
whether it is complete.
"""
import secrets
from pathlib import Path
from typing import Optional

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sanic import Sanic, response
from sanic.request import Request

from console import access_log, derived_reads, export, intents, marks, messages, review, similar, stats
from console.config import Config
from console.derived import Derived
from console.login_limits import LoginLimits
from console.passwords import DUMMY, verify
from console.period import BadPeriod, period
from console.sessions import Session, Sessions
from console.signing import sign, unsign
from console.store import ConversationStore, StoreError
from console.sync import LOGGER as SYNC_LOGGER
from console.sync import Syncer

HERE = Path(__file__).resolve().parent
STATIC = {
    "console.css": (HERE / "static" / "console.css", "text/css"),
    "console.js": (HERE / "static" / "console.js", "text/javascript"),
    "chart.umd.js": (HERE / "static" / "node_modules" / "chart.js" / "dist" / "chart.umd.js", "text/javascript"),
}
SAFETY = ("emergency", "medical_advice")
PUBLIC = {"/login", "/static/console.css"}
SESSION_COOKIE, LOGIN_COOKIE = "console_session", "console_login"
HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
                               "frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


class MissingFiles(RuntimeError):
    """A file the console serves is missing (the chart library: npm ci in console/static)."""


def _client(request: Request) -> str:
    return request.ip or "unknown"


def create_app(config: Config, name: str = "thrombectomy_console") -> Sanic:
    for path, _ in STATIC.values():
        if not path.is_file():
            raise MissingFiles(f"{path} is missing: run `npm ci` in console/static (`make console` does it)")
    app = Sanic(name)
    app.config.FALLBACK_ERROR_FORMAT = "text"
    templates = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]))
    sessions = Sessions(config.secret, config.session_seconds)
    limits = LoginLimits()
    staff_marks = marks.Marks(config.console_db)
    derived = Derived(config.console_db)
    access_log.open_log(config.access_log)
    store = ConversationStore.open(config.store)
    embedder = similar.Embedder(derived)
    syncer = Syncer(derived, store, config.sync_seconds, staff_marks, after_sync=embedder.embed_pending)

    @app.before_server_start
    async def first_step(app_, loop):
        """One step of the first fill before the port opens (a small store is then read whole), the rest
        in the background."""
        try:
            syncer.step()
        except Exception as failure:  # the thread tries again; pages say the table is partial
            SYNC_LOGGER.warning("console: the first sync failed (%s); the background sync tries again", failure)
        syncer.start()

    @app.before_server_stop
    async def stop_sync(app_, loop):
        syncer.stop()

    def page(template: str, request: Request, status: int = 200, **values) -> response.HTTPResponse:
        session: Optional[Session] = request.ctx.session
        return response.html(templates.get_template(template).render(session=session, sso=config.trusted is not None,
                                                                     **values), status=status)

    def set_cookie(reply: response.HTTPResponse, name_: str, value: str, max_age: int) -> None:
        reply.cookies[name_] = value
        cookie = reply.cookies[name_]
        cookie["httponly"], cookie["samesite"], cookie["path"], cookie["max-age"] = True, "Strict", "/", max_age
        if config.https:
            cookie["secure"] = True

    def error(request: Request, status: int, message: str) -> response.HTTPResponse:
        return page("error.html", request, status=status, message=message)

    def viewed(request: Request, action: str, detail: str = "") -> None:
        access_log.record(request.ctx.session.user, action, _client(request), detail)

    def proxied(request: Request) -> Optional[response.HTTPResponse]:
        """SSO mode: the session of the user the trusted proxy names (started if need be), or a refusal."""
        user, refused = config.trusted.user_of(_client(request), request.headers)
        if user is None:
            request.ctx.session = None
            access_log.record(None, f"refused-{refused}", _client(request), request.path)
            return error(request, 403, "This console is reached only through the clinic's sign-on.")
        if request.ctx.session is None or request.ctx.session.user != user:
            sessions.end(request.cookies.get(SESSION_COOKIE))  # another user's session ends here
            request.ctx.started = sessions.start(user)
            request.ctx.session = sessions.get(request.ctx.started)
            access_log.record(user, "login-sso", _client(request))
        return None

    @app.on_request
    async def require_login(request: Request):
        request.ctx.session = sessions.get(request.cookies.get(SESSION_COOKIE))
        request.ctx.started = None
        if config.trusted is not None:
            refusal = proxied(request)
            if refusal is not None:
                return refusal
            if request.path == "/login":
                return response.redirect("/overview", status=303)
        if request.path in PUBLIC:
            return None
        if request.ctx.session is None:
            if request.method == "GET":
                return response.redirect("/login", status=303)
            return error(request, 401, "Log in first.")
        if request.method == "POST" and not request.ctx.session.csrf_ok(request.form.get("csrf")):
            access_log.record(request.ctx.session.user, "refused-missing-csrf", _client(request), request.path)
            return error(request, 403, "This form was not sent by the console page (its security token is "
                                       "missing or wrong). Go back, reload the page and try again.")
        return None

    @app.on_response
    async def security_headers(request: Request, reply: response.HTTPResponse):
        for header, value in HEADERS.items():
            reply.headers.setdefault(header, value)
        if getattr(request.ctx, "started", None) and SESSION_COOKIE not in reply.cookies:
            set_cookie(reply, SESSION_COOKIE, request.ctx.started, int(config.session_seconds) + 1)

    @app.exception(BadPeriod, marks.BadMark)
    async def bad_input(request: Request, exception: Exception):
        return error(request, 400, str(exception))

    @app.exception(StoreError)
    async def store_down(request: Request, exception: Exception):
        return error(request, 503, f"{exception}. Try again shortly.")

    @app.get("/login")
    async def login_form(request: Request):
        if request.ctx.session:
            return response.redirect("/overview", status=303)
        nonce = secrets.token_urlsafe(24)
        reply = page("login.html", request, csrf=nonce, message=request.args.get("message"))
        set_cookie(reply, LOGIN_COOKIE, sign(config.secret, nonce), 3600)
        return reply

    @app.post("/login")
    async def login(request: Request):
        client = _client(request)
        nonce = unsign(config.secret, request.cookies.get(LOGIN_COOKIE))
        if not nonce or request.form.get("csrf") != nonce:
            access_log.record(None, "refused-missing-csrf", client, "/login")
            return error(request, 403, "The login form expired or was not sent by this console: reload it.")
        if limits.blocked(client):
            access_log.record(None, "login-refused-rate-limit", client)
            reply = error(request, 429, "Too many failed logins from here: wait a few minutes.")
            reply.headers["Retry-After"] = str(limits.retry_after(client))
            return reply
        user, password = request.form.get("user") or "", request.form.get("password") or ""
        hashed = config.users.get(user)
        if not verify(password, hashed or DUMMY) or hashed is None:
            limits.failed(client)
            access_log.record(None, "login-failed", client)
            return page("login.html", request, status=401, csrf=nonce, message="Wrong name or password.")
        limits.succeeded(client)
        reply = response.redirect("/overview", status=303)
        set_cookie(reply, SESSION_COOKIE, sessions.start(user), int(config.session_seconds) + 1)
        del reply.cookies[LOGIN_COOKIE]
        access_log.record(user, "login", client)
        return reply

    @app.post("/logout")
    async def logout(request: Request):
        viewed(request, "logout")
        sessions.end(request.cookies.get(SESSION_COOKIE))
        reply = response.redirect("/login", status=303)
        del reply.cookies[SESSION_COOKIE]
        return reply

    @app.get("/")
    async def home(request: Request):
        return response.redirect("/overview", status=303)

    @app.get("/static/<file_name>")
    async def static(request: Request, file_name: str):
        if file_name not in STATIC:
            return error(request, 404, "No such file.")
        path, content_type = STATIC[file_name]
        return response.raw(path.read_bytes(), content_type=content_type)

    def synced_period(request: Request):
        """The period asked for, and the console's own table of messages brought up to date (console.sync):
        its status says whether it is complete (every page shows it)."""
        shown = period({key: request.args.get(key) for key in ("from", "to")})
        request.ctx.sync = syncer.refresh()
        return shown

    @app.get("/overview")
    async def overview(request: Request):
        shown = synced_period(request)
        viewed(request, "view", f"page=overview {shown.query()}")
        result = derived_reads.overview(derived, shown)
        return page("overview.html", request, period=shown, sync=request.ctx.sync, result=result,
                    chart=stats.chart_data(result),
                    labels=messages.CATEGORY_LABELS, columns=stats.CSV_COLUMNS)

    @app.get("/overview.csv")
    async def overview_csv(request: Request):
        shown = synced_period(request)
        if not request.ctx.sync.complete:
            return error(request, 503, f"The console is still reading the conversation store for the first time "
                                       f"({request.ctx.sync.percent:.0f}% read): the table would be partial. "
                                       "Try again in a minute.")
        viewed(request, "export", f"file=overview.csv {shown.query()}")
        return response.text(stats.days_csv(derived_reads.overview(derived, shown)), content_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition": f'attachment; filename="overview-{shown.first}-{shown.last}.csv"'})

    @app.get("/not-understood")
    async def not_understood(request: Request):
        shown = synced_period(request)
        viewed(request, "view", f"page=not-understood {shown.query()}")
        found = derived_reads.messages_answered(derived, shown, messages.NOT_UNDERSTOOD)
        held = marks.current(staff_marks, store)
        newest = review.newest(found, shown.start, shown.end)
        total = sum(1 for m in found if review.is_not_understood(m) and shown.start <= m.timestamp < shown.end)
        conversations = messages.messages(store.events_of({m.sender_id for m in newest}))
        vectors = similar.vectors_of(derived, {m.key for m in newest})
        return page("not_understood.html", request, period=shown, sync=request.ctx.sync, intents=intents.intents(),
                    shown=len(newest), total=total, kinds=marks.KIND_LABELS, labels=messages.CATEGORY_LABELS,
                    by_wording=len(newest) - len(vectors), grouping_off=embedder.problem,
                    threshold=similar.THRESHOLD,
                    groups=review.groups(conversations, held, shown.start, shown.end, {m.key for m in newest}, vectors))

    @app.post("/marks")
    async def mark(request: Request):
        form = request.form
        try:
            key = (form.get("sender") or "", float(form.get("timestamp") or ""))
        except ValueError:
            raise marks.BadMark("the message to mark is not named (sender and timestamp)") from None
        if key not in set(store.user_message_keys([key[0]])):
            return error(request, 404, "That message is no longer stored (deleted on the patient's request or by retention).")
        made = staff_marks.put(key, form.get("kind") or "", (form.get("intent") or "").strip() or None,
                               request.ctx.session.user, intents.intents())
        viewed(request, "mark", f"kind={made.kind}" + (f" intent={made.intent}" if made.intent else ""))
        back = f"/not-understood?from={form.get('from') or ''}&to={form.get('to') or ''}"
        return response.redirect(back, status=303)

    @app.get("/export.yml")
    async def export_yml(request: Request):
        held = [m for m in marks.current(staff_marks, store).values() if m.kind == "intent"]
        texts = {message.key: message.text
                 for message in messages.messages(store.events_of({m.sender_id for m in held}))}
        examples = [(m.intent, texts[m.key]) for m in sorted(held, key=lambda m: m.timestamp) if m.key in texts]
        viewed(request, "export", f"file=nlu.yml examples={len(examples)}")
        return response.text(export.nlu_yaml(examples), content_type="text/yaml; charset=utf-8",
                             headers={"Content-Disposition": 'attachment; filename="console-nlu.yml"'})

    @app.get("/safety")
    async def safety(request: Request):
        shown = synced_period(request)
        viewed(request, "view", f"page=safety {shown.query()}")
        found = derived_reads.messages_answered(derived, shown, SAFETY)
        fired = sorted(found, key=lambda m: -m.timestamp)
        return page("safety.html", request, period=shown, sync=request.ctx.sync, labels=messages.CATEGORY_LABELS,
                    emergencies=[m for m in fired if m.category == "emergency"],
                    referrals=[m for m in fired if m.category == "medical_advice"])

    return app
