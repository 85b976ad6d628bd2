"""Spark through the same narwhals core: every metric table from Spark equals pandas' on the
sample and on the class that is not the sample, read by Spark from canonical Parquet or
converted from memory; question grouping of every activity in parallel (one Spark task per
activity) equals the single-machine grouping.

One SparkSession for the whole file (local[2], 4 shuffle partitions, no UI): starting the
JVM costs 13-30 s. No test is skipped: without pyspark or Java they fail saying what to
install (``make`` installs both).
"""

import shutil
from datetime import UTC, datetime

import pandas as pd
import pytest

from asyncmon import load_sample
from asyncmon.cli import main
from asyncmon.coverage import acknowledgements
from asyncmon.parquet import metric_tables, parquet_metrics, write_parquet
from asyncmon.questions import question_groups

AS_OF = datetime(2025, 3, 10, 20, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def spark():
    try:
        import pyspark  # noqa: F401
    except ImportError:
        pytest.fail("pyspark is not installed: run `make` (or pip install 'asyncmon[spark]')")
    if shutil.which("java") is None:
        pytest.fail(
            "no `java` on PATH: the Spark tests need a Java runtime (17 or later); "
            "`make` installs openjdk-17-jre-headless under CI, or apt-get install it"
        )
    from asyncmon.spark import session

    spark = session(
        master="local[2]",
        config={"spark.sql.shuffle.partitions": "4", "spark.ui.enabled": "false"},
    )
    yield spark
    spark.stop()


@pytest.fixture(scope="module")
def sample():
    return load_sample()


@pytest.fixture(scope="module")
def sample_dir(sample, tmp_path_factory):
    folder = tmp_path_factory.mktemp("spark-parquet") / "sample"
    write_parquet(sample, folder)
    return folder


def _equal(got: pd.DataFrame, expected: pd.DataFrame, name: str) -> None:
    """Same rows, same values; floats within 1e-9."""
    pd.testing.assert_frame_equal(got, expected, obj=name, check_exact=False, atol=1e-9, rtol=0)


def test_metric_tables_of_the_other_class_from_parquet_equal_pandas(spark, other, tmp_path):
    write_parquet(other, tmp_path)
    expected = metric_tables(other)
    got = parquet_metrics(tmp_path, engine="pyspark")
    for name in ("participation", "activities"):
        _equal(got[name], expected[name], name)


def test_metrics_out_of_the_sample_with_spark_writes_the_pandas_tables(
    spark, sample, sample_dir, tmp_path
):
    out = tmp_path / "metrics"
    args = ["metrics", "--data", str(sample_dir), "--engine", "pyspark", "--out", str(out)]
    assert main([*args, "--spark-master", "local[2]", "--as-of", "2025-03-10T20:00Z"]) == 0
    expected = metric_tables(sample, as_of=AS_OF)
    for name in ("participation", "activities"):
        want = tmp_path / f"expected-{name}.parquet"
        expected[name].reset_index(drop=True).to_parquet(want, index=False)
        _equal(pd.read_parquet(out / f"{name}.parquet"), pd.read_parquet(want), name)
    assert expected["participation"]["acknowledged"].any()


def test_spark_writes_the_tables_without_collecting_them_to_the_driver(
    spark, sample, sample_dir, tmp_path, monkeypatch
):
    """Each course's last steps run in a Spark task: what reaches this process is at most
    one row per course (which courses have students), never the tables."""
    from asyncmon.parquet import SMALL_TABLES, load_parquet
    from asyncmon.spark import write_spark_metric_tables

    DataFrame = type(spark.range(1))  # the session's own class (pyspark.sql.classic)
    collected = []
    to_pandas, collect = DataFrame.toPandas, DataFrame.collect

    def counted(method):
        def run(self):
            result = method(self)
            collected.append(len(result))
            return result

        return run

    monkeypatch.setattr(DataFrame, "toPandas", counted(to_pandas))
    monkeypatch.setattr(DataFrame, "collect", counted(collect))
    small = load_parquet(sample_dir, tables=SMALL_TABLES)
    rows = write_spark_metric_tables(sample_dir, small, tmp_path / "out", as_of=AS_OF)
    monkeypatch.undo()
    expected = metric_tables(sample, as_of=AS_OF)
    assert rows == {name: len(table) for name, table in expected.items()}
    assert rows["participation"] > 100
    assert max(collected) <= sample.courses["course_id"].nunique()
    for name in ("participation", "activities"):
        want = tmp_path / f"expected-{name}.parquet"
        expected[name].reset_index(drop=True).to_parquet(want, index=False)
        _equal(pd.read_parquet(tmp_path / "out" / f"{name}.parquet"), pd.read_parquet(want), name)


def test_metrics_out_with_spark_for_one_course_and_activity_equals_pandas(
    spark, sample, sample_dir, tmp_path
):
    course = sorted(sample.activities["course_id"])[-1]
    activity = sample.activities.loc[sample.activities["course_id"] == course, "activity_id"]
    activity = sorted(activity)[1]
    chosen = ["--course", course, "--activity", activity]
    outs = {}
    for engine in ("pandas", "pyspark"):
        outs[engine] = tmp_path / engine
        args = ["metrics", "--data", str(sample_dir), "--engine", engine, "--out"]
        assert main([*args, str(outs[engine]), *chosen]) == 0
    for name in ("participation", "activities"):
        expected = pd.read_parquet(outs["pandas"] / f"{name}.parquet")
        got = pd.read_parquet(outs["pyspark"] / f"{name}.parquet")
        assert len(expected) > 0
        assert set(expected["course_id"]) == {course}
        assert set(expected["activity_id"]) == {activity}
        _equal(got, expected, name)
    # each engine's tables replace the other's (a file, a folder of Spark's parts)
    args = ["metrics", "--data", str(sample_dir), "--out"]
    assert main([*args, str(outs["pandas"]), "--engine", "pyspark"]) == 0
    assert main([*args, str(outs["pyspark"]), "--engine", "pandas"]) == 0
    for name in ("participation", "activities"):
        assert (outs["pandas"] / f"{name}.parquet").is_dir()
        assert (outs["pyspark"] / f"{name}.parquet").is_file()
        whole = pd.read_parquet(outs["pyspark"] / f"{name}.parquet")
        assert set(whole["course_id"]) == set(sample.courses["course_id"])
        _equal(pd.read_parquet(outs["pandas"] / f"{name}.parquet"), whole, name)


def test_a_course_without_students_keeps_its_activities_on_spark(spark, sample, tmp_path):
    """A course whose roster has no student has no facts for Spark's per-course tasks: its
    activities still get their rows (0 students), as on pandas."""
    courses = sorted(sample.courses["course_id"])
    assert len(courses) >= 2
    alone = courses[0]
    people = sample.people
    gone = (people["course_id"] == alone) & (people["role"] == "student")
    data = sample.replace(people=people[~gone].reset_index(drop=True))
    write_parquet(data, tmp_path)
    expected = metric_tables(data)
    got = parquet_metrics(tmp_path, engine="pyspark")
    activities = expected["activities"]
    assert (activities.loc[activities["course_id"] == alone, "students"] == 0).all()
    assert (activities["course_id"] == alone).sum() == (data.activities["course_id"] == alone).sum()
    for name in ("participation", "activities"):
        _equal(got[name], expected[name], name)


def test_a_class_without_posts_yet_has_its_tables_on_spark(spark, sample, tmp_path):
    """The roster and the schedule are in, no post yet (posts/ is empty): every student is
    missing from every activity, on Spark as on pandas."""
    data = sample.replace(posts=sample.posts.iloc[0:0], reactions=sample.reactions.iloc[0:0])
    write_parquet(data, tmp_path)
    expected = metric_tables(data)
    assert (expected["participation"]["status"] == "missing").all()
    got = parquet_metrics(tmp_path, engine="pyspark")
    for name in ("participation", "activities"):
        _equal(got[name], expected[name], name)


def test_the_library_functions_accept_the_pyspark_engine(spark, other):
    """``engine.run`` on Spark frames made from the class in memory."""
    _equal(
        acknowledgements(other, as_of=AS_OF, engine="pyspark"),
        acknowledgements(other, as_of=AS_OF),
        "acknowledgements",
    )


def test_spark_master_is_refused_without_the_spark_engine_or_against_the_session(
    spark, sample_dir, capsys
):
    args = ["metrics", "--data", str(sample_dir), "--spark-master", "local[2]"]
    assert main(args) == 2
    assert "ASYNC-E011 --spark-master goes with --engine pyspark" in capsys.readouterr().err
    assert main([*args, "--engine", "pyspark", "--spark-master", "local[1]"]) == 2
    assert "is already active" in capsys.readouterr().err


def test_question_groups_of_every_activity_in_parallel_equal_one_machine(spark, sample):
    from asyncmon.spark import question_groups_spark

    # Units found by cues: the classifier (the default detector) costs 30 s more on one
    # machine alone, and what is tested here is that each task groups its activity alike.
    expected = question_groups(sample, method="tfidf", detector="cues")
    got = question_groups_spark(
        spark, sample.posts, sample.people, sample.activities, sample.corrections, detector="cues"
    )
    assert len(got[["course_id", "activity_id"]].drop_duplicates()) > 10
    _equal(got, expected, "question_groups")
