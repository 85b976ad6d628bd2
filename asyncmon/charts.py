"""The page's charts drawn in the kernel as SVG: no JavaScript bundle, nothing per chart.

The teacher's page shows two charts. Drawn here as plain SVG strings they travel as a few
kilobytes of an ``ipywidgets.HTML`` value and are on screen as soon as the value is, where
a plotly ``FigureWidget`` ships plotly's 5 MB bundle per chart. Tooltips are SVG
``<title>`` elements (the browser shows them on hover). Every piece of text, student
names included, goes through :func:`html.escape`; numbers are formatted by us, so a
missing value never reaches the markup as ``NaN``.

The plotly figures of :mod:`asyncmon.figures` stay for the coordinator view and the
published report.
"""

from __future__ import annotations

import html

import pandas as pd

from .formatting import local_time

__all__ = [
    "STATUS_COLOURS",
    "STATUS_WORDS",
    "acknowledgement_timeline_svg",
    "participation_heatmap_svg",
]

#: The colour of each participation status, on every chart (SVG here, plotly elsewhere).
STATUS_COLOURS = {
    "on_time": "#2e7d32",
    "late": "#f9a825",
    "after_class": "#ef6c00",
    "missing": "#c62828",
}

#: How each participation status reads, wherever it is shown (charts, figures, tables).
STATUS_WORDS = {
    "on_time": "on time",
    "late": "late",
    "after_class": "after class",
    "missing": "missing",
}
_LABELS = STATUS_WORDS
_FONT = "font-family='sans-serif' font-size='12'"
_CELL_W, _CELL_H, _GAP = 34, 18, 2
_NAME_CHARS = 24  # longer names are cut on the axis (the tooltip has them whole)


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _empty(message: str, css: str) -> str:
    return f"<p class='am-chart-empty {css}'>{_e(message)}</p>"


def participation_heatmap_svg(
    table: pd.DataFrame, activities: pd.DataFrame, *, title: str = "Participation"
) -> str:
    """Students (rows) × activities (columns), each cell coloured by the student's status.

    Parameters
    ----------
    table : DataFrame
        A participation (or acknowledgements) table of one course: ``name``,
        ``student_id``, ``activity_id``, ``status``.
    activities : DataFrame
        The course's activities (their order in time).

    Returns
    -------
    str
        An ``<svg>`` element; each cell has a ``<title>`` tooltip "name · activity: status".

    Examples
    --------
    >>> t = pd.DataFrame({"name": ["Ana", "Ana", "<b>Bo</b>", "<b>Bo</b>"],
    ...                   "student_id": ["1", "1", "2", "2"],
    ...                   "activity_id": ["w1", "w2", "w1", "w2"],
    ...                   "status": ["on_time", "late", "missing", "on_time"]})
    >>> a = pd.DataFrame({"activity_id": ["w2", "w1"],
    ...                   "class_starts_at": pd.to_datetime(["2025-02-08", "2025-02-01"])})
    >>> svg = participation_heatmap_svg(t, a)
    >>> svg.count("<rect class='am-cell'")
    4
    >>> "&lt;b&gt;Bo&lt;/b&gt; · w1: missing" in svg
    True
    """
    if table.empty:
        return _empty("No activity is due yet.", "am-heatmap")
    order = [
        a
        for a in activities.sort_values("class_starts_at")["activity_id"]
        if a in set(table["activity_id"])
    ]
    students = (
        table[["student_id", "name"]]
        .drop_duplicates("student_id")
        .sort_values(["name", "student_id"])
        .itertuples(index=False)
    )
    students = list(students)
    status = {(r.student_id, r.activity_id): r.status for r in table.itertuples(index=False)}
    left = 8 + 7 * min(_NAME_CHARS, max(len(str(s.name)) for s in students))
    top = 22
    width = left + len(order) * (_CELL_W + _GAP) + 8
    legend_y = top + len(students) * (_CELL_H + _GAP) + 14
    height = legend_y + 18
    parts = [
        f"<svg xmlns='http://www.w3.org/2000/svg' class='am-chart am-heatmap' role='img' "
        f"width='{width}' height='{height}' viewBox='0 0 {width} {height}' {_FONT}>",
        f"<title>{_e(title)}: {len(students)} students × {len(order)} activities</title>",
    ]
    for j, activity in enumerate(order):
        x = left + j * (_CELL_W + _GAP) + _CELL_W / 2
        parts.append(f"<text x='{x:g}' y='14' text-anchor='middle'>{_e(activity)}</text>")
    for i, s in enumerate(students):
        y = top + i * (_CELL_H + _GAP)
        name = str(s.name)
        parts.append(
            f"<text x='{left - 6}' y='{y + 13}' text-anchor='end'>"
            f"<title>{_e(name)}</title>{_e(_cut(name, _NAME_CHARS))}</text>"
        )
        for j, activity in enumerate(order):
            code = status.get((s.student_id, activity))
            if code not in STATUS_COLOURS:
                continue
            x = left + j * (_CELL_W + _GAP)
            parts.append(
                f"<rect class='am-cell' data-status='{code}' x='{x}' y='{y}' "
                f"width='{_CELL_W}' height='{_CELL_H}' fill='{STATUS_COLOURS[code]}'>"
                f"<title>{_e(name)} · {_e(activity)}: {_LABELS[code]}</title></rect>"
            )
    x = 8
    for code, colour in STATUS_COLOURS.items():
        parts.append(
            f"<rect x='{x}' y='{legend_y - 10}' width='12' height='12' fill='{colour}'/>"
            f"<text x='{x + 16}' y='{legend_y}'>{_LABELS[code]}</text>"
        )
        x += 16 + 7 * len(_LABELS[code]) + 14
    parts.append("</svg>")
    return "".join(parts)


