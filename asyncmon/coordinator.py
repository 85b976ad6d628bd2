"""The coordinator's view: courses, teachers and weeks side by side, students pseudonymised.

Computed once (:func:`coordinator_table` and its rollups, plain DataFrames), then shown in
a Voila dashboard (:func:`build_coordinator_app`) or published as one self-contained HTML
file that opens from disk with no server and no network (:func:`publish_html`).
Students appear only under their workspace pseudonym unless whoever runs the server or
the export asks for names.
"""

from __future__ import annotations

import html
import os
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from .figures import plotly_text
from .formatting import course_label
from .pseudonyms import Pseudonymizer, workspace_secret
from .snapshot import Snapshot
from .store import Workspace
from .tables import ClassData
from .thresholds import DEFAULT_THRESHOLDS, Thresholds

__all__ = ["by_course", "by_teacher", "coordinator_table", "publish_html", "build_coordinator_app"]

SHOW_NAMES_VARIABLE = "ASYNCMON_SHOW_NAMES"
CHECKS = {
    "monitored": "monitoring",
    "gap_chosen": "main gap",
    "feedback_on_gap": "feedback",
    "followup_planned": "follow-up",
}


def _teachers(data: ClassData) -> pd.Series:
    staff = data.people[data.people["role"] == "teacher"]
    return staff.groupby("course_id")["name"].agg(lambda s: ", ".join(sorted(s)))


def coordinator_table(
    data: ClassData, *, thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One row per activity across courses, and the students overlooked in each.

    Returns
    -------
    activities : DataFrame
        ``course_id, course_title, teachers, week`` (Monday of the class's week, local),
        ``activity_id, title, participation_rate, coverage_before_class,
        median_hours_to_acknowledgement, overlooked_share`` (share of the students who took
        part before class not acknowledged in any of their last ``last_k`` activities up to
        this one), ``planning_hours, planning_hours_left, verdict, failed``
        (failed checks: monitoring, main gap, feedback, follow-up), ``failed_checks``.
    overlooked : DataFrame
        ``course_id, activity_id, student_id`` of those overlooked students.
    """
    snap = Snapshot(data, thresholds=thresholds, known_only=False)
    table = snap.table(None, None)
    summary = snap.summary(None, None)
    zones = data.courses.set_index("course_id")["timezone"]
    titles = data.courses.set_index("course_id")["title"]
    overlooked = _overlooked(table, data.activities, thresholds.last_k)
    flagged = overlooked.groupby(["course_id", "activity_id"]).size().rename("n_overlooked")
    out = summary.merge(flagged.reset_index(), on=["course_id", "activity_id"], how="left")
    out["n_overlooked"] = out["n_overlooked"].fillna(0)
    out["overlooked_share"] = out["n_overlooked"] / out["participating_before_class"].where(
        out["participating_before_class"] > 0
    )
    # a schedule may give no course title: "" (a missing key would drop the course)
    out["course_title"] = [titles.dropna().get(c, "") for c in out["course_id"]]
    teachers = _teachers(data)
    out["teachers"] = [teachers.get(c, "") for c in out["course_id"]]
    out["week"] = [
        (
            start.tz_convert(zones[c]) - pd.Timedelta(days=start.tz_convert(zones[c]).weekday())
        ).strftime("%Y-%m-%d")
        for c, start in zip(out["course_id"], out["class_starts_at"])
    ]
    out["failed"] = [
        [label for column, label in CHECKS.items() if not row[column]] for _, row in out.iterrows()
    ]
    columns = [
        "course_id",
        "course_title",
        "teachers",
        "week",
        "activity_id",
        "title",
        "participation_rate",
        "coverage_before_class",
        "median_hours_to_acknowledgement",
        "overlooked_share",
        "planning_hours",
        "planning_hours_left",
        "verdict",
        "failed",
        "failed_checks",
    ]
    return out[columns], overlooked


def _overlooked(table: pd.DataFrame, activities: pd.DataFrame, k: int) -> pd.DataFrame:
    timed = table.merge(
        activities[["course_id", "activity_id", "class_starts_at"]], on=["course_id", "activity_id"]
    )
    timed = timed[timed["status"].isin(["on_time", "late"])].sort_values("class_starts_at")
    rows = []
    for (course, student), g in timed.groupby(["course_id", "student_id"]):
        acked = g["acknowledged_before_class"].tolist()
        for i, activity in enumerate(g["activity_id"]):
            window = acked[max(0, i - k + 1) : i + 1]
            if len(window) == k and not any(window):
                rows.append({"course_id": course, "activity_id": activity, "student_id": student})
    return pd.DataFrame(rows, columns=["course_id", "activity_id", "student_id"])


def _rollup(table: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    rows = []
    for key, g in table.groupby(keys, sort=True, dropna=False):
        key = key if isinstance(key, tuple) else (key,)
        failed = Counter(f for fs in g["failed"] for f in fs)
        rows.append(
            dict(zip(keys, key))
            | {
                "activities": len(g),
                "participation_rate": g["participation_rate"].mean(),
                "coverage_before_class": g["coverage_before_class"].mean(),
                "median_hours_to_acknowledgement": g["median_hours_to_acknowledgement"].median(),
                "overlooked_share": g["overlooked_share"].mean(),
                "planning_hours": g["planning_hours"].mean(),
                "asynchronous_share": (g["verdict"] == "asynchronous learning").mean(),
                "homework_share": (g["verdict"] == "homework").mean(),
                "most_failed": ", ".join(f"{name} ({n})" for name, n in failed.most_common(2)),
            }
        )
    return pd.DataFrame(rows)


def by_course(table: pd.DataFrame) -> pd.DataFrame:
    """Per course (and its teachers): means over its activities, the share of activities
    judged asynchronous learning vs homework, and the most common failed checks.

    Examples
    --------
    >>> from asyncmon import load_sample
    >>> activities, _ = coordinator_table(load_sample())
    >>> by_course(activities)["course_id"].tolist()
    ['BIO101', 'ENG150', 'HIS210']
    """
    return _rollup(table, ["course_id", "course_title", "teachers"])


def by_teacher(table: pd.DataFrame) -> pd.DataFrame:
    """Per teacher (a course with two teachers counts for both): as :func:`by_course`."""
    split = table.assign(teacher=table["teachers"].str.split(", ")).explode("teacher")
    return _rollup(split, ["teacher"])


def trend_figure(table: pd.DataFrame, column: str = "coverage_before_class") -> go.Figure:
    """One line per course over weeks (default: coverage before class)."""
    figure = go.Figure()
    for course, g in table.sort_values("week").groupby("course_id"):
        figure.add_trace(
            go.Scatter(x=g["week"], y=g[column], mode="lines+markers", name=plotly_text(course))
        )
    figure.update_layout(
        title=f"{column.replace('_', ' ').capitalize()} by week",
        yaxis_tickformat=".0%",
        yaxis_range=[0, 1.05],
        height=340,
    )
    return figure


def comparison_figure(courses: pd.DataFrame) -> go.Figure:
    """Courses side by side: participation, coverage before class, asynchronous share."""
    labels = [plotly_text(f"{c} ({t})") for c, t in zip(courses["course_id"], courses["teachers"])]
    figure = go.Figure()
    for column, name in (
        ("participation_rate", "participation"),
        ("coverage_before_class", "coverage before class"),
        ("asynchronous_share", "asynchronous learning"),
    ):
        figure.add_trace(go.Bar(x=labels, y=courses[column], name=name))
    figure.update_layout(
        title="Courses compared",
        barmode="group",
        yaxis_tickformat=".0%",
        yaxis_range=[0, 1.05],
        height=360,
    )
    return figure


def _names(data: ClassData, folder: Path, show_names: bool) -> dict[str, str]:
    students = data.people[data.people["role"] == "student"]
    if show_names:
        return dict(zip(students["person_id"], students["name"]))
    pseudo = Pseudonymizer(workspace_secret(folder))
    return {p: pseudo(p) for p in students["person_id"]}


def _pct(value: float) -> str:
    return "—" if pd.isna(value) else f"{value:.0%}"


def _hours(value: float) -> str:
    return "—" if pd.isna(value) else f"{value:.0f} h"


def _table_html(frame: pd.DataFrame, columns: dict[str, callable]) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = "".join(
        "<tr>"
        + "".join(f"<td>{html.escape(str(fmt(row)))}</td>" for fmt in columns.values())
        + "</tr>"
        for _, row in frame.iterrows()
    )
    return f"<table class='am-table'><tr>{head}</tr>{body}</table>"


ROLLUP_COLUMNS = {
    "activities": lambda r: r["activities"],
    "participation": lambda r: _pct(r["participation_rate"]),
    "coverage before class": lambda r: _pct(r["coverage_before_class"]),
    "median time to acknowledgement": lambda r: _hours(r["median_hours_to_acknowledgement"]),
    "students overlooked": lambda r: _pct(r["overlooked_share"]),
    "planning window": lambda r: _hours(r["planning_hours"]),
    "asynchronous learning": lambda r: _pct(r["asynchronous_share"]),
    "homework": lambda r: _pct(r["homework_share"]),
    "most failed checks": lambda r: r["most_failed"] or "—",
}
ACTIVITY_COLUMNS = {
    "week": lambda r: r["week"],
    "activity": lambda r: f"{r['activity_id']} {r['title']}",
    "participation": lambda r: _pct(r["participation_rate"]),
    "coverage before class": lambda r: _pct(r["coverage_before_class"]),
    "median time to acknowledgement": lambda r: _hours(r["median_hours_to_acknowledgement"]),
    "students overlooked": lambda r: _pct(r["overlooked_share"]),
    "planning window": lambda r: _hours(r["planning_hours"]),
    "verdict": lambda r: r["verdict"],
    "failed checks": lambda r: ", ".join(r["failed"]) or "—",
}


def course_drilldown_html(
    table: pd.DataFrame, overlooked: pd.DataFrame, course_id: str, names: dict[str, str]
) -> str:
    """One course down to its activities (students by pseudonym or name), escaped."""
    mine = table[table["course_id"] == course_id].sort_values("week")
    parts = [_table_html(mine, {"course": lambda r: r["course_id"]} | ACTIVITY_COLUMNS)]
    flagged = overlooked[overlooked["course_id"] == course_id]
    if len(flagged):
        latest = flagged.groupby("student_id")["activity_id"].agg(list)
        items = "".join(
            f"<li>{html.escape(names.get(s, s))}: overlooked through "
            f"{html.escape(', '.join(a))}</li>"
            for s, a in latest.items()
        )
        parts.append(
            f"<p>Students not acknowledged in {DEFAULT_THRESHOLDS.last_k} activities "
            f"in a row:</p><ul>{items}</ul>"
        )
    return "".join(parts)


#: The published page may load nothing from anywhere: scripts and styles are inline.
_CSP = (
    "default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; "
    "style-src 'unsafe-inline'; img-src data:; font-src data:"
)

_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<title>asyncmon: courses compared</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 1.5rem auto; max-width: 80rem; color: #222; }}
table.am-table {{ border-collapse: collapse; margin: .5rem 0 1rem; font-size: .85rem; }}
table.am-table td, table.am-table th {{ border-bottom: 1px solid #ddd; padding: 3px 8px;
  text-align: left; }}
.meta {{ color: #555; }}
</style>
<script>{plotly}</script>
</head><body>
<h1>Asynchronous learning across courses</h1>
<p class="meta">{meta}</p>
<h2>Courses and teachers</h2>
{courses}
{teachers}
{figures}
<h2>Course by course</h2>
{drilldown}
</body></html>
"""


def publish_html(
    workspace: Workspace,
    *,
    show_names: bool = False,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> str:
    """The coordinator view as one self-contained HTML page (plotly inlined, no network).

    Students appear under their workspace pseudonym unless ``show_names``; teachers by
    name. Every piece of text is escaped.

    Examples
    --------
    >>> import tempfile
    >>> from asyncmon import Workspace
    >>> from asyncmon.datasets import sample_import_options
    >>> ws = Workspace(tempfile.mkdtemp())
    >>> options = sample_import_options()
    >>> _ = ws.import_sources(options.pop("files"), **options)
    >>> page = publish_html(ws)
    >>> "Mohammed Al-Sayed" in page, "Courses compared" in page
    (False, True)
    """
    from plotly.offline import get_plotlyjs

    data = workspace.load()
    table, overlooked = coordinator_table(data, thresholds=thresholds)
    names = _names(data, workspace.path, show_names)
    courses, teachers = by_course(table), by_teacher(table)
    figures = "".join(
        f.to_html(full_html=False, include_plotlyjs=False, config={"displaylogo": False})
        for f in (
            comparison_figure(courses),
            trend_figure(table),
            trend_figure(table, "participation_rate"),
        )
    )
    drilldown = "".join(
        f"<h3>{html.escape(course_label(c, t))}</h3>"
        + course_drilldown_html(table, overlooked, c, names)
        for c, t in zip(courses["course_id"], courses["course_title"])
    )
    meta = (
        f"{len(courses)} courses, {len(table)} activities · generated "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC · students "
        + ("shown by name" if show_names else "pseudonymised")
    )
    return _PAGE.format(
        csp=_CSP,
        plotly=get_plotlyjs(),
        meta=html.escape(meta),
        courses=_table_html(
            courses,
            {
                "course": lambda r: course_label(r["course_id"], r["course_title"]),
                "teachers": lambda r: r["teachers"],
            }
            | ROLLUP_COLUMNS,
        ),
        teachers=_table_html(teachers, {"teacher": lambda r: r["teacher"]} | ROLLUP_COLUMNS),
        figures=figures,
        drilldown=drilldown,
    )


def build_coordinator_app(workspace: str | Path | None = None, *, show_names: bool | None = None):
    """The coordinator dashboard widget (Voila), students pseudonymised by default.

    Parameters
    ----------
    workspace : str or Path, optional
        Default: ``ASYNCMON_WORKSPACE``, set by whoever starts the server.
    show_names : bool, optional
        Default: ``ASYNCMON_SHOW_NAMES=1`` set by whoever starts the server (``asyncmon
        coordinator --show-names``); never chosen by the page.
    """
    import ipywidgets as w

    from .errors import WorkspaceError
    from .serving import WORKSPACE_VARIABLE, wait_for_visitor

    folder = workspace or os.environ.get(WORKSPACE_VARIABLE)
    if not folder:
        raise WorkspaceError(
            f"no workspace: set {WORKSPACE_VARIABLE} or start the dashboard "
            "with 'asyncmon coordinator --workspace DIR'",
            code="ASYNC-E208",
        )
    if show_names is None:
        show_names = os.environ.get(SHOW_NAMES_VARIABLE) == "1"
    wait_for_visitor()  # a preheated kernel reads the workspace when a visitor arrives
    ws = Workspace(folder, create=False)
    data = ws.load()
    table, overlooked = coordinator_table(data)
    names = _names(data, ws.path, show_names)
    courses, teachers = by_course(table), by_teacher(table)
    summary = w.HTML(
        "<h2>Courses and teachers</h2>"
        + _table_html(
            courses,
            {
                "course": lambda r: course_label(r["course_id"], r["course_title"]),
                "teachers": lambda r: r["teachers"],
            }
            | ROLLUP_COLUMNS,
        )
        + _table_html(teachers, {"teacher": lambda r: r["teacher"]} | ROLLUP_COLUMNS)
    )
    summary.add_class("asyncmon-courses")
    picker = w.Dropdown(description="Course", options=list(courses["course_id"]))
    picker.add_class("asyncmon-coordinator-course")
    drill = w.HTML()
    drill.add_class("asyncmon-drilldown")

    def show(_=None):
        drill.value = course_drilldown_html(table, overlooked, picker.value, names)

    picker.observe(show, names="value")
    show()
    note = w.HTML(
        "<p>Students are "
        + (
            "shown by name"
            if show_names
            else "pseudonymised (the same pseudonym in every view and export)"
        )
        + ".</p>"
    )
    app = w.VBox(
        [
            w.HTML("<h1>Asynchronous learning across courses</h1>"),
            note,
            summary,
            go.FigureWidget(comparison_figure(courses)),
            go.FigureWidget(trend_figure(table)),
            w.HTML("<h2>Course by course</h2>"),
            picker,
            drill,
        ]
    )
    app.add_class("asyncmon-coordinator")
    return app
