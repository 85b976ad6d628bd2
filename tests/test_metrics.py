"""Participation, acknowledgement, coverage, planning and verdict on a hand-made class.

Course C1 (Europe/Amsterdam), students 11 Ana, 12 Zoë, 13 Omar, 14 Lena; teacher 91,
assistant 92; 77 writes but is not on the roster.

a1: due 2025-03-29 23:59 local = 22:59Z (CET, +1); class 2025-03-31 09:00 local = 07:00Z
(CEST, +2: the clocks went forward in between). Reading the class time with the winter
offset would put it at 08:00Z and turn Omar's and Lena's statuses wrong.
a2: due 2025-04-05 21:59Z, class 2025-04-07 07:00Z. a3: due 2025-04-12 21:59Z, class
2025-04-14 07:00Z.
"""

from datetime import UTC, datetime

import pandas as pd
import pytest

from asyncmon import (
    acknowledgement_queue,
    acknowledgements,
    class_rates,
    coverage,
    import_sources,
    participation,
    repeat_absentees,
    unacknowledged_students,
)
from asyncmon.planning import activity_summary, planning_window, verdicts

PEOPLE = b"""course_id,person_id,name,role
C1,11,Ana,student
C1,12,Zoe,student
C1,13,Omar,student
C1,14,Lena,student
C1,91,Ines,teacher
C1,92,Tom,assistant
"""
ACTIVITIES = b"""course_id,activity_id,title,due_at,class_starts_at,timezone
C1,a1,Osmosis,2025-03-29 23:59,2025-03-31 09:00,Europe/Amsterdam
C1,a2,Diffusion,2025-04-05 23:59,2025-04-07 09:00,Europe/Amsterdam
C1,a3,Transport,2025-04-12 23:59,2025-04-14 09:00,Europe/Amsterdam
"""
SUBSTANTIVE = "Good thinking Omar, now compare the two solutions and tell us which way"
POSTS = f"""course_id,activity_id,post_id,parent_id,author_id,created_at,deleted,private_to,body
C1,a1,p1,,11,2025-03-29T22:59:00Z,0,,First thoughts on osmosis
C1,a1,p2,p1,12,2025-03-29T23:00:00Z,0,,I agree with Ana here
C1,a1,p3,p2,13,2025-03-31T07:00:00Z,0,,Building on what Zoe said
C1,a1,p4,,14,2025-03-31T07:30:00Z,0,,Sorry I am late
C1,a1,p5,p1,11,2025-03-30T10:00:00Z,0,,Adding to my own post
C1,a1,p6,p3,91,2025-03-31T07:00:00Z,0,,"{SUBSTANTIVE}"
C1,a1,p7,p6,12,2025-03-31T08:00:00Z,0,,Thanks!
C1,a1,p8,p1,13,2025-03-30T09:00:00Z,1,,
C1,a1,p9,p1,77,2025-03-30T11:00:00Z,0,,Guest here
C1,a1,p10,p1,92,2025-03-31T08:00:00Z,0,,Nice!
C1,a1,p11,p9,91,2025-03-31T09:00:00Z,0,11,"Ana, please see me after class about your lab report"
C1,a2,p20,,11,2025-04-05T10:00:00Z,0,,Diffusion is passive
C1,a2,p21,,12,2025-04-05T11:00:00Z,0,,Gradients drive diffusion
C1,a2,p22,,13,2025-04-05T12:00:00Z,1,,
C1,a3,p30,,11,2025-04-12T10:00:00Z,0,,Pumps need ATP
""".encode()
REACTIONS = b"""course_id,post_id,person_id,kind,created_at
C1,p2,92,thumbs-up,2025-03-30T12:00:00Z
C1,p21,91,like,
C1,p1,13,like,2025-03-30T12:00:00Z
"""
EXPORTED = datetime(2025, 4, 6, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def data():
    result = import_sources(
        [("posts.csv", POSTS), ("reactions.csv", REACTIONS)],
        people=("people.csv", PEOPLE),
        activities=("activities.csv", ACTIVITIES),
        exported_at=EXPORTED,
    )
    assert result.report.rejected == []
    return result.data


def rows(frame, activity):
    return frame[frame["activity_id"] == activity].set_index("student_id")


def test_statuses_at_the_boundaries_across_a_daylight_saving_change(data):
    p = rows(participation(data), "a1")
    # Ana at the due minute: on time; Zoe one minute later: late; Omar exactly at class
    # start (07:00Z in summer time): still late; Lena at 07:30Z: after class.
    assert p["status"].to_dict() == {
        "11": "on_time",
        "12": "late",
        "13": "late",
        "14": "after_class",
    }
    assert p.loc["11", "first_post_at"] == pd.Timestamp("2025-03-29T22:59:00Z")


def test_counts_credit_the_parent_not_the_thread_starter(data):
    p = rows(participation(data), "a1")
    # Ana: p1, p5 (self-reply: not a peer reply); Zoe: p2 (to Ana), p7 (to staff);
    # Omar: p3 (to Zoe) — his deleted p8 counts for nothing; Lena: p4.
    assert p["posts"].to_dict() == {"11": 2, "12": 2, "13": 1, "14": 1}
    assert p["replies_to_peers"].to_dict() == {"11": 0, "12": 1, "13": 1, "14": 0}
    # Ana receives Zoe's p2 (not Omar's deleted p8, not the guest's p9); Zoe receives
    # Omar's p3, although it sits in Ana's thread.
    assert p["replies_received_from_peers"].to_dict() == {"11": 1, "12": 1, "13": 0, "14": 0}
    assert p.loc["11", "words"] == 4 + 5


def test_deleted_only_contribution_is_missing(data):
    p = rows(participation(data), "a2")
    assert p["status"].to_dict() == {
        "11": "on_time",
        "12": "on_time",
        "13": "missing",
        "14": "missing",
    }


def test_acknowledgement_as_of_class_start(data):
    a = rows(acknowledgements(data), "a1")
    # Omar: the teacher's substantive reply to his post, exactly at class start, counts.
    assert a.loc["13", "acknowledged"] and a.loc["13", "acknowledged_before_class"]
    assert a.loc["13", "acknowledgement_kind"] == "substantive comment"
    assert a.loc["13", "acknowledged_by"] == ["91"]
    assert a.loc["13", "hours_to_acknowledgement"] == 0
    # Zoe: a thumbs-up from the assistant is her only acknowledgement, 13 h after her post.
    assert a.loc["12", "acknowledgement_kind"] == "reaction"
    assert a.loc["12", "hours_to_acknowledgement"] == 13
    # Ana: only after class (assistant's brief reply, teacher's private reply): not yet.
    assert not a.loc["11", "acknowledged"] and pd.isna(a.loc["11", "acknowledged_at"])
    # Lena posted after class: not participating as of class start.
    assert not a.loc["14", "participating_as_of"]
    c = coverage(acknowledgements(data)).set_index("activity_id")
    assert c.loc["a1", "participating_as_of"] == 3 and c.loc["a1", "acknowledged"] == 2
    assert c.loc["a1", "coverage"] == pytest.approx(2 / 3)
    assert c.loc["a1", "substantive_comments_before_class"] == 1


def test_acknowledgement_as_of_a_later_moment(data):
    later = datetime(2025, 4, 1, tzinfo=UTC)
    a = rows(acknowledgements(data, as_of=later), "a1")
    # Ana: the assistant's "Nice!" (08:00Z) came first; the private reply to her (09:00Z)
    # counts although its parent is the guest's post; the strongest kind is substantive.
    assert a.loc["11", "acknowledged_at"] == pd.Timestamp("2025-03-31T08:00:00Z")
    assert a.loc["11", "acknowledged_by"] == ["91", "92"]
    assert a.loc["11", "acknowledgement_kind"] == "substantive comment"
    assert not a.loc["11", "acknowledged_before_class"]
    c = coverage(acknowledgements(data, as_of=later)).set_index("activity_id")
    assert (c.loc["a1", "participating_as_of"], c.loc["a1", "acknowledged"]) == (4, 3)


def test_acknowledged_by_lists_who_acknowledged_between_the_first_post_and_the_moment():
    # t3 writes to Mia privately before her first post (acknowledges nothing of it); t2
    # replies and likes her post before class (listed once); t1 replies after class
    # (listed only when counting up to a later moment).
    people = b"""course_id,person_id,name,role
K9,s1,Mia,student
K9,s2,Noor,student
K9,t1,Eva,teacher
K9,t2,Raf,assistant
K9,t3,Kim,assistant
"""
    activities = b"""course_id,activity_id,title,due_at,class_starts_at,timezone
K9,w,Week,2025-05-01 12:00,2025-05-02 12:00,UTC
"""
    posts = b"""course_id,activity_id,post_id,parent_id,author_id,created_at,deleted,private_to,body
K9,w,q0,,t3,2025-04-30T09:00:00Z,0,s1,Welcome Mia start when you are ready
K9,w,q1,,s1,2025-04-30T10:00:00Z,0,,My first answer
K9,w,q2,q1,t2,2025-04-30T11:00:00Z,0,,Nice
K9,w,q3,q1,t1,2025-05-03T08:00:00Z,0,,Good point
"""
    reactions = b"""course_id,post_id,person_id,kind,created_at
K9,q1,t2,like,2025-04-30T12:00:00Z
"""
    result = import_sources(
        [("posts.csv", posts), ("reactions.csv", reactions)],
        people=("people.csv", people),
        activities=("activities.csv", activities),
        exported_at=datetime(2025, 5, 5, tzinfo=UTC),
    )
    assert result.report.rejected == []
    for engine in ("pandas", "polars"):
        at_class = rows(acknowledgements(result.data, engine=engine), "w")
        assert at_class.loc["s1", "acknowledged_by"] == ["t2"]
        assert at_class.loc["s1", "acknowledged_at"] == pd.Timestamp("2025-04-30T11:00:00Z")
        assert at_class.loc["s2", "acknowledged_by"] == []
        later = rows(
            acknowledgements(result.data, engine=engine, as_of=datetime(2025, 5, 4, tzinfo=UTC)),
            "w",
        )
        assert later.loc["s1", "acknowledged_by"] == ["t1", "t2"]


def test_a_like_of_unknown_time_counts_as_of_the_export_and_says_so(data):
    a = rows(acknowledgements(data), "a2")
    assert a.loc["12", "acknowledged"] and not a.loc["12", "time_known"]
    assert a.loc["12", "acknowledged_at"] == pd.Timestamp(EXPORTED)
    assert not a.loc["11", "acknowledged"]
    # A student's own like never acknowledges anyone.
    assert coverage(acknowledgements(data)).set_index("activity_id").loc["a2", "unknown_time"] == 1


def test_class_rates(data):
    r = class_rates(participation(data)).set_index("activity_id")
    assert r.loc["a1", ["on_time", "late", "after_class", "missing"]].tolist() == [1, 2, 1, 0]
    assert r.loc["a1", "participation_rate"] == 1.0
    assert r.loc["a3", "participation_rate"] == 0.25


def test_repeat_absentees_and_unacknowledged_students(data):
    moment = datetime(2025, 4, 15, tzinfo=UTC)
    absent = repeat_absentees(data, as_of=moment).set_index("student_id")
    assert sorted(absent.index) == ["13", "14"]
    assert absent.loc["13", "missed_activities"] == ["a3", "a2"]
    assert absent.loc["13", "last_participated"] == "a1"
    # before a3's class, a3 does not count yet: streak of one (a2), nobody listed
    assert repeat_absentees(data, as_of=datetime(2025, 4, 13, tzinfo=UTC)).empty

    from dataclasses import replace

    from asyncmon import DEFAULT_THRESHOLDS

    table = acknowledgements(data, as_of=moment)
    k2 = replace(DEFAULT_THRESHOLDS, last_k=2)
    flagged = unacknowledged_students(table, data.activities, thresholds=k2)
    assert flagged["student_id"].tolist() == ["11"]
    assert flagged.iloc[0]["activities_considered"] == ["a3", "a2"]
    assert flagged.iloc[0]["last_acknowledged"] == "a1"
    assert unacknowledged_students(table, data.activities).empty  # k = 3: Ana had a1


def test_queue_puts_long_unacknowledged_students_first(data):
    table = acknowledgements(data)
    q = acknowledgement_queue(data, table, "C1", "a3")
    assert q[["rank", "student_id", "unacknowledged_streak"]].values.tolist() == [[1, "11", 2]]
    assert q.loc[0, "snippet"] == "Pumps need ATP" and q.loc[0, "post_id"] == "p30"
    # as of a3's class (2025-04-14 07:00Z) Ana has waited since 2025-04-12 10:00Z: 45 h
    assert q.loc[0, "waiting_hours"] == 45


def test_planning_window_and_verdict(tmp_path, data):
    window = planning_window(data).set_index("activity_id")
    # a1: due 22:59Z on the 29th, class 07:00Z on the 31st: 32 h 1 min.
    assert window.loc["a1", "planning_hours"] == pytest.approx(32 + 1 / 60)
    # 90% of the pre-class participants (Ana, Zoe, Omar) are in only with Omar at 07:00Z
    assert window.loc["a1", "planning_hours_left"] == 0
    assert (
        window.loc["a1", "short"]
        and "Late posts leave only 0 h" in window.loc["a1", "planning_warning"]
    )
    assert window.loc["a2", "planning_hours_left"] == pytest.approx(33 + 1 / 60)

    cov = coverage(acknowledgements(data))
    v = verdicts(data, cov).set_index("activity_id")
    assert v.loc["a1", "verdict"] == "homework"
    assert v.loc["a1", "failed_checks"][0].startswith(
        "Not monitored enough: 2 of 3 students who took part before class (67%)"
    )
    assert len(v.loc["a1", "failed_checks"]) == 4

    from asyncmon import Workspace

    ws = Workspace(tmp_path)
    ws.import_sources(
        [("posts.csv", POSTS), ("reactions.csv", REACTIONS)],
        people=("people.csv", PEOPLE),
        activities=("activities.csv", ACTIVITIES),
        exported_at=EXPORTED,
    )
    ws.save_plan(
        "C1", "a2", gap="what drives diffusion", feedback="Ink in water demo", followup_kind="other"
    )
    stored = ws.load()
    v = verdicts(stored, coverage(acknowledgements(stored))).set_index("activity_id")
    assert v.loc["a2", "failed_checks"] == [
        "Not monitored enough: 1 of 2 students who took part before class (50%) were "
        "acknowledged before class; aim for 80% (a reply, or even a thumbs-up).",
        "No substantive comment before class: reply to at least 1 student(s) with more than "
        "a few words.",
        "The follow-up activity 'other' needs a description.",
    ]
    ws.save_plan(
        "C1",
        "a2",
        gap="what drives diffusion",
        feedback="Ink in water demo",
        followup_kind="debate",
    )
    from dataclasses import replace

    from asyncmon import DEFAULT_THRESHOLDS

    lenient = replace(DEFAULT_THRESHOLDS, coverage_needed=0.5, min_substantive_comments=0)
    s = activity_summary(ws.load(), thresholds=lenient).set_index("activity_id")
    assert s.loc["a2", "verdict"] == "asynchronous learning"
    assert s.loc["a2", "failed_checks"] == []
    # a gap of white space only is no gap, and so there is no feedback on it either
    blank = ws.load()
    blank = blank.replace(plans=blank.plans.assign(gap=" \t\u3000"))
    s = activity_summary(blank, thresholds=lenient).set_index("activity_id")
    assert s.loc["a2", "verdict"] == "homework"
    assert s.loc["a2", "failed_checks"] == [
        "No main gap chosen: pick the question or concept most students struggled with.",
        "No feedback planned on the gap: note how the next class will open with feedback on it.",
    ]


@pytest.mark.parametrize("engine", ["polars", "duckdb"])
def test_every_engine_gives_the_same_tables(data, engine):
    pd.testing.assert_frame_equal(participation(data, engine=engine), participation(data))
    later = datetime(2025, 4, 1, tzinfo=UTC)
    pd.testing.assert_frame_equal(
        acknowledgements(data, as_of=later, engine=engine), acknowledgements(data, as_of=later)
    )


@pytest.mark.parametrize("engine", ["polars", "duckdb"])
def test_every_engine_gives_the_same_sample_summary(engine):
    from asyncmon import load_sample

    sample = load_sample()
    pd.testing.assert_frame_equal(activity_summary(sample, engine=engine), activity_summary(sample))


def _rates_one_by_one(table):
    """class_rates' definition, one activity at a time (the reference)."""
    rows = {}
    for (course, activity), g in table.groupby(["course_id", "activity_id"]):
        taking = g[g["status"] != "missing"]
        rows[(course, activity)] = {
            "students": len(g),
            **{s: int((g["status"] == s).sum()) for s in ("on_time", "late", "after_class")},
            "missing": int((g["status"] == "missing").sum()),
            "participating": len(taking),
            "participation_rate": len(taking) / len(g),
            "replies_to_peers": int(g["replies_to_peers"].sum()),
            "median_words": float(taking["words"].median()) if len(taking) else 0.0,
        }
    return rows


def _coverage_one_by_one(table):
    """coverage's counts, one activity at a time (the reference)."""
    rows = {}
    for (course, activity), g in table.groupby(["course_id", "activity_id"]):
        part = int(g["participating_as_of"].sum())
        part_bc = int(g["status"].isin(["on_time", "late"]).sum())
        acked_bc = int(g["acknowledged_before_class"].sum())
        hours = g["hours_to_acknowledgement"].dropna()
        rows[(course, activity)] = {
            "participating_as_of": part,
            "acknowledged": int(g["acknowledged"].sum()),
            "participating_before_class": part_bc,
            "acknowledged_before_class": acked_bc,
            "coverage_before_class": acked_bc / part_bc if part_bc else None,
            "substantive_comments_before_class": int((g["substantive_before_class"] > 0).sum()),
            "reaction_only": int((g["acknowledgement_kind"] == "reaction").sum()),
            "unknown_time": int((g["acknowledged"] & ~g["time_known"]).sum()),
            "median_hours_to_acknowledgement": float(hours.median()) if len(hours) else None,
        }
    return rows


@pytest.mark.parametrize("which", ["sample", "other"])
def test_rates_and_coverage_of_every_activity_at_once_match_one_by_one(which, request):
    from asyncmon import load_sample

    data = load_sample() if which == "sample" else request.getfixturevalue("other")
    table = acknowledgements(data)
    rates = class_rates(participation(data))
    # one row per activity, in the order the table first lists them
    firsts = table[["course_id", "activity_id"]].drop_duplicates()
    assert rates[["course_id", "activity_id"]].values.tolist() == firsts.values.tolist()
    for row in rates.to_dict("records"):
        expected = _rates_one_by_one(table)[(row["course_id"], row["activity_id"])]
        assert {k: row[k] for k in expected} == pytest.approx(expected)
    cov = coverage(table)
    assert cov[["course_id", "activity_id"]].values.tolist() == firsts.values.tolist()
    reference = _coverage_one_by_one(table)
    for row in cov.to_dict("records"):
        expected = reference[(row["course_id"], row["activity_id"])]
        got = {k: (None if pd.isna(row[k]) else row[k]) for k in expected}
        assert got == pytest.approx(expected)


@pytest.mark.parametrize("engine", ["pandas", "polars", "duckdb"])
def test_two_courses_with_the_same_ids_from_parquet(data, tmp_path, engine):
    # polars and duckdb join the ids as 64-bit codes and name them back at the end: a
    # second course, C2, with every id of C1 (students, staff, activities, posts) but
    # without the assistant's thumbs-up on Zoe's p2, must keep its own figures
    from asyncmon.parquet import parquet_metrics, write_parquet

    def both(frame):
        return pd.concat([frame, frame.assign(course_id="C2")], ignore_index=True).astype(
            {"course_id": "str"}
        )

    reactions = both(data.reactions)
    reactions = reactions[~((reactions["course_id"] == "C2") & (reactions["post_id"] == "p2"))]
    two = data.replace(
        courses=both(data.courses),
        people=both(data.people),
        activities=both(data.activities),
        posts=both(data.posts),
        reactions=reactions.reset_index(drop=True),
    )
    write_parquet(two, tmp_path / "two")

    def student(table, course, activity, student_id):
        one = table[
            (table["course_id"] == course)
            & (table["activity_id"] == activity)
            & (table["student_id"] == student_id)
        ]
        assert len(one) == 1
        return one.iloc[0]

    at_class = parquet_metrics(tmp_path / "two", engine=engine)["participation"]
    assert len(at_class) == 2 * 4 * 3  # two courses of 4 students and 3 activities
    # Zoe: acknowledged by the thumbs-up in C1 only (as in test_acknowledgement_as_of_...)
    assert student(at_class, "C1", "a1", "12")["acknowledgement_kind"] == "reaction"
    assert student(at_class, "C1", "a1", "12")["acknowledged_by"] == ["92"]
    assert not student(at_class, "C2", "a1", "12")["acknowledged"]
    assert student(at_class, "C2", "a1", "12")["acknowledged_by"] == []
    for course in ("C1", "C2"):
        omar = student(at_class, course, "a1", "13")
        assert omar["acknowledged_by"] == ["91"] and omar["name"] == "Omar"
    later = parquet_metrics(tmp_path / "two", engine=engine, as_of=datetime(2025, 4, 1, tzinfo=UTC))
    for course in ("C1", "C2"):
        assert student(later["participation"], course, "a1", "11")["acknowledged_by"] == [
            "91",
            "92",
        ]
    activities = later["activities"].set_index(["course_id", "activity_id"])
    assert activities.loc[("C1", "a1"), "acknowledged"] == 3
    assert activities.loc[("C2", "a1"), "acknowledged"] == 2  # Zoe not in C2
