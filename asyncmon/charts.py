"""The page's charts drawn in the kernel as SVG: no JavaScript bundle, nothing per chart.

The teacher's page shows two charts; the reply network of an activity is drawn here too.
Drawn as plain SVG strings they travel as a few kilobytes of an ``ipywidgets.HTML`` value
and are on screen as soon as the value is, where a plotly ``FigureWidget`` ships plotly's
5 MB bundle per chart. Tooltips are SVG ``<title>`` elements (the browser shows them on
hover). Every piece of text, student names included, goes through :func:`html.escape`;
numbers are formatted by us, so a missing value never reaches the markup as ``NaN``.

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
import math

import pandas as pd

from .formatting import count, local_time
from .network import reply_network_layout

__all__ = [
    "NETWORK_COLOURS",
    "NETWORK_WORDS",
    "SERIES_COLOURS",
    "STATUS_COLOURS",
    "STATUS_MARKS",
    "STATUS_WORDS",
    "acknowledgement_timeline_svg",
    "contrast",
    "participation_heatmap_svg",
    "reply_network_svg",
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

#: The colour of each kind of person in a reply network, and of the replies they write:
#: students as the timeline's "took part", staff as its "acknowledged", isolated students
#: as "missing". Never alone: each has its shape (circle, diamond, hollow square), staff's
#: replies are dashed, and the legend says it in words.
NETWORK_COLOURS = {
    "student": SERIES_COLOURS["took part"],
    "staff": SERIES_COLOURS["acknowledged"],
    "isolated": STATUS_COLOURS["missing"],
}
#: How the marks of a reply network read in its legend.
NETWORK_WORDS = {
    "student": "student",
    "staff": "teacher or assistant",
    "isolated": "isolated student: nobody else replied to them, or they replied to nobody",
    "student_reply": "a student's replies",
    "staff_reply": "staff's replies (dashed)",
    "width": "wider for more replies; the arrow points at the person replied to",
}
_DASH = "6 3"  # staff's replies
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
        "stroke='#767676'/>",
        f"<line x1='{left}' y1='{top}' x2='{left}' y2='{top + plot_h}' stroke='#767676'/>",
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


def _kind(staff: bool, isolated: bool) -> str:
    if staff:
        return "staff"
    return "isolated" if isolated else "student"


def _shape(kind: str, x: float, y: float) -> str:
    """A person's mark: a circle, a diamond (staff), a hollow square (isolated)."""
    colour = NETWORK_COLOURS[kind]
    if kind == "staff":
        points = f"{x:.1f},{y - 8:.1f} {x + 8:.1f},{y:.1f} {x:.1f},{y + 8:.1f} {x - 8:.1f},{y:.1f}"
        return f"<polygon points='{points}' fill='{colour}'/>"
    if kind == "isolated":
        return (
            f"<rect x='{x - 5:.1f}' y='{y - 5:.1f}' width='10' height='10' fill='#fff' "
            f"stroke='{colour}' stroke-width='2'/>"
        )
    return f"<circle cx='{x:.1f}' cy='{y:.1f}' r='5' fill='{colour}'/>"


def _edge(
    x0: float, y0: float, cx: float, cy: float, x1: float, y1: float, width: float, dash: str
) -> str:
    """A curved reply from (x0, y0) to (x1, y1) bent through (cx, cy), stopped short of the
    mark it points at, with an arrowhead."""

    def towards(ax: float, ay: float, bx: float, by: float, by_px: float) -> tuple[float, float]:
        d = math.hypot(bx - ax, by - ay) or 1.0
        return ax + (bx - ax) * by_px / d, ay + (by - ay) * by_px / d

    sx, sy = towards(x0, y0, cx, cy, 7)
    ex, ey = towards(x1, y1, cx, cy, 9)
    d = math.hypot(ex - cx, ey - cy) or 1.0
    ux, uy = (ex - cx) / d, (ey - cy) / d
    length, half = 6 + width, 3 + width / 2
    bx, by = ex - ux * length, ey - uy * length
    head = (
        f"{ex:.1f},{ey:.1f} {bx - uy * half:.1f},{by + ux * half:.1f} "
        f"{bx + uy * half:.1f},{by - ux * half:.1f}"
    )
    return (
        f"<path d='M{sx:.1f},{sy:.1f} Q{cx:.1f},{cy:.1f} {bx:.1f},{by:.1f}' fill='none' "
        f"stroke-width='{width:g}' stroke-dasharray='{dash}'/>"
        f"<polygon points='{head}' stroke='none'/>"
    )


