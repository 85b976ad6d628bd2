"""Deterministic, realistic sample class for asyncmon.

The sample class has three courses in three time zones, seven weekly discussion
activities each, and the habits a teacher would recognise: early posters get
long comments, later posters get a thumbs-up or nothing, one student is never
acknowledged, one stops posting, and a few questions keep coming back in other
words. Every such fact is planned first and then written, so the generator can
report exactly what it planted (``planted.json`` and ``README.md``) without
reading its own files back.

Files written by :func:`write_sample_class`:

- the product's CSV template for all courses: ``people.csv``,
  ``activities.csv``, ``posts.csv``, ``reactions.csv``;
- Moodle forum exports of every activity of ``BIO101``
  (``moodle/BIO101_w1.csv`` and ``.json``, ...);
- a Canvas discussion "full view" of ``HIS210`` activity ``w3``
  (``canvas/HIS210_w3.json``);
- ``planted.json`` and ``README.md`` describing what was planted.

The same seed always gives byte-identical files.

Run ``python -m asyncmon.sample [DIRECTORY]`` to regenerate the bundled sample
(default: the repository's ``sample_data/``).
"""

from __future__ import annotations

import csv
import html
import itertools
import json
import math
import os
import random
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

__all__ = ["SAMPLE_SEED", "sample_data_dir", "write_sample_class"]

SAMPLE_SEED = 2025
"""Seed of the bundled sample class."""

_UTC = UTC

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

_DAY_NAMES = (
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
)  # fmt: skip
_MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December",
)  # fmt: skip


# ---------------------------------------------------------------------------
# Plan data
# ---------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------
# Content banks: people
# ---------------------------------------------------------------------------

_STAFF = (
    _Person("1001", "Marta Kowalska", "Marta"),
    _Person("1002", "Daniel Okafor", "Daniel"),
    _Person("1003", "Lucas Ferreira", "Lucas"),
)
_NON_ROSTER_STUDENT = _Person("1101", "Maximilian Braun", "Max")
_FAKE_STUDENT = _Person("1901", "Test Student", "Test")

# (display name, name classmates use)
_STUDENT_NAMES = (
    ("Zoë van Dijk", "Zoë"), ("José Martínez", "José"), ("Nguyễn Thị Lan", "Lan"),
    ("Søren Kristensen", "Søren"), ("Aoife Ní Bhriain", "Aoife"),
    ("Liam O'Connor", "Liam"), ("Amira Haddad", "Amira"), ("Mateusz Wójcik", "Mateusz"),
    ("Chloé Dubois", "Chloé"), ("Kwame Mensah", "Kwame"), ("Emma de Vries", "Emma"),
    ("Yusuf Demir", "Yusuf"), ("Priya Raman", "Priya"), ("Lukas Schäfer", "Lukas"),
    ("Hana Kobayashi", "Hana"), ("Oliver Bennett", "Oliver"),
    ("Fatima Zahra El Amrani", "Fatima"), ("Björn Lindqvist", "Björn"),
    ("Sofía Herrera", "Sofía"), ("Tomás Ó Ceallaigh", "Tomás"), ("Ingrid Solberg", "Ingrid"),
    ("Mei Lin Chen", "Mei Lin"), ("Jakub Novák", "Jakub"), ("Elif Yılmaz", "Elif"),
    ("Noah Jansen", "Noah"), ("Chiara Rossi", "Chiara"), ("Arjun Mehta", "Arjun"),
    ("Saoirse Byrne", "Saoirse"), ("Mohammed Al-Sayed", "Mohammed"),
    ("Léa Moreau", "Léa"), ("Thijs Bakker", "Thijs"), ("Aleksandra Petrović", "Ola"),
    ("Kofi Asante", "Kofi"), ("Maja Nowak", "Maja"), ("Jonas Weber", "Jonas"),
    ("Isabella García", "Bella"), ("Ravi Shankar Iyer", "Ravi"), ("Freya Thorsen", "Freya"),
    ("Ahmed Hassan", "Ahmed"), ("Nora Lehmann", "Nora"), ("Diego Fernández", "Diego"),
    ("Sakura Tanaka", "Sakura"), ("Ethan Walker", "Ethan"), ("Ayesha Siddiqui", "Ayesha"),
    ("Matteo Bianchi", "Matteo"), ("Julia Kowalczyk", "Julia"), ("Ngozi Okonkwo", "Ngozi"),
    ("Finn Murphy", "Finn"), ("Lucía Romero", "Lucía"), ("Oskar Nilsson", "Oskar"),
    ("Yasmin Khalil", "Yasmin"), ("Tariq Mahmood", "Tariq"), ("Anouk Visser", "Anouk"),
    ("Gabriel Silva", "Gabriel"), ("Zuzana Horváthová", "Zuzana"),
    ("Trần Minh Khoa", "Khoa"), ("Olivia Brown", "Olivia"), ("Ibrahim Diallo", "Ibrahim"),
    ("Clara Hoffmann", "Clara"), ("Seán Gallagher", "Seán"), ("Leila Karimi", "Leila"),
    ("Marco Esposito", "Marco"), ("Eszter Nagy", "Eszter"), ("Benjamin Adeyemi", "Ben"),
    ("Niamh Kelly", "Niamh"), ("Rafael Costa", "Rafael"), ("Astrid Berg", "Astrid"),
    ("Hugo Lefèvre", "Hugo"), ("Imani Johnson", "Imani"), ("Kenji Watanabe", "Kenji"),
    ("Sara Lindgren", "Sara"), ("Dmitri Volkov", "Dmitri"), ("Aisha Bello", "Aisha"),
    ("Jack Thompson", "Jack"), ("Camille Laurent", "Camille"), ("Ruairí Walsh", "Ruairí"),
    ("Grace Wu", "Grace"),
)  # fmt: skip


# ---------------------------------------------------------------------------
# Content banks: sentence frames shared by all courses
# ---------------------------------------------------------------------------

_OPENERS = (
    "Hi everyone!",
    "Hi all,",
    "Hello!",
    "Hey everyone, here is my post for this week.",
    "Okay so this week was interesting.",
    "This week's topic was actually really fun.",
    "Honestly I found this one tricky.",
    "Sorry for the long post in advance.",
    "Here are my thoughts on {title}.",
    "I'll keep this short.",
    "Late night post incoming.",
    "Not gonna lie, I had to read this twice.",
    "Hi! Here's my response.",
    "Good morning all.",
    "So, {title}.",
    "I liked this week's reading a lot more than last week's.",
    "First time posting early, feels good.",
    "Right, here goes.",
)

_POINT_FRAMES = (
    "I think {p}.",
    "What stood out to me is that {p}.",
    "The main thing I took from the reading is that {p}.",
    "{P}.",
    "{P}, which honestly surprised me.",
    "I never really realised that {p}.",
    "It makes sense to me that {p}.",
    "So basically {p}.",
    "From what I understood, {p}.",
    "One thing I found interesting is that {p}.",
    "I'd argue that {p}.",
    "For me the key idea is that {p}.",
    "If I got it right, {p}.",
    "I was surprised to learn that {p}.",
    "It's kind of obvious now but {p}.",
    "Our textbook makes the point that {p}.",
    "In short: {p}.",
    "What I liked is how the reading shows that {p}.",
    "I'm fairly convinced that {p}.",
    "The biggest takeaway for me: {p}.",
    "After the lecture it clicked that {p}.",
    "The way I see it, {p}.",
)

_EXAMPLE_FRAMES = (
    "A good example is {e}.",
    "You can see this in {e}.",
    "Think of {e}.",
    "For example, {e}.",
    "This reminded me of {e}.",
    "An example that helped me was {e}.",
    "{E} is a nice illustration of this.",
    "I keep thinking about {e} as an example.",
    "{E} shows this really well.",
)

_TERM_FRAMES = (
    "I had never really thought about {t} before this week.",
    "{T} was the part I enjoyed most.",
    "The section on {t} was the most useful for me.",
    "I need to reread the bit on {t} though.",
    "{T} finally clicked for me this week.",
    "I found the part about {t} pretty dense.",
    "I made a little diagram of {t} to help me remember it.",
    "The practice question on {t} makes more sense now.",
    "I'd like to spend more time on {t} in class.",
)

_NOISE = (
    "Sorry if this is messy, I'm writing on my phone.",
    "Also sorry this is a bit late in the week, work has been crazy.",
    "Side note: the library printer is broken again.",
    "I'm on the train so excuse the typos.",
    "My cat walked over the keyboard twice while writing this lol.",
    "Random but the coffee machine on the second floor works again!",
    "(I wrote most of this between shifts, so bear with me.)",
    "Btw the link to the second reading works now.",
    "Hope everyone had a good weekend.",
    "I blame the heating in my room for any nonsense in this post.",
)

_CLOSERS = (
    "Looking forward to class on Tuesday.",
    "Anyway, that's my take.",
    "Curious to hear what others think.",
    "Let me know if you see it differently!",
    "That's all for now.",
    "See you in class.",
    "Thanks for reading :)",
    "Happy to discuss more in class.",
    "Would love some feedback on this.",
    "Ok that's it from me.",
    "Interested to read your posts.",
)

_SUBJECTS = (
    "Week {n} post",
    "Week {n} – {title}",
    "Thoughts on {t}",
    "My response",
    "{Title}",
    "{T}",
    "W{n} discussion",
    "Some thoughts",
    "My post for week {n}",
    "Response to the prompt",
    "{name}'s post",
    "week {n}",
    "{T} reflection",
)

_PEER_REPLY_HEADS = (
    "I agree with you {name}, {p}.",
    "Totally agree, {name}!",
    "Good point about {t}, {name}.",
    "Interesting post, {name}.",
    "I see it a bit differently, {name}: {p}.",
    "Thanks {name}, I hadn't thought about {t} that way.",
    "This is really clearly explained, thanks {name}.",
    "Same here, {t} took me a while too.",
    "Nice example, {name}.",
    "I like how you connected this to {t}.",
    "{Name}, your post made me rethink my own answer.",
    "Yes! This is exactly what I was trying to say in my post.",
    "Great post {name} <3",
    "You explained {t} better than the textbook honestly.",
    "Building on what you said, {p}.",
    "I partly agree, but I think {p}.",
    "Love this, {name}.",
    "Good summary!",
    "Hey {name}, really liked reading this.",
    "Agree 100% with the first part of your post.",
)

