"""The staff console: a small web application for clinic staff, beside the assistant.

It reads the conversation store read-only (``console.store``) and shows only what is stored
(redacted text, pseudonymous conversation ids): an overview of what patients ask
(``console.stats``), the messages the assistant could not place (``console.review``), the
safety answers, and an export of staff marks as Rasa NLU training data (``console.export``).
Staff marks live in the console's own SQLite file (``console.marks``), never in the store.
Access: ``console.passwords`` (scrypt hashes), ``console.sessions`` (signed cookies, CSRF
tokens, expiry), ``console.login_limits`` (attempts per client), ``console.access_log``.
``python -m console`` starts it (``console.app``); ``python -m console hash-password`` prints a hash.
"""
