"""Notebook 07's exercise checks reject typical wrong answers, each with its own message, and
accept right answers written in other ways (tests/exercises/test_solutions.py checks that the
reference solutions pass and the stubs say "not attempted yet")."""

import math

import numpy as np
import pytest
import tensorflow as tf

from gan_helpers import exercises
from solutions import nb07


def _sig(u):
    return 1 / (1 + math.exp(-u))


def _alternating(theta, psi, h):
    psi = psi - h * theta * _sig(psi * theta)
    return theta + h * psi * _sig(psi * theta), psi


def _g_first(theta, psi, h):
    theta = theta + h * psi * _sig(psi * theta)
    return theta, psi - h * theta * _sig(psi * theta)


def _d_ascends(theta, psi, h):
    s = _sig(psi * theta)
    return theta + h * psi * s, psi + h * theta * s


def _wgan_field(theta, psi, h):
    return theta + h * psi, psi - h * theta


def _non_saturating(theta, psi, h):
    return theta + h * psi * _sig(-psi * theta), psi - h * theta * _sig(psi * theta)


def _float32(theta, psi, h):
    """One tape per player in float32 (tf.Variable's default), np.float32 results."""
    t, p = tf.Variable(theta, dtype=tf.float32), tf.Variable(psi, dtype=tf.float32)
    with tf.GradientTape(persistent=True) as tape:
        g = -tf.nn.softplus(p * t)
        d = tf.nn.softplus(p * t) + tf.nn.softplus(tf.constant(0.0))
    g_grad, d_grad = tape.gradient(g, t), tape.gradient(d, p)
    return np.float32(t - h * g_grad), np.float32(p - h * d_grad)


@pytest.mark.parametrize(
    "right",
    [
        _float32,
        lambda theta, psi, h: np.array(nb07.simultaneous_step(theta, psi, h)),
        lambda theta, psi, h: [tf.constant(v) for v in nb07.simultaneous_step(theta, psi, h)],
    ],
)
def test_simultaneous_step_accepts_right_answers_written_differently(right):
    verdict = exercises.check_simultaneous_step(right, quiet=True)
    assert verdict.passed, verdict.message


@pytest.mark.parametrize(
    "answer, message",
    [
        (_alternating, "G saw ψ after D's step"),
        (_d_ascends, "ψ moved the wrong way"),
        (_wgan_field, "where is the factor sigmoid(ψθ)?"),
        (_non_saturating, "non-saturating"),
        (lambda theta, psi, h: (theta, psi), "both players step from the same point"),
        (lambda theta, psi, h: theta, "return a pair"),
        # new (issue 27): alternating the other way, G first
        (_g_first, "an alternating step, G first"),
        # new: the step size left out, or the notebook's H written in
        (lambda theta, psi, h: nb07.simultaneous_step(theta, psi, 1.0), "your step has size 1"),
        (lambda theta, psi, h: nb07.simultaneous_step(theta, psi, 0.1), "use the argument h"),
        # new: the pair in the wrong order
        (lambda theta, psi, h: nb07.simultaneous_step(theta, psi, h)[::-1], "(psi, theta)"),
        # new: the change instead of the new point
        (
            lambda theta, psi, h: tuple(
                new - old for new, old in zip(nb07.simultaneous_step(theta, psi, h), (theta, psi))
            ),
            "not the new point",
        ),
    ],
)
def test_simultaneous_step_rejects_typical_mistakes(answer, message):
    verdict = exercises.check_simultaneous_step(answer, quiet=True)
    assert verdict.status == "wrong" and message in verdict.message, verdict.message


@pytest.mark.parametrize("right", [555, 555.0, np.int64(555), np.float32(555.2), 520, 600])
def test_doubling_steps_accepts_any_real_number_type_within_ten_percent(right):
    verdict = exercises.check_doubling_steps(right, quiet=True)
    assert verdict.passed, verdict.message


@pytest.mark.parametrize(
    "answer, message",
    [
        (math.inf, "simultaneous steps spiral out"),
        (278, "did you double |x|²"),
        (139, "did you take f'(0) = 1?"),
        (100, "√(1 + h²f'(0)²)"),
        ("555", "answer a number of steps"),
        # new (issue 27): f'(0) taken as the sigmoid's slope 1/4
        (2218, "the slope of the sigmoid at 0"),
        # new: growth 1 + h/2 per step
        (14, "second order in h"),
        # new: an e-folding instead of a doubling
        (801, "factor^n = e"),
        # new: no step at all
        (0, "a number of steps is positive"),
        ("never", "answer a number of steps"),
    ],
)
def test_doubling_steps_rejects_typical_mistakes(answer, message):
    verdict = exercises.check_doubling_steps(answer, quiet=True)
    assert verdict.status == "wrong" and message in verdict.message, verdict.message
