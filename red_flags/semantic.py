"""The semantic check: a message that means what a red-flag exemplar means is an emergency.

The concept matcher reads words; this reads meaning, for the red flags written in words no
form foresaw ("it feels like an elephant is standing on me"). Each concept's exemplars in
red_flags.yml are embedded once; a message is a red flag when its embedding is at least
``threshold`` (cosine similarity) from the nearest exemplar. The threshold is set for
recall: see DEFAULT_THRESHOLD. The file's ``not_emergencies`` are anchors: a message
nearer in meaning to one of them (a question about the clot, the dye, pain after the
procedure) than to every exemplar is not flagged by this check. MiniLM's similarity is
partly about topic, and the clot is this assistant's whole topic.

The check takes an embedding function, so that it does not depend on one encoder:
``embed(texts) -> array (len(texts), d)`` of unit-length rows (the project's encoder is
``components.sentence_encoder.encoder().encode``; tests use a small deterministic one).

What it looks at (``check_assessment``): nothing, when the matcher found red-flag words in
the message and discounted them, or found a context cue (a question about warning signs, a
hypothetical, the past, a negative word before a symptom word...): the matcher has read
those words in their context, and a sentence about warning signs is close in meaning to
the warning signs themselves. Nothing either when every sentence is a question ("does
everyone feel dizzy after it?"): questions about symptoms are close in meaning to the
symptoms, and the red flags asked as questions ("should I call 999?", "is it normal that
my leg is purple?") are the matcher's. Otherwise the whole message, and each of its last
``MAX_SENTENCES`` statements when it has more than one sentence (in a long story the red
flag is one sentence among many).
"""
from dataclasses import dataclass
from typing import Callable, List, Optional, Sequence, Tuple

import numpy as np

from red_flags.content import Content
from red_flags.matcher import Assessment

Embed = Callable[[Sequence[str]], np.ndarray]

# Chosen for recall on the development set (tests/safety_dev; `python -m
# tests.safety_dev.measure --sweep`) with all-MiniLM-L6-v2 and the anchors of red_flags.yml:
# at 0.50 the check alone finds 90% of the development red flags and 13 of the 15 that the
# concept matcher missed when second_batch.yml was first measured, and adds 1.9% false
# alarms on the near-misses, 0.0% on the ordinary questions and 0.8% on the training data's
# non-emergency examples. Without the anchors the same threshold added 2.6% and 4.9%.
# A margin of 0: the nearest exemplar must be nearer than the nearest anchor.
DEFAULT_THRESHOLD = 0.50
DEFAULT_MARGIN = 0.0
MAX_SENTENCES = 6


@dataclass(frozen=True)
class SemanticHit:
    concept: str
    exemplar: str
    similarity: float
    # the nearest "not an emergency" anchor and its similarity (None without anchors)
    anchor: Optional[str] = None
    anchor_similarity: Optional[float] = None


