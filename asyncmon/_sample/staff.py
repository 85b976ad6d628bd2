"""Planning: staff behaviour, then the students' thanks, likes and edits."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime, timedelta

from .activity import (
    _answer_session,
    _blocked_students,
    _by_first_time,
    _call_name,
    _new_post,
    _reply_limit,
)
from .compose import (
    _compose_answer,
    _compose_assistant,
    _compose_brief,
    _compose_substantive,
    _fill,
)
from .model import _CANVAS_ACTIVITY, _CANVAS_COURSE, _Ack, _ActivityPlan, _Post, _Reaction
from .topics import _EXAMPLE_FRAMES, _PRIVATE_NOTE, _THANKS


def _staff_session(act: _ActivityPlan, created: datetime) -> str:
    """The first staff reading session that comes after a post."""
    if act.topic.teacher_pattern == "late_pass":
        return "wednesday"
    for name in ("friday", "monday"):
        if act.sessions[name] > created + timedelta(minutes=30):
            return name
    return "wednesday"


def _staff_clock(
    rng: random.Random, act: _ActivityPlan, session: str, not_before: datetime
) -> datetime:
    """Next free minute in a staff session (replies come a few minutes apart)."""
    clock = act.clocks.setdefault(session, act.sessions[session])
    moment = max(clock, not_before + timedelta(minutes=15))
    act.clocks[session] = moment + timedelta(minutes=rng.randint(3, 11))
    return moment


def _staff_reply(
    act: _ActivityPlan,
    seq: Iterator[int],
    *,
    author: str,
    target: _Post,
    when: datetime,
    kind: str,
    body: str,
    private_to: str = "",
) -> _Post:
    """Write a staff reply and record the acknowledgement it gives."""
    reply = _new_post(
        act,
        seq,
        author_id=author,
        created=when,
        kind=kind,
        subject="Re: " + target.root.subject,
        body=body,
        parent=target,
        private_to=private_to,
    )
    act.acks.append(_Ack(target.author_id, kind, author, when, target, reply))
    return reply


def _add_teacher_activity(rng: random.Random, act: _ActivityPlan, seq: Iterator[int]) -> None:
    """The teacher's week: long comments to the first posters, answers, then a few
    brief comments or reactions, and nothing for most later posters."""
    teacher = act.course.teacher_id
    blocked = _blocked_students(act)
    for sid in act.first_posters:
        post = act.first_posts[sid]
        session = _staff_session(act, post.created)
        _staff_reply(
            act,
            seq,
            author=teacher,
            target=post,
            when=_staff_clock(rng, act, session, post.created),
            kind="substantive",
            body=_compose_substantive(rng, act.topic, _call_name(act, sid)),
        )
    session = _answer_session(act)
    deadline = act.sessions[session] - timedelta(minutes=30)
    for bank in act.topic.groups:
        if bank.answer is None:
            continue
        asked = [
            q
            for q in act.questions
            if q.group_key == bank.key
            and q.post is not None
            and q.student_id != act.roster.never_acknowledged
            and q.post.created < deadline
        ]
        question = min(asked, key=lambda q: (q.post.created, q.student_id))  # type: ignore[union-attr]
        assert question.post is not None
        when = _staff_clock(rng, act, session, question.post.created)
        act.group_answers[bank.key] = _staff_reply(
            act,
            seq,
            author=teacher,
            target=question.post,
            when=when,
            kind="answer",
            body=_compose_answer(
                rng,
                bank,
                _call_name(act, question.student_id),
                before_class=when < act.schedule.class_start,
            ),
        )
    acked = {ack.student_id for ack in act.acks}
    cutoff = act.sessions[session] - timedelta(minutes=20)
    candidates = [
        sid
        for sid in _by_first_time(act)
        if sid not in blocked and sid not in acked and act.first_times[sid] < cutoff
    ]
    count = rng.randint(3, 5) if act.topic.teacher_pattern == "busy" else rng.randint(2, 4)
    picks = sorted(rng.sample(candidates, min(count, len(candidates))), key=candidates.index)
    kind = act.course.staff_reaction_kind
    for sid in picks:
        post = act.first_posts[sid]
        when = _staff_clock(rng, act, session, post.created)
        if kind is not None and rng.random() < 0.6:
            moment = None if act.key == (_CANVAS_COURSE, _CANVAS_ACTIVITY) else when
            act.reactions.append(_Reaction(post, teacher, kind, moment))
            act.acks.append(_Ack(sid, "reaction", teacher, moment, post))
        else:
            _staff_reply(
                act,
                seq,
                author=teacher,
                target=post,
                when=when,
                kind="brief",
                body=_compose_brief(rng, _call_name(act, sid)),
            )


def _add_assistant_activity(rng: random.Random, act: _ActivityPlan, seq: Iterator[int]) -> None:
    """The assistant answers one or two students on Saturday afternoon."""
    blocked = _blocked_students(act)
    for assistant in act.course.assistant_ids:
        acked = {ack.student_id for ack in act.acks}
        cutoff = act.sessions["saturday"] - timedelta(minutes=30)
        candidates = [
            sid
            for sid in _by_first_time(act)
            if sid not in blocked and sid not in acked and act.first_times[sid] < cutoff
        ]
        picks = rng.sample(candidates, min(rng.randint(1, 2), len(candidates)))
        for sid in sorted(picks, key=candidates.index):
            post = act.first_posts[sid]
            _staff_reply(
                act,
                seq,
                author=assistant,
                target=post,
                when=_staff_clock(rng, act, "saturday", post.created),
                kind="assistant",
                body=_compose_assistant(rng, act.topic, _call_name(act, sid)),
            )


def _add_private_reply(rng: random.Random, act: _ActivityPlan, seq: Iterator[int]) -> None:
    """The teacher writes privately to one student nobody has answered yet."""
    blocked = _blocked_students(act)
    acked = {ack.student_id for ack in act.acks}
    cutoff = act.sessions["monday"] - timedelta(minutes=30)
    candidates = [
        sid
        for sid in _by_first_time(act)
        if sid not in blocked and sid not in acked and act.first_times[sid] < cutoff
    ]
    sid = rng.choice(candidates)
    post = act.first_posts[sid]
    reply = _staff_reply(
        act,
        seq,
        author=act.course.teacher_id,
        target=post,
        when=_staff_clock(rng, act, "monday", post.created),
        kind="private",
        body=_fill(_PRIVATE_NOTE, name=_call_name(act, sid)),
        private_to=sid,
    )
    act.private_replies.append(reply)


def _add_thanks(rng: random.Random, act: _ActivityPlan, seq: Iterator[int]) -> None:
    """Some students thank the staff member who answered them."""
    staff_replies = [
        p for p in act.posts if p.kind in ("substantive", "answer", "brief", "assistant")
    ]
    for reply in staff_replies:
        assert reply.parent is not None
        moment = reply.created + timedelta(minutes=rng.randint(30, 720))
        if rng.random() < 0.25 and moment <= _reply_limit(act):
            _new_post(
                act,
                seq,
                author_id=reply.parent.author_id,
                created=moment,
                kind="thanks",
                subject="Re: " + reply.root.subject,
                body=rng.choice(_THANKS),
                parent=reply,
            )


def _add_student_likes(rng: random.Random, act: _ActivityPlan) -> None:
    """Classmates like each other's posts where the platform allows it.

    In the Canvas activity, Canvas does not say who liked what, so these likes
    only show in the Canvas rating counts, not in reactions.csv.
    """
    kind = act.course.student_reaction_kind
    if kind is None:
        return
    in_canvas = act.key == (_CANVAS_COURSE, _CANVAS_ACTIVITY)
    roster_ids = {p.person_id for p in act.roster.students}
    targets = [
        p
        for p in act.posts
        if p.kind in ("initial", "peer") and p.author_id in roster_ids and not p.deleted
    ]
    likers = _by_first_time(act)
    seen: set[tuple[int, str]] = set()
    for _ in range(rng.randint(4, 7) if in_canvas else rng.randint(2, 5)):
        post, liker = rng.choice(targets), rng.choice(likers)
        if liker == post.author_id or (post.seq, liker) in seen:
            continue
        seen.add((post.seq, liker))
        start = max(post.created, act.first_times[liker])
        moment = start + timedelta(minutes=rng.randint(5, 600))
        act.reactions.append(
            _Reaction(post, liker, kind, None if in_canvas else moment, in_template=not in_canvas)
        )


def _plant_edit(rng: random.Random, act: _ActivityPlan, post: _Post, moment: datetime) -> None:
    """Edit a post: its body gains a paragraph and edited_at is set."""
    post.original_body = post.body
    addition = _fill(rng.choice(_EXAMPLE_FRAMES), e=rng.choice(act.topic.examples))
    post.body = post.body + "\n\nEdit: " + addition
    post.edited_at = moment
    act.edited.append(post)


def _plant_quick_edit(rng: random.Random, act: _ActivityPlan) -> None:
    """A student edits their own post within two hours of writing it."""
    roster = act.roster
    special = {roster.never_acknowledged, roster.repeat_absentee, roster.two_time_absentee}
    candidates = [sid for sid in _by_first_time(act) if sid not in special]
    post = act.first_posts[rng.choice(candidates)]
    _plant_edit(rng, act, post, post.created + timedelta(minutes=rng.randint(15, 120)))
