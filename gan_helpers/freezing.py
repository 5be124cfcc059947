"""Freezing the discriminator: measure what ``trainable``, ``compile`` and ``run_eagerly`` really do.

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
each training call (BatchNormalization's moving mean and variance included) and reports which ones
changed. It also reads the loss each call returns to find out whether ``D``'s BatchNormalization
normalised with the statistics of the batch or with its moving averages during that call.

``truth_table()`` returns the results as plain data; notebook 02 displays them and checks each cell.

What you will find in this file, top to bottom:

* ``build_generator`` / ``build_discriminator``: the two tiny models, for either Keras;
* ``snapshot`` / ``changed_variables`` / ``describe_changes``: copy all weights, diff two copies;
* ``reference_losses`` / ``bn_mode``: the loss D would give with batch or with moving statistics,
  recomputed in NumPy, to tell which one a training call used;
* the recipes (classic, toggled, recompiled, custom ``GradientTape`` steps, subclassed model);
* ``measure_recipe`` and ``truth_table``, which run them all.

Keras 3 and ``tf_keras`` import side by side in one process (both run on TensorFlow), so no
subprocess is needed.
"""

from __future__ import annotations

import html
import logging
import warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import numpy as np

NOISE_DIM = 4
DATA_DIM = 2
BATCH_SIZE = 16
LEARNING_RATE = (
    0.01  # plain SGD: the cheapest update to trace; the lesson does not depend on the optimizer
)

#: The four columns of the truth table: (title, Keras version, run_eagerly).
COLUMNS: tuple[tuple[str, str, bool], ...] = (
    ("Keras 3", "keras3", False),
    ("Keras 3, run_eagerly", "keras3", True),
    ("Keras 2", "keras2", False),
    ("Keras 2, run_eagerly", "keras2", True),
)

Snapshot = dict[str, np.ndarray]


# --------------------------------------------------------------------------------------------
# The two Keras versions and the two tiny models
# --------------------------------------------------------------------------------------------


