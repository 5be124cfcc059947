"""Notebook 05's exercises: right answers written differently, and typical wrong ones.

A row: ``Right("<exercise>", answer, "why")`` or ``Wrong("<exercise>", answer, "message")``
(see ``tests/exercises/answers/__init__.py``); add one line to ``RIGHT`` or ``WRONG``.
"""

import math

import keras
import numpy as np
import tensorflow as tf
from scipy.stats import norm

import gan_helpers
from answers import Right, Wrong
from solutions import nb05


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


def _numpy_penalty(critic, real, fake, weight=10.0):
    """The right number, computed through NumPy: no gradient reaches the critic's weights."""
    return tf.constant(nb05.wgan_gp_penalty(critic, real, fake, weight).numpy())


def _stopped_penalty(critic, real, fake, weight=10.0):
    """The right number, its gradient stopped."""
    return tf.stop_gradient(nb05.wgan_gp_penalty(critic, real, fake, weight))


def _fake_first(critic, real, fake, weight=10.0):
    """x_hat = alpha * fake + (1 - alpha) * real: the same distribution of points."""
    return nb05.wgan_gp_penalty(critic, fake, real, weight)


def _float64(critic, real, fake, weight=10.0):
    return tf.cast(_penalty(axes=(1, 2, 3), eps=1e-10)(critic, real, fake, weight), tf.float64)


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


def _without_batchnorm(critic):
    """BatchNormalization's gamma and beta left out."""
    return [
        v
        for layer in critic.layers
        if not isinstance(layer, keras.layers.BatchNormalization)
        for v in layer.trainable_variables
    ]


def _w1_by_erf(mean, std):
    b = abs(std - 1)
    if b == 0:
        return abs(mean)
    folded = mean * math.erf(mean / (b * math.sqrt(2)))
    return folded + b * math.sqrt(2 / math.pi) * math.exp(-(mean**2) / (2 * b**2))


def _w1_sum(mean, std):
    """Shift plus spread: the triangle inequality's bound."""
    return abs(mean) + abs(std - 1) * math.sqrt(2 / math.pi)


def _w1_signed_b(mean, std):
    """The folded normal's formula with b = std - 1 left signed."""
    b = std - 1
    if b == 0:
        return abs(mean)
    return mean * (1 - 2 * norm.cdf(-mean / b)) + 2 * b * norm.pdf(mean / b)


def _w1_divides_by_b(mean, std):
    """No case for std = 1: 0 / 0."""
    b = abs(std - 1)
    return mean * (1 - 2 * norm.cdf(-mean / b)) + 2 * b * norm.pdf(mean / b)


def _critic(gp_weight=10.0, clipped=False, returns="w_estimate", steps=400):
    """w1_by_critic with one mistake: the penalty's weight, clipping, what it returns, steps."""
    from gan_helpers import lessons

    def w1_by_critic(mean, std, seed):
        wgan = lessons.load("05_wgan")
        gan_helpers.set_seed(seed)
        G = keras.Sequential([keras.Input((wgan.NOISE_DIM,)), keras.layers.Dense(1)])
        kernel = np.zeros((wgan.NOISE_DIM, 1), "float32")
        kernel[0, 0] = std
        G.layers[0].set_weights([kernel, np.array([mean], "float32")])
        C = keras.Sequential(
            [keras.Input((1,))]
            + [keras.layers.Dense(64, activation="relu") for _ in range(2)]
            + [keras.layers.Dense(1)]
        )
        real = np.random.default_rng(seed).normal(size=(4096, 1)).astype("float32")
        rng = tf.random.Generator.from_seed(seed)
        if clipped:
            opt = keras.optimizers.RMSprop(wgan.RMSPROP_LR)
            d_step, _ = wgan.make_clip_steps(G, C, None, opt, real, rng, batch_size=256)
        else:
            opt = keras.optimizers.Adam(1e-3, beta_1=0.5, beta_2=0.9)
            d_step, _ = wgan.make_gp_steps(G, C, None, opt, real, rng, gp_weight, batch_size=256)
        loop = wgan.TrainingLoop(d_step, lambda: {"held": tf.constant(0.0)}, k=1)
        history = loop.train(steps, chunk=min(steps, 100), verbose=False)
        return history.mean_of_last(min(steps, 100))[returns]

    return w1_by_critic


