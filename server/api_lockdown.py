"""Even with Rasa's HTTP API on, the model cannot be replaced, unloaded or retrained over HTTP.

PUT /model, DELETE /model and POST /model/train answer 403: a clinic deploys a model by
restarting the server with it.
"""

REFUSED = {("PUT", "/model"), ("DELETE", "/model"), ("POST", "/model/train")}


async def refuse_model_changes(request):
    from sanic import response

    if (request.method, request.path.rstrip("/")) in REFUSED:
        return response.json(
            {"status": "failure", "reason": "Forbidden",
             "message": "Models are not changed over HTTP here: restart the server with the new model.",
             "code": 403}, status=403)
    return None


def lock_down_api() -> None:
    """Every Rasa app with the HTTP API gets the middleware that refuses model changes."""
    import rasa.server

    create_app = rasa.server.create_app

    def create_locked_app(*args, **kwargs):
        app = create_app(*args, **kwargs)
        app.register_middleware(refuse_model_changes, "request")
        return app

    rasa.server.create_app = create_locked_app
