"""What every source parser gives back: post and reaction records with their provenance,
and the context (course zones, the activity named on the command line) it reads them in."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

import pandas as pd

from .report import SourceReport


@dataclass(frozen=True)
class ReadContext:
    """What a parser needs besides the file.

    Attributes
    ----------
    zones : dict of course_id to ZoneInfo
        The zone of every course in the schedule (local times are read in it).
    activities : set of (course_id, activity_id)
        The activities in the schedule.
    course_id, activity_id : str or None
        The course and activity an LMS export is imported for (one forum or topic is one
        activity).
    teachers : dict of course_id to list of person ids
        Teachers of each course (to attribute a Canvas export's own likes).
    exported_by : str or None
        Person id of whoever took the export (their likes are in Canvas ``entry_ratings``).
    exported_at : datetime
        When the export was taken; reactions of unknown time count as of then.
    date_order : {'dmy', 'mdy'} or None
        How spreadsheet dates such as ``16/02/2025`` are read; ``None`` lets each file's
        own dates decide.
    usual_date_order : (order, file name) or None
        The order the schedule of the same import showed; a file whose own dates could be
        read either way takes it.
    """

    zones: dict[str, ZoneInfo]
    activities: frozenset[tuple[str, str]]
    course_id: str | None
    activity_id: str | None
    teachers: dict[str, list[str]]
    exported_by: str | None
    exported_at: datetime
    date_order: str | None = None
    usual_date_order: tuple[str, str] | None = None


@dataclass
class Parsed:
    """Records read from one file, one report per table they feed.

    Posts come as records (dicts with ``_report`` and ``_row``) or, from a parser that
    reads columns, as ``post_table``: a frame of the posts table's columns (ids and texts
    missing as ``None``, times as UTC) and ``_row``, every row of ``reports[0]``.
    """

    posts: list[dict] = field(default_factory=list)
    reactions: list[dict] = field(default_factory=list)
    reports: list[SourceReport] = field(default_factory=list)
    post_table: pd.DataFrame | None = None


def text_id(value: object) -> str | None:
    """An id as text: ints and digit strings alike; ``None`` for empty; raise otherwise."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError("is true/false, not an id")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str):
        stripped = value.strip()
        return stripped or None
    raise ValueError("is not a number or text")


def edit_time(
    report: SourceReport,
    row: int,
    column: str,
    raw: str | None,
    created: datetime,
    parse: Callable[[str], tuple[datetime, str | None]],
) -> datetime | None:
    """A post's edit time, one rule for every source: none when the field is empty, when
    it is not after the post was written (an edit at the moment of writing is no edit),
    or when it cannot be read, which is warned about and the post kept.

    >>> from datetime import UTC
    >>> r = SourceReport("posts.csv", "csv")
    >>> made = datetime(2025, 3, 3, 10, tzinfo=UTC)
    >>> read = lambda s: (datetime.fromisoformat(s), None)
    >>> edit_time(r, 2, "edited_at", "2025-03-03T11:00:00+00:00", made, read).hour
    11
    >>> edit_time(r, 3, "edited_at", "2025-03-03T10:00:00+00:00", made, read) is None
    True
    >>> edit_time(r, 4, "edited_at", "soon", made, read), str(r.warnings[0])[:38]
    (None, 'posts.csv row 4, column edited_at: Inv')
    """
    if raw is None or not raw.strip():
        return None
    try:
        edited, _ = parse(raw)
    except ValueError as exc:
        report.warn(row, column, raw, f"{exc}; the edit time is left empty")
        return None
    return edited if edited > created else None
