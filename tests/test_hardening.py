"""Nothing lost silently, nothing leaked: each case here was a silent loss, a leak or a
traceback on an input a school really has, and fails without its fix."""

import csv
import io
import json
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from asyncmon import Workspace, sample_data_dir
from asyncmon.errors import AsyncmonError


def cli(*args, check=False):
    return subprocess.run(
        [sys.executable, "-m", "asyncmon.cli", *args],
        capture_output=True,
        text=True,
        check=check,
        timeout=300,
    )


@pytest.fixture
def roster_ws(tmp_path):
    d = sample_data_dir()
    ws = Workspace(tmp_path / "ws")
    ws.import_sources([], people=d / "people.csv", activities=d / "activities.csv")
    return ws


def test_a_forum_export_imported_as_another_activity_is_refused_not_moved(roster_ws):
    moodle = sample_data_dir() / "moodle" / "BIO101_w1.csv"
    with open(moodle, encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    first = roster_ws.import_sources([moodle], course_id="BIO101", activity_id="w1")
    assert first.report.stored["posts"].added == len(rows)
    # the same export again, named as w2 by mistake: refused, each row with the fix
    again = roster_ws.import_sources([moodle], course_id="BIO101", activity_id="w2")
    source = again.report.sources[-1]
    assert source.read == len(rows) and source.kept == 0 and len(source.rejected) == len(rows)
    assert source.balanced
    problem = source.rejected[0]
    assert problem.column == "post_id" and problem.row == 2
    assert "is in activity w1 (the workspace) and this row puts it in w2" in problem.message
    assert "import it with --activity w1" in problem.message
    assert again.report.stored["posts"].updated == 0
    posts = roster_ws.load().posts
    bio = posts[posts["course_id"] == "BIO101"]
    assert set(bio["activity_id"]) == {"w1"} and len(bio) == len(rows)


def test_template_ids_repeated_across_activities_are_refused_in_one_import(roster_ws):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["course_id", "activity_id", "post_id", "author_id", "created_at", "body"])
    writer.writerow(["BIO101", "w1", "1", "1011", "2025-02-15T10:00:00Z", "first in w1"])
    writer.writerow(["BIO101", "w1", "2", "1012", "2025-02-15T11:00:00Z", "second in w1"])
    writer.writerow(["BIO101", "w2", "1", "1013", "2025-02-22T10:00:00Z", "first in w2"])
    result = roster_ws.import_sources([("posts.csv", out.getvalue().encode())])
    source = result.report.sources[-1]
    assert (source.read, source.kept, len(source.rejected)) == (3, 2, 1)
    assert source.rejected[0].row == 4
    assert "is in activity w1 (posts.csv row 2) and this row puts it in w2" in (
        source.rejected[0].message
    )
    stored = roster_ws.load().posts.set_index("post_id")
    assert stored.loc["1", "body"] == "first in w1" and stored.loc["1", "activity_id"] == "w1"


def test_an_unclosed_quote_that_swallows_rows_is_reported_with_its_row(roster_ws):
    text = (
        "course_id,activity_id,post_id,author_id,created_at,body\n"
        'BIO101,w1,p1,1011,2025-02-15T10:00:00Z,"I think the pump needs ATP\n'
        "BIO101,w1,p2,1012,2025-02-15T11:00:00Z,why does osmosis need no energy?\n"
        "BIO101,w1,p3,1013,2025-02-15T12:00:00Z,and what about water?\n"
    )
    result = roster_ws.import_sources([("posts.csv", text.encode())])
    source = result.report.sources[-1]
    # the quote opened in p1's body runs to the end: one record, which used to be kept
    # with p2 and p3 inside its body
    assert source.read == 1 and source.balanced
    assert [p.row for p in source.rejected] == [2]
    message = source.rejected[0].message
    assert "column body runs over" in message and "is not closed" in message
    assert "'BIO101,w1,p2,1012," in message


def test_a_body_over_several_lines_is_still_one_post(roster_ws):
    text = (
        "course_id,activity_id,post_id,author_id,created_at,body\n"
        'BIO101,w1,p1,1011,2025-02-15T10:00:00Z,"first line\nsecond, with a comma\nthird"\n'
    )
    result = roster_ws.import_sources([("posts.csv", text.encode())])
    assert result.report.sources[-1].rejected == []
    assert roster_ws.load().posts["body"].iloc[0].count("\n") == 2


