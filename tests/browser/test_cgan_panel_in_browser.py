"""Notebook 08's panel in a real browser: pick a digit, move a slider, the image changes at once.

JupyterLab (the project's own, quick profile) serves a copy of notebook 08; headless Chromium opens
it and runs only the cells the panel needs (the first code cell, the settings, the data cell and
the panel cell: found by following names back from the panel cell). The panel loads the generator
from the cache, so nothing trains. Then, as a learner would: click the digit 3, press End on the
z[0] slider, press End on the morph slider; after each, the image must change and the panel's
facts (``gan_helpers.widgets``) must name what was asked for. A screenshot goes to
``artifacts/browser/cgan_panel.png``.

The server gets its own cache folder (``GAN_HELPERS_CACHE_DIR``) holding the digit classifier and a
generator: the one notebook 08 saved in the user's cache (quick profile, this base seed) when it
exists, else an untrained one built by the notebook's own lesson code (enough to test the widgets:
every digit and every z still gives another image). Skipped where no Chromium is installed.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

import pytest
from notebook_page import Recorder, open_panel, press

NOTEBOOK = "08_conditional_gan.ipynb"
CELLS_S = 180


@pytest.fixture(scope="module")
def panel_cache():
    """A private cache folder with the classifier and a generator, set before the server starts."""
    import gan_helpers
    from gan_helpers import lessons, metrics
    from gan_helpers.data import load_mnist
    from gan_helpers.labs import nb08_cgan as cgan

    real_cache = metrics.cache_dir()
    # the kernel's profile is quick (the lab fixture sets it); the base seed is inherited
    _, _, source = load_mnist(verbose=False)
    cached = cgan.generator_path("quick", gan_helpers.config.base_seed(), source)
    # trains and caches the classifier in the user's cache if it is not there yet
    metrics.digit_classifier(verbose=False)
    folder = Path(tempfile.mkdtemp(prefix="gan-course-cgan-cache-"))
    for path in real_cache.glob(f"digit_classifier_*_{source}_*"):
        shutil.copy(path, folder)
    old = os.environ.get(metrics.CACHE_ENV_VAR)
    os.environ[metrics.CACHE_ENV_VAR] = str(folder)
    try:
        target = cgan.generator_path("quick", gan_helpers.config.base_seed(), source)
        if cached.is_file():
            shutil.copy(cached, target)
            origin = "notebook 08's cached generator"
        else:
            cgan.save_generator(
                lessons.load("08_conditional_gan").make_conditional_generator(), target
            )
            origin = "an untrained generator (notebook 08 has not cached one yet)"
        yield origin
    finally:
        if old is None:
            os.environ.pop(metrics.CACHE_ENV_VAR, None)
        else:
            os.environ[metrics.CACHE_ENV_VAR] = old
        shutil.rmtree(folder, ignore_errors=True)


def test_cgan_panel_in_browser(panel_cache, page, lab, artifacts):
    started = time.monotonic()
    page.set_default_timeout(60_000)
    panel, to_run = open_panel(page, lab, NOTEBOOK, "CganPanel(", "cgan-panel", CELLS_S)
    opened = time.monotonic() - started
    rec = Recorder(page, panel, "cgan")
    first = rec.wait_state(0, "idle", CELLS_S, digit=7)
    assert "classifier" in first["text"], first
    image = panel.locator(".panel-figure")
    first_shot = image.screenshot()

    # pick a digit: a click on the button "3"
    t = rec.click(panel.get_by_role("button", name="3", exact=True))
    rec.wait_state(t, "idle", 15, digit=3, morph="0.00")
    digit_s = (rec.last()["t"] - t) / 1000
    assert rec.figures(t) >= 1 and image.screenshot() != first_shot, "the digit must change it"

    # move a latent slider with the keyboard: End puts z[0] at 3.0
    t = rec.now()
    assert press(panel, "z[0]", "End") in {"3.0", "3.00"}
    rec.wait(t, "(e) => e.state === 'idle' && e.facts.digit === '3'", 15)
    slider_s = (rec.last()["t"] - t) / 1000
    assert rec.figures(t) >= 1, "a latent slider must redraw the image"

    # morph all the way into the other digit (1)
    t = rec.now()
    press(panel, "morph", "End")
    rec.wait_state(t, "idle", 15, digit=3, morph_into=1, morph="1.00")
    panel.screenshot(path=str(artifacts / "cgan_panel.png"))
    total = time.monotonic() - started
    summary = (
        f"generator: {panel_cache}; cells run {to_run}; open + run cells {opened:.1f} s; "
        f"redraw after a digit click {digit_s:.2f} s, after a slider key {slider_s:.2f} s; "
        f"total {total:.1f} s"
    )
    (artifacts / "cgan_panel_timings.txt").write_text(summary + "\n")
    print(summary)
