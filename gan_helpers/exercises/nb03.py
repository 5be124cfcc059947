"""The checks of notebook 03's exercises (``exercises.check_<name>`` finds them here)."""

from __future__ import annotations

import functools

from gan_helpers.exercises import Wrong, cause_then, check, expect, real_number


def _nb03_number(value, call: str) -> float:
    """The learner's result as a float, or a plain message when it is not one number."""
    number = real_number(value)
    expect(
        number is not None,
        f"{call} {type(value).__name__} {value!r}: it should be one number",
    )
    return number


# ----------------------------------------------------------------------------------------------
# 9a. W1 from sorted samples


def _nb03_w1_cases():
    """(what, a, b): pairs of equal size 1,000, 7 and 50, each telling some mistake apart."""
    import numpy as np

    rng = np.random.default_rng(3)
    a = rng.normal(0.0, 1.0, 1000)
    small = np.array([3.0, -1.0, 0.5, 2.0, -2.5, 0.0, 1.0])
    return [
        ("the same 1,000 numbers in another order", a, rng.permutation(a)),
        ("N(0, 1) against N(0, 1.5^2), 1,000 each", a, rng.normal(0.0, 1.5, 1000)),
        ("7 numbers against the same 7 moved by 0.5", small, rng.permutation(small + 0.5)),
        ("50 draws of Exp(1) against 50 of N(0, 1)", rng.exponential(1.0, 50), a[:50]),
    ]


def _nb03_w1_mistakes():
    """What the usual mistakes compute, each with the message that names it."""
    import numpy as np

    def gaps(a, b):
        return np.sort(a) - np.sort(b)

    return [
        (
            lambda a, b: np.mean(np.abs(a - b)),
            "you pair the samples in the order they come, without sorting: W1 pairs the "
            "smallest with the smallest, and so on. Sort both samples first",
        ),
        (
            lambda a, b: np.mean(np.abs(np.sort(a) - b)),
            "you sort only the first sample: sort both, then pair them",
        ),
        (
            lambda a, b: np.mean(np.abs(a - np.sort(b))),
            "you sort only the second sample: sort both, then pair them",
        ),
        (
            lambda a, b: np.mean(np.abs(np.sort(a) - np.sort(b)[::-1])),
            "you sort the samples in opposite orders (one ascending, one descending): W1 pairs "
            "the i-th smallest of one with the i-th smallest of the other",
        ),
        (
            lambda a, b: abs(np.mean(a) - np.mean(b)),
            "you compare the means (or average the signed gaps, whose mean is the difference of "
            "the means): W1 averages the sizes of the gaps |a_(i) - b_(i)|",
        ),
        (
            lambda a, b: np.mean(gaps(a, b)),
            "you average the signed gaps: W1 averages their sizes |a_(i) - b_(i)|",
        ),
        (
            lambda a, b: np.mean(gaps(a, b) ** 2),
            "you average the squared gaps (W2 squared): W1 averages the gaps |x - y| themselves",
        ),
        (
            lambda a, b: np.sqrt(np.mean(gaps(a, b) ** 2)),
            "you take the root of the mean squared gap (W2): W1 averages the gaps |x - y| "
            "themselves, not their squares",
        ),
        (
            lambda a, b: np.sum(np.abs(gaps(a, b))),
            "you sum the gaps instead of averaging them: divide by n",
        ),
        (
            lambda a, b: np.sum(np.abs(gaps(a, b))) / max(len(a) - 1, 1),
            "you divide by n - 1: W1 is the mean gap, the sum divided by n",
        ),
        (
            lambda a, b: np.max(np.abs(gaps(a, b))),
            "you take the largest gap: W1 is their mean",
        ),
        (
            lambda a, b: np.median(np.abs(gaps(a, b))),
            "you take the median gap: W1 is their mean",
        ),
    ]


def _nb03_close(a: float, b: float) -> bool:
    """Equal up to float32 rounding."""
    return abs(a - b) <= 1e-6 + 1e-5 * abs(b)


