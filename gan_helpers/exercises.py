"""Checks for the exercises at the end of notebooks 01-08: did I get it right, and if not, why?

Each exercise cell holds a stub and, on its last line, a check::

    def generator_loss(fake_logits):
        raise NotImplementedError("your code here")


    exercises.check_generator_loss(generator_loss)

A check runs your answer on small cases whose right answer it knows (it measures them, it does
not trust a stored number), then prints one line and returns a :class:`Verdict`:

* ``not attempted yet``: the stub is untouched (it raises ``NotImplementedError``, or your
  prediction is still ``None``). Running the notebook as it comes never fails.
* ``wrong``: what is wrong, in plain words, and a question that points at the usual cause.
* ``correct``: what your answer got right.

The reference solutions are not in the notebooks: they live in ``solutions/`` (one module per
notebook, with a note per exercise), and ``make solutions`` writes the instructor's copies of the
notebooks with the stubs replaced by them. ``tests/test_exercises.py`` feeds every check its
reference solution (it must pass) and typical wrong answers (each must be rejected, with its own
message): a check that cannot fail would teach nothing.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

NOT_ATTEMPTED = "not attempted yet"
MARKS = {"correct": "✔", "wrong": "✘", NOT_ATTEMPTED: "…"}


@dataclass(frozen=True)
class Verdict:
    """What a check found: ``status`` is "correct", "wrong" or "not attempted yet"."""

    exercise: str
    status: str
    message: str

    @property
    def passed(self) -> bool:
        return self.status == "correct"

    def __str__(self) -> str:
        return f"{MARKS[self.status]} {self.exercise}: {self.status}. {self.message}".rstrip()

    def _ipython_display_(self) -> None:
        # a check on a cell's last line has printed its verdict already: show it once, not twice
        if not getattr(self, "printed", False):
            print(self)


class Wrong(Exception):
    """Raised inside a check body: the message says what is wrong with the learner's answer."""


def expect(condition: bool, message: str) -> None:
    """Reject the answer with ``message`` unless ``condition`` holds."""
    if not condition:
        raise Wrong(message)


def _first_line(error: BaseException, limit: int = 160) -> str:
    text = str(error).strip().splitlines()
    line = text[0] if text else ""
    return line if len(line) <= limit else line[: limit - 3] + "..."


def check(exercise: str) -> Callable:
    """Turn ``body(answer, ...) -> success message`` into a check that never raises.

    The body calls the learner's answer on known cases and raises :class:`Wrong` (via
    :func:`expect`) with a message that teaches. Anything else the learner's code raises is
    reported as one plain line, not a traceback from deep inside TensorFlow.
    """

    def decorate(body: Callable[..., str]) -> Callable[..., Verdict]:
        @functools.wraps(body)
        def run(answer, *args, quiet: bool = False, **kwargs) -> Verdict:
            try:
                if answer is None:
                    raise NotImplementedError
                verdict = Verdict(exercise, "correct", body(answer, *args, **kwargs) or "")
            except NotImplementedError:
                verdict = Verdict(exercise, NOT_ATTEMPTED, "Write your answer, then run the cell.")
            except Wrong as error:
                verdict = Verdict(exercise, "wrong", str(error))
            except Exception as error:  # the learner's code failed: say how, in one line
                verdict = Verdict(
                    exercise,
                    "wrong",
                    f"your answer raised {type(error).__name__}: {_first_line(error)}",
                )
            if not quiet:
                print(verdict)
                object.__setattr__(verdict, "printed", True)
            return verdict

        run.exercise = exercise
        return run

    return decorate


# ---- notebook 01 ------------------------------------------------------------------------------


def _nb01_softplus(x):
    """softplus(x) = log(1 + e^x) in NumPy, float64, finite for every finite x."""
    import numpy as np

    return np.logaddexp(0.0, np.asarray(x, np.float64))


