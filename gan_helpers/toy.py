"""The 1-D Gaussian toy GAN of notebook 03: models, a fast compiled training loop, a live panel.

The experiment (a well-known blog post): turn uniform noise on (-3, 3)^noise_dim into samples of
N(0, 1), with ``k`` discriminator steps for every generator step.

* generator: Dense 200, 100, 50 (ReLU), then Dense 1 (linear);
* discriminator ``"max-softmax"`` (the post's): Dense 200 (ReLU), Dense 50 (softmax), then the
  *maximum* of those 50 probabilities is D(x), the probability that x is real;
* discriminator ``"sigmoid"`` (the standard one): Dense 200, 50 (ReLU), then Dense 1 (sigmoid);
* losses on probabilities, logs clamped at ``LOG_EPS``: D minimises -log D(x) - log(1 - D(G(z)));
  G minimises log(1 - D(G(z))) (``"minimax"``, the post's) or -log D(G(z)) (``"non-saturating"``);
* Adam with its defaults, batch 32.

Why this module is more than a loop
-----------------------------------
A slider change in the notebook starts a new run, so a run must be fast (about a second on two
CPU cores). Four things make it so; ``benchmarks/toy_run.py`` measures them:

1. The whole inner loop (``n`` generator steps, each after ``k`` discriminator steps) runs inside
   ONE ``tf.function`` with graph ``while`` loops, so Python is entered once per chunk, not per step.
2. ``k`` and the number of steps are passed as *tensors* (and the loops are ``while i < k``, not
   ``for _ in tf.range(k)``, which XLA recompiles for every new k), and the models and optimizers are kept in
   a cache keyed by what fixes the graph (discriminator, generator loss, training step). A new run
   re-initialises the cached weights from its seed instead of building new models, so the compiled
   function is reused.
3. One graph serves every noise_dim: G always has ``MAX_NOISE_DIM`` = 16 inputs. A run with
   noise_dim = d fills the first d with noise and the rest with zeros, and starts the kernel rows
   of the unused inputs at zero. An input that is always 0 gives its kernel row a gradient of
   exactly 0, so Adam never moves that row (its step is 0 / (0 + epsilon)): the network computes
   exactly what a d-input generator computes, and a new noise_dim needs no new graph.
4. XLA (``jit_compile=True``) fuses the hundreds of tiny ops of one step into a few kernels: about
   twice as fast per step, for a one-off compilation of a few seconds per graph.

The training step itself (``d_step``, ``g_step``, ``train_step``) is the lesson's code: one
``GradientTape`` per network and explicit ``trainable_variables``. Notebook 03 writes the same step
out and checks that it gives bit-identical weights to this one.
"""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import keras
import numpy as np
import tensorflow as tf
from scipy.stats import wasserstein_distance
from threadpoolctl import ThreadpoolController  # installed with scikit-learn

NOISE_LOW, NOISE_HIGH = -3.0, 3.0
BATCH_SIZE = 32
MAX_NOISE_DIM = 16  # G's input width in the compiled loop; a run uses the first noise_dim of them
LOG_EPS = 1e-7
DISCRIMINATORS = ("max-softmax", "sigmoid")
GENERATOR_LOSSES = ("minimax", "non-saturating")
REFERENCE_SIZE = 50_000  # the fixed N(0, 1) sample every distance is measured against
REFERENCE_SEED = 2024
EVAL_SAMPLES = 10_000  # generated samples for the final distance of a run
LIVE_SAMPLES, LIVE_REFERENCE = 2_000, 10_000  # the cheaper distance measured during a run
X_GRID = np.linspace(-4.0, 4.0, 161, dtype=np.float32)  # where D(x) is drawn


# --- the models ---------------------------------------------------------------------------------
@keras.saving.register_keras_serializable(package="gan_helpers")
class MaxOverUnits(keras.layers.Layer):
    """The largest of the incoming units, keeping a length-1 last axis: (batch, n) -> (batch, 1).

    After a 50-way softmax this is the post's D(x). A registered layer (rather than a ``Lambda``)
    saves to ``.keras`` and loads back with ``safe_mode=True``: no Python bytecode is stored.
    """

    def call(self, inputs):
        return keras.ops.max(inputs, axis=-1, keepdims=True)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], 1)


def make_generator(noise_dim: int = 4) -> keras.Sequential:
    """G: noise (batch, noise_dim) -> sample (batch, 1). Dense 200, 100, 50 (ReLU), Dense 1 (linear)."""
    _check_int("noise_dim", noise_dim, 1, "use at least one noise dimension")
    return keras.Sequential(
        [
            keras.Input(shape=(noise_dim,)),
            keras.layers.Dense(200, activation="relu"),
            keras.layers.Dense(100, activation="relu"),
            keras.layers.Dense(50, activation="relu"),
            keras.layers.Dense(1),
        ],
        name="generator",
    )


