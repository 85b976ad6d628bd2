"""Canonical Parquet: the class's tables as files an institution's own pipeline writes and
reads, and the metric tables worked out from them on pandas, polars, duckdb or Spark.

The layout of a folder ``DIR`` (one file per table, the posts split by course)::

    DIR/posts/course_id=<id>/part-0.parquet   posts of one course (hive style: the id is in
                                              the folder's name, percent-encoded as in a URL)
    DIR/courses.parquet  DIR/people.parquet  DIR/activities.parquet  DIR/reactions.parquet
    DIR/plans.parquet  DIR/outcomes.parquet  DIR/corrections.parquet

Columns are those of :data:`asyncmon.tables.SCHEMAS`: ids and texts are strings, times UTC
timestamps (microseconds), ``deleted`` a boolean, counts (``words``, ``understood``) 64-bit
integers, ``concepts`` a list of strings. The files hold the tables as the workspace holds
them: real names, ids and post texts (this is the institution's own format, read back by
its pipeline; pseudonymise what leaves it, as ``asyncmon export`` does for spreadsheets).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from . import engine as _engine
from ._paths import output_folder
from .coverage import acknowledgement_table, acknowledgements
from .errors import AsyncmonError
from .planning import activity_summary
from .tables import KEYS, SCHEMAS, TIME_DTYPE, ClassData, empty_table
from .thresholds import DEFAULT_THRESHOLDS, Thresholds

__all__ = [
    "load_parquet",
    "metric_tables",
    "parquet_metrics",
    "read_parquet",
    "write_metric_tables",
    "write_parquet",
]

#: The tables the metric core reads, and their columns (``body`` is not one of them).
CORE_COLUMNS: dict[str, list[str]] = {
    "posts": _engine.TABLE_COLUMNS["posts"],
    "people": _engine.TABLE_COLUMNS["people"],
    "activities": ["course_id", "activity_id", "due_at", "class_starts_at"],
    "reactions": _engine.TABLE_COLUMNS["reactions"],
}
#: The columns :func:`_native` codes (``coded``): every id the core joins or compares on.
_ID_COLUMNS = frozenset(
    ["course_id", "activity_id", "post_id", "parent_id", "author_id", "private_to", "person_id"]
)
_SEED = 20_251_130  # polars' hash seed for the codes (any fixed number)
#: The small tables the metric tables name and plan with (read whole, with pandas).
SMALL_TABLES = ("courses", "people", "activities", "plans", "outcomes")


def _arrow() -> Any:
    try:
        import pyarrow
    except ImportError:
        raise AsyncmonError(
            "Parquet needs pyarrow (a dependency of asyncmon): pip install pyarrow",
            code="ASYNC-E009",
        ) from None
    return pyarrow


def arrow_schema(name: str) -> Any:
    """The Parquet (arrow) schema of canonical table ``name``."""
    pa = _arrow()
    kinds = {
        "id": pa.string(),
        "text": pa.string(),
        "time": pa.timestamp("us", tz="UTC"),
        "bool": pa.bool_(),
        "count": pa.int64(),
        "concepts": pa.list_(pa.string()),
    }
    return pa.schema([(column, kinds[kind]) for column, (kind, _) in SCHEMAS[name].items()])


def _course_partitioning() -> Any:
    pa = _arrow()
    import pyarrow.dataset as ds

    return ds.partitioning(pa.schema([("course_id", pa.string())]), flavor="hive")


def write_parquet(data: ClassData, folder: str | Path) -> list[Path]:
    """Write every canonical table of ``data`` into ``folder`` (made if missing), in the
    layout of this module: ``posts/course_id=<id>/part-0.parquet`` and ``<table>.parquet``.

    The table files are replaced and ``posts/`` as a whole (a course gone from ``data``
    leaves no folder behind); anything else in ``folder`` is left as it is.

    Returns
    -------
    list of Path
        The files written: the table files, then one posts file per course.

    Raises
    ------
    AsyncmonError
        ``folder`` is a file (ASYNC-E222), its parent does not exist (ASYNC-E215), a file
        cannot be written (ASYNC-E216), or pyarrow is not installed (ASYNC-E009).

    Examples
    --------
    >>> import tempfile
    >>> from asyncmon import load_sample
    >>> files = write_parquet(load_sample(), tempfile.mkdtemp())
    >>> sorted(f.parent.name for f in files if f.name == "part-0.parquet")
    ['course_id=BIO101', 'course_id=ENG150', 'course_id=HIS210']
    """
    _arrow()
    import pyarrow.dataset as ds
    import pyarrow.parquet as pq

    out = output_folder(folder)
    written = []
    try:
        for name in SCHEMAS:
            if name == "posts":
                continue
            path = out / f"{name}.parquet"
            pq.write_table(_to_arrow(name, getattr(data, name)), path)
            written.append(path)
        staging = Path(tempfile.mkdtemp(prefix=".posts-", dir=out))
        # one file per course even with thousands of courses: the rows in course order,
        # written in that order, so that a course's file is finished before the writer
        # closes it to stay under its limit of open files (it would start a second one)
        courses = int(data.posts["course_id"].nunique())
        ds.write_dataset(
            _to_arrow("posts", data.posts).sort_by("course_id"),
            staging / "posts",
            format="parquet",
            partitioning=_course_partitioning(),
            basename_template="part-{i}.parquet",
            max_partitions=max(1024, courses),
            use_threads=False,
        )
        (staging / "posts").mkdir(exist_ok=True)  # a class without posts yet has none
        posts = out / "posts"
        if posts.exists():
            shutil.rmtree(posts)
        (staging / "posts").rename(posts)
        shutil.rmtree(staging)
    except OSError as exc:
        raise AsyncmonError(f"cannot write {out}: {exc.strerror}", code="ASYNC-E216") from None
    return written + sorted(posts.glob("*/part-0.parquet"))


def _to_arrow(name: str, frame: pd.DataFrame) -> Any:
    pa = _arrow()
    schema = arrow_schema(name)
    columns = {}
    for field in schema:
        values = frame[field.name]
        if pa.types.is_list(field.type):
            values = [list(v) for v in values]
        elif pa.types.is_string(field.type):
            values = values.astype(object).where(values.notna(), None)
        columns[field.name] = pa.array(values, type=field.type, from_pandas=True)
    return pa.table(columns, schema=schema)


def _table_file(folder: Path, name: str) -> Path:
    path = folder / f"{name}.parquet"
    if not path.is_file():
        raise AsyncmonError(
            f"{folder} lacks {path.name}: a folder of canonical Parquet tables holds "
            f"posts/ and {', '.join(f'{n}.parquet' for n in SCHEMAS if n != 'posts')}; "
            "write one with asyncmon export --format parquet",
            code="ASYNC-E224",
        )
    return path


def _post_files(folder: Path) -> list[Path]:
    if not (folder / "posts").is_dir():
        raise AsyncmonError(
            f"{folder} lacks posts/ (posts/course_id=<id>/part-0.parquet); write one with "
            "asyncmon export --format parquet",
            code="ASYNC-E224",
        )
    return sorted((folder / "posts").glob("course_id=*/*.parquet"))


def _read_pandas(
    folder: Path, name: str, columns: Sequence[str] | None, course_id: str | None
) -> pd.DataFrame:
    """Table ``name`` read with pyarrow into pandas, with the canonical dtypes."""
    import pyarrow.dataset as ds

    wanted = list(SCHEMAS[name]) if columns is None else list(columns)
    if name == "posts":
        files = _post_files(folder)
        if not files:  # a class without posts yet
            return empty_table("posts")[wanted]
        source = ds.dataset(
            [str(f) for f in files],
            format="parquet",
            partitioning=_course_partitioning(),
            partition_base_dir=str(folder / "posts"),
        )
    else:
        source = ds.dataset(_table_file(folder, name), format="parquet")
    _check_columns(folder, name, source.schema.names, wanted)
    where = None if course_id is None else ds.field("course_id") == course_id
    return _canonical(name, source.to_table(columns=wanted, filter=where).to_pandas())


def _check_columns(folder: Path, name: str, have: Sequence[str], wanted: Sequence[str]) -> None:
    lacking = [c for c in wanted if c not in have]
    if lacking:
        where = folder / ("posts" if name == "posts" else f"{name}.parquet")
        raise AsyncmonError(
            f"{where} lacks column(s) {', '.join(lacking)}; the canonical {name} table has "
            f"{', '.join(SCHEMAS[name])}",
            code="ASYNC-E224",
        )


def _canonical(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Columns of a table read from Parquet in the dtypes of :func:`~asyncmon.make_table`."""
    out = {}
    for column in frame.columns:
        kind = SCHEMAS[name][column][0]
        values = frame[column]
        if kind in ("id", "text"):  # str already, but a course folder's name (category)
            out[column] = values if values.dtype == "str" else values.astype("str")
        elif kind == "time":
            out[column] = values.astype(TIME_DTYPE)
        elif kind == "bool":
            out[column] = values.astype(bool)
        elif kind == "count":
            out[column] = values.astype("Int64")
        else:
            out[column] = pd.Series(
                [tuple(v) if v is not None else () for v in values], index=frame.index, dtype=object
            )
    return pd.DataFrame(out, index=frame.index)


