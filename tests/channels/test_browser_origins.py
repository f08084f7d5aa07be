"""The web chat's Socket.IO endpoint accepts browsers from the origins Rasa's --cors allows."""
from rasa.server import configure_cors
from sanic import Sanic

from channels.browser_origins import CorsOrigins

CLINIC = "https://www.example-clinic.org"


def origins_for(cors, name):
    """What the channel reads from a Sanic app set up as `rasa run --cors ...` sets it up."""
    app = Sanic(name)
    configure_cors(app, cors)
    origins = CorsOrigins()
    origins.read_from(app, "/socket.io")
    return origins


def test_only_the_configured_origins():
    allowed = origins_for([CLINIC, "http://127.0.0.1:8000"], "configured")
    assert allowed(CLINIC) and allowed("http://127.0.0.1:8000")
    for other in ("https://attacker.example.net", "https://www.example-clinic.org.attacker.net",
                  "http://www.example-clinic.org", "http://127.0.0.1:8001", "null", "", None):
        assert not allowed(other)


def test_without_cors_no_page_is_allowed():
    allowed = origins_for(None, "no_cors")
    assert not allowed(CLINIC) and not allowed("http://localhost:8000")


def test_a_wildcard_allows_every_page_as_it_does_for_cors_headers():
    assert origins_for("*", "wildcard")("https://anywhere.example")


def test_nothing_is_allowed_before_the_app_is_read():
    assert not CorsOrigins()(CLINIC)

