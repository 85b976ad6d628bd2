"""The workspace: one SQLite file holding a school's canonical tables and teachers' plans.

A workspace is a folder with ``asyncmon.sqlite`` in it (WAL mode, so dashboard kernels can
read while an import writes). Writing is idempotent: importing the same export twice adds
nothing, and a later, overlapping export adds only new posts and updates edited ones.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import closing, contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from ._times import format_utc
from .errors import PlanChangedError, WorkspaceError
from .sources.importing import ImportResult, Source, import_sources
from .sources.report import StoreCounts
from .tables import KEYS, SCHEMAS, ClassData, derive_post_fields, table_of_columns

__all__ = ["ANY_PLAN", "PLAN_FIELDS", "Workspace"]

DB_NAME = "asyncmon.sqlite"
_PAGE_SIZE = 16_384  # bytes, of a new workspace's database (see Workspace._create_private)
SCHEMA_VERSION = 1
#: The fields of a plan a teacher writes (the ``plans`` table adds keys and times).
PLAN_FIELDS = ("gap", "gap_source", "feedback", "followup_kind", "followup_description")
#: ``save_plan(expected=ANY_PLAN)``: replace whatever plan is stored (the default).
ANY_PLAN = object()
_ORDER = (
    "courses",
    "people",
    "activities",
    "posts",
    "reactions",
    "plans",
    "outcomes",
    "corrections",
)


def _database_error(path: Path, exc: sqlite3.DatabaseError) -> WorkspaceError:
    """What a user can do about a database error, in words."""
    text = str(exc)
    if "readonly" in text or "read-only" in text:
        advice = "the workspace is read-only; make the folder and its files writable"
    elif "disk is full" in text or "disk I/O" in text:
        advice = "the disk is full or failing; free some space and run the command again"
    elif "not a database" in text or "malformed" in text:
        advice = (
            "the file is damaged or is not an asyncmon workspace; restore it from a backup, "
            "or import the class again into a new workspace"
        )
    elif "unable to open" in text:
        advice = "the file cannot be opened; check that the folder exists and is yours"
    else:
        advice = "check the file, or import the class again into a new workspace"
    return WorkspaceError(f"cannot use {path} ({text}): {advice}", code="ASYNC-E204")


def _ddl() -> list[str]:
    statements = []
    for name in _ORDER:
        cols = ", ".join(f'"{c}"' for c in SCHEMAS[name])
        key = ", ".join(KEYS[name])
        statements.append(f"CREATE TABLE IF NOT EXISTS {name} ({cols}, PRIMARY KEY ({key}))")
    statements.append(
        "CREATE TABLE IF NOT EXISTS imports (import_id INTEGER PRIMARY KEY AUTOINCREMENT, "
        "imported_at TEXT NOT NULL, files TEXT NOT NULL, report TEXT NOT NULL)"
    )
    statements.append("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
    # an index of posts by activity that earlier versions made: no query reads posts by
    # activity (a course's posts are read through the table's key), and it cost every import
    statements.append("DROP INDEX IF EXISTS posts_activity")
    return statements


class Workspace:
    """A folder holding one SQLite database of canonical tables.

    Parameters
    ----------
    path : str or Path
        The workspace folder. Created (with an empty database) unless ``create=False``.
    create : bool, default True
        Create the folder and database when missing; with ``False`` a missing workspace
        raises :class:`WorkspaceError`.

    Examples
    --------
    >>> import tempfile
    >>> from asyncmon import Workspace, sample_data_dir
    >>> ws = Workspace(tempfile.mkdtemp())
    >>> d = sample_data_dir()
    >>> result = ws.import_sources([d / "posts.csv"], people=d / "people.csv",
    ...                            activities=d / "activities.csv")
    >>> result.report.stored["courses"].added
    3
    >>> ws.import_sources([d / "posts.csv"], people=d / "people.csv",
    ...                   activities=d / "activities.csv").report.stored["posts"].added
    0
    """

    def __init__(self, path: str | Path, *, create: bool = True):
        self.path = Path(path)
        self.db_path = self.path / DB_NAME
        if not self.db_path.exists():
            if not create:
                raise WorkspaceError(
                    f"{self.path} is not an asyncmon workspace (no {DB_NAME}); create one "
                    "with 'asyncmon import ... --workspace DIR'",
                    code="ASYNC-E201",
                )
            if self.path.exists() and not self.path.is_dir():
                raise WorkspaceError(
                    f"{self.path} is a file; a workspace is a folder", code="ASYNC-E202"
                )
            self._create_private()
        with self._transaction(write=True) as con:  # two first openings: one migrates
            for statement in _ddl():
                con.execute(statement)
            if ("posts", "words") in _add_new_columns(con):
                _count_stored_words(con)
            con.execute(
                "INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
            )

    def __repr__(self) -> str:
        return f"Workspace({str(self.path)!r})"

    def _repr_html_(self) -> str:
        """A card in a notebook: what the workspace holds and when it was last imported
        into (counted in the database; nothing is loaded)."""
        from .rendering import render

        counts = []
        with closing(self._connect()) as con:
            for table, where, label in (
                ("courses", "", "courses"),
                ("people", "WHERE role = 'student'", "students"),
                ("people", "WHERE role != 'student'", "staff"),
                ("activities", "", "activities"),
                ("posts", "WHERE NOT deleted", "posts"),
                ("reactions", "", "reactions"),
                ("plans", "", "plans"),
                ("outcomes", "", "outcomes"),
                ("corrections", "", "corrections"),
            ):
                counts.append(
                    (label, con.execute(f"SELECT COUNT(*) FROM {table} {where}").fetchone()[0])
                )
            imports, last = con.execute("SELECT COUNT(*), MAX(imported_at) FROM imports").fetchone()
        return render(
            "workspace.html.j2",
            path=str(self.path),
            counts=counts,
            imports=imports,
            last_import=str(last)[:16].replace("T", " ") + " UTC" if last else None,
        )

    def _create_private(self) -> None:
        """A new workspace holds every student's name and words: its folder (when made
        here) is readable by its owner only (0700), and so is its database file (0600),
        made before anything is written; SQLite gives its journal files the database
        file's mode.

        Its pages are 16 KB (SQLite's default is 4 KB), set before anything is written:
        a class's first import, 200,000 posts, takes 2.5 s instead of 2.7 s (fewer pages
        to write and to log), and loading it back is no slower."""
        try:
            if not self.path.exists():  # a folder the user already had keeps its mode
                self.path.mkdir(parents=True, mode=0o700)
                os.chmod(self.path, 0o700)  # whatever the umask
            os.close(os.open(self.db_path, os.O_WRONLY | os.O_CREAT, 0o600))
            with closing(sqlite3.connect(self.db_path)) as con:
                con.execute(f"PRAGMA page_size = {_PAGE_SIZE}")  # before WAL fixes it
                con.execute("PRAGMA journal_mode=WAL")
        except OSError as exc:
            raise WorkspaceError(
                f"cannot create the workspace {self.path}: {exc.strerror}; choose a folder "
                "you can write to",
                code="ASYNC-E203",
            ) from None

    def _connect(self) -> sqlite3.Connection:
        try:
            con = sqlite3.connect(self.db_path, timeout=60, isolation_level=None)
            con.execute("PRAGMA journal_mode=WAL")
            con.execute("PRAGMA busy_timeout=60000")
            con.execute("PRAGMA synchronous=NORMAL")
        except sqlite3.DatabaseError as exc:
            raise _database_error(self.db_path, exc) from None
        return con

    @contextmanager
    def _transaction(
        self, *, write: bool, attach: Path | None = None
    ) -> Iterator[sqlite3.Connection]:
        """A connection in a transaction, committed at the end (rolled back on an error);
        ``attach``: a staging database (:func:`_staged`) the transaction reads as
        ``staged``."""
        con = self._connect()
        try:
            if attach is not None:  # before the transaction: SQLite attaches outside one
                con.execute("ATTACH DATABASE ? AS staged", (str(attach),))
            con.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            yield con
            con.execute("COMMIT")
        except BaseException as exc:
            if con.in_transaction:
                con.execute("ROLLBACK")
            if isinstance(exc, sqlite3.DatabaseError):
                raise _database_error(self.db_path, exc) from None
            raise
        finally:
            con.close()

    def load(self, *, course_id: str | None = None) -> ClassData:
        """Read the canonical tables (all courses, or one) as :class:`ClassData`.

        All tables are read in one transaction: a consistent snapshot even while an
        import is writing.
        """
        tables = {}
        with self._transaction(write=False) as con:
            for name in _ORDER:
                sql = f"SELECT * FROM {name}"
                args: tuple = ()
                if course_id is not None:
                    sql += " WHERE course_id = ?"
                    args = (course_id,)
                sql += " ORDER BY " + ", ".join(KEYS[name])
                cursor = con.execute(sql, args)
                names = [d[0] for d in cursor.description]
                rows = cursor.fetchall()
                columns = dict(zip(names, map(list, zip(*rows)), strict=False)) if rows else {}
                tables[name] = table_of_columns(name, _from_sql(name, columns))
        return ClassData(**tables)

    def store(self, data: ClassData) -> dict[str, StoreCounts]:
        """Write class data: add new rows, update changed ones, leave identical ones.

        Posts are updated only by a version at least as recent as the stored one (by edit
        time); a reaction keeps the earliest export time it was seen in. Nothing is ever
        deleted: a post deleted in the LMS arrives as a row marked deleted.

        The rows of a table whose courses have none of it stored yet (a class's first
        import) are all new: they are written to a staging database by Arrow's bulk loader
        and copied in by SQLite itself instead of being bound row by row from Python
        (storing 200,000 posts, commit included: 1.0 s against 1.95 s).

        Returns
        -------
        dict of str to StoreCounts
            Per table, rows added, updated and unchanged.
        """
        frames = {name: getattr(data, name) for name in _ORDER}
        rows = {name: _sql_table(name, frame) for name, frame in frames.items() if len(frame)}
        with self._transaction(write=False) as con:
            # all new: nothing of their courses stored yet, and no key twice
            fresh = [
                name
                for name in rows
                if _none_stored(con, name, frames[name])
                and not frames[name].duplicated(list(KEYS[name])).any()
            ]
        with _staged(self.path, {name: rows[name] for name in fresh}) as staged:
            counts = {}
            with self._transaction(write=True, attach=staged) as con:
                for name in _ORDER:
                    counts[name] = self._upsert(
                        con,
                        name,
                        frames[name],
                        rows.get(name),
                        staged=staged is not None and name in fresh,
                    )
        return counts

    def _upsert(
        self,
        con: sqlite3.Connection,
        name: str,
        frame: pd.DataFrame,
        rows: Any,
        *,
        staged: bool,
    ) -> StoreCounts:
        """Write the rows of table ``name`` (``rows``: :func:`_sql_table` of ``frame``);
        ``staged``: they are all new (no key twice) and in the attached staging database,
        to be copied from there if their courses still have nothing stored."""
        if rows is None:
            return StoreCounts()
        columns = list(SCHEMAS[name])
        key = KEYS[name]
        if staged and _none_stored(con, name, frame):  # still none, now the write is ours
            # nothing of these courses stored yet and no key twice: every row is new
            quoted = ",".join(f'"{c}"' for c in columns)
            con.execute(f"INSERT INTO {name} ({quoted}) SELECT {quoted} FROM staged.{name}")
            return StoreCounts(added=len(frame))
        existing = _stored(con, name, frame)
        values = [rows.column(c).to_pylist() for c in columns]
        at = [columns.index(c) for c in key]
        added, updated, unchanged = [], [], 0
        for row in zip(*values, strict=True):
            k = tuple(row[i] for i in at)
            old = existing.get(k)
            if old is None:
                added.append(row)
                existing[k] = row
                continue
            if old == row:  # stored as it is: nothing to reconcile
                unchanged += 1
                continue
            before = dict(zip(columns, old, strict=True))
            new = _reconcile(name, before, dict(zip(columns, row, strict=True)))
            if new is None or all(new[c] == before[c] for c in columns):
                unchanged += 1
            else:
                updated.append(tuple(new[c] for c in columns))
                existing[k] = updated[-1]
        _insert(con, name, columns, added + updated)
        return StoreCounts(added=len(added), updated=len(updated), unchanged=unchanged)

    def import_sources(self, files: Sequence[Source], **options: Any) -> ImportResult:
        """Import source files into this workspace; the report says what was stored.

        Takes the same options as :func:`asyncmon.import_sources`; the roster and schedule
        may be left out when the workspace already holds them.
        """
        read = import_sources(files, **self.import_context(), **options)
        report = replace(read.report, stored=self.store(read.data))
        with self._transaction(write=True) as con:
            con.execute(
                "INSERT INTO imports (imported_at, files, report) VALUES (?, ?, ?)",
                (
                    format_utc(datetime.now(UTC)),
                    json.dumps([s.file for s in report.sources]),
                    report.to_json(),
                ),
            )
        return ImportResult(read.data, report)

    def import_context(self) -> dict:
        """What an import of more files into this workspace needs to know of it: the class
        as imported so far (``known``) and how its dates were read (``usual_date_order``),
        as keyword arguments of :func:`asyncmon.import_sources` (``asyncmon validate``
        checks files against a workspace this way, storing nothing)."""
        return {"known": self.load(), "usual_date_order": self.date_order()}

    def save_plan(
        self,
        course_id: str,
        activity_id: str,
        *,
        gap: str | None = None,
        gap_source: str | None = None,
        feedback: str | None = None,
        followup_kind: str | None = None,
        followup_description: str | None = None,
        now: datetime | None = None,
        expected: Mapping[str, str | None] | None | object = ANY_PLAN,
    ) -> None:
        """Save (create or replace) the teacher's plan for one activity.

        Parameters
        ----------
        course_id, activity_id : str
            The activity planned for; it must be in the workspace.
        gap : str, optional
            The main knowledge gap chosen.
        gap_source : str, optional
            Where the gap came from: ``question-group``, ``concept`` or ``free-text``.
        feedback : str, optional
            Notes for the feedback that opens the next class.
        followup_kind : str, optional
            ``roleplay``, ``quick-write``, ``debate`` or ``other``.
        followup_description : str, optional
            What the follow-up activity is.
        now : datetime, optional
            The save time (defaults to now).
        expected : dict or None, optional
            The plan as the editor read it (its fields, as in :data:`PLAN_FIELDS`; ``None``
            or ``{}`` when there was none). When given and the stored plan is neither that
            nor what is being saved, nothing is written and :class:`PlanChangedError`
            says so: two pages editing one plan never lose a save silently. Not given:
            the plan is replaced whatever it was.

        Raises
        ------
        PlanChangedError
            The plan changed since ``expected`` was read.
        """
        from .planning import FOLLOWUP_KINDS, GAP_SOURCES

        if followup_kind is not None and followup_kind not in FOLLOWUP_KINDS:
            raise WorkspaceError(
                f"followup_kind {followup_kind!r} is not one of {', '.join(FOLLOWUP_KINDS)}",
                code="ASYNC-E209",
            )
        if gap_source is not None and gap_source not in GAP_SOURCES:
            raise WorkspaceError(
                f"gap_source {gap_source!r} is not one of {', '.join(GAP_SOURCES)}",
                code="ASYNC-E210",
            )
        moment = format_utc(now or datetime.now(UTC))
        new = dict(
            zip(PLAN_FIELDS, (gap, gap_source, feedback, followup_kind, followup_description))
        )
        with self._transaction(write=True) as con:
            _require_activity(con, course_id, activity_id)
            if expected is not ANY_PLAN:
                row = con.execute(
                    f"SELECT {', '.join(PLAN_FIELDS)} FROM plans "
                    "WHERE course_id = ? AND activity_id = ?",
                    (course_id, activity_id),
                ).fetchone()
                stored = dict(zip(PLAN_FIELDS, row)) if row else None
                told = expected if isinstance(expected, Mapping) else {}
                read = {f: told.get(f) for f in PLAN_FIELDS} if expected else None
                if stored not in (read, new):
                    raise PlanChangedError(course_id, activity_id, stored)
            previous = con.execute(
                "SELECT created_at FROM plans WHERE course_id = ? AND activity_id = ?",
                (course_id, activity_id),
            ).fetchone()
            con.execute(
                "INSERT OR REPLACE INTO plans VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    course_id,
                    activity_id,
                    gap,
                    gap_source,
                    feedback,
                    followup_kind,
                    followup_description,
                    previous[0] if previous else moment,
                    moment,
                ),
            )

    def record_outcome(
        self,
        course_id: str,
        activity_id: str,
        outcome: str,
        *,
        note: str | None = None,
        understood: int | None = None,
        by: str | None = None,
        now: datetime | None = None,
    ) -> None:
        """Record, after class, how the activity's follow-up went (replaces what was
        recorded before for that activity).

        Parameters
        ----------
        course_id, activity_id : str
            The activity whose class ran; it must be in the workspace.
        outcome : str
            ``done``, ``partly`` or ``not done``.
        note : str, optional
            A short note: what worked, what to do next time.
        understood : int, optional
            How many students showed they got it (e.g. in a quick write).
        by : str, optional
            Who recorded it.
        now : datetime, optional
            The time recorded (defaults to now).

        Examples
        --------
        >>> import tempfile
        >>> from asyncmon import Workspace, sample_data_dir
        >>> ws = Workspace(tempfile.mkdtemp())
        >>> d = sample_data_dir()
        >>> _ = ws.import_sources([d / "posts.csv"], people=d / "people.csv",
        ...                       activities=d / "activities.csv")
        >>> ws.record_outcome("BIO101", "w1", "partly", note="ran out of time", understood=14)
        >>> ws.load().outcomes[["activity_id", "outcome", "understood"]].to_dict("records")
        [{'activity_id': 'w1', 'outcome': 'partly', 'understood': 14}]
        """
        from .tables import OUTCOMES

        if outcome not in OUTCOMES:
            raise WorkspaceError(
                f"outcome {outcome!r} is not one of {', '.join(OUTCOMES)}", code="ASYNC-E220"
            )
        if understood is not None and (
            isinstance(understood, bool) or not isinstance(understood, int) or understood < 0
        ):
            raise WorkspaceError(
                f"understood must be a whole number of students, 0 or more, not {understood!r}",
                code="ASYNC-E221",
            )
        moment = format_utc(now or datetime.now(UTC))
        note = note.strip() if isinstance(note, str) and note.strip() else None
        with self._transaction(write=True) as con:
            _require_activity(con, course_id, activity_id)
            con.execute(
                "INSERT OR REPLACE INTO outcomes VALUES (?, ?, ?, ?, ?, ?, ?)",
                (course_id, activity_id, outcome, note, understood, moment, by),
            )

    def add_correction(
        self,
        course_id: str,
        activity_id: str,
        *,
        action: str,
        units: Sequence[str],
        target: Sequence[str] | None = None,
        label: str | None = None,
        by: str | None = None,
        now: datetime | None = None,
    ) -> str:
        """Record one correction of the question groups; returns its ``correction_id``.

        Corrections are numbered 1, 2, ... per activity, in the order they are made, and
        never changed or deleted (an undo is a correction of its own). Use the functions
        of :mod:`asyncmon.questions.corrections`, which say what each action means.
        """
        moment = format_utc(now or datetime.now(UTC))
        with self._transaction(write=True) as con:
            _require_activity(con, course_id, activity_id)
            (last,) = con.execute(
                "SELECT COALESCE(MAX(CAST(correction_id AS INTEGER)), 0) FROM corrections "
                "WHERE course_id = ? AND activity_id = ?",
                (course_id, activity_id),
            ).fetchone()
            correction_id = str(last + 1)
            con.execute(
                "INSERT INTO corrections VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    course_id,
                    activity_id,
                    correction_id,
                    action,
                    json.dumps(list(units), ensure_ascii=False),
                    None if target is None else json.dumps(list(target), ensure_ascii=False),
                    label,
                    moment,
                    by,
                ),
            )
        return correction_id

    def holds_class(self) -> bool:
        """Whether a schedule was imported (a first import that failed leaves none)."""
        with closing(self._connect()) as con:
            return con.execute("SELECT COUNT(*) FROM activities").fetchone()[0] > 0

    def version(self) -> tuple:
        """A cheap mark that changes whenever an import, a plan, an outcome or a correction
        is stored.

        A page compares it with the mark of the data it shows to know whether to read the
        workspace again.
        """
        with closing(self._connect()) as con:
            return tuple(
                con.execute(sql).fetchone()
                for sql in (
                    "SELECT COUNT(*), MAX(import_id) FROM imports",
                    "SELECT COUNT(*), MAX(updated_at) FROM plans",
                    "SELECT COUNT(*), MAX(recorded_at) FROM outcomes",
                    "SELECT COUNT(*), MAX(created_at) FROM corrections",
                )
            )

    def date_order(self) -> tuple[str, str] | None:
        """How the last import that had spreadsheet-style dates (``16/02/2025``) read them:
        ``(order, "file (imported YYYY-MM-DD)")`` with order ``"dmy"`` or ``"mdy"``, or
        ``None``. A later file whose own dates could be read either way follows it."""
        with closing(self._connect()) as con:
            rows = con.execute(
                "SELECT imported_at, report FROM imports ORDER BY import_id DESC LIMIT 50"
            ).fetchall()
        for imported_at, report in rows:
            for source in json.loads(report).get("sources", []):
                if source.get("date_order") in ("dmy", "mdy"):
                    return source["date_order"], f"{source['file']} (imported {imported_at[:10]})"
        return None

    def imports(self) -> pd.DataFrame:
        """The import log: ``import_id, imported_at, files`` (list of names), ``report``
        (the import report as a dict)."""
        with closing(self._connect()) as con:
            rows = con.execute(
                "SELECT import_id, imported_at, files, report FROM imports ORDER BY import_id"
            ).fetchall()
        return pd.DataFrame(
            [(i, pd.Timestamp(t), json.loads(f), json.loads(r)) for i, t, f, r in rows],
            columns=["import_id", "imported_at", "files", "report"],
        )


def _add_new_columns(con: sqlite3.Connection) -> set[tuple[str, str]]:
    """A workspace made by an earlier version gets the columns added since (as empty), so
    its class reads as before; returns the ``(table, column)`` pairs added."""
    added = set()
    for name in _ORDER:
        have = {row[1] for row in con.execute(f"PRAGMA table_info({name})")}
        for column in SCHEMAS[name]:
            if column not in have:
                con.execute(f'ALTER TABLE {name} ADD COLUMN "{column}"')
                added.add((name, column))
    return added


def _count_stored_words(con: sqlite3.Connection) -> None:
    """Posts stored before words were counted at import get their count, once, when their
    workspace is first opened by this version (in the transaction that adds the column)."""
    rows = con.execute("SELECT rowid, body FROM posts WHERE words IS NULL").fetchall()
    if not rows:
        return
    ids, bodies = zip(*rows)
    words = derive_post_fields(pd.DataFrame({"body": pd.Series(bodies, dtype="str")}))["words"]
    con.executemany(
        "UPDATE posts SET words = ? WHERE rowid = ?", zip(map(int, words), ids, strict=True)
    )


def _require_activity(con: sqlite3.Connection, course_id: str, activity_id: str) -> None:
    found = con.execute(
        "SELECT 1 FROM activities WHERE course_id = ? AND activity_id = ?",
        (course_id, activity_id),
    ).fetchone()
    if not found:
        raise WorkspaceError(
            f"activity {activity_id} of course {course_id} is not in the workspace; "
            "import its schedule first",
            code="ASYNC-E207",
        )


def _of_courses(frame: pd.DataFrame) -> tuple[str, list[str]]:
    """The SQL condition for the rows of the courses of ``frame``, and its arguments."""
    courses = sorted(frame["course_id"].unique().tolist())
    return f"course_id IN ({','.join('?' * len(courses))})", courses


def _stored(con: sqlite3.Connection, name: str, frame: pd.DataFrame) -> dict[tuple, tuple]:
    """The stored rows of table ``name`` of the courses of ``frame``, by key: tuples of
    the schema's columns in order."""
    columns = list(SCHEMAS[name])
    where, courses = _of_courses(frame)
    quoted = ",".join(f'"{c}"' for c in columns)
    cursor = con.execute(f"SELECT {quoted} FROM {name} WHERE {where}", courses)
    at = [columns.index(k) for k in KEYS[name]]
    return {tuple(row[i] for i in at): row for row in cursor}


