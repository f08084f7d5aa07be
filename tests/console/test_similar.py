"""console/similar.py and review.groups by meaning: the assistant's sentence encoder (numpy, no TensorFlow),
the threshold on real examples, the embeddings cached in CONSOLE_DB and gone with a deleted conversation.

Needs the encoder's files in build/encoder (`make encoder`, as tests/components/test_sentence_encoder.py)."""
import itertools
import sqlite3
import subprocess
import sys

import numpy as np
import pytest
import yaml

from components.minilm import DEFAULT_MODEL_DIR, MiniLM
from console.derived import Derived
from console.derived_reads import messages_answered
from console.messages import NOT_UNDERSTOOD, messages
from console.review import groups
from console.similar import THRESHOLD, Embedder, groups_by_similarity, vectors_of
from console.store import ConversationStore, StoreConfig
from tests.conftest import ROOT
from tests.console.conversations import CLARIFY, FALLBACK, Turn, forget, save
from tests.console.test_derived import DAY1, PERIOD

# (two messages, whether one group should hold both): paraphrases of one question, and other questions
PAIRS = [
    ("can I fly after the operation", "is it ok to take a plane afterwards", True),
    ("when can I drive again", "how soon can I drive a car after", True),
    ("can I go back to work", "when can I return to my job", True),
    ("what is the capital of france", "capital city of france?", True),
    ("can I eat before the procedure", "am I allowed food beforehand", True),
    ("do I need to stop my blood thinners", "should I stop my blood thinners?", True),
    ("what are the risks", "is it dangerous", True),
    ("when can I drive again", "when can I shower", False),
    ("can I go back to work", "can I go swimming", False),
    ("can I eat before the procedure", "can I drink water before", False),
    ("what is the capital of france", "who won the football", False),
    ("will it hurt", "how long does it take", False),
]


@pytest.fixture(scope="module")
def model():
    if not (DEFAULT_MODEL_DIR / "model.safetensors").is_file():
        pytest.fail(f"the sentence encoder is not built in {DEFAULT_MODEL_DIR}: run `make encoder`")
    return MiniLM.from_dir(DEFAULT_MODEL_DIR)


@pytest.mark.parametrize("first, second, together", PAIRS)
def test_the_threshold_on_real_examples(model, first, second, together):
    vectors = model.encode([first, second], in_numpy=True)
    assert (float(vectors[0] @ vectors[1]) >= THRESHOLD) is together
    assert (len(groups_by_similarity(list(vectors))) == 1) is together


def test_the_numpy_pass_is_the_graphs(model):
    texts = ["can I fly after the operation", "my leg is cold"]
    assert np.allclose(model.encode(texts, in_numpy=True), model.encode(texts), atol=1e-4)


def test_groups_on_the_blind_set_of_uncovered_questions_mostly_share_a_subject(model):
    """tests/nlu/blind/uncovered.yml: 120 questions on four subjects the guide does not cover, written by
    someone who saw no training data; most pairs put in one group share their subject."""
    document = yaml.safe_load((ROOT / "tests" / "nlu" / "blind" / "uncovered.yml").read_text())
    items = [(entry["intent"], line[2:].strip()) for entry in document["nlu"]
             for line in entry["examples"].splitlines() if line.strip()]
    found = groups_by_similarity(list(model.encode([text for _, text in items], in_numpy=True)))
    pairs = [(items[a][0], items[b][0]) for group in found for a, b in itertools.combinations(group, 2)]
    assert len(found) < len(items) and sum(a == b for a, b in pairs) / len(pairs) >= 0.8


def test_every_two_members_of_a_group_are_similar_enough():
    # unit vectors at 0, 15, 30 and 45 degrees: each is 0.97 similar to the next, 0.87 to the one after
    vectors = [np.array([np.cos(a), np.sin(a)], dtype=np.float32) for a in np.radians([0, 15, 30, 45])]
    found = groups_by_similarity(vectors, threshold=0.9)  # no chain from the first to the last
    assert found == [[0, 1], [2, 3]]
    assert groups_by_similarity([]) == []


