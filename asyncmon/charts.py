"""The page's charts drawn in the kernel as SVG: no JavaScript bundle, nothing per chart.

The teacher's page shows two charts. Drawn here as plain SVG strings they travel as a few
kilobytes of an ``ipywidgets.HTML`` value and are on screen as soon as the value is, where
a plotly ``FigureWidget`` ships plotly's 5 MB bundle per chart. Tooltips are SVG
``<title>`` elements (the browser shows them on hover). Every piece of text, student
names included, goes through :func:`html.escape`; numbers are formatted by us, so a
missing value never reaches the markup as ``NaN``.

Status is never told by colour alone: the palette is Okabe and Ito's, told apart with
every common colour-vision deficiency; each heatmap cell also carries its status's mark
(:data:`STATUS_MARKS`, written in black or white, whichever reads better on the cell),
the timeline's two series have different marker shapes, and both charts have a legend in
words. Each chart is ``role="img"`` with a ``<title>`` that says what it shows in words
(its accessible name).

The plotly figures of :mod:`asyncmon.figures` stay for the coordinator view and the
published report.
"""

from __future__ import annotations

import html

import pandas as pd

from .formatting import local_time

__all__ = [
    "SERIES_COLOURS",
    "STATUS_COLOURS",
    "STATUS_MARKS",
    "STATUS_WORDS",
    "acknowledgement_timeline_svg",
    "contrast",
    "participation_heatmap_svg",
]

#: The colour of each participation status, on every chart (SVG here, plotly elsewhere)
#: and behind it in tables (a tint, :mod:`asyncmon.styling`): Okabe and Ito's palette
#: (blue, orange, vermillion, reddish purple), distinct for readers with any common
#: colour-vision deficiency. Never alone: :data:`STATUS_MARKS` and the words go with it.
STATUS_COLOURS = {
    "on_time": "#0072B2",
    "late": "#E69F00",
    "after_class": "#D55E00",
    "missing": "#CC79A7",
}

#: The mark in each heatmap cell and legend swatch: the status without its colour.
STATUS_MARKS = {
    "on_time": "✓",
    "late": "L",
    "after_class": "A",
    "missing": "✗",
}

#: The timeline's two series (SVG here, plotly in :mod:`asyncmon.figures`): Okabe and
#: Ito's blue and vermillion, each at least 3:1 against white; their markers differ too.
SERIES_COLOURS = {
    "took part": "#0072B2",
    "acknowledged": "#D55E00",
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


def _luminance(colour: str) -> float:
    """The relative luminance of ``#rrggbb`` (WCAG 2)."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(one: str, other: str) -> float:
    """The WCAG 2 contrast ratio of two ``#rrggbb`` colours (1 to 21; AA asks 4.5 of
    text, 3 of large text and of the parts of a chart).

    >>> round(contrast("#000000", "#ffffff"), 1), round(contrast("#0072B2", "#ffffff"), 2)
    (21.0, 5.19)
    """
    light, dark = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _ink(fill: str) -> str:
    """Black or white, whichever text reads better on ``fill``."""
    return max(("#000000", "#ffffff"), key=lambda ink: contrast(ink, fill))


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _empty(message: str, css: str) -> str:
    return f"<p class='am-chart-empty {css}'>{_e(message)}</p>"


def participation_heatmap_svg(
    table: pd.DataFrame, activities: pd.DataFrame, *, title: str = "Participation"
) -> str:
    """Students (rows) × activities (columns), each cell coloured by the student's status
    and marked with it (:data:`STATUS_MARKS`), with a legend in words.

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
        An ``<svg role="img">`` element named by its ``<title>`` (how many students and
        activities, and how many cells of each status); each cell has a ``<title>``
        tooltip "name · activity: status".

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
    >>> svg[svg.index("<title>") :].split("</title>")[0]
    '<title>Participation: 2 students × 2 activities; 2 on time, 1 late, 1 missing'
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
    legend_w = 8 + sum(20 + 7 * len(word) + 14 for word in _LABELS.values())
    width = max(left + len(order) * (_CELL_W + _GAP) + 8, legend_w)
    legend_y = top + len(students) * (_CELL_H + _GAP) + 14
    height = legend_y + 18
    counts = table.loc[table["activity_id"].isin(order), "status"].value_counts()
    tally = ", ".join(
        f"{counts[code]} {word}" for code, word in _LABELS.items() if counts.get(code, 0)
    )
    parts = [
        f"<svg xmlns='http://www.w3.org/2000/svg' class='am-chart am-heatmap' role='img' "
        f"width='{width}' height='{height}' viewBox='0 0 {width} {height}' {_FONT}>",
        f"<title>{_e(title)}: {len(students)} students × {len(order)} activities; {tally}</title>",
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
                + _mark(code, x + _CELL_W / 2, y + 13)
            )
    x = 8
    for code, colour in STATUS_COLOURS.items():
        parts.append(
            f"<rect x='{x}' y='{legend_y - 12}' width='16' height='16' fill='{colour}'/>"
            + _mark(code, x + 8, legend_y)
            + f"<text x='{x + 20}' y='{legend_y}'>{_LABELS[code]}</text>"
        )
        x += 20 + 7 * len(_LABELS[code]) + 14
    parts.append("</svg>")
    return "".join(parts)


