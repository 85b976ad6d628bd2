"""Benchmark the participation/acknowledgement core on each engine, at 1e5 and 1e6 posts.

Run from the repository root::

    python benchmarks/metrics_engines.py              # 1e5 and 1e6 posts (a few minutes)
    python benchmarks/metrics_engines.py --sizes 100000 --runs 5

For each size it writes a synthetic institution (courses of 50 students, 10 activities
each; 30% of posts are replies, ~20-word bodies with their word count, as an import
stores it; staff reactions) as canonical CSV files,
then, per engine (pandas, polars, duckdb): the raw read of the posts file into that
engine's typed frame, and the metric core (``asyncmon.engine.student_activity``) on the
frames so read, collected. It prints medians over the runs and the ratio metric / read
(machines here are shared and noisy: compare ratios, not seconds). It also times question
grouping of 2,000 student posts (resampled from the sample class) per installed method.

With ``--parquet`` it also writes the same institution as canonical Parquet
(``asyncmon.parquet.write_parquet``: posts partitioned by course) and times, per engine,
the raw read of the posts' core columns from it (collected) against the core of the
Parquet path (``asyncmon.parquet.core_facts``: the posts and reactions read, no body; on
polars and duckdb the ids coded; the facts and events worked out, named and collected)
and the whole Parquet metric path (``asyncmon.parquet.parquet_metrics``: the core, then
the same small pandas steps as a workspace's metrics). Each measurement runs in a fresh
process, whose peak resident memory is printed.

On pandas, polars and duckdb the Parquet path is followed by the floor of the work
(``floor_of_work``): the raw read and one grouped count of the posts per student and
activity, then the same with each post joined to its parent's author, written directly in
the engine. No computation of the metrics can do less, so their ratios to the raw read
bound any implementation's from below. ``--data DIR`` measures the Parquet path and the
floor on a canonical folder already written (``asyncmon export --format parquet``, or one
this script wrote) instead of generating institutions.

``--engines pyspark`` (Parquet only, with ``--parquet``) runs the same core on Spark
(``--spark-master``, default ``local[2]``): the session's start-up (a JVM) is timed apart,
the raw read is Spark reading the posts' core columns from the folder (a full scan into
Spark's no-op sink), the whole path is Spark writing the metric tables itself
(``asyncmon.spark.write_spark_metric_tables``: each course's last steps in a Spark task,
nothing of the tables' size collected), and the peak memory printed is the Python
driver's only (the JVM's is not counted).

This is a script, not a test: it prints figures and asserts nothing.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from asyncmon import engine, load_sample  # noqa: E402
from asyncmon.parquet import (  # noqa: E402
    SMALL_TABLES,
    core_facts,
    load_parquet,
    parquet_metrics,
    read_parquet,
    write_parquet,
)
from asyncmon.questions import available_methods, question_groups  # noqa: E402
from asyncmon.tables import ClassData  # noqa: E402

WORDS = [
    "cell",
    "membrane",
    "water",
    "energy",
    "reason",
    "because",
    "think",
    "maybe",
    "why",
    "gradient",
    "protein",
    "answer",
    "example",
    "class",
    "week",
    "reading",
    "agree",
    "point",
    "source",
    "evidence",
    "question",
]
START = pd.Timestamp("2025-02-01T00:00:00Z")


def write_institution(folder: Path, posts: int, seed: int = 7) -> None:
    """Canonical CSV files of a synthetic institution with ``posts`` posts."""
    rng = random.Random(seed)
    per_course = 50 * 10 * 4  # ~4 posts per student and activity
    courses = max(1, posts // per_course)
    people, acts = [], []
    for c in range(courses):
        people += [(f"c{c}", f"s{c}_{i}", "student") for i in range(50)]
        people += [(f"c{c}", f"t{c}", "teacher"), (f"c{c}", f"a{c}", "assistant")]
        for a in range(10):
            due = START + pd.Timedelta(days=7 * a + 6)
            acts.append((f"c{c}", f"w{a}", due, due + pd.Timedelta(hours=33)))
    pd.DataFrame(people, columns=["course_id", "person_id", "role"]).to_csv(
        folder / "people.csv", index=False
    )
    frame = pd.DataFrame(acts, columns=["course_id", "activity_id", "due_at", "class_starts_at"])
    frame["as_of_at"] = frame["class_starts_at"]
    frame.to_csv(folder / "activities.csv", index=False, date_format="%Y-%m-%dT%H:%M:%SZ")
    rows, reactions = [], []
    recent: dict[tuple[str, str], list[int]] = {}
    for p in range(posts):
        c = rng.randrange(courses)
        a = rng.randrange(10)
        key = (f"c{c}", f"w{a}")
        earlier = recent.setdefault(key, [])
        staff = rng.random() < 0.08
        author = rng.choice([f"t{c}", f"a{c}"]) if staff else f"s{c}_{rng.randrange(50)}"
        parent = rng.choice(earlier[-40:]) if earlier and rng.random() < 0.3 else ""
        created = START + pd.Timedelta(days=7 * a + rng.uniform(2, 8.5))
        words = rng.randint(8, 35)
        body = " ".join(rng.choice(WORDS) for _ in range(words))
        rows.append(
            (
                key[0],
                key[1],
                p,
                parent,
                author,
                created.strftime("%Y-%m-%dT%H:%M:%SZ"),
                int(rng.random() < 0.01),
                "",
                body,
                words,
            )
        )
        earlier.append(p)
        if rng.random() < 0.05:
            reactions.append(
                (
                    key[0],
                    p,
                    f"t{c}",
                    "like",
                    (created + pd.Timedelta(hours=5)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "2025-06-01T00:00:00Z",
                )
            )
    pd.DataFrame(
        rows,
        columns=[
            "course_id",
            "activity_id",
            "post_id",
            "parent_id",
            "author_id",
            "created_at",
            "deleted",
            "private_to",
            "body",
            "words",
        ],
    ).to_csv(folder / "posts.csv", index=False)
    pd.DataFrame(
        reactions,
        columns=["course_id", "post_id", "person_id", "kind", "created_at", "exported_at"],
    ).to_csv(folder / "reactions.csv", index=False)


def read_pandas(folder: Path) -> dict:
    def times(frame, *columns):
        for column in columns:
            frame[column] = pd.to_datetime(frame[column], utc=True, format="ISO8601")
        return frame

    posts = pd.read_csv(folder / "posts.csv", dtype=str, keep_default_na=False, na_values=[""])
    posts = times(posts, "created_at")
    posts["deleted"] = posts["deleted"] == "1"
    posts["words"] = posts["words"].astype("int64")
    return {
        "posts": posts,
        "people": pd.read_csv(folder / "people.csv", dtype=str),
        "activities": times(
            pd.read_csv(folder / "activities.csv", dtype=str),
            "due_at",
            "class_starts_at",
            "as_of_at",
        ),
        "reactions": times(
            pd.read_csv(folder / "reactions.csv", dtype=str), "created_at", "exported_at"
        ),
    }


def read_polars(folder: Path) -> dict:
    import polars as pl

    def load(name, times=()):
        frame = pl.read_csv(folder / name, infer_schema=False)
        return frame.with_columns(
            [pl.col(c).str.to_datetime("%Y-%m-%dT%H:%M:%SZ", time_zone="UTC") for c in times]
        )

    posts = load("posts.csv", ["created_at"]).with_columns(
        deleted=pl.col("deleted") == "1", words=pl.col("words").cast(pl.Int64)
    )
    return {
        "posts": posts,
        "people": load("people.csv"),
        "activities": load("activities.csv", ["due_at", "class_starts_at", "as_of_at"]),
        "reactions": load("reactions.csv", ["created_at", "exported_at"]),
    }


def read_duckdb(folder: Path) -> dict:
    import duckdb

    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    tables = {}
    for name, times in (
        ("posts", ["created_at"]),
        ("people", []),
        ("activities", ["due_at", "class_starts_at", "as_of_at"]),
        ("reactions", ["created_at", "exported_at"]),
    ):
        casts = ", ".join(f"CAST({c} AS TIMESTAMPTZ) AS {c}" for c in times)
        cols = f"* EXCLUDE ({', '.join(times)}), {casts}" if times else "*"
        if name == "posts":
            cols = cols.replace(
                "* EXCLUDE (created_at)",
                "* EXCLUDE (created_at, deleted, words), deleted = '1' AS deleted, "
                "CAST(words AS BIGINT) AS words",
            )
        con.execute(
            f"CREATE TABLE {name} AS SELECT {cols} FROM read_csv('{folder / name}.csv', "
            "all_varchar = true)"
        )
        tables[name] = con.table(name)
    return tables


READERS = {"pandas": read_pandas, "polars": read_polars, "duckdb": read_duckdb}


def write_canonical_parquet(folder: Path, out: Path) -> None:
    """The institution of ``folder``'s CSV files as a canonical Parquet folder ``out``."""
    tables = read_pandas(folder)
    posts, people, acts, reactions = (
        tables[n] for n in ("posts", "people", "activities", "reactions")
    )
    none = pd.Series(None, index=posts.index, dtype="str")
    posts = posts.assign(
        thread_id=posts["post_id"],
        edited_at=pd.Series(pd.NaT, index=posts.index, dtype="datetime64[us, UTC]"),
        subject=none,
        body_original=none,
        body_format="text",
        source="benchmark",
        private_to=none,
        words=posts["words"].astype("Int64"),
        body=posts["body"].fillna(""),
    )
    for frame in (posts, people, acts, reactions):
        for column in frame.columns:
            if column.endswith("_at"):
                frame[column] = frame[column].astype("datetime64[us, UTC]")
    data = ClassData.from_frames(
        courses=pd.DataFrame({"course_id": acts["course_id"].unique(), "timezone": "UTC"})
        .assign(title=None)[["course_id", "title", "timezone"]]
        .astype("str"),
        people=people.assign(name=people["person_id"])[["course_id", "person_id", "name", "role"]],
        activities=acts.assign(
            title=acts["activity_id"], concepts=[() for _ in range(len(acts))], url=None
        )[
            ["course_id", "activity_id", "title", "due_at", "class_starts_at", "concepts", "url"]
        ].astype({"url": "str"}),
        posts=posts[
            [
                "course_id",
                "activity_id",
                "post_id",
                "thread_id",
                "parent_id",
                "author_id",
                "created_at",
                "edited_at",
                "deleted",
                "subject",
                "body",
                "body_original",
                "body_format",
                "private_to",
                "source",
                "words",
            ]
        ],
        reactions=reactions.assign(source="benchmark"),
    )
    write_parquet(data, out)