@check("w1_distance")
def check_w1_distance(answer) -> str:
    """W1 between two equal-size 1-D samples, against scipy.stats.wasserstein_distance, for
    samples of 1,000, 7 and 50 numbers."""
    import numpy as np
    from scipy.stats import wasserstein_distance

    expect(callable(answer), "w1_distance must be a function of (a, b)")
    cases = _nb03_w1_cases()
    got = [
        _nb03_number(answer(a.copy(), b.copy()), "w1_distance(a, b) returned") for _, a, b in cases
    ]
    wants = [float(wasserstein_distance(a, b)) for _, a, b in cases]
    if all(_nb03_close(g, w) for g, w in zip(got, wants)):
        return (
            "your W1 matches scipy.stats.wasserstein_distance for samples of 1,000, 7 and 50 "
            "numbers: 0 for a shuffle, 0.5 for a shift."
        )
    wrong = next(i for i, (g, w) in enumerate(zip(got, wants)) if not _nb03_close(g, w))
    what = cases[wrong][0]
    numbers = f"for {what} your distance is {got[wrong]:.4f}, want {wants[wrong]:.4f} (scipy)"
    for mistake, cause in _nb03_w1_mistakes():
        if all(_nb03_close(g, float(mistake(a, b))) for g, (_, a, b) in zip(got, cases)):
            raise Wrong(cause_then(cause, numbers))
    sums = np.array([np.sum(np.abs(np.sort(a) - np.sort(b))) for _, a, b in cases])
    divisors = [s / g for s, g in zip(sums, got) if g != 0 and s != 0]
    if len(divisors) >= 3 and np.ptp(divisors) < 1e-4 * abs(divisors[0]):
        raise Wrong(
            cause_then(
                f"you divide the sum of the gaps by a fixed {divisors[0]:.4g}, not by the "
                "sample size: W1 is the mean gap, divide by len(a)",
                numbers,
            )
        )
    raise Wrong(cause_then("sort both samples, pair them, average the |gaps|", numbers))


# ----------------------------------------------------------------------------------------------
# 9b. train and measure: how close does a trained D get to D*?

_NB03_ALONE_STEPS = 200
_NB03_SHIFTS = (1.5, 3.0)


def _nb03_alone_error(D, shift: float) -> float:
    """E|D(x) - D*(x)| for x from the mixture (N(0, 1) + N(shift, 1)) / 2, on a grid."""
    import numpy as np
    from scipy.stats import norm

    x = np.linspace(-4.0, shift + 4.0, 801)
    p_data, p_g = norm.pdf(x), norm.pdf(x, shift)
    weight = (p_data + p_g) / np.sum(p_data + p_g)
    d = np.asarray(D(x[:, None].astype(np.float32)), np.float64).reshape(-1)
    expect(
        d.shape == x.shape and np.all((d >= 0) & (d <= 1)),
        f"D should give one probability in [0, 1] per x: for {x.size} values of x it gave shape "
        f"{d.shape}, from {np.min(d):.3g} to {np.max(d):.3g}",
    )
    return float(np.sum(weight * np.abs(d - p_data / (p_data + p_g))))


@functools.lru_cache(maxsize=8)
def _nb03_alone_reference(shift: float, steps: int, seed: int) -> tuple[float, float]:
    """The check's own run: notebook 03's sigmoid D, Adam(1e-3), the lesson's discriminator_loss
    on N(0, 1) against N(shift, 1); its error to D* after ``steps`` steps."""
    import keras
    import tensorflow as tf

    import gan_helpers
    from gan_helpers import lessons

    lesson = lessons.load("03_toy_gaussian_gan")
    gan_helpers.set_seed(seed)
    D, d_opt = lesson.make_discriminator("sigmoid"), keras.optimizers.Adam(1e-3)
    rng, n = tf.random.Generator.from_seed(seed), lesson.BATCH_SIZE

    @tf.function
    def step():
        x, fake = rng.normal((n, 1)), rng.normal((n, 1)) + shift
        with tf.GradientTape() as tape:
            loss = lesson.discriminator_loss(D(x, training=True), D(fake, training=True))
        d_opt.apply_gradients(
            zip(tape.gradient(loss, D.trainable_variables), D.trainable_variables)
        )

    untrained = _nb03_alone_error(D, shift)
    for _ in range(steps):
        step()
    return untrained, _nb03_alone_error(D, shift)


@check("train_toy_discriminator")
def check_train_toy_discriminator(answer) -> str:
    """Trains the sigmoid D (200 steps) against N(1.5, 1) and N(3, 1) fakes through the learner's
    function and measures E|D - D*| against the check's own run on the same seed."""
    import numpy as np

    import gan_helpers

    expect(callable(answer), "train_toy_discriminator must be a function of (shift, steps, seed)")
    seed, steps = gan_helpers.seed(0), _NB03_ALONE_STEPS
    found = []
    for shift in _NB03_SHIFTS:
        call = f"train_toy_discriminator({shift}, steps={steps}, seed={seed})"
        D = answer(shift, steps=steps, seed=seed)
        expect(callable(D), f"{call} should return the trained D (a Keras model), not {D!r:.60}")
        untrained, reference = _nb03_alone_reference(shift, steps, seed)
        found.append((shift, _nb03_alone_error(D, shift), untrained, reference, D))
    measured = "; ".join(
        f"fakes N({s:g}, 1): your E|D - D*| {e:.3f} (untrained D {u:.3f}, the check's own run "
        f"{r:.3f})"
        for s, e, u, r, _ in found
    )
    for shift, error, untrained, reference, D in found:
        flipped = _nb03_alone_error(lambda x, D=D: 1.0 - np.asarray(D(x)), shift)
        hints = [
            (
                flipped < 0.5 * error,
                "your D is close to 1 - D*: it calls the real samples fake. Are D(x) and D(fake) "
                "handed to discriminator_loss in the wrong order? It takes (d_real, d_fake)",
            ),
            (
                error > 0.5 * untrained,
                f"your D is hardly nearer D* than an untrained one (fakes N({shift:g}, 1)): do you "
                "apply the gradients to D.trainable_variables, `steps` times, with fakes "
                "N(shift, 1) = rng.normal(...) + shift?",
            ),
            (
                error > max(2.0 * reference, reference + 0.03),
                f"your D is much further from D* than the check's run of the same recipe (fakes "
                f"N({shift:g}, 1)): the sigmoid D, Adam(1e-3), batches of BATCH_SIZE, all `steps` "
                "steps, and the shift you are given?",
            ),
        ]
        hint = next((h for when, h in hints if when), None)
        if hint is not None:
            raise Wrong(cause_then(hint, f"{measured}."))
    return (
        f"{measured}. {steps} D steps take D from far off to near D* = p_data / (p_data + p_g) "
        "(section 8), which crosses 1/2 half-way between the two means, but not onto it: "
        "that gap is what G sees at every step, and what k D steps per G step shrink."
    )


