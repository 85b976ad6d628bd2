"""The workspace: idempotent imports, later exports, plans, and concurrent use."""

import multiprocessing
import sqlite3
from datetime import UTC, datetime

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from asyncmon import Workspace, WorkspaceError
from asyncmon.sources.report import StoreCounts

from .conftest import ACTIVITIES, PEOPLE

HEADER = b"course_id,activity_id,post_id,parent_id,author_id,created_at,edited_at,body\n"


def posts(*rows: bytes) -> tuple[str, bytes]:
    return ("posts.csv", HEADER + b"".join(r + b"\n" for r in rows))


def test_importing_the_same_export_twice_adds_nothing(tmp_path, roster):
    ws = Workspace(tmp_path)
    export = posts(
        b"C1,a1,1,,11,2025-03-29T10:00:00Z,,Hello", b"C1,a1,2,1,12,2025-03-29T11:00:00Z,,Reply"
    )
    first = ws.import_sources([export], **roster).report.stored
    assert first["posts"] == StoreCounts(added=2)
    assert first["people"] == StoreCounts(added=5)
    assert first["activities"] == StoreCounts(added=2)
    second = ws.import_sources([export], **roster).report.stored
    assert second["posts"] == StoreCounts(unchanged=2)
    assert second["people"] == StoreCounts(unchanged=5)
    assert len(ws.load().posts) == 2


def test_a_later_overlapping_export_adds_new_posts_and_updates_edited_ones(tmp_path, roster):
    ws = Workspace(tmp_path)
    ws.import_sources(
        [
            posts(
                b"C1,a1,1,,11,2025-03-29T10:00:00Z,,Hello",
                b"C1,a1,2,1,12,2025-03-29T11:00:00Z,,Reply",
            )
        ],
        **roster,
    )
    later = posts(
        b"C1,a1,1,,11,2025-03-29T10:00:00Z,2025-03-29T12:00:00Z,Hello (edited)",
        b"C1,a1,2,1,12,2025-03-29T11:00:00Z,,Reply",
        b"C1,a1,3,1,13,2025-03-29T13:00:00Z,,New",
    )
    assert ws.import_sources([later], **roster).report.stored["posts"] == StoreCounts(1, 1, 1)
    # the older export again: nothing rolls back
    older = posts(b"C1,a1,1,,11,2025-03-29T10:00:00Z,,Hello")
    assert ws.import_sources([older], **roster).report.stored["posts"] == StoreCounts(unchanged=1)
    stored = ws.load().posts.set_index("post_id")
    assert stored.loc["1", "body"] == "Hello (edited)"
    assert sorted(stored.index) == ["1", "2", "3"]


def test_roster_and_schedule_come_from_the_workspace_once_imported(tmp_path, roster):
    ws = Workspace(tmp_path)
    ws.import_sources([], **roster)
    result = ws.import_sources([posts(b"C1,a1,1,,11,2025-03-29 11:00,,Hello")])
    assert result.report.stored["posts"].added == 1
    assert result.report.unknown_authors == []
    # 11:00 in Amsterdam on 29 March (CET) is 10:00Z
    assert ws.load().posts["created_at"].tolist() == [pd.Timestamp("2025-03-29T10:00:00Z")]


def test_load_gives_back_the_canonical_tables(tmp_path, roster):
    ws = Workspace(tmp_path)
    imported = ws.import_sources([posts(b"C1,a1,1,,11,2025-03-29T10:00:00Z,,Hello")], **roster).data
    loaded = ws.load()
    pd.testing.assert_frame_equal(loaded.posts, imported.posts)
    pd.testing.assert_frame_equal(loaded.activities, imported.activities)
    assert loaded.activities.set_index("activity_id").loc["a1", "concepts"] == (
        "osmosis",
        "diffusion",
    )
    assert ws.load(course_id="nope").posts.empty


def test_a_reaction_keeps_the_earliest_export_it_was_seen_in(tmp_path, roster):
    ws = Workspace(tmp_path)
    base = posts(b"C1,a1,1,,11,2025-03-29T10:00:00Z,,Hello")
    like = ("reactions.csv", b"course_id,post_id,person_id,kind\nC1,1,91,like\n")
    early = datetime(2025, 3, 30, 8, tzinfo=UTC)
    ws.import_sources([base, like], **roster, exported_at=early)
    again = ws.import_sources([base, like], **roster, exported_at=datetime(2025, 4, 2, tzinfo=UTC))
    assert again.report.stored["reactions"] == StoreCounts(unchanged=1)
    assert ws.load().reactions["exported_at"].tolist() == [pd.Timestamp(early)]