def make_discriminator(kind: str = "max-softmax") -> keras.Sequential:
    """D: sample (batch, 1) -> probability that it is real (batch, 1).

    ``"max-softmax"``: Dense 200 (ReLU), Dense 50 (softmax), max over the 50 (so D >= 1/50). Far
    from 0 the 50 logits grow linearly in |x| at different rates, one unit takes all the softmax
    mass, and D(x) -> 1 as x -> +-infinity, whatever the weights: far away looks "real".
    ``"sigmoid"``: Dense 200, 50 (ReLU), Dense 1 (sigmoid), the usual binary classifier.
    """
    if kind == "max-softmax":
        head = [keras.layers.Dense(50, activation="softmax"), MaxOverUnits()]
    elif kind == "sigmoid":
        head = [
            keras.layers.Dense(50, activation="relu"),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    else:
        raise ValueError(f"discriminator must be one of {DISCRIMINATORS}, got {kind!r}")
    return keras.Sequential(
        [keras.Input(shape=(1,)), keras.layers.Dense(200, activation="relu"), *head],
        name=f"discriminator_{kind.replace('-', '_')}",
    )


# --- the losses (on probabilities, logs clamped) ------------------------------------------------
def safe_log(p: tf.Tensor) -> tf.Tensor:
    """``log(max(p, LOG_EPS))``: finite even when a float32 probability rounds to exactly 0.

    Not ``gan_helpers.losses.clamped_log``: that one also clamps at ``1 - eps``, which zeroes the
    gradient of a probability above 0.9999999. The toy discriminator outputs probabilities (the max
    of a softmax), so its losses cannot be computed on logits, and only the lower clamp is needed.
    """
    return tf.math.log(tf.maximum(p, LOG_EPS))


def discriminator_loss(d_real: tf.Tensor, d_fake: tf.Tensor) -> tf.Tensor:
    """D minimises ``-log D(x) - log(1 - D(G(z)))`` (batch means)."""
    return -tf.reduce_mean(safe_log(d_real)) - tf.reduce_mean(safe_log(1.0 - d_fake))


def generator_loss(d_fake: tf.Tensor, kind: str = "minimax") -> tf.Tensor:
    """``"minimax"`` (the post's): G minimises ``log(1 - D(G(z)))``.
    ``"non-saturating"``: G minimises ``-log D(G(z))``: same goal, stronger gradient when D wins."""
    if kind == "minimax":
        return tf.reduce_mean(safe_log(1.0 - d_fake))
    if kind == "non-saturating":
        return -tf.reduce_mean(safe_log(d_fake))
    raise ValueError(f"generator loss must be one of {GENERATOR_LOSSES}, got {kind!r}")


# --- one GAN = two models, two optimizers, one random stream ------------------------------------
@dataclass(eq=False)
class ToyGAN:
    """Everything one run trains. ``rng`` draws the noise and the real batches inside the graph."""

    generator: keras.Model
    discriminator: keras.Model
    g_optimizer: keras.optimizers.Optimizer
    d_optimizer: keras.optimizers.Optimizer
    rng: tf.random.Generator
    noise_dim: tf.Variable  # how many of G's MAX_NOISE_DIM inputs carry noise in this run
    loss: str  # the generator loss: "minimax" or "non-saturating"
    assign_all: Callable | None = None  # set by reset_toy_gan

    def sample_noise(self, n: int = BATCH_SIZE) -> tf.Tensor:
        """z ~ U(-3, 3)^noise_dim, padded with zeros to shape (n, MAX_NOISE_DIM) (see the module doc)."""
        z = self.rng.uniform((n, MAX_NOISE_DIM), NOISE_LOW, NOISE_HIGH)
        return tf.where(tf.range(MAX_NOISE_DIM) < self.noise_dim, z, 0.0)

    def sample_real(self, n: int = BATCH_SIZE) -> tf.Tensor:
        """x ~ N(0, 1), shape (n, 1)."""
        return self.rng.normal((n, 1))


def build_toy_gan(discriminator: str = "max-softmax", loss: str = "minimax") -> ToyGAN:
    """New models and Adam optimizers (built, so no variable is created inside a compiled function).

    G gets ``MAX_NOISE_DIM`` inputs; ``reset_toy_gan`` sets how many of them a run uses.
    """
    if loss not in GENERATOR_LOSSES:
        raise ValueError(f"generator loss must be one of {GENERATOR_LOSSES}, got {loss!r}")
    gan = ToyGAN(
        make_generator(MAX_NOISE_DIM),
        make_discriminator(discriminator),
        keras.optimizers.Adam(),
        keras.optimizers.Adam(),
        tf.random.Generator.from_seed(0),
        tf.Variable(MAX_NOISE_DIM, dtype=tf.int32, trainable=False),
        loss,
    )
    gan.g_optimizer.build(gan.generator.trainable_variables)
    gan.d_optimizer.build(gan.discriminator.trainable_variables)
    return gan


def reset_toy_gan(gan: ToyGAN, seed: int, learning_rate: float = 1e-3, noise_dim: int = 4) -> None:
    """Start afresh from ``seed`` without building anything new (so compiled functions stay valid).

    Kernels get Keras' default Dense initialisation, Glorot uniform (uniform on +-sqrt(6 / (fan_in +
    fan_out))), drawn here with NumPy from ``seed``, as for a G with ``noise_dim`` inputs: the rows
    of G's first kernel for the unused inputs are 0. Biases and Adam's moments and step counter go
    back to zero; the in-graph random stream restarts from ``seed``.
    """
    _check_int("noise_dim", noise_dim, 1, "use at least one noise dimension")
    if noise_dim > MAX_NOISE_DIM:
        raise ValueError(
            f"noise_dim must be at most MAX_NOISE_DIM = {MAX_NOISE_DIM}, got {noise_dim}"
        )
    rng = np.random.default_rng(seed)
    first = gan.generator.layers[0]
    new = []  # (variable, new value) pairs, assigned together at the end
    for model in (gan.generator, gan.discriminator):
        for layer in model.layers:
            if isinstance(layer, keras.layers.Dense):
                fan_in, fan_out = layer.kernel.shape
                used = noise_dim if layer is first else fan_in
                limit = np.sqrt(6.0 / (used + fan_out))
                kernel = np.zeros((fan_in, fan_out), np.float32)
                kernel[:used] = rng.uniform(-limit, limit, size=(used, fan_out))
                new += [(layer.kernel, kernel), (layer.bias, np.zeros(fan_out, np.float32))]
    new.append((gan.noise_dim, noise_dim))
    for opt in (gan.g_optimizer, gan.d_optimizer):  # step counter, moments: 0; the learning rate
        new += [(v, learning_rate if v is opt.learning_rate else 0) for v in opt.variables]
    if gan.assign_all is None:  # ONE compiled call instead of ~50 eager assigns (about 0.1 s)
        variables = [v for v, _ in new]
        gan.assign_all = tf.function(
            lambda values: [v.assign(x) for v, x in zip(variables, values)]
        )
    gan.assign_all(
        [
            np.full(v.shape, x, tf.as_dtype(v.dtype).as_numpy_dtype) if np.ndim(x) == 0 else x
            for v, x in new
        ]
    )
    gan.rng.reset_from_seed(seed)


# --- the training step (the lesson's code) -----------------------------------------------------
def d_step(gan: ToyGAN):
    """One discriminator update on a real and a generated batch; returns (loss, mean D(x), mean D(G(z)))."""
    x = gan.sample_real()
    fake = gan.generator(gan.sample_noise(), training=True)
    with tf.GradientTape() as tape:
        # one D call on both batches (D has no batch-dependent layer, so this is the same maths as two
        # calls, in fewer and larger operations: about 20% faster)
        d_real, d_fake = tf.split(gan.discriminator(tf.concat([x, fake], axis=0), training=True), 2)
        loss = discriminator_loss(d_real, d_fake)
    variables = gan.discriminator.trainable_variables
    gan.d_optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
    return loss, tf.reduce_mean(d_real), tf.reduce_mean(d_fake)


def g_step(gan: ToyGAN):
    """One generator update through the (fixed) discriminator; returns G's loss."""
    with tf.GradientTape() as tape:
        d_fake = gan.discriminator(gan.generator(gan.sample_noise(), training=True), training=True)
        loss = generator_loss(d_fake, gan.loss)
    variables = gan.generator.trainable_variables
    gan.g_optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
    return loss


def train_step(gan: ToyGAN, k):
    """``k`` discriminator steps, then one generator step (the post's ``step_per = k``).

    Returns (D loss, G loss, mean D(x), mean D(G(z))), the D numbers from its last step.
    The loop is a ``while`` on a tensor, which AutoGraph turns into a graph loop. (Not
    ``for _ in tf.range(k)``: under XLA the limit of a range must be known at compile time, so
    every new value of k would compile the whole loop again, seconds each time.)
    """
    d_loss = d_real = d_fake = tf.constant(0.0)
    i = tf.constant(0)
    while i < k:
        d_loss, d_real, d_fake = d_step(gan)
        i += 1
    g_loss = g_step(gan)
    return d_loss, g_loss, d_real, d_fake


StepFn = Callable[[ToyGAN, tf.Tensor], tuple]


def compile_training(gan: ToyGAN, step_fn: StepFn = train_step, jit_compile: bool = True):
    """``run(n_steps, k)``: ``n_steps`` calls of ``step_fn(gan, k)`` in one compiled function.

    Pass ``n_steps`` and ``k`` as int32 tensors: a new value then reuses the same graph. Returns the
    four numbers of ``step_fn`` averaged over the ``n_steps`` steps.
    """

    def run(n_steps, k):
        total = tf.zeros(4)
        i = tf.constant(0)
        while i < n_steps:  # a graph loop whose length is a run-time value (see train_step)
            total += tf.stack(step_fn(gan, k))
            i += 1
        return total / tf.cast(n_steps, tf.float32)

    return tf.function(run, jit_compile=jit_compile)


@dataclass(eq=False)
class _Compiled:
    gan: ToyGAN
    run: Callable
    sample: Callable  # z -> G(z)
    d_curve: Callable  # x -> D(x)
    lock: threading.Lock = field(default_factory=threading.Lock)


_CACHE: dict[tuple, _Compiled] = {}
_CACHE_LOCK = threading.Lock()


def get_compiled(
    discriminator: str = "max-softmax",
    loss: str = "minimax",
    step_fn: StepFn = train_step,
    jit_compile: bool = True,
) -> _Compiled:
    """The cached models + compiled functions for one graph-fixing combination (built on first use)."""
    key = (discriminator, loss, step_fn, jit_compile)
    with _CACHE_LOCK:
        if key not in _CACHE:
            gan = build_toy_gan(discriminator, loss)
            _CACHE[key] = _Compiled(
                gan,
                compile_training(gan, step_fn, jit_compile),
                tf.function(lambda z: gan.generator(z, training=False)),
                tf.function(lambda x: gan.discriminator(x, training=False)),
            )
        return _CACHE[key]


def clear_cache() -> None:
    """Forget every cached model and compiled function (the next run builds and traces again)."""
    with _CACHE_LOCK:
        _CACHE.clear()


# --- the distance to the target ---------------------------------------------------------------
_REFERENCE: np.ndarray | None = None
_BLAS: ThreadpoolController | None = None


def reference_sample() -> np.ndarray:
    """A fixed sample of ``REFERENCE_SIZE`` draws from N(0, 1) (seed ``REFERENCE_SEED``), 1-D."""
    global _REFERENCE
    if _REFERENCE is None:
        _REFERENCE = np.random.default_rng(REFERENCE_SEED).standard_normal(REFERENCE_SIZE)
    return _REFERENCE


def w1_to_normal(samples: np.ndarray, reference_size: int = REFERENCE_SIZE) -> float:
    """1-D Wasserstein distance between ``samples`` and N(0, 1) (a large fixed reference sample).

    It is the area between the two CDFs: how far, on average, the samples must move to become the
    target. 0 for a perfect match, 1 for N(0, 1) shifted by one unit. Even genuine N(0, 1) samples
    score above 0 (sampling noise); see ``w1_noise_floor``. ``reference_size`` uses only the first
    draws of the reference (cheaper: scipy sorts both samples on every call).

    scipy ends with a dot product, which OpenBLAS splits over its threads; those then spin-wait
    and compete with TensorFlow for the CPU cores. Measured on 2 cores between training chunks:
    8 ms a call and 0.5 s of extra CPU per run, against 1.8 ms with one BLAS thread, so the call
    runs with BLAS limited to one thread.
    """
    global _BLAS
    if _BLAS is None:
        _BLAS = ThreadpoolController()
    with _BLAS.limit(limits=1, user_api="blas"):
        return float(wasserstein_distance(np.ravel(samples), reference_sample()[:reference_size]))


def w1_noise_floor(
    n: int = EVAL_SAMPLES, seed: int = 0, reference_size: int = REFERENCE_SIZE
) -> float:
    """W1 of ``n`` genuine N(0, 1) draws: the best score a perfect generator gets with ``n`` samples."""
    return w1_to_normal(np.random.default_rng(seed).standard_normal(n), reference_size)


# --- one run: what the Train button and a slider change call -------------------------------------
@dataclass(frozen=True)
class ToyConfig:
    """The settings of one run (the panel's widgets). ``steps`` counts generator steps."""

    k: int = 20
    noise_dim: int = 4
    steps: int = 300
    learning_rate: float = 1e-3
    discriminator: str = "max-softmax"
    loss: str = "minimax"
    seed: int = 0

    def validate(self) -> ToyConfig:
        _check_int("k", self.k, 1, "take at least one discriminator step per generator step")
        _check_int("noise_dim", self.noise_dim, 1, "use at least one noise dimension")
        if self.noise_dim > MAX_NOISE_DIM:
            raise ValueError(
                f"noise_dim must be at most MAX_NOISE_DIM = {MAX_NOISE_DIM}, got {self.noise_dim}"
            )
        _check_int("steps", self.steps, 1, "train for at least one generator step")
        _check_int("seed", self.seed, 0, "use a non-negative integer seed")
        if not (isinstance(self.learning_rate, (int, float)) and 0 < self.learning_rate < 1):
            raise ValueError(
                f"learning_rate must be a number in (0, 1), got {self.learning_rate!r}"
            )
        if self.discriminator not in DISCRIMINATORS:
            raise ValueError(
                f"discriminator must be one of {DISCRIMINATORS}, got {self.discriminator!r}"
            )
        if self.loss not in GENERATOR_LOSSES:
            raise ValueError(f"loss must be one of {GENERATOR_LOSSES}, got {self.loss!r}")
        return self

    def label(self) -> str:
        return (
            f"k={self.k} noise_dim={self.noise_dim} steps={self.steps} lr={self.learning_rate:g} "
            f"D={self.discriminator} G-loss={self.loss} seed={self.seed}"
        )


@dataclass
class ToyResult:
    """What a run measured. Lists are per chunk of ``log_every`` generator steps."""

    config: ToyConfig
    steps: list[int] = field(default_factory=list)  # generator steps done at each log point
    w1: list[float] = field(default_factory=list)  # W1(G's samples, N(0, 1)) at each log point
    d_loss: list[float] = field(default_factory=list)
    g_loss: list[float] = field(default_factory=list)
    d_real: list[float] = field(default_factory=list)  # mean D(x) on real batches
    d_fake: list[float] = field(default_factory=list)  # mean D(G(z)) on generated batches
    samples: np.ndarray | None = None  # EVAL_SAMPLES draws from G at the end
    d_curve: np.ndarray | None = None  # D(X_GRID) at the end
    stopped: bool = False  # True when should_stop() ended the run early
    seconds: float = 0.0
    weights: list[np.ndarray] | None = None  # G's then D's weights at the end (for comparisons)

    @property
    def final_w1(self) -> float:
        return self.w1[-1] if self.w1 else float("nan")

    @property
    def d_deviation(self) -> float:
        """How far D is from 0.5 where the data lives: E_{x ~ N(0, 1)} |D(x) - 0.5| (0 = flat at 0.5)."""
        if self.d_curve is None:
            return float("nan")
        weights = np.exp(-(X_GRID**2) / 2)
        return float(np.sum(np.abs(self.d_curve - 0.5) * weights) / np.sum(weights))

    def summary(self) -> str:
        """One line: the settings used and the final distance (the panel's status line)."""
        state = "stopped" if self.stopped else "done"
        return (
            f"{state}: {self.config.label()}: {self.steps[-1] if self.steps else 0} G steps "
            f"in {self.seconds:.2f} s, D(x)={self.d_real[-1] if self.d_real else float('nan'):.3f} "
            f"D(G(z))={self.d_fake[-1] if self.d_fake else float('nan'):.3f} W1={self.final_w1:.3f}"
        )


def train_toy_gan(
    config: ToyConfig = ToyConfig(),
    step_fn: StepFn = train_step,
    log_every: int = 20,
    on_progress: Callable[[ToyResult], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    jit_compile: bool = True,
    keep_weights: bool = False,
) -> ToyResult:
    """Train one toy GAN from ``config`` and measure it: the function behind the panel's Train button.

    Trains in chunks of ``log_every`` generator steps (one call of the compiled function each).
    After each chunk it measures W1 on G's outputs for a fixed batch of noise (``LIVE_SAMPLES``
    against ``LIVE_REFERENCE`` draws; the final point: ``EVAL_SAMPLES`` against the full reference),
    calls ``on_progress(result)``, and stops early when ``should_stop()`` returns True. The same
    config and seed give the same numbers twice.
    """
    config.validate()
    _check_int("log_every", log_every, 1, "log at least every few generator steps")
    started = time.perf_counter()
    compiled = get_compiled(config.discriminator, config.loss, step_fn, jit_compile)
    gan = compiled.gan
    result = ToyResult(config)
    eval_noise = np.zeros((EVAL_SAMPLES, MAX_NOISE_DIM), np.float32)  # padded like sample_noise()
    eval_noise[:, : config.noise_dim] = np.random.default_rng(config.seed + 1).uniform(
        NOISE_LOW, NOISE_HIGH, (EVAL_SAMPLES, config.noise_dim)
    )
    with compiled.lock:  # two threads must not train the same cached models at once
        reset_toy_gan(gan, config.seed, config.learning_rate, config.noise_dim)
        k = tf.constant(config.k, tf.int32)
        done = 0
        while done < config.steps:
            n = min(log_every, config.steps - done)
            d_loss, g_loss, d_real, d_fake = compiled.run(tf.constant(n, tf.int32), k).numpy()
            done += n
            last = done == config.steps
            z = eval_noise if last else eval_noise[:LIVE_SAMPLES]
            samples = compiled.sample(tf.constant(z)).numpy()
            result.steps.append(done)
            result.w1.append(w1_to_normal(samples, REFERENCE_SIZE if last else LIVE_REFERENCE))
            for name, value in zip(
                ("d_loss", "g_loss", "d_real", "d_fake"), (d_loss, g_loss, d_real, d_fake)
            ):
                getattr(result, name).append(float(value))
            result.samples = samples
            stop = bool(should_stop and should_stop())
            if last or stop or on_progress is not None:
                result.d_curve = compiled.d_curve(tf.constant(X_GRID[:, None])).numpy().ravel()
            result.seconds = time.perf_counter() - started
            if stop:
                result.stopped = True
                break
            if on_progress is not None and not last:
                on_progress(result)
        if keep_weights:
            result.weights = gan.generator.get_weights() + gan.discriminator.get_weights()
    result.seconds = time.perf_counter() - started
    if on_progress is not None:
        on_progress(result)
    return result


def _check_int(name: str, value: object, minimum: int, hint: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}: {hint}")
    return int(value)


# --- the live panel -----------------------------------------------------------------------------
class LiveFigure:
    """One matplotlib figure (no pyplot: nothing is shown twice) redrawn in place into an image.

    Left: a histogram of G's samples over the N(0, 1) density. Middle: D(x) over x. Right: W1 to
    N(0, 1) over the generator steps. ``render(result)`` returns JPEG bytes (10 times faster to
    encode than PNG; ``fmt="png"`` for a sharp still); the panel puts them into one
    ``ipywidgets.Image``, which the browser swaps without flicker.

    Drawing axes, ticks and text is most of matplotlib's time, so the static part is drawn once
    (again only when the step axis or the W1 axis must change) and kept as a bitmap; each frame
    restores it and draws only the three moving artists ("blitting"): a few ms instead of 150.
    """

    def __init__(self, dpi: int = 72):
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        self.fig = Figure(figsize=(12, 3.4), dpi=dpi)
        self.canvas = FigureCanvasAgg(self.fig)
        self.fig.subplots_adjust(left=0.045, right=0.99, bottom=0.15, top=0.82, wspace=0.18)
        self.ax_hist, self.ax_d, self.ax_w1 = self.fig.subplots(1, 3)
        self.edges = np.linspace(-4.0, 4.0, 65)
        density = np.exp(-(X_GRID**2) / 2) / np.sqrt(2 * np.pi)
        self.ax_hist.plot(X_GRID, density, color="black", lw=1.5, label="N(0, 1)")
        self.hist = self.ax_hist.stairs(
            np.zeros(len(self.edges) - 1),
            self.edges,
            fill=True,
            alpha=0.5,
            color="tab:orange",
            label="G(z)",
            animated=True,
        )
        self.ax_hist.set(xlim=(-4, 4), ylim=(0, 0.8), xlabel="x", title="samples")
        self.ax_hist.legend(loc="upper right")
        self.ax_d.axhline(0.5, color="gray", ls="--", lw=1)
        (self.d_line,) = self.ax_d.plot(
            X_GRID, np.full_like(X_GRID, np.nan), color="tab:blue", animated=True
        )
        self.ax_d.set(xlim=(-4, 4), ylim=(0, 1.02), xlabel="x", title="D(x)")
        (self.w1_line,) = self.ax_w1.plot([], [], color="tab:green", marker=".", animated=True)
        self.ax_w1.axhline(
            w1_noise_floor(LIVE_SAMPLES, reference_size=LIVE_REFERENCE), color="gray", ls="--", lw=1
        )
        self.ax_w1.set(
            yscale="log", ylim=(0.01, 10), xlabel="generator steps", title="W1 to N(0, 1)"
        )
        self._background = None
        self._static_key = None

    def render(self, result: ToyResult | None = None, fmt: str = "jpeg") -> bytes:
        from PIL import Image

        key = None
        if result is not None:
            top = 10.0 ** max(1, int(np.ceil(np.log10(max(result.w1 or [1.0]) * 1.5))))
            key = (result.config.steps, top)
        if self._background is None or key != self._static_key:  # draw the static part once
            if result is not None:
                self.ax_w1.set_xlim(0, result.config.steps)
                self.ax_w1.set_ylim(0.01, top)
            self.canvas.draw()
            self._background = self.canvas.copy_from_bbox(self.fig.bbox)
            self._static_key = key
        else:
            self.canvas.restore_region(self._background)
        if result is not None and result.samples is not None:
            counts, _ = np.histogram(np.ravel(result.samples), self.edges, density=True)
            self.hist.set_data(np.nan_to_num(counts))
            if result.d_curve is not None:
                self.d_line.set_ydata(result.d_curve)
            self.w1_line.set_data(result.steps, result.w1)
            for ax, artist in (
                (self.ax_hist, self.hist),
                (self.ax_d, self.d_line),
                (self.ax_w1, self.w1_line),
            ):
                ax.draw_artist(artist)
        width, height = self.canvas.get_width_height()
        buffer = io.BytesIO()
        rgba = Image.frombuffer(
            "RGBA", (width, height), self.canvas.buffer_rgba(), "raw", "RGBA", 0, 1
        )
        if fmt == "png":
            rgba.save(buffer, format="png")
        else:
            rgba.convert("RGB").save(buffer, format="jpeg", quality=90)
        return buffer.getvalue()


class ToyPanel:
    """The widget panel of notebook 03: settings, Train and Stop, a status line, one live figure.

    The Train button (and any change of a setting) calls ``start()``: it asks the current run to
    stop and trains the widgets' settings in a background thread, so the kernel stays free to
    receive a click on Stop (``stop()``: the run ends after its current chunk of ``log_every``
    generator steps). ``train()`` runs the same code in the foreground and returns the
    ``ToyResult``: that is how a test, or nbval, exercises what the button does.

    Widget descriptions (for people and for browser tests): sliders ``k``, ``noise_dim``,
    ``learning_rate``, ``G steps``; drop-downs ``discriminator``, ``G loss``; box ``seed``; buttons
    ``Train``, ``Stop``. The status line (``status``, HTML) ends every run with
    ``ToyResult.summary()``: "done: k=20 noise_dim=4 ... W1=0.057" (or "stopped: ...").
    """

    def __init__(
        self,
        config: ToyConfig = ToyConfig(),
        step_fn: StepFn = train_step,
        log_every: int = 20,
        draw_every_s: float = 0.15,
        auto_run: bool = True,
        jit_compile: bool = True,
    ):
        import ipywidgets as W

        config.validate()
        self.step_fn, self.log_every, self.draw_every_s = step_fn, log_every, draw_every_s
        self.jit_compile = jit_compile
        slider = dict(
            continuous_update=False, style={"description_width": "initial"}
        )  # full labels
        self.k = W.IntSlider(config.k, min=1, max=30, description="k", **slider)
        self.noise_dim = W.IntSlider(
            config.noise_dim, min=1, max=MAX_NOISE_DIM, description="noise_dim", **slider
        )
        self.learning_rate = W.FloatLogSlider(
            config.learning_rate,
            base=10,
            min=-4,
            max=-2,
            step=0.25,
            readout_format=".1e",
            description="learning_rate",
            **slider,
        )
        self.steps = W.IntSlider(
            config.steps, min=10, max=3000, step=10, description="G steps", **slider
        )
        wide = {"description_width": "initial"}
        self.discriminator = W.Dropdown(
            options=DISCRIMINATORS,
            value=config.discriminator,
            description="discriminator",
            style=wide,
        )
        self.loss = W.Dropdown(
            options=GENERATOR_LOSSES, value=config.loss, description="G loss", style=wide
        )
        self.seed = W.BoundedIntText(config.seed, min=0, max=1_000_000, description="seed")
        self.train_button = W.Button(description="Train", button_style="success", tooltip="Train")
        self.stop_button = W.Button(description="Stop", button_style="danger", tooltip="Stop")
        self.status = W.HTML("ready: move a slider or press Train")
        self.figure = LiveFigure()
        self.image = W.Image(
            value=self.figure.render(ToyResult(config)), format="jpeg"
        )  # axes for config
        self.train_button.on_click(lambda _: self.start())
        self.stop_button.on_click(lambda _: self.stop())
        if auto_run:
            for w in self.controls:
                w.observe(lambda _: self.start(), names="value")
        self.widget = W.VBox(
            [
                W.HBox([self.k, self.noise_dim, self.steps]),
                W.HBox([self.learning_rate, self.discriminator, self.loss, self.seed]),
                W.HBox([self.train_button, self.stop_button, self.status]),
                self.image,
            ]
        )
        self.last_result: ToyResult | None = None
        self._thread: threading.Thread | None = None
        self._stop_event = threading.Event()
        self._progressed = threading.Event()  # set once the current run has finished a chunk
        self._last_draw = 0.0

    @property
    def controls(self) -> list:
        return [
            self.k,
            self.noise_dim,
            self.learning_rate,
            self.steps,
            self.discriminator,
            self.loss,
            self.seed,
        ]

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)

    def config(self) -> ToyConfig:
        """The settings the widgets show now."""
        return ToyConfig(
            k=self.k.value,
            noise_dim=self.noise_dim.value,
            steps=self.steps.value,
            learning_rate=float(self.learning_rate.value),
            discriminator=self.discriminator.value,
            loss=self.loss.value,
            seed=int(self.seed.value),
        )

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> threading.Thread:
        """Stop the current run (if any) and train the widgets' settings in a background thread."""
        previous = self._thread
        self._stop_event.set()
        self._progressed.clear()
        event = self._stop_event = threading.Event()
        config = self.config()
        self._thread = threading.Thread(
            target=self._background, args=(config, event, previous), daemon=True
        )
        self._thread.start()
        return self._thread

    def stop(self) -> None:
        """Ask the current run to stop; it does after its current chunk of ``log_every`` G steps."""
        self._stop_event.set()

    def wait_for_progress(self, timeout: float | None = None) -> bool:
        """Block until the run started last has trained its first chunk (for scripts and tests)."""
        return self._progressed.wait(timeout)

    def wait(self, timeout: float | None = None) -> ToyResult | None:
        """Block until the background run ends (for scripts and tests); returns its result."""
        if self._thread is not None:
            self._thread.join(timeout)
        return self.last_result

    def train(self, config: ToyConfig | None = None) -> ToyResult:
        """Train in the foreground with ``config`` (default: the widgets' settings) and draw live."""
        self.stop()
        self.wait()
        self._stop_event = threading.Event()
        self._progressed.clear()
        return self._train(config or self.config(), self._stop_event)

    def _background(
        self, config: ToyConfig, event: threading.Event, previous: threading.Thread | None
    ):
        if previous is not None:
            previous.join()  # one run at a time: the cached models are shared
        if event.is_set():
            return  # superseded by a newer slider value before it began
        try:
            self._train(config, event)
        except Exception as err:  # show it in the panel: a background thread has no cell to fail
            import html

            self.status.value = f"<b>error:</b> {html.escape(f'{type(err).__name__}: {err}')}"

    def _train(self, config: ToyConfig, event: threading.Event) -> ToyResult:
        self.status.value = (
            f"training: {config.label()} (the first run of a new D or G loss compiles: seconds)"
        )
        self._last_draw = 0.0
        result = train_toy_gan(
            config,
            self.step_fn,
            self.log_every,
            should_stop=event.is_set,
            on_progress=lambda r: self._progress(r, event),
            jit_compile=self.jit_compile,
        )
        self.last_result = result
        self.image.value = self.figure.render(result)
        self.status.value = result.summary()
        return result

    def _progress(self, result: ToyResult, event: threading.Event) -> None:
        if event is self._stop_event:  # this run is still the current one
            self._progressed.set()
        if time.perf_counter() - self._last_draw >= self.draw_every_s:
            self.image.value = self.figure.render(result)
            self._last_draw = (
                time.perf_counter()
            )  # after drawing: training gets the time in between
            self.status.value = (
                f"training: {result.config.label()}: {result.steps[-1]}/{result.config.steps} "
                f"G steps, W1={result.w1[-1]:.3f}"
            )


# --- showing results in the notebook ----------------------------------------------------------
def show_result(result: ToyResult):
    """The panel's three-part figure for one finished run, titled, as an image for ``display``."""
    from IPython.display import Image

    figure = LiveFigure(dpi=80)
    figure.fig.suptitle(result.summary(), fontsize=9)
    return Image(figure.render(result, fmt="png"))


def sweep_table(
    values: dict, rows, cols, fmt: str = ".2f", row_name: str = "k", col_name: str = "noise_dim"
) -> str:
    """A text table of ``values[row, col]`` (lists over seeds): cells "mean ± sd [min, max]"."""

    def cell(v):
        v = np.asarray(v, dtype=float)
        return f"{v.mean():{fmt}} ± {v.std():{fmt}} [{v.min():{fmt}}, {v.max():{fmt}}]"

    def name(label, value):
        return f"{label}={value}" if label else str(value)

    grid = [[name(row_name, r)] + [cell(values[r, c]) for c in cols] for r in rows]
    grid.insert(0, [""] + [name(col_name, c) for c in cols])
    widths = [max(len(line[i]) for line in grid) + 2 for i in range(len(cols) + 1)]
    return "\n".join("".join(text.rjust(w) for text, w in zip(line, widths)) for line in grid)


def plot_sweep(values: dict, k_values, noise_dims, title: str = "final W1 to N(0, 1)"):
    """Heatmap of the mean (colour: log scale) with "mean ± sd" written in each cell; returns the Figure."""
    import matplotlib.pyplot as plt
    from matplotlib.colors import LogNorm

    mean = np.array([[np.mean(values[k, d]) for d in noise_dims] for k in k_values])
    sd = np.array([[np.std(values[k, d]) for d in noise_dims] for k in k_values])
    fig, ax = plt.subplots(figsize=(1.9 * len(noise_dims) + 1.5, 0.75 * len(k_values) + 1.2))
    image = ax.imshow(
        np.clip(mean, 1e-3, None), cmap="viridis_r", norm=LogNorm(vmin=0.03, vmax=10), aspect="auto"
    )
    for i in range(len(k_values)):
        for j in range(len(noise_dims)):
            digits = 2 if mean[i, j] < 100 else 0
            text = f"{mean[i, j]:.{digits}f}\n± {sd[i, j]:.{digits}f}"
            bright = image.norm(max(mean[i, j], 1e-3)) < 0.6  # viridis_r: small W1 = light yellow
            ax.text(
                j,
                i,
                text,
                ha="center",
                va="center",
                fontsize=8,
                color="black" if bright else "white",
            )
    ax.set_xticks(range(len(noise_dims)), [str(d) for d in noise_dims])
    ax.set_yticks(range(len(k_values)), [str(k) for k in k_values])
    ax.set(xlabel="noise_dim", ylabel="k (D steps per G step)", title=title)
    fig.colorbar(image, ax=ax, label="mean W1 (log scale)")
    return fig
