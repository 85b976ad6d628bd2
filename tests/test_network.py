"""Who talks to whom (asyncmon.network): the reply pairs and the isolated students of a
hand-made class worked out by hand, invariants on the sample and on a class that is not
the sample checked against plain loops over the posts; the network drawn as SVG for the
page and with plotly for notebooks.

Course C, activity a1 (ids: ana, ben, cleo, dora are students, tess the teacher):

    p1  ana                     p2  ben  -> p1 (ana)        p3  tess -> p1 (ana)
    p4  ana  -> p2 (ben)        p5  cleo                    p6  dora
    p7  dora -> p6 (herself)    p8  ben  -> p5, deleted     p9  ben  -> p1 (ana)
    p10 cleo, deleted           p11 tess -> p10 (cleo: the deleted post's author is known)
    p12 deleted, no author      p13 ben  -> p12 (whose? unknown: not counted)

Course C, activity a2: p20 ben; p21 g77 (not on the roster) -> p20 (ben); p22 ana; p23
dora, deleted (her only post there: she did not take part).

Course K, activity a1 (the same post ids as course C: a reply's parent is looked up in its
own course): p1 zoe; p2 yan -> p1 (zoe).
"""

import json
import re
from collections import Counter

import pandas as pd
import pytest

import asyncmon as am
from asyncmon import ClassData
from asyncmon.charts import NETWORK_WORDS, reply_network_svg
from asyncmon.figures import reply_network_figure
from asyncmon.network import reply_network_layout
from asyncmon.tables import make_table

#: (course, activity, post, parent, author, deleted)
POSTS = [
    ("C", "a1", "p1", None, "ana", False),
    ("C", "a1", "p2", "p1", "ben", False),
    ("C", "a1", "p3", "p1", "tess", False),
    ("C", "a1", "p4", "p2", "ana", False),
    ("C", "a1", "p5", None, "cleo", False),
    ("C", "a1", "p6", None, "dora", False),
    ("C", "a1", "p7", "p6", "dora", False),
    ("C", "a1", "p8", "p5", "ben", True),
    ("C", "a1", "p9", "p1", "ben", False),
    ("C", "a1", "p10", None, "cleo", True),
    ("C", "a1", "p11", "p10", "tess", False),
    ("C", "a1", "p12", None, None, True),
    ("C", "a1", "p13", "p12", "ben", False),
    ("C", "a2", "p20", None, "ben", False),
    ("C", "a2", "p21", "p20", "g77", False),
    ("C", "a2", "p22", None, "ana", False),
    ("C", "a2", "p23", None, "dora", True),
    ("K", "a1", "p1", None, "zoe", False),
    ("K", "a1", "p2", "p1", "yan", False),
]
PEOPLE = [
    ("C", "ana", "Ana", "student"),
    ("C", "ben", "Ben", "student"),
    ("C", "cleo", "Cleo", "student"),
    ("C", "dora", "Dora", "student"),
    ("C", "tess", "Tess", "teacher"),
    ("K", "zoe", "Zoë", "student"),
    ("K", "yan", "Yan", "student"),
]
COLUMNS = ["course_id", "activity_id", "from_id", "to_id", "replies"]


def tiny_class(people=PEOPLE, posts=POSTS):
    start = pd.Timestamp("2025-03-03T09:00:00Z")
    return ClassData.from_frames(
        courses=make_table(
            "courses", [{"course_id": c, "timezone": "UTC"} for c in sorted({p[0] for p in posts})]
        ),
        people=make_table(
            "people",
            [{"course_id": c, "person_id": i, "name": n, "role": r} for c, i, n, r in people],
        ),
        activities=make_table(
            "activities",
            [
                {
                    "course_id": c,
                    "activity_id": a,
                    "title": a,
                    "due_at": start + pd.Timedelta(days=7 * k),
                    "class_starts_at": start + pd.Timedelta(days=7 * k + 2),
                    "concepts": (),
                }
                for k, (c, a) in enumerate(sorted({p[:2] for p in posts}))
            ],
        ),
        posts=make_table(
            "posts",
            [
                {
                    "course_id": c,
                    "activity_id": a,
                    "post_id": post,
                    "thread_id": post if parent is None else "t",
                    "parent_id": parent,
                    "author_id": author,
                    "created_at": start + pd.Timedelta(hours=i),
                    "deleted": deleted,
                    "body": "" if deleted else f"post {post}",
                    "body_format": "text",
                    "source": "template",
                }
                for i, (c, a, post, parent, author, deleted) in enumerate(posts)
            ],
        ),
    )


