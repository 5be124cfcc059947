"""Notebook 05's exercise checks reject typical wrong answers, each with its own message, and
accept right answers written in other ways (tests/exercises/test_solutions.py checks that the
reference solutions pass and the stubs say "not attempted yet")."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from gan_helpers import exercises
from solutions import nb05


def _verdict(check, answer):
    return check(answer, quiet=True)


def _penalty(
    alpha_of=None,
    reduce="right",
    eps=1e-12,
    use_weight=True,
    axes=(1, 2, 3),
    of_mean=False,
    weight_used=None,
):
    """A gradient penalty with one mistake: how alpha is drawn, the norm's axes, what the tape
    differentiates, how the norms are reduced, the weight."""

    def penalty(critic, real, fake, weight=10.0):
        batch = real.shape[0]
        alpha = tf.random.uniform([batch, 1, 1, 1]) if alpha_of is None else alpha_of(real)
        x_hat = alpha * real + (1.0 - alpha) * fake
        with tf.GradientTape() as tape:
            tape.watch(x_hat)
            scores = critic(x_hat, training=True)
            if of_mean:
                scores = tf.reduce_mean(scores)
        grads = tape.gradient(scores, x_hat)
        squares = tf.reduce_sum(tf.square(grads), axis=list(axes))
        norms = tf.sqrt(squares + eps)
        value = {
            "right": tf.reduce_mean(tf.square(norms - 1.0)),
            "norm": tf.reduce_mean(norms),
            "squared norm": tf.reduce_mean(squares),
            "batch norm": tf.square(tf.sqrt(tf.reduce_sum(squares)) - 1.0),
            "one-sided": tf.reduce_mean(tf.square(tf.nn.relu(norms - 1.0))),
            "sum": tf.reduce_sum(tf.square(norms - 1.0)),
        }[reduce]
        factor = weight if weight_used is None else weight_used
        return factor * value if use_weight else value

    return penalty


def _same_alphas_every_call(critic, real, fake, weight=10.0):
    """A stateless draw with a constant seed: the same alphas on every call."""
    alpha = tf.random.stateless_uniform([tf.shape(real)[0], 1, 1, 1], seed=[1, 2])
    return _penalty(alpha_of=lambda r: alpha)(critic, real, fake, weight)


def _numpy_alphas(critic, real, fake, weight=10.0):
    """NumPy's generator seeded inside the function: the same alphas on every call."""
    alpha = np.random.default_rng(0).uniform(size=(real.shape[0], 1, 1, 1)).astype("float32")
    return _penalty(alpha_of=lambda r: alpha)(critic, real, fake, weight)


def _without_watch(critic, real, fake, weight=10.0):
    alpha = tf.random.uniform([tf.shape(real)[0], 1, 1, 1])
    x_hat = alpha * real + (1.0 - alpha) * fake
    with tf.GradientTape() as tape:
        scores = critic(x_hat, training=True)
    grads = tape.gradient(scores, x_hat)
    return weight * tf.reduce_mean((tf.norm(tf.reshape(grads, [len(real), -1]), axis=1) - 1) ** 2)


@pytest.mark.parametrize(
    "right",
    [
        tf.function(nb05.wgan_gp_penalty),
        # x_hat = alpha * fake + (1 - alpha) * real: the same distribution of points
        lambda critic, real, fake, weight=10.0: nb05.wgan_gp_penalty(critic, fake, real, weight),
        # tf.norm after flattening, a float64 result
        lambda critic, real, fake, weight=10.0: tf.cast(
            _penalty(axes=(1, 2, 3), eps=1e-10)(critic, real, fake, weight), tf.float64
        ),
    ],
)
def test_wgan_gp_penalty_accepts_right_answers_written_differently(right):
    verdict = _verdict(exercises.check_wgan_gp_penalty, right)
    assert verdict.passed, verdict


