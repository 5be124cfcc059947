"""Notebook 08's panel: ask a trained conditional generator for a digit and watch it change.

``CganPanel(generator)`` shows one generated digit and the widgets that choose it:

* ``digit``: toggle buttons 0-9, the label the generator is asked for;
* ``morph into`` (a second digit) and ``morph`` (a slider from 0 to 1): the label fed to the
  generator is ``(1 - morph) * onehot(digit) + morph * onehot(morph into)``, so the slider walks
  from one class to the other with the same noise z;
* ``z[0]`` ... ``z[n-1]``: sliders for the first few coordinates of z (the others stay at the
  values drawn from ``seed``);
* a status line: the label asked for and, when a classifier is given, what it sees.

Every change redraws the image at once (the generator runs on one z, a few milliseconds). The panel
only needs a generator that takes ``[z, label]`` (z of shape (batch, noise_dim), label of shape
(batch, classes)) and returns images in [-1, 1]; it trains nothing. Its status line and state are
the panel kit's (``gan_helpers.widgets``).
"""

from __future__ import annotations

import io

import numpy as np

from gan_helpers import widgets as kit


def _inputs(generator) -> tuple[int, int]:
    """(noise_dim, number of classes) of a generator taking ``[z, label]``, or a clear error."""
    shapes = [tuple(t.shape) for t in getattr(generator, "inputs", None) or []]
    if len(shapes) != 2 or any(len(s) != 2 or s[1] is None for s in shapes):
        raise ValueError(
            "the panel needs a conditional generator with two inputs, [z, label]: z of shape "
            f"(batch, noise_dim) and a one-hot label of shape (batch, classes); got inputs {shapes}"
        )
    return int(shapes[0][1]), int(shapes[1][1])


def to_png(image: np.ndarray, scale: int = 8) -> bytes:
    """A (28, 28[, 1]) image in [-1, 1] as PNG bytes, dark ink on white, ``scale`` times larger."""
    from PIL import Image

    x = np.asarray(image, dtype=np.float32).reshape(image.shape[0], image.shape[1])
    grey = np.round(255 * (1 - (np.clip(x, -1, 1) + 1) / 2)).astype(np.uint8)
    big = Image.fromarray(grey, mode="L").resize(
        (grey.shape[1] * scale, grey.shape[0] * scale), Image.NEAREST
    )
    buffer = io.BytesIO()
    big.save(buffer, format="png")
    return buffer.getvalue()


class CganPanel(kit.Panel):
    """Digit buttons, a morph slider towards a second digit, latent sliders, one redrawn image.

    Args:
        generator: a trained conditional generator (``[z, label] -> image``).
        classifier: optional digit classifier (``gan_helpers.metrics.digit_classifier()``): the
            status line then says which digit it sees, and how sure it is.
        n_sliders: how many coordinates of z get a slider (1 to noise_dim).
        seed: draws the coordinates of z that have no slider, and the sliders' starting values.
        digit, morph_into: the starting digits.

    Widget descriptions (for people and for browser tests): ``digit`` (toggle buttons),
    ``morph into`` (drop-down), ``morph`` (slider), ``z[0]``, ``z[1]``, ... (sliders). The image is
    ``panel.image`` (an ``ipywidgets.Image``), the status line ``panel.status`` (with the facts
    ``digit``, ``morph-into``, ``morph`` and ``redraws``).
    """

    css = "cgan-panel"

    def __init__(
        self,
        generator,
        classifier=None,
        n_sliders: int = 4,
        seed: int = 0,
        digit: int = 7,
        morph_into: int = 1,
        scale: int = 8,
    ):
        import ipywidgets as W

        from gan_helpers.config import check_int

        super().__init__("png")
        self.generator, self.classifier, self.scale = generator, classifier, scale
        self.noise_dim, self.classes = _inputs(generator)
        n_sliders = check_int(
            "n_sliders", n_sliders, 1, f"Give 1 to {self.noise_dim} latent sliders."
        )
        if n_sliders > self.noise_dim:
            raise ValueError(
                f"n_sliders={n_sliders} is more than the generator's noise_dim={self.noise_dim}; "
                f"use n_sliders <= {self.noise_dim}"
            )
        for name, value in (("digit", digit), ("morph_into", morph_into)):
            check_int(name, value, 0, f"Pick a class from 0 to {self.classes - 1}.")
            if value >= self.classes:
                raise ValueError(f"{name} must be below {self.classes}, got {value}")
        seed = check_int("seed", seed, 0, "Use a seed from gan_helpers.seed(i).")
        self.z_base = np.random.default_rng(seed).normal(size=self.noise_dim).astype(np.float32)
        options = [str(c) for c in range(self.classes)]
        self.digit = W.ToggleButtons(
            options=options,
            value=str(digit),
            description="digit",
            style={"button_width": "34px", "description_width": "initial"},
        )
        self.morph_into = kit.dropdown(options, str(morph_into), "morph into", 160)
        self.morph = kit.slider("float", 0.0, "morph", continuous=True, min=0.0, max=1.0, step=0.05)
        self.sliders = [
            kit.slider(
                "float", round(float(v), 1), f"z[{i}]", continuous=True, min=-3, max=3, step=0.1
            )
            for i, v in enumerate(self.z_base[:n_sliders])
        ]
        self.image.width = self.image.height = 28 * scale
        self.redraws = 0
        for w in self.controls:
            w.observe(lambda _: self.redraw(), names="value")
        self.assemble(
            [
                self.digit,
                kit.row(self.morph_into, self.morph),
                kit.row(W.VBox(self.sliders), W.VBox([self.image, self.status])),
            ]
        )
        self.redraw()

    @property
    def controls(self) -> list:
        return [self.digit, self.morph_into, self.morph, *self.sliders]

    def latent(self) -> np.ndarray:
        """The z the widgets describe: the sliders' values, then the seed's draws."""
        z = self.z_base.copy()
        for i, s in enumerate(self.sliders):
            z[i] = s.value
        return z

    def label(self) -> np.ndarray:
        """The label fed to the generator: one-hot ``digit``, mixed towards ``morph into``."""
        y = np.zeros(self.classes, dtype=np.float32)
        t = float(self.morph.value)
        y[int(self.digit.value)] += 1.0 - t
        y[int(self.morph_into.value)] += t
        return y

    def render(self) -> np.ndarray:
        """The image the widgets ask for, (28, 28, 1) in [-1, 1]."""
        out = self.generator([self.latent()[None], self.label()[None]], training=False)
        return np.asarray(out)[0]

    def describe(self, image: np.ndarray) -> str:
        """The status line: what was asked for, and what the classifier sees (if there is one)."""
        a, b, t = int(self.digit.value), int(self.morph_into.value), float(self.morph.value)
        asked = (
            f"asked for {a}" if t == 0 or a == b else f"asked for {a} morphing into {b} ({t:.2f})"
        )
        if self.classifier is None:
            return asked
        from gan_helpers.metrics import classifier_outputs

        _, probs = classifier_outputs(image[None], self.classifier)
        seen = int(np.argmax(probs[0]))
        return f"{asked} | the classifier sees {seen} ({probs[0, seen]:.0%})"

    def redraw(self) -> None:
        """Run the generator for the widgets' values and show the image and the status line."""
        with self.lock:
            image = self.render()
            self.last_image = image
            self.image.value = to_png(image, self.scale)
            self.redraws += 1
            facts = dict(digit=self.digit.value, morph_into=self.morph_into.value)
            facts.update(morph=f"{self.morph.value:.2f}", redraws=self.redraws)
            self.say(kit.IDLE, self.describe(image), **facts)