@pytest.mark.parametrize(
    ("created_at", "accepted"),
    [
        ("0001-01-01 00:00", False),
        ("1989-12-31T23:00:00Z", False),
        ("2101-01-01 09:00", False),
        ("1990-01-01 12:00", True),
        ("2025-02-15 10:00", True),
    ],
)
def test_implausible_dates_are_rejected_with_the_row(roster_ws, created_at, accepted):
    text = (
        "course_id,activity_id,post_id,author_id,created_at,body\n"
        f"BIO101,w1,p1,1011,{created_at},why does the pump need ATP?\n"
    )
    result = roster_ws.import_sources([("posts.csv", text.encode())])
    rejected = result.report.sources[-1].rejected
    if accepted:
        assert rejected == []
    else:
        assert [(p.row, p.column) for p in rejected] == [(2, "created_at")]
        assert "is not a plausible date (years 1990-2100)" in rejected[0].message


def test_a_new_workspace_is_readable_by_its_owner_only(tmp_path):
    import os
    import stat

    before = os.umask(0o022)  # the usual default: files 0644 unless the code says otherwise
    try:
        d = sample_data_dir()
        ws = Workspace(tmp_path / "ws")
        ws.import_sources(
            [d / "posts.csv"], people=d / "people.csv", activities=d / "activities.csv"
        )
    finally:
        os.umask(before)
    mode = lambda p: stat.S_IMODE(p.stat().st_mode)  # noqa: E731
    assert mode(ws.path) == 0o700
    assert mode(ws.db_path) == 0o600
    for journal in ws.path.glob("asyncmon.sqlite-*"):
        assert mode(journal) & 0o077 == 0, journal


def test_the_pseudonym_secret_is_written_whole_or_not_at_all(tmp_path, monkeypatch):
    import os

    from asyncmon import WorkspaceError
    from asyncmon.pseudonyms import workspace_secret

    real_fdopen = os.fdopen

    class FullDisk:
        def __init__(self, *args, **kwargs):
            self.file = real_fdopen(*args, **kwargs)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.file.close()

        def write(self, data):
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fdopen", FullDisk)
    with pytest.raises(WorkspaceError, match="No space left on device; free some disk"):
        workspace_secret(tmp_path)
    assert list(tmp_path.iterdir()) == []  # no empty key left for the next run
    monkeypatch.setattr(os, "fdopen", real_fdopen)
    assert len(workspace_secret(tmp_path)) == 32
    (tmp_path / "secret.key").write_bytes(b"")
    with pytest.raises(WorkspaceError, match="holds 0 bytes, fewer than 32"):
        workspace_secret(tmp_path)


def test_pages_and_reports_work_without_course_titles(tmp_path):
    from .other_class import import_other_class

    import_other_class(tmp_path / "ws")  # its schedule has no course_title column
    out = cli("publish", "--workspace", str(tmp_path / "ws"), "--out", str(tmp_path / "c.html"))
    assert out.returncode == 0, out.stderr
    page = (tmp_path / "c.html").read_text(encoding="utf-8")
    assert "<h3>PHYS-9</h3>" in page and "nan" not in page.lower().split()
    shown = cli("show", "--workspace", str(tmp_path / "ws"), check=True).stdout
    assert "\nPHYS-9 (America/Chicago)" in shown and "nan" not in shown


@pytest.mark.parametrize(
    "command",
    [
        ["metrics"],
        ["metrics", "--json"],
        ["publish", "--out", "OUT/c.html"],
        ["brief", "--course", "BIO101", "--activity", "w1"],
        ["dashboard"],
    ],
)
def test_an_empty_workspace_gets_a_message_not_a_traceback(tmp_path, command):
    Workspace(tmp_path / "ws")  # what a failed first import leaves
    args = [a.replace("OUT", str(tmp_path)) for a in command]
    out = cli(*args, "--workspace", str(tmp_path / "ws"))
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert "holds no class yet: no schedule was imported" in out.stderr


def test_publish_names_a_missing_folder_or_a_folder_given_as_the_file(workspace, tmp_path):
    missing = cli(
        "publish", "--workspace", str(workspace.path), "--out", str(tmp_path / "no/c.html")
    )
    assert missing.returncode == 2 and f"the folder {tmp_path / 'no'} does not exist" in (
        missing.stderr
    )
    folder = cli("publish", "--workspace", str(workspace.path), "--out", str(tmp_path))
    assert folder.returncode == 2 and f"{tmp_path} is a folder" in folder.stderr


