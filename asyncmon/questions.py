"""Question frequency: find the questions and confusions students raise, and group them.

A teacher opening the next class wants the main knowledge gap: the question that many
students raise, each in their own words. This module does the text part of that:

1. :func:`question_units` splits post bodies into sentence-like units and keeps those
   that are a question or a confusion, with or without a question mark ("I don't get
   why...", "not sure how...", "can someone explain...").
2. :func:`group_questions` embeds the units and clusters them (average linkage on
   cosine distance, cut at a threshold) so that paraphrases of one question fall
   together; groups are numbered by how many distinct students raised them.
3. :func:`label_group` and :func:`representative` give each group a short label and its
   most typical wording.

Ranking groups per activity, excluding staff and non-roster authors, and flagging
groups that staff already answered is the metric code's job: it calls these functions
with the students' posts of one activity.

Grouping quality depends on the embedding method. ``"minilm"`` (all-MiniLM-L6-v2 as an
int8 ONNX model, installed by the ``questions`` extra) groups best; ``"tfidf"`` (character
n-grams, scikit-learn only) is the fallback that always works. Nothing is downloaded at
run time. ``benchmarks/question_grouping.py`` measures every method on a labelled set.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from . import _embedding
from .errors import AsyncmonError, InvalidTableError
from .thresholds import GROUPING_THRESHOLDS

__all__ = [
    "GROUPING_THRESHOLDS",
    "available_methods",
    "concept_counts",
    "default_method",
    "detect_cue",
    "embed_texts",
    "group_questions",
    "label_group",
    "question_content",
    "question_groups",
    "question_units",
    "representative",
    "split_units",
]

# --------------------------------------------------------------------------------------
# Sentence splitting


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that end with a full stop without ending the sentence (compared lower-cased,
# without the final dot). Ordinary words that are also abbreviations ("no.", "sun.")
# are left out: a missed sentence end costs more than a false one.
_ABBREVIATIONS = _words(
    """e.g i.e etc vs cf al approx dr mr mrs ms prof st jr sr fig figs p pp ch sec vol
    eds esp incl resp dept univ ca"""
)
# Sentence end: terminal punctuation (possibly repeated, possibly followed by a closing
# quote or bracket), then white space.
_SENTENCE_END = re.compile(r"(?:[.!?…]+|\?+!*)[\"'”’)\]]*\s+")
_WORD_BEFORE = re.compile(r"(\S+)$")
_BULLET = re.compile(r"^\s*(?:[-*•·–]|\d{1,2}[.)])\s+")


def _is_boundary(line: str, match: re.Match[str]) -> bool:
    """Whether a candidate sentence end really ends a sentence."""
    punct = match.group(0).rstrip()
    before = _WORD_BEFORE.search(line, 0, match.start())
    after = line[match.end() : match.end() + 1]
    if "?" in punct or "!" in punct:
        return True
    if punct.startswith("…") or punct.startswith(".."):
        # An ellipsis ends a sentence only when a capital letter follows.
        return after.isupper()
    if before is None:
        return True
    word = before.group(1).lower().strip("(\"'“‘[")
    if word in _ABBREVIATIONS:
        return False
    # Initials and dotted abbreviations: "J. S. Mill", "H.R.E.", "U.S."
    return not ((len(word) == 1 and word.isalpha()) or re.fullmatch(r"(?:[a-z]\.)+[a-z]", word))


def split_units(body: str) -> list[str]:
    """Split a post body into sentence-like units.

    Lines are split first (a line break always ends a unit; quoted lines starting with
    ``>`` are dropped, list bullets are removed), then each line at sentence-ending
    punctuation followed by white space, except after common abbreviations ("e.g.",
    "Dr.", "p."), initials and an ellipsis followed by a lower-case word.

    Parameters
    ----------
    body : str
        A post body as plain text.

    Returns
    -------
    list of str
        The units in order, trimmed, none empty.

    Examples
    --------
    >>> split_units("Great reading. I don't get why e.g. cells swell... any ideas?")
    ['Great reading.', "I don't get why e.g. cells swell... any ideas?"]
    """
    units: list[str] = []
    for raw in str(body).replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.strip()
        if not line or line.startswith(">"):
            continue
        line = _BULLET.sub("", line)
        start = 0
        for match in _SENTENCE_END.finditer(line):
            if _is_boundary(line, match):
                piece = line[start : match.end()].strip()
                if piece:
                    units.append(piece)
                start = match.end()
        piece = line[start:].strip()
        if piece:
            units.append(piece)
    return units


# --------------------------------------------------------------------------------------
# Detection


def _alt(*options: str) -> str:
    """A non-capturing regex alternation of the options."""
    return "(?:" + "|".join(options) + ")"


_NEG = _alt(
    "do not", "don't", "dont", "did not", "didn't", "didnt", "does not", "doesn't",
    "doesnt", "can't", "cant", "cannot", "can not", "could not", "couldn't",
)  # fmt: skip
_ADV = r"(?:(?:really|quite|fully|totally|completely|entirely|honestly|still|just)\s+)*"
_WH = _alt("why", "how", "what", "where", "when", "which", "whether", "if")
_SOMEONE = _alt("someone", "somebody", "anyone", "anybody", "you", "u")

# Substrings one of which a negated cue needs (a cheap test before the regex).
_NEG_WORDS = ("n't", "not", "dont", "didnt", "doesnt", "cant")
# (pattern, cue reported, substrings one of which the pattern needs). Checked in order;
# the first match names the cue. The substrings only spare a regex search on the many
# units that cannot match: each pattern needs one of them (lower-cased).
_CUES: tuple[tuple[re.Pattern[str], str, tuple[str, ...]], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), cue, needs)
    for pattern, cue, needs in (
        (rf"\b{_NEG}\s+{_ADV}(?:get|understand|follow|grasp)\b", "don't get / understand",
         _NEG_WORDS),
        (rf"\b{_NEG}\s+{_ADV}see\s+(?:{_WH}|the (?:point|difference|link|connection))\b",
         "can't see why", _NEG_WORDS),
        (rf"\b{_NEG}\s+{_ADV}know\s+{_WH}\b", "don't know how", _NEG_WORDS),
        (rf"\b{_NEG}\s+{_ADV}(?:figure|work|make)\s+(?:it\s+)?(?:out|sense)\b",
         "can't figure out", _NEG_WORDS),
        (rf"\b{_NEG}\s+{_ADV}tell\s+(?:is\s+)?(?:them apart|the difference|{_WH})\b",
         "can't tell", _NEG_WORDS),
        (r"\b(?:wrap|get)\s+(?:my|our)\s+head\s+(?:around|round)\b",
         "can't wrap my head around", ("head",)),
        (r"\bback and forth (?:on|about)\b", "going back and forth", ("forth",)),
        (r"\bnot\s+(?:really\s+|quite\s+|totally\s+|entirely\s+|100%\s+|too\s+|very\s+)?"
         r"(?:sure|certain|clear)\b", "not sure", ("not",)),
        (r"\b(?:unsure|unclear)\b", "unclear", ("unsure", "unclear")),
        (r"\bconfus(?:ed|ing|es|ion)\b", "confused", ("confus",)),
        (r"\bmix(?:ing|ed|es)?\s+(?:\w+\s+)?up\b|\bmixed-up\b|\bmuddled\b", "mixing up",
         ("mix", "muddled")),
        (r"\b(?:no|any)\s+idea\b", "no idea", ("idea",)),
        (r"\bmakes?\s+(?:no|zero|little)\s+sense\b"
         rf"|\b{_NEG}\s+make\s+(?:any\s+|much\s+)?sense\b", "makes no sense", ("sense",)),
        (r"\b(?:i'm|i am|im|i was|i feel|feeling|i get|getting|still|totally|completely|a bit"
         r"|kind of|kinda|bit)\s+lost\b", "lost", ("lost",)),
        (r"\bstruggl(?:e|es|ed|ing)\s+(?:to|with)\b", "struggling", ("struggl",)),
        (r"\b(?:trouble|difficulty|difficulties|hard time)\s+"
         r"(?:understanding|with|figuring|seeing|following|getting)\b", "trouble understanding",
         ("trouble", "difficult", "hard time")),
        (r"\bstuck\b", "stuck", ("stuck",)),
        (rf"\b(?:can|could|would|will|can't|cant)\s+{_SOMEONE}\s+(?:please\s+)?"
         r"(?:explain|help|clarify|tell me|show|go over|walk)\b", "can someone explain",
         ("explain", "help", "clarify", "tell me", "show", "go over", "walk")),
        (r"\bplease\s+(?:explain|clarify|help)\b|\bhelp me understand\b", "please explain",
         ("please", "help me")),
        (r"(?:^|\b(?:i|i'm|im|am|was|been|just|also|still|really|me|and|but)\s+)"
         r"wonder(?:ing|ed|s)?\b", "wondering", ("wonder",)),
        (r"\bhow come\b", "how come", ("how come",)),
        (r"\bwhat(?:'s|s| is| was)\s+the\s+(?:difference|point|reason)\b",
         "what's the difference", ("difference", "point", "reason")),
        (r"\b(?:my|quick|one|another|small|real|follow-up|a)\s+question\b|\bquestion\s*:",
         "question", ("question",)),
        (r"\b(?:like|love|want|wanted|need)\s+to\s+(?:know|understand)\b"
         r"|\bcurious\s+(?:to know\s+)?(?:about|why|how|whether|if|what)\b", "want to know",
         ("know", "understand", "curious")),
        (r"\b(?:doesn't|does not|hasn't|has not|didn't|did not|never|not)\s+(?:really\s+)?"
         r"click(?:ed|s|ing)?\b|\bover my head\b", "doesn't click", ("click", "over my head")),
    )
)  # fmt: skip
_ANY_CUE_WORD = re.compile("|".join(re.escape(n) for _, _, needs in _CUES for n in needs))

_AUX = _alt(
    "is", "are", "was", "were", "does", "do", "did", "can", "could", "should", "would",
    "will", "am", "has", "have", "isn't", "aren't", "wasn't", "doesn't", "don't", "didn't",
    "can't", "shouldn't", "wouldn't", "won't", "must", "may", "might",
)  # fmt: skip
_SUBJECT = _alt(
    "it", "there", "this", "that", "these", "those", "the", "a", "an", "we", "i", "you",
    "he", "she", "they", "my", "our", "your", "his", "her", "their", "every", "all", "any",
    "some", "each", "someone", "anyone", "everyone", "people", "students",
)  # fmt: skip
# A unit that opens like a question: "why ...", "how does ...", "what is ...",
# "is it ...", possibly after a filler word ("so", "but", "ok").
_INTERROGATIVE = re.compile(
    r"^(?:(?:so|but|and|also|ok|okay|hmm|then|wait|sorry|honestly|actually|basically),?\s+)*"
    r"(?P<cue>why\b"
    r"|how\s+(?:do|does|did|is|are|was|were|can|could|would|should|will|much|many|exactly"
    r"|on earth|long|often)\b"
    rf"|(?:what|which|who|where|when|whose)(?:'s|\s+{_AUX}|\s+exactly|\s+happens"
    r"|\s+happened|\s+makes|\s+made|\s+counts|\s+causes|\s+caused|\s+decides)\b"
    rf"|{_AUX}\s+{_SUBJECT}\b)",
    re.IGNORECASE,
)
# Exclamations and rhetorical flourishes that carry a question mark or open like a
# question without asking anything.
_RHETORICAL = re.compile(
    r"\bhow (?:cool|amazing|crazy|wild|awesome|great|weird|funny|sad|interesting) "
    r"(?:is|was) (?:that|this)\b|\bwho knew\b|\bguess what\b"
    r"|\bisn't (?:it|that|this) (?:amazing|cool|crazy|wild|great|awesome|fascinating)\b",
    re.IGNORECASE,
)
# Confusion told in the past and resolved since: "I was confused at first, but...".
_RESOLVED = re.compile(
    r"\b(?:was|were|used to be|had been|at first)\s+(?:so\s+|really\s+|a bit\s+|quite\s+)?"
    r"(?:confused|not sure|unsure|lost|stuck)\b",
    re.IGNORECASE,
)
# "unsure", "unclear", "confused" describing someone else: "hedging makes a writer sound
# unsure" states no confusion of the writer's own.
_DESCRIPTIVE = re.compile(
    r"\b(?:sound|sounds|seem|seems|look|looks|appear|appears)\s+"
    r"(?:\w+\s+)?(?:unsure|unclear|confused)\b",
    re.IGNORECASE,
)
_STILL = re.compile(r"\bstill\b", re.IGNORECASE)
_DISAGREE = re.compile(r"\bnot\s+(?:so\s+)?sure\s+(?:that\s+)?(?:i|we)\s+(?:agree|buy)\b", re.I)


def detect_cue(unit: str) -> str | None:
    """Why a unit counts as a question or confusion, or ``None`` when it does not.

    A question mark counts, except in a few exclamations ("how cool is that?"). Without
    one, a confusion cue ("don't get", "not sure", "confused", "can someone explain",
    "wondering", "how come", ...) or a question opening ("why ...", "how does ...",
    "is it ...") counts, except a confusion told as resolved ("I was confused at first,
    but ...") or someone else's ("makes a writer sound unsure").

    Parameters
    ----------
    unit : str
        One sentence-like unit (see :func:`split_units`).

    Returns
    -------
    str or None
        ``"question mark"``, the cue found (``"not sure"``, ``"can someone explain"``...),
        ``"question opening: why"`` (or how, is, ...), or ``None``.

    Examples
    --------
    >>> detect_cue("Why does water move into the cell?")
    'question mark'
    >>> detect_cue("still confused about which way water flows")
    'confused'
    >>> detect_cue("I was confused at first, but the animation cleared it up.") is None
    True
    """
    text = unit.replace("’", "'").replace("‘", "'").strip()
    if not text:
        return None
    lower = text.lower()
    if any(n in lower for n in ("how ", "who knew", "guess what", "isn't")) and (
        _RHETORICAL.search(text)
    ):
        return None
    if "?" in text:
        return "question mark"
    if any(n in lower for n in ("confus", "sure", "unclear", "lost", "stuck")) and (
        (_RESOLVED.search(text) and not _STILL.search(text))
        or _DISAGREE.search(text)
        or _DESCRIPTIVE.search(text)
    ):
        return None
    if _ANY_CUE_WORD.search(lower):
        for pattern, cue, needs in _CUES:
            if any(n in lower for n in needs) and pattern.search(text):
                return cue
    opening = _INTERROGATIVE.match(text)
    if opening:
        return "question opening: " + opening.group("cue").lower().split()[0]
    return None


def question_units(posts: pd.DataFrame) -> pd.DataFrame:
    """The question and confusion units of some posts, one row per unit.

    Each body is split into sentence-like units (:func:`split_units`) and a unit is kept
    when it asks or expresses a confusion, with or without a question mark
    (:func:`detect_cue`). Pass only the posts whose authors should count: the caller
    excludes staff, non-roster and deleted posts before calling.

    Parameters
    ----------
    posts : pandas.DataFrame
        At least ``post_id``, ``author_id`` and ``body`` (plain text; missing bodies are
        skipped). Other columns (``course_id``, ``activity_id``, ``created_at``...) are
        passed through to every unit of the post.

    Returns
    -------
    pandas.DataFrame
        One row per detected unit, in post order then unit order, with a fresh index:

        - ``post_id``, ``author_id``: of the post the unit comes from.
        - ``unit_index`` (int): position of the unit among all the units of its post,
          counting from 0 (so non-question units leave gaps).
        - ``text`` (str): the unit as written, trimmed.
        - ``cue`` (str): why it was kept: ``"question mark"``, the confusion cue
          (``"don't get / understand"``, ``"not sure"``, ``"confused"``...) or
          ``"question opening: why"`` (and the like).
        - then every other input column except ``body``.

    Raises
    ------
    InvalidTableError
        When ``post_id``, ``author_id`` or ``body`` is missing.

    Examples
    --------
    >>> import pandas as pd
    >>> posts = pd.DataFrame({
    ...     "post_id": ["p1", "p2"],
    ...     "author_id": ["11", "12"],
    ...     "body": ["Nice summary! I don't get why water moves in. See you.",
    ...              "Can someone explain osmosis? Thanks"],
    ... })
    >>> question_units(posts)[["post_id", "unit_index", "text", "cue"]]
      post_id  unit_index                             text                     cue
    0      p1           1  I don't get why water moves in.  don't get / understand
    1      p2           0     Can someone explain osmosis?           question mark
    """
    missing = [c for c in ("post_id", "author_id", "body") if c not in posts.columns]
    if missing:
        raise InvalidTableError(
            "posts",
            [
                f"column '{c}' is missing; question_units needs post_id, author_id and "
                "body (plain text)"
                for c in missing
            ],
        )
    extra = [c for c in posts.columns if c not in ("post_id", "author_id", "body")]
    rows: list[tuple[int, int, str, str]] = []
    bodies = posts["body"].tolist()
    for position, body in enumerate(bodies):
        if not isinstance(body, str) and pd.isna(body):
            continue
        for index, unit in enumerate(split_units(str(body))):
            cue = detect_cue(unit)
            if cue is not None:
                rows.append((position, index, unit, cue))
    positions = [r[0] for r in rows]
    source = posts.iloc[positions].reset_index(drop=True)
    out = pd.DataFrame(
        {
            "post_id": source["post_id"],
            "author_id": source["author_id"],
            "unit_index": pd.Series([r[1] for r in rows], dtype="int64"),
            "text": pd.Series([r[2] for r in rows], dtype="str"),
            "cue": pd.Series([r[3] for r in rows], dtype="str"),
        }
    )
    for column in extra:
        out[column] = source[column]
    return out


# --------------------------------------------------------------------------------------
# Grouping

# The framing of a question ("I don't get why", "can someone explain", "still confused
# about") says little about what is asked yet weighs a lot in a short unit: it is removed
# before embedding, so that units group by their content. Leading pieces are removed one
# at a time ("so I'm still confused about ..." loses "so", "I'm", "still", "confused
# about"), then a trailing "... makes no sense to me" or "thanks".
_FRAME_LEAD = re.compile(
    "^"
    + _alt(
        r"(?:hi|hey|hello)(?:\s+(?:all|everyone|guys))?[,!.]?\s+",
        r"(?:so|but|and|also|ok|okay|um|hmm|honestly|sorry|actually|basically|now|then|wait"
        r"|anyway)\b[,:]?\s+",
        r"(?:quick|one|another|small|my)?\s*question\s*[:,-]\s*",
        r"(?:one thing|the (?:part|thing|bit))\s+(?:that\s+)?(?:i'm|i am|im|i)\s+[^,.]*?\s+"
        r"(?:about|on|with)\s+is\s+",
        r"what\s+(?:i|i'm|im|i am)\s+(?:still\s+)?(?:can't|cannot|can not|don't|do not|didn't"
        r"|struggling to|not sure about|confused about)\s*(?:really\s+)?"
        r"(?:figure out|work out|get|understand|see|grasp)?\s+is\s+",
        r"(?:i'm|i am|im|i|i've been|i have been|i was|i keep|i get|i honestly|i really"
        r"|i still|still|really|honestly|just|also|kind of|kinda|a bit|so)\s+",
        rf"{_NEG}\s+{_ADV}(?:get|understand|follow|grasp|see|know|figure out|work out|tell)\b\s*",
        r"not\s+(?:really\s+|quite\s+|totally\s+|entirely\s+|100%\s+)?(?:sure|certain|clear)"
        r"\b(?:\s+(?:about|on|of))?\s*",
        r"(?:unsure|unclear)\b(?:\s+(?:about|on|of|to me))?\s*",
        r"(?:confused|lost|stuck|puzzled)\b(?:\s+(?:about|on|by|with|as to))?\s*",
        r"(?:struggling|struggle|have trouble|having trouble|have a hard time"
        r"|having a hard time)\s+(?:to\s+)?(?:understand|see|figure out|with|understanding"
        r"|seeing)?\s*",
        r"(?:mixing up|mix up|mixed up)\s*",
        r"(?:have\s+)?no idea\s*",
        rf"(?:can|could|would|will)\s+{_SOMEONE}\s+(?:please\s+)?"
        r"(?:explain|clarify|tell me|help me understand|go over)\s*(?:to me\s*)?",
        r"(?:please\s+)?(?:explain|clarify)\s+",
        r"(?:wondering|i wonder|wonder)\b\s*",
        r"(?:about|on|with|to me)\s+",
    ),
    re.IGNORECASE,
)
_FRAME_TAIL = re.compile(
    r"[,.;:!\s-]*(?:and\s+)?(?:i\s+)?(?:(?:really|still|honestly)\s+)?"
    + _alt(
        r"makes? no sense(?: to me)?",
        rf"{_NEG}\s+{_ADV}(?:get it|understand(?: it| why)?|see why)",
        r"(?:have\s+)?no idea why",
        r"(?:that|this|which) (?:i\s+)?(?:really\s+)?(?:don't|do not) (?:get|understand)",
        r"thanks(?: in advance)?",
        r"any help(?: appreciated)?",
        r"lol|haha|please",
    )
    + r"[\s.!?]*$",
    re.IGNORECASE,
)


def question_content(text: str) -> str:
    """A unit without its question framing: what is asked, for embedding.

    Leading framing ("so I'm still confused about", "can someone explain", "what I can't
    figure out is") and trailing framing ("... makes no sense to me", "thanks") are
    removed; when nothing of substance would be left, the unit is returned unchanged.

    Parameters
    ----------
    text : str
        One question unit.

    Returns
    -------
    str

    Examples
    --------
    >>> question_content("I still don't get why water moves to the salty side.")
    'why water moves to the salty side.'
    >>> question_content("can someone explain the war guilt clause?")
    'the war guilt clause?'
    """
    core = text.replace("’", "'").strip()
    for _ in range(6):
        new = _FRAME_LEAD.sub("", core, count=1).lstrip(" ,:;-")
        if new == core:
            break
        core = new
    core = _FRAME_TAIL.sub("", core).strip()
    # Keep the original when the framing was all there was ("I don't get it.").
    return core if len(core) >= 8 else text.strip()


def available_methods() -> tuple[str, ...]:
    """The embedding methods installed here, best first.

    ``"minilm"`` needs the ``questions`` extra, ``"wordllama"`` the ``wordllama``
    package, ``"tfidf"`` scikit-learn only.

    Examples
    --------
    >>> "tfidf" in available_methods()
    True
    """
    return _embedding.available_methods()


def default_method() -> str:
    """The method ``method="auto"`` uses: the best one installed.

    Examples
    --------
    >>> default_method() in available_methods()
    True
    """
    methods = available_methods()
    if not methods:
        raise AsyncmonError(
            "no embedding method is installed for grouping questions; "
            "pip install scikit-learn (or 'asyncmon[questions]' for better groups)"
        )
    return methods[0]


def _resolve(method: str) -> str:
    return default_method() if method == "auto" else method


def embed_texts(texts: Sequence[str], *, method: str = "auto") -> Any:
    """Embed texts as they are, one L2-normalised row per text.

    Parameters
    ----------
    texts : sequence of str
    method : {"auto", "minilm", "wordllama", "tfidf"}
        ``"auto"`` is :func:`default_method`.

    Returns
    -------
    numpy.ndarray or scipy.sparse matrix
        Shape ``(len(texts), d)``; the dot product of two rows is their cosine
        similarity. A sparse matrix for ``"tfidf"`` (fitted on ``texts``), a float32
        array otherwise (384 columns for ``"minilm"``, 256 for ``"wordllama"``).

    Raises
    ------
    AsyncmonError
        When the method is unknown or not installed (the message says what to install).
    """
    return _embedding.get_embedder(_resolve(method)).embed(list(texts))


def _unit_vectors(texts: Sequence[str], method: str) -> Any:
    """Embed question units for grouping: one L2-normalised row per unit.

    TF-IDF and wordllama embed the unit's content (framing removed: ARI 0.48 against 0.16
    for TF-IDF, 0.68 against 0.65 for wordllama on the evaluation set). MiniLM embeds the
    unit as written: it weighs the framing lightly by itself, and embedding the content
    too (alone or averaged) did not group better while taking twice the time
    (``benchmarks/question_grouping.py`` prints all three variants).
    """
    embedder = _embedding.get_embedder(method)
    if method == "minilm":
        return embedder.embed(list(texts))
    return embedder.embed([question_content(t) for t in texts])


def _similarity(embeddings: Any) -> np.ndarray:
    product = embeddings @ embeddings.T
    if hasattr(product, "toarray"):
        product = product.toarray()
    return np.clip(np.asarray(product, dtype=np.float64), -1.0, 1.0)


def _cluster(similarity: np.ndarray, threshold: float) -> np.ndarray:
    """Average-linkage clusters on cosine distance, cut at ``threshold``; labels from 0."""
    n = similarity.shape[0]
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    if n == 1:
        return np.zeros(1, dtype=np.int64)
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    distance = 1.0 - similarity
    np.fill_diagonal(distance, 0.0)
    distance = np.clip((distance + distance.T) / 2.0, 0.0, 2.0)
    tree = linkage(squareform(distance, checks=False), method="average")
    return fcluster(tree, t=threshold, criterion="distance").astype(np.int64) - 1


def group_questions(
    units: pd.DataFrame, *, method: str = "auto", threshold: float | None = None
) -> pd.DataFrame:
    """Group question units so that paraphrases of one question fall together.

    Units are embedded (with ``"minilm"`` as written; with the other methods without
    their framing such as "I don't get why", see :func:`question_content`) and clustered
    by average linkage on cosine distance: two clusters merge while the mean distance
    between their units stays below ``threshold``. Groups are then numbered 1, 2, ... by
    number of distinct authors (descending), then number of units (descending), then
    earliest unit. The same units always give the same groups.

    Parameters
    ----------
    units : pandas.DataFrame
        Question units, as from :func:`question_units`: at least ``text`` and
        ``author_id``. When ``created_at`` is present it decides "earliest", otherwise
        row order does.
    method : {"auto", "minilm", "wordllama", "tfidf"}, default "auto"
        Embedding method; ``"auto"`` is :func:`default_method` (the best installed).
    threshold : float, optional
        Cosine-distance cut in (0, 2). Default: ``GROUPING_THRESHOLDS[method]``, tuned
        per method. Lower gives more, tighter groups.

    Returns
    -------
    pandas.DataFrame
        A copy of ``units`` (same index and row order) with one more column:

        - ``group`` (int): 1 for the group raised by the most distinct students, then
          2, ...; every unit has a group (a one-off question is a group of one).

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
        )
    method = _resolve(method)
    if threshold is None:
        if method not in GROUPING_THRESHOLDS:
            _embedding.get_embedder(method)  # raises the helpful error
        threshold = GROUPING_THRESHOLDS[method]
    if not 0.0 < threshold < 2.0:
        raise AsyncmonError(
            f"threshold {threshold!r} is not a cosine distance in (0, 2); "
            f"the default for {method!r} is {GROUPING_THRESHOLDS.get(method)}"
        )
    out = units.copy()
    texts = [str(t) for t in units["text"].tolist()]
    if not texts:
        out["group"] = pd.Series(dtype="int64", index=out.index)
        return out
    labels = _cluster(_similarity(_unit_vectors(texts, method)), threshold)

    if "created_at" in units.columns:
        times = pd.to_datetime(units["created_at"], utc=True)
        when = times.to_numpy(dtype="datetime64[ns]").astype("int64").astype(float)
        when[times.isna().to_numpy()] = np.inf  # unknown time sorts last
    else:
        when = np.arange(len(texts), dtype=float)
    authors = units["author_id"].tolist()
    stats = []
    for label in np.unique(labels):
        members = np.flatnonzero(labels == label)
        distinct = len({authors[i] for i in members if not pd.isna(authors[i])})
        stats.append((-distinct, -len(members), when[members].min(), members.min(), label))
    stats.sort()
    rank = {s[-1]: i + 1 for i, s in enumerate(stats)}
    out["group"] = pd.Series([rank[x] for x in labels], index=out.index, dtype="int64")
    return out


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
        previous: str | None = None
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


