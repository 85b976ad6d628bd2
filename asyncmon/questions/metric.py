"""The metric: ranked question groups per activity, and concept counts."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from ..progress import progress
from .corrections import apply_corrections
from .detect import agreement_replies, question_units
from .embed import _resolve
from .group import group_questions, ranked_groups
from .label import label_group, representative, say_aloud

__all__ = ["concept_counts", "question_groups"]

# --------------------------------------------------------------------------------------
# The metric: ranked question groups per activity


def student_posts(data: Any, course_id: str | None, activity_id: str | None) -> pd.DataFrame:
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
    "keywords",
    "students",
    "share",
    "student_ids",
    "post_ids",
    "unit_ids",
    "unit_texts",
    "agreements",
    "examples",
    "answered",
    "answered_before_class",
    "corrected",
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
    detector: str = "auto",
) -> pd.DataFrame:
    """The questions and confusions that several students raised, ranked, per activity.

    Only roster students' non-deleted posts are read (staff and authors not on the roster
    are left out). Question units are found (:func:`question_units`) and grouped so that
    paraphrases fall together (:func:`group_questions`); then the teacher's corrections
    stored with the data (:mod:`asyncmon.questions.corrections`) are applied, in order.
    A reply that only agrees ("same", "+1", "this!!") adds its author to the group of
    the post it replies to. A group raised by at least ``min_students`` distinct
    students is a recurring question. The top group of an activity is the candidate main gap.

    Parameters
    ----------
    data : ClassData
    course_id, activity_id : str, optional
        Restrict to one course and/or activity.
    method : {"auto", "minilm", "wordllama", "tfidf"}, default "auto"
        Embedding method (``"auto"``: the best installed; see :func:`default_method`).
    threshold : float, optional
        A fixed grouping cut (default: chosen per activity, see :func:`group_questions`).
    min_students : int, default 2
        Distinct students needed for a group to be listed.
    detector : {"auto", "classifier", "cues"}, default "auto"
        How units are found (see :func:`question_units`).

    Returns
    -------
    DataFrame
        One row per group: ``course_id, activity_id, rank`` (1 = most distinct students),
        ``label`` (a question a teacher can say aloud: the teacher's name for the group,
        or its most central wording trimmed to 90 characters), ``representative`` (that
        wording in full), ``keywords`` (the key words its units share, a hint),
        ``students`` (distinct students), ``share`` (of the students who posted in the
        activity), ``student_ids``, ``post_ids``, ``unit_ids`` (lists; a unit id is
        ``"<post_id>#<unit index>"``), ``unit_texts`` (their wordings), ``agreements``
        (agreeing replies counted in ``students``), ``examples``
        (up to three wordings by different students, the representative first),
        ``answered`` (staff replied to one of the group's posts),
        ``answered_before_class``, ``corrected`` (a teacher's
        correction changed the group), ``method``.

    Examples
    --------
    >>> from asyncmon import load_sample
    >>> g = question_groups(load_sample(), course_id="BIO101", activity_id="w2")
    >>> int(g.loc[0, "students"]) >= 4
    True
    >>> len(g.loc[0, "label"]) <= 90
    True
    """
    resolved = _resolve(method)
    posts = student_posts(data, course_id, activity_id)
    staff = data.people.loc[
        data.people["role"].isin(["teacher", "assistant"]), ["course_id", "person_id"]
    ]
    replies = data.posts[~data.posts["deleted"]].merge(
        staff.rename(columns={"person_id": "author_id"}), on=["course_id", "author_id"]
    )
    starts = data.activities.set_index(["course_id", "activity_id"])["class_starts_at"]
    corrections = getattr(data, "corrections", None)
    rows = []
    by_activity = posts.groupby(["course_id", "activity_id"])
    for (course, activity), group_posts in progress(
        by_activity,
        what="grouping questions",
        unit=" activities",
        total=by_activity.ngroups,
        least=2,
    ):
        units = question_units(
            group_posts[["post_id", "author_id", "body", "created_at"]], detector=detector
        )
        fixes = (
            corrections[
                (corrections["course_id"] == course) & (corrections["activity_id"] == activity)
            ]
            if corrections is not None
            else None
        )
        if units.empty and (fixes is None or fixes.empty):
            continue
        units["unit_id"] = units["post_id"] + "#" + units["unit_index"].astype(str)
        units["context"] = units["post_id"].map(
            dict(zip(group_posts["post_id"], group_posts["body"]))
        )
        grouped = group_questions(units, method=resolved, threshold=threshold)
        names: dict[Any, str] = {}
        touched: set[Any] = set()
        if fixes is not None and not fixes.empty:
            grouped, names, touched = apply_corrections(grouped, fixes, group_posts)
        agreeing = _agreeing(group_posts, grouped)
        posters = group_posts["author_id"].nunique()
        answers = replies[(replies["course_id"] == course)]
        rank = 0
        for key in ranked_groups(pd.concat([grouped, agreeing], ignore_index=True)):
            members = grouped[grouped["group"] == key]
            if members.empty:
                continue
            agree = agreeing[agreeing["group"] == key]
            authors = sorted(set(members["author_id"]) | set(agree["author_id"]))
            if len(authors) < min_students:
                continue
            rank += 1
            texts = members["text"].tolist()
            typical = representative(texts, method=resolved)
            typical_author = members.loc[members["text"] == typical, "author_id"].iloc[0]
            examples = [typical] + [
                t
                for t, a in zip(members["text"], members["author_id"])
                if t != typical and a != typical_author
            ]
            post_ids = sorted(set(members["post_id"]) | set(agree["post_id"]))
            answering = answers[answers["parent_id"].isin(set(members["post_id"]))]
            rows.append(
                {
                    "course_id": course,
                    "activity_id": activity,
                    "rank": rank,
                    "label": names.get(key) or say_aloud(typical),
                    "representative": typical,
                    "keywords": _keywords(texts),
                    "students": len(authors),
                    "share": len(authors) / posters,
                    "student_ids": authors,
                    "post_ids": post_ids,
                    "unit_ids": members["unit_id"].tolist(),
                    "unit_texts": texts,
                    "agreements": len(agree),
                    "examples": list(dict.fromkeys(examples))[:3],
                    "answered": not answering.empty,
                    "answered_before_class": bool(
                        (answering["created_at"] <= starts[(course, activity)]).any()
                    ),
                    "corrected": key in touched,
                    "method": resolved,
                }
            )
    return pd.DataFrame(rows, columns=_GROUP_COLUMNS)


def _agreeing(posts: pd.DataFrame, grouped: pd.DataFrame) -> pd.DataFrame:
    """Agreeing replies ("same", "+1") with the group of the post they agree with."""
    columns = ["post_id", "author_id", "created_at", "group"]
    if grouped.empty:
        return pd.DataFrame(columns=columns)
    agree = agreement_replies(posts[["post_id", "author_id", "parent_id", "body"]], grouped)
    if agree.empty:
        return pd.DataFrame(columns=columns)
    group_of = grouped.groupby("post_id")["group"].agg(lambda g: g.mode().iloc[0])
    agree["group"] = agree["parent_id"].map(group_of)
    agree["created_at"] = agree["post_id"].map(dict(zip(posts["post_id"], posts["created_at"])))
    return agree[columns]


def _keywords(texts: list[str]) -> str:
    """The key words a group's units share; empty when they share none."""
    words = label_group(texts)
    stripped = {t.strip() for t in texts}
    return "" if words in stripped or words.endswith("...") else words


def concept_pattern(concept: str) -> re.Pattern:
    """What names ``concept`` in lower-cased text: the whole words, plural allowed.

    >>> bool(concept_pattern("Active transport").search("why is active transports slow"))
    True
    >>> bool(concept_pattern("ion").search("diffusion"))
    False
    """
    return re.compile(r"\b" + re.escape(concept.lower()) + r"(?:s|es)?\b")


def concept_counts(
    data: Any, *, course_id: str, activity_id: str, detector: str = "auto"
) -> list[tuple[str, int]]:
    """How many distinct students asked about each concept the teacher tracks.

    A student asked about a concept when one of their question units names it (case
    insensitive, plural allowed). Returns ``(concept, students)`` pairs in the order the
    activity lists its concepts; empty when it lists none. ``detector`` is passed to
    :func:`question_units`.

    Examples
    --------
    >>> from asyncmon import load_sample
    >>> concept_counts(load_sample(), course_id="BIO101", activity_id="w2", detector="cues")
    [('diffusion', 0), ('osmosis', 1), ('active transport', 1)]
    """
    acts = data.activities.set_index(["course_id", "activity_id"])
    concepts = acts.loc[(course_id, activity_id), "concepts"]
    if not concepts:
        return []
    units = question_units(
        student_posts(data, course_id, activity_id)[["post_id", "author_id", "body"]],
        detector=detector,
    )
    counts = []
    for concept in concepts:
        pattern = concept_pattern(concept)
        hits = units[units["text"].str.lower().str.contains(pattern)] if len(units) else units
        counts.append((concept, int(hits["author_id"].nunique()) if len(hits) else 0))
    return counts