@pytest.mark.parametrize(
    "wrong, message",
    [
        (_penalty(lambda real: tf.random.normal([real.shape[0], 1, 1, 1])), "normal distribution"),
        (_penalty(lambda real: tf.random.uniform(real.shape)), "pixels of one image"),
        (_penalty(lambda real: 0.5 * tf.ones([real.shape[0], 1, 1, 1])), "the same alpha"),
        (_penalty(lambda real: tf.random.uniform([real.shape[0], 1, 1, 1]) ** 2), "uniform"),
        (_penalty(reduce="norm"), "penalise |grad f| itself"),
        (_penalty(reduce="squared norm"), "instead of (|grad f| - 1)^2"),
        (_penalty(reduce="batch norm"), "one norm for the whole batch"),
        (_penalty(use_weight=False), "the weight is missing"),
        (_penalty(eps=0.0), "Add a small eps"),
        (lambda critic, real, fake, weight=10.0: np.float32(4 * weight), "never called critic"),
        # new (issue 27): the same alphas on every call, two ways
        (_same_alphas_every_call, "the same alphas on every call"),
        (_numpy_alphas, "the same alphas on every call"),
        # new: one random alpha for the whole batch
        (_penalty(lambda real: tf.random.uniform([])), "every sample got the same alpha"),
        # new: the norm leaves the channel axis out (caught on images with 2 channels)
        (_penalty(axes=(1, 2)), "leaves out the channel axis"),
        # new: the norm over the last axis only
        (_penalty(axes=(-1,)), "over the last axis only"),
        # new: the gradient of the mean score
        (_penalty(of_mean=True), "the MEAN score"),
        # new: GP_WEIGHT instead of the weight argument (caught at weight 2.5)
        (_penalty(weight_used=10.0), "you ignore the weight argument"),
        # new: a one-sided penalty
        (_penalty(reduce="one-sided"), "one-sided"),
        # new: summed over the batch
        (_penalty(reduce="sum"), "you sum over the batch"),
        # new: the notebook's batch size hard-coded in alpha's shape
        (_penalty(lambda real: tf.random.uniform([32, 1, 1, 1])), "is alpha's shape hard-coded"),
        # new: no tape.watch
        (_without_watch, "tape.watch(x_hat)"),
    ],
)
def test_wgan_gp_penalty_rejects(wrong, message):
    verdict = _verdict(exercises.check_wgan_gp_penalty, wrong)
    assert verdict.status == "wrong" and message in verdict.message, verdict


def _numpy_penalty(critic, real, fake, weight=10.0):
    """The right number, computed through NumPy: no gradient reaches the critic's weights."""
    return tf.constant(nb05.wgan_gp_penalty(critic, real, fake, weight).numpy())


def _stopped_penalty(critic, real, fake, weight=10.0):
    """new (issue 27): the right number, its gradient stopped."""
    return tf.stop_gradient(nb05.wgan_gp_penalty(critic, real, fake, weight))


@pytest.mark.parametrize("wrong", [_numpy_penalty, _stopped_penalty])
def test_wgan_gp_penalty_rejects_a_penalty_without_gradient(wrong):
    verdict = _verdict(exercises.check_wgan_gp_penalty, wrong)
    assert verdict.status == "wrong" and "carries no gradient" in verdict.message, verdict


def _clip(variables_of=lambda C: C.trainable_variables, clip=None, assign=True):
    def clip_critic(critic, c=0.01):
        for v in variables_of(critic):
            new = tf.clip_by_value(v, -c, c) if clip is None else clip(v, c)
            if assign:
                v.assign(new)

    return clip_critic


def _set_weights(critic, c=0.01):
    """get_weights() holds BatchNormalization's moving statistics too."""
    critic.set_weights([np.clip(w, -c, c) for w in critic.get_weights()])


@pytest.mark.parametrize(
    "right",
    [
        _clip(lambda C: C.trainable_weights),
        _clip(clip=lambda v, c: np.where(np.abs(v) > c, np.sign(v) * c, v)),
        _clip(clip=lambda v, c: tf.minimum(tf.maximum(v, -c), c)),
    ],
)
def test_clip_critic_accepts_right_answers_written_differently(right):
    verdict = _verdict(exercises.check_clip_critic, right)
    assert verdict.passed, verdict


