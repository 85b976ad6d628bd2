"""Planning: one activity, the students' side."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime, timedelta

from .compose import (
    _compose_initial_body,
    _compose_peer_reply,
    _compose_self_reply,
    _compose_subject,
    _fill,
    _pick_paraphrases,
)
from .model import (
    _AT_DUE_MINUTE_AT,
    _CANVAS_ACTIVITY,
    _CANVAS_COURSE,
    _ActivityPlan,
    _Post,
    _Question,
)
from .timing import _at_local, _first_post_time
from .topics import (
    _DELETED_CHILD_REPLY,
    _FAKE_STUDENT,
    _FAKE_STUDENT_BODY,
    _NON_ROSTER_STUDENT,
    _STAFF_THREAD_BODY,
    _STAFF_THREAD_SUBJECT,
)


def _call_name(act: _ActivityPlan, person_id: str) -> str:
    return act.people[person_id].call_name


def _new_post(act: _ActivityPlan, seq: Iterator[int], **fields: object) -> _Post:
    post = _Post(seq=next(seq), **fields)  # type: ignore[arg-type]
    act.posts.append(post)
    return post


def _reply_limit(act: _ActivityPlan) -> datetime:
    """No student writes in an activity more than three days after class."""
    return act.schedule.class_start + timedelta(days=3)


def _blocked_students(act: _ActivityPlan) -> set[str]:
    """Students the staff must not reply to in this activity.

    The never-acknowledged student, and everyone who raised a question that
    the teacher leaves unanswered (a reply would blur "answered").
    """
    unanswered = {bank.key for bank in act.topic.groups if bank.answer is None}
    blocked = {q.student_id for q in act.questions if q.group_key in unanswered}
    blocked.add(act.roster.never_acknowledged)
    return blocked


def _by_first_time(act: _ActivityPlan) -> list[str]:
    return sorted(act.first_times, key=lambda sid: (act.first_times[sid], sid))


def _schedule_first_posts(rng: random.Random, act: _ActivityPlan) -> None:
    roster = act.roster
    special = {roster.never_acknowledged, roster.repeat_absentee, roster.two_time_absentee}
    at_due = None
    if act.key == _AT_DUE_MINUTE_AT:
        on_time = [sid for sid, s in act.statuses.items() if s == "on_time" and sid not in special]
        at_due = rng.choice(on_time)
    for sid, status in act.statuses.items():
        if status == "missing":
            continue
        if sid == at_due:
            moment = act.schedule.due  # exactly at due: still on time
        elif sid == roster.never_acknowledged:  # posts every week, mid-pack
            day = act.schedule.due_day - timedelta(days=rng.choice((0, 1)))
            moment = _at_local(act.schedule.tz, day, rng.randint(12 * 60, 22 * 60))
        else:
            moment = _first_post_time(rng, act.schedule, act.course, status)
        act.first_times[sid] = moment
    if at_due is not None:
        act.at_due_students.append(at_due)


def _pick_first_posters(rng: random.Random, act: _ActivityPlan) -> list[str]:
    """The earliest posters, who get the teacher's long comments."""
    count = rng.randint(3, 5)
    if act.topic.teacher_pattern == "busy":
        return []
    eligible = [sid for sid in _by_first_time(act) if sid != act.roster.never_acknowledged]
    return eligible[:count]


def _answer_session(act: _ActivityPlan) -> str:
    return "wednesday" if act.topic.teacher_pattern == "late_pass" else "monday"


def _assign_questions(rng: random.Random, act: _ActivityPlan) -> dict[str, list[_Question]]:
    """Choose who raises which planted question, and in which words."""
    pool = [sid for sid in _by_first_time(act) if sid not in act.first_posters]
    rng.shuffle(pool)
    sizes = (5, 9) if len(act.topic.groups) == 1 else (4, 7)
    answer_deadline = act.sessions[_answer_session(act)] - timedelta(minutes=30)
    by_student: dict[str, list[_Question]] = {}
    for bank in act.topic.groups:
        count = min(rng.randint(*sizes), len(bank.paraphrases), len(pool))
        askers = pool[:count]
        if bank.answer is not None:  # someone the teacher can answer in time
            answerable = [
                sid
                for sid in pool
                if sid != act.roster.never_acknowledged and act.first_times[sid] < answer_deadline
            ]
            if answerable and answerable[0] not in askers:
                askers = [answerable[0], *askers[:-1]]
        pool = [sid for sid in pool if sid not in askers]
        for sid, sentence in zip(askers, _pick_paraphrases(rng, bank, count)):
            by_student.setdefault(sid, []).append(_Question(bank.key, sid, sentence))
    count = rng.randint(1, 2)
    for sid, sentence in zip(pool[:count], rng.sample(act.topic.one_offs, count)):
        by_student.setdefault(sid, []).append(_Question(None, sid, sentence))
    return by_student


