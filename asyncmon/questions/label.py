"""Describing a group: a wording a teacher can say aloud, and key words as a hint."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np

from .detect import _words
from .embed import _resolve, _unit_vectors
from .group import _similarity

__all__ = ["LABEL_CHARS", "label_group", "representative", "say_aloud"]

# --------------------------------------------------------------------------------------
# Describing a group

_STOP = _words(
    """a about above after again against all also am an and any anyway are aren't as at
    be because been before being below between both but by can can't cannot could couldn't
    did didn't do does doesn't doing don't dont down during each even ever every few for from
    further get gets getting got had hadn't has hasn't have haven't having he her here hers
    herself him himself his how i i'd i'll i'm im i've if in into is isn't it it's its itself
    just kind let's like lot lots me more most much must my myself no nor not now of off on
    once one only or other ought our ours out over own really same she should shouldn't so
    some still such than that that's the their theirs them themselves then there there's these
    they they're this those though through to too under until up us very was wasn't way we
    we're were weren't what what's when where which while who whom why why's will with won't
    would wouldn't yet you you're your yours yourself
    actually anyone confused confusing explain exactly figure help honestly idea know lost
    make makes mean means please question someone somebody sure thing things think understand
    unclear unsure wonder wondering work anybody else seems seem bit quite tell keep keeps
    mixing mixed difference thanks hi hey guys everyone slides happen happens happened
    instead always never ok okay sense see stuck struggling trouble say says said use
    used using uses need needs want wants right wrong good whether without within"""
)
_WORD = re.compile(r"[a-z0-9][a-z0-9'-]*[a-z0-9]|[a-z]")


def _stem(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def label_group(texts: Sequence[str], *, max_words: int = 3) -> str:
    """A short label for a group: the key words its units share.

    Content words (stop words and question framing such as "confused", "explain"
    removed; plurals merged) are ranked by how many units use them, then by how often,
    then by first use; a two-word phrase that most of those units share ("standard
    error") is kept together. When nothing is shared, the label is the shortest unit.

    Parameters
    ----------
    texts : sequence of str
        The units of one group.
    max_words : int, default 3
        At most this many key words or phrases.

    Returns
    -------
    str
        Key words joined by ", ", or the shortest unit (cut at 80 characters).

    Examples
    --------
    >>> label_group(["What's the difference between standard deviation and standard error?",
    ...              "I keep mixing up standard error and standard deviation.",
    ...              "not sure when to report the standard error"])
    'standard error, standard deviation'
    """
    texts = [str(t) for t in texts]
    if not texts:
        return ""
    doc_freq: Counter[str] = Counter()
    count: Counter[str] = Counter()
    first: dict[str, int] = {}
    surface: dict[str, Counter[str]] = {}
    position = 0
    for text in texts:
        tokens = _WORD.findall(text.lower().replace("’", "'"))
        seen: set[str] = set()
        previous: tuple[str, str] | None = None
        for token in tokens:
            if token in _STOP or token.isdigit() or len(token) < 3:
                previous = None
                continue
            stem = _stem(token)
            keys = [(stem, token)]
            if previous is not None:
                keys.append((previous[0] + " " + stem, previous[1] + " " + token))
            for key, shown in keys:
                count[key] += 1
                first.setdefault(key, position)
                surface.setdefault(key, Counter())[shown] += 1
                seen.add(key)
            position += 1
            previous = (stem, token)
        doc_freq.update(seen)
    needed = 2 if len(texts) > 1 else 1
    candidates = [k for k, df in doc_freq.items() if df >= needed]
    if not candidates:
        shortest = min(texts, key=len).strip()
        return shortest if len(shortest) <= 80 else shortest[:77].rstrip() + "..."
    ranked = sorted(candidates, key=lambda k: (-doc_freq[k], -count[k], first[k]))
    chosen: list[str] = []
    for key in ranked:
        if len(chosen) == max_words:
            break
        if " " in key:
            continue  # phrases are considered with their first word, below
        # Prefer the phrase starting or ending with this word if most units share it.
        phrases = [
            p
            for p in candidates
            if " " in p and key in p.split(" ") and doc_freq[p] >= 0.6 * doc_freq[key]
        ]
        best = max(phrases, key=lambda p: (doc_freq[p], -first[p])) if phrases else key
        covered = {w for c in chosen for w in c.split(" ")}
        if set(best.split(" ")) <= covered:
            continue
        # a phrase replaces the single words of it already chosen ("interval" ->
        # "confidence interval")
        chosen = [c for c in chosen if " " in c or c not in best.split(" ")]
        chosen.append(best)
    return ", ".join(surface[k].most_common(1)[0][0] for k in chosen)


def representative(texts: Sequence[str], embeddings: Any = None, *, method: str = "auto") -> str:
    """The most central unit of a group: the one closest to the group's mean direction.

    Parameters
    ----------
    texts : sequence of str
        The units of one group.
    embeddings : array-like, optional
        One L2-normalised row per text (as from :func:`embed_texts`). Computed with
        ``method`` when not given.
    method : {"auto", "minilm", "wordllama", "tfidf"}, default "auto"
        Used only when ``embeddings`` is not given.

    Returns
    -------
    str
        The chosen unit (the first one on ties; ``""`` for no texts).

    Examples
    --------
    >>> representative(["Why does water move into the cell?",
    ...                 "why does water move in??? so confused, the slides and the book differ",
    ...                 "I don't get why water moves into the cell"], method="tfidf")
    'Why does water move into the cell?'
    """
    texts = [str(t) for t in texts]
    if not texts:
        return ""
    if len(texts) == 1:
        return texts[0]
    if embeddings is None:
        embeddings = _unit_vectors(texts, _resolve(method))
    similarity = _similarity(embeddings)
    centrality = similarity.mean(axis=1)
    return texts[int(np.argmax(centrality))]


#: The longest label shown for a group.
LABEL_CHARS = 90
_FILLER = re.compile(
    r"^(?:(?:so+|ok(?:ay)?|um+|uh+|hm+|wait|hi|hey|hello|lol|also|and|but|like|honestly"
    r"|basically|sorry|guys|all|everyone|ya+|yeah|ngl|tbh|idk|omg|quick question)\b[\s,.!:;-]*)+",
    re.IGNORECASE,
)


def say_aloud(text: str, *, limit: int = LABEL_CHARS) -> str:
    """A student's wording as a label a teacher can say aloud: at most ``limit`` characters.

    White space is collapsed, leading fillers ("so", "ok", "hi all", "wait") are dropped,
    the first letter is capitalised, and a long wording is cut at a word boundary with
    an ellipsis. The words stay the student's.

    Examples
    --------
    >>> say_aloud("so wait,   why does water move into the salty side??")
    'Why does water move into the salty side??'
    >>> say_aloud("why " * 40)[-4:], len(say_aloud("why " * 40))
    ('why…', 88)
    """
    words = " ".join(str(text).split())
    trimmed = _FILLER.sub("", words)
    if len(trimmed) >= 8:
        words = trimmed
    if words:
        words = words[0].upper() + words[1:]
    if len(words) > limit:
        cut = words.rfind(" ", 0, limit - 1)
        words = words[: cut if cut > limit // 2 else limit - 1].rstrip(" ,;:-") + "…"
    return words
