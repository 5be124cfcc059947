"""Notebook 06's 2-D panel in a real browser, used the way a learner uses it.

JupyterLab (the project's own, quick profile) serves a copy of notebook 06; headless Chromium
opens it, runs the cells the panel needs (the first code cell, the cells they read names from,
and the panel cell), then: picks the grid in the dataset drop-down, moves k with the keyboard,
presses Step D (the heat-map changes and the panel counts one D step), Train (the picture is
redrawn live and the mode count changes while it trains) and Stop (training ends within seconds
and stays ended). Screenshots: ``artifacts/browser/mode_panel_*.png``.
"""

from __future__ import annotations

import ast
import io
import json
import re
import time

from notebook_page import first_code_cell, open_and_run, wait_until_visible

NOTEBOOK = "06_mode_collapse.ipynb"
PANEL_MARKER = "ModePanel("
# what the notebook's panel cell is, until notebook 06 has one (then the notebook's own is used)
PANEL_CELL = (
    "from gan_helpers.labs import nb06_panel as mode_panel\n\n"
    "panel = mode_panel.ModePanel(globals())\npanel"
)
CELLS_S, ACTION_S = 240, 90

# Records, inside the page, every text of the status and score lines and every new picture.
RECORDER_JS = """(panel) => {
  const img = panel.querySelector('img.widget-image');
  const texts = (cls) => panel.querySelector('.' + cls + ' .widget-html-content');
  const rec = {status: [], scores: [], figures: []};
  window.__mode = rec;
  for (const [name, cls] of [['status', 'mode-panel-status'], ['scores', 'mode-panel-scores']]) {
    const node = texts(cls);
    rec[name].push(node.textContent);
    new MutationObserver(() => rec[name].push(node.textContent))
      .observe(node, {childList: true, characterData: true, subtree: true});
  }
  new MutationObserver(() => rec.figures.push(performance.now()))
    .observe(img, {attributes: true, attributeFilter: ['src']});
}"""


def _names(source: str) -> tuple[set[str], set[str]]:
    """(names a cell binds, names it reads and does not bind)."""
    from IPython.core.inputtransformer2 import TransformerManager

    bound, read = set(), set()
    for node in ast.walk(ast.parse(TransformerManager().transform_cell(source))):
        if isinstance(node, ast.Name):
            (read if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.arg)):
            bound.add(getattr(node, "name", None) or node.arg)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound.update((a.asname or a.name).split(".")[0] for a in node.names)
    return bound, read - bound


def cells_to_run(cells: list[dict]) -> list[int]:
    """The first code cell, the panel cell, the lesson cells (the panel is given ``globals()``)
    and, walking back from the panel cell, every cell that binds a name a chosen cell reads."""
    code = [i for i, c in enumerate(cells) if c["cell_type"] == "code"]
    panel = [i for i in code if PANEL_MARKER in "".join(cells[i]["source"])][0]
    lesson = {i for i in code if "lesson" in cells[i].get("metadata", {}).get("tags", [])}
    chosen = {first_code_cell(cells), panel} | lesson
    needed = set().union(*(_names("".join(cells[i]["source"]))[1] for i in chosen))
    for i in reversed([i for i in code if i < panel and i not in chosen]):
        bound, read = _names("".join(cells[i]["source"]))
        if bound & needed:
            chosen.add(i)
            needed |= read
    return sorted(chosen)


def _served_notebook(lab) -> list[dict]:
    """Notebook 06's cells as served; a panel cell is appended to the copy if it has none."""
    path = lab.root / NOTEBOOK
    nb = json.loads(path.read_text())
    if not any(PANEL_MARKER in "".join(c["source"]) for c in nb["cells"]):
        cell = {"cell_type": "code", "execution_count": None, "id": "mode-panel-test"}
        nb["cells"].append({**cell, "metadata": {}, "outputs": [], "source": PANEL_CELL})
        path.write_text(json.dumps(nb))
    return nb["cells"]


