"""The teacher's pre-class dashboard: an ipywidgets app over the library.

Two layers, so that the logic is tested without a browser:

- :func:`activity_view` computes everything one activity's page shows, as plain values
  and plotly figures (no widgets);
- :class:`PreClassDashboard` lays those out in widgets and wires the pickers and the plan
  form. Every piece of user text goes into HTML through :func:`html.escape` (an
  ``ipywidgets.HTML`` renders markup; Voila trusts its outputs).

The notebook ``notebooks/pre_class_dashboard.ipynb`` holds only ``build_app()``.
"""

from __future__ import annotations

import base64
import html
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from .brief import pre_class_brief
from .coverage import acknowledgement_queue, acknowledgements, unacknowledged_students
from .errors import WorkspaceError
from .figures import acknowledgement_timeline, participation_heatmap
from .group_editor import GroupEditor
from .participation import repeat_absentees
from .planning import FOLLOWUP_KINDS, activity_summary
from .questions import concept_counts, question_groups
from .store import Workspace
from .tables import ClassData
from .thresholds import DEFAULT_THRESHOLDS, Thresholds

__all__ = ["ActivityView", "PreClassDashboard", "activity_view", "build_app", "default_activity"]

WORKSPACE_VARIABLE = "ASYNCMON_WORKSPACE"
NOW_VARIABLE = "ASYNCMON_NOW"
_HOUR = pd.Timedelta(hours=1)
_STALE_AFTER = pd.Timedelta(minutes=5)  # a page looking from the real now is redrawn after


def known_at(data: ClassData, moment: pd.Timestamp) -> ClassData:
    """The data as it stood at ``moment``: posts written and reactions made by then."""
    posts = data.posts[data.posts["created_at"] <= moment]
    r = data.reactions
    when = r["created_at"].fillna(r["exported_at"])
    return data.replace(
        posts=posts.reset_index(drop=True), reactions=r[when <= moment].reset_index(drop=True)
    )


def default_activity(data: ClassData, now: pd.Timestamp) -> tuple[str, str]:
    """The activity whose class comes next (or, when none is ahead, the latest one)."""
    return _next_class(data.activities, now)


def _next_class(activities: pd.DataFrame, now: pd.Timestamp) -> tuple[str, str]:
    acts = activities.sort_values(["class_starts_at", "course_id", "activity_id"])
    if acts.empty:
        raise WorkspaceError("the workspace holds no activities; import a schedule first")
    ahead = acts[acts["class_starts_at"] >= now]
    row = ahead.iloc[0] if len(ahead) else acts.iloc[-1]
    return row["course_id"], row["activity_id"]


def _span(hours: float) -> str:
    hours = abs(hours)
    if hours < 1:
        return f"{hours * 60:.0f} min"
    return f"{hours:.0f} h" if hours < 48 else f"{hours / 24:.1f} days"


@dataclass(frozen=True)
class ActivityView:
    """What the dashboard shows for one activity (plain values; text not yet escaped)."""

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
    heatmap: go.Figure
    timeline: go.Figure
    plan: dict
    verdict: str
    failed_checks: list[str]
    brief_markdown: str
    brief_html: str


