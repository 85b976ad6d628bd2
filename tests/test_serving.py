"""The dashboard server as a school runs it (`asyncmon dashboard`): kernels capped
whatever the number of requests, the server still answering, and every kernel stopped
with the server."""

import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

import psutil
import pytest

from .browser import free_port


def kernels(server: psutil.Process) -> list[psutil.Process]:
    """The kernel processes still running under ``server`` (an exited one that its parent
    has not reaped yet, a zombie, is not running)."""
    alive = []
    for p in server.children(recursive=True):
        try:
            if p.status() != psutil.STATUS_ZOMBIE and any("ipykernel" in c for c in p.cmdline()):
                alive.append(p)
        except psutil.Error:  # gone meanwhile
            pass
    return alive


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=180) as answer:
            return answer.status, answer.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


def test_requests_beyond_the_cap_are_refused_and_sigterm_stops_every_kernel(workspace):
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    command = [
        sys.executable,
        "-m",
        "asyncmon.cli",
        "dashboard",
        "--workspace",
        str(workspace.path),
        "--port",
        str(port),
        "--now",
        "2025-03-10T20:00:00Z",
        "--max-pages",
        "2",
    ]
    log = open(workspace.path / "server.log", "wb")  # noqa: SIM115
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    server = psutil.Process(process.pid)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(url + "voila/static/voila.js", timeout=2)
                break
            except OSError:
                assert time.monotonic() < deadline, (workspace.path / "server.log").read_text()
                time.sleep(0.5)
        # five plain requests (a link checker): two kernels, three clear refusals
        answers = [get(url) for _ in range(5)]
        codes = [code for code, _ in answers]
        assert codes.count(200) == 2 and codes.count(503) == 3, codes
        refusal = next(text for code, text in answers if code == 503)
        assert "as many pages as it serves at once" in refusal
        alive = kernels(server)
        assert 1 <= len(alive) <= 2
        # the server still answers
        assert get(url + "voila/static/voila.js")[0] == 200
        # stopped as a service manager stops it: the server and every kernel go
        everything = server.children(recursive=True)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=90) == 0
        gone, left = psutil.wait_procs(everything, timeout=30)
        assert left == [], [p.cmdline() for p in left]
    finally:
        if process.poll() is None:
            for p in server.children(recursive=True):
                p.kill()
            process.kill()
        log.close()
    assert "Stopped." in (workspace.path / "server.log").read_text()


def test_a_closed_page_gives_its_kernel_back(browser, workspace):
    from .browser import open_page, serve

    problems = []
    with serve(workspace.path, now="2025-03-10T20:00:00Z") as url:
        voila = next(
            p
            for p in psutil.process_iter(["cmdline"])
            if url.split(":")[-1].rstrip("/") in " ".join(p.info["cmdline"] or [])
        )
        page = open_page(browser, url, problems)
        assert len(kernels(voila)) == 1
        page.close()  # the websocket goes; the kernel follows within the grace time
        deadline = time.monotonic() + 60
        while kernels(voila):
            assert time.monotonic() < deadline, "the kernel of a closed page is still alive"
            time.sleep(1)
    assert problems == []


def test_the_server_answers_only_requests_that_name_it_as_this_machine(workspace):
    from .browser import serve

    with serve(workspace.path, now="2025-03-10T20:00:00Z") as url:
        port = url.rstrip("/").rsplit(":", 1)[1]

        def status(host, path=""):
            request = urllib.request.Request(url + path, headers={"Host": host})
            try:
                with urllib.request.urlopen(request, timeout=120) as answer:
                    return answer.status
            except urllib.error.HTTPError as error:
                return error.code

        # a page elsewhere that points its own DNS name at 127.0.0.1 (DNS rebinding)
        assert status(f"attacker.example:{port}") == 403
        assert status(f"attacker.example:{port}", "api/kernels") == 403
        assert status(f"localhost:{port}") == 200


def _status(url: str, host: str) -> int:
    request = urllib.request.Request(url, headers={"Host": host})
    try:
        with urllib.request.urlopen(request, timeout=120) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


def _kernel_socket(url: str, kernel: str, origin: str | None, host: str) -> str:
    """Open a kernel's WebSocket as a page of ``origin`` would; what the server said."""
    import asyncio
    import concurrent.futures

    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    headers = {"Host": host} | ({"Origin": origin} if origin else {})
    address = url.replace("http://", "ws://") + f"api/kernels/{kernel}/channels"

    async def attempt():
        try:
            connection = await websocket_connect(HTTPRequest(address, headers=headers))
        except Exception as exc:  # noqa: BLE001 - the refusal is what is asserted
            return str(exc)
        connection.close()
        return "open"

    # in a thread of its own: a test before may have left this thread an event loop
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(attempt())).result(timeout=120)


def test_a_kernel_socket_opens_only_for_a_page_of_the_same_host(workspace):
    """A page elsewhere (its own Origin) cannot drive a kernel of this server, even when
    it names the server correctly; the page the server sent can."""
    from .browser import serve

    with serve(workspace.path, now="2025-03-10T20:00:00Z") as url:
        port = url.rstrip("/").rsplit(":", 1)[1]
        status, page = get(url)
        assert status == 200
        kernel = re.search(r'"kernelId": "([0-9a-f-]+)"', page)[1]
        here = f"127.0.0.1:{port}"
        assert _kernel_socket(url, kernel, f"http://{here}", here) == "open"
        assert _kernel_socket(url, kernel, None, here) == "open"  # a script, no browser
        for origin in ("http://attacker.example", f"http://localhost:{int(port) + 1}", "null"):
            assert "403" in _kernel_socket(url, kernel, origin, here)


def test_a_host_name_given_with_allow_host_is_answered_and_others_still_refused(workspace):
    from .browser import serve

    with serve(
        workspace.path, now="2025-03-10T20:00:00Z", allowed_hosts=("dash.school.example",)
    ) as url:
        port = url.rstrip("/").rsplit(":", 1)[1]
        # the page itself (public static files are served to any host name)
        assert _status(url, f"dash.school.example:{port}") == 200
        assert _status(url, f"dash.school.example.evil:{port}") == 403
        assert _status(url + "api/kernels", f"evil.dash.school.example:{port}") == 403
        assert _status(url, f"localhost:{port}") == 200


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (["--allow-host", "https://dash.school.example/"], "is not a host name; give the name"),
        (["--allow-host", "*.school.example"], "is not a host name"),
        (["--max-pages", "0"], "'0' is not a number of pages; use a whole number from 1 to 200"),
    ],
)
def test_server_options_out_of_range_are_refused_with_the_fix(workspace, option, message):
    for command in ("dashboard", "coordinator"):
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "asyncmon.cli",
                command,
                "--workspace",
                str(workspace.path),
                *option,
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr
