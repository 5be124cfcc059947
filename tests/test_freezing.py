"""Unit tests for gan_helpers.freezing: the weight snapshots, their diff, and the BN-mode detector."""

import numpy as np
import pytest

import gan_helpers
from gan_helpers import freezing


@pytest.fixture(params=["keras3", "keras2"])
def models(request):
    gan_helpers.set_seed(0)
    K = freezing.keras_module(request.param)
    return K, freezing.build_generator(K), freezing.build_discriminator(K)


def test_identical_snapshots_have_no_changes(models):
    _, G, D = models
    before = freezing.snapshot({"G": G, "D": D})
    after = freezing.snapshot({"G": G, "D": D})
    assert freezing.changed_variables(before, after) == []
    assert freezing.describe_changes([], before) == "nothing"


def test_snapshot_includes_every_variable_and_bn_moving_statistics(models):
    _, G, D = models
    D.trainable = False  # frozen weights must still be in the snapshot
    snap = freezing.snapshot({"G": G, "D": D})
    assert len(snap) == len(G.weights) + len(D.weights) == 4 + 8
    stats = [key for key in snap if freezing.weight_group(key) == "D-BN-stats"]
    assert sorted(k.rsplit("/", 1)[1] for k in stats) == ["moving_mean", "moving_variance"]
    assert (
        freezing.weight_group("D/batch_normalization/gamma") == "D"
    )  # gamma/beta are trainable weights


def test_changing_one_variable_is_detected_and_snapshot_is_a_copy(models):
    _, G, D = models
    before = freezing.snapshot({"G": G, "D": D})
    bn = D.layers[1]
    bn.moving_mean.assign(bn.moving_mean.numpy() + 1e-6)  # a tiny change still counts
    after = freezing.snapshot({"G": G, "D": D})
    changed = freezing.changed_variables(before, after)
    assert len(changed) == 1 and changed[0].endswith("moving_mean")
    assert freezing.describe_changes(changed, before) == "D-BN-stats (1 of 2)"
    assert not np.array_equal(
        before[changed[0]], after[changed[0]]
    )  # the copy did not follow the variable


def test_describe_changes_groups_and_partial_groups():
    keys = ["G/d/kernel", "G/d/bias", "D/d/kernel", "D/bn/moving_mean", "D/bn/moving_variance"]
    assert freezing.describe_changes(keys, keys) == "G, D, D-BN-stats"
    assert freezing.describe_changes(["G/d/bias"], keys) == "G (1 of 2)"


def test_bad_arguments_raise_value_errors(models):
    _, G, D = models
    with pytest.raises(ValueError, match="keras3"):
        freezing.keras_module("keras4")
    with pytest.raises(ValueError, match="different variables"):
        freezing.changed_variables(freezing.snapshot({"G": G}), freezing.snapshot({"D": D}))
    with pytest.raises(ValueError, match="label"):
        freezing.snapshot({"G/x": G})
    with pytest.raises(ValueError, match="kind"):
        freezing.reference_losses(G, D, "X", np.zeros((2, 2)), np.zeros((2, 1)))


def test_reference_losses_match_keras_in_both_bn_modes(models):
    K, G, D = models
    rng = np.random.default_rng(1)
    x = rng.normal(3.0, 2.0, size=(16, 2)).astype("float32")  # far from the initial moving stats
    y = (rng.random((16, 1)) < 0.5).astype("float32")
    refs = freezing.reference_losses(G, D, "D", x, y)
    bce = K.losses.BinaryCrossentropy(from_logits=True)
    saved = D.get_weights()
    loss_moving = float(bce(y, D(x, training=False)))
    loss_batch = float(bce(y, D(x, training=True)))  # also updates the moving stats: restore below
    D.set_weights(saved)
    assert refs["moving"] == pytest.approx(loss_moving, abs=1e-5)
    assert refs["batch"] == pytest.approx(loss_batch, abs=1e-5)
    assert freezing.bn_mode(loss_batch, refs) == "batch"
    assert freezing.bn_mode(loss_moving, refs) == "moving"
    assert freezing.bn_mode(loss_moving, {"batch": loss_moving, "moving": loss_moving}) == "unclear"


def test_summarise_calls_reports_when_a_warning_appears():
    first = freezing.CallEffect("nothing", "moving", ("no weights",))
    later = freezing.CallEffect("nothing", "moving")
    assert (
        freezing.summarise_calls([first, later])
        == "nothing | BN moving | warns 'no weights' (1st call only)"
    )
    assert (
        freezing.summarise_calls([first, first])
        == "nothing | BN moving | warns 'no weights' (every call)"
    )
    assert freezing.summarise_calls([later, freezing.CallEffect("D", "batch")]) == (
        "call 1: nothing | BN moving; call 2: D | BN batch"
    )
    assert freezing.summarise_calls([freezing.CallEffect("G, D", "-")]) == "G, D"


def test_measure_call_sees_a_change_and_an_error():
    lab = freezing.new_lab("keras3", run_eagerly=True)

    def nudge_generator():
        lab.G.layers[0].bias.assign(lab.G.layers[0].bias + 1.0)

    effect = freezing.measure_call(lab, freezing.Step("GAN", "nudge", nudge_generator))
    assert effect == freezing.CallEffect("G (1 of 4)", "-")

    def fail():
        raise ValueError("boom")

    assert (
        freezing.measure_call(lab, freezing.Step("GAN", "fail", fail)).error == "ValueError: boom"
    )


def test_mismatches_names_the_row_and_column():
    rows = [freezing.Row("classic", 1, "D.train_on_batch", {"Keras 3": "nothing"})]
    assert (
        freezing.mismatches(
            rows, {"classic / D.train_on_batch": {"Keras 3": "nothing"}}, complete=True
        )
        == []
    )
    problems = freezing.mismatches(
        rows, {"classic / D.train_on_batch": {"Keras 3": "D"}, "other / x": {}}
    )
    assert any("'classic / D.train_on_batch', column 'Keras 3'" in p for p in problems)
    assert any("'other / x' was expected but not measured" in p for p in problems)
    assert freezing.mismatches(rows, {}, complete=True) == [
        "row 'classic / D.train_on_batch' was measured but has no expected value"
    ]
    assert freezing.cell(rows, "classic / D.train_on_batch", "Keras 3") == "nothing"
