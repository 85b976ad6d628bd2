"""Reading the time formats found in sources, always to timezone-aware UTC.

Local wall-clock times (schedules, Moodle's "human-readable" dates, template rows without
an offset) are read in the course's IANA zone; a time that does not exist there (skipped by
a daylight-saving change) is an error, a time that occurs twice (the repeated hour in
autumn) is read as its first occurrence and reported.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
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

#: How a numeric date written the spreadsheet way (``16/02/2025 14:15``, ``16.02.2025``,
#: ``02-16-2025``) is read: day first or month first. ISO dates need no order.
DATE_ORDERS = ("dmy", "mdy")
_ORDER_WORDS = {
    "dmy": "day first (16/02/2025 is 16 February)",
    "mdy": "month first (02/16/2025 is 16 February)",
}
_NUMERIC = re.compile(r"^(\d{1,2})([/.\-])(\d{1,2})\2(\d{4}),?[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?$")


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


def numeric_parts(text: str) -> tuple[int, int, str] | None:
    """The first two numbers of a spreadsheet-style date and the date itself
    (``16/02/2025 14:15`` gives ``(16, 2, "16/02/2025 14:15")``), or ``None`` when ``text``
    is not one."""
    found = _NUMERIC.match(text.strip())
    return (int(found[1]), int(found[3]), found[0]) if found else None


def date_order_of(
    values: Iterable[str], told: str | None = None, usual: tuple[str, str] | None = None
) -> tuple[str | None, str]:
    """Decide how the spreadsheet-style dates among ``values`` (one file) are read.

    ``told`` (``"dmy"`` or ``"mdy"``, from ``--date-order``) wins. Otherwise a first number
    above 12 means day first, a second above 12 month first; a file whose dates could be
    either takes ``usual``, the order another file of the same import showed, given as
    ``(order, file name)``. Returns the order (``None`` when it stays open: each such date
    is then refused with the fix) and a sentence saying which reading was used, empty when
    the file has no such date.
    """
    parts = [p for p in map(numeric_parts, values) if p is not None]
    if not parts:
        return told, ""
    example = parts[0][2]
    if told is not None:
        return told, f"dates such as {example} read {_ORDER_WORDS[told]}, as told"
    day_first = [p[2] for p in parts if p[0] > 12]
    month_first = [p[2] for p in parts if p[1] > 12]
    if day_first and month_first:
        return None, (
            f"the file has both day-first ({day_first[0]}) and month-first "
            f"({month_first[0]}) dates; write them one way (or as 2025-02-16 14:15)"
        )
    if day_first or month_first:
        order, shown, other = (
            ("dmy", day_first, "mdy") if day_first else ("mdy", month_first, "dmy")
        )
        return order, (
            f"dates such as {example} read {_ORDER_WORDS[order]}, since {shown[0]} can only "
            f"be read so; pass --date-order {other} if that is wrong"
        )
    if usual is not None:
        order, source = usual
        return order, (
            f"dates such as {example} read {_ORDER_WORDS[order]}, as in {source}; pass "
            f"--date-order {'mdy' if order == 'dmy' else 'dmy'} if that is wrong"
        )
    return None, (
        f"every date such as {example} could be day or month first; pass --date-order "
        "dmy (day first) or mdy (month first), or write 2025-02-16 14:15"
    )


def _numeric_time(raw: str, order: str | None) -> datetime:
    found = _NUMERIC.match(raw)
    assert found is not None
    first, second = int(found[1]), int(found[3])
    if order not in DATE_ORDERS:
        raise ValueError(
            f"{raw!r} could be day or month first; pass --date-order dmy or mdy, or write "
            "it as 2025-02-16 14:15"
        )
    day, month = (first, second) if order == "dmy" else (second, first)
    try:
        return datetime(int(found[4]), month, day, int(found[5]), int(found[6]), int(found[7] or 0))
    except ValueError:
        raise ValueError(
            f"{raw!r} is not a date when read {_ORDER_WORDS[order]}; correct it or write "
            "it as 2025-02-16 14:15"
        ) from None


def parse_time(text: str, tz: ZoneInfo, order: str | None = None) -> tuple[datetime, str | None]:
    """Read an ISO 8601 instant, or a local wall-clock time in ``tz``, as UTC.

    Accepts ``2025-02-04T14:15:00Z``, ``2025-02-04T15:15:00+01:00`` and local times
    ``2025-02-04 15:15`` (seconds optional); with ``order`` (``"dmy"`` or ``"mdy"``, see
    :func:`date_order_of`) also spreadsheet dates such as ``04/02/2025 15:15``. Returns
    ``(utc_time, note_or_None)``. Raises ``ValueError`` with a message naming the
    accepted forms.
    """
    raw = text.strip()
    if _NUMERIC.match(raw):
        return localize(plausible(_numeric_time(raw, order), text), tz)
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
