"""The panel kit: what the course's widget panels share, so that each keeps only its figure and
its controls (notebooks 03, 06, 07 and 08, and the app).

* ``Panel``, the base: a status line that always names a machine-readable state (``STATES``: a CSS
  class ``panel-state-<state>`` on the panel and a ``data-state`` attribute on the status line,
  with the facts of the moment as more ``data-`` attributes: what the browser tests wait on);
  one background job at a time with Stop (``submit``, ``stop``, ``wait``); any error as one line
  in the status, never a traceback; the display with its still image (``plotting.display_panel``).
* ``Throttle``: a new frame at most every so often while a job trains.
* ``Canvas``: one matplotlib figure without pyplot, drawn into PNG or JPEG bytes, blitted (the
  static part kept as a bitmap, only the moving artists drawn again), behind one lock: widget
  callbacks run in a second kernel thread (ipykernel's subshell) while a cell may draw too.
* ``Settings``: a frozen dataclass of settings that lists its problems, each a sentence saying what
  to change (``whole``, ``number``, ``one_of``), raises them as one ``SettingsError`` and reads
  itself from the widgets.
* ``slider``, ``dropdown``, ``seed_box``, ``buttons``: the controls, in one style.

Works with ipywidgets 7 (Colab's) and 8.
"""

from __future__ import annotations

import dataclasses
import html
import io
import re
import threading
import time
from collections.abc import Callable, Iterable

import numpy as np

from gan_helpers import plotting
from gan_helpers.training import NonFiniteLossError

STATES = ("idle", "compiling", "training", "stopped", "error")
IDLE, COMPILING, TRAINING, STOPPED, ERROR = STATES
STATE_CLASS = "panel-state-"  # the panel's CSS class for its state: panel-state-training, ...
MAX_ERROR = 400  # characters of an error shown in the status line


# --- settings -------------------------------------------------------------------------------
class SettingsError(ValueError):
    """Settings a panel cannot use; the message says what to change."""


def whole(name: str, value, low: int, high: int | None = None) -> str | None:
    """A problem when ``value`` is not a whole number in [low, high], else None."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        if value >= low and (high is None or value <= high):
            return None
    span = f"from {low} to {high}" if high is not None else f">= {low}"
    return f"{name} must be a whole number {span}, not {value!r}"


def number(name: str, value, low: float, high: float, closed: str = "", hint: str = "") -> str:
    """A problem when ``value`` is not a finite number between low and high, else None.
    ``closed`` holds "low" and/or "high" for the ends that are allowed."""
    ok = isinstance(value, (int, float, np.floating)) and not isinstance(value, bool)
    ok = ok and bool(np.isfinite(value))
    if ok and (low <= value if "low" in closed else low < value):
        if value <= high if "high" in closed else value < high:
            return None
    left, right = "[" if "low" in closed else "(", "]" if "high" in closed else ")"
    return f"{name} must be a number in {left}{low:g}, {high:g}{right}{hint}, not {value!r}"


def one_of(name: str, value, options) -> str | None:
    """A problem when ``value`` is not one of ``options``, else None."""
    ok = value in tuple(options)
    return None if ok else f"{name} must be one of {tuple(options)}, not {value!r}"


class Settings:
    """A panel's settings, for a frozen dataclass: ``problems`` lists what is wrong."""

    def problems(self, context=None) -> list[str | None]:
        """What is wrong, each a sentence that says what to change (None entries are dropped)."""
        return []

    def validate(self, context=None):
        """These settings, or a ``SettingsError`` that says everything to change."""
        found = [p for p in self.problems(context) if p]
        if found:
            raise SettingsError("; ".join(found))
        return self

    @classmethod
    def read(cls, widgets: dict):
        return read_settings(cls, widgets)


def read_settings(cls, widgets: dict):
    """The dataclass ``cls`` of the values ``widgets`` (field name -> widget) show, each cast to
    its field's type (int, float, str)."""
    cast = {"int": int, "float": float, "str": str}
    types = {f.name: getattr(f.type, "__name__", f.type) for f in dataclasses.fields(cls)}
    return cls(**{n: cast.get(types[n], lambda v: v)(w.value) for n, w in widgets.items()})


# --- controls -------------------------------------------------------------------------------
WIDE = {"description_width": "initial"}


def _layout(width):
    import ipywidgets as W

    return W.Layout(width=f"{width}px", flex="0 0 auto") if width else W.Layout()


def slider(kind: str, value, description: str, width: int = 300, continuous=False, **options):
    """A slider ("int", "float" or "log") with its full label, never squeezed by its row."""
    import ipywidgets as W

    make = {"int": W.IntSlider, "float": W.FloatSlider, "log": W.FloatLogSlider}[kind]
    style = dict(continuous_update=continuous, style=WIDE, layout=_layout(width))
    return make(value=value, description=description, **style, **options)