def _peak_mb() -> float:
    """Peak resident memory of this process, in MB: ``VmHWM`` from ``/proc/self/status``.
    ``ru_maxrss`` would carry over the peak of the parent that started this process (the
    one that generated the institution: 11 GB at 1e7 posts, whatever the engine used)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # not Linux


def _in_child(function, *args):
    """``function(*args)`` in a fresh process: its result and that process's peak memory."""
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(function, *args).result()


def raw_read(folder: Path, name: str):
    """The posts' core columns read from the folder by the engine's own reader (polars'
    and duckdb's hive-partitioned Parquet scans, collected; pyarrow for pandas)."""
    from asyncmon.parquet import CORE_COLUMNS, _post_files, _sql_text

    files = [str(f) for f in _post_files(folder)]
    columns = CORE_COLUMNS["posts"]
    if name == "polars":
        import polars as pl

        return (
            pl.scan_parquet(files, hive_partitioning=True, hive_schema={"course_id": pl.String})
            .select(columns)
            .collect()
        )
    if name == "duckdb":
        import duckdb

        listed = ", ".join(_sql_text(f) for f in files)
        return duckdb.sql(
            f"SELECT {', '.join(columns)} FROM read_parquet([{listed}], hive_partitioning = true)"
        ).fetch_arrow_table()
    return read_parquet(folder, engine="pandas", columns={"posts": columns})["posts"]


