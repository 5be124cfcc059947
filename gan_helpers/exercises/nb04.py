"""The checks of notebook 04's exercises (``exercises.check_<name>`` finds them here)."""

from __future__ import annotations

import functools

from gan_helpers.exercises import Wrong, cause_then, check, expect, real_number


def _nb04_flat(variables):
    import numpy as np

    return np.concatenate([np.ravel(np.asarray(v, np.float64)) for v in variables])


# ----------------------------------------------------------------------------------------------
# 8a. one discriminator step

# notebook 04's dropout in D (section 7's remedy): with it, training=True changes D's output
_NB04_DROPOUT = 0.3


def _nb04_networks(dcgan, seed: int):
    """Notebook 04's G (BatchNormalization) and D (Dropout 0.3), weights and dropout masks drawn
    from ``seed`` (the learner's global random state is left alone)."""
    import keras
    import numpy as np

    G, D = dcgan.make_generator(), dcgan.make_discriminator(dropout=_NB04_DROPOUT)
    rng = np.random.default_rng(seed)
    for v in G.trainable_variables + D.trainable_variables:
        shape = tuple(v.shape)
        if len(shape) >= 2:
            limit = np.sqrt(3.0 / np.prod(shape[:-1]))
            value = rng.uniform(-limit, limit, shape)
        elif "gamma" in v.path:
            value = 1.0 + 0.1 * rng.normal(size=shape)
        else:
            value = 0.05 * rng.normal(size=shape)
        v.assign(value.astype("float32"))
    for layer in D.layers:
        if isinstance(layer, keras.layers.Dropout):
            layer.seed_generator.state.assign(np.array([seed, 0], "int64"))
    return G, D


def _nb04_state(*nets):
    return [v.numpy().copy() for net in nets for v in net.variables]


def _nb04_restore(state, *nets):
    for v, value in zip([v for net in nets for v in net.variables], state):
        v.assign(value)


def _nb04_step_variants(dcgan, G, D, real, z, start, names):
    """D's loss under the right step or a usual mistake: name -> [(loss, gradient of D)], one
    pair for each order in which a step may call D.

    Every variant starts from the state ``start`` (weights, G's moving statistics, D's dropout
    seeds), so that a learner's step with the same calls, in the same order, gets the same
    masks. Returns them and G's moving statistics after one G(z, training=True) from there."""
    import tensorflow as tf

    d_loss, smoothed = dcgan.discriminator_loss, dcgan.smoothed_discriminator_loss
    _nb04_restore(start, G, D)
    fake_inference = G(z, training=False)
    fake = G(z, training=True)

    def orders(combine, real_mode=True, fake_mode=True, fakes=fake):
        """The loss with D called on the real images first, and with the fakes first."""

        def real_first():
            real_logits = D(real, training=real_mode)
            return combine(real_logits, D(fakes, training=fake_mode))

        def fake_first():
            fake_logits = D(fakes, training=fake_mode)
            return combine(D(real, training=real_mode), fake_logits)

        return [real_first, fake_first]

    def together():
        logits = D(tf.concat([real, fake], 0), training=True)
        return d_loss(logits[: len(real)], logits[len(real) :])

    calls = {
        "right": [*orders(d_loss), together],
        "D inference": orders(d_loss, None, None),
        "D inference on fakes": orders(d_loss, True, None),
        "D inference on reals": orders(d_loss, None, True),
        "G inference": orders(d_loss, fakes=fake_inference),
        "swapped": orders(lambda r, f: d_loss(f, r)),
        "uphill": orders(lambda r, f: -d_loss(r, f)),
        "real only": [lambda: tf.reduce_mean(tf.nn.softplus(-D(real, training=True)))],
        "fake only": [lambda: tf.reduce_mean(tf.nn.softplus(D(fake, training=True)))],
        "smoothed": orders(lambda r, f: smoothed(r, f, 0.9)),
    }
    found = {}
    for name in names:
        found[name] = []
        for call in calls[name]:
            _nb04_restore(start, G, D)
            with tf.GradientTape() as tape:
                loss = call()
            grad = _nb04_flat(tape.gradient(loss, D.trainable_variables))
            found[name].append((float(loss), grad))
    _nb04_restore(start, G, D)
    G(z, training=True)
    g_statistics = _nb04_flat(G.non_trainable_variables)
    _nb04_restore(start, G, D)
    return found, g_statistics


