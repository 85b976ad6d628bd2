"""The teacher's pre-class dashboard: an ipywidgets app over the library.

Two layers, so that the logic is tested without a browser:

- :func:`~asyncmon.page_view.activity_view` (in :mod:`asyncmon.page_view`) computes
  everything one activity's page shows, as plain values and escaped HTML/SVG strings,
  from a :class:`~asyncmon.snapshot.Snapshot` (each table computed once and shared by
  the page and the brief);
- :class:`PreClassDashboard` holds a fixed set of widgets and sets their values to a
  view. Views of the other activities are computed ahead in one background thread,
  most likely next first, so a switch only sets values; a view not ready yet shows a busy
  sign while it is computed.

Every piece of user text goes into HTML through a template that escapes
(:mod:`asyncmon.page_parts`; an ``ipywidgets.HTML`` renders markup; Voila trusts its
outputs). The charts are SVG drawn
here (:mod:`asyncmon.charts`): no plotly widget and no JavaScript bundle on this page.

The notebook ``notebooks/pre_class_dashboard.ipynb`` holds only ``build_app()``.
"""

from __future__ import annotations

import os
import threading
from collections import deque
from collections.abc import Callable, Collection
from datetime import datetime
from pathlib import Path

import pandas as pd

from .errors import PlanChangedError
from .formatting import course_label
from .group_editor import GroupEditor
from .page_parts import (
    STYLE,
    busy_html,
    download_link,
    section_html,
    working_html,
)
from .page_view import ActivityView, _next_class, activity_view, default_activity
from .planning import FOLLOWUP_KINDS
from .serving import (  # noqa: F401  (the server's names, where they used to be)
    NOW_VARIABLE,
    WORKSPACE_VARIABLE,
    dashboard_notebook,
    notebook_path,
    served_workspace,
    voila_command,
    wait_for_visitor,
)
from .snapshot import Snapshot
from .store import Workspace
from .tables import OUTCOMES

__all__ = ["PreClassDashboard", "build_app"]

_STALE_AFTER = pd.Timedelta(minutes=5)  # a page looking from the real now is redrawn after
MAX_AHEAD = 60  # views computed ahead (and kept) per page: bounded whatever the workspace


