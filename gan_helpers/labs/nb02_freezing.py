"""Notebook 02's laboratory: measure what ``trainable``, ``compile`` and ``run_eagerly`` really do.

The recipe in most Keras GAN tutorials written before 2024 is::

    D.compile(optimizer, loss)        # D alone: its own steps should train D
    D.trainable = False               # "freeze" D ...
    gan = Sequential([G, D])
    gan.compile(optimizer, loss)      # ... so that the stacked model trains only G
    D.train_on_batch(x, y)            # then alternate the two calls
    gan.train_on_batch(z, ones)

Whether that trains the right weights depends on WHEN Keras reads the ``trainable`` flags, and
Keras 2 (the ``tf_keras`` package) and Keras 3 (``keras``) read them at different moments. This
module assumes nothing about it. It builds two tiny models (a generator ``G`` and a discriminator
``D`` with a ``BatchNormalization`` layer), runs each recipe, copies every variable before and after
each training call with ``gan_helpers.weights`` (BatchNormalization's moving statistics included)
and reports which ones changed. It also reads the loss each call returns to find out whether
``D``'s BatchNormalization normalised with the statistics of the batch or with its moving averages.

``truth_table()`` returns the results as plain data; notebook 02 displays them and checks each cell.
The recipes here are Keras API calls (``compile``, ``trainable``, ``train_on_batch``, ``fit``): the
experiments. The pattern the lesson teaches (custom ``GradientTape`` steps, a subclassed ``Model``)
is written in notebook 02's ``lesson`` cells only; ``lesson_recipes`` receives it from there.

What you will find in this file, top to bottom:

* ``keras_module``, ``build_generator`` / ``build_discriminator``: the two tiny specimens;
* ``reference_losses`` / ``bn_mode``: the loss D would give with batch or with moving statistics,
  recomputed in NumPy, to tell which one a training call used;
* ``Lab``, ``Step``, ``Recipe`` and the recipes (``RECIPES``, ``lesson_recipes``), each with the
  lines of Keras it runs (``Recipe.code``), which the table shows beside its rows;
* ``measure_recipe``, ``truth_table``, ``table_html``, ``cell``, ``mismatches``.

The Keras package is passed around as ``kx`` (``keras`` or ``tf_keras``); both import side by side
in one process (both run on TensorFlow), so no subprocess is needed.
"""

from __future__ import annotations

import html
import logging
import re
import warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import numpy as np

from gan_helpers.config import check_int
from gan_helpers.weights import changed_variables, describe_changes, snapshot

NOISE_DIM = 4
DATA_DIM = 2
BATCH_SIZE = 16
# Plain SGD: the cheapest update to trace; the lesson does not depend on the optimizer.
LEARNING_RATE = 0.01

#: The four columns of the truth table: (title, Keras version, run_eagerly).
COLUMNS: tuple[tuple[str, str, bool], ...] = (
    ("Keras 3", "keras3", False),
    ("Keras 3, run_eagerly", "keras3", True),
    ("Keras 2", "keras2", False),
    ("Keras 2, run_eagerly", "keras2", True),
)


# --------------------------------------------------------------------------------------------
# The two Keras versions and the two tiny models
# --------------------------------------------------------------------------------------------


def keras_module(version: str) -> ModuleType:
    """The Keras package for ``version``: ``"keras3"`` -> ``keras``, ``"keras2"`` -> ``tf_keras``.

    Both packages expose the names used here (``Sequential``, ``layers``, ``optimizers``,
    ``losses``, ``utils.set_random_seed``), so every function below takes the package as ``kx``.
    """
    if version == "keras3":
        import keras

        return keras
    if version == "keras2":
        try:
            import tf_keras
        except ImportError as err:  # pragma: no cover - tf_keras is in requirements.txt
            raise ValueError(
                "version='keras2' needs the tf_keras package: pip install tf-keras"
            ) from err
        return tf_keras
    raise ValueError(f"version must be 'keras3' or 'keras2', got {version!r}")


def build_generator(kx: ModuleType) -> Any:
    """A tiny generator: noise (``NOISE_DIM``) -> Dense(8, tanh) -> Dense(``DATA_DIM``). No BN.

    The layers are named, so that snapshot keys (``"G/hidden/kernel"``) and error messages read
    the same in every session and in both Keras versions.
    """
    return kx.Sequential(
        [
            kx.Input((NOISE_DIM,)),
            kx.layers.Dense(8, activation="tanh", name="hidden"),
            kx.layers.Dense(DATA_DIM, name="point"),
        ],
        name="G",
    )


def build_discriminator(kx: ModuleType) -> Any:
    """A tiny discriminator with BatchNorm: x -> Dense(8) -> BatchNormalization -> tanh -> Dense(1).

    It outputs a logit (no sigmoid), so the losses work on logits.
    """
    return kx.Sequential(
        [
            kx.Input((DATA_DIM,)),
            kx.layers.Dense(8, name="hidden"),
            kx.layers.BatchNormalization(name="bn"),
            kx.layers.Activation("tanh", name="tanh"),
            kx.layers.Dense(1, name="logit"),
        ],
        name="D",
    )


# --------------------------------------------------------------------------------------------
# Batch or moving statistics? Recompute the loss both ways in NumPy and compare.
# --------------------------------------------------------------------------------------------