def test_plans_are_saved_replaced_and_kept_with_their_creation_time(tmp_path, roster):
    ws = Workspace(tmp_path)
    ws.import_sources([], **roster)
    t1 = datetime(2025, 3, 30, 20, tzinfo=UTC)
    t2 = datetime(2025, 3, 30, 21, tzinfo=UTC)
    ws.save_plan("C1", "a1", gap="why water moves", gap_source="question-group", now=t1)
    ws.save_plan(
        "C1",
        "a1",
        gap="why water moves",
        feedback="Start with the egg demo",
        followup_kind="quick-write",
        now=t2,
    )
    plan = ws.load().plans.iloc[0]
    assert plan["feedback"] == "Start with the egg demo" and plan["followup_kind"] == "quick-write"
    assert (plan["created_at"], plan["updated_at"]) == (pd.Timestamp(t1), pd.Timestamp(t2))
    with pytest.raises(WorkspaceError, match="activity zz of course C1 is not in the workspace"):
        ws.save_plan("C1", "zz", gap="x")


def test_opening_a_missing_workspace_without_create_says_how_to_make_one(tmp_path):
    with pytest.raises(WorkspaceError, match="is not an asyncmon workspace"):
        Workspace(tmp_path / "nothing", create=False)


def _writer(folder, start, count):
    ws = Workspace(folder)
    roster = {"people": ("people.csv", PEOPLE), "activities": ("activities.csv", ACTIVITIES)}
    for batch in range(count):
        post_id = start + batch
        ws.import_sources(
            [posts(b"C1,a1,%d,,11,2025-03-29T10:00:00Z,,post %d" % (post_id, post_id))], **roster
        )


def _reader(folder, rounds, queue):
    ws = Workspace(folder)
    seen = []
    for _ in range(rounds):
        data = ws.load()
        seen.append(len(data.posts))
    queue.put(seen)


def test_two_writers_and_a_reader_at_once_lose_nothing(tmp_path, roster):
    Workspace(tmp_path).import_sources([], **roster)
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    procs = [
        ctx.Process(target=_writer, args=(str(tmp_path), 1000, 25)),
        ctx.Process(target=_writer, args=(str(tmp_path), 2000, 25)),
        ctx.Process(target=_reader, args=(str(tmp_path), 40, queue)),
    ]
    for p in procs:
        p.start()
    seen = queue.get(timeout=120)
    for p in procs:
        p.join(timeout=120)
        assert p.exitcode == 0
    stored = Workspace(tmp_path).load().posts
    assert sorted(stored["post_id"].astype(int)) == list(range(1000, 1025)) + list(
        range(2000, 2025)
    )
    # the reader only ever saw whole imports, growing
    assert seen == sorted(seen) and seen[-1] <= 50


def test_words_are_counted_once_at_import_and_stored(tmp_path, roster):
    ws = Workspace(tmp_path)
    export = posts(b'C1,a1,1,,11,2025-03-29T10:00:00Z,,"Why does  water\nmove?"')
    ws.import_sources([export], **roster)
    with sqlite3.connect(ws.db_path) as con:
        assert con.execute("SELECT words FROM posts").fetchall() == [(4,)]
    # an edit brings its own count; the same export again changes nothing
    edited = posts(b"C1,a1,1,,11,2025-03-29T10:00:00Z,2025-03-29T12:00:00Z,Why?")
    assert ws.import_sources([edited], **roster).report.stored["posts"] == StoreCounts(updated=1)
    assert ws.import_sources([edited], **roster).report.stored["posts"] == StoreCounts(unchanged=1)
    assert ws.load().posts["words"].tolist() == [1]


def test_a_workspace_made_before_words_were_stored_counts_them_when_opened(tmp_path, roster):
    ws = Workspace(tmp_path)
    export = posts(
        b"C1,a1,1,,11,2025-03-29T10:00:00Z,,one two three",
        b"C1,a1,2,1,12,2025-03-29T11:00:00Z,,",
    )
    ws.import_sources([export], **roster)
    with sqlite3.connect(ws.db_path) as con:
        con.execute("ALTER TABLE posts DROP COLUMN words")
    reopened = Workspace(tmp_path, create=False)  # opening adds the column and fills it
    with sqlite3.connect(ws.db_path) as con:
        assert con.execute("SELECT post_id, words FROM posts ORDER BY post_id").fetchall() == [
            ("1", 3),
            ("2", 0),
        ]
    assert reopened.load().posts["words"].tolist() == [3, 0]
    assert reopened.import_sources([export], **roster).report.stored["posts"] == StoreCounts(
        unchanged=2
    )


