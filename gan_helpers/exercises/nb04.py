"""The checks of notebook 04's exercises (``exercises.check_<name>`` finds them here)."""

from __future__ import annotations

from gan_helpers.exercises import check, expect


def _nb04_tiny_gan(seed: int = 4):
    """A tiny G (with BatchNormalization) for 4x4x1 images and a tiny D, weights from ``seed``."""
    import keras
    import numpy as np
    from keras import layers

    G = keras.Sequential(
        [
            keras.Input((3,)),
            layers.Dense(16, use_bias=False),
            layers.BatchNormalization(),
            layers.ReLU(),
            layers.Dense(16, activation="tanh"),
            layers.Reshape((4, 4, 1)),
        ]
    )
    D = keras.Sequential(
        [keras.Input((4, 4, 1)), layers.Flatten(), layers.Dense(8), layers.LeakyReLU(0.2)]
        + [layers.Dense(1)]
    )
    rng = np.random.default_rng(seed)
    for v in G.trainable_variables + D.trainable_variables:
        v.assign(rng.normal(0.0, 0.5, v.shape).astype("float32"))
    return G, D


def _nb04_flat(variables):
    import numpy as np

    return np.concatenate([np.ravel(np.asarray(v)) for v in variables])


@check("discriminator_step")
def check_discriminator_step(answer) -> str:
    """One D step, given plain SGD: D must move by exactly -lr * the measured gradient."""
    import keras
    import numpy as np
    import tensorflow as tf

    from gan_helpers import lessons

    expect(callable(answer), "discriminator_step must be a function of (G, D, d_opt, real, z)")
    d_loss = lessons.load("01_vanilla_gan_mnist").discriminator_loss
    G, D = _nb04_tiny_gan()
    rng = np.random.default_rng(5)
    real = tf.constant(rng.uniform(-1, 1, (16, 4, 4, 1)), tf.float32)
    z = tf.constant(rng.normal(size=(16, 3)), tf.float32)
    lr = 0.1
    fake, fake_inference = G(z, training=True), G(z, training=False)
    losses = {
        "right": lambda: d_loss(D(real), D(fake)),
        "inference": lambda: d_loss(D(real), D(fake_inference)),
        "swapped": lambda: d_loss(D(fake), D(real)),
        "uphill": lambda: -d_loss(D(real), D(fake)),
        "real only": lambda: tf.reduce_mean(tf.nn.softplus(-D(real))),
        "fake only": lambda: tf.reduce_mean(tf.nn.softplus(D(fake))),
    }
    updates, want_loss = {}, float(losses["right"]())
    for name, loss in losses.items():
        with tf.GradientTape() as tape:
            value = loss()
        updates[name] = -lr * _nb04_flat(tape.gradient(value, D.trainable_variables))
    g_before, d_before = _nb04_flat(G.trainable_variables), _nb04_flat(D.trainable_variables)
    try:
        result = answer(G, D, keras.optimizers.SGD(lr), real, z)
    except ValueError as error:
        expect(
            "No gradients provided" not in str(error),
            "d_opt got no gradients (None for every variable): a tape gives gradients only for "
            "variables that the loss depends on inside it. Which variables does your tape "
            "differentiate? D's step needs D.trainable_variables",
        )
        raise
    g_moved = np.max(np.abs(_nb04_flat(G.trainable_variables) - g_before))
    d_update = _nb04_flat(D.trainable_variables) - d_before
    expect(
        g_moved == 0.0,
        f"G's weights changed during your discriminator step (by up to {g_moved:.2g}): which "
        "variables does your tape differentiate, and which does d_opt.apply_gradients update? "
        "Only D.trainable_variables",
    )
    expect(
        np.max(np.abs(d_update)) > 0,
        "D's weights did not change: did you call d_opt.apply_gradients(zip(grads, "
        "D.trainable_variables)) after taking the gradient?",
    )

    def matches(name):
        want = updates[name]
        return np.linalg.norm(d_update - want) <= 1e-3 * np.linalg.norm(want)

    hints = {
        "inference": "your fakes come from G in inference mode (no training argument, or "
        "training=False): draw them with G(z, training=True), as the notebook's step does, so "
        "that G's BatchNormalization uses the statistics of the batch D is trained on",
        "swapped": "D moved towards calling the real images fake and the fakes real: are the "
        "real and fake logits swapped in discriminator_loss(real_logits, fake_logits)?",
        "uphill": "D's update went uphill, raising its loss: minimise discriminator_loss (no "
        "minus sign in front of it)",
        "real only": "your update is the gradient of D's loss on the real images only: D's loss "
        "needs the fake batch too, discriminator_loss(real_logits, fake_logits)",
        "fake only": "your update is the gradient of D's loss on the fakes only: D's loss needs "
        "the real batch too, discriminator_loss(real_logits, fake_logits)",
    }
    for name, hint in hints.items():
        expect(not matches(name), hint)
    expect(
        matches("right"),
        "D moved, but not by d_opt's step on notebook 01's discriminator_loss of this real batch "
        "and G(z, training=True): did you use the d_opt you were given and D's logits (no "
        "sigmoid)?",
    )
    expect(
        isinstance(result, dict) and "d_loss" in result,
        "return a dict of metrics with the key 'd_loss', like d_step(); got "
        f"{type(result).__name__}",
    )
    got_loss = float(np.asarray(result["d_loss"]))
    expect(
        abs(got_loss - want_loss) <= 1e-4 * max(1.0, abs(want_loss)),
        f"result['d_loss'] is {got_loss:.4f}, but D's loss on this batch before the update is "
        f"{want_loss:.4f}: return the loss computed inside the tape",
    )
    return "only D's weights moved, by exactly d_opt's step down notebook 01's D loss."


