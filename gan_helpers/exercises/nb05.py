"""The checks of notebook 05's exercises (``exercises.check_<name>`` finds them here)."""

from __future__ import annotations

from gan_helpers.exercises import Wrong, cause_then, check, expect, real_number

# ----------------------------------------------------------------------------------------------
# 10a. the gradient penalty


class _Nb05Recorder:
    """A critic that remembers the last batch of ``shape`` it was called on (the learner's
    x_hat), in a variable, so that it works inside a tf.function too. Without ``model`` it is
    f(x) = |x|^2 / 2 per sample, whose input gradient is x itself."""

    def __init__(self, shape, model=None):
        import tensorflow as tf

        self.shape, self.model = tuple(shape), model
        self.seen = tf.Variable(tf.zeros(shape), trainable=False)
        self.calls = tf.Variable(0, trainable=False)

    def __call__(self, x, training=None):
        import tensorflow as tf

        if tuple(x.shape) == self.shape:
            self.seen.assign(tf.cast(x, tf.float32))
            self.calls.assign_add(1)
        if self.model is not None:
            return self.model(x, training=training)
        return 0.5 * tf.reduce_sum(tf.square(x), axis=list(range(1, len(x.shape))))[:, None]

    @property
    def trainable_variables(self):
        return [] if self.model is None else self.model.trainable_variables

    def x_hat(self):
        """The learner's last x_hat (float64), or a message when the critic never saw one."""
        import numpy as np

        expect(
            int(self.calls.numpy()) > 0,
            "your penalty never called critic(x_hat) on a batch shaped like real and fake",
        )
        return self.seen.numpy().astype(np.float64)


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

    try:
        array = np.asarray(value, np.float64)
    except Exception:  # not a number at all
        raise Wrong(f"{call} returned {type(value).__name__}, not a number") from None
    expect(array.ndim == 0, f"{call} has shape {array.shape}: the penalty is one number")
    expect(np.isfinite(array), f"{call} gave {float(array)}, not a finite number")
    return float(array)


def _nb05_call(answer, critic, real, fake, weight, call: str) -> float:
    """The learner's penalty as a float; a shape error is reported with its usual cause."""
    import tensorflow as tf

    try:
        value = answer(critic, tf.constant(real), tf.constant(fake), weight)
    except (tf.errors.InvalidArgumentError, ValueError, TypeError, AttributeError) as error:
        text = str(error)
        expect(
            not any(s in text for s in ("Incompatible shapes", "broadcast", "not compatible")),
            f"your penalty fails on a batch of {len(real)} images of shape {real.shape[1:]} "
            f"({type(error).__name__}: shapes do not match): is alpha's shape hard-coded? Draw "
            "one alpha per sample with the batch's own size, shape (tf.shape(real)[0], 1, 1, 1)",
        )
        expect(
            "None" not in text,
            f"your penalty raised {type(error).__name__} on None: the tape gave no gradient. A "
            "tape records a tensor only when told to: tape.watch(x_hat) before calling the "
            "critic, inside the tape",
        )
        raise
    return _nb05_number(value, call)


