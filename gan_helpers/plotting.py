"""Plots for the notebooks: the course's figure style, image grids, a running mean, a live plot.

Every figure in the course is drawn for a 1280x720 projector as much as for a laptop: call
``use_course_style()`` once (each notebook's first cell does) and build multi-panel figures with
``panels(n)``. A JupyterLab output area at 1280 px is about 1,050 px wide, so a figure of
``FIGURE_WIDTH`` inches at 100 dpi is shown at its natural size, never shrunk; fonts are 11-13 pt
(15-18 px) and there are at most ``MAX_PER_ROW`` panels per row, so every label stays readable.

``LivePlot`` follows d2l.ai's ``Animator``: it keeps one matplotlib figure and, each time you call
``update``, redraws it in the same notebook output (an IPython display handle), so the curves grow
while training runs instead of piling up one figure per step. It draws any named series, so every
notebook uses it: losses, D(x) and D(G(z)), a critic's Wasserstein estimate, a distance, ...
Outside a notebook it just keeps the figure, which can be saved to a file.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np

FIGURE_WIDTH = 10.0
"""Inches; at 100 dpi a figure this wide fits a JupyterLab output area at 1280 px unshrunk."""
MAX_PER_ROW = 3
"""At most this many panels side by side: more would shrink each one below projector size."""

COURSE_STYLE = {
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "figure.figsize": (FIGURE_WIDTH / 2, 3.4),
    "font.size": 12,
    "axes.titlesize": 13,
    "axes.labelsize": 12,
    "xtick.labelsize": 11,
    "ytick.labelsize": 11,
    "legend.fontsize": 11,
    "legend.framealpha": 0.8,
    "lines.linewidth": 1.8,
    # plain tick labels: 20 and 0.01 on log axes, never 2x10^1; no "+1e3" offset above an axis
    "axes.formatter.min_exponent": 4,
    "axes.formatter.useoffset": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
}
"""The course's matplotlib settings (``rcParams``), applied by ``use_course_style``."""


def use_course_style() -> None:
    """Apply ``COURSE_STYLE`` to every figure drawn from now on in this kernel."""
    plt.rcParams.update(COURSE_STYLE)


def panels(
    n: int, *, height: float = 3.3, width: float = FIGURE_WIDTH, **kwargs
) -> tuple[plt.Figure, list[plt.Axes]]:
    """A figure with ``n`` panels, at most ``MAX_PER_ROW`` per row; returns (figure, axes list).

    ``height`` is the height of one row in inches; extra keyword arguments go to
    ``plt.subplots`` (e.g. ``sharey=True``). Panels left over in the last row are hidden.
    """
    if n < 1:
        raise ValueError(f"panels(n) needs n >= 1, got {n}")
    ncols = min(n, MAX_PER_ROW)
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(width, height * nrows), squeeze=False, layout="constrained", **kwargs
    )
    flat = list(axes.flat)
    for ax in flat[n:]:
        ax.set_visible(False)
    return fig, flat[:n]


# LivePlot's argument ``panels`` (titles -> metrics) hides the function inside its __init__
_panel_figure = panels


def image_grid(
    images: np.ndarray,
    ncols: int = 8,
    title: str | None = None,
    ax: plt.Axes | None = None,
    size: float = 0.6,
) -> plt.Figure:
    """Draw images in [-1, 1], shape (N, H, W) or (N, H, W, 1), as one grey grid; returns it."""
    images = np.asarray(images, dtype=np.float32)
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    if images.ndim != 3:
        raise ValueError(f"expected images of shape (N, H, W) or (N, H, W, 1), got {images.shape}")
    if ncols < 1:
        raise ValueError(f"ncols must be at least 1, got {ncols}")
    n, h, w = images.shape
    nrows = int(np.ceil(n / ncols))
    canvas = np.full(
        (nrows * (h + 1) + 1, ncols * (w + 1) + 1), 1.0, dtype=np.float32
    )  # white lines
    for i, img in enumerate(images):
        r, c = divmod(i, ncols)
        canvas[1 + r * (h + 1) : 1 + r * (h + 1) + h, 1 + c * (w + 1) : 1 + c * (w + 1) + w] = img
    if ax is None:
        fig, ax = plt.subplots(figsize=(size * ncols, size * nrows))
    else:
        fig = ax.figure
    ax.imshow(canvas, cmap="gray_r", vmin=-1, vmax=1, interpolation="nearest")
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return fig


def smooth(values: Sequence[float], window: int = 25) -> np.ndarray:
    """Running mean over ``window`` steps (shorter at the start), to read trends in noisy curves."""
    values = np.asarray(values, dtype=np.float64)
    if len(values) == 0 or window <= 1:
        return values
    c = np.cumsum(np.insert(values, 0, 0.0))
    out = np.empty_like(values)
    for i in range(len(values)):
        lo = max(0, i + 1 - window)
        out[i] = (c[i + 1] - c[lo]) / (i + 1 - lo)
    return out


def _in_notebook() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and "IPKernelApp" in getattr(shell, "config", {})


LABELS = {"d_loss": "D loss", "g_loss": "G loss", "d_real": "D(x)", "d_fake": "D(G(z))"}
GAN_PANELS = {"losses": ("d_loss", "g_loss"), "D(x) and D(G(z))": ("d_real", "d_fake")}