def test_a_damaged_or_read_only_workspace_gets_a_message(workspace, tmp_path):
    import shutil

    damaged = tmp_path / "damaged"
    shutil.copytree(workspace.path, damaged)
    (damaged / "asyncmon.sqlite").write_bytes(b"this is not a database" * 100)
    for name in ("asyncmon.sqlite-wal", "asyncmon.sqlite-shm"):
        (damaged / name).unlink(missing_ok=True)
    out = cli("metrics", "--workspace", str(damaged))
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert "the file is damaged or is not an asyncmon workspace" in out.stderr


def test_a_read_only_workspace_gets_a_message(workspace, monkeypatch):
    import sqlite3

    from asyncmon import WorkspaceError

    # what SQLite answers when the files cannot be written (root writes through any
    # mode, so the read-only connection is made explicitly)
    def read_only():
        return sqlite3.connect(f"file:{workspace.db_path}?mode=ro", uri=True, isolation_level=None)

    monkeypatch.setattr(workspace, "_connect", read_only)
    with pytest.raises(WorkspaceError, match="the workspace is read-only; make the folder"):
        workspace.save_plan("BIO101", "w1", feedback="x")


def test_show_into_a_pipe_that_closes_early_is_quiet(workspace):
    shown = subprocess.run(
        f"{sys.executable} -m asyncmon.cli show --workspace {workspace.path} | head -1",
        shell=True,
        capture_output=True,
        text=True,
    )
    assert shown.stdout.startswith("Workspace ") and shown.stderr == ""


def test_a_plan_with_an_unknown_follow_up_is_refused_before_it_is_stored(workspace):
    from asyncmon import WorkspaceError

    with pytest.raises(WorkspaceError, match="followup_kind 'Roleplay' is not one of roleplay"):
        workspace.save_plan("BIO101", "w1", followup_kind="Roleplay")
    with pytest.raises(WorkspaceError, match="gap_source 'group' is not one of"):
        workspace.save_plan("BIO101", "w1", gap="x", gap_source="group")
    assert workspace.load().plans.empty


def test_command_line_options_are_checked_and_explained():
    out = cli("dashboard", "--workspace", "ws", "--port", "99999")
    assert out.returncode == 2 and "'99999' is not a port; use a number from 1 to 65535" in (
        out.stderr
    )
    assert cli("--version").stdout.startswith("asyncmon ")
    assert "an existing workspace" in cli("validate", "--help").stdout
    # every option of every command says what it is
    from asyncmon.cli import _parser

    commands = next(a for a in _parser()._actions if a.dest == "command").choices
    silent = [
        f"{name} {'/'.join(action.option_strings) or action.dest}"
        for name, parser in commands.items()
        for action in parser._actions
        if not action.help
    ]
    assert silent == []


def test_localtime_is_not_a_time_zone(roster):
    from asyncmon.sources.roster import read_activities

    activities = roster["activities"][1].replace(b"Europe/Amsterdam", b"localtime", 1)
    kept, _, report = read_activities(activities, "activities.csv")
    assert [a["activity_id"] for a in kept] == ["a2"]
    assert [(p.row, p.column) for p in report.rejected] == [(2, "timezone")]
    assert "'localtime' is not an IANA time zone name" in report.rejected[0].message


def test_an_lms_export_without_course_or_activity_says_which_ones_there_are(tmp_path):
    from asyncmon import SourceFileError, import_sources

    d = sample_data_dir()
    with pytest.raises(SourceFileError) as error:
        import_sources(
            [d / "moodle" / "BIO101_w1.csv"],
            people=d / "people.csv",
            activities=d / "activities.csv",
        )
    message = str(error.value)
    assert "name the course with --course" in message
    assert "(courses in the schedule: BIO101, ENG150, HIS210)" in message
    assert "None" not in message


