"""The planning window and the verdict: asynchronous learning, or homework?

The pedagogy (see the README): an asynchronous activity is learning only when the teacher
monitored it, collected data from it (chose the main gap), opens the next class with
feedback on that gap and runs a follow-up activity. Otherwise it is homework. The plan
parts come from the teacher's plan in the workspace; no plan means those checks fail.
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from .coverage import acknowledgements, coverage
from .participation import STATUSES, class_rates
from .tables import ClassData
from .thresholds import DEFAULT_THRESHOLDS, Thresholds

__all__ = ["FOLLOWUP_KINDS", "GAP_SOURCES", "activity_summary", "planning_window", "verdicts"]

FOLLOWUP_KINDS = ("roleplay", "quick-write", "debate", "other")
#: Where a plan's main gap came from.
GAP_SOURCES = ("question-group", "concept", "free-text")
ASYNC, HOMEWORK = "asynchronous learning", "homework"
_VERDICT_COLUMNS = [
    "monitored",
    "gap_chosen",
    "feedback_on_gap",
    "followup_planned",
    "verdict",
    "failed_checks",
]
_HOUR = pd.Timedelta(hours=1)


def planning_window(
    data: ClassData,
    *,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    table: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Time between the due time and class to collect data and plan, per activity.

    ``table``, a :func:`~asyncmon.participation` table of every activity already computed,
    gives each student's first post (``first_post_at``) without reading the posts.

    Returns
    -------
    DataFrame
        ``course_id, activity_id, due_at, class_starts_at``, ``planning_hours`` (class
        start minus due), ``data_in_at`` (when ``data_in_share`` of the students who took
        part before class had posted, or the due time if later), ``planning_hours_left``
        (class start minus ``data_in_at``: late posts eat into the window), ``short``
        (under ``min_planning_hours``), ``planning_warning`` (plain words, or None).

    Examples
    --------
    >>> from asyncmon import load_sample
    >>> w = planning_window(load_sample())
    >>> round(float(w.loc[0, "planning_hours"]), 2)
    33.02
    """
    acts = data.activities[["course_id", "activity_id", "due_at", "class_starts_at"]].copy()
    firsts = _first_posts(data) if table is None else table[table["first_post_at"].notna()]
    firsts = firsts[["course_id", "activity_id", "first_post_at"]].merge(
        acts, on=["course_id", "activity_id"]
    )
    firsts = firsts[firsts["first_post_at"] <= firsts["class_starts_at"]]
    data_in = (
        firsts.groupby(["course_id", "activity_id"])["first_post_at"]
        .quantile(thresholds.data_in_share, interpolation="higher")
        .rename("data_in_at")
    )
    acts = acts.merge(data_in.reset_index(), on=["course_id", "activity_id"], how="left")
    acts["data_in_at"] = acts[["due_at", "data_in_at"]].max(axis=1).astype("datetime64[us, UTC]")
    acts["planning_hours"] = (acts["class_starts_at"] - acts["due_at"]) / _HOUR
    acts["planning_hours_left"] = (acts["class_starts_at"] - acts["data_in_at"]) / _HOUR
    minimum = thresholds.min_planning_hours
    acts["short"] = acts["planning_hours_left"] < minimum
    acts["planning_warning"] = pd.Series(
        [
            _planning_warning(total, left, minimum)
            for total, left in zip(acts["planning_hours"], acts["planning_hours_left"])
        ],
        index=acts.index,
        dtype="str",  # text, missing where all is well (even when it is for every activity)
    )
    return acts


def _first_posts(data: ClassData) -> pd.DataFrame:
    """Each roster student's first post (not deleted) per activity: ``course_id,
    activity_id, author_id, first_post_at``."""
    students = data.people.loc[data.people["role"] == "student", ["course_id", "person_id"]]
    posts = data.posts[~data.posts["deleted"]].merge(
        students.rename(columns={"person_id": "author_id"}), on=["course_id", "author_id"]
    )
    return (
        posts.groupby(["course_id", "activity_id", "author_id"])["created_at"]
        .min()
        .rename("first_post_at")
        .reset_index()
    )