def _nb01_scalar(value, call: str) -> float:
    """The learner's loss as a float, or a plain message when it is not one number."""
    import numpy as np

    array = np.asarray(value)
    expect(array.dtype.kind == "f", f"{call} returned {type(value).__name__}, not a float tensor")
    expect(
        array.ndim == 0,
        f"{call} has shape {array.shape}: a loss is one number, the mean over the batch "
        "(tf.reduce_mean)",
    )
    return float(array)


def _nb01_close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-4 * max(1.0, abs(b))


def _nb01_loss_and_grad(answer, *logits):
    """The learner's loss on float32 logits and its gradient with respect to each of them."""
    import tensorflow as tf

    tensors = [tf.constant(x, tf.float32) for x in logits]
    with tf.GradientTape() as tape:
        tape.watch(tensors)
        loss = answer(*tensors)
    expect(
        tf.is_tensor(loss),
        f"your loss is a {type(loss).__name__}, not a TensorFlow tensor: no gradient can flow "
        "back through it to G. Use tf operations (tf.nn.softplus, tf.reduce_mean).",
    )
    grads = tape.gradient(loss, tensors)
    return loss, grads


@check("nonsaturating_loss")
def check_nonsaturating_loss(answer) -> str:
    """G's non-saturating loss -log D(G(z)) on logits, against NumPy, extremes included."""
    import numpy as np

    logits = np.array([[2.0], [-1.0], [0.5], [-3.0], [0.0], [4.0]], np.float32)
    import tensorflow as tf

    value = _nb01_scalar(answer(tf.constant(logits)), "nonsaturating_loss(fake_logits)")
    want = float(np.mean(_nb01_softplus(-logits)))
    near = {
        "minimax": -np.mean(_nb01_softplus(logits)),
        "label 0": np.mean(_nb01_softplus(logits)),
        "sum": want * len(logits),
    }
    expect(
        not _nb01_close(value, near["minimax"]),
        "your loss is log(1 - D(G(z))), the minimax loss of section 3: the non-saturating loss is "
        "-log D(G(z)) = softplus(-logit). Which sign does G's loss carry?",
    )
    expect(
        not _nb01_close(value, near["label 0"]),
        f"your loss is -log(1 - D(G(z))) (mean softplus(logit) = {value:.4f}), D's loss on fakes: "
        "minimising it makes the fakes look MORE fake. Which label do the fakes carry in G's loss?",
    )
    expect(
        not _nb01_close(value, near["sum"]),
        f"your loss is {len(logits)} times too large for a batch of {len(logits)}: take the mean "
        "over the batch (tf.reduce_mean), not the sum",
    )
    expect(
        _nb01_close(value, want),
        f"for the logits {logits.ravel().tolist()} your loss is {value:.4f}, want "
        f"mean(-log sigmoid(logit)) = {want:.4f}",
    )
    loss, (grad,) = _nb01_loss_and_grad(answer, [[-120.0], [-3.0], [120.0]])
    value = float(np.asarray(loss))
    expect(
        np.isfinite(value),
        f"at a logit of -120 your loss is {value}: sigmoid(-120) rounds to 0 in float32 and "
        "log(0) = -inf. Do you take the sigmoid first, then the log? Write it on the logit.",
    )
    expect(grad is not None, "no gradient reaches the logits: do you leave TensorFlow (.numpy())?")
    slope = float(np.asarray(grad)[0, 0])
    expect(
        abs(slope) > 0.1,
        f"at a logit of -120 your loss has gradient {slope:.3g} per logit: G would learn nothing "
        "from its worst fakes. Do you clamp (clip) the probability before the log?",
    )
    want = float(np.mean(_nb01_softplus([120.0, 3.0, -120.0])))
    expect(
        _nb01_close(value, want) and abs(slope + 1 / 3) < 1e-4,
        f"at the logits -120, -3, 120 your loss is {value:.4f} with gradient {slope:.4f} at -120; "
        f"want {want:.4f} and -1/3 (= -(1 - D) / batch size)",
    )
    return "-log D(G(z)) on logits: right values, finite at logit -120, full gradient there."