def _bce_from_logits(logits: np.ndarray, labels: np.ndarray) -> float:
    """Mean binary cross-entropy on logits, written the numerically stable way."""
    return float(
        np.mean(np.maximum(logits, 0) - logits * labels + np.log1p(np.exp(-np.abs(logits))))
    )


def _generator_numpy(weights: list[np.ndarray], z: np.ndarray) -> np.ndarray:
    kernel1, bias1, kernel2, bias2 = weights
    return np.tanh(z @ kernel1 + bias1) @ kernel2 + bias2


def _discriminator_numpy(
    weights: list[np.ndarray], x: np.ndarray, stats: str, epsilon: float, groups: int = 1
) -> np.ndarray:
    """D's logits with its BatchNormalization using ``stats="batch"`` or ``stats="moving"``.

    In "batch" mode BatchNormalization subtracts the mean and divides by the standard deviation of
    THIS batch (what ``training=True`` does); in "moving" mode it uses the moving averages it has
    accumulated (what inference does). The rest of the formula is the same. ``groups``: in "batch"
    mode, the number of equal parts of ``x`` that were normalised separately (2 for a D step that
    calls D once on the real rows and once on the fake rows).
    """
    kernel1, bias1, gamma, beta, moving_mean, moving_variance, kernel2, bias2 = weights
    parts = []
    for part in np.split(x @ kernel1 + bias1, groups):
        mean, variance = (
            (part.mean(axis=0), part.var(axis=0))
            if stats == "batch"
            else (moving_mean, moving_variance)
        )
        parts.append(gamma * (part - mean) / np.sqrt(variance + epsilon) + beta)
    return np.tanh(np.concatenate(parts)) @ kernel2 + bias2


def reference_losses(
    generator: Any, discriminator: Any, kind: str, x: np.ndarray, y: np.ndarray, groups: int = 1
) -> dict[str, float]:
    """The loss a training call would report, computed with batch and with moving statistics.

    ``kind="D"``: ``x`` is the discriminator's batch (real and fake rows), ``y`` its labels.
    ``kind="G"``: ``x`` is the noise fed to the generator, ``y`` the labels (all ones).
    ``groups``: how many equal parts of the batch the call normalised separately (1: one call on
    the whole batch; 2: D called on its real and on its fake half in turn).
    Uses the models' current weights, so call it just before the training call: Keras reports the
    loss of the forward pass, computed before the weights are updated.
    """
    if kind not in ("D", "G"):
        raise ValueError(f"kind must be 'D' or 'G', got {kind!r}")
    groups = check_int("groups", groups, 1, "Normalise the batch in one part or more.")
    if len(x) % groups:
        raise ValueError(f"a batch of {len(x)} rows does not split into {groups} equal parts")
    d_weights = [np.asarray(w, np.float64) for w in discriminator.get_weights()]
    epsilon = float(discriminator.get_layer("bn").epsilon)
    x = np.asarray(x, np.float64)
    if kind == "G":
        x = _generator_numpy([np.asarray(w, np.float64) for w in generator.get_weights()], x)
    return {
        stats: _bce_from_logits(
            _discriminator_numpy(d_weights, x, stats, epsilon, groups), np.asarray(y, np.float64)
        )
        for stats in ("batch", "moving")
    }


def bn_mode(
    loss: float, references: Mapping[str, float], match: float = 1e-5, apart: float = 1e-3
) -> str:
    """``"batch"`` or ``"moving"``: which reference loss the reported ``loss`` equals.

    ``match`` is how close counts as equal (Keras computes in float32: we measured differences below
    1e-7); the other reference must be at least ``apart`` away (the batches of ``new_lab`` keep the
    two references more than 0.02 apart), otherwise the answer is ``"unclear"``.
    """
    for stats, other in (("batch", "moving"), ("moving", "batch")):
        if abs(loss - references[stats]) <= match and abs(loss - references[other]) >= apart:
            return stats
    return "unclear"


def train_on_batch(model: Any, x: Any, y: Any = None) -> Any:
    """``model.train_on_batch(x, y)`` with the model's metrics reset first: this batch's loss.

    Keras 3.15 resets a model's metrics at the start of every ``train_on_batch``; Keras 3.13
    (Colab's and Kaggle's) does not, and returns the running mean since the last reset, so from
    the second call on the reported loss is not the batch's (measured: two calls with losses 0.25
    and 110 report 0.25 and 55). Resetting first is right on every version, Keras 2 included.
    """
    model.reset_metrics()
    return model.train_on_batch(x, y)


# --------------------------------------------------------------------------------------------
# One experiment: fresh models and fixed batches
# --------------------------------------------------------------------------------------------