@pytest.fixture(scope="module")
def data():
    return tiny_class()


@pytest.fixture(scope="module")
def sample():
    return am.load_sample()


def test_interactions_of_the_hand_made_class(data):
    result = am.interactions(data)
    assert list(result.columns) == COLUMNS
    # C a1: ben -> ana twice (p2, p9); ana -> ben (p4); tess -> ana (p3); tess -> cleo
    # (p11, to her deleted post). Not counted: p7 (to herself), p8 (deleted), p13 (to a
    # post of unknown author). C a2: g77 -> ben (p21: off the roster, still a node).
    # K a1: yan -> zoe (K's p1 is zoe's, not ana's).
    assert result.values.tolist() == [
        ["C", "a1", "ben", "ana", 2],
        ["C", "a1", "ana", "ben", 1],
        ["C", "a1", "tess", "ana", 1],
        ["C", "a1", "tess", "cleo", 1],
        ["C", "a2", "g77", "ben", 1],
        ["K", "a1", "yan", "zoe", 1],
    ]
    assert result["replies"].dtype == "int64"


def test_interactions_filtered_by_course_and_activity(data):
    both = am.interactions(data, activity_id="a1")
    assert set(both["course_id"]) == {"C", "K"} and len(both) == 5
    c = am.interactions(data, course_id="C", activity_id="a1")
    assert c.values.tolist() == both[both["course_id"] == "C"].values.tolist()
    assert am.interactions(data, course_id="K")["to_id"].tolist() == ["zoe"]
    none = am.interactions(data, course_id="C", activity_id="zz")
    assert none.empty and list(none.columns) == COLUMNS


def test_isolated_students_of_the_hand_made_class(data):
    result = am.isolated(data)
    assert list(result.columns) == [
        "course_id",
        "activity_id",
        "student_id",
        "name",
        "received_replies",
        "gave_replies",
    ]
    # C a1: ana got 3 and gave 1, ben got 1 and gave 2: not isolated. dora answered only
    # herself (0, 0); cleo got tess's reply to her deleted post and gave none (1, 0).
    # C a2: ana posted and nobody replied (0, 0); ben got g77's reply, gave none (1, 0);
    # dora's only post there is deleted: she did not take part. K a1: zoe got yan's reply
    # and gave none (1, 0); yan gave one and got none (0, 1).
    assert result.values.tolist() == [
        ["C", "a1", "dora", "Dora", 0, 0],
        ["C", "a1", "cleo", "Cleo", 1, 0],
        ["C", "a2", "ana", "Ana", 0, 0],
        ["C", "a2", "ben", "Ben", 1, 0],
        ["K", "a1", "yan", "Yan", 0, 1],
        ["K", "a1", "zoe", "Zoë", 1, 0],
    ]
    only = am.isolated(data, course_id="C", activity_id="a1")
    assert only["student_id"].tolist() == ["dora", "cleo"]


def test_staff_are_never_isolated_but_their_replies_count(data):
    # tess wrote no post of her own and is not a student: she is a node, never isolated
    pairs = am.interactions(data, course_id="C", activity_id="a1")
    assert "tess" in set(pairs["from_id"])
    assert "tess" not in set(am.isolated(data)["student_id"])
    # without tess's reply to her deleted post, cleo got nothing at all
    quiet = tiny_class(posts=[p for p in POSTS if p[2] != "p11"])
    row = am.isolated(quiet, course_id="C", activity_id="a1").iloc[0]
    assert (row["student_id"], row["received_replies"], row["gave_replies"]) == ("cleo", 0, 0)