def keras_module(version: str) -> ModuleType:
    """Return the Keras package for ``version``: ``"keras3"`` -> ``keras``, ``"keras2"`` -> ``tf_keras``.

    Both packages expose the same names we use (``Sequential``, ``layers``, ``optimizers``, ``losses``,
    ``utils.set_random_seed``), so every function below takes the package as its argument ``K``.
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


def build_generator(K: ModuleType) -> Any:
    """A tiny generator: noise (``NOISE_DIM``) -> Dense(8, tanh) -> Dense(``DATA_DIM``). No BatchNorm."""
    return K.Sequential(
        [
            K.Input((NOISE_DIM,)),
            K.layers.Dense(8, activation="tanh"),
            K.layers.Dense(DATA_DIM),
        ],
        name="G",
    )


def build_discriminator(K: ModuleType) -> Any:
    """A tiny discriminator with BatchNorm: x -> Dense(8) -> BatchNormalization -> tanh -> Dense(1).

    It outputs a logit (no sigmoid), so the losses use ``from_logits=True``.
    """
    return K.Sequential(
        [
            K.Input((DATA_DIM,)),
            K.layers.Dense(8),
            K.layers.BatchNormalization(),
            K.layers.Activation("tanh"),
            K.layers.Dense(1),
        ],
        name="D",
    )


# --------------------------------------------------------------------------------------------
# Snapshots: copy every variable, then diff two copies
# --------------------------------------------------------------------------------------------


def _short_name(variable: Any) -> str:
    """``kernel`` from Keras 3's ``kernel`` or tf_keras's ``dense/kernel:0``."""
    return variable.name.split("/")[-1].split(":")[0]


def snapshot(models: Mapping[str, Any]) -> Snapshot:
    """Copy every variable of every model into NumPy, keyed ``"<label>/<layer>/<variable>"``.

    ``models`` maps a label to a model, e.g. ``{"G": generator, "D": discriminator}``. Every
    variable is copied, trainable or not: a frozen layer's weights and BatchNormalization's
    ``moving_mean`` / ``moving_variance`` are in the snapshot too. (Optimizer state is not: it is
    not part of the model.)
    """
    copy: Snapshot = {}
    for label, model in models.items():
        if not label or "/" in label:
            raise ValueError(f"model labels must be non-empty and contain no '/', got {label!r}")
        for layer in model.layers:
            for variable in layer.weights:
                key = f"{label}/{layer.name}/{_short_name(variable)}"
                if key in copy:
                    raise ValueError(
                        f"two variables would share the key {key!r}: give the layers distinct names"
                    )
                copy[key] = np.array(variable.numpy(), copy=True)
    return copy


def changed_variables(before: Snapshot, after: Snapshot) -> list[str]:
    """Keys of the variables whose values differ between two snapshots (exact comparison).

    Any change counts, however small: an optimizer step moves a weight by about the learning rate,
    far above float32 round-off, and a weight nobody touched keeps exactly the same bits.
    """
    if before.keys() != after.keys():
        raise ValueError(
            "the two snapshots hold different variables: take both with the same models"
        )
    return [key for key in before if not np.array_equal(before[key], after[key])]


def weight_group(key: str) -> str:
    """The group a snapshot key belongs to: ``"D-BN-stats"`` for moving statistics, else the label.

    ``"D/batch_normalization/moving_mean"`` -> ``"D-BN-stats"``; ``"D/dense/kernel"`` -> ``"D"``.
    BatchNormalization's ``gamma`` and ``beta`` are ordinary trainable weights, so they are in ``"D"``.
    """
    label, _, name = key.partition("/")
    if name.endswith("moving_mean") or name.endswith("moving_variance"):
        return f"{label}-BN-stats"
    return label


def describe_changes(changed: Iterable[str], keys: Iterable[str]) -> str:
    """Summarise changed keys by group: ``"nothing"``, ``"G"``, ``"D, D-BN-stats"``...

    ``keys`` are all the keys of the snapshot (they fix the order of the groups). A group where only
    some variables changed is shown as ``"D (3 of 6)"``, so a partial update cannot hide.
    """
    changed = set(changed)
    totals: dict[str, int] = {}
    hits: dict[str, int] = {}
    for key in keys:
        group = weight_group(key)
        totals[group] = totals.get(group, 0) + 1
        hits[group] = hits.get(group, 0) + (key in changed)
    parts = [
        group if hits[group] == totals[group] else f"{group} ({hits[group]} of {totals[group]})"
        for group in totals
        if hits[group]
    ]
    return ", ".join(parts) if parts else "nothing"


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
    weights: list[np.ndarray], x: np.ndarray, stats: str, epsilon: float
) -> np.ndarray:
    """D's logits with its BatchNormalization using ``stats="batch"`` or ``stats="moving"``.

    In "batch" mode BatchNormalization subtracts the mean and divides by the standard deviation of
    THIS batch (what ``training=True`` does); in "moving" mode it uses the moving averages it has
    accumulated (what inference does). The rest of the formula is the same.
    """
    kernel1, bias1, gamma, beta, moving_mean, moving_variance, kernel2, bias2 = weights
    h = x @ kernel1 + bias1
    mean, variance = (
        (h.mean(axis=0), h.var(axis=0)) if stats == "batch" else (moving_mean, moving_variance)
    )
    h = gamma * (h - mean) / np.sqrt(variance + epsilon) + beta
    return np.tanh(h) @ kernel2 + bias2


def reference_losses(
    generator: Any, discriminator: Any, kind: str, x: np.ndarray, y: np.ndarray
) -> dict[str, float]:
    """The loss a training call would report, computed with batch and with moving statistics.

    ``kind="D"``: ``x`` is the discriminator's batch (real and fake rows), ``y`` its labels.
    ``kind="G"``: ``x`` is the noise fed to the generator, ``y`` the labels (all ones).
    Uses the models' current weights, so call it just before the training call: Keras reports the
    loss of the forward pass, computed before the weights are updated.
    """
    if kind not in ("D", "G"):
        raise ValueError(f"kind must be 'D' or 'G', got {kind!r}")
    d_weights = [np.asarray(w, np.float64) for w in discriminator.get_weights()]
    epsilon = float(discriminator.layers[1].epsilon)
    if kind == "G":
        x = _generator_numpy(
            [np.asarray(w, np.float64) for w in generator.get_weights()], np.asarray(x, np.float64)
        )
    return {
        stats: _bce_from_logits(
            _discriminator_numpy(d_weights, np.asarray(x, np.float64), stats, epsilon),
            np.asarray(y, np.float64),
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

    K: ModuleType
    run_eagerly: bool
    G: Any
    D: Any
    d_x: np.ndarray
    d_y: np.ndarray
    z: np.ndarray
    g_y: np.ndarray

    def compile(self, model: Any, optimizer: Any = None) -> None:
        """``model.compile`` with SGD, binary cross-entropy on logits and this lab's ``run_eagerly``."""
        model.compile(
            optimizer=optimizer if optimizer is not None else self.K.optimizers.SGD(LEARNING_RATE),
            loss=self.K.losses.BinaryCrossentropy(from_logits=True),
            run_eagerly=self.run_eagerly,
        )

    def train_d(self) -> float:
        """One ``D.train_on_batch`` on the fixed discriminator batch."""
        return self.D.train_on_batch(self.d_x, self.d_y)