@dataclass
class Lab:
    """Everything one recipe needs: the Keras package, fresh G and D, and fixed batches.

    The batches never change, so each call's loss can be recomputed exactly (``reference_losses``).
    ``d_x``/``d_y``: the discriminator's batch, ``BATCH_SIZE`` real rows (label 1) then
    ``BATCH_SIZE`` rows made by the untrained G (label 0). ``z``/``g_y``: the generator's noise and
    its target labels (all ones: G wants D to say "real"). The real data are 2-D Gaussian points
    around (2, -1).
    """

    kx: ModuleType
    run_eagerly: bool
    G: Any
    D: Any
    d_x: np.ndarray
    d_y: np.ndarray
    z: np.ndarray
    g_y: np.ndarray

    @property
    def real(self) -> np.ndarray:
        """The real rows of the discriminator's batch."""
        return self.d_x[:BATCH_SIZE]

    def compile(self, model: Any, optimizer: Any = None) -> None:
        """``model.compile`` with SGD, binary cross-entropy on logits and this lab's run_eagerly."""
        model.compile(
            optimizer=optimizer if optimizer is not None else self.kx.optimizers.SGD(LEARNING_RATE),
            loss=self.kx.losses.BinaryCrossentropy(from_logits=True),
            run_eagerly=self.run_eagerly,
        )

    def train_d(self) -> float:
        """One ``D.train_on_batch`` on the fixed discriminator batch."""
        return train_on_batch(self.D, self.d_x, self.d_y)

    def fit_d(self) -> float:
        """One epoch of ``D.fit`` on the same batch, as one batch of 32: returns its loss."""
        history = self.D.fit(
            self.d_x, self.d_y, batch_size=len(self.d_x), epochs=1, shuffle=False, verbose=0
        )
        return history.history["loss"][0]


def new_lab(version: str, run_eagerly: bool = False, *, seed: int) -> Lab:
    """Seed, build a fresh G and D for ``version`` (``"keras3"``/``"keras2"``) and draw batches.

    ``seed``: take it from ``gan_helpers.seed(i)``, so that the base-seed knob re-rolls it.
    """
    seed = check_int("seed", seed, 0, "Use a seed from gan_helpers.seed(i).")
    kx = keras_module(version)
    kx.utils.set_random_seed(seed)
    rng = np.random.default_rng(seed)
    G, D = build_generator(kx), build_discriminator(kx)
    real = rng.normal([2.0, -1.0], 0.5, size=(BATCH_SIZE, DATA_DIM)).astype("float32")
    # Uniform noise in [0, 1): its mean is not 0, so the batch statistics of D's BatchNormalization
    # inputs differ clearly from the initial moving ones (mean 0, variance 1) and the two reference
    # losses of bn_mode() stay far apart.
    z = rng.uniform(0.0, 1.0, size=(BATCH_SIZE, NOISE_DIM)).astype("float32")
    fake = np.asarray(G(z, training=False), dtype="float32")
    d_x = np.concatenate([real, fake])
    d_y = np.concatenate([np.ones((BATCH_SIZE, 1)), np.zeros((BATCH_SIZE, 1))]).astype("float32")
    return Lab(kx, run_eagerly, G, D, d_x, d_y, z, np.ones((BATCH_SIZE, 1), "float32"))


Batch = tuple[np.ndarray, np.ndarray]


@dataclass(frozen=True)
class Step:
    """One kind of training call a recipe repeats.

    ``kind``: ``"D"`` (meant to train D), ``"G"`` (meant to train G and leave D's weights
    alone) or ``"GAN"`` (one call meant to train both). ``call``: the code shown in the table.
    ``run``: makes the call and returns its loss as the mean binary cross-entropy of its batch
    (what Keras reports), or anything for ``"GAN"``. ``batch``: the (x, y) it trains on if not the
    lab's own, or a function returning it just before the call (for steps that make their fakes
    with the current G). ``bn_groups``: into how many equal parts the call splits that batch
    for D's BatchNormalization (2: D called on the real rows and on the fake rows separately).
    """

    kind: str
    call: str
    run: Callable[[], Any]
    batch: Batch | Callable[[], Batch] | None = None
    bn_groups: int = 1


@dataclass(frozen=True)
class Recipe:
    """A row group of the truth table: a name, the question it answers and its set-up code.

    ``setup(lab)`` prepares the lab (compile, flags, a first call...) and returns the calls one
    training iteration makes, in order. ``code``: the few lines ``setup`` runs, as a learner would
    write them (``opt`` an optimizer, ``loss`` the loss; ``new_opt`` a new optimizer), shown
    beside the recipe's rows by ``table_html``; the calls themselves are the rows.
    """

    name: str
    question: int
    setup: Callable[[Lab], list[Step]]
    code: str = ""


# --------------------------------------------------------------------------------------------
# The recipes: Keras API calls only. Each sets up a lab and returns one iteration's calls.
# --------------------------------------------------------------------------------------------


def _stack(lab: Lab) -> Any:
    """``gan = Sequential([G, D])``, compiled: the combined model of the classic recipe."""
    gan = lab.kx.Sequential([lab.G, lab.D], name="gan")
    lab.compile(gan)
    return gan


def _alternate(lab: Lab, gan: Any) -> list[Step]:
    """The classic loop's two calls: ``D.train_on_batch``, then ``gan.train_on_batch``."""
    return [
        Step("D", "D.train_on_batch", lab.train_d),
        Step("G", "gan.train_on_batch", lambda: train_on_batch(gan, lab.z, lab.g_y)),
    ]


def recipe_classic(lab: Lab) -> list[Step]:
    """The tutorial recipe: compile D, set ``D.trainable = False``, compile ``gan``, alternate."""
    lab.compile(lab.D)
    lab.D.trainable = False
    return _alternate(lab, _stack(lab))


def recipe_no_freeze(lab: Lab) -> list[Step]:
    """The classic recipe WITHOUT ``D.trainable = False``: what the flag is there to prevent."""
    lab.compile(lab.D)
    return _alternate(lab, _stack(lab))


