"""How close the held-out questions are to the training examples, in words.

A held-out set written by the same people as the training data can repeat its wording, and
then scores higher than new wording would. Measured with the project's own spaCy pipeline:
each message becomes its set of lemmas (words with a letter in them, lower case), and two
messages are as close as the Jaccard overlap of their sets. Cross-validation (each training
example against the others) is the yardstick.
"""
from dataclasses import dataclass
from pathlib import Path
from statistics import mean
from typing import FrozenSet, List, Sequence, Tuple

# Held-out questions whose nearest training example shares less than this are "new wording".
NEW_WORDING = 0.5


@dataclass
class Closeness:
    texts: List[str]  # the held-out questions
    nearest_mean: float  # held-out question to its nearest training example
    training_nearest_mean: float  # training example to its nearest other training example
    same_words: List[str]  # held-out questions with a training example of the very same lemmas
    new_wording: List[str]  # held-out questions with no training example at NEW_WORDING or more


def _lemma_sets(texts: Sequence[str], spacy_pipeline: Path) -> List[FrozenSet[str]]:
    import spacy

    nlp = spacy.load(spacy_pipeline)
    return [frozenset(t.lemma_.lower() or t.text.lower() for t in doc if any(c.isalpha() for c in t.text))
            for doc in nlp.pipe(texts)]


def _jaccard(a: FrozenSet[str], b: FrozenSet[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 1.0


def _nearest(words: FrozenSet[str], pool: Sequence[FrozenSet[str]], skip: int = -1) -> float:
    return max((_jaccard(words, other) for i, other in enumerate(pool) if i != skip), default=0.0)


def _texts(path: Path) -> List[str]:
    from rasa.shared.nlu.training_data.loading import load_data

    return [m.get("text") for m in load_data(str(path)).intent_examples]


def measure(training: Path, held_out: Path, spacy_pipeline: Path) -> Closeness:
    train_texts, test_texts = _texts(training), _texts(held_out)
    train_sets = _lemma_sets(train_texts, spacy_pipeline)
    test_sets = _lemma_sets(test_texts, spacy_pipeline)
    nearest = [_nearest(words, train_sets) for words in test_sets]
    return Closeness(
        texts=test_texts,
        nearest_mean=mean(nearest),
        training_nearest_mean=mean(_nearest(words, train_sets, skip=i) for i, words in enumerate(train_sets)),
        same_words=[text for text, words in zip(test_texts, test_sets) if words in set(train_sets)],
        new_wording=[text for text, score in zip(test_texts, nearest) if score < NEW_WORDING],
    )


def accuracy_on(texts: Sequence[str], errors: Sequence[dict]) -> Tuple[float, int]:
    """Accuracy over these held-out texts, from `rasa test nlu`'s errors; and how many texts."""
    wrong = {error["text"] for error in errors}
    return (sum(text not in wrong for text in texts) / len(texts) if texts else float("nan")), len(texts)