def load_parquet(
    folder: str | Path,
    *,
    course_id: str | None = None,
    tables: Sequence[str] | None = None,
) -> ClassData:
    """The canonical tables of a Parquet folder (all columns, post texts too) as
    :class:`~asyncmon.ClassData`, validated; only course ``course_id`` when given (its
    posts folder alone is read); only the ``tables`` named when given (the others empty).

    Examples
    --------
    >>> import tempfile
    >>> from asyncmon import load_sample
    >>> folder = tempfile.mkdtemp()
    >>> _ = write_parquet(load_sample(), folder)
    >>> one = load_parquet(folder, course_id="BIO101")
    >>> sorted(set(one.posts.course_id)), len(one.people[one.people.role == "student"])
    (['BIO101'], 26)
    """
    _arrow()
    folder = Path(folder)
    frames = {}
    for name in SCHEMAS if tables is None else tables:
        frame = _read_pandas(folder, name, None, course_id)
        frames[name] = frame.sort_values(list(KEYS[name])).reset_index(drop=True)
    return ClassData.from_frames(**frames)


def read_parquet(
    folder: str | Path,
    *,
    engine: str = "pandas",
    columns: Mapping[str, Sequence[str]] | None = None,
    course_id: str | None = None,
) -> dict[str, Any]:
    """The tables the metric core reads (``posts, people, activities, reactions``) from a
    Parquet folder, as frames of ``engine``, of the columns asked for only. polars and
    duckdb read each table once into memory (the core reads each several times; a lazy
    scan of many small files would read them again each time) and hand it on lazily.

    Parameters
    ----------
    folder : str or Path
        A folder in the layout of this module.
    engine : {'pandas', 'polars', 'duckdb', 'pyspark'}, default 'pandas'
    columns : mapping of table name to column names, optional
        Columns to read per table; by default those the core needs (:data:`CORE_COLUMNS`:
        no post ``body``, whose column is then never read).
    course_id : str, optional
        Read only this course (its posts folder alone).

    Returns
    -------
    dict of str to frame
        ``posts, people, activities, reactions``: pandas DataFrames, polars LazyFrames
        (over frames in memory), duckdb relations (over temporary tables of one
        connection) or Spark DataFrames (read by Spark in the active session,
        :func:`asyncmon.spark.session`), ids as strings and times in UTC.

    Raises
    ------
    AsyncmonError
        A table's file or column is missing (ASYNC-E224), or pyarrow is not installed
        (ASYNC-E009).
    """
    return _native(Path(folder), engine, columns or {}, course_id, {})