def test_a_semicolon_separated_export_is_read_and_the_report_says_so(roster_ws):
    text = (
        "course_id;activity_id;post_id;author_id;created_at;body\n"
        "BIO101;w1;p1;1011;2025-02-15T10:00:00Z;why does the pump need ATP, and how much?\n"
        "BIO101;w1;p2;1012;2025-02-15T11:00:00Z;same question\n"
    )
    result = roster_ws.import_sources([("posts.csv", text.encode())])
    source = result.report.sources[-1]
    assert (source.read, source.kept, source.rejected) == (2, 2, [])
    assert any("separated by ';'" in w.message for w in source.warnings)
    body = roster_ws.load().posts.set_index("post_id").loc["p1", "body"]
    assert body == "why does the pump need ATP, and how much?"


DAY_FIRST_SCHEDULE = (
    "course_id;activity_id;title;due_at;class_starts_at;timezone\n"
    "FR2;s1;Semaine 1;16/02/2025 23:59;18/02/2025 08:30;Europe/Paris\n"
    "FR2;s2;Semaine 2;02/03/2025 23:59;04/03/2025 08:30;Europe/Paris\n"
)
PEOPLE_FR = (
    "course_id,person_id,name,role\nFR2,e1,Amélie Roux,student\nFR2,t1,Luc Bernard,teacher\n"
)
# every date here could be read either way: 03/02 is 3 February or 2 March
AMBIGUOUS_POSTS = (
    "course_id,activity_id,post_id,author_id,created_at,body\n"
    "FR2,s1,1,e1,03/02/2025 10:00,Pourquoi ?\n"
    "FR2,s1,2,t1,04/02/2025 11:30,Parce que.\n"
)


def _utc(table, column):
    return [t.strftime("%Y-%m-%d %H:%M") for t in table[column]]


def test_day_first_dates_are_read_when_the_file_shows_them_and_the_report_says_so(tmp_path):
    from asyncmon import import_sources

    result = import_sources(
        [("posts.csv", AMBIGUOUS_POSTS.encode())],
        people=("people.csv", PEOPLE_FR.encode()),
        activities=("activities.csv", DAY_FIRST_SCHEDULE.encode()),
    )
    schedule = result.report.sources[0]
    assert schedule.date_order == "dmy" and not schedule.rejected
    note = next(w.message for w in schedule.warnings if "day first" in w.message)
    assert "since 16/02/2025 23:59 can only be read so" in note
    # 16 Feb 23:59 in Paris (UTC+1) is 22:59 UTC; 04/03 08:30 is 4 March, 07:30 UTC
    acts = result.data.activities.sort_values("activity_id")
    assert _utc(acts, "due_at") == ["2025-02-16 22:59", "2025-03-02 22:59"]
    assert _utc(acts, "class_starts_at") == ["2025-02-18 07:30", "2025-03-04 07:30"]
    # the posts file alone cannot tell; it follows the schedule imported with it
    posts_report = result.report.sources[-1]
    assert posts_report.kept == 2 and posts_report.date_order == "dmy"
    assert any("as in activities.csv" in w.message for w in posts_report.warnings)
    assert _utc(result.data.posts.sort_values("post_id"), "created_at") == [
        "2025-02-03 09:00",
        "2025-02-04 10:30",
    ]


def test_ambiguous_dates_alone_are_refused_with_the_option_as_fix_and_read_when_told(tmp_path):
    ws = Workspace(tmp_path / "ws")
    iso = DAY_FIRST_SCHEDULE.replace("16/02/2025 23:59", "2025-02-16 23:59")
    iso = iso.replace("18/02/2025 08:30", "2025-02-18 08:30")
    iso = iso.replace("02/03/2025 23:59", "2025-03-02 23:59").replace("04/03/2025", "2025-03-04")
    ws.import_sources([], people=("p.csv", PEOPLE_FR.encode()), activities=("a.csv", iso.encode()))
    posts = ("posts.csv", AMBIGUOUS_POSTS.encode())
    refused = ws.import_sources([posts]).report.sources[-1]
    assert refused.read == 2 and refused.kept == 0 and refused.balanced
    assert [p.row for p in refused.rejected] == [2, 3]
    assert all(p.column == "created_at" for p in refused.rejected)
    assert "--date-order dmy or mdy" in refused.rejected[0].message
    # told month first: 03/02 is 2 March (UTC+1); 04/02 is 2 April, summer time (UTC+2)
    told = ws.import_sources([posts], date_order="mdy").report.sources[-1]
    assert told.kept == 2 and told.date_order == "mdy"
    stored = ws.load().posts.sort_values("post_id")
    assert _utc(stored, "created_at") == ["2025-03-02 09:00", "2025-04-02 09:30"]
    with pytest.raises(AsyncmonError, match="use 'dmy'"):
        ws.import_sources([posts], date_order="ymd")


