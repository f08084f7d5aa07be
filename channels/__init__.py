"""Channels: Rasa's own connectors, configured from the environment.

- ``env``: which environment variables configure which channel (no Rasa import,
  so ``scripts/credentials.py`` stays fast), and the web chat's session secret.
- ``buttons``: quick replies as numbered text, and length limits.
- ``choices``: the numbered choices offered last to each sender, and what a
  reply of "1" or a label means.
- ``telegram``, ``twilio``, ``facebook``: each its own webhook (only the provider may post:
  secret token or signature; shapes checked, ``webhooks``) and Rasa's sending side.
- ``rest``: Rasa's REST channel, its conversations stored as ``rest:<sender>``.
- ``socketio``: the web chat, with server-issued session ids (``session_ids``)
  bound to each connection, open to the pages `--cors` allows (``browser_origins``).
"""
