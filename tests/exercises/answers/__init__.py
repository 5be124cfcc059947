"""The table of answers that every exercise check is tested on: data only, no tests.

One module per notebook (``nb01.py`` ... ``nb08.py``, named like the checks' modules in
``gan_helpers/exercises/``), because each notebook's wrong answers need their own helpers (a
training step with one mistake, a penalty with one mistake) and because people add rows for
different notebooks at the same time: one file each keeps their edits apart. Each module defines
two lists:

* ``RIGHT``: answers the check must accept (``verdict.passed``), written differently from the
  reference solution (another API, another number type, another spelling), each with why it is
  right: ``Right("<exercise>", answer, "why it is right")``;
* ``WRONG``: typical mistakes the check must reject (status "wrong"), each with a fragment of the
  message it must give: ``Wrong("<exercise>", answer, "expected message fragment")``.

``<exercise>`` names the check ``exercises.check_<exercise>``. ``answer`` is what a learner
would pass to it: a function, or a value for a prediction. A check that takes more than the
answer gets them as ``args=(...)``. ``tests/exercises/test_wrong_answers.py`` runs every row.

**To add a row**, add one line to the list of the notebook's module, e.g. in ``nb07.py``::

    Wrong("doubling_steps", 278, "did you double |x|²"),
    Wrong("simultaneous_step", _g_first, "an alternating step, G first"),
    Wrong("simultaneous_step", lambda theta, psi, h: theta, "return a pair", id="theta_only"),
    Right("doubling_steps", np.float32(555.2), "a NumPy float32"),

Each row's test id is ``<notebook>-<exercise>-<label>`` (``nb07-simultaneous_step-g_first``). The
label comes from the answer: a value's repr (``278``, ``'Equal'``, ``np.float32(99.0)``), a
module-level function's name without its leading underscore. A lambda, a function built by a
factory (``_step(...)``) or a ``tf.function`` has no readable name: give it ``id="..."`` (the
row raises ``ValueError`` at import otherwise). Labels are unique per exercise and kind (tested).
A new check needs at least 2 ``WRONG`` rows (tested); a new notebook module ``nbNN.py`` is read
once ``gan_helpers.exercises.NOTEBOOKS`` names it. (``Wrong`` here is a row of this table, not
``gan_helpers.exercises.Wrong``, the exception a check raises.)
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from dataclasses import dataclass, field

from gan_helpers.exercises import NOTEBOOKS


def label_of(answer) -> str:
    """A short readable label for an answer: a value's repr, a named function's name."""
    if answer is None or isinstance(answer, (str, bool, int, float)):
        return repr(answer)
    if type(answer).__module__ == "numpy" and hasattr(answer, "tolist"):
        # a NumPy scalar's repr is np.float32(99.0); an array's is long: np.array([...])
        return repr(answer) if getattr(answer, "ndim", 1) == 0 else f"np.array({answer.tolist()})"
    if isinstance(answer, list):
        return f"[{', '.join(label_of(item) for item in answer)}]"
    if isinstance(answer, tuple):
        return f"({', '.join(label_of(item) for item in answer)}{',' if len(answer) == 1 else ''})"
    if type(answer).__name__ == "TensorShape":
        return repr(answer)
    if hasattr(answer, "numpy") and hasattr(answer, "dtype"):
        return f"tf.constant({answer.numpy().tolist()!r})"
    name = getattr(answer, "__qualname__", "")
    if callable(answer) and name and "<" not in name and type(answer).__name__ == "function":
        return name.lstrip("_")
    raise ValueError(f"{answer!r} has no readable label: give its row an id='...'")


@dataclass(frozen=True)
class Right:
    """An answer ``check_<exercise>`` must accept, and why it is right."""

    exercise: str
    answer: object
    why: str
    id: str | None = None
    args: tuple = field(default=())

    def __post_init__(self):
        object.__setattr__(self, "id", self.id or label_of(self.answer))


@dataclass(frozen=True)
class Wrong:
    """An answer ``check_<exercise>`` must reject, with a fragment of the message it must give."""

    exercise: str
    answer: object
    message: str
    id: str | None = None
    args: tuple = field(default=())

    def __post_init__(self):
        object.__setattr__(self, "id", self.id or label_of(self.answer))


def rows(kind: str) -> Iterator[tuple[str, Right | Wrong]]:
    """Every row of the lists named ``kind`` ("RIGHT" or "WRONG"), with its notebook."""
    for notebook in NOTEBOOKS:
        module = importlib.import_module(f"{__name__}.{notebook}")
        for row in getattr(module, kind):
            yield notebook, row
