"""Which environment variables switch on and configure each messaging channel.

A channel is off when none of its variables is set, on when all its required
ones are set, and a configuration error otherwise. Required values go into the
credentials file as ``${VARIABLE}`` references (Rasa reads them from the
environment at start-up), so no secret is written to disk.

Some values have a form the provider requires (Telegram's webhook secret token):
they are checked here, when the credentials file is written, and again by the
channel when the Rasa server starts, each time with an error that names the
variable and the rule (never the value).

The web chat's session secret (``SESSION_SECRET``) is read from the environment
by its channel when the Rasa server starts (``session_secret``).
"""
import os
import string
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Mapping, Optional

import settings

# the providers' APIs, unless TELEGRAM_API_URL, ... say otherwise (settings/table.yml)
TELEGRAM_API_URL = settings.default("TELEGRAM_API_URL")
TWILIO_API_URL = settings.default("TWILIO_API_URL")
FACEBOOK_API_URL = settings.default("FACEBOOK_API_URL")
# signs the web chat's session ids (channels/session_ids.py); every replica needs the same one
SESSION_SECRET = "SESSION_SECRET"
# Telegram sends it back in X-Telegram-Bot-Api-Secret-Token with every update (channels/telegram.py)
TELEGRAM_SECRET_TOKEN = "TELEGRAM_SECRET_TOKEN"
# the Bot API's rule for setWebhook's secret_token: 1 to 256 of these
SECRET_TOKEN_CHARACTERS = frozenset(string.ascii_letters + string.digits + "_-")
SECRET_TOKEN_MAX = 256
MAKE_A_SECRET = "python -c 'import secrets; print(secrets.token_urlsafe(48))'"


class ChannelConfigError(ValueError):
    """A channel has some but not all of its required variables, or a value of the wrong form."""


def check_telegram_secret_token(value: Optional[str], variable: str = TELEGRAM_SECRET_TOKEN) -> str:
    """The secret token, if Telegram accepts it; else ChannelConfigError saying why (never the value)."""
    if value is None or value == "":
        raise ChannelConfigError(f"{variable} is not set: Telegram sends it with every update, so that forged "
                                 f"updates can be refused. Make one with {MAKE_A_SECRET}.")
    if not isinstance(value, str):
        raise ChannelConfigError(f"{variable} must be text.")
    bad = next((position for position, char in enumerate(value) if char not in SECRET_TOKEN_CHARACTERS), None)
    if bad is not None or len(value) > SECRET_TOKEN_MAX:
        problem = (f"the character at position {bad} is not one of them" if bad is not None
                   else f"it has {len(value)} characters")
        raise ChannelConfigError(f"{variable} must be 1 to {SECRET_TOKEN_MAX} characters, each A-Z, a-z, 0-9, _ "
                                 f"or - (Telegram's rule for a webhook's secret token); {problem}. "
                                 f"Make one with {MAKE_A_SECRET}.")
    return value


@dataclass(frozen=True)
class ChannelEnv:
    name: str
    class_path: str
    # credential key -> environment variable
    required: Dict[str, str]
    # credential key -> environment variable with a default (settings/table.yml)
    optional: Dict[str, str] = field(default_factory=dict)
    # environment variable -> a check of its value (raises ChannelConfigError)
    checks: Dict[str, Callable[[str], str]] = field(default_factory=dict)

    def variables(self) -> List[str]:
        return list(self.required.values()) + list(self.optional.values())

    def credentials(self, environ: Mapping[str, str]) -> Optional[Dict[str, str]]:
        """This channel's credentials section, or None when it is off."""
        def is_set(variable: str) -> bool:
            return bool(environ.get(variable, "").strip())

        if not any(is_set(variable) for variable in self.variables()):
            return None
        missing = [variable for variable in self.required.values() if not is_set(variable)]
        if missing:
            raise ChannelConfigError(
                f"{self.name} is partly configured: {', '.join(missing)} "
                f"{'is' if len(missing) == 1 else 'are'} not set. "
                f"Set all of {', '.join(self.required.values())}, or none of them to keep {self.name} off."
            )
        errors = []
        for variable, check in self.checks.items():
            try:
                check(environ[variable])  # as Rasa will read it: not stripped
            except ChannelConfigError as error:
                errors.append(str(error))
        if errors:
            raise ChannelConfigError(f"{self.name}: " + " ".join(errors))
        section = {key: f"${{{variable}}}" for key, variable in self.required.items()}
        for key, variable in self.optional.items():
            section[key] = settings.value(variable, environ)
        return section


CHANNELS = [
    ChannelEnv(
        name="telegram",
        class_path="channels.telegram.TelegramInput",
        required={
            "access_token": "TELEGRAM_ACCESS_TOKEN",
            "verify": "TELEGRAM_BOT_USERNAME",
            "webhook_url": "TELEGRAM_WEBHOOK_URL",
            "secret_token": TELEGRAM_SECRET_TOKEN,
        },
        optional={"api_url": "TELEGRAM_API_URL"},
        checks={TELEGRAM_SECRET_TOKEN: check_telegram_secret_token},
    ),
    ChannelEnv(
        name="twilio",
        class_path="channels.twilio.TwilioInput",
        required={
            "account_sid": "TWILIO_ACCOUNT_SID",
            "auth_token": "TWILIO_AUTH_TOKEN",
            "twilio_number": "TWILIO_NUMBER",
            "webhook_url": "TWILIO_WEBHOOK_URL",
        },
        optional={"api_url": "TWILIO_API_URL"},
    ),
    ChannelEnv(
        name="facebook",
        class_path="channels.facebook.FacebookInput",
        required={
            "verify": "FACEBOOK_VERIFY_TOKEN",
            "secret": "FACEBOOK_APP_SECRET",
            "page-access-token": "FACEBOOK_PAGE_ACCESS_TOKEN",
        },
        optional={"api_url": "FACEBOOK_API_URL"},
    ),
]


def enabled_channels(environ: Mapping[str, str] = os.environ) -> Dict[str, Dict[str, str]]:
    """Credentials sections (by class path) of every channel switched on in ``environ``.

    Raises ChannelConfigError naming the missing variables of every partly
    configured channel.
    """
    sections, errors = {}, []
    for channel in CHANNELS:
        try:
            section = channel.credentials(environ)
        except ChannelConfigError as error:
            errors.append(str(error))
            continue
        if section is not None:
            sections[channel.class_path] = section
    if errors:
        raise ChannelConfigError("\n".join(errors))
    return sections


def session_secret(environ: Mapping[str, str] = os.environ) -> str:
    """The web chat's session secret; ChannelConfigError when it is unset."""
    secret = settings.value(SESSION_SECRET, environ)
    if not secret:
        raise ChannelConfigError(
            f"{SESSION_SECRET} is not set: the web chat signs its session ids with it. Set it to a long "
            "random secret, the same on every Rasa server, e.g. "
            "python -c 'import secrets; print(secrets.token_urlsafe(48))' (`make run` makes one in var/).")
    return secret
