"""Profiles, seeds, argument checks and a stopwatch: the switches every notebook flips first.

Profiles
--------
Every notebook runs in one of two profiles:

* **full** (the default): the step counts a lecture shows, sized for minutes on a laptop CPU;
* **quick**: far fewer steps, so the whole test suite runs in a few minutes.

The quick profile is chosen by ONE environment variable, ``GAN_HELPERS_QUICK=1``; the test command
sets it. A notebook writes ``STEPS = choose(quick=300, full=6000)`` so a reader sees at a
glance what changes between the two.

Seeds
-----
A second variable, ``GAN_HELPERS_SEED`` (default 0), is the **base seed**. A notebook takes every
seed it uses from it: ``seed(0)``, ``seed(1)``, ... or ``seeds(5)`` for a sweep. With base seed 0
these are 0, 1, 2, ...; with base seed ``b`` they are ``100 b``, ``100 b + 1``, ... So one number
re-rolls every random choice of a notebook, and ``make test-seeds`` checks that every claim holds
for other base seeds, not only for the lucky one.

``set_seed(seed)`` seeds Python's ``random``, NumPy and TensorFlow/Keras and turns on TensorFlow's
deterministic ops, so that the same seed gives the same numbers twice on the same machine.
"""

from __future__ import annotations

import os
import random
import time
from typing import TypeVar

import numpy as np

QUICK_ENV_VAR = "GAN_HELPERS_QUICK"
SEED_ENV_VAR = "GAN_HELPERS_SEED"
SEEDS_PER_BASE = 100  # seed(i) = SEEDS_PER_BASE * base_seed() + i

T = TypeVar("T")


def check_int(name: str, value: object, minimum: int, hint: str = "") -> int:
    """``value`` as an ``int`` if it is an integer >= ``minimum``; else a ``ValueError`` saying so.

    ``hint`` ends the message with what to change. Booleans are refused (``True`` is an ``int`` in
    Python, but ``k=True`` is a mistake).
    """
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}. {hint}".rstrip())
    return int(value)


def is_quick() -> bool:
    """True when the quick profile is selected (``GAN_HELPERS_QUICK`` set to 1, true or yes)."""
    return os.environ.get(QUICK_ENV_VAR, "").strip().lower() in {"1", "true", "yes", "on"}


def choose(quick: T, full: T) -> T:
    """Return ``quick`` in the quick profile and ``full`` otherwise.

    >>> STEPS = choose(quick=300, full=6000)
    """
    return quick if is_quick() else full


def base_seed() -> int:
    """The base seed from ``GAN_HELPERS_SEED`` (0 when unset); a clear error if not a number."""
    text = os.environ.get(SEED_ENV_VAR, "").strip() or "0"
    try:
        value = int(text)
    except ValueError:
        raise ValueError(
            f"{SEED_ENV_VAR} must be a non-negative integer such as 0, 1 or 2, got {text!r}"
        ) from None
    return check_int(SEED_ENV_VAR, value, 0, "Use 0, 1, 2, ...")


def seed(i: int = 0) -> int:
    """The ``i``-th seed of a notebook: ``100 * base_seed() + i`` (just ``i`` for base seed 0)."""
    i = check_int("i", i, 0, f"Seeds are numbered 0 to {SEEDS_PER_BASE - 1}.")
    if i >= SEEDS_PER_BASE:
        raise ValueError(
            f"i must be below {SEEDS_PER_BASE}, got {i}: seeds of base seeds would overlap"
        )
    return SEEDS_PER_BASE * base_seed() + i


def seeds(n: int) -> list[int]:
    """``n`` distinct seeds for a sweep: ``[seed(0), ..., seed(n - 1)]``."""
    return [seed(i) for i in range(check_int("n", n, 1, "Ask for at least one seed."))]


def describe_profile() -> str:
    """One line saying which profile and base seed are active, and how to switch."""
    if is_quick():
        text = (
            f"profile: quick ({QUICK_ENV_VAR}=1): small step counts for tests; "
            f"unset {QUICK_ENV_VAR} for the full lecture profile"
        )
    else:
        text = (
            f"profile: full (the lecture results); set {QUICK_ENV_VAR}=1 before starting "
            "JupyterLab for the quick test profile"
        )
    return f"{text}; base seed {base_seed()} ({SEED_ENV_VAR})"


def set_seed(seed: int = 0, deterministic: bool = True) -> None:
    """Seed Python, NumPy, TensorFlow and Keras, and (by default) make TensorFlow ops deterministic.

    Call it at the top of a notebook and again before each experiment you want to repeat exactly:
    it resets the random state, so the same seed then builds the same initial weights and draws the
    same noise. Deterministic ops cost a little speed on a GPU and almost nothing on a CPU.
    """
    seed = check_int("seed", seed, 0, "Use a seed from gan_helpers.seed(i).")
    import keras
    import tensorflow as tf

    random.seed(seed)
    np.random.seed(seed)
    keras.utils.set_random_seed(seed)  # also seeds tf.random and Keras' own seed generator
    if deterministic:
        tf.config.experimental.enable_op_determinism()


def setup(i: int = 0) -> int:
    """A notebook's one setup line, ``SEED = gan_helpers.setup()``: returns ``seed(i)``.

    It applies the course's figure style (``plotting.use_course_style``), prints which profile
    and base seed are active (``describe_profile``), and seeds Python, NumPy, TensorFlow and Keras
    with ``seed(i)`` (``set_seed``). Importing ``gan_helpers`` has already imported TensorFlow
    without its explained start-up lines (``startup``).
    """
    from gan_helpers import plotting

    plotting.use_course_style()
    print(describe_profile())
    chosen = seed(i)
    set_seed(chosen)
    return chosen


class Timer:
    """A stopwatch for ``with`` blocks: ``with Timer() as t: ...`` then ``t.seconds``.

    Wall-clock time (``time.perf_counter``); while the block runs, ``t.seconds`` is the time so far.
    """

    def __init__(self) -> None:
        self.start = time.perf_counter()
        self.end: float | None = None

    def __enter__(self) -> Timer:
        self.start, self.end = time.perf_counter(), None
        return self

    def __exit__(self, *exc: object) -> None:
        self.end = time.perf_counter()

    @property
    def seconds(self) -> float:
        return (self.end if self.end is not None else time.perf_counter()) - self.start
