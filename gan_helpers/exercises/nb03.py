"""The checks of notebook 03's exercises (``exercises.check_<name>`` finds them here)."""

from __future__ import annotations

import functools

from gan_helpers.exercises import check, expect


def _nb03_number(value, call: str) -> float:
    """The learner's result as a float, or a plain message when it is not one number."""
    import numbers

    import numpy as np

    ok = isinstance(value, numbers.Real) and not isinstance(value, bool)
    ok = ok or (isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "fiu")
    expect(ok, f"{call} {type(value).__name__} {value!r}: it should be one number")
    return float(value)


@check("w1_distance")
def check_w1_distance(answer) -> str:
    """W1 between two equal-size 1-D samples, against scipy.stats.wasserstein_distance."""
    import numpy as np
    from scipy.stats import wasserstein_distance

    rng = np.random.default_rng(3)
    a = rng.normal(0.0, 1.0, 1000)
    shuffled = _nb03_number(answer(a, rng.permutation(a)), "w1_distance(a, b) returned")
    expect(
        abs(shuffled) < 1e-9,
        f"for two samples holding the same 1,000 numbers in different orders your distance is "
        f"{shuffled:.3f}, want 0: W1 pairs the smallest with the smallest, and so on. Did you sort "
        "both samples?",
    )
    shifted = _nb03_number(answer(a, a + 0.5), "w1_distance(a, b) returned")
    expect(
        abs(shifted - 0.5) < 1e-9,
        f"moving every sample by 0.5 should cost exactly 0.5; your distance is {shifted:.4f}",
    )
    wide = rng.normal(0.0, 1.5, 1000)
    value = _nb03_number(answer(a, wide), "w1_distance(a, b) returned")
    want = wasserstein_distance(a, wide)
    gap = np.sort(a) - np.sort(wide)
    expect(
        abs(value - abs(a.mean() - wide.mean())) > 1e-6,
        f"for N(0, 1) against N(0, 1.5^2) your distance is {value:.3f}, want {want:.3f} "
        "(scipy): same centre, different widths. Are you comparing the means?",
    )
    squared = {float(np.mean(gap**2)), float(np.sqrt(np.mean(gap**2)))}
    expect(
        all(abs(value - s) > 1e-6 for s in squared),
        f"your distance is {value:.4f}, want {want:.4f} (scipy): W1 averages the gaps |x - y| "
        "themselves, not their squares",
    )
    expect(
        abs(value - want) < 1e-9 * max(1.0, want),
        f"for N(0, 1) against N(0, 1.5^2) your distance is {value:.4f}, want {want:.4f} (scipy)",
    )
    skewed = rng.exponential(1.0, 1000)
    value = _nb03_number(answer(skewed, a), "w1_distance(a, b) returned")
    want = wasserstein_distance(skewed, a)
    expect(
        abs(value - want) < 1e-9 * max(1.0, want),
        f"for Exp(1) against N(0, 1) your distance is {value:.4f}, want {want:.4f} (scipy)",
    )
    return "your W1 matches scipy.stats.wasserstein_distance: 0 for a shuffle, 0.5 for a shift."


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
    d_calls, g_calls = _nb03_count_steps(20, 300)
    measured = (
        f"measured: TrainingLoop(d_step, g_step, k=20).train(300) ran d_step {d_calls:,} times "
        f"and g_step {g_calls:,} times"
    )
    expect(value != g_calls, f"{measured}: {g_calls} counts the generator steps; k is per G step")
    expect(
        value != d_calls + g_calls,
        f"{measured}: {d_calls + g_calls:,} counts both (the post's optimizer steps); the question "
        "asks for D's",
    )
    expect(value != 20, f"{measured}: k = 20 D steps before EACH generator step, not in all")
    expect(value == d_calls, f"{measured}; your {value:g} is off")
    return f"{measured}: at equal G steps, k = 20 costs D 20 times the work of k = 1."


@functools.cache
def _nb03_unused_rows_after_adam(steps: int = 100) -> tuple[float, float]:
    """Train a 16-input Dense net with Adam while inputs 4..15 are always 0 and their kernel
    rows start at 0 (section 7's trick). Returns max |weight| of those rows and of the others."""
    import keras
    import numpy as np
    import tensorflow as tf

    rng = np.random.default_rng(0)
    net = keras.Sequential([keras.Input((16,)), keras.layers.Dense(8, activation="relu")])
    net.add(keras.layers.Dense(1))
    kernel = net.layers[0].kernel
    kernel.assign(np.concatenate([kernel.numpy()[:4], np.zeros((12, 8), "float32")]))
    z = np.zeros((64, 16), "float32")
    z[:, :4] = rng.uniform(-3, 3, (64, 4))
    target = rng.normal(size=(64, 1)).astype("float32")
    opt = keras.optimizers.Adam(1e-2)

    @tf.function
    def train():
        for _ in tf.range(steps):
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean((net(z) - target) ** 2)
            grads = tape.gradient(loss, net.trainable_variables)
            opt.apply_gradients(zip(grads, net.trainable_variables))

    before = kernel.numpy()[:4].copy()
    train()
    rows = kernel.numpy()
    return float(np.abs(rows[4:]).max()), float(np.abs(rows[:4] - before).max())


@check("unused_noise_rows")
def check_unused_noise_rows(answer) -> str:
    """Predict what 100 Adam steps do to kernel rows whose inputs are always 0. Measured."""
    choices = ("exactly 0", "tiny", "like the others")
    expect(answer in choices, f"answer one of {choices}, not {answer!r}")
    unused, used = _nb03_unused_rows_after_adam()
    if unused == 0:
        truth = "exactly 0"
    else:
        truth = "tiny" if unused < 1e-3 * used else "like the others"
    measured = (
        f"measured after 100 Adam steps: the rows of the always-0 inputs hold at most "
        f"{unused:.3g}; the other rows moved by up to {used:.3g}"
    )
    why = {
        "exactly 0": "an input that is always 0 gives its row the gradient x * delta = 0, so "
        "Adam's moments m and v stay 0 and its step m / (sqrt(v) + eps) is 0 / eps = 0: eps "
        "only prevents a division by zero",
        "tiny": "something moved them a little",
        "like the others": "they learned as much as the used rows",
    }
    expect(answer == truth, f"{measured}: {why[truth]}")
    return f"{measured}: {why[truth]}. That is why one cached G serves every noise_dim."
