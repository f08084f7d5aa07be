"""privacy/pseudonyms.py: a stored sender id is the channel prefix and a keyed hash of the sender id."""
import pytest

from privacy.pseudonyms import stored_sender_id
from tests.privacy.helpers import KEY


@pytest.mark.parametrize("sender, prefix", [
    ("rest:jane.doe@example.com", "rest:"), ("web:Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4cXV1", "web:"),
    ("+447700900123", ""), ("whatsapp:+447700900123", ""), ("123456789", ""), ("rest:web:abc", "rest:"),
])
def test_a_stored_id_is_the_channel_prefix_and_a_keyed_hash(sender, prefix):
    stored_id = stored_sender_id(sender, KEY)
    assert stored_id.startswith(prefix)
    digest = stored_id[len(prefix):]
    assert len(digest) == 64 and set(digest) <= set("0123456789abcdef")
    assert stored_id == stored_sender_id(sender, KEY.encode())  # the same for the key as text or bytes
    assert stored_id != stored_sender_id(sender, KEY + "x")  # another key: another id
    assert sender.split(":")[-1] not in stored_id


def test_stored_ids_of_different_senders_differ_also_across_channels():
    senders = ["rest:a", "rest:b", "web:a", "a", "rest:web:a", "web:rest:a"]
    assert len({stored_sender_id(sender, KEY) for sender in senders}) == len(senders)
