"""Spark: the same narwhals metric core on Spark DataFrames, and question grouping of every
activity in parallel, one Spark task per activity.

Nothing here is a second implementation. :func:`asyncmon.engine.student_activity` runs on
Spark DataFrames as it does on polars or duckdb frames (``engine="pyspark"``), and
:func:`question_groups_spark` calls :func:`asyncmon.questions.question_groups` inside the
executors on each activity's posts. The metric tables' last steps (names, rates,
coverage, verdicts) run per course in Spark tasks too (:func:`write_spark_metric_tables`):
the driver reads only the small tables (people, activities, plans).

Spark needs pyspark (``pip install 'asyncmon[spark]'``) and a Java runtime (17 or later;
``make`` installs Debian's ``openjdk-17-jre-headless`` under CI). A session is started
(about 15-30 s: a JVM) the first time one is needed, on ``local[2]`` unless one is already
active: make your own (``asyncmon.spark.session(master="spark://...")``) before calling
to run on a cluster.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from . import engine as _engine
from .errors import AsyncmonError
from .tables import SCHEMAS, ClassData
from .thresholds import DEFAULT_THRESHOLDS, Thresholds

__all__ = [
    "DEFAULT_MASTER",
    "question_groups_spark",
    "read_parquet_spark",
    "session",
    "spark_metric_tables",
    "write_spark_metric_tables",
]

#: The Spark master used when no session is active: two local cores.
DEFAULT_MASTER = "local[2]"


def _pyspark() -> Any:
    try:
        import pyspark
    except ImportError:
        raise AsyncmonError(
            "the pyspark engine needs pyspark: pip install 'asyncmon[spark]'", code="ASYNC-E010"
        ) from None
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        raise AsyncmonError(
            "the pyspark engine needs a Java runtime (17 or later) and finds no `java` on "
            "PATH and no JAVA_HOME: install one, e.g. apt-get install openjdk-17-jre-headless",
            code="ASYNC-E010",
        )
    return pyspark


def session(*, master: str | None = None, config: Mapping[str, str] | None = None) -> Any:
    """The active SparkSession, or a new one on ``master`` (default ``local[2]``).

    Sessions made here count time in UTC (``spark.sql.session.timeZone``), run Python
    workers on this interpreter and use Arrow to move frames to and from pandas. When a
    session is already active it is returned as it is (``master`` must then be None or
    its own). Times come back from Spark without their zone and are read as UTC: a
    session of your own must set ``spark.sql.session.timeZone`` to ``UTC`` too.

    Raises
    ------
    AsyncmonError
        pyspark or Java is missing (ASYNC-E010), or ``master`` differs from the active
        session's (ASYNC-E011).
    """
    _pyspark()
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        if master is not None and active.sparkContext.master != master:
            raise AsyncmonError(
                f"a Spark session on {active.sparkContext.master} is already active; stop it "
                f"(spark.stop()) to start one on {master}",
                code="ASYNC-E011",
            )
        return active
    # The executors' Python workers run this interpreter (read when the JVM starts them).
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    settings = {
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.execution.arrow.pyspark.enabled": "true",
        "spark.pyspark.python": sys.executable,
        "spark.pyspark.driver.python": sys.executable,
        "spark.ui.showConsoleProgress": "false",
        **(config or {}),
    }
    builder = SparkSession.builder.master(master or DEFAULT_MASTER).appName("asyncmon")
    for key, value in settings.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def _spark_types() -> dict[str, Any]:
    """The Spark type of each kind of column: the canonical tables' (``SCHEMAS``) and the
    metric tables' (:data:`METRIC_COLUMNS`)."""
    from pyspark.sql import types as T

    texts = T.ArrayType(T.StringType())
    return {
        "id": T.StringType(),
        "text": T.StringType(),
        "time": T.TimestampType(),
        "bool": T.BooleanType(),
        "count": T.LongType(),
        "float": T.DoubleType(),
        "concepts": texts,
        "list": texts,
    }


