"""The one training loop of the course: it runs the ``d_step`` and ``g_step`` a notebook writes.

A notebook writes its training step as two functions, each with one ``tf.GradientTape`` and an
optimizer handed *explicitly* its own network's ``trainable_variables`` (the keras.io pattern)::

    def d_step():
        ...
        return {"d_loss": loss, "d_real": mean D(x), "d_fake": mean D(G(z))}

    def g_step():
        ...
        return {"g_loss": loss}

Each returns a dict of named scalar metrics, in the course's vocabulary: ``d_loss``, ``g_loss``,
``d_real`` (mean D(x)), ``d_fake`` (mean D(G(z))), plus whatever a lesson needs. This module adds
only the machinery around them:

* ``TrainingLoop(d_step, g_step, k=...)`` compiles ``k`` calls of ``d_step`` then one of ``g_step``,
  repeated ``n`` times, into ONE ``tf.function`` with graph loops, so Python is visited once per
  chunk of steps instead of several times per step (``benchmarks/training_loop.py`` measures what
  that buys against the classic ``predict`` / ``train_on_batch`` loop). ``k`` and ``n`` are passed
  as tensors, so a new value reuses the compiled graph.
* ``train(steps, chunk=..., callback=...)`` runs the chunks, records every metric of every
  generator step in a ``History`` (for ``k > 1`` the D metrics are those of the last D step), prints
  one progress line per chunk and calls ``callback(history)`` (a live plot, say) after each.
* **The NaN guard**: a step whose metrics are NaN or infinite stops the loop. Its update is already
  applied, so the loop puts every variable the steps touch (weights, optimizer state, random
  stream) back to the chunk's start and replays the good steps; then it raises
  ``NonFiniteLossError``, with the weights of the last good step.

``random_batch`` draws real batches inside the graph; ``check_gan`` turns the usual set-up mistakes
(wrong shapes, unscaled pixels) into messages that say what to change, before anything is traced.
"""

from __future__ import annotations

from collections.abc import Callable

import keras
import numpy as np
import tensorflow as tf

from gan_helpers.config import Timer, check_int

Metrics = dict[str, tf.Tensor]
Step = Callable[[], Metrics]


class History:
    """Every metric of every generator step: ``history["d_loss"]`` is an array, one value a step.

    ``seconds`` is the wall time spent training (the compiled chunks only: progress lines and
    callbacks, such as scoring samples, are left out), so two runs can be compared per second.
    """

    def __init__(self) -> None:
        self.values: dict[str, list[float]] = {}
        self.seconds = 0.0

    @property
    def names(self) -> list[str]:
        return list(self.values)

    def __len__(self) -> int:
        return len(next(iter(self.values.values()), []))

    def __getitem__(self, name: str) -> np.ndarray:
        if name not in self.values:
            raise KeyError(f"no metric {name!r}; this history has {self.names}")
        return np.asarray(self.values[name])

    def extend(self, values: dict[str, np.ndarray]) -> None:
        """Append one chunk: ``values`` maps each metric's name to its per-step values."""
        for name, array in values.items():
            self.values.setdefault(name, []).extend(float(v) for v in array)

    def as_arrays(self) -> dict[str, np.ndarray]:
        return {name: self[name] for name in self.values}

    def mean_of_last(self, n: int) -> dict[str, float]:
        """Average of each metric over the last ``n`` steps (smooths the noisy per-step values)."""
        return {name: float(np.mean(v[-n:])) for name, v in self.values.items()}


class NonFiniteLossError(FloatingPointError):
    """A step produced a NaN or infinite metric. ``history`` holds the good steps."""

    def __init__(self, message: str, history: History):
        super().__init__(message)
        self.history = history


def _as_metrics(out: object, name: str) -> Metrics:
    if not isinstance(out, dict) or not out:
        raise TypeError(
            f"{name} must return a dict of named scalar metrics, e.g. "
            f"{{'d_loss': loss}}; it returned {type(out).__name__}"
        )
    return {key: tf.cast(tf.reshape(value, []), tf.float32) for key, value in out.items()}