def _none_stored(con: sqlite3.Connection, name: str, frame: pd.DataFrame) -> bool:
    """Whether none of the courses of ``frame`` has a row of table ``name`` stored."""
    where, courses = _of_courses(frame)
    return con.execute(f"SELECT 1 FROM {name} WHERE {where} LIMIT 1", courses).fetchone() is None


def _sql_table(name: str, frame: pd.DataFrame) -> Any:
    """The rows of ``frame`` as the store writes them, an Arrow table made a column at a
    time: ids and texts as text, times as ``2025-02-04T14:15:00Z`` (whole seconds, UTC),
    flags as 0 or 1, counts as integers, concepts as JSON lists; a column ``frame`` lacks
    is empty (a flag 0)."""
    import numpy as np
    import pyarrow as pa

    n = len(frame)
    arrays = {}
    for column, (kind, _) in SCHEMAS[name].items():
        if column not in frame:
            empty = pa.array(np.zeros(n, dtype=np.int64)) if kind == "bool" else pa.nulls(n)
            arrays[column] = empty
            continue
        series = frame[column]
        if kind == "concepts":
            text = [json.dumps(list(v or ()), ensure_ascii=False) for v in series]
            arrays[column] = pa.array(text, type=pa.string())
        elif kind == "time":
            arrays[column] = _sql_times(series)
        elif kind == "bool":
            flags = series.fillna(False).astype(bool).to_numpy().astype(np.int64)
            arrays[column] = pa.array(flags)
        elif kind == "count":
            arrays[column] = pa.array(series.astype("Int64"), type=pa.int64())
        else:
            arrays[column] = pa.array(series.astype("str"), type=pa.large_string())
    return pa.table(arrays)


