"""Fixtures for the browser tests: a private JupyterLab server and headless Chromium (Playwright).

* ``chromium``: the browser executable; the test is SKIPPED, with a reason naming what is missing,
  when there is none (``scripts/ensure_browser.sh`` installs Debian's ``chromium``). Set
  ``GAN_COURSE_CHROMIUM=/path/to/chrome`` to choose one (a path that does not exist skips).
* ``lab``: the project's own JupyterLab (``sys.executable -m jupyterlab``) on 127.0.0.1, a free port
  and a random token, serving a temporary copy of ``notebooks/`` (so running cells in the browser
  never writes outputs into the committed notebooks), with its own runtime, config, data,
  settings and workspace folders (nothing of the user's is read or touched) and the quick profile
  (``GAN_HELPERS_QUICK=1``). Shut down afterwards whatever happened: kernels first, then the
  server's process group, then anything left of its children.
* ``page``: a fresh browser tab. When a test fails, a screenshot of the whole page is saved as
  ``artifacts/browser/<test>-failed.png``; the errors of the browser's console are kept in
  ``page.console_errors`` (and ``artifacts/browser/<test>-console-errors.txt``); the server's log
  is always copied to ``artifacts/browser/jupyterlab.log`` (``artifacts/`` is not committed).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "artifacts" / "browser"
CHROMIUM_ENV = "GAN_COURSE_CHROMIUM"
CHROMIUM_NAMES = (
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
)
# We run as root in CI (no sandbox possible); no GPU; and no background connections (they are
# refused here and slow the start).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
SERVER_START_TIMEOUT_S = (
    120  # a 2-core machine shared with TensorFlow jobs is slow to start a server
)
LAB_SETTINGS = {  # written into the private settings folder
    # no "Would you like to receive official Jupyter news?" toast over the notebook, no update check
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
    # the copy is thrown away anyway; not saving keeps the test from racing a save dialog
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    # keep every cell in the page, so locators find cells that are scrolled out of view
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}


# --- the browser ----------------------------------------------------------------------------------
def _playwright_chromium() -> str | None:
    """The Chromium that ``python -m playwright install chromium`` downloads, if it is there."""
    try:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            path = playwright.chromium.executable_path
        return path if os.path.isfile(path) else None
    except Exception:
        return None


def find_chromium() -> tuple[str | None, str]:
    """(path to a Chromium/Chrome executable or None, why none was found)."""
    override = os.environ.get(CHROMIUM_ENV)
    if override:
        if os.path.isfile(override) and os.access(override, os.X_OK):
            return override, ""
        return None, f"{CHROMIUM_ENV}={override} is not an executable file"
    for name in CHROMIUM_NAMES:
        path = shutil.which(name) or (
            name if os.path.isabs(name) and os.access(name, os.X_OK) else None
        )
        if path:
            return path, ""
    path = _playwright_chromium()
    if path:
        return path, ""
    return None, (
        "no Chromium or Chrome found (looked on PATH for chromium, chromium-browser, "
        "google-chrome, and for Playwright's own browser): on Debian/Ubuntu run "
        "scripts/ensure_browser.sh as root, elsewhere "
        f".venv/bin/python -m playwright install chromium, or set {CHROMIUM_ENV}=/path/to/chrome"
    )


@pytest.fixture(scope="session")
def chromium() -> str:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as err:
        pytest.skip(
            f"browser test needs Playwright for Python (pip install -r requirements.txt): {err}"
        )
    path, why = find_chromium()
    if path is None:
        pytest.skip(f"browser test needs Chromium: {why}")
    return path


@pytest.fixture(scope="module")  # module scope: closed before nbval runs the notebooks
def browser(chromium):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(
                executable_path=chromium, args=CHROMIUM_ARGS, headless=True
            )
        except (
            Exception
        ) as err:  # a browser that exists but cannot start is a real failure, not a skip
            pytest.fail(f"{chromium} is installed but Playwright could not launch it: {err}")
        yield browser
        browser.close()


# --- the server -----------------------------------------------------------------------------------
@dataclass
class Lab:
    """A running JupyterLab: its address, token, the folder it serves and its log."""

    url: str  # ends with "/"
    token: str
    root: Path
    log: Path
    process: subprocess.Popen

    def api(self, method: str, path: str, timeout: float = 10.0) -> object:
        request = urllib.request.Request(
            self.url + path, method=method, headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
        return json.loads(body) if body else None

    def run_in_kernel(self, code: str, timeout: float = 30.0) -> str:
        """Run ``code`` in the (only) kernel from a second client and return what it printed: used
        to look inside the kernel when a test fails. Times out if the kernel's main thread is
        stuck."""
        from jupyter_client import BlockingKernelClient

        files = sorted((self.root.parent / "runtime").glob("kernel-*.json"))
        if not files:
            return "<no kernel running>"
        client = BlockingKernelClient(connection_file=str(files[-1]))
        client.load_connection_file()
        client.start_channels()
        printed = []
        try:
            client.execute_interactive(
                code,
                timeout=timeout,
                output_hook=lambda msg: printed.append(
                    msg["content"].get("text", "")
                    if msg["msg_type"] == "stream"
                    else "\n".join(msg["content"].get("traceback", []))
                    if msg["msg_type"] == "error"
                    else ""
                ),
            )
        except Exception as err:
            printed.append(f"<kernel did not answer: {type(err).__name__}: {err}>")
        finally:
            client.stop_channels()
        return "".join(printed)

    def log_tail(self, n: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return "<no server log>"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _descendants(pid: int) -> list:
    """The server's child processes (kernels run in their own session, so killpg misses them)."""
    try:
        import psutil  # installed with ipykernel

        return psutil.Process(pid).children(recursive=True)
    except Exception:
        return []