class TrainingLoop:
    """Compiles ``k`` calls of ``d_step`` and one of ``g_step`` into a loop; see the module doc.

    Args:
        d_step, g_step: functions of no arguments returning dicts of scalar metrics; their names
            must not overlap.
        k: discriminator steps per generator step (Goodfellow et al. used k = 1).
        jit_compile: compile with XLA. It pays off for many tiny operations (notebook 03's toy
            networks: about twice as fast per step) and costs seconds of compilation per graph.
    """

    def __init__(self, d_step: Step, g_step: Step, *, k: int = 1, jit_compile: bool = False):
        if not callable(d_step) or not callable(g_step):
            raise TypeError("d_step and g_step must be functions of no arguments returning dicts")
        self.d_step, self.g_step = d_step, g_step
        self.k = check_int(
            "k", k, 1, "k counts discriminator steps per generator step; use k=1 for the usual GAN."
        )
        self.history = History()
        self._run = tf.function(self._steps, jit_compile=jit_compile)
        self._variables: list[tf.Variable] | None = None
        self._names: tuple[list[str], list[str]] | None = None
        self._capacity = 100  # the chunk size of the last call of train

    def _one_step(self, k: tf.Tensor) -> Metrics:
        d_names, _ = self.metric_names()
        # the loop needs its variables before it starts: zeros, replaced by the first D step
        d_metrics = {name: tf.zeros([]) for name in d_names}
        i = tf.constant(0)
        while i < k:  # a graph loop on a tensor k: a new k reuses the graph
            d_metrics = _as_metrics(self.d_step(), "d_step")
            i += 1
        return {**d_metrics, **_as_metrics(self.g_step(), "g_step")}

    def _steps(self, n: tf.Tensor, k: tf.Tensor, capacity: int):
        """``n`` generator steps in one graph; stops after a step with a non-finite metric.

        The per-step values go into buffers of ``capacity`` (a Python int, the chunk size): XLA
        needs their size when it compiles, so a shorter last chunk reuses the compiled graph.
        """
        d_names, g_names = self.metric_names()
        names = d_names + g_names
        out = {m: tf.TensorArray(tf.float32, size=capacity, element_shape=[]) for m in names}
        ok, done = tf.constant(True), tf.constant(0)
        while done < n and ok:
            metrics = self._one_step(k)
            ok = tf.reduce_all(tf.math.is_finite(tf.stack([metrics[m] for m in names])))
            out = {m: out[m].write(done, metrics[m]) for m in names}
            done += 1
        good = done - tf.cast(tf.logical_not(ok), tf.int32)
        return {m: out[m].stack()[:good] for m in names}, ok

    def metric_names(self) -> tuple[list[str], list[str]]:
        """The names of the metrics of ``d_step`` and of ``g_step``, found by tracing each once.

        Tracing builds a graph and runs nothing (it may create an optimizer's variables).
        """
        if self._names is None:
            found = []
            for step, name in ((self.d_step, "d_step"), (self.g_step, "g_step")):
                traced = tf.function(lambda s=step, n=name: _as_metrics(s(), n))
                found.append(list(traced.get_concrete_function().structured_outputs))
            clash = set(found[0]) & set(found[1])
            if clash:
                raise ValueError(
                    f"d_step and g_step both return {sorted(clash)}: give each metric one name"
                )
            self._names = (found[0], found[1])
        return self._names

    def _chunk(self, n: int, capacity: int) -> tuple[dict[str, np.ndarray], bool]:
        values, ok = self._run(tf.constant(n, tf.int32), tf.constant(self.k, tf.int32), capacity)
        return {m: v.numpy() for m, v in values.items()}, bool(ok)

    def variables(self) -> list[tf.Variable]:
        """Every variable the compiled steps use (weights, optimizer state, random streams)."""
        if self._variables is None:
            spec = tf.TensorSpec([], tf.int32)
            traced = self._run.get_concrete_function(spec, spec, self._capacity)
            self._variables = list(traced.variables)
            # the roll-back's copy of them all: one compiled call, not one read per variable
            self._copy = tf.function(lambda: [tf.identity(v) for v in self._variables])
        return self._variables

    def train(
        self,
        steps: int,
        *,
        chunk: int = 100,
        callback: Callable[[History], None] | None = None,
        verbose: bool = True,
        should_stop: Callable[[], bool] | None = None,
    ) -> History:
        """Run ``steps`` generator steps, ``chunk`` per compiled call; returns ``self.history``.

        After each chunk: one progress line (if ``verbose``), then ``callback(history)``. Training
        stops early when ``should_stop()`` returns True (a Stop button). The history grows across
        calls, so ``train`` can be called again to continue.
        """
        steps = check_int("steps", steps, 1, "Train for at least one step.")
        chunk = check_int("chunk", chunk, 1, "Use chunks of e.g. 100 steps.")
        self._capacity = chunk
        self.k = check_int("k", self.k, 1, "Use k >= 1.")
        done, timer = 0, Timer()
        while done < steps and not (should_stop is not None and should_stop()):
            n = min(chunk, steps - done)
            self.variables()  # traced on the first call, with the copy below
            saved = self._copy()  # every variable as it is before this chunk
            with Timer() as chunk_time:
                values, ok = self._chunk(n, chunk)
            self.history.seconds += chunk_time.seconds
            good = len(next(iter(values.values())))
            if not ok:
                self._roll_back(saved, good)
                self.history.extend(values)
                raise NonFiniteLossError(
                    f"a metric became NaN or infinite at generator step {len(self.history) + 1}; "
                    "training stopped and the weights were put back to the last good step "
                    f"({len(self.history)}). "
                    "Lower the learning rates, or check the data for NaNs.",
                    self.history,
                )
            self.history.extend(values)
            done += n
            if verbose:
                print(self.progress_line(n, done / max(timer.seconds, 1e-9)))
            if callback is not None:
                callback(self.history)
        return self.history

    def _roll_back(self, saved: list[tf.Tensor], good: int) -> None:
        for variable, value in zip(self.variables(), saved):
            variable.assign(value)
        if good:  # replay the good steps: same start, same random stream, same result
            self._chunk(good, self._capacity)

    def progress_line(self, last: int, rate: float) -> str:
        """``step 500 | d_loss 1.21 g_loss 0.93 d_real 0.61 d_fake 0.37 | 70 steps/s``.

        Means over the ``last`` steps. Longer than ``PROGRESS_WIDTH`` characters, it continues on
        indented lines, broken between two metrics (never inside a number), so it fits a
        notebook's output area on a 1280x720 projector.
        """
        means = self.history.mean_of_last(last)
        words = [f"step {len(self.history):>6} |"]
        words += [f"{name} {value:.3g}" for name, value in means.items()]
        words += [f"| {rate:.0f} steps/s"]
        lines = [words[0]]
        for word in words[1:]:
            if len(lines[-1]) + 1 + len(word) > PROGRESS_WIDTH:
                lines.append(" " * 4 + word)
            else:
                lines[-1] += " " + word
        return "\n".join(lines)


