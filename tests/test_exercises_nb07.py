"""Notebook 07's exercise checks reject typical mistakes, each with its own message
(tests/test_solutions.py checks that the reference solutions pass and the stubs say "not attempted
yet")."""

import math

import pytest

from gan_helpers import exercises


def _sig(u):
    return 1 / (1 + math.exp(-u))


def _alternating(theta, psi, h):
    psi = psi - h * theta * _sig(psi * theta)
    return theta + h * psi * _sig(psi * theta), psi


def _d_ascends(theta, psi, h):
    s = _sig(psi * theta)
    return theta + h * psi * s, psi + h * theta * s


def _wgan_field(theta, psi, h):
    return theta + h * psi, psi - h * theta


def _non_saturating(theta, psi, h):
    return theta + h * psi * _sig(-psi * theta), psi - h * theta * _sig(psi * theta)


@pytest.mark.parametrize(
    "answer, message",
    [
        (_alternating, "G saw ψ after D's step"),
        (_d_ascends, "ψ moved the wrong way"),
        (_wgan_field, "where is the factor sigmoid(ψθ)?"),
        (_non_saturating, "non-saturating"),
        (lambda theta, psi, h: (theta, psi), "both players step from the same point"),
        (lambda theta, psi, h: theta, "return a pair"),
    ],
)
def test_simultaneous_step_rejects_typical_mistakes(answer, message):
    verdict = exercises.check_simultaneous_step(answer, quiet=True)
    assert verdict.status == "wrong" and message in verdict.message, verdict.message


@pytest.mark.parametrize(
    "answer, message",
    [
        (math.inf, "simultaneous steps spiral out"),
        (278, "did you double |x|²"),
        (139, "did you take f'(0) = 1?"),
        (100, "√(1 + h²f'(0)²)"),
        ("555", "answer a number of steps"),
    ],
)
def test_doubling_steps_rejects_typical_mistakes(answer, message):
    verdict = exercises.check_doubling_steps(answer, quiet=True)
    assert verdict.status == "wrong" and message in verdict.message, verdict.message
