"""Closing the loop (asyncmon.followup): the outcome recorded after class, whether the
previous activity's gap came back, and the post students see. Expected values are worked
out by hand from small classes written here."""

import pandas as pd
import pytest

from asyncmon import Workspace
from asyncmon.errors import WorkspaceError
from asyncmon.followup import gap_recurrence, recurrence_text, student_post
from asyncmon.tables import ClassData, make_table

from .other_class import import_other_class

T0 = pd.Timestamp("2026-03-02T09:00Z")
DAY = pd.Timedelta(days=1)


def _class(posts_a1, posts_a2, *, plan=None):
    """Course C (Lisbon), activities a1 then a2 (a week apart), students s1-s4 and a
    teacher t1; posts as (activity, post_id, author, body)."""
    people = [
        {"course_id": "C", "person_id": p, "name": n, "role": r}
        for p, n, r in [
            ("s1", "Ana Lima", "student"),
            ("s2", "Bruno Reis", "student"),
            ("s3", "Carla Dias", "student"),
            ("s4", "Duarte Sá", "student"),
            ("t1", "Prof. Vaz", "teacher"),
        ]
    ]
    acts = [
        {
            "course_id": "C",
            "activity_id": a,
            "title": title,
            "due_at": T0 + i * 7 * DAY,
            "class_starts_at": T0 + (i * 7 + 2) * DAY,
            "concepts": ("osmosis",),
        }
        for i, (a, title) in enumerate([("a1", "Membranes"), ("a2", "Energy")])
    ]
    posts = [
        {
            "course_id": "C",
            "activity_id": act,
            "post_id": pid,
            "thread_id": pid,
            "author_id": author,
            "created_at": T0 + (0 if act == "a1" else 7) * DAY + i * pd.Timedelta(hours=1),
            "deleted": False,
            "body": body,
            "body_format": "text",
            "source": "csv",
        }
        for i, (act, pid, author, body) in enumerate(
            [("a1", *p) for p in posts_a1] + [("a2", *p) for p in posts_a2]
        )
    ]
    plans = []
    if plan:
        plans = [
            {
                "course_id": "C",
                "activity_id": "a1",
                "created_at": T0,
                "updated_at": T0,
                **plan,
            }
        ]
    return ClassData.from_frames(
        courses=make_table("courses", [{"course_id": "C", "timezone": "Europe/Lisbon"}]),
        people=make_table("people", people),
        activities=make_table("activities", acts),
        posts=make_table("posts", posts),
        plans=make_table("plans", plans),
    )


A1 = [("p1", "s1", "Why does osmosis move water into the cell?")]


def _row(result, activity):
    return result.set_index("activity_id").loc[activity]


def test_a_concept_gap_comes_back_when_a_question_names_it():
    data = _class(
        A1,
        [
            ("q1", "s1", "I still don't get why osmosis needs no energy?"),
            ("q2", "s2", "Great week, I understood everything."),
            ("q3", "s3", "What is active transport?"),
            ("q4", "s4", "Osmosis is so cool. What powers the pump?"),  # not a question on it
        ],
        plan={"gap": "osmosis", "gap_source": "concept"},
    )
    r = gap_recurrence(data, method="tfidf", detector="cues")
    a1, a2 = _row(r, "a1"), _row(r, "a2")
    assert pd.isna(a1["previous_activity_id"]) and pd.isna(a1["previous_gap"])
    assert a2["previous_activity_id"] == "a1"
    assert (a2["previous_gap"], a2["previous_gap_source"]) == ("osmosis", "concept")
    assert a2["previous_gap_recurred"] is True or a2["previous_gap_recurred"] == True  # noqa: E712
    assert a2["previous_gap_students"] == 1
    assert a2["previous_gap_student_ids"] == ["s1"]
    assert recurrence_text(a2) == "still asked by 1 student"


