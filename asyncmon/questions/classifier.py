"""A small question/confusion classifier over sentence embeddings, words and cues.

Cues alone (:func:`~asyncmon.questions.detect.detect_cue`) miss casual questions ("is
being scared of the rabbit generalization") and keep questions that are not about the
subject ("is the word count 250 including the examples?"). A logistic regression reads,
for each unit: its MiniLM sentence embedding (384 numbers), four cue features (a cue
fires, a question mark, ends with one, length), hashed words, word pairs and first words,
and what follows it in its post (whether anything does, whether a cue fires on it, its
first two words): whether "Why does this matter?" is rhetorical depends on what comes
next, and without it the classifier learnt to doubt every short question. It was trained
by ``benchmarks/train_detector.py`` on the development data only (``benchmarks/data/``),
and its cuts chosen there by leaving one activity out; the blind
corpus was never used. The weights ship as ``detector.npz`` beside this module.

Without the MiniLM model installed the classifier is not used and detection falls back
to the cues.
"""

from __future__ import annotations

import functools
import importlib.resources
import re
from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["EMBEDDING_METHOD", "features", "is_available", "probabilities"]

#: The embedding the classifier was trained on.
EMBEDDING_METHOD = "minilm"
HASH_FEATURES = 2**14
NEXT_FEATURES = 2**10
_FIRST = re.compile(r"[a-z']+|\?")


@functools.cache
def _hasher() -> Any:
    from sklearn.feature_extraction.text import HashingVectorizer

    return HashingVectorizer(
        n_features=HASH_FEATURES,
        ngram_range=(1, 2),
        alternate_sign=False,
        norm="l2",
        token_pattern=r"(?u)\b\w+\b|\?",
    )


@functools.cache
def _next_hasher() -> Any:
    from sklearn.feature_extraction.text import HashingVectorizer

    return HashingVectorizer(
        n_features=NEXT_FEATURES, alternate_sign=False, norm="l2", token_pattern=r"\S+"
    )


def _with_first_words(text: str) -> str:
    """The text plus its first three words marked as such ("^is ^being ^scared")."""
    return text + " " + " ".join("^" + w for w in _FIRST.findall(text.lower())[:3])


def features(
    texts: Sequence[str],
    embeddings: np.ndarray,
    cues: Sequence[bool],
    following: Sequence[str | None],
) -> Any:
    """The classifier's input: one sparse row per unit.

    Parameters
    ----------
    texts : sequence of str
        The units.
    embeddings : numpy.ndarray
        Their MiniLM embeddings, one L2-normalised row per unit.
    cues : sequence of bool
        Whether :func:`detect_cue` fires on each unit.
    following : sequence of str or None
        The next unit of the same post (the next item of ``texts``), or ``None`` for a
        post's last unit; whether a cue fires on it is read from ``cues``.
    """
    from scipy import sparse

    flags = np.array(
        [
            [float(cue), float("?" in t), float(t.rstrip().endswith("?")), len(t) / 200]
            for t, cue in zip(texts, cues)
        ],
        dtype=np.float64,
    ).reshape(len(texts), 4)
    words = _hasher().transform([_with_first_words(t) for t in texts])
    next_cues = [*cues[1:], False]
    after = np.array(
        [[float(n is None), float(n is not None and c)] for n, c in zip(following, next_cues)],
        dtype=np.float64,
    ).reshape(len(texts), 2)
    next_words = _next_hasher().transform(
        [" ".join("next^" + w for w in _FIRST.findall((n or "").lower())[:2]) for n in following]
    )
    return sparse.hstack(
        [
            sparse.csr_matrix(np.asarray(embeddings, dtype=np.float64)),
            flags,
            words,
            after,
            next_words,
        ]
    ).tocsr()


@functools.cache
def _weights() -> tuple[np.ndarray, float, float, float] | None:
    resource = importlib.resources.files("asyncmon.questions") / "detector.npz"
    if not resource.is_file():
        return None
    with importlib.resources.as_file(resource) as path, np.load(path) as saved:
        return (
            saved["coef"].astype(np.float64),
            float(saved["intercept"]),
            float(saved["threshold"]),
            float(saved["threshold_without_cue"]),
        )


def is_available(method: str) -> bool:
    """Whether the classifier can judge units embedded with ``method``."""
    return method == EMBEDDING_METHOD and _weights() is not None


def threshold(*, cue: bool = True) -> float:
    """The probability from which a unit counts (chosen on development data).

    A unit on which no cue fires needs a higher probability (``cue=False``): without a
    cue, a hedged statement ("I'm fairly convinced that ...") looks like a doubt.
    """
    weights = _weights()
    if weights is None:
        return 0.5
    return weights[2] if cue else weights[3]


def probabilities(
    texts: Sequence[str],
    embeddings: np.ndarray,
    cues: Sequence[bool],
    following: Sequence[str | None],
) -> Any:
    """Probability that each unit is a question or confusion unit (see :func:`features`)."""
    weights = _weights()
    if weights is None:
        raise FileNotFoundError("detector.npz is not installed with asyncmon.questions")
    coef, intercept = weights[0], weights[1]
    if not len(texts):
        return np.zeros(0)
    score = features(texts, embeddings, cues, following) @ coef + intercept
    return 1.0 / (1.0 + np.exp(-np.asarray(score).ravel()))