def _loop_over_posts(data):
    """Replies per (course, activity, from, to) and who took part, from plain loops."""
    author = {(p.course_id, p.post_id): p.author_id for p in data.posts.itertuples()}
    pairs = Counter()
    took_part = set()
    for p in data.posts.itertuples():
        if p.deleted or pd.isna(p.author_id):
            continue
        took_part.add((p.course_id, p.activity_id, p.author_id))
        if pd.isna(p.parent_id):
            continue
        to = author.get((p.course_id, p.parent_id))
        if to is not None and not pd.isna(to) and to != p.author_id:
            pairs[p.course_id, p.activity_id, p.author_id, to] += 1
    return pairs, took_part


def _check_against_loops(data):
    pairs, took_part = _loop_over_posts(data)
    result = am.interactions(data)
    assert {tuple(r[:4]): r[4] for r in result.values.tolist()} == dict(pairs)
    assert int(result["replies"].sum()) == sum(pairs.values())
    students = {
        (p.course_id, p.person_id): p.name for p in data.people.itertuples() if p.role == "student"
    }
    received, gave = Counter(), Counter()
    for (course, activity, a, b), n in pairs.items():
        gave[course, activity, a] += n
        received[course, activity, b] += n
    expected = {
        (c, act, s): (received[c, act, s], gave[c, act, s])
        for c, act, s in took_part
        if (c, s) in students and (received[c, act, s] == 0 or gave[c, act, s] == 0)
    }
    alone = am.isolated(data)
    got = {
        (r.course_id, r.activity_id, r.student_id): (r.received_replies, r.gave_replies)
        for r in alone.itertuples()
    }
    assert got == expected
    # the most isolated first within each activity
    totals = alone["received_replies"] + alone["gave_replies"]
    for _, group in totals.groupby([alone["course_id"], alone["activity_id"]]):
        assert group.is_monotonic_increasing
    return result, alone


def test_interactions_and_isolated_match_loops_on_the_sample(sample):
    result, alone = _check_against_loops(sample)
    assert len(result) > 100 and len(alone) > 100
    # student-to-student replies are participation's replies to peers, credited alike
    p = am.participation(sample).set_index(["course_id", "activity_id", "student_id"])
    roles = sample.people.set_index(["course_id", "person_id"])["role"].to_dict()
    role = {
        column: pd.Series([roles.get(k) for k in zip(result["course_id"], result[column])])
        for column in ("from_id", "to_id")
    }
    peers = result[(role["from_id"] == "student") & (role["to_id"] == "student")]
    given = peers.groupby(["course_id", "activity_id", "from_id"])["replies"].sum()
    assert (p.loc[given.index, "replies_to_peers"] == given).all()
    assert given.sum() == p["replies_to_peers"].sum()


def test_interactions_and_isolated_on_a_class_that_is_not_the_sample(other):
    result, alone = _check_against_loops(other)
    assert set(result["activity_id"]) == {"circuits"} and len(result) > 5
    staff = set(other.people.loc[other.people["role"] != "student", "person_id"])
    assert set(result["from_id"]) & staff, "staff replies are in the network"
    assert not set(alone["student_id"]) & staff


def test_the_metrics_document_has_the_network_of_the_activity(data):
    from asyncmon.metrics import metrics_document

    doc = metrics_document(data, activity_id="a1", method="tfidf")
    # a1 in both courses, as the other keys filter it (ids repeat across courses)
    assert [list(r.values()) for r in doc["interactions"]] == [
        ["C", "a1", "ben", "ana", 2],
        ["C", "a1", "ana", "ben", 1],
        ["C", "a1", "tess", "ana", 1],
        ["C", "a1", "tess", "cleo", 1],
        ["K", "a1", "yan", "zoe", 1],
    ]
    assert all(list(r) == COLUMNS for r in doc["interactions"])
    assert doc["isolated"] == [
        {
            "course_id": c,
            "activity_id": "a1",
            "student_id": s,
            "name": n,
            "received_replies": got,
            "gave_replies": gave,
        }
        for c, s, n, got, gave in [
            ("C", "dora", "Dora", 0, 0),
            ("C", "cleo", "Cleo", 1, 0),
            ("K", "yan", "Yan", 0, 1),
            ("K", "zoe", "Zoë", 1, 0),
        ]
    ]
    json.dumps(doc)  # plain values only