# ----------------------------------------------------------------------------------------------
# 9c. the rows of the unused noise inputs


@functools.cache
def _nb03_unused_rows_after_adam(steps: int = 100) -> tuple[float, float]:
    """Train notebook 03's G (16 inputs) and D with notebook 03's steps and Adam(0.01) for
    `steps` generator steps, inputs 4..15 always 0 and their kernel rows started at 0 (the
    panel's runner). Returns max |weight| of those rows and how far the other rows moved."""
    import keras
    import numpy as np
    import tensorflow as tf

    from gan_helpers import lessons
    from gan_helpers.training import TrainingLoop

    lesson, used = lessons.load("03_toy_gaussian_gan"), 4
    G, D = lesson.make_generator(16), lesson.make_discriminator()
    draw = np.random.default_rng(0)
    for v in G.trainable_variables + D.trainable_variables:
        v.assign(draw.normal(0.0, 0.1, v.shape).astype("float32"))
    kernel = G.layers[0].kernel
    start = np.concatenate([kernel.numpy()[:used], np.zeros((16 - used, kernel.shape[1]))])
    kernel.assign(start.astype("float32"))
    rng = tf.random.Generator.from_seed(0)

    def noise(n):
        return tf.where(tf.range(16) < used, lesson.sample_noise(rng, n, 16), 0.0)

    opts = [keras.optimizers.Adam(1e-2) for _ in "GD"]
    steps_ = lesson.make_steps(G, D, *opts, rng, noise=noise)
    TrainingLoop(*steps_).train(steps, chunk=steps, verbose=False)
    rows = kernel.numpy()
    return float(np.abs(rows[used:]).max()), float(np.abs(rows[:used] - start[:used]).max())


def _nb03_choice(answer, choices: dict[str, str]):
    """The learner's choice, forgiving case and spaces; ``choices`` maps accepted spellings."""
    if not isinstance(answer, str):
        return None
    return choices.get(" ".join(answer.strip().lower().split()))


@check("unused_noise_rows")
def check_unused_noise_rows(answer) -> str:
    """Predict what 100 Adam steps do to kernel rows whose inputs are always 0. Measured on
    notebook 03's networks and training step."""
    choices = ("exactly 0", "tiny", "like the others")
    spellings = {c: c for c in choices} | {"exactly zero": "exactly 0"}
    said = _nb03_choice(answer, spellings)
    expect(said is not None, f"answer one of {choices}, not {answer!r}")
    unused, used = _nb03_unused_rows_after_adam()
    if unused == 0:
        truth = "exactly 0"
    else:
        truth = "tiny" if unused < 1e-3 * used else "like the others"
    measured = (
        f"measured after 100 Adam steps of notebook 03's GAN: the rows of the always-0 inputs "
        f"hold at most {unused:.3g}; the other rows moved by up to {used:.3g}"
    )
    why = {
        "exactly 0": "an input that is always 0 gives its row the gradient x * delta = 0, so "
        "Adam's moments m and v stay 0 and its step m / (sqrt(v) + eps) is 0 / eps = 0: eps "
        "only prevents a division by zero",
        "tiny": "something moved them a little",
        "like the others": "they learned as much as the used rows",
    }
    wrong = {
        ("exactly 0", "tiny"): "eps only prevents a division by zero, it moves nothing: an input "
        "that is always 0 gives its row the gradient x * delta = 0, so Adam's moments m and v "
        "stay 0 and its step m / (sqrt(v) + eps) is 0 / eps = 0",
        ("exactly 0", "like the others"): "a row learns from its input: the gradient of a "
        "kernel row is x * delta, and x is always 0 for these rows, so Adam's moments m and v "
        "stay 0 and its step m / (sqrt(v) + eps) is exactly 0",
    }
    hint = wrong.get((truth, said), f"they are {truth!r}: {why[truth]}")
    expect(said == truth, cause_then(hint, f"{measured}."))
    return f"{measured}: {why[truth]}. That is why one cached G serves every noise_dim."
