"""Checks for the exercises at the end of notebooks 01-08: did I get it right, and if not, why?

Each exercise cell holds a stub and, on its last line, a check::

    def generator_loss(fake_logits):
        raise NotImplementedError("your code here")


    exercises.check_generator_loss(generator_loss)

A check runs your answer on small cases whose right answer it knows (it measures them, it does
not trust a stored number), then prints one line and returns a :class:`Verdict`:

* ``not attempted yet``: the stub is untouched (its only line raises
  ``NotImplementedError("your code here")``, or your prediction is still ``None``: ``is_stub``).
  Running the notebook as it comes never fails.
* ``wrong``: what is wrong, in plain words, and a question that points at the usual cause.
* ``correct``: what your answer got right.

The reference solutions are not in the notebooks: they live in ``solutions/`` (one module per
notebook, with a note per exercise), and ``make solutions`` writes the instructor's copies of the
notebooks with the stubs replaced by them. ``tests/exercises/test_solutions.py`` feeds every check
its reference solution (it must pass) and its stub (not attempted), and
``tests/exercises/test_wrong_answers.py`` feeds it the table of ``tests/exercises/answers/nbNN.py``:
right answers written differently (each must pass) and typical wrong answers (each must be
rejected, with its own message): a check that cannot fail would teach nothing.

The checks of notebook NN live in ``gan_helpers/exercises/nbNN.py``; a notebook calls them as
``exercises.check_<name>(...)``, found there by name. They are kept out of the course's reading
path: a student reads the notebooks and the core of ``gan_helpers``, not the wrong formulas a
check has to recognise.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

NOT_ATTEMPTED = "not attempted yet"
MARKS = {"correct": "✔", "wrong": "✘", NOT_ATTEMPTED: "…"}


@dataclass(frozen=True)
class Verdict:
    """What a check found: ``status`` is "correct", "wrong" or "not attempted yet"."""

    exercise: str
    status: str
    message: str

    @property
    def passed(self) -> bool:
        return self.status == "correct"

    def __str__(self) -> str:
        return f"{MARKS[self.status]} {self.exercise}: {self.status}. {self.message}".rstrip()

    def _ipython_display_(self) -> None:
        # a check on a cell's last line has printed its verdict already: show it once, not twice
        if not getattr(self, "printed", False):
            print(self)


class Wrong(Exception):
    """Raised inside a check body: the message says what is wrong with the learner's answer."""


def expect(condition: bool, message: str) -> None:
    """Reject the answer with ``message`` unless ``condition`` holds."""
    if not condition:
        raise Wrong(message)


def _first_line(error: BaseException, limit: int = 160) -> str:
    text = str(error).strip().splitlines()
    line = text[0] if text else ""
    return line if len(line) <= limit else line[: limit - 3] + "..."


def real_number(value) -> float | None:
    """Any real number (int, float, NumPy or TensorFlow scalar) as a float; None otherwise.

    A right answer is right whatever type holds it: ``3``, ``3.0``, ``np.float32(3)`` and a
    scalar tensor all count; a bool or a string does not.
    """
    import numbers

    import numpy as np

    if isinstance(value, (bool, np.bool_, str, bytes)) or value is None:
        return None
    if isinstance(value, numbers.Real):
        return float(value)
    try:
        array = np.asarray(value)
    except Exception:  # not array-like: not a number
        return None
    if array.ndim == 0 and array.dtype.kind in "fiu":
        return float(array)
    return None


def cause_then(cause: str, numbers: str) -> str:
    """A rejection: the most likely cause first, then the numbers that show it."""
    numbers = numbers[:1].upper() + numbers[1:]
    return f"{cause} {numbers}" if cause.endswith(("?", ".", "!")) else f"{cause}. {numbers}"


STUB_TEXT = "your code here"
"""What every function stub raises: ``raise NotImplementedError("your code here")``."""


def is_stub(answer) -> bool:
    """True for the cell as it comes: a prediction still ``None``, or a function whose only
    statement (after its docstring) is ``raise NotImplementedError("your code here")``.

    Read from the function's compiled code (the names it uses and its constants), so it works
    for a function defined in a notebook cell, a script or ``exec``. A real attempt that raises
    ``NotImplementedError`` (TensorFlow does, when NumPy meets a symbolic tensor inside a
    ``tf.function``) is not a stub: it is reported as wrong, with that error.
    """
    if answer is None:
        return True
    code = getattr(answer, "__code__", None)
    if code is None:
        return False
    return set(code.co_names) <= {"NotImplementedError"} and STUB_TEXT in code.co_consts


def _raised(error: BaseException) -> str:
    """One line saying what the learner's code raised, with the usual cause where there is one."""
    if isinstance(error, NotImplementedError) and "numpy" in str(error).lower():
        return (
            "your answer raised NotImplementedError: NumPy cannot read a tensor inside a compiled "
            "step (tf.function). Use tf operations (tf.reduce_mean, tf.nn.softplus, ...) instead "
            "of np.* or .numpy()"
        )
    return f"your answer raised {type(error).__name__}: {_first_line(error)}"


def check(exercise: str) -> Callable:
    """Turn ``body(answer, ...) -> success message`` into a check that never raises.

    The body calls the learner's answer on known cases and raises :class:`Wrong` (via
    :func:`expect`) with a message that teaches. Anything else the learner's code raises is
    reported as one plain line, not a traceback from deep inside TensorFlow.
    """

    def decorate(body: Callable[..., str]) -> Callable[..., Verdict]:
        @functools.wraps(body)
        def run(answer, *args, quiet: bool = False, **kwargs) -> Verdict:
            try:
                if is_stub(answer):
                    verdict = Verdict(
                        exercise, NOT_ATTEMPTED, "Write your answer, then run the cell."
                    )
                else:
                    verdict = Verdict(exercise, "correct", body(answer, *args, **kwargs) or "")
            except Wrong as error:
                verdict = Verdict(exercise, "wrong", str(error))
            except Exception as error:  # the learner's code failed: say how, in one line
                verdict = Verdict(exercise, "wrong", _raised(error))
            if not quiet:
                print(verdict)
                object.__setattr__(verdict, "printed", True)
            return verdict

        run.exercise = exercise
        return run

    return decorate


NOTEBOOKS = ("nb01", "nb02", "nb03", "nb04", "nb05", "nb06", "nb07", "nb08")
"""The modules of checks, one per notebook (``gan_helpers/exercises/nbNN.py``)."""


def __getattr__(name: str):
    """``exercises.check_<name>``: the check of that name, from the notebook's module."""
    import importlib

    if name.startswith("check_"):
        for module in NOTEBOOKS:
            found = getattr(importlib.import_module(f"{__name__}.{module}"), name, None)
            if found is not None:
                return found
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def all_checks() -> dict[str, Callable]:
    """Every check, by exercise name (``{"nonsaturating_loss": check_nonsaturating_loss}``)."""
    import importlib

    found = {}
    for module in NOTEBOOKS:
        loaded = importlib.import_module(f"{__name__}.{module}")
        found |= {
            value.exercise: value
            for key, value in vars(loaded).items()
            if key.startswith("check_") and hasattr(value, "exercise")
        }
    return found
