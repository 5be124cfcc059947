"""The app (``make app``: ``scripts/app.sh`` serving ``app/panels.ipynb`` with Voila), no browser.

* By default it listens on 127.0.0.1 only (checked on the server's own listening sockets);
  ``--classroom`` / ``GAN_APP_HOST`` are the only ways to serve the network, and say so.
* What a visitor can reach runs no code: the page carries no source, the kernel behind it ignores
  an ``execute_request`` sent over its websocket (while it answers a ``kernel_info_request`` on
  the same socket), and there is no contents API, terminal, session or file download.

tests/browser/test_app_in_browser.py works the page's widgets in Chromium.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import psutil
import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "app.sh"
VOILA = REPO / ".venv" / "bin" / "voila"
START_S = 120  # Voila's start on a busy 2-core machine
PAGE_S = 300  # the first page runs the app notebook (imports TensorFlow, loads two lessons)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop(process: subprocess.Popen) -> None:
    """Voila, then any kernel it left (kernels run in their own sessions)."""
    children = psutil.Process(process.pid).children(recursive=True)
    for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 10)):
        if process.poll() is not None:
            break
        process.send_signal(sig)
        try:
            process.wait(wait)
        except subprocess.TimeoutExpired:
            pass
    for child in children:
        try:
            child.kill()
        except psutil.NoSuchProcess:
            pass


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    if not VOILA.exists():
        pytest.skip(f"{VOILA} not installed (make install)")
    port, log = free_port(), tmp_path_factory.mktemp("app") / "app.log"
    env = {**os.environ, "GAN_APP_PORT": str(port)}
    env.pop("GAN_APP_HOST", None)
    with open(log, "wb") as out:
        process = subprocess.Popen(
            ["bash", str(SCRIPT)], cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + START_S
    while "running at" not in log.read_text(errors="replace"):
        assert process.poll() is None, f"the app exited:\n{log.read_text()}"
        assert time.monotonic() < deadline, f"no app within {START_S} s:\n{log.read_text()}"
        time.sleep(0.3)
    try:
        yield process, url, log
    finally:
        stop(process)


def test_the_app_listens_on_localhost_only_by_default(app):
    process, url, log = app
    listening = {
        c.laddr.ip
        for c in psutil.Process(process.pid).net_connections(kind="inet")
        if c.status == psutil.CONN_LISTEN
    }
    assert listening == {"127.0.0.1"}, f"the app listens on {listening}"
    assert "on this computer only" in log.read_text()


def _get(url: str, timeout: float = 30) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read().decode(errors="replace")
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode(errors="replace")


def _message(msg_type: str, content: dict) -> bytes:
    """A shell message in the kernel websocket protocol v1 (the one JupyterLab and Voila's page
    speak; Voila 0.5.13 mishandles binary messages sent to a legacy-protocol client)."""
    from jupyter_server.services.kernels.connection.base import serialize_msg_to_ws_v1

    header = {
        "msg_id": uuid.uuid4().hex,
        "msg_type": msg_type,
        "session": uuid.uuid4().hex,
        "username": "visitor",
        "version": "5.3",
        "date": "",
    }
    msg = {"header": header, "parent_header": {}, "metadata": {}, "content": content}
    return serialize_msg_to_ws_v1(msg, "shell", pack=lambda part: json.dumps(part).encode())


async def _try_to_run_code(url: str, kernel: str, code: str, seconds: float = 8.0) -> list[str]:
    """Send an execute_request, then a kernel_info_request; the message types that came back."""
    from jupyter_server.services.kernels.connection.base import deserialize_msg_from_ws_v1
    from tornado.websocket import websocket_connect

    ws = await websocket_connect(
        url.replace("http", "ws") + f"api/kernels/{kernel}/channels",
        subprotocols=["v1.kernel.websocket.jupyter.org"],
    )
    execute = {"code": code, "silent": False, "store_history": False, "user_expressions": {}}
    await ws.write_message(_message("execute_request", {**execute, "allow_stdin": False}), True)
    await ws.write_message(_message("kernel_info_request", {}), True)
    seen, end = [], time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            raw = await asyncio.wait_for(ws.read_message(), 0.5)
        except TimeoutError:
            continue
        if raw is None:
            break
        _, parts = deserialize_msg_from_ws_v1(raw)
        seen.append(json.loads(parts[0])["msg_type"])
    ws.close()
    return seen


def test_the_page_shows_no_code_and_its_kernel_runs_none(app, tmp_path):
    # the websocket messages are jupyter_server's; JupyterLab brings it (make install)
    pytest.importorskip("jupyter_server", reason="jupyter_server comes with make install")
    process, url, log = app
    status, page = _get(url, timeout=PAGE_S)
    assert status == 200 and "Voil" in page
    for source in ("import gan_helpers", "ModePanel(", "ToyPanel(", "use_course_style"):
        assert source not in page, f"the page shows the notebook's code: {source!r}"
    assert "Traceback" not in page, "a cell of the app failed"
    kernel = re.search(r'"kernelId": "([0-9a-f-]+)"', page).group(1)
    marker = tmp_path / "visitor-ran-code"
    code = f"open({str(marker)!r}, 'w').write('x')"
    seen = asyncio.run(_try_to_run_code(url, kernel, code))
    assert "kernel_info_reply" in seen, f"the websocket works, but: {seen}"
    assert "execute_reply" not in seen and "execute_input" not in seen, seen
    assert not marker.exists(), "a visitor's execute_request ran code"
    assert 'execute_request", which is not allowed' in log.read_text()
    # nothing else to reach: no contents API, terminals, sessions, kernel list or files
    for path in ("api/contents", "api/terminals", "api/sessions", "api/kernels", "panels.ipynb"):
        code, body = _get(url + path)
        assert code in (403, 404), f"GET /{path}: {code} {body[:200]}"
    code, _ = _get(url + "voila/files/panels.ipynb")
    assert code == 403, "the notebook file must not be downloadable"


def test_the_network_is_served_only_when_asked_and_the_script_says_so(tmp_path):
    """The script's choice of address, with a stand-in for Voila (nothing is served here)."""
    fake = tmp_path / "voila"
    fake.write_text('#!/usr/bin/env bash\nprintf "%s\\n" "$@"\n')
    fake.chmod(0o755)

    def run(*args, **env):
        environ = {k: v for k, v in os.environ.items() if not k.startswith("GAN_APP_")}
        environ.update(GAN_APP_VOILA=str(fake), **env)
        return subprocess.run(
            ["bash", str(SCRIPT), *args], env=environ, capture_output=True, text=True, timeout=30
        )

    default = run()
    assert default.returncode == 0 and "--Voila.ip=127.0.0.1" in default.stdout
    assert "this computer only" in default.stdout and "NETWORK" not in default.stdout
    for given in (run("--classroom"), run(GAN_APP_HOST="0.0.0.0")):
        assert "--Voila.ip=0.0.0.0" in given.stdout
        assert "to the NETWORK" in given.stdout and "no password" in given.stdout
    for setting in (
        "--VoilaConfiguration.strip_sources=True",
        "--VoilaConfiguration.show_tracebacks=False",
        "--VoilaConfiguration.file_denylist=.*",
    ):
        assert setting in default.stdout
    bad = run("--port=http")
    assert bad.returncode == 2 and "port must be a number" in bad.stderr
