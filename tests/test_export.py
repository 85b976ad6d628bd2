"""Spreadsheets (asyncmon.export, asyncmon export): five tables as sheets or CSV files,
students pseudonymised, no cell a spreadsheet would run. Expected values are worked out
from the people and activities tables, or by hand from a tiny class written here."""

import io

import openpyxl
import pandas as pd
import pytest

import asyncmon as am
from asyncmon import Workspace
from asyncmon.cli import main
from asyncmon.errors import AsyncmonError
from asyncmon.export import (
    SHEETS,
    export_tables,
    neutralise,
    to_xlsx_bytes,
    write_csv_folder,
    write_xlsx,
)
from asyncmon.pseudonyms import Pseudonymizer, workspace_secret
from asyncmon.tables import ClassData, make_table

from .other_class import import_other_class

KEY = Pseudonymizer(b"k" * 32)


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+cmd", "'+cmd"),
        ("-x", "'-x"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=x", "'\t=x"),
        ("\r=x", "'\r=x"),
        ("ordinary text, with = inside", "ordinary text, with = inside"),
        ("", ""),
        (-3, -3),
        (-2.5, -2.5),
        (None, None),
    ],
)
def test_text_a_spreadsheet_would_run_gets_an_apostrophe_and_numbers_stay_numbers(value, written):
    assert neutralise(value) == written
    assert type(neutralise(value)) is type(written)


def test_a_negative_number_is_written_as_a_number_and_text_as_neutral_text():
    book = openpyxl.load_workbook(
        io.BytesIO(to_xlsx_bytes({"t": pd.DataFrame({"n": [-1.5], "s": ["-x"], "f": ["=1+1"]})}))
    )
    row = [c for c in next(book["t"].iter_rows(min_row=2))]
    assert [c.value for c in row] == [-1.5, "'-x", "'=1+1"]
    assert [c.data_type for c in row] == ["n", "s", "s"]  # no formula ("f")


# --- the sample class ------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample():
    return am.load_sample()


@pytest.fixture(scope="module")
def sample_book(sample, tmp_path_factory):
    path = tmp_path_factory.mktemp("xlsx") / "sample.xlsx"
    write_xlsx(export_tables(sample, pseudonyms=KEY, method="tfidf"), path)
    return openpyxl.load_workbook(path)


def _cells(book):
    return [c.value for sheet in book for row in sheet.iter_rows() for c in row]


def _column(sheet, name):
    header = [c.value for c in sheet[1]]
    return [row[header.index(name)] for row in sheet.iter_rows(min_row=2, values_only=True)]


def _items(cells):
    """The items of cells holding lists joined with ", "."""
    return {item for cell in cells if cell for item in cell.split(", ")}


def test_the_sample_workbook_has_the_five_sheets_and_a_row_per_student_and_activity(
    sample, sample_book
):
    assert sample_book.sheetnames == list(SHEETS)
    students = sample.people[sample.people["role"] == "student"].groupby("course_id").size()
    activities = sample.activities.groupby("course_id").size()
    expected = int((students * activities).sum())  # every student of a course, every activity
    assert sample_book["participation"].max_row - 1 == expected
    assert sample_book["activities"].max_row - 1 == len(sample.activities)


def test_no_student_name_or_id_is_in_the_workbook_without_show_names(sample, sample_book):
    students = sample.people[sample.people["role"] == "student"]
    text = [v for v in _cells(sample_book) if isinstance(v, str)]
    assert [n for n in students["name"] if any(n in v for v in text)] == []
    ids = set(_column(sample_book["participation"], "student_id"))
    assert ids == {KEY(p) for p in students["person_id"]}
    listed = _items(_column(sample_book["question_groups"], "student_ids"))
    assert listed and listed <= ids
    # teachers stay named: who acknowledged
    staff = set(sample.people.loc[sample.people["role"] != "student", "name"])
    by = _items(_column(sample_book["participation"], "acknowledged_by"))
    assert by and by <= staff


def test_with_show_names_the_students_names_are_there(sample, tmp_path):
    bio = sample.for_course("BIO101")
    path = write_xlsx(export_tables(bio, show_names=True, method="tfidf"), tmp_path / "b.xlsx")
    book = openpyxl.load_workbook(path)
    students = bio.people[bio.people["role"] == "student"]
    assert set(_column(book["participation"], "name")) == set(students["name"])
    assert set(_column(book["participation"], "student_id")) == set(students["person_id"])


# --- a tiny class written here -----------------------------------------------------------

