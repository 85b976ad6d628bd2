"""The page's controls for correcting question groups (a thin layer over the library).

Beside the groups of an activity the teacher picks a group and acts on it: merge another
group into it, rename it, move some of its units out into a question of their own,
dismiss units that are not questions, add a post the detector missed, or undo the latest
correction. Each action calls one function of :mod:`asyncmon.questions.corrections`,
which stores it in the workspace; the page then recomputes the activity, so the main
gap, the brief and the verdict show the corrected groups. Every piece of student text
shown here is a widget option or label (plain text, never markup).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from .errors import AsyncmonError
from .questions.corrections import (
    add_post,
    dismiss_unit,
    merge_groups,
    move_units,
    rename_group,
    undo_correction,
)

__all__ = ["GroupEditor", "missed_posts"]

_SHOWN = 80  # characters of a unit or post shown in a picker


def _short(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


def missed_posts(
    groups: pd.DataFrame, posts: pd.DataFrame, names: dict[str, str]
) -> list[tuple[str, str]]:
    """The student posts none of whose units is in a group, as picker options
    ``(author: start of the post, post_id)``, oldest first: what a teacher can add."""
    grouped = (
        {u.rsplit("#", 1)[0] for ids in groups["unit_ids"] for u in ids} if len(groups) else set()
    )
    missed = posts[~posts["post_id"].isin(grouped)].sort_values("created_at")
    return [
        (f"{names.get(p.author_id, p.author_id)}: {_short(p.body)}", p.post_id)
        for p in missed.itertuples()
    ]


class GroupEditor:
    """Controls that correct one activity's question groups.

    Parameters
    ----------
    workspace : Workspace
        Where corrections are stored.
    on_change : callable
        Called with no argument after a correction is stored (the page recomputes).
    by : str
        Recorded as who made each correction.
    """

    def __init__(self, workspace: Any, on_change: Callable[[], None], *, by: str = "page"):
        import ipywidgets as w

        self.workspace = workspace
        self.on_change = on_change
        self.by = by
        self.groups = pd.DataFrame()
        self.course_id = self.activity_id = ""
        wide = w.Layout(width="70%")
        button = w.Layout(width="auto", min_width="230px")

        def control(css: str, widget):
            widget.add_class(f"asyncmon-edit-{css}")  # what the browser tests select
            return widget

        self.group = control("group", w.Dropdown(description="Group", layout=wide))
        self.other = control("other", w.Dropdown(description="Merge in", layout=wide))
        self.merge = control("merge", w.Button(description="Merge into the group", layout=button))
        self.name = control(
            "name",
            w.Text(description="New name", placeholder="the question in your words", layout=wide),
        )
        self.rename = control("rename", w.Button(description="Rename the group", layout=button))
        self.units = control(
            "units",
            w.SelectMultiple(description="Units", layout=w.Layout(width="95%", height="110px")),
        )
        self.move = control(
            "move", w.Button(description="Move out as a new question", layout=button)
        )
        self.dismiss = control("dismiss", w.Button(description="Not a question", layout=button))
        self.post = control("post", w.Dropdown(description="Missed post", layout=wide))
        self.add = control("add", w.Button(description="Add the post to the group", layout=button))
        self.undo = control(
            "undo", w.Button(description="Undo the latest correction", layout=button)
        )
        self.status = control("status", w.Label())
        self.group.observe(lambda _change: self._fill_units(), names="value")
        for button, action in (
            (self.merge, self._merge),
            (self.rename, self._rename),
            (self.move, self._move),
            (self.dismiss, self._dismiss),
            (self.add, self._add),
            (self.undo, self._undo),
        ):
            button.on_click(lambda _b, act=action: self._run(act))
        self.widget = w.VBox(
            [
                w.HTML(
                    "<p><b>Correct the groups</b> (your corrections win over the model "
                    "and are kept when new posts arrive)</p>"
                ),
                self.group,
                w.HBox([self.other, self.merge]),
                w.HBox([self.name, self.rename]),
                self.units,
                w.HBox([self.move, self.dismiss]),
                w.HBox([self.post, self.add]),
                w.HBox([self.undo, self.status]),
            ]
        )
        self.widget.add_class("asyncmon-group-editor")

    def show(
        self,
        course_id: str,
        activity_id: str,
        groups: pd.DataFrame,
        missed: list[tuple[str, str]],
    ) -> None:
        """Fill the pickers for an activity's groups and the student posts in none of
        them (``missed``: :func:`missed_posts`, computed ahead with the page's view)."""
        self.course_id, self.activity_id = course_id, activity_id
        self.groups = groups.reset_index(drop=True)
        options = [
            (f"{g.rank}. {_short(g.label)} ({g.students} students)", i)
            for i, g in enumerate(self.groups.itertuples())
        ]
        self.group.options = options
        self.other.options = options
        self.group.value = options[0][1] if options else None
        self.other.value = options[1][1] if len(options) > 1 else None
        self.post.options = missed
        self._fill_units()
        for control in (self.merge, self.rename, self.move, self.dismiss, self.add):
            control.disabled = not options
        self.merge.disabled = len(options) < 2

    def _fill_units(self) -> None:
        if self.group.value is None or self.groups.empty:
            self.units.options = []
            return
        g = self.groups.iloc[self.group.value]
        self.units.options = [
            (_short(text), unit) for unit, text in zip(g["unit_ids"], g["unit_texts"])
        ]

    def _selected(self) -> pd.Series:
        if self.group.value is None:
            raise AsyncmonError("pick a group first", code="ASYNC-E313")
        return self.groups.iloc[self.group.value]

    def _run(self, action: Callable[[], str]) -> None:
        try:
            message = action()
        except AsyncmonError as error:
            self.status.value = error.message
            return
        self.on_change()
        self.status.value = message

    def _merge(self) -> str:
        group = self._selected()
        if self.other.value is None or self.other.value == self.group.value:
            raise AsyncmonError("pick another group to merge in", code="ASYNC-E313")
        other = self.groups.iloc[self.other.value]
        merge_groups(self.workspace, group, other, by=self.by)
        return f"Merged '{_short(other['label'])}' into '{_short(group['label'])}'."

    def _rename(self) -> str:
        group = self._selected()
        rename_group(self.workspace, group, self.name.value, by=self.by)
        self.name.value = ""
        return "Renamed."

    def _move(self) -> str:
        chosen = list(self.units.value)
        if not chosen:
            raise AsyncmonError("pick the units to move out", code="ASYNC-E313")
        move_units(
            self.workspace,
            self.course_id,
            self.activity_id,
            chosen,
            label=self.name.value.strip() or None,
            by=self.by,
        )
        self.name.value = ""
        return f"Moved {len(chosen)} unit(s) out into a question of their own."

    def _dismiss(self) -> str:
        chosen = list(self.units.value)
        if not chosen:
            raise AsyncmonError("pick the units that are not questions", code="ASYNC-E313")
        for unit_id in chosen:
            dismiss_unit(self.workspace, self.course_id, self.activity_id, unit_id, by=self.by)
        return f"Dismissed {len(chosen)} unit(s)."

    def _add(self) -> str:
        group = self._selected()
        if not self.post.value:
            raise AsyncmonError("pick the post to add", code="ASYNC-E313")
        add_post(self.workspace, group, self.post.value, by=self.by)
        return "Added the post to the group."

    def _undo(self) -> str:
        undo_correction(self.workspace, self.course_id, self.activity_id, by=self.by)
        return "Undid the latest correction."