def dropdown(options, value, description: str, width: int | None = None):
    import ipywidgets as W

    return W.Dropdown(
        options=list(options),
        value=value,
        description=description,
        style=WIDE,
        layout=_layout(width),
    )


def seed_box(value: int, width: int = 160):
    import ipywidgets as W

    return W.BoundedIntText(value, min=0, max=1_000_000, description="seed", layout=_layout(width))


def row(*children):
    """Controls side by side, wrapping onto a second line where the page is too narrow."""
    import ipywidgets as W

    return W.HBox(list(children), layout=W.Layout(flex_flow="row wrap"))


def buttons(width: int = 80, **styles: str) -> dict:
    """Buttons by name: ``buttons(Train="success", Stop="danger")``."""
    import ipywidgets as W

    return {
        name.replace("_", " "): W.Button(
            description=name.replace("_", " "),
            button_style=style,
            tooltip=name.replace("_", " "),
            layout=_layout(width),
        )
        for name, style in styles.items()
    }


# --- the draw throttle and the canvas -----------------------------------------------------------
class Throttle:
    """At most one frame every ``every_s`` seconds (``due``, ``mark``)."""

    def __init__(self, every_s: float):
        self.every_s, self.last = every_s, float("-inf")

    def left(self) -> float:
        """Seconds until the next frame is due (negative when overdue)."""
        return self.every_s - (time.perf_counter() - self.last)

    def due(self) -> bool:
        return self.left() <= 0

    def mark(self) -> None:
        self.last = time.perf_counter()


def has_data(artist) -> bool:
    """Whether a drawn artist shows anything: a point, a non-zero bar, some text."""
    if hasattr(artist, "get_text"):
        return bool(artist.get_text())
    for name in ("get_xydata", "get_offsets", "get_data"):
        if hasattr(artist, name):
            data = getattr(artist, name)()
            data = np.asarray(data[0] if name == "get_data" else data, dtype=float)
            return bool(data.size and np.isfinite(data).any() and np.any(data[np.isfinite(data)]))
    return True


class Canvas:
    """One matplotlib figure (no pyplot: nothing is shown twice), drawn into image bytes.

    ``render(moving, key=, static=)`` draws a frame: when ``key`` is new (or None, or
    ``blit=False``) it calls ``static()`` and draws the whole figure, keeping it as a bitmap;
    otherwise it restores that bitmap. Then ``moving()`` updates the moving artists (created with
    ``animated=True``, so the full draw leaves them out) and returns them; they are drawn over it.
    One lock covers every draw and encode, so two threads never interleave on the figure.
    ``moving_drawn`` counts the moving artists of the last frame that showed data.
    """

    def __init__(self, width: float, height: float, dpi: int = 100, layout: str | None = None):
        import matplotlib
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        self.style = lambda: matplotlib.rc_context(plotting.COURSE_STYLE)
        with self.style():
            self.fig = Figure(figsize=(width, height), dpi=dpi, layout=layout)
        self.agg = FigureCanvasAgg(self.fig)
        self.lock = threading.RLock()
        self._background, self._key = None, None
        self.moving_drawn = 0

    def render(
        self,
        moving: Callable[[], Iterable] | None = None,
        *,
        key=None,
        static: Callable[[], None] | None = None,
        blit: bool = True,
        fmt: str = "png",
    ) -> bytes:
        with self.lock:
            if key is None or not blit or self._background is None or key != self._key:
                if static is not None:
                    static()
                self.agg.draw()
                self._background = self.agg.copy_from_bbox(self.fig.bbox)
                self._key = key
            else:
                self.agg.restore_region(self._background)
            artists = list(moving()) if moving is not None else []
            for artist in artists:
                self.fig.draw_artist(artist)
            self.moving_drawn = sum(has_data(a) for a in artists)
            return self.encode(fmt)

    def pixels(self) -> np.ndarray:
        """The canvas' RGBA pixels (rows from the top), writable: a frame may paint into them."""
        return np.asarray(self.agg.buffer_rgba())

    def encode(self, fmt: str = "png", quality: int = 85) -> bytes:
        """The canvas as it is now, as PNG or JPEG bytes (JPEG: ten times faster to encode)."""
        from PIL import Image

        with self.lock:
            width, height = self.agg.get_width_height()
            rgba = Image.frombuffer(
                "RGBA", (width, height), self.agg.buffer_rgba(), "raw", "RGBA", 0, 1
            )
            buffer = io.BytesIO()
            rgba.convert("RGB").save(
                buffer, format=fmt, **({"quality": quality} if fmt == "jpeg" else {})
            )
            return buffer.getvalue()


