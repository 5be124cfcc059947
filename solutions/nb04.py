"""Reference solutions of the exercises of notebook 04 (DCGAN on MNIST), section 8."""

import keras
import tensorflow as tf

import gan_helpers
from gan_helpers import lessons

discriminator_loss = lessons.load("01_vanilla_gan_mnist").discriminator_loss
# the notebook's own names, which the instructor's copy uses as they stand
_dcgan = lessons.load("04_dcgan_mnist")
make_generator, make_discriminator = _dcgan.make_generator, _dcgan.make_discriminator
make_steps, LEARNING_RATE = _dcgan.make_steps, _dcgan.LEARNING_RATE


def discriminator_step(G, D, d_opt, real, z):
    """One D step on a real batch and noise z; return {"d_loss": the loss before the update}."""
    fake = G(z, training=True)
    with tf.GradientTape() as tape:
        loss = discriminator_loss(D(real, training=True), D(fake, training=True))
    grads = tape.gradient(loss, D.trainable_variables)
    d_opt.apply_gradients(zip(grads, D.trainable_variables))
    return {"d_loss": loss}


def fast_discriminator_curve(images, d_lr, steps=10, batch_size=16, seed=0):
    """Train a fresh DCGAN for `steps` steps, D at learning rate d_lr; D(G(z)) at each step."""
    gan_helpers.set_seed(seed)
    G, D = make_generator(), make_discriminator()
    g_opt = keras.optimizers.Adam(LEARNING_RATE, beta_1=0.5)
    d_opt = keras.optimizers.Adam(d_lr, beta_1=0.5)
    rng = tf.random.Generator.from_seed(seed)
    d_step, g_step = make_steps(G, D, g_opt, d_opt, images, rng, batch_size=batch_size)
    curve = []
    for _ in range(steps):
        curve.append(float(d_step()["d_fake"]))
        g_step()
    return curve


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
    "fast_discriminator_curve": (
        "Practises: a small training run with the notebook's own builders and make_steps, and "
        "reading section 7's failure off one number: with D's learning rate 50 times G's, "
        "D(G(z)) falls from 1/2 to a few hundredths within about 5 steps, while with equal rates "
        "it stays near 1/2 (the check compares each step with its own run on the same seed). "
        "Typical mistakes: d_lr given to G's optimizer (make_steps takes g_opt first) or not used "
        "at all, SGD instead of Adam (D then wins at neither rate: Adam's step is about the "
        "learning rate whatever the gradient), D trained alone (no g_step), G stepped first, "
        "set_seed forgotten or called after building the networks, the logits or 'd_real' "
        "returned instead of 'd_fake'."
    ),
    "smoothed_loss_floor": (
        "Practises: section 7a's claim that label smoothing hides D's collapse: with target 0.9 "
        "the loss is lowest at D(x) = 0.9 and equals the target's entropy, 0.325 nats. Typical "
        "mistakes: 0 (as without smoothing), -log 0.9 = 0.105 (forgetting the 0.1 part), one of "
        "the two terms alone (0.095, 0.230), bits (0.469), ln 2, two decimals (0.33)."
    ),
}