_NB04_STEP_HINTS = {
    "D inference": "D ran in inference mode (no training argument, or training=False): its "
    "Dropout was off, so your gradient is not that of the network the notebook trains. Call "
    "D(real, training=True) and D(fake, training=True), as section 4's d_step does",
    "D inference on fakes": "D ran in inference mode on the fakes (no training argument, or "
    "training=False), so its Dropout was off for them: call D(fake, training=True) too",
    "D inference on reals": "D ran in inference mode on the real images (no training argument, "
    "or training=False), so its Dropout was off for them: call D(real, training=True) too",
    "G inference": "your fakes come from G in inference mode (no training argument, or "
    "training=False): draw them with G(z, training=True), as the notebook's step does, so that "
    "G's BatchNormalization uses the statistics of the batch D is trained on",
    "swapped": "D moved towards calling the real images fake and the fakes real: are the real "
    "and fake logits swapped in discriminator_loss(real_logits, fake_logits)?",
    "uphill": "D's update went uphill, raising its loss: minimise discriminator_loss (no minus "
    "sign in front of it)",
    "real only": "your update is the gradient of D's loss on the real images only: D's loss "
    "needs the fake batch too, discriminator_loss(real_logits, fake_logits)",
    "fake only": "your update is the gradient of D's loss on the fakes only: D's loss needs the "
    "real batch too, discriminator_loss(real_logits, fake_logits)",
    "smoothed": "you smoothed the real label (0.9): this step uses notebook 01's "
    "discriminator_loss, real target 1 (section 7a's smoothing is a variant, not the step)",
}


def _nb04_adam_update(grad, lr: float, beta_1: float, beta_2: float, eps: float):
    """Keras' Adam's first step for the gradient ``grad`` (all moments start at 0)."""
    import numpy as np

    m, v = (1 - beta_1) * grad, (1 - beta_2) * grad**2
    alpha = lr * np.sqrt(1 - beta_2) / (1 - beta_1)
    return -alpha * m / (np.sqrt(v) + eps)


def _nb04_run_step(answer, G, D, d_opt, real, z):
    """Run the learner's step; returns (result, G's trainable change, D's update)."""
    import numpy as np

    g_before, d_before = _nb04_flat(G.trainable_variables), _nb04_flat(D.trainable_variables)
    try:
        result = answer(G, D, d_opt, real, z)
    except ValueError as error:
        expect(
            "No gradients provided" not in str(error),
            "d_opt got no gradients (None for every variable): a tape gives gradients only for "
            "variables that the loss depends on inside it. Which variables does your tape "
            "differentiate? D's step needs D.trainable_variables",
        )
        raise
    g_moved = float(np.max(np.abs(_nb04_flat(G.trainable_variables) - g_before)))
    return result, g_moved, _nb04_flat(D.trainable_variables) - d_before


def _nb04_check_moved(g_moved: float, d_update, d_opt) -> None:
    import numpy as np

    expect(
        g_moved == 0.0,
        f"G's weights changed during your discriminator step (by up to {g_moved:.2g}): which "
        "variables does your tape differentiate, and which does d_opt.apply_gradients update? "
        "Only D.trainable_variables",
    )
    steps = int(d_opt.iterations.numpy())
    moved = float(np.max(np.abs(d_update)))
    expect(
        moved > 0 or steps > 0,
        "D's weights did not change: did you call d_opt.apply_gradients(zip(grads, "
        "D.trainable_variables)) after taking the gradient?",
    )
    expect(
        steps > 0,
        "D moved, but not through the d_opt you were given (it took no step): do you build an "
        "optimizer inside your step? Use d_opt, the one passed in: the notebook's carries its "
        "own learning rate and its Adam moments from step to step",
    )
    expect(
        steps == 1,
        f"d_opt took {steps} steps in one call of your discriminator step: apply the gradients "
        "once, d_opt.apply_gradients(zip(grads, D.trainable_variables))",
    )


