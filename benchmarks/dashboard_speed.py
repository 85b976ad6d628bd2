"""Time the pre-class dashboard in a real browser, beside an empty Voila notebook, and
measure the server's memory after many requests.

Run from the repository root (needs Chromium; see tests/browser.py)::

    python benchmarks/dashboard_speed.py --runs 5 --requests 20

Three notebooks are served exactly as ``asyncmon dashboard`` serves (preheated kernel
pool, then cold kernels): an empty notebook that prints a line, the same with one
``ipywidgets.HTML`` widget (the widget floor), and the dashboard. Each is opened
``--runs`` times in headless Chromium; every clock runs from navigation until what the
user sees is drawn: the printed line visible, the widget visible, and for the dashboard
its cards, both charts (SVG on screen) and the brief's links. Then, on the dashboard, it
switches activity three times per run and times each until the title, the chart and the
brief show the new activity. Medians are printed, with the ratios to the empty notebook:
these machines are shared and noisy, quote ratios.

Last, ``--requests`` plain GETs of the page (a link checker, a health check) are sent to a
preheated server and the memory of the server and all its kernels is printed after them
and again a little later.

This is a script, not a test: it prints figures and asserts nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from asyncmon import Workspace  # noqa: E402
from asyncmon.datasets import sample_import_options  # noqa: E402
from asyncmon.serving import (  # noqa: E402
    NOW_VARIABLE,
    WORKSPACE_VARIABLE,
    notebook_path,
    voila_command,
)
from tests.browser import ARGS, chromium_path, free_port  # noqa: E402

NOW = "2025-03-10T20:00:00Z"


def _notebook(source: str) -> dict:
    return {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": None,
                "id": "only",
                "metadata": {},
                "outputs": [],
                "source": source,
            }
        ],
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


EMPTY = _notebook("print('ready')")
ONE_WIDGET = _notebook(
    "import ipywidgets as w\nx = w.HTML('<b>ready</b>')\nx.add_class('am-floor')\nx"
)
#: What the user sees drawn, per notebook (every selector visible).
DRAWN = {
    "empty": ["#rendered_cells .jp-OutputArea-output pre"],
    "one widget": [".am-floor b"],
    "dashboard": [
        ".asyncmon-took-part .am-card-value",
        ".asyncmon-heatmap svg rect.am-cell",
        ".asyncmon-timeline svg polyline",
        ".asyncmon-brief a",
    ],
}


def start(notebook: Path, env: dict, preheat: bool, max_kernels: int = 4):
    port = free_port()
    # served exactly as `asyncmon dashboard` serves (culling, stripped sources...)
    command = voila_command(notebook, port=port, preheat=preheat, max_kernels=max_kernels)
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}/"
    for _ in range(240):
        try:
            urllib.request.urlopen(url + "voila/static/voila.js", timeout=2)
            break
        except OSError:
            time.sleep(0.5)
    if preheat:
        time.sleep(25)  # let the pool fill before the first visitor
    return process, url


def load(browser, url: str, drawn: list[str]) -> tuple[float, object]:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    began = time.perf_counter()
    page.goto(url, wait_until="commit")
    for selector in drawn:
        page.wait_for_selector(selector, state="visible", timeout=300_000)
    return time.perf_counter() - began, page


def switch(page, activity: str) -> float:
    labels = page.eval_on_selector_all(
        ".asyncmon-activity select option", "els => els.map(e => e.textContent)"
    )
    target = next(x for x in labels if x.strip().startswith(activity))
    began = time.perf_counter()
    page.select_option(".asyncmon-activity select", label=target)
    page.wait_for_function(
        "a => document.querySelector('.asyncmon-brief a').getAttribute('download')"
        ".includes('-' + a + '.') && document.querySelector('.asyncmon-title').innerText"
        ".includes(a) && document.querySelector('.asyncmon-timeline svg, "
        ".asyncmon-timeline .am-chart-empty') !== null",
        arg=activity,
        timeout=300_000,
    )
    return time.perf_counter() - began


def server_memory(process) -> tuple[int, float]:
    """Processes (the server and its kernels) and their resident memory in GB."""
    import psutil

    root = psutil.Process(process.pid)
    family = [root] + root.children(recursive=True)
    rss = 0
    for p in family:
        with contextlib.suppress(psutil.NoSuchProcess):
            rss += p.memory_info().rss
    return len(family), rss / 1e9


def requests_memory(env: dict, count: int) -> None:
    process, url = start(notebook_path(), env, preheat=True)
    try:
        for _ in range(count):
            try:
                urllib.request.urlopen(url, timeout=120).read()
            except OSError as error:  # a refusal is an answer too
                print(f"  GET: {error}")
        n, gb = server_memory(process)
        print(f"after {count} GETs: {n} processes, {gb:.2f} GB", flush=True)
        time.sleep(90)
        n, gb = server_memory(process)
        print(f"90 s later: {n} processes, {gb:.2f} GB", flush=True)
        began = time.perf_counter()
        urllib.request.urlopen(url + "voila/static/voila.js", timeout=60).read()
        print(f"the server still answers ({time.perf_counter() - began:.2f} s)", flush=True)
    finally:
        process.terminate()
        process.wait(timeout=60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--refill", type=float, default=40, help="seconds for the pool")
    parser.add_argument(
        "--servers", default="preheated,cold", help="which servers to time (comma-separated)"
    )
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        options = sample_import_options()
        Workspace(folder / "ws").import_sources(options.pop("files"), **options)
        notebooks = {"dashboard": notebook_path()}
        for name, content in (("empty", EMPTY), ("one widget", ONE_WIDGET)):
            notebooks[name] = folder / f"{name.replace(' ', '_')}.ipynb"
            notebooks[name].write_text(json.dumps(content))
        env = dict(os.environ, **{WORKSPACE_VARIABLE: str(folder / "ws"), NOW_VARIABLE: NOW})
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium_path(), args=ARGS)
            print(f"{'setting':<10} {'page':<11} {'drawn s':>8} {'ratio':>6} {'switch s':>9}")
            for setting in args.servers.split(","):
                preheat = setting == "preheated"
                results = {}
                for name in ("empty", "one widget", "dashboard"):
                    # the reference notebooks connect no widget: their kernels are culled
                    # only after a minute, so they get room for every run
                    cap = 4 if name == "dashboard" else 4 + args.runs
                    process, url = start(notebooks[name], env, preheat, cap)
                    drawn, switched = [], []
                    try:
                        for _ in range(args.runs):
                            seconds, page = load(browser, url, DRAWN[name])
                            drawn.append(seconds)
                            if name == "dashboard":
                                for activity in ("w3", "w2", "w5"):
                                    switched.append(switch(page, activity))
                            # as a browser closes a tab: Voila's page asks the server to
                            # shut its kernel down
                            page.close(run_before_unload=True)
                            if preheat:
                                time.sleep(args.refill)  # the pool refills
                    finally:
                        process.terminate()
                        process.wait(timeout=60)
                    results[name] = statistics.median(drawn)
                    ratio = results[name] / results["empty"]
                    switch_text = f"{statistics.median(switched):9.3f}" if switched else " " * 9
                    print(
                        f"{setting:<10} {name:<11} {results[name]:8.2f} {ratio:6.2f} {switch_text}",
                        flush=True,
                    )
            browser.close()
        requests_memory(env, args.requests)


if __name__ == "__main__":
    main()
