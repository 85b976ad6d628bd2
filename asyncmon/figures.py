"""Plotly figures drawn from the metric frames (they compute nothing of their own).

Every piece of text that comes from users (names, question labels) is HTML-escaped before
it reaches plotly, which renders a subset of HTML (including links) in labels.
"""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go

from .charts import (
    NETWORK_COLOURS,
    NETWORK_WORDS,
    SERIES_COLOURS,
    STATUS_COLOURS,
    STATUS_MARKS,
    STATUS_WORDS,
)
from .formatting import count
from .network import reply_network_layout
from .thresholds import DEFAULT_THRESHOLDS, Thresholds

__all__ = [
    "STATUS_COLOURS",
    "acknowledgement_timeline",
    "coverage_chart",
    "participation_heatmap",
    "question_groups_chart",
    "reply_network_figure",
]

_STATUS_LABELS = STATUS_WORDS


def plotly_text(text: object) -> str:
    """User text made safe for a plotly label, which renders a subset of HTML: ``<``,
    ``>`` and ``&`` escaped, and quotes as numeric entities (plotly decodes those, but
    shows a named ``&quot;`` as it is).

    >>> print(plotly_text('Ana "<b>" & co'))
    Ana &#34;&lt;b&gt;&#34; &amp; co
    """
    return html.escape(str(text), quote=False).replace('"', "&#34;").replace("'", "&#39;")


def participation_heatmap(table: pd.DataFrame, activities: pd.DataFrame) -> go.Figure:
    """Students × activities, each cell coloured by the student's status.

    Parameters
    ----------
    table : DataFrame
        A :func:`~asyncmon.participation` (or acknowledgements) table of one course.
    activities : DataFrame
        The activities table (for their order in time).

    Examples
    --------
    >>> from asyncmon import load_sample, participation
    >>> data = load_sample().for_course("BIO101")
    >>> participation_heatmap(participation(data), data.activities).data[0].x
    ('w1', 'w2', 'w3', 'w4', 'w5', 'w6', 'w7')
    """
    order = activities.sort_values("class_starts_at")["activity_id"].tolist()
    order = [a for a in order if a in set(table["activity_id"])]
    codes = {s: i for i, s in enumerate(STATUS_COLOURS)}
    grid = table.pivot_table(
        index="name", columns="activity_id", values="status", aggfunc="first"
    ).reindex(columns=order)
    grid = grid.sort_index(ascending=False)
    z = grid.apply(lambda col: col.map(codes)).to_numpy(dtype=float)
    text = grid.apply(lambda col: col.map(_STATUS_LABELS)).fillna("").to_numpy()
    marks = grid.apply(lambda col: col.map(STATUS_MARKS)).fillna("").to_numpy()
    n = len(STATUS_COLOURS)
    scale = []
    for i, colour in enumerate(STATUS_COLOURS.values()):
        scale += [(i / n, colour), ((i + 1) / n, colour)]
    figure = go.Figure(
        go.Heatmap(
            z=z,
            x=order,
            y=[plotly_text(name) for name in grid.index],
            text=marks,  # each cell's status mark: not by colour alone
            texttemplate="%{text}",
            customdata=text,
            zmin=-0.5,
            zmax=n - 0.5,
            colorscale=scale,
            xgap=2,
            ygap=2,
            hovertemplate="%{y} · %{x}: %{customdata}<extra></extra>",
            colorbar={
                "tickvals": list(range(n)),
                "ticktext": [f"{STATUS_MARKS[s]} {w}" for s, w in _STATUS_LABELS.items()],
                "title": {"text": "status"},
            },
        )
    )
    figure.update_layout(
        title="Participation across activities",
        height=max(300, 22 * len(grid) + 120),
        margin={"l": 160},
    )
    return figure


def acknowledgement_timeline(table: pd.DataFrame, activity: pd.Series) -> go.Figure:
    """Students who posted and students acknowledged, over time, in one activity.

    Parameters
    ----------
    table : DataFrame
        An :func:`~asyncmon.acknowledgements` table of one activity (computed as of a late
        moment to see acknowledgement after class too).
    activity : Series
        The activity's row (``due_at``, ``class_starts_at``).

    Examples
    --------
    >>> from asyncmon import acknowledgements, load_sample
    >>> data = load_sample().for_course("BIO101")
    >>> a = acknowledgements(data)
    >>> fig = acknowledgement_timeline(a[a.activity_id == "w2"],
    ...                                data.activities.set_index("activity_id").loc["w2"])
    >>> [trace.name for trace in fig.data]
    ['took part', 'acknowledged']
    """
    posted = table["first_post_at"].dropna().sort_values()
    acked = table.loc[table["acknowledged"], "acknowledged_at"].dropna().sort_values()
    figure = go.Figure()
    for name, times, dash in (("took part", posted, "solid"), ("acknowledged", acked, "dot")):
        figure.add_trace(
            go.Scatter(
                x=times,
                y=list(range(1, len(times) + 1)),
                mode="lines",
                line={"shape": "hv", "color": SERIES_COLOURS[name], "dash": dash},
                name=name,
            )
        )
    for label, moment, dash in (
        ("due", activity["due_at"], "dash"),
        ("class", activity["class_starts_at"], "solid"),
    ):
        figure.add_vline(x=moment, line_dash=dash, line_color="#555")
        figure.add_annotation(
            x=moment, y=1, yref="paper", text=label, showarrow=False, yanchor="bottom"
        )
    figure.update_layout(title="Acknowledgement over time", yaxis_title="students", height=360)
    return figure