def _nb05_penalties(grads, weight: float) -> dict[str, float]:
    """What the right penalty and the usual mistakes give for per-sample input gradients
    ``grads`` (n, ...): message -> value."""
    import numpy as np

    g = np.asarray(grads, np.float64)
    n = len(g)
    flat = g.reshape(n, -1)
    norms = np.linalg.norm(flat, axis=1)
    per_pixel = np.linalg.norm(g, axis=-1)
    per_channel = np.sqrt(np.sum(g**2, axis=tuple(range(1, g.ndim - 1))))
    right = float(np.mean((norms - 1) ** 2))
    return {
        "right": weight * right,
        "you penalise |grad f| itself, not its distance from 1: the penalty is "
        "weight * mean((|grad| - 1)^2)": weight * float(np.mean(norms)),
        "you penalise |grad f|^2 instead of (|grad f| - 1)^2": weight * float(np.mean(norms**2)),
        "you penalise (|grad|^2 - 1)^2: the norm needs its square root, (|grad| - 1)^2": weight
        * float(np.mean((norms**2 - 1) ** 2)),
        "the weight is missing: multiply by `weight` (lambda)": right,
        "you ignore the weight argument (GP_WEIGHT = 10 is only its default): multiply by "
        "`weight`": 10.0 * right,
        "you take one norm for the whole batch: take the norm per sample (sum the squares over "
        "every axis but the first), then the mean over the batch": weight
        * float((np.linalg.norm(flat) - 1) ** 2),
        "your norm runs over the last axis only (one norm per pixel): take it per sample, over "
        "every axis but the batch axis, e.g. axis=[1, 2, 3]": weight
        * float(np.mean((per_pixel - 1) ** 2)),
        "your norm leaves out the channel axis (axis=[1, 2] on images with several channels): "
        "take it over every axis but the batch axis, axis=[1, 2, 3]": weight
        * float(np.mean((per_channel - 1) ** 2)),
        "you penalise only gradients steeper than 1 (a one-sided penalty, max(0, |grad| - 1)^2): "
        "WGAN-GP's penalty is two-sided, (|grad| - 1)^2": weight
        * float(np.mean(np.maximum(norms - 1, 0) ** 2)),
        "you take |(|grad| - 1)|, not its square: the penalty is weight * mean((|grad| - 1)^2)": (
            weight * float(np.mean(np.abs(norms - 1)))
        ),
        "you sum over the batch instead of taking the mean: n times too large for a batch of n": (
            weight * float(np.sum((norms - 1) ** 2))
        ),
        "your gradient is that of the MEAN score (tape.gradient(tf.reduce_mean(scores), x_hat)), "
        "which divides each sample's gradient by the batch size: differentiate the scores "
        "themselves (or their sum)": weight * float(np.mean((norms / n - 1) ** 2)),
    }


def _nb05_name_mistake(got: float, grads, weight: float, numbers: str) -> None:
    """Raise Wrong naming the mistake whose penalty equals ``got``, else with the numbers."""
    values = _nb05_penalties(grads, weight)
    want = values.pop("right")
    near = lambda a, b: abs(a - b) <= 1e-3 * max(1.0, abs(b))  # noqa: E731
    if near(got, want):
        return
    for hint, value in values.items():
        expect(not near(got, value), cause_then(hint, numbers))
    raise Wrong(
        cause_then(
            "your penalty is not weight * mean((|grad f(x_hat)| - 1)^2) at your own x_hat",
            f"{numbers}; want {want:.4f}",
        )
    )


def _nb05_alphas(x_hat, real, fake, got: float, uniform_value: float):
    """The learner's alphas, read back from its x_hat; rejects x_hat off the segments."""
    import numpy as np

    n = len(real)
    per_pixel = ((x_hat - fake) / (real - fake)).reshape(n, -1)
    outside = float(np.mean((per_pixel < -1e-4) | (per_pixel > 1 + 1e-4)))
    expect(
        outside == 0,
        f"{outside:.0%} of your x_hat lie off the segment between the real and the fake image: "
        "are you drawing alpha from a normal distribution? Draw it from U(0, 1) "
        f"(tf.random.uniform). Your penalty gives {got:.1f} for f(x) = |x|^2/2, where "
        f"alpha ~ U(0, 1) gives about {uniform_value:.1f}",
    )
    expect(
        float(np.max(np.ptp(per_pixel, axis=1))) < 1e-4,
        "alpha differs between the pixels of one image: draw one alpha per sample, of shape "
        "(batch, 1, 1, 1), so that x_hat lies on the segment between the two images",
    )
    return per_pixel[:, 0]


