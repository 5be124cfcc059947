"""Reference solutions of the exercises of notebook 01 (a vanilla GAN on MNIST), section 9."""

import tensorflow as tf


def nonsaturating_loss(fake_logits):
    """-log D(G(z)) on logits: the batch mean of softplus(-fake_logits)."""
    return tf.reduce_mean(tf.nn.softplus(-fake_logits))


def smoothed_discriminator_loss(real_logits, fake_logits):
    """D's loss with one-sided label smoothing: real images carry the label 0.9, fakes 0."""
    real_term = 0.9 * tf.nn.softplus(-real_logits) + 0.1 * tf.nn.softplus(real_logits)
    return tf.reduce_mean(real_term) + tf.reduce_mean(tf.nn.softplus(fake_logits))


gradient_ratio = 99

larger_gradient_when_fooled = "minimax"

NOTES = {
    "nonsaturating_loss": (
        "Practises: writing -log D(G(z)) on logits as softplus(-logit). Typical mistakes: the "
        "minimax sign (-softplus(logit)), the fakes' label 0 (softplus(logit)), sigmoid then log "
        "(inf at logit -120), log(1 + exp(-logit)) (exp overflows), a clamp in any form (clipped "
        "probability, an eps in the log, clipped logits, Keras' BinaryCrossentropy without "
        "from_logits: no gradient at -120), a sum or a sum over a fixed 64 instead of a mean."
    ),
    "smoothed_discriminator_loss": (
        "Practises: cross-entropy with a soft label on logits, y softplus(-l) + (1 - y) "
        "softplus(l), and one-sided smoothing (Salimans et al. 2016). Typical mistakes: smoothing "
        "the fakes too, the label 0.1 for real images, Keras' label_smoothing=0.1 (real target "
        "0.95), dropping the (1 - y) term, sigmoid then log, clamped probabilities (flat at the "
        "extremes, on the real or the fake side), sums instead of means."
    ),
    "gradient_ratio": (
        "Practises: reading section 5's derivatives, -(1 - D) against -D, at D(G(z)) = 0.01: "
        "(1 - 0.01) / 0.01 = 99. Typical mistakes: 1 (same fixed point, so same gradient?), "
        "the inverse 0.01, 100 (1/D: the non-saturating slope taken as 1), 0.99 (one slope "
        "alone), 458 (the ratio of the losses' values), or about 10 (the '> 10' of the "
        "notebook's assert)."
    ),
    "larger_gradient_when_fooled": (
        "Practises: the other side of section 5: when D(G(z)) is near 1 the non-saturating "
        "gradient 1 - D is the small one. Typical mistake: 'non-saturating' by habit."
    ),
}