def test_a_course_s_posts_are_read_through_the_table_s_key(tmp_path, roster):
    # loading one course searches the posts' key (course, post), never scans the table;
    # no other index is kept up to date at each import (an old one by activity is dropped)
    ws = Workspace(tmp_path)
    with sqlite3.connect(ws.db_path) as con:
        con.execute("CREATE INDEX posts_activity ON posts (course_id, activity_id)")
    ws = Workspace(tmp_path, create=False)
    ws.import_sources([posts(b"C1,a1,1,,11,2025-03-29T10:00:00Z,,Hello")], **roster)
    with sqlite3.connect(ws.db_path) as con:
        plan = con.execute(
            "EXPLAIN QUERY PLAN SELECT * FROM posts WHERE course_id = 'C1' "
            "ORDER BY course_id, post_id"
        ).fetchall()
        indexes = con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'posts'"
        ).fetchall()
    assert [step[-1] for step in plan] == [
        "SEARCH posts USING INDEX sqlite_autoindex_posts_1 (course_id=?)"
    ]
    assert indexes == [("sqlite_autoindex_posts_1",)]
    assert ws.load(course_id="C1").posts["post_id"].tolist() == ["1"]


def _raw(ws: Workspace) -> dict[str, list[tuple]]:
    """Every stored row of every table, as SQLite gives it back (text, integer or NULL)."""
    with sqlite3.connect(ws.db_path) as con:
        return {
            name: sorted(con.execute(f"SELECT * FROM {name}").fetchall(), key=repr)
            for name in ("courses", "people", "activities", "posts", "reactions", "plans")
        }


@pytest.mark.parametrize("which", ["sample", "other"])
def test_a_first_import_and_a_row_by_row_one_store_the_same_rows(tmp_path, workspace, other, which):
    # a class's first rows are copied in from a staging database, later ones go row by
    # row: both must store every value alike
    data = workspace.load() if which == "sample" else other
    first = Workspace(tmp_path / "first")
    counts = first.store(data)
    assert counts["posts"] == StoreCounts(added=len(data.posts))
    assert not list(first.path.glob(".staging-*"))  # the staging database is gone
    # one post and one reaction per course first: the rest then go row by row
    seed = data.replace(
        posts=data.posts.groupby("course_id").head(1),
        reactions=data.reactions.groupby("course_id").head(1),
    )
    later = Workspace(tmp_path / "later")
    later.store(seed)
    counts = later.store(data)
    courses = data.posts["course_id"].nunique()
    assert counts["posts"] == StoreCounts(added=len(data.posts) - courses, unchanged=courses)
    assert _raw(first) == _raw(later)
    assert len(_raw(first)["posts"]) == len(data.posts)


def test_the_store_writes_times_as_utc_text_and_flags_and_counts_as_integers(tmp_path, roster):
    ws = Workspace(tmp_path)
    first = posts(b"C1,a1,1,,11,2025-03-29T10:00:30.9Z,,Two words")
    later = posts(b"C1,a1,2,1,12,2025-03-29T11:00:00+02:00,2025-03-29T11:30:00Z,")
    for export in (first, later):  # the first staged, the later row by row
        ws.import_sources([export], **roster)
    with sqlite3.connect(ws.db_path) as con:
        rows = con.execute(
            "SELECT post_id, thread_id, parent_id, created_at, edited_at, deleted, words, "
            "private_to FROM posts ORDER BY post_id"
        ).fetchall()
        activity = con.execute(
            "SELECT due_at, class_starts_at, concepts FROM activities WHERE activity_id = 'a1'"
        ).fetchone()
    assert rows == [
        ("1", "1", None, "2025-03-29T10:00:30Z", None, 0, 2, None),
        ("2", "1", "1", "2025-03-29T09:00:00Z", "2025-03-29T11:30:00Z", 0, 0, None),
    ]
    # Amsterdam is an hour ahead of UTC until 30 March 2025, then two
    assert activity == ("2025-03-29T22:59:00Z", "2025-03-31T07:00:00Z", '["osmosis", "diffusion"]')


