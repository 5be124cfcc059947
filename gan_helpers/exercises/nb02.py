"""The checks of notebook 02's exercises (``exercises.check_<name>`` finds them here)."""

from __future__ import annotations

import functools

from gan_helpers.exercises import check, expect

_NB02_OUTCOMES = ("changes", "unchanged", "error")


@functools.cache
def _nb02_d_train_on_batch(train_once_first: bool) -> tuple[str, float, str]:
    """Measure, on the installed Keras 3: compile D, (one train_on_batch,) D.trainable = False,
    then D.train_on_batch. Returns the outcome for D's trainable weights (BatchNorm's moving
    statistics excepted), their largest change, and what the call warned or raised. Measured
    once per process: the answer depends on the installed Keras only."""
    import warnings

    import keras
    import numpy as np

    from gan_helpers import freezing, weights

    D = freezing.build_discriminator(keras)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(16, freezing.DATA_DIM)).astype("float32")
    y = np.concatenate([np.ones((8, 1)), np.zeros((8, 1))]).astype("float32")
    D.compile(keras.optimizers.SGD(0.1), keras.losses.BinaryCrossentropy(from_logits=True))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        # DeprecationWarnings stay hidden, as they are for a user (Keras 3.13 triggers NumPy's)
        warnings.simplefilter("ignore", DeprecationWarning)
        if train_once_first:
            D.train_on_batch(x, y)
        D.trainable = False
        before = weights.snapshot({"D": D})
        try:
            D.train_on_batch(x, y)
        except Exception as error:  # a measured outcome, reported to the learner
            return "error", 0.0, f"it raised {type(error).__name__}"
    after = weights.snapshot({"D": D})
    moved = [abs(after[k] - before[k]).max() for k in before if weights.weight_group(k) == "D"]
    said = "; ".join(sorted({str(w.message) for w in caught})) or "no warning"
    return ("changes" if max(moved) > 0 else "unchanged"), float(max(moved)), said


def _nb02_prediction(answer, train_once_first: bool, why: dict[str, str]) -> str:
    import keras

    expect(answer in _NB02_OUTCOMES, f"answer one of {_NB02_OUTCOMES}, not {answer!r}")
    truth, moved, said = _nb02_d_train_on_batch(train_once_first)
    happened = {
        "changes": "D's weights changed",
        "unchanged": "none of D's weights changed",
        "error": "the call raised an error",
    }
    measured = (
        f"measured on Keras {keras.__version__}: {happened[truth]} (largest change {moved:.2g}; "
        f"the call warned: {said})"
    )
    expect(answer == truth, f"{measured}. {why[truth]}")
    return f"{measured}. {why[truth]}"


@check("d_step_frozen_before_first_call")
def check_d_step_frozen_before_first_call(answer) -> str:
    """Predict: compile D, D.trainable = False, then D's first train_on_batch. Measured."""
    why = {
        "unchanged": "Keras 3 reads the flags when the step is traced, at this first call, not at "
        "compile() (Q1, Q4): the classic recipe's D never learns.",
        "changes": "the flags compiled with D were used (the Keras 2 rule, Q4).",
        "error": "the frozen step refused to run.",
    }
    return _nb02_prediction(answer, False, why)


@check("d_step_frozen_after_first_call")
def check_d_step_frozen_after_first_call(answer) -> str:
    """Predict: compile D, one train_on_batch, D.trainable = False, another one. Measured."""
    why = {
        "changes": "The step was traced at the first call, while D was trainable, and a traced "
        "step keeps the flags it saw (Q3): only a retrace (compile, make_train_function(force="
        "True), a new batch shape) reads the new flag.",
        "unchanged": "The new flag was read at this call (as with run_eagerly=True, Q6).",
        "error": "The step refused to run after the flag changed.",
    }
    return _nb02_prediction(answer, True, why)