def _nb04_same(update, want) -> bool:
    import numpy as np

    return bool(np.linalg.norm(update - want) <= 1e-3 * np.linalg.norm(want) + 1e-9)


def _nb04_check_loss(result, want_loss: float) -> None:
    expect(
        isinstance(result, dict) and "d_loss" in result,
        "return a dict of metrics with the key 'd_loss', like d_step(); got "
        f"{type(result).__name__}",
    )
    got = real_number(result["d_loss"])
    expect(got is not None, f"result['d_loss'] should be one number, not {result['d_loss']!r}")
    expect(
        abs(got - want_loss) <= 1e-4 * max(1.0, abs(want_loss)),
        "result['d_loss'] is not the loss your tape differentiated: return the loss computed "
        "inside the tape, before the update (not one computed again after apply_gradients). "
        f"It is {got:.4f}, want {want_loss:.4f}",
    )


@check("discriminator_step")
def check_discriminator_step(answer) -> str:
    """One D step on notebook 04's networks (G with BatchNormalization, D with Dropout), twice,
    with a new optimizer each time: SGD (the update must be -lr * the gradient measured here)
    and the notebook's Adam (its first step, computed here)."""
    import keras
    import numpy as np
    import tensorflow as tf

    from gan_helpers import lessons

    expect(callable(answer), "discriminator_step must be a function of (G, D, d_opt, real, z)")
    dcgan = lessons.load("04_dcgan_mnist")
    G, D = _nb04_networks(dcgan, seed=4)
    rng = np.random.default_rng(5)
    batch, lr = 6, 0.05
    real = tf.constant(rng.uniform(-1, 1, (batch, 28, 28, 1)), tf.float32)
    z = tf.constant(rng.normal(size=(batch, dcgan.NOISE_DIM)), tf.float32)
    start = _nb04_state(G, D)
    variants, g_statistics = _nb04_step_variants(dcgan, G, D, real, z, start, ["right"])
    g_start = _nb04_flat(G.non_trainable_variables)
    d_opt = keras.optimizers.SGD(lr)
    result, g_moved, update = _nb04_run_step(answer, G, D, d_opt, real, z)
    g_now = _nb04_flat(G.non_trainable_variables)
    _nb04_check_moved(g_moved, update, d_opt)
    right = next((v for v in variants["right"] if _nb04_same(update, -lr * v[1])), None)
    if right is None:
        mistakes, _ = _nb04_step_variants(dcgan, G, D, real, z, start, _NB04_STEP_HINTS)
        for name, hint in _NB04_STEP_HINTS.items():
            expect(not any(_nb04_same(update, -lr * g) for _, g in mistakes[name]), hint)
        expect(
            not np.allclose(g_now, g_start, atol=1e-7),
            _NB04_STEP_HINTS["G inference"],
        )
        expect(
            np.allclose(g_now, g_statistics, rtol=1e-4, atol=1e-6),
            "G's BatchNormalization saw a batch other than G(z) for the z you were given (its "
            "running statistics say so): draw the fakes from the z passed in, once, "
            "G(z, training=True), not from new noise",
        )
        raise Wrong(
            "D moved, but not by d_opt's step down notebook 01's discriminator_loss on D's logits "
            "for this real batch and G(z, training=True): do you pass D's logits (no sigmoid) to "
            "discriminator_loss, and differentiate the loss inside the tape?"
        )
    _nb04_check_loss(result, right[0])

    # again, on 5 images, with the notebook's optimizer (Adam, beta_1 = 0.5) at another rate
    G, D = _nb04_networks(dcgan, seed=7)
    batch, lr = 5, 3e-3
    real = tf.constant(rng.uniform(-1, 1, (batch, 28, 28, 1)), tf.float32)
    z = tf.constant(rng.normal(size=(batch, dcgan.NOISE_DIM)), tf.float32)
    start = _nb04_state(G, D)
    variants, _ = _nb04_step_variants(dcgan, G, D, real, z, start, ["right"])
    d_opt = keras.optimizers.Adam(lr, beta_1=0.5)
    # built here: a step compiled with tf.function may create variables on its first call only
    d_opt.build(D.trainable_variables)
    result, g_moved, update = _nb04_run_step(answer, G, D, d_opt, real, z)
    _nb04_check_moved(g_moved, update, d_opt)
    right = next(
        (
            v
            for v in variants["right"]
            if _nb04_same(update, _nb04_adam_update(v[1], lr, 0.5, 0.999, 1e-7))
        ),
        None,
    )
    expect(
        right is not None,
        "with Adam as d_opt your step does not move D by Adam's step: do you apply the "
        "gradients with the d_opt you were given, once, to D.trainable_variables (no SGD "
        "update written by hand)?",
    )
    _nb04_check_loss(result, right[0])
    return (
        "only D's weights moved, by exactly d_opt's step (SGD, then Adam) down notebook 01's D "
        "loss, with D's Dropout and G's BatchNormalization in training mode."
    )