def floor_of_work(folder: Path, name: str, join: bool):
    """The least any computation of the metrics must do beyond the raw read, written
    directly in the engine: read the posts' core columns (ids hashed: they group and join
    faster than text), and count each author's live posts, words and first post per
    activity (participation is these counts per student and activity); collected. With
    ``join``, each live post is first joined to its parent's author (peer replies and
    staff replies both need it, unless it were stored with each post). Roles, the roster
    grid, acknowledgements, naming and the pandas steps are all left out, so the metrics
    can only be slower than this. (On pandas the live posts' parents are taken from the
    live posts only: a little less work still.)"""
    from asyncmon.parquet import CORE_COLUMNS, _post_files, _sql_text

    files = [str(f) for f in _post_files(folder)]
    columns = CORE_COLUMNS["posts"]
    ids = ["course_id", "activity_id", "post_id", "parent_id", "author_id"]
    if name == "polars":
        import polars as pl

        posts = (
            pl.scan_parquet(files, hive_partitioning=True, hive_schema={"course_id": pl.String})
            .select(columns)
            .with_columns(pl.col(c).hash(1) for c in ids)
            .collect()
            .lazy()
            .filter(~pl.col("deleted"))
        )
        counts = [pl.len(), pl.col("words").sum(), pl.col("created_at").min()]
        if join:
            parents = posts.select(
                "course_id", pl.col("post_id").alias("parent_id"), pl.col("author_id").alias("pa")
            )
            posts = posts.join(parents, on=["course_id", "parent_id"], how="left")
            counts.append((pl.col("pa") != pl.col("author_id")).sum())
        return posts.group_by("course_id", "activity_id", "author_id").agg(counts).collect()
    if name == "duckdb":
        import duckdb

        con = duckdb.connect()
        listed = ", ".join(_sql_text(f) for f in files)
        selected = ", ".join(f"hash({c}) AS {c}" if c in ids else c for c in columns)
        con.execute(
            f"CREATE TEMP TABLE posts AS SELECT {selected} FROM "
            f"read_parquet([{listed}], hive_partitioning = true)"
        )
        counts = "count(*), sum(p.words), min(p.created_at)"
        joined = ""
        if join:
            counts += ", sum(CASE WHEN q.author_id <> p.author_id THEN 1 ELSE 0 END)"
            joined = " LEFT JOIN posts q ON q.course_id = p.course_id AND q.post_id = p.parent_id"
        return con.sql(
            f"SELECT p.course_id, p.activity_id, p.author_id, {counts} FROM posts p{joined} "
            "WHERE NOT p.deleted GROUP BY ALL"
        ).fetch_arrow_table()
    # pandas: ids kept as text (hashing them in pandas costs more than it saves)
    posts = raw_read(folder, "pandas")
    posts = posts[~posts["deleted"]]
    counts = {"n": ("words", "size"), "w": ("words", "sum"), "first": ("created_at", "min")}
    if join:
        parents = posts[["course_id", "post_id", "author_id"]].rename(
            columns={"post_id": "parent_id", "author_id": "pa"}
        )
        posts = posts.merge(parents, on=["course_id", "parent_id"], how="left")
        posts["peer"] = posts["pa"].ne(posts["author_id"])
        counts["peer"] = ("peer", "sum")
    return posts.groupby(["course_id", "activity_id", "author_id"]).agg(**counts)


