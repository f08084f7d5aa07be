"""The credentials builder: a messaging channel is off, on, or a clear error."""
import pytest
import yaml

from channels.env import CHANNELS, ChannelConfigError, enabled_channels
from scripts import credentials as builder

FULL = {
    "TELEGRAM_ACCESS_TOKEN": "123:tg-token-value", "TELEGRAM_BOT_USERNAME": "vein_bot",
    "TELEGRAM_WEBHOOK_URL": "https://bot.example.org/webhooks/telegram/webhook",
    "TELEGRAM_SECRET_TOKEN": "tg-secret_value-0123456789",
    "TWILIO_ACCOUNT_SID": "AC123", "TWILIO_AUTH_TOKEN": "tw-token-value", "TWILIO_NUMBER": "+15550001111",
    "TWILIO_WEBHOOK_URL": "https://bot.example.org/webhooks/twilio/webhook",
    "FACEBOOK_VERIFY_TOKEN": "verify", "FACEBOOK_APP_SECRET": "fb-secret-value", "FACEBOOK_PAGE_ACCESS_TOKEN": "fb-page-value",
}
BASE = {"rest": None, "socketio": {"user_message_evt": "user_uttered"}}


def only(prefix):
    return {key: value for key, value in FULL.items() if key.startswith(prefix)}


def test_no_variables_means_only_the_base_channels():
    assert builder.build(BASE, {}) == BASE


def test_empty_values_count_as_unset():
    assert enabled_channels({key: "" for key in FULL}) == {}


@pytest.mark.parametrize("channel", CHANNELS, ids=lambda channel: channel.name)
def test_all_required_variables_switch_a_channel_on(channel):
    environ = {variable: "value" for variable in channel.required.values()}
    sections = enabled_channels(environ)
    assert list(sections) == [channel.class_path]
    section = sections[channel.class_path]
    # secrets stay in the environment: the file only refers to them
    assert {section[key] for key in channel.required} == {f"${{{v}}}" for v in channel.required.values()}
    # the provider's real API unless told otherwise
    assert section["api_url"].startswith("https://")


@pytest.mark.parametrize("channel", CHANNELS, ids=lambda channel: channel.name)
def test_a_missing_variable_is_named(channel):
    variables = list(channel.required.values())
    environ = {variable: "value" for variable in variables[:-1]}
    with pytest.raises(ChannelConfigError, match=variables[-1]) as error:
        enabled_channels(environ)
    assert channel.name in str(error.value)


def test_only_the_api_url_set_is_also_partial():
    with pytest.raises(ChannelConfigError, match="TWILIO_ACCOUNT_SID"):
        enabled_channels({"TWILIO_API_URL": "http://127.0.0.1:1"})


def test_api_url_comes_from_the_environment():
    environ = {**only("TELEGRAM"), "TELEGRAM_API_URL": "http://127.0.0.1:8081"}
    assert enabled_channels(environ)["channels.telegram.TelegramInput"]["api_url"] == "http://127.0.0.1:8081"


def test_the_script_writes_base_and_channels(tmp_path):
    base = tmp_path / "credentials.yml"
    base.write_text(yaml.safe_dump(BASE))
    out = tmp_path / "build" / "credentials.yml"
    assert builder.main(["--base", str(base), "--out", str(out)], environ=FULL) == 0
    text = out.read_text()
    written = yaml.safe_load(text)
    assert list(written) == ["rest", "socketio", "channels.telegram.TelegramInput",
                             "channels.twilio.TwilioInput", "channels.facebook.FacebookInput"]
    assert written["socketio"] == BASE["socketio"]
    for secret in ("tg-token-value", "tg-secret_value-0123456789", "tw-token-value", "fb-secret-value",
                   "fb-page-value"):
        assert secret not in text
    # unquoted, so that Rasa substitutes them
    assert "access_token: ${TELEGRAM_ACCESS_TOKEN}" in text
    assert "secret_token: ${TELEGRAM_SECRET_TOKEN}" in text


@pytest.mark.parametrize("secret", ["Qz7 wv", "Qz7" * 86, "Qz7øwv", "Qz7=wv", "Qz7wv\n", " Qz7wv"],
                         ids=["space", "257 characters", "not ASCII", "equals sign", "newline", "leading space"])
def test_a_telegram_secret_token_telegram_would_refuse_stops_the_script(tmp_path, capsys, secret):
    base = tmp_path / "credentials.yml"
    base.write_text("rest:\n")
    out = tmp_path / "out.yml"
    assert builder.main(["--base", str(base), "--out", str(out)],
                        environ={**only("TELEGRAM"), "TELEGRAM_SECRET_TOKEN": secret}) == 2
    error = capsys.readouterr().err
    assert "TELEGRAM_SECRET_TOKEN must be 1 to 256 characters" in error and "A-Z, a-z, 0-9, _ or -" in error
    assert secret.strip() not in error  # the rule, never the value
    assert not out.exists()


@pytest.mark.parametrize("secret", ["a", "x" * 256, "A-z_0-9", "-"])
def test_every_secret_token_telegram_accepts_is_accepted(secret):
    environ = {**only("TELEGRAM"), "TELEGRAM_SECRET_TOKEN": secret}
    assert enabled_channels(environ)["channels.telegram.TelegramInput"]["secret_token"] == "${TELEGRAM_SECRET_TOKEN}"


def test_telegram_needs_its_secret_token():
    environ = {key: value for key, value in only("TELEGRAM").items() if key != "TELEGRAM_SECRET_TOKEN"}
    with pytest.raises(ChannelConfigError, match="TELEGRAM_SECRET_TOKEN is not set"):
        enabled_channels(environ)


def test_the_script_fails_naming_the_variable(tmp_path, capsys):
    base = tmp_path / "credentials.yml"
    base.write_text("rest:\n")
    out = tmp_path / "out.yml"
    environ = {key: value for key, value in only("FACEBOOK").items() if key != "FACEBOOK_APP_SECRET"}
    assert builder.main(["--base", str(base), "--out", str(out)], environ=environ) == 2
    assert "FACEBOOK_APP_SECRET" in capsys.readouterr().err
    assert not out.exists()


def test_rasa_reads_the_file_with_the_secrets_from_the_environment(tmp_path, monkeypatch):
    from rasa.shared.utils.io import read_config_file

    base = tmp_path / "credentials.yml"
    base.write_text("rest:\n")
    out = tmp_path / "out.yml"
    assert builder.main(["--base", str(base), "--out", str(out)], environ=only("TWILIO")) == 0
    for key, value in only("TWILIO").items():
        monkeypatch.setenv(key, value)
    section = read_config_file(str(out))["channels.twilio.TwilioInput"]
    assert section["auth_token"] == "tw-token-value" and section["twilio_number"] == "+15550001111"


def test_a_secret_token_of_digits_reaches_the_telegram_channel_as_text(tmp_path, monkeypatch):
    from rasa.shared.utils.io import read_config_file

    from channels.telegram import TelegramInput

    base = tmp_path / "credentials.yml"
    base.write_text("rest:\n")
    out = tmp_path / "out.yml"
    environ = {**only("TELEGRAM"), "TELEGRAM_SECRET_TOKEN": "0123456789"}
    assert builder.main(["--base", str(base), "--out", str(out)], environ=environ) == 0
    for key, value in environ.items():
        monkeypatch.setenv(key, value)
    section = read_config_file(str(out))["channels.telegram.TelegramInput"]
    assert TelegramInput.from_credentials(section).secret_token == "0123456789"
