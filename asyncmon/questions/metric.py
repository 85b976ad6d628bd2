"""The metric: ranked question groups per activity, and concept counts."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from .detect import question_units
from .embed import _resolve
from .group import group_questions
from .label import label_group, representative

__all__ = ["concept_counts", "question_groups"]

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
        units["context"] = units["post_id"].map(
            dict(zip(group_posts["post_id"], group_posts["body"]))
        )
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
