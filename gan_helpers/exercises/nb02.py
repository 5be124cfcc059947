"""The checks of notebook 02's exercises (``exercises.check_<name>`` finds them here)."""

from __future__ import annotations

import functools

from gan_helpers.exercises import Wrong, cause_then, check, expect

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

    from gan_helpers import weights
    from gan_helpers.labs import nb02_freezing as freezing

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

    if isinstance(answer, str):
        answer = answer.strip().lower()
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


LEARNING_RATE = 0.0731
"""The SGD rate of the optimizer a check hands to the learner's step: a step that builds an
optimizer of its own moves G by another amount."""


def _nb02_stack():
    """Notebook 02's tiny G and D (D with BatchNorm), fixed weights, and the stacked gan."""
    import keras
    import numpy as np

    from gan_helpers.labs import nb02_freezing as freezing

    G, D = freezing.build_generator(keras), freezing.build_discriminator(keras)
    rng = np.random.default_rng(0)
    # trainable weights only: BatchNorm's moving statistics keep their start (mean 0, variance 1)
    for variable in G.trainable_variables + D.trainable_variables:
        variable.assign(rng.normal(0.0, 0.7, variable.shape).astype("float32"))
    noise = rng.uniform(0.0, 1.0, (16, freezing.NOISE_DIM)).astype("float32")
    return G, D, keras.Sequential([G, D]), noise


def _nb02_sgd_steps(G, D, noise, lr):
    """-lr * gradient of each candidate loss, with D in training and in inference mode."""
    import numpy as np
    import tensorflow as tf

    steps = {}
    # inference mode first: a call in training mode moves BatchNorm's moving statistics
    for training in (False, True):
        with tf.GradientTape(persistent=True) as tape:
            logits = D(G(noise, training=True), training=training)
            losses = {
                "non-saturating": tf.reduce_mean(tf.nn.softplus(-logits)),
                "minimax": -tf.reduce_mean(tf.nn.softplus(logits)),
                "label 0": tf.reduce_mean(tf.nn.softplus(logits)),
            }
        for kind, loss in losses.items():
            grads = tape.gradient(loss, G.trainable_variables)
            steps[kind, training] = np.concatenate([-lr * np.ravel(g) for g in grads])
        if training:
            want = float(losses["non-saturating"])
    return steps, want