_PEER_REPLY_EXAMPLES = (
    "Another example could be {e}.",
    "It's a bit like {e}.",
    "Maybe {e} fits here too.",
)

_SELF_REPLY_FRAMES = (
    "Forgot to add: {p}.",
    "Edit: one more thing, I think {p}.",
    "Adding to my own post: {e} is another good example.",
    "Thinking about it more, {p}.",
    "Also meant to say that {t} was the hardest part for me.",
)

_THANKS = (
    "Thank you, that helps a lot!",
    "Thanks, I'll think about that.",
    "Oh that makes sense now, thanks!",
    "Thanks for the feedback!",
    "Good idea, I'll bring it to class.",
    "Thank you! Will do.",
)

_STAFF_PRAISE = (
    "Nice work, {name}.",
    "Thanks for getting us started, {name}.",
    "{Name}, this is a thoughtful post.",
    "Good start, {name}.",
    "Great that you posted early, {name}.",
    "Very clear, {name}.",
    "Thank you for this, {name}.",
)

_STAFF_CONTENT = (
    "You're right that {p}.",
    "Your point about {t} is exactly where we'll start on Tuesday.",
    "Be careful with the wording around {t}, though.",
    "I like that you used an example; {e} works well here.",
    "Notice how this links back to {t2}.",
    "Keep this in mind when we get to {t2}.",
    "The reading backs you up: {p}.",
)

_STAFF_PUSH = (
    "Can you connect this to {t2}?",
    "What would change if you looked at it from the other side?",
    "Try to add one source next time.",
    "Could you say in one sentence why this matters?",
    "Bring this example to class, please.",
    "How would you explain this to someone who missed the reading?",
)

_STAFF_BRIEF = (
    "Nice point!",
    "Good example, {name}.",
    "Well put!",
    "Thanks for sharing, {name}.",
    "Great start!",
    "Interesting, thanks {name}.",
    "Good one.",
    "Nice, clear post.",
    "Thanks {name}, well argued.",
    "Good observation!",
)

_ASSISTANT_FRAMES = (
    "Adding to this: {p}.",
    "Good one, {name}! The slides on {t} cover this as well.",
    "Nice, {name}. Have a look at the lab notes on {t} too.",
    "Good observation, {name}: {p}.",
)

_ANSWER_CLOSERS_BEFORE = (
    "A few of you asked something similar, so we'll start Tuesday's class with this.",
    "Others asked the same thing, so I'll come back to it on Tuesday.",
    "",
)
_ANSWER_CLOSERS_AFTER = (
    "Sorry for the slow reply; we touched on this in class too.",
    "Apologies for answering so late, I hope class helped as well.",
)

_PRIVATE_NOTE = (
    "Hi {name}, just a private note from me: your post this week is a lot shorter "
    "than usual. Is everything okay? Let me know if you need a bit more time."
)
_STAFF_THREAD_SUBJECT = "Welcome to the forum"
_STAFF_THREAD_BODY = (
    "Welcome to the Academic Writing forum! Post your first response by Sunday "
    "23:59 and reply to at least one classmate. I will read everything before "
    "Tuesday's class."
)
_FAKE_STUDENT_BODY = "Testing how this topic looks for students. Please ignore this post."
_DELETED_CHILD_REPLY = "Thanks {name}, good point."

# (pattern, replacement) pairs for informal typing; applied to whole words.
_INFORMAL_SWAPS = (
    (r"\bI'm\b", "im"),
    (r"\bdon't\b", "dont"),
    (r"\bdoesn't\b", "doesnt"),
    (r"\breally\b", "realy"),
    (r"\bbecause\b", "bc"),
    (r"\bdefinitely\b", "definately"),
    (r"\bthough\b", "tho"),
    (r"\bthe\b", "teh"),
    (r"\bgoing to\b", "gonna"),
    (r"\bprobably\b", "prob"),
    (r"\byou\b", "u"),
    (r"\bthat\b", "taht"),
    (r"\band\b", "&"),
)


# ---------------------------------------------------------------------------
# Content banks: topics, one function per course
# ---------------------------------------------------------------------------