RIGHT = [
    # wgan_gp_penalty
    Right(
        "wgan_gp_penalty",
        tf.function(nb05.wgan_gp_penalty),
        "compiled: the check's random draws work inside a tf.function",
        id="tf_function",
    ),
    Right("wgan_gp_penalty", _fake_first, "alpha on the fakes: the same distribution of points"),
    Right("wgan_gp_penalty", _float64, "another eps, a float64 result"),
    # clip_critic
    Right(
        "clip_critic",
        _clip(lambda C: C.trainable_weights),
        "trainable_weights are the trainable variables",
        id="trainable_weights",
    ),
    Right(
        "clip_critic",
        _clip(clip=lambda v, c: np.where(np.abs(v) > c, np.sign(v) * c, v)),
        "NumPy's where, assigned back",
        id="np_where",
    ),
    Right(
        "clip_critic",
        _clip(clip=lambda v, c: tf.minimum(tf.maximum(v, -c), c)),
        "a minimum of a maximum",
        id="min_max",
    ),
    # w1_gaussians: another spelling of the folded normal; w1_by_critic: a float32
    Right("w1_gaussians", _w1_by_erf, "math.erf and math.exp, a positive b written out"),
    Right(
        "w1_by_critic",
        lambda mean, std, seed: np.float32(nb05.w1_by_critic(mean, std, seed)),
        "a NumPy float32",
        id="float32",
    ),
]

