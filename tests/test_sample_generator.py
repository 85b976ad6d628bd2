"""The sample class generator: deterministic, and the planted facts are really there.

The checks read the written files with the csv/json modules, independently of the
generator's own bookkeeping, and compare with planted.json.
"""

import csv
import json
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from asyncmon._sample import write_sample_class
from asyncmon.datasets import SAMPLE_SEED, sample_data_dir

MOODLE_HEADER = (
    "id,discussion,parent,userid,userfullname,created,modified,mailed,subject,message,"
    "messageformat,messagetrust,attachment,totalscore,mailnow,deleted,privatereplyto,"
    "privatereplytofullname,wordcount,charcount"
)


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """One generated sample class: (folder, returned facts)."""
    folder = tmp_path_factory.mktemp("sample")
    return folder, write_sample_class(folder)


def _files(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _rows(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _utc(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def test_same_seed_gives_the_same_bytes_as_the_bundled_sample(sample, tmp_path):
    folder, facts = sample
    write_sample_class(tmp_path, seed=SAMPLE_SEED)
    first, second = _files(folder), _files(tmp_path)
    assert first == second
    assert first == _files(sample_data_dir()), "regenerate: python -m asyncmon._sample"
    assert json.loads(first["planted.json"]) == facts


def test_moodle_csv_starts_with_a_bom_and_the_exact_header(sample):
    folder, facts = sample
    csv_files = [name for name in facts["moodle"]["files"] if name.endswith(".csv")]
    assert len(csv_files) == 7
    for name in csv_files:
        raw = (folder / name).read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf" + MOODLE_HEADER.encode() + b"\n")


def test_every_question_group_is_asked_by_four_or_more_students_mostly_without_a_mark(sample):
    folder, facts = sample
    posts = {row["post_id"]: row for row in _rows(folder, "posts.csv")}
    groups = facts["question_groups"]
    for course_id in ("BIO101", "HIS210", "ENG150"):
        activities = {g["activity_id"] for g in groups if g["course_id"] == course_id}
        assert len(activities) >= 3
    for group in groups:
        occurrences = group["occurrences"]
        assert len({o["student_id"] for o in occurrences}) >= 4
        without_mark = [o for o in occurrences if "?" not in o["sentence"]]
        assert 2 * len(without_mark) >= len(occurrences), group["key"]
        for occurrence in occurrences:
            post = posts[occurrence["post_id"]]
            assert post["author_id"] == occurrence["student_id"]
            assert occurrence["sentence"] in post["body"]


def test_the_never_acknowledged_student_gets_no_staff_reply_or_reaction(sample):
    folder, facts = sample
    posts = _rows(folder, "posts.csv")
    by_id = {row["post_id"]: row for row in posts}
    roles = {(r["course_id"], r["person_id"]): r["role"] for r in _rows(folder, "people.csv")}

    def staff(course_id: str, person_id: str) -> bool:
        return roles.get((course_id, person_id)) in ("teacher", "assistant")

    for course in facts["courses"]:
        course_id, student = course["course_id"], course["never_acknowledged_student"]
        own = [p for p in posts if p["course_id"] == course_id and p["author_id"] == student]
        assert {p["activity_id"] for p in own} == {f"w{week}" for week in range(1, 8)}
        for post in posts:
            if post["course_id"] == course_id and post["parent_id"]:
                parent = by_id[post["parent_id"]]
                assert not (staff(course_id, post["author_id"]) and parent["author_id"] == student)
        for reaction in _rows(folder, "reactions.csv"):
            if reaction["course_id"] == course_id and staff(course_id, reaction["person_id"]):
                assert by_id[reaction["post_id"]]["author_id"] != student


def test_planted_statuses_follow_from_the_post_times(sample):
    # on time: first post at or before due; late: before class; then after class.
    folder, facts = sample
    posts = _rows(folder, "posts.csv")
    people = _rows(folder, "people.csv")
    students = {(r["course_id"], r["person_id"]) for r in people if r["role"] == "student"}
    for activity in _rows(folder, "activities.csv"):
        zone = ZoneInfo(activity["timezone"])
        due = datetime.fromisoformat(activity["due_at"]).replace(tzinfo=zone)
        start = datetime.fromisoformat(activity["class_starts_at"]).replace(tzinfo=zone)
        key = (activity["course_id"], activity["activity_id"])
        first: dict[str, datetime] = {}
        for post in posts:
            if (post["course_id"], post["activity_id"]) == key and post["author_id"]:
                moment = _utc(post["created_at"])
                first[post["author_id"]] = min(first.get(post["author_id"], moment), moment)
        status = {"on_time": [], "late": [], "after_class": [], "missing": []}
        for course_id, student in students:
            if course_id == key[0]:
                moment = first.get(student)
                if moment is None:
                    status["missing"].append(student)
                elif moment <= due:
                    status["on_time"].append(student)
                else:
                    status["late" if moment < start else "after_class"].append(student)
        planted = next(a for a in facts["activities"] if (a["course_id"], a["activity_id"]) == key)
        for name, ids in status.items():
            assert sorted(ids) == planted[f"students_{name}"], (key, name)


def test_canvas_likes_are_the_exporting_teachers_reactions(sample):
    folder, facts = sample
    canvas = facts["canvas"]
    document = json.loads((folder / canvas["file"]).read_text(encoding="utf-8"))
    activity_posts = {
        row["post_id"]
        for row in _rows(folder, "posts.csv")
        if (row["course_id"], row["activity_id"]) == (canvas["course_id"], canvas["activity_id"])
    }
    likes = sorted(
        r["post_id"]
        for r in _rows(folder, "reactions.csv")
        if r["person_id"] == canvas["exporting_teacher_id"] and r["post_id"] in activity_posts
    )
    assert likes == sorted(document["entry_ratings"], key=int) == canvas["liked_entry_ids"]
    assert not set(canvas["fake_student_entry_ids"]) & activity_posts