def test_times_are_stored_as_whole_utc_seconds_whatever_their_year():
    from asyncmon.store import _sql_times

    def times(*texts):
        return pd.Series(pd.to_datetime(list(texts), utc=True, format="ISO8601")).astype(
            "datetime64[us, UTC]"
        )

    usual = times("1969-12-31T23:59:59.7Z", None, "2025-03-04T12:00:00.999999+02:00")
    assert _sql_times(usual).to_pylist() == ["1969-12-31T23:59:59Z", None, "2025-03-04T10:00:00Z"]
    # beyond four-digit years each time is written by Python's own formatting
    far = times("0999-01-02T03:04:05Z", "2025-03-04T10:00:00Z")
    assert _sql_times(far).to_pylist()[1] == "2025-03-04T10:00:00Z"
    assert _sql_times(far).to_pylist()[0].endswith("-01-02T03:04:05Z")


_SPACES = [chr(c) for c in range(0x3001) if chr(c).isspace()]  # none is above U+3000
# not white space, but their UTF-8 bytes begin as those of one do (C2, E1, E2, E3)
_NEAR = ["\x80", "\xa1", "\u1681", "\u2010", "\u2019", "\u202e", "\u2060", "\u3001"]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.none(),
            st.lists(
                st.sampled_from([*_SPACES, *_NEAR, "a", "é", "😀", "\x00", "\x0e"]),
                max_size=12,
            ).map("".join),
        ),
        max_size=30,
    ),
    st.integers(0, 5),
)
def test_words_are_counted_as_python_splits_them(texts, skip):
    # counted on the texts' bytes: every white space Python knows, in one to three bytes
    from asyncmon.tables import _word_counts

    expected = [len(t.split()) if t else 0 for t in texts][skip:]
    for kind in ("str", object):
        counted = _word_counts(pd.Series(texts, dtype=kind).iloc[skip:])
        assert counted.tolist() == expected


def test_a_new_workspace_has_16_kb_pages_and_a_write_ahead_log(tmp_path):
    ws = Workspace(tmp_path / "ws")
    with sqlite3.connect(ws.db_path) as con:
        assert con.execute("PRAGMA page_size").fetchone() == (16384,)
        assert con.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_words_of_many_texts_are_counted_a_slice_at_a_time_alike():
    import random

    from asyncmon.tables import _word_counts

    rng = random.Random(8)
    alphabet = [*_SPACES, *_NEAR, "a", "é", "😀"]
    texts = [
        None if rng.random() < 0.05 else "".join(rng.choices(alphabet, k=rng.randrange(12)))
        for _ in range(20_000)  # more texts than one slice holds
    ]
    counted = _word_counts(pd.Series(texts, dtype="str").iloc[3:])
    assert counted.tolist() == [len(t.split()) if t else 0 for t in texts[3:]]


def test_an_import_removes_staging_left_by_an_import_stopped_by_force(tmp_path, roster):
    import os
    import time

    ws = Workspace(tmp_path / "ws")
    abandoned, live = ws.path / ".staging-abandoned", ws.path / ".staging-live"
    for staging in (abandoned, live):
        staging.mkdir()
        (staging / "staged.sqlite").write_bytes(b"rows")
    two_days_ago = time.time() - 2 * 24 * 3600
    for path in (abandoned / "staged.sqlite", abandoned):
        os.utime(path, (two_days_ago, two_days_ago))
    # the live one: its folder is old, but its database was written a minute ago
    os.utime(live, (two_days_ago, two_days_ago))
    ws.import_sources([posts(b"C1,a1,1,,11,2025-03-29T10:00:00Z,,Hello")], **roster)
    assert not abandoned.exists()
    assert (live / "staged.sqlite").read_bytes() == b"rows"
    assert sorted(p.name for p in ws.path.glob(".staging-*")) == [".staging-live"]


def test_a_staging_database_that_cannot_be_written_stops_the_import_cleanly(
    tmp_path, roster, monkeypatch
):
    import adbc_driver_sqlite.dbapi as adbc
    from adbc_driver_manager import AdbcStatusCode

    def full(path):
        raise adbc.OperationalError("IO: database or disk is full", status_code=AdbcStatusCode.IO)

    ws = Workspace(tmp_path)
    monkeypatch.setattr(adbc, "connect", full)
    with pytest.raises(WorkspaceError) as raised:
        ws.import_sources([posts(b"C1,a1,1,,11,2025-03-29T10:00:00Z,,Hello")], **roster)
    assert raised.value.code == "ASYNC-E203"
    assert "database or disk is full; free some space" in str(raised.value)
    assert not list(tmp_path.glob(".staging-*"))  # nothing left behind
    assert ws.load().posts.empty and ws.load().people.empty  # nothing stored
