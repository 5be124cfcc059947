"""A compiled GAN training loop: k discriminator steps per generator step, history, and a NaN guard.

The recipe is the one from the keras.io generative examples:

* one ``tf.GradientTape`` per network, and each optimizer is handed *explicitly* the
  ``trainable_variables`` of its own network, so a D step can never move G and a G step can never
  move D (no ``trainable = False`` juggling; notebook 02 shows why that juggling is fragile);
* the discriminator returns **logits**; the losses in ``gan_helpers.losses`` turn them into safe logs;
* many steps run inside one ``tf.function`` (a ``tf.range`` loop), so Python is visited once per
  chunk of steps instead of several times per step. ``benchmarks/training_loop.py`` measures what
  that buys against the classic ``predict`` / ``train_on_batch`` loop.

Every update is guarded: if a loss or a gradient is NaN or infinite, that update is *not* applied,
the loop stops, and ``train`` raises ``NonFiniteLossError``. The history and the weights are those of
the last good step, so you can inspect what went wrong.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable, Optional

import keras
import numpy as np
import tensorflow as tf

from gan_helpers.losses import GENERATOR_LOSSES, discriminator_loss, generator_loss

METRICS = ("d_loss", "g_loss", "d_real", "d_fake")


@dataclass
class History:
    """Per generator step: D loss (mean over its k steps), G loss, mean D(x) and mean D(G(z)).

    D(x) and D(G(z)) are probabilities (sigmoid of the logits) measured during the discriminator's
    last step. At the game's equilibrium D cannot tell real from fake and both approach 0.5.
    """

    d_loss: list[float] = field(default_factory=list)
    g_loss: list[float] = field(default_factory=list)
    d_real: list[float] = field(default_factory=list)
    d_fake: list[float] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.g_loss)

    def extend(self, values: dict[str, np.ndarray]) -> None:
        for name in METRICS:
            getattr(self, name).extend(float(v) for v in values[name])

    def as_arrays(self) -> dict[str, np.ndarray]:
        return {name: np.asarray(getattr(self, name)) for name in METRICS}

    def mean_of_last(self, n: int) -> dict[str, float]:
        """Average of each metric over the last ``n`` steps (smooths the noisy per-step values)."""
        return {name: float(np.mean(getattr(self, name)[-n:])) for name in METRICS}


class NonFiniteLossError(FloatingPointError):
    """Training produced a NaN or infinite loss or gradient. ``history`` holds the good steps."""

    def __init__(self, message: str, history: History):
        super().__init__(message)
        self.history = history


def _all_finite(loss: tf.Tensor, grads: list[tf.Tensor]) -> tf.Tensor:
    checks = [tf.reduce_all(tf.math.is_finite(loss))]
    checks += [tf.reduce_all(tf.math.is_finite(g)) for g in grads if g is not None]
    return tf.reduce_all(tf.stack(checks))


def _check_int(name: str, value: object, minimum: int, hint: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}. {hint}")
    return int(value)


class GANTrainer:
    """Trains ``generator`` and ``discriminator`` on ``images`` with k D steps per G step.

    Args:
        generator: maps noise of shape (batch, noise_dim) to images shaped like ``images[0]``.
        discriminator: maps images to one **logit** per image (no sigmoid at the end).
        images: real training data, float32, scaled to [-1, 1], shape (N, ...).
        noise_dim: length of the noise vector z ~ N(0, I) fed to the generator.
        batch_size: real (and fake) images per discriminator step.
        k: discriminator steps per generator step (Goodfellow et al. used k = 1).
        g_loss: ``"non-saturating"`` (-log D(G(z))) or ``"minimax"`` (log(1 - D(G(z)))).
        g_optimizer, d_optimizer: default ``Adam(2e-4, beta_1=0.5)`` each.
        clip_norm: if set, clip each network's gradients to this global norm before applying them.
        seed: seeds the noise and the choice of real batches (weights are seeded by ``set_seed``).
    """

    def __init__(
        self,
        generator: keras.Model,
        discriminator: keras.Model,
        images: np.ndarray,
        *,
        noise_dim: int,
        batch_size: int = 64,
        k: int = 1,
        g_loss: str = "non-saturating",
        g_optimizer: Optional[keras.optimizers.Optimizer] = None,
        d_optimizer: Optional[keras.optimizers.Optimizer] = None,
        clip_norm: Optional[float] = None,
        seed: int = 0,
    ):
        self.k = _check_int("k", k, 1, "k counts discriminator steps per generator step; use k=1 for the usual GAN.")
        self.noise_dim = _check_int("noise_dim", noise_dim, 1, "Give the length of the generator's noise input.")
        self.batch_size = _check_int("batch_size", batch_size, 1, "Use a positive batch size such as 64.")
        if g_loss not in GENERATOR_LOSSES:
            raise ValueError(f"g_loss must be one of {GENERATOR_LOSSES}, got {g_loss!r}")
        if clip_norm is not None and not clip_norm > 0:
            raise ValueError(f"clip_norm must be positive or None, got {clip_norm!r}")
        self.g_loss_kind = g_loss
        self.clip_norm = clip_norm
        images = self._check_images(images, generator, discriminator)
        self.images = tf.constant(images)
        self.generator, self.discriminator = generator, discriminator
        self.g_optimizer = g_optimizer or keras.optimizers.Adam(2e-4, beta_1=0.5)
        self.d_optimizer = d_optimizer or keras.optimizers.Adam(2e-4, beta_1=0.5)
        # Create the optimizers' slots now, outside the compiled loop.
        self.g_optimizer.build(generator.trainable_variables)
        self.d_optimizer.build(discriminator.trainable_variables)
        self.rng = tf.random.Generator.from_seed(seed)
        self.history = History()
        self._run = tf.function(self._run_steps)

    # -- argument checks ------------------------------------------------------------------------
    def _check_images(self, images: np.ndarray, generator: keras.Model, discriminator: keras.Model) -> np.ndarray:
        images = np.asarray(images)
        if images.ndim < 2:
            raise ValueError(f"images must have shape (N, ...) with one image per row, got shape {images.shape}")
        if not np.issubdtype(images.dtype, np.floating):
            raise ValueError(f"images must be floats scaled to [-1, 1], got dtype {images.dtype}; "
                             "use x / 127.5 - 1 on uint8 pixels (gan_helpers.data.to_unit_range)")
        images = images.astype(np.float32)
        if not np.all(np.isfinite(images)):
            raise ValueError("images contain NaN or infinite values; clean the data before training")
        if images.min() < -1.0001 or images.max() > 1.0001:
            raise ValueError(f"images must be scaled to [-1, 1] to match a tanh generator, got values in "
                             f"[{images.min():.3g}, {images.max():.3g}]; use x / 127.5 - 1 on uint8 pixels")
        if self.batch_size > len(images):
            raise ValueError(f"batch_size={self.batch_size} is larger than the {len(images)} training images; "
                             f"use batch_size <= {len(images)}")
        try:
            fake = generator(tf.zeros((2, self.noise_dim)), training=False)
        except Exception as err:
            raise ValueError(f"the generator does not accept noise of shape (batch, {self.noise_dim}): "
                             f"check noise_dim ({type(err).__name__}: {err})") from None
        if tuple(fake.shape[1:]) != images.shape[1:]:
            raise ValueError(f"the generator makes images of shape {tuple(fake.shape[1:])} but the real images "
                             f"have shape {images.shape[1:]}; reshape the data or change the generator's output")
        try:
            logits = discriminator(fake, training=False)
        except Exception as err:
            raise ValueError(f"the discriminator does not accept images of shape {images.shape[1:]} "
                             f"({type(err).__name__}: {err})") from None
        if tuple(logits.shape) not in {(2, 1), (2,)}:
            raise ValueError(f"the discriminator must return one logit per image, shape (batch, 1); got "
                             f"{tuple(logits.shape)}")
        return images

    # -- one generator step (with its k discriminator steps) -------------------------------------
    def _real_batch(self) -> tf.Tensor:
        n = tf.shape(self.images)[0]
        idx = self.rng.uniform([self.batch_size], minval=0, maxval=n, dtype=tf.int32)
        return tf.gather(self.images, idx)

    def _noise(self) -> tf.Tensor:
        return self.rng.normal([self.batch_size, self.noise_dim])

    def _clip(self, grads: list[tf.Tensor]) -> list[tf.Tensor]:
        if self.clip_norm is None:
            return grads
        clipped, _ = tf.clip_by_global_norm(grads, self.clip_norm)
        return clipped

    def d_step(self, real: tf.Tensor, ok: tf.Tensor):
        """One discriminator update; applied only if ``ok`` and its loss and gradients are finite."""
        G, D = self.generator, self.discriminator
        with tf.GradientTape() as tape:
            real_logits = D(real, training=True)
            fake_logits = D(G(self._noise(), training=True), training=True)
            loss = discriminator_loss(real_logits, fake_logits)
        grads = self._clip(tape.gradient(loss, D.trainable_variables))
        ok = tf.logical_and(ok, _all_finite(loss, grads))
        if ok:
            self.d_optimizer.apply_gradients(zip(grads, D.trainable_variables))
        d_real = tf.reduce_mean(tf.sigmoid(real_logits))
        d_fake = tf.reduce_mean(tf.sigmoid(fake_logits))
        return loss, d_real, d_fake, ok

    def g_step(self, ok: tf.Tensor):
        """One generator update through the discriminator; only G's variables are updated."""
        G, D = self.generator, self.discriminator
        with tf.GradientTape() as tape:
            fake_logits = D(G(self._noise(), training=True), training=True)
            loss = generator_loss(fake_logits, self.g_loss_kind)
        grads = self._clip(tape.gradient(loss, G.trainable_variables))
        ok = tf.logical_and(ok, _all_finite(loss, grads))
        if ok:
            self.g_optimizer.apply_gradients(zip(grads, G.trainable_variables))
        return loss, ok

    def one_step(self):
        """k discriminator steps, then one generator step. Returns the step's metrics and ``ok``."""
        ok = tf.constant(True)
        d_loss_sum, d_real, d_fake = tf.constant(0.0), tf.constant(0.0), tf.constant(0.0)
        for _ in tf.range(self.k):
            d_loss, d_real, d_fake, ok = self.d_step(self._real_batch(), ok)
            d_loss_sum += d_loss
        g_loss, ok = self.g_step(ok)
        return {"d_loss": d_loss_sum / self.k, "g_loss": g_loss, "d_real": d_real, "d_fake": d_fake}, ok

    def _run_steps(self, n: tf.Tensor):
        """``n`` generator steps inside one graph; stops early at the first non-finite update."""
        out = {name: tf.TensorArray(tf.float32, size=0, dynamic_size=True) for name in METRICS}
        for i in tf.range(n):
            values, ok = self.one_step()
            if not ok:
                break
            out = {name: out[name].write(i, values[name]) for name in METRICS}
        return {name: out[name].stack() for name in METRICS}, ok

    # -- the public loop -------------------------------------------------------------------------
    def train(
        self,
        steps: int,
        chunk: int = 100,
        callback: Optional[Callable[["GANTrainer"], None]] = None,
        verbose: bool = True,
    ) -> History:
        """Run ``steps`` generator steps, ``chunk`` of them per compiled call.

        After each chunk ``callback(trainer)`` runs (a live plot, a sample grid, ...) and, if
        ``verbose``, one progress line is printed. Returns the history (``self.history``), which
        grows across calls, so ``train`` can be called again to continue.
        """
        steps = _check_int("steps", steps, 1, "Train for at least one step.")
        chunk = _check_int("chunk", chunk, 1, "Use chunks of e.g. 100 steps.")
        done, start = 0, time.perf_counter()
        while done < steps:
            n = min(chunk, steps - done)
            values, ok = self._run(tf.constant(n, dtype=tf.int32))
            values = {name: v.numpy() for name, v in values.items()}
            self.history.extend(values)
            done += len(values["g_loss"])
            if not bool(ok):
                raise NonFiniteLossError(
                    f"a loss or gradient became NaN/inf at generator step {len(self.history) + 1}; the update "
                    f"was not applied and training stopped. The history and weights are those of the last good "
                    f"step ({len(self.history)}). Lower the learning rates, set clip_norm, or check the data "
                    "for NaNs.", self.history)
            if verbose:
                m = self.history.mean_of_last(n)
                rate = done / (time.perf_counter() - start)
                print(f"step {len(self.history):6d}  D loss {m['d_loss']:.3f}  G loss {m['g_loss']:.3f}  "
                      f"D(x) {m['d_real']:.2f}  D(G(z)) {m['d_fake']:.2f}  ({rate:.0f} steps/s)")
            if callback is not None:
                callback(self)
        return self.history