@check("wgan_gp_penalty")
def check_wgan_gp_penalty(answer) -> str:
    """WGAN-GP's penalty: on critics whose input gradient is known (x, a constant w, 0), on
    batches of 2,048, 5 and 3 images with 1 or 2 channels, on notebook 05's own critic (value
    and gradient with respect to its weights), and twice on the same batch (new alphas)."""
    import numpy as np
    import tensorflow as tf

    from gan_helpers import lessons

    expect(callable(answer), "wgan_gp_penalty must be a function of (critic, real, fake, weight)")
    rng = np.random.default_rng(8)
    n = 2048
    real = rng.uniform(0.5, 1.0, (n, 4, 4, 1)).astype("float32")
    fake = -rng.uniform(0.5, 1.0, (n, 4, 4, 1)).astype("float32")
    quadratic = _Nb05Recorder(real.shape)
    call = "wgan_gp_penalty(f, real, fake, weight=10.0) for f(x) = |x|^2/2"
    got = _nb05_call(answer, quadratic, real, fake, 10.0, call)
    # what alpha ~ U(0, 1), one per sample, gives on average (midpoint rule over alpha)
    a = ((np.arange(50) + 0.5) / 50)[:, None, None]
    x_grid = a * real.reshape(1, n, 16) + (1 - a) * fake.reshape(1, n, 16)
    uniform_value = 10.0 * float(np.mean((np.linalg.norm(x_grid, axis=-1) - 1) ** 2))
    x_hat = quadratic.x_hat()
    alphas = _nb05_alphas(x_hat, real, fake, got, uniform_value)
    expect(
        np.ptp(alphas) > 0.5,
        f"every sample got the same alpha ({np.mean(alphas):.2f}): draw a fresh alpha ~ U(0, 1) "
        "for each sample, shape (batch, 1, 1, 1)",
    )
    expect(
        abs(np.mean(alphas) - 0.5) < 0.05 and 0.05 < np.mean(alphas < 0.1) < 0.15,
        f"your alphas do not look uniform on [0, 1]: use tf.random.uniform. Their mean is "
        f"{np.mean(alphas):.2f}, and {np.mean(alphas < 0.1):.0%} lie below 0.1",
    )
    _nb05_name_mistake(got, x_hat, 10.0, f"for f(x) = |x|^2/2 your penalty is {got:.4f}")

    # the same batch again, through the same critic object (a new one would make a penalty wrapped
    # in tf.function trace again, and a new trace under a global seed draws the same numbers):
    # a penalty draws new alphas on every call
    _nb05_call(answer, quadratic, real, fake, 10.0, call)
    again = _nb05_alphas(quadratic.x_hat(), real, fake, got, uniform_value)
    expect(
        not np.allclose(again, alphas, atol=1e-6),
        "your penalty draws the same alphas on every call (a fixed seed: a stateless draw with "
        "a constant seed, a NumPy generator seeded inside, or tf.random.set_seed): each critic "
        "step must see new points between real and fake, or the penalty constrains the critic "
        "only along the same few lines",
    )

    # 5 images with 2 channels, another weight: the norm runs over every axis but the batch's
    small_real = rng.uniform(0.5, 1.0, (5, 3, 3, 2)).astype("float32")
    small_fake = -rng.uniform(0.5, 1.0, (5, 3, 3, 2)).astype("float32")
    quadratic = _Nb05Recorder(small_real.shape)
    call = "wgan_gp_penalty(f, real, fake, weight=2.5) for f(x) = |x|^2/2 on 5 images 3x3x2"
    got = _nb05_call(answer, quadratic, small_real, small_fake, 2.5, call)
    x_hat = quadratic.x_hat()
    _nb05_name_mistake(
        got,
        x_hat,
        2.5,
        f"for f(x) = |x|^2/2, 5 images of 3x3x2 and weight 2.5 your penalty is {got:.4f}",
    )

    # notebook 05's own WGAN-GP critic, inside a tape as in its critic step
    wgan = lessons.load("05_wgan")
    critic = wgan.dcgan.make_discriminator(name="critic")
    draw = np.random.default_rng(10)
    for v in critic.trainable_variables:
        v.assign(draw.normal(0.0, 0.05, v.shape).astype("float32"))
    images = draw.uniform(-1, 1, (2, 3, 28, 28, 1)).astype("float32")
    recorder = _Nb05Recorder(images[0].shape, critic)
    with tf.GradientTape() as tape:
        value = answer(recorder, tf.constant(images[0]), tf.constant(images[1]), 10.0)
    grads = tape.gradient(value, critic.trainable_variables)
    got = _nb05_number(value, "wgan_gp_penalty(critic, real, fake) on notebook 05's critic")
    expect(
        any(g is not None for g in grads),
        "your penalty carries no gradient to the critic's weights: compute it with TensorFlow "
        "operations (no .numpy(), no np.*), and take the input gradient inside the critic's "
        "tape, so that the critic's update can differentiate it",
    )
    x_hat = tf.constant(recorder.x_hat(), tf.float32)
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            inner.watch(x_hat)
            scores = critic(x_hat, training=True)
        norms = tf.sqrt(tf.reduce_sum(tf.square(inner.gradient(scores, x_hat)), [1, 2, 3]) + 1e-12)
        want = 10.0 * tf.reduce_mean(tf.square(norms - 1.0))
    want_grads = outer.gradient(want, critic.trainable_variables)

    def flat(gs):
        # the last layer's bias does not change the input gradient: its gradient is None
        return np.concatenate(
            [
                np.zeros(v.shape).ravel() if g is None else np.ravel(g)
                for g, v in zip(gs, critic.trainable_variables)
            ]
        )

    want, mine = float(want), flat(grads)
    expect(
        abs(got - want) <= 1e-3 * max(1.0, want),
        "take the gradient of the critic's scores with respect to x_hat, its norm per sample, "
        f"then weight * mean((norm - 1)^2): on notebook 05's critic your penalty is {got:.4f}, "
        f"want {want:.4f} at your own x_hat",
    )
    theirs = flat(want_grads)
    expect(
        np.linalg.norm(mine - theirs) <= 1e-2 * np.linalg.norm(theirs) + 1e-9,
        "your penalty has the right value on notebook 05's critic but the wrong gradient with "
        "respect to the critic's weights: does a tf.stop_gradient, or a gradient taken outside "
        "the critic's tape, cut the path from the weights through the input gradient?",
    )

    # a flat critic: the input gradient is exactly 0, where sqrt has no derivative
    flat = _nb05_linear_critic(0.0)
    with tf.GradientTape() as tape:
        penalty = answer(flat, tf.constant(real[:64]), tf.constant(fake[:64]), 10.0)
    grads = tape.gradient(penalty, flat.trainable_variables)
    expect(
        all(g is None or np.all(np.isfinite(np.asarray(g))) for g in grads),
        "for a critic whose input gradient is exactly 0, your penalty's gradient is NaN: the "
        "gradient of sqrt(s) at s = 0 is 0/0. Add a small eps under the square root (not after "
        "it): sqrt(sum(g^2) + 1e-12) (section 7, check (c))",
    )
    return (
        "one new alpha ~ U(0, 1) per sample on every call, (|grad| - 1)^2 per sample over every "
        "axis but the batch's, times the weight, its gradient reaching notebook 05's critic, and "
        "a finite gradient for a flat critic."
    )