# --- the panel --------------------------------------------------------------------------------
class Panel:
    """The base of a panel: ``status`` (HTML), ``image`` (the figure), ``widget`` (all of it).

    A subclass builds its controls, then calls ``assemble(children)``. ``say(state, text,
    **facts)`` writes the status line; ``submit(job)`` runs ``job(stop_event)`` in the one
    background thread after the job before it ends (Stop sets the event); errors end as one line.
    """

    css = "panel"  # the panel's own CSS class, for pages and tests

    def __init__(self, image_format: str = "png", image_width: int | None = None):
        import ipywidgets as W

        self.status = W.HTML("")
        self.image = W.Image(format=image_format, layout=_layout(image_width))
        self.status.add_class("panel-status")
        self.image.add_class("panel-figure")
        self.widget = None
        self.state, self.facts = IDLE, {}
        self.lock = threading.RLock()  # for panels that redraw in the calling thread
        self._said = threading.Lock()
        self._thread: threading.Thread | None = None
        self._stop_event = threading.Event()
        self._progressed = threading.Event()

    def assemble(self, children: list):
        import ipywidgets as W

        self.widget = W.VBox(children)
        for name in ("gan-panel", self.css, STATE_CLASS + self.state):
            self.widget.add_class(name)
        return self.widget

    def _ipython_display_(self):
        plotting.display_panel(self.widget, self.image)

    # --- the status line ------------------------------------------------------------------
    def say(self, state: str, text: str, lead: str = "", **facts) -> None:
        """The status line: ``lead`` in bold, then ``text``; ``facts`` as data- attributes."""
        if state not in STATES:
            raise ValueError(f"state must be one of {STATES}, not {state!r}")
        data = "".join(
            f' data-{k.replace("_", "-")}="{html.escape(str(v))}"' for k, v in facts.items()
        )
        lead = f"<b>{html.escape(lead)}</b> " if lead else ""
        with self._said:
            self.state, self.facts = state, dict(facts)
            self.status.value = f'<span data-state="{state}"{data}>{lead}{html.escape(text)}</span>'
            if self.widget is not None:
                kept = [c for c in self.widget._dom_classes if not c.startswith(STATE_CLASS)]
                self.widget._dom_classes = (*kept, STATE_CLASS + state)

    @property
    def status_text(self) -> str:
        """The status line as a reader sees it (no tags)."""
        return html.unescape(re.sub(r"<[^>]+>", "", self.status.value))

    def fail(self, err: BaseException) -> None:
        """An error as one line in the status (state ``error``), never a traceback."""
        if isinstance(err, NonFiniteLossError):
            lead, text = "stopped: the training diverged", self.diverged(err)
        elif isinstance(err, SettingsError):
            lead, text = "cannot use these settings:", str(err)
        else:
            lead = "error:"
            text = f"these settings did not work; change them ({type(err).__name__}: {err})"
        text = " ".join(text.split())
        self.say(ERROR, text if len(text) <= MAX_ERROR else text[:MAX_ERROR] + " ...", lead)

    def diverged(self, err: NonFiniteLossError) -> str:
        """What to say after a NaN or infinite loss (a subclass adds its advice)."""
        return "(a loss became NaN or infinite). Lower the learning rate and try again."

    # --- the background job ---------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def submit(self, job: Callable[[threading.Event], object]) -> threading.Thread:
        """Stop the current job and run ``job(stop_event)`` in the background after it."""
        previous = self._thread
        self._stop_event.set()
        self._progressed.clear()
        event = self._stop_event = threading.Event()

        def run():
            if previous is not None:
                previous.join()  # one job at a time: they share the models and the figure
            if not event.is_set():  # else superseded before it began
                try:
                    job(event)
                except Exception as err:  # a background thread has no cell to fail: say it
                    self.fail(err)

        self._thread = threading.Thread(target=run, daemon=True, name=self.css)
        self._thread.start()
        return self._thread

    def foreground(self) -> threading.Event:
        """End the background job, then a fresh stop event for work in the calling thread."""
        self.stop()
        self.wait()
        self._progressed.clear()
        self._stop_event = threading.Event()
        return self._stop_event

    def stop(self) -> None:
        """The Stop button: the job ends at its next check of the event."""
        self._stop_event.set()

    def wait(self, timeout: float | None = None) -> None:
        """Block until the background job ends (for scripts and tests)."""
        if self._thread is not None:
            self._thread.join(timeout)

    def progress(self, event: threading.Event) -> None:
        """A job reports progress: ``wait_for_progress`` returns, if it is the current job."""
        if event is self._stop_event:
            self._progressed.set()

    def wait_for_progress(self, timeout: float | None = None) -> bool:
        """Block until the job started last has made progress (for scripts and tests)."""
        return self._progressed.wait(timeout)
