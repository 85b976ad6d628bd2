"""Serving the dashboards with Voila: the notebooks, the server's command line, and the
wait of a preheated kernel for its visitor.

The server is started by ``asyncmon dashboard`` / ``asyncmon coordinator`` (or a school's
own service) on 127.0.0.1; what the page shows is chosen by environment variables that
whoever starts the server sets, never by the page's URL.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from .errors import AsyncmonError, WorkspaceError

__all__ = [
    "NOW_VARIABLE",
    "check_host_name",
    "WORKSPACE_VARIABLE",
    "dashboard_notebook",
    "notebook_path",
    "voila_command",
    "wait_for_visitor",
]

WORKSPACE_VARIABLE = "ASYNCMON_WORKSPACE"
CONFIG_DIR = Path(__file__).resolve().parent / "voila_config"
NOW_VARIABLE = "ASYNCMON_NOW"


def served_workspace(workspace: str | Path | None, command: str) -> str | Path:
    """The workspace a served app shows: the one given, else ``ASYNCMON_WORKSPACE`` (set
    by whoever started the server with ``asyncmon COMMAND``; never taken from the page's
    URL)."""
    folder = workspace or os.environ.get(WORKSPACE_VARIABLE)
    if not folder:
        raise WorkspaceError(
            f"no workspace: set {WORKSPACE_VARIABLE} or start the dashboard "
            f"with 'asyncmon {command} --workspace DIR'",
            code="ASYNC-E208",
        )
    return folder


def wait_for_visitor() -> bool:
    """In a preheated Voila kernel, wait until a visitor arrives; whether it waited.

    A preheated kernel runs the notebook before anyone asks; what it read then (plans,
    corrections, imports, the time) may be stale for its visitor, who is shown the page
    only after the page has checked the workspace again. Anywhere else (nbclient,
    JupyterLab, a kernel started for the request) it returns ``False`` at once.
    """
    if os.environ.get("VOILA_PREHEAT", "False") == "False":
        return False
    try:
        from voila.utils import wait_for_request
    except ImportError:  # not served by Voila
        return False
    wait_for_request()
    return True


_NOTEBOOKS = {
    "pre_class_dashboard": (
        "asyncmon.dashboard",
        "build_app",
        "# Getting ready for class\n\nThe next class is chosen for you; pick another course "
        "or activity above the figures. Student posts are shown exactly as written.",
    ),
    "coordinator_dashboard": (
        "asyncmon.coordinator",
        "build_coordinator_app",
        "# Courses side by side\n\nParticipation, teacher presence and whether activities "
        "get feedback and a follow-up, across courses, teachers and weeks.",
    ),
}


def dashboard_notebook(
    name: str = "pre_class_dashboard", workspace: str | Path | None = None
) -> dict:
    """A dashboard notebook (nbformat 4 JSON): imports, one call, the app.

    ``name`` is ``pre_class_dashboard`` (the teacher's) or ``coordinator_dashboard``;
    ``notebooks/<name>.ipynb`` is this notebook, and an installed package writes it out
    when the repository's copy is not there. With ``workspace`` the call names that
    workspace (a notebook for JupyterLab that opens on that class wherever it is run);
    without, the app reads ``ASYNCMON_WORKSPACE``, set by the server.
    """
    module, builder, about = _NOTEBOOKS[name]
    where = repr(str(Path(workspace).resolve())) if workspace is not None else ""

    def cell(cell_id: str, source: str, kind: str = "code") -> dict:
        extra: dict = {"execution_count": None, "outputs": []} if kind == "code" else {}
        return {"cell_type": kind, "id": cell_id, "metadata": {}, "source": source} | extra

    return {
        "cells": [
            cell("about", about, "markdown"),
            cell("imports", f"from {module} import {builder}"),
            cell("build", f"app = {builder}({where})"),
            cell("show", "app"),
        ],
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def notebook_path(name: str = "pre_class_dashboard") -> Path:
    """A dashboard notebook: the repository's, or a copy written to the user cache."""
    bundled = Path(__file__).resolve().parent.parent / "notebooks" / f"{name}.ipynb"
    if bundled.exists():
        return bundled
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "asyncmon"
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"{name}.ipynb"
    path.write_text(json.dumps(dashboard_notebook(name), indent=1), encoding="utf-8")
    return path


def voila_command(
    notebook: Path,
    *,
    port: int,
    preheat: bool = True,
    max_kernels: int = 4,
    allowed_hosts: Sequence[str] = (),
) -> list[str]:
    """The Voila command line a school would run.

    Local address only, on a port that fails loudly when taken; sources stripped and no
    tracebacks on the page; the product's page template (Voila's lab page, fetching
    nothing from outside: :mod:`asyncmon._voila`); plotly's JupyterLab extension not
    loaded (the teacher's page draws its own SVG; the coordinator's plotly widgets bring
    their own code).

    Memory stays bounded: at most ``max_kernels`` kernels (the preheated one included;
    one more request gets a 503 page saying why); a closed page's kernel is shut down
    10 s after its connection went, and a kernel nobody ever connected to (a plain GET)
    after a minute idle (:class:`asyncmon._kernels.BoundedKernelManager`).

    The server answers only requests naming it ``localhost`` or a loopback address, and
    the host names in ``allowed_hosts`` (the name a reverse proxy in front of it forwards;
    see :func:`check_host_name`); a WebSocket is refused unless it comes from a page of
    the same host.
    """
    command = [
        sys.executable,
        "-m",
        "asyncmon._voila",  # Voila, with the product's page template on its path
        str(notebook),
        "--template=asyncmon",
        "--no-browser",
        "--Voila.ip=127.0.0.1",
        f"--port={port}",
        "--Voila.port_retries=0",
        "--strip_sources=True",
        "--show_tracebacks=False",
        "--VoilaConfiguration.extension_denylist=jupyterlab-plotly",
        # our own configuration only (no voila.json from the folder it is started in):
        # requests must name the server as localhost or a loopback address, so that a
        # web page elsewhere cannot reach it through a DNS name it points at 127.0.0.1
        f"--Voila.config_file_paths={CONFIG_DIR}",
        "--VoilaConfiguration.multi_kernel_manager_class=asyncmon._kernels.BoundedKernelManager",
        f"--BoundedKernelManager.max_kernels={max_kernels}",
        "--MappingKernelManager.cull_idle_timeout=60",
        "--MappingKernelManager.cull_interval=10",
        "--MappingKernelManager.cull_connected=False",
    ]
    command += [f"--asyncmon-allow-host={check_host_name(h)}" for h in allowed_hosts]
    if preheat:
        command += ["--preheat_kernel=True", "--pool_size=1"]
    return command


_HOST_NAME = re.compile(
    r"^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$"
)


def check_host_name(name: str) -> str:
    """``name`` when it is a plain host name (``dash.school.edu``); raise ``AsyncmonError``
    with the fix when it has a scheme, a port, a path or a wildcard.

    >>> check_host_name("dash.school.edu")
    'dash.school.edu'
    >>> check_host_name("https://dash.school.edu:8866/")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    asyncmon.errors.AsyncmonError: ASYNC-E008 'https://dash.school.edu:8866/' is not a host ...
    """
    if not _HOST_NAME.match(name):
        raise AsyncmonError(
            f"{name!r} is not a host name; give the name alone, as in dash.school.edu "
            "(no scheme, port, path or wildcard)",
            code="ASYNC-E008",
        )
    return name