def test_a_later_import_follows_the_day_first_dates_the_workspace_read_before(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "people.csv").write_text(PEOPLE_FR, encoding="utf-8")
    (folder / "activities.csv").write_text(DAY_FIRST_SCHEDULE, encoding="utf-8")
    (folder / "posts.csv").write_text(AMBIGUOUS_POSTS, encoding="utf-8")
    ws = str(tmp_path / "ws")
    first = cli(
        "import", "--workspace", ws, str(folder / "people.csv"), str(folder / "activities.csv")
    )
    assert first.returncode == 0, first.stderr
    later = cli("import", "--workspace", ws, str(folder / "posts.csv"), "--json")
    assert later.returncode == 0, later.stderr
    report = json.loads(later.stdout)
    assert report["sources"][0]["date_order"] == "dmy"
    assert report["stored"]["posts"]["added"] == 2
    assert "activities.csv (imported" in report["sources"][0]["warnings"][0]["message"]
    # told otherwise, the option wins
    told = cli(
        "validate", str(folder / "posts.csv"), "--workspace", ws, "--date-order", "mdy", "--json"
    )
    assert json.loads(told.stdout)["sources"][0]["date_order"] == "mdy"


def test_a_file_mixing_day_first_and_month_first_dates_is_refused_row_by_row():
    mixed = DAY_FIRST_SCHEDULE + "FR2;s3;Semaine 3;03/16/2025 23:59;03/18/2025 08:30;Europe/Paris\n"
    from asyncmon.sources.roster import read_activities

    _, _, report = read_activities(mixed.encode(), "a.csv")
    assert report.read == 3 and report.kept == 0 and report.balanced
    assert any(
        "both day-first (16/02/2025 23:59) and month-first (03/16/2025 23:59)" in w.message
        for w in report.warnings
    )
    # an impossible date under the order told names the order
    _, _, told = read_activities(mixed.encode(), "a.csv", "dmy")
    assert told.kept == 2 and told.rejected[0].row == 4
    assert "is not a date when read day first" in told.rejected[0].message


def test_a_person_listed_differently_in_two_people_files_is_refused_naming_file_and_row():
    from asyncmon import import_sources

    second = (
        "course_id,person_id,name,role\nFR2,t9,Marc Petit,teacher\nFR2,e1,Amélie Roux,teacher\n"
    )
    third = "course_id,person_id,name,role\nFR2,e1,Amélie Roux,student\n"
    result = import_sources(
        [
            ("people.csv", PEOPLE_FR.encode()),
            ("extra.csv", second.encode()),
            ("again.csv", third.encode()),
        ],
        activities=("activities.csv", DAY_FIRST_SCHEDULE.encode()),
    )
    by_file = {s.file: s for s in result.report.sources}
    extra = by_file["extra.csv"]
    assert (extra.read, extra.kept, len(extra.rejected)) == (2, 1, 1) and extra.balanced
    problem = extra.rejected[0]
    assert (problem.row, problem.column, problem.value) == (3, "person_id", "e1")
    assert "is already on people.csv row 2 with role 'student'" in problem.message
    # the same person listed identically in a third file is merged, not refused
    assert (by_file["again.csv"].merged, by_file["again.csv"].rejected) == (1, [])
    people = result.data.people.set_index("person_id")
    assert people.loc["e1", "role"] == "student" and len(people) == 3