def _bio101_topics() -> tuple[_Topic, ...]:
    """Weekly topics of BIO101 "Cell Biology"."""
    return (
        _Topic(
            "w1",
            "Cell theory and the microscope",
            (),
            ("cell theory", "the light microscope", "prokaryotes", "organelles",
             "magnification"),
            (
                "all living things are made of cells and new cells only come from "
                "existing cells",
                "cell theory only became possible once lenses got good enough to see "
                "cells",
                "prokaryotes don't have a nucleus but they are still incredibly "
                "successful",
                "the size of a cell is limited by its surface area to volume ratio",
                "Hooke named cells after the little rooms monks lived in",
                "organelles let eukaryotic cells split up jobs like a tiny factory",
                "magnification is useless without good resolution",
                "viruses sit in a weird grey zone because they are not made of cells",
            ),
            ("the onion skin cells we looked at in the lab", "bacteria in yogurt",
             "a red blood cell, which has no nucleus at all",
             "Van Leeuwenhoek's drawings of pond water"),
            (
                "Does anyone know if we need to memorise who discovered what and when?",
                "I wonder whether an electron microscope image is ever in real colour.",
                "Is a mitochondrion technically a cell inside a cell?",
            ),
        ),
        _Topic(
            "w2",
            "Membranes and transport",
            ("diffusion", "osmosis", "active transport"),
            ("diffusion", "osmosis", "active transport", "the phospholipid bilayer",
             "channel proteins"),
            (
                "the membrane is more like a fluid than a solid wall",
                "small non-polar molecules can slip straight through the bilayer",
                "diffusion doesn't need any energy from the cell",
                "channel proteins are basically selective doors",
                "the sodium-potassium pump keeps working even when the cell is resting",
                "the cell is always working to keep the inside different from the "
                "outside",
                "cholesterol keeps the membrane from getting too stiff or too runny",
            ),
            ("a red blood cell bursting in pure water",
             "salted cucumbers turning into pickles",
             "how plants wilt when you forget to water them",
             "the smell of perfume spreading through a room"),
            (
                "Do plant cells also have a sodium-potassium pump?",
                "I wonder if this is why you shouldn't drink sea water.",
                "Is the exam going to include the pump diagram?",
            ),
            (
                _QuestionBank(
                    "osmosis-direction",
                    "Direction of water in osmosis",
                    "Why does water move toward the side with more solute?",
                    (
                        "I don't get why water moves towards the saltier side, "
                        "shouldn't it go from high to low like everything else.",
                        "Why does water flow into the side that has more solute?",
                        "Still confused about which way water goes in osmosis, to the "
                        "high or the low concentration side.",
                        "Not sure why the water moves to where there's more salt "
                        "instead of the salt moving.",
                        "What I can't figure out is why water goes toward the more "
                        "concentrated solution.",
                        "Can someone explain why water moves to the hypertonic side?",
                        "The part I'm stuck on is the direction of osmosis, it feels "
                        "backwards to me.",
                        "I keep mixing up whether water goes to the higher or the "
                        "lower solute concentration.",
                        "How does water 'know' to move to the side with more "
                        "dissolved stuff?",
                    ),
                    "Look at it from the water's side: where there is more solute "
                    "there is relatively less free water, so water still moves from "
                    "where it is more concentrated to where it is less. Osmosis is "
                    "simply diffusion of water.",
                ),
                _QuestionBank(
                    "active-transport-energy",
                    "Energy source of active transport",
                    "Where does the energy for active transport come from?",
                    (
                        "I'm not sure where the energy for active transport actually "
                        "comes from.",
                        "Where does the pump get its energy from?",
                        "I don't understand what powers active transport in the first "
                        "place.",
                        "Still unclear to me what the cell 'pays' with when it moves "
                        "stuff against the gradient.",
                        "What I don't get is where the energy for pumping against the "
                        "gradient comes from",
                        "Is it ATP that powers active transport, or something else?",
                        "Wondering what actually fuels the sodium-potassium pump.",
                        "Can anyone explain what the energy source is for active "
                        "transport?",
                    ),
                ),
            ),
        ),
        _Topic(
            "w3",
            "Enzymes",
            ("activation energy", "active site", "denaturation"),
            ("activation energy", "the active site", "denaturation", "substrates",
             "inhibitors"),
            (
                "enzymes lower the activation energy instead of adding energy to the "
                "reaction",
                "the active site only fits a substrate with the right shape",
                "the induced fit model is more realistic than the lock and key one",
                "enzymes are not used up, so a tiny amount can do a lot of work",
                "every enzyme has an optimum temperature and pH",
                "competitive inhibitors block the active site while others change its "
                "shape",
                "a lot of medicines work by inhibiting one specific enzyme",
            ),
            ("fresh pineapple stopping jelly from setting",
             "biological washing powder working at 40 degrees",
             "amylase in saliva breaking down bread",
             "the catalase foam experiment with liver"),
            (
                "Are the enzymes in washing powder the same as the ones in our body?",
                "I wonder if cooking vegetables destroys all their enzymes.",
                "Does the lab report need a hypothesis section?",
            ),
        ),
        _Topic(
            "w4",
            "Cellular respiration",
            ("glycolysis", "ATP", "electron transport chain"),
            ("glycolysis", "ATP", "the electron transport chain", "the Krebs cycle",
             "mitochondria"),
            (
                "respiration is basically a slow, controlled version of burning "
                "glucose",
                "glycolysis happens in the cytoplasm and doesn't need oxygen",
                "most of the ATP is made at the very end, in the electron transport "
                "chain",
                "the Krebs cycle mostly produces carriers like NADH rather than ATP",
                "the inner membrane of the mitochondria is folded to fit more "
                "machinery",
                "ATP is more like a rechargeable battery than a fuel tank",
                "anaerobic respiration is a quick fix that gives a lot less energy",
            ),
            ("the burn in your legs at the end of a sprint", "yeast making bread rise",
             "how cyanide shuts down the electron transport chain",
             "marathon runners hitting the wall"),
            (
                "Does the Krebs cycle run in reverse in any organism?",
                "I wonder if brown fat uses the same pathway.",
                "Is there a practice quiz for this chapter?",
            ),
            (
                _QuestionBank(
                    "atp-yield",
                    "Why ATP totals differ (36, 38 or 30-32)",
                    "Why do different sources give different numbers of ATP per "
                    "glucose?",
                    (
                        "I don't get why the textbook says 38 ATP but the video says "
                        "around 30.",
                        "Why do different sources give different ATP totals for one "
                        "glucose?",
                        "Not sure which number of ATP we're supposed to learn, 36, 38 "
                        "or 30-32.",
                        "Still confused about why the ATP count per glucose isn't one "
                        "fixed number.",
                        "What I can't work out is why the ATP yield changes depending "
                        "on where you read it.",
                        "Is the real ATP total 38 or is it lower?",
                        "I'm struggling to see why nobody agrees on how much ATP one "
                        "glucose gives.",
                        "Which ATP number is actually right?",
                    ),
                    "The textbook's 36-38 is the old theoretical maximum. Measured "
                    "values are closer to 30-32, because the proton gradient also "
                    "pays for transport and some protons leak back. For the exam, "
                    "explain where the ATP comes from rather than a single number.",
                ),
                _QuestionBank(
                    "oxygen-role",
                    "What oxygen does in respiration",
                    "What exactly does oxygen do in cellular respiration?",
                    (
                        "I don't really understand what oxygen actually does in "
                        "respiration.",
                        "What is oxygen's job in all of this?",
                        "I'm not sure why we need oxygen if glycolysis works without "
                        "it.",
                        "Still don't get where oxygen comes in, it's only at the very "
                        "end right?",
                        "What I'm missing is the exact role of oxygen in the chain.",
                        "Why does the whole thing stop without oxygen?",
                        "I can't figure out why oxygen is so important if it only "
                        "appears at the last step.",
                        "Confused about what oxygen is needed for, the electrons or "
                        "the ATP.",
                    ),
                ),
            ),
            teacher_pattern="late_pass",
        ),
        _Topic(
            "w5",
            "Photosynthesis",
            (),
            ("the light-dependent reactions", "the Calvin cycle", "chlorophyll",
             "stomata", "chloroplasts"),
            (
                "photosynthesis is kind of respiration running backwards",
                "the oxygen plants release actually comes from splitting water",
                "the Calvin cycle doesn't directly need light even though people call "
                "it the dark reactions",
                "chlorophyll reflects green light, which is why leaves look green",
                "plants have to balance opening their stomata for CO2 against losing "
                "water",
                "almost all the energy in our food started as sunlight",
                "chloroplasts probably used to be free-living bacteria",
            ),
            ("leaves changing colour in autumn",
             "plants growing under purple LED lights in greenhouses",
             "the pondweed bubbling experiment",
             "cacti only opening their stomata at night"),
            (
                "Do plants also respire at night?",
                "I wonder whether algae do most of the photosynthesis on Earth.",
                "Is the greenhouse visit still happening next week?",
            ),
        ),
        _Topic(
            "w6",
            "The cell cycle and mitosis",
            ("mitosis", "checkpoints", "cancer"),
            ("mitosis", "checkpoints", "interphase", "the spindle", "cytokinesis"),
            (
                "cells spend most of their time in interphase, not actually dividing",
                "the checkpoints act like quality control before the cell moves on",
                "mitosis produces two identical cells, unlike meiosis",
                "the spindle fibres pull the sister chromatids apart",
                "DNA is copied before mitosis even starts",
                "cytokinesis is different in plant cells because of the cell wall",
                "cancer is basically cell division that ignores the rules",
            ),
            ("a cut on your skin healing", "the onion root tip slides",
             "HeLa cells that never stop dividing", "how hair grows all the time"),
            (
                "Do neurons ever divide again?",
                "I wonder how long one full cycle takes in a human cell.",
                "Can we use our own diagrams in the exam?",
            ),
            (
                _QuestionBank(
                    "checkpoint-cancer",
                    "Skipped checkpoints and cancer",
                    "What happens when a cell skips a checkpoint, and is that how "
                    "cancer starts?",
                    (
                        "I don't get what actually happens if a cell just skips a "
                        "checkpoint.",
                        "Is skipping a checkpoint how cancer starts?",
                        "Not sure how a cell can ignore the checkpoints if they are "
                        "supposed to stop it.",
                        "What I'm wondering is whether every cancer starts with a "
                        "broken checkpoint",
                        "Still unclear what happens to a cell that goes past a "
                        "checkpoint with damaged DNA.",
                        "So if the checkpoint fails, does the cell become cancerous "
                        "straight away?",
                        "I can't figure out how checkpoints failing leads to a tumour.",
                        "I'd like to understand what goes wrong when a checkpoint is "
                        "bypassed.",
                    ),
                    "Usually nothing dramatic at first: one failed checkpoint lets a "
                    "cell with damaged DNA divide, and cancer normally needs several "
                    "such failures that add up over time. That is why genes like p53, "
                    "which enforce checkpoints, matter so much.",
                ),
            ),
        ),
        _Topic(
            "w7",
            "DNA replication",
            (),
            ("DNA polymerase", "the leading strand", "Okazaki fragments", "helicase",
             "semi-conservative replication"),
            (
                "each new DNA molecule keeps one old strand and gets one new one",
                "helicase unzips the double helix so both strands can be copied",
                "DNA polymerase can only add nucleotides in one direction",
                "the lagging strand has to be made in short pieces called Okazaki "
                "fragments",
                "proofreading makes replication incredibly accurate",
                "replication starts at many points at once in our chromosomes",
                "the Meselson and Stahl experiment is a really elegant piece of "
                "science",
            ),
            ("a zip being opened while two people copy each side",
             "PCR in forensic labs", "the Meselson-Stahl density experiment",
             "a photocopier that checks its own copies"),
            (
                "Is PCR on the exam or just background?",
                "I wonder how fast DNA polymerase actually works.",
                "Do mistakes that slip past proofreading always cause mutations?",
            ),
            teacher_pattern="busy",
        ),
    )  # fmt: skip


