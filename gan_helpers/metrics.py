"""A quality metric for generated digits: a small MNIST classifier, a Frechet distance, coverage.

Looking at sample grids makes comparisons guesswork, so the notebooks score generated digits with
two numbers computed by a small convolutional digit classifier:

* **Frechet distance** (the idea of FID, Heusel et al. 2017, with a digit classifier instead of the
  Inception network, which cannot be downloaded here). Both image sets go through the classifier;
  its penultimate layer gives one feature vector per image; each set of features is summarised by a
  Gaussian (mean ``mu``, covariance ``S``); the distance between the two Gaussians is

      ||mu_r - mu_f||^2 + Tr(S_r + S_f - 2 (S_r S_f)^(1/2))

  Lower is better; 0 means identical statistics. The estimate depends on the number of images
  (fewer images -> larger values, even for real-against-real), so only compare numbers computed
  with the same number of images. The values are NOT comparable with published FID numbers.

* **Mode coverage**: the classifier labels every generated image; images whose top probability is
  below ``confidence`` (blobs, half-formed digits) are not counted; a digit is *covered* when it
  gets at least ``min_share`` of the confidently classified images. A generator that only draws
  ones covers 1 digit; a healthy MNIST generator covers all 10.

Typical use (this is what notebooks 04 and 05 do)::

    from gan_helpers import metrics
    scores = metrics.evaluate(fake_images, real_images)   # both (N, 28, 28, 1) in [-1, 1]
    scores["frechet"], scores["coverage"], scores["histogram"]

The classifier is trained once (about 10-20 s on two CPU cores) and cached on disk, by default in
``~/.cache/gan_helpers`` (set ``GAN_HELPERS_CACHE_DIR`` to move it). The cache file name contains
the data source, the number of images and a fingerprint of the data, so the classifier trained on
scikit-learn's fallback digits is never reused for real MNIST; a damaged or mismatching cache file
is retrained, never trusted.
"""

from __future__ import annotations

import hashlib
import json
import os
import weakref
from pathlib import Path

import numpy as np

CACHE_ENV_VAR = "GAN_HELPERS_CACHE_DIR"
CLASSIFIER_VERSION = 1  # bump when the architecture or the training recipe changes
FEATURE_LAYER = "features"
NUM_CLASSES = 10
MAX_TRAIN_IMAGES = 20_000  # more adds training time, not metric quality
_RANGE_TOLERANCE = 1e-3

_loaded: dict[str, object] = {}  # cache path -> model, so repeated calls do not re-read the file
_extractors: weakref.WeakKeyDictionary = (
    weakref.WeakKeyDictionary()
)  # classifier -> (features, logits) model


# --- input checks ---------------------------------------------------------------------------------
def check_images(images, name: str = "images", min_count: int = 1) -> np.ndarray:
    """Return ``images`` as float32 (N, 28, 28, 1), or stop with a ValueError saying what is wrong.

    Accepts (N, 28, 28) or (N, 28, 28, 1) arrays (NumPy or tensors) with values in [-1, 1], the
    range of a ``tanh`` generator and of ``gan_helpers.data.load_mnist()``.
    """
    x = np.asarray(images, dtype=np.float32)
    if x.ndim == 3 and x.shape[1:] == (28, 28):
        x = x[..., None]
    if x.ndim != 4 or x.shape[1:] != (28, 28, 1):
        raise ValueError(f"{name} must have shape (N, 28, 28, 1) or (N, 28, 28), got {x.shape}")
    if len(x) < min_count:
        raise ValueError(f"{name}: need at least {min_count} images, got {len(x)}")
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{name} contain NaN or infinite values (did training diverge?)")
    lo, hi = float(x.min()), float(x.max())
    if lo < -1 - _RANGE_TOLERANCE or hi > 1 + _RANGE_TOLERANCE:
        raise ValueError(
            f"{name} must lie in [-1, 1] (a tanh output, or load_mnist()), got values in "
            f"[{lo:.3g}, {hi:.3g}]; "
            "images in [0, 255] need x / 127.5 - 1, images in [0, 1] need 2 * x - 1"
        )
    return np.clip(x, -1.0, 1.0)


# --- the classifier and its on-disk cache -----------------------------------------------------
# --- the classifier and its on-disk cache ---------------------------------------------------------
def cache_dir() -> Path:
    """The cached classifier's folder: ``$GAN_HELPERS_CACHE_DIR``, else ``~/.cache/gan_helpers``."""
    folder = os.environ.get(CACHE_ENV_VAR)
    if folder:
        return Path(folder).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "gan_helpers"


