"""Canonical Parquet in and out: the layout, a workspace's tables back identical, and the
metric tables from Parquet on every engine equal to pandas' from the workspace, without
reading a post's text."""

import json
from datetime import UTC, datetime

import pandas as pd
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings

from asyncmon import Workspace, import_sources
from asyncmon.cli import main
from asyncmon.datasets import sample_import_options
from asyncmon.errors import AsyncmonError
from asyncmon.parquet import load_parquet, metric_tables, parquet_metrics, write_parquet
from asyncmon.tables import SCHEMAS

from .test_generative import classes

ENGINES = ["pandas", "polars", "duckdb"]
AS_OF = datetime(2025, 3, 10, 20, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def sample_ws(tmp_path_factory):
    """The sample class in a workspace, with a plan, an outcome and a correction."""
    options = sample_import_options()
    ws = Workspace(tmp_path_factory.mktemp("sample") / "ws")
    ws.import_sources(options.pop("files"), **options)
    ws.save_plan("BIO101", "w1", gap="osmosis", feedback="demo", followup_kind="debate")
    ws.record_outcome("BIO101", "w1", "partly", note="ran out of time", understood=14)
    ws.add_correction("BIO101", "w1", action="rename", units=["p1#1"], label="Why water?")
    return ws


@pytest.fixture(scope="module")
def sample_dir(sample_ws, tmp_path_factory):
    folder = tmp_path_factory.mktemp("parquet") / "class"
    assert main(["export", "--workspace", str(sample_ws.path), "--format", "parquet",
                 "--out", str(folder)]) == 0  # fmt: skip
    return folder


def test_the_layout_and_its_types(sample_dir):
    names = sorted(p.relative_to(sample_dir).as_posix() for p in sample_dir.rglob("*.parquet"))
    assert names == [
        "activities.parquet",
        "corrections.parquet",
        "courses.parquet",
        "outcomes.parquet",
        "people.parquet",
        "plans.parquet",
        "posts/course_id=BIO101/part-0.parquet",
        "posts/course_id=ENG150/part-0.parquet",
        "posts/course_id=HIS210/part-0.parquet",
        "reactions.parquet",
    ]
    posts = pq.read_schema(sample_dir / "posts/course_id=BIO101/part-0.parquet")
    assert "course_id" not in posts.names  # in the folder's name (hive style)
    assert str(posts.field("post_id").type) == "string"
    assert str(posts.field("created_at").type) == "timestamp[us, tz=UTC]"
    assert str(posts.field("words").type) == "int64"
    activities = pq.read_schema(sample_dir / "activities.parquet")
    assert str(activities.field("concepts").type.value_type) == "string"


def test_a_workspace_comes_back_identical_from_parquet(sample_ws, sample_dir):
    stored, back = sample_ws.load(), load_parquet(sample_dir)
    for name in SCHEMAS:
        assert len(getattr(back, name)) > 0, name
        pd.testing.assert_frame_equal(getattr(back, name), getattr(stored, name), obj=name)
    one = load_parquet(sample_dir, course_id="ENG150")
    pd.testing.assert_frame_equal(one.posts, stored.for_course("ENG150").posts)


@pytest.mark.parametrize("engine", ENGINES)
def test_metrics_from_parquet_equal_the_workspace_metrics(sample_ws, sample_dir, engine):
    expected = metric_tables(sample_ws.load(), as_of=AS_OF)
    got = parquet_metrics(sample_dir, engine=engine, as_of=AS_OF)
    for name in ("participation", "activities"):
        pd.testing.assert_frame_equal(got[name], expected[name], obj=name)
    assert got["participation"]["words"].sum() > 0


@pytest.mark.parametrize("engine", ENGINES)
def test_one_course_from_parquet_is_that_course_of_the_whole(sample_ws, sample_dir, engine):
    # the course is picked from the ids as text, before polars and duckdb code them
    whole = metric_tables(sample_ws.load(), as_of=AS_OF)
    got = parquet_metrics(sample_dir, engine=engine, as_of=AS_OF, course_id="HIS210")
    for name in ("participation", "activities"):
        expected = whole[name][whole[name]["course_id"] == "HIS210"].reset_index(drop=True)
        assert len(expected) > 0
        pd.testing.assert_frame_equal(got[name], expected, obj=name)


@pytest.mark.parametrize("engine", ENGINES)
def test_metrics_of_the_other_class_from_parquet(other, tmp_path, engine):
    write_parquet(other, tmp_path)
    expected = metric_tables(other)
    got = parquet_metrics(tmp_path, engine=engine)
    for name in ("participation", "activities"):
        pd.testing.assert_frame_equal(got[name], expected[name], obj=name)


def test_the_metrics_never_read_a_post_text(sample_dir, tmp_path):
    """The posts files rewritten without their body column: the metric tables are the same
    on every engine, so no engine read it; reading the whole class says it is missing."""
    import shutil

    folder = tmp_path / "no-body"
    shutil.copytree(sample_dir, folder)
    for part in (folder / "posts").glob("*/part-0.parquet"):
        pq.write_table(pq.read_table(part).drop_columns(["body"]), part)
    expected = parquet_metrics(sample_dir, engine="pandas")
    for engine in ENGINES:
        got = parquet_metrics(folder, engine=engine)
        pd.testing.assert_frame_equal(got["participation"], expected["participation"])
    with pytest.raises(AsyncmonError, match="lacks column.s. body") as info:
        load_parquet(folder)
    assert info.value.code == "ASYNC-E224"


def test_metrics_out_writes_the_tables_as_parquet(sample_dir, tmp_path, capsys):
    out = tmp_path / "metrics"
    args = ["metrics", "--data", str(sample_dir), "--engine", "polars", "--out", str(out)]
    assert main([*args, "--course", "BIO101", "--activity", "w2"]) == 0
    assert "participation.parquet: 26 rows" in capsys.readouterr().out
    participation = pd.read_parquet(out / "participation.parquet")
    assert set(participation["activity_id"]) == {"w2"} and len(participation) == 26
    assert isinstance(participation["acknowledged_by"].iloc[0].tolist(), list)
    activities = pd.read_parquet(out / "activities.parquet")
    assert activities[["course_id", "activity_id"]].values.tolist() == [["BIO101", "w2"]]


def test_metrics_json_from_parquet_is_the_workspace_document(sample_ws, sample_dir, capsys):
    common = ["--course", "BIO101", "--activity", "w1", "--method", "tfidf", "--json"]
    common += ["--as-of", "2025-03-10T20:00Z"]
    assert main(["metrics", "--data", str(sample_dir), *common]) == 0
    from_parquet = json.loads(capsys.readouterr().out)
    assert main(["metrics", "--workspace", str(sample_ws.path), *common]) == 0
    assert from_parquet == json.loads(capsys.readouterr().out)


def test_a_folder_that_is_not_canonical_parquet_says_what_is_missing(tmp_path, capsys):
    with pytest.raises(AsyncmonError, match="lacks courses.parquet") as info:
        load_parquet(tmp_path)
    assert info.value.code == "ASYNC-E224"
    assert main(["metrics", "--data", str(tmp_path)]) == 2
    assert "ASYNC-E224" in capsys.readouterr().err


def test_parquet_keeps_names_and_refuses_spreadsheet_options(sample_ws, tmp_path, capsys):
    args = ["export", "--workspace", str(sample_ws.path), "--format", "parquet"]
    assert main([*args, "--out", str(tmp_path / "x"), "--show-names"]) == 2
    assert "Parquet holds the canonical tables as stored" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


def test_more_courses_than_the_writer_keeps_files_open(tmp_path):
    # 1,100 courses (pyarrow's writer refuses more than 1,024 partitions by default, and
    # keeps at most 1,024 files open): every course gets its one file, every post is back
    from asyncmon import load_sample
    from asyncmon.tables import empty_table

    sample = load_sample()
    course = sample.courses["course_id"].iloc[0]
    n = 1100
    ids = [f"k{i:04d}" for i in range(n)]

    def per_course(frame):
        one = frame[frame["course_id"] == course]
        return pd.concat([one.assign(course_id=c) for c in ids], ignore_index=True).astype(
            {"course_id": "str"}
        )

    first = sample.posts[sample.posts["course_id"] == course].head(2)
    posts = pd.concat([first.assign(course_id=c) for c in ids], ignore_index=True).astype(
        {"course_id": "str"}
    )
    data = sample.replace(
        courses=per_course(sample.courses),
        people=per_course(sample.people),
        activities=per_course(sample.activities),
        posts=posts,
        reactions=empty_table("reactions"),
        plans=empty_table("plans"),
        outcomes=empty_table("outcomes"),
        corrections=empty_table("corrections"),
    )
    write_parquet(data, tmp_path / "many")
    files = sorted((tmp_path / "many" / "posts").glob("*/*.parquet"))
    assert len(files) == n
    assert {f.name for f in files} == {"part-0.parquet"}
    back = load_parquet(tmp_path / "many").posts
    key = ["course_id", "post_id"]
    pd.testing.assert_frame_equal(
        back.sort_values(key).reset_index(drop=True),
        posts.sort_values(key).reset_index(drop=True),
    )


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(classes())
def test_every_engine_gives_the_same_tables_on_random_classes(tmp_path_factory, drawn):
    # odd ids (quotes, markup, other scripts) in the posts' folder names and in the codes
    # polars and duckdb join on; authors not on the roster; classes without posts
    files, _ = drawn
    result = import_sources(
        [f for f in files if f[0] in ("posts.csv", "reactions.csv")],
        people=dict(files)["people.csv"] and ("people.csv", dict(files)["people.csv"]),
        activities=("activities.csv", dict(files)["activities.csv"]),
    )
    data = result.data
    folder = tmp_path_factory.mktemp("random")
    write_parquet(data, folder)
    expected = metric_tables(data)
    for engine in ENGINES:
        got = parquet_metrics(folder, engine=engine)
        for name in ("participation", "activities"):
            pd.testing.assert_frame_equal(got[name], expected[name], obj=f"{engine} {name}")