@check("smoothed_discriminator_loss")
def check_smoothed_discriminator_loss(answer) -> str:
    """D's loss with one-sided label smoothing (real 0.9, fake 0), against NumPy."""
    import numpy as np

    real = np.array([[2.0], [-1.0], [0.5], [3.0]], np.float32)
    fake = np.array([[-3.0], [0.2], [1.0], [-0.5]], np.float32)
    import tensorflow as tf

    value = _nb01_scalar(
        answer(tf.constant(real), tf.constant(fake)),
        "smoothed_discriminator_loss(real_logits, fake_logits)",
    )

    def loss(y_real, y_fake, both_terms=True):
        keep = 1.0 if both_terms else 0.0
        on_real = y_real * _nb01_softplus(-real) + keep * (1 - y_real) * _nb01_softplus(real)
        on_fake = y_fake * _nb01_softplus(-fake) + (1 - y_fake) * _nb01_softplus(fake)
        return float(np.mean(on_real) + np.mean(on_fake))

    want = loss(0.9, 0.0)
    wrong = [
        (
            loss(0.9, 0.1),
            "you smoothed the fakes' label too (0.1): smoothing is one-sided, fakes "
            "keep the label 0. A fake label above 0 tells D that fakes are a little real.",
        ),
        (
            loss(0.1, 0.0),
            "your real images carry the label 0.1: the smoothed label of real images "
            "is 0.9 (1 - 0.1). Which way round are the two labels?",
        ),
        (
            loss(1.0, 0.0),
            "this is the unsmoothed loss of section 3 (real label 1): where does the 0.9 go?",
        ),
        (
            loss(0.9, 0.0, both_terms=False),
            "your loss misses the term 0.1 softplus(real_logit): "
            "with a label y the cross-entropy is y softplus(-l) + (1 - y) softplus(l)",
        ),
        (
            want / 2,
            "your loss is half the right one: did you average over real and fakes "
            "together? Take each batch's mean and add the two, as discriminator_loss does",
        ),
    ]
    for value_if_wrong, message in wrong:
        expect(not _nb01_close(value, value_if_wrong), message)
    expect(
        _nb01_close(value, want),
        f"your loss is {value:.4f} on the test logits, want {want:.4f}: mean over the real batch "
        "of 0.9 softplus(-l) + 0.1 softplus(l), plus mean over the fakes of softplus(l)",
    )
    best = np.log(9.0)
    loss_value, (g_real, g_fake) = _nb01_loss_and_grad(answer, [[best], [-120.0]], [[120.0], [0.0]])
    expect(
        np.isfinite(float(np.asarray(loss_value))),
        "your loss is not finite for the logits -120 and 120: do you take the sigmoid first, then "
        "the log? Write it on the logits (tf.nn.softplus).",
    )
    expect(g_real is not None, "no gradient reaches the logits: do you leave TensorFlow?")
    slope = float(np.asarray(g_real)[0, 0])
    expect(
        abs(slope) < 1e-5,
        f"at D(x) = 0.9 your loss still has slope {slope:.3g} on a real logit: the smoothed loss "
        "should be flat exactly there",
    )
    return "one-sided smoothing: right values, finite at ±120, and D's best D(x) is now 0.9."


def _nb01_generator_slopes(d_fake: float) -> dict[str, float]:
    """|d g_loss / d logit| of each of notebook 01's generator losses at D(G(z)) = d_fake."""
    import numpy as np
    import tensorflow as tf

    from gan_helpers import lessons

    vanilla = lessons.load("01_vanilla_gan_mnist")
    logit = tf.constant([np.log(d_fake / (1 - d_fake))], tf.float32)
    slopes = {}
    for kind in vanilla.GENERATOR_LOSSES:
        with tf.GradientTape() as tape:
            tape.watch(logit)
            loss = vanilla.generator_loss(logit, kind)
        slopes[kind] = abs(float(tape.gradient(loss, logit)[0]))
    return slopes