def reply_network_svg(
    interactions: pd.DataFrame,
    people: pd.DataFrame,
    isolated: pd.DataFrame,
    *,
    title: str = "Who replies to whom",
) -> str:
    """Who replied to whom in one activity: students on a circle, teachers and assistants
    in the middle, a curved arrow per ordered pair (wider for more replies), isolated
    students drawn as hollow squares and named in the legend (never colour alone).

    Above :data:`~asyncmon.network.MOST_PEOPLE_DRAWN` people, only the most connected and
    the isolated students are drawn, and the caption says how many are left out.

    Parameters
    ----------
    interactions : DataFrame
        :func:`~asyncmon.interactions` of one activity.
    people : DataFrame
        The ``people`` table (names and roles).
    isolated : DataFrame
        :func:`~asyncmon.isolated` of the same activity.
    title : str
        Said first by the chart's ``<title>`` and ``aria-label``, before the summary
        ("Replies among 24 people: 31 pairs; 5 students isolated").

    Returns
    -------
    str
        An ``<svg class='am-chart am-network' role='img'>``: a ``<g class='am-edge'>`` per
        pair (``data-replies``, a tooltip "Ben → Ana: 2 replies"), a ``<g class='am-node
        am-student|am-staff|am-isolated'>`` per person (``data-person``, the name, a
        tooltip with the replies received and given), then ``<g class='am-legend'>`` and,
        when people are left out, ``<text class='am-caption'>``. With no reply, a
        ``<p class='am-chart-empty am-network'>`` saying "No replies yet."

    Raises
    ------
    ValueError
        When the frames hold more than one activity.

    Examples
    --------
    >>> from asyncmon import interactions, isolated, load_sample
    >>> data = load_sample()
    >>> where = {"course_id": "BIO101", "activity_id": "w2"}
    >>> svg = reply_network_svg(interactions(data, **where), data.people,
    ...                         isolated(data, **where))
    >>> svg.count("class='am-edge'"), svg.count("class='am-node am-isolated'")
    (32, 11)
    >>> "aria-label='Who replies to whom: Replies among 23 people: 32 pairs; 11 students " \\
    ...     "isolated'" in svg
    True
    >>> reply_network_svg(interactions(data, activity_id="none"), data.people,
    ...                   isolated(data, activity_id="none"))
    "<p class='am-chart-empty am-network'>No replies yet.</p>"
    """
    if interactions.empty:
        return _empty("No replies yet.", "am-network")
    net = reply_network_layout(interactions, people, isolated)
    nodes = net.nodes
    ring = int((~nodes["staff"]).sum())
    radius = max(110.0, ring * 15 / (2 * math.pi))
    chars = min(_NAME_CHARS, max(len(str(name)) for name in nodes["name"]))
    margin = 20 + 6.5 * chars
    legend_w = 16 + 6.5 * max(len(words) for words in NETWORK_WORDS.values())
    width = round(max(2 * (radius + margin), legend_w + 16))
    cx, cy = width / 2, radius + margin
    names = dict(zip(nodes["person_id"], nodes["name"], strict=True))
    legend_y = cy + radius + margin
    height = round(legend_y + 18 * len(NETWORK_WORDS) + (18 if net.caption else 0) + 4)
    summary = f"{title}: {net.summary}"
    parts = [
        f"<svg xmlns='http://www.w3.org/2000/svg' class='am-chart am-network' role='img' "
        f"aria-label='{_e(summary)}' width='{width}' height='{height}' "
        f"viewBox='0 0 {width} {height}' {_FONT}>",
        f"<title>{_e(summary)}</title>",
    ]
    for e in net.edges.itertuples(index=False):
        colour = NETWORK_COLOURS["staff" if e.from_staff else "student"]
        curve = [cx + e.x0 * radius, cy + e.y0 * radius, cx + e.cx * radius]
        curve += [cy + e.cy * radius, cx + e.x1 * radius, cy + e.y1 * radius]
        x0, y0, mx, my, x1, y1 = curve
        parts.append(
            f"<g class='am-edge' data-replies='{int(e.replies)}' stroke='{colour}' "
            f"fill='{colour}' opacity='0.6'><title>{_e(names[e.from_id])} → "
            f"{_e(names[e.to_id])}: {count(int(e.replies), 'reply', 'replies')}</title>"
            f"{_edge(x0, y0, mx, my, x1, y1, e.width, _DASH if e.from_staff else '')}</g>"
        )
    for r in nodes.itertuples(index=False):
        kind = _kind(r.staff, r.isolated)
        x, y = cx + r.x * radius, cy + r.y * radius
        name = str(r.name)
        if r.staff:
            label = (  # on a white halo: the replies cross the middle
                f"<text x='{x:.1f}' y='{y + 20:.1f}' text-anchor='middle' stroke='#fff' "
                "stroke-width='3' paint-order='stroke'>"
            )
        else:
            angle = math.degrees(math.atan2(r.y, r.x))
            lx, ly = cx + r.x * (radius + 10), cy + r.y * (radius + 10)
            right = r.x >= -1e-9
            label = (
                f"<text x='{lx:.1f}' y='{ly:.1f}' dy='0.35em' "
                f"text-anchor='{'start' if right else 'end'}' "
                f"transform='rotate({angle if right else angle - 180:.1f} {lx:.1f} {ly:.1f})'>"
            )
        parts.append(
            f"<g class='am-node am-{kind}' data-person='{_e(r.person_id)}'>"
            f"<title>{_e(name)}: {count(int(r.received), 'reply', 'replies')} received, "
            f"{count(int(r.gave), 'reply', 'replies')} given</title>{_shape(kind, x, y)}"
            f"{label}{_e(_cut(name, _NAME_CHARS))}</text></g>"
        )
    parts.append("<g class='am-legend'>")
    y = legend_y
    for kind, words in NETWORK_WORDS.items():
        if kind in NETWORK_COLOURS:
            mark = _shape(kind, 12, y - 4)
        elif kind == "width":
            mark = "".join(
                f"<line x1='2' y1='{y - dy:.1f}' x2='22' y2='{y - dy:.1f}' stroke='#555' "
                f"stroke-width='{w}'/>"
                for dy, w in ((8, 1), (2, 4))
            )
        else:
            staff = kind == "staff_reply"
            mark = (
                f"<line x1='2' y1='{y - 4:.1f}' x2='22' y2='{y - 4:.1f}' stroke-width='2' "
                f"stroke='{NETWORK_COLOURS['staff' if staff else 'student']}' "
                f"stroke-dasharray='{_DASH if staff else ''}'/>"
            )
        parts.append(f"{mark}<text x='28' y='{y:.1f}'>{_e(words)}</text>")
        y += 18
    parts.append("</g>")
    if net.caption:
        parts.append(f"<text class='am-caption' x='4' y='{y:.1f}'>{_e(net.caption)}</text>")
    parts.append("</svg>")
    return "".join(parts)
