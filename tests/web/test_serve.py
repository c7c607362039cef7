"""`marsplan serve` as a user runs it: a real uvicorn process on a free 127.0.0.1 port."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"
# Workers import marsplan and load the compiled kernels: slow on a busy machine.
START_TIMEOUT_S = 300.0


def _command(*args: str) -> list[str]:
    return [sys.executable, "-c", "from marsplan.cli import main; main()", "serve", *args]


def _env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(SRC), env.get("PYTHONPATH")) if p)
    return env


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str, timeout: float = 30.0):
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - loopback
        return response.status, response.headers, response.read()


def test_serve_answers_on_localhost_and_stops_on_ctrl_c():
    port = _free_port()
    proc = subprocess.Popen(_command("--port", str(port), "--workers", "1"), env=_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            assert proc.poll() is None, proc.communicate()
            try:
                status, _, _ = _get(f"http://127.0.0.1:{port}/api/catalog", timeout=5)
                break
            except OSError:
                assert time.monotonic() < deadline, "marsplan serve did not start in time"
                time.sleep(0.5)
        status, headers, body = _get(f"http://127.0.0.1:{port}/api/catalog/partners")
        assert status == 200 and headers["content-type"] == "application/json"
        assert "nasa" in {row["id"] for row in json.loads(body)}
        status, _, body = _get(f"http://127.0.0.1:{port}/openapi.json")
        assert "/api/plan" in json.loads(body)["paths"]
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            _, stderr = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            _, stderr = proc.communicate()
    # A graceful stop: 0, or 130 (128 + SIGINT) where uvicorn re-raises the signal after
    # its shutdown, as uvicorn >= 0.29 does; never 1 (an error) or -9 (killed).
    assert proc.returncode in (0, 130), stderr
    assert f"http://127.0.0.1:{port}/" in stderr  # localhost by default
    assert "Traceback" not in stderr


def test_serve_on_a_port_in_use_is_one_line_and_exit_2():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = subprocess.run(_command("--port", str(port)), env=_env(), capture_output=True,
                              text=True, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        f"marsplan: --port: cannot listen on 127.0.0.1:{port}: Address already in use"]


def test_serve_refuses_a_port_out_of_range():
    proc = subprocess.run(_command("--port", "70000"), env=_env(), capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 2 and proc.stderr.startswith("marsplan: serve: ")
    assert len(proc.stderr.strip().splitlines()) == 1


def _group_members(group: int) -> set[int]:
    """Processes still in process group ``group`` (the server and its workers), by /proc."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group and fields[0] != "Z":
            found.add(int(entry.name))
    return found


def test_ctrl_c_in_a_terminal_stops_server_and_workers_quietly():
    # A terminal's Ctrl-C signals the whole foreground process group: the server and its
    # worker processes, one of them maybe still starting. Nothing may print a traceback.
    port = _free_port()
    proc = subprocess.Popen(_command("--port", str(port), "--workers", "2"), env=_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while len(_group_members(proc.pid)) < 3:  # the server and both workers spawned
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "marsplan serve did not start its workers"
            time.sleep(0.05)
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            _, stderr = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            _, stderr = proc.communicate()
    assert proc.returncode in (0, 130), stderr
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr, stderr
    time.sleep(0.5)
    assert _group_members(proc.pid) == set()  # no worker outlived the server
