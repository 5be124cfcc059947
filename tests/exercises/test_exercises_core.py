"""The verdict machinery of every exercise check (gan_helpers/exercises/__init__.py)."""

import numpy as np
import tensorflow as tf

from gan_helpers import exercises


def stub(fake_logits):
    """G's non-saturating loss -log D(G(z)), from D's logits on a batch of fakes."""
    raise NotImplementedError("your code here")


def attempt_with_numpy(fake_logits):
    return tf.constant(np.mean(np.logaddexp(0.0, -fake_logits)), tf.float32)


def test_only_the_untouched_stub_is_not_attempted():
    assert exercises.is_stub(None) and exercises.is_stub(stub)
    namespace = {}
    exec("def f(x):\n    raise NotImplementedError('your code here')\n", namespace)
    assert exercises.is_stub(namespace["f"]), "a stub defined by exec (no source file)"
    assert not exercises.is_stub(attempt_with_numpy) and not exercises.is_stub(0.5)

    def half_done(x):
        tf.nn.softplus(-x)
        raise NotImplementedError("your code here")

    assert not exercises.is_stub(half_done), "an attempt that still raises is an attempt"


def test_numpy_inside_a_compiled_step_is_wrong_not_unattempted():
    """TensorFlow raises NotImplementedError when NumPy meets a symbolic tensor."""
    compiled = tf.function(attempt_with_numpy)
    verdict = exercises.check_nonsaturating_loss(compiled.python_function, quiet=True)
    assert verdict.status != exercises.NOT_ATTEMPTED, verdict

    def symbolic(fake_logits):
        return tf.function(lambda x: tf.constant(np.asarray(x).mean()))(fake_logits)

    verdict = exercises.check_nonsaturating_loss(symbolic, quiet=True)
    assert verdict.status == "wrong" and "Use tf operations" in verdict.message, verdict
