"""The checks of notebook 05's exercises (``exercises.check_<name>`` finds them here)."""

from __future__ import annotations

from gan_helpers.exercises import check, expect


class _Nb05Quadratic:
    """The critic f(x) = |x|^2 / 2 per sample (its input gradient is x), remembering its input."""

    def __init__(self):
        self.inputs = []

    def __call__(self, x, training=None):
        import numpy as np
        import tensorflow as tf

        self.inputs.append(np.asarray(x))
        return 0.5 * tf.reduce_sum(tf.square(x), axis=list(range(1, len(x.shape))))[:, None]


def _nb05_linear_critic(norm: float):
    """A Keras critic f(x) = w . x on 4x4x1 images with |w| = norm (so |grad f| = norm)."""
    import keras
    import numpy as np

    critic = keras.Sequential(
        [keras.Input((4, 4, 1)), keras.layers.Flatten(), keras.layers.Dense(1)], name="critic"
    )
    w = np.random.default_rng(7).normal(size=(16, 1))
    scale = norm / np.linalg.norm(w) if norm else 0.0
    critic.layers[-1].set_weights([(scale * w).astype("float32"), np.zeros(1, "float32")])
    return critic


def _nb05_number(value, call: str) -> float:
    import numpy as np

    array = np.asarray(value)
    expect(array.ndim == 0, f"{call} has shape {array.shape}: the penalty is one number")
    expect(np.isfinite(array), f"{call} gave {float(array)}, not a finite number")
    return float(array)


