"""Invariants of the metrics on random classes: statuses partition the roster,
0 <= coverage <= 1, acknowledged <= participating."""

from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asyncmon import acknowledgements, coverage, import_sources, participation

STUDENTS = ["s1", "s2", "s3", "s4", "s5"]
STAFF = ["t1", "a1"]
PEOPLE = (
    "course_id,person_id,name,role\n"
    + "".join(f"C,{s},{s},student\n" for s in STUDENTS)
    + "C,t1,T,teacher\nC,a1,A,assistant\n"
).encode()
ACTIVITIES = (
    b"course_id,activity_id,title,due_at,class_starts_at,timezone\n"
    b"C,w1,W1,2025-03-02 23:59,2025-03-04 09:00,Europe/Berlin\n"
    b"C,w2,W2,2025-03-09 23:59,2025-03-11 09:00,Europe/Berlin\n"
)
START = datetime(2025, 2, 28, tzinfo=UTC)


@st.composite
def classes(draw):
    n = draw(st.integers(0, 25))
    rows = []
    for i in range(n):
        author = draw(st.sampled_from(STUDENTS + STAFF + ["guest"]))
        parent = draw(st.one_of(st.none(), st.integers(0, max(0, i - 1)))) if i else None
        when = START + timedelta(minutes=draw(st.integers(0, 60 * 24 * 14)))
        activity = draw(st.sampled_from(["w1", "w2"]))
        parent_id = "" if parent is None else f"p{parent}"
        deleted = int(draw(st.booleans()) and i % 5 == 0)
        private = draw(st.sampled_from(["", "s1", "s2"]))
        body = " ".join(["word"] * draw(st.integers(0, 12)))
        rows.append(
            f"C,{activity},p{i},{parent_id},{author},{when:%Y-%m-%dT%H:%M:%SZ},{deleted},"
            f"{private},{body}\n"
        )
    reactions = []
    for _ in range(draw(st.integers(0, 8))):
        if not n:
            break
        target = draw(st.integers(0, n - 1))
        when = draw(st.one_of(st.none(), st.integers(0, 60 * 24 * 14)))
        stamp = "" if when is None else f"{START + timedelta(minutes=when):%Y-%m-%dT%H:%M:%SZ}"
        who = draw(st.sampled_from(STUDENTS + STAFF))
        reactions.append(f"C,p{target},{who},like,{stamp}\n")
    posts = (
        "course_id,activity_id,post_id,parent_id,author_id,created_at,deleted,private_to,"
        "body\n" + "".join(rows)
    ).encode()
    return posts, ("course_id,post_id,person_id,kind,created_at\n" + "".join(reactions)).encode()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cls=classes(), as_of_minutes=st.one_of(st.none(), st.integers(0, 60 * 24 * 16)))
def test_metric_invariants(cls, as_of_minutes):
    posts, reactions = cls
    data = import_sources(
        [("posts.csv", posts), ("reactions.csv", reactions)],
        people=("people.csv", PEOPLE),
        activities=("activities.csv", ACTIVITIES),
        exported_at=datetime(2025, 3, 10, tzinfo=UTC),
    ).data
    p = participation(data)
    # statuses partition the roster: every student exactly once per activity
    for _, group in p.groupby("activity_id"):
        assert sorted(group["student_id"]) == STUDENTS
        assert group["status"].isin(["on_time", "late", "after_class", "missing"]).all()
    assert ((p["status"] == "missing") == (p["posts"] == 0)).all()
    as_of = None if as_of_minutes is None else START + timedelta(minutes=as_of_minutes)
    table = acknowledgements(data, as_of=as_of)
    assert (~table["acknowledged"] | table["participating_as_of"]).all()
    assert (table["hours_to_acknowledgement"].dropna() >= 0).all()
    c = coverage(table)
    assert (c["acknowledged"] <= c["participating_as_of"]).all()
    assert c["coverage"].dropna().between(0, 1).all()
    assert c["coverage_before_class"].dropna().between(0, 1).all()
    assert (c["acknowledged_before_class"] <= c["participating_before_class"]).all()
