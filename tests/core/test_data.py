import gzip
import struct

import numpy as np
import pytest

from gan_helpers import data


def _write_idx(path, array):
    header = bytes([0, 0, 0x08, array.ndim]) + struct.pack(">" + "I" * array.ndim, *array.shape)
    with gzip.open(path, "wb") as f:
        f.write(header + array.astype(np.uint8).tobytes())


@pytest.fixture
def idx_dir(tmp_path):
    rng = np.random.default_rng(0)
    _write_idx(tmp_path / "t10k-images-idx3-ubyte.gz", rng.integers(0, 256, (7, 28, 28)))
    _write_idx(tmp_path / "t10k-labels-idx1-ubyte.gz", np.arange(7) % 10)
    return tmp_path


def _check(images, labels, n=None):
    assert images.dtype == np.float32 and images.ndim == 4 and images.shape[1:] == (28, 28, 1)
    assert images.min() >= -1.0 and images.max() <= 1.0
    assert labels.shape == (len(images),) and labels.min() >= 0 and labels.max() <= 9
    if n is not None:
        assert len(images) == n


def test_unit_range():
    pixels = np.array([[[0, 127, 255] + [0] * 25] * 28], dtype=np.uint8)
    x = data.to_unit_range(pixels)
    assert x.shape == (1, 28, 28, 1) and x[0, 0, 0, 0] == -1.0 and x[0, 0, 2, 0] == 1.0
    assert x.dtype == np.float32 and abs(x[0, 0, 1, 0] - (127 / 127.5 - 1)) < 1e-7


def test_idx_source_reads_the_folder(idx_dir, monkeypatch, capsys):
    monkeypatch.setenv(data.MNIST_DIR_ENV_VAR, str(idx_dir))
    images, labels, source = data.load_mnist(source="idx")
    _check(images, labels, n=7)
    assert source == "idx"
    np.testing.assert_array_equal(labels, np.arange(7) % 10)
    assert "MNIST source: idx (7 images)" in capsys.readouterr().out


def test_read_idx_rejects_bad_files(tmp_path):
    bad = tmp_path / "bad.gz"
    with gzip.open(bad, "wb") as f:
        f.write(b"not an idx file")
    with pytest.raises(data.DataSourceError, match="magic"):
        data.read_idx(bad)
    short = tmp_path / "short.gz"
    with gzip.open(short, "wb") as f:
        f.write(bytes([0, 0, 8, 1]) + struct.pack(">I", 10) + b"\x00" * 3)
    with pytest.raises(data.DataSourceError, match="truncated"):
        data.read_idx(short)


def test_real_shared_mnist_if_present(monkeypatch):
    import os

    folder = os.environ.get(data.MNIST_DIR_ENV_VAR)
    if not folder or not os.path.isdir(folder):
        pytest.skip(
            f"{data.MNIST_DIR_ENV_VAR} not set: the real MNIST test set is not on this machine"
        )
    images, labels, _ = data.load_mnist(source="idx", verbose=False)
    _check(images, labels)
    assert len(images) >= 10_000 and set(np.unique(labels)) == set(range(10))
    assert -0.9 < images.mean() < -0.6  # MNIST is mostly black background (-1)


def test_sklearn_fallback_looks_like_mnist():
    images, labels, _ = data.load_mnist(source="sklearn", verbose=False)
    _check(images, labels, n=1797)
    assert set(np.unique(labels)) == set(range(10))
    assert np.all(images[:, :4] == -1.0) and np.all(
        images[:, :, :4] == -1.0
    )  # a 4-pixel empty border
    assert -0.8 < images.mean() < -0.2


def test_fallback_order_when_nothing_else_works(monkeypatch, tmp_path, capsys):
    """No network (Keras fails) and no IDX folder: the loader moves on to scikit-learn's digits."""

    def no_network():
        raise data.DataSourceError("URL fetch failure (no network)")

    monkeypatch.setattr(data, "_load_keras", no_network)
    monkeypatch.setenv(data.MNIST_DIR_ENV_VAR, str(tmp_path / "missing"))
    images, labels, source = data.load_mnist()
    _check(images, labels, n=1797)
    out = capsys.readouterr().out
    assert (
        out.count("\n") == 1
        and "MNIST source: sklearn (1,797 images; not available: keras, idx)" in out
    )
    assert source == "sklearn"


def test_keras_source_is_preferred(monkeypatch, idx_dir):
    fake = (np.zeros((3, 28, 28), np.uint8), np.array([1, 2, 3]))
    monkeypatch.setattr(data, "_load_keras", lambda: fake)
    monkeypatch.setenv(data.MNIST_DIR_ENV_VAR, str(idx_dir))
    images, labels, source = data.load_mnist(verbose=False)
    assert source == "keras" and len(images) == 3


def test_keras_source_fails_fast_without_network():
    """Here there is no network: the real Keras loader must give up quickly, not hang."""
    import time

    start = time.perf_counter()
    try:
        data._load_keras()
    except data.DataSourceError:
        pass
    assert time.perf_counter() - start < data.DOWNLOAD_TIMEOUT_S + 5


def test_unknown_source_and_no_source(monkeypatch):
    with pytest.raises(ValueError, match="source must be one of"):
        data.load_mnist(source="cifar")
    monkeypatch.delenv(data.MNIST_DIR_ENV_VAR, raising=False)
    with pytest.raises(data.DataSourceError, match="not set"):
        data.load_mnist(source="idx")