def activity_view(
    data: ClassData,
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

    Examples
    --------
    >>> from asyncmon import load_sample
    >>> v = activity_view(load_sample(), "BIO101", "w2", now=pd.Timestamp("2025-03-01T00:00Z"),
    ...                   method="tfidf")
    >>> v.took_part
    '21 of 26 students before class (2 late); 1 after class'
    """
    moment = pd.Timestamp(now) if now is not None else pd.Timestamp.now(tz="UTC")
    snapshot = known_at(data, moment)
    course = snapshot.for_course(course_id)
    acts = course.activities.set_index("activity_id")
    activity = acts.loc[activity_id]
    tz = course.courses["timezone"].iloc[0]
    as_of = min(moment, activity["class_starts_at"])
    table = acknowledgements(course, as_of=as_of, thresholds=thresholds)
    history = acknowledgements(course, as_of=moment, thresholds=thresholds)
    summary = activity_summary(course, as_of=as_of, thresholds=thresholds, table=table)
    s = summary.set_index("activity_id").loc[activity_id]
    mine = table[table["activity_id"] == activity_id]
    groups = question_groups(course, activity_id=activity_id, method=method)
    to_class = (activity["class_starts_at"] - moment) / _HOUR
    timing = (
        f"Class {activity['class_starts_at'].tz_convert(tz):%a %d %b %H:%M} "
        + (f"(in {_span(to_class)})" if to_class >= 0 else f"(started {_span(to_class)} ago)")
        + f" · due {activity['due_at'].tz_convert(tz):%a %d %b %H:%M} · "
        f"planning window {_span(s['planning_hours'])} ({tz})"
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
    started = course.activities.loc[course.activities["class_starts_at"] <= moment, "activity_id"]
    # the grid shows the term so far: activities not yet due are not "missing"
    horizon = max(moment, activity["class_starts_at"])
    shown = course.activities.loc[course.activities["due_at"] <= horizon, "activity_id"]
    overlooked = unacknowledged_students(
        history[history["activity_id"].isin(started)], course.activities, thresholds=thresholds
    )
    absent = repeat_absentees(course, as_of=moment, thresholds=thresholds, table=history)
    plans = course.plans.set_index("activity_id")
    saved = plans.loc[activity_id].to_dict() if activity_id in plans.index else {}
    plan = {k: v for k, v in saved.items() if isinstance(v, str)}
    brief = pre_class_brief(
        course,
        course_id,
        activity_id,
        groups=groups,
        as_of=as_of,
        thresholds=thresholds,
        table=table,
    )
    return ActivityView(
        course_id=course_id,
        activity_id=activity_id,
        title=f"{activity_id} · {activity['title']}",
        timing=timing,
        planning_warning=s["warning"] if isinstance(s["warning"], str) else None,
        took_part=took_part,
        missing_names=sorted(mine.loc[mine["status"] == "missing", "name"]),
        coverage=coverage,
        median_hours="—" if pd.isna(median) else _span(median),
        main_gap=main_gap,
        queue=acknowledgement_queue(course, table, course_id, activity_id, thresholds=thresholds),
        overlooked=sorted(overlooked["name"]),
        absentees=[
            f"{a.name} (missed {', '.join(a.missed_activities)})" for a in absent.itertuples()
        ],
        groups=groups,
        concepts=concept_counts(course, course_id=course_id, activity_id=activity_id),
        heatmap=participation_heatmap(
            history[history["activity_id"].isin(shown)], course.activities
        ),
        timeline=acknowledgement_timeline(history[history["activity_id"] == activity_id], activity),
        plan=plan,
        verdict=s["verdict"],
        failed_checks=list(s["failed_checks"]),
        brief_markdown=brief.to_markdown(),
        brief_html=brief.to_html(),
    )


def _e(text: object) -> str:
    return html.escape(str(text))


def _card(title: str, value: str, css: str):
    import ipywidgets as w

    box = w.HTML(
        f"<div class='am-card-title'>{_e(title)}</div><div class='am-card-value'>{_e(value)}</div>"
    )
    box.add_class("asyncmon-card")
    box.add_class(css)
    return box


_STYLE = """<style>
.asyncmon-card { border: 1px solid #ddd; border-radius: 6px; padding: 6px 10px; margin: 4px;
  min-width: 200px; max-width: 320px; background: #fafafa; }
.am-card-title { color: #555; font-size: 0.85em; }
.am-card-value { font-size: 1.05em; font-weight: 600; }
.asyncmon-warning { color: #8a5a00; }
.asyncmon-verdict .fail { color: #9b1c1c; } .asyncmon-verdict .ok { color: #1c6b2f; }
.am-streak { background: #fdecea; }
table.am-table td, table.am-table th { padding: 2px 8px; text-align: left; vertical-align: top; }
</style>"""


def queue_html(queue: pd.DataFrame, *, limit: int = 10) -> str:
    """The acknowledgement queue as an HTML table (every cell escaped), first ``limit``."""
    if queue.empty:
        return "<p>Everyone who took part has been acknowledged.</p>"
    rows = []
    for q in queue.head(limit).itertuples():
        streak = (
            f"not acknowledged in their previous {q.unacknowledged_streak} activities"
            if q.unacknowledged_streak > 1
            else "not acknowledged last time either"
            if q.unacknowledged_streak
            else ""
        )
        css = " class='am-streak'" if q.unacknowledged_streak else ""
        rows.append(
            f"<tr{css}><td>{q.rank}</td><td><b>{_e(q.name)}</b><br>"
            f"<small>{_e(q.status.replace('_', ' '))}, waiting "
            f"{_e(_span(q.waiting_hours))}</small><br><small>{_e(streak)}</small></td>"
            f"<td>{_e(q.snippet)}</td></tr>"
        )
    return (
        "<table class='am-table'><tr><th>#</th><th>student</th><th>their post</th></tr>"
        + "".join(rows)
        + "</table>"
    )


def groups_accordion(groups: pd.DataFrame, names: dict[str, str]):
    """One expandable section per question group: examples and students (escaped)."""
    import ipywidgets as w

    if groups.empty:
        empty = w.HTML("<p>No question was raised by two or more students yet.</p>")
        empty.add_class("asyncmon-groups")
        return empty
    children, titles = [], []
    for g in groups.itertuples():
        answered = "a teacher already answered" if g.answered else "not answered yet"
        who = ", ".join(names.get(s, s) for s in g.student_ids)
        body = (
            f"<p><i>{_e(answered)}</i></p>"
            + "".join(f"<blockquote>{_e(x)}</blockquote>" for x in g.examples)
            + f"<p><b>Students:</b> {_e(who)}</p>"
        )
        children.append(w.HTML(body))
        titles.append(
            f"{g.rank}. {g.label} — {g.students} students" + (" ✓ answered" if g.answered else "")
        )
    accordion = w.Accordion(children=children, titles=tuple(titles))
    accordion.add_class("asyncmon-groups")
    return accordion


def download_link(label: str, text: str, filename: str, mime: str) -> str:
    """An HTML link that downloads ``text`` (base64 data URI: the content is not parsed)."""
    data = base64.b64encode(text.encode("utf-8")).decode("ascii")
    return (
        f"<a download='{_e(filename)}' href='data:{mime};charset=utf-8;base64,{data}' "
        f"class='am-download'>{_e(label)}</a>"
    )


class PreClassDashboard:
    """The pre-class dashboard of a workspace, as ipywidgets.

    Parameters
    ----------
    workspace : Workspace
    now : datetime, optional
        The moment the dashboard is looked at (default: the real now; a demo replays a
        moment of the sample term).
    method : str, default "auto"
        Question grouping method.

    Attributes
    ----------
    widget : ipywidgets.VBox
        The app; display it (the notebook's last cell).
    """

    def __init__(self, workspace: Workspace, *, now: datetime | None = None, method: str = "auto"):
        import ipywidgets as w

        self.workspace = workspace
        self.now = pd.Timestamp(now) if now is not None else None
        self.method = method
        self.version = workspace.version()
        self.data = workspace.load()
        self.computed_at = pd.Timestamp.now(tz="UTC")
        self._views: dict[tuple[str, str], ActivityView] = {}
        moment = self.now if self.now is not None else pd.Timestamp.now(tz="UTC")
        course_id, activity_id = default_activity(self.data, moment)
        self.course = w.Dropdown(
            description="Course", options=self._course_options(), value=course_id
        )
        self.course.add_class("asyncmon-course")
        self.activity = w.Dropdown(
            description="Activity", options=self._activity_options(course_id), value=activity_id
        )
        self.activity.add_class("asyncmon-activity")
        self.timing = w.Label()
        self.timing.add_class("asyncmon-timing")
        self.warning = w.HTML()
        self.warning.add_class("asyncmon-warning")
        self.cards = w.HBox(layout=w.Layout(flex_flow="row wrap"))
        self.needs_you = w.HTML()
        self.needs_you.add_class("asyncmon-queue")
        self.groups_box = w.VBox()
        self.editor = GroupEditor(workspace, self._on_correction)
        self.figures = w.VBox()
        self.gap = w.Dropdown(description="Main gap")
        self.gap.add_class("asyncmon-plan-gap")
        self.gap_text = w.Text(description="Gap (free text)", placeholder="your own words")
        self.gap_text.add_class("asyncmon-plan-gap-text")
        self.feedback = w.Textarea(
            description="Feedback",
            placeholder=("How the next class opens with feedback on the gap"),
            layout=w.Layout(width="90%", height="80px"),
        )
        self.feedback.add_class("asyncmon-plan-feedback")
        self.followup = w.Dropdown(
            description="Follow-up",
            options=[("— choose —", "")] + [(k.replace("-", " "), k) for k in FOLLOWUP_KINDS],
        )
        self.followup.add_class("asyncmon-plan-followup")
        self.description = w.Text(
            description="Describe",
            placeholder="the follow-up activity",
            layout=w.Layout(width="90%"),
        )
        self.description.add_class("asyncmon-plan-description")
        self.save = w.Button(description="Save plan", button_style="primary")
        self.save.add_class("asyncmon-plan-save")
        self.saved = w.Label()
        self.saved.add_class("asyncmon-plan-saved")
        self.verdict = w.HTML()
        self.verdict.add_class("asyncmon-verdict")
        self.brief = w.HTML()
        self.brief.add_class("asyncmon-brief")
        self.headline = w.HTML()
        self.headline.add_class("asyncmon-title")

        self.course.observe(self._on_course, names="value")
        self.activity.observe(self._on_activity, names="value")
        self.save.on_click(self._on_save)

        section = lambda title: w.HTML(f"<h3>{_e(title)}</h3>")  # noqa: E731
        self.widget = w.VBox(
            [
                w.HTML(_STYLE),
                w.HBox([self.course, self.activity]),
                self.headline,
                self.timing,
                self.warning,
                self.cards,
                section("Who needs you"),
                self.needs_you,
                section("Questions and gaps"),
                self.groups_box,
                section("Participation and acknowledgement"),
                self.figures,
                section("Plan for class"),
                self.gap,
                self.gap_text,
                self.feedback,
                self.followup,
                self.description,
                w.HBox([self.save, self.saved]),
                self.verdict,
                section("Brief"),
                self.brief,
            ]
        )
        self.widget.add_class("asyncmon-app")
        self.refresh()

    def _course_options(self) -> list[tuple[str, str]]:
        return [
            (f"{c.course_id} {c.title or ''}".strip(), c.course_id)
            for c in self.data.courses.sort_values("course_id").itertuples()
        ]

    def _activity_options(self, course_id: str) -> list[tuple[str, str]]:
        acts = self.data.activities[self.data.activities["course_id"] == course_id]
        return [
            (f"{a.activity_id} · {a.title}", a.activity_id)
            for a in acts.sort_values("class_starts_at").itertuples()
        ]

    def _on_course(self, change) -> None:
        options = self._activity_options(change["new"])
        self.activity.unobserve(self._on_activity, names="value")
        self.activity.options = options
        # the course's next class (or its latest one when none is ahead), as on arrival
        moment = self.now if self.now is not None else pd.Timestamp.now(tz="UTC")
        course = self.data.activities[self.data.activities["course_id"] == change["new"]]
        self.activity.value = _next_class(course, moment)[1] if options else None
        self.activity.observe(self._on_activity, names="value")
        self.refresh()

    def _on_activity(self, change) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Recompute the selected activity's view and show it."""
        import ipywidgets as w

        key = (self.course.value, self.activity.value)
        if key not in self._views:
            self._views[key] = activity_view(self.data, *key, now=self.now, method=self.method)
        self.view = view = self._views[key]
        self.headline.value = f"<h2>{_e(view.title)}</h2>"
        self.timing.value = view.timing
        self.warning.value = f"⚠ {_e(view.planning_warning)}" if view.planning_warning else ""
        missing = ", ".join(view.missing_names) or "nobody"
        self.cards.children = (
            _card("Took part", view.took_part, "asyncmon-took-part"),
            _card("Missing", missing, "asyncmon-missing"),
            _card("Coverage", view.coverage, "asyncmon-coverage"),
            _card("Median time to acknowledgement", view.median_hours, "asyncmon-median"),
            _card("Main gap", view.main_gap, "asyncmon-main-gap"),
        )
        extra = ""
        if view.overlooked:
            extra += (
                "<p class='am-overlooked'><b>Not acknowledged in their recent "
                f"activities:</b> {_e(', '.join(view.overlooked))}</p>"
            )
        if view.absentees:
            extra += (
                "<p class='am-absentees'><b>Missing several activities in a row:</b> "
                f"{_e('; '.join(view.absentees))}</p>"
            )
        self.needs_you.value = queue_html(view.queue) + extra
        names = dict(zip(self.data.people["person_id"], self.data.people["name"]))
        concepts = "".join(
            f"<li>{_e(c)}: {n} student{'' if n == 1 else 's'}</li>" for c, n in view.concepts
        )
        replaced = [c for c in self.groups_box.children if c is not self.editor.widget]
        replaced += list(self.figures.children)
        self.groups_box.children = (
            groups_accordion(view.groups, names),
            w.HTML(f"<p>Concepts asked about:</p><ul>{concepts}</ul>" if concepts else ""),
            self.editor.widget,
        )
        self.editor.show(
            view.course_id, view.activity_id, view.groups, self._student_posts(*key), names
        )
        self.figures.children = (go.FigureWidget(view.heatmap), go.FigureWidget(view.timeline))
        for widget in replaced:  # close what the page no longer shows (and its children)
            for child in getattr(widget, "children", ()):
                child.close()
            widget.close()
        self._fill_plan(view)
        self._show_verdict(view)
        self.brief.value = (
            download_link(
                "Download the brief (HTML)",
                view.brief_html,
                f"brief-{view.course_id}-{view.activity_id}.html",
                "text/html",
            )
            + " · "
            + download_link(
                "Download the brief (Markdown)",
                view.brief_markdown,
                f"brief-{view.course_id}-{view.activity_id}.md",
                "text/markdown",
            )
        )

    def _fill_plan(self, view: ActivityView) -> None:
        options = [("— choose —", "")]
        options += [
            (f"Question: {g.label} ({g.students} students)", f"question-group|{g.label}")
            for g in view.groups.itertuples()
        ]
        options += [(f"Concept: {c}", f"concept|{c}") for c, _ in view.concepts]
        options += [("Free text (below)", "free-text|")]
        plan = view.plan
        gap, source = plan.get("gap") or "", plan.get("gap_source") or ""
        value = f"{source}|{gap}" if source in ("question-group", "concept") else ""
        if value and value not in [v for _, v in options]:
            options.append(
                (f"{'Question' if source == 'question-group' else 'Concept'}: {gap}", value)
            )
        if source == "free-text" or (gap and not value):
            value = "free-text|"
        self.gap.options = options
        self.gap.value = value
        self.gap_text.value = gap if value == "free-text|" else ""
        self.feedback.value = plan.get("feedback") or ""
        self.followup.value = plan.get("followup_kind") or ""
        self.description.value = plan.get("followup_description") or ""
        self.saved.value = "Saved plan loaded." if plan else "No plan saved yet."

    def _show_verdict(self, view: ActivityView) -> None:
        ok = not view.failed_checks
        reasons = "".join(f"<li>{_e(r)}</li>" for r in view.failed_checks)
        self.verdict.value = (
            f"<p class='{'ok' if ok else 'fail'}'><b>Verdict: "
            f"{_e(view.verdict)}</b></p><ul>{reasons}</ul>"
        )

    def plan_values(self) -> dict:
        """The plan as the form holds it (what Save writes)."""
        source, _, label = (self.gap.value or "").partition("|")
        gap = self.gap_text.value.strip() if source == "free-text" else label
        return {
            "gap": gap or None,
            "gap_source": source or None,
            "feedback": self.feedback.value.strip() or None,
            "followup_kind": self.followup.value or None,
            "followup_description": self.description.value.strip() or None,
        }

    def revisit(self, *, stale_after: pd.Timedelta = _STALE_AFTER) -> bool:
        """A visitor arrives at a page computed earlier (a preheated kernel): read the
        workspace again and redraw when it changed since (an import, a plan, a correction)
        or, looking from the real now, when the page is older than ``stale_after``.
        Returns whether the page was recomputed."""
        changed = self.workspace.version() != self.version
        aged = self.now is None and pd.Timestamp.now(tz="UTC") - self.computed_at > stale_after
        if not (changed or aged):
            return False
        self._reload()
        return True

    def _reload(self) -> None:
        self.version = self.workspace.version()
        self.data = self.workspace.load()
        self.computed_at = pd.Timestamp.now(tz="UTC")
        self._views.clear()
        if self.now is None:  # the real now: open the class that is next now
            course_id, activity_id = default_activity(self.data, pd.Timestamp.now(tz="UTC"))
            self.course.unobserve(self._on_course, names="value")
            self.activity.unobserve(self._on_activity, names="value")
            self.course.options = self._course_options()
            self.course.value = course_id
            self.activity.options = self._activity_options(course_id)
            self.activity.value = activity_id
            self.course.observe(self._on_course, names="value")
            self.activity.observe(self._on_activity, names="value")
        self.refresh()

    def _student_posts(self, course_id: str, activity_id: str) -> pd.DataFrame:
        """The activity's non-deleted posts by students (what a missed question can be)."""
        posts = self.data.posts
        people = self.data.people
        students = set(
            people.loc[
                (people["course_id"] == course_id) & (people["role"] == "student"), "person_id"
            ]
        )
        mine = posts[
            (posts["course_id"] == course_id)
            & (posts["activity_id"] == activity_id)
            & ~posts["deleted"]
            & posts["author_id"].isin(students)
        ]
        return mine.sort_values("created_at")

    def _on_correction(self) -> None:
        """A group was corrected: read the workspace again and redraw this activity."""
        self.version = self.workspace.version()
        self.data = self.workspace.load()
        self._views.clear()
        self.refresh()

    def _on_save(self, _button=None) -> None:
        self.workspace.save_plan(self.course.value, self.activity.value, **self.plan_values())
        self.data = self.workspace.load()
        self._views.clear()
        self.refresh()
        self.saved.value = "Plan saved."


def _wait_for_visitor() -> bool:
    """In a preheated Voila kernel, wait until a visitor arrives; whether it waited.

    A preheated kernel runs the notebook before anyone asks; what it read then (plans,
    corrections, imports, the time) may be stale for its visitor, who is shown the page
    only after :meth:`PreClassDashboard.revisit` has checked. Anywhere else (nbclient,
    JupyterLab, a kernel started for the request) it returns ``False`` at once.
    """
    if os.environ.get("VOILA_PREHEAT", "False") == "False":
        return False
    try:
        from voila.utils import wait_for_request
    except ImportError:  # not served by Voila
        return False
    wait_for_request()
    return True


def build_app(workspace: str | Path | None = None, *, now: datetime | str | None = None):
    """The pre-class dashboard widget for a workspace.

    Parameters
    ----------
    workspace : str or Path, optional
        The workspace folder. Default: the ``ASYNCMON_WORKSPACE`` environment variable,
        set by whoever starts the server (``asyncmon dashboard``); never taken from the
        page's URL.
    now : datetime or str, optional
        The moment to look from. Default: ``ASYNCMON_NOW`` when set (demos replay a moment
        of the sample term), else the real now.

    In a preheated Voila kernel the page is computed ahead; when a visitor arrives the
    workspace is checked (:meth:`Workspace.version`) and the page recomputed if an
    import, a plan or a correction was stored since (or, looking from the real now, if
    it is older than 5 minutes).
    """
    folder = workspace or os.environ.get(WORKSPACE_VARIABLE)
    if not folder:
        raise WorkspaceError(
            f"no workspace: set {WORKSPACE_VARIABLE} or start the dashboard "
            "with 'asyncmon dashboard --workspace DIR'"
        )
    moment = now or os.environ.get(NOW_VARIABLE) or None
    app = PreClassDashboard(
        Workspace(folder, create=False), now=pd.Timestamp(moment) if moment else None
    )
    if _wait_for_visitor():
        app.revisit()
    return app.widget


def dashboard_notebook(name: str = "pre_class_dashboard") -> dict:
    """A dashboard notebook (nbformat 4 JSON): imports, one call, the app.

    ``name`` is ``pre_class_dashboard`` (the teacher's) or ``coordinator_dashboard``;
    ``notebooks/<name>.ipynb`` is this notebook, and an installed package writes it out
    when the repository's copy is not there.
    """
    module, builder, about = _NOTEBOOKS[name]

    def cell(cell_id: str, source: str, kind: str = "code") -> dict:
        extra = {"execution_count": None, "outputs": []} if kind == "code" else {}
        return {"cell_type": kind, "id": cell_id, "metadata": {}, "source": source} | extra

    return {
        "cells": [
            cell("about", about, "markdown"),
            cell("imports", f"from {module} import {builder}"),
            cell("build", f"app = {builder}()"),
            cell("show", "app"),
        ],
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


_NOTEBOOKS = {
    "pre_class_dashboard": (
        "asyncmon.dashboard",
        "build_app",
        "# Getting ready for class\n\nThe next class is chosen for you; pick another course "
        "or activity above the figures. Student posts are shown exactly as written.",
    ),
    "coordinator_dashboard": (
        "asyncmon.coordinator",
        "build_coordinator_app",
        "# Courses side by side\n\nParticipation, teacher presence and whether activities "
        "get feedback and a follow-up, across courses, teachers and weeks.",
    ),
}


def notebook_path(name: str = "pre_class_dashboard") -> Path:
    """A dashboard notebook: the repository's, or a copy written to the user cache."""
    import json

    bundled = Path(__file__).resolve().parent.parent / "notebooks" / f"{name}.ipynb"
    if bundled.exists():
        return bundled
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "asyncmon"
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"{name}.ipynb"
    path.write_text(json.dumps(dashboard_notebook(name), indent=1), encoding="utf-8")
    return path


def voila_command(notebook: Path, *, port: int, preheat: bool = True) -> list[str]:
    """The Voila command line a school would run: local address, a port that fails loudly
    when taken, idle kernels culled, sources stripped, no tracebacks on the page."""
    import sys

    command = [
        sys.executable,
        "-m",
        "voila",
        str(notebook),
        "--no-browser",
        "--Voila.ip=127.0.0.1",
        f"--port={port}",
        "--Voila.port_retries=0",
        "--strip_sources=True",
        "--show_tracebacks=False",
        "--MappingKernelManager.cull_idle_timeout=900",
        "--MappingKernelManager.cull_interval=60",
        "--MappingKernelManager.cull_connected=False",
    ]
    if preheat:
        command += ["--preheat_kernel=True", "--pool_size=1"]
    return command