def _native(
    folder: Path,
    engine: str,
    columns: Mapping[str, Sequence[str]],
    course_id: str | None,
    given: Mapping[str, pd.DataFrame],
    coded: bool = False,
) -> dict[str, Any]:
    """The core's tables as frames of ``engine``: read from ``folder``, or converted from
    the pandas frames ``given`` (on duckdb, all in one connection, so that they join).

    ``coded`` (polars and duckdb): every id column (:data:`_ID_COLUMNS`) as a 64-bit code,
    the engine's hash of the id (a null stays null), made as the table is read; joins on
    codes take two thirds of the time of joins on text and a third less memory (at 1e7
    posts on polars: 5 GB against 7.6). Two ids of one course share a code with a chance
    of about n² / 2⁶⁵ for n ids (3e-10 for a course of 100,000 posts). :func:`_named`
    gives the codes back their ids."""
    if engine not in _engine.ENGINES:
        raise ValueError(f"engine {engine!r} is not one of {', '.join(_engine.ENGINES)}")
    _arrow()
    wanted = {name: list(columns.get(name, CORE_COLUMNS[name])) for name in CORE_COLUMNS}
    if engine == "pandas":
        read = {
            name: _read_pandas(folder, name, cols, course_id)
            for name, cols in wanted.items()
            if name not in given
        }
        return {**given, **read}
    files = _post_files(folder)
    if not files and "posts" not in given:  # a class without posts yet: made as given
        given = {**given, "posts": empty_table("posts")[wanted["posts"]]}  # (coded alike)
    for name in ("people", "activities", "reactions"):
        if name not in given:
            _table_file(folder, name)
    if engine == "polars":
        return _scan_polars(folder, wanted, files, course_id, given, coded)
    if engine == "pyspark":
        return _read_spark(folder, wanted, files, course_id, given)
    return _scan_duckdb(folder, wanted, files, course_id, given, coded)


