"""The app (``scripts/app.sh``: Voila serving ``app/panels.ipynb``) in headless Chromium.

The page must work with every request that would leave 127.0.0.1 refused (as offline; the only
ones are Voila's Font Awesome stylesheets) and show no code; on
notebook 03's panel a slider moved with the keyboard starts a run that finishes with the new k;
on notebook 06's panel Train draws live and Stop ends it. Screenshot: ``artifacts/browser/app.png``.
tests/test_app.py checks what the server exposes (no browser needed).
"""

from __future__ import annotations

import re
import time
import urllib.parse

import pytest

# tests/ is on sys.path (its conftest.py): the app is started and stopped one way
from test_app import SCRIPT, VOILA, free_port, stop

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
    from playwright.sync_api import expect

    started = time.monotonic()
    outside = []

    def only_local(route):
        if urllib.parse.urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_local)
    page.set_default_timeout(60_000)
    page.goto(app_url, timeout=PAGE_S * 1000)
    toy = page.locator(".widget-vbox", has=page.get_by_role("button", name="Train")).first
    mode = page.locator(".mode-panel")
    toy.wait_for(timeout=PAGE_S * 1000)
    mode.wait_for(timeout=PAGE_S * 1000)
    loaded_s = time.monotonic() - started
    text = page.inner_text("body")
    for source in ("import gan_helpers", "ModePanel(", "ToyPanel("):
        assert source not in text, f"the page shows code: {source!r}"
    assert "Traceback" not in text

    # notebook 03's panel: 20 G steps (Home), then k from 20 to 19: each key press starts a run
    def slider(label):
        panel_label = re.compile(rf"^{re.escape(label)}$")
        return toy.locator(".widget-slider").filter(
            has=page.locator("label.widget-label", has_text=panel_label)
        )

    for label, key in (("G steps", "Home"), ("k", "ArrowLeft")):
        handle = slider(label).locator(".noUi-handle")
        handle.focus()
        handle.press(key)
    assert slider("k").locator(".widget-readout").inner_text().strip() == "19"
    status = toy.locator(".widget-html-content").first
    # locators, not element handles: they find the element again if the widget is redrawn, and
    # a failure names the text they saw
    expect(status).to_have_text(re.compile(r"^done: k=19 "), timeout=RUN_S * 1000)
    assert " steps=20 " in status.inner_text() and "W1" in status.inner_text()
    toy_s = time.monotonic() - started - loaded_s

    # notebook 06's panel: Train, a few live pictures, Stop
    mode_status = mode.locator(".mode-panel-status .widget-html-content")
    scores = mode.locator(".mode-panel-scores .widget-html-content")
    expect(mode_status).to_have_text(re.compile(r"^ready: "), timeout=RUN_S * 1000)
    mode.get_by_role("button", name="Train", exact=True).click()
    expect(scores).to_contain_text(re.compile(r"G steps [1-9]"), timeout=RUN_S * 1000)
    first = scores.inner_text()
    expect(scores).not_to_have_text(first, timeout=RUN_S * 1000)
    mode.get_by_role("button", name="Stop", exact=True).click()
    expect(mode_status).to_have_text(re.compile(r"^stopped: "), timeout=10_000)
    page.screenshot(path=str(artifacts / "app.png"), full_page=True)
    # Voila 0.5.13's "lab" template links Font Awesome from a CDN (icons; the panels use none):
    # refused here, as offline, and the page works without it. Nothing else may leave.
    others = [url for url in outside if "fontawesome-free" not in url]
    assert not others, f"the page asked for things outside this computer: {others[:5]}"
    summary = (
        f"app page with both panels in {loaded_s:.1f} s, a 1-D run after a slider move in "
        f"{toy_s:.1f} s, whole test {time.monotonic() - started:.1f} s; 2-D panel at stop: "
        f"{scores.inner_text()}"
    )
    (artifacts / "app_timings.txt").write_text(summary + "\n")
    print(summary)
