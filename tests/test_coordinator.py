"""The coordinator view: figures against the sample's planted facts, pseudonyms, the
published file (no names, no network) and the served dashboard, in a real browser."""

import json
import os
import stat
from statistics import mean

import pytest

from asyncmon import Workspace, sample_data_dir
from asyncmon.cli import main
from asyncmon.coordinator import by_course, coordinator_table, publish_html
from asyncmon.datasets import sample_import_options
from asyncmon.pseudonyms import Pseudonymizer, workspace_secret

from .browser import LOCAL, serve

PLANTED = json.loads((sample_data_dir() / "planted.json").read_text())
STUDENT_NAMES = []
with open(sample_data_dir() / "people.csv", encoding="utf-8") as f:
    import csv

    STUDENT_NAMES = sorted({r["name"] for r in csv.DictReader(f) if r["role"] == "student"})


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ws")
    options = sample_import_options()
    ws = Workspace(folder)
    ws.import_sources(options.pop("files"), **options)
    return ws


def test_course_figures_match_the_planted_facts(workspace):
    table, _ = coordinator_table(workspace.load())
    courses = by_course(table).set_index("course_id")
    for course in PLANTED["courses"]:
        acts = [a for a in PLANTED["activities"] if a["course_id"] == course["course_id"]]
        n = len(course["student_ids"])
        took_part = mean(
            (len(a["students_on_time"]) + len(a["students_late"]) + len(a["students_after_class"]))
            / n
            for a in acts
        )
        coverage = mean(
            len(a["staff_acknowledged_students_before_class"])
            / (len(a["students_on_time"]) + len(a["students_late"]))
            for a in acts
        )
        row = courses.loc[course["course_id"]]
        assert row["participation_rate"] == pytest.approx(took_part)
        assert row["coverage_before_class"] == pytest.approx(coverage)
        assert row["activities"] == 7 and row["homework_share"] == 1.0  # no plans yet
    assert courses.loc["BIO101", "teachers"] == "Marta Kowalska"


def test_the_outcomes_recorded_after_class_reach_the_coordinator(tmp_path):
    ws = Workspace(tmp_path / "ws")
    options = sample_import_options()
    ws.import_sources(options.pop("files"), **options)
    ws.record_outcome("BIO101", "w1", "done", understood=20)
    ws.record_outcome("BIO101", "w2", "partly", note="ran short")
    ws.record_outcome("BIO101", "w3", "done")
    table, _ = coordinator_table(ws.load())
    rows = table.set_index(["course_id", "activity_id"])
    assert rows.loc[("BIO101", "w1"), "outcome"] == "done"
    assert rows.loc[("BIO101", "w1"), "understood"] == 20
    assert rows.loc[("BIO101", "w2"), "outcome"] == "partly"
    assert rows[["outcome"]].isna().sum().iloc[0] == len(rows) - 3
    courses = by_course(table).set_index("course_id")
    assert courses.loc["BIO101", "followups_done"] == "2 done, 1 partly of 3 recorded"
    assert courses.loc["HIS210", "followups_done"] == "none recorded"
    page = publish_html(ws)
    assert "done (20 got it)" in page and "2 done, 1 partly of 3 recorded" in page


def test_pseudonyms_are_stable_secret_and_per_workspace(workspace, tmp_path):
    secret = workspace_secret(workspace.path)
    assert workspace_secret(workspace.path) == secret and len(secret) == 32
    mode = stat.S_IMODE(os.stat(workspace.path / "secret.key").st_mode)
    assert mode == 0o600
    one, other = Pseudonymizer(secret), Pseudonymizer(workspace_secret(tmp_path))
    assert one("1016") == Pseudonymizer(secret)("1016") != other("1016")


def test_published_page_holds_no_student_name_and_names_the_overlooked_by_pseudonym(workspace):
    page = publish_html(workspace)
    leaked = [
        n
        for n in STUDENT_NAMES
        if any(n.replace("'", quote) in page for quote in ("'", "&#x27;", "&#39;"))
    ]
    assert leaked == []
    never = Pseudonymizer(workspace_secret(workspace.path))("1016")  # planted: never acknowledged
    assert never in page
    assert "Courses compared" in page and "Marta Kowalska" in page
    assert "Mohammed Al-Sayed" in publish_html(workspace, show_names=True)


def test_publish_command(workspace, tmp_path, capsys):
    out = tmp_path / "report.html"
    assert main(["publish", "--workspace", str(workspace.path), "--out", str(out)]) == 0
    assert "students pseudonymised" in capsys.readouterr().out
    assert out.read_text().startswith("<!DOCTYPE html>")


def test_the_published_file_opens_from_disk_with_no_network(browser, workspace, tmp_path):
    out = tmp_path / "report.html"
    out.write_text(publish_html(workspace), encoding="utf-8")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    requests, problems = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(out.as_uri())
    page.wait_for_selector(".plotly .main-svg", timeout=60_000)
    assert page.locator(".js-plotly-plot").count() == 3
    assert [u for u in requests if not u.startswith(("file:", "data:", "blob:"))] == []
    assert problems == []
    text = page.inner_text("body")
    assert "BIO101 Cell Biology" in text and "Daniel Okafor" in text
    content = page.content()
    assert [n for n in STUDENT_NAMES if n in content] == []
    if os.environ.get("ASYNCMON_SCREENSHOTS") == "1":
        page.screenshot(
            path=str(sample_data_dir().parent / "docs" / "screenshots" / "coordinator_report.png")
        )
    page.close()


def test_the_served_coordinator_dashboard(browser, workspace):
    problems = []
    with serve(workspace.path, notebook="coordinator_dashboard") as url:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on("dialog", lambda d: (problems.append(d.message), d.dismiss()))
        page.on("request", lambda r: r.url.startswith(LOCAL) or problems.append(r.url))
        page.goto(url, wait_until="commit")
        page.wait_for_selector(".asyncmon-courses", timeout=150_000)
        assert "HIS210 Modern European History" in page.inner_text(".asyncmon-courses")
        # its two plotly charts draw without plotly's JupyterLab extension (not loaded)
        page.wait_for_function(
            "document.querySelectorAll('.js-plotly-plot .main-svg').length >= 2", timeout=60_000
        )
        page.select_option(".asyncmon-coordinator-course select", label="HIS210")
        page.wait_for_function(
            "document.querySelector('.asyncmon-drilldown').innerText.includes('HIS210')",
            timeout=60_000,
        )
        never = Pseudonymizer(workspace_secret(workspace.path))("1046")  # HIS210's
        assert never in page.inner_text(".asyncmon-drilldown")
        content = page.content()
        assert [n for n in STUDENT_NAMES if n in content] == []
        page.close()
    assert problems == []