class LivePlot:
    """Any named series in panels, plus optional samples, redrawn in place (d2l's ``Animator``).

    ``panels`` maps a panel title to the metric names drawn in it; the default draws the losses and
    D(x), D(G(z)). ``update(history, samples)`` takes a ``training.History`` or any mapping of
    name -> values (a ``"step"`` entry, if present, is the x axis), and optionally samples: images
    (N, H, W[, 1]) are drawn as a grid, points (N, 2) as a scatter.

    >>> live = LivePlot()
    >>> loop.train(STEPS, callback=lambda h: live.update(h, samples=G(FIXED_Z)))
    """

    def __init__(
        self,
        panels: Mapping[str, Sequence[str]] | None = None,
        *,
        samples: bool = True,
        title: str = "",
        smooth_window: int = 25,
        ylims: Mapping[str, tuple[float, float]] | None = None,
        hlines: Mapping[str, float] | None = None,
        labels: Mapping[str, str] | None = None,
    ):
        self.panels = dict(panels if panels is not None else GAN_PANELS)
        if not self.panels or any(not names for names in self.panels.values()):
            raise ValueError("panels must map each panel title to at least one metric name")
        self.smooth_window = smooth_window
        self.ylims = dict(
            ylims if ylims is not None else ({"D(x) and D(G(z))": (0, 1)} if panels is None else {})
        )
        self.hlines = dict(
            hlines if hlines is not None else ({"D(x) and D(G(z))": 0.5} if panels is None else {})
        )
        self.labels = {**LABELS, **(labels or {})}
        self.fig, axes = _panel_figure(len(self.panels) + bool(samples))
        self.axes = dict(zip(self.panels, axes))
        self.ax_samples = axes[-1] if samples else None
        if title:
            self.fig.suptitle(title)
        self._handle = None
        if _in_notebook():
            from IPython.display import display

            plt.close(self.fig)  # we display it ourselves, not inline at cell end
            self._handle = display(self.fig, display_id=True)

    def update(self, history, samples: np.ndarray | None = None) -> None:
        """Redraw every panel from ``history`` (and the samples, if given)."""
        values = history.as_arrays() if hasattr(history, "as_arrays") else dict(history)
        for title, ax in self.axes.items():
            ax.clear()
            for name in self.panels[title]:
                if name not in values:
                    raise KeyError(
                        f"panel {title!r} wants metric {name!r}; the history has {sorted(values)}"
                    )
                y = np.asarray(values[name], dtype=float)
                x = np.asarray(values.get("step", np.arange(1, len(y) + 1)))
                ax.plot(x, smooth(y, self.smooth_window), label=self.labels.get(name, name))
            if title in self.hlines:
                ax.axhline(self.hlines[title], color="grey", lw=0.8, ls="--")
            if title in self.ylims:
                ax.set_ylim(*self.ylims[title])
            ax.set_xlabel("generator step")
            ax.set_title(title + (" (running mean)" if self.smooth_window > 1 else ""))
            ax.legend(loc="best")
        if self.ax_samples is not None and samples is not None:
            self.ax_samples.clear()
            self._draw_samples(np.asarray(samples), len(next(iter(values.values()), [])))
        if self._handle is not None:
            self._handle.update(self.fig)

    def _draw_samples(self, samples: np.ndarray, step: int) -> None:
        ax = self.ax_samples
        if samples.ndim == 2 and samples.shape[1] == 2:
            ax.scatter(samples[:, 0], samples[:, 1], s=4, alpha=0.5)
            ax.set_title(f"samples, step {step}")
        else:
            image_grid(samples[:16], ncols=4, ax=ax, title=f"samples, step {step}")

    def save(self, path: str) -> None:
        self.fig.savefig(path, dpi=100, bbox_inches="tight")


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
PANEL_TEXT = (
    "An interactive panel (ipywidgets): this page cannot draw widgets, so it shows the panel as it "
    "was when the cell ran. Run the notebook in JupyterLab, Colab or Kaggle to use its controls."
)
"""The sentence under a panel's still image where the widget cannot be drawn."""


def widget_bundle(widget) -> dict:
    """The display data that shows ``widget`` in a notebook: a widget view, and plain text.

    Written out rather than asked of ipywidgets: version 8 has ``_repr_mimebundle_``, version 7
    (Google Colab's) displays itself through ``_ipython_display_`` instead. Both speak version 2
    of the widget-view format, which names the widget's model on the kernel side.
    """
    model_id = getattr(widget, "model_id", None) or getattr(widget, "_model_id", None)
    if not model_id:
        raise ValueError(f"{type(widget).__name__} has no model on the kernel side to display")
    return {
        "text/plain": PANEL_TEXT,
        WIDGET_VIEW: {"version_major": 2, "version_minor": 0, "model_id": model_id},
    }


def display_panel(widget, image) -> None:
    """Show an ipywidgets ``widget``, with a still of its ``image`` where widgets cannot be drawn.

    JupyterLab, Colab, Kaggle and Voila draw the live panel: their widget renderer outranks every
    other representation. A page that cannot draw a widget (the course site, GitHub's or an editor's
    notebook view, any nbconvert export) shows the richest one it can: ``image`` (an
    ``ipywidgets.Image``) as it was when the cell ran, in HTML with ``PANEL_TEXT`` under it, or the
    image alone. Works with ipywidgets 7 and 8 (``widget_bundle``).
    """
    import base64

    from IPython.display import display

    bundle = widget_bundle(widget)
    if image.value:
        data = base64.b64encode(image.value).decode()
        mime = f"image/{image.format}"
        bundle[mime] = data
        bundle["text/html"] = (
            f'<figure class="panel-still"><img src="data:{mime};base64,{data}" '
            f'alt="the panel as it was when the cell ran"><figcaption>{PANEL_TEXT}</figcaption>'
            "</figure>"
        )
    display(bundle, raw=True)
