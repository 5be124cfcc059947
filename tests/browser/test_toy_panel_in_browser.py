"""Notebook 03's training panel, used in a real browser the way a learner uses it.

JupyterLab (the project's own, quick profile) serves a copy of notebook 03; headless Chromium opens
it, runs the cells the panel needs, then works the panel with the keyboard and the mouse:

1. k and noise_dim are moved with the arrow/Home keys on the slider handles, then Train is pressed:
   the status line must report exactly those k and noise_dim, with a W1 distance, and the figure
   must have been redrawn during the run (live) and differ from the empty one it started with;
2. with the longest settings, Stop is pressed mid-run: the run must end within seconds, before its
   last step, and stay ended; then a short second run must work.

A screenshot of the panel after the first run is saved to ``artifacts/browser/toy_panel.png``.
Skipped (with the reason) where no Chromium is installed: see ``scripts/ensure_browser.sh``.
"""

from __future__ import annotations

import ast
import io
import json
import re
import time

import pytest
from notebook_page import first_code_cell, open_and_run, wait_until_visible

NOTEBOOK = "03_toy_gaussian_gan.ipynb"
PANEL_MARKER = "ToyPanel("  # the code cell that builds and shows the panel
CELLS_S = 240  # the setup cells + panel cell (imports TensorFlow, one 300-step run, XLA compiles)
RUN_S = 120  # one training run from a button press (about a second when nothing has to compile)
STOP_WITHIN_S = 5.0  # Stop ends a run after its current chunk of 20 generator steps (~0.1 s)
STATUS = re.compile(
    r"^(?P<state>done|stopped): k=(?P<k>\d+) noise_dim=(?P<noise_dim>\d+) steps=(?P<steps>\d+) "
    r"\| W1 (?P<w1>[0-9.]+) after (?P<done>\d+) G steps in "
)

# Records, inside the page, what the learner sees change: every status text, every new figure
# (the <img> src), and on every animation frame the figure's height (a blank frame between two
# figures would collapse the image and make the page jump).
RECORDER_JS = """(panel) => {
  const img = panel.querySelector('img.widget-image');
  const status = panel.querySelector('.widget-html-content');
  const rec = {status: [[performance.now(), status.textContent]], figures: [], frames: 0,
               minHeight: Infinity, maxHeight: 0, loadingFrames: 0};
  window.__panel = rec;
  new MutationObserver(() => rec.status.push([performance.now(), status.textContent]))
    .observe(status, {childList: true, characterData: true, subtree: true});
  new MutationObserver(() => rec.figures.push(performance.now()))
    .observe(img, {attributes: true, attributeFilter: ['src']});
  const frame = () => {
    const h = img.getBoundingClientRect().height;
    rec.frames += 1;
    rec.minHeight = Math.min(rec.minHeight, h);
    rec.maxHeight = Math.max(rec.maxHeight, h);
    if (!img.complete) rec.loadingFrames += 1;
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
}"""

# True once, after time t0 (page clock), the status showed "training: <prefix>" and then "<final>".
RUN_FINISHED_JS = """([t0, training, final]) => {
  const after = window.__panel.status.filter(([t, _]) => t >= t0).map(([_, s]) => s);
  const i = after.findIndex((s) => s.startsWith('training: ' + training));
  return i >= 0 && after.slice(i + 1).some((s) => s.startsWith(final));
}"""


# Printed into the failure message when the panel misbehaves: the kernel's side of the story.
KERNEL_DUMP = r"""
import sys, threading, traceback
names = {t.ident: t.name for t in threading.enumerate()}
for ident, frame in sys._current_frames().items():
    print(f"--- thread {names.get(ident, ident)}:\n" + "".join(traceback.format_stack(frame)[-6:]))
print(f"panel thread alive: {panel.running}; stop event set: {panel._stop_event.is_set()}")
print(f"panel status: {panel.status.value}")
print(f"panel settings: {panel.config().label()}")
"""


