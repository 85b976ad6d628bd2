"""A snapshot: a class's data seen from one moment, every figure computed at most once.

The teacher's page, the brief, ``asyncmon metrics`` and the coordinator's view all read
the same tables (acknowledgements as of a moment, the activity summary, the question
groups, the concepts). They get them from a :class:`Snapshot`, which computes each on
first use and keeps it: one page of one activity computes the acknowledgements of its
course once, and the brief reuses what the page already has. Tables are per course, or
of the whole workspace with ``course_id=None`` (the metrics document, the coordinator).
A snapshot never changes: when the workspace changes, make a new one.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pandas as pd

from .coverage import acknowledgements
from .planning import activity_summary
from .tables import ClassData
from .thresholds import DEFAULT_THRESHOLDS, Thresholds

__all__ = ["Snapshot", "known_at"]


def known_at(data: ClassData, moment: pd.Timestamp) -> ClassData:
    """The data as it stood at ``moment``: posts written and reactions made by then."""
    posts = data.posts[data.posts["created_at"] <= moment]
    r = data.reactions
    when = r["created_at"].fillna(r["exported_at"])
    return data.replace(
        posts=posts.reset_index(drop=True), reactions=r[when <= moment].reset_index(drop=True)
    )


class Snapshot:
    """The data of a workspace as known at ``now``, with its figures computed once.

    Parameters
    ----------
    data : ClassData
        Everything loaded; only posts and reactions made by ``now`` are kept.
    now : datetime, optional
        The moment looked from (default: the real now).
    thresholds : Thresholds
    method : str, default "auto"
        Question grouping method.
    engine : str, default "pandas"
        Dataframe engine of the acknowledgement tables.
    known_only : bool, default True
        Keep only what was written by ``now`` (a page looking from a moment). A report
        over everything imported (metrics, coordinator) passes False.

    Examples
    --------
    >>> from asyncmon import load_sample
    >>> s = Snapshot(load_sample(), now=pd.Timestamp("2025-03-01T00:00Z"), method="tfidf")
    >>> s.table("BIO101", None) is s.table("BIO101", None)
    True
    """

    def __init__(
        self,
        data: ClassData,
        *,
        now: datetime | None = None,
        thresholds: Thresholds = DEFAULT_THRESHOLDS,
        method: str = "auto",
        engine: str = "pandas",
        known_only: bool = True,
    ):
        self.now = pd.Timestamp(now) if now is not None else pd.Timestamp.now(tz="UTC")
        self.data = known_at(data, self.now) if known_only else data
        self.thresholds = thresholds
        self.method = method
        self.engine = engine
        self._memo: dict[tuple, Any] = {}
        self._lock = threading.Lock()

    def _once(self, key: tuple, compute: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._memo:
                return self._memo[key]
        value = compute()
        with self._lock:
            return self._memo.setdefault(key, value)

    def course(self, course_id: str | None) -> ClassData:
        """The data of one course (``None``: all of it)."""
        if course_id is None:
            return self.data
        return self._once(("course", course_id), lambda: self.data.for_course(course_id))

    def table(self, course_id: str | None, as_of: datetime | None) -> pd.DataFrame:
        """:func:`~asyncmon.acknowledgements` of a course (``None``: every course) as of
        ``as_of`` (``None``: each activity's class start)."""
        return self._once(
            ("table", course_id, as_of),
            lambda: acknowledgements(
                self.course(course_id), as_of=as_of, thresholds=self.thresholds, engine=self.engine
            ),
        )

    def summary(self, course_id: str | None, as_of: datetime | None) -> pd.DataFrame:
        """:func:`~asyncmon.planning.activity_summary` of a course as of ``as_of``."""
        return self._once(
            ("summary", course_id, as_of),
            lambda: activity_summary(
                self.course(course_id),
                as_of=as_of,
                thresholds=self.thresholds,
                table=self.table(course_id, as_of),
            ),
        )

    def groups(self, course_id: str | None, activity_id: str | None) -> pd.DataFrame:
        """Question groups (corrections applied) of an activity, or of every activity of
        a course or of the workspace when ``None``."""
        from .questions import question_groups

        return self._once(
            ("groups", course_id, activity_id),
            lambda: question_groups(
                self.course(course_id), activity_id=activity_id, method=self.method
            ),
        )

    def recurrence(self, course_id: str | None, activity_id: str | None = None) -> pd.DataFrame:
        """:func:`~asyncmon.followup.gap_recurrence` of a course (``None``: every course),
        optionally of one activity, from the question groups this snapshot holds."""
        from .followup import gap_recurrence

        return self._once(
            ("recurrence", course_id, activity_id),
            lambda: gap_recurrence(
                self.course(course_id),
                course_id=course_id,
                activity_id=activity_id,
                method=self.method,
                groups_of=lambda c, a: self.groups(c, a),
            ),
        )

    def concepts(self, course_id: str, activity_id: str) -> list[tuple[str, int]]:
        """Concepts the activity's questions name, with how many students asked."""
        from .questions import concept_counts

        return self._once(
            ("concepts", course_id, activity_id),
            lambda: concept_counts(
                self.course(course_id), course_id=course_id, activity_id=activity_id
            ),
        )
