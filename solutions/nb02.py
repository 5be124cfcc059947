"""Reference solutions of the exercises of notebook 02 (freezing the discriminator), section 14."""

import tensorflow as tf

from gan_helpers import lessons

# the notebook has it from notebook 01 (its first cell); the solution uses it the same way
generator_loss = lessons.load("01_vanilla_gan_mnist").generator_loss

d_step_frozen_before_first_call = "unchanged"

d_step_frozen_after_first_call = "changes"


def gan_generator_step(gan, G, g_opt, noise):
    """One generator step through the stacked model: the tape differentiates G's variables only."""
    with tf.GradientTape() as tape:
        loss = generator_loss(gan(noise, training=True))
    grads = tape.gradient(loss, G.trainable_variables)
    g_opt.apply_gradients(zip(grads, G.trainable_variables))
    return {"g_loss": loss}


def keras3_classic_steps(G, D, d_opt, g_opt, real, noise):
    """The classic recipe, right on Keras 3: the flag is set before every call that may trace."""
    import keras
    import numpy as np

    bce = keras.losses.BinaryCrossentropy(from_logits=True)
    labels = np.concatenate([np.ones((len(real), 1)), np.zeros((len(noise), 1))])
    ones = np.ones((len(noise), 1), "float32")
    D.compile(optimizer=d_opt, loss=bce)
    gan = keras.Sequential([G, D])
    gan.compile(optimizer=g_opt, loss=bce)

    def d_step():
        D.trainable = True
        x = np.concatenate([real, G(noise).numpy()])
        return D.train_on_batch(x, labels.astype("float32"))

    def g_step():
        D.trainable = False
        return gan.train_on_batch(noise, ones)

    return d_step, g_step


NOTES = {
    "d_step_frozen_before_first_call": (
        "Practises: Q1/Q4, Keras 3 reads trainable when the step is traced (the first call), "
        "not at compile(). Typical mistake: 'changes', the Keras 2 FAQ's answer."
    ),
    "d_step_frozen_after_first_call": (
        "Practises: Q3, a traced step keeps the flags it saw until a retrace (compile, "
        "make_train_function(force=True), a new batch shape). Typical mistake: 'unchanged' (true "
        "with run_eagerly=True only)."
    ),
    "gan_generator_step": (
        "Practises: section 1's rule on the classic stacked model: forward through gan, gradients "
        "for G.trainable_variables only. Typical mistakes: gan.trainable_variables (D moves too), "
        "D.trainable = False left set, the minimax loss or the fakes labelled 0, no dict returned."
    ),
    "keras3_classic_steps": (
        "Practises: Q1-Q4 on a short training run: Keras 3 reads D.trainable when each step is "
        "first traced, so the flag must be True when D's step traces and False when the stacked "
        "model's step traces; the check measures which weights each kind of step moves over 20 "
        "D+G steps. Section 1's tape steps pass too (the rule needs no flag). Typical mistakes: "
        "the Keras 2 recipe (freeze once before compiling gan: D never learns), no freeze or "
        "D.trainable = True set back before the first gan step (G's step moves D), a tape on "
        "gan.trainable_variables."
    ),
}
