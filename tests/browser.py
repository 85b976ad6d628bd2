"""Helpers for the real-browser tests: find Chromium, serve a workspace with Voila.

Under CI (``CI=true``) a missing browser is a failure; elsewhere the tests skip with a
message. ``ASYNCMON_CHROMIUM`` names a browser binary explicitly.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from asyncmon.serving import NOW_VARIABLE, WORKSPACE_VARIABLE, notebook_path, voila_command

ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

#: Console noise of an offline Voila page that is not the product's (see VOILA.md).
KNOWN_NOISE = (
    "setData is not a function",
    "version",
)

#: Where a page may fetch from: its own server, and what it holds inline.
LOCAL = ("http://127.0.0.1:", "data:", "blob:", "about:")


def chromium_path() -> str:
    """The browser to drive, or skip (fail under CI) with a clear message."""
    named = os.environ.get("ASYNCMON_CHROMIUM")
    candidates = [named] if named else []
    candidates += [
        shutil.which(n)
        for n in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
    ]
    for candidate in candidates:
        if candidate and Path(candidate).exists():
            return candidate
    message = (
        "no Chromium or Chrome found (install Debian's 'chromium', or name a browser "
        "with ASYNCMON_CHROMIUM)"
    )
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve(
    workspace: Path,
    *,
    now: str | None = None,
    timeout: float = 120,
    notebook: str = "pre_class_dashboard",
    preheat: bool = False,
    allowed_hosts: tuple[str, ...] = (),
):
    """Serve the dashboard of ``workspace``; yield its URL; stop the server after."""
    port = free_port()
    env = dict(os.environ, **{WORKSPACE_VARIABLE: str(workspace)})
    if now:
        env[NOW_VARIABLE] = now
    log = open(workspace / "voila.log", "wb")  # noqa: SIM115
    process = subprocess.Popen(
        voila_command(
            notebook_path(notebook), port=port, preheat=preheat, allowed_hosts=allowed_hosts
        ),
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait_until_up(url + "voila/static/voila.js", process, workspace / "voila.log", timeout)
        yield url
    finally:
        _stop(process, log, timeout=20)


def _wait_until_up(url: str, process: subprocess.Popen, log: Path, timeout: float) -> None:
    """Wait until ``url`` answers; fail with the server's log if it stops or is slow."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(log.read_text()) from None
            time.sleep(0.5)


def _stop(process: subprocess.Popen, log, *, timeout: float) -> None:
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


def open_page(browser, url: str, problems: list[str], *, timeout: float = 150_000):
    """Open the dashboard and wait until the app is drawn; collect console errors."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.on(
        "console",
        lambda m: (
            m.type == "error"
            and not any(n in m.text for n in KNOWN_NOISE)
            and problems.append(f"console: {m.text}")
        ),
    )
    page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
    page.on(
        "request",
        lambda r: r.url.startswith(LOCAL) or problems.append(f"fetched from outside: {r.url}"),
    )
    page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
    page.goto(url, wait_until="commit")
    page.wait_for_selector("#rendered_cells", state="visible", timeout=timeout)
    page.wait_for_selector(".asyncmon-took-part", timeout=timeout)
    page.wait_for_selector(".asyncmon-brief a", timeout=timeout)
    # what the user sees is drawn: both charts (or the chart's "nobody yet" line)
    for chart in ("asyncmon-heatmap", "asyncmon-timeline"):
        page.wait_for_selector(f".{chart} svg, .{chart} .am-chart-empty", timeout=timeout)
    return page


@contextlib.contextmanager
def lab(workspace: Path, *, now: str | None = None, timeout: float = 120):
    """Start ``asyncmon lab`` on ``workspace`` as a teacher would; yield ``(base, token)``
    read from what it prints; stop it (SIGTERM) after."""
    import re
    import sys

    port = free_port()
    env = dict(os.environ)
    env.pop(WORKSPACE_VARIABLE, None)  # the command gives it to the kernels
    if now:
        env[NOW_VARIABLE] = now
    log = open(workspace.parent / "lab.log", "wb")  # noqa: SIM115
    command = [sys.executable, "-m", "asyncmon.cli", "lab", "--workspace", str(workspace)]
    process = subprocess.Popen(
        [*command, "--port", str(port)], env=env, stdout=subprocess.PIPE, stderr=log, text=True
    )
    try:
        printed = "".join(process.stdout.readline() for _ in range(3))
        found = re.search(rf"(http://127\.0\.0\.1:{port})/lab\?token=([\w-]+)", printed)
        assert found, printed
        base, token = found[1], found[2]
        status = f"{base}/api/status?token={token}"
        _wait_until_up(status, process, workspace.parent / "lab.log", timeout)
        yield base, token
    finally:
        _stop(process, log, timeout=60)


def run_notebook_in_lab(browser, url: str, problems: list[str], *, timeout: float = 300_000):
    """Open a notebook in JupyterLab, run all its cells from the Run menu as a person
    would, and wait until every code cell has run; the page. Console errors, page
    errors, dialogs and requests leaving the server are added to ``problems``."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
    page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
    page.on(
        "request",
        lambda r: r.url.startswith(LOCAL) or problems.append(f"fetched from outside: {r.url}"),
    )
    page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
    page.goto(url)
    page.wait_for_selector(".jp-Notebook .jp-CodeCell", timeout=timeout)
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=timeout)
    started = """() => [...document.querySelectorAll(
        '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputPrompt')]
        .some(p => /\\[(\\*|\\d+)\\]/.test(p.textContent))"""
    for attempt in range(4):  # a Run All sent before Lab has wired the kernel is lost
        _accept_lab_dialog(page)
        # the notebook must be the current widget, or Run All Cells is greyed out
        page.click(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell .jp-InputPrompt >> nth=0")
        page.click(".lm-MenuBar-itemLabel:text-is('Run')")
        page.click(
            ".lm-Menu-item:not(.lm-mod-disabled) .lm-Menu-itemLabel:text-is('Run All Cells')"
        )
        try:
            page.wait_for_function(started, timeout=30_000)
            break
        except Exception:
            if attempt == 3:
                raise
    page.wait_for_function(
        """() => {
            const shown = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
            const prompts = [...shown.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]
                .map(p => p.textContent.trim());
            return prompts.length > 0 && prompts.every(p => /^\\[\\d+\\]:$/.test(p));
        }""",
        timeout=timeout,
    )
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=timeout)
    return page


def _accept_lab_dialog(page) -> None:
    """Accept a JupyterLab dialog left open by a Run All that Lab was not ready for (on a
    loaded machine Lab may ask which kernel to run with, and its modal dialog then blocks
    every click), as a person would; say so on stderr, shown with a failing test."""
    import sys

    dialog = page.locator(".jp-Dialog")
    if dialog.count():
        print(f"JupyterLab dialog accepted: {dialog.first.inner_text()!r}", file=sys.stderr)
        page.click(".jp-Dialog .jp-mod-accept")
        dialog.first.wait_for(state="detached", timeout=30_000)


def cell_errors(page) -> list[str]:
    """What the notebook's cells wrote to stderr or raised, as shown."""
    return page.locator(
        ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
    ).all_inner_texts()
