"""Every notebook runs top to bottom without an error (executed with nbclient)."""

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from asyncmon import Workspace
from asyncmon.datasets import sample_import_options

NOTEBOOKS = Path(__file__).parent.parent / "notebooks"


def test_the_tour_opens_on_the_sample_when_no_workspace_is_given(monkeypatch):
    monkeypatch.delenv("ASYNCMON_WORKSPACE", raising=False)
    notebook = nbformat.read(NOTEBOOKS / "explore.ipynb", as_version=4)
    NotebookClient(notebook, timeout=300, kernel_name="python3").execute()
    first = next(c for c in notebook.cells if c.cell_type == "code")
    # the sample's latest class (classes of 2025, looked at from later): HIS210 w7
    assert "Looking at HIS210 w7" in "".join(o.get("text", "") for o in first.outputs)


@pytest.mark.parametrize(
    "name", ["explore.ipynb", "pre_class_dashboard.ipynb", "coordinator_dashboard.ipynb"]
)
def test_notebook_executes(name, tmp_path, monkeypatch):
    options = sample_import_options()
    Workspace(tmp_path / "ws").import_sources(options.pop("files"), **options)
    monkeypatch.setenv("ASYNCMON_WORKSPACE", str(tmp_path / "ws"))
    monkeypatch.setenv("ASYNCMON_NOW", "2025-03-10T20:00:00Z")
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    ).execute()
    errors = [
        o
        for c in notebook.cells
        if c.cell_type == "code"
        for o in c.outputs
        if o.output_type == "error"
    ]
    assert errors == []
    last = notebook.cells[-1].outputs
    assert last, "the last cell shows something"
    if name != "explore.ipynb":
        assert "application/vnd.jupyter.widget-view+json" in last[0]["data"]