# ----------------------------------------------------------------------------------------------
# 10b. weight clipping


def _nb05_clip_critic(seed: int):
    """Notebook 05's clipped critic (notebook 04's D with BatchNormalization), weights drawn
    around the bound, moving statistics far from their start."""
    import numpy as np

    from gan_helpers import lessons

    dcgan = lessons.load("04_dcgan_mnist")
    critic = dcgan.make_discriminator(batchnorm=True, name="critic")
    rng = np.random.default_rng(seed)
    for v in critic.trainable_variables:
        v.assign(rng.normal(0.0, 0.1, v.shape).astype("float32"))
    for v in critic.non_trainable_variables:
        v.assign(rng.uniform(0.2, 2.0, v.shape).astype("float32"))
    return critic


def _nb05_names(model) -> list[str]:
    """Readable names of the model's trainable variables: "Conv2D 2 kernel", "Dense bias"."""
    kinds = [type(layer).__name__ for layer in model.layers if layer.trainable_variables]
    names, seen = [], {}
    for layer in model.layers:
        kind = type(layer).__name__
        if not layer.trainable_variables:
            continue
        seen[kind] = seen.get(kind, 0) + 1
        label = f"{kind} {seen[kind]}" if kinds.count(kind) > 1 else kind
        names += [f"{label} {v.name}" for v in layer.trainable_variables]
    return names


