"""Notebook 04's exercises: right answers written differently, and typical wrong ones.

A row: ``Right("<exercise>", answer, "why")`` or ``Wrong("<exercise>", answer, "message")``
(see ``tests/exercises/answers/__init__.py``); add one line to ``RIGHT`` or ``WRONG``.
"""

import keras
import numpy as np
import tensorflow as tf

import gan_helpers
from answers import Right, Wrong
from gan_helpers import lessons
from gan_helpers.training import TrainingLoop
from solutions import nb04

d_loss = lessons.load("01_vanilla_gan_mnist").discriminator_loss
dcgan = lessons.load("04_dcgan_mnist")
smoothed_loss = dcgan.smoothed_discriminator_loss


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


def _fake_inside_tape_d_only(G, D, d_opt, real, z):
    with tf.GradientTape() as tape:
        fake_logits = D(G(z, training=True), training=True)
        loss = d_loss(D(real, training=True), fake_logits)
    grads = tape.gradient(loss, D.trainable_variables)
    d_opt.apply_gradients(zip(grads, D.trainable_variables))
    return loss


def _float_loss_fakes_inside_tape(G, D, d_opt, real, z):
    return {"d_loss": float(_fake_inside_tape_d_only(G, D, d_opt, real, z))}


def _d_loss_only(r, f):
    return d_loss(r, f)


def _curve(
    order="dg",
    g_lr=lambda d_lr: dcgan.LEARNING_RATE,
    d_lr_of=lambda d_lr: d_lr,
    optimizer=lambda lr: keras.optimizers.Adam(lr, beta_1=0.5),
    metric="d_fake",
    seed_first=True,
    result=lambda curve: curve,
    compiled=False,
):
    """fast_discriminator_curve with one thing changed: the order of the steps in each training
    step ("dg", "gd", "d": D alone), the optimizers' rates, the optimizer, the metric returned,
    set_seed, what is returned, the steps compiled."""

    def fast_discriminator_curve(images, d_lr, steps=10, batch_size=16, seed=0):
        if seed_first:
            gan_helpers.set_seed(seed)
        G, D = dcgan.make_generator(), dcgan.make_discriminator()
        g_opt, d_opt = optimizer(g_lr(d_lr)), optimizer(d_lr_of(d_lr))
        rng = tf.random.Generator.from_seed(seed)
        d_step, g_step = dcgan.make_steps(G, D, g_opt, d_opt, images, rng, batch_size=batch_size)
        if compiled:
            d_step, g_step = tf.function(d_step), tf.function(g_step)
        calls = {"d": d_step, "g": g_step}
        curve = []
        for _ in range(steps):
            for name in order:
                metrics = calls[name]()
                if name == "d":
                    curve.append(metrics[metric])
        return result(curve)

    return fast_discriminator_curve


def _training_loop_curve(images, d_lr, steps=10, batch_size=16, seed=0):
    """With TrainingLoop (compiled): its history holds D(G(z)) of each step."""
    gan_helpers.set_seed(seed)
    G, D = dcgan.make_generator(), dcgan.make_discriminator()
    adam = lambda lr: keras.optimizers.Adam(lr, beta_1=0.5)  # noqa: E731
    rng = tf.random.Generator.from_seed(seed)
    steps_ = dcgan.make_steps(
        G, D, adam(dcgan.LEARNING_RATE), adam(d_lr), images, rng, batch_size=batch_size
    )
    return TrainingLoop(*steps_).train(steps, verbose=False)["d_fake"]


RIGHT = [
    # discriminator_step
    Right("discriminator_step", _one_call, "one call of D: the same maths without BatchNorm"),
    Right(
        "discriminator_step",
        tf.function(nb04.discriminator_step),
        "compiled: the check builds its optimizers' variables before calling the step",
        id="tf_function",
    ),
    Right(
        "discriminator_step",
        _float_loss_fakes_inside_tape,
        "the loss as a Python float, the fakes drawn inside the tape",
    ),
    # fast_discriminator_curve: tensors, an array, compiled steps, TrainingLoop
    Right("fast_discriminator_curve", _curve(), "a list of scalar tensors", id="tensors"),
    Right(
        "fast_discriminator_curve",
        _curve(result=lambda c: np.array([float(v) for v in c])),
        "a NumPy array",
        id="array",
    ),
    Right("fast_discriminator_curve", _curve(compiled=True), "compiled steps", id="compiled"),
    Right("fast_discriminator_curve", _training_loop_curve, "TrainingLoop's history"),
    # smoothed_loss_floor: any real number type, three decimals
    Right("smoothed_loss_floor", 0.325, "three decimals"),
    Right("smoothed_loss_floor", 0.3251, "four decimals"),
    Right("smoothed_loss_floor", np.float32(0.325), "a NumPy float32"),
    Right("smoothed_loss_floor", 0.326, "rounded up"),
    Right("smoothed_loss_floor", tf.constant(0.325), "a scalar tensor"),
]

