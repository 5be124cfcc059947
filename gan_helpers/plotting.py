"""Plots for the notebooks: image grids and a live animator that redraws loss curves in place.

``LivePlot`` follows d2l.ai's ``Animator``: it keeps one matplotlib figure and, each time you call
``update``, redraws it in the same notebook output (an IPython display handle), so the curves grow
while training runs instead of piling up one figure per step. Outside a notebook it just keeps the
data and can be saved to a file.
"""

from __future__ import annotations

from typing import Optional, Sequence

import matplotlib.pyplot as plt
import numpy as np


def image_grid(images: np.ndarray, ncols: int = 8, title: Optional[str] = None,
               ax: Optional[plt.Axes] = None, size: float = 0.6) -> plt.Figure:
    """Draw images in [-1, 1] (shape (N, H, W) or (N, H, W, 1)) as one grey grid; returns the figure."""
    images = np.asarray(images, dtype=np.float32)
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    if images.ndim != 3:
        raise ValueError(f"expected images of shape (N, H, W) or (N, H, W, 1), got {images.shape}")
    if ncols < 1:
        raise ValueError(f"ncols must be at least 1, got {ncols}")
    n, h, w = images.shape
    nrows = int(np.ceil(n / ncols))
    canvas = np.full((nrows * (h + 1) + 1, ncols * (w + 1) + 1), 1.0, dtype=np.float32)  # white lines
    for i, img in enumerate(images):
        r, c = divmod(i, ncols)
        canvas[1 + r * (h + 1): 1 + r * (h + 1) + h, 1 + c * (w + 1): 1 + c * (w + 1) + w] = img
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


class LivePlot:
    """Loss curves (left), D(x) and D(G(z)) (middle) and a sample grid (right), redrawn in place.

    >>> live = LivePlot()
    >>> trainer.train(steps, callback=lambda t: live.update(t.history, samples=G(fixed_z)))
    """

    def __init__(self, title: str = "", smooth_window: int = 25, show_samples: bool = True):
        self.smooth_window = smooth_window
        ncols = 3 if show_samples else 2
        self.fig, axes = plt.subplots(1, ncols, figsize=(4.2 * ncols, 3.4),
                                      gridspec_kw={"width_ratios": [1.2, 1.2, 1][:ncols]})
        self.ax_loss, self.ax_prob = axes[0], axes[1]
        self.ax_img = axes[2] if show_samples else None
        if title:
            self.fig.suptitle(title)
        self._handle = None
        if _in_notebook():
            from IPython.display import display

            plt.close(self.fig)  # we display it ourselves, not inline at cell end
            self._handle = display(self.fig, display_id=True)

    def update(self, history, samples: Optional[np.ndarray] = None) -> None:
        """Redraw from a ``training.History`` (and optionally an array of sample images)."""
        h = history.as_arrays()
        steps = np.arange(1, len(h["g_loss"]) + 1)
        w = self.smooth_window
        ax = self.ax_loss
        ax.clear()
        ax.plot(steps, smooth(h["d_loss"], w), label="D loss")
        ax.plot(steps, smooth(h["g_loss"], w), label="G loss")
        ax.set_xlabel("generator step")
        ax.set_title("losses (running mean)")
        ax.legend(loc="upper right")
        ax = self.ax_prob
        ax.clear()
        ax.plot(steps, smooth(h["d_real"], w), label="D(x)")
        ax.plot(steps, smooth(h["d_fake"], w), label="D(G(z))")
        ax.axhline(0.5, color="grey", lw=0.8, ls="--")
        ax.set_ylim(0, 1)
        ax.set_xlabel("generator step")
        ax.set_title("discriminator outputs")
        ax.legend(loc="upper right")
        if self.ax_img is not None and samples is not None:
            self.ax_img.clear()
            image_grid(np.asarray(samples)[:16], ncols=4, ax=self.ax_img, title=f"samples, step {len(steps)}")
        self.fig.tight_layout()
        if self._handle is not None:
            self._handle.update(self.fig)

    def save(self, path: str) -> None:
        self.fig.savefig(path, dpi=100, bbox_inches="tight")