def _his210_topics() -> tuple[_Topic, ...]:
    """Weekly topics of HIS210 "Modern European History"."""
    return (
        _Topic(
            "w1",
            "The French Revolution and its legacy",
            (),
            ("the Declaration of the Rights of Man", "the Terror", "the Estates-General",
             "popular sovereignty", "Napoleon"),
            (
                "the revolution started as a financial crisis before it became a "
                "political one",
                "the idea of popular sovereignty outlived every government that used it",
                "the Terror shows how quickly ideals can turn violent",
                "the Declaration of the Rights of Man left out women and enslaved "
                "people",
                "Napoleon both spread and betrayed the ideas of the revolution",
                "bread prices mattered as much as philosophy",
                "left and right in politics come from where people sat in the assembly",
            ),
            ("the storming of the Bastille", "Olympe de Gouges' declaration for women",
             "the Haitian Revolution", "the metric system"),
            (
                "Did ordinary peasants actually read Rousseau?",
                "I wonder how many people in the provinces even knew what was "
                "happening in Paris.",
                "Should our essays use footnotes or author-date citations?",
            ),
        ),
        _Topic(
            "w2",
            "Industrialisation and the working class",
            (),
            ("the factory system", "urbanisation", "child labour", "trade unions",
             "the railways"),
            (
                "industrialisation changed how people experienced time, not just work",
                "cities grew faster than anyone could build housing or sewers",
                "child labour was normal until reformers and unions pushed back",
                "the railways shrank distances and created national markets",
                "workers organised because on their own they had no bargaining power",
                "living standards probably got worse before they got better",
                "Britain had coal, capital and colonies all at the same time",
            ),
            ("the cholera outbreaks in London", "the Manchester cotton mills",
             "the Factory Act of 1833", "Engels' description of workers' housing"),
            (
                "Were there any women leading the early unions?",
                "I wonder if Belgium industrialised for the same reasons as Britain.",
                "Is the primary source for this week the Engels extract?",
            ),
            teacher_pattern="busy",
        ),
        _Topic(
            "w3",
            "Nationalism and unification: Germany and Italy",
            ("nationalism", "Realpolitik", "unification"),
            ("nationalism", "Realpolitik", "Bismarck", "Garibaldi", "the Zollverein"),
            (
                "nationalism could unite people and exclude others at the same time",
                "Bismarck used wars on purpose to bring the German states together",
                "the Zollverein made Germany economically united before it was "
                "politically united",
                "Italian unification depended a lot on France and on luck",
                "most Italians did not speak standard Italian at the time of "
                "unification",
                "Cavour and Garibaldi wanted very different things from unification",
                "the German Empire was proclaimed at Versailles as a deliberate "
                "humiliation",
            ),
            ("the Franco-Prussian War", "Garibaldi's Expedition of the Thousand",
             "the Ems telegram",
             "the famous line 'we have made Italy, now we must make Italians'"),
            (
                "Did Austria ever try to unify the German states itself?",
                "I wonder if the Pope ever accepted losing Rome.",
                "Is the map quiz this week or next week?",
            ),
            (
                _QuestionBank(
                    "realpolitik-meaning",
                    "Realpolitik vs plain ruthlessness",
                    "What makes Realpolitik different from simply being ruthless?",
                    (
                        "I don't get how Realpolitik is different from just being "
                        "ruthless.",
                        "What's the difference between Realpolitik and plain cynicism?",
                        "Not sure if Realpolitik is a real theory or just a nice word "
                        "for doing whatever works.",
                        "Still confused about what counts as Realpolitik and what's "
                        "just normal politics.",
                        "What I can't figure out is whether Realpolitik has any "
                        "principles at all.",
                        "Is Realpolitik basically just 'the ends justify the means'?",
                        "I'm struggling to see what makes Bismarck's Realpolitik "
                        "special compared to any other ruthless leader",
                        "Can someone explain what Realpolitik actually means in "
                        "practice?",
                    ),
                    "Realpolitik means judging a policy by power and interests rather "
                    "than ideology. It is not the same as cruelty: Bismarck was often "
                    "very cautious, for example stopping after 1871 instead of "
                    "expanding further.",
                ),
                _QuestionBank(
                    "garibaldi-handover",
                    "Why Garibaldi handed the south to the king",
                    "Why did Garibaldi hand southern Italy over to Victor Emmanuel "
                    "instead of keeping it?",
                    (
                        "I don't understand why Garibaldi just handed the whole south "
                        "to the king.",
                        "Why did Garibaldi give up southern Italy after conquering it?",
                        "Not sure why a republican like Garibaldi would hand power to "
                        "a monarch.",
                        "What I still can't get my head around is Garibaldi giving "
                        "everything away at Teano.",
                        "Still confused about why Garibaldi didn't keep the south for "
                        "himself",
                        "Did Garibaldi really just hand over Naples and Sicily for "
                        "nothing?",
                        "It's unclear to me why Garibaldi would accept Victor Emmanuel "
                        "as king.",
                        "Why would Garibaldi walk away right after winning?",
                    ),
                ),
            ),
        ),
        _Topic(
            "w4",
            "Imperialism and the Scramble for Africa",
            (),
            ("the Berlin Conference", "imperialism", "the civilising mission",
             "resistance movements", "economic exploitation"),
            (
                "the Berlin Conference divided Africa without a single African at the "
                "table",
                "the so-called civilising mission was mostly a justification for "
                "exploitation",
                "new technology like quinine and machine guns made the scramble "
                "possible",
                "resistance was everywhere, even if old textbooks ignored it",
                "borders drawn in Europe still cause conflicts today",
                "imperial rivalry in Africa fed into tensions back in Europe",
                "the Congo Free State was run as a private business by one king",
            ),
            ("the Battle of Adwa", "the rubber quotas in the Congo Free State",
             "the Maji Maji rebellion", "the straight borders on a map of the Sahara"),
            (
                "Were there Europeans at the time who opposed all this?",
                "I wonder how Ethiopia managed to stay independent.",
                "Are we allowed to use the documentary as a source?",
            ),
        ),
        _Topic(
            "w5",
            "The causes of the First World War",
            ("alliances", "militarism", "nationalism"),
            ("the alliance system", "militarism", "the July Crisis",
             "the Schlieffen Plan", "the naval race"),
            (
                "the alliances turned a regional conflict into a European one",
                "military plans like the Schlieffen Plan left almost no room for "
                "diplomacy",
                "the naval race poisoned relations between Britain and Germany",
                "nobody expected a long war, everyone thought it would be over by "
                "Christmas",
                "the July Crisis was a month of bad decisions, not one single mistake",
                "nationalism in the Balkans was a powder keg long before 1914",
                "historians still argue about how much blame Germany deserves",
            ),
            ("the assassination in Sarajevo",
             "the blank cheque Germany gave Austria-Hungary", "HMS Dreadnought",
             "Belgium's neutrality being ignored"),
            (
                "Did Franz Ferdinand's driver really just take a wrong turn?",
                "I wonder what would have happened if Britain had stayed out.",
                "How long should the source analysis be?",
            ),
            (
                _QuestionBank(
                    "assassination-to-war",
                    "How one assassination led to a world war",
                    "How did a single assassination turn into a world war?",
                    (
                        "I still don't get how one assassination could drag the whole "
                        "of Europe into war.",
                        "How did one murder in Sarajevo turn into a world war?",
                        "Not sure why Austria's problem with Serbia became everyone's "
                        "problem.",
                        "What I can't figure out is why the other countries didn't "
                        "just stay out of it.",
                        "It seems crazy to me that a single assassination caused all "
                        "of that, I don't see the link",
                        "Why did the assassination lead to a world war and not just a "
                        "small Balkan war?",
                        "Still confused about the chain from Sarajevo to Germany "
                        "invading Belgium.",
                        "I'd really like to understand how we got from one shot to "
                        "millions of soldiers mobilising.",
                        "Can someone walk me through how the assassination became a "
                        "world war?",
                    ),
                    "The assassination only mattered because of what the governments "
                    "did next: Austria-Hungary used it to crush Serbia, Germany backed "
                    "Austria, Russia mobilised for Serbia, and Germany's war plan "
                    "meant attacking France through Belgium, which brought in Britain.",
                ),
            ),
            teacher_pattern="late_pass",
        ),
        _Topic(
            "w6",
            "Versailles and the interwar years",
            ("Treaty of Versailles", "hyperinflation", "appeasement"),
            ("the Treaty of Versailles", "reparations", "hyperinflation",
             "the League of Nations", "appeasement"),
            (
                "the treaty was harsh enough to humiliate Germany but not enough to "
                "weaken it for good",
                "the League of Nations had no army, so it could only ask nicely",
                "the war guilt clause mattered more symbolically than financially",
                "the Great Depression did more damage to democracy than the treaty "
                "itself",
                "appeasement looks naive now but a lot of people saw it as common "
                "sense then",
                "the new states in central Europe were full of minorities who did not "
                "want to be there",
                "the US not joining the League made it weak from the start",
            ),
            ("people carrying banknotes in wheelbarrows in 1923",
             "the occupation of the Ruhr", "the Munich Agreement",
             "Keynes' book on the economic consequences of the peace"),
            (
                "Did the US ever ratify the treaty?",
                "I wonder how much of the reparations Germany actually paid.",
                "Will the essay prompt be posted before Friday?",
            ),
            (
                _QuestionBank(
                    "versailles-blame",
                    "Did Versailles cause the Second World War?",
                    "Was the Treaty of Versailles really the main cause of the Second "
                    "World War?",
                    (
                        "I'm not sure if Versailles really caused WW2 or if that's "
                        "exaggerated.",
                        "Was the treaty actually the main cause of the Second World "
                        "War?",
                        "I don't get why everyone blames Versailles when the "
                        "Depression came ten years later.",
                        "Still unsure how much of WW2 we can really put on the treaty.",
                        "What I can't decide is whether Versailles made another war "
                        "inevitable",
                        "Did the Treaty of Versailles make WW2 unavoidable?",
                        "I keep going back and forth on whether the treaty is to blame "
                        "for the next war.",
                        "How much of the Second World War is really the treaty's "
                        "fault?",
                    ),
                ),
                _QuestionBank(
                    "hyperinflation-printing",
                    "Why Germany kept printing money",
                    "Why did Germany keep printing money if it caused hyperinflation?",
                    (
                        "I don't understand why the government kept printing money "
                        "when it obviously made things worse.",
                        "Why didn't Germany just stop printing money in 1923?",
                        "Not sure why printing money was the answer to paying "
                        "reparations.",
                        "What confuses me is why they printed more money instead of "
                        "raising taxes",
                        "Still don't see why anyone thought printing money would fix "
                        "anything.",
                        "Why would a government keep printing money if prices double "
                        "every few days?",
                        "I can't wrap my head around why the Reichsbank kept the "
                        "presses running.",
                    ),
                    "Partly because the alternatives looked worse: raising taxes or "
                    "cutting spending would have hit a fragile republic hard, and "
                    "paying debts in a falling mark was tempting. Once prices ran "
                    "away, printing was the only way to pay wages at all, which made "
                    "it worse.",
                ),
            ),
        ),
        _Topic(
            "w7",
            "The Cold War division of Europe",
            (),
            ("the Iron Curtain", "the Marshall Plan", "the Berlin Blockade", "NATO",
             "the Warsaw Pact"),
            (
                "the Iron Curtain was an idea before it was a physical border",
                "the Marshall Plan was generous but also very strategic",
                "Berlin became a symbol because it was divided inside the Soviet zone",
                "both sides saw their own alliance as defensive",
                "Eastern European countries had very little say in which side they "
                "ended up on",
                "the division of Europe felt permanent until very suddenly it wasn't",
                "European integration started partly as a response to the Cold War",
            ),
            ("the Berlin airlift", "Churchill's Fulton speech",
             "the Hungarian uprising of 1956", "the building of the Berlin Wall"),
            (
                "Was the Soviet Union really offered Marshall Plan money?",
                "I wonder how ordinary Berliners felt about the airlift.",
                "Is the final exam cumulative?",
            ),
        ),
    )  # fmt: skip