PROGRESS_WIDTH = 78
"""Characters per progress line: a JupyterLab output area at 1280x720 in Presentation Mode holds
about 83 (measured by tests/browser/test_presentation_in_browser.py)."""


def random_batch(data: tf.Tensor, batch_size: int, rng: tf.random.Generator) -> tf.Tensor:
    """``batch_size`` rows of ``data`` drawn uniformly with replacement, inside the graph."""
    index = rng.uniform([batch_size], minval=0, maxval=tf.shape(data)[0], dtype=tf.int32)
    return tf.gather(data, index)


def check_gan(
    generator: keras.Model,
    discriminator: keras.Model,
    images: np.ndarray,
    *,
    noise_dim: int,
    batch_size: int,
) -> None:
    """Stop with a message that says what to change if the networks and the data do not fit.

    Checks: float images in [-1, 1] (a ``tanh`` generator's range) with no NaN; a batch no larger
    than the data; a generator that takes ``(batch, noise_dim)`` noise and makes images of the
    data's shape; a discriminator that returns one logit per image.
    """
    check_int("noise_dim", noise_dim, 1, "Give the length of the generator's noise input.")
    check_int("batch_size", batch_size, 1, "Use a positive batch size such as 64.")
    images = np.asarray(images)
    if images.ndim < 2 or not np.issubdtype(images.dtype, np.floating):
        raise ValueError(
            f"images must be floats of shape (N, ...) scaled to [-1, 1], got dtype "
            f"{images.dtype} and shape {images.shape}; use x / 127.5 - 1 on uint8 pixels"
        )
    if not np.all(np.isfinite(images)):
        raise ValueError("images contain NaN or infinite values; clean the data before training")
    if images.min() < -1.0001 or images.max() > 1.0001:
        raise ValueError(
            f"images must be scaled to [-1, 1] to match a tanh generator, got "
            f"[{images.min():.3g}, {images.max():.3g}]; use x / 127.5 - 1 on uint8 pixels"
        )
    if batch_size > len(images):
        raise ValueError(
            f"batch_size={batch_size} is larger than the {len(images)} training images; "
            f"use batch_size <= {len(images)}"
        )
    try:
        fake = generator(tf.zeros((2, noise_dim)), training=False)
    except Exception as err:
        raise ValueError(
            f"the generator does not accept noise of shape (batch, {noise_dim}): check "
            f"NOISE_DIM ({type(err).__name__}: {err})"
        ) from None
    if tuple(fake.shape[1:]) != images.shape[1:]:
        raise ValueError(
            f"the generator makes images of shape {tuple(fake.shape[1:])} but the real "
            f"images have shape {images.shape[1:]}; change one to match the other"
        )
    try:
        logits = discriminator(fake, training=False)
    except Exception as err:
        raise ValueError(
            f"the discriminator does not accept images of shape {images.shape[1:]} "
            f"({type(err).__name__}: {err})"
        ) from None
    if tuple(logits.shape) not in {(2, 1), (2,)}:
        raise ValueError(
            f"the discriminator must return one logit per image, shape (batch, 1); "
            f"got {tuple(logits.shape)}"
        )