@check("gan_generator_step")
def check_gan_generator_step(answer) -> str:
    """One generator step through the stacked model, on notebook 02's D (with BatchNorm): G moves
    by one step of the g_opt it is given along the non-saturating loss, with D in training mode;
    D's trainable weights stay and D.trainable is left alone. Compared with SGD steps computed
    here on copies of the same models."""
    import keras
    import numpy as np
    import tensorflow as tf

    G, D, gan, noise = _nb02_stack()
    noise = tf.constant(noise)
    # the candidates are computed on copies: the learner's step runs on the originals
    G2, D2 = keras.models.clone_model(G), keras.models.clone_model(D)
    G2.set_weights(G.get_weights())
    D2.set_weights(D.get_weights())
    steps, want = _nb02_sgd_steps(G2, D2, noise, LEARNING_RATE)
    g_before = [v.numpy() for v in G.trainable_variables]
    d_before = [v.numpy() for v in D.trainable_variables]
    out = answer(gan, G, keras.optimizers.SGD(LEARNING_RATE), noise)
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
    d_moved = max(float(abs(v.numpy() - w).max()) for v, w in zip(D.trainable_variables, d_before))
    expect(
        d_moved == 0,
        f"D's trainable weights changed during your generator step (by up to {d_moved:.2g}): "
        "which variables does your tape differentiate? gan.trainable_variables holds D's too.",
    )
    step = np.concatenate(
        [np.ravel(v.numpy() - w) for v, w in zip(G.trainable_variables, g_before)]
    )
    expect(np.abs(step).max() > 0, "G's weights did not move: did you apply its gradients (g_opt)?")

    def same(a, b):
        return np.linalg.norm(a - b) <= 1e-3 * np.linalg.norm(b)

    right = steps["non-saturating", True]
    expect(
        not same(step, steps["non-saturating", False]),
        "your step ran D in inference mode: with gan(noise) (no training=True) D's BatchNorm uses "
        "its moving statistics, not the batch's, so G follows another function than the one D "
        "trains. Call gan(noise, training=True).",
    )
    for training in (True, False):
        expect(
            not same(step, steps["minimax", training]),
            "G moved along the minimax loss log(1 - D(G(z))): with D rejecting the fakes it "
            "barely moves. notebook 01's generator_loss has the non-saturating one.",
        )
        expect(
            not same(step, steps["label 0", training]),
            "G moved so as to make its fakes look MORE fake to D: your loss labels the fakes 0. "
            "Which label does G's loss give them?",
        )
    scale = float(np.dot(step, right) / np.dot(right, right))
    cosine = float(np.dot(step, right) / (np.linalg.norm(step) * np.linalg.norm(right)))
    expect(
        not (cosine > 0.999 and abs(scale - len(noise)) < 0.01 * len(noise)),
        f"G moved {scale:.0f} times too far: your loss is the SUM over the batch of "
        f"{len(noise)}, not the mean (tf.reduce_mean)",
    )
    expect(
        not (cosine > 0.999 and abs(scale - 1) > 1e-3),
        f"G moved in the right direction but {scale:.3g} times as far as one step of the g_opt "
        "you were given: do you build an optimizer of your own? Apply the gradients with g_opt.",
    )
    expect(
        same(step, right),
        "G moved, but not by one step of g_opt along the non-saturating loss of "
        "gan(noise, training=True): differentiate generator_loss(gan(noise, training=True)) with "
        "respect to G.trainable_variables, and apply those gradients with g_opt",
    )
    g_loss = float(np.asarray(out["g_loss"]))
    expect(
        abs(g_loss - want) < 1e-4 * max(1.0, want),
        f"your step moved G correctly but returned g_loss = {g_loss:.4f}, want the loss of that "
        f"step, {want:.4f}",
    )
    return (
        "G took one non-saturating step through the stacked model with D in training mode, with "
        "the optimizer it was given; D's trainable weights and its flag stayed."
    )


_NB02_RUN_STEPS = 20
"""D+G steps of the short training run of ``check_keras3_classic_steps``."""


def _nb02_run_models(seed: int):
    """Fresh tiny G and D of notebook 02 (D with BatchNorm) from ``seed``, a real batch around
    (2, -1) and a noise batch, as in the notebook's section 2."""
    import keras
    import numpy as np

    from gan_helpers.labs import nb02_freezing as freezing

    keras.utils.set_random_seed(seed)
    G, D = freezing.build_generator(keras), freezing.build_discriminator(keras)
    rng = np.random.default_rng(seed)
    real = rng.normal([2.0, -1.0], 0.5, size=(freezing.BATCH_SIZE, 2)).astype("float32")
    noise = rng.uniform(0.0, 1.0, size=(freezing.BATCH_SIZE, freezing.NOISE_DIM))
    return G, D, real, noise.astype("float32")


