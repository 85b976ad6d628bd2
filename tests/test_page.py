"""The page's machinery without a browser: SVG charts, views computed ahead, widgets
updated in place, the busy sign, and two pages editing one plan."""

import time
import xml.etree.ElementTree as ET

import pandas as pd
import pytest
from ipywidgets.widgets.widget import _instances

from asyncmon import PlanChangedError
from asyncmon.charts import acknowledgement_timeline_svg, participation_heatmap_svg
from asyncmon.dashboard import PreClassDashboard
from asyncmon.page_view import activity_view

NOW = pd.Timestamp("2025-03-10T20:00:00Z")
SVG = "{http://www.w3.org/2000/svg}"


def test_heatmap_svg_has_one_coloured_cell_per_student_and_activity():
    table = pd.DataFrame(
        {
            "student_id": ["1", "1", "2", "2", "3"],
            "name": [
                "Zoë",
                "Zoë",
                "<img src=x onerror=alert(1)>",
                "<img src=x onerror=alert(1)>",
                "Al",
            ],
            "activity_id": ["w2", "w1", "w1", "w2", "w1"],
            "status": ["late", "on_time", "missing", "after_class", "on_time"],
        }
    )
    activities = pd.DataFrame(
        {
            "activity_id": ["w1", "w2", "w3"],
            "class_starts_at": pd.to_datetime(["2025-02-01", "2025-02-08", "2025-02-15"], utc=True),
        }
    )
    svg = participation_heatmap_svg(table, activities)
    root = ET.fromstring(svg)  # well-formed: the markup in a name is text
    cells = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "am-cell"]
    assert len(cells) == 5  # Al has no w2 row: no cell, and no w3 column at all
    tips = sorted(r.find(f"{SVG}title").text for r in cells)
    assert tips[0] == "<img src=x onerror=alert(1)> · w1: missing"  # text once parsed
    assert "Zoë · w2: late" in tips and "Al · w1: on time" in tips
    colours = {r.get("data-status"): r.get("fill") for r in cells}
    assert colours == {  # Okabe and Ito's blue, orange, vermillion and reddish purple
        "on_time": "#0072B2",
        "late": "#E69F00",
        "after_class": "#D55E00",
        "missing": "#CC79A7",
    }
    # not by colour alone: each cell carries its status's mark, in ink that reads on it
    # (white on the blue, 5.2:1; black on the others, 9.3, 5.4 and 6.9:1)
    marks = [t for t in root.iter(f"{SVG}text") if (t.get("class") or "").startswith("am-mark")]
    inks = {t.get("class"): (t.text, t.get("fill")) for t in marks}
    assert inks == {
        "am-mark-on_time": ("✓", "#ffffff"),
        "am-mark-late": ("L", "#000000"),
        "am-mark-after_class": ("A", "#000000"),
        "am-mark-missing": ("✗", "#000000"),
    }
    assert len(marks) == 5 + 4  # one per cell, one per legend swatch
    words = [t.text for t in root.iter(f"{SVG}text") if not t.get("class")]
    assert words[-4:] == ["on time", "late", "after class", "missing"]  # the legend
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == (
        "Participation: 3 students × 2 activities; 2 on time, 1 late, 1 after class, 1 missing"
    )
    headers = [t.text for t in root.iter(f"{SVG}text") if t.get("y") == "14"]
    assert headers == ["w1", "w2"]
    # rows in name order: "<img...", "Al", "Zoë"
    rows = sorted({float(r.get("y")) for r in cells})
    first_row = [r for r in cells if float(r.get("y")) == rows[0]]
    assert {r.get("data-status") for r in first_row} == {"missing", "after_class"}