def test_a_free_text_gap_comes_back_in_the_same_words_only():
    data = _class(
        A1,
        [
            ("q1", "s2", "Why does water move towards the salt?"),
            ("q2", "s3", "Define chlorophyll photosynthesis role?"),
        ],
        plan={"gap": "why does water move towards the salt", "gap_source": "free-text"},
    )
    a2 = _row(gap_recurrence(data, method="tfidf", detector="cues"), "a2")
    assert a2["previous_gap_student_ids"] == ["s2"]
    assert a2["previous_gap_students"] == 1


def test_a_gap_nobody_raises_again_is_not_raised_again():
    data = _class(
        A1,
        [("q1", "s3", "Define chlorophyll photosynthesis role?")],
        plan={"gap": "osmosis", "gap_source": "concept"},
    )
    a2 = _row(gap_recurrence(data, method="tfidf", detector="cues"), "a2")
    assert a2["previous_gap_recurred"] == False  # noqa: E712
    assert a2["previous_gap_students"] == 0
    assert recurrence_text(a2) == "not raised again"


def test_before_anyone_posts_the_recurrence_is_not_known():
    data = _class(A1, [], plan={"gap": "osmosis", "gap_source": "concept"})
    a2 = _row(gap_recurrence(data, method="tfidf", detector="cues"), "a2")
    assert a2["previous_gap"] == "osmosis"
    assert pd.isna(a2["previous_gap_recurred"]) and pd.isna(a2["previous_gap_students"])
    assert recurrence_text(a2).startswith("not known yet")


def test_a_question_group_gap_is_matched_by_the_groups_wordings():
    asked = "Why does water move towards the salty side of the membrane?"
    data = _class(
        [("p1", "s1", asked), ("p2", "s2", asked), ("p3", "s3", "Who wrote the textbook?")],
        [
            ("q1", "s4", asked),
            ("q2", "s3", "Define chlorophyll photosynthesis role?"),
        ],
    )
    from asyncmon.questions import question_groups

    groups = question_groups(data, activity_id="a1", method="tfidf", detector="cues")
    label = groups.loc[0, "label"]
    assert groups.loc[0, "student_ids"] == ["s1", "s2"]
    data = data.replace(
        plans=make_table(
            "plans",
            [
                {
                    "course_id": "C",
                    "activity_id": "a1",
                    "gap": label,
                    "gap_source": "question-group",
                    "created_at": T0,
                    "updated_at": T0,
                }
            ],
        )
    )
    a2 = _row(gap_recurrence(data, method="tfidf", detector="cues"), "a2")
    assert a2["previous_gap_source"] == "question-group"
    assert a2["previous_gap_student_ids"] == ["s4"]


def test_the_outcome_recorded_after_class_is_shown_on_the_next_activity(tmp_path):
    ws = Workspace(tmp_path / "ws")
    ws.store(_class(A1, [("q1", "s2", "What is active transport?")]))
    ws.record_outcome("C", "a1", "partly", note="  ran out of time ", understood=7, by="kim")
    assert ws.load().outcomes.iloc[0]["note"] == "ran out of time"  # trimmed
    ws.record_outcome("C", "a1", "done", note="finished it", understood=9, by="kim")
    stored = ws.load().outcomes
    assert len(stored) == 1  # recorded again: replaced
    row = stored.iloc[0]
    assert (row["outcome"], row["note"], row["understood"], row["recorded_by"]) == (
        "done",
        "finished it",
        9,
        "kim",
    )
    r = _row(gap_recurrence(ws.load(), method="tfidf", detector="cues"), "a2")
    assert (r["previous_outcome"], r["previous_outcome_note"], r["previous_understood"]) == (
        "done",
        "finished it",
        9,
    )
    assert pd.isna(r["previous_gap"])  # no plan: nothing to check


