"""The tour's questions (asyncmon.explore) and its tables (asyncmon.styling), checked
against the sample's planted facts and against plain loops over the rows, and on a class
that is not the sample."""

import json
import math
import re
import statistics
from collections import Counter, defaultdict
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

import asyncmon as am
from asyncmon import sample_data_dir
from asyncmon.explore import WEEKDAYS


@pytest.fixture(scope="module")
def sample():
    return am.load_sample()


def test_repeat_late_posters_are_the_planted_late_students(sample):
    planted = json.loads((sample_data_dir() / "planted.json").read_text())
    late, after = Counter(), Counter()
    for act in planted["activities"]:
        for student in act["students_late"] + act["students_after_class"]:
            late[act["course_id"], student] += 1
        for student in act["students_after_class"]:
            after[act["course_id"], student] += 1
    result = am.repeat_late_posters(am.participation(sample))
    got = {(r.course_id, r.student_id): (r.late, r.after_class) for r in result.itertuples()}
    assert got == {k: (n, after[k]) for k, n in late.items() if n >= 2}
    assert len(got) >= 3
    # most late first
    assert list(result["late"]) == sorted(result["late"], reverse=True)


def test_unanswered_students_match_a_loop_over_the_posts(sample):
    roles = {(p.course_id, p.person_id): p.role for p in sample.people.itertuples()}
    live = [p for p in sample.posts.itertuples() if not p.deleted]
    author = {(p.course_id, p.post_id): p.author_id for p in live}
    posted, answered = defaultdict(int), set()
    for p in live:
        if roles.get((p.course_id, p.author_id)) == "student":
            posted[p.course_id, p.activity_id, p.author_id] += 1
        parent = author.get((p.course_id, p.parent_id))
        if parent is not None and parent != p.author_id:
            answered.add((p.course_id, p.activity_id, parent))
    expected = {k: n for k, n in posted.items() if k not in answered}
    result = am.unanswered_students(sample)
    got = {(r.course_id, r.activity_id, r.student_id): r.posts for r in result.itertuples()}
    assert got == expected and len(got) > 5
    # nobody who got a peer reply is among them
    p = am.participation(sample).set_index(["course_id", "activity_id", "student_id"])
    assert (p.loc[list(got), "replies_received_from_peers"] == 0).all()


def test_unanswered_students_on_a_class_that_is_not_the_sample(other):
    result = am.unanswered_students(other)
    parents = {p for p in other.posts["parent_id"].dropna()}
    by = other.posts.groupby("author_id")["post_id"].agg(set)
    students = set(other.people.loc[other.people.role == "student", "person_id"])
    expected = {s for s in students if s in by.index and not (by[s] & parents)}
    assert set(result["student_id"]) == expected
    assert set(result["activity_id"]) <= {"circuits"}


def test_acknowledgement_speed_matches_a_loop_in_each_course_zone(sample):
    table = am.acknowledgements(sample)
    zones = dict(zip(sample.courses.course_id, sample.courses.timezone, strict=True))
    buckets = defaultdict(lambda: [0, 0, []])
    for r in table.itertuples():
        if pd.isna(r.first_post_at):
            continue
        local = r.first_post_at.to_pydatetime().astimezone(ZoneInfo(zones[r.course_id]))
        bucket = buckets[WEEKDAYS[local.weekday()], local.hour]
        bucket[0] += 1
        bucket[1] += bool(r.acknowledged)
        if r.acknowledged and r.time_known:
            bucket[2].append(r.hours_to_acknowledgement)
    result = am.acknowledgement_speed(table, sample)
    assert len(result) == len(buckets)
    for r in result.itertuples():
        posts, acked, hours = buckets[r.weekday, r.hour]
        assert (r.first_posts, r.acknowledged) == (posts, acked)
        if hours:
            assert r.median_hours == pytest.approx(statistics.median(hours))
        else:
            assert math.isnan(r.median_hours)
    # weekdays in calendar order
    days = am.acknowledgement_speed(table, sample, by="weekday")["weekday"].tolist()
    assert days == [d for d in WEEKDAYS if d in days]
    with pytest.raises(ValueError, match="weekday"):
        am.acknowledgement_speed(table, sample, by="month")


