"""Spark: the same narwhals metric core on Spark DataFrames, and question grouping of every
activity in parallel, one Spark task per activity.

Nothing here is a second implementation. :func:`asyncmon.engine.student_activity` runs on
Spark DataFrames as it does on polars or duckdb frames (``engine="pyspark"``), and
:func:`question_groups_spark` calls :func:`asyncmon.questions.question_groups` inside the
executors on each activity's posts. Results are collected to pandas at the end only.

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
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import AsyncmonError
from .tables import SCHEMAS

__all__ = ["DEFAULT_MASTER", "question_groups_spark", "read_parquet_spark", "session"]

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


def spark_schema(name: str, columns: Sequence[str] | None = None) -> Any:
    """The Spark schema of canonical table ``name`` (its ``columns``, by default all)."""
    from pyspark.sql import types as T

    kinds = {
        "id": T.StringType(),
        "text": T.StringType(),
        "time": T.TimestampType(),
        "bool": T.BooleanType(),
        "count": T.LongType(),
        "concepts": T.ArrayType(T.StringType()),
    }
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
