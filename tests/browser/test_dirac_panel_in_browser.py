"""Notebook 07's Dirac-GAN panel in a real browser: a slider moves, the trajectory is redrawn.

JupyterLab (the project's own, quick profile) serves a copy of notebook 07; headless Chromium opens
it and runs only the cells the panel needs (``notebook_page.cells_for_panel``: the setup cell, the
``lesson`` cells, the cell that bundles them and the panel cell). Then, in Presentation Mode at
1280x720 (as a lecturer shows it), it moves the ``h`` slider with the keyboard, as a learner does,
and checks that the panel redrew with the new h (its state and facts) and that the figure
(trajectory and distance curve) changed: the widgets work in Presentation Mode. A screenshot of
the panel goes to ``artifacts/browser/dirac_panel.png``. Skipped where no Chromium is installed.
"""

from __future__ import annotations

import time

import pytest
from notebook_page import Recorder, open_panel, presentation_mode, press

NOTEBOOK = "07_dirac_gan.ipynb"
CELLS_S = 120  # the cells the panel needs (TensorFlow import, one compiled run)
REDRAW_S = 30  # a slider change to a new figure (milliseconds when idle)


def test_dirac_panel_in_browser(page, lab, artifacts):
    started = time.monotonic()
    page.set_default_timeout(60_000)
    panel, to_run = open_panel(page, lab, NOTEBOOK, "DiracPanel(", "dirac-panel", CELLS_S)
    rec = Recorder(page, panel, "dirac")
    first = rec.wait_state(0, "idle", CELLS_S, h=0.1)
    setup_s = time.monotonic() - started
    # the widgets keep working in Presentation Mode on a 1280x720 projector (README, lecturers)
    page.set_viewport_size({"width": 1280, "height": 720})
    presentation_mode(page)
    figure = panel.locator(".panel-figure")
    image_before = figure.screenshot()

    # the keyboard on the h slider: five steps of 0.01 to the right
    t = rec.now()
    readout = press(panel, "h", *["ArrowRight"] * 5)
    assert float(readout) == pytest.approx(0.15), readout
    moved = rec.wait_state(t, "idle", REDRAW_S, h=0.15)
    assert int(moved["facts"]["redraws"]) > int(first["facts"]["redraws"]), rec.log()
    redraw_s = (moved["t"] - t) / 1000
    deadline = time.monotonic() + REDRAW_S
    while figure.screenshot() == image_before:
        assert time.monotonic() < deadline, "the figure did not change after the slider moved"
        time.sleep(0.2)
    panel.screenshot(path=str(artifacts / "dirac_panel.png"))
    summary = (
        f"cells run: {to_run}; panel shown after {setup_s:.1f} s; slider to new state in "
        f"{redraw_s:.2f} s; total {time.monotonic() - started:.1f} s; status: {moved['text']}"
    )
    (artifacts / "dirac_panel_timings.txt").write_text(summary + "\n")
    print(summary)