def _nb02_run(make, seed: int) -> dict[str, float]:
    """Build fresh models, ``make(G, D, d_opt, g_opt, real, noise) -> (d_step, g_step)``, run
    ``_NB02_RUN_STEPS`` D+G steps and add up how far (L2 norm, step by step) D's and G's
    trainable weights moved during the D steps and during the G steps."""
    import warnings

    import keras
    import numpy as np

    G, D, real, noise = _nb02_run_models(seed)
    # D's and G's trainable weights, listed before any flag changes (a frozen D lists none);
    # BatchNorm's moving statistics are left out: they move in both steps by design
    watched = {"D": list(D.trainable_variables), "G": list(G.trainable_variables)}
    d_opt, g_opt = keras.optimizers.SGD(LEARNING_RATE), keras.optimizers.SGD(LEARNING_RATE)
    steps = make(G, D, d_opt, g_opt, real, noise)
    expect(
        isinstance(steps, tuple) and len(steps) == 2 and all(callable(s) for s in steps),
        f"your function returned {type(steps).__name__}: return the pair (d_step, g_step) of "
        "functions of no argument",
    )

    def flat(model):
        return np.concatenate([np.ravel(v.numpy()) for v in watched[model.name]])

    moved = dict.fromkeys(("D by d_step", "G by d_step", "D by g_step", "G by g_step"), 0.0)
    with warnings.catch_warnings():
        # the classic recipe's "no trainable weights" warning: the check reports it in words
        warnings.simplefilter("ignore")
        d_weights, g_weights = flat(D), flat(G)
        for _ in range(_NB02_RUN_STEPS):
            for name, step in zip(("d_step", "g_step"), steps):
                step()
                d_now, g_now = flat(D), flat(G)
                moved[f"D by {name}"] += float(np.linalg.norm(d_now - d_weights))
                moved[f"G by {name}"] += float(np.linalg.norm(g_now - g_weights))
                d_weights, g_weights = d_now, g_now
    return moved


def _nb02_lesson_steps(G, D, d_opt, g_opt, real, noise):
    """The reference: section 1's steps (notebook 02's lesson code), compiled as in section 2."""
    import tensorflow as tf

    from gan_helpers import lessons

    make_steps = lessons.load("02_freezing_discriminator").make_steps
    d_step, g_step = make_steps(G, D, g_opt, d_opt, real, noise)
    return tf.function(d_step), tf.function(g_step)


@check("keras3_classic_steps")
def check_keras3_classic_steps(answer) -> str:
    """Runs 20 D+G steps of the learner's recipe on notebook 02's tiny G and D and measures how
    far D's and G's trainable weights move in each kind of step; compares with section 1's steps
    run from the same seed and the same weights."""
    import gan_helpers

    expect(
        callable(answer),
        "keras3_classic_steps must be a function of (G, D, d_opt, g_opt, real, noise)",
    )
    seed = gan_helpers.seed(0)
    got, ref = _nb02_run(answer, seed), _nb02_run(_nb02_lesson_steps, seed)
    measured = (
        f"in {_NB02_RUN_STEPS} D+G steps your d_steps moved D's trainable weights by "
        f"{got['D by d_step']:.3g} and your g_steps moved them by {got['D by g_step']:.3g}, and "
        f"G's by {got['G by g_step']:.3g} (section 1's steps, same seed: D by "
        f"{ref['D by d_step']:.3g} and {ref['D by g_step']:.3g}, G by {ref['G by g_step']:.3g})"
    )
    hints = [
        (
            got["D by g_step"] > 1e-4 * ref["D by d_step"],
            "your generator step moved D's trainable weights: the stacked model's step was traced "
            "while D.trainable was True (Keras 3 reads the flag when a step is first traced, not "
            "at compile()), or your tape differentiates gan.trainable_variables. Set "
            "D.trainable = False before each gan.train_on_batch",
        ),
        (
            got["D by d_step"] < 0.01 * ref["D by d_step"],
            "your D never learns: D.train_on_batch was first traced while D.trainable was False "
            "(the classic recipe, written for Keras 2's compile-time rule, on Keras 3: the call "
            "warns 'does not have any trainable weights' once, then trains nothing). Set "
            "D.trainable = True before each D.train_on_batch",
        ),
        (
            got["G by d_step"] > 1e-4 * ref["G by g_step"],
            "your discriminator step moved G's weights: D's step must train D only",
        ),
        (
            got["G by g_step"] < 0.01 * ref["G by g_step"],
            "your generator step did not train G: does g_step run gan.train_on_batch(noise, "
            "ones) with G trainable, labels 1 for the fakes?",
        ),
    ]
    hint = next((h for when, h in hints if when), None)
    if hint is not None:
        raise Wrong(cause_then(hint, f"{measured}."))
    return (
        f"{measured}. Each step moved its own network's weights only: on Keras 3 the flags that "
        "count are the ones set when each step is first traced."
    )
