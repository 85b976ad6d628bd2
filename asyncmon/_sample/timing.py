"""Time: due and class dates, local wall clocks and the formats they are written in."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from .model import _FIRST_DUE_DAY, _CourseSpec, _Schedule

_UTC = UTC

_DAY_NAMES = (
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
)  # fmt: skip
_MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December",
)  # fmt: skip


def _at_local(tz: ZoneInfo, day: date, minute: int) -> datetime:
    """Return the UTC instant of a local wall-clock minute.

    Parameters
    ----------
    tz : ZoneInfo
        The course's zone.
    day : date
        Local calendar day.
    minute : int
        Minutes after local midnight (may exceed a day).

    Returns
    -------
    datetime
        Aware UTC datetime. A wall-clock minute skipped by a daylight-saving
        change is moved one hour later, as a clock on the wall would be.
    """
    wall = datetime(day.year, day.month, day.day) + timedelta(minutes=minute)
    utc = wall.replace(tzinfo=tz).astimezone(_UTC)
    if utc.astimezone(tz).replace(tzinfo=None) != wall:
        utc = (wall + timedelta(hours=1)).replace(tzinfo=tz).astimezone(_UTC)
    return utc


def _schedule(course: _CourseSpec, week: int) -> _Schedule:
    """Due (Sunday 23:59) and class start (the Tuesday after) of one week."""
    tz = ZoneInfo(course.timezone)
    due_day = _FIRST_DUE_DAY + timedelta(weeks=week - 1)
    class_day = due_day + timedelta(days=2)
    return _Schedule(
        tz=tz,
        opens=_at_local(tz, class_day - timedelta(days=7), course.class_minute),
        due=_at_local(tz, due_day, 23 * 60 + 59),
        class_start=_at_local(tz, class_day, course.class_minute),
        due_day=due_day,
        class_day=class_day,
    )


def _evening_minute(rng: random.Random, low: int, high: int) -> int:
    """A minute of the day between low and high, most often in the evening."""
    mode = min(max(20 * 60, low), high)
    return int(rng.triangular(low, high, mode))


def _first_post_time(
    rng: random.Random, schedule: _Schedule, course: _CourseSpec, status: str
) -> datetime:
    """Time of a student's first post, consistent with the planned status."""
    tz, due_day, class_day = schedule.tz, schedule.due_day, schedule.class_day
    if status == "on_time":
        back = rng.choices(range(6), weights=(30, 26, 18, 12, 8, 6))[0]
        low = 7 * 60 + 30 if back < 5 else course.class_minute + 90
        day = due_day - timedelta(days=back)
        return _at_local(tz, day, _evening_minute(rng, low, 23 * 60 + 58))
    if status == "late":
        monday = due_day + timedelta(days=1)
        draw = rng.random()
        if draw < 0.15:  # just past the deadline
            return _at_local(tz, monday, rng.randint(2, 95))
        if draw < 0.8:
            return _at_local(tz, monday, _evening_minute(rng, 7 * 60, 23 * 60 + 50))
        return _at_local(tz, class_day, rng.randint(6 * 60 + 30, course.class_minute - 20))
    days_after = rng.choice((0, 1, 1, 2))
    low = course.class_minute + 120 if days_after == 0 else 8 * 60
    day = class_day + timedelta(days=days_after)
    return _at_local(tz, day, _evening_minute(rng, low, 22 * 60))


def _plan_sessions(rng: random.Random, schedule: _Schedule) -> dict[str, datetime]:
    """When the staff sit down to read the board during one week."""
    tz, due_day = schedule.tz, schedule.due_day
    return {
        "friday": _at_local(tz, due_day - timedelta(days=2), 19 * 60 + 30 + rng.randint(0, 60)),
        "saturday": _at_local(tz, due_day - timedelta(days=1), 14 * 60 + rng.randint(0, 90)),
        "monday": _at_local(tz, due_day + timedelta(days=1), 18 * 60 + 30 + rng.randint(0, 60)),
        "wednesday": _at_local(
            tz, schedule.class_day + timedelta(days=1), 13 * 60 + rng.randint(0, 90)
        ),
    }


def _iso_z(moment: datetime) -> str:
    return moment.astimezone(_UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _local_wall(moment: datetime, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def _moodle_human_date(moment: datetime, tz: ZoneInfo) -> str:
    """Moodle's "human-readable" date, e.g. ``Tuesday, 4 February 2025, 9:15 AM``."""
    local = moment.astimezone(tz)
    hour = local.hour % 12 or 12
    half = "AM" if local.hour < 12 else "PM"
    return (
        f"{_DAY_NAMES[local.weekday()]}, {local.day} {_MONTH_NAMES[local.month - 1]} "
        f"{local.year}, {hour}:{local.minute:02d} {half}"
    )