@check("gradient_ratio")
def check_gradient_ratio(answer) -> str:
    """Predict |grad non-saturating| / |grad minimax| at D(G(z)) = 0.01; measured with tf."""
    import numbers

    expect(
        isinstance(answer, numbers.Real) and not isinstance(answer, bool),
        f"gradient_ratio should be a number, e.g. 3 or 0.5, not {answer!r}",
    )
    slopes = _nb01_generator_slopes(0.01)
    ratio = slopes["non-saturating"] / slopes["minimax"]
    measured = (
        f"measured on the notebook's generator_loss: |slope| {slopes['non-saturating']:.2f} "
        f"(non-saturating) against {slopes['minimax']:.2f} (minimax), a ratio of {ratio:.1f}"
    )
    expect(answer > 0, f"a ratio of two sizes is positive, not {answer}; {measured}")
    expect(
        abs(answer - 1) > 0.1,
        f"{measured}. The two losses share their fixed point D = 1/2, not their gradient: "
        "section 5 writes both derivatives",
    )
    expect(
        abs(answer * ratio - 1) > 0.1,
        f"{measured}: you gave minimax over non-saturating, the question asks the other way",
    )
    expect(
        abs(answer / ratio - 1) < 0.1,
        f"{measured}. Your {answer} is off: the slopes are 1 - D and D; what is (1 - D) / D at "
        "D = 0.01?",
    )
    return f"{measured}: near D(G(z)) = 0 the minimax loss saturates."


@check("larger_gradient_when_fooled")
def check_larger_gradient_when_fooled(answer) -> str:
    """Predict which generator loss has the larger gradient at D(G(z)) = 0.99; measured with tf."""
    choices = ("minimax", "non-saturating", "equal")
    expect(answer in choices, f"answer one of {choices}, not {answer!r}")
    slopes = _nb01_generator_slopes(0.99)
    if abs(slopes["minimax"] / slopes["non-saturating"] - 1) < 0.01:
        truth = "equal"
    else:
        truth = max(slopes, key=slopes.get)
    measured = (
        f"measured at D(G(z)) = 0.99: |slope| {slopes['minimax']:.2f} for minimax, "
        f"{slopes['non-saturating']:.2f} for non-saturating"
    )
    hints = {
        "equal": "they are equal only at D(G(z)) = 1/2, the shared fixed point",
        "non-saturating": "the slopes are D (minimax) and 1 - D (non-saturating): which is small "
        "when D(G(z)) is near 1?",
        "minimax": "the minimax slope is D itself",
    }
    expect(answer == truth, f"{measured}: {hints[answer]}")
    return (
        f"{measured}. The non-saturating loss saturates too, but only once G is already fooling D."
    )


# ---- notebook 02 ------------------------------------------------------------------------------

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


# ---- notebook 03 ------------------------------------------------------------------------------


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


# ---- notebook 04 ------------------------------------------------------------------------------


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


# ---- notebook 05 ------------------------------------------------------------------------------


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


# ---- notebook 06 ------------------------------------------------------------------------------


def _placed_points(mixture):
    """Ten points on circles around the first four modes, at 0.5, 2 and 5 sigma and at 0.5."""
    import numpy as np

    turns = np.linspace(0.0, 2 * np.pi, 10, endpoint=False)
    circle = np.stack([np.cos(turns), np.sin(turns)], axis=1)
    radii = [0.5 * mixture.sigma, 2 * mixture.sigma, 5 * mixture.sigma, 0.5]
    points = [mixture.centres[i] + r * circle for i, r in enumerate(radii)]
    return np.concatenate(points).astype(np.float32)


