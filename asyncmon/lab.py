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
    "TOUR",
    "exploration_notebook",
    "LAB_NOTEBOOKS",
    "lab_command",
    "latest_activity",
    "write_exploration_notebook",
    "write_lab_notebooks",
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
    return _write_notebook(exploration_notebook(workspace), out)


#: The notebooks ``asyncmon lab`` puts in the teacher's folder: the tour and the two
#: dashboards (the same apps as in Voila), each bound to the workspace.
LAB_NOTEBOOKS = ("explore", "pre_class_dashboard", "coordinator_dashboard")


def write_lab_notebooks(workspace: str | Path, folder: Path) -> list[Path]:
    """Write each of :data:`LAB_NOTEBOOKS` that ``folder`` does not hold yet, bound to
    ``workspace``; the ones written. A notebook already there (perhaps edited by the
    teacher) is left as it is."""
    from .serving import dashboard_notebook

    written = []
    for name in LAB_NOTEBOOKS:
        out = folder / f"{name}.ipynb"
        if out.exists():
            continue
        if name == "explore":
            notebook = exploration_notebook(workspace)
        else:
            notebook = dashboard_notebook(name, workspace=workspace)
        written.append(_write_notebook(notebook, out))
    return written


def _write_notebook(notebook: dict, out: str | Path) -> Path:
    out = output_file(out, example="my_class.ipynb")
    if out.suffix != ".ipynb":
        raise AsyncmonError(
            f"{out} does not end in .ipynb; name the notebook like my_class.ipynb",
            code="ASYNC-E218",
        )
    text = json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"
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


def lab_command(folder: Path, *, port: int, token: str, layouts: Path | None = None) -> list[str]:
    """The JupyterLab command line: 127.0.0.1 only, this token, ``folder`` as its root,
    a port that fails loudly when taken, no browser opened by the server, no
    terminals (a notebook is all a teacher exploring a class needs; a terminal would be a
    shell for anyone holding the address), and no calls out (JupyterLab's news feed and
    update check are off: a class's machine need not tell anyone it runs). ``layouts``
    is where Lab keeps the tabs it reopens (``asyncmon lab`` gives each workspace its
    own, so one class's notebooks never reopen on another). As root (a container) it is
    allowed to run."""
    root = ["--ServerApp.allow_root=True"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    kept = [f"--LabApp.workspaces_dir={layouts}"] if layouts is not None else []
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
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        *kept,
        *root,
    ]


def new_token() -> str:
    """A fresh token for one JupyterLab session."""
    return secrets.token_urlsafe(24)