# ----------------------------------------------------------------------------------------------
# 8b. train and measure: how fast does a discriminator with 50 times G's learning rate win?

# the run: D steps (each followed by a G step) and the batch size; small enough for seconds
_NB04_CURVE_STEPS, _NB04_CURVE_BATCH = 10, 16
# section 7's failure: D's learning rate 50 times G's (1e-2 against 2e-4)
_NB04_FAST_FACTOR = 50
# how far a learner's D(G(z)) may be from the check's run on the same seed, at any step (a
# compiled step gives the same curve to 1e-4; calling G's step first moves it by 0.004-0.1)
_NB04_CURVE_TOLERANCE = 0.01


def _nb04_curve_images():
    """2,000 images of the course's data (real MNIST or the fallback digits)."""
    from gan_helpers.data import load_mnist

    return load_mnist(verbose=False).images[:2000]


@functools.lru_cache(maxsize=8)
def _nb04_curve_reference(d_lr: float, seed: int, variant: str, source_size: int):
    """The check's own run with notebook 04's G, D and make_steps: D(G(z)) of each D step.

    variant "right": a D step, then a G step; "D alone": no G step; "G first": the G step first.
    """
    import keras
    import tensorflow as tf

    import gan_helpers
    from gan_helpers import lessons

    dcgan = lessons.load("04_dcgan_mnist")
    gan_helpers.set_seed(seed)
    G, D = dcgan.make_generator(), dcgan.make_discriminator()
    g_opt = keras.optimizers.Adam(dcgan.LEARNING_RATE, beta_1=0.5)
    d_opt = keras.optimizers.Adam(d_lr, beta_1=0.5)
    rng = tf.random.Generator.from_seed(seed)
    images = _nb04_curve_images()
    d_step, g_step = dcgan.make_steps(G, D, g_opt, d_opt, images, rng, batch_size=_NB04_CURVE_BATCH)
    curve = []
    for _ in range(_NB04_CURVE_STEPS):
        if variant == "G first":
            g_step()
        curve.append(float(d_step()["d_fake"]))
        if variant == "right":
            g_step()
    return tuple(curve)


def _nb04_curve(got, call: str):
    import numpy as np

    try:
        curve = np.asarray([real_number(v) for v in got], np.float64)
    except (TypeError, ValueError):
        curve = None
    expect(
        curve is not None and curve.ndim == 1 and len(curve) == _NB04_CURVE_STEPS,
        f"{call} should return a list of {_NB04_CURVE_STEPS} numbers, D(G(z)) at each step "
        f"(the D step's 'd_fake'), not {got!r:.80}",
    )
    expect(
        bool(np.all(np.isfinite(curve))),
        f"{call} returned a value that is not a number: {got!r:.80}",
    )
    expect(
        bool(np.all((curve >= 0) & (curve <= 1))),
        f"{call} returned values outside [0, 1]: D(G(z)) is a probability. Do you return the "
        "logits? The D step's 'd_fake' is the mean of sigmoid(logit)",
    )
    return curve