def _scan_polars(
    folder: Path,
    wanted: dict[str, list[str]],
    files: list[Path],
    course_id: str | None,
    given: Mapping[str, pd.DataFrame],
    coded: bool,
) -> dict[str, Any]:
    import polars as pl

    def codes(frame: Any) -> Any:
        if not coded:
            return frame
        return frame.with_columns(
            pl.when(pl.col(c).is_not_null()).then(pl.col(c).hash(_SEED)).alias(c)
            for c in frame.collect_schema().names()
            if c in _ID_COLUMNS
        )

    def scan(name: str) -> Any:
        if name in given:
            return codes(pl.from_pandas(given[name]).lazy()).collect().lazy()
        if name == "posts":
            frame = pl.scan_parquet(
                [str(f) for f in files],
                hive_partitioning=True,
                hive_schema={"course_id": pl.String},
                try_parse_hive_dates=False,
            )
        else:
            frame = pl.scan_parquet(folder / f"{name}.parquet")
        _check_columns(folder, name, frame.collect_schema().names(), wanted[name])
        if course_id is not None:
            frame = frame.filter(pl.col("course_id") == course_id)
        # read once, the needed columns only (never a body), and kept in memory: the core
        # reads each table several times, and a lazy scan would read the files again each
        # time (at 1e6 posts in 500 files: 18 s against 5 s)
        return codes(frame.select(wanted[name])).collect().lazy()

    return {name: scan(name) for name in {**wanted, **given}}


