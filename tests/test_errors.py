"""Every error a user can meet, with the message the README documents."""

import pandas as pd
import pytest

from asyncmon import (
    AsyncmonError,
    ClassData,
    InvalidTableError,
    SourceFileError,
    Workspace,
    WorkspaceError,
    import_sources,
)

from .conftest import ACTIVITIES, PEOPLE
from .test_moodle import moodle_csv

POSTS_HEADER = b"course_id,activity_id,post_id,author_id,created_at,body\n"


@pytest.mark.parametrize(
    ("source", "options", "message"),
    [
        ("missing.csv", {}, r"missing\.csv: no such file; check the path"),
        (
            ("p.csv", b"\xff\xfeh\x00i\x00"),
            {},
            r"is not UTF-8 text \(byte 0xff at position 0\); save it again as 'CSV UTF-8'",
        ),
        (("p.csv", b"a\x00b"), {}, "holds NUL bytes: it is a binary file"),
        (("p.csv", b""), {"format": "csv"}, "has no header row; the first row must be: course_id"),
        (
            ("p.csv", b"course_id,activity_id,post_id,post_id\n"),
            {"format": "csv"},
            r"row 1: column\(s\) post_id appear more than once",
        ),
        (
            ("p.csv", b"course_id,post_id\n"),
            {"format": "csv"},
            r"row 1: missing required column\(s\) activity_id, author_id, created_at, body",
        ),
        (("p.csv", b"name,score\nx,1\n"), {}, "row 1: the header matches no known format"),
        (("p.json", b'{"view": [1,'), {}, r"is not valid JSON \(Expecting value at line 1"),
        (("p.json", b'{"topic": 1}'), {}, "is JSON but neither a Moodle forum export"),
        (
            ("p.json", b'{"a": 1}'),
            {"format": "moodle-json", "activity_id": "a1"},
            "is not a Moodle forum export: expected a JSON array of sheets",
        ),
        (
            ("p.json", b"[" * 100000),
            {"format": "canvas-json", "activity_id": "a1"},
            r"ASYNC-E107 p.json: is not valid JSON \(Expecting value at line 1, column 100001\)",
        ),
        (
            moodle_csv(),
            {"course_id": "C9", "activity_id": "a1"},
            "course C9 is not in the activities file; add its activities",
        ),
        (moodle_csv(), {}, r"an LMS export holds one activity: name it with --activity"),
        (
            moodle_csv(),
            {"activity_id": "w9"},
            "activity w9 of course C1 is not in the activities file; add it there",
        ),
    ],
)
def test_file_errors_name_the_file_and_the_fix(source, options, message):
    with pytest.raises(SourceFileError, match=message):
        import_sources(
            [source],
            people=("people.csv", PEOPLE),
            activities=("activities.csv", ACTIVITIES),
            **options,
        )


def test_a_folder_given_as_a_file(tmp_path):
    with pytest.raises(SourceFileError, match="is a folder; name the files inside it"):
        import_sources(
            [tmp_path], people=("people.csv", PEOPLE), activities=("activities.csv", ACTIVITIES)
        )


def test_two_lms_exports_need_a_course_when_the_schedule_has_several():
    two = ACTIVITIES + b"C2,b1,W1,2025-03-29 23:59,2025-03-31 09:00,UTC,,\n"
    with pytest.raises(SourceFileError, match="name the course with --course"):
        import_sources(
            [moodle_csv()],
            people=("people.csv", PEOPLE),
            activities=("activities.csv", two),
            activity_id="a1",
        )


def test_one_unreadable_file_among_several_does_not_cost_the_others():
    good = ("posts.csv", POSTS_HEADER + b"C1,a1,1,11,2025-03-29T10:00:00Z,hi\n")
    result = import_sources(
        [good, ("bad.csv", b"x,y\n")],
        people=("people.csv", PEOPLE),
        activities=("activities.csv", ACTIVITIES),
    )
    assert len(result.data.posts) == 1
    failed = result.report.sources[-1]
    assert failed.format == "unreadable" and "matches no known format" in failed.warnings[0].message


def test_no_schedule_and_no_roster():
    posts = ("posts.csv", POSTS_HEADER)
    with pytest.raises(AsyncmonError, match="no schedule: pass the activities file"):
        import_sources([posts], people=("people.csv", PEOPLE))
    with pytest.raises(AsyncmonError, match="no roster: pass the people file"):
        import_sources([posts], activities=("activities.csv", ACTIVITIES))
    with pytest.raises(AsyncmonError, match="format 'xls' is unknown; use one of moodle-csv"):
        import_sources([posts], format="xls")