T0 = pd.Timestamp("2026-01-10T15:00Z")  # 09:00 in Chicago (UTC-6 in January)
HOUR = pd.Timedelta(hours=1)
HYPERLINK = '=HYPERLINK("http://evil.example","see") why does osmosis move water into the cell?'


def _tiny() -> ClassData:
    """Course C in Chicago, activity a1 (due a day after T0, class two days after);
    students s1 Ana Lima, s2 Bruno Reis, s3 Carla Dias (posts nothing); teacher t1.
    s1 posts at T0 (a post starting with a formula), s2 at T0+1h, t1 replies to s1 at
    T0+2h. A plan and an outcome whose texts start with formula characters."""
    people = [
        {"course_id": "C", "person_id": p, "name": n, "role": r}
        for p, n, r in [
            ("s1", "Ana Lima", "student"),
            ("s2", "Bruno Reis", "student"),
            ("s3", "Carla Dias", "student"),
            ("t1", "Prof. Vaz", "teacher"),
        ]
    ]
    activity = {
        "course_id": "C",
        "activity_id": "a1",
        "title": "Membranes",
        "due_at": T0 + 24 * HOUR,
        "class_starts_at": T0 + 48 * HOUR,
        "concepts": (),
    }
    posts = [
        {
            "course_id": "C",
            "activity_id": "a1",
            "post_id": pid,
            "thread_id": "p1" if parent else pid,
            "parent_id": parent,
            "author_id": author,
            "created_at": T0 + hours * HOUR,
            "deleted": False,
            "body": body,
            "body_format": "text",
            "source": "csv",
        }
        for pid, parent, author, hours, body in [
            ("p1", None, "s1", 0, HYPERLINK),
            ("p2", None, "s2", 1, "Why does osmosis move water into the cell and not out?"),
            ("p3", "p1", "t1", 2, "Good question, we will look at it in class."),
        ]
    ]
    plan = {
        "course_id": "C",
        "activity_id": "a1",
        "gap": "+why water moves",
        "feedback": "Ana Lima's question first",
        "followup_kind": "quick-write",
        "created_at": T0 + 30 * HOUR,
        "updated_at": T0 + 30 * HOUR,
    }
    outcome = {
        "course_id": "C",
        "activity_id": "a1",
        "outcome": "partly",
        "note": "-not everyone; ana lima got it",
        "understood": 2,
        "recorded_at": T0 + 50 * HOUR,
        "recorded_by": "Prof. Vaz",
    }
    return ClassData.from_frames(
        courses=make_table("courses", [{"course_id": "C", "timezone": "America/Chicago"}]),
        people=make_table("people", people),
        activities=make_table("activities", [activity]),
        posts=make_table("posts", posts),
        plans=make_table("plans", [plan]),
        outcomes=make_table("outcomes", [outcome]),
    )


@pytest.fixture(scope="module")
def tiny_tables():
    return export_tables(_tiny(), pseudonyms=KEY, method="tfidf")


def test_the_tiny_class_tables_hold_what_was_worked_out_by_hand(tiny_tables):
    p = tiny_tables["participation"].set_index("student_id")
    assert len(p) == 3  # 3 students x 1 activity
    s1 = p.loc[KEY("s1")]
    assert (s1["name"], s1["status"], s1["acknowledged_by"]) == (KEY("s1"), "on_time", "Prof. Vaz")
    assert s1["first_post_at"] == pd.Timestamp("2026-01-10 09:00")  # 15:00Z in Chicago
    assert s1["acknowledged_at"] == pd.Timestamp("2026-01-10 11:00")
    assert s1["hours_to_acknowledgement"] == 2.0
    assert s1["timezone"] == "America/Chicago"
    assert p.loc[KEY("s3"), "status"] == "missing"
    a = tiny_tables["acknowledgements"]
    assert list(a["student_id"]) == [KEY("s1"), KEY("s2")]  # s3 did not take part
    assert list(a["acknowledged_before_class"]) == [True, False]
    po = tiny_tables["plans_and_outcomes"].iloc[0]
    assert (po["title"], po["gap"], po["outcome"], po["understood"]) == (
        "Membranes",
        "+why water moves",
        "partly",
        2,
    )
    # a student's full name a teacher wrote is replaced, in any case
    assert po["feedback"] == f"{KEY('s1')}'s question first"
    assert po["note"] == f"-not everyone; {KEY('s1')} got it"
    assert po["recorded_at"] == pd.Timestamp("2026-01-12 11:00")  # T0 + 50 h in Chicago


