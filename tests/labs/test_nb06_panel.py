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


def says(panel, state: str, start: str = "") -> None:
    """The panel's state is ``state`` and its status line starts with ``start``."""
    assert panel.state == state and panel.status_text.startswith(start), panel.status_text


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
    says(panel, "idle", "ready: ring, non-saturating")
    before = weights.snapshot({"G": b.G, "D": b.D})
    click(panel, "Step D")
    change = moved(panel, before)
    assert change["D"] > 0 and change["G"] == 0, change
    assert (b.d_steps, b.g_steps) == (1, 0)
    says(panel, "idle", "one D step: d_loss")
    assert (panel.facts["d_steps"], panel.facts["g_steps"]) == (1, 0)
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
    says(panel, "training", "training: ring, non-saturating")
    clicked = time.perf_counter()
    panel.buttons["Stop"].click()
    panel.wait(30)
    stop_s = time.perf_counter() - clicked
    assert not panel.running and stop_s < 2.0, f"Stop took {stop_s:.2f} s"
    says(panel, "stopped", "stopped: ")
    assert panel.current.g_steps > 0 and panel.image.value != image
    steps = panel.current.g_steps
    time.sleep(0.5)
    assert panel.current.g_steps == steps, "nothing trains after Stop"
    panel.buttons["Stop"].click()  # Stop when nothing runs: harmless
    says(panel, "stopped", "stopped: ")


def test_k_acts_on_the_current_models_and_a_learning_rate_starts_the_lessons_optimizers(panel):
    click(panel, "Reset")
    b = panel.current
    panel.k.value = 3
    assert panel.facts["k"] == 3 and panel.state == "idle"
    assert b.loop.k == 3 and panel.current is b, "k needs no new models"
    panel.train(2)
    assert (b.d_steps, b.g_steps) == (6, 2), "k = 3: three D updates per G update"
    panel.k.value = 1
    # the lesson's optimizers: Adam, beta_2 0.999 for the GAN losses, rates decaying over 1,500
    assert (b.g_opt.beta_2, b.d_opt.beta_2) == (0.999, 0.999)
    schedules = [o._learning_rate for o in (b.g_opt, b.d_opt)]
    assert [s.decay_steps for s in schedules] == [mode_panel.MAX_STEPS] * 2
    panel.d_rate.value = 1e-4  # a new schedule: new optimizers, and the run starts again
    panel.wait(120)
    new = panel.current
    assert new is not b and new.g_steps == 0 and panel.state == "idle", panel.status_text
    rates = [o._learning_rate.initial_learning_rate for o in (new.g_opt, new.d_opt)]
    assert np.allclose(rates, [1e-3, 1e-4]), rates
    panel.d_rate.value = 1e-3
    panel.wait(120)
    assert panel.current is b, "back to the cached build"


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


def test_a_new_seed_restarts_the_same_run(panel):
    """The seed fixes no graph: a new seed restarts the run shown (runs.Run.restart)."""
    panel.seed.value = 3
    click(panel, "Reset")
    b = panel.current
    start = weights.snapshot({"G": b.G, "D": b.D})
    panel.seed.value = 4
    panel.wait(120)
    assert panel.current is b and panel.state == "idle", panel.status_text
    assert moved(panel, start)["G"] > 0, "seed 4 starts from other weights"
    panel.seed.value = 3
    panel.wait(120)
    assert moved(panel, start) == {"G": 0.0, "D": 0.0}, "seed 3's start again"


def test_bad_settings_are_one_clear_line_in_the_panel():
    config = mode_panel.ModeConfig(k=0, d_learning_rate=2.0, pack=9)
    with pytest.raises(ValueError) as err:
        config.validate(LESSON.LOSSES)
    assert str(err.value) == (
        "k must be a whole number from 1 to 10, not 0; pack m must be a whole number from 1 to "
        "4, not 9; d_learning_rate must be a number in (0, 1) such as 1e-3, not 2.0"
    )

    def make_discriminator(pack=1, **kwargs):
        if pack == 3:
            raise ValueError("pack=3 is not supported here: use m = 1, 2 or 4")
        return LESSON.make_discriminator(pack=pack, **kwargs)

    panel = make_panel({**vars(LESSON), "make_discriminator": make_discriminator})
    click(panel, "Reset")
    panel.pack.value = 3
    panel.wait(60)
    says(panel, "error", "cannot use these settings: ")
    assert "use m = 1, 2 or 4" in panel.status_text
    no_traceback(panel.status.value)
    click(panel, "Train")  # the same settings again: the same message, nothing trains
    says(panel, "error", "cannot use these settings: ")
    assert "use m = 1, 2 or 4" in panel.status_text
    panel.pack.value = 2
    panel.wait(60)
    says(panel, "idle", "ready: ")


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
    says(panel, "error", "stopped: the training diverged")
    assert "Lower the learning rates" in panel.status_text
    no_traceback(panel.status.value)
    assert panel.current.g_steps == 0, "the weights went back to the last good step"
    click(panel, "Step D")
    says(panel, "error", "stopped: the training diverged")
    panel.d_rate.value = 1e-3
    click(panel, "Reset")
    panel.train(10)
    assert panel.current.g_steps == 10
    says(panel, "idle", "done: ")


