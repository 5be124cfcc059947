"""Notebook 02's exercises: right answers written differently, and typical wrong ones.

A row: ``Right("<exercise>", answer, "why")`` or ``Wrong("<exercise>", answer, "message")``
(see ``tests/exercises/answers/__init__.py``); add one line to ``RIGHT`` or ``WRONG``.
"""

import keras
import numpy as np
import tensorflow as tf

from answers import Right, Wrong
from gan_helpers import lessons
from solutions import nb02

_LESSON = lessons.load("02_freezing_discriminator")


def _step(
    variables="G", loss=nb02.generator_loss, freeze=False, result=dict, training=True, opt=None
):
    """The generator step through the stacked model, with one thing changed: the variables the
    tape differentiates, the loss, D's trainable flag, the result, the training flag, the
    optimizer."""

    def step(gan, G, g_opt, noise):
        D = gan.layers[-1]
        if freeze:
            D.trainable = False
        with tf.GradientTape() as tape:
            g_loss = loss(gan(noise, training=training) if training else gan(noise))
        chosen = G.trainable_variables if variables == "G" else gan.trainable_variables
        (opt() if opt else g_opt).apply_gradients(zip(tape.gradient(g_loss, chosen), chosen))
        return result(g_loss=g_loss) if result is dict else g_loss

    return step


def _classic(freeze="toggle"):
    """The classic recipe with train_on_batch, D.trainable handled one way: "toggle" (set before
    every call), "keras2" (frozen once, before compiling gan), "none" (never frozen), "unfreeze"
    (frozen to compile gan, then set back to True before the first call), "g_too" (G frozen as
    well in the generator step)."""

    def make(G, D, d_opt, g_opt, real, noise):
        bce = tf.keras.losses.BinaryCrossentropy(from_logits=True)
        labels = np.concatenate([np.ones((len(real), 1)), np.zeros((len(noise), 1))])
        D.compile(optimizer=d_opt, loss=bce)
        if freeze in ("keras2", "unfreeze"):
            D.trainable = False
        gan = keras.Sequential([G, D])
        gan.compile(optimizer=g_opt, loss=bce)
        if freeze == "unfreeze":
            D.trainable = True

        def d_step():
            if freeze in ("toggle", "g_too"):
                D.trainable, G.trainable = True, True
            x = np.concatenate([real, G(noise).numpy()])
            return D.train_on_batch(x, labels.astype("float32"))

        def g_step():
            if freeze in ("toggle", "g_too"):
                D.trainable, G.trainable = False, freeze == "toggle"
            return gan.train_on_batch(noise, np.ones((len(noise), 1), "float32"))

        return d_step, g_step

    return make


def _tapes(variables="G"):
    """Section 1's steps from the lesson, or a generator step whose tape takes gan's variables."""

    def make(G, D, d_opt, g_opt, real, noise):
        d_step, g_step = _LESSON.make_steps(G, D, g_opt, d_opt, real, noise)
        if variables == "gan":
            gan = keras.Sequential([G, D])

            def g_step():
                with tf.GradientTape() as tape:
                    g_loss = nb02.generator_loss(gan(noise, training=True))
                chosen = gan.trainable_variables
                g_opt.apply_gradients(zip(tape.gradient(g_loss, chosen), chosen))
                return {"g_loss": g_loss}

        return tf.function(d_step), tf.function(g_step)

    return make


RIGHT = [
    Right("d_step_frozen_before_first_call", " Unchanged", "any case, spaces around"),
    Right("d_step_frozen_after_first_call", "CHANGES", "any case"),
    Right("gan_generator_step", _step(), "the solution's step, built by this module", id="step"),
    Right(
        "keras3_classic_steps",
        _tapes(),
        "section 1's tape steps: no flag at all, the rule of the notebook",
        id="lesson_tapes",
    ),
    Right(
        "keras3_classic_steps",
        _classic(),
        "the toggle, with tf.keras's loss and G.trainable set too",
        id="toggle",
    ),
]

WRONG = [
    # the predictions
    Wrong("d_step_frozen_before_first_call", "changes", "not at compile()"),
    Wrong("d_step_frozen_before_first_call", "error", "none of D's weights changed"),
    Wrong("d_step_frozen_before_first_call", "nothing", "answer one of"),
    Wrong("d_step_frozen_after_first_call", "unchanged", "a traced step keeps the flags it saw"),
    Wrong("d_step_frozen_after_first_call", "error", "D's weights changed ("),
    Wrong("d_step_frozen_after_first_call", False, "answer one of"),
    # gan_generator_step
    Wrong(
        "gan_generator_step",
        _step(variables="gan"),
        "which variables does your tape differentiate?",
        id="gan_variables",
    ),
    Wrong(
        "gan_generator_step",
        _step(variables="gan", freeze=True),
        "left D.trainable = False",
        id="gan_variables_frozen",
    ),
    Wrong(
        "gan_generator_step",
        _step(loss=lambda x: nb02.generator_loss(x, "minimax")),
        "along the minimax loss",
        id="minimax",
    ),
    Wrong(
        "gan_generator_step",
        _step(loss=lambda x: tf.reduce_mean(tf.nn.softplus(x))),
        "labels the fakes 0",
        id="label_0",
    ),
    Wrong(
        "gan_generator_step",
        _step(loss=lambda x: tf.reduce_sum(tf.nn.softplus(-x))),
        "the SUM over the batch",
        id="sum",
    ),
    Wrong("gan_generator_step", _step(result=None), "as a dict", id="no_dict"),
    # what a check on a tiny D without BatchNorm, with one fixed optimizer, accepted
    Wrong("gan_generator_step", _step(training=None), "ran D in inference mode", id="inference"),
    Wrong(
        "gan_generator_step",
        _step(opt=lambda: tf.keras.optimizers.SGD(0.1)),
        "build an optimizer of your own",
        id="own_sgd",
    ),
    Wrong(
        "gan_generator_step",
        _step(opt=lambda: tf.keras.optimizers.Adam(1e-3)),
        "not by one step of g_opt",
        id="own_adam",
    ),
    # keras3_classic_steps: a short training run, which weights each step moved
    Wrong("keras3_classic_steps", _classic("keras2"), "your D never learns", id="keras2_recipe"),
    Wrong(
        "keras3_classic_steps",
        _classic("none"),
        "your generator step moved D's trainable weights",
        id="no_freeze",
    ),
    Wrong(
        "keras3_classic_steps",
        _classic("unfreeze"),
        "traced while D.trainable was True",
        id="unfreeze_after_compile",
    ),
    Wrong(
        "keras3_classic_steps",
        _tapes("gan"),
        "your generator step moved D's trainable weights",
        id="tape_gan_variables",
    ),
    Wrong("keras3_classic_steps", _classic("g_too"), "did not train G", id="g_frozen_too"),
    Wrong("keras3_classic_steps", lambda *args: None, "return the pair", id="no_pair"),
]
