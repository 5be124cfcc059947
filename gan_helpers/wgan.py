"""Wasserstein GAN plumbing for notebook 05: the critic losses, weight clipping and the gradient penalty.

A WGAN (Arjovsky et al., 2017) replaces the discriminator by a **critic** ``f`` with a linear
output (no sigmoid) and uses the Kantorovich-Rubinstein duality

    W(P_real, P_fake) = sup over 1-Lipschitz f of  E[f(x_real)] - E[f(x_fake)].

The critic maximises the gap ``E f(real) - E f(fake)``, which is then an estimate of the Wasserstein
distance (up to the Lipschitz constant K of the critic); the generator minimises ``-E f(fake)``.

The critic has to be kept (roughly) Lipschitz. Two recipes:

* **weight clipping** (the original paper): after every critic step clip every critic weight to
  ``[-c, c]`` (``clip_weights``);
* **gradient penalty** (WGAN-GP, Gulrajani et al., 2017): add ``lambda * (|grad_x f(x_hat)| - 1)^2``
  at random points ``x_hat`` on the segments between real and generated images
  (``gradient_penalty``).

The training steps themselves are written out in notebook 05; this module holds the pieces the
unit tests check (``tests/test_wgan.py``).
"""

from __future__ import annotations

from collections.abc import Sequence

import keras
import tensorflow as tf


# --- losses ---------------------------------------------------------------------------------------
def wasserstein_loss(y_true: tf.Tensor, y_pred: tf.Tensor) -> tf.Tensor:
    """``mean(y_true * y_pred)``: the Keras-style Wasserstein loss of the tutorials.

    With labels ``-1`` for real and ``+1`` for generated images, a critic minimising it on both batches
    minimises ``mean f(fake) - mean f(real)``, i.e. maximises the Wasserstein estimate.
    """
    return tf.reduce_mean(tf.cast(y_true, y_pred.dtype) * y_pred)


def critic_loss(real_scores: tf.Tensor, fake_scores: tf.Tensor) -> tf.Tensor:
    """What the critic minimises: ``mean f(fake) - mean f(real)`` (the negative Wasserstein estimate)."""
    return tf.reduce_mean(fake_scores) - tf.reduce_mean(real_scores)


def wasserstein_estimate(real_scores: tf.Tensor, fake_scores: tf.Tensor) -> tf.Tensor:
    """``mean f(real) - mean f(fake)``: the critic's estimate of W (times its Lipschitz constant)."""
    return tf.reduce_mean(real_scores) - tf.reduce_mean(fake_scores)


def generator_loss(fake_scores: tf.Tensor) -> tf.Tensor:
    """What the generator minimises: ``-mean f(fake)`` (make the critic score its images higher)."""
    return -tf.reduce_mean(fake_scores)


# --- weight clipping ------------------------------------------------------------------------------
def clip_weights(variables: Sequence[tf.Variable], c: float = 0.01) -> None:
    """Clip every variable in place to ``[-c, c]`` (call it after each critic update).

    Pass ``critic.trainable_variables``, as the paper's code clips the critic's parameters: that
    includes BatchNormalization's scale ``gamma`` (which starts at 1 and is therefore clipped to ``c``
    at the first call) and offset ``beta``, but not its moving statistics.
    """
    if not c > 0:
        raise ValueError(f"the clipping bound c must be positive, got {c!r}")
    variables = list(variables)
    if not variables or not all(isinstance(v, (tf.Variable, keras.Variable)) for v in variables):
        raise ValueError(
            "clip_weights needs a non-empty list of variables, e.g. critic.trainable_variables"
        )
    for v in variables:
        v.assign(tf.clip_by_value(v, -c, c))


