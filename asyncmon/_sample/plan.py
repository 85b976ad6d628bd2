"""Planning: one activity in the order things happen, the Canvas view and the whole class."""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from datetime import timedelta

from .activity import (
    _add_fake_student_post,
    _add_non_roster_post,
    _add_peer_replies,
    _add_self_replies,
    _add_staff_thread,
    _assign_questions,
    _pick_first_posters,
    _plant_deleted_reply,
    _schedule_first_posts,
    _write_initial_posts,
)
from .model import (
    _CANVAS_ACTIVITY,
    _CANVAS_COURSE,
    _DELETED_AT,
    _EDITED_AT,
    _FIRST_POST_ID,
    _NON_ROSTER_AT,
    _PRIVATE_REPLY_AT,
    _STAFF_THREAD_AT,
    _ActivityPlan,
    _CanvasPlan,
    _ClassPlan,
    _Person,
    _Roster,
)
from .rosters import _make_rosters, _plan_statuses
from .staff import (
    _add_assistant_activity,
    _add_private_reply,
    _add_student_likes,
    _add_teacher_activity,
    _add_thanks,
    _plant_edit,
    _plant_quick_edit,
)
from .timing import _plan_sessions, _schedule
from .topics import _FAKE_STUDENT, _NON_ROSTER_STUDENT, _STAFF, _course_specs


def _plan_activity(
    rng: random.Random,
    roster: _Roster,
    people: dict[str, _Person],
    week: int,
    statuses: dict[str, str],
    seq: Iterator[int],
) -> _ActivityPlan:
    """Plan every post and reaction of one activity, in the order things happen."""
    topic = roster.course.topics[week - 1]
    schedule = _schedule(roster.course, week)
    act = _ActivityPlan(roster, topic, week, schedule, statuses, people)
    act.sessions = _plan_sessions(rng, schedule)
    _schedule_first_posts(rng, act)
    act.first_posters = _pick_first_posters(rng, act)
    questions = _assign_questions(rng, act)
    _write_initial_posts(rng, act, questions, seq)
    if act.key == _STAFF_THREAD_AT:
        _add_staff_thread(act, seq)
    if act.key == _NON_ROSTER_AT:
        _add_non_roster_post(rng, act, seq)
    if act.key == (_CANVAS_COURSE, _CANVAS_ACTIVITY):
        _add_fake_student_post(act, seq)
    _add_peer_replies(rng, act, seq)
    _add_self_replies(rng, act, seq)
    if act.key in _DELETED_AT:
        _plant_deleted_reply(rng, act, seq)
    _add_teacher_activity(rng, act, seq)
    _add_assistant_activity(rng, act, seq)
    if act.key == _PRIVATE_REPLY_AT:
        _add_private_reply(rng, act, seq)
    _add_thanks(rng, act, seq)
    _add_student_likes(rng, act)
    if act.key == _EDITED_AT:
        _plant_quick_edit(rng, act)
    return act


def _assign_post_ids(act: _ActivityPlan, counter: Iterator[int]) -> None:
    """Number posts in the order they were written, as an LMS does."""
    for post in sorted(act.posts, key=lambda p: (p.created, p.seq)):
        post.post_id = str(next(counter))


# ---------------------------------------------------------------------------
# Planning: the whole class and the Canvas view
# ---------------------------------------------------------------------------


def _plan_canvas(rng: random.Random, act: _ActivityPlan) -> _CanvasPlan:
    """Decide what the Canvas export of one activity shows and when it was taken.

    The cached tree ("view") holds every entry up to ``cached_at``; the two
    newest posts are only in ``new_entries``. One post is edited after the
    cache, so ``new_entries`` repeats it with a newer version; another entry is
    repeated unchanged.
    """
    posts = sorted((p for p in act.posts if p.in_template), key=lambda p: int(p.post_id))
    new_only = posts[-2:]
    previous = posts[-3]
    gap = int((new_only[0].created - previous.created).total_seconds() // 60)
    if gap < 2 or any(p.deleted or p.parent in act.deleted for p in new_only):
        raise RuntimeError("sample plan: the newest Canvas entries collide with edge cases")
    cached_at = previous.created + timedelta(minutes=rng.randint(1, gap - 1))
    exported_at = new_only[-1].created + timedelta(minutes=rng.randint(60, 1200))
    roster_ids = {p.person_id for p in act.roster.students}
    editable = [
        p
        for p in posts
        if p.kind == "initial" and p.author_id in roster_ids and p.created < act.schedule.due
    ]
    edited = rng.choice(editable)
    window = int((exported_at - cached_at).total_seconds() // 60)
    _plant_edit(rng, act, edited, cached_at + timedelta(minutes=rng.randint(5, window - 5)))
    repeatable = [
        p
        for p in posts
        if p.kind in ("peer", "substantive") and not p.deleted and p.created < cached_at
    ]
    deleted = act.deleted[0]
    deleted_at = min(
        deleted.created + timedelta(minutes=rng.randint(120, 1200)),
        cached_at - timedelta(minutes=1),
    )
    likes: dict[str, int] = {}
    for reaction in act.reactions:
        if not reaction.in_template:
            likes[reaction.post.post_id] = likes.get(reaction.post.post_id, 0) + 1
    authors = sorted({p.author_id for p in act.posts}, key=int)
    anonymous = {
        pid: "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(5))
        for pid in authors
    }
    pronouns = {
        pid: rng.choice(("she/her", "he/him", "they/them")) for pid in rng.sample(authors, 4)
    }
    withdrawn = rng.choice(sorted(likes, key=int))
    return _CanvasPlan(
        activity=act,
        exporter_id=act.course.teacher_id,
        fake_post=next(p for p in act.posts if p.kind == "fake"),
        cached_at=cached_at,
        exported_at=exported_at,
        edited_post=edited,
        same_duplicate=rng.choice(repeatable),
        new_only=new_only,
        deleted_post=deleted,
        deleted_at=deleted_at,
        student_likes=likes,
        withdrawn_like_post=next(p for p in act.posts if p.post_id == withdrawn),
        anonymous_ids=anonymous,
        pronouns=pronouns,
    )


def _build_plan(seed: int) -> _ClassPlan:
    """Plan the whole sample class; nothing is written yet."""
    rng = random.Random(seed)
    people, rosters = _make_rosters(rng, _course_specs())
    seq = itertools.count()
    post_ids = itertools.count(_FIRST_POST_ID)
    activities: list[_ActivityPlan] = []
    for roster in rosters:
        statuses = _plan_statuses(rng, roster)
        for week, topic in enumerate(roster.course.topics, start=1):
            act = _plan_activity(rng, roster, people, week, statuses[topic.activity_id], seq)
            _assign_post_ids(act, post_ids)
            activities.append(act)
    plan = _ClassPlan(
        seed=seed,
        staff={person.person_id: person for person in _STAFF},
        people=people,
        rosters=rosters,
        activities=activities,
        non_roster=_NON_ROSTER_STUDENT,
        fake_student=_FAKE_STUDENT,
    )
    plan.canvas = _plan_canvas(rng, plan.activity(_CANVAS_COURSE, _CANVAS_ACTIVITY))
    return plan
