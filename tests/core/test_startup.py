"""TensorFlow's start-up lines (gan_helpers.startup) and the notebook-output checks using them."""

import base64
import importlib.util
import io
import os
import subprocess
import sys
from pathlib import Path

import matplotlib.pyplot as plt

from gan_helpers import plotting, startup

REPO = Path(__file__).resolve().parents[2]
START_BLOCK = """\
WARNING: All log messages before absl::InitializeLog() is called are written to STDERR
I0000 00:00:1796064449.293868   31592 port.cc:153] oneDNN custom operations are on. You may see...
I0000 00:00:1796064449.295367   31592 cudart_stub.cc:31] Could not find cuda drivers on your \
machine, GPU will not be used.
E0000 00:00:1796064452.438145   31592 cuda_platform.cc:52] failed call to cuInit: INTERNAL: CUDA \
error: Failed call to cuInit: UNKNOWN ERROR (303)
"""


def _notebook_checks():
    spec = importlib.util.spec_from_file_location("nb_checks", REPO / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _png(width_in: float) -> str:
    fig = plt.figure(figsize=(width_in, 1), dpi=100)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode()


def test_every_line_of_the_start_block_is_explained_and_others_are_not():
    assert startup.unexplained(START_BLOCK) == []
    odd = "E0000 00:00:1.0 meta_optimizer.cc:967] remapper failed: INVALID_ARGUMENT"
    assert startup.unexplained(START_BLOCK + odd + "\n") == [odd]


def test_importing_gan_helpers_prints_no_unexplained_line():
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    code = "import gan_helpers, tensorflow as tf; print(float(tf.constant(1.0) + 1))"
    run = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 0 and run.stdout.strip() == "2.0", run.stderr
    assert run.stderr.strip() == "", f"unexpected stderr: {run.stderr}"


def test_notebook_check_rejects_unexplained_stderr_and_wide_figures():
    checks = _notebook_checks()
    stderr = {"output_type": "stream", "name": "stderr", "text": START_BLOCK}
    assert checks.cell_problems([stderr]) == []
    odd = {"output_type": "stream", "name": "stderr", "text": "something odd\n"}
    assert "unexplained stderr line: 'something odd'" in checks.cell_problems([odd])[0]
    assert checks.cell_problems([odd], expected_stderr=["^something"]) == []
    narrow = {"output_type": "display_data", "data": {"image/png": _png(plotting.FIGURE_WIDTH)}}
    wide = {"output_type": "display_data", "data": {"image/png": _png(13)}}
    assert checks.cell_problems([narrow]) == []
    assert "figure 1300 px wide" in checks.cell_problems([wide])[0]