def _modes_within(samples, mixture, limit, squared=False):
    """How many modes are the nearest mode of a sample within limit (of the squared distance)."""
    import numpy as np

    from gan_helpers import mixtures

    index, distance = mixtures.nearest_mode(samples, mixture)
    near = (distance**2 if squared else distance) <= limit
    return len(np.unique(index[near]))


def _modes_captured_hint(got, samples, mixture):
    """The usual cause of a wrong count, found by computing what each usual mistake gives."""
    import numpy as np

    from gan_helpers import mixtures

    sigma = mixture.sigma
    good = int(np.sum(mixtures.nearest_mode(samples, mixture)[1] <= 3 * sigma))
    if got == good:
        return "did you count the high-quality samples instead of the modes they sit on?"
    if got == _modes_within(samples, mixture, np.inf):
        return "samples far from every mode count too: where is the 3σ threshold?"
    if got == _modes_within(samples, mixture, 3 * sigma, squared=True):
        return "is the squared distance compared with 3σ? Compare the distance itself."
    if got == _modes_within(samples, mixture, sigma):
        return "is the threshold σ instead of 3σ?"
    return "a mode counts when it is the nearest mode of at least one sample within 3σ of it."


@check("modes_captured")
def check_modes_captured(modes_captured):
    """Compare with mixtures.mode_stats on points placed around the 3σ line and on real data."""
    import numbers

    import numpy as np

    from gan_helpers import mixtures

    rng = np.random.default_rng(0)
    ring, grid = mixtures.ring(), mixtures.grid()
    one_mode = ring.centres[3] + ring.sigma * rng.normal(size=(500, 2))
    cases = [
        ("40 points at 0.5σ, 2σ, 5σ and 25σ from four ring modes", _placed_points(ring), ring),
        ("2,500 real points of the grid", grid.sample(2500, rng), grid),
        ("500 points around one ring mode", one_mode.astype(np.float32), ring),
    ]
    for name, samples, mixture in cases:
        got = modes_captured(samples.copy(), mixture)
        expect(
            isinstance(got, numbers.Integral) and not isinstance(got, bool),
            f"return a whole number (int), the count of captured modes; got {got!r}",
        )
        truth = mixtures.mode_stats(samples, mixture)["modes_captured"]
        expect(
            got == truth,
            f"for {name} you count {got} modes, the right count is {truth}: "
            + _modes_captured_hint(got, samples, mixture),
        )
    return "right on points placed near the 3σ line, on real data and on a collapsed sample."


def _same_mode_share(G, mixture, collapsed):
    """Measured: the share of packs of two points (real or G's) whose points share a mode."""
    import numpy as np
    import tensorflow as tf

    from gan_helpers import lessons, mixtures

    lesson = lessons.load("06_mode_collapse")
    real, fake = lesson.make_batches(G, mixture, tf.random.Generator.from_seed(0), 5000, 2)
    points = (fake() if collapsed else real()).numpy().reshape(-1, 2)
    index = mixtures.nearest_mode(points, mixture)[0].reshape(-1, 2)
    return float(np.mean(index[:, 0] == index[:, 1]))