def spark_schema(name: str, columns: Sequence[str] | None = None) -> Any:
    """The Spark schema of canonical table ``name`` (its ``columns``, by default all)."""
    from pyspark.sql import types as T

    kinds = _spark_types()
    wanted = list(SCHEMAS[name]) if columns is None else list(columns)
    return T.StructType([T.StructField(c, kinds[SCHEMAS[name][c][0]], True) for c in wanted])


def from_pandas(spark: Any, name: str, frame: pd.DataFrame) -> Any:
    """A canonical pandas table (any subset of its columns) as a Spark DataFrame."""
    frame = frame.reset_index(drop=True)
    columns = list(frame.columns)
    out = {}
    for column in columns:
        kind = SCHEMAS[name][column][0] if column in SCHEMAS[name] else "time"
        values = frame[column]
        if kind == "count":
            values = values.astype("float64" if values.isna().any() else "int64")
        elif kind in ("id", "text"):
            values = values.astype(object).where(values.notna(), None)
        out[column] = values
    schema = _schema_of(name, columns)
    return spark.createDataFrame(pd.DataFrame(out, columns=columns), schema=schema)


def _schema_of(name: str, columns: Sequence[str]) -> Any:
    from pyspark.sql import types as T

    known = [c for c in columns if c in SCHEMAS[name]]
    fields = {f.name: f for f in spark_schema(name, known).fields}
    return T.StructType([fields.get(c, T.StructField(c, T.TimestampType(), True)) for c in columns])


def read_parquet_spark(
    spark: Any,
    folder: str | Path,
    name: str,
    columns: Sequence[str],
    course_id: str | None = None,
) -> Any:
    """Table ``name`` of a canonical Parquet folder read by Spark itself: the posts as one
    hive-partitioned dataset (``course_id`` from the folders' names, kept as text), the
    other tables from their files; only ``columns`` (Parquet is read by column, so a post's
    ``body`` is never read unless asked for)."""
    folder = Path(folder)
    if name == "posts":
        # The schema given, so that a course id like "0101" stays text (no type inference).
        frame = spark.read.schema(spark_schema("posts")).parquet(str(folder / "posts"))
    else:
        frame = spark.read.parquet(str(folder / f"{name}.parquet"))
    if course_id is not None:
        frame = frame.filter(frame["course_id"] == course_id)
    return frame.select(*columns)


#: The kind of each column of the metric tables (:func:`asyncmon.parquet.parquet_metrics`),
#: in their order: what Spark is told the per-course tasks return, and how the
#: collected columns are given their pandas dtypes back.
METRIC_COLUMNS: dict[str, dict[str, str]] = {
    "participation": {
        **dict.fromkeys(("course_id", "activity_id", "student_id", "name", "status"), "text"),
        "first_post_at": "time",
        **dict.fromkeys(("posts", "replies_to_peers", "replies_received_from_peers"), "count"),
        "words": "count",
        "acknowledged": "bool",
        "acknowledged_at": "time",
        "acknowledged_before_class": "bool",
        "acknowledged_by": "list",
        "acknowledgement_kind": "text",
        "time_known": "bool",
        "hours_to_acknowledgement": "float",
    },
    "activities": {
        **dict.fromkeys(("course_id", "activity_id", "title"), "text"),
        **dict.fromkeys(("due_at", "class_starts_at"), "time"),
        **dict.fromkeys(
            ("students", "participating", "on_time", "late", "after_class", "missing"), "count"
        ),
        "participation_rate": "float",
        **dict.fromkeys(("participating_before_class", "acknowledged_before_class"), "count"),
        "coverage_before_class": "float",
        **dict.fromkeys(("participating_as_of", "acknowledged"), "count"),
        "coverage": "float",
        "median_hours_to_acknowledgement": "float",
        **dict.fromkeys(("substantive_comments_before_class", "unknown_time"), "count"),
        **dict.fromkeys(("planning_hours", "planning_hours_left"), "float"),
        **dict.fromkeys(("planning_warning", "verdict"), "text"),
        "failed_checks": "list",
    },
}