def _mark(code: str, x: float, y: float) -> str:
    """A status's mark centred at ``x`` on the baseline ``y``, in the ink that reads on
    its colour (the cell's ``<title>`` under it says the status in words)."""
    return (
        f"<text class='am-mark-{code}' x='{x:g}' y='{y:g}' text-anchor='middle' "
        f"font-weight='bold' fill='{_ink(STATUS_COLOURS[code])}' aria-hidden='true' "
        f"pointer-events='none'>{STATUS_MARKS[code]}</text>"
    )


def _marker(series: str, x: float, y: float, colour: str, inside: str = "") -> str:
    """A point of the timeline: a circle for "took part", a square for "acknowledged"
    (the shapes tell the series apart without their colours)."""
    if series == "took part":
        return f"<circle cx='{x:.1f}' cy='{y:.1f}' r='3' fill='{colour}'>{inside}</circle>"
    return (
        f"<rect x='{x - 3.5:.1f}' y='{y - 3.5:.1f}' width='7' height='7' "
        f"fill='{colour}'>{inside}</rect>"
    )


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
        f"{len(acked)} acknowledged"
        + "".join(f"; {w} {local(m)}" for w, m in (("due", due), ("class", start)) if pd.notna(m))
        + "</title>",
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
    for css, name, times in (
        ("am-step-posted", "took part", posted),
        ("am-step-acknowledged", "acknowledged", acked),
    ):
        if not times:
            continue
        colour = SERIES_COLOURS[name]
        points = [f"{x(times[0]):.1f},{y(0):.1f}"]
        tips = []
        for n, t in enumerate(times, start=1):
            points += [f"{x(t):.1f},{y(n - 1):.1f}", f"{x(t):.1f},{y(n):.1f}"]
            tips.append(
                _marker(name, x(t), y(n), colour, f"<title>{n} {name} by {local(t)}</title>")
            )
        points.append(f"{x(end):.1f},{y(len(times)):.1f}")
        parts.append(
            f"<polyline class='am-step {css}' points='{' '.join(points)}' fill='none' "
            f"stroke='{colour}' stroke-width='2'><title>{name}: {len(times)}</title></polyline>"
        )
        parts += tips
    legend = top + plot_h + 30
    for at, name in ((left, "took part"), (left + 104, "acknowledged")):
        colour = SERIES_COLOURS[name]
        parts.append(
            f"<rect x='{at}' y='{legend - 6}' width='20' height='2' fill='{colour}'/>"
            + _marker(name, at + 10, legend - 5, colour)
            + f"<text x='{at + 24}' y='{legend}'>{name}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)