@check("pack_same_mode")
def check_pack_same_mode(pack_same_mode):
    """Measure both shares with notebook 06's make_batches (pack = 2) on the ring."""
    import numbers

    import numpy as np

    from gan_helpers import lessons, mixtures

    expect(
        isinstance(pack_same_mode, (tuple, list))
        and len(pack_same_mode) == 2
        and all(isinstance(v, numbers.Real) for v in pack_same_mode),
        f"answer a pair of two fractions, (real packs, collapsed packs); got {pack_same_mode!r}",
    )
    real, collapsed = (float(v) for v in pack_same_mode)
    expect(
        0 <= real <= 1 and 0 <= collapsed <= 1,
        f"give fractions between 0 and 1, not percentages: got {pack_same_mode!r}",
    )
    lesson, ring = lessons.load("06_mode_collapse"), mixtures.ring()
    G = lesson.make_generator()
    measured_real = _same_mode_share(G, ring, collapsed=False)
    # a generator collapsed onto mode 0: its last layer sends every z to that centre
    last = G.layers[-1]
    last.set_weights([np.zeros_like(last.get_weights()[0]), ring.centres[0]])
    measured_collapsed = _same_mode_share(G, ring, collapsed=True)
    if abs(real - measured_real) > 0.03:
        if abs(real - 1 / 64) < 0.005:
            hint = "1/64 is the chance that both sit on one given mode; any of the 8 will do"
        elif real < 0.03:
            hint = "'almost never' is not never: the second point picks 1 of 8 modes"
        else:
            hint = "the two points are drawn independently, each from 8 equally likely modes"
        raise Wrong(f"measured {measured_real:.3f} for real packs, you said {real:g}: {hint}")
    expect(
        abs(collapsed - measured_collapsed) <= 0.03,
        f"measured {measured_collapsed:.3f} for the collapsed generator, you said "
        f"{collapsed:g}: where do its two points land?",
    )
    return (
        f"measured {measured_real:.3f} (real) and {measured_collapsed:.3f} (collapsed): a pack "
        "shows D what one point cannot, how often the points agree."
    )


# ---- notebook 07 ------------------------------------------------------------------------------


def _dirac_candidates(theta, psi, h):
    """Where the usual mistakes take one step from (theta, psi): name -> (theta', psi')."""
    import math

    def sig(u):
        return 1 / (1 + math.exp(-u))

    psi_new = psi - h * theta * sig(psi * theta)
    return {
        "alternating": (theta + h * psi_new * sig(psi_new * theta), psi_new),
        "D ascends": (theta + h * psi * sig(psi * theta), psi + h * theta * sig(psi * theta)),
        "G ascends": (theta - h * psi * sig(psi * theta), psi_new),
        "no sigmoid": (theta + h * psi, psi - h * theta),
        "non-saturating": (theta + h * psi * sig(-psi * theta), psi_new),
    }


_DIRAC_HINTS = {
    "alternating": "θ moved as if G saw ψ after D's step: in a simultaneous step both players "
    "step from the same point (the notebook's psi_before)",
    "D ascends": "ψ moved the wrong way: D takes a step down its own loss, ψ ← ψ − h·∂d_loss/∂ψ",
    "G ascends": "θ moved the wrong way: G takes a step down its own loss, θ ← θ − h·∂g_loss/∂θ",
    "no sigmoid": "both moved by h·(ψ, −θ), the WGAN's field: where is the factor sigmoid(ψθ)?",
    "non-saturating": "θ moved as under the non-saturating loss: this game uses the minimax one",
}


@check("simultaneous_step")
def check_simultaneous_step(simultaneous_step):
    """Compare with h times notebook 07's vector_field (autodiff), from three points."""
    import numpy as np

    from gan_helpers import lessons

    lesson = lessons.load("07_dirac_gan")
    for theta, psi, h in [(1.0, 0.5, 0.1), (-0.7, 1.2, 0.5), (0.3, -2.0, 0.25)]:
        got = simultaneous_step(theta, psi, h)
        expect(
            isinstance(got, (tuple, list)) and len(got) == 2,
            f"return a pair (theta, psi) after the step; got {type(got).__name__}",
        )
        got = np.array([float(np.asarray(v)) for v in got])
        v_theta, v_psi = lesson.vector_field(theta, psi, "GAN")
        truth = np.array([theta + h * float(v_theta), psi + h * float(v_psi)])
        if np.allclose(got, truth, rtol=1e-6, atol=1e-9):
            continue
        place = f"from (θ, ψ) = ({theta}, {psi}) with h = {h} you step to {np.round(got, 4)}"
        for name, step in _dirac_candidates(theta, psi, h).items():
            if np.allclose(got, step, rtol=1e-6, atol=1e-9):
                raise Wrong(f"{place}: {_DIRAC_HINTS[name]}")
        raise Wrong(
            f"{place}, the step is {np.round(truth, 4)}: both players step from the same "
            "point, each down its own loss (section 2)"
        )
    return "one step from three points, as the notebook's vector_field moves them."


