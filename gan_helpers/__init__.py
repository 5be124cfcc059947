"""gan_helpers: the plumbing shared by the GAN course notebooks. No lesson code lives here.

The rule: a lesson's code (its networks, losses and training step) is written in the notebook that
teaches it, in cells tagged ``lesson``. Whatever else needs that code (a later notebook, a
benchmark, a test) loads those cells with ``gan_helpers.lessons.load``. This package holds only the
machinery around them. Modules (each small enough to read in one sitting):

* ``config``   -- the quick/full profile, the base seed, ``set_seed``, ``check_int``, ``Timer``;
* ``data``     -- MNIST with offline fallbacks;
* ``lessons``  -- loads a notebook's ``lesson`` cells, so code has one source;
* ``training`` -- compiles any ``d_step``/``g_step`` pair into one loop: k, history, NaN guard;
* ``weights``  -- the weight-diff instrument: snapshot every variable, diff two snapshots, group;
* ``plotting`` -- the course's figure style, image grids and ``LivePlot``, a live animator;
* ``freezing`` -- notebook 02's laboratory: runs Keras recipes and measures which weights move;
* ``toy``      -- notebook 03's runner: the compiled 1-D experiment, W1 to N(0, 1), a model cache;
* ``toy_panel``-- notebook 03's widget panel, live figure and sweep tables;
* ``metrics``  -- a digit classifier, a Frechet distance in its feature space, mode coverage;
* ``startup``  -- TensorFlow's start-up lines explained, and an import without them.

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
__version__ = "0.2.0"
