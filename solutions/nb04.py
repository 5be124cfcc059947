"""Reference solutions of the exercises of notebook 04 (DCGAN on MNIST), section 8."""

import tensorflow as tf

from gan_helpers import lessons

discriminator_loss = lessons.load("01_vanilla_gan_mnist").discriminator_loss


def discriminator_step(G, D, d_opt, real, z):
    """One D step on a real batch and noise z; return {"d_loss": the loss before the update}."""
    fake = G(z, training=True)
    with tf.GradientTape() as tape:
        loss = discriminator_loss(D(real, training=True), D(fake, training=True))
    grads = tape.gradient(loss, D.trainable_variables)
    d_opt.apply_gradients(zip(grads, D.trainable_variables))
    return {"d_loss": loss}


upsampled_shape = (30, 30, 1)

smoothed_loss_floor = 0.325

NOTES = {
    "discriminator_step": (
        "Practises: section 4's step shape: one tape, D's loss on real and G(z, training=True) "
        "logits, gradients of D.trainable_variables only, applied by d_opt. Typical mistakes: "
        "differentiating (or applying to) G's variables too, forgetting apply_gradients, real and "
        "fake logits swapped, fakes drawn in inference mode, D called without training=True (its "
        "Dropout off), an optimizer built inside the step, the gradients applied twice, new "
        "noise instead of z, the loss recomputed after the update, a loss on the real batch only."
    ),
    "upsampled_shape": (
        "Practises: the output size of Conv2DTranspose: padding 'same' gives in * stride, 'valid' "
        "(in - 1) * stride + kernel; channels = filters. 7 -> 14 -> (14 - 1) * 2 + 4 = 30. "
        "Typical mistakes: (28, 28, 1) ('valid' treated like 'same'), (32, 32, 1) (in * stride + "
        "kernel), (31, 31, 1) (the first kernel), (36, 36, 1) (both 'valid'), 32 channels, "
        "channels first, a batch axis."
    ),
    "smoothed_loss_floor": (
        "Practises: section 7a's claim that label smoothing hides D's collapse: with target 0.9 "
        "the loss is lowest at D(x) = 0.9 and equals the target's entropy, 0.325 nats. Typical "
        "mistakes: 0 (as without smoothing), -log 0.9 = 0.105 (forgetting the 0.1 part), one of "
        "the two terms alone (0.095, 0.230), bits (0.469), ln 2, two decimals (0.33)."
    ),
}
