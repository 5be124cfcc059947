"""gan_helpers.metrics: input checks, Frechet distance, mode coverage, the classifier cache."""

import json

import numpy as np
import pytest

import gan_helpers  # noqa: F401  (sets the TensorFlow log level before TensorFlow is imported)
from gan_helpers import metrics
from gan_helpers.data import load_mnist


# --- pure NumPy parts: fast, no classifier --------------------------------------------------------
def test_frechet_distance_of_known_gaussians():
    rng = np.random.default_rng(0)
    a = rng.normal(0.0, 1.0, size=(200_000, 1))
    b = rng.normal(3.0, 2.0, size=(200_000, 1))
    # 1-D: (mu_a - mu_b)^2 + s_a^2 + s_b^2 - 2 s_a s_b = 9 + 1 + 4 - 4 = 10
    assert metrics.frechet_distance_from_features(a, b) == pytest.approx(10.0, rel=0.02)
    assert metrics.frechet_distance_from_features(a, a) == pytest.approx(0.0, abs=1e-6)


def test_frechet_distance_is_symmetric_and_handles_singular_covariances():
    rng = np.random.default_rng(1)
    a = rng.normal(size=(50, 8))
    b = rng.normal(size=(60, 8))
    a[:, 3] = 0.0  # a dead feature (a ReLU that never fires) makes the covariance singular
    d_ab = metrics.frechet_distance_from_features(a, b)
    assert np.isfinite(d_ab) and d_ab > 0
    assert d_ab == pytest.approx(metrics.frechet_distance_from_features(b, a), rel=1e-6)


def test_frechet_distance_rejects_mismatched_features():
    with pytest.raises(ValueError, match="same D"):
        metrics.frechet_distance_from_features(np.zeros((10, 3)), np.zeros((10, 4)))


def test_coverage_from_probabilities():
    one_digit = np.eye(10)[np.full(100, 7)]
    n, hist = metrics.coverage_from_probabilities(one_digit)
    assert n == 1 and hist[7] == 100 and hist.sum() == 100
    all_digits = np.eye(10)[np.arange(100) % 10]
    assert metrics.coverage_from_probabilities(all_digits)[0] == 10
    unsure = np.full((100, 10), 0.1)  # nothing is classified confidently
    assert metrics.coverage_from_probabilities(unsure)[0] == 0
    # 1 stray image among 100 is below the 2% share: not a covered digit
    mostly_ones = np.eye(10)[np.r_[np.ones(99, int), [5]]]
    assert metrics.coverage_from_probabilities(mostly_ones)[0] == 1
    with pytest.raises(ValueError, match="confidence"):
        metrics.coverage_from_probabilities(one_digit, confidence=1.5)


@pytest.mark.parametrize(
    "bad, message",
    [
        (np.zeros((4, 32, 32, 1)), "shape"),
        (np.zeros((4, 28, 28, 3)), "shape"),
        (np.zeros((28, 28)), "shape"),
        (np.full((4, 28, 28, 1), 255.0), r"\[-1, 1\]"),
        (np.full((4, 28, 28, 1), np.nan), "NaN"),
    ],
)
def test_check_images_rejects_bad_input(bad, message):
    with pytest.raises(ValueError, match=message):
        metrics.check_images(bad)


def test_check_images_accepts_missing_channel_axis():
    assert metrics.check_images(np.zeros((3, 28, 28))).shape == (3, 28, 28, 1)


# --- with the real classifier (trained once, then cached on disk) ---------------------------------
@pytest.fixture(scope="module")
def mnist():
    return load_mnist(verbose=False)[:2]


@pytest.fixture(scope="module")
def classifier():
    return metrics.digit_classifier(verbose=False)