def recipe_toggle(lab: Lab) -> list[Step]:
    """The classic recipe, plus ``D.trainable = True`` before each D step and ``False`` before each
    GAN step (the lines older posts add "only to silence a warning")."""
    lab.compile(lab.D)
    lab.D.trainable = False
    gan = _stack(lab)

    def d_step() -> float:
        lab.D.trainable = True
        return lab.train_d()

    def gan_step() -> float:
        lab.D.trainable = False
        return train_on_batch(gan, lab.z, lab.g_y)

    return [
        Step("D", "D.trainable=True; D.train_on_batch", d_step),
        Step("G", "D.trainable=False; gan.train_on_batch", gan_step),
    ]


def recipe_unfreeze_before_first_call(lab: Lab) -> list[Step]:
    """Compile D while frozen, then set ``D.trainable = True`` before the first training call."""
    lab.D.trainable = False
    lab.compile(lab.D)
    lab.D.trainable = True
    return [Step("D", "D.train_on_batch", lab.train_d)]


def _train_once_then_freeze(lab: Lab) -> None:
    lab.compile(lab.D)
    lab.train_d()
    lab.D.trainable = False


def recipe_freeze_after_first_call(lab: Lab) -> list[Step]:
    """Compile D, train it once, THEN set ``D.trainable = False``; keep training (no recompile)."""
    _train_once_then_freeze(lab)
    return [Step("D", "D.train_on_batch", lab.train_d)]


def recipe_freeze_after_first_call_new_batch_size(lab: Lab) -> list[Step]:
    """As ``recipe_freeze_after_first_call``, but the later calls get a batch of another size (16
    rows instead of 32): a new input shape makes ``tf.function`` trace the training step again."""
    _train_once_then_freeze(lab)
    x, y = lab.d_x[::2], lab.d_y[::2]
    call = "D.train_on_batch, batch of 16 (was 32)"
    return [Step("D", call, lambda: train_on_batch(lab.D, x, y), (x, y))]


def recipe_freeze_and_recompile(lab: Lab) -> list[Step]:
    """Compile D, train once, set ``D.trainable = False``, ``compile`` again (new optimizer)."""
    _train_once_then_freeze(lab)
    lab.compile(lab.D)
    return [Step("D", "D.train_on_batch", lab.train_d)]


def recipe_freeze_and_rebuild_train_function(lab: Lab) -> list[Step]:
    """Compile D, train once, set ``D.trainable = False``, ``D.make_train_function(force=True)``.

    No ``compile``: only the training function is rebuilt. This separates the two candidate moments
    at which Keras could read the flags: at ``compile`` (then D keeps learning) or when the training
    function is built/traced (then D stops).
    """
    _train_once_then_freeze(lab)
    lab.D.make_train_function(force=True)
    return [Step("D", "D.train_on_batch", lab.train_d)]


def recipe_stack_frozen_then_recompile_d(lab: Lab) -> list[Step]:
    """A common tutorial ordering: compile D, freeze it, build and compile ``gan``, then set
    ``D.trainable = True`` and compile D again, then alternate the two calls as usual."""
    lab.compile(lab.D)
    lab.D.trainable = False
    gan = _stack(lab)
    lab.D.trainable = True
    lab.compile(lab.D)
    return _alternate(lab, gan)


def recipe_fit_and_train_on_batch(lab: Lab) -> list[Step]:
    """Compile D, train once with ``train_on_batch``, freeze D (no recompile), then call ``fit``
    and ``train_on_batch`` in turn on the same batch: does each keep its own traced step?"""
    _train_once_then_freeze(lab)
    return [
        Step("D", "D.fit (1 batch of 32)", lab.fit_d),
        Step("D", "D.train_on_batch", lab.train_d),
    ]


def _layer_frozen_at_first_call(lab: Lab, optimizer: Any = None) -> None:
    """Freeze D's first Dense layer, compile D, train once, then unfreeze that layer."""
    lab.D.get_layer("hidden").trainable = False
    lab.compile(lab.D, optimizer)
    lab.train_d()
    lab.D.get_layer("hidden").trainable = True


def recipe_unfreeze_layer_rebuild(lab: Lab) -> list[Step]:
    """A layer of D frozen when D's step is first traced, unfrozen later, then the step rebuilt
    with ``make_train_function(force=True)`` (no recompile)."""
    _layer_frozen_at_first_call(lab)
    lab.D.make_train_function(force=True)
    return [Step("D", "D.train_on_batch", lab.train_d)]


def recipe_unfreeze_layer_recompile_same_optimizer(lab: Lab) -> list[Step]:
    """As ``recipe_unfreeze_layer_rebuild``, but D is compiled again with the SAME optimizer object
    (the one that took the first step), as a script that keeps ``opt = SGD(...)`` around would."""
    optimizer = lab.kx.optimizers.SGD(LEARNING_RATE)
    _layer_frozen_at_first_call(lab, optimizer)
    lab.compile(lab.D, optimizer)
    return [Step("D", "D.train_on_batch", lab.train_d)]


def recipe_unfreeze_layer_recompile_new_optimizer(lab: Lab) -> list[Step]:
    """As ``recipe_unfreeze_layer_rebuild``, but D is compiled again with a NEW optimizer."""
    _layer_frozen_at_first_call(lab)
    lab.compile(lab.D)
    return [Step("D", "D.train_on_batch", lab.train_d)]


