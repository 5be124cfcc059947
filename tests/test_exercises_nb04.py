"""The exercises of notebook 04: each check rejects typical wrong answers, each with its own
message (tests/test_solutions.py checks that the reference solutions pass and the stubs say
"not attempted yet")."""

import pytest
import tensorflow as tf

from gan_helpers import exercises, lessons

d_loss = lessons.load("01_vanilla_gan_mnist").discriminator_loss


def _verdict(check, answer):
    return check(answer, quiet=True)


def _d_step(loss_of, variables_of=lambda G, D: D.trainable_variables, apply=True, result=None):
    """A discriminator step with one thing changed: the loss, the variables, the update."""

    def step(G, D, d_opt, real, z):
        fake_train, fake_inference = G(z, training=True), G(z, training=False)
        variables = variables_of(G, D)
        with tf.GradientTape() as tape:
            loss = loss_of(D(real), D(fake_train), D(fake_inference))
        grads = tape.gradient(loss, variables)
        if apply:
            d_opt.apply_gradients(zip(grads, variables))
        return {"d_loss": loss} if result is None else result

    return step


def _fake_inside_tape_all_variables(G, D, d_opt, real, z):
    with tf.GradientTape() as tape:
        loss = d_loss(D(real), D(G(z, training=True)))
    variables = G.trainable_variables + D.trainable_variables
    d_opt.apply_gradients(zip(tape.gradient(loss, variables), variables))
    return {"d_loss": loss}


@pytest.mark.parametrize(
    "wrong, message",
    [
        (_fake_inside_tape_all_variables, "G's weights changed"),
        (
            _d_step(lambda r, f, fi: d_loss(r, f), lambda G, D: G.trainable_variables),
            "no gradients",
        ),
        (_d_step(lambda r, f, fi: d_loss(r, f), apply=False), "did you call d_opt.apply_gradients"),
        (_d_step(lambda r, f, fi: d_loss(f, r)), "swapped"),
        (_d_step(lambda r, f, fi: -d_loss(r, f)), "went uphill"),
        (_d_step(lambda r, f, fi: tf.reduce_mean(tf.nn.softplus(-r))), "the real images only"),
        (_d_step(lambda r, f, fi: d_loss(r, fi)), "inference mode"),
        (_d_step(lambda r, f, fi: d_loss(tf.sigmoid(r), tf.sigmoid(f))), "no sigmoid"),
        (_d_step(lambda r, f, fi: d_loss(r, f), result=0.5), "return a dict"),
        (_d_step(lambda r, f, fi: d_loss(r, f), result={"d_loss": 0.0}), "before the update"),
    ],
)
def test_discriminator_step_rejects(wrong, message):
    verdict = _verdict(exercises.check_discriminator_step, wrong)
    assert verdict.status == "wrong" and message in verdict.message, verdict


@pytest.mark.parametrize(
    "wrong, message",
    [
        ((28, 28, 1), "padding='same' would give"),
        ((14, 14, 32), "after the first layer"),
        ((30, 30, 32), "as many channels as it has filters"),
        ((29, 29, 1), "(in - 1) * stride + kernel"),
        ((1, 30, 30, 1), "leave out the batch dimension"),
        ("30x30x1", "a tuple of whole numbers"),
    ],
)
def test_upsampled_shape_rejects(wrong, message):
    verdict = _verdict(exercises.check_upsampled_shape, wrong)
    assert verdict.status == "wrong" and message in verdict.message, verdict


@pytest.mark.parametrize(
    "wrong, message",
    [
        (0.0, "costs 0.1 * -log(1 - D(x)) = infinity"),
        (0.105, "-log 0.9 = 0.105"),
        (0.693, "the loss at D(x) = 0.5"),
        (0.25, "the lowest loss is 0.325"),
        ("0.325", "write one number"),
    ],
)
def test_smoothed_loss_floor_rejects(wrong, message):
    verdict = _verdict(exercises.check_smoothed_loss_floor, wrong)
    assert verdict.status == "wrong" and message in verdict.message, verdict
