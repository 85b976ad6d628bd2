"""One click to acknowledge: the schedule's optional ``url`` column, each post's address
in its LMS (addresses written out by hand from how Moodle and Canvas spell them), the
links on the page and in the brief, and workspaces made before the column existed."""

import sqlite3

import pandas as pd
import pytest

from asyncmon import Workspace, acknowledgements
from asyncmon.coverage import acknowledgement_queue
from asyncmon.page_parts import queue_html
from asyncmon.sources.links import post_url
from asyncmon.tables import ClassData, make_table

from .other_class import csv_bytes

T0 = pd.Timestamp("2026-03-02T09:00Z")
HOUR = pd.Timedelta(hours=1)


@pytest.mark.parametrize(
    ("url", "source", "expected"),
    [
        (
            "https://moodle.school.org/mod/forum/view.php?f=9",
            "moodle-json",
            "https://moodle.school.org/mod/forum/discuss.php?d=T7#pP8",
        ),
        (
            "http://lms.uni.edu/moodle/mod/forum/view.php?id=3",
            "moodle-csv",
            "http://lms.uni.edu/moodle/mod/forum/discuss.php?d=T7#pP8",
        ),
        (
            "https://uni.instructure.com/courses/12/discussion_topics/340?module_item_id=5",
            "canvas-json",
            "https://uni.instructure.com/courses/12/discussion_topics/340?entry_id=P8",
        ),
        ("https://forum.school.org/t/week-3", "csv", "https://forum.school.org/t/week-3"),
        ("forum.school.org/t/week-3", "csv", None),
        ("javascript:alert(1)", "csv", None),
        ("https://x.org/'onmouseover='alert(1)", "csv", None),
        (None, "moodle-csv", None),
    ],
)
def test_a_posts_address_in_its_lms(url, source, expected):
    assert post_url(url, source, "T7", "P8") == expected


def test_ids_are_quoted_inside_the_address():
    assert (
        post_url("https://m.org/mod/forum/view.php?f=1", "moodle-csv", "a&b", "1#2")
        == "https://m.org/mod/forum/discuss.php?d=a%26b#p1%232"
    )


def _moodle_class(url):
    people = [
        {"course_id": "M", "person_id": p, "name": n, "role": r}
        for p, n, r in [("u1", "Ines", "student"), ("u2", "Omar", "student"), ("t", "T", "teacher")]
    ]
    posts = [
        {
            "course_id": "M",
            "activity_id": "f1",
            "post_id": pid,
            "thread_id": thread,
            "parent_id": parent,
            "author_id": author,
            "created_at": T0 + i * HOUR,
            "deleted": False,
            "body": body,
            "body_format": "text",
            "source": "moodle-csv",
        }
        for i, (pid, thread, parent, author, body) in enumerate(
            [
                ("501", "77", None, "u1", "First thoughts"),
                ("502", "77", "501", "u2", "I agree"),
                ("503", "78", None, "u2", "Another thread"),
            ]
        )
    ]
    return ClassData.from_frames(
        courses=make_table("courses", [{"course_id": "M", "timezone": "Africa/Nairobi"}]),
        people=make_table("people", people),
        activities=make_table(
            "activities",
            [
                {
                    "course_id": "M",
                    "activity_id": "f1",
                    "title": "Forum 1",
                    "due_at": T0 + 24 * HOUR,
                    "class_starts_at": T0 + 48 * HOUR,
                    "url": url,
                }
            ],
        ),
        posts=make_table("posts", posts),
    )


def test_the_queue_links_each_student_to_their_first_post():
    data = _moodle_class("https://m.school.org/mod/forum/view.php?f=4")
    queue = acknowledgement_queue(data, acknowledgements(data), "M", "f1")
    links = dict(zip(queue["student_id"], queue["link"]))
    assert links == {
        "u1": "https://m.school.org/mod/forum/discuss.php?d=77#p501",
        "u2": "https://m.school.org/mod/forum/discuss.php?d=77#p502",
    }
    page = queue_html(queue)
    assert (
        "<a href='https://m.school.org/mod/forum/discuss.php?d=77#p501' target='_blank' "
        "rel='noopener noreferrer'" in page
    )
    without = _moodle_class(None)
    queue = acknowledgement_queue(without, acknowledgements(without), "M", "f1")
    assert queue["link"].isna().all() and "<a " not in queue_html(queue)


def test_the_brief_links_the_queue():
    from asyncmon.brief import pre_class_brief

    data = _moodle_class("https://m.school.org/mod/forum/view.php?f=4")
    brief = pre_class_brief(data, "M", "f1", groups=None)
    assert "<https://m.school.org/mod/forum/discuss.php?d=77#p501>" in brief.to_markdown()
    assert "<a href='https://m.school.org/mod/forum/discuss.php?d=77#p502'>" in brief.to_html()


def _schedule(rows):
    header = ["course_id", "activity_id", "title", "due_at", "class_starts_at", "timezone", "url"]
    return ("activities.csv", csv_bytes(header, rows))


def test_the_schedule_url_is_imported_and_a_wrong_one_is_left_out_with_a_warning(tmp_path):
    ws = Workspace(tmp_path / "ws")
    people = ("people.csv", csv_bytes(["course_id", "person_id", "name", "role"], []))
    result = ws.import_sources(
        [],
        people=people,
        activities=_schedule(
            [
                [
                    "K",
                    "a1",
                    "One",
                    "2026-02-01 23:59",
                    "2026-02-03 08:00",
                    "Asia/Tokyo",
                    "https://lms.k.jp/courses/3/discussion_topics/9",
                ],
                [
                    "K",
                    "a2",
                    "Two",
                    "2026-02-08 23:59",
                    "2026-02-10 08:00",
                    "Asia/Tokyo",
                    "lms.k.jp/courses/3/discussion_topics/10",
                ],
                ["K", "a3", "Three", "2026-02-15 23:59", "2026-02-17 08:00", "Asia/Tokyo", ""],
            ]
        ),
    )
    acts = ws.load().activities.set_index("activity_id")
    assert acts.loc["a1", "url"] == "https://lms.k.jp/courses/3/discussion_topics/9"
    assert pd.isna(acts.loc["a2", "url"]) and pd.isna(acts.loc["a3", "url"])
    assert len(acts) == 3  # the row with a wrong address is kept
    (warning,) = result.report.warnings
    assert (warning.row, warning.column) == (3, "url")  # the file's row 3: the second activity
    assert "not a web address" in str(warning) and "activities.csv" in result.report.to_text()


def test_a_workspace_made_before_the_url_column_opens_and_reads(tmp_path):
    folder = tmp_path / "old"
    Workspace(folder)
    with sqlite3.connect(folder / "asyncmon.sqlite") as con:
        con.execute("DROP TABLE activities")
        con.execute(
            'CREATE TABLE activities ("course_id", "activity_id", "title", "due_at", '
            '"class_starts_at", "concepts", PRIMARY KEY (course_id, activity_id))'
        )
        con.execute("DROP TABLE outcomes")
        con.execute(
            "INSERT INTO activities VALUES ('K', 'a1', 'One', '2026-02-01T14:59:00Z', "
            "'2026-02-02T23:00:00Z', '[]')"
        )
    acts = Workspace(folder, create=False).load().activities
    assert list(acts["activity_id"]) == ["a1"] and acts["url"].isna().all()
    assert Workspace(folder, create=False).load().outcomes.empty