def _scan_duckdb(
    folder: Path,
    wanted: dict[str, list[str]],
    files: list[Path],
    course_id: str | None,
    given: Mapping[str, pd.DataFrame],
    coded: bool,
) -> dict[str, Any]:
    import duckdb

    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")

    def selected(columns: Sequence[str]) -> str:
        return ", ".join(
            f'CASE WHEN "{c}" IS NULL THEN NULL ELSE hash("{c}") END AS "{c}"'
            if coded and c in _ID_COLUMNS
            else f'"{c}"'
            for c in columns
        )

    def scan(name: str) -> Any:
        if name in given:
            if not coded:
                return con.from_df(given[name])
            con.register(f"given_{name}", given[name])
            columns = selected(list(given[name].columns))
            con.execute(f'CREATE TEMP TABLE "{name}" AS SELECT {columns} FROM "given_{name}"')
            con.unregister(f"given_{name}")
            return con.table(name)
        if name == "posts":
            listed = ", ".join(_sql_text(str(f)) for f in files)
            source = (
                f"read_parquet([{listed}], hive_partitioning = true, "
                "hive_types = {'course_id': VARCHAR})"
            )
        else:
            source = f"read_parquet({_sql_text(str(folder / f'{name}.parquet'))})"
        have = [row[0] for row in con.sql(f"DESCRIBE SELECT * FROM {source}").fetchall()]
        _check_columns(folder, name, have, wanted[name])
        where = "" if course_id is None else " WHERE course_id = " + _sql_text(course_id)
        cols = selected(wanted[name])
        # read once into a table of the connection, the needed columns only (never a
        # body): the core reads each table several times, and a view over the files
        # would read them again each time
        con.execute(f'CREATE TEMP TABLE "{name}" AS SELECT {cols} FROM {source}{where}')
        return con.table(name)

    return {name: scan(name) for name in {**wanted, **given}}


def _read_spark(
    folder: Path,
    wanted: dict[str, list[str]],
    files: list[Path],
    course_id: str | None,
    given: Mapping[str, pd.DataFrame],
) -> dict[str, Any]:
    """Spark DataFrames read by Spark itself (the posts folder as one hive-partitioned
    dataset), in the active session (:func:`asyncmon.spark.session`)."""
    from . import spark as _spark

    session = _spark.session()

    def read(name: str) -> Any:
        if name in given:
            return _spark.from_pandas(session, name, given[name])
        _check_columns(folder, name, _parquet_names(folder, name, files), wanted[name])
        return _spark.read_parquet_spark(session, folder, name, wanted[name], course_id)

    return {name: read(name) for name in wanted}


def _parquet_names(folder: Path, name: str, files: list[Path]) -> list[str]:
    """The columns a table's Parquet files hold (the posts': the first file's, and
    ``course_id`` from the folder's name)."""
    import pyarrow.parquet as pq

    if name == "posts":
        return ["course_id", *pq.read_schema(files[0]).names]
    return list(pq.read_schema(_table_file(folder, name)).names)


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def parquet_metrics(
    folder: str | Path,
    *,
    engine: str = "pandas",
    as_of: datetime | None = None,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    course_id: str | None = None,
) -> dict[str, pd.DataFrame]:
    """The metric tables of a Parquet folder, the posts and reactions scanned by ``engine``
    (each read once, lazily on Spark, and never their ``body``); no question grouping and no
    gap recurrence (they read the texts: see :func:`asyncmon.metrics_document`).

    Parameters
    ----------
    folder : str or Path
        A folder in the layout of this module.
    engine : {'pandas', 'polars', 'duckdb', 'pyspark'}, default 'pandas'
        Where the core runs; ``pyspark`` in the active Spark session, or a new one on
        ``local[2]`` (:func:`asyncmon.spark.session`), each course's last steps in a Spark
        task of their own, the tables collected to pandas at the end
        (:func:`asyncmon.spark.write_spark_metric_tables` writes them without collecting).
    as_of : datetime, optional
        Acknowledgement counted up to this moment (default: each class start).
    thresholds : Thresholds
    course_id : str, optional
        Only this course.

    Returns
    -------
    dict of str to DataFrame
        ``participation``: one row per student and activity, the columns of the metrics
        document's ``participation`` (README, "The metrics document");
        ``activities``: one row per activity, those of its ``activities`` but the four
        ``previous_*`` columns. Equal to what a workspace holding the same class gives.

    Examples
    --------
    >>> import tempfile
    >>> from asyncmon import load_sample
    >>> folder = tempfile.mkdtemp()
    >>> _ = write_parquet(load_sample(), folder)
    >>> tables = parquet_metrics(folder, engine="polars")
    >>> len(tables["participation"]), len(tables["activities"])
    (525, 21)
    """
    folder = Path(folder)
    small = load_parquet(folder, course_id=course_id, tables=SMALL_TABLES)
    if engine == "pyspark":  # every step in Spark, each course's last steps in one task
        from .spark import spark_metric_tables

        return spark_metric_tables(
            folder, small, as_of=as_of, thresholds=thresholds, course_id=course_id
        )
    facts, events = core_facts(
        folder,
        small,
        engine=engine,
        as_of=as_of,
        course_id=course_id,
        substantive_words=thresholds.substantive_words,
    )
    return _metric_tables(small, acknowledgement_table(facts, events, small), as_of, thresholds)