# --- which cells the panel needs ------------------------------------------------------------------
def _names(source: str) -> tuple[set[str], set[str]]:
    """(names a cell binds, names it reads but does not bind). IPython magics are translated."""
    from IPython.core.inputtransformer2 import TransformerManager

    tree = ast.parse(TransformerManager().transform_cell(source))
    bound, read = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (read if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound.update((a.asname or a.name).split(".")[0] for a in node.names)
    return bound, read - bound


def cells_for_panel(cells: list[dict]) -> list[int]:
    """Indices of the code cells to run for the panel: the first code cell (imports, profile, seed),
    the panel cell, and, walking back from it, every cell that binds a name a chosen cell reads.

    So the test runs exactly the notebook's own code the panel depends on (its lesson cells, its
    settings), and skips the long measurement cells (sweeps) that the panel does not need.
    """
    code = [i for i, c in enumerate(cells) if c["cell_type"] == "code"]
    panel = [i for i in code if PANEL_MARKER in "".join(cells[i]["source"])]
    assert panel, f"{NOTEBOOK} has no code cell containing {PANEL_MARKER!r}"
    chosen, (_, needed) = (
        {first_code_cell(cells), panel[0]},
        _names("".join(cells[panel[0]]["source"])),
    )
    for i in reversed([i for i in code if i < panel[0]]):
        bound, read = _names("".join(cells[i]["source"]))
        if bound & needed:
            chosen.add(i)
            needed = (needed - bound) | read
    return sorted(chosen)


def test_cells_for_panel_runs_what_the_panel_needs_and_skips_the_rest():
    """No browser needed: the cell choice follows names back from the panel cell."""

    def code(source):
        return {"cell_type": "code", "source": source}

    cells = [
        {"cell_type": "markdown", "source": "# title"},
        code("import numpy as np\nNOISE_DIM = 4"),  # 1: the first code cell, always
        code(
            "from gan_helpers.labs import nb03_toy as toy\n"
            "from gan_helpers.labs import nb03_panel as toy_panel\nSTEPS = 300"
        ),  # 2
        code("def loss(p):\n    return np.log(p)"),  # 3: read by 5 through make_steps
        code("sweep = [toy.train_toy_gan() for _ in range(99)]"),  # 4: slow and not needed
        code("def make_steps(G):\n    x = G.sample()\n    return loss(x)"),  # 5
        code(
            "%matplotlib inline\nlesson = toy.Lesson(make_steps)\npost = toy.ToyConfig(steps=STEPS)"
        ),
        code("x = 1"),  # 7: binds x, but make_steps's x is its own
        code("panel = toy_panel.ToyPanel(lesson, post)\npanel"),  # 8
        code("panel.k.value = 10"),  # 9: after the panel
    ]
    assert cells_for_panel(cells) == [1, 2, 3, 5, 6, 8]  # 6: a magic is fine


# --- small browser helpers ------------------------------------------------------------------------
def _slider(panel, label: str):
    return panel.locator(".widget-slider").filter(
        has=panel.page.locator("label.widget-label", has_text=re.compile(rf"^{re.escape(label)}$"))
    )


def _press(panel, label: str, *keys: str) -> None:
    """Focus a slider's handle (as Tab would) and press keys on it, as a learner does."""
    handle = _slider(panel, label).locator(".noUi-handle")
    handle.focus()
    for key in keys:
        handle.press(key)


def _readout(panel, label: str) -> int:
    return int(_slider(panel, label).locator(".widget-readout").inner_text().strip())


def _now(page) -> float:
    return page.evaluate("performance.now()")


def _click(page, button) -> float:
    t = _now(page)
    button.click()
    return t


def _wait_run(page, t0: float, training: str, final: str, timeout_s: float) -> None:
    page.wait_for_function(
        RUN_FINISHED_JS, arg=[t0, training, final], timeout=timeout_s * 1000, polling=100
    )


def _status(panel) -> str:
    return panel.locator(".widget-html-content").inner_text().strip()


def _parse(status: str) -> dict:
    match = STATUS.match(status)
    assert match, f"unexpected status line: {status!r}"
    return match.groupdict()


def _image_size_and_colours(png: bytes) -> tuple[tuple[int, int], int]:
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    return image.size, len(image.getcolors(maxcolors=1 << 20) or [])


# --- the test -------------------------------------------------------------------------------------
def _open_and_run_cells(page, lab, cells: list[dict], to_run: list[int]) -> tuple:
    """Open the notebook, run ``to_run`` one by one (select the cell, press the toolbar's Run) and
    return (the panel's locator, how many Run clicks had to be repeated)."""

    dom_cells, retried = open_and_run(page, lab, NOTEBOOK, to_run)
    panel_cell = dom_cells.nth(to_run[-1])
    train = panel_cell.get_by_role("button", name="Train", exact=True)
    wait_until_visible(page, train, CELLS_S, f"running cells {to_run}")
    return panel_cell.locator(".jp-OutputArea-output .widget-vbox").first, retried


def _status_log(page) -> str:
    """Every status line the page showed since the recorder started, with its time in seconds."""
    try:
        entries = page.evaluate("window.__panel.status")
    except Exception as err:
        return f"<no status log: {err}>"
    t0 = entries[0][0] if entries else 0
    return "\n".join(f"{(t - t0) / 1000:7.2f} s  {text}" for t, text in entries)


def test_toy_panel_in_browser(page, lab, artifacts):
    started = last = time.monotonic()
    timings = {}

    def lap(name: str) -> None:  # seconds spent in each phase, for the report line at the end
        nonlocal last
        timings[name], last = time.monotonic() - last, time.monotonic()

    page.set_default_timeout(60_000)
    # a projector's screen: the panel and its screenshot must work at this size
    page.set_viewport_size({"width": 1280, "height": 720})
    cells = json.loads((lab.root / NOTEBOOK).read_text())["cells"]
    to_run = cells_for_panel(cells)
    panel, retried = _open_and_run_cells(page, lab, cells, to_run)
    lap("open notebook, run cells")
    assert _status(panel).startswith("ready"), _status(panel)
    panel.evaluate(RECORDER_JS)
    try:
        stop_s = _work_the_panel(page, panel, artifacts, lap)
    except Exception as err:  # say what the page showed and what the kernel was doing
        (artifacts / "toy_panel_status_log.txt").write_text(_status_log(page) + "\n")
        pytest.fail(
            f"{type(err).__name__}: {err}\n\nstatus lines the page showed:\n{_status_log(page)}\n\n"
            f"inside the kernel:\n{lab.run_in_kernel(KERNEL_DUMP)}",
            pytrace=True,
        )
    (artifacts / "toy_panel_status_log.txt").write_text(_status_log(page) + "\n")

    # the figure never collapsed or jumped while it was being replaced
    rec = page.evaluate(
        "({frames: window.__panel.frames, min: window.__panel.minHeight, "
        "max: window.__panel.maxHeight, loading: window.__panel.loadingFrames, "
        "figures: window.__panel.figures.length})"
    )
    assert rec["frames"] > 0 and rec["min"] == rec["max"] > 100, (
        f"the figure's height changed: {rec}"
    )
    timings["total"] = time.monotonic() - started
    summary = (
        f"cells run: {to_run} ({retried} Run clicks repeated); "
        f"Stop ended the run in {stop_s:.2f} s; "
        "seconds: "
        + ", ".join(f"{name} {s:.1f}" for name, s in timings.items())
        + f"; figure updates {rec['figures']}, animation frames {rec['frames']} "
        f"({rec['loading']} while a new figure was still loading), "
        f"figure height constant at {rec['min']:.0f} px"
    )
    (artifacts / "toy_panel_timings.txt").write_text(summary + "\n")
    print(summary)


def _work_the_panel(page, panel, artifacts, lap) -> float:
    """Sliders + Train, then Stop during a long run, then a short run; returns Stop's delay in s."""
    train = panel.get_by_role("button", name="Train", exact=True)
    stop = panel.get_by_role("button", name="Stop", exact=True)
    figure = panel.locator("img.widget-image")
    empty_figure = figure.screenshot()

    # 1. the keyboard on the sliders, then Train
    _press(panel, "k", "Home", "ArrowRight", "ArrowRight")  # 1, then 3
    _press(panel, "noise_dim", "ArrowLeft", "ArrowLeft")  # 4 -> 2
    k, noise_dim, steps = (
        _readout(panel, "k"),
        _readout(panel, "noise_dim"),
        _readout(panel, "G steps"),
    )
    assert (k, noise_dim) == (3, 2), (
        "Home and the arrow keys must move the sliders one step at a time"
    )
    t_train = _click(page, train)
    run = f"k={k} noise_dim={noise_dim} steps={steps} "
    _wait_run(page, t_train, run, f"done: {run}", RUN_S)
    reported = _parse(_status(panel))
    assert (int(reported["k"]), int(reported["noise_dim"]), int(reported["done"])) == (
        k,
        noise_dim,
        steps,
    )
    assert 0 < float(reported["w1"]) < 100, reported
    redraws = page.evaluate("(t0) => window.__panel.figures.filter((t) => t >= t0).length", t_train)
    assert redraws >= 2, "the figure must be redrawn while training (live), not only at the end"
    trained_figure = figure.screenshot()
    assert trained_figure != empty_figure, "the figure must change after a run"
    (size_empty, _), (size_trained, colours) = map(
        _image_size_and_colours, (empty_figure, trained_figure)
    )
    assert size_trained == size_empty and colours > 50, "the figure keeps its size and shows a plot"
    panel.screenshot(path=str(artifacts / "toy_panel.png"))
    lap("sliders + first run")

    # 2. a long run, stopped part-way; then the panel still trains
    _press(panel, "G steps", "End")  # 3000 generator steps
    _press(panel, "k", "End")  # 30 discriminator steps per generator step: 93,000 optimizer steps
    k, steps = _readout(panel, "k"), _readout(panel, "G steps")
    assert (k, steps) == (30, 3000)
    long_run = f"k={k} noise_dim={noise_dim} steps={steps} "
    t_long = _click(page, train)
    page.wait_for_function(
        "([t0, run]) => window.__panel.status.some(([t, s]) => t >= t0 && "
        "s.startsWith('training: ' + run) && / \\d+\\/\\d+ G steps/.test(s))",
        arg=[t_long, long_run],
        timeout=RUN_S * 1000,
        polling=100,
    )
    lap("start long run")
    during = [figure.screenshot() for _ in range(3)]  # what the learner sees mid-run
    t_stop = _click(page, stop)
    page.wait_for_function(
        "([t0, run]) => window.__panel.status.some(([t, s]) => t >= t0 && "
        "s.startsWith('stopped: ' + run))",
        arg=[t_stop, long_run],
        timeout=RUN_S * 1000,
    )
    stop_s = page.evaluate(
        "([t0, run]) => (window.__panel.status.find(([t, s]) => t >= t0 && "
        "s.startsWith('stopped: ' + run))[0] - t0) / 1000",
        [t_stop, long_run],
    )
    stopped = _parse(_status(panel))
    assert stop_s < STOP_WITHIN_S, f"Stop took {stop_s:.1f} s to end the run"
    assert stopped["state"] == "stopped" and int(stopped["done"]) < steps, stopped
    figures_at_stop = page.evaluate("window.__panel.figures.length")
    time.sleep(1.5)
    assert _status(panel).startswith("stopped: "), "a stopped run must stay stopped"
    assert page.evaluate("window.__panel.figures.length") == figures_at_stop, "no redraw after Stop"
    assert train.is_enabled() and stop.is_enabled()
    for shot in during:
        assert (
            _image_size_and_colours(shot)[0] == size_empty and _image_size_and_colours(shot)[1] > 50
        ), "a frame taken during training was blank or resized"
    lap("stop it")

    _press(panel, "G steps", "Home")  # 20 generator steps: one chunk
    _press(panel, "k", "Home")  # k = 1
    k, steps = _readout(panel, "k"), _readout(panel, "G steps")
    short = f"k={k} noise_dim={noise_dim} steps={steps} "
    t_short = _click(page, train)
    _wait_run(page, t_short, short, f"done: {short}", RUN_S)
    assert int(_parse(_status(panel))["done"]) == steps == 20
    lap("short run")
    return stop_s
