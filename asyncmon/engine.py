"""The participation and acknowledgement core, written once with narwhals.

It runs unchanged on pandas (the default), polars, duckdb and Spark frames, eager or lazy, and
gives identical results (tests run every backend against the same expectations). It
computes only what every engine does well: joins, flags, simple grouped aggregations and
comparisons of timestamps. Elapsed hours, lists and ranking happen afterwards on the small
collected result (see ``participation.py`` and ``coverage.py``), because lazy backends lack
``total_seconds`` and list aggregation.

Inputs are the canonical tables (``posts, people, activities, reactions``), where
``activities`` carries an extra ``as_of_at`` column: the moment acknowledgement is counted
up to, per activity. The core does no text work: it reads each post's ``words``, counted
once when the post entered (:func:`asyncmon.tables.derive_post_fields`), never ``body``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import Any

import narwhals as nw

KEYS = ["course_id", "activity_id", "student_id"]
KIND_RANK = {3: "substantive comment", 2: "brief comment", 1: "reaction"}
STAFF = ["teacher", "assistant"]


def _lazy(native: Any) -> nw.LazyFrame:
    frame = nw.from_native(native)
    return frame if isinstance(frame, nw.LazyFrame) else frame.lazy()


def _authored(posts: nw.LazyFrame, roles: nw.LazyFrame) -> nw.LazyFrame:
    """Live (not deleted) posts with their author's role (null when not on the roster)."""
    return posts.filter(~nw.col("deleted")).join(
        roles.rename({"person_id": "author_id", "role": "author_role"}),
        on=["course_id", "author_id"],
        how="left",
    )


def _parents(posts: nw.LazyFrame, roles: nw.LazyFrame) -> nw.LazyFrame:
    """Every post (deleted ones too) as a possible parent: its author and their role."""
    return (
        posts.select(
            "course_id",
            nw.col("post_id").alias("parent_id"),
            nw.col("author_id").alias("parent_author"),
            nw.col("created_at").alias("parent_created_at"),
        )
        .filter(~nw.col("parent_author").is_null())
        .join(
            roles.rename({"person_id": "parent_author", "role": "parent_role"}),
            on=["course_id", "parent_author"],
            how="left",
        )
    )


def student_activity(
    posts: Any,
    people: Any,
    activities: Any,
    reactions: Any,
    *,
    substantive_words: int,
    events: Any = None,
    student_posts: Any = None,
) -> Any:
    """One row per roster student and activity of their course: participation facts and
    acknowledgement facts, as a native frame of the inputs' kind. ``events`` and
    ``student_posts``, when given, are :func:`acknowledgement_events` and
    :func:`_student_posts` of the same tables, already worked out.

    Columns: ``course_id, activity_id, student_id, due_at, class_starts_at, as_of_at,
    first_post_at, posts, replies_to_peers, replies_received_from_peers, words, status,
    acknowledged_at`` (earliest acknowledgement up to ``as_of_at``),
    ``acknowledged_before_class_at, first_acknowledged_at`` (any time), ``kind_rank``
    (strongest acknowledgement up to ``as_of_at``: 3 substantive comment, 2 brief comment,
    1 reaction, 0 none), ``time_known`` (1 when an acknowledgement of known time falls up
    to ``as_of_at``), ``substantive_before_class`` (substantive comments before class).
    """
    p, r, a = _lazy(posts), _lazy(people), _lazy(activities)
    x = _lazy(reactions)
    roles = r.select("course_id", "person_id", "role")
    if student_posts is None or events is None:
        authored, parents = _authored(p, roles), _parents(p, roles)
    if student_posts is None:
        student_posts = _student_posts(authored, parents)
    else:
        student_posts = _lazy(student_posts)
    own = (
        student_posts.group_by("course_id", "activity_id", "author_id")
        .agg(
            nw.col("one").sum().alias("posts"),
            nw.col("peer_reply").sum().alias("replies_to_peers"),
            nw.col("words").sum(),
            nw.col("created_at").min().alias("first_post_at"),
        )
        .rename({"author_id": "student_id"})
    )
    received = (
        student_posts.filter(nw.col("peer_reply") == 1)
        .group_by("course_id", "activity_id", "parent_author")
        .agg(nw.col("peer_reply").sum().alias("replies_received_from_peers"))
        .rename({"parent_author": "student_id"})
    )
    grid = (
        roles.filter(nw.col("role") == "student")
        .select("course_id", nw.col("person_id").alias("student_id"))
        .join(
            a.select("course_id", "activity_id", "due_at", "class_starts_at", "as_of_at"),
            on="course_id",
            how="inner",
        )
    )
    first = nw.col("first_post_at")
    table = (
        grid.join(own, on=KEYS, how="left")
        .join(received, on=KEYS, how="left")
        .with_columns(
            nw.col("posts", "replies_to_peers", "words", "replies_received_from_peers")
            .fill_null(0)
            .cast(nw.Int64),
            status=nw.when(first.is_null())
            .then(nw.lit("missing"))
            .otherwise(
                nw.when(first <= nw.col("due_at"))
                .then(nw.lit("on_time"))
                .otherwise(
                    nw.when(first <= nw.col("class_starts_at"))
                    .then(nw.lit("late"))
                    .otherwise(nw.lit("after_class"))
                )
            ),
        )
    )
    if events is None:
        events = acknowledgement_events(
            authored, parents, roles, p, x, substantive_words=substantive_words
        )
    else:
        events = _lazy(events)
    # Only what acknowledges work already there: a private message before the student's
    # first post in the activity acknowledges nothing of it.
    events = (
        events.join(own.select(*KEYS, "first_post_at"), on=KEYS, how="inner")
        .filter(nw.col("at") >= nw.col("first_post_at"))
        .drop("first_post_at")
    )
    acks = _acknowledgement_facts(events, a)
    result = table.join(acks, on=KEYS, how="left").with_columns(
        nw.col("kind_rank", "time_known", "substantive_before_class").fill_null(0).cast(nw.Int64)
    )
    return nw.to_native(result.sort(KEYS))


