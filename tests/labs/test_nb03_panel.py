"""Unit tests for gan_helpers.labs.nb03_panel: notebook 03's widget panel, its figure and sweep
tables.

What the panel's widgets do is exercised here the way a click does it (setting a widget's value,
calling what a button calls); tests/browser/ drives the same panel in a real browser.
"""

import dataclasses
import time

import numpy as np
import pytest

import gan_helpers  # noqa: F401  (quietens TensorFlow before it loads)
from gan_helpers.labs import nb03_panel as toy_panel
from gan_helpers.labs import nb03_toy as toy

LESSON = toy.Lesson.load()


@pytest.fixture()
def panel():
    config = toy.ToyConfig(k=3, noise_dim=2, steps=40, seed=5)
    return toy_panel.ToyPanel(LESSON, config, auto_run=False, jit_compile=False)


def test_panel_widgets_train_and_stop(panel):
    descriptions = {w.description for w in panel.controls} | {
        panel.train_button.description,
        panel.stop_button.description,
    }
    assert {"k", "noise_dim", "learning_rate", "G steps", "Train", "Stop"} <= descriptions
    assert (panel.k.min, panel.k.max, panel.noise_dim.min, panel.noise_dim.max) == (1, 30, 1, 16)
    assert panel.steps.step == toy.CHUNK == panel.steps.min
    result = panel.train()  # what the Train button runs, in the foreground
    assert panel.status_text.startswith(result.summary()) and panel.state == "idle"
    assert panel.facts == {
        "k": 3,
        "noise_dim": 2,
        "steps": 40,
        "done": 40,
        "w1": f"{result.final_w1:.4g}",
        "off_chart": f"{toy_panel.LiveFigure.off_chart(result.samples):.2f}",
    }
    assert panel.image.value[:2] == b"\xff\xd8"  # a JPEG frame of the live figure
    # background run, stopped: the thread ends promptly and the panel trains again afterwards
    panel.steps.value = 3000
    thread = panel.start()
    assert panel.wait_for_progress(timeout=60), "the background run never trained a chunk"
    panel.stop()
    thread.join(timeout=30)
    assert not thread.is_alive() and panel.last_result.stopped
    assert panel.last_result.steps[-1] < 3000 and panel.state == "stopped"
    assert panel.status_text.startswith("stopped: ")
    panel.steps.value = 20
    assert panel.train().steps[-1] == 20


def test_a_slider_change_starts_a_run_on_the_same_graph():
    """Moved here from notebook 03: a new k or noise_dim trains at once, with no new trace.

    The lesson's d_step runs in Python only while TensorFlow traces it: count those calls."""
    calls = []

    def counting_make_steps(*args, **kwargs):
        d_step, g_step = LESSON.make_steps(*args, **kwargs)
        return (lambda: calls.append(1) or d_step()), g_step

    lesson = dataclasses.replace(LESSON, make_steps=counting_make_steps)
    config = toy.ToyConfig(k=3, noise_dim=4, steps=40, seed=5)
    panel = toy_panel.ToyPanel(lesson, config, jit_compile=False)  # sliders start runs
    panel.train()
    traced = len(calls)
    panel.k.value = 10  # what dragging the k slider to 10 does
    moved = panel.wait()
    assert moved.config.k == 10 and moved.steps[-1] == 40
    assert panel.state == "idle" and (panel.facts["k"], panel.facts["noise_dim"]) == (10, 4)
    panel.noise_dim.value = 3
    moved = panel.wait()
    assert panel.status_text.startswith("done: k=10 noise_dim=3 ")
    assert f"W1 {moved.final_w1:.3f}" in panel.status_text
    assert traced > 0 and len(calls) == traced, "a new k or noise_dim must reuse the graph"
    gan = toy.get_toy_gan(lesson, config.discriminator, config.loss, jit_compile=False)
    unused_rows = gan.generator.layers[0].kernel.numpy()[3:]
    assert np.all(unused_rows == 0), "the 13 unused inputs' kernel rows never moved from 0"


def test_stop_ends_a_long_run_within_a_chunk():
    """Moved here from notebook 03: Stop ends the run after its current chunk, not at the end."""
    config = toy.ToyConfig(k=30, noise_dim=4, steps=3000, seed=5)
    panel = toy_panel.ToyPanel(LESSON, config, auto_run=False, jit_compile=False)
    panel.start()
    assert panel.wait_for_progress(timeout=120), "the long run never started training"
    time.sleep(0.3)
    clicked = time.perf_counter()
    panel.stop()  # what the Stop button does
    stopped = panel.wait(timeout=60)
    stop_s = time.perf_counter() - clicked
    print(f"stopped {stop_s:.3f} s after Stop, at {stopped.steps[-1]} of 3000 G steps")
    assert stopped.stopped and stopped.steps[-1] < 3000 and not panel.running
    # one chunk of 20 G steps at k = 30 is 620 optimizer steps (about 0.1 s on an idle machine)
    assert stop_s < 3.0, f"Stop took {stop_s:.2f} s: it must end the run after the current chunk"


def test_samples_off_the_chart_are_said():
    """k = 1 with the post's D: G's samples run off to hundreds; the figure and status say so."""
    config = toy.ToyConfig(k=1, steps=100, seed=1)
    panel = toy_panel.ToyPanel(LESSON, config, auto_run=False, jit_compile=False)
    result = panel.train()
    outside = toy_panel.LiveFigure.off_chart(result.samples)
    assert outside > 0.5 and float(panel.facts["off_chart"]) == round(outside, 2)
    # the figure's note, wrapped on three lines, is the status line's sentence
    shown = panel.figure.off_chart.get_text()
    note = " ".join(shown.split())
    assert "\n" in shown and note.startswith(f"{outside:.0%} of G's samples are off this chart")
    assert note in panel.status_text
    # D(x), W1 and the note (the histogram is empty when every sample is off the chart)
    assert panel.figure.canvas.moving_drawn >= 3


def test_live_figure_blits_the_same_picture_as_a_full_redraw():
    result = toy.train_toy_gan(LESSON, toy.ToyConfig(steps=40, seed=1), jit_compile=False)
    figure = toy_panel.LiveFigure()
    figure.render(result, fmt="png")  # draws the static part
    assert figure.render(result, fmt="png") == figure.render(result, fmt="png", blit=False)


def test_sweep_table_and_heat_map_cover_every_value():
    values = {(k, d): [0.1 * k, 0.2 * k] for k in (1, 3) for d in (1, 4)}
    values[1, 4] = [1500.0, 2200.0]
    table = toy_panel.sweep_table(values, (1, 3), (1, 4))
    assert "noise_dim=4" in table and "k=3" in table and "0.45 ± 0.15 [0.30, 0.60]" in table
    fig = toy_panel.plot_sweep(values, (1, 3), (1, 4))
    assert fig.axes[0].images[0].norm.vmax >= 1850  # the colour scale reaches the largest mean