def test_the_network_svg_escapes_names_and_says_who_is_isolated():
    people = [*PEOPLE[:4], ("C", "tess", "<script>alert(1)</script>", "teacher")]
    data = tiny_class(people=people)
    where = {"course_id": "C", "activity_id": "a1"}
    svg = reply_network_svg(am.interactions(data, **where), data.people, am.isolated(data, **where))
    assert "<script>" not in svg and "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    # five people (ana, ben, cleo, dora, tess), four pairs, two isolated (dora and cleo)
    summary = "Who replies to whom: Replies among 5 people: 4 pairs; 2 students isolated"
    assert f"aria-label='{summary}'" in svg and f"<title>{summary}</title>" in svg
    assert "role='img'" in svg
    assert svg.count("<g class='am-edge'") == 4 and "data-replies='2'" in svg
    # isolated students are a shape of their own, and the legend says so in words
    assert svg.count("<g class='am-node am-isolated'") == 2
    isolated_marks = re.findall(r"<g class='am-node am-isolated'[^>]*>.*?</g>", svg)
    assert all("<rect " in mark and "fill='#fff'" in mark for mark in isolated_marks)
    legend = svg[svg.index("<g class='am-legend'>") :]
    assert "isolated student: nobody else replied to them, or they replied to nobody" in legend
    assert "<rect " in legend and "staff&#x27;s replies (dashed)" in legend
    # staff's replies are dashed, not told by their colour alone
    edges = re.findall(r"<g class='am-edge'.*?</g>", svg)
    # ben -> ana, ana -> ben, then the teacher's two (to ana and to cleo)
    assert ["stroke-dasharray='6 3'" in e for e in edges] == [False, False, True, True]
    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt; → Cleo: 1 reply</title>" in edges[3]
    assert "am-caption" not in svg  # everyone is drawn


def test_the_network_svg_draws_at_most_80_people_besides_the_isolated():
    # 100 students: s0..s89 each reply to the next one (s89 to s0: 90 people with 2 replies
    # each), s90..s99 post alone (10 isolated); the teacher replies to s0 and s1
    people = [("C", f"s{i:02}", f"Student {i:02}", "student") for i in range(100)]
    people.append(("C", "t", "Tess", "teacher"))
    posts = [("C", "a1", f"p{i}", None, f"s{i:02}", False) for i in range(100)]
    posts += [("C", "a1", f"r{i}", f"p{(i + 1) % 90}", f"s{i:02}", False) for i in range(90)]
    posts += [("C", "a1", "t0", "p0", "t", False), ("C", "a1", "t1", "p1", "t", False)]
    data = tiny_class(people=people, posts=posts)
    pairs, alone = am.interactions(data), am.isolated(data)
    assert len(alone) == 10 and len(pairs) == 92
    svg = reply_network_svg(pairs, data.people, alone)
    assert "Replies among 101 people: 92 pairs; 10 students isolated" in svg
    # the 80 most connected: s00 and s01 (3 replies each), then s02..s79 by name (2 each,
    # as many as the teacher, Tess, whose name comes after theirs); left out: s80..s89 and
    # the teacher
    assert svg.count("<g class='am-node ") == 90
    assert svg.count("<g class='am-node am-isolated'") == 10
    drawn = set(re.findall(r"data-person='([^']+)'", svg))
    assert drawn == {f"s{i:02}" for i in [*range(80), *range(90, 100)]}
    assert (
        "<text class='am-caption' x='4' y='" in svg
        and "Showing the 80 most connected and every isolated student; 11 people left out." in svg
    )
    inside = pairs[pairs["from_id"].isin(drawn) & pairs["to_id"].isin(drawn)]
    assert svg.count("<g class='am-edge'") == len(inside)


