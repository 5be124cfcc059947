"""Unit tests for gan_helpers.labs.nb06_panel: notebook 06's 2-D panel, without a browser.

The buttons are clicked the way the browser clicks them (``Button.click()`` runs the same
handlers) and the sliders are moved by setting their values; the panel trains notebook 06's own
lesson code (its ``lesson`` cells). tests/browser/test_mode_panel_in_browser.py drives the same
panel in JupyterLab.
"""

from __future__ import annotations

import time

import numpy as np
import pytest
import tensorflow as tf

import gan_helpers  # noqa: F401  (quietens TensorFlow before it loads)
from gan_helpers import lessons, weights
from gan_helpers.labs import nb06_panel as mode_panel

LESSON = lessons.load("06_mode_collapse")


def make_panel(lesson=LESSON, **settings) -> mode_panel.ModePanel:
    config = mode_panel.ModeConfig(**{"seed": 3, **settings})
    return mode_panel.ModePanel(lesson, config, auto_start=False, max_steps=100_000)


def click(panel, name: str, timeout: float = 120.0) -> None:
    """Click a button as the browser does, then wait for the job it started."""
    panel.buttons[name].click()
    panel.wait(timeout)
    assert not panel.running, f"{name} did not finish within {timeout} s"


def moved(panel, before) -> dict:
    b = panel.current
    return weights.changes(before, weights.snapshot({"G": b.G, "D": b.D}))


def no_traceback(text: str) -> None:
    assert "Traceback" not in text and 'File "' not in text, text


@pytest.fixture(scope="module")
def panel():
    return make_panel()


def test_step_d_changes_only_d_and_step_g_only_g(panel):
    click(panel, "Reset")
    b = panel.current
    assert panel.status.value.startswith("ready: ring, non-saturating"), panel.status.value
    before = weights.snapshot({"G": b.G, "D": b.D})
    click(panel, "Step D")
    change = moved(panel, before)
    assert change["D"] > 0 and change["G"] == 0, change
    assert (b.d_steps, b.g_steps) == (1, 0)
    assert panel.status.value.startswith("one D step: d_loss")
    before = weights.snapshot({"G": b.G, "D": b.D})
    click(panel, "Step G")
    change = moved(panel, before)
    assert change["G"] > 0 and change["D"] == 0, change
    assert (b.d_steps, b.g_steps) == (1, 1)
    assert "G steps 1 · D steps 1 · <b>modes captured" in panel.scores.value
    assert panel.image.value[:2] == b"\xff\xd8"  # a JPEG frame of the live figure


def test_train_draws_live_and_stop_ends_it_at_once(panel):
    click(panel, "Reset")
    frames, image = panel.frames, panel.image.value
    panel.buttons["Train"].click()
    deadline = time.monotonic() + 120
    while panel.frames < frames + 4:  # several pictures while it trains
        assert panel.running and time.monotonic() < deadline, panel.status.value
        time.sleep(0.05)
    assert panel.status.value.startswith("training: ring, non-saturating")
    clicked = time.perf_counter()
    panel.buttons["Stop"].click()
    panel.wait(30)
    stop_s = time.perf_counter() - clicked
    assert not panel.running and stop_s < 2.0, f"Stop took {stop_s:.2f} s"
    assert panel.status.value.startswith("stopped: "), panel.status.value
    assert panel.current.g_steps > 0 and panel.image.value != image
    steps = panel.current.g_steps
    time.sleep(0.5)
    assert panel.current.g_steps == steps, "nothing trains after Stop"
    panel.buttons["Stop"].click()  # Stop when nothing runs: harmless
    assert panel.status.value == "stopped"


def test_k_and_learning_rates_act_on_the_current_models(panel):
    click(panel, "Reset")
    b = panel.current
    panel.k.value = 3
    panel.d_rate.value = 1e-4
    assert b.loop.k == 3 and np.isclose(float(b.d_opt.learning_rate.numpy()), 1e-4)
    assert panel.current is b, "k and the learning rates need no new models"
    panel.train(2)
    assert (b.d_steps, b.g_steps) == (6, 2), "k = 3: three D updates per G update"
    panel.k.value, panel.d_rate.value = 1, 1e-3


