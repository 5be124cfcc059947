"""GAN losses, written on the discriminator's *logits* so that no log ever sees a 0.

The discriminator outputs a logit ``l``; its probability that the input is real is
``D = sigmoid(l)``. The identities that make everything numerically safe are

    -log(sigmoid(l))     = softplus(-l)
    -log(1 - sigmoid(l)) = softplus(l)

``softplus`` is finite for every finite ``l``, whereas ``log(sigmoid(l))`` in float32 becomes
``log(0) = -inf`` as soon as ``l < -104``. Older hand-written loops worked on probabilities and had to
clamp them (``clip(D, eps, 1 - eps)``) before taking the log; ``clamped_log`` shows that approach.

The value function of the game (Goodfellow et al., 2014) is

    V(D, G) = E_x[log D(x)] + E_z[log(1 - D(G(z)))]

D maximises V; G minimises it. Each function below returns a scalar to *minimise*.
"""

from __future__ import annotations

import tensorflow as tf

GENERATOR_LOSSES = ("non-saturating", "minimax")


def discriminator_loss(real_logits: tf.Tensor, fake_logits: tf.Tensor) -> tf.Tensor:
    """-V for D: mean of ``-log D(x) - log(1 - D(G(z)))`` = ``softplus(-real) + softplus(fake)``."""
    return tf.reduce_mean(tf.nn.softplus(-real_logits)) + tf.reduce_mean(
        tf.nn.softplus(fake_logits)
    )


def generator_loss_minimax(fake_logits: tf.Tensor) -> tf.Tensor:
    """The loss from the minimax game: G minimises ``log(1 - D(G(z))) = -softplus(fake)``.

    It *saturates*: when D confidently rejects the fakes (D(G(z)) near 0, as early in training),
    its gradient with respect to the logit, ``-sigmoid(l)``, is near zero and G barely learns.
    """
    return -tf.reduce_mean(tf.nn.softplus(fake_logits))


def generator_loss_nonsaturating(fake_logits: tf.Tensor) -> tf.Tensor:
    """The non-saturating loss: G minimises ``-log D(G(z)) = softplus(-fake)``.

    Same fixed point as the minimax loss, but its gradient with respect to the logit,
    ``-sigmoid(-l)``, is near -1 exactly when D(G(z)) is near 0: strong when G is worst.
    """
    return tf.reduce_mean(tf.nn.softplus(-fake_logits))


def generator_loss(fake_logits: tf.Tensor, kind: str = "non-saturating") -> tf.Tensor:
    """Dispatch on ``kind``: ``"non-saturating"`` (the default in practice) or ``"minimax"``."""
    if kind == "non-saturating":
        return generator_loss_nonsaturating(fake_logits)
    if kind == "minimax":
        return generator_loss_minimax(fake_logits)
    raise ValueError(f"generator loss must be one of {GENERATOR_LOSSES}, got {kind!r}")


def clamped_log(p: tf.Tensor, eps: float = 1e-7) -> tf.Tensor:
    """``log(clip(p, eps, 1 - eps))``: the old trick for losses computed on probabilities.

    Without the clamp, a discriminator that outputs exactly 0 or 1 (float32 sigmoid saturates at
    |logit| > ~17 for 1 and > ~104 for 0) produces ``log(0) = -inf`` and then NaN gradients.
    """
    return tf.math.log(tf.clip_by_value(p, eps, 1.0 - eps))
