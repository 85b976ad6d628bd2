"""Content banks: the texts the sample class is written from.

People, sentence frames and each course's weekly topics live in TOML files in
``data/`` beside this module, read here once into the same tuples and dataclasses the
generator uses. Every list keeps its order: the generator is seeded, so reordering a
list changes the sample.
"""

from __future__ import annotations

import tomllib
from importlib.resources import files

from .model import _CourseSpec, _Person, _QuestionBank, _Topic


def _read(name: str) -> dict:
    """One TOML file of ``data/``, parsed."""
    with (files("asyncmon._sample") / "data" / name).open("rb") as handle:
        return tomllib.load(handle)


def _person(table: dict) -> _Person:
    return _Person(table["person_id"], table["name"], table["call_name"])


def _question_bank(table: dict) -> _QuestionBank:
    return _QuestionBank(
        key=table["key"],
        label=table["label"],
        canonical=table["canonical"],
        paraphrases=tuple(table["paraphrases"]),
        answer=table.get("answer"),  # none: the teacher never answers it
    )


def _topics(name: str) -> tuple[_Topic, ...]:
    """The weekly topics of one course, in week order, from ``data/<name>``."""
    return tuple(
        _Topic(
            activity_id=table["activity_id"],
            title=table["title"],
            concepts=tuple(table["concepts"]),
            terms=tuple(table["terms"]),
            points=tuple(table["points"]),
            examples=tuple(table["examples"]),
            one_offs=tuple(table["one_offs"]),
            groups=tuple(_question_bank(group) for group in table.get("groups", ())),
            teacher_pattern=table["teacher_pattern"],
        )
        for table in _read(name)["topics"]
    )


# ---------------------------------------------------------------------------
# Content banks: people
# ---------------------------------------------------------------------------

_PEOPLE = _read("people.toml")
_STAFF = tuple(_person(table) for table in _PEOPLE["staff"])
_NON_ROSTER_STUDENT = _person(_PEOPLE["non_roster_student"])
_FAKE_STUDENT = _person(_PEOPLE["fake_student"])

# (display name, name classmates use)
_STUDENT_NAMES = tuple((name, call) for name, call in _PEOPLE["students"])


# ---------------------------------------------------------------------------
# Content banks: sentence frames shared by all courses
# ---------------------------------------------------------------------------

_FRAMES = _read("frames.toml")
_OPENERS = tuple(_FRAMES["openers"])
_POINT_FRAMES = tuple(_FRAMES["point_frames"])
_EXAMPLE_FRAMES = tuple(_FRAMES["example_frames"])
_TERM_FRAMES = tuple(_FRAMES["term_frames"])
_NOISE = tuple(_FRAMES["noise"])
_CLOSERS = tuple(_FRAMES["closers"])
_SUBJECTS = tuple(_FRAMES["subjects"])
_PEER_REPLY_HEADS = tuple(_FRAMES["peer_reply_heads"])
_PEER_REPLY_EXAMPLES = tuple(_FRAMES["peer_reply_examples"])
_SELF_REPLY_FRAMES = tuple(_FRAMES["self_reply_frames"])
_THANKS = tuple(_FRAMES["thanks"])
_STAFF_PRAISE = tuple(_FRAMES["staff_praise"])
_STAFF_CONTENT = tuple(_FRAMES["staff_content"])
_STAFF_PUSH = tuple(_FRAMES["staff_push"])
_STAFF_BRIEF = tuple(_FRAMES["staff_brief"])
_ASSISTANT_FRAMES = tuple(_FRAMES["assistant_frames"])
_ANSWER_CLOSERS_BEFORE = tuple(_FRAMES["answer_closers_before"])
_ANSWER_CLOSERS_AFTER = tuple(_FRAMES["answer_closers_after"])

_PRIVATE_NOTE = _FRAMES["private_note"]
_STAFF_THREAD_SUBJECT = _FRAMES["staff_thread_subject"]
_STAFF_THREAD_BODY = _FRAMES["staff_thread_body"]
_FAKE_STUDENT_BODY = _FRAMES["fake_student_body"]
_DELETED_CHILD_REPLY = _FRAMES["deleted_child_reply"]

# (pattern, replacement) pairs for informal typing; applied to whole words.
_INFORMAL_SWAPS = tuple((pattern, swap) for pattern, swap in _FRAMES["informal_swaps"])


# ---------------------------------------------------------------------------
# Content banks: topics, one file per course
# ---------------------------------------------------------------------------


def _course_specs() -> tuple[_CourseSpec, ...]:
    """The three courses of the sample class, in file order."""
    return (
        _CourseSpec(
            "BIO101", "Cell Biology", "Europe/Amsterdam", 9 * 60, 26, "1001",
            ("1003",), None, None, _topics("bio101.toml"),
        ),
        _CourseSpec(
            "HIS210", "Modern European History", "America/New_York", 10 * 60 + 30, 25,
            "1002", (), "like", "like", _topics("his210.toml"),
        ),
        _CourseSpec(
            "ENG150", "Academic Writing", "Europe/London", 14 * 60, 24, "1001", (),
            "thumbs-up", "like", _topics("eng150.toml"),
        ),
    )  # fmt: skip
