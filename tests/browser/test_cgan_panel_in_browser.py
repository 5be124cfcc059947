"""Notebook 08's panel in a real browser: pick a digit, move a slider, the image changes at once.

JupyterLab (the project's own, quick profile) serves a copy of notebook 08; headless Chromium opens
it and runs only the cells the panel needs (the first code cell, the settings, the data cell and
the panel cell: found by following names back from the panel cell). The panel loads the generator
from the cache, so nothing trains. Then, as a learner would: click the digit 3, press End on the
z[0] slider, press End on the morph slider; after each, the image must change and the status line
must say what was asked for. A screenshot goes to ``artifacts/browser/cgan_panel.png``.

The server gets its own cache folder (``GAN_HELPERS_CACHE_DIR``) holding the digit classifier and a
generator: the one notebook 08 saved in the user's cache (quick profile, this base seed) when it
exists, else an untrained one built by the notebook's own lesson code (enough to test the widgets:
every digit and every z still gives another image). Skipped where no Chromium is installed.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import tempfile
import time
from pathlib import Path

import pytest
from notebook_page import first_code_cell, open_and_run, wait_until_visible

NOTEBOOK = "08_conditional_gan.ipynb"
PANEL_MARKER = "CganPanel("
CELLS_S = 180


def needed_cells(cells: list[dict]) -> list[int]:
    """The first code cell, the panel cell, and each earlier cell binding a name they still need."""
    code = [i for i, c in enumerate(cells) if c["cell_type"] == "code"]
    source = {i: "".join(cells[i]["source"]) for i in code}
    panel = next(i for i in code if PANEL_MARKER in source[i])

    def bound_and_read(text: str) -> tuple[set, set]:
        bound, read = set(), set()
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.Name):
                (read if isinstance(node.ctx, ast.Load) else bound).add(node.id)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                bound.update((a.asname or a.name).split(".")[0] for a in node.names)
            elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                bound.add(node.name)
        return bound, read - bound

    chosen, needed = {first_code_cell(cells), panel}, bound_and_read(source[panel])[1]
    for i in sorted((i for i in code if i < panel), reverse=True):
        bound, read = bound_and_read(source[i])
        if bound & needed:
            chosen.add(i)
            needed = (needed - bound) | read
    return sorted(chosen)


def test_needed_cells_skip_training():
    cells = json.loads((Path(__file__).parents[2] / "notebooks" / NOTEBOOK).read_text())["cells"]
    chosen = needed_cells(cells)
    text = ["".join(cells[i]["source"]) for i in chosen]
    assert PANEL_MARKER in text[-1] and "gan_helpers.setup()" in text[0]
    assert not any(".train(" in t for t in text), "the panel must not need a training cell"
    assert any("GENERATOR_PATH =" in t for t in text)


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


def _open_and_run(page, lab, cells, to_run):
    dom_cells, _ = open_and_run(page, lab, NOTEBOOK, to_run)
    panel = dom_cells.nth(to_run[-1]).locator(".jp-OutputArea-output .widget-vbox").first
    wait_until_visible(page, panel.locator("img.widget-image"), CELLS_S, f"running cells {to_run}")
    return panel


def _changed(page, panel, old_src: str, status_pattern: str) -> str:
    """Wait until the image's src differs from ``old_src`` and the status matches; return src."""
    page.wait_for_function(
        "([img, status, old, pattern]) => img.src && img.src !== old && "
        "new RegExp(pattern).test(status.textContent)",
        arg=[
            panel.locator("img.widget-image").element_handle(),
            panel.locator(".widget-html-content").element_handle(),
            old_src,
            status_pattern,
        ],
        timeout=15_000,
        polling=50,
    )
    return panel.locator("img.widget-image").get_attribute("src")


def test_cgan_panel_in_browser(panel_cache, page, lab, artifacts):
    started = time.monotonic()
    page.set_default_timeout(60_000)
    cells = json.loads((lab.root / NOTEBOOK).read_text())["cells"]
    to_run = needed_cells(cells)
    panel = _open_and_run(page, lab, cells, to_run)
    opened = time.monotonic() - started
    image = panel.locator("img.widget-image")
    status = panel.locator(".widget-html-content")
    assert status.inner_text().startswith("asked for 7 | the classifier sees"), status.inner_text()
    src, first_shot = image.get_attribute("src"), image.screenshot()

    # pick a digit: a click on the button "3"
    t0 = time.monotonic()
    panel.get_by_role("button", name="3", exact=True).click()
    src = _changed(page, panel, src, "^asked for 3 \\|")
    digit_s = time.monotonic() - t0
    assert image.screenshot() != first_shot, "the picture must change with the digit"

    # move a latent slider with the keyboard: End puts z[0] at 3.0
    slider = panel.locator(".widget-slider").filter(
        has=page.locator("label.widget-label", has_text=re.compile(r"^z\[0\]$"))
    )
    slider.locator(".noUi-handle").focus()
    t0 = time.monotonic()
    slider.locator(".noUi-handle").press("End")
    src = _changed(page, panel, src, "^asked for 3 \\|")
    slider_s = time.monotonic() - t0
    assert slider.locator(".widget-readout").inner_text().strip() in {"3.0", "3.00"}

    # morph all the way into the other digit (1)
    morph = panel.locator(".widget-slider").filter(
        has=page.locator("label.widget-label", has_text=re.compile(r"^morph$"))
    )
    morph.locator(".noUi-handle").focus()
    morph.locator(".noUi-handle").press("End")
    _changed(page, panel, src, "^asked for 3 morphing into 1 \\(1\\.00\\)")
    panel.screenshot(path=str(artifacts / "cgan_panel.png"))
    total = time.monotonic() - started
    summary = (
        f"generator: {panel_cache}; cells run {to_run}; open + run cells {opened:.1f} s; "
        f"redraw after a digit click {digit_s:.2f} s, after a slider key {slider_s:.2f} s; "
        f"total {total:.1f} s"
    )
    (artifacts / "cgan_panel_timings.txt").write_text(summary + "\n")
    print(summary)