WRONG = [
    # wgan_gp_penalty
    Wrong(
        "wgan_gp_penalty",
        _penalty(lambda real: tf.random.normal([real.shape[0], 1, 1, 1])),
        "normal distribution",
        id="normal_alpha",
    ),
    Wrong(
        "wgan_gp_penalty",
        _penalty(lambda real: tf.random.uniform(real.shape)),
        "pixels of one image",
        id="alpha_per_pixel",
    ),
    Wrong(
        "wgan_gp_penalty",
        _penalty(lambda real: 0.5 * tf.ones([real.shape[0], 1, 1, 1])),
        "the same alpha",
        id="alpha_0.5",
    ),
    Wrong(
        "wgan_gp_penalty",
        _penalty(lambda real: tf.random.uniform([real.shape[0], 1, 1, 1]) ** 2),
        "uniform",
        id="alpha_squared",
    ),
    Wrong("wgan_gp_penalty", _penalty(reduce="norm"), "penalise |grad f| itself", id="norm"),
    Wrong(
        "wgan_gp_penalty",
        _penalty(reduce="squared norm"),
        "instead of (|grad f| - 1)^2",
        id="squared_norm",
    ),
    Wrong(
        "wgan_gp_penalty",
        _penalty(reduce="batch norm"),
        "one norm for the whole batch",
        id="batch_norm",
    ),
    Wrong("wgan_gp_penalty", _penalty(use_weight=False), "the weight is missing", id="no_weight"),
    Wrong("wgan_gp_penalty", _penalty(eps=0.0), "Add a small eps", id="no_eps"),
    Wrong(
        "wgan_gp_penalty",
        lambda critic, real, fake, weight=10.0: np.float32(4 * weight),
        "never called critic",
        id="constant",
    ),
    # the same alphas on every call, two ways
    Wrong("wgan_gp_penalty", _same_alphas_every_call, "the same alphas on every call"),
    Wrong("wgan_gp_penalty", _numpy_alphas, "the same alphas on every call"),
    Wrong(
        "wgan_gp_penalty",
        _penalty(lambda real: tf.random.uniform([])),
        "every sample got the same alpha",
        id="one_alpha",
    ),
    # the norm leaves the channel axis out (caught on images with 2 channels)
    Wrong(
        "wgan_gp_penalty",
        _penalty(axes=(1, 2)),
        "leaves out the channel axis",
        id="axes_1_2",
    ),
    Wrong("wgan_gp_penalty", _penalty(axes=(-1,)), "over the last axis only", id="last_axis"),
    Wrong("wgan_gp_penalty", _penalty(of_mean=True), "the MEAN score", id="of_mean_score"),
    # GP_WEIGHT instead of the weight argument (caught at weight 2.5)
    Wrong(
        "wgan_gp_penalty",
        _penalty(weight_used=10.0),
        "you ignore the weight argument",
        id="weight_10",
    ),
    Wrong("wgan_gp_penalty", _penalty(reduce="one-sided"), "one-sided", id="one_sided"),
    Wrong("wgan_gp_penalty", _penalty(reduce="sum"), "you sum over the batch", id="sum"),
    # the notebook's batch size hard-coded in alpha's shape
    Wrong(
        "wgan_gp_penalty",
        _penalty(lambda real: tf.random.uniform([32, 1, 1, 1])),
        "is alpha's shape hard-coded",
        id="batch_32",
    ),
    Wrong("wgan_gp_penalty", _without_watch, "tape.watch(x_hat)"),
    # the right number, without a gradient
    Wrong("wgan_gp_penalty", _numpy_penalty, "carries no gradient"),
    Wrong("wgan_gp_penalty", _stopped_penalty, "carries no gradient"),
    # clip_critic
    Wrong("clip_critic", _clip(assign=False), "returns a new tensor", id="not_assigned"),
    Wrong(
        "clip_critic",
        _clip(lambda C: C.weights),
        "moving mean and variance changed",
        id="all_weights",
    ),
    Wrong(
        "clip_critic",
        _clip(clip=lambda v, c: tf.clip_by_value(v, 0.0, c)),
        "not to [0, c]",
        id="0_to_c",
    ),
    Wrong(
        "clip_critic",
        _clip(clip=lambda v, c: tf.clip_by_value(v, -0.01, 0.01)),
        "not to the constant CLIP",
        id="constant_0.01",
    ),
    Wrong(
        "clip_critic",
        _clip(lambda C: [v for v in C.trainable_variables if "kernel" in v.path]),
        "still beyond",
        id="kernels_only",
    ),
    Wrong(
        "clip_critic",
        _clip(clip=lambda v, c: v * c / tf.reduce_max(tf.abs(v))),
        "rescale whole tensors",
        id="rescaled",
    ),
    # the bounds swapped: every weight at +c, a frozen critic (an older check blamed "[0, c]")
    Wrong(
        "clip_critic",
        _clip(clip=lambda v, c: tf.clip_by_value(v, c, -c)),
        "the critic is frozen",
        id="bounds_swapped",
    ),
    Wrong("clip_critic", _clip(clip=lambda v, c: tf.sign(v) * c), "no sign(v) * c", id="sign"),
    Wrong("clip_critic", _set_weights, "critic.get_weights()"),
    Wrong(
        "clip_critic",
        _clip(_without_batchnorm),
        "Not clipped: BatchNormalization gamma, BatchNormalization beta",
        id="without_batchnorm",
    ),
    Wrong(
        "clip_critic",
        _clip(clip=lambda v, c: tf.clip_by_norm(v, c)),
        "tf.clip_by_norm",
        id="clip_by_norm",
    ),
    # an older check's c = 0.05 hard-coded
    Wrong(
        "clip_critic",
        _clip(clip=lambda v, c: tf.clip_by_value(v, -0.05, 0.05)),
        "still beyond c = 0.02",
        id="constant_0.05",
    ),
    # w1_gaussians: the usual slips of the derivation
    Wrong("w1_gaussians", lambda mean, std: abs(mean), "dropped the spread", id="shift_only"),
    Wrong("w1_gaussians", _w1_sum, "the triangle inequality's bound"),
    Wrong("w1_gaussians", lambda mean, std: math.hypot(mean, std - 1), "that is W2", id="w2"),
    Wrong(
        "w1_gaussians",
        lambda mean, std: abs(mean) + abs(std - 1),
        "E|Z| = √(2/π)",
        id="abs_z_1",
    ),
    Wrong("w1_gaussians", _w1_signed_b, "needs |b|"),
    Wrong(
        "w1_gaussians",
        lambda mean, std: nb05.w1_gaussians(mean, std**2),
        "you used the variance",
        id="variance",
    ),
    Wrong("w1_gaussians", _w1_divides_by_b, "ZeroDivisionError"),
    # w1_by_critic: the penalty left out, a clipped critic, the loss returned, no training
    Wrong("w1_by_critic", _critic(gp_weight=0.0), "far above W1", id="no_penalty"),
    Wrong("w1_by_critic", _critic(clipped=True), "near 0", id="clipped"),
    Wrong("w1_by_critic", _critic(returns="d_loss"), "the critic's loss", id="d_loss"),
    Wrong("w1_by_critic", _critic(steps=1), "near 0", id="one_step"),
    Wrong("w1_by_critic", lambda mean, std, seed: "2.0", "return one number", id="string"),
]