# The set-up lines each recipe runs, as the table shows them beside its rows.
_COMPILE_D = "D.compile(opt, loss)"
_STACK = "gan = Sequential([G, D])\ngan.compile(opt, loss)"
_CLASSIC = f"{_COMPILE_D}\nD.trainable = False\n{_STACK}"
_TRAINED_ONCE_THEN_FROZEN = f"{_COMPILE_D}\nD.train_on_batch(x, y)\nD.trainable = False"
_LAYER_FROZEN_AT_1ST_CALL = (
    'hidden = D.get_layer("hidden")\nhidden.trainable = False\n'
    f"{_COMPILE_D}\nD.train_on_batch(x, y)\nhidden.trainable = True"
)

#: The recipes of questions 1-5 of notebook 02 (Keras API calls; no lesson code needed).
RECIPES: tuple[Recipe, ...] = (
    Recipe("classic", 1, recipe_classic, _CLASSIC),
    Recipe("no freeze at all", 1, recipe_no_freeze, f"{_COMPILE_D}\n{_STACK}"),
    Recipe("classic + toggle", 2, recipe_toggle, _CLASSIC),
    Recipe(
        "unfreeze after compile, before 1st call",
        3,
        recipe_unfreeze_before_first_call,
        f"D.trainable = False\n{_COMPILE_D}\nD.trainable = True",
    ),
    Recipe(
        "freeze after 1st call, no recompile",
        3,
        recipe_freeze_after_first_call,
        _TRAINED_ONCE_THEN_FROZEN,
    ),
    Recipe(
        "freeze, recompile (new optimizer)",
        3,
        recipe_freeze_and_recompile,
        f"{_TRAINED_ONCE_THEN_FROZEN}\nD.compile(new_opt, loss)",
    ),
    Recipe(
        "freeze, make_train_function(force=True)",
        4,
        recipe_freeze_and_rebuild_train_function,
        f"{_TRAINED_ONCE_THEN_FROZEN}\nD.make_train_function(force=True)",
    ),
    Recipe(
        "freeze after 1st call, new batch size",
        4,
        recipe_freeze_after_first_call_new_batch_size,
        _TRAINED_ONCE_THEN_FROZEN,
    ),
    Recipe(
        "gan compiled with D frozen, then D unfrozen and recompiled",
        5,
        recipe_stack_frozen_then_recompile_d,
        f"{_CLASSIC}\nD.trainable = True\nD.compile(new_opt, loss)",
    ),
    Recipe(
        "1st call, freeze, then fit and train_on_batch in turn",
        5,
        recipe_fit_and_train_on_batch,
        _TRAINED_ONCE_THEN_FROZEN,
    ),
    Recipe(
        "layer frozen at 1st call, unfrozen, make_train_function(force=True)",
        5,
        recipe_unfreeze_layer_rebuild,
        f"{_LAYER_FROZEN_AT_1ST_CALL}\nD.make_train_function(force=True)",
    ),
    Recipe(
        "layer frozen at 1st call, unfrozen, recompile (same optimizer)",
        5,
        recipe_unfreeze_layer_recompile_same_optimizer,
        f"{_LAYER_FROZEN_AT_1ST_CALL}\nD.compile(opt, loss)",
    ),
    Recipe(
        "layer frozen at 1st call, unfrozen, recompile (new optimizer)",
        5,
        recipe_unfreeze_layer_recompile_new_optimizer,
        f"{_LAYER_FROZEN_AT_1ST_CALL}\nD.compile(new_opt, loss)",
    ),
)


def lesson_recipes(
    make_steps: Callable[..., Any], gan_model_class: Callable[[ModuleType], type], question: int = 8
) -> tuple[Recipe, ...]:
    """The recipes that run notebook 02's own lesson code, received from the notebook.

    ``make_steps(G, D, g_opt, d_opt, real, noise, d_training=True) -> (d_step, g_step)``: the custom
    steps, one ``GradientTape`` per network; ``d_step()`` calls D on the real batch and on the fake
    batch separately (so its BatchNormalization normalises each with its own statistics) and
    returns ``{"d_loss", "d_real", "d_fake"}`` with ``d_loss`` as notebook 01's
    ``discriminator_loss`` (the sum of the real and the fake half's mean cross-entropy: twice the
    mean over the 32 rows); ``g_step()`` returns ``{"g_loss"}``.
    ``gan_model_class(kx)``: a ``kx.Model`` subclass ``GAN(G, D)`` whose ``compile`` takes
    ``(d_optimizer, g_optimizer, run_eagerly=...)`` and whose ``train_step`` makes both steps.
    In the graph columns the custom steps are wrapped in ``tf.function``; eagerly, plain Python.
    """
    import tensorflow as tf

    def steps(lab: Lab) -> list[Step]:
        sgd = lab.kx.optimizers.SGD
        g_opt, d_opt = sgd(LEARNING_RATE), sgd(LEARNING_RATE)
        real, z = lab.real, lab.z
        d_step, g_step = make_steps(lab.G, lab.D, g_opt, d_opt, real, z)
        g_step_inference = make_steps(lab.G, lab.D, g_opt, d_opt, real, z, d_training=False)[1]
        calls = [d_step, g_step, g_step_inference]
        if not lab.run_eagerly:
            calls = [tf.function(call) for call in calls]

        def d_batch() -> Batch:
            fake = np.asarray(lab.G(z, training=False), "float32")
            return np.concatenate([real, fake]), lab.d_y

        return [
            Step(
                "D",
                "d_step: tape on D.trainable_variables",
                lambda: float(calls[0]()["d_loss"]) / 2,
                d_batch,
                bn_groups=2,
            ),
            Step(
                "G",
                "g_step: tape on G.trainable_variables, D(fake, training=True)",
                lambda: float(calls[1]()["g_loss"]),
            ),
            Step(
                "G",
                "g_step: tape on G.trainable_variables, D(fake, training=False)",
                lambda: float(calls[2]()["g_loss"]),
            ),
        ]

    def steps_after_freeze(lab: Lab) -> list[Step]:
        lab.D.trainable = False
        return steps(lab)[:2]

    def subclassed(lab: Lab) -> list[Step]:
        sgd = lab.kx.optimizers.SGD
        gan = gan_model_class(lab.kx)(lab.G, lab.D)
        gan.compile(sgd(LEARNING_RATE), sgd(LEARNING_RATE), run_eagerly=lab.run_eagerly)
        call = "gan.train_on_batch(real) (D step + G step)"
        return [Step("GAN", call, lambda: train_on_batch(gan, lab.real))]

    made = (
        "d_step, g_step = make_steps(\n    G, D, g_opt, d_opt, real, z)\n"
        "# in the graph columns:\n# tf.function(d_step), ..."
    )
    return (
        Recipe("custom steps", question, steps, made),
        Recipe(
            "custom steps after D.trainable=False",
            question,
            steps_after_freeze,
            f"D.trainable = False\n{made}",
        ),
        Recipe(
            "subclassed Model.train_step",
            question,
            subclassed,
            "gan = gan_model_class(kx)(G, D)\ngan.compile(d_opt, g_opt)",
        ),
    )


