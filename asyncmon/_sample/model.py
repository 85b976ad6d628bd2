"""Plan data: where the edge cases are planted, and the dataclasses of the plan that the
generator makes before it writes anything."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

# Where the format-specific files and edge cases are planted.
_MOODLE_COURSE = "BIO101"
_CANVAS_COURSE = "HIS210"
_CANVAS_ACTIVITY = "w3"
_CANVAS_COURSE_NUMBER = 48213  # Canvas' own numeric course id, used in URLs
_CANVAS_HOST = "https://canvas.example.edu"
_NON_ROSTER_AT = ("BIO101", "w1")
_DELETED_AT = (("BIO101", "w2"), (_CANVAS_COURSE, _CANVAS_ACTIVITY))
_EDITED_AT = ("BIO101", "w5")
_PRIVATE_REPLY_AT = ("BIO101", "w3")
_AT_DUE_MINUTE_AT = ("BIO101", "w2")
_STAFF_THREAD_AT = ("ENG150", "w1")

_FIRST_DUE_DAY = date(2025, 2, 16)  # a Sunday; w4 spans 9 March, w7 spans 30 March
_FIRST_POST_ID = 50001
_FIRST_STUDENT_ID = 1011


@dataclass(frozen=True)
class _QuestionBank:
    """One underlying student question and the ways students phrase it."""

    key: str
    label: str
    canonical: str
    paraphrases: tuple[str, ...]
    answer: str | None = None  # None: the teacher never answers it


@dataclass(frozen=True)
class _Topic:
    """Content of one weekly activity."""

    activity_id: str
    title: str
    concepts: tuple[str, ...]
    terms: tuple[str, ...]
    points: tuple[str, ...]
    examples: tuple[str, ...]
    one_offs: tuple[str, ...]
    groups: tuple[_QuestionBank, ...] = ()
    teacher_pattern: str = "normal"  # "normal", "late_pass" or "busy"


@dataclass(frozen=True)
class _Person:
    person_id: str
    name: str
    call_name: str


@dataclass(frozen=True)
class _CourseSpec:
    course_id: str
    title: str
    timezone: str
    class_minute: int  # local minute of the day at which class starts (Tuesdays)
    roster_size: int
    teacher_id: str
    assistant_ids: tuple[str, ...]
    staff_reaction_kind: str | None  # None: the teacher never reacts, only replies
    student_reaction_kind: str | None
    topics: tuple[_Topic, ...]


@dataclass(frozen=True)
class _Schedule:
    tz: ZoneInfo
    opens: datetime
    due: datetime
    class_start: datetime
    due_day: date
    class_day: date


@dataclass(eq=False)
class _Roster:
    course: _CourseSpec
    students: list[_Person]
    never_acknowledged: str
    repeat_absentee: str
    two_time_absentee: str
    shared: list[str]


@dataclass(eq=False)
class _Post:
    seq: int
    author_id: str
    created: datetime
    kind: str  # initial, peer, self, thanks, substantive, brief, answer, ...
    body: str
    subject: str = ""
    parent: _Post | None = None
    private_to: str = ""
    edited_at: datetime | None = None
    deleted: bool = False
    hide_author: bool = False  # the source does not reveal who wrote it
    in_template: bool = True
    original_body: str | None = None  # body before an edit, where a source shows it
    post_id: str = ""

    @property
    def root(self) -> _Post:
        post = self
        while post.parent is not None:
            post = post.parent
        return post


@dataclass(eq=False)
class _Reaction:
    post: _Post
    person_id: str
    kind: str
    created: datetime | None
    in_template: bool = True


@dataclass(eq=False)
class _Ack:
    """A staff reply or reaction that acknowledges one student."""

    student_id: str
    kind: str  # substantive, brief, answer, private, assistant, reaction
    by: str
    at: datetime | None
    target: _Post
    staff_post: _Post | None = None


@dataclass(eq=False)
class _Question:
    """A question sentence planted in a student's post."""

    group_key: str | None  # None: a one-off question
    student_id: str
    sentence: str
    post: _Post | None = None


@dataclass(eq=False)
class _ActivityPlan:
    roster: _Roster
    topic: _Topic
    week: int
    schedule: _Schedule
    statuses: dict[str, str]
    people: dict[str, _Person]
    first_times: dict[str, datetime] = field(default_factory=dict)
    first_posts: dict[str, _Post] = field(default_factory=dict)
    first_posters: list[str] = field(default_factory=list)
    sessions: dict[str, datetime] = field(default_factory=dict)
    clocks: dict[str, datetime] = field(default_factory=dict)
    posts: list[_Post] = field(default_factory=list)
    reactions: list[_Reaction] = field(default_factory=list)
    acks: list[_Ack] = field(default_factory=list)
    questions: list[_Question] = field(default_factory=list)
    group_answers: dict[str, _Post] = field(default_factory=dict)
    deleted: list[_Post] = field(default_factory=list)
    edited: list[_Post] = field(default_factory=list)
    non_roster_posts: list[_Post] = field(default_factory=list)
    private_replies: list[_Post] = field(default_factory=list)
    at_due_students: list[str] = field(default_factory=list)
    staff_threads: list[_Post] = field(default_factory=list)

    @property
    def course(self) -> _CourseSpec:
        return self.roster.course

    @property
    def key(self) -> tuple[str, str]:
        return (self.course.course_id, self.topic.activity_id)


@dataclass(eq=False)
class _CanvasPlan:
    activity: _ActivityPlan
    exporter_id: str
    fake_post: _Post
    cached_at: datetime
    exported_at: datetime
    edited_post: _Post
    same_duplicate: _Post
    new_only: list[_Post]
    deleted_post: _Post
    deleted_at: datetime
    student_likes: dict[str, int]
    withdrawn_like_post: _Post
    anonymous_ids: dict[str, str]
    pronouns: dict[str, str]


@dataclass(eq=False)
class _ClassPlan:
    seed: int
    staff: dict[str, _Person]
    people: dict[str, _Person]
    rosters: list[_Roster]
    activities: list[_ActivityPlan]
    non_roster: _Person
    fake_student: _Person
    canvas: _CanvasPlan | None = None

    def activity(self, course_id: str, activity_id: str) -> _ActivityPlan:
        for act in self.activities:
            if act.key == (course_id, activity_id):
                return act
        raise KeyError((course_id, activity_id))