def _start_lab(tmp: Path, attempts: int = 3) -> Lab:
    """Start the server; a port taken between choosing it and binding it just means another try."""
    for attempt in range(1, attempts + 1):
        try:
            return _start_lab_once(tmp, fresh=attempt > 1)
        except RuntimeError as err:
            if attempt == attempts or "already in use" not in str(err):
                raise
    raise AssertionError("unreachable")


def _start_lab_once(tmp: Path, fresh: bool = False) -> Lab:
    if fresh:
        for entry in tmp.iterdir():
            shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
    root = tmp / "notebooks"
    shutil.copytree(REPO / "notebooks", root, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    folders = {
        name: tmp / name
        for name in ("runtime", "config", "data", "ipython", "settings", "workspaces")
    }
    for folder in folders.values():
        folder.mkdir()
    for name, values in LAB_SETTINGS.items():
        path = folders["settings"] / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    env = dict(os.environ)
    env.pop("MPLBACKEND", None)  # the kernel must pick the inline backend, as it does for a learner
    env.pop("JUPYTER_TOKEN", None)
    env.update(
        GAN_HELPERS_QUICK="1",
        JUPYTER_RUNTIME_DIR=str(folders["runtime"]),
        JUPYTER_CONFIG_DIR=str(folders["config"]),
        JUPYTER_DATA_DIR=str(folders["data"]),
        IPYTHONDIR=str(folders["ipython"]),
        JUPYTERLAB_SETTINGS_DIR=str(folders["settings"]),
        JUPYTERLAB_WORKSPACES_DIR=str(folders["workspaces"]),
        JUPYTER_PLATFORM_DIRS="0",
    )
    token, port = secrets.token_hex(16), _free_port()
    log = tmp / "jupyterlab.log"
    cmd = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        "--ServerApp.terminals_enabled=False",
        "--LabApp.news_url=",
        "--LabApp.extension_manager=readonly",
    ]
    if (
        getattr(os, "geteuid", lambda: -1)() == 0
    ):  # CI containers run as root; JupyterLab refuses that unless told
        cmd.append("--allow-root")
    with open(log, "wb") as out:
        process = subprocess.Popen(
            cmd,
            cwd=root,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    lab = Lab(f"http://127.0.0.1:{port}/", token, root, log, process)
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while True:
        if process.poll() is not None:
            raise RuntimeError(
                f"JupyterLab exited with code {process.returncode} while starting:\n"
                f"{lab.log_tail()}"
            )
        try:
            lab.api("GET", "api/status", timeout=5)
            return lab
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            pass
        if time.monotonic() > deadline:
            _stop_lab(lab)
            raise RuntimeError(
                f"JupyterLab did not answer within {SERVER_START_TIMEOUT_S} s:\n{lab.log_tail()}"
            )
        time.sleep(0.5)


def _stop_lab(lab: Lab) -> None:
    """Kernels, then the server (politely, then its process group), then any child left over."""
    children = _descendants(lab.process.pid)
    try:
        for kernel in lab.api("GET", "api/kernels"):
            lab.api("DELETE", f"api/kernels/{kernel['id']}", timeout=15)
    except Exception:
        pass
    try:
        lab.api("POST", "api/shutdown", timeout=5)
        lab.process.wait(timeout=15)
    except Exception:
        pass
    for sig in (signal.SIGTERM, signal.SIGKILL):
        if lab.process.poll() is not None:
            break
        try:
            os.killpg(lab.process.pid, sig)
            lab.process.wait(timeout=10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            pass
    for child in children:
        try:
            if child.is_running():
                child.kill()
        except Exception:
            pass


@pytest.fixture(scope="module")
def lab(chromium):
    """The private JupyterLab (started only once a browser is known to exist)."""
    tmp = Path(tempfile.mkdtemp(prefix="gan-course-lab-"))
    server = _start_lab(tmp)
    try:
        yield server
    finally:
        _stop_lab(server)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(server.log, ARTIFACTS / "jupyterlab.log")
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where the browser tests leave screenshots and logs (``artifacts/`` is not committed)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


# --- one tab per test, with a screenshot when it fails --------------------------------------------
@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(
        item, f"report_{report.when}", report
    )  # lets the page fixture see whether the test failed
    return report


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    # the browser console's errors, for the test (``page.console_errors``) and artifacts/
    page.console_errors = []
    page.on(
        "console",
        lambda m: m.type == "error" and page.console_errors.append(m.text.splitlines()[0]),
    )
    yield page
    if page.console_errors:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        log = ARTIFACTS / f"{request.node.name}-console-errors.txt"
        log.write_text("\n".join(page.console_errors) + "\n")
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        try:
            page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-failed.png"), full_page=True)
        except Exception:
            pass
    context.close()
