"""The exercises of notebook 05: each check rejects typical wrong answers, each with its own
message (tests/test_solutions.py checks that the reference solutions pass and the stubs say
"not attempted yet")."""

import numpy as np
import pytest
import tensorflow as tf

from gan_helpers import exercises
from solutions import nb05


def _verdict(check, answer):
    return check(answer, quiet=True)


def _penalty(alpha_of=None, reduce="right", eps=1e-12, use_weight=True):
    """A gradient penalty with one mistake: how alpha is drawn, or how the norms are reduced."""

    def penalty(critic, real, fake, weight=10.0):
        batch = real.shape[0]
        alpha = tf.random.uniform([batch, 1, 1, 1]) if alpha_of is None else alpha_of(real)
        x_hat = alpha * real + (1.0 - alpha) * fake
        with tf.GradientTape() as tape:
            tape.watch(x_hat)
            scores = critic(x_hat, training=True)
        grads = tape.gradient(scores, x_hat)
        squares = tf.reduce_sum(tf.square(grads), axis=[1, 2, 3])
        norms = tf.sqrt(squares + eps)
        value = {
            "right": tf.reduce_mean(tf.square(norms - 1.0)),
            "norm": tf.reduce_mean(norms),
            "squared norm": tf.reduce_mean(squares),
            "batch norm": tf.square(tf.sqrt(tf.reduce_sum(squares)) - 1.0),
        }[reduce]
        return weight * value if use_weight else value

    return penalty


@pytest.mark.parametrize(
    "wrong, message",
    [
        (_penalty(lambda real: tf.random.normal([real.shape[0], 1, 1, 1])), "normal distribution"),
        (_penalty(lambda real: tf.random.uniform(real.shape)), "pixels of one image"),
        (_penalty(lambda real: 0.5 * tf.ones([real.shape[0], 1, 1, 1])), "the same alpha"),
        (_penalty(lambda real: tf.random.uniform([real.shape[0], 1, 1, 1]) ** 2), "uniform"),
        (_penalty(reduce="norm"), "penalising |grad f| itself"),
        (_penalty(reduce="squared norm"), "instead of (|grad f| - 1)^2"),
        (_penalty(reduce="batch norm"), "one norm for the whole batch"),
        (_penalty(use_weight=False), "the weight is missing"),
        (_penalty(eps=0.0), "Add a small eps"),
        (lambda critic, real, fake, weight=10.0: np.float32(4 * weight), "never called critic"),
    ],
)
def test_wgan_gp_penalty_rejects(wrong, message):
    verdict = _verdict(exercises.check_wgan_gp_penalty, wrong)
    assert verdict.status == "wrong" and message in verdict.message, verdict


def _numpy_penalty(critic, real, fake, weight=10.0):
    """The right number, computed through NumPy: no gradient reaches the critic's weights."""
    return tf.constant(nb05.wgan_gp_penalty(critic, real, fake, weight).numpy())


def test_wgan_gp_penalty_rejects_a_penalty_without_gradient():
    verdict = _verdict(exercises.check_wgan_gp_penalty, _numpy_penalty)
    assert verdict.status == "wrong" and "carries no gradient" in verdict.message, verdict


def _clip(variables_of=lambda C: C.trainable_variables, clip=None, assign=True):
    def clip_critic(critic, c=0.01):
        for v in variables_of(critic):
            new = tf.clip_by_value(v, -c, c) if clip is None else clip(v, c)
            if assign:
                v.assign(new)

    return clip_critic


@pytest.mark.parametrize(
    "wrong, message",
    [
        (_clip(assign=False), "returns a new tensor"),
        (_clip(lambda C: C.weights), "moving mean and variance changed"),
        (_clip(clip=lambda v, c: tf.clip_by_value(v, 0.0, c)), "not to [0, c]"),
        (_clip(clip=lambda v, c: tf.clip_by_value(v, -0.01, 0.01)), "not CLIP"),
        (_clip(lambda C: [v for v in C.trainable_variables if "kernel" in v.path]), "still beyond"),
        (_clip(clip=lambda v, c: v * c / tf.reduce_max(tf.abs(v))), "rescale whole tensors"),
    ],
)
def test_clip_critic_rejects(wrong, message):
    verdict = _verdict(exercises.check_clip_critic, wrong)
    assert verdict.status == "wrong" and message in verdict.message, verdict


@pytest.mark.parametrize(
    "wrong, message",
    [
        (("under 5%", "under 5%"), "measured 8"),
        (("over 50%", "over 50%"), "gamma starts at 1"),
        (("5% to 50%", "under 5%"), "Glorot uniform"),
        (("80%", "0%"), "write a pair of answers"),
        ("over 50%", "write a pair of answers"),
    ],
)
def test_share_at_clip_bound_rejects(wrong, message):
    verdict = _verdict(exercises.check_share_at_clip_bound, wrong)
    assert verdict.status == "wrong" and message in verdict.message, verdict
