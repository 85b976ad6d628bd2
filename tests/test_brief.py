"""The pre-class brief: golden files, escaping of student text, the figures."""

import os
from pathlib import Path

import pytest

from asyncmon import import_sources, load_sample
from asyncmon.brief import pre_class_brief
from asyncmon.figures import (
    acknowledgement_timeline,
    coverage_chart,
    participation_heatmap,
    question_groups_chart,
)
from asyncmon.planning import activity_summary
from asyncmon.questions import question_groups

from .test_metrics import ACTIVITIES, PEOPLE

GOLDEN = Path(__file__).parent / "golden"
REFRESH = os.environ.get("ASYNCMON_REFRESH_GOLDEN") == "1"


@pytest.fixture(scope="module")
def sample():
    return load_sample()


@pytest.mark.parametrize("kind", ["md", "html"])
def test_brief_matches_its_golden_file(sample, kind):
    # The grouping method is fixed so that the golden file does not depend on the extra.
    groups = question_groups(sample, course_id="BIO101", activity_id="w2", method="tfidf")
    brief = pre_class_brief(sample, "BIO101", "w2", groups=groups)
    text = brief.to_markdown() if kind == "md" else brief.to_html()
    path = GOLDEN / f"brief_BIO101_w2.{kind}"
    if REFRESH:
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), (
        "the brief changed; if on purpose, refresh with ASYNCMON_REFRESH_GOLDEN=1"
    )


HOSTILE = [
    "<script>alert('x')</script> I don't get why osmosis works",
    "<img src=x onerror=alert(1)> not sure why osmosis works",
    "[click](javascript:alert(1)) why does osmosis work?",
]


def test_student_text_is_escaped_in_both_renderings():
    rows = "".join(
        f'C1,a1,p{i},,1{i},2025-03-29T1{i}:00:00Z,0,,"{text}"\n'
        for i, text in enumerate(HOSTILE, start=1)
    )
    posts = (
        "course_id,activity_id,post_id,parent_id,author_id,created_at,deleted,private_to,"
        "body\n" + rows
    ).encode()
    data = import_sources(
        [("posts.csv", posts)],
        people=("people.csv", PEOPLE),
        activities=("activities.csv", ACTIVITIES),
    ).data
    brief = pre_class_brief(
        data, "C1", "a1", groups=question_groups(data, method="tfidf", min_students=1)
    )
    page = brief.to_html()
    for raw in ("<script>", "<img", "onerror=alert(1)>", 'href="javascript'):
        assert raw not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    md = brief.to_markdown()
    assert "<script>" not in md and "<img" not in md
    assert "\\[click\\](javascript:alert(1))" in md


def test_figures_draw_from_the_metric_frames(sample):
    from asyncmon import acknowledgements, participation

    course = sample.for_course("BIO101")
    heat = participation_heatmap(participation(course), course.activities)
    assert list(heat.data[0].x) == [f"w{i}" for i in range(1, 8)]
    assert len(heat.data[0].y) == 26
    table = acknowledgements(course)
    w2 = table[table["activity_id"] == "w2"]
    timeline = acknowledgement_timeline(w2, course.activities.set_index("activity_id").loc["w2"])
    assert len(timeline.data[0].x) == 22 and len(timeline.data[1].x) == 9
    bars = coverage_chart(activity_summary(course, table=table))
    assert bars.data[0].y[1] == pytest.approx(9 / 21)
    groups = question_groups(course, activity_id="w2", method="tfidf")
    chart = question_groups_chart(groups)
    assert list(chart.data[0].x) == sorted(groups["students"])
