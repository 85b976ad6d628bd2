"""Tables that read well in a notebook: :func:`styled` turns any of the library's
DataFrames into a pandas ``Styler`` with every cell shown as a teacher reads it.

- a participation ``status`` keeps its words ("on time", "late", "after class",
  "missing") and gets a tint of its colour on the charts behind them;
- rates, coverages and shares are percentages; hours read "3.5 h"; times are shown to
  the minute in one time zone, named;
- lists read as "w1, w3"; missing values as "—"; yes/no for True/False;
- every cell and header is HTML-escaped: a student's name or post is shown as written,
  never run as markup.

Only the first ``max_rows`` rows are drawn (a caption says how many there are): a Styler
writes every cell out, so a long table would make the notebook slow to open.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pandas as pd

from .charts import STATUS_COLOURS, STATUS_WORDS

if TYPE_CHECKING:  # the Styler (and Jinja2 under it) is imported on first use
    from pandas.io.formats.style import Styler

__all__ = ["STATUS_STYLES", "styled"]


def _tint(colour: str, keep: float = 0.3) -> str:
    """``colour`` (``#rrggbb``) mixed with white, keeping ``keep`` of it.

    >>> _tint("#000000", keep=0.2), _tint("#2e7d32", keep=1.0)
    ('#cccccc', '#2e7d32')
    """
    channels = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(255 - (255 - c) * keep):02x}" for c in channels)


#: The colour behind each status in a table: a light tint of the status's colour on the
#: charts (:data:`~asyncmon.charts.STATUS_COLOURS`), with dark text; the words carry the
#: meaning, the colour only helps the eye.
STATUS_STYLES = {
    status: f"background-color: {_tint(colour)}; color: #1a1a1a"
    for status, colour in STATUS_COLOURS.items()
}

_PERCENT = re.compile(r"(^|_)(rate|coverage|share)(_|$)")
_MISSING = "—"


def styled(
    frame: pd.DataFrame,
    *,
    max_rows: int = 50,
    timezone: str = "UTC",
    caption: str | None = None,
) -> Styler:
    """``frame`` as a pandas ``Styler`` that reads well in JupyterLab.

    Parameters
    ----------
    frame : DataFrame
        Any table of the library (or any DataFrame).
    max_rows : int, default 50
        Rows drawn; a caption says when there are more (and when there are none).
    timezone : str, default "UTC"
        The zone times are shown in (e.g. the course's, ``data.courses.timezone``).
    caption : str, optional
        Shown above the table (escaped).

    Examples
    --------
    >>> t = pd.DataFrame({"name": ["<b>Ana</b>"], "status": ["on_time"],
    ...     "coverage": [0.5], "waiting_hours": [3.25], "missed": [["w1", "w3"]]})
    >>> out = styled(t).to_html()
    >>> "&lt;b&gt;Ana&lt;/b&gt;" in out and "<b>Ana" not in out
    True
    >>> all(s in out for s in (">on time<", ">50%<", ">3.2 h<", ">w1, w3<"))
    True
    >>> "background-color: " + _tint(STATUS_COLOURS["on_time"]) in out
    True
    """
    if max_rows < 1:
        raise ValueError("max_rows must be at least 1")
    shown = frame.head(max_rows)
    notes = [caption] if caption else []
    if len(frame) > max_rows:
        notes.append(f"First {max_rows} of {len(frame)} rows.")
    elif frame.empty:
        notes.append("No rows.")
    formatters = {column: _formatter(shown[column], column, timezone) for column in shown.columns}
    styler = (
        shown.style.format(formatters)
        .format_index(lambda v: _escape(str(v).replace("_", " ")), axis=1)
        .hide(axis="index")
    )
    if "status" in shown.columns:
        styler = styler.map(lambda v: STATUS_STYLES.get(v, ""), subset=["status"])
    styler = styler.set_table_styles(
        [
            {"selector": "th", "props": "text-align: left; white-space: nowrap"},
            {"selector": "td", "props": "text-align: left; vertical-align: top"},
            {"selector": "caption", "props": "caption-side: top; text-align: left"},
        ]
    )
    if notes:
        styler = styler.set_caption(_escape(" ".join(notes)))
    return styler


def _formatter(values: pd.Series, column: str, timezone: str) -> Callable[[Any], str]:
    """How one column's cells read (escaped), chosen from its name and type."""
    name = str(column)
    if name == "status":
        return lambda v: _or_missing(v, lambda s: _escape(STATUS_WORDS.get(s, str(s))))
    if pd.api.types.is_bool_dtype(values):
        return lambda v: _or_missing(v, lambda b: "yes" if b else "no")
    if pd.api.types.is_datetime64_any_dtype(values):
        zone = _escape(timezone)

        def when(v: Any) -> str:
            stamp = pd.Timestamp(v)
            stamp = stamp.tz_convert(timezone) if stamp.tzinfo else stamp
            return f"{stamp:%Y-%m-%d %H:%M} {zone}"

        return lambda v: _or_missing(v, when)
    if pd.api.types.is_float_dtype(values):
        if _PERCENT.search(name):
            return lambda v: _or_missing(v, lambda x: f"{x:.0%}")
        if "hours" in name:
            return lambda v: _or_missing(v, lambda x: f"{x:.1f} h")
        return lambda v: _or_missing(v, lambda x: f"{x:,.2f}".rstrip("0").rstrip("."))
    if pd.api.types.is_integer_dtype(values):
        return lambda v: _or_missing(v, lambda x: f"{x:,}")
    return lambda v: _or_missing(v, _text)


def _text(value: Any) -> str:
    if isinstance(value, list | tuple | set):
        return _escape(", ".join(str(v) for v in value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    return _escape(str(value))


def _or_missing(value: Any, show: Callable[[Any], str]) -> str:
    if isinstance(value, list | tuple | set | dict):
        return show(value)
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return _MISSING
    return show(value)


def _escape(text: str) -> str:
    return html.escape(text, quote=True)
