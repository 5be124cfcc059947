import numpy as np
import pytest

import gan_helpers
from gan_helpers import config


def test_profile_switch(monkeypatch):
    monkeypatch.setenv(config.QUICK_ENV_VAR, "1")
    assert gan_helpers.is_quick() and gan_helpers.choose(quick=1, full=2) == 1
    assert "quick" in gan_helpers.describe_profile() and gan_helpers.profile_name() == "quick"
    for off in ("", "0", "no"):
        monkeypatch.setenv(config.QUICK_ENV_VAR, off)
        assert not gan_helpers.is_quick() and gan_helpers.choose(quick=1, full=2) == 2
    monkeypatch.delenv(config.QUICK_ENV_VAR)
    assert gan_helpers.profile_name() == "full"


def test_set_seed_repeats_numpy_and_tensorflow():
    import keras
    import tensorflow as tf

    def draw():
        gan_helpers.set_seed(123)
        layer = keras.layers.Dense(3)
        layer.build((None, 2))
        return np.random.rand(3), tf.random.uniform([3]).numpy(), layer.kernel.numpy()

    for a, b in zip(draw(), draw()):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="non-negative"):
        gan_helpers.set_seed(-1)
