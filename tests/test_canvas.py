"""Canvas discussion topic full view: tree, new_entries, deleted entries, Student View, likes."""

import json
from datetime import UTC, datetime

import pandas as pd
import pytest

from asyncmon import SourceFileError, detect_format, import_sources

EXPORTED = datetime(2025, 3, 30, 18, 0, tzinfo=UTC)


def entry(id, user, created, parent=None, replies=(), message=None, updated=None, **extra):
    e = {
        "id": id,
        "user_id": user,
        "parent_id": parent,
        "created_at": created,
        "updated_at": updated or created,
        "rating_count": None,
        "rating_sum": None,
        "message": message if message is not None else f"<p>Entry {id}</p>",
        "replies": list(replies),
    }
    e.update(extra)
    return e


def view():
    deleted = {
        "id": 3,
        "parent_id": 1,
        "created_at": "2025-03-29T12:00:00Z",
        "updated_at": "2025-03-29T13:00:00Z",
        "deleted": True,
        "editor_id": 11,
        "replies": [entry(4, 13, "2025-03-29T14:00:00Z", parent=3)],
    }
    return {
        "participants": [
            {"id": 11, "display_name": "Ana Silva"},
            {"id": 12, "display_name": "Zoë Brandt"},
            {"id": 13, "display_name": "Omar Haddad"},
            {"id": 91, "display_name": "Ines"},
            {"id": 99, "display_name": "Test Student", "fake_student": True},
        ],
        "view": [
            entry(
                1,
                11,
                "2025-03-29T10:00:00Z",
                replies=[
                    entry(
                        2,
                        12,
                        "2025-03-29T11:00:00Z",
                        parent=1,
                        replies=[entry(5, 91, "2025-03-30T08:00:00Z", parent=2)],
                    ),
                    deleted,
                ],
            ),
            entry(6, 99, "2025-03-29T09:00:00Z", message="<p>Testing the topic</p>"),
        ],
        "new_entries": [
            # already in the tree, edited since: the newer version wins
            entry(
                2,
                12,
                "2025-03-29T11:00:00Z",
                parent=1,
                message="<p>Entry 2, edited</p>",
                updated="2025-03-29T15:00:00Z",
            ),
            # only here: a reply deep in thread 1
            entry(7, 11, "2025-03-29T16:00:00Z", parent=4),
        ],
        "unread_entries": [7],
        "forced_entries": [],
        "entry_ratings": {"2": 1, "4": 1, "1": 0},
    }


def canvas(doc=None):
    return ("topic.json", json.dumps(doc or view()).encode())


def test_canvas_tree_new_entries_deleted_and_student_view(roster):
    name, data = canvas()
    assert detect_format((name, data)) == "canvas-json"
    result = import_sources(
        [canvas()], **roster, course_id="C1", activity_id="a1", exported_at=EXPORTED
    )
    posts_report, likes_report = result.report.sources[-2:]
    # entries read: 1, 2, 5, 3, 4, 6 in the tree + 2 and 7 in new_entries = 8;
    # kept 6 (1, 2, 3, 4, 5, 7), merged 1 (2 again), rejected 1 (6, Student View)
    assert (posts_report.read, posts_report.kept, posts_report.merged) == (8, 6, 1)
    assert [(r.value, r.message.split(" (")[0]) for r in posts_report.rejected] == [
        ("99", "written by the Student View account")
    ]
    assert any("Student View account 99" in w.message for w in posts_report.warnings)
    p = result.data.posts.set_index("post_id")
    assert sorted(p.index) == ["1", "2", "3", "4", "5", "7"]
    assert p.loc["2", "body"] == "Entry 2, edited"
    assert p.loc["2", "edited_at"] == pd.Timestamp("2025-03-29T15:00:00Z")
    # the deleted entry stays, without author or text; its reply keeps its parent
    assert bool(p.loc["3", "deleted"]) and pd.isna(p.loc["3", "author_id"])
    assert p.loc["3", "body"] == ""
    assert p.loc["4", "parent_id"] == "3"
    # every entry, new ones included, belongs to thread 1
    assert set(p["thread_id"]) == {"1"}
    assert p.loc["7", "parent_id"] == "4"
    # likes: the exporting teacher (the course's only teacher, 91) liked 2 and 4; 0 = un-liked
    assert (likes_report.read, likes_report.kept, len(likes_report.rejected)) == (3, 2, 1)
    r = result.data.reactions
    assert sorted(r["post_id"]) == ["2", "4"] and set(r["person_id"]) == {"91"}
    assert r["created_at"].isna().all() and (r["exported_at"] == pd.Timestamp(EXPORTED)).all()


def test_likes_need_to_know_who_exported_when_several_teachers(roster):
    people = roster["people"][1] + b"C1,93,Second Teacher,teacher\n"
    result = import_sources(
        [canvas()],
        people=("people.csv", people),
        activities=roster["activities"],
        course_id="C1",
        activity_id="a1",
    )
    likes = result.report.sources[-1]
    assert likes.kept == 0 and "pass --exported-by PERSON_ID" in likes.rejected[0].message
    result = import_sources(
        [canvas()],
        people=("people.csv", people),
        activities=roster["activities"],
        course_id="C1",
        activity_id="a1",
        exported_by="93",
    )
    assert set(result.data.reactions["person_id"]) == {"93"}


def test_string_ids_and_deep_nesting(roster):
    doc = view()
    node = doc["view"][0]
    for i in range(100, 400):  # 300 levels deep
        child = entry(str(i), "12", "2025-03-29T10:00:00Z", parent=str(node["id"]))
        node["replies"] = [child]
        node = child
    result = import_sources([canvas(doc)], **roster, course_id="C1", activity_id="a1")
    p = result.data.posts.set_index("post_id")
    assert p.loc["399", "parent_id"] == "398" and p.loc["399", "thread_id"] == "1"


def test_not_a_canvas_view(roster):
    with pytest.raises(SourceFileError, match="is not a Canvas discussion full view"):
        import_sources(
            [("t.json", b'{"topic": []}')],
            **roster,
            course_id="C1",
            activity_id="a1",
            format="canvas-json",
        )
