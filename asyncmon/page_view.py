"""What the teacher's page shows for one activity, as plain values and escaped HTML/SVG
strings (the page's view model): :func:`activity_view` computes it from a
:class:`~asyncmon.snapshot.Snapshot`, each table computed once and shared by the page and
the brief, and :func:`default_activity` chooses the activity a page opens on. The widgets
that show a view are in :mod:`asyncmon.dashboard`; this module needs no widget library.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from .brief import last_time, pre_class_brief
from .charts import acknowledgement_timeline_svg, participation_heatmap_svg, reply_network_svg
from .coverage import acknowledgement_queue, started_by, unacknowledged_students
from .errors import WorkspaceError
from .followup import student_post
from .formatting import hours, local_time, span
from .group_editor import missed_posts
from .network import interactions, isolated
from .page_parts import (
    brief_links_html,
    charts_html,
    groups_html,
    needs_you_html,
    network_html,
    top_html,
    verdict_html,
)
from .participation import repeat_absentees
from .questions.metric import student_posts
from .snapshot import Snapshot
from .store import PLAN_FIELDS
from .tables import ClassData
from .thresholds import DEFAULT_THRESHOLDS, Thresholds

__all__ = ["ActivityView", "activity_view", "default_activity"]

_HOUR = pd.Timedelta(hours=1)


def default_activity(data: ClassData, now: pd.Timestamp) -> tuple[str, str]:
    """The activity whose class comes next (or, when none is ahead, the latest one)."""
    return _next_class(data.activities, now)


def _next_class(activities: pd.DataFrame, now: pd.Timestamp) -> tuple[str, str]:
    acts = activities.sort_values(["class_starts_at", "course_id", "activity_id"])
    if acts.empty:
        raise WorkspaceError(
            "the workspace holds no activities; import a schedule first", code="ASYNC-E205"
        )
    ahead = acts[acts["class_starts_at"] >= now]
    row = ahead.iloc[0] if len(ahead) else acts.iloc[-1]
    return row["course_id"], row["activity_id"]


@dataclass(frozen=True)
class ActivityView:
    """What the dashboard shows for one activity (plain values; text not yet escaped,
    except the ``*_html`` and ``*_svg`` strings, which are ready to show)."""

    course_id: str
    activity_id: str
    title: str
    timing: str
    planning_warning: str | None
    took_part: str
    missing_names: list[str]
    coverage: str
    median_hours: str
    main_gap: str
    queue: pd.DataFrame
    overlooked: list[str]
    absentees: list[str]
    groups: pd.DataFrame
    concepts: list[tuple[str, int]]
    top_html: str
    needs_you_html: str
    groups_html: str
    missed_posts: list[tuple[str, str]]
    heatmap_svg: str
    timeline_svg: str
    charts_html: str
    isolated: pd.DataFrame
    network_svg: str
    network_html: str
    plan: dict
    outcome: dict
    last_time: list[tuple[str, str]]
    student_post: str
    verdict: str
    failed_checks: list[str]
    verdict_html: str
    brief_markdown: str
    brief_html: str
    brief_links_html: str


def activity_view(
    data: ClassData | Snapshot,
    course_id: str,
    activity_id: str,
    *,
    now: datetime | None = None,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    method: str = "auto",
) -> ActivityView:
    """Compute the dashboard page of one activity as of ``now`` (default: the real now).

    Only what was known at ``now`` counts (posts and reactions up to then), and
    acknowledgement is counted up to ``now`` or the class start, whichever is earlier.
    Given a :class:`~asyncmon.snapshot.Snapshot`, its moment, thresholds and method are
    used and what it already computed is reused.

    Examples
    --------
    >>> from asyncmon import load_sample
    >>> v = activity_view(load_sample(), "BIO101", "w2", now=pd.Timestamp("2025-03-01T00:00Z"),
    ...                   method="tfidf")
    >>> v.took_part
    '21 of 26 students before class (2 late); 1 after class'
    """
    snap = (
        data
        if isinstance(data, Snapshot)
        else Snapshot(data, now=now, thresholds=thresholds, method=method)
    )
    moment, thresholds = snap.now, snap.thresholds
    course = snap.course(course_id)
    activity = course.activities.set_index("activity_id").loc[activity_id]
    tz = course.courses["timezone"].iloc[0]
    as_of = min(moment, activity["class_starts_at"])
    table = snap.table(course_id, as_of)
    history = snap.table(course_id, moment)
    summary = snap.summary(course_id, as_of)
    s = summary.set_index("activity_id").loc[activity_id]
    mine = table[table["activity_id"] == activity_id]
    groups = snap.groups(course_id, activity_id)
    concepts = snap.concepts(course_id, activity_id)
    to_class = (activity["class_starts_at"] - moment) / _HOUR
    timing = (
        f"Class {local_time(activity['class_starts_at'], tz)} "
        + (f"(in {span(to_class)})" if to_class >= 0 else f"(started {span(to_class)} ago)")
        + f" · due {local_time(activity['due_at'], tz)} · "
        f"planning window {span(s['planning_hours'])} ({tz})"
    )
    before = int(s["participating_before_class"])
    took_part = (
        f"{before} of {s['students']} students before class ({s['late']} late); "
        f"{s['after_class']} after class"
    )
    coverage = (
        f"{s['acknowledged_before_class']} of {before} "
        f"({s['coverage_before_class']:.0%}) acknowledged before class"
        if before
        else "nobody to acknowledge yet"
    )
    if s["unknown_time"]:
        coverage += f"; {s['unknown_time']} by likes of unknown time (as of the export)"
    median = s["median_hours_to_acknowledgement"]
    if len(groups):
        top = groups.iloc[0]
        main_gap = f"{top['label']}: {top['students']} students ({top['share']:.0%})"
    else:
        main_gap = "no question raised by two or more students yet"
    # the grid shows the term so far: activities not yet due are not "missing"
    horizon = max(moment, activity["class_starts_at"])
    shown = course.activities.loc[course.activities["due_at"] <= horizon, "activity_id"]
    overlooked = unacknowledged_students(
        started_by(history, course.activities, moment), course.activities, thresholds=thresholds
    )
    absent = repeat_absentees(course, as_of=moment, thresholds=thresholds, table=history)
    plans = course.plans.set_index("activity_id")
    saved = plans.loc[activity_id].to_dict() if activity_id in plans.index else None
    plan = (
        {f: saved[f] if isinstance(saved[f], str) else None for f in PLAN_FIELDS} if saved else {}
    )
    outcomes = course.outcomes.set_index("activity_id")
    outcome = (
        {
            k: (None if pd.isna(v) else int(v) if k == "understood" else v)
            for k, v in outcomes.loc[activity_id, ["outcome", "note", "understood"]].items()
        }
        if activity_id in outcomes.index
        else {}
    )
    recurrence = snap.recurrence(course_id, activity_id)
    since = last_time(recurrence, course_id, activity_id)
    names = dict(zip(course.people["person_id"], course.people["name"]))
    brief = pre_class_brief(
        course,
        course_id,
        activity_id,
        groups=groups,
        as_of=as_of,
        thresholds=thresholds,
        table=table,
        summary=summary,
        concepts=concepts,
        recurrence=recurrence,
    )
    queue = acknowledgement_queue(course, table, course_id, activity_id, thresholds=thresholds)
    overlooked_names = sorted(overlooked["name"])
    absentees = [f"{a.name} (missed {', '.join(a.missed_activities)})" for a in absent.itertuples()]
    brief_markdown, brief_html = brief.to_markdown(), brief.to_html()
    post = student_post(course, course_id, activity_id, groups=groups, method=snap.method)
    title = f"{activity_id} · {activity['title']}"
    warning = s["planning_warning"] if isinstance(s["planning_warning"], str) else None
    missing = sorted(mine.loc[mine["status"] == "missing", "name"])
    median_hours = hours(median)
    heatmap = participation_heatmap_svg(
        history[history["activity_id"].isin(shown)], course.activities
    )
    timeline = acknowledgement_timeline_svg(
        history[history["activity_id"] == activity_id], activity, timezone=tz
    )
    pairs = interactions(course, activity_id=activity_id)
    alone = isolated(course, activity_id=activity_id)
    network = reply_network_svg(pairs, course.people, alone)
    return ActivityView(
        course_id=course_id,
        activity_id=activity_id,
        title=title,
        timing=timing,
        planning_warning=warning,
        took_part=took_part,
        missing_names=missing,
        coverage=coverage,
        median_hours=median_hours,
        main_gap=main_gap,
        top_html=top_html(
            title,
            timing,
            warning,
            [
                ("took-part", "Took part", took_part),
                ("missing", "Missing", ", ".join(missing) or "nobody"),
                ("coverage", "Coverage", coverage),
                ("median", "Median time to acknowledgement", median_hours),
                ("main-gap", "Main gap", main_gap),
            ],
            since,
        ),
        queue=queue,
        overlooked=overlooked_names,
        absentees=absentees,
        needs_you_html=needs_you_html(queue, overlooked_names, absentees),
        groups=groups,
        concepts=concepts,
        groups_html=groups_html(groups, names, concepts),
        missed_posts=missed_posts(groups, student_posts(course, course_id, activity_id), names),
        heatmap_svg=heatmap,
        timeline_svg=timeline,
        charts_html=charts_html(heatmap, timeline),
        isolated=alone,
        network_svg=network,
        network_html=network_html(network, alone),
        plan=plan,
        outcome=outcome,
        last_time=since,
        student_post=post,
        verdict=s["verdict"],
        failed_checks=list(s["failed_checks"]),
        verdict_html=verdict_html(s["verdict"], list(s["failed_checks"])),
        brief_markdown=brief_markdown,
        brief_html=brief_html,
        brief_links_html=brief_links_html(
            brief_html, brief_markdown, f"brief-{course_id}-{activity_id}", post
        ),
    )
