"""Moodle forum export (Moodle 3.8 and later, "Export" on a forum), CSV and JSON.

Quirks handled (see FORMATS.md): UTF-8 with a BOM; JSON as an array of sheets;
``parent = 0`` for a discussion's first post; ``created``/``modified`` as epoch seconds or
offset-less "human-readable" dates read in the course zone; HTML messages
(``messageformat`` 1, or 0 auto-format); deleted posts kept as rows with empty text;
``privatereplyto``; 0/1 booleans; ``wordcount``/``charcount`` absent in older versions.
A forum is one activity: the course and activity come from the caller.
"""

from __future__ import annotations

from .._times import parse_moodle_time
from ..errors import SourceFileError
from ._csv import read_records
from ._html import html_to_text
from ._json import load_json
from ._records import Parsed, ReadContext, edit_time, text_id
from .report import SourceReport

REQUIRED = ("id", "discussion", "parent", "userid", "created", "message")
OPTIONAL = (
    "userfullname",
    "modified",
    "mailed",
    "subject",
    "messageformat",
    "messagetrust",
    "attachment",
    "totalscore",
    "mailnow",
    "deleted",
    "privatereplyto",
    "privatereplytofullname",
    "wordcount",
    "charcount",
)

_FORMATS = {"0": "html", "1": "html", "2": "text", "4": "markdown"}


def target(ctx: ReadContext, name: str) -> tuple[str, str]:
    """The (course, activity) an LMS export is read for; raise if not named or unknown."""
    course, activity = ctx.course_id, ctx.activity_id
    if course is None and len(ctx.zones) == 1:
        course = next(iter(ctx.zones))
    problems = []
    if course is None:
        problems.append(
            "an LMS export holds one activity of one course: name the course "
            "with --course (course_id=... in Python)"
        )
    elif course not in ctx.zones:
        problems.append(f"course {course} is not in the activities file; add its activities")
    if activity is None:
        if course in ctx.zones:
            known = sorted(a for c, a in ctx.activities if c == course)
            choices = f" (activities of {course}: {', '.join(known) or 'none yet'})"
        else:
            courses = sorted(ctx.zones)
            choices = f" (courses in the schedule: {', '.join(courses) or 'none yet'})"
        problems.append(f"an LMS export holds one activity: name it with --activity{choices}")
    elif course is not None and (course, activity) not in ctx.activities:
        problems.append(
            f"activity {activity} of course {course} is not in the activities "
            "file; add it there with its due and class times"
        )
    if problems or course is None or activity is None:  # no problem: both are named
        raise SourceFileError(name, problems, code="ASYNC-E109")
    return course, activity


def parse_csv(data: bytes, name: str, ctx: ReadContext) -> Parsed:
    """Read a Moodle forum export in CSV."""
    course, activity = target(ctx, name)
    report, rows = read_records(
        data, name, format="moodle-csv", required=REQUIRED, optional=OPTIONAL
    )
    parsed = Parsed(reports=[report])
    for r in rows:
        _add(parsed, report, r.row, r.values, course, activity, ctx, "moodle-csv")
    return parsed


def parse_json(data: bytes, name: str, ctx: ReadContext) -> Parsed:
    """Read a Moodle forum export in JSON (an array of sheets of records)."""
    course, activity = target(ctx, name)
    document = load_json(data, name, fix="export it again from Moodle")
    if not isinstance(document, list):
        raise SourceFileError(
            name,
            [
                "is not a Moodle forum export: expected a JSON array of "
                "sheets such as [[{...}, {...}]]"
            ],
            code="ASYNC-E108",
        )
    # An array of sheets; tolerate a single flat sheet too.
    sheets = document if all(isinstance(s, list) for s in document) else [document]
    report = SourceReport(name, "moodle-json")
    parsed = Parsed(reports=[report])
    position = 0
    for sheet in sheets:
        for record in sheet:
            position += 1
            report.read += 1
            if not isinstance(record, dict):
                report.reject(position, None, None, "is not a record (a JSON object)")
                continue
            values = {str(k).strip().lower(): v for k, v in record.items()}
            missing = [c for c in REQUIRED if c not in values]
            if missing:
                report.reject(
                    position,
                    missing[0],
                    None,
                    f"record lacks {', '.join(missing)}; not a Moodle forum post",
                )
                continue
            text_values = {
                k: "" if v is None else str(v)
                for k, v in values.items()
                if isinstance(v, (str, int, float)) or v is None
            }
            if any(k not in text_values for k in REQUIRED):
                bad = next(k for k in REQUIRED if k not in text_values)
                report.reject(position, bad, values[bad], f"{bad} must be text or a number")
                continue
            _add(parsed, report, position, text_values, course, activity, ctx, "moodle-json")
    return parsed


def _add(
    parsed: Parsed,
    report: SourceReport,
    row: int,
    v: dict[str, str],
    course: str,
    activity: str,
    ctx: ReadContext,
    source: str,
) -> None:
    ids = {}
    for column in ("id", "discussion", "parent", "userid", "privatereplyto"):
        raw = v.get(column, "")
        try:
            ids[column] = text_id(_intlike(raw))
        except ValueError:
            ids[column] = raw
            report.reject(row, column, raw, f"{column} must be a whole number (a Moodle id)")
            return
    for column in ("id", "discussion", "userid"):
        if ids[column] is None:
            report.reject(row, column, "", f"{column} is empty; not a complete Moodle post")
            return
    flags = {}
    for column in ("deleted",):
        raw = v.get(column, "0").strip() or "0"
        if raw not in ("0", "1"):
            report.reject(row, column, raw, f"{column} must be 0 or 1")
            return
        flags[column] = raw == "1"
    tz = ctx.zones[course]
    try:
        created, note = parse_moodle_time(v["created"], tz)
    except ValueError as exc:
        report.reject(row, "created", v["created"], str(exc))
        return
    if note:
        report.warn(row, "created", v["created"], note)
    edited = edit_time(
        report, row, "modified", v.get("modified"), created, lambda s: parse_moodle_time(s, tz)
    )
    fmt = _FORMATS.get(v.get("messageformat", "1").strip() or "1", "html")
    message = v["message"]
    body = html_to_text(message) if fmt == "html" else message.strip()
    parent = ids["parent"] if ids["parent"] not in (None, "0") else None
    private = ids["privatereplyto"] if ids["privatereplyto"] not in (None, "0") else None
    parsed.posts.append(
        {
            "course_id": course,
            "activity_id": activity,
            "post_id": ids["id"],
            "thread_id": ids["discussion"],
            "parent_id": parent,
            "author_id": ids["userid"],
            "created_at": created,
            "edited_at": edited,
            "deleted": flags["deleted"],
            "subject": v.get("subject", "").strip() or None,
            "body": "" if flags["deleted"] else body,
            "body_original": message if fmt == "html" and message else None,
            "body_format": fmt,
            "private_to": private,
            "source": source,
            "_report": report,
            "_row": row,
            "_name": v.get("userfullname", "").strip() or None,
        }
    )


def _intlike(raw: str) -> str:
    text = raw.strip()
    if text and not text.isdigit():
        raise ValueError(text)
    return text