class SemanticCheck:
    def __init__(self, embed: Embed, exemplars: Sequence[Tuple[str, str]],
                 threshold: float = DEFAULT_THRESHOLD, anchors: Sequence[str] = (),
                 margin: float = DEFAULT_MARGIN) -> None:
        """``exemplars``: (concept name, sentence) pairs; ``anchors``: sentences that are not
        emergencies. A text is a red flag when its nearest exemplar is at least ``threshold``
        similar and more similar than its nearest anchor by at least ``margin``."""
        if not exemplars:
            raise ValueError("the semantic check needs at least one exemplar")
        self.embed = embed
        self.exemplars = list(exemplars)
        self.anchors = list(anchors)
        self.threshold = threshold
        self.margin = margin
        self._vectors: Optional[np.ndarray] = None
        self._anchor_vectors: Optional[np.ndarray] = None

    @classmethod
    def from_content(cls, embed: Embed, content: Optional[Content] = None,
                     threshold: Optional[float] = None, margin: Optional[float] = None) -> "SemanticCheck":
        """The check with every concept's exemplars from red_flags.yml."""
        if content is None:
            from red_flags import matcher

            content = matcher().content
        exemplars = [(concept.name, text) for concept in content.concepts for text in concept.exemplars]
        return cls(embed, exemplars, DEFAULT_THRESHOLD if threshold is None else threshold,
                   anchors=content.not_emergencies, margin=DEFAULT_MARGIN if margin is None else margin)

    @property
    def vectors(self) -> np.ndarray:
        """The exemplars' embeddings, computed on first use."""
        if self._vectors is None:
            vectors = np.asarray(self.embed([text for _, text in self.exemplars]), dtype=np.float32)
            self._vectors = _unit(vectors)
        return self._vectors

    def prepare(self) -> None:
        """Embed the exemplars and anchors now."""
        _ = self.vectors, self.anchor_vectors

    @property
    def anchor_vectors(self) -> Optional[np.ndarray]:
        if self._anchor_vectors is None and self.anchors:
            self._anchor_vectors = _unit(np.asarray(self.embed(self.anchors), dtype=np.float32))
        return self._anchor_vectors

    def hits(self, vectors: np.ndarray) -> List[SemanticHit]:
        """For each embedding (row): its nearest exemplar and nearest anchor."""
        vectors = _unit(np.atleast_2d(np.asarray(vectors, dtype=np.float32)))
        similarities = vectors @ self.vectors.T
        anchors = self.anchor_vectors
        anchor_similarities = vectors @ anchors.T if anchors is not None else None
        result = []
        for row in range(vectors.shape[0]):
            column = int(np.argmax(similarities[row]))
            concept, text = self.exemplars[column]
            anchor = anchor_similarity = None
            if anchor_similarities is not None:
                nearest_anchor = int(np.argmax(anchor_similarities[row]))
                anchor, anchor_similarity = self.anchors[nearest_anchor], float(anchor_similarities[row, nearest_anchor])
            result.append(SemanticHit(concept, text, float(similarities[row, column]), anchor, anchor_similarity))
        return result

    def nearest(self, vectors: np.ndarray) -> SemanticHit:
        """The exemplar nearest to any of these embeddings (rows), and its similarity."""
        return max(self.hits(vectors), key=lambda hit: hit.similarity)

    def is_red_flag(self, hit: SemanticHit) -> bool:
        if hit.similarity < self.threshold:
            return False
        return hit.anchor_similarity is None or hit.similarity - hit.anchor_similarity >= self.margin

    def check_vectors(self, vectors: np.ndarray) -> Optional[SemanticHit]:
        if np.asarray(vectors).size == 0:
            return None
        flagged = [hit for hit in self.hits(vectors) if self.is_red_flag(hit)]
        return max(flagged, key=lambda hit: hit.similarity) if flagged else None

    def check_texts(self, texts: Sequence[str]) -> Optional[SemanticHit]:
        texts = [text for text in texts if text and text.strip()]
        return self.check_vectors(self.embed(texts)) if texts else None

    def check_assessment(self, assessment: Assessment, text: str,
                         embedding: Optional[np.ndarray] = None) -> Optional[SemanticHit]:
        """The check for a message the matcher has read (see the module docstring).

        ``embedding``: the message's own embedding if the caller has it (the NLU pipeline's
        dense sentence features); the sentences are embedded here.
        """
        if (assessment.red_flag or assessment.discounted or assessment.context_cues or not text
                or assessment.all_questions):
            return None
        vectors: List[np.ndarray] = []
        if embedding is not None:
            vectors.append(np.asarray(embedding, dtype=np.float32).reshape(1, -1))
        texts = [] if embedding is not None else [text]
        if len(assessment.sentences) > 1:
            texts += assessment.plain_sentences[-MAX_SENTENCES:]
        if texts:
            vectors.append(np.asarray(self.embed(texts), dtype=np.float32))
        return self.check_vectors(np.vstack(vectors)) if vectors else None


def _unit(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)