def _tasks_schema() -> Any:
    """The Spark schema of what the per-course tasks return: the rows of both metric
    tables in one frame, each row of one table (``_table``), its columns named
    ``<table>__<column>`` (the other table's left empty), with its course (``_course``)
    and its order in its course (``_row``)."""
    from pyspark.sql import types as T

    kinds = _spark_types()
    fields = [
        T.StructField("_table", T.StringType(), False),
        T.StructField("_course", T.StringType(), False),
        T.StructField("_row", T.LongType(), False),
    ]
    for name, columns in METRIC_COLUMNS.items():
        fields += [T.StructField(f"{name}__{c}", kinds[k], True) for c, k in columns.items()]
    return T.StructType(fields)


def spark_metric_tables(
    folder: str | Path,
    small: ClassData,
    *,
    as_of: datetime | None = None,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    course_id: str | None = None,
    activity_id: str | None = None,
) -> dict[str, pd.DataFrame]:
    """:func:`asyncmon.parquet.parquet_metrics` on Spark, collected to pandas: see
    :func:`write_spark_metric_tables` for what runs where. ``small`` is the folder's small
    tables (``load_parquet(folder, tables=SMALL_TABLES)``)."""
    with _metric_frames(folder, small, as_of, thresholds, course_id, activity_id) as frames:
        return {name: _collected(name, frame) for name, frame in frames.items()}


def write_spark_metric_tables(
    folder: str | Path,
    small: ClassData,
    out: str | Path,
    *,
    as_of: datetime | None = None,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    course_id: str | None = None,
    activity_id: str | None = None,
) -> dict[str, int]:
    """Write the metric tables of a Parquet folder from Spark itself, collecting nothing
    of their size to the driver: ``OUT/participation.parquet/`` and
    ``OUT/activities.parquet/``, each a folder of Parquet parts (Spark's own writer, so
    ``out`` may be any path Spark writes to), in the order the other engines write.

    The core runs on Spark DataFrames; then each course's last steps (names, rates,
    coverage, planning, verdicts: the pandas functions the other engines use) run in one
    Spark task per course (``groupBy(course_id).cogroup(...).applyInPandas``) on that
    course's facts and acknowledgement events, with its small tables (people,
    activities, plans: the only tables the driver reads). Returns the rows written per
    table (from the files' metadata).
    """
    from ._paths import output_folder

    target = str(out) if "://" in str(out) else str(output_folder(out))
    with _metric_frames(folder, small, as_of, thresholds, course_id, activity_id) as frames:
        spark = session()
        # times as Parquet's UTC microseconds (Spark's default, INT96, reads back naive)
        spark.conf.set("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")
        rows = {}
        for name, frame in frames.items():
            path = f"{target}/{name}.parquet"
            if Path(path).is_file():  # written by another engine before
                Path(path).unlink()
            frame.write.mode("overwrite").parquet(path)
            rows[name] = _rows_written(path)
        return rows


def _rows_written(path: str) -> int:
    try:
        import pyarrow.dataset as ds

        return int(ds.dataset(path, format="parquet").count_rows())
    except (OSError, ValueError):  # a path only Spark reaches (e.g. hdfs://)
        spark = session()
        return int(spark.read.parquet(path).count())