WRONG = [
    # discriminator_step
    Wrong("discriminator_step", _fake_inside_tape_all_variables, "G's weights changed"),
    Wrong(
        "discriminator_step",
        _d_step(_d_loss_only, lambda G, D: G.trainable_variables),
        "no gradients",
        id="g_variables",
    ),
    Wrong(
        "discriminator_step",
        _d_step(_d_loss_only, apply=0),
        "did you call d_opt.apply_gradients",
        id="no_update",
    ),
    Wrong("discriminator_step", _d_step(lambda r, f: d_loss(f, r)), "swapped", id="swapped"),
    Wrong("discriminator_step", _d_step(lambda r, f: -d_loss(r, f)), "went uphill", id="uphill"),
    Wrong(
        "discriminator_step",
        _d_step(lambda r, f: tf.reduce_mean(tf.nn.softplus(-r))),
        "the real images only",
        id="reals_only",
    ),
    Wrong(
        "discriminator_step",
        _d_step(_d_loss_only, fake_of=lambda G, z: G(z, training=False)),
        "your fakes come from G in inference mode",
        id="g_inference",
    ),
    Wrong(
        "discriminator_step",
        _d_step(lambda r, f: d_loss(tf.sigmoid(r), tf.sigmoid(f))),
        "no sigmoid",
        id="sigmoid",
    ),
    Wrong(
        "discriminator_step",
        _d_step(_d_loss_only, result=lambda *_: 0.5),
        "return a dict",
        id="no_dict",
    ),
    Wrong(
        "discriminator_step",
        _d_step(_d_loss_only, result=lambda *_: {"d_loss": 0.0}),
        "before the update",
        id="constant_loss",
    ),
    # D without training=True: its Dropout is off (an older check's D had none)
    Wrong(
        "discriminator_step",
        _d_step(_d_loss_only, train_d=None),
        "D ran in inference mode",
        id="d_inference",
    ),
    # an optimizer built inside the step (an older check passed one SGD(0.1))
    Wrong(
        "discriminator_step",
        _d_step(_d_loss_only, optimizer=lambda: keras.optimizers.SGD(0.1)),
        "do you build an",
        id="own_sgd",
    ),
    Wrong(
        "discriminator_step",
        _d_step(_d_loss_only, optimizer=lambda: keras.optimizers.Adam(2e-4, beta_1=0.5)),
        "Use d_opt, the one passed in",
        id="own_adam",
    ),
    Wrong(
        "discriminator_step",
        _d_step(_d_loss_only, apply=2),
        "d_opt took 2 steps",
        id="applied_twice",
    ),
    # new noise instead of the z passed in
    Wrong(
        "discriminator_step",
        _d_step(
            _d_loss_only,
            fake_of=lambda G, z: G(tf.random.normal(tf.shape(z)), training=True),
        ),
        "saw a batch other than G(z)",
        id="new_noise",
    ),
    # the loss computed again after the update
    Wrong(
        "discriminator_step",
        _d_step(_d_loss_only, result=lambda D, r, f, _: {"d_loss": d_loss(D(r), D(f))}),
        "not one computed again after apply_gradients",
        id="loss_after_update",
    ),
    # section 7a's smoothing in the step
    Wrong(
        "discriminator_step",
        _d_step(lambda r, f: smoothed_loss(r, f, 0.9)),
        "you smoothed the real label",
        id="smoothed",
    ),
    Wrong("discriminator_step", _partly_inference, "D ran in inference mode on the fakes"),
    # fast_discriminator_curve
    Wrong(
        "fast_discriminator_curve",
        _curve(d_lr_of=lambda d_lr: dcgan.LEARNING_RATE),
        "d_lr does not reach D's optimizer",
        id="d_lr_unused",
    ),
    # make_steps(G, D, d_opt, g_opt, ...): the optimizers swapped
    Wrong(
        "fast_discriminator_curve",
        _curve(g_lr=lambda d_lr: d_lr, d_lr_of=lambda d_lr: dcgan.LEARNING_RATE),
        "G, not D, took the fast rate",
        id="optimizers_swapped",
    ),
    Wrong(
        "fast_discriminator_curve",
        _curve(optimizer=keras.optimizers.SGD),
        "Adam's steps are about d_lr in size",
        id="sgd",
    ),
    Wrong("fast_discriminator_curve", _curve(order="d"), "your G never trains", id="d_alone"),
    Wrong("fast_discriminator_curve", _curve(order="gd"), "your G steps before D", id="g_first"),
    Wrong("fast_discriminator_curve", _curve(metric="d_real"), "is it D(G(z))?", id="d_real"),
    Wrong(
        "fast_discriminator_curve",
        _curve(seed_first=False),
        "do you call gan_helpers.set_seed(seed)",
        id="no_set_seed",
    ),
    Wrong(
        "fast_discriminator_curve",
        _curve(result=lambda c: float(c[-1])),
        "should return a list of 10 numbers",
        id="last_value_only",
    ),
    # smoothed_loss_floor
    Wrong("smoothed_loss_floor", 0.0, "costs 0.1 * -log(1 - D(x)) = infinity"),
    Wrong("smoothed_loss_floor", 0.105, "-log 0.9 = 0.105"),
    Wrong("smoothed_loss_floor", 0.693, "the loss at D(x) = 0.5"),
    Wrong("smoothed_loss_floor", 0.25, "-0.9 log 0.9 - 0.1 log 0.1"),
    Wrong("smoothed_loss_floor", "0.325", "write one number"),
    # only one of the two terms
    Wrong("smoothed_loss_floor", 0.095, "only the real target's part"),
    Wrong("smoothed_loss_floor", 0.230, "only the 0.1 target's part"),
    Wrong("smoothed_loss_floor", 0.469, "in bits"),
    # the fakes' part counted at ln 2
    Wrong("smoothed_loss_floor", 1.018, "the fakes' part is 0 here"),
    # two decimals, accepted by an older 0.01 tolerance
    Wrong("smoothed_loss_floor", 0.33, "write three decimals"),
]
