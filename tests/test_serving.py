"""The dashboard server as a school runs it (`asyncmon dashboard`): kernels capped
whatever the number of requests, the server still answering, and every kernel stopped
with the server."""

import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

import psutil

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
