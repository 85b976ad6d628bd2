"""The coordinator's view: courses, teachers and weeks side by side, students pseudonymised.

Computed once (:func:`coordinator_table` and its rollups, plain DataFrames), then shown in
a Voila dashboard (:func:`build_coordinator_app`) or published as one self-contained HTML
file that opens from disk with no server and no network (:func:`publish_html`).
Students appear only under their workspace pseudonym unless whoever runs the server or
the export asks for names.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from .coverage import overlooked_windows
from .figures import plotly_text
from .formatting import course_label, hours, percent
from .pseudonyms import Pseudonymizer, workspace_secret
from .rendering import Markup, macro
from .snapshot import Snapshot
from .store import Workspace
from .tables import OUTCOMES, ClassData
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
        (failed checks: monitoring, main gap, feedback, follow-up), ``failed_checks``,
        ``outcome`` (how the follow-up went, as the teacher recorded it after class: done /
        partly / not done, or None) and ``understood`` (how many students showed they got
        it, or None).
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
    out = out.merge(
        data.outcomes[["course_id", "activity_id", "outcome", "understood"]],
        on=["course_id", "activity_id"],
        how="left",
    )
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
        "outcome",
        "understood",
    ]
    return out[columns], overlooked


def _overlooked(table: pd.DataFrame, activities: pd.DataFrame, k: int) -> pd.DataFrame:
    windows = overlooked_windows(table, activities, k=k)
    return windows.loc[windows["overlooked"], ["course_id", "activity_id", "student_id"]]


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
                "followups_done": _followups(g["outcome"]),
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


_VIEW = "coordinator.html.j2"


def _table_html(frame: pd.DataFrame, columns: dict[str, Callable[[pd.Series], object]]) -> str:
    rows = [[str(fmt(row)) for fmt in columns.values()] for _, row in frame.iterrows()]
    return macro(_VIEW, "table", header=list(columns), rows=rows)


def _rollup_tables(courses: pd.DataFrame, teachers: pd.DataFrame) -> tuple[str, str]:
    """The courses' and the teachers' tables, side by side in both views."""
    by_course_columns = {
        "course": lambda r: course_label(r["course_id"], r["course_title"]),
        "teachers": lambda r: r["teachers"],
    }
    return (
        _table_html(courses, by_course_columns | ROLLUP_COLUMNS),
        _table_html(teachers, {"teacher": lambda r: r["teacher"]} | ROLLUP_COLUMNS),
    )


ROLLUP_COLUMNS = {
    "activities": lambda r: r["activities"],
    "participation": lambda r: percent(r["participation_rate"]),
    "coverage before class": lambda r: percent(r["coverage_before_class"]),
    "median time to acknowledgement": lambda r: hours(r["median_hours_to_acknowledgement"]),
    "students overlooked": lambda r: percent(r["overlooked_share"]),
    "planning window": lambda r: hours(r["planning_hours"]),
    "asynchronous learning": lambda r: percent(r["asynchronous_share"]),
    "homework": lambda r: percent(r["homework_share"]),
    "most failed checks": lambda r: r["most_failed"] or "—",
    "follow-ups (after class)": lambda r: r["followups_done"],
}
ACTIVITY_COLUMNS = {
    "week": lambda r: r["week"],
    "activity": lambda r: f"{r['activity_id']} {r['title']}",
    "participation": lambda r: percent(r["participation_rate"]),
    "coverage before class": lambda r: percent(r["coverage_before_class"]),
    "median time to acknowledgement": lambda r: hours(r["median_hours_to_acknowledgement"]),
    "students overlooked": lambda r: percent(r["overlooked_share"]),
    "planning window": lambda r: hours(r["planning_hours"]),
    "verdict": lambda r: r["verdict"],
    "failed checks": lambda r: ", ".join(r["failed"]) or "—",
    "follow-up (after class)": lambda r: _outcome(r["outcome"], r["understood"]),
}


def _followups(outcomes: pd.Series) -> str:
    """``"2 done, 1 partly of 3 recorded"``, or ``"none recorded"``."""
    told = outcomes.dropna()
    if told.empty:
        return "none recorded"
    counts = told.value_counts()
    said = ", ".join(f"{counts[o]} {o}" for o in OUTCOMES if o in counts)
    return f"{said} of {len(told)} recorded"


def _outcome(outcome: object, understood: object) -> str:
    if not isinstance(outcome, str):
        return "—"
    return outcome + ("" if pd.isna(understood) else f" ({understood} got it)")


def course_drilldown_html(
    table: pd.DataFrame, overlooked: pd.DataFrame, course_id: str, names: dict[str, str]
) -> str:
    """One course down to its activities (students by pseudonym or name), escaped."""
    mine = table[table["course_id"] == course_id].sort_values("week")
    activities = _table_html(mine, {"course": lambda r: r["course_id"]} | ACTIVITY_COLUMNS)
    flagged = overlooked[overlooked["course_id"] == course_id]
    latest = flagged.groupby("student_id")["activity_id"].agg(list)
    return macro(
        _VIEW,
        "drilldown",
        activities=Markup(activities),
        flagged=[(names.get(s, s), through) for s, through in latest.items()],
        last_k=DEFAULT_THRESHOLDS.last_k,
    )


#: The published page may load nothing from anywhere: scripts and styles are inline.
_CSP = (
    "default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; "
    "style-src 'unsafe-inline'; img-src data:; font-src data:"
)


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
    sections = [
        (course_label(c, t), Markup(course_drilldown_html(table, overlooked, c, names)))
        for c, t in zip(courses["course_id"], courses["course_title"], strict=True)
    ]
    meta = (
        f"{len(courses)} courses, {len(table)} activities · generated "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC · students "
        + ("shown by name" if show_names else "pseudonymised")
    )
    courses_html, teachers_html = _rollup_tables(courses, teachers)
    return macro(
        _VIEW,
        "page",
        csp=Markup(_CSP),  # a constant of ours
        plotly=Markup(get_plotlyjs()),  # plotly's own code, inlined: the page needs no network
        meta=meta,
        courses=Markup(courses_html),
        teachers=Markup(teachers_html),
        figures=Markup(figures),  # plotly's figures; their texts made safe by asyncmon.figures
        sections=sections,
    )


def build_coordinator_app(
    workspace: str | Path | None = None, *, show_names: bool | None = None
) -> Any:
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

    from .serving import served_workspace, wait_for_visitor

    folder = served_workspace(workspace, "coordinator")
    if show_names is None:
        show_names = os.environ.get(SHOW_NAMES_VARIABLE) == "1"
    wait_for_visitor()  # a preheated kernel reads the workspace when a visitor arrives
    ws = Workspace(folder, create=False)
    data = ws.load()
    table, overlooked = coordinator_table(data)
    names = _names(data, ws.path, show_names)
    courses, teachers = by_course(table), by_teacher(table)
    courses_html, teachers_html = _rollup_tables(courses, teachers)
    summary = w.HTML(
        macro(_VIEW, "summary", courses=Markup(courses_html), teachers=Markup(teachers_html))
    )
    summary.add_class("asyncmon-courses")
    picker = w.Dropdown(description="Course", options=list(courses["course_id"]))
    picker.add_class("asyncmon-coordinator-course")
    drill = w.HTML()
    drill.add_class("asyncmon-drilldown")

    def show(_: object = None) -> None:
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