def test_an_activity_or_zone_differing_across_two_schedule_files_is_refused_naming_file_and_row():
    from asyncmon import import_sources

    other = (
        "course_id,activity_id,title,due_at,class_starts_at,timezone\n"
        "FR2,s1,Semaine 1,2025-02-17 23:59,2025-02-18 08:30,Europe/Paris\n"
        "FR2,s9,Semaine 9,2025-04-17 23:59,2025-04-18 08:30,Europe/Brussels\n"
        "FR2,s2,Semaine 2,02/03/2025 23:59,04/03/2025 08:30,Europe/Paris\n"
    )
    result = import_sources(
        [],
        people=("people.csv", PEOPLE_FR.encode()),
        activities=("term.csv", DAY_FIRST_SCHEDULE.encode()),
    )
    assert len(result.data.activities) == 2
    from asyncmon.sources.importing import import_sources as run

    both = run(
        [("term.csv", DAY_FIRST_SCHEDULE.encode()), ("more.csv", other.encode())],
        people=("people.csv", PEOPLE_FR.encode()),
    )
    more = next(s for s in both.report.sources if s.file == "more.csv")
    assert [(p.row, p.column) for p in more.rejected] == [(2, "activity_id"), (3, "timezone")]
    assert "is already on term.csv row 2 with other values" in more.rejected[0].message
    assert "has time zone Europe/Paris on term.csv row 2" in more.rejected[1].message
    # s2 is listed the same in both files (more.csv follows term.csv's day-first reading)
    assert more.merged == 1 and more.balanced
    assert sorted(both.data.activities["activity_id"]) == ["s1", "s2"]


def _canvas_chain(depth: int, students: list[str], teacher: str) -> bytes:
    """A Canvas full view holding one thread: a back-and-forth ``depth`` replies deep
    (written as text: the standard JSON writer cannot nest so deep either)."""
    opened = []
    for level in range(depth + 1):
        author = (
            students[0]
            if level == 0
            else (teacher if level % 2 else students[level // 2 % len(students)])
        )
        entry = {
            "id": level + 1,
            "user_id": int(author),
            "parent_id": level or None,
            "created_at": f"2025-02-24T{8 + level // 120:02d}:{level // 2 % 60:02d}:00Z",
            "message": "<p>Why did the treaty fail?</p>" if level == 0 else f"<p>reply {level}</p>",
        }
        opened.append(json.dumps(entry)[:-1] + (', "replies": [' if level < depth else "}"))
    thread = "".join(opened) + "]}" * depth
    return (
        '{"participants": [], "unread_entries": [], "forced_entries": [], '
        f'"entry_ratings": {{}}, "view": [{thread}], "new_entries": []}}'
    ).encode()


def test_a_canvas_thread_900_replies_deep_is_read_whole(roster_ws):
    people = roster_ws.load().people
    his = people[people["course_id"] == "HIS210"]
    students = sorted(his.loc[his["role"] == "student", "person_id"])[:3]
    teacher = sorted(his.loc[his["role"] == "teacher", "person_id"])[0]
    data = _canvas_chain(900, students, teacher)
    with pytest.raises(RecursionError):
        json.loads(data)  # what the standard reader does with it
    result = roster_ws.import_sources(
        [("HIS210_deep.json", data)], course_id="HIS210", activity_id="w3"
    )
    source = result.report.sources[-1]
    assert source.format == "canvas-json" and source.rejected == []
    assert (source.read, source.kept) == (901, 901)
    posts = roster_ws.load().posts.set_index("post_id")
    assert len(posts) == 901 and set(posts["thread_id"]) == {"1"}
    assert posts.loc["901", "parent_id"] == "900" and posts.loc["901", "body"] == "reply 900"


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(_json_values, st.sampled_from([None, 2]), st.integers(0, 40))
def test_reading_without_recursion_gives_what_json_loads_gives(value, indent, depth):
    from asyncmon.sources._json import loads_without_recursion

    text = "[" * depth + json.dumps(value, indent=indent) + "]" * depth
    assert loads_without_recursion(text) == json.loads(text)


@pytest.mark.parametrize("broken", ['{"a" 1}', "[1, 2", '{"a": 1,}', "[1] 2", "", '{"a": tru}'])
def test_reading_without_recursion_refuses_what_json_loads_refuses(broken):
    from asyncmon.sources._json import loads_without_recursion

    with pytest.raises(json.JSONDecodeError):
        json.loads(broken)
    with pytest.raises(json.JSONDecodeError):
        loads_without_recursion(broken)


def test_the_summary_the_page_and_the_json_call_each_column_the_same():
    from asyncmon import load_sample
    from asyncmon.metrics import metrics_document
    from asyncmon.planning import activity_summary

    data = load_sample()
    summary = activity_summary(data)
    rows = metrics_document(data)["activities"]
    assert "planning_warning" in summary.columns and "warning" not in summary.columns
    shared = set(rows[0]) & set(summary.columns)
    assert {"planning_warning", "verdict", "planning_hours_left"} <= shared
