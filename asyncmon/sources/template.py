"""The product's own CSV template: ``posts.csv`` (one row per post or reply) and the
optional ``reactions.csv``. Any spreadsheet can fill them; the sample class ships in them.
"""

from __future__ import annotations

from .._times import parse_time
from ..tables import SCHEMAS
from ._csv import date_order, read_records
from ._records import Parsed, ReadContext, edit_time
from .report import SourceReport

POST_COLUMNS = ("course_id", "activity_id", "post_id", "author_id", "created_at", "body")
POST_OPTIONAL = ("thread_id", "parent_id", "edited_at", "deleted", "subject", "private_to")
#: A whole ``posts.csv``, its columns in the order of the canonical posts table.
POST_FILE_COLUMNS = tuple(c for c in SCHEMAS["posts"] if c in POST_COLUMNS + POST_OPTIONAL)
REACTION_COLUMNS = ("course_id", "post_id", "person_id", "kind")
REACTION_OPTIONAL = ("created_at",)

_TRUE = {"1", "true", "yes", "y", "t"}
_FALSE = {"", "0", "false", "no", "n", "f"}


def parse_posts(data: bytes, name: str, ctx: ReadContext) -> Parsed:
    """Read a template ``posts.csv``; see the README for its columns."""
    report, found = read_records(
        data, name, format="csv", required=POST_COLUMNS, optional=POST_OPTIONAL
    )
    parsed = Parsed(reports=[report])
    rows = list(found)
    order = date_order(
        report, rows, ("created_at", "edited_at"), ctx.date_order, ctx.usual_date_order
    )
    for r in rows:
        record = _post(r.row, r.values, ctx, report, order)
        if record is not None:
            record["_report"], record["_row"] = report, r.row
            parsed.posts.append(record)
    return parsed


def _post(
    row: int, v: dict[str, str], ctx: ReadContext, report: SourceReport, order: str | None
) -> dict | None:
    ids = {
        c: v.get(c, "").strip()
        for c in (
            "course_id",
            "activity_id",
            "post_id",
            "author_id",
            "thread_id",
            "parent_id",
            "private_to",
        )
    }
    for column in ("course_id", "activity_id", "post_id"):
        if not ids[column]:
            report.reject(row, column, "", f"{column} is empty; every post needs one")
            return None
    course, activity = ids["course_id"], ids["activity_id"]
    if (course, activity) not in ctx.activities:
        report.reject(
            row,
            "activity_id",
            activity,
            f"activity {activity} of course {course} is not in the activities file; add it "
            "there (with its due and class times) or correct the id",
        )
        return None
    raw_deleted = v.get("deleted", "").strip().lower()
    if raw_deleted not in _TRUE | _FALSE:
        report.reject(row, "deleted", v["deleted"], "deleted must be 1 or 0 (or true/false)")
        return None
    deleted = raw_deleted in _TRUE
    if not ids["author_id"] and not deleted:
        report.reject(row, "author_id", "", "author_id is empty; give the author's person_id")
        return None
    if ids["parent_id"] == ids["post_id"]:
        report.reject(
            row,
            "parent_id",
            ids["parent_id"],
            "a post cannot reply to itself; empty parent_id for a thread's first post",
        )
        return None
    tz = ctx.zones[course]
    try:
        created, note = parse_time(v["created_at"], tz, order)
    except ValueError as exc:
        report.reject(row, "created_at", v["created_at"], str(exc))
        return None
    if note:
        report.warn(row, "created_at", v["created_at"], note)
    edited = edit_time(
        report, row, "edited_at", v.get("edited_at"), created, lambda s: parse_time(s, tz, order)
    )
    return {
        "course_id": course,
        "activity_id": activity,
        "post_id": ids["post_id"],
        "thread_id": ids["thread_id"] or None,
        "parent_id": ids["parent_id"] or None,
        "author_id": ids["author_id"] or None,
        "created_at": created,
        "edited_at": edited,
        "deleted": deleted,
        "subject": v.get("subject", "").strip() or None,
        "body": "" if deleted and not v["body"].strip() else v["body"].strip(),
        "body_original": None,
        "body_format": "text",
        "private_to": ids["private_to"] or None,
        "source": "csv",
    }


def parse_reactions(data: bytes, name: str, ctx: ReadContext) -> Parsed:
    """Read a template ``reactions.csv``: ``course_id, post_id, person_id, kind`` and an
    optional ``created_at`` (empty when unknown: counted as of the export)."""
    report, found = read_records(
        data, name, format="reactions", required=REACTION_COLUMNS, optional=REACTION_OPTIONAL
    )
    parsed = Parsed(reports=[report])
    rows = list(found)
    order = date_order(report, rows, ("created_at",), ctx.date_order, ctx.usual_date_order)
    for r in rows:
        v = {k: val.strip() for k, val in r.values.items()}
        empty = [c for c in REACTION_COLUMNS if not v.get(c)]
        if empty:
            report.reject(r.row, empty[0], "", f"{empty[0]} is empty; every reaction needs one")
            continue
        if v["course_id"] not in ctx.zones:
            report.reject(
                r.row,
                "course_id",
                v["course_id"],
                f"course {v['course_id']} is not in the activities file; add it",
            )
            continue
        created = None
        if v.get("created_at"):
            try:
                created, _ = parse_time(v["created_at"], ctx.zones[v["course_id"]], order)
            except ValueError as exc:
                report.reject(
                    r.row,
                    "created_at",
                    v["created_at"],
                    f"{exc}; leave it empty when the time is unknown",
                )
                continue
        parsed.reactions.append(
            {
                "course_id": v["course_id"],
                "post_id": v["post_id"],
                "person_id": v["person_id"],
                "kind": v["kind"].lower(),
                "created_at": created,
                "exported_at": ctx.exported_at,
                "source": "csv",
                "_report": report,
                "_row": r.row,
            }
        )
    return parsed
