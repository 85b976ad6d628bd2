"""Reading the time formats found in sources, always to timezone-aware UTC.

Local wall-clock times (schedules, Moodle's "human-readable" dates, template rows without
an offset) are read in the course's IANA zone; a time that does not exist there (skipped by
a daylight-saving change) is an error, a time that occurs twice (the repeated hour in
autumn) is read as its first occurrence and reported.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import numpy as np

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


#: The shapes :func:`parse_times` reads in bulk, by length once stripped: date ``T`` or
#: space, hours and minutes, then optional seconds and an optional ``Z`` or ``+hh:mm``.
_BULK_SHAPES = {
    16: (False, ""),  # 2025-02-04 15:15
    17: (False, "Z"),  # 2025-02-04T14:15Z
    19: (True, ""),  # 2025-02-04 15:15:00
    20: (True, "Z"),  # 2025-02-04T14:15:00Z
    22: (False, "+"),  # 2025-02-04T15:15+01:00
    25: (True, "+"),  # 2025-02-04T15:15:00+01:00
}
_WIDTH = max(_BULK_SHAPES)


def parse_times(
    texts: Sequence[str], zones: Sequence[ZoneInfo], order: str | None = None
) -> tuple[np.ndarray, dict[int, str], dict[int, str]]:
    """:func:`parse_time` over many values at once: the same results and the same messages.

    ``zones[i]`` is the zone ``texts[i]`` is read in when it has no offset. The usual ISO
    shapes (``2025-02-04T14:15:00Z``, ``2025-02-04 15:15``, with seconds or an offset)
    are read as arrays; any other value, and any value these find wrong (no such date, an
    implausible year, a local time skipped or repeated by a daylight-saving change), is
    read by :func:`parse_time` itself, so that its message is the one given.

    Returns
    -------
    (times, errors, notes)
        ``times``: ``datetime64[us]`` in UTC, ``NaT`` where the value is not a time;
        ``errors``: position to the message of each value that is not one; ``notes``:
        position to the note of each local time that occurs twice.
    """
    n = len(texts)
    times = np.full(n, np.datetime64("NaT"), dtype="datetime64[us]")
    errors: dict[int, str] = {}
    notes: dict[int, str] = {}
    if not n:
        return times, errors, notes
    stripped = [t.strip() for t in texts]
    lengths = np.fromiter(map(len, stripped), dtype=np.int64, count=n)
    fast = np.isin(lengths, list(_BULK_SHAPES))
    chars = np.array(stripped, dtype=f"U{_WIDTH}").view(np.uint32).reshape(n, _WIDTH)
    digit = (chars >= ord("0")) & (chars <= ord("9"))
    value = chars.astype(np.int64) - ord("0")

    def number(start: int, width: int) -> np.ndarray:
        fast[:] &= digit[:, start : start + width].all(axis=1)
        out = np.zeros(n, dtype=np.int64)
        for k in range(width):
            out = out * 10 + value[:, start + k]
        return out

    year, month, day = number(0, 4), number(5, 2), number(8, 2)
    hour, minute = number(11, 2), number(14, 2)
    fast &= (chars[:, 4] == ord("-")) & (chars[:, 7] == ord("-")) & (chars[:, 13] == ord(":"))
    fast &= (chars[:, 10] == ord("T")) | (chars[:, 10] == ord(" "))
    second = np.zeros(n, dtype=np.int64)
    offset = np.zeros(n, dtype=np.int64)  # minutes east of UTC
    local = np.zeros(n, dtype=bool)
    for length, (seconds, zone_mark) in _BULK_SHAPES.items():
        shaped = fast & (lengths == length)
        if not shaped.any():
            continue
        ok = np.ones(n, dtype=bool)
        if seconds:
            ok &= (chars[:, 16] == ord(":")) & digit[:, 17:19].all(axis=1)
            second = np.where(shaped, value[:, 17] * 10 + value[:, 18], second)
        tail = 19 if seconds else 16
        if zone_mark == "Z":
            ok &= chars[:, tail] == ord("Z")
        elif zone_mark == "+":
            sign = np.where(chars[:, tail] == ord("-"), -1, 1)
            ok &= (chars[:, tail] == ord("+")) | (chars[:, tail] == ord("-"))
            ok &= digit[:, tail + 1 : tail + 3].all(axis=1) & (chars[:, tail + 3] == ord(":"))
            ok &= digit[:, tail + 4 : tail + 6].all(axis=1)
            off_h = value[:, tail + 1] * 10 + value[:, tail + 2]
            off_m = value[:, tail + 4] * 10 + value[:, tail + 5]
            ok &= (off_h <= 23) & (off_m <= 59)
            offset = np.where(shaped, sign * (off_h * 60 + off_m), offset)
        else:
            local |= shaped
        fast &= ~shaped | ok
    low, high = PLAUSIBLE_YEARS
    fast &= (year >= low) & (year <= high) & (month >= 1) & (month <= 12)
    fast &= (hour <= 23) & (minute <= 59) & (second <= 59) & (day >= 1)
    months = np.where(fast, (year - 1970) * 12 + month - 1, 0).astype("datetime64[M]")
    first_day = months.astype("datetime64[D]")
    fast &= day <= ((months + 1).astype("datetime64[D]") - first_day).astype(np.int64)
    naive = (
        first_day.astype("datetime64[us]")
        + ((day - 1) * 86_400 + hour * 3600 + minute * 60 + second).astype("timedelta64[s]")
    ).astype("datetime64[us]")
    aware = fast & ~local
    times[aware] = naive[aware] - offset[aware].astype("timedelta64[m]")
    at = np.flatnonzero(fast & local)
    if at.size:
        import pandas as pd

        codes, found = pd.factorize(pd.Series([zones[i] for i in at.tolist()], dtype=object))
        for code, tz in enumerate(found):
            where = at[codes == code]
            placed = pd.DatetimeIndex(naive[where]).tz_localize(
                tz, ambiguous="NaT", nonexistent="NaT"
            )
            times[where] = placed.tz_convert("UTC").tz_localize(None).to_numpy("datetime64[us]")
    fast[at] = ~np.isnat(times[at])  # skipped or repeated: told by parse_time below
    for i in np.flatnonzero(~fast).tolist():
        try:
            moment, note = parse_time(texts[i], zones[i], order)
        except ValueError as exc:
            errors[i] = str(exc)
            times[i] = np.datetime64("NaT")
            continue
        times[i] = np.datetime64(moment.replace(tzinfo=None), "us")
        if note:
            notes[i] = note
    return times, errors, notes


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
