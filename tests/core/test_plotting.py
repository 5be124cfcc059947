import numpy as np
import pytest

from gan_helpers.plotting import LivePlot, image_grid, smooth
from gan_helpers.training import History


def test_image_grid_shapes_and_errors():
    fig = image_grid(np.zeros((10, 28, 28, 1)), ncols=4)
    assert fig.axes[0].images[0].get_array().shape == (3 * 29 + 1, 4 * 29 + 1)
    with pytest.raises(ValueError, match="expected images of shape"):
        image_grid(np.zeros((28, 28)))


def test_smooth_is_a_running_mean():
    np.testing.assert_allclose(smooth([0, 2, 4, 6], window=2), [0, 1, 3, 5])


def test_live_plot_outside_a_notebook(tmp_path):
    h = History()
    h.extend(
        {"d_loss": [1.0, 0.9], "g_loss": [0.7, 0.8], "d_real": [0.6, 0.6], "d_fake": [0.4, 0.4]}
    )
    live = LivePlot(title="test")
    live.update(h, samples=np.zeros((16, 28, 28, 1)))
    live.save(tmp_path / "live.png")
    assert (tmp_path / "live.png").stat().st_size > 1000
    assert len(live.axes["losses"].lines) == 2 and live.axes["D(x) and D(G(z))"].get_ylim() == (
        0,
        1,
    )


def test_live_plot_draws_any_named_series_and_points():
    live = LivePlot({"critic": ["w_estimate"], "quality": ["fd", "coverage"]}, samples=True)
    live.update(
        {"step": [100, 200, 300], "w_estimate": [1, 2, 3], "fd": [3, 2, 1], "coverage": [1, 5, 9]},
        samples=np.random.default_rng(0).normal(size=(50, 2)),
    )
    assert len(live.axes["quality"].lines) == 2
    assert list(live.axes["critic"].lines[0].get_xdata()) == [100, 200, 300]
    assert len(live.ax_samples.collections) == 1  # (N, 2) samples are drawn as a scatter
    with pytest.raises(KeyError, match="wants metric 'fd'"):
        live.update({"w_estimate": [1.0]})
    with pytest.raises(ValueError, match="at least one metric"):
        LivePlot({"empty": []})


def test_a_panel_displays_as_a_widget_with_a_captioned_still_on_ipywidgets_7_and_8(monkeypatch):
    """ipywidgets 8 has _repr_mimebundle_, 7 (Colab's) has not: display_panel needs neither."""
    widgets = pytest.importorskip("ipywidgets")
    from gan_helpers import plotting

    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj, raw=False: shown.append(obj))
    image = widgets.Image(value=b"\x89PNG fake", format="png")
    panel = widgets.VBox([widgets.IntSlider(), image])
    plotting.display_panel(panel, image)
    (bundle,) = shown
    view = {"version_major": 2, "version_minor": 0, "model_id": panel.model_id}
    assert bundle[plotting.WIDGET_VIEW] == view, "JupyterLab, Colab, Voila: the live widget"
    assert bundle["image/png"] and bundle["text/plain"] == plotting.PANEL_TEXT
    assert (
        plotting.PANEL_TEXT in bundle["text/html"]
        and "data:image/png;base64," in bundle["text/html"]
    )
