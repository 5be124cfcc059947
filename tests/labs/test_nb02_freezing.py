"""Unit tests for gan_helpers.labs.nb02_freezing, notebook 02's laboratory: the BN-mode detector,
error texts, verdicts and the table, and the lesson recipes run on notebook 02's own lesson
cells.

The weight snapshots it uses are tested in tests/core/test_weights.py.
"""

import numpy as np
import pytest

import gan_helpers
from gan_helpers import lessons
from gan_helpers.labs import nb02_freezing as freezing

SEED = gan_helpers.seed(0)


@pytest.fixture(params=["keras3", "keras2"])
def models(request):
    gan_helpers.set_seed(SEED)
    kx = freezing.keras_module(request.param)
    return kx, freezing.build_generator(kx), freezing.build_discriminator(kx)


def test_bad_arguments_raise_value_errors(models):
    _, G, D = models
    with pytest.raises(ValueError, match="keras3"):
        freezing.keras_module("keras4")
    with pytest.raises(ValueError, match="kind"):
        freezing.reference_losses(G, D, "X", np.zeros((2, 2)), np.zeros((2, 1)))
    with pytest.raises(ValueError, match="seed must be an integer >= 0"):
        freezing.new_lab("keras3", seed=-1)
    with pytest.raises(ValueError, match="iterations must be an integer >= 1"):
        freezing.measure_recipe(freezing.RECIPES[0], "keras3", False, 0, seed=SEED)
    with pytest.raises(ValueError, match="kind must be one of"):
        freezing.verdict("X", "G")


def test_reference_losses_match_keras_in_both_bn_modes(models):
    kx, G, D = models
    rng = np.random.default_rng(gan_helpers.seed(1))
    # Far from the initial moving statistics (mean 0, variance 1)
    x = rng.normal(3.0, 2.0, size=(16, 2)).astype("float32")
    y = (rng.random((16, 1)) < 0.5).astype("float32")
    refs = freezing.reference_losses(G, D, "D", x, y)
    bce = kx.losses.BinaryCrossentropy(from_logits=True)
    saved = D.get_weights()
    loss_moving = float(bce(y, D(x, training=False)))
    # training=True also updates the moving statistics: restored below
    loss_batch = float(bce(y, D(x, training=True)))
    D.set_weights(saved)
    assert refs["moving"] == pytest.approx(loss_moving, abs=1e-5)
    assert refs["batch"] == pytest.approx(loss_batch, abs=1e-5)
    assert freezing.bn_mode(loss_batch, refs) == "batch"
    assert freezing.bn_mode(loss_moving, refs) == "moving"
    assert freezing.bn_mode(loss_moving, {"batch": loss_moving, "moving": loss_moving}) == "unclear"


def test_reference_losses_normalise_each_group_with_its_own_statistics(models):
    kx, G, D = models
    rng = np.random.default_rng(gan_helpers.seed(1))
    # Two halves far apart: one batch of both gives other statistics than each half alone
    x = np.concatenate([rng.normal(3.0, 2.0, (8, 2)), rng.normal(-1.0, 0.5, (8, 2))])
    x, y = x.astype("float32"), np.repeat([[1.0], [0.0]], 8, axis=0).astype("float32")
    bce = kx.losses.BinaryCrossentropy(from_logits=True)
    saved = D.get_weights()
    halves = [
        float(bce(y[:8], D(x[:8], training=True))),
        float(bce(y[8:], D(x[8:], training=True))),
    ]
    D.set_weights(saved)
    refs = freezing.reference_losses(G, D, "D", x, y, groups=2)
    assert refs["batch"] == pytest.approx(np.mean(halves), abs=1e-5)
    assert abs(freezing.reference_losses(G, D, "D", x, y)["batch"] - refs["batch"]) > 1e-3
    with pytest.raises(ValueError, match="3 equal parts"):
        freezing.reference_losses(G, D, "D", x[:16], y[:16], groups=3)


