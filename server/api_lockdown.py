"""Even with Rasa's HTTP API on, the model cannot be replaced, unloaded or retrained over HTTP.

PUT /model, DELETE /model and POST /model/train answer 403: a clinic deploys a model by
restarting the server with it.
"""
import functools

from channels.rest_guard import BadInput

REFUSED = {("PUT", "/model"), ("DELETE", "/model"), ("POST", "/model/train")}


async def refuse_model_changes(request):
    from sanic import response

    if (request.method, request.path.rstrip("/")) in REFUSED:
        refused = BadInput(403, "Forbidden", "Models are not changed over HTTP here: restart the server with the new model.")
        return response.json(refused.as_json(), status=refused.status)
    return None


def lock_down_api() -> None:
    """Every Rasa app with the HTTP API gets the middleware that refuses model changes."""
    import rasa.server

    create_app = rasa.server.create_app

    @functools.wraps(create_app)
    def create_locked_app(*args, **kwargs):
        app = create_app(*args, **kwargs)
        app.register_middleware(refuse_model_changes, "request")
        return app

    rasa.server.create_app = create_locked_app