# --------------------------------------------------------------------------------------------
# Measuring
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CallEffect:
    """What one training call did.

    ``changed``: groups of variables that changed (``describe_changes``); ``bn``: the statistics D's
    BatchNormalization normalised with (``"batch"``, ``"moving"``, ``"-"`` when not measured);
    ``warnings``: Python warnings and log warnings emitted during the call; ``error``: the
    exception, if the call raised one (``"ValueError: Unknown variable: D/hidden/kernel."``), else
    ``""``.
    """

    changed: str
    bn: str
    warnings: tuple[str, ...] = ()
    error: str = ""


class _DropHarnessNoise(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not _is_harness_noise(record.getMessage())


class _LogCapture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _is_harness_noise(message: str) -> bool:
    """TensorFlow's "N of the last M calls triggered tf.function retracing" notice: it appears
    because this harness builds many fresh models in a row, not because of the recipe measured."""
    return "triggered tf.function retracing" in message


_VARIABLE_REPR = re.compile(r"<(?:tf\.)?Variable (?:path|name)=['\"]?([^,'\">]+)[^>]*>", re.DOTALL)


def error_text(exc: BaseException) -> str:
    """``"ValueError: <first sentence>"``, the same in graph and eager mode and in every session.

    Errors raised inside ``tf.function`` (Keras 2) wrap the real message in a traceback: its last
    ``Name: ...`` line is kept. A variable's repr (which eagerly includes its values) is replaced by
    its path, and only the first sentence is kept, so that a table cell stays short.
    """
    name = type(exc).__name__
    text = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
    text = _VARIABLE_REPR.sub(r"\1", str(text))
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    own = [i for i, line in enumerate(lines) if line.startswith(name + ":")]
    if own:
        lines = lines[own[-1] :]
        lines[0] = lines[0][len(name) + 1 :]
    text = " ".join(" ".join(lines).split()).strip("'\" ")
    text = re.split(r"(?<=\.)\s", text, maxsplit=1)[0]
    return f"{name}: {text}" if text else name


def _batch_of(lab: Lab, step: Step) -> Batch:
    if step.batch is None:
        return (lab.d_x, lab.d_y) if step.kind == "D" else (lab.z, lab.g_y)
    return step.batch() if callable(step.batch) else step.batch


def measure_call(lab: Lab, step: Step) -> CallEffect:
    """Run one training call; report what changed, which BN statistics it used, what it warned.

    Python warnings are recorded as a user sees them, except ``DeprecationWarning`` (hidden by
    default; NumPy raises one while Keras formats an error message, which is not the recipe's).
    """
    models = {"G": lab.G, "D": lab.D}
    before = snapshot(models)
    references = None
    if step.kind in ("D", "G"):
        x, y = _batch_of(lab, step)
        references = reference_losses(lab.G, lab.D, step.kind, x, y, step.bn_groups)
    handler, loggers = _LogCapture(), [logging.getLogger(), logging.getLogger("tensorflow")]
    noise_filter = _DropHarnessNoise()
    loggers[1].addFilter(noise_filter)
    for logger in loggers:
        logger.addHandler(handler)
    error, loss = "", None
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            warnings.simplefilter("ignore", DeprecationWarning)
            loss = step.run()
    # The error IS the measurement (e.g. an optimizer meeting a variable it was not built on).
    except Exception as exc:
        error = error_text(exc)
    finally:
        for logger in loggers:
            logger.removeHandler(handler)
        loggers[1].removeFilter(noise_filter)
    after = snapshot(models)
    found = [str(w.message).splitlines()[0] for w in caught] + handler.messages
    messages = tuple(dict.fromkeys(m for m in found if not _is_harness_noise(m)))
    bn = "-"
    if references is not None and loss is not None:
        bn = bn_mode(float(np.asarray(loss).ravel()[0]), references)
    return CallEffect(
        describe_changes(changed_variables(before, after), before), bn, messages, error
    )


def summarise_calls(effects: list[CallEffect]) -> str:
    """One table cell from the effects of the same call in successive iterations.

    ``"D, D-BN-stats | BN batch"`` when every iteration did the same (the ``| BN`` part is left out
    when it was not measured); warnings are added with ``(1st call only)``, ``(every call)`` or the
    calls they came at; if iterations differ, each is listed.
    """
    if not effects:
        raise ValueError("summarise_calls needs at least one CallEffect")

    def core(e: CallEffect) -> str:
        if e.error:
            return f"error: {e.error}"
        return e.changed if e.bn == "-" else f"{e.changed} | BN {e.bn}"

    cores = [core(e) for e in effects]
    text = cores[0]
    if len(set(cores)) > 1:
        text = "; ".join(f"call {i + 1}: {c}" for i, c in enumerate(cores))
    for message in dict.fromkeys(m for e in effects for m in e.warnings):
        where = [message in e.warnings for e in effects]
        if all(where):
            when = "every call"
        elif where[0] and not any(where[1:]):
            when = "1st call only"
        else:
            when = "calls " + ",".join(str(i + 1) for i, w in enumerate(where) if w)
        text += f" | warns '{message}' ({when})"
    return text


def measure_recipe(
    recipe: Recipe, version: str, run_eagerly: bool, iterations: int = 2, *, seed: int
) -> list[tuple[str, str, str]]:
    """Run ``recipe`` for ``iterations`` training iterations; one ``(kind, call, cell text)`` per
    call of an iteration."""
    iterations = check_int("iterations", iterations, 1, "Measure at least one iteration.")
    tf_logger, noise_filter = logging.getLogger("tensorflow"), _DropHarnessNoise()
    # The set-up calls trace too.
    tf_logger.addFilter(noise_filter)
    try:
        lab = new_lab(version, run_eagerly, seed=seed)
        steps = recipe.setup(lab)
        effects: dict[str, list[CallEffect]] = {step.call: [] for step in steps}
        for _ in range(iterations):
            for step in steps:
                effects[step.call].append(measure_call(lab, step))
    finally:
        tf_logger.removeFilter(noise_filter)
    return [(step.kind, step.call, summarise_calls(effects[step.call])) for step in steps]


@dataclass(frozen=True)
class Row:
    """One row of the truth table: a recipe, one of its calls (and its kind, see ``Step``), one
    cell per column title, and the recipe's set-up code (``Recipe.code``)."""

    recipe: str
    question: int
    call: str
    cells: dict[str, str]
    kind: str = "D"
    code: str = ""

    @property
    def key(self) -> str:
        """``"<recipe> / <call>"``: the name used in the notebook's expected values and messages."""
        return f"{self.recipe} / {self.call}"


def truth_table(
    iterations: int = 2,
    recipes: Iterable[Recipe] = RECIPES,
    columns: Iterable[tuple[str, str, bool]] = COLUMNS,
    *,
    seed: int,
) -> list[Row]:
    """Measure every recipe in every column; one ``Row`` per (recipe, call).

    ``seed``: from ``gan_helpers.seed(i)``; every recipe starts from models built with it.
    """
    recipes, columns = list(recipes), list(columns)
    results = {
        title: [measure_recipe(r, version, eager, iterations, seed=seed) for r in recipes]
        for title, version, eager in columns
    }
    rows = []
    for i, recipe in enumerate(recipes):
        for j, (kind, call, _) in enumerate(results[columns[0][0]][i]):
            cells = {title: results[title][i][j][2] for title, _, _ in columns}
            rows.append(Row(recipe.name, recipe.question, call, cells, kind, recipe.code))
    return rows


# --------------------------------------------------------------------------------------------
# Reading the table: verdicts, HTML, one cell, comparison with expected values
# --------------------------------------------------------------------------------------------


def _call_verdict(kind: str, text: str) -> str:
    if text.startswith("error"):
        return "error"
    groups = text.split(" | ")[0].split(", ")
    d_learns = "D" in groups
    d_touched = any(g == "D" or g.startswith("D (") for g in groups)
    g_learns = "G" in groups
    g_touched = any(g == "G" or g.startswith("G (") for g in groups)
    meant = {
        "D": d_learns and not g_touched,
        "G": g_learns and not d_touched,
        "GAN": d_learns and g_learns,
    }
    if kind not in meant:
        raise ValueError(f"kind must be one of {list(meant)}, got {kind!r}")
    return "as meant" if meant[kind] else "not as meant"


def verdict(kind: str, text: str) -> str:
    """Did the call do what it is for? ``"as meant"``, ``"not as meant"`` or ``"error"``.

    A ``"D"`` call is meant to train all of D (``D learns``) and not G; a ``"G"`` call to train all
    of G and leave D's weights alone (``D does not learn``; its BN statistics may move); a ``"GAN"``
    call to train both. A cell whose iterations differ is as meant only if every call was.
    """
    parts = [p.split(": ", 1)[1] for p in text.split("; call ")] if "; call " in text else [text]
    found = [_call_verdict(kind, part) for part in parts]
    for answer in ("error", "not as meant"):
        if answer in found:
            return answer
    return "as meant"


#: Background colours of ``table_html`` (dark text on light backgrounds, in any Jupyter theme).
COLOURS = {"as meant": "#d4edda", "not as meant": "#f8d7da", "error": "#ffe8a1"}
_NOTE = re.compile(r"(warns '(?P<warning>[^']*)'|error: (?P<error>.+?)(?= \| |; call |$))")


def _abbreviate(text: str, notes: dict[str, str]) -> str:
    """Replace each warning and error message by a numbered note ``[1]`` (the list goes below)."""

    def note(match: re.Match) -> str:
        message = match.group("warning") or match.group("error")
        label = notes.setdefault(message, f"[{len(notes) + 1}]")
        return f"warns {label}" if match.group("warning") is not None else f"error {label}"

    return _NOTE.sub(note, text)


def _recipe_groups(rows: list[Row]) -> list[list[Row]]:
    """Consecutive rows of the same recipe, in order: one group per recipe shown."""
    groups: list[list[Row]] = []
    for row in rows:
        if groups and groups[-1][0].recipe == row.recipe:
            groups[-1].append(row)
        else:
            groups.append([row])
    return groups


def table_html(rows: Iterable[Row]) -> str:
    """The truth table as HTML (give it to ``IPython.display.HTML``); no pandas needed.

    Each recipe's name and set-up code (``Row.code``) stand once, beside all of its rows. Each
    measured cell is coloured by ``verdict``: green when the call did what it is for (a D step: D
    learns; a G step: G learns and D does not), red when it did not, amber on an error. Warning
    and error messages become numbered notes below the table, so columns stay readable.
    """
    rows = list(rows)
    if not rows:
        return "<p>(no rows)</p>"
    titles = list(rows[0].cells)
    # Narrow columns (62em in all: the table is 772 px wide at a 14 px font, measured in Chromium)
    # whose long names may break anywhere; the code column wraps a line longer than it.
    cell_style = "text-align:left;vertical-align:top;padding:2px 6px;overflow-wrap:anywhere"
    code_style = "margin:2px 0 0 0;font-size:85%;white-space:pre-wrap;background:none"
    head = "".join(
        f'<th style="text-align:left;width:{w};min-width:{w}">{html.escape(t)}</th>'
        for t, w in [("Q", "1em"), ("recipe: its code", "18em"), ("call", "9em")]
        + [(t, "8.5em") for t in titles]
    )
    notes: dict[str, str] = {}
    body = []
    for group in _recipe_groups(rows):
        span = f' rowspan="{len(group)}"' if len(group) > 1 else ""
        first = group[0]
        code = f'<pre style="{code_style}">{html.escape(first.code)}</pre>' if first.code else ""
        for i, r in enumerate(group):
            tds = []
            if i == 0:
                tds += [
                    f'<td{span} style="{cell_style}">{html.escape(str(r.question))}</td>',
                    f'<td{span} style="{cell_style}"><b>{html.escape(r.recipe)}</b>{code}</td>',
                ]
            tds.append(f'<td style="{cell_style}">{html.escape(r.call)}</td>')
            for t in titles:
                colour = COLOURS[verdict(r.kind, r.cells[t])]
                text = html.escape(_abbreviate(r.cells[t], notes))
                style = f"{cell_style};background:{colour};color:#000"
                tds.append(f'<td style="{style}">{text}</td>')
            body.append("<tr>" + "".join(tds) + "</tr>")
    legend = " ".join(
        f'<span style="background:{c};color:#000;padding:0 6px">{html.escape(v)}</span>'
        for v, c in COLOURS.items()
    )
    listed = "".join(f"<li>{label} {html.escape(m)}</li>" for m, label in notes.items())
    return (
        f'<table style="font-size:85%"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
        f'<p style="font-size:85%">{legend}: a D step is meant to train D (D learns); a G step to '
        "train G and leave D's weights alone (D does not learn).</p>"
        + (f'<ul style="font-size:85%;list-style:none">{listed}</ul>' if listed else "")
    )


def cell(rows: Iterable[Row], key: str, column: str) -> str:
    """The text of one cell, by row key (``"classic / D.train_on_batch"``) and column title."""
    for row in rows:
        if row.key == key:
            if column not in row.cells:
                raise ValueError(f"no column {column!r}; columns are {list(row.cells)}")
            return row.cells[column]
    raise ValueError(f"no row {key!r}")


def mismatches(
    rows: Iterable[Row], expected: Mapping[str, Mapping[str, str]], complete: bool = False
) -> list[str]:
    """Compare measured cells with expected ones; one readable message per difference.

    ``expected`` maps a row key to ``{column title: cell text}``. An empty list means everything
    matched. With ``complete=True``, measured rows that have no expected value are reported too,
    so a new row cannot slip in unchecked.
    """
    measured = {row.key: row for row in rows}
    problems = [
        f"row {key!r} was expected but not measured" for key in expected if key not in measured
    ]
    for key, columns in expected.items():
        if key not in measured:
            continue
        for column, want in columns.items():
            got = measured[key].cells.get(column, "<no such column>")
            if got != want:
                problems.append(
                    f"row {key!r}, column {column!r}: expected {want!r}, measured {got!r}"
                )
    if complete:
        problems += [
            f"row {key!r} was measured but has no expected value"
            for key in measured
            if key not in expected
        ]
    return problems