def test_summarise_calls_reports_when_a_warning_appears():
    first = freezing.CallEffect("nothing", "moving", ("no weights",))
    later = freezing.CallEffect("nothing", "moving")
    once = "nothing | BN moving | warns 'no weights' (1st call only)"
    assert freezing.summarise_calls([first, later]) == once
    every = "nothing | BN moving | warns 'no weights' (every call)"
    assert freezing.summarise_calls([first, first]) == every
    assert freezing.summarise_calls([later, first]).endswith("(calls 2)")
    assert freezing.summarise_calls([later, freezing.CallEffect("D", "batch")]) == (
        "call 1: nothing | BN moving; call 2: D | BN batch"
    )
    assert freezing.summarise_calls([freezing.CallEffect("G, D", "-")]) == "G, D"
    with pytest.raises(ValueError, match="at least one"):
        freezing.summarise_calls([])


def test_measure_call_sees_a_change_and_an_error():
    lab = freezing.new_lab("keras3", run_eagerly=True, seed=SEED)

    def nudge_generator():
        bias = lab.G.get_layer("hidden").bias
        bias.assign(bias + 1.0)

    effect = freezing.measure_call(lab, freezing.Step("GAN", "nudge", nudge_generator))
    assert effect == freezing.CallEffect("G (1 of 4)", "-")

    def fail():
        raise ValueError("boom")

    failed = freezing.measure_call(lab, freezing.Step("GAN", "fail", fail))
    assert failed.error == "ValueError: boom"


def test_error_text_is_short_and_the_same_in_graph_and_eager_mode():
    repr_eager = (
        "<Variable path=D/hidden/kernel, shape=(2, 8), dtype=float32, value=[[1 2]\n [3 4]]>"
    )
    repr_graph = "<Variable path=D/hidden/kernel, shape=(2, 8), dtype=float32>"
    for variable in (repr_eager, repr_graph):
        exc = ValueError(f"Unknown variable: {variable}. This optimizer can only be called...")
        assert freezing.error_text(exc) == "ValueError: Unknown variable: D/hidden/kernel."
    message = "The optimizer cannot recognize variable hidden/kernel:0. This usually means..."
    assert freezing.error_text(KeyError(message)) == f"KeyError: {message.split(' This')[0]}"
    # Keras 2 inside tf.function: a traceback, with the real message on its last lines
    wrapped = f"in user code:\n\n    File 'x.py', line 1\n\n    KeyError: '{message}'\n"
    assert freezing.error_text(KeyError(wrapped)) == f"KeyError: {message.split(' This')[0]}"
    assert freezing.error_text(ValueError("")) == "ValueError"


@pytest.mark.parametrize(
    "kind, text, expected",
    [
        ("D", "D, D-BN-stats | BN batch", "as meant"),
        ("D", "nothing | BN moving | warns 'x' (every call)", "not as meant"),
        ("D", "D (4 of 6), D-BN-stats | BN batch", "not as meant"),
        ("D", "call 1: D | BN batch; call 2: nothing | BN moving", "not as meant"),
        ("D", "error: ValueError: x", "error"),
        ("G", "G | BN moving", "as meant"),
        ("G", "G, D-BN-stats | BN batch", "as meant"),
        ("G", "G, D, D-BN-stats | BN batch", "not as meant"),
        ("G", "nothing | BN moving", "not as meant"),
        ("GAN", "G, D, D-BN-stats", "as meant"),
        ("GAN", "G", "not as meant"),
    ],
)
def test_verdict(kind, text, expected):
    assert freezing.verdict(kind, text) == expected


