"""Unit tests for gan_helpers.weights, the one weight-diff instrument (notebooks 02, 04, 05)."""

import numpy as np
import pytest

import gan_helpers
from gan_helpers import weights


def _model(kx, name):
    """Dense -> BatchNormalization -> Dense: 6 weights, 2 of them BN moving statistics."""
    return kx.Sequential(
        [
            kx.Input((2,)),
            kx.layers.Dense(3, name="dense"),
            kx.layers.BatchNormalization(name="bn"),
            kx.layers.Dense(1, name="out"),
        ],
        name=name,
    )


@pytest.fixture(params=["keras", "tf_keras"])
def kx(request):
    return pytest.importorskip(request.param)


@pytest.fixture
def models(kx):
    gan_helpers.set_seed(gan_helpers.seed(0))
    return {"G": _model(kx, "G"), "D": _model(kx, "D")}


def test_identical_snapshots_have_no_changes(models):
    before, after = weights.snapshot(models), weights.snapshot(models)
    assert weights.changed_variables(before, after) == []
    assert weights.describe_changes([], before) == "nothing"
    assert weights.changes(before, after) == {
        "G": 0.0,
        "G-BN-stats": 0.0,
        "D": 0.0,
        "D-BN-stats": 0.0,
    }


def test_snapshot_holds_every_variable_frozen_ones_and_bn_statistics(models):
    # Frozen weights must still be in the snapshot
    models["D"].trainable = False
    snap = weights.snapshot(models)
    assert len(snap) == len(models["G"].weights) + len(models["D"].weights) == 16
    assert {key for key in snap if key.startswith("D/")} == {
        "D/dense/kernel", "D/dense/bias", "D/bn/gamma", "D/bn/beta",
        "D/bn/moving_mean", "D/bn/moving_variance", "D/out/kernel", "D/out/bias",
    }  # fmt: skip
    stats = [key for key in snap if weights.weight_group(key) == "D-BN-stats"]
    assert sorted(stats) == ["D/bn/moving_mean", "D/bn/moving_variance"]
    assert isinstance(snap["D/dense/kernel"], np.ndarray) and snap["D/dense/kernel"].shape == (2, 3)


def test_snapshot_is_a_copy_and_a_tiny_change_counts(models):
    before = weights.snapshot(models)
    bn = models["D"].get_layer("bn")
    kept = before["D/bn/moving_mean"].copy()
    bn.moving_mean.assign(bn.moving_mean.numpy() + 1e-6)
    # The copy did not follow the variable
    np.testing.assert_array_equal(before["D/bn/moving_mean"], kept)
    after = weights.snapshot(models)
    assert weights.changed_variables(before, after) == ["D/bn/moving_mean"]
    assert weights.describe_changes(["D/bn/moving_mean"], before) == "D-BN-stats (1 of 2)"


def test_changes_gives_the_largest_absolute_change_per_group(models):
    before = weights.snapshot(models)
    kernel = models["D"].get_layer("dense").kernel
    kernel.assign(kernel.numpy() - np.array([[0.5, 0, 0], [0, 0.125, 0]], "float32"))
    models["G"].get_layer("out").bias.assign([0.25])
    variance = models["G"].get_layer("bn").moving_variance
    variance.assign(variance.numpy() + 2.0)
    moved = weights.changes(before, weights.snapshot(models))
    assert moved == pytest.approx({"G": 0.25, "G-BN-stats": 2.0, "D": 0.5, "D-BN-stats": 0.0})


def test_weight_group_and_describe_changes():
    assert weights.weight_group("D/bn/moving_mean") == "D-BN-stats"
    assert weights.weight_group("D/bn/moving_variance") == "D-BN-stats"
    # gamma and beta are ordinary trainable weights
    assert weights.weight_group("D/bn/gamma") == "D"
    keys = ["G/d/kernel", "G/d/bias", "D/d/kernel", "D/bn/moving_mean", "D/bn/moving_variance"]
    assert weights.describe_changes(keys, keys) == "G, D, D-BN-stats"
    assert weights.describe_changes(["G/d/bias"], keys) == "G (1 of 2)"


def test_bad_labels_and_mismatched_snapshots_raise_clear_errors(models):
    for label in ("", "G/x"):
        with pytest.raises(ValueError, match="labels must be non-empty and contain no '/'"):
            weights.snapshot({label: models["G"]})
    g_only, d_only = weights.snapshot({"G": models["G"]}), weights.snapshot({"D": models["D"]})
    with pytest.raises(ValueError, match="different variables"):
        weights.changed_variables(g_only, d_only)
    with pytest.raises(ValueError, match="different variables"):
        weights.changes(g_only, d_only)


def test_two_variables_with_one_key_raise_a_clear_error(kx):
    class TwoOfAName(kx.layers.Layer):
        def build(self, input_shape):
            self.a = self.add_weight(name="w", shape=(1,), initializer="zeros")
            self.b = self.add_weight(name="w", shape=(1,), initializer="ones")

        def call(self, x):
            return x * self.a + self.b

    model = kx.Sequential([kx.Input((1,)), TwoOfAName(name="twice")])
    with pytest.raises(ValueError, match="share the key 'M/twice/w': give the layers distinct"):
        weights.snapshot({"M": model})