@check("fast_discriminator_curve")
def check_fast_discriminator_curve(answer) -> str:
    """Trains notebook 04's DCGAN for 10 steps (batch 16) through the learner's function, with
    D's learning rate 2e-4 and 50 times that, and compares D(G(z)) at each step with the check's
    own runs on the same seed."""
    import numpy as np

    import gan_helpers
    from gan_helpers import lessons

    expect(
        callable(answer),
        "fast_discriminator_curve must be a function of (images, d_lr, steps, batch_size, seed)",
    )
    dcgan, images = lessons.load("04_dcgan_mnist"), _nb04_curve_images()
    seed, steps, batch = gan_helpers.seed(0), _NB04_CURVE_STEPS, _NB04_CURVE_BATCH
    rates = {"healthy": dcgan.LEARNING_RATE, "fast": _NB04_FAST_FACTOR * dcgan.LEARNING_RATE}
    got, ref = {}, {}
    for name, d_lr in rates.items():
        call = (
            f"fast_discriminator_curve(images, d_lr={d_lr:g}, steps={steps}, "
            f"batch_size={batch}, seed={seed})"
        )
        result = answer(images, d_lr, steps=steps, batch_size=batch, seed=seed)
        got[name] = _nb04_curve(result, call)
        ref[name] = np.array(_nb04_curve_reference(d_lr, seed, "right", len(images)))
    late = slice(steps // 2, None)
    mine = {name: float(np.median(curve[late])) for name, curve in got.items()}
    theirs = {name: float(np.median(curve[late])) for name, curve in ref.items()}
    measured = (
        f"median D(G(z)) over the last {steps - steps // 2} steps: yours {mine['healthy']:.3f} "
        f"with d_lr {rates['healthy']:g} and {mine['fast']:.3f} with {rates['fast']:g}; the "
        f"check's runs on seed {seed}: {theirs['healthy']:.3f} and {theirs['fast']:.3f}"
    )
    hints = [
        (
            np.max(np.abs(got["healthy"] - got["fast"])) < 1e-6,
            "your two runs give the same curve: d_lr does not reach D's optimizer. Pass "
            "keras.optimizers.Adam(d_lr, beta_1=0.5) to make_steps as d_opt (its 4th argument)",
        ),
        (
            mine["fast"] > 0.8,
            "with d_lr 1e-2 your curve climbs towards 1: is it D(G(z))? Return the D step's "
            "'d_fake' (not 'd_real' or 'acc_fake')",
        ),
        (
            mine["fast"] > 0.5,
            "with d_lr 1e-2 your D(G(z)) rose above 1/2: G, not D, took the fast rate. "
            "make_steps(G, D, g_opt, d_opt, ...) takes G's optimizer first",
        ),
        (
            mine["fast"] > 0.1,
            f"with d_lr 1e-2 your D does not win within {steps} steps: is D's optimizer "
            "keras.optimizers.Adam(d_lr, beta_1=0.5)? Adam's steps are about d_lr in size "
            "whatever the gradient's; SGD's are the gradient times d_lr, far smaller here",
        ),
    ]
    hint = next((h for when, h in hints if when), None)
    if hint is not None:
        raise Wrong(cause_then(hint, f"{measured}."))

    def far(curves) -> bool:
        return any(
            np.max(np.abs(got[name] - np.asarray(curves[name]))) > _NB04_CURVE_TOLERANCE
            for name in rates
        )

    if far(ref):
        variants = {
            "D alone": "your G never trains: call g_step() after each d_step(), as TrainingLoop "
            "does (section 7's failure is a GAN in which both networks train)",
            "G first": "your G steps before D: call d_step() first, then g_step(), in each "
            "step, as TrainingLoop does",
        }
        for variant, variant_hint in variants.items():
            curves = {
                name: _nb04_curve_reference(d_lr, seed, variant, len(images))
                for name, d_lr in rates.items()
            }
            expect(far(curves), cause_then(variant_hint, f"{measured}."))
        raise Wrong(
            cause_then(
                f"your curves differ from the check's runs on the same seed by more than "
                f"{_NB04_CURVE_TOLERANCE} at some step: do you call gan_helpers.set_seed(seed) "
                "before building G, then D, draw from tf.random.Generator.from_seed(seed), "
                "give G Adam(LEARNING_RATE, beta_1=0.5), pass batch_size to make_steps, and "
                "build everything afresh in each call?",
                f"{measured}.",
            )
        )
    return (
        f"{measured}. With 50 times G's learning rate, D wins within a few steps: D(G(z)) falls "
        "to a few hundredths, section 7's failure, before G can learn anything; with the same "
        "rate as G, D(G(z)) stays near 1/2."
    )


# ----------------------------------------------------------------------------------------------
# 8c. how low can a smoothed discriminator loss go?


@check("smoothed_loss_floor")
def check_smoothed_loss_floor(answer) -> str:
    """Predict-then-run: the check minimises notebook 04's smoothed D loss over the logits."""
    import numpy as np
    import tensorflow as tf
    from scipy.optimize import minimize_scalar

    from gan_helpers import lessons

    value = real_number(answer)
    expect(
        value is not None and np.isfinite(value),
        f"write one number, the lowest loss, e.g. 1.234; got {answer!r}",
    )
    smoothed = lessons.load("04_dcgan_mnist").smoothed_discriminator_loss
    # fakes at logit -60: D is sure they are fake, their part of the loss is ~1e-26
    fake = tf.constant([[-60.0]])

    def loss(logit):
        return float(smoothed(tf.constant([[logit]], tf.float32), fake, 0.9))

    best = minimize_scalar(loss, bounds=(-20.0, 20.0), method="bounded", options={"xatol": 1e-6})
    floor, d_best = best.fun, 1 / (1 + np.exp(-best.x))
    measured = f"measured: the lowest loss is {floor:.3f}, reached at D(x) = {d_best:.2f}"
    # three decimals, as the exercise asks: 0.325 or 0.326
    if abs(value - floor) <= 0.0015:
        return (
            f"{measured}: with smoothing, a D loss near 0.33 is D at its best, so the D loss no "
            "longer shows a collapse (section 7a)."
        )
    near = lambda a, b: abs(a - b) <= 0.0015  # noqa: E731
    hints = [
        (
            value <= 0.01,
            "reaching 0 would need D(x) = 1, but with the target 0.9, D(x) = 1 costs "
            "0.1 * -log(1 - D(x)) = infinity",
        ),
        (
            near(value, -np.log(0.9)),
            f"-log 0.9 = {-np.log(0.9):.3f} is the loss with target 1 at D(x) = 0.9; with "
            "target 0.9 the loss also charges 0.1 * -log(1 - D(x))",
        ),
        (
            near(value, -0.9 * np.log(0.9)),
            f"-0.9 log 0.9 = {-0.9 * np.log(0.9):.3f} is only the real target's part: add the "
            "part of the 0.1 target, -0.1 log(1 - 0.9)",
        ),
        (
            near(value, -0.1 * np.log(0.1)),
            f"-0.1 log 0.1 = {-0.1 * np.log(0.1):.3f} is only the 0.1 target's part: add "
            "-0.9 log 0.9",
        ),
        (
            near(value, floor / np.log(2)),
            f"{value:.3f} is the floor in bits (log base 2): the losses use natural logs",
        ),
        (
            near(value, floor / np.log(10)),
            f"{value:.3f} is the floor in log base 10: the losses use natural logs",
        ),
        (
            near(value, floor + np.log(2)),
            "the fakes' part is 0 here (D scores them fake with full confidence): the floor is "
            "the real images' part alone",
        ),
        (
            near(value, np.log(2)),
            f"ln 2 = {np.log(2):.3f} is the loss at D(x) = 0.5; D does better at D(x) = "
            f"{d_best:.2f}",
        ),
        (
            abs(value - floor) < 0.01,
            "close, but write three decimals: the check reads your number to 0.001",
        ),
    ]
    hint = next(
        (h for when, h in hints if when),
        "the lowest loss on a real image is at D(x) = 0.9: the cross-entropy of a target with "
        "itself, -0.9 log 0.9 - 0.1 log 0.1 (its entropy)",
    )
    raise Wrong(cause_then(hint, f"You said {value:g}; {measured}."))