def _steps(times: pd.Series) -> list[pd.Timestamp]:
    return sorted(t for t in times if pd.notna(t))


def acknowledgement_timeline_svg(
    table: pd.DataFrame,
    activity: pd.Series,
    *,
    timezone: str = "UTC",
    width: int = 640,
    height: int = 240,
) -> str:
    """How many students had posted, and had been acknowledged, over time in one activity,
    with the due time and the class start marked.

    Parameters
    ----------
    table : DataFrame
        An acknowledgements table of one activity (``first_post_at``, ``acknowledged``,
        ``acknowledged_at``).
    activity : Series
        The activity's row (``due_at``, ``class_starts_at``).
    timezone : str
        The course's zone, for the times on the axis and in the tooltips.

    Examples
    --------
    >>> t = pd.DataFrame({"first_post_at": pd.to_datetime(["2025-02-01 10:00Z", None]),
    ...                   "acknowledged": [True, False],
    ...                   "acknowledged_at": pd.to_datetime(["2025-02-01 12:00Z", None])})
    >>> a = pd.Series({"due_at": pd.Timestamp("2025-02-02 10:00Z"),
    ...                "class_starts_at": pd.Timestamp("2025-02-03 09:00Z")})
    >>> svg = acknowledgement_timeline_svg(t, a)
    >>> svg.count("class='am-step"), "NaN" in svg
    (2, False)
    """
    posted = _steps(table["first_post_at"])
    acked = _steps(table.loc[table["acknowledged"].astype(bool), "acknowledged_at"])
    if not posted:
        return _empty("Nobody has posted in this activity yet.", "am-timeline")
    due, start = activity["due_at"], activity["class_starts_at"]
    moments = posted + acked + [m for m in (due, start) if pd.notna(m)]
    t0, t1 = min(moments), max(moments)
    span = max((t1 - t0).total_seconds(), 3600.0)
    t0 -= pd.Timedelta(seconds=span * 0.03)
    span *= 1.06
    left, right, top, bottom = 40, 12, 14, 36
    plot_w, plot_h = width - left - right, height - top - bottom
    most = max(len(posted), 1)

    def x(t: pd.Timestamp) -> float:
        return left + plot_w * (t - t0).total_seconds() / span

    def y(n: int) -> float:
        return top + plot_h * (1 - n / most)

    def local(t: pd.Timestamp) -> str:
        return local_time(t, timezone)

    parts = [
        f"<svg xmlns='http://www.w3.org/2000/svg' class='am-chart am-timeline' role='img' "
        f"width='{width}' height='{height}' viewBox='0 0 {width} {height}' {_FONT}>",
        f"<title>Took part and acknowledged over time: {len(posted)} students posted, "
        f"{len(acked)} acknowledged</title>",
        f"<line x1='{left}' y1='{top + plot_h}' x2='{left + plot_w}' y2='{top + plot_h}' "
        "stroke='#999'/>",
        f"<line x1='{left}' y1='{top}' x2='{left}' y2='{top + plot_h}' stroke='#999'/>",
    ]
    for n in sorted({0, most // 2, most}):
        parts.append(
            f"<text x='{left - 6}' y='{y(n) + 4:.1f}' text-anchor='end'>{n}</text>"
            f"<line x1='{left}' y1='{y(n):.1f}' x2='{left + plot_w}' y2='{y(n):.1f}' "
            "stroke='#eee'/>"
        )
    days = pd.date_range(
        t0.tz_convert(timezone).normalize() + pd.Timedelta(days=1),
        (t0 + pd.Timedelta(seconds=span)).tz_convert(timezone),
        freq="D",
    )
    step = max(1, len(days) // 7)
    for day in days[::step]:
        parts.append(
            f"<text x='{x(day):.1f}' y='{top + plot_h + 16}' text-anchor='middle' "
            f"fill='#555'>{day:%a %d}</text>"
        )
    for label, moment, dash in (("due", due, "4 3"), ("class", start, "")):
        if pd.isna(moment):
            continue
        parts.append(
            f"<line class='am-mark' x1='{x(moment):.1f}' y1='{top}' x2='{x(moment):.1f}' "
            f"y2='{top + plot_h}' stroke='#555' stroke-dasharray='{dash}'>"
            f"<title>{label}: {local(moment)}</title></line>"
            f"<text x='{x(moment) + 3:.1f}' y='{top + 10}' fill='#555'>{label}</text>"
        )
    end = t0 + pd.Timedelta(seconds=span)
    for css, name, times, colour in (
        ("am-step-posted", "took part", posted, "#1565c0"),
        ("am-step-acknowledged", "acknowledged", acked, "#2e7d32"),
    ):
        if not times:
            continue
        points = [f"{x(times[0]):.1f},{y(0):.1f}"]
        tips = []
        for n, t in enumerate(times, start=1):
            points += [f"{x(t):.1f},{y(n - 1):.1f}", f"{x(t):.1f},{y(n):.1f}"]
            tips.append(
                f"<circle cx='{x(t):.1f}' cy='{y(n):.1f}' r='3' fill='{colour}'>"
                f"<title>{n} {name} by {local(t)}</title></circle>"
            )
        points.append(f"{x(end):.1f},{y(len(times)):.1f}")
        parts.append(
            f"<polyline class='am-step {css}' points='{' '.join(points)}' fill='none' "
            f"stroke='{colour}' stroke-width='2'><title>{name}: {len(times)}</title></polyline>"
        )
        parts += tips
    legend = top + plot_h + 30
    parts.append(
        f"<rect x='{left}' y='{legend - 9}' width='12' height='3' fill='#1565c0'/>"
        f"<text x='{left + 16}' y='{legend}'>took part</text>"
        f"<rect x='{left + 96}' y='{legend - 9}' width='12' height='3' fill='#2e7d32'/>"
        f"<text x='{left + 112}' y='{legend}'>acknowledged</text>"
    )
    parts.append("</svg>")
    return "".join(parts)
