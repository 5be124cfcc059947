"""Two checks that nbval makes on every notebook cell it runs (``make test``), with no second run.

* **No unexplained red text.** Each line a cell writes to stderr must be explained: TensorFlow's
  start-up lines (``gan_helpers.startup.KNOWN_LINES``, printed with their meaning in notebook 00),
  or a line the notebook shows on purpose, listed as regular expressions in that cell's metadata
  ``"expected_stderr": [...]`` (notebook 02 shows Keras's own warnings, for example).
* **Figures a projector can show.** Each PNG a cell displays is at most ``MAX_FIGURE_PX`` wide, so
  JupyterLab shows it at its natural size (course style: ``gan_helpers.plotting``).
"""

from __future__ import annotations

import base64
import re
import struct

from gan_helpers import startup

import pytest

# a JupyterLab output area at 1280 px wide measures about 1,050 px
MAX_FIGURE_PX = 1050


def _stderr_lines(outputs) -> list[str]:
    text = "".join(
        o.get("text", "")
        for o in outputs
        if o.get("output_type") == "stream" and o.get("name") == "stderr"
    )
    return text.splitlines()


def _png_widths(outputs) -> list[int]:
    widths = []
    for o in outputs:
        png = o.get("data", {}).get("image/png") if hasattr(o, "get") else None
        if png:
            # a PNG starts with its 8-byte signature and the IHDR chunk: width at bytes 16-20
            widths.append(struct.unpack(">I", base64.b64decode(png)[16:20])[0])
    return widths


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
        problems = cell_problems(outputs, cell.metadata.get("expected_stderr", ()))
        if problems:
            pytest.fail("\n".join(problems), pytrace=False)
    return result
