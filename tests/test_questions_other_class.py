"""Question groups, labels and corrections on a class that is not the sample.

The class is a development activity of the question corpus (benchmarks/data/dev:
written apart from the code, another subject, other ids), imported through the CSV
template in another time zone, without the optional columns (no thread ids, no course
title, no concepts, no reactions).
"""

import json
import subprocess
import sys

import pytest

from asyncmon import Workspace
from asyncmon.brief import pre_class_brief
from asyncmon.questions import merge_groups, question_groups, rename_group

from .other_class import import_other_class


@pytest.fixture(scope="module")
def other_class(tmp_path_factory):
    folder = tmp_path_factory.mktemp("other")
    return folder, import_other_class(folder)


def test_groups_have_labels_a_teacher_can_say_and_ids_of_their_units(other_class):
    folder, raw = other_class
    groups = question_groups(Workspace(folder).load())
    assert len(groups) >= 2
    bodies = {f"x-{p['post_id']}": p["body"] for p in raw["posts"]}
    for g in groups.itertuples():
        assert 0 < len(g.label) <= 90
        assert g.representative in g.unit_texts
        for unit_id, text in zip(g.unit_ids, g.unit_texts):
            post_id, index = unit_id.rsplit("#", 1)
            assert int(index) >= 0 and text in bodies[post_id]
        # staff never count
        assert not any(s.startswith("u-t") for s in g.student_ids)


def test_corrections_on_another_class_reach_the_brief_and_the_metrics_document(other_class):
    folder, _ = other_class
    ws = Workspace(folder)
    groups = question_groups(ws.load())
    first, second = groups.iloc[0], groups.iloc[1]
    merge_groups(ws, first, second, by="teacher")
    rename_group(ws, first, "Does current get used up in a bulb?", by="teacher")
    brief = pre_class_brief(ws.load(), "PHYS-9", "circuits").to_markdown()
    assert "1. **Does current get used up in a bulb?**" in brief
    out = subprocess.run(
        [sys.executable, "-m", "asyncmon.cli", "metrics", "--workspace", str(folder), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    top = json.loads(out.stdout)["question_groups"][0]
    assert top["label"] == "Does current get used up in a bulb?"
    assert top["corrected"] is True
    assert set(top["student_ids"]) == set(first["student_ids"]) | set(second["student_ids"])
