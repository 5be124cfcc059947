"""Notebook 08's plumbing: a style statistic (slant) and the on-disk cache of its generator.

* ``slant(images)``: how far each digit leans, from its image moments. Treat the ink
  (``(pixel + 1) / 2``) as mass, with x to the right and y upwards; the slant is the second moment
  ``mu11 / mu02``: how many pixels the ink moves right per pixel up, the least-squares fit of
  ``x = a + slant * y``. A digit leaning right (its top to the right of its bottom) has a positive
  slant, an upright one about 0, a left-leaning one a negative slant. It is the statistic used to
  deskew MNIST digits (LeCun et al.'s "deslanted" variants), and it needs no training.
* ``generator_path``, ``save_generator``, ``load_generator``: the trained conditional generator,
  saved as ``.keras`` in the course's cache folder (``metrics.cache_dir()``: outside the
  repository, ``~/.cache/gan_helpers`` unless ``GAN_HELPERS_CACHE_DIR`` says otherwise), so that
  the notebook's panel opens without training again. Loading uses ``safe_mode=True``: a model that
  needs arbitrary Python code (a ``Lambda`` layer) is refused instead of run.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from gan_helpers.config import base_seed, is_quick
from gan_helpers.metrics import cache_dir, check_images

GENERATOR_VERSION = 1  # bump when notebook 08's generator changes shape


def slant(images) -> np.ndarray:
    """The slant of each image, (N,) floats: pixels of rightward lean per pixel of height.

    ``images``: (N, 28, 28, 1) or (N, 28, 28) in [-1, 1] (-1 is background). An image without
    ink, or with all its ink on one row, has no defined slant: it gets NaN.
    """
    x = check_images(images)[..., 0].astype(np.float64)
    ink = (x + 1.0) / 2.0
    rows, cols = np.indices(ink.shape[1:], dtype=np.float64)
    # y points up, so that a positive slant leans right
    up = -rows
    mass = ink.sum(axis=(1, 2))
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_x = (ink * cols).sum(axis=(1, 2)) / mass
        mean_y = (ink * up).sum(axis=(1, 2)) / mass
        dx = cols[None] - mean_x[:, None, None]
        dy = up[None] - mean_y[:, None, None]
        mu11 = (ink * dx * dy).sum(axis=(1, 2))
        mu02 = (ink * dy * dy).sum(axis=(1, 2))
        out = mu11 / mu02
    out[~(mu02 > 1e-9 * np.maximum(mass, 1e-12))] = np.nan
    return out


def generator_path(
    profile: str | None = None, seed: int | None = None, source: str = "idx"
) -> Path:
    """Where notebook 08 caches its generator for this profile, base seed and data source.

    ``profile`` is ``"quick"`` or ``"full"`` (default: the active one), ``seed`` the base seed
    (default: ``GAN_HELPERS_SEED``), ``source`` the MNIST source ``load_mnist`` used.
    """
    profile = profile or ("quick" if is_quick() else "full")
    if profile not in {"quick", "full"}:
        raise ValueError(f"profile must be 'quick' or 'full', got {profile!r}")
    seed = base_seed() if seed is None else seed
    if not source or not source.isalnum():
        raise ValueError(f"source must be a data source name such as 'idx', got {source!r}")
    name = f"cgan_generator_v{GENERATOR_VERSION}_{profile}_base{seed}_{source}.keras"
    return cache_dir() / name


def save_generator(generator, path: str | os.PathLike) -> Path:
    """Save ``generator`` as ``.keras`` at ``path`` (written to a temporary name, then renamed, so
    an interrupted save never leaves half a file where the panel would read it)."""
    path = Path(path)
    if path.suffix != ".keras":
        raise ValueError(f"the file name must end in .keras, got {path.name}")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.stem}.tmp{os.getpid()}.keras")
    generator.save(tmp)
    os.replace(tmp, path)
    return path


def load_generator(path: str | os.PathLike):
    """Load a generator saved by ``save_generator``, in safe mode; a clear error if missing."""
    import keras

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"no saved generator at {path}: run notebook 08 from the top once (it trains the "
            "generator and saves it there), then this cell loads it without training"
        )
    return keras.saving.load_model(path, safe_mode=True)
