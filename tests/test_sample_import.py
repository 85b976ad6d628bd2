"""Every importer recovers the planted facts of the bundled sample class
(sample_data/README.md lists them; planted.json holds them as data)."""

import json
from datetime import UTC, datetime

import pandas as pd
import pytest

from asyncmon import import_sources, sample_data_dir

D = sample_data_dir()
PLANTED = json.loads((D / "planted.json").read_text())
ROSTER = {"people": D / "people.csv", "activities": D / "activities.csv"}
COMPARED = [
    "post_id",
    "thread_id",
    "parent_id",
    "author_id",
    "created_at",
    "deleted",
    "private_to",
    "body",
]


@pytest.fixture(scope="module")
def template():
    return import_sources([D / "posts.csv", D / "reactions.csv"], **ROSTER)


def _status(first_post, due, start):
    if first_post is None:
        return "missing"
    if first_post <= due:
        return "on_time"
    return "late" if first_post <= start else "after_class"


def test_template_import_is_complete_and_clean(template):
    report = template.report
    assert report.rejected == []
    assert all(s.read == s.kept for s in report.sources)
    assert [a["post_id"] for a in report.unknown_authors] == (
        PLANTED["edge_cases"]["non_roster_author_post_ids"]
    )
    summary = template.data.summary().set_index("course_id")
    for course in PLANTED["courses"]:
        assert summary.loc[course["course_id"], "students"] == len(course["student_ids"])
        assert summary.loc[course["course_id"], "timezone"] == course["timezone"]


def test_planted_participation_statuses_come_back(template):
    data = template.data
    posts = data.posts[~data.posts["deleted"]]
    for act in PLANTED["activities"]:
        course, activity = act["course_id"], act["activity_id"]
        row = data.activities.set_index(["course_id", "activity_id"]).loc[(course, activity)]
        # the schedule was written as local times: their UTC reading is planted
        assert row["due_at"] == pd.Timestamp(act["due_at_utc"])
        assert row["class_starts_at"] == pd.Timestamp(act["class_starts_at_utc"])
        mine = posts[(posts["course_id"] == course) & (posts["activity_id"] == activity)]
        first = mine.groupby("author_id")["created_at"].min()
        statuses = {}
        for student in next(c for c in PLANTED["courses"] if c["course_id"] == course)[
            "student_ids"
        ]:
            status = _status(first.get(student), row["due_at"], row["class_starts_at"])
            statuses.setdefault(status, []).append(student)
        for status in ("on_time", "late", "after_class", "missing"):
            assert sorted(statuses.get(status, [])) == sorted(act[f"students_{status}"]), (
                course,
                activity,
                status,
            )
        assert len(mine) == act["posts"]


def test_never_acknowledged_students_have_no_staff_reply_or_reaction(template):
    data = template.data
    posts = data.posts.set_index(["course_id", "post_id"])
    for course in PLANTED["courses"]:
        cid, student = course["course_id"], course["never_acknowledged_student"]
        staff = set(course["teachers"]) | set(course["assistants"])
        theirs = set(
            data.posts.loc[
                (data.posts["course_id"] == cid) & (data.posts["author_id"] == student), "post_id"
            ]
        )
        assert len(theirs) >= 5
        replies = data.posts[
            (data.posts["course_id"] == cid) & data.posts["parent_id"].isin(theirs)
        ]
        assert not set(replies["author_id"]) & staff
        reacted = data.reactions[
            (data.reactions["course_id"] == cid) & data.reactions["post_id"].isin(theirs)
        ]
        assert not set(reacted["person_id"]) & staff
        assert (cid, next(iter(theirs))) in posts.index


def test_planted_edge_cases_come_back(template):
    data = template.data
    posts = data.posts.set_index("post_id")
    edges = PLANTED["edge_cases"]
    for edited in edges["edited_posts"]:
        assert posts.loc[edited["post_id"], "edited_at"] == pd.Timestamp(edited["edited_at"])
        assert posts.loc[edited["post_id"], "created_at"] == pd.Timestamp(edited["created_at"])
    for deleted in edges["deleted_posts"]:
        assert bool(posts.loc[deleted["post_id"], "deleted"])
        for reply in deleted["reply_ids"]:
            assert posts.loc[reply, "parent_id"] == deleted["post_id"]
    for private in edges["private_replies"]:
        assert posts.loc[private["post_id"], "private_to"] == private["to"]
        assert posts.loc[private["post_id"], "author_id"] == private["from"]
    unknown = data.reactions[data.reactions["created_at"].isna()]
    assert sorted(unknown["post_id"]) == sorted(
        r["post_id"] for r in edges["unknown_time_reactions"]
    )