def measure_floor(folder: Path, name: str, runs: int) -> tuple[float, float, float, float]:
    """Medians of the raw read and of :func:`floor_of_work` without and with the join,
    each in turn; peak MB."""
    reads, counts, joins = [], [], []
    for _ in range(runs):
        for times, work in (
            (reads, lambda: raw_read(folder, name)),
            (counts, lambda: floor_of_work(folder, name, join=False)),
            (joins, lambda: floor_of_work(folder, name, join=True)),
        ):
            began = time.perf_counter()
            work()
            times.append(time.perf_counter() - began)
    medians = [statistics.median(t) for t in (reads, counts, joins)]
    return (*medians, _peak_mb())


def measure_parquet(folder: Path, name: str, runs: int) -> tuple[float, float, float, float]:
    """Medians of: the raw read of the posts' core columns (collected), the core on the
    folder's tables (as ``measure`` times it on frames read from CSV), the whole
    Parquet metric path (``parquet_metrics``, small pandas steps included); peak MB."""
    return _parquet_runs(folder, name, runs, lambda: raw_read(folder, name))


def measure_spark(folder: Path, master: str, runs: int) -> tuple[float, float, float, float]:
    """As :func:`measure_parquet` on Spark; prints the session's start-up time first."""
    from asyncmon import spark

    began = time.perf_counter()
    # local mode runs the executors inside the driver JVM: its 1 GB default is too little
    # for 1e7 posts
    config = {"spark.ui.enabled": "false", "spark.driver.memory": "8g"}
    session = spark.session(master=master, config=config)
    print(f"  (Spark session on {master} started in {time.perf_counter() - began:.1f} s)")

    def full_scan() -> None:
        posts = read_parquet(folder, engine="pyspark")["posts"]
        posts.write.format("noop").mode("overwrite").save()

    def written() -> None:  # what metrics --data --engine pyspark --out does
        with tempfile.TemporaryDirectory() as out:
            small = load_parquet(folder, tables=SMALL_TABLES)
            spark.write_spark_metric_tables(folder, small, Path(out) / "metrics")

    try:
        return _parquet_runs(folder, "pyspark", runs, full_scan, written)
    finally:
        session.stop()