@functools.lru_cache(maxsize=1)
def _doubling_measured():
    """Run notebook 07's compiled simultaneous GAN from (0.05, 0), h = 0.1: steps to double."""
    import numpy as np

    from gan_helpers import dirac_panel, lessons

    run = lessons.load("07_dirac_gan").make_dirac_gan("simultaneous", "GAN")
    distance = dirac_panel.distance(run((0.05, 0.0), 1000, 0.1))
    return int(np.argmax(distance >= 2 * distance[0])) if distance.max() >= 0.1 else None


@check("doubling_steps")
def check_doubling_steps(doubling_steps):
    """Measure the first step at which the distance to (0, 0) has doubled."""
    import numbers

    expect(
        isinstance(doubling_steps, numbers.Real) and not isinstance(doubling_steps, bool),
        f"answer a number of steps (an int, or math.inf for never); got {doubling_steps!r}",
    )
    measured = _doubling_measured()
    expect(
        doubling_steps > 0 and doubling_steps != float("inf"),
        f"the distance does double, after {measured} steps: simultaneous steps spiral out",
    )
    if abs(doubling_steps / measured - 1) <= 0.1:
        return f"measured {measured} steps: each multiplies the distance by √(1 + h²/4)."
    ratio = measured / doubling_steps
    hint = "near (0, 0) one step multiplies the distance by √(1 + h²f'(0)²), f'(0) = ½"
    if abs(ratio - 2) < 0.2:
        hint = "did you double |x|² rather than |x|? The distance grows by the square root"
    elif abs(ratio - 4) < 0.4:
        hint = "did you take f'(0) = 1? The GAN's is sigmoid(0) = ½ (WGAN's is 1)"
    raise Wrong(f"measured {measured} steps, you said {doubling_steps}: {hint}")


# ---- notebook 08 ------------------------------------------------------------------------------


def _generator_input_hint(shape, n, noise_dim, classes):
    """What a wrongly shaped generator input says about its construction."""
    if shape == (n, noise_dim + 1):
        return "one column for the label: is it the digit itself instead of a one-hot vector?"
    if len(shape) == 2 and shape[0] == n and noise_dim < shape[1] < noise_dim + classes:
        return (
            f"{shape[1] - noise_dim} label columns for digits 0-7: a one-hot vector has "
            f"NUM_CLASSES = {classes} columns whichever digits the batch holds"
        )
    if len(shape) == 2 and shape[0] != n:
        return "each row is one example: along which axis do z and the label join?"
    return f"each row is z ({noise_dim} numbers) followed by the label's {classes}"