def test_acknowledgement_speed_on_a_class_in_chicago(other):
    table = am.acknowledgements(other)
    result = am.acknowledgement_speed(table, other, by="hour")
    # the class's posts were written 08:00-19:59 Chicago time (tests/other_class.py)
    first = table.dropna(subset=["first_post_at"])
    hours = Counter(t.tz_convert("America/Chicago").hour for t in first["first_post_at"])
    assert dict(zip(result["hour"], result["first_posts"], strict=True)) == hours
    assert set(hours) <= set(range(8, 20))


def test_recurring_concepts_count_what_a_loop_over_each_activity_counts(sample):
    from asyncmon.questions import question_units
    from asyncmon.questions.metric import student_posts

    result = am.recurring_concepts(sample, detector="cues", at_least=1)
    for course, acts in sample.activities.groupby("course_id"):
        concepts = {c for cs in acts["concepts"] for c in cs}
        asked = defaultdict(dict)
        for activity in acts["activity_id"]:
            units = question_units(
                student_posts(sample, course, activity)[["post_id", "author_id", "body"]],
                detector="cues",
            )
            for concept in concepts:
                word = re.compile(rf"\b{re.escape(concept.lower())}(s|es)?\b")
                who = {u.author_id for u in units.itertuples() if word.search(u.text.lower())}
                if who:
                    asked[concept][activity] = len(who)
        got = result[result.course_id == course]
        assert set(got["concept"]) == set(asked)
        for r in got.itertuples():
            assert (
                dict(zip(r.activity_ids, r.students_per_activity, strict=True)) == asked[r.concept]
            )
    recurring = am.recurring_concepts(sample, detector="cues")
    assert (recurring["activities"] >= 2).all()
    assert set(recurring["concept"]) == set(result.loc[result.activities >= 2, "concept"])


def test_recurring_concepts_of_a_class_without_concepts_is_an_empty_table(other):
    result = am.recurring_concepts(other, detector="cues")
    assert result.empty and "students_per_activity" in result.columns


def test_a_styled_table_escapes_names_keeps_status_words_and_formats_numbers():
    frame = pd.DataFrame(
        {
            "name": ["<script>alert(1)</script>", "Zoë & co"],
            "status": ["late", "missing"],
            "coverage_before_class": [2 / 3, float("nan")],
            "median_hours_to_acknowledgement": [26.04, 1.0],
            "first_post_at": pd.to_datetime(["2025-03-10 20:05", None], utc=True),
            "acknowledged": [True, False],
            "missed_activities": [["w5", "w6"], []],
        }
    )
    out = am.styled(frame, timezone="Europe/Amsterdam").to_html()
    assert "<script>" not in out and "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "Zoë &amp; co" in out
    cells = re.findall(r"<td[^>]*>(.*?)</td>", out)
    assert cells[:7] == [
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "late",
        "67%",
        "26.0 h",
        "2025-03-10 21:05 Europe/Amsterdam",
        "yes",
        "w5, w6",
    ]
    assert cells[7:11] == ["Zoë &amp; co", "missing", "—", "1.0 h"]
    # the status cells are coloured, each by its own status, and keep their words
    status_ids = re.findall(r'<td id="(T_\w+_row\d_col1)"', out)
    for cell_id, kind in zip(status_ids, ["late", "missing"], strict=True):
        rule = re.search(rf"#{cell_id}[^{{]*\{{([^}}]*)\}}", out)
        assert rule and am.styling.STATUS_STYLES[kind].split(";")[0] in rule[1]
    assert ">coverage before class<" in out


def test_a_long_table_is_cut_with_a_caption_saying_so(sample):
    table = am.participation(sample)
    out = am.styled(table, max_rows=10).to_html()
    assert out.count("<tr>") == 11  # the header and 10 rows
    assert f"First 10 of {len(table)} rows." in out
    with pytest.raises(ValueError):
        am.styled(table, max_rows=0)
    assert "No rows." in am.styled(table.head(0)).to_html()