def test_planted_questions_are_in_the_named_students_posts(template):
    posts = template.data.posts.set_index("post_id")
    for group in PLANTED["question_groups"]:
        students = {o["student_id"] for o in group["occurrences"]}
        assert len(students) >= 4
        for o in group["occurrences"]:
            assert posts.loc[o["post_id"], "author_id"] == o["student_id"]
            assert o["sentence"] in posts.loc[o["post_id"], "body"]


@pytest.mark.parametrize("suffix", ["csv", "json"])
def test_moodle_exports_give_the_same_posts_as_the_template(template, suffix):
    course = PLANTED["moodle"]["course_id"]
    files = [D / f for f in PLANTED["moodle"]["files"] if f.endswith(suffix)]
    expected_all = template.data.posts
    for path in files:
        activity = path.stem.split("_")[-1]
        result = import_sources([path], **ROSTER, course_id=course, activity_id=activity)
        source = result.report.sources[-1]
        assert source.format == f"moodle-{suffix}"
        assert source.rejected == [] and source.read == source.kept
        got = result.data.posts.sort_values("post_id").reset_index(drop=True)
        expected = expected_all[
            (expected_all["course_id"] == course) & (expected_all["activity_id"] == activity)
        ]
        expected = expected.sort_values("post_id").reset_index(drop=True)
        pd.testing.assert_frame_equal(got[COMPARED], expected[COMPARED], check_names=False)
        assert (got["body_format"] == "html").all()
        assert got.loc[~got["deleted"], "body_original"].str.startswith("<p").all()


def test_canvas_view_gives_the_template_posts_and_the_teachers_likes(template):
    c = PLANTED["canvas"]
    exported = datetime.fromisoformat(c["exported_at"]).astimezone(UTC)
    result = import_sources(
        [D / c["file"]],
        **ROSTER,
        course_id=c["course_id"],
        activity_id=c["activity_id"],
        exported_at=exported,
    )
    entries, likes = result.report.sources[-2:]
    assert entries.format == "canvas-json"
    assert entries.merged == len(c["duplicate_entry_ids"])
    assert [r.value for r in entries.rejected] == [c["fake_student_id"]] * len(
        c["fake_student_entry_ids"]
    )
    got = result.data.posts.sort_values("post_id").reset_index(drop=True)
    posts = template.data.posts
    expected = posts[
        (posts["course_id"] == c["course_id"]) & (posts["activity_id"] == c["activity_id"])
    ]
    expected = expected.sort_values("post_id").reset_index(drop=True)
    pd.testing.assert_frame_equal(got[COMPARED], expected[COMPARED], check_names=False)
    assert set(c["new_only_entry_ids"]) <= set(got["post_id"])
    assert set(c["fake_student_entry_ids"]).isdisjoint(got["post_id"])
    newer = got.set_index("post_id").loc[c["duplicate_entry_id_with_newer_version"]]
    assert pd.notna(newer["edited_at"])
    reactions = result.data.reactions
    assert sorted(reactions["post_id"]) == sorted(c["liked_entry_ids"])
    assert set(reactions["person_id"]) == {c["exporting_teacher_id"]}
    assert reactions["created_at"].isna().all()
    assert (reactions["exported_at"] == pd.Timestamp(exported)).all()


def test_an_installed_package_without_the_repository_generates_the_same_sample(tmp_path):
    import filecmp
    import shutil
    import subprocess
    import sys

    shutil.copytree(D.parent / "asyncmon", tmp_path / "pkg" / "asyncmon")
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, "-c", "import asyncmon; print(asyncmon.sample_data_dir())"],
        cwd=tmp_path / "pkg",
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    generated = tmp_path / "cache" / "asyncmon" / "sample-2025"
    assert out == str(generated)
    same = filecmp.dircmp(generated, D)
    assert same.left_only == [] and same.diff_files == []
