"""Unit tests for gan_helpers.widgets, the panel kit, and for what every panel gets from it.

* the kit: states on the status line and on the panel's CSS class, errors as one line, one
  background job at a time, the throttle, settings checks;
* every panel's still (its image when the cell ran, what the site and the decks show) has content:
  the check fails on an empty figure (issue 26, item 2);
* a panel's figure drawn from two threads at once gives every frame right (issue 26, item 6:
  widget callbacks run in a second kernel thread while a cell may redraw).
"""

from __future__ import annotations

import io
import threading
import time
from dataclasses import dataclass

import numpy as np
import pytest

import gan_helpers  # noqa: F401  (quietens TensorFlow before it loads)
from gan_helpers import lessons, widgets
from gan_helpers.training import History, NonFiniteLossError


def pixels(image: bytes) -> np.ndarray:
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(image)).convert("RGB"), dtype=np.int16)


def changed(a: bytes, b: bytes) -> float:
    """The share of pixels that differ clearly between two images of one size."""
    return float(np.mean(np.abs(pixels(a) - pixels(b)).max(axis=2) > 40))


# --- the kit ------------------------------------------------------------------------------------
class Demo(widgets.Panel):
    css = "demo-panel"

    def __init__(self):
        super().__init__()
        self.assemble([self.status, self.image])


def test_the_state_is_on_the_status_line_and_on_the_panel():
    panel = Demo()
    assert "panel-state-idle" in panel.widget._dom_classes
    panel.say(widgets.TRAINING, "training: a < b", lead="now", k=3, noise_dim=2)
    assert panel.state == "training" and panel.facts == {"k": 3, "noise_dim": 2}
    assert 'data-state="training" data-k="3" data-noise-dim="2"' in panel.status.value
    assert panel.status_text == "now training: a < b"
    classes = panel.widget._dom_classes
    assert "panel-state-training" in classes and "panel-state-idle" not in classes
    assert {"gan-panel", "demo-panel"} <= set(classes)
    with pytest.raises(ValueError, match="state must be one of"):
        panel.say("busy", "?")


def test_errors_are_one_line_in_the_status():
    panel = Demo()
    panel.fail(widgets.SettingsError("k must be a whole number from 1 to 10, not 0"))
    assert panel.state == "error"
    assert panel.status_text.startswith("cannot use these settings: k must be")
    panel.fail(NonFiniteLossError("d_loss is nan", History()))
    assert panel.status_text.startswith("stopped: the training diverged (a loss became NaN")
    panel.fail(RuntimeError("deep inside\n  a second line" + "x" * 1000))
    text = panel.status_text
    assert text.startswith("error: these settings did not work") and "\n" not in text
    assert "RuntimeError: deep inside a second line" in text and text.endswith(" ...")


def test_one_job_at_a_time_and_stop_ends_it():
    panel, order = Demo(), []

    def job(name, event):
        order.append(f"{name} starts")
        while not event.wait(0.01):
            panel.progress(event)
        order.append(f"{name} stopped")

    panel.submit(lambda event: job("first", event))
    assert panel.wait_for_progress(5)
    panel.submit(lambda event: job("second", event))  # stops the first, then runs
    assert panel.wait_for_progress(5) and panel.running
    panel.stop()
    panel.wait(5)
    assert not panel.running
    assert order == ["first starts", "first stopped", "second starts", "second stopped"]
    panel.submit(lambda event: 1 / 0)
    panel.wait(5)
    assert panel.state == "error" and "ZeroDivisionError" in panel.status_text


def test_the_throttle():
    throttle = widgets.Throttle(0.2)
    assert throttle.due()
    throttle.mark()
    assert not throttle.due() and 0.1 < throttle.left() <= 0.2
    time.sleep(0.25)
    assert throttle.due()


@dataclass(frozen=True)
class Knobs(widgets.Settings):
    k: int = 1
    rate: float = 1e-3
    name: str = "a"

    def problems(self, names):
        return [
            widgets.whole("k", self.k, 1, 10),
            widgets.number("rate", self.rate, 0, 1),
            widgets.one_of("name", self.name, names),
        ]


def test_settings_say_everything_to_change_and_read_the_widgets():
    assert Knobs().validate(("a", "b")) == Knobs()
    with pytest.raises(widgets.SettingsError) as err:
        Knobs(k=0, rate=float("nan"), name="c").validate(("a", "b"))
    assert str(err.value) == (
        "k must be a whole number from 1 to 10, not 0; rate must be a number in (0, 1), "
        "not nan; name must be one of ('a', 'b'), not 'c'"
    )
    assert widgets.whole("k", True, 0) and widgets.number("h", 1.0, 0, 1, "high") is None
    read = Knobs.read(
        {
            "k": widgets.slider("int", 3, "k", min=1, max=10),
            "rate": widgets.slider("log", 0.01, "rate", base=10, min=-4, max=-1),
            "name": widgets.dropdown(("a", "b"), "b", "name"),
        }
    )
    assert read == Knobs(3, 0.01, "b") and type(read.k) is int


