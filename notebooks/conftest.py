"""Two checks that nbval makes on every notebook cell it runs (``make test``), with no second run.

* **No unexplained red text.** Each line a cell writes to stderr must be explained: TensorFlow's
  start-up lines (``gan_helpers.startup.KNOWN_LINES``, printed with their meaning in notebook 00),
  or a line the notebook shows on purpose, listed as regular expressions in that cell's metadata
  ``"expected_stderr": [...]`` (notebook 02 shows Keras's own warnings, for example).
* **Figures a projector can show.** Each PNG a cell displays is at most ``MAX_FIGURE_PX`` wide, so
  JupyterLab shows it at its natural size (course style: ``gan_helpers.plotting``). Every figure is
  also saved as ``artifacts/figures/<notebook>-cell<N>-<k>.png``, exactly as JupyterLab shows it,
  to look at what changed without running anything again (``artifacts/`` is not committed).
"""

from __future__ import annotations

import base64
import re
import struct
from pathlib import Path

from gan_helpers import startup

import pytest

# a JupyterLab output area at 1280 px wide measures about 1,050 px
MAX_FIGURE_PX = 1050
FIGURES = Path(__file__).resolve().parents[1] / "artifacts" / "figures"


def _stderr_lines(outputs) -> list[str]:
    text = "".join(
        o.get("text", "")
        for o in outputs
        if o.get("output_type") == "stream" and o.get("name") == "stderr"
    )
    return text.splitlines()


def _pngs(outputs) -> list[bytes]:
    found = [o.get("data", {}).get("image/png") for o in outputs if hasattr(o, "get")]
    return [base64.b64decode(png) for png in found if png]


def _png_widths(outputs) -> list[int]:
    # a PNG starts with its 8-byte signature and the IHDR chunk: the width is at bytes 16-20
    return [struct.unpack(">I", png[16:20])[0] for png in _pngs(outputs)]


def cell_problems(outputs, expected_stderr=()) -> list[str]:
    """What is wrong with one cell's outputs: unexplained stderr lines, figures too wide."""
    problems = [
        f"unexplained stderr line: {line!r} (explain it in gan_helpers/startup.py or the cell's "
        "'expected_stderr' metadata, or remove its cause)"
        for line in _stderr_lines(outputs)
        if not startup.is_known(line) and not any(re.search(p, line) for p in expected_stderr)
    ]
    problems += [
        f"figure {w} px wide, more than {MAX_FIGURE_PX}: JupyterLab would shrink it (use "
        "plotting.panels or a figure at most plotting.FIGURE_WIDTH inches wide)"
        for w in _png_widths(outputs)
        if w > MAX_FIGURE_PX
    ]
    return problems


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    result = yield
    outputs = getattr(item, "test_outputs", None)
    cell = getattr(item, "cell", None)
    if outputs is not None and cell is not None:
        FIGURES.mkdir(parents=True, exist_ok=True)
        for k, png in enumerate(_pngs(outputs)):
            name = f"{Path(item.path).stem}-cell{item.cell_num:02d}-{k}.png"
            (FIGURES / name).write_bytes(png)
        problems = cell_problems(outputs, cell.metadata.get("expected_stderr", ()))
        if problems:
            pytest.fail("\n".join(problems), pytrace=False)
    return result
