"""gan_helpers: the plumbing shared by the GAN course notebooks.

Modules (each small enough to read in one sitting):

* ``config``   -- the quick/full profile switch and ``set_seed``;
* ``data``     -- MNIST with offline fallbacks, and samplers for the toy experiments;
* ``losses``   -- the discriminator and generator losses, written on logits so the logs stay finite;
* ``training`` -- a compiled GAN training loop with k discriminator steps, history and a NaN guard;
* ``plotting`` -- image grids and a live loss-curve animator.

Importing the package quietens TensorFlow's C++ start-up log (``TF_CPP_MIN_LOG_LEVEL=2``) unless you
set that variable yourself; it changes no results.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from gan_helpers.config import choose, describe_profile, is_quick, profile_name, set_seed  # noqa: E402

__all__ = ["choose", "describe_profile", "is_quick", "profile_name", "set_seed"]
__version__ = "0.1.0"
