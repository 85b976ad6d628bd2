"""How the library's objects show themselves in a notebook: a short repr, and an HTML
card (rendered from templates that escape) with figures counted here from the files."""

import csv
import re

import asyncmon as am
from asyncmon import Workspace, sample_data_dir
from asyncmon.brief import pre_class_brief
from asyncmon.datasets import sample_import_options

from .other_class import csv_bytes, import_other_class

MARKUP = "<img src=x onerror=alert(1)>"


def _rows(name):
    with open(sample_data_dir() / name, encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _cells(page):
    return [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", page, re.S)]


def test_class_data_shows_its_totals_counted_from_the_files():
    data = am.load_sample()
    people, posts = _rows("people.csv"), _rows("posts.csv")
    students = sum(p["role"] == "student" for p in people)
    live = sum(p.get("deleted", "").lower() not in ("true", "1", "yes") for p in posts)
    reactions = len(_rows("reactions.csv"))
    text = repr(data)
    assert text == (
        f"ClassData(3 courses, {students} students, 21 activities, {live:,} posts, "
        f"{reactions} reactions, 0 plans, 0 outcomes, 0 corrections)"
    )
    page = data._repr_html_()
    assert f"{live:,} posts" in page
    bio = [p for p in people if p["course_id"] == "BIO101"]
    row = _cells(page)[:9]
    assert row[:4] == [
        "BIO101",
        "Cell Biology",
        "Europe/Amsterdam",
        str(sum(p["role"] == "student" for p in bio)),
    ]


def test_class_data_card_escapes_what_the_files_say():
    data = am.load_sample()
    courses = data.courses.assign(title=[MARKUP, "A & B", None])
    page = data.replace(courses=courses)._repr_html_()
    assert "<img" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "A &amp; B" in page and "—" in _cells(page)  # the title not given


def test_an_empty_class_says_what_to_import():
    page = am.ClassData.empty()._repr_html_()
    assert "ClassData: 0 courses" in page and "import a schedule" in page


def _a_student(raw):
    return "u-" + next(p["author_id"] for p in raw["posts"] if p["role"] == "student")


def test_the_import_report_card_lists_rejected_rows_with_their_place(tmp_path):
    student = _a_student(import_other_class(tmp_path / "ws"))
    bad = csv_bytes(
        ["course_id", "activity_id", "post_id", "author_id", "created_at", "body"],
        [
            ["PHYS-9", "circuits", "n1", student, MARKUP, "fine body"],
            ["PHYS-9", "circuits", "n2", student, "2026-01-13T10:00:00-06:00", "kept"],
        ],
    )
    result = Workspace(tmp_path / "ws").import_sources([("more.csv", bad)])
    report = result.report
    assert repr(report) == "ImportReport(1 file: read 2, kept 1, merged 0, rejected 1, warnings 0)"
    page = report._repr_html_()
    assert "<img" not in page
    (rejected,) = report.rejected
    rows = re.findall(r"<tr>(.*?)</tr>", page, re.S)
    problem = [r for r in rows if "more.csv" in r and "created_at" in r]
    assert len(problem) == 1
    assert _cells(problem[0])[:4] == [
        "more.csv",
        "2",
        "created_at",
        "&lt;img src=x onerror=alert(1)&gt;",
    ]
    assert "rejected 1" in page
    assert len(repr(result)) < 300


def test_a_long_list_of_problems_is_cut(tmp_path):
    student = _a_student(import_other_class(tmp_path / "ws"))
    bad = csv_bytes(
        ["course_id", "activity_id", "post_id", "author_id", "created_at", "body"],
        [["PHYS-9", "circuits", f"b{i}", student, "never", "x"] for i in range(25)],
    )
    report = Workspace(tmp_path / "ws").import_sources([("bad.csv", bad)]).report
    page = report._repr_html_()
    assert page.count("<td>bad.csv</td>") == 1 + 20  # the file's row, then 20 problems
    assert "… and 5 more" in page


def test_the_workspace_card_counts_what_it_holds(tmp_path):
    ws = Workspace(tmp_path / "ws")
    assert "Nothing imported yet" in ws._repr_html_()
    options = sample_import_options()
    ws.import_sources(options.pop("files"), **options)
    data = ws.load()
    held = dict(
        re.findall(r"<tr><th>(\w+)</th><td class=\"am-n\">([\d,]+)</td></tr>", ws._repr_html_())
    )
    summary = data.summary()
    assert held == {
        "courses": "3",
        "students": f"{summary.students.sum():,}",
        "staff": f"{summary.staff.sum():,}",
        "activities": "21",
        "posts": f"{summary.posts.sum():,}",
        "reactions": f"{summary.reactions.sum():,}",
        "plans": "0",
        "outcomes": "0",
        "corrections": "0",
    }
    assert "(1 in all)" in ws._repr_html_()


def test_a_brief_shows_in_a_notebook_without_its_page_frame():
    data = am.load_sample()
    people = data.people.copy()
    people.loc[people.person_id == "1016", "name"] = MARKUP  # never acknowledged: queued
    brief = pre_class_brief(data.replace(people=people), "BIO101", "w2")
    fragment, page = brief._repr_html_(), brief.to_html()
    assert "<html" not in fragment and fragment.strip() in page
    assert "<img" not in page and "&lt;img src=x onerror=alert(1)&gt;" in fragment
    assert repr(brief).startswith("<Brief BIO101 Cell Biology w2 ")
