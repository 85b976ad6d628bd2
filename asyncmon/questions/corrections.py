"""The teacher corrects the question groups; the teacher's word beats the model.

Six actions, each stored in the workspace (table ``corrections``) with when and by whom,
and applied in order over the computed groups every time groups are computed, so they
survive re-imports, new posts and new versions of the model:

- :func:`merge_groups`: two groups are one question;
- :func:`move_units`: some units are a question of their own (split a group);
- :func:`rename_group`: the teacher's wording of a group;
- :func:`dismiss_unit`: a unit is not a question (it leaves every group);
- :func:`add_post`: a post the detector missed belongs to a group;
- :func:`undo_correction`: the latest correction (not yet undone) no longer applies.

Groups are named by their units, and a unit by its post and its position in the post:
``"p17#2"`` is unit 2 (counting from 0) of post ``p17``; a post added whole is
``"p17#post"``. The group rows of :func:`~asyncmon.questions.question_groups` carry
their ``unit_ids``. A correction whose units are all gone (a post deleted, or edited
so that the unit moved) no longer changes anything.

Examples
--------
>>> import tempfile
>>> from asyncmon import Workspace, sample_data_dir
>>> from asyncmon.questions import question_groups
>>> ws = Workspace(tempfile.mkdtemp())
>>> d = sample_data_dir()
>>> _ = ws.import_sources([d / "posts.csv"], people=d / "people.csv",
...                       activities=d / "activities.csv")
>>> groups = question_groups(ws.load(), course_id="BIO101", activity_id="w2")
>>> first = groups.iloc[0]
>>> rename_group(ws, first, "Why does water move towards the salty side?", by="ms.k")
'1'
>>> question_groups(ws.load(), course_id="BIO101", activity_id="w2").loc[0, "label"]
'Why does water move towards the salty side?'
>>> undo_correction(ws, "BIO101", "w2", by="ms.k")
'2'
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

from ..errors import AsyncmonError
from .detect import MAX_UNIT_CHARS

__all__ = [
    "ACTIONS",
    "add_post",
    "apply_corrections",
    "dismiss_unit",
    "merge_groups",
    "move_units",
    "rename_group",
    "undo_correction",
]

ACTIONS = ("merge", "move", "rename", "dismiss", "add", "undo")


def _group_of(group: Mapping[str, Any] | pd.Series) -> tuple[str, str, list[str]]:
    try:
        units = list(group["unit_ids"])
        return str(group["course_id"]), str(group["activity_id"]), units
    except (KeyError, TypeError):
        raise AsyncmonError(
            "a group is a row of question_groups(...): it needs course_id, activity_id and "
            "unit_ids",
            code="ASYNC-E311",
        ) from None


def merge_groups(
    workspace: Any, group: Any, other: Any, *, by: str | None = None, now: datetime | None = None
) -> str:
    """Record that ``other`` is the same question as ``group``; returns the correction id.

    Both are rows of :func:`question_groups` of the same activity. ``group`` keeps its
    name (and its teacher's label, if any).
    """
    course, activity, units = _group_of(group)
    other_course, other_activity, other_units = _group_of(other)
    if (course, activity) != (other_course, other_activity):
        raise AsyncmonError("only groups of the same activity can be merged", code="ASYNC-E312")
    return workspace.add_correction(
        course, activity, action="merge", units=other_units, target=units, by=by, now=now
    )


def move_units(
    workspace: Any,
    course_id: str,
    activity_id: str,
    unit_ids: Sequence[str],
    *,
    label: str | None = None,
    by: str | None = None,
    now: datetime | None = None,
) -> str:
    """Record that these units are a question of their own (a new group, named ``label``)."""
    if not unit_ids:
        raise AsyncmonError("name at least one unit to move, such as 'p17#2'", code="ASYNC-E313")
    return workspace.add_correction(
        course_id, activity_id, action="move", units=list(unit_ids), label=label, by=by, now=now
    )


def rename_group(
    workspace: Any, group: Any, label: str, *, by: str | None = None, now: datetime | None = None
) -> str:
    """Record the teacher's wording of a group (shown instead of the computed label)."""
    course, activity, units = _group_of(group)
    label = " ".join(str(label).split())
    if not label:
        raise AsyncmonError("a group's new name cannot be empty", code="ASYNC-E314")
    return workspace.add_correction(
        course, activity, action="rename", units=units, label=label, by=by, now=now
    )


def dismiss_unit(
    workspace: Any,
    course_id: str,
    activity_id: str,
    unit_id: str,
    *,
    by: str | None = None,
    now: datetime | None = None,
) -> str:
    """Record that a unit is not a question or confusion: it leaves every group."""
    return workspace.add_correction(
        course_id, activity_id, action="dismiss", units=[unit_id], by=by, now=now
    )


def add_post(
    workspace: Any, group: Any, post_id: str, *, by: str | None = None, now: datetime | None = None
) -> str:
    """Record that a post the detector missed raises the question of ``group``."""
    course, activity, units = _group_of(group)
    return workspace.add_correction(
        course, activity, action="add", units=[f"{post_id}#post"], target=units, by=by, now=now
    )


def undo_correction(
    workspace: Any,
    course_id: str,
    activity_id: str,
    *,
    by: str | None = None,
    now: datetime | None = None,
) -> str:
    """Record that the latest correction not yet undone no longer applies.

    Raises
    ------
    AsyncmonError
        When the activity has no correction left to undo.
    """
    done = workspace.load(course_id=course_id).corrections
    done = done[done["activity_id"] == activity_id]
    active = _active(done)
    if active.empty:
        raise AsyncmonError(
            f"{course_id} {activity_id} has no correction of its groups to undo", code="ASYNC-E315"
        )
    last = active.iloc[-1]["correction_id"]
    return workspace.add_correction(
        course_id, activity_id, action="undo", units=[], target=[last], by=by, now=now
    )


def _ordered(corrections: pd.DataFrame) -> pd.DataFrame:
    order = corrections["correction_id"].astype(int).to_numpy()
    return corrections.iloc[np.argsort(order, kind="stable")]


def _active(corrections: pd.DataFrame) -> pd.DataFrame:
    """The corrections that apply: not undos, and not undone (an undo can be undone)."""
    if corrections.empty:
        return corrections
    rows = _ordered(corrections)
    undone: set[str] = set()
    for row in rows.iloc[::-1].itertuples():  # latest first: an undo of an undo revives
        if row.action == "undo" and row.correction_id not in undone:
            undone.update(json.loads(row.target or "[]"))
    return rows[(rows["action"] != "undo") & ~rows["correction_id"].isin(undone)]


def _majority(groups: pd.Series) -> Any:
    counts = Counter(groups.tolist())
    return max(counts, key=lambda g: (counts[g], -groups.tolist().index(g)))


def apply_corrections(
    units: pd.DataFrame, corrections: pd.DataFrame, posts: pd.DataFrame
) -> tuple[pd.DataFrame, dict[Any, str], set[Any]]:
    """Apply an activity's corrections, in order, to its grouped units.

    Parameters
    ----------
    units : DataFrame
        Grouped units of one activity: ``unit_id, post_id, author_id, text, group``
        (and any other columns).
    corrections : DataFrame
        That activity's rows of :attr:`ClassData.corrections`.
    posts : DataFrame
        The activity's student posts (``post_id, author_id, body`` and ``created_at``),
        for added posts.

    Returns
    -------
    (DataFrame, dict, set)
        The units after the corrections (a moved unit's group is ``"c<id>"``), the
        teacher's label per group, and the groups a correction touched.
    """
    out = units.copy()
    out["group"] = out["group"].astype(object)
    labels: dict[Any, str] = {}
    touched: set[Any] = set()
    bodies = posts.set_index("post_id")
    for row in _active(corrections).itertuples():
        ids = json.loads(row.units or "[]")
        target = json.loads(row.target) if isinstance(row.target, str) else []
        present = out["unit_id"].isin(ids)
        aimed = out.loc[out["unit_id"].isin(target), "group"]
        if row.action == "dismiss":
            out = out[~present]
        elif row.action == "move" and present.any():
            new = f"c{row.correction_id}"
            out.loc[present, "group"] = new
            touched.add(new)
            if isinstance(row.label, str) and row.label:
                labels[new] = row.label
        elif row.action == "merge" and present.any() and not aimed.empty:
            keep = _majority(aimed)
            merged = set(out.loc[present, "group"]) | set(aimed)
            out.loc[out["group"].isin(merged), "group"] = keep
            touched.add(keep)
            for g in merged - {keep}:
                if g in labels and keep not in labels:
                    labels[keep] = labels[g]
        elif row.action == "rename" and present.any():
            group = _majority(out.loc[present, "group"])
            labels[group] = row.label
            touched.add(group)
        elif row.action == "add":
            for unit_id in ids:
                post_id = unit_id.rsplit("#", 1)[0]
                if unit_id in set(out["unit_id"]) or post_id not in bodies.index:
                    continue
                post = bodies.loc[post_id]
                group = _majority(aimed) if not aimed.empty else f"c{row.correction_id}"
                added: dict[str, object] = {c: None for c in out.columns}
                added.update(
                    unit_id=unit_id,
                    post_id=post_id,
                    author_id=post["author_id"],
                    unit_index=-1,
                    text=" ".join(str(post["body"]).split())[:MAX_UNIT_CHARS],
                    cue="added by the teacher",
                    score=np.nan,
                    group=group,
                )
                if "created_at" in out.columns and "created_at" in post.index:
                    added["created_at"] = post["created_at"]
                out = pd.concat([out, pd.DataFrame([added])], ignore_index=True)
                touched.add(group)
    return out, labels, touched