def _nb05_check_one_clip(answer, c: float, seed: int) -> None:
    import numpy as np

    critic = _nb05_clip_critic(seed)
    names = _nb05_names(critic)
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
        "BatchNormalization's moving mean and variance changed: critic.weights, "
        "critic.variables and critic.get_weights() include these statistics, which no "
        "optimizer trains. Clip critic.trainable_variables, as the WGAN paper clips the "
        "parameters",
    )
    inside = [np.abs(b) < 0.9 * c for b in trainable]
    pinned = np.concatenate([np.isclose(np.abs(a[m]), c) for a, m in zip(after, inside)])
    expect(
        not (pinned.size and np.mean(pinned) > 0.5),
        f"every weight now sits at the bound, {np.mean(pinned):.0%} of those that were inside "
        "[-c, c] too: the critic is frozen. Are the bounds of tf.clip_by_value(v, -c, c) in "
        "this order (lower first), and did you keep the values inside the bound (no sign(v) * c)?",
    )
    largest = max(float(np.max(np.abs(a))) for a in after)
    expect(
        not abs(largest - 0.01) < 1e-6 or abs(c - 0.01) < 1e-9,
        f"your weights end inside [-0.01, 0.01], but c was {c}: clip to the argument c, not to "
        "the constant CLIP",
    )
    beyond = [name for name, a in zip(names, after) if np.max(np.abs(a)) > c * (1 + 1e-6)]
    expect(
        not beyond,
        f"some variables are still beyond c = {c} (up to {largest:.3f}): clip every trainable "
        f"variable (kernels, biases, BatchNormalization's gamma and beta). Not clipped: "
        f"{', '.join(beyond)}",
    )
    expect(
        min(float(np.min(a)) for a in after) < 0,
        "no weight is negative any more: clip to [-c, c], not to [0, c], and keep the sign",
    )
    inside = [np.abs(b) < c for b in trainable]
    expect(
        all(np.array_equal(a[m], b[m]) for a, b, m in zip(after, trainable, inside)),
        "weights that were already inside [-c, c] changed: clipping only cuts the ones beyond "
        "the bound. Did you rescale whole tensors (tf.clip_by_norm, or v * c / max|v|) instead "
        "of clipping each weight?",
    )
    want = [np.clip(b, -c, c) for b in trainable]
    expect(
        all(np.allclose(a, w, rtol=0, atol=1e-7) for a, w in zip(after, want)),
        "the weights beyond the bound should end exactly at +c or -c (their sign kept)",
    )


@check("clip_critic")
def check_clip_critic(answer) -> str:
    """Weight clipping in place on notebook 05's clipped critic (with BatchNormalization), at
    c = 0.05 and c = 0.02: trainable weights cut to [-c, c], the rest left alone."""
    expect(callable(answer), "clip_critic must be a function of (critic, c)")
    _nb05_check_one_clip(answer, 0.05, seed=9)
    _nb05_check_one_clip(answer, 0.02, seed=11)
    return (
        "every trainable weight cut to [-c, c] in place, for two values of c; the moving "
        "statistics left alone."
    )


# ----------------------------------------------------------------------------------------------
# 10c. derive: W1 between two Gaussians in 1-D

W1_CASES = ((0.7, 1.8), (0.0, 2.0), (1.5, 1.0), (-1.0, 0.5), (2.0, 0.3), (-0.3, 3.0))


def _w1_numeric(mean, std, n=200_000):
    """W1(N(0, 1), N(mean, std^2)) as the integral over u of the gap between the two quantile
    functions (the 1-D optimal coupling), by the midpoint rule on n points."""
    import numpy as np
    from scipy.stats import norm

    q = norm.ppf((np.arange(n) + 0.5) / n)
    return float(np.mean(np.abs(q - (mean + std * q))))


def _w1_candidates(m, s):
    """The usual slips in deriving E|m + (s - 1) Z|: name -> value."""
    import math

    from scipy.stats import norm

    b = s - 1
    half_normal = math.sqrt(2 / math.pi)
    found = {
        "shift only": abs(m),
        "spread only": abs(b) * half_normal,
        "sum": abs(m) + abs(b) * half_normal,
        "W2": math.hypot(m, b),
        "E|Z| = 1": abs(m) + abs(b),
    }
    if b:
        found["signed b"] = m * (1 - 2 * norm.cdf(-m / b)) + 2 * b * norm.pdf(m / b)
    v = s**2 - 1
    if v:
        found["variance"] = m * (1 - 2 * norm.cdf(-m / abs(v))) + 2 * abs(v) * norm.pdf(m / v)
    return found


_W1_HINTS = {
    "shift only": "you kept the shift and dropped the spread: N(0, 1) and N(m, s²) with s ≠ 1 "
    "are apart even when m = 0",
    "spread only": "you kept the spread and dropped the shift",
    "sum": "|m| + |s − 1|·√(2/π) is the triangle inequality's bound (shift, then spread), equal "
    "to W1 only when m = 0 or s = 1: the mean of |m + (s − 1)Z| is not the sum of the means",
    "W2": "that is W2 = √(m² + (s − 1)²), the quadratic cost: W1 averages |gap|, not gap²",
    "E|Z| = 1": "E|Z| = √(2/π) for Z ~ N(0, 1), not 1",
    "signed b": "with s < 1, b = s − 1 is negative: the folded normal's formula needs |b|",
    "variance": "the second Gaussian's std is s: you used the variance s²",
}


