"""Roster (people with roles) and schedule (activities with due and class times).

No LMS discussion export says who is a teacher or when an activity is due, so these two
small files come from the teacher. See the README for their columns.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from .._times import parse_time, zone
from ..tables import SCHEMAS
from ._csv import date_order, read_records
from .links import WEB_ADDRESS
from .report import SourceReport

PEOPLE_COLUMNS = tuple(SCHEMAS["people"])  # a people file is the canonical table
ACTIVITY_COLUMNS = ("course_id", "activity_id", "title", "due_at", "class_starts_at", "timezone")
ACTIVITY_OPTIONAL = ("course_title", "concepts", "url")

# Role names as LMSs spell them, mapped to the product's three roles.
_ROLE_NAMES = {
    "student": "student",
    "learner": "student",
    "studentenrollment": "student",
    "teacher": "teacher",
    "instructor": "teacher",
    "editingteacher": "teacher",
    "teacherenrollment": "teacher",
    "assistant": "assistant",
    "ta": "assistant",
    "teaching assistant": "assistant",
    "taenrollment": "assistant",
    "non-editing teacher": "assistant",
}


def read_people(
    data: bytes, name: str, earlier: dict | None = None
) -> tuple[list[dict], SourceReport]:
    """Read a people (roster) file: ``course_id, person_id, name, role``.

    Returns the people records and the file's report. Rows with an empty id or an unknown
    role are rejected; a person listed twice identically is merged, twice differently is
    rejected, naming the file and row of the first listing. ``earlier`` carries the people
    of the import's other roster files (it is filled with this file's), so a person
    listed differently in two files is caught too.
    """
    report, rows = read_records(data, name, format="people", required=PEOPLE_COLUMNS)
    seen: dict[tuple[str, str], tuple[str, int, dict]] = {} if earlier is None else earlier
    mine = []
    for r in rows:
        v = r.values
        course, person, person_name = (
            v["course_id"].strip(),
            v["person_id"].strip(),
            v["name"].strip(),
        )
        role = _ROLE_NAMES.get(v["role"].strip().lower())
        if not course:
            report.reject(r.row, "course_id", "", "course_id is empty; give the course's id")
        elif not person:
            report.reject(r.row, "person_id", "", "person_id is empty; give the LMS user id")
        elif role is None:
            report.reject(
                r.row,
                "role",
                v["role"],
                f"role {v['role']!r} is not student, teacher or assistant; use one of those",
            )
        else:
            record = {
                "course_id": course,
                "person_id": person,
                "name": person_name or person,
                "role": role,
            }
            if _listed_once(
                seen,
                (course, person),
                (name, r.row, record),
                report,
                column="person_id",
                what=f"person {person} of course {course}",
                differs=partial(_fields_that_differ, record, ("name", "role")),
                fix="keep one row per person (correct the one that is wrong)",
            ):
                mine.append(record)
    return mine, report


def read_activities(
    data: bytes,
    name: str,
    date_order_told: str | None = None,
    earlier: dict | None = None,
    usual_date_order: tuple[str, str] | None = None,
) -> tuple[list[dict], list[dict], SourceReport]:
    """Read an activities (schedule) file.

    Columns ``course_id, activity_id, title, due_at, class_starts_at, timezone`` and
    optional ``course_title, concepts`` (separated by ``;``) and ``url`` (the
    discussion's address in the LMS: an ``http(s)://`` address, else it is left out with
    a warning and the activity kept). Times are local wall-clock
    times in ``timezone`` (``2025-03-09 23:59``) or ISO 8601 with an offset.

    Spreadsheet dates (``16/02/2025 14:15``) are read day or month first as
    ``date_order_told`` says (``"dmy"``/``"mdy"``) or, when not told, as the file's own
    dates show, or else as ``usual_date_order`` (another file's, see
    :func:`~asyncmon._times.date_order_of`).

    ``earlier`` carries the courses and activities of the import's other schedule files
    (it is filled with this file's), so an activity listed differently in two files, or a
    course given two zones, is caught too.

    Returns activity records, course records and the file's report.
    """
    report, found = read_records(
        data, name, format="activities", required=ACTIVITY_COLUMNS, optional=ACTIVITY_OPTIONAL
    )
    rows = list(found)
    order = date_order(
        report, rows, ("due_at", "class_starts_at"), date_order_told, usual_date_order
    )
    listed = {"courses": {}, "activities": {}} if earlier is None else earlier
    courses: dict[str, tuple[str, int, dict]] = listed["courses"]
    activities: dict[tuple[str, str], tuple[str, int, dict]] = listed["activities"]
    new_courses, new_activities = [], []
    for r in rows:
        outcome = _activity(name, r.row, r.values, courses, report, order)
        if outcome is None:
            continue
        course, record = outcome
        key = (record["course_id"], record["activity_id"])
        if _listed_once(
            activities,
            key,
            (name, r.row, record),
            report,
            column="activity_id",
            what=f"activity {key[1]} of course {key[0]}",
            differs=lambda first: "other values",
            fix="keep one row per activity",
        ):
            new_activities.append(record)
            if course["course_id"] not in courses:
                courses[course["course_id"]] = (name, r.row, course)
                new_courses.append(course)
    return new_activities, new_courses, report


def _listed_once(
    seen: dict,
    key: tuple,
    listing: tuple[str, int, dict],
    report: SourceReport,
    *,
    column: str,
    what: str,
    differs: Callable[[dict], str],
    fix: str,
) -> bool:
    """One rule for a record listed again (in this file or another of the import): the
    first listing is kept, the same record again is merged, a different one is rejected
    naming where the first is. Whether ``listing`` (file, row, record) is new."""
    name, row, record = listing
    first = seen.get(key)
    if first is None:
        seen[key] = listing
        report.kept += 1
        return True
    if first[2] == record:
        report.merged += 1
    else:
        report.reject(
            row,
            column,
            key[-1],
            f"{what} is already on {_where(first, name)} with {differs(first[2])}; {fix}",
        )
    return False


def _fields_that_differ(record: dict, fields: tuple[str, ...], first: dict) -> str:
    """``name 'Ana B.' and role 'teacher'``: how ``first`` lists what ``record`` does not."""
    return " and ".join(f"{f} {first[f]!r}" for f in fields if first[f] != record[f])


def _where(first: tuple[str, int, dict], name: str) -> str:
    """Where a record was first listed: ``row 4`` in the same file, else ``FILE row 4``."""
    return f"row {first[1]}" if first[0] == name else f"{first[0]} row {first[1]}"


def _activity(
    name: str,
    row: int,
    v: dict[str, str],
    courses: dict,
    report: SourceReport,
    order: str | None,
) -> tuple[dict, dict] | None:
    course_id, activity_id = v["course_id"].strip(), v["activity_id"].strip()
    for column, value in (("course_id", course_id), ("activity_id", activity_id)):
        if not value:
            report.reject(row, column, "", f"{column} is empty; give an id")
            return None
    tz_name = v["timezone"].strip()
    try:
        tz = zone(tz_name)
    except ValueError as exc:
        report.reject(row, "timezone", tz_name, str(exc))
        return None
    known = courses.get(course_id)
    if known and known[2]["timezone"] != tz_name:
        report.reject(
            row,
            "timezone",
            tz_name,
            f"course {course_id} has time zone {known[2]['timezone']} on "
            f"{_where(known, name)}; a course has one time zone, use the same on every row",
        )
        return None
    times = {}
    for column in ("due_at", "class_starts_at"):
        try:
            times[column], note = parse_time(v[column], tz, order)
        except ValueError as exc:
            report.reject(row, column, v[column], str(exc))
            return None
        if note:
            report.warn(row, column, v[column], note)
    if times["class_starts_at"] < times["due_at"]:
        report.reject(
            row,
            "class_starts_at",
            v["class_starts_at"],
            "class starts before the activity is due; class_starts_at is the start of the "
            "live class the activity prepares for, after due_at",
        )
        return None
    concepts = tuple(c.strip() for c in v.get("concepts", "").split(";") if c.strip())
    url = v.get("url", "").strip() or None
    if url is not None and not WEB_ADDRESS.match(url):
        report.warn(
            row,
            "url",
            url,
            "not a web address (it must start with https:// or http://); the activity is "
            "kept without its link: give the discussion's address as the LMS shows it",
        )
        url = None
    record = {
        "course_id": course_id,
        "activity_id": activity_id,
        "title": v["title"].strip() or activity_id,
        "due_at": times["due_at"],
        "class_starts_at": times["class_starts_at"],
        "concepts": concepts,
        "url": url,
    }
    course = {
        "course_id": course_id,
        "title": v.get("course_title", "").strip() or None,
        "timezone": tz_name,
    }
    return course, record