# --- the panels: their stills, and two threads drawing ------------------------------------------
@pytest.fixture(scope="module")
def toy_panel_and_run():
    from gan_helpers.labs import nb03_panel, nb03_toy

    lesson = nb03_toy.Lesson.load()
    config = nb03_toy.ToyConfig(steps=40, seed=1)
    result = nb03_toy.train_toy_gan(lesson, config, jit_compile=False)
    panel = nb03_panel.ToyPanel(lesson, config, result=result, auto_run=False, jit_compile=False)
    return panel, result


@pytest.fixture(scope="module")
def mode_panel():
    from gan_helpers.labs import nb06_panel

    return nb06_panel.ModePanel(lessons.load("06_mode_collapse"))


@pytest.fixture(scope="module")
def dirac_panel():
    from gan_helpers.labs import nb07_panel

    return nb07_panel.DiracPanel(nb07_panel.DiracLesson.load())


def test_every_panel_still_shows_content(toy_panel_and_run, mode_panel, dirac_panel):
    """The still is the image at the moment the cell ran: its moving artists hold data."""
    from gan_helpers.labs import nb03_panel, nb06_panel, nb08_panel

    toy, _ = toy_panel_and_run
    for panel, artists in ((toy, 3), (mode_panel, 3), (dirac_panel, 2)):
        drawn = panel.figure.canvas.moving_drawn
        assert drawn >= artists, f"{type(panel).__name__}'s still draws {drawn} data artists"
    # the check fails on the empty figures, which is what notebook 06's still used to be
    empty_mode = nb06_panel.ModeFigure()
    empty = empty_mode.canvas.render(fmt="jpeg")
    assert empty_mode.canvas.moving_drawn == 0
    assert changed(mode_panel.image.value, empty) > 0.02, "data, G's samples and D's heat-map"
    empty_toy = nb03_panel.LiveFigure()
    empty_toy.render()
    assert empty_toy.canvas.moving_drawn == 0
    generator = lessons.load("08_conditional_gan").make_conditional_generator()
    digit = pixels(nb08_panel.CganPanel(generator).image.value)
    assert digit.std() > 1, "the digit image is not one flat colour"


def hammer(render, arguments: list, rounds: int = 8) -> list[tuple[int, bytes]]:
    """Two threads render ``arguments`` in turn; every (index of the argument, frame)."""
    frames, start = [], threading.Barrier(2)

    def work(offset):
        start.wait()
        for i in range(rounds):
            which = (i + offset) % len(arguments)
            frames.append((which, render(*arguments[which])))

    threads = [threading.Thread(target=work, args=(k,)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return frames


def test_two_threads_redrawing_the_dirac_panel_keep_every_frame(dirac_panel):
    """Issue 26, item 6: a cell's redraw while a widget callback redraws (two kernel threads)."""
    from gan_helpers.labs import nb07_panel

    configs = [nb07_panel.DiracConfig(h=h) for h in (0.1, 0.3)]
    reference, drawn = [], []
    for c in configs:
        dirac_panel.redraw(c)
        reference.append(bytes(dirac_panel.image.value))
        field = nb07_panel.field_on_grid(dirac_panel.lesson.vector_field, c.loss, c.gamma, c.sigma)
        drawn.append((field, dirac_panel.last_trajectory, f"{c.method}, {c.loss}"))
    for which, frame in hammer(dirac_panel.figure.render, drawn):
        assert frame == reference[which], "a frame drawn beside another one came out different"
    shown = []
    dirac_panel.image.observe(lambda change: shown.append(bytes(change["new"])), names="value")
    hammer(dirac_panel.redraw, [(c,) for c in configs])
    dirac_panel.image.unobserve_all()
    assert len(shown) >= 8, "the panel shows a new frame for (almost) every redraw"
    assert all(frame in reference for frame in shown), "it showed a frame of neither trajectory"
    assert dirac_panel.figure.fig.dpi == 90, "no render leaves the figure at another dpi"


def test_two_threads_drawing_the_mode_and_toy_figures_keep_every_frame(
    mode_panel, toy_panel_and_run
):
    b = mode_panel.current
    picture = b.picture()
    fig = mode_panel.figure
    reference = fig.render(b, *picture)
    for _, frame in hammer(lambda: fig.render(b, *picture), [()]):
        assert frame == reference, "a heat-map frame drawn beside another one came out different"
    toy, result = toy_panel_and_run
    reference = toy.figure.render(result)
    for _, frame in hammer(lambda: toy.figure.render(result), [()]):
        assert frame == reference, "a toy frame drawn beside another one came out different"
