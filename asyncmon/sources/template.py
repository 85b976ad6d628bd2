"""The product's own CSV template: ``posts.csv`` (one row per post or reply) and the
optional ``reactions.csv``. Any spreadsheet can fill them; the sample class ships in them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .._times import parse_time, parse_times
from ..tables import SCHEMAS
from ._csv import date_order, date_order_of_columns, read_columns, read_records
from ._records import Parsed, ReadContext

POST_COLUMNS = ("course_id", "activity_id", "post_id", "author_id", "created_at", "body")
POST_OPTIONAL = ("thread_id", "parent_id", "edited_at", "deleted", "subject", "private_to")
#: A whole ``posts.csv``, its columns in the order of the canonical posts table.
POST_FILE_COLUMNS = tuple(c for c in SCHEMAS["posts"] if c in POST_COLUMNS + POST_OPTIONAL)
REACTION_COLUMNS = ("course_id", "post_id", "person_id", "kind")
REACTION_OPTIONAL = ("created_at",)

_TRUE = {"1", "true", "yes", "y", "t"}
_FALSE = {"", "0", "false", "no", "n", "f"}
_FLAGS = _TRUE | _FALSE


def parse_posts(data: bytes, name: str, ctx: ReadContext) -> Parsed:
    """Read a template ``posts.csv``; see the README for its columns.

    The checks run a column at a time; a row fails on its first failing check, in the
    order the README gives, and its good neighbours are kept.
    """
    report, table = read_columns(
        data, name, format="csv", required=POST_COLUMNS, optional=POST_OPTIONAL
    )
    order = date_order_of_columns(
        report, table, ("created_at", "edited_at"), ctx.date_order, ctx.usual_date_order
    )
    n = len(table)
    ids = {c: _stripped(table.arrow(c)).to_numpy(zero_copy_only=False) for c in _ID_COLUMNS}
    course, activity, post = ids["course_id"], ids["activity_id"], ids["post_id"]
    flags = pc.utf8_lower(_stripped(table.arrow("deleted")))
    deleted = pc.is_in(flags, pa.array(sorted(_TRUE))).to_numpy(zero_copy_only=False)
    failed: dict[int, tuple[str, str, str]] = {}  # position -> column, value, reason
    alive = np.ones(n, dtype=bool)

    def reject(
        where: np.ndarray,
        column: str,
        value: Callable[[int], str],
        why: str | Callable[[int], str],
    ) -> None:
        """Reject the rows still alive where ``where`` holds: ``why`` says why (a
        sentence, or one made for the row at a position)."""
        for i in np.flatnonzero(where & alive).tolist():
            failed[i] = (column, value(i), why if isinstance(why, str) else why(i))
        alive[where] = False

    for column in ("course_id", "activity_id", "post_id"):
        empty = f"{column} is empty; every post needs one"
        reject(ids[column] == "", column, lambda i: "", empty)
    scheduled = ctx.activities
    reject(
        np.fromiter(
            ((c, a) not in scheduled for c, a in zip(course, activity, strict=True)),
            dtype=bool,
            count=n,
        ),
        "activity_id",
        lambda i: activity[i],
        lambda i: (
            f"activity {activity[i]} of course {course[i]} is not in the activities "
            "file; add it there (with its due and class times) or correct the id"
        ),
    )
    reject(
        ~pc.is_in(flags, pa.array(sorted(_FLAGS))).to_numpy(zero_copy_only=False),
        "deleted",
        lambda i: table.arrow("deleted")[i].as_py(),
        "deleted must be 1 or 0 (or true/false)",
    )
    reject(
        (ids["author_id"] == "") & ~deleted,
        "author_id",
        lambda i: "",
        "author_id is empty; give the author's person_id",
    )
    reject(
        ids["parent_id"] == post,
        "parent_id",
        lambda i: ids["parent_id"][i],
        "a post cannot reply to itself; empty parent_id for a thread's first post",
    )
    zones = ctx.zones
    raw_created = table.column("created_at")
    at = np.flatnonzero(alive)
    tz = [zones[course[i]] for i in at.tolist()]
    created = np.full(n, np.datetime64("NaT"), dtype="datetime64[us]")
    times, errors, notes = parse_times([raw_created[i] for i in at.tolist()], tz, order)
    created[at] = times
    messages = {int(at[k]): message for k, message in errors.items()}
    wrong = np.zeros(n, dtype=bool)
    wrong[list(messages)] = True
    reject(wrong, "created_at", lambda i: raw_created[i], lambda i: messages[i])
    warnings: list[tuple[int, int, str, str, str]] = [
        (int(at[k]), 0, "created_at", raw_created[int(at[k])], note) for k, note in notes.items()
    ]
    edited = _edit_times(table.column("edited_at"), alive, created, course, zones, order, warnings)
    for i, column, value, why in sorted((i, *f) for i, f in failed.items()):
        report.reject(table.rows[i], column, value, why)
    for i, _, column, value, note in sorted(warnings):
        report.warn(table.rows[i], column, value, note)
    keep = np.flatnonzero(alive)
    kept = pa.array(keep)
    subject = _stripped(table.arrow("subject").take(kept))
    ids_kept = {
        "course_id": course[keep],
        "activity_id": activity[keep],
        "post_id": post[keep],
        "thread_id": _or_none(ids["thread_id"][keep]),
        "parent_id": _or_none(ids["parent_id"][keep]),
        "author_id": _or_none(ids["author_id"][keep]),
        "private_to": _or_none(ids["private_to"][keep]),
    }
    texts = {  # as Arrow gives them: never made Python strings here
        "subject": pc.if_else(pc.equal(subject, ""), pa.scalar(None, pa.string()), subject),
        "body": _stripped(table.arrow("body").take(kept)),
        "body_original": pa.nulls(len(keep), pa.string()),
        "body_format": pa.repeat(pa.scalar("text"), len(keep)),
        "source": pa.repeat(pa.scalar("csv"), len(keep)),
    }
    frame = pd.DataFrame(
        {c: pd.Series(v, dtype=object) for c, v in ids_kept.items()}
        | {c: v.to_pandas() for c, v in texts.items()}
        | {
            "created_at": pd.Series(created[keep]).dt.tz_localize("UTC"),
            "edited_at": pd.Series(edited[keep]).dt.tz_localize("UTC"),
            "deleted": pd.Series(deleted[keep], dtype=bool),
            "_row": pd.Series(np.asarray(table.rows, dtype=np.int64)[keep]),
        }
    )
    return Parsed(reports=[report], post_table=frame)


_ID_COLUMNS = (
    "course_id",
    "activity_id",
    "post_id",
    "author_id",
    "thread_id",
    "parent_id",
    "private_to",
)


def _edit_times(
    raw: list[str],
    alive: np.ndarray,
    created: np.ndarray,
    course: np.ndarray,
    zones: dict,
    order: str | None,
    warnings: list,
) -> np.ndarray:
    """Edit times of the kept rows (:func:`~._records.edit_time`'s rule: none when empty,
    unreadable (warned about) or not after the post was written)."""
    edited = np.full(len(raw), np.datetime64("NaT"), dtype="datetime64[us]")
    given = [i for i in np.flatnonzero(alive).tolist() if raw[i].strip()]
    if not given:
        return edited
    times, errors, _ = parse_times(
        [raw[i] for i in given], [zones[course[i]] for i in given], order
    )
    at = np.asarray(given)
    for k, message in errors.items():
        warnings.append(
            (given[k], 1, "edited_at", raw[given[k]], f"{message}; the edit time is left empty")
        )
    later = ~np.isnat(times) & (times > created[at])
    edited[at[later]] = times[later]
    return edited


#: Python's white space (``str.isspace``; none is above U+3000), what ``str.strip`` strips.
_SPACE = "".join(c for c in map(chr, range(0x3001)) if c.isspace())


def _stripped(values: Any) -> Any:
    """An Arrow string column with each value stripped as ``str.strip`` strips it."""
    return pc.utf8_trim(values, characters=_SPACE)


def _or_none(values: np.ndarray) -> np.ndarray:
    """Empty ids and texts as missing."""
    out = values.copy()
    out[out == ""] = None
    return out


def parse_reactions(data: bytes, name: str, ctx: ReadContext) -> Parsed:
    """Read a template ``reactions.csv``: ``course_id, post_id, person_id, kind`` and an
    optional ``created_at`` (empty when unknown: counted as of the export)."""
    report, found = read_records(
        data, name, format="reactions", required=REACTION_COLUMNS, optional=REACTION_OPTIONAL
    )
    parsed = Parsed(reports=[report])
    rows = list(found)
    order = date_order(report, rows, ("created_at",), ctx.date_order, ctx.usual_date_order)
    for r in rows:
        v = {k: val.strip() for k, val in r.values.items()}
        empty = [c for c in REACTION_COLUMNS if not v.get(c)]
        if empty:
            report.reject(r.row, empty[0], "", f"{empty[0]} is empty; every reaction needs one")
            continue
        if v["course_id"] not in ctx.zones:
            report.reject(
                r.row,
                "course_id",
                v["course_id"],
                f"course {v['course_id']} is not in the activities file; add it",
            )
            continue
        created = None
        if v.get("created_at"):
            try:
                created, _ = parse_time(v["created_at"], ctx.zones[v["course_id"]], order)
            except ValueError as exc:
                report.reject(
                    r.row,
                    "created_at",
                    v["created_at"],
                    f"{exc}; leave it empty when the time is unknown",
                )
                continue
        parsed.reactions.append(
            {
                "course_id": v["course_id"],
                "post_id": v["post_id"],
                "person_id": v["person_id"],
                "kind": v["kind"].lower(),
                "created_at": created,
                "exported_at": ctx.exported_at,
                "source": "csv",
                "_report": report,
                "_row": r.row,
            }
        )
    return parsed