@check("wgan_gp_penalty")
def check_wgan_gp_penalty(answer) -> str:
    """WGAN-GP's penalty on critics whose input gradient is known: x, a constant w, and 0."""
    import numpy as np
    import tensorflow as tf

    expect(callable(answer), "wgan_gp_penalty must be a function of (critic, real, fake, weight)")
    rng = np.random.default_rng(8)
    n = 2048
    real = rng.uniform(0.5, 1.0, (n, 4, 4, 1)).astype("float32")
    fake = -rng.uniform(0.5, 1.0, (n, 4, 4, 1)).astype("float32")
    quadratic = _Nb05Quadratic()
    call = "wgan_gp_penalty(f, real, fake, weight=10.0) for f(x) = |x|^2/2"
    got = _nb05_number(answer(quadratic, tf.constant(real), tf.constant(fake), 10.0), call)
    # what alpha ~ U(0, 1), one per sample, gives on average (midpoint rule over alpha)
    a = ((np.arange(50) + 0.5) / 50)[:, None, None]
    x_grid = a * real.reshape(1, n, 16) + (1 - a) * fake.reshape(1, n, 16)
    uniform_value = 10.0 * float(np.mean((np.linalg.norm(x_grid, axis=-1) - 1) ** 2))
    seen = [x for x in quadratic.inputs if x.shape == real.shape]
    expect(seen, "your penalty never called critic(x_hat) on a batch shaped like real and fake")
    x_hat = seen[-1].astype(np.float64)
    alpha = (x_hat - fake) / (real - fake)
    per_sample = alpha.reshape(n, -1)
    outside = float(np.mean((per_sample < -1e-4) | (per_sample > 1 + 1e-4)))
    expect(
        outside == 0,
        f"your penalty gives {got:.1f} for f(x) = |x|^2/2, where alpha ~ U(0, 1) gives about "
        f"{uniform_value:.1f}: {outside:.0%} of your x_hat lie off the segment between the real "
        "and the fake image. Are you drawing alpha from a normal distribution?",
    )
    expect(
        float(np.max(np.ptp(per_sample, axis=1))) < 1e-4,
        "alpha differs between the pixels of one image: draw one alpha per sample, of shape "
        "(batch, 1, 1, 1), so that x_hat lies on the segment between the two images",
    )
    alphas = per_sample[:, 0]
    expect(
        np.ptp(alphas) > 0.5,
        f"every sample got the same alpha ({np.mean(alphas):.2f}): draw a fresh alpha ~ U(0, 1) "
        "for each sample",
    )
    expect(
        abs(np.mean(alphas) - 0.5) < 0.05 and 0.05 < np.mean(alphas < 0.1) < 0.15,
        f"your alphas do not look uniform on [0, 1] (mean {np.mean(alphas):.2f}, "
        f"{np.mean(alphas < 0.1):.0%} below 0.1): use tf.random.uniform",
    )
    norms = np.linalg.norm(x_hat.reshape(n, -1), axis=1)
    want = 10.0 * float(np.mean((norms - 1) ** 2))
    near = lambda a, b: abs(a - b) <= 1e-3 * max(1.0, abs(b))  # noqa: E731
    if not near(got, want):
        wrong = {
            "penalising |grad f| itself, not its distance from 1: the penalty is "
            "weight * mean((|grad| - 1)^2)": 10.0 * float(np.mean(norms)),
            "penalising |grad f|^2 instead of (|grad f| - 1)^2": 10.0 * float(np.mean(norms**2)),
            "(|grad|^2 - 1)^2: the norm needs its square root": 10 * np.mean((norms**2 - 1) ** 2),
            "the weight is missing: multiply by `weight` (lambda)": want / 10.0,
            "one norm for the whole batch: take the norm per sample (sum over every axis but the "
            "first), then the mean over the batch": 10.0 * (np.linalg.norm(x_hat) - 1) ** 2,
        }
        for hint, value in wrong.items():
            expect(not near(got, float(value)), f"your penalty gives {got:.3f}: {hint}")
    expect(
        near(got, want),
        f"for f(x) = |x|^2/2 (gradient x) and your x_hat, the penalty is {want:.3f}; yours is "
        f"{got:.3f}",
    )
    small_real, small_fake = tf.constant(real[:64]), tf.constant(fake[:64])
    for weight in (10.0, 2.5):
        value = answer(_nb05_linear_critic(3.0), small_real, small_fake, weight)
        value = _nb05_number(value, "wgan_gp_penalty for f(x) = w . x")
        expect(
            near(value, weight * 4.0),
            f"for f(x) = w . x with |w| = 3 and weight {weight} the penalty is weight * (3 - 1)^2 "
            f"= {weight * 4.0:g} (the gradient is w everywhere); yours is {value:.3f}",
        )
    flat = _nb05_linear_critic(0.0)
    with tf.GradientTape() as tape:
        penalty = answer(flat, small_real, small_fake, 10.0)
    grads = tape.gradient(penalty, flat.trainable_variables)
    expect(
        grads[0] is not None,
        "your penalty carries no gradient to the critic's weights: compute it with TensorFlow "
        "operations (no .numpy()), with the input-gradient tape inside the critic's tape",
    )
    expect(
        all(g is None or np.all(np.isfinite(np.asarray(g))) for g in grads),
        "for a critic whose input gradient is exactly 0, your penalty's gradient is NaN: the "
        "gradient of sqrt(s) at s = 0 is 0/0. Add a small eps under the square root, "
        "sqrt(sum(g^2) + 1e-12) (section 7, check (c))",
    )
    return (
        "one alpha ~ U(0, 1) per sample, (|grad| - 1)^2 per sample times the weight, and a "
        "finite gradient for a flat critic."
    )


def _nb05_clip_critic():
    """A tiny critic with BatchNormalization, weights drawn around the bound c = 0.05."""
    import keras
    import numpy as np
    from keras import layers

    critic = keras.Sequential(
        [keras.Input((4, 4, 1)), layers.Conv2D(4, 3, use_bias=False), layers.BatchNormalization()]
        + [layers.LeakyReLU(0.2), layers.Flatten(), layers.Dense(1)],
        name="critic",
    )
    rng = np.random.default_rng(9)
    for v in critic.trainable_variables:
        v.assign(rng.normal(0.0, 0.1, v.shape).astype("float32"))
    bn = critic.layers[1]
    bn.moving_mean.assign(np.full(4, 0.3, "float32"))
    bn.moving_variance.assign(np.full(4, 2.0, "float32"))
    return critic


