"""Working a notebook's panel in the page as a learner does, shared by the browser tests.

* ``cells_for_panel``: the ONE cell slicer: which code cells a panel needs (the setup cell, the
  lesson cells, every earlier cell binding a name a chosen cell reads, and the panel cell);
* ``open_and_run``: open a notebook in the private JupyterLab and run those cells as a learner does;
* ``Recorder``: the ONE recorder, installed in the page on a panel: every state the panel's status
  line announces (``gan_helpers.widgets``: the ``data-state`` attribute and the facts beside it,
  never its English), every new figure, and on every animation frame the figure's height. Tests
  wait on states and facts (``wait``, ``wait_run``), not on sentences.
"""

from __future__ import annotations

import ast
import json
import re
import time

import pytest

KERNEL_START_S = 120  # opening a notebook and starting its kernel, on a busy 2-core machine
# every notebook's first code cell, acting on Colab and Kaggle only (tests/course/test_hosted.py)
FETCH_CELL_ID = "fetch"
BUSY, DONE = ("compiling", "training"), ("idle", "stopped", "error")


# --- which cells the panel needs ------------------------------------------------------------------
def first_code_cell(cells: list[dict]) -> int:
    """Index of the notebook's first code cell after the fetch cell (the setup line)."""
    return next(
        i for i, c in enumerate(cells) if c["cell_type"] == "code" and c.get("id") != FETCH_CELL_ID
    )