def test_reset_and_a_new_dataset_start_afresh_without_compiling_again(panel):
    panel.dataset.value = "ring"
    click(panel, "Reset")
    b = panel.current
    start = weights.snapshot({"G": b.G, "D": b.D})
    panel.train(20)
    trained = weights.snapshot({"G": b.G, "D": b.D})
    panel.dataset.value = "grid"  # a new dataset: new data, other models, reset
    panel.wait(120)
    assert panel.current is not b and panel.current.mixture.n_modes == 25
    assert "/ 25</b>" in panel.scores.value
    traced = b.loop._run.experimental_get_tracing_count()
    panel.dataset.value = "ring"  # back: the cached build, put back to its start
    panel.wait(120)
    assert panel.current is b and moved(panel, start) == {"G": 0.0, "D": 0.0}
    panel.train(20)
    assert moved(panel, trained) == {"G": 0.0, "D": 0.0}, "the same seed trains the same way"
    assert b.loop._run.experimental_get_tracing_count() == traced, "no new trace"


def test_bad_settings_are_one_clear_line_in_the_panel():
    config = mode_panel.ModeConfig(k=0, d_learning_rate=2.0, pack=9)
    problems = config.problems(LESSON.LOSSES)
    assert len(problems) == 3 and problems[0].startswith("k must be a whole number from 1 to")

    def make_discriminator(pack=1, **kwargs):
        if pack == 3:
            raise ValueError("pack=3 is not supported here: use m = 1, 2 or 4")
        return LESSON.make_discriminator(pack=pack, **kwargs)

    panel = make_panel({**vars(LESSON), "make_discriminator": make_discriminator})
    click(panel, "Reset")
    panel.pack.value = 3
    panel.wait(60)
    assert panel.status.value.startswith("<b>cannot train this:</b>"), panel.status.value
    assert "use m = 1, 2 or 4" in panel.status.value
    no_traceback(panel.status.value)
    click(panel, "Train")  # the same settings again: the same message, nothing trains
    assert "use m = 1, 2 or 4" in panel.status.value
    panel.pack.value = 2
    panel.wait(60)
    assert panel.status.value.startswith("ready: "), panel.status.value


def test_a_diverging_run_stops_with_advice_and_the_panel_goes_on():
    def make_steps(G, D, g_opt, d_opt, *args, **kwargs):
        d_step, g_step = LESSON.make_steps(G, D, g_opt, d_opt, *args, **kwargs)

        def exploding_d_step():  # NaN as soon as D's learning rate is above 5e-3
            out = d_step()
            nan = tf.where(d_opt.learning_rate > 5e-3, np.nan, 0.0)
            return {**out, "d_loss": out["d_loss"] + nan}

        return exploding_d_step, g_step

    panel = make_panel({**vars(LESSON), "make_steps": make_steps})
    click(panel, "Reset")
    panel.d_rate.value = 1e-2
    click(panel, "Train")
    assert "diverged" in panel.status.value and "Lower the learning rates" in panel.status.value
    no_traceback(panel.status.value)
    assert panel.current.g_steps == 0, "the weights went back to the last good step"
    click(panel, "Step D")
    assert "diverged" in panel.status.value
    panel.d_rate.value = 1e-3
    click(panel, "Reset")
    panel.train(10)
    assert panel.current.g_steps == 10 and panel.status.value.startswith("done: ")


def test_an_unexpected_error_is_one_line_too():
    def make_steps(*args, **kwargs):
        raise RuntimeError("something deep inside broke\n  with a second line")

    panel = make_panel({**vars(LESSON), "make_steps": make_steps})
    click(panel, "Step G")
    assert panel.status.value.startswith("<b>error:</b> these settings did not work")
    assert "RuntimeError: something deep inside broke with a second line" in panel.status.value
    no_traceback(panel.status.value)


def test_the_lesson_must_name_what_the_panel_calls():
    with pytest.raises(ValueError, match="'g_objective', 'packed'"):
        mode_panel.Lesson.of({"make_generator": 1, "make_discriminator": 1, "make_steps": 1})