def _nb04_output_shapes():
    """Measured: the exercise's stack, and two stacks a learner may have in mind."""
    import keras
    from keras import layers

    def measure(*stack):
        model = keras.Sequential([keras.Input((7, 7, 64)), *stack])
        return tuple(int(n) for n in model.output_shape[1:])

    first = layers.Conv2DTranspose(32, 5, strides=2, padding="same")
    return {
        "answer": measure(first, layers.Conv2DTranspose(1, 4, strides=2, padding="valid")),
        "first layer": measure(layers.Conv2DTranspose(32, 5, strides=2, padding="same")),
        "both same": measure(
            layers.Conv2DTranspose(32, 5, strides=2, padding="same"),
            layers.Conv2DTranspose(1, 4, strides=2, padding="same"),
        ),
    }


@check("upsampled_shape")
def check_upsampled_shape(answer) -> str:
    """Predict-then-run: the check builds the two Conv2DTranspose layers and reads the shape."""
    expect(
        isinstance(answer, (tuple, list)) and all(isinstance(n, int) for n in answer),
        f"write the shape as a tuple of whole numbers, (height, width, channels); got {answer!r}",
    )
    expect(
        len(answer) != 4,
        "leave out the batch dimension: write (height, width, channels) of one image",
    )
    expect(len(answer) == 3, f"an image's shape has 3 numbers (height, width, channels): {answer}")
    shapes, answer = _nb04_output_shapes(), tuple(answer)
    truth = shapes["answer"]
    expect(
        answer != shapes["first layer"],
        f"{answer} is the shape after the first layer; the second one upsamples again",
    )
    expect(
        answer != shapes["both same"],
        f"{answer} is what padding='same' would give in both layers (height x stride). "
        f"Measured: {truth}. With padding='valid' a transposed convolution gives "
        "(in - 1) * stride + kernel: nothing is cropped",
    )
    expect(
        answer[:2] == truth[:2],
        f"measured {truth}: 'same' padding multiplies height and width by the stride "
        "(7 -> 14); 'valid' gives (in - 1) * stride + kernel",
    )
    expect(
        answer == truth,
        f"height and width are right, the channels are not (measured {truth}): a "
        "Conv2DTranspose outputs as many channels as it has filters, its first argument",
    )
    return (
        f"measured {truth}: 'same' multiplies by the stride, 'valid' gives (in - 1) * stride + "
        "kernel. Notebook 04's generator uses 'same' to land on 28x28."
    )


@check("smoothed_loss_floor")
def check_smoothed_loss_floor(answer) -> str:
    """Predict-then-run: the check minimises notebook 04's smoothed D loss over the logits."""
    import numpy as np
    import tensorflow as tf
    from scipy.optimize import minimize_scalar

    from gan_helpers import lessons

    expect(
        isinstance(answer, (int, float)) and np.isfinite(answer),
        f"write one number, the lowest loss, e.g. 1.234; got {answer!r}",
    )
    smoothed = lessons.load("04_dcgan_mnist").smoothed_discriminator_loss
    # fakes at logit -60: D is sure they are fake, their part of the loss is ~1e-26
    fake = tf.constant([[-60.0]])

    def loss(logit):
        return float(smoothed(tf.constant([[logit]], tf.float32), fake, 0.9))

    best = minimize_scalar(loss, bounds=(-20.0, 20.0), method="bounded", options={"xatol": 1e-6})
    floor, d_best = best.fun, 1 / (1 + np.exp(-best.x))
    answer = float(answer)
    if abs(answer - floor) > 0.01:
        expect(
            answer > 0.01,
            f"measured: the loss never falls below {floor:.3f}. Reaching 0 would need D(x) = 1, "
            "but with the target 0.9, D(x) = 1 costs 0.1 * -log(1 - D(x)) = infinity",
        )
        expect(
            abs(answer + np.log(0.9)) > 0.01,
            f"-log 0.9 = {-np.log(0.9):.3f} is the loss with target 1 at D(x) = 0.9; with target "
            f"0.9 the loss also charges 0.1 * -log(1 - D(x)). Measured floor: {floor:.3f}",
        )
        expect(
            abs(answer - np.log(2)) > 0.01,
            f"ln 2 = {np.log(2):.3f} is the loss at D(x) = 0.5; D does better at D(x) = "
            f"{d_best:.2f}. Measured floor: {floor:.3f}",
        )
    expect(
        abs(answer - floor) <= 0.01,
        f"measured: the lowest loss is {floor:.3f}, reached at D(x) = {d_best:.2f}: the "
        "cross-entropy of a target with itself, -0.9 log 0.9 - 0.1 log 0.1 (its entropy)",
    )
    return (
        f"measured {floor:.3f} at D(x) = {d_best:.2f}: with smoothing, a D loss near 0.33 is D "
        "at its best, so the D loss no longer shows a collapse (section 7a)."
    )
