"""Exploring one's own class: `asyncmon notebook` writes the tour bound to a workspace,
`asyncmon lab` opens JupyterLab on it (127.0.0.1, a token, the workspace given to every
kernel)."""

import json
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

import nbformat
import psutil
from nbclient import NotebookClient

from asyncmon.cli import main

from .browser import free_port
from .other_class import import_other_class


def _errors(notebook) -> list:
    return [
        o
        for c in notebook.cells
        if c.cell_type == "code"
        for o in c.outputs
        if o.output_type == "error"
    ]


def test_the_tour_written_for_a_class_that_is_not_the_sample_runs_on_that_class(
    tmp_path, monkeypatch, capsys
):
    import_other_class(tmp_path / "ws")
    out = tmp_path / "my_class.ipynb"
    assert main(["notebook", "--workspace", str(tmp_path / "ws"), "--out", str(out)]) == 0
    notebook = nbformat.read(out, as_version=4)
    first = next(c for c in notebook.cells if c.cell_type == "code")
    assert f"WORKSPACE = {str((tmp_path / 'ws').resolve())!r}" in first.source
    assert all(c.outputs == [] for c in notebook.cells if c.cell_type == "code")
    # bound: it reads that class with no variable set, from any folder
    monkeypatch.delenv("ASYNCMON_WORKSPACE", raising=False)
    NotebookClient(notebook, timeout=300, kernel_name="python3").execute()
    assert _errors(notebook) == []
    printed = "".join(o.get("text", "") for o in first.outputs)
    assert "Looking at PHYS-9 circuits" in printed  # its only activity
    brief = notebook.cells[-1].outputs[0]["data"]["text/markdown"]
    assert "circuits" in brief and "BIO101" not in brief
    # never over an existing notebook
    before = out.read_bytes()
    capsys.readouterr()
    assert main(["notebook", "--workspace", str(tmp_path / "ws"), "--out", str(out)]) == 2
    assert "ASYNC-E219" in capsys.readouterr().err and out.read_bytes() == before
    assert main(["notebook", "--workspace", str(tmp_path / "ws"), "--out", "x.txt"]) == 2
    assert "ASYNC-E218" in capsys.readouterr().err


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:  # not listening yet
        return 0


def test_asyncmon_lab_opens_jupyterlab_on_the_workspace_with_a_token(tmp_path):
    import_other_class(tmp_path / "ws")
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "asyncmon.cli",
            "lab",
            "--workspace",
            str(tmp_path / "ws"),
            "--port",
            str(port),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        printed = "".join(server.stdout.readline() for _ in range(3))
        found = re.search(rf"http://127\.0\.0\.1:{port}/lab\?token=([\w-]+)", printed)
        assert found, printed
        token = found[1]
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while _get(f"{base}/api/status?token={token}") != 200:
            assert time.monotonic() < deadline and server.poll() is None
            time.sleep(0.5)
        assert _get(f"{base}/api/status") == 403  # no token, no entry
        assert _get(f"{base}/lab?token={token}") == 200
        assert _get(f"{base}/api/terminals?token={token}") == 404  # no shell in the page
        # the teacher's notebooks: a folder in the workspace with the tour and the two
        # dashboards, each bound to it
        folder = tmp_path / "ws" / "notebooks"
        assert sorted(p.name for p in folder.iterdir()) == [
            "coordinator_dashboard.ipynb",
            "explore.ipynb",
            "pre_class_dashboard.ipynb",
        ]
        bound = repr(str((tmp_path / "ws").resolve()))
        assert f"WORKSPACE = {bound}" in nbformat.read(folder / "explore.ipynb", 4).cells[1].source
        assert (
            f"app = build_app({bound})"
            in nbformat.read(folder / "pre_class_dashboard.ipynb", 4).cells[2].source
        )
        # Lab itself: its reopened tabs kept with this class, no news feed or update check
        (lab,) = [
            p
            for p in psutil.Process(server.pid).children(recursive=True)
            if "jupyterlab" in p.cmdline()
        ]
        layouts = f"--LabApp.workspaces_dir={(tmp_path / 'ws').resolve() / 'lab-layouts'}"
        assert layouts in lab.cmdline() and "--LabApp.news_url=None" in lab.cmdline()
        # a kernel started from the page knows the workspace
        request = urllib.request.Request(
            f"{base}/api/kernels?token={token}", data=b"{}", method="POST"
        )
        with urllib.request.urlopen(request, timeout=60) as answer:
            kernel = json.loads(answer.read())["id"]
        kernels = [
            p
            for p in psutil.Process(server.pid).children(recursive=True)
            if any(kernel in part for part in p.cmdline())
        ]
        assert len(kernels) == 1
        assert kernels[0].environ()["ASYNCMON_WORKSPACE"] == str((tmp_path / "ws").resolve())
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=90) == 0
        assert not kernels[0].is_running() or kernels[0].status() == psutil.STATUS_ZOMBIE
    finally:
        if server.poll() is None:
            server.kill()


def test_acknowledgement_and_next_time_counts_what_a_plain_loop_counts():
    from asyncmon import acknowledgements, load_sample
    from asyncmon.explore import acknowledgement_and_next_time

    data = load_sample()
    table = acknowledgements(data)
    # the same question asked with dictionaries and a loop
    took = {
        (r.course_id, r.activity_id, r.student_id): r.acknowledged_before_class
        for r in table.itertuples()
        if r.status in ("on_time", "late")
    }
    ordered = data.activities.sort_values("class_starts_at")
    following = {}
    for course, acts in ordered.groupby("course_id"):
        ids = list(acts["activity_id"])
        following |= {(course, a): b for a, b in zip(ids, ids[1:], strict=False)}
    counts = {True: [0, 0], False: [0, 0]}
    for (course, activity, student), acked in took.items():
        if (course, activity) in following:
            counts[bool(acked)][0] += 1
            counts[bool(acked)][1] += (course, following[course, activity], student) in took
    result = acknowledgement_and_next_time(table, data.activities).set_index("acknowledged")
    for flag in (True, False):
        assert result.loc[flag, "students"] == counts[flag][0] > 0
        assert result.loc[flag, "took_part_next"] == counts[flag][1]


def test_a_class_with_one_activity_has_no_next_time(tmp_path):
    import math

    from asyncmon import Workspace, acknowledgements
    from asyncmon.explore import acknowledgement_and_next_time

    import_other_class(tmp_path / "ws")
    data = Workspace(tmp_path / "ws", create=False).load()
    result = acknowledgement_and_next_time(acknowledgements(data), data.activities)
    assert list(result["students"]) == [0, 0] and all(math.isnan(x) for x in result["share"])


def test_lab_notebooks_are_added_when_missing_and_an_edited_one_is_left_alone(tmp_path):
    from asyncmon.lab import LAB_NOTEBOOKS, write_lab_notebooks

    folder = tmp_path / "notebooks"
    folder.mkdir()
    (folder / "explore.ipynb").write_text("my own edits", encoding="utf-8")
    written = write_lab_notebooks(tmp_path / "ws", folder)
    assert [p.name for p in written] == ["pre_class_dashboard.ipynb", "coordinator_dashboard.ipynb"]
    assert (folder / "explore.ipynb").read_text(encoding="utf-8") == "my own edits"
    assert write_lab_notebooks(tmp_path / "ws", folder) == []
    coordinator = nbformat.read(folder / "coordinator_dashboard.ipynb", 4)
    assert coordinator.cells[2].source == (
        f"app = build_coordinator_app({str((tmp_path / 'ws').resolve())!r})"
    )
    assert len(LAB_NOTEBOOKS) == 3
