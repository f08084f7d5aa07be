"""components/minilm.py, components/sentence_encoder.py and scripts/build_encoder.py.

Needs the encoder's files in build/encoder: `make test-unit` builds them first (`make encoder`).
"""
import hashlib
import shutil
import subprocess
import sys
import zipfile

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.spacy_tokenizer import SpacyTokenizer
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.nlu.utils.spacy_utils import SpacyNLP
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components import minilm
from components.minilm import DEFAULT_MODEL_DIR, MAX_SEQ_LENGTH, MODEL_FILES, EncoderFilesError, encoder, padded
from components.sentence_encoder import ALIAS, SentenceEncoderFeaturizer, sentence_embedding
from scripts import build_encoder
from tests.conftest import ROOT

SPACY_PIPELINE = ROOT / "build" / "spacy_pipeline"
BUILD_SCRIPT = ROOT / "scripts" / "build_encoder.py"
WEATHER, SUNNY, STADIUM = "The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium."
TEXTS = [WEATHER, SUNNY, STADIUM, "", "ok", "My leg went cold and blue after the thrombectomy",
         "what happens first?", "Is the stent forever??", "Café naïve résumé 🙂", "血栓是怎么取出的",
         "my number is [phone], what happens first?", "how long " * 40]


@pytest.fixture(scope="module")
def model():
    if not all((DEFAULT_MODEL_DIR / name).is_file() for name in MODEL_FILES):
        pytest.fail(f"the sentence encoder is not built in {DEFAULT_MODEL_DIR}: run `make encoder`")
    return encoder()


def cosine(vectors, a, b):
    return float(vectors[a] @ vectors[b])


def test_reproduces_the_published_similarities(model):
    vectors = model.encode([WEATHER, SUNNY, STADIUM])
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert cosine(vectors, 0, 1) == pytest.approx(0.6660, abs=0.001)
    assert cosine(vectors, 0, 2) == pytest.approx(0.1046, abs=0.001)
    assert cosine(vectors, 1, 2) == pytest.approx(0.1411, abs=0.001)


def test_batched_equals_unbatched(model):
    batched = model.encode(TEXTS, batch_size=5)
    one_by_one = np.vstack([model.encode([text]) for text in TEXTS])
    assert np.abs(batched - one_by_one).max() < 1e-5
    assert model.encode([]).shape == (0, 384)


def test_the_tensorflow_graph_computes_what_the_numpy_reference_does(model):
    texts = ["The weather is lovely today.", "ok",
             "my mum is booked for thursday and she wants to know where they put the needle in"]
    ids, mask = padded([model.tokenizer.encode(text).ids for text in texts])
    length = ids.shape[1]
    real = mask[:, :, None] > 0
    graph, reference = model._graph(ids, mask), model._forward(ids, mask)
    assert graph.shape == reference.shape == (len(texts), length, 384)
    assert np.abs(np.where(real, graph - reference, 0.0)).max() < 1e-4


def test_long_texts_are_cut_at_256_wordpieces(model):
    long_text = "my leg is swollen and it hurts when I walk " * 60
    assert len(model.tokenizer.encode(long_text).ids) == MAX_SEQ_LENGTH
    first_part = model.tokenizer.decode(model.tokenizer.encode(long_text).ids)
    assert cosine(model.encode([long_text, first_part]), 0, 1) > 0.999


def test_one_text_is_refused_as_a_list_of_characters(model):
    with pytest.raises(TypeError):
        model.encode(WEATHER)


def test_loaded_once_per_process_and_shared(model):
    assert encoder() is model
    assert encoder("build/encoder") is model  # relative to the project, wherever the process runs
    assert encoder(str(DEFAULT_MODEL_DIR) + "/") is model


def copy_of_model(tmp_path):
    for name in MODEL_FILES:
        shutil.copyfile(DEFAULT_MODEL_DIR / name, tmp_path / name)
    return tmp_path


