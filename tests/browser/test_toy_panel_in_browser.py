"""Notebook 03's training panel, used in a real browser the way a learner uses it.

JupyterLab (the project's own, quick profile) serves a copy of notebook 03; headless Chromium
opens it at 1280x720, runs the cells the panel needs, then works the panel with the keyboard and
the mouse:

1. k and noise_dim are moved with the arrow/Home keys on the slider handles, then Train is pressed:
   the run must end with exactly those k and noise_dim (the status line's facts), and the figure
   must have been redrawn during the run (live) and differ from the one it started with;
2. with the longest settings, Stop is pressed mid-run: the run must end within seconds, before its
   last step, and stay ended; then a short second run must work.

The test waits on the panel's states (``gan_helpers.widgets``), never on its sentences. A
screenshot of the panel after the first run is saved to ``artifacts/browser/toy_panel.png``.
Skipped (with the reason) where no Chromium is installed: see ``scripts/ensure_browser.sh``.
"""

from __future__ import annotations

import io
import time

import pytest
from notebook_page import Recorder, open_panel, press

NOTEBOOK = "03_toy_gaussian_gan.ipynb"
CELLS_S = 240  # the setup cells + panel cell (imports TensorFlow, one 300-step run, XLA compiles)
RUN_S = 120  # one training run from a button press (about a second when nothing has to compile)
STOP_WITHIN_S = 5.0  # Stop ends a run after its current chunk of 20 generator steps (~0.1 s)
# Printed into the failure message when the panel misbehaves: the kernel's side of the story.
KERNEL_DUMP = r"""
import sys, threading, traceback
names = {t.ident: t.name for t in threading.enumerate()}
for ident, frame in sys._current_frames().items():
    print(f"--- thread {names.get(ident, ident)}:\n" + "".join(traceback.format_stack(frame)[-6:]))
print(f"panel thread alive: {panel.running}; state {panel.state}, facts {panel.facts}")
print(f"panel status: {panel.status_text}")
"""


def _size_and_colours(png: bytes) -> tuple[tuple[int, int], int]:
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    return image.size, len(image.getcolors(maxcolors=1 << 20) or [])


def test_toy_panel_in_browser(page, lab, artifacts):
    started = last = time.monotonic()
    timings = {}

    def lap(name: str) -> None:  # seconds spent in each phase, for the report line at the end
        nonlocal last
        timings[name], last = time.monotonic() - last, time.monotonic()

    page.set_default_timeout(60_000)
    # a projector's screen: the panel and its screenshot must work at this size
    page.set_viewport_size({"width": 1280, "height": 720})
    panel, to_run = open_panel(page, lab, NOTEBOOK, "ToyPanel(", "toy-panel", CELLS_S)
    lap("open notebook, run cells")
    rec = Recorder(page, panel, "toy")
    assert rec.last()["state"] == "idle", rec.log()
    try:
        stop_s = _work_the_panel(page, panel, rec, artifacts, lap)
    except Exception as err:  # say what the page showed and what the kernel was doing
        (artifacts / "toy_panel_status_log.txt").write_text(rec.log() + "\n")
        pytest.fail(
            f"{type(err).__name__}: {err}\n\nstates the page showed:\n{rec.log()}\n\n"
            f"inside the kernel:\n{lab.run_in_kernel(KERNEL_DUMP)}",
            pytrace=True,
        )
    (artifacts / "toy_panel_status_log.txt").write_text(rec.log() + "\n")
    # the figure never collapsed or jumped while it was being replaced
    h = rec.heights()
    assert h["frames"] > 0 and h["min"] == h["max"] > 100, f"the figure's height changed: {h}"
    timings["total"] = time.monotonic() - started
    summary = (
        f"cells run: {to_run}; Stop ended the run in {stop_s:.2f} s; seconds: "
        + ", ".join(f"{name} {s:.1f}" for name, s in timings.items())
        + f"; figure updates {rec.figures()}, animation frames {h['frames']} "
        f"({h['loading']} while a new figure was still loading), "
        f"figure height constant at {h['min']:.0f} px"
    )
    (artifacts / "toy_panel_timings.txt").write_text(summary + "\n")
    print(summary)


def _work_the_panel(page, panel, rec, artifacts, lap) -> float:
    """Sliders + Train, then Stop during a long run, then a short run; returns Stop's delay in s."""
    train = panel.get_by_role("button", name="Train", exact=True)
    stop = panel.get_by_role("button", name="Stop", exact=True)
    figure = panel.locator("img.widget-image")
    first_figure = figure.screenshot()

    # 1. the keyboard on the sliders (each key starts a run), then Train
    k, noise_dim = (
        press(panel, "k", "Home", "ArrowRight", "ArrowRight"),
        press(panel, "noise_dim", "ArrowLeft", "ArrowLeft"),
    )
    steps = int(press(panel, "G steps"))
    assert (k, noise_dim) == ("3", "2"), "Home and the arrows must move the sliders one step"
    t_train = rec.click(train)
    done = rec.wait_run(t_train, RUN_S, k=3, noise_dim=2, steps=steps, done=steps)
    assert done["state"] == "idle" and 0 < float(done["facts"]["w1"]) < 100, done
    assert rec.figures(t_train) >= 2, "the figure must be redrawn while training, not at the end"
    trained_figure = figure.screenshot()
    assert trained_figure != first_figure, "the figure must change after a run"
    (size_first, _), (size_trained, colours) = map(
        _size_and_colours, (first_figure, trained_figure)
    )
    assert size_trained == size_first and colours > 50, "the figure keeps its size and shows a plot"
    panel.screenshot(path=str(artifacts / "toy_panel.png"))
    lap("sliders + first run")

    # 2. a long run, stopped part-way; then the panel still trains
    # 3000 generator steps, 30 discriminator steps per generator step: 93,000 optimizer steps
    assert (press(panel, "G steps", "End"), press(panel, "k", "End")) == ("3000", "30")
    t_long = rec.click(train)
    rec.wait(
        t_long,
        "(e) => e.state === 'training' && e.facts.k === '30' && Number(e.facts.done) > 0",
        RUN_S,
    )
    lap("start long run")
    during = [figure.screenshot() for _ in range(3)]  # what the learner sees mid-run
    t_stop = rec.click(stop)
    stopped = rec.wait_state(t_stop, "stopped", RUN_S, k=30, steps=3000)
    stop_s = (stopped["t"] - t_stop) / 1000
    assert stop_s < STOP_WITHIN_S, f"Stop took {stop_s:.1f} s to end the run"
    assert int(stopped["facts"]["done"]) < 3000, stopped
    time.sleep(1.5)
    assert rec.last()["state"] == "stopped", "a stopped run must stay stopped"
    assert rec.figures(stopped["t"]) == 0, "no redraw after Stop"
    assert train.is_enabled() and stop.is_enabled()
    for shot in during:
        size, colours = _size_and_colours(shot)
        assert size == size_first and colours > 50, "a frame during training was blank or resized"
    lap("stop it")

    # 20 generator steps (one chunk), k = 1
    assert (press(panel, "G steps", "Home"), press(panel, "k", "Home")) == ("20", "1")
    t_short = rec.click(train)
    rec.wait_run(t_short, RUN_S, k=1, noise_dim=2, steps=20, done=20)
    lap("short run")
    return stop_s