def _eng150_topics() -> tuple[_Topic, ...]:
    """Weekly topics of ENG150 "Academic Writing"."""
    return (
        _Topic(
            "w1",
            "What makes writing academic?",
            (),
            ("academic register", "audience", "evidence", "genre", "clarity"),
            (
                "academic writing is less about fancy words and more about being "
                "precise",
                "knowing your audience changes almost every choice you make",
                "claims need evidence, not just confidence",
                "clear structure helps the reader more than long sentences do",
                "every discipline has its own conventions",
                "good academic writing sounds like a careful conversation with other "
                "writers",
                "being concise is harder than being long",
            ),
            ("the difference between a blog post and a journal article",
             "a lab report versus an essay in history",
             "the abstract of the article we read",
             "my old school essays that were mostly opinion"),
            (
                "Is it okay to use contractions in this forum?",
                "I wonder if academic writing in other languages follows the same "
                "rules.",
                "Do we get individual feedback on these posts?",
            ),
        ),
        _Topic(
            "w2",
            "Thesis statements",
            ("thesis", "argument", "scope"),
            ("the thesis statement", "arguable claims", "scope", "the introduction",
             "a working thesis"),
            (
                "a thesis has to be something a reasonable person could disagree with",
                "a narrow thesis is easier to defend than a broad one",
                "the thesis can change while you write, that's what a working thesis "
                "is",
                "a thesis gives the reader a map of the whole essay",
                "putting the thesis at the end of the introduction is a convention, "
                "not a law",
                "a vague thesis usually means I haven't decided what I think yet",
                "the 'so what' question is what makes a thesis interesting",
            ),
            ("the sample thesis about social media and sleep",
             "my draft thesis on remote work",
             "the weak and strong thesis pairs in the handout",
             "a thesis that just announces the topic"),
            (
                "Can a thesis be two sentences long?",
                "I wonder if science papers even have thesis statements.",
                "Is the draft due before or after the workshop?",
            ),
            (
                _QuestionBank(
                    "thesis-vs-topic",
                    "Thesis vs topic",
                    "What is the difference between a thesis and just stating the "
                    "topic?",
                    (
                        "I don't get the difference between a thesis and just saying "
                        "what the essay is about.",
                        "How is a thesis different from a sentence that names the "
                        "subject?",
                        "Not sure when a statement stops being a topic and starts "
                        "being a thesis.",
                        "Still confused about what makes my sentence a thesis and not "
                        "just the topic.",
                        "What I can't tell is whether 'this essay discusses remote "
                        "work' counts as a thesis",
                        "What separates a real thesis from an announcement of the "
                        "topic?",
                        "I struggle to see the line between a topic and an actual "
                        "argument.",
                        "Is a thesis just the topic plus my opinion?",
                        "I'm unsure how to turn my topic into something that is "
                        "actually a thesis.",
                    ),
                    "A topic names what you write about; a thesis says what you claim "
                    "about it, so that someone could disagree. 'This essay discusses "
                    "remote work' is a topic; 'Remote work widens the gap between "
                    "junior and senior staff' is a thesis.",
                ),
            ),
        ),
        _Topic(
            "w3",
            "Paragraphs and topic sentences",
            (),
            ("topic sentences", "cohesion", "transitions", "paragraph unity",
             "the PEEL structure"),
            (
                "a paragraph should do one job and the topic sentence announces that "
                "job",
                "transitions show the logic between ideas, they are not decoration",
                "PEEL is a useful scaffold even if good writers bend it",
                "long paragraphs often hide two different ideas",
                "the last sentence of a paragraph should link back to the argument",
                "repeating key words actually helps cohesion",
                "white space on the page makes a text easier to read",
            ),
            ("the model paragraph about urban gardens",
             "my own paragraph from last week's draft", "the reverse outline exercise",
             "newspaper articles with one-sentence paragraphs"),
            (
                "Can a paragraph have two topic sentences?",
                "I wonder if PEEL works for reflective writing too.",
                "Will the reverse outline be graded?",
            ),
            teacher_pattern="late_pass",
        ),
        _Topic(
            "w4",
            "Using sources: paraphrase, summary and quotation",
            ("paraphrase", "citation", "plagiarism"),
            ("paraphrasing", "citation", "plagiarism", "direct quotation",
             "summarising"),
            (
                "quotes should be used for wording that really matters, not for every "
                "idea",
                "a summary is much shorter than a paraphrase",
                "citing sources actually makes your own argument look stronger",
                "patchwriting is easy to do by accident",
                "reading the source and then writing with the book closed helps a lot",
                "every citation style has the same goal even if the commas differ",
                "integrating sources means commenting on them, not just dropping them "
                "in",
            ),
            ("the three versions of the same paragraph in the handout",
             "the similarity report we looked at in class",
             "APA versus Harvard referencing", "a quote sandwich"),
            (
                "Does Wikipedia count as a source if we cite it?",
                "I wonder how other universities deal with paraphrasing tools.",
                "Do we need page numbers for e-books?",
            ),
            (
                _QuestionBank(
                    "paraphrase-cite",
                    "Citing a paraphrase",
                    "Do I still need to cite a source if I put the idea in my own "
                    "words?",
                    (
                        "I'm not sure if I still need a citation when I've completely "
                        "reworded something.",
                        "Do we have to cite a paraphrase even if it's totally in our "
                        "own words?",
                        "I don't get why a paraphrase needs a reference if the words "
                        "are mine.",
                        "Still confused about whether paraphrased ideas need an "
                        "in-text citation.",
                        "What I can't figure out is whether rewording removes the need "
                        "to cite",
                        "If I paraphrase, do I still have to reference the author?",
                        "Unclear to me if citing is needed for ideas that I've "
                        "rewritten myself.",
                        "I wonder if a paraphrase counts as my own work or still needs "
                        "a reference.",
                    ),
                    "Yes, always: the citation is for the idea, not only the words. "
                    "Rewording without a citation is still plagiarism, even if no "
                    "sentence matches the original.",
                ),
                _QuestionBank(
                    "paraphrase-how-different",
                    "How different a paraphrase must be",
                    "How much do I need to change the wording for it to count as a "
                    "paraphrase?",
                    (
                        "I don't know how many words I need to change before it counts "
                        "as a paraphrase.",
                        "How different does a paraphrase have to be from the original?",
                        "Not sure if swapping a few words for synonyms is enough.",
                        "Still unsure where the line is between paraphrasing and "
                        "copying with small changes.",
                        "What I'd like to know is how much rewording is enough to be "
                        "safe",
                        "Is changing the sentence structure enough or do I also need "
                        "new words?",
                        "I can't tell when my paraphrase is too close to the source.",
                        "How close to the original can a paraphrase be?",
                        "I'm confused about how much of the original wording I'm "
                        "allowed to keep.",
                    ),
                ),
            ),
        ),
        _Topic(
            "w5",
            "Hedging and academic tone",
            ("hedging", "tone", "first person"),
            ("hedging", "academic tone", "boosters", "the first person",
             "passive voice"),
            (
                "hedging shows that you know the limits of your evidence",
                "too much hedging makes a writer sound unsure of everything",
                "words like 'clearly' and 'obviously' can annoy a critical reader",
                "tone is about respecting the reader, not sounding posh",
                "the passive voice is useful when the actor doesn't matter",
                "informal phrases creep in when I write quickly",
                "different journals have very different ideas of what sounds academic",
            ),
            ("'this suggests' versus 'this proves'",
             "the hedging exercise with the climate paragraph",
             "the two versions of the abstract in the reading",
             "my habit of starting sentences with 'So'"),
            (
                "Are rhetorical questions allowed in academic essays?",
                "I wonder if hedging works differently in Dutch.",
                "Is there a word list for hedging we can use?",
            ),
            (
                _QuestionBank(
                    "first-person",
                    "Using 'I' in academic writing",
                    "Am I allowed to use 'I' in academic writing?",
                    (
                        "I'm still not sure if we're allowed to use 'I' in our essays.",
                        "Can we use the first person in academic writing or not?",
                        "I don't get why some papers use 'we' and others say it's not "
                        "allowed.",
                        "Still confused about when 'I' is okay and when it sounds "
                        "unprofessional.",
                        "What I can't figure out is whether 'I argue that' is "
                        "acceptable",
                        "Is it wrong to write 'I think' in an academic essay?",
                        "My school always said never use 'I' so I'm unsure what the "
                        "rule is here.",
                        "Not clear to me if using the first person makes a text less "
                        "academic.",
                    ),
                ),
            ),
            teacher_pattern="busy",
        ),
        _Topic(
            "w6",
            "Counterarguments and rebuttal",
            (),
            ("counterarguments", "rebuttal", "concession", "straw man arguments",
             "persuasion"),
            (
                "including a counterargument makes an essay more convincing, not less",
                "a rebuttal has to engage with the strongest version of the other side",
                "conceding a point can make you look more trustworthy",
                "straw man arguments are easy to spot once you know the pattern",
                "the counterargument paragraph usually goes near the end",
                "you don't have to win every point to win the argument",
                "thinking of objections early helps me narrow my thesis",
            ),
            ("the debate on school uniforms we watched",
             "the op-ed about four-day work weeks",
             "the 'some may argue' paragraph in the model essay",
             "arguing with my sister about chores lol"),
            (
                "How many counterarguments should a 2000-word essay have?",
                "I wonder if rebuttals work the same way in a lab report.",
                "Is the peer review session online or in person?",
            ),
        ),
        _Topic(
            "w7",
            "Revising and editing",
            ("revision", "editing", "feedback"),
            ("revision", "editing", "proofreading", "peer feedback",
             "reverse outlining"),
            (
                "revision is about ideas and structure, editing is about sentences",
                "reading my draft out loud catches so many mistakes",
                "peer feedback is most useful when you ask a specific question",
                "leaving a draft for a day makes problems much easier to see",
                "cutting a paragraph you like is painful but often necessary",
                "spellcheckers miss the mistakes that matter most",
                "a reverse outline shows whether the structure actually works",
            ),
            ("the before and after drafts in the reading",
             "my first essay, which I only proofread",
             "the checklist from the writing centre",
             "changing the order of my paragraphs in the last assignment"),
            (
                "Can we submit a revised version of essay one?",
                "I wonder how professional writers decide when a text is finished.",
                "Is the writing centre open during the break?",
            ),
            (
                _QuestionBank(
                    "revise-vs-edit",
                    "Revising vs editing",
                    "What is the difference between revising and editing?",
                    (
                        "I don't really get the difference between revising and "
                        "editing.",
                        "What's the actual difference between revision and "
                        "proofreading?",
                        "Not sure if changing my paragraphs around counts as revising "
                        "or editing.",
                        "Still mixing up revising and editing, they sound like the "
                        "same thing to me",
                        "What I can't figure out is where editing ends and revising "
                        "starts.",
                        "Is fixing my argument editing or revising?",
                        "I'm unclear on why the reading treats revising and editing as "
                        "separate steps.",
                        "How is revising different from just correcting mistakes?",
                    ),
                    "Revising is rethinking the text: argument, structure, evidence, "
                    "whole paragraphs. Editing is polishing sentences: wording, "
                    "grammar, punctuation. Revise first, then edit, so you don't "
                    "polish sentences you will cut.",
                ),
            ),
        ),
    )  # fmt: skip


def _course_specs() -> tuple[_CourseSpec, ...]:
    """The three courses of the sample class, in file order."""
    return (
        _CourseSpec(
            "BIO101", "Cell Biology", "Europe/Amsterdam", 9 * 60, 26, "1001",
            ("1003",), None, None, _bio101_topics(),
        ),
        _CourseSpec(
            "HIS210", "Modern European History", "America/New_York", 10 * 60 + 30, 25,
            "1002", (), "like", "like", _his210_topics(),
        ),
        _CourseSpec(
            "ENG150", "Academic Writing", "Europe/London", 14 * 60, 24, "1001", (),
            "thumbs-up", "like", _eng150_topics(),
        ),
    )  # fmt: skip


# ---------------------------------------------------------------------------
# Time
# ---------------------------------------------------------------------------


