"""The notebooks' code fits JupyterLab's Presentation Mode on a 1280x720 projector.

Open notebook 04 (the one a lecturer first reported) in JupyterLab at 1280x720, close the left
sidebar and switch on View > Appearance > Presentation Mode, as the README tells a lecturer; then
measure how many characters a code line can hold there and check that no code cell scrolls
sideways. Ruff keeps every line of every notebook (code, comments and strings) within
``line-length`` characters (``pyproject.toml``, checked by tests/course/test_style.py), so the test
asserts that a line of that length fits: then no notebook's code can run off the screen. (Every
notebook was measured once the same way; the test runs one to save CI time.) The first screen is
saved as ``artifacts/browser/presentation-04.png``, the measurement in ``presentation.txt``.
"""

from __future__ import annotations

import re
from pathlib import Path

from notebook_page import presentation_mode

REPO = Path(__file__).resolve().parents[2]
NOTEBOOK = "04_dcgan_mnist.ipynb"

# per code cell: how much wider its content is than its editor, and how many characters fit
MEASURE = """() => [...document.querySelectorAll('.jp-NotebookPanel .jp-CodeCell')].map((cell) => {
  const scroller = cell.querySelector('.cm-scroller');
  const line = [...cell.querySelectorAll('.cm-line')].sort(
      (a, b) => b.textContent.length - a.textContent.length)[0];
  let perChar = 0;
  if (line && line.textContent.length) {
    const range = document.createRange();
    range.selectNodeContents(line);
    perChar = range.getBoundingClientRect().width / line.textContent.length;
  }
  const content = cell.querySelector('.cm-content');
  return {overflow: scroller ? scroller.scrollWidth - scroller.clientWidth : 0,
          fits: perChar ? Math.floor(content.clientWidth / perChar) : 0,
          first: line ? line.textContent.slice(0, 60) : ''};
})"""


def _line_length() -> int:
    text = (REPO / "pyproject.toml").read_text()
    return int(re.search(r"^line-length = (\d+)", text, re.M).group(1))


def test_code_fits_presentation_mode_at_1280x720(page, lab, artifacts):

    notebook = NOTEBOOK
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{lab.url}lab/tree/{notebook}?token={lab.token}&reset")
    cells = page.locator(".jp-NotebookPanel .jp-CodeCell")
    cells.first.wait_for(state="visible", timeout=60_000)
    presentation_mode(page)
    page.wait_for_timeout(300)
    measured = page.evaluate(MEASURE)
    page.screenshot(path=str(artifacts / f"presentation-{notebook[:2]}.png"))
    fits = min(m["fits"] for m in measured if m["fits"])
    assert fits >= _line_length(), (
        f"a code line holds {fits} characters in Presentation Mode, ruff allows {_line_length()}"
    )
    with open(artifacts / "presentation.txt", "w") as log:
        log.write(f"{notebook}: {len(measured)} code cells, a line holds {fits} characters\n")
    wide = [
        f"cell {i}: {m['overflow']} px too wide ({m['first']!r}...)"
        for i, m in enumerate(measured)
        if m["overflow"] > 1
    ]
    assert not wide, f"{notebook}: code scrolls sideways in Presentation Mode:\n" + "\n".join(wide)


def test_check_cells_stay_folded_in_jupyterlab(page, lab, artifacts):
    """A cell folded in the file (``jupyter.source_hidden``) opens folded: JupyterLab shows a
    placeholder instead of its code, and its outputs stay (tests/course/test_style.py makes every
    cell that only asserts a folded one)."""
    import json

    notebook = NOTEBOOK
    cells = json.loads((lab.root / notebook).read_text())["cells"]
    folded = [
        i
        for i, c in enumerate(cells)
        if c.get("metadata", {}).get("jupyter", {}).get("source_hidden")
    ]
    assert len(folded) >= 2, f"{notebook} should have folded cells (the fetch cell, its checks)"
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{lab.url}lab/tree/{notebook}?token={lab.token}&reset")
    shown = page.locator(".jp-NotebookPanel .jp-Notebook .jp-Notebook-cell")
    shown.nth(len(cells) - 1).wait_for(state="attached", timeout=60_000)
    placeholder = ".jp-InputPlaceholder"
    found = [i for i in range(len(cells)) if shown.nth(i).locator(placeholder).count()]
    page.screenshot(path=str(artifacts / "folded-cells-04.png"))
    assert found == folded, f"folded in the file: cells {folded}; shown folded: cells {found}"
