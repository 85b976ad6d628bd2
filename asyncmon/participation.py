"""Participation: who took part, on time or late, who is missing (again).

Per student and activity, the status of the student's first contribution (deleted posts
count for nothing): ``on_time`` at or before ``due_at``; ``late`` after it, up to and
including the class start; ``after_class``; or ``missing``.
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from . import engine as _engine
from .tables import ClassData
from .thresholds import DEFAULT_THRESHOLDS, Thresholds

__all__ = ["STATUSES", "class_rates", "participation", "repeat_absentees"]

STATUSES = ("on_time", "late", "after_class", "missing")

PARTICIPATION_COLUMNS = [
    "course_id",
    "activity_id",
    "student_id",
    "name",
    "status",
    "first_post_at",
    "posts",
    "replies_to_peers",
    "replies_received_from_peers",
    "words",
]


def participation(data: ClassData, *, engine: str = "pandas") -> pd.DataFrame:
    """Participation of every roster student in every activity of their course.

    Parameters
    ----------
    data : ClassData
    engine : {'pandas', 'polars', 'duckdb', 'pyspark'}, default 'pandas'
        Where the core computation runs; the result is the same.

    Returns
    -------
    DataFrame
        One row per student and activity:

        - ``course_id, activity_id, student_id, name``
        - ``status``: ``on_time`` (first post at or before due), ``late`` (after due, up to
          class start), ``after_class`` or ``missing``
        - ``first_post_at``: time of the first non-deleted post (UTC; NaT when missing)
        - ``posts``: non-deleted posts and replies written
        - ``replies_to_peers``: replies whose parent was written by another roster student
          (not to self, not to staff)
        - ``replies_received_from_peers``: such replies other students wrote to this one
        - ``words``: words written over all posts

    Examples
    --------
    >>> from asyncmon import load_sample
    >>> p = participation(load_sample())
    >>> p[(p.course_id == "BIO101") & (p.activity_id == "w1")].status.value_counts()["late"]
    np.int64(2)
    """
    facts = _engine.run(data, engine=engine, substantive_words=DEFAULT_THRESHOLDS.substantive_words)
    return _with_names(facts, data)[PARTICIPATION_COLUMNS]


def _with_names(frame: pd.DataFrame, data: ClassData) -> pd.DataFrame:
    names = data.people[["course_id", "person_id", "name"]].rename(
        columns={"person_id": "student_id"}
    )
    order = data.activities[["course_id", "activity_id", "due_at"]].rename(
        columns={"due_at": "_due"}
    )
    merged = frame.merge(names, on=["course_id", "student_id"], how="left")
    merged = merged.merge(order, on=["course_id", "activity_id"], how="left")
    merged = merged.sort_values(["course_id", "_due", "activity_id", "name", "student_id"])
    return merged.drop(columns="_due").reset_index(drop=True)


def class_rates(table: pd.DataFrame) -> pd.DataFrame:
    """Class rates per activity from a :func:`participation` table.

    Returns
    -------
    DataFrame
        ``course_id, activity_id, students`` (on the roster), ``on_time, late,
        after_class, missing`` (counts), ``participating`` (students who posted at any
        time), ``participation_rate`` (participating / students), ``on_time_rate``
        (on time / students), ``replies_to_peers`` (total), ``median_words`` (of the
        participating students).

    Examples
    --------
    >>> from asyncmon import load_sample, participation
    >>> rates = class_rates(participation(load_sample()))
    >>> print(rates.loc[[0], ["course_id", "activity_id", "missing"]].to_string(index=False))
    course_id activity_id  missing
       BIO101          w1        4
    """
    columns = [
        "course_id",
        "activity_id",
        "students",
        *STATUSES,
        "participating",
        "participation_rate",
        "on_time_rate",
        "replies_to_peers",
        "median_words",
    ]
    if table.empty:
        return pd.DataFrame([], columns=columns)  # a class with no students yet: no rows
    # one grouped pass for every activity at once (an institution has thousands)
    keys = ["course_id", "activity_id"]
    status = table["status"]
    taking_part = status.ne("missing")
    frame = table[keys].assign(
        **{s: status.eq(s).astype("int64") for s in STATUSES},
        participating=taking_part.astype("int64"),
        replies_to_peers=pd.to_numeric(table["replies_to_peers"]).fillna(0).astype("int64"),
        _words=pd.to_numeric(table["words"]).astype("float64").where(taking_part),
    )
    grouped = frame.groupby(keys, sort=False)
    out = grouped[[*STATUSES, "participating", "replies_to_peers"]].sum()
    out["students"] = grouped.size()
    out["participation_rate"] = out["participating"] / out["students"]
    out["on_time_rate"] = out["on_time"] / out["students"]
    out["median_words"] = grouped["_words"].median().where(out["participating"] > 0, 0.0)
    return out.reset_index()[columns]


def repeat_absentees(
    data: ClassData,
    *,
    as_of: datetime | None = None,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    table: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Students missing the most recent activities in a row.

    Only activities whose class has started by ``as_of`` (default: now) count: a student
    cannot be missing an activity still open.

    Parameters
    ----------
    data : ClassData
    as_of : datetime, optional
        The moment of the question (default now).
    thresholds : Thresholds
        ``missing_streak`` (default 2) activities in a row make a repeat absentee.
    table : DataFrame, optional
        A :func:`participation` table of ``data`` already computed.

    Returns
    -------
    DataFrame
        ``course_id, student_id, name, missing_streak`` (most recent activities missed in a
        row), ``missed_activities`` (their ids, most recent first), ``last_participated``
        (the last activity they took part in, or None), sorted by streak.

    Examples
    --------
    >>> from datetime import datetime, UTC
    >>> from asyncmon import load_sample
    >>> repeat_absentees(load_sample(), as_of=datetime(2025, 4, 2, tzinfo=UTC)).student_id.tolist()
    ['1019', '1079', '1048']
    """
    table = participation(data) if table is None else table
    moment = pd.Timestamp(as_of) if as_of is not None else pd.Timestamp.now(tz="UTC")
    acts = data.activities[data.activities["class_starts_at"] <= moment]
    considered = table.merge(
        acts[["course_id", "activity_id", "class_starts_at"]], on=["course_id", "activity_id"]
    )
    rows = []
    for (course, student), group in considered.groupby(["course_id", "student_id"]):
        group = group.sort_values("class_starts_at", ascending=False)
        missed = []
        for activity, status in zip(group["activity_id"], group["status"]):
            if status != "missing":
                break
            missed.append(activity)
        took_part = group.loc[group["status"] != "missing", "activity_id"]
        if len(missed) >= thresholds.missing_streak:
            rows.append(
                {
                    "course_id": course,
                    "student_id": student,
                    "name": group["name"].iloc[0],
                    "missing_streak": len(missed),
                    "missed_activities": missed,
                    "last_participated": took_part.iloc[0] if len(took_part) else None,
                }
            )
    columns = [
        "course_id",
        "student_id",
        "name",
        "missing_streak",
        "missed_activities",
        "last_participated",
    ]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.sort_values(
        ["missing_streak", "course_id", "name"], ascending=[False, True, True]
    ).reset_index(drop=True)
