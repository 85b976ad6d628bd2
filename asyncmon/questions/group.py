"""Grouping question units so that paraphrases of one question fall together."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..errors import AsyncmonError, InvalidTableError
from ..thresholds import GROUPING_CUT_RANGE, GROUPING_THRESHOLDS
from . import _backends
from .embed import _resolve, _unit_vectors

__all__ = ["group_questions"]

#: Up to this many units, the exact average-linkage tree is built from the full
#: similarity matrix (2,500 units: 50 MB). Above it, units are linked through their
#: nearest neighbours only (:func:`_neighbour_linkage`), so memory grows linearly.
EXACT_MAX = 2500
#: Neighbours per unit in the bounded path.
NEIGHBOURS = 30
_BLOCK = 1024  # rows of the similarity computed at once in the bounded path


def _similarity(embeddings: Any) -> np.ndarray:
    product = embeddings @ embeddings.T
    if hasattr(product, "toarray"):
        product = product.toarray()
    return np.clip(np.asarray(product, dtype=np.float64), -1.0, 1.0)


def _dense(vectors: Any) -> np.ndarray:
    """Unit vectors as a dense float32 array (sparse TF-IDF reduced to 256 dimensions)."""
    if hasattr(vectors, "toarray"):
        if vectors.shape[1] > 256 and vectors.shape[0] > 256:
            from sklearn.decomposition import TruncatedSVD

            vectors = TruncatedSVD(256, random_state=0).fit_transform(vectors)
            norms = np.linalg.norm(vectors, axis=1, keepdims=True)
            vectors = vectors / np.where(norms == 0, 1.0, norms)
        else:
            vectors = vectors.toarray()
    return np.asarray(vectors, dtype=np.float32)


def _tree(similarity: np.ndarray) -> np.ndarray:
    """The exact average-linkage tree (scipy's linkage matrix) on cosine distance."""
    from scipy.cluster.hierarchy import linkage
    from scipy.spatial.distance import squareform

    distance = 1.0 - similarity
    np.fill_diagonal(distance, 0.0)
    distance = np.clip((distance + distance.T) / 2.0, 0.0, 2.0)
    return linkage(squareform(distance, checks=False), method="average")


def _cut(tree: np.ndarray, threshold: float) -> np.ndarray:
    from scipy.cluster.hierarchy import fcluster

    return fcluster(tree, t=threshold, criterion="distance").astype(np.int64) - 1


def _neighbour_linkage(vectors: np.ndarray, threshold: float, k: int = NEIGHBOURS) -> np.ndarray:
    """Average-linkage clusters cut at ``threshold``, in memory linear in the units.

    The average cosine similarity of two clusters of unit vectors is the dot product of
    their mean vectors, so a cluster is kept as its mean and size, and clusters merge
    closest pair first while that similarity is at least ``1 - threshold`` (UPGMA).
    Only pairs linked through the ``k`` nearest neighbours of some unit are candidates:
    the result equals the exact tree's cut whenever every merge below the cut joins
    such neighbours, which is the case for paraphrases. Memory O(n k); time O(n^2 d)
    for the neighbours (in blocks) plus O(n k log n) for the merges.
    """
    import heapq

    n = vectors.shape[0]
    k = min(k, n - 1)
    floor = 1.0 - threshold
    candidates: list[set[int]] = [set() for _ in range(n)]
    for start in range(0, n, _BLOCK):
        block = vectors[start : start + _BLOCK] @ vectors.T
        rows = np.arange(block.shape[0])
        block[rows, rows + start] = -np.inf
        nearest = np.argpartition(-block, k - 1, axis=1)[:, :k]
        for row, neighbours in enumerate(nearest):
            i = start + row
            for j in neighbours[block[row, neighbours] >= floor]:
                candidates[i].add(int(j))
                candidates[int(j)].add(i)
    mean = vectors.astype(np.float64)
    size = np.ones(n, dtype=np.int64)
    parent = np.arange(n)
    alive = np.ones(n, dtype=bool)
    version = np.zeros(n, dtype=np.int64)
    heap = [
        (-float(mean[i] @ mean[j]), i, j, 0, 0) for i in range(n) for j in candidates[i] if i < j
    ]
    heapq.heapify(heap)
    while heap:
        negative, a, b, va, vb = heapq.heappop(heap)
        if -negative < floor:
            break
        if not (alive[a] and alive[b]) or version[a] != va or version[b] != vb:
            continue
        # merge b into a
        total = size[a] + size[b]
        mean[a] = (size[a] * mean[a] + size[b] * mean[b]) / total
        size[a] = total
        alive[b] = False
        parent[b] = a
        version[a] += 1
        neighbours = (candidates[a] | candidates[b]) - {a, b}
        candidates[a] = {j for j in neighbours if alive[j]}
        candidates[b] = set()
        for j in candidates[a]:
            candidates[j].discard(b)
            candidates[j].add(a)
            heapq.heappush(
                heap,
                (
                    -float(mean[a] @ mean[j]),
                    min(a, j),
                    max(a, j),
                    version[min(a, j)],
                    version[max(a, j)],
                ),
            )
    # follow parents to the surviving cluster of every unit
    root = parent.copy()
    while True:
        nxt = root[root]
        if np.array_equal(nxt, root):
            break
        root = nxt
    _, labels = np.unique(root, return_inverse=True)
    return labels.astype(np.int64)


def _silhouette(distance: np.ndarray, labels: np.ndarray) -> float:
    """Mean silhouette of a clustering; a unit alone in its group counts 0."""
    n = len(labels)
    groups = np.unique(labels)
    if not 1 < len(groups) < n:
        return -1.0
    from scipy import sparse

    own = np.searchsorted(groups, labels)
    onehot = sparse.csr_matrix((np.ones(n), (own, np.arange(n))), shape=(len(groups), n))
    sizes = np.asarray(onehot.sum(axis=1)).ravel()
    # mean distance from each unit to each group: O(n^2), whatever the number of groups
    mean_to = np.asarray((onehot @ distance).T) / sizes
    own_size = sizes[own]
    cohesion = mean_to[np.arange(n), own] * own_size / np.maximum(own_size - 1, 1)
    mean_to[np.arange(n), own] = np.inf
    separation = mean_to.min(axis=1)
    score = (separation - cohesion) / np.maximum(np.maximum(separation, cohesion), 1e-12)
    score[own_size == 1] = 0.0
    return float(score.mean())


def _cluster(
    vectors: Any, threshold: float | None, cut_range: tuple[float, float] = GROUPING_CUT_RANGE
) -> tuple[np.ndarray, float]:
    """Average-linkage clusters on cosine distance, labels from 0, and the cut used.

    With a ``threshold`` the tree is cut there. Without one, the cut is chosen in
    ``cut_range`` (steps of 0.025) as the one with the best mean silhouette; above
    :data:`EXACT_MAX` units, the middle of the range is used.
    """
    n = vectors.shape[0]
    low, high = cut_range
    if n <= 1:
        return np.zeros(n, dtype=np.int64), threshold if threshold else (low + high) / 2
    if n > EXACT_MAX:
        cut = threshold if threshold is not None else round((low + high) / 2, 3)
        return _neighbour_linkage(_dense(vectors), cut), cut
    similarity = _similarity(vectors)
    tree = _tree(similarity)
    if threshold is not None:
        return _cut(tree, threshold), threshold
    distance = np.clip(1.0 - similarity, 0.0, 2.0)
    np.fill_diagonal(distance, 0.0)
    best: tuple[float, float, np.ndarray] | None = None
    for cut in np.round(np.arange(low, high + 1e-9, 0.025), 3):
        labels = _cut(tree, float(cut))
        score = _silhouette(distance, labels)
        if best is None or score > best[0] + 1e-12:
            best = (score, float(cut), labels)
    assert best is not None
    return best[2], best[1]


def group_questions(
    units: pd.DataFrame, *, method: str = "auto", threshold: float | None = None
) -> pd.DataFrame:
    """Group question units so that paraphrases of one question fall together.

    Units are embedded (with ``"minilm"`` as written plus their post, given as
    ``context``; with the other methods without their framing such as "I don't get
    why", see :func:`question_content`) and clustered by average linkage on cosine
    distance: two clusters merge while the mean distance between their units stays
    below the cut. With ``"minilm"`` the cut is chosen per activity (the best mean
    silhouette within ``GROUPING_CUT_RANGE``); the other methods use
    ``GROUPING_THRESHOLDS``. Groups are then numbered 1, 2, ... by
    number of distinct authors (descending), then number of units (descending), then
    earliest unit. The same units always give the same groups.

    Parameters
    ----------
    units : pandas.DataFrame
        Question units, as from :func:`question_units`: at least ``text`` and
        ``author_id``. When ``created_at`` is present it decides "earliest", otherwise
        row order does. An optional ``context`` column (the body of the unit's post)
        tells MiniLM what a short unit refers to.
    method : {"auto", "minilm", "wordllama", "tfidf"}, default "auto"
        Embedding method; ``"auto"`` is :func:`default_method` (the best installed).
    threshold : float, optional
        A fixed cosine-distance cut in (0, 2); lower gives more, tighter groups.
        Default: chosen per activity with ``"minilm"``, ``GROUPING_THRESHOLDS[method]``
        with the other methods.

    Returns
    -------
    pandas.DataFrame
        A copy of ``units`` (same index and row order) with one more column:

        - ``group`` (int): 1 for the group raised by the most distinct students, then
          2, ...; every unit has a group (a one-off question is a group of one).

        ``attrs["cut"]`` holds the cut used.

    Raises
    ------
    InvalidTableError
        When ``text`` or ``author_id`` is missing.
    AsyncmonError
        When ``method`` is unknown or not installed, or ``threshold`` is out of range.

    Examples
    --------
    >>> import pandas as pd
    >>> units = pd.DataFrame({
    ...     "author_id": ["a", "b", "c", "d"],
    ...     "text": ["Why does water move into the salty side?",
    ...              "I don't get why water moves to the salty side.",
    ...              "How long should the lab report be?",
    ...              "not sure why water moves towards the salty side"],
    ... })
    >>> group_questions(units, method="tfidf")["group"].tolist()
    [1, 1, 2, 1]
    """
    missing = [c for c in ("text", "author_id") if c not in units.columns]
    if missing:
        raise InvalidTableError(
            "question units",
            [
                f"column '{c}' is missing; group_questions needs text and author_id "
                "(as returned by question_units)"
                for c in missing
            ],
            code="ASYNC-E303",
        )
    method = _resolve(method)
    if threshold is None and method != "minilm":
        if method not in GROUPING_THRESHOLDS:
            _backends.get_embedder(method)  # raises the helpful error
        threshold = GROUPING_THRESHOLDS[method]
    if threshold is not None and not 0.0 < threshold < 2.0:
        raise AsyncmonError(
            f"threshold {threshold!r} is not a cosine distance in (0, 2); "
            f"leave it out to choose the cut per activity",
            code="ASYNC-E007",
        )
    out = units.copy()
    texts = [str(t) for t in units["text"].tolist()]
    if not texts:
        out["group"] = pd.Series(dtype="int64", index=out.index)
        out.attrs["cut"] = threshold
        return out
    contexts = (
        [str(c) if isinstance(c, str) else t for c, t in zip(units["context"], texts)]
        if "context" in units.columns
        else None
    )
    labels, cut = _cluster(_unit_vectors(texts, method, contexts), threshold)
    out.attrs["cut"] = cut

    keyed = units[[c for c in ("author_id", "created_at") if c in units.columns]].copy()
    keyed["group"] = labels
    rank = {key: i + 1 for i, key in enumerate(ranked_groups(keyed))}
    out["group"] = pd.Series([rank[x] for x in labels], index=out.index, dtype="int64")
    return out


def ranked_groups(grouped: pd.DataFrame) -> list[Any]:
    """Group keys by distinct students (descending), units (descending), earliest unit.

    ``grouped``: ``group, author_id`` and, when known, ``created_at`` (an unknown time
    sorts last; without the column, row order decides "earliest").
    """
    if grouped.empty:
        return []
    if "created_at" in grouped.columns:
        times = pd.to_datetime(grouped["created_at"], utc=True)
        when = times.to_numpy(dtype="datetime64[ns]").astype("int64").astype(float)
        when[times.isna().to_numpy()] = np.inf
    else:
        when = np.arange(len(grouped), dtype=float)
    order = []
    keys = grouped["group"].tolist()
    authors = grouped["author_id"].tolist()
    for key in dict.fromkeys(keys):
        members = [i for i, k in enumerate(keys) if k == key]
        distinct = len({authors[i] for i in members if not pd.isna(authors[i])})
        order.append((-distinct, -len(members), when[members].min(), members[0], key))
    order.sort(key=lambda t: t[:4])
    return [t[-1] for t in order]
