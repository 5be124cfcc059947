"""gan_helpers: what the GAN course's notebooks share. No lesson code lives here.

The rule: a lesson's code (its networks, losses and training step) is written in the notebook that
teaches it, in cells tagged ``lesson``. Whatever else needs that code (a later notebook, a
benchmark, a test) loads those cells with ``gan_helpers.lessons.load``. This package holds the
machinery around them, in three parts, so that its layout says who reads what.

**The core** (this folder's modules), which every notebook uses and a student reads:

* ``config``   -- the quick/full profile, the base seed, ``setup()`` (a notebook's one setup line),
  ``set_seed``, ``check_int``, ``Timer``;
* ``data``     -- MNIST with offline fallbacks;
* ``lessons``  -- loads a notebook's ``lesson`` cells, so code has one source;
* ``training`` -- compiles any ``d_step``/``g_step`` pair into one loop: k, history, NaN guard;
* ``weights``  -- the weight-diff instrument: snapshot every variable, diff two snapshots, group;
* ``plotting`` -- the course's figure style, image grids, ``LivePlot``, a panel's display;
* ``metrics``  -- a digit classifier, a Frechet distance in its feature space, mode coverage;
* ``startup``  -- TensorFlow's start-up lines explained, and an import without them;
* ``runtime``  -- where the course runs (Colab, Kaggle) and how its versions differ from the pins;
* ``runs``     -- one restartable run: a GAN built once per graph-fixing choice, restarted per seed;
* ``widgets``  -- the panel kit: status and state, controls, a background job with Stop, a canvas.

**The labs** (``gan_helpers.labs``): one notebook's instruments each, named by its number
(``labs/nb06_mixtures.py`` serves notebook 06 only): its laboratory, runner or widget panel.

**The exercise checks** (``gan_helpers.exercises``): one module per notebook, out of the reading
path: they must recognise every wrong answer, so they spell out the formulas a student should not
write.

Importing the package imports TensorFlow without the start-up lines it prints on every machine
(``startup``: each one explained, anything else still shows); it changes no results.
"""

from gan_helpers import startup

startup.import_tensorflow()

from gan_helpers.config import (  # noqa: E402
    Timer,
    base_seed,
    check_int,
    choose,
    describe_profile,
    is_quick,
    seed,
    seeds,
    set_seed,
    setup,
)

__all__ = [
    "Timer",
    "base_seed",
    "check_int",
    "choose",
    "describe_profile",
    "is_quick",
    "seed",
    "seeds",
    "set_seed",
    "setup",
]
__version__ = "0.3.0"
