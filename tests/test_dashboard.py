"""The dashboard's logic without a browser: the view, the plan form, escaping, serving."""

import json
from pathlib import Path

import pandas as pd
import pytest

from asyncmon import WorkspaceError, load_sample
from asyncmon.dashboard import PreClassDashboard, build_app
from asyncmon.page_parts import download_link, groups_html, queue_html
from asyncmon.page_view import activity_view, default_activity
from asyncmon.serving import dashboard_notebook, voila_command
from asyncmon.snapshot import known_at

NOW = pd.Timestamp("2025-03-10T20:00:00Z")


@pytest.fixture(scope="module")
def sample():
    return load_sample()


def test_the_next_class_is_chosen_and_only_what_was_known_then_counts(sample):
    assert default_activity(sample, NOW) == ("BIO101", "w4")
    # after the last class of the term, the latest activity
    assert default_activity(sample, pd.Timestamp("2026-01-01T00:00Z")) == ("HIS210", "w7")
    snapshot = known_at(sample, NOW)
    assert snapshot.posts["created_at"].max() <= NOW
    assert len(snapshot.posts) < len(sample.posts)


def test_activity_view_numbers(sample):
    view = activity_view(
        sample, "BIO101", "w2", now=pd.Timestamp("2025-03-01T00:00Z"), method="tfidf"
    )
    # planted: BIO101 w2 19 on time, 2 late, 1 after class (before 1 March: all in)
    assert view.took_part == "21 of 26 students before class (2 late); 1 after class"
    assert view.coverage == "9 of 21 (43%) acknowledged before class"
    assert view.missing_names == [
        "Aisha Bello",
        "Benjamin Adeyemi",
        "Kwame Mensah",
        "Matteo Bianchi",
    ]
    assert view.verdict == "homework" and view.timing.startswith("Class Tue 25 Feb 09:00")
    assert "(started 3.7 days ago)" in view.timing  # 08:00Z 25 Feb to 1 Mar: 88 h
    assert view.brief_markdown.startswith("# Pre-class brief: w2")


def test_the_plan_form_saves_and_comes_back(workspace):
    app = PreClassDashboard(workspace, now=NOW, method="tfidf", ahead=False)
    assert (app.course.value, app.activity.value) == ("BIO101", "w4")
    assert app.saved.value == "No plan saved yet."
    question = next(v for _, v in app.gap.options if v.startswith("question-group|"))
    app.gap.value = question
    app.feedback.value = "Open with the candle-in-a-jar demo"
    app.followup.value = "other"
    app._on_save()
    assert app.saved.value == "Plan saved."
    assert "The follow-up activity &#39;other&#39; needs a description." in app.verdict.value
    stored = workspace.load().plans.set_index("activity_id").loc["w4"]
    assert stored["gap"] == question.split("|", 1)[1]
    assert stored["gap_source"] == "question-group"
    # a new page finds it
    again = PreClassDashboard(workspace, now=NOW, method="tfidf", ahead=False)
    assert again.gap.value == question and again.feedback.value.startswith("Open with")
    assert again.saved.value == "Saved plan loaded."
    # free text gap
    again.gap.value = "free-text|"
    again.gap_text.value = "why oxygen matters at the end"
    assert again.plan_values()["gap"] == "why oxygen matters at the end"


def test_switching_course_and_activity_follows(workspace):
    app = PreClassDashboard(workspace, now=NOW, method="tfidf", ahead=False)
    app.course.value = "HIS210"
    # NOW is Mon 10 Mar 20:00 UTC; HIS210's w3 class was Tue 4 Mar, w4's is Tue 11 Mar
    # 10:30 New York (14:30 UTC): the next class, not the term's last activity (w7)
    assert app.activity.value == "w4" and app.view.course_id == "HIS210"
    app.activity.value = "w3"
    assert app.view.activity_id == "w3" and "w3" in app.top.value