def _sql_times(series: pd.Series) -> Any:
    """Times as the store writes them (:func:`format_utc`), nulls kept."""
    import pyarrow as pa
    import pyarrow.compute as pc

    years = series.dt.year
    if ((years < 1000) | (years > 9999)).any():  # beyond ISO's four digits
        return pa.array([None if pd.isna(v) else format_utc(v) for v in series], pa.string())
    seconds = series.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy("datetime64[s]")
    # Arrow's own text of a time, "2025-02-04 14:15:00", made ISO: ten times faster than
    # its strftime
    text = pc.cast(pa.array(seconds, from_pandas=True), pa.string())
    iso = pc.replace_substring(text, " ", "T", max_replacements=1)
    return pc.binary_join_element_wise(iso, "Z", "")


@contextmanager
def _staged(folder: Path, tables: Mapping[str, Any]) -> Iterator[Path | None]:
    """A staging database holding ``tables`` (name to Arrow table), written by Arrow's
    bulk loader for SQLite (ADBC) in a private folder of the workspace and removed after;
    ``None`` when there is nothing to stage.

    The loader carries its own copy of SQLite: it writes this file only, never the
    workspace's (two copies of SQLite in one process release each other's locks on a file
    both open)."""
    if not tables:
        yield None
        return
    import adbc_driver_sqlite.dbapi as adbc

    _remove_abandoned_staging(folder)
    holder = None
    try:
        holder = tempfile.TemporaryDirectory(prefix=".staging-", dir=folder)
        path = Path(holder.name) / "staged.sqlite"
        with adbc.connect(str(path)) as staging:
            with staging.cursor() as cursor:
                for name, table in tables.items():
                    cursor.adbc_ingest(name, table, mode="create")
            staging.commit()
    except (OSError, adbc.Error) as exc:  # the disk full, the folder not writable
        if holder is not None:
            holder.cleanup()
        why = exc.strerror if isinstance(exc, OSError) else str(exc).splitlines()[0]
        raise WorkspaceError(
            f"cannot write in the workspace {folder}: {why}; free some space or choose a "
            "folder you can write to",
            code="ASYNC-E203",
        ) from None
    with holder:
        yield path