def _student_posts(authored: nw.LazyFrame, parents: nw.LazyFrame) -> nw.LazyFrame:
    """The live posts of students, each with its parent's author and whether it replies
    to another student (``peer_reply``, 0 or 1): what the per-student counts read."""
    return (
        authored.filter(nw.col("author_role") == "student")
        .join(parents, on=["course_id", "parent_id"], how="left")
        .with_columns(
            peer_reply=(
                (nw.col("parent_role") == "student")
                & (nw.col("parent_author") != nw.col("author_id"))
            )
            .fill_null(False)
            .cast(nw.Int64),
            one=nw.lit(1, nw.Int64),
        )
        .select(
            "course_id",
            "activity_id",
            "author_id",
            "parent_author",
            "peer_reply",
            "one",
            "words",
            "created_at",
        )
    )


def acknowledgement_events(
    authored: nw.LazyFrame,
    parents: nw.LazyFrame,
    roles: nw.LazyFrame,
    posts: nw.LazyFrame,
    reactions: nw.LazyFrame,
    *,
    substantive_words: int,
) -> nw.LazyFrame:
    """Every acknowledgement of a student by staff: ``course_id, activity_id, student_id,
    by, at, kind_rank, time_known``.

    A staff reply whose parent is the student's post, a staff private reply addressed to
    the student, and a staff reaction to the student's post. A reaction of unknown time
    counts at ``exported_at`` with ``time_known = 0``. An acknowledgement is never timed
    before the post it acknowledges (a reaction stamped earlier counts from the post's
    creation).
    """
    columns = ["course_id", "activity_id", "student_id", "by", "at", "kind_rank", "time_known"]
    staff = authored.filter(nw.col("author_role").is_in(STAFF)).with_columns(
        kind_rank=nw.when(nw.col("words") >= substantive_words)
        .then(nw.lit(3, nw.Int64))
        .otherwise(nw.lit(2, nw.Int64)),
        time_known=nw.lit(1, nw.Int64),
        by=nw.col("author_id"),
        at=nw.col("created_at"),
    )
    direct = (
        staff.join(parents, on=["course_id", "parent_id"], how="inner")
        .filter(nw.col("parent_role") == "student")
        .with_columns(student_id=nw.col("parent_author"), at=_not_before("parent_created_at"))
        .select(columns)
    )
    private = (
        staff.filter(~nw.col("private_to").is_null())
        .join(
            roles.filter(nw.col("role") == "student").select(
                "course_id", nw.col("person_id").alias("private_to")
            ),
            on=["course_id", "private_to"],
            how="inner",
        )
        .with_columns(student_id=nw.col("private_to"))
        .select(columns)
    )
    student_roles = roles.filter(nw.col("role") == "student").select(
        "course_id", nw.col("person_id").alias("student_id")
    )
    reacted = (
        reactions.join(
            roles.filter(nw.col("role").is_in(STAFF)).select(
                "course_id", nw.col("person_id").alias("by")
            ),
            left_on=["course_id", "person_id"],
            right_on=["course_id", "by"],
            how="inner",
        )
        .with_columns(by=nw.col("person_id"))
        .join(
            posts.select(
                "course_id",
                "post_id",
                "activity_id",
                nw.col("author_id").alias("student_id"),
                nw.col("created_at").alias("post_created_at"),
            ),
            on=["course_id", "post_id"],
            how="inner",
        )
        .join(student_roles, on=["course_id", "student_id"], how="inner")
        .with_columns(
            at=nw.when(nw.col("created_at").is_null())
            .then(nw.col("exported_at"))
            .otherwise(nw.col("created_at")),
            time_known=(~nw.col("created_at").is_null()).cast(nw.Int64),
            kind_rank=nw.lit(1, nw.Int64),
        )
        .with_columns(at=_not_before("post_created_at"))
        .select(columns)
    )
    return nw.concat([direct, private, reacted], how="vertical")