@check("generator_input")
def check_generator_input(generator_input):
    """Compare with z and np.eye(10)[digits] side by side, on two batches."""
    import numpy as np

    from gan_helpers import lessons

    lesson = lessons.load("08_conditional_gan")
    noise_dim, classes = lesson.NOISE_DIM, lesson.NUM_CLASSES
    rng = np.random.default_rng(0)
    cases = [
        ("the digits 0-9", np.arange(10) % classes),
        ("digits 0-7 only", np.array([3, 7, 0, 5, 1, 7])),
    ]
    for name, digits in cases:
        z = rng.normal(size=(len(digits), noise_dim)).astype(np.float32)
        try:
            got = generator_input(z.copy(), digits.copy())
        except Exception as error:
            expect(
                "concat" not in str(error).lower(),
                f"joining z {z.shape} and the labels failed ({type(error).__name__}): z and "
                "the one-hot labels have the same number of rows, not of columns: which axis?",
            )
            raise
        got = np.asarray(got)
        truth = np.concatenate([z, np.eye(classes, dtype=np.float32)[digits]], axis=1)
        expect(
            got.shape == truth.shape,
            f"for {name} your input has shape {got.shape}, the generator takes {truth.shape}: "
            + _generator_input_hint(got.shape, len(digits), noise_dim, classes),
        )
        swapped = np.concatenate([truth[:, noise_dim:], z], axis=1)
        expect(
            not np.allclose(got, swapped),
            "the label comes first: the notebook's generator joins [z, label], z first",
        )
        expect(
            np.allclose(got[:, :noise_dim], z),
            f"for {name} the first {noise_dim} columns are not z: leave the noise as it is",
        )
        expect(
            np.allclose(got, truth),
            f"for {name} the last {classes} columns are not the one-hot labels: row i should "
            "hold a 1 in column digits[i] and 0 elsewhere",
        )
    return f"(n, {noise_dim} + {classes}): z, then the one-hot label, for every digit."


@check("extra_generator_parameters")
def check_extra_generator_parameters(extra_generator_parameters):
    """Count: the conditional generator's parameters minus notebook 04's generator's."""
    import numbers

    from gan_helpers import lessons

    expect(
        isinstance(extra_generator_parameters, numbers.Integral),
        f"answer a whole number of parameters; got {extra_generator_parameters!r}",
    )
    lesson = lessons.load("08_conditional_gan")
    conditional = lesson.make_conditional_generator().count_params()
    plain = lesson.dcgan.make_generator().count_params()
    measured = conditional - plain
    if extra_generator_parameters == measured:
        return f"measured {measured:,}: each label input gets a weight to every unit of G's Dense"
    hint = "the label adds inputs to G's first layer: how many weights does each input have?"
    if extra_generator_parameters == 0:
        hint = "Concatenate has no weights, but the Dense layer after it now has more inputs"
    elif extra_generator_parameters == lesson.NUM_CLASSES:
        hint = "10 more inputs, yes; but each connects to every unit of the first Dense layer"
    raise Wrong(
        f"measured {measured:,} more parameters, you said {extra_generator_parameters}: {hint}"
    )


@check("label_changes")
def check_label_changes(label_changes):
    """Build the projection D, show it one image with two labels, see which term moves."""
    import keras
    import numpy as np

    from gan_helpers import lessons

    choices = ("real_or_fake", "projection", "both")
    expect(label_changes in choices, f"answer one of {choices}; got {label_changes!r}")
    lesson = lessons.load("08_conditional_gan")
    D = lesson.make_projection_discriminator()
    terms = keras.Model(D.inputs, [D.get_layer(name).output for name in choices[:2]])
    image = np.random.default_rng(0).uniform(-1, 1, (2, 28, 28, 1)).astype(np.float32)
    labels = np.eye(lesson.NUM_CLASSES, dtype=np.float32)[[3, 8]]
    gaps = [float(np.abs(t[0] - t[1]).max()) for t in terms([image[[0, 0]], labels])]
    moved = [name for name, gap in zip(choices[:2], gaps) if gap > 1e-6]
    truth = "both" if len(moved) == 2 else moved[0]
    if label_changes != truth:
        found = (
            f"measured: one image labelled 3, then 8, moves real_or_fake by {gaps[0]:.2g} and "
            f"the projection by {gaps[1]:.2g}"
        )
        hint = "which term reads the label, and which sees only φ(x)?"
        if label_changes == "both":
            hint = "w·φ(x) + b is computed from the image alone: where would the label enter it?"
        elif label_changes == "real_or_fake":
            hint = "the label picks the class vector e_y: which term is e_y in?"
        raise Wrong(f"{found}: {hint}")
    return f"measured: only the {truth} term moves; w·φ(x) + b never sees the label."
