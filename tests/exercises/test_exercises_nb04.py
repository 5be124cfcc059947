"""Notebook 04's exercise checks reject typical wrong answers, each with its own message, and
accept right answers written in other ways (tests/exercises/test_solutions.py checks that the
reference solutions pass and the stubs say "not attempted yet")."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from gan_helpers import exercises, lessons
from solutions import nb04

d_loss = lessons.load("01_vanilla_gan_mnist").discriminator_loss
smoothed_loss = lessons.load("04_dcgan_mnist").smoothed_discriminator_loss


def _verdict(check, answer):
    return check(answer, quiet=True)


def _d_step(
    loss_of,
    variables_of=lambda G, D: D.trainable_variables,
    apply=1,
    result=None,
    fake_of=lambda G, z: G(z, training=True),
    optimizer=None,
    train_d=True,
):
    """A discriminator step with one thing changed: the loss of (real logits, fake logits), the
    variables, the update, how the fakes are drawn, the optimizer, D's training flag."""

    def step(G, D, d_opt, real, z):
        fake = fake_of(G, z)
        variables = variables_of(G, D)
        opt = d_opt if optimizer is None else optimizer()
        with tf.GradientTape() as tape:
            real_logits = D(real, training=train_d)
            loss = loss_of(real_logits, D(fake, training=train_d))
        grads = tape.gradient(loss, variables)
        for _ in range(apply):
            opt.apply_gradients(zip(grads, variables))
        return {"d_loss": loss} if result is None else result(D, real, fake, loss)

    return step


def _fake_inside_tape_all_variables(G, D, d_opt, real, z):
    with tf.GradientTape() as tape:
        loss = d_loss(D(real, training=True), D(G(z, training=True), training=True))
    variables = G.trainable_variables + D.trainable_variables
    d_opt.apply_gradients(zip(tape.gradient(loss, variables), variables))
    return {"d_loss": loss}


def _one_call(G, D, d_opt, real, z):
    """Real and fake images through D in one call (the same maths for D without BatchNorm)."""
    n = tf.shape(real)[0]
    with tf.GradientTape() as tape:
        logits = D(tf.concat([real, G(z, training=True)], 0), training=True)
        loss = d_loss(logits[:n], logits[n:])
    grads = tape.gradient(loss, D.trainable_variables)
    d_opt.apply_gradients(zip(grads, D.trainable_variables))
    return {"d_loss": loss}


def _partly_inference(G, D, d_opt, real, z):
    """D(real, training=True) but D(fake) without the flag: Dropout off on the fakes only."""
    fake = G(z, training=True)
    with tf.GradientTape() as tape:
        loss = d_loss(D(real, training=True), D(fake))
    grads = tape.gradient(loss, D.trainable_variables)
    d_opt.apply_gradients(zip(grads, D.trainable_variables))
    return {"d_loss": loss}


def _d_loss_only(r, f):
    return d_loss(r, f)


@pytest.mark.parametrize(
    "right",
    [
        _one_call,
        # compiled: the check builds its optimizers' variables before calling the step
        tf.function(nb04.discriminator_step),
        # the loss as a Python float, fakes drawn inside the tape
        lambda G, D, d_opt, real, z: {
            "d_loss": float(_fake_inside_tape_d_only(G, D, d_opt, real, z))
        },
    ],
)
def test_discriminator_step_accepts_right_answers_written_differently(right):
    verdict = _verdict(exercises.check_discriminator_step, right)
    assert verdict.passed, verdict


def _fake_inside_tape_d_only(G, D, d_opt, real, z):
    with tf.GradientTape() as tape:
        fake_logits = D(G(z, training=True), training=True)
        loss = d_loss(D(real, training=True), fake_logits)
    grads = tape.gradient(loss, D.trainable_variables)
    d_opt.apply_gradients(zip(grads, D.trainable_variables))
    return loss