def test_real_against_real_is_small_and_noise_is_large(mnist, classifier):
    x, _ = mnist
    order = np.random.default_rng(0).permutation(len(x))
    n = min(800, len(x) // 2)
    half_a, half_b = x[order[:n]], x[order[n : 2 * n]]  # two disjoint halves
    noise = np.random.default_rng(1).uniform(-1, 1, size=half_b.shape).astype(np.float32)
    real_real = metrics.frechet_distance(half_a, half_b, classifier)
    real_noise = metrics.frechet_distance(half_a, noise, classifier)
    assert real_real < 10.0, real_real
    assert real_noise > 20 * real_real, (real_real, real_noise)


def test_real_digits_cover_all_ten_and_one_digit_covers_one(mnist, classifier):
    x, y = mnist
    n_real, _ = metrics.mode_coverage(x[:1000], classifier)
    assert n_real == 10
    sevens = x[y == 7][:500]  # a "generator" that always draws a 7
    n_sevens, hist = metrics.mode_coverage(sevens, classifier)
    assert n_sevens == 1 and hist.argmax() == 7


def test_evaluate_returns_all_numbers(mnist, classifier):
    x, _ = mnist
    scores = metrics.evaluate(x[:300], x[300:600], classifier)
    assert set(scores) == {"frechet", "coverage", "histogram", "confident", "n"}
    assert scores["n"] == 300 and scores["histogram"].shape == (10,)
    assert 0.5 < scores["confident"] <= 1.0


def test_evaluate_with_precomputed_real_features_gives_the_same_numbers(mnist, classifier):
    x, _ = mnist
    features, _ = metrics.classifier_outputs(x[300:600], classifier)
    direct = metrics.evaluate(x[:300], x[300:600], classifier)
    cached = metrics.evaluate(x[:300], classifier=classifier, real_features=features)
    assert cached["frechet"] == pytest.approx(direct["frechet"], rel=1e-9)
    assert cached["coverage"] == direct["coverage"] and cached["confident"] == direct["confident"]
    np.testing.assert_array_equal(cached["histogram"], direct["histogram"])
    with pytest.raises(ValueError, match="exactly one"):
        metrics.evaluate(x[:300], x[300:600], classifier, real_features=features)
    with pytest.raises(ValueError, match="exactly one"):
        metrics.evaluate(x[:300], classifier=classifier)


def test_metric_functions_reject_bad_images(mnist, classifier):
    x, _ = mnist
    with pytest.raises(ValueError, match=r"\[-1, 1\]"):
        metrics.frechet_distance(x[:10], (x[:10] + 1) * 127.5, classifier)  # pixels 0..255
    with pytest.raises(ValueError, match="shape"):
        metrics.mode_coverage(x[:10, :, :14], classifier)
    with pytest.raises(ValueError, match="at least 2"):
        metrics.evaluate(x[:1], x[:10], classifier)


# --- the disk cache -------------------------------------------------------------------------------
@pytest.fixture
def tiny_data():
    x, y, _ = load_mnist("sklearn", verbose=False)
    return x[:300], y[:300]


def test_cache_key_separates_sources_and_sizes(tmp_path, monkeypatch, tiny_data):
    monkeypatch.setenv(metrics.CACHE_ENV_VAR, str(tmp_path))
    x, y = tiny_data
    model_file, meta_file, expected = metrics.cache_files(x, y, "sklearn")
    assert (
        model_file.parent == tmp_path
        and model_file.suffix == ".keras"
        and meta_file.suffix == ".json"
    )
    assert expected["data"] == "sklearn" and expected["n_images"] == 300
    others = [
        metrics.cache_files(x, y, "idx")[0],  # same images, other source name
        metrics.cache_files(x[:200], y[:200], "sklearn")[0],  # fewer images
        metrics.cache_files(-x, y, "sklearn")[0],
    ]  # other pixels, same count
    assert len({model_file, *others}) == 4


def test_cache_is_reused_and_survives_corruption(tmp_path, monkeypatch, capsys, tiny_data):
    monkeypatch.setenv(metrics.CACHE_ENV_VAR, str(tmp_path))
    monkeypatch.setattr(metrics, "_loaded", {})
    x, y = tiny_data
    model_file, meta_file, _ = metrics.cache_files(x, y, "tiny")

    metrics.load_or_train_classifier(x, y, "tiny")
    assert "training" in capsys.readouterr().out
    assert model_file.is_file() and meta_file.is_file()

    metrics._loaded.clear()  # forget the in-memory copy: the next call reads the disk cache
    model = metrics.load_or_train_classifier(x, y, "tiny")
    assert "loaded from" in capsys.readouterr().out
    assert model.output_shape == (None, 10)

    # a damaged model file is retrained, not a crash
    model_file.write_bytes(b"not a zip file")
    metrics._loaded.clear()
    metrics.load_or_train_classifier(x, y, "tiny")
    assert "unreadable" in capsys.readouterr().out

    # metadata that does not match the data is retrained too
    meta = json.loads(meta_file.read_text())
    meta_file.write_text(json.dumps({**meta, "fingerprint": "something else"}))
    metrics._loaded.clear()
    metrics.load_or_train_classifier(x, y, "tiny")
    assert "does not match" in capsys.readouterr().out
    assert metrics.load_or_train_classifier(x, y, "tiny") is not None
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [model_file.name, meta_file.name]
    ), "stray files"


def test_cache_rejects_odd_data_names(tiny_data):
    with pytest.raises(ValueError, match="data_name"):
        metrics.load_or_train_classifier(*tiny_data, "../escape")