@pytest.mark.parametrize(
    ("people", "activities", "column", "message"),
    [
        (
            b"C1,11,Ana,professor\n",
            b"",
            "role",
            "role 'professor' is not student, teacher or assistant",
        ),
        (b"C1,,Ana,student\n", b"", "person_id", "person_id is empty"),
        (
            b"C1,11,Ana B,student\n",
            b"",
            "person_id",
            "person 11 of course C1 is already on row 2 with name 'Ana Silva'; keep one row",
        ),
        (
            b"",
            b"C1,a3,W3,2025-04-12 23:59,2025-04-14 09:00,Mars/Olympus,,\n",
            "timezone",
            "'Mars/Olympus' is not an IANA time zone name",
        ),
        (
            b"",
            b"C1,a3,W3,2025-04-12 23:59,2025-04-14 09:00,Europe/Paris,,\n",
            "timezone",
            "course C1 has time zone Europe/Amsterdam on row 2; a course has one time zone",
        ),
        (
            b"",
            b"C1,a3,W3,2025-04-12 23:59,2025-04-10 09:00,Europe/Amsterdam,,\n",
            "class_starts_at",
            "class starts before the activity is due",
        ),
        (
            b"",
            b"C1,a3,W3,2025-03-30 02:30,2025-04-10 09:00,Europe/Amsterdam,,\n",
            "due_at",
            "2025-03-30 02:30 does not exist in Europe/Amsterdam",
        ),
    ],
)
def test_roster_and_schedule_rows_are_rejected_with_reasons(people, activities, column, message):
    result = import_sources(
        [],
        people=("people.csv", PEOPLE + people),
        activities=("activities.csv", ACTIVITIES + activities),
    )
    rejected = result.report.rejected
    assert len(rejected) == 1 and rejected[0].column == column
    assert message in rejected[0].message
    assert len(result.data.people) == 5 and len(result.data.activities) == 2


def test_workspace_errors(tmp_path):
    with pytest.raises(WorkspaceError, match="is not an asyncmon workspace"):
        Workspace(tmp_path / "none", create=False)
    (tmp_path / "file").write_text("x")
    with pytest.raises(WorkspaceError, match="is a file; a workspace is a folder"):
        Workspace(tmp_path / "file")


def test_invalid_tables_list_every_problem():
    posts = ClassData.empty().posts.drop(columns=["body"])
    people = pd.DataFrame(
        {
            "course_id": ["C1", "C1"],
            "person_id": ["1", "1"],
            "name": ["A", "B"],
            "role": ["student", "guest"],
        }
    )
    with pytest.raises(InvalidTableError) as info:
        ClassData.from_frames(posts=posts, people=people)
    problems = info.value.problems
    assert any("posts: missing column(s) body" in p for p in problems)
    assert any("people: duplicate key course_id/person_id" in p for p in problems)
    assert any(
        "people: role must be one of student, teacher, assistant; found ['guest']" in p
        for p in problems
    )


def test_an_invalid_table_carries_its_failing_rows():
    import pandas as pd

    import asyncmon as am
    from asyncmon.tables import make_table

    data = am.load_sample()
    people = make_table(
        "people",
        [
            {"course_id": "BIO101", "person_id": "x1", "name": "Ana", "role": "prof"},
            {"course_id": "BIO101", "person_id": "x2", "name": "Ben", "role": "student"},
            {"course_id": "BIO101", "person_id": "x3", "name": "Cleo", "role": "tutor"},
            {"course_id": "BIO101", "person_id": "x2", "name": "Ben", "role": "student"},
        ],
    ).set_axis([10, 11, 12, 13])
    with pytest.raises(am.InvalidTableError) as caught:
        data.replace(people=people)
    cases = caught.value.failure_cases
    assert caught.value.code == "ASYNC-E301"
    roles = cases[cases["column"] == "role"]
    assert roles[["table", "index", "failure_case"]].values.tolist() == [
        ["people", 10, "prof"],
        ["people", 12, "tutor"],
    ]
    keys = cases[cases["check"] == "unique key"]
    assert keys["index"].tolist() == [11, 13]
    assert set(keys["failure_case"]) == {"BIO101/x2"}
    assert len(cases) == 4 and isinstance(cases, pd.DataFrame)
