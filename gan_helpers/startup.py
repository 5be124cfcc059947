"""TensorFlow's start-up lines: what each one means, and an import that leaves out the known ones.

On a machine without a GPU, ``import tensorflow`` with TensorFlow 2.21 prints a block of red lines
under the first cell, and prints it **twice**. None of them is a problem, but a learner cannot know
that. Where they come from (measured with TensorFlow 2.21 on Linux):

* TensorFlow logs with Abseil, and Abseil writes every message logged before
  ``absl::InitializeLog()`` to stderr whatever its level, so ``TF_CPP_MIN_LOG_LEVEL`` cannot hide
  them (abseil-cpp pull request 1957 would change that).
* The block appears once when TensorFlow's core library loads (``_pywrap_cpu_feature_guard``) and
  once more when its profiler plugin loads (``_pywrap_profiler_plugin``), which carries its own
  copy of that start-up code.
* The first use of a device adds the ``cuInit`` line: the wheel supports GPUs, finds no driver,
  and uses the CPU.

One more line would come later, while notebooks 04, 05 and 08 train: ``remapper failed:
INVALID_ARGUMENT ... LeakyReluGrad``. Grappler, TensorFlow's graph optimizer, has a pass (the
"remapper") that fuses Conv2D + BiasAdd + LeakyRelu into one operation. In a training step the
gradient of LeakyReLU still needs the unfused BiasAdd output, so the pass fails, logs that error and
leaves the graph as it was. ``import_tensorflow()`` switches that pass off, which removes the line
and changes nothing in the training graphs (the pass was undone there anyway; docs/results.md).

``import_tensorflow()`` (run by ``import gan_helpers``) imports TensorFlow and lists its devices
with stderr sent to a temporary file, then writes back every line that is NOT one of the
``KNOWN_LINES`` below: anything new or unexpected still shows. To see everything TensorFlow
says, set ``TF_CPP_MIN_LOG_LEVEL`` to 0 or 1 before ``import gan_helpers``. Notebook 00 prints
this table, and the notebook tests fail on any stderr line that is not explained in it.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from typing import NamedTuple


class KnownLine(NamedTuple):
    """One start-up line: how it looks, a regular expression that finds it, what it means."""

    looks_like: str
    pattern: str
    meaning: str


KNOWN_LINES = (
    KnownLine(
        "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR",
        r"All log messages before absl::InitializeLog\(\) is called are written to STDERR",
        "Abseil, TensorFlow's logger, prints what follows before its log level is read",
    ),
    KnownLine(
        "I0000 ... port.cc:153] oneDNN custom operations are on. ...",
        r"port\.cc:\d+\] oneDNN custom operations are on",
        "Intel's oneDNN speeds up CPU maths; sums may differ in the last digits (not between runs)",
    ),
    KnownLine(
        "I0000 ... cudart_stub.cc:31] Could not find cuda drivers on your machine, ...",
        r"cudart_stub\.cc:\d+\] Could not find cuda drivers on your machine",
        "this TensorFlow can use an NVIDIA GPU; there is none here, so it uses the CPU",
    ),
    KnownLine(
        "E0000 ... util.cc:131] oneDNN supports DT_INT32 only on platforms with AVX-512. ...",
        r"util\.cc:\d+\] oneDNN supports DT_INT32 only on platforms with AVX-512",
        "an operation on integers runs in TensorFlow's own code (Eigen), not Intel's oneDNN: "
        "the same result (notebook 07 prints it once, while it trains)",
    ),
    KnownLine(
        "E0000 ... cuda_platform.cc:52] failed call to cuInit: ... UNKNOWN ERROR (303)",
        r"cuda_platform\.cc:\d+\] failed call to cuInit: .*(UNKNOWN ERROR \(303\)|NO_DEVICE)",
        "the same, at the first use of a device: the CUDA library finds no driver or no GPU",
    ),
    KnownLine(
        "E0000 ... node_def_util.cc:682] NodeDef mentions attribute use_unbounded_threadpool ...",
        r"node_def_util\.cc:\d+\] NodeDef mentions attribute use_unbounded_threadpool",
        "model.predict() after set_seed: deterministic ops make tf.data run Keras' parallel map "
        "as a plain one, which lacks that setting; it is ignored, the results are the same "
        "(the course calls models directly, model(x), which is also quicker for small inputs)",
    ),
    KnownLine(
        "I0000 ... device_compiler.h:196] Compiled cluster using XLA!  This line is logged ...",
        r"device_compiler\.h:\d+\] Compiled cluster using XLA!",
        "a training step built with jit_compile=True (notebook 03's toy) was compiled by XLA; "
        "TensorFlow 2.20 (Colab's) logs it once, 2.21 does not",
    ),
)
"""TensorFlow's start-up lines that are explained, so ``import_tensorflow`` leaves them out."""


def is_known(line: str) -> bool:
    """True if ``line`` is one of TensorFlow's explained start-up lines, or blank."""
    return not line.strip() or any(re.search(known.pattern, line) for known in KNOWN_LINES)


def unexplained(text: str) -> list[str]:
    """The lines of ``text`` that ``KNOWN_LINES`` does not explain."""
    return [line for line in text.splitlines() if not is_known(line)]


def import_tensorflow() -> None:
    """Import TensorFlow, find its devices and switch the remapper off, writing to stderr only
    the lines that ``KNOWN_LINES`` does not explain.

    Nothing is filtered when TensorFlow was imported before, or when ``TF_CPP_MIN_LOG_LEVEL`` is
    0 or 1 (you asked for TensorFlow's INFO or WARNING messages).
    """
    # level 2: no INFO or WARNING from TensorFlow's C++ logger once it is set up; errors still show
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    if "tensorflow" not in sys.modules and os.environ["TF_CPP_MIN_LOG_LEVEL"] not in ("0", "1"):
        _import_quietly()
    import tensorflow as tf

    tf.config.optimizer.set_experimental_options({"remapping": False})


def _import_quietly() -> None:
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as captured:
        os.dup2(captured.fileno(), 2)
        try:
            import tensorflow as tf

            tf.config.list_physical_devices()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        captured.seek(0)
        text = captured.read().decode(errors="replace")
    for line in unexplained(text):
        print(line, file=sys.stderr)
