"""planted.json: the planted facts, from the plan, never from the written files."""

from __future__ import annotations

from datetime import datetime

from .canvas import _canvas_teacher_likes
from .model import (
    _CANVAS_COURSE_NUMBER,
    _MOODLE_COURSE,
    _Ack,
    _ActivityPlan,
    _CanvasPlan,
    _ClassPlan,
    _Roster,
)
from .template import _template_posts
from .timing import _iso_z, _local_wall
from .topics import _FAKE_STUDENT


def _iso_or_none(moment: datetime | None) -> str | None:
    return _iso_z(moment) if moment else None


def _course_facts(roster: _Roster) -> dict[str, object]:
    course = roster.course
    ids = [topic.activity_id for topic in course.topics]
    return {
        "course_id": course.course_id,
        "title": course.title,
        "timezone": course.timezone,
        "teachers": [course.teacher_id],
        "assistants": list(course.assistant_ids),
        "student_ids": [p.person_id for p in roster.students],
        "never_acknowledged_student": roster.never_acknowledged,
        "repeat_absentee": roster.repeat_absentee,
        "repeat_absentee_missed_activities": ids[4:],
        "two_time_absentee": roster.two_time_absentee,
        "two_time_absentee_missed_activities": [ids[1], ids[4]],
        "shared_student_ids": roster.shared,
    }


def _ack_groups(act: _ActivityPlan) -> dict[str, list[str]]:
    """Students acknowledged before class, only after class, or only at an
    unknown time (a like whose time the source does not give)."""
    by_student: dict[str, list[_Ack]] = {}
    for ack in act.acks:
        by_student.setdefault(ack.student_id, []).append(ack)
    start = act.schedule.class_start
    before, after, unknown = [], [], []
    for sid, acks in sorted(by_student.items()):
        known = [a.at for a in acks if a.at is not None]
        if any(moment < start for moment in known):
            before.append(sid)
        elif known:
            after.append(sid)
        else:
            unknown.append(sid)
    return {"before": before, "after": after, "unknown": unknown}


def _activity_facts(act: _ActivityPlan) -> dict[str, object]:
    tz = act.schedule.tz
    groups = _ack_groups(act)
    posts = _template_posts(act)
    staff_ids = {act.course.teacher_id, *act.course.assistant_ids}

    def with_status(status: str) -> list[str]:
        return sorted(sid for sid, s in act.statuses.items() if s == status)

    return {
        "course_id": act.course.course_id,
        "activity_id": act.topic.activity_id,
        "title": act.topic.title,
        "teacher_pattern": act.topic.teacher_pattern,
        "due_at_local": _local_wall(act.schedule.due, tz),
        "class_starts_at_local": _local_wall(act.schedule.class_start, tz),
        "due_at_utc": _iso_z(act.schedule.due),
        "class_starts_at_utc": _iso_z(act.schedule.class_start),
        "planning_window_hours": (act.schedule.class_start - act.schedule.due).total_seconds()
        / 3600,
        "students_on_time": with_status("on_time"),
        "students_late": with_status("late"),
        "students_after_class": with_status("after_class"),
        "students_missing": with_status("missing"),
        "posts": sum(not p.deleted for p in posts),
        "deleted_post_ids": [p.post_id for p in posts if p.deleted],
        "first_posters_with_substantive_reply": act.first_posters,
        "staff_acknowledged_students_before_class": groups["before"],
        "staff_acknowledged_students_after_class_only": groups["after"],
        "staff_acknowledged_students_unknown_time_only": groups["unknown"],
        "staff_acknowledgements": [
            {
                "student_id": ack.student_id,
                "kind": ack.kind,
                "by": ack.by,
                "at": _iso_or_none(ack.at),
                "student_post_id": ack.target.post_id,
                "staff_post_id": ack.staff_post.post_id if ack.staff_post else None,
            }
            for ack in sorted(
                act.acks, key=lambda a: (a.at or act.schedule.class_start, a.student_id)
            )
        ],
        "staff_reply_post_ids_after_class": [
            p.post_id
            for p in posts
            if p.author_id in staff_ids and p.parent and p.created >= act.schedule.class_start
        ],
        "question_group_keys": [bank.key for bank in act.topic.groups],
    }


def _question_group_facts(act: _ActivityPlan) -> list[dict[str, object]]:
    facts = []
    for bank in act.topic.groups:
        asked = [q for q in act.questions if q.group_key == bank.key]
        answer = act.group_answers.get(bank.key)
        facts.append(
            {
                "course_id": act.course.course_id,
                "activity_id": act.topic.activity_id,
                "key": bank.key,
                "label": bank.label,
                "canonical_question": bank.canonical,
                "answered": answer is not None,
                "answer_post_id": answer.post_id if answer else None,
                "answered_before_class": (
                    answer.created < act.schedule.class_start if answer else None
                ),
                "student_ids": sorted(q.student_id for q in asked),
                "occurrences": [
                    {
                        "post_id": q.post.post_id if q.post else None,
                        "student_id": q.student_id,
                        "sentence": q.sentence,
                        "has_question_mark": "?" in q.sentence,
                    }
                    for q in sorted(asked, key=lambda q: int(q.post.post_id if q.post else 0))
                ],
            }
        )
    return facts