def test_the_network_of_an_activity_without_replies_says_so(data):
    where = {"course_id": "C", "activity_id": "zz"}
    pairs, alone = am.interactions(data, **where), am.isolated(data, **where)
    assert reply_network_svg(pairs, data.people, alone) == (
        "<p class='am-chart-empty am-network'>No replies yet.</p>"
    )
    figure = reply_network_figure(pairs, data.people, alone)
    assert figure.layout.annotations[0].text == "No replies yet."


def test_a_network_is_drawn_for_one_activity_only(data):
    with pytest.raises(ValueError, match="drawn for one activity; these frames hold 3"):
        reply_network_svg(am.interactions(data), data.people, am.isolated(data))


def test_the_network_figure_has_the_svg_layout_and_escapes_names():
    people = [*PEOPLE[:4], ("C", "tess", "<b>Tess</b>", "teacher")]
    data = tiny_class(people=people)
    where = {"course_id": "C", "activity_id": "a1"}
    pairs, alone = am.interactions(data, **where), am.isolated(data, **where)
    figure = reply_network_figure(pairs, data.people, alone)
    marks = {t.name: t for t in figure.data if t.mode == "markers+text"}
    assert [t.marker.symbol for t in marks.values()] == ["circle", "diamond", "square-open"]
    assert list(marks[NETWORK_WORDS["staff"]].text) == ["&lt;b&gt;Tess&lt;/b&gt;"]
    assert (marks[NETWORK_WORDS["staff"]].x, marks[NETWORK_WORDS["staff"]].y) == ((0.0,), (0.0,))
    assert sorted(marks[NETWORK_WORDS["isolated"]].text) == ["Cleo", "Dora"]
    # the same places as the SVG's: the layout both draw from
    net = reply_network_layout(pairs, data.people, alone)
    ring = net.nodes[~net.nodes["staff"] & ~net.nodes["isolated"]]
    assert list(marks["student"].x) == list(ring["x"]) and list(ring["name"]) == ["Ana", "Ben"]
    title = figure.layout.title.text
    assert title.startswith("Replies among 5 people: 4 pairs; 2 students isolated<br>")
    dashed = {t.name: t.line.dash for t in figure.data if t.mode == "lines+markers"}
    assert dashed == {"a student's replies": "solid", "staff's replies (dashed)": "dash"}


def test_the_page_shows_the_network_and_the_isolated_of_a_class_that_is_not_the_sample(other):
    from asyncmon.page_view import activity_view

    from .other_class import BEFORE_CLASS

    view = activity_view(other, "PHYS-9", "circuits", now=BEFORE_CLASS, method="tfidf")
    alone = am.isolated(other, activity_id="circuits")  # every post was written by then
    assert list(view.isolated["student_id"]) == list(alone["student_id"])
    assert "<h3>Who talks to whom</h3>" in view.network_html
    assert "svg" in view.network_html and "am-network" in view.network_html
    items = re.findall(r"<li>(.*?)</li>", view.network_html.split("am-isolated", 1)[1])
    assert len(items) == len(alone)
    first = alone.iloc[0]
    received, gave = int(first["received_replies"]), int(first["gave_replies"])
    assert items[0].startswith(f"{first['name']}: {received} repl")
    assert f"{gave} repl" in items[0]


def test_the_pages_isolated_list_escapes_names():
    from asyncmon.page_parts import network_html

    alone = pd.DataFrame(
        [{"name": "<img src=x onerror=alert(1)>", "received_replies": 0, "gave_replies": 1}]
    )
    page = network_html("<svg></svg>", alone)
    assert "<img" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;: 0 replies received, 1 reply given" in page
