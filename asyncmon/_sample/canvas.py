"""Writers: Canvas discussion full view."""

from __future__ import annotations

import html
import json
from pathlib import Path

from .model import (
    _CANVAS_ACTIVITY,
    _CANVAS_COURSE,
    _CANVAS_COURSE_NUMBER,
    _CANVAS_HOST,
    _CanvasPlan,
    _ClassPlan,
    _Post,
)
from .template import _write_text
from .timing import _iso_z
from .topics import _FAKE_STUDENT


def _canvas_html(text: str) -> str:
    return "\n".join(f"<p>{html.escape(part, quote=False)}</p>" for part in text.split("\n\n"))


def _canvas_teacher_likes(canvas: _CanvasPlan) -> list[_Post]:
    act = canvas.activity
    liked = [r.post for r in act.reactions if r.in_template and r.person_id == canvas.exporter_id]
    return sorted(liked, key=lambda p: int(p.post_id))


def _canvas_ratings(post: _Post, canvas: _CanvasPlan) -> tuple[int | None, int | None]:
    """(rating_count, rating_sum): null when nobody ever rated the entry.

    One entry had a like withdrawn, which Canvas keeps as a 0 rating: its count
    is one more than its sum.
    """
    total = canvas.student_likes.get(post.post_id, 0)
    total += post in _canvas_teacher_likes(canvas)
    count = total + (post is canvas.withdrawn_like_post)
    return (count, total) if count else (None, None)


def _canvas_entry(post: _Post, canvas: _CanvasPlan, *, newest: bool) -> dict[str, object]:
    """One entry as Canvas shows it: cached (``newest=False``) or current."""
    parent_id = int(post.parent.post_id) if post.parent else None
    if post.deleted:
        return {
            "id": int(post.post_id),
            "parent_id": parent_id,
            "created_at": _iso_z(post.created),
            "updated_at": _iso_z(canvas.deleted_at),
            "deleted": True,
            "editor_id": int(canvas.exporter_id),
        }
    stale = post is canvas.edited_post and not newest
    count, total = _canvas_ratings(post, canvas)
    entry: dict[str, object] = {
        "id": int(post.post_id),
        "user_id": int(post.author_id),
        "parent_id": parent_id,
        "created_at": _iso_z(post.created),
        "updated_at": _iso_z(post.edited_at if post.edited_at and not stale else post.created),
        "rating_count": count,
        "rating_sum": total,
        "message": _canvas_html(post.original_body if stale and post.original_body else post.body),
    }
    if post.edited_at and not stale:
        entry["editor_id"] = int(post.author_id)
    return entry


def _canvas_view(canvas: _CanvasPlan) -> list[dict[str, object]]:
    """The cached tree: entries up to the cache time, replies nested."""
    act = canvas.activity
    in_view = [
        p
        for p in sorted(act.posts, key=lambda p: int(p.post_id))
        if p.created <= canvas.cached_at and p not in canvas.new_only
    ]
    children: dict[str, list[_Post]] = {}
    for post in in_view:
        if post.parent is not None:
            children.setdefault(post.parent.post_id, []).append(post)

    def build(post: _Post) -> dict[str, object]:
        entry = _canvas_entry(post, canvas, newest=False)
        replies = children.get(post.post_id, [])
        if replies:
            entry["replies"] = [build(reply) for reply in replies]
        return entry

    return [build(post) for post in in_view if post.parent is None]


def _canvas_document(plan: _ClassPlan, canvas: _CanvasPlan) -> dict[str, object]:
    act = canvas.activity
    repeated = [canvas.same_duplicate, canvas.edited_post, *canvas.new_only]
    new_entries = [
        _canvas_entry(post, canvas, newest=True)
        for post in sorted(repeated, key=lambda p: int(p.post_id))
    ]
    last_staff_visit = max(p.created for p in act.posts if p.author_id == canvas.exporter_id)
    unread = [
        int(p.post_id)
        for p in sorted(act.posts, key=lambda p: int(p.post_id))
        if p.author_id != canvas.exporter_id and p.created > last_staff_visit
    ]
    authors = sorted({p.author_id for p in act.posts if not p.hide_author}, key=int)
    participants = []
    for person_id in authors:
        person = plan.people[person_id]
        participant: dict[str, object] = {
            "id": int(person_id),
            "display_name": person.name,
            "anonymous_id": canvas.anonymous_ids[person_id],
            "avatar_image_url": f"{_CANVAS_HOST}/images/messages/avatar-50.png",
            "html_url": f"{_CANVAS_HOST}/courses/{_CANVAS_COURSE_NUMBER}/users/{person_id}",
            "pronouns": canvas.pronouns.get(person_id),
        }
        if person_id == _FAKE_STUDENT.person_id:
            participant["fake_student"] = True
        participants.append(participant)
    return {
        "unread_entries": unread,
        "forced_entries": [],
        "entry_ratings": {p.post_id: 1 for p in _canvas_teacher_likes(canvas)},
        "participants": participants,
        "view": _canvas_view(canvas),
        "new_entries": new_entries,
    }


def _write_canvas(root: Path, plan: _ClassPlan) -> str:
    """Write the Canvas full view as the API sends it (Rails escapes <, > and &)."""
    assert plan.canvas is not None
    name = f"canvas/{_CANVAS_COURSE}_{_CANVAS_ACTIVITY}.json"
    text = json.dumps(
        _canvas_document(plan, plan.canvas), ensure_ascii=False, separators=(",", ":")
    )
    for char, escape in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e")):
        text = text.replace(char, escape)
    _write_text(root / name, text)
    return name
