"""Closing the loop after class: the follow-up's outcome, whether the gap came back, and
the post students see.

The pedagogy (see the README): the class opens with feedback on the main gap, a
follow-up activity uses it, and the next asynchronous activity shows whether it worked.
:func:`gap_recurrence` checks, for each activity, whether the gap its course's previous
activity planned for is still being asked about; :func:`student_post` drafts what the
teacher pastes into the forum before class.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from .tables import ClassData
from .thresholds import GROUPING_THRESHOLDS

__all__ = ["RECURRENCE_COLUMNS", "gap_recurrence", "recurrence_text", "student_post"]

#: The columns of :func:`gap_recurrence` (the ``previous_gap*`` ones are also in the
#: ``activities`` rows of ``asyncmon metrics --json``).
RECURRENCE_COLUMNS = [
    "course_id",
    "activity_id",
    "previous_activity_id",
    "previous_gap",
    "previous_gap_source",
    "previous_gap_recurred",
    "previous_gap_students",
    "previous_gap_student_ids",
    "previous_outcome",
    "previous_outcome_note",
    "previous_understood",
]


def gap_recurrence(
    data: ClassData,
    *,
    course_id: str | None = None,
    activity_id: str | None = None,
    method: str = "auto",
    groups_of: Callable[[str, str], pd.DataFrame] | None = None,
    detector: str = "auto",
) -> pd.DataFrame:
    """Whether the gap planned for a course's previous activity came back in this one.

    For each activity, its course's previous activity (by class start) is looked up.
    When that activity's plan names a main gap, this activity's students' question
    units are checked against it:

    - a **concept** gap comes back in a unit that names the concept (whole word, plural
      allowed: the rule of :func:`~asyncmon.questions.concept_counts`);
    - a **question-group** gap (the group's label) comes back in a unit close to the
      group by the grouping's own similarity: the unit's mean cosine similarity to the
      group's units is at least ``1 - GROUPING_THRESHOLDS[method]``, which is when
      average linkage would have put the unit in the group;
    - a **free-text** gap, or a group no longer found under its label, comes back in a
      unit that close to the gap's wording.

    Parameters
    ----------
    data : ClassData
    course_id, activity_id : str, optional
        Only the rows of this course / activity.
    method : str, default "auto"
        Embedding method, as in :func:`~asyncmon.question_groups`.
    groups_of : callable, optional
        ``groups_of(course_id, activity_id)`` gives the :func:`~asyncmon.question_groups`
        of an activity (a :class:`~asyncmon.snapshot.Snapshot` passes the ones it holds);
        by default they are computed when a plan names a question group.
    detector : str, default "auto"
        As in :func:`~asyncmon.questions.question_units`.

    Returns
    -------
    DataFrame
        One row per activity: ``course_id, activity_id, previous_activity_id`` (None for
        a course's first activity), ``previous_gap`` and ``previous_gap_source`` (from
        the previous activity's plan; None when it names none), ``previous_gap_recurred``
        (True: at least one student asked about it again; False: nobody did; None: no
        gap was planned, or nobody has posted in this activity yet),
        ``previous_gap_students`` (how many students asked about it again; None when
        ``previous_gap_recurred`` is), ``previous_gap_student_ids`` (list), and the
        outcome recorded for the previous activity: ``previous_outcome`` (done / partly /
        not done), ``previous_outcome_note``, ``previous_understood``.

    Examples
    --------
    >>> from asyncmon import load_sample
    >>> data = load_sample()
    >>> r = gap_recurrence(data, course_id="BIO101", activity_id="w1", method="tfidf")
    >>> bool(r.loc[0, ["previous_activity_id", "previous_gap_recurred"]].isna().all())
    True
    """
    from .questions.embed import _resolve
    from .questions.metric import question_groups, student_posts

    acts = data.activities.sort_values(["course_id", "class_starts_at", "activity_id"])
    acts = acts.assign(
        previous_activity_id=acts.groupby("course_id")["activity_id"].shift(1)
    ).astype({"previous_activity_id": object})
    if course_id is not None:
        acts = acts[acts["course_id"] == course_id]
    if activity_id is not None:
        acts = acts[acts["activity_id"] == activity_id]
    plans = data.plans.set_index(["course_id", "activity_id"])
    outcomes = data.outcomes.set_index(["course_id", "activity_id"])
    resolved = _resolve(method)
    bodies: dict[str, pd.Series] = {}  # per course (post ids are unique within a course)
    rows = []
    for a in acts.itertuples(index=False):
        row: dict[str, Any] = dict.fromkeys(RECURRENCE_COLUMNS)
        row.update(course_id=a.course_id, activity_id=a.activity_id, previous_gap_student_ids=[])
        previous = a.previous_activity_id if isinstance(a.previous_activity_id, str) else None
        row["previous_activity_id"] = previous
        key = (a.course_id, previous)
        if previous is not None and key in outcomes.index:
            done = outcomes.loc[key]
            row["previous_outcome"] = done["outcome"]
            row["previous_outcome_note"] = _text(done["note"])
            row["previous_understood"] = (
                None if pd.isna(done["understood"]) else int(done["understood"])
            )
        gap = _text(plans.loc[key, "gap"]) if previous and key in plans.index else None
        if previous is None or gap is None:
            rows.append(row)
            continue
        source = _text(plans.loc[key, "gap_source"]) or "free-text"
        row.update(previous_gap=gap, previous_gap_source=source)
        posts = student_posts(data, a.course_id, a.activity_id)
        if posts.empty:
            rows.append(row)
            continue
        if source != "question-group":
            earlier = None
        elif groups_of is not None:
            earlier = groups_of(a.course_id, previous)
        else:
            earlier = question_groups(
                data, course_id=a.course_id, activity_id=previous, method=resolved
            )
        if a.course_id not in bodies:
            mine = data.posts[data.posts["course_id"] == a.course_id]
            bodies[a.course_id] = mine.set_index("post_id")["body"]
        who = _asking_again(posts, bodies[a.course_id], gap, source, earlier, resolved, detector)
        row.update(
            previous_gap_recurred=bool(who),
            previous_gap_students=len(who),
            previous_gap_student_ids=who,
        )
        rows.append(row)
    return pd.DataFrame(rows, columns=RECURRENCE_COLUMNS).astype(
        {"previous_gap_students": "Int64", "previous_understood": "Int64"}
    )


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _asking_again(
    posts: pd.DataFrame,
    bodies: pd.Series,
    gap: str,
    source: str,
    earlier: pd.DataFrame | None,
    method: str,
    detector: str,
) -> list[str]:
    """The students whose question units in ``posts`` are on ``gap`` (sorted ids);
    ``bodies`` holds the course's post bodies by post id (the units' contexts)."""
    from .questions.detect import question_units
    from .questions.embed import _unit_vectors
    from .questions.metric import concept_pattern

    units = question_units(posts[["post_id", "author_id", "body"]], detector=detector)
    if units.empty:
        return []
    if source == "concept":
        hits = units["text"].str.lower().str.contains(concept_pattern(gap))
        return sorted(set(units.loc[hits, "author_id"]))
    group = earlier[earlier["label"] == gap] if earlier is not None else None
    if group is not None and len(group):
        g = group.iloc[0]
        reference = list(g["unit_texts"])
        post_of = [u.split("#")[0] for u in g["unit_ids"]]
        reference_contexts = [bodies.get(p, t) for p, t in zip(post_of, reference)]
    else:
        reference, reference_contexts = [gap], [gap]
    texts = reference + units["text"].tolist()
    contexts = reference_contexts + units["post_id"].map(bodies).fillna(units["text"]).tolist()
    vectors = _unit_vectors(texts, method, contexts)
    dense = vectors.toarray() if hasattr(vectors, "toarray") else np.asarray(vectors)
    mean_similarity = dense[len(reference) :] @ dense[: len(reference)].T
    close = mean_similarity.mean(axis=1) >= 1 - GROUPING_THRESHOLDS[method]
    return sorted(set(units.loc[close, "author_id"]))


def recurrence_text(row: Any) -> str | None:
    """The recurrence of the previous activity's gap in words, or None when no gap was
    planned: "still asked by 4 students", "not raised again", "not known yet"."""
    if row is None or not isinstance(row.get("previous_gap"), str):
        return None
    recurred = row.get("previous_gap_recurred")
    if recurred is None or pd.isna(recurred):
        return "not known yet: nobody has posted in this activity"
    if not recurred:
        return "not raised again"
    n = int(row["previous_gap_students"])
    return f"still asked by {n} student{'s' if n != 1 else ''}"


_QUOTE_LIMIT = 200


def student_post(
    data: ClassData,
    course_id: str,
    activity_id: str,
    *,
    groups: pd.DataFrame | None = None,
    method: str = "auto",
) -> str:
    """A draft post for the students, to paste into the forum before class (plain text).

    It thanks the class, says what most of the class asked (the main gap in the
    students' own words: the wordings of its question group, or the concept or the
    teacher's words when the plan names those), what the class will do about it (the
    plan's feedback) and the follow-up activity. It never names a student: no author is
    given, and a wording that names someone on the roster is not quoted.

    Parameters
    ----------
    data : ClassData
    course_id, activity_id : str
    groups : DataFrame, optional
        :func:`~asyncmon.question_groups` of this activity, already computed.
    method : str, default "auto"

    Examples
    --------
    >>> from asyncmon import load_sample
    >>> post = student_post(load_sample(), "BIO101", "w2", method="tfidf")
    >>> post.splitlines()[0]
    'Thank you to the 22 of you who took part in "Membranes and transport".'
    """
    from .questions.metric import question_groups, student_posts

    activity = data.activities.set_index(["course_id", "activity_id"]).loc[(course_id, activity_id)]
    posters = student_posts(data, course_id, activity_id)["author_id"].nunique()
    if groups is None:
        groups = question_groups(data, course_id=course_id, activity_id=activity_id, method=method)
    groups = groups[(groups["course_id"] == course_id) & (groups["activity_id"] == activity_id)]
    plans = data.plans.set_index(["course_id", "activity_id"])
    plan = plans.loc[(course_id, activity_id)] if (course_id, activity_id) in plans.index else None
    gap, source = (
        (_text(plan["gap"]), _text(plan["gap_source"])) if plan is not None else (None, None)
    )
    names = data.people.loc[
        (data.people["course_id"] == course_id) & (data.people["role"] == "student"), "name"
    ]
    title = activity["title"]
    lines = [
        f'Thank you to the {posters} of you who took part in "{title}".'
        if posters != 1
        else f'Thank you to the one of you who took part in "{title}".'
    ]
    lines.append("")
    chosen = None
    if source == "question-group" and gap:
        found = groups[groups["label"] == gap]
        chosen = found.iloc[0] if len(found) else None
    elif gap is None and len(groups):
        chosen = groups.iloc[0]
    if chosen is not None:
        quotes = _quotable(list(chosen["examples"]), names)
        lines.append(
            f"The question that came up most ({chosen['students']} of you asked it, "
            "each in your own words):"
        )
        lines += [f"  “{q}”" for q in quotes] or [f"  “{chosen['label']}”"]
    elif source == "concept" and gap:
        lines.append(f"What came up most: many of you asked about {gap}.")
    elif gap:
        lines.append(f"What came up most: {gap}")
    else:
        lines.append("No single question stood out this time: thank you for the discussion.")
    feedback = _text(plan["feedback"]) if plan is not None else None
    lines.append("")
    lines.append(
        f"In class we will start with it: {feedback}"
        if feedback
        else "In class we will start with it."
    )
    kind = _text(plan["followup_kind"]) if plan is not None else None
    description = _text(plan["followup_description"]) if plan is not None else None
    if kind or description:
        what = {"quick-write": "a quick write", "roleplay": "a roleplay", "debate": "a debate"}
        followup = what.get(kind or "", "an activity")
        lines += ["", f"Then {followup}" + (f": {description}" if description else ".")]
    lines += ["", "If you have not posted yet, you can still add your thoughts before class."]
    return "\n".join(lines) + "\n"


def _quotable(examples: list[str], names: pd.Series) -> list[str]:
    """Up to two wordings that name nobody on the roster (a capitalised part of a
    student's name, three letters or more, as a whole word), each one line and short."""
    parts = set()
    for name in names.dropna():
        parts |= {w for w in re.findall(r"\w{3,}", str(name)) if w[0].isupper()}
    kept = []
    for example in examples:
        said = " ".join(str(example).split())
        if set(re.findall(r"\w{3,}", said)) & parts:
            continue
        kept.append(said if len(said) <= _QUOTE_LIMIT else said[: _QUOTE_LIMIT - 1] + "…")
    return kept[:2]