def test_an_unexpected_error_is_one_line_too():
    def make_steps(*args, **kwargs):
        raise RuntimeError("something deep inside broke\n  with a second line")

    panel = make_panel({**vars(LESSON), "make_steps": make_steps})
    click(panel, "Step G")
    says(panel, "error", "error: these settings did not work")
    assert "RuntimeError: something deep inside broke with a second line" in panel.status_text
    no_traceback(panel.status.value)


def test_the_lesson_must_name_what_the_panel_calls():
    with pytest.raises(ValueError, match="'g_objective', 'packed'"):
        mode_panel.Lesson.of({"make_generator": 1, "make_discriminator": 1, "make_steps": 1})


def test_wgan_gp_and_packing_draw_the_same_blitted_as_redrawn(panel):
    panel.loss.value, panel.pack.value = "wgan-gp", 4
    panel.wait(120)
    says(panel, "idle", "ready: ring, wgan-gp, k=1, m=4")
    panel.train(3)
    b = panel.current
    fake, scores, push = b.picture()
    assert scores.shape == (mode_panel.HEAT_SIZE,) * 2 and push.shape == (60, 2)
    assert np.all(np.isfinite(push)) and np.abs(push).max() > 0
    figure = panel.figure
    figure.render(b, fake, scores, push, fmt="png")  # draws the static part
    blitted = figure.render(b, fake, scores, push, fmt="png")
    assert blitted == figure.render(b, fake, scores, push, fmt="png", blit=False)
    width, height = figure.canvas.agg.get_width_height()
    assert width <= 1000 and height <= 380, "10 by 3.8 inches at 100 dpi: fits 1280x720"


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
    fake = b.picture()[0]
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

    root = Path(__file__).resolve().parents[2]
    colours = re.compile(r"\b(red|blue|green|pink|orange|black|purple)\b", re.IGNORECASE)
    for path in (root / "notebooks" / "06_mode_collapse.ipynb", root / "app" / "panels.ipynb"):
        cells = json.loads(path.read_text())["cells"]
        markdown = ["".join(c["source"]) for c in cells if c["cell_type"] == "markdown"]
        named = [m.group(0) for text in markdown for m in colours.finditer(text)]
        assert not named, f"{path.name}: colour words in markdown {named}; use mode_panel.LEGEND"
        code = "".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        assert "LEGEND.markdown()" in code, f"{path.name} should display mode_panel.LEGEND"


# --- what the panel shows with its defaults -----------------------------------------------------
def test_the_default_run_collapses_and_pack_2_covers_the_ring():
    """Train with the defaults (the ring, the non-saturating loss, seed 0) and then with pack
    m = 2 from the same seed: what notebook 06 and the app say the panel shows. Notebook 06's
    section 4 measures the GAN collapsed on the ring (at most a quarter of the modes captured
    after its 1,500 steps) and PacGAN2 at 7 or more modes on average; the panel's runs agree."""
    from gan_helpers.labs import nb06_mixtures as mixtures

    modes = {}
    for seed in (0, 1, 2):
        for pack in (1, 2):
            config = mode_panel.ModeConfig(seed=seed, pack=pack)
            panel = mode_panel.ModePanel(LESSON, config, draw_every_s=1e9)
            assert panel.max_steps == mode_panel.MAX_STEPS == 1500
            panel.buttons["Train"].click()
            panel.wait(600)
            b = panel.current
            assert b.g_steps == 1500 and panel.state == "idle", panel.status_text
            modes[seed, pack] = mixtures.mode_stats(b.picture()[0], b.mixture)["modes_captured"]
    print(f"modes captured after Train (1,500 G steps), (seed, m): {modes}")
    assert modes[0, 1] <= 2 and modes[0, 2] == 8, f"the defaults collapse, m = 2 covers: {modes}"
    collapsed = [s for s in (0, 1, 2) if modes[s, 1] <= 8 // 4]
    assert len(collapsed) >= 2, f"the default collapses for most seeds: {modes}"
    assert np.mean([modes[s, 2] for s in (0, 1, 2)]) >= 7, f"m = 2: 7 or more modes: {modes}"


def test_the_panels_train_is_the_notebooks_run_from_the_same_seed():
    """The panel trains the lesson's networks, optimizers and step: from a seed, its weights are
    those of notebook 06's runner (``nb06_runs``) from that seed, bit for bit."""
    from gan_helpers.labs import nb06_mixtures as mixtures
    from gan_helpers.labs import nb06_runs

    panel = mode_panel.ModePanel(LESSON, mode_panel.ModeConfig(seed=5), draw_every_s=1e9)
    panel.train(60)
    run = nb06_runs.build(
        LESSON,
        mixtures.ring(),
        loss="non-saturating",
        steps=mode_panel.MAX_STEPS,
        jit_compile=False,
    )
    nb06_runs.train(run, 5, 60)
    for net in ("G", "D"):
        mine, theirs = getattr(panel.current, net), getattr(run.gan, net)
        same = all(np.array_equal(a, b) for a, b in zip(mine.get_weights(), theirs.get_weights()))
        assert same, f"{net}: the panel's run from seed 5 differs from the notebook's"