def data_fingerprint(images: np.ndarray, labels: np.ndarray) -> str:
    """A short hash of the training data, part of the cache key."""
    h = hashlib.sha1()
    h.update(np.ascontiguousarray(images, dtype=np.float32).tobytes())
    h.update(np.ascontiguousarray(labels, dtype=np.int64).tobytes())
    return h.hexdigest()[:12]


def build_classifier(seed: int = 0):
    """The digit classifier: two strided convolutions, a 128-unit feature layer, 10 logits.

    Every initializer gets its own seed, so building it does not touch the global random state.
    """
    import keras
    from keras import layers

    def init(k: int):
        return keras.initializers.GlorotUniform(seed=seed + k)

    return keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            layers.Conv2D(
                32, 3, strides=2, padding="same", activation="relu", kernel_initializer=init(1)
            ),
            layers.Conv2D(
                64, 3, strides=2, padding="same", activation="relu", kernel_initializer=init(2)
            ),
            layers.Flatten(),
            layers.Dense(128, activation="relu", kernel_initializer=init(3), name=FEATURE_LAYER),
            layers.Dense(NUM_CLASSES, kernel_initializer=init(4), name="logits"),
        ],
        name="digit_classifier",
    )


def train_classifier(
    images: np.ndarray,
    labels: np.ndarray,
    epochs: int | None = None,
    seed: int = 0,
    verbose: bool = True,
):
    """Train a fresh classifier on (images, labels); return ``(model, validation_accuracy)``.

    A fixed 10% of the images is held out to measure the accuracy. The batch order comes from a
    NumPy generator seeded with ``seed``, so training neither reads nor changes the global seeds
    (training it in a notebook does not change that notebook's later random numbers).
    """
    import keras

    x = check_images(images, "images", min_count=20)
    y = np.asarray(labels, dtype=np.int64).reshape(-1)
    if len(y) != len(x) or y.min() < 0 or y.max() >= NUM_CLASSES:
        raise ValueError(f"labels must be {len(x)} integers in 0..9, got shape {y.shape}")
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(x))[:MAX_TRAIN_IMAGES]
    n_val = max(10, len(order) // 10)
    val, train = order[:n_val], order[n_val:]
    batch = 128
    if (
        epochs is None
    ):  # about 300 steps: 5 epochs of 9,000 MNIST images, 12 of scikit-learn's 1,618
        epochs = int(np.clip(np.ceil(300 * batch / len(train)), 2, 12))
    # One long pre-shuffled pass instead of fit(shuffle=True): the order stays under our seed.
    idx = np.concatenate([rng.permutation(train) for _ in range(epochs)])
    model = build_classifier(seed)
    model.compile(
        optimizer=keras.optimizers.Adam(1e-3),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    model.fit(x[idx], y[idx], batch_size=batch, epochs=1, shuffle=False, verbose=0)
    logits = model.predict_on_batch(x[val])  # predict() would log a tf.data line under set_seed
    accuracy = float(np.mean(np.argmax(logits, axis=1) == y[val]))
    if verbose:
        print(
            f"digit classifier: trained {epochs} epochs on {len(train):,} images, "
            f"held-out accuracy {accuracy:.3f}"
        )
    return model, accuracy


def _read_cached(model_path: Path, meta_path: Path, expected: dict):
    """``(model, metadata)`` if the cached file loads and its metadata matches ``expected``.

    Otherwise ``(None, reason)``.
    """
    import keras

    try:
        meta = json.loads(meta_path.read_text())
        if any(meta.get(k) != v for k, v in expected.items()):
            return None, "cache metadata does not match the data"
        model = keras.saving.load_model(model_path, compile=False, safe_mode=True)
        model.get_layer(FEATURE_LAYER)
        if model.output_shape != (None, NUM_CLASSES):
            return None, "cached model has the wrong output shape"
        return model, meta
    except FileNotFoundError:
        return None, "no cached classifier"
    except Exception as err:  # truncated zip, invalid JSON, foreign file ...
        return None, f"cached classifier unreadable ({type(err).__name__})"


def cache_files(images: np.ndarray, labels: np.ndarray, data_name: str) -> tuple[Path, Path, dict]:
    """``(model file, metadata file, expected metadata)`` of the cached classifier for this data.

    The file name holds the data name, the number of images and a fingerprint of the data, so that
    different data (the scikit-learn fallback, a subset, real MNIST) never share a file.
    """
    import keras

    if not data_name or not all(c.isalnum() or c in "-_" for c in data_name):
        raise ValueError(
            f"data_name must be a short name of letters, digits, '-' or '_', got {data_name!r}"
        )
    expected = {
        "version": CLASSIFIER_VERSION,
        "data": data_name,
        "n_images": int(len(images)),
        "fingerprint": data_fingerprint(images, labels),
        "keras": keras.__version__.split(".")[0],
    }
    fingerprint = expected["fingerprint"]
    stem = f"digit_classifier_v{CLASSIFIER_VERSION}_{data_name}_{len(images)}_{fingerprint}"
    return cache_dir() / f"{stem}.keras", cache_dir() / f"{stem}.json", expected


def load_or_train_classifier(
    images: np.ndarray,
    labels: np.ndarray,
    data_name: str,
    retrain: bool = False,
    verbose: bool = True,
):
    """The classifier for this data: from the disk cache when a matching one exists, else trained.

    ``data_name`` (e.g. ``"idx"`` or ``"sklearn"``) goes into the cache key together with the number
    of images and a fingerprint of the data. Use ``digit_classifier()`` unless you bring your
    own data.
    """
    model_path, meta_path, expected = cache_files(images, labels, data_name)
    folder = model_path.parent
    key = str(model_path)
    if not retrain and key in _loaded:
        return _loaded[key]
    model, meta = (
        (None, "retrain requested") if retrain else _read_cached(model_path, meta_path, expected)
    )
    if model is not None:
        if verbose:
            print(
                f"digit classifier: loaded from {model_path} "
                f"(held-out accuracy {meta['accuracy']:.3f})"
            )
    else:
        if verbose:
            print(f"digit classifier: training ({meta}) ...")
        model, accuracy = train_classifier(images, labels, verbose=verbose)
        # write to temporary names, then rename: a crash never leaves half a file behind
        try:
            folder.mkdir(parents=True, exist_ok=True)
            tmp_model = folder / f"{model_path.stem}.tmp{os.getpid()}.keras"
            model.save(tmp_model)
            os.replace(tmp_model, model_path)
            tmp_meta = folder / f"{model_path.stem}.tmp{os.getpid()}.json"
            tmp_meta.write_text(json.dumps({**expected, "accuracy": accuracy}, indent=1))
            os.replace(tmp_meta, meta_path)
            if verbose:
                print(f"digit classifier: saved to {model_path}")
        except OSError as err:  # a read-only home folder must not stop the notebook
            print(
                f"digit classifier: could not cache it ({err}); "
                f"set {CACHE_ENV_VAR} to a writable folder"
            )
    _loaded[key] = model
    return model


def digit_classifier(source: str | None = None, retrain: bool = False, verbose: bool = True):
    """The digit classifier behind the metrics: from the cache, or trained (10-20 s) and cached.

    Args:
        source: the MNIST source, as in ``gan_helpers.data.load_mnist`` (``None``: the first one
            available).
        retrain: ignore the cache and train again.
        verbose: print where the classifier came from and its held-out accuracy.
    """
    from gan_helpers.data import load_mnist

    images, labels, used = load_mnist(source, verbose=False)
    return load_or_train_classifier(images, labels, used, retrain=retrain, verbose=verbose)


# --- features, Frechet distance, coverage ---------------------------------------------------------
def classifier_outputs(
    images, classifier=None, batch_size: int = 500
) -> tuple[np.ndarray, np.ndarray]:
    """Run the classifier: return ``(features, probabilities)``, shapes (N, 128) and (N, 10)."""
    import keras

    x = check_images(images)
    model = classifier if classifier is not None else digit_classifier(verbose=False)
    extractor = _extractors.get(model)
    if extractor is None:
        extractor = keras.Model(
            model.inputs[0], [model.get_layer(FEATURE_LAYER).output, model.outputs[0]]
        )
        _extractors[model] = extractor
    feats, probs = [], []
    for start in range(0, len(x), batch_size):
        f, logits = extractor(x[start : start + batch_size], training=False)
        feats.append(np.asarray(f, dtype=np.float64))
        probs.append(np.asarray(keras.ops.softmax(logits, axis=-1), dtype=np.float64))
    return np.concatenate(feats), np.concatenate(probs)


def frechet_distance_from_features(features_a: np.ndarray, features_b: np.ndarray) -> float:
    """Frechet distance between Gaussians fitted to two feature sets (rows are samples).

    ``Tr((S_a S_b)^(1/2))`` is computed as the sum of square roots of the eigenvalues of the
    symmetric matrix ``S_a^(1/2) S_b S_a^(1/2)``, which has the same eigenvalues: no complex
    round-off to clean up.
    """
    a, b = np.asarray(features_a, np.float64), np.asarray(features_b, np.float64)
    if a.ndim != 2 or b.ndim != 2 or a.shape[1] != b.shape[1] or len(a) < 2 or len(b) < 2:
        raise ValueError(
            "need two (N, D) feature arrays with the same D and N >= 2, "
            f"got {a.shape} and {b.shape}"
        )
    mu_a, mu_b = a.mean(0), b.mean(0)
    cov_a, cov_b = np.atleast_2d(np.cov(a, rowvar=False)), np.atleast_2d(np.cov(b, rowvar=False))
    w, v = np.linalg.eigh(cov_a)
    sqrt_a = (v * np.sqrt(np.clip(w, 0, None))) @ v.T
    middle = np.linalg.eigvalsh(sqrt_a @ cov_b @ sqrt_a)
    trace_sqrt = np.sum(np.sqrt(np.clip(middle, 0, None)))
    value = np.sum((mu_a - mu_b) ** 2) + np.trace(cov_a) + np.trace(cov_b) - 2 * trace_sqrt
    return float(max(value, 0.0))


def frechet_distance(real, fake, classifier=None) -> float:
    """Frechet distance between real and generated images in the digit classifier's feature space.

    Both arrays: (N, 28, 28, 1) in [-1, 1], at least 2 images each (use several hundred: the value
    shrinks as N grows, so compare only numbers computed with the same N). Lower is better.
    """
    real = check_images(real, "real images", min_count=2)
    fake = check_images(fake, "generated images", min_count=2)
    f_real, _ = classifier_outputs(real, classifier)
    f_fake, _ = classifier_outputs(fake, classifier)
    return frechet_distance_from_features(f_real, f_fake)


def coverage_from_probabilities(
    probs: np.ndarray, confidence: float = 0.9, min_share: float = 0.02
) -> tuple[int, np.ndarray]:
    """``(covered digits, histogram)`` from classifier probabilities (see ``mode_coverage``)."""
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence}")
    if not 0 <= min_share < 1:
        raise ValueError(f"min_share must be in [0, 1), got {min_share}")
    probs = np.asarray(probs)
    confident = probs.max(axis=1) >= confidence
    histogram = np.bincount(probs[confident].argmax(axis=1), minlength=NUM_CLASSES)
    n_confident = int(histogram.sum())
    if n_confident == 0:
        return 0, histogram
    threshold = max(1, int(np.ceil(min_share * n_confident)))
    return int(np.sum(histogram >= threshold)), histogram


def mode_coverage(
    fake, classifier=None, confidence: float = 0.9, min_share: float = 0.02
) -> tuple[int, np.ndarray]:
    """How many of the 10 digits a generator draws, and the histogram of its confident samples.

    Args:
        fake: generated images, (N, 28, 28, 1) in [-1, 1].
        confidence: an image counts only when the classifier's top probability reaches this value.
        min_share: a digit is covered when it gets at least this share of the confident images
            (2% by default, against the 10% a perfect generator gives each digit), so a few stray
            look-alikes do not count as a mode.

    Returns:
        ``(n_covered, histogram)``: an int in 0..10 and the 10 counts of confident images per digit.
    """
    _, probs = classifier_outputs(check_images(fake, "generated images"), classifier)
    return coverage_from_probabilities(probs, confidence, min_share)


def evaluate(
    fake,
    real=None,
    classifier=None,
    confidence: float = 0.9,
    min_share: float = 0.02,
    real_features: np.ndarray | None = None,
) -> dict:
    """All the digit-quality numbers for one set of generated images, in one call.

    Returns a dict with ``frechet`` (lower is better), ``coverage`` (digits covered, 0-10),
    ``histogram`` (confident images per digit), ``confident`` (share of generated images classified
    with at least ``confidence``) and ``n`` (number of generated images).

    Pass the real images as ``real``, or, when you score many generators against the same real
    images (checkpoints along a run), their features once as ``real_features``
    (``classifier_outputs(real, classifier)[0]``): the same numbers, without re-classifying the real
    images every time.
    """
    if (real is None) == (real_features is None):
        raise ValueError(
            "pass the real images as `real` or their features as `real_features` (exactly one)"
        )
    fake = check_images(fake, "generated images", min_count=2)
    model = classifier if classifier is not None else digit_classifier(verbose=False)
    if real_features is None:
        real = check_images(real, "real images", min_count=2)
        real_features, _ = classifier_outputs(real, model)
    f_fake, p_fake = classifier_outputs(fake, model)
    coverage, histogram = coverage_from_probabilities(p_fake, confidence, min_share)
    return {
        "frechet": frechet_distance_from_features(real_features, f_fake),
        "coverage": coverage,
        "histogram": histogram,
        "confident": float(histogram.sum() / len(fake)),
        "n": len(fake),
    }