def _not_before(column: str) -> nw.Expr:
    """``at``, but never earlier than the post acknowledged (clocks of sources disagree)."""
    return nw.when(nw.col("at") < nw.col(column)).then(nw.col(column)).otherwise(nw.col("at"))


def _acknowledgement_facts(events: nw.LazyFrame, activities: nw.LazyFrame) -> nw.LazyFrame:
    """Per student and activity: earliest acknowledgement up to ``as_of_at``, before class
    and at any time; strongest kind and known-time flag up to ``as_of_at``."""
    at = nw.col("at")
    as_of = at <= nw.col("as_of_at")
    before_class = at <= nw.col("class_starts_at")
    flagged = events.join(
        activities.select("course_id", "activity_id", "as_of_at", "class_starts_at"),
        on=["course_id", "activity_id"],
        how="inner",
    ).with_columns(
        at_as_of=nw.when(as_of).then(at),
        at_before_class=nw.when(before_class).then(at),
        rank_as_of=nw.when(as_of).then(nw.col("kind_rank")).otherwise(nw.lit(0, nw.Int64)),
        known_as_of=nw.when(as_of & (nw.col("time_known") == 1))
        .then(nw.lit(1, nw.Int64))
        .otherwise(nw.lit(0, nw.Int64)),
        substantive=nw.when(before_class & (nw.col("kind_rank") == 3))
        .then(nw.lit(1, nw.Int64))
        .otherwise(nw.lit(0, nw.Int64)),
    )
    return flagged.group_by(KEYS).agg(
        nw.col("at_as_of").min().alias("acknowledged_at"),
        nw.col("at_before_class").min().alias("acknowledged_before_class_at"),
        nw.col("at").min().alias("first_acknowledged_at"),
        nw.col("rank_as_of").max().alias("kind_rank"),
        nw.col("known_as_of").max().alias("time_known"),
        nw.col("substantive").sum().alias("substantive_before_class"),
    )


def events_table(posts: Any, people: Any, reactions: Any, *, substantive_words: int) -> Any:
    """The acknowledgement events of :func:`acknowledgement_events` from native frames,
    sorted."""
    events = _events(posts, people, reactions, substantive_words=substantive_words)
    return nw.to_native(events.sort("course_id", "activity_id", "student_id", "at", "by"))


def _events(posts: Any, people: Any, reactions: Any, *, substantive_words: int) -> nw.LazyFrame:
    p, roles = _lazy(posts), _lazy(people).select("course_id", "person_id", "role")
    return acknowledgement_events(
        _authored(p, roles),
        _parents(p, roles),
        roles,
        p,
        _lazy(reactions),
        substantive_words=substantive_words,
    )


def materialised(native: Any) -> Any:
    """``native`` worked out once and held in memory, still a frame of its engine, so that
    two queries reading it do not each work it out again (a lazy plan is recomputed by
    every query that reads it): polars collects it, duckdb materialises the relation,
    Spark caches it; a pandas frame is already in memory."""
    frame = nw.from_native(native)
    implementation = frame.implementation
    if implementation is nw.Implementation.POLARS and isinstance(frame, nw.LazyFrame):
        return native.collect().lazy()
    if implementation is nw.Implementation.DUCKDB:
        # a table of the relation's connection (dropped with it): duckdb's materialize()
        # of the 1e7 posts' student posts made the joins reading it 25x slower
        name = f"_held_{uuid.uuid4().hex}"
        native.create(name)
        return native.query("_held", f'SELECT * FROM "{name}"')
    if implementation is nw.Implementation.PYSPARK:
        return native.cache()
    return native