def _at_local(tz: ZoneInfo, day: date, minute: int) -> datetime:
    """Return the UTC instant of a local wall-clock minute.

    Parameters
    ----------
    tz : ZoneInfo
        The course's zone.
    day : date
        Local calendar day.
    minute : int
        Minutes after local midnight (may exceed a day).

    Returns
    -------
    datetime
        Aware UTC datetime. A wall-clock minute skipped by a daylight-saving
        change is moved one hour later, as a clock on the wall would be.
    """
    wall = datetime(day.year, day.month, day.day) + timedelta(minutes=minute)
    utc = wall.replace(tzinfo=tz).astimezone(_UTC)
    if utc.astimezone(tz).replace(tzinfo=None) != wall:
        utc = (wall + timedelta(hours=1)).replace(tzinfo=tz).astimezone(_UTC)
    return utc


def _schedule(course: _CourseSpec, week: int) -> _Schedule:
    """Due (Sunday 23:59) and class start (the Tuesday after) of one week."""
    tz = ZoneInfo(course.timezone)
    due_day = _FIRST_DUE_DAY + timedelta(weeks=week - 1)
    class_day = due_day + timedelta(days=2)
    return _Schedule(
        tz=tz,
        opens=_at_local(tz, class_day - timedelta(days=7), course.class_minute),
        due=_at_local(tz, due_day, 23 * 60 + 59),
        class_start=_at_local(tz, class_day, course.class_minute),
        due_day=due_day,
        class_day=class_day,
    )


def _evening_minute(rng: random.Random, low: int, high: int) -> int:
    """A minute of the day between low and high, most often in the evening."""
    mode = min(max(20 * 60, low), high)
    return int(rng.triangular(low, high, mode))


def _first_post_time(
    rng: random.Random, schedule: _Schedule, course: _CourseSpec, status: str
) -> datetime:
    """Time of a student's first post, consistent with the planned status."""
    tz, due_day, class_day = schedule.tz, schedule.due_day, schedule.class_day
    if status == "on_time":
        back = rng.choices(range(6), weights=(30, 26, 18, 12, 8, 6))[0]
        low = 7 * 60 + 30 if back < 5 else course.class_minute + 90
        day = due_day - timedelta(days=back)
        return _at_local(tz, day, _evening_minute(rng, low, 23 * 60 + 58))
    if status == "late":
        monday = due_day + timedelta(days=1)
        draw = rng.random()
        if draw < 0.15:  # just past the deadline
            return _at_local(tz, monday, rng.randint(2, 95))
        if draw < 0.8:
            return _at_local(tz, monday, _evening_minute(rng, 7 * 60, 23 * 60 + 50))
        return _at_local(tz, class_day, rng.randint(6 * 60 + 30, course.class_minute - 20))
    days_after = rng.choice((0, 1, 1, 2))
    low = course.class_minute + 120 if days_after == 0 else 8 * 60
    day = class_day + timedelta(days=days_after)
    return _at_local(tz, day, _evening_minute(rng, low, 22 * 60))


def _plan_sessions(rng: random.Random, schedule: _Schedule) -> dict[str, datetime]:
    """When the staff sit down to read the board during one week."""
    tz, due_day = schedule.tz, schedule.due_day
    return {
        "friday": _at_local(tz, due_day - timedelta(days=2), 19 * 60 + 30 + rng.randint(0, 60)),
        "saturday": _at_local(tz, due_day - timedelta(days=1), 14 * 60 + rng.randint(0, 90)),
        "monday": _at_local(tz, due_day + timedelta(days=1), 18 * 60 + 30 + rng.randint(0, 60)),
        "wednesday": _at_local(
            tz, schedule.class_day + timedelta(days=1), 13 * 60 + rng.randint(0, 90)
        ),
    }