@pytest.fixture
def table(tmp_path):
    db = tmp_path / "conversations.db"
    save(db, "rest:a", [Turn("can I fly after the operation", "nlu_fallback", FALLBACK),
                        Turn("/out_of_scope", "out_of_scope", FALLBACK)], DAY1)
    save(db, "rest:b", [Turn("is it ok to take a plane afterwards", "nlu_fallback", FALLBACK)], DAY1 + 100)
    save(db, "rest:c", [Turn("when can I shower", "nlu_fallback", CLARIFY),
                        Turn("can I fly after the operation", "nlu_fallback", FALLBACK)], DAY1 + 200)
    store = ConversationStore.open(StoreConfig(db=str(db)))
    derived = Derived(tmp_path / "console.db")
    derived.sync(store)
    return db, store, derived


def test_embeddings_are_cached_in_the_consoles_table_and_groups_are_by_meaning(model, table):
    db, store, derived = table
    embedder = Embedder(derived, encoder=model)
    assert embedder.pending() == 4  # the payload /out_of_scope is never shown, so never embedded
    assert embedder.embed_pending(batch=3) is True and embedder.pending() == 1
    assert embedder.embed_pending() is False and embedder.pending() == 0
    found = messages_answered(derived, PERIOD, NOT_UNDERSTOOD)
    vectors = vectors_of(derived, {m.key for m in found})
    assert len(vectors) == 4
    shown = groups(messages(store.events_of({m.sender_id for m in found})), {}, PERIOD.start, PERIOD.end, vectors=vectors)
    assert [(g.by_meaning, sorted(i.message.text for i in g.items)) for g in shown] == [
        (True, ["can I fly after the operation", "can I fly after the operation", "is it ok to take a plane afterwards"]),
        (True, ["when can I shower"])]
    partly = groups(messages(store.events_of({m.sender_id for m in found})), {}, PERIOD.start, PERIOD.end,
                    vectors={key: vector for key, vector in vectors.items() if key[0] != found[1].sender_id})
    assert [g.by_meaning for g in partly].count(False) == 1  # a message not embedded yet: grouped by wording


def test_the_embeddings_go_with_a_deleted_conversation(model, table):
    db, store, derived = table
    Embedder(derived, encoder=model).embed_pending()
    forget(db, "rest:b")
    derived.sync(store)
    rows = sqlite3.connect(derived.path).execute("SELECT text FROM messages JOIN embeddings USING (id)").fetchall()
    assert sorted(text for text, in rows) == ["can I fly after the operation"] * 2 + ["when can I shower"]


def test_missing_encoder_files_turn_grouping_by_meaning_off_and_say_why(tmp_path, table):
    embedder = Embedder(table[2], model_dir=tmp_path / "no-encoder")
    assert embedder.embed_pending() is False and "make encoder" in embedder.problem


def test_the_console_never_loads_tensorflow(table):
    code = ("import sys; from console.derived import Derived; from console.similar import Embedder; "
            f"e = Embedder(Derived({str(table[2].path)!r})); assert e.embed_pending() is False and e.problem is None; "
            "assert e.pending() == 0; print('tensorflow' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and result.stdout.strip() == "False", result.stderr


def test_an_embedding_never_outlives_its_text_when_an_id_is_given_again(model, table):
    db, store, derived = table
    embedder = Embedder(derived, encoder=model)
    embedder.embed_pending()
    before = set(sqlite3.connect(derived.path).execute("SELECT id FROM embeddings"))
    forget(db, "rest:c")  # the newest conversation: SQLite gives its ids to the next events
    save(db, "rest:d", [Turn("who won the football", "nlu_fallback", FALLBACK)] * 2, DAY1 + 300)
    derived.sync(store)
    rows = sqlite3.connect(derived.path).execute("SELECT id, text FROM messages JOIN embeddings USING (id)").fetchall()
    assert sorted(text for _, text in rows) == ["can I fly after the operation", "is it ok to take a plane afterwards"]
    assert {(id_,) for id_, _ in rows} < before and embedder.pending() == 2
    reused = set(sqlite3.connect(derived.path).execute("SELECT id FROM messages WHERE text = 'who won the football'"))
    assert reused & before  # an id that had "can I fly"'s embedding now names another message, without it
