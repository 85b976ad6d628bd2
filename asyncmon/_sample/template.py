"""Writers: the product's CSV template."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from ..sources.roster import ACTIVITY_COLUMNS, ACTIVITY_OPTIONAL, PEOPLE_COLUMNS
from ..sources.template import POST_FILE_COLUMNS, REACTION_COLUMNS, REACTION_OPTIONAL
from .model import _ActivityPlan, _ClassPlan, _Post
from .timing import _iso_z, _local_wall

# Every column each file of the product's template can hold, as its readers list them.
_PEOPLE_COLUMNS = PEOPLE_COLUMNS
_ACTIVITY_COLUMNS = ACTIVITY_COLUMNS + ACTIVITY_OPTIONAL
_POST_COLUMNS = POST_FILE_COLUMNS
_REACTION_COLUMNS = REACTION_COLUMNS + REACTION_OPTIONAL


def _write_csv(
    path: Path, header: Sequence[str], rows: Iterable[Sequence[object]], *, bom: bool = False
) -> None:
    """Write UTF-8 CSV with ``\\n`` line ends and minimal quoting."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        if bom:
            handle.write("\ufeff")
        writer = csv.writer(handle, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow(header)
        writer.writerows(rows)


def _write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(text)


def _people_rows(plan: _ClassPlan) -> Iterator[tuple[str, ...]]:
    for roster in plan.rosters:
        course = roster.course
        teacher = plan.people[course.teacher_id]
        yield (course.course_id, teacher.person_id, teacher.name, "teacher")
        for assistant_id in course.assistant_ids:
            yield (course.course_id, assistant_id, plan.people[assistant_id].name, "assistant")
        for student in roster.students:
            yield (course.course_id, student.person_id, student.name, "student")


def _activity_rows(plan: _ClassPlan) -> Iterator[tuple[str, ...]]:
    for act in plan.activities:
        tz = act.schedule.tz
        yield (
            act.course.course_id,
            act.topic.activity_id,
            act.topic.title,
            _local_wall(act.schedule.due, tz),
            _local_wall(act.schedule.class_start, tz),
            act.course.timezone,
            act.course.title,
            ";".join(act.topic.concepts),
            f"https://lms.example.edu/{act.course.course_id.lower()}/forum/{act.topic.activity_id}",
        )


def _template_posts(act: _ActivityPlan) -> list[_Post]:
    return sorted((p for p in act.posts if p.in_template), key=lambda p: int(p.post_id))


def _post_rows(plan: _ClassPlan) -> Iterator[tuple[str, ...]]:
    for act in plan.activities:
        for post in _template_posts(act):
            yield (
                act.course.course_id,
                act.topic.activity_id,
                post.post_id,
                post.root.post_id,
                post.parent.post_id if post.parent else "",
                "" if post.hide_author else post.author_id,
                _iso_z(post.created),
                _iso_z(post.edited_at) if post.edited_at else "",
                "1" if post.deleted else "0",
                post.subject,
                post.body,
                post.private_to,
            )


def _reaction_rows(plan: _ClassPlan) -> Iterator[tuple[str, ...]]:
    for act in plan.activities:
        reactions = [r for r in act.reactions if r.in_template]
        reactions.sort(key=lambda r: (int(r.post.post_id), int(r.person_id)))
        for reaction in reactions:
            yield (
                act.course.course_id,
                reaction.post.post_id,
                reaction.person_id,
                reaction.kind,
                _iso_z(reaction.created) if reaction.created else "",
            )


def _write_template(root: Path, plan: _ClassPlan) -> list[str]:
    """Write people, activities, posts and reactions; return the file names."""
    _write_csv(root / "people.csv", _PEOPLE_COLUMNS, _people_rows(plan))
    _write_csv(root / "activities.csv", _ACTIVITY_COLUMNS, _activity_rows(plan))
    _write_csv(root / "posts.csv", _POST_COLUMNS, _post_rows(plan))
    _write_csv(root / "reactions.csv", _REACTION_COLUMNS, _reaction_rows(plan))
    return ["activities.csv", "people.csv", "posts.csv", "reactions.csv"]