#: A staging folder untouched for this long was left by an import stopped by force (one
#: that still runs touches its folder within minutes).
_ABANDONED_AFTER = 24 * 3600


def _remove_abandoned_staging(folder: Path) -> None:
    """Remove the staging folders of imports stopped by force (killed between writing
    their staging database and removing it): those whose newest file is over a day
    old. A folder that cannot be removed is left for the next import."""
    import shutil
    import time

    now = time.time()
    for staging in folder.glob(".staging-*"):
        try:
            touched = max(p.stat().st_mtime for p in [staging, *staging.iterdir()])
            if now - touched > _ABANDONED_AFTER:
                shutil.rmtree(staging)
        except OSError:
            continue


def _insert(con: sqlite3.Connection, name: str, columns: list[str], rows: list[tuple]) -> None:
    placeholders = ",".join("?" * len(columns))
    quoted = ",".join(f'"{c}"' for c in columns)
    con.executemany(f"INSERT OR REPLACE INTO {name} ({quoted}) VALUES ({placeholders})", rows)


def _from_sql(name: str, columns: dict[str, list]) -> dict[str, list]:
    """Columns of table ``name`` as SQLite gives them back, with concepts (JSON lists) as
    tuples and flags (0 or 1) as booleans."""
    for column, (kind, _) in SCHEMAS[name].items():
        if column not in columns:
            continue
        if kind == "concepts":
            columns[column] = [tuple(json.loads(v or "[]")) for v in columns[column]]
        elif kind == "bool":
            columns[column] = [bool(v) for v in columns[column]]
    return columns


def _reconcile(name: str, old: dict, new: dict) -> dict | None:
    """The row to store when ``new`` meets a stored ``old`` row; ``None`` keeps ``old``."""
    if name == "posts":
        old_version = old["edited_at"] or old["created_at"]
        new_version = new["edited_at"] or new["created_at"]
        if new_version < old_version:
            return None  # an older export: never roll an edit back
    if name == "reactions":
        new = dict(new)
        new["exported_at"] = min(old["exported_at"], new["exported_at"])
        if new["created_at"] is None:
            new["created_at"] = old["created_at"]
    if name == "plans":
        new = dict(new)
        new["created_at"] = old["created_at"]
    return new
