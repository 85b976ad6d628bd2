"""Reading the time formats found in sources, always to timezone-aware UTC.

Local wall-clock times (schedules, Moodle's "human-readable" dates, template rows without
an offset) are read in the course's IANA zone; a time that does not exist there (skipped by
a daylight-saving change) is an error, a time that occurs twice (the repeated hour in
autumn) is read as its first occurrence and reported.
"""

from __future__ import annotations

import functools
import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

UTC = UTC

ISO_EXAMPLE = "2025-02-04T14:15:00Z or 2025-02-04 15:15 (local time in the course zone)"

_MOODLE_HUMAN_FORMATS = (
    "%A, %d %B %Y, %I:%M %p",  # Tuesday, 4 February 2025, 9:15 AM (strftimedaydatetime)
    "%d %B %Y, %I:%M %p",  # 4 February 2025, 9:15 AM (strftimedatetime)
    "%A, %d %B %Y, %H:%M",  # 24-hour variants
    "%d %B %Y, %H:%M",
)

_EPOCH = re.compile(r"^\s*-?\d{1,12}(\.0+)?\s*$")


#: Years a forum post, a due time or a class can have; anything else is a typing or export
#: error (``0001-01-01`` would otherwise be stored as year 1 and read as "2001").
PLAUSIBLE_YEARS = (1990, 2100)


def plausible(moment: datetime, text: str) -> datetime:
    """Return ``moment`` when its year is plausible; raise ``ValueError`` naming it if not."""
    low, high = PLAUSIBLE_YEARS
    if not low <= moment.year <= high:
        raise ValueError(
            f"{text.strip()!r} is not a plausible date (years {low}-{high}); check the year"
        )
    return moment


class AmbiguousTime(Warning):
    """A local time that occurs twice in its zone; read as the first occurrence."""


@functools.cache
def _zone_names() -> frozenset[str]:
    # 'localtime' (the machine's own setting, read differently elsewhere) and the like
    # are files of the zone database, not zone names
    return frozenset(available_timezones()) - {"localtime", "posixrules", "Factory"}


def zone(name: str) -> ZoneInfo:
    """Return the IANA zone ``name``; raise ``ValueError`` with a fix when unknown."""
    try:
        if not name or name != name.strip() or name not in _zone_names():
            raise ValueError
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError, OSError) as exc:
        raise ValueError(
            f"{name!r} is not an IANA time zone name; use one such as Europe/Amsterdam "
            "or America/New_York"
        ) from exc


def localize(naive: datetime, tz: ZoneInfo) -> tuple[datetime, str | None]:
    """Attach ``tz`` to a wall-clock time and convert it to UTC.

    Returns the UTC time and a note when the local time was ambiguous. Raises
    ``ValueError`` when the local time does not exist in ``tz``.
    """
    first = naive.replace(tzinfo=tz, fold=0)
    second = naive.replace(tzinfo=tz, fold=1)
    if first.utcoffset() == second.utcoffset():
        return first.astimezone(UTC), None
    # The two folds differ: either the hour repeats (ambiguous) or it was skipped.
    back = first.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
    if back != naive:
        raise ValueError(
            f"{naive:%Y-%m-%d %H:%M} does not exist in {tz.key} (clocks skip that hour "
            "for daylight saving); give a time outside the skipped hour or add an offset"
        )
    return first.astimezone(UTC), (
        f"{naive:%Y-%m-%d %H:%M} occurs twice in {tz.key} (clocks go back that night); "
        "read as the first occurrence, add an offset to choose the other"
    )


def parse_time(text: str, tz: ZoneInfo) -> tuple[datetime, str | None]:
    """Read an ISO 8601 instant, or a local wall-clock time in ``tz``, as UTC.

    Accepts ``2025-02-04T14:15:00Z``, ``2025-02-04T15:15:00+01:00`` and local times
    ``2025-02-04 15:15`` (seconds optional). Returns ``(utc_time, note_or_None)``.
    Raises ``ValueError`` with a message naming the accepted forms.
    """
    raw = text.strip()
    try:
        if not re.match(r"^\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}", raw):
            raise ValueError
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"{text!r} is not a date and time; use {ISO_EXAMPLE}") from None
    plausible(parsed, text)
    if parsed.tzinfo is None:
        return localize(parsed, tz)
    return parsed.astimezone(UTC), None


def parse_epoch(text: str) -> datetime:
    """Read Unix epoch seconds (``"1738660500"``) as UTC; raise ``ValueError`` if not."""
    if not _EPOCH.match(text):
        raise ValueError(f"{text!r} is not Unix epoch seconds")
    seconds = int(float(text))
    if not 0 < seconds < 4_102_444_800:  # 1970 .. 2100
        raise ValueError(f"{text!r} is not a plausible Unix time (1970-2100)")
    return plausible(datetime.fromtimestamp(seconds, UTC), text)


def parse_moodle_time(text: str, tz: ZoneInfo) -> tuple[datetime, str | None]:
    """Read a Moodle ``created``/``modified`` value: epoch seconds or a human-readable date.

    Human-readable dates ("Tuesday, 4 February 2025, 9:15 AM") carry no offset: they are
    read in the course zone ``tz``.
    """
    raw = text.strip()
    if _EPOCH.match(raw):
        return parse_epoch(raw), None
    for fmt in _MOODLE_HUMAN_FORMATS:
        try:
            naive = datetime.strptime(raw, fmt)
        except ValueError:
            continue
        return localize(plausible(naive, text), tz)
    raise ValueError(
        f"{text!r} is neither Unix epoch seconds nor an English human-readable Moodle date "
        "such as 'Tuesday, 4 February 2025, 9:15 AM'; export again from Moodle without "
        "'human-readable dates' (or with the site language set to English)"
    )


def format_utc(moment: datetime) -> str:
    """Format an aware time as ``2025-02-04T14:15:00Z`` (the store's text form)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
