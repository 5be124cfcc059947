"""Every notebook's code fits JupyterLab's Presentation Mode on a 1280x720 projector.

For each notebook: open it in JupyterLab at 1280x720, switch on View > Presentation Mode, and
check that no code cell scrolls sideways (a line that does not fit hides its end off-screen). The
first screen of each notebook is saved as ``artifacts/browser/presentation-NN.png``, and the number
of characters a code line can hold is written to ``artifacts/browser/presentation.txt``:
``notebooks/ruff.toml`` keeps notebook lines shorter than that.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted(p.name for p in (REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))

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


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_code_fits_presentation_mode_at_1280x720(page, lab, artifacts, notebook):
    from playwright.sync_api import expect

    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{lab.url}lab/tree/{notebook}?token={lab.token}&reset")
    cells = page.locator(".jp-NotebookPanel .jp-CodeCell")
    cells.first.wait_for(state="visible", timeout=60_000)
    page.keyboard.press("Escape")
    # what the README tells a lecturer: close the left sidebar (Ctrl+B), then View > Appearance >
    # Presentation Mode (the mode is kept between pages, so switch it on only when it is off)
    if page.locator("#jp-left-stack").is_visible():
        page.keyboard.press("Control+b")
    shell = page.locator(".jp-LabShell")
    if "jp-mod-presentationMode" not in (shell.get_attribute("class") or ""):
        page.locator(".lm-MenuBar-item", has_text=re.compile("^View$")).click()
        page.locator(".lm-Menu-item", has_text=re.compile("^Appearance")).hover()
        page.locator(".lm-Menu-item", has_text=re.compile("^Presentation Mode")).click()
    expect(shell).to_have_class(re.compile(r"\bjp-mod-presentationMode\b"))
    expect(page.locator("#jp-left-stack")).to_be_hidden()
    page.wait_for_timeout(300)
    measured = page.evaluate(MEASURE)
    page.screenshot(path=str(artifacts / f"presentation-{notebook[:2]}.png"))
    fits = min(m["fits"] for m in measured if m["fits"])
    with open(artifacts / "presentation.txt", "a") as log:
        log.write(f"{notebook}: {len(measured)} code cells, a line holds {fits} characters\n")
    wide = [
        f"cell {i}: {m['overflow']} px too wide ({m['first']!r}...)"
        for i, m in enumerate(measured)
        if m["overflow"] > 1
    ]
    assert not wide, f"{notebook}: code scrolls sideways in Presentation Mode:\n" + "\n".join(wide)
