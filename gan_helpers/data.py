"""Data for the notebooks: MNIST, with two offline fallbacks.

``load_mnist()`` tries three sources, in order, and prints one line naming the one it used:

1. ``keras``: ``keras.datasets.mnist`` (its on-disk cache, or a download: the full 60,000 training
   images). A download that gets no answer gives up after ``DOWNLOAD_TIMEOUT_S`` (15 s) at most.
2. ``idx``: the MNIST IDX files (``t10k-images-idx3-ubyte.gz`` and friends) in the folder named by
   the environment variable ``GAN_HELPERS_MNIST_DIR``. The course's CI points it at a folder with
   the real 10,000-image MNIST test set.
3. ``sklearn``: always available offline: the 1,797 handwritten 8x8 digits bundled with
   scikit-learn, scaled up to 20x20 and centred in 28x28 like MNIST. Blurrier, but real digits.

``GAN_HELPERS_DATA_SOURCE`` (``keras``, ``idx`` or ``sklearn``) names the one source to use instead:
``GAN_HELPERS_DATA_SOURCE=sklearn`` gives every notebook the data a learner offline without MNIST
gets, even on a machine that has MNIST (``make test-fallback`` runs the notebooks that way).

Every source returns the same thing: float32 images scaled to [-1, 1] (the range of a ``tanh``
generator output) with shape (N, 28, 28, 1), and int64 labels 0-9.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import os
import socket
import struct
from pathlib import Path
from typing import NamedTuple

import numpy as np

MNIST_DIR_ENV_VAR = "GAN_HELPERS_MNIST_DIR"
SOURCE_ENV_VAR = "GAN_HELPERS_DATA_SOURCE"
SOURCES = ("keras", "idx", "sklearn")
DOWNLOAD_TIMEOUT_S = 15.0

# The IDX file pairs we look for, training set first.
_IDX_PAIRS = (
    ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
)


class DataSourceError(RuntimeError):
    """A data source is not available on this machine (the loader then tries the next one)."""


def to_unit_range(images_uint8: np.ndarray) -> np.ndarray:
    """Map uint8 pixels 0..255 to float32 in [-1, 1] and add the channel axis: (N, 28, 28, 1)."""
    x = np.asarray(images_uint8, dtype=np.float32) / 127.5 - 1.0
    return x.reshape(x.shape[0], 28, 28, 1)


# --- source 1: Keras ---------------------------------------------------------------------------
def _load_keras() -> tuple[np.ndarray, np.ndarray]:
    import keras

    old_timeout = socket.getdefaulttimeout()
    socket.setdefaulttimeout(DOWNLOAD_TIMEOUT_S)  # a slow or absent network fails fast
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # hide Keras' "Downloading data from ..."
            (x_train, y_train), _ = keras.datasets.mnist.load_data()
    except Exception as err:  # no network, no cache, a proxy page instead of the file ...
        raise DataSourceError(f"{type(err).__name__}: {str(err)[:120]}") from None
    finally:
        socket.setdefaulttimeout(old_timeout)
    return x_train, y_train


# --- source 2: IDX files -----------------------------------------------------------------------
def read_idx(path: str | os.PathLike) -> np.ndarray:
    """Read one IDX file (optionally gzipped) into a uint8 array.

    The format is tiny: two zero bytes, a type code (0x08 = uint8), the number of dimensions, one
    big-endian uint32 per dimension, then the raw data.
    """
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as f:
        raw = f.read()
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] != 0x08:
        raise DataSourceError(f"{path} is not a uint8 IDX file (bad magic number)")
    ndim = raw[3]
    dims = struct.unpack(">" + "I" * ndim, raw[4 : 4 + 4 * ndim])
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
    if data.size != int(np.prod(dims)):
        raise DataSourceError(
            f"{path}: header says {dims} but holds {data.size} values (truncated?)"
        )
    return data.reshape(dims)


def _find(folder: Path, stem: str) -> Path | None:
    for name in (stem + ".gz", stem):
        if (folder / name).is_file():
            return folder / name
    return None


def _load_idx(folder: str | os.PathLike | None = None) -> tuple[np.ndarray, np.ndarray]:
    folder = folder or os.environ.get(MNIST_DIR_ENV_VAR)
    if not folder:
        raise DataSourceError(f"{MNIST_DIR_ENV_VAR} is not set")
    folder = Path(folder).expanduser()
    if not folder.is_dir():
        raise DataSourceError(f"{MNIST_DIR_ENV_VAR}={folder} is not a folder")
    xs, ys = [], []
    for img_stem, lbl_stem in _IDX_PAIRS:
        img, lbl = _find(folder, img_stem), _find(folder, lbl_stem)
        if img and lbl:
            x, y = read_idx(img), read_idx(lbl)
            if x.ndim != 3 or x.shape[1:] != (28, 28) or len(x) != len(y):
                raise DataSourceError(f"{img}: expected (N, 28, 28) images matching {lbl}")
            xs.append(x)
            ys.append(y)
    if not xs:
        raise DataSourceError(f"no MNIST IDX files (e.g. t10k-images-idx3-ubyte.gz) in {folder}")
    return np.concatenate(xs), np.concatenate(ys)


# --- source 3: scikit-learn's bundled digits ----------------------------------------------------
def _load_sklearn() -> tuple[np.ndarray, np.ndarray]:
    from scipy.ndimage import zoom
    from sklearn.datasets import load_digits

    digits = load_digits()  # 1,797 images, 8x8, values 0..16, shipped inside the package
    small = digits.images.astype(np.float32) / 16.0
    big = zoom(small, (1, 2.5, 2.5), order=1)  # (N, 20, 20), bilinear
    big = np.clip(big, 0.0, 1.0)
    canvas = np.zeros((len(big), 28, 28), dtype=np.float32)
    canvas[:, 4:24, 4:24] = big  # MNIST digits sit in a 20x20 box centred in 28x28
    return np.round(canvas * 255).astype(np.uint8), digits.target.astype(np.int64)


class MNIST(NamedTuple):
    """What ``load_mnist`` returns; unpack it as ``images, labels, source = load_mnist()``."""

    images: np.ndarray  # float32, (N, 28, 28, 1), in [-1, 1]
    labels: np.ndarray  # int64, 0-9
    source: str  # "keras", "idx" or "sklearn"


def load_mnist(source: str | None = None, verbose: bool = True) -> MNIST:
    """Load MNIST-like digits as float32 images in [-1, 1], shape (N, 28, 28, 1), and int64 labels.

    Args:
        source: ``None`` tries ``"keras"``, then ``"idx"``, then ``"sklearn"`` (see the module
            docstring), unless ``GAN_HELPERS_DATA_SOURCE`` names one; name one of them to use
            only that source.
        verbose: print one line naming the source used and the number of images.

    Returns:
        ``MNIST(images, labels, source)``, where ``source`` names the source used.
    """
    if source is None and os.environ.get(SOURCE_ENV_VAR, "").strip():
        source = os.environ[SOURCE_ENV_VAR].strip().lower()
        if source not in SOURCES:
            raise ValueError(
                f"{SOURCE_ENV_VAR} must be one of {', '.join(SOURCES)} (or unset), got {source!r}"
            )
    if source is not None and source not in SOURCES:
        raise ValueError(f"source must be one of {SOURCES} or None, got {source!r}")
    loaders = {"keras": _load_keras, "idx": _load_idx, "sklearn": _load_sklearn}
    reasons = []
    for name in [source] if source else SOURCES:
        try:
            x, y = loaders[name]()
        except DataSourceError as err:
            reasons.append(f"{name}: {err}")
            continue
        images, labels = to_unit_range(x), np.asarray(y, dtype=np.int64)
        if verbose:
            tried = (
                f"; not available: {', '.join(r.split(':')[0] for r in reasons)}" if reasons else ""
            )
            print(f"MNIST source: {name} ({len(images):,} images{tried})")
        return MNIST(images, labels, name)
    raise DataSourceError("no MNIST source worked:\n  " + "\n  ".join(reasons))