def new_lab(version: str, run_eagerly: bool = False, seed: int = 0) -> Lab:
    """Seed, build a fresh G and D for ``version`` (``"keras3"``/``"keras2"``) and draw the batches."""
    K = keras_module(version)
    K.utils.set_random_seed(seed)
    rng = np.random.default_rng(seed)
    G, D = build_generator(K), build_discriminator(K)
    real = rng.normal([2.0, -1.0], 0.5, size=(BATCH_SIZE, DATA_DIM)).astype("float32")
    # Uniform noise in [0, 1): its mean is not 0, so the batch statistics of D's BatchNormalization
    # inputs differ clearly from the initial moving ones (mean 0, variance 1) and the two reference
    # losses of bn_mode() stay far apart.
    z = rng.uniform(0.0, 1.0, size=(BATCH_SIZE, NOISE_DIM)).astype("float32")
    fake = np.asarray(G(z, training=False), dtype="float32")
    d_x = np.concatenate([real, fake])
    d_y = np.concatenate([np.ones((BATCH_SIZE, 1)), np.zeros((BATCH_SIZE, 1))]).astype("float32")
    return Lab(K, run_eagerly, G, D, d_x, d_y, z, np.ones((BATCH_SIZE, 1), "float32"))


@dataclass(frozen=True)
class Step:
    """One kind of training call a recipe repeats: ``kind`` ``"D"``/``"G"`` says which batch it
    trains on (``"GAN"``: both, in one call), ``call`` is the code shown in the table."""

    kind: str
    call: str
    run: Callable[[], Any]
    batch: tuple[np.ndarray, np.ndarray] | None = None  # (x, y) it trains on, if not the lab's own


# --------------------------------------------------------------------------------------------
# The recipes. Each sets up a lab and returns the calls one training iteration makes, in order.
# --------------------------------------------------------------------------------------------


def _stack(lab: Lab) -> Any:
    """``gan = Sequential([G, D])``, compiled: the combined model of the classic recipe."""
    gan = lab.K.Sequential([lab.G, lab.D], name="gan")
    lab.compile(gan)
    return gan


def recipe_classic(lab: Lab) -> list[Step]:
    """The tutorial recipe: compile D, set ``D.trainable = False``, compile ``gan``, alternate."""
    lab.compile(lab.D)
    lab.D.trainable = False
    gan = _stack(lab)
    return [
        Step("D", "D.train_on_batch", lab.train_d),
        Step("G", "gan.train_on_batch", lambda: gan.train_on_batch(lab.z, lab.g_y)),
    ]


def recipe_no_freeze(lab: Lab) -> list[Step]:
    """The classic recipe WITHOUT ``D.trainable = False``: shows what the flag is there to prevent."""
    lab.compile(lab.D)
    gan = _stack(lab)
    return [
        Step("D", "D.train_on_batch", lab.train_d),
        Step("G", "gan.train_on_batch", lambda: gan.train_on_batch(lab.z, lab.g_y)),
    ]


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
        return gan.train_on_batch(lab.z, lab.g_y)

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


def recipe_freeze_after_first_call(lab: Lab) -> list[Step]:
    """Compile D, train it once, THEN set ``D.trainable = False`` and keep training (no recompile)."""
    lab.compile(lab.D)
    lab.train_d()
    lab.D.trainable = False
    return [Step("D", "D.train_on_batch", lab.train_d)]


def recipe_freeze_after_first_call_new_batch_size(lab: Lab) -> list[Step]:
    """As ``recipe_freeze_after_first_call``, but the later calls get a batch of another size (16
    rows instead of 32): a new input shape makes ``tf.function`` trace the training step again."""
    lab.compile(lab.D)
    lab.train_d()
    lab.D.trainable = False
    x, y = lab.d_x[::2], lab.d_y[::2]
    return [
        Step(
            "D",
            "D.train_on_batch, batch of 16 (was 32)",
            lambda: lab.D.train_on_batch(x, y),
            (x, y),
        )
    ]