def _iso_z(moment: datetime) -> str:
    return moment.astimezone(_UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _local_wall(moment: datetime, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def _moodle_human_date(moment: datetime, tz: ZoneInfo) -> str:
    """Moodle's "human-readable" date, e.g. ``Tuesday, 4 February 2025, 9:15 AM``."""
    local = moment.astimezone(tz)
    hour = local.hour % 12 or 12
    half = "AM" if local.hour < 12 else "PM"
    return (
        f"{_DAY_NAMES[local.weekday()]}, {local.day} {_MONTH_NAMES[local.month - 1]} "
        f"{local.year}, {hour}:{local.minute:02d} {half}"
    )


# ---------------------------------------------------------------------------
# Text composition
# ---------------------------------------------------------------------------


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _in_sentence(title: str) -> str:
    """A title as used mid-sentence: "The Treaty" -> "the Treaty", "DNA" stays."""
    if title[1:2].islower():
        return title[:1].lower() + title[1:]
    return title


def _fill(template: str, **slots: str) -> str:
    """Fill ``{slot}`` placeholders; ``{Slot}`` gets the value capitalised."""
    text = template
    for key, value in slots.items():
        text = text.replace("{" + key + "}", value)
        text = text.replace("{" + _capitalise(key) + "}", _capitalise(value))
    return text


def _informalise(rng: random.Random, sentence: str) -> str:
    """Make a sentence look typed in a hurry: a slang spelling, a lower-case start."""
    options = [pair for pair in _INFORMAL_SWAPS if re.search(pair[0], sentence)]
    if options:
        pattern, replacement = rng.choice(options)
        sentence = re.sub(pattern, replacement, sentence, count=1)
    if rng.random() < 0.5:
        sentence = sentence[:1].lower() + sentence[1:]
    return sentence


def _compose_subject(rng: random.Random, topic: _Topic, week: int, name: str) -> str:
    template = rng.choice(_SUBJECTS)
    return _fill(template, n=str(week), title=topic.title, t=rng.choice(topic.terms), name=name)


def _compose_initial_body(rng: random.Random, topic: _Topic, questions: Sequence[str]) -> str:
    """A thread starter: topic sentences with the planted questions among them."""
    points = rng.sample(topic.points, rng.choice((1, 2, 2, 2, 3, 3)))
    frames = rng.sample(_POINT_FRAMES, len(points))
    core = [_fill(frame, p=point) for frame, point in zip(frames, points)]
    if rng.random() < 0.45 or len(core) + len(questions) < 2:
        example = _fill(rng.choice(_EXAMPLE_FRAMES), e=rng.choice(topic.examples))
        core.insert(rng.randint(1, len(core)), example)
    if rng.random() < 0.3:
        core.insert(
            rng.randint(0, len(core)), _fill(rng.choice(_TERM_FRAMES), t=rng.choice(topic.terms))
        )
    if rng.random() < 0.3:
        index = rng.randrange(len(core))
        core[index] = _informalise(rng, core[index])
    if rng.random() < 0.12:
        core.insert(rng.choice((0, len(core))), rng.choice(_NOISE))
    trailing = [q for q in questions if q[-1] not in ".?!"]  # no end mark: keep last
    for question in questions:
        if question not in trailing:
            core.insert(rng.randint(1, len(core)), question)
    sentences = core
    if rng.random() < 0.55:
        openers = [o for o in _OPENERS if "{title}" not in o or not topic.title.endswith("?")]
        sentences.insert(0, _fill(rng.choice(openers), title=_in_sentence(topic.title)))
    if trailing:
        sentences.extend(trailing)
    elif rng.random() < 0.4:
        sentences.append(rng.choice(_CLOSERS))
    elif sentences[-1].endswith(".") and sentences[-1] not in questions and rng.random() < 0.2:
        sentences[-1] = sentences[-1][:-1]
    if len(sentences) >= 5 and rng.random() < 0.4:
        cut = rng.randint(2, len(sentences) - 2)
        return " ".join(sentences[:cut]) + "\n\n" + " ".join(sentences[cut:])
    return " ".join(sentences)


def _compose_peer_reply(rng: random.Random, topic: _Topic, name: str) -> str:
    point, other_point = rng.sample(topic.points, 2)
    parts = [_fill(rng.choice(_PEER_REPLY_HEADS), name=name, p=point, t=rng.choice(topic.terms))]
    draw = rng.random()
    if draw < 0.35:
        parts.append(_fill(rng.choice(_POINT_FRAMES), p=other_point))
    elif draw < 0.55:
        parts.append(_fill(rng.choice(_PEER_REPLY_EXAMPLES), e=rng.choice(topic.examples)))
    if rng.random() < 0.2:
        parts[-1] = _informalise(rng, parts[-1])
    return " ".join(parts)


def _compose_self_reply(rng: random.Random, topic: _Topic) -> str:
    return _fill(
        rng.choice(_SELF_REPLY_FRAMES),
        p=rng.choice(topic.points),
        e=rng.choice(topic.examples),
        t=rng.choice(topic.terms),
    )


def _compose_substantive(rng: random.Random, topic: _Topic, name: str) -> str:
    """A teacher's real comment: praise, one or two content remarks, maybe a push."""
    point = rng.choice(topic.points)
    term, other_term = rng.sample(topic.terms, 2)
    slots = {"name": name, "p": point, "t": term, "t2": other_term, "e": rng.choice(topic.examples)}
    contents = rng.sample(_STAFF_CONTENT, rng.choice((1, 1, 2)))
    parts = [_fill(rng.choice(_STAFF_PRAISE), **slots)]
    parts += [_fill(content, **slots) for content in contents]
    if rng.random() < 0.7:
        parts.append(_fill(rng.choice(_STAFF_PUSH), **slots))
    return " ".join(parts)


def _compose_brief(rng: random.Random, name: str) -> str:
    return _fill(rng.choice(_STAFF_BRIEF), name=name)


def _compose_assistant(rng: random.Random, topic: _Topic, name: str) -> str:
    return _fill(
        rng.choice(_ASSISTANT_FRAMES),
        name=name,
        p=rng.choice(topic.points),
        t=rng.choice(topic.terms),
    )


def _compose_answer(
    rng: random.Random, bank: _QuestionBank, name: str, *, before_class: bool
) -> str:
    closers = _ANSWER_CLOSERS_BEFORE if before_class else _ANSWER_CLOSERS_AFTER
    parts = [f"Good question, {name}.", bank.answer or "", rng.choice(closers)]
    return " ".join(part for part in parts if part)


def _pick_paraphrases(rng: random.Random, bank: _QuestionBank, count: int) -> list[str]:
    """Pick paraphrases of one question, at least half of them without '?'."""
    plain = [p for p in bank.paraphrases if "?" not in p]
    asked = [p for p in bank.paraphrases if "?" in p]
    low = max(math.ceil(count / 2), count - len(asked))
    n_plain = rng.randint(low, min(count, len(plain)))
    chosen = rng.sample(plain, n_plain) + rng.sample(asked, count - n_plain)
    rng.shuffle(chosen)
    return chosen


# ---------------------------------------------------------------------------
# Planning: people and participation
# ---------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------
# Planning: one activity
# ---------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------
# Planning: staff behaviour
# ---------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------
# Writers: the product's CSV template
# ---------------------------------------------------------------------------

_PEOPLE_COLUMNS = ("course_id", "person_id", "name", "role")
_ACTIVITY_COLUMNS = (
    "course_id", "activity_id", "title", "due_at", "class_starts_at", "timezone",
    "course_title", "concepts",
)  # fmt: skip
_POST_COLUMNS = (
    "course_id", "activity_id", "post_id", "thread_id", "parent_id", "author_id",
    "created_at", "edited_at", "deleted", "subject", "body", "private_to",
)  # fmt: skip
_REACTION_COLUMNS = ("course_id", "post_id", "person_id", "kind", "created_at")


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


# ---------------------------------------------------------------------------
# Writers: Moodle forum export
# ---------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------
# Writers: Canvas discussion full view
# ---------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------
# Planted facts (from the plan, never from the written files)
# ---------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------
# README (plain words, from the same facts)
# ---------------------------------------------------------------------------

_PATTERN_WORDS = {
    "normal": "long comments to the first 3-5 posters (Friday evening, or Monday for "
    "those who posted later), answers to some questions and a few brief comments or "
    "reactions on Monday evening; nothing for most later posters",
    "late_pass": "the same, but the teacher only read the board on Wednesday, after class",
    "busy": "no long comments: only 3-5 brief comments or reactions on Monday evening",
}


def _who(plan: _ClassPlan, person_id: str) -> str:
    return f"{plan.people[person_id].name} ({person_id})"


def _names(plan: _ClassPlan, ids: Sequence[str]) -> str:
    return ", ".join(_who(plan, sid) for sid in ids) if ids else "none"


def _readme_files(facts: dict, plan: _ClassPlan) -> list[str]:
    canvas = facts["canvas"]
    exporter = _who(plan, canvas["exporting_teacher_id"])
    return [
        "## Files",
        "",
        "- `people.csv`, `activities.csv`, `posts.csv`, `reactions.csv`: the product's "
        "CSV template (docs/template-spec.md) for all three courses. Times in "
        "`posts.csv`/`reactions.csv` are UTC (`...Z`); `activities.csv` holds local "
        "wall-clock times with the course's `timezone`.",
        f"- `moodle/{_MOODLE_COURSE}_w1.csv` ... `_w7.csv` and `.json`: Moodle forum "
        f"exports of every activity of {_MOODLE_COURSE} (one forum per activity). They "
        "carry exactly the posts of `posts.csv` for that activity (same ids, authors, "
        "parents, times). CSV: UTF-8 with BOM, epoch-second dates, with "
        "`wordcount`/`charcount`. JSON: an array of sheets, no counts columns (older "
        'Moodle), "human-readable" dates in Europe/Amsterdam without an offset, '
        "written compact as PHP does (non-ASCII as `\\uXXXX`, `/` as `\\/`). Messages "
        "are HTML `<p>` paragraphs (some with the editor's `dir`/`style` attributes), "
        "text escaped (`&#39;`, `&amp;`, `&lt;`); deleted posts keep their row. "
        "Reactions are not in Moodle exports, and the Moodle course has none in "
        "`reactions.csv` either.",
        f"- `{canvas['file']}`: Canvas discussion full view of {canvas['course_id']} "
        f"{canvas['activity_id']}, exported by the teacher {exporter} with their own "
        "token, so `entry_ratings` holds that teacher's likes.",
        "- `planted.json`: every planted fact below, machine-readable.",
        "",
        f"Everything is generated by `python -m asyncmon.sample` (seed {facts['seed']}); "
        "do not edit by hand. Names and ids are invented.",
        "",
    ]


def _readme_courses(facts: dict, plan: _ClassPlan) -> list[str]:
    lines = [
        "## Courses",
        "",
        "| course | title | time zone | teacher | assistant | students | activities "
        "| posts | question groups |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for course in facts["courses"]:
        course_id = course["course_id"]
        activities = [a for a in facts["activities"] if a["course_id"] == course_id]
        groups = [g for g in facts["question_groups"] if g["course_id"] == course_id]
        lines.append(
            f"| {course_id} | {course['title']} | {course['timezone']} | "
            f"{_names(plan, course['teachers'])} | {_names(plan, course['assistants'])} | "
            f"{len(course['student_ids'])} | {len(activities)} | "
            f"{sum(a['posts'] for a in activities)} | {len(groups)} |"
        )
    lines += [
        "",
        "The teacher of BIO101 also teaches ENG150 (same person_id in both rosters). "
        f"Students {_names(plan, facts['courses'][-1]['shared_student_ids'])} take both "
        "BIO101 and ENG150. Activities are due on Sundays at 23:59 and prepare for class "
        "on the Tuesday after (BIO101 09:00, HIS210 10:30, ENG150 14:00 local). The "
        "seven weeks run from mid-February to 1 April 2025, across the US "
        "daylight-saving change (9 March, HIS210 w4) and the EU one (30 March, all "
        "courses' w7), so the UTC offset of due and class times changes mid-term.",
        "",
    ]
    return lines


def _readme_participation(facts: dict, plan: _ClassPlan) -> list[str]:
    lines = [
        "## Participation (status of each student's first post)",
        "",
        "On time = at or before due; late = after due, before class; after class; "
        "missing = no post at all.",
        "",
        "| activity | due (UTC) | class (UTC) | on time | late | after class | missing | posts |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for act in facts["activities"]:
        lines.append(
            f"| {act['course_id']} {act['activity_id']} | {act['due_at_utc']} | "
            f"{act['class_starts_at_utc']} | {len(act['students_on_time'])} | "
            f"{len(act['students_late'])} | {len(act['students_after_class'])} | "
            f"{len(act['students_missing'])} | {act['posts']} |"
        )
    lines += ["", "`posts` counts non-deleted rows of posts.csv, staff posts included.", ""]
    for act in facts["activities"]:
        lines.append(
            f"- {act['course_id']} {act['activity_id']}: "
            f"late {_names(plan, act['students_late'])}; "
            f"after class {_names(plan, act['students_after_class'])}; "
            f"missing {_names(plan, act['students_missing'])}."
        )
    lines += ["", "### Patterns", ""]
    for course in facts["courses"]:
        lines.append(
            f"- {course['course_id']}: repeat absentee {_who(plan, course['repeat_absentee'])} "
            f"is late in w4 and misses {', '.join(course['repeat_absentee_missed_activities'])} "
            f"in a row; {_who(plan, course['two_time_absentee'])} misses "
            f"{' and '.join(course['two_time_absentee_missed_activities'])} (not in a row). "
            "Every other student misses at most one activity; nobody misses all."
        )
    lines.append("")
    return lines


def _readme_acknowledgement(facts: dict, plan: _ClassPlan) -> list[str]:
    lines = [
        "## Teacher acknowledgement",
        "",
        "A student is acknowledged when a teacher or assistant replied to one of their "
        "posts (a private reply counts) or reacted to one.",
        "",
    ]
    for course in facts["courses"]:
        lines.append(
            f"- {course['course_id']}: {_who(plan, course['never_acknowledged_student'])} "
            "posts on time every week and is never acknowledged: no staff reply, no reaction."
        )
    lines += ["", "The teacher's week, per activity:", ""]
    lines += [f"- `{name}`: {words}." for name, words in _PATTERN_WORDS.items()]
    lines += [
        "",
        "| activity | teacher's week | acknowledged before class | only after class | "
        "only by a like of unknown time | staff replies after class |",
        "|---|---|---|---|---|---|",
    ]
    for act in facts["activities"]:
        statuses = ("students_on_time", "students_late", "students_after_class")
        participating = sum(len(act[status]) for status in statuses)
        lines.append(
            f"| {act['course_id']} {act['activity_id']} | `{act['teacher_pattern']}` | "
            f"{len(act['staff_acknowledged_students_before_class'])} of {participating} | "
            f"{len(act['staff_acknowledged_students_after_class_only'])} | "
            f"{len(act['staff_acknowledged_students_unknown_time_only'])} | "
            f"{', '.join(act['staff_reply_post_ids_after_class']) or 'none'} |"
        )
    lines += [
        "",
        "BIO101's assistant replies to one or two students every Saturday. BIO101's "
        "teacher never reacts (Moodle exports no reactions), only replies; ENG150's "
        "teacher gives thumbs-up, HIS210's teacher likes. Students also like each "
        "other's posts in HIS210 and ENG150 (`like` rows by students: not "
        "acknowledgement).",
        "",
    ]
    return lines


def _readme_questions(facts: dict, plan: _ClassPlan) -> list[str]:
    lines = [
        "## Recurring questions (planted groups)",
        "",
        "Each group is one underlying question asked by several students in their own "
        "words, inside their thread starter; at least half of the sentences have no "
        "question mark.",
        "",
    ]
    for group in facts["question_groups"]:
        if group["answered"]:
            timing = "before class" if group["answered_before_class"] else "after class"
            answered = f"answered by the teacher in post {group['answer_post_id']} ({timing})"
        else:
            answered = "not answered by any staff reply"
        lines += [
            f"### {group['course_id']} {group['activity_id']} `{group['key']}`: {group['label']}",
            "",
            f"{group['canonical_question']} Raised by {len(group['student_ids'])} "
            f"students; {answered}.",
            "",
        ]
        for occurrence in group["occurrences"]:
            lines.append(
                f"- post {occurrence['post_id']}, {_who(plan, occurrence['student_id'])}: "
                f'"{occurrence["sentence"]}"'
            )
        lines.append("")
    lines += ["### One-off questions (belong to no group)", ""]
    for question in facts["one_off_questions"]:
        lines.append(
            f"- {question['course_id']} {question['activity_id']} post {question['post_id']}, "
            f'{_who(plan, question["student_id"])}: "{question["sentence"]}"'
        )
    lines.append("")
    return lines


def _readme_edge_cases(facts: dict, plan: _ClassPlan) -> list[str]:
    edge = facts["edge_cases"]
    canvas = facts["canvas"]
    lines = ["## Edge cases", ""]
    for item in edge["deleted_posts"]:
        author = (
            f"author {_who(plan, item['author_id'])} kept"
            if item["author_id_in_template"]
            else "author_id left empty (Canvas does not say who wrote a deleted entry)"
        )
        lines.append(
            f"- Deleted post {item['post_id']} ({item['course_id']} {item['activity_id']}): "
            f"deleted=1, empty subject and body, {author}; the reply "
            f"{', '.join(item['reply_ids'])} keeps it as parent."
        )
    for item in edge["edited_posts"]:
        lines.append(
            f"- Edited post {item['post_id']} ({item['course_id']} {item['activity_id']}): "
            f"created {item['created_at']}, edited {item['edited_at']}."
        )
    lines.append(
        f"- Author not on the roster: {_names(plan, edge['non_roster_author_ids'])}, a "
        "student who dropped BIO101, wrote post(s) "
        f"{', '.join(edge['non_roster_author_post_ids'])} (BIO101 w1, also in the Moodle "
        "export with a full name); not in people.csv."
    )
    for item in edge["private_replies"]:
        lines.append(
            f"- Private reply {item['post_id']} ({item['course_id']} {item['activity_id']}) "
            f"from {_who(plan, item['from'])} to {_who(plan, item['to'])} "
            f"(private_to / Moodle privatereplyto); it acknowledges that student."
        )
    for item in edge["posted_exactly_at_due"]:
        lines.append(
            f"- Post {item['post_id']} by {_who(plan, item['student_id'])} was written "
            f"exactly at the due minute ({item['created_at']}): on time."
        )
    for item in edge["staff_thread_starters"]:
        lines.append(
            f"- Staff thread starter {item['post_id']} ({item['course_id']} "
            f"{item['activity_id']}): the teacher's welcome thread, no replies."
        )
    lines.append(
        f"- Reactions with unknown time (empty created_at): {len(edge['unknown_time_reactions'])}, "
        f"all the teacher's likes in {canvas['course_id']} {canvas['activity_id']} "
        "(Canvas gives no time for a like); they count as of the export."
    )
    lines += [
        "",
        f"## The Canvas file ({canvas['file']})",
        "",
        f"- Exported by {_who(plan, canvas['exporting_teacher_id'])}; `entry_ratings` "
        f"= entries {', '.join(canvas['liked_entry_ids'])}, exactly that teacher's "
        "`like` rows in reactions.csv for this activity.",
        "- `rating_sum` also counts students' likes "
        f"({sum(canvas['student_likes_by_entry'].values())} in all), which have no row "
        "in reactions.csv because Canvas does not say who gave them. Entry "
        f"{canvas['withdrawn_like_entry_id']} had a like withdrawn: its rating_count is "
        "one more than its rating_sum. Entries nobody rated have null counts.",
        f"- Student View: participant {canvas['fake_student_id']} (`fake_student: true`) "
        f"wrote entry {', '.join(canvas['fake_student_entry_ids'])}; it is not in posts.csv.",
        f"- `new_entries` repeats entries {', '.join(canvas['duplicate_entry_ids'])} that "
        f"are also in the view; {canvas['duplicate_entry_id_with_newer_version']} comes "
        "with a newer updated_at and its edited message (the view has the old text). "
        f"Entries {', '.join(canvas['new_only_entry_ids'])} are only in `new_entries`.",
        f"- Deleted entry {', '.join(canvas['deleted_entry_ids'])} stays in the tree "
        "without user_id and message, with its reply below it.",
        "- Entries without replies have no `replies` key. The JSON escapes <, > and & "
        "as \\u003c, \\u003e and \\u0026, as Rails does.",
        "",
    ]
    return lines


def _readme(plan: _ClassPlan, facts: dict) -> str:
    lines = [
        "# Sample class",
        "",
        "A small, realistic class for trying asyncmon without an account or a "
        "network: three courses, seven weekly discussion activities each, with "
        "known facts planted on purpose so that every metric has a right answer.",
        "",
    ]
    lines += _readme_files(facts, plan)
    lines += _readme_courses(facts, plan)
    lines += _readme_participation(facts, plan)
    lines += _readme_acknowledgement(facts, plan)
    lines += _readme_questions(facts, plan)
    lines += _readme_edge_cases(facts, plan)
    return "\n".join(lines).rstrip("\n") + "\n"


# ---------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------


def write_sample_class(directory: str | Path, *, seed: int = SAMPLE_SEED) -> dict:
    """Write the sample class and return the facts planted in it.

    Parameters
    ----------
    directory : str or Path
        Folder to write into; created if needed. Existing files of the same
        names are overwritten, other files are left alone.
    seed : int, default SAMPLE_SEED
        Seed of the random generator. The same seed always gives byte-identical
        files; the bundled ``sample_data/`` uses :data:`SAMPLE_SEED`.

    Returns
    -------
    dict
        The planted facts, also written as ``planted.json``. Keys:

        - ``seed``: the seed used.
        - ``files``: written files by kind (``template``, ``moodle``,
          ``canvas``, ``docs``), relative to ``directory``.
        - ``courses``: per course ``course_id``, ``title``, ``timezone``,
          ``teachers``, ``assistants``, ``student_ids``,
          ``never_acknowledged_student``, ``repeat_absentee`` (and the
          activities missed), ``two_time_absentee``, ``shared_student_ids``.
        - ``activities``: per activity the due and class times (local and UTC),
          the planning window in hours, students per status (``students_on_time``,
          ``students_late``, ``students_after_class``, ``students_missing``),
          ``posts`` (non-deleted rows in posts.csv), ``deleted_post_ids``,
          ``staff_acknowledged_students_before_class`` (replied to or reacted to
          by staff before class start), ``..._after_class_only``,
          ``..._unknown_time_only``, every acknowledgement with its kind and
          time, and staff replies dated after class.
        - ``question_groups``: per planted recurring question its course,
          activity, ``key``, ``label``, ``canonical_question``, whether and
          when the teacher answered it, and each occurrence (``post_id``,
          ``student_id``, exact ``sentence``).
        - ``one_off_questions``: questions that belong to no group.
        - ``moodle``: ``course_id`` and ``files`` of the Moodle exports.
        - ``canvas``: the Canvas file, ``exporting_teacher_id``,
          ``fake_student_id``, ``fake_student_entry_ids``,
          ``duplicate_entry_ids``, ``new_only_entry_ids``,
          ``liked_entry_ids`` and more.
        - ``edge_cases``: ``edited_post_ids``, ``non_roster_author_post_ids``,
          ``unknown_time_reactions``, ``private_replies``, ``deleted_posts``,
          ``posted_exactly_at_due``, ``staff_thread_starters``.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     facts = write_sample_class(folder)
    >>> [course["course_id"] for course in facts["courses"]]
    ['BIO101', 'HIS210', 'ENG150']
    >>> facts["canvas"]["file"]
    'canvas/HIS210_w3.json'
    """
    root = Path(directory)
    root.mkdir(parents=True, exist_ok=True)
    plan = _build_plan(seed)
    assert plan.canvas is not None
    files = {
        "template": _write_template(root, plan),
        "moodle": _write_moodle(root, plan),
        "canvas": [_write_canvas(root, plan)],
        "docs": ["README.md", "planted.json"],
    }
    facts = _planted_facts(plan, files)
    text = json.dumps(facts, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    _write_text(root / "planted.json", text)
    _write_text(root / "README.md", _readme(plan, facts))
    return facts


def sample_data_dir() -> Path:
    """Folder of the bundled sample class (the repository's ``sample_data/``).

    When the package is installed without its repository (no ``sample_data/`` beside
    it), the same class is generated once into ``~/.cache/asyncmon/sample-<seed>``: the
    generator is deterministic, so it is byte for byte the bundled one.

    Returns
    -------
    Path
        The folder that :func:`write_sample_class` filled with
        :data:`SAMPLE_SEED`; see its ``README.md`` for what is planted there.

    Examples
    --------
    >>> sorted(p.name for p in sample_data_dir().glob("*.csv"))
    ['activities.csv', 'people.csv', 'posts.csv', 'reactions.csv']
    """
    bundled = Path(__file__).resolve().parent.parent / "sample_data"
    if (bundled / "planted.json").exists():
        return bundled
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    folder = cache / "asyncmon" / f"sample-{SAMPLE_SEED}"
    if not (folder / "planted.json").exists():
        write_sample_class(folder)
    return folder


def _main(argv: Sequence[str]) -> int:
    target = Path(argv[0]) if argv else sample_data_dir()
    facts = write_sample_class(target)
    posts = sum(act["posts"] for act in facts["activities"])
    print(f"wrote the sample class to {target} ({posts} posts)")
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))


def sample_import_options() -> dict:
    """Arguments that import the bundled sample class from its template files.

    The sample's likes of unknown time come from its Canvas export, so they count as of
    that export (``exported_at``).

    Returns
    -------
    dict
        ``files, people, activities, exported_at`` for :func:`asyncmon.import_sources` or
        :meth:`asyncmon.Workspace.import_sources`.
    """
    folder = sample_data_dir()
    planted = json.loads((folder / "planted.json").read_text(encoding="utf-8"))
    return {
        "files": [folder / "posts.csv", folder / "reactions.csv"],
        "people": folder / "people.csv",
        "activities": folder / "activities.csv",
        "exported_at": datetime.fromisoformat(planted["canvas"]["exported_at"]),
    }


def load_sample():
    """The bundled sample class as :class:`~asyncmon.ClassData`, imported in memory.

    Examples
    --------
    >>> data = load_sample()
    >>> sorted(data.courses.course_id)
    ['BIO101', 'ENG150', 'HIS210']
    """
    from .importing import import_sources

    options = sample_import_options()
    return import_sources(options.pop("files"), **options).data
