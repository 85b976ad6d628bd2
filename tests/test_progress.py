"""Progress in the terminal: off for a library call, bars for a large import and for
grouping the questions of several activities when shown."""

import csv
import io
import re

import pytest

from asyncmon import import_sources, sample_data_dir
from asyncmon.datasets import load_sample
from asyncmon.progress import show_progress
from asyncmon.questions import question_groups


@pytest.fixture
def shown():
    stream = io.StringIO()
    show_progress(True, stream=stream)
    yield stream
    show_progress(False)


def test_a_library_call_prints_no_progress(capsys):
    d = sample_data_dir()
    import_sources([d / "posts.csv"], people=d / "people.csv", activities=d / "activities.csv")
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out == ""


def test_reading_a_file_shows_its_rows(shown):
    d = sample_data_dir()
    with open(d / "posts.csv", encoding="utf-8", newline="") as f:
        records = sum(1 for _ in csv.reader(f)) - 1  # bodies may span lines: count records
    import_sources([d / "posts.csv"], people=d / "people.csv", activities=d / "activities.csv")
    text = shown.getvalue()
    assert "reading people.csv" in text and "reading activities.csv" in text
    assert re.search(rf"reading posts\.csv: 100%.*\b{records}/{records} ", text)


def test_grouping_several_activities_shows_how_many_are_done(shown):
    question_groups(load_sample(), course_id="BIO101", method="tfidf", detector="cues")
    assert "grouping questions" in shown.getvalue()
    assert "7/7" in shown.getvalue()  # BIO101 has seven activities with posts