@contextmanager
def _metric_frames(
    folder: str | Path,
    small: ClassData,
    as_of: datetime | None,
    thresholds: Thresholds,
    course_id: str | None,
    activity_id: str | None,
) -> Iterator[dict[str, Any]]:
    """The metric tables as Spark DataFrames, sorted as on the other engines (by course,
    then in each course's own order), what they are made from cached while they are
    used. One task per course works out both tables."""
    from pyspark.sql import functions as F

    from .parquet import core_tables

    native, _ = core_tables(Path(folder), small, engine="pyspark", as_of=as_of, course_id=course_id)
    facts, events, held = _engine.native_facts_and_events(
        native, substantive_words=thresholds.substantive_words
    )
    facts = facts.cache()
    cached = [facts]
    try:
        rows = (
            facts.groupBy("course_id")
            .cogroup(events.groupBy("course_id"))
            .applyInPandas(_course_task(small, as_of, thresholds), _tasks_schema())
        )
        have = {row[0] for row in facts.select("course_id").distinct().collect()}
        lonely = sorted(set(small.activities["course_id"]) - have)
        if lonely:
            rows = rows.unionByName(
                _without_students(small, lonely, facts, events, as_of, thresholds)
            )
        # cached: each table reads it, and a sort samples its input before it sorts
        cached.append(rows.cache())
        frames = {}
        for name, columns in METRIC_COLUMNS.items():
            frame = cached[-1].filter(F.col("_table") == name)
            frame = frame.select(
                "_course", "_row", *(F.col(f"{name}__{c}").alias(c) for c in columns)
            )
            if activity_id is not None:
                frame = frame.filter(F.col("activity_id") == activity_id)
            frames[name] = frame.orderBy("_course", "_row").drop("_course", "_row")
        yield frames
    finally:
        for frame in cached:
            frame.unpersist()
        _engine.release(held)