@pytest.mark.parametrize("name", sorted(MODEL_FILES))
def test_a_changed_byte_in_any_file_is_refused(tmp_path, model, name):
    directory = copy_of_model(tmp_path)
    data = bytearray((directory / name).read_bytes())
    data[len(data) // 2] ^= 0x01
    (directory / name).write_bytes(bytes(data))
    with pytest.raises(EncoderFilesError, match=f"{name} has SHA-256 .*not the published"):
        encoder(directory)


def test_a_missing_file_is_refused_with_how_to_build_it(tmp_path):
    with pytest.raises(EncoderFilesError, match="make encoder"):
        encoder(tmp_path)


def test_an_unchanged_copy_loads(tmp_path, model):
    copy = encoder(copy_of_model(tmp_path))
    assert copy is not model
    assert np.array_equal(copy.encode([WEATHER]), model.encode([WEATHER]))


# scripts/build_encoder.py

def test_the_build_finds_the_wheel_s_zip_without_importing_its_package():
    path = build_encoder.wheel_zip()
    assert path.name == "model.zip" and path.parent.name == "all_minilm_l6_v2"
    assert "all_minilm_l6_v2" not in sys.modules


def test_the_build_writes_exactly_the_verified_files(tmp_path):
    result = subprocess.run([sys.executable, str(BUILD_SCRIPT), str(tmp_path / "out")],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    written = {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in (tmp_path / "out").iterdir()}
    assert written == MODEL_FILES


def zip_with(tmp_path, changes):
    """A copy of the wheel's model.zip with some members replaced."""
    path = tmp_path / "model.zip"
    with zipfile.ZipFile(build_encoder.wheel_zip()) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            target.writestr(item.filename, changes.get(item.filename, source.read(item.filename)))
    return path


@pytest.mark.parametrize("name", sorted(MODEL_FILES))
def test_the_build_refuses_a_changed_file_and_writes_nothing(tmp_path, monkeypatch, capsys, name):
    with zipfile.ZipFile(build_encoder.wheel_zip()) as source:
        original = source.read(name)
    changed = zip_with(tmp_path, {name: original[:-1] + bytes([original[-1] ^ 0x01])})
    output = tmp_path / "out"
    monkeypatch.setattr(sys, "argv", ["build_encoder.py", str(output), "--zip", str(changed)])
    assert build_encoder.main() == 1
    error = capsys.readouterr().err
    assert f"{name} has SHA-256" in error and "refusing" in error
    assert not output.exists()


def test_the_build_refuses_other_sentence_transformers_settings(tmp_path):
    changed = zip_with(tmp_path, {"sentence_bert_config.json": b'{"max_seq_length": 128, "do_lower_case": false}'})
    with pytest.raises(build_encoder.BuildError, match="max_seq_length 128"):
        build_encoder.build(tmp_path / "out", changed)


# components/sentence_encoder.py

def context():
    return ExecutionContext(GraphSchema({}), "sentence_encoder_test")


def featurizer(tmp_path, **config):
    return SentenceEncoderFeaturizer.create({**SentenceEncoderFeaturizer.get_default_config(), **config},
                                            LocalModelStorage(tmp_path), Resource("encoder"), context())


def whitespace_tokenized(texts):
    tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
    messages = [Message(data={TEXT: text}) for text in texts]
    tokenizer.process(messages)
    return messages


def spacy_tokenized(texts, tmp_path):
    nlp = SpacyNLP.create({**SpacyNLP.get_default_config(), "model": str(SPACY_PIPELINE)},
                          LocalModelStorage(tmp_path), Resource("spacy"), context())
    messages = [Message(data={TEXT: text}) for text in texts]
    nlp.process(messages, nlp.provide())
    SpacyTokenizer(SpacyTokenizer.get_default_config()).process(messages)
    return messages


def test_sentence_and_token_features_at_run_time(tmp_path, model):
    texts = ["My leg went cold and blue after the thrombectomy", "what's a stent?", "🙂"]
    messages = whitespace_tokenized(texts)
    featurizer(tmp_path).process(messages)
    for message, vector in zip(messages, model.encode(texts)):
        sequence, sentence = message.get_dense_features(TEXT, [ALIAS])
        assert sentence.features.shape == (1, 384)
        assert np.allclose(sentence.features[0], vector, atol=1e-6)
        assert sequence.features.shape == (len(message.get(TOKENS_NAMES[TEXT])), 384)
        assert np.allclose(sentence_embedding(message), vector, atol=1e-6)


def test_token_features_average_the_wordpieces_in_each_token(tmp_path, model):
    [message] = whitespace_tokenized(["thrombectomy hurts"])
    featurizer(tmp_path).process([message])
    sequence = message.get_dense_features(TEXT, [ALIAS])[0].features
    [detail] = model.encode_detailed(["thrombectomy hurts"])
    first_word = [row for row, (start, end) in enumerate(detail.offsets)
                  if not detail.special[row] and end <= len("thrombectomy")]
    assert len(first_word) > 1  # several wordpieces
    assert np.allclose(sequence[0], detail.hidden[first_word].mean(axis=0), atol=1e-6)
    assert np.linalg.norm(sequence, axis=1).min() > 0


def test_training_data_with_the_project_s_spacy_tokenizer(tmp_path, model):
    texts = ["How do they get into the vein?", "I'm short of breath", "thanks, bye!"]
    messages = spacy_tokenized(texts, tmp_path / "spacy")
    component = featurizer(tmp_path / "encoder")
    component.process_training_data(TrainingData(training_examples=messages))
    for message in messages:
        sequence, sentence = message.get_dense_features(TEXT, [ALIAS])
        assert sentence.features.shape == (1, 384)
        assert sequence.features.shape[0] == len(message.get(TOKENS_NAMES[TEXT])) > 1
    assert not any((tmp_path / "encoder").rglob("*.*"))  # nothing written into the model


def test_sentence_features_only_when_token_features_are_off(tmp_path):
    [message] = whitespace_tokenized(["what happens first?"])
    featurizer(tmp_path, token_features=False).process([message])
    sequence, sentence = message.get_dense_features(TEXT, [ALIAS])
    assert sequence is None and sentence.features.shape == (1, 384)


def test_messages_without_tokens_or_text_are_left_alone(tmp_path):
    untokenized = Message(data={TEXT: "hello"})
    intent_only = Message(data={"intent": "greet"})
    featurizer(tmp_path).process([untokenized, intent_only])
    assert untokenized.features == [] and intent_only.features == []


def test_the_weights_are_not_read_again_per_message(tmp_path, monkeypatch):
    component = featurizer(tmp_path)

    def no_reading(*args, **kwargs):
        raise AssertionError("model files read again")

    monkeypatch.setattr(minilm, "read_verified", no_reading)
    featurizer(tmp_path)  # another instance shares the loaded model
    messages = whitespace_tokenized(["one", "two words"])
    component.process(messages)
    assert all(sentence_embedding(message) is not None for message in messages)


def test_a_wrong_model_dir_stops_the_component(tmp_path):
    with pytest.raises(EncoderFilesError):
        featurizer(tmp_path, model_dir=str(tmp_path))


def test_the_fingerprint_names_the_model_files():
    addon = SentenceEncoderFeaturizer.fingerprint_addon(SentenceEncoderFeaturizer.get_default_config())
    assert all(digest in addon for digest in MODEL_FILES.values())
