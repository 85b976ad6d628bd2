"""Importing: source files in, canonical class data and an import report out.

This is the door of the product: every check happens here, once. Rows that fail are
rejected with their reason; the good rows of the same file are kept.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._times import DATE_ORDERS, zone
from ..errors import AsyncmonError, SourceFileError
from ..tables import SCHEMAS, ClassData, derive_post_fields, empty_table, make_table
from . import FORMATS, parse_source
from . import detect_format as _detect
from ._records import Parsed, ReadContext
from .report import ImportReport, Problem, SourceReport
from .roster import read_activities, read_people

__all__ = ["ImportResult", "Source", "detect_format", "import_sources"]

#: A source: a path, or ``(name, content)`` for bytes already in memory.
Source = str | os.PathLike | tuple[str, bytes]


@dataclass(frozen=True)
class ImportResult:
    """What an import gives: the canonical tables and the report of how they were read.

    Attributes
    ----------
    data : ClassData
        The canonical tables (courses, people and activities from the roster and schedule
        files; posts and reactions from the activity files).
    report : ImportReport
        Rows read, kept, merged and rejected per file, with reasons.
    """

    data: ClassData
    report: ImportReport

    def __repr__(self) -> str:
        return f"ImportResult({self.data!r}, {self.report!r})"

    def _repr_html_(self) -> str:
        return self.data._repr_html_() + self.report._repr_html_()


def import_sources(
    files: Sequence[Source],
    *,
    people: Source | None = None,
    activities: Source | None = None,
    course_id: str | None = None,
    activity_id: str | None = None,
    format: str | None = None,
    exported_by: str | None = None,
    exported_at: datetime | None = None,
    date_order: str | None = None,
    known: ClassData | None = None,
    usual_date_order: tuple[str, str] | None = None,
) -> ImportResult:
    """Read source files into canonical class data, with a report of everything read.

    Parameters
    ----------
    files : sequence of path or (name, bytes)
        Activity files (Moodle CSV/JSON forum exports, Canvas full-view JSON, template
        ``posts.csv`` / ``reactions.csv``). Template ``people.csv`` and ``activities.csv``
        may be among them too: they are recognised by their header.
    people, activities : path or (name, bytes), optional
        The roster and the schedule. Needed unless they are among ``files`` or already in
        ``known``.
    course_id, activity_id : str, optional
        The course and activity an LMS export belongs to (a Moodle forum or Canvas topic is
        one activity). The course may be left out when the schedule has only one.
    format : {'moodle-csv', 'moodle-json', 'canvas-json', 'csv'}, optional
        Force the format of the activity files instead of detecting it.
    exported_by : str, optional
        Person id of whoever took a Canvas export (their likes are in it). Defaults to the
        course's only teacher when there is just one.
    exported_at : datetime, optional
        When the export was taken (reactions of unknown time count as of then). Defaults
        to now.
    date_order : {'dmy', 'mdy'}, optional
        How spreadsheet dates such as ``03/02/2025 14:15`` are read: day first or month
        first. By default each file's own dates decide (``16/02/2025`` can only be day
        first); a file whose every such date could be either has those rows rejected,
        with this option as the fix. Every report says which reading was used.
    known : ClassData, optional
        The class as already imported (a workspace's, :meth:`~asyncmon.Workspace.load`): its roster
        and schedule stand when no file gives them, and its posts are the threads that
        replies continue. Importing never reads or writes a workspace itself:
        :meth:`~asyncmon.Workspace.import_sources` passes this and stores the result.
    usual_date_order : (order, where), optional
        How an earlier import read day-first or month-first dates
        (:meth:`~asyncmon.Workspace.date_order`); a file whose own dates could be read either way
        follows it.

    Returns
    -------
    ImportResult
        ``data`` (:class:`ClassData`) and ``report`` (:class:`ImportReport`).

    Raises
    ------
    SourceFileError
        A roster or schedule file cannot be read, or no activity file could be read at all.
    AsyncmonError
        No schedule is available, or ``format`` is unknown.

    Examples
    --------
    >>> from asyncmon import import_sources, sample_data_dir
    >>> d = sample_data_dir()
    >>> result = import_sources([d / "posts.csv", d / "reactions.csv"],
    ...                         people=d / "people.csv", activities=d / "activities.csv")
    >>> result.report.rejected
    []
    >>> sorted(result.data.courses["course_id"])
    ['BIO101', 'ENG150', 'HIS210']
    """
    if date_order is not None and date_order not in DATE_ORDERS:
        raise AsyncmonError(
            f"date order {date_order!r} is unknown; use 'dmy' (day first) or 'mdy' (month first)",
            code="ASYNC-E002",
        )
    if format is not None and format not in FORMATS:
        raise AsyncmonError(
            f"format {format!r} is unknown; use one of {', '.join(FORMATS)}", code="ASYNC-E001"
        )
    report = ImportReport()
    loaded = [_load(f) for f in files]
    roster_files: dict[str, list[tuple[str, bytes, str]]] = {"people": [], "activities": []}
    activity_files: list[tuple[str, bytes, str]] = []
    for name, data in loaded:
        kind = _kind(data, name, format)
        roster_files.get(kind, activity_files).append((name, data, kind))
    for kind, source in (("people", people), ("activities", activities)):
        if source is not None:
            name, data = _load(source)
            roster_files[kind].append((name, data, kind))

    schedule, courses, roster = [], [], []
    scheduled: dict = {"courses": {}, "activities": {}}
    remembered = usual_date_order
    for name, data, _ in roster_files["activities"]:
        usual = _usual_order(report.sources, remembered)
        acts, crs, rep = read_activities(data, name, date_order, scheduled, usual)
        schedule += acts
        courses += crs
        report.sources.append(rep)
    listed: dict = {}
    for name, data, _ in roster_files["people"]:
        ppl, rep = read_people(data, name, listed)
        roster += ppl
        report.sources.append(rep)

    stored = known
    ctx = replace(
        _context(
            schedule, courses, roster, stored, course_id, activity_id, exported_by, exported_at
        ),
        date_order=date_order,
        usual_date_order=_usual_order(report.sources, remembered),
    )
    # a people file that lists no one yet is the class as it is; no people file at all is
    # a forgotten option
    if activity_files and not roster_files["people"] and (stored is None or stored.people.empty):
        raise AsyncmonError(
            "no roster: pass the people file (--people people.csv, with course_id, person_id, "
            "name, role) so that posts can be told apart as students' or teachers'",
            code="ASYNC-E112",
        )
    post_parts: list[pd.DataFrame] = []
    reactions: list[dict] = []
    failures = []
    for name, data, kind in activity_files:
        try:
            parsed = parse_source(data, name, ctx, format=None if kind == "?" else kind)
        except SourceFileError as exc:
            failures.append(exc)
            continue
        post_parts += _post_parts(parsed)
        reactions += parsed.reactions
        report.sources.extend(parsed.reports)
    if failures and len(failures) == len(activity_files):
        raise SourceFileError(
            failures[0].file if len(failures) == 1 else "import",
            [p for f in failures for p in ([str(f)] if len(failures) > 1 else f.problems)],
            code=failures[0].code if len(failures) == 1 else "ASYNC-E110",
        )
    for failure in failures:
        failed = SourceReport(failure.file, "unreadable")
        failed.warnings.extend(Problem(failure.file, None, None, None, p) for p in failure.problems)
        report.sources.append(failed)

    threads = _known_posts(stored)
    posts = _PostRows(post_parts)
    refused = posts.refuse_activity_changes(stored)
    reactions = _refuse_reactions(reactions, refused)
    posts.dedupe()
    posts.derive_threads(threads)
    reactions = _dedupe(
        reactions,
        ("course_id", "post_id", "person_id", "kind"),
        lambda r: r["created_at"] or datetime.min.replace(tzinfo=UTC),
    )
    roles = _roles(roster, stored)
    report.unknown_authors = posts.check_people(roles, threads)
    _check_reactions(reactions, roles, lambda: posts.keys() | set(threads))
    tables = ClassData.from_frames(
        courses=make_table("courses", courses),
        people=make_table("people", roster),
        activities=make_table("activities", schedule),
        posts=posts.table(),
        reactions=make_table("reactions", reactions),
    )
    return ImportResult(tables, report)


def detect_format(source: Source) -> str:
    """Name the format of a source file from its content.

    Parameters
    ----------
    source : path or (name, bytes)

    Returns
    -------
    str
        ``moodle-csv``, ``moodle-json``, ``canvas-json``, ``csv`` (template posts),
        ``reactions``, ``people`` or ``activities``.

    Raises
    ------
    SourceFileError
        The content matches no known format.

    Examples
    --------
    >>> from asyncmon import detect_format, sample_data_dir
    >>> detect_format(sample_data_dir() / "people.csv")
    'people'
    """
    name, data = _load(source)
    return _detect(data, name)


def _load(source: Source) -> tuple[str, bytes]:
    if isinstance(source, tuple):
        return source
    path = Path(source)
    try:
        return str(source), path.read_bytes()
    except FileNotFoundError:
        raise SourceFileError(
            str(source), ["no such file; check the path"], code="ASYNC-E101"
        ) from None
    except IsADirectoryError:
        raise SourceFileError(
            str(source), ["is a folder; name the files inside it"], code="ASYNC-E101"
        ) from None
    except OSError as exc:
        raise SourceFileError(
            str(source), [f"cannot be read ({exc.strerror})"], code="ASYNC-E101"
        ) from None


def _kind(data: bytes, name: str, format: str | None) -> str:
    """people / activities for roster files, else the activity format ('?' = detect later)."""
    try:
        detected = _detect(data, name)
    except SourceFileError:
        return format or "?"
    if detected in ("people", "activities"):
        return detected
    if format == "csv":
        return detected if detected in ("csv", "reactions") else "csv"
    return format or detected


def _usual_order(
    sources: list[SourceReport], remembered: tuple[str, str] | None
) -> tuple[str, str] | None:
    """The day/month order a file whose own dates could be either follows: the one the
    import's files read so far showed (if they agree), else ``remembered``, the
    workspace's last (:meth:`~asyncmon.Workspace.date_order`)."""
    shown = sorted((s.date_order, s.file) for s in sources if s.date_order)
    if shown:
        return shown[0] if len({order for order, _ in shown}) == 1 else None
    return remembered


def _context(
    schedule: list[dict],
    courses: list[dict],
    roster: list[dict],
    stored: ClassData | None,
    course_id: str | None,
    activity_id: str | None,
    exported_by: str | None,
    exported_at: datetime | None,
) -> ReadContext:
    zones = {c["course_id"]: zone(c["timezone"]) for c in courses}
    activities = {(a["course_id"], a["activity_id"]) for a in schedule}
    teachers: dict[str, list[str]] = {}
    for p in roster:
        if p["role"] == "teacher":
            teachers.setdefault(p["course_id"], []).append(p["person_id"])
    if stored is not None:
        for c in stored.courses.itertuples(index=False):
            zones.setdefault(c.course_id, zone(c.timezone))
        activities |= set(zip(stored.activities["course_id"], stored.activities["activity_id"]))
        in_roster = {p["course_id"] for p in roster}
        staff = stored.people[stored.people["role"] == "teacher"]
        for c, p in zip(staff["course_id"], staff["person_id"]):
            if c not in in_roster:
                teachers.setdefault(c, []).append(p)
    if not zones:
        raise AsyncmonError(
            "no schedule: pass the activities file (--activities activities.csv, with "
            "course_id, activity_id, title, due_at, class_starts_at, timezone) or import it "
            "into the workspace first",
            code="ASYNC-E111",
        )
    return ReadContext(
        zones=zones,
        activities=frozenset(activities),
        course_id=course_id,
        activity_id=activity_id,
        teachers=teachers,
        exported_by=exported_by,
        exported_at=exported_at or datetime.now(UTC).replace(microsecond=0),
    )


def _refuse_reactions(reactions: list[dict], refused: set[tuple[str, str]]) -> list[dict]:
    """Reactions to a refused post are refused with it (they would land on another post)."""
    kept = []
    for reaction in reactions:
        if (reaction["course_id"], reaction["post_id"]) in refused:
            reaction["_report"].reject(
                reaction["_row"],
                "post_id",
                reaction["post_id"],
                "reacts to a post refused above (its id belongs to another activity); "
                "import it with that post",
            )
        else:
            kept.append(reaction)
    return kept


def _dedupe(
    records: list[dict], key: tuple[str, ...], version: Callable[[dict], datetime]
) -> list[dict]:
    """Keep one record per key (the latest version); count the others as merged."""
    groups: dict[tuple, list[dict]] = {}
    for r in records:
        groups.setdefault(tuple(r[k] for k in key), []).append(r)
    kept = []
    for group in groups.values():
        winner = max(enumerate(group), key=lambda ir: (version(ir[1]), ir[0]))[1]
        winner["_report"].kept += 1
        for other in group:
            if other is winner:
                continue
            other["_report"].merged += 1
            if _content(other) != _content(winner) and version(other) == version(winner):
                other["_report"].warn(
                    other["_row"],
                    key[-1],
                    other[key[-1]],
                    f"same id as {winner['_report'].file} row {winner['_row']} with other "
                    "content and the same edit time; that row was kept",
                )
        kept.append(winner)
    return kept


def _content(record: dict) -> dict:
    return {k: v for k, v in record.items() if not k.startswith("_") and k != "source"}


def _known_posts(stored: ClassData | None) -> dict[tuple[str, str], str]:
    """(course, post) -> thread of posts already in the workspace."""
    if stored is None:
        return {}
    posts = stored.posts
    keys = zip(posts["course_id"].tolist(), posts["post_id"].tolist(), strict=True)
    return dict(zip(keys, posts["thread_id"].tolist(), strict=True))


def _roles(roster: list[dict], stored: ClassData | None) -> dict[tuple[str, str], str]:
    roles = {(p["course_id"], p["person_id"]): p["role"] for p in roster}
    if stored is not None:
        people = stored.people
        for c, p, r in zip(people["course_id"], people["person_id"], people["role"]):
            roles.setdefault((c, p), r)
    return roles


def _pairs(keyed: Mapping[tuple[str, str], Any]) -> tuple[np.ndarray, np.ndarray]:
    """The (course, id) keys of a mapping as two columns."""
    courses = np.array([c for c, _ in keyed], dtype=object)
    return courses, np.array([i for _, i in keyed], dtype=object)


def _pair_keys(*pairs: tuple[np.ndarray, np.ndarray]) -> list[np.ndarray]:
    """Each ``(courses, ids)`` pair of columns as one column of 64-bit numbers, numbered
    alike across all of them (equal pairs, equal numbers; a missing id is one more id of
    its course), so that pairs are grouped and looked up as numbers, not as tuples of
    strings."""
    courses, _ = pd.factorize(np.concatenate([c for c, _ in pairs]))
    ids, distinct = pd.factorize(np.concatenate([i for _, i in pairs]))
    ids[ids < 0] = len(distinct)
    keys = courses.astype(np.int64) * (len(distinct) + 1) + ids
    return np.split(keys, np.cumsum([len(c) for c, _ in pairs])[:-1])


def _check_reactions(reactions: list[dict], roles: dict, keys: Callable[[], set]) -> None:
    """Warn about reactions by people not on the roster and to posts not in the import
    (``keys()``: the (course, post) pairs of the import and the workspace)."""
    if not reactions:
        return
    posts = keys()
    for reaction in reactions:
        key = (reaction["course_id"], reaction["person_id"])
        if key not in roles:
            reaction["_report"].warn(
                reaction["_row"],
                "person_id",
                reaction["person_id"],
                f"{reaction['person_id']} is not on the roster of course "
                f"{reaction['course_id']}; kept, not counted",
            )
        if (reaction["course_id"], reaction["post_id"]) not in posts:
            reaction["_report"].warn(
                reaction["_row"],
                "post_id",
                reaction["post_id"],
                "reacts to a post that is not in this import; kept",
            )


#: Columns of the posts' rows besides the table's: whose report, which row, the author's
#: name as the source gives it.
_PROVENANCE = ("_source", "_row", "_name")
_POST_KEY = ["course_id", "post_id"]


def _post_parts(parsed: Parsed) -> list[pd.DataFrame]:
    """The posts of one parsed file as frames of the posts table's columns and
    ``_report``, ``_row``, ``_name``."""
    parts = []
    if parsed.post_table is not None:
        parts.append(parsed.post_table.assign(_report=parsed.reports[0]))
    if parsed.posts:
        frame = make_table("posts", parsed.posts).astype(
            {c: object for c, (kind, _) in SCHEMAS["posts"].items() if kind in ("id", "text")}
        )
        frame = frame.where(frame.notna(), None)  # missing as None, as the columnar parsers
        for column in ("_report", "_row", "_name"):
            frame[column] = pd.Series([p.get(column) for p in parsed.posts], dtype=object)
        parts.append(frame)
    return parts


class _PostRows:
    """The posts of an import as one frame, through the checks that span files: a post
    never changes activity, duplicates are merged, threads derived, authors checked.

    Each step does what the same step did record by record, in the same order, so the
    report says the same: rows are worked on as columns, and only the rows a message is
    about are visited one by one.
    """

    def __init__(self, parts: list[pd.DataFrame]) -> None:
        self.reports: list[SourceReport] = []
        framed = []
        index: dict[int, int] = {}
        for part in parts:
            owners = part["_report"].tolist()
            for owner in owners:
                if id(owner) not in index:
                    index[id(owner)] = len(self.reports)
                    self.reports.append(owner)
            framed.append(
                part.drop(columns="_report").assign(_source=[index[id(r)] for r in owners])
            )
        frame = (
            pd.concat(framed, ignore_index=True)
            if framed
            else pd.DataFrame({c: pd.Series(dtype=object) for c in _PROVENANCE})
        )
        for column, (kind, _) in SCHEMAS["posts"].items():
            if column not in frame:
                frame[column] = None
            elif kind == "id" and (frame[column].dtype != object or frame[column].isna().any()):
                values = frame[column].astype(object)
                frame[column] = values.where(values.notna(), None)
        names = frame["_name"].astype(object) if "_name" in frame else None
        frame["_name"] = None if names is None else names.where(names.notna(), None)
        self.frame = frame
        self._keys: set[tuple[str, str]] | None = None

    def _post_groups(self) -> np.ndarray:
        """Each post's (course, post id) numbered in the order first read."""
        frame = self.frame
        courses, posts = (frame[c].to_numpy(dtype=object) for c in _POST_KEY)
        return pd.factorize(_pair_keys((courses, posts))[0])[0]

    def _where(self, i: int) -> tuple[SourceReport, int]:
        return self.reports[int(self.frame["_source"].iat[i])], int(self.frame["_row"].iat[i])

    def refuse_activity_changes(self, stored: ClassData | None) -> set[tuple[str, str]]:
        """A post never changes activity silently: a post whose id is already stored (or
        read earlier in this import) in another activity of its course is rejected, with
        the fix. Keeps the others; returns the (course, post) keys refused."""
        frame = self.frame
        if frame.empty:
            return set()
        group = self._post_groups()
        first_row = np.unique(group, return_index=True)[1][group]  # where each id came first
        expected = frame["activity_id"].to_numpy(dtype=object)[first_row]
        in_store = np.zeros(len(frame), dtype=bool)
        if stored is not None and not stored.posts.empty:
            old = stored.posts
            keys, stored_keys = _pair_keys(
                (
                    frame["course_id"].to_numpy(dtype=object),
                    frame["post_id"].to_numpy(dtype=object),
                ),
                (old["course_id"].to_numpy(dtype=object), old["post_id"].to_numpy(dtype=object)),
            )
            at = pd.Index(stored_keys).get_indexer(keys)  # where each post is stored, or -1
            in_store = at >= 0
            expected = np.where(in_store, old["activity_id"].to_numpy(dtype=object)[at], expected)
        moved = frame["activity_id"].to_numpy(dtype=object) != expected
        refused = set()
        for i in np.flatnonzero(moved).tolist():
            owner, row = self._where(i)
            course, post, activity = (
                frame["course_id"].iat[i],
                frame["post_id"].iat[i],
                frame["activity_id"].iat[i],
            )
            if in_store[i]:
                place = "the workspace"
            else:
                first_owner, first = self._where(int(first_row[i]))
                place = f"{first_owner.file} row {first}"
            refused.add((course, post))
            owner.reject(
                row,
                "post_id",
                post,
                f"post {post} of course {course} is in activity {expected[i]} ({place}) and "
                f"this row puts it in {activity}; a post never changes activity. If this file "
                f"is {expected[i]}'s export, import it with --activity {expected[i]}; if it is "
                "another activity's, give its posts ids of their own (post ids must be unique "
                "within a course)",
            )
        self.frame = frame[~moved].reset_index(drop=True)
        return refused

    def dedupe(self) -> None:
        """Keep one post per (course, post id): the latest version by edit time (the last
        one read among equals); count the others as merged, and warn when one of them has
        other content at the same edit time."""
        frame = self.frame
        if frame.empty:
            return
        version = frame["edited_at"].fillna(frame["created_at"]).dt.tz_convert(None).to_numpy()
        group = self._post_groups()
        position = np.arange(len(frame))
        ranked = np.lexsort((position, version, group))
        last = np.r_[group[ranked][1:] != group[ranked][:-1], True]
        winners = ranked[last]  # in group order: the order keys were first read in
        sources = frame["_source"].to_numpy(dtype=np.int64)
        kept = np.bincount(sources[winners], minlength=len(self.reports))
        merged = np.bincount(sources, minlength=len(self.reports)) - kept
        for report, k, m in zip(self.reports, kept.tolist(), merged.tolist(), strict=True):
            report.kept += k
            report.merged += m
        if len(winners) < len(frame):
            winner_of = winners[group]
            others = np.flatnonzero(winner_of != position)
            for i in others[np.argsort(group[others], kind="stable")].tolist():
                w = int(winner_of[i])
                if version[i] == version[w] and self._content(i) != self._content(w):
                    owner, row = self._where(i)
                    first_owner, first = self._where(w)
                    owner.warn(
                        row,
                        "post_id",
                        frame["post_id"].iat[i],
                        f"same id as {first_owner.file} row {first} with other content and "
                        "the same edit time; that row was kept",
                    )
        self.frame = frame.iloc[winners].reset_index(drop=True)

    def _content(self, i: int) -> dict:
        row = self.frame.iloc[i]
        return {
            c: None if _missing(row[c]) else row[c]
            for c in SCHEMAS["posts"]
            if c in row and c not in ("source", "words")
        }

    def derive_threads(self, known: dict) -> None:
        """Fill missing thread ids by following parents to the thread's first post.

        A post's thread is the first of these on its way up: a thread id given, a post
        without a parent (its own id starts the thread), or a parent not in this import
        (that parent's thread in the workspace, else the parent's id). Followed for all
        posts at once by pointer doubling (each round doubles how far every post has
        looked); posts whose parents go round in a circle are walked one by one, the
        circle stopped where it closes."""
        frame = self.frame
        threads = frame["thread_id"].to_numpy(dtype=object).copy()
        given = np.array([bool(t) for t in threads], dtype=bool)
        if given.all():
            return
        courses = frame["course_id"].to_numpy(dtype=object)
        posts = frame["post_id"].to_numpy(dtype=object)
        parents = frame["parent_id"].to_numpy(dtype=object)
        orphan = np.array([p is None for p in parents], dtype=bool)
        # position of each post's parent in this import, -1 when it is not here
        post_keys, parent_keys = _pair_keys((courses, posts), (courses, parents))
        up = pd.Index(post_keys).get_indexer(parent_keys)
        up[orphan] = -1
        stop = given | orphan | (up < 0)
        here = np.arange(len(frame))
        reach = np.where(stop, here, up)
        for _ in range(64):  # 2**64 steps: more than any thread is deep
            further = reach[reach]
            if np.array_equal(further, reach):
                break
            reach = further
        ends = np.flatnonzero(stop)
        value = np.empty(len(frame), dtype=object)
        value[ends] = [
            threads[j]
            if given[j]
            else posts[j]
            if orphan[j]
            else known.get((courses[j], parents[j]), parents[j])
            for j in ends.tolist()
        ]
        missing = ~given
        settled = missing & stop[reach]
        threads[settled] = value[reach[settled]]
        for i in np.flatnonzero(missing & ~stop[reach]).tolist():  # a circle of parents
            seen: set[int] = set()
            current = i
            while True:
                step = int(up[current])
                if step in seen:  # the circle closes: its last parent stands for the thread
                    parent = parents[current]
                    threads[i] = known.get((courses[current], parent), parent)
                    break
                seen.add(step)
                current = step
                if threads[current]:  # one of the circle given its thread just before
                    threads[i] = threads[current]
                    break
        frame["thread_id"] = threads

    def keys(self) -> set[tuple[str, str]]:
        """The (course, post) keys of the posts (once their duplicates are merged)."""
        if self._keys is None:
            self._keys = set(zip(self.frame["course_id"], self.frame["post_id"], strict=True))
        return self._keys

    def check_people(self, roles: dict, known: dict) -> list[dict]:
        """Warn about authors not on the roster and replies to posts not in the import;
        return the posts by authors not on the roster."""
        frame = self.frame
        courses = frame["course_id"].to_numpy(dtype=object)
        authors = frame["author_id"].to_numpy(dtype=object)
        parents = frame["parent_id"].to_numpy(dtype=object)
        posts = frame["post_id"].to_numpy(dtype=object)
        listed, stored = _pairs(roles), _pairs(known)
        post_keys, parent_keys, author_keys, role_keys, stored_keys = _pair_keys(
            (courses, posts), (courses, parents), (courses, authors), listed, stored
        )
        stranger = np.array([a is not None for a in authors], dtype=bool) & ~np.isin(
            author_keys, role_keys
        )
        orphan = np.array([bool(p) for p in parents], dtype=bool) & ~np.isin(
            parent_keys, np.concatenate([post_keys, stored_keys])
        )
        unknown = []
        names = frame["_name"].tolist()
        for i in np.flatnonzero(stranger | orphan):
            owner, row = self._where(int(i))
            course, author = courses[i], authors[i]
            if stranger[i]:
                name = names[i]
                unknown.append(
                    {
                        "file": owner.file,
                        "row": row,
                        "course_id": course,
                        "post_id": frame["post_id"].iat[i],
                        "author_id": author,
                        "name": name,
                    }
                )
                owner.warn(
                    row,
                    "author_id",
                    author,
                    f"author {author}{f' ({name})' if name else ''} is not on the roster of "
                    f"course {course}; kept but not counted as any student's work. Add them "
                    "to the people file if they belong to the class",
                )
            if orphan[i]:
                owner.warn(
                    row,
                    "parent_id",
                    parents[i],
                    "replies to a post that is not in this import; kept",
                )
        return unknown

    def table(self) -> pd.DataFrame:
        """The canonical posts table (its words counted)."""
        dtypes = empty_table("posts").dtypes
        frame = self.frame
        return derive_post_fields(
            pd.DataFrame(
                {
                    c: frame[c].astype(dtypes[c])
                    for c in SCHEMAS["posts"]
                    if c in frame and c != "words"
                }
            )
        )


def _missing(value: object) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))