def recipe_freeze_and_recompile(lab: Lab) -> list[Step]:
    """Compile D, train once, set ``D.trainable = False`` and call ``compile`` again (new optimizer)."""
    lab.compile(lab.D)
    lab.train_d()
    lab.D.trainable = False
    lab.compile(lab.D)
    return [Step("D", "D.train_on_batch", lab.train_d)]


def recipe_freeze_and_rebuild_train_function(lab: Lab) -> list[Step]:
    """Compile D, train once, set ``D.trainable = False``, then ``D.make_train_function(force=True)``.

    No ``compile``: only the training function is rebuilt. This separates the two candidate moments
    at which Keras could read the flags: at ``compile`` (then D keeps learning) or when the training
    function is built/traced (then D stops).
    """
    lab.compile(lab.D)
    lab.train_d()
    lab.D.trainable = False
    lab.D.make_train_function(force=True)
    return [Step("D", "D.train_on_batch", lab.train_d)]


def recipe_custom_steps(lab: Lab) -> list[Step]:
    """The recommended pattern: one ``GradientTape`` per network, explicit variable lists, no compile.

    Three calls per iteration: the discriminator step, then the generator step twice, once calling
    ``D(fake, training=True)`` and once ``D(fake, training=False)``, to see what that argument does
    to D's BatchNormalization. In the graph columns the steps are wrapped in ``tf.function`` (as you
    would for speed); in the ``run_eagerly`` columns they run as plain Python.
    """
    import tensorflow as tf

    K, G, D = lab.K, lab.G, lab.D
    loss_fn = K.losses.BinaryCrossentropy(from_logits=True)
    d_optimizer, g_optimizer = K.optimizers.SGD(LEARNING_RATE), K.optimizers.SGD(LEARNING_RATE)

    def d_step(x: Any, y: Any) -> Any:
        with tf.GradientTape() as tape:
            loss = loss_fn(y, D(x, training=True))
        grads = tape.gradient(loss, D.trainable_variables)
        d_optimizer.apply_gradients(zip(grads, D.trainable_variables))
        return loss

    def g_step(z: Any, y: Any, d_training: bool) -> Any:
        with tf.GradientTape() as tape:
            loss = loss_fn(y, D(G(z, training=True), training=d_training))
        grads = tape.gradient(loss, G.trainable_variables)
        g_optimizer.apply_gradients(zip(grads, G.trainable_variables))
        return loss

    if not lab.run_eagerly:
        d_step, g_step = tf.function(d_step), tf.function(g_step)
    return [
        Step("D", "d_step: tape on D.trainable_variables", lambda: float(d_step(lab.d_x, lab.d_y))),
        Step(
            "G",
            "g_step: tape on G.trainable_variables, D(fake, training=True)",
            lambda: float(g_step(lab.z, lab.g_y, True)),
        ),
        Step(
            "G",
            "g_step: tape on G.trainable_variables, D(fake, training=False)",
            lambda: float(g_step(lab.z, lab.g_y, False)),
        ),
    ]


def recipe_custom_steps_after_freeze(lab: Lab) -> list[Step]:
    """The same custom steps, but ``D.trainable = False`` was left set (e.g. by the classic recipe)."""
    lab.D.trainable = False
    return recipe_custom_steps(lab)[:2]


def gan_model_class(K: ModuleType) -> type:
    """A keras.io-style GAN for package ``K``: one ``Model`` holding G and D, with its own ``train_step``.

    ``compile`` takes one optimizer per network; ``train_step`` makes one discriminator step and one
    generator step, each with its own ``GradientTape`` and explicit ``trainable_variables``.
    ``call`` only scores data with D: Keras 3 calls it once, symbolically, to build the model.
    """
    import tensorflow as tf

    class GAN(K.Model):
        def __init__(self, generator: Any, discriminator: Any, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.generator, self.discriminator = generator, discriminator

        def compile(self, d_optimizer: Any, g_optimizer: Any, **kwargs: Any) -> None:
            super().compile(**kwargs)
            self.d_optimizer, self.g_optimizer = d_optimizer, g_optimizer
            self.loss_fn = K.losses.BinaryCrossentropy(from_logits=True)

        def call(self, x: Any, training: bool = False) -> Any:
            return self.discriminator(x, training=training)

        def train_step(self, data: Any) -> dict[str, Any]:
            real = data[0] if isinstance(data, (tuple, list)) else data
            n = tf.shape(real)[0]
            fake = self.generator(tf.random.normal((n, NOISE_DIM)), training=True)
            x = tf.concat([real, fake], axis=0)
            y = tf.concat([tf.ones((n, 1)), tf.zeros((n, 1))], axis=0)
            with tf.GradientTape() as tape:
                d_loss = self.loss_fn(y, self.discriminator(x, training=True))
            grads = tape.gradient(d_loss, self.discriminator.trainable_variables)
            self.d_optimizer.apply_gradients(zip(grads, self.discriminator.trainable_variables))

            z = tf.random.normal((n, NOISE_DIM))
            with tf.GradientTape() as tape:
                fake = self.generator(z, training=True)
                g_loss = self.loss_fn(tf.ones((n, 1)), self.discriminator(fake, training=True))
            grads = tape.gradient(g_loss, self.generator.trainable_variables)
            self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_variables))
            return {"d_loss": d_loss, "g_loss": g_loss}

    return GAN


