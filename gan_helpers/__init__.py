"""gan_helpers: the plumbing shared by the GAN course notebooks.

Modules (each small enough to read in one sitting):

* ``config``   -- the quick/full profile switch and ``set_seed``;
* ``data``     -- MNIST with offline fallbacks, and samplers for the toy experiments;
* ``models``   -- the small MLP generator and discriminator of notebook 01;
* ``losses``   -- the discriminator and generator losses, written on logits so the logs stay finite;
* ``training`` -- a compiled GAN training loop with k discriminator steps, history and a NaN guard;
* ``plotting`` -- image grids and a live loss-curve animator;
* ``freezing`` -- measures what ``trainable``/``compile``/``run_eagerly`` do in Keras 3 and Keras 2 (notebook 02);
* ``toy``      -- the 1-D Gaussian toy GAN, its compiled training loop and widget panel (notebook 03);
* ``metrics``  -- a digit classifier, a Frechet distance in its feature space, and mode coverage (04, 05);
* ``wgan``     -- the gradient penalty and weight clipping (notebook 05).

Importing the package quietens TensorFlow's C++ start-up log (``TF_CPP_MIN_LOG_LEVEL=2``) unless you
set that variable yourself; it changes no results.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from gan_helpers.config import choose, describe_profile, is_quick, profile_name, set_seed  # noqa: E402

__all__ = ["choose", "describe_profile", "is_quick", "profile_name", "set_seed"]
__version__ = "0.1.0"