def test_a_post_starting_with_a_formula_is_text_starting_with_an_apostrophe(tiny_tables):
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(tiny_tables)))
    cells = [c for sheet in book for row in sheet.iter_rows() for c in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert any(v.startswith("'" + HYPERLINK) for v in texts)
    assert "'+why water moves" in texts and "'-not everyone; " + KEY("s1") + " got it" in texts
    assert not [v for v in texts if v.startswith(("=", "+", "-", "@", "\t", "\r"))]


def test_the_csv_folder_has_the_five_files_and_leaves_other_files_alone(tiny_tables, tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    written = write_csv_folder(tiny_tables, folder)
    assert [p.name for p in written] == [f"{s}.csv" for s in SHEETS]
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [f"{s}.csv" for s in SHEETS] + ["notes.txt"]
    )
    assert (folder / "notes.txt").read_text() == "mine"
    raw = (folder / "question_groups.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # utf-8-sig: Excel reads accents right
    groups = pd.read_csv(folder / "question_groups.csv", encoding="utf-8-sig")
    assert groups["unit_texts"].str.startswith("'" + HYPERLINK).any()
    participation = pd.read_csv(folder / "participation.csv", encoding="utf-8-sig")
    assert len(participation) == 3 and "Ana Lima" not in (folder / "participation.csv").read_text(
        encoding="utf-8-sig"
    )


def test_output_paths_that_cannot_be_right_are_refused(tiny_tables, tmp_path):
    (tmp_path / "a.txt").write_text("x")
    with pytest.raises(AsyncmonError, match=r"ASYNC-E222 .*a.txt is a file; give a folder"):
        write_csv_folder(tiny_tables, tmp_path / "a.txt")
    with pytest.raises(AsyncmonError, match=r"ASYNC-E223 .*class.csv does not end in .xlsx"):
        write_xlsx(tiny_tables, tmp_path / "class.csv")
    with pytest.raises(AsyncmonError, match="ASYNC-E214 .*is a folder"):
        write_xlsx(tiny_tables, tmp_path)
    with pytest.raises(AsyncmonError, match="ASYNC-E215 the folder .*missing does not exist"):
        write_csv_folder(tiny_tables, tmp_path / "missing" / "out")


# --- the command line, on the class that is not the sample ----------------------------


@pytest.fixture(scope="module")
def other_ws(tmp_path_factory):
    folder = tmp_path_factory.mktemp("other-export") / "ws"
    import_other_class(folder)
    return Workspace(folder, create=False)


def test_export_writes_a_workbook_then_a_csv_folder_of_the_other_class(other_ws, tmp_path, capsys):
    data = other_ws.load()
    students = data.people[data.people["role"] == "student"]
    out = tmp_path / "circuits.xlsx"
    assert main(["export", "--workspace", str(other_ws.path), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert f"Wrote {out}, one sheet per table:" in printed
    assert f"  participation: {len(students) * len(data.activities)} rows" in printed
    assert "Students pseudonymised" in printed
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == list(SHEETS)
    # the workspace's pseudonyms: the same as in the published coordinator view
    pseudo = Pseudonymizer(workspace_secret(other_ws.path))
    assert set(_column(book["participation"], "student_id")) == {
        pseudo(p) for p in students["person_id"]
    }
    text = [v for v in _cells(book) if isinstance(v, str)]
    assert [n for n in students["name"] if any(n in v for v in text)] == []

    folder = tmp_path / "csv"
    assert main(["export", "--workspace", str(other_ws.path), "--out", f"{folder}/"]) == 0
    printed = capsys.readouterr().out
    assert f"Wrote 5 CSV files (UTF-8) in {folder}/:" in printed
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{s}.csv" for s in SHEETS)


def test_export_with_show_names_and_wrong_paths(other_ws, tmp_path, capsys):
    data = other_ws.load()
    students = data.people[data.people["role"] == "student"]
    out = tmp_path / "named.xlsx"
    args = ["export", "--workspace", str(other_ws.path), "--show-names", "--out", str(out)]
    assert main(args) == 0
    assert "Students by name" in capsys.readouterr().out
    names = set(_column(openpyxl.load_workbook(out)["participation"], "name"))
    assert names == set(students["name"])
    (tmp_path / "f.xlsx").write_text("x")
    for wrong, code in ((f"{tmp_path / 'f.xlsx'}/", "ASYNC-E222"), ("report.csv", "ASYNC-E223")):
        assert main(["export", "--workspace", str(other_ws.path), "--out", wrong]) == 2
        assert capsys.readouterr().err.startswith(f"asyncmon: {code} ")
