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
# 9b. what k counts


@functools.cache
def _nb03_count_steps(k: int, steps: int) -> tuple[int, int]:
    """Run TrainingLoop(k=k) for `steps` generator steps with steps that count their calls."""
    import tensorflow as tf

    from gan_helpers.training import TrainingLoop

    d_calls, g_calls = tf.Variable(0.0), tf.Variable(0.0)

    def d_step():
        return {"d_calls": d_calls.assign_add(1.0)}

    def g_step():
        return {"g_calls": g_calls.assign_add(1.0)}

    TrainingLoop(d_step, g_step, k=k).train(steps, chunk=steps, verbose=False)
    return int(d_calls.numpy()), int(g_calls.numpy())


@check("d_updates_per_run")
def check_d_updates_per_run(answer) -> str:
    """Predict how often d_step runs in TrainingLoop(k=20).train(300). Measured."""
    value = _nb03_number(answer, "d_updates_per_run is")
    k, steps = 20, 300
    d_calls, g_calls = _nb03_count_steps(k, steps)
    measured = (
        f"measured: TrainingLoop(d_step, g_step, k={k}).train({steps}) ran d_step {d_calls:,} "
        f"times and g_step {g_calls:,} times"
    )
    if value == d_calls:
        return f"{measured}: at equal G steps, k = 20 costs D 20 times the work of k = 1."
    hints = [
        (value != round(value), "a number of updates is a whole number"),
        (value == g_calls, f"{g_calls} counts the generator steps; k counts D steps per G step"),
        (
            value == d_calls + g_calls,
            f"{d_calls + g_calls:,} counts both networks' steps (the post's optimizer steps); "
            "the question asks for D's",
        ),
        (value == k, f"k = {k} D steps before EACH generator step, not {k} in all"),
        (
            value == steps / k,
            f"k = {k} is D steps per generator step, not generator steps per D step",
        ),
        (value == steps + k, f"k multiplies: {k} D steps for each of the {steps} G steps"),
        (
            value in (d_calls - k, d_calls + k),
            f"off by one generator step: d_step runs {k} times before each of the {steps} "
            "generator steps, no more, no fewer",
        ),
        (
            value in (d_calls - 1, d_calls + 1),
            f"off by one: d_step runs exactly k = {k} times per generator step, with no extra "
            "D step at the start or the end of the run",
        ),
    ]
    hint = next((h for when, h in hints if when), "the loop runs k D steps per G step")
    raise Wrong(cause_then(hint, f"You said {value:g}; {measured}."))


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
