"""The canonical tables every source becomes, and their validation at the door.

One class's data is a :class:`ClassData`: eight pandas DataFrames (courses, people,
activities, posts, reactions, plans, outcomes, corrections) with fixed columns and dtypes.
Ids are text; every time is a timezone-aware UTC timestamp (shown in the course's zone by
the views).
Later stages (store, metrics, dashboards) trust this schema and do not re-validate.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np
import pandas as pd

from ._times import zone
from .errors import InvalidTableError
from .formatting import count

__all__ = [
    "FAILURE_COLUMNS",
    "ROLES",
    "SCHEMAS",
    "ClassData",
    "derive_post_fields",
    "empty_table",
    "make_table",
    "table_failures",
    "validate_table",
]

ROLES = ("student", "teacher", "assistant")
#: How the follow-up activity went, as the teacher records it after class.
OUTCOMES = ("done", "partly", "not done")
STAFF_ROLES = ("teacher", "assistant")
BODY_FORMATS = ("text", "html", "markdown")

# column -> (kind, required). Kinds: id / text (pandas str), time (datetime64 UTC),
# bool, count (whole number, nullable Int64), concepts (tuple of str). Required columns have
# no missing values.
SCHEMAS: dict[str, dict[str, tuple[str, bool]]] = {
    "courses": {
        "course_id": ("id", True),
        "title": ("text", False),
        "timezone": ("text", True),
    },
    "people": {
        "course_id": ("id", True),
        "person_id": ("id", True),
        "name": ("text", True),
        "role": ("text", True),
    },
    "activities": {
        "course_id": ("id", True),
        "activity_id": ("id", True),
        "title": ("text", True),
        "due_at": ("time", True),
        "class_starts_at": ("time", True),
        "concepts": ("concepts", True),
        "url": ("text", False),
    },
    "posts": {
        "course_id": ("id", True),
        "activity_id": ("id", True),
        "post_id": ("id", True),
        "thread_id": ("id", True),
        "parent_id": ("id", False),
        "author_id": ("id", False),
        "created_at": ("time", True),
        "edited_at": ("time", False),
        "deleted": ("bool", True),
        "subject": ("text", False),
        "body": ("text", True),
        "body_original": ("text", False),
        "body_format": ("text", True),
        "private_to": ("id", False),
        "source": ("text", True),
        "words": ("count", True),
    },
    "reactions": {
        "course_id": ("id", True),
        "post_id": ("id", True),
        "person_id": ("id", True),
        "kind": ("text", True),
        "created_at": ("time", False),
        "exported_at": ("time", True),
        "source": ("text", True),
    },
    "plans": {
        "course_id": ("id", True),
        "activity_id": ("id", True),
        "gap": ("text", False),
        "gap_source": ("text", False),
        "feedback": ("text", False),
        "followup_kind": ("text", False),
        "followup_description": ("text", False),
        "created_at": ("time", True),
        "updated_at": ("time", True),
    },
    "outcomes": {
        "course_id": ("id", True),
        "activity_id": ("id", True),
        "outcome": ("text", True),
        "note": ("text", False),
        "understood": ("count", False),
        "recorded_at": ("time", True),
        "recorded_by": ("text", False),
    },
    "corrections": {
        "course_id": ("id", True),
        "activity_id": ("id", True),
        "correction_id": ("id", True),
        "action": ("text", True),
        "units": ("text", True),
        "target": ("text", False),
        "label": ("text", False),
        "created_at": ("time", True),
        "created_by": ("text", False),
    },
}

KEYS: dict[str, tuple[str, ...]] = {
    "courses": ("course_id",),
    "people": ("course_id", "person_id"),
    "activities": ("course_id", "activity_id"),
    "posts": ("course_id", "post_id"),
    "reactions": ("course_id", "post_id", "person_id", "kind"),
    "plans": ("course_id", "activity_id"),
    "outcomes": ("course_id", "activity_id"),
    "corrections": ("course_id", "activity_id", "correction_id"),
}

TIME_DTYPE = "datetime64[us, UTC]"


def _series(kind: str, values: Sequence[Any]) -> pd.Series:
    if kind in ("id", "text"):  # each value as text (str(v)), a missing one missing
        return pd.Series(values, dtype="str")
    if kind == "time":
        return pd.Series(pd.to_datetime(values, utc=True), dtype=TIME_DTYPE)
    if kind == "bool":
        return pd.Series([bool(v) for v in values], dtype="bool")
    if kind == "count":
        try:
            return pd.Series(values, dtype="Int64")
        except (TypeError, ValueError):  # numbers written as text
            return pd.Series([None if _missing(v) else int(v) for v in values], dtype="Int64")
    return pd.Series([tuple(v) if not _missing(v) else () for v in values], dtype=object)


def _missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def make_table(name: str, records: list[dict[str, Any]]) -> pd.DataFrame:
    """Build canonical table ``name`` from records (dicts keyed by column).

    Missing keys become missing values; columns come in schema order with schema dtypes.
    """
    return table_of_columns(name, {col: [r.get(col) for r in records] for col in SCHEMAS[name]})


def table_of_columns(name: str, columns: Mapping[str, Sequence[Any]]) -> pd.DataFrame:
    """:func:`make_table` from the values of each column (sequences of one length); a
    column not given is missing throughout."""
    rows = len(next(iter(columns.values()))) if columns else 0
    frame = pd.DataFrame(
        {
            col: _series(kind, columns[col] if col in columns else [None] * rows)
            for col, (kind, _) in SCHEMAS[name].items()
        }
    )
    return derive_post_fields(frame) if name == "posts" else frame


#: The UTF-8 bytes of the characters Python's ``str.split`` splits on beyond ASCII (two
#: or three bytes each; none is above U+3000); the ASCII ones are the bytes 9-13 (tab to
#: carriage return) and 28-32 (the four separators \x1c-\x1f and space).
_WIDE_SPACES = [c.encode() for c in map(chr, range(0x80, 0x3001)) if c.isspace()]


def _word_counts(body: pd.Series) -> pd.Series:
    """Words of each text: runs of characters that are not Python's white space
    (``len(text.split())``; 0 for a missing text), counted on the texts' UTF-8 bytes as
    Arrow holds them, a column at a time (200,000 posts of about 40 words: 0.14 s, where
    Python's ``split`` of each text takes 0.35 s). A test compares both on random texts
    of every white space character."""
    import pyarrow as pa

    texts = pa.array(body.astype("str"), from_pandas=True)
    if isinstance(texts, pa.ChunkedArray):  # one array: the work per piece is the same
        texts = texts.combine_chunks()
    texts = texts.cast(pa.large_string())
    # a few thousand texts at a time: their bytes' flags stay small and in the cache
    step = 8192
    counts = [_chunk_word_counts(texts.slice(at, step)) for at in range(0, len(texts), step)]
    flat = np.concatenate(counts) if counts else np.zeros(0, dtype=np.int64)
    return pd.Series(flat, index=body.index, dtype="Int64")


def _chunk_word_counts(texts: Any) -> np.ndarray:
    """:func:`_word_counts` of an Arrow ``large_string`` array (or a slice of one)."""
    n = len(texts)
    _, offsets_buffer, data = texts.buffers()
    offsets = np.frombuffer(offsets_buffer, dtype=np.int64, count=n + 1, offset=texts.offset * 8)
    start, end = int(offsets[0]), int(offsets[-1])
    if end == start:
        return np.zeros(n, dtype=np.int64)
    raw = np.frombuffer(data, dtype=np.uint8, count=end - start, offset=start)
    space = ((raw - np.uint8(9)) <= 4) | ((raw - np.uint8(28)) <= 4)  # 9-13, 28-32
    leads = np.flatnonzero((raw == 0xC2) | ((raw - np.uint8(0xE1)) <= 2))  # C2, E1-E3
    for code in _WIDE_SPACES:  # each byte of a wider white space is white space
        at = leads[(raw[leads] == code[0]) & (leads <= len(raw) - len(code))]
        for j in range(1, len(code)):
            at = at[raw[at + j] == code[j]]
        for j in range(len(code)):
            space[at + j] = True
    # a word begins at a byte that is not white space, after one that is or at a text's
    # first byte; a text's words are the beginnings between its offsets
    begins = ~space
    begins[1:] &= space[:-1]
    firsts = offsets[:-1] - start
    firsts = firsts[firsts < end - start]
    begins[firsts] = ~space[firsts]
    return np.diff(np.searchsorted(np.flatnonzero(begins), offsets - start))


def derive_post_fields(posts: pd.DataFrame) -> pd.DataFrame:
    """``posts`` with the fields worked out from each post once, when it enters (by
    :func:`make_table`, :meth:`ClassData.from_frames` and the workspace), so that the
    metrics do no text work: ``words``, the runs of non-space characters of ``body``.

    Only missing values are filled: a count already there is kept (a frame whose bodies
    were changed should drop its ``words`` column first).

    >>> posts = pd.DataFrame({"body": ["Why does water move?", "", "  same\u00a0here  "]})
    >>> derive_post_fields(posts)["words"].tolist()
    [4, 0, 2]
    """
    have = posts["words"] if "words" in posts else pd.Series(pd.NA, index=posts.index)
    missing = have.isna()
    if not missing.any() and "words" in posts:
        return posts
    words = have.astype("Int64")
    words[missing] = _word_counts(posts.loc[missing, "body"])
    return posts.assign(words=words)


def empty_table(name: str) -> pd.DataFrame:
    """An empty canonical table ``name`` with the schema's columns and dtypes."""
    return make_table(name, [])


#: The columns of :func:`table_failures` (and of ``InvalidTableError.failure_cases``).
FAILURE_COLUMNS = ["table", "index", "column", "check", "failure_case"]


def validate_table(name: str, frame: pd.DataFrame) -> list[str]:
    """Every problem of ``frame`` against the canonical schema of table ``name``.

    Returns an empty list when the table is valid. Checks columns, dtypes, missing values in
    required columns, duplicate keys and allowed values; all problems, not the first one.
    :func:`table_failures` gives the same problems as the failing rows.
    """
    return _checked(name, frame).problems


def table_failures(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The failing cells of ``frame`` against the schema of table ``name``, one row each
    (as pandera's ``failure_cases``): ``table``, ``index`` (the frame's row label, None
    when the whole column fails), ``column``, ``check`` (what was required) and
    ``failure_case`` (the value found).

    >>> people = make_table("people", [{"course_id": "C", "person_id": "p1", "name": "Ana",
    ...     "role": "student"}, {"course_id": "C", "person_id": "p2", "name": "Ben",
    ...     "role": "prof"}])
    >>> table_failures("people", people).to_dict("records")
    [{'table': 'people', 'index': 1, 'column': 'role', \
'check': 'one of student, teacher, assistant', 'failure_case': 'prof'}]
    """
    return pd.DataFrame(_checked(name, frame).rows, columns=FAILURE_COLUMNS)


class _Checked:
    """The problems of one table: a message per check, and the rows behind each."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.problems: list[str] = []
        self.rows: list[tuple] = []

    def fail(
        self,
        message: str,
        column: str,
        check: str,
        where: pd.Series | None = None,
        values: Any = None,
    ) -> None:
        """One check failed: on the rows where ``where`` is True (with their ``values``,
        default the column's), or on the whole column."""
        self.problems.append(message)
        if where is None:
            self.rows.append((self.name, None, column, check, values))
            return
        if values is None:
            values = pd.Series(None, index=where.index, dtype=object)
        found = values[where]
        self.rows.extend(
            (self.name, i, column, check, None if _missing(v) else v)
            for i, v in zip(where.index[where], found, strict=True)
        )


def _checked(name: str, frame: pd.DataFrame) -> _Checked:
    schema = SCHEMAS[name]
    out = _Checked(name)
    missing = [c for c in schema if c not in frame.columns]
    if missing:
        out.problems.append(f"missing column(s) {', '.join(missing)}; build it with make_table")
        out.rows.extend((name, None, c, "column present", None) for c in missing)
    for col, (kind, required) in schema.items():
        if col not in frame.columns:
            continue
        series = frame[col]
        if kind == "time":
            tz = getattr(series.dtype, "tz", None)
            if tz is None or str(tz) != "UTC":
                out.fail(
                    f"column {col} must be timezone-aware UTC, not {series.dtype}",
                    col,
                    "timezone-aware UTC",
                    values=str(series.dtype),
                )
        elif kind == "bool" and series.dtype != bool:
            out.fail(
                f"column {col} must be boolean, not {series.dtype}",
                col,
                "boolean",
                values=str(series.dtype),
            )
        elif kind == "count" and not pd.api.types.is_integer_dtype(series.dtype):
            out.fail(
                f"column {col} must hold whole numbers, not {series.dtype}",
                col,
                "whole numbers",
                values=str(series.dtype),
            )
        elif kind in ("id", "text") and not (
            pd.api.types.is_string_dtype(series.dtype) or series.dtype == object
        ):
            out.fail(
                f"column {col} must hold text, not {series.dtype}",
                col,
                "text",
                values=str(series.dtype),
            )
        if required and kind != "concepts":
            nulls = series.isna()
            if nulls.any():
                rows = ", ".join(str(i) for i in frame.index[nulls][:5])
                out.fail(
                    f"column {col} is required but missing at index {rows}",
                    col,
                    "required",
                    nulls,
                )
    key = [c for c in KEYS[name] if c in frame.columns]
    if len(key) == len(KEYS[name]) and len(frame):
        dup = frame.duplicated(key, keep=False)
        if dup.any():
            sample = frame.loc[dup, key].head(3).to_dict("records")
            out.fail(
                f"duplicate key {'/'.join(key)}: {sample}",
                "/".join(key),
                "unique key",
                dup,
                frame[key].astype(str).agg("/".join, axis=1),
            )
    _value_problems(name, frame, out)
    return out


def _value_problems(name: str, frame: pd.DataFrame, out: _Checked) -> None:
    if name == "people":
        _one_of(frame, "role", ROLES, out)
    if name == "courses" and "timezone" in frame:
        for tz in frame["timezone"].dropna().unique():
            try:
                zone(tz)
            except ValueError as exc:
                out.fail(
                    f"timezone: {exc}",
                    "timezone",
                    "IANA time zone",
                    frame["timezone"] == tz,
                    frame["timezone"],
                )
    if name == "activities" and {"due_at", "class_starts_at"} <= set(frame.columns):
        late = frame["class_starts_at"] < frame["due_at"]
        if late.any():
            ids = frame.loc[late, "activity_id"].tolist()[:5]
            out.fail(
                f"class_starts_at is before due_at for activities {ids}",
                "class_starts_at",
                "not before due_at",
                late,
                frame["class_starts_at"],
            )
    if name == "posts" and {"author_id", "deleted"} <= set(frame.columns):
        anonymous = frame["author_id"].isna() & ~frame["deleted"]
        if anonymous.any():
            ids = frame.loc[anonymous, "post_id"].tolist()[:5]
            out.fail(
                f"author_id is missing on posts that are not deleted: {ids}",
                "author_id",
                "given unless deleted",
                anonymous,
            )
    if name == "posts":
        _one_of(frame, "body_format", BODY_FORMATS, out)
    if name == "outcomes":
        _one_of(frame, "outcome", OUTCOMES, out)
        if "understood" in frame and pd.api.types.is_integer_dtype(frame["understood"].dtype):
            negative = (frame["understood"] < 0).fillna(False).astype(bool)
            if negative.any():
                out.fail(
                    "understood must not be negative",
                    "understood",
                    "0 or more",
                    negative,
                    frame["understood"],
                )


def _one_of(frame: pd.DataFrame, column: str, allowed: tuple[str, ...], out: _Checked) -> None:
    """A column whose values must be among ``allowed`` (missing ones are checked apart)."""
    if column not in frame:
        return
    wrong = ~frame[column].isin(allowed) & frame[column].notna()
    if wrong.any():
        found = sorted(set(frame.loc[wrong, column]))
        choices = ", ".join(allowed)
        out.fail(
            f"{column} must be one of {choices}; found {found}",
            column,
            f"one of {choices}",
            wrong,
            frame[column],
        )


@dataclass(frozen=True)
class ClassData:
    """The canonical tables of one or more courses.

    Immutable: "changing" it with :meth:`replace` returns a new one. Build it from frames
    with :meth:`from_frames`, which validates every table and raises one error listing
    every problem.

    Attributes
    ----------
    courses : DataFrame
        ``course_id, title, timezone`` (IANA name; due and class times are local to it).
    people : DataFrame
        ``course_id, person_id, name, role`` (student / teacher / assistant). The students
        are the roster.
    activities : DataFrame
        ``course_id, activity_id, title, due_at, class_starts_at`` (UTC), ``concepts``
        (tuple of the concepts the teacher tracks), ``url`` (the discussion's address in
        the LMS, optional).
    posts : DataFrame
        ``course_id, activity_id, post_id, thread_id, parent_id`` (missing for a thread's
        first post), ``author_id`` (missing only on some deleted posts), ``created_at,
        edited_at`` (UTC), ``deleted``, ``subject``, ``body`` (plain text), ``body_original``
        (the source's markup when it was not plain text), ``body_format`` (text / html /
        markdown), ``private_to`` (person a private reply was addressed to), ``source``,
        ``words`` (runs of non-space characters of ``body``, counted once when the post
        enters: see :func:`derive_post_fields`).
    reactions : DataFrame
        ``course_id, post_id, person_id, kind`` (like, thumbs-up...),
        ``created_at`` (UTC, missing when the source does not give it), ``exported_at``
        (when the export was taken; a reaction of unknown time counts as of then),
        ``source``.
    plans : DataFrame
        The teacher's plan per activity: ``course_id, activity_id, gap, gap_source,
        feedback, followup_kind, followup_description, created_at, updated_at``.
    outcomes : DataFrame
        How each activity's follow-up went, recorded by the teacher after class:
        ``course_id, activity_id, outcome`` (done / partly / not done), ``note``,
        ``understood`` (how many students showed they got it, optional), ``recorded_at``,
        ``recorded_by``.
    corrections : DataFrame
        The teacher's corrections of the question groups, in order:
        ``course_id, activity_id, correction_id`` (``"1"``, ``"2"``... per activity),
        ``action`` (merge / move / rename / dismiss / add / undo), ``units`` and
        ``target`` (JSON lists of unit ids such as ``"p17#2"``: post p17, unit 2),
        ``label``, ``created_at``, ``created_by``. See :mod:`asyncmon.questions.corrections`.
    """

    courses: pd.DataFrame
    people: pd.DataFrame
    activities: pd.DataFrame
    posts: pd.DataFrame
    reactions: pd.DataFrame
    plans: pd.DataFrame
    outcomes: pd.DataFrame
    corrections: pd.DataFrame

    def __repr__(self) -> str:
        return f"ClassData({', '.join(self._totals())})"

    def _repr_html_(self) -> str:
        """A card in a notebook: the totals, then one row per course (escaped)."""
        from .rendering import render

        summary = self.summary()
        return render(
            "class_data.html.j2",
            totals=self._totals(),
            columns=[c.replace("_", " ") for c in summary.columns],
            courses=[
                ["—" if pd.isna(v) else f"{v:,}" if isinstance(v, int) else v for v in row]
                for row in summary.astype(object).itertuples(index=False)
            ],
        )

    def _totals(self) -> list[str]:
        students = int((self.people["role"] == "student").sum())
        posts = int((~self.posts["deleted"].astype(bool)).sum())
        return [
            count(len(self.courses), "course"),
            count(students, "student"),
            count(len(self.activities), "activity", "activities"),
            count(posts, "post"),
            count(len(self.reactions), "reaction"),
            count(len(self.plans), "plan"),
            count(len(self.outcomes), "outcome"),
            count(len(self.corrections), "correction"),
        ]

    @classmethod
    def empty(cls) -> ClassData:
        """Class data with every table empty."""
        return cls(**{name: empty_table(name) for name in SCHEMAS})

    @classmethod
    def from_frames(cls, **frames: pd.DataFrame) -> ClassData:
        """Validate frames and bundle them; tables not given are empty.

        Raises
        ------
        InvalidTableError
            Listing every problem of every table.
        """
        unknown = set(frames) - set(SCHEMAS)
        if unknown:
            raise InvalidTableError(
                ", ".join(sorted(unknown)),
                [f"not a table; tables are {', '.join(SCHEMAS)}"],
                code="ASYNC-E302",
            )
        tables = {name: frames.get(name, empty_table(name)) for name in SCHEMAS}
        if "body" in tables["posts"]:  # without a body the check below says so
            tables["posts"] = derive_post_fields(tables["posts"])
        checked = [_checked(name, t) for name, t in tables.items()]
        problems = [f"{c.name}: {p}" for c in checked for p in c.problems]
        if problems:
            failures = pd.DataFrame([r for c in checked for r in c.rows], columns=FAILURE_COLUMNS)
            raise InvalidTableError(
                "class data", problems, code="ASYNC-E301", failure_cases=failures
            )
        return cls(**tables)

    def replace(self, **frames: pd.DataFrame) -> ClassData:
        """A copy with some tables replaced (validated)."""
        merged = {f.name: getattr(self, f.name) for f in fields(self)} | frames
        return ClassData.from_frames(**merged)

    def for_course(self, course_id: str) -> ClassData:
        """The same data restricted to one course."""
        return replace(
            self,
            **{
                f.name: getattr(self, f.name)
                .loc[lambda t: t["course_id"] == course_id]
                .reset_index(drop=True)
                for f in fields(self)
            },
        )

    def summary(self) -> pd.DataFrame:
        """One row per course: students, staff, activities, posts, deleted posts, reactions.

        Returns
        -------
        DataFrame
            ``course_id, title, timezone, students, staff, activities, posts,
            deleted_posts, reactions`` (counts).
        """
        rows = []
        for course in self.courses.itertuples(index=False):
            cid = course.course_id
            people = self.people[self.people["course_id"] == cid]
            posts = self.posts[self.posts["course_id"] == cid]
            rows.append(
                {
                    "course_id": cid,
                    "title": course.title,
                    "timezone": course.timezone,
                    "students": int((people["role"] == "student").sum()),
                    "staff": int(people["role"].isin(STAFF_ROLES).sum()),
                    "activities": int((self.activities["course_id"] == cid).sum()),
                    "posts": int((~posts["deleted"]).sum()),
                    "deleted_posts": int(posts["deleted"].sum()),
                    "reactions": int((self.reactions["course_id"] == cid).sum()),
                }
            )
        return pd.DataFrame(
            rows,
            columns=[
                "course_id",
                "title",
                "timezone",
                "students",
                "staff",
                "activities",
                "posts",
                "deleted_posts",
                "reactions",
            ],
        )
