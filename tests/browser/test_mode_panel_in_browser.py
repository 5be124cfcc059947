"""Notebook 06's 2-D panel in a real browser, used the way a learner uses it.

JupyterLab (the project's own, quick profile) serves a copy of notebook 06; headless Chromium
opens it at 1280x720 (a projector) and runs the cells the panel needs (``notebook_page``). Then:
the panel shows its buttons and its whole figure at once; it picks the grid in the dataset
drop-down, moves k with the keyboard, presses Step D (the heat-map changes and the panel counts
one D step), Train and Stop (training ends within seconds and stays ended), Train again (the
picture is redrawn live and the count of modes changes). The test waits on the panel's states
and facts (``gan_helpers.widgets``), never on its sentences. Screenshots:
``artifacts/browser/mode_panel_*.png``.
"""

from __future__ import annotations

import io
import time

from notebook_page import Recorder, open_panel, press

NOTEBOOK = "06_mode_collapse.ipynb"
CELLS_S, ACTION_S = 240, 90


def _field(png: bytes):
    """The left third of the figure (heat-map and points), as an image."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    return image.crop((0, 0, image.width // 3, image.height))


def _fits_the_screen(page, panel) -> dict:
    """Scrolled to the panel's top: where its buttons and its figure are, and what shows."""
    panel.evaluate("(p) => p.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(300)
    return page.evaluate(
        """(p) => {
          const box = (e) => e.getBoundingClientRect();
          const view = box(p.closest('.jp-WindowedPanel-outer') || p.closest('.jp-Notebook'));
          const buttons = [...p.querySelectorAll('button')];
          const train = box(buttons.find((b) => b.textContent === 'Train'));
          const figure = box(p.querySelector('.panel-figure'));
          return {view: [view.top, view.bottom], train: [train.top, train.bottom],
                  figure: [figure.top, figure.bottom], panel: box(p).height};
        }""",
        panel.element_handle(),
    )


def test_mode_panel_in_browser(page, lab, artifacts):
    started = time.monotonic()
    page.set_default_timeout(60_000)
    page.set_viewport_size({"width": 1280, "height": 720})
    panel, to_run = open_panel(page, lab, NOTEBOOK, "ModePanel(", "mode-panel", CELLS_S)
    opened_s = time.monotonic() - started
    rec = Recorder(page, panel, "mode")
    assert rec.last()["state"] == "idle", rec.log()
    rec.wait_state(0, "idle", dataset="ring")

    # 0. at 1280x720 the buttons and the whole figure show at once
    where = _fits_the_screen(page, panel)
    (top, bottom), train_top, figure_bottom = where["view"], where["train"][0], where["figure"][1]
    assert top <= train_top and figure_bottom <= bottom, f"the panel does not fit: {where}"
    page.screenshot(path=str(artifacts / "mode_panel_1280x720.png"))

    # 1. the grid, k = 2 (keyboard on the slider handle), then Step D
    t = rec.now()
    panel.locator(".widget-dropdown", has_text="dataset").locator("select").select_option("grid")
    rec.wait_state(t, "idle", ACTION_S, dataset="grid", g_steps=0)
    t = rec.now()
    assert press(panel, "k", "ArrowRight") == "2"
    rec.wait_state(t, "idle", ACTION_S, dataset="grid", k=2)
    figure = panel.locator(".panel-figure")
    before = figure.screenshot()
    t = rec.click(panel.get_by_role("button", name="Step D", exact=True))
    rec.wait_state(t, "idle", ACTION_S, d_steps=1, g_steps=0)
    assert _field(figure.screenshot()).tobytes() != _field(before).tobytes(), (
        "Step D must change the heat-map"
    )
    panel.screenshot(path=str(artifacts / "mode_panel_step_d.png"))

    # 2. Train, then Stop: it ends within seconds and stays ended
    train = panel.get_by_role("button", name="Train", exact=True)
    t_train = rec.click(train)
    rec.wait(t_train, "(e, after) => after.filter((x) => x.state === 'training').length >= 4")
    assert rec.find(
        t_train,
        "(e) => e.state === 'training' && e.facts.dataset === 'grid' "
        "&& e.facts.loss === 'non-saturating' && e.facts.k === '2'",
    ), rec.log()
    t_stop = rec.click(panel.get_by_role("button", name="Stop", exact=True))
    stopped = rec.wait_state(t_stop, "stopped", 10, dataset="grid")
    stop_s = (stopped["t"] - t_stop) / 1000
    scores = panel.locator(".mode-panel-scores").inner_text()
    time.sleep(1.0)
    assert panel.locator(".mode-panel-scores").inner_text() == scores, "nothing after Stop"
    assert rec.figures(stopped["t"]) == 0, "no picture after Stop"

    # 3. Train goes on: live pictures, and the count of modes moves
    t_again = rec.click(train)
    rec.wait(t_again, "(e, after) => after.filter((x) => x.state === 'training').length >= 8")
    deadline = time.monotonic() + ACTION_S
    while len({e["facts"].get("modes") for e in rec.entries(t_train)} - {None}) < 2:
        assert time.monotonic() < deadline, f"the count of modes never moved:\n{rec.log()}"
        time.sleep(0.2)
    assert rec.figures(t_again) >= 8, "Train must draw live"
    panel.screenshot(path=str(artifacts / "mode_panel_training.png"))
    rec.click(panel.get_by_role("button", name="Stop", exact=True))
    rec.wait(t_again, "(e) => ['stopped', 'idle'].includes(e.state)", 10)
    figure.screenshot(path=str(artifacts / "mode_panel_figure.png"))
    modes = sorted({e["facts"].get("modes") for e in rec.entries(t_train)} - {None})
    summary = (
        f"cells run {to_run}; notebook open and cells run in {opened_s:.1f} s, whole test "
        f"{time.monotonic() - started:.1f} s; Stop took {stop_s:.2f} s; {rec.figures()} "
        f"pictures; modes captured seen: {modes}; panel {where['panel']:.0f} px high in a "
        f"{bottom - top:.0f} px view; last scores: {scores}"
    )
    (artifacts / "mode_panel_timings.txt").write_text(summary + "\n")
    print(summary)