def test_wgan_gp_and_packing_draw_the_same_blitted_as_redrawn(panel):
    panel.loss.value, panel.pack.value = "wgan-gp", 4
    panel.wait(120)
    assert panel.status.value.startswith("ready: ring, wgan-gp, k=1, m=4"), panel.status.value
    panel.train(3)
    b = panel.current
    frame = mode_panel.Frame(b, *(t.numpy() for t in b.snapshot()), {}, b.g_steps)
    assert frame.scores.shape == (mode_panel.HEAT_SIZE,) * 2 and frame.push.shape == (60, 2)
    assert np.all(np.isfinite(frame.push)) and np.abs(frame.push).max() > 0
    figure = panel.figure
    figure.render(frame, fmt="png")  # draws the static part
    assert figure.render(frame, fmt="png") == figure.render(frame, fmt="png", blit=False)
    width, height = figure.canvas.get_width_height()
    assert width <= 1000, "at most 10 inches at 100 dpi"


# --- the legend: the words name the colours the panel draws -------------------------------------
def _named(word: str, rgb) -> bool:
    """Whether ``word`` names the colour ``rgb`` (channels 0-1): its own channel leads clearly."""
    r, g, b = (float(v) for v in rgb[:3])
    if word == "black":
        return max(r, g, b) < 0.2
    if word == "orange":
        return r > 0.8 and r > g + 0.2 and g > b + 0.2
    channel = {"red": 0, "green": 1, "blue": 2}[word]
    values = [r, g, b]
    return values[channel] > max(v for i, v in enumerate(values) if i != channel) + 0.1


def test_the_legend_names_the_colours_the_panel_draws(panel):
    """LEGEND's words, read against the colours of D's heat-map where D says real and fake."""
    legend = mode_panel.LEGEND
    panel.dataset.value, panel.loss.value, panel.pack.value = "ring", "non-saturating", 1
    panel.wait(120)
    click(panel, "Reset")
    b = panel.current
    # D trained against the fixed starting G: its verdicts on real points and on G's points
    for _ in range(300):
        b.d_step()
    fake = b.snapshot()[0].numpy()
    d_real, d_fake = (float(tf.reduce_mean(tf.sigmoid(b.D(x)))) for x in (b.real, fake))
    assert d_real > 0.75 and d_fake < 0.25, f"D should tell them apart: {d_real, d_fake}"
    # the colour the panel paints for D's mean on real points, on G's points, and at 1 and 0
    table = panel.figure.heat_colours / 255
    for value, word, other in [
        (d_real, legend.real, legend.fake),
        (1.0, legend.real, legend.fake),
        (d_fake, legend.fake, legend.real),
        (0.0, legend.fake, legend.real),
    ]:
        rgb = table[round(255 * value)]
        assert _named(word, rgb) and not _named(other, rgb), (value, word, rgb)
    figure = panel.figure
    drawn = {
        legend.arrow: figure.arrows.get_facecolor()[0],
        legend.data: figure.real.get_facecolor()[0],
        legend.generated: figure.fake.get_facecolor()[0],
    }
    for word, rgba in drawn.items():
        assert _named(word, rgba), (word, rgba)
    text = legend.markdown()
    for word in (legend.real, legend.fake, legend.arrow, legend.data, legend.generated):
        assert word in text, f"the legend names {word}"


def test_the_notebook_and_the_app_take_their_colour_words_from_the_legend():
    """Their markdown names no colour of the picture: a code cell displays LEGEND's words."""
    import json
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    colours = re.compile(r"\b(red|blue|green|pink|orange|black|purple)\b", re.IGNORECASE)
    for path in (root / "notebooks" / "06_mode_collapse.ipynb", root / "app" / "panels.ipynb"):
        cells = json.loads(path.read_text())["cells"]
        markdown = ["".join(c["source"]) for c in cells if c["cell_type"] == "markdown"]
        named = [m.group(0) for text in markdown for m in colours.finditer(text)]
        assert not named, f"{path.name}: colour words in markdown {named}; use mode_panel.LEGEND"
        code = "".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        assert "LEGEND.markdown()" in code, f"{path.name} should display mode_panel.LEGEND"
