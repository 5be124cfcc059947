"""Checks for the exercises at the end of notebooks 01-08: did I get it right, and if not, why?

Each exercise cell holds a stub and, on its last line, a check::

    def generator_loss(fake_logits):
        raise NotImplementedError("your code here")


    exercises.check_generator_loss(generator_loss)

A check runs your answer on small cases whose right answer it knows (it measures them, it does
not trust a stored number), then prints one line and returns a :class:`Verdict`:

* ``not attempted yet``: the stub is untouched (it raises ``NotImplementedError``, or your
  prediction is still ``None``). Running the notebook as it comes never fails.
* ``wrong``: what is wrong, in plain words, and a question that points at the usual cause.
* ``correct``: what your answer got right.

The reference solutions are not in the notebooks: they live in ``solutions/`` (one module per
notebook, with a note per exercise), and ``make solutions`` writes the instructor's copies of the
notebooks with the stubs replaced by them. ``tests/test_exercises.py`` feeds every check its
reference solution (it must pass) and typical wrong answers (each must be rejected, with its own
message): a check that cannot fail would teach nothing.
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
                if answer is None:
                    raise NotImplementedError
                verdict = Verdict(exercise, "correct", body(answer, *args, **kwargs) or "")
            except NotImplementedError:
                verdict = Verdict(exercise, NOT_ATTEMPTED, "Write your answer, then run the cell.")
            except Wrong as error:
                verdict = Verdict(exercise, "wrong", str(error))
            except Exception as error:  # the learner's code failed: say how, in one line
                verdict = Verdict(
                    exercise,
                    "wrong",
                    f"your answer raised {type(error).__name__}: {_first_line(error)}",
                )
            if not quiet:
                print(verdict)
            return verdict

        run.exercise = exercise
        return run

    return decorate


# ---- notebook 01 ------------------------------------------------------------------------------

# ---- notebook 02 ------------------------------------------------------------------------------

# ---- notebook 03 ------------------------------------------------------------------------------

# ---- notebook 04 ------------------------------------------------------------------------------

# ---- notebook 05 ------------------------------------------------------------------------------

# ---- notebook 06 ------------------------------------------------------------------------------

# ---- notebook 07 ------------------------------------------------------------------------------

# ---- notebook 08 ------------------------------------------------------------------------------