def coverage_chart(
    summary: pd.DataFrame, *, thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> go.Figure:
    """Coverage before class per activity, against the coverage needed.

    Parameters
    ----------
    summary : DataFrame
        An :func:`~asyncmon.activity_summary` of one course.

    Examples
    --------
    >>> from asyncmon import load_sample
    >>> from asyncmon.planning import activity_summary
    >>> coverage_chart(activity_summary(load_sample().for_course("BIO101"))).data[0].y[0]
    np.float64(0.45)
    """
    ordered = summary.sort_values("class_starts_at")
    figure = go.Figure(
        go.Bar(
            x=ordered["activity_id"],
            y=ordered["coverage_before_class"],
            # enough coverage in blue, too little in vermillion and hatched (not by colour
            # alone); the dashed line marks what is needed
            marker_color=[
                STATUS_COLOURS["on_time"] if ok else STATUS_COLOURS["after_class"]
                for ok in ordered["coverage_ok"]
            ],
            marker_pattern_shape=["" if ok else "/" for ok in ordered["coverage_ok"]],
            hovertemplate="%{x}: %{y:.0%} acknowledged before class<extra></extra>",
        )
    )
    figure.add_hline(
        y=thresholds.coverage_needed,
        line_dash="dash",
        annotation_text=f"needed {thresholds.coverage_needed:.0%}",
    )
    figure.update_layout(
        title="Acknowledged before class", yaxis_tickformat=".0%", yaxis_range=[0, 1.05], height=320
    )
    return figure


def question_groups_chart(groups: pd.DataFrame, *, top: int = 8) -> go.Figure:
    """How many distinct students raised each recurring question (top groups).

    Examples
    --------
    >>> from asyncmon import load_sample
    >>> from asyncmon.questions import question_groups
    >>> g = question_groups(load_sample(), course_id="BIO101", activity_id="w2", method="tfidf")
    >>> question_groups_chart(g).data[0].orientation
    'h'
    """
    shown = groups.sort_values("rank").head(top).iloc[::-1]
    figure = go.Figure(
        go.Bar(
            x=shown["students"],
            y=[plotly_text(label) for label in shown["label"]],
            orientation="h",
            marker_color=["#9e9e9e" if answered else "#6a1b9a" for answered in shown["answered"]],
            hovertemplate="%{y}: %{x} students<extra></extra>",
        )
    )
    figure.update_layout(
        title="Questions that keep coming back (grey: already answered)",
        xaxis_title="students",
        height=max(260, 40 * len(shown) + 120),
        margin={"l": 220},
    )
    return figure


def acknowledgement_speed_chart(speed: pd.DataFrame, title: str = "") -> go.Figure:
    """A dot per weekday and hour of :func:`~asyncmon.acknowledgement_speed`: its size the
    students who first posted then, its colour the median hours until they were
    acknowledged (grey: none of them was)."""
    import plotly.express as px

    from .explore import WEEKDAYS

    return px.scatter(
        speed,
        x="hour",
        y="weekday",
        size="first_posts",
        color="median_hours",
        category_orders={"weekday": list(WEEKDAYS)},
        range_x=[-0.5, 23.5],
        color_continuous_scale="Viridis_r",
        hover_data=["acknowledged", "share_acknowledged"],
        labels={"hour": "hour of the first post", "median_hours": "median hours"},
        title=plotly_text(title),
    )


_SYMBOLS = {"student": "circle", "staff": "diamond", "isolated": "square-open"}


def _outside(x: float, y: float, staff: bool) -> str:
    """Where a person's name goes: away from the circle's middle (below, for staff)."""
    if staff or (abs(x) <= 0.1 and y > 0):
        return "bottom center"
    if abs(x) <= 0.1:
        return "top center"
    return "middle right" if x > 0 else "middle left"


def reply_network_figure(
    interactions: pd.DataFrame, people: pd.DataFrame, isolated: pd.DataFrame
) -> go.Figure:
    """Who replied to whom in one activity, laid out as the SVG of
    :func:`~asyncmon.charts.reply_network_svg`: students on a circle, teachers and
    assistants in the middle, a curved arrow per ordered pair (wider for more replies),
    isolated students as hollow squares, each kind of person a legend entry.

    Parameters
    ----------
    interactions : DataFrame
        :func:`~asyncmon.interactions` of one activity.
    people : DataFrame
        The ``people`` table (names and roles).
    isolated : DataFrame
        :func:`~asyncmon.isolated` of the same activity.

    Returns
    -------
    Figure
        Edge traces (one per colour and width; arrows as markers at their ends), then one
        marker trace per kind of person, named as the legend says them
        (:data:`~asyncmon.charts.NETWORK_WORDS`); the title is the network's summary.
        With no reply, an empty figure saying "No replies yet."

    Raises
    ------
    ValueError
        When the frames hold more than one activity.

    Examples
    --------
    >>> from asyncmon import interactions, isolated, load_sample
    >>> data = load_sample()
    >>> where = {"course_id": "BIO101", "activity_id": "w2"}
    >>> fig = reply_network_figure(interactions(data, **where), data.people,
    ...                            isolated(data, **where))
    >>> [t.name for t in fig.data if t.showlegend is not False]  # doctest: +ELLIPSIS
    ["a student's replies", "staff's replies (dashed)", 'student', 'teacher or assistant', \
'isolated student: ...']
    >>> len(fig.data[-1].x)  # the isolated students
    11
    """
    figure = go.Figure()
    hidden = {"visible": False, "scaleanchor": "y"}
    figure.update_layout(
        xaxis=hidden,
        yaxis={"visible": False, "autorange": "reversed"},
        plot_bgcolor="#fff",
        legend={"orientation": "h", "y": -0.02, "yanchor": "top"},
        margin={"l": 20, "r": 20, "t": 70, "b": 20},
    )
    if interactions.empty:
        figure.add_annotation(text="No replies yet.", showarrow=False, x=0, y=0)
        figure.update_layout(title="Who replies to whom", height=240)
        return figure
    net = reply_network_layout(interactions, people, isolated)
    nodes = net.nodes
    curves: dict[tuple[bool, float], tuple[list, list, list]] = {}
    steps = [0.06 + 0.86 * i / 10 for i in range(11)]  # stopped short of both marks
    for e in net.edges.itertuples(index=False):
        xs, ys, sizes = curves.setdefault((bool(e.from_staff), e.width), ([], [], []))
        xs += [(1 - t) ** 2 * e.x0 + 2 * (1 - t) * t * e.cx + t**2 * e.x1 for t in steps]
        ys += [(1 - t) ** 2 * e.y0 + 2 * (1 - t) * t * e.cy + t**2 * e.y1 for t in steps]
        xs.append(None)
        ys.append(None)
        sizes += [0] * 10 + [9 + 2 * e.width, 0]
    shown_in_legend = set()
    for (staff, width), (xs, ys, sizes) in sorted(curves.items()):
        kind = "staff" if staff else "student"
        figure.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines+markers",
                line={
                    "width": width,
                    "color": NETWORK_COLOURS[kind],
                    "dash": "dash" if staff else "solid",
                },
                marker={"symbol": "arrow", "angleref": "previous", "size": sizes},
                opacity=0.6,
                hoverinfo="skip",
                name=NETWORK_WORDS[f"{kind}_reply"],
                legendgroup=f"{kind}_reply",
                showlegend=kind not in shown_in_legend,
            )
        )
        shown_in_legend.add(kind)
    for kind in ("student", "staff", "isolated"):
        if kind == "staff":
            shown = nodes[nodes["staff"]]
        else:
            shown = nodes[~nodes["staff"] & (nodes["isolated"] == (kind == "isolated"))]
        figure.add_trace(
            go.Scatter(
                x=shown["x"],
                y=shown["y"],
                mode="markers+text",
                marker={
                    "symbol": _SYMBOLS[kind],
                    "size": 12,
                    "color": NETWORK_COLOURS[kind],
                    "line": {"width": 2, "color": NETWORK_COLOURS[kind]},
                },
                text=[plotly_text(name) for name in shown["name"]],
                textposition=[_outside(r.x, r.y, kind == "staff") for r in shown.itertuples()],
                hovertext=[
                    f"{plotly_text(r.name)}: {count(int(r.received), 'reply', 'replies')} "
                    f"received, {count(int(r.gave), 'reply', 'replies')} given"
                    for r in shown.itertuples()
                ],
                hoverinfo="text",
                name=NETWORK_WORDS[kind],
            )
        )
    title = plotly_text(net.summary)
    notes = [NETWORK_WORDS["width"], net.caption]
    title += "".join(f"<br><sup>{plotly_text(note)}</sup>" for note in notes if note)
    figure.update_layout(title=title, height=max(520, 9 * len(nodes) + 300))
    return figure
