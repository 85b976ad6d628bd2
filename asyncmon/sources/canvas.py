"""Canvas discussion topic "full view" JSON (``GET .../discussion_topics/:id/view``).

Quirks handled (see FORMATS.md): the nested ``view`` tree to any depth; ``new_entries``
merged into it and de-duplicated by id (the most recently updated version wins); deleted
entries kept as deleted (no author, no text) with their replies intact; the teacher's
Student View account (``fake_student``) dropped and reported; the exporting user's own
likes in ``entry_ratings`` turned into reactions of unknown time.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from .._times import parse_time
from ..errors import SourceFileError
from ._html import html_to_text
from ._json import load_json
from ._records import Parsed, ReadContext, edit_time, text_id
from .moodle import target
from .report import SourceReport


def parse(data: bytes, name: str, ctx: ReadContext) -> Parsed:
    """Read a Canvas discussion full view for the course and activity in ``ctx``."""
    course, activity = target(ctx, name)
    document = load_json(data, name, fix="download the view again")
    if not isinstance(document, dict) or not isinstance(document.get("view"), list):
        raise SourceFileError(
            name,
            [
                "is not a Canvas discussion full view: expected a JSON "
                "object with a 'view' list (GET /api/v1/courses/:course_id"
                "/discussion_topics/:topic_id/view)"
            ],
            code="ASYNC-E108",
        )
    posts_report = SourceReport(name, "canvas-json")
    parsed = Parsed(reports=[posts_report])
    fakes = _fake_students(document.get("participants"), posts_report)
    entries = _walk(document["view"], document.get("new_entries"), posts_report)
    tz = ctx.zones[course]
    for position, entry, tree_parent, thread in entries:
        record = _entry(position, entry, tree_parent, thread, fakes, tz, posts_report)
        if record is not None:
            record.update(
                course_id=course, activity_id=activity, _report=posts_report, _row=position
            )
            parsed.posts.append(record)
    ratings = document.get("entry_ratings")
    if ratings:
        parsed.reports.append(_likes(ratings, name, course, ctx, parsed))
    return parsed


def _fake_students(participants: object, report: SourceReport) -> set[str]:
    fakes = set()
    for p in participants if isinstance(participants, list) else []:
        if isinstance(p, dict) and p.get("fake_student") is True:
            try:
                pid = text_id(p.get("id"))
            except ValueError:
                continue
            if pid:
                fakes.add(pid)
                report.warn(
                    None,
                    "participants",
                    pid,
                    f"Student View account {pid} ({p.get('display_name', '')}) is the "
                    "teacher's test student: dropped, with its entries",
                )
    return fakes


def _walk(view: list, new_entries: object, report: SourceReport) -> list[tuple]:
    """Flatten the tree and new_entries into (position, entry, tree_parent_id, thread_id).

    Duplicate ids (an entry in both the tree and new_entries) are merged: the entry with
    the later ``updated_at`` is kept and the other counted as merged.
    """
    flat: list[list] = []
    by_id: dict[str, int] = {}
    position = 0
    stack: list[tuple[Any, str | None, str | None]] = [(e, None, None) for e in reversed(view)]
    extra = new_entries if isinstance(new_entries, list) else []
    queue = [(e, None, None, True) for e in extra]

    def take(
        entry: dict, tree_parent: str | None, thread: str | None, from_new: bool
    ) -> str | None:
        nonlocal position
        position += 1
        report.read += 1
        if not isinstance(entry, dict):
            report.reject(position, None, None, "is not an entry (a JSON object)")
            return None
        try:
            entry_id = text_id(entry.get("id"))
        except ValueError:
            entry_id = None
        if entry_id is None:
            report.reject(
                position,
                "id",
                _short(entry.get("id")),
                "entry has no usable id; not a Canvas entry",
            )
            return None
        if entry_id in by_id:
            kept = flat[by_id[entry_id]]
            if str(entry.get("updated_at") or "") > str(kept[1].get("updated_at") or ""):
                kept[1] = {**entry, "replies": kept[1].get("replies")}
            report.merged += 1
            return entry_id
        by_id[entry_id] = len(flat)
        # A new entry's thread is found later from its parent chain (it sits outside the tree).
        flat.append(
            [position, entry, tree_parent, None if from_new else thread or entry_id, from_new]
        )
        return entry_id

    while stack:
        entry, tree_parent, thread = stack.pop()
        entry_id = take(entry, tree_parent, thread, False)
        if entry_id is not None and isinstance(entry, dict):
            replies = entry.get("replies")
            if isinstance(replies, list):
                top = thread or entry_id
                stack.extend((child, entry_id, top) for child in reversed(replies))
    for entry, _, _, _ in queue:
        take(entry, None, None, True)
    return [(pos, entry, tree_parent, thread) for pos, entry, tree_parent, thread, _ in flat]


def _entry(
    position: int,
    entry: dict,
    tree_parent: str | None,
    thread: str | None,
    fakes: set[str],
    tz: ZoneInfo,
    report: SourceReport,
) -> dict | None:
    try:
        author = text_id(entry.get("user_id"))
        parent = text_id(entry.get("parent_id")) or tree_parent
    except ValueError:
        report.reject(
            position,
            "user_id",
            _short(entry.get("user_id")),
            "user_id and parent_id must be numbers or text",
        )
        return None
    deleted = entry.get("deleted") is True
    if author in fakes:
        report.reject(
            position,
            "user_id",
            author,
            "written by the Student View account (the teacher's test student)",
        )
        return None
    if author is None and not deleted:
        report.reject(position, "user_id", None, "entry has no author and is not deleted")
        return None
    raw = entry.get("created_at")
    try:
        created, _ = parse_time(str(raw), tz)
    except ValueError as exc:
        report.reject(position, "created_at", _short(raw), str(exc))
        return None
    updated = entry.get("updated_at")
    edited = edit_time(
        report,
        position,
        "updated_at",
        None if updated is None else str(updated),
        created,
        lambda s: parse_time(s, tz),
    )
    message = entry.get("message")
    message = message if isinstance(message, str) else ""
    return {
        "post_id": text_id(entry["id"]),
        "thread_id": thread,
        "parent_id": parent,
        "author_id": author,
        "created_at": created,
        "edited_at": edited,
        "deleted": deleted,
        "subject": None,
        "body": "" if deleted else html_to_text(message),
        "body_original": message or None,
        "body_format": "html",
        "private_to": None,
        "source": "canvas-json",
    }


def _likes(
    ratings: object, name: str, course: str, ctx: ReadContext, parsed: Parsed
) -> SourceReport:
    """The exporting user's likes (``entry_ratings``) as reactions of unknown time."""
    report = SourceReport(name, "canvas-json likes")
    items = list(ratings.items()) if isinstance(ratings, dict) else []
    if not isinstance(ratings, dict):
        report.read += 1
        report.reject(None, "entry_ratings", _short(ratings), "entry_ratings must be an object")
        return report
    person = ctx.exported_by
    teachers = ctx.teachers.get(course, [])
    if person is None and len(teachers) == 1:
        person = teachers[0]
        report.warn(
            None,
            "entry_ratings",
            person,
            f"likes attributed to {person}, the course's "
            "only teacher; pass --exported-by if someone else took the export",
        )
    post_ids = {p["post_id"] for p in parsed.posts}
    for position, (entry_id, value) in enumerate(items, start=1):
        report.read += 1
        if value not in (0, 1) or isinstance(value, bool):
            report.reject(
                position, "entry_ratings", f"{entry_id}: {_short(value)}", "a rating is 0 or 1"
            )
        elif value == 0:
            report.reject(
                position, "entry_ratings", f"{entry_id}: 0", "rating 0 is an un-like: no reaction"
            )
        elif person is None:
            report.reject(
                position,
                "entry_ratings",
                entry_id,
                f"a like by whoever took the export, who is unknown (course has "
                f"{len(teachers)} teachers): pass --exported-by PERSON_ID",
            )
        else:
            if entry_id not in post_ids:
                report.warn(position, "entry_ratings", entry_id, "liked entry is not in this view")
            parsed.reactions.append(
                {
                    "course_id": course,
                    "post_id": entry_id.strip(),
                    "person_id": person,
                    "kind": "like",
                    "created_at": None,
                    "exported_at": ctx.exported_at,
                    "source": "canvas-json",
                    "_report": report,
                    "_row": position,
                }
            )
    return report


def _short(value: object) -> str:
    text = repr(value) if not isinstance(value, str) else value
    return text if len(text) <= 60 else text[:57] + "..."
