"""Grouping the not-understood messages by meaning: the sentence encoder's embeddings, cached in the
console's own file (console.derived, table ``embeddings`` by message id), and groups by cosine similarity.

The encoder is the assistant's own (all-MiniLM-L6-v2, components/minilm.py, files from ``make encoder``),
run in plain numpy (``in_numpy``): the console never loads TensorFlow. Its files are checked (SHA-256)
when it is first needed; if they are missing or wrong, the console groups by wording only and the page
says why (``Embedder.problem``).

The background sync (console.sync) calls ``Embedder.embed_pending`` after each sync: it embeds the
not-understood messages that have no embedding yet, newest first, ``BATCH`` at a time (each distinct
text once). A page only reads the cached embeddings (``vectors_of``), never runs the encoder.

``groups_by_similarity``: messages newest first; each joins the group all of whose members are at least
``THRESHOLD`` similar to it (cosine of the embeddings; the group whose least similar member is nearest),
else starts a group. Every two messages of a group are then at least that similar, so one group never
chains from one question to another. 0.55 was chosen on real examples (tests/console/test_similar.py):
paraphrases of one question ("can I fly after the operation" / "is it ok to take a plane afterwards")
score 0.6 to 0.95, other questions on the same subject ("when can I drive again" / "when can I shower")
0.25 to 0.53; on the 120 questions of tests/nlu/blind/uncovered.yml (four subjects the guide does not
cover), 82% of the pairs it puts together share a subject (average linkage at 0.5: 67%; a centroid: 49%).
"""
from contextlib import closing
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence

import numpy as np

from console.derived import Derived
from console.messages import NOT_UNDERSTOOD, Key

THRESHOLD = 0.55
BATCH = 256  # messages a call embeds (at most), each distinct text once: about 1.5 s for 256 texts here
DTYPE = np.float32
NOT_UNDERSTOOD_ROWS = f"category IN ({', '.join(repr(c) for c in NOT_UNDERSTOOD)}) AND substr(text, 1, 1) != '/'"
# the not-understood rows still to embed (button payloads, /intent, are never shown on the page)
PENDING = (f"FROM messages WHERE {NOT_UNDERSTOOD_ROWS} "
           "AND NOT EXISTS (SELECT 1 FROM embeddings WHERE embeddings.id = messages.id)")
INDEX = f"CREATE INDEX IF NOT EXISTS messages_not_understood ON messages (timestamp) WHERE {NOT_UNDERSTOOD_ROWS}"


def to_blob(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype=DTYPE).tobytes()


def from_blob(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype=DTYPE)


class Embedder:
    """Embeds the not-understood messages of the console's table, with the encoder loaded on first use."""

    def __init__(self, derived: Derived, model_dir: Optional[Path] = None, encoder=None):
        self.derived, self.model_dir, self._encoder = derived, model_dir, encoder
        self.problem: Optional[str] = None  # why grouping by meaning is off, if it is
        with closing(derived.connect()) as connection, connection:
            connection.execute(INDEX)

    def encoder(self):
        if self._encoder is None and self.problem is None:
            from components.minilm import EncoderFilesError, MiniLM, resolve
            try:
                self._encoder = MiniLM.from_dir(resolve(self.model_dir))
            except EncoderFilesError as error:
                self.problem = str(error)
        return self._encoder

    def pending(self) -> int:
        with closing(self.derived.connect()) as connection:
            return connection.execute(f"SELECT count(*) {PENDING}").fetchone()[0]

    def embed_pending(self, batch: int = BATCH) -> bool:
        """Embed up to `batch` not-understood messages without an embedding, newest first (by their time, as
        the page shows them); whether more wait."""
        with closing(self.derived.connect()) as connection:
            rows = connection.execute(f"SELECT id, text {PENDING} ORDER BY timestamp DESC LIMIT ?", (batch,)).fetchall()
        if not rows or self.encoder() is None:
            return False
        texts = sorted({text for _, text in rows})
        vectors = dict(zip(texts, self._encoder.encode(texts, in_numpy=True)))
        with closing(self.derived.connect()) as connection, connection:
            # the text is checked again: the row may have been dropped, or its id given to another message
            connection.executemany("INSERT OR REPLACE INTO embeddings (id, vector) SELECT ?, ? "
                                   "WHERE EXISTS (SELECT 1 FROM messages WHERE id = ? AND text = ?)",
                                   [(id_, to_blob(vectors[text]), id_, text) for id_, text in rows])
        return len(rows) == batch


def vectors_of(derived: Derived, keys: Iterable[Key]) -> Dict[Key, np.ndarray]:
    """The cached embeddings of these messages (those that have one), by (sender_id, timestamp)."""
    keys = set(keys)
    senders = sorted({sender for sender, _ in keys})
    found: Dict[Key, np.ndarray] = {}
    with closing(derived.connect()) as connection:
        for first in range(0, len(senders), 500):
            chunk = senders[first:first + 500]
            rows = connection.execute(
                f"SELECT sender_id, timestamp, vector FROM messages JOIN embeddings ON embeddings.id = messages.id "
                f"WHERE sender_id IN ({', '.join('?' for _ in chunk)})", chunk)
            found.update({(sender, timestamp): from_blob(blob) for sender, timestamp, blob in rows
                          if (sender, timestamp) in keys})
    return found


def groups_by_similarity(vectors: Sequence[np.ndarray], threshold: float = THRESHOLD) -> List[List[int]]:
    """Indices of `vectors` (unit length, newest first) in groups, each group in the given order: a message
    joins the group whose least similar member is most similar to it, if at least `threshold`."""
    if not len(vectors):
        return []
    matrix = np.vstack(vectors).astype(DTYPE)
    similarity = matrix @ matrix.T
    groups: List[List[int]] = []
    for index in range(len(matrix)):
        scores = [float(similarity[index, members].min()) for members in groups]
        best = int(np.argmax(scores)) if scores else -1
        if best >= 0 and scores[best] >= threshold:
            groups[best].append(index)
        else:
            groups.append([index])
    return groups
