"""The app (``scripts/app.sh``: Voila serving ``app/panels.ipynb``) in headless Chromium.

The page must work with every request that would leave 127.0.0.1 refused (as offline) and ask
for none, keep its console free of errors and warnings (but for webpack's notes on a version skew
inside Voila, named in the test), and show no code. Notebook 03's panel
compiles and trains while the page opens (its state says so); a slider moved with the keyboard
starts a run that finishes with the new k; at k = 1 it says that G's samples left the chart. On
notebook 06's panel Train draws live and Stop ends it. The test waits on the panels' states
(``gan_helpers.widgets``). Screenshots: ``artifacts/browser/app.png``, ``app_k1.png``.
tests/course/test_app.py checks what the server exposes (no browser needed).
"""

from __future__ import annotations

import re
import sys
import time
import urllib.parse
from pathlib import Path

import pytest
from notebook_page import Recorder, press

# the app is started and stopped one way: tests/course/test_app.py's
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "course"))
from test_app import SCRIPT, VOILA, free_port, stop  # noqa: E402

PAGE_S, RUN_S = 240, 120


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    import os
    import subprocess

    if not VOILA.exists():
        pytest.skip(f"{VOILA} not installed (make install)")
    port, log = free_port(), tmp_path_factory.mktemp("app") / "app.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("GAN_APP_")}
    with open(log, "wb") as out:
        process = subprocess.Popen(
            ["bash", str(SCRIPT)],
            cwd=SCRIPT.parents[1],
            env={**env, "GAN_APP_PORT": str(port)},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 120
    while "running at" not in log.read_text(errors="replace"):
        assert process.poll() is None, f"the app exited:\n{log.read_text()}"
        assert time.monotonic() < deadline, f"no app within 120 s:\n{log.read_text()}"
        time.sleep(0.3)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        stop(process)


def test_app_in_browser(page, app_url, artifacts):
    started = time.monotonic()
    outside, console = [], []

    def only_local(route):
        if urllib.parse.urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_local)
    page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
    page.set_default_timeout(60_000)
    page.goto(app_url, timeout=PAGE_S * 1000)
    toy, mode = page.locator(".toy-panel"), page.locator(".mode-panel")
    toy.wait_for(timeout=PAGE_S * 1000)
    mode.wait_for(timeout=PAGE_S * 1000)
    loaded_s = time.monotonic() - started
    text = page.inner_text("body")
    for source in ("import gan_helpers", "ModePanel(", "ToyPanel("):
        assert source not in text, f"the page shows code: {source!r}"
    assert "Traceback" not in text
    rec_toy, rec_mode = Recorder(page, toy, "toy"), Recorder(page, mode, "mode")

    # notebook 03's panel compiles and trains the post's settings as the page opens, and says so
    opened = rec_toy.wait_run(0, RUN_S, k=20, steps=300, done=300)
    assert rec_toy.find(0, "(e) => e.state === 'compiling'"), rec_toy.log()
    # k = 1 sends G's samples off the chart within the 300 steps: the panel says so
    t = rec_toy.now()
    assert press(toy, "k", "Home") == "1"
    off = rec_toy.wait_run(t, RUN_S, k=1, steps=300, done=300)
    assert float(off["facts"]["off_chart"]) > 0.5, off
    page.screenshot(path=str(artifacts / "app_k1.png"), full_page=True)
    # then 20 G steps (Home) and k = 2: each key press starts a run, at once
    t = rec_toy.now()
    assert press(toy, "G steps", "Home") == "20" and press(toy, "k", "ArrowRight") == "2"
    done = rec_toy.wait_run(t, RUN_S, k=2, steps=20, done=20)
    assert "W1" in done["text"] and float(done["facts"]["w1"]) > 0, done
    toy_s = (done["t"] - t) / 1000

    # notebook 06's panel: Train, a few live pictures, Stop
    rec_mode.wait_state(0, "idle")
    t = rec_mode.click(mode.get_by_role("button", name="Train", exact=True))
    rec_mode.wait(t, "(e, after) => after.filter((x) => x.state === 'training').length >= 3", RUN_S)
    t_stop = rec_mode.click(mode.get_by_role("button", name="Stop", exact=True))
    rec_mode.wait_state(t_stop, "stopped", 10)
    assert rec_mode.figures(t) >= 3, "the 2-D panel must draw live"
    page.screenshot(path=str(artifacts / "app.png"), full_page=True)
    assert not outside, f"the page asked for things outside this computer: {outside[:5]}"
    # What is left: webpack's notes that the widget extensions were built against a newer
    # JupyterLab (4.5, 4.6) than the one inside Voila 0.5.13 (4.2.5); they still work.
    skew = re.compile(r"(Unsatisfied|No satisfying) version .* @jupyterlab/|^Available versions")
    noisy = [m for m in console if m.startswith(("error", "warning")) and not skew.search(m)]
    assert not noisy, "the page's console must stay quiet:\n" + "\n".join(noisy[:20])
    summary = (
        f"app page with both panels in {loaded_s:.1f} s; the first 1-D run (compiled as the page "
        f"opened) ended {opened['t'] / 1000:.1f} s after the page started; a 1-D run after a "
        f"slider move in {toy_s:.1f} s; k = 1: {off['text']}; whole test "
        f"{time.monotonic() - started:.1f} s; {sum(1 for m in console if skew.search(m))} "
        "version-skew lines in the console; 2-D panel at stop: "
        f"{mode.locator('.mode-panel-scores').inner_text()}"
    )
    (artifacts / "app_timings.txt").write_text(summary + "\n")
    print(summary)
