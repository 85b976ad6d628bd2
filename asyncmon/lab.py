"""Exploring one's own class in JupyterLab: the server's command line, and a notebook of
the exploration tour bound to a workspace.

``asyncmon lab --workspace WS`` starts JupyterLab on 127.0.0.1 with a token, in a folder
of the teacher's notebooks, with ``ASYNCMON_WORKSPACE`` set for every kernel (the tour and
the dashboards read it). ``asyncmon notebook --workspace WS --out FILE`` writes the tour
(``notebooks/explore.ipynb``) with the workspace written into its first cell, so that it
opens on that class wherever it is run.
"""

from __future__ import annotations

import json
import os
import secrets
import sys
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from ._paths import output_file
from .errors import AsyncmonError
from .tables import ClassData

__all__ = [
    "ASSOCIATION_CAUTION",
    "TOUR",
    "acknowledgement_and_next_time",
    "exploration_notebook",
    "lab_command",
    "latest_activity",
    "write_exploration_notebook",
]

#: The exploration tour: ``notebooks/explore.ipynb`` of the repository (the README's
#: set-up installs asyncmon from it).
TOUR = Path(__file__).resolve().parent.parent / "notebooks" / "explore.ipynb"

#: The line of the tour's first code cell that says where the class comes from.
_SOURCE_LINE = 'WORKSPACE = os.environ.get("ASYNCMON_WORKSPACE")'


def latest_activity(data: ClassData, now: datetime | None = None) -> tuple[str, str]:
    """``(course_id, activity_id)`` of the latest activity whose class has started by
    ``now`` (default: now), or of the first one ahead when none has: the one a teacher
    exploring their class most likely wants to look back on.

    >>> from asyncmon import load_sample
    >>> # the w4 classes of 11 March 2025: BIO101 08:00Z, ENG150 14:00Z, HIS210 14:30Z
    >>> latest_activity(load_sample(), now=datetime(2025, 3, 12, tzinfo=UTC))
    ('HIS210', 'w4')
    >>> # before term: the first class ahead (BIO101 w1, 18 February 08:00Z)
    >>> latest_activity(load_sample(), now=datetime(2025, 1, 1, tzinfo=UTC))
    ('BIO101', 'w1')
    """
    acts = data.activities.sort_values(["class_starts_at", "course_id", "activity_id"])
    if acts.empty:
        raise AsyncmonError(
            "the workspace holds no activities; import a schedule first", code="ASYNC-E205"
        )
    moment = pd.Timestamp(now if now is not None else datetime.now(UTC))
    started = acts[acts["class_starts_at"] <= moment]
    row = started.iloc[-1] if len(started) else acts.iloc[0]
    return row["course_id"], row["activity_id"]


def exploration_notebook(workspace: str | Path) -> dict:
    """The tour as a notebook (nbformat 4 JSON) that reads the workspace ``workspace``.

    Its outputs are cleared: it is run on the class it names, not shown with the sample's.
    """
    if not TOUR.exists():
        raise AsyncmonError(
            f"the exploration notebook {TOUR} is not there; install asyncmon from its "
            "repository (the README's set-up) to get it",
            code="ASYNC-E217",
        )
    notebook = json.loads(TOUR.read_text(encoding="utf-8"))
    bound = f"WORKSPACE = {str(Path(workspace).resolve())!r}"
    first = next(c for c in notebook["cells"] if c["cell_type"] == "code")
    source = "".join(first["source"])
    if _SOURCE_LINE not in source:  # the tour and this function are kept together
        raise AsyncmonError(f"{TOUR} has no line {_SOURCE_LINE!r}", code="ASYNC-E217")
    first["source"] = source.replace(_SOURCE_LINE, bound)
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    return notebook


def write_exploration_notebook(workspace: str | Path, out: str | Path) -> Path:
    """Write :func:`exploration_notebook` to ``out``, never over an existing file."""
    out = output_file(out, example="my_class.ipynb")
    if out.suffix != ".ipynb":
        raise AsyncmonError(
            f"{out} does not end in .ipynb; name the notebook like my_class.ipynb",
            code="ASYNC-E218",
        )
    text = json.dumps(exploration_notebook(workspace), indent=1, ensure_ascii=False) + "\n"
    try:
        with open(out, "x", encoding="utf-8") as f:  # "x": fails if the file exists
            f.write(text)
    except FileExistsError:
        raise AsyncmonError(
            f"{out} exists; asyncmon never overwrites a notebook: give another name",
            code="ASYNC-E219",
        ) from None
    except OSError as exc:
        raise AsyncmonError(f"cannot write {out}: {exc.strerror}", code="ASYNC-E216") from None
    return out


