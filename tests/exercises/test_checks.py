"""What exercise checks do beyond one answer and one verdict, grouped by notebook.

The right and wrong answers each check is tested on are a table (``answers/``, run by
``test_wrong_answers.py``); the verdict machinery is tested in ``test_exercises_core.py``.
"""

import tensorflow as tf

from gan_helpers import exercises
from solutions import nb05

# notebook 05


def test_a_compiled_right_penalty_is_right_after_the_notebooks_set_seed():
    """gan_helpers.setup() sets a global seed: a tf.function penalty must still pass."""
    import gan_helpers

    gan_helpers.set_seed(0)
    verdict = exercises.check_wgan_gp_penalty(tf.function(nb05.wgan_gp_penalty), quiet=True)
    assert verdict.passed, verdict
