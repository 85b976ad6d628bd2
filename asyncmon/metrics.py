"""Every metric of a class as one plain document (what ``asyncmon metrics --json`` prints).

The schema is documented in the README ("The metrics document").
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

import pandas as pd

from .coverage import started_by, unacknowledged_students
from .network import INTERACTION_COLUMNS, ISOLATED_COLUMNS, interactions, isolated
from .participation import repeat_absentees
from .snapshot import Snapshot
from .tables import ClassData
from .thresholds import DEFAULT_THRESHOLDS, Thresholds

__all__ = ["metrics_document"]

# acknowledgements() columns left out of the document: per-moment bookkeeping
_PARTICIPATION_LEFT_OUT = ("as_of_at", "participating_as_of", "substantive_before_class")
ACTIVITY_FIELDS = [
    "course_id",
    "activity_id",
    "title",
    "due_at",
    "class_starts_at",
    "students",
    "participating",
    "on_time",
    "late",
    "after_class",
    "missing",
    "participation_rate",
    "participating_before_class",
    "acknowledged_before_class",
    "coverage_before_class",
    "participating_as_of",
    "acknowledged",
    "coverage",
    "median_hours_to_acknowledgement",
    "substantive_comments_before_class",
    "unknown_time",
    "planning_hours",
    "planning_hours_left",
    "planning_warning",
    "verdict",
    "failed_checks",
    "previous_gap",
    "previous_gap_recurred",
    "previous_gap_students",
    "previous_outcome",
]


def metrics_document(
    data: ClassData,
    *,
    activity_id: str | None = None,
    as_of: datetime | None = None,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    engine: str = "pandas",
    method: str = "auto",
    snapshot: Snapshot | None = None,
) -> dict[str, Any]:
    """All metrics of ``data`` as plain values (times as ISO 8601 UTC, NaN as None).

    Parameters
    ----------
    data : ClassData
    activity_id : str, optional
        Keep only this activity in ``participation``, ``activities``,
        ``question_groups``, ``interactions`` and ``isolated`` (history still counts for
        the flags).
    as_of : datetime, optional
        Acknowledgement counted up to this moment (default: each class start).
    thresholds, engine, method
        As in :func:`~asyncmon.acknowledgements` and :func:`~asyncmon.question_groups`.
    snapshot : Snapshot, optional
        Where the tables come from when already computed (by default one is made here
        over everything imported: see :class:`~asyncmon.snapshot.Snapshot`).

    Returns
    -------
    dict
        ``as_of`` (the moment, or ``"class start"``), ``participation`` (one row per student
        and activity), ``activities`` (one row per activity, ``coverage`` being the coverage
        as of the moment; ``previous_gap``, ``previous_gap_recurred``,
        ``previous_gap_students`` and ``previous_outcome`` close the loop on the course's
        previous activity, see :func:`~asyncmon.followup.gap_recurrence`),
        ``question_groups``, ``repeat_absentees``, ``unacknowledged_students``,
        ``interactions`` (replies per activity and ordered pair of people: ``course_id,
        activity_id, from_id, to_id, replies``, see :func:`~asyncmon.interactions`) and
        ``isolated`` (``course_id, activity_id, student_id, name, received_replies,
        gave_replies``, see :func:`~asyncmon.isolated`).

    Examples
    --------
    >>> from asyncmon import load_sample
    >>> doc = metrics_document(load_sample(), activity_id="w1", method="tfidf")
    >>> len(doc["participation"]), len(doc["activities"])
    (75, 3)
    >>> doc["activities"][0]["verdict"]
    'homework'
    >>> doc["isolated"][0]["name"], doc["isolated"][0]["received_replies"]
    ('Mei Lin Chen', 0)
    """
    snap = snapshot or Snapshot(
        data, now=as_of, thresholds=thresholds, method=method, engine=engine, known_only=False
    )
    table = snap.table(None, as_of)
    summary = snap.summary(None, as_of).merge(
        snap.recurrence(None, activity_id), on=["course_id", "activity_id"], how="left"
    )
    groups = snap.groups(None, activity_id)
    moment = pd.Timestamp(as_of) if as_of is not None else pd.Timestamp.now(tz="UTC")
    history = started_by(table, data.activities, moment)  # by course: ids repeat across courses
    overlooked = unacknowledged_students(history, data.activities, thresholds=thresholds)
    absentees = repeat_absentees(
        data,
        as_of=moment,
        thresholds=thresholds,
        table=table[["course_id", "activity_id", "student_id", "name", "status"]],
    )
    pairs = interactions(data, activity_id=activity_id)
    alone = isolated(data, activity_id=activity_id)
    if activity_id is not None:
        table = table[table["activity_id"] == activity_id]
        summary = summary[summary["activity_id"] == activity_id]
    return {
        "as_of": _plain(pd.Timestamp(as_of)) if as_of is not None else "class start",
        "participation": _records(
            table, [c for c in table.columns if c not in _PARTICIPATION_LEFT_OUT]
        ),
        "activities": _records(summary, ACTIVITY_FIELDS),
        "question_groups": _records(groups, list(groups.columns)),
        "repeat_absentees": _records(absentees, list(absentees.columns)),
        "unacknowledged_students": _records(overlooked, list(overlooked.columns)),
        "interactions": _records(pairs, INTERACTION_COLUMNS),
        "isolated": _records(alone, ISOLATED_COLUMNS),
    }


def _records(frame: pd.DataFrame, fields: list[str]) -> list[dict[str, Any]]:
    return [{f: _plain(row[f]) for f in fields} for _, row in frame.iterrows()]


def _plain(value: Any) -> Any:
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.tz_convert("UTC").strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value
