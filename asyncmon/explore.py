"""Questions a teacher asks of their class's data, one function each, every answer a tidy
DataFrame. The exploration tour (``notebooks/explore.ipynb``) is built on them:

- :func:`repeat_late_posters`: who posts late again and again?
- :func:`unanswered_students`: whose posts did nobody reply to?
- :func:`acknowledgement_speed`: how fast are students acknowledged, by the weekday and
  hour they posted?
- :func:`acknowledgement_and_next_time`: does acknowledgement go with taking part next
  time? (an association: read it with :data:`ASSOCIATION_CAUTION`)
- :func:`recurring_concepts`: which of the course's concepts are asked about in more than
  one activity?
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from .tables import ClassData

__all__ = [
    "ASSOCIATION_CAUTION",
    "WEEKDAYS",
    "acknowledgement_and_next_time",
    "acknowledgement_speed",
    "recurring_concepts",
    "repeat_late_posters",
    "unanswered_students",
]

#: Said wherever :func:`acknowledgement_and_next_time` is shown.
ASSOCIATION_CAUTION = (
    "An association, not a cause: students who are acknowledged may differ from the "
    "others in ways that also make them take part again."
)

#: The order of the ``weekday`` column of :func:`acknowledgement_speed`.
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

_LATE = ("late", "after_class")


def repeat_late_posters(table: pd.DataFrame, *, at_least: int = 2) -> pd.DataFrame:
    """Students whose first post came after the due time in at least ``at_least``
    activities of a course.

    Parameters
    ----------
    table : DataFrame
        A :func:`~asyncmon.participation` (or :func:`~asyncmon.acknowledgements`) table.
    at_least : int, default 2
        How many late activities make a repeat late poster.

    Returns
    -------
    DataFrame
        ``course_id, student_id, name``; ``late`` (activities whose first post came after
        the due time, before the class or after it), ``after_class`` (of them, after the
        class had started), ``took_part`` (activities with a post at any time),
        ``late_activities`` (their ids, in the order of the posts). Most late first.

    Examples
    --------
    Ana was late twice (once after class), Ben once:

    >>> t = pd.DataFrame({
    ...     "course_id": ["C"] * 6, "activity_id": ["a1", "a2", "a3"] * 2,
    ...     "student_id": ["ana"] * 3 + ["ben"] * 3, "name": ["Ana"] * 3 + ["Ben"] * 3,
    ...     "status": ["late", "on_time", "after_class", "late", "missing", "on_time"],
    ...     "first_post_at": pd.to_datetime(["2025-03-04", "2025-03-09", "2025-03-18",
    ...         "2025-03-04", None, "2025-03-15"], utc=True)})
    >>> repeat_late_posters(t).to_dict("records")
    [{'course_id': 'C', 'student_id': 'ana', 'name': 'Ana', 'late': 2, 'after_class': 1, \
'took_part': 3, 'late_activities': ['a1', 'a3']}]
    >>> repeat_late_posters(t, at_least=1)["student_id"].tolist()
    ['ana', 'ben']
    """
    keys = ["course_id", "student_id"]
    rows = table.sort_values([*keys, "first_post_at"], na_position="last")
    late = rows["status"].isin(_LATE)
    summary = (
        rows.assign(
            late=late,
            after_class=rows["status"] == "after_class",
            took_part=rows["first_post_at"].notna(),
        )
        .groupby(keys, sort=True)
        .agg(
            name=("name", "first"),
            late=("late", "sum"),
            after_class=("after_class", "sum"),
            took_part=("took_part", "sum"),
        )
        .reset_index()
    )
    ids = rows[late].groupby(keys)["activity_id"].agg(list).rename("late_activities")
    summary = summary.merge(ids.reset_index(), on=keys, how="left")
    summary = summary[summary["late"] >= at_least].copy()
    for column in ("late", "after_class", "took_part"):
        summary[column] = summary[column].astype(int)
    summary = summary.sort_values(["late", *keys], ascending=[False, True, True])
    return summary.reset_index(drop=True)


def unanswered_students(data: ClassData) -> pd.DataFrame:
    """Students who posted in an activity and whose posts nobody replied to: no reply from
    a classmate, a teacher or an assistant (reactions are not replies; deleted posts are
    neither posts nor replies; a student answering themselves is no reply).

    Returns
    -------
    DataFrame
        ``course_id, activity_id, student_id, name, posts`` (their posts in the activity),
        ``first_post_at``, ``replies_given`` (their replies to other people's posts), in
        the order of the classes and of the first posts.

    Examples
    --------
    Ana's post got a reply from Ben, and Ben's from the teacher; Cleo's got none (her
    reply to Ana is not a reply to her); Dan answered only himself; the one reply to Eve
    was deleted:

    >>> from types import SimpleNamespace
    >>> posts = pd.DataFrame({"course_id": "C", "activity_id": "a1",
    ...     "post_id": ["p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8", "p9"],
    ...     "parent_id": [None, "p1", None, "p2", None, "p5", None, "p7", "p1"],
    ...     "author_id": ["ana", "ben", "cleo", "t", "dan", "dan", "eve", "ana", "cleo"],
    ...     "deleted": [False] * 7 + [True, False],
    ...     "created_at": pd.date_range("2025-03-03", periods=9, freq="h", tz="UTC")})
    >>> people = pd.DataFrame({"course_id": "C",
    ...     "person_id": ["ana", "ben", "cleo", "dan", "eve", "t"],
    ...     "name": ["Ana", "Ben", "Cleo", "Dan", "Eve", "Tess"],
    ...     "role": ["student"] * 5 + ["teacher"]})
    >>> acts = pd.DataFrame({"course_id": ["C"], "activity_id": ["a1"],
    ...     "class_starts_at": pd.to_datetime(["2025-03-04"], utc=True)})
    >>> data = SimpleNamespace(posts=posts, people=people, activities=acts)
    >>> unanswered_students(data)[["student_id", "posts", "replies_given"]].values.tolist()
    [['cleo', 2, 1], ['dan', 2, 0], ['eve', 1, 0]]
    """
    people = data.people[["course_id", "person_id", "name", "role"]]
    live = data.posts.loc[
        ~data.posts["deleted"],
        ["course_id", "activity_id", "post_id", "parent_id", "author_id", "created_at"],
    ]
    live = live.merge(
        people.rename(columns={"person_id": "author_id"}), on=["course_id", "author_id"], how="left"
    )
    by_students = live[live["role"] == "student"]
    parents = live[["course_id", "post_id", "author_id"]].rename(
        columns={"post_id": "parent_id", "author_id": "parent_author"}
    )
    replies = live.dropna(subset=["parent_id"]).merge(parents, on=["course_id", "parent_id"])
    replies = replies[replies["author_id"] != replies["parent_author"]]
    keys = ["course_id", "activity_id", "student_id"]
    answered = (
        replies[["course_id", "activity_id", "parent_author"]]
        .rename(columns={"parent_author": "student_id"})
        .drop_duplicates()
    )
    given = (
        replies.rename(columns={"author_id": "student_id"})
        .groupby(keys)
        .size()
        .rename("replies_given")
        .reset_index()
    )
    own = (
        by_students.rename(columns={"author_id": "student_id"})
        .groupby(keys)
        .agg(name=("name", "first"), posts=("post_id", "size"), first_post_at=("created_at", "min"))
        .reset_index()
    )
    own = own.merge(answered, on=keys, how="left", indicator=True)
    own = own[own["_merge"] == "left_only"].drop(columns="_merge")
    own = own.merge(given, on=keys, how="left")
    own["replies_given"] = own["replies_given"].fillna(0).astype(int)
    order = data.activities[["course_id", "activity_id", "class_starts_at"]]
    own = own.merge(order, on=["course_id", "activity_id"], how="left")
    own = own.sort_values(["class_starts_at", "course_id", "activity_id", "first_post_at"])
    columns = [*keys[:2], "student_id", "name", "posts", "first_post_at", "replies_given"]
    return own[columns].reset_index(drop=True)


def acknowledgement_speed(
    table: pd.DataFrame, data: ClassData, *, by: str | Sequence[str] = ("weekday", "hour")
) -> pd.DataFrame:
    """How fast students are acknowledged, by when they posted: the weekday and the hour
    of their first post in an activity, on the clock of their course's time zone.

    Parameters
    ----------
    table : DataFrame
        An :func:`~asyncmon.acknowledgements` table (acknowledgement counted up to each
        class start unless it was computed ``as_of`` another moment).
    data : ClassData
        The same data (for each course's time zone).
    by : "weekday", "hour" or both, default both

    Returns
    -------
    DataFrame
        One row per ``weekday`` (Monday first) and/or ``hour`` (0-23, local) when some
        student first posted: ``first_posts``, ``acknowledged`` (of them),
        ``share_acknowledged``, ``median_hours`` (from the first post to the first
        acknowledgement, over those acknowledged at a known time; NaN when none).

    Examples
    --------
    Two first posts on Monday evening (Paris time: UTC+1 in March), acknowledged after 2
    and 6 hours, and one on Tuesday morning never acknowledged:

    >>> from types import SimpleNamespace
    >>> t = pd.DataFrame({"course_id": ["C"] * 3,
    ...     "first_post_at": pd.to_datetime(["2025-03-03 19:10", "2025-03-03 19:50",
    ...                                      "2025-03-04 07:00"], utc=True),
    ...     "acknowledged": [True, True, False], "time_known": [True, True, False],
    ...     "hours_to_acknowledgement": [2.0, 6.0, None]})
    >>> data = SimpleNamespace(courses=pd.DataFrame(
    ...     {"course_id": ["C"], "timezone": ["Europe/Paris"]}))
    >>> acknowledgement_speed(t, data, by="weekday").to_dict("records")
    [{'weekday': 'Monday', 'first_posts': 2, 'acknowledged': 2, 'share_acknowledged': 1.0, \
'median_hours': 4.0}, {'weekday': 'Tuesday', 'first_posts': 1, 'acknowledged': 0, \
'share_acknowledged': 0.0, 'median_hours': nan}]
    >>> acknowledgement_speed(t, data)[["weekday", "hour", "first_posts"]].values.tolist()
    [['Monday', 20, 2], ['Tuesday', 8, 1]]
    """
    by = [by] if isinstance(by, str) else list(by)
    unknown = [b for b in by if b not in ("weekday", "hour")]
    if unknown or not by:
        raise ValueError(f"by must be 'weekday', 'hour' or both, not {by!r}")
    posted = table[table["first_post_at"].notna()]
    zones = data.courses.set_index("course_id")["timezone"]
    local = posted["first_post_at"].dt.tz_localize(None)  # replaced course by course:
    for course, rows in posted.groupby("course_id"):  # each course's wall clock
        local[rows.index] = rows["first_post_at"].dt.tz_convert(zones[course]).dt.tz_localize(None)
    timed = posted["acknowledged"].astype(bool) & posted["time_known"].astype(bool)
    frame = pd.DataFrame(
        {
            "weekday": pd.Categorical(local.dt.day_name(), categories=WEEKDAYS, ordered=True),
            "hour": local.dt.hour.astype(int),
            "acknowledged": posted["acknowledged"].astype(bool),
            "hours": posted["hours_to_acknowledgement"].where(timed).astype(float),
        }
    )
    result = (
        frame.groupby(by, observed=True)
        .agg(
            first_posts=("acknowledged", "size"),
            acknowledged=("acknowledged", "sum"),
            median_hours=("hours", "median"),
        )
        .reset_index()
    )
    result["acknowledged"] = result["acknowledged"].astype(int)
    result["share_acknowledged"] = result["acknowledged"] / result["first_posts"]
    if "weekday" in by:
        result["weekday"] = result["weekday"].astype(str)
    return result[[*by, "first_posts", "acknowledged", "share_acknowledged", "median_hours"]]


def acknowledgement_and_next_time(table: pd.DataFrame, activities: pd.DataFrame) -> pd.DataFrame:
    """Does acknowledgement go with taking part next time?

    For every student who took part in an activity before its class and whose course has
    a next activity (by class start), whether they were acknowledged before that class,
    and whether they took part in the next activity (before its class). Read it with
    :data:`ASSOCIATION_CAUTION`.

    Parameters
    ----------
    table : DataFrame
        An :func:`~asyncmon.acknowledgements` table.
    activities : DataFrame
        The ``activities`` table of the same data (for the order of the classes).

    Returns
    -------
    DataFrame
        One row per group, ``acknowledged`` (True, then False): ``students`` (student
        and activity pairs), ``took_part_next`` (of them), ``share`` (NaN for none).

    Examples
    --------
    Two activities; Ana and Ben took part in the first, only Ana was acknowledged, and
    only Ana took part in the second (Cleo took part in neither):

    >>> t = pd.DataFrame({
    ...     "course_id": ["C"] * 6,
    ...     "activity_id": ["a1", "a1", "a1", "a2", "a2", "a2"],
    ...     "student_id": ["ana", "ben", "cleo"] * 2,
    ...     "status": ["on_time", "late", "missing", "on_time", "missing", "missing"],
    ...     "acknowledged_before_class": [True, False, False, False, False, False]})
    >>> acts = pd.DataFrame({"course_id": ["C", "C"], "activity_id": ["a2", "a1"],
    ...     "class_starts_at": pd.to_datetime(["2025-03-10", "2025-03-03"], utc=True)})
    >>> acknowledgement_and_next_time(t, acts).to_dict("records")
    [{'acknowledged': True, 'students': 1, 'took_part_next': 1, 'share': 1.0}, \
{'acknowledged': False, 'students': 1, 'took_part_next': 0, 'share': 0.0}]
    """
    keys = ["course_id", "activity_id"]
    order = activities.sort_values(["course_id", "class_starts_at", "activity_id"])[keys]
    order = order.assign(next_activity_id=order.groupby("course_id")["activity_id"].shift(-1))
    took_part = table["status"].isin(["on_time", "late"])
    pairs = table.loc[took_part, [*keys, "student_id", "acknowledged_before_class"]]
    pairs = pairs.merge(order, on=keys).dropna(subset=["next_activity_id"])
    next_time = table.loc[took_part, ["course_id", "activity_id", "student_id"]].rename(
        columns={"activity_id": "next_activity_id"}
    )
    pairs = pairs.merge(
        next_time.assign(took_part_next=True),
        on=["course_id", "next_activity_id", "student_id"],
        how="left",
    )
    pairs["took_part_next"] = pairs["took_part_next"].fillna(False).astype(bool)
    rows = []
    for flag in (True, False):
        group = pairs[pairs["acknowledged_before_class"].astype(bool) == flag]
        n, again = len(group), int(group["took_part_next"].sum())
        rows.append(
            {
                "acknowledged": flag,
                "students": n,
                "took_part_next": again,
                "share": again / n if n else float("nan"),
            }
        )
    return pd.DataFrame(rows)


def recurring_concepts(
    data: ClassData, *, at_least: int = 2, detector: str = "auto"
) -> pd.DataFrame:
    """Concepts of a course that students ask about in at least ``at_least`` activities.

    A course's concepts are those its activities list (the schedule's ``concepts``). A
    student asked about a concept in an activity when one of their question units there
    names it, as in :func:`~asyncmon.questions.concept_counts` (case insensitive, plural
    allowed), whichever activity lists it: a concept of week 2 asked about again in week
    5 counts in both.

    Returns
    -------
    DataFrame
        ``course_id, concept``; ``activities`` (how many activities it was asked about
        in), ``students`` (distinct students over them), ``activity_ids`` and
        ``students_per_activity`` (in class order). Most activities first, then most
        students.

    Examples
    --------
    Osmosis is listed in week 1 only and asked about in weeks 1, 2 and 3 (by Ana, Ben,
    then Ana again); diffusion only in week 3:

    >>> from types import SimpleNamespace
    >>> acts = pd.DataFrame({"course_id": "C", "activity_id": ["w1", "w2", "w3"],
    ...     "class_starts_at": pd.date_range("2025-03-03", periods=3, freq="7D", tz="UTC"),
    ...     "concepts": [("osmosis",), (), ("diffusion",)]})
    >>> posts = pd.DataFrame({"course_id": "C", "activity_id": ["w1", "w2", "w3", "w3"],
    ...     "post_id": ["p1", "p2", "p3", "p4"], "author_id": ["ana", "ben", "ana", "cleo"],
    ...     "deleted": False, "body": ["I don't get osmosis.", "Why does Osmosis need water?",
    ...         "Is diffusion the same as osmosis?", "Great week, thanks."]})
    >>> people = pd.DataFrame({"course_id": "C", "person_id": ["ana", "ben", "cleo"],
    ...     "role": "student"})
    >>> data = SimpleNamespace(activities=acts, posts=posts, people=people)
    >>> recurring_concepts(data, detector="cues").to_dict("records")
    [{'course_id': 'C', 'concept': 'osmosis', 'activities': 3, 'students': 2, \
'activity_ids': ['w1', 'w2', 'w3'], 'students_per_activity': [1, 1, 1]}]
    """
    from .questions import question_units
    from .questions.metric import concept_pattern, student_posts

    columns = [
        "course_id",
        "concept",
        "activities",
        "students",
        "activity_ids",
        "students_per_activity",
    ]
    rows = []
    acts = data.activities.sort_values(["course_id", "class_starts_at", "activity_id"])
    for course, course_acts in acts.groupby("course_id", sort=True):
        concepts = list(dict.fromkeys(c for cs in course_acts["concepts"] for c in cs or ()))
        if not concepts:
            continue
        posts = student_posts(data, course, None)[["activity_id", "post_id", "author_id", "body"]]
        units = question_units(posts, detector=detector)
        if units.empty:
            continue
        lowered = units["text"].str.lower()
        order = list(course_acts["activity_id"])
        for concept in concepts:
            hits = units[lowered.str.contains(concept_pattern(concept))]
            per = hits.groupby("activity_id")["author_id"].nunique()
            per = per.reindex([a for a in order if a in per.index])
            if len(per) >= at_least:
                rows.append(
                    {
                        "course_id": course,
                        "concept": concept,
                        "activities": len(per),
                        "students": int(hits["author_id"].nunique()),
                        "activity_ids": list(per.index),
                        "students_per_activity": [int(n) for n in per],
                    }
                )
    result = pd.DataFrame(rows, columns=columns)
    result = result.sort_values(
        ["activities", "students", "course_id", "concept"], ascending=[False, False, True, True]
    )
    return result.reset_index(drop=True)