def recipe_subclassed_model(lab: Lab) -> list[Step]:
    """The keras.io pattern: ``GAN(G, D)`` compiled with two optimizers; one call trains both."""
    K = lab.K
    gan = gan_model_class(K)(lab.G, lab.D)
    gan.compile(
        K.optimizers.SGD(LEARNING_RATE),
        K.optimizers.SGD(LEARNING_RATE),
        run_eagerly=lab.run_eagerly,
    )
    real = lab.d_x[:BATCH_SIZE]
    return [
        Step("GAN", "gan.train_on_batch(real) (D step + G step)", lambda: gan.train_on_batch(real))
    ]


@dataclass(frozen=True)
class Recipe:
    """A row group of the truth table: a name, the question it answers (1-7) and its set-up code."""

    name: str
    question: int
    setup: Callable[[Lab], list[Step]]


RECIPES: tuple[Recipe, ...] = (
    Recipe("classic", 1, recipe_classic),
    Recipe("no freeze at all", 1, recipe_no_freeze),
    Recipe("classic + toggle", 2, recipe_toggle),
    Recipe("unfreeze after compile, before 1st call", 3, recipe_unfreeze_before_first_call),
    Recipe("freeze after 1st call, no recompile", 3, recipe_freeze_after_first_call),
    Recipe("freeze, recompile (new optimizer)", 3, recipe_freeze_and_recompile),
    Recipe("freeze, make_train_function(force=True)", 4, recipe_freeze_and_rebuild_train_function),
    Recipe(
        "freeze after 1st call, new batch size", 4, recipe_freeze_after_first_call_new_batch_size
    ),
    Recipe("custom steps", 7, recipe_custom_steps),
    Recipe("custom steps after D.trainable=False", 7, recipe_custom_steps_after_freeze),
    Recipe("subclassed Model.train_step", 7, recipe_subclassed_model),
)


# --------------------------------------------------------------------------------------------
# Measuring
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CallEffect:
    """What one training call did.

    ``changed``: groups of variables that changed (``describe_changes``); ``bn``: the statistics D's
    BatchNormalization normalised with (``"batch"``, ``"moving"``, ``"-"`` when not measured);
    ``warnings``: Python warnings and log warnings emitted during the call; ``error``: the exception,
    if the call raised one (``"ValueError: Unknown variable..."``), else ``""``.
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


def _last_line(exc: BaseException) -> str:
    """``"ValueError: <message>"``; errors raised inside ``tf.function`` put the real message last."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    name = type(exc).__name__
    if not lines:
        return name
    return lines[-1] if lines[-1].startswith(name + ":") else f"{name}: {lines[-1]}"


def measure_call(lab: Lab, step: Step) -> CallEffect:
    """Run one training call and report what changed, which BN statistics it used and what it warned."""
    models = {"G": lab.G, "D": lab.D}
    before = snapshot(models)
    references = None
    if step.kind in ("D", "G"):
        x, y = step.batch or ((lab.d_x, lab.d_y) if step.kind == "D" else (lab.z, lab.g_y))
        references = reference_losses(lab.G, lab.D, step.kind, x, y)
    handler, loggers = _LogCapture(), [logging.getLogger(), logging.getLogger("tensorflow")]
    noise_filter = _DropHarnessNoise()
    loggers[1].addFilter(noise_filter)
    for logger in loggers:
        logger.addHandler(handler)
    error, loss = "", None
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            loss = step.run()
    except (
        Exception
    ) as exc:  # the error IS the measurement (Keras 3's apply_gradients on no variables)
        error = _last_line(exc)
    finally:
        for logger in loggers:
            logger.removeHandler(handler)
        loggers[1].removeFilter(noise_filter)
    after = snapshot(models)
    messages = tuple(
        dict.fromkeys(
            m
            for m in [str(w.message).splitlines()[0] for w in caught] + handler.messages
            if not _is_harness_noise(m)
        )
    )
    bn = (
        "-"
        if references is None or loss is None
        else bn_mode(float(np.asarray(loss).ravel()[0]), references)
    )
    return CallEffect(
        describe_changes(changed_variables(before, after), before), bn, messages, error
    )