def test_student_text_is_escaped_in_every_html_piece():
    queue = pd.DataFrame(
        [
            {
                "rank": 1,
                "name": "<b>Eve</b>",
                "status": "on_time",
                "waiting_hours": 5.0,
                "unacknowledged_streak": 2,
                "snippet": "<img src=x onerror=alert(1)>",
            }
        ]
    )
    page = queue_html(queue)
    assert "<img" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "&lt;b&gt;Eve&lt;/b&gt;" in page
    groups = pd.DataFrame(
        [
            {
                "rank": 1,
                "label": "<script>x</script>",
                "students": 2,
                "answered": False,
                "examples": ["<script>alert(1)</script>"],
                "student_ids": ["1"],
            }
        ]
    )
    body = groups_html(groups, {"1": "<i>Mallory</i>"}, [("<b>osmosis</b>", 2)])
    assert "&lt;b&gt;osmosis&lt;/b&gt;: 2 students" in body
    assert "<script>" not in body and "&lt;i&gt;Mallory&lt;/i&gt;" in body
    link = download_link("Brief", "<script>alert(1)</script>", "b'.html", "text/html")
    assert "<script>" not in link and "b&#39;.html" in link


def test_the_app_needs_a_workspace_chosen_by_whoever_starts_the_server(monkeypatch, tmp_path):
    monkeypatch.delenv("ASYNCMON_WORKSPACE", raising=False)
    with pytest.raises(WorkspaceError, match="no workspace: set ASYNCMON_WORKSPACE"):
        build_app()
    with pytest.raises(WorkspaceError, match="is not an asyncmon workspace"):
        build_app(tmp_path / "none")


def test_notebook_and_server_command():
    folder = Path(__file__).parent.parent / "notebooks"
    for name in ("pre_class_dashboard", "coordinator_dashboard"):
        assert json.loads((folder / f"{name}.ipynb").read_text()) == dashboard_notebook(name)
    path = folder / "pre_class_dashboard.ipynb"
    command = " ".join(voila_command(path, port=9999))
    for flag in (
        "--Voila.port_retries=0",
        "--Voila.ip=127.0.0.1",
        "--port=9999",
        "--strip_sources=True",
        "--show_tracebacks=False",
        "--MappingKernelManager.cull_idle_timeout=60",
        "--preheat_kernel=True",
    ):
        assert flag in command


def test_the_page_corrects_the_groups_and_shows_the_corrected_main_gap(workspace):
    app = PreClassDashboard(workspace, now=NOW, method="tfidf", ahead=False)
    editor = app.editor
    groups = app.view.groups
    assert len(editor.group.options) == len(groups) >= 2
    # rename the top group: the main-gap card and the brief use the teacher's words
    editor.group.value = 0
    editor.name.value = "Why does oxygen matter <at the end>?"
    editor.rename.click()
    assert editor.status.value == "Renamed."
    assert app.view.groups.iloc[0]["label"] == "Why does oxygen matter <at the end>?"
    assert "Why does oxygen matter &lt;at the end&gt;?" in app.top.value
    assert "Why does oxygen matter &lt;at the end&gt;?" in app.view.brief_html
    # merge the second group into the first: one group fewer, the students add up
    second = app.view.groups.iloc[1]
    editor.group.value, editor.other.value = 0, 1
    editor.merge.click()
    merged = app.view.groups.iloc[0]
    assert len(app.view.groups) == len(groups) - 1
    assert set(second["student_ids"]) <= set(merged["student_ids"])
    # dismiss a unit: it leaves the group
    editor.group.value = 0
    unit = editor.units.options[0][1]
    editor.units.value = (unit,)
    editor.dismiss.click()
    assert unit not in app.view.groups.iloc[0]["unit_ids"]
    stored = workspace.load().corrections
    assert stored["action"].tolist() == ["rename", "merge", "dismiss"]
    assert set(stored["created_by"]) == {"page"}
    # undo twice: the merge is back to two groups, the rename stays
    editor.undo.click()
    editor.undo.click()
    assert len(app.view.groups) == len(groups)
    assert app.view.groups.iloc[0]["label"] == "Why does oxygen matter <at the end>?"
    # an action without its pick says what to do
    editor.units.value = ()
    editor.move.click()
    assert editor.status.value == "pick the units to move out"


def test_a_page_computed_ahead_is_redrawn_only_when_the_workspace_changed(workspace):
    app = PreClassDashboard(workspace, now=NOW, method="tfidf", ahead=False)
    view = app.view
    assert app.revisit() is False and app.view is view  # nothing changed: kept as is
    workspace.save_plan("BIO101", "w4", feedback="Open with the candle demo")
    assert app.revisit() is True
    assert app.feedback.value == "Open with the candle demo"
    assert app.revisit() is False
