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
        deadline = time.monotonic() + timeout
        while True:
            try:
                urllib.request.urlopen(url + "voila/static/voila.js", timeout=2)
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((workspace / "voila.log").read_text()) from None
                time.sleep(0.5)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
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