@pytest.mark.parametrize(
    ("outcome", "understood", "code"),
    [("finished", None, "ASYNC-E220"), ("done", -1, "ASYNC-E221"), ("done", 2.5, "ASYNC-E221")],
)
def test_a_wrong_outcome_is_refused_with_its_code(tmp_path, outcome, understood, code):
    folder = tmp_path / "ws"
    import_other_class(folder)
    ws = Workspace(folder, create=False)
    a = ws.load().activities.iloc[0]
    with pytest.raises(WorkspaceError) as err:
        ws.record_outcome(a["course_id"], a["activity_id"], outcome, understood=understood)
    assert err.value.code == code
    assert ws.load().outcomes.empty


def test_the_student_post_quotes_the_class_without_naming_anyone():
    data = _class(
        [
            ("p1", "s1", "Why does water move towards the salt?"),
            ("p2", "s2", "Why does water move towards the salt?? Bruno said no."),
            ("p3", "s3", "Why does the water move towards the salt"),
        ],
        [],
        plan={
            "gap": "osmosis",
            "gap_source": "concept",
            "feedback": "a drawing of a U-tube",
            "followup_kind": "quick-write",
            "followup_description": "explain a raisin in water",
        },
    )
    post = student_post(data, "C", "a1", method="tfidf")
    assert post.startswith('Thank you to the 3 of you who took part in "Membranes".')
    assert "many of you asked about osmosis" in post
    assert "In class we will start with it: a drawing of a U-tube" in post
    assert "Then a quick write: explain a raisin in water" in post
    for name in ("Ana", "Lima", "Bruno", "Reis", "Carla", "Dias"):
        assert name not in post


def test_the_student_post_quotes_the_top_group_when_no_gap_is_planned():
    data = _class(
        [
            ("p1", "s1", "Why does water move towards the salt?"),
            ("p2", "s2", "Why does water move towards the salt? Ask Carla."),
            ("p3", "s3", "why does water move towards the salt"),
        ],
        [],
    )
    post = student_post(data, "C", "a1", method="tfidf")
    assert "The question that came up most (3 of you asked it" in post
    assert "“Why does water move towards the salt?”" in post
    assert "Carla" not in post  # the wording naming a classmate is not quoted


NOW = pd.Timestamp("2025-03-10T20:00:00Z")  # BIO101's next class is w4's; w3's has run


def test_the_page_records_the_outcome_and_the_next_activity_shows_it(workspace):
    from asyncmon.dashboard import PreClassDashboard

    w3 = workspace.load().activities.set_index(["course_id", "activity_id"]).loc[("BIO101", "w3")]
    concept = w3["concepts"][0]
    workspace.save_plan("BIO101", "w3", gap=concept, gap_source="concept", feedback="a demo")
    app = PreClassDashboard(workspace, now=NOW, method="tfidf", ahead=False)
    assert app.activity.value == "w4"
    assert f"Gap chosen in w3:</b> {concept} (concept)" in app.top.value
    assert "Follow-up in class:</b> outcome not recorded yet" in app.top.value
    assert "Did the gap come back?" in app.top.value
    app.activity.value = "w3"
    assert app.outcome.value == "" and app.outcome_saved.value == ""
    app.outcome.value = "partly"
    app.outcome_note.value = "ran short <of time>"
    app.understood.value = "twelve"
    app._on_save_outcome()
    assert "not a number of students" in app.outcome_saved.value
    assert workspace.load().outcomes.empty  # nothing stored from a wrong form
    app.understood.value = "12"
    app._on_save_outcome()
    assert app.outcome_saved.value == "Outcome saved."
    stored = workspace.load().outcomes.iloc[0]
    assert (stored["activity_id"], stored["outcome"], stored["understood"]) == ("w3", "partly", 12)
    app.activity.value = "w4"  # the next activity's view was recomputed with the outcome
    assert (
        "Follow-up in class:</b> partly; 12 students showed they got it; "
        "ran short &lt;of time&gt;" in app.top.value
    )
    # the brief of w4 says it too, and a new page finds the outcome on w3
    assert "Since last time" in app.view.brief_markdown
    again = PreClassDashboard(workspace, now=NOW, method="tfidf", ahead=False)
    again.activity.value = "w3"
    assert (again.outcome.value, again.understood.value) == ("partly", "12")
    assert again.outcome_saved.value == "Outcome recorded."