def lab_command(folder: Path, *, port: int, token: str) -> list[str]:
    """The JupyterLab command line: 127.0.0.1 only, this token, ``folder`` as its root,
    a port that fails loudly when taken, no browser opened by the server, and no
    terminals (a notebook is all a teacher exploring a class needs; a terminal would be a
    shell for anyone holding the address). As root (a container) it is allowed to run."""
    root = ["--ServerApp.allow_root=True"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    return [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={folder}",
        "--ServerApp.terminals_enabled=False",
        *root,
    ]


def new_token() -> str:
    """A fresh token for one JupyterLab session."""
    return secrets.token_urlsafe(24)


#: Said wherever :func:`acknowledgement_and_next_time` is shown.
ASSOCIATION_CAUTION = (
    "An association, not a cause: students who are acknowledged may differ from the "
    "others in ways that also make them take part again."
)


def acknowledgement_and_next_time(table: pd.DataFrame, activities: pd.DataFrame) -> pd.DataFrame:
    """Does acknowledgement go with taking part next time?

    For every student who took part in an activity before its class and whose course has
    a next activity (by class start), whether they were acknowledged before that class,
    and whether they took part in the next activity (before its class). Read it with
    :data:`ASSOCIATION_CAUTION`.

    Parameters
    ----------
    table : DataFrame
        An :func:`~asyncmon.acknowledgements` table.
    activities : DataFrame
        The ``activities`` table of the same data (for the order of the classes).

    Returns
    -------
    DataFrame
        One row per group, ``acknowledged`` (True, then False): ``students`` (student
        and activity pairs), ``took_part_next`` (of them), ``share`` (NaN for none).

    Examples
    --------
    Two activities; Ana and Ben took part in the first, only Ana was acknowledged, and
    only Ana took part in the second (Cleo took part in neither):

    >>> import pandas as pd
    >>> t = pd.DataFrame({
    ...     "course_id": ["C"] * 6,
    ...     "activity_id": ["a1", "a1", "a1", "a2", "a2", "a2"],
    ...     "student_id": ["ana", "ben", "cleo"] * 2,
    ...     "status": ["on_time", "late", "missing", "on_time", "missing", "missing"],
    ...     "acknowledged_before_class": [True, False, False, False, False, False]})
    >>> acts = pd.DataFrame({"course_id": ["C", "C"], "activity_id": ["a2", "a1"],
    ...     "class_starts_at": pd.to_datetime(["2025-03-10", "2025-03-03"], utc=True)})
    >>> acknowledgement_and_next_time(t, acts).to_dict("records")
    [{'acknowledged': True, 'students': 1, 'took_part_next': 1, 'share': 1.0}, \
{'acknowledged': False, 'students': 1, 'took_part_next': 0, 'share': 0.0}]
    """
    keys = ["course_id", "activity_id"]
    order = activities.sort_values(["course_id", "class_starts_at", "activity_id"])[keys]
    order = order.assign(next_activity_id=order.groupby("course_id")["activity_id"].shift(-1))
    took_part = table["status"].isin(["on_time", "late"])
    pairs = table.loc[took_part, [*keys, "student_id", "acknowledged_before_class"]]
    pairs = pairs.merge(order, on=keys).dropna(subset=["next_activity_id"])
    next_time = table.loc[took_part, ["course_id", "activity_id", "student_id"]].rename(
        columns={"activity_id": "next_activity_id"}
    )
    pairs = pairs.merge(
        next_time.assign(took_part_next=True),
        on=["course_id", "next_activity_id", "student_id"],
        how="left",
    )
    pairs["took_part_next"] = pairs["took_part_next"].fillna(False).astype(bool)
    rows = []
    for flag in (True, False):
        group = pairs[pairs["acknowledged_before_class"].astype(bool) == flag]
        n, again = len(group), int(group["took_part_next"].sum())
        rows.append(
            {
                "acknowledged": flag,
                "students": n,
                "took_part_next": again,
                "share": again / n if n else float("nan"),
            }
        )
    return pd.DataFrame(rows)