class _Ahead:
    """Computes views in one background thread, the most wanted first.

    ``get(key)`` returns a view at once when it is ready, else moves it to the front and
    waits for it. ``restart`` starts over from a new snapshot: what was computed from the
    old one is dropped (all of it, or only the view named). At most ``MAX_AHEAD`` views
    are kept.
    """

    def __init__(self, compute: Callable[[Snapshot, tuple[str, str]], ActivityView]):
        self._compute = compute
        self._cond = threading.Condition()
        self._todo: deque[tuple[str, str]] = deque()
        self._done: dict[tuple[str, str], ActivityView] = {}
        self._errors: dict[tuple[str, str], BaseException] = {}
        self._snapshot: Snapshot | None = None
        self._generation = 0
        self._thread: threading.Thread | None = None
        self.running = True

    def restart(
        self,
        snapshot: Snapshot,
        keys: list[tuple[str, str]],
        *,
        drop: Collection[tuple[str, str]] | None = None,
    ) -> None:
        with self._cond:
            self._generation += 1
            self._snapshot = snapshot
            self._done = (
                {} if drop is None else {k: v for k, v in self._done.items() if k not in drop}
            )
            self._errors.clear()
            self._todo = deque(k for k in keys[:MAX_AHEAD] if k not in self._done)
            self._cond.notify_all()
        if self._thread is None:
            self._thread = threading.Thread(target=self._work, name="asyncmon-ahead", daemon=True)
            self._thread.start()

    def ready(self, key: tuple[str, str]) -> bool:
        with self._cond:
            return key in self._done

    def get(self, key: tuple[str, str]) -> ActivityView:
        with self._cond:
            if key not in self._done:
                if key in self._todo:
                    self._todo.remove(key)
                self._todo.appendleft(key)
                self._cond.notify_all()
            while key not in self._done and key not in self._errors:
                self._cond.wait()
            if key in self._errors:
                raise self._errors.pop(key)
            return self._done[key]

    def stop(self) -> None:
        with self._cond:
            self.running = False
            self._cond.notify_all()

    def _work(self) -> None:
        while True:
            with self._cond:
                while self.running and not self._todo:
                    self._cond.wait()
                if not self.running:
                    return
                key = self._todo.popleft()
                if key in self._done:
                    continue
                snapshot, generation = self._snapshot, self._generation
            if snapshot is None:  # work is queued only once a snapshot is set
                continue
            try:
                view, error = self._compute(snapshot, key), None
            except Exception as exc:  # shown by whoever asked for this view
                view, error = None, exc
            with self._cond:
                if generation == self._generation:
                    if view is not None:
                        if len(self._done) >= MAX_AHEAD:
                            self._done.pop(next(iter(self._done)))
                        self._done[key] = view
                    elif error is not None:
                        self._errors[key] = error
                self._cond.notify_all()


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
    ahead : bool, default True
        Compute the other activities' views in the background (the served page does;
        a script that looks at one view can turn it off).

    Attributes
    ----------
    widget : ipywidgets.VBox
        The app; display it (the notebook's last cell).
    view : ActivityView
        What the page shows now.
    """

    def __init__(
        self,
        workspace: Workspace,
        *,
        now: datetime | None = None,
        method: str = "auto",
        ahead: bool = True,
    ):
        import ipywidgets as w

        self.workspace = workspace
        self.now = pd.Timestamp(now) if now is not None else None
        self.method = method
        self.ahead = ahead
        self._worker = _Ahead(lambda snap, key: activity_view(snap, *key))
        self._read()
        course_id, activity_id = default_activity(self.data, self.snapshot.now)

        def widget(kind, css, **options):
            made = kind(**options)
            made.add_class(css)  # what the browser tests and the benchmark select
            return made

        self.course = widget(
            w.Dropdown,
            "asyncmon-course",
            description="Course",
            options=self._course_options(),
            value=course_id,
        )
        self.activity = widget(
            w.Dropdown,
            "asyncmon-activity",
            description="Activity",
            options=self._activity_options(course_id),
            value=activity_id,
        )
        # read-only parts are a few HTML widgets (each widget is three models for the
        # browser to fetch and draw); the class names inside are what tests select
        self.busy = widget(w.HTML, "asyncmon-busy")
        self.top = widget(w.HTML, "asyncmon-top")  # title, timing, warning, cards
        self.needs_you = widget(w.HTML, "asyncmon-queue")
        self.groups = widget(w.HTML, "asyncmon-groups")
        self._editor: GroupEditor | None = None  # built when the teacher opens it
        self._exported: str | None = None  # the course whose spreadsheet is offered
        self.edit_open = widget(w.Button, "asyncmon-edit-open", description="Correct the groups…")
        self.edit_open.on_click(lambda _: self._open_editor())
        self.editor_box = widget(w.VBox, "asyncmon-editor-box", children=[self.edit_open])
        self.charts = widget(w.HTML, "asyncmon-charts")
        self.network = widget(w.HTML, "asyncmon-network")
        self.gap = widget(w.Dropdown, "asyncmon-plan-gap", description="Main gap")
        self.gap_text = widget(
            w.Text,
            "asyncmon-plan-gap-text",
            description="Gap (free text)",
            placeholder="your own words",
        )
        self.feedback = widget(
            w.Textarea,
            "asyncmon-plan-feedback",
            description="Feedback",
            placeholder="How the next class opens with feedback on the gap",
            layout=w.Layout(width="90%", height="80px"),
        )
        self.followup = widget(
            w.Dropdown,
            "asyncmon-plan-followup",
            description="Follow-up",
            options=[("— choose —", "")] + [(k.replace("-", " "), k) for k in FOLLOWUP_KINDS],
        )
        self.description = widget(
            w.Text,
            "asyncmon-plan-description",
            description="Describe",
            placeholder="the follow-up activity",
            layout=w.Layout(width="90%"),
        )
        self.save = widget(
            w.Button, "asyncmon-plan-save", description="Save plan", button_style="primary"
        )
        self.saved = widget(w.Label, "asyncmon-plan-saved")
        self.load_theirs = widget(w.Button, "asyncmon-plan-load", description="Load the saved plan")
        self.overwrite = widget(
            w.Button, "asyncmon-plan-overwrite", description="Overwrite it with mine"
        )
        self.conflict = widget(
            w.HBox,
            "asyncmon-conflict",
            children=[self.load_theirs, self.overwrite],
            layout=w.Layout(display="none"),
        )
        self.outcome = widget(
            w.Dropdown,
            "asyncmon-outcome",
            description="Follow-up",
            options=[("— not recorded —", "")] + [(o, o) for o in OUTCOMES],
        )
        self.outcome_note = widget(
            w.Text,
            "asyncmon-outcome-note",
            description="Note",
            placeholder="what worked, what to change",
            layout=w.Layout(width="90%"),
        )
        self.understood = widget(
            w.Text,
            "asyncmon-outcome-understood",
            description="Got it",
            placeholder="how many students showed they got it (optional)",
            layout=w.Layout(width="60%"),
        )
        self.save_outcome = widget(w.Button, "asyncmon-outcome-save", description="Save outcome")
        self.outcome_saved = widget(w.Label, "asyncmon-outcome-saved")
        self.export_names = widget(
            w.Checkbox,
            "asyncmon-export-names",
            description="students by name (else by pseudonym)",
            value=False,
            indent=False,
        )
        self.export = widget(w.Button, "asyncmon-export", description="Prepare the spreadsheet")
        self.export_link = widget(w.HTML, "asyncmon-export-link")
        self.verdict = widget(w.HTML, "asyncmon-verdict")
        self.brief = widget(w.HTML, "asyncmon-brief")

        self.course.observe(self._on_course, names="value")
        self.activity.observe(self._on_activity, names="value")
        self.save.on_click(self._on_save)
        self.load_theirs.on_click(self._on_load_theirs)
        self.overwrite.on_click(self._on_overwrite)
        self.save_outcome.on_click(self._on_save_outcome)
        self.export.on_click(self._on_export)

        section = lambda title: w.HTML(section_html(title))  # noqa: E731
        self.content = widget(
            w.VBox,
            "asyncmon-content",
            children=[
                self.top,
                self.needs_you,
                self.groups,
                self.editor_box,
                self.charts,
                self.network,
                section("Plan for class"),
                self.gap,
                self.gap_text,
                self.feedback,
                self.followup,
                self.description,
                w.HBox([self.save, self.saved]),
                self.conflict,
                section("After class: how did the follow-up go?"),
                self.outcome,
                self.outcome_note,
                self.understood,
                w.HBox([self.save_outcome, self.outcome_saved]),
                self.verdict,
                self.brief,
                section("Spreadsheet of the course"),
                w.HBox([self.export, self.export_names]),
                self.export_link,
            ],
        )
        self.widget = widget(
            w.VBox,
            "asyncmon-app",
            children=[w.HTML(STYLE), w.HBox([self.course, self.activity]), self.busy, self.content],
        )
        self._start_ahead()
        self.refresh()

    # -- data ---------------------------------------------------------------------------

    def _read(self) -> None:
        """Read the workspace and make a snapshot of it from the page's moment."""
        self.version = self.workspace.version()
        self.data = self.workspace.load()
        self.computed_at = pd.Timestamp.now(tz="UTC")
        self.snapshot = Snapshot(self.data, now=self.now, method=self.method)

    def _ahead_keys(self, first: tuple[str, str]) -> list[tuple[str, str]]:
        """Every activity, the most likely next first: the one shown, its course's
        activities nearest in time, each other course's next class, then the rest."""
        moment = self.snapshot.now
        acts = self.data.activities
        acts = acts.assign(d=(acts["class_starts_at"] - moment).abs()).sort_values("d")
        near = list(zip(acts["course_id"], acts["activity_id"]))
        keys = [first] + [k for k in near if k[0] == first[0]]
        keys += [_next_class(group, moment) for _, group in acts.groupby("course_id")]
        return list(dict.fromkeys(keys + near))

    def _start_ahead(self, *, drop: Collection[tuple[str, str]] | None = None) -> None:
        """Compute views from the current snapshot: all of them again, or, with ``drop``,
        only those activities' (the others do not depend on what changed there)."""
        first = (self.course.value, self.activity.value)
        keys = self._ahead_keys(first) if self.ahead else [first]
        self._worker.restart(self.snapshot, keys, drop=drop)

    def _course_options(self) -> list[tuple[str, str]]:
        return [
            (course_label(c.course_id, c.title), c.course_id)
            for c in self.data.courses.sort_values("course_id").itertuples()
        ]

    def _activity_options(self, course_id: str) -> list[tuple[str, str]]:
        acts = self.data.activities[self.data.activities["course_id"] == course_id]
        return [
            (f"{a.activity_id} · {a.title}", a.activity_id)
            for a in acts.sort_values("class_starts_at").itertuples()
        ]

    # -- showing ------------------------------------------------------------------------

    def _on_course(self, change) -> None:
        options = self._activity_options(change["new"])
        self.activity.unobserve(self._on_activity, names="value")
        self.activity.options = options
        # the course's next class (or its latest one when none is ahead), as on arrival
        course = self.data.activities[self.data.activities["course_id"] == change["new"]]
        self.activity.value = _next_class(course, self.snapshot.now)[1] if options else None
        self.activity.observe(self._on_activity, names="value")
        self.refresh()

    def _on_activity(self, change) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Show the selected activity's view (computed ahead, or now behind a busy sign)."""
        key = (self.course.value, self.activity.value)
        if not self._worker.ready(key):
            self.busy.value = busy_html(*key)
            self.content.add_class("am-stale")
        try:
            self.view = view = self._worker.get(key)
        finally:
            self.busy.value = ""
            self.content.remove_class("am-stale")
        self.top.value = view.top_html
        self.needs_you.value = view.needs_you_html
        self.groups.value = view.groups_html
        if self._editor is not None:
            self._editor.show(view.course_id, view.activity_id, view.groups, view.missed_posts)
        self.charts.value = view.charts_html
        self.network.value = view.network_html
        self._fill_plan(view)
        self.verdict.value = view.verdict_html
        self.brief.value = view.brief_links_html
        if self._exported != view.course_id:
            self.export_link.value = ""

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
        self.conflict.layout.display = "none"
        done = view.outcome
        self.outcome.value = done.get("outcome") or ""
        self.outcome_note.value = done.get("note") or ""
        self.understood.value = "" if done.get("understood") is None else str(done["understood"])
        self.outcome_saved.value = "Outcome recorded." if done else ""

    # -- changes ------------------------------------------------------------------------

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
        self._read()
        if self.now is None:  # the real now: open the class that is next now
            course_id, activity_id = default_activity(self.data, self.snapshot.now)
            self.course.unobserve(self._on_course, names="value")
            self.activity.unobserve(self._on_activity, names="value")
            self.course.options = self._course_options()
            self.course.value = course_id
            self.activity.options = self._activity_options(course_id)
            self.activity.value = activity_id
            self.course.observe(self._on_course, names="value")
            self.activity.observe(self._on_activity, names="value")
        self._start_ahead()
        self.refresh()
        return True

    def _changed(self, key: tuple[str, str]) -> None:
        """This activity's plan, outcome or groups changed: read the workspace, recompute
        its view and its course's next activity's (which says whether the gap came back
        and how the follow-up went); the other views do not depend on it and are kept."""
        self._read()
        course = self.data.activities[self.data.activities["course_id"] == key[0]]
        order = list(course.sort_values(["class_starts_at", "activity_id"])["activity_id"])
        after = order[order.index(key[1]) + 1 :][:1] if key[1] in order else []
        self._start_ahead(drop={key} | {(key[0], a) for a in after})
        self.refresh()

    @property
    def editor(self) -> GroupEditor:
        """The controls that correct the groups (built when first opened)."""
        return self._open_editor()

    def _open_editor(self) -> GroupEditor:
        if self._editor is None:
            self._editor = GroupEditor(self.workspace, self._on_correction)
            v = self.view
            self._editor.show(v.course_id, v.activity_id, v.groups, v.missed_posts)
            self.editor_box.children = (self._editor.widget,)
        return self._editor

    def _on_correction(self) -> None:
        self._changed((self.course.value, self.activity.value))

    def _on_save(self, _button=None, *, overwrite: bool = False) -> None:
        key = (self.course.value, self.activity.value)
        values = self.plan_values()
        try:
            if overwrite:
                self.workspace.save_plan(*key, **values)
            else:
                self.workspace.save_plan(*key, **values, expected=self.view.plan)
        except PlanChangedError:
            self.conflict.layout.display = "flex"  # the choice first, then the words
            self.saved.value = (
                "This plan was changed elsewhere since you opened it: load the saved plan, "
                "or overwrite it with yours."
            )
            return
        self._changed(key)
        self.saved.value = "Plan saved."

    def _on_save_outcome(self, _button=None) -> None:
        key = (self.course.value, self.activity.value)
        if not self.outcome.value:
            self.outcome_saved.value = "Choose done, partly or not done first."
            return
        told = self.understood.value.strip()
        if told and not (told.isdigit() and told.isascii()):
            self.outcome_saved.value = f"'{told}' is not a number of students: write e.g. 12."
            return
        self.workspace.record_outcome(
            *key,
            self.outcome.value,
            note=self.outcome_note.value,
            understood=int(told) if told else None,
        )
        self._changed(key)
        self.outcome_saved.value = "Outcome saved."

    def _on_export(self, _button=None) -> None:
        """Work out the course's spreadsheet (as ``asyncmon export`` does) and offer it."""
        from .export import export_tables, to_xlsx_bytes
        from .pseudonyms import Pseudonymizer, workspace_secret

        course_id = self.course.value
        self.export_link.value = working_html(f"the spreadsheet of {course_id}")
        named = self.export_names.value
        tables = export_tables(
            self.snapshot.course(course_id),
            show_names=named,
            pseudonyms=None if named else Pseudonymizer(workspace_secret(self.workspace.path)),
            method=self.method,
        )
        rows = sum(len(t) for t in tables.values())
        self._exported = course_id
        self.export_link.value = download_link(
            f"Download {course_id}.xlsx ({len(tables)} sheets, {rows} rows, "
            f"students {'by name' if named else 'by pseudonym'})",
            to_xlsx_bytes(tables),
            f"{course_id}.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )

    def _on_overwrite(self, _button=None) -> None:
        self._on_save(overwrite=True)

    def _on_load_theirs(self, _button=None) -> None:
        self._changed((self.course.value, self.activity.value))
        self.saved.value = "The saved plan is loaded."

    def close(self) -> None:
        """Stop computing ahead and close the widgets."""
        self._worker.stop()
        self.widget.close()


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

    In a preheated Voila kernel the page is computed ahead (every activity's view, in the
    background, while the kernel waits); when a visitor arrives the workspace is checked
    (:meth:`Workspace.version`) and the page recomputed if an import, a plan or a
    correction was stored since (or, looking from the real now, if it is older than 5
    minutes).
    """
    folder = served_workspace(workspace, "dashboard")
    moment = now or os.environ.get(NOW_VARIABLE) or None
    app = PreClassDashboard(
        Workspace(folder, create=False), now=pd.Timestamp(moment) if moment else None
    )
    if wait_for_visitor():
        app.revisit()
    return app.widget