def _parquet_runs(
    folder: Path, name: str, runs: int, read_raw, whole_path=None
) -> tuple[float, float, float, float]:
    """``runs`` times: ``read_raw()``; the core on the folder's tables read by engine
    ``name`` (``core_facts``: posts and reactions read, ids coded on polars and duckdb,
    facts and events worked out, named and collected to pandas; the small tables read
    beforehand); the whole path, ``whole_path()`` or by default ``parquet_metrics``
    (on Spark: the tables written by Spark, ``metrics --data --out``). Their medians and
    peak MB."""
    small = load_parquet(folder, tables=SMALL_TABLES)
    reads, metrics, whole = [], [], []
    for _ in range(runs):
        began = time.perf_counter()
        read_raw()
        reads.append(time.perf_counter() - began)
        began = time.perf_counter()
        core_facts(folder, small, engine=name, as_of=None, course_id=None, substantive_words=8)
        metrics.append(time.perf_counter() - began)
        began = time.perf_counter()
        if whole_path is None:
            parquet_metrics(folder, engine=name)
        else:
            whole_path()
        whole.append(time.perf_counter() - began)
    medians = (statistics.median(reads), statistics.median(metrics), statistics.median(whole))
    return (*medians, _peak_mb())


def measure(folder: Path, name: str, runs: int) -> tuple[float, float, float, float]:
    reads, metrics = [], []
    for _ in range(runs):
        began = time.perf_counter()
        tables = READERS[name](folder)
        reads.append(time.perf_counter() - began)
        began = time.perf_counter()
        result = engine.student_activity(
            tables["posts"],
            tables["people"],
            tables["activities"],
            tables["reactions"],
            substantive_words=8,
        )
        engine.to_pandas(result)
        metrics.append(time.perf_counter() - began)
    return statistics.median(reads), statistics.median(metrics), float("nan"), _peak_mb()