# --------------------------------------------------------------------------------------
# The metric: ranked question groups per activity


def _student_posts(data: Any, course_id: str | None, activity_id: str | None) -> pd.DataFrame:
    """Non-deleted posts by roster students, optionally of one course / activity."""
    students = data.people.loc[data.people["role"] == "student", ["course_id", "person_id"]]
    posts = data.posts[~data.posts["deleted"]]
    if course_id is not None:
        posts = posts[posts["course_id"] == course_id]
    if activity_id is not None:
        posts = posts[posts["activity_id"] == activity_id]
    return posts.merge(
        students.rename(columns={"person_id": "author_id"}), on=["course_id", "author_id"]
    )


_GROUP_COLUMNS = [
    "course_id",
    "activity_id",
    "rank",
    "label",
    "representative",
    "students",
    "share",
    "student_ids",
    "post_ids",
    "examples",
    "answered",
    "answered_before_class",
    "method",
]


def question_groups(
    data: Any,
    *,
    course_id: str | None = None,
    activity_id: str | None = None,
    method: str = "auto",
    threshold: float | None = None,
    min_students: int = 2,
) -> pd.DataFrame:
    """The questions and confusions that several students raised, ranked, per activity.

    Only roster students' non-deleted posts are read (staff and authors not on the roster
    are left out). Question units are grouped so that paraphrases fall together; a group
    raised by at least ``min_students`` distinct students is a recurring question. The
    top group of an activity is the candidate main gap.

    Parameters
    ----------
    data : ClassData
    course_id, activity_id : str, optional
        Restrict to one course and/or activity.
    method : {"auto", "minilm", "wordllama", "tfidf"}, default "auto"
        Embedding method (``"auto"``: the best installed; see :func:`default_method`).
    threshold : float, optional
        Grouping cut (default per method, see ``GROUPING_THRESHOLDS``).
    min_students : int, default 2
        Distinct students needed for a group to be listed.

    Returns
    -------
    DataFrame
        One row per group: ``course_id, activity_id, rank`` (1 = most distinct students),
        ``label`` (a few key words), ``representative`` (the most typical wording),
        ``students`` (distinct students), ``share`` (of the students who posted in the
        activity), ``student_ids``, ``post_ids`` (lists), ``examples`` (up to three
        wordings by different students, the representative first), ``answered`` (staff
        replied to one of the group's posts), ``answered_before_class``, ``method``.

    Examples
    --------
    >>> from asyncmon import load_sample
    >>> g = question_groups(load_sample(), course_id="BIO101", activity_id="w2")
    >>> int(g.loc[0, "students"]) >= 4
    True
    """
    resolved = _resolve(method)
    posts = _student_posts(data, course_id, activity_id)
    staff = data.people.loc[
        data.people["role"].isin(["teacher", "assistant"]), ["course_id", "person_id"]
    ]
    replies = data.posts[~data.posts["deleted"]].merge(
        staff.rename(columns={"person_id": "author_id"}), on=["course_id", "author_id"]
    )
    starts = data.activities.set_index(["course_id", "activity_id"])["class_starts_at"]
    rows = []
    for (course, activity), group_posts in posts.groupby(["course_id", "activity_id"]):
        units = question_units(group_posts[["post_id", "author_id", "body", "created_at"]])
        if units.empty:
            continue
        grouped = group_questions(units, method=resolved, threshold=threshold)
        posters = group_posts["author_id"].nunique()
        answers = replies[(replies["course_id"] == course)]
        rank = 0
        for _, members in grouped.groupby("group", sort=True):
            authors = sorted(set(members["author_id"]))
            if len(authors) < min_students:
                continue
            rank += 1
            texts = members["text"].tolist()
            typical = representative(texts, method=resolved)
            examples = [typical] + [
                t
                for t, a in zip(members["text"], members["author_id"])
                if t != typical
                and a != members.loc[members["text"] == typical, "author_id"].iloc[0]
            ]
            post_ids = sorted(set(members["post_id"]))
            answering = answers[answers["parent_id"].isin(post_ids)]
            rows.append(
                {
                    "course_id": course,
                    "activity_id": activity,
                    "rank": rank,
                    "label": label_group(texts),
                    "representative": typical,
                    "students": len(authors),
                    "share": len(authors) / posters,
                    "student_ids": authors,
                    "post_ids": post_ids,
                    "examples": list(dict.fromkeys(examples))[:3],
                    "answered": not answering.empty,
                    "answered_before_class": bool(
                        (answering["created_at"] <= starts[(course, activity)]).any()
                    ),
                    "method": resolved,
                }
            )
    return pd.DataFrame(rows, columns=_GROUP_COLUMNS)


def concept_counts(data: Any, *, course_id: str, activity_id: str) -> list[tuple[str, int]]:
    """How many distinct students asked about each concept the teacher tracks.

    A student asked about a concept when one of their question units names it (case
    insensitive, plural allowed). Returns ``(concept, students)`` pairs in the order the
    activity lists its concepts; empty when it lists none.

    Examples
    --------
    >>> from asyncmon import load_sample
    >>> concept_counts(load_sample(), course_id="BIO101", activity_id="w2")
    [('diffusion', 0), ('osmosis', 1), ('active transport', 1)]
    """
    acts = data.activities.set_index(["course_id", "activity_id"])
    concepts = acts.loc[(course_id, activity_id), "concepts"]
    if not concepts:
        return []
    units = question_units(
        _student_posts(data, course_id, activity_id)[["post_id", "author_id", "body"]]
    )
    counts = []
    for concept in concepts:
        pattern = re.compile(r"\b" + re.escape(concept.lower()) + r"(?:s|es)?\b")
        hits = units[units["text"].str.lower().str.contains(pattern)] if len(units) else units
        counts.append((concept, int(hits["author_id"].nunique()) if len(hits) else 0))
    return counts
