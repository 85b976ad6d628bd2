"""Monitoring coverage: whose work the teacher has acknowledged, and who is still waiting.

A participating student is *acknowledged* in an activity when staff (a teacher or an
assistant) replied directly to one of their posts there (the reply's parent is the
student's post; a private reply addressed to the student counts too) or reacted to one.
The time is the earliest such reply or reaction; a reaction whose time the source does not
give counts as of the export (``exported_at``) and is flagged ``time_known = False``.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd

from . import engine as _engine
from ._gc import collection_paused
from .participation import PARTICIPATION_COLUMNS, _with_names
from .sources.links import post_url
from .tables import ClassData
from .thresholds import DEFAULT_THRESHOLDS, Thresholds

__all__ = [
    "acknowledgement_queue",
    "acknowledgement_spread",
    "acknowledgements",
    "coverage",
    "overlooked_windows",
    "started_by",
    "unacknowledged_students",
]

_HOUR = pd.Timedelta(hours=1)


def acknowledgements(
    data: ClassData,
    *,
    as_of: datetime | None = None,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    engine: str = "pandas",
) -> pd.DataFrame:
    """Acknowledgement of every roster student in every activity.

    Parameters
    ----------
    data : ClassData
    as_of : datetime, optional
        Count acknowledgements and participation up to this moment. Default: each
        activity's class start. A live dashboard passes now.
    thresholds : Thresholds
        ``substantive_words`` tells a substantive comment from a brief one.
    engine : {'pandas', 'polars', 'duckdb', 'pyspark'}, default 'pandas'

    Returns
    -------
    DataFrame
        One row per student and activity (participation columns as in
        :func:`~asyncmon.participation`), plus:

        - ``as_of_at``: the moment counted up to (UTC)
        - ``participating_as_of``: first post at or before ``as_of_at``
        - ``acknowledged``: participating and acknowledged, both by ``as_of_at``
        - ``acknowledged_at``: earliest acknowledgement up to ``as_of_at`` (UTC)
        - ``acknowledged_before_class``: acknowledged at or before the class start
        - ``acknowledged_by``: staff ids who acknowledged the student up to ``as_of_at``
        - ``acknowledgement_kind``: the strongest by ``as_of_at``: ``substantive comment``,
          ``brief comment`` or ``reaction`` (None when not acknowledged)
        - ``time_known``: False when the acknowledgement rests only on reactions of unknown
          time (counted as of the export)
        - ``hours_to_acknowledgement``: hours from the first post to ``acknowledged_at``
        - ``substantive_before_class``: substantive comments received before class

    Examples
    --------
    >>> from asyncmon import load_sample
    >>> a = acknowledgements(load_sample())
    >>> never = a[(a.course_id == "BIO101") & (a.student_id == "1016")]
    >>> bool(never.acknowledged.any())
    False
    """
    facts, events = _engine.facts_and_events(
        data, as_of=as_of, engine=engine, substantive_words=thresholds.substantive_words
    )
    return acknowledgement_table(facts, events, data)


def acknowledgement_table(
    facts: pd.DataFrame, events: pd.DataFrame, data: ClassData
) -> pd.DataFrame:
    """The :func:`acknowledgements` table from the core's collected results: ``facts``
    (:func:`asyncmon.engine.student_activity`) and ``events``
    (:func:`asyncmon.engine.events_table`), named and ordered with ``data``'s people and
    activities (its posts are not read)."""
    facts["participating_as_of"] = facts["first_post_at"].notna() & (
        facts["first_post_at"] <= facts["as_of_at"]
    )
    facts["acknowledged"] = facts["participating_as_of"] & facts["acknowledged_at"].notna()
    facts.loc[~facts["acknowledged"], "acknowledged_at"] = pd.NaT
    facts["acknowledged_before_class"] = (
        facts["status"].isin(["on_time", "late"]) & facts["acknowledged_before_class_at"].notna()
    )
    facts["acknowledgement_kind"] = (
        facts["kind_rank"].map(_engine.KIND_RANK).where(facts["acknowledged"], None)
    )
    facts["time_known"] = facts["acknowledged"] & (facts["time_known"] == 1)
    facts["hours_to_acknowledgement"] = (facts["acknowledged_at"] - facts["first_post_at"]) / _HOUR
    facts["acknowledged_by"] = _acknowledged_by(facts, events)
    columns = PARTICIPATION_COLUMNS + [
        "as_of_at",
        "participating_as_of",
        "acknowledged",
        "acknowledged_at",
        "acknowledged_before_class",
        "acknowledged_by",
        "acknowledgement_kind",
        "time_known",
        "hours_to_acknowledgement",
        "substantive_before_class",
    ]
    return _with_names(facts, data)[columns]


def _acknowledged_by(facts: pd.DataFrame, events: pd.DataFrame) -> pd.Series:
    """Per row of ``facts``: the staff ids of its events between the student's first post
    and ``as_of_at``, each once and sorted (an empty list when not acknowledged)."""
    keys = ["course_id", "activity_id", "student_id"]
    # each event's row of the facts, by the facts' keys (unique) looked up once: two
    # merges on three text columns took 1.1 s for 2.5e6 rows
    found = pd.MultiIndex.from_frame(facts[keys]).get_indexer(
        pd.MultiIndex.from_frame(events[keys])
    )
    which = np.flatnonzero(found >= 0)
    rows = found[which]
    at = _micros(events["at"])[which]
    kept = (
        facts["acknowledged"].to_numpy(dtype=bool)[rows]
        & (at <= _micros(facts["as_of_at"])[rows])
        & (at >= _micros(facts["first_post_at"])[rows])
    )
    rows = rows[kept]
    by, names = pd.factorize(events["by"].iloc[which[kept]], sort=True)
    # each student's acknowledgers once, sorted: one sort, then a slice per student
    # (a grouped aggregation into lists calls Python once per group: 0.85 s for 45,000)
    order = np.lexsort((by, rows))
    rows, by = rows[order], by[order]
    first = np.ones(len(rows), dtype=bool)
    first[1:] = (rows[1:] != rows[:-1]) | (by[1:] != by[:-1])
    rows, staff = rows[first], names.take(by[first]).tolist()
    starts = np.flatnonzero(np.diff(rows, prepend=-1))
    ends = np.append(starts[1:], len(rows))
    with collection_paused():  # a list per student, none in a cycle
        lists: list[list[str]] = [[] for _ in range(len(facts))]
        for row, a, b in zip(rows[starts].tolist(), starts.tolist(), ends.tolist()):
            lists[row] = staff[a:b]
    return pd.Series(lists, index=facts.index, dtype=object)


def _micros(times: pd.Series) -> np.ndarray:
    """UTC times as integers (microseconds; a missing time the smallest integer, below
    every time, so that it is never at or after one)."""
    return times.astype("datetime64[us, UTC]").array.asi8


def coverage(table: pd.DataFrame, *, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> pd.DataFrame:
    """Coverage per activity from an :func:`acknowledgements` table.

    Returns
    -------
    DataFrame
        ``course_id, activity_id``, ``participating_as_of`` (students who posted by the
        moment), ``acknowledged`` (of them, acknowledged by then), ``coverage``
        (acknowledged / participating_as_of; NaN when nobody took part),
        ``participating_before_class``, ``acknowledged_before_class``,
        ``coverage_before_class``, ``substantive_comments_before_class`` (students who got
        one), ``reaction_only`` (acknowledged only by reactions), ``unknown_time``
        (acknowledgements resting on reactions of unknown time),
        ``median_hours_to_acknowledgement``, ``coverage_ok`` (coverage before class at or
        over ``coverage_needed`` with enough substantive comments).

    Examples
    --------
    >>> from asyncmon import acknowledgements, load_sample
    >>> c = coverage(acknowledgements(load_sample()))
    >>> print(c.loc[[0], ["activity_id", "participating_before_class",
    ...                  "acknowledged_before_class"]].to_string(index=False))
    activity_id  participating_before_class  acknowledged_before_class
             w1                          20                          9
    """
    if table.empty:
        return pd.DataFrame([], columns=COVERAGE_COLUMNS)  # no students yet: no rows
    # one grouped pass for every activity at once (an institution has thousands)
    keys = ["course_id", "activity_id"]
    acknowledged = table["acknowledged"].astype(bool)
    frame = table[keys].assign(
        participating_as_of=table["participating_as_of"].astype(bool).astype("int64"),
        acknowledged=acknowledged.astype("int64"),
        participating_before_class=table["status"].isin(["on_time", "late"]).astype("int64"),
        acknowledged_before_class=table["acknowledged_before_class"].astype(bool).astype("int64"),
        substantive_comments_before_class=(
            pd.to_numeric(table["substantive_before_class"]).fillna(0) > 0
        ).astype("int64"),
        reaction_only=table["acknowledgement_kind"].eq("reaction").astype("int64"),
        unknown_time=(acknowledged & ~table["time_known"].astype(bool)).astype("int64"),
        _hours=pd.to_numeric(table["hours_to_acknowledgement"]).astype("float64"),
    )
    grouped = frame.groupby(keys, sort=False)
    counted = [
        "participating_as_of",
        "acknowledged",
        "participating_before_class",
        "acknowledged_before_class",
        "substantive_comments_before_class",
        "reaction_only",
        "unknown_time",
    ]
    out = grouped[counted].sum()
    part, part_bc = out["participating_as_of"], out["participating_before_class"]
    out["coverage"] = (out["acknowledged"] / part).where(part > 0)
    out["coverage_before_class"] = (out["acknowledged_before_class"] / part_bc).where(part_bc > 0)
    out["median_hours_to_acknowledgement"] = grouped["_hours"].median()
    out["coverage_ok"] = (
        (part_bc > 0)
        & (out["coverage_before_class"] >= thresholds.coverage_needed)
        & (out["substantive_comments_before_class"] >= thresholds.min_substantive_comments)
    )
    return out.reset_index()[COVERAGE_COLUMNS]


#: The columns of :func:`coverage`, also when no student is on the roster yet.
COVERAGE_COLUMNS = [
    "course_id",
    "activity_id",
    "participating_as_of",
    "acknowledged",
    "coverage",
    "participating_before_class",
    "acknowledged_before_class",
    "coverage_before_class",
    "substantive_comments_before_class",
    "reaction_only",
    "unknown_time",
    "median_hours_to_acknowledgement",
    "coverage_ok",
]


def started_by(table: pd.DataFrame, activities: pd.DataFrame, moment: pd.Timestamp) -> pd.DataFrame:
    """The rows of ``table`` whose activity's class has started by ``moment``: the
    history a flag about the past (overlooked, absent) may look at. Activities are matched
    on course and id (ids such as ``w1`` repeat across courses).

    >>> import pandas as pd
    >>> acts = pd.DataFrame({"course_id": ["A", "B"], "activity_id": ["w1", "w1"],
    ...     "class_starts_at": pd.to_datetime(["2025-03-01", "2025-04-01"], utc=True)})
    >>> t = pd.DataFrame({"course_id": ["A", "B"], "activity_id": ["w1", "w1"]})
    >>> started_by(t, acts, pd.Timestamp("2025-03-15", tz="UTC"))["course_id"].tolist()
    ['A']
    """
    keys = ["course_id", "activity_id"]
    started = activities.loc[activities["class_starts_at"] <= moment, keys]
    return table[pd.MultiIndex.from_frame(table[keys]).isin(pd.MultiIndex.from_frame(started))]


def overlooked_windows(table: pd.DataFrame, activities: pd.DataFrame, *, k: int) -> pd.DataFrame:
    """The rule of "overlooked", in one place: every activity a student took part in (by
    the table's moment), in class order, with ``overlooked`` True when they were
    acknowledged neither in it nor in the ``k - 1`` activities they took part in before
    it. The page and the brief flag a student whose latest participation is overlooked
    (:func:`unacknowledged_students`); the coordinator counts, per activity, the students
    overlooked in it.

    Parameters
    ----------
    table : DataFrame
        An :func:`acknowledgements` table (``participating_as_of`` and ``acknowledged``
        are read).
    activities : DataFrame
        The activities table (for their order in time).
    k : int
        How many participations in a row (``Thresholds.last_k``).

    Returns
    -------
    DataFrame
        The participated rows of ``table`` with ``class_starts_at`` and ``overlooked``,
        sorted by course, student and class start.

    Examples
    --------
    Acknowledged in a1 only, then not in a2 and a3 (no post in a4):

    >>> acts = pd.DataFrame({"course_id": "C", "activity_id": ["a1", "a2", "a3", "a4"],
    ...     "class_starts_at": pd.date_range("2025-03-03", periods=4, freq="7D", tz="UTC")})
    >>> t = pd.DataFrame({"course_id": "C", "student_id": "ana",
    ...     "activity_id": ["a1", "a2", "a3", "a4"],
    ...     "participating_as_of": [True, True, True, False],
    ...     "acknowledged": [True, False, False, False]})
    >>> overlooked_windows(t, acts, k=2)[["activity_id", "overlooked"]].values.tolist()
    [['a1', False], ['a2', False], ['a3', True]]
    """
    keys = ["course_id", "activity_id"]
    timed = table.merge(activities[[*keys, "class_starts_at"]], on=keys)
    timed = timed[timed["participating_as_of"].astype(bool)]
    timed = timed.sort_values(["course_id", "student_id", "class_starts_at", "activity_id"])
    timed = timed.reset_index(drop=True)
    acked = timed["acknowledged"].astype(int)
    in_window = acked.groupby([timed["course_id"], timed["student_id"]]).transform(
        lambda s: s.rolling(k, min_periods=k).sum()
    )
    timed["overlooked"] = in_window.eq(0)
    return timed


def unacknowledged_students(
    table: pd.DataFrame,
    activities: pd.DataFrame,
    *,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> pd.DataFrame:
    """Students not acknowledged in any of the last ``last_k`` activities they took part in.

    Parameters
    ----------
    table : DataFrame
        An :func:`acknowledgements` table (only activities whose class has started by the
        moment it was computed for should be in it).
    activities : DataFrame
        The activities table (for their order in time).

    Returns
    -------
    DataFrame
        ``course_id, student_id, name, activities_considered`` (ids of their last
        ``last_k`` participated activities, most recent first), ``last_acknowledged``
        (the most recent activity in which they were acknowledged, or None).

    Examples
    --------
    >>> from asyncmon import acknowledgements, load_sample
    >>> data = load_sample()
    >>> flagged = unacknowledged_students(acknowledgements(data), data.activities)
    >>> "1016" in set(flagged.student_id)   # the BIO101 student nobody ever acknowledges
    True
    """
    k = thresholds.last_k
    windows = overlooked_windows(table, activities, k=k)
    rows = []
    for (course, student), g in windows.groupby(["course_id", "student_id"]):
        if not g["overlooked"].iloc[-1]:  # their latest participation ends no such run
            continue
        acked = g.loc[g["acknowledged"].astype(bool), "activity_id"]
        rows.append(
            {
                "course_id": course,
                "student_id": student,
                "name": g["name"].iloc[0],
                "activities_considered": g["activity_id"].tail(k).tolist()[::-1],
                "last_acknowledged": acked.iloc[-1] if len(acked) else None,
            }
        )
    return pd.DataFrame(
        rows,
        columns=["course_id", "student_id", "name", "activities_considered", "last_acknowledged"],
    )


def acknowledgement_spread(
    table: pd.DataFrame, *, thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> pd.DataFrame:
    """How evenly acknowledgement is spread, per activity.

    The earliest posters are the first ``earliest_share`` (default a quarter, at least one)
    of the students taking part by the moment, by first post time.

    Returns
    -------
    DataFrame
        ``course_id, activity_id, earliest`` (how many earliest posters),
        ``rate_earliest`` (share of them acknowledged), ``rate_rest`` (share of the others
        acknowledged), ``share_to_earliest`` (share of all acknowledged students who are
        earliest posters; NaN when nobody was acknowledged).

    Examples
    --------
    >>> from asyncmon import acknowledgements, load_sample
    >>> s = acknowledgement_spread(acknowledgements(load_sample()))
    >>> float(s.loc[0, "rate_earliest"]), round(float(s.loc[0, "rate_rest"]), 2)
    (1.0, 0.27)
    """
    rows = []
    for (course, activity), g in table.groupby(["course_id", "activity_id"], sort=False):
        part = g[g["participating_as_of"]].sort_values(["first_post_at", "student_id"])
        if part.empty:
            continue
        n = max(1, round(len(part) * thresholds.earliest_share))
        early, rest = part.head(n), part.iloc[n:]
        acked = int(part["acknowledged"].sum())
        rows.append(
            {
                "course_id": course,
                "activity_id": activity,
                "earliest": n,
                "rate_earliest": float(early["acknowledged"].mean()),
                "rate_rest": float(rest["acknowledged"].mean()) if len(rest) else float("nan"),
                "share_to_earliest": int(early["acknowledged"].sum()) / acked
                if acked
                else float("nan"),
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "course_id",
            "activity_id",
            "earliest",
            "rate_earliest",
            "rate_rest",
            "share_to_earliest",
        ],
    )


def acknowledgement_queue(
    data: ClassData,
    table: pd.DataFrame,
    course_id: str,
    activity_id: str,
    *,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    snippet_chars: int = 160,
) -> pd.DataFrame:
    """Whom to acknowledge next in one activity, most urgent first.

    The students who took part by the moment and are not yet acknowledged, ordered by:
    first, those not acknowledged in any of their previous activities for the longest run
    (``unacknowledged_streak``: how many of their earlier participated activities in a row
    went unacknowledged); then who has waited longest (earliest first post).

    Returns
    -------
    DataFrame
        ``rank, student_id, name, status, first_post_at, waiting_hours`` (from the first
        post to the moment), ``unacknowledged_streak``, ``post_id`` and ``snippet`` (the
        start of their first post, plain text), ``posts``, ``link`` (that post's address
        in the LMS when the schedule gives the activity's ``url``, else None; see
        :func:`~asyncmon.sources.links.post_url`).

    Examples
    --------
    >>> from asyncmon import acknowledgements, load_sample
    >>> data = load_sample()
    >>> q = acknowledgement_queue(data, acknowledgements(data), "BIO101", "w2")
    >>> print(q.loc[[0], ["rank", "name", "unacknowledged_streak"]].to_string(index=False))
     rank              name  unacknowledged_streak
        1 Mohammed Al-Sayed                      1
    """
    mine = table[(table["course_id"] == course_id) & (table["activity_id"] == activity_id)]
    waiting = mine[mine["participating_as_of"] & ~mine["acknowledged"]].copy()
    acts = data.activities[data.activities["course_id"] == course_id]
    start = acts.set_index("activity_id").loc[activity_id, "class_starts_at"]
    earlier = table.merge(acts[["activity_id", "class_starts_at"]], on="activity_id")
    earlier = earlier[
        (earlier["course_id"] == course_id)
        & (earlier["class_starts_at"] < start)
        & earlier["participating_as_of"]
    ]
    streaks = {}
    for student, g in earlier.groupby("student_id"):
        streak = 0
        for acked in g.sort_values("class_starts_at", ascending=False)["acknowledged"]:
            if acked:
                break
            streak += 1
        streaks[student] = streak
    waiting["unacknowledged_streak"] = waiting["student_id"].map(streaks).fillna(0).astype(int)
    waiting["waiting_hours"] = (waiting["as_of_at"] - waiting["first_post_at"]) / _HOUR
    posts = data.posts[
        (data.posts["course_id"] == course_id)
        & (data.posts["activity_id"] == activity_id)
        & ~data.posts["deleted"]
    ]
    first = posts.sort_values(["created_at", "post_id"]).drop_duplicates("author_id")
    first = first.set_index("author_id")
    waiting["post_id"] = waiting["student_id"].map(first["post_id"])
    waiting["snippet"] = (
        waiting["student_id"].map(first["body"]).map(lambda text: _snippet(text, snippet_chars))
    )
    address = acts.set_index("activity_id").loc[activity_id, "url"]
    waiting["link"] = [
        post_url(address, first.at[a, "source"], first.at[a, "thread_id"], first.at[a, "post_id"])
        if a in first.index
        else None
        for a in waiting["student_id"]
    ]
    waiting = waiting.sort_values(
        ["unacknowledged_streak", "first_post_at", "student_id"], ascending=[False, True, True]
    )
    waiting.insert(0, "rank", range(1, len(waiting) + 1))
    return waiting[
        [
            "rank",
            "student_id",
            "name",
            "status",
            "first_post_at",
            "waiting_hours",
            "unacknowledged_streak",
            "post_id",
            "snippet",
            "posts",
            "link",
        ]
    ].reset_index(drop=True)


def _snippet(text: object, limit: int) -> str:
    if not isinstance(text, str):
        return ""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"