@check("w1_gaussians")
def check_w1_gaussians(w1_gaussians):
    """Compare with the integral of the quantile gap (midpoint rule) on six (mean, std) cases,
    one with std = 1 (no spread: the formula's b = 0)."""
    import math

    expect(callable(w1_gaussians), "w1_gaussians must be a function of (mean, std)")
    for m, s in W1_CASES:
        value = real_number(w1_gaussians(m, s))
        expect(
            value is not None and math.isfinite(value),
            f"return one finite number for (mean, std) = ({m}, {s}); got {value!r}"
            + (": with std = 1, b = s − 1 = 0 and the formula's limit is |m|" if s == 1 else ""),
        )
        truth = _w1_numeric(m, s)
        if abs(value - truth) <= 1e-4 * max(1.0, truth):
            continue
        said = (
            f"For (mean, std) = ({m}, {s}) you give {value:.5f}; the integral of the quantile gap "
            f"gives {truth:.5f}."
        )
        for name, candidate in _w1_candidates(m, s).items():
            if abs(value - candidate) <= 1e-4 * max(1.0, abs(candidate)):
                raise Wrong(cause_then(_W1_HINTS[name], said))
        raise Wrong(
            cause_then(
                "W1 = E|m + (s − 1)Z| for Z ~ N(0, 1): a folded normal's mean, "
                "a·(1 − 2Φ(−a/|b|)) + 2|b|·φ(a/|b|) with a = m, b = s − 1",
                said,
            )
        )
    return (
        "W1 = E|m + (s − 1)Z| on six cases: the shift and the spread do not add, except when one "
        "of them is 0."
    )


# ----------------------------------------------------------------------------------------------
# 10d. train and measure: a critic with the gradient penalty estimates W1

CRITIC_CASES = ((2.0, 1.0), (1.0, 0.5))


@check("w1_by_critic")
def check_w1_by_critic(w1_by_critic):
    """Train with the learner's function on two (mean, std) cases at the base seed; the estimate
    must lie within [0.6, 1.4] times W1 computed by quadrature (measured with the reference
    over base seeds 0-2: 0.77-1.11 for N(2, 1), 0.84-1.08 for N(1, 0.5^2); the penalty is soft,
    and 400 steps leave some critics short of W1)."""
    import math

    import gan_helpers

    expect(callable(w1_by_critic), "w1_by_critic must be a function of (mean, std, seed)")
    found = []
    for m, s in CRITIC_CASES:
        value = real_number(w1_by_critic(m, s, gan_helpers.seed(0)))
        expect(value is not None, f"return one number, the critic's estimate; got {value!r}")
        truth = _w1_numeric(m, s)
        said = (
            f"For N({m}, {s}²) against N(0, 1) your critic estimates {value:.4g}; W1 = {truth:.4f}."
        )
        expect(
            math.isfinite(value),
            cause_then("training diverged: is the penalty added (+), not subtracted?", said),
        )
        ratio = value / truth
        if 0.6 <= ratio <= 1.4:
            found.append(f"{value:.3f} for W1 = {truth:.3f}")
            continue
        hints = [
            (
                abs(ratio) < 0.2,
                "your estimate is near 0: did the critic train? A clipped critic "
                "(c = 0.01) is about 100 times flatter than 1-Lipschitz, so it estimates W1 times "
                "its small Lipschitz constant; train with make_gp_steps",
            ),
            (
                ratio < 0,
                "a negative estimate is the critic's loss, mean f(fake) − mean f(real) "
                "(plus the penalty for d_loss): return the w_estimate, mean f(real) − mean f(fake)",
            ),
            (
                ratio > 3,
                "far above W1: nothing holds the critic's slope near 1. Is the gradient "
                "penalty in its loss, with gp_weight = GP_WEIGHT?",
            ),
            (
                ratio > 1.4,
                "above W1 by more than the soft penalty allows: is gp_weight GP_WEIGHT = 10?",
            ),
        ]
        hint = next(
            (h for when, h in hints if when),
            "below W1: has the critic caught up? Train 400 critic steps and average the "
            "w_estimate over the last 100, not the whole run",
        )
        raise Wrong(cause_then(hint, said))
    return (
        f"estimates {', '.join(found)}: a critic held near 1-Lipschitz by the penalty opens the "
        "score gap W1 (Kantorovich-Rubinstein); the penalty is soft, so it may overshoot a little."
    )