def summarise_calls(effects: list[CallEffect]) -> str:
    """One table cell from the effects of the same call in successive iterations.

    ``"D, D-BN-stats | BN batch"`` when every iteration did the same (the ``| BN`` part is left out
    when it was not measured); warnings are added with
    ``(1st call only)`` or ``(every call)``; if iterations differ, each is listed.
    """
    if not effects:
        raise ValueError("summarise_calls needs at least one CallEffect")

    def core(e: CallEffect) -> str:
        if e.error:
            return f"error: {e.error}"
        return e.changed if e.bn == "-" else f"{e.changed} | BN {e.bn}"

    cores = [core(e) for e in effects]
    text = (
        cores[0]
        if len(set(cores)) == 1
        else "; ".join(f"call {i + 1}: {c}" for i, c in enumerate(cores))
    )
    for message in dict.fromkeys(m for e in effects for m in e.warnings):
        where = [message in e.warnings for e in effects]
        when = (
            "every call"
            if all(where)
            else (
                "1st call only"
                if where[0] and not any(where[1:])
                else "calls " + ",".join(str(i + 1) for i, w in enumerate(where) if w)
            )
        )
        text += f" | warns '{message}' ({when})"
    return text


def measure_recipe(
    recipe: Recipe, version: str, run_eagerly: bool, iterations: int = 2, seed: int = 0
) -> dict[str, str]:
    """Run ``recipe`` for ``iterations`` training iterations; return ``{call: cell text}``."""
    if iterations < 1:
        raise ValueError(f"iterations must be >= 1, got {iterations}")
    tf_logger, noise_filter = logging.getLogger("tensorflow"), _DropHarnessNoise()
    tf_logger.addFilter(noise_filter)  # the set-up calls trace too
    try:
        lab = new_lab(version, run_eagerly, seed)
        steps = recipe.setup(lab)
        effects: dict[str, list[CallEffect]] = {step.call: [] for step in steps}
        for _ in range(iterations):
            for step in steps:
                effects[step.call].append(measure_call(lab, step))
    finally:
        tf_logger.removeFilter(noise_filter)
    return {call: summarise_calls(found) for call, found in effects.items()}


@dataclass(frozen=True)
class Row:
    """One row of the truth table: a recipe, one of its calls, and one cell per column title."""

    recipe: str
    question: int
    call: str
    cells: dict[str, str]

    @property
    def key(self) -> str:
        """``"<recipe> / <call>"``: the name used in the notebook's expected values and messages."""
        return f"{self.recipe} / {self.call}"


def truth_table(
    iterations: int = 2,
    recipes: Iterable[Recipe] = RECIPES,
    columns: Iterable[tuple[str, str, bool]] = COLUMNS,
    seed: int = 0,
) -> list[Row]:
    """Measure every recipe in every column; one ``Row`` per (recipe, call)."""
    recipes, columns = list(recipes), list(columns)
    results = {
        title: [measure_recipe(r, version, eager, iterations, seed) for r in recipes]
        for title, version, eager in columns
    }
    rows = []
    for i, recipe in enumerate(recipes):
        for call in results[columns[0][0]][i]:
            rows.append(
                Row(
                    recipe.name,
                    recipe.question,
                    call,
                    {title: results[title][i][call] for title, _, _ in columns},
                )
            )
    return rows


def table_html(rows: Iterable[Row]) -> str:
    """The truth table as an HTML table (give it to ``IPython.display.HTML``); no pandas needed."""
    rows = list(rows)
    if not rows:
        return "<p>(no rows)</p>"
    titles = list(rows[0].cells)
    head = "".join(f"<th>{html.escape(t)}</th>" for t in ["Q", "recipe", "call"] + titles)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td style="text-align:left">{html.escape(str(v))}</td>'
            for v in [r.question, r.recipe, r.call] + [r.cells[t] for t in titles]
        )
        + "</tr>"
        for r in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def cell(rows: Iterable[Row], key: str, column: str) -> str:
    """The text of one cell, found by row key (``"classic / D.train_on_batch"``) and column title."""
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
