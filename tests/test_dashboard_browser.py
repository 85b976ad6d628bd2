"""The pre-class dashboard in a real browser (headless Chromium driven by Playwright),
served by Voila on a workspace of the sample class, as a teacher would use it.

Expected figures are computed here from the sample's CSV files and planted facts, not by
the library."""

import csv
import json
import os
from datetime import datetime
from pathlib import Path

import pytest

from asyncmon import Workspace, sample_data_dir
from asyncmon.datasets import sample_import_options

from .browser import open_page, serve
from .other_class import BEFORE_CLASS, import_other_class

NOW = "2025-03-10T20:00:00Z"  # Monday evening; BIO101 w4's class is Tuesday 09:00 local
SCREENSHOTS = Path(__file__).parent.parent / "docs" / "screenshots"


def iso(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def expected(course, activity, now):
    """'Took part' and 'Coverage' texts computed from the CSV and planted.json."""
    d = sample_data_dir()
    planted = json.loads((d / "planted.json").read_text())
    act = next(
        a
        for a in planted["activities"]
        if a["course_id"] == course and a["activity_id"] == activity
    )
    due, start = iso(act["due_at_utc"]), iso(act["class_starts_at_utc"])
    students = next(c for c in planted["courses"] if c["course_id"] == course)["student_ids"]
    first = {}
    with open(d / "posts.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if (row["course_id"], row["activity_id"]) != (course, activity):
                continue
            when = iso(row["created_at"])
            if row["deleted"] == "1" or row["author_id"] not in students or when > now:
                continue
            first[row["author_id"]] = min(when, first.get(row["author_id"], when))
    before = [s for s, t in first.items() if t <= start]
    late = [s for s in before if first[s] > due]
    after = len(first) - len(before)
    acked = {
        a["student_id"]
        for a in act["staff_acknowledgements"]
        if a.get("at") and iso(a["at"]) <= min(now, start) and a["student_id"] in before
    }
    took_part = (
        f"{len(before)} of {len(students)} students before class ({len(late)} late); "
        f"{after} after class"
    )
    coverage = (
        f"{len(acked)} of {len(before)} ({len(acked) / len(before):.0%}) acknowledged before class"
    )
    return took_part, coverage


@pytest.fixture(scope="module")
def sample_workspace(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ws")
    options = sample_import_options()
    Workspace(folder).import_sources(options.pop("files"), **options)
    return folder


def card(page, css):
    return " ".join(page.inner_text(f".{css} .am-card-value").split())


def test_a_teacher_reads_the_class_plans_and_finds_the_plan_again(browser, sample_workspace):
    now = iso(NOW)
    problems = []
    with serve(sample_workspace, now=NOW) as url:
        page = open_page(browser, url, problems)
        # the activity whose class comes next is chosen
        assert "w4" in page.inner_text(".asyncmon-title")
        assert "(in 12 h)" in page.inner_text(".asyncmon-timing")
        took_part, coverage = expected("BIO101", "w4", now)
        assert card(page, "asyncmon-took-part") == took_part
        assert card(page, "asyncmon-coverage") == coverage
        # w1-w3 all passed unacknowledged for the planted never-acknowledged student, who
        # has posted by now: queued, and among the first (longest unacknowledged run first)
        first_row = page.inner_text(".asyncmon-queue tr:nth-child(2)")
        assert "not acknowledged in their previous 3 activities" in first_row
        assert "Mohammed Al-Sayed" in page.inner_text(".asyncmon-queue")
        if os.environ.get("ASYNCMON_SCREENSHOTS") == "1":
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / "pre_class_dashboard.png"), full_page=True)

        # write and save a plan
        gap_options = page.eval_on_selector_all(
            ".asyncmon-plan-gap select option", "els => els.map(e => e.textContent)"
        )
        question = next(o for o in gap_options if o.startswith("Question:"))
        page.select_option(".asyncmon-plan-gap select", label=question)
        page.fill(".asyncmon-plan-feedback textarea", "Open with the candle-in-a-jar demo")
        page.select_option(".asyncmon-plan-followup select", label="debate")
        page.click(".asyncmon-plan-save")
        page.wait_for_function(
            "document.querySelector('.asyncmon-plan-saved').innerText.includes('Plan saved')",
            timeout=60_000,
        )
        if os.environ.get("ASYNCMON_SCREENSHOTS") == "1":
            page.locator(".asyncmon-groups").scroll_into_view_if_needed()
            page.screenshot(path=str(SCREENSHOTS / "questions_and_plan.png"))
        verdict = page.inner_text(".asyncmon-verdict")
        assert "No main gap chosen" not in verdict and "Not monitored enough" in verdict
        page.close()

        # reload: the plan is there
        page = open_page(browser, url, problems)
        assert page.input_value(".asyncmon-plan-feedback textarea") == (
            "Open with the candle-in-a-jar demo"
        )
        assert "No follow-up activity planned" not in page.inner_text(".asyncmon-verdict")

        # switch activity: the figures follow
        labels = page.eval_on_selector_all(
            ".asyncmon-activity select option", "els => els.map(e => e.textContent)"
        )
        page.select_option(
            ".asyncmon-activity select", label=next(x for x in labels if x.strip().startswith("w3"))
        )
        took_part, coverage = expected("BIO101", "w3", now)
        page.wait_for_function(
            "t => document.querySelector('.asyncmon-took-part .am-card-value')"
            ".innerText.replace(/\\s+/g, ' ').trim() === t",
            arg=took_part,
            timeout=60_000,
        )
        assert card(page, "asyncmon-coverage") == coverage
        assert "w3" in page.inner_text(".asyncmon-title")

        # another course opens on its next class: HIS210 w4 (Tue 11 Mar 10:30 New York),
        # not the term's last activity
        courses = page.eval_on_selector_all(
            ".asyncmon-course select option", "els => els.map(e => e.textContent)"
        )
        page.select_option(
            ".asyncmon-course select", label=next(c for c in courses if c.startswith("HIS210"))
        )
        page.wait_for_function(
            "document.querySelector('.asyncmon-title').innerText.includes('Imperialism')",
            timeout=60_000,
        )
        assert page.inner_text(".asyncmon-title").strip().startswith("w4 ·")
        page.close()
    stored = Workspace(sample_workspace).load().plans
    assert stored.set_index("activity_id").loc["w4", "followup_kind"] == "debate"
    assert problems == []


HOSTILE = [
    "<script>alert('s')</script> I don't get why the pump needs ATP",
    "<img src=x onerror=alert('i')> not sure why the pump needs ATP",
    "[see this](javascript:alert('l')) why does the pump need ATP?",
]


def test_hostile_student_text_shows_as_text_and_runs_nothing(browser, tmp_path):
    d = sample_data_dir()
    posts = "course_id,activity_id,post_id,author_id,created_at,body\n" + "".join(
        f'BIO101,w1,h{i},{sid},2025-02-15T1{i}:00:00Z,"{text}"\n'
        for i, (sid, text) in enumerate(zip(["1011", "1012", "1013"], HOSTILE))
    )
    ws = Workspace(tmp_path)
    ws.import_sources(
        [("posts.csv", posts.encode())], people=d / "people.csv", activities=d / "activities.csv"
    )
    problems = []
    with serve(tmp_path, now="2025-02-17T20:00:00Z") as url:
        page = open_page(browser, url, problems)
        queue = page.inner_text(".asyncmon-queue")
        assert "<img src=x onerror=alert('i')>" in queue
        assert "<script>alert('s')</script>" in queue
        page.locator(".asyncmon-groups summary").first.click(timeout=10_000)
        groups = page.inner_text(".asyncmon-groups")
        assert "[see this](javascript:alert('l'))" in groups
        assert page.locator(".asyncmon-app img").count() == 0
        assert page.locator(".asyncmon-app a[href^='javascript']").count() == 0
        page.close()
    assert problems == []


def test_a_teacher_renames_and_merges_question_groups_on_the_page(browser, tmp_path):
    options = sample_import_options()
    Workspace(tmp_path).import_sources(options.pop("files"), **options)
    new_name = "Why does oxygen matter <b>at the end</b>?"
    problems = []
    with serve(tmp_path, now=NOW) as url:
        page = open_page(browser, url, problems)
        page.click(".asyncmon-edit-open")
        page.wait_for_selector(".asyncmon-edit-group select option", state="attached")
        groups_before = page.eval_on_selector_all(
            ".asyncmon-edit-group select option", "els => els.length"
        )
        assert groups_before >= 2
        page.fill(".asyncmon-edit-name input", new_name)
        page.click(".asyncmon-edit-rename")
        page.wait_for_function(
            "t => document.querySelector('.asyncmon-main-gap .am-card-value').innerText"
            ".includes(t)",
            arg=new_name,
            timeout=60_000,
        )
        # shown as text: the <b> is not markup
        assert page.locator(".asyncmon-main-gap b").count() == 0
        # merge the second group into the first: one group fewer
        page.select_option(".asyncmon-edit-other select", index=1)
        page.click(".asyncmon-edit-merge")
        page.wait_for_function(
            "n => document.querySelectorAll('.asyncmon-edit-group select option').length === n",
            arg=groups_before - 1,
            timeout=60_000,
        )
        page.close()
        # a new visit finds the corrected groups
        page = open_page(browser, url, problems)
        assert new_name in page.inner_text(".asyncmon-main-gap")
        page.close()
    stored = Workspace(tmp_path).load().corrections
    assert stored["action"].tolist() == ["rename", "merge"]
    assert problems == []


def test_with_the_default_preheated_server_a_new_visitor_sees_what_was_saved(browser, tmp_path):
    options = sample_import_options()
    Workspace(tmp_path).import_sources(options.pop("files"), **options)
    problems = []
    with serve(tmp_path, now=NOW, preheat=True) as url:
        page = open_page(browser, url, problems)
        page.fill(".asyncmon-plan-feedback textarea", "Start from the candle demo")
        page.click(".asyncmon-plan-save")
        page.wait_for_function(
            "document.querySelector('.asyncmon-plan-saved').innerText.includes('Plan saved')",
            timeout=60_000,
        )
        page.click(".asyncmon-edit-open")
        page.wait_for_selector(".asyncmon-edit-group select option", state="attached")
        page.fill(".asyncmon-edit-name input", "Where does the oxygen go?")
        page.click(".asyncmon-edit-rename")
        page.wait_for_function(
            "document.querySelector('.asyncmon-main-gap .am-card-value').innerText"
            ".includes('Where does the oxygen go?')",
            timeout=60_000,
        )
        page.close()
        # the kernel heated for the next visitor ran before the save: it must read the
        # workspace when the visitor arrives
        page = open_page(browser, url, problems)
        assert page.input_value(".asyncmon-plan-feedback textarea") == "Start from the candle demo"
        assert "Where does the oxygen go?" in page.inner_text(".asyncmon-main-gap")
        page.close()
    assert problems == []


def test_two_pages_editing_one_plan_the_second_is_told_and_chooses(browser, tmp_path):
    options = sample_import_options()
    Workspace(tmp_path).import_sources(options.pop("files"), **options)
    problems = []
    saved = "document.querySelector('.asyncmon-plan-saved').innerText"
    with serve(tmp_path, now=NOW) as url:
        first = open_page(browser, url, problems)
        second = open_page(browser, url, problems)
        first.fill(".asyncmon-plan-feedback textarea", "Open with the candle demo")
        first.click(".asyncmon-plan-save")
        first.wait_for_function(f"{saved}.includes('Plan saved')", timeout=60_000)
        second.fill(".asyncmon-plan-feedback textarea", "Open with a quiz")
        second.click(".asyncmon-plan-save")
        second.wait_for_function(f"{saved}.includes('changed elsewhere')", timeout=60_000)
        # the choice is offered (its layout message may follow the status message)
        second.wait_for_selector(".asyncmon-plan-load", state="visible", timeout=60_000)
        assert second.locator(".asyncmon-plan-overwrite").is_visible()
        stored = Workspace(tmp_path).load().plans.set_index("activity_id")
        assert stored.loc["w4", "feedback"] == "Open with the candle demo"
        # the teacher loads the saved plan, then saves on top of it
        second.click(".asyncmon-plan-load")
        second.wait_for_function(
            "document.querySelector('.asyncmon-plan-feedback textarea').value"
            " === 'Open with the candle demo'",
            timeout=60_000,
        )
        # the choice goes away (its layout message may follow the form's values)
        second.wait_for_selector(".asyncmon-plan-load", state="hidden", timeout=60_000)
        second.select_option(".asyncmon-plan-followup select", label="debate")
        second.click(".asyncmon-plan-save")
        second.wait_for_function(f"{saved}.includes('Plan saved')", timeout=60_000)
        first.close()
        second.close()
    stored = Workspace(tmp_path).load().plans.set_index("activity_id")
    assert stored.loc["w4", "feedback"] == "Open with the candle demo"
    assert stored.loc["w4", "followup_kind"] == "debate"
    assert problems == []


def test_the_page_on_a_class_that_is_not_the_sample(browser, tmp_path):
    raw = import_other_class(tmp_path)
    students = {p["author_id"] for p in raw["posts"] if p["role"] == "student"}
    problems = []
    with serve(tmp_path, now=BEFORE_CLASS) as url:
        page = open_page(browser, url, problems)
        assert page.inner_text(".asyncmon-title").strip() == "circuits · Series and parallel"
        assert "(in 8 h)" in page.inner_text(".asyncmon-timing")  # 08:30 Chicago = 14:30Z
        assert "America/Chicago" in page.inner_text(".asyncmon-timing")
        # every student posted on 12-14 January, well before the class of the 16th
        assert card(page, "asyncmon-took-part") == (
            f"{len(students)} of {len(students)} students before class (0 late); 0 after class"
        )
        assert card(page, "asyncmon-missing") == "nobody"
        # one heatmap cell per student, all on time; one step line per series drawn
        cells = page.eval_on_selector_all(
            ".asyncmon-heatmap rect.am-cell", "els => els.map(e => e.dataset.status)"
        )
        assert len(cells) == len(students) and set(cells) == {"on_time"}
        assert page.locator(".asyncmon-timeline polyline.am-step-posted").count() == 1
        assert page.locator(".asyncmon-groups details").count() >= 2
        # who talks to whom, counted from the corpus: one arrow per ordered pair
        author = {p["post_id"]: p["author_id"] for p in raw["posts"]}
        pairs = {
            (p["author_id"], author[p["parent_id"]])
            for p in raw["posts"]
            if p["parent_id"] and author.get(p["parent_id"]) not in (None, p["author_id"])
        }
        assert page.locator(".asyncmon-network g.am-edge").count() == len(pairs) > 0
        # no schedule address: names in the queue are not links; nothing since last time
        assert page.locator(".asyncmon-queue a").count() == 0
        assert page.locator(".asyncmon-last-time").count() == 0
        text = page.inner_text(".asyncmon-app")
        assert "nan" not in text.lower().split() and "NaN" not in text
        page.close()
    assert problems == []


def test_closing_the_loop_on_the_page(browser, tmp_path):
    """Since last time, the links to each post in the LMS, the outcome form and the post
    for the students, as a teacher uses them."""
    options = sample_import_options()
    ws = Workspace(tmp_path)
    ws.import_sources(options.pop("files"), **options)
    ws.save_plan("BIO101", "w3", gap="<b>enzymes</b>", gap_source="free-text", feedback="x")
    with open(sample_data_dir() / "activities.csv", encoding="utf-8") as f:
        address = next(
            r["url"]
            for r in csv.DictReader(f)
            if (r["course_id"], r["activity_id"]) == ("BIO101", "w4")
        )
    problems = []
    with serve(tmp_path, now=NOW) as url:
        page = open_page(browser, url, problems)
        since = page.inner_text(".asyncmon-last-time")
        assert "Gap chosen in w3: <b>enzymes</b> (in the teacher's words)" in since
        assert "Follow-up in class: outcome not recorded yet" in since
        assert "Did the gap come back?" in since
        # every student waiting in the queue links to the discussion (template posts)
        links = page.eval_on_selector_all(
            ".asyncmon-queue a.am-post-link", "els => els.map(e => [e.href, e.target, e.rel])"
        )
        rows = page.locator(".asyncmon-queue tr").count() - 1
        assert len(links) == rows > 0
        assert {tuple(x) for x in links} == {(address, "_blank", "noopener noreferrer")}
        # who talks to whom: one arrow per ordered pair of people with a reply by now,
        # counted here from the CSV; the isolated students listed and drawn as squares
        posts = {}
        with open(sample_data_dir() / "posts.csv", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                if row["course_id"] == "BIO101" and iso(row["created_at"]) <= iso(NOW):
                    posts[row["post_id"]] = row
        pairs = {
            (p["author_id"], posts[p["parent_id"]]["author_id"])
            for p in posts.values()
            if p["activity_id"] == "w4"
            and p["deleted"] != "1"
            and p["parent_id"] in posts
            and posts[p["parent_id"]]["author_id"] not in ("", p["author_id"])
        }
        network = page.locator(".asyncmon-network svg.am-network")
        assert network.get_attribute("role") == "img"
        assert page.locator(".asyncmon-network g.am-edge").count() == len(pairs) > 0
        listed = page.locator(".asyncmon-network ul.am-isolated li").count()
        assert page.locator(".asyncmon-network g.am-isolated").count() == listed
        # the post for the students, on the page and as a download
        page.click(".asyncmon-student-post summary")
        post = page.inner_text(".asyncmon-student-post pre")
        title = page.inner_text(".asyncmon-title").split("·", 1)[1].strip()
        assert post.startswith("Thank you to the ") and f'took part in "{title}"' in post
        assert page.locator("a[download='brief-BIO101-w4-students.txt']").count() == 1
        # record how w4's follow-up went, then look at w5: it says so
        page.select_option(".asyncmon-outcome select", label="partly")
        page.fill(".asyncmon-outcome-note input", "ran out of time")
        page.fill(".asyncmon-outcome-understood input", "17")
        page.click(".asyncmon-outcome-save")
        page.wait_for_function(
            "document.querySelector('.asyncmon-outcome-saved').innerText.includes('saved')",
            timeout=60_000,
        )
        labels = page.eval_on_selector_all(
            ".asyncmon-activity select option", "els => els.map(e => e.textContent)"
        )
        page.select_option(
            ".asyncmon-activity select", label=next(x for x in labels if x.strip().startswith("w5"))
        )
        page.wait_for_function(
            "document.querySelector('.asyncmon-title').innerText.includes('w5')", timeout=60_000
        )
        assert (
            "Follow-up in class: partly; 17 students showed they got it; ran out of time"
            in page.inner_text(".asyncmon-last-time")
        )
        page.close()
    stored = Workspace(tmp_path).load().outcomes.iloc[0]
    assert (stored["activity_id"], stored["outcome"], stored["understood"]) == ("w4", "partly", 17)
    assert problems == []