def _one_off_facts(act: _ActivityPlan) -> list[dict[str, object]]:
    return [
        {
            "course_id": act.course.course_id,
            "activity_id": act.topic.activity_id,
            "post_id": q.post.post_id if q.post else None,
            "student_id": q.student_id,
            "sentence": q.sentence,
        }
        for q in act.questions
        if q.group_key is None
    ]


def _canvas_facts(canvas: _CanvasPlan, file: str) -> dict[str, object]:
    act = canvas.activity
    return {
        "course_id": act.course.course_id,
        "activity_id": act.topic.activity_id,
        "file": file,
        "canvas_course_number": _CANVAS_COURSE_NUMBER,
        "exporting_teacher_id": canvas.exporter_id,
        "fake_student_id": _FAKE_STUDENT.person_id,
        "fake_student_entry_ids": [canvas.fake_post.post_id],
        "duplicate_entry_ids": sorted(
            (canvas.same_duplicate.post_id, canvas.edited_post.post_id), key=int
        ),
        "duplicate_entry_id_with_newer_version": canvas.edited_post.post_id,
        "new_only_entry_ids": [p.post_id for p in canvas.new_only],
        "liked_entry_ids": [p.post_id for p in _canvas_teacher_likes(canvas)],
        "deleted_entry_ids": [canvas.deleted_post.post_id],
        "student_likes_by_entry": dict(sorted(canvas.student_likes.items())),
        "withdrawn_like_entry_id": canvas.withdrawn_like_post.post_id,
        "view_cached_at": _iso_z(canvas.cached_at),
        "exported_at": _iso_z(canvas.exported_at),
    }


def _edge_case_facts(plan: _ClassPlan) -> dict[str, object]:
    edited, non_roster, unknown, private, deleted, at_due, threads = [], [], [], [], [], [], []
    for act in plan.activities:
        where = {"course_id": act.course.course_id, "activity_id": act.topic.activity_id}
        for post in act.edited:
            edited.append(
                {
                    **where,
                    "post_id": post.post_id,
                    "created_at": _iso_z(post.created),
                    "edited_at": _iso_or_none(post.edited_at),
                }
            )
        non_roster += [
            {**where, "post_id": p.post_id, "author_id": p.author_id} for p in act.non_roster_posts
        ]
        for reaction in act.reactions:
            if reaction.in_template and reaction.created is None:
                unknown.append(
                    {
                        **where,
                        "post_id": reaction.post.post_id,
                        "person_id": reaction.person_id,
                        "kind": reaction.kind,
                    }
                )
        for post in act.private_replies:
            assert post.parent is not None
            private.append(
                {
                    **where,
                    "post_id": post.post_id,
                    "from": post.author_id,
                    "to": post.private_to,
                    "parent_post_id": post.parent.post_id,
                }
            )
        for post in act.deleted:
            replies = [p.post_id for p in _template_posts(act) if p.parent is post]
            deleted.append(
                {
                    **where,
                    "post_id": post.post_id,
                    "author_id": post.author_id,
                    "author_id_in_template": not post.hide_author,
                    "reply_ids": replies,
                }
            )
        for sid in act.at_due_students:
            post = act.first_posts[sid]
            at_due.append(
                {
                    **where,
                    "post_id": post.post_id,
                    "student_id": sid,
                    "created_at": _iso_z(post.created),
                }
            )
        threads += [
            {**where, "post_id": p.post_id, "author_id": p.author_id} for p in act.staff_threads
        ]
    return {
        "edited_post_ids": [item["post_id"] for item in edited],
        "edited_posts": edited,
        "non_roster_author_ids": sorted({item["author_id"] for item in non_roster}),
        "non_roster_author_post_ids": [item["post_id"] for item in non_roster],
        "unknown_time_reactions": unknown,
        "private_replies": private,
        "deleted_posts": deleted,
        "posted_exactly_at_due": at_due,
        "staff_thread_starters": threads,
    }


def _planted_facts(plan: _ClassPlan, files: dict[str, list[str]]) -> dict[str, object]:
    assert plan.canvas is not None
    return {
        "seed": plan.seed,
        "files": files,
        "courses": [_course_facts(roster) for roster in plan.rosters],
        "activities": [_activity_facts(act) for act in plan.activities],
        "question_groups": [g for act in plan.activities for g in _question_group_facts(act)],
        "one_off_questions": [q for act in plan.activities for q in _one_off_facts(act)],
        "moodle": {"course_id": _MOODLE_COURSE, "files": files["moodle"]},
        "canvas": _canvas_facts(plan.canvas, files["canvas"][0]),
        "edge_cases": _edge_case_facts(plan),
    }
