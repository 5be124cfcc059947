"""Notebook 07's exercises: right answers written differently, and typical wrong ones.

A row: ``Right("<exercise>", answer, "why")`` or ``Wrong("<exercise>", answer, "message")``
(see ``tests/exercises/answers/__init__.py``); add one line to ``RIGHT`` or ``WRONG``.
"""

import math

import numpy as np
import tensorflow as tf

from answers import Right, Wrong
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


def _change(theta, psi, h):
    """The change instead of the new point."""
    new = nb07.simultaneous_step(theta, psi, h)
    return tuple(after - before for after, before in zip(new, (theta, psi)))


def _s_and_slope(theta, psi):
    s = _sig(psi * theta)
    return s, s * (1 - s)


def _r1_no_product_rule(theta, psi, gamma):
    """s(psi theta) treated as a constant."""
    s = _sig(psi * theta)
    return np.array([[0.0, s], [-s, -gamma]])


def _r1_sigmoid_for_slope(theta, psi, gamma):
    """s written where its slope s (1 - s) belongs."""
    s = _sig(psi * theta)
    return np.array(
        [[psi**2 * s, s + psi * theta * s], [-s - psi * theta * s, -(theta**2) * s - gamma]]
    )


def _r1_jacobian_tf(theta, psi, gamma):
    """The hand-derived J written with tf ops, returned as a nested list of tensors."""
    s = tf.sigmoid(tf.constant(psi * theta, tf.float64))
    ds = s * (1 - s)
    return [[psi**2 * ds, s + psi * theta * ds], [-s - psi * theta * ds, -(theta**2) * ds - gamma]]


def _rate_of(path, start):
    d = np.linalg.norm(path, axis=1)
    steps = np.arange(int(start * len(d)), len(d))
    return float(np.exp(np.polyfit(steps, np.log(d[steps]), 1)[0]))


def _r1_rate_by(method, start=0.5):
    """The rate from the notebook's make_dirac_gan, with `method` steps, fitted from `start`."""
    from gan_helpers import lessons

    lesson = lessons.load("07_dirac_gan")

    def rate(gamma):
        path = lesson.make_dirac_gan(method, "R1")((1.0, 1.0), 600, lesson.H, gamma, lesson.SIGMA)
        return _rate_of(path, start)

    return rate


def _r1_rate_endpoints(gamma):
    """(|x_600| / |x_0|)^(1/600): the transient counted in."""
    from gan_helpers import lessons

    lesson = lessons.load("07_dirac_gan")
    path = lesson.make_dirac_gan("simultaneous", "R1")((1.0, 1.0), 600, lesson.H, gamma, 1.0)
    ends = np.linalg.norm(path[[0, -1]], axis=1)
    return (ends[1] / ends[0]) ** (1 / 600)


RIGHT = [
    # simultaneous_step
    Right("simultaneous_step", _float32, "float32 tapes, np.float32 results"),
    Right(
        "simultaneous_step",
        lambda theta, psi, h: np.array(nb07.simultaneous_step(theta, psi, h)),
        "a NumPy array of two",
        id="np.array",
    ),
    Right(
        "simultaneous_step",
        lambda theta, psi, h: [tf.constant(v) for v in nb07.simultaneous_step(theta, psi, h)],
        "a list of two scalar tensors",
        id="list_of_tensors",
    ),
    # doubling_steps: any real number type, within 10%
    Right("doubling_steps", 555, "an int"),
    Right("doubling_steps", 555.0, "a float"),
    Right("doubling_steps", np.int64(555), "a NumPy int64"),
    Right("doubling_steps", np.float32(555.2), "a NumPy float32"),
    Right("doubling_steps", 520, "within 10%, below"),
    Right("doubling_steps", 600, "within 10%, above"),
    # r1_jacobian: tf ops and nested lists; r1_rate: make_dirac_gan, fitted over the last 40%
    Right("r1_jacobian", _r1_jacobian_tf, "tf ops, a nested list of tensors"),
    Right("r1_rate", _r1_rate_by("simultaneous", 0.6), "the last 40% fitted", id="last_40"),
    Right(
        "r1_rate",
        lambda gamma: np.float32(nb07.r1_rate(gamma)),
        "a NumPy float32",
        id="float32",
    ),
]