def release(held: Iterable[Any]) -> None:
    """Free what :func:`materialised` holds beyond the frames ``held`` (Spark's cache)."""
    for native in held:
        if nw.from_native(native).implementation is nw.Implementation.PYSPARK:
            native.unpersist()


ENGINES = ("pandas", "polars", "duckdb", "pyspark")

TABLE_COLUMNS = {
    "posts": [
        "course_id",
        "activity_id",
        "post_id",
        "parent_id",
        "author_id",
        "created_at",
        "deleted",
        "words",
        "private_to",
    ],
    "people": ["course_id", "person_id", "role"],
    "activities": ["course_id", "activity_id", "due_at", "class_starts_at", "as_of_at"],
    "reactions": ["course_id", "post_id", "person_id", "kind", "created_at", "exported_at"],
}
_TIME_COLUMNS = [
    "due_at",
    "class_starts_at",
    "as_of_at",
    "first_post_at",
    "acknowledged_at",
    "acknowledged_before_class_at",
    "first_acknowledged_at",
    "at",
]


def to_engine(tables: dict[str, Any], engine: str) -> dict[str, Any]:
    """Convert pandas canonical tables to frames of ``engine`` (pandas, polars, duckdb, or
    pyspark: in the active Spark session, see :func:`asyncmon.spark.session`)."""
    if engine not in ENGINES:
        raise ValueError(f"engine {engine!r} is not one of {', '.join(ENGINES)}")
    trimmed = {name: frame[TABLE_COLUMNS[name]] for name, frame in tables.items()}
    if engine == "pandas":
        return trimmed
    if engine == "polars":
        import polars as pl

        return {name: pl.from_pandas(frame) for name, frame in trimmed.items()}
    if engine == "pyspark":
        from . import spark as _spark

        spark = _spark.session()
        return {name: _spark.from_pandas(spark, name, frame) for name, frame in trimmed.items()}
    import duckdb

    con = duckdb.connect()
    return {name: con.from_df(frame) for name, frame in trimmed.items()}


def to_pandas(native: Any) -> Any:
    """Collect a native result to pandas with the canonical dtypes (UTC times, int64)."""
    frame = nw.from_native(native)
    if isinstance(frame, nw.LazyFrame):
        frame = frame.collect("pandas")
    result = frame.to_pandas()
    for column in result.columns:
        if column in _TIME_COLUMNS:
            if result[column].dt.tz is None:  # Spark's times: naive, in its UTC session
                result[column] = result[column].dt.tz_localize("UTC")
            result[column] = result[column].dt.tz_convert("UTC").astype("datetime64[us, UTC]")
        elif column in ("course_id", "activity_id", "student_id", "by", "status"):
            result[column] = result[column].astype("str")
        elif str(result[column].dtype).lower().startswith(("int", "float", "uint")) and column in (
            "posts",
            "replies_to_peers",
            "replies_received_from_peers",
            "words",
            "kind_rank",
            "time_known",
            "substantive_before_class",
        ):
            result[column] = result[column].astype("int64")
    return result.reset_index(drop=True)


def counted_up_to(activities: Any, as_of: Any) -> Any:
    """The pandas ``activities`` with ``as_of_at``: each class start (``as_of`` None), or
    the one moment ``as_of`` (timezone-aware) for all."""
    import pandas as pd

    activities = activities.copy()
    if as_of is None:
        activities["as_of_at"] = activities["class_starts_at"]
        return activities
    moment = pd.Timestamp(as_of)
    if moment.tzinfo is None:
        raise ValueError(f"as_of {as_of!r} needs a time zone (e.g. 2025-03-04T08:00Z)")
    activities["as_of_at"] = pd.Series(moment.tz_convert("UTC"), index=activities.index)
    activities["as_of_at"] = activities["as_of_at"].astype("datetime64[us, UTC]")
    return activities


def _tables(data: Any, as_of: Any, engine: str) -> dict[str, Any]:
    return to_engine(
        {
            "posts": data.posts,
            "people": data.people,
            "activities": counted_up_to(data.activities, as_of),
            "reactions": data.reactions,
        },
        engine,
    )


def run(data: Any, *, as_of: Any = None, engine: str = "pandas", substantive_words: int) -> Any:
    """The student × activity facts of ``data`` (a ClassData) as a pandas frame.

    ``as_of`` is the moment acknowledgement is counted up to: ``None`` for each activity's
    class start, or one timestamp for all activities.
    """
    tables = _tables(data, as_of, engine)
    return to_pandas(facts_of(tables, substantive_words=substantive_words))


