"""How values read on pages, briefs and the command line (one rule each, kept here)."""

from __future__ import annotations

__all__ = ["count", "course_label", "hours", "local_time", "percent", "span"]


def course_label(course_id: str, title: object) -> str:
    """A course as people name it: its id, then its title when the schedule gives one.

    >>> course_label("BIO101", "Cell Biology"), course_label("PHYS-9", float("nan"))
    ('BIO101 Cell Biology', 'PHYS-9')
    """
    return f"{course_id} {title}" if isinstance(title, str) and title.strip() else course_id


def span(hours: float) -> str:
    """A duration in words: ``45 min``, ``12 h``, ``3.7 days``.

    >>> span(0.75), span(-12.2), span(88)
    ('45 min', '12 h', '3.7 days')
    """
    hours = abs(hours)
    if hours < 1:
        return f"{hours * 60:.0f} min"
    return f"{hours:.0f} h" if hours < 48 else f"{hours / 24:.1f} days"


def count(n: int, singular: str, plural: str | None = None) -> str:
    """``n`` things in words, thousands separated: ``1 student``, ``1,204 posts``.

    >>> count(1, "student"), count(1204, "post"), count(0, "activity", "activities")
    ('1 student', '1,204 posts', '0 activities')
    """
    return f"{n:,} {singular if n == 1 else plural or singular + 's'}"


def hours(value: float) -> str:
    """A duration in hours as :func:`span` says it, or ``—`` when there is none.

    >>> hours(26.0), hours(float("nan")), hours(None)
    ('26 h', '—', '—')
    """
    return "—" if value is None or value != value else span(value)


def percent(value: float) -> str:
    """A share as a whole percentage, or ``—`` when there is none.

    >>> percent(2 / 3), percent(float("nan"))
    ('67%', '—')
    """
    return "—" if value is None or value != value else f"{value:.0%}"


def local_time(moment: object, timezone: str, *, year: bool = False) -> str:
    """A moment on the course's clock, as every view shows it: ``Tue 11 Mar 09:00`` (with
    the year when asked), or ``—`` when there is none.

    >>> import pandas as pd
    >>> t = pd.Timestamp("2025-03-11T08:00:00Z")
    >>> local_time(t, "Europe/Amsterdam"), local_time(t, "Europe/Amsterdam", year=True)
    ('Tue 11 Mar 09:00', 'Tue 11 Mar 2025 09:00')
    >>> local_time(pd.NaT, "UTC")
    '—'
    """
    import pandas as pd

    if moment is None or pd.isna(moment):
        return "—"
    shown = pd.Timestamp(moment).tz_convert(timezone)
    return shown.strftime("%a %d %b %Y %H:%M" if year else "%a %d %b %H:%M")