def grouping_times(posts: int = 2000) -> list[tuple[str, float]]:
    sample = load_sample()
    students = sample.people[sample.people["role"] == "student"]
    pool = sample.posts[
        ~sample.posts["deleted"] & sample.posts["author_id"].isin(students["person_id"])
    ]
    picked = pool.sample(posts, replace=True, random_state=1).reset_index(drop=True)
    picked["post_id"] = [f"b{i}" for i in range(len(picked))]
    picked["activity_id"] = picked["activity_id"].iloc[0]
    picked["course_id"] = picked["course_id"].iloc[0]
    data = sample.replace(posts=picked)
    out = []
    for method in available_methods():
        began = time.perf_counter()
        question_groups(data, method=method)
        out.append((method, time.perf_counter() - began))
    return out


def _print_row(
    size: str, source: str, name: str, read: float, metric: float, path: float, peak: float
) -> None:
    print(
        f"{size:>9} {source:<7} {name:<7} {read:>7.2f} {metric:>9.2f} "
        f"{metric / read:>12.2f} {path:>12.2f} {peak:>8.0f}",
        flush=True,
    )


def _print_parquet(args: argparse.Namespace, size: str, name: str, folder: Path) -> None:
    """The Parquet path of engine ``name`` on ``folder``; on polars and duckdb then the
    floor of the work (:func:`floor_of_work`), measured in a process of its own."""
    if name == "pyspark":
        figures = _in_child(measure_spark, folder, args.spark_master, args.runs)
    else:
        figures = _in_child(measure_parquet, folder, name, args.runs)
    _print_row(size, "parquet", name, *figures)
    if name != "pyspark":
        read, counts, joined, peak = _in_child(measure_floor, folder, name, args.runs)
        print(
            f"{'':>9} {'':<7} {'':<7} floor of the work: read {read:.2f} s; read and count "
            f"{counts:.2f} s ({counts / read:.2f}x); with the parent join {joined:.2f} s "
            f"({joined / read:.2f}x); peak {peak:.0f} MB",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--engines", nargs="+", default=list(READERS), choices=[*READERS, "pyspark"]
    )
    parser.add_argument("--spark-master", default="local[2]", help="with --engines pyspark")
    parser.add_argument(
        "--parquet", action="store_true", help="also the Parquet path (canonical folder)"
    )
    parser.add_argument("--no-csv", action="store_true", help="only the Parquet path")
    parser.add_argument("--no-grouping", action="store_true", help="skip question grouping")
    parser.add_argument(
        "--data",
        type=Path,
        help="a canonical Parquet folder already written (asyncmon export --format parquet): "
        "measure the Parquet path on it instead of generating institutions (--sizes unused)",
    )
    args = parser.parse_args()
    print(
        f"{'posts':>9} {'source':<7} {'engine':<7} {'read s':>7} {'metrics s':>9} "
        f"{'metrics/read':>12} {'whole path s':>12} {'peak MB':>8}"
    )
    if args.data is not None:
        for name in args.engines:
            _print_parquet(args, "given", name, args.data)
    for size in [] if args.data is not None else args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            write_institution(folder, size)
            sources = [] if args.no_csv else [("csv", measure, folder)]
            if "pyspark" in args.engines and not args.parquet:
                parser.error("--engines pyspark needs --parquet (Spark reads the Parquet folder)")
            if args.parquet:
                _in_child(write_canonical_parquet, folder, folder / "parquet")
                sources.append(("parquet", measure_parquet, folder / "parquet"))
            for source, how, where in sources:
                for name in args.engines:
                    if source == "parquet":
                        _print_parquet(args, str(size), name, where)
                    elif name != "pyspark":  # Spark reads the Parquet folder itself
                        _print_row(str(size), source, name, *_in_child(how, where, name, args.runs))
    if not args.no_grouping:
        print("\nquestion grouping of 2,000 student posts (one activity):")
        for method, seconds in grouping_times():
            print(f"  {method:<9} {seconds:6.1f} s")


if __name__ == "__main__":
    main()