def fraction_at_bound(variables: Sequence[tf.Variable], c: float, tolerance: float = 0.01) -> float:
    """Share of the weights whose magnitude lies within ``tolerance * c`` of the clipping bound ``c``."""
    total = at_bound = 0
    for v in variables:
        w = tf.abs(tf.reshape(tf.convert_to_tensor(v), [-1]))
        total += int(w.shape[0])
        at_bound += int(tf.reduce_sum(tf.cast(w >= (1 - tolerance) * c, tf.int32)))
    if total == 0:
        raise ValueError("no weights given")
    return at_bound / total


# --- gradient penalty -----------------------------------------------------------------------------
def interpolation_weights(
    batch_size: int, rng: tf.random.Generator | None = None, ndim: int = 4
) -> tf.Tensor:
    """One ``alpha ~ Uniform(0, 1)`` per sample, shaped ``(batch, 1, 1, 1)`` to broadcast over an image.

    Uniform, not normal: ``alpha * real + (1 - alpha) * fake`` must lie on the segment between the
    two images (a normal alpha lands outside it two times out of three).
    """
    shape = [batch_size] + [1] * (ndim - 1)
    if rng is None:
        return tf.random.uniform(shape, 0.0, 1.0)
    return rng.uniform(shape, 0.0, 1.0)


def gradient_penalty(
    critic: keras.Model,
    real: tf.Tensor,
    fake: tf.Tensor,
    weight: float = 10.0,
    alpha: tf.Tensor | None = None,
    eps: float = 1e-12,
    rng: tf.random.Generator | None = None,
) -> tf.Tensor:
    """WGAN-GP penalty ``weight * mean((|grad_x f(x_hat)| - 1)^2)`` at random interpolates ``x_hat``.

    Args:
        critic: maps images to one score each; must not use BatchNormalization (the penalty is per
            sample; batch statistics would couple the samples).
        real, fake: batches of the same shape (batch, H, W, C).
        weight: lambda, 10 in the paper.
        alpha: interpolation weights, shape (batch, 1, 1, 1); drawn from Uniform(0, 1) if None.
        eps: added under the square root, ``sqrt(sum g^2 + eps)``: the gradient of a plain norm is
            ``g / |g|``, which is 0/0 = NaN when a sample's input gradient is exactly zero (a dead
            ReLU region, a constant critic); the eps keeps it finite.
        rng: a ``tf.random.Generator`` for alpha (reproducible); else the global TF seed.

    Call it inside the critic's ``GradientTape``: the penalty is differentiated with respect to the
    critic's weights (a gradient of a gradient).
    """
    real = tf.convert_to_tensor(real)
    fake = tf.convert_to_tensor(fake, dtype=real.dtype)
    if real.shape.rank is None or real.shape.rank < 2 or real.shape != fake.shape:
        raise ValueError(
            f"real and fake must be batches of the same shape, got {real.shape} and {fake.shape}"
        )
    if alpha is None:
        alpha = interpolation_weights(tf.shape(real)[0], rng, ndim=real.shape.rank)
    x_hat = alpha * real + (1.0 - alpha) * fake
    with tf.GradientTape() as tape:
        tape.watch(x_hat)
        scores = critic(x_hat, training=True)
    grads = tape.gradient(scores, x_hat)
    sq = tf.reduce_sum(tf.square(grads), axis=list(range(1, real.shape.rank)))
    norms = tf.sqrt(sq + eps)
    return weight * tf.reduce_mean(tf.square(norms - 1.0))


def input_gradient_norms(
    critic: keras.Model, images: tf.Tensor, training: bool = False
) -> tf.Tensor:
    """``|grad_x f(x)|`` for each image: how steep the critic is there (1 for an ideal WGAN-GP critic).

    ``training=True`` runs BatchNormalization with batch statistics, as during training.
    """
    x = tf.convert_to_tensor(images)
    with tf.GradientTape() as tape:
        tape.watch(x)
        scores = critic(x, training=training)
    g = tape.gradient(scores, x)
    return tf.sqrt(tf.reduce_sum(tf.square(g), axis=list(range(1, x.shape.rank))))
