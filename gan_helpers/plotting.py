"""Plots for the notebooks: image grids, a running mean, and the course's one live plot.

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
        ncols = len(self.panels) + bool(samples)
        self.fig, axes = plt.subplots(1, ncols, figsize=(4.4 * ncols, 3.6), squeeze=False)
        self.axes = dict(zip(self.panels, axes[0]))
        self.ax_samples = axes[0][-1] if samples else None
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
        self.fig.tight_layout()
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
