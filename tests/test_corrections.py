"""The teacher's corrections of the question groups: applied in order, stored, kept."""

import json

import pandas as pd
import pytest

from asyncmon import Workspace, sample_data_dir
from asyncmon.errors import AsyncmonError
from asyncmon.questions import question_groups
from asyncmon.questions.corrections import (
    add_post,
    apply_corrections,
    dismiss_unit,
    merge_groups,
    move_units,
    rename_group,
    undo_correction,
)

# Grouped units of one activity as the model left them:
#   group 1: a#0, b#0, c#0 (osmosis)    group 2: d#0, e#1 (ATP)    group 3: f#0 (a one-off)
UNITS = pd.DataFrame(
    {
        "unit_id": ["a#0", "b#0", "c#0", "d#0", "e#1", "f#0"],
        "post_id": ["a", "b", "c", "d", "e", "f"],
        "author_id": ["s1", "s2", "s3", "s4", "s5", "s6"],
        "unit_index": [0, 0, 0, 0, 1, 0],
        "text": ["osmosis?", "why water in?", "salt side?", "ATP?", "energy?", "lab time?"],
        "cue": ["question mark"] * 6,
        "score": [0.9] * 6,
        "group": [1, 1, 1, 2, 2, 3],
    }
)
POSTS = pd.DataFrame(
    {
        "post_id": ["a", "b", "c", "d", "e", "f", "g"],
        "author_id": ["s1", "s2", "s3", "s4", "s5", "s6", "s7"],
        "body": [
            "osmosis?",
            "why water in?",
            "salt side?",
            "ATP?",
            "ok. energy?",
            "lab time?",
            "i dont see where the pump gets its energy from",
        ],
    }
)


def fixes(*rows):
    return pd.DataFrame(
        [
            {
                "course_id": "C",
                "activity_id": "w1",
                "correction_id": str(i + 1),
                "action": action,
                "units": json.dumps(units),
                "target": None if target is None else json.dumps(target),
                "label": label,
            }
            for i, (action, units, target, label) in enumerate(rows)
        ]
    )


def groups_of(units):
    return {g: sorted(part["unit_id"]) for g, part in units.groupby("group", sort=False)}


def test_merge_move_rename_dismiss_and_add_in_order():
    out, labels, touched = apply_corrections(
        UNITS,
        fixes(
            ("merge", ["d#0", "e#1"], ["a#0", "b#0"], None),  # ATP into osmosis: group 1
            ("move", ["c#0", "e#1"], None, "salt and energy"),  # out into group c2
            ("rename", ["a#0", "b#0", "d#0"], None, "Why does water move in?"),
            ("dismiss", ["f#0"], None, None),  # not a question
            ("add", ["g#post"], ["c#0"], None),  # the missed post joins group c2
        ),
        POSTS,
    )
    assert groups_of(out) == {
        1: ["a#0", "b#0", "d#0"],
        "c2": ["c#0", "e#1", "g#post"],
    }
    assert labels == {"c2": "salt and energy", 1: "Why does water move in?"}
    assert touched == {1, "c2"}
    added = out[out["unit_id"] == "g#post"].iloc[0]
    assert added["author_id"] == "s7"
    assert added["text"] == "i dont see where the pump gets its energy from"


def test_undo_takes_back_the_latest_correction_and_an_undo_can_be_undone():
    merge = ("merge", ["d#0"], ["a#0"], None)
    rename = ("rename", ["a#0"], None, "Osmosis")
    # 1 merge, 2 rename, 3 undo of 2: the merge stays, the name goes
    out, labels, _ = apply_corrections(
        UNITS, fixes(merge, rename, ("undo", [], ["2"], None)), POSTS
    )
    assert groups_of(out)[1] == ["a#0", "b#0", "c#0", "d#0", "e#1"]
    assert labels == {}
    # ... 4 undoes the undo: the name is back
    _, labels, _ = apply_corrections(
        UNITS, fixes(merge, rename, ("undo", [], ["2"], None), ("undo", [], ["3"], None)), POSTS
    )
    assert labels == {1: "Osmosis"}


def test_a_correction_whose_units_are_gone_changes_nothing():
    out, labels, touched = apply_corrections(
        UNITS, fixes(("merge", ["zz#0"], ["a#0"], None), ("rename", ["zz#0"], None, "x")), POSTS
    )
    assert groups_of(out) == groups_of(UNITS)
    assert labels == {} and touched == set()


@pytest.fixture
def workspace(tmp_path):
    ws = Workspace(tmp_path / "ws")
    d = sample_data_dir()
    ws.import_sources([d / "posts.csv"], people=d / "people.csv", activities=d / "activities.csv")
    return ws