@pytest.mark.parametrize(
    "wrong, message",
    [
        (_clip(assign=False), "returns a new tensor"),
        (_clip(lambda C: C.weights), "moving mean and variance changed"),
        (_clip(clip=lambda v, c: tf.clip_by_value(v, 0.0, c)), "not to [0, c]"),
        (_clip(clip=lambda v, c: tf.clip_by_value(v, -0.01, 0.01)), "not to the constant CLIP"),
        (_clip(lambda C: [v for v in C.trainable_variables if "kernel" in v.path]), "still beyond"),
        (_clip(clip=lambda v, c: v * c / tf.reduce_max(tf.abs(v))), "rescale whole tensors"),
        # new (issue 27): the bounds swapped: every weight at +c, a frozen critic (the old check
        # blamed "[0, c]")
        (_clip(clip=lambda v, c: tf.clip_by_value(v, c, -c)), "the critic is frozen"),
        # new: every weight set to the bound
        (_clip(clip=lambda v, c: tf.sign(v) * c), "no sign(v) * c"),
        # new: get_weights / set_weights clip the moving statistics
        (_set_weights, "critic.get_weights()"),
        # new: BatchNormalization's gamma and beta left out
        (
            _clip(
                lambda C: [
                    v
                    for layer in C.layers
                    if not isinstance(layer, keras.layers.BatchNormalization)
                    for v in layer.trainable_variables
                ]
            ),
            "Not clipped: BatchNormalization gamma, BatchNormalization beta",
        ),
        # new: tf.clip_by_norm rescales whole tensors
        (_clip(clip=lambda v, c: tf.clip_by_norm(v, c)), "tf.clip_by_norm"),
        # new: the old check's c = 0.05 hard-coded
        (_clip(clip=lambda v, c: tf.clip_by_value(v, -0.05, 0.05)), "still beyond c = 0.02"),
    ],
)
def test_clip_critic_rejects(wrong, message):
    verdict = _verdict(exercises.check_clip_critic, wrong)
    assert verdict.status == "wrong" and message in verdict.message, verdict


@pytest.mark.parametrize(
    "right", [("over 50%", "under 5%"), ["Over 50%", "UNDER 5 %"], ("over 50 %", "under 5%")]
)
def test_share_at_clip_bound_accepts_any_spelling(right):
    verdict = _verdict(exercises.check_share_at_clip_bound, right)
    assert verdict.passed, verdict


@pytest.mark.parametrize(
    "wrong, message",
    [
        (("under 5%", "under 5%"), "% at c = 0.01 and"),
        (("over 50%", "over 50%"), "gamma starts at 1"),
        (("5% to 50%", "under 5%"), "Glorot uniform"),
        (("80%", "0%"), "write a pair of answers"),
        ("over 50%", "write a pair of answers"),
        # new (issue 27): each wrong half gets its own cause first
        (("over 50%", "5% to 50%"), "at c = 0.1 the kernels' Glorot limits"),
        (("under 5%", "over 50%"), "the other way round"),
        (("5% to 50%", "5% to 50%"), "at c = 0.01 most fresh weights start beyond the bound"),
        ((0.8, 0.001), "write a pair of answers"),
    ],
)
def test_share_at_clip_bound_rejects(wrong, message):
    verdict = _verdict(exercises.check_share_at_clip_bound, wrong)
    assert verdict.status == "wrong" and message in verdict.message, verdict


def test_a_compiled_right_penalty_is_right_after_the_notebooks_set_seed():
    """gan_helpers.setup() sets a global seed: a tf.function penalty must still pass."""
    import gan_helpers

    gan_helpers.set_seed(0)
    verdict = exercises.check_wgan_gp_penalty(tf.function(nb05.wgan_gp_penalty), quiet=True)
    assert verdict.passed, verdict