def _write_initial_posts(
    rng: random.Random,
    act: _ActivityPlan,
    questions: dict[str, list[_Question]],
    seq: Iterator[int],
) -> None:
    for sid in _by_first_time(act):
        planted = questions.get(sid, [])
        post = _new_post(
            act,
            seq,
            author_id=sid,
            created=act.first_times[sid],
            kind="initial",
            subject=_compose_subject(rng, act.topic, act.week, _call_name(act, sid)),
            body=_compose_initial_body(rng, act.topic, [q.sentence for q in planted]),
        )
        act.first_posts[sid] = post
        for question in planted:
            question.post = post
            act.questions.append(question)


def _add_staff_thread(act: _ActivityPlan, seq: Iterator[int]) -> None:
    """The teacher opens the forum with a welcome thread of their own."""
    post = _new_post(
        act,
        seq,
        author_id=act.course.teacher_id,
        created=act.schedule.opens + timedelta(minutes=40),
        kind="staff_thread",
        subject=_STAFF_THREAD_SUBJECT,
        body=_STAFF_THREAD_BODY,
    )
    act.staff_threads.append(post)


def _add_non_roster_post(rng: random.Random, act: _ActivityPlan, seq: Iterator[int]) -> None:
    """A student who dropped the course (not in people.csv) posts once."""
    person = _NON_ROSTER_STUDENT
    post = _new_post(
        act,
        seq,
        author_id=person.person_id,
        created=_first_post_time(rng, act.schedule, act.course, "on_time"),
        kind="initial",
        subject=_compose_subject(rng, act.topic, act.week, person.call_name),
        body=_compose_initial_body(rng, act.topic, []),
    )
    act.non_roster_posts.append(post)
    replier = rng.choice(_by_first_time(act))
    start = max(post.created, act.first_times[replier])
    _new_post(
        act,
        seq,
        author_id=replier,
        created=start + timedelta(minutes=rng.randint(20, 600)),
        kind="peer",
        subject="Re: " + post.subject,
        body=_compose_peer_reply(rng, act.topic, person.call_name),
        parent=post,
    )


def _add_fake_student_post(act: _ActivityPlan, seq: Iterator[int]) -> None:
    """The teacher's Student View test entry (Canvas only, not in the template)."""
    _new_post(
        act,
        seq,
        author_id=_FAKE_STUDENT.person_id,
        created=act.schedule.opens - timedelta(hours=2),
        kind="fake",
        subject="",
        body=_FAKE_STUDENT_BODY,
        in_template=False,
    )


def _add_peer_replies(rng: random.Random, act: _ActivityPlan, seq: Iterator[int]) -> None:
    """Most students answer one or two classmates after posting their own."""
    limit = _reply_limit(act)
    for sid in _by_first_time(act):
        own = act.first_times[sid]
        replied_to: set[int] = set()
        for _ in range(rng.choices((0, 1, 2), weights=(25, 45, 30))[0]):
            reach = rng.choice((60, 180, 480, 1440, 2160))
            moment = own + timedelta(minutes=rng.randint(5, reach))
            if moment > limit:
                continue
            kind = "peer" if rng.random() < 0.15 else "initial"
            pool = [
                p
                for p in act.posts
                if p.kind == kind
                and p.author_id != sid
                and p.seq not in replied_to
                and p.created <= moment - timedelta(minutes=10)
            ]
            if not pool:
                continue
            parent = rng.choice(pool)
            replied_to.add(parent.seq)
            _new_post(
                act,
                seq,
                author_id=sid,
                created=moment,
                kind="peer",
                subject="Re: " + parent.root.subject,
                body=_compose_peer_reply(rng, act.topic, _call_name(act, parent.author_id)),
                parent=parent,
            )


def _add_self_replies(rng: random.Random, act: _ActivityPlan, seq: Iterator[int]) -> None:
    """Now and then a student adds a thought under their own post."""
    for sid in _by_first_time(act):
        post = act.first_posts[sid]
        moment = post.created + timedelta(minutes=rng.randint(20, 600))
        if rng.random() < 0.08 and moment <= _reply_limit(act):
            _new_post(
                act,
                seq,
                author_id=sid,
                created=moment,
                kind="self",
                subject="Re: " + post.subject,
                body=_compose_self_reply(rng, act.topic),
                parent=post,
            )


def _plant_deleted_reply(rng: random.Random, act: _ActivityPlan, seq: Iterator[int]) -> None:
    """Delete one peer reply after its thread starter answered it."""
    roster_ids = {p.person_id for p in act.roster.students}
    candidates = [
        p
        for p in act.posts
        if p.kind == "peer"
        and p.parent is not None
        and p.parent.kind == "initial"
        and p.parent.author_id in roster_ids
        and p.author_id != act.roster.never_acknowledged
        and p.created < act.schedule.due - timedelta(hours=6)
    ]
    target = rng.choice(candidates)
    assert target.parent is not None
    _new_post(
        act,
        seq,
        author_id=target.parent.author_id,
        created=target.created + timedelta(minutes=rng.randint(30, 300)),
        kind="peer",
        subject="Re: " + target.root.subject,
        body=_fill(_DELETED_CHILD_REPLY, name=_call_name(act, target.author_id)),
        parent=target,
    )
    target.original_body = target.body
    target.body = ""
    target.subject = ""
    target.deleted = True
    target.hide_author = act.key == (_CANVAS_COURSE, _CANVAS_ACTIVITY)
    act.deleted.append(target)
