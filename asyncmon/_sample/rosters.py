"""Planning: people and participation."""

from __future__ import annotations

import random
from collections.abc import Sequence

from .model import _FIRST_STUDENT_ID, _CourseSpec, _Person, _Roster
from .topics import _FAKE_STUDENT, _NON_ROSTER_STUDENT, _STAFF, _STUDENT_NAMES

_SHARED_STUDENTS = 3  # students of the first course who also take the last one


def _make_rosters(
    rng: random.Random, specs: Sequence[_CourseSpec]
) -> tuple[dict[str, _Person], list[_Roster]]:
    """Draw the students, split them over the courses and pick the notable ones.

    The last course shares a few students with the first one (same person id in
    both rosters), as real timetables do.
    """
    names = list(_STUDENT_NAMES)
    rng.shuffle(names)
    needed = sum(spec.roster_size for spec in specs) - _SHARED_STUDENTS
    students = [
        _Person(str(_FIRST_STUDENT_ID + index), name, call)
        for index, (name, call) in enumerate(names[:needed])
    ]
    people = {person.person_id: person for person in (*_STAFF, *students)}
    people[_NON_ROSTER_STUDENT.person_id] = _NON_ROSTER_STUDENT
    people[_FAKE_STUDENT.person_id] = _FAKE_STUDENT
    rosters: list[_Roster] = []
    cursor = 0
    for index, spec in enumerate(specs):
        shared: list[str] = []
        own = spec.roster_size
        if index == len(specs) - 1:
            first = rosters[0]
            candidates = [
                p.person_id
                for p in first.students
                if p.person_id
                not in (first.never_acknowledged, first.repeat_absentee, first.two_time_absentee)
            ]
            shared = sorted(rng.sample(candidates, _SHARED_STUDENTS))
            own -= _SHARED_STUDENTS
        members = students[cursor : cursor + own] + [people[sid] for sid in shared]
        cursor += own
        members.sort(key=lambda person: person.person_id)
        regular = [p.person_id for p in members if p.person_id not in shared]
        never, absentee, two_time = rng.sample(regular, 3)
        rosters.append(_Roster(spec, members, never, absentee, two_time, shared))
    return people, rosters


def _plan_statuses(rng: random.Random, roster: _Roster) -> dict[str, dict[str, str]]:
    """Planned status of every student's first contribution, per activity.

    The repeat absentee is late in week 4 and misses weeks 5-7; the two-time
    absentee misses weeks 2 and 5; the never-acknowledged student always posts
    on time. Other students miss at most one activity, so no one else misses
    two in a row.
    """
    special = {roster.never_acknowledged, roster.repeat_absentee, roster.two_time_absentee}
    regular = [p.person_id for p in roster.students if p.person_id not in special]
    missed_once: set[str] = set()
    plan: dict[str, dict[str, str]] = {}
    for index, topic in enumerate(roster.course.topics):
        statuses = {person.person_id: "on_time" for person in roster.students}
        if index >= 4:
            statuses[roster.repeat_absentee] = "missing"
        if index == 3:
            statuses[roster.repeat_absentee] = "late"
        if index in (1, 4):
            statuses[roster.two_time_absentee] = "missing"
        fixed = sum(status == "missing" for status in statuses.values())
        extra = max(0, rng.randint(2, 4) - fixed)
        pool = [sid for sid in regular if sid not in missed_once]
        for sid in rng.sample(pool, min(extra, len(pool))):
            statuses[sid] = "missing"
            missed_once.add(sid)
        present = [sid for sid in regular if statuses[sid] == "on_time"]
        chosen = rng.sample(present, rng.randint(2, 3) + rng.randint(1, 2))
        late_count = 2 + (len(chosen) > 4)
        for position, sid in enumerate(chosen):
            statuses[sid] = "late" if position < late_count else "after_class"
        plan[topic.activity_id] = statuses
    return plan
