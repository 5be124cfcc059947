"""Notebook 02's exercise checks reject typical wrong answers, each with its own message, and
accept right answers written in other ways (tests/exercises/test_solutions.py checks that the
reference solutions pass and the stubs say "not attempted yet")."""

import pytest
import tensorflow as tf

from gan_helpers import exercises
from solutions import nb02


@pytest.mark.parametrize(
    "name, wrong, message",
    [
        ("d_step_frozen_before_first_call", "changes", "not at compile()"),
        ("d_step_frozen_before_first_call", "error", "none of D's weights changed"),
        ("d_step_frozen_before_first_call", "nothing", "answer one of"),
        ("d_step_frozen_after_first_call", "unchanged", "a traced step keeps the flags it saw"),
        ("d_step_frozen_after_first_call", "error", "D's weights changed ("),
        ("d_step_frozen_after_first_call", False, "answer one of"),
    ],
)
def test_predictions_reject(name, wrong, message):
    verdict = getattr(exercises, f"check_{name}")(wrong, quiet=True)
    assert verdict.status == "wrong" and message in verdict.message, verdict


def test_a_prediction_may_be_written_in_any_case():
    verdict = exercises.check_d_step_frozen_before_first_call(" Unchanged", quiet=True)
    assert verdict.passed, verdict


def _step(
    variables="G", loss=nb02.generator_loss, freeze=False, result=dict, training=True, opt=None
):
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


@pytest.mark.parametrize(
    "wrong, message",
    [
        (_step(variables="gan"), "which variables does your tape differentiate?"),
        (_step(variables="gan", freeze=True), "left D.trainable = False"),
        (_step(loss=lambda x: nb02.generator_loss(x, "minimax")), "along the minimax loss"),
        (_step(loss=lambda x: tf.reduce_mean(tf.nn.softplus(x))), "labels the fakes 0"),
        (_step(loss=lambda x: tf.reduce_sum(tf.nn.softplus(-x))), "the SUM over the batch"),
        (_step(result=None), "as a dict"),
        # issue 27: what a check on a tiny D without BatchNorm, with one fixed optimizer, accepted
        (_step(training=None), "ran D in inference mode"),
        (_step(opt=lambda: tf.keras.optimizers.SGD(0.1)), "build an optimizer of your own"),
        (_step(opt=lambda: tf.keras.optimizers.Adam(1e-3)), "not by one step of g_opt"),
    ],
)
def test_gan_generator_step_rejects(wrong, message):
    verdict = exercises.check_gan_generator_step(wrong, quiet=True)
    assert verdict.status == "wrong" and message in verdict.message, verdict