def test_the_page_offers_the_post_for_students_escaped(workspace):
    from asyncmon.page_view import activity_view

    workspace.save_plan("BIO101", "w4", gap="<script>alert(1)</script>", gap_source="free-text")
    view = activity_view(workspace.load(), "BIO101", "w4", now=NOW, method="tfidf")
    assert "What came up most: <script>alert(1)</script>" in view.student_post
    assert "<script>" not in view.brief_links_html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in view.brief_links_html
    assert "brief-BIO101-w4-students.txt" in view.brief_links_html


def test_the_metrics_document_closes_the_loop():
    from asyncmon.metrics import metrics_document

    data = _class(
        A1,
        [("q1", "s1", "Why is osmosis passive?"), ("q2", "s2", "What is a pump?")],
        plan={"gap": "osmosis", "gap_source": "concept"},
    )
    rows = {a["activity_id"]: a for a in metrics_document(data, method="tfidf")["activities"]}
    assert rows["a1"]["previous_gap"] is None and rows["a1"]["previous_gap_recurred"] is None
    assert rows["a2"]["previous_gap"] == "osmosis"
    assert rows["a2"]["previous_gap_recurred"] is True
    assert rows["a2"]["previous_gap_students"] == 1
    assert rows["a2"]["previous_outcome"] is None


def test_the_brief_command_prints_the_post_for_students(tmp_path, capsys):
    from asyncmon.cli import main

    ws = Workspace(tmp_path / "ws")
    ws.store(
        _class(
            [
                ("p1", "s1", "Why does water move towards the salt?"),
                ("p2", "s2", "Why does water move towards the salt, Ana?"),
            ],
            [],
            plan={"gap": "osmosis", "gap_source": "concept", "feedback": "a U-tube"},
        )
    )
    args = ["brief", "--workspace", str(tmp_path / "ws"), "--course", "C", "--activity", "a1"]
    assert main([*args, "--for-students"]) == 0
    out = capsys.readouterr().out
    assert out == (
        'Thank you to the 2 of you who took part in "Membranes".\n'
        "\n"
        "What came up most: many of you asked about osmosis.\n"
        "\n"
        "In class we will start with it: a U-tube\n"
        "\n"
        "If you have not posted yet, you can still add your thoughts before class.\n"
    )
    with pytest.raises(SystemExit):  # one shape at a time
        main([*args, "--for-students", "--html"])


def test_the_page_offers_the_courses_spreadsheet(workspace):
    import base64
    import io
    import re

    import openpyxl

    from asyncmon.dashboard import PreClassDashboard

    app = PreClassDashboard(workspace, now=NOW, method="tfidf", ahead=False)
    assert app.export_link.value == ""
    app._on_export()
    link = app.export_link.value
    assert "download='BIO101.xlsx'" in link and "students by pseudonym" in link
    encoded = re.search(r"base64,([A-Za-z0-9+/=]+)'", link).group(1)
    book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(encoded)))
    data = workspace.load()
    names = set(data.people.loc[data.people["role"] == "student", "name"])
    cells = {
        str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row
    }
    assert not names & cells  # pseudonyms only
    participation = book["participation"]
    students = ((data.people["course_id"] == "BIO101") & (data.people["role"] == "student")).sum()
    activities = (data.activities["course_id"] == "BIO101").sum()
    assert participation.max_row - 1 == students * activities  # one row each, BIO101 only
    app.course.value = "HIS210"  # another course: the link would be stale, so it goes
    assert app.export_link.value == ""