@check("clip_critic")
def check_clip_critic(answer) -> str:
    """Weight clipping in place: trainable weights cut to [-c, c], the rest left alone."""
    import numpy as np

    expect(callable(answer), "clip_critic must be a function of (critic, c)")
    c = 0.05
    critic = _nb05_clip_critic()
    trainable = [v.numpy().copy() for v in critic.trainable_variables]
    others = [v.numpy().copy() for v in critic.non_trainable_variables]
    answer(critic, c)
    after = [v.numpy() for v in critic.trainable_variables]
    expect(
        any(not np.array_equal(a, b) for a, b in zip(after, trainable)),
        "the critic's weights did not change: tf.clip_by_value returns a new tensor and leaves "
        "the variable as it was. Assign the result back: v.assign(tf.clip_by_value(v, -c, c))",
    )
    expect(
        all(np.array_equal(a, b.numpy()) for a, b in zip(others, critic.non_trainable_variables)),
        "BatchNormalization's moving mean and variance changed: critic.weights (and "
        "critic.variables) include these statistics, which no optimizer trains. Clip "
        "critic.trainable_variables, as the WGAN paper clips the parameters",
    )
    largest = max(float(np.max(np.abs(a))) for a in after)
    expect(
        not abs(largest - 0.01) < 1e-6,
        f"your weights end inside [-0.01, 0.01], but c was {c}: clip to the argument c, not CLIP",
    )
    expect(
        largest <= c * (1 + 1e-6),
        f"some weights are still beyond c = {c} (up to {largest:.3f}): did you clip every "
        "trainable variable (kernels, biases, BatchNormalization's gamma and beta)?",
    )
    expect(
        min(float(np.min(a)) for a in after) < 0,
        "no weight is negative any more: clip to [-c, c], not to [0, c]",
    )
    inside = [np.abs(b) < c for b in trainable]
    expect(
        all(np.array_equal(a[m], b[m]) for a, b, m in zip(after, trainable, inside)),
        "weights that were already inside [-c, c] changed: clipping only cuts the ones beyond "
        "the bound. Did you rescale whole tensors instead of clipping them?",
    )
    want = [np.clip(b, -c, c) for b in trainable]
    expect(
        all(np.allclose(a, w, rtol=0, atol=1e-7) for a, w in zip(after, want)),
        "the weights beyond the bound should end exactly at +c or -c (their sign kept)",
    )
    return "every trainable weight cut to [-c, c] in place; the moving statistics left alone."


SHARE_ANSWERS = ("under 5%", "5% to 50%", "over 50%")


@check("share_at_clip_bound")
def check_share_at_clip_bound(answer) -> str:
    """Predict-then-run: the check builds fresh critics, clips them once and counts."""
    import numpy as np

    from gan_helpers import lessons

    expect(
        isinstance(answer, (tuple, list))
        and len(answer) == 2
        and all(a in SHARE_ANSWERS for a in answer),
        f"write a pair of answers, (for c = 0.01, for c = 0.1), each one of {SHARE_ANSWERS}; "
        f"got {answer!r}",
    )
    wgan, dcgan = lessons.load("05_wgan"), lessons.load("04_dcgan_mnist")
    measured, largest, cut = {}, {}, {}
    for c in (0.01, 0.1):
        critic = dcgan.make_discriminator(batchnorm=True, name="critic")
        largest = {v.path: float(np.max(np.abs(v.numpy()))) for v in critic.trainable_variables}
        wgan.clip_weights(critic.trainable_variables, c)
        measured[c] = wgan.fraction_at_bound(critic.trainable_variables, c)
        cut[c] = [v.path for v in critic.trainable_variables if wgan.fraction_at_bound([v], c)]
    bucket = {
        c: SHARE_ANSWERS[0] if s < 0.05 else SHARE_ANSWERS[1] if s <= 0.5 else SHARE_ANSWERS[2]
        for c, s in measured.items()
    }
    report = ", ".join(f"{name} {v:.3g}" for name, v in largest.items())
    shares = f"measured {measured[0.01]:.0%} at c = 0.01 and {measured[0.1]:.1%} at c = 0.1"
    for c, guess in zip(measured, answer):
        expect(
            guess == bucket[c],
            f"{shares}. A weight sits at the bound after the clip when it started beyond c; the "
            f"largest |weight| of each variable of a fresh critic: {report}. Keras draws kernels "
            "from a Glorot uniform, +-sqrt(6 / (fan_in + fan_out)); gamma starts at 1",
        )
    return (
        f"{shares}: at c = 0.01 most initial weights lie beyond c, so the first clip pins them "
        f"at +-c (section 6a); at c = 0.1 only these variables reach it: {', '.join(cut[0.1])}."
    )
