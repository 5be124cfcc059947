"""Two checks that nbval makes on every notebook cell it runs (``make test``), with no second run.

* **No unexplained red text.** Each line a cell writes to stderr must be explained: TensorFlow's
  start-up lines (``gan_helpers.startup.KNOWN_LINES``, printed with their meaning in notebook 00),
  or a line the notebook shows on purpose, listed as regular expressions in that cell's metadata
  ``"expected_stderr": [...]`` (notebook 02 shows Keras's own warnings, for example).
* **Figures a projector can show.** Each PNG a cell displays is at most ``MAX_FIGURE_PX`` wide, so
  JupyterLab shows it at its natural size (course style: ``gan_helpers.plotting``). Every figure is
  also saved as ``artifacts/figures/<notebook>-cell<N>-<k>.png``, exactly as JupyterLab shows it,
  to look at what changed without running anything again (``artifacts/`` is not committed).

**The kernel a learner gets.** nbval's kernels would inherit pytest's ``PYTEST_CURRENT_TEST``, and
ipykernel then stops forwarding what C and C++ code write to the process's stderr (TensorFlow's
own log lines, for example) to the notebook: a learner in JupyterLab sees those lines in red, the
test would not. So the kernels start without pytest's variables (``start_like_jupyterlab``), and
the first check above sees every line a learner sees.

It also keeps what the run produced, so that nothing runs twice: each notebook that ran in full
is written to ``build/executed/<profile>/`` with every cell's outputs and the kernel's measured
cost (wall time, CPU time, peak RSS), and the site and the slides are built from those copies
(``course/executed.py``).

It sits at the top of the repository, not in ``notebooks/``: pytest finds it there all the same,
and a learner's notebook folder holds notebooks only (the notebooks' ruff settings are the hidden
``notebooks/.ruff.toml``).
"""

from __future__ import annotations

import base64
import os
import re
import struct
import time
from pathlib import Path

import nbval.kernel
import pytest

from course import executed
from gan_helpers import startup

# a JupyterLab output area at 1280 px wide measures about 1,050 px
MAX_FIGURE_PX = 1050
FIGURES = Path(__file__).resolve().parent / "artifacts" / "figures"


_start_new_kernel = nbval.kernel.start_new_kernel


def start_like_jupyterlab(*args, **kwargs):
    """nbval's kernel start, with the environment of a kernel JupyterLab starts.

    Without pytest's ``PYTEST_*`` variables (see above), and without ``MPLBACKEND``: the unit
    tests set it to Agg (``tests/conftest.py``), and a kernel that inherits it draws its figures
    nowhere (ipykernel picks the inline backend only when ``MPLBACKEND`` is unset), so ``make
    test`` would check no figure and keep executed copies without them.
    """
    hidden = ("PYTEST_", "MPLBACKEND")
    env = {k: v for k, v in os.environ.items() if not k.startswith(hidden)}
    kwargs.setdefault("env", env)
    return _start_new_kernel(*args, **kwargs)


nbval.kernel.start_new_kernel = start_like_jupyterlab


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


def _start_recording(notebook) -> None:
    """Keep every kernel message nbval reads for this notebook (nbval keeps no outputs)."""
    if hasattr(notebook, "recorded"):
        return
    notebook.recorded, notebook.outputs, notebook.passed = [], {}, True
    notebook.started = time.monotonic()
    read = notebook.get_kernel_message

    def read_and_keep(*args, **kwargs):
        msg = read(*args, **kwargs)
        notebook.recorded.append(msg)
        return msg

    notebook.get_kernel_message = read_and_keep


def _cell_outputs(messages: list[dict]) -> list[dict]:
    """The outputs of the cell nbval just ran, from the messages read while it ran."""
    request = next(
        (m["parent_header"].get("msg_id") for m in messages if m["msg_type"] == "execute_input"),
        None,
    )
    mine = [m for m in messages if m["parent_header"].get("msg_id") == request]
    return executed.outputs_from_messages(mine)


def _kernel_cost(notebook) -> dict:
    """Wall time of the run; CPU time and peak RSS of the kernel process (Linux /proc)."""
    cost = {"wall_s": round(time.monotonic() - notebook.started, 1)}
    try:
        pid = notebook.kernel.km.provisioner.pid
        status = Path(f"/proc/{pid}/status").read_text()
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks = sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")
        peak_kb = int(re.search(r"VmHWM:\s+(\d+)", status).group(1))
        cost.update(cpu_s=round(ticks, 1), peak_rss_mb=round(peak_kb / 1024))
    except (AttributeError, OSError, ValueError):
        pass
    return cost


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    notebook = item.parent if hasattr(item, "cell_num") else None
    if notebook is not None:
        _start_recording(notebook)
        first = len(notebook.recorded)
    try:
        result = yield
    except pytest.skip.Exception:
        raise
    except BaseException:
        if notebook is not None:
            notebook.passed = False
        raise
    finally:
        if notebook is not None:
            notebook.outputs[item.cell_num] = _cell_outputs(notebook.recorded[first:])
    outputs = getattr(item, "test_outputs", None)
    cell = getattr(item, "cell", None)
    if outputs is not None and cell is not None:
        FIGURES.mkdir(parents=True, exist_ok=True)
        for k, png in enumerate(_pngs(outputs)):
            name = f"{Path(item.path).stem}-cell{item.cell_num:02d}-{k}.png"
            (FIGURES / name).write_bytes(png)
        problems = cell_problems(outputs, cell.metadata.get("expected_stderr", ()))
        if problems:
            notebook.passed = False
            pytest.fail("\n".join(problems), pytrace=False)
    return result


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_teardown(item, nextitem):
    """After a notebook's last cell, before nbval stops its kernel: save the executed copy."""
    notebook = item.parent if hasattr(item, "cell_num") else None
    if notebook is None or not hasattr(notebook, "outputs"):
        return
    if nextitem is not None and nextitem.parent is notebook:
        return
    code_cells = sum(c.cell_type == "code" for c in notebook.nb.cells)
    if len(notebook.outputs) == code_cells:
        cost = _kernel_cost(notebook)
        executed.write(Path(notebook.path), notebook.outputs, notebook.passed, cost)
