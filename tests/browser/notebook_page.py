"""Working a notebook in the page as a learner does, shared by the browser tests of the panels."""

from __future__ import annotations

import json
import re
import time

import pytest

KERNEL_START_S = 120  # opening a notebook and starting its kernel, on a busy 2-core machine
# every notebook's first code cell, which acts on Colab and Kaggle only (tests/test_hosted.py)
FETCH_CELL_ID = "fetch"


def first_code_cell(cells: list[dict]) -> int:
    """Index of the notebook's first code cell after the fetch cell (imports, profile, seed)."""
    return next(
        i for i, c in enumerate(cells) if c["cell_type"] == "code" and c.get("id") != FETCH_CELL_ID
    )


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