def test_timeline_svg_steps_match_the_counts_and_never_say_nan():
    t = pd.to_datetime
    table = pd.DataFrame(
        {
            "first_post_at": t(
                ["2025-02-01 10:00Z", "2025-02-01 12:00Z", None, "2025-02-02 09:00Z"]
            ),
            "acknowledged": [True, False, False, True],
            "acknowledged_at": t(["2025-02-01 11:00Z", None, None, pd.NaT]),
        }
    )
    activity = pd.Series(
        {"due_at": t("2025-02-02 10:00Z"), "class_starts_at": t("2025-02-03 09:00Z")}
    )
    svg = acknowledgement_timeline_svg(table, activity, timezone="Europe/Madrid")
    root = ET.fromstring(svg)
    lines = {p.get("class"): p for p in root.iter(f"{SVG}polyline")}
    # 3 students posted (one step up each), 1 acknowledged with a known time
    posted = lines["am-step am-step-posted"].find(f"{SVG}title").text
    acked = lines["am-step am-step-acknowledged"].find(f"{SVG}title").text
    assert posted == "took part: 3" and acked == "acknowledged: 1"
    tips = [c.find(f"{SVG}title").text for c in root.iter(f"{SVG}circle") if len(c)]
    # the acknowledged are squares (not told from the posted by colour alone)
    squares = [r.find(f"{SVG}title").text for r in root.iter(f"{SVG}rect") if len(r)]
    assert squares == ["1 acknowledged by Sat 01 Feb 12:00"]
    assert root.get("role") == "img" and root.find(f"{SVG}title").text == (
        "Took part and acknowledged over time: 3 students posted, 1 acknowledged; "
        "due Sun 02 Feb 11:00; class Mon 03 Feb 10:00"
    )
    # times in the course's zone (Madrid is UTC+1 in February)
    assert "1 took part by Sat 01 Feb 11:00" in tips and "3 took part by Sun 02 Feb 10:00" in tips
    marks = [m.find(f"{SVG}title").text for m in root.iter(f"{SVG}line") if m.get("class")]
    assert marks == ["due: Sun 02 Feb 11:00", "class: Mon 03 Feb 10:00"]
    assert "nan" not in svg.lower()
    nobody = acknowledgement_timeline_svg(table.iloc[2:3], activity)
    assert "Nobody has posted" in nobody and "<svg" not in nobody


def test_views_are_computed_ahead_and_a_switch_only_sets_values(workspace):
    app = PreClassDashboard(workspace, now=NOW, method="tfidf")
    keys = list(zip(app.data.activities["course_id"], app.data.activities["activity_id"]))
    deadline = time.monotonic() + 300
    while not all(app._worker.ready(k) for k in keys):
        assert time.monotonic() < deadline, "views not computed ahead in 5 minutes"
        time.sleep(0.5)
    # the same figures as a view computed on its own
    alone = activity_view(workspace.load(), "HIS210", "w2", now=NOW, method="tfidf")
    widgets_before = len(_instances)
    shown = {id(c) for c in app.content.children}
    busy = []
    app.busy.observe(lambda change: busy.append(change["new"]), names="value")
    app.course.value = "HIS210"
    app.activity.value = "w2"
    assert app.view.took_part == alone.took_part and app.view.coverage == alone.coverage
    assert alone.took_part in app.top.value
    assert app.charts.value == alone.charts_html
    assert busy == []  # ready: no busy sign
    # in place: the same widgets, none made per switch
    assert {id(c) for c in app.content.children} == shown
    assert len(_instances) == widgets_before
    app.close()


def test_a_view_not_ready_shows_the_busy_sign_while_it_is_computed(workspace):
    app = PreClassDashboard(workspace, now=NOW, method="tfidf", ahead=False)
    seen = []
    app.busy.observe(lambda change: seen.append(change["new"]), names="value")
    stale = []
    app.content.observe(lambda change: stale.append(change["new"]), names="_dom_classes")
    app.activity.value = "w2"
    # a polite status: a screen reader says it without moving the focus
    assert seen == [
        "<span class='am-busy' role='status' aria-live='polite'>Working out w2 of BIO101…</span>",
        "",
    ]
    assert "am-stale" in stale[0] and "am-stale" not in stale[-1]
    assert "w2" in app.top.value
    app.close()