def _planning_warning(total: float, left: float, minimum: float) -> str | None:
    if total < minimum:
        return (
            f"Only {total:.0f} h between the due time and class (under {minimum:.0f} h): "
            "move the due time earlier to leave time to read the posts and plan."
        )
    if left < minimum:
        return (
            f"Late posts leave only {left:.0f} h to plan before class (under "
            f"{minimum:.0f} h): most data came in after the due time."
        )
    return None


def verdicts(
    data: ClassData,
    coverage_table: pd.DataFrame,
    *,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> pd.DataFrame:
    """The verdict per activity, with every failed check in plain words.

    The checks: **monitored** (coverage before class at or over ``coverage_needed`` and
    at least ``min_substantive_comments`` students given a substantive comment);
    **gap chosen** (the plan names the main gap); **feedback on the gap** (the plan has
    feedback notes for the chosen gap); **follow-up planned** (the plan names a follow-up
    activity, with a description when it is "other").

    Parameters
    ----------
    data : ClassData
        Its ``plans`` table holds the teachers' plans.
    coverage_table : DataFrame
        A :func:`~asyncmon.coverage` table of the same data.

    Returns
    -------
    DataFrame
        ``course_id, activity_id, monitored, gap_chosen, feedback_on_gap,
        followup_planned`` (booleans), ``verdict`` (``asynchronous learning`` when every
        check passes, else ``homework``), ``failed_checks`` (list of sentences).

    Examples
    --------
    >>> from asyncmon import acknowledgements, coverage, load_sample
    >>> data = load_sample()
    >>> v = verdicts(data, coverage(acknowledgements(data)))
    >>> v.loc[0, "verdict"], len(v.loc[0, "failed_checks"])
    ('homework', 4)
    """
    keys = ["course_id", "activity_id"]
    # every activity has a verdict; one with no students yet had nobody to monitor
    c = _every_activity(data.activities, coverage_table)
    if c.empty:
        return pd.DataFrame([], columns=[*keys, *_VERDICT_COLUMNS])
    plans = c[keys].merge(data.plans, on=keys, how="left")  # one plan per activity (its key)
    gap, feedback, kind, description = (
        [v.strip() if isinstance(v, str) else "" for v in plans[column].tolist()]
        for column in ("gap", "feedback", "followup_kind", "followup_description")
    )
    monitored = c["coverage_ok"].astype(bool).tolist()
    gap_chosen = [bool(g) for g in gap]
    feedback_on_gap = [bool(g and f) for g, f in zip(gap, feedback)]
    followup = [bool(k) and (k != "other" or bool(d)) for k, d in zip(kind, description)]
    # one pass over plain lists (a row object per activity cost 1 s for 50,000)
    before_class = zip(
        *(
            c[column].tolist()
            for column in (
                "participating_before_class",
                "acknowledged_before_class",
                "coverage_before_class",
                "substantive_comments_before_class",
            )
        )
    )
    failed_checks = []
    for ok, counted, g, has_feedback, k, planned in zip(
        monitored, before_class, gap, feedback_on_gap, kind, followup
    ):
        failed = [] if ok else _monitoring_failures(*counted, thresholds=thresholds)
        if not g:
            failed.append(
                "No main gap chosen: pick the question or concept most students struggled with."
            )
        if not has_feedback:
            failed.append(
                "No feedback planned on the gap: note how the next class will open "
                "with feedback on it."
            )
        if not k:
            failed.append(
                "No follow-up activity planned: choose a roleplay, quick write, "
                "debate or another task that uses the feedback."
            )
        elif not planned:
            failed.append("The follow-up activity 'other' needs a description.")
        failed_checks.append(failed)
    verdict = [HOMEWORK if failed else ASYNC for failed in failed_checks]
    values = [monitored, gap_chosen, feedback_on_gap, followup, verdict, failed_checks]
    return pd.DataFrame(
        {
            "course_id": c["course_id"].to_numpy(),
            "activity_id": c["activity_id"].to_numpy(),
            **dict(zip(_VERDICT_COLUMNS, values, strict=True)),
        }
    )


def _every_activity(activities: pd.DataFrame, coverage_table: pd.DataFrame) -> pd.DataFrame:
    """``coverage_table`` with a row for every activity: one the table lacks (a course
    with no students yet) counts 0 students taking part and acknowledged."""
    keys = ["course_id", "activity_id"]
    covered = activities[keys].merge(coverage_table, on=keys, how="left")
    counts = [
        c
        for c in covered.columns
        if c.startswith(("participating_", "acknowledged"))
        or c in ("substantive_comments_before_class", "reaction_only", "unknown_time")
    ]
    covered[counts] = covered[counts].fillna(0).astype(int)
    covered["coverage_ok"] = covered["coverage_ok"].fillna(False).astype(bool)
    return covered


def _monitoring_failures(
    participating: int, acknowledged: int, share: float, substantive: int, *, thresholds: Thresholds
) -> list[str]:
    """Why an activity was not monitored, from its counts before class."""
    failed = []
    if not participating:
        return ["Nobody took part before class, so there was nothing to monitor."]
    if share < thresholds.coverage_needed:
        failed.append(
            f"Not monitored enough: {acknowledged} of {participating} students who took "
            f"part before class ({share:.0%}) were acknowledged before class; aim for "
            f"{thresholds.coverage_needed:.0%} (a reply, or even a thumbs-up)."
        )
    if substantive < thresholds.min_substantive_comments:
        failed.append(
            "No substantive comment before class: reply to at least "
            f"{thresholds.min_substantive_comments} student(s) with more than a few "
            "words."
        )
    return failed


def activity_summary(
    data: ClassData,
    *,
    as_of: datetime | None = None,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    engine: str = "pandas",
    table: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Everything per activity in one table: participation rates, coverage, planning
    window and verdict.

    Parameters
    ----------
    data : ClassData
    as_of : datetime, optional
        Coverage counted up to this moment (default each class start).
    thresholds : Thresholds
    engine : {'pandas', 'polars', 'duckdb', 'pyspark'}
    table : DataFrame, optional
        An :func:`~asyncmon.acknowledgements` table already computed for ``as_of``.

    Returns
    -------
    DataFrame
        ``course_id, activity_id, title, due_at, class_starts_at``, the columns of
        :func:`~asyncmon.class_rates`, of :func:`~asyncmon.coverage` and of
        :func:`planning_window`, then those of :func:`verdicts`. Ordered by course and
        class start.

    Examples
    --------
    >>> from asyncmon import load_sample
    >>> s = activity_summary(load_sample())
    >>> row = s.iloc[0]
    >>> row.activity_id, int(row.participating), float(row.coverage_before_class), row.verdict
    ('w1', 22, 0.45, 'homework')
    """
    table = (
        acknowledgements(data, as_of=as_of, thresholds=thresholds, engine=engine)
        if table is None
        else table
    )
    keys = ["course_id", "activity_id"]
    cov = _every_activity(data.activities, coverage(table, thresholds=thresholds))
    summary = (
        data.activities[keys + ["title"]]
        .merge(class_rates(table), on=keys, how="left")
        .merge(cov, on=keys, how="left")
        .merge(planning_window(data, thresholds=thresholds, table=table), on=keys, how="left")
        .merge(verdicts(data, cov, thresholds=thresholds), on=keys, how="left")
    )
    # an activity of a course with no students yet: its counts are 0 (its rates stay NaN)
    counts = ["students", "participating", "replies_to_peers", *STATUSES]
    summary[counts] = summary[counts].fillna(0).astype(int)
    summary["median_words"] = summary["median_words"].fillna(0.0)
    return summary.sort_values(["course_id", "class_starts_at"]).reset_index(drop=True)
