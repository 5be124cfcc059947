"""Notebook 02's exercises: right answers written differently, and typical wrong ones.

A row: ``Right("<exercise>", answer, "why")`` or ``Wrong("<exercise>", answer, "message")``
(see ``tests/exercises/answers/__init__.py``); add one line to ``RIGHT`` or ``WRONG``.
"""

import tensorflow as tf

from answers import Right, Wrong
from solutions import nb02


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


RIGHT = [
    Right("d_step_frozen_before_first_call", " Unchanged", "any case, spaces around"),
    Right("d_step_frozen_after_first_call", "CHANGES", "any case"),
    Right("gan_generator_step", _step(), "the solution's step, built by this module", id="step"),
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
]
