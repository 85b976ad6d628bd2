"""Writers: Moodle forum export."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from zoneinfo import ZoneInfo

from .model import _MOODLE_COURSE, _ActivityPlan, _ClassPlan, _Post
from .template import _template_posts, _write_csv, _write_text
from .timing import _moodle_human_date

_MOODLE_COLUMNS = (
    "id", "discussion", "parent", "userid", "userfullname", "created", "modified",
    "mailed", "subject", "message", "messageformat", "messagetrust", "attachment",
    "totalscore", "mailnow", "deleted", "privatereplyto", "privatereplytofullname",
    "wordcount", "charcount",
)  # fmt: skip
_MOODLE_OLD_COLUMNS = _MOODLE_COLUMNS[:-2]  # Moodle before wordcount/charcount


def _moodle_html(text: str, *, atto_paragraphs: bool) -> str:
    """Plain text as the HTML Moodle's editor stores: escaped ``<p>`` paragraphs."""
    opening = '<p dir="ltr" style="text-align: left;">' if atto_paragraphs else "<p>"
    paragraphs = [
        html.escape(part, quote=True).replace("&#x27;", "&#39;") for part in text.split("\n\n")
    ]
    return "\n".join(f"{opening}{part}</p>" for part in paragraphs)


def _moodle_record(
    post: _Post, plan: _ClassPlan, *, human_dates: ZoneInfo | None
) -> dict[str, object]:
    """One post as a row of Moodle's forum export.

    With ``human_dates`` set, created/modified are the "human-readable" strings
    in that zone and the counts columns are left out (older Moodle).
    """
    modified = post.edited_at or post.created
    if human_dates is None:
        created_value: object = int(post.created.timestamp())
        modified_value: object = int(modified.timestamp())
    else:
        created_value = _moodle_human_date(post.created, human_dates)
        modified_value = _moodle_human_date(modified, human_dates)
    staff = post.author_id in plan.staff
    record: dict[str, object] = {
        "id": int(post.post_id),
        "discussion": int(post.root.post_id),
        "parent": int(post.parent.post_id) if post.parent else 0,
        "userid": int(post.author_id),
        "userfullname": plan.people[post.author_id].name,
        "created": created_value,
        "modified": modified_value,
        "mailed": 1,
        "subject": "" if post.deleted else post.subject,
        "message": ""
        if post.deleted
        else _moodle_html(post.body, atto_paragraphs=not staff and int(post.author_id) % 2 == 0),
        "messageformat": 1,
        "messagetrust": 0,
        "attachment": "",
        "totalscore": 0,
        "mailnow": 0,
        "deleted": 1 if post.deleted else 0,
        "privatereplyto": int(post.private_to) if post.private_to else 0,
        "privatereplytofullname": plan.people[post.private_to].name if post.private_to else "",
        "wordcount": 0 if post.deleted else len(post.body.split()),
        "charcount": 0 if post.deleted else len(re.sub(r"\s", "", post.body)),
    }
    if human_dates is not None:
        del record["wordcount"], record["charcount"]
    return record


def _moodle_order(act: _ActivityPlan) -> list[_Post]:
    """Posts as Moodle exports them: by discussion, then by post id."""
    return sorted(_template_posts(act), key=lambda p: (int(p.root.post_id), int(p.post_id)))


def _write_moodle(root: Path, plan: _ClassPlan) -> list[str]:
    """Write CSV (epoch dates, with counts) and JSON (human dates, without
    counts) Moodle exports of every activity of the Moodle course."""
    files: list[str] = []
    for act in plan.activities:
        if act.course.course_id != _MOODLE_COURSE:
            continue
        stem = f"moodle/{act.course.course_id}_{act.topic.activity_id}"
        posts = _moodle_order(act)
        rows = [_moodle_record(p, plan, human_dates=None) for p in posts]
        _write_csv(
            root / f"{stem}.csv",
            _MOODLE_COLUMNS,
            ([r[c] for c in _MOODLE_COLUMNS] for r in rows),
            bom=True,
        )
        records = [_moodle_record(p, plan, human_dates=act.schedule.tz) for p in posts]
        # PHP's json_encode: compact, \uXXXX escapes and escaped slashes.
        text = json.dumps([records], ensure_ascii=True, separators=(",", ":")).replace("/", "\\/")
        _write_text(root / f"{stem}.json", text)
        files += [f"{stem}.csv", f"{stem}.json"]
    return files