def _names(source: str) -> tuple[set[str], set[str]]:
    """(names a cell binds, names it reads but does not bind). IPython magics are translated."""
    from IPython.core.inputtransformer2 import TransformerManager

    bound, read = set(), set()
    for node in ast.walk(ast.parse(TransformerManager().transform_cell(source))):
        if isinstance(node, ast.Name):
            (read if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound.update((a.asname or a.name).split(".")[0] for a in node.names)
    return bound, read - bound


def cells_for_panel(cells: list[dict], marker: str) -> list[int]:
    """Indices of the code cells to run for the panel built by the first cell containing
    ``marker``: the setup cell, the lesson cells before it (a panel may take ``globals()``), the
    panel cell, and, walking back from it, every cell that binds a name a chosen cell reads. So a
    test runs exactly the notebook's own code the panel depends on and skips the long
    measurements it does not need."""
    code = [i for i, c in enumerate(cells) if c["cell_type"] == "code"]
    source = {i: "".join(cells[i]["source"]) for i in code}
    panels = [i for i in code if marker in source[i]]
    assert panels, f"no code cell contains {marker!r}"
    panel = panels[0]
    lesson = {
        i for i in code if i < panel and "lesson" in cells[i].get("metadata", {}).get("tags", [])
    }
    chosen = {first_code_cell(cells), panel} | lesson
    needed = set().union(*(_names(source[i])[1] for i in chosen))
    for i in reversed([i for i in code if i < panel and i not in chosen]):
        bound, read = _names(source[i])
        if bound & needed:
            chosen.add(i)
            needed = (needed - bound) | read
    return sorted(chosen)


# --- opening a notebook and running cells ---------------------------------------------------------
def open_and_run(page, lab, notebook: str, to_run: list[int]) -> tuple:
    """Open ``notebook`` in the private JupyterLab, wait for its kernel, then run the cells
    ``to_run`` one by one as a learner does (select the cell, press the toolbar's Run). Returns the
    locator of all the notebook's cells and how many Run clicks had to be repeated (a click that
    lands while the kernel (re)connects is dropped: each is tried once more)."""
    from playwright.sync_api import expect

    page.goto(f"{lab.url}lab/tree/{notebook}?token={lab.token}")
    # "Python 3 (ipykernel) | Idle"
    kernel = page.locator(".jp-StatusBar-TextItem[title^='Change kernel']")
    expect(kernel).to_have_text(re.compile(r"\| Idle$"), timeout=KERNEL_START_S * 1000)
    n_cells = len(json.loads((lab.root / notebook).read_text())["cells"])
    cells = page.locator(".jp-NotebookPanel .jp-Notebook .jp-Notebook-cell")
    cells.nth(n_cells - 1).wait_for(state="attached")
    assert cells.count() == n_cells, "every cell must be in the page (windowingMode none)"
    run_button = page.locator(
        ".jp-NotebookPanel-toolbar [data-command='notebook:run-cell-and-select-next']"
    )
    retried = 0
    for i in to_run:
        cell, prompt = cells.nth(i), cells.nth(i).locator(".jp-InputPrompt")
        for attempt in range(2):
            prompt.click()
            expect(cell).to_have_class(re.compile(r"\bjp-mod-active\b"))
            run_button.click()
            try:
                # queued or done
                expect(prompt).to_have_text(re.compile(r"\[(\*|\d+)\]"), timeout=10_000)
                break
            except AssertionError:
                if attempt:
                    raise
                retried += 1
    return cells, retried


def open_panel(page, lab, notebook: str, marker: str, css: str, seconds: float) -> tuple:
    """Open ``notebook``, run the cells its panel needs, wait for the panel (CSS class ``css``)
    to show; returns (the panel's locator, the cells run)."""
    cells = json.loads((lab.root / notebook).read_text())["cells"]
    to_run = cells_for_panel(cells, marker)
    dom_cells, _ = open_and_run(page, lab, notebook, to_run)
    panel = dom_cells.nth(to_run[-1]).locator(f".{css}").first
    wait_until_visible(page, panel, seconds, f"running cells {to_run}")
    return panel, to_run


def fail_on_traceback(page, where: str) -> None:
    """Fail the test at once, showing the traceback, if a cell in the page has raised."""
    errors = page.locator(".jp-OutputArea-output", has_text="Traceback (most recent call last)")
    if errors.count():
        pytest.fail(f"a cell failed while {where}:\n{errors.first.inner_text()[-3000:]}")


def wait_until_visible(page, target, seconds: float, where: str) -> None:
    """Wait until ``target`` (a locator) shows, failing at once if a cell raises meanwhile."""
    deadline = time.monotonic() + seconds
    while not target.is_visible():
        fail_on_traceback(page, where)
        assert time.monotonic() < deadline, f"nothing to see {seconds:.0f} s after {where}"
        time.sleep(0.3)


# --- the recorder ---------------------------------------------------------------------------------
RECORDER_JS = """(panel, name) => {
  const status = panel.querySelector('.panel-status .widget-html-content');
  const img = panel.querySelector('.panel-figure') || panel.querySelector('img.widget-image');
  const rec = {states: [], figures: [], frames: 0, minHeight: Infinity, maxHeight: 0,
               loadingFrames: 0};
  const read = () => {
    const span = status.querySelector('[data-state]');
    // the data- attributes by the panel's own names: data-noise-dim is facts.noise_dim
    const facts = Object.fromEntries(Object.entries(span ? span.dataset : {}).map(
        ([k, v]) => [k.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase()), v]));
    rec.states.push({t: performance.now(), state: facts.state || '', facts: facts,
                     text: status.textContent});
  };
  read();
  new MutationObserver(read).observe(
      status, {childList: true, characterData: true, subtree: true, attributes: true});
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
  (window.__panels = window.__panels || {})[name] = rec;
}"""

# the first entry after ``since`` that the function TEST(e, after) accepts (or null)
FIND_JS = """([name, since]) => {
  const after = window.__panels[name].states.filter((e) => e.t >= since);
  return after.find((e) => (TEST)(e, after)) || null;
}"""


class Recorder:
    """What a panel announced in the page (see ``RECORDER_JS``), and waits on it.

    Each entry has ``t`` (the page's clock, ms), ``state``, ``text`` and ``facts``: the status
    line's data- attributes by the panel's names (``data-noise-dim`` is ``noise_dim``), strings.
    """

    def __init__(self, page, panel, name: str):
        self.page, self.panel, self.name = page, panel, name
        # a panel's children may be drawn a moment after the panel itself
        panel.locator(".panel-status .widget-html-content").first.wait_for(state="attached")
        panel.locator(".panel-figure").first.wait_for(state="attached")
        panel.evaluate(RECORDER_JS, name)

    def now(self) -> float:
        return self.page.evaluate("performance.now()")

    def click(self, button) -> float:
        """Click ``button``; returns the page's time just before."""
        t = self.now()
        button.click()
        return t

    def find(self, since: float, test: str) -> dict | None:
        """The first entry after ``since`` that the JS function ``test(e, after)`` accepts."""
        return self.page.evaluate(FIND_JS.replace("TEST", test), [self.name, since])

    def wait(self, since: float, test: str, seconds: float = 60) -> dict:
        """Wait for an entry after ``since`` that ``test(e, after)`` accepts; returns it."""
        deadline = time.monotonic() + seconds
        while True:
            found = self.find(since, test)
            if found is not None:
                return found
            fail_on_traceback(self.page, f"waiting for {test}")
            if time.monotonic() > deadline:
                raise AssertionError(f"no state {test} within {seconds:.0f} s:\n{self.log()}")
            time.sleep(0.1)

    def wait_state(self, since: float, state: str, seconds: float = 60, **facts) -> dict:
        """Wait for ``state`` with ``facts`` (compared as strings) after ``since``."""
        return self.wait(since, _state_test((state,), facts), seconds)

    def wait_run(self, since: float, seconds: float = 60, **facts) -> dict:
        """Wait for a job that started after ``since`` (compiling or training) to end (idle,
        stopped or error) with ``facts``; returns the entry that ended it."""
        busy = json.dumps(BUSY)
        test = (
            f"(e, after) => {_state_test(DONE, facts)}(e) && "
            f"after.some((b) => {busy}.includes(b.state) && b.t <= e.t)"
        )
        return self.wait(since, test, seconds)

    def entries(self, since: float = 0) -> list[dict]:
        return self.page.evaluate(
            "([name, since]) => window.__panels[name].states.filter((e) => e.t >= since)",
            [self.name, since],
        )

    def last(self) -> dict:
        return self.entries()[-1]

    def figures(self, since: float = 0) -> int:
        """How many new figures the page received after ``since``."""
        return self.page.evaluate(
            "([name, since]) => window.__panels[name].figures.filter((t) => t >= since).length",
            [self.name, since],
        )

    def heights(self) -> dict:
        return self.page.evaluate(
            "(name) => { const r = window.__panels[name]; return {frames: r.frames, "
            "min: r.minHeight, max: r.maxHeight, loading: r.loadingFrames}; }",
            self.name,
        )

    def log(self) -> str:
        """Every state the page showed, with its time in seconds and its text (for failures)."""
        try:
            entries = self.entries()
        except Exception as err:
            return f"<no state log: {err}>"
        t0 = entries[0]["t"] if entries else 0
        return "\n".join(
            f"{(e['t'] - t0) / 1000:7.2f} s  {e['state']:9} {e['text']}" for e in entries
        )


def _state_test(states: tuple, facts: dict) -> str:
    wanted = json.dumps({k: str(v) for k, v in facts.items()})
    return (
        f"((e) => {json.dumps(list(states))}.includes(e.state) && "
        f"Object.entries({wanted}).every(([k, v]) => e.facts[k] === v))"
    )


def presentation_mode(page) -> None:
    """What the README tells a lecturer: close the left sidebar (Ctrl+B), then View > Appearance >
    Presentation Mode. JupyterLab keeps the mode between pages, so it is switched on only if off."""
    from playwright.sync_api import expect

    page.keyboard.press("Escape")
    if page.locator("#jp-left-stack").is_visible():
        page.keyboard.press("Control+b")
    shell = page.locator(".jp-LabShell")
    if "jp-mod-presentationMode" not in (shell.get_attribute("class") or ""):
        page.locator(".lm-MenuBar-item", has_text=re.compile("^View$")).click()
        page.locator(".lm-Menu-item", has_text=re.compile("^Appearance")).hover()
        page.locator(".lm-Menu-item", has_text=re.compile("^Presentation Mode")).click()
    expect(shell).to_have_class(re.compile(r"\bjp-mod-presentationMode\b"))
    expect(page.locator("#jp-left-stack")).to_be_hidden()


def slider(panel, label: str):
    """The slider with the label ``label`` in ``panel``."""
    return panel.locator(".widget-slider").filter(
        has=panel.page.locator("label.widget-label", has_text=re.compile(rf"^{re.escape(label)}$"))
    )


def press(panel, label: str, *keys: str) -> str:
    """Focus a slider's handle (as Tab would), press keys on it; returns its readout."""
    handle = slider(panel, label).locator(".noUi-handle")
    handle.focus()
    for key in keys:
        handle.press(key)
    return slider(panel, label).locator(".widget-readout").inner_text().strip()