def test_corrections_are_stored_with_when_and_who_and_survive_a_reimport(workspace, tmp_path):
    before = question_groups(workspace.load(), course_id="BIO101", activity_id="w2", min_students=1)
    first, second = before.iloc[0], before.iloc[1]
    assert merge_groups(workspace, first, second, by="ms.k") == "1"
    assert rename_group(workspace, first, "Where does the water go, and why?", by="ms.k") == "2"
    stored = workspace.load().corrections
    assert stored["action"].tolist() == ["merge", "rename"]
    assert stored["created_by"].tolist() == ["ms.k", "ms.k"]
    assert stored["created_at"].notna().all()

    # the same export again: nothing new, the corrections still apply
    d = sample_data_dir()
    workspace.import_sources(
        [d / "posts.csv"], people=d / "people.csv", activities=d / "activities.csv"
    )
    after = question_groups(workspace.load(), course_id="BIO101", activity_id="w2", min_students=1)
    top = after.iloc[0]
    assert top["label"] == "Where does the water go, and why?"
    assert top["corrected"]
    # the merged group holds every student of both groups
    assert set(top["student_ids"]) == set(first["student_ids"]) | set(second["student_ids"])
    assert len(after) == len(before) - 1

    # undo the rename: the group is named by its wording again, the merge stays
    assert undo_correction(workspace, "BIO101", "w2", by="ms.k") == "3"
    again = question_groups(workspace.load(), course_id="BIO101", activity_id="w2", min_students=1)
    assert again.iloc[0]["label"] != "Where does the water go, and why?"
    assert len(again) == len(before) - 1


def test_dismiss_move_and_add_through_the_workspace(workspace):
    groups = question_groups(workspace.load(), course_id="BIO101", activity_id="w2", min_students=1)
    top = groups.iloc[0]
    unit = top["unit_ids"][0]
    dismiss_unit(workspace, "BIO101", "w2", unit, by="ms.k")
    after = question_groups(workspace.load(), course_id="BIO101", activity_id="w2", min_students=1)
    assert unit not in {u for ids in after["unit_ids"] for u in ids}

    moved = after.iloc[0]["unit_ids"][:2]
    move_units(workspace, "BIO101", "w2", moved, label="A question of its own", by="ms.k")
    after = question_groups(workspace.load(), course_id="BIO101", activity_id="w2", min_students=1)
    own = after[after["label"] == "A question of its own"]
    assert len(own) == 1 and sorted(own.iloc[0]["unit_ids"]) == sorted(moved)

    # a post with no question unit, added to that group
    data = workspace.load()
    posts = data.posts[(data.posts["activity_id"] == "w2") & (data.posts["course_id"] == "BIO101")]
    in_groups = {u.split("#")[0] for ids in after["unit_ids"] for u in ids}
    students = set(data.people.loc[data.people["role"] == "student", "person_id"])
    missed = posts[~posts["post_id"].isin(in_groups) & posts["author_id"].isin(students)]
    post_id = missed["post_id"].iloc[0]
    add_post(workspace, own.iloc[0], post_id, by="ms.k")
    after = question_groups(workspace.load(), course_id="BIO101", activity_id="w2", min_students=1)
    own = after[after["label"] == "A question of its own"].iloc[0]
    assert f"{post_id}#post" in own["unit_ids"]


def test_undo_with_nothing_to_undo_and_a_bad_group_say_so(workspace):
    with pytest.raises(AsyncmonError, match="BIO101 w2 has no correction of its groups to undo"):
        undo_correction(workspace, "BIO101", "w2")
    with pytest.raises(AsyncmonError, match="a group is a row of question_groups"):
        rename_group(workspace, {"label": "x"}, "y")
    with pytest.raises(AsyncmonError, match="not in the workspace"):
        move_units(workspace, "BIO101", "w99", ["p1#0"])


def test_an_agreeing_reply_adds_its_author_to_the_group(workspace):
    data = workspace.load()
    groups = question_groups(data, course_id="BIO101", activity_id="w2", min_students=1)
    top = groups.iloc[0]
    parent = top["unit_ids"][0].split("#")[0]
    # a student of BIO101 who is not in the top group replies "same!!" to one of its posts
    people = data.people
    students = people[(people["course_id"] == "BIO101") & (people["role"] == "student")]
    newcomer = next(s for s in students["person_id"] if s not in set(top["student_ids"]))
    posts = (
        "course_id,activity_id,post_id,parent_id,author_id,created_at,body\n"
        f"BIO101,w2,agree-1,{parent},{newcomer},2025-02-23T10:00:00Z,same!!\n"
    )
    workspace.import_sources([("more.csv", posts.encode())])
    after = question_groups(workspace.load(), course_id="BIO101", activity_id="w2", min_students=1)
    grown = after[after["unit_ids"].apply(lambda ids: top["unit_ids"][0] in ids)].iloc[0]
    assert newcomer in grown["student_ids"]
    assert grown["students"] == top["students"] + 1
    assert grown["agreements"] == top["agreements"] + 1
    assert "agree-1" in grown["post_ids"]