def test_table_html_colours_cells_and_lists_messages_as_notes():
    warns = "nothing | BN moving | warns 'no <trainable> weights' (every call)"
    code = "D.compile(opt, loss)\nD.trainable = False"
    rows = [
        freezing.Row("r", 1, "D.train_on_batch", {"K": warns, "K2": "D | BN batch"}, "D", code),
        freezing.Row(
            "r", 1, "gan.train_on_batch", {"K": "error: ValueError: x", "K2": "G"}, "G", code
        ),
        freezing.Row("s", 2, "D.train_on_batch", {"K": "D | BN batch", "K2": "D | BN batch"}),
    ]
    page = freezing.table_html(rows)
    assert "warns [1] (every call)" in page and "<li>[1] no &lt;trainable&gt; weights</li>" in page
    assert "error [2]" in page and "<li>[2] ValueError: x</li>" in page
    # Three green cells for r, one red, one amber, two green for s, plus one of each in the legend
    colours = freezing.COLOURS
    counts = [page.count(f"background:{colours[v]}") for v in ("as meant", "not as meant", "error")]
    assert counts == [5, 2, 2]
    # The recipe's name and code stand once, beside both of its rows; s has one row and no code
    assert page.count("<b>r</b>") == 1 and page.count('rowspan="2"') == 2
    assert page.count("D.compile(opt, loss)\nD.trainable = False</pre>") == 1
    assert page.count("<b>s</b></td>") == 1 and page.count("<tr>") == 4
    assert freezing.table_html([]) == "<p>(no rows)</p>"


def test_every_recipe_shows_its_code_in_short_lines():
    lesson = lessons.load("02_freezing_discriminator")
    recipes = freezing.RECIPES + freezing.lesson_recipes(lesson.make_steps, lesson.gan_model_class)
    for recipe in recipes:
        lines = recipe.code.splitlines()
        assert lines, f"{recipe.name} has no code to show"
        # the table's code column wraps longer lines
        assert max(len(line) for line in lines) <= 34, recipe.name
    row = freezing.truth_table(1, recipes[:1], freezing.COLUMNS[:1], seed=SEED)[0]
    assert row.code == recipes[0].code


def test_mismatches_names_the_row_and_column():
    rows = [freezing.Row("classic", 1, "D.train_on_batch", {"Keras 3": "nothing"})]
    expected = {"classic / D.train_on_batch": {"Keras 3": "nothing"}}
    assert freezing.mismatches(rows, expected, complete=True) == []
    problems = freezing.mismatches(
        rows, {"classic / D.train_on_batch": {"Keras 3": "D"}, "other / x": {}}
    )
    assert any("'classic / D.train_on_batch', column 'Keras 3'" in p for p in problems)
    assert any("'other / x' was expected but not measured" in p for p in problems)
    assert freezing.mismatches(rows, {}, complete=True) == [
        "row 'classic / D.train_on_batch' was measured but has no expected value"
    ]
    assert freezing.cell(rows, "classic / D.train_on_batch", "Keras 3") == "nothing"
    with pytest.raises(ValueError, match="no row"):
        freezing.cell(rows, "x", "Keras 3")
    with pytest.raises(ValueError, match="no column"):
        freezing.cell(rows, "classic / D.train_on_batch", "Keras 9")


def test_lesson_recipes_run_notebook_02s_own_lesson_cells():
    lesson = lessons.load("02_freezing_discriminator")
    recipes = freezing.lesson_recipes(lesson.make_steps, lesson.gan_model_class)
    columns = [("graph", "keras3", False), ("eager", "keras2", True)]
    rows = freezing.truth_table(1, recipes, columns, seed=SEED)
    found = {row.key: (row.kind, set(row.cells.values())) for row in rows}
    g_tape = "custom steps / g_step: tape on G.trainable_variables"
    assert found == {
        "custom steps / d_step: tape on D.trainable_variables": ("D", {"D, D-BN-stats | BN batch"}),
        f"{g_tape}, D(fake, training=True)": ("G", {"G, D-BN-stats | BN batch"}),
        f"{g_tape}, D(fake, training=False)": ("G", {"G | BN moving"}),
        "custom steps after D.trainable=False / d_step: tape on D.trainable_variables": (
            "D",
            {
                "error: ValueError: not enough values to unpack (expected 2, got 0)",
                "nothing | BN moving",
            },
        ),
        "custom steps after D.trainable=False / g_step: tape on G.trainable_variables, "
        "D(fake, training=True)": ("G", {"G | BN moving"}),
        "subclassed Model.train_step / gan.train_on_batch(real) (D step + G step)": (
            "GAN",
            {"G, D, D-BN-stats"},
        ),
    }