@pytest.mark.parametrize(
    "wrong, message",
    [
        (_fake_inside_tape_all_variables, "G's weights changed"),
        (_d_step(_d_loss_only, lambda G, D: G.trainable_variables), "no gradients"),
        (_d_step(_d_loss_only, apply=0), "did you call d_opt.apply_gradients"),
        (_d_step(lambda r, f: d_loss(f, r)), "swapped"),
        (_d_step(lambda r, f: -d_loss(r, f)), "went uphill"),
        (_d_step(lambda r, f: tf.reduce_mean(tf.nn.softplus(-r))), "the real images only"),
        (
            _d_step(_d_loss_only, fake_of=lambda G, z: G(z, training=False)),
            "your fakes come from G in inference mode",
        ),
        (_d_step(lambda r, f: d_loss(tf.sigmoid(r), tf.sigmoid(f))), "no sigmoid"),
        (_d_step(_d_loss_only, result=lambda *_: 0.5), "return a dict"),
        (_d_step(_d_loss_only, result=lambda *_: {"d_loss": 0.0}), "before the update"),
        # new (issue 27): D without training=True: its Dropout is off (the old check's D had none)
        (_d_step(_d_loss_only, train_d=None), "D ran in inference mode"),
        # new: an optimizer built inside the step (the old check passed one SGD(0.1))
        (_d_step(_d_loss_only, optimizer=lambda: keras.optimizers.SGD(0.1)), "do you build an"),
        (
            _d_step(_d_loss_only, optimizer=lambda: keras.optimizers.Adam(2e-4, beta_1=0.5)),
            "Use d_opt, the one passed in",
        ),
        # new: the gradients applied twice
        (_d_step(_d_loss_only, apply=2), "d_opt took 2 steps"),
        # new: new noise instead of the z passed in
        (
            _d_step(
                _d_loss_only,
                fake_of=lambda G, z: G(tf.random.normal(tf.shape(z)), training=True),
            ),
            "saw a batch other than G(z)",
        ),
        # new: the loss computed again after the update
        (
            _d_step(
                _d_loss_only,
                result=lambda D, r, f, _: {"d_loss": d_loss(D(r), D(f))},
            ),
            "not one computed again after apply_gradients",
        ),
        # new: section 7a's smoothing in the step
        (_d_step(lambda r, f: smoothed_loss(r, f, 0.9)), "you smoothed the real label"),
        # new: D in inference mode on the fakes only
        (
            lambda G, D, d_opt, real, z: _partly_inference(G, D, d_opt, real, z),
            "D ran in inference mode on the fakes",
        ),
    ],
)
def test_discriminator_step_rejects(wrong, message):
    verdict = _verdict(exercises.check_discriminator_step, wrong)
    assert verdict.status == "wrong" and message in verdict.message, verdict


@pytest.mark.parametrize(
    "right",
    [
        (30, 30, 1),
        [30, 30, 1],
        np.array([30, 30, 1]),
        tf.TensorShape([30, 30, 1]),
        (np.int64(30), 30, 1),
        (30.0, 30.0, 1.0),
    ],
)
def test_upsampled_shape_accepts_any_sequence_of_whole_numbers(right):
    verdict = _verdict(exercises.check_upsampled_shape, right)
    assert verdict.passed, verdict


@pytest.mark.parametrize(
    "wrong, message",
    [
        ((28, 28, 1), "padding='same' would give"),
        ((14, 14, 32), "after the first layer"),
        ((30, 30, 32), "as many channels as it has filters"),
        ((29, 29, 1), "(in - 1) * stride + kernel"),
        ((1, 30, 30, 1), "leave out the batch dimension"),
        ("30x30x1", "a tuple of whole numbers"),
        # new (issue 27): 'valid' read as in * stride + kernel
        ((32, 32, 1), "not in * stride + kernel"),
        # new: the first layer's kernel size in the second
        ((31, 31, 1), "its kernel is 4"),
        # new: both layers 'valid'
        ((36, 36, 1), "the first layer as 'valid' too"),
        # new: a convolution's formula
        ((6, 6, 1), "a convolution's output size"),
        # new: channels first
        ((1, 30, 30), "channels last"),
        # new: Keras' output_shape with its batch axis None
        ((None, 30, 30, 1), "leave out the batch dimension"),
    ],
)
def test_upsampled_shape_rejects(wrong, message):
    verdict = _verdict(exercises.check_upsampled_shape, wrong)
    assert verdict.status == "wrong" and message in verdict.message, verdict


@pytest.mark.parametrize("right", [0.325, 0.3251, np.float32(0.325), 0.326, tf.constant(0.325)])
def test_smoothed_loss_floor_accepts_any_real_number_type(right):
    verdict = _verdict(exercises.check_smoothed_loss_floor, right)
    assert verdict.passed, verdict


@pytest.mark.parametrize(
    "wrong, message",
    [
        (0.0, "costs 0.1 * -log(1 - D(x)) = infinity"),
        (0.105, "-log 0.9 = 0.105"),
        (0.693, "the loss at D(x) = 0.5"),
        (0.25, "-0.9 log 0.9 - 0.1 log 0.1"),
        ("0.325", "write one number"),
        # new (issue 27): only one of the two terms
        (0.095, "only the real target's part"),
        (0.230, "only the 0.1 target's part"),
        # new: bits, not nats
        (0.469, "in bits"),
        # new: the fakes' part counted at ln 2
        (1.018, "the fakes' part is 0 here"),
        # new: two decimals, accepted by the old 0.01 tolerance
        (0.33, "write three decimals"),
    ],
)
def test_smoothed_loss_floor_rejects(wrong, message):
    verdict = _verdict(exercises.check_smoothed_loss_floor, wrong)
    assert verdict.status == "wrong" and message in verdict.message, verdict