def _run_cells(page, lab, cells, to_run):
    dom_cells, _ = open_and_run(page, lab, NOTEBOOK, to_run)
    panel = dom_cells.nth(to_run[-1]).locator(".mode-panel").first
    wait_until_visible(page, panel, CELLS_S, f"running cells {to_run}")
    return panel


def _wait(page, js: str, arg=None, timeout_s: float = ACTION_S) -> None:
    page.wait_for_function(js, arg=arg, timeout=timeout_s * 1000, polling=100)


def _field(png: bytes):
    """The left half of the figure (heat-map and points), as an image."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    return image.crop((0, 0, image.width // 2, image.height))


def test_mode_panel_in_browser(page, lab, artifacts):
    started = time.monotonic()
    page.set_default_timeout(60_000)
    cells = _served_notebook(lab)
    panel = _run_cells(page, lab, cells, cells_to_run(cells))
    opened_s = time.monotonic() - started
    panel.evaluate(RECORDER_JS)
    status = panel.locator(".mode-panel-status")
    figure = panel.locator("img.widget-image")
    last = lambda name: f"(() => {{ const s = window.__mode.{name}; return s[s.length - 1]; }})"
    _wait(page, f"{last('status')}().startsWith('ready: ring')")

    # 1. the grid, k = 2 (keyboard on the slider handle), then Step D
    panel.locator(".widget-dropdown", has_text="dataset").locator("select").select_option("grid")
    _wait(page, f"{last('status')}().startsWith('ready: grid')")
    handle = panel.locator(".widget-slider", has_text=re.compile(r"^k")).locator(".noUi-handle")
    handle.focus()
    handle.press("ArrowRight")
    k_readout = panel.locator(".widget-slider", has_text=re.compile(r"^k")).locator(
        ".widget-readout"
    )
    assert k_readout.inner_text().strip() == "2"
    before = figure.screenshot()
    panel.get_by_role("button", name="Step D", exact=True).click()
    _wait(page, f"{last('scores')}().includes('D steps 1')")
    assert status.inner_text().startswith("one D step: d_loss")
    after = figure.screenshot()
    assert _field(after).tobytes() != _field(before).tobytes(), "Step D must change the heat-map"
    panel.screenshot(path=str(artifacts / "mode_panel_step_d.png"))

    # 2. Train: live pictures, and the count of modes moves
    figures_before = page.evaluate("window.__mode.figures.length")
    panel.get_by_role("button", name="Train", exact=True).click()
    _wait(
        page,
        "(n) => window.__mode.figures.length >= n + 8 && new Set(window.__mode.scores"
        ".map((s) => (s.match(/modes captured (\\d+)/) || [])[1]).filter(Boolean)).size >= 2",
        figures_before,
    )
    assert status.inner_text().startswith("training: grid, non-saturating, k=2")
    panel.screenshot(path=str(artifacts / "mode_panel_training.png"))

    # 3. Stop: it ends within seconds and stays ended
    t_stop = time.monotonic()
    panel.get_by_role("button", name="Stop", exact=True).click()
    _wait(page, f"{last('status')}().startsWith('stopped: grid')", timeout_s=10)
    stop_s = time.monotonic() - t_stop
    scores = panel.locator(".mode-panel-scores").inner_text()
    time.sleep(1.0)
    assert panel.locator(".mode-panel-scores").inner_text() == scores, "nothing after Stop"
    figure.screenshot(path=str(artifacts / "mode_panel_figure.png"))
    modes = page.evaluate(
        "[...new Set(window.__mode.scores.map((s) => (s.match(/modes captured (\\d+)/) || [])[1])"
        ".filter(Boolean))]"
    )
    summary = (
        f"notebook open and cells run in {opened_s:.1f} s, whole test "
        f"{time.monotonic() - started:.1f} s; Stop took {stop_s:.2f} s; "
        f"{page.evaluate('window.__mode.figures.length')} pictures; modes captured seen: {modes}; "
        f"last scores: {scores}"
    )
    (artifacts / "mode_panel_timings.txt").write_text(summary + "\n")
    print(summary)