WRONG = [
    # simultaneous_step
    Wrong("simultaneous_step", _alternating, "G saw ψ after D's step"),
    Wrong("simultaneous_step", _d_ascends, "ψ moved the wrong way"),
    Wrong("simultaneous_step", _wgan_field, "where is the factor sigmoid(ψθ)?"),
    Wrong("simultaneous_step", _non_saturating, "non-saturating"),
    Wrong(
        "simultaneous_step",
        lambda theta, psi, h: (theta, psi),
        "both players step from the same point",
        id="no_step",
    ),
    Wrong("simultaneous_step", lambda theta, psi, h: theta, "return a pair", id="theta_only"),
    # alternating the other way, G first
    Wrong("simultaneous_step", _g_first, "an alternating step, G first"),
    # the step size left out, or the notebook's H written in
    Wrong(
        "simultaneous_step",
        lambda theta, psi, h: nb07.simultaneous_step(theta, psi, 1.0),
        "your step has size 1",
        id="h_1",
    ),
    Wrong(
        "simultaneous_step",
        lambda theta, psi, h: nb07.simultaneous_step(theta, psi, 0.1),
        "use the argument h",
        id="h_0.1",
    ),
    Wrong(
        "simultaneous_step",
        lambda theta, psi, h: nb07.simultaneous_step(theta, psi, h)[::-1],
        "(psi, theta)",
        id="psi_theta",
    ),
    Wrong("simultaneous_step", _change, "not the new point"),
    # doubling_steps
    Wrong("doubling_steps", math.inf, "simultaneous steps spiral out"),
    Wrong("doubling_steps", 278, "did you double |x|²"),
    Wrong("doubling_steps", 139, "did you take f'(0) = 1?"),
    Wrong("doubling_steps", 100, "√(1 + h²f'(0)²)"),
    Wrong("doubling_steps", "555", "answer a number of steps"),
    # f'(0) taken as the sigmoid's slope 1/4
    Wrong("doubling_steps", 2218, "the slope of the sigmoid at 0"),
    # growth 1 + h/2 per step
    Wrong("doubling_steps", 14, "second order in h"),
    # an e-folding instead of a doubling
    Wrong("doubling_steps", 801, "factor^n = e"),
    Wrong("doubling_steps", 0, "a number of steps is positive"),
    Wrong("doubling_steps", "never", "answer a number of steps"),
    # r1_jacobian: the usual slips of the derivation
    Wrong(
        "r1_jacobian",
        lambda theta, psi, gamma: np.array([[0.0, 0.5], [-0.5, -gamma]]),
        "section 3's Jacobian at (0, 0)",
        id="at_origin",
    ),
    Wrong(
        "r1_jacobian",
        lambda theta, psi, gamma: nb07.r1_jacobian(theta, psi, 0.0),
        "the γ term is missing",
        id="no_gamma",
    ),
    Wrong(
        "r1_jacobian",
        lambda theta, psi, gamma: nb07.r1_jacobian(theta, psi, -gamma),
        "the γ term has the wrong sign",
        id="plus_gamma",
    ),
    Wrong(
        "r1_jacobian",
        lambda theta, psi, gamma: nb07.r1_jacobian(theta, psi, gamma).T,
        "your matrix is transposed",
        id="transposed",
    ),
    Wrong(
        "r1_jacobian",
        lambda theta, psi, gamma: -nb07.r1_jacobian(theta, psi, gamma),
        "the Jacobian of the losses",
        id="losses",
    ),
    Wrong("r1_jacobian", _r1_no_product_rule, "product rule"),
    Wrong("r1_jacobian", _r1_sigmoid_for_slope, "s'(u) = s(u)(1 − s(u))"),
    Wrong("r1_jacobian", lambda theta, psi, gamma: [0.0, 0.5], "2x2", id="a_vector"),
    # r1_rate: what is measured, and how
    Wrong("r1_rate", lambda gamma: nb07.r1_rate(gamma) ** 2, "|x|², not |x|", id="squared"),
    Wrong("r1_rate", lambda gamma: np.log(nb07.r1_rate(gamma)), "the log", id="log"),
    Wrong("r1_rate", lambda gamma: 1 / nb07.r1_rate(gamma), "you inverted", id="inverse"),
    Wrong("r1_rate", lambda gamma: nb07.r1_rate(0.5), "hand gamma to make_steps", id="gamma_0.5"),
    Wrong("r1_rate", _r1_rate_by("alternating"), "alternating steps", id="alternating"),
    Wrong("r1_rate", _r1_rate_endpoints, "the first steps are a transient"),
    Wrong("r1_rate", lambda gamma: None, "return one number", id="none"),
]