def facts_and_events(
    data: Any, *, as_of: Any = None, engine: str = "pandas", substantive_words: int
) -> tuple[Any, Any]:
    """:func:`run`'s facts and the acknowledgement events (:func:`events_table`), as two
    pandas frames; the events are worked out once, for both."""
    return collect_facts_and_events(
        _tables(data, as_of, engine), substantive_words=substantive_words
    )


def facts_of(
    tables: Mapping[str, Any],
    *,
    substantive_words: int,
    events: Any = None,
    student_posts: Any = None,
) -> Any:
    """:func:`student_activity` of the native tables ``posts, people, activities,
    reactions`` (``activities`` with ``as_of_at``)."""
    return student_activity(
        tables["posts"],
        tables["people"],
        tables["activities"],
        tables["reactions"],
        substantive_words=substantive_words,
        events=events,
        student_posts=student_posts,
    )


def collect_facts_and_events(
    tables: Mapping[str, Any], *, substantive_words: int, names: Mapping[str, Any] | None = None
) -> tuple[Any, Any]:
    """The facts and the acknowledgement events of the native tables of :func:`facts_of`,
    collected to pandas (:func:`native_facts_and_events`)."""
    facts, events, held = native_facts_and_events(
        tables, substantive_words=substantive_words, names=names
    )
    result = to_pandas(facts), to_pandas(events)
    release(held)
    return result


def native_facts_and_events(
    tables: Mapping[str, Any], *, substantive_words: int, names: Mapping[str, Any] | None = None
) -> tuple[Any, Any, tuple[Any, ...]]:
    """The facts and the acknowledgement events of the native tables of :func:`facts_of`,
    still frames of their engine (nothing collected). The events are worked out once
    (:func:`materialised`) and read by both, and so are the students' posts with their
    parents, which two counts of the facts read (but on Spark). The third item holds
    them: :func:`release` it when both are read.

    ``names``: when the tables' ids are codes (:func:`asyncmon.parquet.read_parquet`'s
    ``coded``), the native frames ``person_names`` (``course_id, person_id`` codes and
    ``course, person`` ids) and ``activity_names`` (``course_id, activity_id``, ``course,
    activity``) that give the results their ids back; events of an activity not in
    ``activity_names`` are left out (no student's row reads them).
    """
    p = _lazy(tables["posts"])
    roles = _lazy(tables["people"]).select("course_id", "person_id", "role")
    authored, parents = _authored(p, roles), _parents(p, roles)
    # unsorted: nothing after reads them in order
    events = materialised(
        nw.to_native(
            acknowledgement_events(
                authored,
                parents,
                roles,
                p,
                _lazy(tables["reactions"]),
                substantive_words=substantive_words,
            )
        )
    )
    # read by two counts of the facts: worked out once where frames are held in memory
    # (polars, duckdb: the core 22-25% faster at 1e7 posts); Spark would cache them, and
    # took 1.5x as long at 1e6 (core 72 s against 46 s)
    student_posts = nw.to_native(_student_posts(authored, parents))
    if nw.from_native(student_posts).implementation is not nw.Implementation.PYSPARK:
        student_posts = materialised(student_posts)
    facts = facts_of(
        tables, substantive_words=substantive_words, events=events, student_posts=student_posts
    )
    held = (events, student_posts)
    if names is None:
        return facts, events, held
    named = _named(facts, names, ["student_id"]), _named(events, names, ["student_id", "by"])
    return *named, held


def _named(native: Any, names: Mapping[str, Any], people: list[str]) -> Any:
    """``native`` with the ids of its coded columns (``course_id``, ``activity_id`` and the
    person columns ``people``) in place of their codes."""
    frame = _lazy(native)
    columns = frame.collect_schema().names()
    persons = _lazy(names["person_names"])
    for column in people:
        frame = (
            frame.join(
                persons.select(
                    "course_id", nw.col("person_id").alias(column), nw.col("person").alias("_id")
                ),
                on=["course_id", column],
                how="inner",
            )
            .with_columns(nw.col("_id").alias(column))
            .drop("_id")
        )
    activities = _lazy(names["activity_names"]).select(
        "course_id",
        "activity_id",
        nw.col("course").alias("_course"),
        nw.col("activity").alias("_activity"),
    )
    frame = frame.join(activities, on=["course_id", "activity_id"], how="inner").with_columns(
        nw.col("_course").alias("course_id"), nw.col("_activity").alias("activity_id")
    )
    return nw.to_native(frame.select(columns))