def core_facts(
    folder: Path,
    small: ClassData,
    *,
    engine: str,
    as_of: datetime | None,
    course_id: str | None,
    substantive_words: int,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The core's facts and acknowledgement events (:func:`asyncmon.engine.
    collect_facts_and_events`) of a Parquet folder whose small tables are ``small``; on
    polars and duckdb the ids are joined as codes (:func:`_native`) and named back before
    the results are collected."""
    native, names = core_tables(folder, small, engine=engine, as_of=as_of, course_id=course_id)
    return _engine.collect_facts_and_events(
        native, substantive_words=substantive_words, names=names
    )


def core_tables(
    folder: Path, small: ClassData, *, engine: str, as_of: datetime | None, course_id: str | None
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The core's four tables of a Parquet folder as frames of ``engine`` (posts and
    reactions read from the folder, people and activities from ``small``), and on polars
    and duckdb, whose ids are codes, the frames that name them back (else ``None``)."""
    activities = _engine.counted_up_to(small.activities, as_of)[
        [*CORE_COLUMNS["activities"], "as_of_at"]
    ]
    given = {"activities": activities}
    coded = engine in ("polars", "duckdb")
    if coded:
        people, acts = small.people, small.activities
        given["people"] = people[CORE_COLUMNS["people"]]
        given["person_names"] = people[["course_id", "person_id"]].assign(
            course=people["course_id"], person=people["person_id"]
        )
        given["activity_names"] = acts[["course_id", "activity_id"]].assign(
            course=acts["course_id"], activity=acts["activity_id"]
        )
    native = _native(folder, engine, {}, course_id, given, coded=coded)
    names: dict[str, Any] = {
        k: native.pop(k) for k in ("person_names", "activity_names") if k in native
    }
    return native, names or None


def metric_tables(
    data: ClassData,
    *,
    engine: str = "pandas",
    as_of: datetime | None = None,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> dict[str, pd.DataFrame]:
    """The tables of :func:`parquet_metrics` from class data in memory (a workspace's)."""
    table = acknowledgements(data, as_of=as_of, thresholds=thresholds, engine=engine)
    return _metric_tables(data, table, as_of, thresholds)


def _metric_tables(
    data: ClassData, table: pd.DataFrame, as_of: datetime | None, thresholds: Thresholds
) -> dict[str, pd.DataFrame]:
    """The metric tables from the acknowledgements ``table`` of ``data``."""
    from .metrics import _PARTICIPATION_LEFT_OUT, ACTIVITY_FIELDS  # metrics imports much

    summary = activity_summary(data, as_of=as_of, thresholds=thresholds, table=table)
    return {
        "participation": table[[c for c in table.columns if c not in _PARTICIPATION_LEFT_OUT]],
        "activities": summary[[c for c in ACTIVITY_FIELDS if not c.startswith("previous_")]],
    }


def write_metric_tables(tables: Mapping[str, pd.DataFrame], folder: str | Path) -> list[Path]:
    """Write metric tables as ``<name>.parquet`` in ``folder`` (made if missing); lists
    (``acknowledged_by``, ``failed_checks``) stay lists of strings. A table Spark wrote
    there before (a folder of parts) is replaced."""
    out = output_folder(folder)
    written = []
    for name, frame in tables.items():
        path = out / f"{name}.parquet"
        try:
            if path.is_dir():  # Spark's dataset of the same table
                shutil.rmtree(path)
            frame.reset_index(drop=True).to_parquet(path, index=False)
        except OSError as exc:
            raise AsyncmonError(f"cannot write {path}: {exc.strerror}", code="ASYNC-E216") from None
        written.append(path)
    return written