def test_two_pages_editing_one_plan_never_lose_a_save_silently(workspace):
    first = PreClassDashboard(workspace, now=NOW, method="tfidf", ahead=False)
    second = PreClassDashboard(workspace, now=NOW, method="tfidf", ahead=False)
    first.feedback.value = "Open with the candle demo"
    first._on_save()
    assert first.saved.value == "Plan saved."
    second.feedback.value = "Open with a quiz"
    second._on_save()
    # the second page is told; the first page's plan is still the one stored
    assert "changed elsewhere since you opened it" in second.saved.value
    assert second.conflict.layout.display == "flex"
    stored = workspace.load().plans.set_index("activity_id")
    assert stored.loc["w4", "feedback"] == "Open with the candle demo"
    # it can load the saved plan...
    second.load_theirs.click()
    assert second.feedback.value == "Open with the candle demo"
    assert second.conflict.layout.display == "none"
    # ...then save on top of it, which is no conflict any more
    second.followup.value = "debate"
    second._on_save()
    assert second.saved.value == "Plan saved."
    # or overwrite: the first page, still holding its old copy, overwrites knowingly
    first.feedback.value = "Open with the candle demo, then a debate"
    first._on_save()
    assert "changed elsewhere" in first.saved.value
    first.overwrite.click()
    assert first.saved.value == "Plan saved."
    stored = workspace.load().plans.set_index("activity_id")
    assert stored.loc["w4", "feedback"] == "Open with the candle demo, then a debate"
    assert pd.isna(stored.loc["w4", "followup_kind"])  # the first page's form had none
    first.close()
    second.close()


def test_save_plan_with_the_plan_as_read(workspace):
    workspace.save_plan("BIO101", "w4", feedback="A")
    read = {"feedback": "A"}
    workspace.save_plan("BIO101", "w4", feedback="B", expected=read)  # unchanged since read
    with pytest.raises(PlanChangedError, match="BIO101 w4 was changed elsewhere") as error:
        workspace.save_plan("BIO101", "w4", feedback="C", expected=read)
    assert error.value.stored["feedback"] == "B"
    # saving what is already stored is no conflict; no plan read and none stored is none
    workspace.save_plan("BIO101", "w4", feedback="B", expected=read)
    workspace.save_plan("BIO101", "w5", feedback="D", expected=None)
    with pytest.raises(PlanChangedError):
        workspace.save_plan("BIO101", "w5", feedback="E", expected={})
    assert workspace.load().plans.set_index("activity_id").loc["w5", "feedback"] == "D"


def test_a_snapshot_computes_each_table_once_for_the_page_the_brief_and_the_metrics(
    monkeypatch, workspace
):
    import asyncmon.snapshot as snapshot_module
    from asyncmon.metrics import metrics_document
    from asyncmon.snapshot import Snapshot

    calls = []
    real = snapshot_module.acknowledgements

    def counted(data, **options):
        calls.append(options["as_of"])
        return real(data, **options)

    monkeypatch.setattr(snapshot_module, "acknowledgements", counted)
    data = workspace.load()
    snap = Snapshot(data, now=NOW, method="tfidf")
    # the next class (w4, Tuesday) is looked at before it starts: the page's table, its
    # history and the brief's table are one and the same, computed once
    view = activity_view(snap, "BIO101", "w4")
    assert calls == [NOW] and "w4" in view.brief_markdown
    activity_view(snap, "BIO101", "w4")
    assert calls == [NOW]
    # a past activity adds its table as of its class start, and only that
    activity_view(snap, "BIO101", "w2")
    assert (
        len(calls) == 2
        and calls[1]
        == data.activities.set_index(["course_id", "activity_id"]).loc[
            ("BIO101", "w2"), "class_starts_at"
        ]
    )
    # the metrics document reads its tables from a snapshot of everything imported
    whole = Snapshot(data, method="tfidf", known_only=False)
    document = metrics_document(data, snapshot=whole, method="tfidf")
    metrics_document(data, snapshot=whole, method="tfidf")
    assert calls[2:] == [None]
    assert len(document["activities"]) == len(data.activities)
