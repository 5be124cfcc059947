"""Profiles and seeds: the two switches every notebook flips first.

Profiles
--------
Every notebook runs in one of two profiles:

* **full** (the default): the step counts a lecture shows, sized to finish in minutes on a laptop CPU;
* **quick**: far fewer steps, so the whole test suite runs in a few minutes.

The quick profile is chosen by ONE environment variable, ``GAN_HELPERS_QUICK=1``; the test command
sets it. A notebook writes ``STEPS = choose(quick=300, full=6000)`` so a reader sees at a glance what
changes between the two.

Seeds
-----
``set_seed(seed)`` seeds Python's ``random``, NumPy and TensorFlow/Keras and turns on TensorFlow's
deterministic ops, so that the same seed gives the same numbers twice on the same machine.
"""

from __future__ import annotations

import os
import random
from typing import TypeVar

import numpy as np

QUICK_ENV_VAR = "GAN_HELPERS_QUICK"

T = TypeVar("T")


def is_quick() -> bool:
    """True when the quick profile is selected (``GAN_HELPERS_QUICK`` set to 1, true or yes)."""
    return os.environ.get(QUICK_ENV_VAR, "").strip().lower() in {"1", "true", "yes", "on"}


def profile_name() -> str:
    """``"quick"`` or ``"full"``."""
    return "quick" if is_quick() else "full"


def choose(quick: T, full: T) -> T:
    """Return ``quick`` in the quick profile and ``full`` otherwise.

    >>> STEPS = choose(quick=300, full=6000)
    """
    return quick if is_quick() else full


def describe_profile() -> str:
    """One line saying which profile is active and how to switch."""
    if is_quick():
        return (f"profile: quick ({QUICK_ENV_VAR}=1): small step counts for tests; "
                f"unset {QUICK_ENV_VAR} for the full lecture profile")
    return (f"profile: full (the lecture results); set {QUICK_ENV_VAR}=1 before starting "
            "JupyterLab for the quick test profile")


def set_seed(seed: int = 0, deterministic: bool = True) -> None:
    """Seed Python, NumPy, TensorFlow and Keras, and (by default) make TensorFlow ops deterministic.

    Call it at the top of a notebook and again before each experiment you want to repeat exactly:
    it resets the random state, so the same seed then builds the same initial weights and draws the
    same noise. Deterministic ops cost a little speed on a GPU and almost nothing on a CPU.
    """
    if not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    import keras
    import tensorflow as tf

    random.seed(int(seed))
    np.random.seed(int(seed))
    keras.utils.set_random_seed(int(seed))  # also seeds tf.random and Keras' own seed generator
    if deterministic:
        tf.config.experimental.enable_op_determinism()