def _course_task(small: ClassData, as_of: datetime | None, thresholds: Thresholds) -> Any:
    def task(key: tuple, facts: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
        # one course, in an executor
        if facts.empty:
            return pd.DataFrame(columns=_tasks_schema().fieldNames())
        course = small.for_course(key[0])
        return _course_rows(key[0], course, facts, events, as_of, thresholds)

    return task


def _course_rows(
    course_id: str,
    course: ClassData,
    facts: pd.DataFrame,
    events: pd.DataFrame,
    as_of: datetime | None,
    thresholds: Thresholds,
) -> pd.DataFrame:
    """Both metric tables of one course from its facts and events, as on one machine, in
    the shape of :func:`_tasks_schema`."""
    from .coverage import acknowledgement_table
    from .parquet import _metric_tables

    facts, events = _engine.to_pandas(facts), _engine.to_pandas(events)
    tables = _metric_tables(course, acknowledgement_table(facts, events, course), as_of, thresholds)
    parts = []
    for name, table in tables.items():
        part = {f"{name}__{c}": table[c].reset_index(drop=True) for c in METRIC_COLUMNS[name]}
        parts.append(
            pd.DataFrame({"_table": name, "_course": course_id, "_row": range(len(table)), **part})
        )
    rows = pd.concat(parts, ignore_index=True)
    # texts and lists as Python objects, None where empty (the other table's columns):
    # Spark's Arrow conversion takes neither NaN for a text nor pandas' chunked strings
    texts = ["_table", "_course"] + [
        f"{name}__{column}"
        for name, columns in METRIC_COLUMNS.items()
        for column, kind in columns.items()
        if kind in ("text", "list")
    ]
    values = rows[texts].astype(object)
    rows[texts] = values.where(values.notna(), None)
    return rows


def _without_students(
    small: ClassData,
    courses: list[str],
    facts: Any,
    events: Any,
    as_of: datetime | None,
    thresholds: Thresholds,
) -> Any:
    """The rows of ``courses``, which have no facts (no student on their roster: their
    activities still have a row), worked out on the driver; small by nature."""
    no_facts, no_events = _engine.to_pandas(facts.limit(0)), _engine.to_pandas(events.limit(0))
    parts = [
        _course_rows(c, small.for_course(c), no_facts, no_events, as_of, thresholds)
        for c in courses
    ]
    return session().createDataFrame(pd.concat(parts, ignore_index=True), _tasks_schema())


def _collected(name: str, frame: Any) -> pd.DataFrame:
    """A Spark metric table collected, with the dtypes the other engines give it."""
    result = _engine.to_pandas(frame)  # times as UTC
    dtypes = {"text": "str", "count": "int64", "bool": "bool", "float": "float64"}
    for column, kind in METRIC_COLUMNS[name].items():
        if kind == "list":
            result[column] = [list(v) for v in result[column]]
        elif kind in dtypes:
            result[column] = result[column].astype(dtypes[kind])
    return result


def question_groups_spark(
    spark: Any,
    posts: Any,
    people: pd.DataFrame,
    activities: pd.DataFrame,
    corrections: pd.DataFrame | None = None,
    *,
    method: str = "tfidf",
    threshold: float | None = None,
    min_students: int = 2,
    detector: str = "auto",
) -> pd.DataFrame:
    """:func:`asyncmon.questions.question_groups` of every activity in parallel: one
    Spark task per activity (``groupBy(course_id, activity_id).applyInPandas``), each
    calling ``question_groups`` on that activity's posts inside an executor.

    Parameters
    ----------
    spark : SparkSession
    posts : Spark DataFrame or pandas DataFrame
        The canonical posts (``body`` included), of any number of courses.
    people, activities : DataFrame
        The canonical people and activities (small: sent to every task).
    corrections : DataFrame, optional
        The teachers' corrections of groups, applied as on one machine.
    method : str, default "tfidf"
        The embedding method (installed on every executor); "tfidf" needs nothing more
        than scikit-learn.
    threshold, min_students, detector
        As in :func:`~asyncmon.questions.question_groups`.

    Returns
    -------
    DataFrame
        The columns of :func:`~asyncmon.questions.question_groups`, its rows for every
        activity, ordered by course, activity and rank; lists as Python lists.
    """
    from pyspark.sql import types as T

    from .questions.metric import _GROUP_COLUMNS

    if isinstance(posts, pd.DataFrame):
        posts = from_pandas(spark, "posts", posts)
    corrections = corrections if corrections is not None else pd.DataFrame()
    text = T.ArrayType(T.StringType())
    kinds: dict[str, Any] = {
        "rank": T.LongType(),
        "students": T.LongType(),
        "agreements": T.LongType(),
        "share": T.DoubleType(),
        "answered": T.BooleanType(),
        "answered_before_class": T.BooleanType(),
        "corrected": T.BooleanType(),
        **{c: text for c in ("student_ids", "post_ids", "unit_ids", "unit_texts", "examples")},
    }
    schema = T.StructType(
        [T.StructField(c, kinds.get(c, T.StringType()), True) for c in _GROUP_COLUMNS]
    )
    options = {
        "method": method,
        "threshold": threshold,
        "min_students": min_students,
        "detector": detector,
    }
    small = (people, activities, corrections)

    def task(activity_posts: pd.DataFrame) -> pd.DataFrame:  # one activity, in an executor
        return _activity_groups(activity_posts, *small, options)

    columns = [c for c in SCHEMAS["posts"] if c in posts.columns]
    result = (
        posts.select(*columns)
        .groupBy("course_id", "activity_id")
        .applyInPandas(task, schema=schema)
        .toPandas()
    )
    for column, kind in kinds.items():
        if kind is text:
            result[column] = [list(v) for v in result[column]]
    result = result.sort_values(["course_id", "activity_id", "rank"], kind="stable")
    return result.reset_index(drop=True)[_GROUP_COLUMNS]


def _activity_groups(
    posts: pd.DataFrame,
    people: pd.DataFrame,
    activities: pd.DataFrame,
    corrections: pd.DataFrame,
    options: dict[str, Any],
) -> pd.DataFrame:
    """What one Spark task runs: ``question_groups`` on one activity's posts."""
    from types import SimpleNamespace

    from .questions.metric import _GROUP_COLUMNS, question_groups
    from .tables import make_table

    if posts.empty:
        return pd.DataFrame(columns=_GROUP_COLUMNS)
    course, activity = posts["course_id"].iloc[0], posts["activity_id"].iloc[0]

    def one(frame: pd.DataFrame, activity_too: bool = True) -> pd.DataFrame:
        if frame.empty:
            return frame
        keep = frame["course_id"] == course
        if activity_too:
            keep &= frame["activity_id"] == activity
        return frame[keep].reset_index(drop=True)

    data = SimpleNamespace(
        posts=make_table("posts", posts.to_dict("records")),
        people=one(people, activity_too=False),
        activities=one(activities),
        corrections=one(corrections),
    )
    groups = question_groups(data, course_id=course, activity_id=activity, **options)
    return groups.astype({"rank": "int64", "students": "int64", "agreements": "int64"})
