"""Notebook 06's data and scores: 2-D mixtures of Gaussians and the VEEGAN / PacGAN mode metrics.

The data
--------
Mode collapse is easiest to see in two dimensions, where every sample is a dot. The standard
testbeds (Unrolled GAN, VEEGAN, PacGAN, WGAN-GP papers; GAN Lab in the browser) are mixtures of
equally weighted Gaussians with a small, equal spread ``sigma`` in every direction:

* ``ring()``: ``n_modes`` centres evenly spaced on a circle of ``radius``. The published setups
  use 8 modes on a radius of 1 to 2 with sigma 0.01 to 0.02 (Unrolled GAN and VEEGAN: radius 2,
  sigma 0.02; PacGAN follows VEEGAN). The angles are ``linspace(0, 2 pi, n, endpoint=False)``: a
  widely copied demo uses ``linspace(0, 2 pi, 8)``, whose last angle is 2 pi, the first one again,
  so its "8 Gaussians" are 7 distinct modes, one of them twice as likely.
* ``grid()``: a ``side`` x ``side`` grid of centres ``spacing`` apart, centred on 0. The published
  setup (VEEGAN, PacGAN) is 5 x 5 = 25 modes at -4, -2, 0, 2, 4 on each axis with sigma 0.05.

The scores (VEEGAN, Srivastava et al. 2017; PacGAN, Lin et al. 2018), on e.g. 2,500 samples
-----------------------------------------------------------------------------------------------
* a sample is of **high quality** when it lies within 3 sigma of its nearest centre;
* a mode is **captured** when it is the nearest centre of at least one high-quality sample;
* **reverse KL**: KL(p || uniform) = sum_i p_i log(K p_i), where p is the histogram of the
  high-quality samples over the K modes. 0 when they spread evenly, log K when they all sit on
  one mode; infinite when no sample is of high quality (there is no histogram to compare).

One more number, not from the papers, for the *mode timeline* of notebook 06: the **shares**, the
fraction of ALL samples (high quality or not) whose nearest centre is each mode. It shows where the
generator puts its mass even before its samples are precise enough to count as high quality.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from gan_helpers.config import check_int


@dataclass(frozen=True)
class Mixture:
    """An equal-weight mixture of 2-D Gaussians of spread ``sigma`` around ``centres`` (K, 2)."""

    name: str
    centres: np.ndarray
    sigma: float

    @property
    def n_modes(self) -> int:
        return len(self.centres)

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """``n`` points, shape (n, 2) float32: a uniformly chosen centre plus N(0, sigma^2 I)."""
        n = check_int("n", n, 1, "Ask for at least one sample.")
        if not isinstance(rng, np.random.Generator):
            raise TypeError("rng must be a numpy Generator: np.random.default_rng(seed)")
        which = rng.integers(0, self.n_modes, size=n)
        noise = rng.normal(0.0, self.sigma, size=(n, 2))
        return (self.centres[which] + noise).astype(np.float32)


def _check_sigma(sigma: float) -> float:
    if not (isinstance(sigma, (int, float)) and math.isfinite(sigma) and sigma > 0):
        raise ValueError(f"sigma must be a positive number such as 0.02, got {sigma!r}")
    return float(sigma)


def ring(n_modes: int = 8, radius: float = 2.0, sigma: float = 0.02) -> Mixture:
    """``n_modes`` Gaussians evenly spaced on a circle (defaults: the VEEGAN / Unrolled-GAN ring).

    radius 2 and sigma 0.02 are the published setup; the angles exclude 2 pi (``endpoint=False``),
    so the ``n_modes`` centres are distinct.
    """
    n_modes = check_int("n_modes", n_modes, 2, "A ring needs at least 2 modes; the paper uses 8.")
    if not radius > 0:
        raise ValueError(f"radius must be positive (the papers use 1 or 2), got {radius!r}")
    angles = np.linspace(0.0, 2 * np.pi, n_modes, endpoint=False)
    centres = radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    return Mixture("ring", centres.astype(np.float32), _check_sigma(sigma))


def grid(side: int = 5, spacing: float = 2.0, sigma: float = 0.05) -> Mixture:
    """``side`` x ``side`` Gaussians ``spacing`` apart, centred on 0 (defaults: VEEGAN's grid).

    The published setup: 25 modes at (-4, -2, 0, 2, 4) x (-4, -2, 0, 2, 4), sigma 0.05.
    """
    side = check_int("side", side, 1, "The papers use side=5 (25 modes).")
    if not spacing > 0:
        raise ValueError(f"spacing must be positive (the papers use 2), got {spacing!r}")
    axis = (np.arange(side) - (side - 1) / 2) * spacing
    xs, ys = np.meshgrid(axis, axis, indexing="ij")
    centres = np.stack([xs.ravel(), ys.ravel()], axis=1)
    return Mixture("grid", centres.astype(np.float32), _check_sigma(sigma))


def nearest_mode(samples: np.ndarray, mixture: Mixture) -> tuple[np.ndarray, np.ndarray]:
    """(index of the nearest centre, distance to it) for every sample of shape (n, 2)."""
    samples = np.asarray(samples, dtype=np.float64)
    if samples.ndim != 2 or samples.shape[1] != 2 or len(samples) == 0:
        raise ValueError(f"samples must be an (n, 2) array of points, got shape {samples.shape}")
    d2 = ((samples[:, None, :] - mixture.centres[None, :, :].astype(np.float64)) ** 2).sum(-1)
    index = d2.argmin(axis=1)
    return index, np.sqrt(d2[np.arange(len(samples)), index])


def mode_stats(samples: np.ndarray, mixture: Mixture) -> dict:
    """The VEEGAN / PacGAN scores of ``samples`` (n, 2); see the module doc for the definitions.

    Returns ``modes_captured`` (int), ``high_quality`` (fraction of samples within 3 sigma of
    their nearest centre), ``reverse_kl`` (KL of the high-quality histogram to the uniform one,
    ``inf`` when there is no high-quality sample) and ``counts`` (high-quality samples per mode,
    length K) and ``shares`` (fraction of all samples nearest to each mode, length K, sums to 1).
    """
    samples = np.asarray(samples)
    if not np.all(np.isfinite(samples)):
        raise ValueError("samples contain NaN or infinite values; the generator has diverged")
    index, distance = nearest_mode(samples, mixture)
    good = distance <= 3 * mixture.sigma
    counts = np.bincount(index[good], minlength=mixture.n_modes)
    total = counts.sum()
    if total == 0:
        reverse_kl = math.inf
    else:
        p = counts[counts > 0] / total
        reverse_kl = float(np.sum(p * np.log(mixture.n_modes * p)))
    return {
        "modes_captured": int(np.count_nonzero(counts)),
        "high_quality": float(good.mean()),
        "reverse_kl": max(reverse_kl, 0.0),
        "counts": counts,
        "shares": np.bincount(index, minlength=mixture.n_modes) / len(index),
    }
