"""Time the pre-class dashboard in a real browser, beside an empty Voila notebook.

Run from the repository root (needs Chromium; see tests/browser.py)::

    python benchmarks/dashboard_speed.py --runs 3

For each server setting (preheated kernel pool, and cold kernels) it opens the page
``--runs`` times in headless Chromium and prints medians of: the time from navigation
to the dashboard fully drawn (the brief's download links are the last thing drawn), the
time from switching activity to every view updated, and the same first time for an
empty notebook served the same way. The ratio dashboard / empty notebook is the figure to
quote: these machines are shared and noisy.

This is a script, not a test: it prints figures and asserts nothing.
"""

from __future__ import annotations

import argparse
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
from asyncmon.dashboard import (  # noqa: E402
    NOW_VARIABLE,
    WORKSPACE_VARIABLE,
    notebook_path,
    voila_command,
)
from asyncmon.sample import sample_import_options  # noqa: E402
from tests.browser import ARGS, chromium_path, free_port  # noqa: E402

NOW = "2025-03-10T20:00:00Z"
EMPTY = {
    "cells": [
        {
            "cell_type": "code",
            "execution_count": None,
            "id": "empty",
            "metadata": {},
            "outputs": [],
            "source": "print('ready')",
        }
    ],
    "metadata": {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}
    },
    "nbformat": 4,
    "nbformat_minor": 5,
}


def start(notebook: Path, env: dict, preheat: bool):
    port = free_port()
    # served exactly as `asyncmon dashboard` serves (culling, stripped sources...)
    command = voila_command(notebook, port=port, preheat=preheat)
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


def load(browser, url: str, ready: str) -> tuple[float, object]:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    began = time.perf_counter()
    page.goto(url, wait_until="commit")
    page.wait_for_selector(ready, state="attached", timeout=300_000)
    return time.perf_counter() - began, page


def switch(page) -> float:
    before = page.inner_text(".asyncmon-brief")
    labels = page.eval_on_selector_all(
        ".asyncmon-activity select option", "els => els.map(e => e.textContent)"
    )
    target = next(x for x in labels if x.strip().startswith("w3"))
    began = time.perf_counter()
    page.select_option(".asyncmon-activity select", label=target)
    page.wait_for_function(
        "b => document.querySelector('.asyncmon-brief a').getAttribute('download')"
        ".includes('w3') && document.querySelector('.asyncmon-title').innerText.includes('w3')",
        arg=before,
        timeout=300_000,
    )
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        options = sample_import_options()
        Workspace(folder / "ws").import_sources(options.pop("files"), **options)
        empty = folder / "empty.ipynb"
        empty.write_text(json.dumps(EMPTY))
        env = dict(os.environ, **{WORKSPACE_VARIABLE: str(folder / "ws"), NOW_VARIABLE: NOW})
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium_path(), args=ARGS)
            print(f"{'setting':<11} {'page':<10} {'drawn s':>8} {'switch s':>9}")
            for preheat in (True, False):
                setting = "preheated" if preheat else "cold"
                results = {}
                for name, notebook, ready in (
                    ("empty", empty, "#rendered_cells .jp-OutputArea-output pre"),
                    ("dashboard", notebook_path(), ".asyncmon-brief a"),
                ):
                    process, url = start(notebook, env, preheat)
                    drawn, switched = [], []
                    try:
                        for _ in range(args.runs):
                            seconds, page = load(browser, url, ready)
                            drawn.append(seconds)
                            if name == "dashboard":
                                switched.append(switch(page))
                            page.close()
                            if preheat:
                                time.sleep(25)  # the pool refills
                    finally:
                        process.terminate()
                        process.wait(timeout=30)
                    results[name] = statistics.median(drawn)
                    switch_text = f"{statistics.median(switched):9.2f}" if switched else " " * 9
                    print(
                        f"{setting:<11} {name:<10} {results[name]:8.2f} {switch_text}", flush=True
                    )
                print(
                    f"{setting:<11} ratio dashboard / empty notebook: "
                    f"{results['dashboard'] / results['empty']:.1f}",
                    flush=True,
                )
            browser.close()


if __name__ == "__main__":
    main()