def _nb02_stack():
    """A tiny G (notebook 02's), a tiny D without BatchNorm, fixed weights, and the stacked gan."""
    import keras
    import numpy as np

    from gan_helpers import freezing

    G = freezing.build_generator(keras)
    D = keras.Sequential(
        [
            keras.Input((freezing.DATA_DIM,)),
            keras.layers.Dense(8, activation="tanh", name="hidden"),
            keras.layers.Dense(1, name="logit"),
        ],
        name="D",
    )
    rng = np.random.default_rng(0)
    for variable in G.weights + D.weights:
        variable.assign(rng.normal(0.0, 0.7, variable.shape).astype("float32"))
    noise = rng.uniform(0.0, 1.0, (16, freezing.NOISE_DIM)).astype("float32")
    return G, D, keras.Sequential([G, D]), noise


@check("gan_generator_step")
def check_gan_generator_step(answer) -> str:
    """One generator step through the stacked model: G moves as the non-saturating loss says, D
    stays, D.trainable is left alone. Measured against a plain SGD step computed here."""
    import keras
    import numpy as np
    import tensorflow as tf

    G, D, gan, noise = _nb02_stack()
    lr, noise = 0.1, tf.constant(noise)
    with tf.GradientTape(persistent=True) as tape:
        logits = D(G(noise))
        losses = {
            "non-saturating": tf.reduce_mean(tf.nn.softplus(-logits)),
            "minimax": -tf.reduce_mean(tf.nn.softplus(logits)),
            "label 0": tf.reduce_mean(tf.nn.softplus(logits)),
        }
    steps = {
        kind: np.concatenate(
            [-lr * np.ravel(g) for g in tape.gradient(loss, G.trainable_variables)]
        )
        for kind, loss in losses.items()
    }
    g_before = [v.numpy() for v in G.weights]
    d_before = [v.numpy() for v in D.weights]
    out = answer(gan, G, keras.optimizers.SGD(lr), noise)
    expect(
        isinstance(out, dict) and "g_loss" in out,
        f"your step returned {type(out).__name__}: return its metrics as a dict, "
        "{'g_loss': loss}",
    )
    expect(
        D.trainable,
        "your step left D.trainable = False: D's own train_on_batch would then learn nothing "
        "(Q1). With a tape, pick G's variables instead of freezing D.",
    )
    d_moved = max(float(abs(v.numpy() - w).max()) for v, w in zip(D.weights, d_before))
    expect(
        d_moved == 0,
        f"D's weights changed during your generator step (by up to {d_moved:.2g}): which "
        "variables does your tape differentiate? gan.trainable_variables holds D's as well.",
    )
    step = np.concatenate([np.ravel(v.numpy() - w) for v, w in zip(G.weights, g_before)])
    expect(np.abs(step).max() > 0, "G's weights did not move: did you apply its gradients (g_opt)?")
    g_loss = float(np.asarray(out["g_loss"]))

    def same(a, b):
        return np.linalg.norm(a - b) <= 1e-3 * np.linalg.norm(b)

    expect(
        not same(step, steps["minimax"]),
        "G moved along the minimax loss log(1 - D(G(z))): with D rejecting the fakes it barely "
        "moves. notebook 01's generator_loss has the non-saturating one.",
    )
    expect(
        not same(step, steps["label 0"]),
        "G moved so as to make its fakes look MORE fake to D: your loss labels the fakes 0. "
        "Which label does G's loss give them?",
    )
    expect(
        same(step, steps["non-saturating"]),
        "G moved, but not by one gradient step of the non-saturating loss on D(G(noise)): "
        "differentiate generator_loss(gan(noise)) with respect to G.trainable_variables, and "
        "apply those gradients with g_opt",
    )
    want = float(losses["non-saturating"])
    expect(
        abs(g_loss - want) < 1e-4 * max(1.0, want),
        f"your step moved G correctly but returned g_loss = {g_loss:.4f}, want the loss of that "
        f"step, {want:.4f}",
    )
    return "G took one non-saturating step through the stacked model; D's weights and flag stayed."
